package figure

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReadJSONLines(t *testing.T) {
	in := `{"manifest":{"command":"sweep run"}}
{"key":"a","learner":"gd","d":5,"queries":100,"loss":1e-3}

{"key":"b","learner":"chow","d":10,"queries":200,"loss":"NaN"}
{"manifest":{"command":"sweep run","shard":1}}
{"key":"c","learner":"gd","d":10,"queries":300,"loss":2e-3,"ok":true}
`
	tab, err := ReadJSONLines(strings.NewReader(in), "r.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 3 {
		t.Fatalf("%d rows, want 3 (manifest lines and the blank line skipped)", len(tab.Rows))
	}
	if diff := cmp.Diff([]int{2, 4, 6}, []int{tab.Rows[0].Line, tab.Rows[1].Line, tab.Rows[2].Line}); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"d", "key", "learner", "loss", "queries", "ok"}, tab.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
	if got := tab.Rows[1].Values["learner"]; got != "chow" {
		t.Errorf("learner %q, want chow (unquoted)", got)
	}
	if v, err := tab.Number(tab.Rows[1], "loss"); err != nil || !math.IsNaN(v) {
		t.Errorf(`"NaN" read as %v, %v; want NaN`, v, err)
	}
	t.Run("trace first line", func(t *testing.T) {
		tab, err := ReadJSONLines(strings.NewReader(`{"trace":"sqsim","version":2}`+"\n"+`{"step":1,"loss":0.5}`+"\n"), "t")
		if err != nil || len(tab.Rows) != 1 {
			t.Fatalf("rows %v, err %v; want one row", tab, err)
		}
	})
	t.Run("a record carrying its manifest is data", func(t *testing.T) {
		tab, err := ReadJSONLines(strings.NewReader(`{"manifest":{},"a":1}`+"\n"+`{"manifest":{},"a":2}`+"\n"), "t")
		if err != nil || len(tab.Rows) != 2 {
			t.Fatalf("rows %v, err %v; want two rows", tab, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct{ name, in, want string }{
			{"empty", "", "no records"},
			{"only manifest", `{"manifest":{}}` + "\n", "no records"},
			{"not JSON", "{\"a\":1}\n{\"a\":\n", "line 2 is not a JSON object"},
			{"array", "[1,2]\n", "line 1 is not a JSON object"},
		} {
			_, err := ReadJSONLines(strings.NewReader(c.in), "x.jsonl")
			if !errors.Is(err, ErrFigure) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: err %v, want ErrFigure mentioning %q", c.name, err, c.want)
			}
		}
	})
}

func TestReadCSV(t *testing.T) {
	in := "learner,d,queries_mean,queries_ci95_lo\ngd,5,100,\nchow,10,2e2,150\n"
	tab, err := ReadCSV(strings.NewReader(in), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(tab.Rows) != 2 || tab.Rows[1].Line != 3 {
		t.Fatalf("rows %+v, want 2 with the second on line 3", tab.Rows)
	}
	if _, ok := tab.Rows[0].Values["queries_ci95_lo"]; ok {
		t.Error("an empty cell should be a missing value")
	}
	if v, err := tab.Number(tab.Rows[1], "queries_mean"); err != nil || v != 200 {
		t.Errorf("queries_mean %v, %v; want 200", v, err)
	}
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct{ name, in, want string }{
			{"empty", "", "is empty"},
			{"header only", "a,b\n", "no rows"},
			{"ragged", "a,b\n1,2\n3\n", "line 3"},
			{"duplicate column", "a,a\n1,2\n", "twice"},
		} {
			_, err := ReadCSV(strings.NewReader(c.in), "s.csv")
			if !errors.Is(err, ErrFigure) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: err %v, want ErrFigure mentioning %q", c.name, err, c.want)
			}
		}
	})
}

func TestReadFileFormat(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.csv":   "x,y\n1,2\n",
		"a.jsonl": `{"x":1,"y":2}` + "\n",
		"a.txt":   "  \n" + `{"x":1,"y":2}` + "\n", // sniffed as JSON Lines
		"b.txt":   "x,y\n1,2\n",                    // sniffed as CSV
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		tab, err := ReadFile(p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if v, err := tab.Number(tab.Rows[0], "y"); err != nil || v != 2 {
			t.Errorf("%s: y = %v, %v; want 2", name, v, err)
		}
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.csv")); err == nil || errors.Is(err, ErrFigure) {
		t.Errorf("missing file: err %v, want an I/O error (not ErrFigure)", err)
	}
}

