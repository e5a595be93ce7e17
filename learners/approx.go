package learners

import (
	"errors"
	"flag"
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
)

func init() {
	RegisterFlags("approx", "GKK19 reduction to halfspace learning: loss <= C opt^(2/3) + eps (theory §6; option halfspace=dktz|chow)",
		func() Flagger { return new(Approx) })
}

// Approx is the O(opt^(2/3)) + eps approximation algorithm of Goel,
// Karmalkar and Klivans, "Time/Accuracy Tradeoffs for Learning a ReLU with
// respect to Gaussian Marginals" (NeurIPS 2019, Theorem 2, "Algorithm 2"),
// as reconstructed in theory §6.3: a reduction of ReLU regression to learning
// a halfspace with 0/1 loss under label noise.
//
// Algorithm. For each threshold t in {2^-j : j = 0..J}, J = ceil(log2(1/Eps))
// + 3, run the halfspace learner on the Boolean view sq.ThresholdView(o, t)
// (labels ytil = sign(y - t)) to get a unit u_t; fit the norm along it in
// closed form, r_t = clip(2 m_t, 0, 1) with m_t = E[y relu(u_t.x)] (theory
// §2.4: the loss along u is r^2/2 - 2 r m + E[y^2]); among W = {r_t u_t} ∪ {0},
// return the w of least loss L(w) = ||w||^2/2 - 2 E[y relu(w.x)] + E[y^2]
// (the first term is known, the last common to all candidates, so only
// m(w) = E[y relu(w.x)] is asked).
//
// SQ form. The halfspace learner's queries go through the Boolean view (they
// are not correlational: the reduction is SQ, not CSQ); the norm fits are one
// correlational vector query sq.ReluBatch of the J+1 directions, at
// tolerance Tol1 per coordinate; the selection is one more ReluBatch of the
// candidates, at Tol2. Queries: (J+1) runs of the halfspace learner (one
// vector query of dimension d each for chow, so (J+1) d scalar queries) plus
// (J+1) + |W| - 1 scalar queries: O(J(d+1) + |W|), as in theory §6.3.
//
// Guarantee (theory §6.1, constants derived in docs/approximation.md). Let
// w* be the best ReLU of norm r* <= 1, opt its loss, and suppose the
// halfspace learner returns, for labels with P[ytil != sign(w*.x)] = eta,
// a direction within angle pi(C_HS eta + eps') of w*. Then
//
//	L(w) <= (K opt^(1/3) + delta)^2 + 6 Tol1^2 + 4 Tol2,
//	K = 1 + (pi/sqrt 2) * 4.25 phi(0)^(2/3) * C_HS = 1 + 5.1164 C_HS,
//	delta = (pi/sqrt 2) (3 phi(0) C_HS 2^-J + eps'),
//
// hence, by (a + b)^2 <= (9/8) a^2 + 9 b^2, L(w) <= C opt^(2/3) + eps with
// C = (9/8) K^2 (ApproxConstant) as soon as 9 delta^2 + 6 Tol1^2 + 4 Tol2 <=
// eps; with the default tolerances Tol1 = Tol2 = Eps/8 (so 2^-J <= Eps/8),
// C_HS = 2 and eps' <= Eps/2 that holds for every Eps <= 0.0175. For the
// dktz halfspace learner C_HS is measured (docs/approximation.md); for chow
// it is not a constant (the average vector's angle is O(eta sqrt(log
// 1/eta)), ChowAngleBound), so approx with halfspace=chow is an
// O(opt^(2/3) log^(1/2)(1/opt)) + eps algorithm; ApproxBound evaluates
// either bound exactly for one instance.
type Approx struct {
	Eps       float64 // target accuracy (default 0.01): sets J, the tolerances and dktz's narrowest ramp
	Halfspace string  // "dktz" (the default, also when empty) or "chow"
	Tol       float64 // if > 0, the default of Tol1, Tol2 and TolHS below (the harness's option tol)
	Tol1      float64 // tolerance of the norm-fit queries E[y relu(u_t.x)] (default Eps/8)
	Tol2      float64 // tolerance of the selection queries E[y relu(w.x)] (default Eps/8)
	TolHS     float64 // per-coordinate tolerance of the halfspace learner (default Eps/(8 sqrt d))
	SigmaMin  float64 // dktz's narrowest ramp (default Eps)
	// HS, if set, is the halfspace learner used instead of the one named by
	// Halfspace (whose options TolHS and SigmaMin then do not apply).
	HS HalfspaceLearner
	// The session's step hook (sq.Session.Step) is called with step 0 and
	// the zero vector before the first threshold, then after the j-th
	// threshold with the unit direction learned there (nil when none was
	// found); stopped there, Approx fits and selects among the candidates
	// of the thresholds so far (its output stage asks its two queries). The
	// halfspace learner gets the session's context, not its hook.
	//
	// OnCandidate, if set, is called for every threshold with what was
	// learned there (do not keep the slices).
	OnCandidate func(c ApproxCandidate)
}

