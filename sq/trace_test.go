package sq_test

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqsim/sqsim/sq"
)

// testManifest is a manifest with every kind of field set.
func testManifest() sq.Manifest {
	m := sq.NewManifest("sqsim learn", "--d", "2", "--seed", "7")
	m.World = map[string]any{"dist": "noisy", "d": 2, "noise_var": 0.01, "odd": math.Inf(1)}
	m.SetSetting(sq.Setting{D: 2, LabelMin: math.Inf(-1), LabelMax: math.Inf(1)})
	m.Learner = sq.ManifestLearner{Name: "gd", Registered: true, Options: map[string]string{"tol": "0.001", "steps": "3"}}
	m.Seed = 7
	m.Streams = map[string]sq.StreamKey{"learner": {Seed: 7, Keys: []uint64{sq.KeyLearner}}}
	m.Oracle = sq.ManifestOracle{Stack: "ledger(floor[0.01](noise(uniform)))", Base: "noise", Noise: "uniform", Budget: &sq.Budget{MaxQueries: 9}}
	m.Tol, m.MinTol = 1e-3, 1e-2
	return m
}

// recordTrace records n queries (every third one free, one vector query)
// into a ledger streaming to a buffer, and returns the trace and entries.
func recordTrace(t testing.TB, n int) ([]byte, []sq.Entry) {
	t.Helper()
	l := sq.NewLedger()
	var buf bytes.Buffer
	l.StreamWithManifest(&buf, testManifest())
	for i := range n {
		switch {
		case i%3 == 2:
			l.Record(sq.Chow(2), 1e-12, []float64{0, 0}, sq.Info{Oracle: "setting", Free: true})
		case i == 1:
			l.Record(sq.GateCorr([]float64{1, float64(i)}), 1e-3, []float64{0.25, -1.5}, sq.Info{Oracle: "noise", EffTol: 1e-2})
		default:
			l.Record(sq.ReluCorr([]float64{1, float64(i)}), 1e-3, []float64{0.1 * float64(i)}, sq.Info{Oracle: "noise", Nanos: int64(i)})
		}
	}
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	lastLedger = l
	return buf.Bytes(), l.Entries()
}

// lastLedger is the ledger of the last recordTrace.
var lastLedger *sq.Ledger

// The first line of a trace is its manifest; the reader returns it and the
// entries, every field bit for bit.
func TestTraceManifestRoundTrip(t *testing.T) {
	data, entries := recordTrace(t, 7)
	recordLedger := lastLedger
	first, _, _ := bytes.Cut(data, []byte("\n"))
	var head map[string]json.RawMessage
	if err := json.Unmarshal(first, &head); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"trace", "version", "manifest"} {
		t.Run("header has "+k, func(t *testing.T) {
			if _, ok := head[k]; !ok {
				t.Errorf("header %s lacks %q", first, k)
			}
		})
	}
	if !bytes.HasPrefix(first, []byte(`{"trace":"sqsim","version":2,"manifest":{`)) {
		t.Errorf("header %s: want {\"trace\":\"sqsim\",\"version\":2,\"manifest\":{...}}", first)
	}
	tr, err := sq.ReadTraceManifest(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Version != 2 || tr.Manifest == nil {
		t.Fatalf("version %d, manifest %v", tr.Version, tr.Manifest)
	}
	want := testManifest()
	want.World["odd"] = "+Inf" // non-finite world values are written as Floats writes them
	want.World["d"] = 2.0      // JSON numbers come back as float64
	if diff := cmp.Diff(want, *tr.Manifest); diff != "" {
		t.Errorf("manifest read back (-want +got):\n%s", diff)
	}
	set, err := tr.Manifest.SettingValue()
	if err != nil || set.D != 2 || !math.IsInf(set.LabelMin, -1) || !math.IsInf(set.LabelMax, 1) {
		t.Errorf("setting %+v, %v", set, err)
	}
	if diff := cmp.Diff(entries, tr.Entries); diff != "" {
		t.Errorf("entries read back (-recorded +read):\n%s", diff)
	}
	t.Run("WriteJSONL writes the streamed trace", func(t *testing.T) {
		var w bytes.Buffer
		if err := recordLedger.WriteJSONL(&w); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Bytes(), data) {
			t.Errorf("WriteJSONL:\n%s\nStream:\n%s", w.Bytes(), data)
		}
	})
	t.Run("a learner stream key names the learner's stream", func(t *testing.T) {
		k := tr.Manifest.Streams["learner"]
		if a, b := k.Rand().Uint64(), sq.Stream(7, sq.KeyLearner).Uint64(); a != b {
			t.Errorf("StreamKey.Rand gives %x, sq.Stream(7, KeyLearner) %x", a, b)
		}
	})
	t.Run("the build is stamped or said to be unknown", func(t *testing.T) {
		m := tr.Manifest
		if m.Go == "" || m.Sqsim == "" || m.VCSRevision == "" {
			t.Errorf("build fields: go %q sqsim %q vcs %q", m.Go, m.Sqsim, m.VCSRevision)
		}
		// go test builds without VCS stamping: the manifest says so.
		if m.VCSModified == nil && !strings.HasPrefix(m.VCSRevision, "unknown (") {
			t.Errorf("vcs_revision %q without vcs.modified: want a sentence saying it is unknown", m.VCSRevision)
		}
	})
}

