package perf

import (
	"errors"
	"testing"
)

// TestRunWorkloads runs every workload at a tiny size: the results are
// well formed (no timing is asserted).
func TestRunWorkloads(t *testing.T) {
	for _, c := range []Config{
		{Workload: "stream", N: 1000, D: 10, Threads: 2, Reps: 2},
		{Workload: "grad", N: 500, D: 7, Threads: 2, Reps: 2},
		{Workload: "batch", N: 300, D: 9, M: 5, Threads: 1, Reps: 2},
		{Workload: "exact", D: 12, Threads: 2, Reps: 1},
		{Workload: "sample", N: 100, D: 10, Threads: 2, Reps: 2},
	} {
		r, err := Run(c)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if !(r.SecondsMin > 0) || r.SecondsMedian < r.SecondsMin || r.Workload != c.Workload || r.Threads != c.Threads {
			t.Errorf("%s: %+v", c.Workload, r)
		}
		switch c.Workload {
		case "stream", "grad", "batch":
			if !(r.Bytes > 0 && r.GBps > 0 && r.Flops > 0) {
				t.Errorf("%s: bytes %v GB/s %v flops %v", c.Workload, r.Bytes, r.GBps, r.Flops)
			}
		case "exact":
			if !(r.Rate > 0) || r.RateUnit != "queries/s" || r.Allocs > 0.01 {
				t.Errorf("exact: rate %v %s, allocs/op %v (want 0)", r.Rate, r.RateUnit, r.Allocs)
			}
		case "sample":
			if !(r.Rate > 0) || r.RateUnit != "normals/s" {
				t.Errorf("sample: rate %v %s", r.Rate, r.RateUnit)
			}
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, c := range []Config{
		{Workload: "nope", N: 1, D: 1},
		{Workload: "grad", N: 0, D: 1},
		{Workload: "grad", N: 1, D: 0},
		{Workload: "batch", N: 1, D: 1, M: 0},
		{Workload: "grad", N: 1, D: 1, Threads: -1},
		{Workload: "grad", N: 1, D: 1, Reps: -1},
		{Workload: "grad", N: 1 << 30, D: 1 << 10},
	} {
		if _, err := Run(c); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: %v, want ErrConfig", c, err)
		}
	}
}

// TestNumpy runs a numpy peer when python3 with numpy is installed.
func TestNumpy(t *testing.T) {
	if testing.Short() {
		t.Skip("starts python")
	}
	py, err := FindNumpy()
	if err != nil {
		t.Skip(err)
	}
	r, err := RunNumpy(Config{Workload: "grad", N: 200, D: 5, Threads: 1, Reps: 2}, py)
	if err != nil {
		t.Fatal(err)
	}
	if r.Workload != "grad" || r.N != 200 || !(r.SecondsMin > 0) {
		t.Errorf("numpy result %+v", r)
	}
}

func BenchmarkWorkloads(b *testing.B) {
	for _, c := range []Config{
		{Workload: "grad", N: 20000, D: 100},
		{Workload: "batch", N: 5000, D: 100, M: 64},
		{Workload: "exact", D: 100},
		{Workload: "sample", N: 10000, D: 100},
		{Workload: "stream", N: 10000, D: 100},
	} {
		b.Run(c.Workload, func(b *testing.B) {
			c.Reps = 1
			for b.Loop() {
				if _, err := Run(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
