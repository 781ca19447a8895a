"""The congress chart pack: plot functions that take data and return a matplotlib Figure.

Plot functions never save or show; `sim.output.charts.pack` saves. Figures are built with
`matplotlib.figure.Figure` (no pyplot global state) under a local rc context (no global style).
All words come from `sim.output.i18n`; style, colours and the figure frame from `sim.output.charts.base`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, TypeGuard

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.core import names
from sim.core.targets import EVALUATED, ScoreRow, Target, find_target
from sim.output.charts.base import (
    BAND_ALPHA,
    BAND_COLOUR,
    EXCEEDED_COLOUR,
    MET_COLOUR,
    MISSED_COLOUR,
    SECTOR_COLOURS,
    SECTOR_HATCHES,
    NumberFormatter,
    band_bounds,
    cell_label,
    figure_and_axes,
    footer,
    hatched_as_one,
    legend_above,
    legend_columns,
    legend_entries,
    line,
    new_figure,
    scenario_styles,
    separate_labels,
    shade_target,
    table_figure,
    target_point,
    titled_legend,
    with_style,
    year_axis,
)
from sim.output.i18n import band_text, format_number, format_signed, label_text, text, unit_text
from sim.output.linebreak import wrap
from sim.run import ScenarioResult, run_plan

__all__ = [
    "plot_output_index",
    "plot_sector_output",
    "plot_sector_shares",
    "plot_sector_growth",
    "plot_income",
    "plot_budget",
    "plot_end_year_comparison",
    "plot_scorecard_table",
    "targets_in_horizon",
]


def _corridor(
    ax: Axes,
    base_level: float,
    base_year: int,
    end_year: int,
    target: Target,
    years: np.ndarray,
    label: str,
) -> None:
    """Shade the levels reached from `base_level` at the target's low..high growth (a
    one-sided target: its one path, and the side of it that meets the target)."""
    stop = min(target.end_year, int(years[-1]))
    span = np.arange(base_year, stop + 1)
    if len(span) < 2:
        return
    t = span - base_year
    low, high = (
        None if pct is None else base_level * (1 + pct / 100) ** t
        for pct in (target.low, target.high)
    )
    shade_target(ax, span, low, high, label)


def _applicable(target: Target | None, results: Sequence[ScenarioResult]) -> TypeGuard[Target]:
    """A target band is drawn only when the plan has the target and the scenarios start in its
    first year."""
    return target is not None and all(r.scenario.base_year == target.start_year for r in results)


def _plan_target(
    results: Sequence[ScenarioResult], indicators: tuple[str, ...], measure: str
) -> Target | None:
    """The run's plan's target on one of `indicators` with `measure`, or None."""
    return find_target(run_plan(results).targets, indicators, measure)


def _band_words(target: Target, lang: str) -> str:
    """ "14-15": a target's low and high, whole numbers; a one-sided target's "≥ 7,5"."""
    if target.low is None or target.high is None:
        return band_text(target, lang, with_unit=False)
    return f"{format_number(target.low, 0, lang)}-{format_number(target.high, 0, lang)}"


END_LABEL = "end_value"
"""The gid of a line's end-year value label (`_end_value`), which `separate_labels` spaces."""


def _end_value(
    ax: Axes, result: ScenarioResult, name: str, decimals: int, colour: str, lang: str, gap: int
) -> None:
    """The end-year value of series `name` written just right of its line (gap: points)."""
    end = result.series[name][-1]
    ax.annotate(
        format_number(end, decimals, lang),
        (result.years[-1], end),
        xytext=(gap, 0),
        textcoords="offset points",
        va="center",
        fontsize=7.5,
        color=colour,
        gid=END_LABEL,
    )


# ----------------------------------------------------------------------------- 1. output index


@with_style
def plot_output_index(
    results: Sequence[ScenarioResult], lang: str, run_date: date, ax: Axes | None = None
) -> Figure:
    """Total production value by scenario, base year to end year, with the 14-15 %/yr corridor."""
    fig, ax = figure_and_axes(ax, 7.5, 4.6)
    styles = scenario_styles([r.scenario.name for r in results])
    first = results[0]
    years = first.years
    target = _plan_target(results, ("output.total",), "cagr")
    if _applicable(target, results):
        _corridor(
            ax,
            float(first.series["output.total"][0]),
            first.scenario.base_year,
            first.scenario.end_year,
            target,
            years,
            text("target_corridor", lang).format(band=_band_words(target, lang)),
        )
    for r in results:
        style = styles[r.scenario.name]
        line(ax, r.years, r.series["output.total"], style, r.scenario.title(lang))
        _end_value(ax, r, "output.total", 1, style["color"], lang, gap=4)
    separate_labels(ax, END_LABEL)
    year_axis(ax, years)
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.9)
    ax.yaxis.set_major_formatter(NumberFormatter(lang))
    ax.set_ylabel(unit_text(first.scenario.output_unit, lang))
    ax.set_xlabel(text("year", lang))
    ax.set_title(text("fig.output_index", lang))
    ax.legend(loc="upper left")
    footer(fig, lang, run_date)
    return fig


