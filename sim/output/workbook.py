"""projections.xlsx: the run's tables for reading in Excel (a summary, the scorecard and one sheet
per scenario), with labels and units in the run's language, frozen headers and number formats."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from sim.core.names import SeriesName
from sim.output.files import check_finite
from sim.output.i18n import Bilingual, header_label, linked_labels, text, unit_text
from sim.output.tables import SUMMARY_SERIES, scorecards, summary_table
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["write_workbook"]

SHEET_NAME_MAX = 31
"""Excel's limit on the length of a sheet name."""

XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""The control characters an XML 1.0 cell cannot hold (openpyxl refuses them); tab, line feed
and carriage return are kept."""

_SCORECARD_COLUMNS = (
    # (column of the scorecard table, its header's text key)
    ("scenario", "scenario"),
    ("basis", "basis"),
    ("label", "target"),  # label_vi or label_en, by the run's language
    ("band", "band"),
    ("unit", "unit"),
    ("value", "value"),
    ("status", "status"),
    ("gap", "gap"),
    ("indicator", "checked_on"),
    ("period", "year"),
    ("source_lines", "source_lines"),
)
_SCORECARD_WIDTHS = [14, 14, 44, 12, 18, 12, 12, 10, 22, 11, 16]


def write_workbook(
    results: Sequence[ScenarioResult],
    path: Path,
    lang: str,
    rebased: Sequence[ScenarioResult] = (),
    probabilities: pd.DataFrame | None = None,
) -> None:
    """An Excel workbook: a summary, the scorecard and one sheet per scenario.

    Each projection sheet has a header row of labels with units and a second row with the stable
    series names; both are frozen, and numbers carry formats (Excel shows them in its locale).
    Raises NonFiniteError (`sim.output.files.check_finite`) before writing anything not finite.
    """
    from openpyxl import Workbook

    card = scorecards(results, rebased, probabilities)
    check_finite([*results, *rebased], {"projections.xlsx": card})
    book = Workbook()
    summary = book.active
    summary.title = text("summary", lang)[:SHEET_NAME_MAX]
    _fill_summary(summary, results, lang)
    scores = book.create_sheet(text("scorecard", lang)[:SHEET_NAME_MAX])
    _fill_scorecard(scores, card, lang)
    for result in results:
        _fill_projection(book.create_sheet(result.scenario.name[:SHEET_NAME_MAX]), result, lang)
    book.save(path)


def _cell(value: object) -> object:
    """A value as Excel takes it: an empty cell for NaN (a deliberate gap, e.g. growth in the
    base year), a text with the control characters XML cannot hold shown as U+FFFD."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("\ufffd", value)
    return None if isinstance(value, float) and math.isnan(value) else value


def _append(sheet: Worksheet, values: Sequence[object]) -> None:
    """Append a row of values; every text is a text cell, never a formula.

    openpyxl takes a str starting with "=" as a formula, so a title such as
    `=HYPERLINK(...)` would be stored live; here each text cell is typed as a string after its
    value is set ("s": written as an inline string, no <f> element). This is the only way this
    module writes cells: a formula the tool means (the live workbook to come) is written apart.
    """
    sheet.append([_cell(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _number_format(name: str) -> str:
    if SeriesName.parse(name).in_percent:
        return "0.00"
    return "#,##0.0"


def _fill_summary(sheet: Worksheet, results: Sequence[ScenarioResult], lang: str) -> None:
    """One row per scenario: end-year headline values, targets met, the residual treatment."""
    frame = summary_table(results, lang)
    first = results[0]
    labels = linked_labels(first)
    headers = [text("scenario", lang), text("title", lang), text("end_year", lang)]
    for name in SUMMARY_SERIES:
        unit = first.units.get(name, "")
        headers.append(header_label(name, unit, lang, labels) if name in frame else name)
    headers += [text("targets_met", lang), text("residual", lang)]
    _append(sheet, headers)
    _append(sheet, list(frame.columns))
    for record in frame.itertuples(index=False):
        _append(sheet, list(record))
    for col, name in enumerate(frame.columns, start=1):
        for column in sheet.iter_cols(min_col=col, max_col=col, min_row=3):
            for c in column:
                c.number_format = _number_format(name)
    _style_sheet(sheet, [16, 28, 10] + [18] * len(SUMMARY_SERIES) + [12, 70], 2)


def _fill_scorecard(sheet: Worksheet, card: pd.DataFrame, lang: str) -> None:
    """The scorecard: a header row in the run's language, the column names, one row per
    scenario, basis and target (with the probability of meeting it after --sensitivity)."""
    label = Bilingual("label_vi", "label_en").in_(lang)
    columns = [label if column == "label" else column for column, _key in _SCORECARD_COLUMNS]
    headers = [text(key, lang) for _column, key in _SCORECARD_COLUMNS]
    if "probability" in card:
        columns.append("probability")
        headers.append(text("probability", lang))
    _append(sheet, headers)
    _append(sheet, columns)
    for record in card[columns].itertuples(index=False):
        values = list(record)
        values[1] = text(values[1], lang)  # basis
        values[4] = unit_text(values[4], lang)
        values[6] = text(values[6], lang)  # status
        _append(sheet, values)
    for row in sheet.iter_rows(min_row=3):
        row[5].number_format = "#,##0.00"  # value
        row[7].number_format = "+#,##0.00;-#,##0.00;0"  # gap
        if len(row) > 11:
            row[11].number_format = "0%"  # probability
    _style_sheet(sheet, _SCORECARD_WIDTHS, 2)


def _fill_projection(sheet: Worksheet, result: ScenarioResult, lang: str) -> None:
    """One scenario: a row per year, a column per series (labels with units, then names)."""
    from openpyxl.utils import get_column_letter

    labels = linked_labels(result)
    names = list(result.series)
    _append(
        sheet,
        [text("year", lang)] + [header_label(n, result.units[n], lang, labels) for n in names],
    )
    _append(sheet, ["year"] + names)
    for i, year in enumerate(result.years):
        _append(sheet, [int(year)] + [float(result.series[n][i]) for n in names])
    for col, name in enumerate(names, start=2):
        for cell in sheet[get_column_letter(col)][2:]:
            cell.number_format = _number_format(name)
    _style_sheet(sheet, [8] + [16] * len(names), 2)


def _style_sheet(sheet: Worksheet, widths: Sequence[float], header_rows: int) -> None:
    """Bold first row, grey italic further header rows, frozen below them, column widths."""
    from openpyxl.styles import Alignment, Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for row in sheet.iter_rows(min_row=1, max_row=header_rows):
        for cell in row:
            cell.font = bold if cell.row == 1 else Font(italic=True, color="666666", size=9)
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_rows + 1, column=2)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=i).column_letter].width = width
    sheet.row_dimensions[1].height = 60
