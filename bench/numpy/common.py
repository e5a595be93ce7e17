"""Shared helpers of the numpy peers of `sqsim bench` (bench/numpy/numpy.go).

Every script takes --n --d --m --threads --reps --seed, sets the BLAS thread
count before numpy is imported, times one operation --reps times after a
warm-up run, and prints one JSON object: workload, n, d, m, threads, reps,
seconds_min, seconds_median, numpy and BLAS versions.
"""
import argparse
import json
import os
import sys
import time


def parse(workload):
    p = argparse.ArgumentParser(description="numpy peer of `sqsim bench --workload %s`" % workload)
    p.add_argument("--n", type=int, default=1000000)
    p.add_argument("--d", type=int, default=100)
    p.add_argument("--m", type=int, default=64)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[k] = str(a.threads)
    return a


def time_reps(reps, op):
    op()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter()
        op()
        ts.append(time.perf_counter() - t0)
    ts.sort()
    k = len(ts) // 2
    med = ts[k] if len(ts) % 2 else (ts[k - 1] + ts[k]) / 2
    return ts[0], med


def blas_name(np):
    """The BLAS library numpy loaded, from /proc/self/maps (Linux), else numpy's config."""
    np.ones((2, 2)) @ np.ones((2, 2))
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1] for line in f if "blas" in line or "mkl" in line}
        for lib in sorted(libs):
            name = os.path.realpath(lib)
            if "openblas" in name or "mkl" in name or "blis" in name:
                return os.path.basename(name) + " (" + os.path.basename(os.path.dirname(name)) + ")"
        if libs:
            return os.path.basename(os.path.realpath(sorted(libs)[0]))
    except OSError:
        pass
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except Exception:
        return "unknown"


def emit(np, a, workload, tmin, tmed, **extra):
    out = {"workload": workload, "n": a.n, "d": a.d, "m": a.m if workload == "batch" else 0,
           "threads": a.threads, "reps": a.reps, "seconds_min": tmin, "seconds_median": tmed,
           "numpy": np.__version__, "blas": blas_name(np), "python": sys.version.split()[0]}
    out.update(extra)
    print(json.dumps(out))


def unit(np, rng, d):
    w = rng.standard_normal(d)
    return w / np.linalg.norm(w)
