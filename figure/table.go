package figure

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// MaxLineBytes is the longest JSON Lines record the readers accept, and
// MaxRows the most records (a figure of more points than MaxPoints could
// not be drawn in seconds anyway).
const (
	MaxLineBytes = 16 << 20
	MaxRows      = MaxPoints
)

// Table is a data file read into rows of named values.
type Table struct {
	// Source names the input in errors (a file name).
	Source string
	// Columns are the keys seen in the rows, in the order first seen.
	Columns []string
	// Rows are the records, in input order.
	Rows []Row
}

// Row is one record: its values as text (JSON numbers as written, JSON
// strings unquoted, null as "null"; nested objects and arrays flattened
// to dotted keys, see ReadJSONLines) and its line in the input, for errors.
type Row struct {
	Line   int
	Values map[string]string
}

// Has reports whether some row of the table has the key.
func (t *Table) Has(key string) bool {
	for _, c := range t.Columns {
		if c == key {
			return true
		}
	}
	return false
}

// Number returns the value of key in row r as a number. The error wraps
// ErrFigure and names the source, the line and the key when the row has no
// such key or its value is not a number.
func (t *Table) Number(r Row, key string) (float64, error) {
	s, ok := r.Values[key]
	if !ok {
		return 0, fmt.Errorf("%w: %s: line %d has no key %q", ErrFigure, t.Source, r.Line, key)
	}
	v, err := parseNumber(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s: line %d: %s is %q, not a number", ErrFigure, t.Source, r.Line, key, s)
	}
	return v, nil
}

// parseNumber parses a number, accepting sqsim's "NaN", "+Inf", "-Inf".
func parseNumber(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "+Inf", "Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	}
	lower := strings.ToLower(strings.TrimLeft(s, "+-"))
	if strings.HasPrefix(lower, "inf") || strings.HasPrefix(lower, "nan") || strings.HasPrefix(lower, "0x") {
		return 0, errors.New("not a decimal number")
	}
	return strconv.ParseFloat(s, 64)
}

// ReadFile reads a table from a file: CSV when the name ends in .csv,
// JSON Lines when it ends in .jsonl, .ndjson or .json, else by its first
// character ('{': JSON Lines).
func ReadFile(path string) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	format := ""
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		format = "csv"
	case ".jsonl", ".ndjson", ".json":
		format = "jsonl"
	default:
		format = sniff(br)
	}
	if format == "csv" {
		return ReadCSV(br, path)
	}
	return ReadJSONLines(br, path)
}

// sniff returns "jsonl" when the first non-space byte is '{', else "csv".
func sniff(br *bufio.Reader) string {
	for n := 1; n <= 4096; n++ {
		b, err := br.Peek(n)
		if len(b) < n || err != nil {
			return "csv"
		}
		switch c := b[n-1]; c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return "jsonl"
		default:
			return "csv"
		}
	}
	return "csv"
}

// ReadJSONLines reads one JSON object per line (see the package
// documentation for the lines skipped). A nested object or array is
// flattened to dotted keys: {"queries":{"mean":3,"ci95":[2,4]}} gives the
// keys queries.mean, queries.ci95.0 and queries.ci95.1. source names the
// input in errors.
func ReadJSONLines(r io.Reader, source string) (*Table, error) {
	t := &Table{Source: source}
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(b, &obj); err != nil || obj == nil {
			return nil, fmt.Errorf("%w: %s: line %d is not a JSON object (want one flat object per line)", ErrFigure, source, line)
		}
		if isHeader(obj) {
			continue
		}
		if len(t.Rows) == MaxRows {
			return nil, fmt.Errorf("%w: %s: more than %d records (line %d); plot a summary", ErrFigure, source, MaxRows, line)
		}
		vals := make(map[string]string, len(obj))
		flatten("", obj, vals)
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		sort.Strings(keys) // a deterministic column order (map order is random)
		for _, k := range keys {
			if !seen[k] {
				seen[k] = true
				t.Columns = append(t.Columns, k)
			}
		}
		t.Rows = append(t.Rows, Row{Line: line, Values: vals})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: %s: line %d is longer than %d bytes", ErrFigure, source, line+1, MaxLineBytes)
		}
		return nil, fmt.Errorf("reading %s: %w", source, err)
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%w: %s has no records", ErrFigure, source)
	}
	return t, nil
}

// isHeader reports whether a line is a manifest line rather than a
// record: every key is manifest, trace or version ({"manifest":{...}} of
// sqsim's JSON Lines writers, {"trace":"sqsim","version":2,"manifest":...}
// of a trace). A record that carries its manifest among its data (the
// --json output of a single run) is a record.
func isHeader(obj map[string]json.RawMessage) bool {
	_, m := obj["manifest"]
	_, t := obj["trace"]
	if !m && !t {
		return false
	}
	for k := range obj {
		if k != "manifest" && k != "trace" && k != "version" {
			return false
		}
	}
	return true
}

// flatten puts the values of obj in vals under their keys, the values of
// a nested object under "key.inner" and of an array under "key.0",
// "key.1", ... (so {"queries":{"mean":3}} is read as queries.mean = 3).
func flatten(prefix string, obj map[string]json.RawMessage, vals map[string]string) {
	for k, raw := range obj {
		flattenValue(prefix+k, raw, vals)
	}
}

func flattenValue(key string, raw json.RawMessage, vals map[string]string) {
	if len(raw) > 0 {
		switch raw[0] {
		case '{':
			var inner map[string]json.RawMessage
			if json.Unmarshal(raw, &inner) == nil {
				flatten(key+".", inner, vals)
				return
			}
		case '[':
			var inner []json.RawMessage
			if json.Unmarshal(raw, &inner) == nil {
				for i, v := range inner {
					flattenValue(key+"."+strconv.Itoa(i), v, vals)
				}
				return
			}
		}
	}
	vals[key] = rawText(raw)
}

// rawText is a JSON value as text: a string unquoted, null as "null",
// anything else as written.
func rawText(raw json.RawMessage) string {
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return s
		}
	}
	return string(raw)
}

// ReadCSV reads a CSV table with a header line. An empty cell is a
// missing value. source names the input in errors.
func ReadCSV(r io.Reader, source string) (*Table, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: %s is empty (want a header line, then rows)", ErrFigure, source)
	}
	if err != nil {
		return nil, csvErr(source, err)
	}
	t := &Table{Source: source}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			return nil, fmt.Errorf("%w: %s: header column %d is empty", ErrFigure, source, i+1)
		}
		if t.Has(h) {
			return nil, fmt.Errorf("%w: %s: header names column %q twice", ErrFigure, source, h)
		}
		header[i] = h
		t.Columns = append(t.Columns, h)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(source, err)
		}
		line, _ := cr.FieldPos(0)
		if len(t.Rows) == MaxRows {
			return nil, fmt.Errorf("%w: %s: more than %d rows (line %d); plot a summary", ErrFigure, source, MaxRows, line)
		}
		vals := make(map[string]string, len(rec))
		for i, v := range rec {
			if v = strings.TrimSpace(v); v != "" {
				vals[header[i]] = v
			}
		}
		t.Rows = append(t.Rows, Row{Line: line, Values: vals})
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("%w: %s has a header but no rows", ErrFigure, source)
	}
	return t, nil
}

func csvErr(source string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%w: %s: line %d: %v", ErrFigure, source, pe.Line, pe.Err)
	}
	return fmt.Errorf("reading %s: %w", source, err)
}
