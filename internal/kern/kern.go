// Package kern holds the numerical kernels of the sample and pool oracles:
// row-blocked dot products, gated axpy, the register-blocked batch of ReLU
// correlations, and a read-bandwidth kernel. Each has a portable Go version
// (4-way unrolled) and, on amd64 with AVX-512, an assembly version selected
// at start-up; build with the purego tag to force the Go versions. The two
// agree within floating-point rounding (the assembly uses fused
// multiply-adds and 8-lane partial sums), and each is deterministic: the
// same inputs give the same bits, whatever the goroutine that runs it.
//
// Lengths are the caller's responsibility (these are hot paths); a short
// slice panics in the Go versions and is undefined behaviour in assembly,
// so every exported function checks the lengths it is given first.
package kern

//go:generate python3 asm_gen.py

import (
	"fmt"

	"gonum.org/v1/gonum/floats"
)

// Impl names the implementation in use: "avx512" or "go".
func Impl() string {
	if useAVX512 {
		return "avx512"
	}
	return "go"
}

// SetImpl selects the implementation ("avx512" or "go") and reports whether
// it is available; tests use it to compare the two.
func SetImpl(name string) bool {
	switch name {
	case "go":
		useAVX512 = false
		return true
	case "avx512":
		if hasAVX512 {
			useAVX512 = true
			return true
		}
	}
	return false
}

// panicf reports a caller's length error (a programming error, never a
// reaction to user input). It is only called on the failure path, so the
// hot paths box no arguments.
func panicf(format string, args ...any) {
	panic(fmt.Sprintf("kern: "+format, args...))
}

// DotRows sets z[i] = x[i*d:(i+1)*d] . w for i < len(z): the product of a
// block of rows of a row-major matrix with w (len(w) == d).
func DotRows(x []float64, d int, w, z []float64) {
	if !(len(w) == d && len(x) >= len(z)*d) {
		panicf("DotRows: len(x) %d, d %d, len(w) %d, rows %d", len(x), d, len(w), len(z))
	}
	if len(z) == 0 || d == 0 {
		clear(z)
		return
	}
	if useAVX512 {
		dotRowsAVX512(&x[0], d, len(z), &w[0], &z[0])
		return
	}
	dotRowsGo(x, d, w, z)
}

// Pad returns d rounded up to a multiple of 8: the length the accumulators
// of GatedRows and AxpyRows must have. The assembly kernels load and store
// whole 8-lane vectors of the accumulator (a masked store would not forward
// to the next row's load, which costs more than the padding); the entries
// past d only ever receive zeros.
func Pad(d int) int { return (d + 7) &^ 7 }

// GatedRows adds, for each row x_i = x[i*d:(i+1)*d] (i < len(a)), c_i x_i to
// acc[:d] (len(acc) >= Pad(d)) with c_i = a[i] z_i + b[i] when z_i = x_i . w > 0 and nothing
// otherwise: one pass over the rows, each row's gated axpy done while the
// row is in L1. With a = 2 and b = -2y this is the gradient of the square
// loss of relu(w.x); with a = 0 and b = y the correlation E[y 1{w.x>0} x].
func GatedRows(x []float64, d int, w, a, b, acc []float64) {
	rows := len(a)
	if !(len(w) == d && len(b) == rows && len(x) >= rows*d && len(acc) >= Pad(d)) {
		panicf("GatedRows: len(x) %d, d %d, len(w) %d, rows %d/%d, len(acc) %d", len(x), d, len(w), rows, len(b), len(acc))
	}
	if rows == 0 || d == 0 {
		return
	}
	if useAVX512 && useSmall {
		if v := Pad(d) / 8; v < len(gatedSmall) {
			gatedSmall[v](&x[0], d, rows, &w[0], &a[0], &b[0], &acc[0])
			return
		}
	}
	if useAVX512 {
		branchy := 0
		if d > branchFreeMax {
			branchy = 1
		}
		if d <= prefetchNextMax {
			gatedRowsPFAVX512(&x[0], d, rows, &w[0], &a[0], &b[0], &acc[0], branchy)
		} else {
			gatedRowsAVX512(&x[0], d, rows, &w[0], &a[0], &b[0], &acc[0], branchy)
		}
		return
	}
	gatedRowsGo(x, d, w, a, b, acc)
}

// branchFreeMax is the largest d at which GatedRows does the axpy of every
// row, with a zero coefficient when the gate is closed, rather than branch
// on the gate: a mispredicted branch (half the rows, at random) discards the
// loads of the next row already in flight, which costs more than an axpy
// from L1 when rows are short.
var branchFreeMax = 256

// prefetchNextMax is the largest d at which GatedRows prefetches the next
// row into L1 during each row's axpy (measured 1.4x faster at d = 1000; at
// d = 10^4 the 80 KB rows no longer fit L1 and the prefetch hurts).
var prefetchNextMax = 4096

