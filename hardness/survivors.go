package hardness

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/sqsim/sqsim/sq"
)

// pendingQuery is a query whose eliminations were only bounded: a support
// survives it iff it is consistent with the answer given.
type pendingQuery struct {
	q       *sq.Query
	tau     float64
	base    []float64 // E_{D_0}[phi]
	answer  []float64
	visible []visTerm
}

// Count is a number of surviving supports: exact (Lower == Upper), or a
// lower and an upper bound.
type Count struct {
	Lower, Upper *big.Int
	Exact        bool
}

// Kind returns "exact" or "lower-bound".
func (c Count) Kind() string {
	if c.Exact {
		return "exact"
	}
	return "lower-bound"
}

// Survivors returns the number of supports consistent with every answer.
func (a *Adversary) Survivors() Count {
	if a.explicit {
		n := big.NewInt(int64(len(a.alive)))
		return Count{Lower: n, Upper: n, Exact: true}
	}
	base := new(big.Int).Sub(a.total, big.NewInt(int64(a.elim.len())))
	if a.exact {
		return Count{Lower: base, Upper: new(big.Int).Set(base), Exact: true}
	}
	lo := new(big.Int).Sub(base, a.lbSub)
	if lo.Sign() < 0 {
		lo.SetInt64(0)
	}
	if lo.Sign() == 0 && a.witness != nil {
		// certify exhibited a support consistent with every answer.
		lo.SetInt64(1)
	}
	hi := new(big.Int).Set(base)
	if alt := new(big.Int).Sub(a.total, a.maxElim); alt.Cmp(hi) < 0 {
		hi = alt
	}
	return Count{Lower: lo, Upper: hi}
}

// applyExplicit removes the listed distinguished supports gone (a superset
// of those still alive that q distinguishes; the ones already eliminated
// are skipped) from the survivors, handling the forced case.
func (a *Adversary) applyExplicit(q *sq.Query, vis []visTerm, base []float64, margin float64, ans []float64, gone [][]int, rec *Record) error {
	var fresh [][]int
	for _, S := range gone {
		if !a.elim.has(S) {
			fresh = append(fresh, S)
		}
	}
	surv := a.Survivors()
	if a.exact && big.NewInt(int64(len(fresh))).Cmp(surv.Lower) == 0 {
		// Every survivor is distinguished: forced.
		return a.forcedAnswer(q, vis, base, margin, ans, fresh, rec)
	}
	if !a.exact && new(big.Int).Sub(surv.Lower, big.NewInt(int64(len(fresh)))).Sign() <= 0 {
		if err := a.certify(q, vis, base, margin); err != nil {
			return err
		}
	}
	if !a.certified && len(fresh) > 0 {
		a.witness = nil // not checked against this query
	}
	for _, S := range fresh {
		a.elim.add(S)
	}
	rec.Eliminated, rec.ElimKind = fmt.Sprint(len(fresh)), "exact"
	return nil
}

// markInexact records a query whose eliminations are not listed: ub bounds
// them from above, lb (possibly 0) from below.
func (a *Adversary) markInexact(q *sq.Query, vis []visTerm, base, ans []float64, margin float64, ub, lb *big.Int) {
	a.exact = false
	if !a.certified {
		a.witness = nil // not checked against this query
	}
	a.lbSub.Add(a.lbSub, ub)
	if lb.Cmp(a.maxElim) > 0 {
		a.maxElim.Set(lb)
	}
	a.pending = append(a.pending, pendingQuery{q: q, tau: margin, base: slices.Clone(base), answer: slices.Clone(ans[:q.Dim]), visible: vis})
}

// certify looks for a witness: a random support that survives every earlier
// answer and is consistent with the null answer to q. It returns
// ErrAdversary when none of the tried supports qualifies.
func (a *Adversary) certify(q *sq.Query, vis []visTerm, base []float64, margin float64) error {
	zero := make([]float64, q.Dim)
	d := make([]float64, q.Dim)
	for try := 0; try < a.witnessN; try++ {
		S := sq.RandomSubset(a.rng, a.fam.d, a.fam.k)
		ok, err := a.survives(S)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		eb, err := a.delta(S, q, vis, d)
		if err != nil {
			return err
		}
		if dist(d, zero, q.TolNorm)+eb <= margin {
			a.witness, a.certified = slices.Clone(S), true
			return nil
		}
	}
	return fmt.Errorf("%w: query %q: the survivor count cannot exclude that every support is distinguished, and none of %d random supports survives it", ErrAdversary, q.Name, a.witnessN)
}

// materializeLimit is the largest C(d, k) for which a structured adversary
// that cannot certify a survivor lists the survivors and switches to
// enumeration. Listing costs one check per support against every bounded
// query, about a minute of CPU at C(512, 2) = 130816 for gd's gradient
// queries (each check a Dawson quadrature); beyond the limit the adversary
// reports ErrAdversary instead. (At 50000 the gd game at d = 512, k = 2,
// tau = 1e-3 failed: its gradient queries distinguish almost every support,
// as bound_queries = 0.13 < 1 allows, and no random witness survived.)
const materializeLimit = 1 << 18

// materialize replaces the implicit survivor set by the explicit list of
// supports consistent with every answer so far.
func (a *Adversary) materialize() error {
	var alive [][]int
	var firstErr error
	forEachSubset(a.fam.d, a.fam.k, func(S []int) bool {
		ok, err := a.survives(S)
		if err != nil {
			firstErr = err
			return false
		}
		if ok {
			alive = append(alive, slices.Clone(S))
		}
		return true
	})
	if firstErr != nil {
		return firstErr
	}
	if len(alive) == 0 {
		return fmt.Errorf("%w: no support is consistent with every answer", ErrAdversary)
	}
	a.explicit, a.alive = true, alive
	a.elim, a.pending, a.exact = newSupportSet(), nil, true
	a.witness = nil
	a.lbSub.SetInt64(0)
	a.maxElim.SetInt64(0)
	return nil
}

// survives reports whether S is consistent with every answer so far.
func (a *Adversary) survives(S []int) (bool, error) {
	if a.explicit {
		key := supportKey(S)
		for _, T := range a.alive {
			if supportKey(T) == key {
				return true, nil
			}
		}
		return false, nil
	}
	if a.elim.has(S) {
		return false, nil
	}
	for i := range a.pending {
		p := &a.pending[i]
		d := make([]float64, p.q.Dim)
		eb, err := a.delta(S, p.q, p.visible, d)
		if err != nil {
			return false, err
		}
		for j := range d {
			d[j] += p.base[j]
		}
		if dist(d, p.answer, p.q.TolNorm)+eb > p.tau {
			return false, nil
		}
	}
	return true, nil
}
