"""The projection model: pure functions on numpy arrays.

No files, no printing, no plotting and no random draws happen here. Every array may carry any
number of leading batch axes (a Monte Carlo "draws" axis, a sweep axis, ...); the time axis is
always last. Rates are in per cent per year, as the source writes them (16.0 = 16 %/yr).

Shapes used in the docstrings:
    ...   leading batch axes (absent for a single scenario)
    S     sector blocks (services, industry, agriculture, and "other" when the residual is kept)
    T     growth years (base_year + 1 .. end_year); levels have T + 1 points (base year first)
    K     projection series (`series_names`)

The model, year by year (t = 1 .. T; every rule applies to each element of the batch):
    sector s      L_s(0) = share_s / sum(shares) * base_total        (residual "normalise")
                  L_s(0) = share_s / 100 * base_total                 (residual "other")
                  L_s(t) = L_s(t - 1) * (1 + g_s(t) / 100)
    other block   L_o(0) = (100 - sum(shares)) / 100 * base_total; it grows with the three-sector
                  aggregate A (L_o(t) = L_o(0) * A(t) / A(0): a constant share) or at its own rate
    total         the sum of the blocks
    indicator     L_i(t) = L_i(t - 1) * (1 + r_i(t) / 100), with r_i(t) = e_i * g_total(t)
                  (elasticity to total output growth) or its own rate; a single-year override wins
    derived sums  e.g. budget_revenue_total = budget_revenue + land_use_revenue
    reported      shares (%), year-on-year growth (%) and CAGR from the base year (%/yr)

Years first. The formulas (`compound_into`, `yoy_into`, `cagr_into`, `shares_into`,
`linked_rate`, `levels_into`) are written on arrays whose first axis is the year (row t = year t)
and whose batch axes follow ("time-major"), left-padded with axes of length 1 to the batch rank
of the run so that numpy broadcasts them as it would time-last arrays. With a million draws a
time-last array is a million rows of a few years, and a cumulative product or a power along such
short rows is slow (~2 s per million draws for every series); years first, each year is one long
contiguous vector operation. The public functions take and return time-last arrays and move the
axes on the way (`to_time_major`, `to_time_last`: views, no copies), so batched outputs are not
C-contiguous. The Monte Carlo calls the same formulas on its own buffers
(`sim.analysis.montecarlo.layout`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.core import names

__all__ = [
    "SECTORS",
    "RESIDUAL_TREATMENTS",
    "OTHER_BLOCK",
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
    # years first (time-major), for callers that keep their own buffers
    "Shape",
    "LevelArrays",
    "to_time_major",
    "to_time_last",
    "batch_shape",
    "compound_into",
    "yoy_into",
    "cagr_into",
    "shares_into",
    "rate_series_into",
    "linked_rate",
    "levels_into",
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
    """Everything the model needs, as arrays. Built from a scenario by `sim.run.model_inputs`."""

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


# ----------------------------------------------------------------------------- years first
# A time-major array has its c "core" axes (years; sectors and years) first and its batch axes
# last, padded on the left with axes of length 1 to the `rank` shared by all arrays of a run.

Shape = tuple[int, ...]


def _batch_of(value: ArrayLike, core: int) -> Shape:
    """The batch axes of a time-last value with `core` trailing non-batch axes."""
    shape = np.shape(value)
    return shape[: len(shape) - core]


def to_time_major(value: ArrayLike, core: int, rank: int) -> np.ndarray:
    """(*b, *core axes) time-last -> a view (*core axes, 1, ..., 1, *b) with `rank` batch axes."""
    array = np.asarray(value, dtype=float)
    n_batch = array.ndim - core
    if n_batch:  # (np.transpose: np.moveaxis costs ~10 us a call, most of a single run's time)
        array = array.transpose(tuple(range(n_batch, array.ndim)) + tuple(range(n_batch)))
    if n_batch < rank:
        array = array.reshape(array.shape[:core] + (1,) * (rank - n_batch) + array.shape[core:])
    return array


def to_time_last(array: np.ndarray, core: int, batch: Shape) -> np.ndarray:
    """Inverse of `to_time_major`: (*core axes, *padded b) -> a view (*b, *core axes); `batch`
    is the unpadded b (the padding axes, all of length 1, are dropped)."""
    if array.ndim != core + len(batch):
        array = array.reshape(array.shape[:core] + batch)
    if not batch:
        return array
    return array.transpose(tuple(range(core, array.ndim)) + tuple(range(core)))


def _sector_batch(sectors: SectorInputs) -> Shape:
    shapes = [_batch_of(sectors.base_share_pct, 1), _batch_of(sectors.growth_pct, 2)]
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        shapes.append(_batch_of(sectors.residual_growth_pct, 1))
    return np.broadcast_shapes(*shapes)


def _linked_batch(linked: LinkedInputs, total_batch: Shape) -> Shape:
    """Unpadded batch shape of a linked indicator's rates: that of its inputs and of total
    output (an own rate is broadcast over the draws of total output, as the elasticity is)."""
    shapes = [total_batch]
    if linked.elasticity is not None:
        shapes.append(_batch_of(linked.elasticity, 0))
    elif linked.growth_pct is not None and np.ndim(linked.growth_pct) > 0:
        shapes.append(_batch_of(linked.growth_pct, 1))
    if linked.override_pct is not None:
        shapes.append(_batch_of(linked.override_pct, 1))
    return np.broadcast_shapes(*shapes)


def _indicator_batch(linked: LinkedInputs, output_batch: Shape) -> Shape:
    """Unpadded batch shape of a linked indicator's levels."""
    return np.broadcast_shapes(_batch_of(linked.base, 0), _linked_batch(linked, output_batch))


