package learners

import (
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("hermite", "L2 polynomial regression on Hermite features of degree <= D (improper); loss <= opt + 2 sqrt(opt T_D) + T_D + C(d+D,D) tol^2",
		func() Flagger { return new(Hermite) })
}

// Hermite is L2 polynomial regression in the orthonormal Hermite basis
// (theory §3.3, §7(f); the L2 analogue of Kalai, Klivans, Mansour and
// Servedio, "Agnostically learning halfspaces", SIAM J. Comput. 2008). It
// outputs the improper hypothesis p(x) = sum_{|alpha| <= D} beta_alpha
// H_alpha(x) with beta_alpha = E[y H_alpha(x)], the L2(N(0, I_d)) projection
// of the label onto the polynomials of degree at most D.
//
// SQ form: one correlational query E[y H_alpha(x)] (sq.HermiteCorr, norm
// bound 1 since E[H_alpha^2] = 1) per multi-index alpha with |alpha| <= D,
// C(d+D, D) scalar queries at tolerance Tol, all in one adaptivity round
// (none depends on another's answer). The Gram matrix is the identity (the
// basis is orthonormal under the public marginal), so no label-free
// expectation is needed.
//
// Guarantee: let w_opt (||w_opt|| <= 1) attain opt and T_D = sum_{n > D}
// c_n^2 the tail of relu's Hermite expansion (gauss.ReluTail; T_2 = 0.0113,
// T_4 = 0.00464). The projection p of y is at least as close to y as the
// projection of relu(w_opt.x), which is within sqrt(||w_opt||^2 T_D) of
// relu(w_opt.x), so ||p - y||^2 <= (sqrt(opt) + sqrt(T_D))^2; the answers'
// errors lie in the polynomial space, orthogonal to p - y, and add at most
// C(d+D, D) Tol^2:
//
//	E[(p̂(x) - y)^2] <= opt + 2 sqrt(opt T_D) + T_D + C(d+D, D) Tol^2.
//
// Reaching opt + eps takes D = Theta(eps^(-4/3)) when opt = Theta(1), hence
// d^{O(eps^(-4/3))} queries; the SQ lower bounds of theory §7(g) say that
// is essentially necessary.
//
// Queries: C(d+D, D) scalar queries (Max caps it), 1 adaptivity round.
type Hermite struct {
	Degree int     // the degree D (default 2 from options; a zero field is degree 0)
	Tol    float64 // tolerance of every query (default 1e-6)
	Max    int     // refuse to ask more than Max queries (default 200000)
}

// Flags declares Hermite's options: degree, tol, max. A zero field of a Hermite used directly
// holds the default declared here, except Degree, whose zero is degree 0.
func (h *Hermite) Flags(fs *flag.FlagSet) {
	fs.IntVar(&h.Degree, "degree", 2, "the degree D, 0 <= D <= 1000")
	fs.Float64Var(&h.Tol, "tol", 1e-6, "tolerance of every query")
	fs.IntVar(&h.Max, "max", 200000, "refuse to ask more than max queries")
}

// NewHermite builds Hermite from options (see Flags).
func NewHermite(o Options) (*Hermite, error) {
	h := new(Hermite)
	return h, parseOptions("hermite", h, o)
}

func (h *Hermite) validate() error {
	switch {
	case h.Degree < 0 || h.Degree > 1000:
		return fmt.Errorf("%w: hermite: degree = %d, want 0 <= degree <= 1000", ErrOption, h.Degree)
	case h.Max < 1:
		return fmt.Errorf("%w: hermite: max = %d, want >= 1", ErrOption, h.Max)
	}
	return tolOK("hermite", h.Tol)
}

// Name returns "hermite".
func (h *Hermite) Name() string { return "hermite" }

// HermiteCount returns C(d+D, D), the number of multi-indices alpha in N^d
// with |alpha| <= D, or -1 when it exceeds limit.
func HermiteCount(d, D, limit int) int {
	// C(d+k, k) = C(d+k-1, k-1) (d+k)/k, an integer at every step.
	c := 1
	for k := 1; k <= D; k++ {
		if c > math.MaxInt/(d+k) {
			return -1
		}
		c = c * (d + k) / k
		if c > limit {
			return -1
		}
	}
	return c
}

