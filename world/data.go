package world

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/sq"
)

// ErrData is the sentinel of a data set that cannot be read or used: a
// missing or unreadable file, a malformed line, rows of different
// dimensions, a NaN or infinite value, a label outside the declared range,
// an empty data set, or one larger than MaxDataValues. Test with errors.Is.
var ErrData = errors.New("world: invalid data set")

// Limits of a data set. MaxDataValues bounds n*(d+1), the float64 values
// held (1e8 values are 800 MB); MaxDataBytes bounds the size of a file read
// by FromData (4 GiB); MaxDataLine bounds one line of a file (256 MiB). A
// larger input is refused with an error naming the limit, before it is read
// in full.
const (
	MaxDataValues = 100_000_000
	MaxDataBytes  = 1 << 32
	MaxDataLine   = 1 << 28
)

// Data is a data set of n labelled examples (x_i, y_i) as a world that can
// only be sampled: an sq.Sampler, not an sq.World. Sample draws rows
// uniformly with replacement, so an SQ oracle over a Data (oracle.Sample,
// oracle.NewPool) answers for the empirical distribution, uniform over the
// rows, and not for whatever distribution the rows were drawn from: a
// tolerance tau is a guarantee about the mean over the rows.
//
// Data has no Expect: the closed forms and quadrature of this package
// assume x ~ N(0, I_d) and a known label model, and neither holds for a
// data set. For the same reason the Gaussian route of the Setting
// (sq.Setting.Expect, used by Session.Free for label-free queries) answers
// for N(0, I_d), not for the rows; it is right for the data only as far as
// their x are standard Gaussian.
//
// A Data is immutable and safe for concurrent use.
type Data struct {
	name string
	set  sq.Setting
	n    int
	x    []float64 // n rows of length set.D, row-major
	y    []float64
}

// DataOption configures FromData and Dataset.
type DataOption func(*dataConfig)

type dataConfig struct {
	lo, hi    float64
	hasRange  bool
	name      string
	maxValues int // MaxDataValues, lowered by tests
}

// LabelRange declares the range [lo, hi] of the labels (the Setting's
// LabelMin and LabelMax; infinite ends are allowed). Every label must lie
// in it. Without it the range is the data's own [min y, max y].
func LabelRange(lo, hi float64) DataOption {
	return func(c *dataConfig) { c.lo, c.hi, c.hasRange = lo, hi, true }
}

// DataName sets the name the data set reports (default: "data(<path>)"
// for FromData, "data" for Dataset).
func DataName(name string) DataOption {
	return func(c *dataConfig) { c.name = name }
}

func newDataConfig(name string, opts []DataOption) (dataConfig, error) {
	c := dataConfig{name: name, maxValues: MaxDataValues}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.hasRange && (math.IsNaN(c.lo) || math.IsNaN(c.hi) || c.lo > c.hi) {
		return c, fmt.Errorf("%w: label range [%v, %v] is empty", ErrData, c.lo, c.hi)
	}
	return c, nil
}

// Dataset returns the data set of the in-memory rows x[i] with labels y[i].
// Every row must have the same length d >= 1, every value must be finite,
// and there must be at least one row; the rows are copied. Errors wrap
// ErrData and name the row (counted from 0).
func Dataset(x [][]float64, y []float64, opts ...DataOption) (*Data, error) {
	c, err := newDataConfig("data", opts)
	if err != nil {
		return nil, err
	}
	if len(x) != len(y) {
		return nil, fmt.Errorf("%w: %d rows of x but %d labels", ErrData, len(x), len(y))
	}
	b := dataBuilder{c: c}
	for i, row := range x {
		if err := b.add(row, y[i]); err != nil {
			return nil, fmt.Errorf("%w: row %d: %w", ErrData, i, err)
		}
	}
	return b.finish()
}

