package hardness

import (
	"fmt"
	"math/rand/v2"

	"github.com/sqsim/sqsim/sq"
)

// TolWatch is the oracle a game puts between its ledger and its tolerance
// floor (Adversary.WatchTol): it tells the adversary the tolerance the
// learner asked for (the adversary itself sees only the effective one, so
// that its records carry both) and keeps the game's tolerance statistics.
type TolWatch struct {
	inner         sq.Oracle
	adv           *Adversary
	minAsked      float64
	minEff        float64
	raised, count int
	name          string // the name of inner, read once (the session asks it for every query)
}

// WatchTol returns the TolWatch over inner, the oracle stack (e.g. a
// tolerance floor) whose base is a.
func (a *Adversary) WatchTol(inner sq.Oracle) *TolWatch { return &TolWatch{inner: inner, adv: a} }

// Name returns the name of the oracle below, read on the first call (the
// oracles a game stacks, the floor and the adversary, have fixed names).
func (o *TolWatch) Name() string {
	if o.name == "" {
		o.name = o.inner.Name()
	}
	return o.name
}

// EffectiveTol forwards the tolerance floor of the oracle below.
func (o *TolWatch) EffectiveTol(tau float64) float64 { return sq.EffectiveTol(o.inner, tau) }

// Answer answers through the oracle below, telling the adversary tau.
func (o *TolWatch) Answer(q *sq.Query, tau float64, ans []float64) error {
	eff := sq.EffectiveTol(o.inner, tau)
	o.adv.asked = tau
	err := o.inner.Answer(q, tau, ans)
	o.adv.asked = 0
	if err != nil {
		return err
	}
	if o.count == 0 || tau < o.minAsked {
		o.minAsked = tau
	}
	if o.count == 0 || eff < o.minEff {
		o.minEff = eff
	}
	o.count++
	if eff > tau {
		o.raised++
	}
	return nil
}

// Stats returns the smallest tolerance asked for and the smallest answered
// at (0 when no query was answered), and how many queries the floor raised.
func (o *TolWatch) Stats() (minAsked, minEffective float64, raised int) {
	return o.minAsked, o.minEff, o.raised
}

// RandomSupport draws a uniform support of the family (a k-subset of
// [0, d), sorted) from r.
func (f *Family) RandomSupport(r *rand.Rand) ([]int, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: RandomSupport with a nil random stream", ErrFamily)
	}
	return sq.RandomSubset(r, f.d, f.k), nil
}
