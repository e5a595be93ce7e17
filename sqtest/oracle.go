package sqtest

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/sqsim/sqsim/sq"
)

// Oracle checks that o keeps the sq.Oracle contract for the world truth
// (the distribution o answers about), reporting every violation to t:
//
//   - Tolerance: every query of Queries(d), asked at each tolerance (see
//     Tolerances), is answered within tau of truth.Expect in the query's
//     norm (every coordinate for sq.CoordNorm, the Euclidean norm for
//     sq.EuclidNorm), allowing truth's stated error bound. At most the
//     number of answers set by Failures may miss. A query truth cannot
//     compute (sq.ErrNotExact) is skipped; a query o refuses for its class
//     (sq.ErrClass) or as not computable (sq.ErrNotExact) is skipped, but o
//     must answer at least one. Any other error is a violation.
//   - Errors: a nil query, a short or nil answer slice and a query of the
//     wrong dimension return an error wrapping sq.ErrQuery (or sq.ErrClass
//     for a query whose class o refuses); a tolerance that is NaN, zero,
//     negative or infinite returns one wrapping sq.ErrTolerance (unless
//     IgnoresTau). Nothing panics; after a panic (reported) o is not asked
//     again, as its state is unknown. These checks come last.
//   - Queries are values: Answer leaves every field of the query and its
//     fingerprint as they were, and writes nothing past ans[:q.Dim].
//   - Determinism: with Deterministic, asking a query again gives the same
//     bits; with Rebuild, two fresh oracles asked the same sequence give the
//     same bits.
func Oracle(t TB, o sq.Oracle, truth sq.World, opts ...Option) {
	t.Helper()
	if o == nil || truth == nil {
		t.Errorf("sqtest.Oracle: nil oracle or nil truth (oracle %v, truth %v)", o, truth)
		return
	}
	c := newConfig(opts)
	name := safeName(o)
	d := truth.Setting().D
	qs := Queries(d)
	if len(qs) == 0 {
		t.Errorf("sqtest.Oracle(%s): truth has dimension %d, want >= 1", name, d)
		return
	}
	k := &oracleKit{t: t, o: o, name: name, c: c, refused: map[string]bool{}}

	// The exact values of the battery.
	type exact struct {
		q   *sq.Query
		val []float64
		eb  float64
	}
	var cases []exact
	for _, q := range qs {
		val := make([]float64, q.Dim)
		var eb float64
		err := protect(func() (err error) { eb, err = truth.Expect(q, val); return })
		switch {
		case errors.Is(err, sq.ErrNotExact):
			continue
		case err != nil:
			t.Errorf("sqtest.Oracle(%s): truth.Expect(%s): %v", name, describe(q), err)
			continue
		}
		cases = append(cases, exact{q, val, eb})
	}

	// The tolerance guarantee, and that Answer leaves the query alone.
	var misses []string
	answered := 0
	for _, tau := range c.tols {
		for _, e := range cases {
			ans, err := k.answer("tolerance", e.q, tau)
			if err != nil {
				if errors.Is(err, sq.ErrClass) || errors.Is(err, sq.ErrNotExact) {
					k.refused[e.q.Name] = errors.Is(err, sq.ErrClass)
					continue
				}
				var pe *panicError
				if !errors.As(err, &pe) && !errors.Is(err, errPanicked) {
					t.Errorf("sqtest.Oracle(%s): Answer(%s, tau=%g) failed on a valid query: %v", name, describe(e.q), tau, err)
				}
				continue
			}
			answered++
			if msg := outside(e.q, tau, ans, e.val, e.eb); msg != "" {
				misses = append(misses, fmt.Sprintf("Answer(%s, tau=%g): %s", describe(e.q), tau, msg))
			}
		}
	}
	if answered == 0 {
		t.Errorf("sqtest.Oracle(%s): answered none of the %d battery queries at tolerances %v", name, len(cases), c.tols)
	}
	if len(misses) > c.failures {
		for _, m := range misses {
			t.Errorf("sqtest.Oracle(%s): outside the tolerance (%d such answers, %d allowed): %s", name, len(misses), c.failures, m)
		}
	}

	tau := c.tols[0:1]
	if len(tau) == 0 {
		tau = []float64{0.1}
	}
	if c.deterministic {
		for _, e := range cases {
			a1, err1 := k.answer("determinism", e.q, tau[0])
			a2, err2 := k.answer("determinism", e.q, tau[0])
			if (err1 == nil) != (err2 == nil) {
				t.Errorf("sqtest.Oracle(%s): not deterministic: asking %s twice at tau=%g gave errors %v then %v", name, describe(e.q), tau[0], err1, err2)
			} else if err1 == nil && !sameVec(a1, a2) {
				t.Errorf("sqtest.Oracle(%s): not deterministic: asking %s twice at tau=%g gave %v then %v", name, describe(e.q), tau[0], a1, a2)
			}
		}
	}
	if c.rebuild != nil {
		qs := make([]*sq.Query, len(cases))
		for i, e := range cases {
			qs[i] = e.q
		}
		k.rebuilt(qs)
	}
	k.badInput(d, qs)
}