// Version-1 traces (a bare header, entries without digest) still read.
func TestReadTraceVersion1(t *testing.T) {
	v1 := `{"trace":"sqsim","version":1}
{"seq":0,"round":0,"name":"y*x","class":"correlational","bound":1,"dim":2,"tol":0.001,"norm":"coord","free":false,"answer":[0.5,"NaN"],"ns":10,"fp":"ab12","oracle":"exact"}
{"seq":1,"round":1,"name":"y","class":"correlational","bound":1,"dim":1,"tol":0.001,"norm":"l2","free":false,"answer":[1],"ns":10,"fp":"ff","oracle":"exact"}
`
	tr, err := sq.ReadTraceManifest(strings.NewReader(v1))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Version != 1 || tr.Manifest != nil || len(tr.Entries) != 2 || !math.IsNaN(tr.Entries[0].Answer[1]) || tr.Entries[0].Digest != "" {
		t.Errorf("read %+v", tr)
	}
	es, err := sq.ReadTrace(strings.NewReader(v1))
	if err != nil || len(es) != 2 {
		t.Errorf("ReadTrace: %d entries, %v", len(es), err)
	}
}

// A partial last line (a run killed mid-write) gives the complete prefix
// with a *TruncatedError naming the line and the count.
func TestReadTraceTruncated(t *testing.T) {
	data, entries := recordTrace(t, 6)
	lines := bytes.SplitAfter(data, []byte("\n"))
	lines = lines[:len(lines)-1] // the empty string after the final newline
	last := lines[len(lines)-1]
	for _, cut := range []int{1, len(last) / 2, len(last) - 2} {
		t.Run(fmt.Sprintf("cut %d bytes into the last line", cut), func(t *testing.T) {
			in := append(bytes.Join(lines[:len(lines)-1], nil), last[:cut]...)
			tr, err := sq.ReadTraceManifest(bytes.NewReader(in))
			var te *sq.TruncatedError
			if !errors.As(err, &te) || !errors.Is(err, sq.ErrTrace) {
				t.Fatalf("err %v, want a *TruncatedError wrapping ErrTrace", err)
			}
			if te.Line != len(lines) || te.Complete != len(entries)-1 || len(tr.Entries) != len(entries)-1 || tr.Manifest == nil {
				t.Errorf("line %d complete %d, %d entries (manifest %v); want line %d and %d complete", te.Line, te.Complete, len(tr.Entries), tr.Manifest != nil, len(lines), len(entries)-1)
			}
			if diff := cmp.Diff(entries[:len(entries)-1], tr.Entries); diff != "" {
				t.Errorf("prefix (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), "partial last line") || !strings.Contains(err.Error(), fmt.Sprintf("%d complete records", len(entries)-1)) {
				t.Errorf("message %q does not say what happened", err)
			}
			es, err := sq.ReadTrace(bytes.NewReader(in))
			if !errors.As(err, &te) || len(es) != len(entries)-1 {
				t.Errorf("ReadTrace: %d entries, %v; want the prefix and the TruncatedError", len(es), err)
			}
		})
	}
	t.Run("the last line complete but for its newline is complete", func(t *testing.T) {
		tr, err := sq.ReadTraceManifest(bytes.NewReader(bytes.TrimSuffix(data, []byte("\n"))))
		if err != nil || len(tr.Entries) != len(entries) {
			t.Errorf("%d entries, %v", len(tr.Entries), err)
		}
	})
	t.Run("a partial header", func(t *testing.T) {
		_, err := sq.ReadTraceManifest(bytes.NewReader(lines[0][:20]))
		var te *sq.TruncatedError
		if !errors.As(err, &te) || te.Complete != 0 || te.Line != 1 {
			t.Errorf("err %v, want a TruncatedError at line 1 with no records", err)
		}
	})
	t.Run("a bad line in the middle is not a truncation", func(t *testing.T) {
		in := bytes.Join([][]byte{lines[0], lines[1], []byte(`{"seq":1,"na` + "\n"), lines[2]}, nil)
		tr, err := sq.ReadTraceManifest(bytes.NewReader(in))
		var te *sq.TruncatedError
		if err == nil || errors.As(err, &te) || !errors.Is(err, sq.ErrTrace) || len(tr.Entries) != 0 || !strings.Contains(err.Error(), "line 3") {
			t.Errorf("err %v (%d entries), want a plain ErrTrace naming line 3", err, len(tr.Entries))
		}
	})
}

// Entries without the required fields, with insane values, out of order, or
// with an edited value are refused, naming the line.
func TestReadTraceRejects(t *testing.T) {
	data, _ := recordTrace(t, 4)
	lines := bytes.SplitAfter(data, []byte("\n"))
	header, e0, e1 := string(lines[0]), string(lines[1]), string(lines[2])
	good := strings.TrimSpace(e0)
	set := func(line, key, val string) string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if val == "" {
			delete(m, key)
		} else {
			m[key] = json.RawMessage(val)
		}
		b, _ := json.Marshal(m)
		return string(b) + "\n"
	}
	cases := []struct {
		name, in, want string
	}{
		{"empty input", "", "empty input"},
		{"not a header", "{}\n", "not a sqsim trace header"},
		{"version 2 without manifest", `{"trace":"sqsim","version":2}` + "\n", "must carry a manifest"},
		{"unknown version", `{"trace":"sqsim","version":3,"manifest":{}}` + "\n", "version 3"},
		{"phantom {}", header + "{}\n", "line 2: seq -1"},
		{"no name", header + set(good, "name", ""), "no name"},
		{"dim 0", header + set(good, "dim", "0"), "dim 0"},
		{"no tol", header + set(good, "tol", ""), "tol NaN"},
		{"negative tol", header + set(good, "tol", "-1"), "tol -1"},
		{"NaN tol", header + set(good, "tol", `"NaN"`), "line 2"},
		{"no fingerprint", header + set(good, "fp", ""), "fingerprint"},
		{"bad fingerprint", header + set(good, "fp", `"xyz"`), "fingerprint"},
		{"bad norm", header + set(good, "norm", `"l7"`), "norm"},
		{"short answer", header + set(good, "answer", "[]"), "answer has 0 values"},
		{"no digest", header + set(good, "digest", ""), "no digest"},
		{"reordered", header + e1 + e0, "seq 1 where 0 was due"},
		{"repeated", header + e0 + e0, "line 3: seq 0 where 1 was due"},
		{"missing line", header + e1, "seq 1 where 0 was due"},
		{"edited answer digit", header + strings.Replace(e0, `"answer":[0`, `"answer":[1`, 1), "line 2: digest"},
		{"edited seq and order", header + set(e1, "seq", "0"), "line 2: digest"},
		{"edited tolerance", header + strings.Replace(e0, `"tol":0.001`, `"tol":0.002`, 1), "digest"},
		{"bad JSON in the middle", header + "not json\n" + e0, "line 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := sq.ReadTraceManifest(strings.NewReader(c.in))
			var te *sq.TruncatedError
			if !errors.Is(err, sq.ErrTrace) || errors.As(err, &te) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want ErrTrace containing %q", err, c.want)
			}
		})
	}
}

