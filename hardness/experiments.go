package hardness

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"time"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// The experiments of the hardness issue: they take seconds to minutes and
// are run by `sqsim hardness curve|escape|lpn`, not by the tests.

// FitSlope returns the least-squares slope and intercept of ln y against
// ln x (points with x, y <= 0 are skipped), and the number of points used.
func FitSlope(x, y []float64) (slope, intercept float64, n int) {
	var sx, sy, sxx, sxy float64
	for i := range x {
		if !(x[i] > 0 && y[i] > 0) {
			continue
		}
		lx, ly := math.Log(x[i]), math.Log(y[i])
		sx += lx
		sy += ly
		sxx += lx * lx
		sxy += lx * ly
		n++
	}
	if n < 2 {
		return math.NaN(), math.NaN(), n
	}
	fn := float64(n)
	den := fn*sxx - sx*sx
	if den == 0 {
		return math.NaN(), math.NaN(), n
	}
	slope = (fn*sxy - sx*sy) / den
	return slope, (sy - slope*sx) / fn, n
}

// CurveConfig configures the queries-to-success experiment.
type CurveConfig struct {
	Ks      []int         // support sizes (default 2, 4, 6)
	Ds      map[int][]int // dimensions per k (defaults below)
	Eta     float64
	TauFrac float64 // tau = TauFrac * a * kappa_k (default 1/4: sparse detects S exactly)
	Learner string  // default "sparse"
	Seed    uint64
	// Progress, if set, is called after each game.
	Progress func(CurvePoint)
}

// DefaultCurveDs are the dimensions used for each k when none are given:
// C(d, k) stays below about 6.4e5 supports (support search needs
// C(d, k) + 1 queries; about 1 minute for the whole curve).
var DefaultCurveDs = map[int][]int{
	2: {8, 16, 32, 64, 128, 256, 512, 1024},
	4: {8, 12, 16, 24, 32, 48, 64},
	6: {8, 10, 12, 16, 20, 24, 28},
}

// CurvePoint is one game of the curve.
type CurvePoint struct {
	K            int     `json:"k"`
	D            int     `json:"d"`
	Tau          float64 `json:"tau"`
	Supports     string  `json:"supports"`
	Queries      int     `json:"queries"`
	Identified   bool    `json:"identified"`
	BoundQueries float64 `json:"bound_queries"`
	Survivors    string  `json:"survivors"`
	Kind         string  `json:"survivors_kind"`
	Seconds      float64 `json:"seconds"`
}

// CurveFit is the fitted growth of the queries with d for one k.
type CurveFit struct {
	K int `json:"k"`
	// Exponent is the least-squares slope of ln(queries) against ln(d);
	// SupportsExponent the same for C(d, k) over the same d (what exhaustive
	// search must pay; it tends to k but exceeds it at small d, since the
	// local slope of C(d, k) is sum_{i<k} d/(d-i)); VsSupports the slope of
	// ln(queries) against ln C(d, k).
	Exponent         float64 `json:"exponent"`
	SupportsExponent float64 `json:"supports_exponent"`
	// CenteredExponent is the slope of ln(queries) against ln(d - (k-1)/2):
	// C(d, k) = (d - (k-1)/2)^k/k! (1 + O(k^3/d^2)), so this removes the
	// finite-d curvature of C(d, k) and is close to k already at small d.
	CenteredExponent float64 `json:"centered_exponent"`
	VsSupports       float64 `json:"vs_supports"`
	Points           int     `json:"points"`
	DMin             int     `json:"d_min"`
	DMax             int     `json:"d_max"`
}

