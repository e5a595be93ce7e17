package world

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// quadTol is the absolute tolerance asked of the quadratures (for unit
// directions); maxErr is the largest error estimate Expect accepts, relative
// to max(1, the size of the answer) (the sq.World contract).
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

// closedForm handles the label terms of the ReLU and halfspace families that
// theory §2.1 gives in closed form. It reports false when it does not apply.
func (m *Model) closedForm(t *sq.Term, out []float64) bool {
	f := &t.Feature
	switch m.fam {
	case famRelu:
		v := m.wstar
		switch t.Label.Kind {
		case sq.LabelY: // the noise has mean zero
			switch f.Kind {
			case sq.FeatOne:
				out[0] = gauss.ReluMean(v)
			case sq.FeatRelu:
				out[0] = gauss.ReluCross(f.W, v)
			case sq.FeatStep:
				out[0] = gauss.ReluStep(v, f.W)
			case sq.FeatLinear:
				gauss.ReluX(v, out)
			case sq.FeatStepX:
				gauss.ReluStepX(v, f.W, out)
			case sq.FeatReluRows:
				for i, row := range f.U {
					out[i] = gauss.ReluCross(row, v)
				}
			default:
				return false
			}
			return true
		case sq.LabelY2:
			if f.Kind == sq.FeatOne {
				out[0] = gauss.ReluSecond(v) + m.noise.Variance()
				return true
			}
		}
	case famHalfspace:
		if t.Label.Kind != sq.LabelY && t.Label.Kind != sq.LabelY2 {
			return false
		}
		// y in {0, 1}, so y^2 = y, and E[y | x] = eta + (1 - 2 eta) 1{w*.x > 0}.
		v, eta := m.wstar, m.noise.Param
		a := 1 - 2*eta
		switch f.Kind {
		case sq.FeatOne:
			out[0] = 0.5
		case sq.FeatStep:
			p := 0.0
			if norm(f.W) > 0 {
				p = eta*0.5 + a*gauss.BothPositive(f.W, v)
			}
			out[0] = p
		case sq.FeatRelu:
			out[0] = eta*gauss.ReluMean(f.W) + a*gauss.ReluStep(f.W, v)
		case sq.FeatLinear:
			gauss.StepX(v, out)
			scale(out, a)
		case sq.FeatStepX:
			gauss.BothStepX(f.W, v, out)
			scale(out, a)
			tmp := make([]float64, len(out))
			gauss.StepX(f.W, tmp)
			for i := range out {
				out[i] += eta * tmp[i]
			}
		default:
			return false
		}
		return true
	}
	return false
}

func scale(v []float64, a float64) {
	for i := range v {
		v[i] *= a
	}
}

// condFeature describes a feature direction w relative to the span of the
// hidden directions: w = scale * (sum_b wB[b] basis[b] + c e) with e a unit
// vector orthogonal to the span and ||(wB, c)|| = 1. The features are
// integrated for the unit direction and scaled after (relu is 1-homogeneous),
// so that quadrature errors are relative to the size of the answer.
type condFeature struct {
	scale float64
	wB    []float64
	c     float64
	e     []float64
	// near: the feature's direction is within rhoMax of the span (rho =
	// c/||wB|| < rhoMax). Its conditional moments then change across
	// wB.zeta = 0 over a width rho, which quadrature over zeta does not
	// resolve (issue 13); they are split into a base part, piecewise
	// polynomial in mu = wB.zeta with its kink at mu = 0, and a correction
	// that decays like a Gaussian in mu/c, integrated after the change of
	// variable mu = c r (see nearCorrection).
	near bool
	rho  float64
}

// rhoMax is the ratio c/||wB|| (the tangent of the angle between the
// feature's direction and the span of the hidden directions) below which a
// feature is integrated as a base part plus a correction in r = mu/c.
// Above it the transition is wider than 1/4 and the direct route resolves it
// (measured against the polar reference of ref_test.go down to rho = 0.01).
const rhoMax = 0.25

