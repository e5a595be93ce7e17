package world

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sqsim/sqsim/sq"
)

// ErrModel is the sentinel of invalid model parameters.
var ErrModel = errors.New("world: invalid model")

// MaxNorm is the largest norm of a hidden direction (and the largest noise
// standard deviation) a model accepts: squares of labels and of their
// products with features of the same size stay below the float64 range
// (1e150^2 = 1e300 < 1.8e308), so every closed form and quadrature of the
// package stays finite. Larger inputs are refused with an error naming the
// value and the limit.
const MaxNorm = 1e150

// Hyper is the hyperplane A.s = C in the space of the index s = V x, across
// which the label function may be non-smooth (a ReLU's kink at s = 0, a clip
// at s = C).
type Hyper struct {
	A []float64
	C float64
}

// Model is a world: x ~ N(0, I_d) and y = f(V x) + noise. It implements
// sq.World. A Model is immutable and safe for concurrent use.
type Model struct {
	name  string
	set   sq.Setting
	v     [][]float64 // the m label directions, rows of length d
	f     func(s []float64) float64
	kinks []Hyper
	noise Noise
	fam   family    // closed-form family, or generic
	wstar []float64 // the planted ReLU, when there is one
	clip  float64   // Clipped's C
	desc  map[string]any
	// pwLinear: the label function f is linear in V x between its kinks (a
	// family of this package, not a user's MultiIndex), which the 1-D ridge
	// route (ridgeOneD) relies on.
	pwLinear bool

	// Orthonormal basis of the span of v, and v's coordinates in it.
	basis [][]float64 // k rows
	vc    [][]float64 // m x k
}

type family uint8

const (
	famGeneric   family = iota
	famRelu             // y = relu(w*.x) + zero-mean independent noise
	famHalfspace        // y = 1{w*.x > 0}, flipped with probability eta
)

func newModel(name string, v [][]float64, f func([]float64) float64, kinks []Hyper, noise Noise, labelMin, labelMax float64) (*Model, error) {
	if len(v) == 0 {
		return nil, fmt.Errorf("%w: %s needs at least one direction", ErrModel, name)
	}
	d := len(v[0])
	if d < 1 {
		return nil, fmt.Errorf("%w: %s: dimension d = 0, want d >= 1", ErrModel, name)
	}
	for i, row := range v {
		if len(row) != d {
			return nil, fmt.Errorf("%w: %s: direction %d has length %d, direction 0 has %d", ErrModel, name, i, len(row), d)
		}
		for j, x := range row {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%w: %s: direction %d, entry %d is %v", ErrModel, name, i, j, x)
			}
		}
		if n := norm(row); n > MaxNorm {
			return nil, fmt.Errorf("%w: %s: direction %d has norm %.3g, above the limit %g (its squared labels would overflow float64)", ErrModel, name, i, n, MaxNorm)
		}
	}
	for i, k := range kinks {
		if math.IsNaN(k.C) || math.IsInf(k.C, 0) {
			return nil, fmt.Errorf("%w: %s: kink %d has offset C = %v, want a finite number", ErrModel, name, i, k.C)
		}
		for j, a := range k.A {
			if math.IsNaN(a) || math.IsInf(a, 0) {
				return nil, fmt.Errorf("%w: %s: kink %d has coefficient A[%d] = %v, want a finite number", ErrModel, name, i, j, a)
			}
		}
	}
	if err := noise.validate(); err != nil {
		return nil, err
	}
	m := &Model{name: name, v: cloneRows(v), f: f, kinks: kinks, noise: noise, desc: map[string]any{}}
	m.set = sq.Setting{D: d, LabelMin: labelMin, LabelMax: labelMax}
	switch noise.Kind {
	case Gaussian:
		if noise.Param > 0 {
			m.set.LabelMin, m.set.LabelMax = math.Inf(-1), math.Inf(1)
		}
	case Rademacher:
		m.set.LabelMin -= noise.Param
		m.set.LabelMax += noise.Param
	case Flip:
		m.set.LabelMin, m.set.LabelMax = math.Min(labelMin, 1-labelMax), math.Max(labelMax, 1-labelMin)
	}
	m.basis, m.vc = sq.Orthonormalize(m.v)
	return m, nil
}

