// Package perf measures sqsim's hot paths on the machine it runs on: the
// pool oracle's gradient query (one fused pass over an n x d pool), a batch
// of m ReLU correlations (register-blocked), the exact oracle's population
// gradient (closed form), the generation of Gaussian examples, and the
// machine's read bandwidth (a STREAM-like read-sum), against which the
// passes over the pool are reported as a percentage. `sqsim bench` runs it
// and compares with the numpy scripts in bench/numpy.
//
// Every measurement is a minimum and a median over repetitions of the same
// operation on data drawn once; nothing here is a test with a time limit.
package perf

import (
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/sqsim/sqsim/internal/hugemem"
	"github.com/sqsim/sqsim/internal/kern"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// Workloads lists the workload names in the order a full run takes them.
var Workloads = []string{"stream", "grad", "batch", "exact", "sample"}

// Config is one measurement.
type Config struct {
	Workload string // one of Workloads
	N, D     int    // pool size and dimension (exact: D only; sample and stream: N*D values)
	M        int    // batch: number of directions
	Threads  int    // goroutines (and GOMAXPROCS while measuring); 0 means GOMAXPROCS
	Reps     int    // repetitions (0 means 5; exact: batches of queries)
	Seed     uint64
}

// Result is a measurement. Rates are per second of the minimum time.
type Result struct {
	Workload      string  `json:"workload"`
	N             int     `json:"n"`
	D             int     `json:"d"`
	M             int     `json:"m"`
	Threads       int     `json:"threads"`
	Reps          int     `json:"reps"`
	SecondsMin    float64 `json:"seconds_min"`    // one operation (exact: one query)
	SecondsMedian float64 `json:"seconds_median"` // one operation
	Bytes         float64 `json:"bytes"`          // bytes read from memory by one operation (0 if not a pass)
	Flops         float64 `json:"flops"`          // floating-point operations counted for one operation
	GBps          float64 `json:"gb_per_s"`       // Bytes / SecondsMin / 1e9
	GFlops        float64 `json:"gflop_per_s"`    // Flops / SecondsMin / 1e9
	Rate          float64 `json:"rate"`           // items per second: queries (exact), normals (sample)
	RateUnit      string  `json:"rate_unit,omitempty"`
	Kernels       string  `json:"kernels"`              // internal/kern implementation: avx512 or go
	HugePages     bool    `json:"huge_pages,omitempty"` // the pool was advised into huge pages
	Allocs        float64 `json:"allocs_per_op"`        // heap allocations per operation
}

// ErrConfig is the sentinel of invalid configurations.
var ErrConfig = errors.New("perf: invalid configuration")

// maxValues bounds the memory a workload may ask for: 2^32 values (32 GiB).
const maxValues = 1 << 32

// Check validates cfg and fills the defaults.
func (c *Config) Check() error {
	if !slices.Contains(Workloads, c.Workload) {
		return fmt.Errorf("%w: unknown workload %q (want one of %v)", ErrConfig, c.Workload, Workloads)
	}
	if c.Threads == 0 {
		c.Threads = runtime.GOMAXPROCS(0)
	}
	if c.Reps == 0 {
		c.Reps = 5
	}
	switch {
	case c.D < 1:
		return fmt.Errorf("%w: d = %d, want d >= 1", ErrConfig, c.D)
	case c.N < 1 && c.Workload != "exact":
		return fmt.Errorf("%w: n = %d, want n >= 1", ErrConfig, c.N)
	case c.Threads < 1 || c.Threads > 1024:
		return fmt.Errorf("%w: threads = %d, want 1 <= threads <= 1024", ErrConfig, c.Threads)
	case c.Reps < 1 || c.Reps > 10000:
		return fmt.Errorf("%w: reps = %d, want 1 <= reps <= 10000", ErrConfig, c.Reps)
	case c.Workload == "batch" && (c.M < 1 || c.M > 4096):
		return fmt.Errorf("%w: m = %d, want 1 <= m <= 4096", ErrConfig, c.M)
	case float64(max(c.N, 1))*float64(c.D+1) > maxValues:
		return fmt.Errorf("%w: n*d = %.3g values, more than the limit 2^32", ErrConfig, float64(c.N)*float64(c.D))
	}
	return nil
}

// Run measures cfg.
func Run(cfg Config) (Result, error) {
	if err := cfg.Check(); err != nil {
		return Result{}, err
	}
	prev := runtime.GOMAXPROCS(cfg.Threads)
	defer runtime.GOMAXPROCS(prev)
	res := Result{Workload: cfg.Workload, N: cfg.N, D: cfg.D, M: cfg.M, Threads: cfg.Threads, Reps: cfg.Reps, Kernels: kern.Impl()}
	var err error
	switch cfg.Workload {
	case "stream":
		err = runStream(cfg, &res)
	case "grad", "batch":
		err = runPool(cfg, &res)
	case "exact":
		res.N = 0
		err = runExact(cfg, &res)
	case "sample":
		err = runSample(cfg, &res)
	}
	if err != nil {
		return Result{}, err
	}
	if res.SecondsMin > 0 {
		res.GBps = res.Bytes / res.SecondsMin / 1e9
		res.GFlops = res.Flops / res.SecondsMin / 1e9
	}
	return res, nil
}

// timeReps runs op reps times (after one warm-up run) and returns the
// minimum and median durations in seconds, and the heap allocations per run.
func timeReps(reps int, op func() error) (minS, medS, allocs float64, err error) {
	if err := op(); err != nil {
		return 0, 0, 0, err
	}
	var ms0, ms1 runtime.MemStats
	ts := make([]float64, reps)
	runtime.ReadMemStats(&ms0)
	for i := range ts {
		start := time.Now()
		if err := op(); err != nil {
			return 0, 0, 0, err
		}
		ts[i] = time.Since(start).Seconds()
	}
	runtime.ReadMemStats(&ms1)
	slices.Sort(ts)
	med := ts[len(ts)/2]
	if len(ts)%2 == 0 {
		med = (ts[len(ts)/2-1] + ts[len(ts)/2]) / 2
	}
	return ts[0], med, float64(ms1.Mallocs-ms0.Mallocs) / float64(reps), nil
}

// runStream sums n*d values (one contiguous buffer advised into huge pages)
// split evenly over the threads.
func runStream(cfg Config, res *Result) error {
	total := cfg.N * cfg.D
	buf := hugemem.Alloc(total)
	defer buf.Free()
	res.HugePages = buf.Huge
	x := buf.F
	fill(x, cfg.Threads)
	sums := make([]float64, cfg.Threads)
	op := func() error {
		var wg sync.WaitGroup
		per := (total + cfg.Threads - 1) / cfg.Threads
		for t := range cfg.Threads {
			lo, hi := min(total, t*per), min(total, (t+1)*per)
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums[t] = kern.Sum(x[lo:hi])
			}()
		}
		wg.Wait()
		return nil
	}
	var err error
	res.SecondsMin, res.SecondsMedian, res.Allocs, err = timeReps(cfg.Reps, op)
	res.Bytes = 8 * float64(total)
	res.Flops = float64(total)
	return err
}

