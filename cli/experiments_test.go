package cli

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sweep"
)

// TestExperiments: every figure of docs/experiments.md and every number its
// experiment blocks quote is what the sweeps of sweeps/ make now. It re-runs
// every sweep (about 6 s on the 2-core development machine), so it is
// skipped under -short. Regenerate with `go run ./cmd/sqsim experiments
// --update` from the repository's root.
func TestExperiments(t *testing.T) {
	if testing.Short() {
		t.Skip("re-runs every sweep of docs/experiments.md (seconds); run it with `go test ./cli -run TestExperiments` or `go run ./cmd/sqsim experiments`")
	}
	saved := experimentRoot
	experimentRoot, experimentRunsDir = "..", t.TempDir()
	defer func() { experimentRoot, experimentRunsDir = saved, "" }()
	res, err := checkExperiments("../docs/experiments.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Page.Blocks != len(experiments) {
		t.Errorf("docs/experiments.md has %d blocks, want one per experiment (%d: %s)", res.Page.Blocks, len(experiments), strings.Join(experimentNames(), ", "))
	}
	for _, s := range res.Page.Stale {
		t.Errorf("docs/experiments.md:%d: block %q is stale", s.Line, s.Marker)
	}
	for _, f := range res.StaleFigures {
		t.Errorf("docs/%s is stale (its bytes differ from what the commands make now)", f)
	}
	if len(res.Page.Stale)+len(res.StaleFigures) > 0 {
		t.Errorf("regenerate with `go run ./cmd/sqsim experiments --update` (from the repository's root)")
	}
	for _, e := range experiments {
		for _, f := range e.Figures {
			if _, ok := experimentFigures["figures/"+f]; !ok {
				t.Errorf("experiment %s made no figure %s", e.Name, f)
			}
		}
	}
	// The records behind the figures, against independent routes.
	read := func(name, file string) []sweep.Record {
		t.Helper()
		recs, err := readSweepRecords(filepath.Join(experimentRunsDir, name, "runs", file))
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			t.Fatalf("%s/%s: no records", name, file)
		}
		return recs
	}
	t.Run("support search asks C(d,k)+1 queries", func(t *testing.T) {
		for _, r := range read("support-search", "support-search/results.jsonl") {
			want := new(big.Int).Add(hardness.Binomial(r.D, r.K), big.NewInt(1))
			if !r.Done() || !r.Identified || big.NewInt(int64(r.Queries)).Cmp(want) != 0 {
				t.Errorf("%s: status %s, identified %v, %d queries; want done, identified, C(%d,%d)+1 = %s", r.Key, r.Status, r.Identified, r.Queries, r.D, r.K, want)
			}
		}
	})
	t.Run("gd reaches every eps", func(t *testing.T) {
		for _, r := range read("gd-to-eps", "gd-to-eps/results.jsonl") {
			if !r.Done() || !r.Reached || !(float64(r.Loss) <= float64(r.Eps)) {
				t.Errorf("%s: status %s, reached %v, loss %v; want done, reached, loss <= eps", r.Key, r.Status, r.Reached, r.Loss)
			}
		}
	})
	t.Run("only sparse identifies S", func(t *testing.T) {
		recs := read("game-every-learner", "game-every-learner/results.jsonl")
		seen := map[string]bool{}
		for _, r := range recs {
			seen[r.Learner] = true
			if !r.Done() || r.Identified != (r.Learner == "sparse") {
				t.Errorf("%s: status %s, identified %v", r.Key, r.Status, r.Identified)
			}
		}
		for _, l := range learners.Names() {
			if !seen[l] && !strings.HasPrefix(l, "cli-test-") { // cli-test-*: this test binary's own
				t.Errorf("learner %s is registered but not in sweeps/game-every-learner.toml", l)
			}
		}
	})
	t.Run("approx, chow and gd reach opt", func(t *testing.T) {
		for i := 1; i <= 4; i++ {
			name := fmt.Sprintf("approx-vs-opt-%d", i)
			for _, r := range read("approx-vs-opt", name+"/results.jsonl") {
				// loss >= opt always (opt is the best ReLU's loss); here
				// within 1% of it (approxfit's table: ratios <= 1.003)
				if !r.Done() || !(float64(r.Opt) > 0) || !(float64(r.Loss) >= float64(r.Opt)*(1-1e-9)) || !(float64(r.Loss) <= 1.01*float64(r.Opt)) {
					t.Errorf("%s: status %s, loss %v, opt %v; want opt <= loss <= 1.01 opt", r.Key, r.Status, r.Loss, r.Opt)
				}
			}
		}
	})
}

