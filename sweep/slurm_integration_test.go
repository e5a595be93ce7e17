package sweep

// Tests against a real Slurm cluster. Bring one up on this machine with
//
//	eval "$(scripts/slurm-up.sh)"     # as root; scripts/slurm-down.sh stops it
//	SQSIM_SLURM=1 go test ./sweep -run Slurm -v
//
// They submit jobs, so they run only when asked: with SQSIM_SLURM=1 (against the cluster of
// SLURM_CONF, or of Slurm's default configuration) or with CI set (SLURM_CONF must name the
// cluster). Asked for, a cluster that does not answer `scontrol ping` is a failure, never a
// skip; not asked for, they skip with the lines above. With several nodes, set
// SQSIM_SLURM_SHARED to a directory every node can read and write.

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const slurmHowToRun = `bring a cluster up with: eval "$(scripts/slurm-up.sh)" (as root), then run: SQSIM_SLURM=1 go test ./sweep -run Slurm -v`

// slurmTimeout bounds each wait for a submitted sweep.
const slurmTimeout = 3 * time.Minute

// slurmRequireCluster skips the test unless it was asked for (SQSIM_SLURM or CI set: it
// submits jobs, and a user's `go test ./...` should not send them to whatever cluster the
// login node knows), and fails it when asked for and no cluster answers.
func slurmRequireCluster(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("Slurm cluster test: skipped under -short; " + slurmHowToRun)
	}
	asked := os.Getenv("SQSIM_SLURM") != ""
	if !asked && os.Getenv("CI") == "" {
		t.Skip("Slurm cluster test: skipped without SQSIM_SLURM=1 (it submits jobs); " + slurmHowToRun)
	}
	if os.Getenv("SLURM_CONF") == "" && !asked {
		t.Fatal("Slurm cluster test under CI: SLURM_CONF is unset; " + slurmHowToRun)
	}
	for _, p := range []string{"scontrol", "sbatch", "squeue"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Fatalf("Slurm cluster test: no %s in PATH; %s", p, slurmHowToRun)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "scontrol", "ping").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "is UP") {
		t.Fatalf("Slurm cluster test: scontrol ping: %v: %s; %s", err, strings.TrimSpace(string(out)), slurmHowToRun)
	}
}

// slurmTestDir is a fresh directory the cluster's jobs can reach.
func slurmTestDir(t *testing.T) string {
	t.Helper()
	base := os.Getenv("SQSIM_SLURM_SHARED")
	if base == "" {
		return t.TempDir()
	}
	dir, err := os.MkdirTemp(base, "sqsim-slurm-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// slurmBuildSqsim builds the sqsim binary into dir and returns its absolute path.
func slurmBuildSqsim(t *testing.T, dir string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go in PATH to build sqsim: %v", err)
	}
	bin, err := filepath.Abs(filepath.Join(dir, "sqsim"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(gobin, "build", "-o", bin, "./cmd/sqsim")
	cmd.Dir = ".." // the module root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sqsim: %v\n%s", err, out)
	}
	return bin
}

// slurmJob is one record of `scontrol -o show job`.
type slurmJob struct {
	ID, ArrayJobID, ArrayTaskID, State, ExitCode, Reason string
}

// slurmWait polls squeue until none of ids is queued or running, then returns the final
// records of their jobs (array elements included), kept by slurmctld for MinJobAge.
func slurmWait(t *testing.T, ids ...string) []slurmJob {
	t.Helper()
	deadline := time.Now().Add(slurmTimeout)
	list := strings.Join(ids, ",")
	for {
		out, err := exec.Command("squeue", "-h", "-j", list, "-o", "%i %T").CombinedOutput()
		if err == nil && strings.TrimSpace(string(out)) == "" {
			break
		}
		// squeue fails for ids it no longer knows; scontrol below reports them.
		if err != nil && !strings.Contains(string(out), "Invalid job id") {
			t.Fatalf("squeue -j %s: %v: %s", list, err, out)
		}
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			exec.Command("scancel", ids...).Run()
			t.Fatalf("jobs %s still queued after %v (cancelled):\n%s", list, slurmTimeout, out)
		}
		time.Sleep(300 * time.Millisecond)
	}
	var jobs []slurmJob
	for _, id := range ids {
		out, err := exec.Command("scontrol", "-o", "show", "job", id).CombinedOutput()
		if err != nil {
			t.Fatalf("scontrol show job %s: %v: %s", id, err, out)
		}
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			f := map[string]string{}
			for _, kv := range strings.Fields(sc.Text()) {
				if k, v, ok := strings.Cut(kv, "="); ok {
					f[k] = v
				}
			}
			if f["JobId"] == "" {
				continue
			}
			jobs = append(jobs, slurmJob{ID: f["JobId"], ArrayJobID: f["ArrayJobId"], ArrayTaskID: f["ArrayTaskId"],
				State: f["JobState"], ExitCode: f["ExitCode"], Reason: f["Reason"]})
		}
	}
	return jobs
}

