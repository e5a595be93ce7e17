package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// atomicFile is a file written under a temporary name in the directory of
// its destination and renamed onto it by Commit, so that a reader (or the
// user, after a failed run) sees either the old file or the complete new
// one, never a truncated one. Create it before a long computation: an
// unwritable destination is then reported before any work is done.
//
// A destination that is a symbolic link is resolved (the file it names is
// replaced, the link kept); one that exists and is not a regular file (a
// device such as /dev/stdout, a named pipe) is written directly, since it
// cannot be replaced.
type atomicFile struct {
	path   string
	tmp    *os.File
	buf    *bufio.Writer
	err    error // first write error
	mode   os.FileMode
	direct bool // writing the destination itself (not a regular file)
	done   bool
}

// createAtomic opens a temporary file next to path. It fails when the
// directory is not writable or path names a directory.
func createAtomic(path string) (*atomicFile, error) {
	if path == "" {
		return nil, errors.New("empty file name")
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", path)
		}
		if !st.Mode().IsRegular() {
			f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
			if err != nil {
				return nil, err
			}
			return &atomicFile{path: path, tmp: f, buf: bufio.NewWriterSize(f, 1<<16), direct: true}, nil
		}
		mode = st.Mode().Perm()
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot create a file in %s: %w", dir, err)
	}
	return &atomicFile{path: path, tmp: tmp, buf: bufio.NewWriterSize(tmp, 1<<16), mode: mode}, nil
}

// Write implements io.Writer; after the first error every write fails.
func (a *atomicFile) Write(p []byte) (int, error) {
	if a.err != nil {
		return 0, a.err
	}
	n, err := a.buf.Write(p)
	if err != nil {
		a.err = err
	}
	return n, err
}

// Commit flushes, syncs and closes the temporary file and renames it onto
// the destination. On any error the temporary file is removed and the
// destination is left as it was.
func (a *atomicFile) Commit() error {
	if a.done {
		return nil
	}
	a.done = true
	err := a.err
	if err == nil {
		err = a.buf.Flush()
	}
	if a.direct {
		if cerr := a.tmp.Close(); err == nil {
			err = cerr
		}
		return err
	}
	if err == nil {
		err = a.tmp.Chmod(a.mode)
	}
	if err == nil {
		err = a.tmp.Sync()
	}
	if cerr := a.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(a.tmp.Name(), a.path)
	}
	if err != nil {
		os.Remove(a.tmp.Name())
		return fmt.Errorf("writing %s: %w (the file is unchanged)", a.path, err)
	}
	return nil
}

// Abort discards the temporary file; the destination is left as it was.
// It is a no-op after Commit.
func (a *atomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.tmp.Close()
	if !a.direct {
		os.Remove(a.tmp.Name())
	}
}

// writeFileAtomic writes the file path with write, atomically: write gets a
// temporary file in the same directory, which is renamed onto path only when
// write and every file operation succeeded. On error path is unchanged.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := write(a); err != nil {
		a.Abort()
		return fmt.Errorf("writing %s: %w (the file is unchanged)", path, err)
	}
	return a.Commit()
}

// errWriter wraps a writer (stdout) and keeps its first error, so that a
// command printing many lines can check once at the end that none was
// lost: a failed write of the output is exit status 1, not a silent 0.
type errWriter struct {
	w   io.Writer
	err error
}

func newErrWriter(w io.Writer) *errWriter { return &errWriter{w: w} }

// Write implements io.Writer; after the first error every write fails.
func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		e.err = err
	}
	return n, err
}

// Err returns the first write error, wrapped to say it was the output.
func (e *errWriter) Err() error {
	if e.err == nil {
		return nil
	}
	return fmt.Errorf("writing the output: %w", e.err)
}

// prefixErr prefixes a non-nil error with the command's name.
func prefixErr(cmd string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
