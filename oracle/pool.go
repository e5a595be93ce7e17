package oracle

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/sqsim/sqsim/internal/hugemem"
	"github.com/sqsim/sqsim/sq"
)

// A Pool is a fixed sample of n labelled examples drawn once from a world:
// the examples row-major in one contiguous n x d array (on Linux mapped
// outside the Go heap, aligned to 2 MiB and advised into transparent huge
// pages) and the n labels. A PoolOracle answers every query from it, the
// way an empirical-risk learner reuses one data set.
//
// A Pool holds memory the garbage collector does not manage: Close releases
// it (a cleanup releases it too when the Pool becomes unreachable). A Pool
// is read-only after NewPool and safe for concurrent readers; Close must not
// run concurrently with them.
type Pool struct {
	n, d int
	x, y []float64
	buf  *hugemem.Buf
	set  sq.Setting
	mu   sync.Mutex // guards closed
	shut bool
}

// poolGenRows is the number of examples drawn from one random stream: block
// b of a pool holds examples [b*poolGenRows, (b+1)*poolGenRows), drawn from
// sq.Stream(seed, sq.KeyPool, b). A pool of n examples is therefore the
// prefix of every larger pool with the same world and seed, whatever the
// number of goroutines that drew it.
const poolGenRows = 1024

// ErrPoolClosed: the pool's memory was released by Close.
var ErrPoolClosed = errors.New("oracle: pool is closed")

// maxPoolValues bounds n*(d+1), the float64 values of a pool (2^37 values
// are 1 TiB).
const maxPoolValues = 1 << 37

// NewPool draws n >= 1 examples from world, in parallel over GOMAXPROCS
// goroutines, into a new pool. The pool depends on (world, n, seed) only.
// It returns an error when n < 1 or the pool would hold more than 2^37
// values.
func NewPool(world sq.Sampler, n int, seed uint64) (*Pool, error) {
	return newPool(world, n, seed, runtime.GOMAXPROCS(0))
}

func newPool(world sq.Sampler, n int, seed uint64, workers int) (*Pool, error) {
	d, err := worldDim(world, "pool")
	if err != nil {
		return nil, err
	}
	set := world.Setting()
	if n < 1 {
		return nil, fmt.Errorf("%w: pool of n = %d examples, want n >= 1", ErrOracle, n)
	}
	if float64(n)*float64(d+1) > maxPoolValues {
		return nil, fmt.Errorf("%w: pool of n = %d examples of dimension %d holds %.3g values, more than the limit 2^37", ErrOracle, n, d, float64(n)*float64(d+1))
	}
	buf := hugemem.Alloc(n*d + n)
	p := &Pool{n: n, d: d, x: buf.F[: n*d : n*d], y: buf.F[n*d:], buf: buf, set: set}
	runtime.AddCleanup(p, func(b *hugemem.Buf) { b.Free() }, buf)
	blocks := (n + poolGenRows - 1) / poolGenRows
	workers = max(1, min(workers, blocks))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				b := int(next.Add(1) - 1)
				if b >= blocks {
					return
				}
				r0, r1 := b*poolGenRows, min(n, (b+1)*poolGenRows)
				world.Sample(sq.Stream(seed, sq.KeyPool, uint64(b)), p.x[r0*d:r1*d], p.y[r0:r1])
			}
		}()
	}
	wg.Wait()
	return p, nil
}

// N returns the number of examples.
func (p *Pool) N() int { return p.n }

// D returns the dimension of the examples.
func (p *Pool) D() int { return p.d }

// Setting returns the setting of the world the pool was drawn from.
func (p *Pool) Setting() sq.Setting { return p.set }

// HugePages reports whether the pool's memory was advised into transparent
// huge pages (whether the kernel grants them is its choice; see
// /sys/kernel/mm/transparent_hugepage and AnonHugePages in /proc/meminfo).
func (p *Pool) HugePages() bool { return p.buf.Huge }

