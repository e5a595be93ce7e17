package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestHardnessCurveFigure: docs/hardness-curve.svg is what the command
// named under it in docs/hardness.md writes (`sqsim hardness curve --svg`,
// the defaults of the doc's long block). It runs with the long doc blocks:
// `go test ./cli -run 'TestHardnessCurveFigure' -docs.long` (about a
// minute); regenerate with `go run ./cmd/sqsim hardness curve --svg
// docs/hardness-curve.svg`. The other figures the docs show are checked by
// TestExperiments (docs/figures/*.svg of docs/experiments.md) and
// TestDemoFlags (docs/figures/demo-tradeoff.svg of the README).
func TestHardnessCurveFigure(t *testing.T) {
	if !*longDocs {
		t.Skip("about a minute: run with `go test ./cli -run TestHardnessCurveFigure -docs.long`")
	}
	path := filepath.Join(t.TempDir(), "curve.svg")
	if code, _, errs := runCLI("hardness", "curve", "--svg", path); code != 0 {
		t.Fatalf("hardness curve --svg: exit %d: %s", code, errs)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("../docs/hardness-curve.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/hardness-curve.svg is stale: regenerate with `go run ./cmd/sqsim hardness curve --svg docs/hardness-curve.svg`")
	}
}
