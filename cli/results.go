package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
)

func init() {
	register(&command{name: "results", summary: "every learner on the grid of worlds of docs/results.md: loss, opt, ratio, queries", run: runResults})
}

func runResults(args []string, stdout, stderr io.Writer) error {
	f := newFlags("results", "[--d D] [--seed S] [--oracle exact|sample|noise|adversarial] [--tol T] [--learners a,b,...] [--json] [--out FILE]", stdout)
	dv := 10
	d := &dv
	f.Var(intFlag{d}, "d", fmt.Sprintf("dimension `d` of every world, 1 <= d <= %d", bench.MaxDim))
	seed := f.Uint64("seed", 1, "seed of w* (the same random unit w* for every world) and of the oracles")
	oracleName := f.String("oracle", "exact", "the oracle: exact | sample | noise | adversarial")
	tol := f.Float64("tol", 0, "tolerance passed to every learner as its option tol (default: 1e-6 exact, 1e-3 noise and adversarial, 0.05 sample)")
	var names []string
	f.Var(stringsFlag{&names}, "learners", "comma-separated `learners` (default: every registered learner)")
	var o outputFlags
	bindOutput(f, &o, "one object per (world, learner)")
	asJSON := &o.JSON
	update := f.String("update", "", "instead of printing, replace the generated block of this Markdown file (docs/results.md) whose BEGIN marker names these flags (the new file is written next to it and renamed over it, so a failed write leaves it unchanged)")
	if err := f.parse(args); err != nil {
		return err
	}
	var up *resultsDoc
	if f.set("update") {
		if *asJSON || f.set("out") {
			return usagef("results: --update writes Markdown into its file; it does not go with --json or --out")
		}
		var err error
		if up, err = openResultsDoc(*update, resultsMarker(args)); err != nil {
			return err
		}
		defer up.out.Abort()
	}
	if err := checkDim("results", *d); err != nil {
		return err
	}
	if !slices.Contains(bench.Oracles, *oracleName) {
		return usagef("results: --oracle %q, want one of %s", *oracleName, strings.Join(bench.Oracles, ", "))
	}
	if err := checkFinite("tol", *tol); err != nil {
		return err
	}
	if f.set("tol") && !(*tol > 0) {
		return usagef("results: --tol %v, want a tolerance > 0", *tol)
	}
	opts := bench.GridOptions{D: *d, Seed: *seed, Oracle: *oracleName, Tol: *tol}
	if f.set("learners") {
		for _, n := range names {
			if _, ok := learners.Lookup(n); !ok {
				return usagef("results: --learners: unknown learner %q (known: %s)", n, strings.Join(learners.Names(), ", "))
			}
			if slices.Contains(opts.Learners, n) {
				return usagef("results: --learners: %q is listed twice", n)
			}
			opts.Learners = append(opts.Learners, n)
		}
	}
	if up == nil {
		w, err := o.open("results", stdout)
		if err != nil {
			return err
		}
		return o.close("results", runResultsGrid(opts, func(g *bench.Grid) error { return printResults(g, opts, *asJSON, args, w) }))
	}
	return runResultsGrid(opts, up.replace)
}

// resultsDoc is the Markdown file of results --update: its text, the
// generated block's byte range, and the new file (written next to it and
// renamed over it).
type resultsDoc struct {
	path       string
	doc        []byte
	begin, end int
	out        *atomicFile
}

// openResultsDoc reads the file, finds the block marker opens and opens the
// new file now, so that an unwritable directory is refused before the grid
// runs.
func openResultsDoc(path, marker string) (*resultsDoc, error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("results: --update: %v", err)
	}
	begin, end := blockBounds(string(doc), marker)
	if begin < 0 {
		return nil, usagef("results: --update %s: no block %q ... %q in the file", path, marker, resultsEnd)
	}
	out, err := createAtomic(path)
	if err != nil {
		return nil, usagef("results: --update: %v", err)
	}
	return &resultsDoc{path: path, doc: doc, begin: begin, end: end, out: out}, nil
}

// replace writes the file with the grid's Markdown in place of the block.
func (r *resultsDoc) replace(g *bench.Grid) error {
	var b strings.Builder
	if err := g.WriteMarkdown(&b); err != nil {
		return err
	}
	if _, err := io.WriteString(r.out, string(r.doc[:r.begin])+b.String()+string(r.doc[r.end:])); err != nil {
		return fmt.Errorf("results: --update %s: %w (the file is unchanged)", r.path, err)
	}
	if err := r.out.Commit(); err != nil {
		return fmt.Errorf("results: --update: %w", err)
	}
	return nil
}

// runResultsGrid runs the grid of opts and hands it to show.
func runResultsGrid(opts bench.GridOptions, show func(*bench.Grid) error) error {
	g, err := bench.RunGrid(opts, bench.DefaultGrid())
	if err != nil {
		if errors.Is(err, bench.ErrConfig) {
			return usagef("results: %v", err)
		}
		return fmt.Errorf("results: %w", err)
	}
	return show(&g)
}

// resultsRow is a (world, learner) line of sqsim results --json.
type resultsRow struct {
	World         string `json:"world"`
	Learner       string `json:"learner"`
	Opt           num    `json:"opt"`
	Loss          num    `json:"loss"`
	Ratio         num    `json:"ratio"`
	Queries       int    `json:"queries"`
	ScalarQueries int    `json:"scalar_queries"`
	Rounds        int    `json:"rounds"`
	Error         string `json:"error,omitempty"`
}

// printResults prints the grid as Markdown, or as JSON Lines.
func printResults(g *bench.Grid, o bench.GridOptions, asJSON bool, args []string, stdout io.Writer) error {
	if !asJSON {
		if err := g.WriteMarkdown(stdout); err != nil {
			return fmt.Errorf("results: writing the output: %w", err)
		}
		return nil
	}
	conf := map[string]any{"d": o.D, "seed": o.Seed, "oracle": o.Oracle, "tol": num(o.Tol), "learners": g.Learners}
	jl, err := bench.NewJSONL(stdout, manifestArgs("results", args, conf))
	if err != nil {
		return err
	}
	for i, gi := range g.Instances {
		for j, c := range g.Cells[i] {
			jl.Write(resultsRow{World: gi.Label, Learner: g.Learners[j], Opt: num(g.Opt[i]), Loss: num(c.Loss), Ratio: num(c.Ratio),
				Queries: c.Queries, ScalarQueries: c.Scalar, Rounds: c.Rounds, Error: c.Err})
		}
	}
	return jl.Err()
}

// resultsEnd closes a generated block of docs/results.md.
const resultsEnd = "<!-- END generated -->"

// resultsMarker is the line that opens the block a results command with
// args generates: it names the command, without --update.
func resultsMarker(args []string) string {
	var keep []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--update" || a == "-update":
			i++
			continue
		case strings.HasPrefix(a, "--update=") || strings.HasPrefix(a, "-update="):
			continue
		}
		keep = append(keep, a)
	}
	cmd := strings.TrimSpace("go run ./cmd/sqsim results " + strings.Join(keep, " "))
	return "<!-- BEGIN generated by: " + cmd + " -->"
}

// blockBounds returns the byte range of the text between the marker line
// and the next END line (the marker and END lines excluded), or -1, -1.
func blockBounds(doc, marker string) (int, int) {
	i := strings.Index(doc, marker+"\n")
	if i < 0 {
		return -1, -1
	}
	start := i + len(marker) + 1
	j := strings.Index(doc[start:], resultsEnd)
	if j < 0 {
		return -1, -1
	}
	return start, start + j
}
