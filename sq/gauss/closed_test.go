package gauss

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// vec calls f on a fresh slice of length d and returns it (a helper for the
// vector-valued closed forms).
func vec(f func(out []float64), d int) []float64 {
	out := make([]float64, d)
	f(out)
	return out
}

// TestReferenceValues checks theory §2.3 at w = (0.6, 0.8), v = (1.5, -0.5)
// (values quoted to 20 digits) and the e1, e2 anchor, to 1e-15 absolute.
func TestReferenceValues(t *testing.T) {
	w := []float64{0.6, 0.8}
	v := []float64{1.5, -0.5}
	approx := cmpopts.EquateApprox(0, 1e-15)
	scalars := []struct {
		name string
		got  float64
		want float64
	}{
		{"θ", Angle(w, v), 1.2490457723982544258},
		{"E3", ReluCross(w, v), 0.38933651022523468511},
		{"L", ReluLoss(w, v, 0), 0.97132697954953062978},
		{"L+σ²", ReluLoss(w, v, 0.09), 0.97132697954953062978 + 0.09},
		{"E12", ReluStep(w, v), 0.26254945325122034018},
		{"E13", ReluSign(w, v), 0.12615662610100800241},
		{"E8", BothPositive(w, v), 0.30120819117478336291},
	}
	for _, s := range scalars {
		t.Run(s.name, func(t *testing.T) {
			if diff := cmp.Diff(s.want, s.got, approx); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	grad := vec(func(o []float64) { ReluLossGrad(w, v, o) }, 2)
	if diff := cmp.Diff([]float64{-0.59010347108976169312, 0.71923632775423455706}, grad, approx); diff != "" {
		t.Errorf("∇L (-want +got):\n%s", diff)
	}
	e11 := vec(func(o []float64) { ReluStepX(v, w, o) }, 2)
	if diff := cmp.Diff([]float64{0.59505173554488084656, 0.04038183612288272147}, e11, approx); diff != "" {
		t.Errorf("E11 (-want +got):\n%s", diff)
	}

	// Anchor: w = e1, v = e2 (θ = π/2).
	e1, e2 := []float64{1, 0}, []float64{0, 1}
	if diff := cmp.Diff(0.1591549430918953, ReluCross(e1, e2), approx); diff != "" {
		t.Errorf("anchor E3 (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(0.6816901138162093, ReluLoss(e1, e2, 0), approx); diff != "" {
		t.Errorf("anchor L (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]float64{1 - 1/math.Pi, -0.5}, vec(func(o []float64) { ReluLossGrad(e1, e2, o) }, 2), approx); diff != "" {
		t.Errorf("anchor ∇L (-want +got):\n%s", diff)
	}
	if got := Angle(e1, e2); got != math.Pi/2 {
		t.Errorf("anchor θ = %v, want π/2", got)
	}
}

// closedPair holds a test pair and its plane: w = nw e1, v = v1 e1 + v2 e2
// with e1, e2 orthonormal, built by Gram–Schmidt with plain loops (no code
// shared with the package).
type closedPair struct {
	name       string
	w, v       []float64
	e1, e2     []float64
	nw, v1, v2 float64
}

func newClosedPair(name string, w, v []float64) closedPair {
	p := closedPair{name: name, w: w, v: v}
	d := len(w)
	p.e1, p.e2 = make([]float64, d), make([]float64, d)
	for _, x := range w {
		p.nw += x * x
	}
	p.nw = math.Sqrt(p.nw)
	for i := range w {
		p.e1[i] = w[i] / p.nw
		p.v1 += v[i] * p.e1[i]
	}
	r := make([]float64, d)
	for i := range v {
		r[i] = v[i] - p.v1*p.e1[i]
		p.v2 += r[i] * r[i]
	}
	p.v2 = math.Sqrt(p.v2)
	for i := range r {
		p.e2[i] = r[i] / p.v2
	}
	return p
}

// randomPairs returns pairs in dimension d with the given norms and angles;
// v is built as nv (cos θ ŵ + sin θ u) with u a random unit vector ⟂ w.
func randomPairs(rng *rand.Rand, d int) []closedPair {
	specs := []struct{ nw, nv, theta float64 }{
		{1, 1, 1.2}, {0.3, 2.5, 0.4}, {3.5, 0.2, 2.6}, {1.7, 0.9, math.Pi / 2},
		{0.8, 1.3, 1e-3}, {1.1, 0.7, 1e-7}, {0.6, 1.9, math.Pi - 1e-3}, {2, 0.5, math.Pi - 1e-7},
	}
	var out []closedPair
	for _, s := range specs {
		w := make([]float64, d)
		u := make([]float64, d)
		nw, dot, nu := 0.0, 0.0, 0.0
		for i := range w {
			w[i] = rng.NormFloat64()
			u[i] = rng.NormFloat64()
			nw += w[i] * w[i]
		}
		nw = math.Sqrt(nw)
		for i := range w {
			w[i] /= nw
			dot += u[i] * w[i]
		}
		for i := range u {
			u[i] -= dot * w[i]
			nu += u[i] * u[i]
		}
		nu = math.Sqrt(nu)
		v := make([]float64, d)
		c, sn := math.Cos(s.theta), math.Sin(s.theta)
		for i := range v {
			v[i] = s.nv * (c*w[i] + sn*u[i]/nu)
			w[i] *= s.nw
		}
		out = append(out, newClosedPair(fmt.Sprintf("|w|=%g,|v|=%g,θ=%g", s.nw, s.nv, s.theta), w, v))
	}
	return out
}

func relu(t float64) float64 { return math.Max(0, t) }

func step(t float64) float64 {
	if t > 0 {
		return 1
	}
	return 0
}

func sgn(t float64) float64 {
	switch {
	case t > 0:
		return 1
	case t < 0:
		return -1
	}
	return 0
}

// TestClosedFormsQuadrature checks E1–E13, the loss and the gradient against
// kink-aware 2-D quadrature in the plane of (w, v), to 1e-11 times the natural
// scale of each quantity, on pairs of various norms and angles including
// θ = 1e-3, 1e-7 and π - 1e-3, π - 1e-7.
func TestClosedFormsQuadrature(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const noiseVar = 0.25
	for _, p := range randomPairs(rng, 5) {
		d := len(p.w)
		nv := math.Hypot(p.v1, p.v2)
		kinks := []Kink{{1, 0, 0}, {p.v1, p.v2, 0}}
		// a = w·x, b = v·x in plane coordinates.
		ab := func(z1, z2 float64) (a, b float64) { return p.nw * z1, p.v1*z1 + p.v2*z2 }
		scalar := func(scale float64, f func(a, b float64) float64) float64 {
			val, _ := Expect2(func(z1, z2 float64) float64 { return f(ab(z1, z2)) }, kinks, 1e-14*scale)
			return val
		}
		// vector returns E[f(a, b) x] = E[f z1] e1 + E[f z2] e2 in R^d.
		vector := func(scale float64, f func(a, b float64) float64) []float64 {
			var val [2]float64
			Expect2Vec(func(z1, z2 float64, out []float64) {
				y := f(ab(z1, z2))
				out[0], out[1] = y*z1, y*z2
			}, 2, kinks, 1e-14*scale, val[:])
			out := make([]float64, d)
			for i := range out {
				out[i] = val[0]*p.e1[i] + val[1]*p.e2[i]
			}
			return out
		}
		type check struct {
			name      string
			scale     float64
			got, want []float64
		}
		s := func(x float64) []float64 { return []float64{x} }
		w, v := p.w, p.v
		nw := p.nw
		checks := []check{
			{"E1", nw, s(ReluMean(w)), s(scalar(nw, func(a, _ float64) float64 { return relu(a) }))},
			{"E2", nw * nw, s(ReluSecond(w)), s(scalar(nw*nw, func(a, _ float64) float64 { return relu(a) * relu(a) }))},
			{"E3", nw * nv, s(ReluCross(w, v)), s(scalar(nw*nv, func(a, b float64) float64 { return relu(a) * relu(b) }))},
			{"E4", nw, vec(func(o []float64) { ReluX(w, o) }, d), vector(nw, func(a, _ float64) float64 { return relu(a) })},
			{"E5", 1, vec(func(o []float64) { StepX(w, o) }, d), vector(1, func(a, _ float64) float64 { return step(a) })},
			{"E7", 1, vec(func(o []float64) { SignX(w, o) }, d), vector(1, func(a, _ float64) float64 { return sgn(a) })},
			{"E8", 1, s(BothPositive(w, v)), s(scalar(1, func(a, b float64) float64 { return step(a) * step(b) }))},
			{"E9", 1, s(Disagree(w, v)), s(scalar(1, func(a, b float64) float64 {
				if sgn(a) != sgn(b) {
					return 1
				}
				return 0
			}))},
			{"E10", 1, vec(func(o []float64) { BothStepX(w, v, o) }, d), vector(1, func(a, b float64) float64 { return step(a) * step(b) })},
			{"E11", nv, vec(func(o []float64) { ReluStepX(v, w, o) }, d), vector(nv, func(a, b float64) float64 { return relu(b) * step(a) })},
			{"E12", nw, s(ReluStep(w, v)), s(scalar(nw, func(a, b float64) float64 { return relu(a) * step(b) }))},
			{"E13", nw, s(ReluSign(w, v)), s(scalar(nw, func(a, b float64) float64 { return relu(a) * sgn(b) }))},
			{"L", (nw + nv) * (nw + nv), s(ReluLoss(w, v, noiseVar)), s(noiseVar + scalar((nw+nv)*(nw+nv), func(a, b float64) float64 {
				r := relu(a) - relu(b)
				return r * r
			}))},
			{"∇L", nw + nv, vec(func(o []float64) { ReluLossGrad(w, v, o) }, d), vector(nw+nv, func(a, b float64) float64 {
				return 2 * (relu(a) - relu(b)) * step(a)
			})},
		}
		t.Run(p.name, func(t *testing.T) {
			for _, c := range checks {
				t.Run(c.name, func(t *testing.T) {
					if diff := cmp.Diff(c.want, c.got, cmpopts.EquateApprox(0, 1e-11*c.scale)); diff != "" {
						t.Errorf("closed form vs quadrature (-quad +closed):\n%s", diff)
					}
				})
			}
		})
	}
}

// welford accumulates a running mean and variance.
type welford struct {
	n       int
	mean, m float64
}

func (s *welford) add(x float64) {
	s.n++
	d := x - s.mean
	s.mean += d / float64(s.n)
	s.m += d * (x - s.mean)
}

func (s *welford) sd() float64 { return math.Sqrt(s.m / float64(s.n-1)) }

// TestClosedFormsMonteCarlo checks every closed form, the loss and the
// gradient (with genuinely sampled label noise) against Monte Carlo means of
// n = 200000 samples from a seeded PCG stream: |MC - closed| <= z sd/sqrt(n)
// with z = 5 and sd estimated from the sample. For one comparison the
// probability of a false failure is P(|N(0,1)| > 5) ≈ 5.7e-7; the test makes
// 3 pairs × (8 scalars + 6 vectors × 4 coordinates) = 96 of them, so a fresh
// seed would fail spuriously with probability below 5.5e-5 (the seed is
// fixed, so the test is deterministic).
func TestClosedFormsMonteCarlo(t *testing.T) {
	const (
		d        = 4
		n        = 200000
		z        = 5.0
		noiseVar = 0.09
	)
	pairs := [][2][]float64{
		{{0.6, 0.8, -0.3, 0.1}, {1.5, -0.5, 0.2, 0.4}},
		{{-1.2, 0.1, 0.4, 2.0}, {0.3, 0.3, -0.9, 0.2}},
		{{0.5, 0.5, 0.5, 0.5}, {0.45, 0.55, 0.52, 0.48}}, // nearly parallel
	}
	rng := rand.New(rand.NewPCG(2024, 7))
	for pi, pr := range pairs {
		w, v := pr[0], pr[1]
		type vq struct {
			name   string
			closed []float64
			f      func(a, b, y float64) float64 // multiplies x
			acc    [d]welford
		}
		type sq struct {
			name   string
			closed float64
			f      func(a, b, y float64) float64
			acc    welford
		}
		scalars := []*sq{
			{name: "E1", closed: ReluMean(w), f: func(a, b, y float64) float64 { return relu(a) }},
			{name: "E2", closed: ReluSecond(w), f: func(a, b, y float64) float64 { return relu(a) * relu(a) }},
			{name: "E3", closed: ReluCross(w, v), f: func(a, b, y float64) float64 { return relu(a) * relu(b) }},
			{name: "E8", closed: BothPositive(w, v), f: func(a, b, y float64) float64 { return step(a) * step(b) }},
			{name: "E9", closed: Disagree(w, v), f: func(a, b, y float64) float64 {
				if sgn(a) != sgn(b) {
					return 1
				}
				return 0
			}},
			{name: "E12", closed: ReluStep(w, v), f: func(a, b, y float64) float64 { return relu(a) * step(b) }},
			{name: "E13", closed: ReluSign(w, v), f: func(a, b, y float64) float64 { return relu(a) * sgn(b) }},
			{name: "L", closed: ReluLoss(w, v, noiseVar), f: func(a, b, y float64) float64 { return (relu(a) - y) * (relu(a) - y) }},
		}
		vectors := []*vq{
			{name: "E4", closed: vec(func(o []float64) { ReluX(w, o) }, d), f: func(a, b, y float64) float64 { return relu(a) }},
			{name: "E5", closed: vec(func(o []float64) { StepX(w, o) }, d), f: func(a, b, y float64) float64 { return step(a) }},
			{name: "E7", closed: vec(func(o []float64) { SignX(w, o) }, d), f: func(a, b, y float64) float64 { return sgn(a) }},
			{name: "E10", closed: vec(func(o []float64) { BothStepX(w, v, o) }, d), f: func(a, b, y float64) float64 { return step(a) * step(b) }},
			{name: "E11", closed: vec(func(o []float64) { ReluStepX(v, w, o) }, d), f: func(a, b, y float64) float64 { return relu(b) * step(a) }},
			{name: "∇L", closed: vec(func(o []float64) { ReluLossGrad(w, v, o) }, d), f: func(a, b, y float64) float64 { return 2 * (relu(a) - y) * step(a) }},
		}
		var x [d]float64
		for k := 0; k < n; k++ {
			a, b := 0.0, 0.0
			for i := range x {
				x[i] = rng.NormFloat64()
				a += w[i] * x[i]
				b += v[i] * x[i]
			}
			y := relu(b) + math.Sqrt(noiseVar)*rng.NormFloat64()
			for _, q := range scalars {
				q.acc.add(q.f(a, b, y))
			}
			for _, q := range vectors {
				f := q.f(a, b, y)
				for i := range x {
					q.acc[i].add(f * x[i])
				}
			}
		}
		// The samples are drawn above, outside the subtests, so that running
		// one subtest alone (-run) sees the same stream.
		t.Run(fmt.Sprintf("pair%d", pi), func(t *testing.T) {
			for _, q := range scalars {
				t.Run(q.name, func(t *testing.T) {
					if bound := z * q.acc.sd() / math.Sqrt(n); math.Abs(q.acc.mean-q.closed) > bound {
						t.Errorf("MC %.6g, closed %.6g, |diff| %.3g > %.3g", q.acc.mean, q.closed, math.Abs(q.acc.mean-q.closed), bound)
					}
				})
			}
			for _, q := range vectors {
				t.Run(q.name, func(t *testing.T) {
					for i := range x {
						if bound := z * q.acc[i].sd() / math.Sqrt(n); math.Abs(q.acc[i].mean-q.closed[i]) > bound {
							t.Errorf("[%d]: MC %.6g, closed %.6g, |diff| %.3g > %.3g", i, q.acc[i].mean, q.closed[i], math.Abs(q.acc[i].mean-q.closed[i]), bound)
						}
					}
				})
			}
		})
	}
}

// TestReluLossGradFiniteDifference compares the gradient with central
// differences of ReluLoss (step 1e-6, truncation error O(1e-12)).
func TestReluLossGradFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 10; trial++ {
		d := 2 + trial%5
		w, v := make([]float64, d), make([]float64, d)
		for i := range w {
			w[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		t.Run(fmt.Sprintf("trial%d,d=%d", trial, d), func(t *testing.T) {
			g := vec(func(o []float64) { ReluLossGrad(w, v, o) }, d)
			const h = 1e-6
			for i := range w {
				wp := append([]float64(nil), w...)
				wm := append([]float64(nil), w...)
				wp[i] += h
				wm[i] -= h
				fd := (ReluLoss(wp, v, 0.5) - ReluLoss(wm, v, 0.5)) / (2 * h)
				if math.Abs(fd-g[i]) > 1e-8 {
					t.Errorf("coordinate %d: gradient %.12g, finite difference %.12g", i, g[i], fd)
				}
			}
		})
	}
}

// TestAngleStability checks that nearly parallel and nearly opposite vectors
// get their angle (or π minus it) to high relative accuracy.
func TestAngleStability(t *testing.T) {
	// 2-D exact: v = (1, δ) has angle atan(δ) with e1, and (-1, δ) has π - atan(δ).
	for _, delta := range []float64{1e-15, 1e-12, 1e-9, 1e-6, 1e-4, 1e-2} {
		t.Run(fmt.Sprintf("δ=%g", delta), func(t *testing.T) {
			w := []float64{3, 0}
			want := math.Atan(delta)
			if got := Angle(w, []float64{2, 2 * delta}); math.Abs(got-want) > 1e-14*want {
				t.Errorf("δ=%g: Angle = %.17g, want %.17g", delta, got, want)
			}
			g := pair(w, []float64{-2, 2 * delta})
			if math.Abs(g.phi-want) > 1e-14*want {
				t.Errorf("δ=%g: π - θ = %.17g, want %.17g", delta, g.phi, want)
			}
			// θ itself is near π: representable only to 2.2e-16 absolute.
			if got := Angle(w, []float64{-2, 2 * delta}); math.Abs((math.Pi-got)-want) > 1e-6*want+4.5e-16 {
				t.Errorf("δ=%g: π - Angle = %.17g, want %.17g", delta, math.Pi-got, want)
			}
			if got := BothPositive(w, []float64{-2, 2 * delta}); math.Abs(got-want/(2*math.Pi)) > 1e-14*want {
				t.Errorf("δ=%g: BothPositive near π = %.17g, want %.17g", delta, got, want/(2*math.Pi))
			}
			// The same on the rescaled path (squared norms outside the fast range).
			for _, sc := range []float64{0x1p600, 0x1p-600} {
				ws := []float64{3 * sc, 0}
				if got := Angle(ws, []float64{2 * sc, 2 * delta * sc}); math.Abs(got-want) > 1e-14*want {
					t.Errorf("δ=%g, scale %g: Angle = %.17g, want %.17g", delta, sc, got, want)
				}
				if g := pair(ws, []float64{-2, 2 * delta}); g.fast || math.Abs(g.phi-want) > 1e-14*want {
					t.Errorf("δ=%g, scale %g: π - θ = %.17g, want %.17g (fast path: %v)", delta, sc, g.phi, want, g.fast)
				}
			}
		})
	}
	// Random 50-D pairs at angle 1e-9 (and π - 1e-9): the true angle of the
	// float vectors is computed in big.Float as 2 atan(||ŵ - v̂|| / ||ŵ + v̂||).
	rng := rand.New(rand.NewPCG(5, 6))
	worst0, worstPi := 0.0, 0.0
	for trial := 0; trial < 5; trial++ {
		const d = 50
		w, u := make([]float64, d), make([]float64, d)
		for i := range w {
			w[i], u[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		t.Run(fmt.Sprintf("50D,trial%d,θ≈1e-9", trial), func(t *testing.T) {
			v := make([]float64, d)
			for i := range v {
				v[i] = w[i] + 1e-9*u[i]
			}
			theta, _ := bigAngle(w, v)
			got := Angle(w, v)
			rel := math.Abs(got-theta) / theta
			worst0 = math.Max(worst0, rel)
			if rel > 1e-6 {
				t.Errorf("Angle = %.17g, want %.17g (rel err %.3g)", got, theta, rel)
			}
		})
		t.Run(fmt.Sprintf("50D,trial%d,θ≈π-1e-9", trial), func(t *testing.T) {
			v := make([]float64, d)
			for i := range v {
				v[i] = -w[i] + 1e-9*u[i]
			}
			_, phi := bigAngle(w, v)
			got := Angle(w, v)
			// π - Angle is limited by the spacing of floats near π (4.4e-16);
			// the internal π - θ used by the closed forms is not.
			if rel := math.Abs((math.Pi-got)-phi) / phi; rel > 1e-6 {
				t.Errorf("π - Angle = %.17g, want %.17g (rel err %.3g)", math.Pi-got, phi, rel)
			}
			g := pair(w, v)
			rel := math.Abs(g.phi-phi) / phi
			worstPi = math.Max(worstPi, rel)
			if rel > 1e-6 {
				t.Errorf("internal π - θ = %.17g, want %.17g (rel err %.3g)", g.phi, phi, rel)
			}
		})
	}
	t.Logf("θ ≈ 1e-9 in 50-D: max relative error %.3g (near 0), %.3g (π - θ near π)", worst0, worstPi)
	// Away from 0 and π: acos branch.
	for _, th := range []float64{0.02, 0.5, 1, 2, 3.1} {
		w := []float64{1, 0, 0}
		v := []float64{math.Cos(th), math.Sin(th), 0}
		// The float vector v has angle atan2(v2, v1) exactly up to rounding of atan2.
		want := math.Atan2(v[1], v[0])
		t.Run(fmt.Sprintf("acos,θ=%g", th), func(t *testing.T) {
			if got := Angle(w, v); math.Abs(got-want) > 1e-14 {
				t.Errorf("Angle = %.17g, want %.17g", got, want)
			}
		})
	}
	// Symmetry and exact cases.
	w := []float64{1, 2, 3}
	if got := Angle(w, w); got != 0 {
		t.Errorf("Angle(w, w) = %v, want 0", got)
	}
	neg := []float64{-1, -2, -3}
	if got := Angle(w, neg); got != math.Pi {
		t.Errorf("Angle(w, -w) = %v, want π", got)
	}
}

// bigAngle returns θ and π - θ of two float64 vectors to double accuracy,
// computing ||ŵ ∓ v̂|| in big.Float.
func bigAngle(w, v []float64) (theta, phi float64) {
	nw, nv := bf(0), bf(0)
	for i := range w {
		nw = bAdd(nw, bMul(bf(w[i]), bf(w[i])))
		nv = bAdd(nv, bMul(bf(v[i]), bf(v[i])))
	}
	nw, nv = bSqrt(nw), bSqrt(nv)
	dm, dp := bf(0), bf(0)
	for i := range w {
		a, b := bQuo(bf(w[i]), nw), bQuo(bf(v[i]), nv)
		m, p := bSub(a, b), bAdd(a, b)
		dm = bAdd(dm, bMul(m, m))
		dp = bAdd(dp, bMul(p, p))
	}
	r := f64(bSqrt(bQuo(dm, dp)))
	return 2 * math.Atan(r), 2 * math.Atan(1/r)
}

// TestZeroVectorConventions checks the documented values when w or v is 0.
func TestZeroVectorConventions(t *testing.T) {
	z := []float64{0, 0, 0}
	w := []float64{1, -2, 2} // ||w|| = 3
	out := make([]float64, 3)
	scalars := []struct {
		name string
		got  float64
		want float64
	}{
		{"Angle(0, w)", Angle(z, w), math.Pi / 2},
		{"Angle(w, 0)", Angle(w, z), math.Pi / 2},
		{"Angle(0, 0)", Angle(z, z), math.Pi / 2},
		{"ReluMean(0)", ReluMean(z), 0},
		{"ReluSecond(0)", ReluSecond(z), 0},
		{"ReluCross(0, w)", ReluCross(z, w), 0},
		{"ReluCross(w, 0)", ReluCross(w, z), 0},
		{"BothPositive(0, w)", BothPositive(z, w), 0},
		{"BothPositive(w, 0)", BothPositive(w, z), 0},
		{"Disagree(0, w)", Disagree(z, w), 1},
		{"Disagree(w, 0)", Disagree(w, z), 1},
		{"Disagree(0, 0)", Disagree(z, z), 0},
		{"ReluStep(0, w)", ReluStep(z, w), 0},
		{"ReluStep(w, 0)", ReluStep(w, z), 0},
		{"ReluSign(0, w)", ReluSign(z, w), 0},
		{"ReluSign(w, 0)", ReluSign(w, z), 0},
		{"ReluLoss(0, w)", ReluLoss(z, w, 0.5), 4.5 + 0.5},
		{"ReluLoss(w, 0)", ReluLoss(w, z, 0.5), 4.5 + 0.5},
		{"ReluLoss(0, 0)", ReluLoss(z, z, 0.5), 0.5},
		{"ReluLoss(w, w)", ReluLoss(w, w, 0.5), 0.5},
	}
	for _, s := range scalars {
		t.Run(s.name, func(t *testing.T) {
			if s.got != s.want {
				t.Errorf("got %v, want %v", s.got, s.want)
			}
		})
	}
	vectors := []struct {
		name string
		f    func(o []float64)
		want []float64
	}{
		{"StepX(0)", func(o []float64) { StepX(z, o) }, z},
		{"SignX(0)", func(o []float64) { SignX(z, o) }, z},
		{"ReluX(0)", func(o []float64) { ReluX(z, o) }, z},
		{"BothStepX(0, w)", func(o []float64) { BothStepX(z, w, o) }, z},
		{"BothStepX(w, 0)", func(o []float64) { BothStepX(w, z, o) }, z},
		{"ReluStepX(v=0, w)", func(o []float64) { ReluStepX(z, w, o) }, z},
		{"ReluStepX(v, w=0)", func(o []float64) { ReluStepX(w, z, o) }, z},
		{"ReluLossGrad(0, v)", func(o []float64) { ReluLossGrad(z, w, o) }, z},
		{"ReluLossGrad(w, 0)", func(o []float64) { ReluLossGrad(w, z, o) }, w},
		{"ReluLossGrad(w, w)", func(o []float64) { ReluLossGrad(w, w, o) }, z},
		{"ReluStepX(v, v)", func(o []float64) { ReluStepX(w, w, o) }, []float64{0.5, -1, 1}},
	}
	for _, c := range vectors {
		t.Run(c.name, func(t *testing.T) {
			for i := range out {
				out[i] = 42 // must be overwritten
			}
			c.f(out)
			if diff := cmp.Diff(c.want, out); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Empty vectors are zero vectors.
	if got := ReluLoss(nil, nil, 0); got != 0 {
		t.Errorf("ReluLoss(nil, nil, 0) = %v", got)
	}
}

// TestExtremeScales checks homogeneity across the fast and the rescaled path:
// entries near 2^±600 (squares overflow or underflow the fast-path range) and
// subnormal entries.
func TestExtremeScales(t *testing.T) {
	w := []float64{0.6, 0.8, -0.3}
	v := []float64{1.5, -0.5, 0.25}
	scale := func(s float64, x []float64) []float64 {
		o := make([]float64, len(x))
		for i := range x {
			o[i] = s * x[i]
		}
		return o
	}
	approx := cmpopts.EquateApprox(1e-14, 0)
	refGrad := vec(func(o []float64) { ReluLossGrad(w, v, o) }, 3)
	refE11 := vec(func(o []float64) { ReluStepX(v, w, o) }, 3)
	for _, s := range []float64{0x1p600, 0x1p-600, 0x1p1000, 0x1p-1000} {
		t.Run(fmt.Sprintf("scale=%g", s), func(t *testing.T) {
			sw, sv := scale(s, w), scale(s, v)
			vs := scale(1/s, v)
			got := []float64{
				Angle(sw, sv), Angle(sw, vs), ReluCross(sw, vs), BothPositive(sw, vs), Disagree(sw, vs),
				ReluStep(sw, v) / s, ReluSign(sw, v) / s, ReluSign(w, sv), ReluStep(w, vs), ReluMean(sw) / s,
			}
			want := []float64{
				Angle(w, v), Angle(w, v), ReluCross(w, v), BothPositive(w, v), Disagree(w, v),
				ReluStep(w, v), ReluSign(w, v), ReluSign(w, v), ReluStep(w, v), ReluMean(w),
			}
			if diff := cmp.Diff(want, got, approx); diff != "" {
				t.Errorf("scale %g: scalars (-want +got):\n%s", s, diff)
			}
			if s == 0x1p600 || s == 0x1p-600 {
				g := vec(func(o []float64) { ReluLossGrad(sw, sv, o) }, 3)
				if diff := cmp.Diff(refGrad, scale(1/s, g), approx); diff != "" {
					t.Errorf("scale %g: ∇L(sw, sv)/s (-want +got):\n%s", s, diff)
				}
				e := vec(func(o []float64) { ReluStepX(sv, sw, o) }, 3)
				if diff := cmp.Diff(refE11, scale(1/s, e), approx); diff != "" {
					t.Errorf("scale %g: E11(sv, sw)/s (-want +got):\n%s", s, diff)
				}
				u := vec(func(o []float64) { StepX(sw, o) }, 3)
				if diff := cmp.Diff(vec(func(o []float64) { StepX(w, o) }, 3), u, approx); diff != "" {
					t.Errorf("scale %g: StepX (-want +got):\n%s", s, diff)
				}
				b := vec(func(o []float64) { BothStepX(sw, vs, o) }, 3)
				if diff := cmp.Diff(vec(func(o []float64) { BothStepX(w, v, o) }, 3), b, approx); diff != "" {
					t.Errorf("scale %g: BothStepX (-want +got):\n%s", s, diff)
				}
			}
		})
	}
	for _, s := range []float64{0x1p480, 0x1p-480} {
		t.Run(fmt.Sprintf("loss,scale=%g", s), func(t *testing.T) {
			if got, want := ReluLoss(scale(s, w), scale(s, v), 0)/(s*s), ReluLoss(w, v, 0); math.Abs(got-want) > 1e-14*want {
				t.Errorf("scale %g: ReluLoss/s² = %.17g, want %.17g", s, got, want)
			}
		})
	}
	// Subnormal w: the angle and the gradient use the direction of w.
	tiny := []float64{5e-324, 0}
	one := []float64{1, 1}
	if got := Angle(tiny, one); math.Abs(got-math.Pi/4) > 1e-15 {
		t.Errorf("Angle(subnormal, (1,1)) = %v, want π/4", got)
	}
	g := vec(func(o []float64) { ReluLossGrad(tiny, one, o) }, 2)
	// ∇L = w - ((π-θ) v + ||v|| sin θ ŵ)/π with θ = π/4, ||v|| sin θ = 1, ŵ = e1.
	want := []float64{-(0.75 + 1/math.Pi), -0.75}
	if diff := cmp.Diff(want, g, cmpopts.EquateApprox(1e-15, 0)); diff != "" {
		t.Errorf("∇L at subnormal w (-want +got):\n%s", diff)
	}
	// The largest finite entries: results overflow to ±Inf but are never NaN.
	big := []float64{math.MaxFloat64, -math.MaxFloat64}
	for _, x := range []float64{ReluLoss(big, one, 0), ReluLoss(big, big, 0), ReluCross(big, big), ReluSecond(big), ReluStep(big, one)} {
		if math.IsNaN(x) {
			t.Errorf("NaN from finite huge input")
		}
	}
	if got := ReluLoss(big, big, 0.5); got != 0.5 {
		t.Errorf("ReluLoss(big, big, 0.5) = %v, want 0.5", got)
	}
}

// TestNearOptimumAccuracy checks the cancellation-free evaluations: the loss
// near its minimiser w = v and E3 for nearly opposite vectors, where the
// textbook formulas lose all digits.
func TestNearOptimumAccuracy(t *testing.T) {
	v := []float64{0.3, -1.2, 0.9, 2.1}
	nv := math.Sqrt(0.09 + 1.44 + 0.81 + 4.41)
	for _, eps := range []float64{1e-4, 1e-6, 1e-8} {
		t.Run(fmt.Sprintf("loss,ε=%g", eps), func(t *testing.T) {
			w := make([]float64, len(v))
			for i := range v {
				w[i] = v[i] * (1 + eps)
			}
			want := 0.5 * eps * eps * nv * nv // (||w|| - ||v||)²/2, θ = 0
			if got := ReluLoss(w, v, 0); math.Abs(got-want) > 1e-6*want {
				t.Errorf("ε=%g: ReluLoss = %.17g, want %.17g", eps, got, want)
			}
		})
	}
	// E3 near θ = π: w = (1, 0), v = (-1, δ): π - θ = φ = atan δ and
	// h = sin φ - φ cos φ = φ³/3 - φ⁵/30 + φ⁷/840 - ...
	for _, delta := range []float64{1e-2, 1e-4, 1e-7} {
		t.Run(fmt.Sprintf("E3,δ=%g", delta), func(t *testing.T) {
			phi := math.Atan(delta)
			h := phi * phi * phi * (1.0/3 - phi*phi*(1.0/30-phi*phi/840))
			want := math.Hypot(1, delta) * h / (2 * math.Pi)
			if got := ReluCross([]float64{1, 0}, []float64{-1, delta}); math.Abs(got-want) > 1e-12*want {
				t.Errorf("δ=%g: ReluCross near π = %.17g, want %.17g", delta, got, want)
			}
		})
	}
	// H at the ends and the identity 1 - h/π >= 0 with h/π ~ 1 - θ²/2.
	if H(0) != math.Pi || math.Abs(H(math.Pi)) > 1e-15 || math.Abs(H(math.Pi/2)-1) > 1e-15 {
		t.Errorf("H(0), H(π/2), H(π) = %v, %v, %v", H(0), H(math.Pi/2), H(math.Pi))
	}
	for _, th := range []float64{1e-8, 1e-4, 0.1, 0.49, 0.51, 1, 3} {
		t.Run(fmt.Sprintf("oneMinusHOverPi,θ=%g", th), func(t *testing.T) {
			got := oneMinusHOverPi(th)
			want := 1 - H(th)/math.Pi
			tol := 1e-15
			if th < 0.1 {
				want = th*th/2 - th*th*th/(3*math.Pi) // + O(θ⁴)
				tol = th * th * th * th
			}
			if math.Abs(got-want) > tol {
				t.Errorf("1 - h(%g)/π = %.17g, want %.17g", th, got, want)
			}
		})
	}
}

// TestClosedFormsNoAlloc checks that the hot-path functions do not allocate,
// on the fast path and on the rescaled path.
func TestClosedFormsNoAlloc(t *testing.T) {
	w, v := benchPair(100)
	huge := make([]float64, 100)
	for i := range huge {
		huge[i] = 1e300 * w[i]
	}
	zero := make([]float64, 100)
	out := make([]float64, 100)
	h := make([]float64, 50)
	for _, in := range []struct {
		name string
		a, b []float64
	}{{"fast path", w, v}, {"rescaled path", huge, v}, {"zero w", zero, v}, {"w = v", w, w}} {
		t.Run(in.name, func(t *testing.T) {
			a, b := in.a, in.b
			allocs := testing.AllocsPerRun(20, func() {
				ReluLossGrad(a, b, out)
				benchSink += ReluLoss(a, b, 0.1) + Angle(a, b) + ReluCross(a, b) + BothPositive(a, b) + Disagree(a, b)
				benchSink += ReluStep(a, b) + ReluSign(a, b) + ReluMean(a) + ReluSecond(a)
				ReluStepX(b, a, out)
				BothStepX(a, b, out)
				StepX(a, out)
				SignX(a, out)
				ReluX(a, out)
				HermiteNormAll(a[0], h)
				benchSink += HermiteNorm(30, a[1]) + ReluCoef(40) + SignCoef(41) + ReluTail(7)
			})
			if allocs != 0 {
				t.Errorf("closed forms allocate %v times per run", allocs)
			}
		})
	}
}

// FuzzClosedForms checks invariants on arbitrary finite 3-D inputs (zero
// vectors, huge and subnormal entries included): no NaN anywhere,
// θ ∈ [0, π], 0 <= BothPositive <= 1/2, Disagree = θ/π ∈ [0, 1] for nonzero
// vectors, ReluLoss >= 0, 0 <= E3 <= sqrt(E2(w) E2(v)), |E13| <= E1, E12 <= E1,
// and the radial derivative ŵ·∇L = ||w|| - ||v|| h(θ)/π.
func FuzzClosedForms(f *testing.F) {
	f.Add(0.6, 0.8, 0.0, 1.5, -0.5, 0.0)
	f.Add(0.0, 0.0, 0.0, 1.0, 2.0, 3.0)
	f.Add(1.0, 2.0, 3.0, 0.0, 0.0, 0.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(1.0, 2.0, 3.0, 1.0, 2.0, 3.0)
	f.Add(1.0, 2.0, 3.0, -1.0, -2.0, -3.0)
	f.Add(1.0, 2.0, 3.0, 1.0, 2.0, 3.0000001)
	f.Add(1e300, -1e300, 1e300, 1e-300, 5e-324, 0.0)
	f.Add(math.MaxFloat64, math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, 1.0, 0.0)
	f.Add(5e-324, 0.0, 0.0, -5e-324, 0.0, 1e-310)
	f.Fuzz(func(t *testing.T, w0, w1, w2, v0, v1, v2 float64) {
		w := []float64{w0, w1, w2}
		v := []float64{v0, v1, v2}
		for _, x := range append(append([]float64(nil), w...), v...) {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Skip()
			}
		}
		wZero, vZero := w0 == 0 && w1 == 0 && w2 == 0, v0 == 0 && v1 == 0 && v2 == 0
		out := make([]float64, 3)
		th := Angle(w, v)
		named := map[string]float64{
			"Angle": th, "E1": ReluMean(w), "E2": ReluSecond(w), "E3": ReluCross(w, v),
			"E8": BothPositive(w, v), "E9": Disagree(w, v), "E12": ReluStep(w, v), "E13": ReluSign(w, v),
			"L": ReluLoss(w, v, 0), "L+1": ReluLoss(w, v, 1),
		}
		for name, x := range named {
			if math.IsNaN(x) {
				t.Fatalf("%s(%v, %v) is NaN", name, w, v)
			}
		}
		vecs := map[string]func([]float64){
			"E4": func(o []float64) { ReluX(w, o) }, "E5": func(o []float64) { StepX(w, o) },
			"E7": func(o []float64) { SignX(w, o) }, "E10": func(o []float64) { BothStepX(w, v, o) },
			"E11": func(o []float64) { ReluStepX(v, w, o) }, "∇L": func(o []float64) { ReluLossGrad(w, v, o) },
		}
		for name, fn := range vecs {
			fn(out)
			for _, x := range out {
				if math.IsNaN(x) {
					t.Fatalf("%s(%v, %v) = %v has NaN", name, w, v, out)
				}
			}
		}
		if !(th >= 0 && th <= math.Pi) {
			t.Fatalf("Angle = %v outside [0, π]", th)
		}
		if p := named["E8"]; !(p >= 0 && p <= 0.5) {
			t.Fatalf("BothPositive = %v outside [0, 1/2]", p)
		}
		dis := named["E9"]
		if !(dis >= 0 && dis <= 1) {
			t.Fatalf("Disagree = %v outside [0, 1]", dis)
		}
		if !wZero && !vZero && dis != th/math.Pi {
			t.Fatalf("Disagree = %v, θ/π = %v", dis, th/math.Pi)
		}
		if named["L"] < 0 || named["L+1"] < 1 {
			t.Fatalf("ReluLoss = %v (σ²=0), %v (σ²=1)", named["L"], named["L+1"])
		}
		// Magnitude checks, on norms where products neither overflow nor
		// underflow (elsewhere only the no-NaN and range checks apply).
		nw, nv := ReluMean(w)/InvSqrt2Pi, ReluMean(v)/InvSqrt2Pi
		if wZero || vZero || nw < 1e-100 || nw > 1e100 || nv < 1e-100 || nv > 1e100 {
			return
		}
		e1, e3 := named["E1"], named["E3"]
		if e3 < 0 || e3 > math.Sqrt(named["E2"])*math.Sqrt(ReluSecond(v))*(1+1e-14) {
			t.Fatalf("E3 = %v outside [0, sqrt(E2(w) E2(v))]", e3)
		}
		if math.Abs(named["E13"]) > e1*(1+1e-14) || named["E12"] > e1*(1+1e-14) || named["E12"] < 0 {
			t.Fatalf("E12 = %v, E13 = %v, E1 = %v", named["E12"], named["E13"], e1)
		}
		// Radial derivative ŵ·∇L = d/dr L(r ŵ) at r = ||w||.
		ReluLossGrad(w, v, out)
		radial := (out[0]*w0 + out[1]*w1 + out[2]*w2) / nw
		want := nw - nv*H(th)/math.Pi
		if math.Abs(radial-want) > 1e-12*(nw+nv) {
			t.Fatalf("ŵ·∇L = %.17g, want ||w|| - ||v|| h(θ)/π = %.17g", radial, want)
		}
	})
}
