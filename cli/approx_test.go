package cli

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestApproxFitCommand(t *testing.T) {
	code, out, errs := runCLI("approxfit", "--d", "3", "--eps", "0.1", "--halfspace=false", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := jsonLines(t, out)
	checkManifest(t, manifestOf(t, lines[0]), "approxfit")
	rows, slopes := 0, map[string]float64{}
	for _, l := range lines[1:] {
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &keys); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		switch {
		case keys["family"] != nil:
			rows++
			m := decodeExact[approxRow](t, l)
			for _, col := range []string{"approx", "approx-chow", "chow", "fcg", "dktz"} {
				v, ok := m.Loss[col]
				if !ok || !(v > 0) || v > m.EY2 {
					t.Errorf("%v(%v): loss[%s] = %v, want in (0, E[y^2]]", m.Family, m.Param, col, v)
				}
			}
			if a := m.Loss["approx"]; a > m.InstanceBound || a > m.CBound || float64(a) < float64(m.Opt)*(1-1e-9) {
				t.Errorf("%v(%v): approx loss %v outside [opt, bounds] = [%v, %v, %v]", m.Family, m.Param, a, m.Opt, m.InstanceBound, m.CBound)
			}
		case keys["slope"] != nil:
			m := decodeExact[approxSlope](t, l)
			slopes[m.Slope] = float64(m.Value)
		default:
			decodeExact[approxHalfspace](t, l)
		}
	}
	if rows != 20 || len(slopes) != 5 {
		t.Errorf("%d rows and %d slopes, want 20 and 5", rows, len(slopes))
	}
	for k, s := range slopes {
		if math.IsNaN(s) || s <= 0 {
			t.Errorf("slope of %s = %v", k, s)
		}
	}
	code, out, _ = runCLI("approxfit", "--d", "3", "--eps", "0.1", "--halfspace=false")
	if code != 0 || !strings.Contains(out, "log-log least squares") || !strings.Contains(out, "approx-chow") {
		t.Errorf("human output (exit %d):\n%s", code, out)
	}
}

func TestApproxFitUsageErrors(t *testing.T) {
	usageFails(t, "--d 1", "approxfit", "--d", "1")
	usageFails(t, "--eps 0", "approxfit", "--eps", "0")
	usageFails(t, "eps", "approxfit", "--eps", "NaN")
	usageFails(t, "--workers -1", "approxfit", "--workers", "-1")
	usageFails(t, "unexpected argument", "approxfit", "extra")
}
