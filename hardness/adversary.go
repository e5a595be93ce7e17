package hardness

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/sqsim/sqsim/sq"
)

// ErrAdversary is returned when the adversary cannot keep its promise: it
// cannot exhibit a support consistent with every answer so far, or its
// survivor set grew beyond what it can track.
var ErrAdversary = errors.New("hardness: adversary cannot certify a surviving support")

// Mode selects how the adversary keeps its survivor set.
type Mode uint8

// The modes.
const (
	// ModeAuto enumerates when C(d, k) <= EnumLimit and is structured otherwise.
	ModeAuto Mode = iota
	// ModeEnumerate keeps the list of surviving supports and evaluates every
	// query on each of them (exact; cost C(d, k) evaluations per query).
	ModeEnumerate
	// ModeStructured never enumerates the C(d, k) supports: survivors are
	// "all supports minus an explicit set of eliminated ones", counted
	// exactly while every query's distinguished set can be listed
	// (compositions), and bounded otherwise.
	ModeStructured
)

func (m Mode) String() string {
	switch m {
	case ModeEnumerate:
		return "enumerate"
	case ModeStructured:
		return "structured"
	}
	return "auto"
}

// ParseMode is the inverse of String.
func ParseMode(s string) (Mode, error) {
	switch s {
	case "auto", "":
		return ModeAuto, nil
	case "enumerate":
		return ModeEnumerate, nil
	case "structured":
		return ModeStructured, nil
	}
	return 0, fmt.Errorf("%w: accounting mode %q, want auto, enumerate or structured", ErrFamily, s)
}

// AdversaryOptions configure the adversary. Zero fields take the defaults.
type AdversaryOptions struct {
	Mode      Mode
	EnumLimit int64 // ModeAuto enumerates up to this many supports (default 500)
	// MaxCompositions caps the class compositions evaluated per query in
	// structured mode (default 20000); beyond it the proven bounds are used.
	MaxCompositions int
	// MaxExplicit caps the supports one query may eliminate and still be
	// recorded one by one (default 1<<20); beyond it the survivor count
	// becomes a bound.
	MaxExplicit int
	// MaxCandidates caps the supports the pruned enumeration evaluates
	// exactly for a dense query (default 100000); beyond it the Chebyshev
	// bound is used.
	MaxCandidates int
	Seed          uint64 // randomness of the witnesses and of the final choice
	Witnesses     int    // random supports tried when counting cannot certify a survivor (default 256)
	// OnRecord, when set, is called with every query's record as soon as
	// it is made; an error is returned by Answer (the game stops).
	OnRecord func(Record) error
	// DropRecords keeps no records in memory (Records returns nil), so that
	// the adversary's memory does not grow with the number of queries.
	DropRecords bool
}

// Record is the adversary's account of one query.
type Record struct {
	Seq   int     `json:"seq"`
	Query string  `json:"query"`
	Dim   int     `json:"dim"`
	Tau   float64 `json:"tau"` // the tolerance the adversary answered at (= EffectiveTol)
	// AskedTol is the tolerance the learner asked for and EffectiveTol the
	// one the query was answered at: higher when a tolerance floor
	// (oracle.WithMinTol, as in PlayGame) raised it. Without a floor both
	// are Tau.
	AskedTol     float64 `json:"asked_tol"`
	EffectiveTol float64 `json:"effective_tol"`
	Method       string  `json:"method"` // blind | enumeration | compositions | bound | forced
	// Eliminated is the number of surviving supports the answer ruled out:
	// exact when ElimKind is "exact", an upper bound when "upper-bound".
	Eliminated string `json:"eliminated"`
	ElimKind   string `json:"eliminated_kind"`
	// Lemma is the counting lemma's bound (1-2eta)^2 Dim E2/tau^2 (theory
	// §5.3, summed over the Dim coordinates) with E2 = B^2 the declared bound
	// on E_{D_0}[phi^2] (B^2/2 for a correlational query y h(x)).
	Lemma float64 `json:"lemma_bound"`
	// Survivors after the answer: exact, or a lower bound (with an upper
	// bound beside it).
	Survivors      string `json:"survivors"`
	SurvivorsKind  string `json:"survivors_kind"`
	SurvivorsUpper string `json:"survivors_upper"`
	Forced         bool   `json:"forced"` // D_0's value was inconsistent with every survivor
	Nanos          int64  `json:"ns"`
}

