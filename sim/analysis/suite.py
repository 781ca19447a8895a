"""`--sensitivity`: every analysis of `sim.analysis.sensitivity` for every scenario.

`run_sensitivity` is pure: it reports progress through an optional callback (the command line
passes `sim.output.console.ProgressBar`), and `sim.output.files.write_sensitivity_csvs` writes
the tables as the CSV files of `CSV_COLUMNS`. Charts are drawn elsewhere from
`SensitivityResults`.

Randomness: one seed for the whole run. Each scenario's Monte Carlo and Sobol generators are
derived from (seed, the scenario's name, the analysis), so a scenario's results do not change
when other scenarios are added to or removed from the run.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import cast

import numpy as np
import pandas as pd

from sim.analysis.montecarlo.engine import DEFAULT_DRAWS
from sim.analysis.sampling import parameter_ranges
from sim.analysis.sensitivity import (
    GoalSeekResult,
    goal_seek,
    monte_carlo,
    one_at_a_time,
    sobol,
    spider,
    two_way_grid,
)
from sim.analysis.sobol import check_base_sample
from sim.core.model import DERIVED_SUMS
from sim.core.names import ParameterPath, SeriesName, sector_path
from sim.core.targets import Target, target_indicator, within
from sim.scenario.loader import Scenario
from sim.scenario.parameters import numeric_parameters

__all__ = [
    "SensitivityResults",
    "ProgressReport",
    "run_sensitivity",
    "CSV_COLUMNS",
    "SOBOL_BASE_SAMPLE",
    "goal_seeks",
    "seek_paths",
    "default_seek",
    "SEEK_MEASURES",
]

SOBOL_BASE_SAMPLE = 2**14
"""n of the Saltelli design (a power of two: scrambled Sobol' points): bootstrap intervals of
about +/-0.01 on the indices, and a seed-to-seed spread far smaller (benchmarks/RESULTS.md)."""

CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "tornado.csv": (
        "scenario",
        "output",
        "unit",
        "end_year",
        "parameter",
        "low_value",
        "base_value",
        "high_value",
        "output_low",
        "output_base",
        "output_high",
        "swing",
    ),
    "grid.csv": (
        "scenario",
        "services_growth_pct",
        "industry_growth_pct",
        "end_year",
        "total_cagr_pct",
        "budget_indicator",
        "budget_end",
    ),
    "monte_carlo_percentiles.csv": (
        "scenario",
        "indicator",
        "year",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
    ),
    "target_probabilities.csv": ("scenario", "target", "probability"),
    "sobol.csv": (
        "scenario",
        "output",
        "parameter",
        "S1",
        "S1_low",
        "S1_high",
        "ST",
        "ST_low",
        "ST_high",
    ),
    "goal_seek.csv": (
        "scenario",
        "goal",
        "parameter",
        "target",
        "value_found",
        "reachable",
        "bracket_low",
        "bracket_high",
        "note",
    ),
}
"""The files written under <out>/sensitivity and their columns, in order."""

ProgressReport = Callable[[str, int, int], None]
"""on_progress(label, done, total): a long analysis has done `done` of `total` units (draws);
`label` names what it is done for (a Monte Carlo: its scenario's name)."""

WIDE_BRACKETS = {"elasticity": (0.0, 3.0), "growth_pct": (0.0, 40.0)}
"""Brackets of the goal seeks that ask "what value is needed": elasticities 0-3 (the range the
scenario schema accepts without a warning), rates 0-40 %/yr."""


@dataclass(frozen=True)
class SensitivityResults:
    """Every analysis for every scenario, as tidy tables (see the functions that make them).

    seed: the seed used (drawn from the operating system when none was given, and kept so that
    the run can be repeated).
    sobol_n: base sample of the Sobol design (a power of two; the model runs n (k + 2) times).
    """

    tornado: pd.DataFrame
    spider: pd.DataFrame
    grid: pd.DataFrame
    monte_carlo_percentiles: pd.DataFrame
    target_probabilities: pd.DataFrame
    sobol: pd.DataFrame
    goal_seek: pd.DataFrame
    draws: int
    seed: int
    sobol_n: int = 2**14


def _stable_key(name: str) -> int:
    """A number for a scenario name that is the same on every machine (unlike hash())."""
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "little")


def _rng(seed: int, scenario: str, analysis: int) -> np.random.Generator:
    return np.random.default_rng(
        np.random.SeedSequence(seed, spawn_key=(_stable_key(scenario), analysis))
    )


def goal_seeks(scenario: Scenario) -> list[tuple[str, GoalSeekResult]]:
    """The goal seeks of the scenario's plan, as (goal name, result): for each target, each
    parameter of `seek_paths` (within a wide bracket, or for `seek_within_range` within the
    scenario's uncertainty range, or the plan's band for that sector's growth: "is it reachable
    as planned"), the value at which the target's measure reaches its goal (`Target.goal_value`:
    the goal, the "about" figure or the low end of the band: "what it takes to meet it"). The
    goal name is "<target>_via_<sector or indicator>".

    "indicators.<name>" seeks that indicator's rule parameter (its elasticity, or its own growth
    rate under rule = "growth"); a level target's note adds the average growth this implies (290
    -> 600 billion is 15.65 %/yr). A parameter the scenario does not have is left out.
    """
    results = []
    params = numeric_parameters(scenario)
    ranges = parameter_ranges(scenario.uncertainty) if scenario.uncertainty else {}
    for target in scenario.plan.targets:
        value = target.goal_value
        if value is None:
            continue
        for path, within_range in seek_paths(scenario, target):
            parameter = _seek_parameter(scenario, path)
            if parameter is None or parameter not in params:
                continue
            field = "elasticity" if parameter.endswith(".elasticity") else "growth_pct"
            bracket = WIDE_BRACKETS[field]
            if within_range:
                bracket = ranges.get(parameter) or _plan_band(scenario, parameter) or bracket
            found = goal_seek(scenario, parameter, target, value, bracket)
            if found.reachable:
                note = found.note
                if target.measure == "level":
                    note += (
                        f"; {found.indicator} growth {found.indicator_cagr_pct:.2f} %/yr on average"
                    )
                if not within_range:
                    note += _inside(found.value_found, ranges.get(parameter))
                found = replace(found, note=note)
            owner = ParameterPath.parse(parameter).owner
            results.append((f"{target.key}_via_{owner}", found))
    return results


SEEK_MEASURES = ("cagr", "level", "min_each_year")
"""The measures a default goal seek is made for: each is non-decreasing in every parameter
`default_seek` picks while that parameter's own series grows (a rate lifts every later level;
the smallest of non-decreasing levels is non-decreasing). Where it is not (an elasticity on a
driver that shrinks in some year), `goal_seek` still returns a true crossing: the lowest one it
finds, with the number of crossings in its note."""


def seek_paths(scenario: Scenario, target: Target) -> list[tuple[str, bool]]:
    """The parameters a target's goal seeks move, as (path, within_range): the plan's `seek`
    (within a wide bracket) and `seek_within_range`, when the plan gives either (`seek = []`
    alone switches the goal seek off); else the default of the target's indicator
    (`default_seek`), within a wide bracket."""
    if target.seek is not None or target.seek_within_range:
        return [(p, False) for p in target.seek or ()] + [
            (p, True) for p in target.seek_within_range
        ]
    return [(p, False) for p in default_seek(scenario, target)]


def default_seek(scenario: Scenario, target: Target) -> tuple[str, ...]:
    """The parameter that moves a target's indicator, for a target whose plan names none:
    output.<sector> and share.<sector>: that sector's growth rate; output.total: the growth rate
    of the sector with the largest base-year share (the one lever that moves the total most, a
    single row a planner reads as "what services would need, the others as planned"); an
    indicator (budget_concept: the budget line the scenario names; a sum such as
    budget_revenue_total: its first part): "indicators.<name>", its elasticity or own growth
    rate. () for a measure not in SEEK_MEASURES and for a series without a parameter of its own
    (output.other, growth.*, cagr.*) or one the scenario does not have."""
    if target.measure not in SEEK_MEASURES:
        return ()
    indicator = target_indicator(target, scenario.budget_concept)
    indicator = DERIVED_SUMS.get(indicator, (indicator,))[0]
    name = SeriesName.parse(indicator)
    if name.is_indicator:
        return (f"indicators.{name.subject}",) if name.subject in scenario.indicators else ()
    sector = name.subject
    if name.is_output and sector == "total" and scenario.sectors:
        sector = max(scenario.sectors, key=lambda s: scenario.sectors[s].share_pct)
    if (name.is_output or name.is_share) and sector in scenario.sectors:
        return (sector_path(sector, "growth_pct"),)
    return ()


def _seek_parameter(scenario: Scenario, path: str) -> str | None:
    """The parameter a plan's `seek` entry names: "indicators.<name>" is that indicator's rule
    parameter; None for an indicator the scenario does not have."""
    parts = path.split(".")
    if parts[0] == "indicators" and len(parts) == 2:
        indicator = scenario.indicators.get(parts[1])
        if indicator is None:
            return None
        field = "elasticity" if indicator.rule == "elasticity" else "growth_pct"
        return str(ParameterPath.indicator(parts[1], field))
    return path


def _plan_band(scenario: Scenario, parameter: str) -> tuple[float, float] | None:
    """The plan's band for the growth of the sector a parameter belongs to (agriculture 3-4 %/yr
    for sectors.agriculture.growth_pct), or None."""
    owner = ParameterPath.parse(parameter).owner
    for target in scenario.plan.targets:
        if target.indicator == f"output.{owner}" and target.measure == "cagr":
            if target.low is not None and target.high is not None:
                return (target.low, target.high)
    return None


def _inside(value: float, bounds: tuple[float, float] | None) -> str:
    if bounds is None:
        return ""
    where = "inside" if within(value, *bounds) else "outside"
    return f"; {where} the scenario's range {bounds[0]:g}-{bounds[1]:g}"


def run_sensitivity(
    scenarios: Sequence[Scenario],
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    *,
    sobol_n: int = SOBOL_BASE_SAMPLE,
    on_progress: ProgressReport | None = None,
) -> SensitivityResults:
    """Tornado, spider, grid, Monte Carlo, Sobol and goal seek for each scenario.

    Scenarios without an [uncertainty] section get only the grid and the goal seeks (the
    analyses that need no distributions). on_progress(label, done, total) is called after each
    chunk of a Monte Carlo, label the scenario's name, done and total in draws.
    """
    if draws < 1:
        raise ValueError("--draws must be at least 1")
    check_base_sample(sobol_n)  # before any analysis: a wrong n fails at once
    if seed is None:
        seed = int(cast(int, np.random.SeedSequence().entropy) % 2**63)  # a fresh one: an int
    seed = int(seed)
    parts: dict[str, list[pd.DataFrame]] = {key: [] for key in _PARTS}
    for scenario in scenarios:
        parts["grid"].append(two_way_grid(scenario))
        parts["goal_seek"].append(goal_seek_table(scenario))
        if scenario.uncertainty is not None:
            _uncertainty_parts(scenario, draws, seed, sobol_n, on_progress, parts)
    return SensitivityResults(
        tornado=_joined(parts["tornado"], "tornado.csv"),
        spider=_joined(parts["spider"]),
        grid=_joined(parts["grid"], "grid.csv"),
        monte_carlo_percentiles=_joined(parts["percentiles"], "monte_carlo_percentiles.csv"),
        target_probabilities=_joined(parts["probabilities"], "target_probabilities.csv"),
        sobol=_joined(parts["sobol"], "sobol.csv"),
        goal_seek=_joined(parts["goal_seek"], "goal_seek.csv"),
        draws=draws,
        seed=seed,
        sobol_n=sobol_n,
    )


_PARTS = ("tornado", "spider", "grid", "percentiles", "probabilities", "sobol", "goal_seek")


def goal_seek_table(scenario: Scenario) -> pd.DataFrame:
    """The goal seeks of one scenario (`goal_seeks`) as the rows of goal_seek.csv."""
    rows = []
    ranges = parameter_ranges(scenario.uncertainty) if scenario.uncertainty else {}
    for goal, found in goal_seeks(scenario):
        low, high = ranges.get(found.parameter, (math.nan, math.nan))
        rows.append(
            {
                "scenario": scenario.name,
                "goal": goal,
                "parameter": found.parameter,
                "target": found.target_value,
                "value_found": found.value_found,
                "reachable": found.reachable,
                "bracket_low": found.bracket_low,
                "bracket_high": found.bracket_high,
                "note": found.note,
                # for the sentences of the terminal and the report (not in goal_seek.csv)
                "target_key": found.target_key,
                "indicator": found.indicator,
                "measure_at_low": found.measure_at_low,
                "measure_at_high": found.measure_at_high,
                "crossings": found.crossings,
                "indicator_cagr_pct": found.indicator_cagr_pct,
                "range_low": low,
                "range_high": high,
            }
        )
    return pd.DataFrame(rows)


def _uncertainty_parts(
    scenario: Scenario,
    draws: int,
    seed: int,
    sobol_n: int,
    on_progress: ProgressReport | None,
    parts: dict[str, list[pd.DataFrame]],
) -> None:
    """The analyses that sample the scenario's [uncertainty]: tornado, spider, Monte Carlo and
    Sobol, appended to `parts`."""
    parts["tornado"].append(one_at_a_time(scenario))
    parts["spider"].append(spider(scenario))
    progress = None if on_progress is None else partial(on_progress, scenario.name)
    result = monte_carlo(scenario, draws, _rng(seed, scenario.name, 0), progress=progress)
    parts["percentiles"].append(result.percentiles)
    parts["probabilities"].append(result.target_probabilities)
    parts["sobol"].append(sobol(scenario, _rng(seed, scenario.name, 1), sobol_n))


def _joined(frames: list[pd.DataFrame], csv: str | None = None) -> pd.DataFrame:
    """The scenarios' tables as one; an empty one has the columns of its CSV file."""
    frames = [f for f in frames if not f.empty]
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame(columns=list(CSV_COLUMNS[csv])) if csv else pd.DataFrame()
