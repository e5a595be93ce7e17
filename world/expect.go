package world

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// quadTol is the absolute tolerance asked of the quadratures (for unit
// directions); maxErr is the largest error estimate Expect accepts, relative
// to max(1, the size of the answer) (the sq.Expecter contract).
const (
	quadTol = 1e-12
	maxErr  = 1e-10
)

// Expect writes E[phi(x, y)] into out[:q.Dim] and returns a bound on its
// absolute error. Label-free terms use the closed forms of theory §2.1; terms
// with the label use closed forms for the ReLU and halfspace families (E3,
// E11, E12, ...), and otherwise reduce to an integral over the span of the
// hidden directions (at most two), with the part of each feature's direction
// outside that span integrated in closed form (Gaussian conditioning), and
// the rest by kink-aware adaptive quadrature. Joint terms and ridge features
// integrate over the span of their rows and the hidden directions (at most
// two dimensions). Errors wrap sq.ErrNotExact when the query is beyond these
// routes (a FeatFunc feature, more than two directions, a threshold of the
// label on a two-index model without Gaussian noise) and sq.ErrQuery when it
// does not fit the dimension.
func (m *Model) Expect(q *sq.Query, out []float64) (float64, error) {
	if err := validate(q, m.set.D); err != nil {
		return 0, err
	}
	if len(out) < q.Dim {
		return 0, fmt.Errorf("%w %q: output has length %d, want %d", sq.ErrQuery, q.Name, len(out), q.Dim)
	}
	out = out[:q.Dim]
	clear(out)
	errSum := 0.0
	if len(q.Terms) == 1 {
		// One term (GateCorr, ReluCorr, Chow, ReluBatch, ...): the term is
		// written into out and scaled in place, with the arithmetic of the
		// general path (0 + Coef*value), so without scratch space.
		if t := &q.Terms[0]; t.Coef != 0 {
			eb, err := m.term(t, out)
			if err != nil {
				return 0, fmt.Errorf("%s: query %q, term %d: %w", m.name, q.Name, 0, err)
			}
			for i, v := range out {
				out[i] = 0 + t.Coef*v
			}
			errSum = math.Abs(t.Coef) * eb
		}
		return m.accept(q, out, errSum)
	}
	tp := scratch.Get().(*[]float64)
	defer scratch.Put(tp)
	if cap(*tp) < q.Dim {
		*tp = make([]float64, q.Dim)
	}
	tmp := (*tp)[:q.Dim]
	clear(tmp)
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Coef == 0 {
			continue
		}
		eb, err := m.term(t, tmp)
		if err != nil {
			return 0, fmt.Errorf("%s: query %q, term %d: %w", m.name, q.Name, j, err)
		}
		for i := range out {
			out[i] += t.Coef * tmp[i]
		}
		errSum += math.Abs(t.Coef) * eb
	}
	return m.accept(q, out, errSum)
}

// validate returns q.Validate(d), with a fast path for the queries of the
// hot path (product terms with labels 1, y, y^2 and the features 1, x and
// those along one direction w): quickValid accepts only queries that
// Validate accepts, and checks that w is finite with one dot product (w.w is
// finite exactly when every entry is, unless w.w overflows, in which case
// the full check decides) instead of two comparisons per entry.
func validate(q *sq.Query, d int) error {
	if quickValid(q, d) {
		return nil
	}
	return q.Validate(d)
}

func quickValid(q *sq.Query, d int) bool {
	if q == nil || q.Dim < 1 || len(q.Terms) == 0 || !(q.Bound >= 0) || math.IsInf(q.Bound, 0) ||
		q.Class == 0 || q.Class&^sq.AllClasses != 0 {
		return false
	}
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Joint != nil || math.IsNaN(t.Coef) || math.IsInf(t.Coef, 0) {
			return false
		}
		switch t.Label.Kind {
		case sq.LabelOne, sq.LabelY, sq.LabelY2:
		default:
			return false
		}
		f := &t.Feature
		switch f.Kind {
		case sq.FeatRelu, sq.FeatRelu2, sq.FeatStep, sq.FeatStepX, sq.FeatReluX:
			if len(f.W) != d {
				return false
			}
			if ss := floats.Dot(f.W, f.W); !(ss <= math.MaxFloat64) {
				return false // NaN or infinite entries, or an overflow
			}
		case sq.FeatOne, sq.FeatLinear:
		default:
			return false
		}
		if f.Dim(d) != q.Dim {
			return false
		}
	}
	// The declared classes must follow from the terms (sq.Query.Prove), as
	// Validate requires.
	return q.ValidateClasses() == nil
}

