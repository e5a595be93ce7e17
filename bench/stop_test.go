package bench_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"testing"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
)

// TestStopAtLoss: with Config.StopAtLoss the harness stops gd at the first
// step whose iterate has exact loss <= eps, records the queries spent to get
// there, and the run with steps = that step gives the same hypothesis; one
// step fewer is not within eps.
func TestStopAtLoss(t *testing.T) {
	for _, tc := range []struct {
		name, world, oracle string
		step                string
		eps                 float64
	}{
		{"realizable-exact", "realizable", "exact", "1", 1e-8},
		{"noisy-noise", "noisy", "noise", "1", 0.0102},
		{"realizable-noise-step0.2", "realizable", "noise", "0.2", 1e-3},
		{"clipped-adversarial-step0.2", "clipped", "adversarial", "0.2", 0.03},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := bench.DefaultConfig()
			cfg.World, cfg.Oracle, cfg.StopAtLoss = tc.world, tc.oracle, tc.eps
			cfg.Options = learners.Options{"step": tc.step}
			res, err := bench.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stop
			if st == nil || !st.Reached {
				t.Fatalf("Stop = %+v, want reached", st)
			}
			if st.Loss+st.LossErr > tc.eps || math.Abs(res.Loss-st.Loss) > 1e-15 {
				t.Errorf("stopped at loss %g (err %g), final loss %g; want <= %g and equal", st.Loss, st.LossErr, res.Loss, tc.eps)
			}
			// gd asks one vector query of dimension d per step.
			if st.Summary.Queries != st.Step || st.Summary.Scalar != st.Step*cfg.D || st.Summary != res.Summary || st.Steps != st.Step+1 {
				t.Errorf("stop record %+v, run summary %+v: want step = queries, d scalar each, the run's summary, steps 0..step seen", st, res.Summary)
			}
			cfg.StopAtLoss = 0
			cfg.Options = learners.Options{"step": tc.step, "steps": strconv.Itoa(st.Step)}
			full, err := bench.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if full.Loss != res.Loss || full.Stop != nil {
				t.Errorf("steps = %d: loss %g, stop %v; want loss %g and no stop record", st.Step, full.Loss, full.Stop, res.Loss)
			}
			if st.Step > 0 {
				cfg.Options = learners.Options{"step": tc.step, "steps": strconv.Itoa(st.Step - 1)}
				before, err := bench.Run(cfg)
				if err != nil {
					t.Fatal(err)
				}
				if before.Loss+before.LossErr <= tc.eps {
					t.Errorf("steps = %d already reaches %g (loss %g): the stop came late", st.Step-1, tc.eps, before.Loss)
				}
			}
			t.Logf("%s: eps %g reached at step %d: %d queries, cost %.3g", tc.name, tc.eps, st.Step, st.Summary.Queries, st.Summary.Cost)
		})
	}
}

// TestStopAtLossNotReached: a target below opt is never reached (the
// learner runs to its end and the record says so), a non-iterative learner
// reports no step, and an invalid target is a configuration error.
func TestStopAtLossNotReached(t *testing.T) {
	t.Run("below-opt", func(t *testing.T) {
		cfg := bench.DefaultConfig()
		cfg.World, cfg.Learner, cfg.StopAtLoss = "agnostic", "surrogate", 1e-6
		res, err := bench.Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if st := res.Stop; st == nil || st.Reached || st.Steps != 51 || st.Step != 50 || !(st.Loss > 1e-6) || st.Summary != res.Summary {
			t.Errorf("Stop = %+v, want not reached after steps 0..50 with the run's summary", st)
		}
	})
	t.Run("not-iterative", func(t *testing.T) {
		cfg := bench.DefaultConfig()
		cfg.Learner, cfg.StopAtLoss = "chow", 0.1
		res, err := bench.Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if st := res.Stop; st == nil || st.Reached || st.Steps != 0 || st.Step != -1 || !math.IsNaN(st.Loss) {
			t.Errorf("Stop = %+v, want no step seen", st)
		}
	})
	for _, eps := range []float64{-1, math.NaN(), math.Inf(1)} {
		t.Run("invalid-"+strconv.FormatFloat(eps, 'g', -1, 64), func(t *testing.T) {
			cfg := bench.DefaultConfig()
			cfg.StopAtLoss = eps
			if _, err := bench.Run(cfg); !errors.Is(err, bench.ErrConfig) {
				t.Errorf("StopAtLoss = %v: error %v, want ErrConfig", eps, err)
			}
		})
	}
}

// A "queries to reach eps" run: gd with step 0.2 under the noise oracle
// (tau = 1e-3) is stopped at the first iterate whose exact loss is within
// 1e-3; the record says how many queries and how much cost that took.
func ExampleConfig_stopAtLoss() {
	cfg := bench.DefaultConfig() // gd, realizable, d = 10, seed 1
	cfg.Oracle, cfg.Options, cfg.StopAtLoss = "noise", learners.Options{"step": "0.2"}, 1e-3
	res, err := bench.Run(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	st := res.Stop
	fmt.Printf("reached %v at step %d: loss %.6f, %d queries (%d scalar), cost %.3g\n",
		st.Reached, st.Step, st.Loss, st.Summary.Queries, st.Summary.Scalar, st.Summary.Cost)
	// Output:
	// reached true at step 15: loss 0.000775, 15 queries (150 scalar), cost 8e+07
}

// TestStopEstimate: with StopRule estimate the harness asks one loss query
// per step at the run's tolerance through the run's oracle, counted in the
// ledger, and stops at the first answer <= eps; the stopped iterate's
// exact loss is then within eps + tol (the oracle's guarantee).
func TestStopEstimate(t *testing.T) {
	for _, tc := range []struct {
		name, world, oracle string
		eps                 float64
	}{
		{"realizable-noise", "realizable", "noise", 1e-2},
		{"realizable-adversarial", "realizable", "adversarial", 1e-2},
		{"noisy-noise", "noisy", "noise", 0.02},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := bench.DefaultConfig()
			cfg.World, cfg.Oracle, cfg.StopAtLoss, cfg.StopRule = tc.world, tc.oracle, tc.eps, bench.StopEstimate
			cfg.Options = learners.Options{"step": "0.2"}
			res, err := bench.Run(cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := res.Stop
			if st == nil || !st.Reached || st.Rule != bench.StopEstimate {
				t.Fatalf("Stop = %+v, want reached by the estimate", st)
			}
			if !(st.Estimate <= tc.eps) || st.Loss > tc.eps+st.EstimateTol+st.LossErr || st.EstimateTol != res.Tol {
				t.Errorf("estimate %g, exact loss %g, tol %g (run tol %g): want estimate <= %g, loss <= eps + tol", st.Estimate, st.Loss, st.EstimateTol, res.Tol, tc.eps)
			}
			// gd: one vector query of dimension d per step; the harness: one
			// scalar loss query at each step 0..Step.
			if want := 2*st.Step + 1; st.Summary.Queries != want || st.Summary.Scalar != st.Step*cfg.D+st.Step+1 || st.Summary != res.Summary {
				t.Errorf("stop record %+v, run summary %+v: want %d queries (gd's and the loss queries), the run's summary", st, res.Summary, want)
			}
		})
	}
	t.Run("bad rule", func(t *testing.T) {
		cfg := bench.DefaultConfig()
		cfg.StopAtLoss, cfg.StopRule = 0.1, "guess"
		if _, err := bench.Run(cfg); !errors.Is(err, bench.ErrConfig) {
			t.Errorf("stop rule guess: %v, want ErrConfig", err)
		}
	})
}
