package world

import (
	"fmt"
	"math"
	"sort"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// labelFn returns zeta -> (f(V x), the label functional E[lambda(y) | V x]) for
// zeta the coordinates of x in the basis of the hidden directions.
func (m *Model) labelFn(l *sq.Label) func(zeta []float64) float64 {
	s := make([]float64, len(m.v))
	return func(zeta []float64) float64 {
		for i := range m.v {
			s[i] = dot(m.vc[i], zeta)
		}
		return m.noise.cond(l, m.f(s))
	}
}

// kinkLines returns the kinks of the label function and, for a single-index
// model, the places where the label functional l jumps, as lines (or points
// when k = 1) in zeta coordinates. For a two-index model with a
// discontinuous label functional it returns ErrNotExact.
func (m *Model) kinkLines(l *sq.Label, extraBreaks []float64) ([]gauss.Kink, error) {
	k := len(m.basis)
	var out []gauss.Kink
	for _, h := range m.kinks {
		var kk gauss.Kink
		for i, a := range h.A {
			if k > 0 {
				kk.A1 += a * m.vc[i][0]
			}
			if k > 1 {
				kk.A2 += a * m.vc[i][1]
			}
		}
		kk.C = h.C
		if kk.A1 != 0 || kk.A2 != 0 {
			out = append(out, kk)
		}
	}
	var ts []float64
	if l != nil {
		ts = m.noise.labelBreaks(l)
	}
	ts = append(ts, extraBreaks...)
	if len(ts) == 0 {
		return out, nil
	}
	if k != 1 {
		if k == 0 {
			return out, nil
		}
		return nil, fmt.Errorf("%w: %s: the label is thresholded (at %v) and the label function has %d directions; the level sets of f are not known to the quadrature (use a sample oracle, or Gaussian label noise)", sq.ErrNotExact, m.name, ts, k)
	}
	for _, t := range ts {
		for _, z := range m.crossings(t) {
			out = append(out, gauss.Kink{A1: 1, C: z})
		}
	}
	return out, nil
}

// crossings returns the points zeta in [-TailCut, TailCut] where the
// predicate f(V basis^T zeta) > t changes, for a single-index model: a scan
// on a grid of step 1/32 (and the kinks) refined by bisection to 1e-15.
func (m *Model) crossings(t float64) []float64 {
	s := make([]float64, len(m.v))
	pred := func(z float64) bool {
		for i := range m.v {
			s[i] = m.vc[i][0] * z
		}
		return m.f(s) > t
	}
	grid := []float64{}
	for z := -gauss.TailCut; z <= gauss.TailCut; z += 1.0 / 32 {
		grid = append(grid, z)
	}
	for _, h := range m.kinks {
		a := 0.0
		for i, ai := range h.A {
			a += ai * m.vc[i][0]
		}
		if a != 0 {
			c := h.C / a
			grid = append(grid, math.Nextafter(c, math.Inf(-1)), c, math.Nextafter(c, math.Inf(1)))
		}
	}
	sort.Float64s(grid)
	var out []float64
	prev := pred(grid[0])
	for i := 1; i < len(grid); i++ {
		cur := pred(grid[i])
		if cur == prev {
			continue
		}
		lo, hi := grid[i-1], grid[i]
		for hi-lo > 1e-15*math.Max(1, math.Abs(lo)) {
			mid := 0.5 * (lo + hi)
			if mid <= lo || mid >= hi {
				break
			}
			if pred(mid) == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, hi)
		prev = cur
	}
	return out
}

// integrate runs the kink-aware quadrature of fn over zeta ~ N(0, I_k),
// k <= 2, with nOut components.
func integrate(k int, fn func(zeta []float64, o []float64), nOut int, kinks []gauss.Kink, val []float64) (float64, error) {
	zeta := make([]float64, 2)
	switch k {
	case 0:
		fn(zeta[:0], val)
		return 0, nil
	case 1:
		var breaks []float64
		for _, kk := range kinks {
			if kk.A1 != 0 {
				breaks = append(breaks, kk.C/kk.A1)
			}
		}
		return gauss.Expect1Vec(func(z float64, o []float64) { zeta[0] = z; fn(zeta[:1], o) }, nOut, breaks, quadTol, val), nil
	case 2:
		return gauss.Expect2Vec(func(z1, z2 float64, o []float64) { zeta[0], zeta[1] = z1, z2; fn(zeta, o) }, nOut, kinks, quadTol, val), nil
	}
	return 0, fmt.Errorf("%w: the query and the label span %d directions; exact quadrature handles at most 2", sq.ErrNotExact, k)
}
