package oracle_test

import (
	"fmt"
	"math"
	"testing"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// The floor lets the oracle below use all of T, and the ledger above records
// the asked and the effective tolerance, counting costs at the effective one.
func TestWithMinTol(t *testing.T) {
	truth, err := world.Realizable([]float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	ref, err := world.Realizable([]float64{0, 1})
	if err != nil {
		t.Fatal(err)
	}
	q := sq.ReluCorr([]float64{1, 0})
	exact := make([]float64, 1)
	if err := oracle.Exact(truth).Answer(q, 1e-9, exact); err != nil {
		t.Fatal(err)
	}
	refVal := make([]float64, 1)
	if err := oracle.Exact(ref).Answer(q, 1e-9, refVal); err != nil {
		t.Fatal(err)
	}
	const floor = 0.5 // wide enough for the adversary to hide the truth
	if math.Abs(exact[0]-refVal[0]) > floor {
		t.Fatalf("test worlds too far apart: %g vs %g", exact[0], refVal[0])
	}

	t.Run("adversary uses the floor", func(t *testing.T) {
		adv, err := oracle.Adversarial(truth, ref)
		if err != nil {
			t.Fatal(err)
		}
		l := sq.NewLedger()
		o := oracle.Chain(adv, oracle.WithLedger(l), oracle.WithMinTol(floor))
		v, err := sq.Ask(o, q, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		if v != refVal[0] {
			t.Errorf("answer %g: want the reference value %g (the floor allows it)", v, refVal[0])
		}
		e := l.Entries()[0]
		if e.Tol != 1e-6 || e.EffectiveTol() != floor {
			t.Errorf("entry tol %g eff %g: want asked 1e-6, effective %g", e.Tol, e.EffectiveTol(), floor)
		}
		s := l.Summary()
		b := q.BoundOrOne()
		if want := (b / floor) * (b / floor); math.Abs(s.Cost-want) > 1e-12*want || math.Abs(e.Cost()-want) > 1e-12*want {
			t.Errorf("sample cost %g (entry %g): want (B/T)^2 = %g", s.Cost, e.Cost(), want)
		}
		if want := 1 / (floor * floor); math.Abs(s.SumInvTau2-want) > 1e-12*want || math.Abs(e.InvTau2()-want) > 1e-12*want {
			t.Errorf("sum 1/tau^2 %g (entry %g): want %g", s.SumInvTau2, e.InvTau2(), want)
		}
	})

	t.Run("no floor: the adversary is held to tau", func(t *testing.T) {
		adv, err := oracle.Adversarial(truth, ref)
		if err != nil {
			t.Fatal(err)
		}
		l := sq.NewLedger()
		v, err := sq.Ask(oracle.Chain(adv, oracle.WithLedger(l)), q, 1e-6)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(v-exact[0]) > 1e-6 {
			t.Errorf("answer %g: want within 1e-6 of %g", v, exact[0])
		}
		if e := l.Entries()[0]; e.EffTol != 0 || e.EffectiveTol() != 1e-6 {
			t.Errorf("entry eff_tol %g: want none recorded", e.EffTol)
		}
	})

	t.Run("tolerances above the floor pass unchanged", func(t *testing.T) {
		l := sq.NewLedger()
		o := oracle.Chain(oracle.Exact(truth), oracle.WithLedger(l), oracle.WithCache(), oracle.WithMinTol(1e-3))
		if _, err := sq.Ask(o, q, 1e-2); err != nil {
			t.Fatal(err)
		}
		if e := l.Entries()[0]; e.EffectiveTol() != 1e-2 || e.EffTol != 0 {
			t.Errorf("entry tol %g eff %g: want 1e-2 both", e.Tol, e.EffectiveTol())
		}
	})

	t.Run("budget counts the effective tolerance", func(t *testing.T) {
		o := oracle.Chain(oracle.Exact(truth), oracle.WithBudget(sq.Budget{MaxCost: 1e5}), oracle.WithMinTol(1e-2))
		if _, err := sq.Ask(o, q, 1e-9); err != nil {
			t.Errorf("asked at 1e-9 under a 1e-2 floor: the budget must count 1e-2, got %v", err)
		}
	})

	for _, T := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		t.Run(fmt.Sprintf("bad floor %v", T), func(t *testing.T) {
			o := oracle.Chain(oracle.Exact(truth), oracle.WithMinTol(T))
			if _, err := sq.Ask(o, q, 1e-3); err == nil {
				t.Errorf("floor %g: want an error", T)
			}
		})
	}
}
