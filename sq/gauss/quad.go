package gauss

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/integrate/quad"
)

// TailCut is where the kink-aware expectations truncate the real line: they
// integrate over [-TailCut, TailCut] in each coordinate. The neglected Gaussian
// mass is 2*Phi(-TailCut) = 1.5e-23 per coordinate; for an integrand bounded by
// A(1+|z|^p) the neglected part is of order A*TailCut^(p-1)*phi(TailCut), which
// Expect1 and Expect2 add to their error estimate using the integrand's values at
// the cut.
const TailCut = 10.0

// panelWidth is the widest panel the adaptive rules start from. Gauss–Legendre
// with 16 nodes on a panel of width 2 integrates e^{-z^2/2} times a
// polynomial of moderate degree to about 1e-16 (measured: relu, cos, z^8,
// e^z and the Mehler integrand all within 3e-16 of their exact values), and
// is 3 times cheaper in two dimensions than panels of width 1.
const panelWidth = 2.0

// maxDepth bounds the bisection of a panel (a panel of width 1 is never split
// below 2^-40); a panel that reaches it is accepted and its estimate is kept.
const maxDepth = 40

const eps = 0x1p-52

// Two Gauss–Legendre rules on [-1, 1]. The 16-point value is returned and the
// difference to the 8-point value is the error estimate, which is pessimistic
// for the 16-point value on smooth panels.
var (
	glx8, glw8   = legendreRule(8)
	glx16, glw16 = legendreRule(16)
)

func legendreRule(n int) (x, w []float64) {
	x = make([]float64, n)
	w = make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, -1, 1)
	return x, w
}

// Integrate returns the integral of f over the finite interval [a, b] and an
// estimate of its absolute error, computed by adaptive bisection of
// Gauss–Legendre panels (16 nodes, checked against 8) until the estimate is
// below tol. breaks lists points in (a, b) where f may have a kink or a jump;
// panels never straddle them, so the rule converges exponentially on
// piecewise-analytic integrands instead of like 1/n. Breaks outside (a, b)
// are ignored. If a > b the integral is negated; a == b gives 0.
func Integrate(f func(z float64) float64, a, b float64, breaks []float64, tol float64) (val, errEst float64) {
	var v [1]float64
	errEst = integrateVec(func(z float64, out []float64) { out[0] = f(z) }, 1, a, b, breaks, tol, v[:], nil)
	return v[0], errEst
}

// IntegrateVec is Integrate for a vector-valued integrand with n components:
// f(z, out) writes f(z) into out[:n]. val receives the n integrals; the error
// estimate is the largest over components.
func IntegrateVec(f func(z float64, out []float64), n int, a, b float64, breaks []float64, tol float64, val []float64) (errEst float64) {
	return integrateVec(f, n, a, b, breaks, tol, val, nil)
}

// quadWork holds scratch buffers so that nested integrations do not allocate
// on every call.
type quadWork struct {
	fx, q8, q16, abs []float64
	stack            []panel
	pts              []float64
}

type panel struct {
	a, b  float64
	depth int
}

func newQuadWork(n int) *quadWork {
	return &quadWork{fx: make([]float64, n), q8: make([]float64, n), q16: make([]float64, n), abs: make([]float64, n)}
}

