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
