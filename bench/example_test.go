package bench_test

import (
	"fmt"

	"github.com/sqsim/sqsim/bench"
)

// Run one registered learner on one world through one oracle, scored with
// the exact loss: refit (Chow direction, best norm) on labels lifted to 1
// just below the kink, where chow alone overshoots opt.
func ExampleRun() {
	cfg := bench.DefaultConfig() // d = 10, seed 1, exact oracle
	cfg.Learner = "refit"
	cfg.World, cfg.Corruption, cfg.Frac = "agnostic", "lift", 0.2
	res, err := bench.Run(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	s := res.Summary
	fmt.Printf("loss %.6f, opt %.6f, loss/opt %.4f\n", res.Loss, res.Opt, res.Ratio)
	fmt.Printf("%d queries (%d scalar) in %d rounds, oracle %s\n", s.Queries, s.Scalar, s.Rounds, res.Oracle)
	// Output:
	// loss 0.224997, opt 0.224997, loss/opt 1.0000
	// 2 queries (11 scalar) in 2 rounds, oracle ledger(exact)
}

// The grid of docs/results.md, restricted to two learners and two worlds.
func ExampleRunGrid() {
	worlds := []bench.GridInstance{
		{Label: "noisy var 0.1", World: "noisy", NoiseVar: 0.1},
		{Label: "agnostic lift 0.4", World: "agnostic", Frac: 0.4, Corruption: "lift"},
	}
	g, err := bench.RunGrid(bench.GridOptions{D: 5, Seed: 1, Learners: []string{"chow", "gd"}}, worlds)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, w := range g.Instances {
		fmt.Printf("%s: opt %.4f, chow %.4f, gd %.4f\n", w.Label, g.Opt[i], g.Cells[i][0].Loss, g.Cells[i][1].Loss)
	}
	// Output:
	// noisy var 0.1: opt 0.1000, chow 0.1000, gd 0.1000
	// agnostic lift 0.4: opt 0.4250, chow 0.5249, gd 0.4250
}