func (m *Model) split(w []float64) condFeature {
	k := len(m.basis)
	cf := condFeature{wB: make([]float64, k), scale: norm(w)}
	if cf.scale == 0 {
		return cf // every feature of the zero vector vanishes: relu(0) = 1{0 > 0} = 0
	}
	perp := append([]float64(nil), w...)
	for i := range perp {
		perp[i] /= cf.scale
	}
	w = perp
	perp = append([]float64(nil), w...)
	for b, e := range m.basis {
		cf.wB[b] = dot(w, e)
		for i := range perp {
			perp[i] -= cf.wB[b] * e[i]
		}
	}
	// Re-orthogonalize once for accuracy.
	for _, e := range m.basis {
		p := dot(perp, e)
		for i := range perp {
			perp[i] -= p * e[i]
		}
	}
	c := norm(perp)
	if c == 0 {
		return cf
	}
	cf.c = c
	cf.e = perp
	for i := range perp {
		perp[i] /= c
	}
	// A tiny c (down to rounding noise, when w is parallel to the span up
	// to rounding) is kept: every contribution of e is proportional to c or
	// rho, and the near route below integrates it accurately however small.
	if a := norm(cf.wB); a > 0 && c < rhoMax*a {
		cf.near, cf.rho = true, c/a
	}
	return cf
}

// The base parts of the conditional moments for a near feature (see
// condFeature): condRelu(mu, c) = relu(mu) + c hRelu(mu/c),
// condRelu2(mu, c) = relu(mu)^2 + c^2 1{mu > 0} + c^2 hRelu2(mu/c),
// condStep(mu, c) = 1{mu > 0} + hStep(mu/c), condStepXi(mu, c) = phi(mu/c)
// and condReluXi(mu, c) = c 1{mu > 0} + c hStep(mu/c).
func baseRelu(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return condRelu(mu, cf.c)
	}
	return relu(mu)
}

func baseRelu2(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return condRelu2(mu, cf.c)
	}
	if mu > 0 {
		return mu*mu + cf.c*cf.c
	}
	return 0
}

func baseStep(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return condStep(mu, cf.c)
	}
	if mu > 0 {
		return 1
	}
	return 0
}

func baseStepXi(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return condStepXi(mu, cf.c)
	}
	return 0
}

func baseReluXi(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return condReluXi(mu, cf.c)
	}
	if mu > 0 {
		return cf.c
	}
	return 0
}

// The corrections divided by the standard normal density phi(r), with
// M(x) = Phi(-x)/phi(x) (Mills' ratio): hRelu(r) = phi(r) - |r| Phi(-|r|),
// hStep(r) = -sign(r) Phi(-|r|), hRelu2(r) = -sign(r) ((r^2+1) Phi(-|r|) -
// |r| phi(r)). They are bounded and smooth except at r = 0.
func mills(x float64) float64 { return gauss.Cdf(-x) / gauss.Pdf(x) }

func hReluRatio(r float64) float64 {
	x := math.Abs(r)
	return 1 - x*mills(x)
}

func hStepRatio(r float64) float64 {
	m := mills(math.Abs(r))
	if r > 0 {
		return -m
	}
	return m
}

func hRelu2Ratio(r float64) float64 {
	x := math.Abs(r)
	v := (x*x+1)*mills(x) - x
	if r > 0 {
		return -v
	}
	return v
}

// Conditional moments of t = mu + c*xi, xi ~ N(0, 1).
func condRelu(mu, c float64) float64 { // E[relu(t)]
	if c == 0 {
		return relu(mu)
	}
	a := mu / c
	return c * (a*gauss.Cdf(a) + gauss.Pdf(a))
}

func condRelu2(mu, c float64) float64 { // E[relu(t)^2]
	if c == 0 {
		r := relu(mu)
		return r * r
	}
	a := mu / c
	return (mu*mu+c*c)*gauss.Cdf(a) + mu*c*gauss.Pdf(a)
}

func condStep(mu, c float64) float64 { // P[t > 0]
	if c == 0 {
		if mu > 0 {
			return 1
		}
		return 0
	}
	return gauss.Cdf(mu / c)
}

