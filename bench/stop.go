package bench

import (
	"fmt"
	"math"

	"github.com/sqsim/sqsim/sq"
)

// StopRecord is the record of a "queries to reach eps" run (Config.StopAtLoss
// = Eps > 0): the harness watches the iterates an iterative learner reports
// through the session's step hook (sq.Session.OnStep) and stops it at the
// first step whose iterate w has
//
//	Loss(relu(w.x)) + LossErr <= Eps,
//
// with Loss the exact population square loss under the world (the harness
// knows the world; it is the same loss that scores the final hypothesis,
// and computing it asks no query). Summary is then the ledger's counts at
// that step: the queries, rounds and cost the learner spent to reach Eps.
//
// With Config.StopRule = StopEstimate the harness judges each iterate as an
// SQ learner that must certify its loss would: it asks the loss query
// sq.Loss(w), E[(relu(w.x) - y)^2], at the run's tolerance tau through the
// run's oracle (so the ledger, and Summary, count it: one scalar query per
// step) and stops at the first step whose answer is <= Eps. The answer is
// within tau of the true loss, so the stopped iterate has exact loss at
// most Eps + tau; Estimate is the answer and Loss still the exact loss, so
// the record shows both.
//
// Why the exact loss by default and not one estimated by queries: most learners never
// estimate their own loss (gd, surrogate and dktz do not), and an estimate
// the harness asked for would add queries the learner does not ask and
// change what is measured. The record therefore says when the learner first
// HAS an eps-good iterate, which is what an SQ lower bound counts (queries
// to output a good hypothesis); a learner that must also certify its loss
// (one loss query at tolerance about Eps per check) spends more, and the
// certified count is at least Summary.
//
// The iterate is the one the learner reports (see each learner's
// documentation): for gd, surrogate, dktz and fcg/glmtron with select=last
// it is the hypothesis the stopped learner returns, so Result.Loss equals
// Loss; for learners that select among iterates (fcg and glmtron with
// select=best, isotron) or report a direction (approx) the returned
// hypothesis is scored separately in Result.Loss. A learner whose rounds
// report no weight vector (sparse) or that is not iterative (chow, refit,
// hermite) never reaches: Reached is false and Steps counts the hook calls
// seen (0 for a non-iterative learner).
type StopRecord struct {
	Eps     float64    // the target, Config.StopAtLoss
	Reached bool       // an iterate reached Loss + LossErr <= Eps and the learner was stopped there
	Step    int        // the step of that iterate (when Reached), else the last step seen (-1: none)
	Loss    float64    // exact loss of relu(w.x) at Step (NaN when no iterate was seen)
	LossErr float64    // its numerical error bound
	Steps   int        // hook calls seen (steps 0..Step when Reached)
	Summary sq.Summary // the ledger's counts at Step: the queries and cost spent to reach Eps

	Rule        string  // StopExact or StopEstimate
	Estimate    float64 // StopEstimate: the loss query's answer at Step (NaN when none was asked)
	EstimateTol float64 // StopEstimate: its tolerance, the run's tol
}

// checkStop validates Config.StopAtLoss and Config.StopRule.
func checkStop(eps float64, rule string) error {
	if math.IsNaN(eps) || math.IsInf(eps, 0) || eps < 0 {
		return configErr("stop at loss %v, want a finite loss > 0 (or 0: run to the end)", eps)
	}
	if rule != "" && rule != StopExact && rule != StopEstimate {
		return configErr("stop rule %q, want %s or %s", rule, StopExact, StopEstimate)
	}
	return nil
}

// attachStop installs on s the hook of Config.StopAtLoss and returns the
// record it fills in while the learner runs; with StopAtLoss = 0 it does
// nothing and returns nil.
func (in *Instance) attachStop(s *sq.Session, tol float64) (*StopRecord, error) {
	eps, rule := in.cfg.StopAtLoss, in.cfg.StopRule
	if err := checkStop(eps, rule); err != nil || eps == 0 {
		return nil, err
	}
	if rule == "" {
		rule = StopExact
	}
	if rule == StopEstimate && !(tol > 0) {
		return nil, configErr("stop rule estimate needs the run's tolerance, and learner %s sets its own", in.cfg.Learner)
	}
	rec := &StopRecord{Eps: eps, Step: -1, Loss: math.NaN(), LossErr: math.NaN(), Rule: rule, Estimate: math.NaN()}
	if rule == StopEstimate {
		rec.EstimateTol = tol
	}
	d := in.world.Setting().D
	prev := s.OnStep
	s.OnStep = func(step int, w []float64) error {
		if prev != nil {
			if err := prev(step, w); err != nil {
				return err
			}
		}
		rec.Steps++
		rec.Step = step
		if s.Ledger != nil {
			rec.Summary = s.Ledger.Summary()
		}
		if len(w) != d {
			return nil // no weight vector at this step (sparse)
		}
		l, eb, err := in.world.Loss(w)
		if err != nil {
			return fmt.Errorf("stop at loss: the loss of the iterate at step %d: %w", step, err)
		}
		rec.Loss, rec.LossErr = l, eb
		if rule == StopEstimate {
			est, err := s.Ask(sq.Loss(w), tol)
			if err != nil {
				return fmt.Errorf("stop at loss: the loss query at step %d: %w", step, err)
			}
			rec.Estimate = est
			if s.Ledger != nil {
				rec.Summary = s.Ledger.Summary() // the loss query counted
			}
			if est <= eps {
				rec.Reached = true
				return sq.ErrStop
			}
			return nil
		}
		if l+eb <= eps {
			rec.Reached = true
			return sq.ErrStop
		}
		return nil
	}
	return rec, nil
}
