package hardness

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestZZBitExact(t *testing.T) {
	h := fnv.New64a()
	r := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 300; n++ {
		k := 2 + 2*r.IntN(4)
		w := make([]float64, k)
		for i := range w {
			w[i] = math.Abs(r.NormFloat64()) * math.Pow(10, float64(r.IntN(5)-2))
		}
		if n%7 == 0 {
			w[0] = 0
		}
		slices.Sort(w)
		rho2 := 0.0
		if n%2 == 1 {
			rho2 = math.Pow(10, float64(r.IntN(7)-3))
		}
		o := corrIntegrals(w, rho2, n%3 != 0)
		fmt.Fprintf(h, "%x %x %x %x ", math.Float64bits(o.C), math.Float64bits(o.J), math.Float64bits(o.Err), o.G)
	}
	t.Logf("HASH %x", h.Sum64())
}
