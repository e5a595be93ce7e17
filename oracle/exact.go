// Package oracle answers statistical queries (sq.Query) about a world, each
// with its own policy for the error within the tolerance. Each oracle takes
// the half of sq.World it uses: Sample and NewPool an sq.Sampler (so a data
// set, world.FromData, feeds them), the others an sq.Expecter:
//
//	Exact        the true expectation (closed forms and quadrature)
//	Sample       an empirical mean over fresh examples, with the number of
//	             examples chosen for the query's class so that the answer is
//	             within tau with probability at least 1 - delta; or over a
//	             fixed pool (NewPool)
//	Noisy        the truth plus random noise inside [-tau, tau]
//	Adversarial  a reference world's value whenever it lies within tau of the
//	             truth, else the nearest value that does
//	VSTAT        Feldman et al.'s VSTAT(t) for Boolean queries
//	Replay       the answers of a recorded trace, bit for bit
//
// and middleware that composes with any of them, the way HTTP middleware
// does: WithLedger (record every answer), WithBudget (stop at a budget),
// WithCache (reuse answers), WithClasses (accept only some query classes,
// e.g. CSQ). Chain stacks them.
package oracle

import (
	"fmt"

	"github.com/sqsim/sqsim/sq"
)

// ExactOracle answers every query with its exact expectation under the
// world (error 0 for closed forms; the quadrature's error bound, below
// 1e-10, otherwise).
type ExactOracle struct {
	w   sq.Expecter
	d   int
	err error // set for a nil world or a dimension < 1
}

// Exact returns the exact oracle of w. For a nil world (or one of dimension
// < 1) the oracle's every Answer returns an error wrapping ErrOracle.
func Exact(w sq.Expecter) *ExactOracle {
	d, err := worldDim(w, "exact")
	return &ExactOracle{w: w, d: d, err: err}
}

// Name returns "exact".
func (o *ExactOracle) Name() string { return "exact" }

// Answer writes E[phi] into ans. It fails with an error wrapping
// sq.ErrNotExact when the world cannot compute the expectation, or when its
// numerical error bound exceeds tau (the guarantee could not be kept). An
// answer or bound that is not finite is an error wrapping ErrOracle and
// sq.ErrNotExact.
func (o *ExactOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if o.err != nil {
		return o.err
	}
	if err := checkQuery(q, tau, ans, o.d); err != nil {
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
	if eb > tau {
		return fmt.Errorf("%w: query %q: numerical error %.3g exceeds the tolerance %.3g", sq.ErrNotExact, q.Name, eb, tau)
	}
	return nil
}
