package cli

import (
	"encoding/json"
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

// TestBenchJSONContract: --workload grad --n N --d D --json prints one JSON
// object with seconds_min, the read bandwidth and its percentage.
func TestBenchJSONContract(t *testing.T) {
	defer func(v int) { streamValues = v }(streamValues)
	streamValues = 1 << 20
	code, out, errs := runCLI("bench", "--workload", "grad", "--n", "3000", "--d", "20", "--threads", "2", "--reps", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("%d lines, want 1: %q", len(lines), out)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &r); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"seconds_min", "seconds_median", "gb_per_s", "gflop_per_s", "pct_read_bandwidth", "read_gb_per_s"} {
		if v, ok := r[k].(float64); !ok || !(v > 0) {
			t.Errorf("%s = %v, want a positive number", k, r[k])
		}
	}
	if r["workload"] != "grad" || r["n"] != 3000.0 || r["d"] != 20.0 || r["threads"] != 2.0 {
		t.Errorf("result %v", r)
	}
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
