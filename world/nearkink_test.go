package world

import (
	"fmt"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// Tests of the exact expectations near the hidden direction (issue 13)
// against the polar reference of ref_test.go.

// refComp is one additive part g(u.x) of a world's label: the label is the
// sum of the parts, whose directions are orthonormal. y and y2 are
// E[g | zeta] and E[g^2 | zeta] (zeta = u.x) as pieces.
type refComp struct {
	u     []float64
	y, y2 []refPiece
}

type refWorld struct {
	name  string
	m     *Model
	comps []refComp
	y2    bool // E[y^2 ...] with features is in the reference (single part)
}

var inf = math.Inf(1)

// sPieces of the label functions, in s = w*.x.
func clippedPieces(c float64) []refPiece {
	return []refPiece{{-inf, 0, []float64{0}}, {0, c, []float64{0, 1}}, {c, inf, []float64{c}}}
}

func flipPieces(hi float64) []refPiece {
	if hi <= 1 {
		return []refPiece{{-inf, 0, []float64{0}}, {0, hi, []float64{1, -1}}, {hi, 1, []float64{0, 1}}, {1, inf, []float64{1}}}
	}
	return []refPiece{{-inf, 0, []float64{0}}, {0, 1, []float64{1, -1}}, {1, hi, []float64{0}}, {hi, inf, []float64{1}}}
}

func zeroPieces(hi float64) []refPiece {
	if hi <= 1 {
		return []refPiece{{-inf, hi, []float64{0}}, {hi, 1, []float64{0, 1}}, {1, inf, []float64{1}}}
	}
	return []refPiece{{-inf, hi, []float64{0}}, {hi, inf, []float64{1}}}
}

func liftPieces(lo float64) []refPiece {
	return []refPiece{{-inf, lo, []float64{0}}, {lo, 0, []float64{1}}, {0, 1, []float64{0, 1}}, {1, inf, []float64{1}}}
}

func reluPieces() []refPiece {
	return []refPiece{{-inf, 0, []float64{0}}, {0, inf, []float64{0, 1}}}
}

func unit(v []float64) []float64 {
	n := norm(v)
	out := make([]float64, len(v))
	for i := range v {
		out[i] = v[i] / n
	}
	return out
}

// lifted is world.Lifted (the corruption "lift"): a MultiIndex model with
// one direction whose labels are lifted to 1 on {-q ||w*|| < w*.x <= 0}.
func lifted(wstar []float64, frac float64) (*Model, float64, error) {
	nw := norm(wstar)
	lo := math.Sqrt2 * math.Erfinv(2*frac) * -nw
	f := func(s []float64) float64 {
		if s[0] > lo && s[0] <= 0 {
			return 1
		}
		return math.Min(1, math.Max(0, s[0]))
	}
	kinks := []Hyper{{A: []float64{1}, C: 0}, {A: []float64{1}, C: 1}, {A: []float64{1}, C: lo}}
	m, err := MultiIndex("lifted", [][]float64{wstar}, f, kinks, Noise{}, 0, 1)
	return m, lo, err
}

// refWorlds returns every world kind whose exact answers integrate over
// the hidden direction (conditional), with its reference description, in
// dimension d with hidden direction u (unit).
func refWorlds(t *testing.T, u []float64, full bool) []refWorld {
	t.Helper()
	var out []refWorld
	must := func(m *Model, err error) *Model {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	scaled := func(s float64) []float64 {
		v := make([]float64, len(u))
		for i := range u {
			v[i] = s * u[i]
		}
		return v
	}
	single := func(name string, m *Model, nw float64, ys []refPiece, noiseVar float64) refWorld {
		y := scalePieces(ys, nw)
		return refWorld{name: name, m: m, comps: []refComp{{u: u, y: y, y2: squarePieces(y, noiseVar)}}, y2: true}
	}
	for _, nw := range []float64{1, 1.7} {
		for _, c := range []float64{1, 0.5} {
			if !full && (nw != 1 || c != 1) {
				continue
			}
			out = append(out, single(fmt.Sprintf("clipped(|w*|=%g,C=%g)", nw, c), must(Clipped(scaled(nw), c)), nw, clippedPieces(c), 0))
		}
	}
	for _, frac := range []float64{0.15, 0.45} {
		for _, nw := range []float64{1.2, 0.8} {
			if !full && nw != 1.2 {
				continue
			}
			hi := nw * normalQuantile(0.5+frac)
			out = append(out, single(fmt.Sprintf("flip(frac=%g,|w*|=%g)", frac, nw), must(Corrupted(scaled(nw), frac, CorruptFlip)), nw, flipPieces(hi), 0))
			out = append(out, single(fmt.Sprintf("zero(frac=%g,|w*|=%g)", frac, nw), must(Corrupted(scaled(nw), frac, CorruptZero)), nw, zeroPieces(hi), 0))
			m, lo, err := lifted(scaled(nw), frac)
			out = append(out, single(fmt.Sprintf("lift(frac=%g,|w*|=%g)", frac, nw), must(m, err), nw, liftPieces(lo), 0))
		}
	}
	for _, eta := range []float64{0.1, 0.3} {
		if !full && eta != 0.1 {
			continue
		}
		m := must(Halfspace(scaled(1.3), eta))
		y := []refPiece{{-inf, 0, []float64{eta}}, {0, inf, []float64{1 - eta}}}
		hs := refWorld{name: fmt.Sprintf("halfspace(eta=%g)", eta), m: m, comps: []refComp{{u: u, y: y, y2: y}}, y2: true}
		out = append(out, hs)
		hs.name, hs.m = "generic-"+hs.name, genericCopy(t, m)
		out = append(out, hs)
	}
	for _, sd := range []float64{0, 0.3} {
		m := must(Noisy(scaled(0.9), Noise{Kind: Gaussian, Param: sd}))
		w := single(fmt.Sprintf("noisy(sd=%g)", sd), m, 0.9, reluPieces(), sd*sd)
		out = append(out, w)
		w.name, w.m = "generic-"+w.name, genericCopy(t, m)
		out = append(out, w)
	}
	// A two-index world y = min(1, relu(1.1 u.x)) + 0.5 relu(v.x) - 0.3 with
	// v orthogonal to u: additive, so the reference is the sum of two planes.
	if len(u) >= 3 {
		v := orthoTo(u, len(u)-1)
		f := func(s []float64) float64 { return math.Min(1, relu(s[0])) + 0.5*relu(s[1]) - 0.3 }
		m := must(MultiIndex("two-index", [][]float64{scaled(1.1), v}, f,
			[]Hyper{{A: []float64{1, 0}, C: 0}, {A: []float64{1, 0}, C: 1}, {A: []float64{0, 1}, C: 0}}, Noise{}, -0.3, inf))
		g1 := scalePieces(clippedPieces(1), 1.1)
		g1[0].poly[0] -= 0.3
		g1[1].poly[0] -= 0.3
		g1[2].poly[0] -= 0.3
		g2 := scalePieces(reluPieces(), 1)
		g2[1].poly[1] = 0.5
		out = append(out, refWorld{name: "two-index", m: m, comps: []refComp{{u: u, y: g1, y2: squarePieces(g1, 0)}, {u: v, y: g2, y2: squarePieces(g2, 0)}}})
	}
	return out
}

// orthoTo returns the unit vector along coordinate j made orthogonal to u.
func orthoTo(u []float64, j int) []float64 {
	v := make([]float64, len(u))
	v[j] = 1
	p := dot(v, u)
	for i := range v {
		v[i] -= p * u[i]
	}
	return unit(v)
}

// planeOf returns (a, c, e) with w/||w|| = a u + c e, e a unit vector
// orthogonal to u (any such vector when c = 0).
func planeOf(w, u []float64) (a, c float64, e []float64) {
	nw := norm(w)
	a = dot(w, u) / nw
	e = make([]float64, len(w))
	for i := range w {
		e[i] = w[i]/nw - a*u[i]
	}
	c = norm(e)
	if c == 0 {
		return a, 0, e
	}
	for i := range e {
		e[i] /= c
	}
	return a, c, e
}

// refQuery is a query with its reference value computed from the world's
// description (nil when the reference does not cover it).
type refQuery struct {
	q   *sq.Query
	ref func(rw refWorld, o refOpts) ([]float64, float64)
}

// plane evaluates E[g(u.x) F(w.x) X] for each part of the label and sums;
// vector answers are returned in R^d.
func planeSum(rw refWorld, w []float64, label int, f refFeat, vec bool, o refOpts) ([]float64, float64) {
	d := len(w)
	nw := norm(w)
	out := make([]float64, d)
	if !vec {
		out = out[:1]
	}
	errSum := 0.0
	pow := map[refFeat]float64{refOne: 0, refStep: 0, refRelu: 1, refRelu2: 2}[f]
	s := math.Pow(nw, pow)
	for _, cp := range rw.comps {
		a, c, e := 1.0, 0.0, make([]float64, d)
		if nw > 0 {
			a, c, e = planeOf(w, cp.u)
		}
		L := cp.y
		if label == 2 {
			L = cp.y2
		} else if label == 0 {
			L = refConst
		}
		if !vec {
			v, eb := refExpect(L, a, c, f, xOne, o)
			out[0] += s * v
			errSum += s * eb
			continue
		}
		vz, e1 := refExpect(L, a, c, f, xZeta, o)
		vx, e2 := refExpect(L, a, c, f, xXi, o)
		for i := range out {
			out[i] += s * (vz*cp.u[i] + vx*e[i])
		}
		errSum += s * (e1 + e2)
	}
	return out, errSum
}

func refQueries(w []float64, withY2 bool) []refQuery {
	d := len(w)
	lab := func(k sq.LabelKind) sq.Label { return sq.Label{Kind: k} }
	scalar := func(name string, l sq.LabelKind, f sq.FeatureKind, rl int, rf refFeat) refQuery {
		return refQuery{single(name, 1, lab(l), sq.Feature{Kind: f, W: w}, 1), func(rw refWorld, o refOpts) ([]float64, float64) {
			return planeSum(rw, w, rl, rf, false, o)
		}}
	}
	vector := func(name string, l sq.LabelKind, f sq.FeatureKind, rl int, rf refFeat) refQuery {
		return refQuery{single(name, 1, lab(l), sq.Feature{Kind: f, W: w}, d), func(rw refWorld, o refOpts) ([]float64, float64) {
			return planeSum(rw, w, rl, rf, true, o)
		}}
	}
	qs := []refQuery{
		{sq.Loss(w), func(rw refWorld, o refOpts) ([]float64, float64) {
			nw := norm(w)
			v := nw * nw / 2
			c, e1 := planeSum(rw, w, 1, refRelu, false, o)
			v -= 2 * c[0]
			// E[y^2] = sum of E[g_i^2] + 2 sum_{i<j} E[g_i] E[g_j] (independent parts).
			var means []float64
			e := 2 * e1
			for _, cp := range rw.comps {
				s2, ea := refExpect(cp.y2, 1, 0, refOne, xOne, o)
				m1, eb := refExpect(cp.y, 1, 0, refOne, xOne, o)
				v += s2
				e += ea + eb
				means = append(means, m1)
			}
			for i := range means {
				for j := i + 1; j < len(means); j++ {
					v += 2 * means[i] * means[j]
				}
			}
			return []float64{v}, e
		}},
		scalar("relucorr", sq.LabelY, sq.FeatRelu, 1, refRelu),
		vector("gatecorr", sq.LabelY, sq.FeatStepX, 1, refStep),
		scalar("stepcorr", sq.LabelY, sq.FeatStep, 1, refStep),
		scalar("y*relu2", sq.LabelY, sq.FeatRelu2, 1, refRelu2),
		vector("y*relux", sq.LabelY, sq.FeatReluX, 1, refRelu),
	}
	qs[2].q = sq.GateCorr(w)
	qs[1].q = sq.ReluCorr(w)
	// A batch: the near row w and a far one.
	far := make([]float64, d)
	for i := range far {
		far[i] = math.Sin(float64(3*i + 1))
	}
	qs = append(qs, refQuery{sq.ReluBatch([][]float64{w, far}), func(rw refWorld, o refOpts) ([]float64, float64) {
		a, e1 := planeSum(rw, w, 1, refRelu, false, o)
		b, e2 := planeSum(rw, far, 1, refRelu, false, o)
		return []float64{a[0], b[0]}, e1 + e2
	}})
	if withY2 {
		qs = append(qs,
			scalar("y2*relu", sq.LabelY2, sq.FeatRelu, 2, refRelu),
			scalar("y2*step", sq.LabelY2, sq.FeatStep, 2, refStep),
			vector("y2*stepx", sq.LabelY2, sq.FeatStepX, 2, refStep),
			vector("y2*relux", sq.LabelY2, sq.FeatReluX, 2, refRelu),
		)
	}
	return qs
}

// refAcc is the absolute accuracy of the reference for answers of size at
// most 1 (measured: within 3.3e-16 of the closed forms and of itself under
// the second rule; a few ulps of float64 rounding).
const refAcc = 1e-15

// TestReferenceSelf: the polar reference agrees with the closed forms of the
// realizable world (ReluCross, ReluStep, ReluStepX, BothPositive) and with
// itself under a second angular rule to refAcc, at angles from 0 to pi.
func TestReferenceSelf(t *testing.T) {
	y := reluPieces()
	for _, th := range []float64{0, 1e-12, 1e-9, 3e-6, 1e-3, 0.1, 1, 2, 3, math.Pi - 1e-7, math.Pi} {
		a, c := math.Cos(th), math.Sin(th)
		w := []float64{a, c}
		v := []float64{1, 0}
		sx := make([]float64, 2)
		gauss.ReluStepX(v, w, sx)
		cases := []struct {
			name string
			L    []refPiece
			f    refFeat
			x    refX
			want float64
		}{
			{"relucross", y, refRelu, xOne, gauss.ReluCross(w, v)},
			{"relustep", y, refStep, xOne, gauss.ReluStep(v, w)},
			{"relustepx-u", y, refStep, xZeta, sx[0]},
			{"relustepx-e", y, refStep, xXi, sx[1]},
			{"bothpositive", []refPiece{{-inf, 0, []float64{0}}, {0, inf, []float64{1}}}, refStep, xOne, gauss.BothPositive(w, v)},
			{"relu2", refConst, refRelu2, xOne, 0.5},
			{"second", squarePieces(y, 0), refOne, xOne, 0.5},
		}
		for _, tc := range cases {
			t.Run(fmt.Sprintf("%s/theta=%g", tc.name, th), func(t *testing.T) {
				got, eb := refExpect(tc.L, a, c, tc.f, tc.x, refMain)
				alt, _ := refExpect(tc.L, a, c, tc.f, tc.x, refAlt)
				if math.Abs(got-tc.want) > refAcc || eb > refAcc {
					t.Errorf("reference %.17g (err est %.2g), closed form %.17g, diff %.2g", got, eb, tc.want, got-tc.want)
				}
				if math.Abs(got-alt) > refAcc {
					t.Errorf("reference %.17g, second rule %.17g", got, alt)
				}
			})
		}
	}
}

// TestReferenceReproducer: the reproducer, whose truth is
// 0.025254435887865422 (two methods in the issue agreeing to 1e-18).
func TestReferenceReproducer(t *testing.T) {
	w := []float64{0.65999967000002746, 0.00065999989000000537}
	rw := refWorld{comps: []refComp{{u: []float64{1, 0}, y: clippedPieces(1), y2: squarePieces(clippedPieces(1), 0)}}}
	q := refQueries(w, false)[0]
	for _, o := range []struct {
		name string
		opts refOpts
	}{{"main rule", refMain}, {"second rule", refAlt}} {
		t.Run(o.name, func(t *testing.T) {
			v, eb := q.ref(rw, o.opts)
			if math.Abs(v[0]-0.025254435887865422) > refAcc || eb > refAcc {
				t.Errorf("reference loss %.17g (err est %.2g), want 0.025254435887865422", v[0], eb)
			}
		})
	}
	m, err := Clipped([]float64{1, 0}, 1)
	if err != nil {
		t.Fatal(err)
	}
	l, eb, err := m.Loss(w)
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(l - 0.025254435887865422); d > eb || eb > 1e-10 {
		t.Errorf("Clipped loss %.17g (bound %.2g), truth 0.025254435887865422: off by %.2g", l, eb, d)
	}
}

// nearAngles are the angles between w and w* of the sweep: 0 (parallel),
// log-spaced from 1e-9 to 1e-1 with both signs, and a few large ones
// (including nearly antiparallel).
func nearAngles(short bool) []float64 {
	if short {
		return []float64{0, 1e-9, -1e-5, -7.7e-4, 2.1e-3, 0.1, math.Pi - 1e-5}
	}
	ths := []float64{0}
	for e := -9.0; e <= -1+1e-9; e += 0.5 {
		th := math.Pow(10, e)
		ths = append(ths, th, -th)
	}
	return append(ths, 2.1e-3, -7.7e-4, 0.3, 1, 2, 3, math.Pi-1e-3, math.Pi-1e-5, math.Pi-1e-8)
}

// TestNearKink sweeps the angle between w and w* for every world kind whose
// exact answers go through the conditional quadrature and checks every
// answer against the polar reference: |answer - truth| <= the reported bound
// (plus the reference's own accuracy refAcc), and the bound <= 1e-10 x the
// scale max(1, ||w||^2). Under -short a subset of angles, worlds and norms
// runs.
func TestNearKink(t *testing.T) {
	short := testing.Short()
	d := 3
	u := unit([]float64{0.48, -0.6, 0.64})
	e := orthoTo(u, 0)
	norms := []float64{0.66, 1, 2.5}
	if short {
		norms = []float64{0.66}
	}
	worst := map[string]float64{}
	for _, rw := range refWorlds(t, u, !short) {
		t.Run(rw.name, func(t *testing.T) {
			for _, th := range nearAngles(short) {
				for _, nw := range norms {
					w := make([]float64, d)
					for i := range w {
						w[i] = nw * (math.Cos(th)*u[i] + math.Sin(th)*e[i])
					}
					t.Run(fmt.Sprintf("theta=%.3g,|w|=%g", th, nw), func(t *testing.T) {
						for _, rq := range refQueries(w, rw.y2) {
							t.Run(rq.q.Name, func(t *testing.T) {
								got := make([]float64, rq.q.Dim)
								eb, err := rw.m.Expect(rq.q, got)
								if err != nil {
									t.Fatal(err)
								}
								want, _ := rq.ref(rw, refMain)
								scale := math.Max(1, nw*nw)
								if eb > 1e-10*scale {
									t.Errorf("bound %.3g exceeds 1e-10 x %g", eb, scale)
								}
								for i := range got {
									diff := math.Abs(got[i] - want[i])
									if k := rw.name + "/" + rq.q.Name; diff > worst[k] {
										worst[k] = diff
									}
									if diff > eb+refAcc*scale {
										t.Errorf("[%d]: %.17g, reference %.17g: off by %.3g, bound %.3g", i, got[i], want[i], diff, eb)
									}
								}
							})
						}
					})
				}
			}
		})
	}
	for k, v := range worst {
		t.Logf("largest error %-45s %.3g", k, v)
	}
}

// BenchmarkConditional times the conditional route for the loss and the
// gradient query on a clipped world (one direction) and a two-index world,
// with w far from the span (theta = 1) and near it (theta = 1e-3).
func BenchmarkConditional(b *testing.B) {
	d := 3
	u := unit([]float64{0.48, -0.6, 0.64})
	e := orthoTo(u, 0)
	clipped, err := Clipped(u, 1)
	if err != nil {
		b.Fatal(err)
	}
	v := orthoTo(u, 2)
	two, err := MultiIndex("two-index", [][]float64{u, v}, func(s []float64) float64 { return math.Min(1, relu(s[0])) + 0.5*relu(s[1]) },
		[]Hyper{{A: []float64{1, 0}, C: 0}, {A: []float64{1, 0}, C: 1}, {A: []float64{0, 1}, C: 0}}, Noise{}, 0, inf)
	if err != nil {
		b.Fatal(err)
	}
	for _, wc := range []struct {
		name string
		m    *Model
	}{{"clipped", clipped}, {"two-index", two}} {
		for _, th := range []float64{1, 1e-3} {
			w := make([]float64, d)
			for i := range w {
				w[i] = 0.8 * (math.Cos(th)*u[i] + math.Sin(th)*e[i])
			}
			if wc.m == two {
				// Near the span of (u, v): tilt out of it by theta.
				n := unit([]float64{u[1]*v[2] - u[2]*v[1], u[2]*v[0] - u[0]*v[2], u[0]*v[1] - u[1]*v[0]})
				for i := range w {
					w[i] = 0.8 * (math.Cos(th)*unit([]float64{u[0] + v[0], u[1] + v[1], u[2] + v[2]})[i] + math.Sin(th)*n[i])
				}
			}
			for _, q := range []*sq.Query{sq.Loss(w), sq.GateCorr(w)} {
				out := make([]float64, q.Dim)
				b.Run(fmt.Sprintf("%s/%s/theta=%g", wc.name, q.Name, th), func(b *testing.B) {
					for b.Loop() {
						if _, err := wc.m.Expect(q, out); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// TestLearnEndpoints: the loss at the hypotheses where `sqsim learn
// --learner approx --dist clipped --oracle adversarial` ended before the fix
// of issue 13 (angle 9.9e-4 to w*, reported loss 0.024999030833184333) and
// after it (angle 1.2e-4), against the polar reference.
func TestLearnEndpoints(t *testing.T) {
	wstar := []float64{-0.0825633366655855, 0.4165736694456301, 0.2162207192965754, 0.029908338853252787, -0.5125171015657418, -0.11221291575412747, 0.41209653664245904, -0.1612642052736298, 0.16752919780970668, -0.5223432930398914}
	m, err := Clipped(wstar, 1)
	if err != nil {
		t.Fatal(err)
	}
	nw := norm(wstar)
	rw := refWorld{comps: []refComp{{u: unit(wstar), y: scalePieces(clippedPieces(1), nw), y2: squarePieces(scalePieces(clippedPieces(1), nw), 0)}}}
	for _, w := range [][]float64{
		// before the fix, then after it
		{-0.05597601475490104, 0.28372719265341695, 0.14737076640989816, 0.020140018476928954, -0.3485944205817703, -0.07615495787531207, 0.2806800297188937, -0.10953833840294186, 0.1138021739082543, -0.3557119993180312},
		{-0.05617199914785399, 0.28357858505599737, 0.14720313898270307, 0.02033100549488766, -0.34883121098142084, -0.07635375624739867, 0.2805311081772187, -0.10974179212965508, 0.11400622223222022, -0.3555734300929231},
	} {
		t.Run(fmt.Sprintf("angle=%.3g", gauss.Angle(w, wstar)), func(t *testing.T) {
			l, eb, err := m.Loss(w)
			if err != nil {
				t.Fatal(err)
			}
			want, _ := refQueries(w, false)[0].ref(rw, refMain)
			t.Logf("loss %.17g (bound %.2g), reference %.17g", l, eb, want[0])
			if d := math.Abs(l - want[0]); d > eb+refAcc {
				t.Errorf("loss %.17g, reference %.17g: off by %.2g, bound %.2g", l, want[0], d, eb)
			}
		})
	}
}

// TestNearKinkRidge: the two-dimensional ridge route (the noise and
// adversarial oracles' ridge queries; the product features rewritten as
// ridge features) is right near w* too, within its bound.
func TestNearKinkRidge(t *testing.T) {
	u := unit([]float64{0.48, -0.6, 0.64})
	e := orthoTo(u, 0)
	for _, rw := range refWorlds(t, u, false)[:4] {
		t.Run(rw.name, func(t *testing.T) {
			for _, th := range []float64{0, 1e-9, -1e-6, 1e-4, 2e-3, 1e-2} {
				w := make([]float64, 3)
				for i := range w {
					w[i] = 0.66 * (math.Cos(th)*u[i] + math.Sin(th)*e[i])
				}
				t.Run(fmt.Sprintf("theta=%g", th), func(t *testing.T) {
					for _, rq := range refQueries(w, false)[:3] {
						q := ridgeVersion(rq.q)
						t.Run(q.Name, func(t *testing.T) {
							got := make([]float64, q.Dim)
							eb, err := rw.m.Expect(q, got)
							if err != nil {
								t.Fatal(err)
							}
							want, _ := rq.ref(rw, refMain)
							for i := range got {
								if d := math.Abs(got[i] - want[i]); d > eb+refAcc || eb > 1e-10 {
									t.Errorf("[%d]: %.17g, reference %.17g: off by %.2g, bound %.2g", i, got[i], want[i], d, eb)
								}
							}
						})
					}
				})
			}
		})
	}
}
