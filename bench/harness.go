// Package bench is sqsim's harness: the one place that composes a run, and
// the only package that knows the worlds (world), the oracles (oracle), the
// learners (learners) and the hardness family (hardness) at once. Its
// harness builds an instance (a world, and for the adversarial oracle a
// reference world; config.go, worlds.go, harness.go), stacks an oracle and
// its middleware, runs a learner through a session wired by sq.NewSession
// and scores the hypothesis with the exact population loss (run.go,
// score.go); its grid runs every registered learner on a list of instances
// and writes the table of docs/results.md (results.go). It also runs the
// lower-bound game of package hardness, any sq.Learner against the
// hardness.Adversary (PlayGame, PlayNamed; game.go), and the experiments of
// docs/hardness.md (Curve, Escape, LPN). Real performance benchmarks live in
// the subpackage bench/perf.
//
// Learners never see what the harness knows (the world, w*, opt): they get
// the public Setting, an oracle and a random stream, nothing else.
package bench

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

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
