package world

import (
	"math"
	"sort"
)

// This file is an independent high-precision reference for the exact
// expectations of single-index worlds near the hidden direction (issue 13).
//
// In the plane of the hidden unit direction u and the unit direction e of the
// feature's part orthogonal to u, with coordinates zeta = u.x and xi = e.x,
// (zeta, xi) ~ N(0, I_2), a unit feature direction is w = a u + c e and its
// projection t = a zeta + c xi. Every integrand tested here is
// L(zeta) * F(t) * X with L piecewise polynomial in zeta (E[lambda(y) | zeta]
// for a world without label noise in the shape of a ReLU, clip or flip), F one
// of 1, 1{t > 0}, relu(t), relu(t)^2, and X one of 1, zeta, xi. The regions
// where the integrand is one polynomial are bounded by the line t = 0 and the
// lines zeta = const. In polar coordinates (r, phi) every ray from the origin
// crosses them at r = z/cos(phi), so within an angular sector between the
// critical angles (the rays of t = 0 and of zeta = 0) the radial integral of
// each polynomial piece times r e^{-r^2/2} is a closed form in upper
// incomplete Gaussian moments, and the angular integral of that smooth
// function is computed by adaptive Gauss–Legendre. Angles are written as a
// quarter turn k*pi/2 plus an offset delta in [-pi/4, pi/4] computed with
// atan2 from exactly rotated vectors, so that a sector of width 1e-9 next to
// the zeta = 0 ray keeps its full relative precision. The route shares
// nothing with Expect's conditional quadrature (which integrates over zeta
// with the xi-integral in closed form) except math.Erfc.

// refPiece is E[lambda(y) | zeta] = sum_i poly[i] zeta^i for zeta in (lo, hi].
type refPiece struct {
	lo, hi float64
	poly   []float64
}

type refFeat int

const (
	refOne refFeat = iota
	refStep
	refRelu
	refRelu2
)

// refX selects the factor X of the integrand.
type refX int

const (
	xOne  refX = iota // X = 1
	xZeta             // X = zeta = u.x
	xXi               // X = xi = e.x
)

// refConst is the label functional equal to 1 everywhere.
var refConst = []refPiece{{math.Inf(-1), math.Inf(1), []float64{1}}}

// refOpts selects the angular rule: Gauss–Legendre with n nodes checked
// against 2n, bisected until the difference is below tol per quarter turn.
type refOpts struct {
	n   int
	tol float64
}

var (
	refMain = refOpts{n: 20, tol: 1e-18}
	refAlt  = refOpts{n: 16, tol: 1e-19}
)

// refUpperMoments fills J[m] = int_R^inf r^m e^{-r^2/2} dr for m < len(J).
func refUpperMoments(R float64, J []float64) {
	if R > 40 || math.IsInf(R, 1) {
		clear(J)
		return
	}
	g := math.Exp(-R * R / 2)
	J[0] = math.Sqrt(math.Pi/2) * math.Erfc(R/math.Sqrt2)
	if len(J) > 1 {
		J[1] = g
	}
	p := 1.0 // R^(m-1)
	for m := 2; m < len(J); m++ {
		p *= R
		J[m] = p*g + float64(m-1)*J[m-2]
	}
}

func polyMul(p, q []float64) []float64 {
	out := make([]float64, len(p)+len(q)-1)
	for i, a := range p {
		for j, b := range q {
			out[i+j] += a * b
		}
	}
	return out
}

// refRay is the integrand of the angular integral at angle phi with
// (cos phi, sin phi) = (cs, sn): the integral over r >= 0 of the integrand
// times r e^{-r^2/2} / (2 pi).
func refRay(L []refPiece, a, c float64, f refFeat, x refX, cs, sn float64) float64 {
	tau := a*cs + c*sn
	var fp []float64
	switch f {
	case refOne:
		fp = []float64{1}
	case refStep:
		fp = []float64{1}
	case refRelu:
		fp = []float64{0, tau}
	case refRelu2:
		fp = []float64{0, 0, tau * tau}
	}
	if f != refOne && !(tau > 0) {
		return 0
	}
	switch x {
	case xZeta:
		fp = polyMul(fp, []float64{0, cs})
	case xXi:
		fp = polyMul(fp, []float64{0, sn})
	}
	var J0, J1 [12]float64
	sum, comp := 0.0, 0.0
	for _, pc := range L {
		var r0, r1 float64
		switch {
		case cs > 0:
			if pc.hi <= 0 {
				continue
			}
			r0, r1 = math.Max(pc.lo, 0)/cs, pc.hi/cs
		case cs < 0:
			if pc.lo >= 0 {
				continue
			}
			r0, r1 = math.Min(pc.hi, 0)/cs, pc.lo/cs
		default:
			if !(pc.lo < 0 && pc.hi >= 0) {
				continue
			}
			r0, r1 = 0, math.Inf(1)
		}
		r0 = math.Abs(r0)
		if !(r1 > r0) {
			continue
		}
		lp := make([]float64, len(pc.poly))
		pw := 1.0
		for i, v := range pc.poly {
			lp[i] = v * pw
			pw *= cs
		}
		p := polyMul(lp, fp)
		refUpperMoments(r0, J0[:len(p)+1])
		refUpperMoments(r1, J1[:len(p)+1])
		for n, v := range p {
			// Neumaier summation of v * (J_{n+1}(r0) - J_{n+1}(r1)).
			term := v * (J0[n+1] - J1[n+1])
			t := sum + term
			if math.Abs(sum) >= math.Abs(term) {
				comp += (sum - t) + term
			} else {
				comp += (term - t) + sum
			}
			sum = t
		}
	}
	return (sum + comp) / (2 * math.Pi)
}

