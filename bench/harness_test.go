package bench

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

// hTruth is a test's own description of a single-index world, written from
// the definitions (theory §1, dist's doc comments), independent of the code
// in world: the conditional mean m(s) and variance v of the label given
// s = w*.x, the places where m is not smooth, and a sampler of the label.
type hTruth struct {
	mean   func(s float64) float64
	vari   float64
	breaks []float64 // values of s where mean is not smooth
	draw   func(r *rand.Rand, s float64) float64
}

func tRelu(s float64) float64 { return math.Max(s, 0) }

// tQuantile returns Phi^{-1}(0.5 + f) by bisection on the normal cdf (independent of
// the library's quantile).
func tQuantile(f float64) float64 {
	lo, hi := 0.0, 40.0
	for range 200 {
		mid := (lo + hi) / 2
		if 0.5*math.Erfc(-mid/math.Sqrt2)-0.5 < f {
			lo = mid
		} else {
			hi = mid
		}
	}
	return (lo + hi) / 2
}

func hTruthOf(t *testing.T, cfg Config, nw float64) hTruth {
	t.Helper()
	det := func(m func(float64) float64, breaks ...float64) hTruth {
		return hTruth{mean: m, breaks: breaks, draw: func(_ *rand.Rand, s float64) float64 { return m(s) }}
	}
	switch cfg.World {
	case "realizable":
		return det(tRelu, 0)
	case "noisy":
		sd := math.Sqrt(cfg.NoiseVar)
		return hTruth{mean: tRelu, vari: cfg.NoiseVar, breaks: []float64{0}, draw: func(r *rand.Rand, s float64) float64 { return tRelu(s) + sd*r.NormFloat64() }}
	case "clipped":
		c := cfg.Clip
		return det(func(s float64) float64 { return math.Min(c, tRelu(s)) }, 0, c)
	case "agnostic":
		base := func(s float64) float64 { return math.Min(1, tRelu(s)) }
		e := nw * tQuantile(cfg.Frac)
		switch cfg.Corruption {
		case "flip":
			return det(func(s float64) float64 {
				if s > 0 && s <= e {
					return 1 - base(s)
				}
				return base(s)
			}, 0, 1, e)
		case "zero":
			return det(func(s float64) float64 {
				if s > 0 && s <= e {
					return 0
				}
				return base(s)
			}, 0, 1, e)
		case "lift":
			return det(func(s float64) float64 {
				if s > -e && s <= 0 {
					return 1
				}
				return base(s)
			}, 0, 1, -e)
		}
	case "halfspace":
		eta := cfg.Eta
		step := func(s float64) float64 {
			if s > 0 {
				return 1
			}
			return 0
		}
		return hTruth{mean: func(s float64) float64 { return eta + (1-2*eta)*step(s) }, vari: eta * (1 - eta), breaks: []float64{0},
			draw: func(r *rand.Rand, s float64) float64 {
				if r.Float64() < eta {
					return 1 - step(s)
				}
				return step(s)
			}}
	}
	t.Fatalf("no independent truth for %+v", cfg)
	return hTruth{}
}

// hReluLoss2D is E[(relu(W.x) - y)^2] by two-dimensional quadrature in the
// plane of w* and W: z1 = w*^.x, z2 = e.x with e the unit part of W
// orthogonal to w*, W.x = a z1 + b z2.
func hReluLoss2D(W, wstar []float64, tr hTruth) float64 {
	nw := math.Sqrt(hDot(wstar, wstar))
	a := hDot(W, wstar) / nw
	b := math.Sqrt(math.Max(hDot(W, W)-a*a, 0))
	kinks := []gauss.Kink{{A1: a, A2: b}}
	for _, s := range tr.breaks {
		kinks = append(kinks, gauss.Kink{A1: 1, C: s / nw})
	}
	v, _ := gauss.Expect2(func(z1, z2 float64) float64 {
		e := tRelu(a*z1+b*z2) - tr.mean(nw*z1)
		return e * e
	}, kinks, 1e-13)
	return v + tr.vari
}

