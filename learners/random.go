package learners

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/sqsim/sqsim/sq"
)

func init() {
	Register("random", "baseline of the lower-bound game: correlational queries at random directions, best ReLU among them",
		func(o Options) (sq.Learner, error) { return NewRandomQueries(o) })
}

// RandomQueries is the baseline learner of the lower-bound game: it asks
// Budget correlational queries E[y relu(u.x)] at random unit directions u
// and returns relu(r u*) for the direction u* with the largest answer, at
// its best norm r = 2 E[y relu(u*.x)] (clipped to [0, 1]). Kind "support"
// draws u = (random signs on a random k-subset)/sqrt(k), the directions the
// parity can see; kind "dense" draws u uniform on the sphere. The queries
// are non-adaptive (one round). It knows nothing about S and, against the
// adversary, learns nothing either.
type RandomQueries struct {
	K      int
	Budget int     // number of queries (default 100)
	Tol    float64 // tolerance of each query (default 1e-3)
	Kind   string  // "support" (default) or "dense"
}

// NewRandomQueries builds the learner from options: k, budget, tol, kind.
func NewRandomQueries(o Options) (*RandomQueries, error) {
	if err := o.Check("random", "k", "budget", "tol", "kind"); err != nil {
		return nil, err
	}
	r := &RandomQueries{Kind: o.String("kind", "support")}
	var err error
	if r.K, err = o.Int("k", 2); err != nil {
		return nil, err
	}
	if r.Budget, err = o.Int("budget", 100); err != nil {
		return nil, err
	}
	if r.Tol, err = o.Float("tol", 1e-3); err != nil {
		return nil, err
	}
	switch {
	case r.K < 1:
		return nil, fmt.Errorf("%w: random: k = %d, want >= 1", ErrOption, r.K)
	case r.Budget < 1:
		return nil, fmt.Errorf("%w: random: budget = %d, want >= 1", ErrOption, r.Budget)
	case !(r.Tol > 0):
		return nil, fmt.Errorf("%w: random: tol = %v, want > 0", ErrOption, r.Tol)
	case r.Kind != "support" && r.Kind != "dense":
		return nil, fmt.Errorf("%w: random: kind = %q, want support or dense", ErrOption, r.Kind)
	}
	return r, nil
}

// Name returns "random".
func (r *RandomQueries) Name() string { return "random" }

// Learn asks the random queries and returns the best ReLU among them.
func (r *RandomQueries) Learn(s *sq.Session) (sq.Hypothesis, error) {
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
				for _, i := range randomSubset(s.Rand, d, r.K) {
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

// randomSubset draws a uniform k-subset of [0, d), sorted (the draws of
// hardness.RandomSupport, so that a game's stream use is unchanged).
func randomSubset(r *rand.Rand, d, k int) []int {
	seen := map[int]bool{}
	S := make([]int, 0, k)
	for len(S) < k {
		j := r.IntN(d)
		if !seen[j] {
			seen[j] = true
			S = append(S, j)
		}
	}
	sort.Ints(S)
	return S
}
