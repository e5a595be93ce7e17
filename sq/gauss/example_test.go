package gauss_test

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq/gauss"
)

// The population square loss of w against labels y = relu(v·x) + noise
// (theory §2.3, reference point w = (0.6, 0.8), v = (1.5, -0.5)).
func ExampleReluLoss() {
	w := []float64{0.6, 0.8}
	v := []float64{1.5, -0.5}
	fmt.Printf("L(w), σ² = 0:    %.12f\n", gauss.ReluLoss(w, v, 0))
	fmt.Printf("L(w), σ² = 0.01: %.12f\n", gauss.ReluLoss(w, v, 0.01))
	fmt.Printf("L(v), σ² = 0.01: %.12f\n", gauss.ReluLoss(v, v, 0.01))
	// Output:
	// L(w), σ² = 0:    0.971326979550
	// L(w), σ² = 0.01: 0.981326979550
	// L(v), σ² = 0.01: 0.010000000000
}

// Population gradient descent on the square loss converges to the teacher v.
func ExampleReluLossGrad() {
	w := []float64{0.6, 0.8}
	v := []float64{1.5, -0.5}
	g := make([]float64, 2)
	gauss.ReluLossGrad(w, v, g)
	fmt.Printf("∇L(w) = (%.12f, %.12f)\n", g[0], g[1])
	for range 60 {
		gauss.ReluLossGrad(w, v, g)
		for i := range w {
			w[i] -= 0.5 * g[i]
		}
	}
	fmt.Printf("after 60 steps: w = (%.9f, %.9f)\n", w[0], w[1])
	// Output:
	// ∇L(w) = (-0.590103471090, 0.719236327754)
	// after 60 steps: w = (1.500000000, -0.500000000)
}

// Expect2 integrates a kinked function of two standard normals; declaring the
// kink lines keeps the rule exponentially convergent. Here E3 for unit
// vectors at angle 1.1, compared with its closed form.
func ExampleExpect2() {
	c, s := math.Cos(1.1), math.Sin(1.1)
	f := func(z1, z2 float64) float64 { return math.Max(0, z1) * math.Max(0, c*z1+s*z2) }
	val, _ := gauss.Expect2(f, []gauss.Kink{{A1: 1, A2: 0, C: 0}, {A1: c, A2: s, C: 0}}, 1e-13)
	fmt.Printf("quadrature:  %.12f\n", val)
	fmt.Printf("closed form: %.12f\n", gauss.ReluCross([]float64{1, 0}, []float64{c, s}))
	// Output:
	// quadrature:  0.289226846005
	// closed form: 0.289226846005
}