// hMonteCarlo is the mean of (h(x) - y)^2 over n examples drawn by the test
// itself, and its standard error.
func hMonteCarlo(h sq.Hypothesis, wstar []float64, tr hTruth, n int, seed uint64) (float64, float64) {
	r := rand.New(rand.NewPCG(seed, 0x7e57))
	x := make([]float64, len(wstar))
	var s1, s2 float64
	for range n {
		for i := range x {
			x[i] = r.NormFloat64()
		}
		e := h.Predict(x) - tr.draw(r, hDot(wstar, x))
		s1 += e * e
		s2 += e * e * e * e
	}
	m := s1 / float64(n)
	return m, math.Sqrt((s2/float64(n) - m*m) / float64(n))
}

// hTestWorlds are the worlds on which every learner's reported loss is
// checked.
func hTestWorlds(d int) []Config {
	var out []Config
	add := func(f func(c *Config)) {
		c := DefaultConfig()
		c.D, c.Seed = d, 3
		f(&c)
		out = append(out, c)
	}
	add(func(c *Config) { c.World = "realizable" })
	add(func(c *Config) { c.World, c.NoiseVar = "noisy", 0.09 })
	add(func(c *Config) { c.World, c.Clip = "clipped", 0.7 })
	add(func(c *Config) { c.World, c.Frac, c.Corruption = "agnostic", 0.15, "flip" })
	add(func(c *Config) { c.World, c.Frac, c.Corruption = "agnostic", 0.2, "zero" })
	add(func(c *Config) { c.World, c.Frac, c.Corruption = "agnostic", 0.25, "lift" })
	add(func(c *Config) { c.World, c.Eta = "halfspace", 0.15 })
	return out
}

