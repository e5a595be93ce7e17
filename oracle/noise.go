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
	w    sq.World
	d    int
	kind NoiseKind
	r    *rand.Rand
}

// Noisy returns the random-noise oracle of w whose noise comes from the
// stream sq.Stream(seed, sq.KeyOracle).
func Noisy(w sq.World, kind NoiseKind, seed uint64) *NoisyOracle {
	return &NoisyOracle{w: w, d: w.Setting().D, kind: kind, r: sq.Stream(seed, sq.KeyOracle)}
}

// Name returns "noise(uniform)" or "noise(gaussian)".
func (o *NoisyOracle) Name() string { return "noise(" + o.kind.String() + ")" }

// Answer writes E[phi] + e with e random and within the tolerance.
func (o *NoisyOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := sq.CheckRequest(q, tau, ans, o.d); err != nil {
		return err
	}
	eb, err := o.w.Expect(q, ans)
	if err != nil {
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
// norm, and then pulls the result back by single ulps until the rounded
// answer is within margin of the original v, so that floating-point rounding
// never carries an answer across the tolerance.
func perturb(v, e []float64, norm sq.Norm, margin float64) {
	orig := append([]float64(nil), v...)
	for i := range v {
		v[i] = orig[i] + e[i]
	}
	if norm == sq.EuclidNorm && len(v) > 1 {
		for shrink := 1.0; euclid(v, orig) > margin; shrink *= 1 - 0x1p-40 {
			for i := range v {
				v[i] = orig[i] + e[i]*shrink*(1-0x1p-40)
			}
		}
		return
	}
	for i := range v {
		for math.Abs(v[i]-orig[i]) > margin {
			v[i] = math.Nextafter(v[i], orig[i])
		}
	}
}

func euclid(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		d := a[i] - b[i]
		s += d * d
	}
	return math.Sqrt(s)
}
