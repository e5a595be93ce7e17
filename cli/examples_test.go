package cli

import (
	"strings"
	"testing"
)

// TestHelpExamples: every command's -h ends with examples, and every
// example names a command and flags that exist (each example's words up to
// a shell operator are parsed with -h appended: an unknown flag or
// subcommand fails).
func TestHelpExamples(t *testing.T) {
	for name, exs := range helpExamples {
		t.Run(name, func(t *testing.T) {
			code, out, errs := runCLI(append(strings.Fields(name), "-h")...)
			if code != 0 || !strings.Contains(out, "\nexamples:\n") {
				t.Errorf("%s -h: exit %d, no examples section (stderr %q)", name, code, errs)
			}
			for _, ex := range exs {
				for _, cmdline := range strings.Split(ex, "&&") {
					words := strings.Fields(cmdline)
					for i, w := range words {
						if w == "#" || w == ">" || w == "|" {
							words = words[:i]
							break
						}
					}
					if len(words) < 2 || words[0] != "sqsim" {
						t.Fatalf("example %q is not a sqsim command line", cmdline)
					}
					if name == "docs" {
						// docs reads its FILEs after the flags, so a -h
						// appended there would be a file name: check the
						// command alone (its flags are checked by TestDocs).
						words = words[:2]
					}
					if code, _, errs := runCLI(append(words[1:], "-h")...); code != 0 {
						t.Errorf("example %q: exit %d with -h: %s", cmdline, code, errs)
					}
				}
			}
		})
	}
	t.Run("every command has examples", func(t *testing.T) {
		for _, n := range commandNames() {
			if n == "hardness" || n == "sweep" {
				continue // their subcommands carry the examples
			}
			code, out, _ := runCLI(n, "-h")
			if code != 0 || !strings.Contains(strings.ToLower(out), "example") {
				t.Errorf("%s -h has no example", n)
			}
		}
	})
}
