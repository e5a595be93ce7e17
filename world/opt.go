package world

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
)

// OptResult is the best ReLU of norm at most 1 for a world.
type OptResult struct {
	Opt      float64   // min over ||w|| <= 1 of E[(relu(w.x) - y)^2]
	W        []float64 // a minimizer
	ErrBound float64   // bound on the numerical error of Opt
	Method   string    // "closed form" or how the minimum was searched
}

// Opt returns opt = min_{||w|| <= 1} E[(relu(w.x) - y)^2] and a minimizer.
//
// For y = relu(w*.x) + zero-mean noise the answer is closed form: with
// s = ||w*||, opt = the noise variance at w = w* when s <= 1, and
// opt = (s - 1)^2/2 + the noise variance at w = w*/s when s > 1 (along any
// unit u, m(u) = s E[relu(z1) relu(z2)] grows with the correlation of z1 =
// w*.x/s and z2 = u.x, so u = w*/s and the best norm is clip(2 m, 0, 1) = 1;
// the loss of relu(w*.x/s) is E[relu(z)^2] (s - 1)^2). A norm that exceeds
// 1 by no more than the rounding of a computed norm (4 (d + 2) 2^-53) is
// taken as 1: opt is then the noise variance at w = w*, with error bound
// (s - 1)^2/2. Otherwise Opt uses the structure
// of the loss: L(r u) = r^2/2 - 2 r m(u) + E[y^2] with m(u) = E[y relu(u.x)], so
// for a unit direction u the best norm is r = clip(2 m(u), 0, 1) (theory
// §2.4), and m(u) depends on u only through its components in the span of
// the hidden directions and the length of the rest. For a single-index
// model that is one angle, searched on a grid of 257 angles in [0, pi] and
// refined by golden section around the three best grid points (to 1e-12 in
// angle); for two directions, two angles (the direction in their plane, and
// the angle out of it) on a 48 x 9 grid, refined around the two best points
// by four sweeps of coordinate-wise golden section (to 1e-9 in angle, which
// moves the loss by about 1e-18). Each m(u) is exact (closed form or
// quadrature); the search is global on its grid and local after, which
// finds the minimum of every model in this package (their m(u) are smooth
// with few local maxima) but is not a proof for an arbitrary user f.
func (m *Model) Opt() (OptResult, error) {
	if m.fam == famRelu {
		return m.optClosedForm(), nil
	}
	p, err := m.newOptProblem()
	if err != nil {
		return OptResult{}, err
	}
	best, bestVal, method := p.search()
	if p.firstErr != nil {
		return OptResult{}, p.firstErr
	}
	_, r := p.value(best)
	w := p.dir(best)
	for i := range w {
		w[i] *= r
	}
	return OptResult{Opt: bestVal, W: w, ErrBound: p.maxErr, Method: method}, nil
}

// optClosedForm is Opt for y = relu(w*.x) + zero-mean noise (see Opt).
func (m *Model) optClosedForm() OptResult {
	s := norm(m.wstar)
	w := append([]float64(nil), m.wstar...)
	if s <= 1 {
		return OptResult{Opt: m.noise.Variance(), W: w, Method: "closed form"}
	}
	if e := s - 1; e <= float64(4*(len(w)+2))*0x1p-53 {
		// ||w*|| exceeds 1 by no more than the rounding of a computed norm
		// (a random unit vector whose norm rounds to 1.0000000000000002):
		// opt is the noise variance at w = w*, and the constrained
		// optimum differs from it by at most (s - 1)^2/2, the bound.
		return OptResult{Opt: m.noise.Variance(), W: w, ErrBound: 0.5 * e * e, Method: "closed form"}
	}
	for i := range w {
		w[i] /= s
	}
	// (s - 1)^2/2 has no cancellation; its rounding is a few ulp.
	e := s - 1
	return OptResult{Opt: 0.5*e*e + m.noise.Variance(), W: w, ErrBound: 4 * 0x1p-52 * (0.5*e*e + m.noise.Variance()), Method: "closed form"}
}

