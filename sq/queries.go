package sq

import (
	"fmt"
	"math"
	"slices"
)

// The constructors below build the queries that learners of a ReLU usually
// need. Their bounds assume labels in [-1, 1] (the paper's model has labels in
// [0, 1]); a learner working with wider labels should rescale.

func normOf(w []float64) float64 { return math.Sqrt(dot(w, w)) }

// ReluCorr is the correlational query E[y relu(w.x)], the label part of the
// loss of relu(w.x) and of the best norm along w (theory §2.4). Bound:
// ||w||/sqrt 2 = sqrt(E[relu(w.x)^2]).
func ReluCorr(w []float64) *Query {
	return &Query{Name: "y*relu(w.x)", Class: Correlational, Bound: math.Max(normOf(w)/math.Sqrt2, tinyBound), Dim: 1,
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatRelu, W: slices.Clone(w)}}}}
}

// GateCorr is the vector correlational query E[y 1{w.x > 0} x], the label
// part of the gradient of the square loss: grad L(w) = w - 2 E[y 1{w.x>0} x]
// (theory §2.4). Every coordinate has E[(y 1{w.x>0} x_j)^2] <= 1/2.
func GateCorr(w []float64) *Query {
	return &Query{Name: "y*1{w.x>0}*x", Class: Correlational, Bound: 1 / math.Sqrt2, Dim: len(w),
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatStepX, W: slices.Clone(w)}}}}
}

// StepCorr is E[y 1{w.x > 0}], bounded by 1 and correlational.
func StepCorr(w []float64) *Query {
	return &Query{Name: "y*1{w.x>0}", Class: Correlational | Bounded, Bound: 1, Dim: 1,
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatStep, W: slices.Clone(w)}}}}
}

// Chow is the vector correlational query E[y x] in dimension d (the Chow
// parameters; 2 E[y x] minimizes the convex surrogate of theory §2.6).
func Chow(d int) *Query {
	return &Query{Name: "y*x", Class: Correlational, Bound: 1, Dim: d,
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatLinear}}}}
}

// LabelMoment is E[y^p] for p = 1 or 2 (any other p gives p = 2). It is a
// bounded query that is not correlational when p = 2.
func LabelMoment(p int) *Query {
	if p == 1 {
		return &Query{Name: "y", Class: Correlational | Bounded, Bound: 1, Dim: 1,
			Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatOne}}}}
	}
	return &Query{Name: "y^2", Class: Bounded, Bound: 1, Dim: 1,
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY2}, Feature: Feature{Kind: FeatOne}}}}
}

// Grad is the full gradient query 2 E[(relu(w.x) - y) 1{w.x > 0} x] of the
// square loss, including its label-free part. It is what a sample-based
// learner asks; a learner with the Setting computes the label-free part
// itself and asks GateCorr instead. Class L2 with per-coordinate bound
// 2 sqrt(6||w||^2 + 1) (theory §5.4).
func Grad(w []float64) *Query {
	nw := normOf(w)
	return &Query{Name: "2(relu(w.x)-y)1{w.x>0}x", Class: L2, Bound: 2 * math.Sqrt(6*nw*nw+1), Dim: len(w),
		Terms: []Term{
			{Coef: 2, Label: Label{Kind: LabelOne}, Feature: Feature{Kind: FeatReluX, W: slices.Clone(w)}},
			{Coef: -2, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatStepX, W: slices.Clone(w)}},
		}}
}

// Loss is the square-loss query E[(relu(w.x) - y)^2] written as
// relu(w.x)^2 - 2 y relu(w.x) + y^2. Class L2 with bound sqrt(12||w||^4 + 8).
func Loss(w []float64) *Query {
	nw := normOf(w)
	return &Query{Name: "(relu(w.x)-y)^2", Class: L2, Bound: math.Sqrt(12*nw*nw*nw*nw + 8), Dim: 1,
		Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelOne}, Feature: Feature{Kind: FeatRelu2, W: slices.Clone(w)}},
			{Coef: -2, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatRelu, W: slices.Clone(w)}},
			{Coef: 1, Label: Label{Kind: LabelY2}, Feature: Feature{Kind: FeatOne}},
		}}
}

