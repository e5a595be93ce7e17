package world

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// TestHugeWeightsRefused: w* with entries >= 1e154 overflowed the squared
// norm; sq.Orthonormalize dropped the direction and clipped worlds answered
// E[y] = 0. Norms above MaxNorm are refused, naming the value and the limit.
func TestHugeWeightsRefused(t *testing.T) {
	w := []float64{1e154, 1e154}
	for name, f := range map[string]func() error{
		"realizable": func() error { _, err := Realizable(w); return err },
		"clipped":    func() error { _, err := Clipped(w, 1); return err },
		"agnostic":   func() error { _, err := Corrupted(w, 0.1, CorruptFlip); return err },
		"halfspace":  func() error { _, err := Halfspace(w, 0.1); return err },
		"noise sd":   func() error { _, err := Noisy([]float64{1, 0}, Noise{Kind: Gaussian, Param: 1e200}); return err },
		"kink NaN": func() error {
			_, err := MultiIndex("m", [][]float64{{1, 0}}, func(s []float64) float64 { return s[0] }, []Hyper{{A: []float64{1}, C: math.NaN()}}, Noise{}, -10, 10)
			return err
		},
		"kink coefficient Inf": func() error {
			_, err := MultiIndex("m", [][]float64{{1, 0}}, func(s []float64) float64 { return s[0] }, []Hyper{{A: []float64{math.Inf(1)}, C: 0}}, Noise{}, -10, 10)
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := f()
			if !errors.Is(err, ErrModel) {
				t.Fatalf("err = %v, want ErrModel", err)
			}
		})
	}
	_, err := Clipped(w, 1)
	if !strings.Contains(err.Error(), "1.41e+154") || !strings.Contains(err.Error(), "1e+150") {
		t.Errorf("error %q does not name the norm and the limit", err)
	}
	// Just below the limit the clipped world keeps its direction: E[y] is
	// P[w*.x > 0] * 1 (the clip is reached at once) = 1/2, up to the
	// tiny mass of 0 < w*.x < 1.
	m, err := Clipped([]float64{7e149, 7e149}, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	if _, err := m.Expect(sq.LabelMoment(1), out[:]); err != nil || math.Abs(out[0]-0.5) > 1e-12 {
		t.Errorf("E[y] = %v, %v; want 1/2", out[0], err)
	}
}

// TestOrthonormalizeHuge: directions of entries 1e154..1e300 (and 1e-300)
// are kept, with unit basis vectors and coefficients of the row's size.
func TestOrthonormalizeHuge(t *testing.T) {
	for _, s := range []float64{1e-300, 1e154, 1e200, 1e300} {
		t.Run(fmt.Sprintf("scale=%g", s), func(t *testing.T) {
			rows := [][]float64{{s, s}, {s, -2 * s}}
			basis, coef := sq.Orthonormalize(rows)
			if len(basis) != 2 {
				t.Fatalf("scale %g: %d basis vectors, want 2", s, len(basis))
			}
			for b, e := range basis {
				if n := math.Hypot(e[0], e[1]); math.Abs(n-1) > 1e-15 {
					t.Errorf("scale %g: basis %d has norm %v", s, b, n)
				}
			}
			// rows[i] = sum_b coef[i][b] basis[b].
			for i, r := range rows {
				for j := range r {
					v := 0.0
					for b := range basis {
						v += coef[i][b] * basis[b][j]
					}
					if math.Abs(v-r[j]) > 1e-14*s {
						t.Errorf("scale %g: row %d entry %d reconstructs to %v, want %v", s, i, j, v, r[j])
					}
				}
			}
		})
	}
	// A non-finite row has no direction.
	if basis, _ := sq.Orthonormalize([][]float64{{math.NaN(), 1}, {1, 0}}); len(basis) != 1 {
		t.Errorf("NaN row: %d basis vectors, want 1", len(basis))
	}
}

// TestLossUnrepresentable: a loss beyond the float64 range is an error,
// never +Inf with error bound 0.
func TestLossUnrepresentable(t *testing.T) {
	m, err := Realizable([]float64{1e150, 0})
	if err != nil {
		t.Fatal(err)
	}
	// The loss query's own bound (about 6 ||w||^2) overflows first: an
	// error either way, never +Inf with a bound of 0.
	if l, _, err := m.Loss([]float64{0, 1e200}); !errors.Is(err, ErrModel) && !errors.Is(err, sq.ErrQuery) {
		t.Errorf("Loss(1e200 at right angles) = %v: err = %v, want an error", l, err)
	}
	if _, _, err := m.Loss([]float64{math.NaN(), 0}); !errors.Is(err, ErrModel) || !strings.Contains(err.Error(), "w[0]") {
		t.Errorf("Loss(NaN): err = %v", err)
	}
	m, err = Realizable([]float64{1e50, 0})
	if err != nil {
		t.Fatal(err)
	}
	l, eb, err := m.Loss([]float64{1e50, 0})
	if err != nil || l != 0 || eb != 0 {
		t.Errorf("Loss(w*) = %v ± %v, %v; want 0", l, eb, err)
	}
	if _, err := gauss.ReluLossChecked([]float64{0, 1e200}, []float64{1e200, 0}, 0); !errors.Is(err, gauss.ErrRange) {
		t.Errorf("ReluLossChecked: err = %v, want ErrRange", err)
	}
	if v, err := gauss.ReluLossChecked([]float64{1, 0}, []float64{0, 1}, 0); err != nil || math.Abs(v-gauss.ReluLoss([]float64{1, 0}, []float64{0, 1}, 0)) != 0 {
		t.Errorf("ReluLossChecked = %v, %v", v, err)
	}
}

