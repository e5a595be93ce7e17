package bench

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/sq/gauss"
	"github.com/sqsim/sqsim/world"
)

// ApproxFitConfig configures ApproxFit: the experiment of
// docs/approximation.md, which runs the GKK19 reduction (learner approx)
// and its baselines on a grid of agnostic worlds with the exact oracle, fits
// log loss against log opt, and measures the halfspace learners on
// adversarially flipped halfspaces.
type ApproxFitConfig struct {
	D         int     // dimension (default 8)
	Eps       float64 // approx's eps (default 0.01)
	Seed      uint64  // seed of the hidden directions
	Workers   int     // instances run in parallel (default GOMAXPROCS)
	Halfspace bool    // also run the halfspace table (a few seconds of two-dimensional quadrature)
}

// ApproxFitColumns names the learners of ApproxFitRow.Loss, in table order:
// approx with the dktz and with the chow halfspace learner, the Chow
// learner 2 E[y x] (theory §6.4), FCG20 and DKTZ22 gradient descent.
var ApproxFitColumns = []string{"approx", "approx-chow", "chow", "fcg", "dktz"}

// ApproxFitCHS is the constant C_HS used for the dktz halfspace learner in
// the bounds of the table (angle/pi <= C_HS eta + eps'; the halfspace table
// measures it, and the tests check it).
const ApproxFitCHS = 2

// ApproxFitRow is one world of the grid.
type ApproxFitRow struct {
	Family string             // corrupt-flip | corrupt-zero | noisy | clipped
	Param  float64            // the corrupted fraction, the noise sd, or the clip level
	Opt    float64            // min over ||w|| <= 1 of the loss (world.Model.Opt)
	RStar  float64            // the norm of the best ReLU
	EY2    float64            // E[y^2], the loss of w = 0
	Loss   map[string]float64 // exact loss of each learner of ApproxFitColumns
	// CBound is C opt^(2/3) + eps with C = learners.ApproxConstant(C_HS);
	// InstBound is learners.ApproxBound for the dktz halfspace learner plus
	// the tolerance terms 6 tol1^2 + 4 tol2.
	CBound, InstBound float64
}

// ApproxFitSlope is the least-squares line log loss = Intercept + Slope log opt
// over the rows, for one learner.
type ApproxFitSlope struct {
	Learner          string
	Slope, Intercept float64
	R2               float64 // coefficient of determination
	N                int     // rows in the fit
}

// HalfspaceFitRow is one adversarially flipped halfspace: angle/pi of each
// learner's direction to the target, and the average vector's proven bound.
type HalfspaceFitRow struct {
	Noise                string // "tail": flips on {w*.x > 0, e.x > b}; "band": flips on {0 < w*.x <= a, e.x > b}
	Eta                  float64
	Chow, DKTZ, ChowMax  float64 // angle/pi, and ChowAngleBound/pi
	ChowQueries, Queries int     // queries of chow and of dktz
}

// ApproxFitResult is everything ApproxFit measured.
type ApproxFitResult struct {
	Config    ApproxFitConfig
	C         float64 // learners.ApproxConstant(ApproxFitCHS)
	Rows      []ApproxFitRow
	Slopes    []ApproxFitSlope
	Halfspace []HalfspaceFitRow
}

// ErrApproxFit is the sentinel of invalid ApproxFit configurations.
var ErrApproxFit = errors.New("bench: invalid approxfit configuration")

