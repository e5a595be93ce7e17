// Package lab is the browser lab's computing side: pure-Go functions that
// the WebAssembly entry point (web/wasm) exposes to the page and that the
// tests call directly. Each builds on the API the CLI uses (bench.PlayNamed,
// bench.NewInstance, the learners registry), so every number equals what the
// CLI prints for the same parameters and seed.
package lab

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
)

// ErrLab is the sentinel of invalid lab parameters; test with errors.Is.
var ErrLab = errors.New("lab")

func labErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrLab, fmt.Sprintf(format, args...))
}

// Limits of the lab: sizes the page computes in seconds.
const (
	MaxGameD       = 40
	MaxGameK       = 8
	MaxGameQueries = 200000
	MaxRecords     = 4000 // records kept for the page (the first ones; the count is exact)
	MaxD           = 200
	MaxSteps       = 2000
	MaxGrid        = 401
)

// Learners lists every learner the game accepts: the registered ones
// (random, the blind guesser, among them), sorted.
func Learners() []string { return learners.Names() }

// GameParams are the parameters of the lower-bound game, as the flags of
// sqsim hardness game (--d, --k, --eta, --tau, --learner, --seed,
// --max-queries, --set).
type GameParams struct {
	D          int               `json:"d"`
	K          int               `json:"k"`
	Eta        float64           `json:"eta"`
	Tau        float64           `json:"tau"`
	Learner    string            `json:"learner"`
	Seed       uint64            `json:"seed"`
	MaxQueries int               `json:"max_queries"`
	Options    map[string]string `json:"options"`
}

// QueryRecord is one query of the game as the page shows it.
type QueryRecord struct {
	Seq            int     `json:"seq"`
	Query          string  `json:"query"`
	Dim            int     `json:"dim"`
	Method         string  `json:"method"`
	Forced         bool    `json:"forced"`
	AskedTol       float64 `json:"asked_tol"`
	EffectiveTol   float64 `json:"effective_tol"`
	Eliminated     string  `json:"eliminated"`
	EliminatedKind string  `json:"eliminated_kind"`
	Survivors      string  `json:"survivors"`
	SurvivorsKind  string  `json:"survivors_kind"`
	SurvivorsUpper string  `json:"survivors_upper"`
	Lemma          float64 `json:"lemma_bound"`
	// Answer is the adversary's answer, Truth the expectation under the
	// planted world D_S of the support S the adversary picked at the end,
	// and Deviation their distance in the query's norm (<= EffectiveTol).
	// They are absent when the game could not be replayed exactly.
	Answer    []float64 `json:"answer,omitempty"`
	Truth     []float64 `json:"truth,omitempty"`
	Deviation float64   `json:"deviation"`
}

// GameResult is the outcome of a game: the records and the verdict, with
// the keys of sqsim hardness game --json.
type GameResult struct {
	Params         GameParams    `json:"params"`
	Identified     bool          `json:"identified"`
	Queries        int           `json:"queries"`
	ScalarQueries  int           `json:"scalar_queries"`
	Survivors      string        `json:"survivors"`
	SurvivorsKind  string        `json:"survivors_kind"`
	SurvivorsUpper string        `json:"survivors_upper"`
	Supports       string        `json:"supports"`
	BoundQueries   float64       `json:"bound_queries"`
	Loss           float64       `json:"loss"`
	OptS           float64       `json:"optS"`
	Opt0           float64       `json:"opt0"`
	Gap            float64       `json:"gap"`
	Eps            float64       `json:"eps"`
	Support        []int         `json:"support"`
	GoodFor        int           `json:"good_for"`
	Examined       int           `json:"examined"`
	Exhaustive     bool          `json:"exhaustive"`
	GaveUp         bool          `json:"gave_up"`
	LearnerError   string        `json:"learner_error"`
	Forced         int           `json:"forced"`
	Mode           string        `json:"mode"`
	Learner        string        `json:"learner"`
	Note           string        `json:"note"`
	TolFloor       float64       `json:"tol_floor"`
	EffectiveTol   float64       `json:"effective_tol"`
	Records        []QueryRecord `json:"records"`
	RecordsKept    int           `json:"records_kept"`
	// Answers tells whether the records carry the answers and the planted
	// world's values (see attachAnswers).
	Answers bool `json:"answers"`
}

