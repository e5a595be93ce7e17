package cli

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/bench"
)

// decodeExact decodes one JSON object into a T and fails the test when the
// object has a key T does not declare or lacks a key T declares without
// omitempty: a typed output that drifts from what the command prints fails
// here instead of reading a zero value.
func decodeExact[T any](t *testing.T, line string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decoding %T: %v\n%s", v, err, line)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(line), &raw); err != nil {
		t.Fatalf("%v\n%s", err, line)
	}
	for _, k := range requiredKeys(reflect.TypeFor[T]()) {
		if _, ok := raw[k]; !ok {
			t.Errorf("%T: the output lacks the key %q\n%s", v, k, line)
		}
	}
	return v
}

// requiredKeys are the JSON keys of the struct type t (its embedded structs'
// included) that are not omitempty.
func requiredKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			keys = append(keys, requiredKeys(ft)...)
			continue
		}
		if !f.IsExported() || strings.Contains(","+opts+",", ",omitempty,") {
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys = append(keys, name)
	}
	return keys
}

// jsonLines splits a JSON Lines output into its lines.
func jsonLines(t *testing.T, out string) []string {
	t.Helper()
	out = strings.TrimSuffix(out, "\n")
	if out == "" {
		t.Fatalf("no output")
	}
	return strings.Split(out, "\n")
}

// checkManifest checks a manifest has the keys of bench.CommandManifest and
// names the command.
func checkManifest(t *testing.T, m bench.CommandManifest, command string) {
	t.Helper()
	if m.Command != command {
		t.Errorf("manifest command %q, want %q", m.Command, command)
	}
	if m.Go == "" || m.Sqsim == "" || m.VCSRevision == "" || m.Config == nil || m.Args == nil {
		t.Errorf("manifest %+v lacks a build field, its config or its args", m)
	}
}

// manifestOf decodes the first line of a JSON Lines output, which must be
// {"manifest": {...}} (possibly with more keys, as the curve and escape
// outputs keep their older form's).
func manifestOf(t *testing.T, line string) bench.CommandManifest {
	t.Helper()
	var first struct {
		Manifest *json.RawMessage `json:"manifest"`
	}
	if err := json.Unmarshal([]byte(line), &first); err != nil || first.Manifest == nil {
		t.Fatalf("first line is not {\"manifest\": ...} (%v): %s", err, line)
	}
	return decodeExact[bench.CommandManifest](t, string(*first.Manifest))
}

func TestNumRoundTrip(t *testing.T) {
	for _, s := range []string{"1.5", `"NaN"`, `"+Inf"`, `"-Inf"`, "-0", "1e-300"} {
		t.Run(s, func(t *testing.T) {
			var n num
			if err := json.Unmarshal([]byte(s), &n); err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(n)
			if err != nil || !bytes.Equal(b, []byte(s)) && s != "-0" {
				t.Errorf("%s -> %v -> %s (%v)", s, float64(n), b, err)
			}
		})
	}
}

// TestListFlags: the list and vector flags parse one way, and their errors
// name the flag and the entry.
func TestListFlags(t *testing.T) {
	t.Run("ints", func(t *testing.T) {
		var v []int
		if err := (intsFlag{p: &v}).Set(" 8, 16 ,0x20"); err != nil || len(v) != 3 || v[2] != 32 {
			t.Errorf("got %v, %v", v, err)
		}
		if (intsFlag{p: &v}).String() != "8,16,32" {
			t.Errorf("String %q", intsFlag{p: &v}.String())
		}
		for _, bad := range []string{"", "8,,16", "8,x", "1.5"} {
			if err := (intsFlag{p: &v}).Set(bad); err == nil {
				t.Errorf("%q accepted", bad)
			}
		}
		if err := (intsFlag{p: &v, single: true}).Set("8,16"); err == nil {
			t.Error("a list accepted for a single integer")
		}
	})
	t.Run("floats", func(t *testing.T) {
		var v []float64
		if err := (floatsFlag{&v}).Set("0.6,-0.8"); err != nil || len(v) != 2 || v[1] != -0.8 {
			t.Errorf("got %v, %v", v, err)
		}
		for _, bad := range []string{"", "1,NaN", "1,+Inf", "a"} {
			if err := (floatsFlag{&v}).Set(bad); err == nil {
				t.Errorf("%q accepted", bad)
			}
		}
	})
	t.Run("usage errors name the flag", func(t *testing.T) {
		usageFails(t, `-d: "x" is not an integer`, "hardness", "escape", "--d", "8,x")
		usageFails(t, "want one integer", "hardness", "info", "--d", "8,16", "--k", "2")
		usageFails(t, `-k: "y" is not an integer`, "hardness", "curve", "--k", "2,y")
		usageFails(t, `-wstar: entry 2 "z" is not a number`, "learn", "--wstar", "1,z")
		usageFails(t, "empty list", "results", "--d", "")
	})
}
