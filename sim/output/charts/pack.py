"""Saving the chart pack: every chart as PNG (and SVG when asked), and one numbered
multi-page PDF, every page A4.

The only place where figures are drawn to files (the PNG files are the pages rendered, by
`sim.output.charts.raster`). A chart found in the chart cache
(`sim.output.charts.cache`) is copied from there, not drawn. The others are drawn in parallel
worker processes (one per core, forked after matplotlib is loaded): drawing text is most of the
cost of a run, and the charts are independent. Each worker takes the next chart left, builds
the figure, lays it out once, draws it once, as its captioned page of a PDF of its own (and as
SVG when asked), and renders each page to the chart's PNG (`sim.output.charts.raster`); this
process then puts the pages in order on A4 sheets (`sim.output.charts.pages`).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast

import matplotlib
from matplotlib.figure import Figure

from sim.output.charts import base as chartbase
from sim.output.charts import projection as charts
from sim.output.charts.children import die_with_parent, stop_signals_blocked
from sim.output.charts.fontfiles import embed_outlines_only, read_fonts_into_memory
from sim.output.charts.raster import CAPTION_INK, write_pngs
from sim.output.charts.saved import DEFAULT_FORMATS, FORMATS, SavedChart
from sim.output.i18n import format_number, text, what_if_note
from sim.output.plan_text import actuals_source, chart_caption
from sim.run import ScenarioResult

if TYPE_CHECKING:
    import pandas as pd  # (the congress charts need no pandas: the chart process loads it later)

    from sim.analysis.compare import CompareResult
    from sim.analysis.suite import SensitivityResults
    from sim.output.charts.cache import ChartCache
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
    "main_chart_jobs",
    "tracking_chart_jobs",
    "sensitivity_chart_jobs",
    "compare_chart_jobs",
    "write_chart_pack",
    "PNG_DPI",
    "FORMATS",
    "DEFAULT_FORMATS",
]

PNG_DPI = 200

PNG_BAND_IN = chartbase.CAPTION_BASELINE_IN + 0.5 * chartbase.CAPTION_PT / 72
"""A row in the PDF page's caption band (the middle of its lowest line, drawn up from
CAPTION_BASELINE_IN), inches above the foot: the band a PNG closes, as its caption is left out
(`sim.output.charts.raster.band_rows`)."""

# Chart jobs are sent to worker processes (pickled): each holds its data and a module-level plot
# function, and `draw()` calls it with the arguments its signature names.

ScenariosPlot = Callable[[Sequence[ScenarioResult], str, date], Figure]
"""plot(results, lang, run_date): a congress chart of every scenario (charts.projection)."""

DrawsPlot = Callable[["pd.DataFrame", Sequence[ScenarioResult], str, date, int], Figure]
"""plot(table, results, lang, run_date, draws): a Monte Carlo chart of every scenario."""

ScenarioTablePlot = Callable[["pd.DataFrame", ScenarioResult, str, date], Figure]
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
    source: str = ""  # where the actuals come from (`plan_text.actuals_source`)

    def draw(self) -> Figure:
        from sim.output.charts.tracking import plot_plan_vs_actual

        return plot_plan_vs_actual(
            plans=self.plans,
            rebased=self.rebased,
            actuals=self.actuals,
            lang=self.lang,
            run_date=self.run_date,
            source=self.source,
        )


@dataclass(frozen=True)
class DeviationChart:
    """The table of actual minus plan (runs with --actuals)."""

    deviations: pd.DataFrame
    plans: tuple[ScenarioResult, ...]
    lang: str
    run_date: date
    source: str = ""  # where the actuals come from (`plan_text.actuals_source`)

    def draw(self) -> Figure:
        from sim.output.charts.tracking import plot_deviation_table

        return plot_deviation_table(
            deviations=self.deviations,
            plans=self.plans,
            lang=self.lang,
            run_date=self.run_date,
            source=self.source,
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
    what_if: str = ""  # the --set values of the scenarios it shows (`i18n.what_if_note`)
    weight: float = 1.0  # how long it takes to draw, against a one-panel line chart (WEIGHTS)

    def draw(self, label: str = "") -> Figure:
        """The figure, with room under its panels for the what-if line and for `label`, the
        caption of its PDF page (`caption_lines`)."""
        fig = self.chart.draw()
        if label:
            chartbase.caption_room(fig, len(chartbase.caption_lines(label, fig.get_figwidth())))
        chartbase.what_if_line(fig, self.what_if)
        return fig


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


WEIGHTS = {
    "02_sector_output": 3.0,
    "03_sector_shares": 1.2,
    "04_sector_growth": 3.0,
    "06_budget": 1.4,
    "07_targets_end_year": 5.0,
    "08_scorecard": 1.8,
    "fan": 3.0,
    "probabilities": 2.0,
    "tornado": 3.5,
    "spider": 4.0,
    "grid": 3.0,
    "sobol": 4.0,
}
"""How long a chart takes to draw and render to PNG against a one-panel line chart (1, the
default), by its stem or kind; measured on the bundled scenarios. The workers take the
heaviest chart first, so that the last one drawn, while the other core may have nothing left
to do, is a light one. A weight that is off costs time, never a different chart."""


def _weight(name: str) -> float:
    """A chart's weight by its stem or kind (WEIGHTS); 1 for one not there."""
    return WEIGHTS.get(name, 1.0)


