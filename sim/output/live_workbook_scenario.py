"""One scenario's sheet of the live workbook: a row per year, a column per series, every cell a
formula over the assumptions sheet's named cells, with the CLI's value cached.

The formulas are the model's (`sim.core.model`), cell by cell (r is the year's row, r-1 the year
before, $3 the base year's row):

    output.<sector>   base year: share / 100 * base total ("other" kept) or share / (sum of the
                      three shares) * base total ("normalise"); then  prev * (1 + rate / 100),
                      the rate being the year's single-year override where the scenario has one
    output.other      base year: (100 - sum of the shares) / 100 * base total; then its own rate,
                      or other$3 * (sum of the three sectors) / (their sum in the base year)
    output.total      SUM of the blocks
    share.<block>     block / total * 100
    indicator         base year: its base value; then prev * (1 + rate / 100), the rate being its
                      own growth or elasticity * growth.total of the year (an override wins)
    derived sums      budget_revenue_total = budget_revenue + land_use_revenue
    growth.<x>        (level / prev - 1) * 100, empty in the base year and where prev is 0
    cagr.<x>          ((level / level$3) ^ (1 / (year - year$3)) - 1) * 100, empty in the base
                      year and where level$3 is 0
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.core.model import DERIVED_SUMS, OTHER_BLOCK, SECTORS
from sim.output.i18n import header_label, linked_labels, scenario_what_if_note, text
from sim.output.live_workbook_assumptions import is_live
from sim.output.live_workbook_cells import (
    FIRST_DATA_ROW,
    Styles,
    cell,
    number_format,
    put,
    put_formula,
)
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["fill_scenario", "series_cell", "level_series", "SeriesNames"]

_LEVEL_WIDTH = 16


def series_cell(result: ScenarioResult, sheet_name: str, name: str, year: int) -> str:
    """The absolute reference of a series' cell in a year on the scenario's sheet."""
    col = 1 + list(result.series).index(name)
    row = FIRST_DATA_ROW + int(year) - int(result.years[0])
    return cell(row, col, sheet_name)


_NAME_MAX = 255
"""Excel's limit on the length of a defined name."""


class SeriesNames:
    """The workbook-wide defined names of the scenario sheets' cells that the scorecard and the
    summary read, so that their formulas say what they take: `baseline_output_total_2025` (a
    cell), `baseline_land_use_revenue_2021_2025` (a series over years), each defined on first
    use. A name another name already holds (Excel compares them without case) gets "_2", ...
    """

    def __init__(self, book: Workbook, sheets: Mapping[str, str], taken: Iterable[str] = ()):
        self._book = book
        self._sheets = sheets  # scenario -> its sheet's name
        self._taken = {name.casefold() for name in taken}
        self._defined: dict[tuple[str, str], str] = {}  # (scenario, reference) -> name

    def cell(self, result: ScenarioResult, series: str, year: int) -> str:
        """The name of `series` in `year` on the scenario's sheet."""
        reference = series_cell(result, self._sheets[result.scenario.name], series, year)
        return self._name(result, reference, f"{series}_{int(year)}")

    def span(self, result: ScenarioResult, series: str, first: int, last: int) -> str:
        """The name of `series` from year `first` to year `last` on the scenario's sheet."""
        sheet = self._sheets[result.scenario.name]
        start = series_cell(result, sheet, series, first)
        reference = f"{start}:{series_cell(result, sheet, series, last).rpartition('!')[2]}"
        return self._name(result, reference, f"{series}_{int(first)}_{int(last)}")

    def define(self, owner: str, reference: str, what: str) -> str:
        """A name `<owner>_<what>` for `reference` (an absolute reference with its sheet)."""
        key = (owner, reference)
        if key not in self._defined:
            base = re.sub(r"[^A-Za-z0-9_]", "_", f"{owner}_{what}")[: _NAME_MAX - 4]
            name, n = base, 1
            while name.casefold() in self._taken:
                n += 1
                name = f"{base}_{n}"
            self._taken.add(name.casefold())
            self._book.define_name(name, "=" + reference)
            self._defined[key] = name
        return self._defined[key]

    def _name(self, result: ScenarioResult, reference: str, what: str) -> str:
        return self.define(result.scenario.name, reference, what)


def level_series(name: str, blocks: tuple[str, ...]) -> str:
    """The level series a growth.<x> or cagr.<x> series is computed from."""
    short = name.partition(".")[2]
    return f"output.{short}" if short in blocks or short == "total" else short


