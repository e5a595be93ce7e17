package sq_test

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// chowLearner is the smallest SQ learner of a ReLU: one vector query, the
// Chow parameters E[y x] = w*/2 of a realizable world, scaled by 2.
type chowLearner struct{ tol float64 }

func (chowLearner) Name() string { return "chow-example" }

func (l chowLearner) Learn(s *sq.Session) (sq.Hypothesis, error) {
	c, err := s.AskVec(sq.Chow(s.Setting.D), l.tol, nil)
	if err != nil {
		return nil, err
	}
	for i := range c {
		c[i] *= 2
	}
	return sq.ReLU{W: c}, nil
}

// A learner asks through a session: the session's oracle is an exact
// oracle wrapped in the ledger, so every query is counted. The learner
// sees the Setting and the answers, never the world or w*.
func ExampleSession() {
	truth, err := world.Realizable([]float64{0.6, -0.8, 0})
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
	h, err := chowLearner{tol: 1e-6}.Learn(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	w := h.(sq.ReLU).W
	fmt.Printf("w = [%.4f %.4f %.4f]\n", w[0], w[1], w[2])
	fmt.Printf("h(1, 0, 0) = %.4f\n", h.Predict([]float64{1, 0, 0}))

	// A label-free expectation is known from the Setting and costs no query.
	// E[relu(w.x)^4]^(1/2) = sqrt(3/2) ||w||^2 < 1.25 is its L2 bound.
	second := &sq.Query{Name: "relu(w.x)^2", Class: sq.L2, Bound: 1.25, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelOne}, Feature: sq.Feature{Kind: sq.FeatRelu2, W: w}}}}
	out := make([]float64, 1)
	if err := s.Free(second, out); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("E[relu(w.x)^2] = %.4f (free)\n", out[0])

	sum := ledger.Summary()
	fmt.Println("queries", sum.Queries, "scalar", sum.Scalar, "rounds", sum.Rounds, "free", sum.Free)
	fmt.Println("oracle", s.Oracle.Name())
	// Output:
	// w = [0.6000 -0.8000 0.0000]
	// h(1, 0, 0) = 0.6000
	// E[relu(w.x)^2] = 0.5000 (free)
	// queries 1 scalar 3 rounds 1 free 1
	// oracle ledger(exact)
}

// A query is a sum of terms lambda(y) h(x). Its declared classes are a
// claim that its terms must prove: here 2 y 1{w.x > 0} - y = y sign(w.x)
// is correlational and bounded by 1, which the proof sees by combining the
// two terms along w.
func ExampleQuery() {
	w := []float64{1, 0}
	q := &sq.Query{
		Name: "y*sign(w.x)", Class: sq.Correlational | sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{
			{Coef: 2, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatStep, W: w}},
			{Coef: -1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatOne}},
		},
	}
	fmt.Println("valid:", q.Validate(2))
	p := q.Prove()
	fmt.Println("proven:", p.Class, "sup", p.Sup)

	// The built-in square-loss query is L2 only: relu(w.x)^2 is unbounded
	// and y^2 is not linear in y. A CSQ oracle refuses it.
	loss := sq.Loss(w)
	fmt.Println("loss proven:", loss.Prove().Class)
	err := sq.CheckClass(loss, sq.Correlational, "csq")
	fmt.Println("csq oracle refuses the loss:", errors.Is(err, sq.ErrClass))

	// A declared class that a term refutes is a malformed query.
	bad := &sq.Query{Name: "y^2", Class: sq.Correlational, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY2}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	err = bad.Validate(2)
	fmt.Println(errors.Is(err, sq.ErrQuery))
	fmt.Println(err)
	// Output:
	// valid: <nil>
	// proven: bounded|l2|correlational sup 1
	// loss proven: l2
	// csq oracle refuses the loss: true
	// true
	// sq: malformed query "y^2": declares class correlational (bound 1), which its terms do not support: term 0 (1 * y^2 * 1) is not linear in y (a correlational query is y*h(x))
}

