package sq

import (
	"errors"
	"fmt"
	"math"
)

// Oracle answers statistical queries about a distribution D of labelled
// examples (x, y).
//
// The guarantee: Answer writes into ans[:q.Dim] a vector v with
//
//	|v_i - E_D[phi_i(x, y)]| <= tau   for every i   (q.TolNorm == CoordNorm)
//	||v - E_D[phi(x, y)]||_2 <= tau                  (q.TolNorm == EuclidNorm)
//
// An oracle that samples keeps the guarantee with the probability it states
// (at least 1 - delta); all others keep it always. Which v within the
// tolerance is returned is the oracle's policy: the truth, a sampling error,
// random noise, or an adversary's choice. Learners must work for every policy.
//
// Answer returns an error, and leaves ans unspecified, when tau is not a
// positive finite number (ErrTolerance), when ans is shorter than q.Dim or
// the query does not fit the dimension (ErrQuery), when the query's class is
// not accepted (*ClassError), when a budget is exhausted (*BudgetError), or
// when the oracle cannot answer this query at all (for example ErrNotExact
// from an exact oracle). Oracles are not required to be safe for concurrent
// use; wrap one per goroutine.
type Oracle interface {
	Answer(q *Query, tau float64, ans []float64) error
	// Name describes the oracle, including its wrappers, e.g.
	// "budget(ledger(exact))".
	Name() string
}

// Errors shared by oracles; test with errors.Is.
var (
	// ErrTolerance: the tolerance is not a positive finite number.
	ErrTolerance = errors.New("sq: tolerance must be a positive finite number")
	// ErrNotExact: the world cannot compute this query's expectation exactly
	// (for example a FeatFunc feature, or too many directions for quadrature).
	ErrNotExact = errors.New("sq: no exact expectation for this query")
	// ErrBudget is the sentinel of every *BudgetError.
	ErrBudget = errors.New("sq: query budget exhausted")
	// ErrNoOracle: a query was asked of a nil oracle.
	ErrNoOracle = errors.New("sq: no oracle (nil)")
)

// MaxAskDim is the largest answer length Ask, AskVec and AskVecInto
// allocate: 2^27 coordinates (1 GiB). The oracle's own validation decides
// whether the query fits the dimension; this limit only keeps a malformed
// Dim from exhausting memory before it is asked.
const MaxAskDim = 1 << 27

// checkAsk refuses a nil oracle, a nil query and a dimension that cannot be
// allocated, before anything is allocated or asked.
func checkAsk(o Oracle, q *Query) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", ErrQuery)
	}
	if o == nil {
		return fmt.Errorf("%w: asked query %q", ErrNoOracle, q.Name)
	}
	if q.Dim < 1 || q.Dim > MaxAskDim {
		return queryErr(q, "dimension %d, want 1 <= Dim <= %d", q.Dim, MaxAskDim)
	}
	return nil
}

// CheckRequest validates the arguments of Oracle.Answer for examples of
// dimension d: tau positive and finite, ans long enough, q valid. Oracles
// call it first.
func CheckRequest(q *Query, tau float64, ans []float64, d int) error {
	if !(tau > 0) || math.IsInf(tau, 0) {
		return fmt.Errorf("%w: got tau = %v", ErrTolerance, tau)
	}
	if err := q.Validate(d); err != nil {
		return err
	}
	if len(ans) < q.Dim {
		return fmt.Errorf("%w %q: answer buffer has length %d, want %d", ErrQuery, q.Name, len(ans), q.Dim)
	}
	return nil
}

// Ask answers a scalar query: it returns the value an oracle gives within
// tau of E[phi].
//
// A nil oracle (ErrNoOracle) or a nil query (ErrQuery) is an error.
func Ask(o Oracle, q *Query, tau float64) (float64, error) {
	if err := checkAsk(o, q); err != nil {
		return 0, err
	}
	if q.Dim != 1 {
		return 0, fmt.Errorf("%w %q: Ask wants a scalar query, this one has dimension %d (use AskVec)", ErrQuery, q.Name, q.Dim)
	}
	var ans [1]float64
	if err := o.Answer(q, tau, ans[:]); err != nil {
		return 0, err
	}
	return ans[0], nil
}

// AskVec answers a vector query into a new slice of length q.Dim. A nil
// oracle, a nil query and a Dim outside [1, MaxAskDim] are errors, checked
// before anything is allocated.
func AskVec(o Oracle, q *Query, tau float64) ([]float64, error) {
	return AskVecInto(o, q, tau, nil)
}

// AskVecInto answers a vector query into dst[:q.Dim], allocating a new
// slice when dst is shorter than q.Dim, and returns it; errors as AskVec.
// Session.AskVec is AskVecInto(s.Oracle, q, tau, dst).
func AskVecInto(o Oracle, q *Query, tau float64, dst []float64) ([]float64, error) {
	if err := checkAsk(o, q); err != nil {
		return nil, err
	}
	if len(dst) < q.Dim {
		dst = make([]float64, q.Dim)
	}
	dst = dst[:q.Dim]
	if err := o.Answer(q, tau, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// TolFloor is implemented by oracles that answer at a tolerance other than
// the one asked: a tolerance floor (oracle.WithMinTol) answers a query asked
// at tau < T as if asked at T. Wrappers forward it, so a ledger or budget
// above them counts the tolerance actually used.
type TolFloor interface {
	EffectiveTol(tau float64) float64
}

// EffectiveTol is the tolerance o answers a query asked at tau with:
// o.EffectiveTol(tau) when o is a TolFloor, else tau.
func EffectiveTol(o Oracle, tau float64) float64 {
	if f, ok := o.(TolFloor); ok {
		return f.EffectiveTol(tau)
	}
	return tau
}

// SampleReporter is implemented by oracles that answer from examples: it
// reports how many examples the last answer used and whether they came from
// a fixed pool. Wrappers forward it, so a ledger above them can record it.
type SampleReporter interface {
	LastSamples() (n int64, pool bool)
}
