package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

func init() {
	register(&command{name: "replay", summary: "re-run a trace's learner against its recorded answers and check every query matches", run: runReplay})
}

const replayUsage = "TRACE [--learner NAME] [--set key=value ...] [--json] [--out FILE]"

// Replay verdicts.
const (
	verdictIdentical = "bit identical"
	verdictPrefix    = "prefix bit identical"
	verdictDiverged  = "diverged"
	verdictLeftover  = "answers left over"
)

// replayReport is the outcome of `sqsim replay`.
type replayReport struct {
	Trace      string            `json:"trace"`
	Verdict    string            `json:"verdict"`
	Learner    string            `json:"learner"`
	Options    map[string]string `json:"options"`
	Records    int               `json:"records"`  // complete entries read (free ones included)
	Answers    int               `json:"answers"`  // of which oracle answers (not free)
	Replayed   int               `json:"replayed"` // oracle answers the learner consumed
	Reproduced int               `json:"reproduced"`
	Leftover   int               `json:"leftover"` // entries the learner did not reproduce
	Truncated  *truncReport      `json:"truncated,omitempty"`
	Divergence *divReport        `json:"divergence,omitempty"`
	// LearnerError is the error the learner stopped with, when it is not
	// the replay's own (for example the recorded budget stopping it again).
	LearnerError  string                `json:"learner_error,omitempty"`
	TraceManifest *sq.Manifest          `json:"trace_manifest"`
	Manifest      bench.CommandManifest `json:"manifest"`
}

type truncReport struct {
	Line     int `json:"line"`     // the partial line
	Complete int `json:"complete"` // complete records before it
}

// divReport is the first divergence: entry Seq of the trace (counting
// free entries), with what was expected and what the learner asked.
type divReport struct {
	Seq      int       `json:"seq"`
	What     string    `json:"what"`
	Beyond   bool      `json:"beyond"` // the learner asked after the trace's last record
	Expected *queryRef `json:"expected,omitempty"`
	Got      queryRef  `json:"got"`
}

type queryRef struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fp"`
	Dim         int    `json:"dim"`
	Tol         num    `json:"tol"`
	Free        bool   `json:"free"`
}

func refOf(e sq.Entry) queryRef {
	return queryRef{Name: e.Name, Fingerprint: e.Fingerprint, Dim: e.Dim, Tol: num(e.Tol), Free: e.Free}
}

// parseWithArgs parses flags and positional arguments in any order.
func parseWithArgs(f *flags, args []string) ([]string, error) {
	var pos []string
	for {
		err := f.FlagSet.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(f.stdout, "usage: sqsim %s %s\n\nflags:\n", f.Name(), f.usage)
			f.SetOutput(f.stdout)
			f.PrintDefaults()
			printExamples(f.stdout, f.Name())
			return nil, flag.ErrHelp
		}
		if err != nil {
			return nil, usagef("%s: %v", f.Name(), err)
		}
		if f.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
}

