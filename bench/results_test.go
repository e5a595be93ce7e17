package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestGrid: a small grid runs every listed learner on every instance,
// records opt and the ratio, writes the same Markdown twice (no timings in
// it), and records a learner that cannot run in its cell instead of
// stopping the grid.
func TestGrid(t *testing.T) {
	inst := []GridInstance{
		{Label: "realizable", World: "realizable"},
		{Label: "agnostic lift 0.2", World: "agnostic", Frac: 0.2, Corruption: "lift"},
	}
	opts := GridOptions{D: 4, Seed: 2, Learners: []string{"chow", "refit", "no-such-learner"}}
	var out [2]bytes.Buffer
	for i := range out {
		g, err := RunGrid(opts, inst)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Cells) != 2 || len(g.Cells[0]) != 3 || g.Opt[0] != 0 || !(g.Opt[1] > 0) {
			t.Fatalf("grid shape %d x %d, opt %v", len(g.Cells), len(g.Cells[0]), g.Opt)
		}
		c := g.Cells[1][1]
		if c.Err != "" || math.Abs(c.Ratio-c.Loss/g.Opt[1]) > 1e-15 || c.Queries != 2 || c.Scalar != 5 || c.Rounds != 2 {
			t.Errorf("refit cell %+v", c)
		}
		if g.Cells[0][2].Err == "" {
			t.Error("an unknown learner's cell has no error")
		}
		if err := g.WriteMarkdown(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if out[0].String() != out[1].String() {
		t.Error("the grid's Markdown differs between two runs")
	}
	md := out[0].String()
	for _, want := range []string{"| world | opt | chow | refit | no-such-learner |", "| realizable | 0 | < 1e-12 | < 1e-12 | error |", "| 2 / 5 / 2 |", "Errors:", "no-such-learner on realizable"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	if _, err := RunGrid(GridOptions{D: -1}, inst); err == nil {
		t.Error("a grid in dimension -1 ran")
	}
}
