package learners_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/world"
)

func TestDKTZRealizable(t *testing.T) {
	ws := []float64{0.4, -0.2, 0.5, 0.1, -0.4} // ||w*|| = 0.8
	w, err := world.Realizable(ws)
	if err != nil {
		t.Fatal(err)
	}
	for _, lambda := range []float64{0, 1e-3} {
		l := &learners.DKTZ{Step: 0.5, Steps: 100, Lambda: lambda, Radius: 1, Tol: 1e-9}
		wt, loss := gdRun(t, l, w)
		// The ridge penalty shrinks the minimiser to w*/(1 + 2 lambda).
		dist2 := 0.0
		for i := range ws {
			d := wt[i] - ws[i]/(1+2*lambda)
			dist2 += d * d
		}
		bias := 2 * lambda * lambda * 0.64
		if math.Sqrt(dist2) > 1e-6 || loss > bias+1e-10 {
			t.Errorf("lambda %v: ||w - w*/(1+2 lambda)|| = %.3g, loss %.3g; want <= 1e-6 and <= 2 lambda^2 ||w*||^2 = %.3g", lambda, math.Sqrt(dist2), loss, bias)
		}
	}
}

// cDKTZ is the constant of the DKTZ22 guarantee form loss <= C opt + eps
// that the tests check, with eps = 2 lambda^2 (the ridge bias). Measured on
// the grid (sqsim approxfit, and this test's log): (loss - 2 lambda^2)/opt at
// most 1.003; 1.05 leaves a margin.
const cDKTZ = 1.05

func TestDKTZAgnostic(t *testing.T) {
	worst := 0.0
	for _, in := range apxGrid(t) {
		l, err := learners.NewDKTZ(learners.Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, loss := gdRun(t, l, in.w)
		eps := 2 * l.Lambda * l.Lambda
		if loss > cDKTZ*in.opt+eps {
			t.Errorf("%s: loss %.5g > %v opt + 2 lambda^2 = %.5g", in.name, loss, cDKTZ, cDKTZ*in.opt+eps)
		}
		worst = math.Max(worst, (loss-eps)/in.opt)
	}
	t.Logf("max (loss - 2 lambda^2)/opt = %.5f", worst)
}

func TestDKTZOptions(t *testing.T) {
	bad := []struct {
		o    learners.Options
		want string
	}{
		{learners.Options{"step": "-1"}, "step = -1"},
		{learners.Options{"steps": "0"}, "steps = 0"},
		{learners.Options{"lambda": "-0.1"}, "lambda = -0.1"},
		{learners.Options{"radius": "Inf"}, `radius="Inf"`},
		{learners.Options{"tol": "0"}, "tol = 0"},
		{learners.Options{"select": "best"}, `"select"`},
	}
	for _, c := range bad {
		_, err := learners.New("dktz", c.o)
		if !errors.Is(err, learners.ErrOption) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(dktz, %v) = %v, want ErrOption naming %s", c.o, err, c.want)
		}
	}
}
