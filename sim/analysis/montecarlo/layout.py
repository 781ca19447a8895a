"""The model's series for a chunk of draws, in the layout the Monte Carlo summarises them in.

A chunk of m draws is one (K, T + 1, m) float64 array: K series (`sim.core.model.series_names`
order), each year of a series one contiguous row of the chunk's draws, which the compiled
counting loops read as a (K (T + 1), m) matrix (`sim.analysis.montecarlo.kernels`). The array
is reused from chunk to chunk; the model writes into its rows directly, with its own formulas
(`sim.core.model.levels_into`, `rate_series_into`, `shares_into`): nothing here computes a
series another way, and tests/test_model.py checks that every row equals
`projection_series(project(inputs))` to the last bit.

The Monte Carlo also asks which rows are equal up to rounding by construction of the inputs (the
"twins" of `sim.analysis.montecarlo.engine`): `first_equal_rate_years`, `other_grows_with_total`.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from sim.core import names as naming
from sim.core.model import (
    OTHER_BLOCK,
    SECTORS,
    LevelArrays,
    ModelInputs,
    batch_shape,
    levels_into,
    linked_rate,
    rate_series_into,
    series_names,
    shares_into,
    to_time_major,
)

__all__ = ["projection_series_time_major", "first_equal_rate_years", "other_grows_with_total"]


def _buffer(out: np.ndarray | None, shape: tuple[int, ...]) -> np.ndarray:
    if out is None:
        return np.empty(shape)
    if out.shape != shape or out.dtype != np.float64:
        raise ValueError(f"out is {out.dtype} {out.shape}, expected float64 {shape}")
    return out


def _level_rows(names: tuple[str, ...], out: np.ndarray) -> LevelArrays:
    """Views of the rows of `out` that the model's levels are written to."""
    rows = {name: k for k, name in enumerate(names)}
    total = naming.output(naming.TOTAL)
    blocks = [n for n in names if naming.SeriesName.parse(n).is_output and n != total]
    first = rows[blocks[0]]  # the blocks are consecutive rows
    # the levels of the linked indicators; share.*, growth.* and cagr.* are computed from levels
    indicators = {
        name: out[k] for name, k in rows.items() if naming.SeriesName.parse(name).is_indicator
    }
    return LevelArrays(out[first : first + len(blocks)], out[rows[total]], indicators)


def projection_series_time_major(
    inputs: ModelInputs,
    out: np.ndarray | None = None,
    series: Collection[str] | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """Every projection series, time-major: (names, (K, T + 1, *B) array).

    names: `series_names(inputs)`; row k of the array is `projection_series(project(inputs))
    [names[k]]` with its time axis first and broadcast to B, the batch shape of all the inputs
    together (for a Monte Carlo chunk of N draws: (K, T + 1, N), each year a contiguous row).
    out:    optional preallocated (K, T + 1, *B) float64 array, e.g. reused across chunks.
    series: names of the share.*, growth.* and cagr.* series to compute (default: all); the
            rows of the others are left as they were in `out` (uninitialised without `out`).
            Levels (output.*, the indicators) are always computed. The shares are computed
            together: all of them when any share.* is named.
    """
    names = series_names(inputs)
    batch = batch_shape(inputs)
    out = _buffer(out, (len(names), len(inputs.years)) + batch)
    levels = levels_into(inputs, len(batch), _level_rows(names, out))
    rows = {name: k for k, name in enumerate(names)}
    wanted = set(names if series is None else series)
    parsed = [naming.SeriesName.parse(name) for name in names]  # once per chunk: K names
    shares = [str(p) for p in parsed if p.is_share]
    if wanted & set(shares):
        first = rows[shares[0]]
        shares_into(levels.blocks, levels.total, out[first : first + len(shares)])
    for name in parsed:
        if name.is_rate and str(name) in wanted:
            rate_series_into(name.family, out[rows[name.level]], out[rows[str(name)]])
    return names, out


def first_equal_rate_years(inputs: ModelInputs) -> dict[str, np.ndarray]:
    """For each series compounding at an input rate, the first growth year of the run of years
    with the same rate, in every element of the batch, that each growth year belongs to: level
    series name -> (T,) int (element t is for growth year t + 1; t itself when the year before
    has another rate).

    Listed: the sector blocks, an "other" block with its own rate and the linked indicators with
    their own growth (single-year overrides included). Such a series' year-on-year growth is
    its rate up to rounding (L_t / L_t-1 = 1 + g / 100 to a few units in the last place), so the
    years of a run have the same growth up to rounding, and while every year so far has the
    first year's rate, the CAGR is that year's growth. (An "other" block that grows with the
    three-sector aggregate grows as the total does: `other_grows_with_total`.)
    """
    rank = len(batch_shape(inputs))
    sectors = inputs.sectors
    years = len(inputs.years) - 1
    rates: dict[str, np.ndarray] = {}
    growth = to_time_major(sectors.growth_pct, 2, rank)
    for s, block in enumerate(SECTORS):
        rates[naming.output(block)] = growth[s]
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        rates[naming.output(OTHER_BLOCK)] = to_time_major(sectors.residual_growth_pct, 1, rank)
    no_growth = np.zeros((years,) + (1,) * rank)  # an own rate does not depend on it
    for name, linked in inputs.indicators.items():
        if linked.elasticity is None:
            rates[name] = linked_rate(linked, no_growth, rank)
    return {name: _run_starts(rate, years) for name, rate in rates.items()}


def _run_starts(rate: np.ndarray, years: int) -> np.ndarray:
    """(T,) index of the first year of the run of equal rates (in every element of the batch)
    that each year of `rate` (T or 1, *b) belongs to."""
    if rate.shape[0] == 1 or rate.strides[0] == 0:  # one rate, repeated for every year
        return np.zeros(years, dtype=int)
    same = (rate[1:] == rate[:-1]).reshape(years - 1, -1).all(axis=1)  # as the year before
    start = np.arange(years)
    for t in range(1, years):
        if same[t - 1]:
            start[t] = start[t - 1]
    return start


def other_grows_with_total(inputs: ModelInputs) -> bool:
    """Whether the model keeps an "other" block that grows with the three-sector aggregate: its
    share is then constant and its year-on-year growth is the total's up to rounding."""
    sectors = inputs.sectors
    return sectors.residual == "other" and sectors.residual_growth_pct is None
