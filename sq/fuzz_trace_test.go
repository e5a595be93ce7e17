package sq_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/sqsim/sqsim/sq"
)

// FuzzReadTrace: on any input the reader returns, without panicking,
// either an error and nothing, or entries that satisfy every invariant a
// trace promises (numbered 0, 1, ... in order, sane fields, digests that
// match in version 2), the complete prefix with a *TruncatedError, and a
// version-2 trace it read writes back to the same entries.
func FuzzReadTrace(f *testing.F) {
	data, _ := recordTrace(f, 7)
	lines := bytes.SplitAfter(data, []byte("\n"))
	f.Add(data)
	f.Add(data[:len(data)-7])                                            // truncated
	f.Add(bytes.Join([][]byte{lines[0], lines[2], lines[1]}, nil))       // reordered
	f.Add(bytes.Join([][]byte{lines[0], []byte("{}\n"), lines[1]}, nil)) // phantom
	f.Add(bytes.Replace(data, []byte(`"answer":[0`), []byte(`"answer":[3`), 1))
	f.Add([]byte(`{"trace":"sqsim","version":1}` + "\n" +
		`{"seq":0,"round":0,"name":"y","class":"correlational","bound":1,"dim":1,"tol":0.001,"norm":"coord","free":false,"answer":["NaN"],"ns":1,"fp":"a","oracle":"x"}` + "\n"))
	f.Add([]byte(""))
	f.Add([]byte("\n\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		tr, err := sq.ReadTraceManifest(bytes.NewReader(in))
		var te *sq.TruncatedError
		truncated := errors.As(err, &te)
		if err != nil && !errors.Is(err, sq.ErrTrace) {
			t.Fatalf("error %v does not wrap ErrTrace", err)
		}
		if err != nil && !truncated {
			if tr.Version != 0 || tr.Manifest != nil || tr.Entries != nil {
				t.Fatalf("error %v with a non-empty trace %+v", err, tr)
			}
			return
		}
		if truncated && te.Complete != len(tr.Entries) {
			t.Fatalf("TruncatedError says %d complete, %d returned", te.Complete, len(tr.Entries))
		}
		if tr.Version == 0 && len(tr.Entries) > 0 {
			t.Fatalf("entries without a header")
		}
		if tr.Version == 2 && tr.Manifest == nil {
			t.Fatalf("a version 2 trace without manifest")
		}
		for i, e := range tr.Entries {
			switch {
			case e.Seq != i:
				t.Fatalf("entry %d has seq %d", i, e.Seq)
			case e.Dim < 1 || len(e.Answer) != e.Dim:
				t.Fatalf("entry %d: dim %d, %d answers", i, e.Dim, len(e.Answer))
			case !(e.Tol > 0) || math.IsInf(e.Tol, 0):
				t.Fatalf("entry %d: tol %v", i, e.Tol)
			case tr.Version == 2 && e.Digest != e.ComputeDigest():
				t.Fatalf("entry %d: digest %s, computed %s", i, e.Digest, e.ComputeDigest())
			}
		}
		if tr.Version != 2 || truncated {
			return
		}
		// Written back, the entries read the same.
		var buf bytes.Buffer
		h, err := json.Marshal(sq.TraceHeader{Trace: "sqsim", Version: 2, Manifest: tr.Manifest})
		if err != nil {
			return // a manifest value JSON cannot write (the reader kept what it read)
		}
		buf.Write(append(h, '\n'))
		for _, e := range tr.Entries {
			b, err := json.Marshal(e)
			if err != nil {
				t.Fatalf("entry %d does not encode: %v", e.Seq, err)
			}
			buf.Write(append(b, '\n'))
		}
		again, err := sq.ReadTraceManifest(&buf)
		if err != nil {
			t.Fatalf("written back: %v\n%s", err, buf.Bytes())
		}
		if diff := cmp.Diff(tr.Entries, again.Entries, cmpopts.EquateNaNs(), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("written back (-first +second):\n%s", diff)
		}
	})
}
