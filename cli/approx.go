package cli

import (
	"fmt"
	"io"
	"math"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
)

func init() {
	register(&command{name: "approxfit", summary: "GKK19 approx (opt^(2/3) reduction) vs opt on a grid of agnostic worlds: table and log-log slopes", run: runApproxFit})
}

func runApproxFit(args []string, stdout, stderr io.Writer) error {
	f := newFlags("approxfit", "[--d D] [--eps E] [--seed S] [--workers N] [--halfspace=false] [--json] [--out FILE]", stdout)
	dv := 8
	d := &dv
	f.Var(intFlag{d}, "d", "dimension `d` of the worlds, 2 <= d <= 1000")
	eps := f.Float64("eps", 0.01, "approx's target accuracy eps (thresholds 2^-j, j <= log2(1/eps) + 3)")
	seed := f.Uint64("seed", 1, "seed of the hidden directions")
	workers := f.Int("workers", 0, "worlds run in parallel (0: GOMAXPROCS)")
	hs := f.Bool("halfspace", true, "also measure the halfspace learners on adversarially flipped halfspaces (a few seconds)")
	var o outputFlags
	bindOutput(f, &o, "one line per world, per slope and per halfspace row")
	if err := f.parse(args); err != nil {
		return err
	}
	if *d < 2 || *d > 1000 {
		return usagef("approxfit: --d %d, want 2 <= d <= 1000", *d)
	}
	if err := checkFinite("eps", *eps); err != nil {
		return err
	}
	if !(*eps >= 1e-4 && *eps < 1) {
		return usagef("approxfit: --eps %v, want 1e-4 <= eps < 1", *eps)
	}
	if *workers < 0 {
		return usagef("approxfit: --workers %d, want >= 0 (0: GOMAXPROCS)", *workers)
	}
	w, err := o.open("approxfit", stdout)
	if err != nil {
		return err
	}
	return o.close("approxfit", runApproxFitConfig(bench.ApproxFitConfig{D: *d, Eps: *eps, Seed: *seed, Workers: *workers, Halfspace: *hs}, o.JSON, args, w))
}

// runApproxFitConfig runs the measurement and prints it.
func runApproxFitConfig(cfg bench.ApproxFitConfig, asJSON bool, args []string, stdout io.Writer) error {
	res, err := bench.ApproxFit(cfg)
	if err != nil {
		return err
	}
	if asJSON {
		return approxFitJSON(stdout, res, args)
	}
	tw := newErrWriter(stdout)
	approxFitTable(tw, res)
	return prefixErr("approxfit", tw.Err())
}

// The lines of sqsim approxfit --json after the manifest: one per world,
// per slope and per halfspace row.
type (
	approxRow struct {
		Family        string         `json:"family"`
		Param         num            `json:"param"`
		Opt           num            `json:"opt"`
		RStar         num            `json:"rstar"`
		EY2           num            `json:"ey2"`
		Loss          map[string]num `json:"loss"`
		CBound        num            `json:"c_bound"`
		InstanceBound num            `json:"instance_bound"`
	}
	approxSlope struct {
		Slope     string `json:"slope"` // the learner
		Value     num    `json:"value"`
		Intercept num    `json:"intercept"`
		R2        num    `json:"r2"`
		N         int    `json:"n"`
	}
	approxHalfspace struct {
		HalfspaceNoise  string `json:"halfspace_noise"`
		Eta             num    `json:"eta"`
		ChowAngleOverPi num    `json:"chow_angle_over_pi"`
		DKTZAngleOverPi num    `json:"dktz_angle_over_pi"`
		ChowBoundOverPi num    `json:"chow_bound_over_pi"`
		ChowQueries     int    `json:"chow_queries"`
		DKTZQueries     int    `json:"dktz_queries"`
	}
)

func approxFitJSON(w io.Writer, res bench.ApproxFitResult, args []string) error {
	cfg := map[string]any{"d": res.Config.D, "eps": num(res.Config.Eps), "seed": res.Config.Seed, "halfspace": res.Config.Halfspace,
		"c_hs": bench.ApproxFitCHS, "C": num(res.C), "columns": bench.ApproxFitColumns}
	jl, err := bench.NewJSONL(w, manifestArgs("approxfit", args, cfg))
	if err != nil {
		return err
	}
	for _, r := range res.Rows {
		loss := map[string]num{}
		for k, v := range r.Loss {
			loss[k] = num(v)
		}
		jl.Write(approxRow{Family: r.Family, Param: num(r.Param), Opt: num(r.Opt), RStar: num(r.RStar),
			EY2: num(r.EY2), Loss: loss, CBound: num(r.CBound), InstanceBound: num(r.InstBound)})
	}
	for _, s := range res.Slopes {
		jl.Write(approxSlope{Slope: s.Learner, Value: num(s.Slope), Intercept: num(s.Intercept), R2: num(s.R2), N: s.N})
	}
	for _, h := range res.Halfspace {
		jl.Write(approxHalfspace{HalfspaceNoise: h.Noise, Eta: num(h.Eta), ChowAngleOverPi: num(h.Chow),
			DKTZAngleOverPi: num(h.DKTZ), ChowBoundOverPi: num(h.ChowMax), ChowQueries: h.ChowQueries, DKTZQueries: h.Queries})
	}
	return jl.Err()
}

