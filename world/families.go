package world

import (
	"fmt"
	"math"
	"slices"

	"github.com/sqsim/sqsim/sq/gauss"
)

func checkVec(name string, w []float64) error {
	if len(w) == 0 {
		return fmt.Errorf("%w: %s: empty weight vector, want dimension d >= 1", ErrModel, name)
	}
	for i, x := range w {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("%w: %s: w*[%d] = %v, want a finite number", ErrModel, name, i, x)
		}
	}
	return nil
}

func relu(s float64) float64 {
	if s > 0 {
		return s
	}
	return 0
}

// Realizable is y = relu(w*.x): opt = 0 when ||w*|| <= 1. Labels lie in
// [0, inf); GKK19's [0, 1] holds with high probability only when ||w*|| is
// small, which is why Clipped exists.
func Realizable(wstar []float64) (*Model, error) {
	return Noisy(wstar, Noise{})
}

// Noisy is y = relu(w*.x) + independent noise (Gaussian or Rademacher, of
// the given standard deviation; the variance is sd^2).
func Noisy(wstar []float64, noise Noise) (*Model, error) {
	name := "noisy"
	if noise.Kind == NoNoise || noise.Param == 0 {
		name = "realizable"
	}
	if err := checkVec(name, wstar); err != nil {
		return nil, err
	}
	if noise.Kind == Flip {
		return nil, fmt.Errorf("%w: %s: flip noise needs labels in {0, 1}; use Halfspace", ErrModel, name)
	}
	m, err := newModel(name, [][]float64{wstar}, func(s []float64) float64 { return relu(s[0]) },
		[]Hyper{{A: []float64{1}, C: 0}}, noise, 0, math.Inf(1))
	if err != nil {
		return nil, err
	}
	m.fam = famRelu
	m.pwLinear = true
	m.wstar = slices.Clone(wstar)
	if noise.Kind != NoNoise {
		m.desc["noise_var"] = noise.Variance()
	}
	return m, nil
}

// Clipped is y = min(C, relu(w*.x)), labels in [0, C] (C = 1 gives GKK19's
// label range).
func Clipped(wstar []float64, c float64) (*Model, error) {
	if err := checkVec("clipped", wstar); err != nil {
		return nil, err
	}
	if !(c > 0) || math.IsInf(c, 0) {
		return nil, fmt.Errorf("%w: clipped: clip level C = %v, want a finite number > 0", ErrModel, c)
	}
	m, err := newModel("clipped", [][]float64{wstar}, func(s []float64) float64 { return math.Min(c, relu(s[0])) },
		[]Hyper{{A: []float64{1}, C: 0}, {A: []float64{1}, C: c}}, Noise{}, 0, c)
	if err != nil {
		return nil, err
	}
	m.wstar = slices.Clone(wstar)
	m.pwLinear = true
	m.clip = c
	m.desc["clip"] = c
	return m, nil
}

// Corruption says how Corrupted replaces labels.
type Corruption uint8

// The corruptions.
const (
	// CorruptFlip replaces y by 1 - y on the region.
	CorruptFlip Corruption = iota
	// CorruptZero replaces y by 0 on the region.
	CorruptZero
)

func (c Corruption) String() string {
	if c == CorruptZero {
		return "zero"
	}
	return "flip"
}

