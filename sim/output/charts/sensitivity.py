"""Sensitivity and uncertainty charts: fan charts, target probabilities, Sobol indices, tornado,
spider and the two-way grid. Each takes tidy tables (the ones written to <out>/sensitivity/)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure

from sim.core.targets import Target, find_target
from sim.output.charts.base import (
    NumberFormatter,
    footer,
    hatched_as_one,
    legend_above,
    legend_entries,
    new_figure,
    scenario_styles,
    shade_target,
    target_point,
    titled_legend,
    with_style,
    year_axis,
)
from sim.output.i18n import (
    Bilingual,
    band_text,
    format_number,
    format_pct,
    header_label,
    in_brackets,
    indicator_label,
    label_text,
    linked_labels,
    parameter_text,
    text,
    unit_text,
)
from sim.output.linebreak import prose_lines, wrap
from sim.run import ScenarioResult, run_plan

__all__ = [
    "FAN_INDICATORS",
    "plot_fan_charts",
    "plot_target_probabilities",
    "plot_sobol",
    "plot_tornado",
    "plot_spider",
    "plot_grid",
]

FAN_INDICATORS = ("output.total", "income_per_capita", "budget_revenue")
"""The indicators of the fan chart, each with its target band."""

MIN_WIDTH_IN = 7.5
"""The narrowest chart, in inches: the footer line and a five-entry legend need this much."""

SOBOL_SHOWN_MIN = 0.01
"""A parameter whose total Sobol index is below this for every output is listed as negligible
under the chart, not drawn as a row of empty bars."""

_FAN_TARGETS: dict[str, tuple[tuple[str, ...], str]] = {
    "output.total": (("output.total",), "cagr"),
    "income_per_capita": (("income_per_capita",), "level"),
    "budget_revenue": (("budget_concept", "budget_revenue"), "level"),
}
"""Each fan indicator's target in the plan: (the indicators it may be checked on, measure)."""


@with_style
def plot_fan_charts(
    percentiles: pd.DataFrame,
    results: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    draws: int,
) -> Figure:
    """Monte Carlo fan charts: rows = indicators, columns = scenarios. Bands p5-p95 and p25-p75,
    the median line, the deterministic projection dashed, and the target band."""
    indicators = [i for i in FAN_INDICATORS if i in set(percentiles.indicator)]
    n_cols, n_rows = len(results), len(indicators)
    # at least wide enough for the title, the legend and the footer line (one scenario: 7.5)
    fig = new_figure(max(MIN_WIDTH_IN, 3.1 * n_cols + 0.8), 2.5 * n_rows + 1.1)
    axes = fig.subplots(n_rows, n_cols, squeeze=False, sharex="col")
    styles = scenario_styles([r.scenario.name for r in results])
    labels = linked_labels(results[0])
    for row, indicator in enumerate(indicators):
        target = find_target(run_plan(results).targets, *_FAN_TARGETS[indicator])
        for col, result in enumerate(results):
            ax = axes[row][col]
            if indicator not in result.series:
                ax.set_visible(False)
                continue
            colour = styles[result.scenario.name]["color"]
            table = percentiles[
                (percentiles.scenario == result.scenario.name)
                & (percentiles.indicator == indicator)
            ].sort_values("year")
            _fan(ax, table, result, indicator, colour, lang)
            if target is not None:
                _target_marker(ax, target, result, indicator, lang)
            if row == 0:
                ax.set_title(result.scenario.title(lang), fontsize=9)
            if col == 0:
                ax.set_ylabel(
                    f"{wrap(indicator_label(indicator, lang, labels), 22)}\n"
                    f"{in_brackets(unit_text(result.units[indicator], lang))}",
                    fontsize=7.5,
                )
            year_axis(ax, result.years)
            ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
            ax.tick_params(labelsize=7)
    title = f"{text('fig.fan', lang)} ({format_number(draws, 0, lang)} {text('draws', lang)})"
    titled_legend(fig, axes[0][0], 3, title)  # the legend's words are long: two rows
    footer(fig, lang, run_date)
    return fig


