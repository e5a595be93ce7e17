package sq_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// TestCSQRefusesY2: a CSQ-restricted stack refuses a query that declares
// itself correlational but has a y^2 term, before the oracle below sees it;
// the exact oracle alone refuses it too (Validate).
func TestCSQRefusesY2(t *testing.T) {
	w, err := world.Realizable([]float64{0.6, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	liar := &sq.Query{Name: "y relu + y^2", Class: sq.Correlational, Bound: 10, Dim: 1, Terms: []sq.Term{
		{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatRelu, W: []float64{1, 0}}},
		{Coef: 1, Label: sq.Label{Kind: sq.LabelY2}, Feature: sq.Feature{Kind: sq.FeatOne}},
	}}
	rec := &recorder{}
	csq := oracle.Chain(rec, oracle.WithClasses(sq.Correlational))
	_, err = sq.Ask(csq, liar, 1e-3)
	var ce *sq.ClassError
	if !errors.As(err, &ce) || !errors.Is(err, sq.ErrClass) || !strings.Contains(err.Error(), "term 1") {
		t.Errorf("CSQ stack: %v, want a *ClassError naming term 1", err)
	}
	if rec.q != nil {
		t.Error("the refused query reached the oracle below")
	}
	trusting := oracle.Chain(rec, oracle.WithClasses(sq.Correlational, oracle.TrustDeclared()))
	if _, err := sq.Ask(trusting, liar, 1e-3); !errors.Is(err, sq.ErrClass) {
		t.Errorf("trusting CSQ stack: %v, want ErrClass (trust covers Go functions only)", err)
	}
	if _, err := sq.Ask(oracle.Exact(w), liar, 1e-3); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("exact oracle: %v, want ErrQuery from Validate", err)
	}
	// The honest queries pass.
	for _, q := range []*sq.Query{sq.ReluCorr([]float64{1, 2}), sq.StepCorr([]float64{1, 2}), sq.LabelMoment(1)} {
		t.Run("honest "+q.Name, func(t *testing.T) {
			if _, err := sq.Ask(oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational)), q, 1e-3); err != nil {
				t.Errorf("%s: %v", q.Name, err)
			}
		})
	}
	if _, err := sq.AskVec(oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational)), sq.GateCorr([]float64{1, 2}), 1e-3); err != nil {
		t.Errorf("GateCorr: %v", err)
	}
	if _, err := sq.Ask(oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational)), sq.Loss([]float64{1, 2}), 1e-3); !errors.Is(err, sq.ErrClass) {
		t.Errorf("Loss through CSQ: %v, want ErrClass", err)
	}
}

// TestWithClassesTrust: a class that rests on a Go function is refused by a
// restricting oracle unless it is told to trust declared classes, and the
// trust is recorded in the oracle's name, which the ledger keeps.
func TestWithClassesTrust(t *testing.T) {
	w, err := world.Realizable([]float64{0.6, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	// E[relu(x1)^2 - ...]: a label-free ridge feature declared L2.
	ridge := &sq.Query{Name: "g(u.x)", Class: sq.L2, Bound: 1, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY},
		Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{{1, 0}}, Kinks: [][]float64{{0}}, Name: "tanh",
			G: func(z []float64) float64 { return math.Tanh(z[0]) }}}}}
	ridge.Terms[0].Label = sq.Label{Kind: sq.LabelOne}
	strict := oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.L2))
	_, err = sq.Ask(strict, ridge, 1e-3)
	var ce *sq.ClassError
	if !errors.As(err, &ce) || !ce.Unproven || !strings.Contains(err.Error(), "TrustDeclared") || !strings.Contains(ce.Reason, "term 0") {
		t.Errorf("strict: %v, want an unproven *ClassError naming term 0", err)
	}
	led := sq.NewLedger()
	trusting := oracle.Chain(oracle.Exact(w), oracle.WithLedger(led), oracle.WithClasses(sq.L2, oracle.TrustDeclared()))
	if _, err := sq.Ask(trusting, ridge, 1e-3); err != nil {
		t.Fatalf("trusting: %v", err)
	}
	es := led.Entries()
	if len(es) != 1 || es[0].Oracle != "classes[l2,trust-declared](exact)" {
		t.Errorf("ledger entries %+v, want one answered by classes[l2,trust-declared](exact)", es)
	}
	if got := oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational)).Name(); got != "classes[correlational](exact)" {
		t.Errorf("strict name %q", got)
	}
	// y times a ridge feature is correlational in form (the feature sees x
	// only); its bound is the author's. A CSQ oracle answers it.
	ridge.Terms[0].Label = sq.Label{Kind: sq.LabelY}
	ridge.Class = sq.Correlational
	if _, err := sq.Ask(oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational)), ridge, 1e-3); err != nil {
		t.Errorf("y*g(u.x) through CSQ: %v", err)
	}
	// A nil oracle below the restriction is an error, not a panic.
	if _, err := sq.Ask(oracle.WithClasses(sq.L2)(nil), sq.LabelMoment(2), 1e-3); !errors.Is(err, sq.ErrNoOracle) {
		t.Errorf("nil inner oracle: %v", err)
	}
	if _, err := sq.Ask(strict, nil, 1e-3); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("nil query: %v", err)
	}
	var nilq *sq.Query
	if err := strict.Answer(nilq, 1e-3, make([]float64, 1)); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("nil query through Answer: %v", err)
	}
}