// TestReportedLossIsExact: for every registered learner (learners.Names(),
// skipping none: learners added later are checked too) on every test world,
// the loss the harness reports equals the hypothesis' loss recomputed here
// independently: the closed form gauss.ReluLoss for ReLUs on the realizable
// and noisy worlds, this file's own two-dimensional quadrature for ReLUs on
// the others, and for every hypothesis (ReLU or not) a Monte Carlo estimate
// from this file's own sampler, within 5 standard errors.
func TestReportedLossIsExact(t *testing.T) {
	const d, nMC = 4, 60000
	names := learners.Names()
	if len(names) == 0 {
		t.Fatal("no registered learners")
	}
	for _, cfg := range hTestWorlds(d) {
		in, err := NewInstance(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ws := in.WStar()
		tr := hTruthOf(t, cfg, math.Sqrt(hDot(ws, ws)))
		for _, name := range names {
			l, tol, err := in.Learner(name, nil)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			res, err := in.RunLearner(l, tol)
			if err != nil {
				t.Errorf("%s on %v: %v", name, in.Describe(), err)
				continue
			}
			where := name + " on " + cfg.World + " " + cfg.Corruption
			if w := direction(res.Hypothesis); isReLU(res.Hypothesis) {
				if res.W == nil || len(res.W) != d || res.Kind != "relu" {
					t.Errorf("%s: ReLU hypothesis reported with w = %v, kind %q", where, res.W, res.Kind)
					continue
				}
				var want float64
				switch cfg.World {
				case "realizable":
					want = gauss.ReluLoss(res.W, ws, 0)
				case "noisy":
					want = gauss.ReluLoss(res.W, ws, cfg.NoiseVar)
				default:
					want = hReluLoss2D(res.W, ws, tr)
				}
				if math.Abs(res.Loss-want) > 1e-9+res.LossErr {
					t.Errorf("%s: reported loss %.15g, recomputed %.15g", where, res.Loss, want)
				}
				if a := gauss.Angle(w, ws); math.Abs(a-res.Angle) > 1e-12 {
					t.Errorf("%s: reported angle %g, recomputed %g", where, res.Angle, a)
				}
			} else if res.W != nil {
				t.Errorf("%s: non-ReLU hypothesis %T reported with weights", where, res.Hypothesis)
			}
			mc, se := hMonteCarlo(res.Hypothesis, ws, tr, nMC, 99)
			if math.Abs(res.Loss-mc) > 5*se+1e-9 {
				t.Errorf("%s (%s): reported loss %.6g, Monte Carlo %.6g +- %.2g", where, res.Kind, res.Loss, mc, se)
			}
			if res.Opt > 0 && math.Abs(res.Ratio-res.Loss/res.Opt) > 1e-12*res.Ratio {
				t.Errorf("%s: ratio %g, loss/opt %g", where, res.Ratio, res.Loss/res.Opt)
			}
		}
	}
}

// TestOptIsIndependent: the opt the harness reports, against this file's
// own computation. For noisy labels (w* of norm 1) it is the noise
// variance. For every world, its minimizer has the reported loss, and a
// scan of 721 directions u(th) = cos(th) w*^ + sin(th) e (the loss of a
// single-index world depends on u only through th) with the best norm in
// [0, 1] along each (theory §2.4: L(r u) = r^2/2 - 2 r m(u) + E[y^2]) finds
// nothing below opt and comes within the scan's resolution of it. Here
// m(th) = E[mean(s) E[relu(cos th z1 + sin th z2) | z1]] is a
// one-dimensional integral with the inner expectation in closed form.
func TestOptIsIndependent(t *testing.T) {
	for _, cfg := range hTestWorlds(3) {
		in, err := NewInstance(cfg)
		if err != nil {
			t.Fatal(err)
		}
		opt, err := in.Opt()
		if err != nil {
			t.Fatal(err)
		}
		ws := in.WStar()
		tr := hTruthOf(t, cfg, 1)
		if cfg.World == "noisy" && math.Abs(opt.Opt-cfg.NoiseVar) > 1e-15 {
			t.Errorf("noisy opt %g, want the noise variance %g", opt.Opt, cfg.NoiseVar)
		}
		if l := hReluLoss2D(opt.W, ws, tr); math.Abs(l-opt.Opt) > 1e-9 {
			t.Errorf("%v: opt %g, but its minimizer has loss %g", in.Describe(), opt.Opt, l)
		}
		ey2, _ := gauss.Expect1(func(z float64) float64 { m := tr.mean(z); return m * m }, tr.breaks, 1e-14)
		ey2 += tr.vari
		best := math.Inf(1)
		for i := 0; i <= 720; i++ {
			th := math.Pi * float64(i) / 720
			c, sn := math.Cos(th), math.Sin(th)
			m, _ := gauss.Expect1(func(z float64) float64 {
				inner := tRelu(c * z)
				if sn > 0 {
					a := c * z / sn
					inner = sn * (a*gauss.Cdf(a) + gauss.Pdf(a))
				}
				return tr.mean(z) * inner
			}, append([]float64{0}, tr.breaks...), 1e-14)
			r := math.Min(1, math.Max(0, 2*m))
			l := r*r/2 - 2*r*m + ey2
			best = math.Min(best, l)
			if l < opt.Opt-1e-9 {
				t.Errorf("%v: direction at angle %g with norm %g has loss %g < opt %g", in.Describe(), th, r, l, opt.Opt)
			}
		}
		if best-opt.Opt > 1e-4 {
			t.Errorf("%v: the scan's best %g is far above opt %g", in.Describe(), best, opt.Opt)
		}
	}
}

// TestConfigErrors: invalid configurations fail with ErrConfig (and the
// underlying sentinel) and name the bad value.
func TestConfigErrors(t *testing.T) {
	cases := []struct {
		mut  func(c *Config)
		want string
	}{
		{func(c *Config) { c.D = 0 }, "d = 0"},
		{func(c *Config) { c.D = MaxDim + 1 }, "100001"},
		{func(c *Config) { c.World = "flat" }, `"flat"`},
		{func(c *Config) { c.Oracle = "psychic" }, `"psychic"`},
		{func(c *Config) { c.Tol = -1 }, "-1"},
		{func(c *Config) { c.Tol = math.NaN() }, "NaN"},
		{func(c *Config) { c.Delta = 2; c.Oracle = "sample" }, "delta = 2"},
		{func(c *Config) { c.Noise = "pink" }, `"pink"`},
		{func(c *Config) { c.WStar = []float64{1, 2} }, "2 entries"},
		{func(c *Config) { c.WStar = []float64{1, math.Inf(1), 0, 0, 0, 0, 0, 0, 0, 0} }, "+Inf"},
		{func(c *Config) { c.World, c.Clip = "clipped", 0 }, "clip level C = 0"},
		{func(c *Config) { c.World, c.NoiseVar = "noisy", -0.1 }, "-0.1"},
		{func(c *Config) { c.World, c.LabelNoise = "noisy", "cauchy" }, `"cauchy"`},
		{func(c *Config) { c.World, c.Frac = "agnostic", 0.7 }, "0.7"},
		{func(c *Config) { c.World, c.Frac, c.Corruption = "agnostic", 0.6, "lift" }, "0.6"},
		{func(c *Config) { c.World, c.Corruption = "agnostic", "melt" }, `"melt"`},
		{func(c *Config) { c.World, c.Eta = "halfspace", -0.5 }, "-0.5"},
	}
	for _, c := range cases {
		cfg := DefaultConfig()
		c.mut(&cfg)
		_, err := Run(cfg)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: error %v, want ErrConfig naming %s", cfg, err, c.want)
		}
	}
	cfg := DefaultConfig()
	cfg.Learner = "oracle-peeker"
	if _, err := Run(cfg); !errors.Is(err, ErrConfig) || !errors.Is(err, learners.ErrUnknown) {
		t.Errorf("unknown learner: %v", err)
	}
	cfg = DefaultConfig()
	cfg.Options = learners.Options{"steps": "many"}
	if _, err := Run(cfg); !errors.Is(err, ErrConfig) || !errors.Is(err, learners.ErrOption) || !strings.Contains(err.Error(), "many") {
		t.Errorf("bad option: %v", err)
	}
	cfg = DefaultConfig()
	cfg.Tol, cfg.Options = 1e-3, learners.Options{"tol": "1e-4"}
	if _, err := Run(cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("tolerance given twice: %v", err)
	}
	cfg = DefaultConfig()
	cfg.Oracle, cfg.Model = "adversarial", hRealizable(t, []float64{1, 0})
	if _, err := Run(cfg); !errors.Is(err, ErrConfig) {
		t.Errorf("adversarial with a caller's model: %v", err)
	}
}

