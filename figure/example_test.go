package figure_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/sqsim/sqsim/figure"
)

// Queries against d on log-log axes, one line per learner: the fitted
// slopes come back from Write and appear in the legend.
func Example() {
	dir, err := os.MkdirTemp("", "figure")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	d := []float64{5, 10, 20, 40}
	var series []figure.Series
	for _, l := range []struct {
		name  string
		power float64
	}{{"gd", 1}, {"search", 2}} {
		s := figure.Series{Name: l.name, X: d}
		for _, x := range d {
			s.Y = append(s.Y, 3*math.Pow(x, l.power))
		}
		series = append(series, s)
	}
	fits, err := figure.Write(filepath.Join(dir, "queries.svg"), series, figure.Options{
		Title:  "queries to reach eps",
		XLabel: figure.Label("d"), YLabel: figure.Label("queries"),
		LogX: true, LogY: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range fits {
		fmt.Printf("%s: slope %.3f\n", f.Group, f.Slope)
	}
	// Output:
	// gd: slope 1.000
	// search: slope 2.000
}
