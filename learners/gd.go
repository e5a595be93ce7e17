package learners

import (
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("gd", "SQ gradient descent on the square loss; exact when opt = 0 (Soltanolkotabi 2017)",
		func() Flagger { return new(GD) })
}

// GD is gradient descent on the square loss L(w) = E[(relu(w.x) - y)^2],
// written as an SQ algorithm (theory §2.4, §5.4).
//
// SQ form: grad L(w) = w - 2 E[y 1{w.x > 0} x]. The first term is the
// label-free part 2 E[relu(w.x) 1{w.x > 0} x] = w, which the learner knows
// from the Gaussian marginal; the second is one correlational vector query
// (sq.GateCorr) per step, asked with per-coordinate tolerance Tol, so the
// gradient used is within 2 sqrt(d) Tol of the true one in Euclidean norm.
// At w = 0 the derivative of relu is taken as relu'(0) = 1/2, so the first
// step from zero is along E[y x] (sq.Chow): grad L(0) = -E[y x].
//
// Guarantee (Soltanolkotabi 2017, "Learning ReLUs via gradient descent"): for
// realizable labels y = relu(w*.x), projected gradient descent from 0
// converges linearly to w*; with inexact gradients it converges to a ball of
// radius O(sqrt(d) Tol) around w* (theory §5.4). With Step = 1 the constant
// is explicit: the update is w' = T(w) + 2e with T the population map of
// theory §7(e) and ||2e|| <= 2 sqrt(d) Tol; T depends only on the direction
// of w and ||T(w) - w*|| = ||w*|| g(theta)/pi with g(theta) = theta^2 +
// O(theta^4), so from 0 (w_1 = w* + 2e) every iterate stays within the
// smallest fixed point rho of r -> 2 sqrt(d) Tol + ||w*|| g(asin(r/||w*||))/pi,
// rho = 2 sqrt(d) Tol (1 + 2 sqrt(d) Tol/(pi ||w*||) + ...): 2.0091 sqrt(d) Tol
// at d = 50, Tol = 1e-3, ||w*|| = 1 (the tests check C = 2.01; the
// adversarial oracle reaches 2.004). With agnostic labels GD has no such
// guarantee, and on the parity-embedded family of the hardness package no SQ
// algorithm does (GKK19).
//
// Queries: Steps vector queries of dimension d (correlational), one per
// adaptivity round. The session's step hook (sq.Session.Step) sees w_0 and
// every iterate w_t; stopped at step t, GD returns relu(w_t.x).
//
// The defaults are those Flags declares; a zero field means its default, so
// GD{Tol: 1e-3} runs 200 steps of size 1 from zero (W0 with Init "" means
// Init "given"). A GD built from options (New, NewGD) holds exactly the
// values parsed, so steps=0 or norm0=0 there mean 0.
type GD struct {
	Step   float64   // step size (default 1: the Hessian at w* is the identity)
	Steps  int       // number of steps (default 200)
	Init   string    // "zero" (default), "random" (a random direction of norm Norm0), or "given" (W0)
	W0     []float64 // initial weights for Init = "given"
	Norm0  float64   // norm of the random initialisation (default 0.1)
	Radius float64   // project onto ||w|| <= Radius after each step (0: no projection)
	Tol    float64   // per-coordinate tolerance of each gradient query (default 1e-6)
	// OnStep, if set, is called after every step with the step number
	// (1, 2, ...) and the new weights (do not keep the slice).
	// Superseded by the session's hook sq.Session.OnStep, which gets the
	// same calls (and step 0) and can also stop the learner: prefer it in
	// new code; this field is kept for existing callers.
	OnStep func(step int, w []float64)

	parsed bool // built from options (NewGD): its zero fields are settings, not defaults
}

// Flags declares GD's options: step, steps, init, w0, norm0, radius, tol.
// A zero field of a GD used directly holds the default declared here.
func (g *GD) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&g.Step, "step", 1, "step size (the Hessian at w* is the identity)")
	fs.IntVar(&g.Steps, "steps", 200, "number of gradient steps (0: return the initial iterate)")
	fs.StringVar(&g.Init, "init", "zero", "initial iterate: zero, random (a random direction of norm norm0) or given (w0)")
	fs.Var((*Floats)(&g.W0), "w0", "initial weights, comma-separated (sets init=given)")
	fs.Float64Var(&g.Norm0, "norm0", 0.1, "norm of the random initialisation")
	fs.Float64Var(&g.Radius, "radius", 0, "project onto ||w|| <= radius after each step (0: no projection)")
	fs.Float64Var(&g.Tol, "tol", 1e-6, "per-coordinate tolerance of each gradient query")
}

