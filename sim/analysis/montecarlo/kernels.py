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

Two ways to the same numbers. Each loop has a numpy twin here, and the compiled loop lives in
`sim.analysis.montecarlo.compiled`, which imports numba. Loading numba and its cached machine
code costs ~0.5-1 s in a fresh interpreter, more than the loops save on small work (a Monte Carlo
of 10,000 draws is one chunk: only its sampling would use them), so `use_compiled` picks numpy
below COMPILED_FROM values of work (draws x rows, or values of u) and the compiled loops
above it, or whenever numba is loaded already. The twins compute the same expressions in the
same order with the same IEEE operations (no fastmath, no fused multiply-add), so counts,
extremes and quantiles are the same to the last bit either way (tested on both paths).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from types import ModuleType

import numpy as np

__all__ = [
    "VALUE",
    "GROWTH",
    "SHARE",
    "RATIO",
    "Columns",
    "count_into_bins",
    "extremes",
    "triangular_quantile",
    "column_values",
    "use_compiled",
    "COMPILED_FROM",
]

VALUE, GROWTH, SHARE, RATIO = 0, 1, 2, 3
KIND_NAMES = ("value", "growth", "share", "ratio")

COMPILED_FROM = 150_000_000
"""Values of work (a Monte Carlo: draws x result rows; the triangular inverse CDF: values of u)
from which loading numba pays. Measured (benchmarks/bench_numba_threshold.py, RESULTS.md):
numba's import and the first call of its loops cost ~0.6-1.5 s in a fresh interpreter; the numpy
twins cost ~10 ns more a value counted (~1.3 us a draw of the baseline), and a fresh
interpreter's Monte Carlo of the baseline (222 rows) was faster on numpy up to 700,000 draws and
on numba from 1,000,000: 150e6 is ~680,000 draws of it. The default 10,000 draws are far below,
10^6 draws above (unchanged: compiled)."""

_COMPILED = "sim.analysis.montecarlo.compiled"
_BATCH = 1 << 16
"""Values per numpy pass: the twins work in blocks of about this many values (512 kB), which
stay in the cache and bound the memory (measured: 2^16 values ~2.5 times faster than 2^20,
whose temporaries each cost fresh pages)."""


def use_compiled(work: int) -> bool:
    """Whether the compiled loops pay for `work` values: at or above COMPILED_FROM, or at any
    size once numba is loaded (its cost is paid; the loops are then always the faster)."""
    return work >= COMPILED_FROM or _COMPILED in sys.modules


def _compiled() -> ModuleType:
    from sim.analysis.montecarlo import compiled  # lazily: imports numba (~0.5-1 s)

    return compiled


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
    compiled: bool | None = None,
) -> None:
    """Add the columns' values over the m draws of `source` (rows, m) to `counts` (C, bins),
    int64; lower `minimum` / raise `maximum` (C,) by the values of the two edge bins; set
    has_nan (C,) where a value is NaN. compiled: the numba loop (runs without the GIL) or its
    numpy twin (the same counts); None: `use_compiled(C x m)`."""
    _check_source(source, columns)
    c = len(columns)
    if not (scale.shape == shift.shape == minimum.shape == maximum.shape == has_nan.shape == (c,)):
        raise ValueError("scale, shift, minimum, maximum and has_nan need one value per column")
    if counts.ndim != 2 or counts.shape[0] != c or counts.shape[1] < 3 or counts.dtype != np.int64:
        raise ValueError("counts must be an int64 array (columns, bins) with bins >= 3")
    if use_compiled(c * source.shape[1]) if compiled is None else compiled:
        _compiled().count_into_bins(
            source,
            columns.kind,
            columns.a,
            columns.b,
            scale,
            shift,
            counts,
            minimum,
            maximum,
            has_nan,
        )
        return
    for block in _blocks(columns, max(source.shape[1], counts.shape[1])):
        _count_numpy(source, columns, block, scale, shift, counts, minimum, maximum, has_nan)


