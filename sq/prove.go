package sq

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// ClassLabelMin and ClassLabelMax are the label range in which Query.Class
// is stated and in which Validate and Prove check it.
const (
	ClassLabelMin = -1.0
	ClassLabelMax = 1.0
)

// proofSlack is the relative rounding allowance of the bound comparisons.
const proofSlack = 1e-12

// Proof is what the terms of a query prove about its classes; see
// Query.Prove.
type Proof struct {
	// Class holds the classes the terms prove at the query's bound
	// B = BoundOrOne(), closed under the implications that hold (Boolean
	// with B >= 1 implies Bounded; Bounded implies L2; Correlational
	// implies L2 for labels in [-1, 1]).
	Class Class
	// Unproven holds the classes that the terms neither prove nor refute,
	// because a term is a Go function (a func label, a joint term, a ridge
	// or func feature) whose values the proof cannot read. Every class in
	// neither Class nor Unproven is refuted by a term: Reason names it.
	Unproven Class
	// DeclaredBound: Correlational (and the L2 it implies) is proved in
	// form, phi = y h(x), but h contains a Go function, so E[h^2] <= B^2 is
	// the query author's statement.
	DeclaredBound bool
	// Sup is a proven bound on |phi_i(x, y)| for every coordinate i, x and
	// label in range; +Inf when there is none (an unbounded or opaque term).
	Sup float64
	// RMS is a proven bound on E[phi_i^2]^(1/2) for every coordinate; +Inf
	// when there is none.
	RMS float64
	// HRMS, when phi = y h(x) in form, is a proven bound on E[h_i^2]^(1/2);
	// +Inf otherwise or when h contains a Go function.
	HRMS float64

	q   *Query
	b   float64
	why [4]whyNot // indexed by classIndex
}

// whyNot records, without formatting (Validate runs on every answer and must
// not allocate), why a class is not proved.
type whyNot struct {
	code whyCode
	term int
	val  float64
}

type whyCode uint8

const (
	whyNone         whyCode = iota
	whyNilQuery             // the query is nil
	whyNotLinear            // term's label functional is not y
	whyJoint                // term is a joint term (Go function of the label)
	whyLabelFunc            // term's label is a Go function
	whyOpaqueFeat           // term's feature is a Go function (ridge or func)
	whyBadHermite           // term's Hermite index is malformed
	whyUnbounded            // term is unbounded
	whySupExceeds           // the proven sup exceeds B
	whyRMSExceeds           // the proven E[phi^2]^(1/2) exceeds B
	whyHRMSExceeds          // the proven E[h^2]^(1/2) exceeds B
	whyNotBoolean           // the term is not {0,1}-valued
	whyManyTerms            // several non-zero terms (Boolean)
	whyBooleanBound         // Boolean, but B < 1 (Bounded)
)

func classIndex(c Class) int {
	switch c {
	case Bounded:
		return 0
	case L2:
		return 1
	case Correlational:
		return 2
	}
	return 3
}

// ErrUnproven is the sentinel of a *ClassProofError whose class rests on a
// Go function the proof cannot read: the class may hold, but sqsim cannot
// show it. Test with errors.Is.
var ErrUnproven = errors.New("sq: query class not proved")

// ClassProofError says why a query's declared class is not proved. When
// Unproven is false a term refutes the class, and the error wraps ErrQuery
// (Validate returns it); when true the class rests on a Go function, and the
// error wraps ErrUnproven.
type ClassProofError struct {
	Query    string  // the query's name
	Class    Class   // the declared (or implied) class that is not proved
	Bound    float64 // the query's bound B
	Term     int     // the term that stops the proof, or -1 when it is the sum of the terms
	Reason   string  // what stops the proof, naming the term
	Unproven bool    // the class is neither proved nor refuted
}

func (e *ClassProofError) Error() string {
	if e.Unproven {
		return fmt.Sprintf("%v %q: class %s (bound %g) cannot be proved: %s", ErrUnproven, e.Query, e.Class, e.Bound, e.Reason)
	}
	return fmt.Sprintf("%v %q: declares class %s (bound %g), which its terms do not support: %s", ErrQuery, e.Query, e.Class, e.Bound, e.Reason)
}