func runReplay(args []string, stdout, stderr io.Writer) error {
	f := newFlags("replay", replayUsage, stdout)
	learnerName := f.String("learner", "", "replay with this learner instead of the trace's (its options are then the trace's tol and --set)")
	var sets setFlags
	f.Var(&sets, "set", "a learner option key=value (repeatable), overriding the trace's")
	var o outputFlags
	bindOutput(f, &o, "")
	pos, err := parseWithArgs(f, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("replay: want one trace file, got %d arguments (usage: sqsim replay %s)", len(pos), replayUsage)
	}
	path := pos[0]
	if *learnerName != "" {
		if _, ok := learners.Lookup(*learnerName); !ok {
			return usagef("replay: unknown learner %q (known: %s)", *learnerName, strings.Join(learners.Names(), ", "))
		}
	}
	setOpts, err := parseSets("replay", sets)
	if err != nil {
		return err
	}
	tr, trunc, err := readReplayTrace(path)
	if err != nil {
		return err
	}
	m := tr.Manifest
	name, opts, err := replayLearner(m, *learnerName, setOpts)
	if err != nil {
		return err
	}
	rep, err := replayRun(tr, trunc, name, opts)
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	if err != nil {
		return fmt.Errorf("replay: %s: %w", path, err)
	}
	rep.Trace = path
	conf := map[string]any{"trace": path, "learner": name}
	for k, v := range setOpts {
		conf["set."+k] = v
	}
	rep.Manifest = manifestArgs("replay", args, conf).WithSeed(tr.Manifest.Seed)
	w, err := o.open("replay", stdout)
	if err != nil {
		return err
	}
	if o.JSON {
		err = writeJSON(w, rep)
	} else {
		err = printReplay(w, rep)
	}
	// The report is written (and --out committed) whatever the verdict.
	if err := o.close("replay", err); err != nil {
		return err
	}
	switch rep.Verdict {
	case verdictIdentical, verdictPrefix:
		return nil
	case verdictLeftover:
		return fmt.Errorf("replay: %s: %d recorded entries left over: the learner stopped after %d of %d", path, rep.Leftover, rep.Reproduced, rep.Records)
	}
	return fmt.Errorf("replay: %s: %s", path, divLine(rep.Divergence))
}

// readReplayTrace reads the trace at path: its manifest and its entries
// (a truncated last line is reported in trunc, not as an error).
func readReplayTrace(path string) (sq.Trace, *sq.TruncatedError, error) {
	file, err := os.Open(path)
	if err != nil {
		return sq.Trace{}, nil, usagef("replay: %v", err)
	}
	tr, err := sq.ReadTraceManifest(file)
	file.Close()
	var trunc *sq.TruncatedError
	switch {
	case errors.As(err, &trunc):
		if tr.Manifest == nil {
			return tr, nil, fmt.Errorf("replay: %s: %w", path, err)
		}
	case err != nil:
		return tr, nil, fmt.Errorf("replay: %s: %w", path, err)
	}
	if tr.Manifest == nil {
		return tr, nil, fmt.Errorf("replay: %s is a version %d trace, which has no manifest: replay needs a version %d trace", path, tr.Version, sq.TraceVersion)
	}
	return tr, trunc, nil
}

// replayLearner is the learner to replay and its options: the trace's, or
// override (with the trace's tol), with the options of set on top.
func replayLearner(m *sq.Manifest, override string, set learners.Options) (string, learners.Options, error) {
	name, opts := m.Learner.Name, learners.Options{}
	for k, v := range m.Learner.Options {
		opts[k] = v
	}
	if override != "" && override != name {
		name, opts = override, learners.Options{}
		if t, ok := m.Learner.Options["tol"]; ok {
			opts["tol"] = t
		}
	} else if !m.Learner.Registered {
		return "", nil, fmt.Errorf("replay: the trace's learner %q was supplied by Go code, not registered, so it cannot be rebuilt: give --learner", name)
	}
	for k, v := range set {
		opts[k] = v
	}
	if _, ok := learners.Lookup(name); !ok {
		return "", nil, fmt.Errorf("replay: the trace's learner %q is not registered in this sqsim (known: %s): give --learner", name, strings.Join(learners.Names(), ", "))
	}
	return name, opts, nil
}