// scratch holds the per-term buffers of Expect (a Model is shared by
// goroutines, so they cannot live in it): the hot path allocates nothing.
var scratch = sync.Pool{New: func() any { return new([]float64) }}

// accept returns errSum, with an error when it exceeds maxErr times the
// scale max(1, the size of the answer, the sizes of the terms). The scale is
// at least 1, so it is only computed when errSum > maxErr (never for the
// closed forms, whose errSum is 0).
func (m *Model) accept(q *sq.Query, out []float64, errSum float64) (float64, error) {
	if math.IsNaN(errSum) || math.IsInf(errSum, 0) {
		return errSum, fmt.Errorf("%w: %s: query %q: the error bound is not finite (%v)", sq.ErrNotExact, m.name, q.Name, errSum)
	}
	for i, v := range out[:q.Dim] {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errSum, fmt.Errorf("%w: %s: query %q: answer coordinate %d is not finite (%v)", sq.ErrNotExact, m.name, q.Name, i, v)
		}
	}
	if errSum <= maxErr {
		return errSum, nil
	}
	mag := 0.0
	for j := range q.Terms {
		if t := &q.Terms[j]; t.Coef != 0 {
			mag += math.Abs(t.Coef) * magnitude(t)
		}
	}
	size := 0.0
	for _, v := range out {
		size = math.Max(size, math.Abs(v))
	}
	if scale := math.Max(1, math.Max(size, mag)); errSum > maxErr*scale {
		return errSum, fmt.Errorf("%w: %s: query %q: quadrature error estimate %.3g exceeds %.0e x %.3g (the size of the answer or of its terms)", sq.ErrNotExact, m.name, q.Name, errSum, maxErr, scale)
	}
	return errSum, nil
}

// magnitude is the scale of a term's feature: ||w|| for the 1-homogeneous
// ReLU features, ||w||^2 for relu^2, the largest row norm for a batch, 1
// otherwise. Quadrature errors are relative to it.
func magnitude(t *sq.Term) float64 {
	if t.Joint != nil {
		return 1
	}
	f := &t.Feature
	switch f.Kind {
	case sq.FeatRelu, sq.FeatReluX:
		return norm(f.W)
	case sq.FeatRelu2:
		return dot(f.W, f.W)
	case sq.FeatReluRows:
		m := 0.0
		for _, r := range f.U {
			m = math.Max(m, norm(r))
		}
		return m
	}
	return 1
}

// term writes E[lambda(y) h(x)] (or E[G(U x, y)]) for one term, without its
// coefficient.
func (m *Model) term(t *sq.Term, out []float64) (float64, error) {
	if t.Joint != nil {
		return m.ridge(t.Joint.U, t.Joint.Kinks, t.Joint.TimesX, nil, t.Joint, out)
	}
	f := &t.Feature
	if t.Label.Kind == sq.LabelOne {
		return 0, sq.FeatureMean(f, m.set.D, out)
	}
	if m.closedForm(t, out) {
		return 0, nil
	}
	switch f.Kind {
	case sq.FeatFunc:
		return 0, fmt.Errorf("%w: feature %q is a Go function of all of x; only a sample oracle can answer it", sq.ErrNotExact, f.Name)
	case sq.FeatRidge:
		return m.ridge(f.U, f.Kinks, f.TimesX, t, nil, out)
	case sq.FeatHermite:
		if len(m.basis) == 1 {
			return m.hermiteSingle(t, out)
		}
		U := make([][]float64, len(f.Idx))
		for i, c := range f.Idx {
			U[i] = make([]float64, m.set.D)
			U[i][c] = 1
		}
		ridge := sq.Term{Label: t.Label, Feature: sq.Feature{Kind: sq.FeatRidge, U: U, G: func(z []float64) float64 {
			p := 1.0
			for i, deg := range f.Deg {
				p *= gauss.HermiteNorm(deg, z[i])
			}
			return p
		}}}
		return m.ridge(U, nil, false, &ridge, nil, out)
	}
	return m.conditional(t, out)
}
