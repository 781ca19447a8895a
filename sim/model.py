"""The projection core: pure functions on numpy arrays.

No files, no printing, no plotting and no random draws happen here. Every array may carry any
number of leading batch axes (a Monte Carlo "draws" axis, a sweep axis, ...); the time axis is
always last. Rates are in per cent per year, as the source writes them (16.0 = 16 %/yr).

Shapes used in the docstrings:
    ...   leading batch axes (absent for a single scenario)
    S     sector blocks (services, industry, agriculture, and "other" when the residual is kept)
    T     growth years (base_year + 1 .. end_year); levels have T + 1 points (base year first)
"""

from __future__ import annotations

from collections.abc import Mapping
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
    "shares_pct",
    "project_sectors",
    "linked_growth_pct",
    "project",
    "projection_series",
]

SECTORS: tuple[str, ...] = ("services", "industry", "agriculture")
"""Sector keys: services; industry and construction; agriculture, forestry and fishery."""

RESIDUAL_TREATMENTS: tuple[str, ...] = ("normalise", "other")
"""How base shares that do not sum to 100 % are treated.

normalise: scale the sector shares so they sum to 100 %.
other:     keep the gap as an "other" block (figures.md c1: probably product taxes less subsidies)
           that grows with the three-sector aggregate unless given its own rate.
"""

OTHER_BLOCK = "other"

DERIVED_SUMS: Mapping[str, tuple[str, ...]] = {
    # Budget revenue including land-use fees = the source's 290-concept line + the land-use line.
    "budget_revenue_total": ("budget_revenue", "land_use_revenue"),
}


def compound_levels(base: np.ndarray | float, growth_pct: np.ndarray) -> np.ndarray:
    """Levels that compound from `base` at `growth_pct` per period.

    base: (...) level in the base year; growth_pct: (..., T) % per year.
    Returns (..., T + 1): base, base * (1 + g1), base * (1 + g1) * (1 + g2), ...
    """
    base = np.asarray(base, dtype=float)
    factors = 1.0 + np.asarray(growth_pct, dtype=float) / 100.0
    batch = np.broadcast_shapes(base.shape, factors.shape[:-1])
    levels = np.empty(batch + (factors.shape[-1] + 1,))
    levels[..., 0] = base
    np.cumprod(np.broadcast_to(factors, batch + factors.shape[-1:]), axis=-1, out=levels[..., 1:])
    levels[..., 1:] *= base[..., None]
    return levels


def yoy_growth_pct(levels: np.ndarray) -> np.ndarray:
    """Year-on-year growth in %: (..., T + 1) levels -> (..., T) rates."""
    levels = np.asarray(levels, dtype=float)
    return (levels[..., 1:] / levels[..., :-1] - 1.0) * 100.0


def cagr_pct(levels: np.ndarray) -> np.ndarray:
    """Compound annual growth from the base year to each later year, in %.

    levels: (..., T + 1). Returns (..., T); element t is the average growth over the first t + 1
    years, so the last element is the growth of the whole horizon.
    """
    levels = np.asarray(levels, dtype=float)
    years = np.arange(1, levels.shape[-1])
    return ((levels[..., 1:] / levels[..., :1]) ** (1.0 / years) - 1.0) * 100.0


def shares_pct(block_levels: np.ndarray) -> np.ndarray:
    """Shares of each block in the total, in %: (..., S, T + 1) -> (..., S, T + 1)."""
    block_levels = np.asarray(block_levels, dtype=float)
    return block_levels / block_levels.sum(axis=-2, keepdims=True) * 100.0


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
    """Everything the model needs, as arrays. Built from a scenario by `sim.params`."""

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


