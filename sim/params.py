"""From a Scenario to model arrays, with any numeric parameter replaceable by an array of values.

Parameters are named by their key path in the scenario file, e.g. `sectors.services.growth_pct`,
`sectors.services.growth_pct_by_year.2021`, `indicators.budget_revenue.elasticity`. Passing
`values={"sectors.services.growth_pct": np.array([15.5, 16.5])}` gives a model input with a
leading axis of two draws: this is how sweeps, Monte Carlo and goal seeking run the model in one
vectorised call.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .model import SECTORS, LinkedInputs, ModelInputs, SectorInputs
from .scenario import Scenario

__all__ = ["numeric_parameters", "build_inputs", "UnknownParameterError"]


class UnknownParameterError(KeyError):
    """A parameter path that the scenario does not have."""

    def __str__(self) -> str:
        return str(self.args[0])


def numeric_parameters(scenario: Scenario) -> dict[str, float]:
    """Every numeric model parameter of the scenario, path -> value, in a stable order."""
    params: dict[str, float] = {}
    for name in SECTORS:
        sector = scenario.sectors[name]
        params[f"sectors.{name}.share_pct"] = sector.share_pct
        params[f"sectors.{name}.growth_pct"] = sector.growth_pct
        for year, rate in sector.growth_pct_by_year.items():
            params[f"sectors.{name}.growth_pct_by_year.{year}"] = rate
    if scenario.residual_growth_pct is not None:
        params["structure.residual_growth_pct"] = scenario.residual_growth_pct
    for name, ind in scenario.indicators.items():
        params[f"indicators.{name}.base"] = ind.base
        if ind.rule == "growth":
            params[f"indicators.{name}.growth_pct"] = ind.growth_pct
        else:
            params[f"indicators.{name}.elasticity"] = ind.elasticity
        for year, rate in ind.growth_pct_by_year.items():
            params[f"indicators.{name}.growth_pct_by_year.{year}"] = rate
    return params


def _yearly(
    default: np.ndarray,
    by_year: Mapping[int, float],
    prefix: str,
    base_year: int,
    horizon: int,
    values: Mapping[str, np.ndarray],
) -> np.ndarray:
    """(..., T) rates: `default` every year, then the by-year overrides (each replaceable)."""
    rates = np.repeat(np.asarray(default, dtype=float)[..., None], horizon, axis=-1)
    for year, rate in by_year.items():
        value = np.asarray(values.get(f"{prefix}.{year}", rate), dtype=float)
        rates = np.broadcast_to(rates, np.broadcast_shapes(rates.shape, value.shape + (1,))).copy()
        rates[..., year - base_year - 1] = value
    return rates


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
    growth_pct = np.stack(np.broadcast_arrays(*growth), axis=-2)
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
        indicators[name] = LinkedInputs(
            base=value(f"{prefix}.base"),
            growth_pct=_yearly(value(f"{prefix}.growth_pct"), {}, prefix, base_year, horizon, values)
            if ind.rule == "growth"
            else None,
            elasticity=value(f"{prefix}.elasticity") if ind.rule == "elasticity" else None,
            override_pct=override,
        )
    years = np.arange(base_year, scenario.end_year + 1)
    return ModelInputs(years=years, sectors=sectors, indicators=indicators)
