package hardness

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// Kappa returns kappa_k = |C_S(1_S/sqrt k)|, the correlation of the
// symmetric unit ReLU with the parity (theory §4.3), conjectured (CONJ,
// numerics) to be the largest |C_S(u)| over unit u: 1/sqrt(2 pi) for k = 1,
// 0 for odd k >= 3, and for even k the Dawson integral
// |P_k|/sqrt(2k) ∫_0^∞ F(s)^k s^-2 ds, accurate to about 1e-15 relative
// for k <= 400 (the general parity integral) and about k * 1e-16 relative
// above (a one-component integral of exp(k log(2 F(s)/sqrt pi) - 2 log s),
// formed in logarithms so that nothing underflows before the end).
// k(2) = (sqrt 2 - 1)/sqrt(2 pi) in closed form. It returns an error for
// k < 1, and an error wrapping ErrFamily for an even k whose kappa_k is
// below the float64 range (about 0.585^k: from k = 1300 or so on), which
// it names as beyond range.
func Kappa(k int) (float64, error) {
	switch {
	case k < 1:
		return 0, fmt.Errorf("%w: support size k = %d, want k >= 1", ErrFamily, k)
	case k == 1:
		return gauss.InvSqrt2Pi, nil
	case k%2 == 1:
		return 0, nil
	case float64(k)*math.Log(kappaQ) < math.Log(0x1p-1022):
		// kappa_k <= q^k with q = 2 max F/sqrt pi = 0.6105 (see kappaQ):
		// below the float64 range without computing it (from k = 1436 on).
		return 0, fmt.Errorf("%w: kappa_%d <= 0.6105^k = 10^%.1f is beyond the float64 range (below 2.2e-308)", ErrFamily, k, float64(k)*math.Log10(kappaQ))
	case k > kappaGeneralMax:
		lk := logKappaSym(k)
		if !(lk >= math.Log(0x1p-1022)) {
			return 0, fmt.Errorf("%w: kappa_%d = 10^%.1f is beyond the float64 range (below 2.2e-308)", ErrFamily, k, lk/math.Ln10)
		}
		return math.Exp(lk), nil
	}
	ws := make([]float64, k)
	for i := range ws {
		ws[i] = 1 / math.Sqrt(float64(k))
	}
	return math.Abs(corrIntegrals(ws, 0, false).C), nil
}

// kappaQ bounds 2 F(s)/sqrt(pi) over s >= 0 (max F = 0.54104422 at
// s = 0.92414), rounded up. With F(s) <= min(s, max F),
// kappa_k = a/pi ∫ s^-2 (2F/sqrt pi)^k ds <= a/pi q^k (1/(max F (k-1)) + 1/max F) <= q^k.
const kappaQ = 0.61051

// kappaGeneralMax is the largest k for which Kappa uses the general parity
// integral (k + 2 components, cost O(k^2) per point: 0.1 s at k = 400);
// above it the one-component symmetric form.
const kappaGeneralMax = 400

