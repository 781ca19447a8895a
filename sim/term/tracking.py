"""Mid-term tracking: plan against actual, re-baselining, and the growth the rest of the term needs.

Pure computations on a scenario, its projection and an `Actuals` value; tables out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from sim.core import names as naming
from sim.core.model import (
    SECTORS,
    LinkedInputs,
    ModelInputs,
    cagr_from_ratio_pct,
    linked_growth_pct,
    project,
    project_sectors,
    projection_series,
    yoy_growth_pct,
)
from sim.core.names import SECTOR_NAMES, SeriesName
from sim.core.targets import Target, scorecard, target_indicator
from sim.core.text import Bilingual, join_and, join_va, vn
from sim.run import ScenarioResult, model_inputs, series_units
from sim.scenario.actuals import MAX_GROWTH_PCT, Actuals, ActualsError, Observation, check_against
from sim.scenario.loader import Scenario
from sim.scenario.values import Problem
from sim.term.notes import (
    Flag,
    Implausible,
    LevelWins,
    NotComparable,
    Note,
    implausible,
)
from sim.term.total_fit import Derived, TotalGap, fit_total_growth

__all__ = [
    "TrackingResult",
    "track",
    "Rebaselined",
    "rebaseline",
    "plan_vs_actual",
    "required_growth",
    "PLAUSIBLE_CEILING_PCT",
    "plausible_year_range",
    "Flag",
]

PLAUSIBLE_CEILING_PCT: Mapping[str, float] = {
    # The fastest average growth we still call plausible over the rest of a term. Each is well
    # above the indicator's own best record in the source (2016-2020, docs/source_figures.md (a)).
    "output.total": 25.0,  # best sector record 18.2 %/yr (services); total 15.5
    "output.services": 25.0,  # record 18.2
    "output.industry": 25.0,  # record 16.9
    "output.agriculture": 8.0,  # record 2.9; the target is 3-4
    "income_per_capita": 12.0,  # record 6.65 (x1.38 in 5 years), nominal
    "budget_revenue": 30.0,  # record 29.64, which the source calls exceptional
    "budget_revenue_total": 30.0,
    "investment": 15.0,  # record 6.59 (from the 5-year sums, docs/source_figures.md c8)
    "retail": 30.0,  # record 19
}


@dataclass(frozen=True)
class Rebaselined:
    """A scenario re-projected through the observed values."""

    result: ScenarioResult
    latest_actual_year: int  # the latest year of any observation
    observed_through: Mapping[str, int]  # series -> latest year that pins its path
    applied: tuple[Note, ...]  # how the actuals were applied, and the warnings, as values
    flags: tuple[Flag, ...] = ()  # observed figures outside the plausible one-year range
    derived: tuple[Derived, ...] = ()  # sector growth solved from an observed total
    total_gaps: tuple[TotalGap, ...] = ()  # reported totals not used: the sectors win

    @property
    def notes(self) -> tuple[str, ...]:
        """The notes in English (`describe()`; tracking/notes.txt writes them in the run's
        language, sim.output.narrative)."""
        return tuple(note.describe() for note in self.applied)

    def solved_behind(self, indicator: str, latest: int) -> tuple[Derived, ...]:
        """The figures solved from a total (not observed) that the path of `indicator` rests
        on up to `latest`: what a verdict on it must warn of."""
        return tuple(
            d for d in self.derived if naming.output(d.sector) == indicator and d.year <= latest
        )


def _year_index(scenario: Scenario, year: int) -> int:
    return year - scenario.base_year


def _sector_growth_with_actuals(
    inputs: ModelInputs, scenario: Scenario, actuals: Actuals, notes: list[Note]
) -> tuple[np.ndarray, list[Derived], list[TotalGap]]:
    """(3, T) sector growth with observed years pinned (a growth rate directly; a level through
    the growth from the year before); an observed total growth without full sector detail scales
    the unobserved sectors' growth of that year by one common factor (solved, `Derived`); with
    full detail the sectors win (`TotalGap`)."""
    growth = np.array(inputs.sectors.growth_pct, dtype=float, copy=True)
    totals = actuals.for_indicator(naming.growth(naming.TOTAL))
    for s, sector in enumerate(SECTORS):
        for year, obs in actuals.for_indicator(naming.growth(sector)).items():
            growth[s, _year_index(scenario, year) - 1] = obs.value
    _pin_sector_levels(growth, inputs, scenario, actuals, notes)
    derived: list[Derived] = []
    gaps: list[TotalGap] = []
    for _year, obs in sorted(totals.items()):
        solved, fit = fit_total_growth(growth, inputs, scenario, actuals, obs)
        derived += solved
        gaps += [fit] if isinstance(fit, TotalGap) else []
        notes.append(fit)
    notes += derived
    return growth, derived, gaps


def _pin_sector_levels(
    growth: np.ndarray,
    inputs: ModelInputs,
    scenario: Scenario,
    actuals: Actuals,
    notes: list[Note],
) -> None:
    """Set, in place, the growth that brings each observed sector level about from the path so
    far (an observed level wins over an observed growth rate of the same year)."""
    levels_seen = sorted(
        (year, s, obs)
        for s, sector in enumerate(SECTORS)
        for year, obs in actuals.for_indicator(naming.output(sector)).items()
    )
    for year, s, obs in levels_seen:  # in year order: each pins its year from the path so far
        t = _year_index(scenario, year) - 1
        _blocks, levels = project_sectors(replace(inputs.sectors, growth_pct=growth))
        growth[s, t] = (obs.value / levels[s, t] - 1.0) * 100.0
        rate = naming.growth(SECTORS[s])
        if year in actuals.for_indicator(rate):
            notes.append(LevelWins(rate, year))


def _derived_problems(
    scenario: Scenario, actuals: Actuals, derived: Sequence[Derived]
) -> list[Problem]:
    """A solved sector growth outside its plausible one-year range, while the total it is solved
    from is inside its own: refused (the solving, not the economy, made it implausible)."""
    problems = []
    total_low, total_high = plausible_year_range("output.total") or (-math.inf, math.inf)
    for d in derived:
        bounds = plausible_year_range(naming.output(d.sector))
        if bounds is None or bounds[0] <= d.value <= bounds[1]:
            continue
        if not total_low <= d.total.value <= total_high:
            continue  # the total itself is flagged as implausible; the solved value with it
        given_vi = [SECTOR_NAMES[g].vi for g in d.given]
        sector_vi = SECTOR_NAMES[d.sector].vi
        given = Bilingual(
            f"với {join_va(given_vi)} đã có số liệu năm đó, " if d.given else "",
            f"with {join_and(list(d.given))} observed that year, " if d.given else "",
        )
        rule = Bilingual(
            f"{given.vi}{sector_vi} {d.year} được giải ra từ tổng này trong kịch bản "
            f"'{scenario.name}': {vn(d.value, '.1f')} %, ngoài mức tăng trưởng được coi là hợp "
            f"lý cho một năm ({vn(bounds[0])} đến {vn(bounds[1])} %). Con số giải ra không phải "
            f"số liệu quan sát: mỗi điểm chênh lệch giữa tổng và các ngành đã cho làm {sector_vi} "
            f"lệch khoảng {vn(d.amplification, '.0f')} điểm. Hãy ghi {d.indicator} {d.year} "
            "(hoặc đối chiếu tổng với các ngành)",
            f"{given.en}{d.sector} {d.year} is solved from this total in scenario "
            f"'{scenario.name}': {d.value:.1f} %, outside the growth taken as plausible for one "
            f"year ({bounds[0]:g} to {bounds[1]:g} %). A solved figure is not an observation: "
            f"each point the total disagrees with the sectors given moves {d.sector} by about "
            f"{d.amplification:.0f} points. Give {d.indicator} {d.year} (or check the total "
            "against the sectors)",
        )
        where = f"{actuals.path}:{d.total.line}"
        problems.append(Problem(where, "growth.total", d.total.value, rule))
    return problems


def rebaseline(scenario: Scenario, actuals: Actuals) -> Rebaselined:
    """Re-project `scenario` through the actuals: observed years are pinned, the remaining years
    follow the scenario's own rates and rules from the latest observed level.

    Raises ActualsError when the re-baselined path is impossible (a growth rate at or below
    -100 %/yr, i.e. a level at or below zero; above MAX_GROWTH_PCT; not finite), blaming the
    observations of that year; figures outside the plausible one-year range are kept and
    flagged in `flags` (and the notes). An observation of another concept (the `concept`
    column: includes_land_use, other_definition) is not used, and a note says so.
    """
    notes: list[Note] = [NotComparable(o) for o in actuals.observations if not o.comparable]
    actuals = actuals.comparable()
    if not actuals.observations:
        rule = Bilingual(
            "không số liệu nào dùng được để tính lại kịch bản: mọi dòng đều được đánh dấu "
            "includes_land_use hoặc other_definition ở cột concept",
            "no observation re-baselines the scenarios: every row is marked includes_land_use "
            "or other_definition in the concept column",
        )
        raise ActualsError([Problem(str(actuals.path), "concept", None, rule)])
    inputs = model_inputs(scenario)
    growth, derived, gaps = _sector_growth_with_actuals(inputs, scenario, actuals, notes)
    sectors = replace(inputs.sectors, growth_pct=growth)
    _blocks, levels = project_sectors(sectors)
    total_growth = yoy_growth_pct(levels.sum(axis=-2))
    linked = {
        name: _linked_with_actuals(name, spec, total_growth, scenario, actuals, notes)
        for name, spec in inputs.indicators.items()
    }
    with np.errstate(all="ignore"):  # an impossible path is refused just below, not warned of
        projection = project(ModelInputs(inputs.years, sectors, linked))
        series = projection_series(projection)
    problems = _path_problems(scenario, actuals, series) or _derived_problems(
        scenario, actuals, derived
    )
    if problems:
        raise ActualsError(problems)
    flags = _implausible(scenario, actuals, series)
    years = projection.years
    result = ScenarioResult(
        scenario,
        years,
        series,
        series_units(scenario, list(series)),
        scorecard(scenario.name, years, series, scenario.budget_concept, scenario.plan.targets),
    )
    return Rebaselined(
        result,
        actuals.latest_year,
        _observed_through(actuals, scenario),
        (*notes, *implausible(flags, actuals.path)),
        tuple(flags),
        tuple(derived),
        tuple(gaps),
    )


def _linked_with_actuals(
    name: str,
    spec: LinkedInputs,
    total_growth: np.ndarray,
    scenario: Scenario,
    actuals: Actuals,
    notes: list[Note],
) -> LinkedInputs:
    """A linked indicator's inputs with its observed years pinned: an observed base-year level
    replaces the base; an observed level sets that year's growth from the path so far (and wins
    over an observed growth rate of the same year)."""
    base = float(np.asarray(spec.base))
    level_obs = actuals.for_indicator(name)
    growth_obs = actuals.for_indicator(naming.growth(name))
    if scenario.base_year in level_obs:
        base = level_obs[scenario.base_year].value
    rates = np.array(linked_growth_pct(spec, total_growth), dtype=float, copy=True)
    for year, obs in growth_obs.items():
        rates[_year_index(scenario, year) - 1] = obs.value
    level = base
    for t, year in enumerate(range(scenario.base_year + 1, scenario.end_year + 1)):
        if year in level_obs:
            # (a level at or below zero is refused after the projection, by _path_problems)
            with np.errstate(divide="ignore", invalid="ignore"):
                rates[t] = (level_obs[year].value / level - 1.0) * 100.0
            if year in growth_obs:
                notes.append(LevelWins(naming.growth(name), year))
        level *= 1.0 + rates[t] / 100.0
    return LinkedInputs(base=base, growth_pct=rates, elasticity=None, override_pct=None)


def plausible_year_range(series: str) -> tuple[float, float] | None:
    """The growth, % on the previous year, that one observed year of `series` ("output.total",
    "output.services", "income_per_capita", ...) may show without a warning, or None where the
    tool declares no plausible ceiling for it (land-use revenue swings too much to have one).

    From minus the plausible ceiling (PLAUSIBLE_CEILING_PCT) to twice it: a single year swings
    further than an average over a term, but a fall deeper than the fastest plausible rise, or
    a rise past twice it, is far more likely a typo (or a figure in the wrong unit) than news.
    """
    ceiling = PLAUSIBLE_CEILING_PCT.get(series)
    return None if ceiling is None else (-ceiling, 2.0 * ceiling)


def _blamed(actuals: Actuals, target: str, year: int) -> list[Observation]:
    """The observations of `year` that set the growth of `target` (a sector, "total", "other"
    or a linked indicator): its own, else the sector and total ones, else any of that year."""
    same_year = [o for o in actuals.observations if o.year == year]
    own = [o for o in same_year if o.target_series == target]
    sectoral = [o for o in same_year if o.target_series in (*SECTORS, "total")]
    return own or sectoral or same_year or list(actuals.observations)


def _path_problems(
    scenario: Scenario, actuals: Actuals, series: Mapping[str, np.ndarray]
) -> list[Problem]:
    """One Problem per observation whose year, re-baselined, needs an impossible growth rate
    (at or below -100 %/yr, above MAX_GROWTH_PCT, or not finite) in some series."""
    found: dict[Observation, list[tuple[str, int, float]]] = {}
    for name, values in series.items():
        if not name.startswith("growth."):
            continue
        for t, rate in enumerate(np.asarray(values, dtype=float)[1:], start=1):
            if math.isfinite(rate) and -100.0 < rate <= MAX_GROWTH_PCT:
                continue
            year = scenario.base_year + t
            for obs in _blamed(actuals, name.removeprefix("growth."), year):
                found.setdefault(obs, []).append((name, year, rate))
    problems = []
    for obs, effects in found.items():
        needs_vi = join_va([f"{n} {y} = {vn(r, '.1f')} %" for n, y, r in effects])
        needs_en = join_and([f"{n} {y} = {r:.1f} %" for n, y, r in effects])
        rule = Bilingual(
            f"kịch bản '{scenario.name}' tính lại theo số liệu này cần {needs_vi}: giá trị "
            "không thể giảm từ 100 % trở lên, cũng không thể tăng quá "
            f"{vn(MAX_GROWTH_PCT, ',.0f')} % trong một năm; hãy kiểm tra lại số liệu",
            f"scenario '{scenario.name}' re-baselined through this figure needs {needs_en}: a "
            f"level cannot fall by 100 % or more, nor grow by more than {MAX_GROWTH_PCT:,.0f} % "
            "in a year; check the figure",
        )
        if obs.indicator == "growth.total":
            rule += Bilingual(
                " (tổng quan sát được làm các ngành chưa có số liệu năm đó thay đổi theo cùng "
                "một hệ số: nếu tổng đúng, hãy ghi cả tốc độ tăng của các ngành đó)",
                " (an observed total moves the sectors not observed that year by one "
                "common factor: if the total is right, give their own growth too)",
            )
        problems.append(Problem(f"{actuals.path}:{obs.line}", obs.indicator, obs.value, rule))
    if not problems and not all(np.isfinite(v[1:]).all() for v in series.values()):
        rule = Bilingual(
            f"kịch bản '{scenario.name}' tính lại theo các số liệu này cho kết quả không hữu hạn",
            f"scenario '{scenario.name}' re-baselined through these figures is not finite",
        )
        problems.append(Problem(str(actuals.path), "", None, rule))
    return problems


def _checked_series(obs: Observation) -> list[str]:
    """The series whose growth in the observation's year it sets: a sector's, the total's and
    every sector's for a total, or a linked indicator's."""
    if obs.target_series == "total":
        return ["output.total", *(f"output.{s}" for s in SECTORS)]
    if obs.target_series in SECTORS:
        return [f"output.{obs.target_series}"]
    return [obs.target_series]


def _implausible(
    scenario: Scenario, actuals: Actuals, series: Mapping[str, np.ndarray]
) -> list[Flag]:
    """The observations and series whose re-baselined growth in the observed year is outside
    plausible_year_range."""
    flags = []
    for obs in actuals.observations:
        for name in _checked_series(obs):
            bounds = plausible_year_range(name)
            growth = series.get(f"growth.{name.removeprefix('output.')}")
            if bounds is None or growth is None or obs.year == scenario.base_year:
                continue
            rate = float(growth[obs.year - scenario.base_year])
            if not bounds[0] <= rate <= bounds[1]:
                flags.append(Flag(obs, name, rate, bounds, scenario.name))
    return flags


def _observed_through(actuals: Actuals, scenario: Scenario) -> dict[str, int]:
    """The latest observed year of each series whose path the actuals pin."""
    latest: dict[str, int] = {}

    def note(series: str, year: int) -> None:
        latest[series] = max(year, latest.get(series, year))

    for obs in actuals.observations:
        target = obs.target_series
        if target in SECTORS:
            note(naming.output(target), obs.year)
            note("output.total", obs.year)
        elif target == "total":
            for name in (*SECTORS, "total"):
                note(naming.output(name), obs.year)
        else:
            note(target, obs.year)
    if "budget_revenue" in latest:
        note("budget_revenue_total", latest["budget_revenue"])
    return latest


PLAN_VS_ACTUAL_COLUMNS = [
    "scenario",
    "indicator",
    "unit",
    "year",
    "plan",
    "actual",
    "status",
    "deviation",
    "deviation_pct",
    "source",
    "concept",
    "compared_with",
    "rebaselined",
    "use",
]


def plan_vs_actual(
    plans: Sequence[ScenarioResult], actuals: Actuals, rebased: Sequence[Rebaselined] = ()
) -> pd.DataFrame:
    """Every observation against every scenario's plan: deviation in points (growth) or % (levels).

    compared_with: the plan's series the figure is compared with (the budget including land-use
    fees for a figure marked includes_land_use; none for other_definition). rebaselined: the
    value of that series on the re-baselined path (with `rebased`), and use: how the figure
    entered it ("pinned", or why not), so the table never contradicts the path beside it.
    """
    paths = {reb.result.scenario.name: reb for reb in rebased}
    records = []
    for plan in plans:
        years = list(map(int, plan.years))
        for obs in actuals.observations:
            if obs.indicator not in plan.series or obs.year not in years:
                continue
            compared = _compared_with(obs, plan)
            t = years.index(obs.year)
            planned = float(plan.series[compared][t]) if compared else math.nan
            deviation = obs.value - planned
            reb = paths.get(plan.scenario.name)
            records.append(
                {
                    "scenario": plan.scenario.name,
                    "indicator": obs.indicator,
                    "unit": plan.units[obs.indicator],
                    "year": obs.year,
                    "plan": planned,
                    "actual": obs.value,
                    "status": obs.status,
                    "concept": obs.concept,
                    "compared_with": compared,
                    "deviation": deviation,
                    "deviation_pct": math.nan if obs.is_growth else deviation / planned * 100.0,
                    "rebaselined": (
                        math.nan if reb is None else _on_path(reb, compared or obs.indicator, t)
                    ),
                    "use": "" if reb is None else _use(reb, actuals, obs),
                    "source": obs.source,
                }
            )
    return pd.DataFrame.from_records(records, columns=PLAN_VS_ACTUAL_COLUMNS)


def _compared_with(obs: Observation, plan: ScenarioResult) -> str:
    """The plan's series an observation is compared with ("" for none)."""
    if obs.concept == "other_definition":
        return ""
    if obs.concept == "includes_land_use":
        name = obs.indicator.replace("budget_revenue", "budget_revenue_total")
        return name if name in plan.series else ""
    return obs.indicator


