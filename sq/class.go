package sq

import (
	"errors"
	"fmt"
	"strings"
)

// Class is a set of query classes. A query declares every class it belongs to
// (with the norm bound Query.Bound); an oracle declares the classes it
// accepts and refuses, with a *ClassError, a query none of whose classes it
// accepts. The classes are those of theory §5.1:
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

// ParseClass is the inverse of String.
func ParseClass(s string) (Class, error) {
	var c Class
	if s == "none" {
		return 0, nil
	}
	for _, p := range strings.Split(s, "|") {
		found := false
		for _, cn := range classNames {
			if p == cn.name {
				c |= cn.c
				found = true
			}
		}
		if !found {
			return 0, fmt.Errorf("sq: unknown query class %q (want bounded, l2, correlational or boolean)", p)
		}
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
	Accepted Class  // the classes the oracle accepts
	Oracle   string // the oracle's name
}

func (e *ClassError) Error() string {
	return fmt.Sprintf("sq: oracle %s accepts %s queries; query %q is %s", e.Oracle, e.Accepted, e.Query, e.Class)
}

// Unwrap makes errors.Is(err, ErrClass) true.
func (e *ClassError) Unwrap() error { return ErrClass }

// CheckClass returns a *ClassError when q declares no class within accepted.
func CheckClass(q *Query, accepted Class, oracle string) error {
	if q.Class.Within(accepted) {
		return nil
	}
	return &ClassError{Query: q.Name, Class: q.Class, Accepted: accepted, Oracle: oracle}
}
