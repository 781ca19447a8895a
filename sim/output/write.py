"""Everything a run writes, in one place: which files, charts and report sections a run has.

The writers live by what they write (`files`: CSVs and manifest, `live_workbook`, `charts.pack`,
`report`, `sim.term.rebase`); this module only orchestrates them, and imports each when it
writes: `start_charts` sends the congress charts to the chart process before the run has loaded
pandas and XlsxWriter for its tables (0.4 s), and the chart and report machinery is loaded only
when a run draws charts. `write_run` fills a fresh folder; the CLI hands it to
`sim.output.publish.publish`, which swaps the folder in only when everything is written."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.output.charts.process import ChartProcess, PackSettings, Recipe
from sim.output.charts.saved import DEFAULT_FORMATS, SavedChart
from sim.output.i18n import LANGS, text, what_if_title
from sim.output.plan_text import actuals_source, report_title
from sim.output.publish import MANIFEST_NAME
from sim.run import ScenarioResult, run_plan

if TYPE_CHECKING:
    from sim.analysis.compare import CompareResult
    from sim.analysis.suite import SensitivityResults
    from sim.term.history import HistoryResult
    from sim.term.tracking import TrackingResult

__all__ = ["RunOutputs", "start_charts", "write_run"]


@dataclass(frozen=True)
class RunOutputs:
    """The results of a run and how to write them.

    tracking:    with --actuals.
    sensitivity: with --sensitivity.
    history:     when a history scenario was run.
    rebase_year: with --rebase-year.
    formats:     the chart formats (--formats): "png" (always; the report shows them), "pdf"
                 (the chart pack), "svg".
    on_progress: called as each chart is finished (a terminal's progress line), or None.
    chart_cache: charts whose inputs did not change are copied from the chart cache (False:
                 --no-cache, every chart drawn).
    """

    results: Sequence[ScenarioResult]
    lang: str
    started: datetime
    argv: Sequence[str]
    charts: bool = True
    tracking: TrackingResult | None = None
    sensitivity: SensitivityResults | None = None
    history: HistoryResult | None = None
    rebase_year: int | None = None
    actuals_path: Path | None = None
    compare: CompareResult | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    on_progress: Callable[[str, int, int], None] | None = None
    chart_cache: bool = True

    @property
    def rebased(self) -> list[ScenarioResult]:
        """Each scenario re-baselined through the actuals (--actuals); none without."""
        return [r.result for r in self.tracking.rebased] if self.tracking is not None else []

    @property
    def actuals_year(self) -> int | None:
        """The latest year of the actuals (--actuals)."""
        return self.tracking.actuals.latest_year if self.tracking is not None else None


def write_run(folder: Path, run: RunOutputs, charts: ChartProcess | None = None) -> None:
    """Write every output of `run` into `folder`. With charts, `charts` (the chart process,
    its caller's to stop) is drawing the congress charts already (`start_charts`); the rest
    are sent first, and the tables, workbook and page are written while they are drawn.
    Without `charts`, a chart process is started here, and stopped."""
    own = None
    if run.charts and charts is None:
        charts = own = ChartProcess.start()
    try:
        if own is not None:
            start_charts(own, run, folder / ".charts")
        if run.charts:
            assert charts is not None
            _draw_the_rest(charts, run)
        _write_tables(folder, run)
        if run.charts:
            assert charts is not None
            _write_report(folder, run, charts.finish(folder, run.on_progress))
    finally:
        if own is not None:
            own.stop()
    from sim.output.files import write_manifest

    write_manifest(run.results, folder / MANIFEST_NAME, run.argv, run.started, _manifest_extra(run))


def start_charts(charts: ChartProcess, run: RunOutputs, scratch: Path) -> None:
    """Begin drawing the congress charts (the projections are all they need), under
    `scratch`."""
    actuals = run.tracking.actuals if run.tracking is not None else None
    day, source = run.started.date(), actuals_source(actuals)
    recipe = ("main_chart_jobs", (run.results, run.lang, day, run.rebased, source))
    charts.draw(_main_pack(run), [recipe], scratch)


def _main_pack(run: RunOutputs) -> PackSettings:
    first = run.results[0].scenario
    title = report_title(first.plan, first.base_year, first.end_year, run.lang)
    title = what_if_title(title, [r.scenario for r in run.results], run.lang)
    return PackSettings("charts", "chart_pack.pdf", run.lang, title, run.formats, run.chart_cache)


def _draw_the_rest(charts: ChartProcess, run: RunOutputs) -> None:
    """The charts after the congress charts: tracking, sensitivity, the compare view's
    waterfalls (last in the pack), and the compare view's own packs in both languages (few and
    cheap; the issue asks for both) under compare/charts_<lang>/."""
    lang, day, results = run.lang, run.started.date(), run.results
    recipes: list[Recipe] = []
    if run.tracking is not None:
        recipes.append(("tracking_chart_jobs", (results, run.tracking, lang, day)))
    if run.sensitivity is not None:
        recipes.append(("sensitivity_chart_jobs", (results, run.sensitivity, lang, day)))
    compare = run.compare
    if compare is not None and compare.attribution:
        recipes.append(("compare_chart_jobs", (results, compare, lang, day)))
    if recipes:
        charts.draw(_main_pack(run), recipes)
    if compare is None or not compare.attribution:
        return
    for other in LANGS:
        title = text("compare.pack", other)
        pack = PackSettings(
            f"compare/charts_{other}",
            "compare_charts.pdf",
            other,
            title,
            run.formats,
            run.chart_cache,
            progress=False,
        )
        charts.draw(pack, [("compare_chart_jobs", (results, compare, other, day))])


def _write_tables(folder: Path, run: RunOutputs) -> None:
    """The CSVs, the live workbook, the what-if page and the files of each analysis."""
    # (imported here, not with the module: `start_charts` sends the first charts before the
    # run loads pandas and XlsxWriter for these, 0.4 s)
    from sim.output.files import (
        write_compare_csvs,
        write_csvs,
        write_history_csvs,
        write_tracking_csvs,
    )
    from sim.output.live_workbook import write_live_workbook
    from sim.output.whatif import write_whatif

    rebased = run.rebased
    probabilities = run.sensitivity.target_probabilities if run.sensitivity is not None else None
    write_csvs(run.results, folder, rebased, probabilities)
    write_live_workbook(
        run.results,
        folder / "projections.xlsx",
        run.lang,
        rebased,
        run.sensitivity,
        run.actuals_year,
    )
    write_whatif(folder / "whatif.html", run.results, run.lang, run.started)
    if run.tracking is not None:
        write_tracking_csvs(run.tracking, folder / "tracking", run.lang)
    if run.sensitivity is not None:
        from sim.output.files import write_sensitivity_csvs

        write_sensitivity_csvs(run.sensitivity, folder / "sensitivity")
    if run.history is not None:
        write_history_csvs(run.history, folder / "history")
    if run.compare is not None:
        write_compare_csvs(run.compare, folder / "compare")
    if run.rebase_year is not None:
        _write_rebased(rebased or run.results, folder / "rebased", run, run.rebase_year)


def _manifest_extra(run: RunOutputs) -> dict[str, Any]:
    extra: dict[str, Any] = {"lang": run.lang, "charts": run.charts}
    plan = run_plan(run.results)
    if plan.file:  # the targets of the run: their file, as read
        extra["plan"] = {
            "file": plan.file,
            "sha256": hashlib.sha256(Path(plan.file).read_bytes()).hexdigest(),
            "targets": len(plan.targets),
            "example": plan.example,
        }
    if run.tracking is not None and run.actuals_path is not None:
        extra["actuals"] = {
            "file": str(run.actuals_path),
            "sha256": hashlib.sha256(Path(run.actuals_path).read_bytes()).hexdigest(),
            "latest_year": run.tracking.actuals.latest_year,
        }
    if run.sensitivity is not None:
        sensitivity = run.sensitivity
        extra["sensitivity"] = {
            "draws": sensitivity.draws,
            "seed": sensitivity.seed,
            "sobol_n": sensitivity.sobol_n,
        }
    if run.history is not None:
        extra["history"] = {
            "scenario": None if run.history.result is None else run.history.result.scenario.name,
            "calibration": run.history.calibration_statement,
        }
    return extra


def _write_rebased(
    results: Sequence[ScenarioResult], folder: Path, run: RunOutputs, year: int
) -> None:
    """<folder>/<scenario>_<year>_<year+5>.toml: each scenario restarted from its state in year."""
    from sim.term.rebase import rebased_file_name, rebased_scenario_text

    folder.mkdir(parents=True, exist_ok=True)
    basis = (
        "plan"
        if run.tracking is None
        else f"re-baselined through actuals to {run.tracking.actuals.latest_year}"
    )
    for result in results:
        name = rebased_file_name(result.scenario.name, year)
        text_ = rebased_scenario_text(result, year, basis, run.started.date())
        (folder / name).write_text(text_, encoding="utf-8")


def _write_report(folder: Path, run: RunOutputs, written: dict[str, list[SavedChart]]) -> None:
    """The HTML report, with the charts of the pack (`written`: pack folder -> charts); with
    sensitivity results, their charts beside their tables too, under
    <folder>/sensitivity/charts_<lang>/ (copied, not drawn again).

    Only the run's language is drawn (drawing is nearly all of a run's time); another language
    is a run with --lang."""
    from sim.output.report import write_report

    saved = written.get("charts", [])
    waterfalls = [chart for chart in saved if chart.family == "compare"]
    shown = [chart for chart in saved if chart not in waterfalls]  # those in their own section
    write_report(
        folder / "report.html",
        run.results,
        shown,
        run.lang,
        run.started,
        _sections(run, waterfalls),
        run.actuals_year,
    )
    if run.sensitivity is not None:
        here = folder / "sensitivity" / f"charts_{run.lang}"
        here.mkdir(parents=True, exist_ok=True)
        for chart in (c for c in saved if c.family == "sensitivity"):
            for path in (chart.png, chart.svg):
                if path is not None:
                    shutil.copy2(path, here / path.name)


def _sections(run: RunOutputs, waterfalls: Sequence[SavedChart] = ()) -> list[tuple[str, str]]:
    """The report's sections after the projection tables: (heading, HTML) of tracking,
    sensitivity, history and the compare view (with its `waterfalls`), those the run has."""
    from sim.output.report import history_section, sensitivity_section, tracking_section

    lang = run.lang
    sections = []
    if run.tracking is not None:
        sections.append((text("tracking", lang), tracking_section(run.tracking, lang)))
    if run.sensitivity is not None:
        sensitivity = sensitivity_section(run.sensitivity, lang, run.results)
        sections.append((text("sensitivity", lang), sensitivity))
    if run.history is not None:
        sections.append((text("history", lang), history_section(run.history, lang, run.results)))
    if run.compare is not None:
        from sim.output.report_compare import compare_section

        body = compare_section(run.compare, run.results, waterfalls, lang)
        sections.append((text("compare.section", lang), body))
    return sections