// visTerm is a term of the query that the parity can see: coefficient
// Coef (lambda(1) - lambda(0)) times a feature with a possibly nonzero
// correlation with chi_S.
type visTerm struct {
	c float64
	h *sq.Feature
}

// Adversary is the SQ lower-bound adversary for a parity family (theory
// §5.3): it answers every query with the null distribution's exact value
// E_{D_0}[phi] as long as that value is within the tolerance of E_{D_S}[phi]
// for some support S still consistent with every earlier answer, and keeps
// the set of such supports (the survivors). When no survivor allows the
// null value (forced), it answers with the value of the least revealing
// survivor, moved as close to the null value as the tolerance allows. It
// implements sq.Oracle, so any learner can play against it; Judge then
// picks, among the survivors, the truth that is worst for the learner's
// hypothesis.
//
// Accounting. For a query phi the distinguishing quantity of S is
// delta_S = E_{D_S}[phi] - E_{D_0}[phi] = a E[(phi(x,1) - phi(x,0)) chi_S(x)]
// (theory §4.4), and S is eliminated iff ||delta_S|| > tau (in the
// query's norm). delta_S depends only on the weights of the query on S and
// on the norm of the rest, so in structured mode the coordinates are grouped
// into classes of equal parameters, delta_S is evaluated once per
// composition (how many coordinates of S fall in each class), and the
// eliminated supports are counted exactly as sum prod_c C(n_c, k_c) and
// listed (Records say "compositions", exact). A dense query with many
// distinct weights has too many compositions; its eliminations are then
// bounded by the Bessel and product bounds of bounds.go (Records say
// "bound"; the count is exact, 0, when the bound on max_S ||delta_S|| is
// below tau, and an upper bound otherwise), and the survivor count becomes
// a lower bound. In enumeration mode every survivor is evaluated directly.
// The Adversary is not safe for concurrent use.
type Adversary struct {
	fam   *Family
	null  *World
	opt   AdversaryOptions
	total *big.Int
	lemma float64 // (1 - 2 eta)^2

	explicit bool    // survivors are the list alive
	alive    [][]int // explicit survivors (sorted supports)

	elim     supportSet // implicit mode: explicitly eliminated supports
	exact    bool       // implicit survivors = total - |elim| exactly
	lbSub    *big.Int   // implicit, inexact: sum of upper bounds of unlisted eliminations
	maxElim  *big.Int   // largest exact count of an unlisted elimination set
	pending  []pendingQuery
	records  []Record
	rng      *rand.Rand
	forced   int
	witnessN int
	// witness is a support certify proved consistent with every answer so
	// far (nil when none is known); certified says certify found it for the
	// query being answered. A known witness makes the survivor count's lower
	// bound at least 1 (the counting bound alone can reach 0).
	witness   []int
	certified bool
	nrec      int     // records made (kept or not)
	asked     float64 // the tolerance the learner asked for the query being answered (0: unknown, = tau)
}

// NewAdversary returns the adversary for the family. In ModeAuto it
// enumerates when C(d, k) <= EnumLimit.
func NewAdversary(f *Family, opt AdversaryOptions) (*Adversary, error) {
	if f.d > 65535 {
		return nil, fmt.Errorf("%w: dimension d = %d, the adversary handles d <= 65535", ErrFamily, f.d)
	}
	if opt.EnumLimit == 0 {
		opt.EnumLimit = 500
	}
	if opt.MaxCompositions == 0 {
		opt.MaxCompositions = 20000
	}
	if opt.MaxExplicit == 0 {
		opt.MaxExplicit = 1 << 20
	}
	if opt.MaxCandidates == 0 {
		opt.MaxCandidates = 100000
	}
	if opt.Witnesses == 0 {
		opt.Witnesses = 256
	}
	b := 1 - 2*f.eta
	a := &Adversary{fam: f, null: f.Null(), opt: opt, total: Binomial(f.d, f.k), lemma: b * b,
		elim: newSupportSet(), exact: true, lbSub: new(big.Int), maxElim: new(big.Int),
		rng: sq.Stream(opt.Seed, sq.KeyOracle, 0x5a11), witnessN: opt.Witnesses}
	mode := opt.Mode
	if mode == ModeAuto {
		mode = ModeStructured
		if a.total.IsInt64() && a.total.Int64() <= opt.EnumLimit {
			mode = ModeEnumerate
		}
	}
	if mode == ModeEnumerate {
		if !a.total.IsInt64() || a.total.Int64() > 50_000_000 {
			return nil, fmt.Errorf("%w: enumeration of C(%d, %d) = %s supports is too large (at most 5e7)", ErrFamily, f.d, f.k, a.total)
		}
		a.explicit = true
		a.alive = make([][]int, 0, a.total.Int64())
		forEachSubset(f.d, f.k, func(S []int) bool {
			a.alive = append(a.alive, slices.Clone(S))
			return true
		})
	}
	a.opt.Mode = mode
	return a, nil
}

