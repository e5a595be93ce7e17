package bench

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/sqsim/sqsim/hardness"
)

// The experiments of the hardness issue (curve, escape, lpn): they take
// seconds to minutes and are run by `sqsim hardness curve|escape|lpn`, not
// by the tests.

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
			return nil, nil, fmt.Errorf("%w: no dimensions given for k = %d", hardness.ErrFamily, k)
		}
		land, err := hardness.NewLandscape(k, cfg.Eta)
		if err != nil {
			return nil, nil, err
		}
		tau := cfg.TauFrac * land.A * land.Kappa
		var xs, ys, cs, xc []float64
		for _, d := range ds {
			start := time.Now()
			r, err := PlayNamed(GameConfig{D: d, K: k, Eta: cfg.Eta, Tau: tau, Learner: cfg.Learner, Seed: cfg.Seed,
				Adversary: hardness.AdversaryOptions{Mode: hardness.ModeStructured}, DropRecords: true})
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
				c, _ := new(big.Float).SetInt(hardness.Binomial(d, k)).Float64()
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