def batch_shape(inputs: ModelInputs) -> Shape:
    """The batch shape of all the inputs together (its length is the run's rank)."""
    indicators = (_indicator_batch(linked, ()) for linked in inputs.indicators.values())
    return np.broadcast_shapes(_sector_batch(inputs.sectors), *indicators)


# ----------------------------------------------------------------------------- the formulas
# Each formula exists once, here, on time-major arrays; the public functions below move axes.


def compound_into(base: np.ndarray, growth_pct: np.ndarray, out: np.ndarray) -> None:
    """out = base, base (1 + g1 / 100), base (1 + g1 / 100) (1 + g2 / 100), ... year by year.

    base: (*b) level in the base year; growth_pct: (T, *b) % per year; out: (T + 1, *b) levels.
    b broadcasts (a base or a rate shared by every draw is given once).
    """
    out[0] = base
    factors = np.divide(growth_pct, 100.0)
    factors += 1.0
    for t in range(growth_pct.shape[0]):  # `[t, ...]`: a 0-d view, not a scalar, without batch
        np.multiply(out[t, ...], factors[t, ...], out=out[t + 1, ...])


def yoy_into(levels: np.ndarray, out: np.ndarray) -> None:
    """Year-on-year growth in %: levels (T + 1, *b) -> out (T, *b) = (L_t / L_t-1 - 1) * 100.

    A zero level gives NaN (0/0: no value, a block absent from the base year on) or inf (x/0,
    refused before anything is written), without a RuntimeWarning."""
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(levels[1:], levels[:-1], out=out)
    out -= 1.0
    out *= 100.0


def cagr_into(levels: np.ndarray, out: np.ndarray) -> None:
    """Compound annual growth from the base year, in %: levels (T + 1, *b) -> out (T, *b) with
    out[t - 1] = ((L_t / L_0) ** (1 / t) - 1) * 100. A zero base level: as `yoy_into`."""
    with np.errstate(divide="ignore", invalid="ignore"):
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


def cagr_from_ratio_pct(ratio: np.ndarray | float, years: np.ndarray | int) -> np.ndarray:
    """Compound annual growth in % over `years` years of a level that grew by `ratio` (L_t / L_0):
    (ratio ** (1 / years) - 1) * 100, computed as the model computes its cagr.* series (the
    same roots, so the same numbers). The one CAGR formula of the package.

    years: a number, or an array broadcasting with ratio (each >= 1). A negative ratio gives NaN,
    except over 1 or 3 years (a cube root); increasing in ratio. Returns an array of ratio's
    shape (a numpy scalar for a scalar ratio).
    """
    if np.ndim(years) == 0:
        out = np.array(ratio, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):
            _ratio_to_cagr_into(out[...], int(years))
        return out[()]  # a numpy scalar for a scalar ratio, as numpy's functions give
    ratios, each = np.broadcast_arrays(np.asarray(ratio, dtype=float), np.asarray(years))
    out = np.empty(ratios.shape)
    for t in np.unique(each):
        where = each == t
        out[where] = cagr_from_ratio_pct(ratios[where], int(t))
    return out[()]


