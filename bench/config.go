package bench

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// ErrConfig is the sentinel of every invalid configuration: an unknown
// world, oracle or learner, a bad dimension, tolerance or world parameter,
// a learner option that does not parse. Test with errors.Is; the error also
// wraps the underlying sentinel (world.ErrModel, learners.ErrUnknown,
// learners.ErrOption) when there is one.
var ErrConfig = errors.New("bench: invalid configuration")

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
}

// Worlds lists the world names a Config accepts.
var Worlds = []string{"realizable", "clipped", "noisy", "agnostic", "halfspace"}

// Oracles lists the oracle names a Config accepts.
var Oracles = []string{"exact", "sample", "noise", "adversarial"}

// MaxDim is the largest dimension a Config accepts.
const MaxDim = 100000

// Config describes one run: the world, the oracle stack and the learner.
// DefaultConfig gives a configuration whose every field has a sensible
// value; fields that do not concern the chosen world or oracle are ignored.
type Config struct {
	// The world.
	World      string    // realizable | clipped | noisy | agnostic | halfspace
	D          int       // dimension d >= 1 (0: len(WStar))
	WStar      []float64 // the planted weights w* (nil: a random unit vector from Seed, see RandomUnit)
	Clip       float64   // clipped: y = min(Clip, relu(w*.x)), Clip > 0
	NoiseVar   float64   // noisy: variance >= 0 of the independent label noise
	LabelNoise string    // noisy: "gaussian" (default when empty) or "rademacher"
	Frac       float64   // agnostic: corrupted fraction of the Gaussian mass, in [0, 0.5]
	Corruption string    // agnostic: "flip" (default when empty), "zero" or "lift" (see world.Lifted)
	Eta        float64   // halfspace: flip probability, in [0, 0.5]
	// Model, if non-nil, is the world itself, built by the caller (for
	// example a world.MultiIndex): World, D, WStar and the world parameters
	// are then ignored, w* is Model.WStar() (angles are NaN when it is
	// nil), and the adversarial oracle is refused (it needs a reference).
	Model *world.Model

	// The oracle stack: the base oracle, under a tolerance floor (when
	// set), under a budget (when set), under a class restriction (when
	// set), under the ledger.
	Oracle string    // exact | sample | noise | adversarial
	Tol    float64   // tolerance of the learner's queries, passed as its option "tol" (0: DefaultTol(Oracle))
	Delta  float64   // sample: failure probability of each answer (0: 0.01)
	Noise  string    // noise: "uniform" (default when empty) or "gaussian" (see oracle.NoiseKind)
	Budget sq.Budget // zero fields: no limit
	// MinTol, when > 0, is a tolerance floor under the learner
	// (oracle.WithMinTol): a query asked at tau < MinTol is answered as if
	// asked at MinTol, so an experiment fixes the model's tolerance
	// whatever the learner asks. The ledger records both tolerances.
	MinTol float64
	// Classes, when non-zero, restricts the oracle to these query classes
	// (oracle.WithClasses): a query of no accepted class is refused with a
	// *sq.ClassError and the run fails. 0 accepts every class. Classes are
	// proved from the query's terms (sq.Query.Prove); TrustClasses also
	// accepts a class declared on a Go function the proof cannot read
	// (oracle.TrustDeclared), and the oracle's name records that it did.
	Classes      sq.Class
	TrustClasses bool

	// Seed names every random stream of the run: w* (sq.KeyWorld), the
	// learner's (sq.KeyLearner), the oracle's (sq.KeyOracle).
	Seed uint64

	// The learner: a registered name and its options, or Use.
	Learner string
	Options learners.Options
	Use     sq.Learner // if non-nil, Run runs it instead of the registered Learner (Tol is then not passed)

	// Trace, if non-nil, receives the ledger as JSON Lines while the
	// learner runs (a manifest line, see Instance.Manifest, then one
	// sq.Entry per answered query). Command is the command line that made
	// the run, recorded in the manifest (e.g. "sqsim", "learn", flags...).
	Trace   io.Writer
	Command []string
	// Records keeps every entry in Result.Ledger; without it the ledger is
	// summary-only (sq.NewSummaryLedger), its memory flat in the queries.
	Records bool
	// Progress, if non-nil, receives a line before each slow answer of the
	// sample oracle (one that draws about a second's worth of examples or
	// more; the first always, then at most every 10 s): what it draws and
	// how far the run is. Other oracles answer in microseconds and report
	// nothing.
	Progress io.Writer

	StopAtLoss float64 // if > 0: stop an iterative learner at the first iterate of exact loss <= StopAtLoss; Result.Stop records the queries spent (bench/stop.go)
	// StopRule is how StopAtLoss judges an iterate: StopExact ("" or
	// "exact": the exact loss, which asks no query) or StopEstimate
	// ("estimate": one SQ loss query per step through the run's oracle,
	// counted in the ledger; see StopRecord).
	StopRule string
}

