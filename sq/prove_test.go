package sq

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sqsim/sqsim/sq/gauss"
)

// TestProveBuiltins: every built-in constructor validates, and its terms
// prove exactly the classes listed (which include every declared class).
func TestProveBuiltins(t *testing.T) {
	ws := map[string][]float64{
		"unit":  {0.6, -0.8, 0},
		"big":   {3, 4, 12},
		"tiny":  {1e-200, 0, -1e-200},
		"zero":  {0, 0, 0},
		"e1":    {1, 0, 0},
		"huge":  {1e150, -1e150, 0},
		"mixed": {0.25, -2, 0.5},
	}
	corrL2 := Correlational | L2
	for wname, w := range ws {
		cases := []struct {
			q    *Query
			want Class
		}{
			{ReluCorr(w), corrL2},
			{GateCorr(w), corrL2},
			{StepCorr(w), Correlational | Bounded | L2},
			{Chow(3), corrL2},
			{LabelMoment(1), Correlational | Bounded | L2},
			{LabelMoment(2), Bounded | L2},
			{Grad(w), L2},
			{Loss(w), L2},
			{ReluBatch([][]float64{w, {1, 0, 0}}), corrL2},
			{HermiteCorr([]int{0, 2}, []int{3, 1}), corrL2},
			{HermiteCorr([]int{1}, []int{0}), Correlational | Bounded | L2},
		}
		if allZero(w) {
			// The zero vector's queries are identically zero, so every
			// class holds (Boolean too: the value 0 is in {0, 1}).
			cases[0].want, cases[1].want, cases[2].want = AllClasses, AllClasses, AllClasses
			cases[6].want = AllClasses   // 2 relu(0.x) x - 2 y 1{0.x > 0} x = 0
			cases[7].want = Bounded | L2 // y^2 remains
		}
		for _, c := range cases {
			t.Run(wname+"/"+c.q.Name, func(t *testing.T) {
				if math.IsInf(c.q.Bound, 0) {
					// ||w||^2 overflows: the declared bound is not finite,
					// which Validate refuses before any class is proved.
					if err := c.q.Validate(3); !errors.Is(err, ErrQuery) {
						t.Errorf("Validate = %v, want ErrQuery for the infinite bound", err)
					}
					return
				}
				if err := c.q.Validate(3); err != nil {
					t.Fatalf("Validate: %v", err)
				}
				got, err := c.q.ProvenClass()
				if err != nil {
					t.Fatalf("ProvenClass: %v", err)
				}
				if got != c.want {
					t.Errorf("proven %s, want %s", got, c.want)
				}
				if got&c.q.Class != c.q.Class {
					t.Errorf("declared %s not within proven %s", c.q.Class, got)
				}
			})
		}
	}
	// MapLabels keeps a provable class: y -> sign(y - t) is in [-1, 1].
	for _, q := range []*Query{ReluCorr([]float64{1, 2}), StepCorr([]float64{1, 2}), Loss([]float64{1, 2}), Grad([]float64{1, 2})} {
		t.Run("MapLabels "+q.Name, func(t *testing.T) {
			m, ok := MapLabels(q, 0.5)
			if !ok {
				t.Fatalf("MapLabels(%s) failed", q.Name)
			}
			if err := m.Validate(2); err != nil {
				t.Errorf("MapLabels(%s): %v", q.Name, err)
			}
			if p := m.Prove(); p.Class&Correlational != 0 {
				t.Errorf("MapLabels(%s) proves correlational", q.Name)
			}
		})
	}
}

// TestY2Correlational: a query with a y^2 term that declares itself
// correlational is a Validate error naming the term, and CheckClass (what a
// CSQ oracle runs) refuses it.
func TestY2Correlational(t *testing.T) {
	w := []float64{1, 0}
	liar := &Query{Name: "liar", Class: Correlational, Bound: 10, Dim: 1, Terms: []Term{
		{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatRelu, W: w}},
		{Coef: 1, Label: Label{Kind: LabelY2}, Feature: Feature{Kind: FeatOne}},
	}}
	err := liar.Validate(2)
	var pe *ClassProofError
	if !errors.Is(err, ErrQuery) || !errors.As(err, &pe) {
		t.Fatalf("Validate = %v, want a *ClassProofError wrapping ErrQuery", err)
	}
	want := &ClassProofError{Query: "liar", Class: Correlational, Bound: 10, Term: 1,
		Reason: "term 1 (1 * y^2 * 1) is not linear in y (a correlational query is y*h(x))"}
	if diff := cmp.Diff(want, pe); diff != "" {
		t.Errorf("ClassProofError (-want +got):\n%s", diff)
	}
	if !strings.Contains(err.Error(), "term 1") {
		t.Errorf("error %q does not name the term", err)
	}
	if _, err := liar.ProvenClass(); !errors.As(err, &pe) || pe.Unproven {
		t.Errorf("ProvenClass = %v, want the refutation", err)
	}
	cerr := CheckClass(liar, Correlational, "csq")
	var ce *ClassError
	if !errors.As(cerr, &ce) || !errors.Is(cerr, ErrClass) || ce.Unproven || !strings.Contains(ce.Reason, "term 1") {
		t.Errorf("CheckClass = %v, want a *ClassError naming term 1", cerr)
	}
	if err := CheckClassTrusting(liar, Correlational, "csq"); !errors.Is(err, ErrClass) {
		t.Errorf("CheckClassTrusting = %v: trust covers Go functions, not a refuted class", err)
	}
	// It is an L2 query all the same: E[(y relu(x1) + y^2)^2]^(1/2) <= 1/sqrt 2 + 1.
	if err := CheckClass(liar, L2, "l2"); err != nil {
		t.Errorf("CheckClass(L2) = %v", err)
	}
}

