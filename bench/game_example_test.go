package bench_test

import (
	"fmt"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
)

// The lower-bound game (hardness.Adversary) at d = 12, k = 4, tau = 1e-3: the SQ adversary
// answers every query with the null value while it can, and at the end
// picks the worst support S still consistent with its answers. Support
// search (sparse) tests the C(12, 4) = 495 subsets and identifies S;
// gradient descent is never forced off the null answers and does not.
// (At k = 2 the signal is large enough that gd identifies S too, e.g. at
// d = 8, tau = 1e-3: the bound bites as k grows.)
func ExamplePlayNamed() {
	for _, name := range []string{"sparse", "gd"} {
		res, err := bench.PlayNamed(bench.GameConfig{D: 12, K: 4, Tau: 1e-3, Learner: name, Seed: 1})
		if err != nil {
			fmt.Println(err)
			return
		}
		v := res.Verdict
		fmt.Printf("%s: identified %v, %d queries (%d scalar), %d forced, %v of %s supports survive\n",
			name, res.Identified, res.Queries, res.ScalarQueries, res.Forced, res.Survivors.Lower, res.Supports)
		fmt.Printf("  loss on the truth %.4f, opt_S + eps = %.4f\n", v.Loss, v.OptS+v.Eps)
	}
	// Output:
	// sparse: identified true, 496 queries (496 scalar), 1 forced, 1 of 495 supports survive
	//   loss on the truth 0.4118, opt_S + eps = 0.4161
	// gd: identified false, 100 queries (1200 scalar), 0 forced, 190 of 495 supports survive
	//   loss on the truth 0.4205, opt_S + eps = 0.4161
}

// A learner value plays the game: here the random-queries baseline built
// by hand, as a user's own sq.Learner would be.
func ExamplePlayGame() {
	l := &learners.RandomQueries{K: 4, Budget: 50, Tol: 1e-3, Kind: "support"}
	res, err := bench.PlayGame(l, bench.GameConfig{D: 12, K: 4, Tau: 1e-3, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s: identified %v, %d queries, %v of %s supports survive\n",
		res.Learner, res.Identified, res.Queries, res.Survivors.Lower, res.Supports)
	// Output:
	// random: identified false, 50 queries, 447 of 495 supports survive
}
