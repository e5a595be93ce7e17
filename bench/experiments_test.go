package bench

import (
	"math"
	"testing"
)

// TestExperimentsSmall runs each hardness experiment at a size that takes
// well under a second: support search identifies S at every point of a
// k = 2 curve with C(d, 2) + 1 queries, gradient descent escapes at k = 2,
// d = 8 and the LPN reduction recovers S through the exact oracle.
func TestExperimentsSmall(t *testing.T) {
	t.Run("curve", func(t *testing.T) {
		pts, fits, err := Curve(CurveConfig{Ks: []int{2}, Ds: map[int][]int{2: {8, 16}}, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(pts) != 2 || len(fits) != 1 {
			t.Fatalf("%d points, %d fits; want 2, 1", len(pts), len(fits))
		}
		for _, p := range pts {
			if !p.Identified || p.Queries != p.D*(p.D-1)/2+1 {
				t.Errorf("d = %d: identified %v with %d queries, want true with C(d, 2) + 1", p.D, p.Identified, p.Queries)
			}
		}
		if f := fits[0]; f.Points != 2 || !(math.Abs(f.VsSupports-1) < 0.05) {
			t.Errorf("fit %+v: want 2 points and queries ~ C(d, k)", f)
		}
	})
	t.Run("escape", func(t *testing.T) {
		res, err := Escape(EscapeConfig{K: 2, Ds: []int{8}, Seeds: 1, MaxSteps: 2000})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Runs) != 1 || !res.Runs[0].Escaped || res.Runs[0].Loss > res.OptS+res.Eps {
			t.Errorf("runs %+v: want one run that escapes", res.Runs)
		}
	})
	t.Run("lpn", func(t *testing.T) {
		res, err := LPN(LPNConfig{D: 6, K: 2, Seed: 1, Oracle: "exact"})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Correct || len(res.Coords) != 6 {
			t.Errorf("recovered %v of support %v (%d coordinates), want all", res.Recovered, res.Support, len(res.Coords))
		}
	})
}
