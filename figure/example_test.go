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

// Loss per step of gradient descent through two oracles on a log y axis,
// with the noisy oracle's bound as a dashed reference line: the API the
// demo's figures use, with series made in code.
func ExampleWrite() {
	dir, err := os.MkdirTemp("", "figure")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	exact := figure.Series{Name: "exact oracle"}
	noisy := figure.Series{Name: "noise oracle, tau = 1e-3"}
	for step := 1; step <= 30; step++ {
		exact.X, exact.Y = append(exact.X, float64(step)), append(exact.Y, math.Pow(0.5, float64(step)))
		noisy.X, noisy.Y = append(noisy.X, float64(step)), append(noisy.Y, math.Pow(0.5, float64(step))+1e-5)
	}
	bound := figure.Series{Name: "bound 1e-5", X: []float64{1, 30}, Y: []float64{1e-5, 1e-5}, Reference: true}
	_, err = figure.Write(filepath.Join(dir, "loss.png"), []figure.Series{exact, noisy, bound}, figure.Options{
		Title:  "gradient descent on a realizable ReLU",
		XLabel: figure.Label("step"), YLabel: figure.Label("loss"),
		LogY: true,
	})
	fmt.Println(err)
	// Output:
	// <nil>
}
