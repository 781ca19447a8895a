"""Streaming percentiles of many columns with fixed-width bins, in bounded memory.

Ten million draws of every series and year do not fit in memory, and exact percentiles of 200
columns of a million values each cost seconds (`numpy.percentile` ~ 40 ms per column). The
Monte Carlo therefore counts each column's values into fixed-width bins, chunk by chunk, and
reads the percentiles off the cumulative counts.

Layout of one column's `bins` counters:
    bin 0             values below `low` (underflow)
    bins 1..bins - 2  [low, high) in equal widths w = (high - low) / (bins - 2)
    bin bins - 1      values at or above `high` (overflow)

Accuracy. `numpy.percentile`'s default ("linear") method interpolates between two adjacent
order statistics. Each of them is estimated at the position of its rank inside the bin that
holds it, spreading the bin's values evenly, so each estimate is within one bin width w of the
true order statistic, and so is their interpolation: the error is at most w. With the range set
from a pilot of the draws, 4096 bins make w about range / 4000: e.g. 0.0004 points for a total
CAGR spanning 1.5 points. When an order statistic falls into the under- or overflow bin its
estimate is the column's exact minimum or maximum; it is flagged as unreliable unless that edge
bin is narrower than w, and the caller then counts again over the exact range.

The same rule as numpy's default (h = (n - 1) p / 100) defines the exact value tests compare with.

Counting is one compiled loop per column (`sim.analysis.montecarlo.kernels.count_into_bins`), which also computes
the column's values from model levels when asked (growth, shares, ratios: `sim.analysis.montecarlo.kernels.Columns`)
and runs without the GIL, so accumulators in several threads count in parallel; on small work its
numpy twin counts the same (`kernels.use_compiled`). A column counted
as a ratio whose percentiles are wanted as a function of it (a CAGR) is read through that
increasing function (`percentiles(transform=...)`), with the bin width carried through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.analysis.montecarlo.kernels import Columns, count_into_bins

__all__ = ["BinnedPercentiles", "DEFAULT_BINS", "Estimate"]

DEFAULT_BINS = 4096
"""Counters per column: an error bound of about range / 4000."""

ROUNDING_ULPS = 32
"""No bound is smaller than this many units in the last place of the column's values."""

Transform = Callable[[np.ndarray], np.ndarray]
"""An increasing function applied column by column to (C,) values of all columns."""


@dataclass(frozen=True)
class Estimate:
    """Percentiles read off the bins.

    values:   (C, P) estimated percentiles (NaN for a column that held a NaN).
    reliable: (C, P) False where an order statistic fell into an under- or overflow bin wider
              than a regular bin (the bound does not hold there; count again over the exact range).
    bound:    (C,) largest possible error of any of the column's percentiles: one bin width, or,
              through a transform, the largest change of the transform between each estimated
              order statistic and either end of the range that holds the true one (its bin; NaN
              for a column that held a NaN, or where the transform is undefined on that range,
              which is then flagged unreliable too).
    """

    values: np.ndarray
    reliable: np.ndarray
    bound: np.ndarray


