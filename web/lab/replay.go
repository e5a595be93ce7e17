package lab

import (
	"math"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// answerRecorder sits on the adversary (under its tolerance floor) and
// keeps every query and the answer given, for the first MaxRecords
// queries.
type answerRecorder struct {
	inner   sq.Oracle
	queries []*sq.Query
	answers [][]float64
}

func (o *answerRecorder) Name() string                     { return o.inner.Name() }
func (o *answerRecorder) EffectiveTol(tau float64) float64 { return sq.EffectiveTol(o.inner, tau) }
func (o *answerRecorder) Answer(q *sq.Query, tau float64, ans []float64) error {
	if err := o.inner.Answer(q, tau, ans); err != nil {
		return err
	}
	if len(o.queries) < MaxRecords {
		o.queries = append(o.queries, q)
		o.answers = append(o.answers, append([]float64(nil), ans...))
	}
	return nil
}

// attachAnswers replays the game of p with the same adversary, learner and
// seeds as bench.PlayNamed, recording the adversary's answers, and, when
// the replay's records are those of the game (same survivors, methods and
// eliminations, query by query), fills each record's answer and the true
// value of the planted world D_S for the support S the adversary picked.
// It returns false (and changes nothing) when the replay differs.
func attachAnswers(p GameParams, maxQ int, out *GameResult) (bool, error) {
	if out.GaveUp || len(out.Support) != p.K {
		return false, nil
	}
	fam, err := hardness.NewFamily(p.D, p.K, p.Eta)
	if err != nil {
		return false, err
	}
	opts := bench.GameOptions(p.Learner, p.K, p.Tau)
	for k, v := range p.Options {
		opts[k] = v
	}
	learner, err := learners.New(p.Learner, opts)
	if err != nil {
		return false, err
	}
	var recs []hardness.Record
	adv, err := hardness.NewAdversary(fam, hardness.AdversaryOptions{Mode: hardness.ModeAuto, Seed: p.Seed, DropRecords: true,
		OnRecord: func(r hardness.Record) error {
			if len(recs) < MaxRecords {
				recs = append(recs, r)
			}
			return nil
		}})
	if err != nil {
		return false, err
	}
	rec := &answerRecorder{inner: oracle.WithMinTol(p.Tau)(adv)}
	l := sq.NewSummaryLedger()
	mws := []oracle.Middleware{oracle.WithLedger(l)}
	if maxQ > 0 {
		mws = append(mws, oracle.WithBudget(sq.Budget{MaxQueries: maxQ}))
	}
	s := &sq.Session{Setting: fam.Null().Setting(), Oracle: oracle.Chain(rec, mws...), Ledger: l, Rand: sq.Stream(p.Seed, sq.KeyLearner)}
	if _, err := learner.Learn(s); err != nil {
		return false, nil
	}
	if len(recs) != len(out.Records) || len(rec.answers) != len(out.Records) || l.Summary().Queries != out.Queries {
		return false, nil
	}
	for i, r := range recs {
		g := out.Records[i]
		if r.Seq != g.Seq || r.Survivors != g.Survivors || r.Method != g.Method || r.Eliminated != g.Eliminated || r.Forced != g.Forced {
			return false, nil
		}
	}
	planted, err := fam.Planted(out.Support)
	if err != nil {
		return false, err
	}
	for i, q := range rec.queries {
		truth := make([]float64, len(rec.answers[i]))
		if _, err := planted.Expect(q, truth); err != nil {
			return false, err
		}
		dev := 0.0
		if q.TolNorm == sq.EuclidNorm {
			for j := range truth {
				dev += (truth[j] - rec.answers[i][j]) * (truth[j] - rec.answers[i][j])
			}
			dev = math.Sqrt(dev)
		} else {
			for j := range truth {
				dev = math.Max(dev, math.Abs(truth[j]-rec.answers[i][j]))
			}
		}
		out.Records[i].Answer, out.Records[i].Truth, out.Records[i].Deviation = rec.answers[i], truth, dev
	}
	return true, nil
}