// Record refuses what it cannot record honestly, never panicking: the
// error is kept for Err, nothing is counted, and the stream stops there.
func TestRecordRefuses(t *testing.T) {
	q := sq.Chow(3)
	cases := []struct {
		name string
		q    *sq.Query
		tau  float64
		ans  []float64
		info sq.Info
		want error
	}{
		{"nil query", nil, 0.1, []float64{1}, sq.Info{}, sq.ErrQuery},
		{"answer shorter than dim", q, 0.1, []float64{1, 2}, sq.Info{}, sq.ErrQuery},
		{"nil answer", q, 0.1, nil, sq.Info{}, sq.ErrQuery},
		{"dim 0", &sq.Query{Name: "z", Dim: 0}, 0.1, nil, sq.Info{}, sq.ErrQuery},
		{"NaN tolerance", q, math.NaN(), []float64{1, 2, 3}, sq.Info{}, sq.ErrTolerance},
		{"infinite tolerance", q, math.Inf(1), []float64{1, 2, 3}, sq.Info{}, sq.ErrTolerance},
		{"zero tolerance", q, 0, []float64{1, 2, 3}, sq.Info{}, sq.ErrTolerance},
		{"NaN effective tolerance", q, 0.1, []float64{1, 2, 3}, sq.Info{EffTol: math.NaN()}, sq.ErrTolerance},
		{"infinite effective tolerance", q, 0.1, []float64{1, 2, 3}, sq.Info{EffTol: math.Inf(1)}, sq.ErrTolerance},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lk := range traceLedgerKinds {
				t.Run(lk.name, func(t *testing.T) {
					l := lk.new()
					var buf bytes.Buffer
					l.StreamWithManifest(&buf, sq.NewManifest("test"))
					good := sq.ReluCorr([]float64{1, 0, 0})
					l.Record(good, 0.1, []float64{0.5}, sq.Info{})
					l.Record(c.q, c.tau, c.ans, c.info)
					l.Record(good, 0.1, []float64{0.5}, sq.Info{})
					err := l.Err()
					if !errors.Is(err, sq.ErrLedger) || !errors.Is(err, c.want) || !strings.Contains(err.Error(), "entry 1") {
						t.Errorf("Err() = %v, want ErrLedger and %v naming entry 1", err, c.want)
					}
					if s := l.Summary(); s.Queries != 2 {
						t.Errorf("%d queries counted, want the 2 good ones", s.Queries)
					}
					// The stream stops at the refusal: the trace is a consistent prefix.
					tr, rerr := sq.ReadTraceManifest(&buf)
					if rerr != nil || len(tr.Entries) != 1 {
						t.Errorf("trace: %d entries, %v; want the 1 before the refusal", len(tr.Entries), rerr)
					}
				})
			}
		})
	}
	t.Run("Stream after entries is refused", func(t *testing.T) {
		l := sq.NewLedger()
		l.Record(sq.ReluCorr([]float64{1}), 0.1, []float64{0.5}, sq.Info{})
		l.Stream(&bytes.Buffer{})
		if err := l.Err(); !errors.Is(err, sq.ErrLedger) {
			t.Errorf("Err() = %v, want ErrLedger", err)
		}
	})
}

