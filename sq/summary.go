package sq

import "math"

// Summary is what a ledger (or a budget) has counted. Tolerances are the
// effective ones (what the oracle answered at, see TolFloor).
//
// Two costs are kept, each under its true name. Cost is the sample cost
// sum over scalar queries of (B/tau)^2, B the query's norm bound: what a
// sampling oracle's examples scale with (see NormalizedTol); it is about
// half of the raw sum for a gate correlation (B = 1/sqrt 2) and about 20
// times it for a loss query. SumInvTau2 is the raw sum over scalar queries
// of 1/tau^2, with tau the per-coordinate tolerance, ignoring B.
type Summary struct {
	Queries    int     `json:"queries"`         // answered queries, a vector query counting once
	Scalar     int     `json:"scalar_queries"`  // answered queries, a vector query counting Dim times
	Free       int     `json:"free_queries"`    // label-free queries answered from the Setting (not in Queries)
	Rounds     int     `json:"rounds"`          // adaptivity rounds used
	Cost       float64 `json:"cost"`            // sample cost: sum over scalar queries of (B/tau)^2 (see NormalizedTol)
	SumInvTau2 float64 `json:"sum_inv_tau2"`    // raw sum over scalar queries of 1/tau^2 (per-coordinate tau, no bound)
	MinTol     float64 `json:"min_tol"`         // smallest normalized per-coordinate tolerance used (0 if none)
	WallNanos  int64   `json:"wall_ns"`         // total wall time of the answers
	Raised     int     `json:"raised_by_floor"` // answered queries whose tolerance a floor raised above the one asked (see TolFloor)
}

// NormalizedTol is the per-coordinate tolerance of a query relative to its
// bound: tau/B for a coordinate-wise tolerance and tau/(B sqrt(Dim)) for a
// Euclidean one. Sample complexity scales like 1/NormalizedTol^2, and the
// ledger's sample cost (Summary.Cost) is the sum of Dim/NormalizedTol^2.
func NormalizedTol(q *Query, tau float64) float64 {
	t := tau / q.BoundOrOne()
	if q.TolNorm == EuclidNorm && q.Dim > 1 {
		t /= math.Sqrt(float64(q.Dim))
	}
	return t
}

// Add counts one answered query with tolerance tau in round round.
func (s *Summary) Add(q *Query, tau float64, free bool) {
	if free {
		s.Free++
		return
	}
	s.Queries++
	s.Scalar += q.Dim
	t := NormalizedTol(q, tau)
	s.Cost += float64(q.Dim) / (t * t)
	c := perCoordTol(tau, q.Dim, q.TolNorm == EuclidNorm)
	s.SumInvTau2 += float64(q.Dim) / (c * c)
	if s.MinTol == 0 || t < s.MinTol {
		s.MinTol = t
	}
}