// The rules of Config.StopRule.
const (
	StopExact    = "exact"
	StopEstimate = "estimate"
)

// MaxSamples is the most examples the sample oracle of a run draws for one
// answer (oracle.SampleOptions.MaxSamples); a tolerance that would need
// more is refused up front (see NewInstance).
const MaxSamples = 1e10

// MaxSteps is the largest size option (steps) a registered learner is
// given, and MaxStepWork the largest steps x d: about a minute of exact
// gradient steps at the documented speed (10^7 scalar answers in about
// half a second), so that a mistyped size is refused up front rather than
// run for hours.
const (
	MaxSteps    = 1_000_000
	MaxStepWork = 1e9
)

// sizeOptions are the learner options that set how many rounds a learner
// runs (see MaxSteps).
var sizeOptions = []string{"steps", "iters", "rounds"}

// checkSizes refuses a size option beyond MaxSteps or MaxStepWork.
func checkSizes(d int, opts learners.Options) error {
	for _, k := range sizeOptions {
		s, ok := opts[k]
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			continue // the learner's own parser names the bad value
		}
		if n > MaxSteps {
			return fmt.Errorf("%w: %w: %s=%d is more than the limit %d (bench.MaxSteps)", ErrConfig, learners.ErrOption, k, n, MaxSteps)
		}
		if float64(n)*float64(d) > MaxStepWork {
			return fmt.Errorf("%w: %w: %s=%d at d = %d is %.3g step-coordinates, more than the limit %.0e (bench.MaxStepWork)",
				ErrConfig, learners.ErrOption, k, n, d, float64(n)*float64(d), MaxStepWork)
		}
	}
	return nil
}

// checkSampleTol refuses, for the sample oracle, a tolerance at which the
// correlational vector query E[y x] of dimension d (sq.Chow, the query
// most learners start with) would need more than MaxSamples examples: the
// run would fail at its first such query, after drawing for minutes. The
// tolerance checked is the effective one, max(tol, MinTol).
func checkSampleTol(cfg Config, tol float64) error {
	if cfg.Oracle != "sample" {
		return nil
	}
	t := math.Max(tol, cfg.MinTol)
	delta := cfg.Delta
	if delta == 0 {
		delta = 0.01
	}
	n := float64(oracle.SampleSize(sq.Chow(cfg.D), t, delta).N())
	if n > MaxSamples || n <= 0 {
		return configErr("sample oracle: tolerance %g needs %.3g examples for the query E[y x] at d = %d (delta %g), more than the limit %.0e per answer; use a tolerance >= %.2g",
			t, n, cfg.D, delta, float64(MaxSamples), t*math.Sqrt(n/MaxSamples)*1.01)
	}
	return nil
}

// DefaultConfig returns gd on a realizable world in dimension 10 with the
// exact oracle, seed 1, and the documented default of every world
// parameter: clip 1, noise variance 0.01 (Gaussian), corrupted fraction 0.1
// (flip), halfspace flips 0.1.
func DefaultConfig() Config {
	return Config{World: "realizable", D: 10, Clip: 1, NoiseVar: 0.01, LabelNoise: "gaussian", Frac: 0.1,
		Corruption: "flip", Eta: 0.1, Oracle: "exact", Seed: 1, Learner: "gd"}
}

// DefaultTol returns the tolerance used when Config.Tol is 0: 1e-6 for the
// exact oracle (the answers are exact; the tolerance only sets the ledger's
// cost), 1e-3 for the noise and adversarial oracles (theory §7(e)'s STAT(tau)
// anchor), and 0.05 for the sample oracle (about 5e4 examples per
// correlational query at delta = 0.01; 1e-3 would need 1e8).
func DefaultTol(oracleName string) float64 {
	switch oracleName {
	case "noise", "adversarial":
		return 1e-3
	case "sample":
		return 0.05
	}
	return 1e-6
}
