package world

import "github.com/sqsim/sqsim/sq/gauss"

// normalQuantile is the name the older tests use for the normal quantile,
// which the package now takes from gauss.
func normalQuantile(p float64) float64 { return gauss.Quantile(p) }