func integrateVec(f func(z float64, out []float64), n int, a, b float64, breaks []float64, tol float64, val []float64, w *quadWork) (errEst float64) {
	for i := 0; i < n; i++ {
		val[i] = 0
	}
	if a == b {
		return 0
	}
	sign := 1.0
	if a > b {
		a, b, sign = b, a, -1
	}
	if w == nil {
		w = newQuadWork(n)
	}
	if !(tol > 0) {
		tol = 1e-14
	}
	// Initial panels: the breakpoints inside (a, b), then no panel wider than panelWidth.
	pts := append(w.pts[:0], a)
	for _, p := range breaks {
		if p > a && p < b && !math.IsNaN(p) {
			pts = append(pts, p)
		}
	}
	pts = append(pts, b)
	sort.Float64s(pts[1 : len(pts)-1])
	w.pts = pts
	total := b - a
	stack := w.stack[:0]
	for i := len(pts) - 1; i > 0; i-- {
		lo, hi := pts[i-1], pts[i]
		if hi <= lo {
			continue
		}
		m := int(math.Ceil((hi - lo) / panelWidth))
		for j := m - 1; j >= 0; j-- {
			pa := lo + (hi-lo)*float64(j)/float64(m)
			pb := lo + (hi-lo)*float64(j+1)/float64(m)
			if j == m-1 {
				pb = hi
			}
			stack = append(stack, panel{pa, pb, 0})
		}
	}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		half := (p.b - p.a) / 2
		mid := (p.a + p.b) / 2
		for i := 0; i < n; i++ {
			w.q8[i], w.q16[i] = 0, 0
		}
		for k, x := range glx8 {
			f(mid+half*x, w.fx)
			for i := 0; i < n; i++ {
				w.q8[i] += glw8[k] * w.fx[i]
			}
		}
		for k, x := range glx16 {
			f(mid+half*x, w.fx)
			for i := 0; i < n; i++ {
				w.q16[i] += glw16[k] * w.fx[i]
				w.abs[i] += glw16[k] * math.Abs(w.fx[i])
			}
		}
		// Error estimate of the 16-point value. |Q16 - Q8| estimates the error
		// of Q8; on an analytic panel the error of Q16 is about its square
		// (relative to the size of the integrand), and we use the more
		// cautious QUADPACK rule abs * (200 |Q16 - Q8| / abs)^1.5, floored at
		// 50 ulps of abs (rounding).
		e, floor := 0.0, 0.0
		for i := 0; i < n; i++ {
			w.q8[i] *= half
			w.q16[i] *= half
			abs := w.abs[i] * half
			w.abs[i] = 0
			d := math.Abs(w.q16[i] - w.q8[i])
			est := d
			if abs > 0 {
				est = abs * math.Min(1, math.Pow(200*d/abs, 1.5))
			}
			if est > e || math.IsNaN(est) {
				e = est
			}
			floor = math.Max(floor, 50*eps*abs)
		}
		e = math.Max(e, floor)
		// The panel passes when its share of tol is met, or when the estimate is
		// at the level of rounding error, where bisection can no longer help.
		// A NaN estimate (a NaN integrand value) also passes: bisection cannot
		// repair it, and splitting every such panel to maxDepth would take
		// 2^maxDepth evaluations; the NaN propagates to val and errEst.
		ptol := math.Max(tol*(p.b-p.a)/total, floor)
		if e <= ptol || math.IsNaN(e) || p.depth >= maxDepth || half < 1e-15*math.Max(1, math.Abs(mid)) {
			for i := 0; i < n; i++ {
				val[i] += sign * w.q16[i]
			}
			errEst += e
			continue
		}
		stack = append(stack, panel{mid, p.b, p.depth + 1}, panel{p.a, mid, p.depth + 1})
	}
	w.stack = stack
	return errEst
}

// Expect1 returns E[f(Z)] for Z ~ N(0, 1) and an estimate of its absolute
// error, by kink-aware adaptive Gauss–Legendre on [-TailCut, TailCut]. breaks
// lists the points where f may be non-smooth (the kink of a ReLU at 0, a clip
// at C, a label threshold); without them the rule still converges but spends
// many more panels near each kink. f must grow at most polynomially.
func Expect1(f func(z float64) float64, breaks []float64, tol float64) (val, errEst float64) {
	var v [1]float64
	errEst = Expect1Vec(func(z float64, out []float64) { out[0] = f(z) }, 1, breaks, tol, v[:])
	return v[0], errEst
}

// Expect1Vec is Expect1 for an integrand with n components, written by f into
// out[:n]; val receives E[f(Z)]. The error estimate is the largest over
// components.
func Expect1Vec(f func(z float64, out []float64), n int, breaks []float64, tol float64, val []float64) (errEst float64) {
	w := newQuadWork(n)
	return expect1Vec(f, n, breaks, tol, val, w)
}

func expect1Vec(f func(z float64, out []float64), n int, breaks []float64, tol float64, val []float64, w *quadWork) (errEst float64) {
	g := func(z float64, out []float64) {
		f(z, out)
		p := Pdf(z)
		for i := 0; i < n; i++ {
			out[i] *= p
		}
	}
	errEst = integrateVec(g, n, -TailCut, TailCut, breaks, tol, val, w)
	return errEst + tailEstimate(f, n, w.fx)
}

