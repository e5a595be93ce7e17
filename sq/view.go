package sq

import (
	"fmt"
	"math"
)

// ThresholdView returns the Boolean-label view of o at threshold t (theory
// §6.3): an oracle about labels ytil = sign(y - t), +1 if y > t and -1
// otherwise. Every query phi(x, ytil) it is asked is rewritten with
// MapLabels into phi(x, sign(y - t)) and forwarded to o at the same
// tolerance, so an answer within tau of E[phi(x, sign(y - t))] is what the
// caller gets, whatever o's policy. This is how the GKK19 reduction runs a
// halfspace learner, written for labels in {-1, +1}, on regression labels.
//
// The view refuses, with an error wrapping ErrQuery, queries with a joint
// term G(U x, y) (they cannot be rewritten term by term; write them as label
// times feature terms) and every query when t is not finite. Because
// sign(y - t) is not y, the mapped queries are not correlational (MapLabels
// drops the class), so a CSQ-only oracle below the view refuses them with a
// *ClassError: the reduction is an SQ algorithm, not a CSQ one.
//
// The view forwards SampleReporter, so a ledger above it still sees how
// many examples a sampling oracle below used.
func ThresholdView(o Oracle, t float64) Oracle { return &thresholdView{inner: o, t: t} }

type thresholdView struct {
	inner Oracle
	t     float64
}

// Name returns "threshold(t=...)(inner)".
func (v *thresholdView) Name() string {
	if v.inner == nil {
		return fmt.Sprintf("threshold(t=%g)(<nil>)", v.t)
	}
	return fmt.Sprintf("threshold(t=%g)(%s)", v.t, v.inner.Name())
}

// Answer maps q to the thresholded labels and asks the oracle below.
func (v *thresholdView) Answer(q *Query, tau float64, ans []float64) error {
	if math.IsNaN(v.t) || math.IsInf(v.t, 0) {
		return fmt.Errorf("%w: threshold view at t = %v: the threshold must be finite", ErrQuery, v.t)
	}
	if q == nil {
		return fmt.Errorf("%w: nil query", ErrQuery)
	}
	if v.inner == nil {
		return fmt.Errorf("%w: %s has no oracle below it", ErrNoOracle, v.Name())
	}
	mapped, ok := MapLabels(q, v.t)
	if !ok {
		return fmt.Errorf("%w %q: threshold view at t = %g: a joint term G(U x, y) cannot be rewritten for the labels sign(y - t); write the query as label times feature terms", ErrQuery, q.Name, v.t)
	}
	return v.inner.Answer(mapped, tau, ans)
}

// LastSamples forwards SampleReporter from the oracle below.
func (v *thresholdView) LastSamples() (int64, bool) {
	if r, ok := v.inner.(SampleReporter); ok {
		return r.LastSamples()
	}
	return 0, false
}
