package world

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqsim/sqsim/sq"
)

func randVec(seed uint64, d int, scale float64) []float64 {
	r := sq.Stream(seed, 99)
	v := make([]float64, d)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	n := norm(v)
	for i := range v {
		v[i] *= scale / n
	}
	return v
}

// genericCopy returns the same label model as m, but built through
// MultiIndex, so that its expectations go through the generic conditional
// quadrature instead of the closed forms.
func genericCopy(t *testing.T, m *Model) *Model {
	t.Helper()
	g, err := MultiIndex("copy-of-"+m.name, m.v, m.f, m.kinks, m.noise, m.set.LabelMin, m.set.LabelMax)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// ridgeVersion rewrites a product term's standard feature as a FeatRidge
// with its kinks, so that it goes through the two-dimensional ridge
// quadrature.
func ridgeVersion(q *sq.Query) *sq.Query {
	out := *q
	out.Terms = nil
	for _, t := range q.Terms {
		f := t.Feature
		var nf sq.Feature
		switch f.Kind {
		case sq.FeatRelu:
			nf = sq.Feature{Kind: sq.FeatRidge, U: [][]float64{f.W}, G: func(z []float64) float64 { return math.Max(z[0], 0) }, Kinks: [][]float64{{0}}, Name: "relu"}
		case sq.FeatRelu2:
			nf = sq.Feature{Kind: sq.FeatRidge, U: [][]float64{f.W}, G: func(z []float64) float64 { r := math.Max(z[0], 0); return r * r }, Kinks: [][]float64{{0}}, Name: "relu2"}
		case sq.FeatStep:
			nf = sq.Feature{Kind: sq.FeatRidge, U: [][]float64{f.W}, G: func(z []float64) float64 { return step(z[0]) }, Kinks: [][]float64{{0}}, Name: "step"}
		case sq.FeatStepX:
			nf = sq.Feature{Kind: sq.FeatRidge, U: [][]float64{f.W}, G: func(z []float64) float64 { return step(z[0]) }, Kinks: [][]float64{{0}}, TimesX: true, Name: "stepx"}
		case sq.FeatReluX:
			nf = sq.Feature{Kind: sq.FeatRidge, U: [][]float64{f.W}, G: func(z []float64) float64 { return math.Max(z[0], 0) }, Kinks: [][]float64{{0}}, TimesX: true, Name: "relux"}
		case sq.FeatLinear:
			nf = sq.Feature{Kind: sq.FeatRidge, G: func(z []float64) float64 { return 1 }, TimesX: true, Name: "one-x"}
		case sq.FeatOne:
			nf = sq.Feature{Kind: sq.FeatRidge, G: func(z []float64) float64 { return 1 }, Name: "one"}
		default:
			nf = f
		}
		t.Feature = nf
		out.Terms = append(out.Terms, t)
	}
	return &out
}

func step(z float64) float64 {
	if z > 0 {
		return 1
	}
	return 0
}

func single(name string, coef float64, l sq.Label, f sq.Feature, dim int) *sq.Query {
	q := &sq.Query{Name: name, Class: sq.L2, Bound: 1, Dim: dim, Terms: []sq.Term{{Coef: coef, Label: l, Feature: f}}}
	if r := q.Prove().RMS; r > 1 && !math.IsInf(r, 0) {
		q.Bound = r // the declared class must be one the terms prove
	}
	return q
}

// testQueries are the product queries of every feature and label kind at
// weight vector w in dimension d.
func testQueries(w []float64) []*sq.Query {
	d := len(w)
	labels := []sq.Label{{Kind: sq.LabelY}, {Kind: sq.LabelY2}, {Kind: sq.LabelAbove, T: 0.3}, {Kind: sq.LabelSign, T: 0.7}}
	feats := []struct {
		f   sq.Feature
		dim int
	}{
		{sq.Feature{Kind: sq.FeatOne}, 1},
		{sq.Feature{Kind: sq.FeatRelu, W: w}, 1},
		{sq.Feature{Kind: sq.FeatRelu2, W: w}, 1},
		{sq.Feature{Kind: sq.FeatStep, W: w}, 1},
		{sq.Feature{Kind: sq.FeatLinear}, d},
		{sq.Feature{Kind: sq.FeatStepX, W: w}, d},
		{sq.Feature{Kind: sq.FeatReluX, W: w}, d},
	}
	var qs []*sq.Query
	for _, l := range labels {
		for _, f := range feats {
			qs = append(qs, single(fmt.Sprintf("%s*%s", l.Kind, f.f.Kind), 1, l, f.f, f.dim))
		}
	}
	return qs
}

// testFamily is a test world and the name of its subtests (two worlds of a
// kind share the model's name).
type testFamily struct {
	name string
	m    *Model
}

func families(t *testing.T, d int) []testFamily {
	t.Helper()
	ws := randVec(1, d, 0.8)
	var ms []testFamily
	add := func(name string, m *Model, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, testFamily{name, m})
	}
	realizable, err := Realizable(ws)
	add("realizable", realizable, err)
	gaussian, err := Noisy(ws, Noise{Kind: Gaussian, Param: 0.3})
	add("noisy gaussian", gaussian, err)
	rademacher, err := Noisy(ws, Noise{Kind: Rademacher, Param: 0.2})
	add("noisy rademacher", rademacher, err)
	clipped, err := Clipped(randVec(2, d, 1.7), 1)
	add("clipped", clipped, err)
	flip, err := Corrupted(randVec(3, d, 1.2), 0.15, CorruptFlip)
	add("corrupted flip", flip, err)
	zero, err := Corrupted(randVec(4, d, 1.0), 0.1, CorruptZero)
	add("corrupted zero", zero, err)
	half, err := Halfspace(ws, 0.1)
	add("halfspace", half, err)
	return ms
}

