package oracle

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqsim/sqsim/internal/kern"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

func randDir(seed uint64, d int, scale float64) []float64 {
	r := sq.Stream(seed, 99)
	w := make([]float64, d)
	for i := range w {
		w[i] = scale * r.NormFloat64() / math.Sqrt(float64(d))
	}
	return w
}

// fusedQueries returns queries of every fused form (and a few that must fall
// back to the evaluator) in dimension d.
func fusedQueries(d int) []*sq.Query {
	w := randDir(1, d, 1)
	w2 := randDir(2, d, 0.7)
	U := make([][]float64, 70)
	for j := range U {
		U[j] = randDir(uint64(10+j), d, 1)
	}
	signed, _ := sq.MapLabels(sq.GateCorr(w), 0.3)
	mixed := &sq.Query{Name: "mixed-vector", Class: sq.L2, Bound: 10, Dim: d, Terms: []sq.Term{
		{Coef: 0.5, Label: sq.Label{Kind: sq.LabelY2}, Feature: sq.Feature{Kind: sq.FeatLinear}},
		{Coef: -1.5, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatReluX, W: w}},
		{Coef: 2, Label: sq.Label{Kind: sq.LabelAbove, T: 0.2}, Feature: sq.Feature{Kind: sq.FeatStepX, W: w}},
	}}
	mixedScalar := &sq.Query{Name: "mixed-scalar", Class: sq.L2, Bound: 10, Dim: 1, Terms: []sq.Term{
		{Coef: 0.5, Label: sq.Label{Kind: sq.LabelFunc, Name: "cube", Func: func(y float64) float64 { return y * y * y }}, Feature: sq.Feature{Kind: sq.FeatRelu2, W: w}},
		{Coef: -1, Label: sq.Label{Kind: sq.LabelSign, T: 0.1}, Feature: sq.Feature{Kind: sq.FeatStep, W: w}},
		{Coef: 3, Label: sq.Label{Kind: sq.LabelOne}, Feature: sq.Feature{Kind: sq.FeatOne}},
	}}
	twoDirs := &sq.Query{Name: "two-directions", Class: sq.L2, Bound: 10, Dim: d, Terms: []sq.Term{
		{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatStepX, W: w}},
		{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatStepX, W: w2}},
	}}
	return []*sq.Query{
		sq.Grad(w), sq.GateCorr(w), sq.Chow(d), sq.ReluCorr(w), sq.Loss(w), unbounded(sq.StepCorr(w)),
		unbounded(sq.LabelMoment(1)), unbounded(sq.LabelMoment(2)), sq.ReluBatch(U[:1]), sq.ReluBatch(U[:64]), sq.ReluBatch(U),
		sq.Grad(make([]float64, d)), signed, mixed, mixedScalar, twoDirs,
		sq.HermiteCorr([]int{0, 1}, []int{2, 1}),
	}
}

// unbounded drops the Bounded class (the test worlds' labels exceed 1).
func unbounded(q *sq.Query) *sq.Query {
	q.Class = sq.L2
	return q
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		m = math.Max(m, math.Abs(x))
	}
	return m
}

// TestFusedMatchesEvaluator: over random pools, the fused kernels agree
// with the generic evaluator to 1e-12 relative, for both kernel
// implementations (portable Go and, where the CPU has it, AVX-512).
func TestFusedMatchesEvaluator(t *testing.T) {
	defer kern.SetImpl(kern.Impl())
	for _, d := range []int{2, 7, 33, 100} {
		m, err := world.Noisy(randDir(5, d, 1.2), world.Noise{Kind: world.Rademacher, Param: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		n := 2500
		if testing.Short() {
			n = 700
		}
		p, err := NewPool(m, n, 7)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("d=%d", d), func(t *testing.T) {
			for _, impl := range []string{"go", "avx512"} {
				t.Run(impl, func(t *testing.T) {
					if !kern.SetImpl(impl) {
						t.Skipf("kernel implementation %s not available on this CPU", impl)
					}
					for i, q := range fusedQueries(d) {
						t.Run(fusedName(i, q), func(t *testing.T) {
							if err := q.Validate(d); err != nil {
								t.Fatal(err)
							}
							pl := planFor(q, d)
							want := make([]float64, q.Dim)
							got := make([]float64, q.Dim)
							if err := poolMean(p, q, nil, 2, want); err != nil {
								t.Fatal(err)
							}
							if err := poolMean(p, q, pl, 2, got); err != nil {
								t.Fatal(err)
							}
							tol := 1e-12 * math.Max(1, maxAbs(want))
							if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, tol)); diff != "" {
								t.Errorf("fused vs evaluator (-evaluator +fused):\n%s", diff)
							}
						})
					}
				})
			}
		})
		p.Close()
	}
}

