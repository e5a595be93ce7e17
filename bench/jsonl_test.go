package bench

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestJSONL: the first line is {"manifest": {...}} with every key of
// CommandManifest, the records follow one per line, and a write error
// sticks.
func TestJSONL(t *testing.T) {
	t.Run("lines", func(t *testing.T) {
		var b bytes.Buffer
		m := NewCommandManifest("sweep", []string{"--spec", "s.json"}, map[string]any{"d": 3}).WithSeed(7)
		j, err := NewJSONL(&b, m)
		if err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			if err := j.Write(map[string]int{"i": i}); err != nil {
				t.Fatal(err)
			}
		}
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 3 || lines[1] != `{"i":0}` || lines[2] != `{"i":1}` {
			t.Fatalf("output %q", b.String())
		}
		var first map[string]map[string]json.RawMessage
		if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
			t.Fatal(err)
		}
		got := first["manifest"]
		for _, k := range []string{"command", "args", "config", "seed", "sqsim", "go", "vcs_revision"} {
			if _, ok := got[k]; !ok {
				t.Errorf("manifest lacks %q: %s", k, lines[0])
			}
		}
		if string(got["seed"]) != "7" || string(got["command"]) != `"sweep"` {
			t.Errorf("manifest %s", lines[0])
		}
	})
	t.Run("no seed", func(t *testing.T) {
		b, err := json.Marshal(NewCommandManifest("loss", nil, nil))
		if err != nil || !strings.Contains(string(b), `"seed":null`) || !strings.Contains(string(b), `"args":[]`) || !strings.Contains(string(b), `"config":{}`) {
			t.Errorf("%s (%v): want seed null, args [] and config {}", b, err)
		}
	})
	t.Run("unencodable record", func(t *testing.T) {
		var b bytes.Buffer
		j, _ := NewJSONL(&b, NewCommandManifest("x", nil, nil))
		if err := j.Write(map[string]float64{"nan": math.NaN()}); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("error %v, want one naming line 2", err)
		}
		if err := j.Write(1); err == nil || j.Err() == nil {
			t.Error("a write after an error succeeded")
		}
	})
	t.Run("write error", func(t *testing.T) {
		if _, err := NewJSONL(failingWriter{}, NewCommandManifest("x", nil, nil)); err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("error %v", err)
		}
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