// Unwrap makes errors.Is(err, ErrQuery) true for a refuted class and
// errors.Is(err, ErrUnproven) true for an unproven one.
func (e *ClassProofError) Unwrap() error {
	if e.Unproven {
		return ErrUnproven
	}
	return ErrQuery
}

// Prove returns what the terms of q prove about its classes for labels in
// [ClassLabelMin, ClassLabelMax] = [-1, 1], the range in which Query.Class
// is stated. It never panics, also on a malformed query (a nil query proves
// nothing), but its result is meaningful only for a query that Validate
// accepts.
//
// Query classes are proved from the terms, not taken from Query.Class. Prove
// reads every term of a query (its coefficient, label functional and
// feature) and derives what the sum of terms provably satisfies:
//
//   - Correlational: every term with a non-zero coefficient is y times a
//     feature h(x) of the example alone (so phi = y h(x) with
//     h = sum_j Coef_j h_j), and E[h_i^2] <= B^2 for every coordinate i. A
//     ridge or func feature is a function of x alone, so y G(U x) and
//     y F(x) are correlational in form; E[h^2] of a Go function cannot be
//     computed, so for them the bound B is the author's (Proof.DeclaredBound).
//     A joint term G(U x, y) or a label function is a Go function of the
//     label: its linearity in y cannot be proved.
//   - Bounded: sup |phi_i(x, y)| <= B over every x and every label in the
//     range, from the closed-form suprema of the features (1, 1{w.x > 0} and
//     their combinations along one direction are bounded; relu, x, Hermite
//     polynomials of positive degree are not).
//   - L2: E[phi_i^2] <= B^2 under every distribution with marginal N(0, I_d)
//     and labels in the range, from the exact second moments of the
//     features under N(0, I_d) (E[relu(w.x)^2] = ||w||^2/2, E[relu(w.x)^4] =
//     3||w||^4/2, E[1{w.x>0} x_j^2] = 1/2, E[H_alpha^2] = 1, ...) and
//     Minkowski's inequality over label functionals; or from Bounded.
//   - Boolean: phi(x, y) is in {0, 1}: the query is one term 1 * lambda * h
//     with lambda in {1, 1{y > t}} and h in {0, 1}-valued (1, 1{w.x > 0}).
//
// Terms with a zero coefficient (except Go functions of the label, since
// 0 * G can be NaN) or an identically zero feature (a zero weight vector)
// are skipped. A Boolean view (MapLabels) keeps the classes the query it
// maps proves, except the correlational form.
//
// Terms with the same label functional and features along one direction w
// (1, 1{w.x > 0}, relu(w.x), relu(w.x)^2, or those times x) are combined
// before they are bounded, so 2 y 1{w.x > 0} - y is seen to be y sign(w.x),
// bounded by 1. The proof is sound, not complete: it never proves a false
// class, but terms that cancel each other in other ways are not seen to
// cancel. Bounds are compared up to a relative rounding allowance of 1e-12.
//
// The classes of Query.Class are stated for labels in [ClassLabelMin,
// ClassLabelMax] = [-1, 1] (the range the built-in constructors assume;
// GKK19's [0, 1] lies inside it): Validate and oracle.WithClasses prove in
// that range. ProveFor proves for another label range (a Setting's).
func (q *Query) Prove() Proof { return q.ProveFor(ClassLabelMin, ClassLabelMax) }

// ProvenClass returns the classes the terms of q prove (Proof.Class, for
// labels in [-1, 1]) and a *ClassProofError for the first class that q
// declares (or that its declared classes imply, see Class.Closure) and the
// terms do not prove: wrapping ErrQuery when a term refutes it, ErrUnproven
// when it rests on a Go function. It does not check dimensions; Validate
// checks both.
func (q *Query) ProvenClass() (Class, error) {
	p := q.Prove()
	if q == nil {
		return 0, fmt.Errorf("%w: nil query", ErrQuery)
	}
	if c := firstUnsupported(q.Class, p.Class); c != 0 {
		return p.Class, p.Err(c)
	}
	return p.Class, nil
}

// reportOrder is the order in which unsupported classes are reported: the
// classes of form before the classes of size.
var reportOrder = [4]Class{Correlational, Boolean, Bounded, L2}

