package gauss

import (
	"math"
	"math/big"
	"testing"
)

// TestQuantile checks Quantile against Cdf (round trip) and against
// quantiles computed independently by bisection on a big.Float erfc-free
// route: Phi(t) by its Taylor series in 600-bit arithmetic (|t| <= 10).
func TestQuantile(t *testing.T) {
	t.Run("round trip", func(t *testing.T) {
		// Above t = 3, 1 - Phi(t) is below 2e-3 and p's own rounding limits
		// the answer (documented): those are tested through -Quantile(1-p).
		for _, x := range []float64{-37, -20, -8, -3, -1, -1e-8, 0, 1e-8, 0.5, 1, 3} {
			p := Cdf(x)
			if p == 0 || p == 1 {
				continue
			}
			got := Quantile(p)
			if math.Abs(got-x) > 1e-13*math.Max(1, math.Abs(x)) && math.Abs(got-x) > 1e-12 {
				t.Errorf("Quantile(Cdf(%g)) = %.17g", x, got)
			}
		}
	})
	t.Run("big reference", func(t *testing.T) {
		for _, p := range []float64{1e-20, 1e-9, 1e-5, 0.025, 0.3, 0.5, 0.7, 0.975} {
			want := bigQuantile(p)
			if got := Quantile(p); math.Abs(got-want) > 4e-15*math.Max(1, math.Abs(want)) {
				t.Errorf("Quantile(%g) = %.17g, want %.17g", p, got, want)
			}
		}
	})
	t.Run("subnormal p", func(t *testing.T) {
		// Below p = 1e-300 Cdf is subnormal and has few digits: the answer
		// is finite, in the right place to about 1%.
		if got := Quantile(5e-324); math.IsInf(got, 0) || got > -37 || got < -39 {
			t.Errorf("Quantile(5e-324) = %.17g, want finite, about -38.5", got)
		}
	})
	t.Run("edges", func(t *testing.T) {
		if !math.IsInf(Quantile(0), -1) || !math.IsInf(Quantile(1), 1) {
			t.Errorf("Quantile(0), Quantile(1) = %g, %g, want -Inf, +Inf", Quantile(0), Quantile(1))
		}
		for _, p := range []float64{-1e-300, 1.0000001, math.NaN(), math.Inf(1)} {
			if !math.IsNaN(Quantile(p)) {
				t.Errorf("Quantile(%g) = %g, want NaN", p, Quantile(p))
			}
		}
	})
}

// bigQuantile solves Phi(t) = p by bisection with Phi from bigCdf.
func bigQuantile(p float64) float64 {
	lo, hi := -10.0, 10.0
	for range 200 {
		mid := (lo + hi) / 2
		if mid == lo || mid == hi {
			break
		}
		if bigCdfLess(mid, p) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

// bigCdfLess reports whether Phi(t) < p, with Phi(t) = 1/2 + phi(t) *
// sum_{n>=0} t^(2n+1)/(1*3*...*(2n+1)) and phi(t) = exp(-t^2/2)/sqrt(2 pi)
// from its Taylor series, all in 600-bit arithmetic: the cancellation for
// |t| <= 10 costs under 50 of its 180 digits.
func bigCdfLess(t, p float64) bool {
	const prec = 600
	f := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	x := f(t)
	x2 := new(big.Float).SetPrec(prec).Mul(x, x)
	term, sum := new(big.Float).Set(x), new(big.Float).Set(x)
	for n := 1; n < 400; n++ {
		term.Mul(term, x2)
		term.Quo(term, f(float64(2*n+1)))
		sum.Add(sum, term)
	}
	// exp(a), a = -t^2/2, by its Taylor series.
	a := new(big.Float).SetPrec(prec).Quo(x2, f(-2))
	e, et := f(1), f(1)
	for n := 1; n < 400; n++ {
		et.Mul(et, a)
		et.Quo(et, f(float64(n)))
		e.Add(e, et)
	}
	pi, _, _ := big.ParseFloat("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798", 10, prec, big.ToNearestEven)
	twoPi := new(big.Float).SetPrec(prec).Mul(f(2), pi)
	e.Quo(e, new(big.Float).SetPrec(prec).Sqrt(twoPi))
	v := new(big.Float).SetPrec(prec).Mul(e, sum)
	v.Add(v, f(0.5))
	return v.Cmp(f(p)) < 0
}

func TestNorm(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, c := range []struct {
		name string
		w    []float64
		want float64
	}{
		{"empty", nil, 0},
		{"3-4-5", []float64{3, -4}, 5},
		{"overflowing squares", []float64{3e200, 4e200}, 5e200},
		{"underflowing squares", []float64{3e-200, -4e-200}, 5e-200},
		{"infinite entry", []float64{1, -inf, 2}, inf},
		{"NaN entry", []float64{1, nan}, nan},
		{"NaN after Inf", []float64{inf, nan}, nan},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Norm(c.w)
			if math.IsNaN(c.want) != math.IsNaN(got) || (!math.IsNaN(c.want) && math.Abs(got-c.want) > 1e-15*c.want) {
				t.Errorf("Norm(%v) = %g, want %g", c.w, got, c.want)
			}
		})
	}
}
