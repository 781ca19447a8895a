"""Saving the chart pack: every chart as PNG and SVG, and one numbered multi-page PDF.

The only place where figures are written to disk. Charts are drawn in parallel worker
processes (one per core): drawing text is most of the cost of a run, and the charts are
independent. Workers save PNG and SVG and send the laid-out figure back; this process writes
the PDF pages in order as they arrive.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

from sim.output.charts import base as chartbase
from sim.output.charts import projection as charts
from sim.output.i18n import text
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from sim.analysis.suite import SensitivityResults
    from sim.scenario.actuals import Actuals
    from sim.term.tracking import TrackingResult

__all__ = [
    "Chart",
    "ChartJob",
    "ScenariosChart",
    "PlanVsActualChart",
    "DeviationChart",
    "DrawsChart",
    "ScenarioTableChart",
    "CHARTS",
    "SavedChart",
    "save_figure",
    "freeze_layout",
    "main_chart_jobs",
    "tracking_chart_jobs",
    "sensitivity_chart_jobs",
    "write_chart_pack",
    "PNG_DPI",
]

PNG_DPI = 200

# Chart jobs are sent to worker processes (pickled): each holds its data and a module-level plot
# function, and `draw()` calls it with the arguments its signature names.

ScenariosPlot = Callable[[Sequence[ScenarioResult], str, date], Figure]
"""plot(results, lang, run_date): a congress chart of every scenario (charts.projection)."""

DrawsPlot = Callable[[pd.DataFrame, Sequence[ScenarioResult], str, date, int], Figure]
"""plot(table, results, lang, run_date, draws): a Monte Carlo chart of every scenario."""

ScenarioTablePlot = Callable[[pd.DataFrame, ScenarioResult, str, date], Figure]
"""plot(table, result, lang, run_date): a sensitivity chart of one scenario."""


class Chart(Protocol):
    """What a chart job draws: the figure, ready to save."""

    def draw(self) -> Figure: ...


@dataclass(frozen=True)
class ScenariosChart:
    """A congress chart of every scenario of the run."""

    plot: ScenariosPlot
    results: tuple[ScenarioResult, ...]
    lang: str
    run_date: date

    def draw(self) -> Figure:
        return self.plot(self.results, self.lang, self.run_date)


@dataclass(frozen=True)
class PlanVsActualChart:
    """Each scenario's plan and re-baselined path against the actuals (runs with --actuals)."""

    plans: tuple[ScenarioResult, ...]
    rebased: tuple[ScenarioResult, ...]
    actuals: Actuals
    lang: str
    run_date: date

    def draw(self) -> Figure:
        from sim.output.charts.tracking import plot_plan_vs_actual

        return plot_plan_vs_actual(
            plans=self.plans,
            rebased=self.rebased,
            actuals=self.actuals,
            lang=self.lang,
            run_date=self.run_date,
        )


@dataclass(frozen=True)
class DeviationChart:
    """The table of actual minus plan (runs with --actuals)."""

    deviations: pd.DataFrame
    plans: tuple[ScenarioResult, ...]
    lang: str
    run_date: date

    def draw(self) -> Figure:
        from sim.output.charts.tracking import plot_deviation_table

        return plot_deviation_table(
            deviations=self.deviations, plans=self.plans, lang=self.lang, run_date=self.run_date
        )


@dataclass(frozen=True)
class DrawsChart:
    """A Monte Carlo chart of every scenario: fan charts or target probabilities."""

    plot: DrawsPlot
    table: pd.DataFrame
    results: tuple[ScenarioResult, ...]
    lang: str
    run_date: date
    draws: int

    def draw(self) -> Figure:
        return self.plot(self.table, self.results, self.lang, self.run_date, self.draws)


