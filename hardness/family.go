package hardness

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// ErrFamily is the sentinel of invalid family parameters (dimension, support
// size, noise rate, support); test with errors.Is.
var ErrFamily = errors.New("hardness: invalid parity family")

// Family is the parity-embedded ReLU family {D_{S,eta} : |S| = k} in
// dimension d with noise rate eta, together with the null distribution D_0
// (theory §4.2, a reconstruction of GKK19's hard family): x ~ N(0, I_d) and
//
//	D_{S,eta}:  y = (1 + l)/2,  l = chi_S(x) with probability 1 - eta, -chi_S(x) otherwise,
//	            so P[y = 1 | x] = 1/2 + a chi_S(x),  a = (1 - 2 eta)/2;
//	D_0:        y ~ Bernoulli(1/2) independent of x.
//
// chi_S(x) = prod_{i in S} sign(x_i). This is the Gaussian embedding of
// k-sparse parity with noise (Klivans–Kothari): with b = sign(x) uniform on
// the cube, l is an LPN label of b. A Family is immutable apart from an
// internal cache and safe for concurrent use.
type Family struct {
	d, k  int
	eta   float64
	cache *corrCache
}

// NewFamily returns the family in dimension d with supports of size k and
// noise rate eta. It rejects (with an error wrapping ErrFamily that names
// the value) d < 1, k < 1, k > d, eta outside [0, 1/2), and odd k >= 3: for
// odd k >= 3 every ReLU is uncorrelated with chi_S (theory §4.3), so
// opt_S = opt_0 and no ReLU reveals S.
func NewFamily(d, k int, eta float64) (*Family, error) {
	switch {
	case d < 1:
		return nil, fmt.Errorf("%w: dimension d = %d, want d >= 1", ErrFamily, d)
	case k < 1 || k > d:
		return nil, fmt.Errorf("%w: support size k = %d, want 1 <= k <= d = %d", ErrFamily, k, d)
	case k%2 == 1 && k >= 3:
		return nil, fmt.Errorf("%w: support size k = %d is odd: for odd k >= 3 every ReLU is uncorrelated with the parity "+
			"(relu(t) = t/2 + |t|/2; the linear part has degree 1 < k and |t| is even while chi_S is odd), "+
			"so opt_S = opt_0 and the family carries no signal for ReLU regression; use an even k (theory §4.3)", ErrFamily, k)
	case !(eta >= 0 && eta < 0.5):
		return nil, fmt.Errorf("%w: noise rate eta = %v, want 0 <= eta < 1/2", ErrFamily, eta)
	}
	return &Family{d: d, k: k, eta: eta, cache: newCorrCache()}, nil
}

// D returns the dimension.
func (f *Family) D() int { return f.d }

// K returns the support size.
func (f *Family) K() int { return f.k }

// Eta returns the noise rate.
func (f *Family) Eta() float64 { return f.eta }

// A returns a = (1 - 2 eta)/2, the amplitude of the parity in P[y = 1 | x].
func (f *Family) A() float64 { return (1 - 2*f.eta) / 2 }

// Null returns the null world D_0.
func (f *Family) Null() *World {
	return &World{fam: f, set: sq.Setting{D: f.d, LabelMin: 0, LabelMax: 1}}
}

// Planted returns the world D_{S,eta}. S must hold k strictly increasing
// indices in [0, d).
func (f *Family) Planted(S []int) (*World, error) {
	if len(S) != f.k {
		return nil, fmt.Errorf("%w: support %v has %d indices, the family has k = %d", ErrFamily, S, len(S), f.k)
	}
	if err := checkSupport(f.d, S); err != nil {
		return nil, err
	}
	return &World{fam: f, S: slices.Clone(S), set: sq.Setting{D: f.d, LabelMin: 0, LabelMax: 1}}, nil
}

// World is one distribution of the family, D_{S,eta} or D_0. It implements
// sq.World: it samples, and it computes exact expectations of structured
// queries from
//
//	E_{D_S}[lambda(y) h(x)] = (lambda(0) + lambda(1))/2 E[h] + a (lambda(1) - lambda(0)) E[h chi_S]
//
// (labels take the values 0 and 1 only; theory §4.4), with E[h] from the
// label-free closed forms and E[h chi_S] from the parity correlations:
//
//	relu(w.x)          C_S(w)                     (Dawson integral, theory §4.3)
//	1{w.x > 0} x       grad C_S(w)
//	relu(U_r.x) rows   C_S(U_r) for each row
//	1{w.x > 0}         0 for even k               (sign is odd, chi_S even)
//	x, 1               0 for k >= 2
//	relu(w.x)^2        2 w_i w_j/pi for k = 2, 0 for even k >= 4
//	relu(w.x) x        (w_j e_i + w_i e_j)/pi for S = {i, j}, 0 for even k >= 4
//	H_alpha(x)         prod_{i in S} b_{alpha_i} if supp(alpha) = S, else 0
//
// (k = 1 has its own closed forms: chi_S = sign(x_i)). Ridge and function
// features whose coefficient depends on the label, and joint terms, return
// an error wrapping sq.ErrNotExact.
type World struct {
	fam *Family
	S   []int // nil for D_0
	set sq.Setting
}

