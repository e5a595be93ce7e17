package sq

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Session is everything a learner works with: the public Setting, an
// oracle, the ledger that counts its queries, and its own random stream.
// A learner asks queries through the session, so that they are counted
// (in the ledger, when the harness put one there) and grouped into
// adaptivity rounds.
type Session struct {
	Setting Setting
	Oracle  Oracle
	Ledger  *Ledger    // may be nil; label-free expectations are recorded here as free
	Rand    *rand.Rand // the learner's randomness, derived from the run's seed
}

// Ask returns the oracle's answer to the scalar query q at tolerance tau.
func (s *Session) Ask(q *Query, tau float64) (float64, error) {
	return Ask(s.Oracle, q, tau)
}

// AskVec answers the vector query q into dst (allocated when dst is shorter
// than q.Dim) and returns it.
func (s *Session) AskVec(q *Query, tau float64, dst []float64) ([]float64, error) {
	if len(dst) < q.Dim {
		dst = make([]float64, q.Dim)
	}
	dst = dst[:q.Dim]
	if err := s.Oracle.Answer(q, tau, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// Batch runs fn with all the queries it asks counted as one adaptivity
// round: use it for queries none of which depends on another's answer.
func (s *Session) Batch(fn func() error) error {
	if s.Ledger == nil {
		return fn()
	}
	return s.Ledger.Round(fn)
}

// Free computes the expectation of a label-free query from the Setting (see
// Setting.Expect) into out[:q.Dim]. It costs no query; the ledger records it
// as free so that traces show everything the learner computed.
func (s *Session) Free(q *Query, out []float64) error {
	start := time.Now()
	if err := s.Setting.Expect(q, out); err != nil {
		return err
	}
	if s.Ledger != nil {
		s.Ledger.Record(q, freeTol, out, Info{Oracle: "setting", Nanos: time.Since(start).Nanoseconds(), Free: true})
	}
	return nil
}

// freeTol is the tolerance recorded for a free expectation: the closed forms
// and quadrature are accurate to about this.
const freeTol = 1e-12

// A Learner is an SQ algorithm: it learns from the answers to the queries it
// asks through the session, and returns a hypothesis. It never sees samples
// or the world's hidden parameters.
type Learner interface {
	Name() string
	Learn(s *Session) (Hypothesis, error)
}

// Hypothesis is a learner's output: a predictor of the label.
type Hypothesis interface {
	Predict(x []float64) float64
}

// ReLU is the hypothesis x -> relu(W.x).
type ReLU struct{ W []float64 }

// Predict returns relu(W.x).
func (h ReLU) Predict(x []float64) float64 {
	if s := dot(h.W, x); s > 0 {
		return s
	}
	return 0
}

// String prints the weights.
func (h ReLU) String() string { return fmt.Sprintf("relu(%v.x)", h.W) }