func hRealizable(t *testing.T, w []float64) *world.Model {
	m, err := world.Realizable(w)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestTolerancePassing: the instance's tolerance reaches the learner as its
// option tol (the ledger records it); a learner without a tol option runs
// with its own when the tolerance is the oracle's default.
func TestTolerancePassing(t *testing.T) {
	for _, c := range []struct {
		oracle string
		tol    float64
		want   float64
	}{{"exact", 0, 1e-6}, {"noise", 0, 1e-3}, {"adversarial", 0, 1e-3}, {"sample", 0, 0.05}, {"noise", 2e-3, 2e-3}} {
		cfg := DefaultConfig()
		cfg.D, cfg.Oracle, cfg.Tol, cfg.Learner, cfg.Records = 3, c.oracle, c.tol, "chow", true
		res, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		e := res.Ledger.Entries()
		if res.Tol != c.want || len(e) != 1 || e[0].Tol != c.want {
			t.Errorf("%s tol %g: result tol %g, ledger %v; want %g", c.oracle, c.tol, res.Tol, e, c.want)
		}
	}
	cfg := DefaultConfig()
	cfg.D, cfg.Use = 3, &hNoTol{}
	res, err := Run(cfg)
	if err != nil || res.Tol != 0.25 {
		t.Errorf("learner with its own tolerance: tol %g, %v; want 0.25 from the ledger", res.Tol, err)
	}
}

// hNoTol asks E[y x] at its own tolerance 0.25 and returns relu(2 E[y x].x).
type hNoTol struct{}

func (hNoTol) Name() string { return "notol" }
func (hNoTol) Learn(s *sq.Session) (sq.Hypothesis, error) {
	c, err := s.AskVec(sq.Chow(s.Setting.D), 0.25, nil)
	for i := range c {
		c[i] *= 2
	}
	return sq.ReLU{W: c}, err
}

// TestStackAndLedger: the oracle stack is ledger(budget(base)), the budget
// stops a learner with a typed error and a partial result, and the trace
// streams one JSON line per answered query after its header.
func TestStackAndLedger(t *testing.T) {
	for o, want := range map[string]string{"exact": "ledger(exact)", "noise": "ledger(noise(uniform))", "adversarial": "ledger(adversarial)", "sample": "ledger(sample(delta=0.01))"} {
		cfg := DefaultConfig()
		cfg.D, cfg.Oracle, cfg.Learner = 3, o, "chow"
		res, err := Run(cfg)
		if err != nil || res.Oracle != want {
			t.Errorf("%s: oracle %q, %v; want %q", o, res.Oracle, err, want)
		}
	}
	var buf bytes.Buffer
	cfg := DefaultConfig()
	cfg.D, cfg.Budget, cfg.Trace = 4, sq.Budget{MaxQueries: 7}, &buf
	res, err := Run(cfg)
	if !errors.Is(err, sq.ErrBudget) || res.Summary.Queries != 7 || res.Oracle != "ledger(budget(exact))" {
		t.Errorf("budget: %v, %d queries, oracle %q; want ErrBudget after 7 queries", err, res.Summary.Queries, res.Oracle)
	}
	entries, err := sq.ReadTrace(&buf)
	if err != nil || len(entries) != 7 {
		t.Errorf("trace: %d entries, %v; want 7", len(entries), err)
	}
}

// TestReference: the adversary's reference has w*'s norm and is orthogonal
// to it (the mirror -w* in d = 1); the reference world's labels have the
// same distribution (same E[y], E[y^2]) and E[y x] along the reference.
func TestReference(t *testing.T) {
	ws := RandomUnit(5, 6)
	for i := range ws {
		ws[i] *= 1.7
	}
	ref := Reference(ws, 5)
	if math.Abs(hDot(ref, ws)) > 1e-12 || math.Abs(math.Sqrt(hDot(ref, ref))-1.7) > 1e-12 {
		t.Errorf("reference %v: w*.ref = %g, ||ref|| = %g; want 0 and 1.7", ref, hDot(ref, ws), math.Sqrt(hDot(ref, ref)))
	}
	if r := Reference([]float64{0.4}, 1); r[0] != -0.4 {
		t.Errorf("d = 1 reference %v, want -w*", r)
	}
	if r := Reference([]float64{0, 0}, 1); r[0] != 0 || r[1] != 0 {
		t.Errorf("reference of w* = 0: %v", r)
	}
	a, _ := world.Clipped(ws, 1)
	b, _ := world.Clipped(ref, 1)
	for _, q := range []*sq.Query{sq.LabelMoment(1), sq.LabelMoment(2)} {
		var va, vb [1]float64
		a.Expect(q, va[:])
		b.Expect(q, vb[:])
		if math.Abs(va[0]-vb[0]) > 1e-12 {
			t.Errorf("%s: truth %g, reference %g", q.Name, va[0], vb[0])
		}
	}
}

// TestScoreMonteCarloFallback: a hypothesis the harness knows nothing about
// is scored by Monte Carlo, with the method and a 4-standard-error bound
// stated, and agrees with the exact loss of the same predictor.
func TestScoreMonteCarloFallback(t *testing.T) {
	ws := []float64{0.6, 0.8, 0}
	m := hRealizable(t, ws)
	w := []float64{0.5, 0.5, 0.5}
	sc, err := Score(m, hOpaque{sq.ReLU{W: w}}, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := gauss.ReluLoss(w, ws, 0)
	if !strings.HasPrefix(sc.Method, "monte carlo") || math.Abs(sc.Loss-want) > sc.ErrBound || sc.ErrBound > 0.01 {
		t.Errorf("Monte Carlo score %g +- %g (%s), exact %g", sc.Loss, sc.ErrBound, sc.Method, want)
	}
	if _, err := Score(m, sq.ReLU{W: []float64{1}}, 1); err == nil {
		t.Error("a ReLU of the wrong dimension was scored")
	}
}

// hOpaque hides the type of a hypothesis.
type hOpaque struct{ h sq.Hypothesis }

func (o hOpaque) Predict(x []float64) float64 { return o.h.Predict(x) }

// TestConfigMinTol: a tolerance floor answers every query asked below it at
// the floor: each ledger entry records the asked tolerance and an effective
// one >= the floor, and the ledger's costs are those of a run asked at the
// floor itself (the same queries at the same effective tolerance).
func TestConfigMinTol(t *testing.T) {
	const floor = 1e-3
	for _, name := range []string{"chow", "refit", "gd"} {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Learner, cfg.D, cfg.Tol, cfg.MinTol = name, 6, 1e-6, floor
			cfg.Options = learners.Options{}
			if name == "gd" {
				cfg.Options["steps"] = "5"
			}
			res, err := Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.MinTol != floor || res.Tol != 1e-6 || !strings.Contains(res.Oracle, "floor[0.001]") {
				t.Errorf("result: min tol %v, tol %v, oracle %s", res.MinTol, res.Tol, res.Oracle)
			}
			for i, e := range res.Ledger.Entries() {
				if e.Tol != 1e-6 || e.EffectiveTol() < floor {
					t.Errorf("entry %d (%s): asked %v, effective %v; want asked 1e-6, effective >= %v", i, e.Name, e.Tol, e.EffectiveTol(), floor)
				}
			}
			at := cfg
			at.Tol, at.MinTol = floor, 0
			want, err := Run(at)
			if err != nil {
				t.Fatal(err)
			}
			if res.Summary.Cost != want.Summary.Cost || res.Summary.SumInvTau2 != want.Summary.SumInvTau2 || res.Summary.Queries != want.Summary.Queries {
				t.Errorf("summary under the floor %+v, asked at the floor %+v", res.Summary, want.Summary)
			}
		})
	}
	t.Run("bad floor", func(t *testing.T) {
		for _, v := range []float64{-1, math.NaN(), math.Inf(1)} {
			cfg := DefaultConfig()
			cfg.MinTol = v
			if _, err := NewInstance(cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("MinTol %v: error %v, want ErrConfig", v, err)
			}
		}
	})
}

