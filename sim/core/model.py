"""The projection core: pure functions on numpy arrays.

No files, no printing, no plotting and no random draws happen here. Every array may carry any
number of leading batch axes (a Monte Carlo "draws" axis, a sweep axis, ...); the time axis is
always last. Rates are in per cent per year, as the source writes them (16.0 = 16 %/yr).

Shapes used in the docstrings:
    ...   leading batch axes (absent for a single scenario)
    S     sector blocks (services, industry, agriculture, and "other" when the residual is kept)
    T     growth years (base_year + 1 .. end_year); levels have T + 1 points (base year first)
    K     projection series (`series_names`)

Layout. The public functions take and return time-last arrays, but every formula is computed
once, time-major: on arrays (T + 1, *b) whose batch axes come last (left-padded with axes of
length 1 to a common number). With a million draws a time-last array is a million rows of a few
years, and a cumulative product, shift or power along such short rows is slow (~2 s per million
draws for every series); time-major, each year is one long contiguous vector operation. The
public arrays are views of the time-major results with the axes moved back, so batched outputs
are not C-contiguous. `projection_series_time_major` hands the time-major array itself to
callers that work per year (the Monte Carlo), without moving or copying it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "SECTORS",
    "RESIDUAL_TREATMENTS",
    "SectorInputs",
    "LinkedInputs",
    "ModelInputs",
    "Projection",
    "compound_levels",
    "yoy_growth_pct",
    "cagr_pct",
    "cagr_from_ratio_pct",
    "shares_pct",
    "project_sectors",
    "linked_growth_pct",
    "project",
    "projection_series",
    "series_names",
    "projection_series_time_major",
    "first_equal_rate_years",
    "other_grows_with_total",
]

SECTORS: tuple[str, ...] = ("services", "industry", "agriculture")
"""Sector keys: services; industry and construction; agriculture, forestry and fishery."""

RESIDUAL_TREATMENTS: tuple[str, ...] = ("normalise", "other")
"""How base shares that do not sum to 100 % are treated.

normalise: scale the sector shares so they sum to 100 %.
other:     keep the gap as an "other" block (docs/source_figures.md c1: likely net product taxes)
           that grows with the three-sector aggregate unless given its own rate.
