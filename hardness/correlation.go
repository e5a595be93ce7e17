package hardness

import (
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/sqsim/sqsim/sq/gauss"
)

// ParityConst returns P_k = (-1)^(k/2+1) (2/sqrt(pi))^k / pi, the constant in
// front of the Dawson-function integral for C_S (theory §4.3), for even k.
// For odd k it returns 0 (the formula does not apply).
func ParityConst(k int) float64 {
	if k < 2 || k%2 == 1 {
		return 0
	}
	p := math.Pow(2/math.Sqrt(math.Pi), float64(k)) / math.Pi
	if (k/2)%2 == 0 {
		return -p
	}
	return p
}

// corrOut is the result of one evaluation of the parity integrals for a
// support S: C_S(w), the partial derivatives on S, and J such that
// dC_S/dw_j = -w_j J for j outside S. Err bounds the absolute error of every
// entry (quadrature estimate plus the analytic tail bound).
type corrOut struct {
	C   float64
	G   []float64 // dC_S/dw_j for the j in S, in the order of the input
	J   float64
	Err float64
}

// gaussSplit: when rho/a_max exceeds it, the integration starts its
// logarithmic part at t = 1/rho rather than 1/a_max (see corrIntegrals).
// Below it (the common case) the 16-point grid on [0, 1/a_max] resolves the
// Gaussian factor, whose value at the first grid point is at least
// exp(-gaussSplit^2/512) = 0.14.
const gaussSplit = 32

// relTol is the relative accuracy asked of the parity integrals (relative to
// the L1 norm of each integrand).
const relTol = 1e-15

// corrCache memoizes the parity integrals by the sorted absolute weights on S
// and rho^2 (the integrals depend on nothing else). It is safe for
// concurrent use and bounded in size.
type corrCache struct {
	mu sync.Mutex
	m  map[string]corrOut
}

const corrCacheMax = 1 << 15

func newCorrCache() *corrCache { return &corrCache{m: map[string]corrOut{}} }

// corr computes C_S (and, if grad, its derivatives) for weights ws on S
// (signed, in the order of S) and rho2 = sum of the squared weights outside
// S, for even k = len(ws) >= 2. The result is exact up to out.Err.
func (cc *corrCache) corr(ws []float64, rho2 float64, grad bool) corrOut {
	k := len(ws)
	abs := make([]float64, k)
	perm := make([]int, k)
	sgn := 1.0
	zeros := 0
	for i, w := range ws {
		abs[i] = math.Abs(w)
		perm[i] = i
		if w < 0 {
			sgn = -sgn
		}
		if w == 0 {
			zeros++
		}
	}
	out := corrOut{}
	if grad {
		out.G = make([]float64, k)
	}
	// A zero weight on S kills every factor F(t w_i) of C_S and J; the
	// derivatives survive only along a single zero coordinate.
	if zeros >= 2 || (zeros == 1 && !grad) {
		return out
	}
	// Weights on S whose nonzero sizes span more than 2^400, or that are
	// all below 2^-400 of rho, put the transitions of the integrand beyond
	// the float64 range (1/a_min overflows): such an evaluation is refused
	// with an infinite error bound, which Corr, CorrGrad and the family's
	// worlds report as an error.
	lo, hi := math.Inf(1), 0.0
	for _, a := range abs {
		if a > 0 {
			lo, hi = math.Min(lo, a), math.Max(hi, a)
		}
	}
	if hi > 0 && (lo < hi*0x1p-400 || (rho2 > 0 && hi < math.Sqrt(rho2)*0x1p-400)) {
		out.Err = math.Inf(1)
		return out
	}
	sort.Slice(perm, func(a, b int) bool { return abs[perm[a]] < abs[perm[b]] })
	sorted := make([]float64, k)
	for i, p := range perm {
		sorted[i] = abs[p]
	}
	key := cacheKey(sorted, rho2, grad)
	var core corrOut
	hit := false
	if cc != nil {
		cc.mu.Lock()
		core, hit = cc.m[key]
		cc.mu.Unlock()
	}
	if !hit {
		core = corrIntegrals(sorted, rho2, grad)
		if cc != nil {
			cc.mu.Lock()
			if len(cc.m) >= corrCacheMax {
				clear(cc.m)
			}
			cc.m[key] = core
			cc.mu.Unlock()
		}
	}
	out.C = sgn * core.C
	out.J = sgn * core.J
	out.Err = core.Err
	if grad {
		for i, p := range perm {
			// The derivative along j carries the signs of the other weights:
			// F' is even and F odd.
			s := sgn
			if ws[p] < 0 {
				s = -s
			} else if ws[p] == 0 {
				// sgn already excludes this coordinate (a zero has no sign).
				s = sgn
			}
			out.G[p] = s * core.G[i]
		}
	}
	return out
}

