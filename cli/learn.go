package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

func init() {
	register(&command{name: "learn", summary: "run a learner on a world through an oracle and score it with the exact loss", run: runLearn})
}

// setFlags collects repeated --set key=value flags (learner options), for
// every command that runs a learner.
type setFlags []string

func (s *setFlags) String() string     { return strings.Join(*s, " ") }
func (s *setFlags) Set(v string) error { *s = append(*s, v); return nil }

// parseSets turns the --set flags of command cmd into learner options.
func parseSets(cmd string, sets []string) (learners.Options, error) {
	o := learners.Options{}
	for _, kv := range sets {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usagef("%s: --set %q, want key=value (e.g. --set steps=100)", cmd, kv)
		}
		if _, dup := o[k]; dup {
			return nil, usagef("%s: --set %s is given twice", cmd, k)
		}
		o[k] = strings.TrimSpace(v)
	}
	return o, nil
}

func runLearn(args []string, stdout, stderr io.Writer) error {
	f := newFlags("learn", "[--learner NAME] [--dist realizable|clipped|noisy|agnostic|halfspace] [--d D] [--wstar A,B,...] [--clip C] [--oracle exact|sample|noise|adversarial] [--tol T] [--min-tau T] [--classes csq|sq|l2|vstat|all] [--seed S] [--set key=value ...] [--trace FILE] [--json]", stdout)
	def := bench.DefaultConfig()
	learner := f.String("learner", def.Learner, "the learner (one of: "+strings.Join(learners.Names(), ", ")+"; its options: sqsim help learn NAME)")
	distName := f.String("dist", def.World, "the world: realizable | clipped | noisy | agnostic | halfspace")
	d := f.Int("d", def.D, "dimension (when --wstar is given without --d: its length)")
	wstarS := f.String("wstar", "", "the planted weights w*, comma-separated (default: a random unit vector from --seed)")
	clip := f.Float64("clip", def.Clip, "clipped: labels y = min(C, relu(w*.x))")
	noiseVar := f.Float64("noise-var", def.NoiseVar, "noisy: variance of the independent label noise")
	labelNoise := f.String("label-noise", def.LabelNoise, "noisy: gaussian | rademacher")
	frac := f.Float64("frac", def.Frac, "agnostic: fraction of the Gaussian mass whose labels are corrupted, in [0, 0.5]")
	corruption := f.String("corruption", def.Corruption, "agnostic: flip (y -> 1-y where the ReLU is active) | zero (y -> 0 there) | lift (y -> 1 just below the kink)")
	eta := f.Float64("eta", def.Eta, "halfspace: label flip probability, in [0, 0.5]")
	oracleName := f.String("oracle", def.Oracle, "the oracle: exact | sample | noise | adversarial (against w* rotated to a random orthogonal direction); a sample-oracle answer that draws about a second's worth of examples or more is announced on stderr")
	tol := f.Float64("tol", 0, "tolerance of every query, passed to the learner as its option tol (default: 1e-6 exact, 1e-3 noise and adversarial, 0.05 sample)")
	noise := f.String("noise", "uniform", "noise oracle: uniform | gaussian (clipped to [-tol, tol])")
	delta := f.Float64("delta", 0.01, "sample oracle: failure probability of each answer, in (0, 1)")
	minTau := f.Float64("min-tau", 0, "tolerance floor: a query asked at tau < T is answered as if asked at T, whatever the learner asks; the ledger records both (0: no floor)")
	trustClasses := f.Bool("trust-classes", false, "with --classes: also accept a query whose declared class rests on a Go function the proof cannot read (recorded in the oracle's name as trust-declared)")
	classesS := f.String("classes", "", "restrict the oracle to these query classes, comma-separated; a query of no listed class fails the run (exit 1). "+classAliasHelp+" (default: all)")
	seed := f.Uint64("seed", def.Seed, "seed of w*, the learner's randomness and the oracle's")
	var sets setFlags
	f.Var(&sets, "set", "a learner option key=value (repeatable), e.g. --set steps=100 --set init=random")
	maxQueries := f.Int("max-queries", 0, "stop the learner after this many queries (0: no limit)")
	maxCost := f.Float64("max-cost", 0, "stop the learner when the sample cost sum (B/tau)^2 over its scalar queries (B: each query's norm bound; JSON \"cost\") would exceed this; it does not cap the raw sum 1/tau^2 (0: no limit)")
	trace := f.String("trace", "", "write the ledger to this file as JSON Lines (written to a temporary file in the same directory and renamed at the end, so an existing file is replaced only by a complete trace; a run that fails keeps the trace of its queries)")
	asJSON := f.Bool("json", false, "print one JSON object")
	list := f.Bool("list", false, "list every learner with its options and their defaults, and exit (sqsim help learn NAME: one learner)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *list {
		return listLearners(stdout)
	}
	// Flags that belong to one world or one oracle.
	for flag, owner := range map[string]string{"clip": "clipped", "noise-var": "noisy", "label-noise": "noisy", "frac": "agnostic", "corruption": "agnostic", "eta": "halfspace"} {
		if f.set(flag) && *distName != owner {
			return usagef("learn: --%s applies to --dist %s, not %s", flag, owner, *distName)
		}
	}
	for flag, owner := range map[string]string{"noise": "noise", "delta": "sample"} {
		if f.set(flag) && *oracleName != owner {
			return usagef("learn: --%s applies to --oracle %s, not %s", flag, owner, *oracleName)
		}
	}
	cfg := def
	cfg.Learner, cfg.World, cfg.Oracle, cfg.Seed = *learner, *distName, *oracleName, *seed
	cfg.Clip, cfg.NoiseVar, cfg.LabelNoise, cfg.Frac, cfg.Corruption, cfg.Eta = *clip, *noiseVar, *labelNoise, *frac, *corruption, *eta
	cfg.Noise, cfg.Delta = *noise, *delta
	if _, ok := learners.Lookup(cfg.Learner); !ok {
		return usagef("learn: unknown learner %q (known: %s)", cfg.Learner, strings.Join(learners.Names(), ", "))
	}
	if !slices.Contains(bench.Worlds, cfg.World) {
		return usagef("learn: --dist %q, want one of %s", cfg.World, strings.Join(bench.Worlds, ", "))
	}
	if !slices.Contains(bench.Oracles, cfg.Oracle) {
		return usagef("learn: --oracle %q, want one of %s", cfg.Oracle, strings.Join(bench.Oracles, ", "))
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"clip", *clip}, {"noise-var", *noiseVar}, {"frac", *frac}, {"eta", *eta}, {"tol", *tol}, {"delta", *delta}, {"max-cost", *maxCost}, {"min-tau", *minTau}} {
		if err := checkFinite(c.name, c.v); err != nil {
			return err
		}
	}
	if f.set("wstar") {
		w, err := parseVec("wstar", *wstarS)
		if err != nil {
			return err
		}
		if f.set("d") && *d != len(w) {
			return usagef("learn: --d %d but --wstar has %d entries; they must agree", *d, len(w))
		}
		cfg.WStar, cfg.D = w, len(w)
	} else {
		cfg.D = *d
	}
	if cfg.D < 1 || cfg.D > bench.MaxDim {
		return usagef("learn: --d %d, want 1 <= d <= %d", cfg.D, bench.MaxDim)
	}
	if f.set("tol") && !(*tol > 0) {
		return usagef("learn: --tol %v, want a tolerance > 0", *tol)
	}
	cfg.Tol = *tol
	if f.set("delta") && !(*delta > 0 && *delta < 1) {
		return usagef("learn: --delta %v, want a failure probability in (0, 1)", *delta)
	}
	if f.set("min-tau") && !(*minTau > 0) {
		return usagef("learn: --min-tau %v, want a tolerance floor > 0", *minTau)
	}
	cfg.MinTol = *minTau
	if f.set("classes") {
		c, err := parseClasses("learn", *classesS)
		if err != nil {
			return err
		}
		cfg.Classes = c
		cfg.TrustClasses = *trustClasses
	} else if *trustClasses {
		return usagef("learn: --trust-classes needs --classes")
	}
	if *maxQueries < 0 {
		return usagef("learn: --max-queries %d, want >= 0 (0: no limit)", *maxQueries)
	}
	if *maxCost < 0 {
		return usagef("learn: --max-cost %v, want >= 0 (0: no limit)", *maxCost)
	}
	cfg.Budget = sq.Budget{MaxQueries: *maxQueries, MaxCost: *maxCost}
	opts, err := parseSets("learn", sets)
	if err != nil {
		return err
	}
	if _, ok := opts["tol"]; ok && f.set("tol") {
		return usagef("learn: the tolerance is given twice, by --tol and by --set tol; use --tol")
	}
	cfg.Options = opts
	cfg.Command = append([]string{"sqsim", "learn"}, args...) // for the --trace manifest
	cfg.Progress = stderr                                     // slow sample-oracle answers say what they draw
	in, err := bench.NewInstance(cfg)
	if err != nil {
		return usagef("learn: %v", err)
	}
	l, ltol, err := in.Learner(cfg.Learner, cfg.Options)
	if err != nil {
		return usagef("learn: %v", err)
	}
	var traceFile *atomicFile
	var traceW *errWriter
	if f.set("trace") {
		if *trace == "" {
			return usagef("learn: --trace needs a file name")
		}
		if traceFile, err = createAtomic(*trace); err != nil {
			return usagef("learn: --trace: %v", err)
		}
		defer traceFile.Abort()
		traceW = newErrWriter(traceFile)
		in = in.WithTrace(traceW)
	}
	res, runErr := in.RunLearner(l, ltol)
	if traceFile != nil {
		if traceW.err != nil {
			if runErr == nil {
				runErr = fmt.Errorf("--trace %s: %w (the file is unchanged)", *trace, traceW.err)
			}
		} else if err := traceFile.Commit(); err != nil && runErr == nil {
			runErr = fmt.Errorf("--trace: %w", err)
		}
	}
	if runErr != nil {
		if errors.Is(runErr, learners.ErrOption) {
			return usagef("learn: %v", runErr)
		}
		return fmt.Errorf("learn: %w (after %d queries)", runErr, res.Summary.Queries)
	}
	if *asJSON {
		if err := writeJSON(stdout, learnJSON(res, cfg)); err != nil {
			return fmt.Errorf("learn: writing the output: %w", err)
		}
		return nil
	}
	tw := newErrWriter(stdout)
	printLearn(tw, res, cfg)
	return prefixErr("learn", tw.Err())
}