// logKappaSym returns log kappa_k for even k >= 2 from
//
//	kappa_k = a/pi ∫_0^∞ s^-2 (2 F(s)/sqrt pi)^k ds,  a = 1/sqrt(2k)
//
// (the substitution s = a t in the Dawson integral with |P_k| =
// (2/sqrt pi)^k/pi), integrated in u = ln s: the log-integrand
// H(u) = k log(2 F(e^u)/sqrt pi) - u is unimodal (it grows like u at -∞,
// where F(s) ~ s, and falls like -(k+1) u at +∞, where F(s) ~ 1/(2s)), with
// its peak near the maximum of F (s = 0.924) for large k. The integral of
// exp(H - H_max) is taken on the interval where H - H_max >= -80 (found by
// bisection on each monotone side); the rest contributes below e^-80 of the
// peak times the decay lengths, negligible at double precision.
func logKappaSym(k int) float64 {
	kf := float64(k)
	c := math.Log(2 / math.Sqrt(math.Pi))
	H := func(u float64) float64 { return kf*(math.Log(gauss.Dawson(math.Exp(u)))+c) - u }
	lo, hi := -30.0, 10.0
	const g = 0.6180339887498949
	x1, x2 := hi-g*(hi-lo), lo+g*(hi-lo)
	h1, h2 := H(x1), H(x2)
	for i := 0; i < 200 && hi-lo > 1e-12; i++ {
		if h1 >= h2 {
			hi, x2, h2 = x2, x1, h1
			x1 = hi - g*(hi-lo)
			h1 = H(x1)
		} else {
			lo, x1, h1 = x1, x2, h2
			x2 = lo + g*(hi-lo)
			h2 = H(x2)
		}
	}
	up := (lo + hi) / 2
	hmax := H(up)
	// edge finds where H - hmax crosses -80 between a (below) and b (above)
	// in the direction given by rising.
	edge := func(a, b float64, rising bool) float64 {
		for i := 0; i < 200 && b-a > 1e-13; i++ {
			m := (a + b) / 2
			if (H(m)-hmax >= -80) == rising {
				b = m
			} else {
				a = m
			}
		}
		return (a + b) / 2
	}
	left := edge(up-200, up, true)
	right := edge(up, math.Min(up+200, 700), false)
	v, _ := gauss.Integrate(func(u float64) float64 { return math.Exp(H(u) - hmax) }, left, right, []float64{up}, 1e-17*(right-left))
	return math.Log(v) + hmax - 0.5*math.Log(2*kf) - math.Log(math.Pi)
}

// Lambda returns lambda_k = c_k sqrt(k!) (2/pi)^(k/2), the coefficient of the
// leading (alpha = 1_S) Hermite term of C_S at small weights:
// C_S(w) ≈ ||w|| lambda_k prod_{i in S} w_i/||w|| (theory §4.3). The product
// is formed in logarithms; beyond the float64 range (|lambda_k| > 1.8e308,
// from k = 540 or so on) it is ±Inf: LambdaLog10 gives its size then.
func Lambda(k int) float64 {
	c := gauss.ReluCoef(k)
	if c == 0 {
		return 0
	}
	// exp overflows to +Inf beyond the range, and c * Inf keeps c's sign.
	lg, _ := math.Lgamma(float64(k) + 1)
	return c * math.Exp(0.5*lg+0.5*float64(k)*math.Log(2/math.Pi))
}

// LambdaLog10 returns log10 |lambda_k| and the sign of lambda_k (0, with
// log10 = -Inf, when lambda_k = 0), for every k >= 0 without overflow.
func LambdaLog10(k int) (float64, int) {
	c := gauss.ReluCoef(k)
	if c == 0 {
		return math.Inf(-1), 0
	}
	lg, _ := math.Lgamma(float64(k) + 1)
	sign := 1
	if c < 0 {
		sign = -1
	}
	return (math.Log(math.Abs(c)) + 0.5*lg + 0.5*float64(k)*math.Log(2/math.Pi)) / math.Ln10, sign
}

// Opt0 returns opt_0 = 1/2 - 1/(4 pi), the best square loss of a ReLU under
// the null distribution D_0 (every direction at norm 1/sqrt(2 pi)).
func Opt0() float64 { return 0.5 - 1/(4*math.Pi) }

