package gauss

// High-precision reference values computed with math/big by routes that
// share no code and no formula with the package: exact integers (binomials,
// factorials, the unnormalized He recurrence) in big.Float arithmetic with
// hundreds of bits.

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

const bigPrec = 320

// bigPi is π to 85 digits.
var bigPi, _ = new(big.Float).SetPrec(bigPrec).SetString("3.141592653589793238462643383279502884197169399375105820974944592307816406286208998628")

func bf(x float64) *big.Float { return new(big.Float).SetPrec(bigPrec).SetFloat64(x) }

func bInt(x *big.Int) *big.Float { return new(big.Float).SetPrec(bigPrec).SetInt(x) }

func bMul(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Mul(a, b) }
func bQuo(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Quo(a, b) }
func bAdd(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Add(a, b) }
func bSub(a, b *big.Float) *big.Float { return new(big.Float).SetPrec(bigPrec).Sub(a, b) }
func bSqrt(a *big.Float) *big.Float   { return new(big.Float).SetPrec(bigPrec).Sqrt(a) }

func f64(x *big.Float) float64 { v, _ := x.Float64(); return v }

// bigFact returns n! as a big.Float.
func bigFact(n int) *big.Float {
	if n < 2 {
		return bf(1)
	}
	return bInt(new(big.Int).MulRange(1, int64(n)))
}

// bigReluCoefSq returns c_n² = binom(2m,m)/(4^m 2π (2m-1)²) for n = 2m >= 2
// from the exact integer binomial.
func bigReluCoefSq(n int) *big.Float {
	m := n / 2
	b := bInt(new(big.Int).Binomial(int64(2*m), int64(m)))
	b.SetMantExp(b, -2*m) // / 4^m
	den := bMul(bMul(bf(2), bigPi), bf(float64((2*m-1)*(2*m-1))))
	return bQuo(b, den)
}

// bigReluCoef returns c_n with its sign (n >= 2 even).
func bigReluCoef(n int) float64 {
	c := f64(bSqrt(bigReluCoefSq(n)))
	if (n/2)%2 == 0 {
		return -c
	}
	return c
}

// bigSignCoef returns b_n = (-1)^m sqrt(2/π) sqrt(binom(2m,m)/(4^m (2m+1))) for n = 2m+1.
func bigSignCoef(n int) float64 {
	m := (n - 1) / 2
	b := bInt(new(big.Int).Binomial(int64(2*m), int64(m)))
	b.SetMantExp(b, -2*m)
	b = bQuo(bMul(b, bf(2)), bMul(bigPi, bf(float64(2*m+1))))
	v := f64(bSqrt(b))
	if m%2 == 1 {
		return -v
	}
	return v
}

// bigReluTail returns T_D = Σ_{n>D} c_n² for D >= 1 as (π/2 - 1 - Σ_{m=1}^{⌊D/2⌋} q_m/(2m-1)²)/(2π),
// using Σ_{m>=1} q_m/(2m-1)² = π/2 - 1 (Parseval) and exact q_m recursion.
func bigReluTail(D int) float64 {
	q := bf(1)
	s := bf(0)
	for m := 1; 2*m <= D; m++ {
		q = bQuo(bMul(q, bf(float64(2*m-1))), bf(float64(2*m)))
		s = bAdd(s, bQuo(q, bf(float64((2*m-1)*(2*m-1)))))
	}
	tot := bSub(bQuo(bigPi, bf(2)), bf(1))
	return f64(bQuo(bSub(tot, s), bMul(bf(2), bigPi)))
}

// bigHermiteNorm returns h_k(t) for k = 0..n from the unnormalized recurrence
// He_{k+1} = t He_k - k He_{k-1} in big.Float with prec bits, divided by
// sqrt(k!).
func bigHermiteNorm(n int, t float64, prec uint) []float64 {
	out := make([]float64, n+1)
	tt := new(big.Float).SetPrec(prec).SetFloat64(t)
	h0 := new(big.Float).SetPrec(prec).SetInt64(1)
	h1 := new(big.Float).SetPrec(prec).Set(tt)
	fact := new(big.Float).SetPrec(prec).SetInt64(1)
	out[0] = 1
	if n >= 1 {
		out[1] = t
	}
	for k := 1; k < n; k++ {
		a := new(big.Float).SetPrec(prec).Mul(tt, h1)
		b := new(big.Float).SetPrec(prec).Mul(new(big.Float).SetPrec(prec).SetInt64(int64(k)), h0)
		h0, h1 = h1, a.Sub(a, b)
		fact.Mul(fact, new(big.Float).SetPrec(prec).SetInt64(int64(k+1)))
		r := new(big.Float).SetPrec(prec).Quo(h1, new(big.Float).SetPrec(prec).Sqrt(fact))
		out[k+1], _ = r.Float64()
	}
	return out
}

// bigReluHermiteMulti returns ||w|| c_N sqrt(N!/α!) ŵ^α with every factor in
// big.Float (c_N from the exact binomial).
func bigReluHermiteMulti(w []float64, alpha []int) float64 {
	ss := bf(0)
	for _, x := range w {
		ss = bAdd(ss, bMul(bf(x), bf(x)))
	}
	nrm := bSqrt(ss)
	N := 0
	r := bf(1)
	for i, a := range alpha {
		N += a
		u := bQuo(bf(w[i]), nrm)
		for j := 0; j < a; j++ {
			r = bMul(r, u)
		}
		r = bQuo(r, bSqrt(bigFact(a)))
	}
	r = bMul(r, bSqrt(bigFact(N)))
	var c float64
	switch {
	case N == 0:
		c = f64(bQuo(bf(1), bSqrt(bMul(bf(2), bigPi))))
	case N == 1:
		c = 0.5
	case N%2 == 1:
		return 0
	default:
		c = bigReluCoef(N)
	}
	return f64(bMul(bMul(r, nrm), bf(c)))
}

// printedTol returns half a unit in the last printed digit of the decimal
// string s (e.g. "0.35950" -> 5e-6, "1.33796064e-6" -> 5e-15), the tolerance
// implied by quoting a value to the digits shown.
func printedTol(s string) float64 {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	exp := 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, _ = strconv.Atoi(s[i+1:])
		s = s[:i]
	}
	dec := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		dec = len(s) - i - 1
	}
	return 0.5 * math.Pow(10, float64(exp-dec))
}

// mustParse parses a decimal reference value.
func mustParse(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(err)
	}
	return v
}
