package oracle

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sqsim/sqsim/sq"
)

// VSTATOracle is Feldman et al.'s VSTAT(t) oracle for Boolean queries: the
// answer to phi with p = E[phi] lies within
//
//	tol(p) = max(1/t, sqrt(p (1 - p) / t))
//
// of p. The tolerance is the oracle's, not the learner's: the tau passed to
// Answer is ignored (the ledger still records it), which is the one
// departure of this oracle from the sq.Oracle contract. Within tol(p) the
// answer is random, uniform, and kept in [0, 1].
type VSTATOracle struct {
	w sq.Expecter
	d int
	t float64
	r *rand.Rand
}

// VSTAT returns the VSTAT(t) oracle of w (t > 0, the sample-size parameter),
// with randomness from the stream sq.Stream(seed, sq.KeyOracle).
func VSTAT(w sq.Expecter, t float64, seed uint64) (*VSTATOracle, error) {
	if !(t > 0) || math.IsInf(t, 0) {
		return nil, fmt.Errorf("%w: vstat: t = %v, want a positive finite number", ErrOracle, t)
	}
	d, err := worldDim(w, "vstat")
	if err != nil {
		return nil, err
	}
	return &VSTATOracle{w: w, d: d, t: t, r: sq.Stream(seed, sq.KeyOracle)}, nil
}

// Name returns "vstat(t=...)".
func (o *VSTATOracle) Name() string { return fmt.Sprintf("vstat(t=%g)", o.t) }

// Tolerance returns tol(p) for a query with mean p.
func (o *VSTATOracle) Tolerance(p float64) float64 {
	return math.Max(1/o.t, math.Sqrt(math.Max(0, p*(1-p))/o.t))
}

// Answer writes a value within Tolerance(p) of p = E[phi], for Boolean
// queries only (other classes get a *sq.ClassError).
func (o *VSTATOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	if err := sq.CheckClass(q, sq.Boolean, o.Name()); err != nil {
		return err
	}
	if err := checkQuery(q, 1, ans, o.d); err != nil {
		return err
	}
	if err := checkDegrees(q); err != nil {
		return err
	}
	eb, err := o.w.Expect(q, ans)
	if err != nil {
		return err
	}
	if err := checkAnswer(q, eb, ans[:q.Dim]); err != nil {
		return err
	}
	for i := 0; i < q.Dim; i++ {
		p := ans[i]
		m := o.Tolerance(p) - eb
		if !(m > 0) {
			return fmt.Errorf("%w: query %q: numerical error %.3g exceeds the VSTAT tolerance", sq.ErrNotExact, q.Name, eb)
		}
		lo, hi := math.Max(0, p-m), math.Min(1, p+m)
		ans[i] = lo + (hi-lo)*o.r.Float64()
	}
	return nil
}
