package sq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"

	"gonum.org/v1/gonum/floats"

	"github.com/sqsim/sqsim/sq/gauss"
)

// A Query is a statistical query phi(x, y), scalar or vector-valued, written
// as a sum of terms
//
//	phi(x, y) = sum_j Coef_j * lambda_j(y) * h_j(x)      (product terms)
//	          + sum_j Coef_j * G_j(U_j x, y) [* x]       (joint terms)
//
// Each lambda is a Label (1, y, y^2, 1{y > t}, sign(y - t) or a function) and
// each h a Feature of x (relu(w.x), 1{w.x > 0}, x, 1{w.x > 0} x, a Hermite
// product, a ridge function g(U x), ...). The form serves three purposes at
// once: every query evaluates pointwise, so a sample oracle can answer any
// query; a world whose labels depend on x through a few directions can answer
// it exactly, by closed forms or low-dimensional quadrature; and the
// hardness package can compute how much a query distinguishes a planted
// distribution from the null one.
//
// Class and Bound state what the query's author claims (see Class), and the
// terms must bear the claim out: Prove derives the classes the terms prove
// (for labels in [-1, 1]), Validate refuses a declared class that a term
// refutes (a y^2 term in a query declared Correlational), and a restricting
// oracle (oracle.WithClasses) accepts only proved classes. The oracle's
// tolerance applies to E[phi] itself, and tau/Bound is the normalized
// tolerance that sample complexity and the lower bounds are about.
// A vector query (Dim > 1) is answered coordinate by coordinate within tau
// (TolNorm == CoordNorm, the default) or within tau in Euclidean norm
// (TolNorm == EuclidNorm); Bound then applies to every coordinate.
//
// Queries are values: oracles never modify them and may keep them (a cache
// does). The constructors in this package (ReluCorr, GateCorr, Chow, Grad,
// Loss, ...) build the queries learners usually need, with their classes and
// bounds filled in.
type Query struct {
	Name    string  // identifies the query family in traces, e.g. "y*relu(w.x)"
	Class   Class   // the classes the query belongs to, with norm bound Bound
	Bound   float64 // the norm bound B of Class (0 means 1)
	Dim     int     // 1 for a scalar query; the length of the answer otherwise
	TolNorm Norm    // how the tolerance applies to a vector answer
	Terms   []Term

	// view is set by MapLabels: the classes the original query's terms
	// prove, which the view keeps (see Prove).
	view viewProof
}

// viewProof is what a Boolean view (MapLabels) inherits from the query it
// maps: phi(x, m(y)) with m(y) in {-1, +1} has every class phi has for
// labels in [-1, 1] except the correlational form. fp is the view's
// fingerprint when it was made: a view changed afterwards inherits nothing.
type viewProof struct {
	class    Class
	declared bool
	fp       uint64
}

// Norm says how a tolerance applies to a vector answer.
type Norm uint8

const (
	// CoordNorm: every coordinate of the answer is within tau of the truth.
	CoordNorm Norm = iota
	// EuclidNorm: the answer is within tau of the truth in Euclidean norm.
	EuclidNorm
)

func (n Norm) String() string {
	if n == EuclidNorm {
		return "l2"
	}
	return "coord"
}

// Term is one summand of a query: Coef * Label(y) * Feature(x) when Joint is
// nil, and Coef * Joint.G(Joint.U x, y) (times x when Joint.TimesX) otherwise.
type Term struct {
	Coef    float64
	Label   Label
	Feature Feature
	Joint   *Joint
}

// LabelKind enumerates the label functionals lambda(y).
type LabelKind uint8

// The label functionals.
const (
	LabelOne   LabelKind = iota // lambda(y) = 1: the term does not involve the label
	LabelY                      // lambda(y) = y
	LabelY2                     // lambda(y) = y^2
	LabelAbove                  // lambda(y) = 1{y > T}
	LabelSign                   // lambda(y) = +1 if y > T, else -1
	LabelFunc                   // lambda(y) = Func(y)
)

