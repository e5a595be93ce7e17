package cli

import (
	"strings"
	"testing"
)

// TestLossBeyondRange: `loss --wstar 1e200,0 --w 0,1e200` printed
// "loss +Inf ... error <= 0". A loss beyond the float64 range is a failure
// of the run: exit status 1, a message on stderr, nothing on stdout.
func TestLossBeyondRange(t *testing.T) {
	for _, args := range [][]string{
		{"loss", "--wstar", "1e200,0", "--w", "0,1e200"},
		{"loss", "--wstar", "1e200,0", "--w", "0,1e200", "--json"},
		{"loss", "--wstar", "1e154,1e154", "--w", "1,0", "--clip", "1"},
	} {
		code, out, errs := runCLI(args...)
		if code == 0 || out != "" || !strings.Contains(errs, "loss") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want a failure with a message", args, code, out, errs)
		}
	}
	if code, out, _ := runCLI("loss", "--wstar", "1e100,0", "--w", "1e100,0"); code != 0 || !strings.Contains(out, "loss 0") {
		t.Errorf("huge but representable: exit %d, %q", code, out)
	}
}