// A ledger counts queries, scalar queries, adaptivity rounds and two
// costs: the sample cost sum (B/tau)^2 and the raw sum 1/tau^2. Queries
// asked in one Round share an adaptivity round.
func ExampleLedger() {
	truth, err := world.Realizable([]float64{1, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := sq.NewLedger()
	o := oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger))
	w := []float64{1.8, 2.4} // ||w|| = 3
	err = ledger.Round(func() error {
		if _, err := sq.AskVec(o, sq.GateCorr(w), 1e-2); err != nil { // dim 2, B = 1/sqrt 2
			return err
		}
		_, err := sq.Ask(o, sq.ReluCorr(w), 1e-2) // B = ||w||/sqrt 2
		return err
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := sq.Ask(o, sq.LabelMoment(2), 1e-3); err != nil { // B = 1, a round of its own
		fmt.Println(err)
		return
	}
	for _, e := range ledger.Entries() {
		fmt.Printf("%-14s round %d  dim %d  bound %.4f  tol %g  cost %.0f\n", e.Name, e.Round, e.Dim, e.Bound, e.Tol, e.Cost())
	}
	s := ledger.Summary()
	fmt.Printf("queries %d, scalar %d, rounds %d\n", s.Queries, s.Scalar, s.Rounds)
	fmt.Printf("cost %.0f, sum 1/tau^2 %.0f, min normalized tol %.4f\n", s.Cost, s.SumInvTau2, s.MinTol)

	// The trace: a manifest line, then one entry per line, read back and
	// checked.
	ledger.SetManifest(sq.NewManifest("example"))
	var buf bytes.Buffer
	if err := ledger.WriteJSONL(&buf); err != nil {
		fmt.Println(err)
		return
	}
	t, err := sq.ReadTraceManifest(&buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("trace version %d, command %q, %d entries\n", t.Version, t.Manifest.Command, len(t.Entries))
	// Output:
	// y*1{w.x>0}*x   round 0  dim 2  bound 0.7071  tol 0.01  cost 10000
	// y*relu(w.x)    round 0  dim 1  bound 2.1213  tol 0.01  cost 45000
	// y^2            round 1  dim 1  bound 1.0000  tol 0.001  cost 1000000
	// queries 3, scalar 4, rounds 2
	// cost 1055000, sum 1/tau^2 1030000, min normalized tol 0.0010
	// trace version 2, command "example", 3 entries
}

// A tolerance floor answers a query asked below it at the floor; the
// ledger above records both tolerances and counts the effective one.
func ExampleTolFloor() {
	truth, err := world.Realizable([]float64{1, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := sq.NewLedger()
	o := oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger), oracle.WithMinTol(1e-2))
	if _, err := sq.Ask(o, sq.LabelMoment(1), 1e-4); err != nil {
		fmt.Println(err)
		return
	}
	e := ledger.Entries()[0]
	fmt.Println("asked", e.Tol, "answered at", e.EffectiveTol(), "via", o.Name())
	s := ledger.Summary()
	fmt.Printf("raised %d, cost %.0f\n", s.Raised, s.Cost)
	// Output:
	// asked 0.0001 answered at 0.01 via ledger(floor[0.01](exact))
	// raised 1, cost 10000
}

// greedy asks one correlational query after another, as a learner with no
// stopping rule of its own would.
type greedy struct{}

func (greedy) Name() string { return "greedy" }

func (greedy) Learn(s *sq.Session) (sq.Hypothesis, error) {
	w := make([]float64, s.Setting.D)
	for i := 0; i < 100; i++ {
		w[i%len(w)] = 1
		if _, err := s.Ask(sq.ReluCorr(w), 1e-3); err != nil {
			return nil, fmt.Errorf("greedy: query %d: %w", i+1, err)
		}
	}
	return sq.ReLU{W: w}, nil
}

// A budget in the oracle chain stops a learner at its limit with a
// *sq.BudgetError; the queries answered before it are in the ledger.
func ExampleBudget() {
	truth, err := world.Realizable([]float64{1, 0, 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	ledger := sq.NewLedger()
	s := &sq.Session{
		Setting: truth.Setting(),
		Oracle: oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger),
			oracle.WithBudget(sq.Budget{MaxQueries: 5})),
		Ledger: ledger,
		Rand:   sq.Stream(1, sq.KeyLearner),
	}
	_, err = greedy{}.Learn(s)
	fmt.Println(err)
	fmt.Println("errors.Is(err, sq.ErrBudget):", errors.Is(err, sq.ErrBudget))
	var be *sq.BudgetError
	if errors.As(err, &be) {
		fmt.Println("limit", be.Limit, "max", be.Max)
	}
	fmt.Println("answered", ledger.Summary().Queries)
	// Output:
	// greedy: query 6: sq: budget: query "y*relu(w.x)" would bring max_queries to 6, over the limit 5
	// errors.Is(err, sq.ErrBudget): true
	// limit max_queries max 5
	// answered 5
}

// Streams are named by a seed and keys: the same name gives the same
// numbers, another key an independent stream.
func ExampleStream() {
	a := sq.Stream(7, sq.KeyLearner)
	b := sq.Stream(7, sq.KeyLearner)
	c := sq.Stream(7, sq.KeyOracle)
	x, y, z := a.Float64(), b.Float64(), c.Float64()
	fmt.Println("same name, same value:", x == y)
	fmt.Println("another key, another value:", x != z)
	fmt.Printf("%.6f %.6f\n", x, z)
	// Output:
	// same name, same value: true
	// another key, another value: true
	// 0.710967 0.357987
}
