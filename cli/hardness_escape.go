package cli

import (
	"fmt"
	"io"

	"github.com/sqsim/sqsim/bench"
)

// escapeSummary is the last line of sqsim hardness escape --json.
type escapeSummary struct {
	K         int          `json:"k"`
	Medians   [][2]float64 `json:"medians"`
	Censored  []int        `json:"censored"`
	Exponent  num          `json:"exponent"`
	Heuristic num          `json:"heuristic"`
	OptS      num          `json:"optS"`
	Opt0      num          `json:"opt0"`
	Eps       num          `json:"eps"`
}

func runHardnessEscape(args []string, stdout, stderr io.Writer) error {
	const cmd = "hardness escape"
	f := newFlags(cmd, "--k K [--d D1,D2,...] [--seeds N] [--eta E] [--max-steps N] [--json] [--out FILE]", stdout)
	fam := familyFlags{K: 4}
	bindFamily(f, &fam, familySpec{DList: true, NoTau: true, DNote: "(default: 8..128 for k <= 4, 8..48 for k = 6)"})
	seeds := f.Int("seeds", 5, "runs per dimension")
	maxSteps := f.Int("max-steps", 20000, "give up after this many gradient steps")
	var o outputFlags
	bindOutput(f, &o, "one line per run, one summary")
	if err := f.parse(args); err != nil {
		return err
	}
	k, eta, ds := fam.K, fam.Eta, fam.Ds
	if !f.set("d") {
		ds = []int{8, 16, 32, 64, 128}
		if k >= 6 {
			ds = []int{8, 12, 16, 24, 32, 48}
		}
	}
	sumD := 0.0
	for _, d := range ds {
		if err := familyArgs(cmd, d, k, eta); err != nil {
			return err
		}
		if d > escapeMaxD {
			return usagef("hardness escape: --d %d, want d <= %d", d, escapeMaxD)
		}
		sumD += float64(d)
	}
	if *seeds < 1 || *maxSteps < 1 {
		return usagef("hardness escape: --seeds %d and --max-steps %d must be >= 1", *seeds, *maxSteps)
	}
	if work := float64(*seeds) * sumD * float64(*maxSteps); work > escapeMaxWork {
		return usagef("hardness escape: seeds x sum of d x max-steps = %d x %.0f x %d = %.3g exceeds the limit %.0e (the default run is 2.5e7)",
			*seeds, sumD, *maxSteps, work, escapeMaxWork)
	}
	cfg := bench.EscapeConfig{K: k, Ds: ds, Seeds: *seeds, Eta: eta, MaxSteps: *maxSteps}
	if isTerminal(stderr) {
		cfg.Progress = func(r bench.EscapeRun) { fmt.Fprintf(stderr, "d = %d seed %d: %d steps\n", r.D, r.Seed, r.Steps) }
	}
	w, err := o.open(cmd, stdout)
	if err != nil {
		return err
	}
	conf := map[string]any{"k": k, "d": ds, "seeds": *seeds, "eta": num(eta), "max_steps": *maxSteps}
	return o.close(cmd, runEscape(cfg, o.JSON, manifestArgs(cmd, args, conf), w))
}

// runEscape runs the escape experiment and prints it.
func runEscape(cfg bench.EscapeConfig, asJSON bool, m bench.CommandManifest, stdout io.Writer) error {
	k, eta, maxSteps := cfg.K, cfg.Eta, cfg.MaxSteps
	res, err := bench.Escape(cfg)
	if err != nil {
		return err
	}
	if asJSON {
		jl, err := newLegacyJSONL(stdout, m)
		if err != nil {
			return err
		}
		for _, r := range res.Runs {
			jl.Write(r)
		}
		return jl.Write(escapeSummary{K: res.K, Medians: res.Medians, Censored: res.Censored, Exponent: num(res.Exponent), Heuristic: num(res.Heuristic),
			OptS: num(res.OptS), Opt0: num(res.Opt0), Eps: num(res.Eps)})
	}
	fmt.Fprintf(stdout, "escape time of gradient descent on D_S (exact oracle, step 1, random start of norm 0.1), k = %d, eta = %g\n", k, eta)
	fmt.Fprintf(stdout, "escaped = first step with L_S(w) <= opt_S + gap/2 = %.10g\n\n", res.OptS+res.Eps)
	fmt.Fprintf(stdout, "%6s %6s %8s %9s %14s\n", "d", "seed", "steps", "escaped", "final loss")
	for _, r := range res.Runs {
		fmt.Fprintf(stdout, "%6d %6d %8d %9v %14.10f\n", r.D, r.Seed, r.Steps, r.Escaped, r.Loss)
	}
	fmt.Fprintln(stdout, "\nmedian escape steps (over all runs; a run that never escaped counts as infinite):")
	for _, m := range res.Medians {
		fmt.Fprintf(stdout, "  d = %4.0f  %8.0f\n", m[0], m[1])
	}
	for _, d := range res.Censored {
		fmt.Fprintf(stdout, "  d = %4d  > %d (the median run did not escape; not fitted)\n", d, maxSteps)
	}
	fmt.Fprintf(stdout, "fitted exponent %.3f (heuristic (k-2)/2 = %.1f, theory §5.4)\n", res.Exponent, res.Heuristic)
	if len(res.Runs) > 0 {
		r := res.Runs[len(res.Runs)-1]
		fmt.Fprintf(stdout, "\nloss trajectory of the last run (d = %d): ", r.D)
		for _, p := range r.Trajectory {
			fmt.Fprintf(stdout, "t=%.0f: %.6f  ", p[0], p[1])
		}
		fmt.Fprintln(stdout)
	}
	return nil
}
