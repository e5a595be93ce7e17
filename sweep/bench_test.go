package sweep

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/bench"
)

// cheapSpec is 200 cheap cells: chow at d = 10 with the exact oracle.
func cheapSpec(tb testing.TB) *Spec {
	seeds := make([]string, 200)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i + 1)
	}
	return mustSpec(tb, "seeds = ["+strings.Join(seeds, ", ")+"]\n[[grid]]\nlearner = [\"chow\"]\nd = [10]\noracle = [\"exact\"]\n")
}

// BenchmarkSweepCells runs the 200 cells through bench.Run directly (the
// runs themselves) and through sweep.Run with 1 and 2 workers; the
// per-cell overhead of a sweep is (workers=1 - direct - fixed)/200, with
// fixed the cost of a one-cell run (directory, manifest, the final fsync),
// and the speed-up is workers=1 / workers=2.
//
//	go test ./sweep -run '^$' -bench SweepCells -benchtime 20x
func BenchmarkSweepCells(b *testing.B) {
	s := cheapSpec(b)
	cells := s.Plan()
	b.Run("direct", func(b *testing.B) {
		for b.Loop() {
			for _, c := range cells {
				cfg, err := c.benchConfig()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := bench.Run(cfg); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("fixed", func(b *testing.B) { // a run of one cell: open, manifest, final fsync
		one := mustSpec(b, "seeds = [1]\n[[grid]]\nlearner = [\"chow\"]\nd = [10]\noracle = [\"exact\"]\n")
		root := b.TempDir()
		i := 0
		for b.Loop() {
			i++
			if _, err := Run(context.Background(), one, RunOptions{Dir: filepath.Join(root, fmt.Sprint(i)), Workers: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			root := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				st, err := Run(context.Background(), s, RunOptions{Dir: filepath.Join(root, fmt.Sprint(i)), Workers: w})
				if err != nil || st.Done != 200 {
					b.Fatal(st, err)
				}
			}
		})
	}
}

// BenchmarkSweepMerge merges 10^5 records in 4 shard files.
//
//	go test ./sweep -run '^$' -bench SweepMerge -benchtime 3x
func BenchmarkSweepMerge(b *testing.B) {
	const n = 100_000
	seeds := make([]string, n/100)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i + 1)
	}
	s := mustSpec(b, "seeds = ["+strings.Join(seeds, ", ")+"]\n[[grid]]\nlearner = [\"chow\", \"gd\"]\nd = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\ntol = [0.1, 0.2, 0.3, 0.4, 0.5]\n")
	cells := s.Plan()
	if len(cells) != n {
		b.Fatalf("%d cells", len(cells))
	}
	dir := b.TempDir()
	for sh := range 4 {
		f, err := os.Create(filepath.Join(dir, ShardFile(sh, 4)))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriter(f)
		man := s.Manifest("bench", nil, sh, 4)
		json.NewEncoder(w).Encode(manifestLine{Manifest: &man})
		for _, c := range Shard(cells, sh, 4) {
			r := c.record()
			r.Status, r.Loss, r.Opt, r.Queries, r.ScalarQueries, r.Rounds, r.Cost, r.WallNS = "done", Num(float64(c.Seed)*1e-6), 0, 1, c.D, 1, Num(float64(c.D)*100), int64(c.Index)
			json.NewEncoder(w).Encode(&r)
		}
		w.Flush()
		f.Close()
	}
	b.ResetTimer()
	for b.Loop() {
		m, err := Merge(dir, "bench", nil)
		if err != nil || len(m.Records) != n {
			b.Fatal(err)
		}
		for _, wr := range []func(*bufio.Writer) error{
			func(w *bufio.Writer) error { return m.WriteResults(w) },
			func(w *bufio.Writer) error { return m.WriteSummaryJSONL(w) },
			func(w *bufio.Writer) error { return m.WriteSummaryCSV(w) },
		} {
			f, err := os.Create(filepath.Join(dir, "out"))
			if err != nil {
				b.Fatal(err)
			}
			w := bufio.NewWriter(f)
			if err := wr(w); err != nil {
				b.Fatal(err)
			}
			w.Flush()
			f.Close()
		}
	}
}

// BenchmarkSweepGD is BenchmarkSweepCells with cells about a hundred times
// dearer (gd, 1000 steps at d = 10), where the run dominates the sweep's
// own per-cell work and two workers approach half the time.
//
//	go test ./sweep -run '^$' -bench SweepGD -benchtime 5x
func BenchmarkSweepGD(b *testing.B) {
	seeds := make([]string, 200)
	for i := range seeds {
		seeds[i] = fmt.Sprint(i + 1)
	}
	s := mustSpec(b, "seeds = ["+strings.Join(seeds, ", ")+"]\n[[grid]]\nlearner = [\"gd\"]\nd = [10]\noracle = [\"exact\"]\n[learner_options.gd]\nsteps = 1000\n")
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			root := b.TempDir()
			i := 0
			for b.Loop() {
				i++
				st, err := Run(context.Background(), s, RunOptions{Dir: filepath.Join(root, fmt.Sprint(i)), Workers: w})
				if err != nil || st.Done != 200 {
					b.Fatal(st, err)
				}
			}
		})
	}
}
