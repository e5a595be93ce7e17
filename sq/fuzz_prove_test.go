package sq

import (
	"math"
	"math/rand/v2"
	"testing"
)

// fuzzQuery builds a random query from the fuzzer's numbers: 1 to 6 terms
// of random label functionals (1, y, y^2, 1{y>t}, sign(y-t), now and then a
// label function), features (1, relu, relu^2, step, Hermite; or x, step x,
// relu x, relu rows for vector queries), coefficients from a set with exact
// values (so that terms combine and cancel), weight vectors shared between
// terms, scaled or zero.
func fuzzQuery(seed uint64, nTerms, dim uint8, vector bool, scale float64) (*Query, int) {
	r := rand.New(rand.NewPCG(seed, 0x9e37))
	d := 1 + int(dim%6)
	if math.IsNaN(scale) || math.IsInf(scale, 0) || scale == 0 {
		scale = 1
	}
	scale = math.Min(math.Abs(scale), 1e3)
	vecs := make([][]float64, 3)
	for i := range vecs {
		vecs[i] = make([]float64, d)
		if i == 2 && r.IntN(3) == 0 {
			continue // the zero vector
		}
		for j := range vecs[i] {
			vecs[i][j] = scale * r.NormFloat64()
		}
	}
	coefs := []float64{1, -1, 2, 0.5, -2, 0, 3}
	q := &Query{Name: "fuzz", Class: L2, Dim: 1}
	if vector {
		q.Dim = d
	}
	n := 1 + int(nTerms%6)
	for j := 0; j < n; j++ {
		var l Label
		switch r.IntN(11) {
		case 0, 1, 2:
			l = Label{Kind: LabelY}
		case 3, 4:
			l = Label{Kind: LabelOne}
		case 5:
			l = Label{Kind: LabelY2}
		case 6, 7:
			l = Label{Kind: LabelAbove, T: []float64{-0.5, 0, 0.5}[r.IntN(3)]}
		case 8, 9:
			l = Label{Kind: LabelSign, T: []float64{-0.5, 0, 0.5}[r.IntN(3)]}
		default:
			l = Label{Kind: LabelFunc, Func: func(y float64) float64 { return y }, Name: "id"}
		}
		c := coefs[r.IntN(len(coefs))]
		if r.IntN(4) == 0 {
			c = r.NormFloat64()
		}
		w := vecs[r.IntN(len(vecs))]
		var f Feature
		if vector {
			switch r.IntN(4) {
			case 0:
				f = Feature{Kind: FeatLinear}
			case 1:
				f = Feature{Kind: FeatStepX, W: w}
			case 2:
				f = Feature{Kind: FeatReluX, W: w}
			default:
				U := make([][]float64, d)
				for i := range U {
					U[i] = vecs[(i+j)%len(vecs)]
				}
				f = Feature{Kind: FeatReluRows, U: U}
			}
		} else {
			switch r.IntN(7) {
			case 0:
				f = Feature{Kind: FeatOne}
			case 1:
				f = Feature{Kind: FeatRelu, W: w}
			case 2:
				f = Feature{Kind: FeatRelu2, W: w}
			case 3, 4:
				f = Feature{Kind: FeatStep, W: w}
			case 5:
				f = Feature{Kind: FeatHermite, Idx: []int{r.IntN(d)}, Deg: []int{r.IntN(4)}}
			default:
				f = Feature{Kind: FeatRidge, U: [][]float64{w}, G: func(z []float64) float64 { return math.Tanh(z[0]) }, Name: "tanh"}
			}
		}
		q.Terms = append(q.Terms, Term{Coef: c, Label: l, Feature: f})
	}
	return q, d
}

