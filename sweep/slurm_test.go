package sweep

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func slurmBaseOptions() SlurmOptions {
	return SlurmOptions{
		Binary: "/opt/sqsim/bin/sqsim",
		Spec:   "/home/ada/sweeps/gd-vs-d.toml",
		Out:    "/scratch/ada/gd-vs-d",
		Shards: 4,
	}
}

func TestSlurmScriptsGolden(t *testing.T) {
	full := slurmBaseOptions()
	full.ArrayParallelism = 2
	full.Time = "01:30:00"
	full.Partition = "short"
	full.JobName = "gd-vs-d"
	full.CPUsPerTask = 2
	custom := slurmBaseOptions()
	custom.Binary = "/opt/my sqsim/sqsim"
	custom.Run = []string{"/bin/sh", "-c", `echo "$SLURM_ARRAY_TASK_ID" > "$0/shard-$SLURM_ARRAY_TASK_ID.txt"`, "/scratch/it's"}
	custom.Merge = []string{"/bin/sh", "-c", `cat "$0"/shard-*.txt > "$0/results.txt"`, "/scratch/it's"}
	for _, tc := range []struct {
		name string
		opts SlurmOptions
	}{
		{"slurm-minimal", slurmBaseOptions()},
		{"slurm-full", full},
		{"slurm-custom-commands", custom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			array, merge, err := SlurmScripts(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			slurmGolden(t, tc.name+"/array.sbatch", []byte(array))
			slurmGolden(t, tc.name+"/merge.sbatch", []byte(merge))
		})
	}
}

