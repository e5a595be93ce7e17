package learners

import (
	"flag"
	"fmt"
	"math"
	"math/big"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("sparse", "support search over k-subsets with correlation queries; finds S of a parity-embedded ReLU in at most C(d,k)+1 queries",
		func() Flagger { return new(Sparse) })
}

// Sparse is support search, the brute-force learner of the parity-embedded
// ReLU family (theory §4, package hardness): y = (1 + l)/2 with l a noisy
// parity of the signs of x_S, |S| = k. It tests the k-subsets T of the
// coordinates one by one, in lexicographic order, with the correlational
// query E[y relu(u_T.x)], u_T = 1_T/sqrt(k) (or, with Query = "hermite",
// E[y prod_{i in T} x_i]), and reports the first T whose answer deviates
// from the null value by more than Thresh.
//
// SQ form. One bounded query E[y] (the label mean m), then one
// correlational query per tested subset, all in one adaptivity round (the
// queries do not depend on the answers; only the stopping does). Under a
// label independent of x the ReLU query equals m/sqrt(2 pi); under D_{S,eta}
// it deviates by a C_S(u_T) (a = (1 - 2 eta)/2), which is ±a kappa_k for
// T = S and exactly 0 for every other T (a zero weight on S kills C_S).
// The Hermite query is 0 under the null and a (2/pi)^(k/2) for T = S.
//
// Guarantee. With every answer within Tol of the truth, a subset other than
// S deviates by at most (1 + 1/sqrt(2 pi)) Tol (the default Thresh), so no
// wrong subset is ever reported; if a kappa_k > 2 (1 + 1/sqrt(2 pi)) Tol,
// the support S is reported. The output is relu(r u) with u = u_S (one sign
// flipped when the deviation is negative, which makes C_S(u) = +kappa_k)
// and r = 2 m(u), the best norm (theory §4.4), whose loss is within
// 2 (1 + 2/sqrt(2 pi))^2 Tol^2 of opt_S. With the hermite query one more
// ReLU query fixes the sign and the norm.
//
// Queries: at most C(d, k) + 1 (+1 with hermite); Early = false tests all
// subsets and reports the largest deviation. The session's step hook
// (sq.Session.Step) is called with step 0 before the first query and with
// step n after the n-th subset tested, with w = nil (a subset is not a
// weight vector); stopped there, the search ends as if the n-th subset had
// been the last, and Sparse returns the largest deviation so far. The learner refuses to start
// when C(d, k) exceeds MaxQueries (default 1e8); against the SQ
// adversary of package hardness no SQ learner can do fundamentally better
// (theory §5.3).
type Sparse struct {
	K          int     // support size (default 2)
	Tol        float64 // tolerance of every query (default 1e-3)
	Query      string  // "relu" (default) or "hermite"
	Early      bool    // stop at the first subset that passes Thresh (default true from options; the zero value false tests all)
	Thresh     float64 // detection threshold (default (1 + 1/sqrt(2 pi)) Tol)
	MaxQueries int64   // refuse when C(d, k) is larger (default 1e8)
	// Found reports, after Learn, the subset returned and whether it passed
	// the threshold (false: the learner gave up and returned the largest
	// deviation).
	Found    []int
	Detected bool
}

// Flags declares Sparse's options: k, tol, query, early, thresh, max_queries. A zero field of a Sparse used directly
// holds the default declared here, except Early, whose zero value false
// tests every subset.
func (s *Sparse) Flags(fs *flag.FlagSet) {
	fs.IntVar(&s.K, "k", 2, "support size")
	fs.Float64Var(&s.Tol, "tol", 1e-3, "tolerance of every query")
	fs.StringVar(&s.Query, "query", "relu", "test query: relu or hermite")
	fs.BoolVar(&s.Early, "early", true, "stop at the first subset that passes thresh")
	fs.Float64Var(&s.Thresh, "thresh", 0, "detection threshold (0: (1 + 1/sqrt(2 pi)) tol; tol with query=hermite)")
	s.MaxQueries = 1e8
	fs.Var((*countValue)(&s.MaxQueries), "max_queries", "refuse when C(d, k) is larger (an integer, 1e8 allowed)")
}

