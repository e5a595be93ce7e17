package sq

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// TraceHeader is the first line of a JSON Lines trace.
type TraceHeader struct {
	Trace    string    `json:"trace"`              // always "sqsim"
	Version  int       `json:"version"`            // format version: 2 (1 for older traces, which have no manifest)
	Manifest *Manifest `json:"manifest,omitempty"` // version 2: the run the trace records
}

func traceHeader(m *Manifest) TraceHeader {
	safe := m.jsonSafe()
	return TraceHeader{Trace: "sqsim", Version: TraceVersion, Manifest: &safe}
}

// ErrTrace is the sentinel of unreadable traces.
var ErrTrace = errors.New("sq: unreadable trace")

// TruncatedError reports a trace whose last line is partial: it has no
// final newline and is not complete JSON, as when the run that wrote it
// was killed mid-write. The reader returns the complete records before it
// with this error. It wraps ErrTrace.
type TruncatedError struct {
	Line     int   // the number (from 1) of the partial line
	Complete int   // the complete entries before it
	Err      error // why the line does not parse
}

func (e *TruncatedError) Error() string {
	return fmt.Sprintf("%v: truncated: line %d is a partial last line (the run was killed mid-write?); the %d complete records before it were read", ErrTrace, e.Line, e.Complete)
}

// Unwrap makes errors.Is(err, ErrTrace) true.
func (e *TruncatedError) Unwrap() error { return ErrTrace }

// Trace is a trace as read by ReadTraceManifest.
type Trace struct {
	Version  int       // the format version: 1 or 2
	Manifest *Manifest // the run the trace records (nil for version 1)
	Entries  []Entry
}

// ReadTrace reads a JSON Lines trace written by WriteJSONL or Stream (see
// ReadTraceManifest, which also returns the manifest).
func ReadTrace(r io.Reader) ([]Entry, error) {
	t, err := ReadTraceManifest(r)
	return t.Entries, err
}

// maxTraceLine is the longest trace line read (1 GiB).
const maxTraceLine = 1 << 30

// ReadTraceManifest reads a JSON Lines trace of version 1 or 2 and checks
// every entry: the required fields are present and sane (seq, name, dim >=
// 1, a finite positive tol, a hexadecimal fingerprint, the norm, an answer
// of dim values), the entries are numbered 0, 1, 2, ... in order (so
// reordered or missing lines are caught), and in version 2 each entry's
// digest matches it (so an edited digit is caught). Errors wrap ErrTrace
// and name the line.
//
// A partial last line (no final newline, not complete JSON: a run killed
// mid-write) returns the complete records before it, with the manifest,
// and a *TruncatedError.
func ReadTraceManifest(r io.Reader) (Trace, error) {
	var t Trace
	br := bufio.NewReaderSize(r, 1<<16)
	line := 0
	for {
		b, last, err := readTraceLine(br)
		if err != nil {
			return Trace{}, fmt.Errorf("%w: line %d: %v", ErrTrace, line+1, err)
		}
		if b == nil {
			break
		}
		line++
		partial := last && b[len(b)-1] != '\n'
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		if t.Version == 0 {
			if err := readHeader(b, &t); err != nil {
				if partial && isSyntax(err) {
					return Trace{}, &TruncatedError{Line: line, Err: err}
				}
				return Trace{}, fmt.Errorf("%w: line %d: %v", ErrTrace, line, err)
			}
			continue
		}
		e, err := parseEntry(b, t.Version)
		if err == nil && e.Seq != len(t.Entries) {
			err = fmt.Errorf("seq %d where %d was due (lines reordered, missing or repeated)", e.Seq, len(t.Entries))
		}
		if err != nil {
			if partial && isSyntax(err) {
				return t, &TruncatedError{Line: line, Complete: len(t.Entries), Err: err}
			}
			return Trace{}, fmt.Errorf("%w: line %d: %v", ErrTrace, line, err)
		}
		t.Entries = append(t.Entries, e)
	}
	if t.Version == 0 {
		return Trace{}, fmt.Errorf("%w: empty input", ErrTrace)
	}
	return t, nil
}

