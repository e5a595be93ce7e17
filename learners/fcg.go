package learners

import (
	"flag"
	"fmt"
	"math"
	"slices"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("fcg", "vanilla GD on F = L/2 (Frei–Cao–Gu 2020): loss O(sqrt(opt)) + eps for ReLU",
		func() Flagger { return new(FCG) })
}

// FCG is the gradient descent of Frei, Cao and Gu, "Agnostic Learning of a
// Single Neuron with Gradient Descent" (NeurIPS 2020): fixed-step gradient
// descent on F(w) = (1/2) E[(relu(w.x) - y)^2] = L(w)/2, written as an SQ
// algorithm (theory §7(b)).
//
// Guarantee (FCG20, from the abstract): for the ReLU, under a nondegeneracy
// assumption on the marginal (which N(0, I_d) satisfies), gradient descent
// reaches population risk O(OPT^(1/2)) + eps in polynomial time, OPT the risk
// of the best w with ||w|| <= 1; when y = relu(v.x) + zero-mean sub-Gaussian
// noise it reaches OPT + eps. The constant in O(OPT^(1/2)) is not stated in
// the material we could read; the tests and docs/approximation.md measure
// loss/sqrt(opt) on a grid of agnostic worlds.
//
// SQ form: the gradient is grad F(w) = E[(relu(w.x) - y) relu'(w.x) x] =
// w/2 - E[y 1{w.x > 0} x] under N(0, I_d); the first term is label-free
// (gauss.ReluX) and the second one correlational vector query (sq.GateCorr)
// per step, at per-coordinate tolerance Tol. At w = 0 we take relu'(0) = 1,
// so the first step from zero is along E[y x] (sq.Chow).
//
// Assumptions (the paper's body was not readable; docs/approximation.md):
// initialisation w_0 = 0 with relu'(0) = 1 (a subgradient at 0; with
// relu'(0) = 0 gradient descent never leaves 0); step size Step = 1 on F (F's
// Hessian is I/2 away from the kink under N(0, I_d), so any step below 4 is
// stable; 1 contracts the error by half per step); no projection. FCG's
// theorem is about some iterate t < T, so the learner returns the iterate of
// least estimated loss: F(w_t) - E[y^2]/2 = ||w_t||^2/4 - m(w_t) with
// m(w) = E[y relu(w.x)] = w . E[y 1{w.x > 0} x], which the gradient query of
// step t already answers (within ||w_t|| sqrt(d) Tol), so selection costs no
// query. Select = "last" returns the last iterate instead.
//
// Queries: Steps vector queries of dimension d, one per round. The
// session's step hook sees w_0 = 0 and every iterate w_t (the last
// iterate, not the best scored so far); stopped at step t, FCG returns
// what it returns with Steps = t.
type FCG struct {
	Step   float64 // step size on F = L/2 (default 1)
	Steps  int     // number of steps T (default 100)
	Tol    float64 // per-coordinate tolerance of the gradient query (default 1e-6)
	Select string  // "best" (default: the iterate of least estimated loss) or "last"
}

// Flags declares FCG's options: step, steps, tol, select. A zero field of a FCG used directly
// holds the default declared here.
func (f *FCG) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&f.Step, "step", 1, "step size on F = L/2")
	fs.IntVar(&f.Steps, "steps", 100, "number of steps T, >= 1")
	fs.Float64Var(&f.Tol, "tol", 1e-6, "per-coordinate tolerance of the gradient query")
	fs.StringVar(&f.Select, "select", "best", "output: best (the iterate of least estimated loss) or last")
}

// NewFCG builds FCG from options (see Flags).
func NewFCG(o Options) (*FCG, error) {
	f := new(FCG)
	return f, parseOptions("fcg", f, o)
}

func (f *FCG) validate() error {
	switch {
	case !(f.Step > 0) || math.IsInf(f.Step, 0):
		return fmt.Errorf("%w: fcg: step = %v, want a finite number > 0", ErrOption, f.Step)
	case f.Steps < 1:
		return fmt.Errorf("%w: fcg: steps = %d, want >= 1", ErrOption, f.Steps)
	case !(f.Tol > 0) || math.IsInf(f.Tol, 0):
		return fmt.Errorf("%w: fcg: tol = %v, want a finite number > 0", ErrOption, f.Tol)
	case f.Select != "best" && f.Select != "last":
		return fmt.Errorf("%w: fcg: select = %q, want best or last", ErrOption, f.Select)
	}
	return nil
}

// Name returns "fcg".
func (f *FCG) Name() string { return "fcg" }

// Learn runs the steps and returns relu(w.x) for the selected iterate.
func (f *FCG) Learn(s *sq.Session) (sq.Hypothesis, error) {
	f = withDefaults(f)
	if err := f.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	w := make([]float64, d)
	best, bestScore := make([]float64, d), 0.0 // w_0 = 0 scores 0
	g := make([]float64, d)
	free := make([]float64, d)
	if stop, err := s.Step(0, w); err != nil {
		return nil, fmt.Errorf("fcg: %w", err)
	} else if stop {
		return sq.ReLU{W: w}, nil
	}
	for t := 0; t < f.Steps; t++ {
		var err error
		if isZero(w) {
			// relu'(0) = 1: grad F(0) = E[(0 - y) x] = -E[y x].
			if g, err = s.AskVec(sq.Chow(d), f.Tol, g); err != nil {
				return nil, err
			}
			for i := range w {
				w[i] += f.Step * g[i]
			}
		} else {
			if g, err = s.AskVec(sq.GateCorr(w), f.Tol, g); err != nil {
				return nil, err
			}
			// The iterate w_t is scored with the answer to its own gradient query.
			if score := vDot(w, w)/4 - vDot(w, g); score < bestScore {
				best, bestScore = slices.Clone(w), score
			}
			gauss.ReluX(w, free) // E[relu(w.x) x] = w/2, the label-free part of grad F
			for i := range w {
				w[i] -= f.Step * (free[i] - g[i])
			}
		}
		if stop, err := s.Step(t+1, w); err != nil {
			return nil, fmt.Errorf("fcg: %w", err)
		} else if stop {
			break
		}
	}
	if f.Select == "last" {
		return sq.ReLU{W: w}, nil
	}
	return sq.ReLU{W: best}, nil
}
