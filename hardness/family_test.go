package hardness

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// testQueries returns a varied set of structured queries in dimension d.
func testQueries(d int) []*sq.Query {
	r := sq.Stream(5, 3)
	w := make([]float64, d)
	v := make([]float64, d)
	for i := range w {
		w[i] = r.NormFloat64() * 0.6
		v[i] = r.NormFloat64() * 0.6
	}
	relu2 := &sq.Query{Name: "y*relu^2", Class: sq.L2, Bound: 5, Dim: 1, // E[relu(w.x)^4]^(1/2) = sqrt(3/2) ||w||^2, about 4.2
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatRelu2, W: w}}}}
	relux := &sq.Query{Name: "y*relu*x", Class: sq.L2, Bound: 3, Dim: d,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatReluX, W: w}}}}
	thresh := &sq.Query{Name: "1{y>1/2}relu - 2 sign(y-1/2) step", Class: sq.L2, Bound: 3, Dim: 1,
		Terms: []sq.Term{
			{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0.5}, Feature: sq.Feature{Kind: sq.FeatRelu, W: v}},
			{Coef: -2, Label: sq.Label{Kind: sq.LabelSign, T: 0.5}, Feature: sq.Feature{Kind: sq.FeatStep, W: w}},
			{Coef: 0.5, Label: sq.Label{Kind: sq.LabelFunc, Name: "3y+1", Func: func(y float64) float64 { return 3*y + 1 }}, Feature: sq.Feature{Kind: sq.FeatOne}},
		}}
	return []*sq.Query{sq.ReluCorr(w), sq.GateCorr(w), sq.StepCorr(v), sq.Loss(w), sq.Grad(v), sq.Chow(d),
		sq.ReluBatch([][]float64{w, v}), sq.HermiteCorr([]int{0, 1}, []int{1, 3}), sq.HermiteCorr([]int{0}, []int{1}),
		sq.HermiteCorr([]int{0, 1, 2, 3}, []int{1, 1, 1, 1}), sq.LabelMoment(1), sq.LabelMoment(2), relu2, relux, thresh}
}

// TestWorldExpectMonteCarlo compares the exact expectations of D_S (k = 1,
// 2, 4, eta = 0.1) and D_0 with Monte Carlo means over 4e5 examples drawn by
// the world's own Sample, coordinate by coordinate, within 5 standard
// errors (about 300 comparisons; the chance of a false failure is below
// 2e-4). A deterministic coordinate (zero variance) must agree to 1e-12.
func TestWorldExpectMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo: 4e5 examples per world")
	}
	const d, n = 5, 400000
	for _, k := range []int{0, 1, 2, 4} {
		var w *World
		if k == 0 {
			f, _ := NewFamily(d, 2, 0.1)
			w = f.Null()
		} else {
			f, err := NewFamily(d, k, 0.1)
			if err != nil {
				t.Fatal(err)
			}
			S := []int{0, 1, 2, 3}[:k]
			if w, err = f.Planted(S); err != nil {
				t.Fatal(err)
			}
		}
		x := make([]float64, n*d)
		y := make([]float64, n)
		w.Sample(sq.Stream(uint64(k)+100, sq.KeyPool), x, y)
		for _, q := range testQueries(d) {
			exact := make([]float64, q.Dim)
			eb, err := w.Expect(q, exact)
			if err != nil {
				t.Fatalf("k = %d, %s: %v", k, q.Name, err)
			}
			if eb > 1e-10 {
				t.Errorf("k = %d, %s: error bound %v", k, q.Name, eb)
			}
			ev := sq.NewEvaluator(q)
			val := make([]float64, q.Dim)
			sum := make([]float64, q.Dim)
			sum2 := make([]float64, q.Dim)
			for i := 0; i < n; i++ {
				ev.Eval(x[i*d:(i+1)*d], y[i], val)
				for j, v := range val {
					sum[j] += v
					sum2[j] += v * v
				}
			}
			for j := range sum {
				m := sum[j] / n
				se := math.Sqrt(math.Max(sum2[j]/n-m*m, 0) / n)
				if math.Abs(m-exact[j]) > 5*se+1e-12 {
					t.Errorf("k = %d, %s[%d]: exact %.6g, Monte Carlo %.6g ± %.2g", k, q.Name, j, exact[j], m, se)
				}
			}
		}
	}
}