def shares_into(block_levels: np.ndarray, total: np.ndarray, out: np.ndarray) -> None:
    """Shares in %: block_levels (S, T + 1, *b), total (T + 1, *b) -> out (S, T + 1, *b)."""
    np.divide(block_levels, total, out=out)
    out *= 100.0


def rate_series_into(kind: str, levels: np.ndarray, out: np.ndarray) -> None:
    """The growth.<x> ("growth") or cagr.<x> ("cagr") series of levels (T + 1, *b) into out
    (T + 1, *b): NaN in the base year (no rate), then `yoy_into` or `cagr_into`."""
    out[0] = np.nan
    (yoy_into if kind == "growth" else cagr_into)(levels, out[1:])


def linked_rate(linked: LinkedInputs, total_growth: np.ndarray, rank: int) -> np.ndarray:
    """Growth of a linked indicator, time-major (T, *b) in % per year (possibly a read-only
    broadcast view). total_growth: (T, *b) year-on-year growth of total output."""
    years = total_growth.shape[0]
    if linked.elasticity is not None:
        rate = to_time_major(linked.elasticity, 0, rank) * total_growth
    else:
        own = np.asarray(linked.growth_pct, dtype=float)
        own = to_time_major(own[None] if own.ndim == 0 else own, 1, rank)  # (T or 1, *b)
        rate = np.broadcast_to(own, (years,) + own.shape[1:])
    if linked.override_pct is not None:
        override = to_time_major(linked.override_pct, 1, rank)
        fixed = ~np.isnan(override)
        if fixed.all():
            rate = np.broadcast_to(override, np.broadcast_shapes(rate.shape, override.shape))
        elif fixed.any():
            rate = np.where(fixed, override, rate)
    return rate


def _blocks(sectors: SectorInputs) -> tuple[str, ...]:
    if sectors.residual not in RESIDUAL_TREATMENTS:
        raise ValueError(f"residual must be one of {RESIDUAL_TREATMENTS}, not {sectors.residual!r}")
    return SECTORS + ((OTHER_BLOCK,) if sectors.residual == "other" else ())


def _sector_levels_into(sectors: SectorInputs, rank: int, out: np.ndarray | None) -> np.ndarray:
    """Levels of every block, time-major (S, T + 1, *b), into `out` (a new array if None)."""
    share = to_time_major(sectors.base_share_pct, 1, rank)  # (3, *b)
    share_sum = share.sum(axis=0)
    if sectors.residual == "normalise":
        base_levels = share / share_sum * sectors.base_total
    else:
        base_levels = share / 100.0 * sectors.base_total
    growth = to_time_major(sectors.growth_pct, 2, rank)  # (3, T, *b)
    batch = np.broadcast_shapes(share.shape[1:], growth.shape[2:])
    other_rate = None
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        other_rate = to_time_major(sectors.residual_growth_pct, 1, rank)
        batch = np.broadcast_shapes(batch, other_rate.shape[1:])
    if out is None:
        out = np.empty((len(_blocks(sectors)), growth.shape[1] + 1) + batch)
    for s in range(len(SECTORS)):
        compound_into(base_levels[s], growth[s], out[s])
    if sectors.residual == "other":
        other_base = (100.0 - share_sum) / 100.0 * sectors.base_total
        if other_rate is None:  # grows with the three-sector aggregate: its share is constant
            other = out[3]
            out[:3].sum(axis=0, out=other)
            three_base = other[:1].copy()
            np.multiply(other_base, other, out=other)
            other /= three_base
        else:
            compound_into(other_base, other_rate, out[3])
    return out


@dataclass(frozen=True)
class LevelArrays:
    """The levels of one run, time-major (every array may be a view of a caller's buffer).

    blocks:     (S, T + 1, *b) output of each block.
    total:      (T + 1, *b) total output.
    indicators: name -> (T + 1, *b) levels of each linked indicator and derived sum.
    """

    blocks: np.ndarray
    total: np.ndarray
    indicators: Mapping[str, np.ndarray]


