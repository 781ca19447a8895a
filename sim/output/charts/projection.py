"""The congress chart pack: plot functions that take data and return a matplotlib Figure.

Plot functions never save or show; `sim.output.charts.pack` saves. Figures are built with
`matplotlib.figure.Figure` (no pyplot global state) under a local rc context (no global style).
All words come from `sim.output.i18n`; style, colours and the figure frame from `sim.output.charts.base`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeGuard

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.core import names
from sim.core.targets import ScoreRow, Target, find_target
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
    figure_and_axes,
    footer,
    legend_entries,
    line,
    new_figure,
    scenario_styles,
    shade_target,
    table_figure,
    target_point,
    titled_legend,
    with_style,
    wrap,
    year_axis,
)
from sim.output.i18n import band_text, format_number, format_signed, label_text, text, unit_text
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
        return band_text(target, lang).removesuffix(" " + unit_text(target.unit, lang))
    return f"{format_number(target.low, 0, lang)}-{format_number(target.high, 0, lang)}"


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
            ax.bar(
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
    for y, (_label, r, col) in enumerate(rows):
        left = 0.0
        for block in blocks:
            share = float(r.series[names.share(block)][col])
            ax.barh(
                y,
                share,
                left=left,
                height=0.62,
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
                )
            left += share
    ax.set_yticks(range(len(rows)), [label for label, _r, _c in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.xaxis.set_major_formatter(NumberFormatter(lang, 0, " %"))
    ax.grid(axis="y", visible=False)
    titled_legend(fig, ax, len(blocks), text("fig.sector_shares", lang))
    footer(fig, lang, run_date)
    return fig


# ----------------------------------------------------------------------------- 3. growth


@with_style
def plot_sector_growth(results: Sequence[ScenarioResult], lang: str, run_date: date) -> Figure:
    """Year-on-year growth of each sector and the total, by scenario, with the target ranges."""
    fig = new_figure(8.0, 6.0)
    axes = fig.subplots(2, 2, sharex=True).ravel()
    styles = scenario_styles([r.scenario.name for r in results])
    panels = ["services", "industry", "agriculture", "total"]
    for ax, block in zip(axes, panels, strict=True):
        target = _plan_target(results, (names.output(block),), "cagr")
        years = results[0].years
        title = text("output.total", lang) if block == "total" else text(block, lang)
        if _applicable(target, results):
            _growth_band(ax, target, int(years[-1]), lang)
            title += f"\n{text('target', lang).lower()} {band_text(target, lang)}"
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
        ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.set_ylabel(unit_text("%/yr", lang))
    titled_legend(fig, axes[0], len(results) + 1, text("fig.sector_growth", lang))
    footer(fig, lang, run_date)
    return fig


def _growth_band(ax: Axes, target: Target, last_year: int, lang: str) -> None:
    """A growth target's low..high shaded over the years it covers only (a 2021-2025 range
    stops at 2025 in a run to 2030): half a year either side of its first and last growth."""
    stop = min(target.end_year, last_year)
    x = [target.start_year + 0.5, stop + 0.5]
    low, high = ([end] * 2 if end is not None else None for end in (target.low, target.high))
    shade_target(ax, x, low, high, text("target_range", lang).format(period=_periods([target])))


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
    value = f"{format_number(level, 0, lang)} {unit_text(BUDGET_UNIT, lang)}"
    if target.tolerance_pct:
        value += f" (± {format_number(target.tolerance_pct, 0, lang)} %)"
        ax.plot([target.end_year] * 2, band_bounds(target), color="#444444", linewidth=2)
    words = text("target_about", lang).format(value=value, band=value)
    target_point(ax, target.end_year, level, words)


def _level_mark(ax: Axes, target: Target, lang: str) -> None:
    """A level target that is not an "about" figure, in its year: its band as a bar, a
    one-sided one ("≥ 200 tỷ đồng", "< 250 tỷ đồng") as a star at its bound."""
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
    bound = target.low if target.low is not None else target.high
    if bound is not None:
        target_point(ax, target.end_year, bound, words)


def _land_use_target(ax: Axes, results: Sequence[ScenarioResult], lang: str) -> None:
    """The 'above 80 billion a year' floor (2021-2025) on the land-use panel, with its own
    legend, and the panel's scale (room above the highest line and the floor)."""
    land_target = _plan_target(results, ("land_use_revenue",), "min_each_year")
    floor = land_target.low if land_target is not None and land_target.low is not None else 0.0
    if _applicable(land_target, results):
        stop = min(land_target.end_year, int(results[0].years[-1]))  # for 2021-2025 only
        value = f"{format_number(floor, 0, lang)} {unit_text(BUDGET_UNIT, lang)}"
        ax.plot(
            [land_target.start_year + 1, stop],
            [floor, floor],
            color="#333333",
            linewidth=1,
            linestyle=(0, (4, 2)),
            label=text("target_floor", lang).format(value=value),
        )
        ax.legend(loc="lower right", handles=ax.get_legend_handles_labels()[0][-1:])
    land_values = [r.series["land_use_revenue"] for r in results if "land_use_revenue" in r.series]
    if land_values:
        peak = max(float(np.max(v)) for v in land_values)
        ax.set_ylim(0, max(peak, floor) * 1.35)


