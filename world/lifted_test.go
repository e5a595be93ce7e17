package world

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// TestLifted: the lifted world's labels have mean E[min(1, relu(z))] + frac
// (the region holds mass frac and its labels are lifted from 0 to 1), for a
// unit w*, and its opt is searched like the other single-index worlds.
func TestLifted(t *testing.T) {
	ws := []float64{0.6, 0, -0.8, 0, 0}
	base := (gauss.Pdf(0) - gauss.Pdf(1)) + 0.5*math.Erfc(1/math.Sqrt2)
	for _, f := range []float64{0, 0.1, 0.3, 0.5} {
		m, err := Lifted(ws, f)
		if err != nil {
			t.Fatal(err)
		}
		var ey [1]float64
		if _, err := m.Expect(sq.LabelMoment(1), ey[:]); err != nil {
			t.Fatal(err)
		}
		if math.Abs(ey[0]-(base+f)) > 1e-10 {
			t.Errorf("frac %g: E[y] = %.12g, want %.12g", f, ey[0], base+f)
		}
	}
	if _, err := Lifted(ws, 0.51); !errors.Is(err, ErrModel) {
		t.Errorf("frac 0.51: %v", err)
	}
	if _, err := Lifted([]float64{0, 0}, 0.1); !errors.Is(err, ErrModel) {
		t.Errorf("w* = 0: %v", err)
	}
}
