package lab

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// Worlds are the worlds of the lab's learner runs: the bench worlds of
// sqsim learn, and the parity-embedded world of the hardness family.
var Worlds = []string{"realizable", "clipped", "agnostic", "parity"}

// Oracles are the lab's oracles (as sqsim learn --oracle).
var Oracles = []string{"exact", "noise", "adversarial"}

// RunParams are the parameters of a learner run: as the flags of sqsim
// learn (--world, --d, --clip, --frac, --oracle, --tol, --seed, --learner,
// --set) for the bench worlds; for the parity world d, k and eta of the
// family, whose support S is drawn from the seed.
type RunParams struct {
	World   string            `json:"world"`
	D       int               `json:"d"`
	Clip    float64           `json:"clip"` // clipped (0: bench's default 1)
	Frac    float64           `json:"frac"` // agnostic (0: bench's default 0.1)
	K       int               `json:"k"`    // parity
	Eta     float64           `json:"eta"`  // parity
	Oracle  string            `json:"oracle"`
	Tol     float64           `json:"tol"` // 0: the oracle's default (bench.DefaultTol)
	Seed    uint64            `json:"seed"`
	Learner string            `json:"learner"`
	Options map[string]string `json:"options"`
}

// RunResult is a learner run: the exact loss after every step (learners
// with a step hook: gd, isotron) and the ledger's summary, with the keys of
// sqsim learn --json.
type RunResult struct {
	Params        RunParams `json:"params"`
	Learner       string    `json:"learner"`
	Oracle        string    `json:"oracle"`
	StepLoss      []float64 `json:"step_loss"`
	Loss          float64   `json:"loss"`
	Opt           float64   `json:"opt"`
	Tolerance     float64   `json:"tolerance"`
	Queries       int       `json:"queries"`
	ScalarQueries int       `json:"scalar_queries"`
	FreeQueries   int       `json:"free_queries"`
	Rounds        int       `json:"rounds"`
	Cost          float64   `json:"cost"`
	SumInvTau2    float64   `json:"sum_inv_tau2"`
	Hypothesis    string    `json:"hypothesis"`
	W             []float64 `json:"w,omitempty"`
	Support       []int     `json:"support,omitempty"` // parity: the planted S
}

// hookSteps sets the step hook of the learners that have one.
func hookSteps(l sq.Learner, fn func(step int, w []float64)) {
	switch v := l.(type) {
	case *learners.GD:
		v.OnStep = fn
	case *learners.Isotron:
		v.OnStep = fn
	}
}

func checkRun(p RunParams) error {
	if !slices.Contains(Worlds, p.World) {
		return labErr("world %q, want one of %v", p.World, Worlds)
	}
	if !slices.Contains(Oracles, p.Oracle) {
		return labErr("oracle %q, want one of %v", p.Oracle, Oracles)
	}
	if p.D < 1 || p.D > MaxD {
		return labErr("d = %d, want 1 <= d <= %d in the lab", p.D, MaxD)
	}
	for _, v := range []float64{p.Clip, p.Frac, p.Eta, p.Tol} {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return labErr("parameter %v, want a finite number >= 0", v)
		}
	}
	if _, ok := learners.Lookup(p.Learner); !ok {
		return labErr("learner %q, want one of %v", p.Learner, learners.Names())
	}
	if s, ok := p.Options["steps"]; ok {
		var n int
		for _, c := range s {
			if c < '0' || c > '9' {
				return labErr("steps=%q, want a positive integer", s)
			}
			n = 10*n + int(c-'0')
			if n > MaxSteps {
				return labErr("steps=%s, want at most %d in the lab", s, MaxSteps)
			}
		}
	}
	return nil
}

