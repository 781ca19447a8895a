"""Mid-term tracking charts: plan against actual, and the deviation table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.core.names import SeriesName
from sim.output.charts.base import (
    MET_COLOUR,
    MISSED_COLOUR,
    NumberFormatter,
    cell_label,
    footer,
    legend_above,
    legend_columns,
    legend_entries,
    new_figure,
    scenario_styles,
    table_figure,
    with_style,
    year_axis,
)
from sim.output.i18n import (
    format_number,
    format_signed,
    indicator_label,
    linked_labels,
    text,
    unit_text,
)
from sim.output.linebreak import wrap
from sim.run import ScenarioResult
from sim.scenario.actuals import Actuals

__all__ = ["plot_plan_vs_actual", "plot_deviation_table"]

MAX_PANELS = 6


@with_style
def plot_plan_vs_actual(
    plans: Sequence[ScenarioResult],
    rebased: Sequence[ScenarioResult],
    actuals: Actuals,
    lang: str,
    run_date: date,
    source: str = "",
) -> Figure:
    """One panel per observed indicator: each scenario's plan (thin), its re-baselined path
    (thick) and the observations (black; hollow = estimate); `source`, where the actuals come
    from, in the footer."""
    indicators = list(
        dict.fromkeys(o.indicator for o in actuals.observations if o.indicator in plans[0].series)
    )[:MAX_PANELS]
    cols = min(3, len(indicators))
    rows = int(np.ceil(len(indicators) / cols))
    fig = new_figure(3.2 * cols + 0.6, 2.7 * rows + 1.0)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    styles = scenario_styles([p.scenario.name for p in plans])
    labels = linked_labels(plans[0])
    for ax, name in zip(axes, indicators, strict=False):
        start = 1 if SeriesName.parse(name).is_growth else 0  # growth has no value in the base year
        for plan, reb in zip(plans, rebased, strict=True):
            _plan_and_rebaselined(ax, plan, reb, name, start, styles[plan.scenario.name], lang)
        _observations(ax, actuals, name, lang)
        ax.set_title(wrap(indicator_label(name, lang, labels), 34), fontsize=8.5)
        ax.set_ylabel(unit_text(plans[0].units[name], lang), fontsize=7.5)
        year_axis(ax, plans[0].years[start:])
        ax.yaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.tick_params(labelsize=7)
    for ax in axes[len(indicators) :]:
        ax.set_visible(False)
    handles, names = legend_entries(axes[: len(indicators)])
    ncol = legend_columns(names, fig.get_figwidth(), 4, fontsize=7)
    legend_above(fig, handles, names, ncol, text("fig.plan_vs_actual", lang), fontsize=7)
    footer(fig, lang, run_date, source)
    return fig


def _plan_and_rebaselined(
    ax: Axes,
    plan: ScenarioResult,
    rebased: ScenarioResult,
    name: str,
    start: int,
    style: dict,
    lang: str,
) -> None:
    """A scenario's plan of series `name` (thin) and its re-baselined path (thick), from year
    index `start`."""
    ax.plot(
        plan.years[start:],
        plan.series[name][start:],
        color=style["color"],
        linestyle=style["linestyle"],
        linewidth=0.9,
        alpha=0.55,
        label=f"{plan.scenario.title(lang)}: {text('plan', lang)}",
    )
    ax.plot(
        rebased.years[start:],
        rebased.series[name][start:],
        color=style["color"],
        linestyle=style["linestyle"],
        linewidth=2.0,
        marker=style["marker"],
        markersize=3.5,
        label=f"{plan.scenario.title(lang)}: {text('rebaselined', lang)}",
    )


def _observations(ax: Axes, actuals: Actuals, name: str, lang: str) -> None:
    """The observed values of series `name`: final ones black, estimates hollow."""
    observed = actuals.for_indicator(name)
    for status, face in (("final", "black"), ("estimate", "white")):
        years = [y for y, o in observed.items() if o.status == status]
        values = [observed[y].value for y in years]
        if years:
            ax.plot(
                years,
                values,
                linestyle="none",
                marker="o",
                markersize=7,
                markerfacecolor=face,
                markeredgecolor="black",
                markeredgewidth=1.4,
                zorder=5,
                label=text(f"actual_{status}", lang),
            )


@with_style
def plot_deviation_table(
    deviations: pd.DataFrame,
    plans: Sequence[ScenarioResult],
    lang: str,
    run_date: date,
    source: str = "",
) -> Figure:
    """Observation by observation: the actual value and its deviation from each scenario's plan
    (points for growth rates, % for levels); `source`, where the actuals come from, in the
    footer."""
    labels = linked_labels(plans[0])
    names = [p.scenario.name for p in plans]
    keys = deviations[["indicator", "year", "actual", "status"]].drop_duplicates(
        ["indicator", "year"]
    )
    cells, colours = [], []
    for indicator, year, actual, status in keys.itertuples(index=False, name=None):
        is_growth = SeriesName.parse(indicator).is_growth
        mark = "" if status == "final" else f" ({text('estimate', lang)})"
        line = [
            indicator_label(indicator, lang, labels),  # (wrapped to its cell below)
            unit_text(plans[0].units.get(indicator, ""), lang),  # (the actuals mix units)
            str(year),
            f"{format_number(actual, 1, lang)}{mark}",
        ]
        line_colours = ["white"] * 4
        for name in names:
            match = deviations[
                (deviations.scenario == name)
                & (deviations.indicator == indicator)
                & (deviations.year == year)
            ]
            if match.empty:
                line.append("–")
                line_colours.append("white")
                continue
            value = float(match.deviation.iloc[0] if is_growth else match.deviation_pct.iloc[0])
            unit = text("points", lang) if is_growth else "%"
            shown = format_number(abs(value), 1, lang)
            on_plan = shown.strip("0,.") == ""  # shows as zero: no sign, and no colour
            if not on_plan:
                shown = format_signed(value, 1, lang)
            line.append(f"{shown} {unit}")
            line_colours.append(_deviation_colour(value, on_plan))
        cells.append(line)
        colours.append(line_colours)
    width = max(9.0, 6.0 + 1.6 * len(names))
    widths = [0.27, 0.13, 0.06, 0.12] + [0.42 / len(names)] * len(names)
    column = widths[0] * width * 0.97  # (inches: the axes' margins taken off)
    for line in cells:  # a label too long for its cell wraps ("...: Công nghiệp - xây dựng")
        line[0] = cell_label(line[0], column)
    height = 1.5 + 0.3 * (len(cells) + 1.5)  # and a line for the colour key
    fig = new_figure(width, height)
    ax = fig.add_subplot()
    header = [text("indicator", lang), text("unit", lang), text("year", lang)]
    header += [text("actual", lang)] + [wrap(p.scenario.title(lang), 18) for p in plans]
    table_figure(ax, cells, header, colours, widths)
    ax.set_title(text("fig.deviation", lang))
    key = [
        Patch(facecolor=colour, edgecolor="#bbbbbb", label=text(f"dev.{word}", lang))
        for word, colour in DEVIATION_COLOURS.items()
    ]
    ax.legend(handles=key, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=7.5)
    footer(fig, lang, run_date, source)
    return fig


DEVIATION_COLOURS = {"above": MET_COLOUR, "on_plan": "white", "below": MISSED_COLOUR}
"""A deviation's cell colour by its sign; one that shows as 0.0 is on plan, neither."""


def _deviation_colour(value: float, on_plan: bool) -> str:
    if on_plan:
        return DEVIATION_COLOURS["on_plan"]
    return DEVIATION_COLOURS["above" if value > 0 else "below"]