// Curve plays the game for every (k, d) and fits the exponents.
func Curve(cfg CurveConfig) ([]CurvePoint, []CurveFit, error) {
	if len(cfg.Ks) == 0 {
		cfg.Ks = []int{2, 4, 6}
	}
	if cfg.TauFrac == 0 {
		cfg.TauFrac = 0.25
	}
	if cfg.Learner == "" {
		cfg.Learner = "sparse"
	}
	var pts []CurvePoint
	var fits []CurveFit
	for _, k := range cfg.Ks {
		ds := cfg.Ds[k]
		if len(ds) == 0 {
			ds = DefaultCurveDs[k]
		}
		if len(ds) == 0 {
			return nil, nil, fmt.Errorf("%w: no dimensions given for k = %d", ErrFamily, k)
		}
		land, err := NewLandscape(k, cfg.Eta)
		if err != nil {
			return nil, nil, err
		}
		tau := cfg.TauFrac * land.A * land.Kappa
		var xs, ys, cs, xc []float64
		for _, d := range ds {
			start := time.Now()
			r, err := PlayGame(GameConfig{D: d, K: k, Eta: cfg.Eta, Tau: tau, Learner: cfg.Learner, Seed: cfg.Seed,
				Adversary: AdversaryOptions{Mode: ModeStructured}, DropRecords: true})
			if err != nil {
				return nil, nil, fmt.Errorf("curve k = %d, d = %d: %w", k, d, err)
			}
			p := CurvePoint{K: k, D: d, Tau: tau, Supports: r.Supports, Queries: r.Queries, Identified: r.Identified,
				BoundQueries: r.BoundQueries, Survivors: r.Survivors.Lower.String(), Kind: r.Survivors.Kind(),
				Seconds: time.Since(start).Seconds()}
			pts = append(pts, p)
			if cfg.Progress != nil {
				cfg.Progress(p)
			}
			if r.Identified {
				xs = append(xs, float64(d))
				xc = append(xc, float64(d)-float64(k-1)/2)
				ys = append(ys, float64(r.Queries))
				c, _ := new(big.Float).SetInt(Binomial(d, k)).Float64()
				cs = append(cs, c)
			}
		}
		f := CurveFit{K: k, DMin: slices.Min(ds), DMax: slices.Max(ds)}
		f.Exponent, _, f.Points = FitSlope(xs, ys)
		f.SupportsExponent, _, _ = FitSlope(xs, cs)
		f.VsSupports, _, _ = FitSlope(cs, ys)
		f.CenteredExponent, _, _ = FitSlope(xc, ys)
		fits = append(fits, f)
	}
	return pts, fits, nil
}

// EscapeConfig configures the escape-time experiment: gradient descent on
// D_S with the exact oracle (no adversary), from a random start.
type EscapeConfig struct {
	K        int
	Ds       []int
	Seeds    int // runs per dimension (default 5)
	Eta      float64
	MaxSteps int     // give up after this many steps (default 20000)
	Step     float64 // step size (default 1)
	Norm0    float64 // norm of the random start (default 0.1)
	// Progress, if set, is called after each run.
	Progress func(EscapeRun)
}

// EscapeRun is one gradient-descent run.
type EscapeRun struct {
	D       int     `json:"d"`
	Seed    uint64  `json:"seed"`
	Steps   int     `json:"steps"`   // first step at which L_S(w) <= opt_S + Gap/2 (MaxSteps if never)
	Escaped bool    `json:"escaped"` // whether that happened within MaxSteps
	Loss    float64 `json:"loss"`    // loss at the end of the run
	// Trajectory is L_S(w_t) at steps 1, 2, 4, 8, ... and the last step.
	Trajectory [][2]float64 `json:"trajectory"`
}

// EscapeResult holds the runs and the fit of the median escape time.
type EscapeResult struct {
	K         int          `json:"k"`
	Runs      []EscapeRun  `json:"runs"`
	Medians   [][2]float64 `json:"medians"`   // (d, median steps over all runs; a run that never escaped counts as infinite)
	Censored  []int        `json:"censored"`  // dimensions whose median run did not escape within MaxSteps
	Exponent  float64      `json:"exponent"`  // slope of ln(median steps) against ln(d)
	Heuristic float64      `json:"heuristic"` // (k-2)/2, theory §5.4
	OptS      float64      `json:"optS"`
	Opt0      float64      `json:"opt0"`
	Eps       float64      `json:"eps"`
}

