package oracle

import (
	"math"
	"slices"

	"github.com/sqsim/sqsim/internal/kern"
	"github.com/sqsim/sqsim/sq"
)

// The fused kernels. A query whose terms are products Coef * lambda(y) *
// h(x) with every feature along one direction w is evaluated over a block
// of rows in one pass, by the kernels of internal/kern, instead of row by
// row through sq.Evaluator:
//
//	vector:  h in {x, 1{w.x>0} x, relu(w.x) x}:  sum_i c_i x_i with
//	         c_i = L(y_i) + 1{z_i > 0} (A(y_i) z_i + B(y_i)), z_i = w.x_i
//	         (sq.Grad: A = 2, B = -2y; sq.GateCorr: A = 0, B = y; sq.Chow: L = y)
//	scalar:  h in {1, relu(w.x), relu(w.x)^2, 1{w.x>0}}: one dot product per
//	         row, then the terms (sq.ReluCorr, sq.Loss, sq.StepCorr, sq.LabelMoment)
//	batch:   one FeatReluRows term: sum_i lambda(y_i) relu(U x_i), the
//	         register-blocked kernel (sq.ReluBatch)
//
// Anything else (Hermite, ridge, function features, joint terms, terms along
// different directions, vector queries of the Bounded class whose values
// must be checked one by one) goes through sq.Evaluator. The kernels sum in
// a different order from the Evaluator, so the two agree to rounding
// (about 1e-15 relative per row), not bit for bit; each is deterministic.

type planKind uint8

const (
	planVector planKind = iota + 1
	planScalar
	planBatch
)

// labelTerm is coef * lambda(y), or coef * lambda(y) * h(z) for a scalar term.
type labelTerm struct {
	coef  float64
	label sq.Label
	feat  sq.FeatureKind
}

// plan is how the fused kernels evaluate one query.
type plan struct {
	kind planKind
	d    int
	dim  int
	w    []float64 // the direction of the gated features, nil when none
	// vector: L (ungated), A (times z, gated) and B (gated) parts of c_i
	lin, gA, gB []labelTerm
	// scalar: every term
	scal []labelTerm
	// batch
	batch *kern.Batch
	lam   labelTerm
	// Bounded queries: every value must satisfy |phi| <= bound.
	checkBound bool
	bound      float64
}

// useFused enables the fused kernels (tests turn it off to compare with
// the evaluator).
var useFused = true

// planFor returns the fused plan of q in dimension d, or nil when q needs
// the generic evaluator. q must be valid.
func planFor(q *sq.Query, d int) *plan {
	if !useFused {
		return nil
	}
	p := &plan{d: d, dim: q.Dim, bound: q.BoundOrOne() * (1 + 1e-12)}
	p.checkBound = q.Class.Closure()&sq.Bounded != 0
	if d < 2 {
		return nil // x and 1 have the same dimension: keep it simple
	}
	var vec, scal, rows bool
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Joint != nil {
			return nil
		}
		f := &t.Feature
		switch f.Kind {
		case sq.FeatLinear, sq.FeatStepX, sq.FeatReluX:
			vec = true
		case sq.FeatOne, sq.FeatRelu, sq.FeatRelu2, sq.FeatStep:
			scal = true
		case sq.FeatReluRows:
			rows = true
		default:
			return nil
		}
		switch f.Kind {
		case sq.FeatStepX, sq.FeatReluX, sq.FeatRelu, sq.FeatRelu2, sq.FeatStep:
			if p.w == nil {
				p.w = f.W
			} else if !slices.Equal(p.w, f.W) {
				return nil
			}
		}
	}
	switch {
	case rows:
		if len(q.Terms) != 1 || p.checkBound {
			return nil
		}
		t := &q.Terms[0]
		p.kind = planBatch
		p.batch = kern.NewBatch(t.Feature.U)
		p.lam = labelTerm{coef: t.Coef, label: t.Label}
	case vec && !scal:
		if p.checkBound {
			return nil
		}
		p.kind = planVector
		for j := range q.Terms {
			t := &q.Terms[j]
			if t.Coef == 0 {
				continue
			}
			lt := labelTerm{coef: t.Coef, label: t.Label, feat: t.Feature.Kind}
			switch t.Feature.Kind {
			case sq.FeatLinear:
				p.lin = append(p.lin, lt)
			case sq.FeatReluX:
				p.gA = append(p.gA, lt)
			case sq.FeatStepX:
				p.gB = append(p.gB, lt)
			}
		}
	case scal && !vec:
		p.kind = planScalar
		for j := range q.Terms {
			t := &q.Terms[j]
			if t.Coef != 0 {
				p.scal = append(p.scal, labelTerm{coef: t.Coef, label: t.Label, feat: t.Feature.Kind})
			}
		}
	default:
		return nil
	}
	return p
}

// blockRows is the number of rows a worker hands to the kernels at once
// (the size of its coefficient buffers).
const blockRows = 256

// work is one goroutine's scratch space for a plan.
type work struct {
	z, a, b, c []float64
	idx        []int32
	acc        []float64 // the vector kernels' accumulator, kern.Pad(d) long
	bw         kern.BatchWork
	bad        bool // a value broke the declared bound
}

