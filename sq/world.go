package sq

import "math/rand/v2"

// Sampler is a source of labelled examples (x, y): what the sample and pool
// oracles need. A data set read from a file (world.FromData) is a Sampler
// (its examples are its rows, drawn uniformly with replacement); so is every
// World.
type Sampler interface {
	// Setting returns the public part of the world.
	Setting() Setting
	// Sample draws len(y) independent examples from r into x (row-major,
	// len(y) rows of length d) and y. The same r state gives the same
	// examples.
	Sample(r *rand.Rand, x, y []float64)
}

// Expecter computes exact expectations of queries: what the exact, noisy,
// VSTAT and adversarial oracles need.
type Expecter interface {
	// Setting returns the public part of the world.
	Setting() Setting
	// Expect writes E[phi(x, y)] into out[:q.Dim] and returns a bound on its
	// absolute error (0 for closed forms, the quadrature's estimate
	// otherwise, always below 1e-10 times the size of the answer or of its
	// terms, at least 1, when err is nil). It returns an error
	// wrapping ErrNotExact when the world cannot compute this query exactly,
	// and ErrQuery when the query does not fit the dimension.
	Expect(q *Query, out []float64) (errBound float64, err error)
}

// World is a distribution of labelled examples (x, y) whose marginal is the
// Setting's N(0, I_d): what is true, hidden from learners. Oracles answer
// from a World (each through the half it uses: a Sampler or an Expecter);
// learners never see one.
type World interface {
	Sampler
	Expecter
}
