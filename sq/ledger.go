package sq

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync"
)

// Entry is the record of one answered query.
type Entry struct {
	Seq         int     `json:"seq"`               // 0, 1, 2, ... in the order answered
	Round       int     `json:"round"`             // adaptivity round (see Ledger.Round)
	Name        string  `json:"name"`              // the query's name
	Class       string  `json:"class"`             // the query's classes, as Class.String
	Bound       float64 `json:"bound"`             // the query's norm bound
	Dim         int     `json:"dim"`               // 1 for a scalar query
	Tol         float64 `json:"tol"`               // the tolerance the learner asked for
	EffTol      float64 `json:"eff_tol,omitempty"` // the tolerance the oracle answered at, when a floor raised it above Tol (see EffectiveTol)
	Norm        string  `json:"norm"`              // "coord" or "l2"
	Free        bool    `json:"free"`              // label-free: answered from the Setting, not charged
	Answer      Floats  `json:"answer"`            // the answer, bit for bit
	Nanos       int64   `json:"ns"`                // wall time of the answer, nanoseconds
	Fingerprint string  `json:"fp"`                // Query.Fingerprint in hexadecimal
	Oracle      string  `json:"oracle"`            // the name of the oracle below the ledger
	Samples     int64   `json:"samples,omitempty"` // examples a sampling oracle used for the answer
	Pool        bool    `json:"pool,omitempty"`    // the examples came from a fixed pool, reused across queries
}

// Info is what the recorder of an answer knows besides the query: which
// oracle answered, how long it took, and how many examples it used.
type Info struct {
	Oracle  string
	Nanos   int64
	Free    bool  // label-free: answered from the Setting, not counted as a query
	Samples int64 // examples used (sampling oracles)
	Pool    bool  // examples from a fixed pool
	// EffTol is the tolerance the oracle answered at, when it differs from
	// the tolerance asked (a tolerance floor raised it); 0 means the same.
	EffTol float64
}

// EffectiveTol is the tolerance the oracle actually used for the entry's
// answer: EffTol when a tolerance floor raised it, else Tol.
func (e Entry) EffectiveTol() float64 {
	if e.EffTol > e.Tol {
		return e.EffTol
	}
	return e.Tol
}

// perCoordTol is the per-coordinate tolerance of a query of dim values at
// tolerance tau in the given norm: tau, or tau/sqrt(dim) for a Euclidean one.
func perCoordTol(tau float64, dim int, euclid bool) float64 {
	if euclid && dim > 1 {
		return tau / math.Sqrt(float64(dim))
	}
	return tau
}

// Cost is the entry's sample cost, sum over its scalar queries of
// (B/tau)^2 with B the query's norm bound and tau the effective
// per-coordinate tolerance: the number of examples the answer is worth up
// to a constant (Hoeffding). Free entries cost 0. See Summary.Cost.
func (e Entry) Cost() float64 {
	if e.Free {
		return 0
	}
	t := perCoordTol(e.EffectiveTol(), e.Dim, e.Norm == EuclidNorm.String()) / boundOrOne(e.Bound)
	return float64(e.Dim) / (t * t)
}

// InvTau2 is the entry's raw sum over its scalar queries of 1/tau^2, with
// tau the effective per-coordinate tolerance and no norm bound. Free
// entries give 0. See Summary.SumInvTau2.
func (e Entry) InvTau2() float64 {
	if e.Free {
		return 0
	}
	t := perCoordTol(e.EffectiveTol(), e.Dim, e.Norm == EuclidNorm.String())
	return float64(e.Dim) / (t * t)
}

func boundOrOne(b float64) float64 {
	if b > 0 {
		return b
	}
	return 1
}

// TolFloor is implemented by oracles that answer at a tolerance other than
// the one asked: a tolerance floor (oracle.WithMinTol) answers a query asked
// at tau < T as if asked at T. Wrappers forward it, so a ledger or budget
// above them counts the tolerance actually used.
type TolFloor interface {
	EffectiveTol(tau float64) float64
}

// EffectiveTol is the tolerance o answers a query asked at tau with:
// o.EffectiveTol(tau) when o is a TolFloor, else tau.
func EffectiveTol(o Oracle, tau float64) float64 {
	if f, ok := o.(TolFloor); ok {
		return f.EffectiveTol(tau)
	}
	return tau
}