var errStop = errors.New("hardness: run stopped")

// stopOracle refuses every query once stop is set.
type stopOracle struct {
	inner sq.Oracle
	stop  *bool
}

func (o *stopOracle) Name() string { return o.inner.Name() }
func (o *stopOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if *o.stop {
		return errStop
	}
	return o.inner.Answer(q, tau, ans)
}

// Escape runs population gradient descent (the gd learner through the exact
// oracle of D_S, tolerance 1e-12) from random starts and records the first
// step at which its ReLU is (opt_S + Gap/2)-good.
func Escape(cfg EscapeConfig) (*EscapeResult, error) {
	if cfg.Seeds == 0 {
		cfg.Seeds = 5
	}
	if cfg.MaxSteps == 0 {
		cfg.MaxSteps = 20000
	}
	if cfg.Step == 0 {
		cfg.Step = 1
	}
	if cfg.Norm0 == 0 {
		cfg.Norm0 = 0.1
	}
	land, err := NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	res := &EscapeResult{K: cfg.K, Heuristic: float64(cfg.K-2) / 2, OptS: land.OptS, Opt0: land.Opt0, Eps: land.Eps}
	var xs, ys []float64
	for _, d := range cfg.Ds {
		fam, err := NewFamily(d, cfg.K, cfg.Eta)
		if err != nil {
			return nil, err
		}
		var steps []float64
		for s := 0; s < cfg.Seeds; s++ {
			seed := uint64(s + 1)
			S := randomSupport(sq.Stream(seed, sq.KeyWorld, uint64(d)), d, cfg.K)
			world, _ := fam.Planted(S)
			run := EscapeRun{D: d, Seed: seed, Steps: cfg.MaxSteps}
			stop := false
			next := 1
			gd := &learners.GD{Step: cfg.Step, Steps: cfg.MaxSteps, Init: "random", Norm0: cfg.Norm0, Tol: 1e-12}
			var lossErr error
			gd.OnStep = func(t int, w []float64) {
				l, _, err := world.Loss(w)
				if err != nil {
					lossErr = err
					stop = true
					return
				}
				run.Loss = l
				if t == next {
					run.Trajectory = append(run.Trajectory, [2]float64{float64(t), l})
					next *= 2
				}
				if !run.Escaped && l <= land.OptS+land.Eps {
					run.Escaped, run.Steps = true, t
					run.Trajectory = append(run.Trajectory, [2]float64{float64(t), l})
					stop = true
				}
			}
			sess := &sq.Session{Setting: world.Setting(), Oracle: &stopOracle{inner: oracle.Exact(world), stop: &stop},
				Rand: sq.Stream(seed, sq.KeyLearner, uint64(d))}
			if _, err := gd.Learn(sess); err != nil && !errors.Is(err, errStop) {
				return nil, err
			}
			if lossErr != nil {
				return nil, lossErr
			}
			res.Runs = append(res.Runs, run)
			if cfg.Progress != nil {
				cfg.Progress(run)
			}
			// A run that did not escape counts as +Inf (its escape time is
			// only known to exceed MaxSteps).
			st := float64(run.Steps)
			if !run.Escaped {
				st = math.Inf(1)
			}
			steps = append(steps, st)
		}
		sort.Float64s(steps)
		med := steps[len(steps)/2]
		if len(steps)%2 == 0 {
			med = (steps[len(steps)/2-1] + steps[len(steps)/2]) / 2
		}
		if math.IsInf(med, 1) {
			res.Censored = append(res.Censored, d)
			continue
		}
		res.Medians = append(res.Medians, [2]float64{float64(d), med})
		xs = append(xs, float64(d))
		ys = append(ys, med)
	}
	res.Exponent, _, _ = FitSlope(xs, ys)
	return res, nil
}

