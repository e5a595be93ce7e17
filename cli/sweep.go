package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"

	"github.com/sqsim/sqsim/sweep"
)

func init() {
	register(&command{name: "sweep", summary: "declarative grids of runs from a TOML spec: plan, run (every core, resumable, sharded), status, merge with statistics", run: runSweep})
}

const sweepUsage = "plan|run|status|merge|slurm|k8s ...   (sqsim sweep <sub> -h for its flags; the spec's keys: docs/experiments.md)"

func runSweep(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("sweep: missing subcommand (want plan, run, status, merge, slurm or k8s)")
	}
	sub, rest := args[0], args[1:]
	ew := newErrWriter(stdout)
	var err error
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprintf(ew, "usage: sqsim sweep %s\n\n", sweepUsage)
		fmt.Fprintln(ew, "  plan SPEC     the dry run: every cell (key, parameters, shard), the total, cells per shard")
		fmt.Fprintln(ew, "  run SPEC      run the cells not yet recorded in --out DIR, appending one JSON Lines file per shard")
		fmt.Fprintln(ew, "  status DIR    done / failed / missing per shard, with the failed cells' errors")
		fmt.Fprintln(ew, "  merge DIR     DIR/results.jsonl (sorted by key), DIR/summary.jsonl and DIR/summary.csv (mean, sd, 95% t-interval over seeds)")
		fmt.Fprintln(ew, "  slurm SPEC    write (or --submit) an sbatch job array, one element per shard, and a merge job after it (docs/slurm.md)")
		fmt.Fprintln(ew, "  k8s SPEC      print a Kubernetes Indexed Job manifest, one pod per shard (docs/slurm.md)")
	case "plan":
		err = runSweepPlan(rest, ew)
	case "run":
		err = runSweepRun(rest, ew, stderr)
	case "status":
		err = runSweepStatus(rest, ew)
	case "merge":
		err = runSweepMerge(rest, ew)
	case "slurm":
		err = runSweepSlurm(rest, ew)
	case "k8s":
		err = runSweepK8s(rest, ew)
	default:
		return usagef("sweep: unknown subcommand %q (want plan, run, status, merge, slurm or k8s)", sub)
	}
	if err != nil {
		return err
	}
	return ew.Err()
}

// parseWithArg parses flags around one positional argument (SPEC or DIR),
// which may come before or after the flags.
func parseWithArg(f *flags, args []string, what string) (string, error) {
	var pos []string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		pos, args = args[:1], args[1:]
	}
	err := f.FlagSet.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(f.stdout, "usage: sqsim %s %s\n\nflags:\n", f.Name(), f.usage)
		f.SetOutput(f.stdout)
		f.PrintDefaults()
		printExamples(f.stdout, f.Name())
		return "", flag.ErrHelp
	}
	if err != nil {
		return "", usagef("%s: %v", f.Name(), err)
	}
	pos = append(pos, f.Args()...)
	if len(pos) == 0 {
		return "", usagef("%s: missing %s", f.Name(), what)
	}
	if len(pos) > 1 {
		return "", usagef("%s: unexpected argument %q (one %s, then flags)", f.Name(), pos[1], what)
	}
	return pos[0], nil
}

func readSpec(cmd, path string) (*sweep.Spec, error) {
	s, err := sweep.ReadSpec(path)
	if err != nil {
		return nil, usagef("%s: %v", cmd, err)
	}
	return s, nil
}