# ----------------------------------------------------------------------------- 6. targets

EVALUATED = ("met", "exceeded", "missed")
"""The statuses of a target checked on a projection (not "outside horizon", "not projected")."""


def _score_value(result: ScenarioResult, target: Target) -> ScoreRow:
    return next(row for row in result.scores if row.target.key == target.key)


def targets_in_horizon(results: Sequence[ScenarioResult]) -> tuple[Target, ...]:
    """The targets that some scenario of the run is checked against: none when the run's years
    hold no target's years (a 2025-2030 run against the 2020-2025 targets)."""
    plan = results[0].scenario.plan if results else None
    targets = plan.targets if plan is not None else ()
    return tuple(t for t in targets if any(_score_value(r, t).status in EVALUATED for r in results))


def _values_of(targets: Sequence[Target], lang: str) -> str:
    """ "values of 2025": the year(s) the targets' values come from (their end years)."""
    years = ", ".join(str(y) for y in sorted({t.end_year for t in targets}))
    return text("values_of", lang).format(year=years)


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
) -> Figure:
    """One small panel per target checked in the run: the band shaded, each scenario's value a
    marker (with --actuals: the plan hollow, the re-baselined result filled beside it)."""
    targets = targets_in_horizon(results)
    cols = min(5, max(1, len(targets)))
    rows = int(np.ceil(len(targets) / cols)) or 1
    fig = new_figure(9.0, 1.4 + 2.4 * rows)
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
    fig.legend(
        handles,
        labels,
        loc="outside upper center",
        ncol=len(results),
        title=title,
        title_fontproperties={"weight": "bold", "size": 11},
    )
    footer(fig, lang, run_date)
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
    ax.set_title(wrap(label_text(target, lang), 18), fontsize=7.5, fontweight="bold")
    ax.set_ylabel(unit_text(target.unit, lang), fontsize=7)
    ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
    ax.tick_params(axis="y", labelsize=7)


def _panel_band(ax: Axes, target: Target, reach: float) -> None:
    """A target panel's band shaded; a single figure as a dashed line; a one-sided target
    ("≥ 80", "< 250") as its bound, dashed, with the side that meets it shaded (`reach`: the
    panel's height, how far the shading goes)."""
    low, high = target.low, target.high
    if low is not None and high is not None and low != high:
        ax.axhspan(low, high, color=BAND_COLOUR, alpha=BAND_ALPHA * 1.5, linewidth=0)
        return
    bound = low if low is not None else high
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
) -> Figure:
    """The scorecard as a table: the targets checked in the run down, scenarios across (with
    --actuals: the plan and the re-baselined result side by side); ✓ met, ✓↑ exceeded with the
    excess, ✗ missed with the gap. A column's title wraps to at most two lines (a what-if's
    mark makes a title longer: its column widens)."""
    pairs = _pairs(results, rebased)
    columns: list[tuple[str, ScenarioResult]] = []
    for plan, rebaselined in pairs:
        if rebaselined is None:
            columns.append((plan.scenario.title(lang), plan))
        else:
            columns.append((f"{plan.scenario.title(lang)}: {text('plan', lang)}", plan))
            columns.append(
                (f"{plan.scenario.title(lang)}: {text('rebaselined', lang)}", rebaselined)
            )
    n = len(columns)
    first = [0.31, 0.2] if n <= 3 else [0.24, 0.14]  # plan and re-baselined: more columns
    titles, chars = _two_line_titles([t for t, _r in columns], 18 if n <= 3 else 22)
    plain = max(8.0, 3.0 + 1.7 * n)  # inches; a scenario column is (1 - sum(first)) / n of it
    column = (1 - sum(first)) * plain / n  # widened only for a title longer than two lines
    if chars > (18 if n <= 3 else 22):
        column = max(column, chars * HEADER_CHAR_IN)
    width = plain + n * column - (1 - sum(first)) * plain
    fig = new_figure(width, 4.4)
    ax = fig.add_subplot()
    header = [text("target", lang), text("band", lang)] + titles
    targets = targets_in_horizon(results)
    cells, colours = [], []
    for target in targets:
        row = [wrap(label_text(target, lang), 40), band_text(target, lang)]
        row_colours = ["white", "white"]
        for _title, r in columns:
            cell, colour = _score_cell(_score_value(r, target), lang)
            row.append(cell)
            row_colours.append(colour)
        cells.append(row)
        colours.append(row_colours)
    widths = [f * plain / width for f in first] + [column / width] * n
    table_figure(ax, cells, header, colours, widths, row_height=ROW_HEIGHT)
    ax.set_title(f"{text('fig.scorecard', lang)} ({_values_of(targets, lang)})")
    _status_legend(ax, 1 - ROW_HEIGHT * (len(cells) + 1.25) - 0.04, lang)
    footer(fig, lang, run_date)
    return fig


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
