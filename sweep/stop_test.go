package sweep

import (
	"fmt"
	"testing"
)

// TestSweepStopRule: a learn block's stop = "estimate" stops each cell at
// the first step whose SQ loss query answers <= eps, and the record counts
// those loss queries (one per step, beyond gd's one per step); the default
// rule judges by the exact loss and asks nothing more.
func TestSweepStopRule(t *testing.T) {
	const spec = `seeds = [1]
[[grid]]
learner = ["gd"]
world   = ["realizable"]
d       = [8]
oracle  = ["noise"]
tol     = [1e-3]
eps     = [1e-2]
%s
[learner_options.gd]
step = 0.2
`
	run := func(t *testing.T, stop string) Record {
		t.Helper()
		s, err := ParseSpec(fmt.Sprintf(spec, stop))
		if err != nil {
			t.Fatal(err)
		}
		cells := s.Plan()
		if len(cells) != 1 {
			t.Fatalf("%d cells, want 1", len(cells))
		}
		rec := RunCell(cells[0])
		if rec.Status != "done" || !rec.Reached {
			t.Fatalf("record %+v, want done and reached", rec)
		}
		return rec
	}
	exact := run(t, "")
	est := run(t, `stop = "estimate"`)
	if exact.StopRule != "exact" || est.StopRule != "estimate" {
		t.Errorf("stop rules %q, %q; want exact, estimate", exact.StopRule, est.StopRule)
	}
	if est.Key == exact.Key {
		t.Errorf("the two cells share the key %q", est.Key)
	}
	// gd at step s has asked s queries; the estimate rule adds s+1 loss
	// queries (steps 0..s), so the count is odd and above the exact one.
	if est.StopQueries%2 != 1 || est.StopQueries <= exact.StopQueries {
		t.Errorf("stop queries: estimate %d, exact %d; want 2 step + 1 > exact", est.StopQueries, exact.StopQueries)
	}
}