NEEDS = {"05_income": ("income_per_capita",), "06_budget": ("budget_revenue",)}
"""Charts drawn only when some scenario of the run has these series."""

TARGET_CHARTS = {
    "07_targets_end_year": charts.plot_end_year_comparison,
    "08_scorecard": charts.plot_scorecard_table,
}
"""Charts drawn only when the run's years hold some target's years; with --actuals they show
each scenario's re-baselined result beside its plan (their `rebased` argument)."""


def main_chart_jobs(
    results: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    rebased: Sequence[ScenarioResult] = (),
    source: str = "",
) -> list[ChartJob]:
    """The congress charts for a run, in pack order; `rebased`: each scenario re-baselined
    through the actuals (--actuals), shown beside the plan in the target charts, whose footers
    then name where the actuals come from (`source`, `plan_text.actuals_source`)."""
    first = results[0].scenario
    has_targets = bool(charts.targets_in_horizon(results))
    jobs = []
    for stem, plot, caption in CHARTS:
        if not all(any(name in r.series for r in results) for name in NEEDS.get(stem, ())):
            continue
        if stem in TARGET_CHARTS and not has_targets:
            continue
        if stem in TARGET_CHARTS and rebased:
            plot = partial(TARGET_CHARTS[stem], rebased=tuple(rebased), source=source)
        chart = ScenariosChart(plot, tuple(results), lang, run_date)
        words = chart_caption(
            _caption_key(caption, results), first.plan, first.base_year, first.end_year, lang
        )
        jobs.append(ChartJob(stem, chart, words, _what_if(results, lang), _weight(stem)))
    return jobs


def _caption_key(caption: str, results: Sequence[ScenarioResult]) -> str:
    """The caption that says what a chart shows: output in billion VND, not an index, when
    every scenario gives its base-year total; the budget without a land-use panel when no
    scenario has land-use fees."""
    if caption == "caption.output_index" and all(
        r.scenario.output_unit == "billion VND" for r in results
    ):
        return "caption.output_value"
    if caption == "caption.budget" and not any("land_use_revenue" in r.series for r in results):
        return "caption.budget.alone"
    return caption


