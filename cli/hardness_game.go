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

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
)

// gameFlags are the flags of sqsim hardness game.
type gameFlags struct {
	f       *flags
	fam     familyFlags
	name    string
	seed    uint64
	maxQ    int
	modeS   string
	mode    hardness.Mode
	records string
	sets    setFlags
	opts    learners.Options
	out     outputFlags
}

func bindGameFlags(f *flags) *gameFlags {
	g := &gameFlags{f: f}
	bindFamily(f, &g.fam, familySpec{
		DNote:   fmt.Sprintf("(required, at most %d)", gameMaxD),
		KNote:   fmt.Sprintf("(required, at most %d)", gameMaxK),
		TauNote: "(required): the game's tolerance; every query is answered at a tolerance >= tau, whatever the learner asks, and every learner gets tol = tau unless --set tol=... is given",
	})
	f.StringVar(&g.name, "learner", "", "learner: gd, sparse, random, or any registered learner (required)")
	f.Uint64Var(&g.seed, "seed", 1, "seed of the learner's randomness and of the adversary's choices")
	f.IntVar(&g.maxQ, "max-queries", 0, "query budget; a learner that exceeds it gives up (0: none)")
	f.StringVar(&g.modeS, "mode", "auto", "survivor accounting: auto (enumerate when C(d,k) <= 500), enumerate (C(d,k) <= 2000), structured")
	f.StringVar(&g.records, "records", "", `write the adversary's per-query records as JSON Lines to FILE: first {"manifest": {...}}, then one record per query (with asked_tol and effective_tol)`)
	bindOutput(f, &g.out, "")
	f.Var(&g.sets, "set", "learner option key=value (repeatable), e.g. --set steps=50")
	return g
}

// check validates the flags of the game, up front: sizes, the learner, the
// mode and the learner's options.
func (g *gameFlags) check() error {
	const cmd = "hardness game"
	f, d, k := g.f, g.fam.D, g.fam.K
	if err := f.require(cmd, "d", "k", "tau", "learner"); err != nil {
		return err
	}
	if err := familyArgs(cmd, d, k, g.fam.Eta); err != nil {
		return err
	}
	if err := tauArg(cmd, g.fam.Tau); err != nil {
		return err
	}
	if d > gameMaxD {
		return usagef("hardness game: --d %d, the adversary handles d <= %d", d, gameMaxD)
	}
	if k > gameMaxK {
		return usagef("hardness game: --k %d, the game handles k <= %d", k, gameMaxK)
	}
	if _, ok := learners.Lookup(g.name); !ok {
		return usagef("hardness game: unknown learner %q (known: %s)", g.name, strings.Join(learners.Names(), ", "))
	}
	if g.maxQ < 0 {
		return usagef("hardness game: --max-queries %d, want >= 0", g.maxQ)
	}
	mode, err := hardness.ParseMode(g.modeS)
	if err != nil {
		return usagef("hardness game: --mode %q, want auto, enumerate or structured", g.modeS)
	}
	g.mode = mode
	supports := supportsFloat(d, k)
	if mode == hardness.ModeEnumerate && supports > enumerateLimit {
		return usagef("hardness game: --mode enumerate with C(%d, %d) = %s supports, want at most %d (enumeration evaluates every survivor on every query; use --mode structured)",
			d, k, hardness.Binomial(d, k), enumerateLimit)
	}
	if g.opts, err = parseSets(cmd, g.sets); err != nil {
		return err
	}
	return gameOptionLimits(g.name, d, k, supports, g.opts)
}

// config is the game's configuration in the manifests, before the game
// (the records file) and after it (its result fills options and tol_floor).
func (g *gameFlags) config(res *bench.GameResult) map[string]any {
	cfg := map[string]any{"d": g.fam.D, "k": g.fam.K, "eta": num(g.fam.Eta), "tau": num(g.fam.Tau), "learner": g.name, "seed": g.seed,
		"max_queries": g.maxQ, "mode": g.modeS}
	if res != nil {
		cfg["options"], cfg["tol_floor"] = res.LearnerOpts, num(res.TolFloor)
	} else {
		cfg["set"] = g.opts
	}
	return cfg
}

func runHardnessGame(args []string, stdout io.Writer) error {
	f := newFlags("hardness game", "--d D --k K --tau T --learner NAME [--eta E] --seed S [--set key=value]... [--max-queries N] [--mode auto|enumerate|structured] [--records FILE] [--json] [--out FILE]", stdout)
	g := bindGameFlags(f)
	if err := f.parse(args); err != nil {
		return err
	}
	if err := g.check(); err != nil {
		return err
	}
	w, err := g.out.open("hardness game", stdout)
	if err != nil {
		return err
	}
	return g.out.close("hardness game", g.play(args, w))
}