// TestProveRefutes: declared classes the terms refute, each a Validate error
// naming the term or the bound.
func TestProveRefutes(t *testing.T) {
	w := []float64{1, 2}
	cases := []struct {
		name  string
		q     *Query
		class Class
		term  int
		text  string
	}{
		{"label-free term", &Query{Name: "1+y", Class: Correlational, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatOne}},
			{Coef: 0.5, Label: Label{Kind: LabelOne}, Feature: Feature{Kind: FeatOne}}}}, Correlational, 1, "not linear in y"},
		{"sign label", &Query{Name: "sign", Class: Correlational, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelSign, T: 0.5}, Feature: Feature{Kind: FeatStep, W: w}}}}, Correlational, 0, "not linear in y"},
		{"unbounded relu", &Query{Name: "relu", Class: Bounded, Bound: 100, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatRelu, W: w}}}}, Bounded, 0, "unbounded"},
		{"sup above bound", &Query{Name: "2 step", Class: Bounded, Bound: 1.5, Dim: 1, Terms: []Term{
			{Coef: 2, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatStep, W: w}}}}, Bounded, -1, "only by 2"},
		{"L2 above bound", &Query{Name: "relu", Class: L2, Bound: 1, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelOne}, Feature: Feature{Kind: FeatRelu, W: w}}}}, L2, -1, "E[phi^2]^(1/2) only by"},
		{"corr bound", &Query{Name: "y relu", Class: Correlational, Bound: 1, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatRelu, W: w}}}}, Correlational, -1, "E[h^2]^(1/2)"},
		{"boolean two terms", &Query{Name: "b", Class: Boolean, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelAbove, T: 0.5}, Feature: Feature{Kind: FeatOne}},
			{Coef: 1, Label: Label{Kind: LabelOne}, Feature: Feature{Kind: FeatStep, W: w}}}}, Boolean, -1, "several terms"},
		{"boolean y", &Query{Name: "y", Class: Boolean, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatOne}}}}, Boolean, 0, "not {0,1}-valued"},
		{"boolean bound", &Query{Name: "b", Class: Boolean, Bound: 0.5, Dim: 1, Terms: []Term{
			{Coef: 1, Label: Label{Kind: LabelAbove, T: 0.5}, Feature: Feature{Kind: FeatOne}}}}, Bounded, -1, "bounded by 1 > B"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.q.Validate(2)
			var pe *ClassProofError
			if !errors.As(err, &pe) || !errors.Is(err, ErrQuery) {
				t.Fatalf("Validate = %v, want *ClassProofError", err)
			}
			if pe.Class != c.class || pe.Term != c.term || pe.Unproven || !strings.Contains(pe.Reason, c.text) {
				t.Errorf("got class %s term %d unproven %v reason %q; want class %s term %d reason containing %q",
					pe.Class, pe.Term, pe.Unproven, pe.Reason, c.class, c.term, c.text)
			}
		})
	}
}

