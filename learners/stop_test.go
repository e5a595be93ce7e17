package learners_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// stopCase is one iterative learner: build(steps) makes it with a step
// budget (steps < 0: its default).
type stopCase struct {
	name  string
	build func(t *testing.T, steps int) sq.Learner
}

func stopLearner(name string, opts learners.Options) func(t *testing.T, steps int) sq.Learner {
	return func(t *testing.T, steps int) sq.Learner {
		o := learners.Options{}
		for k, v := range opts {
			o[k] = v
		}
		if steps >= 0 {
			o["steps"] = fmt.Sprint(steps)
		}
		l, err := learners.New(name, o)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}

// stopCases are the learners whose step budget is an option "steps": for
// them, stopping at step t must give exactly the run with steps = t.
var stopCases = []stopCase{
	{"gd", stopLearner("gd", learners.Options{"tol": "1e-3"})},
	{"gd-random", stopLearner("gd", learners.Options{"tol": "1e-3", "init": "random"})},
	{"surrogate", stopLearner("surrogate", learners.Options{"tol": "1e-3", "step": "0.5"})},
	{"surrogate-noreask", stopLearner("surrogate", learners.Options{"tol": "1e-3", "reask": "false"})},
	{"dktz", stopLearner("dktz", learners.Options{"tol": "1e-3", "lambda": "0.01"})},
	{"fcg-best", stopLearner("fcg", learners.Options{"tol": "1e-3", "step": "0.5"})},
	{"fcg-last", stopLearner("fcg", learners.Options{"tol": "1e-3", "step": "0.5", "select": "last"})},
	{"glmtron-best", stopLearner("glmtron", learners.Options{"tol": "1e-3", "step": "0.5"})},
	{"glmtron-last", stopLearner("glmtron", learners.Options{"tol": "1e-3", "step": "0.5", "select": "last"})},
	{"isotron-relu", stopLearner("isotron", learners.Options{"tol": "1e-3", "bins": "8"})},
	{"isotron-sim", stopLearner("isotron", learners.Options{"tol": "1e-3", "bins": "8", "output": "sim"})},
}

// stopInstance: an agnostic world (iterates keep moving for many steps)
// under the noise oracle (every answer differs from the truth, so a replayed
// query sequence is checked answer by answer).
func stopInstance(t *testing.T) *bench.Instance {
	t.Helper()
	cfg := bench.DefaultConfig()
	cfg.World, cfg.D, cfg.Oracle, cfg.Seed, cfg.Frac = "agnostic", 6, "noise", 3, 0.2
	in, err := bench.NewInstance(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// stopSession returns a session on in's oracle stack with a fresh ledger.
func stopSession(t *testing.T, in *bench.Instance) *sq.Session {
	t.Helper()
	l := sq.NewLedger()
	o, err := in.Stack(l)
	if err != nil {
		t.Fatal(err)
	}
	return &sq.Session{Setting: in.World().Setting(), Oracle: o, Ledger: l, Rand: sq.Stream(in.Config().Seed, sq.KeyLearner)}
}

// TestSessionStopAtStep3: a session hook that returns sq.ErrStop at step 3
// makes every iterative learner return, with no error, the hypothesis of a
// run with steps = 3, after the same queries; the hook saw steps 0, 1, 2, 3
// and the iterate it got at step 3 is the returned one (for the learners
// whose hypothesis is the last iterate).
func TestSessionStopAtStep3(t *testing.T) {
	in := stopInstance(t)
	for _, c := range stopCases {
		t.Run(c.name, func(t *testing.T) {
			ref := stopSession(t, in)
			want, err := c.build(t, 3).Learn(ref)
			if err != nil {
				t.Fatal(err)
			}
			s := stopSession(t, in)
			var seen []int
			var at3 []float64
			s.OnStep = func(step int, w []float64) error {
				seen = append(seen, step)
				if step == 3 {
					at3 = slices.Clone(w)
					return fmt.Errorf("reached: %w", sq.ErrStop)
				}
				return nil
			}
			got, err := c.build(t, 50).Learn(s)
			if err != nil {
				t.Fatalf("stopped learner returned error %v, want nil", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("hypothesis stopped at step 3 differs from steps = 3 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]int{0, 1, 2, 3}, seen); diff != "" {
				t.Errorf("hook steps (-want +got):\n%s", diff)
			}
			if step, ok := s.Stopped(); !ok || step != 3 {
				t.Errorf("Stopped() = %d, %v, want 3, true", step, ok)
			}
			if a, b := ref.Ledger.Summary(), s.Ledger.Summary(); a.Queries != b.Queries || a.Scalar != b.Scalar || a.Rounds != b.Rounds {
				t.Errorf("ledger of the stopped run %+v, of steps = 3 %+v: want the same counts", b, a)
			}
			if strings.HasSuffix(c.name, "-last") || c.name == "gd" || c.name == "gd-random" || strings.HasPrefix(c.name, "surrogate") || c.name == "dktz" {
				if diff := cmp.Diff(sq.ReLU{W: at3}, got); diff != "" {
					t.Errorf("returned hypothesis is not the iterate the hook saw at step 3 (-hook +got):\n%s", diff)
				}
			}
		})
	}
}

// TestSessionCancelledBeforeLearn: a context cancelled before Learn stops
// every iterative learner at step 0: it returns the initial hypothesis (the
// zero ReLU, asking nothing; gd and isotron: the run with steps = 0, which
// for gd's random start is that start and for isotron asks E[y x] and its
// selection query) and no error.
func TestSessionCancelledBeforeLearn(t *testing.T) {
	in := stopInstance(t)
	d := in.Config().D
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cases := append(slices.Clone(stopCases),
		stopCase{"approx", stopLearner("approx", learners.Options{"eps": "0.05"})},
		stopCase{"sparse", stopLearner("sparse", learners.Options{"k": "2", "tol": "1e-3"})})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			steps := 50
			if c.name == "approx" || c.name == "sparse" {
				steps = -1
			}
			s := stopSession(t, in)
			s.Ctx = ctx
			got, err := c.build(t, steps).Learn(s)
			if err != nil {
				t.Fatalf("cancelled learner returned error %v, want nil", err)
			}
			if step, ok := s.Stopped(); !ok || step != 0 {
				t.Errorf("Stopped() = %d, %v, want 0, true", step, ok)
			}
			if strings.HasPrefix(c.name, "isotron") || strings.HasPrefix(c.name, "gd") {
				ref := stopSession(t, in)
				want, err := c.build(t, 0).Learn(ref)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("cancelled learner differs from steps = 0 (-want +got):\n%s", diff)
				}
				return
			}
			if diff := cmp.Diff(sq.ReLU{W: make([]float64, d)}, got); diff != "" {
				t.Errorf("cancelled learner's hypothesis (-want +got):\n%s", diff)
			}
			if n := s.Ledger.Summary().Queries; n != 0 {
				t.Errorf("cancelled learner asked %d queries, want 0", n)
			}
		})
	}
}

// TestSessionHookErrorPropagates: any error but sq.ErrStop returned by the
// hook stops the learner and comes back from Learn, wrapped, naming the
// step.
func TestSessionHookErrorPropagates(t *testing.T) {
	in := stopInstance(t)
	boom := errors.New("boom")
	cases := append(slices.Clone(stopCases),
		stopCase{"approx", stopLearner("approx", learners.Options{"eps": "0.05"})},
		stopCase{"sparse", stopLearner("sparse", learners.Options{"k": "2", "tol": "1e-3", "early": "false"})})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			steps := 50
			if c.name == "approx" || c.name == "sparse" {
				steps = -1
			}
			s := stopSession(t, in)
			s.OnStep = func(step int, w []float64) error {
				if step == 2 {
					return boom
				}
				return nil
			}
			h, err := c.build(t, steps).Learn(s)
			if !errors.Is(err, boom) {
				t.Fatalf("Learn = %v, %v; want an error wrapping the hook's", h, err)
			}
			if errors.Is(err, sq.ErrStop) || !strings.Contains(err.Error(), "step 2") {
				t.Errorf("error %q: want it to name step 2 and not to be a stop", err)
			}
			if _, ok := s.Stopped(); ok {
				t.Error("Stopped() = true after a hook error, want false")
			}
		})
	}
}

