package bench

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/sqsim/sqsim/learners"
)

// GridInstance is one world of the results grid: a label for the table and
// the world's settings (applied to the grid's dimension and seed).
type GridInstance struct {
	Label      string
	World      string
	Clip       float64
	NoiseVar   float64
	Frac       float64
	Corruption string
	Eta        float64
}

// DefaultGrid is the grid of docs/results.md: a realizable world, two noise
// levels, two clip levels, agnostic worlds at several opt levels (the
// corruptions flip, zero and lift of Config.Corruption) and a noisy
// halfspace.
func DefaultGrid() []GridInstance {
	g := []GridInstance{
		{Label: "realizable", World: "realizable"},
		{Label: "noisy var 0.01", World: "noisy", NoiseVar: 0.01},
		{Label: "noisy var 0.1", World: "noisy", NoiseVar: 0.1},
		{Label: "clipped C 1", World: "clipped", Clip: 1},
		{Label: "clipped C 0.5", World: "clipped", Clip: 0.5},
	}
	for _, c := range []struct {
		how   string
		fracs []float64
	}{{"flip", []float64{0.05, 0.1, 0.2, 0.4}}, {"zero", []float64{0.1, 0.3}}, {"lift", []float64{0.05, 0.1, 0.2, 0.4}}} {
		for _, f := range c.fracs {
			g = append(g, GridInstance{Label: fmt.Sprintf("agnostic %s %g", c.how, f), World: "agnostic", Frac: f, Corruption: c.how})
		}
	}
	return append(g, GridInstance{Label: "halfspace eta 0.1", World: "halfspace", Eta: 0.1})
}

// GridOptions are the settings shared by every cell of a grid.
type GridOptions struct {
	D        int      // dimension (default 10)
	Seed     uint64   // seed of w* and of the oracles (w* is RandomUnit(Seed, D) for every world)
	Oracle   string   // default "exact"
	Tol      float64  // 0: DefaultTol(Oracle)
	Learners []string // nil: every registered learner
}

// Cell is one learner on one world.
type Cell struct {
	Loss, Ratio float64
	Queries     int // vector queries counted once
	Scalar      int
	Rounds      int
	Err         string // why the learner failed ("" when it did not)
}

// Grid is the result of RunGrid: Cells[i][j] is learner j on instance i.
type Grid struct {
	Options   GridOptions
	Instances []GridInstance
	Opt       []float64 // opt of each instance
	Learners  []string
	Cells     [][]Cell
}

// RunGrid runs every learner of opts on every instance with its default
// options (and the grid's tolerance, see Instance.Learner) and records the
// exact loss, opt, ratio and query counts. A learner that fails, or cannot
// be built, has its error recorded in its cell; a world that cannot be
// built, or whose opt cannot be computed, stops the grid with an error.
func RunGrid(opts GridOptions, instances []GridInstance) (Grid, error) {
	if opts.D == 0 {
		opts.D = 10
	}
	if opts.Oracle == "" {
		opts.Oracle = "exact"
	}
	if opts.Learners == nil {
		opts.Learners = learners.Names()
	}
	g := Grid{Options: opts, Instances: instances, Learners: opts.Learners}
	for _, gi := range instances {
		cfg := DefaultConfig()
		cfg.World, cfg.D, cfg.Seed, cfg.Oracle, cfg.Tol = gi.World, opts.D, opts.Seed, opts.Oracle, opts.Tol
		cfg.Clip, cfg.NoiseVar, cfg.Frac, cfg.Corruption, cfg.Eta = gi.Clip, gi.NoiseVar, gi.Frac, gi.Corruption, gi.Eta
		in, err := NewInstance(cfg)
		if err != nil {
			return g, fmt.Errorf("grid instance %q: %w", gi.Label, err)
		}
		opt, err := in.Opt()
		if err != nil {
			return g, fmt.Errorf("grid instance %q: opt: %w", gi.Label, err)
		}
		g.Opt = append(g.Opt, opt.Opt)
		row := make([]Cell, len(opts.Learners))
		for j, name := range opts.Learners {
			l, tol, err := in.Learner(name, nil)
			if err != nil {
				row[j] = Cell{Err: err.Error(), Loss: math.NaN(), Ratio: math.NaN()}
				continue
			}
			res, err := in.RunLearner(l, tol)
			c := Cell{Loss: res.Loss, Ratio: res.Ratio, Queries: res.Summary.Queries, Scalar: res.Summary.Scalar, Rounds: res.Summary.Rounds}
			if err != nil {
				c.Err, c.Loss, c.Ratio = err.Error(), math.NaN(), math.NaN()
			}
			row[j] = c
		}
		g.Cells = append(g.Cells, row)
	}
	return g, nil
}

