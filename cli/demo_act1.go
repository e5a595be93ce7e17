package cli

import (
	"fmt"
	"io"
	"math"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/figure"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// act1Run is one gradient-descent run of act 1.
type act1Run struct {
	name   string
	ledger *sq.Ledger
	losses []float64
	w      []float64
}

// act1Result is act 1 of the demo: GD on a realizable ReLU through the exact
// and the noisy oracle.
type act1Result struct {
	d, steps   int
	tol        float64
	seed       uint64
	runs       []*act1Run // exact, noisy
	wstar      []float64
	distBound  float64 // 2.01 sqrt(d) tau
	lossBound  float64 // distBound^2
	exactFinal float64
	noisyFinal float64
}

// demoAct1 runs GD through the exact and the noisy oracle (the demo of
// earlier versions, unchanged: same runs, same numbers).
func demoAct1(d, steps int, tol float64, seed uint64) (*act1Result, error) {
	res := &act1Result{d: d, steps: steps, tol: tol, seed: seed}
	res.runs = []*act1Run{{name: "exact"}, {name: fmt.Sprintf("noise(tau=%g)", tol)}}
	for i, r := range res.runs {
		o := "exact"
		if i == 1 {
			o = "noise"
		}
		in, err := bench.NewInstance(bench.Config{World: "realizable", D: d, Oracle: o, Tol: tol, Seed: seed})
		if err != nil {
			return nil, err
		}
		truth := in.World()
		res.wstar = in.WStar()
		gd := &learners.GD{Step: 1, Steps: steps, Init: "random", Norm0: 0.5, Tol: tol}
		gd.OnStep = func(step int, w []float64) {
			l, _, err := truth.Loss(w)
			if err != nil {
				l = math.NaN()
			}
			r.losses = append(r.losses, l)
		}
		out, err := in.RunLearner(gd, tol)
		if err != nil {
			return nil, fmt.Errorf("%s oracle: %w", r.name, err)
		}
		r.ledger = out.Ledger
		r.w = out.Hypothesis.(sq.ReLU).W
	}
	// C = 2.01: each answer moves the step-1 update by at most 2 sqrt(d) tau, and
	// the population map contracts quadratically near w*, so the iterates stay
	// below the fixed point 2.009 sqrt(d) tau of r -> 2 sqrt(d) tau + g(r)/pi
	// (derivation: gdNoiseRadius in learners/gd_test.go). relu is 1-Lipschitz,
	// so the realizable loss E[(relu(w.x) - relu(w*.x))^2] <= ||w - w*||^2
	// (theory §2.5), below the square of that radius.
	res.distBound = 2.01 * math.Sqrt(float64(d)) * tol
	res.lossBound = res.distBound * res.distBound
	res.exactFinal = res.runs[0].losses[len(res.runs[0].losses)-1]
	res.noisyFinal = res.runs[1].losses[len(res.runs[1].losses)-1]
	return res, nil
}

func (a *act1Result) dist(w []float64) float64 {
	s := 0.0
	for i := range w {
		s += (w[i] - a.wstar[i]) * (w[i] - a.wstar[i])
	}
	return math.Sqrt(s)
}

// record is act 1's JSON record: the keys of the demo's earlier single
// object ("exact", "noise(tau=...)", "opt", "distance_bound") and the act's.
func (a *act1Result) record() map[string]any {
	out := map[string]any{"act": 1, "title": "when gradient descent works", "d": a.d, "steps": a.steps, "tol": num(a.tol), "seed": a.seed, "opt": 0}
	for _, r := range a.runs {
		out[r.name] = map[string]any{"loss": nums(r.losses), "final_loss": num(r.losses[len(r.losses)-1]),
			"distance_to_wstar": num(a.dist(r.w)), "ledger": ledgerJSON(r.ledger.Summary())}
	}
	out["distance_bound"] = num(a.distBound)
	out["loss_bound"] = num(a.lossBound)
	out["exact_below_1e-10"] = a.exactFinal < 1e-10
	out["noisy_within_bound"] = a.noisyFinal <= a.lossBound
	return out
}

func (a *act1Result) print(w io.Writer) {
	fmt.Fprintf(w, "Act 1. When gradient descent works (Soltanolkotabi 2017): SQ gradient descent on a realizable ReLU (seed %d)\n", a.seed)
	fmt.Fprintf(w, "  world:   x ~ N(0, I_%d), y = relu(w*.x), ||w*|| = 1, opt = 0\n", a.d)
	fmt.Fprintf(w, "  learner: gd from a random w of norm 0.5, step 1; each step asks E[y 1{w.x>0} x] (one correlational vector query)\n")
	fmt.Fprintf(w, "           and computes the label-free half of the gradient, E[relu(w.x) x] = w/2, for free\n")
	fmt.Fprintf(w, "  oracles: exact (the true expectation), and noise: the true value plus uniform noise within tau = %g per coordinate\n\n", a.tol)
	fmt.Fprintf(w, "  %5s  %24s  %24s\n", "step", "loss, exact oracle", "loss, "+a.runs[1].name)
	for t := 0; t < a.steps; t++ {
		if t < 10 || (t+1)%5 == 0 || t == a.steps-1 {
			fmt.Fprintf(w, "  %5d  %24.6e  %24.6e\n", t+1, a.runs[0].losses[t], a.runs[1].losses[t])
		}
	}
	fmt.Fprintln(w)
	for _, r := range a.runs {
		s := r.ledger.Summary()
		fmt.Fprintf(w, "  ledger, %-16s %d vector queries = %d scalar queries, %d rounds, sample cost sum (B/tau)^2 = %.3g, sum 1/tau^2 = %.3g\n",
			r.name+":", s.Queries, s.Scalar, s.Rounds, s.Cost, s.SumInvTau2)
	}
	fmt.Fprintf(w, "\n  final ||w - w*||: exact oracle %.2e; noisy oracle %.2e, below the bound 2.01 sqrt(d) tau = %.2e\n",
		a.dist(a.runs[0].w), a.dist(a.runs[1].w), a.distBound)
	fmt.Fprintf(w, "  final loss: exact oracle %.2e; noisy oracle %.2e, below the bound (2.01 sqrt(d) tau)^2 = %.2e (relu is 1-Lipschitz: L(w) <= ||w - w*||^2)\n",
		a.exactFinal, a.noisyFinal, a.lossBound)
	fmt.Fprintf(w, "  Conclusion: on a realizable ReLU, GD converges linearly to loss 0 with exact answers and ends within O(d tau^2) of it with answers within tau.\n")
}

// figure is act 1's figure: the loss per step of both runs (log y; the
// exact run's steps at loss exactly 0 are left out, a log axis has no 0)
// and the noisy run's bound, dashed.
func (a *act1Result) figure() ([]figure.Series, figure.Options) {
	var series []figure.Series
	for i, r := range a.runs {
		s := figure.Series{Name: r.name + " oracle"}
		for t, l := range r.losses {
			if l > 0 {
				s.X = append(s.X, float64(t+1))
				s.Y = append(s.Y, l)
			}
		}
		if i == 0 && len(s.X) < len(r.losses) {
			s.Name = fmt.Sprintf("exact oracle (loss 0 from step %d)", len(s.X)+1)
		}
		if len(s.X) > 0 {
			series = append(series, s)
		}
	}
	series = append(series, figure.Series{Name: "bound (2.01 sqrt(d) tau)^2", X: []float64{1, float64(a.steps)},
		Y: []float64{a.lossBound, a.lossBound}, Reference: true})
	return series, figure.Options{Title: fmt.Sprintf("Act 1: GD on a realizable ReLU, d = %d", a.d),
		XLabel: "step", YLabel: "loss", LogY: true}
}