var labelKindNames = [...]string{"1", "y", "y^2", "1{y>t}", "sign(y-t)", "func"}

func (k LabelKind) String() string {
	if int(k) < len(labelKindNames) {
		return labelKindNames[k]
	}
	return fmt.Sprintf("LabelKind(%d)", k)
}

// Label is a functional lambda(y) of the label.
type Label struct {
	Kind LabelKind
	T    float64 // the threshold of LabelAbove and LabelSign
	// For LabelFunc: the function, a name that identifies it in traces, and
	// the label values where it may be non-smooth (used by quadrature).
	Func   func(y float64) float64
	Name   string
	Breaks []float64
}

// Eval returns lambda(y).
func (l Label) Eval(y float64) float64 {
	switch l.Kind {
	case LabelOne:
		return 1
	case LabelY:
		return y
	case LabelY2:
		return y * y
	case LabelAbove:
		if y > l.T {
			return 1
		}
		return 0
	case LabelSign:
		if y > l.T {
			return 1
		}
		return -1
	case LabelFunc:
		return l.Func(y)
	}
	return math.NaN()
}

// FeatureKind enumerates the features h(x).
type FeatureKind uint8

// The features. W is the weight vector of the ridge features; Dim(d) gives
// the output length.
const (
	FeatOne      FeatureKind = iota // h = 1 (scalar)
	FeatRelu                        // relu(W.x)
	FeatRelu2                       // relu(W.x)^2
	FeatStep                        // 1{W.x > 0}
	FeatLinear                      // x (vector of length d)
	FeatStepX                       // 1{W.x > 0} x (vector of length d)
	FeatReluX                       // relu(W.x) x (vector of length d)
	FeatReluRows                    // relu(U_i.x) for each row U_i (vector of length len(U)): a batch
	FeatHermite                     // prod_i h_{Deg[i]}(x_{Idx[i]}), normalized Hermite polynomials (scalar)
	FeatRidge                       // G(U x), or G(U x) * x when TimesX
	FeatFunc                        // F(x, out): any function, pointwise only (no exact answers)
)

var featureKindNames = [...]string{"1", "relu(w.x)", "relu(w.x)^2", "1{w.x>0}", "x", "1{w.x>0}x", "relu(w.x)x", "relu(Ux)", "H_alpha(x)", "g(Ux)", "func"}

func (k FeatureKind) String() string {
	if int(k) < len(featureKindNames) {
		return featureKindNames[k]
	}
	return fmt.Sprintf("FeatureKind(%d)", k)
}

// Feature is a function h(x) of the example; see FeatureKind.
type Feature struct {
	Kind FeatureKind
	W    []float64   // FeatRelu, FeatRelu2, FeatStep, FeatStepX, FeatReluX
	U    [][]float64 // FeatReluRows, FeatRidge: rows of length d
	// FeatHermite: the multi-index alpha in sparse form, alpha[Idx[i]] = Deg[i].
	Idx, Deg []int
	// FeatRidge: g(z) with z = U x, the values of z_i where g may be
	// non-smooth (Kinks[i] for row i; used by quadrature), and whether the
	// feature is g(U x) * x.
	G      func(z []float64) float64
	Kinks  [][]float64
	TimesX bool
	// FeatFunc: F writes h(x) into out[:OutDim].
	F      func(x []float64, out []float64)
	OutDim int
	Name   string // identifies G or F in traces
}

// Joint is a term G(U x, y) that is not a product of a label functional and
// a feature, for example the clipped loss min((relu(w.x) - y)^2, B).
type Joint struct {
	U      [][]float64
	G      func(z []float64, y float64) float64
	Kinks  [][]float64 // values of z_i where G may be non-smooth
	YBreak []float64   // labels where G may be non-smooth in y
	TimesX bool        // the term is G(U x, y) * x
	Name   string
}

