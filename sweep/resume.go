package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/sqsim/sqsim/bench"
)

// ErrDir is the sentinel of a results directory that cannot be used: a
// shard file without a manifest, or the records of another spec.
var ErrDir = errors.New("sweep: bad results directory")

// ShardFile is the name of shard i of n in a results directory.
func ShardFile(i, n int) string { return fmt.Sprintf("shard-%d-of-%d.jsonl", i, n) }

// ShardFiles lists the shard files of dir, sorted by name.
func ShardFiles(dir string) ([]string, error) {
	m, err := filepath.Glob(filepath.Join(dir, "shard-*-of-*.jsonl"))
	if err != nil {
		return nil, err
	}
	sort.Strings(m)
	return m, nil
}

// manifestLine is the first line of a shard file and of results.jsonl.
type manifestLine struct {
	Manifest *bench.CommandManifest `json:"manifest"`
}

// specHash returns the spec hash a manifest records ("" if none).
func specHash(m *bench.CommandManifest) string {
	if m == nil || m.Config == nil {
		return ""
	}
	h, _ := m.Config["spec_hash"].(string)
	return h
}

// scanFile reads a shard file: its manifest and every complete record
// (a line cut short by a kill, with no final newline, is ignored). fn is
// called per record in file order.
func scanFile(path string, fn func(Record) error) (*bench.CommandManifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var man *bench.CommandManifest
	for n := 1; ; n++ {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// a line longer than the buffer: gather it
			buf := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				buf = append(buf, line...)
			}
			line = buf
		}
		if err == io.EOF {
			break // a partial last line (or none): ignored
		}
		if err != nil {
			return man, err
		}
		line = bytes.TrimSpace(line)
		if n == 1 {
			var ml manifestLine
			if err := json.Unmarshal(line, &ml); err != nil || ml.Manifest == nil {
				return nil, fmt.Errorf("%w: %s: the first line is not a manifest line {\"manifest\": ...}", ErrDir, path)
			}
			man = ml.Manifest
			continue
		}
		if len(line) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(line, &rec); err != nil {
			return man, fmt.Errorf("%w: %s line %d: %v", ErrDir, path, n, err)
		}
		if err := fn(rec); err != nil {
			return man, err
		}
	}
	if man == nil {
		return nil, fmt.Errorf("%w: %s has no manifest line", ErrDir, path)
	}
	return man, nil
}

// state is what a results directory already holds: per key, whether a
// done record exists, or a failed one.
type state struct {
	done   map[string]bool
	failed map[string]string // key -> the last error
	files  int
}

// readState reads every shard file of dir, checking that each records the
// spec of hash.
func readState(dir, hash string) (*state, error) {
	st := &state{done: map[string]bool{}, failed: map[string]string{}}
	files, err := ShardFiles(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range files {
		if fi, err := os.Stat(p); err == nil && fi.Size() == 0 {
			continue
		}
		man, err := scanFile(p, func(r Record) error {
			if r.Done() {
				st.done[r.Key] = true
				delete(st.failed, r.Key)
			} else if !st.done[r.Key] {
				st.failed[r.Key] = r.Error
			}
			return nil
		})
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, err
			}
			if man == nil {
				// a shard killed before its manifest line was complete holds nothing
				if fi, e := os.Stat(p); e == nil && !hasNewline(p, fi.Size()) {
					continue
				}
			}
			return nil, err
		}
		if h := specHash(man); h != hash {
			return nil, fmt.Errorf("%w: %s holds the records of another spec (spec hash %.12s, this spec's is %.12s); use another --out directory", ErrDir, p, h, hash)
		}
		st.files++
	}
	return st, nil
}

func hasNewline(path string, size int64) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.IndexByte(b, '\n') >= 0 && size > 0
}

// openShard opens shard file path for appending: a partial last line (a
// record cut short by a kill) is cut off first, and an empty file gets
// the manifest line.
func openShard(path string, man bench.CommandManifest) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	end, err := lastNewline(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(end); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := f.Seek(end, io.SeekStart); err != nil {
		f.Close()
		return nil, err
	}
	if end == 0 {
		b, err := json.Marshal(manifestLine{Manifest: &man})
		if err != nil {
			f.Close()
			return nil, err
		}
		if _, err := f.Write(append(b, '\n')); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil // the manifest line is fsynced with the first records (see SyncPolicy)
}

// lastNewline returns the offset just past the last '\n' of f (0 if none).
func lastNewline(f *os.File) (int64, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	size := fi.Size()
	buf := make([]byte, 1<<16)
	for end := size; end > 0; {
		start := max(end-int64(len(buf)), 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && err != io.EOF {
			return 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}
