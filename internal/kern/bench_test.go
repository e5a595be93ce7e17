package kern

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// In-cache benchmarks of the kernels (the pool-sized passes are measured by
// `sqsim bench`): a block of rows of 20 KB or so, repeated.

func benchRows(d int) int { return max(1, 20000/(8*d)) }

func BenchmarkDotRows(b *testing.B) {
	for _, d := range []int{100, 1000, 10000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			rows := benchRows(d)
			x, w := randVec(r, rows*d), randVec(r, d)
			z := make([]float64, rows)
			b.SetBytes(int64(8 * rows * d))
			for b.Loop() {
				DotRows(x, d, w, z)
			}
		})
	}
}

func BenchmarkGatedRows(b *testing.B) {
	for _, d := range []int{96, 100, 1000, 10000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			rows := benchRows(d)
			x, w := randVec(r, rows*d), randVec(r, d)
			a, c := make([]float64, rows), randVec(r, rows)
			for i := range a {
				a[i] = 2
			}
			acc := make([]float64, Pad(d))
			b.SetBytes(int64(8 * rows * d))
			for b.Loop() {
				GatedRows(x, d, w, a, c, acc)
			}
		})
	}
}

func BenchmarkAxpyRows(b *testing.B) {
	for _, d := range []int{100, 1000} {
		b.Run(fmt.Sprintf("d=%d", d), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			rows := benchRows(d)
			x, c := randVec(r, rows*d), randVec(r, rows)
			acc := make([]float64, Pad(d))
			idx := make([]int32, rows)
			b.SetBytes(int64(8 * rows * d))
			for b.Loop() {
				AxpyRows(x, d, c, acc, idx)
			}
		})
	}
}

func BenchmarkSum(b *testing.B) {
	x := randVec(rand.New(rand.NewPCG(1, 2)), 2500)
	b.SetBytes(8 * 2500)
	for b.Loop() {
		Sum(x)
	}
}

func BenchmarkBatch(b *testing.B) {
	for _, d := range []int{100, 1000} {
		b.Run(fmt.Sprintf("d=%d/m=64", d), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			rows := 60
			U := make([][]float64, 64)
			for j := range U {
				U[j] = randVec(r, d)
			}
			bt := NewBatch(U)
			x, lam := randVec(r, rows*d), randVec(r, rows)
			out := make([]float64, 64)
			var ws BatchWork
			b.ReportMetric(0, "ns/op")
			for b.Loop() {
				bt.Accumulate(x, lam, out, &ws)
			}
			b.ReportMetric(2*float64(rows*d*64)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
