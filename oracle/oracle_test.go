package oracle

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

func testWorld(t testing.TB, d int) *world.Model {
	t.Helper()
	w := make([]float64, d)
	r := sq.Stream(42, 1)
	for i := range w {
		w[i] = r.NormFloat64() / math.Sqrt(float64(d))
	}
	m, err := world.Clipped(w, 1)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func exactOf(t testing.TB, w sq.World, q *sq.Query) []float64 {
	t.Helper()
	v := make([]float64, q.Dim)
	if _, err := w.Expect(q, v); err != nil {
		t.Fatal(err)
	}
	return v
}

func within(v, truth []float64, norm sq.Norm, tau float64) bool {
	if norm == sq.EuclidNorm && len(v) > 1 {
		return euclid(v, truth) <= tau
	}
	for i := range v {
		if !(math.Abs(v[i]-truth[i]) <= tau) {
			return false
		}
	}
	return true
}

// TestSampleCoverage: over 300 seeds the answers of the sampling oracle are
// within tau at least a fraction 1 - delta of the time, for a bounded query
// (Hoeffding), an L2 query (median of means) and a Euclidean vector query.
func TestSampleCoverage(t *testing.T) {
	d := 3
	m := testWorld(t, d)
	w := []float64{0.5, -0.2, 0.7}
	gl := sq.GateCorr(w)
	gl.TolNorm = sq.EuclidNorm
	cases := []struct {
		q   *sq.Query
		tau float64
	}{{sq.StepCorr(w), 0.05}, {sq.ReluCorr(w), 0.05}, {sq.GateCorr(w), 0.08}, {gl, 0.1}}
	const seeds = 300
	const delta = 0.1
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s,tau=%g,%s", c.q.Name, c.tau, c.q.TolNorm), func(t *testing.T) {
			truth := exactOf(t, m, c.q)
			miss := 0
			for s := uint64(0); s < seeds; s++ {
				o, err := Sample(m, SampleOptions{Delta: delta, Seed: s})
				if err != nil {
					t.Fatal(err)
				}
				v, err := sq.AskVec(o, c.q, c.tau)
				if err != nil {
					t.Fatal(err)
				}
				if !within(v, truth, c.q.TolNorm, c.tau) {
					miss++
				}
			}
			if cov := 1 - float64(miss)/seeds; cov < 1-delta {
				t.Errorf("%s (%s): coverage %.3f < 1 - delta = %.2f", c.q.Name, SampleSize(c.q, c.tau, delta).Method, cov, 1-delta)
			}
		})
	}
}

// TestSampleDeterminism: the same seed gives bit-identical answers with 1, 2
// and 7 workers.
func TestSampleDeterminism(t *testing.T) {
	m := testWorld(t, 5)
	q := sq.GateCorr([]float64{1, 0, -1, 0.5, 0})
	ask := func(t *testing.T, workers int) []float64 {
		t.Helper()
		o, _ := Sample(m, SampleOptions{Seed: 9, Workers: workers})
		v, err := sq.AskVec(o, q, 0.05)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ref := ask(t, 1)
	for _, workers := range []int{2, 7} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			v := ask(t, workers)
			for i := range v {
				if math.Float64bits(v[i]) != math.Float64bits(ref[i]) {
					t.Fatalf("answer[%d] = %v, with 1 worker %v", i, v[i], ref[i])
				}
			}
		})
	}
}

func TestSampleClassViolation(t *testing.T) {
	m := testWorld(t, 2)
	// Declares |phi| <= 1 but relu(3 x1) exceeds it. Written as a Go
	// function (a ridge feature), so that Validate cannot refute the class.
	q := &sq.Query{Name: "liar", Class: sq.Bounded, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelOne}, Feature: sq.Feature{Kind: sq.FeatRidge, U: [][]float64{{3, 0}},
			G: func(z []float64) float64 { return math.Max(z[0], 0) }, Kinks: [][]float64{{0}}, Name: "relu"}}}}
	o, _ := Sample(m, SampleOptions{})
	if _, err := sq.Ask(o, q, 0.1); !errors.Is(err, ErrClassViolation) {
		t.Errorf("got %v, want ErrClassViolation", err)
	}
	o2, _ := Sample(m, SampleOptions{MaxSamples: 1000})
	if _, err := sq.Ask(o2, sq.StepCorr([]float64{1, 0}), 1e-3); !errors.Is(err, ErrTooManySamples) {
		t.Errorf("got %v, want ErrTooManySamples", err)
	}
}