def _on_path(reb: Rebaselined, indicator: str, t: int) -> float:
    series = reb.result.series.get(indicator)
    return math.nan if series is None else float(series[t])


def _use(reb: Rebaselined, actuals: Actuals, obs: Observation) -> str:
    """How an observation entered a re-baselined path."""
    if obs.concept == "includes_land_use":
        return "not used: includes land-use fees (the scenario's budget excludes them)"
    if obs.concept == "other_definition":
        return "not used: another definition (see note)"
    for gap in reb.total_gaps:
        if gap.total == obs:
            side = "below" if gap.rebaselined < obs.value else "above"
            return (
                f"not used: the three sectors observed make {gap.rebaselined:.2f} % "
                f"({abs(gap.gap):.2f} points {side})"
            )
    rate = SeriesName.parse(obs.indicator)
    if rate.is_growth:
        level = naming.output(rate.subject) if rate.subject in SECTORS else rate.subject
        if any(o.comparable for o in actuals.for_indicator(level).values() if o.year == obs.year):
            return "not used: the level is observed that year"
    return "pinned"


def _required(
    target: Target, series: np.ndarray, years: list[int], latest: int, bound: float | None
) -> float:
    """Average growth, % per year over latest+1 .. target.end_year, that reaches `bound` (NaN
    for an open end of the band)."""
    if bound is None:
        return math.nan
    x_latest = series[years.index(latest)]
    remaining = target.end_year - latest
    if target.measure == "cagr":
        x_start = series[years.index(target.start_year)]
        goal = x_start * (1.0 + bound / 100.0) ** (target.end_year - target.start_year)
    else:
        goal = bound
    return float(cagr_from_ratio_pct(goal / x_latest, remaining))


