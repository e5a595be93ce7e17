package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/sqsim/sqsim/learners"
)

// helpLearn prints the page of `sqsim help learn NAME`: the learner's one
// line and every option it declares, with its type, default and help text
// (learners.Lookup). An unknown name, or more than one, is a usage error.
func helpLearn(names []string, stdout io.Writer) error {
	if len(names) != 1 {
		return usagef("help learn: unexpected argument %q, want one learner name", names[1])
	}
	e, ok := learners.Lookup(names[0])
	if !ok {
		return usagef("help learn: unexpected argument %q, not a learner name (known: %s)", names[0], strings.Join(learners.Names(), ", "))
	}
	w := newErrWriter(stdout)
	fmt.Fprintf(w, "sqsim learn --learner %s: %s\n\n", e.Name, e.Doc)
	writeLearnerOptions(w, e, "  ")
	example := "sqsim learn --learner " + e.Name
	for _, o := range e.Options {
		if o.Name != learners.StdTol && o.Type != "floats" {
			example += " --set " + o.Name + "=" + o.Default + "    (the values above are the defaults)"
			break
		}
	}
	fmt.Fprintf(w, "\nexample: %s\n", example)
	return w.Err()
}

// listLearners prints `sqsim learn --list`: every learner with its one line
// and its options with their defaults.
func listLearners(stdout io.Writer) error {
	w := newErrWriter(stdout)
	for i, name := range learners.Names() {
		e, _ := learners.Lookup(name)
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %s\n", e.Name, e.Doc)
		writeLearnerOptions(w, e, "    ")
	}
	fmt.Fprintln(w, "\n(sqsim help learn NAME: one learner's page)")
	return w.Err()
}

// writeLearnerOptions writes e's option table, indented, and what it does
// with the run's tolerance.
func writeLearnerOptions(w io.Writer, e learners.Entry, indent string) {
	if e.Options == nil {
		fmt.Fprintf(w, "%soptions (--set key=value): parsed by the learner's own constructor (registered with learners.Register); it takes tol, the run's --tol\n", indent)
		return
	}
	if len(e.Options) == 0 {
		fmt.Fprintf(w, "%soptions: none\n", indent)
	} else {
		fmt.Fprintf(w, "%soptions (--set key=value):\n", indent)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s  name\ttype\tdefault\thelp\n", indent)
		for _, o := range e.Options {
			def := o.Default
			if def == "" {
				def = `""`
			}
			fmt.Fprintf(tw, "%s  %s\t%s\t%s\t%s\n", indent, o.Name, o.Type, def, o.Usage)
		}
		tw.Flush()
	}
	if _, ok := e.Option(learners.StdTol); ok {
		fmt.Fprintf(w, "%s(tol is set from the run's --tol, or the oracle's default, unless given with --set)\n", indent)
	} else {
		fmt.Fprintf(w, "%s(no tol option: the learner sets its own tolerances, and --tol is refused)\n", indent)
	}
}
