"""Compiled loops of the Monte Carlo (numba): columns computed and counted per draw, and the
triangular distribution's inverse CDF.

A Monte Carlo chunk is summarised column by column: each column is a value computed draw by
draw from one or two rows of the chunk's (rows, m) array of model levels, and counted into bins
(`count_into_bins`) or reduced to its extremes (`extremes`). One compiled loop per column does
what numpy needs five or six passes over memory for (compute, scale, shift, truncate, count),
and it runs without the GIL, so threads summarise chunks in parallel.

The values a column can be (`Columns`), with a and b rows of the source:
    VALUE   a                  a level as the model computed it
    GROWTH  (a / b - 1) * 100  year-on-year growth in %, a the year's level, b the year before
    SHARE   a / b * 100        share in %, a a block's level, b the total of the same year
    RATIO   a / b              a level over its base-year level; the CAGR over t years is the
                               increasing function (ratio ** (1 / t) - 1) * 100 of it
                               (`sim.core.model.cagr_from_ratio_pct`),
                               applied by the caller to percentiles and extremes: counting the
                               ratio costs a division where the CAGR costs a power per draw.
GROWTH and SHARE are the formulas of `sim.core.model` (`yoy_into`, `shares_into`) in the same order
of operations, so a column equals the model's row to the last bit; tests/analysis/test_sensitivity.py
checks every column kind against the model's rows.

Bins (as `sim.analysis.montecarlo.quantiles`): bin = floor(value * scale + shift) with shift = 1 - low * scale puts
[low, high) in bins 1 .. bins - 2; below goes to bin 0, at or above high to the last bin. Only
values that fall into those two edge bins update the column's minimum and maximum (all that
reading the percentiles needs); NaN is counted nowhere and flags the column.

`triangular_quantile` is the inverse CDF of the triangular distribution in one pass over memory
where the numpy expression needs nine (most bundled uncertain parameters are
triangular, so this is most of the sampling).

numba is imported with this module: only sampling a triangular distribution and a Monte Carlo of
more than one chunk need it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

__all__ = [
    "VALUE",
    "GROWTH",
    "SHARE",
    "RATIO",
    "Columns",
    "count_into_bins",
    "extremes",
    "triangular_quantile",
]

VALUE, GROWTH, SHARE, RATIO = 0, 1, 2, 3
KIND_NAMES = ("value", "growth", "share", "ratio")


@dataclass(frozen=True)
class Columns:
    """Columns computed from the rows of a (rows, m) array: column c is kind[c] of rows a[c]
    and b[c] (b unused for VALUE). int64 arrays of one length."""

    kind: np.ndarray
    a: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        for name in ("kind", "a", "b"):
            object.__setattr__(self, name, np.ascontiguousarray(getattr(self, name), np.int64))
        if not (self.kind.shape == self.a.shape == self.b.shape) or self.kind.ndim != 1:
            raise ValueError("kind, a and b must be 1-D arrays of one length")
        if np.any((self.kind < VALUE) | (self.kind > RATIO)):
            raise ValueError(f"column kinds are 0..3 ({', '.join(KIND_NAMES)})")

    @classmethod
    def of_rows(cls, rows: np.ndarray) -> Columns:
        """The rows themselves, as VALUE columns."""
        rows = np.asarray(rows, dtype=np.int64)
        return cls(np.full(rows.size, VALUE), rows, rows)

    def __len__(self) -> int:
        return int(self.kind.size)


def _check_source(source: np.ndarray, columns: Columns) -> None:
    if source.dtype != np.float64 or source.ndim != 2 or not source.flags.c_contiguous:
        raise ValueError("source must be a C-contiguous 2-D float64 array (rows, draws)")
    if len(columns) and (
        max(columns.a.max(), columns.b.max()) >= source.shape[0]
        or min(columns.a.min(), columns.b.min()) < 0
    ):
        raise ValueError(f"column rows must lie in 0..{source.shape[0] - 1}")


def count_into_bins(
    source: np.ndarray,
    columns: Columns,
    scale: np.ndarray,
    shift: np.ndarray,
    counts: np.ndarray,
    minimum: np.ndarray,
    maximum: np.ndarray,
    has_nan: np.ndarray,
) -> None:
    """Add the columns' values over the m draws of `source` (rows, m) to `counts` (C, bins),
    int64; lower `minimum` / raise `maximum` (C,) by the values of the two edge bins; set
    has_nan (C,) where a value is NaN. Runs without the GIL."""
    _check_source(source, columns)
    c = len(columns)
    if not (scale.shape == shift.shape == minimum.shape == maximum.shape == has_nan.shape == (c,)):
        raise ValueError("scale, shift, minimum, maximum and has_nan need one value per column")
    if counts.ndim != 2 or counts.shape[0] != c or counts.shape[1] < 3 or counts.dtype != np.int64:
        raise ValueError("counts must be an int64 array (columns, bins) with bins >= 3")
    _count_into_bins(
        source, columns.kind, columns.a, columns.b, scale, shift, counts, minimum, maximum, has_nan
    )


def extremes(source: np.ndarray, columns: Columns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(minimum, maximum, has_nan) of each column over the draws of `source`, NaN left out
    (inf and -inf for a column of NaN only). Runs without the GIL."""
    _check_source(source, columns)
    c = len(columns)
    minimum, maximum = np.full(c, np.inf), np.full(c, -np.inf)
    has_nan = np.zeros(c, dtype=np.bool_)
    _extremes(source, columns.kind, columns.a, columns.b, minimum, maximum, has_nan)
    return minimum, maximum, has_nan


# ----------------------------------------------------------------------------- compiled loops
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
def _count_into_bins(
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
def _extremes(source, kind, a, b, minimum, maximum, has_nan):  # pragma: no cover (compiled)
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


def triangular_quantile(u: np.ndarray, low: float, mode: float, high: float) -> np.ndarray:
    """The values at probabilities u (any shape) of the triangular distribution (low, mode,
    high): low + sqrt(u w (mode - low)) left of the peak, high - sqrt((1 - u) w (high - mode))
    right of it, w = high - low."""
    u = np.asarray(u, dtype=np.float64)
    flat = np.ascontiguousarray(u).reshape(-1)
    out = np.empty_like(flat)
    _triangular_quantile(flat, float(low), float(mode), float(high), out)
    return out.reshape(u.shape)


@njit(nogil=True, cache=True, error_model="numpy")
def _triangular_quantile(u, low, mode, high, out):  # pragma: no cover (compiled)
    width = high - low
    peak = (mode - low) / width
    left_scale, right_scale = width * (mode - low), width * (high - mode)
    for i in range(u.size):
        # both sides computed and one chosen: selects, not a branch that u, being random,
        # would make the processor mispredict half the time (~9 ns a value instead of ~1)
        left = u[i] < peak
        root = np.sqrt(u[i] * left_scale if left else (1.0 - u[i]) * right_scale)
        out[i] = low + root if left else high - root
