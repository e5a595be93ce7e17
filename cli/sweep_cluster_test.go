package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepClusterCommands: sweep slurm writes the array and merge scripts
// for the spec (absolute paths, one element per shard); sweep k8s prints an
// Indexed Job; bad flags are usage errors with nothing on stdout. The
// scripts' contents are checked in sweep's golden tests, and a real Slurm
// cluster runs them in sweep's integration tests.
func TestSweepClusterCommands(t *testing.T) {
	spec, err := filepath.Abs("../sweeps/gd-vs-d.toml")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("slurm writes the scripts", func(t *testing.T) {
		dir := t.TempDir()
		code, out, errs := runCLI("sweep", "slurm", spec, "--out", dir, "--shards", "3", "--array-parallelism", "2", "--binary", "/opt/sqsim")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "(3 elements)") {
			t.Errorf("output %q does not say 3 elements", out)
		}
		b, err := os.ReadFile(filepath.Join(dir, "slurm-array.sbatch"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"#SBATCH --array=0-2%2", "/opt/sqsim sweep run " + spec + " --out " + dir, `"${SLURM_ARRAY_TASK_ID}/3"`} {
			if !strings.Contains(string(b), want) {
				t.Errorf("array script lacks %q:\n%s", want, b)
			}
		}
		if b, err := os.ReadFile(filepath.Join(dir, "slurm-merge.sbatch")); err != nil || !strings.Contains(string(b), "/opt/sqsim sweep merge "+dir) {
			t.Errorf("merge script (%v):\n%s", err, b)
		}
		if fi, err := os.Stat(filepath.Join(dir, "logs")); err != nil || !fi.IsDir() {
			t.Errorf("no logs directory: %v", err)
		}
	})
	t.Run("slurm shards default to at most 4", func(t *testing.T) {
		dir := t.TempDir()
		if code, out, errs := runCLI("sweep", "slurm", spec, "--out", dir); code != 0 || !strings.Contains(out, "(4 elements)") {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("k8s prints an Indexed Job", func(t *testing.T) {
		code, out, errs := runCLI("sweep", "k8s", spec, "--image", "example.org/sqsim:1", "--pvc", "results", "--shards", "5")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		for _, want := range []string{"kind: Job", "completionMode: Indexed", "completions: 5", "claimName: results", `"$(JOB_COMPLETION_INDEX)/5"`} {
			if !strings.Contains(out, want) {
				t.Errorf("manifest lacks %q:\n%s", want, out)
			}
		}
	})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"slurm without --out", []string{"sweep", "slurm", spec}, "missing --out"},
		{"slurm bad shards", []string{"sweep", "slurm", spec, "--out", t.TempDir(), "--shards", "0"}, "--shards 0"},
		{"slurm bad time", []string{"sweep", "slurm", spec, "--out", t.TempDir(), "--time", "soon"}, "soon"},
		{"slurm bad spec", []string{"sweep", "slurm", "nosuch.toml", "--out", t.TempDir()}, "nosuch.toml"},
		{"k8s without image", []string{"sweep", "k8s", spec, "--pvc", "r"}, "image"},
		{"k8s relative out", []string{"sweep", "k8s", spec, "--image", "i", "--pvc", "r", "--out", "data"}, "absolute"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := runCLI(c.args...)
			if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, one line naming %q", code, out, errs, c.want)
			}
		})
	}
}
