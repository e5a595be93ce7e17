package hardness

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// RandomQueries is the baseline "learner" of the lower-bound game: it asks
// Budget correlational queries E[y relu(u.x)] at random unit directions u
// and returns relu(r u*) for the direction u* with the largest answer, at
// its best norm r = 2 E[y relu(u*.x)] (clipped to [0, 1]). Kind "support"
// draws u = (random signs on a random k-subset)/sqrt(k), the directions the
// parity can see; kind "dense" draws u uniform on the sphere. The queries
// are non-adaptive (one round). It knows nothing about S and, against the
// adversary, learns nothing either.
type RandomQueries struct {
	K      int
	Budget int     // number of queries (default 100)
	Tol    float64 // tolerance of each query (default 1e-3)
	Kind   string  // "support" (default) or "dense"
}

// NewRandomQueries builds the learner from options: k, budget, tol, kind.
func NewRandomQueries(o learners.Options) (*RandomQueries, error) {
	if err := o.Check("random", "k", "budget", "tol", "kind"); err != nil {
		return nil, err
	}
	r := &RandomQueries{Kind: o.String("kind", "support")}
	var err error
	if r.K, err = o.Int("k", 2); err != nil {
		return nil, err
	}
	if r.Budget, err = o.Int("budget", 100); err != nil {
		return nil, err
	}
	if r.Tol, err = o.Float("tol", 1e-3); err != nil {
		return nil, err
	}
	switch {
	case r.K < 1:
		return nil, fmt.Errorf("%w: random: k = %d, want >= 1", learners.ErrOption, r.K)
	case r.Budget < 1:
		return nil, fmt.Errorf("%w: random: budget = %d, want >= 1", learners.ErrOption, r.Budget)
	case !(r.Tol > 0):
		return nil, fmt.Errorf("%w: random: tol = %v, want > 0", learners.ErrOption, r.Tol)
	case r.Kind != "support" && r.Kind != "dense":
		return nil, fmt.Errorf("%w: random: kind = %q, want support or dense", learners.ErrOption, r.Kind)
	}
	return r, nil
}

// Name returns "random".
func (r *RandomQueries) Name() string { return "random" }

