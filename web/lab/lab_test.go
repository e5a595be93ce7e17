package lab_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqsim/sqsim/cli"
	"github.com/sqsim/sqsim/web/lab"
)

// runCLI runs sqsim with args (which include --json) and decodes its JSON.
func runCLI(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main(args, &out, &errb); code != 0 {
		t.Fatalf("sqsim %v: exit %d: %s", args, code, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("sqsim %v: %v", args, err)
	}
	return m
}

func TestWebGameEqualsCLI(t *testing.T) {
	for _, tc := range []struct {
		d, k    int
		tau     float64
		learner string
		seed    uint64
	}{{8, 2, 0.05, "gd", 3}, {6, 2, 0.05, "sparse", 1}, {8, 2, 0.05, "random", 2}} {
		t.Run(tc.learner, func(t *testing.T) {
			got, err := lab.PlayGame(lab.GameParams{D: tc.d, K: tc.k, Tau: tc.tau, Learner: tc.learner, Seed: tc.seed})
			if err != nil {
				t.Fatal(err)
			}
			want := runCLI(t, "hardness", "game", "--d", strconv.Itoa(tc.d), "--k", strconv.Itoa(tc.k), "--tau", strconv.FormatFloat(tc.tau, 'g', -1, 64),
				"--learner", tc.learner, "--seed", strconv.FormatUint(tc.seed, 10), "--json")
			gotM := map[string]any{"identified": got.Identified, "queries": float64(got.Queries), "scalar_queries": float64(got.ScalarQueries),
				"survivors": got.Survivors, "supports": got.Supports, "loss": got.Loss, "optS": got.OptS, "opt0": got.Opt0, "gap": got.Gap,
				"forced": float64(got.Forced), "mode": got.Mode, "good_for": float64(got.GoodFor)}
			wantM := map[string]any{}
			for k := range gotM {
				wantM[k] = want[k]
			}
			if diff := cmp.Diff(wantM, gotM); diff != "" {
				t.Errorf("lab vs CLI (-cli +lab):\n%s", diff)
			}
			sup, _ := json.Marshal(got.Support)
			wsup, _ := json.Marshal(want["support"])
			if !bytes.Equal(sup, wsup) {
				t.Errorf("support %s, CLI %s", sup, wsup)
			}
			if got.RecordsKept != min(got.Queries, lab.MaxRecords) {
				t.Errorf("%d records kept for %d queries", got.RecordsKept, got.Queries)
			}
			// The CLI's trajectory (all records when at most 200) agrees record by record.
			traj := want["trajectory"].([]any)
			if got.Queries <= 200 && len(traj) != len(got.Records) {
				t.Fatalf("%d records, CLI trajectory %d", len(got.Records), len(traj))
			}
			for i, x := range traj {
				r := x.(map[string]any)
				seq := int(r["seq"].(float64))
				if seq >= len(got.Records) {
					continue
				}
				g := got.Records[seq]
				if g.Survivors != r["survivors"] || g.Method != r["method"] || g.Eliminated != r["eliminated"] {
					t.Errorf("record %d: lab %+v, CLI %v", i, g, r)
				}
			}
		})
	}
}

func TestWebLearnerEqualsCLI(t *testing.T) {
	for _, tc := range []struct {
		world, oracle string
		extra         []string
	}{{"realizable", "exact", nil}, {"clipped", "noise", []string{"--clip", "0.5"}}, {"agnostic", "adversarial", []string{"--frac", "0.2"}}} {
		t.Run(tc.world+"/"+tc.oracle, func(t *testing.T) {
			p := lab.RunParams{World: tc.world, D: 8, Oracle: tc.oracle, Seed: 4, Learner: "gd", Options: map[string]string{"steps": "30"}}
			if tc.world == "clipped" {
				p.Clip = 0.5
			}
			if tc.world == "agnostic" {
				p.Frac = 0.2
			}
			got, err := lab.RunLearner(p)
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{"learn", "--world", tc.world, "--d", "8", "--oracle", tc.oracle, "--seed", "4", "--learner", "gd", "--set", "steps=30", "--json"}, tc.extra...)
			want := runCLI(t, args...)
			gotM := map[string]any{"loss": got.Loss, "opt": got.Opt, "queries": float64(got.Queries), "scalar_queries": float64(got.ScalarQueries),
				"cost": got.Cost, "tolerance": got.Tolerance, "oracle": got.Oracle, "learner": got.Learner}
			wantM := map[string]any{}
			for k := range gotM {
				wantM[k] = want[k]
			}
			if diff := cmp.Diff(wantM, gotM); diff != "" {
				t.Errorf("lab vs CLI (-cli +lab):\n%s", diff)
			}
			if len(got.StepLoss) != 30 {
				t.Fatalf("%d step losses, want 30", len(got.StepLoss))
			}
			// GD's last iterate is its hypothesis: the last step's loss is the loss.
			if last := got.StepLoss[len(got.StepLoss)-1]; math.Abs(last-got.Loss) > 1e-12 {
				t.Errorf("last step loss %v, loss %v", last, got.Loss)
			}
		})
	}
	t.Run("parity", func(t *testing.T) {
		for _, o := range lab.Oracles {
			got, err := lab.RunLearner(lab.RunParams{World: "parity", D: 8, K: 2, Oracle: o, Seed: 2, Learner: "gd", Options: map[string]string{"steps": "20"}})
			if err != nil {
				t.Fatalf("%s: %v", o, err)
			}
			if len(got.StepLoss) != 20 || got.Queries == 0 || !(got.Loss >= got.Opt-1e-9) {
				t.Errorf("%s: %d steps, %d queries, loss %v < optS %v", o, len(got.StepLoss), got.Queries, got.Loss, got.Opt)
			}
		}
	})
	t.Run("refused", func(t *testing.T) {
		for _, p := range []lab.RunParams{{World: "moon", D: 3, Oracle: "exact", Learner: "gd"}, {World: "realizable", D: 0, Oracle: "exact", Learner: "gd"},
			{World: "realizable", D: 3, Oracle: "exact", Learner: "gd", Options: map[string]string{"steps": "999999"}}, {World: "realizable", D: 3, Oracle: "exact", Learner: "gd", Tol: math.NaN()}} {
			if _, err := lab.RunLearner(p); !errors.Is(err, lab.ErrLab) {
				t.Errorf("%+v: err %v, want ErrLab", p, err)
			}
		}
	})
}