def _fan(
    ax: Axes,
    table: pd.DataFrame,
    result: ScenarioResult,
    indicator: str,
    colour: str,
    lang: str,
) -> None:
    """One panel's fan: the 5-95 % and 25-75 % bands and the median of `table` (one scenario's
    percentiles of `indicator` by year), and the scenario's own projection dashed."""
    years = table.year.to_numpy()
    ax.fill_between(
        years,
        table.p5,
        table.p95,
        color=colour,
        alpha=0.18,
        linewidth=0,
        label=text("band_5_95", lang),
    )
    ax.fill_between(
        years,
        table.p25,
        table.p75,
        color=colour,
        alpha=0.38,
        linewidth=0,
        label=text("band_25_75", lang),
    )
    ax.plot(years, table.p50, color=colour, linewidth=1.8, label=text("median", lang))
    ax.plot(
        result.years,
        result.series[indicator],
        color="black",
        linewidth=1,
        linestyle=(0, (3, 2)),
        label=text("deterministic", lang),
    )


def _target_marker(
    ax: Axes, target: Target, result: ScenarioResult, indicator: str, lang: str
) -> None:
    """The target as a grey bar at its year (levels) or the corridor (average growth)."""
    years = list(map(int, result.years))
    if target.start_year not in years or target.end_year not in years:
        return
    if target.measure == "cagr":
        base = float(result.series[indicator][years.index(target.start_year)])
        span = np.arange(target.start_year, target.end_year + 1)
        t = span - target.start_year
        low, high = (
            None if pct is None else base * (1 + pct / 100) ** t
            for pct in (target.low, target.high)
        )
        label = text("goal", lang)
        if low is None or high is None:  # one-sided: "≥ 3 %/năm" says which side meets it
            label += f" {band_text(target, lang)}"
        # zorder under the fan: the spread must stay visible
        shade_target(ax, span, low, high, label, zorder=0.5)
    elif target.low is None or target.high is None:  # a one-sided level: a point at its bound
        if target.bound is not None:
            label = f"{text('goal', lang)} {band_text(target, lang)}"
            target_point(ax, target.end_year, target.bound, label, size=11)
    else:  # a level: a point, or a band at its year
        upper = target.high if target.high != target.low else None
        if upper is None:
            target_point(ax, target.end_year, target.low, text("goal", lang), size=11)
        else:
            ax.plot(
                [target.end_year] * 2,
                [target.low, upper],
                color="#333333",
                linewidth=5,
                alpha=0.6,
                solid_capstyle="butt",
                label=text("goal", lang),
            )


