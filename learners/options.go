package learners

import (
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/sq"
)

// Flagger is a learner that declares its options: Flags binds each option
// to a field of the learner, with its name, default and help text, e.g.
//
//	func (g *GD) Flags(fs *flag.FlagSet) {
//		fs.Float64Var(&g.Step, "step", 1, "step size")
//		fs.Var((*Floats)(&g.W0), "w0", "initial weights, comma-separated")
//	}
//
// That one declaration is what the registry (RegisterFlags, New) parses
// key=value options with (unknown keys, type errors, defaults) and what
// `sqsim help learn NAME` lists (Lookup). Options of type float64, int,
// int64, string, bool and Floats (comma lists) are understood.
type Flagger interface {
	sq.Learner
	Flags(fs *flag.FlagSet)
}

// Option describes one declared learner option.
type Option struct {
	Name    string
	Type    string // "float", "int", "string", "bool" or "floats" (comma-separated)
	Default string // the default as the command line would write it ("" for an empty list)
	Usage   string
}

// StdTol is the standard option every learner accepts: the tolerance of
// its queries, which the harness sets from the run's --tol (and the
// hardness game from its tau). A learner that uses the run's tolerance
// declares it in Flags (fs.Float64Var(&l.Tol, StdTol, 1e-6, "...")); one
// that does not sets its own tolerances, and the registry then checks a
// given tol (a finite number > 0) and does not use it.
const StdTol = "tol"

// RegisterFlags makes a learner available by name, like Register, from its
// declaration: mk returns a new learner with zero fields, whose Flags method
// binds its options (a learner with no options may declare none). New(name,
// opts) then calls mk, binds the options with their defaults and sets each
// key=value of opts, refusing unknown keys (naming the known ones) and
// values that do not parse (naming key, value and type). RegisterFlags
// panics if the name is taken.
func RegisterFlags(name, doc string, mk func() Flagger) {
	opts := describe(name, mk())
	add(Entry{Name: name, Doc: doc, Options: opts, New: func(o Options) (sq.Learner, error) {
		l := mk()
		return l, parseOptions(name, l, o)
	}})
}

// flagSet binds l's options in a new FlagSet named after the learner.
func flagSet(name string, l Flagger) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	l.Flags(fs)
	return fs
}

// describe lists the options l declares, in alphabetical order (never nil).
func describe(name string, l Flagger) []Option {
	out := []Option{}
	flagSet(name, l).VisitAll(func(f *flag.Flag) {
		out = append(out, Option{Name: f.Name, Type: typeName(f.Value), Default: f.DefValue, Usage: f.Usage})
	})
	return out
}

func typeName(v flag.Value) string {
	g, ok := v.(flag.Getter)
	if !ok {
		return "value"
	}
	switch g.Get().(type) {
	case float64:
		return "float"
	case int, int64:
		return "int"
	case string:
		return "string"
	case bool:
		return "bool"
	case []float64:
		return "floats"
	}
	return "value"
}

// validator is implemented by the learners of this package that check
// their settings after parsing (the check Learn also makes).
type validator interface{ validate() error }

// parseOptions binds l's declared options with their defaults and sets
// those of o, then runs l's own check if it has one.
func parseOptions(name string, l Flagger, o Options) error {
	fs := flagSet(name, l)
	var stdTol *float64 // the standard tol, when l does not declare it
	if fs.Lookup(StdTol) == nil {
		stdTol = new(float64)
		fs.Float64Var(stdTol, StdTol, 0, "the run's tolerance (not used: this learner sets its own)")
	}
	for _, k := range slices.Sorted(maps.Keys(o)) {
		f := fs.Lookup(k)
		if f == nil {
			var known []string
			fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
			return fmt.Errorf("%w: learner %s has no option %q (it has: %s)", ErrOption, name, k, strings.Join(known, ", "))
		}
		if err := setOption(name, f, o[k]); err != nil {
			return err
		}
	}
	if _, given := o[StdTol]; given && stdTol != nil {
		if err := tolOK(name, *stdTol); err != nil {
			return err
		}
	}
	if r, ok := l.(interface{ resolve() }); ok {
		r.resolve()
	}
	if v, ok := l.(validator); ok {
		return v.validate()
	}
	return nil
}

// setOption sets one option, with an error naming key, value and type.
func setOption(name string, f *flag.Flag, s string) error {
	bad := func(want string) error {
		return fmt.Errorf("%w: learner %s: %s=%q is not %s", ErrOption, name, f.Name, s, want)
	}
	switch typeName(f.Value) {
	case "float":
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("a finite number (type float)")
		}
		return f.Value.Set(strconv.FormatFloat(v, 'g', -1, 64))
	case "int":
		if _, plain := f.Value.(flag.Getter).Get().(int); plain {
			v, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil {
				return bad("an integer (type int)")
			}
			return f.Value.Set(strconv.Itoa(v))
		}
	case "bool":
		if s != "true" && s != "false" {
			return bad("true or false (type bool)")
		}
	}
	if err := f.Value.Set(s); err != nil {
		return fmt.Errorf("%w: learner %s: %s=%q: %v", ErrOption, name, f.Name, s, err)
	}
	return nil
}

// Floats is a flag.Value for a comma-separated list of finite numbers, the
// type of vector options: fs.Var((*Floats)(&l.W0), "w0", "...").
type Floats []float64

// String joins the numbers with commas.
func (v *Floats) String() string {
	if v == nil {
		return ""
	}
	parts := make([]string, len(*v))
	for i, x := range *v {
		parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// Set parses a comma-separated list, refusing an entry that is not a
// finite number.
func (v *Floats) Set(s string) error {
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("entry %d %q is not a finite number", i+1, p)
		}
		out[i] = x
	}
	*v = out
	return nil
}

// Get returns the list as a []float64.
func (v *Floats) Get() any { return []float64(*v) }

// countValue is an int64 option written as a number ("1e8"), an integer in
// [1, 2^63).
type countValue int64

func (c *countValue) String() string {
	if c == nil {
		return "0"
	}
	return strconv.FormatInt(int64(*c), 10)
}

func (c *countValue) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != math.Trunc(v) || v < 1 || v >= 1<<63 {
		return fmt.Errorf("want an integer in [1, 2^63)")
	}
	*c = countValue(v)
	return nil
}

func (c *countValue) Get() any { return int64(*c) }

// withDefaults returns a copy of *l in which every zero field that l's
// Flags declares with a non-zero default holds that default, except bool
// fields and the fields named in keep (whose zero is a setting of its own,
// such as Radius 0 for no projection). It is how a learner used as a struct
// literal (GD{Tol: 1e-3}) runs with its documented defaults.
func withDefaults[T any, P interface {
	*T
	Flagger
}](l P, keep ...string) P {
	def := P(new(T))
	flagSet("", def)
	out := *l
	dv, ov := reflect.ValueOf(def).Elem(), reflect.ValueOf(&out).Elem()
	for i := range ov.NumField() {
		f, sf := ov.Field(i), ov.Type().Field(i)
		if !sf.IsExported() || f.Kind() == reflect.Bool || slices.Contains(keep, sf.Name) || !f.IsZero() {
			continue
		}
		f.Set(dv.Field(i))
	}
	return &out
}
