package sq_test

import (
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// A summary-only ledger counts exactly what a full one counts, keeps no
// entries, and numbers streamed entries the same way.
func TestSummaryLedger(t *testing.T) {
	full, thin := sq.NewLedger(), sq.NewSummaryLedger()
	for i := range 10 {
		q := sq.ReluCorr([]float64{1, float64(i)})
		for _, l := range []*sq.Ledger{full, thin} {
			l.Record(q, 1e-3*float64(i+1), []float64{0.5}, sq.Info{Oracle: "test", EffTol: 2e-3})
		}
	}
	if full.Summary() != thin.Summary() {
		t.Errorf("summaries differ: full %+v, summary-only %+v", full.Summary(), thin.Summary())
	}
	if n := len(thin.Entries()); n != 0 {
		t.Errorf("summary-only ledger kept %d entries", n)
	}
	if n := len(full.Entries()); n != 10 {
		t.Errorf("full ledger kept %d entries, want 10", n)
	}
	var sum float64
	for _, e := range full.Entries() {
		sum += e.Cost()
	}
	if got := full.Summary().Cost; sum != got {
		t.Errorf("sum of Entry.Cost %g, Summary.Cost %g", sum, got)
	}
}