// readSweepRecords reads the records of a merged results.jsonl (its manifest
// line skipped).
func readSweepRecords(path string) ([]sweep.Record, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []sweep.Record
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, `{"manifest"`) {
			continue
		}
		var r sweep.Record
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// TestExperimentsCommand: on a page of one cheap experiment, `sqsim
// experiments` reports a missing or changed figure and a stale block (exit
// 1), --update writes them, and a check after the update is clean; bad
// command lines are usage errors.
func TestExperimentsCommand(t *testing.T) {
	dir := t.TempDir()
	page := filepath.Join(dir, "page.md")
	text := "intro\n<!-- sqsim:begin gen=experiment -- gd-to-eps -->\nold\n<!-- sqsim:end -->\n"
	if err := os.WriteFile(page, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (int, string, string) {
		return runCLI(append([]string{"experiments", "--quiet", "--root", "..", "--page", page}, args...)...)
	}
	code, out, _ := run()
	if code != 1 || !strings.Contains(out, "page.md:2: stale") || !strings.Contains(out, "gd-to-eps-queries.svg: stale") {
		t.Errorf("check of a stale page: exit %d, stdout %q; want 1, the stale block and the missing figures", code, out)
	}
	if code, out, errs := run("--update"); code != 0 || !strings.Contains(out, "2 figures, 2 stale") {
		t.Fatalf("--update: exit %d, %s %s", code, out, errs)
	}
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"![queries for gd to reach eps against d](figures/gd-to-eps-queries.svg)",
		"sqsim sweep run sweeps/gd-to-eps.toml --out runs/gd-to-eps", "eps = 0.01: slope "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("updated page lacks %q:\n%s", want, b)
		}
	}
	fig := filepath.Join(dir, "figures", "gd-to-eps-cost.svg")
	svg, err := os.ReadFile(fig)
	if err != nil || !strings.Contains(string(svg), "<svg") {
		t.Fatalf("figure %s: %v, %.80q", fig, err, svg)
	}
	if code, out, errs := run(); code != 0 || !strings.Contains(out, "0 stale; 2 figures, 0 stale") {
		t.Errorf("check after update: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// one byte of a figure changed: stale, the page is not
	svg[len(svg)-2] ^= 1
	if err := os.WriteFile(fig, svg, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(); code != 1 || !strings.Contains(out, "gd-to-eps-cost.svg: stale") || !strings.Contains(out, "0 stale; 2 figures, 1 stale") {
		t.Errorf("check with a changed figure: exit %d, stdout %q; want 1 and the figure", code, out)
	}

	bad := filepath.Join(dir, "bad.md")
	os.WriteFile(bad, []byte("<!-- sqsim:begin gen=experiment -- nosuch -->\n<!-- sqsim:end -->\n"), 0o644)
	if code, _, errs := runCLI("experiments", "--quiet", "--root", "..", "--page", bad); code != 1 || !strings.Contains(errs, `unknown experiment "nosuch"`) {
		t.Errorf("unknown experiment: exit %d, stderr %q; want 1 naming it", code, errs)
	}
	usageFails(t, "unexpected argument", "experiments", "--root", "..", "extra")
	usageFails(t, "no sweeps/", "experiments", "--root", dir)
	usageFails(t, "missing.md", "experiments", "--root", "..", "--page", filepath.Join(dir, "missing.md"))
	usageFails(t, "-nosuch", "experiments", "-nosuch")
}

// TestGameTable: the table of a game summary, and a summary it cannot read.
func TestGameTable(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "summary.csv")
	csv := "learner,d,k,tau,n,done,identified,success_rate,success_ci_lo,success_ci_hi,queries_mean,queries_sd\n" +
		"sparse,12,2,0.04,3,3,3,1,0.4385,1,67,0\n" +
		"gd,12,2,0.04,3,3,0,0,0,0.5615,100,2.5\n"
	os.WriteFile(p, []byte(csv), 0o644)
	got, err := gameTable(p)
	if err != nil {
		t.Fatal(err)
	}
	want := "\n| learner | d | k | tau | identified | success rate [95% Wilson] | queries (mean ± sd) |\n|---|---|---|---|---|---|---|\n" +
		"| sparse | 12 | 2 | 0.04 | 3 of 3 | 1.00 [0.44, 1.00] | 67 |\n" +
		"| gd | 12 | 2 | 0.04 | 0 of 3 | 0.00 [0.00, 0.56] | 100 ± 2.5 |\n"
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
	for name, body := range map[string]string{
		"no column": "learner,d\ngd,12\n",
		"no rows":   strings.SplitAfter(csv, "\n")[0],
		"not a num": strings.Replace(csv, "67", "x", 1),
	} {
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := gameTable(p); err == nil {
			t.Errorf("%s: nil error", name)
		}
	}
}
