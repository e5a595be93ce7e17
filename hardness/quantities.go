package hardness

import (
	"fmt"
	"math"
	"math/big"

	"github.com/sqsim/sqsim/sq/gauss"
)

// Kappa returns kappa_k = |C_S(1_S/sqrt k)|, the correlation of the
// symmetric unit ReLU with the parity (theory §4.3), conjectured (CONJ,
// numerics) to be the largest |C_S(u)| over unit u: 1/sqrt(2 pi) for k = 1,
// 0 for odd k >= 3, and for even k the Dawson integral
// |P_k|/sqrt(2k) ∫_0^∞ F(s)^k s^-2 ds, accurate to about 1e-15 relative.
// k(2) = (sqrt 2 - 1)/sqrt(2 pi) in closed form. It returns an error for
// k < 1.
func Kappa(k int) (float64, error) {
	switch {
	case k < 1:
		return 0, fmt.Errorf("%w: support size k = %d, want k >= 1", ErrFamily, k)
	case k == 1:
		return gauss.InvSqrt2Pi, nil
	case k%2 == 1:
		return 0, nil
	}
	ws := make([]float64, k)
	for i := range ws {
		ws[i] = 1 / math.Sqrt(float64(k))
	}
	return math.Abs(corrIntegrals(ws, 0, false).C), nil
}

// Lambda returns lambda_k = c_k sqrt(k!) (2/pi)^(k/2), the coefficient of the
// leading (alpha = 1_S) Hermite term of C_S at small weights:
// C_S(w) ≈ ||w|| lambda_k prod_{i in S} w_i/||w|| (theory §4.3).
func Lambda(k int) float64 {
	c := gauss.ReluCoef(k)
	if c == 0 {
		return 0
	}
	lg, _ := math.Lgamma(float64(k) + 1)
	return c * math.Exp(0.5*lg+0.5*float64(k)*math.Log(2/math.Pi))
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
	Mk     int64   `json:"Mk"`
	// MkCertain is false when 4 T/kappa^2 lies within its rounding
	// uncertainty of an integer (from k = 24 on), so Mk may be off by one.
	MkCertain bool    `json:"Mk_certain"`
	MkCrude   float64 `json:"Mk_crude"` // 2/kappa^2, the bound from E[relu^2] = 1/2
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
	l.MkCrude = 2 / (kap * kap)
	return l, nil
}

// Mk returns M_k = floor(4 T_{k-1}/kappa_k^2) (theory §4.5): by Bessel's
// inequality one ReLU is (opt_S + Gap/2)-good for at most M_k supports.
// 13, 101, 819, 6546, 51503, 400210 for k = 2, 4, ..., 12.
func Mk(k int) (int64, error) {
	l, err := NewLandscape(k, 0)
	if err != nil {
		return 0, err
	}
	if !l.MkCertain {
		return l.Mk, fmt.Errorf("%w: k = %d: 4 T/kappa^2 is within its rounding uncertainty of an integer; M_k = %d may be off by one", ErrFamily, k, l.Mk)
	}
	return l.Mk, nil
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
	best := 0
	for k := 2; k <= 400; k += 2 {
		l, err := NewLandscape(k, eta)
		if err != nil {
			return 0, err
		}
		if l.Gap < mult*eps {
			break
		}
		best = k
	}
	if best == 0 {
		return 0, fmt.Errorf("%w: eps = %v is too coarse: even Gap_2 < %v eps", ErrFamily, eps, mult)
	}
	return best, nil
}

// Binomial returns C(d, k) exactly (0 when k < 0 or k > d). gonum's
// combin.Binomial overflows int from C(66, 33) on; this does not.
func Binomial(d, k int) *big.Int {
	if k < 0 || k > d || d < 0 {
		return new(big.Int)
	}
	return new(big.Int).Binomial(int64(d), int64(k))
}

// Log10 returns log10 of a positive big integer (or -Inf for 0).
func Log10(n *big.Int) float64 {
	if n.Sign() <= 0 {
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
	mk := l.Mk
	c := new(big.Int).Sub(Binomial(d, k), big.NewInt(mk))
	if c.Sign() <= 0 {
		return 0, nil
	}
	cf, _ := new(big.Float).SetInt(c).Float64()
	b := (1 - 2*eta)
	return cf * tau * tau / (b * b), nil
}

// PairCorrelation returns chi_{D_0}(D_S, D_T) = E_{D_0}[(D_S/D_0 - 1)(D_T/D_0 - 1)]
// exactly, by summing over the label and the signs of the coordinates in
// S ∪ T (the likelihood ratio D_S/D_0 = 1 + 2 a chi_S(x) (2y - 1) depends on
// nothing else). Theory §5.2 gives (1 - 2 eta)^2 1{S = T}. S and T must be
// strictly increasing index lists of length at most 20 each.
func PairCorrelation(S, T []int, eta float64) (float64, error) {
	union := map[int]int{}
	for _, s := range S {
		union[s] = 0
	}
	for _, t := range T {
		union[t] = 0
	}
	if len(union) > 40 {
		return 0, fmt.Errorf("%w: |S ∪ T| = %d, enumeration handles at most 40", ErrFamily, len(union))
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
func SDABound(d, k int, eta, gammaBar float64) float64 {
	c, _ := new(big.Float).SetInt(Binomial(d, k)).Float64()
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