@dataclass(frozen=True)
class ScenarioTableChart:
    """A sensitivity chart of one scenario: tornado, spider, two-way grid or Sobol indices."""

    plot: ScenarioTablePlot
    table: pd.DataFrame
    result: ScenarioResult
    lang: str
    run_date: date

    def draw(self) -> Figure:
        return self.plot(self.table, self.result, self.lang, self.run_date)


@dataclass(frozen=True)
class ChartJob:
    """One chart of the pack: its file name (stem), what to draw, and its numbered caption."""

    stem: str
    chart: Chart
    caption: str

    def draw(self) -> Figure:
        return self.chart.draw()


CHARTS: tuple[tuple[str, ScenariosPlot, str], ...] = (
    ("01_output_index", charts.plot_output_index, "caption.output_index"),
    ("02_sector_output", charts.plot_sector_output, "caption.sector_output"),
    ("03_sector_shares", charts.plot_sector_shares, "caption.sector_shares"),
    ("04_sector_growth", charts.plot_sector_growth, "caption.sector_growth"),
    ("05_income", charts.plot_income, "caption.income"),
    ("06_budget", charts.plot_budget, "caption.budget"),
    ("07_targets_end_year", charts.plot_end_year_comparison, "caption.end_year"),
    ("08_scorecard", charts.plot_scorecard_table, "caption.scorecard"),
)
"""The congress charts: (stem, plot, caption key), in pack order."""


NEEDS = {"05_income": ("income_per_capita",), "06_budget": ("budget_revenue",)}
"""Charts drawn only when some scenario of the run has these series."""


@dataclass(frozen=True)
class SavedChart:
    number: int
    stem: str
    caption: str
    png: Path
    svg: Path


def main_chart_jobs(results: Sequence[ScenarioResult], lang: str, run_date: date) -> list[ChartJob]:
    """The congress charts for a run, in pack order."""
    first = results[0].scenario
    fields = {"base": first.base_year, "end": first.end_year}
    return [
        ChartJob(
            stem,
            ScenariosChart(plot, tuple(results), lang, run_date),
            text(caption, lang).format(**fields),
        )
        for stem, plot, caption in CHARTS
        if all(any(name in r.series for r in results) for name in NEEDS.get(stem, ()))
    ]


def tracking_chart_jobs(
    results: Sequence[ScenarioResult], tracking: TrackingResult, lang: str, run_date: date
) -> list[ChartJob]:
    """Plan against actual, and the deviation table (runs with --actuals)."""
    plans = tuple(results)
    rebased = tuple(r.result for r in tracking.rebased)
    return [
        ChartJob(
            "09_plan_vs_actual",
            PlanVsActualChart(plans, rebased, tracking.actuals, lang, run_date),
            text("caption.plan_vs_actual", lang),
        ),
        ChartJob(
            "10_deviation",
            DeviationChart(tracking.plan_vs_actual, plans, lang, run_date),
            text("caption.deviation", lang),
        ),
    ]


def sensitivity_chart_jobs(
    results: Sequence[ScenarioResult], sensitivity: SensitivityResults, lang: str, run_date: date
) -> list[ChartJob]:
    """Fan charts and target probabilities for all scenarios; tornado, spider, grid and Sobol
    indices for each scenario that has them (runs with --sensitivity)."""
    from sim.output.charts import sensitivity as cs

    results = tuple(results)
    draws = sensitivity.draws
    jobs = []
    if not sensitivity.monte_carlo_percentiles.empty:
        fan = DrawsChart(
            cs.plot_fan_charts, sensitivity.monte_carlo_percentiles, results, lang, run_date, draws
        )
        probabilities = DrawsChart(
            cs.plot_target_probabilities,
            sensitivity.target_probabilities,
            results,
            lang,
            run_date,
            draws,
        )
        jobs.append(ChartJob("s01_fan", fan, text("caption.fan", lang)))
        jobs.append(
            ChartJob("s02_probabilities", probabilities, text("caption.probabilities", lang))
        )
    per_scenario: tuple[tuple[str, pd.DataFrame, ScenarioTablePlot, str], ...] = (
        ("tornado", sensitivity.tornado, cs.plot_tornado, "caption.tornado"),
        ("spider", sensitivity.spider, cs.plot_spider, "caption.spider"),
        ("grid", sensitivity.grid, cs.plot_grid, "caption.grid"),
        ("sobol", sensitivity.sobol, cs.plot_sobol, "caption.sobol"),
    )
    for i, (kind, table, plot, caption) in enumerate(per_scenario, start=3):
        for result in results:
            name = result.scenario.name
            if table.empty or not (table.scenario == name).any():
                continue
            title = result.scenario.title(lang)
            jobs.append(
                ChartJob(
                    f"s{i:02d}_{kind}_{name}",
                    ScenarioTableChart(plot, table, result, lang, run_date),
                    f"{text(caption, lang)} {title}.",
                )
            )
    return jobs


