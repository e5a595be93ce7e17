package learners

import (
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("dktz", "projected GD on the ridge-regularised square loss (Diakonikolas–Kontonis–Tzamos–Zarifis 2022): loss O(opt) + eps",
		func() Flagger { return new(DKTZ) })
}

// DKTZ is the gradient descent of Diakonikolas, Kontonis, Tzamos and
// Zarifis, "Learning a Single Neuron with Adversarial Label Noise via
// Gradient Descent" (COLT 2022, PMLR 178:4313–4361), for the ReLU: gradient
// descent on a regularised square loss (theory §7(c)).
//
// Guarantee (DKTZ22, from the abstract): for monotone activations including
// the ReLU and isotropic log-concave marginals (so N(0, I_d)), the output has
// F(w) <= C opt + eps for a universal constant C, F the square loss; for the
// ReLU with sample complexity O~(d polylog(1/eps)). The correctness rests on
// structural results: (essentially all) stationary points of the non-convex
// loss are approximately optimal. C is not stated in the material we could
// read; the tests and docs/approximation.md measure loss/opt on a grid of
// agnostic worlds.
//
// Algorithm as implemented (the regulariser and the initialisation could not
// be pinned down; docs/approximation.md lists the assumptions): projected
// gradient descent on
//
//	G(w) = E[(relu(w.x) - y)^2] + Lambda ||w||^2,   w <- P_{||w|| <= Radius}(w - Step grad G(w)),
//
// from w_0 = 0 with relu'(0) = 1/2 (so the first step is along E[y x]), for
// Steps steps, returning the last iterate (a near-stationary point). We read
// "regularised" as the ridge penalty. Along w* the objective is
// (r - r*)^2/2 + Lambda r^2 for labels relu(w*.x), r* = ||w*||, so the
// penalty shrinks the minimiser to r*/(1 + 2 Lambda) and adds
// (2 Lambda/(1 + 2 Lambda))^2 r*^2/2 <= 2 Lambda^2 r*^2 to the loss (2e-6 at
// the default Lambda = 1e-3 and r* <= 1). The projection radius defaults to
// 1, the ball over which opt is defined.
//
// SQ form: grad G(w) = w - 2 E[y 1{w.x > 0} x] + 2 Lambda w under N(0, I_d)
// (theory §2.4): one correlational vector query (sq.GateCorr) per step at
// per-coordinate tolerance Tol; the rest is label-free (gauss.ReluX). At
// w = 0 the query is E[y x] (sq.Chow).
//
// Queries: Steps vector queries of dimension d, one per round. The
// session's step hook sees w_0 = 0 and every iterate w_t; stopped at step
// t, DKTZ returns relu(w_t.x).
type DKTZ struct {
	Step   float64 // step size on G (default 0.5; G's Hessian is (1 + 2 Lambda) I away from the kink)
	Steps  int     // number of steps (default 100)
	Lambda float64 // weight of the ridge regulariser Lambda ||w||^2 (default 1e-3 from options; a zero field: no ridge)
	Radius float64 // projection radius (default 1 from options; 0, also a zero field: no projection)
	Tol    float64 // per-coordinate tolerance of the gradient query (default 1e-6)
}

// Flags declares DKTZ's options: step, steps, lambda, radius, tol. A zero field of a DKTZ used directly
// holds the default declared here, except Lambda and Radius, whose zero
// means no ridge and no projection.
func (k *DKTZ) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&k.Step, "step", 0.5, "step size on G (G's Hessian is (1 + 2 lambda) I away from the kink)")
	fs.IntVar(&k.Steps, "steps", 100, "number of steps, >= 1")
	fs.Float64Var(&k.Lambda, "lambda", 1e-3, "weight of the ridge regulariser lambda ||w||^2 (0: no ridge)")
	fs.Float64Var(&k.Radius, "radius", 1, "projection radius (0: no projection)")
	fs.Float64Var(&k.Tol, "tol", 1e-6, "per-coordinate tolerance of the gradient query")
}

// NewDKTZ builds DKTZ from options (see Flags).
func NewDKTZ(o Options) (*DKTZ, error) {
	k := new(DKTZ)
	return k, parseOptions("dktz", k, o)
}

func (k *DKTZ) validate() error {
	switch {
	case !(k.Step > 0) || math.IsInf(k.Step, 0):
		return fmt.Errorf("%w: dktz: step = %v, want a finite number > 0", ErrOption, k.Step)
	case k.Steps < 1:
		return fmt.Errorf("%w: dktz: steps = %d, want >= 1", ErrOption, k.Steps)
	case !(k.Lambda >= 0) || math.IsInf(k.Lambda, 0):
		return fmt.Errorf("%w: dktz: lambda = %v, want a finite number >= 0", ErrOption, k.Lambda)
	case !(k.Radius >= 0) || math.IsInf(k.Radius, 0):
		return fmt.Errorf("%w: dktz: radius = %v, want a finite number >= 0 (0: no projection)", ErrOption, k.Radius)
	case !(k.Tol > 0) || math.IsInf(k.Tol, 0):
		return fmt.Errorf("%w: dktz: tol = %v, want a finite number > 0", ErrOption, k.Tol)
	}
	return nil
}

// Name returns "dktz".
func (k *DKTZ) Name() string { return "dktz" }

// Learn runs the projected steps and returns relu(w.x) for the last iterate.
func (k *DKTZ) Learn(s *sq.Session) (sq.Hypothesis, error) {
	k = withDefaults(k, "Lambda", "Radius")
	if err := k.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	w := make([]float64, d)
	g := make([]float64, d)
	free := make([]float64, d)
	if stop, err := s.Step(0, w); err != nil {
		return nil, fmt.Errorf("dktz: %w", err)
	} else if stop {
		return sq.ReLU{W: w}, nil
	}
	for t := 0; t < k.Steps; t++ {
		var err error
		if isZero(w) {
			// relu'(0) = 1/2: grad G(0) = 2 E[(0 - y) x / 2] = -E[y x].
			if g, err = s.AskVec(sq.Chow(d), k.Tol, g); err != nil {
				return nil, err
			}
			for i := range w {
				w[i] += k.Step * g[i]
			}
		} else {
			if g, err = s.AskVec(sq.GateCorr(w), k.Tol, g); err != nil {
				return nil, err
			}
			gauss.ReluX(w, free) // E[relu(w.x) x] = w/2: grad L = 2 free - 2 g
			for i := range w {
				w[i] -= k.Step * (2*free[i] - 2*g[i] + 2*k.Lambda*w[i])
			}
		}
		project(w, k.Radius)
		if stop, err := s.Step(t+1, w); err != nil {
			return nil, fmt.Errorf("dktz: %w", err)
		} else if stop {
			break
		}
	}
	return sq.ReLU{W: w}, nil
}
