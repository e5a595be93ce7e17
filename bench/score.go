package bench

import (
	"fmt"
	"math"
	"slices"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// Scorable is implemented by hypotheses that know their exact loss under a
// world (improper hypotheses such as learners.HermitePoly and learners.SIM):
// ExactLoss returns E[(h(x) - y)^2] and a bound on its numerical error.
// The harness calls it; learners never see a world.
type Scorable interface {
	ExactLoss(w sq.World) (loss, errBound float64, err error)
}

// Directional is implemented by improper hypotheses that have an index
// direction (learners.SIM); the harness reports its angle to w*.
type Directional interface {
	Direction() []float64
}

func direction(h sq.Hypothesis) []float64 {
	switch v := h.(type) {
	case sq.ReLU:
		return v.W
	case *sq.ReLU:
		return v.W
	case Directional:
		return v.Direction()
	}
	return nil
}

// ScoreResult is a hypothesis' population loss and how it was computed.
type ScoreResult struct {
	Loss, ErrBound float64
	Method         string
	Kind           string    // "relu" or the hypothesis' Go type
	W              []float64 // a ReLU's weights
}

// MonteCarloN is the number of examples of the Monte Carlo fallback of Score.
const MonteCarloN = 1 << 19

// keyScore names the random stream of Score's Monte Carlo fallback (distinct
// from the sq.Key* streams).
const keyScore uint64 = 0x5c0_4e

// Score returns the population square loss of h under the world:
//
//   - a ReLU (sq.ReLU or *sq.ReLU): world.Model.Loss, closed form for the
//     realizable and noisy worlds (theory §2.3) and kink-aware quadrature
//     otherwise, with its error bound;
//   - a Scorable hypothesis: its ExactLoss;
//   - anything else: a Monte Carlo mean over MonteCarloN examples from the
//     stream (seed, keyScore); ErrBound is then 4 standard errors (a
//     statistical bound, not a certain one), and Method says so.
func Score(w *world.Model, h sq.Hypothesis, seed uint64) (ScoreResult, error) {
	var W []float64
	switch v := h.(type) {
	case sq.ReLU:
		W = v.W
	case *sq.ReLU:
		W = v.W
	}
	if W != nil || isReLU(h) {
		if len(W) != w.Setting().D {
			return ScoreResult{}, fmt.Errorf("the ReLU has %d weights, the world has dimension %d", len(W), w.Setting().D)
		}
		l, eb, err := w.Loss(W)
		if err != nil {
			return ScoreResult{}, err
		}
		method := "exact: kink-aware quadrature"
		if n := w.Name(); n == "realizable" || n == "noisy" {
			method = "exact: closed form (theory §2.3)"
		}
		return ScoreResult{Loss: l, ErrBound: eb, Method: method, Kind: "relu", W: slices.Clone(W)}, nil
	}
	kind := fmt.Sprintf("%T", h)
	if s, ok := h.(Scorable); ok {
		l, eb, err := s.ExactLoss(w)
		if err != nil {
			return ScoreResult{}, err
		}
		return ScoreResult{Loss: l, ErrBound: eb, Method: "exact: the hypothesis' ExactLoss", Kind: kind}, nil
	}
	l, se := monteCarloLoss(w, h, seed, MonteCarloN)
	return ScoreResult{Loss: l, ErrBound: 4 * se, Kind: kind,
		Method: fmt.Sprintf("monte carlo: %d examples, error bound = 4 standard errors", MonteCarloN)}, nil
}

func isReLU(h sq.Hypothesis) bool {
	switch h.(type) {
	case sq.ReLU, *sq.ReLU:
		return true
	}
	return false
}

// monteCarloLoss returns the mean of (h(x) - y)^2 over n examples and its
// standard error.
func monteCarloLoss(w *world.Model, h sq.Hypothesis, seed uint64, n int) (float64, float64) {
	d := w.Setting().D
	const chunk = 4096
	x := make([]float64, chunk*d)
	y := make([]float64, chunk)
	var sum, sum2 float64
	for done, k := 0, uint64(0); done < n; k++ {
		m := min(chunk, n-done)
		w.Sample(sq.Stream(seed, keyScore, k), x[:m*d], y[:m])
		for i := 0; i < m; i++ {
			e := h.Predict(x[i*d:(i+1)*d]) - y[i]
			sum += e * e
			sum2 += e * e * e * e
		}
		done += m
	}
	mean := sum / float64(n)
	v := math.Max(sum2/float64(n)-mean*mean, 0)
	return mean, math.Sqrt(v / float64(n))
}

func hDot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func hNorm(a []float64) float64 { return math.Sqrt(hDot(a, a)) }