"""

OTHER_BLOCK = "other"

DERIVED_SUMS: Mapping[str, tuple[str, ...]] = {
    # Budget revenue including land-use fees = the source's 290-concept line + the land-use line.
    "budget_revenue_total": ("budget_revenue", "land_use_revenue"),
}


@dataclass(frozen=True)
class SectorInputs:
    """The production-value block of a scenario, as arrays.

    base_share_pct:      (..., 3) base-year shares of services, industry, agriculture in %.
    growth_pct:          (..., 3, T) growth of each sector in each year, % per year.
    base_total:          level of the total in the base year (100 for an index, or billion VND).
    residual:            one of RESIDUAL_TREATMENTS.
    residual_growth_pct: (..., T) own growth of the "other" block, or None for "grows with the
                         three-sector aggregate" (its share then stays constant).
    """

    base_share_pct: np.ndarray
    growth_pct: np.ndarray
    base_total: float = 100.0
    residual: str = "normalise"
    residual_growth_pct: np.ndarray | None = None


@dataclass(frozen=True)
class LinkedInputs:
    """An indicator that compounds from a base value (income, budget, investment, ...).

    base:         (...) base-year value, in the indicator's unit.
    growth_pct:   scalar (every year) or (..., T) own growth, % per year (a batch of draws
                  carries a trailing years axis: (N, T)); used when elasticity is None.
    elasticity:   (...) ratio of the indicator's growth to total output growth in each year
                  (g_indicator = elasticity * g_output), or None for the own-growth rule.
    override_pct: (T,) or (..., T) growth fixed for single years, NaN where not fixed; wins over
                  both rules (a shock year, an observed year).
    """

    base: np.ndarray | float
    growth_pct: np.ndarray | float | None = None
    elasticity: np.ndarray | float | None = None
    override_pct: np.ndarray | None = None


@dataclass(frozen=True)
class ModelInputs:
    """Everything the model needs, as arrays. Built from a scenario by `sim.scenario.params`."""

    years: np.ndarray  # (T + 1,) calendar years, base year first
    sectors: SectorInputs
    indicators: Mapping[str, LinkedInputs]


@dataclass(frozen=True)
class Projection:
    """Projected levels. Rates, shares and CAGRs derive from these (see projection_series).

    years:        (T + 1,) calendar years.
    blocks:       names of the output blocks: the three sectors, then "other" if kept.
    block_levels: (..., S, T + 1) output of each block (index base total = 100, or billion VND).
    total:        (..., T + 1) total output.
    indicators:   name -> (..., T + 1) levels of the linked indicators and derived sums.
    """

    years: np.ndarray
    blocks: tuple[str, ...]
    block_levels: np.ndarray
    total: np.ndarray
    indicators: Mapping[str, np.ndarray]


# ----------------------------------------------------------------------------- layout
# A time-major array has its c "core" axes (years; sectors and years) first and its batch axes
# last, padded on the left with axes of length 1 to the `rank` shared by all arrays of a call,
# so that numpy broadcasts their batch axes as it broadcasts time-last arrays.

Shape = tuple[int, ...]


def _batch_shape(value: object, core: int) -> Shape:
    """The batch axes of a time-last value with `core` trailing non-batch axes."""
    shape = np.shape(value)
    return shape[: len(shape) - core]


def _time_major(value: object, core: int, rank: int) -> np.ndarray:
    """(*b, *core axes) time-last -> a view (*core axes, 1, ..., 1, *b) with `rank` batch axes."""
    array = np.asarray(value, dtype=float)
    n_batch = array.ndim - core
    if n_batch:  # (np.transpose: np.moveaxis costs ~10 us a call, most of a single run's time)
        array = array.transpose(tuple(range(n_batch, array.ndim)) + tuple(range(n_batch)))
    if n_batch < rank:
        array = array.reshape(array.shape[:core] + (1,) * (rank - n_batch) + array.shape[core:])
    return array


def _time_last(array: np.ndarray, core: int, batch: Shape) -> np.ndarray:
    """Inverse of `_time_major`: (*core axes, *padded b) -> a view (*b, *core axes); `batch` is
    the unpadded b (the padding axes, all of length 1, are dropped)."""
    if array.ndim != core + len(batch):
        array = array.reshape(array.shape[:core] + batch)
    if not batch:
        return array
    return array.transpose(tuple(range(core, array.ndim)) + tuple(range(core)))


Allocate = Callable[[str, Shape], np.ndarray]
"""allocate(name, shape) -> the time-major array a series (or, for a leading axis of S, the S
series from `name` on) is written to: a new array, or rows of a caller's buffer."""


def _new_array(name: str, shape: Shape) -> np.ndarray:
    return np.empty(shape)


# ----------------------------------------------------------------------------- the formulas
# Each formula exists once, here, on time-major arrays; the public functions below move axes.


IN_PLACE_DRAWS = 4096
"""From this many values per year on, compounding builds each year's factors in the output row
itself (no temporary array to allocate and stream through memory); below it, three calls per
year would cost more than the temporary."""


def _compound_into(base: np.ndarray, growth_pct: np.ndarray, out: np.ndarray) -> None:
    """out = base, base (1 + g1 / 100), base (1 + g1 / 100) (1 + g2 / 100), ... year by year.

    base: (*b) level in the base year; growth_pct: (T, *b) % per year; out: (T + 1, *b) levels.
    b broadcasts (a base or a rate shared by every draw is given once).
    """
    out[0] = base
    if growth_pct.shape[1:] == out.shape[1:] and out[0].size >= IN_PLACE_DRAWS:
        for t in range(growth_pct.shape[0]):  # each factor built in the year's row of `out`
            level = out[t + 1, ...]  # `[t, ...]`: a 0-d view, not a scalar, without batch axes
            np.divide(growth_pct[t, ...], 100.0, out=level)
            level += 1.0
            level *= out[t, ...]  # the same product as below: L (1 + g / 100)
        return
    factors = np.divide(growth_pct, 100.0)  # few draws, or a rate shared by the draws
    factors += 1.0
    for t in range(growth_pct.shape[0]):
        np.multiply(out[t, ...], factors[t, ...], out=out[t + 1, ...])


