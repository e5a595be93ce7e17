package learners_test

import (
	"fmt"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// Build a registered learner by name with key=value options (what
// `sqsim learn --learner gd --set steps=20` does), and run it through a
// session over an exact oracle. The learner sees only the Setting and the
// answers; the world scores its hypothesis with the exact loss.
func ExampleNew() {
	truth, err := world.Realizable([]float64{0.6, -0.8, 0, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	l, err := learners.New("gd", learners.Options{"steps": "20", "tol": "1e-6"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := sq.NewLedger()
	s := &sq.Session{
		Setting: truth.Setting(),
		Oracle:  oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger)),
		Ledger:  ledger,
		Rand:    sq.Stream(1, sq.KeyLearner),
	}
	h, err := l.Learn(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	loss, _, err := truth.Loss(h.(sq.ReLU).W)
	if err != nil {
		fmt.Println(err)
		return
	}
	sum := ledger.Summary()
	fmt.Printf("%s: loss below 1e-12: %v\n", l.Name(), loss < 1e-12)
	fmt.Printf("%d queries (%d scalar) in %d rounds\n", sum.Queries, sum.Scalar, sum.Rounds)

	// A misspelt option is refused, naming the key and the options there are.
	_, err = learners.New("gd", learners.Options{"stpes": "20"})
	fmt.Println(err)
	// Output:
	// gd: loss below 1e-12: true
	// 20 queries (80 scalar) in 20 rounds
	// learners: bad option: learner gd has no option "stpes" (it has: init, norm0, radius, step, steps, tol, w0)
}

// GD.OnStep watches the iterates: here the exact loss after each step of
// gradient descent from a random start (drawn from the session's stream),
// which contracts quadratically on a realizable world.
func ExampleGD() {
	truth, err := world.Realizable([]float64{0.6, -0.8, 0, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := learners.NewGD(learners.Options{"steps": "6", "init": "random", "norm0": "0.1", "tol": "1e-9"})
	if err != nil {
		fmt.Println(err)
		return
	}
	g.OnStep = func(step int, w []float64) {
		loss, _, err := truth.Loss(w)
		if err != nil {
			fmt.Println(err)
			return
		}
		if loss < 1e-12 {
			fmt.Printf("step %d: loss below 1e-12\n", step)
			return
		}
		fmt.Printf("step %d: loss %.3e\n", step, loss)
	}
	s := &sq.Session{Setting: truth.Setting(), Oracle: oracle.Exact(truth), Rand: sq.Stream(1, sq.KeyLearner)}
	if _, err := g.Learn(s); err != nil {
		fmt.Println(err)
	}
	// Output:
	// step 1: loss 3.446e-01
	// step 2: loss 2.802e-02
	// step 3: loss 1.315e-04
	// step 4: loss 3.404e-09
	// step 5: loss below 1e-12
	// step 6: loss below 1e-12
}
