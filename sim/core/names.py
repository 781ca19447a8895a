"""One home for the names the tool speaks: series names and parameter paths.

Series names are the stable column names of every output (CSV headers, workbook headers, the
what-if page's `data-indicator`):

    output.<block>     level of a sector block (services, industry, agriculture, other)
    output.total       level of the total
    share.<block>      share of the total, %
    growth.<x>         year-on-year growth, %          x = a block, "total" or an indicator
    cagr.<x>           average growth since the base year, %/yr
    <indicator>        level of a linked indicator (income_per_capita, budget_revenue, ...)

Parameter paths are the dotted keys of a scenario file, as `--set` takes them:

    sectors.<sector>.<field>                 share_pct, growth_pct
    sectors.<sector>.growth_pct_by_year.<Y>  a single year's rate
    indicators.<name>.<field>                base, growth_pct, elasticity
    indicators.<name>.growth_pct_by_year.<Y>
    structure.<field>                        residual_growth_pct, base_total_bn_vnd, ...

Code builds and parses both through this module only; it imports nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from sim.core.text import Bilingual

__all__ = [
    "BLOCKS",
    "SECTOR_NAMES",
    "TOTAL",
    "RATE_FAMILIES",
    "SeriesName",
    "ParameterPath",
    "sector_path",
    "indicator_path",
    "output",
    "share",
    "growth",
    "cagr",
    "series_unit",
]

LEVEL_FAMILY = "output"
SHARE_FAMILY = "share"
GROWTH_FAMILY = "growth"
CAGR_FAMILY = "cagr"
RATE_FAMILIES = (GROWTH_FAMILY, CAGR_FAMILY)
FAMILIES = (LEVEL_FAMILY, SHARE_FAMILY, *RATE_FAMILIES)
TOTAL = "total"
BY_YEAR = "growth_pct_by_year"

SECTOR_NAMES = {
    "services": Bilingual("Dịch vụ", "Services"),
    "industry": Bilingual("Công nghiệp - xây dựng", "Industry & construction"),
    "agriculture": Bilingual("Nông lâm - thủy sản", "Agriculture, forestry & fishery"),
}
"""Each sector's name as a reader sees it (sim.output.i18n's words for the sector keys, and a
message of a lower layer, take them from here)."""


@dataclass(frozen=True)
class SeriesName:
    """A parsed series name: `family` is "output", "share", "growth", "cagr", or "" for a linked
    indicator's level; `subject` is the block, "total" or the indicator."""

    family: str
    subject: str

    @classmethod
    def parse(cls, name: str) -> SeriesName:
        return _parse_series(name)

    def __str__(self) -> str:
        return f"{self.family}.{self.subject}" if self.family else self.subject

    @property
    def is_output(self) -> bool:
        """A level of a block or of the total (output.<block>, output.total)."""
        return self.family == LEVEL_FAMILY

    @property
    def is_share(self) -> bool:
        return self.family == SHARE_FAMILY

    @property
    def is_growth(self) -> bool:
        return self.family == GROWTH_FAMILY

    @property
    def is_cagr(self) -> bool:
        return self.family == CAGR_FAMILY

    @property
    def is_indicator(self) -> bool:
        """A linked indicator's level (or a derived sum): a name of no family."""
        return not self.family

    @property
    def is_rate(self) -> bool:
        """Growth or CAGR, in %/yr: compared by difference, not by ratio."""
        return self.family in RATE_FAMILIES

    @property
    def in_percent(self) -> bool:
        """A share (%) or a rate (%/yr): shown with two decimals."""
        return self.is_share or self.is_rate

    @property
    def level(self) -> str:
        """The level series a rate is computed from: growth.services -> output.services,
        cagr.total -> output.total, growth.income_per_capita -> income_per_capita."""
        if self.family in (LEVEL_FAMILY, ""):
            return str(self)
        if self.family == SHARE_FAMILY:
            return output(self.subject)
        return self.subject if not _is_output_subject(self.subject) else output(self.subject)


@functools.lru_cache(maxsize=4096)  # the Monte Carlo parses its K names once per chunk
def _parse_series(name: str) -> SeriesName:
    family, dot, subject = name.partition(".")
    if dot and family in FAMILIES:
        return SeriesName(family, subject)
    return SeriesName("", name)


BLOCKS = ("services", "industry", "agriculture", "other")
"""Sector blocks of the model (`sim.core.model.SECTORS` and its "other" block; a test checks)."""


def _is_output_subject(subject: str) -> bool:
    return subject in BLOCKS or subject == TOTAL


