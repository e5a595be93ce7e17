package oracle_test

import (
	"fmt"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// An exact oracle over a realizable world, wrapped in a ledger: the label
// part of the gradient at w is one correlational vector query.
func Example() {
	truth, _ := world.Realizable([]float64{1.5, -0.5})
	ledger := sq.NewLedger()
	o := oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger))

	w := []float64{0.6, 0.8}
	g, _ := sq.AskVec(o, sq.GateCorr(w), 1e-6) // E[y 1{w.x > 0} x]
	// grad L(w) = w - 2 E[y 1{w.x>0} x] (theory §2.3)
	fmt.Printf("gradient %.6f %.6f\n", w[0]-2*g[0], w[1]-2*g[1])
	s := ledger.Summary()
	fmt.Println("queries", s.Queries, "scalar", s.Scalar, "rounds", s.Rounds)
	// Output:
	// gradient -0.590103 0.719236
	// queries 1 scalar 2 rounds 1
}

// The adversarial oracle answers with a reference world's value whenever the
// tolerance allows it.
func ExampleAdversarial() {
	truth, _ := world.Realizable([]float64{1, 0})
	ref, _ := world.Realizable([]float64{0, 1})
	adv, _ := oracle.Adversarial(truth, ref)
	q := sq.ReluCorr([]float64{1, 1})
	// E[y relu(w.x)] is the same under both worlds (symmetry), so the
	// reference's value is within any tolerance.
	v, _ := sq.Ask(adv, q, 1e-3)
	fmt.Printf("%.6f\n", v)
	hidden, forced := adv.Stats()
	fmt.Println("hidden", hidden, "forced", forced)
	// Output:
	// 0.534155
	// hidden 1 forced 0
}

// The sampling oracle sizes its sample from the query's class: Hoeffding for
// a bounded query, median of means for an L2 one.
func ExampleSampleSize() {
	w := []float64{1, 0}
	for _, q := range []*sq.Query{sq.StepCorr(w), sq.ReluCorr(w)} {
		p := oracle.SampleSize(q, 0.01, 0.05)
		fmt.Println(q.Name, p.Method, p.N())
	}
	// Output:
	// y*1{w.x>0} hoeffding 73778
	// y*relu(w.x) median-of-means 500000
}