class BinnedPercentiles:
    """An accumulator of per-column bin counts (mutable; one per worker, merged at the end).

    low, high: (C,) range of the regular bins of each column (finite; a column whose range is a
               single value gets a tiny range around it).
    bins:      counters per column, including the under- and overflow bins (>= 3).
    rows:      (C,) indices of the rows of the arrays passed to `add` that are this
               accumulator's columns (default: every row, in order), or
    columns:   the columns as values computed from those rows (`sim.analysis.montecarlo.kernels.Columns`).
    compiled:  count with the compiled loop (True) or its numpy twin (False), the same counts;
               None: decided by the size of each chunk (`kernels.use_compiled`).
    """

    def __init__(
        self,
        low: np.ndarray,
        high: np.ndarray,
        bins: int = DEFAULT_BINS,
        rows: np.ndarray | None = None,
        columns: Columns | None = None,
        compiled: bool | None = None,
    ):
        if bins < 3:
            raise ValueError("need at least 3 bins: underflow, one regular bin, overflow")
        low = np.asarray(low, dtype=float)
        high = np.asarray(high, dtype=float)
        if low.shape != high.shape or low.ndim != 1:
            raise ValueError("low and high must be 1-D arrays of the same length")
        if not (np.all(np.isfinite(low)) and np.all(np.isfinite(high))):
            raise ValueError("low and high must be finite")
        pad = np.maximum(np.abs(low), 1.0) * 1e-12
        high = np.where(high - low < pad, low + pad, high)
        self.low, self.high, self.bins = low, high, bins
        self.width = (high - low) / (bins - 2)
        self._scale = 1.0 / self.width
        self._shift = 1.0 - low / self.width  # bin = floor(x * scale + shift)
        self.counts = np.zeros((low.size, bins), dtype=np.int64)
        self.has_nan = np.zeros(low.size, dtype=bool)
        self.minimum = np.full(low.size, np.inf)  # of the values in the underflow bin
        self.maximum = np.full(low.size, -np.inf)  # of the values in the overflow bin
        self.n = 0
        self.compiled = compiled
        if columns is None:
            columns = Columns.of_rows(np.arange(low.size) if rows is None else rows)
        if len(columns) != low.size:
            raise ValueError("need one column per range")
        self.columns = columns

    def add(self, source: np.ndarray) -> None:
        """Count the values of one chunk of draws: the columns computed from source (R, m),
        which is not modified."""
        source = np.ascontiguousarray(source, dtype=np.float64)
        count_into_bins(
            source,
            self.columns,
            self._scale,
            self._shift,
            self.counts,
            self.minimum,
            self.maximum,
            self.has_nan,
            self.compiled,
        )
        self.n += source.shape[1]

    def merge(self, other: BinnedPercentiles) -> None:
        """Add another accumulator over the same bins (another worker's chunks)."""
        if other.counts.shape != self.counts.shape:
            raise ValueError("cannot merge accumulators with different bins")
        self.counts += other.counts
        self.has_nan |= other.has_nan
        np.minimum(self.minimum, other.minimum, out=self.minimum)
        np.maximum(self.maximum, other.maximum, out=self.maximum)
        self.n += other.n

    def percentiles(
        self, ps: np.ndarray | Sequence[float], transform: Transform | None = None
    ) -> Estimate:
        """Percentiles ps (in %) of every column, of transform(values) if given.

        numpy's default percentile is x_k + f (x_k+1 - x_k), with k + f = (n - 1) p / 100 and
        x_k the k-th smallest value. Each order statistic is estimated inside its bin (evenly
        spread), and the two estimates are interpolated the same way: each is off by at most
        one bin width, so their weighted mean is too. With a transform, the order statistics
        are transformed before they are interpolated, as numpy would see the transformed values,
        and each is off by at most the transform's change over one bin width around it.
        """
        ps = np.asarray(ps, dtype=float)
        c = self.counts.shape[0]
        values = np.full((c, ps.size), np.nan)
        reliable = np.ones((c, ps.size), dtype=bool)
        bound = np.where(self.has_nan, np.nan, self.width)
        if self.n == 0:
            return Estimate(values, reliable, bound)
        if transform is not None:
            bound = np.zeros(c)
            unbounded = np.zeros(c, dtype=bool)
        cumulative = np.cumsum(self.counts, axis=1)
        # (columns that held a NaN may divide by a zero count here: they are overwritten below)
        with np.errstate(invalid="ignore", divide="ignore"):
            for j, p in enumerate(ps):
                h = (self.n - 1) * p / 100.0
                k = np.floor(h)
                lower, ok_lower, lower_range = self._order_statistic(cumulative, k)
                upper, ok_upper, upper_range = self._order_statistic(
                    cumulative, min(k + 1, self.n - 1)
                )
                if transform is not None:
                    for x, (low, high) in ((lower, lower_range), (upper, upper_range)):
                        fx = transform(x)
                        step = np.maximum(transform(high) - fx, fx - transform(low))
                        unbounded |= np.isnan(step)  # the transform is undefined there
                        bound = np.fmax(bound, step)
                    lower, upper = transform(lower), transform(upper)
                values[:, j] = lower + (h - k) * (upper - lower)
                reliable[:, j] = ok_lower & ok_upper
        if transform is not None:
            reliable[unbounded] = False
            bound[unbounded] = np.nan
        # bins narrower than the numbers' own rounding: the bound is at least a few units in the
        # last place of the values (the arithmetic above rounds at that scale)
        with np.errstate(invalid="ignore"):
            rounding = ROUNDING_ULPS * np.spacing(np.abs(values).max(axis=1))
            bound = np.where(np.isnan(bound), bound, np.maximum(bound, rounding))
        values[self.has_nan] = np.nan
        reliable[self.has_nan] = True
        bound[self.has_nan] = np.nan
        return Estimate(values, reliable, bound)

    def _order_statistic(
        self, cumulative: np.ndarray, k: float
    ) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
        """Estimate of the k-th smallest value (0-based) of each column, whether it is within
        one bin width, and the range (low, high) that holds the true value: its bin, or from
        the exact minimum to `low` (underflow), or from `high` to the exact maximum (overflow)."""
        rows = np.arange(self.counts.shape[0])
        b = np.argmax(cumulative > k, axis=1)  # the bin holding it
        before = np.where(b > 0, cumulative[rows, np.maximum(b - 1, 0)], 0)
        position = (k - before + 0.5) / self.counts[rows, b]
        edge = self.low + (b - 1) * self.width
        inside = edge + position * self.width
        under, over = b == 0, b == self.bins - 1
        value = np.where(under, self.minimum, np.where(over, self.maximum, inside))
        wide_under = under & (self.minimum < self.low - self.width)
        wide_over = over & (self.maximum > self.high + self.width)
        low = np.where(under, self.minimum, np.where(over, self.high, edge))
        high = np.where(under, self.low, np.where(over, self.maximum, edge + self.width))
        return value, ~wide_under & ~wide_over, (low, high)