// SampleReporter is implemented by oracles that answer from examples: it
// reports how many examples the last answer used and whether they came from
// a fixed pool. Wrappers forward it, so a ledger above them can record it.
type SampleReporter interface {
	LastSamples() (n int64, pool bool)
}

// Floats is a []float64 whose JSON form keeps every value bit for bit: finite
// values as shortest round-trip decimals, NaN and infinities as the strings
// "NaN", "+Inf" and "-Inf".
type Floats []float64

// MarshalJSON implements json.Marshaler.
func (f Floats) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(f)*20)
	b = append(b, '[')
	for i, v := range f {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendFloat(b, v)
	}
	return append(b, ']'), nil
}

// AppendFloat appends the JSON form of v used by Floats.
func AppendFloat(b []byte, v float64) []byte {
	switch {
	case math.IsNaN(v):
		return append(b, `"NaN"`...)
	case math.IsInf(v, 1):
		return append(b, `"+Inf"`...)
	case math.IsInf(v, -1):
		return append(b, `"-Inf"`...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// UnmarshalJSON implements json.Unmarshaler.
func (f *Floats) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]float64, len(raw))
	for i, r := range raw {
		v, err := parseJSONFloat(r)
		if err != nil {
			return err
		}
		out[i] = v
	}
	*f = out
	return nil
}

func parseJSONFloat(r json.RawMessage) (float64, error) {
	if len(r) > 0 && r[0] == '"' {
		var s string
		if err := json.Unmarshal(r, &s); err != nil {
			return 0, err
		}
		switch s {
		case "NaN":
			return math.NaN(), nil
		case "+Inf", "Inf":
			return math.Inf(1), nil
		case "-Inf":
			return math.Inf(-1), nil
		}
		return 0, fmt.Errorf("sq: %q is not a number", s)
	}
	return strconv.ParseFloat(string(r), 64)
}

// Summary is what a ledger (or a budget) has counted. Tolerances are the
// effective ones (what the oracle answered at, see TolFloor).
//
// Two costs are kept, each under its true name. Cost is the sample cost
// sum over scalar queries of (B/tau)^2, B the query's norm bound: what a
// sampling oracle's examples scale with (see NormalizedTol); it is about
// half of the raw sum for a gate correlation (B = 1/sqrt 2) and about 20
// times it for a loss query. SumInvTau2 is the raw sum over scalar queries
// of 1/tau^2, with tau the per-coordinate tolerance, ignoring B.
type Summary struct {
	Queries    int     `json:"queries"`        // answered queries, a vector query counting once
	Scalar     int     `json:"scalar_queries"` // answered queries, a vector query counting Dim times
	Free       int     `json:"free_queries"`   // label-free queries answered from the Setting (not in Queries)
	Rounds     int     `json:"rounds"`         // adaptivity rounds used
	Cost       float64 `json:"cost"`           // sample cost: sum over scalar queries of (B/tau)^2 (see NormalizedTol)
	SumInvTau2 float64 `json:"sum_inv_tau2"`   // raw sum over scalar queries of 1/tau^2 (per-coordinate tau, no bound)
	MinTol     float64 `json:"min_tol"`        // smallest normalized per-coordinate tolerance used (0 if none)
	WallNanos  int64   `json:"wall_ns"`        // total wall time of the answers
}

// NormalizedTol is the per-coordinate tolerance of a query relative to its
// bound: tau/B for a coordinate-wise tolerance and tau/(B sqrt(Dim)) for a
// Euclidean one. Sample complexity scales like 1/NormalizedTol^2, and the
// ledger's sample cost (Summary.Cost) is the sum of Dim/NormalizedTol^2.
func NormalizedTol(q *Query, tau float64) float64 {
	t := tau / q.BoundOrOne()
	if q.TolNorm == EuclidNorm && q.Dim > 1 {
		t /= math.Sqrt(float64(q.Dim))
	}
	return t
}

