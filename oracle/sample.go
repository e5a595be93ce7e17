package oracle

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/sqsim/sqsim/sq"
)

// SampleOptions configure a sampling oracle. Zero fields take the defaults.
type SampleOptions struct {
	// Delta is the failure probability of each answer (default 0.01): with
	// probability at least 1 - Delta every coordinate (or the Euclidean
	// norm, for EuclidNorm queries) is within tau of the truth.
	Delta float64
	// Seed names the oracle's random streams: the k-th query answered uses
	// the stream sq.Stream(Seed, sq.KeyOracle, k, group, chunk).
	Seed uint64
	// Workers is the number of goroutines (default GOMAXPROCS). Answers do
	// not depend on it.
	Workers int
	// MaxSamples caps the examples of one answer (default 1e10); a query
	// that would need more fails with ErrTooManySamples rather than run for
	// hours.
	MaxSamples int64
}

// ErrTooManySamples: the tolerance asked needs more examples than
// SampleOptions.MaxSamples.
var ErrTooManySamples = errors.New("oracle: tolerance needs more samples than allowed")

// ErrClassViolation: a sampled value broke the bound its query declared.
var ErrClassViolation = errors.New("oracle: query value outside its declared bound")

// SampleOracle answers each query with an empirical mean over fresh
// examples drawn from the world (see SampleSize for how many).
type SampleOracle struct {
	w     sq.Sampler
	d     int
	opt   SampleOptions
	count uint64
	lastN int64
}