// tailEstimate bounds the mass of the integrand beyond +-TailCut by
// |f(+-TailCut)| * phi(TailCut) / TailCut * 4 (the Mills ratio with a safety
// factor that covers polynomial growth of moderate degree).
func tailEstimate(f func(z float64, out []float64), n int, buf []float64) float64 {
	m := 0.0
	for _, z := range [2]float64{-TailCut, TailCut} {
		f(z, buf)
		for i := 0; i < n; i++ {
			if a := math.Abs(buf[i]); a > m {
				m = a
			}
		}
	}
	return 4 * (m + 1) * Pdf(TailCut) / TailCut
}

// Kink is the line A1*z1 + A2*z2 = C of the plane, across which a
// two-dimensional integrand may be non-smooth (for example the kink of
// relu(u.z) is the line u.z = 0).
type Kink struct{ A1, A2, C float64 }

// Expect2 returns E[f(Z1, Z2)] for (Z1, Z2) ~ N(0, I_2) and an estimate of its
// absolute error. It integrates iteratively: the inner integral over z2 is
// split where each kink line crosses, and the outer integral over z1 is split
// where a kink line is vertical, where two kink lines intersect (the only
// places where the inner integral loses smoothness), and where a kink line
// crosses z2 = ±TailCut (so that the narrow band in which a nearly vertical
// line sweeps the inner interval is not stepped over). Each level is adaptive
// Gauss–Legendre on [-TailCut, TailCut]. f must grow at most polynomially.
func Expect2(f func(z1, z2 float64) float64, kinks []Kink, tol float64) (val, errEst float64) {
	var v [1]float64
	errEst = Expect2Vec(func(z1, z2 float64, out []float64) { out[0] = f(z1, z2) }, 1, kinks, tol, v[:])
	return v[0], errEst
}

// Expect2Vec is Expect2 for an integrand with n components, written by f into
// out[:n]; val receives the n expectations.
func Expect2Vec(f func(z1, z2 float64, out []float64), n int, kinks []Kink, tol float64, val []float64) (errEst float64) {
	if !(tol > 0) {
		tol = 1e-13
	}
	// Outer breakpoints.
	var outer []float64
	const tiny = 1e-14
	for i, k := range kinks {
		if math.Abs(k.A2) <= tiny*math.Abs(k.A1) {
			if k.A1 != 0 {
				outer = append(outer, k.C/k.A1)
			}
			continue
		}
		// Where the line crosses the edges z2 = ±TailCut of the inner domain.
		// Between these two values of z1 the inner break sweeps the whole inner
		// interval; for a nearly vertical line (two nearly parallel
		// directions) that happens in a band of width 2*TailCut*|A2/A1|, which
		// the outer adaptive rule would otherwise step over unseen.
		if k.A1 != 0 {
			outer = append(outer, (k.C-k.A2*TailCut)/k.A1, (k.C+k.A2*TailCut)/k.A1)
		}
		for _, l := range kinks[i+1:] {
			det := k.A1*l.A2 - k.A2*l.A1
			if math.Abs(det) <= tiny*(math.Abs(k.A1*l.A2)+math.Abs(k.A2*l.A1)) {
				continue
			}
			outer = append(outer, (k.C*l.A2-k.A2*l.C)/det)
		}
	}
	inner := newQuadWork(n)
	innerBreaks := make([]float64, 0, len(kinks))
	innerErr := 0.0
	innerVal := make([]float64, n)
	var z1cur float64
	g := func(z2 float64, out []float64) { f(z1cur, z2, out) }
	F := func(z1 float64, out []float64) {
		innerBreaks = innerBreaks[:0]
		for _, k := range kinks {
			if math.Abs(k.A2) > tiny*math.Abs(k.A1) {
				innerBreaks = append(innerBreaks, (k.C-k.A1*z1)/k.A2)
			}
		}
		z1cur = z1
		// The inner integrals are computed far below tol: their residual
		// errors vary from one z1 to the next (as the adaptive bisection
		// changes), and the outer rule would otherwise chase that noise by
		// bisecting deep. On smooth panels the inner rule reaches rounding
		// level at once, so this costs little.
		e := expect1Vec(g, n, innerBreaks, tol/1000, innerVal, inner)
		if e > innerErr {
			innerErr = e
		}
		copy(out, innerVal)
	}
	errEst = expect1Vec(F, n, outer, tol/2, val, newQuadWork(n))
	return errEst + innerErr
}
