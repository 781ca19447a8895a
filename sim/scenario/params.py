"""From a Scenario to model arrays, with any numeric parameter replaceable by an array of values.

Parameters are named by their key path in the scenario file, e.g. `sectors.services.growth_pct`,
`sectors.services.growth_pct_by_year.2021`, `indicators.budget_revenue.elasticity`. Passing
`values={"sectors.services.growth_pct": np.array([15.5, 16.5])}` gives a model input with a
leading axis of two draws: this is how sweeps, Monte Carlo and goal seeking run the model in one
vectorised call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np

from sim.core.model import (
    SECTORS,
    LinkedInputs,
    ModelInputs,
    SectorInputs,
    cagr_pct,
    linked_growth_pct,
    project_sectors,
    yoy_growth_pct,
)
from sim.scenario.parameters import numeric_parameters  # (re-exported: its old home)
from sim.scenario.values import Problem, Scenario, ScenarioError

__all__ = [
    "numeric_parameters",
    "build_inputs",
    "calibration_shift_pct",
    "CALIBRATION_SHIFT_MAX_POINTS",
    "UnknownParameterError",
]


class UnknownParameterError(KeyError):
    """A parameter path that the scenario does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def _yearly(
    default: np.ndarray,
    by_year: Mapping[int, float],
    prefix: str,
    base_year: int,
    horizon: int,
    values: Mapping[str, np.ndarray],
) -> np.ndarray:
    """(..., T) rates: `default` every year, then the by-year overrides (each replaceable).

    The array is a time-last view of time-major memory (years first, draws contiguous), the
    layout `sim.core.model` computes in: the model then reads each year's rates as one contiguous
    row instead of gathering them at a stride of T values (measured: a fifth of a Monte Carlo
    chunk's model time). Without overrides, an array `default` (draws) is repeated as a read-only
    view (no copy; `sim.core.model.first_equal_rate_years` then sees at once that every year's rate is
    the same), and a single number becomes a (T,) array."""
    default = np.asarray(default, dtype=float)
    if not by_year and default.ndim == 0:
        return np.full(horizon, float(default))  # (np.broadcast_to costs ~6 us a call)
    if not by_year:
        return _time_last(np.broadcast_to(default, (horizon,) + default.shape), 1)
    overrides = {
        year: np.asarray(values.get(f"{prefix}.{year}", rate), dtype=float)
        for year, rate in by_year.items()
    }
    batch = np.broadcast_shapes(default.shape, *(value.shape for value in overrides.values()))
    rates = np.empty((horizon,) + batch)
    rates[...] = default
    for year, value in overrides.items():
        rates[year - base_year - 1] = value
    return _time_last(rates, 1)


def _time_last(array: np.ndarray, core: int) -> np.ndarray:
    """A view (*batch, *core axes) of a time-major array (*core axes, *batch)."""
    return array.transpose(tuple(range(core, array.ndim)) + tuple(range(core)))


def _stack_time_major(rates: Sequence[np.ndarray]) -> np.ndarray:
    """(..., S, T) from S arrays (..., T), as a view of time-major (S, T, ...) memory."""
    batch = np.broadcast_shapes(*(np.shape(r)[:-1] for r in rates))
    years = np.shape(rates[0])[-1]
    stacked = np.empty((len(rates), years) + batch)
    for s, rate in enumerate(rates):  # (transpose: np.moveaxis costs ~10 us a call)
        rate = np.asarray(rate)
        if rate.shape != batch + (years,):
            rate = np.broadcast_to(rate, batch + (years,))
        stacked[s] = rate.transpose((rate.ndim - 1,) + tuple(range(rate.ndim - 1)))
    return _time_last(stacked, 2)