// firstUnsupported returns the first class declared in decl, then the first
// class decl implies (Closure), that is not in have; 0 when there is none.
func firstUnsupported(decl, have Class) Class {
	if decl.Closure()&^have == 0 {
		return 0
	}
	for _, set := range [2]Class{decl, decl.Closure()} {
		for _, c := range reportOrder {
			if set&c != 0 && have&c == 0 {
				return c
			}
		}
	}
	return 0
}

// Err returns nil when c is within p.Class, and otherwise a
// *ClassProofError saying why the single class c is not proved.
func (p *Proof) Err(c Class) error {
	if p.Class&c != 0 {
		return nil
	}
	name := ""
	if p.q != nil {
		name = p.q.Name
	}
	w := p.why[classIndex(c)]
	return &ClassProofError{Query: name, Class: c, Bound: p.b, Term: w.termOrNone(), Reason: p.Reason(c), Unproven: p.Unproven&c != 0}
}

func (w whyNot) termOrNone() int {
	switch w.code {
	case whySupExceeds, whyRMSExceeds, whyHRMSExceeds, whyManyTerms, whyBooleanBound, whyNilQuery, whyNone:
		return -1
	}
	return w.term
}

// Reason says why the single class c is not proved ("" when it is),
// naming the term that stops the proof.
func (p *Proof) Reason(c Class) string {
	if p.Class&c != 0 {
		return ""
	}
	w := p.why[classIndex(c)]
	term := func() string { return p.termString(w.term) }
	switch w.code {
	case whyNilQuery:
		return "nil query"
	case whyNotLinear:
		return fmt.Sprintf("%s is not linear in y (a correlational query is y*h(x))", term())
	case whyJoint:
		return fmt.Sprintf("%s is a joint term G(U x, y), a Go function of the label", term())
	case whyLabelFunc:
		return fmt.Sprintf("%s has a label function, a Go function whose values the proof cannot read", term())
	case whyOpaqueFeat:
		return fmt.Sprintf("%s has a Go function feature, whose values the proof cannot bound", term())
	case whyBadHermite:
		return fmt.Sprintf("%s has a malformed Hermite index (lengths differ, a negative degree or a repeated coordinate)", term())
	case whyUnbounded:
		return fmt.Sprintf("%s is unbounded", term())
	case whySupExceeds:
		return fmt.Sprintf("the terms bound |phi| only by %.17g > B = %.17g", w.val, p.b)
	case whyRMSExceeds:
		return fmt.Sprintf("the terms bound E[phi^2]^(1/2) only by %.17g > B = %.17g", w.val, p.b)
	case whyHRMSExceeds:
		return fmt.Sprintf("phi = y*h(x) with E[h^2]^(1/2) bounded only by %.17g > B = %.17g", w.val, p.b)
	case whyNotBoolean:
		return fmt.Sprintf("%s is not {0,1}-valued (a Boolean query is one term 1*lambda(y)*h(x) with lambda in {1, 1{y>t}} and h in {1, 1{w.x>0}})", term())
	case whyManyTerms:
		return "several terms are non-zero (a Boolean query is one term 1*lambda(y)*h(x))"
	case whyBooleanBound:
		return fmt.Sprintf("a Boolean query is bounded by 1 > B = %.17g", p.b)
	}
	return "not proved"
}

func (p *Proof) termString(j int) string {
	if p.q == nil || j < 0 || j >= len(p.q.Terms) {
		return fmt.Sprintf("term %d", j)
	}
	t := &p.q.Terms[j]
	if t.Joint != nil {
		return fmt.Sprintf("term %d (joint %q)", j, t.Joint.Name)
	}
	lab := t.Label.Kind.String()
	if t.Label.Kind == LabelFunc && t.Label.Name != "" {
		lab = t.Label.Name
	}
	feat := t.Feature.Kind.String()
	if (t.Feature.Kind == FeatFunc || t.Feature.Kind == FeatRidge) && t.Feature.Name != "" {
		feat = fmt.Sprintf("%s %q", feat, t.Feature.Name)
	}
	return fmt.Sprintf("term %d (%g * %s * %s)", j, t.Coef, lab, feat)
}

