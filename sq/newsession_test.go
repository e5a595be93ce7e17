package sq_test

import (
	"errors"
	"testing"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// halfOracle answers every coordinate with 0.5.
type halfOracle struct{}

func (halfOracle) Name() string { return "half" }
func (halfOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	for i := range ans {
		ans[i] = 0.5
	}
	return nil
}

// unwrapper is a transparent wrapper that says what it wraps.
type unwrapper struct{ inner sq.Oracle }

func (u unwrapper) Name() string      { return u.inner.Name() }
func (u unwrapper) Unwrap() sq.Oracle { return u.inner }
func (u unwrapper) Answer(q *sq.Query, tau float64, ans []float64) error {
	return u.inner.Answer(q, tau, ans)
}

// askTwiceInOneRound asks two queries in one Batch.
func askTwiceInOneRound(s *sq.Session) error {
	return s.Batch(func() error {
		for range 2 {
			if _, err := s.Ask(sq.LabelMoment(1), 0.1); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestNewSession: a session built by NewSession records every query and
// its rounds in its own ledger; a hand-built session whose ledger is not the
// one its oracle records in is refused by Batch (it used to stop grouping
// rounds silently).
func TestNewSession(t *testing.T) {
	set := sq.Setting{D: 2, LabelMin: 0, LabelMax: 1}
	t.Run("records queries and rounds", func(t *testing.T) {
		l := sq.NewLedger()
		s := sq.NewSession(set, halfOracle{}, l, sq.Stream(1, sq.KeyLearner))
		if s.Ledger != l {
			t.Fatal("session ledger is not l")
		}
		if got, ok := sq.RecordingLedger(s.Oracle); !ok || got != l {
			t.Fatalf("oracle records in %p (%v), want %p", got, ok, l)
		}
		if err := askTwiceInOneRound(s); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ask(sq.LabelMoment(2), 0.1); err != nil {
			t.Fatal(err)
		}
		sum := l.Summary()
		if sum.Queries != 3 || sum.Rounds != 2 {
			t.Errorf("%d queries in %d rounds, want 3 in 2", sum.Queries, sum.Rounds)
		}
		if s.Oracle.Name() != "ledger(half)" {
			t.Errorf("oracle name %q, want ledger(half)", s.Oracle.Name())
		}
	})
	t.Run("does not wrap twice", func(t *testing.T) {
		l := sq.NewLedger()
		o := unwrapper{oracle.Chain(halfOracle{}, oracle.WithLedger(l))}
		s := sq.NewSession(set, o, l, nil)
		if s.Oracle != sq.Oracle(o) {
			t.Errorf("oracle %s wrapped again", s.Oracle.Name())
		}
		if err := askTwiceInOneRound(s); err != nil {
			t.Fatal(err)
		}
		if sum := l.Summary(); sum.Queries != 2 || sum.Rounds != 1 {
			t.Errorf("%d queries in %d rounds, want 2 in 1", sum.Queries, sum.Rounds)
		}
	})
	t.Run("nil ledger records nothing", func(t *testing.T) {
		s := sq.NewSession(set, halfOracle{}, nil, nil)
		if _, ok := s.Oracle.(halfOracle); !ok || s.Ledger != nil {
			t.Errorf("oracle %T, ledger %v; want the oracle as given and no ledger", s.Oracle, s.Ledger)
		}
		if err := askTwiceInOneRound(s); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("disagreeing ledgers are an error", func(t *testing.T) {
		inChain, inSession := sq.NewLedger(), sq.NewLedger()
		for _, o := range []sq.Oracle{
			oracle.Chain(halfOracle{}, oracle.WithLedger(inChain)),
			unwrapper{sq.Recording(halfOracle{}, inChain)},
		} {
			s := &sq.Session{Setting: set, Oracle: o, Ledger: inSession}
			called := false
			err := s.Batch(func() error { called = true; return nil })
			if !errors.Is(err, sq.ErrSession) || called {
				t.Errorf("%s: Batch err %v (fn called %v), want ErrSession before fn", o.Name(), err, called)
			}
		}
	})
	t.Run("struct literal with the oracle's ledger only", func(t *testing.T) {
		l := sq.NewLedger()
		s := &sq.Session{Setting: set, Oracle: oracle.Chain(halfOracle{}, oracle.WithLedger(l))}
		if err := askTwiceInOneRound(s); err != nil {
			t.Fatal(err)
		}
		if sum := l.Summary(); sum.Queries != 2 || sum.Rounds != 1 {
			t.Errorf("%d queries in %d rounds, want 2 in 1 (the oracle's ledger keeps the round)", sum.Queries, sum.Rounds)
		}
	})
}
