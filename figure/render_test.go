package figure

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testSeries are two power laws and a dashed reference line.
func testSeries() []Series {
	d := []float64{5, 10, 20, 40}
	var gd, search Series
	gd.Name, search.Name = "gd", "search"
	for _, x := range d {
		gd.X, gd.Y = append(gd.X, x), append(gd.Y, 4*x)
		search.X, search.Y = append(search.X, x), append(search.Y, 3*x*x)
		gd.Lo, gd.Hi = append(gd.Lo, 3.5*x), append(gd.Hi, 4.5*x)
	}
	bound := Series{Name: "bound d^2", X: []float64{5, 40}, Y: []float64{50, 3200}, Reference: true}
	return []Series{gd, search, bound}
}

var testOpts = Options{Title: "queries against d", XLabel: Label("d"), YLabel: Label("queries"), LogX: true, LogY: true}

func render(t *testing.T, format string, s []Series, o Options) ([]byte, []Fit) {
	t.Helper()
	var b bytes.Buffer
	fits, err := Render(&b, format, s, o)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), fits
}

func TestRenderPNG(t *testing.T) {
	b, fits := render(t, "png", testSeries(), testOpts)
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	want := [2]int{DefaultWidth * PNGDPI / 72, DefaultHeight * PNGDPI / 72}
	if got := [2]int{img.Bounds().Dx(), img.Bounds().Dy()}; got != want {
		t.Errorf("size %v, want %v", got, want)
	}
	// Not blank: many pixels differ from the background, and some are
	// drawn in the first two series' colours.
	bg := img.At(0, 0)
	other, blue, orange := 0, 0, 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y++ {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x++ {
			c := img.At(x, y)
			if c != bg {
				other++
			}
			r, g, b, _ := c.RGBA()
			switch [3]uint32{r >> 8, g >> 8, b >> 8} {
			case [3]uint32{0x00, 0x72, 0xB2}:
				blue++
			case [3]uint32{0xD5, 0x5E, 0x00}:
				orange++
			}
		}
	}
	if other < 5000 || blue < 100 || orange < 100 {
		t.Errorf("%d non-background pixels, %d of the first colour, %d of the second: want a drawn figure", other, blue, orange)
	}
	if len(fits) != 2 {
		t.Fatalf("%d fits, want 2 (the reference line is not fitted)", len(fits))
	}
	for i, want := range []float64{1, 2} {
		if math.Abs(fits[i].Slope-want) > 1e-12 {
			t.Errorf("fit %d (%s): slope %.17g, want %v", i, fits[i].Group, fits[i].Slope, want)
		}
	}
	t.Run("custom size", func(t *testing.T) {
		o := testOpts
		o.Width, o.Height = 288, 216
		b, _ := render(t, "png", testSeries(), o)
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Width != 384 || cfg.Height != 288 {
			t.Errorf("size %dx%d, want 384x288", cfg.Width, cfg.Height)
		}
	})
}

// svgText collects the text content of every element of an SVG document,
// failing when it is not well-formed XML.
func svgText(t *testing.T, b []byte) (root string, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return root, texts
		}
		if err != nil {
			t.Fatalf("SVG is not XML: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = v.Name.Local
			}
		case xml.CharData:
			if s := strings.TrimSpace(string(v)); s != "" {
				texts = append(texts, s)
			}
		}
	}
}

func TestRenderSVG(t *testing.T) {
	b, _ := render(t, "svg", testSeries(), testOpts)
	root, texts := svgText(t, b)
	if root != "svg" {
		t.Errorf("root element %q, want svg", root)
	}
	all := strings.Join(texts, "\n")
	for _, want := range []string{"queries against d", "dimension d", "queries", "gd: slope 1.000 [1.000, 1.000] n=4", "search: slope 2.000 [2.000, 2.000] n=4", "bound d^2", "10", "20"} {
		if !strings.Contains(all, want) {
			t.Errorf("SVG text lacks %q; has %q", want, texts)
		}
	}
	if bytes.Contains(b, []byte("@font-face")) {
		t.Error("SVG embeds a font; want none (deterministic, small)")
	}
}

func TestRenderDeterministic(t *testing.T) {
	for _, format := range []string{"png", "svg"} {
		t.Run(format, func(t *testing.T) {
			a, _ := render(t, format, testSeries(), testOpts)
			b, _ := render(t, format, testSeries(), testOpts)
			if !bytes.Equal(a, b) {
				t.Error("two renders of the same input differ")
			}
		})
	}
	t.Run("from a file read twice", func(t *testing.T) {
		// Map iteration order in the reader must not reach the output.
		in := `{"learner":"gd","d":5,"q":10,"z":1}` + "\n" + `{"learner":"chow","d":10,"q":30,"a":2}` + "\n" + `{"learner":"gd","d":10,"q":20}` + "\n"
		var prev []byte
		for range 5 {
			tab, err := ReadJSONLines(strings.NewReader(in), "r.jsonl")
			if err != nil {
				t.Fatal(err)
			}
			s, err := Build(tab, Spec{X: "d", Y: "q", Group: "learner"})
			if err != nil {
				t.Fatal(err)
			}
			b, _ := render(t, "svg", s, Options{LogX: true, LogY: true})
			if prev != nil && !bytes.Equal(prev, b) {
				t.Fatal("renders differ")
			}
			prev = b
		}
	})
}

