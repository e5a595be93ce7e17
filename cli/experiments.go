package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

func init() {
	register(&command{name: "experiments", summary: "re-run the sweeps of docs/experiments.md and check (or --update) its figures and numbers", run: runExperiments})
	docGenerators["experiment"] = genExperiment
}

// The experiments of docs/experiments.md: each is a few sweep specs of
// sweeps/, the sqsim commands that run, merge and plot them, and the figures
// (docs/figures/) or the table they make. The page quotes each in a block
//
//	<!-- sqsim:begin gen=experiment -- NAME -->
//	(the figures, the commands, what sqsim plot printed: generated)
//	<!-- sqsim:end -->
//
// and `sqsim experiments [--update]` re-runs every one in a temporary
// directory and compares the page's blocks and the committed figures (SVG
// bytes) with what the commands make now. The commands are those a user
// types from the repository's root: paths under runs/ go to the temporary
// directory, paths under docs/figures/ to its figures/ (and are compared
// with the committed ones), paths under sweeps/ are read from --root.
type experiment struct {
	Name    string
	Alt     []string                          // the figures' alt texts, in the order of Figures
	Figures []string                          // the figures the steps write, under docs/figures/
	Steps   [][]string                        // sqsim commands (without "sqsim"), or {"cat", IN..., ">", OUT}
	Table   func(runs string) (string, error) // optional: a markdown table made from the runs
}

var experiments = []experiment{
	{
		Name:    "gd-to-eps",
		Alt:     []string{"queries for gd to reach eps against d", "sample cost for gd to reach eps against d"},
		Figures: []string{"gd-to-eps-queries.svg", "gd-to-eps-cost.svg"},
		Steps: [][]string{
			{"sweep", "run", "sweeps/gd-to-eps.toml", "--out", "runs/gd-to-eps", "--quiet"},
			{"sweep", "merge", "runs/gd-to-eps"},
			{"plot", "--in", "runs/gd-to-eps/summary.csv", "--x", "d", "--y", "stop_queries", "--group", "eps", "--log", "x,y",
				"--ylabel", "queries to reach eps", "--title", "gd on a realizable ReLU: queries to reach eps", "--out", "docs/figures/gd-to-eps-queries.svg"},
			{"plot", "--in", "runs/gd-to-eps/summary.csv", "--x", "d", "--y", "stop_cost", "--group", "eps", "--log", "x,y",
				"--ylabel", "sample cost sum (B/tau)^2 to reach eps", "--title", "gd on a realizable ReLU: cost to reach eps", "--out", "docs/figures/gd-to-eps-cost.svg"},
		},
	},
	{
		Name:    "support-search",
		Alt:     []string{"queries of support search to identify S against d, k = 2, 4, 6"},
		Figures: []string{"support-search.svg"},
		Steps: [][]string{
			{"sweep", "run", "sweeps/support-search.toml", "--out", "runs/support-search", "--quiet"},
			{"sweep", "merge", "runs/support-search"},
			{"plot", "--in", "runs/support-search/summary.csv", "--x", "d", "--y", "queries", "--group", "k", "--log", "x,y", "--yerr", "none",
				"--title", "support search against the SQ adversary", "--out", "docs/figures/support-search.svg"},
		},
	},
	{
		Name: "game-every-learner",
		Steps: [][]string{
			{"sweep", "run", "sweeps/game-every-learner.toml", "--out", "runs/game-every-learner", "--quiet"},
			{"sweep", "merge", "runs/game-every-learner"},
		},
		Table: func(runs string) (string, error) {
			return gameTable(filepath.Join(runs, "game-every-learner", "summary.csv"))
		},
	},
	{
		Name:    "approx-vs-opt",
		Alt:     []string{"loss of approx, chow and gd against opt on agnostic worlds"},
		Figures: []string{"approx-vs-opt.svg"},
		Steps: [][]string{
			{"sweep", "run", "sweeps/approx-vs-opt-1.toml", "--out", "runs/approx-vs-opt-1", "--quiet"},
			{"sweep", "run", "sweeps/approx-vs-opt-2.toml", "--out", "runs/approx-vs-opt-2", "--quiet"},
			{"sweep", "run", "sweeps/approx-vs-opt-3.toml", "--out", "runs/approx-vs-opt-3", "--quiet"},
			{"sweep", "run", "sweeps/approx-vs-opt-4.toml", "--out", "runs/approx-vs-opt-4", "--quiet"},
			{"sweep", "merge", "runs/approx-vs-opt-1"},
			{"sweep", "merge", "runs/approx-vs-opt-2"},
			{"sweep", "merge", "runs/approx-vs-opt-3"},
			{"sweep", "merge", "runs/approx-vs-opt-4"},
			{"cat", "runs/approx-vs-opt-1/summary.jsonl", "runs/approx-vs-opt-2/summary.jsonl", "runs/approx-vs-opt-3/summary.jsonl", "runs/approx-vs-opt-4/summary.jsonl",
				">", "runs/approx-vs-opt.jsonl"},
			{"plot", "--in", "runs/approx-vs-opt.jsonl", "--x", "opt_mean", "--xlabel", "opt (the best ReLU's loss)", "--y", "loss", "--yerr", "none",
				"--group", "learner", "--log", "x,y", "--title", "loss against opt on agnostic worlds (d = 8, exact oracle)", "--out", "docs/figures/approx-vs-opt.svg"},
		},
	},
}

