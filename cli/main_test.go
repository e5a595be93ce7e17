package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"runtime"
	"strings"
	"testing"
)

// runCLI runs sqsim with args and returns its exit status, stdout and stderr.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Main(args, &out, &errb)
	return code, out.String(), errb.String()
}

// usageFails checks the usage-error contract: status 2, nothing on stdout,
// one line on stderr that mentions want.
func usageFails(t *testing.T, want string, args ...string) {
	t.Helper()
	code, out, errs := runCLI(args...)
	if code != 2 {
		t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, errs)
	}
	if out != "" {
		t.Errorf("%v: printed %q on stdout, want nothing", args, out)
	}
	if strings.Count(strings.TrimRight(errs, "\n"), "\n") != 0 || errs == "" {
		t.Errorf("%v: stderr %q, want exactly one line", args, errs)
	}
	if !strings.Contains(errs, want) {
		t.Errorf("%v: stderr %q does not mention %q", args, errs, want)
	}
}

func TestLossCommand(t *testing.T) {
	loss := func(t *testing.T, args ...string) lossOutput {
		t.Helper()
		code, out, errs := runCLI(append([]string{"loss", "--json"}, args...)...)
		if code != 0 {
			t.Fatalf("loss %v: exit %d: %s", args, code, errs)
		}
		res := decodeExact[lossOutput](t, out)
		checkManifest(t, res.Manifest, "loss")
		return res
	}
	t.Run("closed form", func(t *testing.T) {
		if l := float64(loss(t, "--wstar", "1.5,-0.5", "--w", "0.6,0.8").Loss); math.Abs(l-0.97132697954953062978) > 1e-12 {
			t.Errorf("loss %v, want 0.97132697954953062978 (theory §2.3)", l)
		}
	})
	// Noise adds its variance; --clip goes through quadrature and a clip far
	// above every label changes nothing measurable.
	t.Run("noise", func(t *testing.T) {
		if l := float64(loss(t, "--wstar", "1,0", "--w", "0,1", "--noise-var", "0.25").Loss); math.Abs(l-(1-1/math.Pi+0.25)) > 1e-14 {
			t.Errorf("loss with noise %v, want 1 - 1/pi + 0.25", l)
		}
	})
	t.Run("clip", func(t *testing.T) {
		a := loss(t, "--wstar", "0.6,0.8", "--w", "0.6,0.5", "--clip", "100")
		b := loss(t, "--wstar", "0.6,0.8", "--w", "0.6,0.5")
		if math.Abs(float64(a.Loss-b.Loss)) > 1e-12 || a.Method != "kink-aware quadrature" || a.Manifest.Config["clip"] != 100.0 {
			t.Errorf("clip at 100: %+v, unclipped %+v", a, b)
		}
	})
	t.Run("text", func(t *testing.T) {
		code, out, _ := runCLI("loss", "--wstar", "1,0", "--w", "1,0")
		if code != 0 || !strings.HasPrefix(out, "loss 0") {
			t.Errorf("human output %q (exit %d)", out, code)
		}
	})
}

func TestLossUsageErrors(t *testing.T) {
	usageFails(t, "wstar", "loss", "--w", "1,2")
	usageFails(t, "same dimension", "loss", "--wstar", "1,2", "--w", "1")
	usageFails(t, `"x"`, "loss", "--wstar", "1,x", "--w", "1,2")
	usageFails(t, "NaN", "loss", "--wstar", "1,2", "--w", "1,NaN")
	usageFails(t, "Inf", "loss", "--wstar", "1,+Inf", "--w", "1,2")
	usageFails(t, "noise-var", "loss", "--wstar", "1,2", "--w", "1,2", "--noise-var", "-1")
	usageFails(t, "noise-var", "loss", "--wstar", "1,2", "--w", "1,2", "--noise-var", "NaN")
	usageFails(t, "clip", "loss", "--wstar", "1,2", "--w", "1,2", "--clip", "-1")
	usageFails(t, "clip", "loss", "--wstar", "1,2", "--w", "1,2", "--clip", "0")
	usageFails(t, "clip", "loss", "--wstar", "1,2", "--w", "1,2", "--clip", "abc")
	usageFails(t, "bogus", "loss", "--wstar", "1,2", "--w", "1,2", "--bogus")
	usageFails(t, "unexpected argument", "loss", "--wstar", "1,2", "--w", "1,2", "extra")
	usageFails(t, "empty vector", "loss", "--wstar", "", "--w", "1,2")
	usageFails(t, "unknown command", "nonsense")
}