// RunLearner runs a learner on a world through an oracle: the bench worlds
// through bench.NewInstance and Instance.RunLearner, as sqsim learn does.
func RunLearner(p RunParams) (*RunResult, error) {
	if err := checkRun(p); err != nil {
		return nil, err
	}
	if p.World == "parity" {
		return runParity(p)
	}
	cfg := bench.DefaultConfig()
	cfg.World, cfg.D, cfg.Oracle, cfg.Tol, cfg.Seed, cfg.Learner = p.World, p.D, p.Oracle, p.Tol, p.Seed, p.Learner
	if p.Clip > 0 {
		cfg.Clip = p.Clip
	}
	if p.Frac > 0 {
		cfg.Frac = p.Frac
	}
	cfg.Options = learners.Options{}
	for k, v := range p.Options {
		cfg.Options[k] = v
	}
	in, err := bench.NewInstance(cfg)
	if err != nil {
		return nil, err
	}
	l, tol, err := in.Learner(cfg.Learner, cfg.Options)
	if err != nil {
		return nil, err
	}
	out := &RunResult{Params: p}
	var stepErr error
	hookSteps(l, func(_ int, w []float64) {
		v, _, err := in.World().Loss(w)
		if err != nil && stepErr == nil {
			stepErr = err
		}
		out.StepLoss = append(out.StepLoss, v)
	})
	res, err := in.RunLearner(l, tol)
	if err != nil {
		return nil, err
	}
	if stepErr != nil {
		return nil, stepErr
	}
	s := res.Summary
	out.Learner, out.Oracle, out.Loss, out.Opt, out.Tolerance = res.Learner, res.Oracle, res.Loss, res.Opt, res.Tol
	out.Queries, out.ScalarQueries, out.FreeQueries, out.Rounds, out.Cost, out.SumInvTau2 = s.Queries, s.Scalar, s.Free, s.Rounds, s.Cost, s.SumInvTau2
	out.Hypothesis, out.W = res.Kind, res.W
	return out, nil
}

// ParitySupport is the planted support of the lab's parity world for a
// seed: k distinct indices of [0, d), sorted.
func ParitySupport(seed uint64, d, k int) []int {
	r := rand.New(rand.NewPCG(seed, 0x9a417e))
	S := r.Perm(d)[:k]
	sort.Ints(S)
	return S
}

// runParity runs the learner on the planted world D_{S,eta} of the
// hardness family; the adversarial oracle answers as the null world D_0
// whenever that is within the tolerance of the truth.
func runParity(p RunParams) (*RunResult, error) {
	k := p.K
	if k == 0 {
		k = 2
	}
	fam, err := hardness.NewFamily(p.D, k, p.Eta)
	if err != nil {
		return nil, err
	}
	S := ParitySupport(p.Seed, p.D, k)
	planted, err := fam.Planted(S)
	if err != nil {
		return nil, err
	}
	tol := p.Tol
	if tol == 0 {
		tol = bench.DefaultTol(p.Oracle)
	}
	var base sq.Oracle
	switch p.Oracle {
	case "exact":
		base = oracle.Exact(planted)
	case "noise":
		base = oracle.Noisy(planted, oracle.Uniform, p.Seed)
	case "adversarial":
		if base, err = oracle.Adversarial(planted, fam.Null()); err != nil {
			return nil, err
		}
	}
	opts := learners.Options{"tol": formatG(tol)}
	for k, v := range p.Options {
		opts[k] = v
	}
	l, err := learners.New(p.Learner, opts)
	if err != nil {
		return nil, err
	}
	out := &RunResult{Params: p, Support: S}
	var stepErr error
	hookSteps(l, func(_ int, w []float64) {
		v, _, err := planted.Loss(w)
		if err != nil && stepErr == nil {
			stepErr = err
		}
		out.StepLoss = append(out.StepLoss, v)
	})
	ledger := sq.NewLedger()
	o := oracle.Chain(base, oracle.WithLedger(ledger))
	s := &sq.Session{Setting: planted.Setting(), Oracle: o, Ledger: ledger, Rand: sq.Stream(p.Seed, sq.KeyLearner)}
	h, err := l.Learn(s)
	if err == nil {
		err = ledger.Err()
	}
	if err != nil {
		return nil, err
	}
	if stepErr != nil {
		return nil, stepErr
	}
	land, err := hardness.NewLandscape(k, p.Eta)
	if err != nil {
		return nil, err
	}
	relu, ok := h.(sq.ReLU)
	if !ok {
		return nil, labErr("learner %s returned a %T; the parity world scores ReLU hypotheses only", p.Learner, h)
	}
	if out.Loss, _, err = planted.Loss(relu.W); err != nil {
		return nil, err
	}
	sum := ledger.Summary()
	out.Learner, out.Oracle, out.Opt, out.Tolerance = l.Name(), o.Name(), land.OptS, tol
	out.Queries, out.ScalarQueries, out.FreeQueries, out.Rounds, out.Cost, out.SumInvTau2 = sum.Queries, sum.Scalar, sum.Free, sum.Rounds, sum.Cost, sum.SumInvTau2
	out.Hypothesis, out.W = "relu", slices.Clone(relu.W)
	return out, nil
}