// useSmall enables the register-resident kernels of GatedRows for d <= 104.
var useSmall = true

func gatedRowsGo(x []float64, d int, w, a, b, acc []float64) {
	acc = acc[:d]
	for i := range a {
		xi := x[i*d : (i+1)*d]
		if z := dotGo(xi, w); z > 0 {
			axpyGo(a[i]*z+b[i], xi, acc)
		}
	}
}

// AxpyRows adds sum_i c[i] x[i*d:(i+1)*d] to acc[:d] (len(acc) >= Pad(d))
// over the rows with
// c[i] != 0, one row at a time in row order. idx is scratch of length at
// least len(c).
func AxpyRows(x []float64, d int, c, acc []float64, idx []int32) {
	if !(len(acc) >= Pad(d) && len(x) >= len(c)*d && len(idx) >= len(c)) {
		panicf("AxpyRows: len(x) %d, d %d, rows %d, len(acc) %d", len(x), d, len(c), len(acc))
	}
	nz := 0
	for i, v := range c {
		if v != 0 {
			idx[nz] = int32(i)
			nz++
		}
	}
	if nz == 0 || d == 0 {
		return
	}
	if useAVX512 {
		axpyRowsAVX512(&x[0], d, &idx[0], nz, &c[0], &acc[0])
		return
	}
	axpyRowsGo(x, d, idx[:nz], c, acc)
}

// Dot3 returns w.w, v.v and w.v (len(v) >= len(w)): the geometry of a pair
// of directions in the closed forms of sq/gauss. One AVX-512 pass; without
// AVX-512, gonum's three dot products.
func Dot3(w, v []float64) (ww, vv, wv float64) {
	if !(len(v) >= len(w)) {
		panicf("Dot3: lengths %d and %d", len(w), len(v))
	}
	if len(w) == 0 {
		return 0, 0, 0
	}
	if useAVX512 {
		return dot3AVX512(&w[0], &v[0], len(w))
	}
	// Without AVX-512: gonum's three SSE2 passes (pure Go off amd64), which
	// is what sq/gauss computed before these kernels.
	v = v[:len(w)]
	return floats.Dot(w, w), floats.Dot(v, v), floats.Dot(w, v)
}

// Axpby sets out[i] = a w[i] + b v[i] for i < len(w) (len(v), len(out) >=
// len(w)): one AVX-512 pass (a fused multiply-add), or gonum's ScaleTo and
// AddScaled.
func Axpby(out []float64, a float64, w []float64, b float64, v []float64) {
	if !(len(v) >= len(w) && len(out) >= len(w)) {
		panicf("Axpby: lengths %d, %d and %d", len(w), len(v), len(out))
	}
	if len(w) == 0 {
		return
	}
	if useAVX512 {
		axpbyAVX512(&out[0], a, &w[0], b, &v[0], len(w))
		return
	}
	v, out = v[:len(w)], out[:len(w)]
	floats.ScaleTo(out, a, w)
	floats.AddScaled(out, b, v)
}

// Sum returns the sum of x: the kernel of the read-bandwidth measurement.
func Sum(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	if useAVX512 {
		return sumAVX512(&x[0], len(x))
	}
	return sumGo(x)
}

// Dot returns a . b (len(b) >= len(a)).
func Dot(a, b []float64) float64 {
	if !(len(b) >= len(a)) {
		panicf("Dot: lengths %d and %d", len(a), len(b))
	}
	if len(a) == 0 {
		return 0
	}
	var z [1]float64
	if useAVX512 {
		dotRowsAVX512(&a[0], len(a), 1, &b[0], &z[0])
		return z[0]
	}
	return dotGo(a, b)
}

func dotGo(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * b[i]
		s1 += a[i+1] * b[i+1]
		s2 += a[i+2] * b[i+2]
		s3 += a[i+3] * b[i+3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func dotRowsGo(x []float64, d int, w, z []float64) {
	for i := range z {
		z[i] = dotGo(x[i*d:(i+1)*d], w)
	}
}

func axpyGo(a float64, x, acc []float64) {
	acc = acc[:len(x)]
	i := 0
	for ; i+4 <= len(x); i += 4 {
		acc[i] += a * x[i]
		acc[i+1] += a * x[i+1]
		acc[i+2] += a * x[i+2]
		acc[i+3] += a * x[i+3]
	}
	for ; i < len(x); i++ {
		acc[i] += a * x[i]
	}
}

func axpyRowsGo(x []float64, d int, idx []int32, c, acc []float64) {
	for _, i := range idx {
		axpyGo(c[i], x[int(i)*d:int(i)*d+d], acc)
	}
}

func sumGo(x []float64) float64 {
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}