@with_style
def plot_target_probabilities(
    probabilities: pd.DataFrame,
    results: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    draws: int,
) -> Figure:
    """Horizontal bars: the probability of meeting each target, by scenario."""
    styles = scenario_styles([r.scenario.name for r in results])
    plan_targets = run_plan(results).targets
    targets = [t for t in plan_targets if t.key in set(probabilities.target)]
    fig = new_figure(8.0, 1.4 + 0.42 * len(targets) * max(1, len(results)) ** 0.5)
    ax = fig.add_subplot()
    height = 0.8 / len(results)
    y = np.arange(len(targets))
    for i, result in enumerate(results):
        style = styles[result.scenario.name]
        table = probabilities[probabilities.scenario == result.scenario.name].set_index("target")
        values = [float(table.probability.get(t.key, np.nan)) * 100 for t in targets]
        bars = ax.barh(
            y + (i - (len(results) - 1) / 2) * height,
            values,
            height=height * 0.92,
            color=style["color"],
            label=result.scenario.title(lang),
            hatch=("", "///", "...", "xx", "\\\\", "++", "--")[i % 7],
            edgecolor="white",
        )
        hatched_as_one(bars)
        for bar, value in zip(bars, values, strict=True):
            if np.isfinite(value):
                ax.text(
                    min(value, 100) + 1,
                    bar.get_y() + bar.get_height() / 2,
                    format_pct(value, 0, lang),
                    va="center",
                    fontsize=7,
                )
    ax.set_yticks(y, [wrap(label_text(t, lang), 34) for t in targets], fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlim(0, 112)
    ax.xaxis.set_major_formatter(NumberFormatter(lang, 0, " %"))
    ax.grid(axis="y", visible=False)
    title = (
        f"{text('fig.probabilities', lang)} ({format_number(draws, 0, lang)} {text('draws', lang)})"
    )
    titled_legend(fig, ax, len(results), title)
    footer(fig, lang, run_date)
    return fig


@with_style
def plot_sobol(sobol: pd.DataFrame, result: ScenarioResult, lang: str, run_date: date) -> Figure:
    """Sobol first-order (S1) and total (ST) indices with confidence intervals, one panel per
    output, for one scenario."""
    table = sobol[sobol.scenario == result.scenario.name]
    outputs = list(dict.fromkeys(table.output))
    labels = linked_labels(result)
    peak = table.groupby("parameter", sort=False).ST.max()
    parameters = [p for p in peak.index if not peak[p] < SOBOL_SHOWN_MIN]  # NaN stays shown
    note = _negligible_note([p for p in peak.index if p not in parameters], lang, labels)
    panel_rows = int(np.ceil(len(outputs) / 2))
    panel_in = 0.32 * max(len(parameters), 2)
    note_in = 0.16 * (note.count("\n") + 1) + 0.1 if note else 0.0
    fig = new_figure(8.5, 2.1 + panel_in * panel_rows + note_in)
    axes = _sobol_axes(fig, panel_rows, panel_in, note_in)
    if note:
        axes[-1].text(0, 1, note, ha="left", va="top", fontsize=7, color="#333333")
        axes = axes[:-1]
    y = np.arange(len(parameters))
    for ax, output in zip(axes, outputs, strict=False):
        rows = table[table.output == output].set_index("parameter").reindex(parameters)
        for offset, key, colour, hatch in (
            (-0.2, "S1", "#0072B2", ""),
            (0.2, "ST", "#E69F00", "///"),
        ):
            values = rows[key].to_numpy()
            errors = np.abs(np.vstack([values - rows[f"{key}_low"], rows[f"{key}_high"] - values]))
            bars = ax.barh(
                y + offset,
                values,
                height=0.38,
                color=colour,
                hatch=hatch,
                edgecolor="white",
                xerr=errors,
                error_kw={"elinewidth": 0.8, "capsize": 2, "ecolor": "#333333"},
                label=text(f"sobol_{key}", lang),
            )
            hatched_as_one(bars)
        ax.set_title(wrap(indicator_label(output.split("@")[0], lang, labels), 40), fontsize=8.5)
        ax.set_xlim(-0.05, 1.05)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None))
    axes[0].set_yticks(y, [wrap(parameter_text(p, lang, labels), 36) for p in parameters])
    axes[0].invert_yaxis()
    for ax in axes:
        ax.tick_params(axis="y", labelsize=7)
    for ax in axes[len(outputs) :]:
        ax.set_visible(False)
    titled_legend(fig, axes[0], 2, f"{text('fig.sobol', lang)} – {result.scenario.title(lang)}")
    footer(fig, lang, run_date)
    return fig


def _sobol_axes(fig: Figure, panel_rows: int, panel_in: float, note_in: float) -> list[Axes]:
    """Two columns of panels sharing the parameter axis and, when `note_in` > 0, a last axes
    across the bottom, without frame, for the note (the layout keeps the panels clear of it)."""
    ratios = [panel_in] * panel_rows + ([note_in] if note_in else [])
    grid = fig.add_gridspec(len(ratios), 2, height_ratios=ratios)
    axes: list[Axes] = []
    for row in range(panel_rows):
        for col in range(2):
            ax = fig.add_subplot(grid[row, col], sharey=axes[0] if axes else None)
            ax.tick_params(axis="y", labelleft=col == 0)
            axes.append(ax)
    if note_in:
        note = fig.add_subplot(grid[-1, :])
        note.set_axis_off()
        axes.append(note)
    return axes


