// Package web builds the browser lab: the static page (embedded here) and
// sqsim compiled to WebAssembly (web/wasm), written together as a static
// folder that any static host can serve (sqsim web build DIR, sqsim serve).
package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// ErrBuild is the sentinel of a lab build that cannot be done (no go tool,
// no sqsim source, a failing compile); test with errors.Is.
var ErrBuild = errors.New("web build")

//go:embed static
var static embed.FS

// Static is the page: index.html, lab.js and style.css.
func Static() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree always has static/
	}
	return sub
}

// WasmPackage is the import path of the WebAssembly entry point.
const WasmPackage = "github.com/sqsim/sqsim/web/wasm"

// Files are the files of a built lab folder.
var Files = []string{"index.html", "lab.js", "style.css", "wasm_exec.js", "lab.wasm"}

// Build writes the lab into dir (created if missing): the static page,
// wasm_exec.js from the Go installation and lab.wasm, compiled with the go
// tool found on PATH (GOOS=js GOARCH=wasm) from the sqsim source tree that
// contains src (the working directory when src is ""). It returns the size
// of lab.wasm in bytes.
func Build(dir, src string) (int64, error) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return 0, fmt.Errorf("%w: the go tool is not on PATH (the lab is compiled with GOOS=js GOARCH=wasm go build; install Go 1.26 or later)", ErrBuild)
	}
	if src == "" {
		if src, err = os.Getwd(); err != nil {
			return 0, fmt.Errorf("%w: %w", ErrBuild, err)
		}
	}
	pkgDir, err := goOutput(goBin, src, []string{"GOOS=js", "GOARCH=wasm"}, "list", "-f", "{{.Dir}}", WasmPackage)
	if err != nil {
		return 0, fmt.Errorf("%w: the lab's source %s is not found from %s (run sqsim web build inside the sqsim source tree): %v", ErrBuild, WasmPackage, src, err)
	}
	goroot, err := goOutput(goBin, src, nil, "env", "GOROOT")
	if err != nil {
		return 0, fmt.Errorf("%w: go env GOROOT: %v", ErrBuild, err)
	}
	var execJS []byte
	for _, p := range []string{filepath.Join(goroot, "lib", "wasm", "wasm_exec.js"), filepath.Join(goroot, "misc", "wasm", "wasm_exec.js")} {
		if execJS, err = os.ReadFile(p); err == nil {
			break
		}
	}
	if execJS == nil {
		return 0, fmt.Errorf("%w: wasm_exec.js is in neither lib/wasm nor misc/wasm of GOROOT %s", ErrBuild, goroot)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	wasm := filepath.Join(abs, "lab.wasm")
	tmp := wasm + ".tmp"
	if _, err := goOutput(goBin, pkgDir, []string{"GOOS=js", "GOARCH=wasm"}, "build", "-trimpath", "-o", tmp, "."); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("%w: GOOS=js GOARCH=wasm go build %s: %v", ErrBuild, WasmPackage, err)
	}
	if err := os.Rename(tmp, wasm); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	if err := os.WriteFile(filepath.Join(abs, "wasm_exec.js"), execJS, 0o644); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	if err := WriteStatic(abs); err != nil {
		return 0, err
	}
	st, err := os.Stat(wasm)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBuild, err)
	}
	return st.Size(), nil
}

// WriteStatic writes the embedded page (index.html, lab.js, style.css)
// into dir.
func WriteStatic(dir string) error {
	return fs.WalkDir(Static(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(Static(), p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), b, 0o644); err != nil {
			return fmt.Errorf("%w: %w", ErrBuild, err)
		}
		return nil
	})
}

// Missing returns the files of a lab folder that dir lacks.
func Missing(dir string) []string {
	var miss []string
	for _, f := range Files {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.IsDir() {
			miss = append(miss, f)
		}
	}
	return miss
}

func goOutput(goBin, dir string, env []string, args ...string) (string, error) {
	cmd := exec.Command(goBin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errb.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", errors.New(strings.ReplaceAll(msg, "\n", "; "))
	}
	return strings.TrimSpace(out.String()), nil
}
