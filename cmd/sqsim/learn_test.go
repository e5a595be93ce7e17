package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
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
		{"--clip applies to --dist clipped", []string{"--clip", "2"}},
		{"--frac applies to --dist agnostic", []string{"--dist", "noisy", "--frac", "0.1"}},
		{"--eta applies", []string{"--eta", "0.1"}},
		{"--noise-var applies", []string{"--dist", "clipped", "--noise-var", "1"}},
		{"--noise applies to --oracle noise", []string{"--noise", "gaussian"}},
		{"--delta applies to --oracle sample", []string{"--delta", "0.1"}},
		{"clip level C = 0", []string{"--dist", "clipped", "--clip", "0"}},
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
	}
	for _, c := range cases {
		usageFails(t, c.want, append([]string{"learn"}, c.args...)...)
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
}

// TestResultsDocIsCurrent: the exact-oracle table of docs/results.md is the
// output of the command the page names; after a change to a learner or a
// new learner, regenerate it with
// `go run ./cmd/sqsim results --update docs/results.md`.
func TestResultsDocIsCurrent(t *testing.T) {
	doc, err := os.ReadFile("../../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	begin, end := blockBounds(string(doc), resultsMarker(nil))
	if begin < 0 {
		t.Fatalf("docs/results.md has no block %q", resultsMarker(nil))
	}
	code, out, errs := runCLI("results")
	if code != 0 {
		t.Fatalf("results: exit %d, %s", code, errs)
	}
	if got := string(doc[begin:end]); got != out {
		t.Errorf("docs/results.md is stale: regenerate with `go run ./cmd/sqsim results --update docs/results.md`")
	}
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
