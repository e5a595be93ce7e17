package sweep

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence is the level of the summaries' intervals.
const Confidence = 0.95

// meanCI returns the mean, the sample standard deviation and the two-sided
// Student t interval at level Confidence for the mean of xs:
// mean +- t_{(1+Confidence)/2, n-1} sd/sqrt(n). With one value the sd and
// the interval are NaN (nothing to estimate them from); NaN values are
// left out (n counts the finite ones).
func meanCI(xs []float64) (n int, mean, sd, lo, hi float64) {
	var sum float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			n++
			sum += x
		}
	}
	if n == 0 {
		return 0, math.NaN(), math.NaN(), math.NaN(), math.NaN()
	}
	mean = sum / float64(n)
	if n == 1 {
		return 1, mean, math.NaN(), math.NaN(), math.NaN()
	}
	var ss float64
	for _, x := range xs {
		if !math.IsNaN(x) {
			ss += (x - mean) * (x - mean)
		}
	}
	sd = math.Sqrt(ss / float64(n-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile((1 + Confidence) / 2)
	h := t * sd / math.Sqrt(float64(n))
	return n, mean, sd, mean - h, mean + h
}

// wilson returns the Wilson score interval at level Confidence for a
// success rate of k successes in n trials.
func wilson(k, n int) (rate, lo, hi float64) {
	if n == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	z := distuv.UnitNormal.Quantile((1 + Confidence) / 2)
	p := float64(k) / float64(n)
	nn := float64(n)
	den := 1 + z*z/nn
	c := (p + z*z/(2*nn)) / den
	h := z * math.Sqrt(p*(1-p)/nn+z*z/(4*nn*nn)) / den
	lo, hi = math.Max(0, c-h), math.Min(1, c+h)
	if k == 0 {
		lo = 0 // exactly: the interval's lower end at p = 0 is 0 (c = h up to rounding)
	}
	if k == n {
		hi = 1
	}
	return p, lo, hi
}
