package sq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestClassClosure(t *testing.T) {
	cases := []struct {
		c, accepted Class
		want        bool
	}{
		{Boolean, Bounded, true},
		{Boolean, L2, true},
		{Bounded, L2, true},
		{Correlational, L2, true},
		{L2, Bounded, false},
		{Correlational, Bounded, false},
		{Bounded, Boolean, false},
		{L2, Correlational, false},
		{Correlational | Bounded, Bounded, true},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s within %s", c.c, c.accepted), func(t *testing.T) {
			if got := c.c.Within(c.accepted); got != c.want {
				t.Errorf("%s within %s = %v, want %v", c.c, c.accepted, got, c.want)
			}
		})
	}
	for _, c := range []Class{Bounded, L2 | Correlational, AllClasses, 0} {
		t.Run(fmt.Sprintf("round trip %q", c.String()), func(t *testing.T) {
			back, err := ParseClass(c.String())
			if err != nil || back != c {
				t.Errorf("ParseClass(%q) = %v, %v", c.String(), back, err)
			}
		})
	}
	if _, err := ParseClass("bounded|bogus"); err == nil {
		t.Error("ParseClass accepted bogus")
	}
	for s, want := range map[string]Class{"csq": Correlational, "stat,l2": Bounded | L2, "vstat": Boolean, "all": AllClasses, "l2 | correlational": L2 | Correlational} {
		t.Run(fmt.Sprintf("parse %q", s), func(t *testing.T) {
			if got, err := ParseClass(s); err != nil || got != want {
				t.Errorf("ParseClass(%q) = %v, %v; want %v", s, got, err, want)
			}
		})
	}
	for _, s := range []string{"", "|", " , "} {
		t.Run(fmt.Sprintf("refuse %q", s), func(t *testing.T) {
			if _, err := ParseClass(s); err == nil {
				t.Errorf("ParseClass(%q) accepted", s)
			}
		})
	}
	err := CheckClass(Loss([]float64{1}), Correlational, "csq")
	var ce *ClassError
	if !errors.As(err, &ce) || !errors.Is(err, ErrClass) || !strings.Contains(err.Error(), "csq") {
		t.Errorf("CheckClass: %v", err)
	}
}

func TestValidate(t *testing.T) {
	good := []*Query{ReluCorr([]float64{1, 2}), GateCorr([]float64{1, 2}), Chow(2), Grad([]float64{0, 1}), Loss([]float64{3, 4}),
		ReluBatch([][]float64{{1, 0}, {0, 1}, {1, 1}}), HermiteCorr([]int{0, 1}, []int{2, 1}), LabelMoment(1), LabelMoment(2)}
	for _, q := range good {
		t.Run("good "+q.Name, func(t *testing.T) {
			if err := q.Validate(2); err != nil {
				t.Errorf("%s: %v", q.Name, err)
			}
		})
	}
	bad := []struct {
		name string
		q    *Query
	}{
		{"weight of the wrong length", ReluCorr([]float64{1, 2, 3})},
		{"NaN weight", ReluCorr([]float64{1, math.NaN()})},
		{"infinite weight", ReluCorr([]float64{math.Inf(1), 0})},
		{"Hermite index out of range", HermiteCorr([]int{0, 2}, []int{1, 1})},
		{"repeated Hermite index", HermiteCorr([]int{0, 0}, []int{1, 1})},
		{"negative Hermite degree", HermiteCorr([]int{0}, []int{-1})},
		{"no terms", &Query{Name: "empty", Class: L2, Dim: 1}},
		{"dim 0", &Query{Name: "dim0", Class: L2, Dim: 0, Terms: Chow(2).Terms}},
		{"dim differs from the terms' output", &Query{Name: "dims", Class: L2, Dim: 1, Terms: Chow(2).Terms}},
		{"no class", &Query{Name: "noclass", Dim: 1, Terms: ReluCorr([]float64{1, 1}).Terms}},
		{"NaN bound", &Query{Name: "bound", Class: L2, Bound: math.NaN(), Dim: 1, Terms: ReluCorr([]float64{1, 1}).Terms}},
		{"ridge without G", &Query{Name: "ridge", Class: L2, Dim: 1, Terms: []Term{{Coef: 1, Feature: Feature{Kind: FeatRidge, U: [][]float64{{1, 0}}}}}}},
		{"NaN coefficient", &Query{Name: "coef", Class: L2, Dim: 1, Terms: []Term{{Coef: math.NaN(), Feature: Feature{Kind: FeatOne}}}}},
		{"nil query", nil},
	}
	for _, c := range bad {
		t.Run("bad "+c.name, func(t *testing.T) {
			if err := c.q.Validate(2); !errors.Is(err, ErrQuery) {
				t.Errorf("Validate = %v, want ErrQuery", err)
			}
		})
	}
}

