"""The compiled (numba) loops of `sim.analysis.montecarlo.kernels`, loaded only when they pay.

Importing this module imports numba, and the first call of each loop in a process loads its
machine code from the cache next to this file (or compiles it, about a second, on the first run
on a machine): together ~0.5-1 s in a fresh interpreter, measured in benchmarks/RESULTS.md
("numba only where it pays"). `sim.analysis.montecarlo.kernels` decides when to use these
loops and holds their numpy twins, which give the same results (tested bit for bit); call the
loops through it, not directly: it checks the arguments.
"""

from __future__ import annotations

import numpy as np
from numba import njit

VALUE, GROWTH, SHARE = 0, 1, 2
"""The column kinds of `kernels.Columns` (RATIO, 3, is the remaining case): repeated here, as
kernels loads this module (tested equal)."""

# cache=True keeps the machine code next to this file (__pycache__), so only the first run on a
# machine compiles (about a second); fastmath stays off: the values must be the model's.
# error_model="numpy": x / 0 gives inf or NaN as in numpy (and the model), where Python's rule
# would raise ZeroDivisionError; it also lets the division be vectorised (measured: counting a
# chunk ~12 % faster).


@njit(nogil=True, cache=True, inline="always", error_model="numpy")
def _value(source, kind, a, b, i):  # pragma: no cover (compiled)
    x = source[a, i]
    if kind == VALUE:
        return x
    y = source[b, i]
    if kind == GROWTH:
        return (x / y - 1.0) * 100.0
    if kind == SHARE:
        return x / y * 100.0
    return x / y


@njit(nogil=True, cache=True, error_model="numpy")
def count_into_bins(
    source, kind, a, b, scale, shift, counts, minimum, maximum, has_nan
):  # pragma: no cover (compiled)
    m = source.shape[1]
    top = counts.shape[1] - 1
    for c in range(kind.size):
        k, ra, rb = kind[c], a[c], b[c]
        sc, sh = scale[c], shift[c]
        bins = counts[c]
        low, high, nan = minimum[c], maximum[c], False
        for i in range(m):
            v = _value(source, k, ra, rb, i)
            f = v * sc + sh
            if f >= 1.0 and f < top:
                bins[int(f)] += 1
            elif f < 1.0:
                bins[0] += 1
                low = min(low, v)
            elif f >= top:
                bins[top] += 1
                high = max(high, v)
            else:  # NaN
                nan = True
        minimum[c], maximum[c] = low, high
        if nan:
            has_nan[c] = True


@njit(nogil=True, cache=True, error_model="numpy")
def extremes(source, kind, a, b, minimum, maximum, has_nan):  # pragma: no cover (compiled)
    m = source.shape[1]
    for c in range(kind.size):
        k, ra, rb = kind[c], a[c], b[c]
        low, high, nan = minimum[c], maximum[c], False
        for i in range(m):
            v = _value(source, k, ra, rb, i)
            if v < low:
                low = v
            if v > high:
                high = v
            if v != v:
                nan = True
        minimum[c], maximum[c] = low, high
        if nan:
            has_nan[c] = True


@njit(nogil=True, cache=True, error_model="numpy")
def triangular_quantile(u, low, mode, high, out):  # pragma: no cover (compiled)
    width = high - low
    peak = (mode - low) / width
    left_scale, right_scale = width * (mode - low), width * (high - mode)
    for i in range(u.size):
        # both sides computed and one chosen: selects, not a branch that u, being random,
        # would make the processor mispredict half the time (~9 ns a value instead of ~1)
        left = u[i] < peak
        root = np.sqrt(u[i] * left_scale if left else (1.0 - u[i]) * right_scale)
        out[i] = low + root if left else high - root
