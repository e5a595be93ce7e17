// Package sqtest is a conformance kit for implementations of sqsim's
// interfaces, in the manner of testing/fstest and testing/slogtest: a user
// who writes an oracle, a world or a learner runs the matching check from
// a test of their own,
//
//	func TestMyOracle(t *testing.T) {
//		sqtest.Oracle(t, myOracle, truth, sqtest.Deterministic())
//	}
//
// and every way the implementation departs from its contract is reported
// through t.Errorf, one message per violation naming the query and the
// values involved.
//
//   - Oracle checks the tolerance guarantee of sq.Oracle on a fixed
//     battery of queries (Queries) at several tolerances, the error
//     sentinels for bad input, that Answer does not modify the query, and
//     determinism when the oracle claims it.
//   - World checks the exact expectations of an sq.World against a Monte
//     Carlo estimate from its own Sample, seeded reproducibility of Sample,
//     the consistency of its Setting, and the errors of Expect.
//   - Learner checks the sq.Learner contract on a small realizable world:
//     it asks through the session, never below the tolerance it was
//     given, is deterministic for a seed, and returns a hypothesis or an
//     error, never panicking.
//
// A panic in the code under test is recovered and reported as a failure.
// The checks are fast (dimension 4, a few dozen queries); the Monte Carlo
// size and the tolerances can be set with options.
package sqtest

import (
	"fmt"
	"math"
	"runtime/debug"
	"strings"

	"github.com/sqsim/sqsim/sq"
)

// TB is the part of testing.TB the kit uses; *testing.T, *testing.B,
// *testing.F and testing.TB satisfy it.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// An Option configures a check. Options that do not apply to a check are
// ignored by it.
type Option func(*config)

type config struct {
	tols          []float64
	deterministic bool
	rebuild       func() (sq.Oracle, error)
	failures      int
	ignoresTau    bool
	samples       int
	seed          uint64
	tol           float64
	world         sq.World
	allowError    bool
}

func newConfig(opts []Option) *config {
	c := &config{tols: []float64{0.1, 0.03, 0.01}, samples: 200_000, seed: 1, tol: 0.01}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// Tolerances sets the tolerances at which Oracle asks the battery
// (default 0.1, 0.03, 0.01). Non-positive or non-finite values are dropped.
func Tolerances(tau ...float64) Option {
	return func(c *config) {
		c.tols = c.tols[:0:0]
		for _, t := range tau {
			if t > 0 && !math.IsInf(t, 0) {
				c.tols = append(c.tols, t)
			}
		}
	}
}

// Deterministic tells Oracle that the oracle answers the same query at the
// same tolerance with the same bits every time it is asked (the exact
// oracle, a cache): Oracle then asks every query twice and compares.
func Deterministic() Option { return func(c *config) { c.deterministic = true } }

// Rebuild gives Oracle a constructor of fresh oracles in the same initial
// state (a randomised oracle built from the same seed): Oracle asks the
// battery of two rebuilt oracles in the same order and requires identical
// answers, bit for bit.
func Rebuild(build func() (sq.Oracle, error)) Option {
	return func(c *config) { c.rebuild = build }
}

// Failures allows up to k answers outside the tolerance in Oracle's
// battery: a sampling oracle keeps the guarantee only with probability
// 1 - delta per answer. Default 0.
func Failures(k int) Option { return func(c *config) { c.failures = max(k, 0) } }

// IgnoresTau tells Oracle that the oracle sets its own tolerance and
// ignores the tau it is given (VSTAT): the bad-tolerance checks are skipped;
// answers are still checked against the tolerance asked.
func IgnoresTau() Option { return func(c *config) { c.ignoresTau = true } }

// Samples sets the Monte Carlo size of World (default 200000).
func Samples(n int) Option { return func(c *config) { c.samples = max(n, 100) } }

// Seed sets the seed of World's samples and of Learner's session (default 1).
func Seed(s uint64) Option { return func(c *config) { c.seed = s } }

// Tol sets the tolerance Learner gives the learner (default 0.01).
func Tol(tol float64) Option { return func(c *config) { c.tol = tol } }

// On sets the world Learner runs the learner on (default: the realizable
// ReLU of LearnerWorld). Its exact expectations must be available.
func On(w sq.World) Option { return func(c *config) { c.world = w } }

// AllowError tells Learner that the learner may fail on its world with an
// error (a learner for another family): the error is then not reported,
// while the other checks still run.
func AllowError() Option { return func(c *config) { c.allowError = true } }

// protect runs fn and turns a panic into an error naming it and where it
// happened.
func protect(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &panicError{val: r, stack: firstFrames(string(debug.Stack()))}
		}
	}()
	return fn()
}

type panicError struct {
	val   any
	stack string
}

func (e *panicError) Error() string { return fmt.Sprintf("panic: %v\n%s", e.val, e.stack) }

// firstFrames keeps the frames of a stack below the panic, a few lines.
func firstFrames(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "panic(") {
			lines = lines[i:]
			break
		}
	}
	if len(lines) > 9 {
		lines = lines[:9]
	}
	return strings.Join(lines, "\n")
}

// describe names a query in messages.
func describe(q *sq.Query) string {
	if q == nil {
		return "<nil query>"
	}
	return fmt.Sprintf("%q (fp %016x, dim %d, %s)", q.Name, q.Fingerprint(), q.Dim, q.TolNorm)
}
