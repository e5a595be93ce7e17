package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sqsim/sqsim/sweep"
)

// defaultShards is the shard count of sweep slurm and sweep k8s when
// --shards is not given (at most the number of cells).
const defaultShards = 4

// clusterPaths makes SPEC and DIR absolute (the nodes run the scripts
// from elsewhere) and reads the spec, refusing a bad one before any file
// is written; it returns the shard count, --shards or defaultShards, at
// most the number of cells.
func clusterPaths(cmd, spec, out string, shards int, set bool) (absSpec, absOut string, n int, err error) {
	if out == "" {
		return "", "", 0, usagef("%s: missing --out DIR (the sweep's results directory, on a file system the nodes share)", cmd)
	}
	if set && shards < 1 {
		return "", "", 0, usagef("%s: --shards %d, want >= 1", cmd, shards)
	}
	s, err := readSpec(cmd, spec)
	if err != nil {
		return "", "", 0, err
	}
	if !set {
		shards = min(defaultShards, max(1, len(s.Plan())))
	}
	if absSpec, err = filepath.Abs(spec); err != nil {
		return "", "", 0, fmt.Errorf("%s: %w", cmd, err)
	}
	if absOut, err = filepath.Abs(out); err != nil {
		return "", "", 0, fmt.Errorf("%s: %w", cmd, err)
	}
	return absSpec, absOut, shards, nil
}

func runSweepSlurm(args []string, stdout io.Writer) error {
	const cmd = "sweep slurm"
	f := newFlags(cmd, "SPEC --out DIR [--shards N] [--array-parallelism P] [--time T] [--partition P] [--job-name NAME] [--cpus-per-task C] [--binary PATH] [--submit]", stdout)
	out := f.String("out", "", "the results directory on a file system the nodes share (required); the scripts go there, the logs to DIR/logs")
	shards := f.Int("shards", defaultShards, "N: the job array's elements, one shard each (default 4, at most the number of cells)")
	par := f.Int("array-parallelism", 0, "at most P elements at once (--array=0-(N-1)%P); 0: no limit")
	tlim := f.String("time", "", "time limit of each element and of the merge job, in Slurm's forms (e.g. 60, 1:00:00, 1-00); default: the partition's")
	part := f.String("partition", "", "the partition (default: the cluster's default partition)")
	name := f.String("job-name", "", "the array's job name; the merge job is NAME-merge (default sqsim-sweep)")
	cpus := f.Int("cpus-per-task", 0, "CPUs per element (--cpus-per-task; 0: the cluster's default); sweep run uses them all")
	bin := f.String("binary", "", "absolute path of the sqsim binary on the nodes (default: this binary)")
	submit := f.Bool("submit", false, "submit both jobs with sbatch and print their ids (the merge job waits with --dependency=afterok)")
	spec, err := parseWithArg(f, args, "SPEC (a sweep spec, TOML)")
	if err != nil {
		return err
	}
	absSpec, absOut, n, err := clusterPaths(cmd, spec, *out, *shards, f.set("shards"))
	if err != nil {
		return err
	}
	if *bin == "" {
		if *bin, err = os.Executable(); err != nil {
			return fmt.Errorf("%s: the path of this binary (give --binary): %w", cmd, err)
		}
	}
	opts := sweep.SlurmOptions{Binary: *bin, Spec: absSpec, Out: absOut, Shards: n, ArrayParallelism: *par,
		Time: *tlim, Partition: *part, JobName: *name, CPUsPerTask: *cpus}
	if _, _, err := sweep.SlurmScripts(opts); err != nil {
		return usagef("%v", err) // names the option
	}
	if *submit {
		jobs, err := sweep.SubmitSlurm(context.Background(), opts)
		if err != nil {
			return fmt.Errorf("%s: %w", cmd, err)
		}
		fmt.Fprintf(stdout, "submitted array job %s (%d elements) and merge job %s (afterok)\n", jobs.Array, n, jobs.Merge)
		fmt.Fprintf(stdout, "follow: squeue -j %s,%s; sqsim sweep status %s\n", jobs.Array, jobs.Merge, absOut)
		return nil
	}
	arr, mrg, err := sweep.WriteSlurmScripts(opts)
	if err != nil {
		return fmt.Errorf("%s: %w", cmd, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d elements) and %s\n", arr, n, mrg)
	fmt.Fprintf(stdout, "submit: jid=$(sbatch --parsable %s) && sbatch --dependency=afterok:${jid%%%%;*} --kill-on-invalid-dep=yes %s   (or rerun with --submit)\n", arr, mrg)
	return nil
}

func runSweepK8s(args []string, stdout io.Writer) error {
	const cmd = "sweep k8s"
	f := newFlags(cmd, "SPEC --image IMAGE --pvc CLAIM [--out DIR] [--shards N] [--parallelism P] [--backoff-limit-per-index B] [--name NAME] [--namespace NS] [--spec-configmap CM] [--binary PATH] [--cpu Q] [--memory Q]", stdout)
	out := f.String("out", "/data/sweep", "DIR in the container: where the claim is mounted and the results go")
	shards := f.Int("shards", defaultShards, "N: the Job's completions, one shard each (default 4, at most the number of cells)")
	par := f.Int("parallelism", 0, "pods at once (0: all N)")
	backoff := f.Int("backoff-limit-per-index", 0, "retries of a failed index before it counts as failed")
	name := f.String("name", "", "the Job's name (default sqsim-sweep)")
	ns := f.String("namespace", "", "the Job's namespace (default: kubectl's)")
	image := f.String("image", "", "the container image holding the sqsim binary (required)")
	pvc := f.String("pvc", "", "the PersistentVolumeClaim mounted at --out (required; ReadWriteMany when pods run on several nodes)")
	cm := f.String("spec-configmap", "", "a ConfigMap holding the spec (kubectl create configmap NAME --from-file=SPEC), mounted next to it; default: the spec is in the image or on the claim")
	specIn := f.String("spec-path", "", "the spec's absolute path in the container (default: DIR/ and the spec's file name)")
	bin := f.String("binary", "", "the sqsim binary's absolute path in the image (default /usr/local/bin/sqsim)")
	cpu := f.String("cpu", "", "the container's CPU request (e.g. 2, 500m)")
	mem := f.String("memory", "", "the container's memory request (e.g. 1Gi)")
	spec, err := parseWithArg(f, args, "SPEC (a sweep spec, TOML)")
	if err != nil {
		return err
	}
	if !filepath.IsAbs(*out) {
		return usagef("%s: --out %q, want an absolute path in the container", cmd, *out)
	}
	if _, _, n, err := clusterPaths(cmd, spec, *out, *shards, f.set("shards")); err != nil {
		return err
	} else {
		*shards = n
	}
	inPod := *specIn
	if inPod == "" {
		inPod = filepath.Join(*out, filepath.Base(spec))
	}
	y, err := sweep.K8sJob(sweep.K8sOptions{Name: *name, Namespace: *ns, Image: *image, Binary: *bin, Spec: inPod,
		SpecConfigMap: *cm, Out: *out, PVC: *pvc, Shards: *shards, Parallelism: *par, BackoffLimitPerIndex: *backoff,
		CPU: *cpu, Memory: *mem})
	if err != nil {
		return usagef("%v", err) // names the option, e.g. "sweep: k8s: image ..."
	}
	_, err = stdout.Write(y)
	return err
}