// TestEvaluator checks the pointwise evaluation of every feature kind at a
// hand-computed point.
func TestEvaluator(t *testing.T) {
	x := []float64{0.5, -2}
	y := 0.7
	w := []float64{1, 0.5} // w.x = -0.5
	v := []float64{1, -1}  // v.x = 2.5
	check := func(name string, q *Query, want []float64) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			out := make([]float64, q.Dim)
			NewEvaluator(q).Eval(x, y, out)
			if diff := cmp.Diff(want, out, cmpopts.EquateApprox(0, 1e-15)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", q.Name, diff)
			}
		})
	}
	check("ReluCorr inactive", ReluCorr(w), []float64{0})
	check("ReluCorr active", ReluCorr(v), []float64{0.7 * 2.5})
	check("GateCorr", GateCorr(v), []float64{0.7 * 0.5, 0.7 * -2})
	check("Chow", Chow(2), []float64{0.35, -1.4})
	check("Grad", Grad(v), []float64{2 * (2.5 - 0.7) * 0.5, 2 * (2.5 - 0.7) * -2})
	check("Loss active", Loss(v), []float64{(2.5 - 0.7) * (2.5 - 0.7)})
	check("Loss inactive", Loss(w), []float64{0.49})
	check("ReluBatch", ReluBatch([][]float64{w, v}), []float64{0, 0.7 * 2.5})
	h2 := (0.25 - 1) / math.Sqrt2 // h_2(0.5)
	check("HermiteCorr", HermiteCorr([]int{0, 1}, []int{2, 1}), []float64{0.7 * h2 * -2})
	check("LabelMoment 2", LabelMoment(2), []float64{0.49})
	q, ok := MapLabels(Chow(2), 0.5) // y = 0.7 > 0.5: sign = +1
	if !ok {
		t.Fatal("MapLabels refused a product query")
	}
	check("MapLabels sign +1", q, []float64{0.5, -2})
	q, _ = MapLabels(Chow(2), 0.9) // sign = -1
	check("MapLabels sign -1", q, []float64{-0.5, 2})
	q, _ = MapLabels(LabelMoment(2), 0.9) // y^2 -> 1
	check("MapLabels y^2 to 1", q, []float64{1})
	if q.Class&Correlational != 0 {
		t.Error("MapLabels kept the correlational class")
	}
	joint := &Query{Name: "clipped loss", Class: Bounded, Dim: 1, Terms: []Term{{Coef: 1, Joint: &Joint{U: [][]float64{v},
		G: func(z []float64, y float64) float64 { return math.Min(1, (math.Max(z[0], 0)-y)*(math.Max(z[0], 0)-y)) }, Name: "min((relu-y)^2,1)"}}}}
	check("joint term", joint, []float64{1})
	if _, ok := MapLabels(joint, 0.5); ok {
		t.Error("MapLabels accepted a joint term")
	}
}

func TestFingerprint(t *testing.T) {
	a, b := ReluCorr([]float64{1, 2}), ReluCorr([]float64{1, 2})
	if a.Fingerprint() != b.Fingerprint() {
		t.Error("equal queries, different fingerprints")
	}
	distinct := []*Query{a, ReluCorr([]float64{1, 2.0000000001}), StepCorr([]float64{1, 2}), GateCorr([]float64{1, 2}), Chow(2), Loss([]float64{1, 2})}
	seen := map[uint64]string{}
	for _, q := range distinct {
		if prev, dup := seen[q.Fingerprint()]; dup {
			t.Errorf("%s and %s share a fingerprint", prev, q.Name)
		}
		seen[q.Fingerprint()] = q.Name
	}
	c := GateCorr([]float64{1, 2})
	c.TolNorm = EuclidNorm
	if c.Fingerprint() == GateCorr([]float64{1, 2}).Fingerprint() {
		t.Error("the tolerance norm does not change the fingerprint")
	}
}

func TestFloatsJSON(t *testing.T) {
	in := Floats{0.1, -0, 1e-310, math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1), 1.0 / 3}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Floats
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	for i := range in {
		if math.Float64bits(in[i]) != math.Float64bits(out[i]) && !(math.IsNaN(in[i]) && math.IsNaN(out[i])) {
			t.Errorf("value %d: %v -> %s -> %v", i, in[i], b, out[i])
		}
	}
	if err := json.Unmarshal([]byte(`["bogus"]`), &out); err == nil {
		t.Error("accepted a non-number string")
	}
}