# ----------------------------------------------------------------------------- 2. sectors


@with_style
def plot_sector_output(results: Sequence[ScenarioResult], lang: str, run_date: date) -> Figure:
    """Stacked production value by sector and year, one panel per scenario (shared scale)."""
    n = len(results)
    fig = new_figure(max(7.5, 3.0 * n), 4.4)
    axes = fig.subplots(1, n, sharey=True, squeeze=False)[0]
    for ax, r in zip(axes, results, strict=True):
        bottom = np.zeros(len(r.years))
        for block in _blocks(r):
            values = r.series[names.output(block)]
            bars = ax.bar(
                r.years,
                values,
                bottom=bottom,
                width=0.7,
                color=SECTOR_COLOURS[block],
                hatch=SECTOR_HATCHES[block],
                edgecolor="white",
                linewidth=0.4,
                label=text(block, lang),
            )
            hatched_as_one(bars)
            bottom = bottom + values
        ax.set_title(wrap(r.scenario.title(lang), 26))  # a what-if mark lengthens it
        year_axis(ax, r.years)
        ax.set_xlim(r.years[0] - 0.55, r.years[-1] + 0.55)
        ax.grid(axis="x", visible=False)
        ax.yaxis.set_major_formatter(NumberFormatter(lang))
    axes[0].set_ylabel(unit_text(results[0].scenario.output_unit, lang))
    titled_legend(fig, axes[0], 4, text("fig.sector_output", lang))
    footer(fig, lang, run_date)
    return fig


def _blocks(result: ScenarioResult) -> list[str]:
    return [b for b in names.BLOCKS if names.output(b) in result.series]


@with_style
def plot_sector_shares(
    results: Sequence[ScenarioResult], lang: str, run_date: date, ax: Axes | None = None
) -> Figure:
    """100 % bars of sector shares: the base year once, then the end year of each scenario."""
    fig, ax = figure_and_axes(ax, 7.5, 1.2 + 0.75 * (len(results) + 1))
    first = results[0]
    rows = [(text("base_year_bar", lang).format(year=first.scenario.base_year), first, 0)]
    rows += [
        (
            text("end_year_bar", lang).format(
                year=r.scenario.end_year, scenario=r.scenario.title(lang)
            ),
            r,
            -1,
        )
        for r in results
    ]
    blocks = _blocks(first)
    bars: dict[str, list[Patch]] = {block: [] for block in blocks}
    for y, (_label, r, col) in enumerate(rows):
        left = 0.0
        outside = 0  # the shares too narrow to hold their number, labelled beside the bar
        for block in blocks:
            share = float(r.series[names.share(block)][col])
            bars[block] += ax.barh(
                y,
                share,
                left=left,
                height=SHARE_BAR,
                color=SECTOR_COLOURS[block],
                hatch=SECTOR_HATCHES[block],
                edgecolor="white",
                linewidth=0.4,
                label=text(block, lang) if y == 0 else None,
            )
            if share >= 4.0:
                ax.text(
                    left + share / 2,
                    y,
                    format_number(share, 1, lang),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if block == "services" else "black",
                    bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75}
                    if block != "services"
                    else None,
                    gid=f"share.{block}",
                )
            elif round(share, 1) > 0:
                _small_share(ax, left + share / 2, y, share, block, outside, lang)
                outside += 1
            left += share
    for block in blocks:
        hatched_as_one(bars[block])
    ax.set_yticks(range(len(rows)), [label for label, _r, _c in rows])
    ax.set_ylim(-0.5 - SHARE_ROOM, len(rows) - 0.5 + SHARE_ROOM)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(NumberFormatter(lang, 0, " %"))
    ax.grid(axis="y", visible=False)
    titled_legend(fig, ax, len(blocks), text("fig.sector_shares", lang))
    footer(fig, lang, run_date)
    return fig


SHARE_BAR = 0.62
"""The height of a bar of the shares chart, in rows."""

SHARE_ROOM = 0.2
"""Rows added above the first bar and below the last for the labels of narrow shares."""


