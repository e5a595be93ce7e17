package hardness

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// TestAskedTolWithoutFloor: an adversary asked directly records the asked
// and the effective tolerance as the tolerance of the query.
func TestAskedTolWithoutFloor(t *testing.T) {
	{
		fam, _ := NewFamily(8, 2, 0)
		adv, err := NewAdversary(fam, AdversaryOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ans := make([]float64, 1)
		if err := adv.Answer(sq.LabelMoment(1), 0.05, ans); err != nil {
			t.Fatal(err)
		}
		r := adv.Records()[0]
		if r.AskedTol != 0.05 || r.EffectiveTol != 0.05 {
			t.Errorf("asked %g, effective %g, want 0.05", r.AskedTol, r.EffectiveTol)
		}
	}
}

// TestJudgeNonFinite: a hypothesis with a non-finite weight, or whose loss
// is not finite, has identified nothing, and Judge returns (it used to
// hang on NaN weights and to report "identified" with loss -Inf).
func TestJudgeNonFinite(t *testing.T) {
	for _, c := range []struct {
		name string
		x    float64
	}{{"NaN", math.NaN()}, {"-Inf", math.Inf(-1)}, {"+Inf", math.Inf(1)}, {"1e300", 1e300}, {"-1e300", -1e300}, {"MaxFloat64", math.MaxFloat64}} {
		t.Run(c.name, func(t *testing.T) {
			fam, err := NewFamily(8, 2, 0)
			if err != nil {
				t.Fatal(err)
			}
			adv, err := NewAdversary(fam, AdversaryOptions{})
			if err != nil {
				t.Fatal(err)
			}
			w := make([]float64, 8)
			for i := range w {
				w[i] = c.x
			}
			v, err := adv.Judge(sq.ReLU{W: w})
			if err != nil {
				t.Fatal(err)
			}
			if v.Identified || v.Note == "" {
				t.Errorf("verdict %+v: want not identified, with a note", v)
			}
			if !math.IsNaN(v.Loss) && !math.IsInf(v.Loss, 0) && v.Loss <= v.OptS+v.Eps {
				t.Errorf("loss %v reported below opt_S + eps", v.Loss)
			}
		})
	}
	t.Run("finite large weights are judged", func(t *testing.T) {
		fam, _ := NewFamily(8, 2, 0)
		adv, _ := NewAdversary(fam, AdversaryOptions{})
		w := make([]float64, 8)
		for i := range w {
			w[i] = 1e20
		}
		v, err := adv.Judge(sq.ReLU{W: w})
		if err != nil {
			t.Fatal(err)
		}
		if v.Identified || !(v.Loss > 1e39) || v.Examined != 28 {
			t.Errorf("verdict %+v: want loss ~ 4e40 on all 28 supports, not identified", v)
		}
	})
}