// ApproxFit runs the experiment. Every number is exact (closed forms and
// quadrature through the exact oracle); the run is deterministic given the
// configuration.
func ApproxFit(cfg ApproxFitConfig) (ApproxFitResult, error) {
	if cfg.D == 0 {
		cfg.D = 8
	}
	if cfg.Eps == 0 {
		cfg.Eps = 0.01
	}
	if cfg.Workers <= 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case cfg.D < 2 || cfg.D > 1000:
		return ApproxFitResult{}, fmt.Errorf("%w: d = %d, want 2 <= d <= 1000 (the halfspace worlds use two directions)", ErrApproxFit, cfg.D)
	case !(cfg.Eps >= 1e-4 && cfg.Eps < 1):
		return ApproxFitResult{}, fmt.Errorf("%w: eps = %v, want 1e-4 <= eps < 1", ErrApproxFit, cfg.Eps)
	}
	res := ApproxFitResult{Config: cfg, C: learners.ApproxConstant(ApproxFitCHS)}
	type job struct {
		family string
		param  float64
		build  func() (*world.Model, error)
	}
	u, e := afUnits(cfg.Seed, cfg.D)
	var jobs []job
	for _, how := range []world.Corruption{world.CorruptFlip, world.CorruptZero} {
		for _, frac := range []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2} {
			how, frac := how, frac
			jobs = append(jobs, job{"corrupt-" + how.String(), frac, func() (*world.Model, error) { return world.Corrupted(afScale(u, 0.3), frac, how) }})
		}
	}
	for _, sd := range []float64{0.01, 0.03, 0.1, 0.3} {
		sd := sd
		jobs = append(jobs, job{"noisy", sd, func() (*world.Model, error) { return world.Noisy(u, world.Noise{Kind: world.Gaussian, Param: sd}) }})
	}
	for _, c := range []float64{0.25, 0.5, 1, 1.5} {
		c := c
		jobs = append(jobs, job{"clipped", c, func() (*world.Model, error) { return world.Clipped(u, c) }})
	}
	res.Rows = make([]ApproxFitRow, len(jobs))
	errs := make([]error, len(jobs))
	afParallel(len(jobs), cfg.Workers, func(i int) {
		w, err := jobs[i].build()
		if err == nil {
			res.Rows[i], err = afRow(w, cfg.Eps, res.C)
		}
		res.Rows[i].Family, res.Rows[i].Param = jobs[i].family, jobs[i].param
		if err != nil {
			errs[i] = fmt.Errorf("approxfit: %s(%g): %w", jobs[i].family, jobs[i].param, err)
		}
	})
	if err := errors.Join(errs...); err != nil {
		return res, err
	}
	for _, col := range ApproxFitColumns {
		var x, y []float64
		for _, r := range res.Rows {
			if l := r.Loss[col]; r.Opt > 0 && l > 0 {
				x = append(x, math.Log(r.Opt))
				y = append(y, math.Log(l))
			}
		}
		s, b, r2 := LogLogFit(x, y)
		res.Slopes = append(res.Slopes, ApproxFitSlope{Learner: col, Slope: s, Intercept: b, R2: r2, N: len(x)})
	}
	if cfg.Halfspace {
		etas := []float64{0.005, 0.01, 0.02, 0.05, 0.1}
		res.Halfspace = make([]HalfspaceFitRow, 2*len(etas))
		hsErrs := make([]error, len(res.Halfspace))
		afParallel(len(res.Halfspace), cfg.Workers, func(i int) {
			noise := "tail"
			if i >= len(etas) {
				noise = "band"
			}
			res.Halfspace[i], hsErrs[i] = afHalfspace(u, e, noise, etas[i%len(etas)], cfg.Eps)
		})
		if err := errors.Join(hsErrs...); err != nil {
			return res, err
		}
	}
	return res, nil
}

// afRow runs the learners on one world.
func afRow(w *world.Model, eps, C float64) (ApproxFitRow, error) {
	o, err := w.Opt()
	if err != nil {
		return ApproxFitRow{}, err
	}
	var ey2 [1]float64
	if _, err := w.Expect(sq.LabelMoment(2), ey2[:]); err != nil {
		return ApproxFitRow{}, err
	}
	row := ApproxFitRow{Opt: o.Opt, EY2: ey2[0], Loss: map[string]float64{}}
	for _, v := range o.W {
		row.RStar += v * v
	}
	row.RStar = math.Sqrt(row.RStar)
	for _, col := range ApproxFitColumns {
		var l sq.Learner
		switch col {
		case "approx":
			l = &learners.Approx{Eps: eps, Halfspace: "dktz"}
		case "approx-chow":
			l = &learners.Approx{Eps: eps, Halfspace: "chow"}
		default:
			if l, err = learners.New(col, nil); err != nil {
				return row, err
			}
		}
		s := sq.NewSession(w.Setting(), oracle.Exact(w), nil, sq.Stream(1, sq.KeyLearner))
		h, err := l.Learn(s)
		if err != nil {
			return row, fmt.Errorf("%s: %w", col, err)
		}
		relu, ok := h.(sq.ReLU)
		if !ok {
			return row, fmt.Errorf("%s: hypothesis %T is not a ReLU", col, h)
		}
		if row.Loss[col], _, err = w.Loss(relu.W); err != nil {
			return row, fmt.Errorf("%s: %w", col, err)
		}
	}
	row.CBound = C*math.Pow(row.Opt, 2.0/3) + eps
	tol1, tol2 := eps/8, eps/8
	row.InstBound = learners.ApproxBound(row.Opt, row.RStar, eps, func(eta float64) float64 {
		return math.Pi * (ApproxFitCHS*eta + eps/2)
	}) + 6*tol1*tol1 + 4*tol2
	return row, nil
}