// PlayGame plays the lower-bound game with bench.PlayNamed, as sqsim
// hardness game does (survivor accounting auto).
func PlayGame(p GameParams) (*GameResult, error) {
	if p.D < 1 || p.D > MaxGameD {
		return nil, labErr("d = %d, want 1 <= d <= %d in the lab", p.D, MaxGameD)
	}
	if p.K < 1 || p.K > MaxGameK || p.K > p.D {
		return nil, labErr("k = %d, want 1 <= k <= min(d, %d)", p.K, MaxGameK)
	}
	if math.IsNaN(p.Eta) || p.Eta < 0 || p.Eta >= 0.5 {
		return nil, labErr("eta = %v, want 0 <= eta < 0.5", p.Eta)
	}
	if math.IsNaN(p.Tau) || math.IsInf(p.Tau, 0) || !(p.Tau > 0) {
		return nil, labErr("tau = %v, want a tolerance > 0", p.Tau)
	}
	if !slices.Contains(Learners(), p.Learner) {
		return nil, labErr("learner %q, want one of %v", p.Learner, Learners())
	}
	if p.MaxQueries < 0 || p.MaxQueries > MaxGameQueries {
		return nil, labErr("max_queries = %d, want 0 <= max_queries <= %d", p.MaxQueries, MaxGameQueries)
	}
	maxQ := p.MaxQueries
	if maxQ == 0 {
		maxQ = MaxGameQueries
	}
	out := &GameResult{Params: p}
	cfg := bench.GameConfig{D: p.D, K: p.K, Eta: p.Eta, Tau: p.Tau, Learner: p.Learner, Options: p.Options,
		Seed: p.Seed, MaxQueries: maxQ, Adversary: hardness.AdversaryOptions{Mode: hardness.ModeAuto}, DropRecords: true,
		OnRecord: func(r hardness.Record) error {
			if len(out.Records) < MaxRecords {
				out.Records = append(out.Records, QueryRecord{Seq: r.Seq, Query: r.Query, Dim: r.Dim, Method: r.Method,
					Forced: r.Forced, AskedTol: r.AskedTol, EffectiveTol: r.EffectiveTol, Eliminated: r.Eliminated,
					EliminatedKind: r.ElimKind, Survivors: r.Survivors, SurvivorsKind: r.SurvivorsKind,
					SurvivorsUpper: r.SurvivorsUpper, Lemma: r.Lemma})
			}
			return nil
		}}
	res, err := bench.PlayNamed(cfg)
	if err != nil {
		return nil, err
	}
	out.RecordsKept = len(out.Records)
	out.Identified, out.Queries, out.ScalarQueries = res.Identified, res.Queries, res.ScalarQueries
	out.Survivors, out.SurvivorsKind, out.SurvivorsUpper = res.Survivors.Lower.String(), res.Survivors.Kind(), res.Survivors.Upper.String()
	out.Supports, out.BoundQueries = res.Supports, res.BoundQueries
	out.Loss, out.OptS, out.Opt0, out.Gap, out.Eps = res.Verdict.Loss, res.Verdict.OptS, res.Landscape.Opt0, res.Landscape.Gap, res.Landscape.Eps
	out.Support, out.GoodFor, out.Examined, out.Exhaustive = res.Verdict.Support, res.Verdict.GoodFor, res.Verdict.Examined, res.Verdict.Exhaustive
	out.GaveUp, out.LearnerError, out.Forced, out.Mode, out.Learner, out.Note = res.GaveUp, res.LearnerError, res.Forced, res.Mode, res.Learner, res.Verdict.Note
	out.TolFloor, out.EffectiveTol = res.TolFloor, res.MinEffectiveTol
	if out.Answers, err = attachAnswers(p, maxQ, out); err != nil {
		return nil, err
	}
	return out, nil
}

func formatG(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