// Bytes returns the size of the examples and labels in bytes.
func (p *Pool) Bytes() int64 { return int64(p.n) * int64(p.d+1) * 8 }

// Example copies example i into x[:d] and returns its label. It returns an
// error when i is out of range, x is shorter than d, or the pool is closed.
func (p *Pool) Example(i int, x []float64) (float64, error) {
	if err := p.use(); err != nil {
		return 0, err
	}
	defer p.done()
	if i < 0 || i >= p.n {
		return 0, fmt.Errorf("oracle: pool example %d out of range [0, %d)", i, p.n)
	}
	if len(x) < p.d {
		return 0, fmt.Errorf("oracle: pool example buffer of length %d, want %d", len(x), p.d)
	}
	copy(x, p.x[i*p.d:(i+1)*p.d])
	return p.y[i], nil
}

// Close releases the pool's memory. Using the pool afterwards returns
// ErrPoolClosed; a second Close does nothing.
func (p *Pool) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.shut {
		p.shut = true
		p.buf.Free()
		p.x, p.y = nil, nil
	}
	return nil
}

// use checks that the pool is open; done keeps it reachable (so that the
// cleanup cannot release the memory) until the caller is finished with it.
func (p *Pool) use() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shut {
		return ErrPoolClosed
	}
	return nil
}

func (p *Pool) done() { runtime.KeepAlive(p) }

// PoolOptions configure a PoolOracle. Zero fields take the defaults.
type PoolOptions struct {
	// Workers is the number of goroutines (default GOMAXPROCS). Answers do
	// not depend on it, bit for bit.
	Workers int
	// Strict makes the oracle refuse, with ErrTooManySamples, a query whose
	// tolerance needs more examples than the pool holds (by SampleSize at
	// failure probability Delta). By default every query is answered with
	// the pool mean whatever its tolerance, as an empirical-risk learner
	// would use a data set.
	Strict bool
	// Delta is the failure probability used by Strict (default 0.01).
	Delta float64
}

// PoolOracle answers every query with its mean over a fixed pool of
// examples, and reports the pool's size to a ledger (LastSamples returns
// (n, true)). The recognized query forms run through fused kernels (see
// the sq.Grad, sq.GateCorr, sq.Chow, sq.ReluCorr, sq.Loss and sq.ReluBatch
// constructors); any other query through sq.Evaluator.
//
// Determinism: the rows are cut into a number of blocks that depends on
// (n, d, q.Dim) only; each block is summed by one goroutine in row order and
// the block sums are added in block order. Answers are therefore identical
// bit for bit for any number of workers or GOMAXPROCS (on one machine: the
// kernels use AVX-512 when the CPU has it, and the portable Go kernels
// otherwise, which round differently).
//
// A pool reused across adaptively chosen queries does not keep the
// independent-sample guarantee of SampleOracle: that is the point of
// comparing the two.
type PoolOracle struct {
	p   *Pool
	opt PoolOptions
}

