package sq

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Stream returns the random stream named by (seed, keys...): a PCG generator
// whose state is a SplitMix64 hash of the seed and the keys. Every random
// choice in sqsim flows from such a stream, named by what it is for (the
// world's w*, the learner, the k-th query of a sample oracle, the j-th chunk
// of that query, ...), so results depend on the seed alone and never on the
// number of goroutines or the order in which they run.
func Stream(seed uint64, keys ...uint64) *rand.Rand {
	a := splitmix(seed ^ 0x5171_5151_0000_0001)
	b := splitmix(a ^ 0x243f6a8885a308d3)
	for _, k := range keys {
		a = splitmix(a ^ k)
		b = splitmix(b + k + 0x9e3779b97f4a7c15)
	}
	return rand.New(rand.NewPCG(a, b))
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// Stream keys used across packages, so that two uses of one seed never
// share a stream.
const (
	KeyWorld   uint64 = 1 // drawing the world's hidden parameters (a random w*)
	KeyLearner uint64 = 2 // the learner's own randomness
	KeyOracle  uint64 = 3 // an oracle's sampling or noise
	KeyPool    uint64 = 4 // a fixed sample pool
)

// RandomUnit returns a uniformly random unit vector of R^d drawn from r (a
// standard Gaussian vector, normalized). It cannot return an error: for
// d < 1 or a nil r it returns nil, which every query built from it fails
// Validate with (a weight vector of length 0, want d).
func RandomUnit(r *rand.Rand, d int) []float64 {
	if d < 1 || r == nil {
		return nil
	}
	w := make([]float64, d)
	n := 0.0
	for i := range w {
		w[i] = r.NormFloat64()
		n += w[i] * w[i]
	}
	n = math.Sqrt(n)
	for i := range w {
		w[i] /= n
	}
	return w
}

// RandomSubset returns a uniformly random k-subset of {0, ..., d-1}, sorted,
// drawn from r by rejection (r.IntN(d) until k distinct values are seen: the
// draws a game's planted support and the random learner's directions use).
// It returns nil for k < 0, k > d, or a nil r.
func RandomSubset(r *rand.Rand, d, k int) []int {
	if k < 0 || k > d || r == nil {
		return nil
	}
	seen := make(map[int]bool, k)
	S := make([]int, 0, k)
	for len(S) < k {
		j := r.IntN(d)
		if !seen[j] {
			seen[j] = true
			S = append(S, j)
		}
	}
	sort.Ints(S)
	return S
}
