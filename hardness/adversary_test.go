package hardness

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// randomQuery draws a structured query in dimension d: dense or sparse
// weights, few or many distinct values, scalar or vector, several label
// functionals. kind selects the family (0..9).
func randomQuery(r *rand.Rand, d, k int, kind int) *sq.Query {
	vec := func() []float64 {
		w := make([]float64, d)
		switch r.IntN(4) {
		case 0: // dense Gaussian
			for i := range w {
				w[i] = r.NormFloat64()
			}
		case 1: // sign vector: two classes
			for i := range w {
				w[i] = 0.5
				if r.IntN(2) == 1 {
					w[i] = -0.5
				}
			}
		case 2: // sparse: a random subset of size k or k+1
			m := k + r.IntN(2)
			for _, i := range sq.RandomSubset(r, d, min(m, d)) {
				w[i] = r.NormFloat64()
			}
		default: // symmetric on a random k-subset
			for _, i := range sq.RandomSubset(r, d, k) {
				w[i] = 1 / math.Sqrt(float64(k))
			}
		}
		n := math.Sqrt(sumSq(w))
		for i := range w {
			w[i] /= n
		}
		return w
	}
	switch kind % 10 {
	case 0:
		return sq.ReluCorr(vec())
	case 1:
		return sq.GateCorr(vec())
	case 2:
		return sq.Loss(vec())
	case 3:
		q := sq.Grad(vec())
		q.TolNorm = sq.EuclidNorm
		return q
	case 4:
		idx := sq.RandomSubset(r, d, k)
		deg := make([]int, k)
		for i := range deg {
			deg[i] = 1 + 2*r.IntN(2)
		}
		return sq.HermiteCorr(idx, deg)
	case 5:
		return sq.ReluBatch([][]float64{vec(), vec()})
	case 6:
		w := vec()
		return &sq.Query{Name: "1{y>1/2}relu + sign(y-1/2) relu^2", Class: sq.L2, Bound: 4, Dim: 1, Terms: []sq.Term{
			{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: 0.5}, Feature: sq.Feature{Kind: sq.FeatRelu, W: w}},
			{Coef: 0.7, Label: sq.Label{Kind: sq.LabelSign, T: 0.5}, Feature: sq.Feature{Kind: sq.FeatRelu2, W: w}},
		}}
	case 7:
		return &sq.Query{Name: "y relu x", Class: sq.L2, Bound: 3, Dim: d, Terms: []sq.Term{
			{Coef: 1, Label: sq.Label{Kind: sq.LabelY}, Feature: sq.Feature{Kind: sq.FeatReluX, W: vec()}}}}
	case 8:
		return sq.StepCorr(vec())
	}
	return sq.Chow(d)
}