func TestLinesErrors(t *testing.T) {
	for _, c := range []struct {
		name   string
		series []Series
		opts   Options
		want   string
	}{
		{"no series", nil, Options{}, "no series"},
		{"no points", []Series{{Name: "a"}}, Options{}, "has no points"},
		{"lengths", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}, Options{}, "2 x values but 1 y values"},
		{"NaN", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, math.NaN()}}}, Options{}, `series 1 "a" point 2: y is NaN`},
		{"zero on log y", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 0}}}, Options{LogY: true}, `series 1 "a" point 2: y is 0, which a log axis cannot show`},
		{"negative on log x", []Series{{Name: "a", X: []float64{-1, 2}, Y: []float64{1, 1}}}, Options{LogX: true}, "point 1: x is -1"},
		{"error bar below 0 on log y", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 1}, Lo: []float64{-1, 0.5}, Hi: []float64{2, 2}}}, Options{LogY: true}, "error bar low end is -1"},
		{"error bar lengths", []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 1}, Lo: []float64{0}}}, Options{}, "error bars need Lo and Hi"},
		{"y outside its bar", []Series{{Name: "a", X: []float64{1}, Y: []float64{3}, Lo: []float64{0}, Hi: []float64{2}}}, Options{}, "outside its error bar"},
		{"legend", []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}, Options{Legend: "middle"}, `legend "middle"`},
		{"size", []Series{{Name: "a", X: []float64{1}, Y: []float64{1}}}, Options{Width: 10}, "width 10 points"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Lines(c.series, c.opts)
			if !errors.Is(err, ErrFigure) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v, want ErrFigure mentioning %q", err, c.want)
			}
		})
	}
	t.Run("unknown format", func(t *testing.T) {
		if _, err := Render(io.Discard, "pdf", testSeries(), testOpts); !errors.Is(err, ErrFigure) {
			t.Errorf("err %v, want ErrFigure", err)
		}
	})
}

func TestLinesEdgeCases(t *testing.T) {
	for _, c := range []struct {
		name   string
		series []Series
		opts   Options
	}{
		{"one point, log axes", []Series{{X: []float64{1}, Y: []float64{1}}}, Options{LogX: true, LogY: true}},
		{"one point, linear", []Series{{X: []float64{0}, Y: []float64{0}}}, Options{}},
		{"equal x on log-log: no fit", []Series{{Name: "a", X: []float64{3, 3}, Y: []float64{1, 2}}}, Options{LogX: true, LogY: true}},
		{"twelve decades", []Series{{X: []float64{1e-6, 1e6}, Y: []float64{1e-300, 1e300}}}, Options{LogX: true, LogY: true}},
		{"many series", manySeries(20), Options{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b, _ := render(t, "png", c.series, c.opts)
			if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Error(err)
			}
		})
	}
}

func manySeries(n int) []Series {
	var s []Series
	for i := range n {
		s = append(s, Series{Name: string(rune('a' + i)), X: []float64{0, 1}, Y: []float64{float64(i), float64(i + 1)}})
	}
	return s
}

func TestLogTicks(t *testing.T) {
	labels := func(min, max float64) []string {
		var out []string
		for _, tk := range (logTicks{}).Ticks(min, max) {
			if tk.Label != "" {
				out = append(out, tk.Label)
			}
		}
		return out
	}
	for _, c := range []struct {
		min, max float64
		want     string
	}{
		{4, 45, "5 10 20"},
		{0.9, 1100, "1 10 100 1000"},
		{1e-7, 1e-5, "1e-07 2e-07 5e-07 1e-06 2e-06 5e-06 1e-05"},
	} {
		if got := strings.Join(labels(c.min, c.max), " "); got != c.want {
			t.Errorf("ticks on [%v, %v]: %q, want %q", c.min, c.max, got, c.want)
		}
	}
	if n := len(labels(1e-300, 1e300)); n < 3 || n > 10 {
		t.Errorf("600 decades: %d labels, want a few", n)
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"f.png", "f.SVG"} {
		p := filepath.Join(dir, name)
		if _, err := Write(p, testSeries(), testOpts); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		format, _ := Format(p)
		if _, err := Render(&want, format, testSeries(), testOpts); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, want.Bytes()) {
			t.Errorf("%s: the file differs from Render's bytes", name)
		}
	}
	t.Run("unknown extension", func(t *testing.T) {
		p := filepath.Join(dir, "f.pdf")
		if _, err := Write(p, testSeries(), testOpts); !errors.Is(err, ErrFigure) || !strings.Contains(err.Error(), ".png or .svg") {
			t.Errorf("err %v, want ErrFigure naming .png or .svg", err)
		}
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("f.pdf exists (%v)", err)
		}
	})
	t.Run("bad series leave the file unchanged", func(t *testing.T) {
		p := filepath.Join(dir, "f.png")
		before, _ := os.ReadFile(p)
		if _, err := Write(p, []Series{{X: []float64{1}, Y: []float64{math.NaN()}}}, Options{}); !errors.Is(err, ErrFigure) {
			t.Errorf("err %v, want ErrFigure", err)
		}
		after, _ := os.ReadFile(p)
		if !bytes.Equal(before, after) {
			t.Error("the file changed")
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
	})
}
