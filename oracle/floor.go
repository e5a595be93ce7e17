package oracle

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
)

// WithMinTol puts a tolerance floor T under the learner: in the SQ model the
// oracle, not the learner, owns the tolerance, so a query asked at tau < T
// is answered as if asked at T (the oracle below, e.g. an adversary, may use
// all of T). Queries asked at tau >= T pass unchanged. The floor oracle is a
// sq.TolFloor, so a ledger above it records both the asked and the effective
// tolerance, and budgets and caches above it count the effective one. Place
// it lowest in a chain, just above the answering oracle:
//
//	oracle.Chain(exact, oracle.WithLedger(l), oracle.WithMinTol(1e-3))
//
// T must be finite and positive; otherwise every answer is an error.
func WithMinTol(T float64) Middleware {
	return func(o sq.Oracle) sq.Oracle { return &floorOracle{inner: o, min: T} }
}

type floorOracle struct {
	inner sq.Oracle
	min   float64
}

func (o *floorOracle) Name() string {
	return fmt.Sprintf("floor[%g](%s)", o.min, nameOf(o.inner))
}

func (o *floorOracle) LastSamples() (int64, bool) { return samplesOf(o.inner) }

// EffectiveTol implements sq.TolFloor: max(tau, T), and the floor of the
// oracle below when that is higher still.
func (o *floorOracle) EffectiveTol(tau float64) float64 {
	return sq.EffectiveTol(o.inner, math.Max(tau, o.min))
}

func (o *floorOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if o.inner == nil {
		return fmt.Errorf("oracle: tolerance floor has no oracle below it")
	}
	if math.IsNaN(o.min) || math.IsInf(o.min, 0) || o.min <= 0 {
		return fmt.Errorf("oracle: tolerance floor %g: want a finite positive tolerance", o.min)
	}
	return o.inner.Answer(q, math.Max(tau, o.min), ans)
}

// nameOf is o.Name(), or "nil" for a missing oracle.
func nameOf(o sq.Oracle) string {
	if o == nil {
		return "nil"
	}
	return o.Name()
}