func condStepXi(mu, c float64) float64 { // E[1{t > 0} xi]
	if c == 0 {
		return 0
	}
	return gauss.Pdf(mu / c)
}

func condReluXi(mu, c float64) float64 { // E[relu(t) xi] = c P[t > 0] (Stein)
	if c == 0 {
		return 0
	}
	return c * gauss.Cdf(mu/c)
}

// labelFn returns zeta -> (f(V x), the label functional E[lambda(y) | V x]) for
// zeta the coordinates of x in the basis of the hidden directions.
func (m *Model) labelFn(l *sq.Label) func(zeta []float64) float64 {
	s := make([]float64, len(m.v))
	return func(zeta []float64) float64 {
		for i := range m.v {
			s[i] = dot(m.vc[i], zeta)
		}
		return m.noise.cond(l, m.f(s))
	}
}

// kinkLines returns the kinks of the label function and, for a single-index
// model, the places where the label functional l jumps, as lines (or points
// when k = 1) in zeta coordinates. For a two-index model with a
// discontinuous label functional it returns ErrNotExact.
func (m *Model) kinkLines(l *sq.Label, extraBreaks []float64) ([]gauss.Kink, error) {
	k := len(m.basis)
	var out []gauss.Kink
	for _, h := range m.kinks {
		var kk gauss.Kink
		for i, a := range h.A {
			if k > 0 {
				kk.A1 += a * m.vc[i][0]
			}
			if k > 1 {
				kk.A2 += a * m.vc[i][1]
			}
		}
		kk.C = h.C
		if kk.A1 != 0 || kk.A2 != 0 {
			out = append(out, kk)
		}
	}
	var ts []float64
	if l != nil {
		ts = m.noise.labelBreaks(l)
	}
	ts = append(ts, extraBreaks...)
	if len(ts) == 0 {
		return out, nil
	}
	if k != 1 {
		if k == 0 {
			return out, nil
		}
		return nil, fmt.Errorf("%w: %s: the label is thresholded (at %v) and the label function has %d directions; the level sets of f are not known to the quadrature (use a sample oracle, or Gaussian label noise)", sq.ErrNotExact, m.name, ts, k)
	}
	for _, t := range ts {
		for _, z := range m.crossings(t) {
			out = append(out, gauss.Kink{A1: 1, C: z})
		}
	}
	return out, nil
}

// crossings returns the points zeta in [-TailCut, TailCut] where the
// predicate f(V basis^T zeta) > t changes, for a single-index model: a scan
// on a grid of step 1/32 (and the kinks) refined by bisection to 1e-15.
func (m *Model) crossings(t float64) []float64 {
	s := make([]float64, len(m.v))
	pred := func(z float64) bool {
		for i := range m.v {
			s[i] = m.vc[i][0] * z
		}
		return m.f(s) > t
	}
	grid := []float64{}
	for z := -gauss.TailCut; z <= gauss.TailCut; z += 1.0 / 32 {
		grid = append(grid, z)
	}
	for _, h := range m.kinks {
		a := 0.0
		for i, ai := range h.A {
			a += ai * m.vc[i][0]
		}
		if a != 0 {
			c := h.C / a
			grid = append(grid, math.Nextafter(c, math.Inf(-1)), c, math.Nextafter(c, math.Inf(1)))
		}
	}
	sort.Float64s(grid)
	var out []float64
	prev := pred(grid[0])
	for i := 1; i < len(grid); i++ {
		cur := pred(grid[i])
		if cur == prev {
			continue
		}
		lo, hi := grid[i-1], grid[i]
		for hi-lo > 1e-15*math.Max(1, math.Abs(lo)) {
			mid := 0.5 * (lo + hi)
			if mid <= lo || mid >= hi {
				break
			}
			if pred(mid) == prev {
				lo = mid
			} else {
				hi = mid
			}
		}
		out = append(out, hi)
		prev = cur
	}
	return out
}