// ReluBatch is the batch of m correlational queries E[y relu(W_i.x)], one per
// row of W, answered as one vector query with a per-coordinate tolerance.
// Bound: the largest ||W_i||/sqrt 2.
func ReluBatch(W [][]float64) *Query {
	b := tinyBound
	U := make([][]float64, len(W))
	for i, row := range W {
		U[i] = slices.Clone(row)
		b = math.Max(b, normOf(row)/math.Sqrt2)
	}
	return &Query{Name: "y*relu(W.x)", Class: Correlational, Bound: b, Dim: len(W),
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatReluRows, U: U}}}}
}

// HermiteCorr is E[y H_alpha(x)] for the multi-index alpha given sparsely
// (alpha[idx[i]] = deg[i]); H_alpha is the orthonormal Hermite product, so the
// query is correlational with bound 1.
func HermiteCorr(idx, deg []int) *Query {
	return &Query{Name: "y*H_alpha(x)", Class: Correlational, Bound: 1, Dim: 1,
		Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatHermite, Idx: slices.Clone(idx), Deg: slices.Clone(deg)}}}}
}

// tinyBound keeps bounds positive for the zero vector, whose queries are
// identically zero.
const tinyBound = 1e-300

// MapLabels returns the query phi'(x, y) = phi(x, m(y)), where the label map
// m(y) = +1 if y > t else -1 is the Boolean view of theory §6.3: a
// halfspace learner that asks about labels in {-1, +1} is answered about the
// thresholded labels sign(y - t). Terms in y become sign(y - t), terms in y^2
// become 1, a LabelAbove at threshold s in (-1, 1] becomes 1{y > t}, and a
// function of the label is composed with the map. Joint terms cannot be
// mapped; MapLabels reports false for them. The class is kept except that
// Correlational is dropped (sign(y - t) is not y).
//
// A nil q gives (nil, false).
func MapLabels(q *Query, t float64) (*Query, bool) {
	if q == nil {
		return nil, false
	}
	out := *q
	out.Name = q.Name + "|y->sign(y-t)"
	if out.Class&Correlational != 0 {
		out.Class = (out.Class &^ Correlational) | L2
	}
	out.Terms = make([]Term, len(q.Terms))
	for j, term := range q.Terms {
		if term.Joint != nil {
			return nil, false
		}
		l := term.Label
		switch l.Kind {
		case LabelOne:
		case LabelY:
			l = Label{Kind: LabelSign, T: t}
		case LabelY2:
			l = Label{Kind: LabelOne}
		case LabelAbove, LabelSign:
			// lambda(sign(y - t)): the mapped label is +1 when y > t and -1
			// otherwise, so lambda takes two values.
			hi, lo := l.Eval(1), l.Eval(-1)
			l = twoValued(hi, lo, t)
		case LabelFunc:
			if l.Func != nil { // a missing function stays missing: Validate names it
				hi, lo := l.Func(1), l.Func(-1)
				l = twoValued(hi, lo, t)
			}
		}
		term.Label = l
		out.Terms[j] = term
	}
	// The view keeps the classes the terms of q prove for labels in
	// [-1, 1], except the correlational form: m(y) = sign(y - t) lies in
	// [-1, 1] for every label y. Its own terms may not show them (a bound
	// resting on a Go function that was proved with q's correlational form).
	p := q.Prove()
	out.view = viewProof{class: p.Class &^ Correlational, declared: p.DeclaredBound, fp: out.Fingerprint()}
	return &out, true
}

// twoValued is the label functional hi*1{y > t} + lo*1{y <= t}, written with
// the label kinds the worlds know in closed form.
func twoValued(hi, lo, t float64) Label {
	switch {
	case hi == 1 && lo == -1:
		return Label{Kind: LabelSign, T: t}
	case hi == 1 && lo == 0:
		return Label{Kind: LabelAbove, T: t}
	}
	return Label{Kind: LabelFunc, T: t, Name: fmt.Sprintf("%g*1{y>t}%+g*1{y<=t}", hi, lo), Breaks: []float64{t},
		Func: func(y float64) float64 {
			if y > t {
				return hi
			}
			return lo
		}}
}
