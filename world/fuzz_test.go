package world

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// fuzzWorlds are the worlds FuzzWorldExpect asks: every family of the
// package in dimension 4.
func fuzzWorlds(t testing.TB) []*Model {
	w := []float64{0.6, -0.3, 0.5, 0.2}
	var ms []*Model
	add := func(m *Model, err error) {
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
	}
	add(Realizable(w))
	add(Noisy(w, Noise{Kind: Gaussian, Param: 0.5}))
	add(Noisy(w, Noise{Kind: Rademacher, Param: 0.2}))
	add(Clipped([]float64{1.5, 0.5, -1, 0}, 1))
	add(Corrupted(w, 0.1, CorruptFlip))
	add(Halfspace(w, 0.1))
	return ms
}

// fuzzVec builds a weight vector from the fuzzer's four values and a
// scale exponent in [-320, 320]: NaN, ±Inf, huge, tiny and zero vectors all
// occur.
func fuzzVec(a, b, c, d float64, e int16) []float64 {
	s := math.Pow(10, float64(int(e)%321))
	return []float64{a * s, b * s, c * s, d * s}
}

// FuzzWorldExpect: a world's Expect never panics and returns an error or a
// finite answer with a finite, non-negative error bound, for the relu, gate,
// loss and gradient queries at any weights.
func FuzzWorldExpect(f *testing.F) {
	for _, s := range []struct {
		a, b, c, d float64
		e          int16
		k          uint8
	}{
		{1, 0, 0, 0, 0, 0}, {0, 0, 0, 0, 0, 1}, {0.3, -0.2, 0.1, 0.9, 0, 2}, {1, 1, 1, 1, 154, 0},
		{1, 1, 1, 1, 200, 3}, {1, -1, 0, 0, 300, 1}, {1, 2, 3, 4, -300, 2}, {1, 2, 3, 4, -320, 0},
		{math.NaN(), 0, 0, 0, 0, 0}, {math.Inf(1), 0, 0, 0, 0, 1}, {0, math.Inf(-1), 1, 0, 0, 3},
		{5e-324, 0, 0, 0, 0, 2}, {1, 1e-17, 0, 0, 0, 1}, {0.6, -0.3, 0.5, 0.2, 0, 4}, {-0.6, 0.3, -0.5, -0.2, 2, 5},
		{2e3, -1e3, 7, 0, 0, 6}, {1, 1, 1, 1, 40, 7},
	} {
		for j := uint8(0); j < 6; j++ { // every world
			f.Add(s.a, s.b, s.c, s.d, s.e, s.k%6+6*j)
		}
	}
	worlds := fuzzWorlds(f)
	f.Fuzz(func(t *testing.T, a, b, c, d float64, e int16, k uint8) {
		w := fuzzVec(a, b, c, d, e)
		var q *sq.Query
		switch k % 6 {
		case 0:
			q = sq.ReluCorr(w)
		case 1:
			q = sq.GateCorr(w)
		case 2:
			q = sq.Loss(w)
		case 3:
			q = sq.Grad(w)
		case 4:
			q = sq.ReluBatch([][]float64{w, {0.1, 0.2, 0.3, 0.4}})
		default:
			q = sq.LabelMoment(int(k%2) + 1)
		}
		m := worlds[int(k/6)%len(worlds)]
		out := make([]float64, q.Dim)
		eb, err := m.Expect(q, out)
		if err != nil {
			if !errors.Is(err, sq.ErrQuery) && !errors.Is(err, sq.ErrNotExact) && !errors.Is(err, ErrModel) {
				t.Fatalf("%s, %s at %v: error %v wraps no sentinel", m.Name(), q.Name, w, err)
			}
			return
		}
		if math.IsNaN(eb) || math.IsInf(eb, 0) || eb < 0 {
			t.Fatalf("%s, %s at %v: error bound %v with a nil error", m.Name(), q.Name, w, eb)
		}
		for i, v := range out {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Fatalf("%s, %s at %v: answer[%d] = %v with a nil error", m.Name(), q.Name, w, i, v)
			}
		}
	})
}
