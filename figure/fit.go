package figure

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/sqsim/sqsim/sq/gauss"
)

// Fit is the least-squares line log y = Intercept + Slope log x through a
// group's points (natural logarithms), with the 95% confidence interval of
// the slope, t-based on the residuals: Slope ± t(0.975, N-2) s/sqrt(Sxx),
// s^2 = (sum of squared residuals)/(N-2). With N = 2 the line goes through
// both points and the interval is unbounded (Lo = -Inf, Hi = +Inf); points
// exactly on a line give Lo = Hi = Slope.
type Fit struct {
	// Group is the series' name.
	Group string
	// Slope and Intercept of the fitted line in log-log coordinates.
	Slope, Intercept float64
	// Lo and Hi bound the 95% confidence interval of the slope.
	Lo, Hi float64
	// N is the number of points fitted.
	N int
}

// String is the fit as the legend shows it: "slope 2.010 [1.950, 2.070]
// n=4", the interval the 95% one; "slope 2.000 n=2 (no interval)".
func (f Fit) String() string {
	if math.IsInf(f.Lo, -1) {
		return fmt.Sprintf("slope %.3f n=%d (no interval)", f.Slope, f.N)
	}
	return fmt.Sprintf("slope %.3f [%.3f, %.3f] n=%d", f.Slope, f.Lo, f.Hi, f.N)
}

// FitLogLog fits log y against log x by least squares. It needs at least
// two points with distinct x, all x and y finite and > 0; otherwise the
// error wraps ErrFigure and names the point.
func FitLogLog(x, y []float64) (Fit, error) {
	if len(x) != len(y) {
		return Fit{}, fmt.Errorf("%w: fit: %d x values but %d y values", ErrFigure, len(x), len(y))
	}
	n := len(x)
	if n < 2 {
		return Fit{}, fmt.Errorf("%w: fit: %d points, need at least 2", ErrFigure, n)
	}
	lx, ly := make([]float64, n), make([]float64, n)
	for i := range x {
		if !(x[i] > 0) || math.IsInf(x[i], 0) || !(y[i] > 0) || math.IsInf(y[i], 0) {
			return Fit{}, fmt.Errorf("%w: fit: point %d is (%v, %v), want finite x > 0 and y > 0", ErrFigure, i+1, x[i], y[i])
		}
		lx[i], ly[i] = math.Log(x[i]), math.Log(y[i])
	}
	mx, my := mean(lx), mean(ly)
	var sxx, sxy float64
	for i := range lx {
		dx := lx[i] - mx
		sxx += dx * dx
		sxy += dx * (ly[i] - my)
	}
	if !(sxx > 0) {
		return Fit{}, fmt.Errorf("%w: fit: every point has x = %v, need two distinct x", ErrFigure, x[0])
	}
	slope := sxy / sxx
	icpt := my - slope*mx
	f := Fit{Slope: slope, Intercept: icpt, N: n}
	if n == 2 {
		f.Lo, f.Hi = math.Inf(-1), math.Inf(1)
		return f, nil
	}
	var ssr float64
	for i := range lx {
		r := ly[i] - (icpt + slope*lx[i])
		ssr += r * r
	}
	se := math.Sqrt(ssr / float64(n-2) / sxx)
	half := TQuantile(0.975, float64(n-2)) * se
	f.Lo, f.Hi = slope-half, slope+half
	return f, nil
}

// TQuantile is the p-quantile of Student's t distribution with nu degrees
// of freedom: gonum's inverse incomplete beta up to nu = 1e3, beyond which
// it loses digits (2e-10 at nu = 1e5, 1.6e-7 relative at nu = 1e9), the Cornish-Fisher
// expansion in 1/nu about the normal quantile (Abramowitz and Stegun
// 26.7.5; its first omitted term is below 1e-13 there).
func TQuantile(p, nu float64) float64 {
	if nu <= 1e3 {
		return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(p)
	}
	return tCornishFisher(p, nu)
}

// tCornishFisher is the Cornish-Fisher expansion of the t quantile to
// order nu^-4.
func tCornishFisher(p, nu float64) float64 {
	z := gauss.Quantile(p)
	z2 := z * z
	g1 := (z2 + 1) * z / 4
	g2 := ((5*z2+16)*z2 + 3) * z / 96
	g3 := (((3*z2+19)*z2+17)*z2 - 15) * z / 384
	g4 := ((((79*z2+776)*z2+1482)*z2-1920)*z2 - 945) * z / 92160
	return z + (g1+(g2+(g3+g4/nu)/nu)/nu)/nu
}

// mean is the mean of v, by a compensated two-pass sum.
func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	m := s / float64(len(v))
	var c float64
	for _, x := range v {
		c += x - m
	}
	return m + c/float64(len(v))
}