// LandscapeParams are the parameters of the landscape: the family (d, k,
// eta), the seed of the random direction u and the planted support S, and
// the grid sizes.
type LandscapeParams struct {
	D     int     `json:"d"`
	K     int     `json:"k"`
	Eta   float64 `json:"eta"`
	Seed  uint64  `json:"seed"`
	Mix   int     `json:"mix"`   // directions u_t, t = 0, 1/(Mix-1), ..., 1 (default 11)
	Radii int     `json:"radii"` // radii r in [0, RMax] per direction (default 41)
	RMax  float64 `json:"rmax"`  // 0: 2 r*
}

// LandscapeCurve is L_S(r u_t) along one direction u_t.
type LandscapeCurve struct {
	T      float64   `json:"t"`
	Cos    float64   `json:"cos"` // u_t . u_S
	R      []float64 `json:"r"`
	Loss   []float64 `json:"loss"`
	MinR   float64   `json:"min_r"`
	MinVal float64   `json:"min_loss"`
}

// LandscapeResult is the exact loss L_S(r u_t) with u_t the unit vector
// along (1-t) u + t u_S, u a random unit vector and u_S = (1/sqrt k) sum_{i
// in S} e_i, the direction of the optimum (theory §4.3).
type LandscapeResult struct {
	Params  LandscapeParams  `json:"params"`
	Support []int            `json:"support"`
	U       []float64        `json:"u"`
	Opt0    float64          `json:"opt0"`
	OptS    float64          `json:"optS"`
	RStar   float64          `json:"r_star"`
	Curves  []LandscapeCurve `json:"curves"`
}

// Landscape computes the landscape with hardness.World.Loss (exact).
func Landscape(p LandscapeParams) (*LandscapeResult, error) {
	if p.D < 1 || p.D > MaxD {
		return nil, labErr("d = %d, want 1 <= d <= %d", p.D, MaxD)
	}
	if p.Mix == 0 {
		p.Mix = 11
	}
	if p.Radii == 0 {
		p.Radii = 41
	}
	if p.Mix < 2 || p.Mix > MaxGrid || p.Radii < 2 || p.Radii > MaxGrid || p.Mix*p.Radii > 20000 {
		return nil, labErr("grid %d x %d, want 2..%d each and at most 20000 points", p.Mix, p.Radii, MaxGrid)
	}
	if math.IsNaN(p.RMax) || math.IsInf(p.RMax, 0) || p.RMax < 0 {
		return nil, labErr("rmax = %v, want a finite number >= 0", p.RMax)
	}
	fam, err := hardness.NewFamily(p.D, p.K, p.Eta)
	if err != nil {
		return nil, err
	}
	land, err := hardness.NewLandscape(p.K, p.Eta)
	if err != nil {
		return nil, err
	}
	S := ParitySupport(p.Seed, p.D, p.K)
	planted, err := fam.Planted(S)
	if err != nil {
		return nil, err
	}
	u := bench.RandomUnit(p.Seed, p.D)
	uS := make([]float64, p.D)
	for _, i := range S {
		uS[i] = 1 / math.Sqrt(float64(p.K))
	}
	rmax := p.RMax
	if rmax == 0 {
		rmax = 2 * land.RStar
	}
	out := &LandscapeResult{Params: p, Support: S, U: u, Opt0: land.Opt0, OptS: land.OptS, RStar: land.RStar}
	for i := 0; i < p.Mix; i++ {
		t := float64(i) / float64(p.Mix-1)
		dir := make([]float64, p.D)
		n := 0.0
		for j := range dir {
			dir[j] = (1-t)*u[j] + t*uS[j]
			n += dir[j] * dir[j]
		}
		n = math.Sqrt(n)
		if n == 0 {
			return nil, labErr("u = -u_S at t = %g: the direction is undefined (another seed)", t)
		}
		c := LandscapeCurve{T: t, MinVal: math.Inf(1)}
		for j := range dir {
			dir[j] /= n
			c.Cos += dir[j] * uS[j]
		}
		w := make([]float64, p.D)
		for j := 0; j < p.Radii; j++ {
			r := rmax * float64(j) / float64(p.Radii-1)
			for m := range w {
				w[m] = r * dir[m]
			}
			v, _, err := planted.Loss(w)
			if err != nil {
				return nil, err
			}
			c.R, c.Loss = append(c.R, r), append(c.Loss, v)
			if v < c.MinVal {
				c.MinVal, c.MinR = v, r
			}
		}
		out.Curves = append(out.Curves, c)
	}
	return out, nil
}