// integrate runs the kink-aware quadrature of fn over zeta ~ N(0, I_k),
// k <= 2, with nOut components.
func integrate(k int, fn func(zeta []float64, o []float64), nOut int, kinks []gauss.Kink, val []float64) (float64, error) {
	zeta := make([]float64, 2)
	switch k {
	case 0:
		fn(zeta[:0], val)
		return 0, nil
	case 1:
		var breaks []float64
		for _, kk := range kinks {
			if kk.A1 != 0 {
				breaks = append(breaks, kk.C/kk.A1)
			}
		}
		return gauss.Expect1Vec(func(z float64, o []float64) { zeta[0] = z; fn(zeta[:1], o) }, nOut, breaks, quadTol, val), nil
	case 2:
		return gauss.Expect2Vec(func(z1, z2 float64, o []float64) { zeta[0], zeta[1] = z1, z2; fn(zeta, o) }, nOut, kinks, quadTol, val), nil
	}
	return 0, fmt.Errorf("%w: the query and the label span %d directions; exact quadrature handles at most 2", sq.ErrNotExact, k)
}

// conditional computes E[lambda(y) h(x)] for the standard features by
// integrating over the span of the hidden directions, with the feature's
// component outside the span integrated in closed form. A feature within
// rhoMax of the span (w near w*) is integrated as a base part with its kink
// on the existing break plus a correction in r = mu/c (nearCorrection), so
// that the transition of width ~theta across the kink is resolved and the
// error estimate sees it (issue 13).
func (m *Model) conditional(t *sq.Term, out []float64) (float64, error) {
	f := &t.Feature
	k := len(m.basis)
	if k > 2 {
		return 0, fmt.Errorf("%w: %s: the label depends on %d directions; exact quadrature handles at most 2", sq.ErrNotExact, m.name, k)
	}
	lam := m.labelFn(&t.Label)
	kinks, err := m.kinkLines(&t.Label, nil)
	if err != nil {
		return 0, err
	}
	addLine := func(cf condFeature) {
		// The feature is steep (c small) or kinked (c = 0) across wB.zeta = 0.
		var kk gauss.Kink
		if k > 0 {
			kk.A1 = cf.wB[0]
		}
		if k > 1 {
			kk.A2 = cf.wB[1]
		}
		if kk.A1 != 0 || kk.A2 != 0 {
			kinks = append(kinks, kk)
		}
	}
	var cfs []condFeature
	switch f.Kind {
	case sq.FeatRelu, sq.FeatRelu2, sq.FeatStep, sq.FeatStepX, sq.FeatReluX:
		cfs = []condFeature{m.split(f.W)}
	case sq.FeatReluRows:
		for _, row := range f.U {
			cfs = append(cfs, m.split(row))
		}
	}
	for _, cf := range cfs {
		addLine(cf)
	}
	mu := func(cf *condFeature, zeta []float64) float64 { return dot(cf.wB, zeta) }
	var fn func(zeta, o []float64)
	switch f.Kind {
	case sq.FeatOne:
		fn = func(zeta, o []float64) { o[0] = lam(zeta) }
	case sq.FeatRelu:
		cf := &cfs[0]
		fn = func(zeta, o []float64) { o[0] = lam(zeta) * baseRelu(cf, mu(cf, zeta)) }
	case sq.FeatRelu2:
		cf := &cfs[0]
		fn = func(zeta, o []float64) { o[0] = lam(zeta) * baseRelu2(cf, mu(cf, zeta)) }
	case sq.FeatStep:
		cf := &cfs[0]
		fn = func(zeta, o []float64) { o[0] = lam(zeta) * baseStep(cf, mu(cf, zeta)) }
	case sq.FeatReluRows:
		fn = func(zeta, o []float64) {
			l := lam(zeta)
			for i := range cfs {
				o[i] = l * baseRelu(&cfs[i], mu(&cfs[i], zeta))
			}
		}
	case sq.FeatLinear:
		fn = func(zeta, o []float64) {
			l := lam(zeta)
			for b := range zeta {
				o[b] = l * zeta[b]
			}
			o[k] = 0
		}
	case sq.FeatStepX:
		cf := &cfs[0]
		fn = func(zeta, o []float64) {
			l := lam(zeta)
			u := mu(cf, zeta)
			p := l * baseStep(cf, u)
			for b := range zeta {
				o[b] = p * zeta[b]
			}
			o[k] = l * baseStepXi(cf, u)
		}
	case sq.FeatReluX:
		cf := &cfs[0]
		fn = func(zeta, o []float64) {
			l := lam(zeta)
			u := mu(cf, zeta)
			r := l * baseRelu(cf, u)
			for b := range zeta {
				o[b] = r * zeta[b]
			}
			o[k] = l * baseReluXi(cf, u)
		}
	default:
		return 0, fmt.Errorf("%w: feature %s", sq.ErrNotExact, f.Kind)
	}
	var nOut int
	switch f.Kind {
	case sq.FeatReluRows:
		nOut = len(cfs)
	case sq.FeatLinear, sq.FeatStepX, sq.FeatReluX:
		nOut = k + 1
	default:
		nOut = 1
	}
	val := make([]float64, nOut)
	eb, err := integrate(k, fn, nOut, kinks, val)
	if err != nil {
		return 0, err
	}
	// The corrections of the near features.
	var rowErr []float64
	if f.Kind == sq.FeatReluRows {
		rowErr = make([]float64, len(cfs))
	}
	for i := range cfs {
		cf := &cfs[i]
		if !cf.near {
			continue
		}
		if f.Kind == sq.FeatReluRows {
			var v [1]float64
			e, err := m.nearCorrection(&t.Label, sq.FeatRelu, cf, v[:])
			if err != nil {
				return 0, err
			}
			val[i] += v[0]
			rowErr[i] = e
			continue
		}
		corr := make([]float64, nOut)
		e, err := m.nearCorrection(&t.Label, f.Kind, cf, corr)
		if err != nil {
			return 0, err
		}
		for j := range val {
			val[j] += corr[j]
		}
		eb += e
	}
	// Undo the normalization of the directions (see condFeature).
	switch f.Kind {
	case sq.FeatRelu, sq.FeatReluX:
		scale(val, cfs[0].scale)
		eb *= cfs[0].scale
	case sq.FeatRelu2:
		scale(val, cfs[0].scale*cfs[0].scale)
		eb *= cfs[0].scale * cfs[0].scale
	case sq.FeatReluRows:
		ebs := 0.0
		for i := range val {
			val[i] *= cfs[i].scale
			ebs = math.Max(ebs, (eb+rowErr[i])*cfs[i].scale)
		}
		eb = ebs
	}
	switch f.Kind {
	case sq.FeatLinear, sq.FeatStepX, sq.FeatReluX:
		for i := range out {
			out[i] = 0
		}
		for b := 0; b < k; b++ {
			axpy(val[b], m.basis[b], out)
		}
		if f.Kind != sq.FeatLinear && cfs[0].c > 0 {
			axpy(val[k], cfs[0].e, out)
		}
	default:
		copy(out, val)
	}
	return eb, nil
}

