"""The exact population gradient's label part E[relu(v.x) 1{w.x>0} x] in
closed form (theory E11), one query at a time:
((pi - theta) v + ||v|| sin(theta) w/||w||) / (2 pi)."""
from common import parse, time_reps, emit, unit

a = parse("exact")
import numpy as np  # noqa: E402

rng = np.random.default_rng(a.seed)
v = unit(np, rng, a.d)
w = unit(np, rng, a.d)
k = max(20, 2000000 // (a.d + 10)) // 10


def relu_step_x(v, w):
    nw = np.sqrt(w @ w)
    nv = np.sqrt(v @ v)
    theta = np.arccos(np.clip((w @ v) / (nw * nv), -1.0, 1.0))
    return ((np.pi - theta) * v + (nv * np.sin(theta) / nw) * w) / (2 * np.pi)


def op():
    for _ in range(k):
        relu_step_x(v, w)


tmin, tmed = time_reps(a.reps, op)
emit(np, a, "exact", tmin / k, tmed / k, queries_per_rep=k)
