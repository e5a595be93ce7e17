package bench

import (
	"errors"
	"math"
	"sort"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// EscapeConfig configures the escape-time experiment: gradient descent on
// D_S with the exact oracle (no adversary), from a random start.
type EscapeConfig struct {
	K        int
	Ds       []int
	Seeds    int // runs per dimension (default 5)
	Eta      float64
	MaxSteps int     // give up after this many steps (default 20000)
	Step     float64 // step size (default 1)
	Norm0    float64 // norm of the random start (default 0.1)
	// Progress, if set, is called after each run.
	Progress func(EscapeRun)
}

// EscapeRun is one gradient-descent run.
type EscapeRun struct {
	D       int     `json:"d"`
	Seed    uint64  `json:"seed"`
	Steps   int     `json:"steps"`   // first step at which L_S(w) <= opt_S + Gap/2 (MaxSteps if never)
	Escaped bool    `json:"escaped"` // whether that happened within MaxSteps
	Loss    float64 `json:"loss"`    // loss at the end of the run
	// Trajectory is L_S(w_t) at steps 1, 2, 4, 8, ... and the last step.
	Trajectory [][2]float64 `json:"trajectory"`
}

// EscapeResult holds the runs and the fit of the median escape time.
type EscapeResult struct {
	K         int          `json:"k"`
	Runs      []EscapeRun  `json:"runs"`
	Medians   [][2]float64 `json:"medians"`   // (d, median steps over all runs; a run that never escaped counts as infinite)
	Censored  []int        `json:"censored"`  // dimensions whose median run did not escape within MaxSteps
	Exponent  float64      `json:"exponent"`  // slope of ln(median steps) against ln(d)
	Heuristic float64      `json:"heuristic"` // (k-2)/2, theory §5.4
	OptS      float64      `json:"optS"`
	Opt0      float64      `json:"opt0"`
	Eps       float64      `json:"eps"`
}

var errStop = errors.New("bench: run stopped")

// stopOracle refuses every query once stop is set.
type stopOracle struct {
	inner sq.Oracle
	stop  *bool
}

func (o *stopOracle) Name() string { return o.inner.Name() }
func (o *stopOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if *o.stop {
		return errStop
	}
	return o.inner.Answer(q, tau, ans)
}

// Escape runs population gradient descent (the gd learner through the exact
// oracle of D_S, tolerance 1e-12) from random starts and records the first
// step at which its ReLU is (opt_S + Gap/2)-good.
func Escape(cfg EscapeConfig) (*EscapeResult, error) {
	if cfg.Seeds == 0 {
		cfg.Seeds = 5
	}
	if cfg.MaxSteps == 0 {
		cfg.MaxSteps = 20000
	}
	if cfg.Step == 0 {
		cfg.Step = 1
	}
	if cfg.Norm0 == 0 {
		cfg.Norm0 = 0.1
	}
	land, err := hardness.NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	res := &EscapeResult{K: cfg.K, Heuristic: float64(cfg.K-2) / 2, OptS: land.OptS, Opt0: land.Opt0, Eps: land.Eps}
	var xs, ys []float64
	for _, d := range cfg.Ds {
		fam, err := hardness.NewFamily(d, cfg.K, cfg.Eta)
		if err != nil {
			return nil, err
		}
		var steps []float64
		for s := 0; s < cfg.Seeds; s++ {
			seed := uint64(s + 1)
			run, err := escapeRun(fam, land, d, seed, cfg)
			if err != nil {
				return nil, err
			}
			res.Runs = append(res.Runs, run)
			if cfg.Progress != nil {
				cfg.Progress(run)
			}
			// A run that did not escape counts as +Inf (its escape time is
			// only known to exceed MaxSteps).
			st := float64(run.Steps)
			if !run.Escaped {
				st = math.Inf(1)
			}
			steps = append(steps, st)
		}
		sort.Float64s(steps)
		med := steps[len(steps)/2]
		if len(steps)%2 == 0 {
			med = (steps[len(steps)/2-1] + steps[len(steps)/2]) / 2
		}
		if math.IsInf(med, 1) {
			res.Censored = append(res.Censored, d)
			continue
		}
		res.Medians = append(res.Medians, [2]float64{float64(d), med})
		xs = append(xs, float64(d))
		ys = append(ys, med)
	}
	res.Exponent, _, _ = FitSlope(xs, ys)
	return res, nil
}

// escapeRun is one run of Escape: gd from the random start of seed on the
// planted world of a random support of fam.
func escapeRun(fam *hardness.Family, land hardness.Landscape, d int, seed uint64, cfg EscapeConfig) (EscapeRun, error) {
	run := EscapeRun{D: d, Seed: seed, Steps: cfg.MaxSteps}
	S, err := fam.RandomSupport(sq.Stream(seed, sq.KeyWorld, uint64(d)))
	if err != nil {
		return run, err
	}
	world, err := fam.Planted(S)
	if err != nil {
		return run, err
	}
	stop := false
	next := 1
	gd := &learners.GD{Step: cfg.Step, Steps: cfg.MaxSteps, Init: "random", Norm0: cfg.Norm0, Tol: 1e-12}
	var lossErr error
	gd.OnStep = func(t int, w []float64) {
		l, _, err := world.Loss(w)
		if err != nil {
			lossErr = err
			stop = true
			return
		}
		run.Loss = l
		if t == next {
			run.Trajectory = append(run.Trajectory, [2]float64{float64(t), l})
			next *= 2
		}
		if !run.Escaped && l <= land.OptS+land.Eps {
			run.Escaped, run.Steps = true, t
			run.Trajectory = append(run.Trajectory, [2]float64{float64(t), l})
			stop = true
		}
	}
	sess := sq.NewSession(world.Setting(), &stopOracle{inner: oracle.Exact(world), stop: &stop}, nil,
		sq.Stream(seed, sq.KeyLearner, uint64(d)))
	if _, err := gd.Learn(sess); err != nil && !errors.Is(err, errStop) {
		return run, err
	}
	if lossErr != nil {
		return run, lossErr
	}
	return run, nil
}
