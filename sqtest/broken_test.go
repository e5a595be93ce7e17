package sqtest_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sqtest"
	"github.com/sqsim/sqsim/world"
)

// recorder is a sqtest.TB that keeps the messages instead of failing.
type recorder struct{ msgs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// expect fails t unless some message contains want.
func (r *recorder) expect(t *testing.T, want string) {
	t.Helper()
	for _, m := range r.msgs {
		if strings.Contains(m, want) {
			return
		}
	}
	t.Errorf("the kit did not report %q; it reported %d messages:\n%s", want, len(r.msgs), strings.Join(r.msgs, "\n"))
}

// brokenOracle departs from the contract in the way its flags say.
type brokenOracle struct {
	inner                sq.Oracle
	offBy2Tau, mutate    bool
	panicOnNil, ignoreTo bool
	overrun              bool
}

func (o *brokenOracle) Name() string { return "broken" }

func (o *brokenOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if o.panicOnNil {
		_ = q.Name // a nil query dereferenced
	}
	if o.ignoreTo {
		tau = 0.1
	}
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	if o.offBy2Tau {
		for i := range ans[:q.Dim] {
			ans[i] += 2 * tau
		}
	}
	if o.mutate {
		q.Bound *= 2
	}
	if o.overrun && len(ans) > q.Dim {
		ans[q.Dim] = 0
	}
	return nil
}

func TestKitReportsBrokenOracles(t *testing.T) {
	truth, err := world.Clipped(wstar, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		o    *brokenOracle
		want string
	}{
		{"off by 2 tau", &brokenOracle{offBy2Tau: true}, "outside the tolerance"},
		{"mutates the query", &brokenOracle{mutate: true}, "modified the query (field Bound"},
		{"panics on nil", &brokenOracle{panicOnNil: true}, "nil query: Answer(<nil query>, tau=0.1, len(ans)=4) panicked"},
		{"ignores tau", &brokenOracle{ignoreTo: true}, "tolerance NaN: Answer("},
		{"writes past the answer", &brokenOracle{overrun: true}, "wrote 0 past ans[:q.Dim]"},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.o.inner = oracle.Exact(truth)
			var r recorder
			sqtest.Oracle(&r, c.o, truth)
			r.expect(t, c.want)
		})
	}
	t.Run("not deterministic", func(t *testing.T) {
		var r recorder
		sqtest.Oracle(&r, oracle.Noisy(truth, oracle.Uniform, 1), truth, sqtest.Deterministic())
		r.expect(t, "not deterministic")
	})
	t.Run("rebuilt differs", func(t *testing.T) {
		var r recorder
		seed := uint64(0)
		sqtest.Oracle(&r, oracle.Exact(truth), truth, sqtest.Rebuild(func() (sq.Oracle, error) {
			seed++
			return oracle.Noisy(truth, oracle.Uniform, seed), nil
		}))
		r.expect(t, "Rebuild: two fresh oracles asked the same sequence differ")
	})
	t.Run("sound oracle", func(t *testing.T) {
		var r recorder
		sqtest.Oracle(&r, oracle.Exact(truth), truth, sqtest.Deterministic())
		if len(r.msgs) != 0 {
			t.Errorf("the kit reported the exact oracle:\n%s", strings.Join(r.msgs, "\n"))
		}
	})
}

// brokenWorld departs from the contract in the way its flags say.
type brokenWorld struct {
	*world.Model
	shift, wideLabels, globalRand bool
}

func (w *brokenWorld) Expect(q *sq.Query, out []float64) (float64, error) {
	eb, err := w.Model.Expect(q, out)
	if err == nil && w.shift {
		out[0] += 0.05
	}
	return eb, err
}

func (w *brokenWorld) Sample(r *rand.Rand, x, y []float64) {
	if w.globalRand {
		r = rand.New(rand.NewPCG(rand.Uint64(), 0))
	}
	w.Model.Sample(r, x, y)
	if w.wideLabels {
		for i := range y {
			y[i] += 2
		}
	}
}

func TestKitReportsBrokenWorlds(t *testing.T) {
	for _, c := range []struct {
		name string
		w    *brokenWorld
		want string
	}{
		{"expectation off by 0.05", &brokenWorld{shift: true}, "but the mean of 20000 samples is"},
		{"labels outside the setting", &brokenWorld{wideLabels: true}, "want finite x and y in the Setting's [0, 1]"},
		{"sample not reproducible", &brokenWorld{globalRand: true}, "Sample is not reproducible"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := world.Clipped(wstar, 1)
			if err != nil {
				t.Fatal(err)
			}
			c.w.Model = m
			var r recorder
			sqtest.World(&r, c.w, sqtest.Samples(20_000))
			r.expect(t, c.want)
		})
	}
}

// brokenLearner departs from the contract in the way its flags say.
type brokenLearner struct {
	tol                         float64
	belowTol, bypass, globalRnd bool
	panics, nilHyp              bool
	own                         sq.Oracle
}

func (l *brokenLearner) Name() string { return "broken" }

func (l *brokenLearner) Learn(s *sq.Session) (sq.Hypothesis, error) {
	d := s.Setting.D
	tau := l.tol
	if l.belowTol {
		tau /= 10
	}
	o := s.Oracle
	if l.bypass {
		o = l.own
	}
	w, err := sq.AskVec(o, sq.Chow(d), tau)
	if err != nil {
		return nil, err
	}
	if l.globalRnd {
		w[0] += rand.Float64()
	}
	if l.panics {
		panic("boom")
	}
	if l.nilHyp {
		return nil, nil
	}
	for i := range w {
		w[i] *= 2
	}
	return sq.ReLU{W: w}, nil
}

func TestKitReportsBrokenLearners(t *testing.T) {
	wld, err := sqtest.LearnerWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		l    brokenLearner
		want string
	}{
		{"bypasses the tolerance", brokenLearner{belowTol: true}, "at tolerance 0.001, below tol"},
		{"bypasses the session", brokenLearner{bypass: true, own: oracle.Exact(wld)}, "asked no query"},
		{"not deterministic", brokenLearner{globalRnd: true}, "not deterministic"},
		{"panics", brokenLearner{panics: true}, "Learn panicked"},
		{"no hypothesis", brokenLearner{nilHyp: true}, "neither a hypothesis nor an error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var r recorder
			sqtest.Learner(&r, func(tol float64) (sq.Learner, error) {
				l := c.l
				l.tol = tol
				return &l, nil
			})
			r.expect(t, c.want)
		})
	}
	t.Run("sound learner", func(t *testing.T) {
		var r recorder
		sqtest.Learner(&r, func(tol float64) (sq.Learner, error) { return &brokenLearner{tol: tol}, nil })
		if len(r.msgs) != 0 {
			t.Errorf("the kit reported a sound learner:\n%s", strings.Join(r.msgs, "\n"))
		}
	})
}