// NewSparse builds Sparse from options (see Flags).
func NewSparse(o Options) (*Sparse, error) {
	s := new(Sparse)
	return s, parseOptions("sparse", s, o)
}

func (s *Sparse) validate() error { return s.validateD(0) }

// validateD checks s, and k <= d when d > 0.
func (s *Sparse) validateD(d int) error {
	switch {
	case s.K < 1:
		return fmt.Errorf("%w: sparse: k = %d, want k >= 1", ErrOption, s.K)
	case d > 0 && s.K > d:
		return fmt.Errorf("%w: sparse: k = %d exceeds the dimension d = %d", ErrOption, s.K, d)
	case !(s.Tol > 0) || math.IsInf(s.Tol, 0):
		return fmt.Errorf("%w: sparse: tol = %v, want a positive finite number", ErrOption, s.Tol)
	case s.Thresh < 0:
		return fmt.Errorf("%w: sparse: thresh = %v, want >= 0 (0: the default)", ErrOption, s.Thresh)
	case s.Query != "relu" && s.Query != "hermite":
		return fmt.Errorf("%w: sparse: query = %q, want relu or hermite", ErrOption, s.Query)
	case s.MaxQueries < 1:
		return fmt.Errorf("%w: sparse: max_queries = %d, want >= 1", ErrOption, s.MaxQueries)
	}
	return nil
}

// Name returns "sparse".
func (s *Sparse) Name() string { return "sparse" }

// Learn runs the support search and returns relu(r u_T) for the subset found.
func (s *Sparse) Learn(ss *sq.Session) (sq.Hypothesis, error) {
	p := withDefaults(s) // the settings, defaulted; the results go to s
	d := ss.Setting.D
	if err := p.checkSize(d); err != nil {
		return nil, err
	}
	sc := &sparseScan{p: p, out: s, ss: ss, d: d, thresh: p.threshold()}
	s.Found, s.Detected = nil, false
	sc.u = make([]float64, d)
	sc.inv = 1 / math.Sqrt(float64(p.K))
	if stop, err := ss.Step(0, nil); err != nil {
		return nil, fmt.Errorf("sparse: %w", err)
	} else if stop {
		return sq.ReLU{W: sc.u}, nil
	}
	if err := ss.Batch(sc.scan); err != nil {
		return nil, err
	}
	s.Found = append([]int(nil), sc.best...)
	return sc.hypothesis()
}

// checkSize validates the settings for dimension d and refuses more than
// MaxQueries subsets C(d, K).
func (s *Sparse) checkSize(d int) error {
	if err := s.validateD(d); err != nil {
		return err
	}
	total := new(big.Int).Binomial(int64(d), int64(s.K))
	if !total.IsInt64() || total.Int64() > s.MaxQueries {
		return fmt.Errorf("%w: sparse: C(%d, %d) = %s subsets exceed max_queries = %d", ErrOption, d, s.K, total, s.MaxQueries)
	}
	return nil
}

// threshold is the detection threshold: Thresh, or by default
// (1 + 1/sqrt(2 pi)) tol for ReLU queries and tol for Hermite ones.
func (s *Sparse) threshold() float64 {
	thresh := s.Thresh
	if thresh == 0 {
		thresh = (1 + gauss.InvSqrt2Pi) * s.Tol
		if s.Query == "hermite" {
			thresh = s.Tol
		}
	}
	return thresh
}

// sparseScan is the state of Sparse's scan over the K-subsets: the settings
// p, the learner whose results it sets (out), the scratch direction u (zero
// between queries), 1/sqrt(K), E[y] (m) and the subset of largest deviation.
type sparseScan struct {
	p, out  *Sparse
	ss      *sq.Session
	d       int
	thresh  float64
	u       []float64
	inv     float64
	m       float64
	best    []int
	bestDev float64
	tried   int
}

