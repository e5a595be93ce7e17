package sqtest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/sqsim/sqsim/sq"
)

// World checks that w keeps the sq.World contract, reporting every
// violation to t:
//
//   - Setting: it validates (d >= 1, a non-empty label range), and every
//     example w.Sample draws has d finite coordinates and a label in
//     [LabelMin, LabelMax].
//   - Sample is reproducible: two generators in the same state give the
//     same examples, bit for bit; drawing no examples does not panic.
//   - Expect against Monte Carlo: for every query of Queries(d) that w can
//     compute (an error wrapping sq.ErrNotExact skips the query; any other
//     error is a violation), each coordinate of the exact value lies within
//     6 sigma/sqrt(n) + errBound of the mean of phi over n examples from
//     w.Sample (n set by Samples, default 200000; sigma the sample standard
//     deviation of that coordinate). The seed is set by Seed.
//   - Expect is deterministic (the same bits twice), does not modify the
//     query, and refuses a nil query, a short output slice and a query of
//     the wrong dimension with an error wrapping sq.ErrQuery. Nothing panics.
func World(t TB, w sq.World, opts ...Option) {
	t.Helper()
	if w == nil {
		t.Errorf("sqtest.World: nil world")
		return
	}
	k := &worldKit{t: t, w: w, c: newConfig(opts)}
	if !k.setting() {
		return
	}
	d := k.s.D
	if !k.smallDraw(d) {
		return
	}
	// Expect: bad input, determinism, queries left alone.
	k.badInput(d)
	cases := k.exactCases(d)
	if !k.monteCarlo(d, cases) {
		return
	}
	k.compare(cases)
}

// worldKit is the world under test and what World's phases share: its
// name for messages, World's options and the world's Setting.
type worldKit struct {
	t    TB
	w    sq.World
	name string
	c    *config
	s    sq.Setting
}

// exactCase is a query w computes exactly, its value and error bound, and
// the Monte Carlo sums of phi and phi^2 per coordinate.
type exactCase struct {
	q   *sq.Query
	val []float64
	eb  float64
	ev  *sq.Evaluator
	sum []float64
	sq  []float64
}

// setting reads and validates the world's Setting and names the world; it
// reports whether World can go on.
func (k *worldKit) setting() bool {
	k.t.Helper()
	if err := protect(func() error { k.s = k.w.Setting(); return nil }); err != nil {
		k.t.Errorf("sqtest.World(%T): Setting: %v", k.w, err)
		return false
	}
	k.name = fmt.Sprintf("%s, d=%d", worldName(k.w), k.s.D)
	if err := k.s.Validate(); err != nil {
		k.t.Errorf("sqtest.World(%s): Setting %+v: %v", k.name, k.s, err)
		return false
	}
	return true
}

// smallDraw checks, on a small draw, that Sample is reproducible and that
// drawing no examples works; it reports whether World can go on.
func (k *worldKit) smallDraw(d int) bool {
	k.t.Helper()
	const small = 512
	x1, y1 := make([]float64, small*d), make([]float64, small)
	x2, y2 := make([]float64, small*d), make([]float64, small)
	if err := protect(func() error { k.w.Sample(rand.New(rand.NewPCG(k.c.seed, 0x5ec0)), x1, y1); return nil }); err != nil {
		k.t.Errorf("sqtest.World(%s): Sample of %d examples: %v", k.name, small, err)
		return false
	}
	_ = protect(func() error { k.w.Sample(rand.New(rand.NewPCG(k.c.seed, 0x5ec0)), x2, y2); return nil })
	if !sameVec(x1, x2) || !sameVec(y1, y2) {
		k.t.Errorf("sqtest.World(%s): Sample is not reproducible: two generators seeded (%d, 0x5ec0) drew different examples", k.name, k.c.seed)
	}
	if err := protect(func() error { k.w.Sample(rand.New(rand.NewPCG(k.c.seed, 1)), nil, nil); return nil }); err != nil {
		k.t.Errorf("sqtest.World(%s): Sample of no examples: %v", k.name, err)
	}
	return true
}

// exactCases is the queries of Queries(d) the world computes, each checked
// for a finite error bound and a deterministic value.
func (k *worldKit) exactCases(d int) []*exactCase {
	k.t.Helper()
	var cases []*exactCase
	for _, q := range Queries(d) {
		val, eb, err := k.expect(q, len(nanSlice(q.Dim)))
		switch {
		case errors.Is(err, sq.ErrNotExact):
			continue
		case err != nil:
			var pe *panicError
			if !errors.As(err, &pe) {
				k.t.Errorf("sqtest.World(%s): Expect(%s) failed on a valid query: %v", k.name, describe(q), err)
			}
			continue
		}
		if !(eb >= 0) || math.IsInf(eb, 0) {
			k.t.Errorf("sqtest.World(%s): Expect(%s) returned error bound %v, want a finite number >= 0", k.name, describe(q), eb)
			continue
		}
		again, _, err := k.expect(q, q.Dim)
		if err != nil || !sameVec(val, again) {
			k.t.Errorf("sqtest.World(%s): Expect(%s) is not deterministic: %v then %v (error %v)", k.name, describe(q), val, again, err)
		}
		cases = append(cases, &exactCase{q: q, val: val, eb: eb, ev: sq.NewEvaluator(q), sum: make([]float64, q.Dim), sq: make([]float64, q.Dim)})
	}
	return cases
}