// TestConfigClasses: Config.Classes restricts the stack: a CSQ stack runs
// the correlational learners and refuses approx's thresholded-label query
// with a *sq.ClassError naming it.
func TestConfigClasses(t *testing.T) {
	for _, name := range []string{"chow", "gd", "refit"} {
		t.Run(name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Learner, cfg.D, cfg.Classes = name, 5, sq.Correlational
			res, err := Run(cfg)
			if err != nil {
				t.Fatalf("%s on a CSQ stack: %v", name, err)
			}
			if res.Classes != sq.Correlational || !strings.Contains(res.Oracle, "classes[correlational]") {
				t.Errorf("classes %v, oracle %s", res.Classes, res.Oracle)
			}
		})
	}
	t.Run("approx refused", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Learner, cfg.D, cfg.Classes = "approx", 5, sq.Correlational
		_, err := Run(cfg)
		var ce *sq.ClassError
		if !errors.As(err, &ce) || ce.Accepted != sq.Correlational || !strings.Contains(ce.Query, "sign") {
			t.Errorf("approx on a CSQ stack: %v, want a *sq.ClassError for its thresholded query", err)
		}
	})
	t.Run("bad set", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Classes = 0x80
		if _, err := NewInstance(cfg); !errors.Is(err, ErrConfig) {
			t.Errorf("Classes 0x80: %v, want ErrConfig", err)
		}
	})
}