// play plays the game, writing the records file, and prints the result.
func (g *gameFlags) play(args []string, stdout io.Writer) error {
	var out *atomicFile
	var recs *bench.JSONL
	if g.records != "" {
		var err error
		if out, err = createAtomic(g.records); err != nil {
			return usagef("hardness game: --records %q: %v", g.records, err)
		}
		if recs, err = bench.NewJSONL(out, manifestArgs("hardness game", args, g.config(nil))); err != nil {
			out.Abort()
			return fmt.Errorf("hardness game: --records: %w", err)
		}
	}
	traj := &trajectory{}
	fam := g.fam
	cfg := bench.GameConfig{D: fam.D, K: fam.K, Eta: fam.Eta, Tau: fam.Tau, Learner: g.name, Options: g.opts,
		Seed: g.seed, MaxQueries: g.maxQ, Adversary: hardness.AdversaryOptions{Mode: g.mode}, DropRecords: true,
		OnRecord: func(r hardness.Record) error {
			traj.add(r)
			if recs != nil {
				return recs.Write(r)
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
	if g.out.JSON {
		return writeJSON(stdout, gameJSON(res, traj.shown(200), manifestArgs("hardness game", args, g.config(res))))
	}
	printGame(stdout, res, fam, traj)
	return nil
}

// gameOutput is the JSON object of sqsim hardness game --json.
type gameOutput struct {
	Identified     bool     `json:"identified"`
	Queries        int      `json:"queries"`
	ScalarQueries  int      `json:"scalar_queries"`
	Survivors      string   `json:"survivors"` // exact, or a lower bound (survivors_kind)
	SurvivorsKind  string   `json:"survivors_kind"`
	SurvivorsUpper string   `json:"survivors_upper"`
	Supports       string   `json:"supports"`
	BoundQueries   num      `json:"bound_queries"`
	Loss           num      `json:"loss"`
	OptS           num      `json:"optS"`
	Opt0           num      `json:"opt0"`
	Gap            num      `json:"gap"`
	Eps            num      `json:"eps"`
	Support        []int    `json:"support"`
	GoodFor        int      `json:"good_for"`
	Examined       int      `json:"examined"`
	Exhaustive     bool     `json:"exhaustive"`
	GaveUp         bool     `json:"gave_up"`
	LearnerError   string   `json:"learner_error"`
	Forced         int      `json:"forced"`
	Mode           string   `json:"mode"`
	Learner        string   `json:"learner"`
	Note           string   `json:"note"`
	Tau            num      `json:"tau"`
	TolFloor       num      `json:"tol_floor"`
	EffectiveTol   num      `json:"effective_tol"`
	MinAskedTol    num      `json:"min_asked_tol"`
	RaisedByFloor  int      `json:"raised_by_floor"`
	LearnerTol     string   `json:"learner_tol"`
	Trajectory     []trajPt `json:"trajectory"` // at most about 200 records (see thinRecords)

	Manifest bench.CommandManifest `json:"manifest"`
}

// trajPt is one record of the trajectory of gameOutput.
type trajPt struct {
	Seq            int    `json:"seq"`
	Survivors      string `json:"survivors"`
	SurvivorsKind  string `json:"survivors_kind"`
	Eliminated     string `json:"eliminated"`
	EliminatedKind string `json:"eliminated_kind"`
	Method         string `json:"method"`
	Forced         bool   `json:"forced"`
	AskedTol       num    `json:"asked_tol"`
	EffectiveTol   num    `json:"effective_tol"`
}

func gameJSON(res *bench.GameResult, shown []hardness.Record, m bench.CommandManifest) gameOutput {
	tr := make([]trajPt, len(shown))
	for i, r := range shown {
		tr[i] = trajPt{Seq: r.Seq, Survivors: r.Survivors, SurvivorsKind: r.SurvivorsKind,
			Eliminated: r.Eliminated, EliminatedKind: r.ElimKind, Method: r.Method, Forced: r.Forced,
			AskedTol: num(r.AskedTol), EffectiveTol: num(r.EffectiveTol)}
	}
	return gameOutput{
		Identified: res.Identified, Queries: res.Queries, ScalarQueries: res.ScalarQueries,
		Survivors: res.Survivors.Lower.String(), SurvivorsKind: res.Survivors.Kind(),
		SurvivorsUpper: res.Survivors.Upper.String(), Supports: res.Supports,
		BoundQueries: num(res.BoundQueries), Loss: num(res.Verdict.Loss), OptS: num(res.Verdict.OptS),
		Opt0: num(res.Landscape.Opt0), Gap: num(res.Landscape.Gap), Eps: num(res.Landscape.Eps),
		Support: res.Verdict.Support, GoodFor: res.Verdict.GoodFor, Examined: res.Verdict.Examined,
		Exhaustive: res.Verdict.Exhaustive, GaveUp: res.GaveUp, LearnerError: res.LearnerError,
		Forced: res.Forced, Mode: res.Mode, Learner: res.Learner, Note: res.Verdict.Note,
		Tau: num(res.Tau), TolFloor: num(res.TolFloor), EffectiveTol: num(res.MinEffectiveTol),
		MinAskedTol: num(res.MinAskedTol), RaisedByFloor: res.Raised, LearnerTol: res.LearnerOpts["tol"],
		Trajectory: tr, Manifest: m,
	}
}

// printGame prints the game's result as text, with at most about 24
// records of its trajectory.
func printGame(stdout io.Writer, res *bench.GameResult, fam familyFlags, traj *trajectory) {
	shown := traj.shown(24)
	fmt.Fprintf(stdout, "game: %s against the parity adversary (%s accounting), d = %d, k = %d, eta = %g, tau = %g\n",
		res.Learner, res.Mode, fam.D, fam.K, fam.Eta, fam.Tau)
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
