package sweep

import (
	"math"
	randv2 "math/rand/v2"
	"testing"
)

func TestSweepStats(t *testing.T) {
	t.Run("t interval", func(t *testing.T) {
		// for 2 degrees of freedom the t quantile has the closed form
		// (2p-1) sqrt(2/(4p(1-p))): t_{0.975, 2} = 4.3026527297494639 (to 17
		// digits, by 40-digit decimal arithmetic); the sd of 1, 2, 3 is 1
		n, mean, sd, lo, hi := meanCI([]float64{1, 2, 3, math.NaN()})
		h := 4.3026527297494639 / math.Sqrt(3)
		if n != 3 || mean != 2 || math.Abs(sd-1) > 1e-15 || math.Abs(lo-(2-h)) > 1e-12 || math.Abs(hi-(2+h)) > 1e-12 {
			t.Errorf("meanCI = %d %v %v [%v, %v], want 3 2 1 [%v, %v]", n, mean, sd, lo, hi, 2-h, 2+h)
		}
		if n, mean, sd, _, _ := meanCI([]float64{5}); n != 1 || mean != 5 || !math.IsNaN(sd) {
			t.Errorf("one value: %d %v %v, want 1 5 NaN", n, mean, sd)
		}
		if n, mean, _, _, _ := meanCI(nil); n != 0 || !math.IsNaN(mean) {
			t.Errorf("no value: %d %v", n, mean)
		}
	})
	t.Run("t interval coverage", func(t *testing.T) {
		// Monte Carlo: the interval of 5 standard normals covers 0 in 95% of
		// 20000 trials, within 4 binomial sds (4 * sqrt(.95*.05/20000) = 0.0062)
		const trials = 20000
		r := newTestRand()
		cover := 0
		xs := make([]float64, 5)
		for range trials {
			for i := range xs {
				xs[i] = r.NormFloat64()
			}
			_, _, _, lo, hi := meanCI(xs)
			if lo <= 0 && 0 <= hi {
				cover++
			}
		}
		if f := float64(cover) / trials; math.Abs(f-Confidence) > 0.0062 {
			t.Errorf("coverage %v, want %v +- 0.0062", f, Confidence)
		}
	})
	t.Run("wilson", func(t *testing.T) {
		// z = 1.959963984540054: at k = 0 the upper end is z^2/(n + z^2)
		z2 := 1.959963984540054 * 1.959963984540054
		p, lo, hi := wilson(0, 5)
		if p != 0 || lo != 0 || math.Abs(hi-z2/(5+z2)) > 1e-12 {
			t.Errorf("wilson(0, 5) = %v [%v, %v], want 0 [0, %v]", p, lo, hi, z2/(5+z2))
		}
		p, lo, hi = wilson(5, 5)
		if p != 1 || hi != 1 || math.Abs(lo-5/(5+z2)) > 1e-12 {
			t.Errorf("wilson(5, 5) = %v [%v, %v], want 1 [%v, 1]", p, lo, hi, 5/(5+z2))
		}
	})
}

func newTestRand() interface{ NormFloat64() float64 } { return randv2.New(randv2.NewPCG(3, 4)) }
