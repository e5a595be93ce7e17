package bench

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
)

// A traced run's first line is its manifest: world, setting, learner and
// options, seed and stream keys, oracle stack, tolerance and build.
func TestTraceManifest(t *testing.T) {
	var buf bytes.Buffer
	cfg := DefaultConfig()
	cfg.D, cfg.Oracle, cfg.Seed, cfg.Learner, cfg.Trace = 3, "noise", 9, "gd", &buf
	cfg.Options = map[string]string{"steps": "4"}
	cfg.Budget = sq.Budget{MaxQueries: 100}
	cfg.Command = []string{"sqsim", "learn", "--d", "3"}
	res, err := Run(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := sq.ReadTraceManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	m := tr.Manifest
	if len(tr.Entries) != res.Summary.Queries {
		t.Errorf("%d entries, %d queries", len(tr.Entries), res.Summary.Queries)
	}
	want := sq.Manifest{
		Command: "sqsim learn", Args: []string{"--d", "3"},
		World:   map[string]any{"dist": "realizable", "d": 3.0, "noise": "none"},
		Setting: sq.ManifestSetting{D: 3, LabelRange: m.Setting.LabelRange},
		Learner: sq.ManifestLearner{Name: "gd", Registered: true, Options: map[string]string{"steps": "4", "tol": "0.001"}},
		Seed:    9,
		Streams: map[string]sq.StreamKey{
			"learner": {Seed: 9, Keys: []uint64{sq.KeyLearner}},
			"world":   {Seed: 9, Keys: []uint64{sq.KeyWorld}},
			"oracle":  {Seed: 9, Keys: []uint64{sq.KeyOracle}},
		},
		Oracle: sq.ManifestOracle{Stack: res.Oracle, Base: "noise", Noise: "uniform", Budget: &cfg.Budget},
		Tol:    1e-3,
		Sqsim:  m.Sqsim, Go: m.Go, VCSRevision: m.VCSRevision, VCSTime: m.VCSTime, VCSModified: m.VCSModified,
	}
	if diff := cmp.Diff(want, *m); diff != "" {
		t.Errorf("manifest (-want +got):\n%s", diff)
	}
	in, err := NewInstance(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := in.World().Setting(); s.LabelMin != m.Setting.LabelRange[0] || s.LabelMax != m.Setting.LabelRange[1] {
		t.Errorf("label range %v, world %+v", m.Setting.LabelRange, s)
	}

	t.Run("a caller's learner is not registered", func(t *testing.T) {
		var buf bytes.Buffer
		cfg := DefaultConfig()
		cfg.D, cfg.Use, cfg.Trace = 3, &hNoTol{}, &buf
		if _, err := Run(cfg); err != nil {
			t.Fatal(err)
		}
		tr, err := sq.ReadTraceManifest(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if l := tr.Manifest.Learner; l.Name != "notol" || l.Registered || l.Options != nil || tr.Manifest.Command != "bench" {
			t.Errorf("manifest learner %+v, command %q", l, tr.Manifest.Command)
		}
	})
	t.Run("a given w* is recorded, and no world stream", func(t *testing.T) {
		var buf bytes.Buffer
		cfg := DefaultConfig()
		cfg.WStar, cfg.D, cfg.Learner, cfg.Trace = []float64{0.6, 0.8}, 0, "chow", &buf
		if _, err := Run(cfg); err != nil {
			t.Fatal(err)
		}
		tr, err := sq.ReadTraceManifest(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := tr.Manifest.World["wstar"].([]any)
		if len(w) != 2 || w[0] != 0.6 || tr.Manifest.Streams["world"].Keys != nil {
			t.Errorf("world %v, streams %v", tr.Manifest.World, tr.Manifest.Streams)
		}
	})
	t.Run("the tolerance floor of the stack", func(t *testing.T) {
		o := oracle.Chain(oracle.Exact(in.World()), oracle.WithLedger(sq.NewLedger()), oracle.WithMinTol(0.02))
		if got := in.Manifest(nil, 0, o).MinTol; got != 0.02 {
			t.Errorf("min_tol %g, want 0.02", got)
		}
		if got := in.Manifest(nil, 0, oracle.Exact(in.World())).MinTol; got != 0 {
			t.Errorf("min_tol without a floor %g, want 0", got)
		}
	})
}

// Runs use a summary-only ledger unless Config.Records asks for the
// entries; the trace streams either way, and the counts agree.
func TestRunLedgerKind(t *testing.T) {
	var runs []Result
	for _, records := range []bool{false, true} {
		var buf bytes.Buffer
		cfg := DefaultConfig()
		cfg.D, cfg.Options, cfg.Records, cfg.Trace = 3, map[string]string{"steps": "6"}, records, &buf
		res, err := Run(cfg)
		if err != nil {
			t.Fatal(err)
		}
		es, err := sq.ReadTrace(&buf)
		if err != nil || len(es) != res.Summary.Queries+res.Summary.Free {
			t.Errorf("records %v: trace of %d entries, %v; summary %+v", records, len(es), err, res.Summary)
		}
		if n := len(res.Ledger.Entries()); records && n != len(es) || !records && n != 0 {
			t.Errorf("records %v: the ledger kept %d entries", records, n)
		}
		runs = append(runs, res)
	}
	a, b := runs[0].Summary, runs[1].Summary
	a.WallNanos, b.WallNanos = 0, 0
	if a != b {
		t.Errorf("summaries differ: %+v and %+v", a, b)
	}
}