// The #SBATCH lines are what Slurm reads: check them field by field, not only as text.
func TestSlurmScriptsDirectives(t *testing.T) {
	o := slurmBaseOptions()
	o.ArrayParallelism = 3
	o.Time = "2-00:00:00"
	o.Partition = "long"
	array, merge, err := SlurmScripts(o)
	if err != nil {
		t.Fatal(err)
	}
	wantArray := map[string]string{
		"--job-name":  "sqsim-sweep",
		"--array":     "0-3%3",
		"--output":    "/scratch/ada/gd-vs-d/logs/sqsim-sweep-%A_%a.out",
		"--time":      "2-00:00:00",
		"--partition": "long",
	}
	wantMerge := map[string]string{
		"--job-name":  "sqsim-sweep-merge",
		"--output":    "/scratch/ada/gd-vs-d/logs/sqsim-sweep-merge-%j.out",
		"--time":      "2-00:00:00",
		"--partition": "long",
	}
	if d := cmp.Diff(wantArray, slurmDirectives(t, array)); d != "" {
		t.Errorf("array directives (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantMerge, slurmDirectives(t, merge)); d != "" {
		t.Errorf("merge directives (-want +got):\n%s", d)
	}
	t.Run("no-parallelism-limit", func(t *testing.T) {
		o := slurmBaseOptions()
		o.Shards = 1
		array, _, err := SlurmScripts(o)
		if err != nil {
			t.Fatal(err)
		}
		if got := slurmDirectives(t, array)["--array"]; got != "0-0" {
			t.Errorf("--array = %q, want 0-0", got)
		}
	})
}

// slurmDirectives parses the #SBATCH lines of a script, which must all come before its first
// command (sbatch ignores the ones after).
func slurmDirectives(t *testing.T, script string) map[string]string {
	t.Helper()
	d := map[string]string{}
	lines := strings.Split(script, "\n")
	if lines[0] != "#!/bin/bash" {
		t.Errorf("first line %q, want #!/bin/bash", lines[0])
	}
	seenCommand := false
	for _, l := range lines[1:] {
		if rest, ok := strings.CutPrefix(l, "#SBATCH "); ok {
			if seenCommand {
				t.Errorf("#SBATCH line %q after the first command: sbatch ignores it", l)
			}
			k, v, _ := strings.Cut(rest, "=")
			if _, dup := d[k]; dup {
				t.Errorf("%s given twice", k)
			}
			d[k] = v
		} else if l != "" && !strings.HasPrefix(l, "#") {
			seenCommand = true
		}
	}
	return d
}

// The element's command, run by a real shell with the Slurm variables set, must receive
// exactly the words intended, whatever the paths contain.
func TestSlurmScriptsCommandWords(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the scripts with")
	}
	dir := t.TempDir()
	echo := filepath.Join(dir, "args")
	if err := os.WriteFile(echo, []byte("#!/bin/sh\nfor a in \"$@\"; do printf '[%s]\\n' \"$a\"; done\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := SlurmOptions{
		Binary: echo,
		Spec:   "/tmp/a spec/it's $HOME; `x`.toml",
		Out:    "/tmp/out-dir",
		Shards: 7,
	}
	array, merge, err := SlurmScripts(o)
	if err != nil {
		t.Fatal(err)
	}
	run := func(script string) string {
		cmd := exec.Command(bash, "-c", script)
		cmd.Env = append(os.Environ(), "SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_COUNT=2")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return string(out)
	}
	t.Run("array", func(t *testing.T) {
		want := "[sweep]\n[run]\n[" + o.Spec + "]\n[--out]\n[/tmp/out-dir]\n[--shard]\n[5/7]\n"
		if d := cmp.Diff(want, run(array)); d != "" {
			t.Errorf("words (-want +got):\n%s", d)
		}
	})
	t.Run("merge", func(t *testing.T) {
		if d := cmp.Diff("[sweep]\n[merge]\n[/tmp/out-dir]\n", run(merge)); d != "" {
			t.Errorf("words (-want +got):\n%s", d)
		}
	})
	t.Run("quote", func(t *testing.T) {
		for _, s := range []string{"", "plain", "a b", "it's", `"`, "$x", "`x`", "a\\b", "*", "~", "#", "a\nb", "-n"} {
			out := run(slurmShellJoin([]string{echo, s}))
			if out != "["+s+"]\n" {
				t.Errorf("%q came back as %q", s, out)
			}
		}
	})
}

func TestSlurmScriptsRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*SlurmOptions)
		words string
	}{
		{"no-binary", func(o *SlurmOptions) { o.Binary = "" }, "binary path is empty"},
		{"relative-binary", func(o *SlurmOptions) { o.Binary = "sqsim" }, `"sqsim"`},
		{"relative-spec", func(o *SlurmOptions) { o.Spec = "spec.toml" }, `"spec.toml"`},
		{"relative-out", func(o *SlurmOptions) { o.Out = "out" }, `"out"`},
		{"newline-spec", func(o *SlurmOptions) { o.Spec = "/a\nb" }, "newline"},
		{"out-with-space", func(o *SlurmOptions) { o.Out = "/a b" }, `"/a b"`},
		{"out-with-percent", func(o *SlurmOptions) { o.Out = "/a%j" }, `"/a%j"`},
		{"zero-shards", func(o *SlurmOptions) { o.Shards = 0 }, "shards 0"},
		{"too-many-shards", func(o *SlurmOptions) { o.Shards = 1002 }, "1..1001"},
		{"max-array-size", func(o *SlurmOptions) { o.Shards = 1002; o.MaxArraySize = 5000 }, ""},
		{"negative-parallelism", func(o *SlurmOptions) { o.ArrayParallelism = -2 }, "-2"},
		{"negative-cpus", func(o *SlurmOptions) { o.CPUsPerTask = -1 }, "-1"},
		{"bad-time", func(o *SlurmOptions) { o.Time = "1h" }, `"1h"`},
		{"time-injection", func(o *SlurmOptions) { o.Time = "10\n#SBATCH --mem=1T" }, "time"},
		{"bad-partition", func(o *SlurmOptions) { o.Partition = "a b" }, `"a b"`},
		{"bad-job-name", func(o *SlurmOptions) { o.JobName = "my job" }, `"my job"`},
		{"job-name-slash", func(o *SlurmOptions) { o.JobName = "a/b" }, `"a/b"`},
		{"partitions", func(o *SlurmOptions) { o.Partition = "short,long" }, ""},
		{"partition-trailing-comma", func(o *SlurmOptions) { o.Partition = "short," }, `"short,"`},
		{"empty-run", func(o *SlurmOptions) { o.Run = []string{} }, "run command is empty"},
		{"empty-merge", func(o *SlurmOptions) { o.Merge = []string{} }, "merge command is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := slurmBaseOptions()
			tc.edit(&o)
			_, _, err := SlurmScripts(o)
			if tc.words == "" { // a valid edit, to show the limit is the option's
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrSlurm) {
				t.Fatalf("err = %v, want ErrSlurm", err)
			}
			if !strings.Contains(err.Error(), tc.words) {
				t.Errorf("error %q does not name %s", err, tc.words)
			}
		})
	}
}

