package oracle

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/sqsim/sqsim/sq"
)

// ErrReplay: the query asked differs from the one recorded at that point of
// the trace, or the trace has ended.
var ErrReplay = errors.New("oracle: replay mismatch")

// ReplayOracle answers the queries of a recorded trace with the recorded
// answers, bit for bit, provided they are asked in the same order with the
// same fingerprints, dimensions and tolerances. Free (label-free) entries of
// the trace are skipped: they never reached an oracle.
type ReplayOracle struct {
	entries []sq.Entry
	next    int
}

// Replay returns a replay oracle of the entries (as read by sq.ReadTrace).
func Replay(entries []sq.Entry) *ReplayOracle {
	var es []sq.Entry
	for _, e := range entries {
		if !e.Free {
			es = append(es, e)
		}
	}
	return &ReplayOracle{entries: es}
}

// Name returns "replay".
func (o *ReplayOracle) Name() string { return "replay" }

// Remaining returns how many recorded answers have not been replayed.
func (o *ReplayOracle) Remaining() int { return len(o.entries) - o.next }

// Answer writes the next recorded answer if q matches the record.
func (o *ReplayOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	if o.next >= len(o.entries) {
		return fmt.Errorf("%w: query %q asked after the trace's %d answers", ErrReplay, q.Name, len(o.entries))
	}
	e := o.entries[o.next]
	fp := strconv.FormatUint(q.Fingerprint(), 16)
	switch {
	case e.Fingerprint != fp:
		return fmt.Errorf("%w: answer %d: query %q (fingerprint %s), the trace has %q (fingerprint %s)", ErrReplay, e.Seq, q.Name, fp, e.Name, e.Fingerprint)
	case e.Dim != q.Dim || len(ans) < q.Dim:
		return fmt.Errorf("%w: answer %d: dimension %d, the trace has %d", ErrReplay, e.Seq, q.Dim, e.Dim)
	case e.Tol != tau:
		return fmt.Errorf("%w: answer %d: tolerance %g, the trace has %g", ErrReplay, e.Seq, tau, e.Tol)
	}
	copy(ans, e.Answer)
	o.next++
	return nil
}