def output(block: str) -> str:
    """output.<block> ("total" for the total)."""
    return f"{LEVEL_FAMILY}.{block}"


def share(block: str) -> str:
    return f"{SHARE_FAMILY}.{block}"


def _rate_subject(level_name: str) -> str:
    return level_name.removeprefix(f"{LEVEL_FAMILY}.")


def growth(level_name: str) -> str:
    """growth.<x> of a level series: "output.services" -> "growth.services",
    "income_per_capita" -> "growth.income_per_capita"; a bare block or "total" also works."""
    return f"{GROWTH_FAMILY}.{_rate_subject(level_name)}"


def cagr(level_name: str) -> str:
    """cagr.<x> of a level series, as `growth`."""
    return f"{CAGR_FAMILY}.{_rate_subject(level_name)}"


@dataclass(frozen=True)
class ParameterPath:
    """A parsed parameter path: group ("sectors", "indicators", "structure", ...), owner (the
    sector or indicator; "" for a group without owners), field, and year for a single-year
    override (None for every year)."""

    group: str
    owner: str
    field: str
    year: int | None = None

    @classmethod
    def parse(cls, path: str) -> ParameterPath:
        parts = path.split(".")
        year = None
        if len(parts) >= 2 and parts[-2] == BY_YEAR and parts[-1].isascii() and parts[-1].isdigit():
            year = int(parts[-1])
            parts = parts[:-1]
        if parts[0] in ("sectors", "indicators") and len(parts) == 3:
            return cls(parts[0], parts[1], parts[2], year)
        return cls(parts[0], "", ".".join(parts[1:]), year)

    @classmethod
    def sector(cls, sector: str, field: str, year: int | None = None) -> ParameterPath:
        return cls("sectors", sector, BY_YEAR if year is not None else field, year)

    @classmethod
    def indicator(cls, name: str, field: str, year: int | None = None) -> ParameterPath:
        return cls("indicators", name, BY_YEAR if year is not None else field, year)

    def __str__(self) -> str:
        parts = [self.group, self.owner, self.field] if self.owner else [self.group, self.field]
        if self.year is not None:
            parts.append(str(self.year))
        return ".".join(parts)

    @property
    def column(self) -> str:
        """The path as a column name, its group left out: "sectors.services.growth_pct" ->
        "services_growth_pct", "structure.residual_growth_pct" -> "residual_growth_pct"."""
        return "_".join(str(self).split(".")[1:])

    def in_year(self, year: int) -> ParameterPath:
        """The single-year override of this yearly rate: sectors.services.growth_pct ->
        sectors.services.growth_pct_by_year.<year>."""
        return ParameterPath(self.group, self.owner, BY_YEAR, year)

    def years_among(self, paths: Iterable[str]) -> set[int]:
        """The years whose single-year override of this yearly rate (`in_year`) is among
        `paths`; none for a path of one year itself."""
        if self.year is not None:
            return set()
        found = (ParameterPath.parse(p) for p in paths)
        return {p.year for p in found if p.year is not None and p == self.in_year(p.year)}

    @property
    def every_year(self) -> str:
        """The path without its year: a single-year override's yearly parameter."""
        if self.year is None:
            return str(self)
        return str(ParameterPath(self.group, self.owner, self.field))


@functools.lru_cache(maxsize=4096)  # built once per Monte Carlo chunk (`build_inputs`)
def sector_path(sector: str, field: str, year: int | None = None) -> str:
    """sectors.<sector>.<field>, or sectors.<sector>.growth_pct_by_year.<year> with a year."""
    return str(ParameterPath.sector(sector, field, year))


@functools.lru_cache(maxsize=4096)
def indicator_path(name: str, field: str, year: int | None = None) -> str:
    """indicators.<name>.<field>, or indicators.<name>.growth_pct_by_year.<year> with a year."""
    return str(ParameterPath.indicator(name, field, year))


def series_unit(name: str, output_unit: str, indicator_units: dict[str, str]) -> str:
    """The unit of a series name: output levels in `output_unit`, shares in %, rates in %/yr,
    an indicator in its own unit; budget_revenue_total in budget_revenue's unit (the one rule
    for a derived sum); "" for a name the scenario does not have."""
    parsed = SeriesName.parse(name)
    if parsed.family == LEVEL_FAMILY:
        return output_unit
    if parsed.family == SHARE_FAMILY:
        return "%"
    if parsed.is_rate:
        return "%/yr"
    if name in indicator_units:
        return indicator_units[name]
    if name == "budget_revenue_total":
        return indicator_units.get("budget_revenue", "")
    return ""
