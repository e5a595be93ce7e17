package oracle

import (
	"fmt"
	"math"
	"sync"

	"github.com/sqsim/sqsim/sq"
)

// Middleware wraps an oracle in another with the same contract.
type Middleware func(sq.Oracle) sq.Oracle

// Chain wraps base in the middleware, the first one outermost:
// Chain(o, A, B) is A(B(o)). A nil base gives an oracle whose every answer
// is an error wrapping ErrOracle; nil middleware are skipped.
func Chain(base sq.Oracle, mw ...Middleware) sq.Oracle {
	o := base
	if isNil(o) {
		o = brokenOracle{name: "nil", err: fmt.Errorf("%w: Chain: nil base oracle", ErrOracle)}
	}
	for i := len(mw) - 1; i >= 0; i-- {
		if mw[i] != nil {
			o = mw[i](o)
		}
	}
	return o
}

// samplesOf forwards sq.SampleReporter through wrappers.
func samplesOf(o sq.Oracle) (int64, bool) {
	if r, ok := o.(sq.SampleReporter); ok {
		return r.LastSamples()
	}
	return 0, false
}

// WithLedger records every answered query in l (refused queries are not
// recorded), with the wall time of the answer and, for sampling oracles
// below it, the examples used: sq.Recording as a middleware, so that
// Session.Batch sees the ledger (sq.RecordingLedger).
func WithLedger(l *sq.Ledger) Middleware {
	return func(o sq.Oracle) sq.Oracle { return sq.Recording(o, l) }
}

// WithBudget refuses, with a *sq.BudgetError, the first query that would
// take the queries answered through it over b. It counts what it passes on,
// so it may sit anywhere in a chain.
func WithBudget(b sq.Budget) Middleware {
	return func(o sq.Oracle) sq.Oracle { return &budgetOracle{inner: o, b: b} }
}

type budgetOracle struct {
	inner sq.Oracle
	b     sq.Budget
	mu    sync.Mutex
	sum   sq.Summary
}

func (o *budgetOracle) Name() string               { return "budget(" + o.inner.Name() + ")" }
func (o *budgetOracle) LastSamples() (int64, bool) { return samplesOf(o.inner) }
func (o *budgetOracle) EffectiveTol(tau float64) float64 {
	return sq.EffectiveTol(o.inner, tau)
}

// Answer checks the budget at the effective tolerance (a floor below may
// raise it), so the budget caps what the oracle actually spends.
func (o *budgetOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	if !(tau > 0) || math.IsInf(tau, 1) {
		return fmt.Errorf("%w: query %q asked at tolerance %g", sq.ErrTolerance, q.Name, tau)
	}
	eff := sq.EffectiveTol(o.inner, tau)
	o.mu.Lock()
	if err := o.b.Check(o.sum, q, eff); err != nil {
		o.mu.Unlock()
		return err
	}
	o.mu.Unlock()
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	o.mu.Lock()
	o.sum.Add(q, eff, false)
	o.mu.Unlock()
	return nil
}

// WithCache answers a query asked again (same fingerprint) from memory when
// the earlier answer was given at a tolerance no larger than the one asked
// now (it then satisfies the new tolerance too); otherwise it asks the
// oracle below and keeps the new answer. Queries are identified by
// sq.Query.Fingerprint, so Go functions in queries must be named.
func WithCache() Middleware {
	return func(o sq.Oracle) sq.Oracle { return &cacheOracle{inner: o, m: map[uint64]cached{}} }
}

type cached struct {
	tau float64
	ans []float64
}

type cacheOracle struct {
	inner      sq.Oracle
	mu         sync.Mutex
	m          map[uint64]cached
	hits, miss int
	lastHit    bool
}

func (o *cacheOracle) Name() string { return "cache(" + o.inner.Name() + ")" }

func (o *cacheOracle) LastSamples() (int64, bool) {
	if o.lastHit {
		return 0, false
	}
	return samplesOf(o.inner)
}

