"""The run's plain files: CSV tables (one writer per output folder) and the manifest.

Each writer takes results and a folder; `sim.output.write.write_run` decides which are written.
Every CSV goes through `write_csv`: UTF-8 with a byte-order mark (Excel on Windows reads a file
without one in the machine's code page and garbles the Vietnamese labels; pandas, Python's csv
module with encoding="utf-8-sig", LibreOffice and R read it as plain UTF-8). Numbers are written
with FLOAT_FORMAT, the same in every CSV. An empty number is a value that does
not exist (growth in the base year); `inf` is never written, nor NaN where a value must exist
(`check_finite`): the run fails before anything is published.
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
from sim.output.plan_text import example_mark
from sim.output.publish import TOOL_NAME
from sim.output.tables import long_table, scorecards, wide_table
from sim.run import ScenarioResult, run_plan
from sim.scenario.parameters import numeric_parameters

if TYPE_CHECKING:
    from sim.analysis.compare import CompareResult
    from sim.term.history import HistoryResult
    from sim.term.tracking import TrackingResult

if TYPE_CHECKING:
    from sim.analysis.suite import SensitivityResults

__all__ = [
    "NonFiniteError",
    "check_finite",
    "write_csvs",
    "write_tracking_csvs",
    "write_history_csvs",
    "write_sensitivity_csvs",
    "write_manifest",
    "FLOAT_FORMAT",
    "CSV_ENCODING",
    "write_csv",
]

FLOAT_FORMAT = "%.10g"

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark (EF BB BF), so that Excel on Windows shows Vietnamese text."""

RATE_FAMILIES = ("growth.", "cagr.", "share.")
"""Series that may have no value (NaN, an empty cell): in the base year, or of a zero level."""

_LISTED = 10  # problems listed in full in a NonFiniteError; the rest are counted


def write_csv(frame: pd.DataFrame, path: Path, **options: Any) -> None:
    """`frame.to_csv(path, **options)` in CSV_ENCODING: UTF-8 with the byte-order mark."""
    frame.to_csv(path, encoding=CSV_ENCODING, **options)


class NonFiniteError(ValueError):
    """A number about to be written is not finite: inf anywhere, or NaN where a value must
    exist (a level). A fault, or input beyond what the model can compute; nothing is published."""

    def __init__(self, problems: Sequence[str]):
        self.problems = tuple(problems)
        shown = [f"  - {p}" for p in self.problems[:_LISTED]]
        if len(self.problems) > _LISTED:
            shown.append(f"  - and {len(self.problems) - _LISTED} more")
        head = (
            "a result is not a finite number (some input is beyond what the model can compute); "
            "nothing was written and the previous results are unchanged:"
        )
        super().__init__("\n".join([head, *shown]))


def check_finite(
    results: Sequence[ScenarioResult], frames: dict[str, pd.DataFrame] | None = None
) -> None:
    """Raise NonFiniteError unless every value of `results` is finite, but for rates (growth,
    CAGR, share: NaN where they have no value), and no number of `frames` (file name -> table)
    is infinite (their NaN are "no value", written as empty cells)."""
    problems = []
    for result in results:
        for name, values in result.series.items():
            values = np.asarray(values, dtype=float)
            bad = np.isinf(values) if name.startswith(RATE_FAMILIES) else ~np.isfinite(values)
            if bad.any():
                years = [int(y) for y in np.asarray(result.years)[bad]]
                kinds = "/".join(sorted({str(v) for v in values[bad]}))
                problems.append(
                    f"scenario '{result.scenario.name}': series {name} is {kinds} in "
                    f"{_years_text(years)}"
                )
    for file, frame in (frames or {}).items():
        numbers = frame.select_dtypes("number").to_numpy(dtype=float, na_value=np.nan)
        infinite = np.isinf(numbers)
        for n, column in enumerate(frame.select_dtypes("number").columns):
            if not infinite[:, n].any():
                continue
            rows = frame[infinite[:, n]]
            where = (
                f"scenario {', '.join(map(repr, dict.fromkeys(rows['scenario'])))}: "
                if "scenario" in frame
                else ""
            )
            problems.append(f"{file}: {where}column {column} is infinite in {len(rows)} row(s)")
    if problems:
        raise NonFiniteError(problems)


def _years_text(years: Sequence[int]) -> str:
    """2021, 2023-2025: the years, consecutive ones as a range."""
    spans: list[list[int]] = []
    for year in years:
        if spans and year == spans[-1][1] + 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def write_csvs(
    results: Sequence[ScenarioResult],
    folder: Path,
    rebased: Sequence[ScenarioResult] = (),
    probabilities: pd.DataFrame | None = None,
) -> None:
    """<scenario>.csv per scenario (rows = years), projections.csv (long) and scorecard.csv
    (the plan, with the probability of meeting each target after --sensitivity, and the
    re-baselined projections when actuals were given)."""
    card = scorecards(results, rebased, probabilities)
    check_finite([*results, *rebased], {"scorecard.csv": card})
    mark = example_mark(run_plan(results)) if results else ""
    for result in results:
        write_csv(
            _marked(wide_table(result), mark),
            folder / f"{result.scenario.name}.csv",
            float_format=FLOAT_FORMAT,
        )
    write_csv(
        _marked(long_table(results), mark),
        folder / "projections.csv",
        index=False,
        float_format=FLOAT_FORMAT,
    )
    write_csv(_marked(card, mark), folder / "scorecard.csv", index=False, float_format=FLOAT_FORMAT)