// rotQuarter rotates (x, y) by k quarter turns counterclockwise.
func rotQuarter(k int, x, y float64) (float64, float64) {
	switch k & 3 {
	case 1:
		return -y, x
	case 2:
		return -x, -y
	case 3:
		return y, -x
	}
	return x, y
}

var refRules = map[int][2][]float64{}

func refRule(n int) (x, w []float64) {
	if r, ok := refRules[n]; ok {
		return r[0], r[1]
	}
	// Newton's method on the Legendre polynomial P_n from Chebyshev guesses
	// (gonum's rule is not used: its 26-point rule has a zero weight).
	x, w = make([]float64, n), make([]float64, n)
	for i := 0; i < n; i++ {
		z := math.Cos(math.Pi * (float64(i) + 0.75) / (float64(n) + 0.5))
		var dp float64
		for it := 0; it < 100; it++ {
			p0, p1 := 1.0, z
			for j := 2; j <= n; j++ {
				p0, p1 = p1, ((2*float64(j)-1)*z*p1-(float64(j)-1)*p0)/float64(j)
			}
			if n == 1 {
				p1, p0 = z, 1
			}
			dp = float64(n) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-17 {
				break
			}
		}
		x[i] = z
		w[i] = 2 / ((1 - z*z) * dp * dp)
	}
	refRules[n] = [2][]float64{x, w}
	return x, w
}

// refExpect returns E[L(zeta) F(a zeta + c xi) X] for (zeta, xi) ~ N(0, I_2),
// (a, c) a unit vector, and an estimate of its absolute error.
func refExpect(L []refPiece, a, c float64, f refFeat, x refX, o refOpts) (float64, float64) {
	// Critical directions: the rays of zeta = 0 and of t = 0.
	dirs := [][2]float64{{0, 1}, {0, -1}}
	if f != refOne {
		dirs = append(dirs, [2]float64{-c, a}, [2]float64{c, -a})
	}
	xs, ws := refRule(o.n)
	x2, w2 := refRule(2 * o.n)
	total, errSum := 0.0, 0.0
	for k := 0; k < 4; k++ {
		ds := []float64{-math.Pi / 4, math.Pi / 4}
		for _, d := range dirs {
			// Rotate back by k quarter turns (exactly) and keep the directions
			// strictly inside this quarter's domain.
			bx, by := rotQuarter(-k&3, d[0], d[1])
			if bx > 0 && math.Abs(by) < bx {
				ds = append(ds, math.Atan2(by, bx))
			}
		}
		sort.Float64s(ds)
		G := func(delta float64) float64 {
			cs, sn := rotQuarter(k, math.Cos(delta), math.Sin(delta))
			return refRay(L, a, c, f, x, cs, sn)
		}
		rule := func(lo, hi float64, xs, ws []float64) (float64, float64) {
			h, m := (hi-lo)/2, (hi+lo)/2
			s, abs := 0.0, 0.0
			for i, xi := range xs {
				g := G(m + h*xi)
				s += ws[i] * g
				abs += ws[i] * math.Abs(g)
			}
			return s * h, abs * h
		}
		var adapt func(lo, hi float64, depth int)
		adapt = func(lo, hi float64, depth int) {
			q1, _ := rule(lo, hi, xs, ws)
			q2, abs := rule(lo, hi, x2, w2)
			// Accept at the tolerance, or at the level of rounding error.
			if e := math.Abs(q1 - q2); e <= o.tol*(hi-lo)/(math.Pi/2) || e <= 16*0x1p-52*abs || depth >= 30 {
				total += q2
				errSum += e
				return
			}
			mid := (lo + hi) / 2
			adapt(lo, mid, depth+1)
			adapt(mid, hi, depth+1)
		}
		for i := 1; i < len(ds); i++ {
			if ds[i] > ds[i-1] {
				adapt(ds[i-1], ds[i], 0)
			}
		}
	}
	return total, errSum
}

// scalePieces rewrites pieces given in s = nw * zeta as pieces in zeta.
func scalePieces(ps []refPiece, nw float64) []refPiece {
	out := make([]refPiece, len(ps))
	for i, p := range ps {
		q := refPiece{lo: p.lo / nw, hi: p.hi / nw, poly: make([]float64, len(p.poly))}
		pw := 1.0
		for j, v := range p.poly {
			q.poly[j] = v * pw
			pw *= nw
		}
		out[i] = q
	}
	return out
}

// squarePieces returns the pieces of L^2 plus a constant.
func squarePieces(ps []refPiece, plus float64) []refPiece {
	out := make([]refPiece, len(ps))
	for i, p := range ps {
		sq := polyMul(p.poly, p.poly)
		sq[0] += plus
		out[i] = refPiece{p.lo, p.hi, sq}
	}
	return out
}