def tracking_chart_jobs(
    results: Sequence[ScenarioResult], tracking: TrackingResult, lang: str, run_date: date
) -> list[ChartJob]:
    """Plan against actual, and the deviation table (runs with --actuals)."""
    plans = tuple(results)
    rebased = tuple(r.result for r in tracking.rebased)
    source = actuals_source(tracking.actuals)  # (each chart's footer names it)
    return [
        ChartJob(
            "09_plan_vs_actual",
            PlanVsActualChart(plans, rebased, tracking.actuals, lang, run_date, source),
            text("caption.plan_vs_actual", lang),
            _what_if(results, lang),
        ),
        ChartJob(
            "10_deviation",
            DeviationChart(tracking.plan_vs_actual, plans, lang, run_date, source),
            text("caption.deviation", lang),
            _what_if(results, lang),
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
        note = _what_if(results, lang)
        jobs.append(ChartJob("s01_fan", fan, text("caption.fan", lang), note, _weight("fan")))
        jobs.append(
            ChartJob(
                "s02_probabilities",
                probabilities,
                text("caption.probabilities", lang),
                note,
                _weight("probabilities"),
            )
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
            words = text(caption, lang)
            if kind == "spider":  # "from -k to +k points": k is the run's widest shift
                k = float(table.delta[table.scenario == name].abs().max())
                words = words.format(k=format_number(k, 0 if k == round(k) else 1, lang))
            jobs.append(
                ChartJob(
                    f"s{i:02d}_{kind}_{name}",
                    ScenarioTableChart(plot, table, result, lang, run_date),
                    f"{words} {title}.",
                    _what_if([result], lang),  # (the changes of the scenario it shows)
                    _weight(kind),
                )
            )
    return jobs


@dataclass(frozen=True)
class CompareChart:
    """The waterfall of one compared scenario (sim.output.charts.compare)."""

    rows: tuple[Any, ...]  # its sim.analysis.compare.Attribution rows
    base: ScenarioResult
    result: ScenarioResult
    lang: str
    run_date: date

    def draw(self) -> Figure:
        from sim.output.charts.compare import plot_waterfall

        return plot_waterfall(self.rows, self.base, self.result, self.lang, self.run_date)


def compare_chart_jobs(
    results: Sequence[ScenarioResult], compare: CompareResult, lang: str, run_date: date
) -> list[ChartJob]:
    """One waterfall per scenario compared with the base (runs with --compare)."""
    base = next(r for r in results if r.scenario.name == compare.base)
    jobs = []
    for i, result in enumerate((r for r in results if r is not base), start=1):
        rows = tuple(a for a in compare.attribution if a.scenario == result.scenario.name)
        if rows:
            chart = CompareChart(rows, base, result, lang, run_date)
            caption = text("caption.compare", lang).format(
                scenario=result.scenario.title(lang),
                base=base.scenario.title(lang),
                year=int(result.years[-1]),
            )
            stem = f"c{i:02d}_waterfall_{result.scenario.name}"
            jobs.append(ChartJob(stem, chart, caption, _what_if([base, result], lang)))
    return jobs


def _keep_layout(fig: Figure) -> None:
    """Drop the layout engine once the figure is laid out, keeping the positions it found.

    Not `set_layout_engine("none")`: that leaves a placeholder engine, and `savefig` draws a
    figure that has any engine twice (once to lay it out, once to render), which cost every
    later format and the PDF page a second full text layout."""
    with matplotlib.rc_context(
        {"figure.autolayout": False, "figure.constrained_layout.use": False}
    ):
        fig.set_layout_engine(None)


def _what_if(results: Sequence[ScenarioResult], lang: str) -> str:
    return what_if_note([r.scenario for r in results], lang)


def save_figure(
    fig: Figure, folder: Path, stem: str, formats: Sequence[str] = ("png", "svg")
) -> list[Path]:
    """Write `fig` as <folder>/<stem>.<format> for each format: PNG at PNG_DPI (the figure's PDF
    page rendered by PDFium, `sim.output.charts.raster`), SVG; "pdf" in `formats` is ignored
    (the PDF is the pack, written by `write_chart_pack`)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with matplotlib.rc_context(chartbase.STYLE):
        for fmt in (f for f in formats if f != "pdf"):
            path = folder / f"{stem}.{fmt}"
            if fmt == "png":
                from matplotlib.backends.backend_pdf import PdfPages

                page = io.BytesIO()
                with PdfPages(page, metadata={"CreationDate": None}) as pdf:
                    pdf.savefig(fig)
                    _last_page(pdf)  # the hatching on the pack's grid
                write_pngs(page.getvalue(), [path], PNG_DPI, band_in=PNG_BAND_IN)
            else:
                fig.savefig(path, metadata={"Date": None})  # no date: reproducible files
            # The first save ran the layout; keep it for the other formats and the PDF page.
            _keep_layout(fig)
            paths.append(path)
    return paths


def _lay_out(fig: Figure) -> None:
    """Run the figure's layout engine once, measuring text as Agg does at PNG_DPI, and keep its
    positions (fractions of the figure) for the PDF page, the PNG made from it, and the SVG;
    `savefig` would lay the figure out again for every format, drawing it once more, unseen,
    each time."""
    engine = fig.get_layout_engine()
    if engine is None:
        return
    canvas, dpi = fig.canvas, fig.dpi
    try:
        _measuring_canvas()(fig)  # attaches itself to the figure while the layout runs
        fig.dpi = PNG_DPI
        try:
            engine.execute(fig)
        except ValueError:  # a figure too small for its margins: drawn as it is (as savefig)
            pass
    finally:
        fig.dpi = dpi
        fig.set_canvas(canvas)
    _keep_layout(fig)


@cache
def _measuring_canvas() -> type:
    """An Agg canvas whose renderer only measures: one for every figure of the process, so
    that the text sizes it has measured (matplotlib keeps them per renderer: tick labels,
    years, scenario names) are measured once, not once per chart; and no picture buffer
    (10 MB at PNG_DPI) is made for a layout that draws no pixel."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg

    measurer = RendererAgg(1, 1, PNG_DPI)

    class MeasuringCanvas(FigureCanvasAgg):
        def get_renderer(self) -> RendererAgg:
            return measurer

    return MeasuringCanvas


def _worker_count(jobs: int) -> int:
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # spawning workers would re-import everything: slower than drawing here
    return max(1, min(jobs, os.cpu_count() or 1))


@dataclass(frozen=True)
class _Work:
    """The charts left to draw, shared by the workers: each takes the next one from `taken`
    (a counter shared across processes) until none is left, and counts it in `done`."""

    jobs: Sequence[ChartJob]
    todo: Sequence[int]  # indices into jobs, the heaviest first (`ChartJob.weight`)
    labels: Sequence[str]  # each job's page caption, "Biểu 1. ..."
    folder: Path
    formats: tuple[str, ...]
    taken: Any  # multiprocessing.Value("i") or _LocalCount
    done: Any
    cache: ChartCache | None = None
    keys: Sequence[dict[str, str] | None] = ()  # each job's cache keys by file kind

    def draw_share(
        self, on_drawn: Callable[[], None] | None = None
    ) -> tuple[list[int], bytes | None]:
        """Draw charts until none is left: their PNG (and SVG) files into the folder, their
        captioned pages into one PDF of this process; `on_drawn()` after each. Returns the
        jobs drawn and that PDF."""
        from matplotlib.backends.backend_pdf import PdfPages

        buffer = io.BytesIO()
        # Every chart is drawn once, as its page of this PDF (no date: the same chart gives the
        # same page); its PNG is that page rendered, its caption left out.
        pdf = PdfPages(buffer, metadata={"CreationDate": None, "Creator": CREATOR})
        svg = tuple(f for f in self.formats if f == "svg")
        drawn = []
        # Once a process (from the bytes read before the fork):
        read_fonts_into_memory(chartbase.STYLE["font.family"])
        with matplotlib.rc_context(chartbase.STYLE), embed_outlines_only():
            while (n := _take(self.taken)) < len(self.todo):
                i = self.todo[n]
                fig = self.jobs[i].draw(self.labels[i])
                _lay_out(fig)
                if svg:
                    save_figure(fig, self.folder, self.jobs[i].stem, svg)
                _add_page(pdf, fig, self.labels[i])
                drawn.append(i)
                _take(self.done)
                if on_drawn is not None:
                    on_drawn()
            _last_page(pdf)
            pdf.close()  # the fonts are written now: the pages can be rendered
        pages = buffer.getvalue()
        paths = [self.folder / f"{self.jobs[i].stem}.png" for i in drawn]
        caching = self.cache is not None and "pdf" in self.formats
        written = write_pngs(pages, paths, PNG_DPI, pages=caching, band_in=PNG_BAND_IN)
        data = pages if "pdf" in self.formats else None
        self._store(drawn, written)
        return drawn, data

    def _store(self, drawn: list[int], written: list[tuple[bytes, bytes | None]]) -> None:
        """Keep the charts just drawn in the cache (here, in the worker: in parallel): `written`
        holds each one's PNG and its page alone as a PDF."""
        if self.cache is None:
            return
        for i, (png, page) in zip(drawn, written, strict=True):
            for kind, key in (self.keys[i] or {}).items():
                if kind == "png":
                    data = png
                elif kind == "pdf" and page is not None:
                    data = page
                else:
                    data = (self.folder / f"{self.jobs[i].stem}.{kind}").read_bytes()
                self.cache.put(key, data)


HATCH_TILE_IN = 1.0
"""The side of matplotlib's hatch pattern tile in a PDF (72 points)."""


def _last_page(pdf: Any) -> None:
    """End a worker's PDF with a blank page one tile high (dropped when the pages are used).

    matplotlib places every hatch pattern of a PDF by the height of its last page (3.11,
    `PdfFile.writeHatches`), so a chart's hatching would shift with the chart that its worker
    happened to draw last, and its PNG would differ from run to run. A last page of a whole
    tile's height puts the tiles of every page on the same grid, whichever pages share its
    PDF."""
    pdf.savefig(Figure(figsize=(HATCH_TILE_IN, HATCH_TILE_IN)))


class _LocalCount:
    """A counter with the interface of multiprocessing.Value, for drawing in this process."""

    def __init__(self) -> None:
        self.value = 0

    def get_lock(self) -> contextlib.nullcontext[None]:
        return contextlib.nullcontext()


def _take(counter: Any) -> int:
    """Add one to a shared counter; its value before."""
    with counter.get_lock():
        value = int(counter.value)
        counter.value = value + 1
    return value


_WORK: _Work | None = None
"""A worker's share of the pack, set when the worker starts (inherited, not pickled)."""


def _start_worker(parent: int, work: _Work) -> None:
    global _WORK
    die_with_parent(parent)
    # A worker lives for one pack: its garbage (a figure's reference cycles, a few MB) goes
    # with it, and the collector's passes over matplotlib's objects cost a few per cent.
    gc.disable()
    _WORK = work


def _draw_in_worker() -> tuple[list[int], bytes | None]:
    assert _WORK is not None, "a chart worker without work"
    return _WORK.draw_share()


def _start_pool(work: _Work, workers: int) -> tuple[ProcessPoolExecutor, list[Future[Any]]]:
    """A pool of `workers` forked processes, each drawing charts of `work` until none is left."""
    with stop_signals_blocked():
        pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_start_worker,
            initargs=(os.getpid(), work),
        )
        try:
            # With fork, the first submit forks every worker, here, in the blocked thread.
            futures = [pool.submit(_draw_in_worker) for _ in range(workers)]
        except BaseException:
            _stop_pool(pool, finished=False)
            raise
    return pool, futures


SIGNAL_POLL_S = 0.1
"""How long the run waits for the workers before it looks at pending signals and the count of
charts drawn again, in seconds."""


def _wait_for(futures: Sequence[Future[Any]], on_drawn: Callable[[], None]) -> list[Any]:
    """The futures' results, waking up every SIGNAL_POLL_S: a signal that the kernel delivers to
    another thread (the pool's, numba's) is handled by Python in the main thread, which must not
    sleep until the workers finish (seconds) to notice it; a failed chart stops the wait at
    once (its exception is raised), whatever the other workers are drawing."""
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, timeout=SIGNAL_POLL_S, return_when=FIRST_EXCEPTION)
        for future in finished:
            future.result()  # raises the worker's exception
        on_drawn()
    return [future.result() for future in futures]


def _stop_pool(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Shut the pool down; when the pack did not finish (Ctrl-C, SIGTERM, a failed chart), kill
    the workers at once instead of waiting for the charts they are drawing (seconds each)."""
    if finished:
        pool.shutdown()
        return
    # No public way to stop a running worker: the pool's own table of processes.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)  # its manager thread reaps the workers


def _add_page(pdf: Any, fig: Figure, label: str) -> None:
    """Caption `fig` with `label` ("Biểu 1. ...", wrapped as `ChartJob.draw` made room for it)
    and add it to the PDF. The caption is drawn in CAPTION_INK, so that the PNG rendered from
    the page leaves it out."""
    fig.text(
        0.01,
        chartbase.CAPTION_BASELINE_IN / fig.get_figheight(),
        "\n".join(chartbase.caption_lines(label, fig.get_figwidth())),
        ha="left",
        va="bottom",
        fontsize=chartbase.CAPTION_PT,
        color=CAPTION_INK,
    )
    pdf.savefig(fig)


CREATOR = "huongtra-sim"


def write_chart_pack(
    jobs: Sequence[ChartJob],
    folder: Path,
    pdf_name: str,
    lang: str,
    title: str,
    workers: int | None = None,
    formats: Sequence[str] = DEFAULT_FORMATS,
    on_progress: Progress | None = None,
    cache: ChartCache | None = None,
) -> list[SavedChart]:
    """Draw every job, save it under `folder` in each of `formats` ("png", "svg"; "pdf": one
    PDF `pdf_name` with numbered captions, "Biểu 1. ...", every page A4). Returns the saved
    charts in pack order. `on_progress("charts", done, total)` is called as charts are finished.

    A chart whose files are in `cache` is not drawn: its files are copied from there. The others
    are drawn by forked workers (one per core) that die with this process, each writing its
    charts' files and its pages; the PDF is then put together from the pages. If drawing stops
    early (an exception, Ctrl-C, SIGTERM) the workers are killed, not waited for, and no PDF is
    left behind."""
    pack = PackInProgress(
        folder, pdf_name, lang, title, tuple(formats), cache, on_progress, workers
    )
    pack.add(jobs)
    return pack.finish()


@dataclass
class PackInProgress:
    """A chart pack drawn in batches, each as it comes (the congress charts while the run still
    computes its sensitivity analysis), numbered on from the batch before; `finish` writes the
    PDF of all of them. The charts' files are written under `folder` as they are drawn."""

    folder: Path
    pdf_name: str
    lang: str
    title: str
    formats: tuple[str, ...] = DEFAULT_FORMATS
    cache: ChartCache | None = None
    on_progress: Progress | None = None
    workers: int | None = None
    saved: list[SavedChart] = field(default_factory=list)
    pages: list[Any] = field(default_factory=list)
    keys: list[dict[str, str] | None] = field(default_factory=list)

    def add(self, jobs: Sequence[ChartJob], family: str = "main") -> None:
        """Draw `jobs` (or copy them from the cache); see `write_chart_pack`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        before = len(self.saved)
        progress = None
        if self.on_progress is not None:
            report = self.on_progress

            def progress(label: str, done: int, total: int) -> None:
                report(label, before + done, before + total)

        pack = _Pack(
            jobs,
            self.folder,
            self.lang,
            self.formats,
            progress,
            self.cache,
            first=before + 1,
            family=family,
        )
        pages, keys = pack.draw(self.workers)
        self.pages += pages
        self.keys += keys
        self.saved += pack.saved()

    def finish(self) -> list[SavedChart]:
        """Write the PDF of every chart added (when the formats have "pdf"); the charts."""
        if "pdf" in self.formats:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / self.pdf_name
            metadata = {"Title": self.title, "Creator": CREATOR}
            try:
                _write_pdf(path, self.pages, self.keys, self.cache, metadata)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        return list(self.saved)


def _write_pdf(
    path: Path,
    pages: list[Any],
    keys: list[dict[str, str] | None],
    cache: ChartCache | None,
    metadata: dict[str, str],
) -> None:
    """The pack: `pages` (pypdf pages, or one-page PDFs from the cache) on A4 sheets. A pack of
    the same pages and metadata is copied from the cache."""
    from sim.output.charts.pages import page_of, write_pack

    pack_key = None
    if cache is not None and all(k is not None for k in keys):
        page_keys = [cast(dict[str, str], k)["pdf"] for k in keys]
        pack_key = cache.key(page_keys, "pack", *(f"{k}={v}" for k, v in metadata.items()))
        data = cache.get(pack_key) if pack_key is not None else None
        if data is not None:
            path.write_bytes(data)
            return
    buffer = io.BytesIO()
    write_pack([page_of(p) if isinstance(p, bytes) else p for p in pages], buffer, metadata)
    path.write_bytes(buffer.getvalue())
    if cache is not None and pack_key is not None:
        cache.put(pack_key, buffer.getvalue())


Progress = Callable[[str, int, int], None]
"""on_progress(label, done, total), as `sim.output.console.ProgressBar` takes it."""


FAMILY_MODULES = {
    "main": "sim.output.charts.projection",
    "tracking": "sim.output.charts.tracking",
    "sensitivity": "sim.output.charts.sensitivity",
    "compare": "sim.output.charts.compare",
}
"""The module that plots each family's charts (`SavedChart.family`). It is imported before the
workers are forked, so that they inherit it: each worker imported it itself as it drew its first
chart (with pandas, 0.3-0.4 s a worker, again for every pack of a `--compare` run)."""


@dataclass(frozen=True)
class _Pack:
    """What write_chart_pack draws and where."""

    jobs: Sequence[ChartJob]
    folder: Path
    lang: str
    formats: tuple[str, ...]
    on_progress: Progress | None
    cache: ChartCache | None
    first: int = 1  # the number of the first chart ("Biểu 9": the pack had 8 before)
    reported: list[int] = field(default_factory=lambda: [0])  # the last count reported
    family: str = "main"  # (FAMILY_MODULES)

    def labels(self) -> list[str]:
        return [
            f"{text('figure', self.lang)} {number}. {job.caption}"
            for number, job in enumerate(self.jobs, start=self.first)
        ]

    def files(self) -> tuple[str, ...]:
        """What each chart is made of: its files ("png", "svg") and its page ("pdf")."""
        return tuple(f for f in FORMATS if f in self.formats or f == "png")

    def draw(self, workers: int | None) -> tuple[list[Any], list[dict[str, str] | None]]:
        """Every chart's files under the folder; returns the PDF's pages in pack order (pypdf
        pages, or one-page PDFs from the cache) and each chart's cache keys."""
        labels = self.labels()
        keys = [self._keys(job, label) for job, label in zip(self.jobs, labels, strict=True)]
        pages: dict[int, Any] = {}
        todo = []
        for i, job_keys in enumerate(keys):
            if not self._copy_from_cache(i, job_keys, pages):
                todo.append(i)
        self._progress(len(self.jobs) - len(todo))
        if todo:
            self._draw(todo, labels, keys, workers, pages)
            if self.cache is not None:
                self.cache.prune()
        return ([pages[i] for i in range(len(self.jobs))] if "pdf" in self.formats else []), keys

    def _keys(self, job: ChartJob, label: str) -> dict[str, str] | None:
        if self.cache is None:
            return None
        # Every file depends on the caption: the page shows it, and the figure keeps room under
        # its panels for a caption longer than two lines (`ChartJob.draw`).
        parts = {
            kind: (kind, f"dpi={PNG_DPI}", label) if kind == "png" else (kind, label)
            for kind in self.files()
        }
        return self.cache.keys(job, parts)

    def _copy_from_cache(self, i: int, keys: dict[str, str] | None, pages: dict[int, Any]) -> bool:
        """Write chart i's files from the cache; False (nothing written) unless all are there."""
        if self.cache is None or keys is None:
            return False
        found = {kind: self.cache.get(key) for kind, key in keys.items()}
        if any(data is None for data in found.values()):
            return False
        if "pdf" in found:
            pages[i] = found["pdf"]  # read when the pack is put together (if it is not cached)
        for kind in ("png", "svg"):
            if kind in found:
                (self.folder / f"{self.jobs[i].stem}.{kind}").write_bytes(cast(bytes, found[kind]))
        return True

    def _draw(
        self,
        todo: list[int],
        labels: list[str],
        keys: list[dict[str, str] | None],
        workers: int | None,
        pages: dict[int, Any],
    ) -> None:
        """Draw the charts `todo` (in workers unless there is one), their pages into `pages`."""
        workers = _worker_count(len(todo)) if workers is None else min(workers, len(todo))
        todo = sorted(todo, key=lambda i: -self.jobs[i].weight)  # (stable: then in pack order)
        ctx = multiprocessing.get_context("fork") if workers > 1 else None
        count = (lambda: ctx.Value("i", 0)) if ctx is not None else _LocalCount
        work = _Work(
            self.jobs, todo, labels, self.folder, self.formats, count(), count(), self.cache, keys
        )
        cached = len(self.jobs) - len(todo)

        def on_drawn() -> None:
            self._progress(cached + work.done.value)

        if ctx is None:
            shares = [work.draw_share(on_drawn)]
        else:
            importlib.import_module(FAMILY_MODULES[self.family])  # (inherited by the workers)
            pool, futures = _start_pool(work, workers)
            finished = False
            try:
                if "pdf" in self.formats:
                    # Loaded while the workers draw, not after them: 0.15 s at the end of a run.
                    import pypdf  # noqa: F401
                shares = _wait_for(futures, on_drawn)
                finished = True
            finally:
                _stop_pool(pool, finished)
        if "pdf" in self.formats:
            from pypdf import PdfReader

            for drawn, data in shares:
                if drawn:
                    reader = PdfReader(io.BytesIO(cast(bytes, data)))
                    pages.update(zip(drawn, reader.pages[: len(drawn)], strict=True))

    def _progress(self, done: int) -> None:
        """Report `done` charts of the pack, once each count, from the first."""
        if self.on_progress is not None and done > self.reported[0]:
            self.reported[0] = done
            self.on_progress("charts", done, len(self.jobs))

    def saved(self) -> list[SavedChart]:
        folder = self.folder
        saved = []
        for number, job in enumerate(self.jobs, start=self.first):
            svg = folder / f"{job.stem}.svg" if "svg" in self.formats else None
            png = folder / f"{job.stem}.png"
            saved.append(SavedChart(number, job.stem, job.caption, png, svg, self.family))
        return saved
