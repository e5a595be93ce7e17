package cli

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sqsim/sqsim/web"
)

// fakeLab writes a lab folder with every file of web.Files.
func fakeLab(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range web.Files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("content of "+f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestServeUsage(t *testing.T) {
	lab := fakeLab(t)
	t.Run("bad addr", func(t *testing.T) { usageFails(t, "--addr", "serve", "--addr", "nonsense", "--dir", lab) })
	t.Run("argument", func(t *testing.T) { usageFails(t, "unexpected argument", "serve", "here") })
	t.Run("not a lab folder", func(t *testing.T) {
		usageFails(t, "missing index.html, lab.js, style.css, wasm_exec.js, lab.wasm", "serve", "--addr", "127.0.0.1:0", "--dir", t.TempDir())
	})
	t.Run("unknown flag", func(t *testing.T) { usageFails(t, "port", "serve", "--port", "8080") })
}

func TestServePortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	code, out, errs := runCLI("serve", "--addr", addr, "--dir", fakeLab(t))
	if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, addr+" is already in use") {
		t.Errorf("port taken: exit %d, stdout %q, stderr %q; want exit 1 and one line naming %s", code, out, errs, addr)
	}
}

func TestServeLab(t *testing.T) {
	dir := fakeLab(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var out strings.Builder
	go func() { done <- serveLab(ctx, ln, dir, &out) }()
	base := "http://" + ln.Addr().String() + "/"
	for _, c := range []struct{ path, ctype, body string }{
		{"lab.wasm", "application/wasm", "content of lab.wasm"},
		{"lab.js", "text/javascript; charset=utf-8", "content of lab.js"},
		{"", "text/html; charset=utf-8", "content of index.html"},
	} {
		t.Run("/"+c.path, func(t *testing.T) {
			resp, err := http.Get(base + c.path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != c.ctype || string(b) != c.body {
				t.Errorf("GET /%s: %d, Content-Type %q, body %q; want 200, %q, %q", c.path, resp.StatusCode, resp.Header.Get("Content-Type"), b, c.ctype, c.body)
			}
		})
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serveLab did not stop after its context was cancelled")
	}
	if !strings.Contains(out.String(), base) {
		t.Errorf("stdout %q does not name %s", out.String(), base)
	}
}

func TestServeDefaultIsLoopback(t *testing.T) {
	host, _, err := net.SplitHostPort(defaultServeAddr)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		t.Errorf("default address %s is not loopback", defaultServeAddr)
	}
}

func TestWebUsage(t *testing.T) {
	t.Run("no subcommand", func(t *testing.T) { usageFails(t, "subcommand", "web") })
	t.Run("unknown subcommand", func(t *testing.T) { usageFails(t, "frob", "web", "frob") })
	t.Run("no folder", func(t *testing.T) { usageFails(t, "one output folder", "web", "build") })
	t.Run("two folders", func(t *testing.T) { usageFails(t, "one output folder", "web", "build", "a", "b") })
	t.Run("help", func(t *testing.T) {
		code, out, _ := runCLI("web", "-h")
		if code != 0 || !strings.Contains(out, "sqsim web build") {
			t.Errorf("web -h: exit %d, %q", code, out)
		}
	})
}

func TestWebBuildWithoutGo(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no go tool on PATH
	dir := filepath.Join(t.TempDir(), "site")
	code, out, errs := runCLI("web", "build", dir)
	if code != 1 || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "the go tool is not on PATH") {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and one line saying the go tool is not on PATH", code, out, errs)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s was created by a build that could not run", dir)
	}
}

func TestWebBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles sqsim to WebAssembly (tens of seconds)")
	}
	dir := filepath.Join(t.TempDir(), "site")
	code, out, errs := runCLI("web", "build", dir)
	if code != 0 {
		t.Fatalf("web build: exit %d: %s", code, errs)
	}
	if miss := web.Missing(dir); len(miss) > 0 {
		t.Errorf("the built folder lacks %v (stdout %q)", miss, out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "lab.wasm"))
	if err != nil || len(b) < 4 || string(b[:4]) != "\x00asm" {
		t.Errorf("lab.wasm is not a WebAssembly module: %v", err)
	}
}
