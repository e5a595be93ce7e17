package oracle

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sqsim/sqsim/sq"
)

// NoiseKind is the distribution of a Noisy oracle's error.
type NoiseKind uint8

// The noise distributions.
const (
	// Uniform: each coordinate's error is uniform in [-tau, tau] (for a
	// Euclidean tolerance, the error is uniform in the ball of radius tau).
	Uniform NoiseKind = iota
	// GaussianClipped: each coordinate's error is N(0, (tau/2)^2) clipped to
	// [-tau, tau] (for a Euclidean tolerance, a Gaussian vector of the same
	// per-coordinate scale, shrunk onto the ball of radius tau when it leaves it).
	GaussianClipped
)

func (k NoiseKind) String() string {
	if k == GaussianClipped {
		return "gaussian"
	}
	return "uniform"
}

// NoisyOracle answers the exact expectation plus random noise that never
// leaves the tolerance: the margin used is tau minus the exact value's
// numerical error bound.
type NoisyOracle struct {
	w    sq.Expecter
	d    int
	kind NoiseKind
	r    *rand.Rand
	err  error // set for a nil world or a dimension < 1
}

// Noisy returns the random-noise oracle of w whose noise comes from the
// stream sq.Stream(seed, sq.KeyOracle). For a nil world (or one of
// dimension < 1) the oracle's every Answer returns an error wrapping
// ErrOracle.
func Noisy(w sq.Expecter, kind NoiseKind, seed uint64) *NoisyOracle {
	d, err := worldDim(w, "noise")
	return &NoisyOracle{w: w, d: d, kind: kind, r: sq.Stream(seed, sq.KeyOracle), err: err}
}

// Name returns "noise(uniform)" or "noise(gaussian)".
func (o *NoisyOracle) Name() string { return "noise(" + o.kind.String() + ")" }

// Answer writes E[phi] + e with e random and within the tolerance.
func (o *NoisyOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if o.err != nil {
		return o.err
	}
	if err := checkQuery(q, tau, ans, o.d); err != nil {
		return err
	}
	if err := checkDegrees(q); err != nil {
		return err
	}
	eb, err := o.w.Expect(q, ans)
	if err != nil {
		return err
	}
	if err := checkAnswer(q, eb, ans[:q.Dim]); err != nil {
		return err
	}
	margin := tau - eb
	if !(margin > 0) {
		return fmt.Errorf("%w: query %q: numerical error %.3g leaves no room within the tolerance %.3g", sq.ErrNotExact, q.Name, eb, tau)
	}
	addNoise(o.r, o.kind, q.TolNorm, margin, ans[:q.Dim])
	return nil
}

func addNoise(r *rand.Rand, kind NoiseKind, norm sq.Norm, margin float64, v []float64) {
	e := make([]float64, len(v))
	if norm == sq.EuclidNorm && len(v) > 1 {
		n := 0.0
		for i := range e {
			e[i] = r.NormFloat64()
			n += e[i] * e[i]
		}
		n = math.Sqrt(n)
		var scale float64
		if kind == Uniform {
			// Uniform in the ball: radius margin * U^(1/m) along a uniform direction.
			scale = margin * math.Pow(r.Float64(), 1/float64(len(v))) / n
		} else {
			sc := margin / (2 * math.Sqrt(float64(len(v))))
			scale = math.Min(sc, margin/n)
		}
		for i := range e {
			e[i] *= scale
		}
	} else {
		for i := range e {
			if kind == Uniform {
				e[i] = (2*r.Float64() - 1) * margin
			} else {
				e[i] = math.Max(-margin, math.Min(margin, r.NormFloat64()*margin/2))
			}
		}
	}
	perturb(v, e, norm, margin)
}

// perturb sets v += e, where e is within margin of 0 in the tolerance's
// norm, and then pulls the result back until the rounded answer is within
// margin of the original v, so that floating-point rounding never carries an
// answer across the tolerance. The pull-back takes a bounded number of steps
// (at most 64 for a Euclidean tolerance, 4 ulps per coordinate otherwise)
// and ends at v = orig, always within the tolerance, if rounding is of the
// order of the margin itself (a margin near the ulp of the answer).
func perturb(v, e []float64, norm sq.Norm, margin float64) {
	orig := append([]float64(nil), v...)
	if norm == sq.EuclidNorm && len(v) > 1 {
		// Shrink by factors (1 - 2^-40), (1 - 2^-39), ..., then 0: the
		// decrement doubles every step, so at most 42 steps are taken (one
		// step of 2^-40 used to be taken at a time: hours at tau = 1e-15).
		delta := 0x1p-40
		for shrink := 1.0; ; {
			for i := range v {
				v[i] = orig[i] + e[i]*shrink
			}
			if euclid(v, orig) <= margin {
				return
			}
			if shrink == 0 {
				copy(v, orig)
				return
			}
			shrink *= 1 - delta
			if delta >= 0.5 {
				shrink = 0
			}
			delta *= 2
		}
	}
	for i := range v {
		v[i] = orig[i] + e[i]
		for step := 0; math.Abs(v[i]-orig[i]) > margin; step++ {
			if step >= 4 {
				v[i] = orig[i]
				break
			}
			v[i] = math.Nextafter(v[i], orig[i])
		}
	}
}

// euclid returns ||a - b||_2, rescaling by the largest difference when the
// sum of squares overflows or underflows.
func euclid(a, b []float64) float64 {
	ss := 0.0
	for i := range a {
		d := a[i] - b[i]
		ss += d * d
	}
	if ss >= 0x1p-900 && ss <= 0x1p900 {
		return math.Sqrt(ss)
	}
	mx := 0.0
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > mx || math.IsNaN(d) {
			mx = d
		}
	}
	if mx == 0 || math.IsNaN(mx) || math.IsInf(mx, 0) {
		return mx
	}
	ss = 0
	for i := range a {
		d := (a[i] - b[i]) / mx
		ss += d * d
	}
	return mx * math.Sqrt(ss)
}