func approxFitTable(w io.Writer, res bench.ApproxFitResult) {
	cfg := res.Config
	fmt.Fprintf(w, "sqsim approxfit: GKK19 approx and baselines on agnostic worlds, exact oracle (d = %d, eps = %g, seed %d)\n", cfg.D, cfg.Eps, cfg.Seed)
	fmt.Fprintf(w, "  approx = reduction with the dktz halfspace learner; approx-chow = with the average vector; chow = 2 E[y x];\n")
	fmt.Fprintf(w, "  fcg, dktz = gradient descent of FCG20 and DKTZ22. Bounds: C opt^(2/3) + eps with C = %.1f (C_HS = %d),\n", res.C, bench.ApproxFitCHS)
	fmt.Fprintf(w, "  and the instance bound of theory §6.1 (learners.ApproxBound + tolerance terms). Losses are exact.\n\n")
	fmt.Fprintf(w, "  %-13s %6s %10s %8s", "world", "param", "opt", "E[y^2]")
	for _, c := range bench.ApproxFitColumns {
		fmt.Fprintf(w, " %11s", c)
	}
	fmt.Fprintf(w, " %9s %9s %9s\n", "approx/opt", "inst.bnd", "C-bound")
	for _, r := range res.Rows {
		fmt.Fprintf(w, "  %-13s %6g %10.4g %8.4f", r.Family, r.Param, r.Opt, r.EY2)
		for _, c := range bench.ApproxFitColumns {
			fmt.Fprintf(w, " %11.5g", r.Loss[c])
		}
		fmt.Fprintf(w, " %9.5f %9.3g %9.3g\n", r.Loss["approx"]/r.Opt, r.InstBound, r.CBound)
	}
	fmt.Fprintf(w, "\n  log-log least squares, log loss = a + slope * log opt, over the %d worlds (the bound C opt^(2/3) has slope 2/3):\n", len(res.Rows))
	for _, s := range res.Slopes {
		fmt.Fprintf(w, "    %-12s slope %.4f  a %+.4f  R^2 %.6f  (n = %d)\n", s.Learner, s.Slope, s.Intercept, s.R2, s.N)
	}
	fmt.Fprintf(w, "    %-12s slope %.4f  (the bound C opt^(2/3))\n", "bound", 2.0/3)
	if len(res.Halfspace) == 0 {
		return
	}
	fmt.Fprintf(w, "\n  halfspace learners on a halfspace with a fraction eta of labels flipped adversarially (d = %d, exact oracle):\n", cfg.D)
	fmt.Fprintf(w, "  tail: flips on {w*.x > 0, e.x > b} (far from the boundary); band: flips on {0 < w*.x <= a, e.x > b}, P[0 < w*.x <= a] = 4 eta\n")
	fmt.Fprintf(w, "  angle/pi = P[sign(u.x) != sign(w*.x)] (E9); chow bound = learners.ChowAngleBound/pi\n\n")
	fmt.Fprintf(w, "  %-5s %6s %12s %12s %12s %12s %12s %8s\n", "noise", "eta", "chow", "chow/eta", "chow bound", "dktz", "dktz/eta", "queries")
	for _, h := range res.Halfspace {
		fmt.Fprintf(w, "  %-5s %6g %12.4g %12.3f %12.4g %12.4g %12.4f %8d\n", h.Noise, h.Eta, h.Chow, h.Chow/h.Eta, h.ChowMax, h.DKTZ, h.DKTZ/h.Eta, h.Queries)
	}
	worst := 0.0
	for _, h := range res.Halfspace {
		worst = math.Max(worst, h.DKTZ/h.Eta)
	}
	fmt.Fprintf(w, "\n  dktz: max angle/(pi eta) = %.3f (the approx bounds use C_HS = %d); C for that C_HS: %.1f\n", worst, bench.ApproxFitCHS, learners.ApproxConstant(bench.ApproxFitCHS))
}
