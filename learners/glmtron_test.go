package learners_test

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// TestGLMtronSurrogateConvergeToChow: under Gaussian marginals GLMtron's
// last iterate and the surrogate's iterates converge to 2 E[y x] (theory
// §7(a), §7(d)) at rate (1 - step/2)^t; with a projection onto ||w|| <= R
// the surrogate converges to the projection of 2 E[y x]. E[y x] is the
// world's exact value (not a learner's answer).
func TestGLMtronSurrogateConvergeToChow(t *testing.T) {
	for _, cfg := range laAgnosticGrid(5, 4) {
		in := laInstance(t, cfg)
		target := laScale(2, laChow(t, in.World()))
		nt := laNorm(target)
		cases := []struct {
			name string
			o    learners.Options
			want []float64
			rate float64 // the contraction per step
			n    int     // steps
		}{
			{"glmtron", learners.Options{"select": "last"}, target, 0.5, 50},
			{"glmtron", learners.Options{"select": "last", "step": "0.5", "steps": "80"}, target, 0.75, 80},
			{"surrogate", nil, target, 0.5, 50},
			{"surrogate", learners.Options{"reask": "false", "step": "1.5"}, target, 0.25, 50},
			{"surrogate", learners.Options{"radius": "0.3"}, laScale(math.Min(1, 0.3/nt), target), 0.5, 50},
		}
		for _, c := range cases {
			l, tol, err := in.Learner(c.name, c.o)
			if err != nil {
				t.Fatal(err)
			}
			res := laRun(t, in, l, tol)
			// From w_0 = 0: ||w_T - target|| = (rate)^T ||target|| (no
			// projection), plus rounding.
			if dd, b := laDist(res.W, c.want), math.Pow(c.rate, float64(c.n))*nt+1e-13; dd > b {
				t.Errorf("%v %s %v: ||w - 2 E[y x]|| = %g > %g", in.Describe(), c.name, c.o, dd, b)
			}
		}
	}
}

// TestGLMtronBestIterate: GLMtron's chosen iterate (select=best, the
// default) has a loss at most the last iterate's plus 4 tol, and its ledger
// shows the Chow query and the selection batch: 2 queries, d + steps scalar,
// 2 rounds.
func TestGLMtronBestIterate(t *testing.T) {
	for _, cfg := range laAgnosticGrid(5, 5) {
		in := laInstance(t, cfg)
		var loss [2]float64
		for i, sel := range []string{"best", "last"} {
			l, tol, err := in.Learner("glmtron", learners.Options{"select": sel})
			if err != nil {
				t.Fatal(err)
			}
			res := laRun(t, in, l, tol)
			loss[i] = res.Loss
			if sel == "best" && laNorm(laChow(t, in.World())) > 0 && (res.Summary.Queries != 2 || res.Summary.Scalar != 55 || res.Summary.Rounds != 2) {
				t.Errorf("%v: glmtron ledger %+v, want 2 queries, 55 scalar, 2 rounds", in.Describe(), res.Summary)
			}
		}
		if loss[0] > loss[1]+4e-6 {
			t.Errorf("%v: best iterate loss %g > last iterate loss %g + 4 tol", in.Describe(), loss[0], loss[1])
		}
	}
}

// TestSurrogateNoiseAveraging: with the noise oracle at tau and reask, the
// last iterate w_T = sum_k step (1 - step/2)^k c_{T-k} is a weighted sum of
// answers with weights summing to at most 2, each within sqrt(d) tau of
// E[y x] in norm: ||w_T - 2 E[y x]|| <= 2 sqrt(d) tau + (1/2)^T ||2 E[y x]||.
func TestSurrogateNoiseAveraging(t *testing.T) {
	const d, tau = 20, 1e-3
	for seed := uint64(1); seed <= 5; seed++ {
		cfg := laCfg("agnostic", d, "noise", seed)
		cfg.Tol = tau
		in := laInstance(t, cfg)
		target := laScale(2, laChow(t, in.World()))
		l, tol, err := in.Learner("surrogate", nil)
		if err != nil {
			t.Fatal(err)
		}
		res := laRun(t, in, l, tol)
		if dd, b := laDist(res.W, target), 2*math.Sqrt(d)*tau+math.Pow(0.5, 50)*laNorm(target); dd > b {
			t.Errorf("seed %d: ||w - 2 E[y x]|| = %g > %g", seed, dd, b)
		}
		if res.Summary.Queries != 50 {
			t.Errorf("surrogate with reask asked %d queries, want 50", res.Summary.Queries)
		}
	}
}

// TestSurrogateOnStep: OnStep sees every iterate, and the iterates approach
// 2 E[y x] monotonically (the contraction of theory §7(a)).
func TestSurrogateOnStep(t *testing.T) {
	in := laInstance(t, laCfg("halfspace", 4, "exact", 9))
	target := laScale(2, laChow(t, in.World()))
	s := &learners.Surrogate{Step: 1, Steps: 20, Reask: false, Tol: 1e-6}
	prev, steps := math.Inf(1), 0
	s.OnStep = func(step int, w []float64) {
		dd := laDist(w, target)
		if dd > prev {
			t.Errorf("step %d: distance %g grew from %g", step, dd, prev)
		}
		prev, steps = dd, step
	}
	res := laRun(t, in, s, s.Tol)
	if steps != 20 || res.Summary.Queries != 1 {
		t.Errorf("%d steps seen, %d queries; want 20 and 1", steps, res.Summary.Queries)
	}
	if _, ok := res.Hypothesis.(sq.ReLU); !ok {
		t.Errorf("hypothesis %T, want sq.ReLU", res.Hypothesis)
	}
}
