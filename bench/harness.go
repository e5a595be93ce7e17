// Package bench is sqsim's lab bench: the one place that knows both the
// worlds (world) and the learners (learners). Its harness builds an
// instance (a world, and for the adversarial oracle a reference world),
// stacks an oracle and its middleware, runs a learner through an sq.Session
// and scores the hypothesis with the exact population loss; its grid runs
// every registered learner on a list of instances and writes the table of
// docs/results.md.
//
// Learners never see what the harness knows (the world, w*, opt): they get
// the public Setting, an oracle and a random stream, nothing else.
package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

// ErrConfig is the sentinel of every invalid configuration: an unknown
// world, oracle or learner, a bad dimension, tolerance or world parameter,
// a learner option that does not parse. Test with errors.Is; the error also
// wraps the underlying sentinel (world.ErrModel, learners.ErrUnknown,
// learners.ErrOption) when there is one.
var ErrConfig = errors.New("bench: invalid configuration")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
}

// Worlds lists the world names a Config accepts.
var Worlds = []string{"realizable", "clipped", "noisy", "agnostic", "halfspace"}

// Oracles lists the oracle names a Config accepts.
var Oracles = []string{"exact", "sample", "noise", "adversarial"}

// MaxDim is the largest dimension a Config accepts.
const MaxDim = 100000

// Config describes one run: the world, the oracle stack and the learner.
// DefaultConfig gives a configuration whose every field has a sensible
// value; fields that do not concern the chosen world or oracle are ignored.
type Config struct {
	// The world.
	World      string    // realizable | clipped | noisy | agnostic | halfspace
	D          int       // dimension d >= 1 (0: len(WStar))
	WStar      []float64 // the planted weights w* (nil: a random unit vector from Seed, see RandomUnit)
	Clip       float64   // clipped: y = min(Clip, relu(w*.x)), Clip > 0
	NoiseVar   float64   // noisy: variance >= 0 of the independent label noise
	LabelNoise string    // noisy: "gaussian" (default when empty) or "rademacher"
	Frac       float64   // agnostic: corrupted fraction of the Gaussian mass, in [0, 0.5]
	Corruption string    // agnostic: "flip" (default when empty), "zero" or "lift" (see Lifted)
	Eta        float64   // halfspace: flip probability, in [0, 0.5]
	// Model, if non-nil, is the world itself, built by the caller (for
	// example a world.MultiIndex): World, D, WStar and the world parameters
	// are then ignored, w* is Model.WStar() (angles are NaN when it is
	// nil), and the adversarial oracle is refused (it needs a reference).
	Model *world.Model

	// The oracle stack: the base oracle, under a tolerance floor (when
	// set), under a budget (when set), under a class restriction (when
	// set), under the ledger.
	Oracle string    // exact | sample | noise | adversarial
	Tol    float64   // tolerance of the learner's queries, passed as its option "tol" (0: DefaultTol(Oracle))
	Delta  float64   // sample: failure probability of each answer (0: 0.01)
	Noise  string    // noise: "uniform" (default when empty) or "gaussian" (see oracle.NoiseKind)
	Budget sq.Budget // zero fields: no limit
	// MinTol, when > 0, is a tolerance floor under the learner
	// (oracle.WithMinTol): a query asked at tau < MinTol is answered as if
	// asked at MinTol, so an experiment fixes the model's tolerance
	// whatever the learner asks. The ledger records both tolerances.
	MinTol float64
	// Classes, when non-zero, restricts the oracle to these query classes
	// (oracle.WithClasses): a query of no accepted class is refused with a
	// *sq.ClassError and the run fails. 0 accepts every class. Classes are
	// proved from the query's terms (sq.Query.Prove); TrustClasses also
	// accepts a class declared on a Go function the proof cannot read
	// (oracle.TrustDeclared), and the oracle's name records that it did.
	Classes      sq.Class
	TrustClasses bool

	// Seed names every random stream of the run: w* (sq.KeyWorld), the
	// learner's (sq.KeyLearner), the oracle's (sq.KeyOracle).
	Seed uint64

	// The learner: a registered name and its options, or Use.
	Learner string
	Options learners.Options
	Use     sq.Learner // if non-nil, Run runs it instead of the registered Learner (Tol is then not passed)

	// Trace, if non-nil, receives the ledger as JSON Lines while the
	// learner runs (a manifest line, see Instance.Manifest, then one
	// sq.Entry per answered query). Command is the command line that made
	// the run, recorded in the manifest (e.g. "sqsim", "learn", flags...).
	Trace   io.Writer
	Command []string
	// Records keeps every entry in Result.Ledger; without it the ledger is
	// summary-only (sq.NewSummaryLedger), its memory flat in the queries.
	Records bool
	// Progress, if non-nil, receives a line before each slow answer of the
	// sample oracle (one that draws about a second's worth of examples or
	// more; the first always, then at most every 10 s): what it draws and
	// how far the run is. Other oracles answer in microseconds and report
	// nothing.
	Progress io.Writer

	StopAtLoss float64 // if > 0: stop an iterative learner at the first iterate of exact loss <= StopAtLoss; Result.Stop records the queries spent (bench/stop.go)
}

