"""The assumptions sheet of the live workbook: every numeric parameter of every scenario, one row
each, the input cells a planner types over.

The table's stable columns are `scenario | parameter | year | value | unit | source`: `parameter`
is the `--set` key (`sectors.services.growth_pct`, `sectors.services.growth_pct_by_year.2021`),
`year` is empty for a rate of every year and set for a single-year override. Each value cell has
a workbook-wide defined name (`baseline_services_growth`, `covid_shock_services_growth_2021`,
`baseline_income_per_capita_elasticity`) that the scenario sheets' formulas use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.output.i18n import text, unit_text
from sim.output.live_workbook_cells import FIRST_DATA_ROW, Styles, cell, put
from sim.run import ScenarioResult, solved_in_translation
from sim.scenario.parameters import numeric_parameters
from sim.scenario.values import NO_TEXT, Scenario, SourceNote

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = ["COLUMNS", "Assumption", "assumptions", "is_live", "fill_assumptions"]

COLUMNS = ("scenario", "parameter", "year", "value", "unit", "source")
"""The stable header row of the assumptions table (row 2)."""

_HEADER_KEYS = ("scenario", "parameter", "year", "assumption_value", "unit", "source")
_WIDTHS = (16, 44, 8, 12, 20, 70)
_VALUE_COL = COLUMNS.index("value")
_BY_YEAR = re.compile(r"^(?P<head>.+)\.growth_pct_by_year\.(?P<year>\d+)$")


@dataclass(frozen=True)
class Assumption:
    """One row of the assumptions table.

    parameter: the `--set` key; year: the year of a single-year override, else None;
    value: in `unit` (% for shares, %/yr for rates, the indicator's unit for a base value, a
    plain ratio for an elasticity); name: the defined name of its value cell; live: whether the
    scenario's sheet computes from it (False for a back-cast, whose sheet holds values).
    """

    scenario: str
    parameter: str
    year: int | None
    value: float
    unit: str
    source: SourceNote  # the note of the file (or --set) that set the value
    name: str
    live: bool


def is_live(scenario: Scenario) -> bool:
    """Whether the scenario's sheet is written as formulas. A back-cast (`anchor_year`) or a
    calibrated scenario runs the model backwards and solves for a shift (bisection): the sheet
    holds the computed values instead, and says so."""
    return solved_in_translation(scenario) is None


def _short(path: str) -> str:
    """The part of a defined name after the scenario: "services_growth", "services_growth_2021",
    "income_per_capita_elasticity", "other_growth", "base_total"."""
    by_year = _BY_YEAR.match(path)
    if by_year:
        return f"{_short(by_year['head'] + '.growth_pct')}_{by_year['year']}"
    family, _, rest = path.partition(".")
    if family == "structure":
        return {"residual_growth_pct": "other_growth", "base_total_bn_vnd": "base_total"}.get(
            rest, rest.replace(".", "_")
        )
    owner, _, key = rest.rpartition(".")
    key = {"growth_pct": "growth", "share_pct": "share"}.get(key, key)
    return f"{owner.replace('.', '_')}_{key}"


def _unit(scenario: Scenario, path: str) -> str:
    """The unit of a parameter's value (English; shown in the run's language)."""
    if path.endswith(".share_pct"):
        return "%"
    if path == "structure.base_total_bn_vnd":
        return "billion VND"
    if path.endswith(".elasticity"):
        return ""
    if path.startswith("indicators.") and path.endswith(".base"):
        return scenario.indicators[path.split(".")[1]].unit
    return "%/yr"


def assumptions(results: Sequence[ScenarioResult]) -> list[Assumption]:
    """The rows of the assumptions table: each scenario's numeric parameters in their stable
    order (`numeric_parameters`), and its base total in billion VND when it gives one."""
    rows = []
    taken: set[str] = set()
    for result in results:
        scenario = result.scenario
        values = numeric_parameters(scenario)
        if scenario.base_total_bn_vnd is not None:
            values["structure.base_total_bn_vnd"] = scenario.base_total_bn_vnd
        for path, value in values.items():
            name = f"{scenario.name}_{_short(path)}"
            if name.lower() in taken:  # (Excel's names ignore case)
                name = f"{scenario.name}__{path.replace('.', '_')}"
            taken.add(name.lower())
            by_year = _BY_YEAR.match(path)
            year = int(by_year["year"]) if by_year else None
            unit = _unit(scenario, path)
            rows.append(
                Assumption(
                    scenario.name,
                    path,
                    year,
                    value,
                    unit,
                    scenario.sources.get(path, SourceNote(NO_TEXT)),
                    name,
                    is_live(scenario),
                )
            )
    return rows


def fill_assumptions(
    book: Workbook, sheet: Worksheet, rows: Sequence[Assumption], lang: str, styles: Styles
) -> dict[tuple[str, str], str]:
    """Write the table and define a name for each value cell; returns (scenario, parameter) ->
    defined name. Input cells are pale yellow and unlocked; the sheet is protected (no
    password) so that only they take typing."""
    for col, key in enumerate(_HEADER_KEYS):
        put(sheet, 0, col, text(key, lang), styles.header)
        put(sheet, 1, col, COLUMNS[col], styles.names)
        sheet.set_column(col, col, _WIDTHS[col])
    sheet.write_comment(0, _VALUE_COL, text("input_note", lang), {"x_scale": 2, "y_scale": 1.5})
    sheet.set_row(0, 30)
    names = {}
    for i, row in enumerate(rows):
        r = FIRST_DATA_ROW + i
        put(sheet, r, 0, row.scenario, styles.text)
        put(sheet, r, 1, row.parameter, styles.text)
        put(sheet, r, 2, row.year, styles.year)
        put(sheet, r, 3, row.value, styles.input if row.live else styles.level)
        put(sheet, r, 4, unit_text(row.unit, lang), styles.text)
        put(sheet, r, 5, row.source.in_(lang), styles.text)
        if not row.live:
            sheet.write_comment(r, _VALUE_COL, text("values_only_note", lang))
        book.define_name(row.name, "=" + cell(r, _VALUE_COL, sheet.get_name()))
        names[row.scenario, row.parameter] = row.name
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    if rows:
        sheet.autofilter(1, 0, FIRST_DATA_ROW + len(rows) - 1, len(COLUMNS) - 1)
    sheet.protect("", {"autofilter": True, "sort": True, "format_columns": True})
    return names
