package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHardnessInfo(t *testing.T) {
	code, out, errs := runCLI("hardness", "info", "--d", "32", "--k", "4", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	for _, key := range []string{"supports", "kappa", "opt0", "optS", "gap", "Mk", "bound_queries", "manifest"} {
		if _, ok := r[key]; !ok {
			t.Errorf("key %q missing", key)
		}
	}
	if r["supports"] != "35960" || r["Mk"].(float64) != 101 {
		t.Errorf("supports %v, Mk %v; want \"35960\", 101", r["supports"], r["Mk"])
	}
	if k := r["kappa"].(float64); math.Abs(k-0.02109524459055063) > 1e-15 {
		t.Errorf("kappa %v", k)
	}
	if b := r["bound_queries"].(float64); math.Abs(b-0.035859) > 1e-9 {
		t.Errorf("bound_queries %v, want (35960 - 101) 1e-6", b)
	}
	// C(d, k) beyond int64, exact as a decimal string.
	_, out, _ = runCLI("hardness", "info", "--d", "10000", "--k", "8", "--tau", "1e-9", "--json")
	json.Unmarshal([]byte(out), &r)
	if r["supports"] != "2473222266965964208068123750" { // Python's math.comb(10000, 8)
		t.Errorf("C(1e4, 8) = %v", r["supports"])
	}
	code, out, _ = runCLI("hardness", "info", "--d", "20", "--k", "2")
	if code != 0 || !strings.Contains(out, "kappa_k") || !strings.Contains(out, "reconstruction") {
		t.Errorf("human output: %q", out)
	}
}

func TestHardnessGame(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.jsonl")
	code, out, errs := runCLI("hardness", "game", "--d", "10", "--k", "2", "--tau", "0.02", "--learner", "sparse", "--seed", "3", "--records", rec, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	for _, key := range []string{"identified", "queries", "survivors", "survivors_kind", "bound_queries", "loss", "optS", "manifest", "trajectory"} {
		if _, ok := r[key]; !ok {
			t.Errorf("key %q missing", key)
		}
	}
	if r["identified"] != true || r["queries"].(float64) != 46 || r["survivors"] != "1" || r["survivors_kind"] != "exact" {
		t.Errorf("sparse d = 10, k = 2: identified %v, queries %v, survivors %v (%v)", r["identified"], r["queries"], r["survivors"], r["survivors_kind"])
	}
	b, err := os.ReadFile(rec)
	if err != nil || strings.Count(string(b), "\n") != 46 {
		t.Errorf("records file: %d lines, %v", strings.Count(string(b), "\n"), err)
	}
	code, out, _ = runCLI("hardness", "game", "--d", "12", "--k", "4", "--tau", "1e-3", "--learner", "gd", "--seed", "1", "--json")
	json.Unmarshal([]byte(out), &r)
	if code != 0 || r["identified"] != false || !(r["loss"].(float64) >= r["optS"].(float64)+r["gap"].(float64)/2) {
		t.Errorf("gd d = 12, k = 4: exit %d, identified %v, loss %v", code, r["identified"], r["loss"])
	}
	code, out, _ = runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "0.01", "--learner", "random", "--seed", "1", "--set", "budget=20")
	if code != 0 || !strings.Contains(out, "queries         20") {
		t.Errorf("random: exit %d, %q", code, out)
	}
}

func TestHardnessUsageErrors(t *testing.T) {
	usageFails(t, "k = 5", "hardness", "info", "--d", "4", "--k", "5")
	usageFails(t, "odd", "hardness", "info", "--d", "10", "--k", "3")
	usageFails(t, "eta = 0.5", "hardness", "info", "--d", "10", "--k", "2", "--eta", "0.5")
	usageFails(t, "eta = -0.1", "hardness", "game", "--d", "10", "--k", "2", "--eta", "-0.1", "--tau", "0.1", "--learner", "gd")
	usageFails(t, "tau", "hardness", "info", "--d", "10", "--k", "2", "--tau", "0")
	usageFails(t, "tau", "hardness", "game", "--d", "10", "--k", "2", "--tau", "-1", "--learner", "gd")
	usageFails(t, "odd", "hardness", "game", "--d", "10", "--k", "3", "--tau", "0.1", "--learner", "sparse")
	usageFails(t, "k = 12", "hardness", "game", "--d", "10", "--k", "12", "--tau", "0.1", "--learner", "sparse")
	usageFails(t, "learner", "hardness", "game", "--d", "10", "--k", "2", "--tau", "0.1")
	usageFails(t, "nosuch", "hardness", "game", "--d", "10", "--k", "2", "--tau", "0.1", "--learner", "nosuch")
	usageFails(t, "steps", "hardness", "game", "--d", "10", "--k", "2", "--tau", "0.1", "--learner", "gd", "--set", "steps=x")
	usageFails(t, "--d and --k", "hardness", "info", "--k", "2")
	usageFails(t, "subcommand", "hardness", "bogus")
	usageFails(t, "subcommand", "hardness")
	usageFails(t, "odd", "hardness", "curve", "--k", "3", "--dims", "3=8")
	usageFails(t, "oracle", "hardness", "lpn", "--oracle", "psychic")
	usageFails(t, "odd", "hardness", "escape", "--k", "5")
}

func TestHardnessCurveSmall(t *testing.T) {
	svg := filepath.Join(t.TempDir(), "curve.svg")
	code, out, errs := runCLI("hardness", "curve", "--k", "2", "--dims", "2=6,8,12", "--svg", svg, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 5 {
		t.Fatalf("want manifest + 3 games + 1 fit, got %d lines", len(lines))
	}
	var fit map[string]any
	json.Unmarshal([]byte(lines[4]), &fit)
	if e := fit["exponent"].(float64); !(e > 1.8 && e < 2.6) {
		t.Errorf("k = 2 exponent %v", e)
	}
	if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("figure: %v", err)
	}
}
