package sqtest

// The constructors of sqsim's worlds and oracles the kit uses, in one place.

import (
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// LearnerWorld returns the default world of Learner: the realizable ReLU
// y = relu(w*.x) in dimension 4 with w* = (0.6, -0.4, 0.3, 0.5) (norm
// about 0.91).
func LearnerWorld() (sq.World, error) {
	return world.Realizable([]float64{0.6, -0.4, 0.3, 0.5})
}

// exactOracle is the oracle Learner answers from.
func exactOracle(w sq.World) (sq.Oracle, error) { return oracle.Exact(w), nil }

// withLedger puts l above o.
func withLedger(o sq.Oracle, l *sq.Ledger) sq.Oracle { return oracle.Chain(o, oracle.WithLedger(l)) }
