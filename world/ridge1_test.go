package world

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// TestRidgeOneDReference: the 1-D ridge route (ridgeOneD) against the
// independent polar reference of ref_test.go, for the ridge versions of the
// reference queries (relu, step, relu^2 of w.x, times x or not, with the
// labels 1, y, y^2) on every world kind, at angles between w and w* from 0
// (parallel) to pi, including 1e-9 (near-parallel) and pi/2 +- small
// (near-orthogonal): |answer - truth| <= bound + refAcc x scale and
// bound <= 1e-10 x scale, scale = max(1, ||w||^2). For the package's own
// families the 1-D route must be the one that answered.
func TestRidgeOneDReference(t *testing.T) {
	short := testing.Short()
	d := 3
	u := unit([]float64{0.48, -0.6, 0.64})
	e := orthoTo(u, 0)
	norms := []float64{0.66, 2.5}
	if short {
		norms = []float64{0.66}
	}
	angles := append(nearAngles(short), math.Pi/2, math.Pi/2+1e-7, math.Pi/2-3e-4)
	worst := 0.0
	for _, rw := range refWorlds(t, u, !short) {
		t.Run(rw.name, func(t *testing.T) {
			for _, th := range angles {
				for _, nw := range norms {
					w := make([]float64, d)
					for i := range w {
						w[i] = nw * (math.Cos(th)*u[i] + math.Sin(th)*e[i])
					}
					for _, rq := range refQueries(w, rw.y2) {
						q := ridgeVersion(rq.q)
						if len(q.Terms) != 1 || q.Terms[0].Feature.Kind != sq.FeatRidge {
							continue
						}
						tm := &q.Terms[0]
						t.Run(fmt.Sprintf("theta=%.3g,|w|=%g/%s", th, nw, q.Name), func(t *testing.T) {
							got := make([]float64, q.Dim)
							eb, ok := rw.m.ridgeOneD(tm.Feature.U[0], tm.Feature.Kinks, tm.Feature.TimesX, tm, got)
							if rw.m.pwLinear && !ok {
								t.Fatalf("the 1-D route did not apply")
							}
							if !ok {
								return
							}
							want, _ := rq.ref(rw, refMain)
							scale := math.Max(1, nw*nw)
							if eb > 1e-10*scale {
								t.Errorf("bound %.3g exceeds 1e-10 x %g", eb, scale)
							}
							for i := range got {
								diff := math.Abs(got[i] - want[i])
								worst = math.Max(worst, diff/scale)
								if diff > eb+refAcc*scale {
									t.Errorf("[%d]: %.17g, reference %.17g: off by %.3g, bound %.3g", i, got[i], want[i], diff, eb)
								}
							}
						})
					}
				}
			}
		})
	}
	t.Logf("largest error against the polar reference (relative to the scale): %.3g", worst)
}

// ridgeTestQueries are the shapes of ridge queries the learners ask
// (isotron's bins and isotonic link, the ramp gradient of DKTZ), along the
// direction w, with the given label.
func ridgeTestQueries(w []float64, lab sq.Label) []*sq.Query {
	bins := []float64{-0.8, -0.1, 0, 0.35, 1.2}
	vals := []float64{-0.3, 0.1, 0.2, 0.9, 1.4, 2}
	bin := func(lo, hi float64) *sq.Query {
		return &sq.Query{Name: fmt.Sprintf("bin(%g,%g)", lo, hi), Class: sq.L2, Bound: 1, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: lab,
			Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{w}, Kinks: [][]float64{{lo, hi}}, Name: "bin",
				G: func(z []float64) float64 {
					if z[0] > lo && z[0] <= hi {
						return 1
					}
					return 0
				}}}}}
	}
	link := &sq.Query{Name: "link", Class: sq.L2, Bound: 2, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: lab,
		Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{w}, Kinks: [][]float64{bins}, Name: "link",
			G: func(z []float64) float64 {
				for i, b := range bins {
					if z[0] <= b {
						return vals[i]
					}
				}
				return vals[len(bins)]
			}}}}}
	ramp := &sq.Query{Name: "ramp", Class: sq.L2, Bound: 1, Dim: len(w), Terms: []sq.Term{{Coef: 1, Label: lab,
		Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{w}, Kinks: [][]float64{{-0.4, 0.4}}, TimesX: true, Name: "ramp",
			G: func(z []float64) float64 {
				if math.Abs(z[0]) < 0.4 {
					return 1
				}
				return 0
			}}}}}
	smooth := &sq.Query{Name: "tanh-x", Class: sq.L2, Bound: 1, Dim: len(w), Terms: []sq.Term{{Coef: 1, Label: lab,
		Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{w}, TimesX: true, Name: "tanh",
			G: func(z []float64) float64 { return math.Tanh(z[0]) }}}}}
	return []*sq.Query{bin(-0.1, 0), bin(0, 0.35), bin(1.2, math.Inf(1)), link, ramp, smooth}
}