func experimentByName(name string) (*experiment, bool) {
	for i := range experiments {
		if experiments[i].Name == name {
			return &experiments[i], true
		}
	}
	return nil, false
}

func experimentNames() []string {
	var n []string
	for _, e := range experiments {
		n = append(n, e.Name)
	}
	return n
}

// experimentRoot is the directory the sweeps/ paths are read from (the
// repository's root; `sqsim experiments --root`).
var experimentRoot = "."

// experimentRunsDir, when set, is where the experiment blocks run (in
// DIR/NAME, kept afterwards: a test reads the records); by default each runs
// in a temporary directory removed when it is done.
var experimentRunsDir string

// experimentFigures collects the figures the experiment blocks made, keyed
// by their path under docs/ ("figures/NAME.svg"), for runExperiments to
// compare with the committed ones.
var experimentFigures = map[string][]byte{}

// experimentPath maps a path of a step to where it runs.
func experimentPath(a, tmp string) string {
	switch {
	case strings.HasPrefix(a, "runs/"):
		return filepath.Join(tmp, "runs", strings.TrimPrefix(a, "runs/"))
	case strings.HasPrefix(a, "docs/figures/"):
		return filepath.Join(tmp, "figures", strings.TrimPrefix(a, "docs/figures/"))
	case strings.HasPrefix(a, "sweeps/"):
		return filepath.Join(experimentRoot, a)
	}
	return a
}