// slurmStates maps "array/<task id>" and "merge" to each job's final state.
func slurmStates(jobs []slurmJob, ids SlurmJobs) map[string]string {
	m := map[string]string{}
	for _, j := range jobs {
		switch {
		case j.ArrayJobID == ids.Array && j.ArrayTaskID != "":
			m["array/"+j.ArrayTaskID] = j.State
		case j.ID == ids.Merge:
			m["merge"] = j.State
		}
	}
	return m
}

// slurmDumpLogs logs every file in DIR/logs when the test has failed.
func slurmDumpLogs(t *testing.T, out string) {
	t.Helper()
	if !t.Failed() {
		return
	}
	files, _ := filepath.Glob(filepath.Join(SlurmLogDir(out), "*"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		t.Logf("--- %s\n%s", f, b)
	}
}

// slurmStandIn is the job command of the mechanics test: element i runs two real sqsim cells
// (`sqsim learn --json` with chow at d = 5+i, seeds 1 and 2) into DIR/shard-i-of-N.jsonl and
// notes the Slurm variables it saw; the merge concatenates the shards in order into
// DIR/results.jsonl. It stands in for `sqsim sweep run` and `sqsim sweep merge`.
func slurmStandIn(bin, out string, shards int, failShard int) (run, merge []string) {
	runScript := `set -eu
i=$SLURM_ARRAY_TASK_ID out=$1 bin=$2 n=$3 fail=$4
echo "$SLURM_ARRAY_JOB_ID $SLURM_ARRAY_TASK_ID $SLURM_ARRAY_TASK_COUNT" > "$out/env-$i.txt"
if [ "$i" = "$fail" ]; then echo "shard $i fails on purpose" >&2; exit 3; fi
for s in 1 2; do "$bin" learn --learner chow --d $((5 + i)) --seed $s --json; done > "$out/shard-$i-of-$n.jsonl.tmp"
mv "$out/shard-$i-of-$n.jsonl.tmp" "$out/shard-$i-of-$n.jsonl"`
	mergeScript := `set -eu
out=$1 n=$2 i=0
: > "$out/results.jsonl.tmp"
while [ "$i" -lt "$n" ]; do cat "$out/shard-$i-of-$n.jsonl" >> "$out/results.jsonl.tmp"; i=$((i + 1)); done
mv "$out/results.jsonl.tmp" "$out/results.jsonl"`
	n := fmt.Sprint(shards)
	return []string{"/bin/sh", "-c", runScript, "stand-in-run", out, bin, n, fmt.Sprint(failShard)},
		[]string{"/bin/sh", "-c", mergeScript, "stand-in-merge", out, n}
}

// slurmStripTiming decodes JSON Lines and drops the fields that measure time.
func slurmStripTiming(t *testing.T, data []byte) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, line)
		}
		for k := range m {
			if strings.HasSuffix(k, "_ns") {
				delete(m, k)
			}
		}
		recs = append(recs, m)
	}
	return recs
}

