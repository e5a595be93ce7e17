package learners

import (
	"errors"
	"testing"
)

// TestEveryLearnerTakesTol: the harness passes the run's tolerance to every
// learner as the option "tol".
func TestEveryLearnerTakesTol(t *testing.T) {
	for _, name := range Names() {
		if _, err := New(name, Options{"tol": "1e-4"}); err != nil {
			t.Errorf("%s refuses tol=1e-4: %v", name, err)
		}
		if _, err := New(name, Options{"tol": "abc"}); !errors.Is(err, ErrOption) {
			t.Errorf("%s: tol=abc gives %v, want ErrOption", name, err)
		}
		if _, err := New(name, Options{"no-such-option": "1"}); !errors.Is(err, ErrOption) {
			t.Errorf("%s: unknown option gives %v, want ErrOption", name, err)
		}
	}
	if _, err := New("no-such-learner", nil); !errors.Is(err, ErrUnknown) {
		t.Errorf("unknown learner: %v", err)
	}
}
