package learners_test

import (
	"errors"
	"flag"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// Two learners registered from outside the package, as a user's module
// does: one in the older form (its own parser), one declaring no options.
func init() {
	learners.Register("test-oldstyle", "a learner with its own option parser",
		func(o learners.Options) (sq.Learner, error) {
			tol, err := o.Float("tol", 1e-6)
			if err == nil {
				err = o.Check("test-oldstyle", "tol")
			}
			return &ownTol{tol: tol}, err
		})
	learners.RegisterFlags("test-nooptions", "a learner that declares no option and asks at its own tolerance",
		func() learners.Flagger { return &ownTol{tol: 0.02} })
}

// ownTol asks E[y x] at tolerance tol and returns relu(w.x), w = E[y x].
type ownTol struct{ tol float64 }

func (*ownTol) Flags(*flag.FlagSet) {}
func (*ownTol) Name() string        { return "own-tol" }
func (l *ownTol) Learn(s *sq.Session) (sq.Hypothesis, error) {
	w, err := s.AskVec(sq.Chow(s.Setting.D), l.tol, nil)
	return sq.ReLU{W: w}, err
}

// TestOptionsFromDeclaration: unknown keys, type errors and defaults come
// from the learner's Flags.
func TestOptionsFromDeclaration(t *testing.T) {
	for _, c := range []struct {
		name, learner string
		o             learners.Options
		want          []string // substrings of the error
	}{
		{"unknown key lists the known ones", "gd", learners.Options{"stpes": "3"}, []string{`learner gd has no option "stpes"`, "(it has: init, norm0, radius, step, steps, tol, w0)"}},
		{"float", "gd", learners.Options{"step": "fast"}, []string{`step="fast"`, "type float"}},
		{"float NaN", "gd", learners.Options{"step": "NaN"}, []string{`step="NaN"`, "finite"}},
		{"float Inf", "chow", learners.Options{"tol": "+Inf"}, []string{`tol="+Inf"`, "finite"}},
		{"int", "gd", learners.Options{"steps": "2.5"}, []string{`steps="2.5"`, "type int"}},
		{"bool", "surrogate", learners.Options{"reask": "yes"}, []string{`reask="yes"`, "type bool"}},
		{"floats", "gd", learners.Options{"w0": "1,x"}, []string{`w0="1,x"`, `entry 2 "x"`}},
		{"count", "sparse", learners.Options{"max_queries": "2.5"}, []string{`max_queries="2.5"`, "[1, 2^63)"}},
		{"validate", "gd", learners.Options{"init": "sideways"}, []string{`init = "sideways"`}},
		{"standard tol of a learner without it", "test-nooptions", learners.Options{"tol": "abc"}, []string{`tol="abc"`}},
		{"standard tol must be > 0", "test-nooptions", learners.Options{"tol": "0"}, []string{"tol = 0"}},
		{"no options: the known list is tol", "test-nooptions", learners.Options{"step": "1"}, []string{`has no option "step" (it has: tol)`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := learners.New(c.learner, c.o)
			if !errors.Is(err, learners.ErrOption) {
				t.Fatalf("New(%s, %v) = %v, want ErrOption", c.learner, c.o, err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}
	t.Run("defaults", func(t *testing.T) {
		l, err := learners.New("gd", nil)
		if err != nil {
			t.Fatal(err)
		}
		g := l.(*learners.GD)
		if g.Step != 1 || g.Steps != 200 || g.Init != "zero" || g.Norm0 != 0.1 || g.Radius != 0 || g.Tol != 1e-6 || g.W0 != nil {
			t.Errorf("gd defaults: %+v", g)
		}
		l, err = learners.New("gd", learners.Options{"w0": "1, 2,3"})
		if err != nil {
			t.Fatal(err)
		}
		if g := l.(*learners.GD); g.Init != "given" || !reflect.DeepEqual(g.W0, []float64{1, 2, 3}) {
			t.Errorf("gd w0=1,2,3: init %q, w0 %v; want given, [1 2 3]", g.Init, g.W0)
		}
	})
}

// TestLookupOptions: every declared learner lists its options with types,
// defaults and help, and writing back every default builds the same learner.
func TestLookupOptions(t *testing.T) {
	for _, name := range learners.Names() {
		e, _ := learners.Lookup(name)
		if e.Options == nil {
			continue // registered with Register: its options are its own
		}
		t.Run(name, func(t *testing.T) {
			def, err := learners.New(name, nil)
			if err != nil {
				t.Fatal(err)
			}
			o := learners.Options{}
			for _, opt := range e.Options {
				if opt.Usage == "" || opt.Type == "value" {
					t.Errorf("option %s: type %q, usage %q", opt.Name, opt.Type, opt.Usage)
				}
				if opt.Type == "floats" && opt.Default == "" {
					continue // an empty list is no value
				}
				o[opt.Name] = opt.Default
			}
			again, err := learners.New(name, o)
			if err != nil {
				t.Fatalf("New with every default written out %v: %v", o, err)
			}
			if !reflect.DeepEqual(def, again) {
				t.Errorf("defaults written out give %+v, want %+v", again, def)
			}
		})
	}
	gd, _ := learners.Lookup("gd")
	if o, ok := gd.Option("steps"); !ok || o.Type != "int" || o.Default != "200" {
		t.Errorf("gd steps: %+v, %v", o, ok)
	}
	if o, ok := gd.Option("w0"); !ok || o.Type != "floats" {
		t.Errorf("gd w0: %+v, %v", o, ok)
	}
	if e, _ := learners.Lookup("test-oldstyle"); e.Options != nil {
		t.Errorf("a learner registered with Register lists options %v", e.Options)
	}
}

// literals are every learner of the package as a struct literal with only
// Tol set (plus the fields whose zero has a meaning of its own, set to
// their declared default): each must run exactly as the learner the
// registry builds with tol=1e-3.
var literals = map[string]sq.Learner{
	"approx":    &learners.Approx{Tol: 1e-3},
	"chow":      &learners.Chow{Tol: 1e-3},
	"dktz":      &learners.DKTZ{Tol: 1e-3, Lambda: 1e-3, Radius: 1},
	"fcg":       &learners.FCG{Tol: 1e-3},
	"gd":        &learners.GD{Tol: 1e-3},
	"glmtron":   &learners.GLMtron{Tol: 1e-3},
	"hermite":   &learners.Hermite{Tol: 1e-3, Degree: 2},
	"isotron":   &learners.Isotron{Tol: 1e-3},
	"random":    &learners.RandomQueries{Tol: 1e-3},
	"refit":     &learners.Refit{Tol: 1e-3},
	"sparse":    &learners.Sparse{Tol: 1e-3, Early: true},
	"surrogate": &learners.Surrogate{Tol: 1e-3, Reask: true},
}

// TestStructLiteralDefaults: a learner used directly as a struct runs with
// the defaults its Flags declares (today's bug: GD{Tol: 1e-3} failed with
// "step = 0" although the field says "default 1").
func TestStructLiteralDefaults(t *testing.T) {
	w, err := world.Realizable([]float64{0.6, -0.8, 0, 0})
	if err != nil {
		t.Fatal(err)
	}
	run := func(t *testing.T, l sq.Learner) (sq.Hypothesis, []sq.Entry) {
		t.Helper()
		ledger := sq.NewLedger()
		s := &sq.Session{Setting: w.Setting(), Oracle: oracle.Chain(oracle.Exact(w), oracle.WithLedger(ledger)), Ledger: ledger, Rand: sq.Stream(1, sq.KeyLearner)}
		h, err := l.Learn(s)
		if err != nil {
			t.Fatalf("%T: %v", l, err)
		}
		return h, ledger.Entries()
	}
	for _, name := range learners.Names() {
		if e, _ := learners.Lookup(name); e.Options == nil || strings.HasPrefix(name, "test-") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			lit, ok := literals[name]
			if !ok {
				t.Fatalf("no struct literal for %s in this test", name)
			}
			reg, err := learners.New(name, learners.Options{"tol": "1e-3"})
			if err != nil {
				t.Fatal(err)
			}
			hLit, eLit := run(t, lit)
			hReg, eReg := run(t, reg)
			if diff := cmp.Diff(hReg, hLit); diff != "" {
				t.Errorf("hypothesis of the literal differs (-registry +literal):\n%s", diff)
			}
			if len(eLit) != len(eReg) {
				t.Fatalf("literal asked %d queries, the registry's learner %d", len(eLit), len(eReg))
			}
			for i := range eLit {
				if eLit[i].Name != eReg[i].Name || eLit[i].Tol != eReg[i].Tol || !reflect.DeepEqual(eLit[i].Answer, eReg[i].Answer) {
					t.Fatalf("query %d: literal %s at %g, registry %s at %g", i, eLit[i].Name, eLit[i].Tol, eReg[i].Name, eReg[i].Tol)
				}
			}
		})
	}
	t.Run("the literal is not changed", func(t *testing.T) {
		g := &learners.GD{Tol: 1e-3}
		run(t, g)
		if g.Step != 0 || g.Steps != 0 {
			t.Errorf("Learn wrote the defaults into the caller's struct: %+v", g)
		}
	})
}

// TestStandardTol: the harness gives the run's tolerance to a learner that
// declares tol, and runs one that does not at its own tolerances (refusing
// an explicit --tol for it); the older form still gets tol.
func TestStandardTol(t *testing.T) {
	build := func(t *testing.T, tol float64) *bench.Instance {
		t.Helper()
		cfg := bench.DefaultConfig()
		cfg.D, cfg.Tol = 4, tol
		in, err := bench.NewInstance(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	t.Run("no options", func(t *testing.T) {
		in := build(t, 0)
		l, tol, err := in.Learner("test-nooptions", nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := in.RunLearner(l, tol)
		if err != nil {
			t.Fatal(err)
		}
		if res.Tol != 0.02 {
			t.Errorf("reported tolerance %g, want the learner's own 0.02", res.Tol)
		}
		if _, _, err := build(t, 1e-3).Learner("test-nooptions", nil); !errors.Is(err, learners.ErrOption) || !strings.Contains(err.Error(), `no option "tol"`) {
			t.Errorf("--tol for a learner without tol: %v, want ErrOption naming tol", err)
		}
		if _, err := learners.New("test-nooptions", learners.Options{"tol": "1e-3"}); err != nil {
			t.Errorf("the registry refuses the standard tol: %v", err)
		}
	})
	t.Run("old style", func(t *testing.T) {
		in := build(t, 1e-3)
		l, tol, err := in.Learner("test-oldstyle", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tol != 1e-3 || l.(*ownTol).tol != 1e-3 {
			t.Errorf("old-style learner got tol %g (reported %g), want 1e-3", l.(*ownTol).tol, tol)
		}
	})
}
