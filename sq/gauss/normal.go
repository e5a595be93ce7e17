package gauss

import "math"

// InvSqrt2Pi is phi(0) = 1/sqrt(2*pi), the standard normal density at 0.
const InvSqrt2Pi = 0.3989422804014326779399460599343818684758586311649346576659258

// Pdf is the standard normal density phi(t) = exp(-t^2/2)/sqrt(2*pi).
func Pdf(t float64) float64 { return InvSqrt2Pi * math.Exp(-0.5*t*t) }

// Cdf is the standard normal distribution function Phi(t) = P[Z <= t],
// computed as erfc(-t/sqrt 2)/2 so that it keeps full relative accuracy in the
// lower tail.
func Cdf(t float64) float64 { return 0.5 * math.Erfc(-t/math.Sqrt2) }

// Quantile is the standard normal quantile Phi^{-1}(p) for p in [0, 1]:
// Quantile(0) = -Inf, Quantile(1) = +Inf, and NaN for p outside [0, 1] or
// NaN. It has full relative accuracy (a few ulps) for p in [1e-300, 1/2],
// the far lower tail included (below 1e-300 Cdf is subnormal and the
// answer keeps about two digits): a start
// from erfinv (or, in the tails, from the asymptotic expansion of the
// Mills ratio) is refined by Newton steps on Cdf, which keeps full
// relative accuracy for t < 0. (math.Erfcinv(2p) alone loses all digits
// for p below about 1e-17, since it computes Erfinv(1-2p).) For p near 1
// the answer is limited by the spacing of p itself: use -Quantile(1-p)
// when 1-p is known exactly.
func Quantile(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p > 0.5:
		return -lowerQuantile(1 - p)
	}
	return lowerQuantile(p)
}

// lowerQuantile is Quantile for p in (0, 0.5], where Cdf has full relative
// accuracy.
func lowerQuantile(p float64) float64 {
	var t float64
	if p > 1e-8 {
		t = math.Sqrt2 * math.Erfinv(2*p-1)
	} else {
		// Phi(t) ~ phi(t)/|t| as t -> -Inf: t^2 = -2 ln p - ln(2 pi t^2).
		l := -2 * math.Log(p)
		t = -math.Sqrt(l - math.Log(2*math.Pi*l))
	}
	for range 60 {
		// Newton on log Phi: t -= (log Phi(t) - log p) Phi(t) / phi(t),
		// well scaled in the tail where Phi and phi are both tiny.
		c := Cdf(t)
		if c == 0 {
			t /= 2
			continue
		}
		step := (math.Log(c) - math.Log(p)) * c / Pdf(t)
		if math.IsInf(step, 0) || math.IsNaN(step) {
			break
		}
		t -= step
		if math.Abs(step) <= 1e-16*math.Abs(t) {
			break
		}
	}
	return t
}

// Norm returns the Euclidean norm ||w||, rescaling when w·w would
// overflow or underflow (so Norm([]float64{1e200, 1e200}) is 1.414e200,
// not +Inf). It is NaN when w holds a NaN and +Inf when w holds an Inf.
func Norm(w []float64) float64 {
	n := norm(w)
	if math.IsNaN(n) && !math.IsNaN(maxAbs(w)) {
		return math.Inf(1) // an infinite entry and no NaN
	}
	return n
}