// scan (one batch) asks E[y], then each K-subset T in lexicographic order
// for its deviation, keeping the largest; it marks out.Detected past the
// threshold (and with Early stops there), and stops when the session's hook
// says so or the subsets run out.
func (sc *sparseScan) scan() error {
	p, ss := sc.p, sc.ss
	var err error
	if sc.m, err = ss.Ask(sq.LabelMoment(1), p.Tol); err != nil {
		return err
	}
	null := sc.m * gauss.InvSqrt2Pi
	T := make([]int, p.K)
	for i := range T {
		T[i] = i
	}
	ones := make([]int, p.K)
	for i := range ones {
		ones[i] = 1
	}
	for {
		dev, err := sc.deviation(T, ones, null)
		if err != nil {
			return err
		}
		if math.Abs(dev) > math.Abs(sc.bestDev) || sc.best == nil {
			sc.best, sc.bestDev = append(sc.best[:0], T...), dev
		}
		if math.Abs(dev) > sc.thresh {
			sc.out.Detected = true
			if p.Early {
				return nil
			}
		}
		sc.tried++
		if stop, err := ss.Step(sc.tried, nil); err != nil {
			return fmt.Errorf("sparse: %w", err)
		} else if stop {
			return nil
		}
		if !nextSubset(T, sc.d) {
			return nil
		}
	}
}

// deviation asks subset T's query: the Hermite correlation E[y H_T(x)], or
// E[y relu(u_T.x)] minus its null value E[y]/sqrt(2 pi).
func (sc *sparseScan) deviation(T, ones []int, null float64) (float64, error) {
	p, ss, u := sc.p, sc.ss, sc.u
	if p.Query == "hermite" {
		ans, err := ss.Ask(sq.HermiteCorr(T, ones), p.Tol)
		if err != nil {
			return 0, err
		}
		return ans, nil
	}
	for _, i := range T {
		u[i] = sc.inv
	}
	ans, err := ss.Ask(sq.ReluCorr(u), p.Tol)
	for _, i := range T {
		u[i] = 0
	}
	if err != nil {
		return 0, err
	}
	return ans - null, nil
}

// hypothesis is the ReLU along u_T for the best subset T, its sign and
// norm from the deviation (a ReLU query at u_T when the scan used Hermite
// queries): norm 2 (E[y]/sqrt(2 pi) + |dev|), clamped to [0, 1].
func (sc *sparseScan) hypothesis() (sq.Hypothesis, error) {
	p, ss, u, best, bestDev := sc.p, sc.ss, sc.u, sc.best, sc.bestDev
	for _, i := range best {
		u[i] = sc.inv
	}
	if p.Query == "hermite" {
		// One ReLU query at u_T gives the sign of C_S and the norm.
		ans, err := ss.Ask(sq.ReluCorr(u), p.Tol)
		if err != nil {
			return nil, err
		}
		bestDev = ans - sc.m*gauss.InvSqrt2Pi
	}
	if bestDev < 0 {
		// Flipping one coordinate flips the sign of C_S(u).
		u[best[0]] = -u[best[0]]
	}
	r := 2 * (sc.m*gauss.InvSqrt2Pi + math.Abs(bestDev))
	r = math.Max(0, math.Min(1, r))
	for i := range u {
		u[i] *= r
	}
	return sq.ReLU{W: u}, nil
}

// nextSubset advances T to the next k-subset of [0, d) in lexicographic
// order, reporting false after the last one.
func nextSubset(T []int, d int) bool {
	k := len(T)
	i := k - 1
	for i >= 0 && T[i] == d-k+i {
		i--
	}
	if i < 0 {
		return false
	}
	T[i]++
	for j := i + 1; j < k; j++ {
		T[j] = T[j-1] + 1
	}
	return true
}