// ApproxCandidate is what Approx learned at one threshold.
type ApproxCandidate struct {
	T     float64   // the threshold
	U     []float64 // the unit direction from the halfspace learner (nil if it found none)
	M     float64   // the answer to E[y relu(u.x)]
	R     float64   // the fitted norm clip(2 M, 0, 1)
	Score float64   // the selection score ||w||^2/2 - 2 E[y relu(w.x)] (answered), w = R U
	Err   error     // why there is no direction (wraps ErrNoDirection)
}

// Flags declares Approx's options: eps, halfspace, tol, tol1, tol2, tolhs, sigma_min. A zero field of a Approx used directly
// holds the default declared here.
func (a *Approx) Flags(fs *flag.FlagSet) {
	fs.Float64Var(&a.Eps, "eps", 0.01, "target accuracy, in [1e-9, 1): sets J, the tolerances and dktz's narrowest ramp")
	fs.StringVar(&a.Halfspace, "halfspace", "dktz", "the halfspace learner: dktz or chow")
	fs.Float64Var(&a.Tol, "tol", 0, "if > 0, the default of tol1, tol2 and tolhs (the run's tolerance)")
	fs.Float64Var(&a.Tol1, "tol1", 0, "tolerance of the norm-fit queries E[y relu(u_t.x)] (0: eps/8)")
	fs.Float64Var(&a.Tol2, "tol2", 0, "tolerance of the selection queries E[y relu(w.x)] (0: eps/8)")
	fs.Float64Var(&a.TolHS, "tolhs", 0, "per-coordinate tolerance of the halfspace learner (0: eps/(8 sqrt d))")
	fs.Float64Var(&a.SigmaMin, "sigma_min", 0, "dktz's narrowest ramp (0: eps)")
}

// NewApprox builds Approx from options (see Flags).
func NewApprox(o Options) (*Approx, error) {
	a := new(Approx)
	return a, parseOptions("approx", a, o)
}

func (a *Approx) validate() error {
	switch {
	case !(a.Eps > 0 && a.Eps < 1):
		return fmt.Errorf("%w: approx: eps = %v, want a number in (0, 1)", ErrOption, a.Eps)
	case a.Eps < 1e-9:
		return fmt.Errorf("%w: approx: eps = %v, want >= 1e-9 (J = log2(1/eps) + 3 thresholds)", ErrOption, a.Eps)
	case a.HS == nil && a.Halfspace != "" && a.Halfspace != "dktz" && a.Halfspace != "chow":
		return fmt.Errorf("%w: approx: halfspace = %q, want dktz or chow", ErrOption, a.Halfspace)
	}
	for _, f := range []struct {
		name string
		v    float64
	}{{"tol", a.Tol}, {"tol1", a.Tol1}, {"tol2", a.Tol2}, {"tolhs", a.TolHS}, {"sigma_min", a.SigmaMin}} {
		if !(f.v >= 0) || math.IsInf(f.v, 0) {
			return fmt.Errorf("%w: approx: %s = %v, want a finite number > 0 (or 0 for the default)", ErrOption, f.name, f.v)
		}
	}
	return nil
}

// Name returns "approx".
func (a *Approx) Name() string { return "approx" }

// Thresholds returns the grid {2^-j : j = 0..J}, J = ceil(log2(1/eps)) + 3.
func Thresholds(eps float64) []float64 {
	J := int(math.Ceil(math.Log2(1/eps))) + 3
	ts := make([]float64, J+1)
	for j := range ts {
		ts[j] = math.Ldexp(1, -j)
	}
	return ts
}

func orDefault(v, def float64) float64 {
	if v > 0 {
		return v
	}
	return def
}

