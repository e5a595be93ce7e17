package learners

import (
	"flag"

	"github.com/sqsim/sqsim/sq"
)

func init() {
	RegisterFlags("chow", "w = 2 E[y x] (Chow parameters); loss <= (1+sqrt 2)^2 opt under Gaussian marginals (theory §6.4)",
		func() Flagger { return new(Chow) })
}

// Chow outputs relu(w.x) with w = 2 E[y x], the minimizer of the convex
// matching-loss surrogate L_sur(w) = ||w||^2/4 - w.E[y x] (theory §2.6, §6.4).
//
// Guarantee (theory §6.4, from the Chow-parameter remark of Diakonikolas,
// Goel, Karmalkar, Klivans and Soltanolkotabi, COLT 2020): under x ~ N(0, I_d)
// and any labels, write w_opt for the best ReLU of norm at most 1 and
// e = y - relu(w_opt.x); then 2 E[y x] = w_opt + 2 E[e x] with
// ||E[e x]|| <= sqrt(opt), and by the Lipschitz bound of theory §2.5
//
//	L(w) <= (sqrt(opt) + sqrt 2 sqrt(opt))^2 = (1 + sqrt 2)^2 opt ~ 5.83 opt.
//
// With per-coordinate tolerance Tol the answer is within sqrt(d) Tol of
// E[y x] in Euclidean norm, so w moves by at most 2 sqrt(d) Tol and the bound
// becomes (sqrt(opt) + sqrt 2 sqrt(opt) + sqrt 2 sqrt(d) Tol)^2. The output
// may have norm above 1.
//
// SQ form: one correlational vector query E[y x] (sq.Chow) of dimension d at
// per-coordinate tolerance Tol; nothing is free because nothing else is
// needed. Queries: 1 vector query = d scalar queries, 1 adaptivity round.
type Chow struct {
	Tol float64 // per-coordinate tolerance of the query (default 1e-6)
}

// Flags declares Chow's options: tol. A zero field of a Chow used directly
// holds the default declared here.
func (c *Chow) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&c.Tol, "tol", 1e-6, "per-coordinate tolerance of the query")
}

// NewChow builds Chow from options (see Flags).
func NewChow(o Options) (*Chow, error) {
	c := new(Chow)
	return c, parseOptions("chow", c, o)
}

func (c *Chow) validate() error { return tolOK("chow", c.Tol) }

// Name returns "chow".
func (c *Chow) Name() string { return "chow" }

// Learn asks E[y x] and returns relu(2 E[y x] . x).
func (c *Chow) Learn(s *sq.Session) (sq.Hypothesis, error) {
	c = withDefaults(c)
	if err := tolOK("chow", c.Tol); err != nil {
		return nil, err
	}
	w, err := s.AskVec(sq.Chow(s.Setting.D), c.Tol, nil)
	if err != nil {
		return nil, err
	}
	for i := range w {
		w[i] *= 2
	}
	return sq.ReLU{W: w}, nil
}
