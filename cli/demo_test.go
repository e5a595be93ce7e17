package cli

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sqsim/sqsim/hardness"
)

func TestDemoActs(t *testing.T) {
	t.Run("act 1: exact GD reaches 0, noisy GD ends within (2.01 sqrt(d) tau)^2", func(t *testing.T) {
		a, err := demoAct1(50, 40, 1e-3, 1)
		if err != nil {
			t.Fatal(err)
		}
		if a.exactFinal >= 1e-10 {
			t.Errorf("exact GD final loss %v, want < 1e-10", a.exactFinal)
		}
		if want := math.Pow(2.01*math.Sqrt(50)*1e-3, 2); a.lossBound != want || !(a.noisyFinal <= want) {
			t.Errorf("noisy GD final loss %v, bound %v, want below %v", a.noisyFinal, a.lossBound, want)
		}
		if d := a.dist(a.runs[1].w); !(d <= a.distBound) {
			t.Errorf("noisy GD ends %v from w*, above %v", d, a.distBound)
		}
	})
	t.Run("act 2: gd stays at opt_0, support search identifies S", func(t *testing.T) {
		if testing.Short() {
			t.Skip("about 5 s of CPU")
		}
		a, err := demoAct2(1)
		if err != nil {
			t.Fatal(err)
		}
		l := a.Land
		if d := math.Abs(float64(a.GD.NullLoss) - l.Opt0); d > 1e-6 {
			t.Errorf("gd's null-world loss is opt_0 %+v, want within 1e-6", d)
		}
		if a.GD.Identified || !(float64(a.GD.Loss) > l.OptS+l.Eps) {
			t.Errorf("gd identified %v with loss %v (opt_S + eps = %v)", a.GD.Identified, a.GD.Loss, l.OptS+l.Eps)
		}
		if !a.Sparse.Identified || len(a.Sparse.Found) != a.K || !equalInts(a.Sparse.Found, a.Sparse.Support) {
			t.Errorf("support search: identified %v, found %v, truth %v", a.Sparse.Identified, a.Sparse.Found, a.Sparse.Support)
		}
		if a.Sparse.Queries > 230301 {
			t.Errorf("support search spent %d queries, want <= C(50,4) + 1", a.Sparse.Queries)
		}
		if a.Vacuous || !(float64(a.BoundQueries) >= 1) {
			t.Errorf("counting bound %v: vacuous at the demo's size", a.BoundQueries)
		}
		// the counting bound of theory §5.3, from its formula
		if want := (230300.0 - float64(l.Mk)) * act2Tau * act2Tau; math.Abs(float64(a.BoundQueries)-want) > 1e-9*want {
			t.Errorf("counting bound %v, want (C(50,4) - M_4) tau^2 = %v", a.BoundQueries, want)
		}
		// k(eps) is the largest even k with Gap_k >= 2 eps, checked against
		// the landscapes of k and k + 2
		for _, r := range a.Table {
			lk, err := hardness.NewLandscape(r.K, 0)
			if err != nil {
				t.Fatal(err)
			}
			next, err := hardness.NewLandscape(r.K+2, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !(lk.Gap >= 2*float64(r.Eps)) || !(next.Gap < 2*float64(r.Eps)) {
				t.Errorf("eps %v: k(eps) = %d, but Gap_k = %v and Gap_{k+2} = %v", r.Eps, r.K, lk.Gap, next.Gap)
			}
		}
	})
	t.Run("act 3: approx and chow below the bounds", func(t *testing.T) {
		a, err := demoAct3(1)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range a.Rows {
			if l := float64(r.Loss["chow"]); !(l <= float64(r.ChowBnd)) {
				t.Errorf("frac %v: chow loss %v above 5.83 opt = %v", r.Frac, l, r.ChowBnd)
			}
			if l := float64(r.Loss["approx"]); !(l <= float64(r.CBound)) {
				t.Errorf("frac %v: approx loss %v above C opt^(2/3) + eps = %v", r.Frac, l, r.CBound)
			}
			for _, n := range act3Learners {
				if l := float64(r.Loss[n]); !(l >= float64(r.Opt)-1e-6) {
					t.Errorf("frac %v: %s loss %v below opt %v", r.Frac, n, l, r.Opt)
				}
			}
		}
	})
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDemoFlags(t *testing.T) {
	t.Run("--act 1 --figures writes valid PNG and SVG", func(t *testing.T) {
		dir := t.TempDir()
		code, out, errs := runCLI("demo", "--act", "1", "--figures", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "Act 1.") || strings.Contains(out, "Act 2.") {
			t.Errorf("output is not act 1 alone:\n%s", out)
		}
		checkFigures(t, dir, "act1-gd")
	})
	t.Run("--act 3 --figures", func(t *testing.T) {
		dir := t.TempDir()
		if code, _, errs := runCLI("demo", "--act", "3", "--figures", dir); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		checkFigures(t, dir, "act3-approx")
	})
	t.Run("--act 2 runs only act 2 and writes the tradeoff figure", func(t *testing.T) {
		if testing.Short() {
			t.Skip("about 5 s of CPU")
		}
		dir := t.TempDir()
		code, out, errs := runCLI("demo", "--act", "2", "--figures", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "Act 2.") || strings.Contains(out, "Act 1.") || strings.Contains(out, "Act 3.") {
			t.Errorf("output is not act 2 alone:\n%s", out)
		}
		checkFigures(t, dir, "act2-tradeoff")
		got, err := os.ReadFile(filepath.Join(dir, "act2-tradeoff.svg"))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", "docs", "figures", "demo-tradeoff.svg"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("docs/figures/demo-tradeoff.svg is stale: regenerate with go run ./cmd/sqsim demo --act 2 --figures DIR and copy DIR/act2-tradeoff.svg")
		}
	})
	t.Run("--json: manifest, then one record per act", func(t *testing.T) {
		code, out, errs := runCLI("demo", "--act", "3", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := jsonLines(t, out)
		if len(lines) != 2 {
			t.Fatalf("%d lines, want the manifest and act 3:\n%s", len(lines), out)
		}
		checkManifest(t, manifestOf(t, lines[0]), "demo")
		var rec map[string]any
		if err := json.Unmarshal([]byte(lines[1]), &rec); err != nil || rec["act"] != 3.0 {
			t.Errorf("record %v (%v), want act 3", rec, err)
		}
	})
	t.Run("--json, every act: the manifest, then acts 1, 2, 3", func(t *testing.T) {
		if testing.Short() {
			t.Skip("about 5 s of CPU")
		}
		code, out, errs := runCLI("demo", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		lines := jsonLines(t, out)
		if len(lines) != 4 {
			t.Fatalf("%d lines, want 4", len(lines))
		}
		checkManifest(t, manifestOf(t, lines[0]), "demo")
		for i, line := range lines[1:] {
			var rec map[string]any
			if err := json.Unmarshal([]byte(line), &rec); err != nil || rec["act"] != float64(i+1) {
				t.Errorf("line %d: act %v (%v), want %d", i+2, rec["act"], err, i+1)
			}
		}
	})
	// The act-1 record keeps the earlier keys: TestDemo (main_test.go).
	t.Run("usage errors", func(t *testing.T) {
		usageFails(t, "--act", "demo", "--act", "4")
		usageFails(t, "--figures", "demo", "--figures", filepath.Join(t.TempDir(), "missing"))
	})
}

func checkFigures(t *testing.T, dir, name string) {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s.png: %v", name, err)
	}
	b := img.Bounds()
	first := img.At(b.Min.X, b.Min.Y)
	blank := true
	for y := b.Min.Y; y < b.Max.Y && blank; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			if img.At(x, y) != first {
				blank = false
				break
			}
		}
	}
	if blank || b.Dx() < 100 {
		t.Errorf("%s.png is blank (%v)", name, b)
	}
	svg, err := os.ReadFile(filepath.Join(dir, name+".svg"))
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	elems := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s.svg: %v", name, err)
		}
		if _, ok := tok.(xml.StartElement); ok {
			elems++
		}
	}
	if elems < 10 {
		t.Errorf("%s.svg has %d elements", name, elems)
	}
}
