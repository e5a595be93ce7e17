package sq_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// recorder is an oracle that remembers the last query and tolerance and
// answers 0.
type recorder struct {
	q   *sq.Query
	tau float64
}

func (r *recorder) Name() string { return "recorder" }
func (r *recorder) Answer(q *sq.Query, tau float64, ans []float64) error {
	r.q, r.tau = q, tau
	for i := range ans[:q.Dim] {
		ans[i] = 0
	}
	return nil
}

func TestThresholdViewMapsAndForwards(t *testing.T) {
	rec := &recorder{}
	v := sq.ThresholdView(rec, 0.25)
	if got, want := v.Name(), "threshold(t=0.25)(recorder)"; got != want {
		t.Errorf("Name = %q, want %q", got, want)
	}
	if _, err := sq.AskVec(v, sq.Chow(3), 1e-3); err != nil {
		t.Fatal(err)
	}
	if rec.tau != 1e-3 {
		t.Errorf("tolerance forwarded as %v, want 1e-3", rec.tau)
	}
	l := rec.q.Terms[0].Label
	if l.Kind != sq.LabelSign || l.T != 0.25 {
		t.Errorf("label of the forwarded query: %v at %v, want sign(y-t) at 0.25", l.Kind, l.T)
	}
	if rec.q.Class&sq.Correlational != 0 {
		t.Errorf("forwarded query keeps the correlational class: %v", rec.q.Class)
	}
}

// The view of the exact oracle agrees with the same query written directly
// with the label sign(y - t), and with E[sign(y - t)] = 2 P[y > t] - 1.
func TestThresholdViewExact(t *testing.T) {
	w, err := world.Corrupted([]float64{0.6, -0.8, 0}, 0.1, world.CorruptFlip)
	if err != nil {
		t.Fatal(err)
	}
	o := oracle.Exact(w)
	for _, th := range []float64{0.05, 0.3, 0.7} {
		t.Run(fmt.Sprintf("t=%v", th), func(t *testing.T) {
			v := sq.ThresholdView(o, th)
			got, err := sq.AskVec(v, sq.Chow(3), 1e-9)
			if err != nil {
				t.Fatal(err)
			}
			direct := &sq.Query{Name: "sign(y-t)*x", Class: sq.L2, Bound: 1, Dim: 3,
				Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelSign, T: th}, Feature: sq.Feature{Kind: sq.FeatLinear}}}}
			want, err := sq.AskVec(o, direct, 1e-9)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-12)); diff != "" {
				t.Errorf("E[sign(y - t) x] through the view vs direct (-direct +view):\n%s", diff)
			}
			mean, err := sq.Ask(v, sq.LabelMoment(1), 1e-9)
			if err != nil {
				t.Fatal(err)
			}
			above := &sq.Query{Name: "1{y>t}", Class: sq.Bounded, Bound: 1, Dim: 1,
				Terms: []sq.Term{{Coef: 1, Label: sq.Label{Kind: sq.LabelAbove, T: th}, Feature: sq.Feature{Kind: sq.FeatOne}}}}
			p, err := sq.Ask(o, above, 1e-9)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(mean-(2*p-1)) > 1e-10 {
				t.Errorf("E[sign(y - t)] = %v, 2 P[y > t] - 1 = %v", mean, 2*p-1)
			}
			if p <= 0 || p > 0.5 {
				t.Errorf("P[y > t] = %v, want in (0, 1/2] for labels that vanish when w*.x <= 0", p)
			}
			sq2, err := sq.Ask(v, sq.LabelMoment(2), 1e-9)
			if err != nil || math.Abs(sq2-1) > 1e-12 {
				t.Errorf("E[ytil^2] = %v, %v; want 1", sq2, err)
			}
		})
	}
}

func TestThresholdViewRefuses(t *testing.T) {
	rec := &recorder{}
	joint := &sq.Query{Name: "joint", Class: sq.L2, Bound: 1, Dim: 1, Terms: []sq.Term{{Coef: 1,
		Joint: &sq.Joint{U: [][]float64{{1, 0}}, G: func(z []float64, y float64) float64 { return z[0] * y }, Name: "zy"}}}}
	_, err := sq.Ask(sq.ThresholdView(rec, 0.5), joint, 1e-3)
	if !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "joint") {
		t.Errorf("joint term: err = %v, want ErrQuery naming the joint term", err)
	}
	if rec.q != nil {
		t.Error("the refused query reached the oracle below")
	}
	for _, th := range []float64{math.NaN(), math.Inf(1)} {
		t.Run(fmt.Sprintf("t=%v", th), func(t *testing.T) {
			_, err := sq.AskVec(sq.ThresholdView(rec, th), sq.Chow(2), 1e-3)
			if !errors.Is(err, sq.ErrQuery) || !strings.Contains(err.Error(), "finite") {
				t.Errorf("err = %v, want ErrQuery about the threshold", err)
			}
		})
	}
	// A CSQ-only oracle below the view refuses: the mapped queries are not
	// correlational.
	w, err := world.Realizable([]float64{1, 0})
	if err != nil {
		t.Fatal(err)
	}
	csq := oracle.Chain(oracle.Exact(w), oracle.WithClasses(sq.Correlational))
	if _, err := sq.AskVec(sq.ThresholdView(csq, 0.5), sq.Chow(2), 1e-3); !errors.Is(err, sq.ErrClass) {
		t.Errorf("CSQ oracle below the view: err = %v, want ErrClass", err)
	}
}