// A non-finite answer is recorded, streamed and read back bit for bit, and
// later entries keep streaming (a non-finite tolerance is refused instead,
// see TestRecordRefuses).
func TestTraceNonFinite(t *testing.T) {
	l := sq.NewSummaryLedger()
	var buf bytes.Buffer
	m := sq.NewManifest("test")
	m.World = map[string]any{"nan": math.NaN(), "v": []float64{math.Inf(-1), 1}}
	l.StreamWithManifest(&buf, m)
	l.Record(sq.Chow(3), 0.1, []float64{math.NaN(), math.Inf(1), math.Inf(-1)}, sq.Info{})
	l.Record(sq.Chow(3), 0.1, []float64{1, 2, math.Copysign(0, -1)}, sq.Info{})
	if err := l.Err(); err != nil {
		t.Fatal(err)
	}
	tr, err := sq.ReadTraceManifest(&buf)
	if err != nil || len(tr.Entries) != 2 {
		t.Fatalf("%d entries, %v", len(tr.Entries), err)
	}
	a := tr.Entries[0].Answer
	if !math.IsNaN(a[0]) || !math.IsInf(a[1], 1) || !math.IsInf(a[2], -1) || !math.Signbit(tr.Entries[1].Answer[2]) {
		t.Errorf("answers %v %v", a, tr.Entries[1].Answer)
	}
	if tr.Manifest.World["nan"] != "NaN" {
		t.Errorf("world %v: want the NaN written as \"NaN\"", tr.Manifest.World)
	}
	t.Run("a manifest that cannot be written is an error, not a silent gap", func(t *testing.T) {
		l := sq.NewSummaryLedger()
		m := sq.NewManifest("test")
		m.Tol = math.NaN()
		var buf bytes.Buffer
		l.StreamWithManifest(&buf, m)
		l.Record(sq.Chow(1), 0.1, []float64{1}, sq.Info{})
		if err := l.Err(); err == nil || buf.Len() != 0 || l.Summary().Queries != 1 {
			t.Errorf("Err() = %v, %d bytes written, %d queries counted", err, buf.Len(), l.Summary().Queries)
		}
	})
}

// MinAskedTol is the smallest asked tolerance of a non-free entry, in a
// summary-only ledger too.
func TestMinAskedTol(t *testing.T) {
	for _, lk := range traceLedgerKinds {
		t.Run(lk.name, func(t *testing.T) {
			l := lk.new()
			if l.MinAskedTol() != 0 {
				t.Errorf("empty ledger: %g", l.MinAskedTol())
			}
			l.Record(sq.Chow(1), 1e-12, []float64{0}, sq.Info{Free: true})
			l.Record(sq.Chow(1), 0.3, []float64{0}, sq.Info{EffTol: 0.5})
			l.Record(sq.Chow(1), 0.2, []float64{0}, sq.Info{})
			l.Record(sq.Chow(1), 0.4, []float64{0}, sq.Info{})
			if got := l.MinAskedTol(); got != 0.2 {
				t.Errorf("MinAskedTol %g, want 0.2", got)
			}
		})
	}
}

