package perf

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sqsim/sqsim/bench/numpy"
)

// ErrNoNumpy: no python3 with numpy was found.
var ErrNoNumpy = errors.New("perf: no python3 with numpy (run bench/numpy/install-numpy.sh)")

// systemPython is Debian's interpreter, where python3-numpy installs.
const systemPython = "/usr/bin/python3"

// FindNumpy returns a python interpreter that imports numpy: /usr/bin/python3
// when it has numpy (Debian's python3-numpy installs there), else the
// python3 on PATH; ErrNoNumpy when neither has it.
func FindNumpy() (string, error) {
	cands := []string{systemPython}
	if p, err := exec.LookPath("python3"); err == nil && p != systemPython {
		cands = append(cands, p)
	}
	for _, p := range cands {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := exec.CommandContext(ctx, p, "-c", "import numpy").Run()
		cancel()
		if err == nil {
			return p, nil
		}
	}
	return "", ErrNoNumpy
}

// NumpyResult is the measurement of a numpy script.
type NumpyResult struct {
	Workload      string  `json:"workload"`
	N             int     `json:"n"`
	D             int     `json:"d"`
	M             int     `json:"m"`
	Threads       int     `json:"threads"`
	Reps          int     `json:"reps"`
	SecondsMin    float64 `json:"seconds_min"`
	SecondsMedian float64 `json:"seconds_median"`
	Numpy         string  `json:"numpy"`
	BLAS          string  `json:"blas"`
	Python        string  `json:"python"`
}

// RunNumpy runs the numpy peer of cfg with the interpreter python, with the
// BLAS thread count set to cfg.Threads (numpy's random generators and
// reductions are single-threaded whatever it is).
func RunNumpy(cfg Config, python string) (NumpyResult, error) {
	if err := cfg.Check(); err != nil {
		return NumpyResult{}, err
	}
	files, err := numpy.Scripts(cfg.Workload)
	if err != nil {
		return NumpyResult{}, err
	}
	dir, err := os.MkdirTemp("", "sqsim-numpy-")
	if err != nil {
		return NumpyResult{}, err
	}
	defer os.RemoveAll(dir)
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return NumpyResult{}, err
		}
	}
	n := cfg.N
	if cfg.Workload == "exact" {
		n = 1
	}
	args := []string{filepath.Join(dir, cfg.Workload+".py"),
		"--n", strconv.Itoa(n), "--d", strconv.Itoa(cfg.D), "--m", strconv.Itoa(max(cfg.M, 1)),
		"--threads", strconv.Itoa(cfg.Threads), "--reps", strconv.Itoa(cfg.Reps), "--seed", strconv.FormatUint(cfg.Seed, 10)}
	cmd := exec.Command(python, args...)
	t := strconv.Itoa(cfg.Threads)
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS="+t, "OMP_NUM_THREADS="+t, "MKL_NUM_THREADS="+t, "BLIS_NUM_THREADS="+t)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return NumpyResult{}, fmt.Errorf("perf: numpy %s: %v: %s", cfg.Workload, err, strings.TrimSpace(lastLine(stderr.String())))
	}
	var r NumpyResult
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &r); err != nil {
		return NumpyResult{}, fmt.Errorf("perf: numpy %s printed %q: %v", cfg.Workload, stdout.String(), err)
	}
	return r, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