// Setting returns d, N(0, I_d) and the label range [0, 1].
func (w *World) Setting() sq.Setting { return w.set }

// Support returns a copy of S (nil for the null world).
func (w *World) Support() []int { return slices.Clone(w.S) }

// Family returns the family the world belongs to.
func (w *World) Family() *Family { return w.fam }

// Describe returns the world's parameters for manifests.
func (w *World) Describe() map[string]any {
	m := map[string]any{"dist": "parity-relu", "d": w.fam.d, "k": w.fam.k, "eta": w.fam.eta}
	if w.S == nil {
		m["dist"] = "parity-null"
	} else {
		m["support"] = w.Support()
	}
	return m
}

// Sample draws len(y) examples: x ~ N(0, I_d) (d normals from r per
// example), then one uniform from r that decides the label: for D_S,
// l = chi_S(x) flipped with probability eta and y = (1 + l)/2; for D_0,
// y = 1 with probability 1/2.
//
// Sample has no error return (sq.World): if x holds fewer than len(y)*d
// values only the first len(x)/d examples are drawn and the other labels are
// NaN (every oracle refuses a NaN mean); a nil r gives NaN labels. It never
// panics.
func (w *World) Sample(r *rand.Rand, x, y []float64) {
	d := w.fam.d
	cnt := len(y)
	if r == nil {
		cnt = 0
	} else if len(x) < cnt*d {
		cnt = len(x) / d
	}
	for i := cnt; i < len(y); i++ {
		y[i] = math.NaN()
	}
	y = y[:cnt]
	for n := range y {
		row := x[n*d : (n+1)*d]
		for j := range row {
			row[j] = r.NormFloat64()
		}
		u := r.Float64()
		if w.S == nil {
			if u < 0.5 {
				y[n] = 1
			} else {
				y[n] = 0
			}
			continue
		}
		chi := 1.0
		for _, i := range w.S {
			if row[i] < 0 {
				chi = -chi
			} else if row[i] == 0 {
				chi = 0
			}
		}
		if u < w.fam.eta {
			chi = -chi
		}
		y[n] = (1 + chi) / 2
	}
}

// Expect writes E[phi(x, y)] under the world into out[:q.Dim] and returns a
// bound on its absolute error (0 for the closed forms, the Dawson
// quadrature's bound for relu and gate features, far below 1e-10).
func (w *World) Expect(q *sq.Query, out []float64) (float64, error) {
	if q == nil {
		return 0, fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	if err := q.Validate(w.fam.d); err != nil {
		return 0, err
	}
	if len(out) < q.Dim {
		return 0, fmt.Errorf("%w %q: output has length %d, want %d", sq.ErrQuery, q.Name, len(out), q.Dim)
	}
	out = out[:q.Dim]
	if err := w.fam.nullPart(q, out); err != nil {
		return 0, err
	}
	if w.S == nil {
		return finiteAnswer(q, out, 0)
	}
	par := make([]float64, q.Dim)
	eb, err := w.fam.parityPart(w.S, q, par)
	if err != nil {
		return 0, err
	}
	a := w.fam.A()
	for i := range out {
		out[i] += a * par[i]
	}
	return finiteAnswer(q, out, a*eb)
}

// finiteAnswer returns eb, or an error wrapping sq.ErrNotExact and
// ErrFamily when the answer or its bound is not a finite number (weights
// whose products overflow float64): a non-finite answer is never returned
// with a nil error.
func finiteAnswer(q *sq.Query, out []float64, eb float64) (float64, error) {
	if math.IsNaN(eb) || math.IsInf(eb, 0) {
		return 0, fmt.Errorf("%w: %w: query %q: error bound %v is not finite", sq.ErrNotExact, ErrFamily, q.Name, eb)
	}
	for i, v := range out {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, fmt.Errorf("%w: %w: query %q: answer[%d] = %v is not representable", sq.ErrNotExact, ErrFamily, q.Name, i, v)
		}
	}
	return eb, nil
}