// dirGroup is a sum of terms with one label functional and features along
// one direction w: h(x) = (b + 1{w.x > 0} (a + r w.x + s (w.x)^2)) [* x].
type dirGroup struct {
	label *Label
	w     []float64 // nil: only constant (b) parts so far
	vec   bool
	b, a  float64
	r, s  float64
	first int // the first term of the group
}

// maxGroups bounds the groups kept on the stack; further terms are bounded
// one by one.
const maxGroups = 4

// Half-normal moments E[Z^k 1{Z > 0}], Z ~ N(0, 1), k = 0..6.
var halfMoment = [7]float64{0.5, 1 / math.Sqrt(2*math.Pi), 0.5, 2 / math.Sqrt(2*math.Pi), 1.5, 8 / math.Sqrt(2*math.Pi), 7.5}

// ProveFor is Prove for labels in [labelMin, labelMax] (infinite ends
// allowed: then no term in y or y^2 is bounded). The implication
// Correlational => L2 is used only when the range lies in [-1, 1].
func (q *Query) ProveFor(labelMin, labelMax float64) Proof {
	p := q.proveTerms(labelMin, labelMax)
	if q != nil {
		p.inherit(q)
	}
	return p
}

func (q *Query) proveTerms(labelMin, labelMax float64) Proof {
	inf := math.Inf(1)
	p := Proof{Sup: inf, RMS: inf, HRMS: inf, q: q}
	if q == nil {
		for i := range p.why {
			p.why[i] = whyNot{code: whyNilQuery}
		}
		return p
	}
	p.b = q.BoundOrOne()
	pr := prover{boolOK: true, labelRange: math.Max(math.Abs(labelMin), math.Abs(labelMax))}
	if math.IsNaN(pr.labelRange) {
		pr.labelRange = inf
	}
	// Phase 1: bound every term, pooling terms of one label and direction
	// into groups (their sum is bounded jointly, e.g. relu(w.x) - w.x).
	for j := range q.Terms {
		pr.term(j, &q.Terms[j])
	}
	pr.flushGroups()
	// Phase 2: read the classes off the bounds.
	pr.conclude(&p, labelMin >= -1 && labelMax <= 1)
	return p
}

// prover accumulates the bounds of a query's terms (proveTerms). It lives
// on the stack: proving allocates nothing (TestValidateAllocs).
type prover struct {
	labelRange float64 // max |y| over the label range

	groups [maxGroups]dirGroup
	ng     int

	sup, rms, hrms float64 // sums of sup|phi|, RMS phi and RMS h bounds
	nonzero        int     // non-zero groups/terms
	boolOK         bool    // every non-zero part so far is {0,1}-valued
	boolWhy        whyNot  // why Boolean fails
	linWhy         whyNot  // why phi = y h(x) fails (refuted)
	opaqueLin      whyNot  // why linearity is unproven
	opaque         whyNot  // the first opaque term (bounds unproven)
	unbounded      whyNot  // the first unbounded term
	declaredH      bool    // h contains a Go function
}

// addPart accounts for one bounded part: a label functional times a
// feature with the given sup, rms and {0,1}-ness.
func (pr *prover) addPart(j int, l *Label, fsup, frms float64, fbool bool) {
	if fsup == 0 && frms == 0 {
		return // identically zero
	}
	// The form y*h(x) concerns every label, not only those in range.
	if l.Kind != LabelY && pr.linWhy.code == whyNone {
		pr.linWhy = whyNot{code: whyNotLinear, term: j}
	}
	lsup := labelSup(l, pr.labelRange)
	if lsup == 0 {
		return
	}
	pr.nonzero++
	if pr.boolOK {
		lbool := l.Kind == LabelOne || l.Kind == LabelAbove
		switch {
		case pr.nonzero > 1:
			pr.boolOK, pr.boolWhy = false, whyNot{code: whyManyTerms}
		case !lbool || !fbool:
			pr.boolOK, pr.boolWhy = false, whyNot{code: whyNotBoolean, term: j}
		}
	}
	if (math.IsInf(fsup, 1) || math.IsInf(lsup, 1)) && pr.unbounded.code == whyNone {
		pr.unbounded = whyNot{code: whyUnbounded, term: j}
	}
	pr.sup += lsup * fsup
	pr.rms += lsup * frms
	pr.hrms += frms
}

