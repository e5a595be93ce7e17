package oracle

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

// badWorld answers every query with the value v and error bound eb, and
// samples labels v (its examples are standard normal).
type badWorld struct {
	d     int
	v, eb float64
}

func (w badWorld) Setting() sq.Setting { return sq.Setting{D: w.d, LabelMin: -1, LabelMax: 1} }
func (w badWorld) Sample(r *rand.Rand, x, y []float64) {
	for i := range x {
		x[i] = r.NormFloat64()
	}
	for i := range y {
		y[i] = w.v
	}
}
func (w badWorld) Expect(q *sq.Query, out []float64) (float64, error) {
	for i := range out[:q.Dim] {
		out[i] = w.v
	}
	return w.eb, nil
}

func realizable(t *testing.T, d int) *world.Model {
	t.Helper()
	w := make([]float64, d)
	for i := range w {
		w[i] = 1 / math.Sqrt(float64(d)) * float64(1+i%3) / 2
	}
	m, err := world.Realizable(w)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestNilConstructors: these panicked; they are errors wrapping ErrOracle.
func TestNilConstructors(t *testing.T) {
	q := sq.LabelMoment(1)
	ans := make([]float64, 1)
	var nilModel *world.Model
	for name, o := range map[string]sq.Oracle{
		"Exact(nil)":            Exact(nil),
		"Exact(typed nil)":      Exact(nilModel),
		"Noisy(nil)":            Noisy(nil, Uniform, 1),
		"Chain(nil)":            Chain(nil),
		"Chain(nil, mw)":        Chain(nil, WithCache(), WithBudget(sq.Budget{})),
		"Chain(exact, nil mw)":  Chain(Exact(nil), nil),
		"Exact(d = 0 world)":    Exact(badWorld{d: 0}),
		"Noisy(d = -1 world)":   Noisy(badWorld{d: -1}, GaussianClipped, 1),
		"Chain(nil) in ledger":  Chain(nil, WithLedger(sq.NewLedger())),
		"Chain(nil) in classes": Chain(nil, WithClasses(sq.Correlational)),
	} {
		t.Run(name, func(t *testing.T) {
			if err := o.Answer(q, 0.1, ans); !errors.Is(err, ErrOracle) {
				t.Errorf("Answer: err = %v, want ErrOracle", err)
			}
		})
	}
	good := realizable(t, 3)
	for name, f := range map[string]func() error{
		"Adversarial(nil, w)": func() error { _, err := Adversarial(nil, good); return err },
		"Adversarial(w, nil)": func() error { _, err := Adversarial(good, nil); return err },
		"Adversarial(d mismatch)": func() error {
			_, err := Adversarial(good, realizable(t, 4))
			return err
		},
		"Sample(nil)":        func() error { _, err := Sample(nil, SampleOptions{}); return err },
		"Sample(delta NaN)":  func() error { _, err := Sample(good, SampleOptions{Delta: math.NaN()}); return err },
		"NewPool(nil, 10)":   func() error { _, err := NewPool(nil, 10, 1); return err },
		"NewPool(w, 0)":      func() error { _, err := NewPool(good, 0, 1); return err },
		"FromPool(nil)":      func() error { _, err := FromPool(nil, PoolOptions{}); return err },
		"VSTAT(nil, 100)":    func() error { _, err := VSTAT(nil, 100, 1); return err },
		"VSTAT(w, NaN)":      func() error { _, err := VSTAT(good, math.NaN(), 1); return err },
		"VSTAT(w, +Inf)":     func() error { _, err := VSTAT(good, math.Inf(1), 1); return err },
		"FromPool(delta 2)":  func() error { p, _ := NewPool(good, 8, 1); _, err := FromPool(p, PoolOptions{Delta: 2}); return err },
		"Adversarial(d = 0)": func() error { _, err := Adversarial(badWorld{d: 0}, badWorld{d: 0}); return err },
	} {
		t.Run(name, func(t *testing.T) {
			if err := f(); !errors.Is(err, ErrOracle) {
				t.Errorf("err = %v, want ErrOracle", err)
			}
		})
	}
	t.Run("nil query", func(t *testing.T) {
		for _, o := range []sq.Oracle{Exact(good), Noisy(good, Uniform, 1)} {
			if err := o.Answer(nil, 0.1, ans); !errors.Is(err, sq.ErrQuery) {
				t.Errorf("%s: Answer(nil): err = %v, want sq.ErrQuery", o.Name(), err)
			}
		}
	})
}

// TestNonFiniteAnswers: a world's NaN error bound passed the exact oracle
// (eb > tau is false for NaN) with a NaN answer and a nil error. Every
// oracle refuses a non-finite answer or bound.
func TestNonFiniteAnswers(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	good := badWorld{d: 2, v: 0.25, eb: 0}
	q := sq.LabelMoment(1)
	bq := &sq.Query{Name: "1{y>0}", Class: sq.Boolean | sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	for _, bw := range []badWorld{{d: 2, v: 0.25, eb: nan}, {d: 2, v: nan, eb: 0}, {d: 2, v: inf, eb: 0}, {d: 2, v: -inf, eb: 0}, {d: 2, v: 0.25, eb: inf}, {d: 2, v: 0.25, eb: -1}} {
		adv1, _ := Adversarial(bw, good)
		adv2, _ := Adversarial(good, bw)
		vs, _ := VSTAT(bw, 100, 1)
		t.Run(fmt.Sprintf("value=%v,bound=%v", bw.v, bw.eb), func(t *testing.T) {
			for _, o := range []struct {
				name string
				o    sq.Oracle
			}{{"exact", Exact(bw)}, {"uniform noise", Noisy(bw, Uniform, 1)}, {"clipped Gaussian noise", Noisy(bw, GaussianClipped, 1)},
				{"adversary on the bad world", adv1}, {"adversary with the bad world as reference", adv2}} {
				t.Run(o.name, func(t *testing.T) {
					if err := o.o.Answer(q, 0.1, make([]float64, 1)); !errors.Is(err, ErrOracle) || !errors.Is(err, sq.ErrNotExact) {
						t.Errorf("%s: err = %v, want ErrOracle and ErrNotExact", o.o.Name(), err)
					}
				})
			}
			t.Run("vstat", func(t *testing.T) {
				if err := vs.Answer(bq, 0.1, make([]float64, 1)); !errors.Is(err, ErrOracle) && !errors.Is(err, sq.ErrNotExact) {
					t.Errorf("err = %v", err)
				}
			})
		})
	}
	// Sampled NaN or infinite labels: the sample and pool oracles refuse
	// the mean.
	for _, v := range []float64{nan, inf} {
		t.Run(fmt.Sprintf("sampled labels %v", v), func(t *testing.T) {
			sampledNonFinite(t, v, q)
		})
	}
}

// sampledNonFinite checks that the sample and pool oracles refuse the mean
// of labels that are all v.
func sampledNonFinite(t *testing.T, v float64, q *sq.Query) {
	bw := badWorld{d: 2, v: v}
	s, err := Sample(bw, SampleOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(q, 0.2, make([]float64, 1)); err == nil {
		t.Errorf("sample oracle on labels %v: no error", v)
	}
	p, err := NewPool(bw, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	po, _ := FromPool(p, PoolOptions{})
	if err := po.Answer(q, 0.2, make([]float64, 1)); err == nil {
		t.Errorf("pool oracle on labels %v: no error", v)
	}
	p.Close()
}

// TestEuclideanTinyTau: the noise and adversarial oracles pulled a
// Euclidean answer back by a factor 1 - 2^-40 per step (3.4 s at tau =
// 1e-13, hours at 1e-15). The pull-back is bounded now; every answer is
// within tau of the exact one in Euclidean norm.
func TestEuclideanTinyTau(t *testing.T) {
	d := 6
	truth := realizable(t, d)
	ref, err := world.Realizable(make([]float64, d))
	if err != nil {
		t.Fatal(err)
	}
	q := sq.Chow(d)
	q.TolNorm = sq.EuclidNorm
	exact := make([]float64, d)
	if _, err := truth.Expect(q, exact); err != nil {
		t.Fatal(err)
	}
	for _, tau := range []float64{1e-3, 1e-13, 1e-15, 1e-17, 1e-300} {
		adv, _ := Adversarial(truth, ref)
		for _, o := range []sq.Oracle{Noisy(truth, Uniform, 3), Noisy(truth, GaussianClipped, 3), adv} {
			t.Run(fmt.Sprintf("euclid,tau=%g,%s", tau, o.Name()), func(t *testing.T) {
				for rep := 0; rep < 20; rep++ {
					ans := make([]float64, d)
					if err := o.Answer(q, tau, ans); err != nil {
						t.Fatalf("rep %d: %v", rep, err)
					}
					if e := euclid(ans, exact); !(e <= tau) {
						t.Fatalf("rep %d: answer %.3g from the truth", rep, e)
					}
				}
			})
		}
	}
	// Coordinate tolerance at a tau far below the answers' ulp.
	q2 := sq.Chow(d)
	for _, o := range []sq.Oracle{Noisy(truth, Uniform, 3), Noisy(truth, GaussianClipped, 3)} {
		t.Run("coord,tau=1e-300,"+o.Name(), func(t *testing.T) {
			ans := make([]float64, d)
			if err := o.Answer(q2, 1e-300, ans); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(exact, ans, cmpopts.EquateApprox(0, 1e-300)); diff != "" {
				t.Errorf("answer more than 1e-300 from the exact one (-exact +answer):\n%s", diff)
			}
		})
	}
}

// TestHermiteDegreeLimit: a Hermite correlation of degree 1e9 made the
// exact and sample oracles loop for hours. Every oracle refuses it up front
// (or, below the oracle, the world answers NaN at once, which the oracle
// refuses), naming the limit.
func TestHermiteDegreeLimit(t *testing.T) {
	m := realizable(t, 3)
	q := sq.HermiteCorr([]int{0, 1}, []int{1e9, 1})
	s, _ := Sample(m, SampleOptions{})
	p, err := NewPool(m, 64, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	po, _ := FromPool(p, PoolOptions{})
	adv, _ := Adversarial(m, m)
	for _, o := range []sq.Oracle{Exact(m), Noisy(m, Uniform, 1), adv, s, po} {
		t.Run(o.Name(), func(t *testing.T) {
			err := o.Answer(q, 0.1, make([]float64, 1))
			if err == nil {
				t.Fatal("degree 1e9 answered")
			}
			if !errors.Is(err, sq.ErrQuery) && !(errors.Is(err, ErrOracle) && strings.Contains(err.Error(), "4096")) {
				t.Errorf("err = %v, want one naming the limit %d", err, gauss.MaxHermiteDegree)
			}
		})
	}
}

// TestNilQueryEverywhere: a nil query is an error (or the zero plan),
// never a panic, in every oracle of the package.
func TestNilQueryEverywhere(t *testing.T) {
	m := realizable(t, 3)
	s, _ := Sample(m, SampleOptions{})
	p, err := NewPool(m, 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	po, _ := FromPool(p, PoolOptions{})
	adv, _ := Adversarial(m, m)
	vs, _ := VSTAT(m, 100, 1)
	for _, o := range []sq.Oracle{Exact(m), Noisy(m, Uniform, 1), adv, vs, s, po, Replay(nil)} {
		t.Run(o.Name(), func(t *testing.T) {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("Answer(nil) panicked: %v", r)
				}
			}()
			if err := o.Answer(nil, 0.1, make([]float64, 1)); err == nil {
				t.Errorf("Answer(nil) succeeded")
			}
		})
	}
	if pl := SampleSize(nil, 0.1, 0.01); pl.N() != 0 {
		t.Errorf("SampleSize(nil) = %+v", pl)
	}
}