// optProblem is the objective of Opt's search: the loss at the best norm
// as a function of the angles of a unit direction (value), the direction
// of given angles (dir), and the largest error bound and the first error
// met along the way.
type optProblem struct {
	m        *Model
	d, k     int
	e        []float64 // a unit vector orthogonal to the hidden span (nil when d = k)
	ey2      float64   // E[y^2]
	maxErr   float64
	firstErr error
}

func (m *Model) newOptProblem() (*optProblem, error) {
	var ey2 [1]float64
	eb0, err := m.Expect(sq.LabelMoment(2), ey2[:])
	if err != nil {
		return nil, err
	}
	d, k := m.set.D, len(m.basis)
	if k > 2 {
		return nil, fmt.Errorf("%w: %s: opt search handles at most 2 hidden directions, this model has %d", sq.ErrNotExact, m.name, k)
	}
	// An orthonormal frame: the basis of the hidden span, then (if d > k) one
	// unit vector e orthogonal to it.
	p := &optProblem{m: m, d: d, k: k, ey2: ey2[0], maxErr: eb0}
	if d > k {
		p.e = orthogonalUnit(m.basis, d)
	}
	return p, nil
}

// dir returns the unit direction of the angles: one angle from the hidden
// direction toward e (k = 1), or the angle in the hidden plane and the
// angle out of it (k = 2).
func (p *optProblem) dir(angles []float64) []float64 {
	m, e := p.m, p.e
	u := make([]float64, p.d)
	switch p.k {
	case 0:
		copy(u, e)
	case 1:
		c, s := math.Cos(angles[0]), math.Sin(angles[0])
		axpy(c, m.basis[0], u)
		if e != nil {
			axpy(s, e, u)
		}
	case 2:
		cb, sb := math.Cos(angles[1]), math.Sin(angles[1])
		if sb < 1e-6 {
			// m(u) = m(u0) + O(beta^2) near the plane (E[y 1{u0.x > 0} e.x] = 0
			// because e.x is independent of V x), so snapping beta to 0 moves
			// the loss by about 1e-12, and spares the quadrature the steep
			// transition of width sin(beta) across the line u0.x = 0.
			cb, sb = 1, 0
		}
		axpy(cb*math.Cos(angles[0]), m.basis[0], u)
		axpy(cb*math.Sin(angles[0]), m.basis[1], u)
		if e != nil {
			axpy(sb, e, u)
		}
	}
	return u
}

// value returns the loss at the best norm along dir(angles) and that norm;
// an error of the world is kept in firstErr (and the loss is +Inf).
func (p *optProblem) value(angles []float64) (float64, float64) {
	u := p.dir(angles)
	var mu [1]float64
	eb, err := p.m.Expect(sq.ReluCorr(u), mu[:])
	if err != nil {
		if p.firstErr == nil {
			p.firstErr = err
		}
		return math.Inf(1), 0
	}
	p.maxErr = math.Max(p.maxErr, 2*eb)
	r := math.Min(1, math.Max(0, 2*mu[0]))
	return p.ey2 - 2*r*mu[0] + r*r/2, r
}

// search runs the search for the number of hidden directions and returns
// the best angles, their loss and the method's name.
func (p *optProblem) search() (best []float64, bestVal float64, method string) {
	bestVal = math.Inf(1)
	try := func(a []float64) {
		if v, _ := p.value(a); v < bestVal {
			bestVal, best = v, append([]float64(nil), a...)
		}
	}
	switch {
	case p.k == 0:
		try(nil)
		method = "constant labels: every direction"
	case p.k == 1 && p.e == nil:
		try([]float64{0})
		try([]float64{math.Pi})
		method = "d = 1: both directions"
	case p.k == 1:
		p.searchAngle(try)
		method = "angle grid (257) + golden section"
	default:
		p.searchTwoAngles(try)
		method = "two-angle grid (48 x 9) + coordinate golden section"
	}
	return best, bestVal, method
}