// readTraceLine returns the next line with its newline (nil at the end)
// and whether it is the last one.
func readTraceLine(br *bufio.Reader) ([]byte, bool, error) {
	var out []byte
	for {
		b, err := br.ReadSlice('\n')
		if len(out)+len(b) > maxTraceLine {
			return nil, false, fmt.Errorf("line longer than %d bytes", maxTraceLine)
		}
		switch {
		case err == nil:
			if out == nil {
				return b, false, nil
			}
			return append(out, b...), false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			out = append(out, b...)
		case errors.Is(err, io.EOF):
			out = append(out, b...)
			if len(out) == 0 {
				return nil, true, nil
			}
			return out, true, nil
		default:
			return nil, false, err
		}
	}
}

func isSyntax(err error) bool {
	var se *json.SyntaxError
	return errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF)
}

func readHeader(b []byte, t *Trace) error {
	var h TraceHeader
	if err := json.Unmarshal(b, &h); err != nil {
		if isSyntax(err) {
			return err
		}
		return fmt.Errorf("not a sqsim trace header: %v", err)
	}
	if h.Trace != "sqsim" {
		return errors.New("not a sqsim trace header")
	}
	switch h.Version {
	case 1:
	case 2:
		if h.Manifest == nil {
			return errors.New("a version 2 trace header must carry a manifest")
		}
	default:
		return fmt.Errorf("trace version %d, this sqsim reads versions 1 and 2", h.Version)
	}
	t.Version, t.Manifest = h.Version, h.Manifest
	return nil
}

// unset marks a string field the JSON did not set.
const unset = "\x00unset"

// parseEntry decodes and checks one entry line of a trace of the version.
func parseEntry(b []byte, version int) (Entry, error) {
	e := Entry{Seq: -1, Name: unset, Dim: -1, Tol: math.NaN(), Norm: unset, Digest: unset}
	if err := json.Unmarshal(b, &e); err != nil {
		return Entry{}, err
	}
	switch {
	case e.Seq < 0:
		return Entry{}, fmt.Errorf("seq %d: want a record number >= 0 (missing?)", e.Seq)
	case e.Name == unset:
		return Entry{}, errors.New("no name")
	case e.Dim < 1:
		return Entry{}, fmt.Errorf("dim %d: want >= 1 (missing?)", e.Dim)
	case !(e.Tol > 0) || math.IsInf(e.Tol, 0):
		return Entry{}, fmt.Errorf("tol %v: want a finite positive tolerance (missing?)", e.Tol)
	case math.IsNaN(e.EffTol) || math.IsInf(e.EffTol, 0) || e.EffTol < 0:
		return Entry{}, fmt.Errorf("eff_tol %v: want a finite tolerance >= 0", e.EffTol)
	case !(e.Bound >= 0) || math.IsInf(e.Bound, 0):
		return Entry{}, fmt.Errorf("bound %v: want a finite bound >= 0", e.Bound)
	case e.Norm != "coord" && e.Norm != "l2":
		return Entry{}, fmt.Errorf("norm %q: want coord or l2", strings.TrimPrefix(e.Norm, unset))
	case len(e.Answer) != e.Dim:
		return Entry{}, fmt.Errorf("answer has %d values, dim is %d", len(e.Answer), e.Dim)
	}
	if _, err := strconv.ParseUint(e.Fingerprint, 16, 64); err != nil {
		return Entry{}, fmt.Errorf("fingerprint %q: want a hexadecimal 64-bit fingerprint", e.Fingerprint)
	}
	switch {
	case e.Digest == unset && version >= 2:
		return Entry{}, errors.New("no digest (every version 2 entry has one)")
	case e.Digest == unset:
		e.Digest = ""
	case e.Digest != e.ComputeDigest():
		return Entry{}, fmt.Errorf("digest %s does not match the record (%s): the line was edited or corrupted", e.Digest, e.ComputeDigest())
	}
	return e, nil
}
