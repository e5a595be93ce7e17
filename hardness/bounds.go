package hardness

import (
	"math"
	"slices"
	"sort"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

// This file holds the proven bounds the adversary uses to count, without
// enumerating the C(d, k) supports, how many supports a dense query can
// distinguish from the null. For a query phi with parity part
// delta_S = a sum_t c_t E[h_t chi_S] (see Family.parityPart) the adversary
// needs #{S : ||delta_S|| > tau}. Two bounds on sum_S ||E[h chi_S]||_2^2 are
// used, and the smaller is kept:
//
//   - Bessel: the chi_S are orthonormal and live on Hermite degrees >= k, so
//     sum_S E[h chi_S]^2 <= ||h_{>=k}||^2, the Hermite mass of h at degree
//     >= k (exact closed forms for relu and gate features below);
//   - product: with F(s) <= s (Dawson), |C_S(w)| <= |P_k| M_{k-2}(rho_S)
//     prod_{i in S} |w_i|/sqrt 2 where M_m(rho) = ∫_0^∞ t^m exp(-rho^2 t^2/2) dt,
//     and rho_S >= rho_min (the norm of w outside its k largest entries), so
//     the sum over S is an elementary symmetric polynomial e_k of the
//     |w_i|^2/2, computed by the O(d k) recursion.
//
// Then #{S : ||delta_S|| > tau} <= sum_S ||delta_S||^2/tau^2 (Chebyshev).
// The same product bounds at the k largest entries bound max_S ||delta_S||;
// when that maximum is <= tau no support is distinguished, and the count
// is exactly 0.

// moment returns M_m(rho) = ∫_0^∞ t^m exp(-rho^2 t^2/2) dt
// = 2^((m-1)/2) Gamma((m+1)/2) / rho^(m+1) (+Inf for rho = 0).
func moment(m int, rho float64) float64 {
	if rho <= 0 {
		return math.Inf(1)
	}
	lg, _ := math.Lgamma(float64(m+1) / 2)
	return math.Exp(float64(m-1)/2*math.Ln2+lg) / math.Pow(rho, float64(m+1))
}

// elemSym returns e_0..e_k of the non-negative values v (the elementary
// symmetric polynomials e_j = sum over j-subsets of the product), by the
// recursion e_j <- e_j + v_i e_{j-1}, on values scaled by their sum so that
// nothing overflows; the result is unscaled at the end (it may be +Inf or
// underflow to 0 only when the true value is outside the float64 range).
func elemSym(v []float64, k int) []float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	e := make([]float64, k+1)
	e[0] = 1
	if s == 0 {
		return e
	}
	for _, x := range v {
		y := x / s
		for j := min(k, len(v)); j >= 1; j-- {
			e[j] += y * e[j-1]
		}
	}
	ls := math.Log(s)
	for j := 1; j <= k; j++ {
		if e[j] > 0 {
			e[j] = math.Exp(math.Log(e[j]) + float64(j)*ls)
		}
	}
	return e
}

// topK returns the k largest values of v (descending) and the sum of the
// squares of the others (computed directly, without cancellation).
func topK(v []float64, k int) (top []float64, restSq float64) {
	abs := make([]float64, len(v))
	for i, x := range v {
		abs[i] = math.Abs(x)
	}
	slices.Sort(abs)
	n := len(abs)
	k = min(k, n)
	top = make([]float64, k)
	for i := 0; i < k; i++ {
		top[i] = abs[n-1-i]
	}
	for _, x := range abs[:n-k] {
		restSq += x * x
	}
	return top, restSq
}

func prod(v []float64) float64 {
	p := 1.0
	for _, x := range v {
		p *= x
	}
	return p
}

// stepTail returns sum_{n > m} a_n^2 for the Hermite coefficients a_n of the
// step function 1{t > 0} (E[step^2] = 1/2), rounded up by 1e-15 so that it
// is an upper bound despite the subtraction.
func stepTail(m int) float64 {
	s := 0.0
	for n := 0; n <= m; n++ {
		a := gauss.StepCoef(n)
		s += a * a
	}
	return math.Max(0.5-s, 0) + 1e-15
}