// fill writes a pattern into x in parallel (touching every page, so that
// the kernel backs the buffer with memory before it is timed).
func fill(x []float64, threads int) {
	var wg sync.WaitGroup
	per := (len(x) + threads - 1) / threads
	for t := range threads {
		lo, hi := min(len(x), t*per), min(len(x), (t+1)*per)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				x[i] = float64(i&1023) * 0x1p-10
			}
		}()
	}
	wg.Wait()
}

// unit returns a random unit vector of dimension d from (seed, key).
func unit(seed, key uint64, d int) []float64 {
	return sq.RandomUnit(sq.Stream(seed, sq.KeyWorld, key), d)
}

// runPool draws a pool of n examples of the realizable ReLU world once and
// times one query over it through the pool oracle: sq.Grad(w) (grad) or
// sq.ReluBatch(W) with m rows (batch).
func runPool(cfg Config, res *Result) error {
	truth, err := world.Realizable(unit(cfg.Seed, 1, cfg.D))
	if err != nil {
		return err
	}
	pool, err := oracle.NewPool(truth, cfg.N, cfg.Seed)
	if err != nil {
		return err
	}
	defer pool.Close()
	res.HugePages = pool.HugePages()
	o, err := oracle.FromPool(pool, oracle.PoolOptions{Workers: cfg.Threads})
	if err != nil {
		return err
	}
	var q *sq.Query
	nd := float64(cfg.N) * float64(cfg.D)
	switch cfg.Workload {
	case "grad":
		q = sq.Grad(unit(cfg.Seed, 2, cfg.D))
		res.M = 0
		res.Flops = 4 * nd // z = X w and X^T r, as numpy counts them
	case "batch":
		W := make([][]float64, cfg.M)
		for j := range W {
			W[j] = unit(cfg.Seed, uint64(10+j), cfg.D)
		}
		q = sq.ReluBatch(W)
		res.Flops = 2 * nd * float64(cfg.M)
	}
	ans := make([]float64, q.Dim)
	res.SecondsMin, res.SecondsMedian, res.Allocs, err = timeReps(cfg.Reps, func() error { return o.Answer(q, 1, ans) })
	res.Bytes = 8 * (nd + float64(cfg.N))
	return err
}