// classAliasHelp documents the names parseClasses accepts.
const classAliasHelp = "Names: csq or correlational (y*h(x)), sq, stat or bounded (|phi| <= B), l2 (E[phi^2] <= B^2), vstat or boolean (values in {0,1}), all"

// parseClasses parses a comma- (or |-) separated list of query classes:
// the names of sq.ParseClass and the aliases of classAliasHelp.
func parseClasses(cmd, s string) (sq.Class, error) {
	var c sq.Class
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '|' }) {
		p = strings.ToLower(strings.TrimSpace(p))
		switch p {
		case "":
			continue
		case "csq":
			p = "correlational"
		case "sq", "stat":
			p = "bounded"
		case "vstat":
			p = "boolean"
		case "all":
			c |= sq.AllClasses
			continue
		}
		k, err := sq.ParseClass(p)
		if err != nil || k == 0 {
			return 0, usagef("%s: --classes: unknown query class %q. %s", cmd, p, classAliasHelp)
		}
		c |= k
	}
	if c == 0 {
		return 0, usagef("%s: --classes %q names no class. %s", cmd, s, classAliasHelp)
	}
	return c, nil
}

// classesName is the class set of a run, "all" when unrestricted.
func classesName(c sq.Class) string {
	if c == 0 || c == sq.AllClasses {
		return "all"
	}
	return c.String()
}

