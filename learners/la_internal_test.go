package learners

import (
	"math"
	"slices"
	"testing"
)

// TestHermiteMultiIndices: multiIndices enumerates C(d+D, D) distinct
// multi-indices of total degree <= D, in sparse form, and HermiteCount
// agrees (and reports -1 over the limit).
func TestHermiteMultiIndices(t *testing.T) {
	for _, c := range []struct{ d, D, want int }{{1, 0, 1}, {1, 5, 6}, {3, 2, 10}, {4, 4, 70}, {10, 3, 286}, {50, 2, 1326}} {
		seen := map[string]bool{}
		n := 0
		multiIndices(c.d, c.D, func(idx, deg []int) {
			n++
			tot := 0
			for i := range idx {
				if deg[i] < 1 || idx[i] < 0 || idx[i] >= c.d || (i > 0 && idx[i] <= idx[i-1]) {
					t.Fatalf("d=%d D=%d: bad sparse index %v %v", c.d, c.D, idx, deg)
				}
				tot += deg[i]
			}
			if tot > c.D {
				t.Fatalf("degree %d > %d", tot, c.D)
			}
			key := string(rune(len(idx)))
			for i := range idx {
				key += string(rune(idx[i])) + string(rune(deg[i]))
			}
			if seen[key] {
				t.Fatalf("d=%d D=%d: %v %v twice", c.d, c.D, idx, deg)
			}
			seen[key] = true
		})
		if n != c.want || HermiteCount(c.d, c.D, math.MaxInt) != c.want {
			t.Errorf("d=%d D=%d: %d indices, HermiteCount %d, want %d", c.d, c.D, n, HermiteCount(c.d, c.D, math.MaxInt), c.want)
		}
	}
	if HermiteCount(100, 10, 1e6) != -1 || HermiteCount(1e6, 30, math.MaxInt) != -1 {
		t.Error("HermiteCount does not report counts over the limit (or overflow)")
	}
}

// TestPAV: the pool-adjacent-violators fit is nondecreasing, keeps the
// weighted mean, and matches known fits.
func TestPAV(t *testing.T) {
	cases := []struct{ v, w, want []float64 }{
		{[]float64{1, 2, 3}, []float64{1, 1, 1}, []float64{1, 2, 3}},
		{[]float64{3, 2, 1}, []float64{1, 1, 1}, []float64{2, 2, 2}},
		{[]float64{1, 3, 2, 4}, []float64{1, 1, 1, 1}, []float64{1, 2.5, 2.5, 4}},
		{[]float64{4, 0, 5}, []float64{1, 3, 1}, []float64{1, 1, 5}},
		{[]float64{0, 2, 1, 1, 0.5}, []float64{1, 1, 1, 1, 2}, []float64{0, 1, 1, 1, 1}},
	}
	for _, c := range cases {
		got := pav(c.v, c.w)
		for i := range got {
			if math.Abs(got[i]-c.want[i]) > 1e-12 {
				t.Errorf("pav(%v, %v) = %v, want %v", c.v, c.w, got, c.want)
				break
			}
		}
		if !slices.IsSorted(got) {
			t.Errorf("pav(%v) = %v is not nondecreasing", c.v, got)
		}
	}
}

// TestNormalEdges: the bins have equal Gaussian mass.
func TestNormalEdges(t *testing.T) {
	e := normalEdges(8)
	for b := 0; b < 8; b++ {
		p := 0.5*math.Erfc(-e[b+1]/math.Sqrt2) - 0.5*math.Erfc(-e[b]/math.Sqrt2)
		if math.Abs(p-0.125) > 1e-15 {
			t.Errorf("bin %d has mass %g, want 1/8", b, p)
		}
	}
}
