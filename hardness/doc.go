// Package hardness makes the lower bound of Goel, Karmalkar and Klivans
// (NeurIPS 2019) runnable: no SQ algorithm reaches opt + eps for ReLU
// regression under Gaussian marginals with fewer than d^Omega(log 1/eps)
// queries, and gradient descent is one of them.
//
// Status: the construction here is a RECONSTRUCTION (theory.md §0, §4):
// the body of GKK19 could not be read, so the family, the constants kappa_k,
// opt_S, Gap_k and M_k, the reduction and the counting lemma are those
// derived in docs/theory.md, exact for this construction and not
// necessarily the paper's.
//
// The pieces:
//
//   - Family and World: the parity-embedded ReLU family D_{S,eta}
//     (x ~ N(0, I_d), y = (1 + noisy chi_S(x))/2, |S| = k even or 1) and the
//     null D_0, as sq.World values that sample and compute exact expectations
//     of structured queries (family.go).
//   - Corr, CorrGrad, Kappa: C_S(w) = E[relu(w.x) chi_S(x)] and its gradient
//     by the Dawson-function integral of theory §4.3 (correlation.go; Dawson's
//     function is gauss.Dawson).
//   - NewLandscape, Mk, KOfEps, Binomial, BoundQueries, PairCorrelation,
//     SDABound: the exact quantities of theory §4.4–5.3 (quantities.go).
//   - Adversary: the SQ lower-bound adversary as an sq.Oracle, with survivor
//     accounting that scales to d = 1e4, k = 8 without enumerating the
//     C(d, k) supports, and says which counts are exact and which are bounds
//     (adversary.go: the protocol and the answering strategies;
//     survivors.go: the survivor set; subsets.go: the combinatorics of
//     supports; bounds.go), and its Judge, which picks the truth at the end
//     of a game (judge.go). TolWatch tells it the tolerance a learner asked
//     for under a game's tolerance floor (tolwatch.go).
//
// Running a learner against the adversary, and the experiments of
// docs/hardness.md, are the harness's: bench.PlayGame (any sq.Learner),
// bench.PlayNamed (a registered learner, e.g. "sparse", "gd" or the
// baseline "random"), bench.Curve, bench.Escape and bench.LPN, run by
// `sqsim hardness game|curve|escape|lpn`. This package imports only sq and
// sq/gauss.
package hardness
