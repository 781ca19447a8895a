"""The value sheets of the live workbook: the results of --sensitivity (Monte Carlo percentiles,
target probabilities, one-at-a-time, the two-way grid, Sobol indices, goal seeks).

They are numbers the simulation computed, not formulas: editing an assumption does not move
them, and row 1 says so ("tính từ mô phỏng, không tự cập nhật"). Row 2 holds the stable column
names of the matching CSV file in sensitivity/, data follow from row 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sim.output.i18n import format_number, text
from sim.output.live_workbook_cells import FIRST_DATA_ROW, Styles, put

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    from sim.analysis.suite import SensitivityResults
    from sim.run import ScenarioResult

__all__ = ["VALUE_SHEETS", "value_tables", "fill_values"]

VALUE_SHEETS = (
    # (CSV file in sensitivity/, the text key of its sheet's name)
    ("monte_carlo_percentiles.csv", "sheet.percentiles"),
    ("target_probabilities.csv", "sheet.probabilities"),
    ("tornado.csv", "sheet.tornado"),
    ("grid.csv", "sheet.grid"),
    ("sobol.csv", "sheet.sobol"),
    ("goal_seek.csv", "sheet.goal_seek"),
)


def value_tables(
    results: SensitivityResults, lang: str = "en", scenarios: Sequence[ScenarioResult] = ()
) -> dict[str, pd.DataFrame]:
    """CSV file name -> its table, with the CSV's columns in their order; the goal seeks' `note`
    is the sentence the terminal and the report give, in `lang` (the CSV's is English)."""
    from sim.analysis.suite import CSV_COLUMNS  # the analyses load only with --sensitivity

    frames = {
        "monte_carlo_percentiles.csv": results.monte_carlo_percentiles,
        "target_probabilities.csv": results.target_probabilities,
        "tornado.csv": results.tornado,
        "grid.csv": results.grid,
        "sobol.csv": results.sobol,
        "goal_seek.csv": results.goal_seek,
    }
    tables = {
        name: frames[name].reindex(columns=list(CSV_COLUMNS[name])) for name, _ in VALUE_SHEETS
    }
    seeks = results.goal_seek
    if not seeks.empty and scenarios:
        from sim.output.i18n import linked_labels
        from sim.output.narrative import goal_seek_text
        from sim.run import run_plan

        labels, targets = linked_labels(scenarios[0]), run_plan(scenarios).targets
        notes = [
            goal_seek_text(row, lang, labels, targets) for row in seeks.itertuples(index=False)
        ]
        tables["goal_seek.csv"] = tables["goal_seek.csv"].assign(note=notes)
    return tables


YEAR_COLUMNS = ("year", "end_year")
"""Columns that hold a calendar year: shown as 2025 (no separator, no decimals)."""


def _column_format(name: str, styles: Styles) -> Format:
    """A column's cell format: years as 2025, probabilities as 99%, the rest as they are."""
    if name in YEAR_COLUMNS:
        return styles.year
    if name == "probability":
        return styles.probability
    return styles.text


def fill_values(
    sheet: Worksheet, frame: pd.DataFrame, draws: int, seed: int, lang: str, styles: Styles
) -> None:
    """One value sheet: the note, the stable column names, the values as they are."""
    note = text("simulated_note", lang)
    run = text("simulated_run", lang).format(draws=format_number(draws, 0, lang), seed=seed)
    put(sheet, 0, 0, f"{note} ({run})", styles.note)
    sheet.set_row(0, 30)
    for col, name in enumerate(frame.columns):
        put(sheet, 1, col, str(name), styles.names)
        numeric = pd.api.types.is_numeric_dtype(frame[name])
        sheet.set_column(col, col, 14 if numeric else 22)
    formats = [_column_format(str(name), styles) for name in frame.columns]
    for i, values in enumerate(frame.itertuples(index=False)):
        for col, value in enumerate(values):
            put(sheet, FIRST_DATA_ROW + i, col, value, formats[col])
    sheet.freeze_panes(FIRST_DATA_ROW, 0)
    sheet.protect("", {"format_columns": True, "autofilter": True, "sort": True})