// shellWord quotes a for a POSIX shell when it needs quoting.
func shellWord(a string) string {
	if a != "" && strings.IndexFunc(a, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./,=:+", r))
	}) < 0 {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

// run runs the experiment's steps in tmp and returns the block's body.
func (e *experiment) run(tmp string) (string, error) {
	if err := os.MkdirAll(filepath.Join(tmp, "figures"), 0o755); err != nil {
		return "", err
	}
	var cmds, printed strings.Builder
	for _, step := range e.Steps {
		if step[0] == "cat" {
			n := len(step)
			if n < 4 || step[n-2] != ">" {
				return "", fmt.Errorf("experiment %s: step %q, want cat IN... > OUT", e.Name, step)
			}
			var data []byte
			for _, in := range step[1 : n-2] {
				b, err := os.ReadFile(experimentPath(in, tmp))
				if err != nil {
					return "", fmt.Errorf("experiment %s: %w", e.Name, err)
				}
				data = append(data, b...)
			}
			if err := os.WriteFile(experimentPath(step[n-1], tmp), data, 0o644); err != nil {
				return "", fmt.Errorf("experiment %s: %w", e.Name, err)
			}
			cmds.WriteString(strings.Join(step, " ") + "\n")
			continue
		}
		words := make([]string, len(step))
		args := make([]string, len(step))
		for i, a := range step {
			words[i] = shellWord(a)
			args[i] = experimentPath(a, tmp)
		}
		line := "sqsim " + strings.Join(words, " ")
		cmds.WriteString(line + "\n")
		var out, errb bytes.Buffer
		if code := Main(args, &out, &errb); code != 0 {
			return "", fmt.Errorf("experiment %s: %s: exit status %d: %s", e.Name, line, code, strings.TrimSpace(errb.String()))
		}
		if step[0] == "plot" {
			fig := "the figure"
			for i, a := range step[:len(step)-1] {
				if a == "--out" {
					fig = step[i+1]
				}
			}
			fmt.Fprintf(&printed, "%s:\n%s", fig, out.String())
		}
	}
	var sb strings.Builder
	sb.WriteString("\n")
	for i, f := range e.Figures {
		b, err := os.ReadFile(filepath.Join(tmp, "figures", f))
		if err != nil {
			return "", fmt.Errorf("experiment %s: the steps made no figure %s: %w", e.Name, f, err)
		}
		experimentFigures["figures/"+f] = b
		fmt.Fprintf(&sb, "![%s](figures/%s)\n", e.Alt[i], f)
	}
	if e.Table != nil {
		t, err := e.Table(filepath.Join(tmp, "runs"))
		if err != nil {
			return "", fmt.Errorf("experiment %s: %w", e.Name, err)
		}
		sb.WriteString(t)
	}
	sb.WriteString("\n```sh\n" + cmds.String() + "```\n")
	if printed.Len() > 0 {
		sb.WriteString("\n```\n" + printed.String() + "```\n")
	}
	return sb.String(), nil
}

// genExperiment is the docs generator of the experiment blocks: gen=experiment -- NAME.
func genExperiment(args []string) (string, error) {
	if len(args) != 1 {
		return "", fmt.Errorf("gen=experiment takes one experiment name (known: %s), got %q", strings.Join(experimentNames(), ", "), args)
	}
	e, ok := experimentByName(args[0])
	if !ok {
		return "", fmt.Errorf("gen=experiment: unknown experiment %q (known: %s)", args[0], strings.Join(experimentNames(), ", "))
	}
	if experimentRunsDir != "" {
		return e.run(filepath.Join(experimentRunsDir, e.Name))
	}
	tmp, err := os.MkdirTemp("", "sqsim-experiment-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	return e.run(tmp)
}

// gameTable is the markdown table of a game sweep's summary.csv: one row
// per learner (in the file's order, which is sorted by group key).
func gameTable(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) < 2 {
		return "", fmt.Errorf("%s: no rows", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	need := []string{"learner", "d", "k", "tau", "n", "done", "identified", "success_rate", "success_ci_lo", "success_ci_hi", "queries_mean", "queries_sd"}
	for _, h := range need {
		if _, ok := col[h]; !ok {
			return "", fmt.Errorf("%s: no column %q", path, h)
		}
	}
	num := func(r []string, h string) (float64, error) {
		v, err := strconv.ParseFloat(r[col[h]], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: column %s: %w", path, h, err)
		}
		return v, nil
	}
	var sb strings.Builder
	sb.WriteString("\n| learner | d | k | tau | identified | success rate [95% Wilson] | queries (mean ± sd) |\n|---|---|---|---|---|---|---|\n")
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			return "", fmt.Errorf("%s: a row of %d fields, want %d", path, len(r), len(rows[0]))
		}
		var v [5]float64
		for i, h := range []string{"success_rate", "success_ci_lo", "success_ci_hi", "queries_mean", "queries_sd"} {
			if v[i], err = num(r, h); err != nil {
				return "", err
			}
		}
		q := strconv.FormatFloat(v[3], 'g', 6, 64)
		if v[4] > 0 && !math.IsNaN(v[4]) {
			q += " ± " + strconv.FormatFloat(v[4], 'g', 3, 64)
		}
		fmt.Fprintf(&sb, "| %s | %s | %s | %s | %s of %s | %.2f [%.2f, %.2f] | %s |\n",
			r[col["learner"]], r[col["d"]], r[col["k"]], r[col["tau"]], r[col["identified"]], r[col["done"]], v[0], v[1], v[2], q)
	}
	return sb.String(), nil
}

// experimentsResult is what checking the page and its figures found.
type experimentsResult struct {
	Page         docFileResult
	StaleFigures []string // paths under the page's directory whose bytes differ (or that are missing)
}

// checkExperiments runs every block of the page (its experiments) and
// compares the figures they made with those under the page's directory.
func checkExperiments(page string, progress io.Writer) (experimentsResult, error) {
	b, err := os.ReadFile(page)
	if err != nil {
		return experimentsResult{}, err
	}
	clear(experimentFigures)
	res, err := checkDocFile(string(b), false, false, progress)
	if err != nil {
		return experimentsResult{}, err
	}
	out := experimentsResult{Page: res}
	var names []string
	for n := range experimentFigures {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		old, err := os.ReadFile(filepath.Join(filepath.Dir(page), n))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return out, err
		}
		if err != nil || !bytes.Equal(old, experimentFigures[n]) {
			out.StaleFigures = append(out.StaleFigures, n)
		}
	}
	return out, nil
}