def _yoy_into(levels: np.ndarray, out: np.ndarray) -> None:
    """Year-on-year growth in %: levels (T + 1, *b) -> out (T, *b) = (L_t / L_t-1 - 1) * 100."""
    np.divide(levels[1:], levels[:-1], out=out)
    out -= 1.0
    out *= 100.0


def _cagr_into(levels: np.ndarray, out: np.ndarray) -> None:
    """Compound annual growth from the base year, in %: levels (T + 1, *b) -> out (T, *b) with
    out[t - 1] = ((L_t / L_0) ** (1 / t) - 1) * 100."""
    np.divide(levels[1:], levels[:1], out=out)
    for t in range(1, levels.shape[0]):
        _ratio_to_cagr_into(out[t - 1, ...], t)


def _ratio_to_cagr_into(ratio: np.ndarray, years: int) -> None:
    """ratio -> (ratio ** (1 / years) - 1) * 100 in place. Square and cube roots where they
    serve: they are exact to rounding, as the power is, and cost a third of it."""
    if years == 2:
        np.sqrt(ratio, out=ratio)
    elif years == 3:
        np.cbrt(ratio, out=ratio)
    elif years == 4:
        np.sqrt(ratio, out=ratio)
        np.sqrt(ratio, out=ratio)
    elif years != 1:
        np.power(ratio, 1.0 / years, out=ratio)
    ratio -= 1.0
    ratio *= 100.0


