// Package learners holds sqsim's SQ learners of a ReLU under Gaussian
// marginals. Each learner is one file that imports sq (and sq/gauss for the
// label-free expectations a learner may compute itself), never a world or an
// oracle: it learns only from the answers to its queries.
//
// A learner declares its options once, binding its fields to a flag.FlagSet
// (see Flagger), and registers itself for the command line with one line:
//
//	func init() { RegisterFlags("gd", "SQ gradient descent", func() Flagger { return new(GD) }) }
//
// and `sqsim learn --learner gd --set step=0.5` then runs it; New parses the
// key=value options from the declaration and `sqsim help learn gd` lists
// them (Lookup). Used directly, a learner struct runs with the same
// defaults: a zero field means the default its Flags declares (GD{Tol:
// 1e-3} runs 200 steps of size 1), except bool fields and the fields whose
// comment says what their zero means.
package learners

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/sqsim/sqsim/sq"
)

// Options are a learner's settings as key=value strings (from the command
// line's --set flags). The typed getters return the default when a key is
// absent and an error naming the key and value when it does not parse.
type Options map[string]string

// ErrOption is the sentinel of bad learner options.
var ErrOption = errors.New("learners: bad option")

// Float returns the option key as a finite float64, or def.
func (o Options) Float(key string, def float64) (float64, error) {
	s, ok := o[key]
	if !ok {
		return def, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%w: %s=%q is not a finite number", ErrOption, key, s)
	}
	return v, nil
}

// Int returns the option key as an int, or def.
func (o Options) Int(key string, def int) (int, error) {
	s, ok := o[key]
	if !ok {
		return def, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s=%q is not an integer", ErrOption, key, s)
	}
	return v, nil
}

// String returns the option key, or def.
func (o Options) String(key, def string) string {
	if s, ok := o[key]; ok {
		return s
	}
	return def
}

// Vector returns the option key as a comma-separated vector, or nil.
func (o Options) Vector(key string) ([]float64, error) {
	s, ok := o[key]
	if !ok {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("%w: %s: entry %d %q is not a finite number", ErrOption, key, i+1, p)
		}
		out[i] = v
	}
	return out, nil
}

// Check returns an error naming the first key that is not in known.
func (o Options) Check(learner string, known ...string) error {
	for _, k := range slices.Sorted(maps.Keys(o)) {
		if !slices.Contains(known, k) {
			return fmt.Errorf("%w: learner %s has no option %q (it has: %s)", ErrOption, learner, k, strings.Join(known, ", "))
		}
	}
	return nil
}

// Entry is a registered learner.
type Entry struct {
	Name string
	Doc  string // one line: what it is and its guarantee
	New  func(Options) (sq.Learner, error)
	// Options are the learner's options in alphabetical order, from its
	// declaration (RegisterFlags), the standard option tol included when
	// the learner declares it; nil for a learner registered with Register,
	// whose options only its New knows.
	Options []Option
}

var (
	regMu    sync.Mutex
	registry = map[string]Entry{}
)

// Register makes a learner available by name (to the command line and the
// harness) through its own constructor New, which parses the options
// itself (Options has typed getters and Check). Such a learner must accept
// the option "tol", the tolerance of its queries, which the harness sets
// from the run's --tol. RegisterFlags is the simpler way: the learner
// declares its options once and the registry parses them. Register panics
// if the name is taken: that is a programming error in an init function,
// not user input.
func Register(name, doc string, New func(Options) (sq.Learner, error)) {
	add(Entry{Name: name, Doc: doc, New: New})
}

func add(e Entry) {
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[e.Name]; dup {
		panic("learners: " + e.Name + " registered twice")
	}
	registry[e.Name] = e
}

// ErrUnknown is returned by New for a name that is not registered.
var ErrUnknown = errors.New("learners: unknown learner")

// New builds the learner registered under name.
func New(name string, opts Options) (sq.Learner, error) {
	regMu.Lock()
	e, ok := registry[name]
	regMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknown, name, strings.Join(Names(), ", "))
	}
	return e.New(opts)
}

// Names lists the registered learners in alphabetical order.
func Names() []string {
	regMu.Lock()
	defer regMu.Unlock()
	out := make([]string, 0, len(registry))
	for k := range registry {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the registry entry of name.
func Lookup(name string) (Entry, bool) {
	regMu.Lock()
	defer regMu.Unlock()
	e, ok := registry[name]
	return e, ok
}

// Option returns the declared option name of e (false when e declares no
// such option, or was registered with Register).
func (e Entry) Option(name string) (Option, bool) {
	for _, o := range e.Options {
		if o.Name == name {
			return o, true
		}
	}
	return Option{}, false
}
