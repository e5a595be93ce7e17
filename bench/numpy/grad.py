"""Gradient of the ReLU square loss over an n x d pool, as numpy users write it:
z = X@w; r = where(z > 0, z - y, 0); X.T@r/n  (X read twice)."""
from common import parse, time_reps, emit, unit

a = parse("grad")
import numpy as np  # noqa: E402  (after the thread count is set)

rng = np.random.default_rng(a.seed)
X = rng.standard_normal((a.n, a.d))
y = np.maximum(X @ unit(np, rng, a.d), 0)
w = unit(np, rng, a.d)


def op():
    z = X @ w
    r = np.where(z > 0, z - y, 0)
    return X.T @ r / a.n


tmin, tmed = time_reps(a.reps, op)
emit(np, a, "grad", tmin, tmed)