func cacheKey(sorted []float64, rho2 float64, grad bool) string {
	b := make([]byte, 0, 8*len(sorted)+9)
	for _, v := range sorted {
		b = appendBits(b, v)
	}
	b = appendBits(b, rho2)
	if grad {
		b = append(b, 1)
	}
	return string(b)
}

func appendBits(b []byte, v float64) []byte {
	u := math.Float64bits(v)
	if v == 0 {
		u = 0
	}
	for i := 0; i < 8; i++ {
		b = append(b, byte(u>>(8*i)))
	}
	return b
}

// corrIntegrals evaluates, for sorted non-negative weights w_1 <= ... <= w_k
// on S (at most one of them zero) and rho2 >= 0,
//
//	C  = P_k ∫_0^∞ t^-2 Π_i F(a_i t) g(t) dt
//	G_j = P_k ∫_0^∞ (sqrt 2 t)^-1 F'(a_j t) Π_{i≠j} F(a_i t) g(t) dt
//	J  = P_k ∫_0^∞ Π_i F(a_i t) g(t) dt      (only when grad and rho2 > 0)
//
// with a_i = w_i/sqrt 2 and g(t) = exp(-rho2 t²/2) (theory §4.3).
//
// The integrands are analytic on (0, ∞), behave like t^(k-2) at 0 and like
// t^(-k-2) (times g) at ∞, and change character at t = 1/a_i and
// t = 1/sqrt(rho2). The integral is split at t0 = 1/max a_i: [0, t0] is
// integrated in t, and [t0, t1] in u = ln t with breakpoints at ln(1/a_i) and
// ln(1/rho), so that every scale gets the same number of panels (this is
// the geometric breakpoint sequence 0.5, 1, 2, 4, ... of theory §4.3 made
// adaptive to the weights). Both pieces use gauss.IntegrateVec (adaptive
// Gauss–Legendre 16/8), on integrands scaled to unit L1 norm so that every
// component gets relative accuracy relTol. The rest [t1, ∞) is not computed:
// it is bounded with F(s) <= min(s, 1/s), |F'(s)| <= min(1, 1/s²) and
// g <= g(t1), and t1 is pushed out (by factors e²) until the bound is below
// 1e-17 of each component's L1 norm; the bound is added to Err.
func corrIntegrals(w []float64, rho2 float64, grad bool) corrOut {
	p := newCorrProblem(w, rho2, grad)
	out := corrOut{G: make([]float64, p.k)}
	if p.amax == 0 {
		// k = 1 never reaches here (k is even); all weights zero.
		return out
	}
	t0, t1, breaks := p.window()
	p.scales(t0, math.Log(t0), math.Log(t1))
	val, errEst, tailComp := p.integrate(t0, t1, breaks)
	pk := ParityConst(p.k)
	apk := math.Abs(pk)
	maxErr := 0.0
	for c := range val {
		if !p.active[c] || p.scale[c] == 0 {
			val[c] = 0
			continue
		}
		v := val[c] / p.scale[c]
		e := (errEst + tailComp[c]) / p.scale[c]
		val[c] = pk * v
		maxErr = math.Max(maxErr, apk*e)
	}
	out.C = val[0]
	copy(out.G, val[1:p.k+1])
	out.J = val[p.k+1]
	out.Err = maxErr
	return out
}

