package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/sweep"
)

// TestSweepCellEqualsLearn: every cell of the example spec has the
// loss, opt, queries, scalar queries, rounds and cost that `sqsim learn
// --json` prints for the same parameters.
func TestSweepCellEqualsLearn(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI("sweep", "run", "../sweeps/gd-vs-d.toml", "--out", dir, "--quiet")
	if code != 0 || errs != "" {
		t.Fatalf("sweep run: exit %d, stderr %q", code, errs)
	}
	if !strings.Contains(out, "18 cells: 18 run now (18 done, 0 failed)") {
		t.Errorf("stdout %q", out)
	}
	if code, _, errs := runCLI("sweep", "merge", dir); code != 0 {
		t.Fatalf("sweep merge: exit %d, %q", code, errs)
	}
	f, err := os.Open(filepath.Join(dir, "results.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	n := 0
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		if n++; n == 1 {
			if _, ok := rec["manifest"]; !ok {
				t.Fatalf("first line is not a manifest: %s", sc.Text())
			}
			continue
		}
		for _, k := range []string{"key", "learner", "world", "d", "oracle", "tol", "seed", "status", "error", "loss", "opt", "queries", "scalar_queries", "rounds", "cost", "wall_ns"} {
			if _, ok := rec[k]; !ok {
				t.Errorf("record lacks %q", k)
			}
		}
		{
			key := rec["key"].(string)
			t.Run(key, func(t *testing.T) {
				args := []string{"--learner", rec["learner"].(string), "--dist", rec["world"].(string), "--d", fmt.Sprint(rec["d"]),
					"--oracle", rec["oracle"].(string), "--tol", fmt.Sprint(rec["tol"]), "--seed", fmt.Sprint(rec["seed"])}
				if o := rec["options"].(string); o != "" {
					args = append(args, "--set", o)
				}
				b, err := json.Marshal(learnJSONOut(t, args...))
				if err != nil {
					t.Fatal(err)
				}
				var want map[string]any
				if err := json.Unmarshal(b, &want); err != nil {
					t.Fatal(err)
				}
				for _, k := range []string{"loss", "opt", "queries", "scalar_queries", "rounds", "cost"} {
					if rec[k] != want[k] {
						t.Errorf("%s: sweep %v, learn --json %v", k, rec[k], want[k])
					}
				}
			})
		}
	}
	if n != 19 {
		t.Errorf("results.jsonl has %d lines, want a manifest and 18 records", n)
	}
	for _, name := range []string{"summary.jsonl", "summary.csv"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Count(string(b), "\n")
		if want := map[string]int{"summary.jsonl": 6, "summary.csv": 7}[name]; lines != want {
			t.Errorf("%s: %d lines, want %d (6 groups)", name, lines, want)
		}
	}
	t.Run("status", func(t *testing.T) {
		code, out, _ := runCLI("sweep", "status", dir)
		if code != 0 || !strings.Contains(out, "18 cells: 18 done, 0 failed, 0 missing") {
			t.Errorf("exit %d, %q", code, out)
		}
	})
}

// TestSweepUsageErrors: exit 2, one line on stderr naming the problem,
// nothing on stdout.
func TestSweepUsageErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("seeds = [1]\n[[grid]]\nlearner = [\"gd\"]\nd = [5]\nwrold = [\"realizable\"]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "other")
	if code, _, errs := runCLI("sweep", "run", "../sweeps/gd-vs-d.toml", "--out", other, "--quiet"); code != 0 {
		t.Fatalf("setup: %d %s", code, errs)
	}
	small := filepath.Join(dir, "small.toml")
	if err := os.WriteFile(small, []byte("seeds = [1]\n[[grid]]\nlearner = [\"chow\"]\nd = [5]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sweep"}, "missing subcommand"},
		{[]string{"sweep", "fly"}, `"fly"`},
		{[]string{"sweep", "plan"}, "missing SPEC"},
		{[]string{"sweep", "plan", bad}, "line 5"},
		{[]string{"sweep", "plan", bad}, "wrold"},
		{[]string{"sweep", "plan", filepath.Join(dir, "none.toml")}, "none.toml"},
		{[]string{"sweep", "plan", "../sweeps/gd-vs-d.toml", "--shards", "0"}, "--shards 0"},
		{[]string{"sweep", "run", "../sweeps/gd-vs-d.toml"}, "--out"},
		{[]string{"sweep", "run", "../sweeps/gd-vs-d.toml", "--out", dir, "--shard", "3/3"}, "3/3"},
		{[]string{"sweep", "run", "../sweeps/gd-vs-d.toml", "--out", dir, "--workers", "0"}, "--workers 0"},
		{[]string{"sweep", "run", small, "--out", other}, "another spec"},
		{[]string{"sweep", "status", filepath.Join(dir, "empty")}, "no shard file"},
		{[]string{"sweep", "merge", filepath.Join(dir, "empty")}, "no shard file"},
		{[]string{"sweep", "merge", dir, "extra"}, `"extra"`},
	} {
		t.Run(strings.Join(c.args[1:], " "), func(t *testing.T) {
			code, out, errs := runCLI(c.args...)
			if code != 2 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2, nothing, one line naming %q", code, out, errs, c.want)
			}
		})
	}
}