// TestFusedPlans: the recognized forms get a plan, the others do not.
func TestFusedPlans(t *testing.T) {
	d := 5
	w := randDir(1, d, 1)
	for _, c := range []struct {
		q    *sq.Query
		kind planKind
	}{
		{sq.Grad(w), planVector}, {sq.GateCorr(w), planVector}, {sq.Chow(d), planVector},
		{sq.ReluCorr(w), planScalar}, {sq.Loss(w), planScalar}, {sq.StepCorr(w), planScalar},
		{sq.ReluBatch([][]float64{w, w}), planBatch},
		{sq.HermiteCorr([]int{0}, []int{1}), 0},
	} {
		t.Run(c.q.Name, func(t *testing.T) {
			pl := planFor(c.q, d)
			got := planKind(0)
			if pl != nil {
				got = pl.kind
			}
			if got != c.kind {
				t.Errorf("plan %d, want %d", got, c.kind)
			}
		})
	}
}

// TestPoolDeterminism: pools and answers are identical bit for bit for any
// number of workers.
func TestPoolDeterminism(t *testing.T) {
	d := 24
	m := testWorld(t, d)
	n := 5000
	ref, err := newPool(m, n, 11, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer ref.Close()
	for _, workers := range []int{2, 3, 8} {
		t.Run(fmt.Sprintf("pool,workers=%d", workers), func(t *testing.T) {
			p, err := newPool(m, n, 11, workers)
			if err != nil {
				t.Fatal(err)
			}
			for i := range ref.x {
				if math.Float64bits(p.x[i]) != math.Float64bits(ref.x[i]) {
					t.Fatalf("workers=%d: pool differs at value %d", workers, i)
				}
			}
			for i := range ref.y {
				if math.Float64bits(p.y[i]) != math.Float64bits(ref.y[i]) {
					t.Fatalf("workers=%d: labels differ at %d", workers, i)
				}
			}
			p.Close()
		})
	}
	for i, q := range fusedQueries(d) {
		t.Run(fusedName(i, q), func(t *testing.T) {
			ask := func(workers int) []float64 {
				o, err := FromPool(ref, PoolOptions{Workers: workers})
				if err != nil {
					t.Fatal(err)
				}
				v, err := sq.AskVec(o, q, 0.1)
				if err != nil {
					t.Fatalf("workers=%d: %v", workers, err)
				}
				return v
			}
			first := ask(1)
			for _, workers := range []int{2, 3, 5} {
				v := ask(workers)
				for j := range v {
					if math.Float64bits(v[j]) != math.Float64bits(first[j]) {
						t.Fatalf("workers=%d coord %d: %v, workers=1 gave %v", workers, j, v[j], first[j])
					}
				}
			}
		})
	}
}

// TestPoolPrefix: a pool is the prefix of a larger pool with the same seed,
// and a different seed gives a different pool.
func TestPoolPrefix(t *testing.T) {
	m := testWorld(t, 3)
	small, _ := NewPool(m, 1500, 3)
	big, _ := NewPool(m, 4000, 3)
	other, _ := NewPool(m, 1500, 4)
	defer small.Close()
	defer big.Close()
	defer other.Close()
	x1, x2 := make([]float64, 3), make([]float64, 3)
	same := 0
	for i := 0; i < small.N(); i++ {
		y1, _ := small.Example(i, x1)
		y2, _ := big.Example(i, x2)
		if y1 != y2 || x1[0] != x2[0] || x1[2] != x2[2] {
			t.Fatalf("example %d differs between pools of 1500 and 4000", i)
		}
		y3, _ := other.Example(i, x2)
		if y3 == y1 && x1[0] == x2[0] {
			same++
		}
	}
	if same > 10 {
		t.Errorf("seeds 3 and 4 share %d examples", same)
	}
}

// TestPoolOracle: answers are close to the truth for a large pool, the
// ledger records the pool, Strict refuses small pools, Close is final.
func TestPoolOracle(t *testing.T) {
	d := 4
	m := testWorld(t, d)
	p, err := NewPool(m, 200000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if p.N() != 200000 || p.D() != d || p.Bytes() != 200000*5*8 {
		t.Fatalf("pool N %d D %d Bytes %d", p.N(), p.D(), p.Bytes())
	}
	o, err := FromPool(p, PoolOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := sq.NewLedger()
	lo := Chain(o, WithLedger(l))
	w := []float64{0.5, -0.2, 0.7, 0.1}
	for _, q := range []*sq.Query{sq.GateCorr(w), sq.ReluCorr(w), sq.Grad(w)} {
		t.Run(q.Name, func(t *testing.T) {
			truth := exactOf(t, m, q)
			v, err := sq.AskVec(lo, q, 0.01)
			if err != nil {
				t.Fatal(err)
			}
			if !within(v, truth, sq.CoordNorm, 0.02) {
				t.Errorf("%q: pool answer %v, truth %v", q.Name, v, truth)
			}
		})
	}
	recs := l.Entries()
	if len(recs) != 3 || !recs[0].Pool || recs[0].Samples != 200000 {
		t.Errorf("ledger records %+v, want 3 pool records of 200000 samples", recs)
	}
	strict, _ := FromPool(p, PoolOptions{Strict: true})
	if _, err := sq.AskVec(strict, sq.GateCorr(w), 1e-4); !errors.Is(err, ErrTooManySamples) {
		t.Errorf("strict pool at tau = 1e-4: %v, want ErrTooManySamples", err)
	}
	if _, err := sq.AskVec(strict, sq.GateCorr(w), 0.1); err != nil {
		t.Errorf("strict pool at tau = 0.1: %v", err)
	}
	if _, err := FromPool(p, PoolOptions{Delta: 2}); err == nil {
		t.Error("delta = 2 accepted")
	}
	p.Close()
	p.Close()
	if _, err := sq.AskVec(o, sq.GateCorr(w), 0.1); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("closed pool: %v, want ErrPoolClosed", err)
	}
	if _, err := p.Example(0, make([]float64, d)); !errors.Is(err, ErrPoolClosed) {
		t.Errorf("closed pool Example: %v", err)
	}
	if _, err := NewPool(m, 0, 1); err == nil {
		t.Error("NewPool(n = 0) accepted")
	}
}

// TestPoolClassViolation: a scalar query declared Bounded whose values
// exceed the bound is refused: by Validate (ErrQuery) when its terms refute
// the class, and by the evaluator (ErrClassViolation) when the class rests
// on a Go function that lies.
func TestPoolClassViolation(t *testing.T) {
	d := 3
	m := testWorld(t, d)
	p, _ := NewPool(m, 3000, 2)
	defer p.Close()
	o, _ := FromPool(p, PoolOptions{})
	q := sq.ReluCorr([]float64{3, 3, 3})
	q.Class, q.Bound = sq.Bounded, 0.1
	if _, err := sq.Ask(o, q, 0.1); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("refuted class: %v, want ErrQuery", err)
	}
	h := sq.HermiteCorr([]int{0}, []int{4})
	h.Class, h.Bound = sq.Bounded, 0.1
	if _, err := sq.Ask(o, h, 0.1); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("refuted class: %v, want ErrQuery", err)
	}
	liar := &sq.Query{Name: "y*g(u.x)", Class: sq.Bounded, Bound: 0.1, Dim: 1, Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelY},
		Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{{3, 3, 3}}, G: func(z []float64) float64 { return math.Max(z[0], 0) }, Kinks: [][]float64{{0}}, Name: "relu"}}}}
	if _, err := sq.Ask(o, liar, 0.1); !errors.Is(err, ErrClassViolation) {
		t.Errorf("evaluator: %v, want ErrClassViolation", err)
	}
}

