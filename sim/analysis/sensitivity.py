"""Sensitivity, uncertainty and goal seek on a scenario's parameters.

Pure analyses: no files, no printing, no plotting. Each takes a resolved `Scenario` (its
`uncertainty` gives the ranges), runs the model through `sim.run.model_inputs(scenario, values)`
with one array of values per varied parameter (one vectorised call per analysis), and returns a
tidy pandas DataFrame or a frozen dataclass.

    one_at_a_time   each uncertain parameter at its low and high end (tornado chart)
    spider          each rate parameter moved by -k..+k percentage points (spider chart)
    two_way_grid    services growth x industry growth -> total CAGR and end-year budget
    monte_carlo     percentiles of every series and year, probability of each target
                    (see sim.analysis.montecarlo.engine)
    sobol           first-order and total Sobol indices with bootstrap intervals (sim.analysis.sobol)
    goal_seek       the parameter value that reaches a target, by bracketed root finding

The end-year outputs (`END_YEAR_OUTPUTS`): total output level, total CAGR from the base year
(%/yr), per-capita income, and the budget line the scenario compares with the 600 billion target
(`scenario.budget_concept`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.analysis.montecarlo.engine import DEFAULT_DRAWS, MonteCarloResult, monte_carlo
from sim.analysis.sampling import parameter_ranges, values_from_uniforms
from sim.analysis.sobol import design, estimate
from sim.core.model import cagr_from_ratio_pct, project, projection_series
from sim.core.names import ParameterPath
from sim.core.targets import Target, evaluate, target_by_key, target_indicator
from sim.run import model_inputs, series_units
from sim.scenario.loader import Scenario
from sim.scenario.parameters import numeric_parameters
from sim.scenario.schema import leaf_for_parameter

__all__ = [
    "END_YEAR_OUTPUTS",
    "end_year_outputs",
    "output_units",
    "one_at_a_time",
    "spider",
    "two_way_grid",
    "grid_column",
    "monte_carlo",
    "MonteCarloResult",
    "DEFAULT_DRAWS",
    "sobol",
    "GoalSeekResult",
    "goal_seek",
    "target_by_key",
    "custom_target",
]

END_YEAR_OUTPUTS: tuple[str, ...] = ("output.total", "cagr.total", "income_per_capita", "budget")
"""Outputs of the one-at-a-time, spider and Sobol analyses; "budget" stands for the scenario's
budget_concept line (e.g. budget_revenue)."""

SPIDER_UNITS = ("%/yr", "%")
"""Parameters in these units move in percentage points in the spider analysis."""


# ----------------------------------------------------------------------------- model runs


def _safe_values(values: Mapping[str, np.ndarray]) -> tuple[dict, int]:
    """values as (n,) arrays, and n."""
    arrays = {k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in values.items()}
    return arrays, max((a.shape[0] for a in arrays.values()), default=1)


def _series(scenario: Scenario, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Every projection series for a batch of parameter values: name -> (n, T + 1), or
    (T + 1,) for a series that none of the values affects."""
    arrays, n = _safe_values(values)
    series = projection_series(project(model_inputs(scenario, arrays)))
    return {name: s[:n] if s.ndim > 1 else s for name, s in series.items()}


def _last(levels: np.ndarray, n: int) -> np.ndarray:
    """End-year values of (n', T + 1) or (T + 1,) levels, as (n,)."""
    return np.broadcast_to(levels[..., -1], (max(n, 1),) if levels.ndim == 1 else levels.shape[:1])[
        :n
    ]


def _budget(scenario: Scenario) -> str:
    return scenario.budget_concept


def output_units(scenario: Scenario) -> dict[str, str]:
    """Unit of each end-year output, by its name in the results (the indicators the scenario
    does not have are left out)."""
    wanted = ["output.total", "cagr.total"] + [
        name
        for name in ("income_per_capita", _budget(scenario))
        if name in scenario.indicators or name == "budget_revenue_total"
    ]
    return series_units(scenario, wanted)


