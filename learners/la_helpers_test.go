package learners_test

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// Helpers of the tests of chow, glmtron, surrogate, isotron, hermite, refit
// and gd (prefixed la so that they do not collide with the helpers of the
// other learners' tests).

// laInstance builds the harness instance of cfg.
func laInstance(t testing.TB, cfg bench.Config) *bench.Instance {
	t.Helper()
	in, err := bench.NewInstance(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// laRun runs l on the instance (asked at tolerance tol) and fails the test
// on error.
func laRun(t testing.TB, in *bench.Instance, l sq.Learner, tol float64) bench.Result {
	t.Helper()
	res, err := in.RunLearner(l, tol)
	if err != nil {
		t.Fatalf("%s on %v: %v", l.Name(), in.Describe(), err)
	}
	return res
}

// laCfg is the default configuration with the given world, dimension,
// oracle and seed.
func laCfg(world string, d int, oracle string, seed uint64) bench.Config {
	c := bench.DefaultConfig()
	c.World, c.D, c.Oracle, c.Seed = world, d, oracle, seed
	return c
}

// laChow returns the exact E[y x] of the world (the world's own Expect, not
// a learner).
func laChow(t testing.TB, w *world.Model) []float64 {
	t.Helper()
	c := make([]float64, w.Setting().D)
	if _, err := w.Expect(sq.Chow(len(c)), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func laDist(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += (a[i] - b[i]) * (a[i] - b[i])
	}
	return math.Sqrt(s)
}

func laNorm(a []float64) float64 { return laDist(a, make([]float64, len(a))) }

func laScale(c float64, a []float64) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = c * v
	}
	return out
}

// laAgnosticGrid is a grid of worlds with opt > 0: agnostic corruptions at
// several levels (both corruptions of world.Corrupted and the lift of
// world.Lifted), label noise, clipping, and a noisy halfspace, in
// dimension d with the random unit w* of seed.
func laAgnosticGrid(d int, seed uint64) []bench.Config {
	var out []bench.Config
	for _, how := range []string{"flip", "zero", "lift"} {
		for _, f := range []float64{0.02, 0.1, 0.25, 0.5} {
			c := laCfg("agnostic", d, "exact", seed)
			c.Corruption, c.Frac = how, f
			out = append(out, c)
		}
	}
	for _, v := range []float64{0.01, 0.25} {
		c := laCfg("noisy", d, "exact", seed)
		c.NoiseVar = v
		out = append(out, c)
	}
	c := laCfg("clipped", d, "exact", seed)
	c.Clip = 0.5
	out = append(out, c)
	c = laCfg("halfspace", d, "exact", seed)
	c.Eta = 0.2
	return append(out, c)
}
