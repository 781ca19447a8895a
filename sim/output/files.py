"""Writing results: CSV files, the Excel workbook, the run manifest, and the atomic publish.

A run writes everything into a fresh folder beside the output folder and swaps it in only when
every file is written, so a failed run leaves the previous results exactly as they were.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim import __version__
from sim.output.i18n import text, unit_text
from sim.output.tables import (
    SUMMARY_SERIES,
    header_label,
    linked_labels,
    long_table,
    scorecard_table,
    summary_table,
    wide_table,
)
from sim.run import ScenarioResult
from sim.scenario.params import numeric_parameters
from sim.term.tracking import TrackingResult

if TYPE_CHECKING:
    from sim.analysis.suite import SensitivityResults

__all__ = [
    "OutputFolderError",
    "publish",
    "write_csvs",
    "write_tracking_csvs",
    "write_history_csvs",
    "write_sensitivity_csvs",
    "write_workbook",
    "write_manifest",
    "MANIFEST_NAME",
    "TOOL_NAME",
]

MANIFEST_NAME = "manifest.json"
FLOAT_FORMAT = "%.10g"
TOOL_NAME = "huongtra-sim"


class OutputFolderError(Exception):
    """The output folder cannot be (safely) replaced."""


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace anything that this tool did not write (a typo in --out must not delete
    a user's folder)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutputFolderError(f"{out_dir}: exists and is not a folder; choose another --out")
    if not any(out_dir.iterdir()):
        return
    manifest = out_dir / MANIFEST_NAME
    try:
        tool = json.loads(manifest.read_text(encoding="utf-8")).get("tool")
    except (OSError, ValueError, AttributeError):
        tool = None
    if tool != TOOL_NAME:
        raise OutputFolderError(
            f"{out_dir}: exists, is not empty and holds no {MANIFEST_NAME} written by this tool; "
            "refusing to replace it. Choose an empty or new folder with --out."
        )


def publish(out_dir: Path, write: Callable[[Path], None]) -> None:
    """Call `write(folder)` on a fresh folder, then swap it in place of `out_dir`.

    If `write` raises, the fresh folder is removed and `out_dir` is untouched.
    """
    out_dir = Path(out_dir).absolute()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        write(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rename(out_dir, retired / out_dir.name)
        os.rename(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, out_dir)


def _scorecards(results, rebased, probabilities) -> pd.DataFrame:
    """The plan's scorecard (with the Monte Carlo probability of meeting each target when
    given), and the re-baselined one when actuals were given."""
    plan = scorecard_table([row for r in results for row in r.scores], "plan")
    if probabilities is not None:
        plan = plan.merge(
            probabilities[["scenario", "target", "probability"]],
            on=["scenario", "target"],
            how="left",
        )
    cards = [plan]
    if rebased:
        cards.append(scorecard_table([row for r in rebased for row in r.scores], "rebaselined"))
    return pd.concat(cards, ignore_index=True)


def write_csvs(
    results: Sequence[ScenarioResult],
    folder: Path,
    rebased: Sequence[ScenarioResult] = (),
    probabilities: pd.DataFrame | None = None,
) -> None:
    """<scenario>.csv per scenario (rows = years), projections.csv (long) and scorecard.csv
    (the plan, with the probability of meeting each target after --sensitivity, and the
    re-baselined projections when actuals were given)."""
    for result in results:
        wide_table(result).to_csv(folder / f"{result.scenario.name}.csv", float_format=FLOAT_FORMAT)
    long_table(results).to_csv(folder / "projections.csv", index=False, float_format=FLOAT_FORMAT)
    _scorecards(results, rebased, probabilities).to_csv(
        folder / "scorecard.csv", index=False, float_format=FLOAT_FORMAT
    )


def write_history_csvs(history, folder: Path) -> None:
    """history/: consistency.csv (the source's arithmetic), track_record.csv (average growth and
    elasticities), realism.csv (each scenario's assumptions against the record), and the
    back-cast itself (<name>.csv)."""
    folder.mkdir(parents=True, exist_ok=True)
    history.consistency.to_csv(folder / "consistency.csv", index=False, float_format=FLOAT_FORMAT)
    record = history.record
    rows = [
        {"measure": "growth_pct", "series": k, "value": v} for k, v in record.growth_pct.items()
    ]
    rows += [
        {"measure": "elasticity", "series": k, "value": v} for k, v in record.elasticity.items()
    ]
    pd.DataFrame(rows).to_csv(folder / "track_record.csv", index=False, float_format=FLOAT_FORMAT)
    history.realism.to_csv(folder / "realism.csv", index=False, float_format=FLOAT_FORMAT)
    wide_table(history.result).to_csv(
        folder / f"{history.result.scenario.name}.csv", float_format=FLOAT_FORMAT
    )


def write_tracking_csvs(tracking: TrackingResult, folder: Path) -> None:
    """tracking/: plan_vs_actual.csv, required_growth.csv, <scenario>_rebaselined.csv, notes.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    tracking.plan_vs_actual.to_csv(
        folder / "plan_vs_actual.csv", index=False, float_format=FLOAT_FORMAT
    )
    tracking.required.to_csv(folder / "required_growth.csv", index=False, float_format=FLOAT_FORMAT)
    notes = []
    for reb in tracking.rebased:
        name = reb.result.scenario.name
        wide_table(reb.result).to_csv(folder / f"{name}_rebaselined.csv", float_format=FLOAT_FORMAT)
        notes += [f"{name}: {note}" for note in reb.notes]
    notes.insert(
        0, f"actuals: {tracking.actuals.path} (latest year {tracking.actuals.latest_year})"
    )
    (folder / "notes.txt").write_text("\n".join(notes) + "\n", encoding="utf-8")


def _number_format(name: str) -> str:
    if name.startswith(("growth.", "cagr.", "share.")):
        return "0.00"
    return "#,##0.0"


def _style_sheet(sheet, widths: Sequence[float], header_rows: int) -> None:
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
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook()
    summary = book.active
    summary.title = text("summary", lang)[:31]
    frame = summary_table(results, lang)
    first = results[0]
    labels = linked_labels(first)
    headers = [text("scenario", lang), text("title", lang), text("end_year", lang)]
    for name in SUMMARY_SERIES:
        unit = first.units.get(name, "")
        headers.append(header_label(name, unit, lang, labels) if name in frame else name)
    headers += [text("targets_met", lang), text("residual", lang)]
    summary.append(headers)
    summary.append(list(frame.columns))
    for record in frame.itertuples(index=False):
        summary.append([None if isinstance(v, float) and np.isnan(v) else v for v in record])
    for col, name in enumerate(frame.columns, start=1):
        for cell in summary.iter_cols(min_col=col, max_col=col, min_row=3):
            for c in cell:
                c.number_format = _number_format(name)
    _style_sheet(summary, [16, 28, 10] + [18] * len(SUMMARY_SERIES) + [12, 70], 2)

    scores = book.create_sheet(text("scorecard", lang)[:31])
    card = _scorecards(results, rebased, probabilities)
    label_col = "label_vi" if lang == "vi" else "label_en"
    columns = [
        "scenario",
        "basis",
        label_col,
        "band",
        "unit",
        "value",
        "status",
        "gap",
        "indicator",
        "period",
        "source_lines",
    ]
    if "probability" in card:
        columns.append("probability")
    scores.append(
        [
            text("scenario", lang),
            text("basis", lang),
            text("target", lang),
            text("band", lang),
            text("unit", lang),
            text("value", lang),
            text("status", lang),
            text("gap", lang),
            text("checked_on", lang),
            text("year", lang),
            text("source_lines", lang),
        ]
        + ([text("probability", lang)] if "probability" in card else [])
    )
    scores.append(columns)
    for record in card[columns].itertuples(index=False):
        values = list(record)
        values[1] = text(values[1], lang)
        values[4] = unit_text(values[4], lang)
        values[6] = text(values[6], lang)
        scores.append([None if isinstance(v, float) and np.isnan(v) else v for v in values])
    for row in scores.iter_rows(min_row=3):
        row[5].number_format = "#,##0.00"
        row[7].number_format = "+#,##0.00;-#,##0.00;0"
        if len(row) > 11:
            row[11].number_format = "0%"
    _style_sheet(scores, [14, 14, 44, 12, 18, 12, 12, 10, 22, 11, 16], 2)

    for result in results:
        sheet = book.create_sheet(result.scenario.name[:31])
        labels = linked_labels(result)
        names = list(result.series)
        sheet.append(
            [text("year", lang)] + [header_label(n, result.units[n], lang, labels) for n in names]
        )
        sheet.append(["year"] + names)
        for i, year in enumerate(result.years):
            row = [int(year)]
            for n in names:
                v = float(result.series[n][i])
                row.append(None if np.isnan(v) else v)
            sheet.append(row)
        for col, name in enumerate(names, start=2):
            letter = get_column_letter(col)
            for cell in sheet[letter][2:]:
                cell.number_format = _number_format(name)
        _style_sheet(sheet, [8] + [16] * len(names), 2)
    book.save(path)


def write_manifest(
    results: Sequence[ScenarioResult],
    path: Path,
    argv: Sequence[str],
    started: datetime,
    extra: dict | None = None,
) -> None:
    """The run manifest: tool version, each scenario file's hash, resolved parameters, run time."""
    finished = datetime.now().astimezone()
    manifest = {
        "tool": TOOL_NAME,
        "version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "command": list(argv),
        "started": started.isoformat(timespec="seconds"),
        "finished": finished.isoformat(timespec="seconds"),
        "seconds": round((finished - started).total_seconds(), 3),
        "scenarios": [
            {
                "name": r.scenario.name,
                "title": {"vi": r.scenario.title_vi, "en": r.scenario.title_en},
                "files": r.scenario.file_sha256,
                "settings": list(r.scenario.settings),
                "base_year": r.scenario.base_year,
                "end_year": r.scenario.end_year,
                "residual": r.scenario.residual_statement,
                "budget_concept": r.scenario.budget_concept,
                "parameters": numeric_parameters(r.scenario),
                "resolved": r.scenario.resolved,
                "warnings": [str(w) for w in r.scenario.warnings],
            }
            for r in results
        ],
    }
    manifest.update(extra or {})
    path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sensitivity_csvs(results: SensitivityResults, folder: Path) -> list[Path]:
    """sensitivity/: the CSV files of `sim.analysis.suite.CSV_COLUMNS`, with those columns in
    that order (folder created if needed); returns their paths.

    UTF-8, comma-separated, full float precision, empty cells for NaN.
    """
    from sim.analysis.suite import CSV_COLUMNS  # the analyses load only with --sensitivity

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "tornado.csv": results.tornado,
        "grid.csv": results.grid,
        "monte_carlo_percentiles.csv": results.monte_carlo_percentiles,
        "target_probabilities.csv": results.target_probabilities,
        "sobol.csv": results.sobol,
        "goal_seek.csv": results.goal_seek,
    }
    written = []
    for name, frame in tables.items():
        path = folder / name
        frame.reindex(columns=list(CSV_COLUMNS[name])).to_csv(path, index=False, encoding="utf-8")
        written.append(path)
    return written