// Name returns "parity-adversary(enumerate)" or "parity-adversary(structured)".
func (a *Adversary) Name() string { return "parity-adversary(" + a.opt.Mode.String() + ")" }

// Mode returns the accounting mode in use (never ModeAuto).
func (a *Adversary) Mode() Mode { return a.opt.Mode }

// Records returns the per-query accounts so far.
// (nil with DropRecords).
func (a *Adversary) Records() []Record { return slices.Clone(a.records) }

// Forced returns how many answers were forced away from the null value.
func (a *Adversary) Forced() int { return a.forced }

// Answer implements sq.Oracle.
func (a *Adversary) Answer(q *sq.Query, tau float64, ans []float64) error {
	start := time.Now()
	if err := sq.CheckRequest(q, tau, ans, a.fam.d); err != nil {
		return err
	}
	a.certified = false
	base := make([]float64, q.Dim)
	if err := a.fam.nullPart(q, base); err != nil {
		return err
	}
	vis, err := a.visible(q)
	if err != nil {
		return err
	}
	asked := a.asked
	if !(asked > 0) || asked > tau {
		asked = tau
	}
	rec := Record{Seq: a.nrec, Query: q.Name, Dim: q.Dim, Tau: tau, AskedTol: asked, EffectiveTol: tau,
		Lemma: a.lemma * float64(q.Dim) * q.BoundOrOne() * q.BoundOrOne() / (tau * tau)}
	if q.Class&sq.Correlational != 0 {
		// phi = y h with E[h^2] <= B^2: E_{D_0}[phi^2] = E[h^2]/2.
		rec.Lemma /= 2
	}
	// Numerical margin: survivors must be consistent with the answer even
	// after the quadrature's error.
	margin := tau * (1 - 1e-9)
	copy(ans[:q.Dim], base)
	switch {
	case len(vis) == 0:
		rec.Method, rec.Eliminated, rec.ElimKind = "blind", "0", "exact"
	case a.explicit:
		err = a.answerEnumerated(q, vis, base, margin, ans, &rec)
	default:
		err = a.answerStructured(q, vis, base, margin, ans, &rec)
		if errors.Is(err, ErrAdversary) && a.total.IsInt64() && a.total.Int64() <= materializeLimit {
			// The counts cannot certify a survivor: list the survivors (few
			// supports in all) and continue by enumeration. No state was
			// changed by the failed attempt.
			if err = a.materialize(); err == nil {
				rec.Method = ""
				copy(ans[:q.Dim], base)
				err = a.answerEnumerated(q, vis, base, margin, ans, &rec)
				rec.Method = "materialized"
			}
		}
	}
	if err != nil {
		return err
	}
	c := a.Survivors()
	rec.Survivors, rec.SurvivorsKind, rec.SurvivorsUpper = c.Lower.String(), c.Kind(), c.Upper.String()
	rec.Nanos = time.Since(start).Nanoseconds()
	a.nrec++
	if !a.opt.DropRecords {
		a.records = append(a.records, rec)
	}
	if a.opt.OnRecord != nil {
		if err := a.opt.OnRecord(rec); err != nil {
			return fmt.Errorf("hardness: record of query %d (%q): %w", rec.Seq, q.Name, err)
		}
	}
	return nil
}