func learnJSON(res bench.Result, cfg bench.Config) map[string]any {
	s := res.Summary
	out := map[string]any{
		"learner": res.Learner, "oracle": res.Oracle, "seed": res.Seed, "d": res.D, "dist": cfg.World, "world": res.World,
		"loss": num(res.Loss), "loss_error": num(res.LossErr), "loss_method": res.LossMethod,
		"opt": num(res.Opt), "opt_error": num(res.OptErr), "opt_method": res.OptMethod,
		"ratio": num(res.Ratio), "angle": num(res.Angle), "tolerance": num(res.Tol),
		"queries": s.Queries, "scalar_queries": s.Scalar, "free_queries": s.Free, "rounds": s.Rounds,
		"cost": num(s.Cost), "sample_cost": num(s.Cost), "sum_inv_tau2": num(s.SumInvTau2),
		"min_tau": num(res.MinTol), "effective_tolerance": num(math.Max(res.Tol, res.MinTol)), "raised_by_floor": res.Summary.Raised,
		"classes": classesName(res.Classes), "min_normalized_tol": num(s.MinTol), "hypothesis": res.Kind,
		"wstar": nums(res.WStar), "elapsed_ns": res.Elapsed.Nanoseconds(),
	}
	if res.W != nil {
		out["w"] = nums(res.W)
	}
	conf := map[string]any{"learner": cfg.Learner, "dist": cfg.World, "d": res.D, "oracle": cfg.Oracle, "tol": num(res.Tol), "seed": cfg.Seed}
	for k, v := range cfg.Options {
		conf["set."+k] = v
	}
	conf["world"] = res.World
	if cfg.Oracle == "noise" {
		conf["noise"] = cfg.Noise
	}
	if cfg.Oracle == "sample" {
		conf["delta"] = num(cfg.Delta)
	}
	if cfg.Budget != (sq.Budget{}) {
		conf["budget"] = cfg.Budget
	}
	if cfg.MinTol > 0 {
		conf["min_tau"] = num(cfg.MinTol)
	}
	if cfg.Classes != 0 {
		conf["classes"] = classesName(cfg.Classes)
	}
	out["manifest"] = manifest("learn", conf)
	return out
}