// Loss returns the exact population square loss of relu(v.x) under the
// world, L(v) = ||v||^2/2 - 2 (||v|| A0 + a C_S(v)) + 1/2 with
// A0 = 1/(2 sqrt(2 pi)) (theory §4.4), and a bound on its error.
func (w *World) Loss(v []float64) (float64, float64, error) {
	if len(v) != w.fam.d {
		return 0, 0, fmt.Errorf("%w: weight vector has length %d, want d = %d", sq.ErrQuery, len(v), w.fam.d)
	}
	if err := checkWeights(v); err != nil {
		return 0, 0, err
	}
	n := gauss.Norm(v)
	c, eb := 0.0, 0.0
	if w.S != nil {
		o := corrAt(w.fam.cache, v, w.S, false)
		c, eb = o.C, o.Err
	}
	a := w.fam.A()
	l, lb := n*n/2-2*(n*A0+a*c)+0.5, 2*a*eb
	if math.IsInf(l, 0) || math.IsNaN(l) || math.IsInf(lb, 0) || math.IsNaN(lb) {
		return 0, 0, fmt.Errorf("%w: loss of a weight vector of norm %.3g is %v (bound %v): not representable", ErrFamily, n, l, lb)
	}
	return l, lb, nil
}

// labelPair returns lambda(0) and lambda(1).
func labelPair(l *sq.Label) (float64, float64) { return l.Eval(0), l.Eval(1) }

// nullPart writes E_{D_0}[phi] into out[:q.Dim]: every label functional is
// replaced by its mean (lambda(0) + lambda(1))/2, and joint terms by the
// mean of G(U x, 0) and G(U x, 1).
func (f *Family) nullPart(q *sq.Query, out []float64) error {
	for i := range out {
		out[i] = 0
	}
	tmp := make([]float64, q.Dim)
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Coef == 0 {
			continue
		}
		if t.Joint != nil {
			if err := jointMean(t.Joint, f.d, tmp); err != nil {
				return fmt.Errorf("query %q term %d: %w", q.Name, j, err)
			}
			for i := range out {
				out[i] += t.Coef * tmp[i]
			}
			continue
		}
		l0, l1 := labelPair(&t.Label)
		m := (l0 + l1) / 2
		if m == 0 {
			continue
		}
		if err := sq.FeatureMean(&t.Feature, f.d, tmp); err != nil {
			return fmt.Errorf("query %q term %d: %w", q.Name, j, err)
		}
		for i := range out {
			out[i] += t.Coef * m * tmp[i]
		}
	}
	return nil
}

// jointMean writes (E[G(U x, 0)] + E[G(U x, 1)])/2 (times x when TimesX).
func jointMean(jt *sq.Joint, d int, out []float64) error {
	tmp := make([]float64, len(out))
	for i := range out {
		out[i] = 0
	}
	for _, y := range []float64{0, 1} {
		f := sq.Feature{Kind: sq.FeatRidge, U: jt.U, Kinks: jt.Kinks, TimesX: jt.TimesX, Name: jt.Name,
			G: func(z []float64) float64 { return jt.G(z, y) }}
		if err := sq.FeatureMean(&f, d, tmp); err != nil {
			return err
		}
		for i := range out {
			out[i] += tmp[i] / 2
		}
	}
	return nil
}

// parityPart writes sum_t Coef_t (lambda_t(1) - lambda_t(0)) E[h_t chi_S]
// into out[:q.Dim] (so that E_{D_S}[phi] - E_{D_0}[phi] = a * out) and
// returns a bound on its absolute error.
func (f *Family) parityPart(S []int, q *sq.Query, out []float64) (float64, error) {
	for i := range out {
		out[i] = 0
	}
	tmp := make([]float64, q.Dim)
	errSum := 0.0
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Coef == 0 {
			continue
		}
		if t.Joint != nil {
			return 0, fmt.Errorf("%w: query %q term %d: a joint term G(Ux, y) has no exact correlation with the parity", sq.ErrNotExact, q.Name, j)
		}
		l0, l1 := labelPair(&t.Label)
		c := t.Coef * (l1 - l0)
		if c == 0 {
			continue
		}
		eb, err := f.featureParity(&t.Feature, S, tmp)
		if err != nil {
			return 0, fmt.Errorf("query %q term %d: %w", q.Name, j, err)
		}
		for i := range out {
			out[i] += c * tmp[i]
		}
		errSum += math.Abs(c) * eb
	}
	return errSum, nil
}

