package sqtest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"

	"github.com/sqsim/sqsim/sq"
)

// Learner checks that the learners newLearner builds keep the sq.Learner
// contract, reporting every violation to t. newLearner(tol) must return a
// learner that asks its queries at tolerance tol or above; for a learner
// registered in package learners it is
//
//	func(tol float64) (sq.Learner, error) {
//		return learners.New("mine", learners.Options{"tol": strconv.FormatFloat(tol, 'g', -1, 64)})
//	}
//
// Learner builds two learners with the tolerance set by Tol (default 0.01)
// and runs each on the world set by On (default LearnerWorld) through an
// exact oracle below a ledger, in a session whose random stream is
// sq.Stream(seed, sq.KeyLearner) (seed set by Seed). It checks:
//
//   - Learn returns a non-nil hypothesis whose predictions are finite, or an
//     error (an error is reported unless AllowError); it never panics, and
//     the ledger records no error.
//   - It asks through the session: every answer the oracle gave is in the
//     ledger, in order, and it asks at least one query.
//   - It honours tol: no query is asked at a tolerance below tol.
//   - It is deterministic for a seed: the two runs give identical ledgers
//     (names, fingerprints, tolerances, rounds and answers, bit for bit) and
//     identical predictions.
func Learner(t TB, newLearner func(tol float64) (sq.Learner, error), opts ...Option) {
	t.Helper()
	if newLearner == nil {
		t.Errorf("sqtest.Learner: nil constructor")
		return
	}
	c := newConfig(opts)
	if !(c.tol > 0) || math.IsInf(c.tol, 0) {
		t.Errorf("sqtest.Learner: tolerance %v, want a positive finite number", c.tol)
		return
	}
	w := c.world
	if w == nil {
		var err error
		if w, err = LearnerWorld(); err != nil {
			t.Errorf("sqtest.Learner: building the default world: %v", err)
			return
		}
	}
	var runs [2]*learnerRun
	for i := range runs {
		r, ok := runLearner(t, newLearner, c, w)
		if !ok {
			return
		}
		runs[i] = r
	}
	a, b := runs[0], runs[1]
	name := a.name
	if (a.err == nil) != (b.err == nil) {
		t.Errorf("sqtest.Learner(%s): not deterministic: two runs with seed %d returned errors %v and %v", name, c.seed, a.err, b.err)
	}
	if len(a.entries) != len(b.entries) {
		t.Errorf("sqtest.Learner(%s): not deterministic: two runs with seed %d asked %d and %d queries", name, c.seed, len(a.entries), len(b.entries))
	}
	for i := range min(len(a.entries), len(b.entries)) {
		e, f := a.entries[i], b.entries[i]
		if e.Name != f.Name || e.Fingerprint != f.Fingerprint || !sameBits(e.Tol, f.Tol) || e.Round != f.Round || e.Free != f.Free || !sameVec(e.Answer, f.Answer) {
			t.Errorf("sqtest.Learner(%s): not deterministic: with seed %d, query %d differs between two runs: %q fp %s tol %g round %d answer %v, then %q fp %s tol %g round %d answer %v",
				name, c.seed, i, e.Name, e.Fingerprint, e.Tol, e.Round, []float64(e.Answer), f.Name, f.Fingerprint, f.Tol, f.Round, []float64(f.Answer))
			break
		}
	}
	if !sameVec(a.predictions, b.predictions) {
		t.Errorf("sqtest.Learner(%s): not deterministic: with seed %d the two hypotheses predict %v and %v at the same points", name, c.seed, a.predictions, b.predictions)
	}
}

type learnerRun struct {
	name        string
	err         error
	entries     []sq.Entry
	predictions []float64
}

