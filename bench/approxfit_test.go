package bench

import (
	"errors"
	"math"
	"testing"
)

func TestLogLogFit(t *testing.T) {
	x := []float64{-5, -3, -1, 0, 2}
	y := make([]float64, len(x))
	for i := range x {
		y[i] = 2.0/3*x[i] + 1.5
	}
	s, b, r2 := LogLogFit(x, y)
	if math.Abs(s-2.0/3) > 1e-14 || math.Abs(b-1.5) > 1e-14 || math.Abs(r2-1) > 1e-14 {
		t.Errorf("fit of an exact line: slope %v, intercept %v, R^2 %v", s, b, r2)
	}
	y[0] += 1 // off the line: R^2 < 1
	if _, _, r2 := LogLogFit(x, y); !(r2 < 1 && r2 > 0.5) {
		t.Errorf("R^2 = %v for a perturbed line", r2)
	}
	for _, c := range [][2][]float64{{{1}, {1}}, {{1, 1}, {2, 3}}, {{1, 2}, {1}}} {
		if s, _, _ := LogLogFit(c[0], c[1]); !math.IsNaN(s) {
			t.Errorf("LogLogFit(%v, %v) slope = %v, want NaN", c[0], c[1], s)
		}
	}
}

func TestApproxFitConfigErrors(t *testing.T) {
	for _, cfg := range []ApproxFitConfig{{D: 1}, {D: 5000}, {Eps: 2}, {Eps: math.NaN()}} {
		if _, err := ApproxFit(cfg); !errors.Is(err, ErrApproxFit) {
			t.Errorf("ApproxFit(%+v) = %v, want ErrApproxFit", cfg, err)
		}
	}
}
