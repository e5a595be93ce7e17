package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The files of a researcher's own module, as docs/writing-a-learner.md
// shows them: a learner registered from outside learners/, and the main
// package of five lines that hands the command line to cli.Main.
const (
	externalLearner = `package main

import (
	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

func init() {
	learners.Register("mylab-onestep", "one Chow query: relu(w.x) with w = E[y x]",
		func(o learners.Options) (sq.Learner, error) {
			tol, err := o.Float("tol", 1e-6)
			if err == nil {
				err = o.Check("mylab-onestep", "tol")
			}
			return &OneStep{Tol: tol}, err
		})
}

// OneStep asks E[y x] and returns relu(w.x) with w = E[y x].
type OneStep struct{ Tol float64 }

func (l *OneStep) Name() string { return "mylab-onestep" }

func (l *OneStep) Learn(s *sq.Session) (sq.Hypothesis, error) {
	w, err := s.AskVec(sq.Chow(s.Setting.D), l.Tol, nil)
	return sq.ReLU{W: w}, err
}
`
	externalMain = `package main

import (
	"os"

	"github.com/sqsim/sqsim/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) }
`
)

// TestExternalModule builds a module of its own (example.com/mylab) that
// requires sqsim through a replace directive pointing at this checkout,
// registers a learner "mylab-onestep" and calls cli.Main; its binary runs
// `learn` and `hardness game` with that learner. Offline: GOPROXY=off, the
// dependencies from the module cache, go.sum copied from this module's.
func TestExternalModule(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool to build an external module (seconds); skipped under -short")
	}
	guide, err := os.ReadFile("../docs/writing-a-learner.md")
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"onestep.go": externalLearner, "main.go": externalMain} {
		if !strings.Contains(string(guide), "```go\n"+text+"```\n") {
			t.Errorf("docs/writing-a-learner.md does not show the external module's %s verbatim; update the guide or this test", name)
		}
	}
	bin := buildExternalModule(t, externalLearner)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"learn", []string{"learn", "--learner", "mylab-onestep"}, []string{"sqsim learn: mylab-onestep on realizable", "queries      1 (10 scalar)"}},
		{"learn --tol", []string{"learn", "--learner", "mylab-onestep", "--oracle", "noise", "--tol", "1e-3"}, []string{"mylab-onestep on realizable", "tolerance 0.001"}},
		{"hardness game", []string{"hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-3", "--learner", "mylab-onestep"}, []string{"mylab-onestep"}},
		{"help learn", []string{"help", "learn"}, []string{"mylab-onestep"}},
		{"--version", []string{"--version"}, []string{"sqsim version devel", "main module example.com/mylab"}},
		{"learn --json", []string{"learn", "--learner", "mylab-onestep", "--json"}, []string{`"learner":"mylab-onestep"`, `"main_module":"example.com/mylab"`, `"sqsim":"devel"`}},
	} {
		t.Run(tc.name, func(t *testing.T) { runExternal(t, bin, tc.args, tc.want) })
	}
	t.Run("usage error", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		cmd := exec.Command(bin, "learn", "--learner", "mylab-onestep", "--set", "steps=3")
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "steps") {
			t.Errorf("mylab learn --set steps=3: %v, stdout %q, stderr %q; want exit 2, one line naming steps", err, stdout.String(), stderr.String())
		}
	})
}

// buildExternalModule writes a module example.com/mylab in a temp dir
// (go.mod with a replace of sqsim by this checkout, go.sum copied from
// this module's, onestep.go = learner, main.go = the guide's main) and
// builds it offline; it returns the binary's path, or skips the test when
// no go tool is on PATH.
func buildExternalModule(t *testing.T, learner string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH: cannot build the external module")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, text := range map[string]string{
		"go.mod":     "module example.com/mylab\n\ngo 1.26.0\n\nrequire github.com/sqsim/sqsim v0.0.0\n\nreplace github.com/sqsim/sqsim => " + root + "\n",
		"go.sum":     string(sum),
		"onestep.go": learner,
		"main.go":    externalMain,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "mylab")
	build := exec.Command(goTool, "build", "-o", bin, ".")
	build.Dir, build.Env = dir, append(os.Environ(), "GOFLAGS=-mod=mod -buildvcs=false", "GOPROXY=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build of the external module: %v\n%s", err, out)
	}
	return bin
}

// runExternal runs the external module's binary with args and checks that
// its stdout holds every string of want.
func runExternal(t *testing.T, bin string, args, want []string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("mylab %s: %v, stderr %q", strings.Join(args, " "), err, stderr.String())
	}
	for _, w := range want {
		if !strings.Contains(stdout.String(), w) {
			t.Errorf("mylab %s: output lacks %q:\n%s", strings.Join(args, " "), w, stdout.String())
		}
	}
}