def _small_share(ax: Axes, x: float, y: int, share: float, block: str, k: int, lang: str) -> None:
    """The number of a share too narrow to hold it (agriculture's 2.6 % in 2030), just outside
    its bar: the first of a row above the bar, the next below, and so on, so that two narrow
    neighbours (agriculture and the other block) do not write over each other."""
    above = k % 2 == 0
    ax.text(
        x,
        y - SHARE_BAR / 2 - 0.03 if above else y + SHARE_BAR / 2 + 0.03,
        format_number(share, 1, lang),
        ha="center",
        va="bottom" if above else "top",  # the y axis runs down: "bottom" sits above the bar
        fontsize=7,
        color="#333333",
        gid=f"share.{block}",
    )


# ----------------------------------------------------------------------------- 3. growth


@with_style
def plot_sector_growth(results: Sequence[ScenarioResult], lang: str, run_date: date) -> Figure:
    """Year-on-year growth of each sector and the total, by scenario, with the target ranges.

    A growth target is an average over its term (14-15 %/yr from 2020 to 2025), not a floor
    for every year: it is drawn once, as a bar beside its end year, with each scenario's average
    growth over the same years on it, so a dip that the later years make up (COVID's 2021) is
    not shown "outside the target", and a term that misses it on average is."""
    fig = new_figure(8.0, 6.0)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    styles = scenario_styles([r.scenario.name for r in results])
    panels = ["services", "industry", "agriculture", "total"]
    years = results[0].years
    for ax, block in zip(axes, panels, strict=True):
        target = _plan_target(results, (names.output(block),), "cagr")
        title = text("output.total", lang) if block == "total" else text(block, lang)
        if _applicable(target, results) and target.end_year <= years[-1]:
            _term_average(ax, target, results, block, styles, lang)
            title += f"\n{text('target_average_title', lang)} {band_text(target, lang)}"
        for r in results:
            line(
                ax,
                r.years[1:],
                r.series[names.growth(block)][1:],
                styles[r.scenario.name],
                r.scenario.title(lang),
            )
        ax.set_title(title)
        year_axis(ax, years[1:])
        ax.set_xlim(years[1] - 0.3, years[-1] + 0.7)  # room for the bar beside the end year
        ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.set_ylabel(unit_text("%/yr", lang))
    handles, labels = legend_entries(axes)
    ncol = legend_columns(labels, fig.get_figwidth(), 3)
    legend_above(fig, handles, labels, ncol, text("fig.sector_growth", lang))
    footer(fig, lang, run_date)
    return fig


AVERAGE_OFFSET = 0.4
"""How far right of its end year a term-average growth target is drawn, in years: beside the
end year's own growth, not on it."""


def _term_average(
    ax: Axes,
    target: Target,
    results: Sequence[ScenarioResult],
    block: str,
    styles: dict[str, dict],
    lang: str,
) -> None:
    """A growth target over its term as what it is, an average: a grey bar (low..high; a floor
    or a ceiling as a thick tick) just right of its end year, and on it each scenario's average
    growth from the term's first year to its end year (hollow, in the scenario's colour)."""
    x = target.end_year + AVERAGE_OFFSET
    period = _periods([target])
    words = text("target_average", lang).format(period=period)
    _average_target(ax, target, x, words)
    hollow: dict[str, Any] = {
        "linestyle": "none",
        "markersize": 6,
        "markerfacecolor": "white",
        "markeredgewidth": 1.5,
    }
    # the legend's key: a hollow mark in no scenario's colour (each scenario's is its own)
    ax.plot(
        [],
        [],
        marker="o",
        color="#333333",
        label=text("scenario_average", lang).format(period=period),
        **hollow,
    )
    for r in results:
        end = list(map(int, r.years)).index(target.end_year)
        style = styles[r.scenario.name]
        average = float(r.series[names.cagr(block)][end])
        ax.plot(
            [x],
            [average],
            marker=style["marker"],
            color=style["color"],
            zorder=4,
            gid="term_average",
            **hollow,
        )


def _average_target(ax: Axes, target: Target, x: float, words: str) -> None:
    """A growth target's low..high as a grey bar at `x`; a floor or a ceiling as a thick tick."""
    if target.low is not None and target.high is not None:
        ax.plot(
            [x, x],
            [target.low, target.high],
            color="#444444",
            linewidth=7,
            alpha=0.45,
            solid_capstyle="butt",
            label=words,
        )
    else:
        bound = float(target.bound or 0.0)
        ax.plot(
            [x],
            [bound],
            marker="_",
            markersize=16,
            markeredgewidth=3,
            color="#444444",
            alpha=0.6,
            linestyle="none",
            label=words,
        )