def end_year_outputs(
    scenario: Scenario, values: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """The END_YEAR_OUTPUTS at the end year for a batch of parameter values.

    values: path -> (n,) array (or scalar). Returns name -> (n,) array; the budget appears under
    its own name (scenario.budget_concept). Outputs the scenario does not project are left out.
    """
    arrays, n = _safe_values(values or {})
    p = project(model_inputs(scenario, arrays))
    total_end = _last(p.total, n)
    total_base = p.total[..., 0].reshape(-1)[0]  # the base year does not depend on rates
    if p.total.ndim > 1:
        total_base = p.total[:n, 0]
    out = {
        "output.total": total_end,
        "cagr.total": cagr_from_ratio_pct(total_end / total_base, scenario.horizon_years),
    }
    for name in ("income_per_capita", _budget(scenario)):
        if name in p.indicators:
            out[name] = _last(p.indicators[name], n)
    return out


# ----------------------------------------------------------------------------- one at a time


def _ranges(
    scenario: Scenario,
    ranges: Mapping[str, tuple[float, float]] | None,
) -> Mapping[str, tuple[float, float]]:
    if ranges is not None:
        return ranges
    if scenario.uncertainty is None:
        raise ValueError(f"scenario '{scenario.name}' has no [uncertainty] section: give ranges")
    return parameter_ranges(scenario.uncertainty)


def one_at_a_time(
    scenario: Scenario, ranges: Mapping[str, tuple[float, float]] | None = None
) -> pd.DataFrame:
    """Each parameter at its low and at its high end, the others at the scenario's values.

    ranges: path -> (low, high); default: the scenario's uncertainty ranges.
    Returns one row per output and parameter: scenario, output, unit, end_year, parameter,
    low_value, base_value, high_value (of the parameter), output_low, output_base, output_high
    (the output with the parameter at low, base, high), swing (|output_high - output_low|);
    sorted by output, then largest swing first (the columns `sim.output.charts.sensitivity.plot_tornado`
    reads).
    """
    ranges = _ranges(scenario, ranges)
    nominal = numeric_parameters(scenario)
    names = list(ranges)
    k = len(names)
    values = {}
    for i, name in enumerate(names):  # run 0: base; runs 2i+1, 2i+2: low and high of name
        column = np.full(2 * k + 1, nominal[name])
        column[2 * i + 1], column[2 * i + 2] = ranges[name]
        values[name] = column
    outputs = end_year_outputs(scenario, values)
    units = output_units(scenario)
    rows = []
    for output, result in outputs.items():
        for i, name in enumerate(names):
            at_low, at_high = result[2 * i + 1], result[2 * i + 2]
            rows.append(
                {
                    "scenario": scenario.name,
                    "output": output,
                    "unit": units[output],
                    "end_year": scenario.end_year,
                    "parameter": name,
                    "low_value": ranges[name][0],
                    "base_value": nominal[name],
                    "high_value": ranges[name][1],
                    "output_low": at_low,
                    "output_base": result[0],
                    "output_high": at_high,
                    "swing": abs(at_high - at_low),
                }
            )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    order = {name: i for i, name in enumerate(outputs)}
    frame["_order"] = frame["output"].map(order)
    frame = frame.sort_values(["_order", "swing"], ascending=[True, False], kind="stable")
    return frame.drop(columns="_order").reset_index(drop=True)


def spider(
    scenario: Scenario,
    parameters: Sequence[str] | None = None,
    k_points: float = 2.0,
    steps: int = 9,
) -> pd.DataFrame:
    """Each parameter moved from -k_points to +k_points (percentage points) in `steps` steps.

    parameters: default: the scenario's uncertain parameters measured in %/yr or %.
    Returns one row per parameter, shift and output: scenario, output, unit, parameter, delta
    (the shift, in points), parameter_value, value (of the output).
    """
    if parameters is None:
        if scenario.uncertainty is None:
            raise ValueError(
                f"scenario '{scenario.name}' has no [uncertainty] section: name the parameters"
            )
        parameters = [
            p
            for p in scenario.uncertainty.parameters
            if (leaf := leaf_for_parameter(p)) is not None and leaf.unit in SPIDER_UNITS
        ]
    nominal = numeric_parameters(scenario)
    shifts = np.linspace(-k_points, k_points, steps)
    values = {}
    for i, name in enumerate(parameters):
        column = np.full(len(parameters) * steps, nominal[name])
        column[i * steps : (i + 1) * steps] += shifts
        values[name] = column
    outputs = end_year_outputs(scenario, values)
    units = output_units(scenario)
    frames = []
    for output, result in outputs.items():
        frames.append(
            pd.DataFrame(
                {
                    "scenario": scenario.name,
                    "output": output,
                    "unit": units[output],
                    "parameter": np.repeat(np.array(parameters, dtype=object), steps),
                    "delta": np.tile(shifts, len(parameters)),
                    "parameter_value": np.concatenate(
                        [values[p][i * steps : (i + 1) * steps] for i, p in enumerate(parameters)]
                    ),
                    "value": result,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def two_way_grid(
    scenario: Scenario,
    x_parameter: str = "sectors.services.growth_pct",
    y_parameter: str = "sectors.industry.growth_pct",
    x_values: Sequence[float] | None = None,
    y_values: Sequence[float] | None = None,
    half_width_points: float = 2.0,
    step_points: float = 0.1,
) -> pd.DataFrame:
    """Two parameters on a grid -> total CAGR (%/yr) and end-year budget, the rest at base.

    x_values, y_values: default: each parameter's value +/- half_width_points in steps of
    step_points (16 +/- 2 %/yr for services: the 14 % and 15 % total-growth contours and the
    600 billion budget contour all cross that square in the bundled scenarios).
    Returns one row per grid point: scenario, <x>, <y> (the two parameters' values, in columns
    named by `grid_column`: services_growth_pct, industry_growth_pct by default), end_year,
    total_cagr_pct, budget_indicator, budget_end (in the budget's unit).
    """
    nominal = numeric_parameters(scenario)

    def axis(name: str, given: Sequence[float] | None) -> np.ndarray:
        if given is not None:
            return np.asarray(given, dtype=float)
        count = int(round(2 * half_width_points / step_points)) + 1
        return nominal[name] + np.linspace(-half_width_points, half_width_points, count)

    xs, ys = axis(x_parameter, x_values), axis(y_parameter, y_values)
    grid_x, grid_y = np.meshgrid(xs, ys, indexing="xy")
    outputs = end_year_outputs(scenario, {x_parameter: grid_x.ravel(), y_parameter: grid_y.ravel()})
    budget = _budget(scenario)
    return pd.DataFrame(
        {
            "scenario": scenario.name,
            grid_column(x_parameter): grid_x.ravel(),
            grid_column(y_parameter): grid_y.ravel(),
            "end_year": scenario.end_year,
            "total_cagr_pct": outputs["cagr.total"],
            "budget_indicator": budget,
            "budget_end": outputs.get(budget, np.full(grid_x.size, np.nan)),
        }
    )


def grid_column(parameter: str) -> str:
    """Column name of a grid axis: "sectors.services.growth_pct" -> "services_growth_pct",
    "indicators.budget_revenue.elasticity" -> "budget_revenue_elasticity"."""
    return ParameterPath.parse(parameter).column


# ----------------------------------------------------------------------------- Sobol


def sobol(
    scenario: Scenario,
    rng: np.random.Generator,
    n: int = 2**14,
    *,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
) -> pd.DataFrame:
    """First-order and total Sobol indices of each end-year output for each uncertain parameter.

    n: base sample, a power of two (the model runs n (k + 2) times, k = number of uncertain
    parameters). The design's probabilities are scrambled Sobol' points (`sim.analysis.sobol.design`,
    the scrambling drawn from rng), mapped through each parameter's inverse CDF; the parameters are
    independent: a correlation matrix is ignored (indices of dependent inputs are not uniquely
    defined; see sim.analysis.sobol). The same rng state gives the same indices.
    Returns one row per output and parameter: scenario, output, parameter, S1, S1_low, S1_high,
    ST, ST_low, ST_high (interval at `confidence_level`, percentile bootstrap).
    """
    if scenario.uncertainty is None:
        raise ValueError(f"scenario '{scenario.name}' has no [uncertainty] section")
    spec = scenario.uncertainty
    k = len(spec.distributions)
    u_a, u_b = design(k, n, rng)
    a, b = values_from_uniforms(spec, u_a), values_from_uniforms(spec, u_b)
    # the design A, B, AB_1..AB_k (AB_i: A with parameter i from B), one block at a time
    blocks = [a, b] + [{**a, p: b[p]} for p in spec.parameters]
    evaluated = [end_year_outputs(scenario, block) for block in blocks]
    names = list(evaluated[0])
    f = np.array([[block[name] for name in names] for block in evaluated])  # (k + 2, q, n)
    f = f.transpose(0, 2, 1)  # (k + 2, n, q)
    result = estimate(
        f[0], f[1], f[2:], rng, n_resamples=n_resamples, confidence_level=confidence_level
    )
    rows = []
    for j, output in enumerate(names):
        for i, parameter in enumerate(spec.parameters):
            rows.append(
                {
                    "scenario": scenario.name,
                    "output": output,
                    "parameter": parameter,
                    "S1": result.first_order[j, i],
                    "S1_low": result.first_order_ci[j, i, 0],
                    "S1_high": result.first_order_ci[j, i, 1],
                    "ST": result.total[j, i],
                    "ST_low": result.total_ci[j, i, 0],
                    "ST_high": result.total_ci[j, i, 1],
                }
            )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- goal seek


@dataclass(frozen=True)
class GoalSeekResult:
    """The value of one parameter at which a target measure reaches a value.

    measure_at_low / measure_at_high: the measure at the bracket's ends (always given, so that
    "not reachable" says by how much). value_found is NaN when not reachable.
    indicator_cagr_pct: at the value found, the indicator's average growth from the base year
    to the target year, %/yr (290 -> 600 billion in 5 years: 15.65); NaN when not reachable.
    """

    scenario: str
    parameter: str
    indicator: str
    measure: str
    year: int
    target_value: float
    bracket_low: float
    bracket_high: float
    measure_at_low: float
    measure_at_high: float
    reachable: bool
    value_found: float
    crossings: int
    note: str
    indicator_cagr_pct: float = math.nan
    target_key: str = ""


def custom_target(indicator: str, measure: str, start_year: int, end_year: int) -> Target:
    """A goal that is not a congress target, for `goal_seek`: e.g. custom_target("retail",
    "cagr", 2020, 2025) (average growth, %/yr) or custom_target("investment", "level", 2020,
    2030) (the level in 2030). measure: "cagr", "level" or "min_each_year"."""
    if measure not in ("cagr", "level", "min_each_year"):
        raise ValueError(f"measure must be 'cagr', 'level' or 'min_each_year', not {measure!r}")
    return Target(
        key=f"{indicator}_{measure}_{end_year}",
        indicator=indicator,
        measure=measure,
        start_year=start_year,
        end_year=end_year,
        low=None,
        high=None,
        unit="",
        source_lines="",
        label_vi=indicator,
        label_en=indicator,
    )


@dataclass(frozen=True)
class _Goal:
    """What goal_seek solves for: the target's measure of `indicator` as a function of the
    values of `parameter`, against `value`."""

    scenario: Scenario
    parameter: str
    target: Target
    indicator: str
    value: float

    def measure(self, xs: np.ndarray) -> np.ndarray | None:
        """The measure at each of xs (one vectorised run), or None when it is not projected
        (the indicator, or the target's years)."""
        series = _series(self.scenario, {self.parameter: xs})
        if self.indicator not in series:
            return None
        years = np.arange(self.scenario.base_year, self.scenario.end_year + 1)
        value = evaluate(self.target, years, series[self.indicator])
        return None if value is None else np.broadcast_to(np.asarray(value, dtype=float), xs.shape)

    def gap(self, xs: np.ndarray) -> np.ndarray:
        """measure - value at each of xs, for a measure known to be projected."""
        measured = self.measure(xs)
        if measured is None:
            raise ValueError(f"{self.indicator}: the target's measure is not projected")
        return measured - self.value

    def root(self, a: float, b: float, tolerance: float, points: int) -> float:
        """The crossing of `value` in [a, b], whose ends straddle it: the first sign change on
        `points` values across the bracket is kept until the bracket is narrower than
        `tolerance` (relative), then a secant step."""
        for _ in range(40):
            if b - a <= tolerance * max(1.0, abs(a)):
                break
            xs = np.linspace(a, b, points)
            signs = np.sign(self.gap(xs))
            inner = np.flatnonzero(signs[:-1] * signs[1:] <= 0)
            a, b = xs[inner[0]], xs[inner[0] + 1]
        ends = self.gap(np.array([a, b]))
        return a if ends[0] == ends[1] else a - ends[0] * (b - a) / (ends[1] - ends[0])

    def growth_pct(self, x: float) -> float:
        """The indicator's average growth from the base year to the target year, %/yr, with
        the parameter at x."""
        levels = _series(self.scenario, {self.parameter: np.array([x])})[self.indicator]
        levels = levels[0] if levels.ndim > 1 else levels
        years = self.target.end_year - self.scenario.base_year
        return float(cagr_from_ratio_pct(levels[years] / levels[0], years))


def _bracket(
    scenario: Scenario, parameter: str, bracket: tuple[float, float] | None
) -> tuple[float, float]:
    """(low, high) of the parameter: as given, or its uncertainty range in the scenario."""
    if bracket is None:
        if scenario.uncertainty is None or parameter not in scenario.uncertainty.parameters:
            raise ValueError(
                f"no uncertainty range for {parameter} in '{scenario.name}': give a bracket"
            )
        bracket = parameter_ranges(scenario.uncertainty, [parameter])[parameter]
    low, high = float(bracket[0]), float(bracket[1])
    if not low < high:
        raise ValueError(f"bracket must have low < high, not {bracket}")
    return low, high


def goal_seek(
    scenario: Scenario,
    parameter: str,
    target: Target,
    value: float | None = None,
    bracket: tuple[float, float] | None = None,
    *,
    tolerance: float = 1e-10,
    points: int = 65,
) -> GoalSeekResult:
    """The value of `parameter` in [low, high] at which the target's measure equals `value`.

    target:  a sim.core.targets.Target (its indicator, measure and years); value defaults to its low
             end. E.g. the bundled plan's target_by_key("budget_2025", targets) with value
             600, or target_by_key("output_growth", targets) with value 15.0.
    bracket: (low, high) of the parameter; default: its uncertainty range in the scenario.
    Method: the measure is evaluated on `points` values across the bracket in one vectorised
    run, the first sign change is kept and the search repeats inside it until the bracket is
    narrower than `tolerance` (relative), then a secant step. A measure that does not reach the
    value anywhere in the bracket is an answer (reachable = False), not an error.
    """
    indicator = target_indicator(target, scenario.budget_concept)
    value = target.low if value is None else value
    if value is None:
        raise ValueError(f"target '{target.key}' has no low end: give a value")
    low, high = _bracket(scenario, parameter, bracket)
    goal = _Goal(scenario, parameter, target, indicator, value)
    answer = _unanswered(goal, low, high)
    xs = np.linspace(low, high, points)
    measured = goal.measure(xs)
    if measured is None:
        return replace(answer, note=f"not computable: {_why_not_computable(goal)}")
    answer = replace(answer, measure_at_low=float(measured[0]), measure_at_high=float(measured[-1]))
    gap = measured - value
    signs = np.sign(gap)
    change = np.flatnonzero((signs[:-1] * signs[1:] <= 0) & np.isfinite(gap[:-1] * gap[1:]))
    if change.size == 0:
        return replace(answer, note=_unreachable(goal, answer, gap))
    crossings = int(np.count_nonzero(signs[change] != signs[change + 1])) or 1
    found = goal.root(xs[change[0]], xs[change[0] + 1], tolerance, points)
    note = f"{_describe(target, indicator)} = {value:g} at {parameter} = {found:.6g}"
    if crossings > 1:
        note += f"; the target is crossed {crossings} times in the bracket, the lowest is given"
    return replace(
        answer,
        reachable=True,
        value_found=float(found),
        crossings=crossings,
        note=note,
        indicator_cagr_pct=goal.growth_pct(found),
    )


def _unanswered(goal: _Goal, low: float, high: float) -> GoalSeekResult:
    """The result before the search: nothing measured, nothing found."""
    return GoalSeekResult(
        scenario=goal.scenario.name,
        parameter=goal.parameter,
        indicator=goal.indicator,
        measure=goal.target.measure,
        year=goal.target.end_year,
        target_value=goal.value,
        bracket_low=low,
        bracket_high=high,
        measure_at_low=math.nan,
        measure_at_high=math.nan,
        reachable=False,
        value_found=math.nan,
        crossings=0,
        note="",
        target_key=goal.target.key,
    )


def _unreachable(goal: _Goal, answer: GoalSeekResult, gap: np.ndarray) -> str:
    """The note of a measure that stays on one side of the value across the bracket."""
    side = "above" if np.nanmin(gap) > 0 else "below"
    low, high = answer.bracket_low, answer.bracket_high
    return (
        f"not reachable within [{low:g}, {high:g}]: "
        f"{_describe(goal.target, goal.indicator)} is {answer.measure_at_low:.4g} at {low:g} and "
        f"{answer.measure_at_high:.4g} at {high:g}, {side} {answer.target_value:g} "
        "across the whole range"
    )


def _why_not_computable(goal: _Goal) -> str:
    scenario, target = goal.scenario, goal.target
    if goal.indicator not in _series(scenario, {}):
        return f"{goal.indicator} is not projected"
    return (
        f"the target years {target.start_year}-{target.end_year} are outside the "
        f"projection {scenario.base_year}-{scenario.end_year}"
    )


def _describe(target: Target, indicator: str) -> str:
    if target.measure == "cagr":
        return f"{indicator} growth {target.start_year}-{target.end_year} (%/yr)"
    if target.measure == "level":
        return f"{indicator} in {target.end_year}"
    return f"lowest yearly {indicator} {target.start_year + 1}-{target.end_year}"