func TestSweepPlanJSON(t *testing.T) {
	code, out, errs := runCLI("sweep", "plan", "../sweeps/gd-vs-d.toml", "--shards", "4", "--json")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 19 {
		t.Fatalf("%d lines, want the manifest and 18 cells", len(lines))
	}
	var man map[string]map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &man); err != nil || man["manifest"]["command"] != "sqsim sweep plan" {
		t.Fatalf("manifest line %s: %v", lines[0], err)
	}
	per := map[float64]int{}
	for _, l := range lines[1:] {
		var c map[string]any
		if err := json.Unmarshal([]byte(l), &c); err != nil {
			t.Fatal(err)
		}
		if c["key"] == "" || c["learner"] == nil || c["d"] == nil {
			t.Errorf("cell %s", l)
		}
		per[c["shard"].(float64)]++
	}
	if per[0] != 5 || per[1] != 5 || per[2] != 4 || per[3] != 4 {
		t.Errorf("cells per shard %v, want 5 5 4 4", per)
	}
}

// TestSweepDocSpecs: every TOML block of docs/experiments.md is a valid
// spec; the reference spec has the 47 cells the page says.
func TestSweepDocSpecs(t *testing.T) {
	b, err := os.ReadFile("../docs/experiments.md")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(b), "```toml\n")
	if len(parts) < 2 {
		t.Fatal("docs/experiments.md has no toml block")
	}
	for i, p := range parts[1:] {
		text, _, ok := strings.Cut(p, "```")
		if !ok {
			t.Fatalf("block %d is not closed", i+1)
		}
		s, err := sweep.ParseSpec(text)
		if err != nil {
			t.Errorf("block %d: %v", i+1, err)
			continue
		}
		if i == 0 && len(s.Plan()) != 47 || !strings.Contains(string(b), "That spec has 47 cells") {
			t.Errorf("block %d has %d cells; the page says 47", i+1, len(s.Plan()))
		}
	}
}

// TestSweepGameCellEqualsHardnessGame: a game cell records what `sqsim
// hardness game --json` prints for the same flags.
func TestSweepGameCellEqualsHardnessGame(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "g.toml")
	if err := os.WriteFile(spec, []byte("seeds = [2]\n[[grid]]\nkind = \"game\"\nlearner = [\"sparse\"]\nd = [8]\nk = [2]\ntau = [0.01]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI("sweep", "run", spec, "--out", dir, "--quiet"); code != 0 {
		t.Fatalf("sweep run: %d %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "shard-0-of-1.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("hardness", "game", "--d", "8", "--k", "2", "--tau", "0.01", "--learner", "sparse", "--seed", "2", "--json")
	if code != 0 {
		t.Fatalf("hardness game: %d %s", code, errs)
	}
	var want map[string]any
	if err := json.Unmarshal([]byte(out), &want); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"identified", "queries", "scalar_queries", "survivors", "gave_up"} {
		if rec[k] != want[k] {
			t.Errorf("%s: sweep %v, hardness game --json %v", k, rec[k], want[k])
		}
	}
}

func TestSweepMaxFailsExit(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "f.toml")
	if err := os.WriteFile(spec, []byte("seeds = [1, 2, 3]\n[[grid]]\nlearner = [\"gd\"]\nd = [4]\nmax_queries = 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("sweep", "run", spec, "--out", dir, "--quiet", "--workers", "1", "--max-fails", "1")
	if code != 1 || out != "" || !strings.Contains(errs, "max-fails 1") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 naming --max-fails", code, out, errs)
	}
	code, out, _ = runCLI("sweep", "status", dir)
	if code != 0 || !strings.Contains(out, "1 failed, 2 missing") || !strings.Contains(out, "budget") && !strings.Contains(out, "queries") {
		t.Errorf("status: exit %d, %q", code, out)
	}
	code, out, _ = runCLI("sweep", "status", dir, "--json")
	var st struct {
		Cells, Done, Failed, Missing int
		Errors                       map[string]string
	}
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil || st.Cells != 3 || st.Failed != 1 || st.Missing != 2 || len(st.Errors) != 1 {
		t.Errorf("status --json: exit %d, %v, %q", code, err, out)
	}
}