// corrProblem is the integral of corrIntegrals: its layout (a_i = w_i /
// sqrt 2, the zero weight if any, which components are wanted), the
// scratch of its integrand and the scales of its components.
type corrProblem struct {
	k          int
	a          []float64
	rho2       float64
	grad       bool
	zeroIdx    int     // the index of the zero weight, -1 if none
	amin, amax float64 // the smallest and the largest nonzero a_i (amax 0: all zero)
	n          int     // components: 0 = C, 1..k = G_j, k+1 = J
	active     []bool
	scale      []float64

	F, D, pre, suf []float64 // scratch of eval
}

// newCorrProblem lays out the integral.
func newCorrProblem(w []float64, rho2 float64, grad bool) *corrProblem {
	k := len(w)
	p := &corrProblem{k: k, a: make([]float64, k), rho2: rho2, grad: grad, zeroIdx: -1, amin: math.Inf(1), n: k + 2,
		F: make([]float64, k), D: make([]float64, k), pre: make([]float64, k+1), suf: make([]float64, k+1)}
	for i, v := range w {
		p.a[i] = v / math.Sqrt2
		if v == 0 {
			p.zeroIdx = i
			continue
		}
		p.amin = math.Min(p.amin, p.a[i])
		p.amax = math.Max(p.amax, p.a[i])
	}
	p.active = make([]bool, p.n)
	p.active[0] = p.zeroIdx < 0
	if grad {
		for j := 0; j < k; j++ {
			// With one zero weight only the derivative along it survives.
			p.active[1+j] = p.zeroIdx < 0 || j == p.zeroIdx
		}
	}
	p.active[k+1] = grad && rho2 > 0 && p.zeroIdx < 0
	return p
}

// eval is the integrand at t: o[0] for C, o[1+j] for G_j, o[k+1] for J.
func (p *corrProblem) eval(t float64, o []float64) {
	k, a, F, D, pre, suf := p.k, p.a, p.F, p.D, p.pre, p.suf
	for i := range a {
		if p.grad {
			F[i], D[i] = gauss.DawsonBoth(a[i] * t)
		} else {
			F[i] = gauss.Dawson(a[i] * t)
		}
	}
	pre[0] = 1
	for i := 0; i < k; i++ {
		pre[i+1] = pre[i] * F[i]
	}
	suf[k] = 1
	for i := k - 1; i >= 0; i-- {
		suf[i] = suf[i+1] * F[i]
	}
	g := 1.0
	if p.rho2 > 0 {
		g = math.Exp(-0.5 * p.rho2 * t * t)
	}
	pr := pre[k] * g
	o[0] = pr / (t * t)
	if p.grad {
		c := g / (math.Sqrt2 * t)
		for j := 0; j < k; j++ {
			o[1+j] = c * D[j] * pre[j] * suf[j+1]
		}
	}
	o[k+1] = pr
}

// window returns the integration window: [0, t0] in t, then [t0, t1] in
// u = ln t with the transitions of the factors as breakpoints.
func (p *corrProblem) window() (t0, t1 float64, breaks []float64) {
	rho2 := p.rho2
	t0 = 1 / p.amax
	if rho2 > 0 && rho2*t0*t0 > gaussSplit*gaussSplit {
		// The Gaussian factor lives on t ~ 1/rho, far inside [0, 1/a_max]: a
		// grid or a panel on [0, 1/a_max] can fall between its nodes and see
		// nothing (scale 0, value 0 with bound 0, or NaN). Start the
		// logarithmic part at 1/rho instead, where F(a_i t) is still in its
		// linear regime, so that the bump is resolved on the u = ln t grid.
		t0 = 1 / math.Sqrt(rho2)
	}
	// Initial upper end: past every transition (e^3 beyond 1/a_min), cut by
	// the Gaussian factor where it is below e^-45.
	t1 = math.E * math.E * math.E / p.amin
	if rho2 > 0 {
		tg := math.Sqrt(90 / rho2)
		t1 = math.Min(t1, tg)
	}
	t1 = math.Max(t1, t0)
	for _, v := range p.a {
		if v > 0 {
			breaks = append(breaks, -math.Log(v))
		}
	}
	if rho2 > 0 {
		breaks = append(breaks, -0.5*math.Log(rho2))
	}
	return t0, t1, breaks
}