# ----------------------------------------------------------------------------- 4. income


@with_style
def plot_income(
    results: Sequence[ScenarioResult], lang: str, run_date: date, ax: Axes | None = None
) -> Figure:
    """Per-capita income by scenario against the 55-58 million VND band for 2025."""
    fig, ax = figure_and_axes(ax, 7.5, 4.6)
    styles = scenario_styles([r.scenario.name for r in results])
    results = [r for r in results if "income_per_capita" in r.series]  # colours stay the run's
    target = _plan_target(results, ("income_per_capita",), "level")
    first = results[0]
    if _applicable(target, results) and target.end_year <= first.years[-1]:
        _income_band(ax, float(first.series["income_per_capita"][0]), target, lang)
    for r in results:
        style = styles[r.scenario.name]
        line(ax, r.years, r.series["income_per_capita"], style, r.scenario.title(lang))
        _end_value(ax, r, "income_per_capita", 1, style["color"], lang, gap=6)
    separate_labels(ax, END_LABEL)
    year_axis(ax, first.years)
    ax.set_xlim(first.years[0] - 0.3, first.years[-1] + 0.9)
    ax.yaxis.set_major_formatter(NumberFormatter(lang))
    unit = first.scenario.indicators["income_per_capita"].unit
    ax.set_ylabel(unit_text(unit, lang))
    ax.set_xlabel(text("year", lang))
    ax.set_title(text("fig.income", lang))
    ax.legend(loc="upper left")
    footer(fig, lang, run_date)
    return fig


def _income_band(ax: Axes, base: float, target: Target, lang: str) -> None:
    """The levels that reach the target's low..high in its end year at a steady rate from the
    base-year income, shaded, and the band itself as a bar at the end year (a one-sided
    target: the path to its one end, the side that meets it shaded)."""
    span = np.arange(target.start_year, target.end_year + 1)
    t = span - target.start_year
    n = target.end_year - target.start_year
    low, high = (
        None if end is None else base * (end / base) ** (t / n) for end in (target.low, target.high)
    )
    band = f"{_band_words(target, lang)} {unit_text(target.unit, lang)}"
    shade_target(ax, span, low, high, text("target_band", lang).format(band=band))
    if target.low is None or target.high is None:
        return
    low_end, high_end = target.low, target.high
    ax.plot(
        [target.end_year] * 2,
        [low_end, high_end],
        color="#444444",
        linewidth=5,
        solid_capstyle="butt",
        alpha=0.6,
    )


# ----------------------------------------------------------------------------- 5. budget


BUDGET_UNIT = "billion VND"
"""The unit of the budget targets, in which the budget chart is drawn."""


@with_style
def plot_budget(results: Sequence[ScenarioResult], lang: str, run_date: date) -> Figure:
    """Budget revenue excl. land-use fees with the plan's growth corridor and level target (in the
    bundled plan 13-15 %/yr and 'about 600' in 2025);
    land-use fee revenue in its own panel below, when a scenario has it."""
    styles = scenario_styles([r.scenario.name for r in results])
    results = [r for r in results if "budget_revenue" in r.series]  # colours stay the run's
    land = any("land_use_revenue" in r.series for r in results)
    if land:
        fig = new_figure(7.5, 6.2)
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1.3))
    else:  # no land-use fees in any scenario: no empty panel for them
        fig, top = figure_and_axes(None, 7.5, 4.6)
        bottom = top
    first = results[0]
    years = first.years
    _budget_targets(top, results, lang)
    for r in results:
        style = styles[r.scenario.name]
        line(top, r.years, r.series["budget_revenue"], style, r.scenario.title(lang))
        _end_value(top, r, "budget_revenue", 0, style["color"], lang, gap=6)
        if "land_use_revenue" in r.series:
            line(bottom, r.years, r.series["land_use_revenue"], style, r.scenario.title(lang))
    separate_labels(top, END_LABEL)
    indicators = first.scenario.indicators
    top.set_title(label_text(indicators["budget_revenue"], lang))
    if land:
        _land_use_target(bottom, results, lang)
        land_use = indicators.get("land_use_revenue")
        bottom.set_title("" if land_use is None else label_text(land_use, lang), fontsize=9)
    for ax in dict.fromkeys((top, bottom)):  # (one panel: the same axes twice)
        ax.yaxis.set_major_formatter(NumberFormatter(lang))
        ax.set_ylabel(unit_text(BUDGET_UNIT, lang))
    year_axis(bottom, years)
    bottom.set_xlim(years[0] - 0.3, years[-1] + 0.9)
    bottom.set_xlabel(text("year", lang))
    top.legend(loc="upper left")
    footer(fig, lang, run_date)
    return fig


