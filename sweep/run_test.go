package sweep

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// smallSpec has learn cells of several learners, worlds and oracles, an
// eps cell and game cells: cheap, and varied enough that a mixed-up seed
// or record would show.
const smallSpec = `
name = "small"
seeds = [1, 2, 3]

[[grid]]
learner = ["gd", "chow"]
world = ["realizable", "noisy"]
d = [4, 8]
oracle = ["noise", "exact"]
tol = [1e-3]

[[grid]]
learner = ["gd"]
d = [6]
eps = [0.01]
seeds = [4]

[[grid]]
learner = ["chow"]
world = ["agnostic"]
d = [4]
seeds = [1]

[[grid]]
kind = "game"
seeds = [1]
learner = ["sparse"]
d = [6]
k = [2]
tau = [0.01]

[learner_options.gd]
steps = 20
`

func mustSpec(t testing.TB, text string) *Spec {
	t.Helper()
	s, err := ParseSpec(text)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// mergedLines merges dir and returns its results' record lines with
// wall_ns zeroed (timing aside, they must be byte-identical).
func mergedLines(t *testing.T, dir string) []string {
	t.Helper()
	m, err := Merge(dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.WriteResults(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	out := make([]string, 0, len(lines)-1)
	for _, l := range lines[1:] {
		var r Record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatal(err)
		}
		r.WallNS = 0
		b, _ := json.Marshal(r)
		out = append(out, string(b))
	}
	return out
}

func TestSweepInvariance(t *testing.T) {
	s := mustSpec(t, smallSpec)
	n := len(s.Plan())
	ctx := context.Background()
	one, two, shards := t.TempDir(), t.TempDir(), t.TempDir()
	if _, err := Run(ctx, s, RunOptions{Dir: one, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, s, RunOptions{Dir: two, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i >= 0; i-- { // shards in reverse order, on 2 workers
		if _, err := Run(ctx, s, RunOptions{Dir: shards, Workers: 2, Shard: i, Shards: 3}); err != nil {
			t.Fatal(err)
		}
	}
	a := mergedLines(t, one)
	if len(a) != n {
		t.Fatalf("%d records, want %d", len(a), n)
	}
	for _, r := range a {
		if !strings.Contains(r, `"status":"done"`) {
			t.Errorf("not done: %s", r)
		}
	}
	t.Run("2 workers", func(t *testing.T) {
		if diff := cmp.Diff(a, mergedLines(t, two)); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("3 shards", func(t *testing.T) {
		if diff := cmp.Diff(a, mergedLines(t, shards)); diff != "" {
			t.Error(diff)
		}
	})
	t.Run("resume does nothing", func(t *testing.T) {
		st, err := Run(ctx, s, RunOptions{Dir: one, Workers: 2})
		if err != nil || st.Skipped != n || st.Done+st.Failed != 0 {
			t.Errorf("rerun: %+v, %v; want all %d skipped", st, err, n)
		}
	})
	t.Run("another spec refused", func(t *testing.T) {
		other := mustSpec(t, strings.Replace(smallSpec, "steps = 20", "steps = 21", 1))
		if _, err := Run(ctx, other, RunOptions{Dir: one}); !errors.Is(err, ErrDir) {
			t.Errorf("err = %v, want ErrDir", err)
		}
	})
}

func TestSweepPartialLine(t *testing.T) {
	s := mustSpec(t, smallSpec)
	ctx := context.Background()
	full, cut := t.TempDir(), t.TempDir()
	if _, err := Run(ctx, s, RunOptions{Dir: full, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	// cut the file in the middle of its 6th record
	b, err := os.ReadFile(filepath.Join(full, ShardFile(0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	part := bytes.Join(lines[:6], nil)
	part = append(part, lines[6][:len(lines[6])/2]...)
	if err := os.WriteFile(filepath.Join(cut, ShardFile(0, 1)), part, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := Run(ctx, s, RunOptions{Dir: cut, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(s.Plan()) - 5; st.Done != want || st.Skipped != 5 {
		t.Errorf("resume ran %d (skipped %d), want %d (skipped 5)", st.Done, st.Skipped, want)
	}
	if diff := cmp.Diff(mergedLines(t, full), mergedLines(t, cut)); diff != "" {
		t.Error(diff)
	}
}

func TestSweepMaxFailsAndRetry(t *testing.T) {
	// gd asks 20 queries; a budget of 5 makes every gd cell fail at run time
	s := mustSpec(t, `
seeds = [1, 2, 3, 4, 5, 6]
[[grid]]
learner = ["gd"]
d = [4]
max_queries = 5
[[grid]]
learner = ["chow"]
d = [4]
[learner_options.gd]
steps = 20
`)
	dir := t.TempDir()
	st, err := Run(context.Background(), s, RunOptions{Dir: dir, Workers: 1, MaxFails: 2})
	if !errors.Is(err, ErrMaxFails) {
		t.Fatalf("err = %v, want ErrMaxFails", err)
	}
	// one worker: the sweep stops at the 2nd failure exactly (with W
	// workers, up to W-1 cells in flight are finished and recorded too)
	if st.Failed != 2 || st.Done != 0 {
		t.Errorf("stats %+v, want 2 failed, none done", st)
	}
	first := st.Failed
	st, err = Run(context.Background(), s, RunOptions{Dir: dir, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st.Skipped != first || st.Failed != 6-first || st.Done != 6 {
		t.Errorf("stats %+v, want %d skipped (failed before), %d failed, 6 done", st, first, 6-first)
	}
	status, err := DirStatus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if status.Failed != 6 || status.Done != 6 || status.Missing != 0 || len(status.Errors) != 6 {
		t.Errorf("status %+v", status)
	}
	for k, e := range status.Errors {
		if !strings.Contains(e, "budget") && !strings.Contains(e, "queries") {
			t.Errorf("%s: error %q does not say why", k, e)
		}
	}
	st, err = Run(context.Background(), s, RunOptions{Dir: dir, Workers: 2, RetryFailed: true})
	if err != nil {
		t.Fatal(err)
	}
	if st.Failed != 6 || st.Skipped != 6 {
		t.Errorf("--retry-failed: %+v, want the 6 failed cells redone", st)
	}
	m, err := Merge(dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Records) != 12 || m.Duplicates != 6 {
		t.Errorf("merge: %d records, %d duplicates; want 12 and 6", len(m.Records), m.Duplicates)
	}
}

func TestSweepMergeDisagreement(t *testing.T) {
	s := mustSpec(t, smallSpec)
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, RunOptions{Dir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ShardFile(0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	man := lines[0]
	t.Run("agreeing duplicate dropped", func(t *testing.T) {
		dup := append(append([]byte(nil), man...), lines[3]...)
		if err := os.WriteFile(filepath.Join(dir, ShardFile(0, 2)), dup, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Merge(dir, "test", nil)
		if err != nil || m.Duplicates != 1 || len(m.Records) != len(s.Plan()) {
			t.Fatalf("merge: %v, %+v", err, m)
		}
	})
	t.Run("disagreeing duplicate refused", func(t *testing.T) {
		bad := bytes.Replace(lines[3], []byte(`"queries":`), []byte(`"queries":1`), 1)
		dup := append(append([]byte(nil), man...), bad...)
		if err := os.WriteFile(filepath.Join(dir, ShardFile(0, 2)), dup, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := Merge(dir, "test", nil); !errors.Is(err, ErrDir) || !strings.Contains(err.Error(), "different") {
			t.Fatalf("err = %v, want a disagreement", err)
		}
	})
}

// TestSweepKillResume runs the sweep in a child process (this test binary
// re-executed as TestSweepHelperProcess), SIGKILLs it at random points,
// resumes, and checks that the records equal those of an uninterrupted run:
// nothing lost, and no cell recorded done twice.
func TestSweepKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes for several seconds; run without -short")
	}
	spec := `
seeds = [1, 2, 3, 4]
[[grid]]
learner = ["gd", "chow"]
d = [500, 1000]
oracle = ["noise"]
[learner_options.gd]
steps = 2000
`
	specFile := filepath.Join(t.TempDir(), "kill.toml")
	if err := os.WriteFile(specFile, []byte(spec), 0o644); err != nil {
		t.Fatal(err)
	}
	s := mustSpec(t, spec)
	ref := t.TempDir()
	if _, err := Run(context.Background(), s, RunOptions{Dir: ref, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	for attempt := 0; attempt < 20; attempt++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestSweepHelperProcess$")
		cmd.Env = append(os.Environ(), "SQSIM_SWEEP_HELPER_SPEC="+specFile, "SQSIM_SWEEP_HELPER_DIR="+dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("helper: %v", err)
			}
			attempt = 1 << 30 // finished
		case <-time.After(time.Duration(20+rng.IntN(150)) * time.Millisecond):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			kills++
		}
	}
	if kills < 2 {
		t.Logf("only %d kills before the sweep finished", kills)
	}
	if _, err := Run(context.Background(), s, RunOptions{Dir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	// no cell done twice
	f, err := os.Open(filepath.Join(dir, ShardFile(0, 1)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && r.Key != "" && r.Done() {
			seen[r.Key]++
		}
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("%s recorded done %d times", k, n)
		}
	}
	if len(seen) != len(s.Plan()) {
		t.Errorf("%d cells done, want %d", len(seen), len(s.Plan()))
	}
	if diff := cmp.Diff(mergedLines(t, ref), mergedLines(t, dir)); diff != "" {
		t.Errorf("after %d kills: %s", kills, diff)
	}
	t.Logf("%d SIGKILLs", kills)
}

func TestSweepHelperProcess(t *testing.T) {
	spec, dir := os.Getenv("SQSIM_SWEEP_HELPER_SPEC"), os.Getenv("SQSIM_SWEEP_HELPER_DIR")
	if spec == "" {
		t.Skip("the child process of TestSweepKillResume")
	}
	s, err := ReadSpec(spec)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), s, RunOptions{Dir: dir, Workers: 2}); err != nil {
		t.Fatal(err)
	}
}

func TestSweepShardFromEnv(t *testing.T) {
	for _, c := range []struct {
		name  string
		env   map[string]string
		i, n  int
		found bool
		bad   bool
	}{
		{"none", nil, 0, 0, false, false},
		{"slurm count", map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "4"}, 2, 4, true, false},
		{"slurm min max", map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "4"}, 2, 4, true, false},
		{"slurm all three", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 4, true, false},
		{"slurm stepped", map[string]string{"SLURM_ARRAY_TASK_ID": "0", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "6", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 0, true, true},
		{"slurm id only", map[string]string{"SLURM_ARRAY_TASK_ID": "1"}, 0, 0, true, true},
		{"slurm out of range", map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"}, 0, 0, true, true},
		{"k8s", map[string]string{"JOB_COMPLETION_INDEX": "1", "SQSIM_SHARDS": "3"}, 1, 3, true, false},
		{"k8s completions", map[string]string{"JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "2"}, 0, 2, true, false},
		{"k8s no count", map[string]string{"JOB_COMPLETION_INDEX": "0"}, 0, 0, true, true},
		{"k8s junk", map[string]string{"JOB_COMPLETION_INDEX": "x", "SQSIM_SHARDS": "2"}, 0, 0, true, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			i, n, found, err := ShardFromEnv(func(k string) string { return c.env[k] })
			if c.bad {
				if !errors.Is(err, ErrShard) {
					t.Errorf("err = %v, want ErrShard", err)
				}
				return
			}
			if err != nil || i != c.i || n != c.n || found != c.found {
				t.Errorf("got %d/%d found %v err %v, want %d/%d found %v", i, n, found, err, c.i, c.n, c.found)
			}
		})
	}
	for _, s := range []string{"0/0", "3/3", "-1/2", "1", "a/b", "1/2/3"} {
		if _, _, err := ParseShard(s); !errors.Is(err, ErrShard) {
			t.Errorf("ParseShard(%q) = %v, want ErrShard", s, err)
		}
	}
	if i, n, err := ParseShard("2/5"); err != nil || i != 2 || n != 5 {
		t.Errorf("ParseShard(2/5) = %d, %d, %v", i, n, err)
	}
}

func TestSweepSummaryMetrics(t *testing.T) {
	s := mustSpec(t, "metrics = [\"loss\", \"queries\"]\nseeds = [1, 2]\n[[grid]]\nlearner = [\"chow\"]\nd = [3, 4]\n")
	dir := t.TempDir()
	if _, err := Run(context.Background(), s, RunOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	m, err := Merge(dir, "test", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Summary) != 2 {
		t.Fatalf("%d groups, want 2", len(m.Summary))
	}
	var names []string
	for _, ms := range m.Summary[0].Metrics {
		names = append(names, ms.Name)
	}
	if diff := cmp.Diff([]string{"loss", "queries"}, names); diff != "" {
		t.Error(diff)
	}
	if g := m.Summary[0]; g.N != 2 || g.Done != 2 || g.Metrics[1].Mean != 1 || g.Metrics[1].SD != 0 {
		t.Errorf("group %+v: want 2 done, chow's 1 query each", g)
	}
}
