package cli

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/learners"
	"github.com/sqsim/sqsim/sq"
)

// A learner that declares no option and asks at a tolerance of its own,
// registered as a user's module would.
func init() {
	learners.RegisterFlags("cli-test-owntol", "one Chow query at its own tolerance 0.02",
		func() learners.Flagger { return new(ownTolLearner) })
}

type ownTolLearner struct{}

func (*ownTolLearner) Flags(*flag.FlagSet) {}
func (*ownTolLearner) Name() string        { return "cli-test-owntol" }
func (*ownTolLearner) Learn(s *sq.Session) (sq.Hypothesis, error) {
	w, err := s.AskVec(sq.Chow(s.Setting.D), 0.02, nil)
	return sq.ReLU{W: w}, err
}

// TestHelpLearn: `sqsim help learn NAME` lists every option the learner
// declares with its type and default; a name that is not a learner is a
// usage error.
func TestHelpLearn(t *testing.T) {
	for _, name := range learners.Names() {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runCLI("help", "learn", name)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			e, _ := learners.Lookup(name)
			if !strings.Contains(out, e.Doc) {
				t.Errorf("the page lacks the learner's line %q:\n%s", e.Doc, out)
			}
			for _, o := range e.Options {
				def := o.Default
				if def == "" {
					def = `""`
				}
				if !lineWith(out, o.Name, o.Type, def, o.Usage) {
					t.Errorf("no line lists option %s (%s, default %s):\n%s", o.Name, o.Type, def, out)
				}
			}
		})
	}
	t.Run("gd", func(t *testing.T) {
		_, out, _ := runCLI("help", "learn", "gd")
		if !lineWith(out, "steps", "int", "200") || !lineWith(out, "w0", "floats") || !strings.Contains(out, "example: sqsim learn --learner gd") {
			t.Errorf("help learn gd:\n%s", out)
		}
	})
	t.Run("no tol", func(t *testing.T) {
		_, out, _ := runCLI("help", "learn", "cli-test-owntol")
		if !strings.Contains(out, "options: none") || !strings.Contains(out, "--tol is refused") {
			t.Errorf("help learn cli-test-owntol:\n%s", out)
		}
	})
	t.Run("nosuch", func(t *testing.T) { usageFails(t, `"nosuch", not a learner name`, "help", "learn", "nosuch") })
	t.Run("two names", func(t *testing.T) { usageFails(t, `unexpected argument "chow"`, "help", "learn", "gd", "chow") })
}

// lineWith reports whether one line of out contains every field.
func lineWith(out string, fields ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		ok := true
		for _, f := range fields {
			ok = ok && strings.Contains(line, f)
		}
		if ok {
			return true
		}
	}
	return false
}

// TestLearnList: `sqsim learn --list` names every learner with its line
// and options.
func TestLearnList(t *testing.T) {
	code, out, errs := runCLI("learn", "--list")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, name := range learners.Names() {
		e, _ := learners.Lookup(name)
		if !strings.Contains(out, name+": "+e.Doc) {
			t.Errorf("learn --list lacks %s", name)
		}
	}
	if !lineWith(out, "steps", "int", "200") {
		t.Errorf("learn --list lacks gd's steps:\n%s", out)
	}
}

// TestLearnerWithoutTol: a learner that declares no option runs through
// `sqsim learn` and the hardness game (which give every learner the run's
// tolerance), reports the tolerance it asked at, and refuses --tol.
func TestLearnerWithoutTol(t *testing.T) {
	res := learnJSONOut(t, "--learner", "cli-test-owntol", "--d", "4")
	if res.Tolerance != 0.02 {
		t.Errorf("tolerance %v, want the learner's own 0.02", res.Tolerance)
	}
	usageFails(t, `no option "tol"`, "learn", "--learner", "cli-test-owntol", "--d", "4", "--tol", "1e-3")
	usageFails(t, `no option "tol"`, "learn", "--learner", "cli-test-owntol", "--d", "4", "--set", "tol=1e-3")
	if code, _, errs := runCLI("hardness", "game", "--d", "6", "--k", "2", "--tau", "1e-2", "--learner", "cli-test-owntol"); code != 0 {
		t.Errorf("hardness game: exit %d, %s", code, errs)
	}
}

// TestExternalModuleDeclared builds the guide's external module with the
// learner that declares its options (RegisterFlags), as TestExternalModule
// does with the older form, and runs it through learn, help learn and the
// hardness game.
func TestExternalModuleDeclared(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go tool to build an external module (seconds); skipped under -short")
	}
	guide, err := os.ReadFile("../docs/writing-a-learner.md")
	if err != nil {
		t.Fatal(err)
	}
	var learner string
	for _, block := range strings.Split(string(guide), "```go\n")[1:] {
		block, _, _ = strings.Cut(block, "```\n")
		if strings.Contains(block, `learners.RegisterFlags("mylab-onestep"`) {
			learner = block
		}
	}
	if learner == "" {
		t.Fatal("docs/writing-a-learner.md shows no onestep.go registered with learners.RegisterFlags")
	}
	bin := buildExternalModule(t, learner)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"learn", []string{"learn", "--learner", "mylab-onestep"}, []string{"mylab-onestep on realizable", "tolerance 1e-06"}},
		{"learn --tol", []string{"learn", "--learner", "mylab-onestep", "--oracle", "noise", "--tol", "1e-3"}, []string{"tolerance 0.001"}},
		{"help learn", []string{"help", "learn", "mylab-onestep"}, []string{"tol", "1e-06", "tolerance of the query"}},
		{"hardness game", []string{"hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-3", "--learner", "mylab-onestep"}, []string{"mylab-onestep"}},
	} {
		t.Run(tc.name, func(t *testing.T) { runExternal(t, bin, tc.args, tc.want) })
	}
}
