package cli

import (
	"strings"
	"testing"
)

// TestGameMaxQueriesOverflow: --set max_queries=1e40 was reported as
// -9223372036854775808 (a float converted to int64); it is a usage error
// naming the value and the limit, with nothing on stdout.
func TestGameMaxQueriesOverflow(t *testing.T) {
	for _, v := range []string{"1e40", "9.3e18"} {
		t.Run(v, func(t *testing.T) {
			code, out, errs := runCLI("hardness", "game", "--d", "12", "--k", "2", "--tau", "0.04", "--learner", "sparse", "--set", "max_queries="+v)
			if code != 2 || out != "" || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Fatalf("exit %d, stdout %q, stderr %q: want exit 2, one line on stderr", code, out, errs)
			}
			if !strings.Contains(errs, v) || !strings.Contains(errs, "2^63") || strings.Contains(errs, "-9223372036854775808") {
				t.Errorf("stderr %q: want the value %s and the limit 2^63", errs, v)
			}
		})
	}
}