// searchAngle: a grid of 257 angles in [0, pi], refined by golden section
// around the three best grid points.
func (p *optProblem) searchAngle(try func([]float64)) {
	const n = 256
	vals := make([]float64, n+1)
	for i := 0; i <= n; i++ {
		vals[i], _ = p.value([]float64{math.Pi * float64(i) / n})
	}
	for _, i := range smallest(vals, 3) {
		lo, hi := math.Pi*float64(max(i-1, 0))/n, math.Pi*float64(min(i+1, n))/n
		a := golden(func(a float64) float64 { v, _ := p.value([]float64{a}); return v }, lo, hi, 1e-12)
		try([]float64{a})
	}
}

// searchTwoAngles: a 48 x 9 grid of (angle in the plane, angle out of it),
// refined around the two best points by four sweeps of coordinate-wise
// golden section.
func (p *optProblem) searchTwoAngles(try func([]float64)) {
	nb := 8
	if p.e == nil {
		nb = 0
	}
	const ng = 48
	type pt struct{ g, b float64 }
	var pts []pt
	var vals []float64
	for i := 0; i < ng; i++ {
		for j := 0; j <= nb; j++ {
			g := 2 * math.Pi * float64(i) / ng
			b := 0.0
			if nb > 0 {
				b = math.Pi / 2 * float64(j) / float64(nb)
			}
			v, _ := p.value([]float64{g, b})
			pts = append(pts, pt{g, b})
			vals = append(vals, v)
		}
	}
	for _, i := range smallest(vals, 2) {
		a := []float64{pts[i].g, pts[i].b}
		for sweep := 0; sweep < 4; sweep++ {
			a[0] = golden(func(g float64) float64 { v, _ := p.value([]float64{g, a[1]}); return v }, a[0]-2*math.Pi/ng, a[0]+2*math.Pi/ng, 1e-9)
			if nb > 0 {
				a[1] = golden(func(b float64) float64 { v, _ := p.value([]float64{a[0], b}); return v }, math.Max(0, a[1]-math.Pi/2/float64(nb)), math.Min(math.Pi/2, a[1]+math.Pi/2/float64(nb)), 1e-9)
			}
		}
		try(a)
	}
}

// smallest returns the indices of the n smallest local minima of vals (or of
// the smallest values when there are fewer local minima).
func smallest(vals []float64, n int) []int {
	var idx []int
	for i := range vals {
		l := i == 0 || vals[i] <= vals[i-1]
		r := i == len(vals)-1 || vals[i] <= vals[i+1]
		if l && r {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		idx = []int{0}
	}
	// Partial selection sort by value.
	for a := 0; a < len(idx) && a < n; a++ {
		for b := a + 1; b < len(idx); b++ {
			if vals[idx[b]] < vals[idx[a]] {
				idx[a], idx[b] = idx[b], idx[a]
			}
		}
	}
	if len(idx) > n {
		idx = idx[:n]
	}
	return idx
}

// golden minimizes f on [lo, hi] by golden-section search to width tol.
func golden(f func(float64) float64, lo, hi, tol float64) float64 {
	const g = 0.6180339887498949
	a, b := lo, hi
	c, d := b-g*(b-a), a+g*(b-a)
	fc, fd := f(c), f(d)
	for b-a > tol {
		if fc <= fd {
			b, d, fd = d, c, fc
			c = b - g*(b-a)
			fc = f(c)
		} else {
			a, c, fc = c, d, fd
			d = a + g*(b-a)
			fd = f(d)
		}
	}
	return 0.5 * (a + b)
}

// orthogonalUnit returns a unit vector of R^d orthogonal to the orthonormal
// rows of basis (which has fewer than d rows): the coordinate vector least
// aligned with the basis, with its projection removed.
func orthogonalUnit(basis [][]float64, d int) []float64 {
	bestJ, bestA := 0, math.Inf(1)
	for j := 0; j < d; j++ {
		a := 0.0
		for _, b := range basis {
			a += b[j] * b[j]
		}
		if a < bestA {
			bestJ, bestA = j, a
		}
	}
	v := make([]float64, d)
	v[bestJ] = 1
	for pass := 0; pass < 2; pass++ {
		for _, b := range basis {
			axpy(-dot(v, b), b, v)
		}
	}
	n := norm(v)
	for i := range v {
		v[i] /= n
	}
	return v
}
