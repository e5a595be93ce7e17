package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/sqsim/sqsim/web"
)

func init() {
	register(&command{name: "web", summary: "build the browser lab (sqsim in WebAssembly) as a static folder: sqsim web build DIR", run: runWeb})
}

func runWeb(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usagef("web: want a subcommand: sqsim web build DIR")
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(stdout, "usage: sqsim web build [--src DIR] DIR\n\nbuild the browser lab into DIR: index.html, lab.js, style.css, wasm_exec.js and lab.wasm\n(compiled with GOOS=js GOARCH=wasm by the go tool on PATH, inside the sqsim source tree).\nServe DIR with sqsim serve --dir DIR, or put it on any static host.\n\nexample:\n  sqsim web build site && sqsim serve --dir site")
		return nil
	}
	if args[0] != "build" {
		return usagef("web: unknown subcommand %q, want build", args[0])
	}
	f := newFlags("web build", "[--src DIR] DIR", stdout)
	src := f.String("src", "", "the sqsim source tree to compile (default: the working directory)")
	// DIR is the one argument that is neither a flag nor the value of --src
	// (flags may come before or after it).
	var flagArgs, dirs []string
	rest := args[1:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		switch {
		case a == "--src" || a == "-src":
			flagArgs = append(flagArgs, a)
			if i+1 < len(rest) {
				i++
				flagArgs = append(flagArgs, rest[i])
			}
		case strings.HasPrefix(a, "-") && a != "-":
			flagArgs = append(flagArgs, a)
		default:
			dirs = append(dirs, a)
		}
	}
	if err := f.parse(flagArgs); err != nil {
		return err
	}
	if len(dirs) != 1 {
		return usagef("web build: want one output folder DIR, got %d (%s)", len(dirs), strings.Join(dirs, " "))
	}
	dir := dirs[0]
	if dir == "" {
		return usagef("web build: the output folder is empty, want a path")
	}
	size, err := web.Build(dir, *src)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "sqsim web build: wrote %s (lab.wasm %d bytes); serve it with sqsim serve --dir %s\n", dir, size, dir)
	return nil
}
