"""Read bandwidth as numpy sees it: x.sum() over n*d values (one thread)."""
from common import parse, time_reps, emit

a = parse("stream")
import numpy as np  # noqa: E402

x = np.full(a.n * a.d, 0.5)
tmin, tmed = time_reps(a.reps, lambda: x.sum())
a.threads = 1
emit(np, a, "stream", tmin, tmed)
