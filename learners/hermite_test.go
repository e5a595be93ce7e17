package learners_test

import (
	"math"
	"strconv"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq/gauss"
)

// TestHermiteRealizableTail: for y = relu(w*.x) with ||w*|| = 1 the degree-D
// projection misses exactly the tail T_D = sum_{n > D} c_n^2 of relu's
// Hermite expansion (theory §3.2), so the exact loss is T_D; the ledger
// shows C(d+D, D) correlational queries in one round.
func TestHermiteRealizableTail(t *testing.T) {
	const d = 4
	in := laInstance(t, laCfg("realizable", d, "exact", 5))
	for D := 0; D <= 5; D++ {
		l, tol, err := in.Learner("hermite", learners.Options{"degree": strconv.Itoa(D)})
		if err != nil {
			t.Fatal(err)
		}
		res := laRun(t, in, l, tol)
		n := learners.HermiteCount(d, D, 1<<30)
		want := gauss.ReluTail(D) + float64(n)*1e-12 // the SQ error is at most C(d+D, D) tol^2 (0 here)
		if math.Abs(res.Loss-gauss.ReluTail(D)) > 1e-10 || res.Loss > want+1e-10 {
			t.Errorf("D = %d: loss %.12g, want T_D = %.12g", D, res.Loss, gauss.ReluTail(D))
		}
		if s := res.Summary; s.Queries != n || s.Scalar != n || s.Rounds != 1 {
			t.Errorf("D = %d: ledger %+v, want %d queries in 1 round", D, s, n)
		}
	}
}

// TestHermiteAgnosticBound: on single-index agnostic worlds the degree-D
// regression has loss <= opt + 2 sqrt(opt T_D) + T_D + C(d+D, D) tau^2
// (theory §7(f)), with the exact oracle, and on every third world also with
// the random-noise and adversarial oracles at tau = 1e-3.
func TestHermiteAgnosticBound(t *testing.T) {
	t.Parallel()
	const d = 4
	for i, cfg := range laAgnosticGrid(d, 8) {
		oracles := []string{"exact", "noise", "adversarial"}
		if i%3 != 0 {
			oracles = oracles[:1] // the inexact oracles on every third world
		}
		for _, o := range oracles {
			cfg.Oracle, cfg.Tol = o, 0
			in := laInstance(t, cfg)
			for _, D := range []int{2, 4} {
				l, tol, err := in.Learner("hermite", learners.Options{"degree": strconv.Itoa(D)})
				if err != nil {
					t.Fatal(err)
				}
				res := laRun(t, in, l, tol)
				TD, N := gauss.ReluTail(D), float64(learners.HermiteCount(d, D, 1<<30))
				bound := res.Opt + 2*math.Sqrt(res.Opt*TD) + TD + N*tol*tol + res.LossErr + 2*res.OptErr
				if res.Loss > bound {
					t.Errorf("%v %s D = %d: loss %g > opt + 2 sqrt(opt T_D) + T_D + N tau^2 = %g (opt %g)", in.Describe(), o, D, res.Loss, bound, res.Opt)
				}
			}
		}
	}
}

// TestHermitePolyPredict: the polynomial's prediction agrees with its
// definition, sum_k Coef_k prod_i h_{Deg_i}(x_{Idx_i}).
func TestHermitePolyPredict(t *testing.T) {
	p := &learners.HermitePoly{Dim: 3, Degree: 3, Terms: []learners.HermiteTerm{
		{Coef: 0.5},
		{Idx: []int{1}, Deg: []int{1}, Coef: -2},
		{Idx: []int{0, 2}, Deg: []int{2, 1}, Coef: 3},
	}}
	x := []float64{0.3, -1.2, 2}
	want := 0.5 - 2*x[1] + 3*((x[0]*x[0]-1)/math.Sqrt2)*x[2]
	if got := p.Predict(x); math.Abs(got-want) > 1e-14 {
		t.Errorf("Predict = %.17g, want %.17g", got, want)
	}
}
