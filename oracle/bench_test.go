package oracle

import (
	"fmt"
	"testing"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

var benchDims = []int{100, 1000, 10000}

// BenchmarkExactGrad: the exact oracle answering the label part of the
// population gradient, E[y 1{w.x>0} x] = gauss.ReluStepX (the query is built
// once; building it clones w, one allocation, on the learner's side).
func BenchmarkExactGrad(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			m, err := world.Realizable(randDir(1, d, 1))
			if err != nil {
				b.Fatal(err)
			}
			o := Exact(m)
			q := sq.GateCorr(randDir(2, d, 1))
			ans := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				if err := o.Answer(q, 1e-3, ans); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExactFullGrad: the exact oracle answering sq.Grad (two terms:
// the label-free E[relu(w.x) x] = w/2 and the label part).
func BenchmarkExactFullGrad(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			m, _ := world.Realizable(randDir(1, d, 1))
			o := Exact(m)
			q := sq.Grad(randDir(2, d, 1))
			ans := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				if err := o.Answer(q, 1e-3, ans); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkExactGradWithQuery includes building the query (sq.GateCorr
// clones w) on every step, as a learner does.
func BenchmarkExactGradWithQuery(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			m, _ := world.Realizable(randDir(1, d, 1))
			o := Exact(m)
			w := randDir(2, d, 1)
			ans := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				if err := o.Answer(sq.GateCorr(w), 1e-3, ans); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReluStepX: the closed form alone.
func BenchmarkReluStepX(b *testing.B) {
	for _, d := range benchDims {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			v, w := randDir(1, d, 1), randDir(2, d, 1)
			out := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				gauss.ReluStepX(v, w, out)
			}
		})
	}
}
