package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
)

func init() {
	register(&command{name: "hardness", summary: "the parity-embedded ReLU family: exact quantities, the SQ lower-bound game, experiments", run: runHardness})
}

const hardnessUsage = "info|game|curve|escape|lpn [flags]   (sqsim hardness <sub> -h for its flags)"

func runHardness(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("hardness: missing subcommand (want info, game, curve, escape or lpn)")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprintf(stdout, "usage: sqsim hardness %s\n\n", hardnessUsage)
		fmt.Fprintln(stdout, "  info    exact quantities of the family: C(d,k), kappa_k, opt_0, opt_S, gap, M_k, the query lower bound")
		fmt.Fprintln(stdout, "  game    a learner (gd, sparse, random, ...) against the SQ adversary; queries, survivors, verdict")
		fmt.Fprintln(stdout, "  curve   queries-to-success of support search against d for k = 2, 4, 6, with fitted exponents")
		fmt.Fprintln(stdout, "  escape  gradient descent on D_S with the exact oracle: escape time from a random start against d")
		fmt.Fprintln(stdout, "  lpn     the reduction of theory §4.5: recover S coordinate by coordinate with an agnostic learner")
		return nil
	case "info":
		return runHardnessInfo(rest, stdout)
	case "game":
		return runHardnessGame(rest, stdout)
	case "curve":
		return runHardnessCurve(rest, stdout, stderr)
	case "escape":
		return runHardnessEscape(rest, stdout, stderr)
	case "lpn":
		return runHardnessLPN(rest, stdout)
	}
	return usagef("hardness: unknown subcommand %q (want info, game, curve, escape or lpn)", sub)
}

// familyArgs validates d, k and eta as a usage error.
func familyArgs(cmd string, d, k int, eta float64) error {
	if err := checkFinite("eta", eta); err != nil {
		return err
	}
	if _, err := hardness.NewFamily(d, k, eta); err != nil {
		return usagef("%s: %s", cmd, strings.TrimPrefix(err.Error(), "hardness: invalid parity family: "))
	}
	return nil
}

func tauArg(cmd string, tau float64) error {
	if err := checkFinite("tau", tau); err != nil {
		return err
	}
	if !(tau > 0) {
		return usagef("%s: --tau %v, want a tolerance > 0", cmd, tau)
	}
	return nil
}