func runExperiments(args []string, stdout, stderr io.Writer) error {
	f := newFlags("experiments", "[--update] [--root DIR] [--page FILE] [--quiet]", stdout)
	update := f.Bool("update", false, "rewrite the stale blocks of the page and the stale figures (temporary files renamed into place)")
	root := f.String("root", ".", "the repository's root: sweeps/ is read from it")
	page := f.String("page", "", "the page (default ROOT/docs/experiments.md); its figures are under its directory")
	quiet := f.Bool("quiet", false, "no progress lines on stderr")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() > 0 {
		return usagef("experiments: unexpected argument %q (the experiments are those of the page)", f.Arg(0))
	}
	if *page == "" {
		*page = filepath.Join(*root, "docs", "experiments.md")
	}
	if fi, err := os.Stat(filepath.Join(*root, "sweeps")); err != nil || !fi.IsDir() {
		return usagef("experiments: --root %q has no sweeps/ directory", *root)
	}
	b, err := os.ReadFile(*page)
	if err != nil {
		return usagef("experiments: %v", err)
	}
	if _, err := parseDocBlocks(string(b)); err != nil {
		return usagef("experiments: %s: %v", *page, err)
	}
	var progress io.Writer
	if !*quiet {
		progress = stderr
	}
	saved := experimentRoot
	experimentRoot = *root
	defer func() { experimentRoot = saved }()
	res, err := checkExperiments(*page, progress)
	if err != nil {
		return fmt.Errorf("experiments: %s: %w", *page, err)
	}
	verb := "stale"
	if *update {
		verb = "updated"
	}
	for _, s := range res.Page.Stale {
		fmt.Fprintf(stdout, "%s:%d: %s: %s\n", *page, s.Line, verb, s.Marker)
	}
	dir := filepath.Dir(*page)
	for _, n := range res.StaleFigures {
		fmt.Fprintf(stdout, "%s: %s\n", filepath.Join(dir, n), verb)
	}
	if *update {
		for _, n := range res.StaleFigures {
			p := filepath.Join(dir, n)
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("experiments: %w", err)
			}
			if err := writeBytesAtomic(p, experimentFigures[n]); err != nil {
				return fmt.Errorf("experiments: %w", err)
			}
		}
		if len(res.Page.Stale) > 0 {
			if err := writeBytesAtomic(*page, []byte(res.Page.Updated)); err != nil {
				return fmt.Errorf("experiments: %w", err)
			}
		}
	}
	fmt.Fprintf(stdout, "%s: %d blocks, %d stale; %d figures, %d stale\n", *page, res.Page.Blocks, len(res.Page.Stale), len(experimentFigures), len(res.StaleFigures))
	if n := len(res.Page.Stale) + len(res.StaleFigures); n > 0 && !*update {
		return fmt.Errorf("experiments: %d stale blocks and figures; regenerate with `go run ./cmd/sqsim experiments --update`", n)
	}
	return nil
}
