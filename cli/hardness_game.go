package cli

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
)

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
	cfg := hardness.GameConfig{D: *d, K: *k, Eta: *eta, Tau: *tau, Learner: *name, Options: opts,
		Seed: *seed, MaxQueries: *maxQ, Adversary: hardness.AdversaryOptions{Mode: mode}, DropRecords: true,
		OnRecord: func(r hardness.Record) error {
			traj.add(r)
			if out != nil {
				return writeJSON(out, r)
			}
			return nil
		}}
	res, err := hardness.PlayGame(cfg)
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
