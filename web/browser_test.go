package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sqsim/sqsim/cli"
)

// findChromium returns the path of a Chromium binary: $SQSIM_CHROMIUM,
// Debian's /usr/bin/chromium, or chromium or chromium-browser on PATH.
func findChromium() string {
	if p := os.Getenv("SQSIM_CHROMIUM"); p != "" {
		return p
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	return ""
}

func cliJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out, errb bytes.Buffer
	if code := cli.Main(args, &out, &errb); code != 0 {
		t.Fatalf("sqsim %v: exit %d: %s", args, code, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("sqsim %v: %v", args, err)
	}
	return m
}

// startServe builds sqsim and starts sqsim serve on 127.0.0.1 with a free
// port (it builds the lab first); it returns the lab's URL.
func startServe(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "sqsim")
	build := exec.Command("go", "build", "-o", bin, "./cmd/sqsim")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/sqsim: %v\n%s", err, out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", "--addr", "127.0.0.1:0")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	urlc := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		re := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`)
		for sc.Scan() {
			if u := re.FindString(sc.Text()); u != "" {
				urlc <- u
				break
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
		close(urlc)
	}()
	select {
	case u, ok := <-urlc:
		if !ok {
			t.Fatalf("sqsim serve stopped without serving: %s", stderr.String())
		}
		return u
	case <-time.After(8 * time.Minute):
		t.Fatalf("sqsim serve printed no address in 8 minutes: %s", stderr.String())
	}
	return ""
}

func parseNum(t *testing.T, what, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		t.Fatalf("%s: %q on the page is not a number", what, s)
	}
	return v
}

// maxULPs is how far (in units in the last place) a number computed in
// WebAssembly may be from the CLI's on linux/amd64: the same Go code, but
// the compilers may round differently (amd64 has assembly for some math
// functions that wasm computes in pure Go; fused multiply-adds), and a
// result can differ in the last bit (seen: opt_S, 1 ulp).
const maxULPs = 4

// checkNum compares a number of the page with the CLI's: equal, or within
// maxULPs (logged).
func checkNum(t *testing.T, key string, page, cli float64) {
	t.Helper()
	if page == cli {
		return
	}
	d := ulps(page, cli)
	if d > maxULPs {
		t.Errorf("%s: page %v, CLI %v (%d ulps apart)", key, page, cli, d)
		return
	}
	t.Logf("%s: page %v, CLI %v: %d ulp(s) apart (wasm vs the native build)", key, page, cli, d)
}

// ulps is the number of float64 values between a and b (large when their
// signs differ).
func ulps(a, b float64) uint64 {
	if (a < 0) != (b < 0) {
		return math.MaxUint64
	}
	x, y := math.Float64bits(math.Abs(a)), math.Float64bits(math.Abs(b))
	if x > y {
		return x - y
	}
	return y - x
}

// TestBrowser loads the lab from sqsim serve in headless Chromium, plays
// the game and runs GD from the page's controls, and compares what the
// page shows with the CLI's JSON for the same parameters and seed.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: builds sqsim to WebAssembly and drives Chromium (a minute or more); run go test ./web/... -run Browser")
	}
	chrome := findChromium()
	if chrome == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set and no Chromium is found (/usr/bin/chromium): .ci/run installs it with apt-get install chromium")
		}
		t.Skip("no Chromium found: apt-get install chromium, then go test ./web/... -run Browser")
	}
	url := startServe(t)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 2400))
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer acancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	defer tcancel()

	if err := chromedp.Do(ctx); err != nil { // starts Chromium, so that the time below is the page's
		t.Fatalf("starting %s: %v", chrome, err)
	}
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("body[data-ready]"))); err != nil {
		t.Fatalf("loading %s: %v", url, err)
	}
	loadTime := time.Since(start)
	ready, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.dataset.ready"))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("page load: %v from navigation to ready (the page's own performance.now at ready: %s s)", loadTime.Round(time.Millisecond), ready)

	// read returns the text (or, for a key ending in @, the data-value or
	// data-support attribute) of the page's elements.
	read := func(t *testing.T, js string) map[string]string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[map[string]string](js))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	t.Run("game", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("g-d"), "8"), chromedp.SetValue(chromedp.ID("g-k"), "2"),
			chromedp.SetValue(chromedp.ID("g-tau"), "0.05"), chromedp.SetValue(chromedp.ID("g-seed"), "3"),
			chromedp.SetValue(chromedp.ID("g-learner"), "gd"),
			chromedp.Click(chromedp.ID("g-play")), chromedp.WaitEnabled(chromedp.ID("g-step")),
			chromedp.Click(chromedp.ID("g-step")), chromedp.Click(chromedp.ID("g-all")),
			chromedp.WaitEnabled(chromedp.ID("g-reveal")), chromedp.Click(chromedp.ID("g-reveal")))
		if err != nil {
			t.Fatal(err)
		}
		got := read(t, `(() => { const x = (id) => document.getElementById(id).textContent; return {
			loss: x("game-loss"), optS: x("game-optS"), opt0: x("game-opt0"), identified: x("game-identified"),
			queries: document.getElementById("game-queries").dataset.value, support: x("game-support"),
			supportData: document.getElementById("g-verdict").dataset.support, error: x("g-error"),
			rows: String(document.querySelectorAll("#g-table tbody tr").length),
			truth1: document.querySelector("#g-table tbody tr td:nth-child(5)").textContent}; })()`)
		if got["error"] != "" {
			t.Fatalf("the page shows an error: %s", got["error"])
		}
		want := cliJSON(t, "hardness", "game", "--d", "8", "--k", "2", "--tau", "0.05", "--learner", "gd", "--seed", "3", "--json")
		for _, key := range []string{"loss", "optS", "opt0", "queries"} {
			checkNum(t, key, parseNum(t, key, got[key]), want[key].(float64))
		}
		if got["identified"] != strconv.FormatBool(want["identified"].(bool)) {
			t.Errorf("identified: page %s, CLI %v", got["identified"], want["identified"])
		}
		ws, _ := json.Marshal(want["support"])
		if got["supportData"] != string(ws) {
			t.Errorf("revealed S: page %s (%q), CLI %s", got["supportData"], got["support"], ws)
		}
		if got["rows"] != strconv.Itoa(int(want["queries"].(float64))) || strings.Contains(got["truth1"], "hidden") {
			t.Errorf("the query table has %s rows (want %v) and its first true value reads %q after Reveal S", got["rows"], want["queries"], got["truth1"])
		}
		t.Logf("game on the page: %v", got)
	})

	t.Run("gd", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.SetValue(chromedp.ID("r-world"), "realizable"), chromedp.SetValue(chromedp.ID("r-oracle"), "noise"),
			chromedp.SetValue(chromedp.ID("r-learner"), "gd"), chromedp.SetValue(chromedp.ID("r-d"), "10"),
			chromedp.SetValue(chromedp.ID("r-steps"), "40"), chromedp.SetValue(chromedp.ID("r-seed"), "1"),
			chromedp.Click(chromedp.ID("r-go")), chromedp.WaitVisible(chromedp.ID("r-summary")))
		if err != nil {
			t.Fatal(err)
		}
		got := read(t, `(() => { const x = (id) => document.getElementById(id).textContent; return {
			loss: x("run-loss"), opt: x("run-opt"), steps: x("run-steps"), cost: x("run-cost"),
			queries: document.getElementById("run-queries").dataset.value, error: x("r-error")}; })()`)
		if got["error"] != "" {
			t.Fatalf("the page shows an error: %s", got["error"])
		}
		want := cliJSON(t, "learn", "--world", "realizable", "--d", "10", "--oracle", "noise", "--seed", "1", "--learner", "gd", "--set", "steps=40", "--json")
		for _, key := range []string{"loss", "opt", "queries", "cost"} {
			checkNum(t, key, parseNum(t, key, got[key]), want[key].(float64))
		}
		if got["steps"] != "40" {
			t.Errorf("%s step losses on the page, want 40", got["steps"])
		}
		t.Logf("GD on the page: %v", got)
	})

	t.Run("screenshot", func(t *testing.T) {
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if p := os.Getenv("SQSIM_SCREENSHOT"); p != "" {
			if err := os.WriteFile(p, buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		img, err := png.Decode(bytes.NewReader(buf))
		if err != nil {
			t.Fatalf("the screenshot is not a PNG: %v", err)
		}
		colours := map[[3]uint32]int{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 2 {
			for x := b.Min.X; x < b.Max.X; x += 2 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[[3]uint32{r >> 8, g >> 8, bl >> 8}]++
			}
		}
		// The background is one colour; text, buttons and three charts add many.
		if len(colours) < 50 {
			t.Errorf("the screenshot (%dx%d) has %d distinct colours: blank?", b.Dx(), b.Dy(), len(colours))
		}
		t.Logf("screenshot %dx%d, %d distinct colours", b.Dx(), b.Dy(), len(colours))
	})
}
