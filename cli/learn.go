package cli

import (
	"errors"
	"fmt"
	"io"
	"maps"
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
	f := newFlags("learn", "[--learner NAME] [--world realizable|clipped|noisy|agnostic|halfspace] [--d D] [--wstar A,B,...] [--clip C] [--oracle exact|sample|noise|adversarial] [--tol T] [--min-tau T] [--classes csq|sq|l2|vstat|all] [--seed S] [--set key=value ...] [--trace FILE] [--json] [--out FILE]", stdout)
	lf := bindLearnFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	if lf.list {
		return listLearners(stdout)
	}
	cfg, err := lf.config(args)
	if err != nil {
		return err
	}
	cfg.Progress = stderr // slow sample-oracle answers say what they draw
	out, err := lf.out.open("learn", stdout)
	if err != nil {
		return err
	}
	return lf.out.close("learn", runLearnConfig(cfg, lf, args, out))
}

// learnFlags are the flags of sqsim learn, bound to a bench.Config.
type learnFlags struct {
	f       *flags
	cfg     bench.Config
	world   *worldFlags
	out     outputFlags
	sets    setFlags
	classes string
	trust   bool
	trace   string
	maxQ    int
	maxCost float64
	list    bool
}

func bindLearnFlags(f *flags) *learnFlags {
	lf := &learnFlags{f: f, cfg: bench.DefaultConfig()}
	cfg := &lf.cfg
	f.StringVar(&cfg.Learner, "learner", cfg.Learner, "the learner (one of: "+strings.Join(learners.Names(), ", ")+"; its options: sqsim help learn NAME)")
	lf.world = bindWorld(f, cfg)
	f.StringVar(&cfg.Oracle, "oracle", cfg.Oracle, "the oracle: exact | sample | noise | adversarial (against w* rotated to a random orthogonal direction); a sample-oracle answer that draws about a second's worth of examples or more is announced on stderr")
	f.Float64Var(&cfg.Tol, "tol", 0, "tolerance of every query, passed to the learner as its option tol (default: 1e-6 exact, 1e-3 noise and adversarial, 0.05 sample)")
	cfg.Noise, cfg.Delta = "uniform", 0.01
	f.StringVar(&cfg.Noise, "noise", cfg.Noise, "noise oracle: uniform | gaussian (clipped to [-tol, tol])")
	f.Float64Var(&cfg.Delta, "delta", cfg.Delta, "sample oracle: failure probability of each answer, in (0, 1)")
	f.Float64Var(&cfg.MinTol, "min-tau", 0, "tolerance floor: a query asked at tau < T is answered as if asked at T, whatever the learner asks; the ledger records both (0: no floor)")
	f.BoolVar(&lf.trust, "trust-classes", false, "with --classes: also accept a query whose declared class rests on a Go function the proof cannot read (recorded in the oracle's name as trust-declared)")
	f.StringVar(&lf.classes, "classes", "", "restrict the oracle to these query classes, comma-separated; a query of no listed class fails the run (exit 1). "+classAliasHelp+" (default: all)")
	f.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of w*, the learner's randomness and the oracle's")
	f.Var(&lf.sets, "set", "a learner option key=value (repeatable), e.g. --set steps=100 --set init=random")
	f.IntVar(&lf.maxQ, "max-queries", 0, "stop the learner after this many queries (0: no limit)")
	f.Float64Var(&cfg.StopAtLoss, "stop-at-loss", 0, "stop an iterative learner at the first iterate whose loss is <= EPS and report the queries and cost spent to get there (0: run to the end; --stop-rule says how the loss is judged)")
	f.StringVar(&cfg.StopRule, "stop-rule", bench.StopExact, "with --stop-at-loss: exact (the exact loss, no query) or estimate (one SQ loss query per step at the run's tolerance, counted in the ledger)")
	f.Float64Var(&lf.maxCost, "max-cost", 0, "stop the learner when the sample cost sum (B/tau)^2 over its scalar queries (B: each query's norm bound; JSON \"cost\") would exceed this; it does not cap the raw sum 1/tau^2 (0: no limit)")
	f.StringVar(&lf.trace, "trace", "", "write the ledger to this file as JSON Lines (written to a temporary file in the same directory and renamed at the end, so an existing file is replaced only by a complete trace; a run that fails keeps the trace of its queries)")
	f.BoolVar(&lf.list, "list", false, "list every learner with its options and their defaults, and exit (sqsim help learn NAME: one learner)")
	bindOutput(f, &lf.out, "")
	return lf
}

// oracleOwners are the flags that belong to one oracle, in the order they
// are checked.
var oracleOwners = []struct{ flag, oracle string }{{"noise", "noise"}, {"delta", "sample"}}

