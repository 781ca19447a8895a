"""The run's plain files: CSV tables (one writer per output folder) and the manifest.

Each writer takes results and a folder; `sim.output.write.write_run` decides which are written.
Numbers are written with FLOAT_FORMAT, the same in every CSV.
"""

from __future__ import annotations

import json
import platform
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import __version__
from sim.output.publish import TOOL_NAME
from sim.output.tables import long_table, scorecards, wide_table
from sim.run import ScenarioResult
from sim.scenario.params import numeric_parameters

if TYPE_CHECKING:
    from sim.term.history import HistoryResult
    from sim.term.tracking import TrackingResult

if TYPE_CHECKING:
    from sim.analysis.suite import SensitivityResults

__all__ = [
    "write_csvs",
    "write_tracking_csvs",
    "write_history_csvs",
    "write_sensitivity_csvs",
    "write_manifest",
    "FLOAT_FORMAT",
]

FLOAT_FORMAT = "%.10g"


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
    scorecards(results, rebased, probabilities).to_csv(
        folder / "scorecard.csv", index=False, float_format=FLOAT_FORMAT
    )


def write_history_csvs(history: HistoryResult, folder: Path) -> None:
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


def write_manifest(
    results: Sequence[ScenarioResult],
    path: Path,
    argv: Sequence[str],
    started: datetime,
    extra: dict[str, Any] | None = None,
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