def required_growth(
    rebased: Sequence[Rebaselined],
    plans: Sequence[ScenarioResult],
    targets: Sequence[Target] | None = None,
) -> pd.DataFrame:
    """For each scenario and target: the growth the rest of the term needs from the latest
    observed year, against what the scenario assumes, with a plain verdict. targets: those of
    each scenario's plan when None.

    Closed form: x_T = x_L (1 + g)^(T - L), so g = (x_T / x_L)^(1 / (T - L)) - 1, where x_T is the
    target level (for an average-growth target: x_start (1 + target)^(T - start)).
    """
    records = [
        _required_record(reb, plan, target)
        for reb, plan in zip(rebased, plans, strict=True)
        for target in (reb.result.scenario.plan.targets if targets is None else targets)
    ]
    return pd.DataFrame.from_records(records)


def _required_record(reb: Rebaselined, plan: ScenarioResult, target: Target) -> dict[str, Any]:
    """One row of required_growth: a scenario's target."""
    result = reb.result
    years = list(map(int, result.years))
    indicator = target_indicator(target, result.scenario.budget_concept)
    latest = reb.observed_through.get(indicator, reb.latest_actual_year)
    solved = reb.solved_behind(indicator, latest)
    record: dict[str, Any] = {
        "scenario": result.scenario.name,
        "target": target.key,
        "indicator": indicator,
        "band": target.band_text,
        "unit": target.unit,
        "latest_actual_year": latest,
        "value_at_latest": math.nan,
        "required_low_pct": math.nan,
        "required_high_pct": math.nan,
        "assumed_pct": math.nan,
        "observed": indicator in reb.observed_through,
        "solved_from_total": "; ".join(d.describe() for d in solved),
        "plausible_ceiling_pct": PLAUSIBLE_CEILING_PCT.get(indicator, math.nan),
        "verdict": "",
    }
    if indicator not in result.series:
        record["verdict"] = "not projected"
    elif target.measure == "min_each_year":
        record["verdict"] = "a floor for each year, not a growth path: see the scorecard"
    elif target.end_year not in years or target.start_year not in years:
        record["verdict"] = "outside the projection years"
    elif latest >= target.end_year:
        record["verdict"] = "the term is over: see the re-baselined scorecard"
    else:
        series = result.series[indicator]
        record["value_at_latest"] = float(series[years.index(latest)])
        low = _required(target, series, years, latest, target.low)
        high = _required(target, series, years, latest, target.high)
        assumed = _required_assumed(plan, indicator, latest, target.end_year)
        ceiling = PLAUSIBLE_CEILING_PCT.get(indicator, math.nan)
        record.update(required_low_pct=low, required_high_pct=high, assumed_pct=assumed)
        verdict = _verdict(low, high, assumed, ceiling, latest, target.end_year)
        if indicator not in reb.observed_through:
            verdict += f" (not observed: {latest} value from the scenario's path)"
        if solved:
            verdict += (
                " - but this rests on a figure solved from the total, NOT OBSERVED: "
                + "; ".join(f"{d.sector} {d.year} = {d.value:.2f} %" for d in solved)
                + f"; give {join_and([f'{d.indicator} {d.year}' for d in solved])} to rely on it"
            )
        record["verdict"] = verdict
    return record