def _budget_targets(ax: Axes, results: Sequence[ScenarioResult], lang: str) -> None:
    """The plan's budget growth corridor from the base-year budget, and its level target (an
    'about' figure) as a star in its year."""
    budget = ("budget_concept", "budget_revenue")
    growth_target = _plan_target(results, budget, "cagr")
    level_target = _plan_target(results, budget, "level")
    first = results[0]
    if _applicable(growth_target, results):
        _corridor(
            ax,
            float(first.series["budget_revenue"][0]),
            first.scenario.base_year,
            first.scenario.end_year,
            growth_target,
            first.years,
            text("target_corridor", lang).format(band=_band_words(growth_target, lang)),
        )
    if _applicable(level_target, results):
        _about_star(ax, results, level_target, lang)


def _about_star(ax: Axes, results: Sequence[ScenarioResult], target: Target, lang: str) -> None:
    """The level target ("about 600 billion") as a star in its year, with its tolerance as a
    bar when the plan gives one; a band as a bar, a one-sided level ("≥ 200") a star at it."""
    if target.end_year > results[0].years[-1]:
        return
    if not target.approximate:
        _level_mark(ax, target, lang)
        return
    level = target.figure
    if level is None:
        return
    if target.tolerance_pct:
        ax.plot([target.end_year] * 2, band_bounds(target), color="#444444", linewidth=2)
    # the band as the scorecard says it: "≈ 600 tỷ đồng, tính đạt từ 600", "≈ 150 tỷ đồng ± 3 %"
    target_point(ax, target.end_year, level, f"{text('goal', lang)} {band_text(target, lang)}")


def _level_mark(ax: Axes, target: Target, lang: str) -> None:
    """A level target that is not an "about" figure, in its year: its band as a bar, a
    one-sided one ("≥ 200 tỷ đồng", "≤ 250 tỷ đồng") as a star at its bound."""
    words = text("target_band", lang).format(band=band_text(target, lang))
    if target.low is not None and target.high is not None and target.low != target.high:
        ax.plot(
            [target.end_year] * 2,
            [target.low, target.high],
            color="#444444",
            linewidth=5,
            solid_capstyle="butt",
            alpha=0.6,
            label=words,
        )
        return
    if target.bound is not None:
        target_point(ax, target.end_year, target.bound, words)


def _land_use_target(ax: Axes, results: Sequence[ScenarioResult], lang: str) -> None:
    """The 'above 80 billion a year' floor (2021-2025) on the land-use panel, shaded on the
    side that meets it, with its own legend, and the panel's scale (room above the highest
    line and the floor)."""
    land_target = _plan_target(results, ("land_use_revenue",), "min_each_year")
    floor = land_target.low if land_target is not None and land_target.low is not None else 0.0
    land_values = [r.series["land_use_revenue"] for r in results if "land_use_revenue" in r.series]
    top = max([floor, *(float(np.max(v)) for v in land_values)]) * 1.35
    if land_values:
        ax.set_ylim(0, top)
    if _applicable(land_target, results):
        stop = min(land_target.end_year, int(results[0].years[-1]))  # for 2021-2025 only
        value = f"{format_number(floor, 0, lang)} {unit_text(BUDGET_UNIT, lang)}"
        label = text("target_floor", lang).format(value=value)
        # the floor and the side that meets it shaded, under the lines: scenarios that sit on
        # the floor hid a line drawn alone
        years = [land_target.start_year + 1, stop]
        shade_target(ax, years, [floor, floor], None, label, zorder=1, reach=2 * top)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(loc="lower right", handles=[handles[labels.index(label)]])


# ----------------------------------------------------------------------------- 6. targets


def _score_value(result: ScenarioResult, target: Target) -> ScoreRow:
    return next(row for row in result.scores if row.target.key == target.key)


def targets_in_horizon(results: Sequence[ScenarioResult]) -> tuple[Target, ...]:
    """The targets that some scenario of the run is checked against: none when the run's years
    hold no target's years (a 2025-2030 run against the 2020-2025 targets)."""
    targets = run_plan(results).targets
    return tuple(t for t in targets if any(_score_value(r, t).evaluated for r in results))


def _values_of(targets: Sequence[Target], lang: str) -> str:
    """What the targets' values are, by how they are measured: "bình quân 2021-2025; năm 2025;
    từng năm" (average growth over the term, an end-year level, each year's value). "Values of
    2025" read as if every row were a 2025 figure, where most are averages."""
    parts = []
    averages = [t for t in targets if t.measure == "cagr"]
    if averages:
        parts.append(text("values.cagr", lang).format(period=_periods(averages)))
    levels = sorted({t.end_year for t in targets if t.measure == "level"})
    if levels:
        parts.append(text("values.level", lang).format(year=", ".join(map(str, levels))))
    if any(t.measure == "min_each_year" for t in targets):
        parts.append(text("values.each_year", lang))
    return "; ".join(parts)