// replayRun runs the learner name against the recorded answers of tr,
// under the recorded floor and budget, and compares the ledger of the run
// with the trace's.
func replayRun(tr sq.Trace, trunc *sq.TruncatedError, name string, opts learners.Options) (replayReport, error) {
	m := tr.Manifest
	l, err := learners.New(name, opts)
	if err != nil {
		return replayReport{}, usagef("replay: %v", err)
	}
	setting, err := m.SettingValue()
	if err != nil {
		return replayReport{}, fmt.Errorf("the manifest's setting: %w", err)
	}
	stream, ok := m.Streams["learner"]
	if !ok {
		return replayReport{}, fmt.Errorf("the manifest names no learner stream")
	}
	rp := oracle.Replay(tr.Entries)
	if m.MinTol > 0 {
		rp.WithMinTol(m.MinTol)
	}
	ledger := sq.NewSummaryLedger()
	cmp := &replayCompare{rec: tr.Entries}
	ledger.Observe(cmp.observe)
	mw := []oracle.Middleware{oracle.WithLedger(ledger)}
	if b := m.Oracle.Budget; b != nil && *b != (sq.Budget{}) {
		mw = append(mw, oracle.WithBudget(*b))
	}
	s := &sq.Session{Setting: setting, Oracle: oracle.Chain(rp, mw...), Ledger: ledger, Rand: stream.Rand()}
	_, lerr := l.Learn(s)

	rep := cmp.report(rp, trunc)
	rep.Learner, rep.Options, rep.TraceManifest = name, opts, m
	if lerr != nil && !errors.Is(lerr, oracle.ErrReplay) {
		rep.LearnerError = lerr.Error()
	}
	if err := ledger.Err(); err != nil && rep.LearnerError == "" {
		rep.LearnerError = err.Error()
	}
	return rep, nil
}

// replayCompare compares the entries of the replayed run, as the ledger
// records them, with the trace's, in order, keeping only the first
// difference (so a replay holds the trace once, not twice).
type replayCompare struct {
	rec    []sq.Entry
	n      int        // entries recorded by the replay
	div    *divReport // the first entry that differs
	beyond *sq.Entry  // the first entry past the trace's end
}

func (c *replayCompare) observe(e sq.Entry) {
	i := c.n
	c.n++
	switch {
	case c.div != nil || c.beyond != nil:
	case i >= len(c.rec):
		c.beyond = &e
	default:
		if what := entryDiff(c.rec[i], e); what != "" {
			exp := refOf(c.rec[i])
			c.div = &divReport{Seq: i, What: what, Expected: &exp, Got: refOf(e)}
		}
	}
}

// report gives the verdict of the replay.
func (c *replayCompare) report(rp *oracle.ReplayOracle, trunc *sq.TruncatedError) replayReport {
	rec := c.rec
	rep := replayReport{Records: len(rec), Replayed: rp.Replayed(), Reproduced: min(c.n, len(rec))}
	for _, e := range rec {
		if !e.Free {
			rep.Answers++
		}
	}
	if trunc != nil {
		rep.Truncated = &truncReport{Line: trunc.Line, Complete: trunc.Complete}
	}
	if c.div != nil {
		rep.Verdict, rep.Divergence = verdictDiverged, c.div
		rep.Reproduced, rep.Leftover = c.div.Seq, len(rec)-c.div.Seq
		return rep
	}
	beyond := func(g queryRef) {
		rep.Divergence = &divReport{Seq: len(rec), What: "beyond the trace", Beyond: true, Got: g}
		rep.Verdict = verdictDiverged
		if trunc != nil {
			rep.Verdict = verdictPrefix
		}
	}
	switch d := rp.Divergence(); {
	case c.beyond != nil:
		beyond(refOf(*c.beyond))
	case d != nil && d.Beyond:
		beyond(queryRef{Name: d.Got.Name, Fingerprint: d.Got.Fingerprint, Dim: d.Got.Dim, Tol: num(d.Got.Tol)})
	case d != nil:
		exp := refOf(d.Want)
		rep.Verdict = verdictDiverged
		rep.Divergence = &divReport{Seq: d.Want.Seq, What: d.What, Expected: &exp,
			Got: queryRef{Name: d.Got.Name, Fingerprint: d.Got.Fingerprint, Dim: d.Got.Dim, Tol: num(d.Got.Tol)}}
		rep.Leftover = len(rec) - c.n
	case c.n < len(rec):
		rep.Verdict, rep.Leftover = verdictLeftover, len(rec)-c.n
	case trunc != nil:
		rep.Verdict = verdictPrefix
	default:
		rep.Verdict = verdictIdentical
	}
	return rep
}

