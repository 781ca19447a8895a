"""A plan's targets as values, and the scorecard that checks a projection against them.

Every target names the indicator it is checked on (a stable series name of
`sim.core.model.projection_series`), how it is measured, its band and where its source says so.
The targets themselves are data: a plan file (`plan.toml`, read by `sim.scenario.plan`) holds
them; this module names no locality and no figure.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.core.model import cagr_from_ratio_pct
from sim.core.text import Bilingual

__all__ = [
    "Target",
    "target_by_key",
    "find_target",
    "ScoreRow",
    "EVALUATED",
    "evaluate",
    "status_of",
    "scorecard",
    "target_indicator",
    "within",
]


@dataclass(frozen=True, kw_only=True)
class Target:
    """One congress target.

    key:        stable identifier, used in CSV files.
    indicator:  the series checked ("budget_concept" means: the budget line the scenario names).
    measure:    "cagr" (average growth from start_year to end_year, %/yr),
                "level" (value in end_year), or
                "min_each_year" (smallest value over start_year+1 .. end_year).
    low, high:  the band; None for an open end. The source's "trên 80" (above 80) is checked as
                at least 80 and shown as "≥ 80": a line held at the floor counts as meeting it.
    approximate: the source says "khoảng" (about); the band is then the figure, widened by
                tolerance_pct on each side (0: the figure itself, "at least the figure").
    tolerance_pct: how near an "about" figure counts as met, % of the figure.
    goal:       the figure the goal seeks aim at (None: the figure, or the band's low end).
    seek:       parameter paths whose "what does it take" value the goal seek finds ("indicators.
                <name>" means that indicator's rule parameter, elasticity or growth_pct); None
                (not given): the default parameter of the target's indicator, unless
                seek_within_range is given (`sim.analysis.suite.default_seek`); () switches the
                goal seek off for this target.
    seek_within_range: parameters searched only within the scenario's uncertainty range (or the
                band of the plan's target on that sector's growth): "is it reachable as planned".
    """

    key: str
    indicator: str
    measure: str
    start_year: int
    end_year: int
    low: float | None
    high: float | None
    unit: str
    source_lines: str
    label_vi: str
    label_en: str
    approximate: bool = False
    tolerance_pct: float = 0.0
    goal: float | None = None
    seek: tuple[str, ...] | None = None
    seek_within_range: tuple[str, ...] = ()

    @property
    def label(self) -> Bilingual:
        return Bilingual(self.label_vi, self.label_en)

    @property
    def figure(self) -> float | None:
        """The single figure of an "about" target (the middle of its band), else None."""
        if not self.approximate or self.low is None or self.high is None:
            return None
        return (self.low + self.high) / 2.0

    @property
    def bound(self) -> float | None:
        """The one figure a target without a band is drawn at (a one-sided target's bound, a
        single figure): its low end, else its high end; None for neither."""
        return self.low if self.low is not None else self.high

    @property
    def goal_value(self) -> float | None:
        """What the goal seeks aim at: `goal`, else the "about" figure, else the low end."""
        if self.goal is not None:
            return self.goal
        return self.figure if self.approximate else self.low

    @property
    def band_text(self) -> str:
        if self.approximate:
            within = f" ± {self.tolerance_pct:g} %" if self.tolerance_pct else ""
            return f"about {self.figure:g}{within}"
        if self.low is not None and self.high is not None and self.low != self.high:
            return f"{self.low:g}-{self.high:g}"
        if self.low is not None and self.high is None:
            return f"≥ {self.low:g}"
        if self.low is None and self.high is not None:
            return f"≤ {self.high:g}"
        return f"{self.low:g}"


def target_by_key(key: str, targets: Sequence[Target]) -> Target:
    """The target with this key among `targets` (a plan's); KeyError naming the known keys when
    there is none."""
    for target in targets:
        if target.key == key:
            return target
    raise KeyError(f"no target '{key}'; known: {', '.join(t.key for t in targets)}")


def find_target(
    targets: Sequence[Target], indicators: Sequence[str], measure: str
) -> Target | None:
    """The first of `targets` checked on one of `indicators` with `measure` (e.g. the average
    growth target of output.total, for the chart that shades it), or None."""
    return next((t for t in targets if t.indicator in indicators and t.measure == measure), None)


def target_indicator(target: Target, budget_concept: str) -> str:
    """The series a target is checked on, with the scenario's budget concept filled in."""
    return budget_concept if target.indicator == "budget_concept" else target.indicator


def evaluate(target: Target, years: np.ndarray, levels: np.ndarray) -> np.ndarray | None:
    """The projected value that the target is checked against.

    years: (T + 1,) calendar years; levels: (..., T + 1) the indicator's levels.
    Returns (...) values, or None when the target's years are not all in the projection.
    """
    years = np.asarray(years)
    if target.start_year not in years or target.end_year not in years:
        return None
    start = int(np.flatnonzero(years == target.start_year)[0])
    end = int(np.flatnonzero(years == target.end_year)[0])
    if target.measure == "cagr":
        with np.errstate(divide="ignore", invalid="ignore"):  # a zero level: NaN, no warning
            ratio = levels[..., end] / levels[..., start]
        return cagr_from_ratio_pct(ratio, target.end_year - target.start_year)
    if target.measure == "level":
        return levels[..., end]
    if target.measure == "min_each_year":
        return levels[..., start + 1 : end + 1].min(axis=-1)
    raise ValueError(f"unknown target measure {target.measure!r}")


COMPARISON_TOLERANCE = 1e-9
"""Values this close to a band's end count as on it (16.5 compounded and un-compounded is
16.500000000000004, which must not read as "exceeded")."""


def within(value: float, low: float, high: float) -> bool:
    """Whether `value` lies in the band low..high, a value within COMPARISON_TOLERANCE of an
    end counting as on it."""
    return low - COMPARISON_TOLERANCE <= value <= high + COMPARISON_TOLERANCE


def status_of(target: Target, value: float) -> tuple[str, float]:
    """("missed" | "met" | "exceeded" | "no value", gap). The gap is below the low end
    (negative), above the high end (positive) or 0 inside the band. Exceeding a band's high end
    counts as met, as the source counts "đạt và vượt" (met and exceeded); a ceiling alone (a plan
    that gives `high` only: "at most 2 %") is missed above it. A value that is not a number (the
    growth of a sector with no output: 0/0) is "no value", gap NaN: it meets nothing."""
    if math.isnan(value):
        return "no value", math.nan
    if target.low is not None and value < target.low - COMPARISON_TOLERANCE:
        return "missed", value - target.low
    if target.high is not None and value > target.high + COMPARISON_TOLERANCE:
        return ("exceeded" if target.low is not None else "missed"), value - target.high
    return "met", 0.0


EVALUATED = ("met", "exceeded", "missed")
"""The statuses of a target checked against a value (the others: "no value", "not projected",
"outside horizon")."""


@dataclass(frozen=True)
class ScoreRow:
    scenario: str
    target: Target
    indicator: str  # the series actually checked
    value: float  # NaN when not projected
    status: str  # "met", "exceeded", "missed", "no value", "not projected", "outside horizon"
    gap: float  # NaN unless evaluated

    @property
    def met(self) -> bool:
        return self.status in ("met", "exceeded")

    @property
    def evaluated(self) -> bool:
        """Checked against a value: met, exceeded or missed."""
        return self.status in EVALUATED


def scorecard(
    scenario_name: str,
    years: np.ndarray,
    series: Mapping[str, np.ndarray],
    budget_concept: str,
    targets: Sequence[Target],
) -> list[ScoreRow]:
    """Check one projection (1-D series, no draws axis) against every target."""
    rows = []
    for target in targets:
        indicator = target_indicator(target, budget_concept)
        if indicator not in series:
            rows.append(
                ScoreRow(scenario_name, target, indicator, math.nan, "not projected", math.nan)
            )
            continue
        value = evaluate(target, years, series[indicator])
        if value is None:
            rows.append(
                ScoreRow(scenario_name, target, indicator, math.nan, "outside horizon", math.nan)
            )
            continue
        status, gap = status_of(target, float(value))
        rows.append(ScoreRow(scenario_name, target, indicator, float(value), status, gap))
    return rows