// TestProveUnproven: classes resting on Go functions are neither proved nor
// refuted: Validate accepts them, Prove says so, CheckClass refuses and
// CheckClassTrusting accepts.
func TestProveUnproven(t *testing.T) {
	w := []float64{1, 0}
	relu := func(z []float64) float64 { return math.Max(z[0], 0) }
	cases := []struct {
		name     string
		q        *Query
		proven   Class
		unproven Class
		declared bool
	}{
		{"func feature", &Query{Name: "f(x)", Class: L2, Dim: 1, Terms: []Term{{Coef: 1, Feature: Feature{Kind: FeatFunc, OutDim: 1,
			F: func(x, out []float64) { out[0] = x[0] }, Name: "x0"}}}}, 0, Bounded | L2 | Boolean, false},
		{"y times ridge", &Query{Name: "y g(u.x)", Class: Correlational, Dim: 1, Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY},
			Feature: Feature{Kind: FeatRidge, U: [][]float64{w}, G: relu, Name: "relu"}}}}, Correlational | L2, Bounded | Boolean, true},
		{"label func", &Query{Name: "f(y) relu", Class: Correlational, Dim: 1, Terms: []Term{{Coef: 1,
			Label: Label{Kind: LabelFunc, Func: func(y float64) float64 { return 2 * y }, Name: "2y"}, Feature: Feature{Kind: FeatRelu, W: w}}}},
			0, AllClasses, false},
		{"joint", &Query{Name: "joint", Class: Bounded, Dim: 1, Terms: []Term{{Coef: 1,
			Joint: &Joint{U: [][]float64{w}, G: func(z []float64, y float64) float64 { return math.Min(1, math.Abs(z[0]-y)) }, Name: "clip"}}}},
			0, AllClasses, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.q.Validate(2); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			p := c.q.Prove()
			if p.Class != c.proven || p.Unproven != c.unproven || p.DeclaredBound != c.declared {
				t.Errorf("proven %s unproven %s declared bound %v; want %s, %s, %v", p.Class, p.Unproven, p.DeclaredBound, c.proven, c.unproven, c.declared)
			}
			err := CheckClass(c.q, c.q.Class, "strict")
			if c.proven&c.q.Class != 0 {
				if err != nil {
					t.Errorf("CheckClass = %v, want nil (the class is proved)", err)
				}
				return
			}
			var ce *ClassError
			if !errors.As(err, &ce) || !ce.Unproven || !strings.Contains(err.Error(), "TrustDeclared") {
				t.Errorf("CheckClass = %v, want an unproven *ClassError", err)
			}
			if err := CheckClassTrusting(c.q, c.q.Class, "trusting"); err != nil {
				t.Errorf("CheckClassTrusting = %v", err)
			}
			if _, err := c.q.ProvenClass(); !errors.Is(err, ErrUnproven) || errors.Is(err, ErrQuery) {
				t.Errorf("ProvenClass = %v, want ErrUnproven", err)
			}
		})
	}
}

// TestProveCombines: terms along one direction with one label functional
// are bounded together: 2 y 1{w.x>0} - y = y sign(w.x) is bounded by 1, and
// 1{w.x>0} - 1{w.x>0} is zero.
func TestProveCombines(t *testing.T) {
	w := []float64{0.3, -1}
	sign := &Query{Name: "y sign(w.x)", Class: Correlational | Bounded, Bound: 1, Dim: 1, Terms: []Term{
		{Coef: 2, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatStep, W: w}},
		{Coef: -1, Label: Label{Kind: LabelY}, Feature: Feature{Kind: FeatOne}}}}
	if err := sign.Validate(2); err != nil {
		t.Fatal(err)
	}
	p := sign.Prove()
	if p.Sup != 1 || math.Abs(p.HRMS-1) > 1e-15 {
		t.Errorf("sup %v, E[h^2]^(1/2) %v; want 1, 1", p.Sup, p.HRMS)
	}
	zero := &Query{Name: "0", Class: Boolean, Dim: 1, Terms: []Term{
		{Coef: 1, Label: Label{Kind: LabelAbove, T: 0}, Feature: Feature{Kind: FeatStep, W: w}},
		{Coef: -1, Label: Label{Kind: LabelAbove, T: 0}, Feature: Feature{Kind: FeatStep, W: slicesClone(w)}}}}
	if err := zero.Validate(2); err != nil {
		t.Error(err)
	}
}

func slicesClone(w []float64) []float64 { return append([]float64(nil), w...) }