def extremes(
    source: np.ndarray, columns: Columns, compiled: bool | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(minimum, maximum, has_nan) of each column over the draws of `source`, NaN left out
    (inf and -inf for a column of NaN only). compiled: the numba loop (runs without the GIL) or
    its numpy twin; None: `use_compiled(C x m)`."""
    _check_source(source, columns)
    c = len(columns)
    minimum, maximum = np.full(c, np.inf), np.full(c, -np.inf)
    has_nan = np.zeros(c, dtype=np.bool_)
    if use_compiled(c * source.shape[1]) if compiled is None else compiled:
        _compiled().extremes(source, columns.kind, columns.a, columns.b, minimum, maximum, has_nan)
        return minimum, maximum, has_nan
    for block in _blocks(columns, source.shape[1]):
        values = column_values(source, columns, block)
        # fmin / fmax leave NaN out, as the compiled loop's comparisons do
        minimum[block] = np.fmin(minimum[block], np.fmin.reduce(values, axis=1))
        maximum[block] = np.fmax(maximum[block], np.fmax.reduce(values, axis=1))
        has_nan[block] = np.isnan(values).any(axis=1)
    return minimum, maximum, has_nan


def triangular_quantile(
    u: np.ndarray, low: float, mode: float, high: float, compiled: bool | None = None
) -> np.ndarray:
    """The values at probabilities u (any shape) of the triangular distribution (low, mode,
    high): low + sqrt(u w (mode - low)) left of the peak, high - sqrt((1 - u) w (high - mode))
    right of it, w = high - low. compiled: the numba loop or the numpy twin (the same values);
    None: `use_compiled(u.size)`."""
    u = np.asarray(u, dtype=np.float64)
    flat = np.ascontiguousarray(u).reshape(-1)
    low, mode, high = float(low), float(mode), float(high)
    if use_compiled(flat.size) if compiled is None else compiled:
        out = np.empty_like(flat)
        _compiled().triangular_quantile(flat, low, mode, high, out)
        return out.reshape(u.shape)
    width = high - low  # the compiled loop's expressions, in its order
    peak = (mode - low) / width
    left_scale, right_scale = width * (mode - low), width * (high - mode)
    out = np.empty_like(flat)
    for start in range(0, flat.size, _BATCH):  # blocks that stay in the cache
        x = flat[start : start + _BATCH]
        left = x < peak
        root = np.sqrt(np.where(left, x * left_scale, (1.0 - x) * right_scale))
        np.copyto(out[start : start + _BATCH], np.where(left, low + root, high - root))
    return out.reshape(u.shape)


# ----------------------------------------------------------------------------- numpy twins


def _blocks(columns: Columns, width: int) -> list[slice]:
    """The columns in blocks of about _BATCH values, `width` values a column (its draws, or its
    bins when they are more)."""
    step = max(1, _BATCH // max(width, 1))
    return [slice(i, i + step) for i in range(0, len(columns), step)]


def column_values(source: np.ndarray, columns: Columns, block: slice = slice(None)) -> np.ndarray:
    """(C, m) values of the columns (or of a block of them) over the draws of `source` (rows,
    m), with numpy: value a; growth (a / b - 1) * 100; share a / b * 100; ratio a / b; the
    compiled loop's expressions (`compiled._value`), so the same numbers. Each kind is computed
    only for its own columns."""
    kind, a_rows, b_rows = columns.kind[block], columns.a[block], columns.b[block]
    out = np.empty((kind.size, source.shape[1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in np.unique(kind).tolist():
            which = np.flatnonzero(kind == k)
            a = source[a_rows[which]]
            if k == VALUE:
                out[which] = a
                continue
            ratio = np.divide(a, source[b_rows[which]], out=a)
            if k == GROWTH:
                out[which] = (ratio - 1.0) * 100.0
            elif k == SHARE:
                out[which] = ratio * 100.0
            else:
                out[which] = ratio
    return out


def _count_numpy(
    source: np.ndarray,
    columns: Columns,
    block: slice,
    scale: np.ndarray,
    shift: np.ndarray,
    counts: np.ndarray,
    minimum: np.ndarray,
    maximum: np.ndarray,
    has_nan: np.ndarray,
) -> None:
    """The numpy twin of the compiled `count_into_bins`, on one block of columns: bin =
    floor(v scale + shift) in 1 .. bins - 2, below to bin 0 and at or above to the last bin
    (with the column's minimum / maximum), NaN counted nowhere and flagged."""
    values = column_values(source, columns, block)
    f = values * scale[block, None]
    f += shift[block, None]  # v * scale + shift, rounded after each operation as compiled
    top = counts.shape[1] - 1
    # below 1 -> bin 0 and at or above top -> top; in between, truncation is floor (f >= 1),
    # as int() in the compiled loop
    clipped = np.clip(f, 0.0, float(top))
    nan = np.isnan(clipped)
    any_nan = bool(nan.any())
    if any_nan:
        clipped[nan] = 0.0
    index = clipped.astype(np.int64)
    index += (np.arange(index.shape[0]) * counts.shape[1])[:, None]
    size = index.shape[0] * counts.shape[1]
    flat = np.bincount(index[~nan] if any_nan else index.reshape(-1), minlength=size)
    counts[block] += flat.reshape(index.shape[0], counts.shape[1])
    with np.errstate(invalid="ignore"):
        below, above = f < 1.0, f >= top
    low = values.min(axis=1, initial=np.inf, where=below)
    high = values.max(axis=1, initial=-np.inf, where=above)
    minimum[block] = np.minimum(minimum[block], low)
    maximum[block] = np.maximum(maximum[block], high)
    has_nan[block] |= nan.any(axis=1)