// FromData reads a data set from a file of rows "x_1, ..., x_d, y", in one
// of two formats, told apart by the first non-blank character of the file:
//
//   - CSV: one row per line, fields separated by commas; an optional header
//     line (a first line with a field that is not a number) is skipped, and
//     lines starting with '#' are comments;
//   - JSON Lines ('[' or '{'): one JSON value per line, either an array
//     [x_1, ..., x_d, y] or an object {"x": [x_1, ..., x_d], "y": y}; blank
//     lines are skipped.
//
// Every row must have the same dimension d >= 1; values must be finite
// (NaN and ±Inf are refused); labels must lie in the declared LabelRange
// when one is given; the file must hold at least one row, at most
// MaxDataValues values and at most MaxDataBytes bytes. Errors wrap ErrData
// and name the line (counted from 1).
//
// See Data for what an oracle over the result answers.
func FromData(path string, opts ...DataOption) (*Data, error) {
	c, err := newDataConfig("data("+path+")", opts)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() > MaxDataBytes {
		return nil, fmt.Errorf("%w: %s: %d bytes, more than the limit MaxDataBytes = %d", ErrData, path, st.Size(), int64(MaxDataBytes))
	}
	d, err := readData(&limitedReader{r: f, left: MaxDataBytes}, c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// ReadData reads a data set in the formats of FromData from r (named
// "data" unless DataName says otherwise).
func ReadData(r io.Reader, opts ...DataOption) (*Data, error) {
	c, err := newDataConfig("data", opts)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w: nil reader", ErrData)
	}
	return readData(&limitedReader{r: r, left: MaxDataBytes}, c)
}

func readData(r io.Reader, c dataConfig) (*Data, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	first, err := firstByte(br)
	if err != nil {
		return nil, err
	}
	b := dataBuilder{c: c}
	if first == '[' || first == '{' {
		err = b.readJSONL(br)
	} else {
		err = b.readCSV(br)
	}
	if err != nil {
		return nil, err
	}
	return b.finish()
}

// firstByte returns the first non-space byte of br (after a UTF-8 byte
// order mark, which it drops) without consuming it.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		br.Discard(3)
	}
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return 0, fmt.Errorf("%w: empty data set (no rows)", ErrData)
		}
		if err != nil {
			return 0, fmt.Errorf("%w: %w", ErrData, err)
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			if err := br.UnreadByte(); err != nil {
				return 0, fmt.Errorf("%w: %w", ErrData, err)
			}
			return c, nil
		}
	}
}

func (b *dataBuilder) readCSV(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // the builder checks the dimension, naming the line
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	cr.ReuseRecord = true
	row := []float64{}
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %w", ErrData, err)
		}
		line, _ := cr.FieldPos(0)
		row = row[:0]
		bad := -1
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				bad = j
				break
			}
			row = append(row, v)
		}
		if bad >= 0 {
			if first {
				continue // a header line
			}
			return fmt.Errorf("%w: line %d: field %d is %q, not a number", ErrData, line, bad+1, rec[bad])
		}
		if len(row) < 2 {
			return fmt.Errorf("%w: line %d: %d value(s), want x_1, ..., x_d, y with d >= 1", ErrData, line, len(row))
		}
		if err := b.add(row[:len(row)-1], row[len(row)-1]); err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrData, line, err)
		}
	}
}

func (b *dataBuilder) readJSONL(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), MaxDataLine)
	var arr []float64
	for line := 1; sc.Scan(); line++ {
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		// null decodes into a float64 as 0 without an error: refuse it (in
		// these lines it can only be a value, never part of a key).
		if bytes.Contains(text, []byte("null")) {
			return fmt.Errorf("%w: line %d: a null value, want numbers", ErrData, line)
		}
		var x []float64
		var y float64
		switch text[0] {
		case '[':
			arr = arr[:0]
			if err := json.Unmarshal(text, &arr); err != nil {
				return fmt.Errorf("%w: line %d: %w", ErrData, line, err)
			}
			if len(arr) < 2 {
				return fmt.Errorf("%w: line %d: %d value(s), want [x_1, ..., x_d, y] with d >= 1", ErrData, line, len(arr))
			}
			x, y = arr[:len(arr)-1], arr[len(arr)-1]
		case '{':
			var obj struct {
				X []float64 `json:"x"`
				Y *float64  `json:"y"`
			}
			dec := json.NewDecoder(bytes.NewReader(text))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&obj); err != nil {
				return fmt.Errorf("%w: line %d: %w", ErrData, line, err)
			}
			if len(obj.X) == 0 || obj.Y == nil {
				return fmt.Errorf("%w: line %d: want an object {\"x\": [x_1, ..., x_d], \"y\": y} with d >= 1", ErrData, line)
			}
			x, y = obj.X, *obj.Y
		default:
			return fmt.Errorf("%w: line %d: starts with %q, want a JSON array or object", ErrData, line, text[0])
		}
		if err := b.add(x, y); err != nil {
			return fmt.Errorf("%w: line %d: %w", ErrData, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("%w: a line is longer than the limit MaxDataLine = %d bytes", ErrData, MaxDataLine)
		}
		return fmt.Errorf("%w: %w", ErrData, err)
	}
	return nil
}

// dataBuilder collects checked rows.
type dataBuilder struct {
	c      dataConfig
	d      int
	x, y   []float64
	lo, hi float64 // the labels' min and max
}

