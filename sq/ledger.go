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
	// Digest is a 64-bit FNV-1a hash of every other field (see
	// ComputeDigest), in hexadecimal, set by the ledger and checked by
	// ReadTrace: an edited or corrupted record no longer matches it. It
	// guards against accidents, not forgery. Version-1 traces have none.
	Digest string `json:"digest,omitempty"`
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
	Queries    int     `json:"queries"`         // answered queries, a vector query counting once
	Scalar     int     `json:"scalar_queries"`  // answered queries, a vector query counting Dim times
	Free       int     `json:"free_queries"`    // label-free queries answered from the Setting (not in Queries)
	Rounds     int     `json:"rounds"`          // adaptivity rounds used
	Cost       float64 `json:"cost"`            // sample cost: sum over scalar queries of (B/tau)^2 (see NormalizedTol)
	SumInvTau2 float64 `json:"sum_inv_tau2"`    // raw sum over scalar queries of 1/tau^2 (per-coordinate tau, no bound)
	MinTol     float64 `json:"min_tol"`         // smallest normalized per-coordinate tolerance used (0 if none)
	WallNanos  int64   `json:"wall_ns"`         // total wall time of the answers
	Raised     int     `json:"raised_by_floor"` // answered queries whose tolerance a floor raised above the one asked (see TolFloor)
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

// ComputeDigest returns the digest of the entry (see Entry.Digest): the
// 64-bit FNV-1a hash, as 16 hexadecimal digits, of a canonical binary
// encoding of every field but Digest (floats by their bits, every NaN
// alike, since JSON keeps no NaN payload).
func (e Entry) ComputeDigest() string {
	h := fnv64a(fnvOffset)
	h.str("sqsim trace entry v2")
	h.u64(uint64(e.Seq))
	h.u64(uint64(e.Round))
	h.str(e.Name)
	h.str(e.Class)
	h.f64(e.Bound)
	h.u64(uint64(e.Dim))
	h.f64(e.Tol)
	h.f64(e.EffTol)
	h.str(e.Norm)
	h.flag(e.Free)
	h.u64(uint64(len(e.Answer)))
	for _, v := range e.Answer {
		h.f64(v)
	}
	h.u64(uint64(e.Nanos))
	h.str(e.Fingerprint)
	h.str(e.Oracle)
	h.u64(uint64(e.Samples))
	h.flag(e.Pool)
	const hex = "0123456789abcdef"
	var out [16]byte
	for i, x := 15, uint64(h); i >= 0; i, x = i-1, x>>4 {
		out[i] = hex[x&15]
	}
	return string(out[:])
}

// fnv64a is a 64-bit FNV-1a hash (as hash/fnv's New64a) that does not
// allocate.
type fnv64a uint64

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (h *fnv64a) u64(x uint64) {
	for range 8 {
		*h = (*h ^ fnv64a(x&0xff)) * fnvPrime
		x >>= 8
	}
}

func (h *fnv64a) str(s string) {
	h.u64(uint64(len(s)))
	for i := 0; i < len(s); i++ {
		*h = (*h ^ fnv64a(s[i])) * fnvPrime
	}
}

// f64 hashes x by its bits, every NaN alike.
func (h *fnv64a) f64(x float64) {
	if math.IsNaN(x) {
		x = math.NaN()
	}
	h.u64(math.Float64bits(x))
}

func (h *fnv64a) flag(b bool) {
	if b {
		h.u64(1)
	} else {
		h.u64(0)
	}
}

// ErrLedger is the sentinel of entries a ledger refuses to record (see
// Ledger.Record and Ledger.Err).
var ErrLedger = errors.New("sq: ledger refused an entry")

// Ledger records every answered query. It is safe for concurrent use.
//
// Rounds: by default every query starts a new adaptivity round. Queries
// asked inside Ledger.Round(fn) share one round: a learner uses it for a
// batch of queries none of which depends on another's answer.
type Ledger struct {
	mu       sync.Mutex
	entries  []Entry
	sum      Summary
	round    int  // rounds used so far
	inRound  int  // depth of Round calls in progress
	opened   bool // the current Round call has counted its round
	stream   io.Writer
	werr     error // first error met recording or streaming; streaming stops there
	noKeep   bool  // summary-only: entries are counted (and streamed) but not kept
	seq      int   // entries recorded so far (kept or not)
	minAsked float64
	manifest *Manifest
	observe  func(Entry)
}

// NewLedger returns an empty ledger that keeps every entry (see Entries).
func NewLedger() *Ledger { return &Ledger{} }

// NewSummaryLedger returns an empty ledger that counts every answer (and
// streams it, see Stream) but keeps no entries: its memory does not grow
// with the number of queries, and Entries returns nil. Use it for long runs
// that need only the Summary, or that stream their trace to a file.
func NewSummaryLedger() *Ledger { return &Ledger{noKeep: true} }

// Stream makes the ledger write every entry, as it is recorded, as one JSON
// line to w, after a header line (see StreamWithManifest) whose manifest is
// the one given to SetManifest, or else one that knows only the build of
// sqsim (command "unknown"). The first write error is kept and returned by
// Err.
func (l *Ledger) Stream(w io.Writer) {
	l.mu.Lock()
	m := l.manifestOrDefault()
	l.mu.Unlock()
	l.StreamWithManifest(w, m)
}