// ridgeWorlds are the grid's world kinds (results --oracle noise) in
// dimension len(ws).
func ridgeWorlds(t *testing.T, ws []float64) []*Model {
	t.Helper()
	var out []*Model
	add := func(m *Model, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	add(Realizable(ws))
	add(Noisy(ws, Noise{Kind: Gaussian, Param: 0.3}))
	add(Noisy(ws, Noise{Kind: Rademacher, Param: 0.2}))
	add(Clipped(ws, 1))
	add(Clipped(ws, 0.5))
	for _, f := range []float64{0.05, 0.4} {
		add(Corrupted(ws, f, CorruptFlip))
		add(Corrupted(ws, f, CorruptZero))
	}
	add(Halfspace(ws, 0.1))
	return out
}

// TestRidgeOneDMatches2D: the 1-D route against the 2-D quadrature it
// replaces (ridge2D, kept as the reference) on every grid world kind, for
// random directions and ones near-parallel and near-orthogonal to w*, with
// the labels 1, y, y^2 and the thresholds sign(y - 0.3), 1{y > 0.6} (the
// threshold view of the approx learner): the two agree within the sum of
// their bounds, each bound <= 1e-10 x max(1, ||u||^2). A threshold label
// under Gaussian noise is not piecewise polynomial: the 1-D route declines
// it and Expect answers by the 2-D route.
func TestRidgeOneDMatches2D(t *testing.T) {
	d := 10
	r := rand.New(rand.NewPCG(12, 1))
	ws := make([]float64, d)
	for i := range ws {
		ws[i] = r.NormFloat64() / math.Sqrt(float64(d))
	}
	wsu := unit(ws)
	perp := orthoTo(wsu, 3)
	short := testing.Short()
	dirs := map[string][]float64{}
	nRand := 2
	if short {
		nRand = 1
	}
	for k := range nRand {
		v := make([]float64, d)
		for i := range v {
			v[i] = r.NormFloat64() * 0.4
		}
		dirs[fmt.Sprintf("random%d", k)] = v
	}
	mix := func(th, s float64) []float64 {
		v := make([]float64, d)
		for i := range v {
			v[i] = s * (math.Cos(th)*wsu[i] + math.Sin(th)*perp[i])
		}
		return v
	}
	// Nearer to w* than 1e-3 the 2-D reference takes minutes per query; the
	// polar reference (TestRidgeOneDReference) covers angles down to 0.
	dirs["parallel"] = mix(0, 1.3)
	dirs["near-parallel 3e-3"] = mix(3e-3, 1)
	dirs["near-orthogonal"] = mix(math.Pi/2-1e-5, 2)
	if !short {
		dirs["antiparallel"] = mix(math.Pi-2e-3, 1)
		dirs["orthogonal"] = mix(math.Pi/2, 1)
	}
	labels := []sq.Label{{Kind: sq.LabelY}, {Kind: sq.LabelY2}, {Kind: sq.LabelSign, T: 0.3}, {Kind: sq.LabelAbove, T: 0.6}}
	if !short {
		labels = append(labels, sq.Label{Kind: sq.LabelOne})
	}
	var worst, eb1max, eb2max float64
	defer func() {
		t.Logf("largest |1-D - 2-D| %.3g; largest bounds: 1-D %.3g, 2-D %.3g", worst, eb1max, eb2max)
	}()
	worlds := ridgeWorlds(t, ws)
	if short {
		worlds = []*Model{worlds[0], worlds[1], worlds[3], worlds[5], worlds[len(worlds)-1]}
	}
	for _, m := range worlds {
		t.Run(m.Name()+"/"+m.Noise().String()+fmt.Sprint(m.Describe()["clip"], m.Describe()["frac"], m.Describe()["corruption"]), func(t *testing.T) {
			for dn, u := range dirs {
				for _, lab := range labels {
					qs := ridgeTestQueries(u, lab)
					if short {
						qs = []*sq.Query{qs[1], qs[3], qs[4]}
					}
					for _, q := range qs {
						tm := &q.Terms[0]
						t.Run(fmt.Sprintf("%s/%v/%s", dn, lab.Kind, q.Name), func(t *testing.T) {
							got := make([]float64, q.Dim)
							eb, ok := m.ridgeOneD(u, tm.Feature.Kinks, tm.Feature.TimesX, tm, got)
							thresh := lab.Kind == sq.LabelSign || lab.Kind == sq.LabelAbove
							if gaussNoise := m.noise.Kind == Gaussian && m.noise.Param > 0; gaussNoise && thresh {
								if ok {
									t.Fatalf("the 1-D route took a threshold label under Gaussian noise")
								}
								return
							}
							if !ok {
								t.Fatalf("the 1-D route did not apply")
							}
							want := make([]float64, q.Dim)
							eb2, err := m.ridge2D(tm.Feature.U, tm.Feature.Kinks, tm.Feature.TimesX, tm, nil, want)
							if err != nil {
								t.Fatal(err)
							}
							scale := math.Max(1, dot(u, u))
							if eb > 1e-10*scale || eb2 > 1e-10*scale {
								t.Errorf("bounds %.3g (1-D), %.3g (2-D) exceed 1e-10 x %g", eb, eb2, scale)
							}
							eb1max, eb2max = math.Max(eb1max, eb), math.Max(eb2max, eb2)
							for i := range got {
								diff := math.Abs(got[i] - want[i])
								worst = math.Max(worst, diff)
								if diff > eb+eb2 {
									t.Errorf("[%d]: 1-D %.17g, 2-D %.17g: off by %.3g, bounds %.3g + %.3g", i, got[i], want[i], diff, eb, eb2)
								}
							}
						})
					}
				}
			}
		})
	}
}

// TestRidgeOneDDeclines: the route does not apply to a user's MultiIndex
// world, a zero row, or a two-row ridge; Expect then answers by the 2-D
// route as before.
func TestRidgeOneDDeclines(t *testing.T) {
	ws := unit([]float64{0.3, -0.5, 0.8})
	mi, err := MultiIndex("mi", [][]float64{ws}, func(s []float64) float64 { return math.Min(1, relu(s[0])) }, []Hyper{{A: []float64{1}}, {A: []float64{1}, C: 1}}, Noise{}, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	rz, err := Realizable(ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		m    *Model
		u    []float64
	}{{"multi-index", mi, []float64{1, 0, 0}}, {"zero row", rz, []float64{0, 0, 0}}} {
		t.Run(c.name, func(t *testing.T) {
			q := ridgeTestQueries(c.u, sq.Label{Kind: sq.LabelY})[3]
			tm := &q.Terms[0]
			var out [1]float64
			if _, ok := c.m.ridgeOneD(c.u, tm.Feature.Kinks, false, tm, out[:]); ok {
				t.Fatal("the 1-D route applied")
			}
			if _, err := c.m.Expect(q, out[:]); err != nil {
				t.Fatalf("Expect: %v", err)
			}
		})
	}
}

// BenchmarkRidgeQuery times one ridge query (isotron's bin, DKTZ's ramp
// gradient) on the clipped world by the 1-D route and the 2-D reference.
func BenchmarkRidgeQuery(b *testing.B) {
	d := 10
	r := rand.New(rand.NewPCG(3, 4))
	ws, u := make([]float64, d), make([]float64, d)
	for i := range ws {
		ws[i], u[i] = r.NormFloat64()/3, r.NormFloat64()/3
	}
	m, err := Clipped(ws, 1)
	if err != nil {
		b.Fatal(err)
	}
	qs := ridgeTestQueries(u, sq.Label{Kind: sq.LabelY})
	for _, q := range []*sq.Query{qs[1], qs[4]} {
		tm := &q.Terms[0]
		out := make([]float64, q.Dim)
		b.Run(q.Name+"/1d", func(b *testing.B) {
			for b.Loop() {
				if _, ok := m.ridgeOneD(u, tm.Feature.Kinks, tm.Feature.TimesX, tm, out); !ok {
					b.Fatal("1-D route declined")
				}
			}
		})
		b.Run(q.Name+"/2d", func(b *testing.B) {
			for b.Loop() {
				if _, err := m.ridge2D(tm.Feature.U, tm.Feature.Kinks, tm.Feature.TimesX, tm, nil, out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