// ComputeDigest is FNV-1a 64 (checked against hash/fnv) of the canonical
// little-endian encoding of the fields, and every field changes it.
func TestComputeDigest(t *testing.T) {
	e := sq.Entry{Seq: 3, Round: 2, Name: "y*x", Class: "correlational", Bound: 1, Dim: 2, Tol: 1e-3, EffTol: 1e-2,
		Norm: "l2", Free: true, Answer: sq.Floats{0.5, math.NaN()}, Nanos: 7, Fingerprint: "ab", Oracle: "exact", Samples: 9, Pool: true}
	h := fnv.New64a()
	u := func(x uint64) { h.Write(binary.LittleEndian.AppendUint64(nil, x)) }
	s := func(x string) { u(uint64(len(x))); h.Write([]byte(x)) }
	f := func(x float64) { u(math.Float64bits(x)) }
	s("sqsim trace entry v2")
	u(3)
	u(2)
	s("y*x")
	s("correlational")
	f(1)
	u(2)
	f(1e-3)
	f(1e-2)
	s("l2")
	u(1)
	u(2)
	f(0.5)
	f(math.NaN())
	u(7)
	s("ab")
	s("exact")
	u(9)
	u(1)
	if got, want := e.ComputeDigest(), fmt.Sprintf("%016x", h.Sum64()); got != want {
		t.Errorf("digest %s, hash/fnv gives %s", got, want)
	}
	base := e.ComputeDigest()
	for name, edit := range map[string]func(*sq.Entry){
		"seq": func(e *sq.Entry) { e.Seq++ }, "round": func(e *sq.Entry) { e.Round++ }, "name": func(e *sq.Entry) { e.Name = "y" },
		"class": func(e *sq.Entry) { e.Class = "" }, "bound": func(e *sq.Entry) { e.Bound = 2 }, "dim": func(e *sq.Entry) { e.Dim = 3 },
		"tol": func(e *sq.Entry) { e.Tol = math.Nextafter(1e-3, 1) }, "eff_tol": func(e *sq.Entry) { e.EffTol = 0 },
		"norm": func(e *sq.Entry) { e.Norm = "coord" }, "free": func(e *sq.Entry) { e.Free = false },
		"answer": func(e *sq.Entry) { e.Answer = sq.Floats{0.5, 1} }, "ns": func(e *sq.Entry) { e.Nanos = 8 },
		"fp": func(e *sq.Entry) { e.Fingerprint = "ac" }, "oracle": func(e *sq.Entry) { e.Oracle = "noise" },
		"samples": func(e *sq.Entry) { e.Samples = 0 }, "pool": func(e *sq.Entry) { e.Pool = false },
	} {
		t.Run("changing "+name, func(t *testing.T) {
			c := e
			c.Answer = append(sq.Floats(nil), e.Answer...)
			edit(&c)
			if c.ComputeDigest() == base {
				t.Errorf("changing %s leaves the digest %s", name, base)
			}
		})
	}
}

// Observe sees every recorded entry, in order, with its digest, from a
// summary-only ledger too; refused entries are not observed.
func TestLedgerObserve(t *testing.T) {
	l := sq.NewSummaryLedger()
	var seen []sq.Entry
	l.Observe(func(e sq.Entry) { seen = append(seen, e) })
	l.Record(sq.Chow(2), 0.1, []float64{1, 2}, sq.Info{})
	l.Record(sq.Chow(2), 0.1, []float64{1}, sq.Info{}) // refused: short answer
	l.Record(sq.Chow(2), 1e-12, []float64{3, 4}, sq.Info{Free: true})
	if len(seen) != 2 || seen[0].Seq != 0 || seen[1].Seq != 1 || !seen[1].Free || seen[1].Answer[1] != 4 {
		t.Fatalf("observed %+v", seen)
	}
	for _, e := range seen {
		if e.Digest == "" || e.Digest != e.ComputeDigest() {
			t.Errorf("entry %d: digest %q", e.Seq, e.Digest)
		}
	}
}

// traceLedgerKinds are the two kinds of ledger, for tests that run on both.
var traceLedgerKinds = []struct {
	name string
	new  func() *sq.Ledger
}{{"full", sq.NewLedger}, {"summary-only", sq.NewSummaryLedger}}
