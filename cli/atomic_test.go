package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sqsim/sqsim/hardness"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	t.Run("writes", func(t *testing.T) {
		if err := writeFileAtomic(path, func(w io.Writer) error { _, err := io.WriteString(w, "hello\n"); return err }); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(path); err != nil || string(b) != "hello\n" {
			t.Errorf("%q, %v", b, err)
		}
		if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
	})
	t.Run("a failed write leaves the old file", func(t *testing.T) {
		boom := errors.New("disk full")
		err := writeFileAtomic(path, func(w io.Writer) error {
			io.WriteString(w, "partial")
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("err %v, want %v", err, boom)
		}
		if b, _ := os.ReadFile(path); string(b) != "hello\n" {
			t.Errorf("file now %q, want the old content", b)
		}
	})
	t.Run("an unwritable place fails before writing", func(t *testing.T) {
		called := false
		for _, p := range []string{filepath.Join(dir, "missing", "x"), dir, ""} {
			err := writeFileAtomic(p, func(io.Writer) error { called = true; return nil })
			if err == nil || called {
				t.Errorf("%q: err %v, write called %v", p, err, called)
			}
		}
	})
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("%d files in the directory, want 1 (no temporary files left)", len(ents))
	}
}

func TestErrWriter(t *testing.T) {
	var b strings.Builder
	ew := newErrWriter(&b)
	fmt.Fprint(ew, "ok")
	if ew.Err() != nil || b.String() != "ok" {
		t.Errorf("err %v, wrote %q", ew.Err(), b.String())
	}
	ew = newErrWriter(failWriter{})
	fmt.Fprint(ew, "lost")
	fmt.Fprint(ew, "lost again")
	if err := ew.Err(); err == nil || !strings.Contains(err.Error(), "no space left") {
		t.Errorf("err %v, want the first write error", err)
	}
}

// TestTrajectory: up to trajFull records the report is thinRecords of all
// of them (unchanged); beyond, it keeps the first, the last and the forced
// ones in bounded memory.
func TestTrajectory(t *testing.T) {
	mk := func(n int, forced func(int) bool) (*trajectory, []hardness.Record) {
		tr := &trajectory{}
		var all []hardness.Record
		for i := 0; i < n; i++ {
			r := hardness.Record{Seq: i, Survivors: fmt.Sprint(n - i), Forced: forced(i)}
			all = append(all, r)
			tr.add(r)
		}
		return tr, all
	}
	t.Run("small: as thinRecords", func(t *testing.T) {
		tr, all := mk(5000, func(i int) bool { return i%1000 == 7 })
		for _, n := range []int{24, 200} {
			if diff := cmp.Diff(thinRecords(all, n), tr.shown(n)); diff != "" {
				t.Errorf("n = %d (-want +got):\n%s", n, diff)
			}
		}
	})
	t.Run("large: bounded, first, last and forced kept", func(t *testing.T) {
		const n = 100000
		tr, _ := mk(n, func(i int) bool { return i == 54321 })
		if len(tr.recs) > 3000 || tr.n != n {
			t.Errorf("kept %d of %d records", len(tr.recs), tr.n)
		}
		got := tr.shown(24)
		if len(got) > 40 || got[0].Seq != 0 || got[len(got)-1].Seq != n-1 {
			t.Fatalf("%d shown, first %d, last %d", len(got), got[0].Seq, got[len(got)-1].Seq)
		}
		found := false
		for i, r := range got {
			found = found || r.Seq == 54321
			if i > 0 && r.Seq <= got[i-1].Seq {
				t.Errorf("not increasing at %d: %d after %d", i, r.Seq, got[i-1].Seq)
			}
		}
		if !found {
			t.Errorf("forced record 54321 not shown")
		}
	})
}