// termBound holds, for one feature h, bounds on sum_S ||E[h chi_S]||_2^2 and
// on max_S ||E[h chi_S]|| (in the query's norm).
type termBound struct {
	sumSq, max float64
}

// featureBound bounds E[h chi_S] over all k-subsets S for the features the
// parity part supports, for even k >= 2.
func featureBound(h *sq.Feature, d, k int, norm sq.Norm) termBound {
	pk := math.Abs(ParityConst(k))
	tail := gauss.ReluTail(k - 1)
	reluBound := func(w []float64) termBound {
		n := math.Sqrt(sumSq(w))
		b := termBound{sumSq: n * n * tail * (1 + 1e-12), max: n * math.Sqrt(tail) * (1 + 1e-12)}
		top, rest := topK(w, k)
		rho := math.Sqrt(rest)
		if rho > 0 && len(top) == k {
			m := moment(k-2, rho)
			a2 := make([]float64, len(w))
			for i, x := range w {
				a2[i] = x * x / 2
			}
			e := elemSym(a2, k)
			ps := pk * pk * m * m * e[k] * (1 + 1e-12)
			pm := pk * m * prod(top) * math.Pow(2, -float64(k)/2) * (1 + 1e-12)
			b.sumSq = math.Min(b.sumSq, ps)
			b.max = math.Min(b.max, pm)
		}
		return b
	}
	switch h.Kind {
	case sq.FeatRelu:
		return reluBound(h.W)
	case sq.FeatReluRows:
		var out termBound
		for _, row := range h.U {
			r := reluBound(row)
			out.sumSq += r.sumSq
			if norm == sq.EuclidNorm {
				out.max = math.Hypot(out.max, r.max)
			} else {
				out.max = math.Max(out.max, r.max)
			}
		}
		return out
	case sq.FeatStepX:
		nw := math.Sqrt(sumSq(h.W))
		if nw == 0 {
			return termBound{}
		}
		// Bessel: the degree >= k mass of 1{w.x > 0} x_j is
		// ŵ_j^2 T_{k-1} + (1 - ŵ_j^2) sum_{n >= k-1} a_n^2; summed over j.
		bes := (tail + float64(d-1)*stepTail(k-2)) * (1 + 1e-12)
		b := termBound{sumSq: bes, max: math.Sqrt(bes)}
		top, rest := topK(h.W, k)
		rho := math.Sqrt(rest)
		if rho > 0 && len(top) == k {
			m0, m1 := moment(k-2, rho), moment(k, rho)
			a2 := make([]float64, len(h.W))
			for i, x := range h.W {
				a2[i] = x * x / 2
			}
			e := elemSym(a2, k)
			// j in S: |dC/dw_j| <= |P_k|/sqrt2 M_{k-2} prod_{S\j} a_i;
			// j outside S: |dC/dw_j| <= |w_j| |P_k| M_k prod_S a_i.
			ps := pk * pk * (0.5*m0*m0*float64(d-k+1)*e[k-1] + m1*m1*nw*nw*e[k]) * (1 + 1e-12)
			in := pk / math.Sqrt2 * m0 * prod(top[:k-1]) * math.Pow(2, -float64(k-1)/2)
			out := pk * m1 * top[0] * prod(top) * math.Pow(2, -float64(k)/2)
			var pm float64
			if norm == sq.EuclidNorm {
				out = pk * m1 * nw * prod(top) * math.Pow(2, -float64(k)/2)
				pm = math.Sqrt(float64(k)*in*in + out*out)
			} else {
				pm = math.Max(in, out)
			}
			b.sumSq = math.Min(b.sumSq, ps)
			b.max = math.Min(b.max, pm*(1+1e-12))
		}
		return b
	case sq.FeatRelu2:
		if k != 2 {
			return termBound{}
		}
		w2 := make([]float64, len(h.W))
		for i, x := range h.W {
			w2[i] = x * x
		}
		e := elemSym(w2, 2)
		top, _ := topK(h.W, 2)
		return termBound{sumSq: 4 / (math.Pi * math.Pi) * e[2] * (1 + 1e-12), max: 2 / math.Pi * prod(top) * (1 + 1e-12)}
	case sq.FeatReluX:
		if k != 2 {
			return termBound{}
		}
		top, _ := topK(h.W, 2)
		b := termBound{sumSq: float64(d-1) * sumSq(h.W) / (math.Pi * math.Pi) * (1 + 1e-12)}
		if norm == sq.EuclidNorm {
			b.max = math.Hypot(top[0], top[1]) / math.Pi * (1 + 1e-12)
		} else {
			b.max = top[0] / math.Pi * (1 + 1e-12)
		}
		return b
	case sq.FeatHermite:
		p := 1.0
		for _, n := range h.Deg {
			if n > 0 {
				p *= gauss.SignCoef(n)
			}
		}
		return termBound{sumSq: p * p, max: math.Abs(p)}
	}
	return termBound{}
}