// Learn asks every E[y H_alpha] with |alpha| <= Degree in one round and
// returns the polynomial.
func (h *Hermite) Learn(s *sq.Session) (sq.Hypothesis, error) {
	h = withDefaults(h, "Degree")
	if err := h.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	n := HermiteCount(d, h.Degree, h.Max)
	if n < 0 {
		return nil, fmt.Errorf("%w: hermite: degree %d in dimension %d needs more than max = %d queries (C(d+D, D))", ErrOption, h.Degree, d, h.Max)
	}
	p := &HermitePoly{Dim: d, Degree: h.Degree, Terms: make([]HermiteTerm, 0, n)}
	multiIndices(d, h.Degree, func(idx, deg []int) {
		p.Terms = append(p.Terms, HermiteTerm{Idx: append([]int(nil), idx...), Deg: append([]int(nil), deg...)})
	})
	err := s.Batch(func() error {
		for k := range p.Terms {
			t := &p.Terms[k]
			v, err := s.Ask(sq.HermiteCorr(t.Idx, t.Deg), h.Tol)
			if err != nil {
				return err
			}
			t.Coef = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// multiIndices calls fn with every alpha in N^d with |alpha| <= D in sparse
// form (alpha[idx[i]] = deg[i], idx increasing, deg > 0), by increasing
// total degree and in a fixed order within a degree. The slices are reused
// between calls.
func multiIndices(d, D int, fn func(idx, deg []int)) {
	idx := make([]int, 0, D)
	deg := make([]int, 0, D)
	// rec places the remaining degree rem on coordinates >= from.
	var rec func(from, rem int)
	rec = func(from, rem int) {
		if rem == 0 {
			fn(idx, deg)
			return
		}
		for c := from; c < d; c++ {
			for k := rem; k >= 1; k-- {
				idx = append(idx, c)
				deg = append(deg, k)
				rec(c+1, rem-k)
				idx, deg = idx[:len(idx)-1], deg[:len(deg)-1]
			}
		}
	}
	for n := 0; n <= D; n++ {
		rec(0, n)
	}
}

// HermiteTerm is one term Coef * H_alpha(x) with alpha[Idx[i]] = Deg[i].
type HermiteTerm struct {
	Idx, Deg []int
	Coef     float64
}

// HermitePoly is the polynomial p(x) = sum_k Terms[k].Coef H_{alpha_k}(x) in
// dimension Dim, with H_alpha the orthonormal Hermite products of theory
// §3.3 and |alpha_k| <= Degree.
type HermitePoly struct {
	Dim, Degree int
	Terms       []HermiteTerm
}

// Predict returns p(x); it allocates a table of h_n(x_i) for n <= Degree.
func (p *HermitePoly) Predict(x []float64) float64 {
	D := p.Degree + 1
	tab := make([]float64, len(x)*D)
	for i, xi := range x {
		gauss.HermiteNormAll(xi, tab[i*D:(i+1)*D])
	}
	s := 0.0
	for _, t := range p.Terms {
		v := t.Coef
		for i, c := range t.Idx {
			v *= tab[c*D+t.Deg[i]]
		}
		s += v
	}
	return s
}

// String describes the polynomial.
func (p *HermitePoly) String() string {
	return fmt.Sprintf("hermite polynomial, degree %d in dimension %d, %d terms", p.Degree, p.Dim, len(p.Terms))
}

// ExactLoss returns E[(p(x) - y)^2] under the world and a bound on its
// numerical error. By orthonormality E[p^2] = sum beta^2, so the loss is
// sum beta^2 - 2 sum beta E[y H_alpha] + E[y^2], with E[y H_alpha] and E[y^2]
// from the world's exact expectations. It is for scoring (the harness calls
// it); a learner never sees a world.
func (p *HermitePoly) ExactLoss(w sq.World) (float64, float64, error) {
	if d := w.Setting().D; d != p.Dim {
		return 0, 0, fmt.Errorf("learners: hermite polynomial of dimension %d scored in dimension %d", p.Dim, d)
	}
	var out [1]float64
	e2, err := w.Expect(sq.LabelMoment(2), out[:])
	if err != nil {
		return 0, 0, err
	}
	loss, eb := out[0], e2
	for _, t := range p.Terms {
		if t.Coef == 0 {
			continue
		}
		e, err := w.Expect(sq.HermiteCorr(t.Idx, t.Deg), out[:])
		if err != nil {
			return 0, 0, err
		}
		loss += t.Coef*t.Coef - 2*t.Coef*out[0]
		eb += 2 * math.Abs(t.Coef) * e
	}
	return loss, eb + 1e-15*float64(len(p.Terms)), nil
}
