package learners_test

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq/gauss"
)

// TestIsotronRecoversDirection: on a realizable ReLU from a random start,
// Isotron's iterates turn to w*'s direction geometrically (each step cuts
// the angle by a factor below 0.6; about 0.4 is measured), and the ReLU it
// returns (best norm along the best iterate) is at the last iterate's
// angle; from the Chow start (the default) the direction is exact from the
// first iterate (E[y x] = w*/2 under Gaussian marginals).
func TestIsotronRecoversDirection(t *testing.T) {
	t.Parallel()
	const steps, bins = 10, 8
	for seed := uint64(1); seed <= 1; seed++ {
		in := laInstance(t, laCfg("realizable", 6, "exact", seed))
		ws := in.WStar()
		iso, err := learners.NewIsotron(learners.Options{"init": "random", "steps": "10", "bins": "8"})
		if err != nil {
			t.Fatal(err)
		}
		var angles []float64
		iso.OnStep = func(step int, w []float64) { angles = append(angles, gauss.Angle(w, ws)) }
		res := laRun(t, in, iso, iso.Tol)
		t.Logf("seed %d: angles %.3g", seed, angles)
		for i := 1; i < len(angles); i++ {
			if angles[i] > 0.6*angles[i-1] {
				t.Errorf("seed %d step %d: angle %g, not below 0.6 times %g", seed, i+1, angles[i], angles[i-1])
			}
		}
		if last := angles[len(angles)-1]; math.Abs(res.Angle-last) > 1e-9 {
			t.Errorf("seed %d: returned angle %g, want the last (best) iterate's %g", seed, res.Angle, last)
		}
		// Queries: 1 Chow + steps rounds of bins + 1 selection batch.
		if s := res.Summary; s.Queries != 1+steps*bins+1 || s.Rounds != steps+2 {
			t.Errorf("seed %d: ledger %+v, want %d queries in %d rounds", seed, s, 1+steps*bins+1, steps+2)
		}
		l, tol, err := in.Learner("isotron", nil) // Chow start
		if err != nil {
			t.Fatal(err)
		}
		if res := laRun(t, in, l, tol); res.Angle > 1e-12 || res.Loss > 1e-12 {
			t.Errorf("seed %d, Chow start: angle %g, loss %g; want <= 1e-12", seed, res.Angle, res.Loss)
		}
	}
}

// TestIsotronBestIterate: on the lifted agnostic world (E[y | z] is not
// monotone) the links shrink ||w|| until the direction flips; the learner
// still returns the best iterate, whose loss is opt's (the Chow start is
// on w*'s direction, the best ReLU's direction for this world).
func TestIsotronBestIterate(t *testing.T) {
	for _, f := range []float64{0.2, 0.3} {
		cfg := laCfg("agnostic", 5, "exact", 1)
		cfg.Corruption, cfg.Frac = "lift", f
		in := laInstance(t, cfg)
		ws := in.WStar()
		iso, err := learners.NewIsotron(nil)
		if err != nil {
			t.Fatal(err)
		}
		flipped := false
		iso.OnStep = func(step int, w []float64) { flipped = flipped || gauss.Angle(w, ws) > 3 }
		res := laRun(t, in, iso, iso.Tol)
		if !flipped {
			t.Errorf("frac %g: no iterate flipped; the test no longer exercises the selection", f)
		}
		if res.Loss > res.Opt+1e-12 {
			t.Errorf("frac %g: loss %g, want opt %g", f, res.Loss, res.Opt)
		}
	}
}

// TestIsotronSIM: output=sim returns the isotonic link on the bins; on a
// realizable ReLU from the Chow start the link is the bins' conditional
// means of relu(||w*|| z), so its loss is the within-bin variance
// sum_b (E[relu^2 1_b] - E[relu 1_b]^2/P_b), computed here by quadrature.
func TestIsotronSIM(t *testing.T) {
	const bins = 8
	in := laInstance(t, laCfg("realizable", 6, "exact", 3))
	l, tol, err := in.Learner("isotron", learners.Options{"output": "sim", "bins": "8", "steps": "3"})
	if err != nil {
		t.Fatal(err)
	}
	res := laRun(t, in, l, tol)
	sim, ok := res.Hypothesis.(*learners.SIM)
	if !ok {
		t.Fatalf("hypothesis %T, want *learners.SIM", res.Hypothesis)
	}
	want := 0.0
	edges := append(append([]float64{math.Inf(-1)}, sim.Edges...), math.Inf(1))
	for b := 0; b < bins; b++ {
		lo, hi := math.Max(edges[b], -40), math.Min(edges[b+1], 40)
		m1, _ := gauss.Integrate(func(z float64) float64 { return math.Max(z, 0) * gauss.Pdf(z) }, lo, hi, []float64{0}, 1e-14)
		m2, _ := gauss.Integrate(func(z float64) float64 { return math.Max(z, 0) * math.Max(z, 0) * gauss.Pdf(z) }, lo, hi, []float64{0}, 1e-14)
		want += m2 - m1*m1*bins
	}
	if math.Abs(res.Loss-want) > 1e-9 {
		t.Errorf("SIM loss %.12g, want the within-bin variance %.12g", res.Loss, want)
	}
	for b := 1; b < len(sim.Values); b++ {
		if sim.Values[b] < sim.Values[b-1] {
			t.Errorf("link not monotone: %v", sim.Values)
		}
	}
	if res.Angle > 1e-9 {
		t.Errorf("SIM direction at angle %g from w*", res.Angle)
	}
	if s := res.Summary; s.Queries != 1+4*bins || s.Rounds != 5 {
		t.Errorf("ledger %+v, want %d queries in 5 rounds", s, 1+4*bins)
	}
}
