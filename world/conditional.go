package world

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

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
// condFeature), with the conditional moments of gauss (gauss.CondRelu
// etc.): CondRelu(mu, c) = relu(mu) + c hRelu(mu/c),
// CondRelu2(mu, c) = relu(mu)^2 + c^2 1{mu > 0} + c^2 hRelu2(mu/c),
// CondStep(mu, c) = 1{mu > 0} + hStep(mu/c), CondStepXi(mu, c) = phi(mu/c)
// and CondReluXi(mu, c) = c 1{mu > 0} + c hStep(mu/c). A feature that is
// not near uses the moments themselves.
func baseRelu(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return gauss.CondRelu(mu, cf.c)
	}
	return relu(mu)
}

func baseRelu2(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return gauss.CondRelu2(mu, cf.c)
	}
	if mu > 0 {
		return mu*mu + cf.c*cf.c
	}
	return 0
}

func baseStep(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return gauss.CondStep(mu, cf.c)
	}
	if mu > 0 {
		return 1
	}
	return 0
}

func baseStepXi(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return gauss.CondStepXi(mu, cf.c)
	}
	return 0
}

func baseReluXi(cf *condFeature, mu float64) float64 {
	if !cf.near {
		return gauss.CondReluXi(mu, cf.c)
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

// condSpec is the row of the per-feature table of conditional: how a
// standard feature's integrand is built from the conditional moments (the
// base parts of condFeature), how many outputs it has, and how it scales
// with the norm of its direction.
type condSpec struct {
	// dirs: the feature has one direction (f.W, split into a condFeature),
	// one per row (FeatReluRows), or none (1 and x).
	dirs condDirs
	// base is the feature's factor at mu = wB.zeta (nil: 1, the feature
	// does not depend on a direction).
	base func(cf *condFeature, mu float64) float64
	// vector: the feature is base * x, with outputs (the span coordinates
	// of x, then the coordinate along the feature's own e), mapped back to
	// R^d at the end; xi is the factor of the e coordinate (nil: 0).
	vector bool
	xi     func(cf *condFeature, mu float64) float64
	// degree is the homogeneity in ||w|| (relu 1, relu^2 2, step 0): the
	// direction is integrated at unit norm and the answer scaled by
	// ||w||^degree.
	degree int
}

type condDirs int

const (
	dirsNone condDirs = iota
	dirsOne
	dirsRows
)

var condSpecs = map[sq.FeatureKind]condSpec{
	sq.FeatOne:      {dirs: dirsNone},
	sq.FeatRelu:     {dirs: dirsOne, base: baseRelu, degree: 1},
	sq.FeatRelu2:    {dirs: dirsOne, base: baseRelu2, degree: 2},
	sq.FeatStep:     {dirs: dirsOne, base: baseStep},
	sq.FeatReluRows: {dirs: dirsRows, base: baseRelu, degree: 1},
	sq.FeatLinear:   {dirs: dirsNone, vector: true},
	sq.FeatStepX:    {dirs: dirsOne, base: baseStep, vector: true, xi: baseStepXi},
	sq.FeatReluX:    {dirs: dirsOne, base: baseRelu, vector: true, xi: baseReluXi, degree: 1},
}

// conditional computes E[lambda(y) h(x)] for the standard features by
// integrating over the span of the hidden directions, with the feature's
// component outside the span integrated in closed form. A feature within
// rhoMax of the span (w near w*) is integrated as a base part with its kink
// on the existing break plus a correction in r = mu/c (nearCorrection), so
// that the transition of width ~theta across the kink is resolved and the
// error estimate sees it (issue 13). The feature's kind selects its row of
// condSpecs; the phases are: split the directions, build the integrand,
// integrate, add the near corrections, undo the normalization, and map the
// vector features back to R^d.
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
	spec, ok := condSpecs[f.Kind]
	if !ok {
		return 0, fmt.Errorf("%w: feature %s", sq.ErrNotExact, f.Kind)
	}
	cfs := m.condFeatures(f, spec.dirs)
	for _, cf := range cfs {
		kinks = appendFeatureKink(kinks, k, cf)
	}
	nOut := 1
	switch {
	case spec.dirs == dirsRows:
		nOut = len(cfs)
	case spec.vector:
		nOut = k + 1
	}
	val := make([]float64, nOut)
	eb, err := integrate(k, spec.integrand(lam, cfs, k), nOut, kinks, val)
	if err != nil {
		return 0, err
	}
	rowErr, eb, err := m.addNearCorrections(&t.Label, f.Kind, cfs, val, eb)
	if err != nil {
		return 0, err
	}
	eb = spec.rescale(cfs, val, eb, rowErr)
	if !spec.vector {
		copy(out, val)
		return eb, nil
	}
	for i := range out {
		out[i] = 0
	}
	for b := 0; b < k; b++ {
		axpy(val[b], m.basis[b], out)
	}
	if spec.xi != nil && cfs[0].c > 0 {
		axpy(val[k], cfs[0].e, out)
	}
	return eb, nil
}

// condFeatures splits the feature's directions (see condFeature).
func (m *Model) condFeatures(f *sq.Feature, dirs condDirs) []condFeature {
	switch dirs {
	case dirsOne:
		return []condFeature{m.split(f.W)}
	case dirsRows:
		cfs := make([]condFeature, 0, len(f.U))
		for _, row := range f.U {
			cfs = append(cfs, m.split(row))
		}
		return cfs
	}
	return nil
}

// appendFeatureKink adds the line wB.zeta = 0, across which the feature cf
// is steep (c small) or kinked (c = 0), to the quadrature's kinks.
func appendFeatureKink(kinks []gauss.Kink, k int, cf condFeature) []gauss.Kink {
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
	return kinks
}

// integrand returns zeta -> the outputs of the feature's integrand at zeta
// (the base parts of its conditional moments times the label functional).
func (s condSpec) integrand(lam func([]float64) float64, cfs []condFeature, k int) func(zeta, o []float64) {
	mu := func(cf *condFeature, zeta []float64) float64 { return dot(cf.wB, zeta) }
	switch {
	case s.dirs == dirsRows:
		return func(zeta, o []float64) {
			l := lam(zeta)
			for i := range cfs {
				o[i] = l * s.base(&cfs[i], mu(&cfs[i], zeta))
			}
		}
	case s.vector && s.base == nil: // x
		return func(zeta, o []float64) {
			l := lam(zeta)
			for b := range zeta {
				o[b] = l * zeta[b]
			}
			o[k] = 0
		}
	case s.vector: // base(w.x) x
		cf := &cfs[0]
		return func(zeta, o []float64) {
			l := lam(zeta)
			u := mu(cf, zeta)
			p := l * s.base(cf, u)
			for b := range zeta {
				o[b] = p * zeta[b]
			}
			o[k] = l * s.xi(cf, u)
		}
	case s.base == nil: // 1
		return func(zeta, o []float64) { o[0] = lam(zeta) }
	}
	cf := &cfs[0]
	return func(zeta, o []float64) { o[0] = lam(zeta) * s.base(cf, mu(cf, zeta)) }
}

// addNearCorrections adds the corrections of the near features (see
// condFeature) to val and their error estimates to eb; for a batch of rows
// it returns each row's own correction error in rowErr instead.
func (m *Model) addNearCorrections(l *sq.Label, kind sq.FeatureKind, cfs []condFeature, val []float64, eb float64) (rowErr []float64, ebOut float64, err error) {
	if kind == sq.FeatReluRows {
		rowErr = make([]float64, len(cfs))
	}
	for i := range cfs {
		cf := &cfs[i]
		if !cf.near {
			continue
		}
		if kind == sq.FeatReluRows {
			var v [1]float64
			e, err := m.nearCorrection(l, sq.FeatRelu, cf, v[:])
			if err != nil {
				return nil, 0, err
			}
			val[i] += v[0]
			rowErr[i] = e
			continue
		}
		corr := make([]float64, len(val))
		e, err := m.nearCorrection(l, kind, cf, corr)
		if err != nil {
			return nil, 0, err
		}
		for j := range val {
			val[j] += corr[j]
		}
		eb += e
	}
	return rowErr, eb, nil
}

// rescale undoes the normalization of the directions (see condFeature):
// it scales val by ||w||^degree and returns the error bound scaled alike
// (for a batch, the largest of the rows' bounds).
func (s condSpec) rescale(cfs []condFeature, val []float64, eb float64, rowErr []float64) float64 {
	switch {
	case s.degree == 0:
		return eb
	case s.dirs == dirsRows:
		ebs := 0.0
		for i := range val {
			val[i] *= cfs[i].scale
			ebs = math.Max(ebs, (eb+rowErr[i])*cfs[i].scale)
		}
		return ebs
	case s.degree == 1:
		scale(val, cfs[0].scale)
		return eb * cfs[0].scale
	}
	scale(val, cfs[0].scale*cfs[0].scale)
	return eb * (cfs[0].scale * cfs[0].scale)
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