func runHardnessInfo(args []string, stdout io.Writer) error {
	f := newFlags("hardness info", "--d D --k K [--eta E] [--tau T] [--json]", stdout)
	d := f.Int("d", 0, "dimension (required)")
	k := f.Int("k", 0, "support size: 1 or even (required)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tau := f.Float64("tau", 1e-3, "tolerance for the query lower bound")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if !f.set("d") || !f.set("k") {
		return usagef("hardness info: --d and --k are both required")
	}
	if err := familyArgs("hardness info", *d, *k, *eta); err != nil {
		return err
	}
	if err := tauArg("hardness info", *tau); err != nil {
		return err
	}
	land, err := hardness.NewLandscape(*k, *eta)
	if err != nil {
		return err
	}
	sup := hardness.Binomial(*d, *k)
	bound, err := hardness.BoundQueries(*d, *k, *eta, *tau)
	if err != nil {
		return err
	}
	sda := hardness.SDABound(*d, *k, *eta, *tau**tau)
	if *asJSON {
		cfg := map[string]any{"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau)}
		return writeJSON(stdout, map[string]any{
			"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau),
			"supports": sup.String(), "log10_supports": num(hardness.Log10(sup)),
			"kappa": num(land.Kappa), "lambda": num(land.Lambda), "opt0": num(land.Opt0), "optS": num(land.OptS),
			"gap": num(land.Gap), "eps": num(land.Eps), "r_star": num(land.RStar), "a": num(land.A),
			"tail": num(land.TailK), "Mk": land.Mk, "Mk_certain": land.MkCertain, "Mk_crude": num(land.MkCrude),
			"bound_queries": num(bound), "bound_vacuous": bound < 1, "sda_bound": num(sda),
			"manifest": manifest("hardness info", cfg),
		})
	}
	fmt.Fprintf(stdout, "parity-embedded ReLU family: d = %d, k = %d, eta = %g (construction: theory §4.2, a reconstruction)\n", *d, *k, *eta)
	fmt.Fprintf(stdout, "  supports C(d,k)   %s  (10^%.2f, exact)\n", sup, hardness.Log10(sup))
	fmt.Fprintf(stdout, "  kappa_k           %.16g  |C_S(1_S/sqrt k)|, Dawson integral\n", land.Kappa)
	fmt.Fprintf(stdout, "  lambda_k          %.6g  leading Hermite coupling c_k sqrt(k!) (2/pi)^(k/2)\n", land.Lambda)
	fmt.Fprintf(stdout, "  opt_0             %.16g  1/2 - 1/(4 pi)\n", land.Opt0)
	fmt.Fprintf(stdout, "  opt_S             %.16g  1/2 - 2 (A0 + a kappa)^2, at r* = %.6f\n", land.OptS, land.RStar)
	fmt.Fprintf(stdout, "  gap               %.6e  opt_0 - opt_S; eps = gap/2 = %.6e\n", land.Gap, land.Eps)
	mkNote := "exact"
	if !land.MkCertain {
		mkNote = "floor uncertain by one"
	}
	fmt.Fprintf(stdout, "  M_k               %d  floor(4 T_{k-1}/kappa^2) (%s; crude 2/kappa^2 = %.4g)\n", land.Mk, mkNote, land.MkCrude)
	vac := ""
	if bound < 1 {
		vac = "  (vacuous: below 1)"
	}
	fmt.Fprintf(stdout, "  bound_queries     %.6g  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g%s\n", bound, *tau, vac)
	fmt.Fprintf(stdout, "  SDA bound         %.6g  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2)\n", sda)
	return nil
}

func runHardnessGame(args []string, stdout io.Writer) error {
	f := newFlags("hardness game", "--d D --k K --tau T --learner NAME [--eta E] --seed S [--set key=value]... [--max-queries N] [--mode auto|enumerate|structured] [--records FILE] [--json]", stdout)
	d := f.Int("d", 0, "dimension (required)")
	k := f.Int("k", 0, "support size: 1 or even (required)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tau := f.Float64("tau", 0, "tolerance of the learner's queries (required)")
	name := f.String("learner", "", "learner: gd, sparse, random, or any registered learner (required)")
	seed := f.Uint64("seed", 1, "seed of the learner's randomness and of the adversary's choices")
	maxQ := f.Int("max-queries", 0, "query budget; a learner that exceeds it gives up (0: none)")
	modeS := f.String("mode", "auto", "survivor accounting: auto (enumerate when C(d,k) <= 500), enumerate, structured")
	records := f.String("records", "", "write the adversary's per-query records as JSON Lines to FILE")
	asJSON := f.Bool("json", false, "print one JSON object")
	var sets setFlags
	f.Var(&sets, "set", "learner option key=value (repeatable), e.g. --set steps=50")
	if err := f.parse(args); err != nil {
		return err
	}
	for _, req := range []string{"d", "k", "tau", "learner"} {
		if !f.set(req) {
			return usagef("hardness game: --%s is required", req)
		}
	}
	if err := familyArgs("hardness game", *d, *k, *eta); err != nil {
		return err
	}
	if err := tauArg("hardness game", *tau); err != nil {
		return err
	}
	if *name != "random" {
		if _, ok := learners.Lookup(*name); !ok {
			return usagef("hardness game: unknown learner %q (known: random, %s)", *name, strings.Join(learners.Names(), ", "))
		}
	}
	if *maxQ < 0 {
		return usagef("hardness game: --max-queries %d, want >= 0", *maxQ)
	}
	mode, err := hardness.ParseMode(*modeS)
	if err != nil {
		return usagef("hardness game: --mode %q, want auto, enumerate or structured", *modeS)
	}
	opts, err := parseSets("hardness game", sets)
	if err != nil {
		return err
	}
	res, err := hardness.PlayGame(hardness.GameConfig{D: *d, K: *k, Eta: *eta, Tau: *tau, Learner: *name, Options: opts,
		Seed: *seed, MaxQueries: *maxQ, Adversary: hardness.AdversaryOptions{Mode: mode}})
	if err != nil {
		if errors.Is(err, learners.ErrOption) || errors.Is(err, learners.ErrUnknown) {
			return usagef("hardness game: %v", err)
		}
		return err
	}
	if *records != "" {
		fh, err := os.Create(*records)
		if err != nil {
			return err
		}
		for _, r := range res.Records {
			if err := writeJSON(fh, r); err != nil {
				fh.Close()
				return err
			}
		}
		if err := fh.Close(); err != nil {
			return err
		}
	}
	traj := thinRecords(res.Records, 200)
	if !*asJSON {
		traj = thinRecords(res.Records, 24)
	}
	if *asJSON {
		cfg := map[string]any{"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau), "learner": *name, "seed": *seed,
			"options": res.LearnerOpts, "max_queries": *maxQ, "mode": *modeS}
		tr := make([]map[string]any, len(traj))
		for i, r := range traj {
			tr[i] = map[string]any{"seq": r.Seq, "survivors": r.Survivors, "survivors_kind": r.SurvivorsKind,
				"eliminated": r.Eliminated, "eliminated_kind": r.ElimKind, "method": r.Method, "forced": r.Forced}
		}
		return writeJSON(stdout, map[string]any{
			"identified": res.Identified, "queries": res.Queries, "scalar_queries": res.ScalarQueries,
			"survivors": res.Survivors.Lower.String(), "survivors_kind": res.Survivors.Kind(),
			"survivors_upper": res.Survivors.Upper.String(), "supports": res.Supports,
			"bound_queries": num(res.BoundQueries), "loss": num(res.Verdict.Loss), "optS": num(res.Verdict.OptS),
			"opt0": num(res.Landscape.Opt0), "gap": num(res.Landscape.Gap), "eps": num(res.Landscape.Eps),
			"support": res.Verdict.Support, "good_for": res.Verdict.GoodFor, "examined": res.Verdict.Examined,
			"exhaustive": res.Verdict.Exhaustive, "gave_up": res.GaveUp, "learner_error": res.LearnerError,
			"forced": res.Forced, "mode": res.Mode, "learner": res.Learner, "note": res.Verdict.Note,
			"trajectory": tr, "manifest": manifest("hardness game", cfg),
		})
	}
	fmt.Fprintf(stdout, "game: %s against the parity adversary (%s accounting), d = %d, k = %d, eta = %g, tau = %g\n",
		res.Learner, res.Mode, *d, *k, *eta, *tau)
	fmt.Fprintf(stdout, "  identified      %v  (loss %.10g vs opt_S + eps = %.10g + %.4g)\n", res.Identified, res.Verdict.Loss, res.Verdict.OptS, res.Verdict.Eps)
	if res.GaveUp {
		fmt.Fprintf(stdout, "  gave up         %s\n", res.LearnerError)
	} else if res.Verdict.Note != "" {
		fmt.Fprintf(stdout, "  note            %s\n", res.Verdict.Note)
	}
	fmt.Fprintf(stdout, "  queries         %d  (%d scalar)\n", res.Queries, res.ScalarQueries)
	fmt.Fprintf(stdout, "  bound_queries   %.6g  (C(d,k) - M_k) tau^2/(1-2 eta)^2\n", res.BoundQueries)
	fmt.Fprintf(stdout, "  supports        %s\n", res.Supports)
	if res.Survivors.Exact {
		fmt.Fprintf(stdout, "  survivors       %s  (exact)\n", res.Survivors.Lower)
	} else {
		fmt.Fprintf(stdout, "  survivors       >= %s, <= %s  (lower bound: some queries were only bounded)\n", res.Survivors.Lower, res.Survivors.Upper)
	}
	fmt.Fprintf(stdout, "  forced answers  %d\n", res.Forced)
	fmt.Fprintf(stdout, "  truth picked    S = %v  (%d survivors examined, exhaustive %v; h good for %d of them)\n",
		res.Verdict.Support, res.Verdict.Examined, res.Verdict.Exhaustive, res.Verdict.GoodFor)
	if len(traj) > 0 {
		fmt.Fprintf(stdout, "\n  %8s  %-14s %-12s %-22s %-22s\n", "query", "method", "forced", "eliminated", "survivors after")
		for _, r := range traj {
			el := r.Eliminated
			if r.ElimKind != "exact" {
				el = "<= " + el
			}
			sv := r.Survivors
			if r.SurvivorsKind != "exact" {
				sv = ">= " + sv
			}
			fmt.Fprintf(stdout, "  %8d  %-14s %-12v %-22s %-22s\n", r.Seq+1, r.Method, r.Forced, el, sv)
		}
		if len(traj) < len(res.Records) {
			fmt.Fprintf(stdout, "  (%d of %d queries shown; --records FILE writes all)\n", len(traj), len(res.Records))
		}
	}
	return nil
}

// thinRecords keeps at most n records: the first, the last, every forced
// one, and a geometric spread between.
func thinRecords(rs []hardness.Record, n int) []hardness.Record {
	if len(rs) <= n {
		return rs
	}
	keep := map[int]bool{0: true, len(rs) - 1: true}
	for i, r := range rs {
		if r.Forced {
			keep[i] = true
		}
	}
	for x := 1.0; x < float64(len(rs)); x *= math.Pow(float64(len(rs)), 1/float64(n/2)) {
		keep[int(x)] = true
	}
	idx := make([]int, 0, len(keep))
	for i := range keep {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	out := make([]hardness.Record, 0, len(idx))
	for _, i := range idx {
		out = append(out, rs[i])
	}
	return out
}

// dimsFlag collects --dims K=D1,D2,... (repeatable).
type dimsFlag map[int][]int

func (m dimsFlag) String() string { return "" }
func (m dimsFlag) Set(v string) error {
	ks, ds, ok := strings.Cut(v, "=")
	if !ok {
		return fmt.Errorf("want K=D1,D2,..., got %q", v)
	}
	k, err := strconv.Atoi(strings.TrimSpace(ks))
	if err != nil {
		return fmt.Errorf("k %q is not an integer", ks)
	}
	list, err := intList(ds)
	if err != nil {
		return err
	}
	m[k] = list
	return nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		v, err := strconv.Atoi(p)
		if err != nil {
			return nil, fmt.Errorf("%q is not an integer", p)
		}
		out = append(out, v)
	}
	return out, nil
}

func runHardnessCurve(args []string, stdout, stderr io.Writer) error {
	f := newFlags("hardness curve", "[--k 2,4,6] [--dims K=D1,D2,...]... [--eta E] [--tau-frac F] [--seed S] [--svg FILE] [--json]", stdout)
	ksS := f.String("k", "2,4,6", "support sizes, comma-separated (1 or even)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tauFrac := f.Float64("tau-frac", 0.25, "tolerance as a fraction of a kappa_k (support search needs < 0.36)")
	seed := f.Uint64("seed", 1, "seed")
	svg := f.String("svg", "", "write the log-log figure of queries against d to FILE (SVG)")
	asJSON := f.Bool("json", false, "JSON Lines: a manifest, one line per game, one per fit")
	dims := dimsFlag{}
	f.Var(dims, "dims", "dimensions for one k, e.g. --dims 4=8,12,16 (repeatable; defaults: 2=8..1024, 4=8..64, 6=8..28)")
	if err := f.parse(args); err != nil {
		return err
	}
	ks, err := intList(*ksS)
	if err != nil {
		return usagef("hardness curve: --k: %v", err)
	}
	if err := checkFinite("tau-frac", *tauFrac); err != nil {
		return err
	}
	if !(*tauFrac > 0) {
		return usagef("hardness curve: --tau-frac %v, want > 0", *tauFrac)
	}
	for _, k := range ks {
		ds := dims[k]
		if len(ds) == 0 {
			ds = hardness.DefaultCurveDs[k]
		}
		if len(ds) == 0 {
			return usagef("hardness curve: no default dimensions for k = %d; give --dims %d=D1,D2,...", k, k)
		}
		for _, d := range ds {
			if err := familyArgs("hardness curve", d, k, *eta); err != nil {
				return err
			}
		}
	}
	cfg := hardness.CurveConfig{Ks: ks, Ds: map[int][]int(dims), Eta: *eta, TauFrac: *tauFrac, Seed: *seed}
	if isTerminal(stderr) {
		cfg.Progress = func(p hardness.CurvePoint) {
			fmt.Fprintf(stderr, "k = %d, d = %d: %d queries (%.1fs)\n", p.K, p.D, p.Queries, p.Seconds)
		}
	}
	pts, fits, err := hardness.Curve(cfg)
	if err != nil {
		return err
	}
	if *svg != "" {
		if err := writeCurveSVG(*svg, pts, fits); err != nil {
			return err
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, manifest("hardness curve", map[string]any{"k": ks, "dims": dims, "eta": num(*eta), "tau_frac": num(*tauFrac), "seed": *seed})); err != nil {
			return err
		}
		for _, p := range pts {
			if err := writeJSON(stdout, map[string]any{"k": p.K, "d": p.D, "tau": num(p.Tau), "supports": p.Supports, "queries": p.Queries,
				"identified": p.Identified, "bound_queries": num(p.BoundQueries), "survivors": p.Survivors, "survivors_kind": p.Kind, "seconds": num(p.Seconds)}); err != nil {
				return err
			}
		}
		for _, ft := range fits {
			if err := writeJSON(stdout, map[string]any{"fit_k": ft.K, "exponent": num(ft.Exponent), "supports_exponent": num(ft.SupportsExponent),
				"centered_exponent": num(ft.CenteredExponent),
				"vs_supports":       num(ft.VsSupports), "points": ft.Points, "d_min": ft.DMin, "d_max": ft.DMax}); err != nil {
				return err
			}
		}
		return nil
	}
	fmt.Fprintf(stdout, "queries to success: sparse (support search) against the parity adversary, eta = %g, tau = %g a kappa_k\n\n", *eta, *tauFrac)
	fmt.Fprintf(stdout, "%3s %6s %12s %14s %10s %14s %8s\n", "k", "d", "tau", "C(d,k)", "queries", "bound", "found")
	for _, p := range pts {
		fmt.Fprintf(stdout, "%3d %6d %12.4g %14s %10d %14.4g %8v\n", p.K, p.D, p.Tau, p.Supports, p.Queries, p.BoundQueries, p.Identified)
	}
	fmt.Fprintln(stdout, "\nfitted exponents (least squares on log-log):")
	fmt.Fprintf(stdout, "%3s %10s %11s %19s %22s %11s\n", "k", "d range", "queries~d^", "C(d,k)~d^ (same d)", "queries~(d-(k-1)/2)^", "queries~C^")
	for _, ft := range fits {
		fmt.Fprintf(stdout, "%3d %4d..%-5d %11.3f %19.3f %22.3f %11.4f\n", ft.K, ft.DMin, ft.DMax, ft.Exponent, ft.SupportsExponent, ft.CenteredExponent, ft.VsSupports)
	}
	if *svg != "" {
		fmt.Fprintf(stdout, "\nfigure: %s\n", *svg)
	}
	return nil
}

// isTerminal reports whether w is a character device (progress goes to
// stderr only then).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func runHardnessEscape(args []string, stdout, stderr io.Writer) error {
	f := newFlags("hardness escape", "--k K [--d D1,D2,...] [--seeds N] [--eta E] [--max-steps N] [--json]", stdout)
	k := f.Int("k", 4, "support size (even)")
	dsS := f.String("d", "", "dimensions, comma-separated (default: 8..128 for k <= 4, 8..48 for k = 6)")
	seeds := f.Int("seeds", 5, "runs per dimension")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	maxSteps := f.Int("max-steps", 20000, "give up after this many gradient steps")
	asJSON := f.Bool("json", false, "JSON Lines: a manifest, one line per run, one summary")
	if err := f.parse(args); err != nil {
		return err
	}
	ds := []int{8, 16, 32, 64, 128}
	if *k >= 6 {
		ds = []int{8, 12, 16, 24, 32, 48}
	}
	if *dsS != "" {
		var err error
		if ds, err = intList(*dsS); err != nil {
			return usagef("hardness escape: --d: %v", err)
		}
	}
	for _, d := range ds {
		if err := familyArgs("hardness escape", d, *k, *eta); err != nil {
			return err
		}
	}
	if *seeds < 1 || *maxSteps < 1 {
		return usagef("hardness escape: --seeds %d and --max-steps %d must be >= 1", *seeds, *maxSteps)
	}
	cfg := hardness.EscapeConfig{K: *k, Ds: ds, Seeds: *seeds, Eta: *eta, MaxSteps: *maxSteps}
	if isTerminal(stderr) {
		cfg.Progress = func(r hardness.EscapeRun) { fmt.Fprintf(stderr, "d = %d seed %d: %d steps\n", r.D, r.Seed, r.Steps) }
	}
	res, err := hardness.Escape(cfg)
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(stdout, manifest("hardness escape", map[string]any{"k": *k, "d": ds, "seeds": *seeds, "eta": num(*eta), "max_steps": *maxSteps})); err != nil {
			return err
		}
		for _, r := range res.Runs {
			if err := writeJSON(stdout, r); err != nil {
				return err
			}
		}
		return writeJSON(stdout, map[string]any{"k": res.K, "medians": res.Medians, "censored": res.Censored, "exponent": num(res.Exponent), "heuristic": num(res.Heuristic),
			"optS": num(res.OptS), "opt0": num(res.Opt0), "eps": num(res.Eps)})
	}
	fmt.Fprintf(stdout, "escape time of gradient descent on D_S (exact oracle, step 1, random start of norm 0.1), k = %d, eta = %g\n", *k, *eta)
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
		fmt.Fprintf(stdout, "  d = %4d  > %d (the median run did not escape; not fitted)\n", d, *maxSteps)
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

func runHardnessLPN(args []string, stdout io.Writer) error {
	f := newFlags("hardness lpn", "--d D --k K [--eta E] [--seed S] [--oracle sample|exact] [--json]", stdout)
	d := f.Int("d", 8, "dimension")
	k := f.Int("k", 2, "support size (even)")
	eta := f.Float64("eta", 0.1, "LPN noise rate in [0, 1/2)")
	seed := f.Uint64("seed", 1, "seed of S, of the samples and of the learner")
	orc := f.String("oracle", "sample", "how the learner's queries are answered: sample (from LPN samples) or exact")
	asJSON := f.Bool("json", false, "print one JSON object")
	if err := f.parse(args); err != nil {
		return err
	}
	if err := familyArgs("hardness lpn", *d, *k, *eta); err != nil {
		return err
	}
	if *orc != "sample" && *orc != "exact" {
		return usagef("hardness lpn: --oracle %q, want sample or exact", *orc)
	}
	res, err := hardness.LPN(hardness.LPNConfig{D: *d, K: *k, Eta: *eta, Seed: *seed, Oracle: *orc})
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, map[string]any{"support": res.Support, "recovered": res.Recovered, "correct": res.Correct,
			"threshold": num(res.Threshold), "tau": num(res.Tau), "loss_samples": res.Samples, "coords": res.Coords,
			"manifest": manifest("hardness lpn", map[string]any{"d": *d, "k": *k, "eta": num(*eta), "seed": *seed, "oracle": *orc})})
	}
	fmt.Fprintf(stdout, "LPN reduction (theory §4.5 step 3): d = %d, k = %d, eta = %g, learner sparse (tol %.4g), %s oracle\n", *d, *k, *eta, res.Tau, *orc)
	fmt.Fprintf(stdout, "put j in S iff the learner's loss on D^(j) exceeds opt_0 - gap/2 = %.6f\n\n", res.Threshold)
	fmt.Fprintf(stdout, "%4s %6s %12s %6s %8s %12s\n", "j", "in S", "loss_hat", "put", "queries", "examples")
	for _, c := range res.Coords {
		fmt.Fprintf(stdout, "%4d %6v %12.6f %6v %8d %12d\n", c.J, c.InS, c.LossHat, c.Put, c.Queries, c.Examples)
	}
	fmt.Fprintf(stdout, "\nS = %v, recovered %v, correct %v\n", res.Support, res.Recovered, res.Correct)
	return nil
}

