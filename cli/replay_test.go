package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// learnTrace runs sqsim learn with --trace into a temporary file and
// returns the file's path and its lines.
func learnTrace(t *testing.T, wantCode int, args ...string) (string, [][]byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "trace.jsonl")
	code, _, errs := runCLI(append([]string{"learn", "--trace", path}, args...)...)
	if code != wantCode {
		t.Fatalf("learn %v: exit %d, want %d (stderr %q)", args, code, wantCode, errs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return path, bytes.SplitAfter(data, []byte("\n"))
}

func writeLines(t *testing.T, lines [][]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "edited.jsonl")
	if err := os.WriteFile(path, bytes.Join(lines, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func replayJSON(t *testing.T, wantCode int, args ...string) replayReport {
	t.Helper()
	code, out, errs := runCLI(append([]string{"replay", "--json"}, args...)...)
	if code != wantCode {
		t.Fatalf("replay %v: exit %d, want %d (stderr %q, stdout %q)", args, code, wantCode, errs, out)
	}
	res := decodeExact[replayReport](t, out)
	checkManifest(t, res.Manifest, "replay")
	return res
}

// The trace of sqsim learn starts with a manifest naming the command, its
// flags, the world, the learner, the streams and the build.
func TestLearnTraceManifest(t *testing.T) {
	_, lines := learnTrace(t, 0, "--learner", "gd", "--d", "4", "--oracle", "noise", "--set", "steps=5", "--seed", "3")
	var head struct {
		Trace    string `json:"trace"`
		Version  int    `json:"version"`
		Manifest struct {
			Command string         `json:"command"`
			Args    []string       `json:"args"`
			World   map[string]any `json:"world"`
			Seed    uint64         `json:"seed"`
			Streams map[string]any `json:"streams"`
			Learner map[string]any `json:"learner"`
			Oracle  map[string]any `json:"oracle"`
			Go      string         `json:"go"`
			VCS     string         `json:"vcs_revision"`
		} `json:"manifest"`
	}
	if err := json.Unmarshal(lines[0], &head); err != nil {
		t.Fatal(err)
	}
	m := head.Manifest
	if head.Trace != "sqsim" || head.Version != 2 || m.Command != "sqsim learn" || m.Seed != 3 || m.World["dist"] != "realizable" ||
		m.Learner["name"] != "gd" || m.Oracle["stack"] != "ledger(noise(uniform))" || m.Streams["learner"] == nil || m.Go == "" || m.VCS == "" {
		t.Errorf("manifest line %s", lines[0])
	}
	if !strings.Contains(strings.Join(m.Args, " "), "--set steps=5") {
		t.Errorf("args %q lack the flags", m.Args)
	}
}

// sqsim replay re-runs the recorded learner and finds the run bit identical.
func TestReplayIdentical(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
	}{
		{"gd, noise oracle", []string{"--learner", "gd", "--d", "4", "--oracle", "noise", "--set", "steps=5"}},
		{"glmtron, sample oracle", []string{"--learner", "glmtron", "--d", "3", "--oracle", "sample", "--tol", "0.1"}},
		{"noisy world with infinite label range", []string{"--learner", "chow", "--d", "3", "--world", "noisy"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			path, lines := learnTrace(t, 0, c.args...)
			res := replayJSON(t, 0, path)
			if res.Verdict != "bit identical" || res.Records != len(lines)-2 || res.Leftover != 0 {
				t.Errorf("replay: %+v", res)
			}
			code, out, _ := runCLI("replay", path)
			if code != 0 || !strings.Contains(out, "bit identical") {
				t.Errorf("text: exit %d\n%s", code, out)
			}
		})
	}
}

// A run stopped by its budget replays bit identical: the recorded budget
// stops the learner at the same query.
func TestReplayBudget(t *testing.T) {
	path, _ := learnTrace(t, 1, "--d", "5", "--max-queries", "3")
	res := replayJSON(t, 0, path)
	if res.Verdict != "bit identical" || res.Records != 3 || !strings.Contains(res.LearnerError, "max_queries") {
		t.Errorf("replay: %+v", res)
	}
}

// A learner that departs from the record is reported at its first
// divergence, with what was expected and what it asked; one that stops
// early leaves answers over. Both exit 1.
func TestReplayDiverges(t *testing.T) {
	path, lines := learnTrace(t, 0, "--learner", "gd", "--d", "4", "--oracle", "noise", "--set", "steps=5")
	n := len(lines) - 2
	t.Run("a different step size", func(t *testing.T) {
		res := replayJSON(t, 1, path, "--set", "step=0.123")
		d := res.Divergence
		if res.Verdict != "diverged" || d == nil || d.What != "fingerprint" || d.Seq < 1 || d.Expected == nil {
			t.Errorf("replay: %+v", res)
		}
	})
	t.Run("more steps than recorded", func(t *testing.T) {
		res := replayJSON(t, 1, path, "--set", "steps=6")
		d := res.Divergence
		if res.Verdict != "diverged" || d == nil || !d.Beyond || d.Seq != n {
			t.Errorf("replay: %+v", res)
		}
		code, out, errs := runCLI("replay", path, "--set", "steps=6")
		if code != 1 || !strings.Contains(errs, "after the trace's") || !strings.Contains(out, "diverged") {
			t.Errorf("text: exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("fewer steps: answers left over", func(t *testing.T) {
		res := replayJSON(t, 1, path, "--set", "steps=3")
		if res.Verdict != "answers left over" || res.Leftover != n-3 {
			t.Errorf("replay: %+v", res)
		}
	})
	t.Run("another learner", func(t *testing.T) {
		res := replayJSON(t, 1, path, "--learner", "chow")
		if res.Learner != "chow" || res.Verdict == "bit identical" {
			t.Errorf("replay: %+v", res)
		}
	})
}

// A trace cut mid-line reports the partial line and the complete records,
// and replays its prefix; an edited digit or reordered lines are refused,
// naming the line.
func TestReplayDamagedTrace(t *testing.T) {
	_, lines := learnTrace(t, 0, "--learner", "gd", "--d", "4", "--oracle", "noise", "--set", "steps=5")
	lines = lines[:len(lines)-1]
	n := len(lines) - 1 // entries
	t.Run("truncated", func(t *testing.T) {
		cut := append(append([][]byte(nil), lines[:len(lines)-1]...), lines[len(lines)-1][:30])
		path := writeLines(t, cut)
		res := replayJSON(t, 0, path)
		tr, d := res.Truncated, res.Divergence
		if res.Verdict != "prefix bit identical" || tr == nil || tr.Line != len(lines) || tr.Complete != n-1 ||
			d == nil || !d.Beyond {
			t.Errorf("replay: %+v", res)
		}
		code, out, _ := runCLI("replay", path)
		if code != 0 || !strings.Contains(out, "partial last line") || !strings.Contains(out, "beyond the truncated trace") {
			t.Errorf("text: exit %d\n%s", code, out)
		}
	})
	t.Run("an edited answer digit", func(t *testing.T) {
		ed := append([][]byte(nil), lines...)
		re := regexp.MustCompile(`"answer":\[(-?)(\d)`)
		ed[3] = re.ReplaceAllFunc(ed[3], func(b []byte) []byte {
			m := re.FindSubmatch(b)
			d := byte('0' + (m[2][0]-'0'+1)%10)
			return []byte(`"answer":[` + string(m[1]) + string(d))
		})
		if bytes.Equal(ed[3], lines[3]) {
			t.Fatal("the edit changed nothing")
		}
		code, out, errs := runCLI("replay", writeLines(t, ed))
		if code != 1 || out != "" || !strings.Contains(errs, "line 4") || !strings.Contains(errs, "digest") {
			t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
		}
	})
	t.Run("reordered lines", func(t *testing.T) {
		ed := append([][]byte(nil), lines...)
		ed[2], ed[3] = ed[3], ed[2]
		code, _, errs := runCLI("replay", writeLines(t, ed))
		if code != 1 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "reordered") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("a version 1 trace", func(t *testing.T) {
		path := writeLines(t, [][]byte{[]byte(`{"trace":"sqsim","version":1}` + "\n")})
		code, _, errs := runCLI("replay", path)
		if code != 1 || !strings.Contains(errs, "no manifest") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
}

// Usage errors exit 2 with one line on stderr and nothing on stdout.
func TestReplayUsageErrors(t *testing.T) {
	path, _ := learnTrace(t, 0, "--learner", "chow", "--d", "2")
	usageFails(t, "want one trace file", "replay")
	usageFails(t, "want one trace file", "replay", path, path)
	usageFails(t, "no such file", "replay", filepath.Join(t.TempDir(), "missing.jsonl"))
	usageFails(t, "unknown learner", "replay", path, "--learner", "oracle-reader")
	usageFails(t, "--set", "replay", path, "--set", "novalue")
	usageFails(t, "flag provided but not defined", "replay", path, "--nosuch")
	if code, out, _ := runCLI("help", "replay"); code != 0 || !strings.Contains(out, "TRACE") {
		t.Errorf("help replay: exit %d\n%s", code, out)
	}
}
