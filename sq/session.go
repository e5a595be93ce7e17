package sq

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// Session is everything a learner works with: the public Setting, an
// oracle, the ledger that counts its queries, and its own random stream.
// A learner asks queries through the session, so that they are counted
// (in the ledger, when the harness put one there) and grouped into
// adaptivity rounds.
type Session struct {
	Setting Setting
	Oracle  Oracle
	Ledger  *Ledger    // may be nil; label-free expectations are recorded here as free
	Rand    *rand.Rand // the learner's randomness, derived from the run's seed

	// Ctx, if non-nil, lets the caller stop an iterative learner: once it
	// is done (cancelled or past its deadline), the learner's next call of
	// Step tells it to stop. nil is context.Background().
	Ctx context.Context
	// OnStep, if set, is called by every iterative learner through Step:
	// with step 0 and its initial iterate before its first round, then
	// after each round t = 1, 2, ... with the iterate it reached (do not
	// keep the slice; it may be nil for a learner whose rounds have no
	// weight vector, see the learner's documentation). Returning ErrStop
	// (or an error wrapping it) stops the learner, which returns the
	// hypothesis it would have returned with its step budget set to that
	// step, and no error; any other error stops it and is returned,
	// wrapped.
	OnStep func(step int, w []float64) error

	stopped int // 1 + the step at which Step said stop; 0: not stopped
}

// ErrSession is the sentinel of a session that cannot answer: no oracle.
var ErrSession = errors.New("sq: invalid session")

// ErrStop is returned by a Session.OnStep hook to stop the learner (see
// Session.Step). It is not an error of the run: the stopped learner returns
// its current hypothesis and a nil error.
var ErrStop = errors.New("sq: stop requested")

// Context returns s.Ctx, or context.Background() when it is nil.
func (s *Session) Context() context.Context {
	if s.Ctx == nil {
		return context.Background()
	}
	return s.Ctx
}

// Step is the stopping hook of iterative learners: call it with step 0 and
// the initial iterate before the first round, and after each round t with
// the iterate reached. stop is true when the learner must stop: the
// session's context is done, or OnStep returned ErrStop (or an error
// wrapping it). err is non-nil when OnStep returned any other error (the
// learner returns it). A learner told to stop at step t returns the
// hypothesis it would have returned with its step budget set to t (it may
// still ask the queries of its output stage), and a nil error:
//
//	if stop, err := s.Step(t, w); err != nil {
//		return nil, err
//	} else if stop {
//		break
//	}
//
// With neither a context nor a hook, Step costs a nil check.
func (s *Session) Step(step int, w []float64) (stop bool, err error) {
	if s.stopped > 0 {
		return true, nil
	}
	if s.Ctx != nil && s.Ctx.Err() != nil {
		s.stopped = step + 1
		return true, nil
	}
	if s.OnStep == nil {
		return false, nil
	}
	if err := s.OnStep(step, w); err != nil {
		if errors.Is(err, ErrStop) {
			s.stopped = step + 1
			return true, nil
		}
		return false, fmt.Errorf("step hook at step %d: %w", step, err)
	}
	return false, nil
}

// Stopped reports whether Step told the learner to stop, and at which step.
func (s *Session) Stopped() (step int, ok bool) {
	return s.stopped - 1, s.stopped > 0
}

// Ask returns the oracle's answer to the scalar query q at tolerance tau.
func (s *Session) Ask(q *Query, tau float64) (float64, error) {
	switch {
	case q == nil:
		return 0, fmt.Errorf("%w: Ask of a nil query", ErrQuery)
	case s.Oracle == nil:
		return 0, fmt.Errorf("%w: %w: Ask of %s on a session with no oracle", ErrSession, ErrNoOracle, q.Name)
	}
	return Ask(s.Oracle, q, tau)
}

// AskVec answers the vector query q into dst (allocated when dst is shorter
// than q.Dim) and returns it.
func (s *Session) AskVec(q *Query, tau float64, dst []float64) ([]float64, error) {
	switch {
	case q == nil:
		return nil, fmt.Errorf("%w: AskVec of a nil query", ErrQuery)
	case s.Oracle == nil:
		return nil, fmt.Errorf("%w: %w: AskVec of %s on a session with no oracle", ErrSession, ErrNoOracle, q.Name)
	case q.Dim < 0:
		return nil, fmt.Errorf("%w: AskVec of %s with dimension %d, want >= 0", ErrQuery, q.Name, q.Dim)
	}
	if len(dst) < q.Dim {
		dst = make([]float64, q.Dim)
	}
	dst = dst[:q.Dim]
	if err := s.Oracle.Answer(q, tau, dst); err != nil {
		return nil, err
	}
	return dst, nil
}