// config validates the flags of sqsim learn and returns the run's
// configuration.
func (lf *learnFlags) config(args []string) (bench.Config, error) {
	f, cfg := lf.f, lf.cfg
	lf.world.cfg = &cfg
	if err := lf.world.check("learn"); err != nil {
		return cfg, err
	}
	for _, o := range oracleOwners {
		if f.set(o.flag) && cfg.Oracle != o.oracle {
			return cfg, usagef("learn: --%s applies to --oracle %s, not %s", o.flag, o.oracle, cfg.Oracle)
		}
	}
	if _, ok := learners.Lookup(cfg.Learner); !ok {
		return cfg, usagef("learn: unknown learner %q (known: %s)", cfg.Learner, strings.Join(learners.Names(), ", "))
	}
	if !slices.Contains(bench.Oracles, cfg.Oracle) {
		return cfg, usagef("learn: --oracle %q, want one of %s", cfg.Oracle, strings.Join(bench.Oracles, ", "))
	}
	for _, c := range []struct {
		name string
		v    float64
	}{{"tol", cfg.Tol}, {"delta", cfg.Delta}, {"max-cost", lf.maxCost}, {"min-tau", cfg.MinTol}} {
		if err := checkFinite(c.name, c.v); err != nil {
			return cfg, err
		}
	}
	if f.set("tol") && !(cfg.Tol > 0) {
		return cfg, usagef("learn: --tol %v, want a tolerance > 0", cfg.Tol)
	}
	if f.set("delta") && !(cfg.Delta > 0 && cfg.Delta < 1) {
		return cfg, usagef("learn: --delta %v, want a failure probability in (0, 1)", cfg.Delta)
	}
	if f.set("min-tau") && !(cfg.MinTol > 0) {
		return cfg, usagef("learn: --min-tau %v, want a tolerance floor > 0", cfg.MinTol)
	}
	if f.set("classes") {
		c, err := parseClasses("learn", lf.classes)
		if err != nil {
			return cfg, err
		}
		cfg.Classes = c
		cfg.TrustClasses = lf.trust
	} else if lf.trust {
		return cfg, usagef("learn: --trust-classes needs --classes")
	}
	if lf.maxQ < 0 {
		return cfg, usagef("learn: --max-queries %d, want >= 0 (0: no limit)", lf.maxQ)
	}
	if lf.maxCost < 0 {
		return cfg, usagef("learn: --max-cost %v, want >= 0 (0: no limit)", lf.maxCost)
	}
	cfg.Budget = sq.Budget{MaxQueries: lf.maxQ, MaxCost: lf.maxCost}
	if f.set("stop-at-loss") && !(cfg.StopAtLoss > 0 && cfg.StopAtLoss < math.Inf(1)) {
		return cfg, usagef("learn: --stop-at-loss %v, want a finite loss > 0", cfg.StopAtLoss)
	}
	if cfg.StopRule != bench.StopExact && cfg.StopRule != bench.StopEstimate {
		return cfg, usagef("learn: --stop-rule %q, want exact or estimate", cfg.StopRule)
	}
	if f.set("stop-rule") && !f.set("stop-at-loss") {
		return cfg, usagef("learn: --stop-rule needs --stop-at-loss")
	}
	opts, err := parseSets("learn", lf.sets)
	if err != nil {
		return cfg, err
	}
	if _, ok := opts["tol"]; ok && f.set("tol") {
		return cfg, usagef("learn: the tolerance is given twice, by --tol and by --set tol; use --tol")
	}
	cfg.Options = opts
	cfg.Command = append([]string{"sqsim", "learn"}, args...) // for the --trace manifest
	if f.set("trace") && lf.trace == "" {
		return cfg, usagef("learn: --trace needs a file name")
	}
	return cfg, nil
}