func (p *plan) newWork() *work {
	ws := &work{z: make([]float64, blockRows), a: make([]float64, blockRows), b: make([]float64, blockRows),
		c: make([]float64, blockRows), idx: make([]int32, blockRows)}
	if p.kind == planVector {
		ws.acc = make([]float64, kern.Pad(p.d))
	}
	return ws
}

// labels sets out[i] (or adds to it, when add) coef * lambda(y[i]).
func labels(t *labelTerm, y, out []float64, add bool) {
	c := t.coef
	out = out[:len(y)]
	if !add {
		clear(out)
	}
	switch t.label.Kind {
	case sq.LabelOne:
		for i := range out {
			out[i] += c
		}
	case sq.LabelY:
		for i, v := range y {
			out[i] += c * v
		}
	case sq.LabelY2:
		for i, v := range y {
			out[i] += c * (v * v)
		}
	default:
		for i, v := range y {
			if l := t.label.Eval(v); l != 0 {
				out[i] += c * l
			}
		}
	}
}

// sumTerms writes into out the coefficients coef * lambda(y) summed over ts.
func sumTerms(ts []labelTerm, y, out []float64) {
	clear(out[:len(y)])
	for k := range ts {
		labels(&ts[k], y, out, true)
	}
}

// accumulate adds phi(x_i, y_i) summed over the rows of x (row-major, len(y)
// rows of length d) to sum[:p.dim].
func (p *plan) accumulate(ws *work, x, y, sum []float64) {
	d := p.d
	acc := sum
	if p.kind == planVector {
		acc = ws.acc // padded for the kernels
		clear(acc)
	}
	for r0 := 0; r0 < len(y); r0 += blockRows {
		r1 := min(len(y), r0+blockRows)
		p.block(ws, x[r0*d:r1*d], y[r0:r1], acc)
	}
	if p.kind == planVector {
		for j := range sum[:d] {
			sum[j] += acc[j]
		}
	}
}

func (p *plan) block(ws *work, x, y, sum []float64) {
	d, rows := p.d, len(y)
	switch p.kind {
	case planVector:
		c := ws.c[:rows]
		if p.w == nil { // only ungated terms: sum_i L(y_i) x_i
			sumTerms(p.lin, y, c)
			kern.AxpyRows(x, d, c, sum, ws.idx)
			return
		}
		a, b := ws.a[:rows], ws.b[:rows]
		sumTerms(p.gA, y, a)
		sumTerms(p.gB, y, b)
		if len(p.lin) == 0 {
			kern.GatedRows(x, d, p.w, a, b, sum)
			return
		}
		z := ws.z[:rows]
		kern.DotRows(x, d, p.w, z)
		sumTerms(p.lin, y, c)
		for i, zi := range z {
			if zi > 0 {
				c[i] += a[i]*zi + b[i]
			}
		}
		kern.AxpyRows(x, d, c, sum, ws.idx)
	case planScalar:
		z := ws.z[:rows]
		if p.w != nil {
			kern.DotRows(x, d, p.w, z)
		}
		v := ws.c[:rows]
		clear(v)
		l := ws.a[:rows]
		for k := range p.scal {
			t := &p.scal[k]
			labels(t, y, l, false)
			switch t.feat {
			case sq.FeatOne:
				for i := range v {
					v[i] += l[i]
				}
			case sq.FeatRelu:
				for i, zi := range z {
					if zi > 0 {
						v[i] += l[i] * zi
					}
				}
			case sq.FeatRelu2:
				for i, zi := range z {
					if zi > 0 {
						v[i] += l[i] * (zi * zi)
					}
				}
			case sq.FeatStep:
				for i, zi := range z {
					if zi > 0 {
						v[i] += l[i]
					}
				}
			}
		}
		s := 0.0
		for _, vi := range v {
			if p.checkBound && math.Abs(vi) > p.bound {
				ws.bad = true
			}
			s += vi
		}
		sum[0] += s
	case planBatch:
		lam := ws.c[:rows]
		labels(&p.lam, y, lam, false)
		p.batch.Accumulate(x, lam, sum, &ws.bw)
	}
}

// summer adds the values of a query over rows of examples into a sum:
// through the fused kernels of pl when the query has a recognized form,
// else through sq.Evaluator row by row. One summer per worker; both the
// fresh-sample and the pool oracle use it.
type summer struct {
	pl    *plan
	ws    *work
	ev    *sq.Evaluator
	val   []float64
	d     int
	bound float64 // the declared bound, when the class is Bounded
	check bool
}

func newSummer(q *sq.Query, pl *plan, d int) *summer {
	s := &summer{pl: pl, d: d, bound: q.BoundOrOne() * (1 + 1e-12), check: q.Class.Closure()&sq.Bounded != 0}
	if pl != nil {
		s.ws = pl.newWork()
	} else {
		s.ev = sq.NewEvaluator(q)
		s.val = make([]float64, q.Dim)
	}
	return s
}

// add accumulates phi(x_i, y_i) over the rows of x into sum and reports
// whether a value broke the declared bound of a Bounded query.
func (s *summer) add(x, y, sum []float64) (bad bool) {
	if s.pl != nil {
		s.pl.accumulate(s.ws, x, y, sum)
		return s.ws.bad
	}
	for i := range y {
		s.ev.Eval(x[i*s.d:(i+1)*s.d], y[i], s.val)
		for j, v := range s.val {
			if s.check && math.Abs(v) > s.bound {
				bad = true
			}
			sum[j] += v
		}
	}
	return bad
}