// MaxSamples is the most examples the sample oracle of a run draws for one
// answer (oracle.SampleOptions.MaxSamples); a tolerance that would need
// more is refused up front (see NewInstance).
const MaxSamples = 1e10

// MaxSteps is the largest size option (steps) a registered learner is
// given, and MaxStepWork the largest steps x d: about a minute of exact
// gradient steps at the documented speed (10^7 scalar answers in about
// half a second), so that a mistyped size is refused up front rather than
// run for hours.
const (
	MaxSteps    = 1_000_000
	MaxStepWork = 1e9
)

// sizeOptions are the learner options that set how many rounds a learner
// runs (see MaxSteps).
var sizeOptions = []string{"steps", "iters", "rounds"}

// checkSizes refuses a size option beyond MaxSteps or MaxStepWork.
func checkSizes(d int, opts learners.Options) error {
	for _, k := range sizeOptions {
		s, ok := opts[k]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			continue // the learner's own parser names the bad value
		}
		if n > MaxSteps {
			return fmt.Errorf("%w: %w: %s=%d is more than the limit %d (bench.MaxSteps)", ErrConfig, learners.ErrOption, k, n, MaxSteps)
		}
		if float64(n)*float64(d) > MaxStepWork {
			return fmt.Errorf("%w: %w: %s=%d at d = %d is %.3g step-coordinates, more than the limit %.0e (bench.MaxStepWork)",
				ErrConfig, learners.ErrOption, k, n, d, float64(n)*float64(d), MaxStepWork)
		}
	}
	return nil
}

// checkSampleTol refuses, for the sample oracle, a tolerance at which the
// correlational vector query E[y x] of dimension d (sq.Chow, the query
// most learners start with) would need more than MaxSamples examples: the
// run would fail at its first such query, after drawing for minutes. The
// tolerance checked is the effective one, max(tol, MinTol).
func checkSampleTol(cfg Config, tol float64) error {
	if cfg.Oracle != "sample" {
		return nil
	}
	t := math.Max(tol, cfg.MinTol)
	delta := cfg.Delta
	if delta == 0 {
		delta = 0.01
	}
	n := float64(oracle.SampleSize(sq.Chow(cfg.D), t, delta).N())
	if n > MaxSamples || n <= 0 {
		return configErr("sample oracle: tolerance %g needs %.3g examples for the query E[y x] at d = %d (delta %g), more than the limit %.0e per answer; use a tolerance >= %.2g",
			t, n, cfg.D, delta, float64(MaxSamples), t*math.Sqrt(n/MaxSamples)*1.01)
	}
	return nil
}

