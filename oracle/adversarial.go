package oracle

import (
	"fmt"

	"github.com/sqsim/sqsim/sq"
)

// AdversarialOracle answers with the expectation under a reference world
// whenever it lies within the tolerance of the truth, and otherwise with the
// value nearest to the reference that does (coordinate-wise clamping, or the
// projection onto the ball for a Euclidean tolerance). It is the oracle of
// SQ lower bounds: it reveals nothing that distinguishes the truth from the
// reference unless the query forces it to.
type AdversarialOracle struct {
	truth, ref sq.Expecter
	d          int
	hidden     int // answers that were exactly the reference's value
	forced     int // answers the tolerance forced away from the reference
}

// Adversarial returns the adversarial oracle of truth against reference.
// Both worlds must have the same dimension.
// A nil world, or a dimension < 1, is an error wrapping ErrOracle.
func Adversarial(truth, reference sq.Expecter) (*AdversarialOracle, error) {
	dt, err := worldDim(truth, "adversarial (truth)")
	if err != nil {
		return nil, err
	}
	dr, err := worldDim(reference, "adversarial (reference)")
	if err != nil {
		return nil, err
	}
	if dt != dr {
		return nil, fmt.Errorf("%w: adversarial: the truth has dimension %d and the reference %d", ErrOracle, dt, dr)
	}
	return &AdversarialOracle{truth: truth, ref: reference, d: dt}, nil
}

// Name returns "adversarial".
func (o *AdversarialOracle) Name() string { return "adversarial" }

// Stats returns how many answers were the reference's value and how many
// the tolerance forced toward the truth.
func (o *AdversarialOracle) Stats() (hidden, forced int) { return o.hidden, o.forced }

// Answer writes the reference's value, clamped to within tau of the truth.
func (o *AdversarialOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := checkQuery(q, tau, ans, o.d); err != nil {
		return err
	}
	if err := checkDegrees(q); err != nil {
		return err
	}
	truth := make([]float64, q.Dim)
	eb, err := o.truth.Expect(q, truth)
	if err != nil {
		return err
	}
	if err := checkAnswer(q, eb, truth); err != nil {
		return err
	}
	ebRef, err := o.ref.Expect(q, ans)
	if err != nil {
		return err
	}
	if err := checkAnswer(q, ebRef, ans[:q.Dim]); err != nil {
		return fmt.Errorf("reference world: %w", err)
	}
	margin := tau - eb
	if !(margin > 0) {
		return fmt.Errorf("%w: query %q: numerical error %.3g leaves no room within the tolerance %.3g", sq.ErrNotExact, q.Name, eb, tau)
	}
	if clampTo(ans[:q.Dim], truth, q.TolNorm, margin) {
		o.forced++
	} else {
		o.hidden++
	}
	return nil
}

// clampTo moves v to the nearest point within margin of center (in the
// tolerance's norm) and reports whether it had to move.
func clampTo(v, center []float64, norm sq.Norm, margin float64) bool {
	e := make([]float64, len(v))
	moved := false
	if norm == sq.EuclidNorm && len(v) > 1 {
		n := euclid(v, center)
		if n <= margin {
			return false
		}
		for i := range v {
			e[i] = (v[i] - center[i]) * margin / n
		}
		moved = true
	} else {
		for i := range v {
			e[i] = v[i] - center[i]
			if e[i] > margin {
				e[i], moved = margin, true
			} else if e[i] < -margin {
				e[i], moved = -margin, true
			}
		}
		if !moved {
			return false
		}
	}
	copy(v, center)
	perturb(v, e, norm, margin)
	return true
}