type oracleKit struct {
	t        TB
	o        sq.Oracle
	name     string
	c        *config
	refused  map[string]bool // battery queries refused, by name: true for their class
	panicked bool            // o panicked: its state is unknown, it is not asked again
}

// errPanicked is the error of a question not asked of an oracle that
// panicked before.
var errPanicked = errors.New("sqtest: not asked: the oracle panicked earlier")

// answer asks o for q at tau into a new slice filled with NaN, reporting a
// panic or a change to q.
func (k *oracleKit) answer(check string, q *sq.Query, tau float64) ([]float64, error) {
	k.t.Helper()
	buf := nanSlice(q.Dim + 1)
	buf[q.Dim] = guard
	ans, err := k.answerInto(check, k.o, q, tau, buf)
	if !sameBits(buf[q.Dim], guard) {
		k.t.Errorf("sqtest.Oracle(%s): %s: Answer(%s, tau=%g) wrote %v past ans[:q.Dim] (len(ans) = %d)", k.name, check, describe(q), tau, buf[q.Dim], len(buf))
	}
	return ans[:q.Dim], err
}

// guard is the value Oracle puts after ans[:q.Dim], which Answer must leave.
const guard = -1234.5

func (k *oracleKit) answerInto(check string, o sq.Oracle, q *sq.Query, tau float64, ans []float64) ([]float64, error) {
	k.t.Helper()
	if o == k.o && k.panicked {
		return ans, errPanicked
	}
	var before *sq.Query
	var fp uint64
	if q != nil {
		before, fp = cloneQuery(q), q.Fingerprint()
	}
	err := protect(func() error { return o.Answer(q, tau, ans) })
	var pe *panicError
	if errors.As(err, &pe) {
		if o == k.o {
			k.panicked = true
		}
		k.t.Errorf("sqtest.Oracle(%s): %s: Answer(%s, tau=%g, len(ans)=%d) panicked: %v", k.name, check, describe(q), tau, len(ans), pe)
	}
	if q != nil {
		if same, field := sameQuery(before, q); !same || q.Fingerprint() != fp {
			k.t.Errorf("sqtest.Oracle(%s): %s: Answer(%s, tau=%g) modified the query (field %s; fingerprint %016x before, %016x after)",
				k.name, check, describe(before), tau, field, fp, q.Fingerprint())
		}
	}
	return ans, err
}