// TestGroupMoments checks the closed-form second moments of a group
// h = b + 1{s > 0}(a + r s + q s^2), s = w.x, against quadrature of the
// Gaussian integral (an independent route): E[h^2] for scalar groups, and
// E[h^2 x_i^2] for the coordinate along w and one orthogonal to it.
func TestGroupMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 40; i++ {
		sigma := math.Exp(2 * r.NormFloat64())
		w := []float64{sigma, 0}
		b, a, rr, q := r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64()
		if i%4 == 0 {
			q = 0
		}
		if i%5 == 0 {
			rr = 0
		}
		t.Run(fmt.Sprintf("group%d", i), func(t *testing.T) {
			h := func(s float64) float64 {
				if s > 0 {
					return b + a + rr*s + q*s*s
				}
				return b
			}
			g := dirGroup{w: w, b: b, a: a, r: rr, s: q}
			_, rms, _ := g.stats()
			want, _ := gauss.Expect1(func(z float64) float64 { v := h(sigma * z); return v * v }, []float64{0}, 1e-14)
			if rel := math.Abs(rms*rms-want) / want; rel > 1e-12 {
				t.Errorf("scalar %d: E[h^2] = %.17g, quadrature %.17g (rel %.2g)", i, rms*rms, want, rel)
			}
			if q != 0 {
				return // no vector feature has a (w.x)^2 part
			}
			gv := dirGroup{w: w, vec: true, b: b, a: a, r: rr}
			_, rmsv, _ := gv.stats()
			along, _ := gauss.Expect1(func(z float64) float64 { v := h(sigma * z); return v * v * z * z }, []float64{0}, 1e-14)
			orth := want // x_2 is independent of s, E[x_2^2] = 1
			m := math.Max(along, orth)
			if rel := math.Abs(rmsv*rmsv-m) / m; rel > 1e-12 {
				t.Errorf("vector %d: max E[h^2 x_i^2] = %.17g, quadrature %.17g", i, rmsv*rmsv, m)
			}
		})
	}
}

// TestProveLabelRange: Bounded depends on the label range; Correlational
// does not, and L2 follows from it only for labels in [-1, 1].
func TestProveLabelRange(t *testing.T) {
	q := StepCorr([]float64{1, 0})
	if p := q.ProveFor(0, 1); p.Class != Correlational|Bounded|L2 {
		t.Errorf("[0, 1]: %s", p.Class)
	}
	p := q.ProveFor(-3, 2)
	if p.Class != Correlational || p.Sup != 3 || p.Reason(Bounded) == "" {
		t.Errorf("[-3, 2]: %s, sup %v, reason %q", p.Class, p.Sup, p.Reason(Bounded))
	}
	if p := q.ProveFor(math.Inf(-1), math.Inf(1)); p.Class != Correlational || !math.IsInf(p.Sup, 1) {
		t.Errorf("unbounded labels: %s, sup %v", p.Class, p.Sup)
	}
	var nilq *Query
	if p := nilq.Prove(); p.Class != 0 || p.Reason(L2) != "nil query" {
		t.Errorf("nil query: %s %q", p.Class, p.Reason(L2))
	}
	if _, err := nilq.ProvenClass(); !errors.Is(err, ErrQuery) {
		t.Errorf("nil ProvenClass: %v", err)
	}
}

// TestValidateAllocs: the class proof in Validate allocates nothing on the
// queries of the hot path (the exact oracle validates every query).
func TestValidateAllocs(t *testing.T) {
	w := make([]float64, 50)
	for i := range w {
		w[i] = math.Sin(float64(i + 1))
	}
	for _, q := range []*Query{GateCorr(w), Grad(w), ReluCorr(w), Loss(w), Chow(50), StepCorr(w)} {
		t.Run(q.Name, func(t *testing.T) {
			if a := testing.AllocsPerRun(50, func() { q.Validate(50) }); a != 0 {
				t.Errorf("Validate(%q): %v allocations", q.Name, a)
			}
		})
	}
}

// TestMapLabelsKeepsClasses: a Boolean view keeps the classes its original
// proves, except the correlational form, also when they rest on the
// original's correlational form with a Go function feature (the bound
// E[h^2] <= B^2 it declares is the view's L2 bound); a view changed after
// it was made inherits nothing.
func TestMapLabelsKeepsClasses(t *testing.T) {
	ridge := &Query{Name: "y g(u.x)", Class: Correlational, Bound: 0.5, Dim: 1, Terms: []Term{{Coef: 1, Label: Label{Kind: LabelY},
		Feature: Feature{Kind: FeatRidge, U: [][]float64{{1, 0}}, Kinks: [][]float64{{-1, 1}}, Name: "1{|z|<1}",
			G: func(z []float64) float64 {
				if math.Abs(z[0]) < 1 {
					return 0.5
				}
				return 0
			}}}}}
	v, ok := MapLabels(ridge, 0.5)
	if !ok {
		t.Fatal("MapLabels failed")
	}
	p := v.Prove()
	if p.Class != L2 || !p.DeclaredBound {
		t.Errorf("view proves %s (declared bound %v), want l2 resting on the declared bound", p.Class, p.DeclaredBound)
	}
	if err := CheckClass(v, L2, "l2"); err != nil {
		t.Errorf("CheckClass(view, L2) = %v", err)
	}
	v.Terms[0].Coef = 100
	if p := v.Prove(); p.Class != 0 || p.Unproven&L2 == 0 {
		t.Errorf("changed view proves %s (unproven %s), want nothing", p.Class, p.Unproven)
	}
	if _, ok := MapLabels(nil, 0); ok {
		t.Error("MapLabels(nil) ok")
	}
}
