package bench

import (
	"fmt"
	"math"
	"strings"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// RandomUnit returns the random unit vector of R^d that Config uses as w*
// when WStar is nil: a standard Gaussian vector from sq.Stream(seed,
// sq.KeyWorld), normalized (the same w* as `sqsim demo` for that seed).
func RandomUnit(seed uint64, d int) []float64 {
	return sq.RandomUnit(sq.Stream(seed, sq.KeyWorld), d)
}

// Reference returns the reference w of the adversarial oracle: a vector of
// the same norm as w*, orthogonal to it, in a random direction from
// sq.Stream(seed, sq.KeyWorld, 1) (-w* when d = 1). The reference world is
// the chosen world with w* replaced by it: the same family, the same label
// distribution (x is rotation invariant), and labels that carry no
// information about w*'s direction. The adversary answers with the
// reference's value whenever the tolerance allows, so a learner learns
// about w* only from what tau forces the oracle to reveal.
func Reference(wstar []float64, seed uint64) []float64 {
	d := len(wstar)
	nw := hNorm(wstar)
	switch {
	case math.IsNaN(nw) || math.IsInf(nw, 0):
		// No direction to be orthogonal to (a NaN or infinite entry, which
		// used to loop forever): every entry is NaN, which dist's
		// constructors refuse.
		g := make([]float64, d)
		for i := range g {
			g[i] = math.NaN()
		}
		return g
	case nw == 0:
		return make([]float64, d)
	case d == 1:
		return []float64{-wstar[0]}
	}
	r := sq.Stream(seed, sq.KeyWorld, 1)
	for {
		g := make([]float64, d)
		for i := range g {
			g[i] = r.NormFloat64()
		}
		for pass := 0; pass < 2; pass++ {
			p := hDot(g, wstar) / (nw * nw)
			for i := range g {
				g[i] -= p * wstar[i]
			}
		}
		if n := hNorm(g); n > 1e-8 {
			for i := range g {
				g[i] *= nw / n
			}
			return g
		}
	}
}

func buildWorld(cfg Config, wstar []float64) (*world.Model, error) {
	var m *world.Model
	var err error
	switch cfg.World {
	case "realizable":
		m, err = world.Realizable(wstar)
	case "noisy":
		if math.IsNaN(cfg.NoiseVar) || math.IsInf(cfg.NoiseVar, 0) || cfg.NoiseVar < 0 {
			return nil, configErr("noisy: noise variance %v, want a finite variance >= 0", cfg.NoiseVar)
		}
		kind := world.Gaussian
		switch cfg.LabelNoise {
		case "", "gaussian":
		case "rademacher":
			kind = world.Rademacher
		default:
			return nil, configErr("noisy: label noise %q, want gaussian or rademacher", cfg.LabelNoise)
		}
		m, err = world.Noisy(wstar, world.Noise{Kind: kind, Param: math.Sqrt(cfg.NoiseVar)})
	case "clipped":
		m, err = world.Clipped(wstar, cfg.Clip)
	case "agnostic":
		switch cfg.Corruption {
		case "", "flip":
			m, err = world.Corrupted(wstar, cfg.Frac, world.CorruptFlip)
		case "zero":
			m, err = world.Corrupted(wstar, cfg.Frac, world.CorruptZero)
		case "lift":
			m, err = world.Lifted(wstar, cfg.Frac)
		default:
			return nil, configErr("agnostic: corruption %q, want flip, zero or lift", cfg.Corruption)
		}
	case "halfspace":
		m, err = world.Halfspace(wstar, cfg.Eta)
	default:
		return nil, configErr("world %q, want one of %s", cfg.World, strings.Join(Worlds, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return m, nil
}