def _pairs(
    results: Sequence[ScenarioResult], rebased: Sequence[ScenarioResult]
) -> list[tuple[ScenarioResult, ScenarioResult | None]]:
    """Each scenario's plan with its re-baselined result (None in a run without --actuals)."""
    if not rebased:
        return [(r, None) for r in results]
    return list(zip(results, rebased, strict=True))


@with_style
def plot_end_year_comparison(
    results: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    rebased: Sequence[ScenarioResult] = (),
    source: str = "",
) -> Figure:
    """One small panel per target checked in the run: the band shaded, each scenario's value a
    marker (with --actuals: the plan hollow, the re-baselined result filled beside it; the
    footer names the actuals' source, `source`)."""
    targets = targets_in_horizon(results)
    cols = min(5, max(1, len(targets)))
    rows = int(np.ceil(len(targets) / cols)) or 1
    fig = new_figure(9.4, 1.4 + 2.4 * rows)  # (room for a 21-character panel title)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    styles = scenario_styles([r.scenario.name for r in results])
    pairs = _pairs(results, rebased)
    for ax, target in zip(axes, targets, strict=False):
        _target_panel(ax, target, pairs, styles, lang)
    for ax in axes[len(targets) :]:
        ax.set_visible(False)
    handles, labels = legend_entries(axes[: len(targets)])
    title = text("fig.end_year", lang).format(
        period=_periods(targets), values=_values_of(targets, lang)
    )
    ncol = legend_columns(labels, fig.get_figwidth(), len(results))
    legend_above(fig, handles, labels, ncol, title)
    footer(fig, lang, run_date, source)
    return fig


def _periods(targets: Sequence[Target]) -> str:
    """ "2021-2025": the years the targets cover (growth from the year after their start)."""
    spans = sorted({(t.start_year + 1, t.end_year) for t in targets})
    return ", ".join(f"{a}-{b}" for a, b in spans)


def _target_panel(
    ax: Axes,
    target: Target,
    pairs: Sequence[tuple[ScenarioResult, ScenarioResult | None]],
    styles: dict[str, dict],
    lang: str,
) -> None:
    """One target's panel: its band (or line), and a marker per scenario and basis."""
    values = []
    for i, (plan, rebaselined) in enumerate(pairs):
        style = styles[plan.scenario.name]
        title = plan.scenario.title(lang)
        if rebaselined is None:
            values.append(_marker(ax, i, _score_value(plan, target).value, style, title, True))
            continue
        plan_label = f"{title}: {text('plan', lang)}"
        rebased_label = f"{title}: {text('rebaselined', lang)}"
        values.append(
            _marker(ax, i - 0.18, _score_value(plan, target).value, style, plan_label, False)
        )
        values.append(
            _marker(
                ax, i + 0.18, _score_value(rebaselined, target).value, style, rebased_label, True
            )
        )
    finite = np.array([v for v in values if np.isfinite(v)])
    ends = [v for v in (target.low, target.high) if v is not None]
    lo_lim = min([*ends, *finite])
    hi_lim = max([*ends, *finite])
    pad = max((hi_lim - lo_lim) * 0.25, abs(hi_lim) * 0.05, 0.5)
    _panel_band(ax, target, hi_lim - lo_lim + 2 * pad)
    ax.set_ylim(lo_lim - pad, hi_lim + pad)
    ax.set_xlim(-0.6, len(pairs) - 0.4)
    ax.set_xticks(np.arange(len(pairs)), [""] * len(pairs))
    ax.grid(axis="x", visible=False)
    ax.set_title(wrap(label_text(target, lang), 21), fontsize=7.5, fontweight="bold")
    ax.set_ylabel(unit_text(target.unit, lang), fontsize=7)
    ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
    ax.tick_params(axis="y", labelsize=7)


def _panel_band(ax: Axes, target: Target, reach: float) -> None:
    """A target panel's band shaded; a single figure as a dashed line; a one-sided target
    ("≥ 80", "≤ 250") as its bound, dashed, with the side that meets it shaded (`reach`: the
    panel's height, how far the shading goes)."""
    low, high = target.low, target.high
    if low is not None and high is not None and low != high:
        ax.axhspan(low, high, color=BAND_COLOUR, alpha=BAND_ALPHA * 1.5, linewidth=0)
        return
    bound = target.bound
    if bound is None:
        return
    ax.axhline(bound, color="#333333", linewidth=1, linestyle=(0, (4, 2)))
    if low is None or high is None:
        far = bound + reach if low is not None else bound - reach
        ax.axhspan(bound, far, color=BAND_COLOUR, alpha=BAND_ALPHA, linewidth=0)


