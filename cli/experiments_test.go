package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	experimentRoot = ".."
	defer func() { experimentRoot = saved }()
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