def levels_into(inputs: ModelInputs, rank: int, out: LevelArrays | None = None) -> LevelArrays:
    """The model's levels, time-major with `rank` batch axes: sectors, total, linked indicators
    and derived sums, written into the arrays of `out` (new arrays, each of its own batch
    shape, if None). Returns the arrays written."""
    blocks = _sector_levels_into(inputs.sectors, rank, None if out is None else out.blocks)
    total = np.empty(blocks.shape[1:]) if out is None else out.total
    blocks.sum(axis=0, out=total)
    total_growth = np.empty((total.shape[0] - 1,) + total.shape[1:])
    yoy_into(total, total_growth)
    indicators: dict[str, np.ndarray] = {}
    for name, linked in inputs.indicators.items():
        rate = linked_rate(linked, total_growth, rank)
        base = to_time_major(linked.base, 0, rank)
        if out is None:
            shape = np.broadcast_shapes(base.shape, rate.shape[1:], total.shape[1:])
            indicators[name] = np.empty(total.shape[:1] + shape)
        else:
            indicators[name] = out.indicators[name]
        compound_into(base, rate, indicators[name])
    for name, parts in DERIVED_SUMS.items():
        if parts[0] not in indicators:
            continue
        present = [indicators[p] for p in parts if p in indicators]
        if out is None:
            indicators[name] = np.empty(np.broadcast_shapes(*(p.shape for p in present)))
        else:
            indicators[name] = out.indicators[name]
        _sum_into(present, indicators[name])
    return LevelArrays(blocks, total, indicators)


def _sum_into(parts: list[np.ndarray], out: np.ndarray) -> None:
    """out = parts[0] + parts[1] + ..., added in that order."""
    if len(parts) == 1:
        np.copyto(out, parts[0])
    else:
        np.add(parts[0], parts[1], out=out)
    for part in parts[2:]:
        out += part


# ----------------------------------------------------------------------------- series names


def _series_names(blocks: tuple[str, ...], indicators: Collection[str]) -> tuple[str, ...]:
    levels = [names.output(b) for b in blocks] + [names.output(names.TOTAL)]
    growing = levels + list(indicators)
    return tuple(
        levels
        + [names.share(b) for b in blocks]
        + list(indicators)
        + [names.growth(n) for n in growing]
        + [names.cagr(n) for n in growing]
    )


def series_names(inputs: ModelInputs) -> tuple[str, ...]:
    """Names of the series of `projection_series(project(inputs))`, in its order."""
    indicators = list(inputs.indicators)
    indicators += [n for n, parts in DERIVED_SUMS.items() if parts[0] in inputs.indicators]
    return _series_names(_blocks(inputs.sectors), indicators)


# ----------------------------------------------------------------------------- public, time-last


def compound_levels(base: np.ndarray | float, growth_pct: np.ndarray) -> np.ndarray:
    """Levels that compound from `base` at `growth_pct` per period.

    base: (...) level in the base year; growth_pct: (..., T) % per year.
    Returns (..., T + 1): base, base * (1 + g1), base * (1 + g1) * (1 + g2), ...
    """
    batch = np.broadcast_shapes(_batch_of(base, 0), _batch_of(growth_pct, 1))
    growth = to_time_major(growth_pct, 1, len(batch))
    levels = np.empty((growth.shape[0] + 1,) + batch)
    compound_into(to_time_major(base, 0, len(batch)), growth, levels)
    return to_time_last(levels, 1, batch)


def yoy_growth_pct(levels: np.ndarray) -> np.ndarray:
    """Year-on-year growth in %: (..., T + 1) levels -> (..., T) rates."""
    batch = _batch_of(levels, 1)
    tm = to_time_major(levels, 1, len(batch))
    growth = np.empty((tm.shape[0] - 1,) + batch)
    yoy_into(tm, growth)
    return to_time_last(growth, 1, batch)


def cagr_pct(levels: np.ndarray) -> np.ndarray:
    """Compound annual growth from the base year to each later year, in %.

    levels: (..., T + 1). Returns (..., T); element t is the average growth over the first t + 1
    years, so the last element is the growth of the whole horizon.
    """
    batch = _batch_of(levels, 1)
    tm = to_time_major(levels, 1, len(batch))
    cagr = np.empty((tm.shape[0] - 1,) + batch)
    cagr_into(tm, cagr)
    return to_time_last(cagr, 1, batch)