func runSweepPlan(args []string, stdout io.Writer) error {
	f := newFlags("sweep plan", "SPEC [--shards N] [--json]", stdout)
	shards := f.Int("shards", 1, "number of shards to count the cells of (as sweep run --shard i/N assigns them: plan index mod N)")
	asJSON := f.Bool("json", false, "JSON Lines: the manifest line, then one object per cell (key, parameters, shard)")
	path, err := parseWithArg(f, args, "SPEC (a sweep spec, TOML)")
	if err != nil {
		return err
	}
	if *shards < 1 {
		return usagef("sweep plan: --shards %d, want >= 1", *shards)
	}
	s, err := readSpec("sweep plan", path)
	if err != nil {
		return err
	}
	cells := s.Plan()
	per := make([]int, *shards)
	for _, c := range cells {
		per[c.Index%*shards]++
	}
	if *asJSON {
		man := s.Manifest("sqsim sweep plan", args, 0, *shards)
		if err := writeJSON(stdout, map[string]any{"manifest": man}); err != nil {
			return err
		}
		for _, c := range cells {
			r := sweep.PlanRecord(c, *shards)
			if err := writeJSON(stdout, r); err != nil {
				return err
			}
		}
		return nil
	}
	name := s.Name
	if name == "" {
		name = filepath.Base(path)
	}
	fmt.Fprintf(stdout, "sweep %s: %d cells in %d blocks\n", name, len(cells), len(s.Grid))
	for _, c := range cells {
		fmt.Fprintf(stdout, "  %5d  shard %d  %s\n", c.Index, c.Index%*shards, c.Key)
	}
	fmt.Fprintf(stdout, "total %d cells", len(cells))
	if *shards > 1 {
		fmt.Fprintf(stdout, "; per shard:")
		for i, n := range per {
			fmt.Fprintf(stdout, " %d/%d: %d", i, *shards, n)
		}
	}
	fmt.Fprintln(stdout)
	return nil
}

func runSweepRun(args []string, stdout, stderr io.Writer) error {
	f := newFlags("sweep run", "SPEC --out DIR [--workers W] [--shard i/N] [--retry-failed] [--max-fails N] [--quiet]", stdout)
	out := f.String("out", "", "the results directory (required; created if missing; one shard-I-of-N.jsonl per shard)")
	workers := f.Int("workers", runtime.GOMAXPROCS(0), "cells run at once")
	shardS := f.String("shard", "", "run shard i of N (i/N, 0 <= i < N; cells whose plan index is i mod N). Default: from SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (or _MIN/_MAX), or JOB_COMPLETION_INDEX with SQSIM_SHARDS (or JOB_COMPLETIONS); else 0/1")
	retry := f.Bool("retry-failed", false, "rerun the cells recorded as failed (cells with no record, or a record cut short by a kill, are always run)")
	maxFails := f.Int("max-fails", 0, "stop after this many failed cells in this run, exit status 1 (0: no limit; a run whose failed cells are all recorded exits 0, and sweep status lists them)")
	quiet := f.Bool("quiet", false, "no progress on stderr")
	path, err := parseWithArg(f, args, "SPEC (a sweep spec, TOML)")
	if err != nil {
		return err
	}
	if *out == "" {
		return usagef("sweep run: --out DIR is required")
	}
	if *workers < 1 {
		return usagef("sweep run: --workers %d, want >= 1", *workers)
	}
	if *maxFails < 0 {
		return usagef("sweep run: --max-fails %d, want >= 0 (0: no limit)", *maxFails)
	}
	shard, shards := 0, 1
	if f.set("shard") {
		if shard, shards, err = sweep.ParseShard(*shardS); err != nil {
			return usagef("sweep run: --shard: %v", err)
		}
	} else {
		i, n, found, err := sweep.ShardFromEnv(os.Getenv)
		if err != nil {
			return usagef("sweep run: %v", err)
		}
		if found {
			shard, shards = i, n
		}
	}
	s, err := readSpec("sweep run", path)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(*out); err == nil && !fi.IsDir() {
		return usagef("sweep run: --out %s is not a directory", *out)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := sweep.RunOptions{Dir: *out, Workers: *workers, Shard: shard, Shards: shards, RetryFailed: *retry, MaxFails: *maxFails, Args: args}
	if !*quiet {
		o.Progress = stderr
	}
	st, err := sweep.Run(ctx, s, o)
	if err != nil {
		if errors.Is(err, sweep.ErrDir) {
			return usagef("sweep run: --out %s: %v", *out, err)
		}
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("sweep run: interrupted after %d cells (%d done, %d failed, recorded in %s); the same command resumes", st.Done+st.Failed, st.Done, st.Failed, st.File)
		}
		if st.Done+st.Failed > 0 {
			return fmt.Errorf("sweep run: %w (%d done, %d failed in this run, recorded in %s)", err, st.Done, st.Failed, st.File)
		}
		return fmt.Errorf("sweep run: %w", err)
	}
	fmt.Fprintf(stdout, "sweep run: shard %d/%d: %d cells: %d run now (%d done, %d failed), %d already recorded; %s\n",
		shard, shards, st.Cells, st.Done+st.Failed, st.Done, st.Failed, st.Skipped, st.File)
	return nil
}