def _negligible_note(parameters: Sequence[str], lang: str, labels: dict[str, Bilingual]) -> str:
    """The parameters left out of the Sobol chart, grouped by what they belong to: "Total
    index below 0.01 for every output, not drawn: Retail sales: growth, growth in 2021; ..."."""
    if not parameters:
        return ""
    groups: dict[str, list[str]] = {}
    for path in parameters:  # "Bán lẻ: tăng trưởng" under "Bán lẻ"; one of no owner alone
        who, _, what = parameter_text(path, lang, labels).partition(": ")
        groups.setdefault(who, []).extend([what] if what else [])
    listed = "; ".join(
        f"{who}: {', '.join(whats)}" if whats else who for who, whats in groups.items()
    )
    head = text("sobol_negligible", lang).format(threshold=format_number(SOBOL_SHOWN_MIN, 2, lang))
    words = f"{head}: {listed}.".split()
    return "\n".join(prose_lines(words, [len(w) for w in words], 125, 1))  # (prose)


def _panel_grid(fig: Figure, n: int):
    rows = int(np.ceil(n / 2))
    axes = fig.subplots(rows, 2 if n > 1 else 1, squeeze=False).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


@with_style
def plot_tornado(
    tornado: pd.DataFrame, result: ScenarioResult, lang: str, run_date: date
) -> Figure:
    """Tornado, one panel per end-year output: the output with each parameter in turn at its
    low and high end, around the scenario's own value; widest swing on top. Parameters that do
    not move an output are left out of its panel.

    tornado columns: scenario, output, unit, parameter, low_value, high_value, output_low,
    output_base, output_high, swing.
    """
    table = tornado[(tornado.scenario == result.scenario.name) & (tornado.swing > 0)]
    outputs = list(dict.fromkeys(table.output))
    labels = linked_labels(result)
    longest = max((int((table.output == o).sum()) for o in outputs), default=1)
    fig = new_figure(11.0, 1.6 + 0.34 * longest * int(np.ceil(len(outputs) / 2)))
    for ax, output in zip(_panel_grid(fig, len(outputs)), outputs, strict=True):
        rows = table[table.output == output].sort_values("swing")
        base = float(rows.output_base.iloc[0])
        y = np.arange(len(rows))
        low = ax.barh(
            y,
            rows.output_low - base,
            left=base,
            color="#D55E00",
            hatch="///",
            edgecolor="white",
            label=text("param_low", lang),
        )
        hatched_as_one(low)
        ax.barh(
            y,
            rows.output_high - base,
            left=base,
            color="#0072B2",
            edgecolor="white",
            label=text("param_high", lang),
        )
        ax.axvline(base, color="black", linewidth=1)
        _pad_around(ax, [base, *rows.output_low, *rows.output_high])
        names = [
            f"{wrap(parameter_text(p, lang, labels), 34)} "
            f"[{format_number(lo, 2, lang)}–{format_number(hi, 2, lang)}]"
            for p, lo, hi in zip(rows.parameter, rows.low_value, rows.high_value, strict=True)
        ]
        ax.set_yticks(y, names, fontsize=7)
        ax.grid(axis="y", visible=False)
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.tick_params(axis="x", labelsize=7)
        unit = str(rows.unit.iloc[0])
        ax.set_title(wrap(header_label(output, unit, lang, labels), 40), fontsize=8.5)
    title = f"{text('fig.tornado', lang)} – {result.scenario.title(lang)}"
    titled_legend(fig, fig.axes[0], 2, title)
    footer(fig, lang, run_date)
    return fig


