package cli

import "testing"

// TestLearnStopAtLoss: --stop-at-loss stops gd at the first eps-good
// iterate and reports it (text and JSON); with --stop-rule estimate the
// loss queries are counted in the run's ledger (one per step), so the
// same stop costs more queries; bad values are usage errors.
func TestLearnStopAtLoss(t *testing.T) {
	args := []string{"--learner", "gd", "--oracle", "noise", "--tol", "1e-3", "--d", "10", "--set", "step=0.2", "--stop-at-loss", "1e-2"}
	exact := learnJSONOut(t, args...)
	est := learnJSONOut(t, append(args, "--stop-rule", "estimate")...)
	for _, c := range []struct {
		name string
		out  learnOutput
		rule string
	}{{"exact", exact, "exact"}, {"estimate", est, "estimate"}} {
		t.Run(c.name, func(t *testing.T) {
			st := c.out.Stop
			if st == nil || !st.Reached || st.Rule != c.rule || !(float64(st.Loss) <= 1e-2+1e-3) {
				t.Fatalf("stop %+v, want reached by rule %s within eps + tol", st, c.rule)
			}
			if st.Queries != c.out.Queries {
				t.Errorf("stop queries %d, run queries %d: the run ends where it stopped", st.Queries, c.out.Queries)
			}
		})
	}
	t.Run("estimate counts its queries", func(t *testing.T) {
		if st := est.Stop; st.Queries != 2*st.Step+1 || !(float64(st.Estimate) <= 1e-2) || st.EstimateTol != 1e-3 {
			t.Errorf("estimate stop %+v: want gd's %d queries plus %d loss queries, estimate <= eps at tol 1e-3", st, st.Step, st.Step+1)
		}
		if exact.Stop.Queries != exact.Stop.Step {
			t.Errorf("exact stop %+v: want one query per step, none for the stop", exact.Stop)
		}
	})
	usageFails(t, "--stop-at-loss", "learn", "--stop-at-loss", "-1")
	usageFails(t, "--stop-rule", "learn", "--stop-at-loss", "0.1", "--stop-rule", "guess")
	usageFails(t, "needs --stop-at-loss", "learn", "--stop-rule", "estimate")
}
