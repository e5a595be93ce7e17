package kern

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func randVec(r *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = r.NormFloat64()
	}
	return v
}

// withImpl runs f with the implementation name selected, restoring the
// default after; it skips when the implementation is not available.
func withImpl(t *testing.T, name string, f func()) {
	t.Helper()
	saved := useAVX512
	defer func() { useAVX512 = saved }()
	if !SetImpl(name) {
		t.Skipf("implementation %s not available on this machine", name)
	}
	f()
}

func close(t *testing.T, what string, got, want, scale float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-13*math.Max(1, scale) {
		t.Errorf("%s: asm %v, go %v (diff %.3g, scale %.3g)", what, got, want, got-want, scale)
	}
}

var dims = []int{1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 100, 257, 1000, 1031}

func TestDotRowsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, d := range dims {
		for _, rows := range []int{1, 2, 3, 4, 5, 9} {
			x, w := randVec(r, rows*d), randVec(r, d)
			t.Run(fmt.Sprintf("d=%d,rows=%d", d, rows), func(t *testing.T) {
				zGo, zAsm := make([]float64, rows), make([]float64, rows)
				withImpl(t, "go", func() { DotRows(x, d, w, zGo) })
				withImpl(t, "avx512", func() { DotRows(x, d, w, zAsm) })
				for i := range zGo {
					close(t, "DotRows", zAsm[i], zGo[i], math.Sqrt(float64(d)))
				}
			})
		}
	}
}

func TestAxpyRowsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, d := range dims {
		for _, rows := range []int{1, 3, 4, 5, 8, 11} {
			x, c := randVec(r, rows*d), randVec(r, rows)
			for i := range c {
				if r.IntN(3) == 0 {
					c[i] = 0
				}
			}
			acc0 := randVec(r, Pad(d)+3) // entries past Pad(d) must stay untouched
			t.Run(fmt.Sprintf("d=%d,rows=%d", d, rows), func(t *testing.T) {
				aGo, aAsm := append([]float64(nil), acc0...), append([]float64(nil), acc0...)
				idx := make([]int32, rows)
				withImpl(t, "go", func() { AxpyRows(x, d, c, aGo, idx) })
				withImpl(t, "avx512", func() { AxpyRows(x, d, c, aAsm, idx) })
				for j := range aGo {
					close(t, "AxpyRows", aAsm[j], aGo[j], float64(rows))
				}
				for j := d; j < len(acc0); j++ {
					if aAsm[j] != acc0[j] {
						t.Fatalf("AxpyRows d=%d changed entry %d past d", d, j)
					}
				}
			})
		}
	}
}

func TestSumAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{1, 7, 8, 63, 64, 65, 129, 1000, 4099} {
		x := randVec(r, n)
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			var sGo, sAsm float64
			withImpl(t, "go", func() { sGo = Sum(x) })
			withImpl(t, "avx512", func() { sAsm = Sum(x) })
			close(t, "Sum", sAsm, sGo, math.Sqrt(float64(n)))
		})
	}
}

func TestBatchAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	saved := [3]int{kWhole, kBlock, rowBlock}
	defer func() { kWhole, kBlock, rowBlock = saved[0], saved[1], saved[2] }()
	// Small blocking parameters exercise the k-blocked path at small d.
	for _, blk := range [][3]int{saved, {16, 8, 6}, {4, 3, 4}} {
		kWhole, kBlock, rowBlock = blk[0], blk[1], blk[2]
		for _, d := range []int{1, 5, 8, 17, 100} {
			for _, m := range []int{1, 3, 8, 63, 64, 65, 130} {
				rows := 1 + r.IntN(20)
				U := make([][]float64, m)
				for j := range U {
					U[j] = randVec(r, d)
				}
				b := NewBatch(U)
				x, lam := randVec(r, rows*d), randVec(r, rows)
				t.Run(fmt.Sprintf("blocks=%v,d=%d,m=%d", blk, d, m), func(t *testing.T) {
					oGo, oAsm := make([]float64, m), make([]float64, m)
					var ws BatchWork
					withImpl(t, "go", func() { b.Accumulate(x, lam, oGo, &ws) })
					withImpl(t, "avx512", func() { b.Accumulate(x, lam, oAsm, &ws) })
					for j := range oGo {
						// Reference straight from the definition.
						want := 0.0
						for i := 0; i < rows; i++ {
							if s := dotGo(x[i*d:(i+1)*d], U[j]); s > 0 {
								want += lam[i] * s
							}
						}
						close(t, "Batch go", oGo[j], want, float64(rows*d))
						close(t, "Batch asm", oAsm[j], want, float64(rows*d))
					}
				})
			}
		}
	}
}

func TestGatedRowsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	saved, savedSmall, savedPF := branchFreeMax, useSmall, prefetchNextMax
	defer func() { branchFreeMax, useSmall, prefetchNextMax = saved, savedSmall, savedPF }()
	// The register-resident kernels (d <= 104), the branch-free and the
	// branching streaming kernels, with and without prefetching.
	variants := []string{"register-resident", "branch-free", "branching", "branch-free,no-prefetch", "branching,no-prefetch"}
	for k, bf := range []int{saved, saved, 0, saved, 0} {
		branchFreeMax, useSmall = bf, k == 0
		prefetchNextMax = savedPF
		if k >= 3 {
			prefetchNextMax = 0
		}
		for _, d := range dims {
			for _, rows := range []int{1, 2, 5, 13} {
				x, w, a, b := randVec(r, rows*d), randVec(r, d), randVec(r, rows), randVec(r, rows)
				acc0 := randVec(r, Pad(d)+3)
				t.Run(fmt.Sprintf("%s,d=%d,rows=%d", variants[k], d, rows), func(t *testing.T) {
					aGo, aAsm := append([]float64(nil), acc0...), append([]float64(nil), acc0...)
					withImpl(t, "go", func() { GatedRows(x, d, w, a, b, aGo) })
					withImpl(t, "avx512", func() { GatedRows(x, d, w, a, b, aAsm) })
					for j := range aGo {
						close(t, "GatedRows", aAsm[j], aGo[j], float64(rows*d))
					}
					for j := d; j < len(acc0); j++ {
						if aAsm[j] != acc0[j] {
							t.Fatalf("GatedRows d=%d changed entry %d past d", d, j)
						}
					}
				})
			}
		}
	}
}

func TestDot3AxpbyAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, n := range dims {
		w, v := randVec(r, n), randVec(r, n)
		t.Run(fmt.Sprintf("n=%d", n), func(t *testing.T) {
			var g, a [3]float64
			withImpl(t, "go", func() { g[0], g[1], g[2] = Dot3(w, v) })
			withImpl(t, "avx512", func() { a[0], a[1], a[2] = Dot3(w, v) })
			for k := range g {
				close(t, "Dot3", a[k], g[k], float64(n))
			}
			oGo, oAsm := make([]float64, n+1), make([]float64, n+1)
			oGo[n], oAsm[n] = 7, 7
			withImpl(t, "go", func() { Axpby(oGo, 0.3, w, -1.7, v) })
			withImpl(t, "avx512", func() { Axpby(oAsm, 0.3, w, -1.7, v) })
			for k := range oGo {
				close(t, "Axpby", oAsm[k], oGo[k], 2)
			}
			if oAsm[n] != 7 {
				t.Fatalf("Axpby n=%d wrote past n", n)
			}
		})
	}
}