func sumSq(w []float64) float64 {
	s := 0.0
	for _, x := range w {
		s += x * x
	}
	return s
}

// supportBound returns a function B(S) with ||delta_S|| <= B(S) for every
// support S (delta_S = a sum_t c_t E[h_t chi_S]), for queries whose visible
// terms all use one weight vector w (relu, gate, relu^2 and relu x
// features), and that weight vector; ok is false for other queries. B is
// nondecreasing in each |w_i|, i in S (it uses F(s) <= s, |F'| <= 1 and
// rho_S^2 = ||w||^2 - ||w_S||^2, which only shrinks as the weights on S
// grow), which is what the pruned enumeration needs.
func supportBound(vis []visTerm, amp float64, k int, norm sq.Norm) (B func(idx []int, w []float64) float64, w []float64, ok bool) {
	for _, t := range vis {
		switch t.h.Kind {
		case sq.FeatRelu, sq.FeatStepX, sq.FeatRelu2, sq.FeatReluX:
		default:
			return nil, nil, false
		}
		if w == nil {
			w = t.h.W
		} else if !slices.Equal(w, t.h.W) {
			return nil, nil, false
		}
	}
	if w == nil || k < 2 {
		return nil, nil, false
	}
	pk := math.Abs(ParityConst(k))
	norm2 := sumSq(w)
	top1 := 0.0
	for _, x := range w {
		// = math.Max(top1, |x|), NaN sticky, without math.Max's cost.
		if a := math.Abs(x); a > top1 || a != a {
			top1 = a
		}
	}
	cs := make([]float64, len(vis))
	for i, t := range vis {
		cs[i] = math.Abs(t.c) * amp
	}
	B = func(idx []int, w []float64) float64 {
		// Products over S of a_i = |w_i|/sqrt 2, the smallest a_i, rho_S.
		p, s2, amin := 1.0, 0.0, math.Inf(1)
		for _, i := range idx {
			a := math.Abs(w[i]) / math.Sqrt2
			p *= a
			s2 += w[i] * w[i]
			if a < amin || a != a { // = math.Min(amin, a), NaN sticky
				amin = a
			}
		}
		rho2 := (norm2 - s2) * (1 - 1e-10)
		if rho2 < 1e-12*norm2 {
			rho2 = 0
		}
		rho := math.Sqrt(rho2)
		total := 0.0
		for i, t := range vis {
			var b float64
			switch t.h.Kind {
			case sq.FeatRelu:
				b = pk * moment(k-2, rho) * p
			case sq.FeatStepX:
				m0, m1 := moment(k-2, rho), moment(k, rho)
				var in float64 // max_j prod_{S\j} a_i, or the l2 sum over j
				if amin > 0 {
					in = p / amin
				} else {
					// One zero on S: only the product of the others survives.
					in = 1
					zeros := 0
					for _, j := range idx {
						if a := math.Abs(w[j]) / math.Sqrt2; a > 0 {
							in *= a
						} else {
							zeros++
						}
					}
					if zeros > 1 {
						in = 0
					}
				}
				if norm == sq.EuclidNorm {
					ss := 0.0
					for _, j := range idx {
						aj := math.Abs(w[j]) / math.Sqrt2
						var q float64
						if aj > 0 {
							q = p / aj
						} else {
							q = in
						}
						ss += q * q
					}
					b = pk * math.Sqrt(0.5*m0*m0*ss+m1*m1*p*p*rho2)
				} else {
					b = pk * math.Max(m0*in/math.Sqrt2, m1*top1*p)
				}
			case sq.FeatRelu2:
				b = 2 / math.Pi * math.Abs(w[idx[0]]*w[idx[1]])
			case sq.FeatReluX:
				if norm == sq.EuclidNorm {
					b = math.Hypot(w[idx[0]], w[idx[1]]) / math.Pi
				} else {
					b = math.Max(math.Abs(w[idx[0]]), math.Abs(w[idx[1]])) / math.Pi
				}
			}
			if math.IsNaN(b) {
				b = math.Inf(1)
			}
			total += cs[i] * b
		}
		return total * (1 + 1e-9)
	}
	return B, w, true
}

