package hardness_test

import (
	"fmt"

	"github.com/sqsim/sqsim/hardness"
)

// The exact quantities of the construction: kappa_k, the correlation of
// the symmetric unit ReLU with the parity on S; opt_0 and opt_S, the best
// square losses of a ReLU under the null and under D_S; the number of
// supports C(d, k); and the lower bound on the queries of any SQ learner.
func ExampleNewLandscape() {
	kappa, err := hardness.Kappa(2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("kappa_2 = %.6f\n", kappa)
	land, err := hardness.NewLandscape(2, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("opt_0 = %.6f, opt_S = %.6f, gap = %.6f, M_2 = %d\n", land.Opt0, land.OptS, land.Gap, land.Mk)
	fmt.Println("C(8, 2) =", hardness.Binomial(8, 2), " C(1000, 8) =", hardness.Binomial(1000, 8))
	q, err := hardness.BoundQueries(1000, 8, 0, 1e-3)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("any SQ learner at d = 1000, k = 8, tau = 1e-3 needs >= %.3g queries\n", q)
	// Output:
	// kappa_2 = 0.165247
	// opt_0 = 0.420423, opt_S = 0.340845, gap = 0.079577, M_2 = 13
	// C(8, 2) = 28  C(1000, 8) = 24115080524699431125
	// any SQ learner at d = 1000, k = 8, tau = 1e-3 needs >= 2.41e+13 queries
}
