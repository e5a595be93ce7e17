// Package world holds the worlds of sqsim: distributions of labelled examples
// (x, y) with x ~ N(0, I_d) and a label model y = f(V x) + noise that depends
// on x through a few hidden directions V. Each world samples, computes exact
// expectations of structured queries (closed forms where they exist, else
// kink-aware quadrature over the few directions that matter, with its error
// stated), and knows opt, the square loss of the best ReLU of norm at most 1.
//
// The families of theory §1–2 and §6: Realizable (y = relu(w*.x)), Clipped
// (y = min(C, relu(w*.x))), Noisy (additive independent noise), Corrupted
// (agnostic: labels replaced by a fixed function of x on a region),
// Halfspace (y = 1{w*.x > 0} with flips), and MultiIndex (y = f(V x) with a
// user's Go function f). Each is an sq.World: both an sq.Sampler (for the
// sample and pool oracles) and an sq.Expecter (for the exact, noisy, VSTAT
// and adversarial oracles).
//
// A data set of examples is a world that can only be sampled: FromData
// reads one from a CSV or JSON Lines file of rows x_1, ..., x_d, y, and
// Dataset builds one from rows in memory. The result is an sq.Sampler
// drawing rows uniformly with replacement, so the sample and pool oracles
// over it answer for the empirical distribution of the rows; the closed
// forms and quadrature of this package (which assume x ~ N(0, I_d)) do not
// apply to it.
//
// Learners never import this package: they see a world only through an
// oracle (package oracle).
package world