// Learn runs the reduction and returns relu(w.x) for the selected w.
func (a *Approx) Learn(s *sq.Session) (sq.Hypothesis, error) {
	a = withDefaults(a)
	if err := a.validate(); err != nil {
		return nil, err
	}
	d := s.Setting.D
	tol1 := orDefault(a.Tol1, orDefault(a.Tol, a.Eps/8))
	tol2 := orDefault(a.Tol2, orDefault(a.Tol, a.Eps/8))
	tolHS := orDefault(a.TolHS, orDefault(a.Tol, a.Eps/(8*math.Sqrt(float64(d)))))
	hs := a.HS
	if hs == nil {
		var err error
		name := a.Halfspace
		if name == "" {
			name = "dktz"
		}
		if hs, err = NewHalfspace(name, tolHS, orDefault(a.SigmaMin, a.Eps)); err != nil {
			return nil, err
		}
	}
	view := sq.Setting{D: d, LabelMin: -1, LabelMax: 1}
	var cands []ApproxCandidate
	var dirs [][]float64
	if stop, err := s.Step(0, make([]float64, d)); err != nil {
		return nil, fmt.Errorf("approx: %w", err)
	} else if stop {
		return sq.ReLU{W: make([]float64, d)}, nil
	}
	for j, t := range Thresholds(a.Eps) {
		// The halfspace learner shares the context (its steps stop when it
		// is done), not the hook: its rounds are not approx's.
		sub := &sq.Session{Setting: view, Oracle: sq.ThresholdView(s.Oracle, t), Ledger: s.Ledger, Rand: s.Rand, Ctx: s.Ctx}
		u, err := hs.LearnHalfspace(sub)
		c := ApproxCandidate{T: t, U: u}
		switch {
		case errors.Is(err, ErrNoDirection):
			c.Err = err
		case err != nil:
			return nil, fmt.Errorf("approx: threshold t = %g: %w", t, err)
		default:
			dirs = append(dirs, u)
		}
		cands = append(cands, c)
		if stop, err := s.Step(j+1, u); err != nil {
			return nil, fmt.Errorf("approx: %w", err)
		} else if stop {
			break
		}
	}
	// Norm fit: one batch of the correlational queries E[y relu(u_t.x)].
	var ms []float64
	if len(dirs) > 0 {
		var err error
		if ms, err = s.AskVec(sq.ReluBatch(dirs), tol1, nil); err != nil {
			return nil, fmt.Errorf("approx: norm fit: %w", err)
		}
	}
	var W [][]float64
	var idx []int
	k := 0
	for i := range cands {
		c := &cands[i]
		if c.U == nil {
			continue
		}
		c.M = ms[k]
		k++
		c.R = math.Min(1, math.Max(0, 2*c.M))
		if c.R > 0 {
			w := make([]float64, d)
			for j := range w {
				w[j] = c.R * c.U[j]
			}
			W = append(W, w)
			idx = append(idx, i)
		}
	}
	// Selection: the zero candidate scores 0; the others ||w||^2/2 - 2 m(w).
	best, bestScore := make([]float64, d), 0.0
	if len(W) > 0 {
		mw, err := s.AskVec(sq.ReluBatch(W), tol2, nil)
		if err != nil {
			return nil, fmt.Errorf("approx: selection: %w", err)
		}
		for j, w := range W {
			c := &cands[idx[j]]
			c.Score = c.R*c.R/2 - 2*mw[j]
			if c.Score < bestScore {
				best, bestScore = w, c.Score
			}
		}
	}
	if a.OnCandidate != nil {
		for _, c := range cands {
			a.OnCandidate(c)
		}
	}
	return sq.ReLU{W: best}, nil
}

// phi0 is the standard normal density at 0, 1/sqrt(2 pi).
var phi0 = 1 / math.Sqrt(2*math.Pi)

// approxSlope is K - 1 per unit of C_HS: K = 1 + approxSlope*C_HS with
// approxSlope = (pi/sqrt 2) * 4.25 * phi(0)^(2/3) = 5.1164 (theory §6.1 on
// the dyadic grid).
var approxSlope = math.Pi / math.Sqrt2 * 4.25 * math.Pow(phi0, 2.0/3)

// ApproxConstant returns the constant C = (9/8) K^2, K = 1 + 5.1164 C_HS, of
// Approx's guarantee L(w) <= C opt^(2/3) + eps for a halfspace learner whose
// angle to an eta-noisy target is at most pi(C_HS eta + eps') (see Approx and
// docs/approximation.md for the derivation).
func ApproxConstant(cHS float64) float64 {
	K := 1 + approxSlope*cHS
	return 9.0 / 8 * K * K
}

// ApproxBound evaluates the guarantee of theory §6.1 for one instance,
// before the tolerance terms 6 Tol1^2 + 4 Tol2: the best ReLU has loss opt and
// norm rstar in (0, 1]; the halfspace learner returns, for Boolean labels that
// disagree with sign(w*.x) with probability eta, a direction within
// angle(eta) radians of w*. At every threshold t of Thresholds(eps) the
// labels sign(y - t) disagree with sign(w*.x) with probability at most
// eta(t) = opt/t^2 + P[0 < w*.x <= 2t] (Markov's inequality on the loss, and
// the Gaussian mass of the band, Phi(2t/rstar) - 1/2 <= 2 t phi(0)/rstar), and
// the candidate fitted there has loss at most
// (sqrt(opt) + rstar sqrt(1 - h(theta)/pi))^2 with theta = angle(eta(t))
// (theory §2.5; rstar sqrt(1 - h/pi) <= rstar theta/sqrt 2). The bound is the
// least of these over the grid. rstar = 0 gives opt (the zero candidate is
// always there).
func ApproxBound(opt, rstar, eps float64, angle func(eta float64) float64) float64 {
	if !(rstar > 0) {
		return opt
	}
	best := math.Inf(1)
	for _, t := range Thresholds(eps) {
		eta := math.Min(1, opt/(t*t)+gauss.Cdf(2*t/rstar)-0.5)
		th := math.Min(math.Pi, math.Max(0, angle(eta)))
		l := math.Sqrt(math.Max(opt, 0)) + rstar*math.Sqrt(math.Max(0, 1-gauss.H(th)/math.Pi))
		best = math.Min(best, l*l)
	}
	return best
}