// TestOptRealizableClosedForm: a random unit w* whose norm rounds to
// 1.0000000000000002 skipped the closed form and reported opt = 3.3e-16
// (loss/opt ratios of 1e11). opt is now the closed form for every ReLU
// world: the noise variance for ||w*|| <= 1 (up to rounding), and
// (s - 1)^2/2 + variance at w*/s otherwise, checked here against the
// exact loss at w*/s and against the direction search of a generic model
// with the same labels.
func TestOptRealizableClosedForm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 50))
	found := false
	for it := 0; it < 2000 && !found; it++ {
		w := sq.RandomUnit(r, 50)
		if norm(w) <= 1 {
			continue
		}
		found = true
		m, err := Realizable(w)
		if err != nil {
			t.Fatal(err)
		}
		o, err := m.Opt()
		if err != nil {
			t.Fatal(err)
		}
		if o.Opt != 0 || o.Method != "closed form" || o.ErrBound > 1e-30 {
			t.Errorf("||w*|| = %.17g: opt = %v ± %v (%s), want 0", norm(w), o.Opt, o.ErrBound, o.Method)
		}
	}
	if !found {
		t.Skip("no random unit vector with norm above 1 found")
	}
	for _, s := range []float64{1.5, 3} {
		w := []float64{s * 0.6, s * 0.8, 0}
		for _, noise := range []Noise{{}, {Kind: Gaussian, Param: 0.3}} {
			t.Run(fmt.Sprintf("s=%g,noise=%v", s, noise), func(t *testing.T) {
				m, err := Noisy(w, noise)
				if err != nil {
					t.Fatal(err)
				}
				o, err := m.Opt()
				if err != nil {
					t.Fatal(err)
				}
				want := (s-1)*(s-1)/2 + noise.Variance()
				if math.Abs(o.Opt-want) > 1e-15*want {
					t.Errorf("s = %g: opt = %.17g, want %.17g", s, o.Opt, want)
				}
				l, _, err := m.Loss(o.W)
				if err != nil || math.Abs(l-o.Opt) > 1e-12 {
					t.Errorf("s = %g: loss at the minimizer %v, opt %v (%v)", s, l, o.Opt, err)
				}
				// The generic search over directions (same labels, no closed form).
				g, err := MultiIndex("relu", [][]float64{w}, func(z []float64) float64 { return math.Max(0, z[0]) }, []Hyper{{A: []float64{1}, C: 0}}, noise, 0, math.Inf(1))
				if err != nil {
					t.Fatal(err)
				}
				go2, err := g.Opt()
				if err != nil {
					t.Fatal(err)
				}
				if math.Abs(go2.Opt-want) > 1e-9 {
					t.Errorf("s = %g: generic search opt %.12g, closed form %.12g", s, go2.Opt, want)
				}
			})
		}
	}
}

// TestSampleShortBuffers: Model.Sample with x too short panicked; it
// draws the examples that fit and sets the other labels to NaN.
func TestSampleShortBuffers(t *testing.T) {
	m, err := Realizable([]float64{1, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float64, 7) // two rows of three, and one entry
	y := make([]float64, 4)
	m.Sample(rand.New(rand.NewPCG(1, 1)), x, y)
	for i, v := range y {
		if (i < 2) == math.IsNaN(v) {
			t.Errorf("y[%d] = %v", i, v)
		}
	}
	m.Sample(nil, x, y)
	for i, v := range y {
		if !math.IsNaN(v) {
			t.Errorf("nil generator: y[%d] = %v, want NaN", i, v)
		}
	}
}

// TestHermiteZeroDegreeNaN is issue 8's HermiteCorr([0, 1], [2, 0]) on a
// world whose w* is zero on coordinate 1: the single-index route formed
// 0 * log 0 = NaN; an explicit zero degree now changes nothing.
func TestHermiteZeroDegreeNaN(t *testing.T) {
	m, err := Realizable([]float64{0.6, 0, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	with := make([]float64, 1)
	without := make([]float64, 1)
	if _, err := m.Expect(sq.HermiteCorr([]int{0}, []int{2}), without); err != nil {
		t.Fatal(err)
	}
	eb, err := m.Expect(sq.HermiteCorr([]int{0, 1}, []int{2, 0}), with)
	if err != nil || math.IsNaN(with[0]) || math.IsNaN(eb) {
		t.Fatalf("Expect with an explicit zero degree: %v (bound %v, err %v)", with[0], eb, err)
	}
	if with[0] != without[0] {
		t.Errorf("with a zero degree %v, without %v: the explicit zero must change nothing", with[0], without[0])
	}
}
