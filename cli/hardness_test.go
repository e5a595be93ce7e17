package cli

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/hardness"
)

func TestHardnessInfo(t *testing.T) {
	t.Run("json", func(t *testing.T) {
		code, out, errs := runCLI("hardness", "info", "--d", "32", "--k", "4", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		r := decodeExact[infoOutput](t, out)
		checkManifest(t, r.Manifest, "hardness info")
		if r.Supports != "35960" || r.Mk != 101 {
			t.Errorf("supports %v, Mk %v; want \"35960\", 101", r.Supports, r.Mk)
		}
		if k := float64(r.Kappa); math.Abs(k-0.02109524459055063) > 1e-15 {
			t.Errorf("kappa %v", k)
		}
		if b := float64(r.BoundQueries); math.Abs(b-0.035859) > 1e-9 {
			t.Errorf("bound_queries %v, want (35960 - 101) 1e-6", b)
		}
	})
	t.Run("beyond int64", func(t *testing.T) {
		// C(d, k) beyond int64, exact as a decimal string.
		_, out, _ := runCLI("hardness", "info", "--d", "10000", "--k", "8", "--tau", "1e-9", "--json")
		if r := decodeExact[infoOutput](t, out); r.Supports != "2473222266965964208068123750" { // Python's math.comb(10000, 8)
			t.Errorf("C(1e4, 8) = %v", r.Supports)
		}
	})
	t.Run("text", func(t *testing.T) {
		code, out, _ := runCLI("hardness", "info", "--d", "20", "--k", "2")
		if code != 0 || !strings.Contains(out, "kappa_k") || !strings.Contains(out, "reconstruction") {
			t.Errorf("human output: %q", out)
		}
	})
}

// readRecords reads a records file: its manifest line, then the records.
func readRecords(t *testing.T, path, command string) []hardness.Record {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := jsonLines(t, string(b))
	checkManifest(t, manifestOf(t, lines[0]), command)
	var recs []hardness.Record
	for _, l := range lines[1:] {
		recs = append(recs, decodeExact[hardness.Record](t, l))
	}
	return recs
}

func TestHardnessGame(t *testing.T) {
	t.Run("sparse", func(t *testing.T) {
		rec := filepath.Join(t.TempDir(), "rec.jsonl")
		code, out, errs := runCLI("hardness", "game", "--d", "10", "--k", "2", "--tau", "0.02", "--learner", "sparse", "--seed", "3", "--records", rec, "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		r := decodeExact[gameOutput](t, out)
		checkManifest(t, r.Manifest, "hardness game")
		if !r.Identified || r.Queries != 46 || r.Survivors != "1" || r.SurvivorsKind != "exact" {
			t.Errorf("sparse d = 10, k = 2: identified %v, queries %v, survivors %v (%v)", r.Identified, r.Queries, r.Survivors, r.SurvivorsKind)
		}
		if recs := readRecords(t, rec, "hardness game"); len(recs) != 46 {
			t.Errorf("records file: %d records, want 46", len(recs))
		}
	})
	t.Run("gd", func(t *testing.T) {
		code, out, _ := runCLI("hardness", "game", "--d", "12", "--k", "4", "--tau", "1e-3", "--learner", "gd", "--seed", "1", "--json")
		r := decodeExact[gameOutput](t, out)
		if code != 0 || r.Identified || !(r.Loss >= r.OptS+r.Gap/2) {
			t.Errorf("gd d = 12, k = 4: exit %d, identified %v, loss %v", code, r.Identified, r.Loss)
		}
	})
	t.Run("random", func(t *testing.T) {
		code, out, _ := runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "0.01", "--learner", "random", "--seed", "1", "--set", "budget=20")
		if code != 0 || !strings.Contains(out, "queries         20") {
			t.Errorf("random: exit %d, %q", code, out)
		}
	})
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
	lines := jsonLines(t, out)
	if len(lines) != 5 {
		t.Fatalf("want manifest + 3 games + 1 fit, got %d lines", len(lines))
	}
	t.Run("manifest", func(t *testing.T) {
		checkManifest(t, manifestOf(t, lines[0]), "hardness curve")
		// The older format's keys stay on the first line.
		first := decodeExact[legacyManifestLine](t, lines[0])
		if first.Command != "hardness curve" || first.Config["k"] == nil {
			t.Errorf("first line %s lacks the top-level manifest keys", lines[0])
		}
	})
	t.Run("games", func(t *testing.T) {
		for i, l := range lines[1:4] {
			if p := decodeExact[curvePoint](t, l); p.K != 2 || !p.Identified {
				t.Errorf("game %d: %+v", i, p)
			}
		}
	})
	t.Run("fit", func(t *testing.T) {
		if e := decodeExact[curveFit](t, lines[4]).Exponent; !(e > 1.8 && e < 2.6) {
			t.Errorf("k = 2 exponent %v", e)
		}
	})
	if b, err := os.ReadFile(svg); err != nil || !strings.Contains(string(b), "<svg") {
		t.Errorf("figure: %v", err)
	}
}

// TestHardnessRefusedInputs: every input that used to hang, run out of
// memory, exit 1 or be accepted silently is a usage error (status 2, one
// line on stderr naming the value or the limit, nothing on stdout).
func TestHardnessRefusedInputs(t *testing.T) {
	dir := t.TempDir()
	game := func(extra ...string) []string {
		return append([]string{"hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-3"}, extra...)
	}
	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"escape huge d", "100000", []string{"hardness", "escape", "--k", "4", "--d", "1000000000"}},
		{"game steps=1e9", "steps=1000000000", game("--learner", "gd", "--set", "steps=1000000000")},
		{"random budget", "budget", game("--learner", "random", "--set", "budget=1000000000")},
		{"escape seeds", "exceeds the limit 2e+09", []string{"hardness", "escape", "--seeds", "1000000000"}},
		{"escape max-steps", "exceeds the limit", []string{"hardness", "escape", "--max-steps", "1000000000"}},
		{"escape d and seeds", "exceeds the limit", []string{"hardness", "escape", "--k", "4", "--d", "100000", "--seeds", "2"}},
		{"info huge k", "k <= 2000", []string{"hardness", "info", "--d", "1000000", "--k", "100000"}},
		{"curve mismatched dims", "does not include k = 4", []string{"hardness", "curve", "--k", "2", "--dims", "4=8"}},
		{"curve duplicate dims", "twice", []string{"hardness", "curve", "--k", "2", "--dims", "2=6", "--dims", "2=8"}},
		{"curve huge d", "65535", []string{"hardness", "curve", "--k", "2", "--dims", "2=1000000000"}},
		{"curve too many supports", "1000000", []string{"hardness", "curve", "--k", "4", "--dims", "4=8,100"}},
		{"game d > 65535", "65535", []string{"hardness", "game", "--d", "70000", "--k", "2", "--tau", "1e-3", "--learner", "gd"}},
		{"game huge k", "k <= 32", []string{"hardness", "game", "--d", "2000", "--k", "1000", "--tau", "1e-3", "--learner", "gd"}},
		{"enumerate too large", "at most 2000", []string{"hardness", "game", "--d", "100", "--k", "4", "--tau", "1e-3", "--learner", "gd", "--mode", "enumerate"}},
		{"enumerate beyond 5e7", "at most 2000", []string{"hardness", "game", "--d", "1000", "--k", "4", "--tau", "1e-3", "--learner", "gd", "--mode", "enumerate"}},
		{"lpn huge d", "limit", []string{"hardness", "lpn", "--d", "1000000000"}},
		{"lpn too many queries", "limit 1000", []string{"hardness", "lpn", "--d", "40", "--k", "2"}},
		{"records in a missing directory", "--records", game("--learner", "sparse", "--records", filepath.Join(dir, "no", "rec.jsonl"))},
		{"records is a directory", "directory", game("--learner", "sparse", "--records", dir)},
		{"svg in a missing directory", "--svg", []string{"hardness", "curve", "--k", "2", "--dims", "2=6,8", "--svg", filepath.Join(dir, "no", "c.svg")}},
		{"escape empty d", "empty list", []string{"hardness", "escape", "--d", ""}},
		{"sparse support search cannot finish", "C(60000, 8)", []string{"hardness", "game", "--d", "60000", "--k", "8", "--tau", "1e-3", "--learner", "sparse"}},
		{"sparse beyond max_queries", "max_queries = 100", []string{"hardness", "game", "--d", "20", "--k", "2", "--tau", "1e-3", "--learner", "sparse", "--set", "max_queries=100"}},
		{"max_queries=1e40", "max_queries", game("--learner", "sparse", "--set", "max_queries=1e40")},
		{"max_queries=2.5", "max_queries", game("--learner", "sparse", "--set", "max_queries=2.5")},
	} {
		t.Run(c.name, func(t *testing.T) { usageFails(t, c.want, c.args...) })
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("refused runs left files behind: %v", ents)
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestHardnessStdoutError(t *testing.T) {
	for _, args := range [][]string{
		{"hardness", "game", "--d", "8", "--k", "2", "--tau", "0.01", "--learner", "random", "--set", "budget=5"},
		{"hardness", "info", "--d", "20", "--k", "2"},
	} {
		t.Run(args[1], func(t *testing.T) {
			var errb strings.Builder
			code := Main(args, failWriter{}, &errb)
			if code != 1 || !strings.Contains(errb.String(), "no space left") || strings.Count(strings.TrimRight(errb.String(), "\n"), "\n") != 0 {
				t.Errorf("exit %d, stderr %q; want 1 and one line naming the write error", code, errb.String())
			}
		})
	}
}

// TestHardnessGameTolerance: the game states the tolerance it enforced;
// a learner asking 1e-6 is answered at the floor.
func TestHardnessGameTolerance(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "rec.jsonl")
	code, out, errs := runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-2", "--learner", "gd", "--set", "steps=3", "--set", "tol=1e-6", "--records", rec, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	r := decodeExact[gameOutput](t, out)
	if r.TolFloor != 0.01 || r.EffectiveTol != 0.01 || r.MinAskedTol != 1e-6 || r.RaisedByFloor != r.Queries || r.Tau != 0.01 {
		t.Errorf("tol_floor %v, effective_tol %v, min_asked_tol %v, raised %v of %v", r.TolFloor, r.EffectiveTol, r.MinAskedTol, r.RaisedByFloor, r.Queries)
	}
	recs := readRecords(t, rec, "hardness game")
	if len(recs) != r.Queries {
		t.Errorf("%d records, %v queries", len(recs), r.Queries)
	}
	for i, rr := range recs {
		if rr.AskedTol != 1e-6 || rr.EffectiveTol != 0.01 || rr.Tau != 0.01 {
			t.Errorf("record %d: asked %v, effective %v, tau %v", i, rr.AskedTol, rr.EffectiveTol, rr.Tau)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files, want the records only", len(ents))
	}
	code, out, _ = runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-2", "--learner", "chow")
	if code != 0 || !strings.Contains(out, "every query answered at >= 0.01") || !strings.Contains(out, "learner tol = 0.01") {
		t.Errorf("chow: exit %d, header %q", code, out)
	}
	// A game that fails leaves an existing records file as it was.
	if err := os.WriteFile(rec, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	usageFails(t, "nosuch", "hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-2", "--learner", "gd", "--set", "nosuch=1", "--records", rec)
	if b, _ := os.ReadFile(rec); string(b) != "keep\n" {
		t.Errorf("records file after a failed game: %q", b)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("directory holds %d files after a failed game, want 1", len(ents))
	}
}

// TestHardnessGameNonFinite: a diverged gd (loss -Inf before) has not
// identified S. At weights of 1e300 the adversary may instead fail to
// certify its answer: that is an honest error (exit 1), never a verdict.
func TestHardnessGameNonFinite(t *testing.T) {
	code, out, errs := runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "1e-3", "--learner", "gd", "--set", "step=1e300", "--set", "steps=2", "--json")
	if code == 1 && strings.Contains(errs, "adversary cannot certify") && out == "" {
		return
	}
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if r := decodeExact[gameOutput](t, out); r.Identified || !strings.Contains(r.Note, "non-finite") {
		t.Errorf("identified %v, loss %v, note %v", r.Identified, r.Loss, r.Note)
	}
}

// TestHardnessInfoBeyondRange: at sizes where lambda_k, M_k and the bounds
// leave the float64 and int64 ranges, info prints their sizes, never a
// saturated integer or an infinity.
func TestHardnessInfoBeyondRange(t *testing.T) {
	var out, errb strings.Builder
	if code := Main([]string{"hardness", "info", "--d", "1000000000", "--k", "1000", "--tau", "1e-3"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, bad := range []string{"Inf", "9223372036854775807"} {
		if strings.Contains(out.String(), bad) {
			t.Errorf("output contains %q:\n%s", bad, out.String())
		}
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "M_k") && !strings.Contains(line, "10^430.01") {
			t.Errorf("M_k line %q: want its size 10^430.01...", line)
		}
	}
}
