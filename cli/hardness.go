package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/bench"
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
	ew := newErrWriter(stdout)
	if err := runHardnessSub(sub, rest, ew, stderr); err != nil {
		return err
	}
	return ew.Err()
}

func runHardnessSub(sub string, rest []string, stdout, stderr io.Writer) error {
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

// Limits of the hardness commands: sizes beyond them would run far longer
// than a user expects (minutes to hours, or out of memory), so they are
// refused up front as usage errors naming the limit. Measured on a 2-core
// machine; see each use.
const (
	// gameMaxD is the adversary's largest dimension (supports are packed
	// two bytes per coordinate).
	gameMaxD = 65535
	// gameMaxK: at d = 200, k = 32 two gd steps take about 1 s; at
	// d = 2000, k = 1000 one did not finish in a minute (1 GB).
	gameMaxK = 32
	// enumerateLimit: --mode enumerate evaluates every survivor on every
	// query; at C(d, k) = 4845 one gd step takes about 1 s.
	enumerateLimit = 2000
	// supportSearchLimit: support search (sparse, and hardness curve) asks
	// C(d, k) + 1 queries; at C(d, k) = 4.9e5 it takes about 20 s.
	supportSearchLimit = 1_000_000
	// gameMaxSteps, gameMaxBudget: the iteration options of the game's
	// learners (steps) and of random (budget); 1e4 gd steps take 1 s at
	// d = 8, 1e5 random queries 3 s.
	gameMaxSteps  = 100_000
	gameMaxBudget = 1_000_000
	// infoMaxK: kappa_k and M_k take about 0.5 s at k = 2000 and 5 s at
	// k = 1e4.
	infoMaxK = 2000
	// escapeMaxD and escapeMaxWork: a gradient step costs about 2-6 us per
	// coordinate, and seeds x sum of d x max-steps bounds the steps times d
	// of a run in which nothing escapes. The default run is
	// 5 x (8+16+32+64+128) x 20000 = 2.5e7; the runs of docs/hardness.md go
	// up to 21 x 2728 x 20000 = 1.15e9 (most runs escape early).
	escapeMaxD    = 100_000
	escapeMaxWork = 2e9
	// lpnMaxWork: d (C(d, k) + 1) queries in all; with the sample oracle
	// the default d = 8, k = 2 (232) takes about a minute.
	lpnMaxWorkSample = 1000
	lpnMaxWorkExact  = 1_000_000
)

// supportsFloat is C(d, k) as a float64 (+Inf beyond range).
func supportsFloat(d, k int) float64 {
	f, _ := new(big.Float).SetInt(hardness.Binomial(d, k)).Float64()
	return f
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
	if *k > infoMaxK {
		return usagef("hardness info: --k %d, want k <= %d (kappa_k and M_k are computed for k <= %d)", *k, infoMaxK, infoMaxK)
	}
	if err := tauArg("hardness info", *tau); err != nil {
		return err
	}
	land, err := hardness.NewLandscape(*k, *eta)
	if err != nil {
		return err
	}
	sup, err := hardness.BinomialErr(*d, *k)
	if err != nil {
		return usagef("hardness info: --d %d --k %d: %v", *d, *k, err)
	}
	bound, err := hardness.BoundQueries(*d, *k, *eta, *tau)
	if err != nil {
		return err
	}
	boundLog10, err := hardness.BoundQueriesLog10(*d, *k, *eta, *tau)
	if err != nil {
		return err
	}
	sda := hardness.SDABound(*d, *k, *eta, *tau**tau)
	// log10 of the SDA bound, for sizes where it leaves the float64 range.
	sdaLog10 := 2*math.Log10(*tau) + hardness.Log10(sup) - 2*math.Log10(1-2**eta)
	if *asJSON {
		cfg := map[string]any{"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau)}
		return writeJSON(stdout, map[string]any{
			"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau),
			"supports": sup.String(), "log10_supports": num(hardness.Log10(sup)),
			"kappa": num(land.Kappa), "lambda": num(land.Lambda), "opt0": num(land.Opt0), "optS": num(land.OptS),
			"gap": num(land.Gap), "eps": num(land.Eps), "r_star": num(land.RStar), "a": num(land.A),
			"tail": num(land.TailK), "Mk": land.Mk, "Mk_certain": land.MkCertain, "Mk_crude": num(land.MkCrude),
			"bound_queries": num(bound), "bound_vacuous": bound < 1, "sda_bound": num(sda),
			"Mk_big": land.MkDecimal, "Mk_beyond_int64": land.MkBeyondInt64, "Mk_log10": num(land.MkLog10),
			"lambda_log10": num(land.LambdaLog10), "lambda_in_range": land.LambdaInRange,
			"bound_queries_log10": num(boundLog10), "sda_bound_log10": num(sdaLog10),
			"manifest": manifest("hardness info", cfg),
		})
	}
	fmt.Fprintf(stdout, "parity-embedded ReLU family: d = %d, k = %d, eta = %g (construction: theory §4.2, a reconstruction)\n", *d, *k, *eta)
	fmt.Fprintf(stdout, "  supports C(d,k)   %s  (10^%.2f, exact)\n", sup, hardness.Log10(sup))
	fmt.Fprintf(stdout, "  kappa_k           %.16g  |C_S(1_S/sqrt k)|, Dawson integral\n", land.Kappa)
	if land.LambdaInRange {
		fmt.Fprintf(stdout, "  lambda_k          %.6g  leading Hermite coupling c_k sqrt(k!) (2/pi)^(k/2)\n", land.Lambda)
	} else {
		fmt.Fprintf(stdout, "  lambda_k          |lambda_k| = 10^%.4f, beyond the float64 range  leading Hermite coupling c_k sqrt(k!) (2/pi)^(k/2)\n", land.LambdaLog10)
	}
	fmt.Fprintf(stdout, "  opt_0             %.16g  1/2 - 1/(4 pi)\n", land.Opt0)
	fmt.Fprintf(stdout, "  opt_S             %.16g  1/2 - 2 (A0 + a kappa)^2, at r* = %.6f\n", land.OptS, land.RStar)
	fmt.Fprintf(stdout, "  gap               %.6e  opt_0 - opt_S; eps = gap/2 = %.6e\n", land.Gap, land.Eps)
	mkNote := "exact"
	if !land.MkCertain {
		mkNote = "floor uncertain by one"
	}
	mk := land.MkDecimal
	if mk == "" {
		mk = strconv.FormatInt(land.Mk, 10)
	}
	if len(mk) > 40 {
		mk = fmt.Sprintf("10^%.4f (%d digits; the exact integer is --json key Mk_big)", land.MkLog10, len(mk))
	}
	crude := fmt.Sprintf("%.4g", land.MkCrude)
	if math.IsInf(land.MkCrude, 1) {
		crude = fmt.Sprintf("10^%.4f", math.Log10(2)-2*math.Log10(land.Kappa))
	}
	fmt.Fprintf(stdout, "  M_k               %s  floor(4 T_{k-1}/kappa^2) (%s; crude 2/kappa^2 = %s)\n", mk, mkNote, crude)
	vac := ""
	if bound < 1 {
		vac = "  (vacuous: below 1)"
	}
	if math.IsInf(bound, 1) {
		fmt.Fprintf(stdout, "  bound_queries     10^%.4f  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g, beyond the float64 range\n", boundLog10, *tau)
	} else {
		fmt.Fprintf(stdout, "  bound_queries     %.6g  (C(d,k) - M_k) tau^2/(1-2 eta)^2 at tau = %g%s\n", bound, *tau, vac)
	}
	if math.IsInf(sda, 1) {
		fmt.Fprintf(stdout, "  SDA bound         10^%.4f  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2), beyond the float64 range\n", sdaLog10)
	} else {
		fmt.Fprintf(stdout, "  SDA bound         %.6g  tau^2 C(d,k)/(1-2 eta)^2 (theory §5.2)\n", sda)
	}
	return nil
}

func runHardnessGame(args []string, stdout io.Writer) error {
	f := newFlags("hardness game", "--d D --k K --tau T --learner NAME [--eta E] --seed S [--set key=value]... [--max-queries N] [--mode auto|enumerate|structured] [--records FILE] [--json]", stdout)
	d := f.Int("d", 0, "dimension (required, at most 65535)")
	k := f.Int("k", 0, "support size: 1 or even (required, at most 32)")
	eta := f.Float64("eta", 0, "label noise rate in [0, 1/2)")
	tau := f.Float64("tau", 0, "the game's tolerance (required): every query is answered at a tolerance >= tau, whatever the learner asks, and every learner gets tol = tau unless --set tol=... is given")
	name := f.String("learner", "", "learner: gd, sparse, random, or any registered learner (required)")
	seed := f.Uint64("seed", 1, "seed of the learner's randomness and of the adversary's choices")
	maxQ := f.Int("max-queries", 0, "query budget; a learner that exceeds it gives up (0: none)")
	modeS := f.String("mode", "auto", "survivor accounting: auto (enumerate when C(d,k) <= 500), enumerate (C(d,k) <= 2000), structured")
	records := f.String("records", "", "write the adversary's per-query records as JSON Lines to FILE (with asked_tol and effective_tol)")
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
	if *d > gameMaxD {
		return usagef("hardness game: --d %d, the adversary handles d <= %d", *d, gameMaxD)
	}
	if *k > gameMaxK {
		return usagef("hardness game: --k %d, the game handles k <= %d", *k, gameMaxK)
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
	supports := supportsFloat(*d, *k)
	if mode == hardness.ModeEnumerate && supports > enumerateLimit {
		return usagef("hardness game: --mode enumerate with C(%d, %d) = %s supports, want at most %d (enumeration evaluates every survivor on every query; use --mode structured)",
			*d, *k, hardness.Binomial(*d, *k), enumerateLimit)
	}
	opts, err := parseSets("hardness game", sets)
	if err != nil {
		return err
	}
	if err := gameOptionLimits(*name, *d, *k, supports, opts); err != nil {
		return err
	}
	var out *atomicFile
	if *records != "" {
		if out, err = createAtomic(*records); err != nil {
			return usagef("hardness game: --records %q: %v", *records, err)
		}
	}
	traj := &trajectory{}
	cfg := bench.GameConfig{D: *d, K: *k, Eta: *eta, Tau: *tau, Learner: *name, Options: opts,
		Seed: *seed, MaxQueries: *maxQ, Adversary: hardness.AdversaryOptions{Mode: mode}, DropRecords: true,
		OnRecord: func(r hardness.Record) error {
			traj.add(r)
			if out != nil {
				return writeJSON(out, r)
			}
			return nil
		}}
	res, err := bench.PlayNamed(cfg)
	if err == nil && out != nil {
		err = out.Commit()
		out = nil
	}
	if out != nil {
		out.Abort()
	}
	if err != nil {
		if errors.Is(err, learners.ErrOption) || errors.Is(err, learners.ErrUnknown) {
			return usagef("hardness game: %v", err)
		}
		return err
	}
	shown := traj.shown(200)
	if !*asJSON {
		shown = traj.shown(24)
	}
	if *asJSON {
		cfg := map[string]any{"d": *d, "k": *k, "eta": num(*eta), "tau": num(*tau), "learner": *name, "seed": *seed,
			"options": res.LearnerOpts, "max_queries": *maxQ, "mode": *modeS, "tol_floor": num(res.TolFloor)}
		tr := make([]map[string]any, len(shown))
		for i, r := range shown {
			tr[i] = map[string]any{"seq": r.Seq, "survivors": r.Survivors, "survivors_kind": r.SurvivorsKind,
				"eliminated": r.Eliminated, "eliminated_kind": r.ElimKind, "method": r.Method, "forced": r.Forced,
				"asked_tol": num(r.AskedTol), "effective_tol": num(r.EffectiveTol)}
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
			"tau": num(res.Tau), "tol_floor": num(res.TolFloor), "effective_tol": num(res.MinEffectiveTol),
			"min_asked_tol": num(res.MinAskedTol), "raised_by_floor": res.Raised, "learner_tol": res.LearnerOpts["tol"],
			"trajectory": tr, "manifest": manifest("hardness game", cfg),
		})
	}
	fmt.Fprintf(stdout, "game: %s against the parity adversary (%s accounting), d = %d, k = %d, eta = %g, tau = %g\n",
		res.Learner, res.Mode, *d, *k, *eta, *tau)
	if res.Queries > 0 {
		fmt.Fprintf(stdout, "  tolerance       every query answered at >= %g (floor %g; smallest asked %g, %d queries raised to the floor; learner tol = %s)\n",
			res.MinEffectiveTol, res.TolFloor, res.MinAskedTol, res.Raised, res.LearnerOpts["tol"])
	} else {
		fmt.Fprintf(stdout, "  tolerance       floor %g (no query asked; learner tol = %s)\n", res.TolFloor, res.LearnerOpts["tol"])
	}
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
	if len(shown) > 0 {
		fmt.Fprintf(stdout, "\n  %8s  %-14s %-12s %-22s %-22s\n", "query", "method", "forced", "eliminated", "survivors after")
		for _, r := range shown {
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
		if len(shown) < traj.n {
			fmt.Fprintf(stdout, "  (%d of %d queries shown; --records FILE writes all)\n", len(shown), traj.n)
		}
	}
	return nil
}

// gameOptionLimits refuses up front learner options and sizes whose game
// could not finish in reasonable time: iteration counts beyond the limits,
// and a support search over more supports than it may ask queries (or than
// supportSearchLimit, unless max_queries is raised explicitly).
func gameOptionLimits(name string, d, k int, supports float64, opts learners.Options) error {
	for _, lim := range []struct {
		key string
		max int
	}{{"steps", gameMaxSteps}, {"budget", gameMaxBudget}} {
		if v, ok := opts[lim.key]; ok {
			if n, err := strconv.Atoi(v); err == nil && n > lim.max {
				return usagef("hardness game: --set %s=%d, want at most %d in the game", lim.key, n, lim.max)
			}
		}
	}
	if name != "sparse" {
		return nil
	}
	kk := k
	if v, ok := opts["k"]; ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= d {
			kk = n
		}
	}
	if kk != k {
		supports = supportsFloat(d, kk)
	}
	need := hardness.Binomial(d, kk)
	if v, ok := opts["max_queries"]; ok {
		mq, err := opts.Float("max_queries", 0)
		if err != nil || mq != math.Trunc(mq) || mq < 1 {
			return usagef("hardness game: --set max_queries=%s, want a positive integer", v)
		}
		if supports > mq {
			return usagef("hardness game: the support search needs C(%d, %d) = %s queries, more than max_queries = %s: it cannot finish", d, kk, need, v)
		}
		return nil
	}
	if supports > supportSearchLimit {
		return usagef("hardness game: the support search needs C(%d, %d) = %s queries, more than the game's limit %d (give --set max_queries=N to allow more)", d, kk, need, supportSearchLimit)
	}
	return nil
}

// trajectory keeps the records a game's report shows, without keeping all
// of them: every record while there are at most trajFull (the report is
// then thinRecords of all of them), afterwards the first, up to trajForced
// forced ones, a geometric spread (ratio trajRatio) and the last.
type trajectory struct {
	recs   []hardness.Record
	n      int // records seen
	thin   bool
	next   float64 // smallest Seq kept by the geometric spread once thinned
	forced int
	last   hardness.Record
}

const (
	trajFull   = 1 << 14
	trajForced = 1000
	trajRatio  = 1.01
)

func (t *trajectory) add(r hardness.Record) {
	t.n++
	t.last = r
	if !t.thin {
		t.recs = append(t.recs, r)
		if len(t.recs) > trajFull {
			old := t.recs
			t.thin, t.recs = true, nil
			for _, o := range old {
				if t.keep(o) {
					t.recs = append(t.recs, o)
				}
			}
		}
		return
	}
	if t.keep(r) {
		t.recs = append(t.recs, r)
	}
}

func (t *trajectory) keep(r hardness.Record) bool {
	if r.Forced && t.forced < trajForced {
		t.forced++
		return true
	}
	if float64(r.Seq) >= t.next {
		for t.next <= float64(r.Seq) {
			t.next = math.Max(t.next*trajRatio, t.next+1)
		}
		return true
	}
	return false
}

// shown returns at most about n records to report (see thinRecords).
func (t *trajectory) shown(n int) []hardness.Record {
	if !t.thin {
		return thinRecords(t.recs, n)
	}
	list := t.recs
	if len(list) == 0 || list[len(list)-1].Seq != t.last.Seq {
		list = append(slices.Clone(list), t.last)
	}
	// As thinRecords, by sequence number: the first, the last, the forced
	// ones and, for each point of the geometric spread, the latest kept
	// record at or before it.
	keep := map[int]bool{0: true, len(list) - 1: true}
	for i, r := range list {
		if r.Forced {
			keep[i] = true
		}
	}
	for x := 1.0; x < float64(t.n); x *= math.Pow(float64(t.n), 1/float64(n/2)) {
		i := sort.Search(len(list), func(i int) bool { return list[i].Seq > int(x) }) - 1
		if i >= 0 {
			keep[i] = true
		}
	}
	return pickRecords(list, keep)
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
	return pickRecords(rs, keep)
}

// pickRecords returns the records of rs whose indices keep holds, in order.
func pickRecords(rs []hardness.Record, keep map[int]bool) []hardness.Record {
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
	if _, dup := m[k]; dup {
		return fmt.Errorf("dimensions for k = %d are given twice", k)
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
	for k := range dims {
		if !slices.Contains(ks, k) {
			return usagef("hardness curve: --dims %d=... but --k %s does not include k = %d", k, *ksS, k)
		}
	}
	for _, k := range ks {
		ds := dims[k]
		if len(ds) == 0 {
			ds = bench.DefaultCurveDs[k]
		}
		if len(ds) == 0 {
			return usagef("hardness curve: no default dimensions for k = %d; give --dims %d=D1,D2,...", k, k)
		}
		for _, d := range ds {
			if err := familyArgs("hardness curve", d, k, *eta); err != nil {
				return err
			}
			if d > gameMaxD {
				return usagef("hardness curve: d = %d for k = %d, the adversary handles d <= %d", d, k, gameMaxD)
			}
			if supportsFloat(d, k) > supportSearchLimit {
				return usagef("hardness curve: d = %d, k = %d: the support search needs C(%d, %d) = %s queries, more than the limit %d",
					d, k, d, k, hardness.Binomial(d, k), supportSearchLimit)
			}
		}
	}
	var fig *atomicFile
	if *svg != "" {
		var err error
		if fig, err = createAtomic(*svg); err != nil {
			return usagef("hardness curve: --svg %q: %v", *svg, err)
		}
		defer func() {
			if fig != nil {
				fig.Abort()
			}
		}()
	}
	cfg := bench.CurveConfig{Ks: ks, Ds: map[int][]int(dims), Eta: *eta, TauFrac: *tauFrac, Seed: *seed}
	if isTerminal(stderr) {
		cfg.Progress = func(p bench.CurvePoint) {
			fmt.Fprintf(stderr, "k = %d, d = %d: %d queries (%.1fs)\n", p.K, p.D, p.Queries, p.Seconds)
		}
	}
	pts, fits, err := bench.Curve(cfg)
	if err != nil {
		return err
	}
	if fig != nil {
		if err := writeCurveSVG(fig, pts, fits); err != nil {
			return err
		}
		err := fig.Commit()
		fig = nil
		if err != nil {
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
	if f.set("d") {
		if strings.TrimSpace(*dsS) == "" {
			return usagef("hardness escape: --d is empty, want dimensions like 8,16,32")
		}
		var err error
		if ds, err = intList(*dsS); err != nil {
			return usagef("hardness escape: --d: %v", err)
		}
	}
	sumD := 0.0
	for _, d := range ds {
		if err := familyArgs("hardness escape", d, *k, *eta); err != nil {
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
	cfg := bench.EscapeConfig{K: *k, Ds: ds, Seeds: *seeds, Eta: *eta, MaxSteps: *maxSteps}
	if isTerminal(stderr) {
		cfg.Progress = func(r bench.EscapeRun) { fmt.Fprintf(stderr, "d = %d seed %d: %d steps\n", r.D, r.Seed, r.Steps) }
	}
	res, err := bench.Escape(cfg)
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
	limit := float64(lpnMaxWorkSample)
	if *orc == "exact" {
		limit = lpnMaxWorkExact
	}
	if work := float64(*d) * (supportsFloat(*d, *k) + 1); *d > gameMaxD || work > limit {
		return usagef("hardness lpn: d = %d, k = %d: the reduction asks d (C(d, k) + 1) = %.4g queries, more than the limit %.0f with the %s oracle",
			*d, *k, work, limit, *orc)
	}
	res, err := bench.LPN(bench.LPNConfig{D: *d, K: *k, Eta: *eta, Seed: *seed, Oracle: *orc})
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
func writeCurveSVG(w io.Writer, pts []bench.CurvePoint, fits []bench.CurveFit) error {
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
		if s, c, n := bench.FitSlope(xs, ys); n >= 2 {
			x0, x1 := float64(ft.DMin), float64(ft.DMax)
			y0, y1 := math.Exp(c)*math.Pow(x0, s), math.Exp(c)*math.Pow(x1, s)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-dasharray="4 3"/>`+"\n", px(x0), py(y0), px(x1), py(y1), col)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s">k = %d: d^%.2f</text>`+"\n", W-R+10, T+20+36*float64(i), col, ft.K, ft.Exponent)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" fill="%s" font-size="10">(d-(k-1)/2)^%.2f</text>`+"\n", W-R+10, T+34+36*float64(i), col, ft.CenteredExponent)
	}
	b.WriteString("</svg>\n")
	_, err := io.WriteString(w, b.String())
	return err
}
