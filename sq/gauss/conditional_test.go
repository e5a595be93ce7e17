package gauss

import (
	"fmt"
	"math"
	"testing"
)

// TestConditionalMoments checks the five conditional moments against
// kink-aware quadrature over xi ~ N(0, 1) (Expect1, with its break at the
// kink xi = -mu/c), to within the quadrature's own error estimate plus
// 1e-13 relative to max(1, |mu|, |c|)^2 (the moments' rounding).
func TestConditionalMoments(t *testing.T) {
	moments := []struct {
		name string
		f    func(mu, c float64) float64
		g    func(mu, c, xi float64) float64 // the integrand
	}{
		{"CondRelu", CondRelu, func(mu, c, xi float64) float64 { return math.Max(0, mu+c*xi) }},
		{"CondRelu2", CondRelu2, func(mu, c, xi float64) float64 { r := math.Max(0, mu+c*xi); return r * r }},
		{"CondStep", CondStep, func(mu, c, xi float64) float64 { return heaviside(mu + c*xi) }},
		{"CondStepXi", CondStepXi, func(mu, c, xi float64) float64 { return heaviside(mu+c*xi) * xi }},
		{"CondReluXi", CondReluXi, func(mu, c, xi float64) float64 { return math.Max(0, mu+c*xi) * xi }},
	}
	for _, m := range moments {
		for _, mu := range []float64{-3, -1, -0.1, 0, 0.2, 1, 4} {
			for _, c := range []float64{-1.5, 0.01, 0.3, 1, 2.5} {
				t.Run(fmt.Sprintf("%s/mu=%g/c=%g", m.name, mu, c), func(t *testing.T) {
					want, eb := Expect1(func(xi float64) float64 { return m.g(mu, c, xi) }, []float64{-mu / c}, 1e-13)
					got := m.f(mu, c)
					scale := math.Max(1, math.Max(math.Abs(mu), math.Abs(c)))
					if d := math.Abs(got - want); d > eb+1e-13*scale*scale {
						t.Errorf("%s(%g, %g) = %.17g, quadrature %.17g (error estimate %.2g): off by %.2g", m.name, mu, c, got, want, eb, d)
					}
				})
			}
		}
	}
}

// TestConditionalMomentsLimits checks c = 0 (the deterministic limit),
// Stein's identity CondReluXi = c CondStep, and NaN in, NaN out.
func TestConditionalMomentsLimits(t *testing.T) {
	t.Run("c=0", func(t *testing.T) {
		for _, mu := range []float64{-2, 0, 0.5} {
			r := math.Max(0, mu)
			got := []float64{CondRelu(mu, 0), CondRelu2(mu, 0), CondStep(mu, 0), CondStepXi(mu, 0), CondReluXi(mu, 0)}
			want := []float64{r, r * r, heaviside(mu), 0, 0}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("mu = %g: moment %d = %v, want %v", mu, i, got[i], want[i])
				}
			}
		}
	})
	t.Run("Stein", func(t *testing.T) {
		for _, mu := range []float64{-2, 0.3, 3} {
			for _, c := range []float64{-0.7, 0.2, 2} {
				if got, want := CondReluXi(mu, c), c*CondStep(mu, c); math.Abs(got-want) > 1e-15*math.Abs(want) {
					t.Errorf("CondReluXi(%g, %g) = %v, c CondStep = %v", mu, c, got, want)
				}
			}
		}
	})
	t.Run("NaN", func(t *testing.T) {
		for _, f := range []func(float64, float64) float64{CondRelu, CondRelu2, CondStep, CondStepXi, CondReluXi} {
			if v := f(math.NaN(), 1); !math.IsNaN(v) {
				t.Errorf("f(NaN, 1) = %v, want NaN", v)
			}
			if v := f(0, math.NaN()); !math.IsNaN(v) {
				t.Errorf("f(0, NaN) = %v, want NaN", v)
			}
		}
	})
}

func heaviside(t float64) float64 {
	if t > 0 {
		return 1
	}
	return 0
}