// TestApproxStopAtThreshold3: approx's rounds are its thresholds; stopped
// after the third it fits and selects among the candidates of thresholds 1,
// 1/2, 1/4 and returns no error.
func TestApproxStopAtThreshold3(t *testing.T) {
	if testing.Short() {
		t.Skip("about 4 s (three dktz halfspace runs); run without -short")
	}
	in := stopInstance(t)
	a, err := learners.NewApprox(learners.Options{"eps": "0.05"})
	if err != nil {
		t.Fatal(err)
	}
	var ts []float64
	a.OnCandidate = func(c learners.ApproxCandidate) { ts = append(ts, c.T) }
	s := stopSession(t, in)
	var dirs [][]float64
	s.OnStep = func(step int, w []float64) error {
		if step > 0 {
			dirs = append(dirs, slices.Clone(w))
		}
		if step == 3 {
			return sq.ErrStop
		}
		return nil
	}
	h, err := a.Learn(s)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]float64{1, 0.5, 0.25}, ts); diff != "" {
		t.Errorf("thresholds of the candidates (-want +got):\n%s", diff)
	}
	if len(dirs) != 3 {
		t.Fatalf("hook saw %d thresholds, want 3", len(dirs))
	}
	w := h.(sq.ReLU).W
	if laNorm(w) > 0 {
		// The selected w is r u for one of the directions the hook saw.
		ok := false
		for _, u := range dirs {
			if u != nil && laDist(laScale(laNorm(w), u), w) < 1e-12 {
				ok = true
			}
		}
		if !ok {
			t.Errorf("selected w = %v is along none of the directions %v", w, dirs)
		}
	}
}

