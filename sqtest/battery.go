package sqtest

import (
	"math"
	"slices"
	"strconv"

	"github.com/sqsim/sqsim/sq"
)

// Queries returns the battery Oracle and World ask in dimension d >= 1, in
// this order: with the fixed directions u (u_i proportional to
// cos(i + 1/2)) and v (proportional to (-1)^i (i + 1)), of norm 0.8 and 1,
//
//	ReluCorr(u), ReluCorr(v), GateCorr(u), StepCorr(v), Chow(d),
//	Chow(d) in the Euclidean norm, Loss(u), Grad(v), LabelMoment(1),
//	LabelMoment(2), HermiteCorr({0}, {2}), HermiteCorr({0, 1}, {1, 1})
//	(d >= 2), ReluBatch({u, v}), and the Boolean query 1{y > 1/4} 1{u.x > 0}.
//
// They cover the correlational, L2, bounded and Boolean classes, scalar and
// vector answers, and both tolerance norms. Each call returns new queries.
func Queries(d int) []*sq.Query {
	if d < 1 {
		return nil
	}
	u, v := make([]float64, d), make([]float64, d)
	for i := range d {
		u[i] = math.Cos(float64(i) + 0.5)
		v[i] = float64(i + 1)
		if i%2 == 1 {
			v[i] = -v[i]
		}
	}
	scale(u, 0.8)
	scale(v, 1)
	chowL2 := sq.Chow(d)
	chowL2.TolNorm = sq.EuclidNorm
	chowL2.Name = "y*x|l2"
	qs := []*sq.Query{
		sq.ReluCorr(u), sq.ReluCorr(v), sq.GateCorr(u), sq.StepCorr(v), sq.Chow(d), chowL2,
		sq.Loss(u), sq.Grad(v), sq.LabelMoment(1), sq.LabelMoment(2), sq.HermiteCorr([]int{0}, []int{2}),
	}
	if d >= 2 {
		qs = append(qs, sq.HermiteCorr([]int{0, 1}, []int{1, 1}))
	}
	qs = append(qs, sq.ReluBatch([][]float64{u, v}), &sq.Query{
		Name: "1{y>1/4}*1{u.x>0}", Class: sq.Boolean | sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0.25}, Feature: sq.Feature{Kind: sq.FeatStep, W: slices.Clone(u)}}},
	})
	return qs
}

func scale(w []float64, r float64) {
	s := 0.0
	for _, x := range w {
		s += x * x
	}
	s = r / math.Sqrt(s)
	for i := range w {
		w[i] *= s
	}
}

// cloneQuery returns a deep copy of q: its slices are new, its functions
// and joint terms' functions shared (functions cannot be copied).
func cloneQuery(q *sq.Query) *sq.Query {
	c := *q
	c.Terms = slices.Clone(q.Terms)
	for j := range c.Terms {
		t := &c.Terms[j]
		t.Label.Breaks = slices.Clone(t.Label.Breaks)
		f := &t.Feature
		f.W = slices.Clone(f.W)
		f.U = cloneRows(f.U)
		f.Idx, f.Deg = slices.Clone(f.Idx), slices.Clone(f.Deg)
		f.Kinks = cloneRows(f.Kinks)
		if t.Joint != nil {
			jt := *t.Joint
			jt.U, jt.Kinks, jt.YBreak = cloneRows(jt.U), cloneRows(jt.Kinks), slices.Clone(jt.YBreak)
			t.Joint = &jt
		}
	}
	return &c
}

func cloneRows(r [][]float64) [][]float64 {
	if r == nil {
		return nil
	}
	out := make([][]float64, len(r))
	for i := range r {
		out[i] = slices.Clone(r[i])
	}
	return out
}

// sameQuery reports whether a and b are equal field by field (functions
// compared by presence, NaN equal to NaN bit for bit), and the first
// difference.
func sameQuery(a, b *sq.Query) (bool, string) {
	switch {
	case a.Name != b.Name:
		return false, "Name"
	case a.Class != b.Class:
		return false, "Class"
	case !sameBits(a.Bound, b.Bound):
		return false, "Bound"
	case a.Dim != b.Dim:
		return false, "Dim"
	case a.TolNorm != b.TolNorm:
		return false, "TolNorm"
	case len(a.Terms) != len(b.Terms):
		return false, "len(Terms)"
	}
	for j := range a.Terms {
		s, t := &a.Terms[j], &b.Terms[j]
		where := func(f string) string { return "Terms[" + strconv.Itoa(j) + "]." + f }
		switch {
		case !sameBits(s.Coef, t.Coef):
			return false, where("Coef")
		case s.Label.Kind != t.Label.Kind || !sameBits(s.Label.T, t.Label.T) || s.Label.Name != t.Label.Name ||
			(s.Label.Func == nil) != (t.Label.Func == nil) || !sameVec(s.Label.Breaks, t.Label.Breaks):
			return false, where("Label")
		case s.Feature.Kind != t.Feature.Kind:
			return false, where("Feature.Kind")
		case !sameVec(s.Feature.W, t.Feature.W):
			return false, where("Feature.W")
		case !sameRows(s.Feature.U, t.Feature.U):
			return false, where("Feature.U")
		case !slices.Equal(s.Feature.Idx, t.Feature.Idx) || !slices.Equal(s.Feature.Deg, t.Feature.Deg):
			return false, where("Feature.Idx/Deg")
		case !sameRows(s.Feature.Kinks, t.Feature.Kinks) || s.Feature.TimesX != t.Feature.TimesX ||
			s.Feature.OutDim != t.Feature.OutDim || s.Feature.Name != t.Feature.Name ||
			(s.Feature.G == nil) != (t.Feature.G == nil) || (s.Feature.F == nil) != (t.Feature.F == nil):
			return false, where("Feature")
		case (s.Joint == nil) != (t.Joint == nil):
			return false, where("Joint")
		}
		if s.Joint != nil {
			if !sameRows(s.Joint.U, t.Joint.U) || !sameRows(s.Joint.Kinks, t.Joint.Kinks) || !sameVec(s.Joint.YBreak, t.Joint.YBreak) ||
				s.Joint.TimesX != t.Joint.TimesX || s.Joint.Name != t.Joint.Name {
				return false, where("Joint")
			}
		}
	}
	return true, ""
}

func sameBits(a, b float64) bool { return math.Float64bits(a) == math.Float64bits(b) }

func sameVec(a, b []float64) bool {
	return slices.EqualFunc(a, b, sameBits)
}

func sameRows(a, b [][]float64) bool {
	return slices.EqualFunc(a, b, func(x, y []float64) bool { return sameVec(x, y) })
}
