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
The steps here are numpy loops that release the GIL, so accumulators in several threads run in
parallel, except for part of each `np.bincount` (measured: two threads counting give 1.1-1.3
times one), which limits the Monte Carlo's gain from a second core.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BinnedPercentiles", "DEFAULT_BINS", "GROUP_VALUES"]

DEFAULT_BINS = 4096
"""Counters per column: an error bound of about range / 4000."""

GROUP_VALUES = 262144
"""Values counted together: as many columns as make this many values (8 columns of a chunk of
32768 draws; working arrays of 2 MB). Measured: 2 columns at a time fit a core's cache and are
5-10 % faster on one thread, but with a thread per core 8 are faster: fewer, longer numpy calls
wait less for the GIL (np.bincount holds it for part of its run)."""


EXACT_INT = 2.0**52
"""Floats below this in size convert to int64 exactly."""


class BinnedPercentiles:
    """An accumulator of per-column bin counts (mutable; one per worker, merged at the end).

    low, high: (C,) range of the regular bins of each column (finite; a column whose range is a
               single value gets a tiny range around it).
    bins:      counters per column, including the under- and overflow bins (>= 3).
    rows:      (C,) increasing indices of the rows of the arrays passed to `add` that are this
               accumulator's columns (default: every row, in order).
    """

    def __init__(
        self,
        low: np.ndarray,
        high: np.ndarray,
        bins: int = DEFAULT_BINS,
        rows: np.ndarray | None = None,
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
        self.minimum = np.full(low.size, np.inf)
        self.maximum = np.full(low.size, -np.inf)
        self.n = 0
        self._buffer: np.ndarray | None = None
        self._index: np.ndarray | None = None
        self.rows = np.arange(low.size) if rows is None else np.asarray(rows, dtype=np.intp)
        if self.rows.shape != low.shape or np.any(np.diff(self.rows) <= 0):
            raise ValueError("rows must be increasing indices, one per column")
        self._groups: list[tuple[int, int, int]] = []

    @property
    def columns(self) -> int:
        return self.low.size

    def add(self, source: np.ndarray) -> None:
        """Count the values of one chunk of draws: source (R, m), of which the accumulator's
        `rows` are its columns. `source` is not modified. Runs of consecutive rows are counted
        GROUP_VALUES / m at a time, as views.

        Each group costs a few long numpy calls and as few short ones as can be: with several
        threads, every numpy call hands the GIL over, and short calls then spend more time
        waiting for it than working (the per-column bookkeeping is done once per chunk)."""
        m = source.shape[1]
        if self._buffer is None or self._buffer.shape[1] != m:
            self._prepare_groups(m)
        assert self._buffer is not None and self._index is not None
        lowest, highest = np.empty(self.columns), np.empty(self.columns)
        for first, cols, scale, shift, low, high in self._groups:
            x = source[first : first + cols.stop - cols.start]
            n = x.shape[0]
            y, index = self._buffer[:n], self._index[:n]
            lo = x.min(axis=1, out=lowest[cols])  # NaN propagates here
            hi = x.max(axis=1, out=highest[cols])
            if np.all((lo >= low) & (hi < high)):  # all inside [low, high), no NaN
                np.multiply(x, scale, out=y)
                # add the shift and truncate to int in one pass (a value rounding onto an edge
                # bin is harmless: edge bins are checked on reading)
                np.add(y, shift, out=index, casting="unsafe")
            else:
                self._index_beyond(x, cols, scale, shift, y, index, lo, hi)
            counts = np.bincount(index.reshape(-1), minlength=n * self.bins)
            self.counts[cols] += counts[: n * self.bins].reshape(n, self.bins)
        np.minimum(self.minimum, lowest, out=self.minimum)
        np.maximum(self.maximum, highest, out=self.maximum)
        self.n += m

    def _prepare_groups(self, m: int) -> None:
        """The groups of columns for chunks of m draws, with their constants."""
        group = max(1, GROUP_VALUES // max(m, 1))
        self._groups = []
        for start, stop in _runs(self.rows, group):
            cols = slice(start, stop)
            local = np.arange(stop - start) * float(self.bins)  # the group's counters, in turn
            self._groups.append(
                (
                    int(self.rows[start]),
                    cols,
                    self._scale[cols, None],
                    (self._shift[cols] + local)[:, None],
                    self.low[cols, None],
                    self.high[cols, None],
                )
            )
        self._buffer = np.empty((group, m))
        self._index = np.empty((group, m), dtype=np.intp)

    def _index_beyond(
        self,
        x: np.ndarray,
        cols: slice,
        scale: np.ndarray,
        shift: np.ndarray,
        y: np.ndarray,
        index: np.ndarray,
        lo: np.ndarray,
        hi: np.ndarray,
    ) -> None:
        """Bin numbers of a group with values outside [low, high) or NaN: those go to the
        under- and overflow bins; lo, hi (the group's extremes) are made NaN-free."""
        n, bins = x.shape[0], self.bins
        np.multiply(x, scale, out=y)
        nan = np.isnan(lo)
        if nan.any():
            self.has_nan[cols] |= nan  # those columns report NaN, as numpy.percentile does
            missing = np.isnan(x)
            lo[:] = np.where(missing, np.inf, x).min(axis=1)
            hi[:] = np.where(missing, -np.inf, x).max(axis=1)
            np.copyto(y, 0.0, where=np.isnan(y))
        first = np.arange(n)[:, None] * bins
        # scaled values this small truncate to int exactly, so bin numbers can be clipped as ints
        exact = np.all(
            np.abs(
                np.concatenate([lo, hi])[:, None] * np.tile(scale, (2, 1)) + np.tile(shift, (2, 1))
            )
            < EXACT_INT
        )
        if nan.any() or not exact:
            y += shift
            np.clip(y, first, first + bins - 1, out=y)
            np.copyto(index, y, casting="unsafe")
        else:  # one pass over the bin numbers
            np.add(y, shift, out=index, casting="unsafe")
            np.clip(index, first, first + bins - 1, out=index)

    def merge(self, other: BinnedPercentiles) -> None:
        """Add another accumulator over the same bins (another worker's chunks)."""
        if other.columns != self.columns or other.bins != self.bins:
            raise ValueError("cannot merge accumulators with different bins")
        self.counts += other.counts
        self.has_nan |= other.has_nan
        np.minimum(self.minimum, other.minimum, out=self.minimum)
        np.maximum(self.maximum, other.maximum, out=self.maximum)
        self.n += other.n

    def percentiles(self, ps: np.ndarray | list[float]) -> tuple[np.ndarray, np.ndarray]:
        """(values, reliable): (C, P) estimated percentiles, and (C, P) False where an order
        statistic fell into an under- or overflow bin wider than a regular bin (the error bound
        does not hold there). Columns that held a NaN give NaN, as numpy.percentile does.

        numpy's default percentile is x_k + f (x_k+1 - x_k), with k + f = (n - 1) p / 100 and
        x_k the k-th smallest value. Each order statistic is estimated inside its bin (evenly
        spread), and the two estimates are interpolated the same way: each is off by at most
        one bin width, so their weighted mean is too.
        """
        ps = np.asarray(ps, dtype=float)
        values = np.full((self.columns, ps.size), np.nan)
        reliable = np.ones((self.columns, ps.size), dtype=bool)
        if self.n == 0:
            return values, reliable
        cumulative = np.cumsum(self.counts, axis=1)
        for j, p in enumerate(ps):
            h = (self.n - 1) * p / 100.0
            k = np.floor(h)
            lower, ok_lower = self._order_statistic(cumulative, k)
            upper, ok_upper = self._order_statistic(cumulative, min(k + 1, self.n - 1))
            values[:, j] = lower + (h - k) * (upper - lower)
            reliable[:, j] = ok_lower & ok_upper
        values[self.has_nan] = np.nan
        reliable[self.has_nan] = True
        return values, reliable

    def _order_statistic(self, cumulative: np.ndarray, k: float) -> tuple[np.ndarray, np.ndarray]:
        """Estimate of the k-th smallest value (0-based) of each column, and whether it is
        within one bin width."""
        rows = np.arange(self.columns)
        b = np.argmax(cumulative > k, axis=1)  # the bin holding it
        before = np.where(b > 0, cumulative[rows, np.maximum(b - 1, 0)], 0)
        position = (k - before + 0.5) / self.counts[rows, b]
        inside = self.low + (b - 1 + position) * self.width
        under, over = b == 0, b == self.bins - 1
        value = np.where(under, self.minimum, np.where(over, self.maximum, inside))
        wide_under = under & (self.minimum < self.low - self.width)
        wide_over = over & (self.maximum > self.high + self.width)
        return value, ~wide_under & ~wide_over


def _runs(rows: np.ndarray, longest: int) -> list[tuple[int, int]]:
    """[start, stop) positions in `rows` of runs of consecutive values, each at most `longest`."""
    breaks = np.flatnonzero(np.diff(rows) != 1) + 1
    edges = [0, *breaks.tolist(), rows.size]
    runs = []
    for start, stop in zip(edges[:-1], edges[1:], strict=True):
        runs.extend((s, min(s + longest, stop)) for s in range(start, stop, longest))
    return runs
