package oracle_test

import (
	"bytes"
	"errors"
	"math"
	"testing"

	"github.com/sqsim/sqsim/oracle"
	"github.com/sqsim/sqsim/sq"
	"github.com/sqsim/sqsim/world"
)

// replayStep is one query of the replay fixture.
type replayStep struct {
	q   *sq.Query
	tau float64
}

// replayFixture is a fixed sequence of queries, the same one asked twice
// (the noise oracle answers it differently each time), a vector query
// among them.
func replayFixture() []replayStep {
	r := sq.ReluCorr([]float64{1, 0, 0})
	return []replayStep{
		{r, 1e-3}, {sq.Chow(3), 1e-3}, {r, 1e-3}, {sq.GateCorr([]float64{0, 1, 0}), 1e-2},
		{sq.ReluCorr([]float64{0.5, 0.5, 0}), 1e-3}, {r, 2e-3},
	}
}

// recordFixture asks the fixture of a noise oracle through a ledger and
// returns the trace, the entries and the answers.
func recordFixture(t testing.TB, floor float64) ([]byte, []sq.Entry, [][]float64) {
	t.Helper()
	m, err := world.Realizable([]float64{0.6, 0.8, 0})
	if err != nil {
		t.Fatal(err)
	}
	l := sq.NewLedger()
	mw := []oracle.Middleware{oracle.WithLedger(l)}
	if floor > 0 {
		mw = append(mw, oracle.WithMinTol(floor))
	}
	o := oracle.Chain(oracle.Noisy(m, oracle.Uniform, 5), mw...)
	var answers [][]float64
	for _, s := range replayFixture() {
		a, err := sq.AskVec(o, s.q, s.tau)
		if err != nil {
			t.Fatal(err)
		}
		answers = append(answers, a)
	}
	var buf bytes.Buffer
	if err := l.WriteJSONL(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), l.Entries(), answers
}

