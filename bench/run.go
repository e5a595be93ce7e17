package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// Result is the record of one run.
type Result struct {
	Learner string         // the learner's name
	Oracle  string         // the oracle stack's name, e.g. "ledger(noise(uniform))"
	World   map[string]any // the world's parameters (world.Model.Describe)
	Seed    uint64
	D       int
	Tol     float64  // the tolerance the learner was given (or, if it uses its own, the smallest it asked)
	MinTol  float64  // the tolerance floor under the learner (Config.MinTol; 0: none)
	Classes sq.Class // the query classes the oracle accepted (Config.Classes; 0: every class)

	Hypothesis sq.Hypothesis
	Kind       string    // "relu", or the Go type of an improper hypothesis
	W          []float64 // the weights when the hypothesis is a ReLU (nil otherwise)
	WStar      []float64 // the planted weights (hidden from the learner)

	Loss       float64 // exact population square loss E[(h(x) - y)^2] (a rounding residue in (-1e-12, 0) is reported as 0)
	LossErr    float64 // bound on its numerical error (see LossMethod)
	LossMethod string
	Opt        float64 // min over ||w|| <= 1 of the ReLU loss (world.Model.Opt)
	OptErr     float64
	OptMethod  string
	Ratio      float64 // Loss/Opt; NaN when Opt = 0 (compare Loss itself)
	Angle      float64 // angle in radians between the hypothesis' direction and w*; NaN when it has none

	// Summary is the ledger's counts: queries, scalar queries, free, rounds,
	// Cost = the sample cost sum over scalar queries of (B/tau)^2 with B the
	// query's norm bound, and SumInvTau2 = the raw sum of 1/tau^2.
	Summary sq.Summary
	// Ledger is the run's ledger: summary-only unless Config.Records.
	Ledger  *sq.Ledger
	Elapsed time.Duration // wall time of Learn

	Stop *StopRecord // with Config.StopAtLoss > 0: where the learner was stopped (bench/stop.go)
}

// Run builds the instance of cfg and runs its learner (cfg.Use, or the
// registered cfg.Learner with cfg.Options). Configuration errors wrap
// ErrConfig; a failing learner returns the partial Result (its ledger) and
// the learner's error.
func Run(cfg Config) (Result, error) {
	in, err := NewInstance(cfg)
	if err != nil {
		return Result{}, err
	}
	if cfg.Use != nil {
		return in.RunLearner(cfg.Use, 0)
	}
	l, tol, err := in.Learner(cfg.Learner, cfg.Options)
	if err != nil {
		return Result{}, err
	}
	return in.RunLearner(l, tol)
}

// Stack returns the oracle stack of a run,
// ledger(classes(budget(floor(base)))), with the ledger l outermost: the
// class restriction only when Config.Classes is set, the budget only when
// Config.Budget has a limit, the tolerance floor only when Config.MinTol > 0
// (lowest, so that the budget and the ledger count the effective
// tolerance).
func (in *Instance) Stack(l *sq.Ledger) (sq.Oracle, error) {
	if l == nil {
		return nil, configErr("Stack with a nil ledger")
	}
	return in.stack(l)
}

