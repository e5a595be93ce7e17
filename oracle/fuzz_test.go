package oracle

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// FuzzOracleChain: the exact, noise, adversarial and VSTAT oracles, alone
// and behind the cache, budget and class middleware, at any tolerance
// (0, negative, NaN, ±Inf, tiny, huge), never panic or hang and either
// return an error or an answer within tau of the exact value (VSTAT: within
// its own tolerance max(1/t, sqrt(p(1-p)/t)), which ignores tau).
func FuzzOracleChain(f *testing.F) {
	for _, tau := range []float64{0.1, 1e-3, 0, -1, math.NaN(), math.Inf(1), math.Inf(-1), 1e-15, 1e-13, 1e-300, 5e-324, 1e300, math.MaxFloat64} {
		for k := uint8(0); k < 40; k += 7 {
			f.Add(tau, k, uint64(k)*31+1)
		}
	}
	d := 5
	truth, err := world.Realizable([]float64{0.5, -0.4, 0.3, 0.2, 0.6})
	if err != nil {
		f.Fatal(err)
	}
	ref, err := world.Realizable([]float64{-0.5, 0.4, 0.3, -0.2, 0.6})
	if err != nil {
		f.Fatal(err)
	}
	boolQ := &sq.Query{Name: "1{y>0.3}", Class: sq.Boolean | sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0.3}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	f.Fuzz(func(t *testing.T, tau float64, k uint8, seed uint64) {
		w := []float64{0.3, 0.1, -0.7, 0.2, 0.5}
		var q *sq.Query
		switch k % 5 {
		case 0:
			q = sq.ReluCorr(w)
		case 1:
			q = sq.GateCorr(w)
		case 2:
			q = sq.Chow(d)
			q.TolNorm = sq.EuclidNorm
		case 3:
			q = sq.GateCorr(w)
			q.TolNorm = sq.EuclidNorm
		default:
			q = boolQ
		}
		var o sq.Oracle
		var vs *VSTATOracle
		switch (k / 5) % 5 {
		case 0:
			o = Exact(truth)
		case 1:
			o = Noisy(truth, Uniform, seed)
		case 2:
			o = Noisy(truth, GaussianClipped, seed)
		case 3:
			a, err := Adversarial(truth, ref)
			if err != nil {
				t.Fatal(err)
			}
			o = a
		default:
			vs, err = VSTAT(truth, 1+float64(seed%1000), seed)
			if err != nil {
				t.Fatal(err)
			}
			o = vs
		}
		if k/25%2 == 1 {
			o = Chain(o, WithCache(), WithBudget(sq.Budget{}), WithClasses(sq.AllClasses))
		}
		exact := make([]float64, q.Dim)
		if _, err := truth.Expect(q, exact); err != nil {
			t.Fatal(err)
		}
		ans := make([]float64, q.Dim)
		if err := o.Answer(q, tau, ans); err != nil {
			var ce *sq.ClassError
			if !errors.Is(err, sq.ErrTolerance) && !errors.Is(err, sq.ErrNotExact) && !errors.Is(err, ErrOracle) && !errors.As(err, &ce) {
				t.Fatalf("%s at tau = %v: error %v wraps no sentinel", o.Name(), tau, err)
			}
			return
		}
		for i, v := range ans {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s at tau = %v: answer[%d] = %v", o.Name(), tau, i, v)
			}
		}
		if vs != nil {
			for i := range ans {
				if e := math.Abs(ans[i] - exact[i]); e > vs.Tolerance(exact[i])+1e-12 {
					t.Fatalf("vstat: answer %v, truth %v, tolerance %v", ans[i], exact[i], vs.Tolerance(exact[i]))
				}
			}
			return
		}
		if !(tau > 0) || math.IsInf(tau, 0) {
			t.Fatalf("%s answered at tau = %v", o.Name(), tau)
		}
		var e float64
		if q.TolNorm == sq.EuclidNorm && q.Dim > 1 {
			e = euclid(ans, exact)
		} else {
			for i := range ans {
				e = math.Max(e, math.Abs(ans[i]-exact[i]))
			}
		}
		if !(e <= tau) {
			t.Fatalf("%s at tau = %v: answer %v from the truth", o.Name(), tau, e)
		}
	})
}