// monteCarlo draws the configured number of examples in chunks, checks each
// lies in the Setting, and sums phi and phi^2 of every case over them; it
// reports whether World can go on.
func (k *worldKit) monteCarlo(d int, cases []*exactCase) bool {
	k.t.Helper()
	const chunk = 8192
	s, c := k.s, k.c
	r := rand.New(rand.NewPCG(c.seed, 0x3c))
	x, y := make([]float64, chunk*d), make([]float64, chunk)
	out := make([]float64, 0, 64)
	outOfRange := 0
	for done := 0; done < c.samples; {
		m := min(chunk, c.samples-done)
		if err := protect(func() error { k.w.Sample(r, x[:m*d], y[:m]); return nil }); err != nil {
			k.t.Errorf("sqtest.World(%s): Sample of %d examples: %v", k.name, m, err)
			return false
		}
		for i := range m {
			xi, yi := x[i*d:(i+1)*d], y[i]
			if !(yi >= s.LabelMin && yi <= s.LabelMax) || !allFinite(xi) {
				if outOfRange < 3 {
					k.t.Errorf("sqtest.World(%s): Sample drew x = %v, y = %v; want finite x and y in the Setting's [%v, %v]", k.name, xi, yi, s.LabelMin, s.LabelMax)
				}
				outOfRange++
				continue
			}
			for _, e := range cases {
				out = out[:e.q.Dim]
				e.ev.Eval(xi, yi, out)
				for j, v := range out {
					e.sum[j] += v
					e.sq[j] += v * v
				}
			}
		}
		done += m
	}
	if outOfRange > 0 {
		k.t.Errorf("sqtest.World(%s): %d of %d sampled examples fall outside the Setting", k.name, outOfRange, c.samples)
		return false
	}
	return true
}

// compare checks each coordinate of each case's exact value against its
// Monte Carlo mean: within 6 sd/sqrt(n) + the error bound (+ rounding).
func (k *worldKit) compare(cases []*exactCase) {
	k.t.Helper()
	n := float64(k.c.samples)
	for _, e := range cases {
		for j := range e.val {
			mean := e.sum[j] / n
			sd := math.Sqrt(math.Max(0, e.sq[j]/n-mean*mean) * n / (n - 1))
			bound := 6*sd/math.Sqrt(n) + e.eb + 1e-12*math.Max(1, math.Abs(e.val[j]))
			if diff := math.Abs(mean - e.val[j]); !(diff <= bound) {
				k.t.Errorf("sqtest.World(%s): Expect(%s) coordinate %d = %v (error bound %g), but the mean of %d samples is %v (sd %g): |difference| %g > 6 sd/sqrt(n) + error bound = %g",
					k.name, describe(e.q), j, e.val[j], e.eb, k.c.samples, mean, sd, diff, bound)
			}
		}
	}
}

// expect calls Expect into a NaN-filled slice of length n, reporting a
// panic or a change to q.
func (k *worldKit) expect(q *sq.Query, n int) ([]float64, float64, error) {
	k.t.Helper()
	out := nanSlice(n)
	var before *sq.Query
	var fp uint64
	if q != nil {
		before, fp = cloneQuery(q), q.Fingerprint()
	}
	var eb float64
	err := protect(func() (err error) { eb, err = k.w.Expect(q, out); return })
	var pe *panicError
	if errors.As(err, &pe) {
		k.t.Errorf("sqtest.World(%s): Expect(%s, len(out)=%d) panicked: %v", k.name, describe(q), n, pe)
	}
	if q != nil {
		if same, field := sameQuery(before, q); !same || q.Fingerprint() != fp {
			k.t.Errorf("sqtest.World(%s): Expect(%s) modified the query (field %s)", k.name, describe(before), field)
		}
	}
	return out, eb, err
}

func (k *worldKit) badInput(d int) {
	k.t.Helper()
	cases := []struct {
		what string
		q    *sq.Query
		n    int
	}{
		{"nil query", nil, d},
		{"output slice one short", sq.Chow(d), d - 1},
		{"query of dimension d+1", sq.Chow(d + 1), d + 1},
		{"weights of length d+1", sq.ReluCorr(make([]float64, d+1)), 1},
	}
	for _, b := range cases {
		_, _, err := k.expect(b.q, b.n)
		var pe *panicError
		switch {
		case errors.As(err, &pe):
		case err == nil:
			k.t.Errorf("sqtest.World(%s): %s: Expect(%s, len(out)=%d) returned no error, want one wrapping sq.ErrQuery", k.name, b.what, describe(b.q), b.n)
		case !errors.Is(err, sq.ErrQuery):
			k.t.Errorf("sqtest.World(%s): %s: Expect(%s, len(out)=%d) = %v, want an error wrapping sq.ErrQuery", k.name, b.what, describe(b.q), b.n, err)
		}
	}
}

func allFinite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