// Add counts one answered query with tolerance tau in round round.
func (s *Summary) Add(q *Query, tau float64, free bool) {
	if free {
		s.Free++
		return
	}
	s.Queries++
	s.Scalar += q.Dim
	t := NormalizedTol(q, tau)
	s.Cost += float64(q.Dim) / (t * t)
	c := perCoordTol(tau, q.Dim, q.TolNorm == EuclidNorm)
	s.SumInvTau2 += float64(q.Dim) / (c * c)
	if s.MinTol == 0 || t < s.MinTol {
		s.MinTol = t
	}
}

// Budget limits the queries a learner may ask. Zero fields are no limit.
type Budget struct {
	MaxQueries int     `json:"max_queries,omitempty"` // answered queries (a vector query counts once)
	MaxScalar  int     `json:"max_scalar,omitempty"`  // answered scalar queries (a vector query counts Dim)
	MinTol     float64 `json:"min_tol,omitempty"`     // smallest normalized tolerance allowed (see NormalizedTol)
	MaxCost    float64 `json:"max_cost,omitempty"`    // largest sample cost sum (B/tau)^2 allowed (Summary.Cost)
}

// BudgetError stops a learner that would exceed its budget.
type BudgetError struct {
	Limit string  // "max_queries", "max_scalar", "min_tol" or "max_cost"
	Value float64 // what the query would have made the counter (or its normalized tolerance)
	Max   float64 // the limit
	Query string  // the query refused
}

func (e *BudgetError) Error() string {
	if e.Limit == "min_tol" {
		return fmt.Sprintf("sq: budget: query %q asks normalized tolerance %g, below the minimum %g", e.Query, e.Value, e.Max)
	}
	return fmt.Sprintf("sq: budget: query %q would bring %s to %g, over the limit %g", e.Query, e.Limit, e.Value, e.Max)
}

// Unwrap makes errors.Is(err, ErrBudget) true.
func (e *BudgetError) Unwrap() error { return ErrBudget }

// Check returns a *BudgetError if answering q at tau would take the counts s
// over the budget.
func (b Budget) Check(s Summary, q *Query, tau float64) error {
	t := NormalizedTol(q, tau)
	switch {
	case b.MinTol > 0 && t < b.MinTol:
		return &BudgetError{Limit: "min_tol", Value: t, Max: b.MinTol, Query: q.Name}
	case b.MaxQueries > 0 && s.Queries+1 > b.MaxQueries:
		return &BudgetError{Limit: "max_queries", Value: float64(s.Queries + 1), Max: float64(b.MaxQueries), Query: q.Name}
	case b.MaxScalar > 0 && s.Scalar+q.Dim > b.MaxScalar:
		return &BudgetError{Limit: "max_scalar", Value: float64(s.Scalar + q.Dim), Max: float64(b.MaxScalar), Query: q.Name}
	case b.MaxCost > 0 && s.Cost+float64(q.Dim)/(t*t) > b.MaxCost:
		return &BudgetError{Limit: "max_cost", Value: s.Cost + float64(q.Dim)/(t*t), Max: b.MaxCost, Query: q.Name}
	}
	return nil
}

// Ledger records every answered query. It is safe for concurrent use.
//
// Rounds: by default every query starts a new adaptivity round. Queries
// asked inside Ledger.Round(fn) share one round: a learner uses it for a
// batch of queries none of which depends on another's answer.
type Ledger struct {
	mu      sync.Mutex
	entries []Entry
	sum     Summary
	round   int  // rounds used so far
	inRound int  // depth of Round calls in progress
	opened  bool // the current Round call has counted its round
	stream  io.Writer
	werr    error
	noKeep  bool // summary-only: entries are counted (and streamed) but not kept
	seq     int  // entries recorded so far (kept or not)
}

// NewLedger returns an empty ledger that keeps every entry (see Entries).
func NewLedger() *Ledger { return &Ledger{} }

// NewSummaryLedger returns an empty ledger that counts every answer (and
// streams it, see Stream) but keeps no entries: its memory does not grow
// with the number of queries, and Entries returns nil. Use it for long runs
// that need only the Summary, or that stream their trace to a file.
func NewSummaryLedger() *Ledger { return &Ledger{noKeep: true} }

// Stream makes the ledger write every entry, as it is recorded, as one JSON
// line to w (after a header line, see WriteJSONL). The first write error is
// kept and returned by Err.
func (l *Ledger) Stream(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stream = w
	l.writeLine(traceHeader())
}

// Err returns the first error met while streaming.
func (l *Ledger) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.werr
}

