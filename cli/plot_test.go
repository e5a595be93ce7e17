package cli

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const plotSummaryCSV = `learner,d,queries_mean,queries_ci95_lo,queries_ci95_hi,loss_mean
gd,5,100,90,110,0.1
gd,10,200,180,220,0.2
gd,20,400,370,430,-1
chow,5,75,70,80,0.3
chow,10,300,280,320,0.2
chow,20,1200,1100,1300,0.1
`

func writePlotInput(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPlotCommand(t *testing.T) {
	in := writePlotInput(t, "summary.csv", plotSummaryCSV)
	dir := t.TempDir()
	t.Run("png with slopes", func(t *testing.T) {
		out := filepath.Join(dir, "q.png")
		code, stdout, stderr := runCLI("plot", "--in", in, "--x", "d", "--y", "queries", "--group", "learner", "--log", "x,y", "--title", "queries", "--out", out)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		want := "learner = chow: slope 2.000 [2.000, 2.000] n=3\nlearner = gd: slope 1.000 [1.000, 1.000] n=3\n"
		if stdout != want {
			t.Errorf("stdout %q, want %q", stdout, want)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 768 || b.Dy() != 480 {
			t.Errorf("size %v, want 768x480", b)
		}
	})
	t.Run("svg deterministic, json fits", func(t *testing.T) {
		var files [2][]byte
		for i := range files {
			out := filepath.Join(dir, "q.svg")
			code, stdout, stderr := runCLI("plot", "--in", in, "--x", "d", "--y", "queries", "--group", "learner", "--log", "xy", "--json", "--out", out)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if len(lines) != 3 || !strings.HasPrefix(lines[0], `{"manifest":`) {
				t.Fatalf("stdout %q, want a manifest line and two fit lines", stdout)
			}
			var fit struct {
				Group         string
				Slope, Lo, Hi float64
				N             int
			}
			if err := json.Unmarshal([]byte(lines[2]), &fit); err != nil || fit.Group != "learner = gd" || fit.N != 3 || fit.Slope < 0.999999 || fit.Slope > 1.000001 {
				t.Errorf("fit line %q (%v): want gd's slope 1 over 3 points", lines[2], err)
			}
			var err error
			if files[i], err = os.ReadFile(out); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(files[0], files[1]) || !bytes.Contains(files[0], []byte("dimension d")) {
			t.Error("two runs wrote different SVGs, or the x label is missing")
		}
	})
	t.Run("linear, no fits printed", func(t *testing.T) {
		code, stdout, stderr := runCLI("plot", "--in", in, "--x", "d", "--y", "loss", "--group", "learner", "--out", filepath.Join(dir, "l.png"))
		if code != 0 || stdout != "" {
			t.Errorf("exit %d, stdout %q, stderr %q: want 0 and nothing printed", code, stdout, stderr)
		}
	})
	t.Run("nested JSON summary", func(t *testing.T) {
		in := writePlotInput(t, "summary.jsonl", `{"manifest":{}}`+"\n"+
			`{"learner":"gd","d":5,"queries":{"mean":100,"ci95":[90,110]}}`+"\n"+
			`{"learner":"gd","d":10,"queries":{"mean":400,"ci95":[390,410]}}`+"\n")
		code, stdout, stderr := runCLI("plot", "--in", in, "--x", "d", "--y", "queries", "--log", "x,y", "--out", filepath.Join(dir, "n.svg"))
		if code != 0 || stdout != "queries.mean: slope 2.000 n=2 (no interval)\n" {
			t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
		}
	})
	t.Run("help has an example", func(t *testing.T) {
		code, stdout, _ := runCLI("plot", "--help")
		if code != 0 || !strings.Contains(stdout, "example") || !strings.Contains(stdout, "sqsim plot --in") {
			t.Errorf("exit %d, help %q: want 0 and an example", code, stdout)
		}
	})
}

func TestPlotUsageErrors(t *testing.T) {
	in := writePlotInput(t, "summary.csv", plotSummaryCSV)
	bad := writePlotInput(t, "bad.jsonl", `{"manifest":{}}`+"\n"+`{"d":5,"queries":"many"}`+"\n")
	empty := writePlotInput(t, "empty.jsonl", `{"manifest":{}}`+"\n")
	out := filepath.Join(t.TempDir(), "f.png")
	for _, c := range []struct {
		name, want string
		args       []string
	}{
		{"no --in", "--in is required", []string{"--x", "d", "--y", "q", "--out", out}},
		{"no --out", "--out is required", []string{"--in", in, "--x", "d", "--y", "q"}},
		{"extension", `--out "f.pdf"`, []string{"--in", in, "--x", "d", "--y", "queries", "--out", "f.pdf"}},
		{"log", `--log "z"`, []string{"--in", in, "--x", "d", "--y", "queries", "--log", "z", "--out", out}},
		{"legend", `--legend "middle"`, []string{"--in", in, "--x", "d", "--y", "queries", "--legend", "middle", "--out", out}},
		{"width", "--width 1", []string{"--in", in, "--x", "d", "--y", "queries", "--width", "1", "--out", out}},
		{"suffixes", "--summary-suffixes", []string{"--in", in, "--x", "d", "--y", "queries", "--summary-suffixes", "_mean", "--out", out}},
		{"missing key", `no y key "cost"`, []string{"--in", in, "--x", "d", "--y", "cost", "--out", out}},
		{"missing group", `no group key "k"`, []string{"--in", in, "--x", "d", "--y", "queries", "--group", "k", "--out", out}},
		{"non-numeric", `line 2: queries is "many", not a number`, []string{"--in", bad, "--x", "d", "--y", "queries", "--out", out}},
		{"non-positive on a log axis", "summary.csv: line 4: loss_mean is -1, which a log axis cannot show", []string{"--in", in, "--x", "d", "--y", "loss", "--group", "learner", "--log", "y", "--out", out}},
		{"empty input", "has no records", []string{"--in", empty, "--x", "d", "--y", "queries", "--out", out}},
		{"stray argument", `unexpected argument "x"`, []string{"--in", in, "x"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			usageFails(t, c.want, append([]string{"plot"}, c.args...)...)
		})
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed plot wrote %s", out)
	}
}

func TestPlotIOErrors(t *testing.T) {
	in := writePlotInput(t, "summary.csv", plotSummaryCSV)
	for _, c := range []struct {
		name string
		args []string
	}{
		{"missing input", []string{"--in", filepath.Join(t.TempDir(), "none.csv"), "--x", "d", "--y", "queries", "--out", filepath.Join(t.TempDir(), "f.png")}},
		{"unwritable output", []string{"--in", in, "--x", "d", "--y", "queries", "--out", filepath.Join(t.TempDir(), "no", "such", "dir", "f.png")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(append([]string{"plot"}, c.args...)...)
			if code != 1 || stdout != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q: want 1, nothing on stdout, one line", code, stdout, stderr)
			}
		})
	}
}
