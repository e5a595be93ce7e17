// Package cli is the command tree of sqsim, importable: the laboratory's
// command line (the demo, exact losses, learners against oracles, the
// hardness game, performance measurements) as a function, [Main]. The
// binary ./cmd/sqsim is a one-line main calling it; a researcher's own main
// package can do the same after registering learners with
// learners.Register, and then every command (sqsim learn, sqsim hardness
// game, sqsim results, ...) sees those learners. Run `sqsim help` for the
// list of commands.
//
// Exit status: 0 on success, 1 when a run fails, 2 on a usage error (bad
// flag, bad value), in which case one line on stderr names the bad value and
// nothing is printed on stdout.
package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"

	"github.com/sqsim/sqsim/bench"
	"github.com/sqsim/sqsim/sq"
)

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// Main runs the command line args (without the program name), writing to
// stdout and stderr, and returns the exit status: 0 on success, 1 when a run
// fails, 2 on a usage error. A main package calls it as
//
//	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		if len(args) > 1 {
			return finish(usagef("%s takes no arguments, got %q", args[0], args[1]), stderr)
		}
		return finish(printVersion(stdout), stderr)
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 2 && args[1] == "learn" && !strings.HasPrefix(args[2], "-") {
			return finish(helpLearn(args[2:], stdout), stderr) // help learn NAME: the learner's options
		}
		if len(args) > 1 && args[1] != "help" {
			c, ok := commands[args[1]]
			if !ok {
				fmt.Fprintf(stderr, "sqsim: help: unknown command %q (commands: %s)\n", args[1], strings.Join(commandNames(), ", "))
				return 2
			}
			// The rest of the arguments name a subcommand (help hardness
			// game): the command's own -h shows its help.
			rest := append(append([]string(nil), args[2:]...), "-h")
			return finish(c.run(rest, stdout, stderr), stderr)
		}
		tw := newErrWriter(stdout)
		printHelp(tw)
		return finish(tw.Err(), stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "sqsim: unknown command %q (commands: %s)\n", args[0], strings.Join(commandNames(), ", "))
		return 2
	}
	return finish(c.run(args[1:], stdout, stderr), stderr)
}

func finish(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "sqsim: %s\n", oneLine(err.Error()))
		return 2
	}
	fmt.Fprintf(stderr, "sqsim: %s\n", oneLine(err.Error()))
	return 1
}

func oneLine(s string) string { return strings.ReplaceAll(strings.TrimSpace(s), "\n", "; ") }

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "sqsim: a laboratory for statistical-query learning of a ReLU under Gaussian marginals")
	fmt.Fprintln(w, "\nusage: sqsim <command> [flags]    (sqsim help <command> [subcommand] for its flags; sqsim --version)")
	fmt.Fprintln(w, "\ncommands:")
	width := 0
	for _, n := range commandNames() {
		width = max(width, len(n))
	}
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-*s %s\n", width, n, commands[n].summary)
	}
}

// flags returns a flag set whose parse errors become usage errors and whose
// -h prints the command's flags on stdout.
type flags struct {
	*flag.FlagSet
	stdout io.Writer
	usage  string
}

func newFlags(name, usage string, stdout io.Writer) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return &flags{FlagSet: fs, stdout: stdout, usage: usage}
}

func (f *flags) parse(args []string) error {
	err := f.FlagSet.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(f.stdout, "usage: sqsim %s %s\n\nflags:\n", f.Name(), f.usage)
		f.SetOutput(f.stdout)
		f.PrintDefaults()
		printExamples(f.stdout, f.Name())
		return flag.ErrHelp
	}
	if err != nil {
		return usagef("%s: %v", f.Name(), err)
	}
	if f.NArg() > 0 {
		return usagef("%s: unexpected argument %q (all inputs are flags)", f.Name(), f.Arg(0))
	}
	return nil
}

// set reports whether the flag was given on the command line.
func (f *flags) set(name string) bool {
	found := false
	f.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			found = true
		}
	})
	return found
}

// parseVec parses a comma-separated vector of finite numbers given to the
// flag name; the error names the flag, the entry and the value.
func parseVec(name, s string) ([]float64, error) {
	if strings.TrimSpace(s) == "" {
		return nil, usagef("--%s: empty vector, want comma-separated numbers like 0.6,0.8", name)
	}
	parts := strings.Split(s, ",")
	out := make([]float64, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		v, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return nil, usagef("--%s: entry %d %q is not a number", name, i+1, p)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, usagef("--%s: entry %d is %v, want a finite number", name, i+1, p)
		}
		out[i] = v
	}
	return out, nil
}

// checkFinite returns a usage error when v is NaN or infinite.
func checkFinite(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return usagef("--%s: %v, want a finite number", name, v)
	}
	return nil
}

// num is a float64 that encodes NaN and infinities as the JSON strings
// "NaN", "+Inf", "-Inf" (as sq.Floats does) and finite values exactly.
type num float64

func (n num) MarshalJSON() ([]byte, error) { return sq.AppendFloat(nil, float64(n)), nil }

// UnmarshalJSON reads what MarshalJSON writes (a number, or "NaN", "+Inf",
// "-Inf"), so that the typed outputs decode.
func (n *num) UnmarshalJSON(b []byte) error {
	var f sq.Floats
	if err := f.UnmarshalJSON(append(append([]byte{'['}, b...), ']')); err != nil {
		return err
	}
	if len(f) != 1 {
		return fmt.Errorf("cli: %s is not one number", b)
	}
	*n = num(f[0])
	return nil
}

func nums(v []float64) []num {
	out := make([]num, len(v))
	for i, x := range v {
		out[i] = num(x)
	}
	return out
}

// manifest describes a run of cmd with the configuration config (see
// manifestArgs), without its arguments.
func manifest(cmd string, config map[string]any) bench.CommandManifest {
	return manifestArgs(cmd, nil, config)
}

// manifestArgs describes the run of cmd with args and its configuration
// config: command, arguments, configuration, seed (config's "seed" when it
// has one), sqsim version, Go version and VCS revision (see
// bench.CommandManifest). Every JSON output carries one.
func manifestArgs(cmd string, args []string, config map[string]any) bench.CommandManifest {
	m := bench.NewCommandManifest(cmd, args, config)
	if s, ok := config["seed"].(uint64); ok {
		m = m.WithSeed(s)
	}
	return m
}

// printVersion prints the sqsim version, the Go version and the VCS
// revision the binary was built from.
func printVersion(w io.Writer) error {
	rev, modified := "unknown (no VCS stamp, e.g. go run)", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified {
		rev += " (modified)"
	}
	_, err := fmt.Fprintf(w, "sqsim version %s\ngo version %s\nvcs revision %s\n", version(), runtime.Version(), rev)
	if mm := mainModule(); err == nil && mm != "" {
		_, err = fmt.Fprintf(w, "main module %s (the vcs revision above is this module's)\n", mm)
	}
	if err != nil {
		return fmt.Errorf("writing the output: %w", err)
	}
	return nil
}

// version is sqsim's module version in this binary (bench.SqsimVersion).
func version() string { return bench.SqsimVersion() }

// mainModule is the main module's path when it is not sqsim, else "".
func mainModule() string { return bench.MainModule() }

// writeJSON writes v as one line of JSON.
func writeJSON(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
