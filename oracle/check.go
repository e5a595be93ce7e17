package oracle

import (
	"errors"
	"fmt"
	"math"
	"reflect"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// ErrOracle is the sentinel of an oracle that cannot be built or cannot
// answer: a nil world or pool, a world of dimension < 1, or an answer or
// error bound the world computed that is not a finite number. Test with
// errors.Is.
var ErrOracle = errors.New("oracle: invalid oracle or answer")

// isNil reports whether v is nil or a nil pointer, map, slice, func or
// channel inside an interface (whose methods would panic).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// worldDim returns the dimension of w, or an error wrapping ErrOracle for a
// nil world or a dimension < 1. who names the constructor.
func worldDim(w interface{ Setting() sq.Setting }, who string) (int, error) {
	if isNil(w) {
		return 0, fmt.Errorf("%w: %s: nil world", ErrOracle, who)
	}
	d := w.Setting().D
	if d < 1 {
		return 0, fmt.Errorf("%w: %s: world of dimension d = %d, want d >= 1", ErrOracle, who, d)
	}
	return d, nil
}

// checkQuery refuses a nil query before sq.CheckRequest dereferences it.
func checkQuery(q *sq.Query, tau float64, ans []float64, d int) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	return sq.CheckRequest(q, tau, ans, d)
}

// checkAnswer returns an error wrapping ErrOracle and sq.ErrNotExact when
// the error bound eb or a coordinate of ans is not finite (NaN or ±Inf):
// such an answer carries no guarantee and is never passed on.
func checkAnswer(q *sq.Query, eb float64, ans []float64) error {
	if math.IsNaN(eb) || math.IsInf(eb, 0) || eb < 0 {
		return fmt.Errorf("%w: %w: query %q: the world's error bound is %v, not a finite non-negative number", ErrOracle, sq.ErrNotExact, q.Name, eb)
	}
	for i, v := range ans {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: %w: query %q: coordinate %d of the answer is %v, not a finite number", ErrOracle, sq.ErrNotExact, q.Name, i, v)
		}
	}
	return nil
}

// brokenOracle is what a constructor without an error return gives for bad
// arguments: every Answer returns err.
type brokenOracle struct {
	name string
	err  error
}

func (o brokenOracle) Name() string { return o.name }

func (o brokenOracle) Answer(*sq.Query, float64, []float64) error { return o.err }

// checkDegrees refuses a query with a Hermite feature of degree above
// gauss.MaxHermiteDegree: evaluating h_n costs O(n) per point, so such a
// query would run for hours rather than be answered.
func checkDegrees(q *sq.Query) error {
	for j := range q.Terms {
		f := &q.Terms[j].Feature
		if f.Kind != sq.FeatHermite {
			continue
		}
		for _, n := range f.Deg {
			if n > gauss.MaxHermiteDegree {
				return fmt.Errorf("%w: %w: query %q term %d: Hermite degree %d exceeds the limit %d (h_n costs O(n) per point)", ErrOracle, sq.ErrNotExact, q.Name, j, n, gauss.MaxHermiteDegree)
			}
		}
	}
	return nil
}
