package sweep

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

func TestSweepProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := NewProgress(&buf, 10)
	p.Every = 0 // a line per cell
	p.Skip(2)
	for i := range 8 {
		p.Add(i == 3)
	}
	p.Finish()
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 8 (one per cell, none repeated at the end): %q", len(lines), buf.String())
	}
	re := regexp.MustCompile(`^sweep: \d+/10 done, \d+ failed, [0-9.e+]+ cells/s, ETA \S+$`)
	for _, l := range lines {
		if !re.MatchString(l) {
			t.Errorf("line %q is not of the form %s", l, re)
		}
	}
	if !strings.HasPrefix(lines[7], "sweep: 10/10 done, 1 failed") {
		t.Errorf("last line %q", lines[7])
	}
	if IsTerminal(&buf) {
		t.Error("a buffer is not a terminal")
	}
}