// Dim returns the length of h(x) in dimension d.
func (f *Feature) Dim(d int) int {
	switch f.Kind {
	case FeatLinear, FeatStepX, FeatReluX:
		return d
	case FeatReluRows:
		return len(f.U)
	case FeatRidge:
		if f.TimesX {
			return d
		}
		return 1
	case FeatFunc:
		return f.OutDim
	}
	return 1
}

// LabelFree reports whether no term of q involves the label. The expectation
// of a label-free query is known from the Setting alone.
func (q *Query) LabelFree() bool {
	for i := range q.Terms {
		if q.Terms[i].Joint != nil || q.Terms[i].Label.Kind != LabelOne {
			return false
		}
	}
	return true
}

// BoundOrOne returns Bound, or 1 when Bound is zero.
func (q *Query) BoundOrOne() float64 {
	if q.Bound == 0 {
		return 1
	}
	return q.Bound
}

// ErrQuery is the sentinel of malformed queries (wrong dimensions, missing
// functions, non-finite parameters); test with errors.Is.
var ErrQuery = errors.New("sq: malformed query")

func queryErr(q *Query, format string, args ...any) error {
	return fmt.Errorf("%w %q: %s", ErrQuery, q.Name, fmt.Sprintf(format, args...))
}

// Validate checks that q is well formed for examples of dimension d: every
// term has the query's output dimension, weight vectors have length d and
// finite entries, functions are present, Hermite indices are in range with
// total degree at most MaxHermiteDegree, a feature carries no index of
// another kind, Bound is finite and non-negative; and that its terms support
// every class it declares (Class.Closure of Query.Class): a class that a term
// refutes, such as Correlational with a y^2 term, is a *ClassProofError
// wrapping ErrQuery that names the term (see Prove). A class that rests on a
// Go function (func label, joint term, ridge or func feature) is not an
// error here; Prove reports it in Proof.Unproven, and a restricting oracle
// (oracle.WithClasses) refuses it unless told to trust it.
func (q *Query) Validate(d int) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", ErrQuery)
	}
	if err := q.validateHeader(d); err != nil {
		return err
	}
	for j := range q.Terms {
		t := &q.Terms[j]
		if !finite(t.Coef) {
			return queryErr(q, "term %d: coefficient %v is not finite", j, t.Coef)
		}
		if t.Joint != nil {
			if err := q.validateJoint(j, t.Joint, d); err != nil {
				return err
			}
			continue
		}
		if err := q.validateLabel(j, &t.Label); err != nil {
			return err
		}
		if err := q.validateFeature(j, &t.Feature, d); err != nil {
			return err
		}
	}
	return q.ValidateClasses()
}

// validateHeader checks the query's own fields: d, Dim, Terms, Bound, Class.
func (q *Query) validateHeader(d int) error {
	if d < 1 {
		return queryErr(q, "examples of dimension d = %d, want d >= 1", d)
	}
	if q.Dim < 1 {
		return queryErr(q, "dimension %d, want >= 1", q.Dim)
	}
	if len(q.Terms) == 0 {
		return queryErr(q, "no terms")
	}
	if !(q.Bound >= 0) || math.IsInf(q.Bound, 0) {
		return queryErr(q, "bound %v, want a finite number >= 0", q.Bound)
	}
	if q.Class == 0 || q.Class&^AllClasses != 0 {
		return queryErr(q, "class %d is not a set of known classes", q.Class)
	}
	return nil
}

// validateJoint checks the joint term j: G, its rows, breaks and output
// dimension.
func (q *Query) validateJoint(j int, jt *Joint, d int) error {
	if jt.G == nil {
		return queryErr(q, "term %d: joint term without G", j)
	}
	if err := checkRows(q, j, jt.U, d); err != nil {
		return err
	}
	for _, ks := range jt.Kinks {
		if err := checkBreaks(q, j, ks); err != nil {
			return err
		}
	}
	if err := checkBreaks(q, j, jt.YBreak); err != nil {
		return err
	}
	out := 1
	if jt.TimesX {
		out = d
	}
	if out != q.Dim {
		return queryErr(q, "term %d has dimension %d, query has %d", j, out, q.Dim)
	}
	return nil
}