// visible returns the terms of q whose correlation with chi_S can be
// nonzero, or an error wrapping sq.ErrNotExact for terms it cannot compute.
func (a *Adversary) visible(q *sq.Query) ([]visTerm, error) {
	k := a.fam.k
	var out []visTerm
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Joint != nil {
			return nil, fmt.Errorf("%w: query %q term %d: joint terms G(Ux, y) have no exact parity correlation", sq.ErrNotExact, q.Name, j)
		}
		l0, l1 := labelPair(&t.Label)
		c := t.Coef * (l1 - l0)
		if c == 0 {
			continue
		}
		h := &t.Feature
		switch h.Kind {
		case sq.FeatOne:
			continue
		case sq.FeatLinear:
			if k >= 2 {
				continue
			}
		case sq.FeatStep:
			if k%2 == 0 {
				continue
			}
		case sq.FeatRelu2, sq.FeatReluX:
			if k >= 4 {
				continue
			}
		case sq.FeatRidge, sq.FeatFunc:
			return nil, fmt.Errorf("%w: query %q term %d: feature %s has no exact correlation with the parity", sq.ErrNotExact, q.Name, j, h.Kind)
		}
		out = append(out, visTerm{c: c, h: h})
	}
	return out, nil
}

// delta writes delta_S = a sum_t c_t E[h_t chi_S] into out and returns its
// error bound.
func (a *Adversary) delta(S []int, q *sq.Query, vis []visTerm, out []float64) (float64, error) {
	for i := range out {
		out[i] = 0
	}
	tmp := make([]float64, q.Dim)
	amp := a.fam.A()
	eb := 0.0
	for _, t := range vis {
		e, err := a.fam.featureParity(t.h, S, tmp)
		if err != nil {
			return 0, err
		}
		for i := range out {
			out[i] += amp * t.c * tmp[i]
		}
		eb += amp * math.Abs(t.c) * e
	}
	return eb, nil
}

// dist returns ||u - v|| in the query's norm.
func dist(u, v []float64, n sq.Norm) float64 {
	if n == sq.EuclidNorm && len(u) > 1 {
		s := 0.0
		for i := range u {
			d := u[i] - v[i]
			s += d * d
		}
		return math.Sqrt(s)
	}
	m := 0.0
	for i := range u {
		if d := math.Abs(u[i] - v[i]); d > m || math.IsNaN(d) {
			m = d
		}
	}
	return m
}

// clampToward moves v (in place) to the point nearest to it within r of
// center, in the norm n.
func clampToward(v, center []float64, n sq.Norm, r float64) {
	if n == sq.EuclidNorm && len(v) > 1 {
		dd := dist(v, center, n)
		if dd <= r {
			return
		}
		for i := range v {
			v[i] = center[i] + (v[i]-center[i])*r/dd
		}
		return
	}
	for i := range v {
		v[i] = math.Max(center[i]-r, math.Min(center[i]+r, v[i]))
	}
}

// answerEnumerated evaluates every survivor.
func (a *Adversary) answerEnumerated(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, rec *Record) error {
	rec.Method = "enumeration"
	m, err := a.measure(q, vis, a.alive, margin)
	if err != nil {
		return err
	}
	answer := ans[:q.Dim]
	if m.consistent == 0 && len(a.alive) > 0 {
		// Forced: answer with the least revealing survivor's value moved
		// toward the null value.
		rec.Forced = true
		a.forced++
		m.force(answer, base, q, margin)
	}
	kept := m.keep(a.alive, base, answer, q, margin)
	elim := len(a.alive) - len(kept)
	a.alive = kept
	if len(a.alive) == 0 {
		return fmt.Errorf("%w: no support survives query %q", ErrAdversary, q.Name)
	}
	rec.Eliminated, rec.ElimKind = fmt.Sprint(elim), "exact"
	return nil
}

// measured holds, for a list of candidate supports, the exact shift
// E_{D_S}[phi] - E_{D_0}[phi] of each and its error bound, the least
// revealing candidate (smallest shift plus error, ties broken by lexLess)
// and how many candidates the null answer keeps consistent.
type measured struct {
	deltas     [][]float64
	errs       []float64
	best       int
	consistent int
}