def _required_assumed(plan: ScenarioResult, indicator: str, latest: int, end: int) -> float:
    years = list(map(int, plan.years))
    series = plan.series[indicator]
    start, stop = series[years.index(latest)], series[years.index(end)]
    return float(cagr_from_ratio_pct(stop / start, end - latest))


def _verdict(low: float, high: float, assumed: float, ceiling: float, latest: int, end: int) -> str:
    span = f"{latest + 1}-{end}" if end > latest + 1 else f"{end}"
    if low <= 0.0:
        return "already met: reached even with no further growth"
    if not math.isnan(ceiling) and low > ceiling:
        return (
            f"out of reach at any plausible rate: needs {low:.1f} %/yr in {span}, above "
            f"{ceiling:g} %/yr"
        )
    band = (
        f"{low:.2f} %/yr"
        if math.isnan(high) or abs(high - low) < 5e-3
        else f"{low:.2f}-{high:.2f} %/yr"
    )
    pace = (
        "the scenario's own pace reaches it"
        if assumed >= low - 1e-9
        else f"above the scenario's {assumed:.2f} %/yr"
    )
    return f"needs {band} in {span}; {pace}"


@dataclass(frozen=True)
class TrackingResult:
    """Everything a run with --actuals adds: re-baselined projections and the tables."""

    actuals: Actuals
    rebased: tuple[Rebaselined, ...]
    plan_vs_actual: pd.DataFrame
    required: pd.DataFrame
    # a growth that looks like a fraction, implausible figures: once each, for the caller to
    # print in the run's language (Problem.render, narrative.tracking_note_text)
    warnings: tuple[Problem | Implausible, ...] = ()


def track(plans: Sequence[ScenarioResult], actuals: Actuals) -> TrackingResult:
    """Check the actuals against every scenario, re-baseline each, and tabulate.

    Raises ActualsError listing every problem (an observation outside a scenario's years, ...).
    """
    problems = []
    for plan in plans:
        s = plan.scenario
        for problem in check_against(
            actuals, s.base_year, s.end_year, s.indicators, s.name, s.base_total_bn_vnd is not None
        ):
            if problem not in problems:
                problems.append(problem)
    if problems:
        raise ActualsError(problems)
    rebased = []
    for plan in plans:  # every scenario's impossible paths at once
        try:
            rebased.append(rebaseline(plan.scenario, actuals))
        except ActualsError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        raise ActualsError(problems)
    warnings: tuple[Problem | Implausible, ...] = (
        *actuals.warnings,
        *implausible([f for reb in rebased for f in reb.flags], actuals.path),
    )
    return TrackingResult(
        actuals,
        tuple(rebased),
        plan_vs_actual(plans, actuals, rebased),
        required_growth(rebased, plans),
        warnings,
    )