// featureParity writes E[h(x) chi_S(x)] into out[:h.Dim(d)] and returns its
// error bound.
func (f *Family) featureParity(h *sq.Feature, S []int, out []float64) (float64, error) {
	k := len(S)
	out = out[:h.Dim(f.d)]
	for i := range out {
		out[i] = 0
	}
	switch h.Kind {
	case sq.FeatOne:
		return 0, nil
	case sq.FeatLinear:
		if k == 1 {
			out[S[0]] = math.Sqrt(2 / math.Pi)
		}
		return 0, nil
	case sq.FeatStep:
		if k == 1 {
			if n := gauss.Norm(h.W); n > 0 {
				out[0] = math.Asin(clampUnit(h.W[S[0]]/n)) / math.Pi
			}
		}
		return 0, nil
	case sq.FeatRelu:
		o := corrAt(f.cache, h.W, S, false)
		out[0] = o.C
		return o.Err, nil
	case sq.FeatReluRows:
		eb := 0.0
		for r, row := range h.U {
			o := corrAt(f.cache, row, S, false)
			out[r] = o.C
			eb = math.Max(eb, o.Err)
		}
		return eb, nil
	case sq.FeatStepX:
		if gauss.Norm(h.W) == 0 {
			return 0, nil
		}
		o := corrAt(f.cache, h.W, S, true)
		fillGrad(o, h.W, S, out)
		return o.Err, nil
	case sq.FeatRelu2:
		switch {
		case k == 2:
			out[0] = 2 * h.W[S[0]] * h.W[S[1]] / math.Pi
		case k == 1:
			return relu2Sign(h.W, S[0], out)
		}
		return 0, nil
	case sq.FeatReluX:
		switch {
		case k == 2:
			i, j := S[0], S[1]
			out[i] = h.W[j] / math.Pi
			out[j] = h.W[i] / math.Pi
		case k == 1:
			i := S[0]
			n := gauss.Norm(h.W)
			if n == 0 {
				return 0, nil
			}
			as := math.Asin(clampUnit(h.W[i]/n)) / math.Pi
			for j, v := range h.W {
				out[j] = v * as
			}
			rest := 0.0
			for j, v := range h.W {
				if j != i {
					rest += v * v
				}
			}
			out[i] += math.Sqrt(rest) / math.Pi
		}
		return 0, nil
	case sq.FeatHermite:
		// E[H_alpha chi_S] = prod_{i in S} b_{alpha_i} when the support of
		// alpha is exactly S (theory §3.4), else 0.
		deg := map[int]int{}
		for i, c := range h.Idx {
			if h.Deg[i] > 0 {
				deg[c] = h.Deg[i]
			}
		}
		if len(deg) != k {
			return 0, nil
		}
		p := 1.0
		for _, s := range S {
			n, ok := deg[s]
			if !ok {
				return 0, nil
			}
			p *= gauss.SignCoef(n)
		}
		out[0] = p
		return 0, nil
	}
	return 0, fmt.Errorf("%w: feature %s has no exact correlation with the parity (only samples can answer it)", sq.ErrNotExact, h.Kind)
}

func clampUnit(x float64) float64 { return math.Max(-1, math.Min(1, x)) }

// relu2Sign computes E[relu(w.x)^2 sign(x_i)] (k = 1) by one-dimensional
// quadrature: with z = w.x/||w||, rho = w_i/||w|| and s = sqrt(1 - rho^2),
// E[sign(x_i) | z] = 2 Phi(rho z/s) - 1, so the value is
// ||w||^2 E[relu(z)^2 (2 Phi(rho z/s) - 1)].
func relu2Sign(w []float64, i int, out []float64) (float64, error) {
	n := gauss.Norm(w)
	if n == 0 {
		return 0, nil
	}
	rho := clampUnit(w[i] / n)
	s := math.Sqrt((1 - rho) * (1 + rho))
	if s == 0 {
		out[0] = math.Copysign(n*n/2, rho)
		return 0, nil
	}
	v, eb := gauss.Expect1(func(z float64) float64 {
		if z <= 0 {
			return 0
		}
		return z * z * (2*gauss.Cdf(rho*z/s) - 1)
	}, []float64{0}, 1e-14)
	out[0] = n * n * v
	return n * n * eb, nil
}

// A0 = E[relu(u.x) y] under D_0 for a unit u: 1/(2 sqrt(2 pi)) (theory §4.4).
const A0 = 0.5 * gauss.InvSqrt2Pi