def _pad_around(ax: Axes, values: Sequence[float]) -> None:
    """x limits with room either side of `values`: a bar that ends at the scenario's own value
    (a parameter already at the end of its range) must not look cut at the panel's edge."""
    low, high = min(values), max(values)
    pad = 0.08 * (high - low) or 0.05 * max(abs(high), 1.0)
    ax.set_xlim(low - pad, high + pad)


SPIDER_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
SPIDER_LINESTYLES = ("-", "--", "-.", ":")
SPIDER_MARKERS = ("o", "s", "^", "D", "v", "X")


def spider_style(i: int) -> tuple[str, str | tuple, str]:
    """(colour, linestyle, marker) of the i-th parameter of a spider chart. The three cycles
    have lengths 7, 4 and 6, so any two of the first twelve parameters differ in at least two
    of the three (lines that lie on top of each other stay apart by their markers)."""
    return (
        SPIDER_COLOURS[i % len(SPIDER_COLOURS)],
        SPIDER_LINESTYLES[i % len(SPIDER_LINESTYLES)],
        SPIDER_MARKERS[i % len(SPIDER_MARKERS)],
    )


@with_style
def plot_spider(spider: pd.DataFrame, result: ScenarioResult, lang: str, run_date: date) -> Figure:
    """Spider, one panel per end-year output: the output as each parameter moves by -k..+k
    points from the scenario's value.

    spider columns: scenario, output, unit, parameter, delta, value.
    """
    table = spider[spider.scenario == result.scenario.name]
    outputs = list(dict.fromkeys(table.output))
    labels = linked_labels(result)
    fig = new_figure(11.0, 1.8 + 2.9 * int(np.ceil(len(outputs) / 2)))
    parameters = list(dict.fromkeys(table.parameter))
    style = {p: spider_style(i) for i, p in enumerate(parameters)}
    # markers every other point, alternately placed: lines that lie on top of each other (two
    # parameters with the same effect) still show their own markers
    every = {p: (i % 2, 2) for i, p in enumerate(parameters)}
    for ax, output in zip(_panel_grid(fig, len(outputs)), outputs, strict=True):
        rows = table[table.output == output]
        for parameter, points in rows.groupby("parameter", sort=False):
            if np.ptp(points.value.to_numpy()) == 0:
                continue  # this parameter does not move this output
            points = points.sort_values("delta")
            colour, dash, marker = style[parameter]
            ax.plot(
                points.delta,
                points.value,
                color=colour,
                linestyle=dash,
                marker=marker,
                markevery=every[parameter],
                markersize=5,
                markerfacecolor="white" if dash != "-" else colour,
                label=wrap(parameter_text(parameter, lang, labels), 30),
            )
        ax.axvline(0, color="#555555", linewidth=0.8)
        unit = str(rows.unit.iloc[0])
        ax.set_title(wrap(header_label(output, unit, lang, labels), 40), fontsize=8.5)
        ax.set_xlabel(text("spider_x", lang), fontsize=7.5)
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.tick_params(labelsize=7)
    handles, names = legend_entries(fig.axes)
    title = f"{text('fig.spider', lang)} – {result.scenario.title(lang)}"
    legend_above(fig, handles, names, 3, title, fontsize=7)
    footer(fig, lang, run_date)
    return fig


_BUDGET = ("budget_concept", "budget_revenue")


def _contours(result: ScenarioResult, indicators: tuple[str, ...], measure: str) -> list[float]:
    """The contour levels of a grid panel: the plan's target band on that measure (its "about"
    figure, or its low and high ends); none without such a target."""
    target = find_target(result.scenario.plan.targets, indicators, measure)
    if target is None:
        return []
    if target.approximate and target.figure is not None:
        return [target.figure]
    return sorted({v for v in (target.low, target.high) if v is not None})


