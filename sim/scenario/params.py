"""From a Scenario to model arrays, with any numeric parameter replaceable by an array of values.

Parameters are named by their key path in the scenario file, e.g. `sectors.services.growth_pct`,
`sectors.services.growth_pct_by_year.2021`, `indicators.budget_revenue.elasticity`. Passing
`values={"sectors.services.growth_pct": np.array([15.5, 16.5])}` gives a model input with a
leading axis of two draws: this is how sweeps, Monte Carlo and goal seeking run the model in one
vectorised call.

`build_inputs` only translates: the numbers as the scenario gives them, no model run. A scenario
that states its shares and base values for a later year (`anchor_year`) or calibrates its sector
rates to a reported total (`[calibration]`) needs two further steps, which run the model:
`sim.run.calibrate` and `sim.run.back_cast` (`sim.run.model_inputs` does all three).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.core.model import SECTORS, LinkedInputs, ModelInputs, SectorInputs
from sim.core.names import ParameterPath, indicator_path, sector_path
from sim.scenario.parameters import numeric_parameters  # (re-exported: its old home)
from sim.scenario.values import Scenario

__all__ = [
    "numeric_parameters",
    "build_inputs",
    "UnknownParameterError",
]


class UnknownParameterError(KeyError):
    """A parameter path that the scenario does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def _yearly(
    default: np.ndarray | float,
    by_year: Mapping[int, float],
    rate: ParameterPath,
    base_year: int,
    horizon: int,
    values: Mapping[str, np.ndarray],
) -> np.ndarray:
    """(..., T) rates: `default` every year, then the by-year overrides (each replaceable, by
    the path `rate.in_year(year)`; rate: the path of the yearly rate).

    The array is a time-last view of time-major memory (years first, draws contiguous), the
    layout `sim.core.model` computes in: the model then reads each year's rates as one contiguous
    row instead of gathering them at a stride of T values (measured: a fifth of a Monte Carlo
    chunk's model time). Without overrides, an array `default` (draws) is repeated as a read-only
    view (no copy; `sim.analysis.montecarlo.layout.first_equal_rate_years` then sees at once
    that every year's rate is the same), and a single number becomes a (T,) array."""
    default = np.asarray(default, dtype=float)
    if not by_year and default.ndim == 0:
        return np.full(horizon, float(default))  # (np.broadcast_to costs ~6 us a call)
    if not by_year:
        return _time_last(np.broadcast_to(default, (horizon,) + default.shape), 1)
    overrides = {
        year: np.asarray(values.get(str(rate.in_year(year)), given), dtype=float)
        for year, given in by_year.items()
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


def build_inputs(
    scenario: Scenario, values: Mapping[str, np.ndarray | float] | None = None
) -> ModelInputs:
    """Model inputs for `scenario` as it gives them, with the parameters named in `values`
    replaced: shares and base values of `scenario.level_year`, sector rates as written (see the
    module docstring for the steps that complete them).

    values: path -> scalar or (N,) array; all arrays must share the same length N (the draws).
    Raises UnknownParameterError for a path that is not a numeric parameter of the scenario.
    """
    replaced = {k: np.asarray(v, dtype=float) for k, v in (values or {}).items()}
    known = numeric_parameters(scenario)
    unknown = [k for k in replaced if k not in known]
    if unknown:
        raise UnknownParameterError(
            f"scenario '{scenario.name}' has no numeric parameter {', '.join(unknown)}; "
            f"known: {', '.join(known)}"
        )
    parameters = {path: replaced.get(path, np.asarray(known[path], dtype=float)) for path in known}
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    return ModelInputs(
        years=years,
        sectors=_sector_inputs(scenario, parameters, replaced),
        indicators={
            name: _linked_inputs(scenario, name, parameters, replaced)
            for name in scenario.indicators
        },
    )


def _sector_inputs(
    scenario: Scenario, parameters: Mapping[str, np.ndarray], values: Mapping[str, np.ndarray]
) -> SectorInputs:
    """The production-value block: parameters is path -> value (replaced or the scenario's)."""
    horizon, base_year = scenario.horizon_years, scenario.base_year
    share = np.stack(
        np.broadcast_arrays(*[parameters[sector_path(s, "share_pct")] for s in SECTORS]), axis=-1
    )
    growth = [
        _yearly(
            parameters[sector_path(s, "growth_pct")],
            scenario.sectors[s].growth_pct_by_year,
            ParameterPath.sector(s, "growth_pct"),
            base_year,
            horizon,
            values,
        )
        for s in SECTORS
    ]
    residual_growth = None
    if scenario.residual_growth_pct is not None:
        path = ParameterPath.parse("structure.residual_growth_pct")  # no single-year rates
        residual_growth = _yearly(parameters[str(path)], {}, path, base_year, horizon, values)
    return SectorInputs(
        base_share_pct=share,
        growth_pct=_stack_time_major(growth),
        base_total=scenario.base_total_bn_vnd or 100.0,
        residual=scenario.residual or "normalise",
        residual_growth_pct=residual_growth,
    )


def _linked_inputs(
    scenario: Scenario,
    name: str,
    parameters: Mapping[str, np.ndarray],
    values: Mapping[str, np.ndarray],
) -> LinkedInputs:
    """One linked indicator: its rule's parameter, its base and its single-year overrides."""
    ind = scenario.indicators[name]
    horizon, base_year = scenario.horizon_years, scenario.base_year
    rate = ParameterPath.indicator(name, "growth_pct")  # its by-year overrides, either rule
    override = _yearly(np.nan, ind.growth_pct_by_year, rate, base_year, horizon, values)
    growth: np.ndarray | None = None
    elasticity: np.ndarray | None = None
    if ind.rule == "growth":
        growth = _yearly(parameters[str(rate)], {}, rate, base_year, horizon, values)
    elif ind.rule == "elasticity":
        elasticity = parameters[indicator_path(name, "elasticity")]
    return LinkedInputs(
        base=parameters[indicator_path(name, "base")],
        growth_pct=growth,
        elasticity=elasticity,
        override_pct=override,
    )