// DefaultConfig returns gd on a realizable world in dimension 10 with the
// exact oracle, seed 1, and the documented default of every world
// parameter: clip 1, noise variance 0.01 (Gaussian), corrupted fraction 0.1
// (flip), halfspace flips 0.1.
func DefaultConfig() Config {
	return Config{World: "realizable", D: 10, Clip: 1, NoiseVar: 0.01, LabelNoise: "gaussian", Frac: 0.1,
		Corruption: "flip", Eta: 0.1, Oracle: "exact", Seed: 1, Learner: "gd"}
}

// DefaultTol returns the tolerance used when Config.Tol is 0: 1e-6 for the
// exact oracle (the answers are exact; the tolerance only sets the ledger's
// cost), 1e-3 for the noise and adversarial oracles (theory §7(e)'s STAT(tau)
// anchor), and 0.05 for the sample oracle (about 5e4 examples per
// correlational query at delta = 0.01; 1e-3 would need 1e8).
func DefaultTol(oracleName string) float64 {
	switch oracleName {
	case "noise", "adversarial":
		return 1e-3
	case "sample":
		return 0.05
	}
	return 1e-6
}

// RandomUnit returns the random unit vector of R^d that Config uses as w*
// when WStar is nil: a standard Gaussian vector from sq.Stream(seed,
// sq.KeyWorld), normalized (the same w* as `sqsim demo` for that seed).
func RandomUnit(seed uint64, d int) []float64 {
	return sq.RandomUnit(sq.Stream(seed, sq.KeyWorld), d)
}

// Reference returns the reference w of the adversarial oracle: a vector of
// the same norm as w*, orthogonal to it, in a random direction from
// sq.Stream(seed, sq.KeyWorld, 1) (-w* when d = 1). The reference world is
// the chosen world with w* replaced by it: the same family, the same label
// distribution (x is rotation invariant), and labels that carry no
// information about w*'s direction. The adversary answers with the
// reference's value whenever the tolerance allows, so a learner learns
// about w* only from what tau forces the oracle to reveal.
func Reference(wstar []float64, seed uint64) []float64 {
	d := len(wstar)
	nw := hNorm(wstar)
	switch {
	case math.IsNaN(nw) || math.IsInf(nw, 0):
		// No direction to be orthogonal to (a NaN or infinite entry, which
		// used to loop forever): every entry is NaN, which dist's
		// constructors refuse.
		g := make([]float64, d)
		for i := range g {
			g[i] = math.NaN()
		}
		return g
	case nw == 0:
		return make([]float64, d)
	case d == 1:
		return []float64{-wstar[0]}
	}
	r := sq.Stream(seed, sq.KeyWorld, 1)
	for {
		g := make([]float64, d)
		for i := range g {
			g[i] = r.NormFloat64()
		}
		for pass := 0; pass < 2; pass++ {
			p := hDot(g, wstar) / (nw * nw)
			for i := range g {
				g[i] -= p * wstar[i]
			}
		}
		if n := hNorm(g); n > 1e-8 {
			for i := range g {
				g[i] *= nw / n
			}
			return g
		}
	}
}

// Instance is a configured world (and reference world, for the adversarial
// oracle) on which learners can be run; it computes opt once. It is safe
// for concurrent use by runs that each have their own Trace (or none).
type Instance struct {
	cfg   Config
	world *world.Model
	ref   *world.Model
	wstar []float64
	desc  map[string]any

	opt *optCache // shared by the copies WithTrace makes
}

type optCache struct {
	once sync.Once
	res  world.OptResult
	err  error
}

