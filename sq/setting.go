package sq

import (
	"errors"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq/gauss"
)

// Setting is what every learner knows for free: the dimension d, that the
// marginal of x is N(0, I_d), and the range of the labels. Expectations that
// do not involve the label are computed from the Setting (Setting.Expect)
// and never cost a query.
type Setting struct {
	D                  int     // dimension of x
	LabelMin, LabelMax float64 // labels lie in [LabelMin, LabelMax]; [0, 1] in GKK19's model
}

// ErrSetting is the sentinel of invalid settings.
var ErrSetting = errors.New("sq: invalid setting")

// NewSetting returns the setting of GKK19: dimension d, x ~ N(0, I_d), labels
// in [0, 1].
func NewSetting(d int) (Setting, error) {
	s := Setting{D: d, LabelMin: 0, LabelMax: 1}
	return s, s.Validate()
}

// Validate checks d >= 1 and a non-empty label range (infinite ends allowed,
// for labels with Gaussian noise).
func (s Setting) Validate() error {
	if s.D < 1 {
		return fmt.Errorf("%w: dimension d = %d, want d >= 1", ErrSetting, s.D)
	}
	if math.IsNaN(s.LabelMin) || math.IsNaN(s.LabelMax) || s.LabelMin > s.LabelMax {
		return fmt.Errorf("%w: label range [%v, %v] is empty", ErrSetting, s.LabelMin, s.LabelMax)
	}
	return nil
}

// Expect writes E[phi(x)] into out[:q.Dim] for a label-free query (one for
// which q.LabelFree() holds), from the closed forms of theory §2.1 and, for
// ridge features of at most two rows, kink-aware quadrature (error below
// 1e-12). It returns an error wrapping ErrNotExact for a FeatFunc feature or
// a ridge feature with more than two rows, and ErrQuery if the query
// involves the label or does not fit dimension d.
func (s Setting) Expect(q *Query, out []float64) error {
	if err := q.Validate(s.D); err != nil {
		return err
	}
	if !q.LabelFree() {
		return fmt.Errorf("%w %q: the query involves the label; ask an oracle", ErrQuery, q.Name)
	}
	if len(out) < q.Dim {
		return fmt.Errorf("%w %q: output has length %d, want %d", ErrQuery, q.Name, len(out), q.Dim)
	}
	out = out[:q.Dim]
	for i := range out {
		out[i] = 0
	}
	tmp := make([]float64, q.Dim)
	for j := range q.Terms {
		t := &q.Terms[j]
		if err := FeatureMean(&t.Feature, s.D, tmp); err != nil {
			return fmt.Errorf("query %q term %d: %w", q.Name, j, err)
		}
		for i := range out {
			out[i] += t.Coef * tmp[i]
		}
	}
	return nil
}

// FeatureMean writes E[h(x)], x ~ N(0, I_d), into out[:f.Dim(d)]. See
// Setting.Expect for what it can compute.
func FeatureMean(f *Feature, d int, out []float64) error {
	out = out[:f.Dim(d)]
	switch f.Kind {
	case FeatOne:
		out[0] = 1
	case FeatRelu:
		out[0] = gauss.ReluMean(f.W)
	case FeatRelu2:
		out[0] = gauss.ReluSecond(f.W)
	case FeatStep:
		if normOf(f.W) > 0 {
			out[0] = 0.5
		} else {
			out[0] = 0
		}
	case FeatLinear:
		for i := range out {
			out[i] = 0
		}
	case FeatStepX:
		gauss.StepX(f.W, out)
	case FeatReluX:
		gauss.ReluX(f.W, out)
	case FeatReluRows:
		for i, row := range f.U {
			out[i] = gauss.ReluMean(row)
		}
	case FeatHermite:
		out[0] = 1
		for _, deg := range f.Deg {
			if deg != 0 {
				out[0] = 0
			}
		}
	case FeatRidge:
		return ridgeMean(f, d, out)
	default:
		return fmt.Errorf("%w: feature %s has no closed form or quadrature", ErrNotExact, f.Kind)
	}
	return nil
}