// runFixture asks the fixture of o and returns the answers until the first
// error.
func runFixture(o sq.Oracle) ([][]float64, error) {
	var out [][]float64
	for _, s := range replayFixture() {
		a, err := sq.AskVec(o, s.q, s.tau)
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

// The replay gives the recorded answers bit for bit, and catches every way
// a learner or a damaged trace can depart from the record.
func TestReplayDetects(t *testing.T) {
	_, entries, answers := recordFixture(t, 0)
	t.Run("bit identical", func(t *testing.T) {
		rp, err := oracle.NewReplay(entries)
		if err != nil {
			t.Fatal(err)
		}
		got, err := runFixture(rp)
		if err != nil {
			t.Fatal(err)
		}
		for i := range answers {
			if !sameBits(got[i], answers[i]) {
				t.Errorf("answer %d: %v, recorded %v", i, got[i], answers[i])
			}
		}
		if rp.Remaining() != 0 || rp.Replayed() != len(answers) || rp.Divergence() != nil {
			t.Errorf("remaining %d replayed %d divergence %v", rp.Remaining(), rp.Replayed(), rp.Divergence())
		}
	})
	edited := func(f func([]sq.Entry)) []sq.Entry {
		es := make([]sq.Entry, len(entries))
		for i, e := range entries {
			e.Answer = append(sq.Floats(nil), e.Answer...)
			es[i] = e
		}
		f(es)
		return es
	}
	cases := []struct {
		name    string
		entries []sq.Entry
		what    string
		index   int
		upFront bool // NewReplay catches it before any query
	}{
		{"an edited answer digit", edited(func(es []sq.Entry) { es[2].Answer[0] += 1e-9 }), "digest", 2, true},
		{"an edited tolerance", edited(func(es []sq.Entry) { es[4].Tol = 1e-2 }), "digest", 4, true},
		{"two entries swapped", edited(func(es []sq.Entry) { es[1], es[2] = es[2], es[1] }), "order", 2, true},
		{"the same query's answers swapped, digests recomputed", edited(func(es []sq.Entry) {
			es[0].Answer, es[2].Answer = es[2].Answer, es[0].Answer
			es[0].Digest, es[2].Digest = es[0].ComputeDigest(), es[2].ComputeDigest()
		}), "", -1, false}, // undetectable by design: a digest is no signature
		{"a different query recorded", edited(func(es []sq.Entry) {
			es[3].Fingerprint = "1234"
			es[3].Digest = es[3].ComputeDigest()
		}), "fingerprint", 3, false},
		{"a tolerance one ulp off", edited(func(es []sq.Entry) {
			es[5].Tol = math.Nextafter(2e-3, 1)
			es[5].Digest = es[5].ComputeDigest()
		}), "tolerance", 5, false},
		{"the trace ends early", entries[:4], "beyond the trace", 4, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := oracle.NewReplay(c.entries)
			if c.upFront != (err != nil) {
				t.Errorf("NewReplay: %v, want an error: %v", err, c.upFront)
			}
			rp := oracle.Replay(c.entries)
			got, err := runFixture(rp)
			if c.index < 0 {
				if err != nil {
					t.Errorf("replay: %v", err)
				}
				return
			}
			var re *oracle.ReplayError
			want := c.index // answers replayed before the divergence
			if c.upFront {
				want = 0 // a damaged trace replays nothing
			}
			if !errors.As(err, &re) || !errors.Is(err, oracle.ErrReplay) || re.What != c.what || re.Index != c.index || len(got) != want {
				t.Fatalf("replay: %d answers, %v (%+v); want a %q ReplayError at answer %d", len(got), err, re, c.what, c.index)
			}
			if d := rp.Divergence(); d != re {
				t.Errorf("Divergence() = %v, want the error returned", d)
			}
			// The divergence sticks: even the recorded query is refused now.
			if c.index < len(c.entries) {
				s := replayFixture()[c.index]
				if _, err := sq.AskVec(rp, s.q, s.tau); !errors.Is(err, oracle.ErrReplay) {
					t.Errorf("after the divergence: %v, want ErrReplay", err)
				}
			}
		})
	}
	t.Run("a short buffer is an error, not a divergence", func(t *testing.T) {
		rp := oracle.Replay(entries)
		s := replayFixture()[1] // Chow(3)
		if _, err := sq.AskVec(rp, replayFixture()[0].q, 1e-3); err != nil {
			t.Fatal(err)
		}
		if err := rp.Answer(s.q, s.tau, make([]float64, 1)); !errors.Is(err, sq.ErrQuery) || rp.Divergence() != nil {
			t.Errorf("short buffer: %v, divergence %v", err, rp.Divergence())
		}
		if err := rp.Answer(nil, 1, nil); !errors.Is(err, sq.ErrQuery) {
			t.Errorf("nil query: %v", err)
		}
	})
}

// A replay reproduces a recorded tolerance floor: a ledger above it records
// the effective tolerances of the trace, and a different floor diverges.
func TestReplayWithMinTol(t *testing.T) {
	const floor = 5e-3
	_, entries, _ := recordFixture(t, floor)
	if entries[0].EffectiveTol() != floor || entries[3].EffectiveTol() != 1e-2 {
		t.Fatalf("fixture: effective tolerances %g, %g", entries[0].EffectiveTol(), entries[3].EffectiveTol())
	}
	t.Run("the recorded floor", func(t *testing.T) {
		l := sq.NewLedger()
		rp := oracle.Replay(entries).WithMinTol(floor)
		if _, err := runFixture(oracle.Chain(rp, oracle.WithLedger(l))); err != nil {
			t.Fatal(err)
		}
		for i, e := range l.Entries() {
			if e.Tol != entries[i].Tol || e.EffTol != entries[i].EffTol {
				t.Errorf("entry %d: tol %g eff %g, recorded %g %g", i, e.Tol, e.EffTol, entries[i].Tol, entries[i].EffTol)
			}
		}
	})
	t.Run("another floor", func(t *testing.T) {
		rp := oracle.Replay(entries).WithMinTol(2 * floor)
		_, err := runFixture(rp)
		var re *oracle.ReplayError
		if !errors.As(err, &re) || re.What != "effective tolerance" || re.Index != 0 {
			t.Errorf("replay under floor %g: %v, want an effective tolerance divergence at 0", 2*floor, err)
		}
	})
}

// A truncated trace replays its complete prefix, then says the learner
// asked beyond it.
func TestReplayTruncated(t *testing.T) {
	data, entries, answers := recordFixture(t, 0)
	tr, err := sq.ReadTraceManifest(bytes.NewReader(data[:len(data)-10]))
	var te *sq.TruncatedError
	if !errors.As(err, &te) || te.Complete != len(entries)-1 {
		t.Fatalf("read: %v, want a TruncatedError with %d complete", err, len(entries)-1)
	}
	rp := oracle.Replay(tr.Entries)
	got, err := runFixture(rp)
	var re *oracle.ReplayError
	if !errors.As(err, &re) || !re.Beyond || len(got) != len(entries)-1 {
		t.Fatalf("%d answers, %v; want the prefix then a Beyond divergence", len(got), err)
	}
	for i := range got {
		if !sameBits(got[i], answers[i]) {
			t.Errorf("answer %d: %v, recorded %v", i, got[i], answers[i])
		}
	}
}

// FuzzReplay: a corrupted, truncated or reordered trace, read and replayed
// against the fixture, never panics, and every answer a version-2 replay
// gives is the recorded one, bit for bit: damage is detected, not replayed.
func FuzzReplay(f *testing.F) {
	data, _, answers := recordFixture(f, 0)
	lines := bytes.SplitAfter(data, []byte("\n"))
	f.Add(data, uint8(0), uint8(0))
	f.Add(data, uint8(1), uint8(2))
	f.Add(data[:len(data)-25], uint8(0), uint8(0))
	f.Add(bytes.Join([][]byte{lines[0], lines[1], lines[3], lines[2]}, nil), uint8(0), uint8(0))
	f.Add(bytes.Replace(data, []byte(`"answer":[0.`), []byte(`"answer":[1.`), 1), uint8(0), uint8(0))
	f.Add(bytes.Replace(data, []byte(`"version":2`), []byte(`"version":1`), 1), uint8(3), uint8(4))
	f.Fuzz(func(t *testing.T, in []byte, i, j uint8) {
		tr, err := sq.ReadTraceManifest(bytes.NewReader(in))
		var te *sq.TruncatedError
		if err != nil && !errors.As(err, &te) {
			return
		}
		es := tr.Entries
		if int(i) < len(es) && int(j) < len(es) {
			es[i], es[j] = es[j], es[i] // reordered after reading: the replay must see it
		}
		got, err := runFixture(oracle.Replay(es))
		if err != nil && !errors.Is(err, oracle.ErrReplay) {
			t.Fatalf("replay error %v does not wrap ErrReplay", err)
		}
		if tr.Version != 2 {
			return // a version-1 trace has no digests: edits go unseen
		}
		for k := range got {
			if !sameBits(got[k], answers[k]) {
				t.Fatalf("answer %d replayed as %v, recorded %v", k, got[k], answers[k])
			}
		}
	})
}
