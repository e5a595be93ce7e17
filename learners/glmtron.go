package learners

import (
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("glmtron", "GLMtron with the ReLU link, best iterate by its loss (Kakade-Kanade-Shamir-Kalai 2011); -> 2 E[y x], <= (1+sqrt 2)^2 opt",
		func() Flagger { return new(GLMtron) })
}

// GLMtron is the GLMtron of Kakade, Kanade, Shamir and Kalai, "Efficient
// learning of generalized linear and single index models with isotonic
// regression", NIPS 2011, with the known link u = relu, written as an SQ
// algorithm (theory §7(d)):
//
//	w_0 = 0,  w_{t+1} = w_t + Step * E[(y - relu(w_t.x)) x],
//
// followed by the choice of the iterate with the smallest square loss (the
// paper's guarantee is for some iterate, found on held-out data).
//
// SQ form: E[(y - relu(w.x)) x] = E[y x] - w/2 under x ~ N(0, I_d). The
// label part E[y x] does not depend on w (GLMtron reuses its sample at every
// iteration, and the SQ form reuses the answer), so it is one correlational
// vector query (sq.Chow); E[relu(w.x) x] = w/2 is free (theory E4). The
// iterates are w_t = 2 c (1 - (1 - Step/2)^t) with c the answer, converging
// to 2 E[y x] at rate (1 - Step/2)^t for Step in (0, 4) (the minimizer of the
// matching loss of theory §2.6). The choice: L(w_t) - E[y^2] =
// ||w_t||^2/2 - 2 E[y relu(w_t.x)], so one correlational vector query
// E[y relu(w_t.x)] over all iterates (sq.ReluBatch, tolerance Tol per
// iterate) ranks them; Select = "last" skips it and returns w_T.
//
// Guarantee: under Gaussian marginals the last iterate is 2 E[y x] up to
// (1 - Step/2)^T, whose loss is at most (1 + sqrt 2)^2 opt (theory §6.4,
// plus the SQ error of Chow); each iterate's estimated loss is within
// 2 Tol of the truth, so the chosen iterate's loss is at most the last one's
// plus 4 Tol. KKSK11's own bound (excess error
// O(W sqrt(log(1/delta)/m)) for E[y|x] = u(w*.x), ||x|| <= 1) is for bounded
// x and does not apply verbatim.
//
// Queries: 2 vector queries (d + Steps scalar queries), 2 adaptivity rounds;
// 1 vector query and 1 round with Select = "last". The session's step hook
// sees w_0 = 0 (before any query) and every iterate w_t (the steps
// themselves are free); stopped at step t, GLMtron returns what it returns
// with Steps = t (with Select = "best" it still asks its selection query
// over w_1..w_t).
type GLMtron struct {
	Step   float64 // step size (default 1), in (0, 4)
	Steps  int     // iterations T (default 50)
	Select string  // "best" (default): the iterate with the smallest loss; "last": w_T
	Tol    float64 // per-coordinate tolerance of both queries (default 1e-6)
}

// Flags declares GLMtron's options: step, steps, select, tol. A zero field of a GLMtron used directly
// holds the default declared here.
func (g *GLMtron) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&g.Step, "step", 1, "step size, in (0, 4)")
	fs.IntVar(&g.Steps, "steps", 50, "iterations T, 1 <= steps <= 1000000")
	fs.StringVar(&g.Select, "select", "best", "output: best (the iterate with the smallest loss) or last (w_T)")
	fs.Float64Var(&g.Tol, "tol", 1e-6, "per-coordinate tolerance of both queries")
}

// NewGLMtron builds GLMtron from options (see Flags).
func NewGLMtron(o Options) (*GLMtron, error) {
	g := new(GLMtron)
	return g, parseOptions("glmtron", g, o)
}

func (g *GLMtron) validate() error {
	switch {
	case !(g.Step > 0 && g.Step < 4):
		return fmt.Errorf("%w: glmtron: step = %v, want a step in (0, 4) (the iteration diverges otherwise)", ErrOption, g.Step)
	case g.Steps < 1 || g.Steps > 1000000:
		return fmt.Errorf("%w: glmtron: steps = %d, want 1 <= steps <= 1000000", ErrOption, g.Steps)
	case g.Select != "best" && g.Select != "last":
		return fmt.Errorf("%w: glmtron: select = %q, want best or last", ErrOption, g.Select)
	}
	return tolOK("glmtron", g.Tol)
}

// Name returns "glmtron".
func (g *GLMtron) Name() string { return "glmtron" }

// Learn runs the iterations and returns the chosen iterate as relu(w.x).
func (g *GLMtron) Learn(s *sq.Session) (sq.Hypothesis, error) {
	g = withDefaults(g)
	if err := g.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	w := make([]float64, d)
	if stop, err := s.Step(0, w); err != nil {
		return nil, fmt.Errorf("glmtron: %w", err)
	} else if stop {
		return sq.ReLU{W: w}, nil
	}
	c, err := s.AskVec(sq.Chow(d), g.Tol, nil) // E[y x], the label part of every step
	if err != nil {
		return nil, err
	}
	iter := make([][]float64, 0, g.Steps)
	for t := 0; t < g.Steps; t++ {
		for i := range w {
			w[i] += g.Step * (c[i] - w[i]/2) // E[relu(w.x) x] = w/2 (free)
		}
		iter = append(iter, append([]float64(nil), w...))
		if stop, err := s.Step(t+1, w); err != nil {
			return nil, fmt.Errorf("glmtron: %w", err)
		} else if stop {
			break
		}
	}
	if g.Select == "last" {
		return sq.ReLU{W: w}, nil
	}
	if gauss.Norm(w) == 0 {
		return sq.ReLU{W: w}, nil // E[y x] = 0: every iterate is 0
	}
	m, err := s.AskVec(sq.ReluBatch(iter), g.Tol, nil) // E[y relu(w_t.x)]
	if err != nil {
		return nil, err
	}
	best, bestL := 0, math.Inf(1)
	for t, wt := range iter {
		n := gauss.Norm(wt)
		if l := n*n/2 - 2*m[t]; l < bestL {
			best, bestL = t, l
		}
	}
	return sq.ReLU{W: iter[best]}, nil
}
