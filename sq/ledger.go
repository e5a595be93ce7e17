package sq

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
)

// ErrLedger is the sentinel of entries a ledger refuses to record (see
// Ledger.Record and Ledger.Err).
var ErrLedger = errors.New("sq: ledger refused an entry")

// Ledger records every answered query. It is safe for concurrent use.
//
// Rounds: by default every query starts a new adaptivity round. Queries
// asked inside Ledger.Round(fn) share one round: a learner uses it for a
// batch of queries none of which depends on another's answer.
type Ledger struct {
	mu       sync.Mutex
	entries  []Entry
	sum      Summary
	round    int  // rounds used so far
	inRound  int  // depth of Round calls in progress
	opened   bool // the current Round call has counted its round
	stream   io.Writer
	werr     error // first error met recording or streaming; streaming stops there
	noKeep   bool  // summary-only: entries are counted (and streamed) but not kept
	seq      int   // entries recorded so far (kept or not)
	minAsked float64
	manifest *Manifest
	observe  func(Entry)
}

// NewLedger returns an empty ledger that keeps every entry (see Entries).
func NewLedger() *Ledger { return &Ledger{} }

// NewSummaryLedger returns an empty ledger that counts every answer (and
// streams it, see Stream) but keeps no entries: its memory does not grow
// with the number of queries, and Entries returns nil. Use it for long runs
// that need only the Summary, or that stream their trace to a file.
func NewSummaryLedger() *Ledger { return &Ledger{noKeep: true} }

// Stream makes the ledger write every entry, as it is recorded, as one JSON
// line to w, after a header line (see StreamWithManifest) whose manifest is
// the one given to SetManifest, or else one that knows only the build of
// sqsim (command "unknown"). The first write error is kept and returned by
// Err.
func (l *Ledger) Stream(w io.Writer) {
	l.mu.Lock()
	m := l.manifestOrDefault()
	l.mu.Unlock()
	l.StreamWithManifest(w, m)
}

// StreamWithManifest makes the ledger write every entry, as it is
// recorded, as one JSON line to w, after the header line
// {"trace":"sqsim","version":2,"manifest":m}; m becomes the ledger's
// manifest (see WriteJSONL). Call it before the first Record: a trace
// missing its first entries is refused (Err). The first write error is
// kept and returned by Err; no line is written after it.
func (l *Ledger) StreamWithManifest(w io.Writer, m Manifest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.manifest = &m
	if l.seq > 0 && l.werr == nil {
		l.werr = fmt.Errorf("%w: Stream called after %d entries were recorded; the trace would lack them", ErrLedger, l.seq)
	}
	l.stream = w
	l.writeLine(traceHeader(&m))
}

// Observe makes the ledger call fn with every entry it records, in order,
// as it is recorded (a summary-only ledger too). fn runs under the
// ledger's lock: it must not call the ledger.
func (l *Ledger) Observe(fn func(Entry)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observe = fn
}

// SetManifest sets the manifest that WriteJSONL (and a later Stream) write
// in the trace's header.
func (l *Ledger) SetManifest(m Manifest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.manifest = &m
}

// Manifest returns the ledger's manifest (see SetManifest), or one that
// knows only the build of sqsim.
func (l *Ledger) Manifest() Manifest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.manifestOrDefault()
}

func (l *Ledger) manifestOrDefault() Manifest {
	if l.manifest != nil {
		return *l.manifest
	}
	return NewManifest("unknown")
}

// Err returns the first error met while recording (an entry the ledger
// refused, see Record) or streaming. Streaming stops at that error, so a
// streamed trace is always a consistent prefix of the run.
func (l *Ledger) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.werr
}

func (l *Ledger) writeLine(v any) {
	if l.stream == nil || l.werr != nil {
		return
	}
	b, err := json.Marshal(v)
	if err == nil {
		b = append(b, '\n')
		_, err = l.stream.Write(b)
	}
	if err != nil {
		l.werr = fmt.Errorf("sq: writing the trace: %w", err)
	}
}

// Round runs fn with every query it asks counted in one adaptivity round.
// Nested calls share the outer round.
func (l *Ledger) Round(fn func() error) error {
	l.mu.Lock()
	if l.inRound == 0 {
		l.opened = false
	}
	l.inRound++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.inRound--
		l.mu.Unlock()
	}()
	return fn()
}

