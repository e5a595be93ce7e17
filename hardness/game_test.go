package hardness

import (
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// gameLearners are the learners the tolerance-floor test plays: every
// registered one and random.
var gameLearners = []string{"chow", "glmtron", "surrogate", "refit", "approx", "hermite", "isotron", "fcg", "dktz", "gd", "sparse", "random"}

// TestGameEnforcesTolerance plays every learner at tau = 1e-3, d = 20,
// k = 4, with the game's default options and with tol = 1e-6 asked
// explicitly: every query must be answered at a tolerance >= tau (the
// floor), and no learner may be judged to have identified S with fewer
// queries than the support search needs, C(20, 4) = 4845 (a learner asking
// at 1e-6 through a floor gets nothing more than one asking at 1e-3).
func TestGameEnforcesTolerance(t *testing.T) {
	const d, k, tau = 20, 4, 1e-3
	supports := int(Binomial(d, k).Int64())
	for _, name := range learners.Names() {
		if !slices.Contains(gameLearners, name) {
			t.Errorf("learner %q is registered but not played by this test", name)
		}
	}
	for _, asked := range []string{"", "1e-06"} {
		for _, name := range gameLearners {
			t.Run(name+"/tol="+asked, func(t *testing.T) {
				if name == "gd" && testing.Short() {
					t.Skip("gd's 100 dense gradient queries take seconds against the d = 20 adversary (TestGDFailsAgainstAdversary covers gd under -short)")
				}
				var opts map[string]string
				if asked != "" {
					opts = map[string]string{"tol": asked}
				}
				n := 0
				res, err := PlayGame(GameConfig{D: d, K: k, Tau: tau, Learner: name, Seed: 1, Options: opts, DropRecords: true,
					OnRecord: func(r Record) error {
						n++
						if !(r.EffectiveTol >= tau) || r.Tau != r.EffectiveTol || !(r.AskedTol <= r.EffectiveTol) {
							t.Errorf("query %d (%s): asked %g, effective %g, tau %g; want effective = tau >= %g >= asked", r.Seq, r.Query, r.AskedTol, r.EffectiveTol, r.Tau, tau)
						}
						if asked != "" && r.AskedTol != 1e-6 {
							t.Errorf("query %d: asked %g, want 1e-6", r.Seq, r.AskedTol)
						}
						return nil
					}})
				if err != nil {
					t.Fatal(err)
				}
				if res.Records != nil {
					t.Errorf("DropRecords: %d records kept", len(res.Records))
				}
				if n != res.Queries {
					t.Errorf("%d records, %d queries; want one record per query", n, res.Queries)
				}
				if res.LearnerOpts["tol"] == "" {
					t.Errorf("learner options %v: no tol", res.LearnerOpts)
				}
				if asked == "" && res.LearnerOpts["tol"] != "0.001" {
					t.Errorf("default tol %q, want 0.001", res.LearnerOpts["tol"])
				}
				if res.TolFloor != tau || (res.Queries > 0 && !(res.MinEffectiveTol >= tau)) {
					t.Errorf("floor %g, smallest effective tolerance %g; want both >= %g", res.TolFloor, res.MinEffectiveTol, tau)
				}
				if asked != "" && res.Queries > 0 && (res.MinAskedTol != 1e-6 || res.Raised != n) {
					t.Errorf("asked 1e-6: smallest asked %g, raised %d of %d", res.MinAskedTol, res.Raised, n)
				}
				if res.Identified && res.Queries < supports {
					t.Errorf("identified S with %d queries < C(%d, %d) = %d", res.Queries, d, k, supports)
				}
				if name == "sparse" && !res.Identified {
					t.Errorf("sparse did not identify S (%d queries, %v)", res.Queries, res.Verdict)
				}
			})
		}
	}
}

func TestGameRecords(t *testing.T) {
	t.Run("kept by default, with asked and effective tolerance", func(t *testing.T) {
		res, err := PlayGame(GameConfig{D: 8, K: 2, Tau: 1e-2, Learner: "random", Seed: 1, Options: map[string]string{"budget": "5", "tol": "1e-4"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Records) != 5 || res.Queries != 5 {
			t.Fatalf("%d records, %d queries; want 5", len(res.Records), res.Queries)
		}
		for _, r := range res.Records {
			if r.AskedTol != 1e-4 || r.EffectiveTol != 1e-2 || r.Tau != 1e-2 {
				t.Errorf("record %d: asked %g, effective %g, tau %g; want 1e-4, 1e-2, 1e-2", r.Seq, r.AskedTol, r.EffectiveTol, r.Tau)
			}
		}
		if res.Raised != 5 || res.MinAskedTol != 1e-4 || res.MinEffectiveTol != 1e-2 {
			t.Errorf("raised %d, min asked %g, min effective %g", res.Raised, res.MinAskedTol, res.MinEffectiveTol)
		}
	})
	t.Run("an OnRecord error stops the game", func(t *testing.T) {
		boom := errors.New("disk full")
		calls := 0
		_, err := PlayGame(GameConfig{D: 8, K: 2, Tau: 1e-2, Learner: "random", Seed: 1, Options: map[string]string{"budget": "5"},
			OnRecord: func(Record) error { calls++; return boom }})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("err %v after %d calls, want %v after 1", err, calls, boom)
		}
	})
	t.Run("without a floor asked = effective = tau", func(t *testing.T) {
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
	})
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
	t.Run("game gd step=1e300", func(t *testing.T) {
		res, err := PlayGame(GameConfig{D: 8, K: 2, Tau: 1e-3, Learner: "gd", Seed: 1, Options: map[string]string{"step": "1e300", "steps": "2"}})
		if errors.Is(err, ErrAdversary) {
			// At weights of 1e300 the adversary may fail to certify an
			// answer: an honest error, never a verdict.
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if res.Identified || res.Verdict.Identified {
			t.Errorf("identified with loss %v (%s)", res.Verdict.Loss, res.Verdict.Note)
		}
	})
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