// TestRoutesAgree checks every exact expectation three ways: the family's
// own route (closed forms where it has them), the generic one-dimensional
// conditional quadrature, and the two-dimensional ridge quadrature.
func TestRoutesAgree(t *testing.T) {
	d := 4
	w := randVec(7, d, 0.9)
	for _, f := range families(t, d) {
		m := f.m
		t.Run(f.name, func(t *testing.T) {
			g := genericCopy(t, m)
			for _, q := range testQueries(w) {
				t.Run(q.Name, func(t *testing.T) {
					a := make([]float64, q.Dim)
					b := make([]float64, q.Dim)
					c := make([]float64, q.Dim)
					if _, err := m.Expect(q, a); err != nil {
						t.Fatalf("family route: %v", err)
					}
					if _, err := g.Expect(q, b); err != nil {
						t.Fatalf("generic route: %v", err)
					}
					if _, err := m.Expect(ridgeVersion(q), c); err != nil {
						t.Fatalf("ridge route: %v", err)
					}
					if diff := cmp.Diff(a, b, cmpopts.EquateApprox(0, 1e-11)); diff != "" {
						t.Errorf("family vs generic quadrature (-family +generic):\n%s", diff)
					}
					if diff := cmp.Diff(a, c, cmpopts.EquateApprox(0, 1e-10)); diff != "" {
						t.Errorf("family vs ridge quadrature (-family +ridge):\n%s", diff)
					}
				})
			}
		})
	}
}