// Learn asks the random queries and returns the best ReLU among them.
func (r *RandomQueries) Learn(s *sq.Session) (sq.Hypothesis, error) {
	d := s.Setting.D
	if r.K > d {
		return nil, fmt.Errorf("%w: random: k = %d exceeds d = %d", learners.ErrOption, r.K, d)
	}
	var best []float64
	bestAns := math.Inf(-1)
	err := s.Batch(func() error {
		for n := 0; n < r.Budget; n++ {
			u := make([]float64, d)
			if r.Kind == "dense" {
				nn := 0.0
				for i := range u {
					u[i] = s.Rand.NormFloat64()
					nn += u[i] * u[i]
				}
				for i := range u {
					u[i] /= math.Sqrt(nn)
				}
			} else {
				for _, i := range randomSupport(s.Rand, d, r.K) {
					u[i] = 1 / math.Sqrt(float64(r.K))
					if s.Rand.IntN(2) == 1 {
						u[i] = -u[i]
					}
				}
			}
			ans, err := s.Ask(sq.ReluCorr(u), r.Tol)
			if err != nil {
				return err
			}
			if ans > bestAns {
				best, bestAns = u, ans
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rr := math.Max(0, math.Min(1, 2*bestAns))
	for i := range best {
		best[i] *= rr
	}
	return sq.ReLU{W: best}, nil
}

// GameConfig configures one lower-bound game.
type GameConfig struct {
	D, K     int
	Eta, Tau float64 // Tau is the game's tolerance: a floor under every query (see PlayGame)
	Learner  string  // any registered learner, or random
	// Options are the learner's options, over the game's defaults (every
	// learner gets tol = Tau unless tol is given here; the floor holds
	// either way).
	Options    map[string]string
	Seed       uint64
	MaxQueries int // query budget (0: none); a learner that exceeds it gives up
	Adversary  AdversaryOptions
	// OnRecord, when set, is called with the adversary's record of every
	// query as soon as it is made (e.g. to stream it to a file); an error
	// stops the game and PlayGame returns it.
	OnRecord func(Record) error
	// DropRecords keeps no records in GameResult.Records, so that the
	// game's memory does not grow with the number of queries (use OnRecord
	// to see them).
	DropRecords bool
}

// GameResult is the outcome of a game.
type GameResult struct {
	D, K          int
	Eta, Tau      float64
	Learner       string
	Mode          string  // the adversary's accounting mode
	Supports      string  // C(d, k), exact decimal
	Identified    bool    // the output is (opt_S + Gap/2)-good for the truth the adversary picked
	GaveUp        bool    // the learner stopped with an error (budget, refusal)
	LearnerError  string  // the learner's error, if any
	Queries       int     // queries answered (a vector query counts once)
	ScalarQueries int     // queries answered, a vector query counting its dimension
	Survivors     Count   // supports consistent with every answer, at the end
	BoundQueries  float64 // (C(d,k) - M_k) tau^2/(1 - 2 eta)^2
	Verdict       Verdict // the truth picked and the loss on it
	Landscape     Landscape
	Records       []Record // the adversary's account of every query (nil with DropRecords)
	Forced        int      // answers forced away from the null value
	LearnerOpts   map[string]string
	// TolFloor is the game's tolerance floor (= Tau): every query was
	// answered at a tolerance >= TolFloor.
	TolFloor float64
	// MinAskedTol and MinEffectiveTol are the smallest tolerance the
	// learner asked for and the smallest the adversary answered at (0 when
	// no query reached the adversary); Raised counts the queries whose
	// tolerance the floor raised.
	MinAskedTol, MinEffectiveTol float64
	Raised                       int
}

// defaultOptions returns the learner options the game sets unless the
// caller overrides them: the tolerance of every query is tau (for every
// learner), and sparse and random search supports of size k.
func defaultOptions(name string, k int, tau float64) map[string]string {
	t := strconv.FormatFloat(tau, 'g', -1, 64)
	switch name {
	case "gd":
		return map[string]string{"tol": t, "init": "random", "steps": "100"}
	case "sparse":
		return map[string]string{"tol": t, "k": strconv.Itoa(k)}
	case "random":
		return map[string]string{"tol": t, "k": strconv.Itoa(k)}
	}
	return map[string]string{"tol": t}
}

// NewLearner builds a learner by name: "random" (RandomQueries, defined
// here) or any learner of the registry (learners.New).
func NewLearner(name string, opts map[string]string) (sq.Learner, error) {
	if name == "random" {
		return NewRandomQueries(learners.Options(opts))
	}
	return learners.New(name, learners.Options(opts))
}

// askedTol sits between the ledger and the tolerance floor: it tells the
// adversary the tolerance the learner asked for (the adversary sees only
// the effective one) and keeps the game's tolerance statistics.
type askedTol struct {
	inner         sq.Oracle
	adv           *Adversary
	minAsked      float64
	minEff        float64
	raised, count int
}

func (o *askedTol) Name() string { return o.inner.Name() }

func (o *askedTol) EffectiveTol(tau float64) float64 { return sq.EffectiveTol(o.inner, tau) }

func (o *askedTol) Answer(q *sq.Query, tau float64, ans []float64) error {
	eff := sq.EffectiveTol(o.inner, tau)
	o.adv.asked = tau
	err := o.inner.Answer(q, tau, ans)
	o.adv.asked = 0
	if err != nil {
		return err
	}
	if o.count == 0 || tau < o.minAsked {
		o.minAsked = tau
	}
	if o.count == 0 || eff < o.minEff {
		o.minEff = eff
	}
	o.count++
	if eff > tau {
		o.raised++
	}
	return nil
}

// PlayGame runs the lower-bound game: the learner plays against the
// adversary through a session whose oracle stack is
//
//	oracle.Chain(adversary, oracle.WithLedger(l), oracle.WithBudget(...), oracle.WithMinTol(Tau))
//
// (the budget only when MaxQueries > 0). In the SQ model the oracle owns
// the tolerance: the floor answers a query asked at tau < Tau as if asked
// at Tau, so the adversary may use all of Tau whatever the learner asks,
// and every learner gets tol = Tau by default as well. The ledger keeps no
// entries (sq.NewSummaryLedger); the adversary's records carry the asked
// and the effective tolerance of each query. When the learner returns its
// hypothesis the adversary picks the worst surviving truth
// (Adversary.Judge).
func PlayGame(cfg GameConfig) (*GameResult, error) {
	fam, err := NewFamily(cfg.D, cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	if !(cfg.Tau > 0) || math.IsInf(cfg.Tau, 0) {
		return nil, fmt.Errorf("%w: tolerance tau = %v, want a positive finite number", ErrFamily, cfg.Tau)
	}
	land, err := NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	bound, err := BoundQueries(cfg.D, cfg.K, cfg.Eta, cfg.Tau)
	if err != nil {
		return nil, err
	}
	opts := defaultOptions(cfg.Learner, cfg.K, cfg.Tau)
	for k, v := range cfg.Options {
		opts[k] = v
	}
	learner, err := NewLearner(cfg.Learner, opts)
	if err != nil {
		return nil, err
	}
	aopt := cfg.Adversary
	aopt.Seed = cfg.Seed
	var recErr error
	if cfg.OnRecord != nil {
		user := aopt.OnRecord
		aopt.OnRecord = func(r Record) error {
			if user != nil {
				if err := user(r); err != nil {
					return err
				}
			}
			if err := cfg.OnRecord(r); err != nil {
				recErr = err
				return err
			}
			return nil
		}
	}
	if cfg.DropRecords {
		aopt.DropRecords = true
	}
	adv, err := NewAdversary(fam, aopt)
	if err != nil {
		return nil, err
	}
	l := sq.NewSummaryLedger()
	tols := &askedTol{inner: oracle.WithMinTol(cfg.Tau)(adv), adv: adv}
	mws := []oracle.Middleware{oracle.WithLedger(l)}
	if cfg.MaxQueries > 0 {
		mws = append(mws, oracle.WithBudget(sq.Budget{MaxQueries: cfg.MaxQueries}))
	}
	s := &sq.Session{Setting: fam.Null().Setting(), Oracle: oracle.Chain(tols, mws...), Ledger: l,
		Rand: sq.Stream(cfg.Seed, sq.KeyLearner)}
	res := &GameResult{D: cfg.D, K: cfg.K, Eta: cfg.Eta, Tau: cfg.Tau, Learner: cfg.Learner, Mode: adv.Mode().String(),
		Supports: Binomial(cfg.D, cfg.K).String(), BoundQueries: bound, Landscape: land, LearnerOpts: opts,
		TolFloor: cfg.Tau}
	h, lerr := learner.Learn(s)
	sum := l.Summary()
	res.Queries, res.ScalarQueries = sum.Queries, sum.Scalar
	res.Survivors = adv.Survivors()
	res.Records = adv.Records()
	res.Forced = adv.Forced()
	res.MinAskedTol, res.MinEffectiveTol, res.Raised = tols.minAsked, tols.minEff, tols.raised
	if recErr != nil {
		return res, recErr
	}
	if lerr != nil {
		if errors.Is(lerr, ErrAdversary) {
			return res, lerr
		}
		res.GaveUp, res.LearnerError = true, lerr.Error()
		res.Verdict = Verdict{OptS: land.OptS, Eps: land.Eps, Loss: math.NaN(), Note: "the learner gave up: " + lerr.Error()}
		return res, nil
	}
	v, err := adv.Judge(h)
	if err != nil {
		return res, err
	}
	res.Verdict = v
	res.Identified = v.Identified
	return res, nil
}