func TestLedgerRoundsAndTrace(t *testing.T) {
	l := NewLedger()
	var stream bytes.Buffer
	l.Stream(&stream)
	q := ReluCorr([]float64{1, 0})
	rec := func() { l.Record(q, 0.1, []float64{0.5}, Info{Oracle: "test", Nanos: 10}) }
	rec()
	rec()
	l.Round(func() error { rec(); rec(); l.Round(func() error { rec(); return nil }); return nil })
	rec()
	s := l.Summary()
	if s.Queries != 6 || s.Rounds != 4 {
		t.Errorf("summary %+v, want 6 queries in 4 rounds", s)
	}
	rounds := []int{}
	for _, e := range l.Entries() {
		rounds = append(rounds, e.Round)
	}
	if want := []int{0, 1, 2, 2, 2, 3}; !equalInts(rounds, want) {
		t.Errorf("rounds %v, want %v", rounds, want)
	}
	// The streamed trace and WriteJSONL read back the same entries.
	var written bytes.Buffer
	if err := l.WriteJSONL(&written); err != nil {
		t.Fatal(err)
	}
	for _, src := range []struct {
		name string
		buf  *bytes.Buffer
	}{{"streamed", &stream}, {"written", &written}} {
		t.Run(src.name, func(t *testing.T) {
			es, err := ReadTrace(bytes.NewReader(src.buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 6 || es[4].Round != 2 || es[4].Answer[0] != 0.5 {
				t.Errorf("trace read back %d entries: %+v", len(es), es)
			}
		})
	}
	for _, c := range []struct{ name, trace string }{
		{"empty", ""},
		{"no header", "{}\n"},
		{"unknown version", `{"trace":"sqsim","version":2}`},
		{"entry not JSON", "{\"trace\":\"sqsim\",\"version\":1}\nnot json\n"},
		{"answer of the wrong dimension", "{\"trace\":\"sqsim\",\"version\":1}\n{\"dim\":2,\"answer\":[1]}\n"},
	} {
		t.Run("bad trace "+c.name, func(t *testing.T) {
			if _, err := ReadTrace(strings.NewReader(c.trace)); !errors.Is(err, ErrTrace) {
				t.Errorf("ReadTrace(%q) = %v, want ErrTrace", c.trace, err)
			}
		})
	}
}

func TestLedgerConcurrent(t *testing.T) {
	l := NewLedger()
	q := Chow(3)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				l.Record(q, 0.01, []float64{1, 2, 3}, Info{})
			}
		}()
	}
	wg.Wait()
	if s := l.Summary(); s.Queries != 800 || s.Scalar != 2400 {
		t.Errorf("summary %+v, want 800 queries and 2400 scalar", s)
	}
}

func TestBudgetCheck(t *testing.T) {
	q := Chow(4)
	var s Summary
	b := Budget{MaxScalar: 10, MaxCost: 1e9}
	if err := b.Check(s, q, 0.1); err != nil {
		t.Fatal(err)
	}
	s.Add(q, 0.1, false)
	s.Add(q, 0.1, false)
	err := b.Check(s, q, 0.1)
	var be *BudgetError
	if !errors.As(err, &be) || be.Limit != "max_scalar" || be.Value != 12 {
		t.Errorf("got %v, want max_scalar 12", err)
	}
	if err := (Budget{MaxCost: 100}).Check(Summary{}, q, 0.1); !errors.As(err, &be) || be.Limit != "max_cost" {
		t.Errorf("got %v, want max_cost", err)
	}
}

func TestStreams(t *testing.T) {
	a := Stream(1, 2, 3).Uint64()
	if a != Stream(1, 2, 3).Uint64() {
		t.Error("Stream is not deterministic")
	}
	for _, other := range [][]uint64{{1, 2}, {1, 3, 2}, {2, 2, 3}, {1, 2, 3, 0}} {
		t.Run(fmt.Sprintf("Stream%v", other), func(t *testing.T) {
			if Stream(other[0], other[1:]...).Uint64() == a {
				t.Errorf("Stream%v collides with Stream(1,2,3)", other)
			}
		})
	}
}

func TestSettingExpect(t *testing.T) {
	s, err := NewSetting(3)
	if err != nil {
		t.Fatal(err)
	}
	w := []float64{1, 2, 2}
	out := make([]float64, 3)
	q := &Query{Name: "relu x", Class: L2, Bound: 4, Dim: 3, Terms: []Term{{Coef: 1, Feature: Feature{Kind: FeatReluX, W: w}}}}
	if err := s.Expect(q, out); err != nil || out[0] != 0.5 || out[1] != 1 || out[2] != 1 {
		t.Errorf("E[relu(w.x) x] = %v, %v; want w/2", out, err)
	}
	// A ridge feature by quadrature: E[relu(w.x)^2] = ||w||^2/2 = 4.5.
	r := &Query{Name: "ridge", Class: L2, Dim: 1, Terms: []Term{{Coef: 1, Feature: Feature{Kind: FeatRidge, U: [][]float64{w},
		G: func(z []float64) float64 { return math.Pow(math.Max(z[0], 0), 2) }, Kinks: [][]float64{{0}}, Name: "relu2"}}}}
	if err := s.Expect(r, out); err != nil || math.Abs(out[0]-4.5) > 1e-12 {
		t.Errorf("E[relu^2] = %v, %v; want 4.5", out[0], err)
	}
	if err := s.Expect(ReluCorr(w), out); !errors.Is(err, ErrQuery) {
		t.Errorf("label query: %v", err)
	}
	if _, err := NewSetting(0); !errors.Is(err, ErrSetting) {
		t.Errorf("d = 0: %v", err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