// stack builds the oracle stack of Stack, without the ledger when l is nil
// (sq.NewSession then installs it).
func (in *Instance) stack(l *sq.Ledger) (sq.Oracle, error) {
	c := in.cfg
	var base sq.Oracle
	switch c.Oracle {
	case "exact":
		base = oracle.Exact(in.world)
	case "noise":
		kind := oracle.Uniform
		if c.Noise == "gaussian" {
			kind = oracle.GaussianClipped
		}
		base = oracle.Noisy(in.world, kind, c.Seed)
	case "sample":
		o, err := oracle.Sample(in.world, oracle.SampleOptions{Delta: c.Delta, Seed: c.Seed, MaxSamples: MaxSamples})
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		base = o
	case "adversarial":
		o, err := oracle.Adversarial(in.world, in.ref)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrConfig, err)
		}
		base = o
	default:
		return nil, configErr("oracle %q, want one of %s", c.Oracle, strings.Join(Oracles, ", "))
	}
	var mw []oracle.Middleware
	if l != nil {
		mw = append(mw, oracle.WithLedger(l))
	}
	if c.Classes != 0 {
		var opts []oracle.ClassOption
		if c.TrustClasses {
			opts = append(opts, oracle.TrustDeclared())
		}
		mw = append(mw, oracle.WithClasses(c.Classes, opts...))
	}
	if c.Budget != (sq.Budget{}) {
		mw = append(mw, oracle.WithBudget(c.Budget))
	}
	if c.MinTol > 0 {
		mw = append(mw, oracle.WithMinTol(c.MinTol)) // lowest, just above the answering oracle
	}
	if c.Progress != nil && c.Oracle == "sample" {
		mw = append([]oracle.Middleware{withProgress(c.Progress, c.D, c.Delta)}, mw...) // outermost, transparent
	}
	return oracle.Chain(base, mw...), nil
}

// RunLearner runs l on the instance through a fresh oracle stack and
// ledger, and scores its hypothesis. tol is the tolerance l was given, for
// the record (0: take the smallest tolerance in the ledger). A failing
// learner returns the partial Result (ledger and counts) with its error.
func (in *Instance) RunLearner(l sq.Learner, tol float64) (Result, error) {
	c := in.cfg
	ledger := newRunLedger(c)
	o, err := in.stack(nil)
	if err != nil {
		return Result{}, err
	}
	s := sq.NewSession(in.world.Setting(), o, ledger, sq.Stream(c.Seed, sq.KeyLearner))
	o = s.Oracle
	if c.Trace != nil {
		ledger.StreamWithManifest(c.Trace, in.Manifest(l, tol, o))
	}
	res := Result{Learner: l.Name(), Oracle: o.Name(), World: in.Describe(), Seed: c.Seed, D: c.D, MinTol: c.MinTol, Classes: c.Classes,
		WStar: slices.Clone(in.wstar), Ledger: ledger, Angle: math.NaN(), Ratio: math.NaN()}
	if res.Stop, err = in.attachStop(s, tol); err != nil {
		return res, err
	}
	start := time.Now()
	h, err := l.Learn(s)
	res.Elapsed = time.Since(start)
	res.Summary = ledger.Summary()
	res.Tol = tol
	if tol == 0 {
		res.Tol = ledger.MinAskedTol()
	}
	if err == nil {
		err = ledger.Err()
	}
	if err != nil {
		return res, fmt.Errorf("learner %s: %w", l.Name(), err)
	}
	if h == nil {
		return res, fmt.Errorf("learner %s returned no hypothesis", l.Name())
	}
	res.Hypothesis = h
	sc, err := Score(in.world, h, c.Seed)
	if err != nil {
		return res, fmt.Errorf("scoring %s's hypothesis: %w", l.Name(), err)
	}
	res.Loss, res.LossErr, res.LossMethod, res.Kind, res.W = sc.Loss, sc.ErrBound, sc.Method, sc.Kind, sc.W
	if res.Loss < 0 && res.Loss > -negZero {
		res.Loss = 0 // rounding residue of a loss that is >= 0
	}
	opt, err := in.Opt()
	if err != nil {
		return res, fmt.Errorf("opt of %s: %w", in.world.Name(), err)
	}
	res.Opt, res.OptErr, res.OptMethod = opt.Opt, opt.ErrBound, opt.Method
	if res.Opt > 0 {
		res.Ratio = res.Loss / res.Opt
	}
	if dir := direction(h); dir != nil && len(dir) == len(in.wstar) {
		res.Angle = gauss.Angle(dir, in.wstar)
	}
	return res, nil
}

// negZero: computed losses in (-negZero, 0) are rounding residues of a
// non-negative quantity (the closed forms cancel to about 1e-16).
const negZero = 1e-12