def _marked(frame: pd.DataFrame, mark: str) -> pd.DataFrame:
    """`frame` with a first column `example` holding `mark` on every row when the plan's values
    are a starter's examples (so that no copy of a row passes for a locality's own figures);
    `frame` itself otherwise."""
    if not mark:
        return frame
    marked = frame.copy()
    marked.insert(0, "example", mark)
    return marked


def write_history_csvs(history: HistoryResult, folder: Path) -> None:
    """history/: consistency.csv (the source's arithmetic), track_record.csv (average growth and
    elasticities), realism.csv (each scenario's assumptions against the record), and the
    back-cast itself (<name>.csv)."""
    record = history.record
    rows = [
        {"measure": "growth_pct", "series": k, "value": v} for k, v in record.growth_pct.items()
    ]
    rows += [
        {"measure": "elasticity", "series": k, "value": v} for k, v in record.elasticity.items()
    ]
    track = pd.DataFrame(rows)
    frames = {
        "consistency.csv": history.consistency,
        "track_record.csv": track,
        "realism.csv": history.realism,
    }
    check_finite([history.result] if history.result is not None else [], frames)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        history.consistency, folder / "consistency.csv", index=False, float_format=FLOAT_FORMAT
    )
    write_csv(track, folder / "track_record.csv", index=False, float_format=FLOAT_FORMAT)
    write_csv(history.realism, folder / "realism.csv", index=False, float_format=FLOAT_FORMAT)
    if history.result is not None:  # (None: the plan's record rates alone, no back-cast)
        write_csv(
            wide_table(history.result),
            folder / f"{history.result.scenario.name}.csv",
            float_format=FLOAT_FORMAT,
        )


def write_tracking_csvs(tracking: TrackingResult, folder: Path, lang: str = "vi") -> None:
    """tracking/: plan_vs_actual.csv, required_growth.csv, <scenario>_rebaselined.csv, notes.txt
    (how the actuals were applied, for a reader: in `lang`, each note under its scenario's
    title, as the terminal and the report say it)."""
    from sim.output.i18n import linked_labels, text
    from sim.output.narrative import tracking_note_text

    frames = {
        "plan_vs_actual.csv": tracking.plan_vs_actual,
        "required_growth.csv": tracking.required,
    }
    check_finite([reb.result for reb in tracking.rebased], frames)
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(
        tracking.plan_vs_actual,
        folder / "plan_vs_actual.csv",
        index=False,
        float_format=FLOAT_FORMAT,
    )
    write_csv(
        tracking.required, folder / "required_growth.csv", index=False, float_format=FLOAT_FORMAT
    )
    notes = []
    for reb in tracking.rebased:
        name = reb.result.scenario.name
        write_csv(
            wide_table(reb.result), folder / f"{name}_rebaselined.csv", float_format=FLOAT_FORMAT
        )
        title, labels = reb.result.scenario.title(lang), linked_labels(reb.result)
        notes += [f"{title}: {tracking_note_text(n, lang, labels)}" for n in reb.applied]
    head = text("trk.notes_head", lang)
    notes.insert(0, head.format(path=tracking.actuals.path, year=tracking.actuals.latest_year))
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
        "what_if": [r.scenario.name for r in results if r.scenario.settings],
        "scenarios": [
            {
                "name": r.scenario.name,
                "title": {"vi": r.scenario.title_vi, "en": r.scenario.title_en},
                "files": r.scenario.file_sha256,
                "settings": list(r.scenario.settings),
                "what_if": r.scenario.what_if_note("en"),
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

    UTF-8 with a byte-order mark, comma-separated, full float precision, empty cells for NaN.
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
        write_csv(frame.reindex(columns=list(CSV_COLUMNS[name])), path, index=False)
        written.append(path)
    return written


ATTRIBUTION_COLUMNS = ["scenario", "base", "indicator", "year", "parameter", "contribution"]
DIFFERENCE_COLUMNS = ["scenario", "base", "indicator", "base_value", "value", "difference"]


def write_compare_csvs(compare: CompareResult, folder: Path) -> None:
    """<folder>/attribution.csv (each parameter's Shapley share of an end-year gap, in the
    indicator's unit) and differences.csv (end-year indicators and targets; a target's row is
    named target:<key>, its value the measure the target checks, e.g. %/yr)."""
    folder.mkdir(parents=True, exist_ok=True)
    attribution = pd.DataFrame(
        [[getattr(r, c) for c in ATTRIBUTION_COLUMNS] for r in compare.attribution],
        columns=ATTRIBUTION_COLUMNS,
    )
    found = pd.DataFrame(
        [
            [d.scenario, d.base, d.item, d.base_value, d.value, d.difference]
            for d in compare.differences
        ],
        columns=DIFFERENCE_COLUMNS,
    )
    # 12 digits: the contributions of an indicator still add up to its gap to 1e-9 of it
    write_csv(attribution, folder / "attribution.csv", index=False, float_format="%.12g")
    write_csv(found, folder / "differences.csv", index=False, float_format=FLOAT_FORMAT)
