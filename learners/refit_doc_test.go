package learners_test

import (
	"os"
	"strings"
	"testing"
)

// TestWritingALearnerDoc: docs/writing-a-learner.md shows learners/refit.go
// verbatim, and the file is a complete learner in fewer than 40 lines.
func TestWritingALearnerDoc(t *testing.T) {
	src, err := os.ReadFile("refit.go")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../docs/writing-a-learner.md")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(src), "\n"); n >= 40 {
		t.Errorf("refit.go has %d lines, the guide promises fewer than 40", n)
	}
	block := "```go\n" + string(src) + "```\n"
	if !strings.Contains(string(doc), block) {
		t.Error("docs/writing-a-learner.md does not show learners/refit.go verbatim; update the guide")
	}
}