def project_sectors(sectors: SectorInputs) -> tuple[tuple[str, ...], np.ndarray]:
    """Compound each sector at its own rate; returns (block names, (..., S, T + 1) levels)."""
    share = np.asarray(sectors.base_share_pct, dtype=float)
    share_sum = share.sum(axis=-1, keepdims=True)
    if sectors.residual == "normalise":
        base_levels = share / share_sum * sectors.base_total
    elif sectors.residual == "other":
        base_levels = share / 100.0 * sectors.base_total
    else:
        raise ValueError(f"residual must be one of {RESIDUAL_TREATMENTS}, not {sectors.residual!r}")
    levels = compound_levels(base_levels, sectors.growth_pct)
    if sectors.residual == "normalise":
        return SECTORS, levels
    other_base = (100.0 - share_sum[..., 0]) / 100.0 * sectors.base_total
    if sectors.residual_growth_pct is None:
        three_sector_total = levels.sum(axis=-2)
        other = other_base[..., None] * three_sector_total / three_sector_total[..., :1]
    else:
        other = compound_levels(other_base, sectors.residual_growth_pct)
    other = np.broadcast_to(other, levels.shape[:-2] + other.shape[-1:])
    return SECTORS + (OTHER_BLOCK,), np.concatenate([levels, other[..., None, :]], axis=-2)


def linked_growth_pct(linked: LinkedInputs, total_growth_pct: np.ndarray) -> np.ndarray:
    """Growth of a linked indicator in each year, % per year: (..., T).

    total_growth_pct: (..., T) year-on-year growth of total output.
    """
    if linked.elasticity is not None:
        elasticity = np.asarray(linked.elasticity, dtype=float)
        rate = elasticity[..., None] * total_growth_pct
    else:
        rate = np.asarray(linked.growth_pct, dtype=float)
        if rate.ndim == 0:
            rate = rate[None]  # one rate for every year
        rate = np.broadcast_to(rate, np.broadcast_shapes(rate.shape, total_growth_pct.shape))
    if linked.override_pct is None:
        return rate
    override = np.asarray(linked.override_pct, dtype=float)
    return np.where(np.isnan(override), rate, override)


def project(inputs: ModelInputs) -> Projection:
    """Run the whole model: sectors, total, linked indicators and derived sums."""
    blocks, block_levels = project_sectors(inputs.sectors)
    total = block_levels.sum(axis=-2)
    total_growth = yoy_growth_pct(total)
    indicators: dict[str, np.ndarray] = {}
    for name, linked in inputs.indicators.items():
        base = np.asarray(linked.base, dtype=float)
        indicators[name] = compound_levels(base, linked_growth_pct(linked, total_growth))
    for name, parts in DERIVED_SUMS.items():
        present = [indicators[p] for p in parts if p in indicators]
        if parts[0] in indicators:
            indicators[name] = sum(present[1:], present[0])
    return Projection(
        years=np.asarray(inputs.years),
        blocks=blocks,
        block_levels=block_levels,
        total=total,
        indicators=indicators,
    )


def _pad_base_year(rates: np.ndarray) -> np.ndarray:
    """(..., T) rates -> (..., T + 1) with NaN in the base year, where no rate exists."""
    pad = np.full(rates.shape[:-1] + (1,), np.nan)
    return np.concatenate([pad, rates], axis=-1)


def projection_series(projection: Projection) -> dict[str, np.ndarray]:
    """Every reported indicator as name -> (..., T + 1) array, base year first.

    Names are the stable public ones: output.<block>, output.total, share.<block> (%),
    growth.<x> (year-on-year %, NaN in the base year), cagr.<x> (average % per year from the
    base year to that year, NaN in the base year), and each linked indicator by its own name.
    """
    series: dict[str, np.ndarray] = {}
    shares = shares_pct(projection.block_levels)
    for i, block in enumerate(projection.blocks):
        series[f"output.{block}"] = projection.block_levels[..., i, :]
    series["output.total"] = projection.total
    for i, block in enumerate(projection.blocks):
        series[f"share.{block}"] = shares[..., i, :]
    series.update(projection.indicators)
    growing = [f"output.{b}" for b in projection.blocks] + ["output.total"]
    growing += list(projection.indicators)
    for name in growing:
        short = name.removeprefix("output.")
        series[f"growth.{short}"] = _pad_base_year(yoy_growth_pct(series[name]))
    for name in growing:
        short = name.removeprefix("output.")
        series[f"cagr.{short}"] = _pad_base_year(cagr_pct(series[name]))
    return series
