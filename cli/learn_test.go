package cli

import (
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// learnJSONOut runs sqsim learn with args and --json and decodes the object
// into learnOutput (a key missing from the output, or one it does not
// declare, fails the test).
func learnJSONOut(t *testing.T, args ...string) learnOutput {
	t.Helper()
	code, out, errs := runCLI(append([]string{"learn", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("learn %v: exit %d, stderr %q", args, code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("learn %v: want one JSON line, got %q", args, out)
	}
	return decodeExact[learnOutput](t, out)
}

func floatsOf(v []num) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// TestLearnJSON: the JSON object has the documented keys; the loss is the
// exact loss of the printed w (recomputed from the printed w* with the
// closed form); gd with its defaults on the default world reaches <= 1e-12.
func TestLearnJSON(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		res := learnJSONOut(t)
		checkManifest(t, res.Manifest, "learn")
		if res.Learner != "gd" || res.Oracle != "ledger(exact)" || res.Seed != 1 || res.Tolerance != 1e-6 || res.W == nil {
			t.Errorf("defaults: %+v", res)
		}
		if res.World["name"] != "realizable" || res.Dist != "realizable" || res.Manifest.Config["dist"] != "realizable" {
			t.Errorf("world %v, dist %q, want realizable", res.World, res.Dist)
		}
		if l := res.Loss; l > 1e-12 {
			t.Errorf("gd default loss %g, want <= 1e-12", l)
		}
		if !math.IsNaN(float64(res.Ratio)) {
			t.Errorf("ratio with opt = 0: %v, want \"NaN\"", res.Ratio)
		}
	})
	t.Run("chow", func(t *testing.T) {
		res := learnJSONOut(t, "--learner", "chow", "--world", "noisy", "--noise-var", "0.04", "--wstar", "0.48,-0.64,0.36", "--oracle", "noise", "--tol", "1e-3", "--seed", "9")
		w, ws := floatsOf(res.W), floatsOf(res.WStar)
		if want := gauss.ReluLoss(w, ws, 0.04); math.Abs(float64(res.Loss)-want) > 1e-12 {
			t.Errorf("chow: loss %v, closed form of the printed w %v", res.Loss, want)
		}
		if res.D != 3 || res.Queries != 1 || res.ScalarQueries != 3 || math.Abs(float64(res.Opt)-0.04) > 1e-15 {
			t.Errorf("chow: %+v", res)
		}
	})
	t.Run("improper", func(t *testing.T) {
		// An improper hypothesis has a loss and no w.
		res := learnJSONOut(t, "--learner", "hermite", "--world", "clipped", "--d", "3", "--set", "degree=3")
		if res.W != nil || res.Hypothesis != "*learners.HermitePoly" || res.Queries != 20 {
			t.Errorf("hermite: %+v", res)
		}
	})
	// Every world, oracle and registered learner runs from the command line.
	for _, world := range []string{"realizable", "clipped", "noisy", "agnostic", "halfspace"} {
		for _, o := range []string{"exact", "noise", "adversarial"} {
			t.Run(world+"/"+o, func(t *testing.T) {
				if res := learnJSONOut(t, "--learner", "refit", "--world", world, "--oracle", o, "--d", "3"); res.World["name"] != world {
					t.Errorf("world %v, want %s", res.World, world)
				}
			})
		}
	}
	t.Run("sample", func(t *testing.T) {
		learnJSONOut(t, "--learner", "chow", "--oracle", "sample", "--d", "3", "--delta", "0.05")
	})
	for _, name := range learners.Names() {
		t.Run("learner "+name, func(t *testing.T) {
			learnJSONOut(t, "--learner", name, "--world", "agnostic", "--corruption", "lift", "--d", "3")
		})
	}
}

// TestLearnDistAlias: --dist, the deprecated name of --world, still
// selects the world, with the same result; --help says it is an alias.
func TestLearnDistAlias(t *testing.T) {
	for _, world := range []string{"clipped", "agnostic", "halfspace"} {
		t.Run(world, func(t *testing.T) {
			byWorld := learnJSONOut(t, "--learner", "refit", "--world", world, "--d", "3")
			byDist := learnJSONOut(t, "--learner", "refit", "--dist", world, "--d", "3")
			if byDist.Dist != world || byDist.World["name"] != world || byDist.Loss != byWorld.Loss || byDist.Opt != byWorld.Opt || byDist.Queries != byWorld.Queries {
				t.Errorf("--dist %s: %+v\n--world %s: %+v", world, byDist, world, byWorld)
			}
		})
	}
	t.Run("both agree", func(t *testing.T) {
		if res := learnJSONOut(t, "--learner", "refit", "--world", "noisy", "--dist", "noisy", "--d", "3"); res.Dist != "noisy" {
			t.Errorf("dist %q", res.Dist)
		}
	})
	t.Run("world parameter", func(t *testing.T) {
		if res := learnJSONOut(t, "--learner", "refit", "--dist", "clipped", "--clip", "0.5", "--d", "3"); res.World["clip"] != 0.5 {
			t.Errorf("world %v, want clip 0.5", res.World)
		}
	})
	t.Run("help", func(t *testing.T) {
		code, out, _ := runCLI("learn", "-h")
		if code != 0 || !strings.Contains(out, "-world") || !strings.Contains(out, "deprecated alias of --world") {
			t.Errorf("learn -h: exit %d, lacks --world or the alias:\n%s", code, out)
		}
	})
}

// TestLearnHuman: the table names the loss, opt, ratio and the ledger.
func TestLearnHuman(t *testing.T) {
	code, out, errs := runCLI("learn", "--learner", "glmtron", "--dist", "agnostic", "--frac", "0.2", "--d", "4")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"glmtron on agnostic (frac 0.2, corruption flip)", "loss", "opt", "loss/opt", "angle to w*", "2 (54 scalar), 2 adaptivity rounds"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestLearnTrace: --trace writes the ledger as JSON Lines, one entry per
// query, readable by sq.ReadTrace; --max-queries stops the learner (exit 1)
// and the trace holds what was asked.
func TestLearnTrace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.jsonl")
	res := learnJSONOut(t, "--learner", "refit", "--d", "5", "--trace", path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := sq.ReadTrace(f)
	f.Close()
	if err != nil || len(entries) != res.Queries || entries[0].Name != "y*x" || entries[1].Name != "y*relu(w.x)" {
		t.Errorf("trace: %v, %v", entries, err)
	}
	code, out, errs := runCLI("learn", "--d", "5", "--max-queries", "3", "--trace", path)
	if code != 1 || out != "" || !strings.Contains(errs, "max_queries") {
		t.Errorf("budget: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	f, _ = os.Open(path)
	entries, err = sq.ReadTrace(f)
	f.Close()
	if err != nil || len(entries) != 3 {
		t.Errorf("trace after the budget stop: %d entries, %v", len(entries), err)
	}
}

// TestLearnUsageErrors: every bad input exits 2 with one line on stderr
// naming it, and nothing on stdout.
func TestLearnUsageErrors(t *testing.T) {
	cases := []struct {
		want string
		args []string
	}{
		{"unknown learner", []string{"--learner", "oracle-reader"}},
		{"--d 0", []string{"--d", "0"}},
		{"--d -3", []string{"--d", "-3"}},
		{"--d 1000000", []string{"--d", "1000000"}},
		{"--tol -1", []string{"--tol", "-1"}},
		{"--tol 0", []string{"--tol", "0"}},
		{"tol", []string{"--tol", "abc"}},
		{"NaN", []string{"--tol", "NaN"}},
		{"--dist", []string{"--dist", "uniform"}},
		{"--oracle", []string{"--oracle", "magic"}},
		{"--world", []string{"--world", "uniform"}},
		{"--clip applies to --world clipped", []string{"--clip", "2"}},
		{"--frac applies to --world agnostic", []string{"--dist", "noisy", "--frac", "0.1"}},
		{"--frac applies to --world agnostic", []string{"--world", "noisy", "--frac", "0.1"}},
		{"disagree", []string{"--world", "noisy", "--dist", "clipped"}},
		{"--eta applies", []string{"--eta", "0.1"}},
		{"--noise-var applies", []string{"--dist", "clipped", "--noise-var", "1"}},
		{"--noise applies to --oracle noise", []string{"--noise", "gaussian"}},
		{"--delta applies to --oracle sample", []string{"--delta", "0.1"}},
		{"--clip 0, want a clip level > 0", []string{"--dist", "clipped", "--clip", "0"}},
		{"--clip -1, want a clip level > 0", []string{"--world", "clipped", "--clip", "-1"}},
		{"0.8", []string{"--dist", "agnostic", "--frac", "0.8"}},
		{`"melt"`, []string{"--dist", "agnostic", "--corruption", "melt"}},
		{"-0.2", []string{"--dist", "noisy", "--noise-var", "-0.2"}},
		{"they must agree", []string{"--d", "3", "--wstar", "1,2"}},
		{`"x"`, []string{"--wstar", "1,x"}},
		{"key=value", []string{"--set", "steps"}},
		{"given twice", []string{"--set", "steps=3", "--set", "steps=4"}},
		{`no option "bogus"`, []string{"--set", "bogus=1"}},
		{`"many"`, []string{"--set", "steps=many"}},
		{"given twice", []string{"--tol", "1e-3", "--set", "tol=1e-4"}},
		{"w0 has 2 entries", []string{"--d", "3", "--set", "w0=1,2"}},
		{"--max-queries -1", []string{"--max-queries", "-1"}},
		{"--trace", []string{"--trace", "/nonexistent-dir/t.jsonl"}},
		{"unexpected argument", []string{"extra"}},
		{"flag provided but not defined", []string{"--bogus"}},
		{`"pink"`, []string{"--oracle", "noise", "--noise", "pink"}},
		{"bench.MaxSteps", []string{"--set", "steps=1000000000"}},
		{"bench.MaxStepWork", []string{"--d", "10000", "--set", "steps=200000"}},
		{"limit 1e+10", []string{"--oracle", "sample", "--tol", "1e-4"}},
		{"limit 1e+10", []string{"--oracle", "sample", "--set", "tol=1e-5"}},
		{"--delta 0, want a failure probability in (0, 1)", []string{"--oracle", "sample", "--delta", "0"}},
		{"--delta 1,", []string{"--oracle", "sample", "--delta", "1"}},
		{"--delta -0.5", []string{"--oracle", "sample", "--delta", "-0.5"}},
		{"--min-tau 0", []string{"--min-tau", "0"}},
		{"--min-tau -1", []string{"--min-tau", "-1"}},
		{"--min-tau: NaN", []string{"--min-tau", "NaN"}},
		{`unknown query class "foo"`, []string{"--classes", "foo"}},
		{`unknown query class "none"`, []string{"--classes", "csq,none"}},
		{"names no class", []string{"--classes", ","}},
		{"overflows float64", []string{"--dist", "clipped", "--wstar", "1e154,1e154"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			usageFails(t, c.want, append([]string{"learn"}, c.args...)...)
		})
	}
}

// TestLearnMinTau: --min-tau T answers every query asked below T at T: the
// JSON states the floor and the effective tolerance, every trace entry
// records the asked tolerance and an effective one >= T, the costs are
// those of a run asked at T, and the text output states the floor.
func TestLearnMinTau(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.jsonl")
	res := learnJSONOut(t, "--learner", "refit", "--d", "4", "--min-tau", "1e-3", "--trace", path)
	if res.MinTau != 1e-3 || res.EffectiveTol != 1e-3 || res.Tolerance != 1e-6 {
		t.Errorf("min_tau %v, effective_tolerance %v, tolerance %v; want 1e-3, 1e-3, 1e-6", res.MinTau, res.EffectiveTol, res.Tolerance)
	}
	if res.RaisedByFloor != res.Queries || res.Queries != 2 {
		t.Errorf("raised_by_floor %v of %v queries, want 2 of 2", res.RaisedByFloor, res.Queries)
	}
	if m := res.Manifest.Config; m["min_tau"] != 1e-3 {
		t.Errorf("manifest config %v lacks min_tau 1e-3", m)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := sq.ReadTrace(f)
	f.Close()
	if err != nil || len(entries) != 2 {
		t.Fatalf("trace: %d entries, %v", len(entries), err)
	}
	for i, e := range entries {
		if e.Tol != 1e-6 || e.EffTol != 1e-3 {
			t.Errorf("trace entry %d: tol %v, eff_tol %v; want 1e-6 and 1e-3", i, e.Tol, e.EffTol)
		}
	}
	at := learnJSONOut(t, "--learner", "refit", "--d", "4", "--tol", "1e-3")
	if res.Cost != at.Cost || res.SumInvTau2 != at.SumInvTau2 || res.Queries != at.Queries {
		t.Errorf("under the floor: cost %v, sum_inv_tau2 %v, queries %v; asked at the floor %v, %v, %v", res.Cost, res.SumInvTau2, res.Queries, at.Cost, at.SumInvTau2, at.Queries)
	}
	none := learnJSONOut(t, "--learner", "chow", "--d", "3")
	if none.MinTau != 0 || none.RaisedByFloor != 0 || none.EffectiveTol != 1e-6 {
		t.Errorf("no floor: min_tau %v, raised %v, effective %v", none.MinTau, none.RaisedByFloor, none.EffectiveTol)
	}
	code, out, errs := runCLI("learn", "--learner", "refit", "--d", "4", "--min-tau", "1e-3")
	if code != 0 || !strings.Contains(out, "tau floor    0.001: effective tolerance 0.001; 2 of 2 queries were asked below it") {
		t.Errorf("text: exit %d, stderr %q, output:\n%s", code, errs, out)
	}
}

// TestLearnCost: the two costs under their true names. refit asks E[y x]
// (d coordinates, bound 1) and E[y relu(u.x)] with u the normalized Chow
// vector (bound ||u||/sqrt 2 = 1/sqrt 2), so at tau the raw sum is
// (d+1)/tau^2 and the sample cost d/tau^2 + 1/(2 tau^2).
func TestLearnCost(t *testing.T) {
	res := learnJSONOut(t, "--learner", "refit", "--d", "4", "--tol", "1e-3")
	const tau = 1e-3
	wantRaw, wantSample := 5/(tau*tau), (4+0.5)/(tau*tau)
	if got := float64(res.SumInvTau2); math.Abs(got-wantRaw) > 1e-9*wantRaw {
		t.Errorf("sum_inv_tau2 %v, want (d+1)/tau^2 = %v", got, wantRaw)
	}
	for k, got := range map[string]num{"cost": res.Cost, "sample_cost": res.SampleCost} {
		if math.Abs(float64(got)-wantSample) > 1e-6*wantSample {
			t.Errorf("%s %v, want d/tau^2 + 1/(2 tau^2) = %v", k, got, wantSample)
		}
	}
	code, out, _ := runCLI("learn", "--learner", "refit", "--d", "4", "--tol", "1e-3")
	if code != 0 || !strings.Contains(out, "sample cost sum (B/tau)^2 = ") || !strings.Contains(out, "sum 1/tau^2 = 5e+06") {
		t.Errorf("text output (exit %d) does not name both costs:\n%s", code, out)
	}
	code, out, _ = runCLI("learn", "-h")
	if code != 0 || !strings.Contains(out, "sample cost sum (B/tau)^2") {
		t.Errorf("--max-cost help does not say it caps the sample cost:\n%s", out)
	}
}

// TestLearnClasses: --classes csq runs the learners whose queries are all
// correlational and refuses approx, whose thresholded-label query is not,
// with exit 1 and a message naming the query and the classes.
func TestLearnClasses(t *testing.T) {
	for _, l := range []string{"chow", "gd", "refit", "glmtron"} {
		t.Run(l, func(t *testing.T) {
			res := learnJSONOut(t, "--learner", l, "--d", "4", "--classes", "csq")
			if res.Classes != "correlational" || !strings.Contains(res.Oracle, "classes[correlational]") {
				t.Errorf("classes %v, oracle %v", res.Classes, res.Oracle)
			}
		})
	}
	t.Run("approx refused", func(t *testing.T) {
		code, out, errs := runCLI("learn", "--learner", "approx", "--d", "4", "--classes", "csq")
		if code != 1 || out != "" {
			t.Errorf("exit %d, stdout %q; want 1 and nothing", code, out)
		}
		for _, want := range []string{`query "y*x|y->sign(y-t)"`, "accepts correlational queries", "not linear in y"} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr %q does not mention %q", errs, want)
			}
		}
		if strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 {
			t.Errorf("stderr %q, want one line", errs)
		}
	})
	t.Run("all", func(t *testing.T) {
		res := learnJSONOut(t, "--learner", "approx", "--d", "4", "--classes", "all")
		if res.Classes != "all" {
			t.Errorf("classes %v, want all", res.Classes)
		}
	})
}

// TestParseClasses: the aliases of --classes.
func TestParseClasses(t *testing.T) {
	for in, want := range map[string]sq.Class{
		"csq": sq.Correlational, "correlational": sq.Correlational, "sq": sq.Bounded, "stat": sq.Bounded,
		"bounded": sq.Bounded, "l2": sq.L2, "vstat": sq.Boolean, "boolean": sq.Boolean, "all": sq.AllClasses,
		"CSQ, l2": sq.Correlational | sq.L2, "bounded|boolean": sq.Bounded | sq.Boolean,
	} {
		got, err := parseClasses("learn", in)
		if err != nil || got != want {
			t.Errorf("parseClasses(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestOutputFailureExits1: a command whose stdout cannot be written exits
// 1 with a message, in text and JSON mode.
func TestOutputFailureExits1(t *testing.T) {
	for _, args := range [][]string{
		{"learn", "--learner", "chow", "--d", "3"},
		{"learn", "--learner", "chow", "--d", "3", "--json"},
		{"demo", "--d", "5", "--steps", "3"},
		{"demo", "--d", "5", "--steps", "3", "--json"},
		{"results", "--d", "3", "--learners", "chow"},
		{"help"},
		{"--version"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var errb strings.Builder
			code := Main(args, failWriter{}, &errb)
			if code != 1 || !strings.Contains(errb.String(), "no space left on device") {
				t.Errorf("exit %d, stderr %q; want 1 and the write error", code, errb.String())
			}
		})
	}
}

// TestAtomicWrite: a write that fails leaves the file as it was and no
// temporary file behind; one that succeeds replaces it, keeping its mode.
func TestAtomicWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "doc.md")
	if err := os.WriteFile(path, []byte("the user's document\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	err := writeFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half a tab")
		return errors.New("disk full")
	})
	if err == nil || !strings.Contains(err.Error(), "unchanged") {
		t.Errorf("failed write: %v, want an error saying the file is unchanged", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "the user's document\n" {
		t.Errorf("after a failed write the file is %q", b)
	}
	if err := writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new\n" {
		t.Errorf("after a write the file is %q", b)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode after the rewrite: %v, %v; want 0600", st.Mode(), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files, want only doc.md (no temporary file left)", len(ents))
	}
	if err := writeFileAtomic(filepath.Join(dir, "no-such-dir", "x"), func(io.Writer) error { return nil }); err == nil {
		t.Error("a write into a missing directory succeeded")
	}
	t.Run("symlink", func(t *testing.T) {
		dir := t.TempDir()
		real, link := filepath.Join(dir, "real.md"), filepath.Join(dir, "link.md")
		os.WriteFile(real, []byte("old\n"), 0o644)
		if err := os.Symlink("real.md", link); err != nil {
			t.Skip(err)
		}
		if err := writeFileAtomic(link, func(w io.Writer) error { _, err := io.WriteString(w, "new\n"); return err }); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(real); string(b) != "new\n" {
			t.Errorf("the link's target is %q, want the new text", b)
		}
		if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link was replaced: %v, %v", st, err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		if err := writeFileAtomic(t.TempDir(), func(io.Writer) error { return nil }); err == nil {
			t.Error("a write to a directory succeeded")
		}
	})
}

// TestLearnTraceReplacesWhole: --trace over an existing file replaces it
// with the complete trace and leaves no temporary file.
func TestLearnTraceReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t.jsonl")
	os.WriteFile(path, []byte("an older trace, longer than the new one will be ........................................................................................................................................................................................................................................\n"), 0o644)
	learnJSONOut(t, "--learner", "chow", "--d", "2", "--trace", path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := sq.ReadTrace(f)
	f.Close()
	if err != nil || len(entries) != 1 {
		t.Errorf("trace: %d entries, %v", len(entries), err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files, want only the trace", len(ents))
	}
}

// TestResultsCommand: the results command prints the Markdown tables of
// docs/results.md for the listed learners, and refuses bad flags.
func TestResultsCommand(t *testing.T) {
	code, out, errs := runCLI("results", "--d", "3", "--learners", "chow,refit")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"| world | opt | chow | refit |", "| agnostic lift 0.4 |", "**Queries**"} {
		if !strings.Contains(out, want) {
			t.Errorf("results output lacks %q", want)
		}
	}
	code, out, _ = runCLI("results", "--d", "3", "--learners", "chow", "--json")
	lines := jsonLines(t, out)
	if code != 0 || len(lines) != 1+len(bench.DefaultGrid()) {
		t.Fatalf("results --json: exit %d, %d lines", code, len(lines))
	}
	checkManifest(t, manifestOf(t, lines[0]), "results")
	if row := decodeExact[resultsRow](t, lines[1]); row.Learner != "chow" || row.World != "realizable" {
		t.Errorf("results --json: %+v", row)
	}
	usageFails(t, "unknown learner", "results", "--learners", "chow,nope")
	usageFails(t, "listed twice", "results", "--learners", "chow,chow")
	usageFails(t, "--d 0", "results", "--d", "0")
	usageFails(t, "--oracle", "results", "--oracle", "x")
	usageFails(t, "--tol -2", "results", "--tol", "-2")
	usageFails(t, "limit 1e+10", "results", "--oracle", "sample", "--tol", "1e-9")
}

// TestResultsDocIsCurrent: the exact-oracle table of docs/results.md is the
// output of the command the page names, for the learners the page lists
// (the columns of its first table, in their order): a change to a listed
// learner's numbers fails it, a listed learner no longer registered fails
// it, and a learner added in learners/ but not yet in the page is only
// logged (its column appears when the page is regenerated with
// `go run ./cmd/sqsim results --update docs/results.md`).
func TestResultsDocIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	begin, end := blockBounds(string(doc), resultsMarker(nil))
	if begin < 0 {
		t.Fatalf("docs/results.md has no block %q", resultsMarker(nil))
	}
	block := string(doc[begin:end])
	listed := resultsDocLearners(block)
	if len(listed) == 0 {
		t.Fatalf("docs/results.md: no table header \"| world | opt | ...\" in the block %q", resultsMarker(nil))
	}
	code, out, errs := runCLI("results", "--learners", strings.Join(listed, ","))
	if code != 0 {
		t.Fatalf("results --learners %s: exit %d, %s", strings.Join(listed, ","), code, errs)
	}
	if block != out {
		t.Errorf("docs/results.md is stale for the learners it lists (%s): regenerate with `go run ./cmd/sqsim results --update docs/results.md`", strings.Join(listed, ", "))
	}
	var missing []string
	for _, n := range learners.Names() {
		if !slices.Contains(listed, n) {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		t.Logf("registered learners not yet in docs/results.md: %s (add them with `go run ./cmd/sqsim results --update docs/results.md`)", strings.Join(missing, ", "))
	}
}

// resultsDocLearners returns the learner columns of the first table of a
// results block: the header "| world | opt | a | b | ... |".
func resultsDocLearners(block string) []string {
	for _, line := range strings.Split(block, "\n") {
		cells := strings.Split(strings.Trim(strings.TrimSpace(line), "|"), "|")
		if len(cells) < 3 || strings.TrimSpace(cells[0]) != "world" || strings.TrimSpace(cells[1]) != "opt" {
			continue
		}
		var names []string
		for _, c := range cells[2:] {
			names = append(names, strings.TrimSpace(c))
		}
		return names
	}
	return nil
}

// TestResultsUpdate: --update rewrites only the block its flags name.
func TestResultsUpdate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.md")
	m := resultsMarker([]string{"--d", "3", "--learners", "chow"})
	os.WriteFile(path, []byte("intro\n"+m+"\nold\n"+resultsEnd+"\ntail\n"), 0o644)
	code, out, errs := runCLI("results", "--d", "3", "--learners", "chow", "--update", path)
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	b, _ := os.ReadFile(path)
	s := string(b)
	if !strings.HasPrefix(s, "intro\n"+m+"\n**Loss**") || !strings.HasSuffix(s, resultsEnd+"\ntail\n") || strings.Contains(s, "old") {
		t.Errorf("updated file:\n%s", s)
	}
	usageFails(t, "no block", "results", "--d", "4", "--learners", "chow", "--update", path)
	usageFails(t, "--update", "results", "--update", filepath.Join(t.TempDir(), "missing.md"))
	// A usage error after the temporary file is opened leaves the file
	// as it was and no temporary file.
	bad := resultsMarker([]string{"--oracle", "magic"})
	os.WriteFile(path, []byte(bad+"\nold\n"+resultsEnd+"\n"), 0o644)
	before, _ := os.ReadFile(path)
	usageFails(t, "--oracle \"magic\"", "results", "--oracle", "magic", "--update", path)
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Errorf("a refused --update changed the file")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("directory holds %d files after a refused --update, want 1", len(ents))
	}
}

// FuzzParseSets: the --set parser returns one option per flag, with a
// non-empty trimmed key, or a usage error; it never panics.
func FuzzParseSets(f *testing.F) {
	for _, s := range []string{"steps=3", "=3", "a", "a=b=c", " tol = 1e-3 ", "", "x=,y="} {
		f.Add(s, "k=v")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		o, err := parseSets("learn", []string{a, b})
		if err != nil {
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("%q %q: error %v is not a usage error", a, b, err)
			}
			return
		}
		if len(o) != 2 {
			t.Fatalf("%q %q: %d options, want 2", a, b, len(o))
		}
		for k := range o {
			if k == "" || k != strings.TrimSpace(k) {
				t.Fatalf("%q %q: key %q", a, b, k)
			}
		}
	})
}
