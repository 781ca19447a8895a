"""Reading projections.xlsx back for the live workbook's tests (unit and e2e): the scenarios the
tests write it from, and the comparison of its sheets with the CLI's numbers."""

from __future__ import annotations

import math
import shutil
from collections.abc import Sequence
from itertools import takewhile
from pathlib import Path

from conftest import SCENARIOS

from sim.output.i18n import text
from sim.run import ScenarioResult, load_scenarios, run_scenario

REL = 1e-9
"""Relative tolerance of a workbook number against the CLI's (absolute near zero: a 0 % rate)."""

BASE = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"

EXTRA = {
    # a normalised scenario in billion VND, a year longer, with an elasticity indicator that has
    # a single-year override, a growth indicator and no land-use line; its texts start with "="
    "normalised_bn": """
base_year = 2020
end_year = 2026
title = { vi = "=1+1", en = "=1+1" }
[structure]
residual = "normalise"
base_total_bn_vnd = 12000.0
source = "=HYPERLINK(\\"http://example.org\\")"
[sectors.services]
share_pct = 48.5
growth_pct = 16.0
growth_pct_by_year = { 2022 = 12.0 }
[sectors.industry]
share_pct = 43.1
growth_pct = 15.0
[sectors.agriculture]
share_pct = 7.5
growth_pct = 3.5
[indicators.income_per_capita]
base = 46.0
unit = "million VND/person"
label = { vi = "=SUM(1)", en = "=SUM(1)" }
rule = "elasticity"
elasticity = 0.3
growth_pct_by_year = { 2022 = 3.0 }
[indicators.budget_revenue]
base = 290.0
unit = "billion VND"
rule = "growth"
growth_pct = 12.0
""",
    # the "other" block at its own rate
    "own_other": f"""
extends = "{BASE}"
title = {{ vi = "Khối còn lại tự tăng", en = "Other block at its own rate" }}
[structure]
residual_growth_pct = 5.0
""",
}


def write_extra(folder: Path) -> list[Path]:
    """The EXTRA scenario files in `folder`, checked against the bundled plan (a copy of it)."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SCENARIOS / "plan.toml", folder / "plan.toml")
    paths = []
    for name, body in EXTRA.items():
        path = folder / f"{name}.toml"
        path.write_text(body, encoding="utf-8")
        paths.append(path)
    return paths


def results_of(
    refs: Sequence[str | Path], folder: Path, settings: Sequence[str] = ()
) -> list[ScenarioResult]:
    """The CLI's results of the named scenarios (as `run_scenarios.py ... --set ...`)."""
    return [run_scenario(s) for s in load_scenarios([str(r) for r in refs], folder, settings)]


def close(got: object, want: float) -> bool:
    if math.isnan(want):
        return got in (None, "")
    if not isinstance(got, int | float):
        return False
    return math.isclose(got, want, rel_tol=REL, abs_tol=REL)


def scenario_sheet(book, result: ScenarioResult, lang: str = "vi", sheet: str | None = None):
    """The scenario's tab: `sheet`, else its title as filed in `lang` (as the workbook names it
    when the run's titles are unique: `scenario_sheets` gives the names of any run)."""
    from sim.output.live_workbook import sheet_names

    title = result.scenario.title_vi if lang == "vi" else result.scenario.title_en
    return book[sheet or sheet_names([title])[0]]


def scenario_mismatches(
    book, result: ScenarioResult, lang: str = "vi", sheet: str | None = None
) -> list[str]:
    """Cells of the scenario's sheet (read with data_only=True) that differ from the CLI's
    series; also a missing or extra column or year. A what-if's note under the years (after an
    empty row) is not a year."""
    tab = scenario_sheet(book, result, lang, sheet)
    header = [c.value for c in tab[2]]
    wrong = []
    if header[1:] != list(result.series):
        wrong.append(f"columns {header[1:]} != {list(result.series)}")
    # The years end at the first row with an empty year cell (a what-if's note follows it).
    rows = list(takewhile(lambda r: r[0] is not None, tab.iter_rows(min_row=3, values_only=True)))
    if [r[0] for r in rows] != [int(y) for y in result.years]:
        wrong.append(f"years {[r[0] for r in rows]}")
    for t, row in enumerate(rows):
        for name, got in zip(header[1:], row[1:], strict=True):
            want = float(result.series[name][t])
            if not close(got, want):
                wrong.append(f"{result.scenario.name} {name} {result.years[t]}: {got} != {want}")
    return wrong


def scorecard_mismatches(book, results: Sequence[ScenarioResult], lang: str) -> list[str]:
    """Plan rows of the scorecard sheet whose value, status or gap differ from the CLI's, and
    summary rows whose end-year values or count of targets met differ."""
    sheet = book[text("scorecard", lang)]
    columns = [c.value for c in sheet[2]]
    rows = [
        dict(zip(columns, r, strict=True)) for r in sheet.iter_rows(min_row=3, values_only=True)
    ]
    plan = [r for r in rows if r["basis"] == text("plan", lang)]
    scores = [s for result in results for s in result.scores]
    wrong = []
    if len(plan) != len(scores):
        wrong.append(f"{len(plan)} plan rows, {len(scores)} scores")
    for row, score in zip(plan, scores, strict=False):
        where = f"{score.scenario} {score.target.key}"
        if row["status"] != text(score.status, lang):
            wrong.append(f"{where}: status {row['status']} != {score.status}")
        if not close(row["value"], score.value) or not close(row["gap"], score.gap):
            wrong.append(f"{where}: {row['value']}, {row['gap']} != {score.value}, {score.gap}")
    summary = book[text("summary", lang)]
    columns = [c.value for c in summary[2]]
    table = takewhile(lambda r: r[0] is not None, summary.iter_rows(min_row=3, values_only=True))
    for values, result in zip(table, results, strict=True):  # (what-if notes below: not rows)
        row = dict(zip(columns, values, strict=True))
        for name in columns[3:-2]:
            if not close(row[name], float(result.series[name][-1])):
                wrong.append(f"summary {result.scenario.name} {name}: {row[name]}")
        evaluated = [s for s in result.scores if s.status in ("met", "exceeded", "missed")]
        met = f"{sum(s.met for s in evaluated)}/{len(evaluated)}"
        if row["targets_met"] != met:
            wrong.append(
                f"summary {result.scenario.name} targets_met {row['targets_met']} != {met}"
            )
    return wrong