// validateLabel checks the label functional of term j.
func (q *Query) validateLabel(j int, l *Label) error {
	switch l.Kind {
	case LabelAbove, LabelSign:
		if !finite(l.T) {
			return queryErr(q, "term %d: label threshold %v is not finite", j, l.T)
		}
	case LabelFunc:
		if l.Func == nil {
			return queryErr(q, "term %d: label function missing", j)
		}
	case LabelOne, LabelY, LabelY2:
	default:
		return queryErr(q, "term %d: unknown label kind %d", j, l.Kind)
	}
	for _, b := range l.Breaks {
		if math.IsNaN(b) {
			return queryErr(q, "term %d: label break %v is not a number", j, b)
		}
	}
	return nil
}

// validateFeature checks the feature of term j for dimension d: its
// index, weights or rows, functions, kinks and output dimension.
func (q *Query) validateFeature(j int, f *Feature, d int) error {
	if f.Kind != FeatHermite && (len(f.Idx) != 0 || len(f.Deg) != 0) {
		return queryErr(q, "term %d: a %s feature has a Hermite index (Idx %v, Deg %v); only a Hermite feature has one", j, f.Kind, f.Idx, f.Deg)
	}
	switch f.Kind {
	case FeatRelu, FeatRelu2, FeatStep, FeatStepX, FeatReluX:
		if len(f.W) != d {
			return queryErr(q, "term %d: weight vector has length %d, want d = %d", j, len(f.W), d)
		}
		// w.w is finite exactly when every entry is (unless it overflows):
		// one SSE2 pass instead of two comparisons per entry.
		if ss := floats.Dot(f.W, f.W); !(ss <= math.MaxFloat64) {
			for i, v := range f.W {
				if !finite(v) {
					return queryErr(q, "term %d: weight %d is %v", j, i, v)
				}
			}
		}
	case FeatReluRows, FeatRidge:
		if len(f.U) == 0 && f.Kind == FeatReluRows {
			return queryErr(q, "term %d: no rows", j)
		}
		if err := checkRows(q, j, f.U, d); err != nil {
			return err
		}
		if f.Kind == FeatRidge && f.G == nil {
			return queryErr(q, "term %d: ridge feature without G", j)
		}
	case FeatHermite:
		if err := q.validateHermite(j, f, d); err != nil {
			return err
		}
	case FeatFunc:
		if f.F == nil || f.OutDim < 1 {
			return queryErr(q, "term %d: function feature needs F and OutDim >= 1", j)
		}
	case FeatOne, FeatLinear:
	default:
		return queryErr(q, "term %d: unknown feature kind %d", j, f.Kind)
	}
	for r, ks := range f.Kinks {
		for _, k := range ks {
			if math.IsNaN(k) {
				return queryErr(q, "term %d: kink %v of row %d is not a number", j, k, r)
			}
		}
	}
	if got := f.Dim(d); got != q.Dim {
		return queryErr(q, "term %d (%s) has dimension %d, query has %d", j, f.Kind, got, q.Dim)
	}
	return nil
}

// validateHermite checks a Hermite index: equal lengths, coordinates in
// range and not repeated, degrees >= 0 with total at most MaxHermiteDegree.
func (q *Query) validateHermite(j int, f *Feature, d int) error {
	if len(f.Idx) != len(f.Deg) {
		return queryErr(q, "term %d: Hermite index has %d coordinates and %d degrees", j, len(f.Idx), len(f.Deg))
	}
	if c, rep := repeatedIndex(f.Idx); rep {
		return queryErr(q, "term %d: Hermite coordinate %d is repeated", j, c)
	}
	total := 0
	for i, c := range f.Idx {
		if c < 0 || c >= d {
			return queryErr(q, "term %d: Hermite coordinate %d is out of range [0, %d)", j, c, d)
		}
		if f.Deg[i] < 0 {
			return queryErr(q, "term %d: Hermite degree %d is negative", j, f.Deg[i])
		}
		if f.Deg[i] > MaxHermiteDegree-total {
			return queryErr(q, "term %d: Hermite total degree exceeds %d, the largest sqsim evaluates accurately (sq/gauss.HermiteNorm)", j, MaxHermiteDegree)
		}
		total += f.Deg[i]
	}
	return nil
}