def _heat_map(ax: Axes, xs: np.ndarray, ys: np.ndarray, z: np.ndarray, cmap: str) -> ScalarMappable:
    """z (rows: ys, columns: xs) as cells of colour, each centred on its point: one picture
    where the points are evenly spaced (the grid's default), else one patch per cell.

    As patches, the 41 x 41 cells of the default grid were 1,681 paths per panel in the PDF,
    more than half the time to draw the chart; the picture (resampled to the figure's
    resolution, nearest cell) looks the same. (In an SVG, asked for with --formats, the heat
    map is that picture too, not cells to edit one by one.)"""
    dx, dy = _even_step(xs), _even_step(ys)
    if dx is None or dy is None:
        return ax.pcolormesh(xs, ys, z, shading="nearest", cmap=cmap)
    extent = (xs[0] - dx / 2, xs[-1] + dx / 2, ys[0] - dy / 2, ys[-1] + dy / 2)
    return ax.imshow(
        z, origin="lower", aspect="auto", extent=extent, cmap=cmap, interpolation="nearest"
    )


def _even_step(values: np.ndarray) -> float | None:
    """The step between sorted `values` if they are evenly spaced (two or more), else None."""
    if len(values) < 2:
        return None
    steps = np.diff(values)
    step = float(values[-1] - values[0]) / (len(values) - 1)
    return step if step > 0 and np.allclose(steps, step, rtol=1e-6, atol=0) else None


@with_style
def plot_grid(grid: pd.DataFrame, result: ScenarioResult, lang: str, run_date: date) -> Figure:
    """Heat maps over services growth x industry growth: the total's average growth with the
    contours of the plan's band for it (14 % and 15 %), and the end-year budget with the contour
    of the plan's level target for it (600 billion).

    grid columns: scenario, services_growth_pct, industry_growth_pct, total_cagr_pct, budget_end.
    """
    grid = grid[grid.scenario == result.scenario.name]
    xs = np.sort(grid.services_growth_pct.unique())
    ys = np.sort(grid.industry_growth_pct.unique())
    table = grid.set_index(["industry_growth_pct", "services_growth_pct"])
    fig = new_figure(9.0, 4.4)
    axes = fig.subplots(1, 2)
    panels = (
        ("total_cagr_pct", _contours(result, ("output.total",), "cagr"), "%/yr", "viridis"),
        ("budget_end", _contours(result, _BUDGET, "level"), "billion VND", "cividis"),
    )
    for ax, (column, levels, unit, cmap) in zip(axes, panels, strict=True):
        z = table[column].unstack("services_growth_pct").reindex(index=ys, columns=xs).to_numpy()
        mesh = _heat_map(ax, xs, ys, z, cmap)
        bar = fig.colorbar(mesh, ax=ax, format=NumberFormatter(lang, None))
        bar.set_label(unit_text(unit, lang), fontsize=7.5)
        if levels:
            contours = ax.contour(xs, ys, z, levels=levels, colors="white", linewidths=1.6)
            ax.clabel(contours, fmt=NumberFormatter(lang, None), fontsize=7.5)  # 7,5 not 8
        ax.plot(
            result.scenario.sectors["services"].growth_pct,
            result.scenario.sectors["industry"].growth_pct,
            marker="X",
            color="#D55E00",
            markersize=10,
            markeredgecolor="white",
            linestyle="none",
            label=text("scenario_point", lang),
        )
        ax.set_xlabel(f"{text('services', lang)} ({unit_text('%/yr', lang)})")
        ax.set_ylabel(f"{text('industry', lang)} ({unit_text('%/yr', lang)})")
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.grid(False)
        name = "cagr.total" if column == "total_cagr_pct" else "budget_revenue"
        ax.set_title(wrap(indicator_label(name, lang, linked_labels(result)), 40), fontsize=9)
    titled_legend(fig, axes[0], 1, f"{text('fig.grid', lang)} – {result.scenario.title(lang)}")
    footer(fig, lang, run_date)
    return fig