// StreamWithManifest makes the ledger write every entry, as it is
// recorded, as one JSON line to w, after the header line
// {"trace":"sqsim","version":2,"manifest":m}; m becomes the ledger's
// manifest (see WriteJSONL). Call it before the first Record: a trace
// missing its first entries is refused (Err). The first write error is
// kept and returned by Err; no line is written after it.
func (l *Ledger) StreamWithManifest(w io.Writer, m Manifest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.manifest = &m
	if l.seq > 0 && l.werr == nil {
		l.werr = fmt.Errorf("%w: Stream called after %d entries were recorded; the trace would lack them", ErrLedger, l.seq)
	}
	l.stream = w
	l.writeLine(traceHeader(&m))
}

// Observe makes the ledger call fn with every entry it records, in order,
// as it is recorded (a summary-only ledger too). fn runs under the
// ledger's lock: it must not call the ledger.
func (l *Ledger) Observe(fn func(Entry)) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.observe = fn
}

// SetManifest sets the manifest that WriteJSONL (and a later Stream) write
// in the trace's header.
func (l *Ledger) SetManifest(m Manifest) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.manifest = &m
}

// Manifest returns the ledger's manifest (see SetManifest), or one that
// knows only the build of sqsim.
func (l *Ledger) Manifest() Manifest {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.manifestOrDefault()
}

func (l *Ledger) manifestOrDefault() Manifest {
	if l.manifest != nil {
		return *l.manifest
	}
	return NewManifest("unknown")
}

// Err returns the first error met while recording (an entry the ledger
// refused, see Record) or streaming. Streaming stops at that error, so a
// streamed trace is always a consistent prefix of the run.
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
	if err != nil {
		l.werr = fmt.Errorf("sq: writing the trace: %w", err)
	}
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
//
// Record never panics on bad input: a nil query, a dimension below 1, an
// answer shorter than q.Dim, or a tolerance (asked or effective) that is
// not a finite positive number is refused. The entry is then neither
// counted nor written, the ledger keeps the error (wrapping ErrLedger and
// ErrQuery or ErrTolerance) for Err, and streaming stops there.
func (l *Ledger) Record(q *Query, tau float64, ans []float64, info Info) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := checkRecord(q, tau, ans, info); err != nil {
		if l.werr == nil {
			l.werr = fmt.Errorf("%w: entry %d: %w", ErrLedger, l.seq, err)
		}
		return
	}
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
	if !l.noKeep || l.observe != nil || (l.stream != nil && l.werr == nil) {
		e.Digest = e.ComputeDigest() // only for an entry kept, observed or written
	}
	l.seq++
	if !l.noKeep {
		l.entries = append(l.entries, e)
	}
	if !info.Free && (l.minAsked == 0 || tau < l.minAsked) {
		l.minAsked = tau
	}
	l.sum.Add(q, e.EffectiveTol(), info.Free)
	if !info.Free && e.EffTol > 0 {
		l.sum.Raised++
	}
	l.sum.Rounds = l.round
	l.sum.WallNanos += info.Nanos
	if l.observe != nil {
		l.observe(e)
	}
	if l.stream != nil && l.werr == nil {
		l.writeLine(&e) // (not boxing e when nothing is written)
	}
}

func checkRecord(q *Query, tau float64, ans []float64, info Info) error {
	switch {
	case q == nil:
		return fmt.Errorf("%w: nil query", ErrQuery)
	case q.Dim < 1:
		return fmt.Errorf("%w %q: dimension %d, want >= 1", ErrQuery, q.Name, q.Dim)
	case len(ans) < q.Dim:
		return fmt.Errorf("%w %q: the answer has %d values, the query has dimension %d", ErrQuery, q.Name, len(ans), q.Dim)
	case !(tau > 0) || math.IsInf(tau, 0):
		return fmt.Errorf("%w: query %q asked at tau = %v", ErrTolerance, q.Name, tau)
	case math.IsNaN(info.EffTol) || math.IsInf(info.EffTol, 0) || info.EffTol < 0:
		return fmt.Errorf("%w: query %q answered at effective tolerance %v", ErrTolerance, q.Name, info.EffTol)
	}
	return nil
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

// MinAskedTol returns the smallest tolerance asked by a (non-free) query
// so far, as the learner asked it (before any floor), or 0 when none was.
// A summary-only ledger knows it too.
func (l *Ledger) MinAskedTol() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.minAsked
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
	Trace    string    `json:"trace"`              // always "sqsim"
	Version  int       `json:"version"`            // format version: 2 (1 for older traces, which have no manifest)
	Manifest *Manifest `json:"manifest,omitempty"` // version 2: the run the trace records
}

func traceHeader(m *Manifest) TraceHeader {
	safe := m.jsonSafe()
	return TraceHeader{Trace: "sqsim", Version: TraceVersion, Manifest: &safe}
}

// WriteJSONL writes the ledger as JSON Lines: a header line
// {"trace":"sqsim","version":2,"manifest":{...}} with the ledger's
// manifest (see SetManifest), then one Entry per line. A summary-only
// ledger has no entries to write.
func (l *Ledger) WriteJSONL(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	m := l.Manifest()
	if err := enc.Encode(traceHeader(&m)); err != nil {
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
