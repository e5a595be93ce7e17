package sq

import (
	"context"
	"errors"
	"testing"
)

// TestSessionStep: Step with neither context nor hook never stops; a hook's
// ErrStop (wrapped or not) and a done context stop, and the stop sticks; any
// other hook error is returned wrapped with the step and does not count as
// a stop.
func TestSessionStep(t *testing.T) {
	t.Run("none", func(t *testing.T) {
		s := &Session{}
		for i := range 3 {
			if stop, err := s.Step(i, nil); stop || err != nil {
				t.Fatalf("Step(%d) = %v, %v; want false, nil", i, stop, err)
			}
		}
		if _, ok := s.Stopped(); ok {
			t.Error("Stopped() = true, want false")
		}
		if s.Context() != context.Background() {
			t.Error("Context() of a nil Ctx is not context.Background()")
		}
	})
	t.Run("errstop", func(t *testing.T) {
		calls := 0
		s := &Session{OnStep: func(step int, w []float64) error {
			calls++
			if step == 2 {
				return errors.Join(errors.New("loss reached"), ErrStop)
			}
			return nil
		}}
		for i := range 2 {
			if stop, err := s.Step(i, nil); stop || err != nil {
				t.Fatalf("Step(%d) = %v, %v; want false, nil", i, stop, err)
			}
		}
		for range 2 {
			if stop, err := s.Step(2, nil); !stop || err != nil {
				t.Fatalf("Step(2) = %v, %v; want true, nil", stop, err)
			}
		}
		if step, ok := s.Stopped(); !ok || step != 2 {
			t.Errorf("Stopped() = %d, %v; want 2, true", step, ok)
		}
		if calls != 3 {
			t.Errorf("hook called %d times, want 3 (not again after the stop)", calls)
		}
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		s := &Session{Ctx: ctx}
		if stop, _ := s.Step(0, nil); stop {
			t.Fatal("Step stopped before the cancel")
		}
		cancel()
		if stop, err := s.Step(1, nil); !stop || err != nil {
			t.Fatalf("Step after cancel = %v, %v; want true, nil", stop, err)
		}
		if step, ok := s.Stopped(); !ok || step != 1 {
			t.Errorf("Stopped() = %d, %v; want 1, true", step, ok)
		}
	})
	t.Run("error", func(t *testing.T) {
		boom := errors.New("boom")
		s := &Session{OnStep: func(int, []float64) error { return boom }}
		stop, err := s.Step(4, nil)
		if stop || !errors.Is(err, boom) || errors.Is(err, ErrStop) {
			t.Fatalf("Step = %v, %v; want false and an error wrapping boom", stop, err)
		}
		if want := "step hook at step 4: boom"; err.Error() != want {
			t.Errorf("error %q, want %q", err, want)
		}
		if _, ok := s.Stopped(); ok {
			t.Error("Stopped() = true after a hook error")
		}
	})
}

// TestSessionAskNil: a nil query or a session without an oracle is an
// error, never a panic.
func TestSessionAskNil(t *testing.T) {
	s := &Session{}
	if _, err := s.AskVec(nil, 1e-3, nil); !errors.Is(err, ErrQuery) {
		t.Errorf("AskVec(nil) error %v, want ErrQuery", err)
	}
	if _, err := s.Ask(nil, 1e-3); !errors.Is(err, ErrQuery) {
		t.Errorf("Ask(nil) error %v, want ErrQuery", err)
	}
	if _, err := s.AskVec(Chow(3), 1e-3, nil); !errors.Is(err, ErrSession) {
		t.Errorf("AskVec with no oracle: error %v, want ErrSession", err)
	}
	if _, err := s.Ask(LabelMoment(1), 1e-3); !errors.Is(err, ErrSession) {
		t.Errorf("Ask with no oracle: error %v, want ErrSession", err)
	}
}