def shares_pct(block_levels: np.ndarray) -> np.ndarray:
    """Shares of each block in the total, in %: (..., S, T + 1) -> (..., S, T + 1)."""
    batch = _batch_of(block_levels, 2)
    tm = to_time_major(block_levels, 2, len(batch))
    shares = np.empty(tm.shape)
    shares_into(tm, tm.sum(axis=0), shares)
    return to_time_last(shares, 2, batch)


def project_sectors(sectors: SectorInputs) -> tuple[tuple[str, ...], np.ndarray]:
    """Compound each sector at its own rate; returns (block names, (..., S, T + 1) levels).

    The "other" block (residual "other") starts at 100 % minus the sector shares and grows
    with the three-sector aggregate, or at residual_growth_pct when given.
    """
    blocks = _blocks(sectors)
    batch = _sector_batch(sectors)
    levels = _sector_levels_into(sectors, len(batch), None)
    return blocks, to_time_last(levels, 2, batch)


def linked_growth_pct(linked: LinkedInputs, total_growth_pct: np.ndarray) -> np.ndarray:
    """Growth of a linked indicator in each year, % per year: (..., T).

    total_growth_pct: (..., T) year-on-year growth of total output.
    """
    batch = _linked_batch(linked, _batch_of(total_growth_pct, 1))
    total_growth = to_time_major(total_growth_pct, 1, len(batch))
    rate = linked_rate(linked, total_growth, len(batch))
    shape = total_growth.shape[:1] + batch
    return to_time_last(rate if rate.shape == shape else np.broadcast_to(rate, shape), 1, batch)


def project(inputs: ModelInputs) -> Projection:
    """Run the whole model: sectors, total, linked indicators and derived sums."""
    blocks = _blocks(inputs.sectors)
    levels = levels_into(inputs, len(batch_shape(inputs)))
    output = _sector_batch(inputs.sectors)
    batch = {name: _indicator_batch(linked, output) for name, linked in inputs.indicators.items()}
    for name, parts in DERIVED_SUMS.items():
        if name in levels.indicators:
            batch[name] = np.broadcast_shapes(*(batch[p] for p in parts if p in batch))
    return Projection(
        years=np.asarray(inputs.years),
        blocks=blocks,
        block_levels=to_time_last(levels.blocks, 2, output),
        total=to_time_last(levels.total, 1, output),
        indicators={
            name: to_time_last(values, 1, batch[name]) for name, values in levels.indicators.items()
        },
    )


def projection_series(projection: Projection) -> dict[str, np.ndarray]:
    """Every reported indicator as name -> (..., T + 1) array, base year first.

    Names are the stable public ones: output.<block>, output.total, share.<block> (%),
    growth.<x> (year-on-year %, NaN in the base year), cagr.<x> (average % per year from the
    base year to that year, NaN in the base year), and each linked indicator by its own name;
    in the order of `series_names`.
    """
    blocks = projection.blocks
    output = _batch_of(projection.block_levels, 2)
    growing = {
        names.output(b): (projection.block_levels[..., i, :], output) for i, b in enumerate(blocks)
    }
    growing[names.output(names.TOTAL)] = (projection.total, output)
    series = {name: values for name, (values, _) in growing.items()}  # the output levels
    growing.update({n: (v, _batch_of(v, 1)) for n, v in projection.indicators.items()})
    rank = max(len(b) for _, b in growing.values())
    block_levels = to_time_major(projection.block_levels, 2, rank)
    shares = np.empty(block_levels.shape)
    shares_into(block_levels, to_time_major(projection.total, 1, rank), shares)
    shares = to_time_last(shares, 2, output)
    series.update({names.share(b): shares[..., i, :] for i, b in enumerate(blocks)})
    series.update(projection.indicators)
    for kind, rate_name in (("growth", names.growth), ("cagr", names.cagr)):
        for name, (values, batch) in growing.items():
            levels = to_time_major(values, 1, rank)
            rates = np.empty(levels.shape)
            rate_series_into(kind, levels, rates)
            series[rate_name(name)] = to_time_last(rates, 1, batch)
    return series