// writeCurveSVG draws queries against d on log-log axes, one series per k,
// with the fitted lines, as a self-contained SVG.
func writeCurveSVG(path string, pts []hardness.CurvePoint, fits []hardness.CurveFit) error {
	const W, H, L, R, T, B = 640.0, 440.0, 70.0, 150.0, 30.0, 50.0
	minD, maxD, minQ, maxQ := math.Inf(1), 0.0, math.Inf(1), 0.0
	for _, p := range pts {
		if p.Queries <= 0 {
			continue
		}
		minD, maxD = math.Min(minD, float64(p.D)), math.Max(maxD, float64(p.D))
		minQ, maxQ = math.Min(minQ, float64(p.Queries)), math.Max(maxQ, float64(p.Queries))
	}
	if maxD == 0 {
		return fmt.Errorf("curve: no points to draw")
	}
	lx0, lx1 := math.Floor(math.Log10(minD)), math.Ceil(math.Log10(maxD))
	ly0, ly1 := math.Floor(math.Log10(minQ)), math.Ceil(math.Log10(maxQ))
	if lx1 == lx0 {
		lx1++
	}
	if ly1 == ly0 {
		ly1++
	}
	px := func(d float64) float64 { return L + (math.Log10(d)-lx0)/(lx1-lx0)*(W-L-R) }
	py := func(q float64) float64 { return H - B - (math.Log10(q)-ly0)/(ly1-ly0)*(H-T-B) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" font-family="sans-serif" font-size="12">`+"\n", W, H)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="black"/>`+"\n", L, T, W-L-R, H-T-B)
	for e := lx0; e <= lx1; e++ {
		for m := 1.0; m < 10; m++ {
			x := px(m * math.Pow(10, e))
			if x > W-R+0.1 {
				break
			}
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x, T, x, H-B)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">10^%.0f</text>`+"\n", px(math.Pow(10, e)), H-B+18, e)
	}
	for e := ly0; e <= ly1; e++ {
		y := py(math.Pow(10, e))
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", L, y, W-R, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">10^%.0f</text>`+"\n", L-6, y+4, e)
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">dimension d</text>`+"\n", L+(W-L-R)/2, H-12)
	fmt.Fprintf(&b, `<text x="16" y="%.1f" text-anchor="middle" transform="rotate(-90 16 %.1f)">queries to identify S</text>`+"\n", T+(H-T-B)/2, T+(H-T-B)/2)
	colors := []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"}
	for i, ft := range fits {
		col := colors[i%len(colors)]
		var xs, ys []float64
		for _, p := range pts {
			if p.K == ft.K && p.Queries > 0 {
				xs = append(xs, float64(p.D))
				ys = append(ys, float64(p.Queries))
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>`+"\n", px(float64(p.D)), py(float64(p.Queries)), col)
			}
		}
		if s, c, n := hardness.FitSlope(xs, ys); n >= 2 {
			x0, x1 := float64(ft.DMin), float64(ft.DMax)
			y0, y1 := math.Exp(c)*math.Pow(x0, s), math.Exp(c)*math.Pow(x1, s)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>`+"\n", px(x0), py(y0), px(x1), py(y1), col)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">k = %d: d^%.2f</text>`+"\n", W-R+10, T+20+36*float64(i), col, ft.K, ft.Exponent)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" font-size="10">(d-(k-1)/2)^%.2f</text>`+"\n", W-R+10, T+34+36*float64(i), col, ft.CenteredExponent)
	}
	b.WriteString("</svg>\n")
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
