package world

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq/gauss"
)

// Lifted is the agnostic world of the corruption "lift": y = min(1,
// relu(w*.x)) except on the region {-q ||w*|| < w*.x <= 0} holding a
// fraction frac in [0, 0.5] of the Gaussian mass just below the kink, where
// the label is lifted from 0 to 1. Corrupted corrupts the side where
// the ReLU is active, so the labels still vanish where w*.x <= 0 and the
// Chow vector 2 E[y x] is then exactly the best ReLU along w*; here the
// corruption sits where every ReLU near w* predicts 0, pulls E[y x] away
// from the best ReLU, and separates the learners. It is a MultiIndex
// model with one direction (so every exact route of the single-index
// worlds applies), named "agnostic" (bench's harness builds it for --world
// agnostic --corruption lift).
func Lifted(wstar []float64, frac float64) (*Model, error) {
	if !(frac >= 0 && frac <= 0.5) {
		return nil, fmt.Errorf("%w: agnostic: corrupted fraction %v, want a number in [0, 0.5]", ErrModel, frac)
	}
	nw := gauss.Norm(wstar)
	if nw == 0 || math.IsNaN(nw) || math.IsInf(nw, 0) {
		return nil, fmt.Errorf("%w: agnostic: w* = %v has no direction to corrupt along", ErrModel, wstar)
	}
	// The region in s = w*.x: (-q nw, 0] with Phi(0) - Phi(-q) = frac.
	lo := math.Inf(-1)
	if frac < 0.5 {
		lo = math.Sqrt2 * math.Erfinv(2*frac) * -nw
	}
	f := func(s []float64) float64 {
		if s[0] > lo && s[0] <= 0 {
			return 1
		}
		return math.Min(1, math.Max(0, s[0]))
	}
	kinks := []Hyper{{A: []float64{1}, C: 0}, {A: []float64{1}, C: 1}}
	if !math.IsInf(lo, 0) {
		kinks = append(kinks, Hyper{A: []float64{1}, C: lo})
	}
	m, err := MultiIndex("agnostic", [][]float64{wstar}, f, kinks, Noise{}, 0, 1)
	if err != nil {
		return nil, err
	}
	return m, nil
}
