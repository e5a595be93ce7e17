package gauss

import "math"

// Conditional moments of the ReLU and the step function along a direction
// partly outside the span a quadrature integrates over: with x Gaussian and
// w.x = mu + c xi, where mu is the part of w.x in the span and c xi, xi ~
// N(0, 1) independent, the part outside it, these are the expectations over
// xi in closed form. They are exact for every mu and c (c may be negative:
// xi and -xi have the same law; c = 0 is the deterministic limit), NaN for a
// NaN argument, and keep full relative accuracy except where noted.

// CondRelu returns E[relu(mu + c xi)] = |c| (a Phi(a) + phi(a)) with a =
// mu/|c| (relu(mu) for c = 0). It loses relative accuracy for mu/|c| below
// about -5, where the two terms cancel.
func CondRelu(mu, c float64) float64 {
	if math.IsNaN(mu) || math.IsNaN(c) {
		return math.NaN()
	}
	c = math.Abs(c)
	if c == 0 {
		return posPart(mu)
	}
	a := mu / c
	return c * (a*Cdf(a) + Pdf(a))
}

// CondRelu2 returns E[relu(mu + c xi)^2] = (mu^2 + c^2) Phi(a) + mu |c|
// phi(a) with a = mu/|c| (relu(mu)^2 for c = 0). Like CondRelu it cancels
// for mu/|c| below about -5.
func CondRelu2(mu, c float64) float64 {
	if math.IsNaN(mu) || math.IsNaN(c) {
		return math.NaN()
	}
	c = math.Abs(c)
	if c == 0 {
		r := posPart(mu)
		return r * r
	}
	a := mu / c
	return (mu*mu+c*c)*Cdf(a) + mu*c*Pdf(a)
}

// CondStep returns P[mu + c xi > 0] = Phi(mu/|c|) (1{mu > 0} for c = 0).
func CondStep(mu, c float64) float64 {
	if math.IsNaN(mu) || math.IsNaN(c) {
		return math.NaN()
	}
	c = math.Abs(c)
	if c == 0 {
		if mu > 0 {
			return 1
		}
		return 0
	}
	return Cdf(mu / c)
}

// CondStepXi returns E[1{mu + c xi > 0} xi] = sign(c) phi(mu/|c|) (0 for
// c = 0).
func CondStepXi(mu, c float64) float64 {
	if math.IsNaN(mu) || math.IsNaN(c) {
		return math.NaN()
	}
	if c < 0 {
		return -CondStepXi(mu, -c)
	}
	if c == 0 {
		return 0
	}
	return Pdf(mu / c)
}

// CondReluXi returns E[relu(mu + c xi) xi] = c Phi(mu/|c|) (Stein's
// identity: c CondStep(mu, c); 0 for c = 0).
func CondReluXi(mu, c float64) float64 {
	if math.IsNaN(mu) || math.IsNaN(c) {
		return math.NaN()
	}
	if c < 0 {
		return -CondReluXi(mu, -c)
	}
	if c == 0 {
		return 0
	}
	return c * Cdf(mu/c)
}

func posPart(s float64) float64 {
	if s > 0 {
		return s
	}
	return 0
}