def cagr_from_ratio_pct(ratio: np.ndarray | float, years: int) -> np.ndarray:
    """CAGR in % over `years` years of a level that grew by `ratio` (L_t / L_0), computed as
    the model computes cagr.* series (the same roots, so the same numbers)."""
    out = np.array(ratio, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        _ratio_to_cagr_into(out[...], years)
    return out


def _shares_into(block_levels: np.ndarray, total: np.ndarray, out: np.ndarray) -> None:
    """Shares in %: block_levels (S, T + 1, *b), total (T + 1, *b) -> out (S, T + 1, *b)."""
    np.divide(block_levels, total, out=out)
    out *= 100.0


def _linked_rate(linked: LinkedInputs, total_growth: np.ndarray, rank: int) -> np.ndarray:
    """Growth of a linked indicator, time-major (T, *b) in % per year (possibly a read-only
    broadcast view). total_growth: (T, *b) year-on-year growth of total output."""
    years = total_growth.shape[0]
    if linked.elasticity is not None:
        rate = _time_major(linked.elasticity, 0, rank) * total_growth
    else:
        own = np.asarray(linked.growth_pct, dtype=float)
        own = _time_major(own[None] if own.ndim == 0 else own, 1, rank)  # (T or 1, *b)
        rate = np.broadcast_to(own, (years,) + own.shape[1:])
    if linked.override_pct is not None:
        override = _time_major(linked.override_pct, 1, rank)
        fixed = ~np.isnan(override)
        if fixed.all():
            rate = np.broadcast_to(override, np.broadcast_shapes(rate.shape, override.shape))
        elif fixed.any():
            rate = np.where(fixed, override, rate)
    return rate


def _linked_batch(linked: LinkedInputs, total_batch: Shape) -> Shape:
    """Unpadded batch shape of a linked indicator's rates: that of its inputs and of total
    output (an own rate is broadcast over the draws of total output, as the elasticity is)."""
    shapes = [total_batch]
    if linked.elasticity is not None:
        shapes.append(_batch_shape(linked.elasticity, 0))
    elif np.ndim(linked.growth_pct) > 0:
        shapes.append(_batch_shape(linked.growth_pct, 1))
    if linked.override_pct is not None:
        shapes.append(_batch_shape(linked.override_pct, 1))
    return np.broadcast_shapes(*shapes)


# ----------------------------------------------------------------------------- the model, time-major


def _blocks(sectors: SectorInputs) -> tuple[str, ...]:
    if sectors.residual not in RESIDUAL_TREATMENTS:
        raise ValueError(f"residual must be one of {RESIDUAL_TREATMENTS}, not {sectors.residual!r}")
    return SECTORS + ((OTHER_BLOCK,) if sectors.residual == "other" else ())


def _sector_batch(sectors: SectorInputs) -> Shape:
    shapes = [_batch_shape(sectors.base_share_pct, 1), _batch_shape(sectors.growth_pct, 2)]
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        shapes.append(_batch_shape(sectors.residual_growth_pct, 1))
    return np.broadcast_shapes(*shapes)


def _sector_levels(sectors: SectorInputs, rank: int, allocate: Allocate) -> np.ndarray:
    """Levels of every block, time-major (S, T + 1, *b); see `project_sectors`."""
    blocks = _blocks(sectors)
    share = _time_major(sectors.base_share_pct, 1, rank)  # (3, *b)
    share_sum = share.sum(axis=0)
    if sectors.residual == "normalise":
        base_levels = share / share_sum * sectors.base_total
    else:
        base_levels = share / 100.0 * sectors.base_total
    growth = _time_major(sectors.growth_pct, 2, rank)  # (3, T, *b)
    batch = np.broadcast_shapes(share.shape[1:], growth.shape[2:])
    other_rate = None
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        other_rate = _time_major(sectors.residual_growth_pct, 1, rank)
        batch = np.broadcast_shapes(batch, other_rate.shape[1:])
    levels = allocate(f"output.{blocks[0]}", (len(blocks), growth.shape[1] + 1) + batch)
    for s in range(len(SECTORS)):
        _compound_into(base_levels[s], growth[s], levels[s])
    if sectors.residual == "other":
        other_base = (100.0 - share_sum) / 100.0 * sectors.base_total
        if other_rate is None:  # grows with the three-sector aggregate: its share is constant
            other = levels[3]
            levels[:3].sum(axis=0, out=other)
            three_base = other[:1].copy()
            np.multiply(other_base, other, out=other)
            other /= three_base
        else:
            _compound_into(other_base, other_rate, levels[3])
    return levels


@dataclass(frozen=True)
class _Levels:
    """The levels of one run, time-major, and the unpadded batch shape of each series."""

    blocks: tuple[str, ...]
    block_levels: np.ndarray  # (S, T + 1, *b)
    total: np.ndarray  # (T + 1, *b)
    indicators: dict[str, np.ndarray]  # name -> (T + 1, *b)
    batch: dict[str, Shape]  # "output" (blocks and total) or an indicator name -> unpadded b


Wanted = Callable[[str], bool]
"""wanted(name): whether a share.*, growth.* or cagr.* series is to be computed."""


def _nothing(name: str) -> bool:
    return False


def _everything(name: str) -> bool:
    return True


def _derive_shares(
    levels: np.ndarray,
    total: np.ndarray,
    first: str,
    allocate: Allocate,
    wanted: Wanted,
    derived: dict[str, np.ndarray],
) -> None:
    """The shares of the blocks, (S, T + 1, *b), into derived[first] (the first share.* name)."""
    if wanted(first):
        shares = allocate(first, levels.shape)
        _shares_into(levels, total, shares)
        derived[first] = shares


def _derive_rates(
    name: str,
    levels: np.ndarray,
    allocate: Allocate,
    wanted: Wanted,
    derived: dict[str, np.ndarray],
) -> None:
    """growth.<x> and cagr.<x> of the level series `name` ((T + 1, *b), time-major) into
    `derived`: those wanted and not there yet, NaN in the base year (no rate)."""
    for kind, formula in (("growth", _yoy_into), ("cagr", _cagr_into)):
        target = f"{kind}.{_short(name)}"
        if target not in derived and wanted(target):
            values = allocate(target, levels.shape)
            values[0] = np.nan
            formula(levels, values[1:])
            derived[target] = values


def _input_rank(inputs: ModelInputs) -> int:
    """The number of batch axes of a run: the most of any input."""
    sectors = inputs.sectors
    ranks = [len(_sector_batch(sectors))]
    for linked in inputs.indicators.values():
        ranks.append(len(_linked_batch(linked, ())))
        ranks.append(len(_batch_shape(linked.base, 0)))
    return max(ranks)


def _project(
    inputs: ModelInputs, rank: int, allocate: Allocate, wanted: Wanted = _nothing
) -> tuple[_Levels, dict[str, np.ndarray]]:
    """Sectors, total, linked indicators and derived sums, time-major, and of the shares and
    rates the `wanted` ones (growth.total always: the linked indicators need it). Each series'
    rates are computed right after its levels, while those are still in cache."""
    blocks = _blocks(inputs.sectors)
    block_levels = _sector_levels(inputs.sectors, rank, allocate)
    output_batch = _sector_batch(inputs.sectors)
    total = allocate("output.total", block_levels.shape[1:])
    block_levels.sum(axis=0, out=total)
    derived: dict[str, np.ndarray] = {}
    _derive_rates("output.total", total, allocate, lambda name: name == "growth.total", derived)
    total_growth = derived["growth.total"][1:]
    _derive_shares(block_levels, total, f"share.{blocks[0]}", allocate, wanted, derived)
    for i, block in enumerate(blocks):
        _derive_rates(f"output.{block}", block_levels[i], allocate, wanted, derived)
    _derive_rates("output.total", total, allocate, wanted, derived)
    batch = {"output": output_batch}
    indicators: dict[str, np.ndarray] = {}
    for name, linked in inputs.indicators.items():
        rate = _linked_rate(linked, total_growth, rank)
        base = _time_major(linked.base, 0, rank)
        shape = np.broadcast_shapes(base.shape, rate.shape[1:], total.shape[1:])
        levels = allocate(name, total.shape[:1] + shape)
        _compound_into(base, rate, levels)
        _derive_rates(name, levels, allocate, wanted, derived)
        indicators[name] = levels
        batch[name] = np.broadcast_shapes(
            _batch_shape(linked.base, 0), _linked_batch(linked, output_batch)
        )
    for name, parts in DERIVED_SUMS.items():
        if parts[0] not in indicators:
            continue
        present = [p for p in parts if p in indicators]
        shape = np.broadcast_shapes(*(indicators[p].shape for p in present))
        levels = allocate(name, shape)
        if len(present) == 1:
            np.copyto(levels, indicators[present[0]])
        else:
            np.add(indicators[present[0]], indicators[present[1]], out=levels)
        for part in present[2:]:
            levels += indicators[part]
        _derive_rates(name, levels, allocate, wanted, derived)
        indicators[name] = levels
        batch[name] = np.broadcast_shapes(*(batch[p] for p in present))
    return _Levels(blocks, block_levels, total, indicators, batch), derived


def _short(name: str) -> str:
    return name.removeprefix("output.")


def _series_names(blocks: tuple[str, ...], indicators: Collection[str]) -> tuple[str, ...]:
    growing = [f"output.{b}" for b in blocks] + ["output.total"] + list(indicators)
    return tuple(
        [f"output.{b}" for b in blocks]
        + ["output.total"]
        + [f"share.{b}" for b in blocks]
        + list(indicators)
        + [f"growth.{_short(n)}" for n in growing]
        + [f"cagr.{_short(n)}" for n in growing]
    )


def series_names(inputs: ModelInputs) -> tuple[str, ...]:
    """Names of the series of `projection_series(project(inputs))`, in its order."""
    indicators = list(inputs.indicators)
    indicators += [n for n, parts in DERIVED_SUMS.items() if parts[0] in inputs.indicators]
    return _series_names(_blocks(inputs.sectors), indicators)


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
    batch = np.broadcast_shapes(
        _sector_batch(inputs.sectors),
        *(
            np.broadcast_shapes(_batch_shape(linked.base, 0), _linked_batch(linked, ()))
            for linked in inputs.indicators.values()
        ),
    )
    shape = (len(names), len(inputs.years)) + batch
    if out is None:
        out = np.empty(shape)
    elif out.shape != shape or out.dtype != np.float64:
        raise ValueError(f"out is {out.dtype} {out.shape}, expected float64 {shape}")
    rows = {name: k for k, name in enumerate(names)}
    wanted = set(names if series is None else series)
    shares = [n for n in names if n.startswith("share.")]
    if wanted & set(shares):
        wanted.add(shares[0])
    wanted.update(n for n in names if not n.startswith(("share.", "growth.", "cagr.")))

    def allocate(name: str, _shape: Shape) -> np.ndarray:
        if name not in wanted:  # a working array (total output growth)
            return np.empty(_shape)
        if len(_shape) == out.ndim:  # S blocks (or shares) from this name on
            return out[rows[name] : rows[name] + _shape[0]]
        return out[rows[name]]

    _project(inputs, len(batch), allocate, wanted.__contains__)
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
    rank = _input_rank(inputs)
    sectors = inputs.sectors
    years = len(inputs.years) - 1
    rates: dict[str, np.ndarray] = {}
    growth = _time_major(sectors.growth_pct, 2, rank)
    for s, block in enumerate(SECTORS):
        rates[f"output.{block}"] = growth[s]
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        rates[f"output.{OTHER_BLOCK}"] = _time_major(sectors.residual_growth_pct, 1, rank)
    no_growth = np.zeros((years,) + (1,) * rank)  # an own rate does not depend on it
    for name, linked in inputs.indicators.items():
        if linked.elasticity is None:
            rates[name] = _linked_rate(linked, no_growth, rank)
    first = {}
    for name, rate in rates.items():
        if rate.shape[0] == 1 or rate.strides[0] == 0:  # one rate, repeated for every year
            first[name] = np.zeros(years, dtype=int)
            continue
        same = (rate[1:] == rate[:-1]).reshape(years - 1, -1).all(axis=1)  # as the year before
        start = np.arange(years)
        for t in range(1, years):
            if same[t - 1]:
                start[t] = start[t - 1]
        first[name] = start
    return first


def other_grows_with_total(inputs: ModelInputs) -> bool:
    """Whether the model keeps an "other" block that grows with the three-sector aggregate: its
    share is then constant and its year-on-year growth is the total's up to rounding."""
    sectors = inputs.sectors
    return sectors.residual == "other" and sectors.residual_growth_pct is None


# ----------------------------------------------------------------------------- public, time-last


def compound_levels(base: np.ndarray | float, growth_pct: np.ndarray) -> np.ndarray:
    """Levels that compound from `base` at `growth_pct` per period.

    base: (...) level in the base year; growth_pct: (..., T) % per year.
    Returns (..., T + 1): base, base * (1 + g1), base * (1 + g1) * (1 + g2), ...
    """
    batch = np.broadcast_shapes(_batch_shape(base, 0), _batch_shape(growth_pct, 1))
    growth = _time_major(growth_pct, 1, len(batch))
    levels = np.empty((growth.shape[0] + 1,) + batch)
    _compound_into(_time_major(base, 0, len(batch)), growth, levels)
    return _time_last(levels, 1, batch)


def yoy_growth_pct(levels: np.ndarray) -> np.ndarray:
    """Year-on-year growth in %: (..., T + 1) levels -> (..., T) rates."""
    batch = _batch_shape(levels, 1)
    tm = _time_major(levels, 1, len(batch))
    growth = np.empty((tm.shape[0] - 1,) + batch)
    _yoy_into(tm, growth)
    return _time_last(growth, 1, batch)


def cagr_pct(levels: np.ndarray) -> np.ndarray:
    """Compound annual growth from the base year to each later year, in %.

    levels: (..., T + 1). Returns (..., T); element t is the average growth over the first t + 1
    years, so the last element is the growth of the whole horizon.
    """
    batch = _batch_shape(levels, 1)
    tm = _time_major(levels, 1, len(batch))
    cagr = np.empty((tm.shape[0] - 1,) + batch)
    _cagr_into(tm, cagr)
    return _time_last(cagr, 1, batch)


def shares_pct(block_levels: np.ndarray) -> np.ndarray:
    """Shares of each block in the total, in %: (..., S, T + 1) -> (..., S, T + 1)."""
    batch = _batch_shape(block_levels, 2)
    tm = _time_major(block_levels, 2, len(batch))
    shares = np.empty(tm.shape)
    _shares_into(tm, tm.sum(axis=0), shares)
    return _time_last(shares, 2, batch)


def project_sectors(sectors: SectorInputs) -> tuple[tuple[str, ...], np.ndarray]:
    """Compound each sector at its own rate; returns (block names, (..., S, T + 1) levels).

    The "other" block (residual "other") starts at 100 % minus the sector shares and grows
    with the three-sector aggregate, or at residual_growth_pct when given.
    """
    batch = _sector_batch(sectors)
    levels = _sector_levels(sectors, len(batch), _new_array)
    return _blocks(sectors), _time_last(levels, 2, batch)


def linked_growth_pct(linked: LinkedInputs, total_growth_pct: np.ndarray) -> np.ndarray:
    """Growth of a linked indicator in each year, % per year: (..., T).

    total_growth_pct: (..., T) year-on-year growth of total output.
    """
    batch = _linked_batch(linked, _batch_shape(total_growth_pct, 1))
    total_growth = _time_major(total_growth_pct, 1, len(batch))
    rate = _linked_rate(linked, total_growth, len(batch))
    shape = total_growth.shape[:1] + batch
    return _time_last(rate if rate.shape == shape else np.broadcast_to(rate, shape), 1, batch)


def project(inputs: ModelInputs) -> Projection:
    """Run the whole model: sectors, total, linked indicators and derived sums."""
    levels, _ = _project(inputs, _input_rank(inputs), _new_array)
    output = levels.batch["output"]
    return Projection(
        years=np.asarray(inputs.years),
        blocks=levels.blocks,
        block_levels=_time_last(levels.block_levels, 2, output),
        total=_time_last(levels.total, 1, output),
        indicators={
            name: _time_last(values, 1, levels.batch[name])
            for name, values in levels.indicators.items()
        },
    )


def projection_series(projection: Projection) -> dict[str, np.ndarray]:
    """Every reported indicator as name -> (..., T + 1) array, base year first.

    Names are the stable public ones: output.<block>, output.total, share.<block> (%),
    growth.<x> (year-on-year %, NaN in the base year), cagr.<x> (average % per year from the
    base year to that year, NaN in the base year), and each linked indicator by its own name.
    """
    blocks = projection.blocks
    output = _batch_shape(projection.block_levels, 2)
    batch = {"output": output}
    batch.update({name: _batch_shape(v, 1) for name, v in projection.indicators.items()})
    rank = max(len(b) for b in batch.values())
    total = _time_major(projection.total, 1, rank)
    block_levels = _time_major(projection.block_levels, 2, rank)
    derived: dict[str, np.ndarray] = {}
    _derive_shares(block_levels, total, f"share.{blocks[0]}", _new_array, _everything, derived)
    for i, block in enumerate(blocks):
        _derive_rates(f"output.{block}", block_levels[i], _new_array, _everything, derived)
    _derive_rates("output.total", total, _new_array, _everything, derived)
    for name, values in projection.indicators.items():
        _derive_rates(name, _time_major(values, 1, rank), _new_array, _everything, derived)
    series: dict[str, np.ndarray] = {}
    for name in _series_names(blocks, list(projection.indicators)):
        kind, _, short = name.partition(".")
        if kind == "share":
            shares = _time_last(derived[f"share.{blocks[0]}"], 2, output)
            series[name] = shares[..., blocks.index(short), :]
        elif kind in ("growth", "cagr"):
            level = short if short in projection.indicators else "output"
            series[name] = _time_last(derived[name], 1, batch[level])
        elif kind == "output" and short != "total":
            series[name] = projection.block_levels[..., blocks.index(short), :]
        elif kind == "output":
            series[name] = projection.total
        else:
            series[name] = projection.indicators[name]
    return series