// FuzzProvenClass: every class Prove accepts holds pointwise. A query
// proved correlational is y*h(x): phi(x, 0) = 0 and phi(x, y1) - phi(x, y2)
// = (y1 - y2) h(x) with h(x) = phi(x, 1) - phi(x, 0), on random x, y1, y2
// (any reals: the form does not depend on the label range). A query proved
// bounded stays within [-B, B], and one proved Boolean in {0, 1}, on random
// x ~ N(0, I_d) and labels in the range (its ends and the thresholds
// included). The bound is set now and then to the proven supremum itself,
// the edge case. The seed corpus runs in well under a second.
func FuzzProvenClass(f *testing.F) {
	for i := uint64(0); i < 40; i++ {
		f.Add(i, uint8(i%7), uint8(i%5), i%3 == 0, 1.0, uint8(i%4), float64(i%3))
	}
	f.Add(uint64(99), uint8(2), uint8(1), false, 1e-3, uint8(0), 0.0)
	f.Add(uint64(7), uint8(5), uint8(3), true, 30.0, uint8(1), 1.0)
	f.Fuzz(func(t *testing.T, seed uint64, nTerms, dim uint8, vector bool, scale float64, rangeSel uint8, boundSel float64) {
		q, d := fuzzQuery(seed, nTerms, dim, vector, scale)
		ranges := [][2]float64{{-1, 1}, {0, 1}, {-3, 2}, {0.5, 0.5}}
		lr := ranges[int(rangeSel)%len(ranges)]
		p0 := q.ProveFor(lr[0], lr[1])
		switch {
		case boundSel > 0 && boundSel < 1 && !math.IsInf(p0.Sup, 1) && p0.Sup > 0:
			q.Bound = p0.Sup
		case boundSel >= 1 && boundSel < 2 && !math.IsInf(p0.RMS, 1) && p0.RMS > 0:
			q.Bound = p0.RMS
		case boundSel >= 2 && !math.IsNaN(boundSel) && !math.IsInf(boundSel, 0):
			q.Bound = boundSel
		}
		p := q.ProveFor(lr[0], lr[1])
		if p.Class&p.Unproven != 0 {
			t.Fatalf("classes %s both proven and unproven (%s)", p.Class, p.Unproven)
		}
		for _, c := range reportOrder {
			if p.Class&c == 0 && p.Reason(c) == "" {
				t.Errorf("class %s not proved and no reason", c)
			}
		}
		B := q.BoundOrOne()
		ev := NewEvaluator(q)
		r := rand.New(rand.NewPCG(seed^0xabc, 3))
		x := make([]float64, d)
		v0, v1, va, vb := make([]float64, q.Dim), make([]float64, q.Dim), make([]float64, q.Dim), make([]float64, q.Dim)
		labels := []float64{lr[0], lr[1], -0.5, 0, 0.5, (lr[0] + lr[1]) / 2}
		for trial := 0; trial < 64; trial++ {
			for i := range x {
				x[i] = r.NormFloat64()
			}
			if p.Class&Correlational != 0 {
				y1, y2 := 4*r.NormFloat64(), 4*r.NormFloat64()
				ev.Eval(x, 0, v0)
				ev.Eval(x, 1, v1)
				ev.Eval(x, y1, va)
				ev.Eval(x, y2, vb)
				for i := range v0 {
					h := v1[i] - v0[i]
					scale := 1 + math.Abs(va[i]) + math.Abs(vb[i]) + math.Abs(h)*(1+math.Abs(y1)+math.Abs(y2))
					if math.Abs(v0[i]) > 1e-12*scale {
						t.Fatalf("proved correlational, but phi(x, 0)[%d] = %g", i, v0[i])
					}
					if got, want := va[i]-vb[i], (y1-y2)*h; math.Abs(got-want) > 1e-9*scale {
						t.Fatalf("proved correlational, but phi(x,%g) - phi(x,%g) = %g, (y1-y2) h(x) = %g (coordinate %d)", y1, y2, got, want, i)
					}
				}
			}
			if p.Class&(Bounded|Boolean) == 0 {
				continue
			}
			y := labels[trial%len(labels)]
			if trial >= len(labels) {
				y = lr[0] + (lr[1]-lr[0])*r.Float64()
			}
			ev.Eval(x, y, va)
			for i, v := range va {
				if p.Class&Bounded != 0 && math.Abs(v) > B*(1+1e-9) {
					t.Fatalf("proved bounded by %g (sup %g), but phi(x, %g)[%d] = %g", B, p.Sup, y, i, v)
				}
				if p.Class&Boolean != 0 && v != 0 && v != 1 {
					t.Fatalf("proved Boolean, but phi(x, %g)[%d] = %g", y, i, v)
				}
			}
		}
	})
}