func TestBuild(t *testing.T) {
	in := `{"manifest":{}}
{"learner":"gd","d":20,"queries":400}
{"learner":"gd","d":5,"queries":100}
{"learner":"chow","d":5,"queries":7}
{"learner":"gd","d":10,"queries":200}
`
	tab, err := ReadJSONLines(strings.NewReader(in), "r.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Build(tab, Spec{X: "d", Y: "queries", Group: "learner"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Series{
		{Name: "learner = chow", X: []float64{5}, Y: []float64{7}},
		{Name: "learner = gd", X: []float64{5, 10, 20}, Y: []float64{100, 200, 400}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("series (-want +got):\n%s", diff)
	}
	t.Run("numeric groups sort as numbers", func(t *testing.T) {
		tab, _ := ReadCSV(strings.NewReader("k,d,q\n10,1,1\n2,1,1\n4,1,1\n"), "s.csv")
		s, err := Build(tab, Spec{X: "d", Y: "q", Group: "k"})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range s {
			names = append(names, x.Name)
		}
		if diff := cmp.Diff([]string{"k = 2", "k = 4", "k = 10"}, names); diff != "" {
			t.Errorf("order (-want +got):\n%s", diff)
		}
	})
	summary := "learner,d,queries_mean,queries_ci95_lo,queries_ci95_hi,queries_sd,x_lo,x_hi\n" +
		"gd,5,100,90,110,4,80,120\ngd,10,200,180,230,5,150,260\n"
	stab, err := ReadCSV(strings.NewReader(summary), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		spec   Spec
		lo, hi []float64
	}{
		{"auto from the convention", Spec{X: "d", Y: "queries"}, []float64{90, 180}, []float64{110, 230}},
		{"auto, y named with its suffix", Spec{X: "d", Y: "queries_mean"}, []float64{90, 180}, []float64{110, 230}},
		{"symmetric column", Spec{X: "d", Y: "queries", YErr: "queries_sd"}, []float64{96, 195}, []float64{104, 205}},
		{"two columns", Spec{X: "d", Y: "queries", YErr: "x_lo,x_hi"}, []float64{80, 150}, []float64{120, 260}},
		{"none", Spec{X: "d", Y: "queries", YErr: "none"}, nil, nil},
		{"another convention", Spec{X: "d", Y: "queries", Convention: Convention{Mean: "_mean", Lo: "_lo", Hi: "_hi"}}, nil, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := Build(stab, c.spec)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]float64{100, 200}, s[0].Y); diff != "" {
				t.Errorf("y (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.lo, s[0].Lo); diff != "" {
				t.Errorf("lo (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(c.hi, s[0].Hi); diff != "" {
				t.Errorf("hi (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("nested JSON summary", func(t *testing.T) {
		in := `{"manifest":{}}` + "\n" + `{"group":{"learner":"gd","d":5},"queries":{"mean":100,"sd":3,"ci95":[90,110]}}` + "\n"
		tab, err := ReadJSONLines(strings.NewReader(in), "summary.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		for _, y := range []string{"queries", "queries.mean"} {
			s, err := Build(tab, Spec{X: "group.d", Y: y, Group: "group.learner"})
			if err != nil {
				t.Fatal(err)
			}
			want := []Series{{Name: "group.learner = gd", X: []float64{5}, Y: []float64{100}, Lo: []float64{90}, Hi: []float64{110}}}
			if diff := cmp.Diff(want, s); diff != "" {
				t.Errorf("--y %s: series (-want +got):\n%s", y, diff)
			}
		}
	})
	t.Run("fallback interval names", func(t *testing.T) {
		tab, _ := ReadCSV(strings.NewReader("d,loss_mean,loss_ci_lo,loss_ci_hi\n1,2,1,3\n"), "s.csv")
		s, err := Build(tab, Spec{X: "d", Y: "loss"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]float64{1}, s[0].Lo); diff != "" {
			t.Errorf("lo (-want +got):\n%s", diff)
		}
		// An explicit convention tries its own names only.
		s, err = Build(tab, Spec{X: "d", Y: "loss", Convention: DefaultConvention})
		if err != nil || s[0].Lo != nil {
			t.Errorf("explicit convention: lo %v, err %v; want no error bars", s[0].Lo, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name, in string
			spec     Spec
			want     string
		}{
			{"no x key", "a,b\n1,2\n", Spec{X: "d", Y: "b"}, `no x key "d"`},
			{"no y key", "a,b\n1,2\n", Spec{X: "a", Y: "q"}, `no y key "q"`},
			{"no group key", "a,b\n1,2\n", Spec{X: "a", Y: "b", Group: "g"}, `no group key "g"`},
			{"no error column", "a,b\n1,2\n", Spec{X: "a", Y: "b", YErr: "e"}, `no error-bar key "e"`},
			{"missing in a row", "a,b\n1,2\n3,\n", Spec{X: "a", Y: "b"}, `line 3 has no key "b"`},
			{"not a number", "a,b\n1,2\n3,gd\n", Spec{X: "a", Y: "b"}, `line 3: b is "gd", not a number`},
			{"hex is not a number", "a,b\n1,0x10\n", Spec{X: "a", Y: "b"}, "not a number"},
			{"NaN", "a,b\n1,NaN\n", Spec{X: "a", Y: "b"}, "line 2: b is NaN, want a finite number"},
			{"negative error", "a,b,e\n1,2,-1\n", Spec{X: "a", Y: "b", YErr: "e"}, "want >= 0"},
			{"zero on a log x axis", "a,b\n1,2\n0,2\n", Spec{X: "a", Y: "b", LogX: true}, "line 3: a is 0, which a log axis cannot show"},
			{"error bar end on a log y axis", "a,b,e\n1,2,3\n", Spec{X: "a", Y: "b", YErr: "e", LogY: true}, "line 2: b - e is -1, which a log axis"},
			{"y outside its interval", "a,b_mean,b_ci95_lo,b_ci95_hi\n1,5,1,2\n", Spec{X: "a", Y: "b"}, "outside its interval"},
		} {
			tab, err := ReadCSV(strings.NewReader(c.in), "s.csv")
			if err != nil {
				t.Fatal(err)
			}
			_, err = Build(tab, c.spec)
			if !errors.Is(err, ErrFigure) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: err %v, want ErrFigure mentioning %q", c.name, err, c.want)
			}
		}
	})
}

func TestLabel(t *testing.T) {
	for key, want := range map[string]string{
		"queries":        "queries",
		"scalar_queries": "scalar queries",
		"cost":           "sample cost sum (B/tau)^2",
		"loss":           "loss E[(h(x)-y)^2]",
		"d":              "dimension d",
		"queries_mean":   "queries (mean)",
		"mystery":        "mystery",
		"mystery_mean":   "mystery_mean",
	} {
		if got := Label(key); got != want {
			t.Errorf("Label(%q) = %q, want %q", key, got, want)
		}
	}
}
