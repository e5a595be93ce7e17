package world

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// NoiseKind enumerates the independent label noises.
type NoiseKind uint8

// The noises. Param is the standard deviation for Gaussian and Rademacher
// noise and the flip probability for Flip.
const (
	NoNoise    NoiseKind = iota
	Gaussian             // y = f + sd * N(0, 1)
	Rademacher           // y = f +- sd with probability 1/2 each (bounded, variance sd^2)
	Flip                 // y = 1 - f with probability Param, else f (for labels in {0, 1})
)

// Noise is label noise independent of x.
type Noise struct {
	Kind  NoiseKind
	Param float64
}

func (n Noise) String() string {
	switch n.Kind {
	case Gaussian:
		return fmt.Sprintf("gaussian(sd=%g)", n.Param)
	case Rademacher:
		return fmt.Sprintf("rademacher(sd=%g)", n.Param)
	case Flip:
		return fmt.Sprintf("flip(%g)", n.Param)
	}
	return "none"
}

// Variance is the noise variance: sd^2, or 0 for Flip and no noise (flip
// noise is not additive).
func (n Noise) Variance() float64 {
	if n.Kind == Gaussian || n.Kind == Rademacher {
		return n.Param * n.Param
	}
	return 0
}

func (n Noise) validate() error {
	switch n.Kind {
	case NoNoise:
		return nil
	case Gaussian, Rademacher:
		if !(n.Param >= 0) || math.IsInf(n.Param, 0) || n.Param > MaxNorm {
			return fmt.Errorf("%w: noise standard deviation %v, want a finite number in [0, %g]", ErrModel, n.Param, MaxNorm)
		}
	case Flip:
		if !(n.Param >= 0 && n.Param <= 1) {
			return fmt.Errorf("%w: flip probability %v, want a number in [0, 1]", ErrModel, n.Param)
		}
	default:
		return fmt.Errorf("%w: unknown noise kind %d", ErrModel, n.Kind)
	}
	return nil
}

// draw returns the noisy label for the clean label f.
func (n Noise) draw(r *rand.Rand, f float64) float64 {
	switch n.Kind {
	case Gaussian:
		return f + n.Param*r.NormFloat64()
	case Rademacher:
		if r.Uint64()&1 == 0 {
			return f + n.Param
		}
		return f - n.Param
	case Flip:
		if r.Float64() < n.Param {
			return 1 - f
		}
	}
	return f
}

// cond returns E[lambda(y) | f] for y = f + noise: the conditional label
// functional that the exact expectations integrate against the features.
func (n Noise) cond(l *sq.Label, f float64) float64 {
	switch n.Kind {
	case Gaussian:
		sd := n.Param
		if sd == 0 {
			return l.Eval(f)
		}
		switch l.Kind {
		case sq.LabelOne:
			return 1
		case sq.LabelY:
			return f
		case sq.LabelY2:
			return f*f + sd*sd
		case sq.LabelAbove:
			return gauss.Cdf((f - l.T) / sd)
		case sq.LabelSign:
			return 2*gauss.Cdf((f-l.T)/sd) - 1
		case sq.LabelFunc:
			breaks := make([]float64, len(l.Breaks))
			for i, b := range l.Breaks {
				breaks[i] = (b - f) / sd
			}
			v, _ := gauss.Expect1(func(z float64) float64 { return l.Func(f + sd*z) }, breaks, 1e-13)
			return v
		}
	case Rademacher:
		return 0.5 * (l.Eval(f+n.Param) + l.Eval(f-n.Param))
	case Flip:
		return (1-n.Param)*l.Eval(f) + n.Param*l.Eval(1-f)
	}
	return l.Eval(f)
}

// labelBreaks returns the clean-label values f at which cond(l, f) is not
// smooth: where the noisy label can cross a threshold of l.
func (n Noise) labelBreaks(l *sq.Label) []float64 {
	var ts []float64
	switch l.Kind {
	case sq.LabelAbove, sq.LabelSign:
		ts = []float64{l.T}
	case sq.LabelFunc:
		ts = l.Breaks
	default:
		return nil
	}
	var out []float64
	for _, t := range ts {
		switch n.Kind {
		case Gaussian:
			if n.Param == 0 {
				out = append(out, t)
			}
		case Rademacher:
			out = append(out, t-n.Param, t+n.Param)
		case Flip:
			out = append(out, t, 1-t)
		default:
			out = append(out, t)
		}
	}
	return out
}
