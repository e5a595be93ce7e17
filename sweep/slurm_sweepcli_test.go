// This test drives the real `sqsim sweep run` and `sqsim sweep merge` through Slurm. It needs
// the sweep commands in the CLI (a binary built from this checkout).

package sweep

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// slurmSweepSpec has 2 learners x 2 d x 2 seeds = 8 cells, run as an array of 4 shards.
const slurmSweepSpec = `name  = "slurm-ci"
seeds = [1, 2]

[[grid]]
learner = ["gd", "chow"]
world   = ["realizable"]
d       = [5, 10]
oracle  = ["noise"]
tol     = [1e-3]

[learner_options.gd]
steps = 30
`

// slurmRecords reads a merged results file: its records after the manifest line, with the
// fields that measure time dropped.
func slurmRecords(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs := slurmStripTiming(t, b)
	if len(recs) == 0 {
		t.Fatalf("%s is empty", path)
	}
	return recs[1:] // the manifest line first
}

func TestSlurmSweepMatchesLocal(t *testing.T) {
	slurmRequireCluster(t)
	dir := slurmTestDir(t)
	bin := slurmBuildSqsim(t, dir)
	spec := filepath.Join(dir, "slurm-ci.toml")
	if err := os.WriteFile(spec, []byte(slurmSweepSpec), 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(dir, "slurm")
	defer slurmDumpLogs(t, out)
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	jobs, err := SubmitSlurm(context.Background(), SlurmOptions{
		Binary: bin, Spec: spec, Out: out, Shards: 4, ArrayParallelism: 2, Time: "10", JobName: "sqsim-ci",
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("array job %s, merge job %s", jobs.Array, jobs.Merge)
	states := slurmStates(slurmWait(t, jobs.Array, jobs.Merge), jobs)
	want := map[string]string{"array/0": "COMPLETED", "array/1": "COMPLETED", "array/2": "COMPLETED",
		"array/3": "COMPLETED", "merge": "COMPLETED"}
	if d := cmp.Diff(want, states); d != "" {
		t.Fatalf("job states (-want +got):\n%s", d)
	}

	local := filepath.Join(dir, "local")
	for _, args := range [][]string{{"sweep", "run", spec, "--out", local}, {"sweep", "merge", local}} {
		if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
			t.Fatalf("sqsim %v: %v\n%s", args, err, b)
		}
	}

	got := slurmRecords(t, filepath.Join(out, "results.jsonl"))
	wantRecs := slurmRecords(t, filepath.Join(local, "results.jsonl"))
	if len(got) != 8 {
		t.Errorf("%d merged records, want 8 cells", len(got))
	}
	for _, r := range got {
		if r["status"] != "done" {
			t.Errorf("cell %v: status %v, error %v", r["key"], r["status"], r["error"])
		}
	}
	if d := cmp.Diff(wantRecs, got); d != "" {
		t.Errorf("Slurm's merged records differ from the local run's (-local +slurm):\n%s", d)
	}
}