// markOpaque records the first term whose values the proof cannot read,
// for the bounds and for the correlational form alike.
func (pr *prover) markOpaque(code whyCode, j int) {
	if pr.opaque.code == whyNone {
		pr.opaque = whyNot{code: code, term: j}
	}
	if pr.opaqueLin.code == whyNone {
		pr.opaqueLin = whyNot{code: code, term: j}
	}
}

// markGoFunc records a term whose feature is a Go function of x (its bound
// is declared, not proved); it may still have the form y h(x).
func (pr *prover) markGoFunc(code whyCode, j int, t *Term) {
	pr.nonzero++
	if pr.opaque.code == whyNone {
		pr.opaque = whyNot{code: code, term: j}
	}
	if t.Label.Kind != LabelY && pr.linWhy.code == whyNone {
		pr.linWhy = whyNot{code: whyNotLinear, term: j}
	}
	pr.declaredH = true
}

// term bounds the j-th term.
func (pr *prover) term(j int, t *Term) {
	if t.Joint != nil {
		// Counted even with a zero coefficient: 0 * G(U x, y) is NaN
		// when G is not finite.
		pr.nonzero++
		pr.markOpaque(whyJoint, j)
		return
	}
	if t.Label.Kind == LabelFunc {
		// Counted even with a zero coefficient: 0 * Func(y) is NaN
		// when Func(y) is not finite.
		pr.nonzero++
		pr.markOpaque(whyLabelFunc, j)
		return
	}
	if t.Coef == 0 {
		return
	}
	c, f := t.Coef, &t.Feature
	switch f.Kind {
	case FeatOne, FeatLinear, FeatRelu, FeatRelu2, FeatStep, FeatStepX, FeatReluX:
		var w []float64
		if f.Kind != FeatOne && f.Kind != FeatLinear {
			w = f.W
			if allZero(w) {
				return // the feature is identically zero
			}
		}
		vec := f.Kind == FeatLinear || f.Kind == FeatStepX || f.Kind == FeatReluX
		if !pr.addToGroup(j, t, w, vec, f.Kind, c) {
			one := dirGroup{label: &t.Label, w: w, vec: vec, first: j}
			one.add(f.Kind, c)
			s, r, bl := one.stats()
			pr.addPart(j, &t.Label, s, r, bl)
		}
	case FeatHermite:
		deg, good := hermiteDegree(f)
		switch {
		case !good:
			pr.markGoFunc(whyBadHermite, j, t)
		case deg == 0: // H_0 = 1
			if !pr.addToGroup(j, t, nil, false, FeatOne, c) {
				pr.addPart(j, &t.Label, math.Abs(c), math.Abs(c), c == 1)
			}
		default:
			pr.addPart(j, &t.Label, math.Inf(1), math.Abs(c), false)
		}
	case FeatReluRows:
		m := 0.0
		for _, row := range f.U {
			m = math.Max(m, safeNorm(row))
		}
		if m == 0 {
			return
		}
		pr.addPart(j, &t.Label, math.Inf(1), math.Abs(c)*m/math.Sqrt2, false)
	default: // FeatRidge, FeatFunc and unknown kinds: Go functions of x
		pr.markGoFunc(whyOpaqueFeat, j, t)
	}
}

// addToGroup adds c times the feature of kind k (direction w) to the group
// of its label and direction, opening one if fewer than maxGroups are
// taken; it reports false, adding nothing, when the term has no group (the
// caller then bounds it alone).
func (pr *prover) addToGroup(j int, t *Term, w []float64, vec bool, k FeatureKind, c float64) bool {
	g := findGroup(pr.groups[:pr.ng], &t.Label, w, vec)
	if g == nil {
		if pr.ng == maxGroups {
			return false
		}
		pr.groups[pr.ng] = dirGroup{label: &t.Label, vec: vec, first: j}
		g = &pr.groups[pr.ng]
		pr.ng++
	}
	if w != nil && g.w == nil {
		g.w = w
	}
	g.add(k, c)
	return true
}

// flushGroups bounds each group as one part.
func (pr *prover) flushGroups() {
	for i := 0; i < pr.ng; i++ {
		g := &pr.groups[i]
		s, r, bl := g.stats()
		pr.addPart(g.first, g.label, s, r, bl)
	}
}

// conclude reads the classes off the accumulated bounds into p; inRange
// says the label range lies in [-1, 1] (Correlational => L2 needs it).
func (pr *prover) conclude(p *Proof, inRange bool) {
	ok := func(v float64) bool { return v <= p.b*(1+proofSlack) }

	// Correlational: the form phi = y h(x), then E[h^2] <= B^2.
	switch {
	case pr.linWhy.code != whyNone:
		p.why[2] = pr.linWhy
	case pr.opaqueLin.code != whyNone:
		p.why[2] = pr.opaqueLin
		p.Unproven |= Correlational
	case pr.declaredH:
		p.Class |= Correlational
		p.DeclaredBound = true
	case ok(pr.hrms):
		p.Class |= Correlational
		p.HRMS = pr.hrms
	default:
		p.HRMS = pr.hrms
		p.why[2] = whyNot{code: whyHRMSExceeds, val: pr.hrms}
	}

	// Bounded and L2.
	switch {
	case pr.unbounded.code != whyNone:
		p.why[0] = pr.unbounded
	case pr.opaque.code != whyNone:
		p.why[0] = pr.opaque
		p.Unproven |= Bounded
	default:
		p.Sup = pr.sup
		if ok(pr.sup) {
			p.Class |= Bounded
		} else {
			p.why[0] = whyNot{code: whySupExceeds, val: pr.sup}
		}
	}
	switch {
	case pr.opaque.code != whyNone:
		if p.Class&Correlational != 0 && inRange {
			p.Class |= L2
		} else {
			p.why[1] = pr.opaque
			p.Unproven |= L2
		}
	default:
		p.RMS = math.Min(pr.rms, p.Sup)
		switch {
		case ok(p.RMS):
			p.Class |= L2
		case p.Class&Correlational != 0 && inRange:
			p.Class |= L2
		default:
			p.why[1] = whyNot{code: whyRMSExceeds, val: p.RMS}
		}
	}

	// Boolean.
	switch {
	case pr.opaque.code != whyNone:
		p.why[3] = pr.opaque
		p.Unproven |= Boolean
	case !pr.boolOK:
		p.why[3] = pr.boolWhy
	default:
		p.Class |= Boolean
		if p.Class&Bounded == 0 && p.why[0].code == whySupExceeds {
			p.why[0] = whyNot{code: whyBooleanBound}
		}
	}
}

// inherit adds the classes a Boolean view keeps from the query it maps
// (MapLabels), when the view is unchanged since. They hold for every label
// range: the view's label functionals see only sign(y - t).
func (p *Proof) inherit(q *Query) {
	v := q.view
	if v.fp == 0 || v.class&^p.Class == 0 || v.fp != q.Fingerprint() {
		return
	}
	add := v.class &^ p.Class
	p.Class |= add
	p.Unproven &^= add
	if v.declared && add&(L2|Bounded) != 0 {
		p.DeclaredBound = true
	}
}

// labelSup is sup |lambda(y)| over labels y with |y| <= m.
func labelSup(l *Label, m float64) float64 {
	switch l.Kind {
	case LabelOne, LabelAbove, LabelSign:
		return 1
	case LabelY:
		return m
	case LabelY2:
		return m * m
	}
	return math.Inf(1)
}

func sameLabel(a, b *Label) bool {
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case LabelAbove, LabelSign:
		return a.T == b.T
	}
	return true
}

func findGroup(gs []dirGroup, l *Label, w []float64, vec bool) *dirGroup {
	for i := range gs {
		g := &gs[i]
		if g.vec != vec || !sameLabel(g.label, l) {
			continue
		}
		if w == nil || g.w == nil || sameVec(g.w, w) {
			return g
		}
	}
	return nil
}

func sameVec(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	if len(a) == 0 || &a[0] == &b[0] {
		return true
	}
	for i, v := range a {
		if v != b[i] {
			return false
		}
	}
	return true
}

func allZero(w []float64) bool {
	for _, v := range w {
		if v != 0 {
			return false
		}
	}
	return true
}

// safeNorm is ||w|| without overflow or underflow of w.w.
func safeNorm(w []float64) float64 {
	ss := floats.Dot(w, w)
	if ss > 1e-280 && ss <= math.MaxFloat64 {
		return math.Sqrt(ss)
	}
	if allZero(w) {
		return 0
	}
	return floats.Norm(w, 2)
}

func (g *dirGroup) add(k FeatureKind, c float64) {
	switch k {
	case FeatOne, FeatLinear:
		g.b += c
	case FeatStep, FeatStepX:
		g.a += c
	case FeatRelu, FeatReluX:
		g.r += c
	case FeatRelu2:
		g.s += c
	}
}

// stats returns sup |h_i|, a bound on E[h_i^2]^(1/2) (largest over
// coordinates) and whether h is {0,1}-valued, for
// h = b + 1{w.x > 0} (a + r s + q s^2), s = w.x ~ N(0, sigma^2), times x_i
// when vec.
func (g *dirGroup) stats() (sup, rms float64, boolean bool) {
	inf := math.Inf(1)
	b, a, r, q := g.b, g.a, g.r, g.s
	if g.w == nil {
		a, r, q = 0, 0, 0
	}
	if b == 0 && a == 0 && r == 0 && q == 0 {
		return 0, 0, true
	}
	sigma := 0.0
	if g.w != nil && (r != 0 || q != 0) {
		sigma = safeNorm(g.w)
	}
	A := a + b
	// m2 = E[g(s)^2] = b^2/2 + E[(A + r s + q s^2)^2 1{s > 0}], written with
	// the half-normal moments; a term with a zero coefficient is skipped
	// (sigma may be +Inf). abs collects the terms' magnitudes for the
	// rounding allowance.
	var sum, abs float64
	term := func(c float64, k int, sigPow int) {
		if c == 0 {
			return
		}
		v := c * halfMoment[k]
		for i := 0; i < sigPow; i++ {
			v *= sigma
		}
		sum += v
		abs += math.Abs(v)
	}
	if g.w == nil {
		sum, abs = b*b, b*b
	} else {
		term(b*b, 0, 0) // E[1{s <= 0}] = 1/2 = halfMoment[0]
		term(A*A, 0, 0)
		term(2*A*r, 1, 1)
		term(r*r+2*A*q, 2, 2)
		term(2*r*q, 3, 3)
		term(q*q, 4, 4)
	}
	m2 := math.Max(sum, 0) + 4e-16*abs
	if !g.vec {
		if r != 0 || q != 0 {
			sup = inf
		} else if g.w == nil {
			sup = math.Abs(b)
		} else {
			sup = math.Max(math.Abs(b), math.Abs(A))
		}
		boolean = r == 0 && q == 0 && (b == 0 || b == 1) && (A == 0 || A == 1)
		return sup, math.Sqrt(m2), boolean
	}
	// h_i = x_i g(s): with t = w_i^2/||w||^2 in [0, 1],
	// E[x_i^2 g^2] = (1 - t) E[g^2] + t E[g^2 s^2]/sigma^2 <= max of the two.
	if g.w == nil {
		return inf, math.Abs(b), false
	}
	sum, abs = 0, 0
	term(b*b, 2, 0) // E[s^2 1{s <= 0}]/sigma^2 = 1/2
	term(A*A, 2, 0)
	term(2*A*r, 3, 1)
	term(r*r, 4, 2)
	m2s := math.Max(sum, 0) + 4e-16*abs
	return inf, math.Sqrt(math.Max(m2, m2s)), false
}

// hermiteDegree returns the total degree of a Hermite feature and whether
// its index is well formed (equal lengths, degrees >= 0, coordinates not
// repeated): only then is E[H_alpha^2] = 1.
func hermiteDegree(f *Feature) (int, bool) {
	if len(f.Idx) != len(f.Deg) {
		return 0, false
	}
	n := 0
	for _, d := range f.Deg {
		if d < 0 || d > MaxHermiteDegree {
			return 0, false
		}
		if n += d; n > MaxHermiteDegree {
			return 0, false
		}
	}
	if _, rep := repeatedIndex(f.Idx); rep {
		return 0, false
	}
	return n, true
}

// MaxHermiteDegree is the largest total degree |alpha| of a Hermite feature
// that Validate accepts: sq/gauss.HermiteNorm is accurate to 2.5e-15 of its
// envelope for degrees up to 400, and the exact worlds integrate h_|alpha|
// of the total degree.
const MaxHermiteDegree = 400
