package bench

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// lpnWorld is D^(j) of theory §4.5 step 3: LPN samples (b, l) embedded in
// Gaussian space with coordinate j re-randomized: x_i = b_i |g_i| for i != j,
// x_j = g_j fresh, y = (1 + l)/2. It equals D_0 when j is in S (b_j is then
// a fresh coin hidden from x, so the label is independent of x) and D_S
// otherwise; Expect uses that, Sample draws from the LPN route itself.
type lpnWorld struct {
	fam   *hardness.Family
	S     []int
	j     int
	inS   bool
	exact *hardness.World
}

func newLPNWorld(fam *hardness.Family, S []int, j int) (*lpnWorld, error) {
	w := &lpnWorld{fam: fam, S: S, j: j, inS: slices.Contains(S, j)}
	if w.inS {
		w.exact = fam.Null()
		return w, nil
	}
	var err error
	w.exact, err = fam.Planted(S)
	return w, err
}

func (w *lpnWorld) Setting() sq.Setting { return w.exact.Setting() }

func (w *lpnWorld) Expect(q *sq.Query, out []float64) (float64, error) { return w.exact.Expect(q, out) }

// Sample draws LPN samples: b uniform on {-1, 1}^d, l = chi_S(b) flipped
// with probability eta, g ~ N(0, I_d), x_i = b_i |g_i| (i != j), x_j = g_j.
func (w *lpnWorld) Sample(r *rand.Rand, x, y []float64) {
	d := w.fam.D()
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
		if r.Float64() < w.fam.Eta() {
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
	fam, err := hardness.NewFamily(cfg.D, cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	land, err := hardness.NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	if cfg.Oracle == "" {
		cfg.Oracle = "sample"
	}
	if cfg.Oracle != "sample" && cfg.Oracle != "exact" {
		return nil, fmt.Errorf("%w: oracle %q, want sample or exact", hardness.ErrFamily, cfg.Oracle)
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
	S, err := fam.RandomSupport(sq.Stream(cfg.Seed, sq.KeyWorld))
	if err != nil {
		return nil, err
	}
	res := &LPNResult{Support: S, Threshold: land.Opt0 - land.Gap/2, Tau: cfg.Tau, Samples: cfg.LossSamples}
	for j := 0; j < cfg.D; j++ {
		w, err := newLPNWorld(fam, S, j)
		if err != nil {
			return nil, err
		}
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
		learner, err := learners.New(cfg.Learner, learners.Options(GameOptions(cfg.Learner, cfg.K, cfg.Tau)))
		if err != nil {
			return nil, err
		}
		var examples int64
		counting := &countOracle{inner: o, n: &examples}
		sess := sq.NewSession(w.Setting(), counting, l, sq.Stream(cfg.Seed, sq.KeyLearner, uint64(j)))
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