// Batch runs fn with all the queries it asks counted as one adaptivity
// round: use it for queries none of which depends on another's answer.
//
// The round is kept by the ledger the session's oracle records in. When
// that ledger can be seen (a Recording oracle, as NewSession and
// oracle.WithLedger install, outermost or under wrappers with an
// Unwrap() Oracle method) and Session.Ledger is another one, Batch returns
// an error wrapping ErrSession without calling fn: the two ledgers would
// disagree on the rounds. With Ledger nil the rounds are kept by the
// oracle's ledger; with no visible recording ledger, by Ledger.
func (s *Session) Batch(fn func() error) error {
	l := s.Ledger
	if rl, ok := RecordingLedger(s.Oracle); ok {
		if l != nil && rl != l {
			return fmt.Errorf("%w: the session's ledger is not the ledger its oracle %s records in (build the session with NewSession)", ErrSession, s.Oracle.Name())
		}
		l = rl
	}
	if l == nil {
		return fn()
	}
	return l.Round(fn)
}

// NewSession wires a session in one place: its oracle is o wrapped in a
// Recording oracle that records every answered query in l, and its Ledger
// is l, so that the queries, the free expectations and the adaptivity
// rounds all go to the same ledger. With l nil the oracle is o as it is
// and nothing is recorded. When o already records in l (a Recording
// oracle for l is visible in it, see RecordingLedger) it is not wrapped
// again. r is the learner's random stream (e.g. Stream(seed, KeyLearner)).
func NewSession(set Setting, o Oracle, l *Ledger, r *rand.Rand) *Session {
	s := &Session{Setting: set, Oracle: o, Ledger: l, Rand: r}
	if l == nil || o == nil {
		return s
	}
	if rl, ok := RecordingLedger(o); ok && rl == l {
		return s
	}
	s.Oracle = Recording(o, l)
	return s
}

// Recording returns o wrapped so that every query it answers is recorded in
// l (refused queries are not recorded), with the wall time of the answer
// and, for sampling oracles below it, the examples used. Its name is
// "ledger(" + o.Name() + ")"; it forwards TolFloor and SampleReporter.
// oracle.WithLedger is this wrapper as a middleware.
func Recording(o Oracle, l *Ledger) Oracle { return &recording{inner: o, l: l} }

// RecordingLedger returns the ledger o records in: o's own when it is a
// Recording oracle, else that of the oracle below it when o has an
// Unwrap() Oracle method, and so on. ok is false when none is visible.
func RecordingLedger(o Oracle) (l *Ledger, ok bool) {
	for range maxUnwrap {
		switch v := o.(type) {
		case *recording:
			return v.l, v.l != nil
		case interface{ Unwrap() Oracle }:
			o = v.Unwrap()
		default:
			return nil, false
		}
	}
	return nil, false
}

// maxUnwrap bounds the walk of RecordingLedger (a wrapper that unwraps to
// itself must not hang it).
const maxUnwrap = 64

type recording struct {
	inner Oracle
	l     *Ledger
}

func (o *recording) Name() string { return "ledger(" + o.inner.Name() + ")" }

func (o *recording) Unwrap() Oracle { return o.inner }

func (o *recording) LastSamples() (int64, bool) { return samplesBelow(o.inner) }

func (o *recording) EffectiveTol(tau float64) float64 { return EffectiveTol(o.inner, tau) }

func (o *recording) Answer(q *Query, tau float64, ans []float64) error {
	start := time.Now()
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	if o.l == nil {
		return nil
	}
	n, pool := samplesBelow(o.inner)
	o.l.Record(q, tau, ans, Info{Oracle: o.inner.Name(), Nanos: time.Since(start).Nanoseconds(), Samples: n, Pool: pool,
		EffTol: EffectiveTol(o.inner, tau)})
	return nil
}

func samplesBelow(o Oracle) (int64, bool) {
	if r, ok := o.(SampleReporter); ok {
		return r.LastSamples()
	}
	return 0, false
}

// Free computes the expectation of a label-free query from the Setting (see
// Setting.Expect) into out[:q.Dim]. It costs no query; the ledger records it
// as free so that traces show everything the learner computed.
func (s *Session) Free(q *Query, out []float64) error {
	start := time.Now()
	if err := s.Setting.Expect(q, out); err != nil {
		return err
	}
	if s.Ledger != nil {
		s.Ledger.Record(q, freeTol, out, Info{Oracle: "setting", Nanos: time.Since(start).Nanoseconds(), Free: true})
	}
	return nil
}

// freeTol is the tolerance recorded for a free expectation: the closed forms
// and quadrature are accurate to about this.
const freeTol = 1e-12

// A Learner is an SQ algorithm: it learns from the answers to the queries it
// asks through the session, and returns a hypothesis. It never sees samples
// or the world's hidden parameters.
type Learner interface {
	Name() string
	Learn(s *Session) (Hypothesis, error)
}

// Hypothesis is a learner's output: a predictor of the label.
type Hypothesis interface {
	Predict(x []float64) float64
}

// ReLU is the hypothesis x -> relu(W.x).
type ReLU struct{ W []float64 }

// Predict returns relu(W.x).
func (h ReLU) Predict(x []float64) float64 {
	if s := dot(h.W, x); s > 0 {
		return s
	}
	return 0
}

// String prints the weights.
func (h ReLU) String() string { return fmt.Sprintf("relu(%v.x)", h.W) }
