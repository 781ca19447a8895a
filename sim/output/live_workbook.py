"""projections.xlsx as a live workbook: the projection as Excel formulas over an assumptions
sheet, so that a planner who types 15 instead of 16 sees every year and the scorecard update, in
Excel or LibreOffice, with no Python.

Sheets, in order: the summary, the scorecard, the assumptions (the input cells), one sheet per
scenario (named after it), and with --sensitivity the simulation's results as value sheets. Every
formula is written with the CLI's result cached, so a viewer that does not calculate shows the
same numbers. No macros and no external links; every text (titles, labels, sources) is written as
a text, never as a formula, with the control characters XML cannot hold shown as U+FFFD; nothing
is written when a number is infinite or NaN where it must have a value. XlsxWriter writes it: it stores a formula's cached result, which
openpyxl cannot.

Pieces: `live_workbook_cells` (styles, safe cell writing, references), `..._assumptions`,
`..._scenario` (the model's formulas), `..._scorecard` (scorecard and summary), `..._values`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sim.output.files import check_finite
from sim.output.i18n import text
from sim.output.live_workbook_assumptions import assumptions, fill_assumptions
from sim.output.live_workbook_cells import BOOK_OPTIONS, SHEET_NAME_MAX, Styles, put
from sim.output.live_workbook_scenario import SeriesNames, fill_scenario
from sim.output.live_workbook_scorecard import fill_scorecard, fill_summary
from sim.output.live_workbook_values import VALUE_SHEETS, fill_values, value_tables
from sim.output.plan_text import plan_line, report_title
from sim.output.tables import scorecards
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from xlsxwriter import Workbook
    from xlsxwriter.worksheet import Worksheet

    from sim.analysis.suite import SensitivityResults

__all__ = ["write_live_workbook", "sheet_names", "scenario_sheets"]


SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f]")
"""The characters Excel refuses in a sheet name, and control characters (a title's: XML 1.0
cannot hold most of them, and a tab name has no use for any)."""

RESERVED_SHEET_NAMES = ("history",)
"""Sheet names Excel keeps for itself (compared without case)."""


def sheet_names(names: Sequence[str]) -> list[str]:
    """The names as sheet names Excel and LibreOffice accept: the characters []:*?/\\ and
    control characters as "_", no apostrophe at either end, not empty and not a name Excel keeps
    ("History"), cut to Excel's 31 characters and made unique (Excel compares them without case)
    by a "~2", "~3" ... ending."""
    taken: set[str] = set()
    unique = []
    for name in names:
        name = SHEET_NAME_FORBIDDEN.sub("_", name).strip("'") or "_"
        if name.casefold() in RESERVED_SHEET_NAMES:
            name += "_"
        candidate, n = name[:SHEET_NAME_MAX].rstrip("'"), 1
        while candidate.casefold() in taken:
            n += 1
            ending = f"~{n}"
            candidate = name[: SHEET_NAME_MAX - len(ending)].rstrip("'") + ending
        taken.add(candidate.casefold())
        unique.append(candidate)
    return unique


def _sheet_names(
    results: Sequence[ScenarioResult], lang: str, value_keys: Sequence[str] = ()
) -> list[str]:
    """The workbook's tabs in order: summary, scorecard, assumptions, one per scenario (its title
    as filed, in `lang`: a tab a planner reads, not an id), then the value sheets."""
    fixed = [text(key, lang) for key in ("summary", "scorecard", "assumptions")]
    titles = [r.scenario.filed_title(lang) for r in results]
    return sheet_names(fixed + titles + [text(k, lang) for k in value_keys])


def scenario_sheets(results: Sequence[ScenarioResult], lang: str) -> dict[str, str]:
    """Each scenario's tab, by scenario name (`sheet_names` makes names unique in order, so the
    value sheets after them do not change them)."""
    names = _sheet_names(results, lang)[3:]
    return {r.scenario.name: n for r, n in zip(results, names, strict=True)}


def write_live_workbook(
    results: Sequence[ScenarioResult],
    path: Path,
    lang: str,
    rebased: Sequence[ScenarioResult] = (),
    sensitivity: SensitivityResults | None = None,
    actuals_year: int | None = None,
) -> None:
    """Write the live workbook of a run to `path` (see the module docstring).

    rebased: the scenarios re-projected through --actuals (their scorecard rows, as values);
    sensitivity: the --sensitivity results (value sheets, and each target's probability);
    actuals_year: the year of the latest actual (--actuals): the summary's count says it is the
    plan's and where the re-baselined rows are.
    Raises NonFiniteError (`sim.output.files.check_finite`) before writing anything when a
    result, a scorecard number or a value sheet's number is not finite (NaN allowed where it
    means "no value": rates, table cells), so that no cell silently turns a fault into a blank.
    """
    from xlsxwriter import Workbook

    probabilities = sensitivity.target_probabilities if sensitivity is not None else None
    card = scorecards(results, rebased, probabilities)
    tables = value_tables(sensitivity, lang, results) if sensitivity is not None else {}
    frames = {"projections.xlsx": card}
    frames.update({f"projections.xlsx ({csv})": frame for csv, frame in tables.items()})
    check_finite([*results, *rebased], frames)
    keys = [key for csv, key in VALUE_SHEETS if csv in tables]
    names = _sheet_names(results, lang, keys)
    summary_name, score_name, assumptions_name = names[:3]
    by_scenario = {r.scenario.name: n for r, n in zip(results, names[3:], strict=False)}
    book = Workbook(str(path), BOOK_OPTIONS)  # (the file is written on close)
    styles = Styles.of(book)
    sheets = {name: book.add_worksheet(name) for name in names}
    defined = fill_assumptions(book, sheets[assumptions_name], assumptions(results), lang, styles)
    for result in results:
        fill_scenario(sheets[by_scenario[result.scenario.name]], result, defined, lang, styles)
    cells = SeriesNames(book, by_scenario, taken=defined.values())
    plan_rows = fill_scorecard(sheets[score_name], card, results, cells, lang, styles)
    scorecard = (score_name, plan_rows)
    fill_summary(sheets[summary_name], results, cells, scorecard, lang, styles, actuals_year)
    _name_the_plan(book, sheets[summary_name], results, lang, styles)
    if sensitivity is not None:
        value_names = names[3 + len(results) :]
        for csv, name in zip([c for c, _ in VALUE_SHEETS if c in tables], value_names, strict=True):
            draws, seed = sensitivity.draws, sensitivity.seed
            fill_values(sheets[name], tables[csv], draws, seed, lang, styles)
    sheets[summary_name].activate()
    book.close()


def _name_the_plan(
    book: Workbook, sheet: Worksheet, results: Sequence[ScenarioResult], lang: str, styles: Styles
) -> None:
    """Name the plan the workbook's figures come from: its locality and term, its source and a
    starter's mark ("SỐ LIỆU VÍ DỤ, cần thay") under the summary table (a row above it would
    move the columns a reader sorts or filters), in the summary's printed page header and in
    the document properties (title, subject, author and company: the locality)."""
    first = results[0].scenario
    plan = first.plan
    title = report_title(plan, first.base_year, first.end_year, lang)
    line = plan_line(plan, lang)
    row = (sheet.dim_rowmax or 0) + 2
    put(sheet, row, 0, title, styles.header)
    if line:
        put(sheet, row + 1, 0, line, styles.note if plan.example else None)
    sheet.set_header("&C" + title.replace("&", "&&"))
    locality = plan.locality.in_(lang) if plan.locality is not None else ""
    properties = {"title": title, "subject": line or title, "comments": line}
    book.set_properties(properties | {"author": locality, "company": locality})