// Landscape collects the exact quantities of theory §4.4–4.5 for support
// size k and noise rate eta, computed with kappa_k (the symmetric direction,
// CONJ optimal): with A0 = 1/(2 sqrt(2 pi)) and a = (1 - 2 eta)/2,
//
//	opt_S = 1/2 - 2 (A0 + a kappa)^2             (at w = r* u_S, r* = 2 (A0 + a kappa))
//	Gap   = opt_0 - opt_S = 4 A0 a kappa + 2 a^2 kappa^2
//	Eps   = Gap/2                                (the accuracy at which a good ReLU reveals S)
//	Mk    = floor(4 T_{k-1}/kappa^2)             (supports one ReLU can be good for, Bessel)
//
// If the true maximum kappa* of C_S exceeds kappa_k, opt_S is an upper bound
// of the true opt_S and Gap a lower bound of the true gap.
type Landscape struct {
	K      int     `json:"k"`
	Eta    float64 `json:"eta"`
	A      float64 `json:"a"`
	Kappa  float64 `json:"kappa"`
	Lambda float64 `json:"lambda"`
	Opt0   float64 `json:"opt0"`
	OptS   float64 `json:"optS"`
	Gap    float64 `json:"gap"`
	Eps    float64 `json:"eps"`
	RStar  float64 `json:"r_star"`
	TailK  float64 `json:"tail_k_minus_1"` // T_{k-1} = sum_{n >= k} c_n^2
	// Mk is M_k when it fits an int64 (MkBeyondInt64 false); otherwise it is
	// math.MaxInt64 (saturated, kept for compatibility) and MkBig holds the
	// value.
	Mk int64 `json:"Mk"`
	// MkBig is M_k = floor(4 T/kappa^2) as an exact integer for every k (it
	// has hundreds of digits from k ~ 600 on; only its leading ~12 digits are
	// significant, see MkCertain). JSON carries it as the decimal string
	// MkDecimal (a number of 400 digits would not decode into a float64).
	MkBig     *big.Int `json:"-"`
	MkDecimal string   `json:"Mk_big"`
	// MkBeyondInt64 reports that M_k exceeds the int64 range (from k = 40 on).
	MkBeyondInt64 bool `json:"Mk_beyond_int64"`
	// MkLog10 is log10 of 4 T/kappa^2.
	MkLog10 float64 `json:"Mk_log10"`
	// LambdaLog10 is log10 |lambda_k| (Lambda is ±Inf from k ~ 540 on;
	// LambdaInRange is false then).
	LambdaLog10   float64 `json:"lambda_log10"`
	LambdaInRange bool    `json:"lambda_in_range"`
	// MkCertain is false when 4 T/kappa^2 lies within its rounding
	// uncertainty of an integer (from k = 24 on), so Mk may be off by one.
	MkCertain bool    `json:"Mk_certain"`
	MkCrude   float64 `json:"Mk_crude"` // 2/kappa^2, the bound from E[relu^2] = 1/2
}

// MarshalJSON encodes the Landscape with its struct tags, except that
// Lambda and MkCrude, which are ±Inf beyond the float64 range (k ~ 540 and
// k ~ 650 on), are the JSON strings "+Inf"/"-Inf" then (as sq.Floats
// encodes non-finite values): encoding/json refuses infinities, so the
// Landscape of a large k could not be written at all.
func (l Landscape) MarshalJSON() ([]byte, error) {
	type plain Landscape
	return json.Marshal(struct {
		plain
		Lambda  jsonFloat `json:"lambda"`
		MkCrude jsonFloat `json:"Mk_crude"`
	}{plain(l), jsonFloat(l.Lambda), jsonFloat(l.MkCrude)})
}

// jsonFloat encodes finite values as encoding/json does and non-finite ones
// as "NaN", "+Inf" or "-Inf".
type jsonFloat float64

func (f jsonFloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return sq.AppendFloat(nil, v), nil
	}
	return json.Marshal(v)
}

// NewLandscape computes the Landscape of support size k (1 or even) and
// noise rate eta in [0, 1/2).
func NewLandscape(k int, eta float64) (Landscape, error) {
	if k < 1 || (k%2 == 1 && k >= 3) {
		return Landscape{}, fmt.Errorf("%w: support size k = %d, want k = 1 or an even k >= 2", ErrFamily, k)
	}
	if !(eta >= 0 && eta < 0.5) {
		return Landscape{}, fmt.Errorf("%w: noise rate eta = %v, want 0 <= eta < 1/2", ErrFamily, eta)
	}
	kap, err := Kappa(k)
	if err != nil {
		return Landscape{}, err
	}
	a := (1 - 2*eta) / 2
	l := Landscape{K: k, Eta: eta, A: a, Kappa: kap, Lambda: Lambda(k), Opt0: Opt0()}
	m := A0 + a*kap
	l.OptS = 0.5 - 2*m*m
	l.Gap = 4*A0*a*kap + 2*a*a*kap*kap
	l.Eps = l.Gap / 2
	l.RStar = 2 * m
	l.TailK = gauss.ReluTail(k - 1)
	l.Mk, l.MkCertain = mkFrom(l.TailK, kap)
	l.MkBig, l.MkLog10 = mkBig(l.TailK, kap)
	switch {
	case l.Mk != math.MaxInt64:
		// The float64 floor (unchanged from earlier versions) when it fits.
		l.MkBig = big.NewInt(l.Mk)
	case l.MkBig.IsInt64():
		l.Mk = l.MkBig.Int64()
	default:
		l.MkBeyondInt64 = true
	}
	l.MkDecimal = l.MkBig.String()
	l.MkCrude = 2 / (kap * kap)
	l.LambdaLog10, _ = LambdaLog10(k)
	l.LambdaInRange = !math.IsInf(l.Lambda, 0)
	return l, nil
}

