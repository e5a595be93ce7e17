package gauss

import "math"

// dawsonAsym is the argument beyond which Dawson and DawsonDeriv use the
// asymptotic series. At |y| = 7 the smallest term of the series is below
// 5e-17 of the sum (it is reached after 20 terms, long before the terms turn
// around near n = y²), so the truncation error is below the rounding error.
const dawsonAsym = 7.0

// Dawson returns Dawson's function
//
//	F(y) = exp(-y²) ∫_0^y exp(s²) ds = y ₁F₁(1; 3/2; -y²),
//
// the odd function that appears in the Fourier transform of the sign of a
// Gaussian: E[exp(i s z) sign(z)] = (2i/sqrt π) F(s/sqrt 2) for z ~ N(0, 1)
// (theory §4.3). It is never formed as exp(-y²) erfi(y), whose factors
// overflow long before F does.
//
// Method. For |y| < 7 the Kummer-transformed series
//
//	F(y) = y Σ_n p_n/(2n+1),   p_n = exp(-λ) λ^n/n!,   λ = y²,
//
// i.e. F(y) = y E[1/(2N+1)] for N ~ Poisson(y²): every term is positive and
// below 1, so nothing overflows or cancels. The sum starts at the mode of the
// Poisson law, whose probability is computed by Loader's saddle-point
// formula (relative error a few ulp), and runs outward by the recurrences
// p_{n±1} = p_n (λ/(n+1))^{±1} until the remaining terms are below 2^-56 of
// the sum. For |y| >= 7 the asymptotic series
//
//	F(y) = (1/(2y)) Σ_n (2n-1)!!/(2y²)^n,
//
// summed until its terms fall below 2^-56 of the sum (at most 21 terms).
//
// Accuracy: a relative error below 1e-15 for every finite y (measured
// against 400-bit big-float values of the series in the tests, at most about
// 6e-16). F(0) = 0, F(-y) = -F(y); F(±Inf) = 0 and F(NaN) = NaN.
// F attains its maximum 0.5410442246 at y = 0.9241388730 and decays like
// 1/(2y); 0 <= F(y) <= min(y, 1/y) for y >= 0.
func Dawson(y float64) float64 {
	f, _ := dawsonBoth(y, false)
	return f
}

// DawsonDeriv returns F'(y) = 1 - 2 y F(y), the derivative of Dawson's
// function, computed without the cancellation of that formula: for |y| < 7
// as F'(y) = -E[1/(2N-1)] with N ~ Poisson(y²) (the N = 0 term is +exp(-y²)),
// and for |y| >= 7 by the asymptotic series F'(y) = -Σ_{n>=1} (2n-1)!!/(2y²)^n.
// It is even, equals 1 at 0, vanishes at y = ±0.9241388730, and satisfies
// |F'(y)| <= min(1, 1/y²). The error is below 1e-15 |F'(y)| + 2e-16 (tested
// against 400-bit values).
func DawsonDeriv(y float64) float64 {
	_, d := dawsonBoth(y, true)
	return d
}

// DawsonBoth returns F(y) and F'(y) together, sharing the series (about as
// cheap as one of them).
func DawsonBoth(y float64) (f, df float64) { return dawsonBoth(y, true) }

// recipOdd[n] = 1/(2n+1) for the series terms.
var recipOdd = func() (r [512]float64) {
	for n := range r {
		r[n] = 1 / float64(2*n+1)
	}
	return r
}()

func dawsonBoth(y float64, wantDeriv bool) (f, df float64) {
	switch {
	case math.IsNaN(y):
		return y, y
	case math.IsInf(y, 0):
		return 0, 0
	case y == 0:
		return 0, 1
	}
	neg := y < 0
	ay := math.Abs(y)
	if ay >= dawsonAsym {
		f, df = dawsonAsymptotic(ay)
	} else {
		f, df = dawsonPoisson(ay, wantDeriv)
	}
	if neg {
		f = -f
	}
	return f, df
}

// dawsonAsymptotic sums F(y) = (1/(2y)) Σ (2n-1)!!/(2y²)^n and
// F'(y) = -Σ_{n>=1} (2n-1)!!/(2y²)^n for y >= dawsonAsym.
func dawsonAsymptotic(y float64) (f, df float64) {
	x := 1 / (2 * y * y)
	term := 1.0 // (2n-1)!! x^n, n = 0
	tail := 0.0 // Σ_{n>=1} (2n-1)!! x^n
	for n := 1; n < 60; n++ {
		term *= float64(2*n-1) * x
		tail += term
		if term < 0x1p-56*tail {
			break
		}
	}
	return (1 + tail) / (2 * y), -tail
}

// dawsonPoisson evaluates F(y) = y Σ p_n/(2n+1) and F'(y) = p_0 - Σ_{n>=1}
// p_n/(2n-1), p_n the Poisson(λ = y²) probabilities, for 0 < y < dawsonAsym.
func dawsonPoisson(y float64, wantDeriv bool) (f, df float64) {
	lam := y * y
	m := int(lam) // the mode of Poisson(λ) (one of them when λ is an integer)
	var pm float64
	if m == 0 {
		pm = math.Exp(-lam)
	} else {
		fm := float64(m)
		pm = math.Exp(-stirlerr(fm)-bd0(fm, lam)) / math.Sqrt(2*math.Pi*fm)
	}
	// Upward from the mode: n = m, m+1, ...
	var sf, sd float64 // Σ p_n/(2n+1), Σ_{n>=1} p_n/(2n-1)
	p := pm
	for n := m; ; n++ {
		tf := p * recipOdd[n]
		sf += tf
		if n >= 1 {
			sd += p * recipOdd[n-1]
		}
		// Beyond n + 1 > 2λ the ratio λ/(n+1) of consecutive terms is below
		// 1/2, so the remaining sum is below the current term.
		if (float64(n+1) > 2*lam && tf < 0x1p-56*sf) || n+1 >= len(recipOdd) {
			break
		}
		p *= lam / float64(n+1)
	}
	// Downward from the mode: n = m-1, ..., 0.
	p = pm
	var p0 float64
	if m == 0 {
		p0 = pm
	}
	for n := m - 1; n >= 0; n-- {
		p *= float64(n+1) / lam
		tf := p * recipOdd[n]
		sf += tf
		if n >= 1 {
			sd += p * recipOdd[n-1]
		} else {
			p0 = p
		}
		// Below n < λ/2 the ratio n/λ of consecutive terms is below 1/2.
		if float64(n) < 0.5*lam && tf < 0x1p-56*sf {
			// p_0 is then negligible too (it is below the current term's
			// share of the sum by the same geometric argument).
			break
		}
	}
	f = y * sf
	if wantDeriv {
		df = p0 - sd
	}
	return f, df
}