// Sample returns a sampling oracle of w.
//
// A nil world, a world of dimension < 1 or a NaN option is an error wrapping
// ErrOracle.
func Sample(w sq.Sampler, opt SampleOptions) (*SampleOracle, error) {
	d, err := worldDim(w, "sample")
	if err != nil {
		return nil, err
	}
	if opt.Delta == 0 {
		opt.Delta = 0.01
	}
	if !(opt.Delta > 0 && opt.Delta < 1) {
		return nil, fmt.Errorf("%w: sample: failure probability delta = %v, want a number in (0, 1)", ErrOracle, opt.Delta)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxSamples <= 0 {
		opt.MaxSamples = 1e10
	}
	return &SampleOracle{w: w, d: d, opt: opt}, nil
}

// Name returns "sample(delta=...)".
func (o *SampleOracle) Name() string { return fmt.Sprintf("sample(delta=%g)", o.opt.Delta) }

// LastSamples reports the examples used by the last answer.
func (o *SampleOracle) LastSamples() (int64, bool) { return o.lastN, false }

// Plan is how a sampling oracle answers one query: Groups groups of
// PerGroup examples; the answer is the group mean when Groups = 1, and the
// coordinate-wise median of the group means otherwise.
type Plan struct {
	Method   string // "hoeffding" or "median-of-means"
	Groups   int
	PerGroup int64
}

// N is the total number of examples.
func (p Plan) N() int64 { return int64(p.Groups) * p.PerGroup }

// SampleSize returns how a sampling oracle answers q at tolerance tau with
// failure probability delta. With m = q.Dim coordinates and the
// per-coordinate tolerance t (tau, or tau/sqrt(m) for a Euclidean
// tolerance), and B the query's bound:
//
//   - a Bounded query (|phi| <= B) takes one mean of n = ceil(2 B^2
//     ln(2m/delta)/t^2) examples: by Hoeffding's inequality each coordinate
//     misses by more than t with probability at most delta/m;
//   - any other query (L2: E[phi^2] <= B^2, whose values are unbounded) takes
//     the median of K = ceil(8 ln(m/delta)) group means of b = ceil(4 B^2/t^2)
//     examples: by Chebyshev a group mean misses with probability at most
//     1/4, and by Hoeffding's inequality over the groups the median misses
//     with probability at most exp(-K/8) <= delta/m.
//
// The union bound over the m coordinates gives the failure probability delta.
//
// A nil query gets the zero Plan (N() = 0, which the oracles refuse).
func SampleSize(q *sq.Query, tau, delta float64) Plan {
	if q == nil {
		return Plan{}
	}
	m := float64(q.Dim)
	t := tau
	if q.TolNorm == sq.EuclidNorm && q.Dim > 1 {
		t = tau / math.Sqrt(m)
	}
	B := q.BoundOrOne()
	if q.Class.Closure()&sq.Bounded != 0 {
		n := math.Ceil(2 * B * B * math.Log(2*m/delta) / (t * t))
		return Plan{Method: "hoeffding", Groups: 1, PerGroup: int64(math.Min(n, math.MaxInt64/2))}
	}
	K := int(math.Ceil(8 * math.Log(m/delta)))
	if K < 1 {
		K = 1
	}
	if K%2 == 0 {
		K++ // an odd number of groups has a unique median
	}
	b := math.Ceil(4 * B * B / (t * t))
	return Plan{Method: "median-of-means", Groups: K, PerGroup: int64(math.Min(b, math.MaxInt64/2/float64(K)))}
}

// Answer draws fresh examples and answers with their mean (or median of
// means; see SampleSize).
//
// A query the world cannot sample in bounded time (a Hermite feature of
// degree above MaxSampleDegree) is refused; a non-finite mean (a value that
// overflowed) is an error wrapping ErrOracle.
func (o *SampleOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := checkQuery(q, tau, ans, o.d); err != nil {
		return err
	}
	if err := checkDegrees(q); err != nil {
		return err
	}
	k := o.count
	o.count++
	q = o.effective(q, k)
	plan := SampleSize(q, tau, o.opt.Delta)
	if plan.N() > o.opt.MaxSamples || plan.N() <= 0 {
		return fmt.Errorf("%w: query %q at tau = %g needs %d examples (%s), the limit is %d", ErrTooManySamples, q.Name, tau, plan.N(), plan.Method, o.opt.MaxSamples)
	}
	means, err := sampleMeans(o.w, q, plan, o.opt.Seed, k, o.opt.Workers)
	if err != nil {
		return err
	}
	combine(means, plan.Groups, q.Dim, ans)
	if err := checkAnswer(q, 0, ans[:q.Dim]); err != nil {
		return err
	}
	o.lastN = plan.N()
	return nil
}

// pilotRows is the size of the pilot sample that estimates a query's second
// moment when the world's labels leave [-1, 1].
const pilotRows = 8192

// pilotKey names the pilot sample's stream, apart from the answer's groups.
const pilotKey = 1 << 40

// effective returns the query the oracle sizes its sample for. The classes
// and bounds of sqsim's query constructors assume labels in [-1, 1] (GKK19's
// model). When the world's labels can leave that range (realizable labels
// relu(w*.x) are unbounded; Gaussian label noise too) and the query involves
// the label, its declared bound does not hold: the oracle then treats it as
// an L2 query whose bound is the larger of the declared one and sqrt(2 m2),
// with m2 the largest coordinate second moment E[phi_j^2] measured on a
// pilot sample of 8192 examples (its own stream). The factor 2 covers the
// pilot's sampling error for the light-tailed labels of the built-in worlds;
// for such queries the failure probability delta is therefore approximate.
func (o *SampleOracle) effective(q *sq.Query, k uint64) *sq.Query {
	s := o.w.Setting()
	if (s.LabelMin >= -1 && s.LabelMax <= 1) || q.LabelFree() {
		return q
	}
	d := s.D
	x := make([]float64, pilotRows*d)
	y := make([]float64, pilotRows)
	o.w.Sample(sq.Stream(o.opt.Seed, sq.KeyOracle, k, pilotKey), x, y)
	ev := sq.NewEvaluator(q)
	val := make([]float64, q.Dim)
	m2 := make([]float64, q.Dim)
	for i := 0; i < pilotRows; i++ {
		ev.Eval(x[i*d:(i+1)*d], y[i], val)
		for j, v := range val {
			m2[j] += v * v
		}
	}
	B := q.BoundOrOne()
	for _, v := range m2 {
		B = math.Max(B, math.Sqrt(2*v/pilotRows))
	}
	eq := *q
	eq.Class = sq.L2
	eq.Bound = B
	return &eq
}

// chunkRows is the number of examples drawn and evaluated together.
const chunkRows = 1024

// sampleMeans returns the Groups group means (row-major, Groups x Dim) of q
// over fresh examples. Work is split into (group, chunk) items, each drawn
// from its own stream and summed on its own (by the fused kernels of
// fused.go for the recognized query forms, else by sq.Evaluator); sums are
// combined in item order, so the result does not depend on the number of
// workers.
func sampleMeans(w sq.Sampler, q *sq.Query, plan Plan, seed, k uint64, workers int) ([]float64, error) {
	d := w.Setting().D
	dim := q.Dim
	chunks := (plan.PerGroup + chunkRows - 1) / chunkRows
	items := int64(plan.Groups) * chunks
	sums := make([]float64, items*int64(dim))
	var next atomic.Int64
	var bad atomic.Bool
	var wg sync.WaitGroup
	workers = int(min(int64(workers), items))
	pl := planFor(q, d) // fused kernels for the recognized forms, else nil
	for wk := 0; wk < workers; wk++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sm := newSummer(q, pl, d)
			x := make([]float64, chunkRows*d)
			y := make([]float64, chunkRows)
			for {
				it := next.Add(1) - 1
				if it >= items {
					return
				}
				g, c := it/chunks, it%chunks
				rows := min(int64(chunkRows), plan.PerGroup-c*chunkRows)
				r := sq.Stream(seed, sq.KeyOracle, k, uint64(g), uint64(c))
				w.Sample(r, x[:rows*int64(d)], y[:rows])
				if sm.add(x[:rows*int64(d)], y[:rows], sums[it*int64(dim):(it+1)*int64(dim)]) {
					bad.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if bad.Load() {
		return nil, fmt.Errorf("%w: query %q declared |phi| <= %g and a sampled value exceeded it", ErrClassViolation, q.Name, q.BoundOrOne())
	}
	means := make([]float64, plan.Groups*dim)
	for g := 0; g < plan.Groups; g++ {
		mg := means[g*dim : (g+1)*dim]
		for c := int64(0); c < chunks; c++ {
			it := int64(g)*chunks + c
			for j := range mg {
				mg[j] += sums[it*int64(dim)+int64(j)]
			}
		}
		for j := range mg {
			mg[j] /= float64(plan.PerGroup)
		}
	}
	return means, nil
}

// combine writes the mean (one group) or the coordinate-wise median of the
// group means into ans.
func combine(means []float64, groups, dim int, ans []float64) {
	if groups == 1 {
		copy(ans, means[:dim])
		return
	}
	col := make([]float64, groups)
	for j := 0; j < dim; j++ {
		for g := 0; g < groups; g++ {
			col[g] = means[g*dim+j]
		}
		slices.Sort(col)
		ans[j] = col[groups/2]
	}
}
