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
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var manifest map[string]map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &manifest); err != nil || manifest["manifest"]["command"] != "approxfit" {
		t.Fatalf("first line %q is not the manifest (%v)", lines[0], err)
	}
	rows, slopes := 0, map[string]float64{}
	for _, l := range lines[1:] {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		switch {
		case m["family"] != nil:
			rows++
			opt := m["opt"].(float64)
			loss := m["loss"].(map[string]any)
			for _, col := range []string{"approx", "approx-chow", "chow", "fcg", "dktz"} {
				v, ok := loss[col].(float64)
				if !ok || !(v > 0) || v > m["ey2"].(float64) {
					t.Errorf("%v(%v): loss[%s] = %v, want in (0, E[y^2]]", m["family"], m["param"], col, loss[col])
				}
			}
			if a := loss["approx"].(float64); a > m["instance_bound"].(float64) || a > m["c_bound"].(float64) || a < opt*(1-1e-9) {
				t.Errorf("%v(%v): approx loss %v outside [opt, bounds] = [%v, %v, %v]", m["family"], m["param"], a, opt, m["instance_bound"], m["c_bound"])
			}
		case m["slope"] != nil:
			slopes[m["slope"].(string)] = m["value"].(float64)
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
