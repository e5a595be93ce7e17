package oracle

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/sqsim/sqsim/sq"
)

// ErrReplay: the query asked differs from the one recorded at that point of
// the trace, or the trace has ended, or the trace itself is inconsistent
// (entries out of order, a digest that does not match its record).
var ErrReplay = errors.New("oracle: replay mismatch")

// ReplayError is the error of a replay oracle whose learner diverged from
// the trace. It wraps ErrReplay.
type ReplayError struct {
	// Index is the position (from 0) of the query among the trace's
	// non-free entries; Seq the recorded entry's Seq (-1 past the end).
	Index, Seq int
	// Beyond: the learner asked a query after the trace's last answer.
	Beyond bool
	// What differs: "fingerprint", "dimension", "tolerance", "effective
	// tolerance", "order" or "digest" (the trace itself is damaged), or
	// "beyond the trace".
	What string
	// The recorded entry (zero when Beyond) and the query asked.
	Want sq.Entry
	Got  Asked
}

// Asked is what the learner asked at a point of a replay.
type Asked struct {
	Name        string
	Fingerprint string
	Dim         int
	Tol         float64
}

func (e *ReplayError) Error() string {
	g := e.Got
	switch e.What {
	case "beyond the trace":
		return fmt.Sprintf("%v: query %d %q (fingerprint %s) asked after the trace's %d answers", ErrReplay, e.Index, g.Name, g.Fingerprint, e.Index)
	case "fingerprint":
		return fmt.Sprintf("%v: answer %d (seq %d): query %q (fingerprint %s), the trace has %q (fingerprint %s)", ErrReplay, e.Index, e.Seq, g.Name, g.Fingerprint, e.Want.Name, e.Want.Fingerprint)
	case "dimension":
		return fmt.Sprintf("%v: answer %d (seq %d): query %q has dimension %d, the trace has %d", ErrReplay, e.Index, e.Seq, g.Name, g.Dim, e.Want.Dim)
	case "tolerance":
		return fmt.Sprintf("%v: answer %d (seq %d): query %q asked at tolerance %v, the trace has %v", ErrReplay, e.Index, e.Seq, g.Name, g.Tol, e.Want.Tol)
	case "effective tolerance":
		return fmt.Sprintf("%v: answer %d (seq %d): query %q would be answered at tolerance %v, the trace was at %v (a different tolerance floor?)", ErrReplay, e.Index, e.Seq, g.Name, g.Tol, e.Want.EffectiveTol())
	case "order":
		return fmt.Sprintf("%v: answer %d: the trace's entry has seq %d, not after the previous one's (entries reordered)", ErrReplay, e.Index, e.Seq)
	case "digest":
		return fmt.Sprintf("%v: answer %d (seq %d): the entry's digest %s does not match its record (%s): the trace was edited or corrupted", ErrReplay, e.Index, e.Seq, e.Want.Digest, e.Want.ComputeDigest())
	}
	return fmt.Sprintf("%v: answer %d (seq %d): %s", ErrReplay, e.Index, e.Seq, e.What)
}

// Unwrap makes errors.Is(err, ErrReplay) true.
func (e *ReplayError) Unwrap() error { return ErrReplay }

// ReplayOracle answers the queries of a recorded trace with the recorded
// answers, bit for bit, provided they are asked in the same order with the
// same fingerprints, dimensions and tolerances (compared bit for bit).
// Free (label-free) entries of the trace are skipped: they never reached an
// oracle. Each entry is checked before it is used: entries must come in
// increasing Seq (a reordered trace is caught) and an entry that carries a
// digest must match it (an edited answer is caught).
//
// The first divergence is kept (Divergence) and every later query gets
// the same error (for damaged entries, from the first query on), so a learner that ignores an error cannot go on with
// answers that are not its own. It is safe for concurrent use, but a
// replay is only meaningful for a learner that asks in a fixed order.
type ReplayOracle struct {
	mu      sync.Mutex
	all     []sq.Entry // the entries given (not copied)
	entries []int      // the positions in all of the non-free ones
	next    int
	lastSeq int
	minTol  float64
	div     *ReplayError
}