func TestDemo(t *testing.T) {
	code, out, errs := runCLI("demo", "--act", "1", "--d", "20", "--steps", "10", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res map[string]any // the act-1 record, after the manifest line
	if err := json.Unmarshal([]byte(out[strings.Index(out, "\n")+1:]), &res); err != nil {
		t.Fatal(err)
	}
	exact := res["exact"].(map[string]any)
	if l := exact["final_loss"].(float64); l > 1e-12 {
		t.Errorf("exact-oracle GD final loss %v, want <= 1e-12", l)
	}
	led := exact["ledger"].(map[string]any)
	// 10 gate correlations E[y 1{w.x>0} x] (bound 1/sqrt 2) of d = 20 at
	// the demo's tau = 1e-3: raw sum 200/tau^2, sample cost half of it.
	if led["sum_inv_tau2"] != 2e8 || led["cost"] != 1e8 || led["sample_cost"] != 1e8 {
		t.Errorf("demo ledger %v, want sum_inv_tau2 2e8, cost = sample_cost = 1e8", led)
	}
	noisy := res["noise(tau=0.001)"].(map[string]any)
	if d, b := noisy["distance_to_wstar"].(float64), res["distance_bound"].(float64); d > b {
		t.Errorf("noisy GD ends %v from w*, above the bound %v", d, b)
	}
	usageFails(t, "--d", "demo", "--d", "0")
	usageFails(t, "--tol", "demo", "--tol", "-1")
	code, out, _ = runCLI("demo", "--act", "1")
	if code != 0 || !strings.Contains(out, "ledger") || !strings.Contains(out, "sample cost sum (B/tau)^2 = 1e+09, sum 1/tau^2 = 2e+09") {
		t.Errorf("default demo: exit %d, output %q", code, out)
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI("help")
	if code != 0 || !strings.Contains(out, "demo") || !strings.Contains(out, "loss") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	code, out, _ = runCLI("loss", "-h")
	if code != 0 || !strings.Contains(out, "--wstar") && !strings.Contains(out, "-wstar") {
		t.Errorf("loss -h: exit %d, %q", code, out)
	}
	t.Run("unknown topic", func(t *testing.T) { usageFails(t, `unknown command "nosuch"`, "help", "nosuch") })
	t.Run("unknown subcommand", func(t *testing.T) { usageFails(t, "nosuch", "help", "hardness", "nosuch") })
	t.Run("stray argument", func(t *testing.T) { usageFails(t, `unexpected argument "x"`, "help", "learn", "x") })
	t.Run("subcommand", func(t *testing.T) {
		code, out, errs := runCLI("help", "hardness", "game")
		if code != 0 || !strings.HasPrefix(out, "usage: sqsim hardness game") {
			t.Errorf("help hardness game: exit %d, stderr %q, output %q", code, errs, out)
		}
	})
	t.Run("learn", func(t *testing.T) {
		code, out, _ := runCLI("help", "learn")
		for _, want := range []string{"-min-tau", "-classes", "csq or correlational", "sq, stat or bounded", "vstat or boolean"} {
			if code != 0 || !strings.Contains(out, want) {
				t.Errorf("help learn: exit %d, lacks %q", code, want)
			}
		}
	})
}

// TestVersion: --version prints the sqsim version, the Go version and the
// VCS revision (or says there is none).
func TestVersion(t *testing.T) {
	code, out, errs := runCLI("--version")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || errs != "" || len(lines) != 3 {
		t.Fatalf("exit %d, stderr %q, output %q", code, errs, out)
	}
	for i, p := range []string{"sqsim version ", "go version " + runtime.Version(), "vcs revision "} {
		if !strings.HasPrefix(lines[i], p) {
			t.Errorf("line %d %q, want prefix %q", i+1, lines[i], p)
		}
	}
	usageFails(t, "takes no arguments", "--version", "x")
}

// FuzzParseVec: the vector parser either returns finite numbers, one per
// comma-separated entry, or a usage error; it never panics.
func FuzzParseVec(f *testing.F) {
	for _, s := range []string{"1,2,3", "0.6, -0.8", "", ",", "1e308,1e309", "NaN", "-Inf,1", "0x1p-3", "1,,2", " 7 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseVec("w", s)
		if err != nil {
			if _, ok := err.(*usageError); !ok {
				t.Fatalf("%q: error %v is not a usage error", s, err)
			}
			return
		}
		if len(v) != strings.Count(s, ",")+1 {
			t.Fatalf("%q: %d values for %d entries", s, len(v), strings.Count(s, ",")+1)
		}
		for _, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("%q: non-finite value %v", s, x)
			}
		}
	})
}