// TestConfigLimits: sizes that would run for hours are refused up front,
// naming the limit: a sample-oracle tolerance whose E[y x] needs more than
// MaxSamples examples (checked against oracle.SampleSize's formula written
// out here), and steps beyond MaxSteps or MaxStepWork.
func TestConfigLimits(t *testing.T) {
	// Median of means for the L2 query E[y x] of dimension d, bound 1:
	// K = ceil(8 ln(d/delta)) groups (odd) of ceil(4/t^2) examples.
	need := func(d int, t, delta float64) float64 {
		K := math.Ceil(8 * math.Log(float64(d)/delta))
		if int(K)%2 == 0 {
			K++
		}
		return K * math.Ceil(4/(t*t))
	}
	for _, c := range []struct {
		d        int
		tol, min float64
		delta    float64
	}{{10, 1e-4, 0, 0}, {10, 1e-9, 0, 0}, {1000, 2e-4, 0, 0.001}, {10, 1e-6, 1e-4, 0}} {
		t.Run(fmt.Sprintf("sample d=%d tol=%g", c.d, c.tol), func(t *testing.T) {
			delta := c.delta
			if delta == 0 {
				delta = 0.01
			}
			if n := need(c.d, math.Max(c.tol, c.min), delta); n <= MaxSamples {
				t.Fatalf("test case needs %g <= MaxSamples examples", n)
			}
			cfg := DefaultConfig()
			cfg.Oracle, cfg.D, cfg.Tol, cfg.MinTol, cfg.Delta = "sample", c.d, c.tol, c.min, c.delta
			_, err := NewInstance(cfg)
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "1e+10") {
				t.Errorf("error %v, want ErrConfig naming the limit 1e+10", err)
			}
		})
	}
	t.Run("sample tol option", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Oracle = "sample"
		in, err := NewInstance(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := in.Learner("gd", learners.Options{"tol": "1e-5"}); !errors.Is(err, ErrConfig) {
			t.Errorf("tol=1e-5 on the sample oracle: %v, want ErrConfig", err)
		}
		if need(10, 0.05, 0.01) > MaxSamples {
			t.Fatal("the default tolerance must fit")
		}
		if _, _, err := in.Learner("gd", nil); err != nil {
			t.Errorf("the default tolerance: %v", err)
		}
		// A floor above the asked tolerance is what the oracle answers at.
		cfg.Tol, cfg.MinTol = 1e-6, 0.05
		if _, err := NewInstance(cfg); err != nil {
			t.Errorf("tol 1e-6 under a floor 0.05: %v", err)
		}
	})
	for _, c := range []struct {
		learner, steps string
		d              int
		want           string
	}{{"gd", "1000000000", 10, "MaxSteps"}, {"dktz", "1000001", 1, "MaxSteps"}, {"gd", "200000", 10000, "MaxStepWork"}} {
		t.Run(c.learner+" steps="+c.steps, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.D = c.d
			in, err := NewInstance(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = in.Learner(c.learner, learners.Options{"steps": c.steps})
			if !errors.Is(err, ErrConfig) || !errors.Is(err, learners.ErrOption) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want ErrConfig and ErrOption naming %s", err, c.want)
			}
		})
	}
	t.Run("steps at the limit", func(t *testing.T) {
		in, err := NewInstance(DefaultConfig())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := in.Learner("gd", learners.Options{"steps": fmt.Sprint(MaxSteps)}); err != nil {
			t.Errorf("steps = MaxSteps at d = 10: %v", err)
		}
	})
}