// Replay returns a replay oracle of the entries (as read by sq.ReadTrace),
// which it keeps without copying: do not change them while replaying.
// The entries are checked first (see NewReplay); if they are inconsistent,
// every Answer returns that error and nothing is replayed.
func Replay(entries []sq.Entry) *ReplayOracle {
	var idx []int
	last := -1
	var broken *ReplayError
	for i, e := range entries {
		if e.Free {
			if broken == nil && e.Seq <= last {
				broken = &ReplayError{Index: len(idx), Seq: e.Seq, What: "order", Want: e}
			}
			last = e.Seq
			continue
		}
		if broken == nil {
			broken = checkEntry(len(idx), e, last)
		}
		last = e.Seq
		idx = append(idx, i)
	}
	return &ReplayOracle{all: entries, entries: idx, lastSeq: -1, div: broken}
}

// NewReplay is Replay that returns the error of inconsistent entries up
// front: a *ReplayError wrapping ErrReplay for entries out of order (their
// Seq must increase) or an entry whose digest does not match its record.
func NewReplay(entries []sq.Entry) (*ReplayOracle, error) {
	o := Replay(entries)
	if o.div != nil {
		return nil, o.div
	}
	return o, nil
}

// WithMinTol makes the replay reproduce a tolerance floor T (a run whose
// stack had oracle.WithMinTol(T), see sq.Manifest.MinTol): it is then a
// sq.TolFloor answering at max(tau, T), so a budget or ledger above it
// counts what the recorded run counted, and each answer's recorded
// effective tolerance is checked against max(tau, T). It returns o.
func (o *ReplayOracle) WithMinTol(T float64) *ReplayOracle {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.minTol = T
	return o
}

// EffectiveTol implements sq.TolFloor: max(tau, T) under WithMinTol(T),
// else tau.
func (o *ReplayOracle) EffectiveTol(tau float64) float64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.effTol(tau)
}

func (o *ReplayOracle) effTol(tau float64) float64 {
	if o.minTol > 0 && tau < o.minTol {
		return o.minTol
	}
	return tau
}

// Name returns "replay".
func (o *ReplayOracle) Name() string { return "replay" }

// Remaining returns how many recorded answers have not been replayed.
func (o *ReplayOracle) Remaining() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.entries) - o.next
}

// Replayed returns how many recorded answers have been replayed.
func (o *ReplayOracle) Replayed() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.next
}

// Divergence returns the first divergence met, or nil.
func (o *ReplayOracle) Divergence() *ReplayError {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.div
}

func checkEntry(i int, e sq.Entry, lastSeq int) *ReplayError {
	if e.Seq <= lastSeq {
		return &ReplayError{Index: i, Seq: e.Seq, What: "order", Want: e}
	}
	if e.Digest != "" && e.Digest != e.ComputeDigest() {
		return &ReplayError{Index: i, Seq: e.Seq, What: "digest", Want: e}
	}
	return nil
}

// Answer writes the next recorded answer if q matches the record.
func (o *ReplayOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.div != nil {
		return o.div
	}
	got := Asked{Name: q.Name, Fingerprint: strconv.FormatUint(q.Fingerprint(), 16), Dim: q.Dim, Tol: tau}
	if o.next >= len(o.entries) {
		o.div = &ReplayError{Index: o.next, Seq: -1, Beyond: true, What: "beyond the trace", Got: got}
		return o.div
	}
	e := o.all[o.entries[o.next]]
	fail := func(what string) error {
		o.div = &ReplayError{Index: o.next, Seq: e.Seq, What: what, Want: e, Got: got}
		return o.div
	}
	if err := checkEntry(o.next, e, o.lastSeq); err != nil {
		err.Got = got
		o.div = err
		return err
	}
	switch {
	case e.Fingerprint != got.Fingerprint:
		return fail("fingerprint")
	case e.Dim != q.Dim:
		return fail("dimension")
	case math.Float64bits(e.Tol) != math.Float64bits(tau):
		return fail("tolerance")
	case o.minTol > 0 && math.Float64bits(e.EffectiveTol()) != math.Float64bits(o.effTol(tau)):
		got.Tol = o.effTol(tau)
		return fail("effective tolerance")
	}
	if len(ans) < q.Dim || len(e.Answer) != e.Dim {
		// Not a divergence of the learner: a bad buffer or a bad entry.
		return fmt.Errorf("%w %q: answer buffer of length %d (the trace's answer has %d values), want %d", sq.ErrQuery, q.Name, len(ans), len(e.Answer), q.Dim)
	}
	copy(ans, e.Answer)
	o.next++
	o.lastSeq = e.Seq
	return nil
}
