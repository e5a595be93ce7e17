package learners

import (
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
)

func init() {
	RegisterFlags("random", "baseline of the lower-bound game: correlational queries at random directions, best ReLU among them",
		func() Flagger { return new(RandomQueries) })
}

// RandomQueries is the baseline learner of the lower-bound game: it asks
// Budget correlational queries E[y relu(u.x)] at random unit directions u
// and returns relu(r u*) for the direction u* with the largest answer, at
// its best norm r = 2 E[y relu(u*.x)] (clipped to [0, 1]). Kind "support"
// draws u = (random signs on a random k-subset)/sqrt(k), the directions the
// parity can see; kind "dense" draws u uniform on the sphere. The queries
// are non-adaptive (one round). It knows nothing about S and, against the
// adversary, learns nothing either. Zero fields of a struct literal take
// the defaults of Flags.
type RandomQueries struct {
	K      int     // support size of the directions (default 2)
	Budget int     // number of queries (default 100)
	Tol    float64 // tolerance of each query (default 1e-3)
	Kind   string  // "support" (default) or "dense"
}

// Flags declares the options k, budget, tol and kind.
func (r *RandomQueries) Flags(fs *flag.FlagSet) {
	fs.IntVar(&r.K, "k", 2, "support size of the random directions (kind support)")
	fs.IntVar(&r.Budget, "budget", 100, "number of queries")
	fs.Float64Var(&r.Tol, "tol", 1e-3, "tolerance of each query")
	fs.StringVar(&r.Kind, "kind", "support", "support (random signs on a random k-subset) or dense (uniform on the sphere)")
}

func (r *RandomQueries) validate() error {
	switch {
	case r.K < 1:
		return fmt.Errorf("%w: random: k = %d, want >= 1", ErrOption, r.K)
	case r.Budget < 1:
		return fmt.Errorf("%w: random: budget = %d, want >= 1", ErrOption, r.Budget)
	case r.Kind != "support" && r.Kind != "dense":
		return fmt.Errorf("%w: random: kind = %q, want support or dense", ErrOption, r.Kind)
	}
	return tolOK("random", r.Tol)
}

// NewRandomQueries builds the learner from options (see Flags).
func NewRandomQueries(o Options) (*RandomQueries, error) {
	r := new(RandomQueries)
	return r, parseOptions("random", r, o)
}

// Name returns "random".
func (r *RandomQueries) Name() string { return "random" }

// Learn asks the random queries and returns the best ReLU among them.
func (r *RandomQueries) Learn(s *sq.Session) (sq.Hypothesis, error) {
	r = withDefaults(r)
	if err := r.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	if r.K > d {
		return nil, fmt.Errorf("%w: random: k = %d exceeds d = %d", ErrOption, r.K, d)
	}
	var best []float64
	bestAns := math.Inf(-1)
	err := s.Batch(func() error {
		for n := 0; n < r.Budget; n++ {
			u := make([]float64, d)
			if r.Kind == "dense" {
				nn := 0.0
				for i := range u {
					u[i] = s.Rand.NormFloat64()
					nn += u[i] * u[i]
				}
				for i := range u {
					u[i] /= math.Sqrt(nn)
				}
			} else {
				for _, i := range sq.RandomSubset(s.Rand, d, r.K) {
					u[i] = 1 / math.Sqrt(float64(r.K))
					if s.Rand.IntN(2) == 1 {
						u[i] = -u[i]
					}
				}
			}
			ans, err := s.Ask(sq.ReluCorr(u), r.Tol)
			if err != nil {
				return err
			}
			if ans > bestAns {
				best, bestAns = u, ans
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rr := math.Max(0, math.Min(1, 2*bestAns))
	for i := range best {
		best[i] *= rr
	}
	return sq.ReLU{W: best}, nil
}
