"""The projection pipeline without any I/O of results: load scenarios, project, score.

Loading reports the problems of every scenario at once; projecting is pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.core.model import project, projection_series
from sim.core.targets import ScoreRow, scorecard
from sim.scenario.loader import Problem, Scenario, ScenarioError, load_scenario, scenario_files_in
from sim.scenario.params import build_inputs

__all__ = ["ScenarioResult", "load_scenarios", "run_scenario", "series_units"]


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's projection: series name -> (T + 1,) values, and its scorecard."""

    scenario: Scenario
    years: np.ndarray
    series: dict[str, np.ndarray]
    units: dict[str, str]
    scores: list[ScoreRow]


def load_scenarios(
    names: Sequence[str],
    folder: Path,
    settings: Sequence[str] = (),
    end_year: int | None = None,
) -> list[Scenario]:
    """Load the named scenarios (all in `folder` when `names` is empty).

    Raises one ScenarioError with the problems of every scenario.
    """
    refs: list[str] = list(names) or [str(p) for p in scenario_files_in(folder)]
    if not refs:
        raise ScenarioError([Problem(str(folder), "", None, "no scenario files (*.toml) found")])
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    for ref in refs:
        try:
            scenarios.append(load_scenario(ref, folder, settings, end_year))
        except ScenarioError as exc:
            problems.extend(p for p in exc.problems if p not in problems)
    seen: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.name in seen:
            problems.append(
                Problem(
                    str(scenario.files[0]),
                    "name",
                    scenario.name,
                    f"the same scenario name as {seen[scenario.name]}; names must be unique in a run",
                )
            )
        seen[scenario.name] = scenario.files[0]
        if scenario.calibration_total_cagr_pct is not None:
            try:  # an unreachable calibration target is a mistake in the file: say so now
                build_inputs(scenario)
            except ScenarioError as exc:
                problems.extend(exc.problems)
    if problems:
        raise ScenarioError(problems)
    return scenarios


def series_units(scenario: Scenario, names: Sequence[str]) -> dict[str, str]:
    """The unit of each series name for this scenario."""
    units = {}
    for name in names:
        family, _, short = name.partition(".")
        if family == "output":
            units[name] = scenario.output_unit
        elif family == "share":
            units[name] = "%"
        elif family in ("growth", "cagr"):
            units[name] = "%/yr"
        elif name in scenario.indicators:
            units[name] = scenario.indicators[name].unit
        elif name == "budget_revenue_total":
            units[name] = scenario.indicators["budget_revenue"].unit
        else:
            units[name] = ""
    return units


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Project one scenario and score it against the congress targets."""
    projection = project(build_inputs(scenario))
    series = projection_series(projection)
    years = projection.years
    scores = scorecard(scenario.name, years, series, scenario.budget_concept)
    return ScenarioResult(scenario, years, series, series_units(scenario, list(series)), scores)
