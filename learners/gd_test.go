package learners_test

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/learners"
)

// TestGDRealizableExact: d = 50, realizable, exact oracle, gd with its
// default settings (zero start with relu'(0) = 1/2, step 1, 200 steps)
// reaches loss <= 1e-12 within the 200 steps. From zero the first step is
// E[y x] = w*/2 and the second lands on w* (the population map of theory
// §7(e) sends every w parallel to w* to w*), so the loss is at the level of
// rounding from step 2 on.
func TestGDRealizableExact(t *testing.T) {
	in := laInstance(t, laCfg("realizable", 50, "exact", 7))
	g, err := learners.NewGD(nil)
	if err != nil {
		t.Fatal(err)
	}
	first := 0
	g.OnStep = func(step int, w []float64) {
		if l, _, err := in.World().Loss(w); err == nil && l <= 1e-12 && first == 0 {
			first = step
		}
	}
	res := laRun(t, in, g, g.Tol)
	if res.Loss > 1e-12 {
		t.Errorf("final loss %g, want <= 1e-12", res.Loss)
	}
	if first == 0 || first > 200 {
		t.Errorf("loss <= 1e-12 first reached at step %d, want within 200", first)
	}
	if res.Summary.Queries != 200 || res.Summary.Scalar != 200*50 || res.Summary.Rounds != 200 {
		t.Errorf("ledger %+v, want 200 vector queries = 10000 scalar, 200 rounds", res.Summary)
	}
	t.Logf("loss %.3g at step 200, first <= 1e-12 at step %d", res.Loss, first)
}

// gdNoiseRadius is the radius rho of theory §7(e)'s error floor for gd with
// step 1 under a STAT(tau) oracle (per coordinate), for ||w*|| = nw:
//
// With step 1 the update is w' = 2 * answer(E[y 1{w.x>0} x]) = T(w) + 2e,
// with T the population map of theory §7(e) and ||2e|| <= 2 sqrt(d) tau =: E
// (every coordinate of the answer is within tau). T depends on w only through
// its direction: T(w) - w* = nw (sin(th) w^ - th w*^)/pi, so
// ||T(w) - w*|| = nw g(th)/pi with g(th)^2 = th^2 - 2 th sin th cos th +
// sin^2 th = th^4 + O(th^6): the map contracts with factor 0 at w*
// (quadratically). If ||w - w*|| <= r < nw the angle has sin th <= r/nw,
// and g increases on [0, pi/2] (d(g^2)/d th = 2 th (1 - cos 2 th) >= 0), so
//
//	r_{t+1} <= E + nw g(asin(r_t/nw))/pi.
//
// From zero, w_1 = 2 answer(E[y x]) = w* + 2e, so r_1 <= E; the recursion
// then stays below its smallest fixed point rho >= E, which is returned
// (iterated from E; rho ~ E + E^2/(pi nw)). For d = 50, tau = 1e-3, nw = 1:
// E = 0.0141421 and rho = 0.0142062 = 2.0091 sqrt(d) tau: the constant is
// C = 2 to first order, and the test states C = 2.01, fixed by this
// derivation before any run (not fitted to the measured distances).
func gdNoiseRadius(d int, tau, nw float64) float64 {
	E := 2 * math.Sqrt(float64(d)) * tau
	g := func(th float64) float64 {
		s, c := math.Sincos(th)
		return math.Sqrt(math.Max(th*th-2*th*s*c+s*s, 0))
	}
	r := E
	for range 200 {
		r = E + nw*g(math.Asin(math.Min(1, r/nw)))/math.Pi
	}
	return r
}

// TestGDNoiseOracleBound: d = 50, realizable, random-noise oracle (uniform
// and clipped Gaussian) and adversarial oracle at tau = 1e-3, gd with its
// defaults and tol = tau: the final ||w - w*|| is below C sqrt(d) tau with
// C = 2.01 (see gdNoiseRadius for the derivation). The adversary moves every
// coordinate of every answer by the full tau toward its reference, so it
// nearly saturates the first-order term 2 sqrt(d) tau; random noise reaches
// about 2 sqrt(d/3) tau (uniform).
func TestGDNoiseOracleBound(t *testing.T) {
	const d, tau, C = 50, 1e-3, 2.01
	rho := gdNoiseRadius(d, tau, 1)
	if rho > C*math.Sqrt(d)*tau {
		t.Fatalf("rho = %g exceeds C sqrt(d) tau = %g: the stated C is wrong", rho, C*math.Sqrt(d)*tau)
	}
	worst := map[string]float64{}
	for _, o := range []struct{ oracle, noise string }{{"noise", "uniform"}, {"noise", "gaussian"}, {"adversarial", ""}} {
		for seed := uint64(1); seed <= 6; seed++ {
			cfg := laCfg("realizable", d, o.oracle, seed)
			cfg.Noise, cfg.Tol = o.noise, tau
			in := laInstance(t, cfg)
			l, tol, err := in.Learner("gd", nil)
			if err != nil {
				t.Fatal(err)
			}
			res := laRun(t, in, l, tol)
			dist := laDist(res.W, in.WStar())
			if dist > C*math.Sqrt(d)*tau {
				t.Errorf("%s %s seed %d: ||w - w*|| = %g > C sqrt(d) tau = %g", o.oracle, o.noise, seed, dist, C*math.Sqrt(d)*tau)
			}
			key := o.oracle + " " + o.noise
			worst[key] = math.Max(worst[key], dist/(math.Sqrt(d)*tau))
		}
	}
	for k, v := range worst {
		t.Logf("%s: largest ||w - w*||/(sqrt(d) tau) = %.4f (C = %.2f, rho/(sqrt(d) tau) = %.4f)", k, v, C, rho/(math.Sqrt(d)*tau))
	}
}

// TestGDInitAndProjection: the random and given starts converge on a
// realizable world; the projection keeps ||w|| <= R and then converges to
// the best point of the ball along w* (R w*/||w*|| when ||w*|| > R).
func TestGDInitAndProjection(t *testing.T) {
	cfg := laCfg("realizable", 8, "exact", 3)
	in := laInstance(t, cfg)
	ws := in.WStar()
	for _, o := range []learners.Options{{"init": "random"}, {"init": "given", "w0": "1,0,0,0,0,0,0,0"}, {"init": "random", "norm0": "3", "step": "0.5"}} {
		l, tol, err := in.Learner("gd", o)
		if err != nil {
			t.Fatal(err)
		}
		if res := laRun(t, in, l, tol); res.Loss > 1e-12 {
			t.Errorf("%v: loss %g, want <= 1e-12", o, res.Loss)
		}
	}
	cfg.WStar = laScale(2, ws) // ||w*|| = 2
	in = laInstance(t, cfg)
	l, tol, err := in.Learner("gd", learners.Options{"radius": "1"})
	if err != nil {
		t.Fatal(err)
	}
	res := laRun(t, in, l, tol)
	if n := laNorm(res.W); n > 1+1e-12 {
		t.Errorf("projected gd ends at ||w|| = %g > R = 1", n)
	}
	if dd := laDist(res.W, ws); dd > 1e-9 {
		t.Errorf("projected gd ends %g from R w*/||w*||", dd)
	}
	// A w0 of the wrong length is an option error at Learn time.
	l, tol, err = in.Learner("gd", learners.Options{"w0": "1,2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.RunLearner(l, tol); !errors.Is(err, learners.ErrOption) {
		t.Errorf("w0 of length 2 in d = 8: %v, want ErrOption", err)
	}
}