def _back_cast_sectors(sectors: SectorInputs, anchor: int) -> SectorInputs:
    """Sector inputs whose shares are given for year index `anchor` (0 = the base year): the
    base-year shares that compound to them. The index stays base-year total = 100."""
    if anchor == 0:
        return sectors
    _blocks, levels = project_sectors(sectors)  # the given shares taken as a starting point
    growth_to_anchor = levels[..., :3, anchor] / levels[..., :3, 0]
    base = levels[..., :3, 0] / growth_to_anchor  # the anchor-year levels, back-cast
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        other = levels[..., 3, 0] / (levels[..., 3, anchor] / levels[..., 3, 0])
    elif sectors.residual == "other":  # the block keeps its share: the same share at the base
        share_sum = np.asarray(sectors.base_share_pct, dtype=float).sum(axis=-1)
        other = base.sum(axis=-1) * (100.0 - share_sum) / share_sum
    else:
        other = np.zeros(base.shape[:-1])
    total = base.sum(axis=-1) + other
    return replace(sectors, base_share_pct=base / total[..., None] * 100.0)


def _total_cagr_pct(sectors: SectorInputs, anchor: int) -> np.ndarray:
    """Average growth of total output over the whole projection, % per year: (...)."""
    _blocks, levels = project_sectors(_back_cast_sectors(sectors, anchor))
    return cagr_pct(levels.sum(axis=-2))[..., -1]


CALIBRATION_SHIFT_MAX_POINTS = 50.0
"""The most a calibration may shift the adjusted sectors' growth, points per year either way."""


def calibration_shift_pct(scenario: Scenario, sectors: SectorInputs, anchor: int) -> np.ndarray:
    """The common shift, in points of growth, of the calibrated sectors' rates (every year) that
    makes total output grow `scenario.calibration_total_cagr_pct` on average: (...).

    Bisection on [-50, 50] points (total growth rises with the shift); 60 halvings leave an
    error far below 1e-10 points. Raises ScenarioError when the total is out of reach within
    those shifts (it was silently clamped to the nearest end), with the reachable range.
    """
    target = scenario.calibration_total_cagr_pct
    mask = np.array([s in scenario.calibration_sectors for s in SECTORS], dtype=float)
    growth = np.asarray(sectors.growth_pct, dtype=float)

    def total_with(shift: np.ndarray) -> np.ndarray:
        shifted = replace(sectors, growth_pct=growth + shift[..., None, None] * mask[:, None])
        return _total_cagr_pct(shifted, anchor)

    batch = growth.shape[:-2]
    low = np.full(batch, -CALIBRATION_SHIFT_MAX_POINTS)
    high = np.full(batch, CALIBRATION_SHIFT_MAX_POINTS)
    _check_reachable(scenario, total_with(low), total_with(high))
    for _ in range(60):
        middle = (low + high) / 2.0
        above = total_with(middle) > target
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return (low + high) / 2.0


def _check_reachable(scenario: Scenario, lowest: np.ndarray, highest: np.ndarray) -> None:
    """Raise ScenarioError unless the calibration target lies within [lowest, highest] (%/yr,
    the total growth at the largest shifts down and up), naming the reachable range."""
    target = scenario.calibration_total_cagr_pct
    # NaN (a broken draw) also fails `lowest <= target <= highest`: it is refused, not clamped.
    outside = ~((lowest <= target) & (target <= highest))
    if not outside.any():
        return
    first = np.flatnonzero(outside.ravel())[0]
    low, high = float(lowest.ravel()[first]), float(highest.ravel()[first])
    draws = f" (in {outside.sum()} of {outside.size} draws)" if outside.ndim else ""
    key = "calibration.total_cagr_pct"
    given = [s for s in scenario.settings if s.replace(" ", "").startswith(f"{key}=")]
    rule = (
        f"out of reach{draws}: shifting the growth of {', '.join(scenario.calibration_sectors)} "
        f"by -{CALIBRATION_SHIFT_MAX_POINTS:g} to +{CALIBRATION_SHIFT_MAX_POINTS:g} points a year "
        f"(the most a calibration may move them) gives {low:.2f} to {high:.2f} %/yr on average "
        f"{scenario.base_year}-{scenario.end_year}; give a total in that range"
    )
    if len(scenario.calibration_sectors) < len(SECTORS):
        rule += ", or adjust more sectors"
    source = f"--set {given[-1]}" if given else str(scenario.files[0])
    raise ScenarioError([Problem(source, key, target, rule)])