// measure computes the shifts of the candidates (the shared core of the
// enumerated and the forced answers).
func (a *Adversary) measure(q *sq.Query, vis []visTerm, cands [][]int, margin float64) (measured, error) {
	m := measured{deltas: make([][]float64, len(cands)), errs: make([]float64, len(cands))}
	zero := make([]float64, q.Dim)
	bestNorm := math.Inf(1)
	for i, S := range cands {
		d := make([]float64, q.Dim)
		eb, err := a.delta(S, q, vis, d)
		if err != nil {
			return m, err
		}
		m.deltas[i], m.errs[i] = d, eb
		n := dist(d, zero, q.TolNorm) + eb
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return m, fmt.Errorf("%w: query %q: the exact value under support %v is not finite (its weights are beyond what can be computed)", ErrAdversary, q.Name, S)
		}
		if n <= margin {
			m.consistent++
		}
		if n < bestNorm || (n == bestNorm && lexLess(S, cands[m.best])) {
			m.best, bestNorm = i, n
		}
	}
	return m, nil
}

// force sets answer to the least revealing candidate's value moved toward
// the null value base, as far as keeps that candidate consistent.
func (m *measured) force(answer, base []float64, q *sq.Query, margin float64) {
	truth := make([]float64, q.Dim)
	for i := range truth {
		truth[i] = base[i] + m.deltas[m.best][i]
	}
	clampToward(answer, truth, q.TolNorm, (margin-m.errs[m.best])*(1-1e-9))
}

// keep returns the candidates consistent with answer (a new slice).
func (m *measured) keep(cands [][]int, base, answer []float64, q *sq.Query, margin float64) [][]int {
	var kept [][]int
	val := make([]float64, q.Dim)
	for i, S := range cands {
		for j := range val {
			val[j] = base[j] + m.deltas[i][j]
		}
		if dist(val, answer, q.TolNorm)+m.errs[i] <= margin {
			kept = append(kept, S)
		}
	}
	return kept
}

// answerStructured counts eliminations by compositions or by bounds.
func (a *Adversary) answerStructured(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, rec *Record) error {
	k := a.fam.k
	// 1. A query along one weight vector: pruned enumeration (exact when
	// it completes; cheap when even the k largest weights are below tau).
	if B, w, ok := supportBound(vis, a.fam.A(), k, q.TolNorm); ok {
		cands, complete := prunedCandidates(B, w, k, margin, a.opt.MaxCandidates)
		if complete {
			return a.answerPruned(q, vis, base, margin, ans, cands, rec)
		}
	}
	// 2. Few classes of equal parameters: compositions (exact).
	cl := a.classify(vis)
	limit := a.opt.MaxCompositions
	if k == 1 {
		limit = max(limit, a.fam.d)
	}
	nComp := limit + 1
	if len(cl.sizes) <= limit || k == 1 {
		// More than limit classes give more than limit compositions (k < d).
		nComp = countCompositions(cl.sizes, k, limit)
	}
	// 3. Otherwise the proven bounds.
	if nComp > limit {
		return a.answerBounded(q, vis, base, margin, ans, rec)
	}
	return a.answerCompositions(q, vis, base, margin, ans, cl, rec)
}

// answerPruned answers a query whose pruned enumeration completed: every
// support outside cands is proven undistinguished, and the surviving
// candidates are evaluated exactly.
func (a *Adversary) answerPruned(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, cands [][]int, rec *Record) error {
	rec.Method = "pruned"
	zero := make([]float64, q.Dim)
	dl := make([]float64, q.Dim)
	var gone [][]int
	for _, S := range cands {
		if a.elim.has(S) {
			continue
		}
		eb, err := a.delta(S, q, vis, dl)
		if err != nil {
			return err
		}
		if dist(dl, zero, q.TolNorm)+eb > margin {
			gone = append(gone, S)
		}
	}
	return a.applyExplicit(q, vis, base, margin, ans, gone, rec)
}