// ValidateClasses is the class part of Validate: it returns a
// *ClassProofError (wrapping ErrQuery) for the first class that q declares,
// or that its declared classes imply, and that a term refutes (see Prove).
// A class that rests on a Go function is not an error here; a restricting
// oracle refuses it unless told to trust it. A fast path that checks the
// structure of hot-path queries itself calls it to agree with Validate.
func (q *Query) ValidateClasses() error {
	if q == nil {
		return fmt.Errorf("%w: nil query", ErrQuery)
	}
	p := q.Prove()
	if c := firstUnsupported(q.Class, p.Class|p.Unproven); c != 0 {
		return p.Err(c)
	}
	return nil
}

// repeatedIndex returns an index that occurs twice in idx, if any: by
// comparing pairs for short lists (no allocation), with a set otherwise.
func repeatedIndex(idx []int) (int, bool) {
	if len(idx) <= 32 {
		for i, c := range idx {
			if slices.Contains(idx[:i], c) {
				return c, true
			}
		}
		return 0, false
	}
	seen := make(map[int]struct{}, len(idx))
	for _, c := range idx {
		if _, ok := seen[c]; ok {
			return c, true
		}
		seen[c] = struct{}{}
	}
	return 0, false
}

func checkBreaks(q *Query, j int, ks []float64) error {
	for _, k := range ks {
		if math.IsNaN(k) {
			return queryErr(q, "term %d: break point %v is not a number", j, k)
		}
	}
	return nil
}