func TestSlurmArrayMechanics(t *testing.T) {
	slurmRequireCluster(t)
	dir := slurmTestDir(t)
	bin := slurmBuildSqsim(t, dir)
	const shards = 4

	submit := func(t *testing.T, out string, failShard int) SlurmJobs {
		t.Helper()
		if err := os.MkdirAll(out, 0o755); err != nil {
			t.Fatal(err)
		}
		run, merge := slurmStandIn(bin, out, shards, failShard)
		jobs, err := SubmitSlurm(context.Background(), SlurmOptions{
			Binary: bin, Spec: filepath.Join(out, "spec.toml"), Out: out, Shards: shards,
			ArrayParallelism: 2, Time: "5", JobName: "sqsim-test", Run: run, Merge: merge,
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("array job %s, merge job %s", jobs.Array, jobs.Merge)
		return jobs
	}

	t.Run("all-shards-then-merge", func(t *testing.T) {
		out := filepath.Join(dir, "ok")
		defer slurmDumpLogs(t, out)
		jobs := submit(t, out, -1)
		states := slurmStates(slurmWait(t, jobs.Array, jobs.Merge), jobs)
		want := map[string]string{"array/0": "COMPLETED", "array/1": "COMPLETED", "array/2": "COMPLETED",
			"array/3": "COMPLETED", "merge": "COMPLETED"}
		if d := cmp.Diff(want, states); d != "" {
			t.Fatalf("job states (-want +got):\n%s", d)
		}
		for i := 0; i < shards; i++ {
			env, err := os.ReadFile(filepath.Join(out, fmt.Sprintf("env-%d.txt", i)))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := strings.TrimSpace(string(env)), fmt.Sprintf("%s %d %d", jobs.Array, i, shards); got != want {
				t.Errorf("element %d saw SLURM_ARRAY_JOB_ID, _TASK_ID, _TASK_COUNT = %q, want %q", i, got, want)
			}
		}
		// The same cells run here, outside Slurm, must give the same records.
		var local []byte
		for i := 0; i < shards; i++ {
			for _, seed := range []string{"1", "2"} {
				b, err := exec.Command(bin, "learn", "--learner", "chow", "--d", fmt.Sprint(5+i), "--seed", seed, "--json").Output()
				if err != nil {
					t.Fatalf("local sqsim learn: %v", err)
				}
				local = append(local, b...)
			}
		}
		merged, err := os.ReadFile(filepath.Join(out, "results.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		got, want2 := slurmStripTiming(t, merged), slurmStripTiming(t, local)
		if len(got) != 2*shards {
			t.Errorf("merged %d records, want %d", len(got), 2*shards)
		}
		if d := cmp.Diff(want2, got); d != "" {
			t.Errorf("merged records differ from the local run (-local +slurm):\n%s", d)
		}
	})

	t.Run("failed-shard-cancels-merge", func(t *testing.T) {
		out := filepath.Join(dir, "fail")
		defer slurmDumpLogs(t, out)
		jobs := submit(t, out, 2)
		states := slurmStates(slurmWait(t, jobs.Array, jobs.Merge), jobs)
		want := map[string]string{"array/0": "COMPLETED", "array/1": "COMPLETED", "array/2": "FAILED",
			"array/3": "COMPLETED", "merge": "CANCELLED"}
		if d := cmp.Diff(want, states); d != "" {
			t.Errorf("job states (-want +got):\n%s", d)
		}
		if _, err := os.Stat(filepath.Join(out, "results.jsonl")); !os.IsNotExist(err) {
			t.Errorf("results.jsonl exists after a failed shard (stat: %v)", err)
		}
		shardFiles, _ := filepath.Glob(filepath.Join(out, "shard-*-of-4.jsonl"))
		sort.Strings(shardFiles)
		if len(shardFiles) != shards-1 {
			t.Errorf("shard files %v, want the 3 that did not fail", shardFiles)
		}
	})
}