func TestWebLandscape(t *testing.T) {
	got, err := lab.Landscape(lab.LandscapeParams{D: 10, K: 2, Seed: 1, Mix: 5, Radii: 21})
	if err != nil {
		t.Fatal(err)
	}
	info := runCLI(t, "hardness", "info", "--d", "10", "--k", "2", "--json")
	t.Run("optimum", func(t *testing.T) {
		// Along u_S at r = r* (the grid's middle point), the loss is opt_S of sqsim hardness info.
		last := got.Curves[len(got.Curves)-1]
		if math.Abs(last.Cos-1) > 1e-12 || math.Abs(last.R[10]-got.RStar) > 1e-12 {
			t.Fatalf("cos %v, r %v, r* %v", last.Cos, last.R[10], got.RStar)
		}
		optS := info["optS"]
		if optS == nil {
			optS = info["landscape"].(map[string]any)["optS"]
		}
		if math.Abs(last.Loss[10]-optS.(float64)) > 1e-9 {
			t.Errorf("L_S(r* u_S) = %v, CLI optS %v", last.Loss[10], optS)
		}
	})
	t.Run("random start sees almost nothing", func(t *testing.T) {
		first := got.Curves[0]
		if math.Abs(first.MinVal-got.Opt0) > 0.2*(got.Opt0-got.OptS) {
			t.Errorf("min along u: %v, opt0 %v, optS %v", first.MinVal, got.Opt0, got.OptS)
		}
	})
}

func TestWebGameAnswers(t *testing.T) {
	for _, learner := range []string{"gd", "sparse", "random"} {
		t.Run(learner, func(t *testing.T) {
			got, err := lab.PlayGame(lab.GameParams{D: 8, K: 2, Tau: 0.05, Learner: learner, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			if !got.Answers {
				t.Fatal("the replay of the game did not reproduce its records: no answers")
			}
			for _, r := range got.Records {
				if len(r.Answer) != r.Dim || len(r.Truth) != r.Dim {
					t.Fatalf("record %d: answer %d and truth %d values for a query of dimension %d", r.Seq, len(r.Answer), len(r.Truth), r.Dim)
				}
				// The planted world the adversary picked survived every
				// answer: each is within the tolerance of its true value.
				if !(r.Deviation <= r.EffectiveTol*(1+1e-9)) {
					t.Errorf("record %d (%s): answer %v, truth %v, deviation %v > tolerance %v", r.Seq, r.Query, r.Answer, r.Truth, r.Deviation, r.EffectiveTol)
				}
			}
		})
	}
}