// TestAskNoPanic: the entry points of 6b return errors for bad input.
func TestAskNoPanic(t *testing.T) {
	w, err := world.Realizable([]float64{0.6, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	o := oracle.Exact(w)
	t.Run("nil query", func(t *testing.T) {
		if _, err := sq.Ask(o, nil, 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("Ask: %v", err)
		}
		if _, err := sq.AskVec(o, nil, 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("AskVec: %v", err)
		}
		if _, err := sq.AskVecInto(o, nil, 1e-3, nil); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("AskVecInto: %v", err)
		}
		s := &sq.Session{Setting: w.Setting(), Oracle: o}
		if _, err := s.Ask(nil, 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("Session.Ask: %v", err)
		}
	})
	t.Run("nil oracle", func(t *testing.T) {
		if _, err := sq.Ask(nil, sq.LabelMoment(1), 1e-3); !errors.Is(err, sq.ErrNoOracle) {
			t.Errorf("Ask: %v", err)
		}
		if _, err := sq.AskVec(nil, sq.Chow(2), 1e-3); !errors.Is(err, sq.ErrNoOracle) {
			t.Errorf("AskVec: %v", err)
		}
		s := &sq.Session{Setting: w.Setting()}
		if _, err := s.Ask(sq.LabelMoment(1), 1e-3); !errors.Is(err, sq.ErrNoOracle) {
			t.Errorf("Session.Ask: %v", err)
		}
	})
	t.Run("Chow(-1)", func(t *testing.T) {
		for _, d := range []int{-1, 0, sq.MaxAskDim + 1} {
			t.Run(fmt.Sprintf("d=%d", d), func(t *testing.T) {
				if _, err := sq.AskVec(o, sq.Chow(d), 1e-3); !errors.Is(err, sq.ErrQuery) {
					t.Errorf("Chow(%d): %v", d, err)
				}
			})
		}
		if _, err := sq.AskVec(o, sq.Chow(3), 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("Chow(3) in d = 2: %v", err)
		}
	})
	t.Run("RandomUnit", func(t *testing.T) {
		if v := sq.RandomUnit(rand.New(rand.NewPCG(1, 2)), -1); v != nil {
			t.Errorf("RandomUnit(r, -1) = %v, want nil", v)
		}
		if v := sq.RandomUnit(nil, 3); v != nil {
			t.Errorf("RandomUnit(nil, 3) = %v, want nil", v)
		}
		if _, err := sq.Ask(o, sq.ReluCorr(sq.RandomUnit(nil, 2)), 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("query from a nil vector: %v", err)
		}
		if v := sq.RandomUnit(rand.New(rand.NewPCG(1, 2)), 3); len(v) != 3 || math.Abs(v[0]*v[0]+v[1]*v[1]+v[2]*v[2]-1) > 1e-15 {
			t.Errorf("RandomUnit(r, 3) = %v", v)
		}
	})
	t.Run("stray index", func(t *testing.T) {
		q := sq.ReluCorr([]float64{1, 0})
		q.Terms[0].Feature.Idx = []int{7}
		_ = q.Fingerprint()
		if err := q.Validate(2); !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "Hermite index") {
			t.Errorf("Validate: %v", err)
		}
		if _, err := sq.Ask(oracle.Chain(o, oracle.WithCache()), q, 1e-3); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("through the cache: %v", err)
		}
	})
	t.Run("Hermite lengths", func(t *testing.T) {
		q := sq.HermiteCorr([]int{0, 1}, []int{2})
		r := sq.HermiteCorr([]int{0}, []int{2, 1})
		if q.Fingerprint() == r.Fingerprint() || q.Fingerprint() == sq.HermiteCorr([]int{0}, []int{2}).Fingerprint() {
			t.Error("fingerprints of different invalid Hermite queries collide")
		}
		for _, h := range []*sq.Query{q, r} {
			if _, err := sq.Ask(oracle.Chain(o, oracle.WithCache()), h, 1e-3); !errors.Is(err, sq.ErrQuery) {
				t.Errorf("%v/%v: %v", h.Terms[0].Feature.Idx, h.Terms[0].Feature.Deg, err)
			}
		}
	})
	t.Run("Hermite degree", func(t *testing.T) {
		for _, deg := range [][]int{{1e9}, {401}, {200, 201}} {
			q := sq.HermiteCorr([]int{0, 1}[:len(deg)], deg)
			if _, err := sq.Ask(o, q, 1e-3); !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "400") {
				t.Errorf("degrees %v: %v, want ErrQuery naming the limit 400", deg, err)
			}
		}
		if err := sq.HermiteCorr([]int{0, 1}, []int{200, 200}).Validate(2); err != nil {
			t.Errorf("total degree 400: %v", err)
		}
		// Many coordinates of degree 0: validated in linear time.
		const n = 200000
		idx, deg := make([]int, n), make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		deg[7] = 3
		if err := sq.HermiteCorr(idx, deg).Validate(n); err != nil {
			t.Errorf("%d coordinates: %v", n, err)
		}
		idx[n-1] = 5
		if err := sq.HermiteCorr(idx, deg).Validate(n); !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "repeated") {
			t.Errorf("repeated coordinate: %v", err)
		}
	})
	t.Run("non-finite weights", func(t *testing.T) {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			for _, q := range []*sq.Query{sq.ReluCorr([]float64{1, v}), sq.GateCorr([]float64{v, 0}), sq.Grad([]float64{v, 1}), sq.ReluBatch([][]float64{{1, 0}, {v, 0}})} {
				t.Run(fmt.Sprintf("%s,entry=%v", q.Name, v), func(t *testing.T) {
					if _, err := sq.AskVec(o, q, 1e-3); !errors.Is(err, sq.ErrQuery) {
						t.Errorf("%s with %v: %v", q.Name, v, err)
					}
				})
			}
		}
	})
}

// TestThresholdViewNoPanic: a view of a nil oracle, and a label function
// that is missing, are errors.
func TestThresholdViewNoPanic(t *testing.T) {
	v := sq.ThresholdView(nil, 0.5)
	if _, err := sq.Ask(v, sq.LabelMoment(1), 1e-3); !errors.Is(err, sq.ErrNoOracle) || !strings.Contains(v.Name(), "<nil>") {
		t.Errorf("nil inner: %v (%s)", err, v.Name())
	}
	q := &sq.Query{Name: "f(y)", Class: sq.L2, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelFunc}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	w, err := world.Realizable([]float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sq.Ask(sq.ThresholdView(oracle.Exact(w), 0.5), q, 1e-3); !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "label function missing") {
		t.Errorf("missing label function: %v", err)
	}
}