// scales sets p.scale: the inverse of a coarse L1 estimate of each
// component on a grid (trapezoid in t on [0, t0], in u on [lo, hi]).
func (p *corrProblem) scales(t0, lo, hi float64) {
	n := p.n
	buf := make([]float64, n)
	l1 := make([]float64, n)
	const nt = 16
	for i := 1; i <= nt; i++ {
		t := t0 * float64(i) / nt
		p.eval(t, buf)
		for c := range l1 {
			l1[c] += math.Abs(buf[c]) * t0 / nt
		}
	}
	if hi > lo {
		m := int(math.Ceil((hi-lo)/0.25)) + 1
		du := (hi - lo) / float64(m)
		for i := 0; i <= m; i++ {
			u := lo + du*float64(i)
			t := math.Exp(u)
			p.eval(t, buf)
			for c := range l1 {
				l1[c] += math.Abs(buf[c]) * t * du
			}
		}
	}
	p.scale = make([]float64, n)
	for c := range p.scale {
		switch {
		case !p.active[c]:
		case l1[c] > 0x1p-1000 && !math.IsInf(l1[c], 0):
			p.scale[c] = 1 / l1[c]
		default:
			// The grid saw no mass (or a subnormal one, whose inverse would
			// overflow): integrate this component to an absolute tolerance.
			p.scale[c] = 1
		}
	}
}

// integrate integrates the scaled components over the window, then extends
// the upper end by factors e^2 until the tail bounds are below 1e-17 (at
// most 40 times). It returns the scaled values, the quadrature's error
// estimate and the tail bound of each component.
func (p *corrProblem) integrate(t0, t1 float64, breaks []float64) (val []float64, errEst float64, tailComp []float64) {
	n := p.n
	scaled := func(t float64, jac float64, o []float64) {
		p.eval(t, o)
		for c := range o {
			o[c] *= p.scale[c] * jac
		}
	}
	val = make([]float64, n)
	part := make([]float64, n)
	errEst = gauss.IntegrateVec(func(t float64, o []float64) { scaled(t, 1, o) }, n, 0, t0, nil, relTol, part)
	copy(val, part)
	segment := func(ua, ub float64) {
		e := gauss.IntegrateVec(func(u float64, o []float64) {
			t := math.Exp(u)
			scaled(t, t, o)
		}, n, ua, ub, breaks, relTol*math.Max(1, (ub-ua)/4), part)
		errEst += e
		for c := range val {
			val[c] += part[c]
		}
	}
	if lo, hi := math.Log(t0), math.Log(t1); hi > lo {
		segment(lo, hi)
	}
	worst, tailComp := p.tails(t1)
	for iter := 0; worst > 1e-17 && iter < 40; iter++ {
		nt1 := t1 * math.E * math.E
		segment(math.Log(t1), math.Log(nt1))
		t1 = nt1
		worst, tailComp = p.tails(t1)
	}
	return val, errEst, tailComp
}

