"""A batch of m correlational queries (1/n) sum_i y_i relu(W x_i), numpy
chunked: Z = X[chunk] @ W.T, relu in place, y[chunk] @ Z."""
from common import parse, time_reps, emit, unit

a = parse("batch")
import numpy as np  # noqa: E402

rng = np.random.default_rng(a.seed)
X = rng.standard_normal((a.n, a.d))
y = np.maximum(X @ unit(np, rng, a.d), 0)
W = np.stack([unit(np, rng, a.d) for _ in range(a.m)])
WT = np.ascontiguousarray(W.T)
chunk = 8192


def op():
    out = np.zeros(a.m)
    for i in range(0, a.n, chunk):
        Z = X[i:i + chunk] @ WT
        np.maximum(Z, 0, out=Z)
        out += y[i:i + chunk] @ Z
    return out / a.n


tmin, tmed = time_reps(a.reps, op)
emit(np, a, "batch", tmin, tmed, chunk=chunk)
