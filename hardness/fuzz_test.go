package hardness

import (
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// FuzzFamilyExpect: the parity family's worlds (d = 6, k = 2 and 4, S
// planted and null) never panic or hang on Expect and Loss, and return an
// error or a finite answer with a finite error bound, for weights that
// include NaN, ±Inf, huge, tiny and zero vectors.
func FuzzFamilyExpect(f *testing.F) {
	for _, s := range []struct {
		a, b, c, d, e float64
		x             int16
		k             uint8
	}{
		{1, 1, 1000, 0, 0, 0, 0}, {1, 1, 0, 0, 0, 0, 1}, {0.5, -0.3, 0.4, 0.1, 0.2, 0, 2}, {1, 1, 1, 1, 1, 154, 3},
		{1, -1, 2e3, 7, 0, 0, 4}, {1, 2, 3, 4, 5, 300, 5}, {1, 2, 3, 4, 5, -300, 6}, {math.NaN(), 0, 0, 0, 0, 0, 7},
		{math.Inf(1), 0, 1, 0, 0, 0, 8}, {0, 0, 0, 0, 0, 0, 9}, {5e-324, 1, 0, 0, 0, 0, 10}, {1, 1e-17, 1e4, 0, 0, 0, 11},
		{-0.7, 0.7, 0, 1e4, 1e4, 0, 12}, {1, 1, 1, 1, 1, 40, 13}, {0, 0, 1, 1, 1, 0, 14},
	} {
		f.Add(s.a, s.b, s.c, s.d, s.e, s.x, s.k)
	}
	var worlds []*World
	for _, k := range []int{2, 4} {
		fam, err := NewFamily(6, k, 0.1)
		if err != nil {
			f.Fatal(err)
		}
		S := []int{0, 1, 2, 3}[:k]
		w, err := fam.Planted(S)
		if err != nil {
			f.Fatal(err)
		}
		worlds = append(worlds, w, fam.Null())
	}
	f.Fuzz(func(t *testing.T, a, b, c, d, e float64, x int16, k uint8) {
		s := math.Pow(10, float64(int(x)%321))
		v := []float64{a * s, b * s, c * s, d * s, e * s, 0.5}
		w := worlds[int(k/8)%len(worlds)]
		var q *sq.Query
		switch k % 8 {
		case 0:
			q = sq.ReluCorr(v)
		case 1:
			q = sq.GateCorr(v)
		case 2:
			q = sq.Loss(v)
		case 3:
			q = sq.Grad(v)
		case 4:
			q = sq.ReluBatch([][]float64{v, {1, -1, 0, 0, 0, 0}})
		case 5:
			q = sq.HermiteCorr([]int{0, 1}, []int{int(x) & 0x7fff, 1})
		case 6:
			// Loss through the world's own method.
			l, eb, err := w.Loss(v)
			if err == nil && (bad(l) || bad(eb)) {
				t.Fatalf("Loss(%v) = %v ± %v with a nil error", v, l, eb)
			}
			return
		default:
			q = sq.LabelMoment(1)
		}
		out := make([]float64, q.Dim)
		eb, err := w.Expect(q, out)
		if err != nil {
			if !errors.Is(err, sq.ErrQuery) && !errors.Is(err, sq.ErrNotExact) && !errors.Is(err, ErrFamily) {
				t.Fatalf("%s at %v: error %v wraps no sentinel", q.Name, v, err)
			}
			return
		}
		if bad(eb) || eb < 0 {
			t.Fatalf("%s at %v: error bound %v with a nil error", q.Name, v, eb)
		}
		for i, o := range out {
			if bad(o) {
				t.Fatalf("%s at %v: answer[%d] = %v with a nil error", q.Name, v, i, o)
			}
		}
	})
}

func bad(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