func runSweepStatus(args []string, stdout io.Writer) error {
	f := newFlags("sweep status", "DIR [--json]", stdout)
	asJSON := f.Bool("json", false, "print one JSON object: cells, done, failed, missing, per shard, and the failed cells' errors")
	dir, err := parseWithArg(f, args, "DIR (a sweep's results directory)")
	if err != nil {
		return err
	}
	st, err := sweep.DirStatus(dir)
	if err != nil {
		if errors.Is(err, sweep.ErrDir) {
			return usagef("sweep status: %v", err)
		}
		return fmt.Errorf("sweep status: %w", err)
	}
	if *asJSON {
		shards := make([]map[string]any, len(st.Shards))
		for i, sh := range st.Shards {
			shards[i] = map[string]any{"file": filepath.Base(sh.File), "shard": sh.Shard, "shards": sh.Shards, "cells": sh.Cells, "done": sh.Done, "failed": sh.Failed, "missing": sh.Missing}
		}
		return writeJSON(stdout, map[string]any{"dir": dir, "cells": st.Cells, "done": st.Done, "failed": st.Failed, "missing": st.Missing, "shards": shards, "errors": st.Errors})
	}
	fmt.Fprintf(stdout, "%s: %d cells: %d done, %d failed, %d missing\n", dir, st.Cells, st.Done, st.Failed, st.Missing)
	for _, sh := range st.Shards {
		fmt.Fprintf(stdout, "  shard %d/%d  %4d cells: %d done, %d failed, %d missing  (%s)\n", sh.Shard, sh.Shards, sh.Cells, sh.Done, sh.Failed, sh.Missing, filepath.Base(sh.File))
	}
	if len(st.Errors) > 0 {
		fmt.Fprintln(stdout, "failed cells:")
		for _, k := range sortedStrings(st.Errors) {
			fmt.Fprintf(stdout, "  %s: %s\n", k, oneLine(st.Errors[k]))
		}
	}
	return nil
}

func sortedStrings(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func runSweepMerge(args []string, stdout io.Writer) error {
	f := newFlags("sweep merge", "DIR", stdout)
	dir, err := parseWithArg(f, args, "DIR (a sweep's results directory)")
	if err != nil {
		return err
	}
	m, err := sweep.Merge(dir, "sqsim sweep merge", args)
	if err != nil {
		if errors.Is(err, sweep.ErrDir) {
			return usagef("sweep merge: %v", err)
		}
		return fmt.Errorf("sweep merge: %w", err)
	}
	for _, w := range []struct {
		name  string
		write func(io.Writer) error
	}{{"results.jsonl", m.WriteResults}, {"summary.jsonl", m.WriteSummaryJSONL}, {"summary.csv", m.WriteSummaryCSV}} {
		if err := writeFileAtomic(filepath.Join(dir, w.name), w.write); err != nil {
			return fmt.Errorf("sweep merge: %w", err)
		}
	}
	done, failed := 0, 0
	for i := range m.Records {
		if m.Records[i].Done() {
			done++
		} else {
			failed++
		}
	}
	fmt.Fprintf(stdout, "sweep merge: %d records (%d done, %d failed, %d of %d cells missing) from %d shard files, %d duplicates dropped; %d groups; wrote %s, %s, %s\n",
		len(m.Records), done, failed, m.Cells-len(m.Records), m.Cells, m.Files, m.Duplicates, len(m.Summary),
		filepath.Join(dir, "results.jsonl"), filepath.Join(dir, "summary.jsonl"), filepath.Join(dir, "summary.csv"))
	return nil
}