// TestMonteCarlo checks exact expectations against the empirical mean of
// n = 200000 examples drawn by the model itself: |mean - exact| <= 5 sd/sqrt(n)
// per coordinate (a false failure has probability about 6e-7 per check).
func TestMonteCarlo(t *testing.T) {
	d := 3
	w := randVec(11, d, 1.1)
	const n = 200000
	for mi, f := range families(t, d) {
		m := f.m
		t.Run(f.name, func(t *testing.T) {
			x := make([]float64, n*d)
			y := make([]float64, n)
			m.Sample(sq.Stream(uint64(mi), 5), x, y)
			for _, q := range testQueries(w) {
				t.Run(q.Name, func(t *testing.T) {
					exact := make([]float64, q.Dim)
					if _, err := m.Expect(q, exact); err != nil {
						t.Fatal(err)
					}
					ev := sq.NewEvaluator(q)
					sum := make([]float64, q.Dim)
					sum2 := make([]float64, q.Dim)
					v := make([]float64, q.Dim)
					for i := 0; i < n; i++ {
						ev.Eval(x[i*d:(i+1)*d], y[i], v)
						for j := range v {
							sum[j] += v[j]
							sum2[j] += v[j] * v[j]
						}
					}
					for j := range exact {
						mean := sum[j] / n
						sd := math.Sqrt(math.Max(sum2[j]/n-mean*mean, 0))
						if math.Abs(mean-exact[j]) > 5*sd/math.Sqrt(n)+1e-12 {
							t.Errorf("[%d]: Monte Carlo %.6g +- %.2g, exact %.10g", j, mean, sd/math.Sqrt(n), exact[j])
						}
					}
				})
			}
		})
	}
}

// TestTheoryReference checks theory §2.3 through the realizable world: the
// loss at w = (0.6, 0.8) for v = (1.5, -0.5) and the gradient 2(E4 - E11).
func TestTheoryReference(t *testing.T) {
	m, err := Realizable([]float64{1.5, -0.5})
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{0.6, 0.8}
	l, _, err := m.Loss(w)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(l-0.97132697954953062978) > 1e-12 {
		t.Errorf("loss %.17g, want 0.97132697954953062978", l)
	}
	g := make([]float64, 2)
	if _, err := m.Expect(sq.Grad(w), g); err != nil {
		t.Fatal(err)
	}
	want := []float64{-0.59010347108976169312, 0.71923632775423455706}
	if diff := cmp.Diff(want, g, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
		t.Errorf("gradient (-want +got):\n%s", diff)
	}
	// Hermite coefficients of relu(u.x) (theory §9.1) through the ridge formula.
	u := []float64{math.Cos(0.7), math.Sin(0.7)}
	mu, _ := Realizable(u)
	for _, c := range []struct {
		a    [2]int
		want float64
	}{{[2]int{1, 1}, 0.196568781251}, {[2]int{2, 0}, 0.165020818779}, {[2]int{3, 1}, -0.0469442699365}, {[2]int{2, 2}, -0.0484271631021}, {[2]int{1, 3}, -0.0333045989679}} {
		t.Run(fmt.Sprintf("hermite,alpha=%v", c.a), func(t *testing.T) {
			var out [1]float64
			if _, err := mu.Expect(sq.HermiteCorr([]int{0, 1}, c.a[:]), out[:]); err != nil {
				t.Fatal(err)
			}
			if math.Abs(out[0]-c.want) > 1e-12 {
				t.Errorf("E[relu(u.x) H_%v] = %.13g, want %.13g", c.a, out[0], c.want)
			}
		})
	}
}

func TestOpt(t *testing.T) {
	d := 3
	for _, f := range families(t, d) {
		m := f.m
		t.Run(f.name, func(t *testing.T) {
			res, err := m.Opt()
			if err != nil {
				t.Fatal(err)
			}
			if n := norm(res.W); n > 1+1e-12 {
				t.Errorf("minimizer has norm %g > 1", n)
			}
			l, _, err := m.Loss(res.W)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(l-res.Opt) > 1e-10 {
				t.Errorf("Opt %.12g but the loss of its minimizer is %.12g", res.Opt, l)
			}
			// No ReLU of norm <= 1 does better: random directions and norms.
			r := sq.Stream(3, 3)
			for i := 0; i < 300; i++ {
				w := randVec(uint64(1000+i), d, r.Float64())
				if i%3 == 0 {
					// near the minimizer
					for j := range w {
						w[j] = res.W[j] + 0.01*w[j]
					}
					if n := norm(w); n > 1 {
						for j := range w {
							w[j] /= n
						}
					}
				}
				lw, _, _ := m.Loss(w)
				if lw < res.Opt-1e-10 {
					t.Errorf("loss %.12g at %v is below opt %.12g", lw, w, res.Opt)
					break
				}
			}
		})
	}
	// Closed forms: realizable opt = 0, noisy opt = variance.
	m, _ := Noisy([]float64{0.3, 0.4}, Noise{Kind: Gaussian, Param: 0.5})
	if res, _ := m.Opt(); res.Opt != 0.25 {
		t.Errorf("noisy opt %g, want 0.25", res.Opt)
	}
}

