package hardness

import (
	"fmt"
	"math"
	"slices"

	"github.com/sqsim/sqsim/sq"
)

// Verdict is the end of a game: the truth the adversary picks among the
// survivors and how the hypothesis fares on it.
type Verdict struct {
	Support    []int   `json:"support"`    // the chosen truth S
	Loss       float64 `json:"loss"`       // L_S(h), exact
	OptS       float64 `json:"optS"`       // opt_S computed with kappa_k
	Eps        float64 `json:"eps"`        // Gap/2
	Identified bool    `json:"identified"` // Loss <= OptS + Eps
	Examined   int     `json:"examined"`   // survivors examined to pick the truth
	Exhaustive bool    `json:"exhaustive"` // every survivor was examined
	GoodFor    int     `json:"good_for"`   // examined survivors on which h is (optS+eps)-good
	Note       string  `json:"note,omitempty"`
}

// Judge picks the truth among the survivors: the one on which the ReLU
// hypothesis h has the largest exact loss. With an explicit survivor list
// (or at most 1e5 exact survivors among at most 2e7 supports) every
// survivor is examined; otherwise up to 64 random survivors (found by
// rejection, from the adversary's seed). The learner identified S when the
// loss is at most opt_S + Gap/2. A hypothesis with a non-finite weight, or
// with a non-finite loss on a survivor, has identified nothing (Identified
// false, with a Note).
func (a *Adversary) Judge(h sq.Hypothesis) (Verdict, error) {
	land, err := NewLandscape(a.fam.k, a.fam.eta)
	if err != nil {
		return Verdict{}, err
	}
	v := Verdict{OptS: land.OptS, Eps: land.Eps, Loss: math.NaN()}
	relu, note := a.judgeable(h)
	if note != "" {
		v.Note = note
		return v, nil
	}
	cands, exhaustive, err := a.judgeCandidates()
	if err != nil {
		return v, err
	}
	v.Exhaustive = exhaustive
	if len(cands) == 0 {
		return v, fmt.Errorf("%w: no surviving support found to judge the hypothesis", ErrAdversary)
	}
	worst := math.Inf(-1)
	for i, S := range cands {
		w, err := a.fam.Planted(S)
		if err != nil {
			return v, err
		}
		l, _, err := w.Loss(relu.W)
		if err != nil {
			return v, err
		}
		if math.IsNaN(l) || math.IsInf(l, 0) {
			// Not identified: the worst case is unbounded (or undefined).
			v.Loss, v.Support, v.Examined = l, slices.Clone(S), i+1
			v.Note = fmt.Sprintf("the loss of the hypothesis on S = %v is %v; it has not identified anything", S, l)
			return v, nil
		}
		if l <= land.OptS+land.Eps {
			v.GoodFor++
		}
		if l > worst {
			worst, v.Support = l, slices.Clone(S)
		}
	}
	v.Examined = len(cands)
	v.Loss = worst
	v.Identified = worst <= land.OptS+land.Eps
	return v, nil
}

// judgeable returns h as a ReLU of the family's dimension, or a note saying
// why it cannot be judged identified (not a ReLU, a non-finite weight, or
// a weight beyond MaxWeight).
func (a *Adversary) judgeable(h sq.Hypothesis) (sq.ReLU, string) {
	relu, ok := h.(sq.ReLU)
	if !ok {
		if p, ok2 := h.(*sq.ReLU); ok2 && p != nil {
			relu, ok = *p, true
		}
	}
	if !ok || len(relu.W) != a.fam.d {
		return relu, fmt.Sprintf("hypothesis %T is not a ReLU of dimension %d; it cannot be scored", h, a.fam.d)
	}
	for i, w := range relu.W {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			// A non-finite hypothesis has identified nothing; its loss is
			// not a number to compare (and the quadrature would not end).
			return relu, fmt.Sprintf("the hypothesis has a non-finite weight w[%d] = %v; it has not identified anything", i, w)
		}
		if math.Abs(w) > MaxWeight {
			// Its loss is at least ||w||^2/2 - 2||w|| > 1e299 (labels in
			// [0, 1]): far above opt_S + eps, and beyond what the exact
			// route computes.
			return relu, fmt.Sprintf("the hypothesis has a weight w[%d] = %v beyond %g: its loss exceeds 1e299; it has not identified anything", i, w, MaxWeight)
		}
	}
	return relu, ""
}

// judgeCandidates returns the survivors the judge examines: all of them
// when they are listed or few enough to enumerate (exhaustive), else up to
// 64 random survivors (from 64^2 tries).
func (a *Adversary) judgeCandidates() (cands [][]int, exhaustive bool, err error) {
	surv := a.Survivors()
	switch {
	case a.explicit:
		return a.alive, true, nil
	case surv.Exact && surv.Lower.IsInt64() && surv.Lower.Int64() <= 100000 && a.total.IsInt64() && a.total.Int64() <= 20_000_000:
		forEachSubset(a.fam.d, a.fam.k, func(S []int) bool {
			if !a.elim.has(S) {
				cands = append(cands, slices.Clone(S))
			}
			return true
		})
		return cands, true, nil
	}
	for try := 0; try < 64*64 && len(cands) < 64; try++ {
		S := sq.RandomSubset(a.rng, a.fam.d, a.fam.k)
		ok, err := a.survives(S)
		if err != nil {
			return nil, false, err
		}
		if ok {
			cands = append(cands, S)
		}
	}
	return cands, false, nil
}
