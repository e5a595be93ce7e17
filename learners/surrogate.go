package learners

import (
	"flag"
	"fmt"

	"github.com/sqsim/sqsim/sq"
)

func init() {
	RegisterFlags("surrogate", "projected GD on the convex matching loss (Diakonikolas-Goel-Karmalkar-Klivans-Soltanolkotabi 2020); -> 2 E[y x], <= (1+sqrt 2)^2 opt",
		func() Flagger { return new(Surrogate) })
}

// Surrogate is projected gradient descent on the convex matching-loss
// surrogate of Diakonikolas, Goel, Karmalkar, Klivans and Soltanolkotabi,
// "Approximation schemes for ReLU regression", COLT 2020 (theory §2.6,
// §7(a)):
//
//	L_sur(w) = E[ integral_0^{w.x} (relu(t) - y) dt ] = E[relu(w.x)^2/2 - y w.x],
//	w_0 = 0,  w_{t+1} = Proj_{||w|| <= Radius}(w_t - Step * grad L_sur(w_t)).
//
// SQ form: grad L_sur(w) = E[(relu(w.x) - y) x] = w/2 - E[y x] under
// x ~ N(0, I_d): the label part is the correlational vector query E[y x]
// (sq.Chow), the rest is free (theory E4). As in the pseudocode of theory
// §7(a) every step asks its gradient afresh (Reask, the default: a sampling
// oracle then draws fresh examples, a noisy oracle fresh noise, and the
// last iterate averages them with geometric weights); with Reask false the
// answer of the first step is reused, which is the cheapest SQ form (the
// label part does not depend on w).
//
// Guarantee: L_sur is (1/2)-strongly convex and 1/2-smooth under Gaussian
// marginals, so for Step in (0, 4) the iterates converge to the constrained
// minimizer Proj_R(2 E[y x]) at rate |1 - Step/2|^t (theory §7(a)); with
// Radius = 0 (no projection) or Radius >= 1 the limit has loss at most
// (1 + sqrt 2)^2 opt under Gaussian marginals (theory §6.4; the projection
// onto a ball that contains the best ReLU of norm <= 1 does not move a point
// away from it), plus the SQ error of E[y x] (at most 2 sqrt(d) Tol in w).
// DGKKS20 prove O(opt) + eps for all log-concave marginals.
//
// Queries: Steps vector queries of dimension d (Reask) or 1, one adaptivity
// round each. The session's step hook sees w_0 = 0 and every iterate w_t;
// stopped at step t, Surrogate returns relu(w_t.x).
type Surrogate struct {
	Step   float64 // step size (default 1), in (0, 4)
	Steps  int     // iterations (default 50)
	Radius float64 // project onto ||w|| <= Radius after each step (0, the default: no projection)
	Reask  bool    // ask E[y x] at every step (default true from options; the zero value false asks once)
	Tol    float64 // per-coordinate tolerance of each query (default 1e-6)
	// OnStep, if set, is called after every step with the step number
	// (1, 2, ...) and the new weights (do not keep the slice).
	// Superseded by the session's hook sq.Session.OnStep, which gets the
	// same calls (and step 0) and can also stop the learner: prefer it in
	// new code; this field is kept for existing callers.
	OnStep func(step int, w []float64)
}

// Flags declares Surrogate's options: step, steps, radius, reask, tol. A zero field of a Surrogate used directly
// holds the default declared here, except Reask, whose zero value false asks E[y x] once.
func (g *Surrogate) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&g.Step, "step", 1, "step size, in (0, 4)")
	fs.IntVar(&g.Steps, "steps", 50, "iterations, 1 <= steps <= 1000000")
	fs.Float64Var(&g.Radius, "radius", 0, "project onto ||w|| <= radius after each step (0: no projection)")
	fs.BoolVar(&g.Reask, "reask", true, "ask E[y x] at every step (false: once)")
	fs.Float64Var(&g.Tol, "tol", 1e-6, "per-coordinate tolerance of each query")
}

// NewSurrogate builds Surrogate from options (see Flags).
func NewSurrogate(o Options) (*Surrogate, error) {
	g := new(Surrogate)
	return g, parseOptions("surrogate", g, o)
}

func (g *Surrogate) validate() error {
	switch {
	case !(g.Step > 0 && g.Step < 4):
		return fmt.Errorf("%w: surrogate: step = %v, want a step in (0, 4) (the iteration diverges otherwise)", ErrOption, g.Step)
	case g.Steps < 1 || g.Steps > 1000000:
		return fmt.Errorf("%w: surrogate: steps = %d, want 1 <= steps <= 1000000", ErrOption, g.Steps)
	case !(g.Radius >= 0) || g.Radius > 1e300:
		return fmt.Errorf("%w: surrogate: radius = %v, want a finite radius >= 0 (0: no projection)", ErrOption, g.Radius)
	}
	return tolOK("surrogate", g.Tol)
}

// Name returns "surrogate".
func (g *Surrogate) Name() string { return "surrogate" }

// Learn runs the projected gradient steps and returns the last iterate.
func (g *Surrogate) Learn(s *sq.Session) (sq.Hypothesis, error) {
	g = withDefaults(g)
	if err := g.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	w := make([]float64, d)
	var c []float64
	if stop, err := s.Step(0, w); err != nil {
		return nil, fmt.Errorf("surrogate: %w", err)
	} else if stop {
		return sq.ReLU{W: w}, nil
	}
	for t := 1; t <= g.Steps; t++ {
		if c == nil || g.Reask {
			var err error
			if c, err = s.AskVec(sq.Chow(d), g.Tol, c); err != nil {
				return nil, err
			}
		}
		for i := range w {
			w[i] -= g.Step * (w[i]/2 - c[i])
		}
		project(w, g.Radius)
		if g.OnStep != nil {
			g.OnStep(t, w)
		}
		if stop, err := s.Step(t, w); err != nil {
			return nil, fmt.Errorf("surrogate: %w", err)
		} else if stop {
			break
		}
	}
	return sq.ReLU{W: w}, nil
}