func printLearn(w io.Writer, res bench.Result, cfg bench.Config) {
	s := res.Summary
	fmt.Fprintf(w, "sqsim learn: %s on %s, d = %d, seed %d, oracle %s, tolerance %g\n", res.Learner, describeWorld(res.World), res.D, res.Seed, res.Oracle, res.Tol)
	fmt.Fprintf(w, "  %-12s %-14.6g %s, error <= %.1g\n", "loss", res.Loss, res.LossMethod, res.LossErr)
	fmt.Fprintf(w, "  %-12s %-14.6g %s, error <= %.1g\n", "opt", res.Opt, res.OptMethod, res.OptErr)
	ratio := "undefined (opt = 0)"
	if !math.IsNaN(res.Ratio) {
		ratio = fmt.Sprintf("%.6g", res.Ratio)
	}
	fmt.Fprintf(w, "  %-12s %s\n", "loss/opt", ratio)
	if !math.IsNaN(res.Angle) {
		fmt.Fprintf(w, "  %-12s %.3g rad\n", "angle to w*", res.Angle)
	}
	fmt.Fprintf(w, "  %-12s %d (%d scalar), %d adaptivity rounds, %d free\n", "queries", s.Queries, s.Scalar, s.Rounds, s.Free)
	fmt.Fprintf(w, "  %-12s sample cost sum (B/tau)^2 = %.3g, sum 1/tau^2 = %.3g\n", "cost", s.Cost, s.SumInvTau2)
	if res.MinTol > 0 {
		fmt.Fprintf(w, "  %-12s %g: effective tolerance %g; %d of %d queries were asked below it and answered at it\n",
			"tau floor", res.MinTol, math.Max(res.Tol, res.MinTol), res.Summary.Raised, s.Queries)
	}
	if res.Classes != 0 {
		fmt.Fprintf(w, "  %-12s %s queries only\n", "classes", classesName(res.Classes))
	}
	if res.W != nil {
		n := 0.0
		for _, v := range res.W {
			n += v * v
		}
		fmt.Fprintf(w, "  %-12s relu(w.x), ||w|| = %.6g\n", "hypothesis", math.Sqrt(n))
	} else {
		fmt.Fprintf(w, "  %-12s %v\n", "hypothesis", res.Hypothesis)
	}
}

func describeWorld(m map[string]any) string {
	var parts []string
	for _, k := range []string{"clip", "noise_var", "frac", "corruption", "eta"} {
		if v, ok := m[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %v", k, v))
		}
	}
	name := fmt.Sprint(m["dist"])
	if len(parts) == 0 {
		return name
	}
	return name + " (" + strings.Join(parts, ", ") + ")"
}