func cloneRows(v [][]float64) [][]float64 {
	out := make([][]float64, len(v))
	for i := range v {
		out[i] = slices.Clone(v[i])
	}
	return out
}

// Name returns the family's name, e.g. "realizable".
func (m *Model) Name() string { return m.name }

// Setting returns the public setting: d, N(0, I_d), and the label range.
func (m *Model) Setting() sq.Setting { return m.set }

// Noise returns the label noise.
func (m *Model) Noise() Noise { return m.noise }

// WStar returns a copy of the planted weight vector w* of the families that
// have one (nil otherwise). It is hidden from learners; the harness uses it
// to report angles.
func (m *Model) WStar() []float64 { return slices.Clone(m.wstar) }

// Directions returns a copy of the hidden directions V.
func (m *Model) Directions() [][]float64 { return cloneRows(m.v) }

// Describe returns the model's parameters for manifests (name, d, noise and
// the family's own parameters).
func (m *Model) Describe() map[string]any {
	out := map[string]any{"dist": m.name, "d": m.set.D, "noise": m.noise.String()}
	for k, v := range m.desc {
		out[k] = v
	}
	return out
}

// Label returns the clean label f(V x) of one example (no noise).
func (m *Model) Label(x []float64) float64 {
	s := make([]float64, len(m.v))
	for i, row := range m.v {
		s[i] = dot(row, x)
	}
	return m.f(s)
}

// Sample draws len(y) examples: x ~ N(0, I_d) from r.NormFloat64, row-major
// into x, and y = f(V x) + noise. The stream of random numbers consumed is a
// fixed function of (len(y), d): the same generator state gives the same
// examples.
//
// Sample has no error return (sq.Sampler): if x holds fewer than len(y)*d
// values, only the first len(x)/d examples are drawn and the remaining
// labels are set to NaN (a mean over them is NaN, which every oracle
// refuses); a nil r sets every label to NaN. It never panics.
func (m *Model) Sample(r *rand.Rand, x, y []float64) {
	d := m.set.D
	n := len(y)
	if r == nil {
		n = 0
	} else if len(x) < n*d {
		n = len(x) / d
	}
	for i := n; i < len(y); i++ {
		y[i] = math.NaN()
	}
	y = y[:n]
	s := make([]float64, len(m.v))
	for i := range y {
		row := x[i*d : (i+1)*d]
		for j := range row {
			row[j] = r.NormFloat64()
		}
		for k, v := range m.v {
			s[k] = dot(v, row)
		}
		y[i] = m.noise.draw(r, m.f(s))
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// norm returns ||a||, rescaling by the largest entry when a.a overflows or
// underflows (NaN for a NaN entry, +Inf for an infinite one).
func norm(a []float64) float64 {
	ss := dot(a, a)
	if ss > 0x1p-900 && ss < 0x1p900 {
		return math.Sqrt(ss)
	}
	mx := 0.0
	for _, v := range a {
		if av := math.Abs(v); av > mx || math.IsNaN(av) {
			mx = av
		}
	}
	if mx == 0 || math.IsNaN(mx) || math.IsInf(mx, 0) {
		return mx
	}
	ss = 0
	for _, v := range a {
		u := v / mx
		ss += u * u
	}
	return mx * math.Sqrt(ss)
}

// Loss returns the exact population square loss E[(relu(w.x) - y)^2] and a
// bound on its numerical error. A weight vector with a non-finite entry, or
// a loss or bound that is not a finite number (it exceeds the float64
// range), is an error wrapping ErrModel that names the value.
func (m *Model) Loss(w []float64) (float64, float64, error) {
	if len(w) != m.set.D {
		return 0, 0, fmt.Errorf("%w: weight vector has length %d, want d = %d", sq.ErrQuery, len(w), m.set.D)
	}
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 0, 0, fmt.Errorf("%w: %s: loss: w[%d] = %v, want a finite number", ErrModel, m.name, i, v)
		}
	}
	var out [1]float64
	eb, err := m.Expect(sq.Loss(w), out[:])
	if err != nil {
		return out[0], eb, err
	}
	if bad(out[0]) || bad(eb) || eb < 0 {
		return 0, 0, fmt.Errorf("%w: %s: the loss of w (norm %.3g) is %v with error bound %v: not representable as a finite float64", ErrModel, m.name, norm(w), out[0], eb)
	}
	return out[0], eb, nil
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
