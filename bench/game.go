package bench

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// GameConfig configures one lower-bound game (hardness.Adversary against a
// learner).
type GameConfig struct {
	D, K     int
	Eta, Tau float64 // Tau is the game's tolerance: a floor under every query (see PlayGame)
	// Learner names the learner: with PlayNamed, the registered learner it
	// builds; with PlayGame, the name the result carries (default the
	// learner's Name()).
	Learner string
	// Options are the options of a named learner (PlayNamed), over the
	// game's defaults (every learner gets tol = Tau unless tol is given
	// here; the floor holds either way). PlayGame ignores them.
	Options    map[string]string
	Seed       uint64
	MaxQueries int // query budget (0: none); a learner that exceeds it gives up
	Adversary  hardness.AdversaryOptions
	// OnRecord, when set, is called with the adversary's record of every
	// query as soon as it is made (e.g. to stream it to a file); an error
	// stops the game and PlayGame returns it.
	OnRecord func(hardness.Record) error
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
	Mode          string             // the adversary's accounting mode
	Supports      string             // C(d, k), exact decimal
	Identified    bool               // the output is (opt_S + Gap/2)-good for the truth the adversary picked
	GaveUp        bool               // the learner stopped with an error (budget, refusal)
	LearnerError  string             // the learner's error, if any
	Queries       int                // queries answered (a vector query counts once)
	ScalarQueries int                // queries answered, a vector query counting its dimension
	Survivors     hardness.Count     // supports consistent with every answer, at the end
	BoundQueries  float64            // (C(d,k) - M_k) tau^2/(1 - 2 eta)^2
	Verdict       hardness.Verdict   // the truth picked and the loss on it
	Landscape     hardness.Landscape // the exact quantities of the family (opt_0, opt_S, Gap, ...)
	Records       []hardness.Record  // the adversary's account of every query (nil with DropRecords)
	Forced        int                // answers forced away from the null value
	LearnerOpts   map[string]string  // the options a named learner was built with (nil with PlayGame)
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

// GameOptions returns the options a game gives the registered learner name
// unless the caller overrides them: the tolerance of every query is tau
// (for every learner), gd starts at random for 100 steps, and sparse and
// random search supports of size k.
func GameOptions(name string, k int, tau float64) map[string]string {
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

// PlayNamed plays the game with the registered learner cfg.Learner, built
// with GameOptions overridden by cfg.Options (see PlayGame).
func PlayNamed(cfg GameConfig) (*GameResult, error) {
	opts := GameOptions(cfg.Learner, cfg.K, cfg.Tau)
	for k, v := range cfg.Options {
		opts[k] = v
	}
	return playGame(cfg, func() (sq.Learner, error) { return learners.New(cfg.Learner, learners.Options(opts)) }, opts)
}

// PlayGame runs the lower-bound game: the learner l (any sq.Learner, e.g.
// a user's own) plays against the adversary through a session whose
// oracle stack is
//
//	ledger(tolwatch(floor(adversary))), then the budget when MaxQueries > 0
//
// In the SQ model the oracle owns the tolerance: the floor answers a query
// asked at tau < Tau as if asked at Tau, so the adversary may use all of
// Tau whatever the learner asks (PlayNamed gives every learner tol = Tau by
// default as well). The ledger keeps no entries (sq.NewSummaryLedger); the
// adversary's records carry the asked and the effective tolerance of each
// query. When the learner returns its hypothesis the adversary picks the
// worst surviving truth (hardness.Adversary.Judge).
func PlayGame(l sq.Learner, cfg GameConfig) (*GameResult, error) {
	if l == nil {
		return nil, fmt.Errorf("%w: PlayGame with a nil learner", ErrConfig)
	}
	if cfg.Learner == "" {
		cfg.Learner = l.Name()
	}
	return playGame(cfg, func() (sq.Learner, error) { return l, nil }, nil)
}

// playGame checks the game, builds the learner (after the checks, so that
// a bad game is reported before a bad learner) and plays.
func playGame(cfg GameConfig, build func() (sq.Learner, error), opts map[string]string) (*GameResult, error) {
	fam, err := hardness.NewFamily(cfg.D, cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	if !(cfg.Tau > 0) || math.IsInf(cfg.Tau, 0) {
		return nil, fmt.Errorf("%w: tolerance tau = %v, want a positive finite number", hardness.ErrFamily, cfg.Tau)
	}
	land, err := hardness.NewLandscape(cfg.K, cfg.Eta)
	if err != nil {
		return nil, err
	}
	bound, err := hardness.BoundQueries(cfg.D, cfg.K, cfg.Eta, cfg.Tau)
	if err != nil {
		return nil, err
	}
	learner, err := build()
	if err != nil {
		return nil, err
	}
	adv, recErr, err := newGameAdversary(fam, cfg)
	if err != nil {
		return nil, err
	}
	l := sq.NewSummaryLedger()
	tols := adv.WatchTol(oracle.WithMinTol(cfg.Tau)(adv))
	var o sq.Oracle = tols
	if cfg.MaxQueries > 0 {
		o = oracle.WithBudget(sq.Budget{MaxQueries: cfg.MaxQueries})(o)
	}
	s := sq.NewSession(fam.Null().Setting(), o, l, sq.Stream(cfg.Seed, sq.KeyLearner))
	res := &GameResult{D: cfg.D, K: cfg.K, Eta: cfg.Eta, Tau: cfg.Tau, Learner: cfg.Learner, Mode: adv.Mode().String(),
		Supports: hardness.Binomial(cfg.D, cfg.K).String(), BoundQueries: bound, Landscape: land, LearnerOpts: opts,
		TolFloor: cfg.Tau}
	h, lerr := learner.Learn(s)
	sum := l.Summary()
	res.Queries, res.ScalarQueries = sum.Queries, sum.Scalar
	res.Survivors = adv.Survivors()
	res.Records = adv.Records()
	res.Forced = adv.Forced()
	res.MinAskedTol, res.MinEffectiveTol, res.Raised = tols.Stats()
	if *recErr != nil {
		return res, *recErr
	}
	if lerr != nil {
		if errors.Is(lerr, hardness.ErrAdversary) {
			return res, lerr
		}
		res.GaveUp, res.LearnerError = true, lerr.Error()
		res.Verdict = hardness.Verdict{OptS: land.OptS, Eps: land.Eps, Loss: math.NaN(), Note: "the learner gave up: " + lerr.Error()}
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

// newGameAdversary builds the game's adversary, seeded by the game, with
// cfg.OnRecord after the adversary's own hook; *recErr is the first error
// cfg.OnRecord returned.
func newGameAdversary(fam *hardness.Family, cfg GameConfig) (*hardness.Adversary, *error, error) {
	aopt := cfg.Adversary
	aopt.Seed = cfg.Seed
	recErr := new(error)
	if cfg.OnRecord != nil {
		user := aopt.OnRecord
		aopt.OnRecord = func(r hardness.Record) error {
			if user != nil {
				if err := user(r); err != nil {
					return err
				}
			}
			if err := cfg.OnRecord(r); err != nil {
				*recErr = err
				return err
			}
			return nil
		}
	}
	if cfg.DropRecords {
		aopt.DropRecords = true
	}
	adv, err := hardness.NewAdversary(fam, aopt)
	return adv, recErr, err
}
