package cli

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"

	benchpkg "github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/bench/perf"
	"github.com/sqsim/sqsim/internal/kern"
)

func init() {
	register(&command{name: "bench", summary: "performance of the hot paths, with % of read bandwidth and numpy ratios", run: runBench})
}

// benchShape is one (n, d) of a workload.
type benchShape struct{ n, d int }

// defaultShapes are the shapes of a workload when --n and --d are not given:
// pools of n*d = 10^8 values (800 MB) at three aspect ratios, the exact
// gradient at three dimensions, 10^7 normals, a 800 MB read.
var defaultShapes = map[string][]benchShape{
	"stream": {{100_000_000, 1}},
	"grad":   {{1_000_000, 100}, {100_000, 1000}, {10_000, 10_000}},
	"batch":  {{1_000_000, 100}, {100_000, 1000}, {10_000, 10_000}},
	"exact":  {{0, 100}, {0, 1000}, {0, 10_000}},
	"sample": {{1_000_000, 10}},
}

// streamValues is the size of the read-bandwidth measurement behind the
// percentages: 2^25 values, 256 MiB, eight times a large L3 cache (a
// variable so that tests can make it small).
var streamValues = 1 << 25

func runBench(args []string, stdout, stderr io.Writer) error {
	f := newFlags("bench", "[--workload W[,W...]|all] [--n N] [--d D] [--m M] [--threads T] [--reps R] [--compare numpy] [--json] [--out FILE]", stdout)
	bf := &benchFlags{f: f}
	bf.bind()
	if err := f.parse(args); err != nil {
		return err
	}
	cfgs, err := bf.configs()
	if err != nil {
		return err
	}
	out, err := bf.out.open("bench", stdout)
	if err != nil {
		return err
	}
	return bf.out.close("bench", bf.run(cfgs, args, out, stderr))
}

// benchFlags are the flags of sqsim bench.
type benchFlags struct {
	f          *flags
	workloads  []string
	n, d, m    int
	threads    int
	reps       int
	seed       uint64
	compare    string
	bandwidthF bool
	out        outputFlags
}

func (b *benchFlags) bind() {
	f := b.f
	b.workloads = []string{"all"}
	f.Var(stringsFlag{&b.workloads}, "workload", "`workloads`, comma-separated: "+strings.Join(perf.Workloads, ", ")+", or all")
	f.IntVar(&b.n, "n", 0, "examples in the pool (grad, batch; sample and stream: rows of d values); default: the standard shapes")
	f.IntVar(&b.d, "d", 0, "dimension; default: the standard shapes")
	f.IntVar(&b.m, "m", 64, "directions of the batch workload")
	f.IntVar(&b.threads, "threads", runtime.GOMAXPROCS(0), "goroutines (and BLAS threads for numpy); exact runs on one thread unless this is given")
	f.IntVar(&b.reps, "reps", 5, "repetitions; the minimum and the median are reported")
	f.Uint64Var(&b.seed, "seed", 1, "seed of the data")
	f.StringVar(&b.compare, "compare", "", "peer to compare with: numpy (runs bench/numpy/*.py with python3 in the same run)")
	f.BoolVar(&b.bandwidthF, "bandwidth", true, "measure the read bandwidth (stream) and report passes as a percentage of it")
	bindOutput(f, &b.out, "one object per measurement (each with its own manifest)")
}