// nearCorrection integrates the correction of a near feature cf (see
// condFeature) for the feature kind (relu, relu^2, step, 1{.}x, relu x; a
// batch row is a relu) and the label l, in the output layout of conditional
// (nOut = 1, or k + 1 for the vector features), for the unit direction. In
// coordinates of the span with p = wB.zeta/||wB|| (and q orthogonal to it
// when k = 2), the correction is c^j E[lambda h(mu/c) X] with mu = ||wB|| p
// and h decaying like phi; the change of variable p = rho r turns it into
// E_r[rho phi(rho r) lambda (h/phi)(r) X] over r ~ N(0, 1) (times q ~ N(0, 1)),
// whose integrand is smooth apart from r = 0 and the label's kinks, which
// the quadrature splits at as usual. Its error estimate is returned.
func (m *Model) nearCorrection(l *sq.Label, kind sq.FeatureKind, cf *condFeature, out []float64) (float64, error) {
	k := len(m.basis)
	lam := m.labelFn(l)
	lk, err := m.kinkLines(l, nil)
	if err != nil {
		return 0, err
	}
	rho, c := cf.rho, cf.c
	a := norm(cf.wB)
	// Unit vector along wB and its normal in the span.
	var u0, u1 float64
	u0 = cf.wB[0] / a
	if k > 1 {
		u1 = cf.wB[1] / a
	}
	kinks := []gauss.Kink{{A1: 1}}
	for _, kk := range lk {
		// A1 zeta0 + A2 zeta1 = C with zeta = rho r (u0, u1) + q (-u1, u0).
		nk := gauss.Kink{A1: rho * (kk.A1*u0 + kk.A2*u1), A2: -kk.A1*u1 + kk.A2*u0, C: kk.C}
		if k == 1 {
			nk.A2 = 0
		}
		if nk.A1 != 0 || nk.A2 != 0 {
			kinks = append(kinks, nk)
		}
	}
	zeta := make([]float64, k)
	fn := func(rq, o []float64) {
		r := rq[0]
		zeta[0] = rho * r * u0
		if k > 1 {
			zeta[0] -= rq[1] * u1
			zeta[1] = rho*r*u1 + rq[1]*u0
		}
		g := rho * gauss.Pdf(rho*r) * lam(zeta)
		switch kind {
		case sq.FeatRelu:
			o[0] = g * c * hReluRatio(r)
		case sq.FeatRelu2:
			o[0] = g * c * c * hRelu2Ratio(r)
		case sq.FeatStep:
			o[0] = g * hStepRatio(r)
		case sq.FeatStepX:
			h := g * hStepRatio(r)
			for b := range zeta {
				o[b] = h * zeta[b]
			}
			o[k] = g
		case sq.FeatReluX:
			h := g * c * hReluRatio(r)
			for b := range zeta {
				o[b] = h * zeta[b]
			}
			o[k] = g * c * hStepRatio(r)
		}
	}
	return integrate(k, fn, len(out), kinks, out)
}