// TestSparseStopAtSubset3: sparse's rounds are the subsets it tests;
// stopped after the third (k = 2: {0,1}, {0,2}, {0,3}) it has asked E[y]
// and three subset queries and returns the largest deviation among them.
func TestSparseStopAtSubset3(t *testing.T) {
	in := stopInstance(t)
	sp, err := learners.NewSparse(learners.Options{"k": "2", "tol": "1e-3", "early": "false"})
	if err != nil {
		t.Fatal(err)
	}
	s := stopSession(t, in)
	s.OnStep = func(step int, w []float64) error {
		if w != nil {
			t.Errorf("sparse passed w = %v at step %d, want nil", w, step)
		}
		if step == 3 {
			return sq.ErrStop
		}
		return nil
	}
	if _, err := sp.Learn(s); err != nil {
		t.Fatal(err)
	}
	if n := s.Ledger.Summary().Queries; n != 4 {
		t.Errorf("stopped sparse asked %d queries, want 4 (E[y] and 3 subsets)", n)
	}
	if len(sp.Found) != 2 || sp.Found[0] != 0 || sp.Found[1] < 1 || sp.Found[1] > 3 {
		t.Errorf("Found = %v, want one of the first three subsets {0,1}, {0,2}, {0,3}", sp.Found)
	}
}

// TestDKTZHalfspaceStopsOnContext: the halfspace learner inside approx
// checks the session's context between its ramp steps: stopped at ramp step
// 2 it has asked E[ytil x], two ramp gradients and one selection query per
// candidate (the initial direction and the current one).
func TestDKTZHalfspaceStops(t *testing.T) {
	in := stopInstance(t)
	hs, err := learners.NewHalfspace("dktz", 1e-3, 0.01)
	if err != nil {
		t.Fatal(err)
	}
	s := stopSession(t, in)
	s.Setting = sq.Setting{D: s.Setting.D, LabelMin: -1, LabelMax: 1}
	s.Oracle = sq.ThresholdView(s.Oracle, 0.25)
	s.OnStep = func(step int, w []float64) error {
		if step == 2 {
			return sq.ErrStop
		}
		return nil
	}
	u, err := hs.LearnHalfspace(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(u) != s.Setting.D {
		t.Errorf("direction %v, want %d entries", u, s.Setting.D)
	}
	if n := s.Ledger.Summary().Queries; n != 5 {
		t.Errorf("stopped halfspace learner asked %d queries, want 5 (1 + 2 ramp steps + 2 candidates)", n)
	}
}