// tails bounds the integral of each component beyond t1, in the scaled
// units, and returns the largest bound too.
func (p *corrProblem) tails(t1 float64) (worst float64, perComp []float64) {
	k, rho2 := p.k, p.rho2
	prodA := 1.0 // product of the nonzero a_i
	for _, v := range p.a {
		if v > 0 {
			prodA *= v
		}
	}
	perComp = make([]float64, p.n)
	g1 := 1.0
	gauss1 := math.Inf(1) // ∫_{t1}^∞ g(t) dt
	if rho2 > 0 {
		rho := math.Sqrt(rho2)
		g1 = math.Exp(-0.5 * rho2 * t1 * t1)
		gauss1 = math.Sqrt(math.Pi/2) / rho * math.Erfc(rho*t1/math.Sqrt2)
	}
	// ∫_{t1}^∞ t^-p g(t) dt <= min(g(t1) t1^(1-p)/(p-1), t1^-p ∫ g).
	powTail := func(q float64) float64 {
		b := math.Pow(t1, -q) * gauss1
		if q > 1 {
			b = math.Min(b, g1*math.Pow(t1, 1-q)/(q-1))
		}
		return b
	}
	kf := float64(k)
	if p.active[0] {
		perComp[0] = powTail(kf+2) / prodA
	}
	for j := 0; j < k; j++ {
		if !p.active[1+j] {
			continue
		}
		if j == p.zeroIdx {
			// F'(0) = 1 and k-1 factors F(a_i t) <= 1/(a_i t).
			perComp[1+j] = powTail(kf) / (math.Sqrt2 * prodA)
		} else {
			perComp[1+j] = powTail(kf+2) / (math.Sqrt2 * prodA * p.a[j])
		}
	}
	if p.active[k+1] {
		perComp[k+1] = powTail(kf) / prodA
	}
	for c := range perComp {
		perComp[c] *= p.scale[c]
		worst = math.Max(worst, perComp[c])
	}
	return worst, perComp
}

// checkWeights refuses a non-finite weight (a NaN used to hang the
// quadrature) and weights whose squares would overflow.
func checkWeights(w []float64) error {
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: weight w[%d] = %v, want a finite number", ErrFamily, i, v)
		}
		if math.Abs(v) > MaxWeight {
			return fmt.Errorf("%w: weight w[%d] = %g exceeds the limit %g (its square would overflow)", ErrFamily, i, v, MaxWeight)
		}
	}
	return nil
}

// MaxWeight is the largest |w_i| the parity correlations accept: the sum
// of squares of up to 2^40 such weights stays finite.
const MaxWeight = 1e150

// Support validation shared by the exported functions.
func checkSupport(d int, S []int) error {
	if len(S) == 0 {
		return fmt.Errorf("%w: empty support", ErrFamily)
	}
	if len(S) > d {
		return fmt.Errorf("%w: support of size %d in dimension %d", ErrFamily, len(S), d)
	}
	for i, s := range S {
		if s < 0 || s >= d {
			return fmt.Errorf("%w: support index %d out of range [0, %d)", ErrFamily, s, d)
		}
		if i > 0 && s <= S[i-1] {
			return fmt.Errorf("%w: support %v is not strictly increasing", ErrFamily, S)
		}
	}
	return nil
}

// Corr returns C_S(w) = E[relu(w.x) chi_S(x)], x ~ N(0, I_d), with
// chi_S(x) = prod_{i in S} sign(x_i), and a bound on its absolute error
// (theory §4.3). S is a strictly increasing list of indices in [0, len(w)).
//
//	|S| = 1:          C = w_i/sqrt(2 pi) (closed form, E13)
//	|S| odd >= 3:     C = 0 exactly (relu = t/2 + |t|/2; both parts miss chi_S)
//	|S| even:         the Dawson-function integral of theory §4.3, by
//	                  adaptive Gauss–Legendre with a rigorous tail bound
//	                  (relative accuracy about 1e-15)
//
// C_S is 1-homogeneous in w and depends on w only through w_S and
// ||w outside S||. Errors wrap ErrFamily for a bad support, and for a
// weight that is not finite or exceeds MaxWeight in absolute value.
func Corr(w []float64, S []int) (c, errBound float64, err error) {
	if err := checkSupport(len(w), S); err != nil {
		return 0, 0, err
	}
	if err := checkWeights(w); err != nil {
		return 0, 0, err
	}
	o := corrAt(nil, w, S, false)
	if math.IsInf(o.Err, 0) {
		return 0, 0, errDynamicRange(w, S)
	}
	return o.C, o.Err, nil
}