// configs validates the flags and expands the workloads into the
// measurements to run.
func (b *benchFlags) configs() ([]perf.Config, error) {
	f := b.f
	var names []string
	for _, w := range b.workloads {
		if w == "all" {
			names = append(names, perf.Workloads...)
			continue
		}
		if !slices.Contains(perf.Workloads, w) {
			return nil, usagef("bench: --workload %q, want one of %s, or all", w, strings.Join(perf.Workloads, ", "))
		}
		names = append(names, w)
	}
	switch {
	case f.set("n") && (b.n < 1 || b.n > 1<<32):
		return nil, usagef("bench: --n %d, want 1 <= n <= 2^32", b.n)
	case f.set("d") && (b.d < 1 || b.d > 1<<24):
		return nil, usagef("bench: --d %d, want 1 <= d <= 2^24", b.d)
	case b.m < 1 || b.m > 4096:
		return nil, usagef("bench: --m %d, want 1 <= m <= 4096", b.m)
	case b.threads < 1 || b.threads > 1024:
		return nil, usagef("bench: --threads %d, want 1 <= threads <= 1024", b.threads)
	case b.reps < 1 || b.reps > 10000:
		return nil, usagef("bench: --reps %d, want 1 <= reps <= 10000", b.reps)
	case b.compare != "" && b.compare != "numpy":
		return nil, usagef("bench: --compare %q, want numpy", b.compare)
	}
	if f.set("n") || f.set("d") {
		if float64(max(b.n, 1))*float64(max(b.d, 1)) > 1<<32 {
			return nil, usagef("bench: --n %d x --d %d = %.3g values, more than 2^32", b.n, b.d, float64(b.n)*float64(b.d))
		}
	}
	var cfgs []perf.Config
	for _, w := range names {
		shapes := defaultShapes[w]
		if f.set("n") || f.set("d") {
			def := defaultShapes[w][0]
			s := benchShape{def.n, def.d}
			if f.set("n") {
				s.n = b.n
			}
			if f.set("d") {
				s.d = b.d
			}
			shapes = []benchShape{s}
		}
		for _, s := range shapes {
			cfg := perf.Config{Workload: w, N: s.n, D: s.d, Threads: b.threads, Reps: b.reps, Seed: b.seed}
			if w == "batch" {
				cfg.M = b.m
			}
			if w == "exact" && !f.set("threads") {
				cfg.Threads = 1 // the targets are per core; --threads runs one query stream per thread
			}
			if w == "sample" && b.threads > 1 {
				one := cfg
				one.Threads = 1
				cfgs = append(cfgs, one) // per core, then all threads
			}
			if err := cfg.Check(); err != nil {
				return nil, usagef("bench: %v", err)
			}
			cfgs = append(cfgs, cfg)
		}
	}
	return cfgs, nil
}

// run measures cfgs and prints each row as it is measured.
func (b *benchFlags) run(cfgs []perf.Config, args []string, stdout, stderr io.Writer) error {
	tw := newErrWriter(stdout)
	stdout = tw
	python := ""
	if b.compare == "numpy" {
		p, err := perf.FindNumpy()
		if err != nil {
			fmt.Fprintf(stderr, "sqsim: bench: %v; skipping the comparison\n", err)
		} else {
			python = p
		}
	}
	// The read bandwidth behind the percentages is measured right after each
	// pass over memory, with the same threads; the best of the measurements
	// so far is used, so that a moment when another process shares the
	// memory bus does not make a pass look better than it is.
	best := map[int]float64{}
	bandwidth := func(threads int) (float64, error) {
		r, err := perf.Run(perf.Config{Workload: "stream", N: streamValues, D: 1, Threads: threads, Reps: b.reps, Seed: b.seed})
		best[threads] = max(best[threads], r.GBps)
		return best[threads], err
	}
	var rows []benchRow
	var jl *benchpkg.JSONL
	if b.out.JSON {
		var err error
		conf := map[string]any{"workload": b.workloads, "n": b.n, "d": b.d, "m": b.m, "threads": b.threads, "reps": b.reps, "seed": b.seed,
			"compare": b.compare, "bandwidth": b.bandwidthF, "measurements": len(cfgs)}
		if jl, err = benchpkg.NewJSONL(stdout, manifestArgs("bench", args, conf)); err != nil {
			return prefixErr("bench", err)
		}
	} else {
		fmt.Fprintf(stdout, "sqsim bench: kernels %s, GOMAXPROCS %d, %s\n", kern.Impl(), runtime.GOMAXPROCS(0), runtime.Version())
		fmt.Fprintln(stdout, benchHeader(python != ""))
	}
	for _, c := range cfgs {
		row, err := b.measure(c, python, bandwidth, best, stderr)
		if err != nil {
			return err
		}
		rows = append(rows, row)
		if jl != nil {
			cfg := map[string]any{"workload": c.Workload, "n": c.N, "d": c.D, "m": c.M, "threads": c.Threads, "reps": c.Reps, "seed": c.Seed, "compare": b.compare}
			m := manifestArgs("bench", args, cfg)
			row.Manifest = &m
			if err := jl.Write(row); err != nil {
				return prefixErr("bench", err)
			}
			continue
		}
		fmt.Fprintln(stdout, row.cells(python != ""))
		if tw.err != nil {
			return prefixErr("bench", tw.Err()) // stop measuring when the table cannot be written
		}
	}
	if jl == nil && python != "" {
		for _, r := range rows {
			if r.Numpy != nil {
				fmt.Fprintf(stdout, "numpy: %s, BLAS %s, python %s (ratio = numpy time / sqsim time; numpy's sampling is single-threaded)\n", r.Numpy.Numpy, r.Numpy.BLAS, r.Numpy.Python)
				break
			}
		}
	}
	return prefixErr("bench", tw.Err())
}