func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

// hermiteSingle computes E[lambda(y) H_alpha(x)] for a single-index model by
// the ridge expansion (theory §3.3): with u the unit hidden direction and
// n = |alpha|, E[L(u.x) H_alpha(x)] = Lhat_n sqrt(n!/alpha!) u^alpha, where
// Lhat_n = E[L(z) h_n(z)] is a one-dimensional integral.
func (m *Model) hermiteSingle(t *sq.Term, out []float64) (float64, error) {
	f := &t.Feature
	u := m.basis[0]
	n := 0
	logCoef := 0.0 // log sqrt(n!/alpha!) + log|u^alpha|
	sign := 1.0
	for i, deg := range f.Deg {
		if deg == 0 {
			continue // h_0 = 1: the coordinate does not enter (and 0 log 0 is NaN)
		}
		n += deg
		ui := u[f.Idx[i]]
		if deg > 0 && ui == 0 {
			out[0] = 0
			return 0, nil
		}
		lg, _ := math.Lgamma(float64(deg) + 1)
		logCoef += -0.5*lg + float64(deg)*math.Log(math.Abs(ui))
		if ui < 0 && deg%2 == 1 {
			sign = -sign
		}
	}
	lgn, _ := math.Lgamma(float64(n) + 1)
	logCoef += 0.5 * lgn
	lam := m.labelFn(&t.Label)
	kinks, err := m.kinkLines(&t.Label, nil)
	if err != nil {
		return 0, err
	}
	var breaks []float64
	for _, kk := range kinks {
		if kk.A1 != 0 {
			breaks = append(breaks, kk.C/kk.A1)
		}
	}
	zeta := make([]float64, 1)
	lhat, eb := gauss.Expect1(func(z float64) float64 {
		zeta[0] = z
		return lam(zeta) * gauss.HermiteNorm(n, z)
	}, breaks, quadTol)
	c := sign * math.Exp(logCoef)
	out[0] = lhat * c
	return eb * math.Abs(c), nil
}

