package learners_test

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// prover is an oracle that, before asking the oracle below, checks that the
// terms of every query prove the classes it declares (sq.Query.ProvenClass)
// and notes the queries whose correlational bound rests on a Go function.
type prover struct {
	inner    sq.Oracle
	d        int
	errs     map[string]error
	declared map[string]bool
	asked    int
}

func (p *prover) Name() string { return "prover(" + p.inner.Name() + ")" }
func (p *prover) Answer(q *sq.Query, tau float64, ans []float64) error {
	p.asked++
	if err := q.Validate(p.d); err != nil {
		p.errs[q.Name] = err
	} else if _, err := q.ProvenClass(); err != nil {
		p.errs[q.Name] = err
	}
	if q.Prove().DeclaredBound {
		p.declared[q.Name] = true
	}
	return p.inner.Answer(q, tau, ans)
}

// TestLearnersQueriesProved: every registered learner, run on a realizable
// world, asks only queries whose declared classes their terms prove
// (through a Boolean view too: approx).
func TestLearnersQueriesProved(t *testing.T) {
	const d = 4
	w, err := world.Realizable([]float64{0.6, -0.8, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, name := range learners.Names() {
		t.Run(name, func(t *testing.T) {
			l, err := learners.New(name, learners.Options{"tol": "1e-3"})
			if err != nil {
				t.Fatal(err)
			}
			p := &prover{inner: oracle.Chain(oracle.Exact(w), oracle.WithBudget(sq.Budget{MaxQueries: 20000})), d: d,
				errs: map[string]error{}, declared: map[string]bool{}}
			s := &sq.Session{Setting: w.Setting(), Oracle: p, Rand: sq.Stream(1, sq.KeyLearner)}
			if _, err := l.Learn(s); err != nil && !errors.Is(err, sq.ErrBudget) {
				t.Logf("learn: %v", err)
			}
			if p.asked == 0 {
				t.Error("the learner asked no query")
			}
			for q, err := range p.errs {
				t.Errorf("query %q: %v", q, err)
			}
			for q := range p.declared {
				declared = append(declared, name+": "+q)
			}
		})
	}
	sort.Strings(declared)
	t.Logf("queries whose correlational bound rests on a Go function: %s", strings.Join(declared, "; "))
}