// measure runs c, the read bandwidth after it (for the passes over
// memory) and the numpy peer (when python is set).
func (b *benchFlags) measure(c perf.Config, python string, bandwidth func(int) (float64, error), best map[int]float64, stderr io.Writer) (benchRow, error) {
	var row benchRow
	var err error
	row.Result, err = perf.Run(c)
	if err != nil {
		return row, err
	}
	if b.bandwidthF && (c.Workload == "grad" || c.Workload == "batch" || c.Workload == "stream") {
		if c.Workload == "stream" && c.N*c.D >= streamValues {
			best[c.Threads] = max(best[c.Threads], row.GBps)
		}
		bw, err := bandwidth(c.Threads)
		if err != nil {
			return row, err
		}
		row.ReadGBps = bw
		row.PctReadBW = 100 * row.GBps / bw
	}
	if python != "" {
		nr, err := perf.RunNumpy(c, python)
		if err != nil {
			fmt.Fprintf(stderr, "sqsim: bench: %v\n", err)
		} else {
			row.Numpy = &nr
			row.Ratio = nr.SecondsMin / row.SecondsMin
			if c.Workload == "sample" && c.Threads > 1 {
				row.RatioPerCore = row.Ratio / float64(c.Threads)
			}
		}
	}
	return row, nil
}

// benchRow is one line of output: the measurement, the read bandwidth it is
// compared with, and the numpy peer.
type benchRow struct {
	perf.Result
	ReadGBps     float64                   `json:"read_gb_per_s,omitempty"`      // the machine's read bandwidth at these threads (stream)
	PctReadBW    float64                   `json:"pct_read_bandwidth,omitempty"` // 100 * gb_per_s / read_gb_per_s
	Numpy        *perf.NumpyResult         `json:"numpy,omitempty"`
	Ratio        float64                   `json:"ratio_vs_numpy,omitempty"`          // numpy seconds_min / sqsim seconds_min
	RatioPerCore float64                   `json:"ratio_vs_numpy_per_core,omitempty"` // sample: ratio / threads
	Manifest     *benchpkg.CommandManifest `json:"manifest,omitempty"`
}

// The table's columns, fixed-width so that rows can be printed as they are
// measured.
const (
	rowFmt   = "%-8s %10s %6s %4s %7s %11s %11s %7s %8s %22s %9s"
	numpyFmt = " %12s %18s"
)

func benchHeader(withNumpy bool) string {
	s := fmt.Sprintf(rowFmt, "workload", "n", "d", "m", "threads", "min s", "median s", "GB/s", "GFLOP/s", "rate", "% read bw")
	if withNumpy {
		s += fmt.Sprintf(numpyFmt, "numpy min s", "ratio vs numpy")
	}
	return s
}

func (r benchRow) cells(withNumpy bool) string {
	g := func(v float64, prec int) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf("%.*f", prec, v)
	}
	sec := func(v float64) string { return fmt.Sprintf("%.4g", v) }
	rate := "-"
	if r.Rate > 0 {
		rate = fmt.Sprintf("%.3g %s", r.Rate, r.RateUnit)
	}
	m, n := "-", "-"
	if r.M > 0 {
		m = fmt.Sprint(r.M)
	}
	if r.N > 0 {
		n = fmt.Sprint(r.N)
	}
	s := fmt.Sprintf(rowFmt, r.Workload, n, fmt.Sprint(r.D), m, fmt.Sprint(r.Threads), sec(r.SecondsMin), sec(r.SecondsMedian),
		g(r.GBps, 1), g(r.GFlops, 1), rate, g(r.PctReadBW, 0))
	if withNumpy {
		if r.Numpy == nil {
			s += fmt.Sprintf(numpyFmt, "-", "-")
		} else {
			ratio := fmt.Sprintf("%.2fx", r.Ratio)
			if r.RatioPerCore > 0 {
				ratio += fmt.Sprintf(" (%.2fx/core)", r.RatioPerCore)
			}
			s += fmt.Sprintf(numpyFmt, sec(r.Numpy.SecondsMin), ratio)
		}
	}
	return s
}