// runLearner builds and runs one learner; ok is false when the check
// cannot go on (the constructor failed, or the learner panicked).
func runLearner(t TB, newLearner func(float64) (sq.Learner, error), c *config, w sq.World) (*learnerRun, bool) {
	t.Helper()
	var l sq.Learner
	err := protect(func() (err error) { l, err = newLearner(c.tol); return })
	if err != nil || l == nil {
		t.Errorf("sqtest.Learner: the constructor at tol=%g returned (%v, %v)", c.tol, l, err)
		return nil, false
	}
	r := &learnerRun{name: fmt.Sprintf("%T", l)}
	if err := protect(func() error { r.name = l.Name(); return nil }); err != nil {
		t.Errorf("sqtest.Learner(%T): Name: %v", l, err)
	}
	base, err := exactOracle(w)
	if err != nil {
		t.Errorf("sqtest.Learner(%s): building the exact oracle: %v", r.name, err)
		return nil, false
	}
	spy := &spyOracle{inner: base}
	ledger := sq.NewLedger()
	s := &sq.Session{Setting: w.Setting(), Oracle: withLedger(spy, ledger), Ledger: ledger, Rand: sq.Stream(c.seed, sq.KeyLearner)}
	var h sq.Hypothesis
	r.err = protect(func() (err error) { h, err = l.Learn(s); return })
	var pe *panicError
	if errors.As(r.err, &pe) {
		t.Errorf("sqtest.Learner(%s): Learn panicked: %v", r.name, pe)
		return nil, false
	}
	r.entries = ledger.Entries()
	switch {
	case r.err != nil && !c.allowError:
		t.Errorf("sqtest.Learner(%s): Learn at tol=%g on %s returned error %v, want a hypothesis (use sqtest.AllowError if it may fail here)", r.name, c.tol, worldName(w), r.err)
	case r.err == nil && h == nil:
		t.Errorf("sqtest.Learner(%s): Learn returned neither a hypothesis nor an error", r.name)
	}
	if err := ledger.Err(); err != nil {
		t.Errorf("sqtest.Learner(%s): the ledger records an error: %v", r.name, err)
	}
	if r.err == nil && h != nil {
		pr := rand.New(rand.NewPCG(c.seed, 0xb0b))
		d := w.Setting().D
		x := make([]float64, d)
		for i := range 8 {
			for j := range x {
				x[j] = pr.NormFloat64()
			}
			var p float64
			if err := protect(func() error { p = h.Predict(x); return nil }); err != nil {
				t.Errorf("sqtest.Learner(%s): Predict(%v): %v", r.name, x, err)
				break
			}
			if math.IsNaN(p) || math.IsInf(p, 0) {
				t.Errorf("sqtest.Learner(%s): prediction %d at x = %v is %v, want a finite number", r.name, i, x, p)
			}
			r.predictions = append(r.predictions, p)
		}
	}

	// Through the session: the oracle's answers are the ledger's non-free
	// entries, in order.
	var asked []sq.Entry
	for _, e := range r.entries {
		if !e.Free {
			asked = append(asked, e)
		}
	}
	if len(spy.fps) == 0 && r.err == nil {
		t.Errorf("sqtest.Learner(%s): asked no query: an SQ learner learns from the answers to its queries", r.name)
	}
	if len(asked) != len(spy.fps) {
		t.Errorf("sqtest.Learner(%s): the oracle answered %d queries but the session's ledger recorded %d: ask through the session (s.Ask, s.AskVec, s.Oracle)", r.name, len(spy.fps), len(asked))
	} else {
		for i, e := range asked {
			if e.Fingerprint != strconv.FormatUint(spy.fps[i], 16) && e.Fingerprint != fmt.Sprintf("%016x", spy.fps[i]) {
				t.Errorf("sqtest.Learner(%s): query %d reached the oracle as fingerprint %016x but the ledger recorded %q (fp %s)", r.name, i, spy.fps[i], e.Name, e.Fingerprint)
				break
			}
		}
	}

	// The tolerance.
	low := 0
	for _, e := range asked {
		if e.Tol < c.tol*(1-1e-12) {
			if low < 5 {
				t.Errorf("sqtest.Learner(%s): given tol=%g, asked query %d %q (fp %s) at tolerance %g, below tol", r.name, c.tol, e.Seq, e.Name, e.Fingerprint, e.Tol)
			}
			low++
		}
	}
	if low > 5 {
		t.Errorf("sqtest.Learner(%s): given tol=%g, asked %d of %d queries below it", r.name, c.tol, low, len(asked))
	}
	return r, true
}

// spyOracle records the fingerprints of the queries that reach the oracle
// below the ledger.
type spyOracle struct {
	inner sq.Oracle
	fps   []uint64
}

func (o *spyOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	err := o.inner.Answer(q, tau, ans)
	if err == nil {
		o.fps = append(o.fps, q.Fingerprint())
	}
	return err
}

func (o *spyOracle) Name() string { return o.inner.Name() }

func worldName(w sq.World) string {
	if n, ok := w.(interface{ Name() string }); ok {
		return n.Name()
	}
	return fmt.Sprintf("%T", w)
}