def _marker(ax: Axes, x: float, value: float, style: dict, label: str, filled: bool) -> float:
    """A scenario's value at `x`: filled (the result shown), or hollow (the plan beside the
    re-baselined result). Nothing for NaN (not projected). Returns `value`."""
    if np.isfinite(value):
        ax.plot(
            x,
            value,
            marker=style["marker"],
            color=style["color"],
            markerfacecolor=style["color"] if filled else "white",
            markeredgewidth=1.6,
            markersize=8,
            linestyle="none",
            label=label,
        )
    return value


@with_style
def plot_scorecard_table(
    results: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    rebased: Sequence[ScenarioResult] = (),
    source: str = "",
) -> Figure:
    """The scorecard as a table: the targets checked in the run down, scenarios across; ✓ met,
    ✓↑ exceeded with the excess, ✗ missed with the gap. With --actuals each target takes two
    rows, the plan and the re-baselined result (a "basis" column says which), so the table
    keeps one column per scenario and prints on an A4 sheet (side by side columns made it
    19 inches wide: 5 pt text on paper). A column's title wraps to at most two lines (a
    what-if's mark makes a title longer: its column widens)."""
    pairs = _pairs(results, rebased)
    n = len(pairs)
    first = [0.31, 0.2] if n <= 3 else [0.24, 0.14]
    limit = 18 if n <= 3 else 22
    titles, chars = _two_line_titles([plan.scenario.title(lang) for plan, _r in pairs], limit)
    plain = max(8.0, 3.0 + 1.7 * n)  # inches; a scenario column is (1 - sum(first)) / n of it
    column = (1 - sum(first)) * plain / n  # widened only for a title longer than two lines
    if chars > limit:
        column = max(column, chars * HEADER_CHAR_IN)
    targets = targets_in_horizon(results)
    bands = max((len(band_text(t, lang)) for t in targets), default=0)
    fixed = [first[0] * plain, max(first[1] * plain, bands * BODY_CHAR_IN + 0.15)]
    fixed += [BASIS_COLUMN_IN] if rebased else []
    width = round(sum(fixed) + n * column, 2)  # whole pixels at 200 dpi: no half to round
    cells, colours = _scorecard_rows(targets, pairs, bool(rebased), lang, fixed[0])
    # A row whose label wraps is taller (its two lines touched the rules); with --actuals a
    # label has its pair of rows.
    units = [
        1.0 if rebased else 1.0 + WRAPPED_LINE_ROWS * max(c.count("\n") for c in row)
        for row in cells
    ]
    # 4.4 inches hold a title, ten rows, the key and the footer; more rows, a taller figure,
    # up to A4 landscape's height inside its margins (taller, it printed at 0.9: 6.8 pt text)
    lines = sum(units) + SCORECARD_EXTRA_ROWS
    height = round(4.4 * lines / SCORECARD_LINES, 2)
    if SCORECARD_MAX_IN / lines >= SCORECARD_LINE_MIN_IN:  # (more rows: no cap, rows keep room)
        height = min(height, SCORECARD_MAX_IN)
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    row_height = ROW_HEIGHT * SCORECARD_LINES / lines
    header = [text("target", lang), text("band", lang)]
    header += [text("basis", lang)] if rebased else []
    table = table_figure(
        ax,
        cells,
        header + titles,
        colours,
        [w / width for w in fixed] + [column / width] * n,
        row_height=row_height,
        row_units=units,
    )
    if rebased:
        _pair_rows(table, len(targets))
    ax.set_title(f"{text('fig.scorecard', lang)} ({_values_of(targets, lang)})")
    _status_legend(ax, 1 - row_height * (sum(units) + 1.25) - 0.04, lang)
    footer(fig, lang, run_date, source)
    return fig