// FuzzQueryValidate: query construction and validation with random
// dimensions and non-finite values never panic; a non-finite weight,
// coefficient, threshold or bound is a Validate error; Fingerprint never
// panics, also on a refused query; a query Validate accepts evaluates.
func FuzzQueryValidate(f *testing.F) {
	f.Add(int8(3), int8(3), 1.0, 0.5, 0.0, uint8(0), int16(2))
	f.Add(int8(-1), int8(2), math.NaN(), 0.5, 1.0, uint8(1), int16(1))
	f.Add(int8(2), int8(2), math.Inf(1), 0.5, 1.0, uint8(2), int16(1000))
	f.Add(int8(4), int8(0), 1.0, math.Inf(-1), 1.0, uint8(3), int16(-3))
	f.Add(int8(2), int8(5), 1e300, 1.0, math.NaN(), uint8(4), int16(401))
	f.Add(int8(1), int8(1), 1.0, 1.0, 1.0, uint8(5), int16(400))
	f.Add(int8(3), int8(2), 1.0, 1.0, 1.0, uint8(6), int16(0))
	f.Add(int8(0), int8(0), 0.0, 0.0, 0.0, uint8(7), int16(0))
	f.Fuzz(func(t *testing.T, dq, dv int8, wv, coef, bound float64, kind uint8, deg int16) {
		d := int(dq)
		n := max(int(dv), 0)
		w := make([]float64, n)
		for i := range w {
			w[i] = float64(i + 1)
		}
		if n > 0 {
			w[n/2] = wv
		}
		var qs []*Query
		switch kind % 8 {
		case 0:
			qs = []*Query{ReluCorr(w), GateCorr(w), StepCorr(w), Grad(w), Loss(w), ReluBatch([][]float64{w, w})}
		case 1:
			qs = []*Query{Chow(d), Chow(n), LabelMoment(int(deg))}
		case 2:
			qs = []*Query{HermiteCorr([]int{0}, []int{int(deg)}), HermiteCorr([]int{0, 1}, []int{int(deg)}), HermiteCorr([]int{n, 0}, []int{1, int(deg)})}
		case 3:
			qs = []*Query{{Name: "stray", Class: Correlational, Dim: 1, Terms: []Term{{Coef: coef, Label: Label{Kind: LabelY},
				Feature: Feature{Kind: FeatRelu, W: w, Idx: []int{int(deg)}}}}}}
		case 4:
			qs = []*Query{{Name: "thresholds", Class: Bounded, Bound: bound, Dim: 1, Terms: []Term{
				{Coef: coef, Label: Label{Kind: LabelAbove, T: wv}, Feature: Feature{Kind: FeatStep, W: w}}}}}
		case 5:
			qs = []*Query{{Name: "rows", Class: L2, Bound: bound, Dim: 2, Terms: []Term{
				{Coef: coef, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatReluRows, U: [][]float64{w, {wv}}}}}}}
		case 6:
			q := ReluCorr(w)
			q.Terms[0].Coef = coef
			q.Bound = bound
			qs = []*Query{q, {Name: "ridge", Class: L2, Bound: bound, Dim: 1, Terms: []Term{{Coef: coef, Label: Label{Kind: LabelY},
				Feature: Feature{Kind: FeatRidge, U: [][]float64{w}, G: func(z []float64) float64 { return 0 }, Kinks: [][]float64{{wv}}}}}}}
		default:
			qs = []*Query{nil, {Name: "empty"}, {Name: "dims", Class: L2, Dim: d, Terms: []Term{{Coef: 1, Feature: Feature{Kind: FeatLinear}}}}}
		}
		nonFinite := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
		for _, q := range qs {
			err := q.Validate(d)
			_ = q.Fingerprint()
			_ = q.Prove()
			_, _ = q.ProvenClass()
			if q == nil {
				if err == nil {
					t.Fatal("nil query validated")
				}
				continue
			}
			if err == nil {
				for _, term := range q.Terms {
					if nonFinite(term.Coef) || nonFinite(term.Label.T) || slicesNonFinite(term.Feature.W) {
						t.Fatalf("%s: Validate accepted a non-finite value", q.Name)
					}
					for _, row := range term.Feature.U {
						if slicesNonFinite(row) {
							t.Fatalf("%s: Validate accepted a non-finite row", q.Name)
						}
					}
					if term.Feature.Kind == FeatHermite {
						total := 0
						for _, g := range term.Feature.Deg {
							total += g
						}
						if total > MaxHermiteDegree {
							t.Fatalf("%s: Validate accepted total degree %d", q.Name, total)
						}
					}
				}
				if nonFinite(q.Bound) {
					t.Fatalf("%s: Validate accepted bound %v", q.Name, q.Bound)
				}
				x := make([]float64, d)
				for i := range x {
					x[i] = 0.5
				}
				out := make([]float64, q.Dim)
				NewEvaluator(q).Eval(x, 0.5, out)
			}
		}
	})
}

func slicesNonFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return true
		}
	}
	return false
}