// Record adds the answer ans (q.Dim values, copied) to q asked at tolerance
// tau. info.Free marks a label-free query answered from the Setting: it is
// recorded but not counted as a query. info.EffTol, when larger than tau, is
// the tolerance the oracle answered at (a tolerance floor); the summary
// counts that one.
//
// Record never panics on bad input: a nil query, a dimension below 1, an
// answer shorter than q.Dim, or a tolerance (asked or effective) that is
// not a finite positive number is refused. The entry is then neither
// counted nor written, the ledger keeps the error (wrapping ErrLedger and
// ErrQuery or ErrTolerance) for Err, and streaming stops there.
func (l *Ledger) Record(q *Query, tau float64, ans []float64, info Info) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := checkRecord(q, tau, ans, info); err != nil {
		if l.werr == nil {
			l.werr = fmt.Errorf("%w: entry %d: %w", ErrLedger, l.seq, err)
		}
		return
	}
	// Free expectations are not queries: they use no round.
	if !info.Free && (l.inRound == 0 || !l.opened) {
		l.round++
		l.opened = l.inRound > 0
	}
	e := Entry{
		Seq: l.seq, Round: max(l.round-1, 0), Name: q.Name, Class: q.Class.String(), Bound: q.BoundOrOne(),
		Dim: q.Dim, Tol: tau, Norm: q.TolNorm.String(), Free: info.Free,
		EffTol: effTol(tau, info.EffTol),
		Answer: append(Floats(nil), ans[:q.Dim]...), Nanos: info.Nanos,
		Oracle: info.Oracle, Samples: info.Samples, Pool: info.Pool,
	}
	if !l.noKeep || l.observe != nil || (l.stream != nil && l.werr == nil) {
		// Only for an entry kept, observed or written (the fingerprint
		// hashes 8 bytes per weight: O(d) for every query otherwise).
		e.Fingerprint = strconv.FormatUint(q.Fingerprint(), 16)
		e.Digest = e.ComputeDigest()
	}
	l.seq++
	if !l.noKeep {
		l.entries = append(l.entries, e)
	}
	if !info.Free && (l.minAsked == 0 || tau < l.minAsked) {
		l.minAsked = tau
	}
	l.sum.Add(q, e.EffectiveTol(), info.Free)
	if !info.Free && e.EffTol > 0 {
		l.sum.Raised++
	}
	l.sum.Rounds = l.round
	l.sum.WallNanos += info.Nanos
	if l.observe != nil {
		l.observe(e)
	}
	if l.stream != nil && l.werr == nil {
		l.writeLine(&e) // (not boxing e when nothing is written)
	}
}

func checkRecord(q *Query, tau float64, ans []float64, info Info) error {
	switch {
	case q == nil:
		return fmt.Errorf("%w: nil query", ErrQuery)
	case q.Dim < 1:
		return fmt.Errorf("%w %q: dimension %d, want >= 1", ErrQuery, q.Name, q.Dim)
	case len(ans) < q.Dim:
		return fmt.Errorf("%w %q: the answer has %d values, the query has dimension %d", ErrQuery, q.Name, len(ans), q.Dim)
	case !(tau > 0) || math.IsInf(tau, 0):
		return fmt.Errorf("%w: query %q asked at tau = %v", ErrTolerance, q.Name, tau)
	case math.IsNaN(info.EffTol) || math.IsInf(info.EffTol, 0) || info.EffTol < 0:
		return fmt.Errorf("%w: query %q answered at effective tolerance %v", ErrTolerance, q.Name, info.EffTol)
	}
	return nil
}

// effTol is the EffTol an entry records: eff when a floor raised the
// tolerance above tau, else 0 (the same as asked).
func effTol(tau, eff float64) float64 {
	if eff > tau {
		return eff
	}
	return 0
}

// Summary returns the counts so far.
func (l *Ledger) Summary() Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sum
}

// MinAskedTol returns the smallest tolerance asked by a (non-free) query
// so far, as the learner asked it (before any floor), or 0 when none was.
// A summary-only ledger knows it too.
func (l *Ledger) MinAskedTol() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.minAsked
}

// Entries returns a copy of the records so far (nil for a summary-only
// ledger, see NewSummaryLedger).
func (l *Ledger) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

// WriteJSONL writes the ledger as JSON Lines: a header line
// {"trace":"sqsim","version":2,"manifest":{...}} with the ledger's
// manifest (see SetManifest), then one Entry per line. A summary-only
// ledger has no entries to write.
func (l *Ledger) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	m := l.Manifest()
	if err := enc.Encode(traceHeader(&m)); err != nil {
		return err
	}
	for _, e := range l.Entries() {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return bw.Flush()
}
