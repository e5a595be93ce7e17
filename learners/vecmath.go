package learners

import (
	"fmt"
	"math"
)

// Small vector helpers shared by the learners of this package. Their names
// are prefixed with v so that they do not collide with a learner's own.

// tolOK returns an ErrOption error naming the learner unless tol is a
// positive finite number.
func tolOK(learner string, tol float64) error {
	if !(tol > 0) || math.IsInf(tol, 0) {
		return fmt.Errorf("%w: %s: tol = %v, want a finite tolerance > 0", ErrOption, learner, tol)
	}
	return nil
}

// vDot returns a.b, summed left to right. It is kept rather than
// gonum's floats.Dot, whose amd64 kernel sums in four interleaved lanes:
// a different rounding, which would change the learners' queries in the
// last bits and so every trace (tests: the Golden and Trace tests).
// Norms use gauss.Norm, which sums the squares in the same order (so it is
// bit-identical to sqrt(vDot(a, a)) wherever that neither overflows nor
// underflows) and is exact where it would.
func vDot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// vScaled returns c*a in a new slice.
func vScaled(c float64, a []float64) []float64 {
	out := make([]float64, len(a))
	for i, v := range a {
		out[i] = c * v
	}
	return out
}