// afHalfspace measures the two halfspace learners on a two-index halfspace
// whose labels are flipped on a region of probability eta: "tail" flips
// {u.x > 0, e.x > b} (far from the boundary: the average vector tilts by
// Theta(eta sqrt(log 1/eta))), "band" flips {0 < u.x <= a, e.x > b} with
// P[0 < u.x <= a] = 4 eta (near the boundary). The labels carry Gaussian
// noise of sd 0.01 only so that the exact oracle may threshold a two-index
// label; the view at t = 1/2 flips a label with probability Phi(-50).
func afHalfspace(u, e []float64, noise string, eta, eps float64) (HalfspaceFitRow, error) {
	q := func(p float64) float64 { return -math.Sqrt2 * math.Erfcinv(2*p) }
	a, b := math.Inf(1), q(1-2*eta)
	hyp := []world.Hyper{{A: []float64{1, 0}}}
	if noise == "band" {
		a, b = q(0.5+4*eta), q(0.75)
		hyp = append(hyp, world.Hyper{A: []float64{1, 0}, C: a})
	}
	hyp = append(hyp, world.Hyper{A: []float64{0, 1}, C: b})
	f := func(s []float64) float64 {
		l := 0.0
		if s[0] > 0 {
			l = 1
		}
		if s[0] > 0 && s[0] <= a && s[1] > b {
			l = 1 - l
		}
		return l
	}
	w, err := world.MultiIndex("halfspace-"+noise, [][]float64{u, e}, f, hyp, world.Noise{Kind: world.Gaussian, Param: 0.01}, 0, 1)
	if err != nil {
		return HalfspaceFitRow{}, err
	}
	d := len(u)
	tol := 1e-6
	row := HalfspaceFitRow{Noise: noise, Eta: eta, ChowMax: learners.ChowAngleBound(eta, d, tol) / math.Pi}
	for _, name := range learners.HalfspaceNames() {
		h, err := learners.NewHalfspace(name, tol, math.Min(eps, 0.01))
		if err != nil {
			return row, err
		}
		led := sq.NewLedger()
		s := &sq.Session{Setting: sq.Setting{D: d, LabelMin: -1, LabelMax: 1},
			Oracle: sq.ThresholdView(oracle.Chain(oracle.Exact(w), oracle.WithLedger(led)), 0.5), Ledger: led}
		dir, err := h.LearnHalfspace(s)
		if err != nil {
			return row, fmt.Errorf("halfspace %s, eta %g: %w", name, eta, err)
		}
		ang := gauss.Angle(dir, u) / math.Pi
		if name == "chow" {
			row.Chow, row.ChowQueries = ang, led.Summary().Queries
		} else {
			row.DKTZ, row.Queries = ang, led.Summary().Queries
		}
	}
	return row, nil
}

// LogLogFit returns the least-squares line y = intercept + slope x and its
// coefficient of determination R^2 (NaN for fewer than two points or
// constant x).
func LogLogFit(x, y []float64) (slope, intercept, r2 float64) {
	n := float64(len(x))
	if len(x) < 2 || len(y) != len(x) {
		return math.NaN(), math.NaN(), math.NaN()
	}
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx, my = mx/n, my/n
	var sxx, sxy, syy float64
	for i := range x {
		sxx += (x[i] - mx) * (x[i] - mx)
		sxy += (x[i] - mx) * (y[i] - my)
		syy += (y[i] - my) * (y[i] - my)
	}
	if sxx == 0 {
		return math.NaN(), math.NaN(), math.NaN()
	}
	slope = sxy / sxx
	intercept = my - slope*mx
	r2 = 1.0
	if syy > 0 {
		r2 = sxy * sxy / (sxx * syy)
	}
	return slope, intercept, r2
}

// afUnits returns two orthonormal directions of R^d drawn from the seed's
// world stream: the hidden direction u and the tilting direction e.
func afUnits(seed uint64, d int) (u, e []float64) {
	r := sq.Stream(seed, sq.KeyWorld)
	u, e = make([]float64, d), make([]float64, d)
	for i := range u {
		u[i], e[i] = r.NormFloat64(), r.NormFloat64()
	}
	nu := math.Sqrt(afDot(u, u))
	for i := range u {
		u[i] /= nu
	}
	p := afDot(u, e)
	for i := range e {
		e[i] -= p * u[i]
	}
	ne := math.Sqrt(afDot(e, e))
	for i := range e {
		e[i] /= ne
	}
	return u, e
}

func afDot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func afScale(v []float64, r float64) []float64 {
	out := make([]float64, len(v))
	for i := range v {
		out[i] = r * v[i]
	}
	return out
}

// afParallel runs fn(0..n-1) on up to workers goroutines.
func afParallel(n, workers int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for k := 0; k < min(workers, n); k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