// TestNeverOutsideTau: the noise and adversarial oracles stay within tau on
// every query, for both norms, at tolerances from 1e-9 to 10.
func TestNeverOutsideTau(t *testing.T) {
	d := 4
	m := testWorld(t, d)
	ref, err := world.Realizable([]float64{0, 0, 0, 1})
	if err != nil {
		t.Fatal(err)
	}
	adv, err := Adversarial(m, ref)
	if err != nil {
		t.Fatal(err)
	}
	oracles := []sq.Oracle{Noisy(m, Uniform, 1), Noisy(m, GaussianClipped, 2), adv}
	r := sq.Stream(5, 5)
	const draws = 300
	ran := 0
	for i := 0; i < draws; i++ {
		w := make([]float64, d)
		for j := range w {
			w[j] = r.NormFloat64()
		}
		tau := math.Pow(10, -9+10*r.Float64())
		t.Run(fmt.Sprintf("draw%d,tau=%.3g", i, tau), func(t *testing.T) {
			ran++
			qs := []*sq.Query{sq.ReluCorr(w), sq.GateCorr(w), sq.Loss(w), sq.Chow(d)}
			qs[3].TolNorm = sq.EuclidNorm
			for _, q := range qs {
				truth := exactOf(t, m, q)
				for _, o := range oracles {
					v, err := sq.AskVec(o, q, tau)
					if err != nil {
						t.Fatalf("%s %s tau=%g: %v", o.Name(), q.Name, tau, err)
					}
					if !within(v, truth, q.TolNorm, tau) {
						t.Fatalf("%s %s tau=%g: answer %v outside tau of %v", o.Name(), q.Name, tau, v, truth)
					}
				}
			}
		})
	}
	if ran < draws {
		return // a -run filter chose some draws: the branch count below needs all
	}
	hidden, forced := adv.Stats()
	if hidden == 0 || forced == 0 {
		t.Errorf("adversary never hid (%d) or never was forced (%d): the test does not exercise both branches", hidden, forced)
	}
}

// TestAdversaryAnswersReference: when the reference's value is within tau,
// the adversary returns it exactly.
func TestAdversaryAnswersReference(t *testing.T) {
	m := testWorld(t, 2)
	adv, _ := Adversarial(m, m)
	q := sq.GateCorr([]float64{1, 1})
	v, _ := sq.AskVec(adv, q, 1e-3)
	truth := exactOf(t, m, q)
	for i := range v {
		if v[i] != truth[i] {
			t.Errorf("adversary against itself: %v, want %v", v, truth)
		}
	}
}