// mkBig returns floor(4 T/kappa^2) as an exact integer, computed in 256-bit
// floating point from the float64 T and kappa (so it never overflows), and
// log10 of the ratio.
func mkBig(tail, kap float64) (*big.Int, float64) {
	const prec = 256
	r := new(big.Float).SetPrec(prec).SetFloat64(4 * tail)
	kb := new(big.Float).SetPrec(prec).SetFloat64(kap)
	r.Quo(r, kb.Mul(kb, kb))
	n, _ := r.Int(nil) // truncation = floor for r > 0
	return n, math.Log10(4*tail) - 2*math.Log10(kap)
}

// Mk returns M_k = floor(4 T_{k-1}/kappa_k^2) (theory §4.5): by Bessel's
// inequality one ReLU is (opt_S + Gap/2)-good for at most M_k supports.
// 13, 101, 819, 6546, 51503, 400210 for k = 2, 4, ..., 12. Beyond the int64
// range (k >= 40) it returns an error wrapping ErrFamily; MkBig gives the
// value for every k.
func Mk(k int) (int64, error) {
	l, err := NewLandscape(k, 0)
	if err != nil {
		return 0, err
	}
	if l.MkBeyondInt64 {
		return l.Mk, fmt.Errorf("%w: k = %d: M_k = %s... (10^%.1f) is beyond the int64 range; use MkBig", ErrFamily, k, leading(l.MkBig), l.MkLog10)
	}
	if !l.MkCertain {
		return l.Mk, fmt.Errorf("%w: k = %d: 4 T/kappa^2 is within its rounding uncertainty of an integer; M_k = %d may be off by one", ErrFamily, k, l.Mk)
	}
	return l.Mk, nil
}

// MkBig returns M_k = floor(4 T_{k-1}/kappa_k^2) as an exact integer, for
// every k with a Landscape (1 or even, kappa_k in the float64 range), and
// whether the floor is certain (see Landscape.MkCertain).
func MkBig(k int) (*big.Int, bool, error) {
	l, err := NewLandscape(k, 0)
	if err != nil {
		return nil, false, err
	}
	return l.MkBig, l.MkCertain, nil
}