// exactQueries is the number of queries timed together in one repetition of
// the exact workload: about 20 ms of work.
func exactQueries(d int) int { return max(20, 2_000_000/(d+10)) }

// runExact times the exact oracle answering the label part of the
// population gradient, E[y 1{w.x>0} x] (sq.GateCorr, the closed form
// gauss.ReluStepX), for a realizable world, on each thread at once; the
// query is built once (building it clones w: one allocation, the learner's).
func runExact(cfg Config, res *Result) error {
	truth, err := world.Realizable(unit(cfg.Seed, 1, cfg.D))
	if err != nil {
		return err
	}
	o := oracle.Exact(truth)
	k := exactQueries(cfg.D)
	qs := make([]*sq.Query, cfg.Threads)
	outs := make([][]float64, cfg.Threads)
	for t := range qs {
		qs[t] = sq.GateCorr(unit(cfg.Seed, uint64(2+t), cfg.D))
		outs[t] = make([]float64, cfg.D)
	}
	errs := make([]error, cfg.Threads)
	op := func() error {
		var wg sync.WaitGroup
		for t := range cfg.Threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range k {
					if err := o.Answer(qs[t], 1, outs[t]); err != nil {
						errs[t] = err
						return
					}
				}
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	minS, medS, allocs, err := timeReps(cfg.Reps, op)
	if err != nil {
		return err
	}
	// One operation is one query on each thread.
	res.SecondsMin, res.SecondsMedian = minS/float64(k), medS/float64(k)
	res.Allocs = allocs / float64(k*cfg.Threads)
	res.Rate, res.RateUnit = float64(cfg.Threads)/res.SecondsMin, "queries/s"
	res.Flops = 0
	return nil
}

// runSample times the generation of n*d standard normals (math/rand/v2 PCG,
// NormFloat64, one generator per thread, each filling its share of one
// buffer).
func runSample(cfg Config, res *Result) error {
	total := cfg.N * cfg.D
	buf := hugemem.Alloc(total)
	defer buf.Free()
	x := buf.F
	fill(x, cfg.Threads)
	rep := uint64(0)
	op := func() error {
		rep++
		var wg sync.WaitGroup
		per := (total + cfg.Threads - 1) / cfg.Threads
		for t := range cfg.Threads {
			lo, hi := min(total, t*per), min(total, (t+1)*per)
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := sq.Stream(cfg.Seed, sq.KeyPool, rep, uint64(t))
				part := x[lo:hi]
				for i := range part {
					part[i] = r.NormFloat64()
				}
			}()
		}
		wg.Wait()
		return nil
	}
	var err error
	res.SecondsMin, res.SecondsMedian, res.Allocs, err = timeReps(cfg.Reps, op)
	res.Rate, res.RateUnit = float64(total)/res.SecondsMin, "normals/s"
	return err
}