def _scorecard_rows(
    targets: Sequence[Target],
    pairs: Sequence[tuple[ScenarioResult, ScenarioResult | None]],
    rebased: bool,
    lang: str,
    label_in: float,
) -> tuple[list[list[str]], list[list[str]]]:
    """The scorecard's body: (cells, colours), a row per target, or with `rebased` two (the
    plan, then the re-baselined result, the target's label and band on the first); a label
    wraps to its column, `label_in` inches wide."""
    bases = ["plan", "rebaselined"] if rebased else [""]
    cells, colours = [], []
    for target in targets:
        for k, basis in enumerate(bases):
            row = (
                [cell_label(label_text(target, lang), label_in), band_text(target, lang)]
                if k == 0
                else ["", ""]
            )
            row += [text(basis, lang)] if basis else []
            row_colours = ["white"] * len(row)
            for plan, rebaselined in pairs:
                shown = rebaselined if basis == "rebaselined" else plan
                cell, colour = (
                    ("–", "white")
                    if shown is None
                    else _score_cell(_score_value(shown, target), lang)
                )
                row.append(cell)
                row_colours.append(colour)
            cells.append(row)
            colours.append(row_colours)
    return cells, colours


BODY_CHAR_IN = 0.058
"""Width of a character of the scorecard's body text, inches: the band column widens for a band
written longer than its share of the table ("≈ 150 tỷ đồng ± 2 %")."""

BASIS_COLUMN_IN = 1.45
"""Width of the scorecard's basis column ("cập nhật theo thực tế"), inches."""

SCORECARD_EXTRA_ROWS = 2.75
"""Rows' worth of the scorecard's axes taken by the header (1.25) and the key under it (1.5)."""

SCORECARD_MAX_IN = 7.0
"""The scorecard's greatest height: A4 landscape inside its margins is 7.09 in high; kept
while a row still has SCORECARD_LINE_MIN_IN (beyond, the table grows and prints smaller)."""
SCORECARD_LINE_MIN_IN = 0.3
"""The least height of a scorecard row's unit of the figure, inches (the bundled plan with
--actuals: 0.31; at 0.17 the text ran over its rules)."""

SCORECARD_LINES = 10 + SCORECARD_EXTRA_ROWS
"""The rows of a 4.4-inch scorecard: ten targets (the bundled plan), header and key."""


def _pair_rows(table, targets: int) -> None:
    """Join each target's two rows (plan, re-baselined) in its label and band columns: no rule
    between them, the label on the first; a label of two lines hangs from the first row's
    middle into the second (centred on one row, it ran over the rule above)."""
    for k in range(targets):
        top, bottom = 1 + 2 * k, 2 + 2 * k
        for col in (0, 1):
            table[top, col].visible_edges = "LTR"
            table[bottom, col].visible_edges = "LBR"
        label = table[top, 0].get_text()
        if "\n" in label.get_text():
            label.set_verticalalignment("top")


HEADER_CHAR_IN = 0.075
"""Width of a character of the table's bold header (7.5 pt), with the cell's padding, inches."""


def _two_line_titles(titles: Sequence[str], chars: int = 18) -> tuple[list[str], int]:
    """The titles wrapped to at most two lines each, and the line length that takes: 18
    characters, or more for a long title (a what-if's mark makes a title longer)."""
    while any(len(wrap(t, chars).splitlines()) > 2 for t in titles):
        chars += 1
    return [wrap(t, chars) for t in titles], chars


STATUS_MARKS = {"met": "✓", "exceeded": "✓↑", "missed": "✗"}
STATUS_COLOURS = {"met": MET_COLOUR, "exceeded": EXCEEDED_COLOUR, "missed": MISSED_COLOUR}


def _score_cell(score: ScoreRow, lang: str) -> tuple[str, str]:
    """A scorecard cell's text and colour: "15.28 ✓↑ (+0.28)", "14.78 ✓", "13.29 ✗ (−0.71)"."""
    if score.status not in EVALUATED:
        return text(score.status, lang), "#eeeeee"
    decimals = _decimals(score.target)
    cell = f"{format_number(score.value, decimals, lang)} {STATUS_MARKS[score.status]}"
    if score.status != "met":
        cell += f" ({format_signed(score.gap, decimals, lang)})"
    return cell, STATUS_COLOURS[score.status]


ROW_HEIGHT = 0.08
"""A scorecard row's height, as a fraction of the table's axes."""

WRAPPED_LINE_ROWS = 0.4
"""How much taller a scorecard row is for each line its label wraps onto, in rows."""


def _status_legend(ax: Axes, top: float, lang: str) -> None:
    """What the marks and colours of the scorecard mean, under the table (`top`: its bottom
    edge, a fraction of the axes)."""
    handles = [
        Patch(facecolor=STATUS_COLOURS[s], edgecolor="#bbbbbb", label=text(f"mark.{s}", lang))
        for s in EVALUATED
    ]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, top), ncol=3, fontsize=7.5)


def _decimals(target: Target) -> int:
    return 2 if target.unit == "%/yr" else 1
