package world

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// hermiteSingle computes E[lambda(y) H_alpha(x)] for a single-index model by
// the ridge expansion (theory §3.3): with u the unit hidden direction and
// n = |alpha|, E[L(u.x) H_alpha(x)] = Lhat_n sqrt(n!/alpha!) u^alpha, where
// Lhat_n = E[L(z) h_n(z)] is a one-dimensional integral.
func (m *Model) hermiteSingle(t *sq.Term, out []float64) (float64, error) {
	f := &t.Feature
	u := m.basis[0]
	n := 0
	logCoef := 0.0 // log sqrt(n!/alpha!) + log|u^alpha|
	sign := 1.0
	for i, deg := range f.Deg {
		if deg == 0 {
			continue // h_0 = 1: the coordinate does not enter (and 0 log 0 is NaN)
		}
		n += deg
		ui := u[f.Idx[i]]
		if deg > 0 && ui == 0 {
			out[0] = 0
			return 0, nil
		}
		lg, _ := math.Lgamma(float64(deg) + 1)
		logCoef += -0.5*lg + float64(deg)*math.Log(math.Abs(ui))
		if ui < 0 && deg%2 == 1 {
			sign = -sign
		}
	}
	lgn, _ := math.Lgamma(float64(n) + 1)
	logCoef += 0.5 * lgn
	lam := m.labelFn(&t.Label)
	kinks, err := m.kinkLines(&t.Label, nil)
	if err != nil {
		return 0, err
	}
	var breaks []float64
	for _, kk := range kinks {
		if kk.A1 != 0 {
			breaks = append(breaks, kk.C/kk.A1)
		}
	}
	zeta := make([]float64, 1)
	lhat, eb := gauss.Expect1(func(z float64) float64 {
		zeta[0] = z
		return lam(zeta) * gauss.HermiteNorm(n, z)
	}, breaks, quadTol)
	c := sign * math.Exp(logCoef)
	out[0] = lhat * c
	return eb * math.Abs(c), nil
}

// ridge computes E[lambda(y) G(U x)] (prod != nil) or E[G(U x, y)] (joint !=
// nil), times x when timesX: by the 1-D route of ridgeOneD when it applies
// (one row, a single-index world with a piecewise polynomial label
// functional), else by ridge2D.
func (m *Model) ridge(U [][]float64, gk [][]float64, timesX bool, prod *sq.Term, joint *sq.Joint, out []float64) (float64, error) {
	if prod != nil && joint == nil && len(U) == 1 {
		if eb, ok := m.ridgeOneD(U[0], gk, timesX, prod, out); ok {
			return eb, nil
		}
	}
	return m.ridge2D(U, gk, timesX, prod, joint, out)
}

// ridge2D computes what ridge does by quadrature over the span of U and the
// hidden directions (at most two dimensions; the reference of the 1-D route).
func (m *Model) ridge2D(U [][]float64, gk [][]float64, timesX bool, prod *sq.Term, joint *sq.Joint, out []float64) (float64, error) {
	rows := append(cloneRows(m.v), U...)
	basis, coef := sq.Orthonormalize(rows)
	k := len(basis)
	if k > 2 {
		return 0, fmt.Errorf("%w: the query's rows and the label's directions span %d dimensions; exact quadrature handles at most 2", sq.ErrNotExact, k)
	}
	nv := len(m.v)
	var lab *sq.Label
	if prod != nil {
		lab = &prod.Label
	}
	kinks, err := m.ridgeKinks(coef, basis, len(rows), len(U), gk, lab, joint)
	if err != nil {
		return 0, err
	}
	s := make([]float64, nv)
	z := make([]float64, len(U))
	nOut := 1
	if timesX {
		nOut = k
	}
	fn := func(zeta, o []float64) {
		for i := 0; i < nv; i++ {
			s[i] = dot(coef[i][:k], zeta)
		}
		for i := range U {
			z[i] = dot(coef[nv+i][:k], zeta)
		}
		fv := m.f(s)
		var g float64
		if prod != nil {
			g = m.noise.cond(lab, fv) * prod.Feature.G(z)
		} else {
			g = m.noise.cond(&sq.Label{Kind: sq.LabelFunc, Func: func(y float64) float64 { return joint.G(z, y) }, Breaks: joint.YBreak}, fv)
		}
		if timesX {
			for b := 0; b < k; b++ {
				o[b] = g * zeta[b]
			}
		} else {
			o[0] = g
		}
	}
	val := make([]float64, max(nOut, 1))
	eb, err := integrate(k, fn, max(nOut, 1), kinks, val)
	if err != nil {
		return 0, err
	}
	if !timesX {
		out[0] = val[0]
		return eb, nil
	}
	for i := range out {
		out[i] = 0
	}
	for b := 0; b < k; b++ {
		axpy(val[b], basis[b], out)
	}
	return eb, nil
}

// ridgeKinks returns the lines (points when k = 1) in the coordinates of
// the orthonormal basis of ridge where the integrand may be non-smooth: the
// label function's kinks, the kinks gk of the query's rows (row i of U is
// row nv+i of the rows, whose coefficients on the basis are coef), and the
// crossings of the label's thresholds (of lab, or of joint's YBreak) for a
// single-index model. A thresholded label on a model with more directions
// is an error wrapping sq.ErrNotExact.
func (m *Model) ridgeKinks(coef, basis [][]float64, nRows, nU int, gk [][]float64, lab *sq.Label, joint *sq.Joint) ([]gauss.Kink, error) {
	k := len(basis)
	nv := len(m.v)
	var kinks []gauss.Kink
	toLine := func(a []float64, c float64) { // a: coefficients on rows
		var kk gauss.Kink
		for i, ai := range a {
			if k > 0 {
				kk.A1 += ai * coef[i][0]
			}
			if k > 1 {
				kk.A2 += ai * coef[i][1]
			}
		}
		kk.C = c
		if kk.A1 != 0 || kk.A2 != 0 {
			kinks = append(kinks, kk)
		}
	}
	for _, h := range m.kinks {
		a := make([]float64, nRows)
		copy(a, h.A)
		toLine(a, h.C)
	}
	for i, ks := range gk {
		if i >= nU {
			break
		}
		for _, c := range ks {
			a := make([]float64, nRows)
			a[nv+i] = 1
			toLine(a, c)
		}
	}
	var ts []float64
	if lab != nil {
		ts = m.noise.labelBreaks(lab)
	} else {
		for _, t := range joint.YBreak {
			ts = append(ts, m.noise.labelBreaks(&sq.Label{Kind: sq.LabelAbove, T: t})...)
		}
	}
	if len(ts) == 0 {
		return kinks, nil
	}
	if len(m.basis) != 1 {
		return nil, fmt.Errorf("%w: %s: a thresholded label on a model with %d directions", sq.ErrNotExact, m.name, len(m.basis))
	}
	// Crossings in the model's own coordinate zeta0 = u.x: the line
	// sum_b (u . basis_b) zeta_b = zeta0.
	for _, t := range ts {
		for _, z := range m.crossings(t) {
			var kk gauss.Kink
			kk.A1 = dot(m.basis[0], basis[0])
			if k > 1 {
				kk.A2 = dot(m.basis[0], basis[1])
			}
			kk.C = z
			kinks = append(kinks, kk)
		}
	}
	return kinks, nil
}