def build_inputs(
    scenario: Scenario, values: Mapping[str, np.ndarray | float] | None = None
) -> ModelInputs:
    """Model inputs for `scenario`, with the parameters named in `values` replaced.

    values: path -> scalar or (N,) array; all arrays must share the same length N (the draws).
    Raises UnknownParameterError for a path that is not a numeric parameter of the scenario.
    """
    values = {k: np.asarray(v, dtype=float) for k, v in (values or {}).items()}
    known = numeric_parameters(scenario)
    unknown = [k for k in values if k not in known]
    if unknown:
        raise UnknownParameterError(
            f"scenario '{scenario.name}' has no numeric parameter {', '.join(unknown)}; "
            f"known: {', '.join(known)}"
        )

    def value(path: str) -> np.ndarray:
        return values.get(path, np.asarray(known[path], dtype=float))

    horizon, base_year = scenario.horizon_years, scenario.base_year
    share = np.stack(
        np.broadcast_arrays(*[value(f"sectors.{s}.share_pct") for s in SECTORS]), axis=-1
    )
    growth = [
        _yearly(
            value(f"sectors.{s}.growth_pct"),
            scenario.sectors[s].growth_pct_by_year,
            f"sectors.{s}.growth_pct_by_year",
            base_year,
            horizon,
            values,
        )
        for s in SECTORS
    ]
    growth_pct = _stack_time_major(growth)
    residual_growth = None
    if scenario.residual_growth_pct is not None:
        residual_growth = _yearly(
            value("structure.residual_growth_pct"), {}, "", base_year, horizon, values
        )
    sectors = SectorInputs(
        base_share_pct=share,
        growth_pct=growth_pct,
        base_total=scenario.base_total_bn_vnd or 100.0,
        residual=scenario.residual or "normalise",
        residual_growth_pct=residual_growth,
    )
    anchor = scenario.level_year - base_year  # index of the year the shares and bases describe
    if scenario.calibration_total_cagr_pct is not None:
        shift = calibration_shift_pct(scenario, sectors, anchor)
        mask = np.array([s in scenario.calibration_sectors for s in SECTORS], dtype=float)
        sectors = replace(sectors, growth_pct=growth_pct + shift[..., None, None] * mask[:, None])
    sectors = _back_cast_sectors(sectors, anchor)
    total_growth = yoy_growth_pct(project_sectors(sectors)[1].sum(axis=-2)) if anchor else None

    indicators: dict[str, LinkedInputs] = {}
    for name, ind in scenario.indicators.items():
        prefix = f"indicators.{name}"
        override = _yearly(
            np.nan,
            ind.growth_pct_by_year,
            f"{prefix}.growth_pct_by_year",
            base_year,
            horizon,
            values,
        )
        linked = LinkedInputs(
            base=value(f"{prefix}.base"),
            growth_pct=_yearly(
                value(f"{prefix}.growth_pct"), {}, prefix, base_year, horizon, values
            )
            if ind.rule == "growth"
            else None,
            elasticity=value(f"{prefix}.elasticity") if ind.rule == "elasticity" else None,
            override_pct=override,
        )
        if anchor:  # the base value is given for the anchor year: back-cast it
            rates = linked_growth_pct(linked, total_growth)[..., :anchor]
            factor = np.prod(1.0 + rates / 100.0, axis=-1)
            linked = replace(linked, base=np.asarray(linked.base, dtype=float) / factor)
        indicators[name] = linked
    years = np.arange(base_year, scenario.end_year + 1)
    return ModelInputs(years=years, sectors=sectors, indicators=indicators)
