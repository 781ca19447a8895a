"""The congress targets for 2020-2025, as data, and the scorecard that checks a projection.

Every target names the indicator it is checked on (a stable series name of
`sim.core.model.projection_series`), how it is measured, its band and the source line in
`congress_report_vi.txt` (quoted in docs/source_figures.md, section b).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from sim.core.model import cagr_from_ratio_pct

__all__ = [
    "Target",
    "TARGETS",
    "ScoreRow",
    "evaluate",
    "status_of",
    "scorecard",
    "target_indicator",
]


@dataclass(frozen=True)
class Target:
    """One congress target.

    key:        stable identifier, used in CSV files.
    indicator:  the series checked ("budget_concept" means: the budget line the scenario names).
    measure:    "cagr" (average growth from start_year to end_year, %/yr),
                "level" (value in end_year), or
                "min_each_year" (smallest value over start_year+1 .. end_year).
    low, high:  the band; None for an open end. The source's "trên 80" (above 80) is checked as
                at least 80 and shown as "≥ 80": a line held at the floor counts as meeting it.
    approximate: the source says "khoảng" (about); the band is then a single figure.
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

    @property
    def band_text(self) -> str:
        if self.low is not None and self.high is not None and self.low != self.high:
            return f"{self.low:g}-{self.high:g}"
        if self.low is not None and self.high is None:
            return f"≥ {self.low:g}"
        if self.low is None and self.high is not None:
            return f"< {self.high:g}"
        prefix = "about " if self.approximate else ""
        return f"{prefix}{self.low:g}"


TARGETS: tuple[Target, ...] = (
    Target(
        "output_growth",
        "output.total",
        "cagr",
        2020,
        2025,
        14.0,
        15.0,
        "%/yr",
        "1989-1991",
        "Tốc độ tăng giá trị sản xuất bình quân",
        "Production value growth, average",
    ),
    Target(
        "services_growth",
        "output.services",
        "cagr",
        2020,
        2025,
        15.5,
        16.5,
        "%/yr",
        "2009; 2102-2104",
        "Ngành dịch vụ tăng",
        "Services growth",
    ),
    Target(
        "industry_growth",
        "output.industry",
        "cagr",
        2020,
        2025,
        14.5,
        15.5,
        "%/yr",
        "2009-2010; 2197-2201",
        "Ngành công nghiệp - xây dựng tăng",
        "Industry and construction growth",
    ),
    Target(
        "agriculture_growth",
        "output.agriculture",
        "cagr",
        2020,
        2025,
        3.0,
        4.0,
        "%/yr",
        "2010; 2293-2295",
        "Ngành nông lâm - thủy sản tăng",
        "Agriculture, forestry and fishery growth",
    ),
    Target(
        "income_2025",
        "income_per_capita",
        "level",
        2020,
        2025,
        55.0,
        58.0,
        "million VND/person",
        "1993-1995",
        "Thu nhập bình quân đầu người năm 2025",
        "Per-capita income in 2025",
    ),
    Target(
        "investment_growth",
        "investment",
        "cagr",
        2020,
        2025,
        8.0,
        10.0,
        "%/yr",
        "1997-1999",
        "Tổng vốn đầu tư toàn xã hội tăng bình quân",
        "Total social investment growth",
    ),
    Target(
        "budget_growth",
        "budget_concept",
        "cagr",
        2020,
        2025,
        13.0,
        15.0,
        "%/yr",
        "2001-2003; 2435",
        "Tổng thu ngân sách nhà nước tăng bình quân",
        "State budget revenue growth",
    ),
    Target(
        "budget_2025",
        "budget_concept",
        "level",
        2020,
        2025,
        600.0,
        600.0,
        "billion VND",
        "2012; 2435-2437",
        "Thu ngân sách năm 2025",
        "Budget revenue in 2025",
        approximate=True,
    ),
    Target(
        "land_use_each_year",
        "land_use_revenue",
        "min_each_year",
        2020,
        2025,
        80.0,
        None,
        "billion VND/yr",
        "2443-2445",
        "Thu tiền sử dụng đất hằng năm",
        "Land-use fee revenue, each year",
    ),
    Target(
        "retail_growth",
        "retail",
        "cagr",
        2020,
        2025,
        18.0,
        20.0,
        "%/yr",
        "2112-2114",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tăng",
        "Retail sales and service revenue growth",
    ),
)


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


def status_of(target: Target, value: float) -> tuple[str, float]:
    """("missed" | "met" | "exceeded", gap). The gap is below the low end (negative), above the
    high end (positive) or 0 inside the band. Exceeding a growth or level target counts as met,
    as the source counts "đạt và vượt" (met and exceeded)."""
    if target.low is not None and value < target.low - COMPARISON_TOLERANCE:
        return "missed", value - target.low
    if target.high is not None and value > target.high + COMPARISON_TOLERANCE:
        return "exceeded", value - target.high
    return "met", 0.0


@dataclass(frozen=True)
class ScoreRow:
    scenario: str
    target: Target
    indicator: str  # the series actually checked
    value: float  # NaN when not projected
    status: str  # "met", "exceeded", "missed", "not projected", "outside horizon"
    gap: float  # NaN unless evaluated

    @property
    def met(self) -> bool:
        return self.status in ("met", "exceeded")


def scorecard(
    scenario_name: str,
    years: np.ndarray,
    series: Mapping[str, np.ndarray],
    budget_concept: str,
    targets: Sequence[Target] = TARGETS,
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