def freeze_layout(fig: Figure) -> None:
    """Run the constrained layout once and keep it: saving in three formats would otherwise lay
    the figure out three times."""
    if fig.get_layout_engine() is not None:
        fig.draw_without_rendering()
        fig.set_layout_engine("none")


def save_figure(
    fig: Figure, folder: Path, stem: str, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Write `fig` as <folder>/<stem>.<format> for each format (PNG at 200 dpi)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with matplotlib.rc_context(chartbase.STYLE):
        for fmt in formats:
            path = folder / f"{stem}.{fmt}"
            options: dict[str, Any] = (
                {"dpi": PNG_DPI, "pil_kwargs": {"compress_level": 3}} if fmt == "png" else {}
            )
            if fmt == "svg":
                options["metadata"] = {"Date": None}  # reproducible files
            fig.savefig(path, **options)
            # The first save ran the layout; keep it for the other formats and the PDF page
            # (positions are fractions of the figure, the same at every dpi).
            fig.set_layout_engine("none")
            paths.append(path)
    return paths


def _draw_and_save(job: ChartJob, folder: Path) -> Figure:
    fig = job.draw()
    save_figure(fig, folder, job.stem)
    return fig


def _worker_count(jobs: int) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawning workers would re-import everything: slower than drawing here
    return max(1, min(jobs, os.cpu_count() or 1))


def write_chart_pack(
    jobs: Sequence[ChartJob],
    folder: Path,
    pdf_name: str,
    lang: str,
    title: str,
    workers: int | None = None,
) -> list[SavedChart]:
    """Draw every job, save PNG + SVG under `folder`, and one PDF (`pdf_name`) with numbered
    captions ("Biểu 1. ..."). Returns the saved charts in pack order."""
    from matplotlib.backends.backend_pdf import PdfPages

    folder.mkdir(parents=True, exist_ok=True)
    workers = _worker_count(len(jobs)) if workers is None else workers
    saved = []
    with (
        matplotlib.rc_context(chartbase.STYLE),
        PdfPages(folder / pdf_name, metadata={"Title": title, "Creator": "huongtra-sim"}) as pdf,
    ):
        if workers > 1:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            figures = pool.map(_draw_and_save, jobs, [folder] * len(jobs))
        else:
            pool = None
            figures = (_draw_and_save(job, folder) for job in jobs)
        try:
            for number, (job, fig) in enumerate(zip(jobs, figures, strict=True), start=1):
                label = f"{text('figure', lang)} {number}. {job.caption}"
                fig.text(
                    0.01,
                    chartbase.CAPTION_BASELINE_IN / fig.get_figheight(),
                    label,
                    ha="left",
                    va="bottom",
                    fontsize=7,
                    wrap=True,
                )
                pdf.savefig(fig)
                saved.append(
                    SavedChart(
                        number,
                        job.stem,
                        job.caption,
                        folder / f"{job.stem}.png",
                        folder / f"{job.stem}.svg",
                    )
                )
        finally:
            if pool is not None:
                pool.shutdown()
    return saved