// TestProgress: with Config.Progress, a sample-oracle answer above the
// progress threshold is announced with its query and example count (the
// first always; the later ones at most every progressEvery), the oracle's
// name is unchanged, and other oracles report nothing.
func TestProgress(t *testing.T) {
	savedV, savedE := progressValues, progressEvery
	progressValues, progressEvery = 1, time.Hour // every answer is slow; only the first is reported
	defer func() { progressValues, progressEvery = savedV, savedE }()
	for _, o := range []string{"sample", "exact"} {
		t.Run(o, func(t *testing.T) {
			var buf bytes.Buffer
			cfg := DefaultConfig()
			cfg.Learner, cfg.D, cfg.Oracle, cfg.Progress = "refit", 3, o, &buf
			res, err := Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if o == "exact" {
				if buf.Len() != 0 || res.Oracle != "ledger(exact)" {
					t.Errorf("exact oracle: progress %q, oracle %s", buf.String(), res.Oracle)
				}
				return
			}
			if res.Oracle != "ledger(sample(delta=0.01))" {
				t.Errorf("oracle %s, want the stack's own name", res.Oracle)
			}
			// E[y x] at d = 3, tau 0.05, delta 0.01: median of means, K =
			// ceil(8 ln 300) = 46 -> 47 groups of ceil(4/0.0025) = 1600.
			want := "query 1 (y*x) at tau 0.05 draws 7.52e+04 examples of dimension 3; 0 answered so far"
			if lines := strings.Split(strings.TrimSpace(buf.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) {
				t.Errorf("progress %q, want one line with %q", buf.String(), want)
			}
		})
	}
}

// funcLabelLearner asks one query whose label is a Go function: its declared
// bounded class cannot be proved, only trusted.
type funcLabelLearner struct{}

func (funcLabelLearner) Name() string { return "funclabel" }

func (funcLabelLearner) Learn(s *sq.Session) (sq.Hypothesis, error) {
	q := &sq.Query{Name: "tanh(y)", Class: sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelFunc, Func: math.Tanh, Name: "tanh"}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	if _, err := s.Ask(q, 1e-3); err != nil {
		return nil, err
	}
	return sq.ReLU{W: make([]float64, s.Setting.D)}, nil
}

// TestConfigTrustClasses: a class restriction refuses a query whose class
// rests on a Go function unless TrustClasses is set, and the oracle's name
// records the trust.
func TestConfigTrustClasses(t *testing.T) {
	for _, trust := range []bool{false, true} {
		t.Run(fmt.Sprintf("trust=%v", trust), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.D, cfg.Classes, cfg.TrustClasses, cfg.Use = 3, sq.AllClasses, trust, funcLabelLearner{}
			res, err := Run(cfg)
			if !trust {
				var ce *sq.ClassError
				if !errors.As(err, &ce) || !strings.Contains(err.Error(), "cannot be proved") {
					t.Errorf("untrusted func-label query: %v, want a *sq.ClassError saying the class cannot be proved", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("trusted func-label query refused: %v", err)
			}
			if !strings.Contains(res.Oracle, "trust-declared") {
				t.Errorf("oracle %q does not record the trust", res.Oracle)
			}
		})
	}
}