// entryDiff names what differs between a recorded entry and a replayed
// one ("" when they match): the kind of query, its fingerprint, dimension,
// tolerances and round, and for a free entry (computed again, not
// replayed) the answer bit for bit.
func entryDiff(want, got sq.Entry) string {
	switch {
	case want.Free != got.Free:
		return "free or oracle query"
	case want.Fingerprint != got.Fingerprint:
		return "fingerprint"
	case want.Dim != got.Dim:
		return "dimension"
	case math.Float64bits(want.Tol) != math.Float64bits(got.Tol):
		return "tolerance"
	case math.Float64bits(want.EffectiveTol()) != math.Float64bits(got.EffectiveTol()):
		return "effective tolerance"
	case want.Round != got.Round:
		return "adaptivity round"
	}
	for i := range want.Answer {
		if i >= len(got.Answer) || math.Float64bits(want.Answer[i]) != math.Float64bits(got.Answer[i]) &&
			!(math.IsNaN(want.Answer[i]) && math.IsNaN(got.Answer[i])) {
			return "answer"
		}
	}
	return ""
}

func divLine(d *divReport) string {
	if d == nil {
		return "diverged"
	}
	g := d.Got
	if d.Beyond {
		return fmt.Sprintf("diverged: the learner asked query %q (fingerprint %s) as entry %d, after the trace's %d records", g.Name, g.Fingerprint, d.Seq, d.Seq)
	}
	e := d.Expected
	return fmt.Sprintf("diverged at entry %d (%s): expected %q (fingerprint %s, dim %d, tol %v), got %q (fingerprint %s, dim %d, tol %v)",
		d.Seq, d.What, e.Name, e.Fingerprint, e.Dim, float64(e.Tol), g.Name, g.Fingerprint, g.Dim, float64(g.Tol))
}

func printReplay(w io.Writer, r replayReport) error {
	m := r.TraceManifest
	var b strings.Builder
	keys := make([]string, 0, len(r.Options))
	for k := range r.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var kv []string
	for _, k := range keys {
		kv = append(kv, k+"="+r.Options[k])
	}
	fmt.Fprintf(&b, "sqsim replay: %s\n", r.Trace)
	fmt.Fprintf(&b, "  %-12s %s (%s), d = %d, seed %d\n", "learner", r.Learner, strings.Join(kv, " "), m.Setting.D, m.Seed)
	fmt.Fprintf(&b, "  %-12s %s %s; sqsim %s, %s, vcs %s\n", "recorded by", m.Command, strings.Join(m.Args, " "), m.Sqsim, m.Go, m.VCSRevision)
	fmt.Fprintf(&b, "  %-12s %d complete (%d oracle answers, %d free)\n", "records", r.Records, r.Answers, r.Records-r.Answers)
	if t := r.Truncated; t != nil {
		fmt.Fprintf(&b, "  %-12s line %d is a partial last line (the run was killed mid-write?); %d complete records before it\n", "truncated", t.Line, t.Complete)
	}
	fmt.Fprintf(&b, "  %-12s %d of %d oracle answers, %d of %d records reproduced\n", "replayed", r.Replayed, r.Answers, r.Reproduced, r.Records)
	if r.LearnerError != "" {
		fmt.Fprintf(&b, "  %-12s %s\n", "learner stop", oneLine(r.LearnerError))
	}
	switch r.Verdict {
	case verdictIdentical:
		fmt.Fprintf(&b, "  %-12s bit identical: every query and answer matches the trace\n", "verdict")
	case verdictPrefix:
		if d := r.Divergence; d != nil {
			fmt.Fprintf(&b, "  %-12s prefix bit identical: the %d complete records match; the learner then asked %q (fingerprint %s) beyond the truncated trace\n", "verdict", r.Records, d.Got.Name, d.Got.Fingerprint)
		} else {
			fmt.Fprintf(&b, "  %-12s prefix bit identical: the %d complete records match, and the learner stopped there\n", "verdict", r.Records)
		}
	case verdictLeftover:
		fmt.Fprintf(&b, "  %-12s answers left over: the learner stopped after %d of the %d records (%d left)\n", "verdict", r.Reproduced, r.Records, r.Leftover)
	default:
		fmt.Fprintf(&b, "  %-12s %s\n", "verdict", divLine(r.Divergence))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