func (o *cacheOracle) EffectiveTol(tau float64) float64 {
	return sq.EffectiveTol(o.inner, tau)
}

// Answer compares tolerances after any floor below: an answer given at an
// effective tolerance no larger than this query's is reused.
func (o *cacheOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", sq.ErrQuery)
	}
	if !(tau > 0) || math.IsInf(tau, 1) {
		// Checked here: a cached answer would otherwise be served for any
		// tau at least the cached one, +Inf included.
		return fmt.Errorf("%w: query %q asked at tolerance %g", sq.ErrTolerance, q.Name, tau)
	}
	tau = sq.EffectiveTol(o.inner, tau)
	key := q.Fingerprint()
	o.mu.Lock()
	if c, ok := o.m[key]; ok && c.tau <= tau && len(c.ans) == q.Dim && len(ans) >= q.Dim {
		copy(ans, c.ans)
		o.hits++
		o.lastHit = true
		o.mu.Unlock()
		return nil
	}
	o.mu.Unlock()
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	o.mu.Lock()
	o.m[key] = cached{tau: tau, ans: append([]float64(nil), ans[:q.Dim]...)}
	o.miss++
	o.lastHit = false
	o.mu.Unlock()
	return nil
}

// WithClasses refuses, with a *sq.ClassError, every query none of whose
// classes within accepted is proved by its terms (sq.CheckClass; classes
// are proved from the terms by sq.Query.Prove, not taken from the query's
// declaration): WithClasses(sq.Correlational) turns any oracle into a CSQ
// oracle, which refuses a query with a y^2 term whatever it declares.
//
// A class that rests on a Go function (a func label, a joint term G(U x, y),
// a ridge or func feature) can be neither proved nor refuted, and is refused
// too, unless the option TrustDeclared is given: then such a query is
// answered when it declares an accepted class. The trust is recorded in
// Name ("classes[correlational,trust-declared](...)"), so the ledger's
// oracle field shows it. The accepted set is usually parsed with
// sq.ParseClass ("correlational", "bounded|l2", ...).
func WithClasses(accepted sq.Class, opts ...ClassOption) Middleware {
	var c classConfig
	for _, opt := range opts {
		if opt != nil {
			opt(&c)
		}
	}
	return func(o sq.Oracle) sq.Oracle { return &classOracle{inner: o, accepted: accepted, trust: c.trust} }
}

// ClassOption configures WithClasses.
type ClassOption func(*classConfig)

type classConfig struct{ trust bool }

// TrustDeclared makes WithClasses accept a query whose declared class rests
// on a Go function that the proof cannot read (sq.Proof.Unproven). A class
// that a term refutes is refused all the same.
func TrustDeclared() ClassOption { return func(c *classConfig) { c.trust = true } }

type classOracle struct {
	inner    sq.Oracle
	accepted sq.Class
	trust    bool
}

func (o *classOracle) Name() string {
	if o.inner == nil {
		return fmt.Sprintf("classes[%s](<nil>)", o.accepted)
	}
	if o.trust {
		return fmt.Sprintf("classes[%s,trust-declared](%s)", o.accepted, o.inner.Name())
	}
	return fmt.Sprintf("classes[%s](%s)", o.accepted, o.inner.Name())
}
func (o *classOracle) LastSamples() (int64, bool) { return samplesOf(o.inner) }
func (o *classOracle) EffectiveTol(tau float64) float64 {
	return sq.EffectiveTol(o.inner, tau)
}

func (o *classOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	check := sq.CheckClass
	if o.trust {
		check = sq.CheckClassTrusting
	}
	if err := check(q, o.accepted, o.Name()); err != nil {
		return err
	}
	if o.inner == nil {
		return fmt.Errorf("%w: %s has no oracle below it", sq.ErrNoOracle, o.Name())
	}
	return o.inner.Answer(q, tau, ans)
}