// ridgeMean computes E[g(U x)] (or E[g(U x) x]) for U of at most two rows, by
// writing U x in an orthonormal basis of the row space of U.
func ridgeMean(f *Feature, d int, out []float64) error {
	basis, coef := Orthonormalize(f.U)
	k := len(basis)
	if k > 2 {
		return fmt.Errorf("%w: ridge feature %q spans %d directions, quadrature handles at most 2", ErrNotExact, f.Name, k)
	}
	r := len(f.U)
	z := make([]float64, r)
	// z_i = sum_b coef[i][b] * zeta_b, zeta ~ N(0, I_k).
	eval := func(zeta []float64) float64 {
		for i := 0; i < r; i++ {
			z[i] = 0
			for b := 0; b < k; b++ {
				z[i] += coef[i][b] * zeta[b]
			}
		}
		return f.G(z)
	}
	kinks := ridgeKinks(f.Kinks, coef, k)
	nOut := 1
	if f.TimesX {
		nOut = k
	}
	val := make([]float64, nOut)
	zeta := make([]float64, 2)
	fn := func(z1, z2 float64, o []float64) {
		zeta[0], zeta[1] = z1, z2
		g := eval(zeta[:k])
		if f.TimesX {
			for b := 0; b < k; b++ {
				o[b] = g * zeta[b]
			}
		} else {
			o[0] = g
		}
	}
	switch k {
	case 0:
		fn(0, 0, val)
		if f.TimesX {
			val = val[:0]
		}
	case 1:
		var breaks []float64
		for _, kk := range kinks {
			if kk.A1 != 0 {
				breaks = append(breaks, kk.C/kk.A1)
			}
		}
		gauss.Expect1Vec(func(z float64, o []float64) { fn(z, 0, o) }, nOut, breaks, 1e-13, val)
	case 2:
		gauss.Expect2Vec(fn, nOut, kinks, 1e-13, val)
	}
	if !f.TimesX {
		out[0] = val[0]
		return nil
	}
	for i := range out {
		out[i] = 0
	}
	for b := 0; b < k; b++ {
		axpy(val[b], basis[b], out)
	}
	return nil
}

// ridgeKinks maps the kinks of g (values c of z_i = U_i x) to lines in the
// coordinates zeta of the orthonormal basis: z_i = coef[i] . zeta = c.
func ridgeKinks(kinks [][]float64, coef [][]float64, k int) []gauss.Kink {
	var out []gauss.Kink
	for i, ks := range kinks {
		if i >= len(coef) {
			break
		}
		for _, c := range ks {
			var kk gauss.Kink
			if k > 0 {
				kk.A1 = coef[i][0]
			}
			if k > 1 {
				kk.A2 = coef[i][1]
			}
			kk.C = c
			if kk.A1 != 0 || kk.A2 != 0 {
				out = append(out, kk)
			}
		}
	}
	return out
}

// Orthonormalize returns an orthonormal basis (rows) of the span of rows, by
// modified Gram–Schmidt with re-orthogonalization, dropping directions whose
// remaining norm is below 1e-12 of the row's norm, and the coefficients
// coef[i][b] = rows[i] . basis[b], so that rows[i] = sum_b coef[i][b] basis[b].
// A row whose squared norm leaves [2^-900, 2^900] (entries near the float64
// range, 1e154 and beyond, whose squared norm overflows, or near its bottom)
// is divided by its largest entry before any square is formed, so it keeps
// its direction; other rows are used as given (the results are unchanged bit
// for bit). A row with a non-finite entry is dropped (it has no direction).
func Orthonormalize(rows [][]float64) (basis, coef [][]float64) {
	for _, r := range rows {
		mx := maxAbsOf(r)
		if mx == 0 || math.IsNaN(mx) || math.IsInf(mx, 0) {
			continue
		}
		v := append([]float64(nil), r...)
		if ss := dot(v, v); !(ss >= 0x1p-900 && ss <= 0x1p900) {
			for i := range v {
				v[i] /= mx
			}
		}
		n0 := normOf(v)
		for pass := 0; pass < 2; pass++ {
			for _, b := range basis {
				axpy(-dot(v, b), b, v)
			}
		}
		n := normOf(v)
		if n <= 1e-12*n0 {
			continue
		}
		for i := range v {
			v[i] /= n
		}
		basis = append(basis, v)
	}
	coef = make([][]float64, len(rows))
	for i, r := range rows {
		coef[i] = make([]float64, len(basis))
		mx := maxAbsOf(r)
		if mx == 0 || math.IsNaN(mx) || math.IsInf(mx, 0) {
			continue
		}
		for b, e := range basis {
			// mx * (r/mx . e): the same value as r . e, without overflow
			// of the partial sums for entries near the float64 range.
			c := dot(r, e)
			if math.IsInf(c, 0) || math.IsNaN(c) || math.Abs(c) < 0x1p-900 {
				s := 0.0
				for j, x := range r {
					s += x / mx * e[j]
				}
				c = mx * s
			}
			coef[i][b] = c
		}
	}
	return basis, coef
}

// maxAbsOf returns max_i |r_i| (NaN if an entry is NaN).
func maxAbsOf(r []float64) float64 {
	m := 0.0
	for _, x := range r {
		if a := math.Abs(x); a > m || math.IsNaN(a) {
			m = a
		}
	}
	return m
}
