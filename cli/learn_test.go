package cli

import (
	"encoding/json"
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

// learnJSONOut runs sqsim learn with args and --json and decodes the object.
func learnJSONOut(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errs := runCLI(append([]string{"learn", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("learn %v: exit %d, stderr %q", args, code, errs)
	}
	if strings.Count(out, "\n") != 1 {
		t.Fatalf("learn %v: want one JSON line, got %q", args, out)
	}
	var res map[string]any
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	return res
}

func learnFloats(t *testing.T, v any) []float64 {
	t.Helper()
	a, ok := v.([]any)
	if !ok {
		t.Fatalf("%v is not an array", v)
	}
	out := make([]float64, len(a))
	for i, x := range a {
		out[i] = x.(float64)
	}
	return out
}

// TestLearnJSON: the JSON object has the documented keys; the loss is the
// exact loss of the printed w (recomputed from the printed w* with the
// closed form); gd with its defaults on the default world reaches <= 1e-12.
func TestLearnJSON(t *testing.T) {
	res := learnJSONOut(t)
	for _, k := range []string{"learner", "oracle", "seed", "loss", "opt", "queries", "tolerance", "w", "ratio", "angle", "scalar_queries", "rounds", "cost", "manifest", "wstar"} {
		if _, ok := res[k]; !ok {
			t.Errorf("JSON lacks %q: %v", k, res)
		}
	}
	if res["learner"] != "gd" || res["oracle"] != "ledger(exact)" || res["seed"].(float64) != 1 || res["tolerance"].(float64) != 1e-6 {
		t.Errorf("defaults: %v", res)
	}
	if l := res["loss"].(float64); l > 1e-12 {
		t.Errorf("gd default loss %g, want <= 1e-12", l)
	}
	if res["ratio"] != "NaN" {
		t.Errorf("ratio with opt = 0: %v, want \"NaN\"", res["ratio"])
	}
	res = learnJSONOut(t, "--learner", "chow", "--dist", "noisy", "--noise-var", "0.04", "--wstar", "0.48,-0.64,0.36", "--oracle", "noise", "--tol", "1e-3", "--seed", "9")
	w, ws := learnFloats(t, res["w"]), learnFloats(t, res["wstar"])
	if want := gauss.ReluLoss(w, ws, 0.04); math.Abs(res["loss"].(float64)-want) > 1e-12 {
		t.Errorf("chow: loss %v, closed form of the printed w %v", res["loss"], want)
	}
	if res["d"].(float64) != 3 || res["queries"].(float64) != 1 || res["scalar_queries"].(float64) != 3 || math.Abs(res["opt"].(float64)-0.04) > 1e-15 {
		t.Errorf("chow: %v", res)
	}
	// An improper hypothesis has a loss and no w.
	res = learnJSONOut(t, "--learner", "hermite", "--dist", "clipped", "--d", "3", "--set", "degree=3")
	if _, ok := res["w"]; ok || res["hypothesis"] != "*learners.HermitePoly" || res["queries"].(float64) != 20 {
		t.Errorf("hermite: %v", res)
	}
	// Every world, oracle and registered learner runs from the command line.
	for _, dist := range []string{"realizable", "clipped", "noisy", "agnostic", "halfspace"} {
		for _, o := range []string{"exact", "noise", "adversarial"} {
			learnJSONOut(t, "--learner", "refit", "--dist", dist, "--oracle", o, "--d", "3")
		}
	}
	learnJSONOut(t, "--learner", "chow", "--oracle", "sample", "--d", "3", "--delta", "0.05")
	for _, name := range learners.Names() {
		learnJSONOut(t, "--learner", name, "--dist", "agnostic", "--corruption", "lift", "--d", "3")
	}
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
	if err != nil || len(entries) != int(res["queries"].(float64)) || entries[0].Name != "y*x" || entries[1].Name != "y*relu(w.x)" {
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
	if res["min_tau"].(float64) != 1e-3 || res["effective_tolerance"].(float64) != 1e-3 || res["tolerance"].(float64) != 1e-6 {
		t.Errorf("min_tau %v, effective_tolerance %v, tolerance %v; want 1e-3, 1e-3, 1e-6", res["min_tau"], res["effective_tolerance"], res["tolerance"])
	}
	if res["raised_by_floor"].(float64) != res["queries"].(float64) || res["queries"].(float64) != 2 {
		t.Errorf("raised_by_floor %v of %v queries, want 2 of 2", res["raised_by_floor"], res["queries"])
	}
	if m := res["manifest"].(map[string]any)["config"].(map[string]any); m["min_tau"] != 1e-3 {
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
	for _, k := range []string{"cost", "sum_inv_tau2", "queries"} {
		if res[k] != at[k] {
			t.Errorf("%s under the floor %v, asked at the floor %v", k, res[k], at[k])
		}
	}
	none := learnJSONOut(t, "--learner", "chow", "--d", "3")
	if none["min_tau"].(float64) != 0 || none["raised_by_floor"].(float64) != 0 || none["effective_tolerance"].(float64) != 1e-6 {
		t.Errorf("no floor: min_tau %v, raised %v, effective %v", none["min_tau"], none["raised_by_floor"], none["effective_tolerance"])
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
	if got := res["sum_inv_tau2"].(float64); math.Abs(got-wantRaw) > 1e-9*wantRaw {
		t.Errorf("sum_inv_tau2 %v, want (d+1)/tau^2 = %v", got, wantRaw)
	}
	for _, k := range []string{"cost", "sample_cost"} {
		if got := res[k].(float64); math.Abs(got-wantSample) > 1e-6*wantSample {
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
			if res["classes"] != "correlational" || !strings.Contains(res["oracle"].(string), "classes[correlational]") {
				t.Errorf("classes %v, oracle %v", res["classes"], res["oracle"])
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
		if res["classes"] != "all" {
			t.Errorf("classes %v, want all", res["classes"])
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
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var first, row map[string]any
	if code != 0 || len(lines) != 1+len(bench.DefaultGrid()) || json.Unmarshal([]byte(lines[0]), &first) != nil || json.Unmarshal([]byte(lines[1]), &row) != nil {
		t.Fatalf("results --json: exit %d, %d lines", code, len(lines))
	}
	if _, ok := first["manifest"]; !ok || row["learner"] != "chow" || row["world"] != "realizable" {
		t.Errorf("results --json: %v / %v", first, row)
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