// TestTwoIndexAnchor reproduces the Monte Carlo anchor of theory §6.4: for
// y = min(1, relu(x1)) * (1 if x2 > 0.5 else 0.6), opt ~ 0.01775 (grid
// search) and the loss of 2E[yx] ~ 0.01778 (4e5 samples), through the
// two-dimensional quadrature.
func TestTwoIndexAnchor(t *testing.T) {
	if testing.Short() {
		t.Skip("the two-angle opt search takes about 8 s; run without -short")
	}
	d := 3
	V := [][]float64{{1, 0, 0}, {0, 1, 0}}
	f := func(s []float64) float64 {
		y := math.Min(1, math.Max(0, s[0]))
		if s[1] > 0.5 {
			return y
		}
		return 0.6 * y
	}
	kinks := []Hyper{{A: []float64{1, 0}, C: 0}, {A: []float64{1, 0}, C: 1}, {A: []float64{0, 1}, C: 0.5}}
	m, err := MultiIndex("anchor", V, f, kinks, Noise{}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	res, err := m.Opt()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(res.Opt-0.01775) > 1e-4 {
		t.Errorf("opt %.6g, want about 0.01775", res.Opt)
	}
	chow := make([]float64, d)
	if _, err := m.Expect(sq.Chow(d), chow); err != nil {
		t.Fatal(err)
	}
	for i := range chow {
		chow[i] *= 2
	}
	l, _, _ := m.Loss(chow)
	if math.Abs(l-0.01778) > 2e-4 {
		t.Errorf("loss of 2E[yx] %.6g, want about 0.01778", l)
	}
	if l < res.Opt {
		t.Errorf("loss of 2E[yx] %.6g below opt %.6g", l, res.Opt)
	}
	if l > (1+math.Sqrt2)*(1+math.Sqrt2)*res.Opt {
		t.Errorf("loss of 2E[yx] %.6g above (1+sqrt2)^2 opt", l)
	}
}

func TestErrors(t *testing.T) {
	m, _ := Realizable([]float64{1, 0})
	fq := &sq.Query{Name: "f", Class: sq.L2, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY},
		Feature: sq.Feature{Kind: sq.FeatFunc, OutDim: 1, F: func(x, o []float64) { o[0] = x[0] }}}}}
	build := func(_ *Model, err error) error { return err }
	expect := func(_ float64, err error) error { return err }
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"empty w*", build(Realizable(nil)), ErrModel},
		{"NaN w*", build(Realizable([]float64{1, math.NaN()})), ErrModel},
		{"negative clip", build(Clipped([]float64{1}, -1)), ErrModel},
		{"infinite noise", build(Noisy([]float64{1}, Noise{Kind: Gaussian, Param: math.Inf(1)})), ErrModel},
		{"eta > one half", build(Halfspace([]float64{1}, 0.7)), ErrModel},
		{"dimension mismatch", expect(m.Expect(sq.Chow(3), make([]float64, 3))), sq.ErrQuery},
		{"function feature", expect(m.Expect(fq, make([]float64, 1))), sq.ErrNotExact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !errors.Is(tc.err, tc.want) {
				t.Errorf("err = %v, want %v", tc.err, tc.want)
			}
		})
	}
}