func errDynamicRange(w []float64, S []int) error {
	return fmt.Errorf("%w: the weights on S = %v (max |w_S| = %.3g, min nonzero |w_S| = %.3g, and the off-support norm) span more than 2^400: beyond what the parity integral resolves in float64", ErrFamily, S, maxAbsOn(w, S), minNonzeroOn(w, S))
}

func maxAbsOn(w []float64, S []int) float64 {
	m := 0.0
	for _, i := range S {
		m = math.Max(m, math.Abs(w[i]))
	}
	return m
}

func minNonzeroOn(w []float64, S []int) float64 {
	m := math.Inf(1)
	for _, i := range S {
		if a := math.Abs(w[i]); a > 0 {
			m = math.Min(m, a)
		}
	}
	return m
}

// CorrGrad returns C_S(w) and writes its gradient
// grad C_S(w) = E[1{w.x > 0} x chi_S(x)] into grad[:len(w)] (theory §4.3):
// for j in S the Dawson integral with F' in place of F, for j outside S
// -w_j times one common integral. The error bound covers every entry.
func CorrGrad(w []float64, S []int, grad []float64) (c, errBound float64, err error) {
	if err := checkSupport(len(w), S); err != nil {
		return 0, 0, err
	}
	if err := checkWeights(w); err != nil {
		return 0, 0, err
	}
	if len(grad) < len(w) {
		return 0, 0, fmt.Errorf("%w: gradient buffer has length %d, want %d", ErrFamily, len(grad), len(w))
	}
	o := corrAt(nil, w, S, true)
	if math.IsInf(o.Err, 0) {
		return 0, 0, errDynamicRange(w, S)
	}
	fillGrad(o, w, S, grad[:len(w)])
	return o.C, o.Err, nil
}

// corrAt evaluates the parity integrals at w for support S (any size).
func corrAt(cc *corrCache, w []float64, S []int, grad bool) corrOut {
	k := len(S)
	switch {
	case k == 1:
		o := corrOut{C: w[S[0]] * gauss.InvSqrt2Pi}
		if grad {
			o.G = []float64{gauss.InvSqrt2Pi}
		}
		return o
	case k%2 == 1:
		o := corrOut{}
		if grad {
			o.G = make([]float64, k)
		}
		return o
	}
	// C_S is 1-homogeneous: weights whose squares would overflow or
	// underflow are scaled by a power of two first (exactly), and the
	// result scaled back (the derivatives on S are 0-homogeneous, J is
	// (-1)-homogeneous). Other weights are used as given.
	if m := maxAbs(w); m > 0x1p400 || (m > 0 && m < 0x1p-400) {
		e := math.Ilogb(m)
		ws := make([]float64, len(w))
		for i, v := range w {
			ws[i] = math.Ldexp(v, -e)
		}
		o := corrAt(cc, ws, S, grad)
		o.C = math.Ldexp(o.C, e)
		o.J = math.Ldexp(o.J, -e)
		o.Err = math.Max(math.Ldexp(o.Err, e), o.Err)
		return o
	}
	ws := make([]float64, k)
	in := 0
	for i, s := range S {
		ws[i] = w[s]
	}
	// rho^2 = sum of squares outside S, summed directly (no cancellation).
	rho2 := 0.0
	for j, v := range w {
		if in < k && S[in] == j {
			in++
			continue
		}
		rho2 += v * v
	}
	return cc.corr(ws, rho2, grad)
}

// fillGrad writes the full gradient from the parity integrals.
func fillGrad(o corrOut, w []float64, S []int, grad []float64) {
	in := 0
	for j := range grad {
		if in < len(S) && S[in] == j {
			grad[j] = o.G[in]
			in++
			continue
		}
		grad[j] = -w[j] * o.J
	}
}

// maxAbs returns max_i |w_i| (NaN if an entry is NaN).
func maxAbs(w []float64) float64 {
	m := 0.0
	for _, v := range w {
		if a := math.Abs(v); a > m || math.IsNaN(a) {
			m = a
		}
	}
	return m
}
