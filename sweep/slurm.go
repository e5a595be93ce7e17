package sweep

// Slurm: one job array per sweep (one element per shard) and a merge job that waits for it.
// Nothing stays running on the submitting node: sbatch returns at once and the cluster runs the
// array, then the merge.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// ErrSlurm is wrapped by every error of the Slurm script generator and submitter.
var ErrSlurm = errors.New("sweep: slurm")

// SlurmDefaultMaxArraySize is Slurm's default MaxArraySize: array indices run 0..MaxArraySize-1.
const SlurmDefaultMaxArraySize = 1001

// SlurmOptions describes the job array of one sweep and its merge job.
type SlurmOptions struct {
	// Binary is the absolute path of the sqsim binary on the cluster's nodes.
	Binary string
	// Spec is the absolute path of the sweep spec, readable from the nodes.
	Spec string
	// Out is the absolute path of the sweep's output directory DIR, on a file system the nodes
	// share. Logs go to DIR/logs (see SlurmLogDir); the scripts are written into DIR.
	Out string
	// Shards is N, the number of shards: the array has elements 0..N-1.
	Shards int
	// ArrayParallelism P > 0 lets at most P elements run at once (--array=0-(N-1)%P); 0 means
	// no limit.
	ArrayParallelism int
	// Time is the time limit of each element and of the merge job, in one of Slurm's forms
	// (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED); "" leaves the
	// partition's default.
	Time string
	// Partition is the partition to submit to; "" is the cluster's default partition.
	Partition string
	// JobName names the array; the merge job is JobName-merge. Default "sqsim-sweep".
	JobName string
	// CPUsPerTask, if > 0, asks for that many CPUs per element (--cpus-per-task).
	CPUsPerTask int
	// MaxArraySize is the cluster's MaxArraySize; 0 means SlurmDefaultMaxArraySize.
	MaxArraySize int

	// Run replaces the element's command (default: Binary sweep run Spec --out Out --shard
	// "$SLURM_ARRAY_TASK_ID/N"). Each word is quoted for the shell; the element's environment
	// has SLURM_ARRAY_TASK_ID and the other Slurm variables.
	Run []string
	// Merge replaces the merge job's command (default: Binary sweep merge Out).
	Merge []string

	// Sbatch is the sbatch program SubmitSlurm runs; default "sbatch" (found in PATH).
	Sbatch string
}

// SlurmLogDir is where the array's and the merge job's logs go: DIR/logs.
func SlurmLogDir(out string) string { return filepath.Join(out, "logs") }

// SlurmScriptNames are the file names, inside DIR, that WriteSlurmScripts writes.
var SlurmScriptNames = struct{ Array, Merge string }{"slurm-array.sbatch", "slurm-merge.sbatch"}

