// Package sweep runs declarative experiments: a grid of runs described in a
// TOML spec, run on every core through package bench (or the hardness game),
// resumable after a kill, sharded over a cluster's job array, and merged
// into one results file with a summary over seeds. The command line is
// `sqsim sweep plan|run|status|merge` (package cli); docs/experiments.md
// is the user's guide.
//
// # The spec
//
//	name  = "gd-vs-d"          # optional, for people
//	seeds = [1, 2, 3]          # the default seeds of every block
//	metrics = ["loss", "queries", "cost"]  # optional: the summary's metrics (default: all)
//
//	[[grid]]                   # one block = one cartesian product; blocks are concatenated
//	learner = ["gd", "chow"]   # registered learners (required)
//	world   = ["realizable"]   # realizable | clipped | noisy | agnostic | halfspace (default realizable)
//	d       = [5, 10, 20]      # dimensions (required)
//	oracle  = ["noise"]        # exact | sample | noise | adversarial (default exact)
//	tol     = [1e-3]           # tolerances (default bench.DefaultTol of the oracle)
//	eps     = [0.01]           # optional: stop at the first iterate of exact loss <= eps (bench.Config.StopAtLoss)
//	stop    = "estimate"       # optional: judge eps by one SQ loss query per step instead, counted (bench.Config.StopRule)
//	seeds   = [4, 5]           # optional: this block's seeds instead of the top-level ones
//	max_queries = 1000         # optional: a query budget (a learner that exceeds it fails)
//	zip     = [["d", "tol"]]   # optional: these axes advance together (d[i] with tol[i]) instead of being crossed
//	exclude = [{learner = "chow", d = 20}, {d = 5, seed = 2}]  # optional: drop the combinations matching all keys of one table
//
//	[[grid]]
//	kind    = "game"           # the SQ lower-bound game (sqsim hardness game)
//	learner = ["sparse", "gd"] # registered learners or random
//	d       = [8, 12]
//	k       = [2]              # support sizes (1 or even)
//	tau     = [0.01]           # the game's tolerance (tol is accepted as its other spelling)
//	eta     = [0]              # label noise (default 0)
//	mode    = ["auto"]         # auto | enumerate | structured (default auto)
//
//	[learner_options.gd]       # options of one learner, as --set would give them
//	steps = 30
//
//	[world_options.agnostic]   # parameters of one world: clip (clipped), noise_var and
//	frac = 0.2                 # label_noise (noisy), frac and corruption (agnostic), eta (halfspace)
//
// A block's axes are crossed in the order learner, world, d, oracle, tol,
// eps, seeds (games: learner, d, k, eta, tau, mode, seeds), the last
// fastest; a zipped group takes the place of its first axis. Exclusion
// tables name axes by their key (and seed for seeds); a cell matching every
// key of one table is dropped.
//
// A spec is checked whole before anything runs: an unknown key (TOML's
// decoder reports every key no field takes), an empty axis, an unknown
// learner, world, oracle or mode, a value out of range, zipped axes of
// different lengths, a duplicated cell, and every cell's configuration as
// bench.NewInstance and the learner's own option parser see it (a world
// parameter or learner option they refuse). The error wraps ErrSpec and
// names the line and the key.
//
// # Cells, keys and seeds
//
// A cell's key lists its parameters (see Spec.Plan). Its randomness is its
// seed, used exactly as `sqsim learn --seed` uses it (w*, the learner's and
// the oracle's streams, sq.Stream(seed, ...)): a cell's record depends on
// its parameters alone, never on the workers, the shard or the order, and
// `sqsim learn` with the same flags prints the same loss, queries and cost.
//
// # Files
//
// Run appends to DIR/shard-I-of-N.jsonl: a manifest line
// {"manifest": bench.CommandManifest} whose Config holds the spec (parsed, as text,
// and its hash), then one Record per cell as it finishes (see SyncPolicy
// for when the file is fsynced). Resuming reads every shard file of DIR:
// a key recorded done is skipped, one recorded failed is rerun only with
// RetryFailed, and a last line cut short by a kill is cut off and its cell
// redone. Merge writes results.jsonl (manifest line, then the records sorted
// by key), summary.jsonl and summary.csv (see Group).
package sweep
