package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sqsim/sqsim/web"
)

func init() {
	register(&command{name: "serve", summary: "serve the browser lab on loopback (builds it first unless --dir holds a built one)", run: runServe})
}

// defaultServeAddr is loopback only: the lab is for the teacher's machine.
const defaultServeAddr = "127.0.0.1:8080"

func runServe(args []string, stdout, stderr io.Writer) error {
	f := newFlags("serve", "[--addr HOST:PORT] [--dir DIR]", stdout)
	addr := f.String("addr", defaultServeAddr, "address to listen on (loopback by default; port 0 picks a free port)")
	dir := f.String("dir", "", "a lab folder built by sqsim web build (default: build one into a temporary folder first)")
	if err := f.parse(args); err != nil {
		return err
	}
	if f.NArg() != 0 {
		return usagef("serve: unexpected argument %q (flags only: --addr, --dir)", f.Arg(0))
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("serve: --addr %q, want HOST:PORT (e.g. %s)", *addr, defaultServeAddr)
	}
	if *dir != "" {
		if miss := web.Missing(*dir); len(miss) > 0 {
			return usagef("serve: --dir %s is not a built lab folder (missing %s); build it with sqsim web build %s", *dir, strings.Join(miss, ", "), *dir)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("serve: %s is already in use (another server?); choose another port with --addr", *addr)
		}
		return fmt.Errorf("serve: listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintf(stderr, "sqsim serve: listening on %s, which is not loopback: other machines can reach the lab\n", *addr)
	}
	served := *dir
	if served == "" {
		tmp, err := os.MkdirTemp("", "sqsim-lab-")
		if err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		defer os.RemoveAll(tmp)
		fmt.Fprintf(stderr, "sqsim serve: building the lab into %s (GOOS=js GOARCH=wasm go build)...\n", tmp)
		if _, err := web.Build(tmp, ""); err != nil {
			return fmt.Errorf("serve: %w", err)
		}
		served = tmp
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveLab(ctx, ln, served, stdout)
}

// labHandler serves the folder dir, with the MIME type application/wasm
// for .wasm files (which WebAssembly.instantiateStreaming requires).
func labHandler(dir string) http.Handler {
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch filepath.Ext(r.URL.Path) {
		case ".wasm":
			w.Header().Set("Content-Type", "application/wasm")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
}

// serveLab serves dir on ln until ctx is done, after printing the address
// on stdout.
func serveLab(ctx context.Context, ln net.Listener, dir string, stdout io.Writer) error {
	srv := &http.Server{Handler: labHandler(dir), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(stdout, "sqsim serve: the lab is at http://%s/ (serving %s; Ctrl-C stops)\n", ln.Addr(), dir)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(sctx)
	}
}