var (
	slurmTimeRE = regexp.MustCompile(`^(?:\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE)$`)
	// Values that go into an #SBATCH line: no whitespace, quotes, '%' (a filename pattern) or
	// shell metacharacters.
	slurmWordRE = regexp.MustCompile(`^[A-Za-z0-9_.+,:@/=-]+$`)
	// A job name also goes into the log file names, so it has no '/'.
	slurmNameRE = regexp.MustCompile(`^[A-Za-z0-9_.+-]+$`)
	// A partition, or several separated by commas.
	slurmPartitionRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$`)
)

func (o SlurmOptions) withDefaults() SlurmOptions {
	if o.JobName == "" {
		o.JobName = "sqsim-sweep"
	}
	if o.MaxArraySize == 0 {
		o.MaxArraySize = SlurmDefaultMaxArraySize
	}
	if o.Sbatch == "" {
		o.Sbatch = "sbatch"
	}
	return o
}

func (o SlurmOptions) validate() error {
	for _, p := range []struct{ name, v string }{{"binary", o.Binary}, {"spec", o.Spec}, {"out", o.Out}} {
		if p.v == "" {
			return fmt.Errorf("%w: %s path is empty", ErrSlurm, p.name)
		}
		if !filepath.IsAbs(p.v) {
			return fmt.Errorf("%w: %s path %q is not absolute (the nodes run the script from their own directory)", ErrSlurm, p.name, p.v)
		}
		if strings.ContainsAny(p.v, "\n\r\x00") {
			return fmt.Errorf("%w: %s path %q contains a newline or NUL", ErrSlurm, p.name, p.v)
		}
	}
	if !slurmWordRE.MatchString(o.Out) {
		return fmt.Errorf("%w: out %q: it goes into #SBATCH --output, so only letters, digits and _.+,:@/=- are allowed", ErrSlurm, o.Out)
	}
	if o.MaxArraySize < 1 {
		return fmt.Errorf("%w: max array size %d, want >= 1", ErrSlurm, o.MaxArraySize)
	}
	if o.Shards < 1 || o.Shards > o.MaxArraySize {
		return fmt.Errorf("%w: shards %d, want 1..%d (the cluster's MaxArraySize; set it if yours is larger)", ErrSlurm, o.Shards, o.MaxArraySize)
	}
	if o.ArrayParallelism < 0 {
		return fmt.Errorf("%w: array parallelism %d, want >= 0 (0: no limit)", ErrSlurm, o.ArrayParallelism)
	}
	if o.CPUsPerTask < 0 {
		return fmt.Errorf("%w: cpus per task %d, want >= 0 (0: the partition's default)", ErrSlurm, o.CPUsPerTask)
	}
	if o.Time != "" && !slurmTimeRE.MatchString(o.Time) {
		return fmt.Errorf("%w: time %q, want minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED", ErrSlurm, o.Time)
	}
	if o.Partition != "" && !slurmPartitionRE.MatchString(o.Partition) {
		return fmt.Errorf("%w: partition %q, want a partition name (letters, digits, _.-) or several separated by commas", ErrSlurm, o.Partition)
	}
	if !slurmNameRE.MatchString(o.JobName) {
		return fmt.Errorf("%w: job name %q, want letters, digits and _.+- only (it names the log files)", ErrSlurm, o.JobName)
	}
	for _, c := range []struct {
		name string
		argv []string
	}{{"run", o.Run}, {"merge", o.Merge}} {
		if c.argv != nil && len(c.argv) == 0 {
			return fmt.Errorf("%w: %s command is empty", ErrSlurm, c.name)
		}
		for _, w := range c.argv {
			if strings.ContainsAny(w, "\x00") {
				return fmt.Errorf("%w: %s command word %q contains NUL", ErrSlurm, c.name, w)
			}
		}
	}
	return nil
}

// SlurmScripts returns the sbatch script of the sweep's job array and that of its merge job.
// The merge job must be submitted with --dependency=afterok:<array job id> (SubmitSlurm does).
func SlurmScripts(opts SlurmOptions) (array, merge string, err error) {
	o := opts.withDefaults()
	if err := o.validate(); err != nil {
		return "", "", err
	}
	n := o.Shards
	arraySpec := fmt.Sprintf("0-%d", n-1)
	if o.ArrayParallelism > 0 {
		arraySpec += "%" + strconv.Itoa(o.ArrayParallelism)
	}
	logs := SlurmLogDir(o.Out)

	var a strings.Builder
	a.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&a, "#SBATCH --job-name=%s\n", o.JobName)
	fmt.Fprintf(&a, "#SBATCH --array=%s\n", arraySpec)
	fmt.Fprintf(&a, "#SBATCH --output=%s/%s-%%A_%%a.out\n", logs, o.JobName)
	o.commonSbatch(&a)
	fmt.Fprintf(&a, "# Written by sqsim sweep slurm: element i of this array runs shard i of %d.\n", n)
	fmt.Fprintf(&a, "# Submit: sbatch --parsable %s; rerun chosen shards: sbatch --array=1,3 %s\n",
		filepath.Join(o.Out, SlurmScriptNames.Array), filepath.Join(o.Out, SlurmScriptNames.Array))
	a.WriteString("set -euo pipefail\n")
	if o.Run != nil {
		fmt.Fprintf(&a, "exec %s\n", slurmShellJoin(o.Run))
	} else {
		// The shard count is written here, not read from SLURM_ARRAY_TASK_COUNT: an array
		// resubmitted for some elements only (--array=1,3) has a smaller count.
		fmt.Fprintf(&a, "exec %s sweep run %s --out %s --shard \"${SLURM_ARRAY_TASK_ID}/%d\"\n",
			slurmShellQuote(o.Binary), slurmShellQuote(o.Spec), slurmShellQuote(o.Out), n)
	}

	var m strings.Builder
	m.WriteString("#!/bin/bash\n")
	fmt.Fprintf(&m, "#SBATCH --job-name=%s-merge\n", o.JobName)
	fmt.Fprintf(&m, "#SBATCH --output=%s/%s-merge-%%j.out\n", logs, o.JobName)
	o.commonSbatch(&m)
	m.WriteString("# Written by sqsim sweep slurm: merges the shards once every array element succeeded.\n")
	fmt.Fprintf(&m, "# Submit: sbatch --parsable --dependency=afterok:ARRAY_JOB_ID --kill-on-invalid-dep=yes %s\n",
		filepath.Join(o.Out, SlurmScriptNames.Merge))
	m.WriteString("set -euo pipefail\n")
	if o.Merge != nil {
		fmt.Fprintf(&m, "exec %s\n", slurmShellJoin(o.Merge))
	} else {
		fmt.Fprintf(&m, "exec %s sweep merge %s\n", slurmShellQuote(o.Binary), slurmShellQuote(o.Out))
	}
	return a.String(), m.String(), nil
}

func (o SlurmOptions) commonSbatch(b *strings.Builder) {
	if o.Time != "" {
		fmt.Fprintf(b, "#SBATCH --time=%s\n", o.Time)
	}
	if o.Partition != "" {
		fmt.Fprintf(b, "#SBATCH --partition=%s\n", o.Partition)
	}
	if o.CPUsPerTask > 0 {
		fmt.Fprintf(b, "#SBATCH --cpus-per-task=%d\n", o.CPUsPerTask)
	}
}

// WriteSlurmScripts writes the two scripts into DIR (SlurmScriptNames) and creates DIR/logs,
// which Slurm needs to exist before an element starts. It returns the scripts' paths.
func WriteSlurmScripts(opts SlurmOptions) (arrayPath, mergePath string, err error) {
	array, merge, err := SlurmScripts(opts)
	if err != nil {
		return "", "", err
	}
	if err := os.MkdirAll(SlurmLogDir(opts.Out), 0o755); err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrSlurm, err)
	}
	arrayPath = filepath.Join(opts.Out, SlurmScriptNames.Array)
	mergePath = filepath.Join(opts.Out, SlurmScriptNames.Merge)
	for _, f := range []struct{ path, text string }{{arrayPath, array}, {mergePath, merge}} {
		if err := os.WriteFile(f.path, []byte(f.text), 0o755); err != nil {
			return "", "", fmt.Errorf("%w: %v", ErrSlurm, err)
		}
	}
	return arrayPath, mergePath, nil
}

// SlurmJobs are the ids sbatch gave the array and the merge job.
type SlurmJobs struct {
	Array string `json:"array_job_id"`
	Merge string `json:"merge_job_id"`
}

// SubmitSlurm writes the scripts (WriteSlurmScripts), submits the array with
// `sbatch --parsable`, then the merge job with --dependency=afterok:<array id> and
// --kill-on-invalid-dep=yes (so a failed element cancels the merge instead of leaving it
// pending). If the merge job cannot be submitted, the error names the array's id, which is
// left to run.
func SubmitSlurm(ctx context.Context, opts SlurmOptions) (SlurmJobs, error) {
	o := opts.withDefaults()
	arrayPath, mergePath, err := WriteSlurmScripts(o)
	if err != nil {
		return SlurmJobs{}, err
	}
	var jobs SlurmJobs
	if jobs.Array, err = slurmSbatch(ctx, o.Sbatch, "--parsable", arrayPath); err != nil {
		return SlurmJobs{}, err
	}
	jobs.Merge, err = slurmSbatch(ctx, o.Sbatch, "--parsable",
		"--dependency=afterok:"+jobs.Array, "--kill-on-invalid-dep=yes", mergePath)
	if err != nil {
		return SlurmJobs{Array: jobs.Array}, fmt.Errorf("array job %s submitted, but not its merge job: %w", jobs.Array, err)
	}
	return jobs, nil
}

// slurmSbatch runs sbatch with args and returns the job id it printed (--parsable prints
// "id" or "id;cluster").
func slurmSbatch(ctx context.Context, sbatch string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, sbatch, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%w: %s %s: %v: %s", ErrSlurm, sbatch, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	id, _, _ := strings.Cut(strings.TrimSpace(stdout.String()), ";")
	if id == "" || strings.Trim(id, "0123456789") != "" {
		return "", fmt.Errorf("%w: %s %s printed %q, want a job id", ErrSlurm, sbatch, strings.Join(args, " "), stdout.String())
	}
	return id, nil
}

// slurmShellQuote quotes s for a POSIX shell; words of safe characters stay bare.
func slurmShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=+,@%-") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func slurmShellJoin(argv []string) string {
	q := make([]string, len(argv))
	for i, w := range argv {
		q[i] = slurmShellQuote(w)
	}
	return strings.Join(q, " ")
}