// answerCompositions answers a query whose visible terms fall into few
// classes of equal parameters: one exact evaluation per composition of k
// over the classes, each standing for its multiplicity of supports.
func (a *Adversary) answerCompositions(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, cl classes, rec *Record) error {
	k := a.fam.k
	rec.Method = "compositions"
	cl.fill()
	zero := make([]float64, q.Dim)
	var comps []*composition
	var firstErr error
	compositions(cl, k, func(cls, ks []int) {
		if firstErr != nil {
			return
		}
		c := &composition{cls: slices.Clone(cls), ks: slices.Clone(ks), mult: big.NewInt(1)}
		for i, cc := range cls {
			c.mult.Mul(c.mult, Binomial(len(cl.members[cc]), ks[i]))
			c.rep = append(c.rep, cl.members[cc][:ks[i]]...)
		}
		slices.Sort(c.rep)
		c.dlt = make([]float64, q.Dim)
		eb, err := a.delta(c.rep, q, vis, c.dlt)
		if err != nil {
			firstErr = err
			return
		}
		c.err = eb
		c.norm = dist(c.dlt, zero, q.TolNorm) + eb
		comps = append(comps, c)
	})
	if firstErr != nil {
		return firstErr
	}
	elimMult := new(big.Int)
	var elimComps []*composition
	for _, c := range comps {
		if c.norm > margin {
			elimMult.Add(elimMult, c.mult)
			elimComps = append(elimComps, c)
		}
	}
	if elimMult.Sign() == 0 {
		rec.Eliminated, rec.ElimKind = "0", "exact"
		return nil
	}
	if elimMult.IsInt64() && elimMult.Int64() <= int64(a.opt.MaxExplicit) {
		var gone [][]int
		for _, c := range elimComps {
			expand(cl, c.cls, c.ks, func(S []int) { gone = append(gone, S) })
		}
		return a.applyExplicit(q, vis, base, margin, ans, gone, rec)
	}
	// Too many to list: the count is exact for this query, but the union
	// with earlier eliminations is not tracked, so survivors become bounds.
	surv := a.Survivors()
	if new(big.Int).Sub(surv.Lower, elimMult).Sign() <= 0 {
		if err := a.certify(q, vis, base, margin); err != nil {
			return err
		}
	}
	a.markInexact(q, vis, base, ans, margin, elimMult, elimMult)
	rec.Eliminated, rec.ElimKind = elimMult.String(), "upper-bound"
	return nil
}

// answerBounded handles a query with too many compositions by the proven
// bounds of bounds.go.
func (a *Adversary) answerBounded(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, rec *Record) error {
	rec.Method = "bound"
	d, k := a.fam.d, a.fam.k
	amp := a.fam.A()
	sumRoot, maxB := 0.0, 0.0
	for _, t := range vis {
		b := featureBound(t.h, d, k, q.TolNorm)
		sumRoot += math.Abs(t.c) * math.Sqrt(b.sumSq)
		maxB += math.Abs(t.c) * b.max
	}
	sumRoot *= amp
	maxB *= amp
	if maxB <= margin {
		// No support can be distinguished: exactly zero eliminations.
		rec.Eliminated, rec.ElimKind = "0", "exact"
		return nil
	}
	ubF := math.Floor(sumRoot * sumRoot / (margin * margin) * (1 + 1e-9))
	ub := new(big.Int)
	if ubF >= 1e300 || math.IsInf(ubF, 0) || math.IsNaN(ubF) {
		ub.Set(a.total)
	} else {
		new(big.Float).SetFloat64(ubF).Int(ub)
		if ub.Cmp(a.total) > 0 {
			ub.Set(a.total)
		}
	}
	if ub.Sign() == 0 {
		rec.Eliminated, rec.ElimKind = "0", "exact"
		return nil
	}
	surv := a.Survivors()
	if new(big.Int).Sub(surv.Lower, ub).Sign() <= 0 {
		if err := a.certify(q, vis, base, margin); err != nil {
			return err
		}
	}
	a.markInexact(q, vis, base, ans, margin, ub, new(big.Int))
	rec.Eliminated, rec.ElimKind = ub.String(), "upper-bound"
	return nil
}

// forcedAnswer handles a query that distinguishes every survivor (all of
// them listed in cands): it answers with the least revealing one's value
// moved toward the null value, and keeps the consistent candidates as an
// explicit survivor list.
func (a *Adversary) forcedAnswer(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, cands [][]int, rec *Record) error {
	if len(cands) == 0 {
		return fmt.Errorf("%w: query %q: no candidate support to force the answer toward", ErrAdversary, q.Name)
	}
	rec.Method, rec.Forced = "forced", true
	a.forced++
	m, err := a.measure(q, vis, cands, margin)
	if err != nil {
		return err
	}
	answer := ans[:q.Dim]
	m.force(answer, base, q, margin)
	kept := m.keep(cands, base, answer, q, margin)
	rec.Eliminated, rec.ElimKind = fmt.Sprint(len(cands)-len(kept)), "exact"
	a.explicit = true
	a.alive = kept
	a.elim = newSupportSet()
	return nil
}