// badInput asks questions o must refuse.
func (k *oracleKit) badInput(d int, battery []*sq.Query) {
	k.t.Helper()
	tau := 0.1
	if len(k.c.tols) > 0 {
		tau = k.c.tols[0]
	}
	// A scalar query o answers (the first of the battery it did not refuse),
	// for the checks that concern tau and the answer slice.
	scalar := battery[len(battery)-1] // the Boolean query
	for _, q := range battery {
		if q.Dim == 1 && !k.refused[q.Name] {
			scalar = q
			break
		}
	}
	chow := sq.Chow(d)
	wide := cloneQuery(scalar)
	for j := range wide.Terms {
		if f := &wide.Terms[j].Feature; f.W != nil {
			f.W = append(f.W, 0) // the same norm: only the length is wrong
		}
	}
	wide.Name += "|d+1"
	type bad struct {
		what string
		q    *sq.Query
		tau  float64
		ans  []float64
		want error
	}
	cases := []bad{
		{"nil answer slice", scalar, tau, nil, sq.ErrQuery},
		{"answer slice one short", chow, tau, nanSlice(d - 1), sq.ErrQuery},
		{"query of dimension d+1", sq.Chow(d + 1), tau, nanSlice(d + 1), sq.ErrQuery},
	}
	if wide.Terms[0].Feature.W != nil {
		cases = append(cases, bad{"weights of length d+1", wide, tau, nanSlice(1), sq.ErrQuery})
	}
	if !k.c.ignoresTau {
		for _, bt := range []float64{math.NaN(), 0, -tau, math.Inf(1)} {
			cases = append(cases, bad{fmt.Sprintf("tolerance %v", bt), scalar, bt, nanSlice(1), sq.ErrTolerance})
		}
	}
	// The nil query last: an oracle that panics is not asked again.
	cases = append(cases, bad{"nil query", nil, tau, nanSlice(d), sq.ErrQuery})
	for _, b := range cases {
		_, err := k.answerInto("bad input: "+b.what, k.o, b.q, b.tau, b.ans)
		var pe *panicError
		switch {
		case errors.As(err, &pe), errors.Is(err, errPanicked):
			// reported by answerInto
		case err == nil:
			k.t.Errorf("sqtest.Oracle(%s): bad input: %s: Answer(%s, tau=%v, len(ans)=%d) returned no error, want one wrapping %v",
				k.name, b.what, describe(b.q), b.tau, len(b.ans), b.want)
		case errors.Is(err, b.want):
		case b.q != nil && k.refused[baseName(b.q)] && errors.Is(err, sq.ErrClass):
		default:
			k.t.Errorf("sqtest.Oracle(%s): bad input: %s: Answer(%s, tau=%v, len(ans)=%d) = %v, want an error wrapping %v",
				k.name, b.what, describe(b.q), b.tau, len(b.ans), err, b.want)
		}
	}
}

// baseName is the battery name a bad query was made from.
func baseName(q *sq.Query) string {
	if n, ok := strings.CutSuffix(q.Name, "|d+1"); ok {
		return n
	}
	return q.Name
}

// rebuilt asks two rebuilt oracles the same sequence.
func (k *oracleKit) rebuilt(qs []*sq.Query) {
	k.t.Helper()
	var os [2]sq.Oracle
	for i := range os {
		err := protect(func() (err error) { os[i], err = k.c.rebuild(); return })
		if err != nil || os[i] == nil {
			k.t.Errorf("sqtest.Oracle(%s): Rebuild: the constructor returned (%v, %v)", k.name, os[i], err)
			return
		}
	}
	type answer struct {
		v   []float64
		err error
	}
	var got [2][]answer
	for i, o := range os {
		for _, tau := range k.c.tols {
			for _, q := range qs {
				v, err := k.answerInto("rebuild", o, q, tau, nanSlice(q.Dim))
				got[i] = append(got[i], answer{v, err})
			}
		}
	}
	n := 0
	for _, tau := range k.c.tols {
		for _, q := range qs {
			a, b := got[0][n], got[1][n]
			n++
			if (a.err == nil) != (b.err == nil) || (a.err == nil && !sameVec(a.v, b.v)) {
				k.t.Errorf("sqtest.Oracle(%s): Rebuild: two fresh oracles asked the same sequence differ at %s, tau=%g: (%v, %v) and (%v, %v)",
					k.name, describe(q), tau, a.v, a.err, b.v, b.err)
			}
		}
	}
}

// outside returns "" when ans is within tau of val (error bound eb) in q's
// norm, and otherwise says by how much it misses.
func outside(q *sq.Query, tau float64, ans, val []float64, eb float64) string {
	slack := eb + 1e-9*tau
	if q.TolNorm == sq.EuclidNorm {
		s := 0.0
		for i := range val {
			s += (ans[i] - val[i]) * (ans[i] - val[i])
		}
		dist := math.Sqrt(s)
		if dist <= tau+math.Sqrt(float64(len(val)))*slack {
			return ""
		}
		return fmt.Sprintf("answer %v, truth %v (error bound %g): Euclidean distance %g > tau", ans, val, eb, dist)
	}
	for i := range val {
		if diff := math.Abs(ans[i] - val[i]); !(diff <= tau+slack) {
			return fmt.Sprintf("coordinate %d = %v, truth %v (error bound %g): |difference| %g > tau", i, ans[i], val[i], eb, diff)
		}
	}
	return ""
}

func nanSlice(n int) []float64 {
	if n < 0 {
		return nil
	}
	s := make([]float64, n)
	for i := range s {
		s[i] = math.NaN()
	}
	return s
}

// safeName is o.Name(), or a description of the panic it raised.
func safeName(o sq.Oracle) string {
	var name string
	if err := protect(func() error { name = o.Name(); return nil }); err != nil {
		return fmt.Sprintf("%T (Name panicked)", o)
	}
	return name
}
