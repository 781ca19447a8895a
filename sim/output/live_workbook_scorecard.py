"""The summary and scorecard sheets of the live workbook, as formulas over the scenario sheets.

Scorecard (a row per scenario, basis and target; `sim.core.targets`): the projected value is
    cagr           ((level in end year / level in start year) ^ (1 / years) - 1) * 100
    level          the level in the end year
    min_each_year  MIN of the levels from the year after the start year to the end year
and the status compares it with the band's ends in the row's `low` and `high` cells, within
COMPARISON_TOLERANCE: below low - tolerance "missed", above high + tolerance "exceeded", else
"met" (in the run's language; coloured by conditional formatting); the gap is value - low,
value - high or 0. Rows without a value ("not projected", "outside horizon"), the re-baselined
rows of --actuals and the Monte Carlo probabilities are values.

The formulas read the scenario sheets through defined names (`SeriesNames`), so a planner reads
=((baseline_output_total_2025/baseline_output_total_2020)^(1/5)-1)*100, not 'baseline'!$F$8;
the summary counts targets met over `baseline_target_status`. Bands are written in the run's
number format (15,5-16,5 in Vietnamese).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from sim.core.targets import COMPARISON_TOLERANCE, EVALUATED, Target, target_by_key
from sim.output.i18n import (
    Bilingual,
    band_text,
    header_label,
    linked_labels,
    text,
    unit_text,
    what_if_note,
)
from sim.output.live_workbook_assumptions import is_live
from sim.output.live_workbook_cells import (
    FIRST_DATA_ROW,
    Styles,
    area,
    cell,
    formula_text,
    number_format,
    put,
    put_formula,
)
from sim.output.live_workbook_scenario import SeriesNames
from sim.output.tables import SUMMARY_SERIES, summary_table
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

__all__ = ["SCORECARD_COLUMNS", "fill_scorecard", "fill_summary"]

SCORECARD_COLUMNS = (
    # (column of the scorecard table, its header's text key, width)
    ("scenario", "scenario", 14),
    ("basis", "basis", 14),
    ("label", "target", 44),  # label_vi or label_en, by the run's language
    ("band", "band", 12),
    ("low", "band_low", 9),
    ("high", "band_high", 9),
    ("unit", "unit", 18),
    ("value", "value", 12),
    ("status", "status", 12),
    ("gap", "gap", 10),
    ("indicator", "checked_on", 22),
    ("period", "year", 11),
    ("source_lines", "source_lines", 16),
)
"""The scorecard sheet's columns (the stable names of row 2), then `probability` after
--sensitivity."""

_COL = {column: i for i, (column, _key, _width) in enumerate(SCORECARD_COLUMNS)}
_TOLERANCE = f"{COMPARISON_TOLERANCE:.15f}".rstrip("0")  # (no exponent: every parser reads it)


def _value_formula(target: Target, result: ScenarioResult, names: SeriesNames, series: str) -> str:
    """The projected value a target is checked against, over named cells of the scenario's
    sheet: =((baseline_output_total_2025/baseline_output_total_2020)^(1/5)-1)*100."""
    if target.measure == "cagr":
        end = names.cell(result, series, target.end_year)
        start = names.cell(result, series, target.start_year)
        return f"=(({end}/{start})^(1/{target.end_year - target.start_year})-1)*100"
    if target.measure == "level":
        return "=" + names.cell(result, series, target.end_year)
    if target.measure == "min_each_year":
        return f"=MIN({names.span(result, series, target.start_year + 1, target.end_year)})"
    raise ValueError(f"unknown target measure {target.measure!r}")


def _status_formulas(target: Target, row: int, lang: str) -> tuple[str, str]:
    """(status, gap) formulas of a scorecard row, from its value, low and high cells."""
    value, low, high = (cell(row, _COL[c]) for c in ("value", "low", "high"))
    status, gap = formula_text(text("met", lang)), "0"
    if target.high is not None:
        above = f"{value}>{high}+{_TOLERANCE}"
        # above a band is met ("đạt và vượt"); above a ceiling alone ("at most") is missed
        word = "exceeded" if target.low is not None else "missed"
        status = f"IF({above},{formula_text(text(word, lang))},{status})"
        gap = f"IF({above},{value}-{high},{gap})"
    if target.low is not None:
        below = f"{value}<{low}-{_TOLERANCE}"
        status = f"IF({below},{formula_text(text('missed', lang))},{status})"
        gap = f"IF({below},{value}-{low},{gap})"
    return "=" + status, "=" + gap


def _band(record: pd.Series, lang: str, targets: Sequence[Target]) -> str:
    """The row's band in the run's number format, without its unit (the unit column has it):
    "15,5-16,5" in Vietnamese, "15.5-16.5" in English."""
    try:
        target = target_by_key(str(record["target"]), targets)
    except KeyError:  # (not a target of the plan: the band as the table gives it)
        return str(record["band"])
    return band_text(target, lang, with_unit=False)


def _write_row(
    sheet: Worksheet,
    row: int,
    record: pd.Series,
    live: tuple[ScenarioResult, SeriesNames] | None,
    lang: str,
    styles: Styles,
    targets: Sequence[Target],
) -> None:
    """One scorecard row; `live` is (the result, the scenario cells' names) for a row computed
    by formulas, None for a row of values; `targets`: the plan's."""
    label = Bilingual(str(record["label_vi"]), str(record["label_en"])).in_(lang)
    for column, value in (
        ("scenario", record["scenario"]),
        ("basis", text(str(record["basis"]), lang)),
        ("label", label),
        ("band", _band(record, lang, targets)),
        ("unit", unit_text(str(record["unit"]), lang)),
        ("indicator", record["indicator"]),
        ("period", record["period"]),
        ("source_lines", record["source_lines"]),
    ):
        put(sheet, row, _COL[column], value, styles.text)
    put(sheet, row, _COL["low"], record["low"], styles.rate)
    put(sheet, row, _COL["high"], record["high"], styles.rate)
    status = text(str(record["status"]), lang)
    if live is None:
        put(sheet, row, _COL["value"], record["value"], styles.rate)
        put(sheet, row, _COL["status"], status, styles.text)
        put(sheet, row, _COL["gap"], record["gap"], styles.gap)
        return
    result, names = live
    target = target_by_key(str(record["target"]), targets)
    formula = _value_formula(target, result, names, str(record["indicator"]))
    put_formula(sheet, row, _COL["value"], formula, float(record["value"]), styles.rate)
    status_formula, gap_formula = _status_formulas(target, row, lang)
    put_formula(sheet, row, _COL["status"], status_formula, status, styles.text)
    put_formula(sheet, row, _COL["gap"], gap_formula, float(record["gap"]), styles.gap)


def fill_scorecard(
    sheet: Worksheet,
    card: pd.DataFrame,
    results: Sequence[ScenarioResult],
    names: SeriesNames,
    lang: str,
    styles: Styles,
) -> dict[str, tuple[int, int]]:
    """The scorecard sheet (`sim.output.tables.scorecards`' table), its values over the named
    cells of the scenario sheets (`names`). Returns scenario -> (first, last) row index of its
    plan rows, for the summary's count of targets met."""
    probability = "probability" in card
    columns = list(SCORECARD_COLUMNS) + (
        [("probability", "probability", 12)] if probability else []
    )
    for col, (name, key, width) in enumerate(columns):
        put(sheet, 0, col, text(key, lang), styles.header)
        put(sheet, 1, col, name, styles.names)
        sheet.set_column(col, col, width)
    if probability:
        sheet.write_comment(0, len(SCORECARD_COLUMNS), text("simulated_note", lang))
    by_name = {r.scenario.name: r for r in results}
    plan_rows: dict[str, tuple[int, int]] = {}
    for i, record in enumerate(card.to_dict("records")):
        row = FIRST_DATA_ROW + i
        result = by_name.get(str(record["scenario"]))
        live = None
        if record["basis"] == "plan" and result is not None:
            first, _ = plan_rows.get(result.scenario.name, (row, row))
            plan_rows[result.scenario.name] = (first, row)
            if record["status"] in EVALUATED and is_live(result.scenario):
                live = (result, names)
        targets = (result or results[0]).scenario.plan.targets if results else ()
        _write_row(sheet, row, pd.Series(record), live, lang, styles, targets)
        if probability:
            put(sheet, row, len(SCORECARD_COLUMNS), record["probability"], styles.probability)
    last = FIRST_DATA_ROW + len(card) - 1
    col = _COL["status"]
    for key, style in (("met", styles.met), ("exceeded", styles.met), ("missed", styles.missed)):
        rule = {"type": "cell", "criteria": "equal to", "value": formula_text(text(key, lang))}
        sheet.conditional_format(FIRST_DATA_ROW, col, last, col, {**rule, "format": style})
    sheet.set_row(0, 45)
    sheet.freeze_panes(FIRST_DATA_ROW, 1)
    sheet.protect("", {"format_columns": True, "autofilter": True, "sort": True})
    return plan_rows


def fill_summary(
    sheet: Worksheet,
    results: Sequence[ScenarioResult],
    names: SeriesNames,
    scorecard: tuple[str, dict[str, tuple[int, int]]],
    lang: str,
    styles: Styles,
    actuals_year: int | None = None,
) -> None:
    """One row per scenario: end-year headline values and the count of targets met, as formulas
    over named cells of the scenario and scorecard sheets (=baseline_output_total_2025); title
    and residual treatment as texts. With --actuals (`actuals_year`) the count's header says it
    is the plan's and where the re-baselined rows are."""
    frame = summary_table(results, lang)
    first = results[0]
    labels = linked_labels(first)
    headers = [text("scenario", lang), text("title", lang), text("end_year", lang)]
    for name in SUMMARY_SERIES:
        if name in frame:
            headers.append(header_label(name, first.units.get(name, ""), lang, labels))
    met = text("targets_met", lang)
    if actuals_year is not None:
        where = text("actuals.where_workbook", lang)
        basis = text("rebaselined", lang)
        met += f" ({where.format(year=actuals_year, sheet=scorecard[0], rows=basis)})"
    headers += [met, text("residual", lang)]
    for col, (header, name) in enumerate(zip(headers, frame.columns, strict=True)):
        put(sheet, 0, col, header, styles.header)
        put(sheet, 1, col, str(name), styles.names)
    score_sheet, plan_rows = scorecard
    for i, (result, record) in enumerate(zip(results, frame.to_dict("records"), strict=True)):
        row = FIRST_DATA_ROW + i
        live = is_live(result.scenario)
        for col, name in enumerate(frame.columns):
            value = record[name]
            if live and name in result.series:
                ref = names.cell(result, name, int(result.years[-1]))
                put_formula(sheet, row, col, "=" + ref, value, number_format(name, styles))
            elif name == "targets_met" and live and result.scenario.name in plan_rows:
                rows = plan_rows[result.scenario.name]
                formula = _met_formula(names, score_sheet, rows, result, lang)
                put_formula(sheet, row, col, formula, value, styles.text)
            else:
                put(sheet, row, col, value, styles.year if name == "end_year" else styles.text)
    notes = [what_if_note([r.scenario], lang) for r in results]
    for i, note in enumerate(n for r, n in zip(results, notes, strict=True) if r.scenario.settings):
        # Below the table (a row of its own would change the columns a reader sorts or filters).
        put(sheet, FIRST_DATA_ROW + len(results) + 1 + i, 1, note, styles.note)
    widths = [16, 28, 10] + [18] * (len(frame.columns) - 5) + [12, 70]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_row(0, 60)
    sheet.freeze_panes(FIRST_DATA_ROW, 1)
    sheet.protect("", {"format_columns": True})


def _met_formula(
    names: SeriesNames,
    score_sheet: str,
    rows: tuple[int, int],
    result: ScenarioResult,
    lang: str,
) -> str:
    """ "7/10": the plan's targets met or exceeded, counted on the scorecard's status cells
    (named `baseline_target_status`), over those evaluated (a count fixed by the years
    projected)."""
    col = _COL["status"]
    span = area(score_sheet, (rows[0], col), (rows[1], col))
    status = names.define(result.scenario.name, span, "target_status")
    counts = "+".join(
        f"COUNTIF({status},{formula_text(text(key, lang))})" for key in ("met", "exceeded")
    )
    evaluated = sum(r.evaluated for r in result.scores)
    return f'=({counts})&"/{evaluated}"'
