//go:build !amd64 || purego

// On machines without the AVX-512 kernels (other architectures, or the
// purego build tag) useAVX512 is false, so the dispatch in kern.go always
// takes its portable Go branch. The assembly entry points below exist only so
// that kern.go compiles unchanged on every platform; they are never called.

package kern

const hasAVX512 = false

var useAVX512 = false

func dotRowsAVX512(x *float64, d, rows int, w, z *float64) { panic("unreachable") }
func gatedRowsAVX512(x *float64, d, rows int, w, a, b, acc *float64, branchy int) {
	panic("unreachable")
}
func gatedRowsPFAVX512(x *float64, d, rows int, w, a, b, acc *float64, branchy int) {
	panic("unreachable")
}
func axpyRowsAVX512(x *float64, d int, idx *int32, nidx int, c, acc *float64) { panic("unreachable") }
func dot3AVX512(w, v *float64, n int) (ww, vv, wv float64)                    { panic("unreachable") }
func axpbyAVX512(out *float64, a float64, w *float64, b float64, v *float64, n int) {
	panic("unreachable")
}
func sumAVX512(x *float64, n int) float64 { panic("unreachable") }
func relu64x3AVX512(x *float64, ldx int, wt *float64, kc int, z, lam, out *float64, flags int) {
	panic("unreachable")
}
func relu64x1AVX512(x *float64, wt *float64, kc int, z, lam, out *float64, flags int) {
	panic("unreachable")
}

var gatedSmall [14]func(x *float64, d, rows int, w, a, b, acc *float64)
