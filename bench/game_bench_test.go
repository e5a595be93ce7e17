package bench_test

import (
	"testing"

	"github.com/sqsim/sqsim/bench"
)

// BenchmarkGameSparse is the sparse learner's game at k = 2, d = 256: the
// adversary's per-query cost for 2-sparse queries.
func BenchmarkGameSparse(b *testing.B) {
	for b.Loop() {
		res, err := bench.PlayNamed(bench.GameConfig{D: 256, K: 2, Tau: 1e-3, Learner: "sparse", Seed: 1, DropRecords: true})
		if err != nil {
			b.Fatal(err)
		}
		if res.Queries == 0 {
			b.Fatal("no queries")
		}
	}
}

// BenchmarkGameGD is the gd learner's game at k = 2, d = 256 (Dawson
// quantities for many candidate supports).
func BenchmarkGameGD(b *testing.B) {
	for b.Loop() {
		res, err := bench.PlayNamed(bench.GameConfig{D: 256, K: 2, Tau: 1e-3, Learner: "gd", Seed: 1, DropRecords: true})
		if err != nil {
			b.Fatal(err)
		}
		if res.Queries == 0 {
			b.Fatal("no queries")
		}
	}
}

// BenchmarkGameSparseK6 is the sparse learner's game at k = 6, d = 20 (a
// point of hardness curve).
func BenchmarkGameSparseK6(b *testing.B) {
	for b.Loop() {
		res, err := bench.PlayNamed(bench.GameConfig{D: 20, K: 6, Tau: 0.0005946, Learner: "sparse", Seed: 1, DropRecords: true})
		if err != nil {
			b.Fatal(err)
		}
		if res.Queries == 0 {
			b.Fatal("no queries")
		}
	}
}
