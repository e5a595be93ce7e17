package cli

import (
	"strings"
	"testing"
)

func TestBenchUsageErrors(t *testing.T) {
	usageFails(t, "--workload", "bench", "--workload", "nope")
	usageFails(t, "--n", "bench", "--workload", "grad", "--n", "0")
	usageFails(t, "--d", "bench", "--workload", "grad", "--d", "-3")
	usageFails(t, "--m", "bench", "--workload", "batch", "--m", "0")
	usageFails(t, "--threads", "bench", "--threads", "0")
	usageFails(t, "--reps", "bench", "--reps", "0")
	usageFails(t, "--compare", "bench", "--compare", "matlab")
	usageFails(t, "unexpected argument", "bench", "grad")
	usageFails(t, "values", "bench", "--workload", "grad", "--n", "100000000", "--d", "100000")
}

// TestBenchJSONContract: --workload grad --n N --d D --json prints the
// manifest line, then one measurement with seconds_min, the read bandwidth
// and its percentage (and its own manifest).
func TestBenchJSONContract(t *testing.T) {
	defer func(v int) { streamValues = v }(streamValues)
	streamValues = 1 << 20
	code, out, errs := runCLI("bench", "--workload", "grad", "--n", "3000", "--d", "20", "--threads", "2", "--reps", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := jsonLines(t, out)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want the manifest and 1 measurement: %q", len(lines), out)
	}
	checkManifest(t, manifestOf(t, lines[0]), "bench")
	r := decodeExact[benchRow](t, lines[1])
	for _, c := range []struct {
		key string
		v   float64
	}{{"seconds_min", r.SecondsMin}, {"seconds_median", r.SecondsMedian}, {"gb_per_s", r.GBps}, {"gflop_per_s", r.GFlops}, {"pct_read_bandwidth", r.PctReadBW}, {"read_gb_per_s", r.ReadGBps}} {
		if !(c.v > 0) {
			t.Errorf("%s = %v, want a positive number", c.key, c.v)
		}
	}
	if r.Workload != "grad" || r.N != 3000 || r.D != 20 || r.Threads != 2 {
		t.Errorf("result %+v", r)
	}
	if r.Manifest == nil {
		t.Fatal("the measurement lacks its manifest")
	}
	checkManifest(t, *r.Manifest, "bench")
}

func TestBenchTable(t *testing.T) {
	code, out, errs := runCLI("bench", "--workload", "exact,sample", "--d", "10", "--n", "100", "--reps", "1", "--threads", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "queries/s") || !strings.Contains(out, "normals/s") || !strings.Contains(out, "workload") {
		t.Errorf("table:\n%s", out)
	}
}