func checkRows(q *Query, j int, U [][]float64, d int) error {
	for r, row := range U {
		if len(row) != d {
			return queryErr(q, "term %d: row %d has length %d, want d = %d", j, r, len(row), d)
		}
		for i, v := range row {
			if !finite(v) {
				return queryErr(q, "term %d: row %d entry %d is %v", j, r, i, v)
			}
		}
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// Evaluator evaluates a query pointwise. It holds scratch space, so one
// Evaluator must not be used by two goroutines at once; make one per worker.
type Evaluator struct {
	q   *Query
	z   []float64
	tmp []float64
}

// NewEvaluator returns an evaluator of q. q must be valid (see Validate).
func NewEvaluator(q *Query) *Evaluator {
	maxRows, maxOut := 0, 0
	for j := range q.Terms {
		t := &q.Terms[j]
		if t.Joint != nil {
			maxRows = max(maxRows, len(t.Joint.U))
		} else {
			maxRows = max(maxRows, len(t.Feature.U))
			maxOut = max(maxOut, t.Feature.OutDim)
		}
	}
	return &Evaluator{q: q, z: make([]float64, maxRows), tmp: make([]float64, maxOut)}
}

// Eval writes phi(x, y) into out[:q.Dim].
func (e *Evaluator) Eval(x []float64, y float64, out []float64) {
	q := e.q
	out = out[:q.Dim]
	for i := range out {
		out[i] = 0
	}
	for j := range q.Terms {
		e.addTerm(&q.Terms[j], x, y, out)
	}
}

func (e *Evaluator) addTerm(t *Term, x []float64, y float64, out []float64) {
	if t.Joint != nil {
		jt := t.Joint
		z := e.z[:len(jt.U)]
		for r, row := range jt.U {
			z[r] = dot(row, x)
		}
		g := t.Coef * jt.G(z, y)
		if jt.TimesX {
			axpy(g, x, out)
		} else {
			out[0] += g
		}
		return
	}
	c := t.Coef * t.Label.Eval(y)
	if c == 0 {
		return
	}
	f := &t.Feature
	switch f.Kind {
	case FeatOne:
		out[0] += c
	case FeatRelu:
		if s := dot(f.W, x); s > 0 {
			out[0] += c * s
		}
	case FeatRelu2:
		if s := dot(f.W, x); s > 0 {
			out[0] += c * s * s
		}
	case FeatStep:
		if dot(f.W, x) > 0 {
			out[0] += c
		}
	case FeatLinear:
		axpy(c, x, out)
	case FeatStepX:
		if dot(f.W, x) > 0 {
			axpy(c, x, out)
		}
	case FeatReluX:
		if s := dot(f.W, x); s > 0 {
			axpy(c*s, x, out)
		}
	case FeatReluRows:
		for r, row := range f.U {
			if s := dot(row, x); s > 0 {
				out[r] += c * s
			}
		}
	case FeatHermite:
		p := 1.0
		for i, idx := range f.Idx {
			p *= gauss.HermiteNorm(f.Deg[i], x[idx])
		}
		out[0] += c * p
	case FeatRidge:
		z := e.z[:len(f.U)]
		for r, row := range f.U {
			z[r] = dot(row, x)
		}
		g := c * f.G(z)
		if f.TimesX {
			axpy(g, x, out)
		} else {
			out[0] += g
		}
	case FeatFunc:
		tmp := e.tmp[:f.OutDim]
		f.F(x, tmp)
		for i, v := range tmp {
			out[i] += c * v
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += a * v
	}
}

// Fingerprint is a 64-bit FNV-1a hash of everything that identifies a query
// in a trace: its name, class, bound, dimension, tolerance norm, and every
// term's coefficient, label (kind, threshold, name), feature (kind, weights,
// rows, Hermite index, name) and joint part (rows, name). Functions are
// identified by their Name only: two different Go functions with the same
// name and parameters have the same fingerprint.
//
// Fingerprint never panics, also on a query Validate refuses; the
// fingerprint of a nil query is 0.
func (q *Query) Fingerprint() uint64 {
	if q == nil {
		return 0
	}
	h := fnv.New64a()
	var buf [8]byte
	f64 := func(v float64) { binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v)); h.Write(buf[:]) }
	i64 := func(v int) { binary.LittleEndian.PutUint64(buf[:], uint64(v)); h.Write(buf[:]) }
	str := func(s string) { i64(len(s)); h.Write([]byte(s)) }
	vec := func(v []float64) {
		i64(len(v))
		for _, x := range v {
			f64(x)
		}
	}
	rows := func(u [][]float64) {
		i64(len(u))
		for _, r := range u {
			vec(r)
		}
	}
	str(q.Name)
	i64(int(q.Class))
	f64(q.Bound)
	i64(q.Dim)
	i64(int(q.TolNorm))
	i64(len(q.Terms))
	for j := range q.Terms {
		t := &q.Terms[j]
		f64(t.Coef)
		if t.Joint != nil {
			i64(1)
			rows(t.Joint.U)
			str(t.Joint.Name)
			if t.Joint.TimesX {
				i64(1)
			} else {
				i64(0)
			}
			continue
		}
		i64(0)
		i64(int(t.Label.Kind))
		f64(t.Label.T)
		str(t.Label.Name)
		f := &t.Feature
		i64(int(f.Kind))
		vec(f.W)
		rows(f.U)
		// Idx and Deg pair up in a valid query; an invalid one (lengths
		// differ) is hashed as what is there, without a panic.
		i64(len(f.Idx))
		for i := range f.Idx {
			i64(f.Idx[i])
			if i < len(f.Deg) {
				i64(f.Deg[i])
			}
		}
		if len(f.Deg) > len(f.Idx) {
			for _, v := range f.Deg[len(f.Idx):] {
				i64(v)
			}
		}
		if f.TimesX {
			i64(1)
		} else {
			i64(0)
		}
		i64(f.OutDim)
		str(f.Name)
	}
	return h.Sum64()
}