// SubmitSlurm against a stand-in sbatch that records its arguments.
func TestSubmitSlurmFake(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh for the stand-in sbatch")
	}
	fake := func(t *testing.T, body string) (sbatch, calls string) {
		dir := t.TempDir()
		calls = filepath.Join(dir, "calls")
		sbatch = filepath.Join(dir, "sbatch")
		script := "#!/bin/sh\necho \"$@\" >> " + slurmShellQuote(calls) + "\n" + body
		if err := os.WriteFile(sbatch, []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		return sbatch, calls
	}
	opts := func(t *testing.T, sbatch string) SlurmOptions {
		o := slurmBaseOptions()
		o.Out = filepath.Join(t.TempDir(), "out")
		o.Sbatch = sbatch
		return o
	}
	t.Run("ok", func(t *testing.T) {
		sbatch, calls := fake(t, `case "$*" in *dependency*) echo 42;; *) echo "41;cluster";; esac`+"\n")
		o := opts(t, sbatch)
		jobs, err := SubmitSlurm(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(SlurmJobs{Array: "41", Merge: "42"}, jobs); d != "" {
			t.Errorf("jobs (-want +got):\n%s", d)
		}
		got, _ := os.ReadFile(calls)
		a, m := filepath.Join(o.Out, SlurmScriptNames.Array), filepath.Join(o.Out, SlurmScriptNames.Merge)
		want := "--parsable " + a + "\n--parsable --dependency=afterok:41 --kill-on-invalid-dep=yes " + m + "\n"
		if d := cmp.Diff(want, string(got)); d != "" {
			t.Errorf("sbatch calls (-want +got):\n%s", d)
		}
		if fi, err := os.Stat(SlurmLogDir(o.Out)); err != nil || !fi.IsDir() {
			t.Errorf("log dir: %v", err)
		}
		array, _, _ := SlurmScripts(o)
		if b, err := os.ReadFile(a); err != nil || string(b) != array {
			t.Errorf("%s does not hold the array script (%v)", a, err)
		}
	})
	t.Run("array-refused", func(t *testing.T) {
		sbatch, _ := fake(t, "echo 'sbatch: error: invalid partition' >&2; exit 1\n")
		_, err := SubmitSlurm(context.Background(), opts(t, sbatch))
		if !errors.Is(err, ErrSlurm) || !strings.Contains(err.Error(), "invalid partition") {
			t.Errorf("err = %v, want ErrSlurm with sbatch's message", err)
		}
	})
	t.Run("merge-refused", func(t *testing.T) {
		sbatch, _ := fake(t, `case "$*" in *dependency*) echo nope >&2; exit 1;; *) echo 7;; esac`+"\n")
		jobs, err := SubmitSlurm(context.Background(), opts(t, sbatch))
		if !errors.Is(err, ErrSlurm) || !strings.Contains(err.Error(), "array job 7 submitted") || jobs.Array != "7" {
			t.Errorf("jobs %+v, err = %v, want the array's id in both", jobs, err)
		}
	})
	t.Run("garbage-id", func(t *testing.T) {
		sbatch, _ := fake(t, "echo 'Submitted batch job 5'\n")
		_, err := SubmitSlurm(context.Background(), opts(t, sbatch))
		if !errors.Is(err, ErrSlurm) || !strings.Contains(err.Error(), "want a job id") {
			t.Errorf("err = %v, want a refusal of the output", err)
		}
	})
	t.Run("bad-options", func(t *testing.T) {
		o := slurmBaseOptions()
		o.Shards = 0
		if _, err := SubmitSlurm(context.Background(), o); !errors.Is(err, ErrSlurm) {
			t.Errorf("err = %v, want ErrSlurm", err)
		}
	})
}