// ridge computes E[lambda(y) G(U x)] (prod != nil) or E[G(U x, y)] (joint !=
// nil), times x when timesX, by quadrature over the span of U and the hidden
// directions.
func (m *Model) ridge(U [][]float64, gk [][]float64, timesX bool, prod *sq.Term, joint *sq.Joint, out []float64) (float64, error) {
	rows := append(cloneRows(m.v), U...)
	basis, coef := sq.Orthonormalize(rows)
	k := len(basis)
	if k > 2 {
		return 0, fmt.Errorf("%w: the query's rows and the label's directions span %d dimensions; exact quadrature handles at most 2", sq.ErrNotExact, k)
	}
	nv := len(m.v)
	// Kinks of the label function and of the label functional, in the new basis.
	var kinks []gauss.Kink
	toLine := func(a []float64, c float64) { // a: coefficients on rows
		var kk gauss.Kink
		for i, ai := range a {
			if k > 0 {
				kk.A1 += ai * coef[i][0]
			}
			if k > 1 {
				kk.A2 += ai * coef[i][1]
			}
		}
		kk.C = c
		if kk.A1 != 0 || kk.A2 != 0 {
			kinks = append(kinks, kk)
		}
	}
	for _, h := range m.kinks {
		a := make([]float64, len(rows))
		copy(a, h.A)
		toLine(a, h.C)
	}
	for i, ks := range gk {
		if i >= len(U) {
			break
		}
		for _, c := range ks {
			a := make([]float64, len(rows))
			a[nv+i] = 1
			toLine(a, c)
		}
	}
	var lab *sq.Label
	var ybreaks []float64
	if prod != nil {
		lab = &prod.Label
	} else {
		ybreaks = joint.YBreak
	}
	var ts []float64
	if lab != nil {
		ts = m.noise.labelBreaks(lab)
	} else {
		for _, t := range ybreaks {
			ts = append(ts, m.noise.labelBreaks(&sq.Label{Kind: sq.LabelAbove, T: t})...)
		}
	}
	if len(ts) > 0 {
		if len(m.basis) != 1 {
			return 0, fmt.Errorf("%w: %s: a thresholded label on a model with %d directions", sq.ErrNotExact, m.name, len(m.basis))
		}
		// Crossings in the model's own coordinate zeta0 = u.x: the line
		// sum_b (u . basis_b) zeta_b = zeta0.
		for _, t := range ts {
			for _, z := range m.crossings(t) {
				var kk gauss.Kink
				kk.A1 = dot(m.basis[0], basis[0])
				if k > 1 {
					kk.A2 = dot(m.basis[0], basis[1])
				}
				kk.C = z
				kinks = append(kinks, kk)
			}
		}
	}
	s := make([]float64, nv)
	z := make([]float64, len(U))
	nOut := 1
	if timesX {
		nOut = k
	}
	fn := func(zeta, o []float64) {
		for i := 0; i < nv; i++ {
			s[i] = dot(coef[i][:k], zeta)
		}
		for i := range U {
			z[i] = dot(coef[nv+i][:k], zeta)
		}
		fv := m.f(s)
		var g float64
		if prod != nil {
			g = m.noise.cond(lab, fv) * prod.Feature.G(z)
		} else {
			g = m.noise.cond(&sq.Label{Kind: sq.LabelFunc, Func: func(y float64) float64 { return joint.G(z, y) }, Breaks: joint.YBreak}, fv)
		}
		if timesX {
			for b := 0; b < k; b++ {
				o[b] = g * zeta[b]
			}
		} else {
			o[0] = g
		}
	}
	val := make([]float64, max(nOut, 1))
	eb, err := integrate(k, fn, max(nOut, 1), kinks, val)
	if err != nil {
		return 0, err
	}
	if !timesX {
		out[0] = val[0]
		return eb, nil
	}
	for i := range out {
		out[i] = 0
	}
	for b := 0; b < k; b++ {
		axpy(val[b], basis[b], out)
	}
	return eb, nil
}
