package figure

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

func distuvT(p, nu float64) float64 { return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(p) }

func TestFitLogLog(t *testing.T) {
	t.Run("exact power law", func(t *testing.T) {
		x := []float64{1, 2, 5, 10, 20, 50, 100, 1000}
		y := make([]float64, len(x))
		for i, v := range x {
			y[i] = 3 * v * v
		}
		f, err := FitLogLog(x, y)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.Slope-2) > 1e-12 {
			t.Errorf("slope %.17g, want 2 within 1e-12", f.Slope)
		}
		if math.Abs(f.Intercept-math.Log(3)) > 1e-11 {
			t.Errorf("intercept %.17g, want log 3 = %.17g", f.Intercept, math.Log(3))
		}
		if f.N != len(x) || !(f.Lo <= 2 && 2 <= f.Hi) || f.Hi-f.Lo > 1e-10 {
			t.Errorf("fit %+v: want N = %d and a (near) zero-width interval at 2", f, len(x))
		}
	})
	t.Run("two points", func(t *testing.T) {
		f, err := FitLogLog([]float64{1, 10}, []float64{1, 1000})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(f.Slope-3) > 1e-14 || !math.IsInf(f.Lo, -1) || !math.IsInf(f.Hi, 1) {
			t.Errorf("fit %+v: want slope 3 and an unbounded interval", f)
		}
		if got := f.String(); got != "slope 3.000 n=2 (no interval)" {
			t.Errorf("String() = %q", got)
		}
	})
	// Coverage of the 95% interval, by Monte Carlo: y = 3 x^2 exp(0.1 z),
	// z standard normal, 10 points; over 2000 replicates the fraction of
	// intervals covering 2 has standard deviation sqrt(.95*.05/2000) =
	// 0.0049, so it lies in [0.93, 0.97] (4 sd) unless the interval is
	// wrong. The seed is fixed: the test is deterministic.
	t.Run("noisy coverage", func(t *testing.T) {
		r := rand.New(rand.NewPCG(1, 2))
		x := []float64{2, 3, 5, 8, 13, 21, 34, 55, 89, 144}
		y := make([]float64, len(x))
		const reps = 2000
		covered := 0
		for range reps {
			for i, v := range x {
				y[i] = 3 * v * v * math.Exp(0.1*r.NormFloat64())
			}
			f, err := FitLogLog(x, y)
			if err != nil {
				t.Fatal(err)
			}
			if f.Lo <= 2 && 2 <= f.Hi {
				covered++
			}
		}
		if c := float64(covered) / reps; c < 0.93 || c > 0.97 {
			t.Errorf("coverage %.4f over %d replicates, want 0.95 within 0.02", c, reps)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name string
			x, y []float64
		}{
			{"one point", []float64{1}, []float64{1}},
			{"lengths", []float64{1, 2}, []float64{1}},
			{"equal x", []float64{2, 2, 2}, []float64{1, 2, 3}},
			{"zero y", []float64{1, 2, 3}, []float64{1, 0, 3}},
			{"negative x", []float64{-1, 2, 3}, []float64{1, 2, 3}},
			{"NaN", []float64{1, 2, 3}, []float64{1, math.NaN(), 3}},
			{"Inf", []float64{1, math.Inf(1), 3}, []float64{1, 2, 3}},
		} {
			if _, err := FitLogLog(c.x, c.y); !errors.Is(err, ErrFigure) {
				t.Errorf("%s: err %v, want ErrFigure", c.name, err)
			}
		}
	})
}

// TestTQuantile checks Student's t quantiles against tabulated values
// (R's qt to 10 digits) and the normal limit.
func TestTQuantile(t *testing.T) {
	for _, c := range []struct{ p, nu, want float64 }{
		{0.975, 1, 12.70620474},
		{0.975, 2, 4.302652730},
		{0.975, 10, 2.228138852},
		{0.975, 30, 2.042272456},
		{0.975, 1e9, 1.959963987},
	} {
		if got := TQuantile(c.p, c.nu); math.Abs(got-c.want) > 1e-8*c.want {
			t.Errorf("TQuantile(%v, %v) = %.10g, want %.10g", c.p, c.nu, got, c.want)
		}
	}
}

// TestTQuantileRoutes checks the two routes of TQuantile against each
// other where both are accurate (nu from 1e3 to 1e4; the inverse beta is off by 2e-10 at 1e5).
func TestTQuantileRoutes(t *testing.T) {
	for _, nu := range []float64{1e3, 3e3, 1e4} {
		for _, p := range []float64{0.9, 0.975, 0.995} {
			a := distuvT(p, nu)
			b := tCornishFisher(p, nu)
			if math.Abs(a-b) > 1e-11 {
				t.Errorf("nu %g p %g: inverse beta %.15g, Cornish-Fisher %.15g", nu, p, a, b)
			}
		}
	}
}