// WriteMarkdown writes the grid as three Markdown tables (loss with opt,
// loss/opt, and queries as vector/scalar/rounds) and a list of the errors,
// if any. The output depends only on the grid (no timings), so the same
// command reproduces it byte for byte.
func (g Grid) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	header := func(first string, extra ...string) {
		cols := append([]string{first}, extra...)
		cols = append(cols, g.Learners...)
		b.WriteString("| " + strings.Join(cols, " | ") + " |\n|")
		for i := range cols {
			if i == 0 {
				b.WriteString("---|")
			} else {
				b.WriteString("---:|")
			}
		}
		b.WriteString("\n")
	}
	cell := func(c Cell, f func(Cell) string) string {
		if c.Err != "" {
			return "error"
		}
		return f(c)
	}
	table := func(title string, withOpt bool, f func(Cell) string) {
		fmt.Fprintf(&b, "%s\n\n", title)
		if withOpt {
			header("world", "opt")
		} else {
			header("world")
		}
		for i, gi := range g.Instances {
			cols := []string{gi.Label}
			if withOpt {
				cols = append(cols, gridOpt(g.Opt[i]))
			}
			for _, c := range g.Cells[i] {
				cols = append(cols, cell(c, f))
			}
			b.WriteString("| " + strings.Join(cols, " | ") + " |\n")
		}
		b.WriteString("\n")
	}
	table("**Loss** E[(h(x) - y)^2], exact (closed form or quadrature), and opt = min over ||w|| <= 1 of the ReLU loss:", true,
		func(c Cell) string { return gridLoss(c.Loss) })
	table("**Ratio** loss/opt (— where opt = 0; below 1 means better than the best ReLU of norm <= 1: a larger norm, or an improper hypothesis):", false,
		func(c Cell) string {
			if math.IsNaN(c.Ratio) {
				return "—"
			}
			return fmt.Sprintf("%.4f", c.Ratio)
		})
	table("**Queries** vector / scalar / adaptivity rounds (label-free expectations are free and not counted):", false,
		func(c Cell) string { return fmt.Sprintf("%d / %d / %d", c.Queries, c.Scalar, c.Rounds) })
	var errs []string
	for i, row := range g.Cells {
		for j, c := range row {
			if c.Err != "" {
				errs = append(errs, fmt.Sprintf("- %s on %s: %s", g.Learners[j], g.Instances[i].Label, gridOneLine(c.Err)))
			}
		}
	}
	if len(errs) > 0 {
		sort.Strings(errs)
		b.WriteString("Errors:\n\n" + strings.Join(errs, "\n") + "\n\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gridLoss prints a loss with 4 significant digits, and a loss below 1e-12
// in absolute value as "< 1e-12" (rounding residues of an exact zero, whose
// last bits may differ between machines).
func gridLoss(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.Abs(v) < 1e-12:
		return "< 1e-12"
	}
	return fmt.Sprintf("%.4g", v)
}

// gridOpt prints opt like gridLoss, and an exact 0 (the closed form of the
// realizable world) as 0.
func gridOpt(v float64) string {
	if v == 0 {
		return "0"
	}
	return gridLoss(v)
}

func gridOneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }
