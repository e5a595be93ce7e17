package sq

import (
	"errors"
	"fmt"
	"strings"
)

// Class is a set of query classes. A query declares every class it belongs to
// (with the norm bound Query.Bound), and its terms must prove it: Validate
// refuses a declared class that a term refutes, and Query.Prove computes
// the classes the terms prove (see prove.go). An oracle declares the classes
// it accepts and refuses, with a *ClassError, a query none of whose proven
// classes it accepts (CheckClass). The classes are those of theory §5.1,
// stated for labels in [-1, 1] (ClassLabelMin, ClassLabelMax):
//
//	Bounded        |phi(x, y)| <= B for every x and every label y in the setting's range (STAT)
//	L2             E[phi(x, y)^2] <= B^2 under every distribution with the setting's
//	               marginal and labels in range (the class of the GKK19 lower bound,
//	               and the natural class of gradient coordinates)
//	Correlational  phi(x, y) = y * h(x) with E[h(x)^2] <= B^2 (CSQ)
//	Boolean        phi(x, y) in {0, 1} (VSTAT)
//
// The classes are nested as Boolean ⊂ Bounded ⊂ L2 and, for labels in
// [-1, 1], Correlational ⊂ L2; Closure adds the implied classes.
type Class uint8

// The query classes. See Class.
const (
	Bounded Class = 1 << iota
	L2
	Correlational
	Boolean
)

// AllClasses accepts every query class.
const AllClasses = Bounded | L2 | Correlational | Boolean

var classNames = []struct {
	c    Class
	name string
}{{Bounded, "bounded"}, {L2, "l2"}, {Correlational, "correlational"}, {Boolean, "boolean"}}

// String lists the classes of the set joined by "|", e.g. "bounded|correlational".
func (c Class) String() string {
	var parts []string
	for _, cn := range classNames {
		if c&cn.c != 0 {
			parts = append(parts, cn.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "|")
}

// classAliases are the names of the query models whose classes they are:
// CSQ (correlational), STAT (bounded), VSTAT (boolean), and all classes.
var classAliases = []struct {
	c    Class
	name string
}{{Correlational, "csq"}, {Bounded, "stat"}, {Boolean, "vstat"}, {AllClasses, "all"}}

// ParseClass is the inverse of String: class names joined by "|" (or ","),
// e.g. "bounded|l2". It also accepts the names of the query models: "csq"
// (correlational), "stat" (bounded), "vstat" (boolean) and "all" (every
// class). For oracle.WithClasses, note that "all" still refuses a query none
// of whose classes is proved (see Query.Prove).
func ParseClass(s string) (Class, error) {
	var c Class
	if s == "none" {
		return 0, nil
	}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == ',' }) {
		p = strings.TrimSpace(p)
		found := false
		for _, cn := range classNames {
			if p == cn.name {
				c |= cn.c
				found = true
			}
		}
		for _, cn := range classAliases {
			if p == cn.name {
				c |= cn.c
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("sq: unknown query class %q (want bounded, l2, correlational, boolean, csq, stat, vstat or all, joined by |)", p)
		}
	}
	if c == 0 {
		return 0, fmt.Errorf("sq: no query class in %q (want bounded, l2, correlational, boolean, csq, stat, vstat or all, joined by |)", s)
	}
	return c, nil
}

// Closure returns c together with every class it implies: Boolean implies
// Bounded, Bounded implies L2, Correlational implies L2.
func (c Class) Closure() Class {
	if c&Boolean != 0 {
		c |= Bounded
	}
	if c&(Bounded|Correlational) != 0 {
		c |= L2
	}
	return c
}

// Within reports whether a query of class c may be given to an oracle that
// accepts the classes in accepted.
func (c Class) Within(accepted Class) bool { return c.Closure()&accepted != 0 }

// ErrClass is the sentinel of every *ClassError; test with errors.Is.
var ErrClass = errors.New("sq: query class not accepted")

// ClassError is returned by an oracle asked a query outside the classes it
// accepts.
type ClassError struct {
	Query    string // the query's name
	Class    Class  // the classes the query declared
	Proven   Class  // the classes its terms prove (Query.Prove)
	Accepted Class  // the classes the oracle accepts
	Oracle   string // the oracle's name
	// Unproven: the query declares an accepted class that rests on a Go
	// function, so it can be neither proved nor refuted; an oracle told to
	// trust declared classes would answer it.
	Unproven bool
	// Reason says why the accepted class the query declares (or, when it
	// declares none, the first accepted class) is not proved, naming the term.
	Reason string
}

func (e *ClassError) Error() string {
	msg := fmt.Sprintf("sq: oracle %s accepts %s queries; query %q declares %s, its terms prove %s", e.Oracle, e.Accepted, e.Query, e.Class, e.Proven)
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	if e.Unproven {
		msg += " (the class rests on a Go function and cannot be proved; an oracle may be told to trust declared classes, e.g. oracle.WithClasses(c, oracle.TrustDeclared()))"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrClass) true.
func (e *ClassError) Unwrap() error { return ErrClass }

// CheckClass returns nil when a class that the terms of q prove (Query.Prove,
// labels in [-1, 1]) is within accepted, and otherwise a *ClassError that
// says which term stops the proof. A class that q merely declares does not
// count: see CheckClassTrusting.
func CheckClass(q *Query, accepted Class, oracle string) error {
	return checkClass(q, accepted, oracle, false)
}

// CheckClassTrusting is CheckClass, except that a class q declares and that
// rests on a Go function (Proof.Unproven: a func label, a joint term, a ridge
// or func feature) is taken as declared. A class that a term refutes is
// still refused.
func CheckClassTrusting(q *Query, accepted Class, oracle string) error {
	return checkClass(q, accepted, oracle, true)
}

func checkClass(q *Query, accepted Class, oracle string, trust bool) error {
	if q == nil {
		return fmt.Errorf("%w: nil query", ErrQuery)
	}
	p := q.Prove()
	if p.Class&accepted != 0 {
		return nil
	}
	declared := q.Class.Closure() & accepted
	if trust && declared&p.Unproven != 0 {
		return nil
	}
	e := &ClassError{Query: q.Name, Class: q.Class, Proven: p.Class, Accepted: accepted, Oracle: oracle}
	target := declared
	if target == 0 {
		target = accepted
	}
	for _, cn := range classNames {
		if target&cn.c != 0 {
			e.Reason = p.Reason(cn.c)
			e.Unproven = declared&p.Unproven&cn.c != 0
			break
		}
	}
	return e
}