// FromPool returns an oracle answering from p.
func FromPool(p *Pool, opt PoolOptions) (*PoolOracle, error) {
	if p == nil {
		return nil, fmt.Errorf("%w: FromPool: nil pool", ErrOracle)
	}
	if opt.Delta == 0 {
		opt.Delta = 0.01
	}
	if !(opt.Delta > 0 && opt.Delta < 1) {
		return nil, fmt.Errorf("%w: pool: failure probability delta = %v, want a number in (0, 1)", ErrOracle, opt.Delta)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	return &PoolOracle{p: p, opt: opt}, nil
}

// Name returns "pool(n=...)".
func (o *PoolOracle) Name() string { return fmt.Sprintf("pool(n=%d)", o.p.n) }

// LastSamples reports the pool's size and that the examples are reused.
func (o *PoolOracle) LastSamples() (int64, bool) { return int64(o.p.n), true }

// Pool returns the oracle's pool.
func (o *PoolOracle) Pool() *Pool { return o.p }

// Answer writes the mean of phi over the pool into ans.
func (o *PoolOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := checkQuery(q, tau, ans, o.p.d); err != nil {
		return err
	}
	if err := checkDegrees(q); err != nil {
		return err
	}
	if o.opt.Strict {
		if plan := SampleSize(q, tau, o.opt.Delta); plan.N() > int64(o.p.n) || plan.N() <= 0 {
			return fmt.Errorf("%w: query %q at tau = %g needs %d examples (%s), the pool holds %d", ErrTooManySamples, q.Name, tau, plan.N(), plan.Method, o.p.n)
		}
	}
	if err := o.p.use(); err != nil {
		return err
	}
	defer o.p.done()
	if err := poolMean(o.p, q, planFor(q, o.p.d), o.opt.Workers, ans[:q.Dim]); err != nil {
		return err
	}
	return checkAnswer(q, 0, ans[:q.Dim])
}

// poolBlocks returns the number of blocks the rows of a pool are cut into
// for a query of dimension dim: about 2 MiB of examples per block, at most
// 256 blocks, and at most 4 MiB of block sums. It depends on (n, d, dim)
// only, never on the number of workers.
func poolBlocks(n, d, dim int) int {
	nb := int(math.Ceil(float64(n) * float64(d) / (1 << 18)))
	nb = min(nb, 256, n, max(2, (1<<19)/dim))
	return max(1, nb)
}

// sumsPool keeps the block sums of poolMean between queries (up to 4 MiB
// each): allocating them afresh costs page faults on every query.
var sumsPool = sync.Pool{New: func() any { return new([]float64) }}

// poolMean writes the mean of q over the pool into ans (len q.Dim).
func poolMean(p *Pool, q *sq.Query, pl *plan, workers int, ans []float64) error {
	n, d, dim := p.n, p.d, q.Dim
	nb := poolBlocks(n, d, dim)
	per := (n + nb - 1) / nb
	nb = (n + per - 1) / per
	sp := sumsPool.Get().(*[]float64)
	defer sumsPool.Put(sp)
	if cap(*sp) < nb*dim {
		*sp = make([]float64, nb*dim)
	}
	sums := (*sp)[:nb*dim]
	clear(sums)
	workers = max(1, min(workers, nb))
	var next atomic.Int64
	var bad atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sm := newSummer(q, pl, d)
			for {
				b := int(next.Add(1) - 1)
				if b >= nb {
					return
				}
				r0, r1 := b*per, min(n, (b+1)*per)
				if sm.add(p.x[r0*d:r1*d], p.y[r0:r1], sums[b*dim:(b+1)*dim]) {
					bad.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() {
		return fmt.Errorf("%w: query %q declared |phi| <= %g and a pool value exceeded it", ErrClassViolation, q.Name, q.BoundOrOne())
	}
	reduceBlocks(sums, nb, dim, workers, float64(n), ans)
	return nil
}

// reduceBlocks writes (sum_b sums[b*dim+j]) / n into ans[j], adding the
// blocks in order for every coordinate (in parallel over coordinates when
// there are many).
func reduceBlocks(sums []float64, nb, dim, workers int, n float64, ans []float64) {
	reduce := func(j0, j1 int) {
		out := ans[j0:j1]
		copy(out, sums[j0:j1])
		for b := 1; b < nb; b++ {
			row := sums[b*dim+j0 : b*dim+j1]
			for j, v := range row {
				out[j] += v
			}
		}
		for j := range out {
			out[j] /= n
		}
	}
	if workers < 2 || nb*dim < 1<<16 {
		reduce(0, dim)
		return
	}
	var wg sync.WaitGroup
	per := (dim + workers - 1) / workers
	for j0 := 0; j0 < dim; j0 += per {
		wg.Add(1)
		go func(j0 int) {
			defer wg.Done()
			reduce(j0, min(dim, j0+per))
		}(j0)
	}
	wg.Wait()
}
