package sq

import "math"

// Entry is the record of one answered query.
type Entry struct {
	Seq         int     `json:"seq"`               // 0, 1, 2, ... in the order answered
	Round       int     `json:"round"`             // adaptivity round (see Ledger.Round)
	Name        string  `json:"name"`              // the query's name
	Class       string  `json:"class"`             // the query's classes, as Class.String
	Bound       float64 `json:"bound"`             // the query's norm bound
	Dim         int     `json:"dim"`               // 1 for a scalar query
	Tol         float64 `json:"tol"`               // the tolerance the learner asked for
	EffTol      float64 `json:"eff_tol,omitempty"` // the tolerance the oracle answered at, when a floor raised it above Tol (see EffectiveTol)
	Norm        string  `json:"norm"`              // "coord" or "l2"
	Free        bool    `json:"free"`              // label-free: answered from the Setting, not charged
	Answer      Floats  `json:"answer"`            // the answer, bit for bit
	Nanos       int64   `json:"ns"`                // wall time of the answer, nanoseconds
	Fingerprint string  `json:"fp"`                // Query.Fingerprint in hexadecimal
	Oracle      string  `json:"oracle"`            // the name of the oracle below the ledger
	Samples     int64   `json:"samples,omitempty"` // examples a sampling oracle used for the answer
	Pool        bool    `json:"pool,omitempty"`    // the examples came from a fixed pool, reused across queries
	// Digest is a 64-bit FNV-1a hash of every other field (see
	// ComputeDigest), in hexadecimal, set by the ledger and checked by
	// ReadTrace: an edited or corrupted record no longer matches it. It
	// guards against accidents, not forgery. Version-1 traces have none.
	Digest string `json:"digest,omitempty"`
}

// Info is what the recorder of an answer knows besides the query: which
// oracle answered, how long it took, and how many examples it used.
type Info struct {
	Oracle  string
	Nanos   int64
	Free    bool  // label-free: answered from the Setting, not counted as a query
	Samples int64 // examples used (sampling oracles)
	Pool    bool  // examples from a fixed pool
	// EffTol is the tolerance the oracle answered at, when it differs from
	// the tolerance asked (a tolerance floor raised it); 0 means the same.
	EffTol float64
}

// EffectiveTol is the tolerance the oracle actually used for the entry's
// answer: EffTol when a tolerance floor raised it, else Tol.
func (e Entry) EffectiveTol() float64 {
	if e.EffTol > e.Tol {
		return e.EffTol
	}
	return e.Tol
}

// perCoordTol is the per-coordinate tolerance of a query of dim values at
// tolerance tau in the given norm: tau, or tau/sqrt(dim) for a Euclidean one.
func perCoordTol(tau float64, dim int, euclid bool) float64 {
	if euclid && dim > 1 {
		return tau / math.Sqrt(float64(dim))
	}
	return tau
}

// Cost is the entry's sample cost, sum over its scalar queries of
// (B/tau)^2 with B the query's norm bound and tau the effective
// per-coordinate tolerance: the number of examples the answer is worth up
// to a constant (Hoeffding). Free entries cost 0. See Summary.Cost.
func (e Entry) Cost() float64 {
	if e.Free {
		return 0
	}
	t := perCoordTol(e.EffectiveTol(), e.Dim, e.Norm == EuclidNorm.String()) / boundOrOne(e.Bound)
	return float64(e.Dim) / (t * t)
}

// InvTau2 is the entry's raw sum over its scalar queries of 1/tau^2, with
// tau the effective per-coordinate tolerance and no norm bound. Free
// entries give 0. See Summary.SumInvTau2.
func (e Entry) InvTau2() float64 {
	if e.Free {
		return 0
	}
	t := perCoordTol(e.EffectiveTol(), e.Dim, e.Norm == EuclidNorm.String())
	return float64(e.Dim) / (t * t)
}

func boundOrOne(b float64) float64 {
	if b > 0 {
		return b
	}
	return 1
}