func (l *Ledger) writeLine(v any) {
	if l.stream == nil || l.werr != nil {
		return
	}
	b, err := json.Marshal(v)
	if err == nil {
		b = append(b, '\n')
		_, err = l.stream.Write(b)
	}
	l.werr = err
}

// Round runs fn with every query it asks counted in one adaptivity round.
// Nested calls share the outer round.
func (l *Ledger) Round(fn func() error) error {
	l.mu.Lock()
	if l.inRound == 0 {
		l.opened = false
	}
	l.inRound++
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		l.inRound--
		l.mu.Unlock()
	}()
	return fn()
}

// Record adds the answer ans (q.Dim values, copied) to q asked at tolerance
// tau. info.Free marks a label-free query answered from the Setting: it is
// recorded but not counted as a query. info.EffTol, when larger than tau, is
// the tolerance the oracle answered at (a tolerance floor); the summary
// counts that one.
func (l *Ledger) Record(q *Query, tau float64, ans []float64, info Info) {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Free expectations are not queries: they use no round.
	if !info.Free && (l.inRound == 0 || !l.opened) {
		l.round++
		l.opened = l.inRound > 0
	}
	e := Entry{
		Seq: l.seq, Round: max(l.round-1, 0), Name: q.Name, Class: q.Class.String(), Bound: q.BoundOrOne(),
		Dim: q.Dim, Tol: tau, Norm: q.TolNorm.String(), Free: info.Free,
		EffTol: effTol(tau, info.EffTol),
		Answer: append(Floats(nil), ans[:q.Dim]...), Nanos: info.Nanos,
		Fingerprint: strconv.FormatUint(q.Fingerprint(), 16), Oracle: info.Oracle,
		Samples: info.Samples, Pool: info.Pool,
	}
	l.seq++
	if !l.noKeep {
		l.entries = append(l.entries, e)
	}
	l.sum.Add(q, e.EffectiveTol(), info.Free)
	l.sum.Rounds = l.round
	l.sum.WallNanos += info.Nanos
	l.writeLine(e)
}

// effTol is the EffTol an entry records: eff when a floor raised the
// tolerance above tau, else 0 (the same as asked).
func effTol(tau, eff float64) float64 {
	if eff > tau {
		return eff
	}
	return 0
}

// Summary returns the counts so far.
func (l *Ledger) Summary() Summary {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sum
}

// Entries returns a copy of the records so far (nil for a summary-only
// ledger, see NewSummaryLedger).
func (l *Ledger) Entries() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.entries...)
}

// TraceHeader is the first line of a JSON Lines trace.
type TraceHeader struct {
	Trace   string `json:"trace"`   // always "sqsim"
	Version int    `json:"version"` // format version, 1
}

func traceHeader() TraceHeader { return TraceHeader{Trace: "sqsim", Version: 1} }

// WriteJSONL writes the ledger as JSON Lines: a header line
// {"trace":"sqsim","version":1}, then one Entry per line.
func (l *Ledger) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(traceHeader()); err != nil {
		return err
	}
	for _, e := range l.Entries() {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ErrTrace is the sentinel of unreadable traces.
var ErrTrace = errors.New("sq: unreadable trace")

// ReadTrace reads a JSON Lines trace written by WriteJSONL or Stream.
func ReadTrace(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<30)
	var out []Entry
	line := 0
	sawHeader := false
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if len(b) == 0 {
			continue
		}
		if !sawHeader {
			var h TraceHeader
			if err := json.Unmarshal(b, &h); err != nil || h.Trace != "sqsim" {
				return nil, fmt.Errorf("%w: line 1 is not a sqsim trace header", ErrTrace)
			}
			if h.Version != 1 {
				return nil, fmt.Errorf("%w: trace version %d, this sqsim reads version 1", ErrTrace, h.Version)
			}
			sawHeader = true
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("%w: line %d: %v", ErrTrace, line, err)
		}
		if len(e.Answer) != e.Dim {
			return nil, fmt.Errorf("%w: line %d: answer has %d values, dim is %d", ErrTrace, line, len(e.Answer), e.Dim)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTrace, err)
	}
	if !sawHeader {
		return nil, fmt.Errorf("%w: empty input", ErrTrace)
	}
	return out, nil
}