// add checks and appends one row; its errors are wrapped by the caller with
// ErrData and the row's position.
func (b *dataBuilder) add(x []float64, y float64) error {
	if len(b.y) == 0 {
		if len(x) < 1 {
			return errors.New("empty x, want d >= 1")
		}
		b.d = len(x)
		b.lo, b.hi = math.Inf(1), math.Inf(-1)
	} else if len(x) != b.d {
		return fmt.Errorf("x has dimension %d, but the first row has %d", len(x), b.d)
	}
	if float64(len(b.y)+1)*float64(b.d+1) > float64(b.c.maxValues) {
		return fmt.Errorf("%d rows of dimension %d hold more than the limit MaxDataValues = %d values", len(b.y)+1, b.d, b.c.maxValues)
	}
	for j, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("x_%d = %v, want a finite number", j+1, v)
		}
	}
	if math.IsNaN(y) || math.IsInf(y, 0) {
		return fmt.Errorf("label y = %v, want a finite number", y)
	}
	if b.c.hasRange && (y < b.c.lo || y > b.c.hi) {
		return fmt.Errorf("label y = %v lies outside the declared label range [%v, %v]", y, b.c.lo, b.c.hi)
	}
	b.x = append(b.x, x...)
	b.y = append(b.y, y)
	b.lo, b.hi = math.Min(b.lo, y), math.Max(b.hi, y)
	return nil
}

func (b *dataBuilder) finish() (*Data, error) {
	if len(b.y) == 0 {
		return nil, fmt.Errorf("%w: empty data set (no rows)", ErrData)
	}
	set := sq.Setting{D: b.d, LabelMin: b.lo, LabelMax: b.hi}
	if b.c.hasRange {
		set.LabelMin, set.LabelMax = b.c.lo, b.c.hi
	}
	if err := set.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrData, err)
	}
	return &Data{name: b.c.name, set: set, n: len(b.y), x: b.x[:len(b.x):len(b.x)], y: b.y[:len(b.y):len(b.y)]}, nil
}

// limitedReader fails once more than left bytes have been read.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("%w: more than the limit MaxDataBytes = %d bytes", ErrData, int64(MaxDataBytes))
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// Name returns the data set's name ("data(<path>)" for FromData unless
// DataName set another).
func (d *Data) Name() string { return d.name }

// Setting returns the dimension and the label range (declared, or the
// data's [min y, max y]).
func (d *Data) Setting() sq.Setting { return d.set }

// N returns the number of rows.
func (d *Data) N() int { return d.n }

// Row copies the x of row i into x[:d] and returns its label. It returns
// an error wrapping ErrData when i is out of range or x is shorter than d.
func (d *Data) Row(i int, x []float64) (float64, error) {
	dim := d.set.D
	if i < 0 || i >= d.n {
		return 0, fmt.Errorf("%w: row %d of %d", ErrData, i, d.n)
	}
	if len(x) < dim {
		return 0, fmt.Errorf("%w: x of length %d for rows of dimension %d", ErrData, len(x), dim)
	}
	copy(x, d.x[i*dim:(i+1)*dim])
	return d.y[i], nil
}

// Sample draws len(y) examples uniformly with replacement from the rows,
// one r.IntN(n) per example: the same generator state gives the same
// examples. Like Model.Sample it has no error return: if x holds fewer
// than len(y)*d values only the first len(x)/d examples are drawn and the
// remaining labels are set to NaN (which every oracle refuses); a nil r
// sets every label to NaN. It never panics.
func (d *Data) Sample(r *rand.Rand, x, y []float64) {
	dim := d.set.D
	n := len(y)
	if r == nil {
		n = 0
	} else if len(x) < n*dim {
		n = len(x) / dim
	}
	for i := n; i < len(y); i++ {
		y[i] = math.NaN()
	}
	for i := range n {
		k := r.IntN(d.n)
		copy(x[i*dim:(i+1)*dim], d.x[k*dim:(k+1)*dim])
		y[i] = d.y[k]
	}
}

// Loss returns the mean square loss (h(x_i) - y_i)^2 of h over the rows:
// the loss under the empirical distribution. It returns an error wrapping
// ErrData for a nil h or a prediction that is not finite.
func (d *Data) Loss(h sq.Hypothesis) (float64, error) {
	if isNil(h) {
		return 0, fmt.Errorf("%w: nil hypothesis", ErrData)
	}
	dim := d.set.D
	var sum float64
	for i := range d.n {
		p := h.Predict(d.x[i*dim : (i+1)*dim])
		if math.IsNaN(p) || math.IsInf(p, 0) {
			return 0, fmt.Errorf("%w: the hypothesis predicts %v on row %d", ErrData, p, i)
		}
		e := p - d.y[i]
		sum += e * e
	}
	return sum / float64(d.n), nil
}

// isNil reports whether v is nil or a nil pointer, map, slice or func
// inside an interface (whose methods could panic).
func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