// TestAdversaryConsistency plays random queries against the enumerating
// adversary and checks, after every answer, against an independent
// bookkeeping over all C(d, k) supports (each D_S's exact expectation from
// World.Expect): every survivor's truth is within tau of the answer (the
// oracle's guarantee), every survivor is consistent with all answers so
// far, and every support consistent with margin 1e-6 tau is a survivor.
func TestAdversaryConsistency(t *testing.T) {
	for _, c := range []struct {
		d, k int
		eta  float64
	}{{7, 2, 0}, {8, 4, 0.2}} {
		fam, _ := NewFamily(c.d, c.k, c.eta)
		adv, err := NewAdversary(fam, AdversaryOptions{Mode: ModeEnumerate, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		var all [][]int
		forEachSubset(c.d, c.k, func(S []int) bool { all = append(all, slices.Clone(S)); return true })
		// consistent: within tau of every answer (what a survivor must be);
		// comfortable: within tau (1 - 1e-6) of every answer (what the
		// adversary, which keeps a 1e-9 relative margin for rounding, must
		// keep).
		consistent := make([]bool, len(all))
		comfortable := make([]bool, len(all))
		for i := range consistent {
			consistent[i], comfortable[i] = true, true
		}
		r := rand.New(rand.NewPCG(1, uint64(c.k)))
		for step := 0; step < 60; step++ {
			q := randomQuery(r, c.d, c.k, step)
			tau := math.Pow(10, -1-3*r.Float64())
			ans := make([]float64, q.Dim)
			if err := adv.Answer(q, tau, ans); err != nil {
				t.Fatalf("step %d (%s): %v", step, q.Name, err)
			}
			alive := map[string]bool{}
			for _, S := range adv.alive {
				alive[supportKey(S)] = true
			}
			if len(alive) == 0 {
				t.Fatalf("step %d: no survivor", step)
			}
			truth := make([]float64, q.Dim)
			for i, S := range all {
				w, _ := fam.Planted(S)
				if _, err := w.Expect(q, truth); err != nil {
					t.Fatal(err)
				}
				dd := dist(truth, ans, q.TolNorm)
				if alive[supportKey(S)] {
					if !(dd <= tau) {
						t.Fatalf("step %d (%s): survivor %v has truth %.4g away from the answer, tau = %.4g", step, q.Name, S, dd, tau)
					}
					if !consistent[i] {
						t.Fatalf("step %d: survivor %v was inconsistent with an earlier answer", step, S)
					}
				}
				if dd > tau {
					consistent[i] = false
				}
				if dd > tau*(1-1e-6) {
					comfortable[i] = false
				}
				if comfortable[i] && !alive[supportKey(S)] {
					t.Fatalf("step %d (%s): %v is consistent with every answer but was eliminated", step, q.Name, S)
				}
			}
		}
		t.Logf("d = %d, k = %d: %d survivors after 60 queries, %d forced answers", c.d, c.k, len(adv.alive), adv.Forced())
	}
}

// TestStructuredMatchesEnumeration plays the same queries against an
// enumerating and a structured adversary and compares the answers and the
// survivor counts after every query: equal when the structured count is
// exact, bracketing the exact count when it is a bound. (Forced answers
// break ties lexicographically, so both adversaries make the same choice
// and the comparison continues after them; only the comparisons made while
// the structured adversary still keeps its survivors implicitly are
// counted.) The configurations exercise compositions, the pruned
// enumeration (MaxCompositions: 1) and the Chebyshev bound (MaxCandidates: 1).
func TestStructuredMatchesEnumeration(t *testing.T) {
	cases := []struct {
		d, k     int
		eta      float64
		opt      AdversaryOptions
		queries  int
		tauLo    float64
		tauRange float64
	}{
		{16, 2, 0, AdversaryOptions{}, 40, -1.3, 0.7},
		{14, 4, 0.1, AdversaryOptions{MaxCompositions: 1}, 30, -1.8, 1},
		{12, 4, 0, AdversaryOptions{MaxCompositions: 1, MaxCandidates: 1}, 30, -1.5, 0.5},
		{13, 4, 0, AdversaryOptions{}, 30, -1.5, 0.7},
	}
	exactSeen, boundSeen := 0, 0
	for _, c := range cases {
		fam, _ := NewFamily(c.d, c.k, c.eta)
		enum, err := NewAdversary(fam, AdversaryOptions{Mode: ModeEnumerate})
		if err != nil {
			t.Fatal(err)
		}
		sopt := c.opt
		sopt.Mode = ModeStructured
		st, err := NewAdversary(fam, sopt)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(7, uint64(c.d)))
		methods := map[string]int{}
		implicit := 0
		if testing.Short() {
			c.queries = c.queries * 2 / 3
		}
		for step := 0; step < c.queries; step++ {
			q := randomQuery(r, c.d, c.k, step)
			tau := math.Pow(10, c.tauLo-c.tauRange*r.Float64())
			a1, a2 := make([]float64, q.Dim), make([]float64, q.Dim)
			wasImplicit := !st.explicit
			if err := enum.Answer(q, tau, a1); err != nil {
				t.Fatal(err)
			}
			if err := st.Answer(q, tau, a2); err != nil {
				t.Fatalf("%+v step %d (%s): %v", c, step, q.Name, err)
			}
			rec := st.Records()[step]
			methods[rec.Method]++
			if !slices.Equal(a1, a2) {
				t.Fatalf("%+v step %d (%s, %s): answers differ: %v vs %v", c, step, q.Name, rec.Method, a1, a2)
			}
			exact := enum.Survivors().Lower
			got := st.Survivors()
			if wasImplicit {
				implicit++
			}
			if got.Exact {
				if wasImplicit {
					exactSeen++
				}
				if got.Lower.Cmp(exact) != 0 {
					t.Fatalf("%+v step %d (%s, %s): structured %s survivors, enumeration %s", c, step, q.Name, rec.Method, got.Lower, exact)
				}
			} else {
				boundSeen++
				if got.Lower.Cmp(exact) > 0 || got.Upper.Cmp(exact) < 0 {
					t.Fatalf("%+v step %d (%s): bounds [%s, %s] miss the exact %s", c, step, q.Name, got.Lower, got.Upper, exact)
				}
			}
		}
		t.Logf("d = %d, k = %d: methods %v, %d implicit comparisons; final survivors %s (%s), enumeration %s", c.d, c.k, methods, implicit,
			st.Survivors().Lower, st.Survivors().Kind(), enum.Survivors().Lower)
	}
	if exactSeen < 20 || boundSeen < 3 {
		t.Errorf("exact comparisons in implicit mode %d, bound comparisons %d: both kinds should be exercised", exactSeen, boundSeen)
	}
}

// TestStructuredMatchesEnumerationD30: at d = 30 (k = 2 and 4) the
// structured counts of dense queries (pruned enumeration) and of support
// queries (compositions) equal the enumeration over all C(30, k) supports.
func TestStructuredMatchesEnumerationD30(t *testing.T) {
	if testing.Short() {
		t.Skip("enumerates 27405 supports per query")
	}
	for _, k := range []int{2, 4} {
		fam, _ := NewFamily(30, k, 0)
		enum, err := NewAdversary(fam, AdversaryOptions{Mode: ModeEnumerate})
		if err != nil {
			t.Fatal(err)
		}
		st, _ := NewAdversary(fam, AdversaryOptions{Mode: ModeStructured})
		r := rand.New(rand.NewPCG(30, uint64(k)))
		land := mustLand(t, k, 0)
		for step := 0; step < 4; step++ {
			q := randomQuery(r, 30, k, []int{0, 1, 4, 2}[step])
			tau := land.A * land.Kappa * []float64{0.3, 0.05, 0.5, 0.1}[step]
			a1, a2 := make([]float64, q.Dim), make([]float64, q.Dim)
			if err := enum.Answer(q, tau, a1); err != nil {
				t.Fatal(err)
			}
			if err := st.Answer(q, tau, a2); err != nil {
				t.Fatal(err)
			}
			got, want := st.Survivors(), enum.Survivors().Lower
			rec := st.Records()[step]
			if !got.Exact || got.Lower.Cmp(want) != 0 || !slices.Equal(a1, a2) {
				t.Errorf("k = %d, %s (%s): structured %s (%s), enumeration %s", k, q.Name, rec.Method, got.Lower, got.Kind(), want)
			}
			t.Logf("k = %d, %s: %s eliminated %s, %s survivors", k, q.Name, rec.Method, rec.Eliminated, got.Lower)
		}
	}
}

// nullSecondMoment returns E_{D_0}[phi^2] exactly for scalar queries whose
// features are relu, relu^2, step or 1 along at most two directions (2-D
// kink-aware quadrature over their span), or a single Hermite term.
func nullSecondMoment(t *testing.T, q *sq.Query) float64 {
	t.Helper()
	if len(q.Terms) == 1 && q.Terms[0].Feature.Kind == sq.FeatHermite {
		l0, l1 := labelPair(&q.Terms[0].Label)
		c := q.Terms[0].Coef
		return c * c * (l0*l0 + l1*l1) / 2
	}
	var rows [][]float64
	for _, tm := range q.Terms {
		if tm.Feature.W != nil {
			rows = append(rows, tm.Feature.W)
		}
	}
	basis, _ := sq.Orthonormalize(rows)
	if len(basis) > 2 || q.Dim != 1 {
		t.Fatalf("%s: no exact second moment", q.Name)
	}
	proj := func(w []float64) [2]float64 {
		var p [2]float64
		for b := range basis {
			p[b] = dot(w, basis[b])
		}
		return p
	}
	var kinks []gauss.Kink
	for _, tm := range q.Terms {
		if tm.Feature.W != nil {
			p := proj(tm.Feature.W)
			kinks = append(kinks, gauss.Kink{A1: p[0], A2: p[1]})
		}
	}
	total := 0.0
	for _, y := range []float64{0, 1} {
		v, _ := gauss.Expect2(func(z1, z2 float64) float64 {
			s := 0.0
			for _, tm := range q.Terms {
				lam := tm.Label.Eval(y)
				var h float64
				switch tm.Feature.Kind {
				case sq.FeatOne:
					h = 1
				default:
					p := proj(tm.Feature.W)
					u := p[0]*z1 + p[1]*z2
					switch tm.Feature.Kind {
					case sq.FeatRelu:
						h = math.Max(u, 0)
					case sq.FeatRelu2:
						h = math.Max(u, 0) * math.Max(u, 0)
					case sq.FeatStep:
						if u > 0 {
							h = 1
						}
					}
				}
				s += tm.Coef * lam * h
			}
			return s * s
		}, kinks, 1e-13)
		total += v / 2
	}
	return total
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// lemmaCheck counts, over all supports, those a query distinguishes from
// D_0 by more than tau, and compares with the counting lemma's bound
// (1-2eta)^2 E_{D_0}[phi^2]/tau^2 (summed over coordinates for a vector
// query). It returns the count and the bound.
func lemmaCheck(t *testing.T, fam *Family, q *sq.Query, second, tau float64) (int, float64) {
	t.Helper()
	base := make([]float64, q.Dim)
	if _, err := fam.Null().Expect(q, base); err != nil {
		t.Fatal(err)
	}
	n := 0
	truth := make([]float64, q.Dim)
	forEachSubset(fam.d, fam.k, func(S []int) bool {
		w, _ := fam.Planted(S)
		if _, err := w.Expect(q, truth); err != nil {
			t.Fatal(err)
		}
		if dist(truth, base, q.TolNorm) > tau {
			n++
		}
		return true
	})
	return n, LemmaBound(fam.eta, second, tau)
}

// scalarLemmaQuery builds a scalar query along two random directions from
// the fuzzer's numbers.
func scalarLemmaQuery(d int, seed uint64, kind uint8) *sq.Query {
	r := rand.New(rand.NewPCG(seed, 17))
	w, v := make([]float64, d), make([]float64, d)
	for i := range w {
		w[i] = r.NormFloat64()
		v[i] = r.NormFloat64()
	}
	labels := []sq.Label{{Kind: sq.LabelY}, {Kind: sq.LabelY2}, {Kind: sq.LabelAbove, T: 0.5}, {Kind: sq.LabelSign, T: 0.5}, {Kind: sq.LabelOne}}
	feats := []sq.Feature{{Kind: sq.FeatRelu, W: w}, {Kind: sq.FeatRelu2, W: v}, {Kind: sq.FeatStep, W: v}, {Kind: sq.FeatOne}, {Kind: sq.FeatRelu, W: v}}
	q := &sq.Query{Name: fmt.Sprintf("fuzz-%d-%d", seed, kind), Class: sq.L2, Bound: 10, Dim: 1}
	for j := 0; j < 1+int(kind%3); j++ {
		q.Terms = append(q.Terms, sq.Term{Coef: r.NormFloat64(), Label: labels[(int(kind)+j)%len(labels)], Feature: feats[(int(kind)/3+2*j)%len(feats)]})
	}
	q.Bound = math.Max(q.Bound, q.Prove().RMS) // declare a bound the terms prove
	return q
}

// TestEliminationsWithinLemma: for random structured queries and
// tolerances from 5% to 90% of the largest distinguishing value, the
// number of supports distinguished (counted over all of them) never
// exceeds the lemma's bound with the exact E_{D_0}[phi^2].
func TestEliminationsWithinLemma(t *testing.T) {
	checked, nonzero := 0, 0
	for _, c := range []struct {
		d, k int
		eta  float64
	}{{6, 2, 0}, {7, 4, 0.1}, {6, 1, 0.3}} {
		fam, _ := NewFamily(c.d, c.k, c.eta)
		for seed := uint64(0); seed < 12; seed++ {
			q := scalarLemmaQuery(c.d, seed, uint8(seed))
			second := nullSecondMoment(t, q)
			maxDelta := maxDistinguish(t, fam, q)
			for _, frac := range []float64{0.05, 0.3, 0.9} {
				tau := frac*maxDelta + 1e-12
				n, bound := lemmaCheck(t, fam, q, second, tau)
				checked++
				if n > 0 {
					nonzero++
				}
				if float64(n) > bound {
					t.Errorf("d = %d, k = %d, %s, tau = %.3g: %d supports distinguished, lemma bound %.4g", c.d, c.k, q.Name, tau, n, bound)
				}
			}
		}
		// Hermite and gradient queries: E_{D_0}[phi^2] in closed form.
		h := sq.HermiteCorr([]int{0, 1, 2, 3}[:c.k], []int{1, 3, 1, 1}[:c.k])
		gw := make([]float64, c.d)
		for i := range gw {
			gw[i] = float64(i+1) / 10
		}
		g := sq.GateCorr(gw)
		for _, qq := range []struct {
			q      *sq.Query
			second float64
		}{{h, nullSecondMoment(t, h)}, {g, float64(c.d) / 4}} {
			m := maxDistinguish(t, fam, qq.q)
			for _, frac := range []float64{0.1, 0.6} {
				n, bound := lemmaCheck(t, fam, qq.q, qq.second, frac*m+1e-12)
				checked++
				if float64(n) > bound {
					t.Errorf("d = %d, k = %d, %s: %d distinguished, lemma bound %.4g", c.d, c.k, qq.q.Name, n, bound)
				}
			}
		}
	}
	if nonzero < checked/3 {
		t.Errorf("only %d of %d checks distinguished any support", nonzero, checked)
	}
}

// maxDistinguish returns max_S ||E_{D_S}[phi] - E_{D_0}[phi]||.
func maxDistinguish(t *testing.T, fam *Family, q *sq.Query) float64 {
	base := make([]float64, q.Dim)
	fam.Null().Expect(q, base)
	truth := make([]float64, q.Dim)
	m := 0.0
	forEachSubset(fam.d, fam.k, func(S []int) bool {
		w, _ := fam.Planted(S)
		if _, err := w.Expect(q, truth); err != nil {
			t.Fatal(err)
		}
		m = math.Max(m, dist(truth, base, q.TolNorm))
		return true
	})
	return m
}

// FuzzAdversaryLemma: for any fuzzed scalar query and tolerance, the
// enumerating adversary's eliminations in one answer never exceed the
// counting lemma's bound, and its answer is within tau of every survivor.
func FuzzAdversaryLemma(f *testing.F) {
	f.Add(uint64(1), 0.3, uint8(0))
	f.Add(uint64(2), 0.05, uint8(4))
	f.Add(uint64(3), 0.9, uint8(7))
	f.Add(uint64(4), 0.01, uint8(11))
	f.Fuzz(func(t *testing.T, seed uint64, frac float64, kind uint8) {
		if !(frac > 1e-3 && frac < 10) {
			t.Skip()
		}
		k := 2 + 2*int(kind%2)
		fam, _ := NewFamily(6, k, 0.1*float64(kind%3))
		q := scalarLemmaQuery(6, seed, kind)
		tau := frac*maxDistinguish(t, fam, q) + 1e-9
		adv, _ := NewAdversary(fam, AdversaryOptions{Mode: ModeEnumerate})
		ans := make([]float64, 1)
		if err := adv.Answer(q, tau, ans); err != nil {
			t.Fatal(err)
		}
		rec := adv.Records()[0]
		var elim float64
		fmt.Sscan(rec.Eliminated, &elim)
		if bound := LemmaBound(fam.eta, nullSecondMoment(t, q), tau); elim > bound {
			t.Fatalf("%s, tau = %g: %v eliminated, lemma bound %g", q.Name, tau, elim, bound)
		}
		for _, S := range adv.alive {
			w, _ := fam.Planted(S)
			v := make([]float64, 1)
			w.Expect(q, v)
			if math.Abs(v[0]-ans[0]) > tau {
				t.Fatalf("survivor %v: truth %v, answer %v, tau %v", S, v[0], ans[0], tau)
			}
		}
	})
}

// TestSparseFindsSupport: support search finds S with the exact oracle of
// D_S (no adversary), with label noise, both query kinds (against the
// adversary: bench.TestSparseIdentifies).
func TestSparseFindsSupport(t *testing.T) {
	// Exact oracle on D_S with label noise, both query kinds.
	for _, query := range []string{"relu", "hermite"} {
		fam, _ := NewFamily(12, 4, 0.1)
		S := []int{2, 5, 7, 11}
		world, _ := fam.Planted(S)
		land := mustLand(t, 4, 0.1)
		sp, err := learners.NewSparse(learners.Options{"k": "4", "tol": fmt.Sprint(land.A * land.Kappa / 4), "query": query})
		if err != nil {
			t.Fatal(err)
		}
		h, err := sp.Learn(&sq.Session{Setting: world.Setting(), Oracle: oracle.Exact(world), Rand: sq.Stream(1, 2)})
		if err != nil {
			t.Fatal(err)
		}
		loss, _, _ := world.Loss(h.(sq.ReLU).W)
		if !slices.Equal(sp.Found, S) || !sp.Detected || math.Abs(loss-land.OptS) > 1e-12 {
			t.Errorf("%s: found %v (detected %v), loss %.16g, want %v and opt_S %.16g", query, sp.Found, sp.Detected, loss, S, land.OptS)
		}
	}
}

// TestNonReLU: a hypothesis that is not a ReLU cannot be scored.
func TestNonReLU(t *testing.T) {
	fam, _ := NewFamily(6, 2, 0)
	adv, _ := NewAdversary(fam, AdversaryOptions{})
	v, err := adv.Judge(constHyp{})
	if err != nil || v.Identified || v.Note == "" {
		t.Errorf("non-ReLU hypothesis: %+v, %v", v, err)
	}
}

type constHyp struct{}

func (constHyp) Predict([]float64) float64 { return 0.5 }

// TestLargeStructured: at d = 1e4, k = 8 the structured adversary answers
// the gradient query of gd and a support-search query with exactly counted
// survivors, without enumerating C(d, k) ~ 2.5e27 supports.
func TestLargeStructured(t *testing.T) {
	const d, k = 10000, 8
	fam, _ := NewFamily(d, k, 0)
	adv, err := NewAdversary(fam, AdversaryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := sq.Stream(2, 2)
	w := make([]float64, d)
	for i := range w {
		w[i] = r.NormFloat64() / math.Sqrt(2*math.Pi*d)
	}
	u := make([]float64, d)
	for i := 0; i < k; i++ {
		u[100*i] = 1 / math.Sqrt(k)
	}
	for _, q := range []*sq.Query{sq.GateCorr(w), sq.ReluCorr(u), sq.Loss(w)} {
		ans := make([]float64, q.Dim)
		if err := adv.Answer(q, 1e-6, ans); err != nil {
			t.Fatal(err)
		}
	}
	c := adv.Survivors()
	want := new(big.Int).Sub(Binomial(d, k), big.NewInt(1))
	if !c.Exact || c.Lower.Cmp(want) != 0 {
		t.Errorf("survivors %s (%s), want C(d,k) - 1 = %s exactly", c.Lower, c.Kind(), want)
	}
	for _, rec := range adv.Records() {
		t.Logf("%s: %s, eliminated %s (%s), %.2f ms", rec.Query, rec.Method, rec.Eliminated, rec.ElimKind, float64(rec.Nanos)/1e6)
	}
}

// BenchmarkAdversaryAnswer times one answer with its survivor update at
// d = 1e4, k = 8: gd's gradient query at a random w, a support-search query,
// and a dense ReLU query.
func BenchmarkAdversaryAnswer(b *testing.B) {
	const d, k = 10000, 8
	fam, _ := NewFamily(d, k, 0)
	r := sq.Stream(2, 2)
	w := make([]float64, d)
	for i := range w {
		w[i] = r.NormFloat64() / math.Sqrt(2*math.Pi*d)
	}
	u := make([]float64, d)
	for i := 0; i < k; i++ {
		u[100*i] = 1 / math.Sqrt(k)
	}
	for _, c := range []struct {
		name  string
		q     *sq.Query
		fresh bool // a new adversary and an empty correlation cache for every answer
	}{{"gate", sq.GateCorr(w), false}, {"support", sq.ReluCorr(u), false}, {"support-uncached", sq.ReluCorr(u), true},
		{"dense-relu", sq.ReluCorr(w), false}} {
		b.Run(c.name, func(b *testing.B) {
			adv, _ := NewAdversary(fam, AdversaryOptions{})
			ans := make([]float64, c.q.Dim)
			for i := 0; i < b.N; i++ {
				if c.fresh {
					// Without this the support would already be eliminated
					// and its integral cached after the first answer.
					b.StopTimer()
					adv, _ = NewAdversary(fam, AdversaryOptions{})
					fam.cache.mu.Lock()
					clear(fam.cache.m)
					fam.cache.mu.Unlock()
					b.StartTimer()
				}
				if err := adv.Answer(c.q, 1e-6, ans); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
