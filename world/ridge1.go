package world

import (
	"math"
	"sort"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// The one-dimensional ridge route (issue 12, item 1). For a single-index
// world (one hidden unit direction b, zeta = b.x) whose label functional
// l(zeta) = E[lambda(y) | zeta] is piecewise polynomial of degree <= 2 with
// known breaks, and a ridge feature G(u.x) of one row u, condition on
// t = uh.x (uh = u/||u||): zeta = a t + c z with a = uh.b, c = sqrt(1 - a^2)
// and z ~ N(0, 1) independent of t, so that
//
//	E[lambda(y) G(u.x)]   = E_t[G(||u|| t) L(t)],        L(t) = E_z[l(a t + c z)],
//	E[lambda(y) G(u.x) x] = uh E_t[G t L(t)] + e E_t[G M(t)], M(t) = E_z[z l(a t + c z)],
//
// with e = (b - a uh)/c. L and M are closed forms (truncated Gaussian
// moments of each polynomial piece); the outer integral over t is the 1-D
// kink-aware quadrature, split at G's kinks and at the world's breaks mapped
// to t (zeta_k/a), around which L changes over a width c/|a|: breaks at
// distances (c/|a|) 2^j from each of them make the quadrature resolve that
// layer however thin it is (u near b). G itself is called as a Go function,
// so no assumption on its form is made beyond its declared kinks.

// lpiece is l(zeta) = p0 + p1 zeta + p2 zeta^2 on (lo, hi].
type lpiece struct {
	lo, hi     float64
	p0, p1, p2 float64
}

// ridgeOneD reports ok = false when the route does not apply (the caller
// then uses the 2-D quadrature, ridge2D).
func (m *Model) ridgeOneD(u []float64, gk [][]float64, timesX bool, t *sq.Term, out []float64) (eb float64, ok bool) {
	if !m.pwLinear || len(m.basis) != 1 || len(m.v) != 1 {
		return 0, false
	}
	nu := norm(u)
	if !(nu > 0) || math.IsInf(nu, 0) {
		return 0, false
	}
	pieces, breaks, fitRes, sliver, ymax, ok := m.labelPieces(&t.Label)
	if !ok {
		return 0, false
	}
	b := m.basis[0]
	d := len(u)
	uh := make([]float64, d)
	for i, v := range u {
		uh[i] = v / nu
	}
	a := dot(uh, b)
	perp := make([]float64, d)
	for i := range perp {
		perp[i] = b[i] - a*uh[i]
	}
	// Re-orthogonalize once against uh (perp is small when u is near b).
	p := dot(perp, uh)
	for i := range perp {
		perp[i] -= p * uh[i]
	}
	c := norm(perp)
	if r := math.Hypot(a, c); r > 0 {
		a, c = a/r, c/r
	}
	if c < 1e-300 {
		c = 0
	}
	// Breaks of the outer integral in t.
	var tb []float64
	if len(gk) > 0 {
		for _, k := range gk[0] {
			tb = append(tb, k/nu)
		}
	}
	if a != 0 {
		w := c / math.Abs(a)
		for _, z := range breaks {
			t0 := z / a
			tb = append(tb, t0)
			if w > 0 && w < 0.25 {
				for s := w; s < 1; s *= 2 {
					tb = append(tb, t0-s, t0+s)
				}
			}
		}
	}
	tb = append(tb, 0) // the rounding weight below has |t|
	sort.Float64s(tb)
	G := t.Feature.G
	zbuf := make([]float64, 1)
	nOut := 1
	if timesX {
		nOut = 2
	}
	lmax := 0.0
	for _, pc := range pieces {
		lmax = math.Max(lmax, math.Abs(pc.p0)+math.Abs(pc.p1)+math.Abs(pc.p2))
	}
	// Besides the outputs, the integrand has one more component: a bound on
	// the error of L and M at t (rounding: a few ulps of each piece's terms,
	// of size up to lmax (1 + mu^2 + c^2); the fit: 10 times the largest
	// residual of the pieces' check points), times |G| (and |t|), whose
	// integral is added to the error estimate.
	perPoint := 32 * 0x1p-52 * lmax * float64(len(pieces))
	gmax := 0.0 // the largest |G| seen, for the slivers' share
	fn := func(tt float64, o []float64) {
		zbuf[0] = nu * tt
		g := G(zbuf)
		gmax = math.Max(gmax, math.Abs(g)*(1+math.Abs(tt)))
		if g == 0 {
			for i := range o[:nOut+1] {
				o[i] = 0
			}
			return
		}
		mu := a * tt
		L, M := condPieces(pieces, mu, c, timesX)
		o[nOut] = math.Abs(g) * (1 + math.Abs(tt)) * (perPoint*(1+mu*mu+c*c) + 10*fitRes)
		if timesX {
			o[0] = g * tt * L
			o[1] = g * M
			return
		}
		o[0] = g * L
	}
	var val [3]float64
	eb = gauss.Expect1Vec(fn, nOut+1, tb, quadTol, val[:nOut+1])
	eb += math.Abs(val[nOut])
	if sliver > 0 {
		eb += sliver * gauss.Pdf(0) * 2 * ymax * gmax
	}
	if !timesX {
		out[0] = val[0]
		return eb, true
	}
	for i := range out {
		out[i] = val[0] * uh[i]
	}
	if c > 0 {
		for i := range out {
			out[i] += val[1] * perp[i] / norm(perp)
		}
	}
	return eb, true
}

// condPieces returns L = E[l(mu + c z)] and (when withM) M = E[z l(mu + c z)]
// for z ~ N(0, 1).
func condPieces(pieces []lpiece, mu, c float64, withM bool) (L, M float64) {
	if c == 0 {
		for _, pc := range pieces {
			if mu > pc.lo && mu <= pc.hi {
				return pc.p0 + mu*(pc.p1+mu*pc.p2), 0
			}
		}
		return 0, 0
	}
	for _, pc := range pieces {
		A := (pc.lo - mu) / c
		B := (pc.hi - mu) / c
		if A >= 40 || B <= -40 {
			continue // no Gaussian mass: below 1e-348
		}
		var m0 float64
		if A > 0 {
			m0 = gauss.Cdf(-A) - gauss.Cdf(-B)
		} else {
			m0 = gauss.Cdf(B) - gauss.Cdf(A)
		}
		fa, fb := tpdf(A), tpdf(B)
		m1 := fa - fb
		m2 := m0 + tmul(A, fa) - tmul(B, fb)
		e1 := mu*m0 + c*m1
		e2 := mu*mu*m0 + 2*mu*c*m1 + c*c*m2
		L += pc.p0*m0 + pc.p1*e1 + pc.p2*e2
		if withM {
			m3 := tmul(A*A+2, fa) - tmul(B*B+2, fb)
			z1 := mu*m1 + c*m2
			z2 := mu*mu*m1 + 2*mu*c*m2 + c*c*m3
			M += pc.p0*m1 + pc.p1*z1 + pc.p2*z2
		}
	}
	return L, M
}

// tpdf is phi(x), 0 for |x| >= 40 (and the infinities).
func tpdf(x float64) float64 {
	if !(math.Abs(x) < 40) {
		return 0
	}
	return gauss.Pdf(x)
}

// tmul is p * phi, with 0 when phi = 0 (p may then be infinite).
func tmul(p, phi float64) float64 {
	if phi == 0 {
		return 0
	}
	return p * phi
}

// labelPieces returns the label functional of a single-index model as
// polynomial pieces in zeta (the coordinate along its unit direction), and
// the breaks between them. It reports false unless every piece is verified
// to be a polynomial of degree <= 2: the model's label function is
// piecewise linear in zeta (pwLinear), so l = E[lambda(y) | f] is a
// polynomial in zeta of degree <= 2 on each piece for the labels 1, y, y^2
// and any noise, and a constant between the label's crossings for the
// thresholds without Gaussian noise; other cases (a threshold under
// Gaussian noise) fail the check at the extra points and take the 2-D route.
func (m *Model) labelPieces(l *sq.Label) (pieces []lpiece, br []float64, fitRes, sliver, ymax float64, ok bool) {
	vc := m.vc[0][0]
	for _, h := range m.kinks {
		if a := h.A[0] * vc; a != 0 {
			br = append(br, h.C/a)
		}
	}
	for _, t := range m.noise.labelBreaks(l) {
		br = append(br, m.crossings(t)...)
	}
	sort.Float64s(br)
	// Breaks closer than 1e-12 (relative) are merged: a crossing found by
	// bisection next to a kink would leave a sliver too thin to evaluate in.
	// The label functional may differ from the piece's polynomial on the
	// merged slivers, of total width sliver: their probability is at most
	// sliver phi(0), accounted for by the caller.
	merged := br[:0]
	for _, b := range br {
		if n := len(merged); n > 0 && b-merged[n-1] <= 1e-12*math.Max(1, math.Abs(b)) {
			sliver += b - merged[n-1]
			continue
		}
		merged = append(merged, b)
	}
	br = merged
	lam := m.labelFn(l)
	zeta := make([]float64, 1)
	ev := func(z float64) float64 { zeta[0] = z; return lam(zeta) }
	edges := append(append([]float64{math.Inf(-1)}, br...), math.Inf(1))
	pieces = make([]lpiece, 0, len(edges)-1)
	for i := 0; i+1 < len(edges); i++ {
		lo, hi := edges[i], edges[i+1]
		var xs [5]float64
		switch {
		case math.IsInf(lo, -1) && math.IsInf(hi, 1):
			xs = [5]float64{-2, -1, 0, 1, 2}
		case math.IsInf(lo, -1):
			for j := range xs {
				xs[j] = hi - float64(j+1)
			}
		case math.IsInf(hi, 1):
			for j := range xs {
				xs[j] = lo + float64(j+1)
			}
		default:
			for j := range xs {
				xs[j] = lo + (hi-lo)*(0.1+0.2*float64(j))
			}
		}
		var ys [5]float64
		for j, x := range xs {
			ys[j] = ev(x)
			ymax = math.Max(ymax, math.Abs(ys[j]))
			if math.IsNaN(ys[j]) || math.IsInf(ys[j], 0) {
				return nil, nil, 0, 0, 0, false
			}
		}
		p0, p1, p2 := quadThrough(xs[0], xs[2], xs[4], ys[0], ys[2], ys[4])
		for _, j := range []int{1, 3} {
			x := xs[j]
			r := math.Abs(p0 + x*(p1+x*p2) - ys[j])
			if !(r <= 1e-12*math.Max(1, math.Abs(ys[j]))) {
				return nil, nil, 0, 0, 0, false
			}
			fitRes = math.Max(fitRes, r)
		}
		pieces = append(pieces, lpiece{lo: lo, hi: hi, p0: p0, p1: p1, p2: p2})
	}
	return pieces, br, fitRes, sliver, ymax, true
}

// quadThrough returns the coefficients of the polynomial of degree <= 2
// through (x0, y0), (x1, y1), (x2, y2).
func quadThrough(x0, x1, x2, y0, y1, y2 float64) (p0, p1, p2 float64) {
	d01 := (y1 - y0) / (x1 - x0)
	d12 := (y2 - y1) / (x2 - x1)
	p2 = (d12 - d01) / (x2 - x0)
	// y = y0 + d01 (x - x0) + p2 (x - x0)(x - x1)
	p1 = d01 - p2*(x0+x1)
	p0 = y0 - d01*x0 + p2*x0*x1
	return p0, p1, p2
}