func TestVSTAT(t *testing.T) {
	m := testWorld(t, 2)
	o, err := VSTAT(m, 1e4, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sq.Ask(o, sq.ReluCorr([]float64{1, 0}), 0.1); !errors.Is(err, sq.ErrClass) {
		t.Errorf("non-Boolean query: %v, want ErrClass", err)
	}
	q := &sq.Query{Name: "1{y>0.5}", Class: sq.Boolean, Bound: 1, Dim: 1,
		Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0.5}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
	p := exactOf(t, m, q)[0]
	for i := 0; i < 100; i++ {
		v, err := sq.Ask(o, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(v-p) > o.Tolerance(p) || v < 0 || v > 1 {
			t.Fatalf("VSTAT answer %v, p = %v, tolerance %v", v, p, o.Tolerance(p))
		}
	}
	if _, err := VSTAT(m, 0, 1); err == nil {
		t.Error("VSTAT(0) accepted")
	}
}

// TestLedgerCounts checks every counter of the ledger on a known sequence.
func TestLedgerCounts(t *testing.T) {
	d := 3
	m := testWorld(t, d)
	l := sq.NewLedger()
	o := Chain(Exact(m), WithLedger(l))
	w := []float64{1, 2, 3}
	if _, err := sq.Ask(o, sq.ReluCorr(w), 0.01); err != nil { // round 0
		t.Fatal(err)
	}
	err := l.Round(func() error { // round 1: two queries
		if _, err := sq.AskVec(o, sq.GateCorr(w), 0.1); err != nil {
			return err
		}
		_, err := sq.AskVec(o, sq.Chow(d), 0.2)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	l.Round(func() error { return nil }) // an empty round uses no round
	s := &sq.Session{Setting: m.Setting(), Oracle: o, Ledger: l}
	free := &sq.Query{Name: "relu^2", Class: sq.L2, Bound: 20, Dim: 1, Terms: []sq.Term{{Coef: 1, Feature: sq.Feature{Kind: sq.FeatRelu2, W: w}}}}
	var fv [1]float64
	if err := s.Free(free, fv[:]); err != nil || fv[0] != 7 { // E[relu(w.x)^2] = ||w||^2/2 = 7
		t.Errorf("free expectation %v, %v; want 7", fv[0], err)
	}
	if err := s.Free(sq.ReluCorr(w), fv[:]); !errors.Is(err, sq.ErrQuery) {
		t.Errorf("free expectation of a label query: %v, want ErrQuery", err)
	}
	sum := l.Summary()
	if sum.Queries != 3 || sum.Scalar != 1+3+3 || sum.Rounds != 2 || sum.Free != 1 {
		t.Errorf("summary %+v: want 3 queries, 7 scalar, 2 rounds, 1 free", sum)
	}
	wantCost := 1/math.Pow(0.01/(math.Sqrt(14)/math.Sqrt2), 2) + 3/math.Pow(0.1/(1/math.Sqrt2), 2) + 3/math.Pow(0.2, 2)
	if math.Abs(sum.Cost-wantCost) > 1e-9*wantCost {
		t.Errorf("cost %v, want %v", sum.Cost, wantCost)
	}
	es := l.Entries()
	if es[0].Round != 0 || es[1].Round != 1 || es[2].Round != 1 {
		t.Errorf("rounds %d %d %d, want 0 1 1", es[0].Round, es[1].Round, es[2].Round)
	}
}

// TestReplayBitExact records a noisy run, writes it as JSON Lines, reads it
// back and replays it: every answer is bit-identical.
func TestReplayBitExact(t *testing.T) {
	d := 4
	m := testWorld(t, d)
	l := sq.NewLedger()
	o := Chain(Noisy(m, Uniform, 3), WithLedger(l))
	run := func(o sq.Oracle) [][]float64 {
		var out [][]float64
		w := []float64{0.1, 0.2, 0.3, 0.4}
		for step := 0; step < 20; step++ {
			g, err := sq.AskVec(o, sq.GateCorr(w), 1e-3)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, g)
			for i := range w {
				w[i] -= 0.5 * (w[i] - 2*g[i])
			}
			v, err := sq.Ask(o, sq.ReluCorr(w), 1e-4)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, []float64{v})
		}
		return out
	}
	first := run(o)
	var buf bytes.Buffer
	if err := l.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	entries, err := sq.ReadTrace(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rp := Replay(entries)
	second := run(rp)
	for i := range first {
		for j := range first[i] {
			if math.Float64bits(first[i][j]) != math.Float64bits(second[i][j]) {
				t.Fatalf("answer %d[%d]: %v then %v", i, j, first[i][j], second[i][j])
			}
		}
	}
	if rp.Remaining() != 0 {
		t.Errorf("%d answers not replayed", rp.Remaining())
	}
	// A different query breaks the replay.
	rp2 := Replay(entries)
	if _, err := sq.Ask(rp2, sq.ReluCorr([]float64{1, 0, 0, 0}), 1e-3); !errors.Is(err, ErrReplay) {
		t.Errorf("mismatched query: %v, want ErrReplay", err)
	}
}

func TestBudgetCacheClasses(t *testing.T) {
	d := 2
	m := testWorld(t, d)
	o := Chain(Exact(m), WithBudget(sq.Budget{MaxQueries: 2}))
	q := sq.ReluCorr([]float64{1, 0})
	for i := 0; i < 2; i++ {
		if _, err := sq.Ask(o, q, 0.1); err != nil {
			t.Fatal(err)
		}
	}
	_, err := sq.Ask(o, q, 0.1)
	var be *sq.BudgetError
	if !errors.As(err, &be) || be.Limit != "max_queries" || !errors.Is(err, sq.ErrBudget) {
		t.Errorf("third query: %v, want a max_queries BudgetError", err)
	}
	o = Chain(Exact(m), WithBudget(sq.Budget{MinTol: 1e-3}))
	if _, err := sq.Ask(o, sq.StepCorr([]float64{1, 0}), 1e-4); !errors.As(err, &be) || be.Limit != "min_tol" {
		t.Errorf("tolerance below minimum: %v", err)
	}

	l := sq.NewLedger()
	inner := sq.NewLedger()
	o = Chain(Exact(m), WithLedger(l), WithCache(), WithLedger(inner))
	for i := 0; i < 3; i++ {
		sq.Ask(o, q, 0.1)
	}
	sq.Ask(o, q, 0.01) // tighter: asks again
	sq.Ask(o, q, 0.05) // served by the 0.01 answer
	if got := inner.Summary().Queries; got != 2 {
		t.Errorf("cache passed %d queries down, want 2", got)
	}
	if got := l.Summary().Queries; got != 5 {
		t.Errorf("ledger above the cache saw %d queries, want 5", got)
	}

	csq := Chain(Exact(m), WithClasses(sq.Correlational))
	if _, err := sq.Ask(csq, sq.Loss([]float64{1, 0}), 0.1); !errors.Is(err, sq.ErrClass) {
		t.Errorf("loss query through a CSQ oracle: %v, want ErrClass", err)
	}
	if _, err := sq.Ask(csq, q, 0.1); err != nil {
		t.Errorf("correlational query refused: %v", err)
	}
}

func TestBadRequests(t *testing.T) {
	m := testWorld(t, 2)
	so, _ := Sample(m, SampleOptions{})
	for _, o := range []sq.Oracle{Exact(m), Noisy(m, Uniform, 1), so} {
		t.Run(o.Name(), func(t *testing.T) {
			for _, tau := range []float64{0, -1, math.NaN(), math.Inf(1)} {
				t.Run(fmt.Sprintf("tau=%v", tau), func(t *testing.T) {
					if _, err := sq.Ask(o, sq.ReluCorr([]float64{1, 0}), tau); !errors.Is(err, sq.ErrTolerance) {
						t.Errorf("%s tau=%v: %v, want ErrTolerance", o.Name(), tau, err)
					}
				})
			}
			if _, err := sq.Ask(o, sq.ReluCorr([]float64{1, 0, 0}), 0.1); !errors.Is(err, sq.ErrQuery) {
				t.Errorf("%s wrong dimension: %v, want ErrQuery", o.Name(), err)
			}
			if _, err := sq.Ask(o, sq.ReluCorr([]float64{1, math.NaN()}), 0.1); !errors.Is(err, sq.ErrQuery) {
				t.Errorf("%s NaN weight: %v, want ErrQuery", o.Name(), err)
			}
		})
	}
}

// FuzzOracleInvariants: for arbitrary finite weights and tolerances, the
// noise and adversarial oracles answer within tau of the exact value, and the
// exact oracle is deterministic.
func FuzzOracleInvariants(f *testing.F) {
	f.Add(0.3, -0.4, 1.0, 1e-3, uint8(0))
	f.Add(0.0, 0.0, 0.0, 1e-9, uint8(1))
	f.Add(1e6, -1e-6, 3.0, 5.0, uint8(2))
	m := testWorld(f, 2)
	ref, _ := world.Realizable([]float64{0, 1})
	f.Fuzz(func(t *testing.T, a, b, c, tau float64, which uint8) {
		for _, v := range []float64{a, b, c, tau} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e8 {
				t.Skip()
			}
		}
		if !(tau > 1e-10) {
			t.Skip()
		}
		w := []float64{a, b}
		var q *sq.Query
		switch which % 3 {
		case 0:
			q = sq.ReluCorr(w)
		case 1:
			q = sq.GateCorr(w)
		default:
			q = sq.Loss([]float64{a / (1 + math.Abs(c)), b})
		}
		truth := exactOf(t, m, q)
		adv, _ := Adversarial(m, ref)
		for _, o := range []sq.Oracle{Noisy(m, NoiseKind(which%2), uint64(which)), adv} {
			v, err := sq.AskVec(o, q, tau)
			if err != nil {
				if errors.Is(err, sq.ErrNotExact) {
					continue // numerical error above a tiny tau: refused, not violated
				}
				t.Fatal(err)
			}
			if !within(v, truth, q.TolNorm, tau) {
				t.Fatalf("%s: %v outside %g of %v", o.Name(), v, tau, truth)
			}
		}
	})
}

// TestGOMAXPROCS: the same seed gives bit-identical answers with
// GOMAXPROCS = 1 and 2 (the default worker count follows GOMAXPROCS).
func TestGOMAXPROCS(t *testing.T) {
	m := testWorld(t, 6)
	q := sq.Grad([]float64{0.3, -0.1, 0.2, 0, 0.5, -0.4})
	answer := func(procs int) []float64 {
		prev := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(prev)
		o, _ := Sample(m, SampleOptions{Seed: 77})
		v, err := sq.AskVec(o, q, 0.2)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	a, b := answer(1), answer(2)
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			t.Fatalf("coordinate %d: %v with GOMAXPROCS=1, %v with 2", i, a[i], b[i])
		}
	}
}

// TestSampleUnboundedLabels: on a realizable world (labels relu(w*.x),
// unbounded) the declared bounds of the constructors do not hold; the
// oracle sizes its sample from a pilot second moment instead, and its
// answers still cover the truth.
func TestSampleUnboundedLabels(t *testing.T) {
	m, err := world.Realizable([]float64{1.5, 0.5, -1})
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1, 1, 0}
	const tau, delta, seeds = 0.05, 0.1, 100
	for _, q := range []*sq.Query{sq.StepCorr(w), sq.GateCorr(w)} {
		t.Run(q.Name, func(t *testing.T) {
			truth := exactOf(t, m, q)
			miss := 0
			for s := uint64(0); s < seeds; s++ {
				o, _ := Sample(m, SampleOptions{Delta: delta, Seed: s})
				v, err := sq.AskVec(o, q, tau)
				if err != nil {
					t.Fatalf("%s: %v", q.Name, err)
				}
				if !within(v, truth, q.TolNorm, tau) {
					miss++
				}
			}
			if cov := 1 - float64(miss)/seeds; cov < 1-delta {
				t.Errorf("%s: coverage %.2f < %.2f", q.Name, cov, 1-delta)
			}
		})
	}
}
