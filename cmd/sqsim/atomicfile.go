package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// atomicFile is a file a user keeps, written in full or not at all: the
// bytes go to a temporary file in the same directory, which Commit renames
// over the destination (on the same file system, a rename is atomic), so a
// failed or interrupted write leaves the user's earlier document whole.
// Abort (or a Commit that fails) removes the temporary file.
//
// A destination that is a symbolic link is resolved (the file it names is
// replaced, the link kept); one that exists and is not a regular file (a
// device such as /dev/stdout, a named pipe) is written directly, since it
// cannot be replaced.
type atomicFile struct {
	*os.File
	path   string
	direct bool // writing the destination itself (not a regular file)
	done   bool
}

// createAtomic opens a temporary file next to path. The error names path.
func createAtomic(path string) (*atomicFile, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
		if st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
		if err != nil {
			return nil, err
		}
		return &atomicFile{File: f, path: path, direct: true}, nil
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &atomicFile{File: tmp, path: path}, nil
}

// Commit closes the temporary file, gives it the mode of the file it
// replaces (0644 for a new file) and renames it over the destination.
func (f *atomicFile) Commit() error {
	if f.done {
		return nil
	}
	f.done = true
	if f.direct {
		return f.File.Close()
	}
	err := f.File.Sync()
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	mode := os.FileMode(0o644)
	if st, serr := os.Stat(f.path); serr == nil {
		mode = st.Mode().Perm()
	}
	if err == nil {
		err = os.Chmod(f.Name(), mode)
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w (the file is unchanged)", f.path, err)
	}
	return nil
}

// Abort closes and removes the temporary file; the destination is
// unchanged. It is a no-op after Commit.
func (f *atomicFile) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.File.Close()
	if !f.direct {
		os.Remove(f.Name())
	}
}

// atomicWrite writes path in full or not at all with write (see
// atomicFile).
func atomicWrite(path string, write func(io.Writer) error) error {
	f, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		return fmt.Errorf("writing %s: %w (the file is unchanged)", path, err)
	}
	return f.Commit()
}

// trackingWriter remembers the first error of the writer it wraps, so that
// a command whose text output is written with fmt.Fprintf (which drops the
// error) can still report a lost stdout: exit status 1 with a message.
type trackingWriter struct {
	w   io.Writer
	err error
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	n, err := t.w.Write(p)
	if err != nil {
		t.err = err
	}
	return n, err
}

// Err returns the first write error, naming stdout.
func (t *trackingWriter) Err() error {
	if t.err == nil {
		return nil
	}
	return fmt.Errorf("writing the output: %w", t.err)
}

// prefixErr prefixes a non-nil error with the command's name.
func prefixErr(cmd string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", cmd, err)
}
