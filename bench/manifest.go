package bench

import (
	"slices"
	"strconv"

	"github.com/sqsim/sqsim/sq"
)

// Manifest returns the manifest of a run of the learner l (given the
// tolerance tol, see RunLearner) on the instance through the oracle stack
// o: the first line of the run's trace (sq.Manifest). The command is
// Config.Command (its first two words, e.g. "sqsim learn", and the rest as
// its arguments), or "bench" for a run from Go code.
//
// The learner's options are those Instance.Learner builds: when l is
// Config.Learner, Config.Options with tol added unless they set it; for
// another registered learner (a grid run, Instance.Learner(name, nil)),
// tol alone. A learner of Config.Use is recorded by its Name and not as
// registered: replay cannot rebuild it.
func (in *Instance) Manifest(l sq.Learner, tol float64, o sq.Oracle) sq.Manifest {
	c := in.cfg
	cmd, args := "bench", []string(nil)
	switch {
	case len(c.Command) >= 2:
		cmd, args = c.Command[0]+" "+c.Command[1], c.Command[2:]
	case len(c.Command) == 1:
		cmd = c.Command[0]
	}
	m := sq.NewManifest(cmd, args...)
	m.World = in.Describe()
	if c.WStar != nil {
		m.World["wstar"] = sq.Floats(slices.Clone(in.wstar))
	}
	m.SetSetting(in.world.Setting())
	m.Seed = c.Seed
	m.Streams = map[string]sq.StreamKey{
		"learner": {Seed: c.Seed, Keys: []uint64{sq.KeyLearner}},
	}
	if c.WStar == nil && c.Model == nil {
		m.Streams["world"] = sq.StreamKey{Seed: c.Seed, Keys: []uint64{sq.KeyWorld}}
	}
	switch c.Oracle {
	case "noise", "sample":
		m.Streams["oracle"] = sq.StreamKey{Seed: c.Seed, Keys: []uint64{sq.KeyOracle}}
	case "adversarial":
		m.Streams["reference"] = sq.StreamKey{Seed: c.Seed, Keys: []uint64{sq.KeyWorld, 1}}
	}

	name := ""
	if l != nil {
		name = l.Name()
	}
	m.Learner = sq.ManifestLearner{Name: name}
	if c.Use == nil && name != "" {
		opts := map[string]string{}
		if name == c.Learner {
			for k, v := range c.Options {
				opts[k] = v
			}
		}
		if _, ok := opts["tol"]; !ok && tol > 0 {
			opts["tol"] = strconv.FormatFloat(tol, 'g', -1, 64)
		}
		m.Learner.Registered, m.Learner.Options = true, opts
	}
	m.Tol = tol

	m.Oracle = sq.ManifestOracle{Base: c.Oracle}
	if o != nil {
		m.Oracle.Stack = o.Name()
		m.MinTol = sq.EffectiveTol(o, 0) // the floor of the stack: max(0, T), or 0 without one
	}
	switch c.Oracle {
	case "noise":
		m.Oracle.Noise = c.Noise
		if m.Oracle.Noise == "" {
			m.Oracle.Noise = "uniform"
		}
	case "sample":
		m.Oracle.Delta = c.Delta
		if m.Oracle.Delta == 0 {
			m.Oracle.Delta = 0.01
		}
	}
	if c.Budget != (sq.Budget{}) {
		b := c.Budget
		m.Oracle.Budget = &b
	}
	return m
}

// newRunLedger is the ledger of a run: a full one (every entry kept, see
// Result.Ledger) when Config.Records asks for it, else a summary-only one
// (sq.NewSummaryLedger) whose memory does not grow with the queries; a
// trace streams from either.
func newRunLedger(c Config) *sq.Ledger {
	if c.Records {
		return sq.NewLedger()
	}
	return sq.NewSummaryLedger()
}