// prunedCandidates lists every k-subset S of the coordinates with
// B(S) > tau, by depth-first search over the coordinates sorted by
// decreasing |w_i|: a partial choice is abandoned as soon as its best
// completion (the next largest coordinates) has B <= tau, and so are its
// later siblings. It stops and reports false when more than limit
// candidates are found.
func prunedCandidates(B func(idx []int, w []float64) float64, w []float64, k int, tau float64, limit int) ([][]int, bool) {
	d := len(w)
	if k > d {
		return nil, true
	}
	// The root of the search is the k largest coordinates: when even they
	// are below tau, nothing is (the common case for a dense query in large
	// d), and no sort is needed.
	top := topIndices(w, k)
	if B(top, w) <= tau {
		return nil, true
	}
	order := sortedByWeight(w)
	var out [][]int
	chosen := make([]int, 0, k)
	buf := make([]int, k)
	over := false
	var rec func(start int) bool // returns false when the first child already fails
	rec = func(start int) bool {
		r := k - len(chosen)
		if r == 0 {
			copy(buf, chosen)
			if B(buf, w) > tau {
				S := make([]int, k)
				copy(S, chosen)
				sort.Ints(S)
				out = append(out, S)
				if len(out) > limit {
					over = true
				}
				return true
			}
			return false
		}
		anyPassed := false
		for p := start; p+r <= d && !over; p++ {
			// Best completion: chosen + order[p .. p+r-1].
			copy(buf, chosen)
			for i := 0; i < r; i++ {
				buf[len(chosen)+i] = order[p+i]
			}
			if B(buf, w) <= tau {
				break
			}
			anyPassed = true
			chosen = append(chosen, order[p])
			rec(p + 1)
			chosen = chosen[:len(chosen)-1]
		}
		return anyPassed
	}
	rec(0)
	return out, !over
}

// sortedByWeight returns the indices 0..d-1 ordered by decreasing |w_i|,
// ties by increasing index. Only the nonzero weights are sorted (a sparse
// query costs O(d + s log s) for s nonzero weights, not O(d log d)); the
// zero weights follow in increasing index, which is where the full sort
// puts them.
func sortedByWeight(w []float64) []int {
	// One pass: the nonzero indices from the front, the zero ones from the
	// back (then reversed into increasing order).
	order := make([]int, len(w))
	nz, z := 0, len(w)
	for i, x := range w {
		if x != 0 {
			order[nz] = i
			nz++
		} else {
			z--
			order[z] = i
		}
	}
	slices.Reverse(order[nz:])
	slices.SortFunc(order[:nz], func(a, b int) int {
		aa, ab := math.Abs(w[a]), math.Abs(w[b])
		switch {
		case aa > ab:
			return -1
		case aa < ab:
			return 1
		}
		return a - b
	})
	return order
}

// topIndices returns the indices of the k largest |w_i| (k small), by one
// pass with an insertion buffer.
func topIndices(w []float64, k int) []int {
	idx := make([]int, 0, k)
	for i, x := range w {
		a := math.Abs(x)
		if len(idx) == k && a <= math.Abs(w[idx[k-1]]) {
			continue
		}
		if len(idx) < k {
			idx = append(idx, i)
		} else {
			idx[k-1] = i
		}
		for j := len(idx) - 1; j > 0 && math.Abs(w[idx[j]]) > math.Abs(w[idx[j-1]]); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	return idx
}
