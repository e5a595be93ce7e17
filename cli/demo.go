package cli

import (
	"fmt"
	"io"
	"math"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

func init() {
	register(&command{name: "demo", summary: "SQ gradient descent on a realizable ReLU, exact vs noisy oracle (start here)", run: runDemo})
}

func runDemo(args []string, stdout, stderr io.Writer) error {
	f := newFlags("demo", "[--d D] [--steps T] [--tol TAU] [--seed S] [--json]", stdout)
	d := f.Int("d", 50, "dimension")
	steps := f.Int("steps", 40, "gradient steps")
	tol := f.Float64("tol", 1e-3, "tolerance of the noisy oracle (per coordinate)")
	seed := f.Uint64("seed", 1, "seed of w* and of the oracle's noise")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if *d < 1 || *d > 100000 {
		return usagef("demo: --d %d, want 1 <= d <= 100000", *d)
	}
	if *steps < 1 || *steps > 100000 {
		return usagef("demo: --steps %d, want 1 <= steps <= 100000", *steps)
	}
	if err := checkFinite("tol", *tol); err != nil {
		return err
	}
	if !(*tol > 0) {
		return usagef("demo: --tol %v, want a tolerance > 0", *tol)
	}
	// The runs: bench instances of the realizable world with the random unit
	// w* of the seed (the w* of `sqsim learn` for this seed), through the
	// exact and the noisy oracle.
	type run struct {
		name   string
		oracle string
		ledger *sq.Ledger
		losses []float64
		w      []float64
	}
	runs := []*run{
		{name: "exact", oracle: "exact"},
		{name: fmt.Sprintf("noise(tau=%g)", *tol), oracle: "noise"},
	}
	var wstar []float64
	for _, r := range runs {
		in, err := bench.NewInstance(bench.Config{World: "realizable", D: *d, Oracle: r.oracle, Tol: *tol, Seed: *seed})
		if err != nil {
			return err
		}
		truth := in.World()
		wstar = in.WStar()
		gd := &learners.GD{Step: 1, Steps: *steps, Init: "random", Norm0: 0.5, Tol: *tol}
		gd.OnStep = func(step int, w []float64) {
			l, _, err := truth.Loss(w)
			if err != nil {
				l = math.NaN()
			}
			r.losses = append(r.losses, l)
		}
		res, err := in.RunLearner(gd, *tol)
		if err != nil {
			return fmt.Errorf("demo: %s oracle: %w", r.name, err)
		}
		r.ledger = res.Ledger
		r.w = res.Hypothesis.(sq.ReLU).W
	}
	// C = 2.01: each answer moves the step-1 update by at most 2 sqrt(d) tau, and
	// the population map contracts quadratically near w*, so the iterates stay
	// below the fixed point 2.009 sqrt(d) tau of r -> 2 sqrt(d) tau + g(r)/pi
	// (derivation: gdNoiseRadius in learners/gd_test.go).
	bound := 2.01 * math.Sqrt(float64(*d)) * *tol
	dist2 := func(w []float64) float64 {
		s := 0.0
		for i := range w {
			s += (w[i] - wstar[i]) * (w[i] - wstar[i])
		}
		return math.Sqrt(s)
	}
	if *asJSON {
		out := map[string]any{"manifest": manifest("demo", map[string]any{"d": *d, "steps": *steps, "tol": num(*tol), "seed": *seed}), "opt": 0}
		for _, r := range runs {
			out[r.name] = map[string]any{"loss": nums(r.losses), "final_loss": num(r.losses[len(r.losses)-1]),
				"distance_to_wstar": num(dist2(r.w)), "ledger": ledgerJSON(r.ledger.Summary())}
		}
		out["distance_bound"] = num(bound)
		if err := writeJSON(stdout, out); err != nil {
			return fmt.Errorf("demo: writing the output: %w", err)
		}
		return nil
	}
	tw := newErrWriter(stdout)
	stdout = tw
	fmt.Fprintf(stdout, "sqsim demo: SQ gradient descent on a realizable ReLU (seed %d)\n", *seed)
	fmt.Fprintf(stdout, "  world:   x ~ N(0, I_%d), y = relu(w*.x), ||w*|| = 1, opt = 0\n", *d)
	fmt.Fprintf(stdout, "  learner: gd from a random w of norm 0.5, step 1; each step asks E[y 1{w.x>0} x] (one correlational vector query)\n")
	fmt.Fprintf(stdout, "           and computes the label-free half of the gradient, E[relu(w.x) x] = w/2, for free\n\n")
	fmt.Fprintf(stdout, "  %5s  %24s  %24s\n", "step", "loss, exact oracle", "loss, "+runs[1].name)
	for t := 0; t < *steps; t++ {
		if t < 10 || (t+1)%5 == 0 || t == *steps-1 {
			fmt.Fprintf(stdout, "  %5d  %24.6e  %24.6e\n", t+1, runs[0].losses[t], runs[1].losses[t])
		}
	}
	fmt.Fprintln(stdout)
	for _, r := range runs {
		s := r.ledger.Summary()
		fmt.Fprintf(stdout, "  ledger, %-16s %d vector queries = %d scalar queries, %d rounds, sample cost sum (B/tau)^2 = %.3g, sum 1/tau^2 = %.3g\n",
			r.name+":", s.Queries, s.Scalar, s.Rounds, s.Cost, s.SumInvTau2)
	}
	fmt.Fprintf(stdout, "\n  final ||w - w*||: exact oracle %.2e; noisy oracle %.2e, below the bound 2.01 sqrt(d) tau = %.2e\n",
		dist2(runs[0].w), dist2(runs[1].w), bound)
	fmt.Fprintf(stdout, "  (an adversary could keep GD that far away; the parity-embedded instances of `sqsim hardness` defeat it entirely)\n")
	return prefixErr("demo", tw.Err())
}

// ledgerJSON is a ledger summary as JSON: the keys of sq.Summary ("cost" is
// the sample cost sum (B/tau)^2, "sum_inv_tau2" the raw sum 1/tau^2) and
// "sample_cost", the sample cost again under its own name.
func ledgerJSON(s sq.Summary) any {
	return struct {
		sq.Summary
		SampleCost float64 `json:"sample_cost"`
	}{s, s.Cost}
}
