package gauss

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchPair returns two random vectors of dimension d at a generic angle.
func benchPair(d int) (w, v []float64) {
	rng := rand.New(rand.NewPCG(1, uint64(d)))
	w = make([]float64, d)
	v = make([]float64, d)
	for i := range w {
		w[i] = rng.NormFloat64()
		v[i] = rng.NormFloat64()
	}
	return w, v
}

var benchSink float64

func BenchmarkReluLossGrad(b *testing.B) {
	for _, d := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			w, v := benchPair(d)
			out := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				ReluLossGrad(w, v, out)
			}
			benchSink = out[0]
		})
	}
}

func BenchmarkAngle(b *testing.B) {
	for _, d := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			w, v := benchPair(d)
			b.ReportAllocs()
			for b.Loop() {
				benchSink = Angle(w, v)
			}
		})
	}
}

func BenchmarkReluLoss(b *testing.B) {
	w, v := benchPair(100)
	b.ReportAllocs()
	for b.Loop() {
		benchSink = ReluLoss(w, v, 0.1)
	}
}

// BenchmarkReluLossGradNearOptimum measures the gradient when w is within
// 1e-3 rad of v, where Angle takes its second, cancellation-free pass (the
// regime of gradient descent near convergence).
func BenchmarkReluLossGradNearOptimum(b *testing.B) {
	for _, d := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			w, u := benchPair(d)
			v := make([]float64, d)
			for i := range v {
				v[i] = w[i] + 1e-3*u[i]
			}
			out := make([]float64, d)
			b.ReportAllocs()
			for b.Loop() {
				ReluLossGrad(w, v, out)
			}
			benchSink = out[0]
		})
	}
}