// NewInstance validates cfg's world and oracle settings and builds the
// world. Errors wrap ErrConfig.
func NewInstance(cfg Config) (*Instance, error) {
	if cfg.Model != nil {
		cfg.D = cfg.Model.Setting().D
		cfg.WStar = cfg.Model.WStar()
		cfg.World = cfg.Model.Name()
	}
	if cfg.D == 0 {
		cfg.D = len(cfg.WStar)
	}
	if cfg.D < 1 || cfg.D > MaxDim {
		return nil, configErr("dimension d = %d, want 1 <= d <= %d", cfg.D, MaxDim)
	}
	if cfg.WStar != nil && len(cfg.WStar) != cfg.D {
		return nil, configErr("w* has %d entries and d = %d; they must agree", len(cfg.WStar), cfg.D)
	}
	if !slices.Contains(Oracles, cfg.Oracle) {
		return nil, configErr("oracle %q, want one of %s", cfg.Oracle, strings.Join(Oracles, ", "))
	}
	if math.IsNaN(cfg.Tol) || math.IsInf(cfg.Tol, 0) || cfg.Tol < 0 {
		return nil, configErr("tolerance %v, want a finite tolerance > 0 (or 0 for the oracle's default)", cfg.Tol)
	}
	if cfg.Delta != 0 && !(cfg.Delta > 0 && cfg.Delta < 1) {
		return nil, configErr("delta = %v, want a failure probability in (0, 1)", cfg.Delta)
	}
	if cfg.Noise != "" && cfg.Noise != "uniform" && cfg.Noise != "gaussian" {
		return nil, configErr("oracle noise %q, want uniform or gaussian", cfg.Noise)
	}
	if math.IsNaN(cfg.MinTol) || math.IsInf(cfg.MinTol, 0) || cfg.MinTol < 0 {
		return nil, configErr("tolerance floor %v, want a finite tolerance > 0 (or 0 for no floor)", cfg.MinTol)
	}
	if cfg.Classes&^sq.AllClasses != 0 {
		return nil, configErr("query classes %#x, want a set of sq.Bounded, sq.L2, sq.Correlational, sq.Boolean (or 0 for all)", uint8(cfg.Classes))
	}
	tol := cfg.Tol
	if tol == 0 {
		tol = DefaultTol(cfg.Oracle)
	}
	if err := checkSampleTol(cfg, tol); err != nil {
		return nil, err
	}
	if cfg.Model != nil {
		if cfg.Oracle == "adversarial" {
			return nil, configErr("the adversarial oracle needs a reference world, which a caller's Model does not have")
		}
		return &Instance{cfg: cfg, world: cfg.Model, wstar: cfg.WStar, desc: cfg.Model.Describe(), opt: &optCache{}}, nil
	}
	wstar := cfg.WStar
	if wstar == nil {
		wstar = RandomUnit(cfg.Seed, cfg.D)
	}
	for i, v := range wstar {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, configErr("w*[%d] = %v, want a finite number", i, v)
		}
	}
	if n2 := hDot(wstar, wstar); math.IsInf(n2, 0) {
		return nil, configErr("w*: ||w*||^2 overflows float64 (entries of size about 1e154 or more), want a smaller w*")
	}
	world, err := buildWorld(cfg, wstar)
	if err != nil {
		return nil, err
	}
	in := &Instance{cfg: cfg, world: world, wstar: slices.Clone(wstar), desc: world.Describe(), opt: &optCache{}}
	if cfg.World == "agnostic" && cfg.Corruption == "lift" {
		in.desc["frac"], in.desc["corruption"] = cfg.Frac, "lift"
	}
	if cfg.Oracle == "adversarial" {
		if in.ref, err = buildWorld(cfg, Reference(wstar, cfg.Seed)); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func buildWorld(cfg Config, wstar []float64) (*world.Model, error) {
	var m *world.Model
	var err error
	switch cfg.World {
	case "realizable":
		m, err = world.Realizable(wstar)
	case "noisy":
		if math.IsNaN(cfg.NoiseVar) || math.IsInf(cfg.NoiseVar, 0) || cfg.NoiseVar < 0 {
			return nil, configErr("noisy: noise variance %v, want a finite variance >= 0", cfg.NoiseVar)
		}
		kind := world.Gaussian
		switch cfg.LabelNoise {
		case "", "gaussian":
		case "rademacher":
			kind = world.Rademacher
		default:
			return nil, configErr("noisy: label noise %q, want gaussian or rademacher", cfg.LabelNoise)
		}
		m, err = world.Noisy(wstar, world.Noise{Kind: kind, Param: math.Sqrt(cfg.NoiseVar)})
	case "clipped":
		m, err = world.Clipped(wstar, cfg.Clip)
	case "agnostic":
		switch cfg.Corruption {
		case "", "flip":
			m, err = world.Corrupted(wstar, cfg.Frac, world.CorruptFlip)
		case "zero":
			m, err = world.Corrupted(wstar, cfg.Frac, world.CorruptZero)
		case "lift":
			m, err = Lifted(wstar, cfg.Frac)
		default:
			return nil, configErr("agnostic: corruption %q, want flip, zero or lift", cfg.Corruption)
		}
	case "halfspace":
		m, err = world.Halfspace(wstar, cfg.Eta)
	default:
		return nil, configErr("world %q, want one of %s", cfg.World, strings.Join(Worlds, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return m, nil
}

// Lifted is the agnostic world of the corruption "lift": y = min(1,
// relu(w*.x)) except on the region {-q ||w*|| < w*.x <= 0} holding a
// fraction frac in [0, 0.5] of the Gaussian mass just below the kink, where
// the label is lifted from 0 to 1. world.Corrupted corrupts the side where
// the ReLU is active, so the labels still vanish where w*.x <= 0 and the
// Chow vector 2 E[y x] is then exactly the best ReLU along w*; here the
// corruption sits where every ReLU near w* predicts 0, pulls E[y x] away
// from the best ReLU, and separates the learners. It is a world.MultiIndex
// model with one direction (so every exact route of the single-index
// worlds applies), named "agnostic" (the harness reports its frac and
// corruption in Result.World).
func Lifted(wstar []float64, frac float64) (*world.Model, error) {
	if !(frac >= 0 && frac <= 0.5) {
		return nil, fmt.Errorf("%w: agnostic: corrupted fraction %v, want a number in [0, 0.5]", world.ErrModel, frac)
	}
	nw := hNorm(wstar)
	if nw == 0 || math.IsNaN(nw) || math.IsInf(nw, 0) {
		return nil, fmt.Errorf("%w: agnostic: w* = %v has no direction to corrupt along", world.ErrModel, wstar)
	}
	// The region in s = w*.x: (-q nw, 0] with Phi(0) - Phi(-q) = frac.
	lo := math.Inf(-1)
	if frac < 0.5 {
		lo = math.Sqrt2 * math.Erfinv(2*frac) * -nw
	}
	f := func(s []float64) float64 {
		if s[0] > lo && s[0] <= 0 {
			return 1
		}
		return math.Min(1, math.Max(0, s[0]))
	}
	kinks := []world.Hyper{{A: []float64{1}, C: 0}, {A: []float64{1}, C: 1}}
	if !math.IsInf(lo, 0) {
		kinks = append(kinks, world.Hyper{A: []float64{1}, C: lo})
	}
	m, err := world.MultiIndex("agnostic", [][]float64{wstar}, f, kinks, world.Noise{}, 0, 1)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// World returns the instance's world (hidden from learners).
func (in *Instance) World() *world.Model { return in.world }

// Describe returns the world's parameters (world.Model.Describe, with the
// corruption of a lifted world).
func (in *Instance) Describe() map[string]any {
	out := make(map[string]any, len(in.desc))
	for k, v := range in.desc {
		out[k] = v
	}
	return out
}

// WStar returns a copy of the planted weights.
func (in *Instance) WStar() []float64 { return slices.Clone(in.wstar) }

// Config returns the configuration, with D filled in.
func (in *Instance) Config() Config { return in.cfg }

// Opt returns the world's opt (world.Model.Opt), computed on the first call.
func (in *Instance) Opt() (world.OptResult, error) {
	c := in.opt
	c.once.Do(func() { c.res, c.err = in.world.Opt() })
	return c.res, c.err
}

// WithTrace returns a copy of the instance whose runs stream their ledger
// to w as JSON Lines (see Config.Trace); the copy shares the world and opt.
func (in *Instance) WithTrace(w io.Writer) *Instance {
	out := *in
	out.cfg.Trace = w
	return &out
}

// Tol returns the tolerance a run passes to its learner: Config.Tol, or
// DefaultTol of the oracle.
func (in *Instance) Tol() float64 {
	if in.cfg.Tol > 0 {
		return in.cfg.Tol
	}
	return DefaultTol(in.cfg.Oracle)
}

// Learner builds the registered learner name with opts and the instance's
// tolerance as its option "tol" (unless opts sets tol itself; every
// registered learner takes a tol option, see learners.Register). It returns
// the learner and the tolerance it was given. Errors wrap ErrConfig and the
// learner's sentinel (learners.ErrUnknown, learners.ErrOption).
func (in *Instance) Learner(name string, opts learners.Options) (sq.Learner, float64, error) {
	e, ok := learners.Lookup(name)
	if !ok {
		return nil, 0, fmt.Errorf("%w: %w %q (known: %s)", ErrConfig, learners.ErrUnknown, name, strings.Join(learners.Names(), ", "))
	}
	o := learners.Options{}
	for k, v := range opts {
		o[k] = v
	}
	tol := in.Tol()
	_, takesTol := e.Option(learners.StdTol)
	if own := e.Options != nil && !takesTol; own { // a declared learner without tol sets its own tolerances
		if _, set := o["tol"]; set || in.cfg.Tol > 0 {
			return nil, 0, fmt.Errorf("%w: %w: learner %s has no option \"tol\": it sets its own tolerances", ErrConfig, learners.ErrOption, name)
		}
		tol = 0
	} else if s, ok := o["tol"]; ok {
		t, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, 0, fmt.Errorf("%w: %w: tol=%q is not a number", ErrConfig, learners.ErrOption, s)
		}
		if in.cfg.Tol > 0 && t != in.cfg.Tol {
			return nil, 0, configErr("the tolerance is given twice: %v and the option tol=%s", in.cfg.Tol, s)
		}
		tol = t
		if err := checkSampleTol(in.cfg, tol); err != nil {
			return nil, 0, err
		}
	} else {
		o["tol"] = strconv.FormatFloat(tol, 'g', -1, 64)
	}
	if err := checkSizes(in.cfg.D, o); err != nil {
		return nil, 0, err
	}
	l, err := learners.New(name, o)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return l, tol, nil
}

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
	mw := []oracle.Middleware{oracle.WithLedger(l)}
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
	o, err := in.Stack(ledger)
	if err != nil {
		return Result{}, err
	}
	if c.Trace != nil {
		ledger.StreamWithManifest(c.Trace, in.Manifest(l, tol, o))
	}
	res := Result{Learner: l.Name(), Oracle: o.Name(), World: in.Describe(), Seed: c.Seed, D: c.D, MinTol: c.MinTol, Classes: c.Classes,
		WStar: slices.Clone(in.wstar), Ledger: ledger, Angle: math.NaN(), Ratio: math.NaN()}
	s := &sq.Session{Setting: in.world.Setting(), Oracle: o, Ledger: ledger, Rand: sq.Stream(c.Seed, sq.KeyLearner)}
	if res.Stop, err = in.attachStop(s); err != nil {
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

// Scorable is implemented by hypotheses that know their exact loss under a
// world (improper hypotheses such as learners.HermitePoly and learners.SIM):
// ExactLoss returns E[(h(x) - y)^2] and a bound on its numerical error.
// The harness calls it; learners never see a world.
type Scorable interface {
	ExactLoss(w sq.World) (loss, errBound float64, err error)
}

// Directional is implemented by improper hypotheses that have an index
// direction (learners.SIM); the harness reports its angle to w*.
type Directional interface {
	Direction() []float64
}

func direction(h sq.Hypothesis) []float64 {
	switch v := h.(type) {
	case sq.ReLU:
		return v.W
	case *sq.ReLU:
		return v.W
	case Directional:
		return v.Direction()
	}
	return nil
}

// ScoreResult is a hypothesis' population loss and how it was computed.
type ScoreResult struct {
	Loss, ErrBound float64
	Method         string
	Kind           string    // "relu" or the hypothesis' Go type
	W              []float64 // a ReLU's weights
}

// MonteCarloN is the number of examples of the Monte Carlo fallback of Score.
const MonteCarloN = 1 << 19

// keyScore names the random stream of Score's Monte Carlo fallback (distinct
// from the sq.Key* streams).
const keyScore uint64 = 0x5c0_4e

// Score returns the population square loss of h under the world:
//
//   - a ReLU (sq.ReLU or *sq.ReLU): world.Model.Loss, closed form for the
//     realizable and noisy worlds (theory §2.3) and kink-aware quadrature
//     otherwise, with its error bound;
//   - a Scorable hypothesis: its ExactLoss;
//   - anything else: a Monte Carlo mean over MonteCarloN examples from the
//     stream (seed, keyScore); ErrBound is then 4 standard errors (a
//     statistical bound, not a certain one), and Method says so.
func Score(w *world.Model, h sq.Hypothesis, seed uint64) (ScoreResult, error) {
	var W []float64
	switch v := h.(type) {
	case sq.ReLU:
		W = v.W
	case *sq.ReLU:
		W = v.W
	}
	if W != nil || isReLU(h) {
		if len(W) != w.Setting().D {
			return ScoreResult{}, fmt.Errorf("the ReLU has %d weights, the world has dimension %d", len(W), w.Setting().D)
		}
		l, eb, err := w.Loss(W)
		if err != nil {
			return ScoreResult{}, err
		}
		method := "exact: kink-aware quadrature"
		if n := w.Name(); n == "realizable" || n == "noisy" {
			method = "exact: closed form (theory §2.3)"
		}
		return ScoreResult{Loss: l, ErrBound: eb, Method: method, Kind: "relu", W: slices.Clone(W)}, nil
	}
	kind := fmt.Sprintf("%T", h)
	if s, ok := h.(Scorable); ok {
		l, eb, err := s.ExactLoss(w)
		if err != nil {
			return ScoreResult{}, err
		}
		return ScoreResult{Loss: l, ErrBound: eb, Method: "exact: the hypothesis' ExactLoss", Kind: kind}, nil
	}
	l, se := monteCarloLoss(w, h, seed, MonteCarloN)
	return ScoreResult{Loss: l, ErrBound: 4 * se, Kind: kind,
		Method: fmt.Sprintf("monte carlo: %d examples, error bound = 4 standard errors", MonteCarloN)}, nil
}

func isReLU(h sq.Hypothesis) bool {
	switch h.(type) {
	case sq.ReLU, *sq.ReLU:
		return true
	}
	return false
}

// monteCarloLoss returns the mean of (h(x) - y)^2 over n examples and its
// standard error.
func monteCarloLoss(w *world.Model, h sq.Hypothesis, seed uint64, n int) (float64, float64) {
	d := w.Setting().D
	const chunk = 4096
	x := make([]float64, chunk*d)
	y := make([]float64, chunk)
	var sum, sum2 float64
	for done, k := 0, uint64(0); done < n; k++ {
		m := min(chunk, n-done)
		w.Sample(sq.Stream(seed, keyScore, k), x[:m*d], y[:m])
		for i := 0; i < m; i++ {
			e := h.Predict(x[i*d:(i+1)*d]) - y[i]
			sum += e * e
			sum2 += e * e * e * e
		}
		done += m
	}
	mean := sum / float64(n)
	v := math.Max(sum2/float64(n)-mean*mean, 0)
	return mean, math.Sqrt(v / float64(n))
}

func hDot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func hNorm(a []float64) float64 { return math.Sqrt(hDot(a, a)) }
