//go:build amd64 && !purego

package kern

import "golang.org/x/sys/cpu"

var hasAVX512 = cpu.X86.HasAVX512F

var useAVX512 = hasAVX512

//go:noescape
func dotRowsAVX512(x *float64, d, rows int, w, z *float64)

//go:noescape
func gatedRowsAVX512(x *float64, d, rows int, w, a, b, acc *float64, branchy int)

// gatedRowsPFAVX512 is gatedRowsAVX512 that prefetches the next row into L1
// during each row's axpy (when memory would otherwise idle).
//
//go:noescape
func gatedRowsPFAVX512(x *float64, d, rows int, w, a, b, acc *float64, branchy int)

//go:noescape
func axpyRowsAVX512(x *float64, d int, idx *int32, nidx int, c, acc *float64)

//go:noescape
func dot3AVX512(w, v *float64, n int) (ww, vv, wv float64)

//go:noescape
func axpbyAVX512(out *float64, a float64, w *float64, b float64, v *float64, n int)

//go:noescape
func sumAVX512(x *float64, n int) float64

// relu64x3AVX512 and relu64x1AVX512 are the batch micro-kernels: for 3
// (or 1) rows starting at x (row stride ldx values) and a panel of 64
// directions packed k-major in wt (kc x 64), acc_r = sum_k x_r[k] wt[k][:]
// (plus z_r when flags&1), then out += lam_r relu(acc_r) when flags&2, else
// z_r = acc_r. z holds 3 (or 1) rows of 64.
//
//go:noescape
func relu64x3AVX512(x *float64, ldx int, wt *float64, kc int, z, lam, out *float64, flags int)

//go:noescape
func relu64x1AVX512(x *float64, wt *float64, kc int, z, lam, out *float64, flags int)

// gatedV<V>AVX512 are GatedRows for d <= 8V with w and the accumulator held
// in registers for the whole block (V vectors each).
//
//go:noescape
func gatedV1AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV2AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV3AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV4AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV5AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV6AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV7AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV8AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV9AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV10AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV11AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV12AVX512(x *float64, d, rows int, w, a, b, acc *float64)

//go:noescape
func gatedV13AVX512(x *float64, d, rows int, w, a, b, acc *float64)

var gatedSmall = [...]func(x *float64, d, rows int, w, a, b, acc *float64){nil,
	gatedV1AVX512,
	gatedV2AVX512,
	gatedV3AVX512,
	gatedV4AVX512,
	gatedV5AVX512,
	gatedV6AVX512,
	gatedV7AVX512,
	gatedV8AVX512,
	gatedV9AVX512,
	gatedV10AVX512,
	gatedV11AVX512,
	gatedV12AVX512,
	gatedV13AVX512,
}
