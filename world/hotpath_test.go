package world

import (
	"math"
	"testing"

	"github.com/sqsim/sqsim/sq"
)

// TestQuickValid: the fast validation of Expect accepts exactly the queries
// that sq.Query.Validate accepts, on a table of good and broken queries.
func TestQuickValid(t *testing.T) {
	d := 4
	w := []float64{0.5, -1, 2, 0.25}
	bad := func(mod func(q *sq.Query)) *sq.Query {
		q := sq.Grad(w)
		mod(q)
		return q
	}
	qs := []struct {
		name string
		q    *sq.Query
	}{
		{"Grad", sq.Grad(w)}, {"GateCorr", sq.GateCorr(w)}, {"Chow", sq.Chow(d)}, {"ReluCorr", sq.ReluCorr(w)},
		{"Loss", sq.Loss(w)}, {"StepCorr", sq.StepCorr(w)}, {"LabelMoment(2)", sq.LabelMoment(2)},
		{"ReluBatch", sq.ReluBatch([][]float64{w})}, {"HermiteCorr", sq.HermiteCorr([]int{1}, []int{2})}, {"nil", nil},
		{"weight of the wrong length", sq.GateCorr([]float64{1, 2, 3})},
		{"NaN weight", sq.GateCorr([]float64{1, math.NaN(), 0, 0})},
		{"-Inf weight", sq.GateCorr([]float64{1, math.Inf(-1), 0, 0})},
		{"w.w overflows", sq.GateCorr([]float64{1e300, 1e300, 0, 0})}, // finite, but w.w overflows: the full check decides
		{"dim 0", bad(func(q *sq.Query) { q.Dim = 0 })},
		{"dim 3", bad(func(q *sq.Query) { q.Dim = 3 })},
		{"no terms", bad(func(q *sq.Query) { q.Terms = nil })},
		{"infinite bound", bad(func(q *sq.Query) { q.Bound = math.Inf(1) })},
		{"negative bound", bad(func(q *sq.Query) { q.Bound = -1 })},
		{"NaN bound", bad(func(q *sq.Query) { q.Bound = math.NaN() })},
		{"no class", bad(func(q *sq.Query) { q.Class = 0 })},
		{"unknown class bit", bad(func(q *sq.Query) { q.Class = 64 })},
		{"NaN coefficient", bad(func(q *sq.Query) { q.Terms[0].Coef = math.NaN() })},
		{"infinite coefficient", bad(func(q *sq.Query) { q.Terms[1].Coef = math.Inf(1) })},
		{"unknown label kind", bad(func(q *sq.Query) { q.Terms[0].Label.Kind = 99 })},
		{"unknown feature kind", bad(func(q *sq.Query) { q.Terms[0].Feature.Kind = 99 })},
		{"NaN label threshold", bad(func(q *sq.Query) { q.Terms[0].Label = sq.Label{Kind: sq.LabelAbove, T: math.NaN()} })},
		{"label function without Func", bad(func(q *sq.Query) { q.Terms[0].Label = sq.Label{Kind: sq.LabelFunc} })},
		{"short feature weight", bad(func(q *sq.Query) { q.Terms[1].Feature.W = q.Terms[1].Feature.W[:2] })},
		{"scalar feature in a vector query", bad(func(q *sq.Query) { q.Terms[0].Feature = sq.Feature{Kind: sq.FeatOne} })},
	}
	for _, c := range qs {
		t.Run(c.name, func(t *testing.T) {
			q := c.q
			want := q.Validate(d) == nil
			if got := quickValid(q, d); got && !want {
				t.Errorf("quickValid accepts a query Validate refuses (%v)", q.Validate(d))
			}
			if got, want := validate(q, d), q.Validate(d); (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Errorf("validate %v, Validate %v", got, want)
			}
		})
	}
	if !quickValid(sq.Grad(w), d) || !quickValid(sq.GateCorr(w), d) || !quickValid(sq.Loss(w), d) || !quickValid(sq.Chow(d), d) {
		t.Error("quickValid misses a hot-path query")
	}
}

// TestExpectAllocs: the exact answers of the common queries allocate
// nothing (the query itself is built once, outside the measured loop).
func TestExpectAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are not meaningful under the race detector")
	}
	d := 50
	w, v := make([]float64, d), make([]float64, d)
	for i := range w {
		w[i] = math.Sin(float64(i + 1))
		v[i] = math.Cos(float64(3*i + 1))
	}
	m, err := Realizable(v)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, d)
	for _, q := range []*sq.Query{sq.GateCorr(w), sq.Grad(w), sq.ReluCorr(w), sq.Loss(w), sq.Chow(d)} {
		t.Run(q.Name, func(t *testing.T) {
			if _, err := m.Expect(q, out); err != nil {
				t.Fatal(err)
			}
			if a := testing.AllocsPerRun(100, func() { m.Expect(q, out) }); a != 0 {
				t.Errorf("Expect(%q): %v allocations per call, want 0", q.Name, a)
			}
		})
	}
}