// Corrupted is an agnostic instance: y = min(1, relu(w*.x)) except on the
// region R = {t0 < w*.x/||w*|| <= t0 + width(frac)} holding a fraction frac of
// the Gaussian mass just above t0, where the label is replaced by a fixed
// function of x (1 - y for CorruptFlip, 0 for CorruptZero). The corruption
// depends on x, so the noise is not independent of x, and opt > 0 for
// frac > 0 (unless the replaced labels happen to agree). The region starts at
// t0 = 0 so that it hits labels where the ReLU is active; frac in (0, 1/2].
func Corrupted(wstar []float64, frac float64, how Corruption) (*Model, error) {
	if err := checkVec("agnostic", wstar); err != nil {
		return nil, err
	}
	if !(frac >= 0 && frac <= 0.5) {
		return nil, fmt.Errorf("%w: agnostic: corrupted fraction %v, want a number in [0, 0.5]", ErrModel, frac)
	}
	if how != CorruptFlip && how != CorruptZero {
		return nil, fmt.Errorf("%w: agnostic: unknown corruption %d", ErrModel, how)
	}
	nw := norm(wstar)
	if nw == 0 {
		return nil, fmt.Errorf("%w: agnostic: w* = 0 has no direction to corrupt along", ErrModel)
	}
	// Region in s = w*.x: (0, nw*q] with Phi(q) - 1/2 = frac.
	q := gauss.Quantile(0.5 + frac)
	hi := nw * q
	f := func(s []float64) float64 {
		y := math.Min(1, relu(s[0]))
		if s[0] > 0 && s[0] <= hi {
			if how == CorruptZero {
				return 0
			}
			return 1 - y
		}
		return y
	}
	kinks := []Hyper{{A: []float64{1}, C: 0}, {A: []float64{1}, C: 1}}
	if !math.IsInf(hi, 1) {
		kinks = append(kinks, Hyper{A: []float64{1}, C: hi})
	}
	m, err := newModel("agnostic", [][]float64{wstar}, f, kinks, Noise{}, 0, 1)
	if err != nil {
		return nil, err
	}
	m.wstar = slices.Clone(wstar)
	m.pwLinear = true
	m.desc["frac"] = frac
	m.desc["corruption"] = how.String()
	return m, nil
}

// Halfspace is y = 1{w*.x > 0} with each label flipped independently with
// probability eta in [0, 1/2].
func Halfspace(wstar []float64, eta float64) (*Model, error) {
	if err := checkVec("halfspace", wstar); err != nil {
		return nil, err
	}
	if !(eta >= 0 && eta <= 0.5) {
		return nil, fmt.Errorf("%w: halfspace: flip probability eta = %v, want a number in [0, 0.5]", ErrModel, eta)
	}
	if norm(wstar) == 0 {
		return nil, fmt.Errorf("%w: halfspace: w* = 0 defines no halfspace", ErrModel)
	}
	m, err := newModel("halfspace", [][]float64{wstar}, func(s []float64) float64 {
		if s[0] > 0 {
			return 1
		}
		return 0
	}, []Hyper{{A: []float64{1}, C: 0}}, Noise{Kind: Flip, Param: eta}, 0, 1)
	if err != nil {
		return nil, err
	}
	m.fam = famHalfspace
	m.pwLinear = true
	m.wstar = slices.Clone(wstar)
	m.desc["eta"] = eta
	return m, nil
}

// MultiIndex is the user-defined model y = f(V x) + noise, with V of a few
// rows (the exact oracle handles directions spanning at most two dimensions;
// more can still be sampled). kinks lists the hyperplanes A.s = C of the
// index space s = V x where f may be non-smooth; quadrature relies on them for
// its accuracy (an undeclared kink degrades the result to about 1e-8 and the
// error estimate may not see it). labelMin and labelMax state the range of f.
func MultiIndex(name string, V [][]float64, f func(s []float64) float64, kinks []Hyper, noise Noise, labelMin, labelMax float64) (*Model, error) {
	if f == nil {
		return nil, fmt.Errorf("%w: multi-index: nil label function", ErrModel)
	}
	if name == "" {
		name = "multi-index"
	}
	for i, k := range kinks {
		if len(k.A) != len(V) {
			return nil, fmt.Errorf("%w: multi-index: kink %d has %d coefficients, V has %d rows", ErrModel, i, len(k.A), len(V))
		}
	}
	if math.IsNaN(labelMin) || math.IsNaN(labelMax) || labelMin > labelMax {
		return nil, fmt.Errorf("%w: multi-index: label range [%v, %v] is empty", ErrModel, labelMin, labelMax)
	}
	return newModel(name, V, f, kinks, noise, labelMin, labelMax)
}