// lpnWorld is D^(j) of theory §4.5 step 3: LPN samples (b, l) embedded in
// Gaussian space with coordinate j re-randomized: x_i = b_i |g_i| for i != j,
// x_j = g_j fresh, y = (1 + l)/2. It equals D_0 when j is in S (b_j is then
// a fresh coin hidden from x, so the label is independent of x) and D_S
// otherwise; Expect uses that, Sample draws from the LPN route itself.
type lpnWorld struct {
	fam   *Family
	S     []int
	j     int
	inS   bool
	exact *World
}

func newLPNWorld(fam *Family, S []int, j int) *lpnWorld {
	w := &lpnWorld{fam: fam, S: S, j: j, inS: slices.Contains(S, j)}
	if w.inS {
		w.exact = fam.Null()
	} else {
		w.exact, _ = fam.Planted(S)
	}
	return w
}

func (w *lpnWorld) Setting() sq.Setting { return w.exact.Setting() }

func (w *lpnWorld) Expect(q *sq.Query, out []float64) (float64, error) { return w.exact.Expect(q, out) }

// Sample draws LPN samples: b uniform on {-1, 1}^d, l = chi_S(b) flipped
// with probability eta, g ~ N(0, I_d), x_i = b_i |g_i| (i != j), x_j = g_j.
func (w *lpnWorld) Sample(r *rand.Rand, x, y []float64) {
	d := w.fam.d
	for n := range y {
		row := x[n*d : (n+1)*d]
		chi := 1.0
		for i := range row {
			b := 1.0
			if r.IntN(2) == 1 {
				b = -1
			}
			g := r.NormFloat64()
			if i == w.j {
				row[i] = g
			} else {
				row[i] = b * math.Abs(g)
			}
			if slices.Contains(w.S, i) {
				chi *= b
			}
		}
		if r.Float64() < w.fam.eta {
			chi = -chi
		}
		y[n] = (1 + chi) / 2
	}
}

// LPNConfig configures the reduction of theory §4.5 step 3.
type LPNConfig struct {
	D, K   int
	Eta    float64
	Seed   uint64
	Oracle string  // "sample" (default: the learner's queries are answered from LPN samples) or "exact"
	Tau    float64 // the learner's tolerance (default a kappa_k/4)
	// LossSamples is the number of fresh LPN samples used to estimate each
	// loss (default ceil((16/Gap)^2); 0 with Oracle "exact" uses the exact loss).
	LossSamples int
	Learner     string // default "sparse"
}

// LPNCoord is the reduction's step for one coordinate.
type LPNCoord struct {
	J        int     `json:"j"`
	InS      bool    `json:"in_S"`     // the truth (for the report; the reduction does not see it)
	LossHat  float64 `json:"loss_hat"` // the estimated loss of the learner's ReLU on D^(j)
	Put      bool    `json:"put"`      // j put in S: loss_hat > opt_0 - Gap/2
	Queries  int     `json:"queries"`
	Examples int64   `json:"examples"` // examples drawn by the sample oracle
}

// LPNResult is the outcome of the reduction.
type LPNResult struct {
	Support   []int      `json:"support"`
	Recovered []int      `json:"recovered"`
	Correct   bool       `json:"correct"`
	Threshold float64    `json:"threshold"` // opt_0 - Gap/2
	Coords    []LPNCoord `json:"coords"`
	Tau       float64    `json:"tau"`
	Samples   int        `json:"loss_samples"`
}

