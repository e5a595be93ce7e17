package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEveryJSONCarriesTheManifest runs every command with --json (small
// sizes) and checks the manifest rule: a command that prints one result
// prints one JSON object with the key "manifest"; one that streams records
// prints JSON Lines whose first line is {"manifest": {...}}; records and
// trace files start with a manifest line too. Every manifest has the keys
// of bench.CommandManifest. A command (or hardness subcommand) that takes
// --json and has no case here fails the test.
func TestEveryJSONCarriesTheManifest(t *testing.T) {
	defer func(v int) { streamValues = v }(streamValues)
	streamValues = 1 << 16
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace.jsonl")
	records := filepath.Join(dir, "records.jsonl")
	plotIn := filepath.Join(dir, "plot.jsonl")
	if err := os.WriteFile(plotIn, []byte(`{"manifest":{}}`+"\n"+`{"d":4,"queries":16}`+"\n"+`{"d":8,"queries":64}`+"\n"+`{"d":16,"queries":256}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		command string // as the manifest names it
		args    []string
		lines   bool // JSON Lines (else one object)
		slow    bool
	}{
		{"demo", []string{"demo", "--act", "1", "--d", "3", "--steps", "2"}, true, false},
		{"loss", []string{"loss", "--wstar", "1,0", "--w", "0,1"}, false, false},
		{"learn", []string{"learn", "--learner", "chow", "--d", "3", "--trace", trace}, false, false},
		{"replay", []string{"replay", trace}, false, false}, // the trace of the learn case
		{"results", []string{"results", "--d", "3", "--learners", "chow"}, true, false},
		{"approxfit", []string{"approxfit", "--d", "3", "--eps", "0.1", "--halfspace=false"}, true, true},
		{"bench", []string{"bench", "--workload", "exact,stream", "--d", "4", "--n", "1000", "--reps", "1", "--threads", "1"}, true, false},
		{"hardness info", []string{"hardness", "info", "--d", "8", "--k", "2"}, false, false},
		{"hardness game", []string{"hardness", "game", "--d", "8", "--k", "2", "--tau", "0.01", "--learner", "random", "--set", "budget=5", "--records", records}, false, false},
		{"hardness curve", []string{"hardness", "curve", "--k", "2", "--dims", "2=6,8"}, true, false},
		{"hardness escape", []string{"hardness", "escape", "--k", "2", "--d", "8", "--seeds", "1", "--max-steps", "50"}, true, false},
		{"plot", []string{"plot", "--in", plotIn, "--x", "d", "--y", "queries", "--log", "x,y", "--out", filepath.Join(dir, "plot.svg")}, true, false},
		{"hardness lpn", []string{"hardness", "lpn", "--d", "4", "--k", "2", "--oracle", "exact"}, false, false},
	}
	t.Run("every command has a case", func(t *testing.T) {
		covered := map[string]bool{}
		for _, c := range cases {
			covered[c.command] = true
		}
		var names []string
		for _, n := range commandNames() {
			if n == "hardness" {
				for _, sub := range []string{"info", "game", "curve", "escape", "lpn"} {
					names = append(names, "hardness "+sub)
				}
				continue
			}
			names = append(names, n)
		}
		for _, n := range names {
			_, help, _ := runCLI(append(strings.Fields(n), "-h")...)
			if strings.Contains(help, "-json") && !covered[n] {
				t.Errorf("%s takes --json but has no case in this test", n)
			}
		}
	})
	for _, c := range cases {
		t.Run(c.command, func(t *testing.T) {
			if c.slow && testing.Short() {
				t.Skip("a few seconds")
			}
			code, out, errs := runCLI(append(c.args, "--json")...)
			if code != 0 {
				t.Fatalf("%v: exit %d: %s", c.args, code, errs)
			}
			lines := jsonLines(t, out)
			if !c.lines && len(lines) != 1 {
				t.Fatalf("%d lines, want one JSON object:\n%s", len(lines), out)
			}
			m := manifestOf(t, lines[0])
			checkManifest(t, m, c.command)
			if len(m.Args) == 0 && c.command != "demo" {
				t.Errorf("manifest args %v, want the command line", m.Args)
			}
			if c.lines && len(lines) < 2 {
				t.Errorf("JSON Lines with no record after the manifest:\n%s", out)
			}
		})
	}
	t.Run("records file", func(t *testing.T) {
		b, err := os.ReadFile(records)
		if err != nil {
			t.Fatal(err)
		}
		checkManifest(t, manifestOf(t, jsonLines(t, string(b))[0]), "hardness game")
	})
	t.Run("trace file", func(t *testing.T) {
		b, err := os.ReadFile(trace)
		if err != nil {
			t.Fatal(err)
		}
		var head struct {
			Trace    string `json:"trace"`
			Manifest *struct {
				Command string         `json:"command"`
				Config  map[string]any `json:"config"`
				Seed    *uint64        `json:"seed"`
				Sqsim   string         `json:"sqsim"`
				Go      string         `json:"go"`
				VCS     string         `json:"vcs_revision"`
			} `json:"manifest"`
		}
		if err := json.Unmarshal([]byte(jsonLines(t, string(b))[0]), &head); err != nil || head.Trace != "sqsim" || head.Manifest == nil {
			t.Fatalf("first line of the trace is not its manifest line (%v)", err)
		}
		if m := head.Manifest; m.Command != "sqsim learn" || m.Seed == nil || m.Sqsim == "" || m.Go == "" || m.VCS == "" {
			t.Errorf("trace manifest %+v", *m)
		}
	})
}

// TestOutFlag: --out FILE writes the output to FILE (nothing on stdout); a
// run that fails leaves an existing FILE as it was; an unwritable FILE is
// a usage error before the run.
func TestOutFlag(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	t.Run("writes the file", func(t *testing.T) {
		code, out, errs := runCLI("hardness", "info", "--d", "8", "--k", "2", "--json", "--out", path)
		if code != 0 || out != "" {
			t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if r := decodeExact[infoOutput](t, string(b)); r.Supports != "28" {
			t.Errorf("supports %q, want 28", r.Supports)
		}
	})
	t.Run("text", func(t *testing.T) {
		code, out, _ := runCLI("loss", "--wstar", "1,0", "--w", "1,0", "--out", path)
		b, _ := os.ReadFile(path)
		if code != 0 || out != "" || !strings.HasPrefix(string(b), "loss 0") {
			t.Errorf("exit %d, stdout %q, file %q", code, out, b)
		}
	})
	t.Run("a failed run keeps the file", func(t *testing.T) {
		if err := os.WriteFile(path, []byte("keep\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, _ := runCLI("learn", "--learner", "gd", "--d", "3", "--max-queries", "1", "--json", "--out", path)
		b, _ := os.ReadFile(path)
		if code != 1 || out != "" || string(b) != "keep\n" {
			t.Errorf("exit %d, stdout %q, file %q; want 1, nothing, the old file", code, out, b)
		}
		if ents, _ := os.ReadDir(dir); len(ents) != 1 {
			t.Errorf("directory holds %d files, want 1", len(ents))
		}
	})
	t.Run("unwritable", func(t *testing.T) {
		usageFails(t, "--out", "hardness", "info", "--d", "8", "--k", "2", "--out", filepath.Join(dir, "no", "such", "f"))
		usageFails(t, "--out needs a file name", "loss", "--wstar", "1", "--w", "1", "--out", "")
	})
}
