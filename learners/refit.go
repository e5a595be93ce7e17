package learners

import (
	"flag"
	"math"

	"github.com/sqsim/sqsim/sq"
	"gonum.org/v1/gonum/floats"
)

func init() {
	RegisterFlags("refit", "one-step Chow with norm refit: direction of E[y x], best norm along it; loss <= chow's",
		func() Flagger { return new(Refit) })
}

// Refit asks E[y x] (d correlational queries) for a direction u, then
// E[y relu(u.x)], and returns relu(r u.x) with the best norm r = max(0,
// 2 E[y relu(u.x)]) (theory §2.4): its loss is at most chow's + 2 Tol^2.
type Refit struct{ Tol float64 }

// Flags declares refit's one option, the run's tolerance.
func (r *Refit) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&r.Tol, "tol", 1e-6, "tolerance of both queries")
}

func (r *Refit) Name() string { return "refit" }

// Learn asks the two queries and returns relu(r u.x).
func (r *Refit) Learn(s *sq.Session) (sq.Hypothesis, error) {
	r = withDefaults(r) // a zero Tol (Refit{}) is the default 1e-6
	u, err := s.AskVec(sq.Chow(s.Setting.D), r.Tol, nil)
	if err != nil || floats.Norm(u, 2) == 0 {
		return sq.ReLU{W: u}, err // E[y x] = 0: no direction, predict 0
	}
	floats.Scale(1/floats.Norm(u, 2), u)
	m, err := s.Ask(sq.ReluCorr(u), r.Tol)
	floats.Scale(math.Max(0, 2*m), u)
	return sq.ReLU{W: u}, err
}