// NewGD builds GD from options (see Flags).
func NewGD(o Options) (*GD, error) {
	g := new(GD)
	return g, parseOptions("gd", g, o)
}

// resolve reads w0 without init as init=given.
func (g *GD) resolve() {
	g.parsed = true
	if g.W0 != nil && g.Init == "zero" {
		g.Init = "given"
	}
}

// defaults returns the GD that runs: g with its zero fields defaulted.
func (g *GD) defaults() *GD {
	if g.parsed {
		return g
	}
	c := withDefaults(g)
	if g.Init == "" && g.W0 != nil {
		c.Init = "given"
	}
	return c
}

func (g *GD) validate() error {
	switch {
	case !(g.Step > 0):
		return fmt.Errorf("%w: gd: step = %v, want > 0", ErrOption, g.Step)
	case g.Steps < 0:
		return fmt.Errorf("%w: gd: steps = %d, want >= 0", ErrOption, g.Steps)
	case !(g.Tol > 0):
		return fmt.Errorf("%w: gd: tol = %v, want > 0", ErrOption, g.Tol)
	case g.Radius < 0:
		return fmt.Errorf("%w: gd: radius = %v, want >= 0 (0: no projection)", ErrOption, g.Radius)
	case g.Init != "zero" && g.Init != "random" && g.Init != "given":
		return fmt.Errorf("%w: gd: init = %q, want zero, random or given", ErrOption, g.Init)
	case g.Init == "given" && g.W0 == nil:
		return fmt.Errorf("%w: gd: init = given needs w0", ErrOption)
	}
	return nil
}

// Name returns "gd".
func (g *GD) Name() string { return "gd" }

// Learn runs the gradient steps and returns relu(w.x).
func (g *GD) Learn(s *sq.Session) (sq.Hypothesis, error) {
	g = g.defaults()
	if err := g.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	w := make([]float64, d)
	switch g.Init {
	case "random":
		n := 0.0
		for i := range w {
			w[i] = s.Rand.NormFloat64()
			n += w[i] * w[i]
		}
		for i := range w {
			w[i] *= g.Norm0 / math.Sqrt(n)
		}
	case "given":
		if len(g.W0) != d {
			return nil, fmt.Errorf("%w: gd: w0 has %d entries, want d = %d", ErrOption, len(g.W0), d)
		}
		copy(w, g.W0)
	}
	label := make([]float64, d)
	free := make([]float64, d)
	if stop, err := s.Step(0, w); err != nil {
		return nil, fmt.Errorf("gd: %w", err)
	} else if stop {
		return sq.ReLU{W: w}, nil
	}
	for t := 1; t <= g.Steps; t++ {
		var err error
		if isZero(w) {
			// relu'(0) = 1/2: grad L(0) = 2 E[(0 - y) x / 2] = -E[y x].
			if label, err = s.AskVec(sq.Chow(d), g.Tol, label); err != nil {
				return nil, err
			}
			for i := range w {
				w[i] += g.Step * label[i]
			}
		} else {
			if label, err = s.AskVec(sq.GateCorr(w), g.Tol, label); err != nil {
				return nil, err
			}
			gauss.ReluX(w, free) // E[relu(w.x) x] = w/2: the label-free half of the gradient
			for i := range w {
				w[i] -= g.Step * (2*free[i] - 2*label[i])
			}
		}
		project(w, g.Radius)
		if g.OnStep != nil {
			g.OnStep(t, w)
		}
		if stop, err := s.Step(t, w); err != nil {
			return nil, fmt.Errorf("gd: %w", err)
		} else if stop {
			break
		}
	}
	return sq.ReLU{W: w}, nil
}

func isZero(w []float64) bool {
	for _, v := range w {
		if v != 0 {
			return false
		}
	}
	return true
}

// project scales w onto the ball of radius r (r = 0: no projection).
func project(w []float64, r float64) {
	if r <= 0 {
		return
	}
	n := 0.0
	for _, v := range w {
		n += v * v
	}
	if n = math.Sqrt(n); n > r {
		for i := range w {
			w[i] *= r / n
		}
	}
}