// leading returns the first 12 digits of n.
func leading(n *big.Int) string {
	s := n.String()
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// mkFrom returns floor(4 T/kappa^2) and whether it is certain: not when the ratio is within its
// floating-point uncertainty (1e-12 relative: kappa is accurate to about
// 1e-15, T to a few ulp) of an integer, where the floor would not be certain
// (from about k = 28 on).
func mkFrom(tail, kap float64) (int64, bool) {
	r := 4 * tail / (kap * kap)
	if math.IsInf(r, 0) || math.IsNaN(r) || r > 9e15 {
		return math.MaxInt64, false
	}
	f := math.Floor(r)
	certain := r-f >= 1e-12*r && f+1-r >= 1e-12*r
	return int64(f), certain
}

// kOfEpsMax is the largest even k whose kappa_k is in the float64 range.
const kOfEpsMax = 1400

// KOfEps returns k(eps), the largest even k with Gap_k >= mult*eps at noise
// rate eta (theory §4.5 step 4: mult = 2 for the SQ bound, 4 for the LPN
// reduction). Gap_k decreases with k, so every even k below it also
// qualifies. It returns an error when even Gap_2 < mult*eps, or for bad
// arguments.
func KOfEps(eps, eta, mult float64) (int, error) {
	if !(eps > 0) || math.IsInf(eps, 0) {
		return 0, fmt.Errorf("%w: accuracy eps = %v, want a positive number", ErrFamily, eps)
	}
	if !(mult > 0) || math.IsInf(mult, 0) {
		return 0, fmt.Errorf("%w: multiplier %v, want a positive number", ErrFamily, mult)
	}
	gapOK := func(k int) (bool, error) {
		l, err := NewLandscape(k, eta)
		if err != nil {
			return false, err
		}
		return l.Gap >= mult*eps, nil
	}
	ok, err := gapOK(2)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("%w: eps = %v is too coarse: even Gap_2 < %v eps", ErrFamily, eps, mult)
	}
	// Gap_k decreases with k: double k/2 until Gap fails (or k reaches
	// kOfEpsMax, beyond which kappa_k leaves the float64 range), then
	// bisect; small k(eps) cost only small landscapes.
	lo, hi := 1, 2 // Gap_{2 lo} qualifies; Gap_{2 hi} is tested next
	for {
		if 2*hi >= kOfEpsMax {
			hi = kOfEpsMax / 2
		}
		ok, err := gapOK(2 * hi)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		if 2*hi == kOfEpsMax {
			return 0, fmt.Errorf("%w: eps = %v is so fine that k(eps) exceeds %d, where kappa_k leaves the float64 range", ErrFamily, eps, kOfEpsMax)
		}
		lo, hi = hi, 2*hi
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := gapOK(2 * mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 2 * lo, nil
}

// Binomial returns C(d, k) exactly (0 when k < 0 or k > d). gonum's
// combin.Binomial overflows int from C(66, 33) on; this does not. A value
// of more than MaxBinomialBits bits (C(1e8, 5e7) has 1e8) is beyond range:
// Binomial then returns -1 (never a count) and BinomialErr an error.
func Binomial(d, k int) *big.Int {
	n, err := BinomialErr(d, k)
	if err != nil {
		return big.NewInt(-1)
	}
	return n
}

// MaxBinomialBits bounds the size of the binomials Binomial computes (about
// 1.26 million decimal digits; C(4e6, 2e6) has 4e6 bits and takes about a
// second).
const MaxBinomialBits = 1 << 22

// binomSieveMax bounds d for the prime-factorization route (its sieve takes
// d bytes).
const binomSieveMax = 1 << 24

// BinomialErr returns C(d, k) exactly (0 when k < 0, d < 0 or k > d), or an
// error wrapping ErrFamily, naming d, k and the limit, when the value has
// more than MaxBinomialBits bits or d > 2^24 with min(k, d - k) > 10^4 (no
// route computes those in seconds). Small min(k, d - k) uses
// math/big's product formula; larger ones the prime factorization of
// C(d, k) (Legendre's formula) multiplied out in a balanced product tree:
// math/big's own Binomial takes minutes from C(10^6, 5*10^5) on.
func BinomialErr(d, k int) (*big.Int, error) {
	if k < 0 || k > d || d < 0 {
		return new(big.Int), nil
	}
	kk := min(k, d-k)
	if kk == 0 {
		return big.NewInt(1), nil
	}
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	bits := (lg(d) - lg(kk) - lg(d-kk)) / math.Ln2
	if bits > MaxBinomialBits {
		return nil, fmt.Errorf("%w: C(%d, %d) has about %.3g bits, beyond the limit of %d bits", ErrFamily, d, k, bits, MaxBinomialBits)
	}
	if kk <= 10000 {
		return new(big.Int).Binomial(int64(d), int64(kk)), nil
	}
	if d > binomSieveMax {
		return nil, fmt.Errorf("%w: C(%d, %d): d above %d with min(k, d-k) = %d above 10^4 is beyond range (it would take minutes)", ErrFamily, d, k, binomSieveMax, kk)
	}
	return binomPrimes(d, kk), nil
}

// binomPrimes returns C(n, k) as the product of p^e over the primes p <= n,
// with e = sum_{j >= 1} floor(n/p^j) - floor(k/p^j) - floor((n-k)/p^j)
// (Legendre), by a product tree over 64-bit partial products.
func binomPrimes(n, k int) *big.Int {
	comp := make([]bool, n+1)
	var fs []*big.Int
	acc := uint64(1)
	flush := func() {
		if acc > 1 {
			fs = append(fs, new(big.Int).SetUint64(acc))
			acc = 1
		}
	}
	for p := 2; p <= n; p++ {
		if comp[p] {
			continue
		}
		for q := p * p; q <= n; q += p {
			comp[q] = true
		}
		e := 0
		for pp := p; ; pp *= p {
			e += n/pp - k/pp - (n-k)/pp
			if pp > n/p {
				break
			}
		}
		for ; e > 0; e-- {
			if acc > math.MaxUint64/uint64(p) {
				flush()
			}
			acc *= uint64(p)
		}
	}
	flush()
	if len(fs) == 0 {
		return big.NewInt(1)
	}
	for len(fs) > 1 {
		nx := fs[:0:0]
		for i := 0; i+1 < len(fs); i += 2 {
			nx = append(nx, new(big.Int).Mul(fs[i], fs[i+1]))
		}
		if len(fs)%2 == 1 {
			nx = append(nx, fs[len(fs)-1])
		}
		fs = nx
	}
	return fs[0]
}

// Log10 returns log10 of a positive big integer, -Inf for 0, and NaN for
// nil or a negative value (Binomial's beyond-range -1 is not a count).
func Log10(n *big.Int) float64 {
	if n == nil || n.Sign() < 0 {
		return math.NaN()
	}
	if n.Sign() == 0 {
		return math.Inf(-1)
	}
	f := new(big.Float).SetInt(n)
	mant := new(big.Float)
	exp := f.MantExp(mant)
	m, _ := mant.Float64()
	return math.Log10(m) + float64(exp)*math.Log10(2)
}

// BoundQueries returns the lower bound of theory §5.3 on the queries of any
// SQ learner that outputs an (opt_S + Gap/2)-good ReLU for every D_S of the
// family against the null-answering adversary at tolerance tau:
//
//	q >= (C(d, k) - M_k) tau^2 / (1 - 2 eta)^2,
//
// clamped at 0 (the bound is vacuous when it is below 1). The value is a
// float64 (C(d, k) can exceed 2^53; the relative rounding is 1e-16).
func BoundQueries(d, k int, eta, tau float64) (float64, error) {
	if _, err := NewFamily(d, k, eta); err != nil {
		return 0, err
	}
	if !(tau > 0) || math.IsInf(tau, 0) {
		return 0, fmt.Errorf("%w: tolerance tau = %v, want a positive finite number", ErrFamily, tau)
	}
	// M_k is subtracted even when its floor is uncertain by one (k >= 24):
	// the bound moves by tau^2/(1 - 2 eta)^2.
	l, err := NewLandscape(k, eta)
	if err != nil {
		return 0, err
	}
	sup, err := BinomialErr(d, k)
	if err != nil {
		// C(d, k) > 2^(10^4): the bound is beyond the float64 range
		// (BoundQueriesLog10 gives its size).
		return math.Inf(1), nil
	}
	c := new(big.Int).Sub(sup, l.MkBig)
	if c.Sign() <= 0 {
		return 0, nil
	}
	cf, _ := new(big.Float).SetInt(c).Float64()
	b := (1 - 2*eta)
	return cf * tau * tau / (b * b), nil
}

// BoundQueriesLog10 returns log10 of BoundQueries (-Inf when the bound is
// 0), computed without overflow for every d and k: when C(d, k) is beyond
// Binomial's range its log10 comes from log-gamma (relative error about
// 1e-15; M_k is then negligible against it, by thousands of orders of
// magnitude).
func BoundQueriesLog10(d, k int, eta, tau float64) (float64, error) {
	if _, err := BoundQueries(d, k, eta, tau); err != nil {
		return 0, err
	}
	l, err := NewLandscape(k, eta)
	if err != nil {
		return 0, err
	}
	lc := 0.0
	if sup, err := BinomialErr(d, k); err == nil {
		c := new(big.Int).Sub(sup, l.MkBig)
		if c.Sign() <= 0 {
			return math.Inf(-1), nil
		}
		lc = Log10(c)
	} else {
		lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
		lc = (lg(d) - lg(k) - lg(d-k)) / math.Ln10
	}
	return lc + 2*math.Log10(tau) - 2*math.Log10(1-2*eta), nil
}

// MaxPairUnion is the largest |S ∪ T| PairCorrelation enumerates.
const MaxPairUnion = 24

// PairCorrelation returns chi_{D_0}(D_S, D_T) = E_{D_0}[(D_S/D_0 - 1)(D_T/D_0 - 1)]
// exactly, by summing over the label and the signs of the coordinates in
// S ∪ T (the likelihood ratio D_S/D_0 = 1 + 2 a chi_S(x) (2y - 1) depends on
// nothing else). Theory §5.2 gives (1 - 2 eta)^2 1{S = T}. S and T must be
// strictly increasing lists of non-negative indices, with at most
// MaxPairUnion indices in S ∪ T (the enumeration takes 2^|S ∪ T| steps: 2^24
// is about a second; the earlier limit of 40 meant hours), and eta in
// [0, 1/2). Errors wrap ErrFamily and name the value.
func PairCorrelation(S, T []int, eta float64) (float64, error) {
	if !(eta >= 0 && eta < 0.5) {
		return 0, fmt.Errorf("%w: noise rate eta = %v, want 0 <= eta < 1/2", ErrFamily, eta)
	}
	for _, U := range [][]int{S, T} {
		for i, s := range U {
			if s < 0 || (i > 0 && s <= U[i-1]) {
				return 0, fmt.Errorf("%w: support %v is not a strictly increasing list of non-negative indices", ErrFamily, U)
			}
		}
	}
	union := map[int]int{}
	for _, s := range S {
		union[s] = 0
	}
	for _, t := range T {
		union[t] = 0
	}
	if len(union) > MaxPairUnion {
		return 0, fmt.Errorf("%w: |S ∪ T| = %d, enumeration handles at most %d", ErrFamily, len(union), MaxPairUnion)
	}
	idx := 0
	for c := range union {
		union[c] = idx
		idx++
	}
	a := (1 - 2*eta) / 2
	n := len(union)
	sum := 0.0
	for mask := uint64(0); mask < 1<<n; mask++ {
		chi := func(U []int) float64 {
			p := 1.0
			for _, u := range U {
				if mask>>uint(union[u])&1 == 1 {
					p = -p
				}
			}
			return p
		}
		cs, ct := chi(S), chi(T)
		for _, y := range []float64{0, 1} {
			rs := 2 * a * cs * (2*y - 1)
			rt := 2 * a * ct * (2*y - 1)
			sum += rs * rt
		}
	}
	return sum / float64(uint64(2)<<n), nil
}

// SDABound returns the statistical-dimension lower bound of theory §5.2:
// every subfamily D' has average correlation (1 - 2 eta)^2/|D'|, so
// SDA(gammaBar) >= gammaBar C(d, k)/(1 - 2 eta)^2 (as a float64).
//
// It is +Inf when C(d, k) is beyond Binomial's range (then above 2^(10^4)).
func SDABound(d, k int, eta, gammaBar float64) float64 {
	sup, err := BinomialErr(d, k)
	if err != nil {
		return math.Inf(1)
	}
	c, _ := new(big.Float).SetInt(sup).Float64()
	b := 1 - 2*eta
	return gammaBar * c / (b * b)
}

// LemmaBound returns the counting lemma's bound (theory §5.3) on the number
// of supports S whose D_S a query phi distinguishes from D_0 by more than
// tau: (1 - 2 eta)^2 E_{D_0}[phi^2]/tau^2.
func LemmaBound(eta, second, tau float64) float64 {
	b := 1 - 2*eta
	return b * b * second / (tau * tau)
}
