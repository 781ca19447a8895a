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
from sim.core.text import Bilingual

__all__ = [
    "Target",
    "TARGETS",
    "target_by_key",
    "ScoreRow",
    "evaluate",
    "status_of",
    "scorecard",
    "target_indicator",
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
    def label(self) -> Bilingual:
        return Bilingual(self.label_vi, self.label_en)

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
        key="output_growth",
        indicator="output.total",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=14.0,
        high=15.0,
        unit="%/yr",
        source_lines="1989-1991",
        label_vi="Tốc độ tăng giá trị sản xuất bình quân",
        label_en="Production value growth, average",
    ),
    Target(
        key="services_growth",
        indicator="output.services",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=15.5,
        high=16.5,
        unit="%/yr",
        source_lines="2009; 2102-2104",
        label_vi="Ngành dịch vụ tăng",
        label_en="Services growth",
    ),
    Target(
        key="industry_growth",
        indicator="output.industry",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=14.5,
        high=15.5,
        unit="%/yr",
        source_lines="2009-2010; 2197-2201",
        label_vi="Ngành công nghiệp - xây dựng tăng",
        label_en="Industry and construction growth",
    ),
    Target(
        key="agriculture_growth",
        indicator="output.agriculture",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=3.0,
        high=4.0,
        unit="%/yr",
        source_lines="2010; 2293-2295",
        label_vi="Ngành nông lâm - thủy sản tăng",
        label_en="Agriculture, forestry and fishery growth",
    ),
    Target(
        key="income_2025",
        indicator="income_per_capita",
        measure="level",
        start_year=2020,
        end_year=2025,
        low=55.0,
        high=58.0,
        unit="million VND/person",
        source_lines="1993-1995",
        label_vi="Thu nhập bình quân đầu người năm 2025",
        label_en="Per-capita income in 2025",
    ),
    Target(
        key="investment_growth",
        indicator="investment",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=8.0,
        high=10.0,
        unit="%/yr",
        source_lines="1997-1999",
        label_vi="Tổng vốn đầu tư toàn xã hội tăng bình quân",
        label_en="Total social investment growth",
    ),
    Target(
        key="budget_growth",
        indicator="budget_concept",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=13.0,
        high=15.0,
        unit="%/yr",
        source_lines="2001-2003; 2435",
        label_vi="Tổng thu ngân sách nhà nước tăng bình quân",
        label_en="State budget revenue growth",
    ),
    Target(
        key="budget_2025",
        indicator="budget_concept",
        measure="level",
        start_year=2020,
        end_year=2025,
        low=600.0,
        high=600.0,
        unit="billion VND",
        source_lines="2012; 2435-2437",
        label_vi="Thu ngân sách năm 2025",
        label_en="Budget revenue in 2025",
        approximate=True,
    ),
    Target(
        key="land_use_each_year",
        indicator="land_use_revenue",
        measure="min_each_year",
        start_year=2020,
        end_year=2025,
        low=80.0,
        high=None,
        unit="billion VND/yr",
        source_lines="2443-2445",
        label_vi="Thu tiền sử dụng đất hằng năm",
        label_en="Land-use fee revenue, each year",
    ),
    Target(
        key="retail_growth",
        indicator="retail",
        measure="cagr",
        start_year=2020,
        end_year=2025,
        low=18.0,
        high=20.0,
        unit="%/yr",
        source_lines="2112-2114",
        label_vi="Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ tăng",
        label_en="Retail sales and service revenue growth",
    ),
)


def target_by_key(key: str, targets: Sequence[Target] = TARGETS) -> Target:
    """The target with this key (of the congress targets by default); KeyError naming the known
    keys when there is none."""
    for target in targets:
        if target.key == key:
            return target
    raise KeyError(f"no target '{key}'; known: {', '.join(t.key for t in targets)}")


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
