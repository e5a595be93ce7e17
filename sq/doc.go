// Package sq is the statistical-query (SQ) model in which every sqsim
// learner works: queries, the oracles that answer them, the ledger that
// counts them, and the session through which a learner asks them. It is
// where a researcher starts; this comment is a short tutorial.
//
// # The model
//
// A distribution D of labelled examples (x, y) is hidden from the learner:
// sqsim's worlds have Gaussian marginals x ~ N(0, I_d) and labels of a
// ReLU, y = relu(w*.x) plus noise or corruption. The learner never sees an
// example. It asks a statistical query phi(x, y) at a tolerance tau and gets
// back any value v with
//
//	|v - E_D[phi(x, y)]| <= tau
//
// Which value within tau is the oracle's choice (the truth, a sampling
// error, noise, an adversary's pick); a learner must work for every choice.
// Its cost is the number of queries and how small their tolerances are:
// answering at tau from samples takes about (B/tau)^2 examples for a query
// bounded by B (up to a constant and log 1/delta).
//
// # Queries
//
// A [Query] is a sum of terms, each a coefficient times a label functional
// lambda(y) times a feature h(x):
//
//	phi(x, y) = sum_j Coef_j * lambda_j(y) * h_j(x)
//
// with lambda one of 1, y, y^2, 1{y > t}, sign(y - t) (or a Go function,
// see [Label]) and h one of 1, relu(w.x), 1{w.x > 0}, x, 1{w.x > 0} x, a
// Hermite product, a ridge function g(U x), ... (see [Feature]). Written
// this way a query can be evaluated pointwise (a sampling oracle can answer
// it), computed exactly by a world whose labels depend on a few directions
// (closed forms and quadrature), and analysed by the hardness package. The
// constructors build the queries learners usually need: [ReluCorr],
// [GateCorr], [StepCorr], [Chow], [LabelMoment], [Grad], [Loss],
// [ReluBatch], [HermiteCorr].
//
// A vector query (Dim > 1) is answered coordinate by coordinate within tau
// ([CoordNorm], the default) or within tau in Euclidean norm
// ([EuclidNorm]); [Query.Validate] checks that it fits dimension d.
//
// # Classes are proved from the terms
//
// A query declares its classes (a [Class] set) with a norm bound B
// (Query.Bound): [Bounded] (|phi| <= B, STAT), [L2] (E[phi^2] <= B^2),
// [Correlational] (phi = y h(x) with E[h^2] <= B^2, CSQ) and [Boolean]
// (phi in {0, 1}, VSTAT). The declaration is a claim the terms must bear
// out: [Query.Prove] reads every term and returns the classes they prove
// (for labels in [-1, 1]); [Query.ProvenClass] returns them and an error
// for a declared class they do not prove; Validate refuses a declared class
// that a term refutes (a y^2 term in a correlational query). An oracle
// restricted to some classes (oracle.WithClasses, built on [CheckClass])
// answers only queries whose proven classes it accepts, and refuses the
// others with a [*ClassError] naming the term that stops the proof.
//
// # Settings and free expectations
//
// The [Setting] is what every learner knows for free: d, that x ~ N(0, I_d),
// and the label range. An expectation that does not involve the label (a
// query for which [Query.LabelFree] holds) follows from the Setting alone:
// [Setting.Expect] and [Session.Free] compute it and charge no query.
//
// # Oracles
//
// An [Oracle] answers queries about a [World] with the guarantee above, per
// coordinate or in l2 as the query says; [Ask], [AskVec] and [AskVecInto]
// call it. Package oracle holds the oracles (exact, sample, pool, noise,
// adversarial, VSTAT, replay) and the middleware stacked over them
// (ledger, budget, cache, class restriction, tolerance floor), composed
// with oracle.Chain. A refusal is an error wrapping a sentinel of this
// package, to test with errors.Is: [ErrTolerance], [ErrQuery], [ErrClass],
// [ErrBudget], [ErrNotExact], ...
//
// # The ledger
//
// A [Ledger] (oracle.WithLedger puts one in a chain) records every answered
// query as an [Entry] and counts them in a [Summary]:
//
//   - Queries: answered queries, a vector query counting once;
//   - Scalar: answered queries, a vector query counting its dimension;
//   - Rounds: adaptivity rounds (queries asked in one [Ledger.Round] or
//     [Session.Batch] share a round);
//   - Cost: the sample cost, the sum over scalar queries of (B/tau)^2,
//     what a sampling oracle's examples scale with ([Entry.Cost],
//     [NormalizedTol]);
//   - SumInvTau2: the raw sum over scalar queries of 1/tau^2, ignoring B.
//
// A [Budget] (oracle.WithBudget) stops a learner with a [*BudgetError]
// (errors.Is(err, ErrBudget)) at the first query that would take it over a
// count or a cost, or below a smallest normalized tolerance.
//
// In the SQ model the oracle owns the tolerance. A tolerance floor
// (oracle.WithMinTol) answers a query asked at tau < T as if asked at T;
// it is a [TolFloor], so the ledger and the budget above it count the
// tolerance actually used ([Entry.EffectiveTol], Summary.Raised).
//
// # Traces
//
// A ledger writes its entries as JSON Lines ([Ledger.WriteJSONL], or
// [Ledger.Stream] while the run goes on). The first line carries a
// [Manifest]: the command, world, learner and options, seed and streams,
// oracle stack, and the build of sqsim. [ReadTraceManifest] reads a trace
// back and checks it line by line (every entry carries a digest, so an
// edited value is caught); oracle.Replay answers a learner from it, bit for
// bit.
//
// # Sessions and learners
//
// A [Learner] gets a [*Session] (the Setting, an oracle, the ledger, and its
// own random stream) and returns a [Hypothesis] such as [ReLU]. It asks
// through the session ([Session.Ask], [Session.AskVec], [Session.Batch],
// [Session.Free]), never sees a world, and so learns only from answers.
// The smallest learner of a realizable ReLU asks one vector query, since
// E[relu(w*.x) x] = w*/2:
//
//	type chow struct{ tol float64 }
//
//	func (chow) Name() string { return "chow" }
//
//	func (l chow) Learn(s *sq.Session) (sq.Hypothesis, error) {
//		c, err := s.AskVec(sq.Chow(s.Setting.D), l.tol, nil) // E[y x]
//		if err != nil {
//			return nil, err
//		}
//		for i := range c {
//			c[i] *= 2
//		}
//		return sq.ReLU{W: c}, nil
//	}
//
// A run wires a world, an oracle stack and a ledger into a session:
//
//	truth, err := world.Realizable([]float64{0.6, -0.8})
//	...
//	ledger := sq.NewLedger()
//	s := &sq.Session{
//		Setting: truth.Setting(),
//		Oracle:  oracle.Chain(oracle.Exact(truth), oracle.WithLedger(ledger)),
//		Ledger:  ledger,
//		Rand:    sq.Stream(seed, sq.KeyLearner),
//	}
//	h, err := chow{tol: 1e-6}.Learn(s)
//	fmt.Println(ledger.Summary().Queries) // 1
//
// bench.Run does this for a registered learner (package learners), and
// scores the hypothesis with the exact loss; the examples of this package
// run each step.
//
// # Randomness
//
// Every random choice flows from a named stream: [Stream](seed, keys...)
// is a generator determined by the seed and the keys ([KeyWorld],
// [KeyLearner], [KeyOracle], [KeyPool]), so a run depends on its seed alone,
// never on goroutines or their order. Session.Rand is
// Stream(seed, KeyLearner).
//
// # Where to go next
//
//   - package oracle: the oracles and middleware;
//   - package world: the worlds (realizable, clipped, noisy, agnostic,
//     halfspace, multi-index) with exact losses and opt;
//   - package learners: the registered learners (gd, chow, refit, sparse,
//     ...) and how to register one;
//   - package bench: one run (bench.Run) or a grid of runs, scored exactly;
//   - package hardness: the GKK19 lower bound as a game against an SQ
//     adversary (bench.PlayGame);
//   - cmd/sqsim: the command line (sqsim learn, sqsim hardness game, ...);
//   - docs/: tutorial.md, writing-a-learner.md, theory.md, hardness.md.
package sq