// runLearnConfig runs the learner of cfg (writing its trace when asked)
// and prints the result on stdout.
func runLearnConfig(cfg bench.Config, lf *learnFlags, args []string, stdout io.Writer) error {
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
	if lf.f.set("trace") {
		if traceFile, err = createAtomic(lf.trace); err != nil {
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
				runErr = fmt.Errorf("--trace %s: %w (the file is unchanged)", lf.trace, traceW.err)
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
	if lf.out.JSON {
		if err := writeJSON(stdout, learnJSON(res, cfg, args)); err != nil {
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

// learnOutput is the JSON object of sqsim learn --json.
type learnOutput struct {
	Learner string `json:"learner"`
	Oracle  string `json:"oracle"`
	Seed    uint64 `json:"seed"`
	D       int    `json:"d"`
	// World is the world and its parameters (world.Model.Describe, with
	// "name" added); Dist is its name, kept for scripts (deprecated).
	World map[string]any `json:"world"`
	Dist  string         `json:"dist"`

	Loss       num    `json:"loss"`
	LossError  num    `json:"loss_error"`
	LossMethod string `json:"loss_method"`
	Opt        num    `json:"opt"`
	OptError   num    `json:"opt_error"`
	OptMethod  string `json:"opt_method"`
	Ratio      num    `json:"ratio"`
	Angle      num    `json:"angle"`
	Tolerance  num    `json:"tolerance"`

	Queries       int `json:"queries"`
	ScalarQueries int `json:"scalar_queries"`
	FreeQueries   int `json:"free_queries"`
	Rounds        int `json:"rounds"`
	Cost          num `json:"cost"`
	SampleCost    num `json:"sample_cost"`
	SumInvTau2    num `json:"sum_inv_tau2"`

	MinTau           num    `json:"min_tau"`
	EffectiveTol     num    `json:"effective_tolerance"`
	RaisedByFloor    int    `json:"raised_by_floor"`
	Classes          string `json:"classes"`
	MinNormalizedTol num    `json:"min_normalized_tol"`
	Hypothesis       string `json:"hypothesis"`
	WStar            []num  `json:"wstar"`
	W                []num  `json:"w,omitempty"` // a ReLU hypothesis's weights
	ElapsedNS        int64  `json:"elapsed_ns"`
	// Stop is where --stop-at-loss stopped the learner (absent without it).
	Stop *stopOutput `json:"stop,omitempty"`

	Manifest bench.CommandManifest `json:"manifest"`
}

// stopOutput is bench.StopRecord in learn --json.
type stopOutput struct {
	Eps           num    `json:"eps"`
	Rule          string `json:"rule"`
	Reached       bool   `json:"reached"`
	Step          int    `json:"step"`
	Loss          num    `json:"loss"`
	Estimate      num    `json:"estimate"`
	EstimateTol   num    `json:"estimate_tol"`
	Queries       int    `json:"queries"`
	ScalarQueries int    `json:"scalar_queries"`
	Cost          num    `json:"cost"`
}

// namedWorld is a copy of the world description m with the key "name" set
// to the world's name.
func namedWorld(m map[string]any, name string) map[string]any {
	out := maps.Clone(m)
	if out == nil {
		out = map[string]any{}
	}
	out["name"] = name
	return out
}

func learnJSON(res bench.Result, cfg bench.Config, args []string) learnOutput {
	s := res.Summary
	world := namedWorld(res.World, cfg.World)
	out := learnOutput{
		Learner: res.Learner, Oracle: res.Oracle, Seed: res.Seed, D: res.D, Dist: cfg.World, World: world,
		Loss: num(res.Loss), LossError: num(res.LossErr), LossMethod: res.LossMethod,
		Opt: num(res.Opt), OptError: num(res.OptErr), OptMethod: res.OptMethod,
		Ratio: num(res.Ratio), Angle: num(res.Angle), Tolerance: num(res.Tol),
		Queries: s.Queries, ScalarQueries: s.Scalar, FreeQueries: s.Free, Rounds: s.Rounds,
		Cost: num(s.Cost), SampleCost: num(s.Cost), SumInvTau2: num(s.SumInvTau2),
		MinTau: num(res.MinTol), EffectiveTol: num(math.Max(res.Tol, res.MinTol)), RaisedByFloor: res.Summary.Raised,
		Classes: classesName(res.Classes), MinNormalizedTol: num(s.MinTol), Hypothesis: res.Kind,
		WStar: nums(res.WStar), ElapsedNS: res.Elapsed.Nanoseconds(),
	}
	if res.W != nil {
		out.W = nums(res.W)
	}
	if st := res.Stop; st != nil {
		out.Stop = &stopOutput{Eps: num(st.Eps), Rule: st.Rule, Reached: st.Reached, Step: st.Step, Loss: num(st.Loss),
			Estimate: num(st.Estimate), EstimateTol: num(st.EstimateTol), Queries: st.Summary.Queries,
			ScalarQueries: st.Summary.Scalar, Cost: num(st.Summary.Cost)}
	}
	conf := map[string]any{"learner": cfg.Learner, "dist": cfg.World, "d": res.D, "oracle": cfg.Oracle, "tol": num(res.Tol), "seed": cfg.Seed}
	for k, v := range cfg.Options {
		conf["set."+k] = v
	}
	conf["world"] = world
	if cfg.Oracle == "noise" {
		conf["noise"] = cfg.Noise
	}
	if cfg.Oracle == "sample" {
		conf["delta"] = num(cfg.Delta)
	}
	if cfg.Budget != (sq.Budget{}) {
		conf["budget"] = cfg.Budget
	}
	if cfg.StopAtLoss > 0 {
		conf["stop_at_loss"], conf["stop_rule"] = num(cfg.StopAtLoss), cfg.StopRule
	}
	if cfg.MinTol > 0 {
		conf["min_tau"] = num(cfg.MinTol)
	}
	if cfg.Classes != 0 {
		conf["classes"] = classesName(cfg.Classes)
	}
	out.Manifest = manifestArgs("learn", args, conf)
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
	if st := res.Stop; st != nil {
		how := "exact loss"
		if st.Rule == bench.StopEstimate {
			how = fmt.Sprintf("estimated loss %.6g (an SQ loss query at tau %g, counted)", st.Estimate, st.EstimateTol)
		}
		if st.Reached {
			fmt.Fprintf(w, "  %-12s loss <= %g reached at step %d by the %s: %d queries (%d scalar), sample cost %.3g\n",
				"stop", st.Eps, st.Step, how, st.Summary.Queries, st.Summary.Scalar, st.Summary.Cost)
		} else {
			fmt.Fprintf(w, "  %-12s loss <= %g not reached (%d steps seen)\n", "stop", st.Eps, st.Steps)
		}
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