// LPN runs the reduction: for each coordinate j it runs the agnostic learner
// on D^(j), estimates the loss of its ReLU on fresh LPN samples of D^(j),
// and puts j in S iff the loss exceeds opt_0 - Gap/2.
func LPN(cfg LPNConfig) (*LPNResult, error) {
	fam, err := NewFamily(cfg.D, cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	land, err := NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	if cfg.Oracle == "" {
		cfg.Oracle = "sample"
	}
	if cfg.Oracle != "sample" && cfg.Oracle != "exact" {
		return nil, fmt.Errorf("%w: oracle %q, want sample or exact", ErrFamily, cfg.Oracle)
	}
	if cfg.Tau == 0 {
		cfg.Tau = land.A * land.Kappa / 4
	}
	if cfg.Learner == "" {
		cfg.Learner = "sparse"
	}
	if cfg.LossSamples == 0 && cfg.Oracle == "sample" {
		cfg.LossSamples = int(math.Ceil(math.Pow(16/land.Gap, 2)))
	}
	S := randomSupport(sq.Stream(cfg.Seed, sq.KeyWorld), cfg.D, cfg.K)
	res := &LPNResult{Support: S, Threshold: land.Opt0 - land.Gap/2, Tau: cfg.Tau, Samples: cfg.LossSamples}
	for j := 0; j < cfg.D; j++ {
		w := newLPNWorld(fam, S, j)
		var o sq.Oracle
		var so *oracle.SampleOracle
		if cfg.Oracle == "sample" {
			so, err = oracle.Sample(w, oracle.SampleOptions{Delta: 0.01 / float64(cfg.D), Seed: cfg.Seed + uint64(j)*7919})
			if err != nil {
				return nil, err
			}
			o = so
		} else {
			o = oracle.Exact(w)
		}
		l := sq.NewLedger()
		opts := defaultOptions(cfg.Learner, cfg.K, cfg.Tau)
		learner, err := NewLearner(cfg.Learner, opts)
		if err != nil {
			return nil, err
		}
		var examples int64
		counting := &countOracle{inner: o, n: &examples}
		sess := &sq.Session{Setting: w.Setting(), Oracle: oracle.Chain(counting, oracle.WithLedger(l)), Ledger: l,
			Rand: sq.Stream(cfg.Seed, sq.KeyLearner, uint64(j))}
		h, err := learner.Learn(sess)
		if err != nil {
			return nil, fmt.Errorf("lpn: coordinate %d: %w", j, err)
		}
		c := LPNCoord{J: j, InS: w.inS, Queries: l.Summary().Queries, Examples: examples}
		relu, _ := h.(sq.ReLU)
		if cfg.LossSamples == 0 {
			c.LossHat, _, err = w.exact.Loss(relu.W)
			if err != nil {
				return nil, err
			}
		} else {
			c.LossHat = sampleLoss(w, relu.W, cfg.LossSamples, sq.Stream(cfg.Seed, sq.KeyPool, uint64(j)))
		}
		c.Put = c.LossHat > res.Threshold
		if c.Put {
			res.Recovered = append(res.Recovered, j)
		}
		res.Coords = append(res.Coords, c)
	}
	res.Correct = slices.Equal(res.Recovered, S)
	return res, nil
}

// countOracle adds up the examples a sampling oracle reports.
type countOracle struct {
	inner sq.Oracle
	n     *int64
}

func (o *countOracle) Name() string { return o.inner.Name() }
func (o *countOracle) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	if r, ok := o.inner.(sq.SampleReporter); ok {
		n, _ := r.LastSamples()
		*o.n += n
	}
	return nil
}

// sampleLoss estimates E[(relu(w.x) - y)^2] from n fresh examples.
func sampleLoss(w sq.World, v []float64, n int, r *rand.Rand) float64 {
	d := w.Setting().D
	const chunk = 4096
	x := make([]float64, chunk*d)
	y := make([]float64, chunk)
	sum := 0.0
	for done := 0; done < n; done += chunk {
		m := min(chunk, n-done)
		w.Sample(r, x[:m*d], y[:m])
		for i := 0; i < m; i++ {
			s := 0.0
			for j, vj := range v {
				s += vj * x[i*d+j]
			}
			e := math.Max(s, 0) - y[i]
			sum += e * e
		}
	}
	return sum / float64(n)
}
