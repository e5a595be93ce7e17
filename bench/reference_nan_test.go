package bench

import (
	"math"
	"testing"
)

// TestReferenceNonFinite: Reference of a NaN vector looped forever,
// allocating; it returns a NaN vector at once (dist refuses it).
func TestReferenceNonFinite(t *testing.T) {
	for _, w := range [][]float64{{math.NaN(), 1}, {1, math.Inf(1), 0}, {math.Inf(-1)}} {
		g := Reference(w, 1)
		if len(g) != len(w) {
			t.Fatalf("Reference(%v) has length %d", w, len(g))
		}
		for i, v := range g {
			if !math.IsNaN(v) {
				t.Errorf("Reference(%v)[%d] = %v, want NaN", w, i, v)
			}
		}
	}
	g := Reference([]float64{3, 4}, 1)
	if d := g[0]*3 + g[1]*4; math.Abs(d) > 1e-12 || math.Abs(math.Hypot(g[0], g[1])-5) > 1e-12 {
		t.Errorf("Reference((3, 4)) = %v: not orthogonal of norm 5", g)
	}
}