// TestWorldLoss: World.Loss agrees with Expect of the loss query, and the
// symmetric ReLU at r* (one sign flipped when needed) attains opt_S.
func TestWorldLoss(t *testing.T) {
	for _, k := range []int{2, 4, 6} {
		for _, eta := range []float64{0, 0.25} {
			f, _ := NewFamily(8, k, eta)
			S := []int{1, 2, 3, 5, 6, 7}[:k]
			w, _ := f.Planted(S)
			l := mustLand(t, k, eta)
			u := make([]float64, 8)
			for _, i := range S {
				u[i] = l.RStar / math.Sqrt(float64(k))
			}
			if (k/2)%2 == 0 {
				u[S[0]] = -u[S[0]] // C_S(1_S/sqrt k) < 0 for k = 0 mod 4
			}
			loss, _, err := w.Loss(u)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(loss-l.OptS) > 1e-14 {
				t.Errorf("k = %d, eta = %v: loss at r* u_S = %.16g, opt_S = %.16g", k, eta, loss, l.OptS)
			}
			var viaQuery [1]float64
			if _, err := w.Expect(sq.Loss(u), viaQuery[:]); err != nil {
				t.Fatal(err)
			}
			if math.Abs(viaQuery[0]-loss) > 1e-14 {
				t.Errorf("k = %d: Expect(Loss) = %.16g, Loss = %.16g", k, viaQuery[0], loss)
			}
			// Under D_0 the same ReLU pays opt_0 + (r* - 2 A0)^2/2.
			null, _, _ := f.Null().Loss(u)
			if want := l.Opt0 + (l.RStar-2*A0)*(l.RStar-2*A0)/2; math.Abs(null-want) > 1e-14 {
				t.Errorf("k = %d: null loss at r* = %.16g, want %.16g", k, null, want)
			}
		}
	}
}

// TestWorldNotExact: queries the parity correlation cannot answer fail with
// sq.ErrNotExact; label-free ridge features are fine.
func TestWorldNotExact(t *testing.T) {
	f, _ := NewFamily(4, 2, 0)
	w, _ := f.Planted([]int{0, 1})
	fn := &sq.Query{Name: "y*f(x)", Class: sq.L2, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatFunc, OutDim: 1, Name: "x0",
			F: func(x, out []float64) { out[0] = x[0] }}}}}
	ridge := &sq.Query{Name: "y*g(Ux)", Class: sq.L2, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{{1, 0, 0, 0}}, Name: "tanh",
			G: func(z []float64) float64 { return math.Tanh(z[0]) }}}}}
	joint := &sq.Query{Name: "clip", Class: sq.L2, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Joint: &sq.Joint{U: [][]float64{{1, 0, 0, 0}}, Name: "j", G: func(z []float64, y float64) float64 { return z[0] * y }}}}}
	out := make([]float64, 1)
	for _, q := range []*sq.Query{fn, ridge, joint} {
		if _, err := w.Expect(q, out); !errors.Is(err, sq.ErrNotExact) {
			t.Errorf("%s: err = %v, want sq.ErrNotExact", q.Name, err)
		}
	}
	free := &sq.Query{Name: "g(Ux)", Class: sq.L2, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{{1, 0, 0, 0}}, Name: "sq",
			G: func(z []float64) float64 { return z[0] * z[0] }}}}}
	if _, err := w.Expect(free, out); err != nil || math.Abs(out[0]-1) > 1e-12 {
		t.Errorf("label-free ridge: %v, %v (want 1)", out[0], err)
	}
	// The null world answers a joint term (a mean over y = 0, 1).
	if _, err := f.Null().Expect(joint, out); err != nil || math.Abs(out[0]) > 1e-12 {
		t.Errorf("null joint: %v, %v (want 0)", out[0], err)
	}
}

// TestSampleLabels: P[y = 1 | x] = 1/2 + a chi_S(x) within 5 standard errors.
func TestSampleLabels(t *testing.T) {
	f, _ := NewFamily(6, 4, 0.2)
	w, _ := f.Planted([]int{0, 2, 3, 5})
	const n = 200000
	x := make([]float64, n*6)
	y := make([]float64, n)
	w.Sample(sq.Stream(9, 9), x, y)
	agree := 0.0
	for i := 0; i < n; i++ {
		chi := sgn(x[i*6]) * sgn(x[i*6+2]) * sgn(x[i*6+3]) * sgn(x[i*6+5])
		agree += chi * (2*y[i] - 1)
	}
	m := agree / n
	se := math.Sqrt((1 - 0.36) / n)
	if math.Abs(m-0.6) > 5*se {
		t.Errorf("E[chi_S (2y-1)] = %.4f, want 1 - 2 eta = 0.6 (± %.4f)", m, se)
	}
}
