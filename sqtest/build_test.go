package sqtest_test

// The constructors of sqsim's oracles and worlds the tests run the kit on,
// in one place.

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sqtest"
	"github.com/sqsim/sqsim/world"
)

var wstar = []float64{0.6, -0.4, 0.3, 0.5}

// worlds returns a function that keeps a world or fails t.
func worlds(t testing.TB) func(*world.Model, error) *world.Model {
	return func(w *world.Model, err error) *world.Model {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
}

type oracleCase struct {
	name  string
	truth sq.World
	build func() (sq.Oracle, error)
	opts  []sqtest.Option
	slow  bool
	known []string // known departures from the contract, logged, not failed (see knownTB)
}

func oracleCases(t *testing.T) []oracleCase {
	must := worlds(t)
	truth := must(world.Clipped(wstar, 1))
	other := must(world.Corrupted(wstar, 0.2, world.CorruptFlip))
	small := must(world.Clipped(wstar[:2], 1))
	return []oracleCase{
		{name: "exact", truth: truth, build: func() (sq.Oracle, error) { return oracle.Exact(truth), nil },
			opts: []sqtest.Option{sqtest.Deterministic()}},
		// The cache serves a cached answer for any tau above the cached
		// one, +Inf included, before the inner oracle can refuse it.
		{name: "exact/cache", truth: truth, build: func() (sq.Oracle, error) { return oracle.Chain(oracle.Exact(truth), oracle.WithCache()), nil },
			opts: []sqtest.Option{sqtest.Deterministic()}},
		{name: "noisy/uniform", truth: truth, build: func() (sq.Oracle, error) { return oracle.Noisy(truth, oracle.Uniform, 7), nil }},
		{name: "noisy/gaussian", truth: truth, build: func() (sq.Oracle, error) { return oracle.Noisy(truth, oracle.GaussianClipped, 7), nil }},
		{name: "adversarial/self", truth: truth, build: func() (sq.Oracle, error) { return oracle.Adversarial(truth, truth) }},
		{name: "adversarial/other", truth: truth, build: func() (sq.Oracle, error) { return oracle.Adversarial(truth, other) }},
		{name: "vstat", truth: truth, build: func() (sq.Oracle, error) { return oracle.VSTAT(truth, 1e6, 7) },
			opts: []sqtest.Option{sqtest.IgnoresTau()}},
		{name: "sample", truth: small, slow: true, build: func() (sq.Oracle, error) {
			return oracle.Sample(small, oracle.SampleOptions{Delta: 1e-6, Seed: 7, Workers: 1})
		}, opts: []sqtest.Option{sqtest.Tolerances(0.1, 0.05)}},
		{name: "pool", truth: small, slow: true, build: func() (sq.Oracle, error) {
			p, err := oracle.NewPool(small, 400_000, 7)
			if err != nil {
				return nil, err
			}
			return oracle.FromPool(p, oracle.PoolOptions{Workers: 1})
		}, opts: []sqtest.Option{sqtest.Tolerances(0.1, 0.05)}}, // the pool's mean, within 0.05 for 4e5 examples
		{name: "exact/ledger", truth: truth, build: func() (sq.Oracle, error) {
			return oracle.Chain(oracle.Exact(truth), oracle.WithLedger(sq.NewLedger())), nil
		}, opts: []sqtest.Option{sqtest.Deterministic()}},
		{name: "exact/classes(csq)", truth: truth, build: func() (sq.Oracle, error) {
			return oracle.Chain(oracle.Exact(truth), oracle.WithClasses(sq.Correlational)), nil
		}, opts: []sqtest.Option{sqtest.Deterministic()}},
		// The budget computes the nil query's normalized tolerance, and
		// panics, holding its lock: the next question would deadlock.
		{name: "exact/budget", truth: truth, build: func() (sq.Oracle, error) {
			return oracle.Chain(oracle.Exact(truth), oracle.WithBudget(sq.Budget{MaxQueries: 1000})), nil
		}},
	}
}

type worldCase struct {
	name string
	w    sq.World
}

func worldCases(t *testing.T) []worldCase {
	must := worlds(t)
	v2 := [][]float64{{0.6, -0.4, 0.3, 0.5}, {0, 0.5, 0.5, -0.5}}
	multi := must(world.MultiIndex("max-relu", v2, func(s []float64) float64 {
		return math.Max(0, math.Max(s[0], s[1]))
	}, []world.Hyper{{A: []float64{1, 0}}, {A: []float64{0, 1}}, {A: []float64{1, -1}}}, world.Noise{}, 0, math.Inf(1)))
	return []worldCase{
		{"realizable", must(world.Realizable(wstar))},
		{"noisy/gaussian", must(world.Noisy(wstar, world.Noise{Kind: world.Gaussian, Param: 0.3}))},
		{"noisy/rademacher", must(world.Noisy(wstar, world.Noise{Kind: world.Rademacher, Param: 0.2}))},
		{"clipped", must(world.Clipped(wstar, 0.5))},
		{"corrupted/flip", must(world.Corrupted(wstar, 0.2, world.CorruptFlip))},
		{"corrupted/zero", must(world.Corrupted(wstar, 0.2, world.CorruptZero))},
		{"halfspace", must(world.Halfspace(wstar, 0.1))},
		{"multiindex", multi},
	}
}

// learnerOptions are the kit's options for a registered learner, and a
// reason to skip it under -short when it is slow.
type learnerCase struct {
	name  string           // the subtest's name
	opts  learners.Options // options besides tol
	known []string         // known departures from the contract (see knownTB)
}

// learnerCases are the runs of a registered learner the kit checks.
func learnerCases(name string) []learnerCase {
	if name == "approx" {
		return []learnerCase{
			{name: "approx/chow", opts: learners.Options{"halfspace": "chow"}},
			// With the default halfspace=dktz, tol is the tolerance of the
			// surrogate's gradient, and its ramp queries are asked at
			// 2 sigma tol < tol.
			{name: "approx/dktz", known: []string{"below tol", "below it"}},
		}
	}
	return []learnerCase{{name: name}}
}

// knownTB is a sqtest.TB that logs the messages containing one of known
// (a departure from the contract in sqsim's own code, reported in the
// kit's test rather than fixed there) and fails t on every other.
type knownTB struct {
	*testing.T
	known []string
}

func (k knownTB) Errorf(format string, args ...any) {
	k.Helper()
	msg := fmt.Sprintf(format, args...)
	for _, s := range k.known {
		if strings.Contains(msg, s) {
			k.Logf("known departure, not a failure of this test: %s", msg)
			return
		}
	}
	k.T.Errorf("%s", msg)
}