@dataclass(frozen=True)
class _Formulas:
    """The formula of every cell of one scenario's sheet."""

    result: ScenarioResult
    names: Mapping[tuple[str, str], str]  # (scenario, parameter) -> defined name

    def ref(self, series: str, t: int, fix_row: bool = False) -> str:
        return cell(FIRST_DATA_ROW + t, 1 + self._columns.index(series), fix_row=fix_row)

    @property
    def _columns(self) -> list[str]:
        return list(self.result.series)

    def param(self, path: str) -> str:
        return self.names[self.result.scenario.name, path]

    def has(self, path: str) -> bool:
        return (self.result.scenario.name, path) in self.names

    def rate(self, prefix: str, t: int) -> str:
        """The growth rate of `prefix` (sectors.x / indicators.x) in year index t: the year's
        override where there is one, else the rate of every year."""
        override = f"{prefix}.growth_pct_by_year.{int(self.result.years[t])}"
        return self.param(override) if self.has(override) else self.param(f"{prefix}.growth_pct")

    def base_total(self) -> str:
        path = "structure.base_total_bn_vnd"
        return self.param(path) if self.has(path) else "100"

    def share_sum(self) -> str:
        return "+".join(self.param(f"sectors.{s}.share_pct") for s in SECTORS)

    def of(self, series: str, t: int) -> str | None:
        """The formula of `series` in year index t, or None for an empty cell."""
        family, _, short = series.partition(".")
        if family in ("growth", "cagr"):
            return None if t == 0 else self._rate_series(family, series, t)
        if series == "output.total":
            blocks = [f"output.{b}" for b in self.blocks]
            return f"=SUM({self.ref(blocks[0], t)}:{self.ref(blocks[-1], t)})"
        if family == "share":
            return f"={self.ref('output.' + short, t)}/{self.ref('output.total', t)}*100"
        if family == "output" and short == OTHER_BLOCK:
            return self._other(t)
        if family == "output":
            return self._sector(short, t)
        if series in DERIVED_SUMS:
            parts = [p for p in DERIVED_SUMS[series] if p in self.result.series]
            return "=" + "+".join(self.ref(p, t) for p in parts)
        return self._indicator(series, t)

    @property
    def blocks(self) -> tuple[str, ...]:
        """The output blocks (the three sectors, and "other" when kept): every output.<x>
        series but the total."""
        outputs = [n.removeprefix("output.") for n in self._columns if n.startswith("output.")]
        return tuple(b for b in outputs if b != "total")

    def _sector(self, sector: str, t: int) -> str:
        prefix = f"sectors.{sector}"
        if t == 0:
            share = self.param(f"{prefix}.share_pct")
            if self.result.scenario.residual == "other":
                return f"={share}/100*{self.base_total()}"
            return f"={share}/({self.share_sum()})*{self.base_total()}"
        return f"={self.ref('output.' + sector, t - 1)}*(1+{self.rate(prefix, t)}/100)"

    def _other(self, t: int) -> str:
        if t == 0:
            return f"=(100-({self.share_sum()}))/100*{self.base_total()}"
        if self.has("structure.residual_growth_pct"):
            own = self.param("structure.residual_growth_pct")
            return f"={self.ref('output.other', t - 1)}*(1+{own}/100)"
        first, last = f"output.{SECTORS[0]}", f"output.{SECTORS[-1]}"
        now = f"SUM({self.ref(first, t)}:{self.ref(last, t)})"
        base = f"SUM({self.ref(first, 0, True)}:{self.ref(last, 0, True)})"
        return f"={self.ref('output.other', 0, True)}*{now}/{base}"

    def _indicator(self, name: str, t: int) -> str:
        prefix = f"indicators.{name}"
        if t == 0:
            return f"={self.param(prefix + '.base')}"
        year = int(self.result.years[t])
        override = f"{prefix}.growth_pct_by_year.{year}"
        if self.has(override) or not self.has(f"{prefix}.elasticity"):
            rate = self.rate(prefix, t)
        else:
            rate = f"{self.param(prefix + '.elasticity')}*{self.ref('growth.total', t)}"
        return f"={self.ref(name, t - 1)}*(1+{rate}/100)"

    def _rate_series(self, family: str, series: str, t: int) -> str:
        level = level_series(series, self.blocks)
        now = self.ref(level, t)
        # A rate over a zero level is 0/0 (a block absent from the base year on): no value, an
        # empty text as the CLI's empty cell, not #DIV/0! (x/0 with x > 0 is inf, refused
        # before writing).
        if family == "growth":
            prev = self.ref(level, t - 1)
            return f'=IF({prev}=0,"",({now}/{prev}-1)*100)'
        base = self.ref(level, 0, True)
        years = f"({cell(FIRST_DATA_ROW + t, 0)}-{cell(FIRST_DATA_ROW, 0, fix_row=True)})"
        return f'=IF({base}=0,"",(({now}/{base})^(1/{years})-1)*100)'


def fill_scenario(
    sheet: Worksheet,
    result: ScenarioResult,
    names: Mapping[tuple[str, str], str],
    lang: str,
    styles: Styles,
) -> None:
    """Write one scenario's sheet: header rows, then formulas (values for a back-cast or a
    calibrated scenario, with a note on A1 saying so)."""
    labels = linked_labels(result)
    series = list(result.series)
    put(sheet, 0, 0, text("year", lang), styles.header)
    put(sheet, 1, 0, "year", styles.names)
    for col, name in enumerate(series, start=1):
        label = header_label(name, result.units[name], lang, labels)
        put(sheet, 0, col, label, styles.header)
        put(sheet, 1, col, name, styles.names)
    live = is_live(result.scenario)
    formulas = _Formulas(result, names)
    for t, year in enumerate(result.years):
        row = FIRST_DATA_ROW + t
        sheet.write_number(row, 0, int(year), styles.year)
        for col, name in enumerate(series, start=1):
            value = float(result.series[name][t])
            style = number_format(name, styles)
            formula = formulas.of(name, t) if live else None
            if formula is None:
                put(sheet, row, col, value, style)
            else:
                put_formula(sheet, row, col, formula, value, style)
    if result.scenario.settings:  # a what-if says so under its years
        row = FIRST_DATA_ROW + len(result.years) + 1
        put(sheet, row, 0, scenario_what_if_note(result.scenario, lang), styles.note)
    if not live:
        sheet.write_comment(0, 0, text("values_only_sheet", lang), {"x_scale": 3, "y_scale": 2})
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, len(series), _LEVEL_WIDTH)
    sheet.set_row(0, 60)
    sheet.freeze_panes(FIRST_DATA_ROW, 1)
    sheet.protect("", {"format_columns": True})