// TestSampleFused: the sampling oracle's chunks go through the fused
// kernels; its answers agree with the evaluator's on the same examples.
func TestSampleFused(t *testing.T) {
	d := 20
	m := testWorld(t, d)
	defer func() { useFused = true }()
	for i, q := range fusedQueries(d) {
		t.Run(fusedName(i, q), func(t *testing.T) {
			var got [2][]float64
			for k, fused := range []bool{true, false} {
				useFused = fused
				o, err := Sample(m, SampleOptions{Seed: 3, Workers: 2})
				if err != nil {
					t.Fatal(err)
				}
				v, err := sq.AskVec(o, q, 0.5)
				if err != nil {
					t.Fatalf("%q: %v", q.Name, err)
				}
				got[k] = v
			}
			tol := 1e-12 * math.Max(1, maxAbs(got[1]))
			if diff := cmp.Diff(got[1], got[0], cmpopts.EquateApprox(0, tol)); diff != "" {
				t.Errorf("fused vs evaluator (-evaluator +fused):\n%s", diff)
			}
		})
	}
}

// fusedName names the i-th query of fusedQueries for a subtest: its index
// and its name, with the output dimension (several share a name and differ
// in the batch size or the weight vector).
func fusedName(i int, q *sq.Query) string {
	return fmt.Sprintf("%02d:%s,dim=%d", i, q.Name, q.Dim)
}
