package learners_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// TestSparseHalfspace: with k = 1 the parity family is a noisy halfspace
// y = 1{x_i > 0} (flipped with probability eta), and support search finds i
// with the exact oracle; its queries are E[y] and one ReLU query per tested
// coordinate, in one adaptivity round.
func TestSparseHalfspace(t *testing.T) {
	w := make([]float64, 9)
	w[6] = 1
	truth, err := world.Halfspace(w, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := learners.NewSparse(learners.Options{"k": "1", "tol": "1e-3"})
	if err != nil {
		t.Fatal(err)
	}
	l := sq.NewLedger()
	h, err := s.Learn(&sq.Session{Setting: truth.Setting(), Oracle: oracle.Chain(oracle.Exact(truth), oracle.WithLedger(l)), Ledger: l})
	if err != nil {
		t.Fatal(err)
	}
	if !s.Detected || !slices.Equal(s.Found, []int{6}) {
		t.Errorf("found %v (detected %v), want [6]", s.Found, s.Detected)
	}
	if sum := l.Summary(); sum.Queries != 1+7 || sum.Rounds != 1 {
		t.Errorf("%d queries in %d rounds, want 8 in 1", sum.Queries, sum.Rounds)
	}
	relu := h.(sq.ReLU)
	if relu.W[6] <= 0 {
		t.Errorf("weights %v: the ReLU should point along +e_6", relu.W)
	}
}

func TestSparseOptions(t *testing.T) {
	for _, o := range []learners.Options{{"k": "0"}, {"tol": "-1"}, {"query": "psychic"}, {"early": "maybe"}, {"thresh": "-1"}, {"nope": "1"}, {"k": "x"}} {
		if _, err := learners.NewSparse(o); !errors.Is(err, learners.ErrOption) {
			t.Errorf("options %v: err = %v, want ErrOption", o, err)
		}
	}
	s, _ := learners.NewSparse(learners.Options{"k": "4", "max_queries": "100"})
	truth, _ := world.Halfspace([]float64{1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0)
	if _, err := s.Learn(&sq.Session{Setting: truth.Setting(), Oracle: oracle.Exact(truth)}); !errors.Is(err, learners.ErrOption) {
		t.Errorf("C(10, 4) = 210 > max_queries = 100 accepted: %v", err)
	}
}
