package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/hardness"
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// Record is one line of a shard file: a cell's parameters, its metrics (the
// same as `sqsim learn --json`'s keys of the same name, or `sqsim hardness
// game --json`'s for a game), the ledger summary, the wall time, the
// status and the error. The schema is fixed: every key is present in every
// record (parameters that do not concern the cell's kind are zero or "").
type Record struct {
	Key     string `json:"key"`
	Kind    string `json:"kind"` // learn | game
	Learner string `json:"learner"`
	Options string `json:"options"` // the learner's options, k=v,... sorted ("" when none)
	World   string `json:"world"`   // learn: the world's name
	WorldOp string `json:"world_options"`
	D       int    `json:"d"`
	Oracle  string `json:"oracle"` // learn: exact | sample | noise | adversarial
	Tol     Num    `json:"tol"`    // learn: the tolerance the learner was given
	Eps     Num    `json:"eps"`    // learn: the stopping target (0: none)
	K       int    `json:"k"`      // game
	Eta     Num    `json:"eta"`    // game
	Tau     Num    `json:"tau"`    // game
	Mode    string `json:"mode"`   // game
	Seed    uint64 `json:"seed"`

	Status string `json:"status"` // done | failed
	Error  string `json:"error"`  // the failure, "" when done

	Loss          Num    `json:"loss"`  // exact population square loss of the hypothesis (learn --json "loss")
	Opt           Num    `json:"opt"`   // best ReLU loss of the world
	Ratio         Num    `json:"ratio"` // loss/opt (NaN when opt = 0)
	Angle         Num    `json:"angle"` // radians between the hypothesis' direction and w* (NaN when none)
	Queries       int    `json:"queries"`
	ScalarQueries int    `json:"scalar_queries"`
	Rounds        int    `json:"rounds"`
	Cost          Num    `json:"cost"`         // sample cost sum (B/tau)^2
	SumInvTau2    Num    `json:"sum_inv_tau2"` // raw sum 1/tau^2
	Oracles       string `json:"oracle_stack"` // the stack's name, e.g. ledger(noise(uniform))

	Reached     bool   `json:"reached"`             // eps: an iterate reached loss <= eps
	StopQueries int    `json:"stop_queries"`        // eps: queries spent to reach it
	StopCost    Num    `json:"stop_cost"`           // eps: cost spent to reach it
	StopRule    string `json:"stop_rule,omitempty"` // eps: exact or estimate (the block's stop)

	Identified bool   `json:"identified"` // game: the output identified the support
	GaveUp     bool   `json:"gave_up"`    // game
	Survivors  string `json:"survivors"`  // game: supports consistent with every answer (lower bound, decimal)

	WallNS int64 `json:"wall_ns"` // wall time of the cell (build, run and score), nanoseconds
}

// Num is a float64 whose JSON is a number, or "NaN", "+Inf", "-Inf" (as
// sq.Floats writes them).
type Num float64

// MarshalJSON writes n exactly (shortest round-trip form).
func (n Num) MarshalJSON() ([]byte, error) { return sq.AppendFloat(nil, float64(n)), nil }

// UnmarshalJSON reads a number or one of the strings "NaN", "+Inf", "-Inf".
func (n *Num) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		switch s {
		case "NaN":
			*n = Num(math.NaN())
		case "+Inf", "Inf":
			*n = Num(math.Inf(1))
		case "-Inf":
			*n = Num(math.Inf(-1))
		default:
			return fmt.Errorf("sweep: number %q", s)
		}
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*n = Num(v)
	return nil
}

// Done reports whether the record is a finished cell.
func (r *Record) Done() bool { return r.Status == "done" }

func (c *Cell) record() Record {
	return Record{Key: c.Key, Kind: c.Kind, Learner: c.Learner, Options: optsKeyBare(c.Options), World: c.World,
		WorldOp: optsKeyBare(c.WorldOp), D: c.D, Oracle: c.Oracle, Tol: Num(c.Tol), Eps: Num(c.Eps), K: c.K, Eta: Num(c.Eta),
		Tau: Num(c.Tau), Mode: c.Mode, Seed: c.Seed, Loss: Num(math.NaN()), Opt: Num(math.NaN()), Ratio: Num(math.NaN()),
		Angle: Num(math.NaN()), Cost: 0, SumInvTau2: 0, StopCost: 0}
}

func optsKeyBare(m map[string]string) string {
	k := optsKey(m)
	if k == "" {
		return ""
	}
	return k[1 : len(k)-1]
}

// RunCell runs one cell and returns its record: status "done" with its
// metrics, or "failed" with the error and whatever counts the run had when
// it failed. It never panics on a learner's panic: that is a failed cell.
func RunCell(c Cell) (rec Record) {
	rec = c.record()
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			rec.Status, rec.Error = "failed", fmt.Sprintf("panic: %v", p)
		}
		rec.WallNS = time.Since(start).Nanoseconds()
	}()
	var err error
	if c.Kind == "game" {
		err = runGame(c, &rec)
	} else {
		err = runLearn(c, &rec)
	}
	if err != nil {
		rec.Status, rec.Error = "failed", err.Error()
	} else {
		rec.Status = "done"
	}
	return rec
}

func runLearn(c Cell, rec *Record) error {
	cfg, err := c.benchConfig()
	if err != nil {
		return err
	}
	res, err := bench.Run(cfg)
	s := res.Summary
	rec.Queries, rec.ScalarQueries, rec.Rounds, rec.Cost, rec.SumInvTau2 = s.Queries, s.Scalar, s.Rounds, Num(s.Cost), Num(s.SumInvTau2)
	rec.Oracles = res.Oracle
	if res.Stop != nil {
		rec.Reached, rec.StopQueries, rec.StopCost = res.Stop.Reached, res.Stop.Summary.Queries, Num(res.Stop.Summary.Cost)
		rec.StopRule = res.Stop.Rule
	}
	if err != nil {
		if errors.Is(err, learners.ErrOption) || errors.Is(err, bench.ErrConfig) {
			return err
		}
		return fmt.Errorf("%w (after %d queries)", err, s.Queries)
	}
	if res.Tol != 0 {
		rec.Tol = Num(res.Tol)
	}
	rec.Loss, rec.Opt, rec.Ratio, rec.Angle = Num(res.Loss), Num(res.Opt), Num(res.Ratio), Num(res.Angle)
	return nil
}

func runGame(c Cell, rec *Record) error {
	mode, err := hardness.ParseMode(c.Mode)
	if err != nil {
		return err
	}
	res, err := bench.PlayNamed(bench.GameConfig{D: c.D, K: c.K, Eta: c.Eta, Tau: c.Tau, Learner: c.Learner,
		Options: c.gameOptions(), Seed: c.Seed, MaxQueries: c.MaxQueries, Adversary: hardness.AdversaryOptions{Mode: mode}, DropRecords: true})
	if err != nil {
		return err
	}
	rec.Identified, rec.GaveUp, rec.Queries, rec.ScalarQueries = res.Identified, res.GaveUp, res.Queries, res.ScalarQueries
	if res.Survivors.Lower != nil {
		rec.Survivors = res.Survivors.Lower.String()
	}
	rec.Loss, rec.Opt = Num(res.Verdict.Loss), Num(res.Verdict.OptS)
	return nil
}
