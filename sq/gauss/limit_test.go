package gauss

import (
	"fmt"
	"math"
	"testing"
)

// TestHermiteNormDegreeLimit: degrees above MaxHermiteDegree return NaN at
// once (a degree of 1e9 ran the O(n) recurrence inside quadratures for
// hours); at the limit the value is still computed and finite.
func TestHermiteNormDegreeLimit(t *testing.T) {
	for _, n := range []int{MaxHermiteDegree + 1, 1e9, math.MaxInt} {
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			if v := HermiteNorm(n, 0.3); !math.IsNaN(v) {
				t.Errorf("HermiteNorm(%d, 0.3) = %v, want NaN", n, v)
			}
		})
	}
	// h_n(0) = (-1)^(n/2) sqrt(q_{n/2}) for even n (q_m = binom(2m, m)/4^m).
	n := MaxHermiteDegree
	want := sqrtQ(n / 2)
	if (n/2)%2 == 1 {
		want = -want
	}
	if v := HermiteNorm(n, 0); math.Abs(v-want) > 1e-12*math.Abs(want) {
		t.Errorf("HermiteNorm(%d, 0) = %v, want %v", n, v, want)
	}
}
