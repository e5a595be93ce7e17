package cli

import (
	"fmt"
	"io"
	"math/big"
	"os"

	"github.com/sqsim/sqsim/hardness"
)

func init() {
	register(&command{name: "hardness", summary: "the parity-embedded ReLU family: exact quantities, the SQ lower-bound game, experiments", run: runHardness})
}

const hardnessUsage = "info|game|curve|escape|lpn [flags]   (sqsim hardness <sub> -h for its flags)"

func runHardness(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("hardness: missing subcommand (want info, game, curve, escape or lpn)")
	}
	sub, rest := args[0], args[1:]
	ew := newErrWriter(stdout)
	if err := runHardnessSub(sub, rest, ew, stderr); err != nil {
		return err
	}
	return ew.Err()
}

func runHardnessSub(sub string, rest []string, stdout, stderr io.Writer) error {
	switch sub {
	case "-h", "--help", "help":
		fmt.Fprintf(stdout, "usage: sqsim hardness %s\n\n", hardnessUsage)
		fmt.Fprintln(stdout, "  info    exact quantities of the family: C(d,k), kappa_k, opt_0, opt_S, gap, M_k, the query lower bound")
		fmt.Fprintln(stdout, "  game    a learner (gd, sparse, random, ...) against the SQ adversary; queries, survivors, verdict")
		fmt.Fprintln(stdout, "  curve   queries-to-success of support search against d for k = 2, 4, 6, with fitted exponents")
		fmt.Fprintln(stdout, "  escape  gradient descent on D_S with the exact oracle: escape time from a random start against d")
		fmt.Fprintln(stdout, "  lpn     the reduction of theory §4.5: recover S coordinate by coordinate with an agnostic learner")
		return nil
	case "info":
		return runHardnessInfo(rest, stdout)
	case "game":
		return runHardnessGame(rest, stdout)
	case "curve":
		return runHardnessCurve(rest, stdout, stderr)
	case "escape":
		return runHardnessEscape(rest, stdout, stderr)
	case "lpn":
		return runHardnessLPN(rest, stdout)
	}
	return usagef("hardness: unknown subcommand %q (want info, game, curve, escape or lpn)", sub)
}

// Limits of the hardness commands: sizes beyond them would run far longer
// than a user expects (minutes to hours, or out of memory), so they are
// refused up front as usage errors naming the limit. Measured on a 2-core
// machine; see each use.
const (
	// gameMaxD is the adversary's largest dimension (supports are packed
	// two bytes per coordinate).
	gameMaxD = 65535
	// gameMaxK: at d = 200, k = 32 two gd steps take about 1 s; at
	// d = 2000, k = 1000 one did not finish in a minute (1 GB).
	gameMaxK = 32
	// enumerateLimit: --mode enumerate evaluates every survivor on every
	// query; at C(d, k) = 4845 one gd step takes about 1 s.
	enumerateLimit = 2000
	// supportSearchLimit: support search (sparse, and hardness curve) asks
	// C(d, k) + 1 queries; at C(d, k) = 4.9e5 it takes about 20 s.
	supportSearchLimit = 1_000_000
	// gameMaxSteps, gameMaxBudget: the iteration options of the game's
	// learners (steps) and of random (budget); 1e4 gd steps take 1 s at
	// d = 8, 1e5 random queries 3 s.
	gameMaxSteps  = 100_000
	gameMaxBudget = 1_000_000
	// infoMaxK: kappa_k and M_k take about 0.5 s at k = 2000 and 5 s at
	// k = 1e4.
	infoMaxK = 2000
	// escapeMaxD and escapeMaxWork: a gradient step costs about 2-6 us per
	// coordinate, and seeds x sum of d x max-steps bounds the steps times d
	// of a run in which nothing escapes. The default run is
	// 5 x (8+16+32+64+128) x 20000 = 2.5e7; the runs of docs/hardness.md go
	// up to 21 x 2728 x 20000 = 1.15e9 (most runs escape early).
	escapeMaxD    = 100_000
	escapeMaxWork = 2e9
	// lpnMaxWork: d (C(d, k) + 1) queries in all; with the sample oracle
	// the default d = 8, k = 2 (232) takes about a minute.
	lpnMaxWorkSample = 1000
	lpnMaxWorkExact  = 1_000_000
)

// supportsFloat is C(d, k) as a float64 (+Inf beyond range).
func supportsFloat(d, k int) float64 {
	f, _ := new(big.Float).SetInt(hardness.Binomial(d, k)).Float64()
	return f
}

// isTerminal reports whether w is a character device (progress goes to
// stderr only then).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
