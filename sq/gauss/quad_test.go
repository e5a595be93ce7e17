package gauss

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// TestIntegrateNaN is a regression test: a NaN integrand used to make every
// panel bisect to maxDepth (about 2^40 evaluations, i.e. a hang). Now the NaN
// is returned promptly.
func TestIntegrateNaN(t *testing.T) {
	done := make(chan [2]float64, 1)
	evals := 0
	go func() {
		v, e := Integrate(func(z float64) float64 { evals++; return math.NaN() }, 0, 3, []float64{1}, 1e-12)
		done <- [2]float64{v, e}
	}()
	select {
	case r := <-done:
		if !math.IsNaN(r[0]) || !math.IsNaN(r[1]) {
			t.Errorf("Integrate(NaN) = %v, error %v; want NaN, NaN", r[0], r[1])
		}
		if evals > 1000 {
			t.Errorf("Integrate(NaN) used %d evaluations", evals)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Integrate with a NaN integrand did not return within 10 s")
	}
}

// TestExpect2NearlyParallelKinks is a regression test: with two nearly
// parallel or nearly opposite kink lines the wedge between them is a narrow
// band in z1 that the outer rule used to step over, returning 0 for
// P[u·Z > 0, v·Z > 0] = (π - θ)/(2π) at θ = π - 1e-7 (and missing the thin
// wedge of P[sign differs] = θ/π at θ = 1e-7).
func TestExpect2NearlyParallelKinks(t *testing.T) {
	for _, theta := range []float64{1e-9, 1e-7, 1e-4, 1, math.Pi - 1e-4, math.Pi - 1e-7, math.Pi - 1e-9} {
		t.Run(fmt.Sprintf("θ=%g", theta), func(t *testing.T) {
			c, s := math.Cos(theta), math.Sin(theta)
			kinks := []Kink{{1, 0, 0}, {c, s, 0}}
			both, _ := Expect2(func(z1, z2 float64) float64 {
				if z1 > 0 && c*z1+s*z2 > 0 {
					return 1
				}
				return 0
			}, kinks, 1e-15)
			differ, _ := Expect2(func(z1, z2 float64) float64 {
				if (z1 > 0) != (c*z1+s*z2 > 0) {
					return 1
				}
				return 0
			}, kinks, 1e-15)
			wantBoth, wantDiffer := (math.Pi-theta)/(2*math.Pi), theta/math.Pi
			if math.Abs(both-wantBoth) > 1e-9*math.Min(wantBoth, 1-wantBoth)+1e-15 {
				t.Errorf("θ=%g: P[both > 0] = %.17g, want %.17g", theta, both, wantBoth)
			}
			if math.Abs(differ-wantDiffer) > 1e-9*math.Min(wantDiffer, 1-wantDiffer)+1e-15 {
				t.Errorf("θ=%g: P[signs differ] = %.17g, want %.17g", theta, differ, wantDiffer)
			}
		})
	}
}
