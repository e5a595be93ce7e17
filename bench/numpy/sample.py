"""Standard normals: numpy's default generator (PCG64, ziggurat),
rng.standard_normal(n*d) into a preallocated array, one thread (numpy's
generators are single-threaded)."""
from common import parse, time_reps, emit

a = parse("sample")
import numpy as np  # noqa: E402

rng = np.random.default_rng(a.seed)
out = np.empty(a.n * a.d)


def op():
    rng.standard_normal(out=out)


tmin, tmed = time_reps(a.reps, op)
a.threads = 1
emit(np, a, "sample", tmin, tmed)
