"""The compare view's waterfall: a scenario's end-year gap from the base, parameter by parameter.

One panel per attributed indicator (total output, income, budget): the base's end-year level,
then each differing parameter's Shapley contribution as a floating bar (up or down), then the
scenario's level. The bars add up exactly (`sim.analysis.compare`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.compare import Attribution, moves
from sim.core.names import ParameterPath
from sim.output.charts.base import NumberFormatter, footer, new_figure, with_style
from sim.output.i18n import (
    Bilingual,
    format_number,
    format_signed,
    indicator_label,
    linked_labels,
    parameter_text,
    rounded_parts,
    text,
    unit_text,
)
from sim.output.linebreak import wrap
from sim.run import ScenarioResult

__all__ = ["plot_waterfall"]

UP, DOWN, LEVEL = "#009E73", "#D55E00", "#9E9E9E"

WIDTH_IN = 7.4
"""The figure's width: A4 portrait inside its margins is 180 mm (7.09 in), so the page prints at
0.96 of its size and its 8 pt labels at 7.7 pt. (At 11 in, three panels stacked, it printed at
0.64: labels of 4 pt.)"""
ROW_IN = 0.3
"""Inches per bar: room for a label of two lines of LABEL_PT."""
PANEL_IN = 0.8
"""Inches per panel besides its bars: its title, the tick labels and the unit under them."""
HEAD_IN = 0.35
"""Inches above the panels besides the title's lines: the key."""
MAX_STEPS = 6
"""The most parameter bars in a panel: more are shown as the largest and one for the rest
(three panels of eight bars print at 0.95 of their size on A4; of fifteen, at 0.6)."""
LABEL_PT = 8.0
LABEL_CHARS = 30
"""A parameter's label wraps at this many characters (about 2.1 in of LABEL_PT)."""


TITLE_CHAR_IN = 0.105
"""Width of a character of the waterfall's bold 11 pt title (DejaVu Sans), inches: generous, so
that a line of capitals and wide Vietnamese letters still fits."""


def _title(base: ScenarioResult, result: ScenarioResult, lang: str, width_in: float) -> str:
    """The chart's title, wrapped to the figure's width: the scenario on the first line, the base
    on the second (a what-if's mark makes both titles longer; one line ran off the right
    edge)."""
    chars = max(20, int((width_in - 0.4) / TITLE_CHAR_IN))
    head = text("fig.compare", lang).format(
        year=int(result.years[-1]), scenario=result.scenario.title(lang)
    )
    tail = text("fig.compare_end", lang).format(base=base.scenario.title(lang))
    return f"{wrap(head, chars)}\n{wrap(tail, chars)}"


def _steps(
    rows: Sequence[Attribution], indicator: str, lang: str, labels: dict[str, Bilingual]
) -> list[tuple[str, float]]:
    """(label, contribution) of each bar of `indicator`'s panel, in the attribution's order:
    the parameters whose contribution is not zero; above MAX_STEPS, the MAX_STEPS - 1 largest
    and one bar for the rest ("4 tham số khác"), so that the chart still prints at its size."""
    parts = [r for r in rows if r.indicator == indicator and moves(r.contribution)]
    paths = {r.parameter for r in parts}

    def name(path: str) -> str:  # a growth beside its own single years: "(các năm khác)"
        words = parameter_text(path, lang, labels)
        if ParameterPath.parse(path).years_among(paths):
            words += text("compare.other_years", lang)
        return words

    if len(parts) <= MAX_STEPS:
        return [(name(r.parameter), r.contribution) for r in parts]
    kept = sorted(parts, key=lambda r: -abs(r.contribution))[: MAX_STEPS - 1]
    steps = [(name(r.parameter), r.contribution) for r in parts if r in kept]
    rest = [r.contribution for r in parts if r not in kept]
    return [*steps, (text("compare.others", lang).format(n=len(rest)), float(sum(rest)))]


def _decimals(levels: Sequence[float]) -> int:
    """Decimals of a panel's numbers: two, as the report's and the terminal's tables of the
    same parts (one decimal made the chart's "−12,7" the table's "−12,61"; a part may still
    differ by its last digit, moved so that the parts add up); below 1, three significant
    figures."""
    largest = max(abs(x) for x in levels)
    if largest >= 1 or largest == 0:
        return 2
    return min(6, 2 - math.floor(math.log10(largest)))


def _signed(value: float, decimals: int, lang: str) -> str:
    """A rounded contribution with its sign; "≈ 0" for a part too small for the decimals."""
    return "≈ 0" if value == 0 else format_signed(value, decimals, lang)


@with_style
def plot_waterfall(
    rows: Sequence[Attribution],
    base: ScenarioResult,
    result: ScenarioResult,
    lang: str,
    run_date: date,
) -> Figure:
    """The waterfall of `result`'s end-year gap from `base`, one panel per indicator in `rows`
    (the attribution of this scenario; contributions in the indicator's unit). Parameters whose
    contribution is zero (e.g. a rate of an indicator not shown) are left out of the panel.

    Drawn to print on A4 portrait at nearly its size (WIDTH_IN); each panel as tall as its bars.
    The two level bars carry their values, the scenario's with its gap from the base."""
    indicators = list(dict.fromkeys(r.indicator for r in rows))
    labels = linked_labels(result)
    shown = {ind: _steps(rows, ind, lang, labels) for ind in indicators}
    names = {  # each bar's label, wrapped, top down: the base, the parts, the scenario
        ind: [
            wrap(name, LABEL_CHARS)
            for name in (
                base.scenario.title(lang),
                *(n for n, _c in shown[ind]),
                result.scenario.title(lang),
            )
        ]
        for ind in indicators
    }
    # each panel as tall as its bars, a bar as tall as its longest part's label (two lines a bar)
    bars = [
        len(names[ind])
        * max(1.0, max((n.count("\n") + 1 for n in names[ind][1:-1]), default=1) / 2)
        for ind in indicators
    ]
    title = _title(base, result, lang, WIDTH_IN)
    head_in = HEAD_IN + 0.22 * (title.count("\n") + 1)
    fig = new_figure(WIDTH_IN, head_in + sum(PANEL_IN + ROW_IN * n for n in bars) + 0.45)
    axes = fig.subplots(
        len(indicators), 1, squeeze=False, gridspec_kw={"height_ratios": bars}
    ).ravel()
    cut = False  # a level bar cut short by an axis that does not start at 0
    for ax, ind in zip(axes, indicators, strict=True):
        start, end = float(base.series[ind][-1]), float(result.series[ind][-1])
        decimals = _decimals([start, end])
        steps = [c for _name, c in shown[ind]]
        lefts = start + np.concatenate([[0.0], np.cumsum(steps)[:-1]]) if steps else np.array([])
        y = np.arange(len(steps) + 2)[::-1]
        ax.barh([y[0], y[-1]], [start, end], color=LEVEL)
        shown_start, shown_end, parts = rounded_parts(start, end, steps, decimals)
        for k, (left, step, part) in enumerate(zip(lefts, steps, parts, strict=True)):
            ax.barh(y[k + 1], step, left=left, color=UP if step > 0 else DOWN)
            _annotate(ax, _signed(part, decimals, lang), left + max(step, 0.0), y[k + 1])
        _annotate(ax, format_number(shown_start, decimals, lang), start, y[0])
        gap = _signed(shown_end - shown_start, decimals, lang)
        words = f"{format_number(shown_end, decimals, lang)} ({gap})"
        _annotate(ax, words, end, y[-1], bold=True)
        ax.set_yticks(y, names[ind], fontsize=LABEL_PT)
        ends = [start, end, *(lefts + steps)] if steps else [start, end]
        low, high = min(ends), max(ends)
        span = high - low or abs(high) or 1.0
        # the gap, not the level, is what the eye must see; room on the right for the numbers
        left, right = low - 0.2 * span, high + 0.35 * span
        ax.set_xlim(left, right)
        if left > 0:  # the level bars start off the axis: cut marks where they enter it
            cut = True
            for level in (y[0], y[-1]):
                _cut_mark(ax, left + 0.02 * (right - left), level)
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None if decimals <= 2 else decimals))
        ax.tick_params(axis="x", labelsize=7.5)
        ax.set_xlabel(unit_text(result.units.get(ind, ""), lang), fontsize=7.5)
        ax.set_title(indicator_label(ind, lang, labels), fontsize=9, fontweight="bold")
    # The title is the key's, a legend above the first panel: the layout keeps an axes' legend
    # inside its area, so a what-if line added over the figure (`what_if_line`) never covers
    # it, as it would a suptitle or a figure legend (placed at the figure's top edge).
    drawn = [c for steps in shown.values() for _name, c in steps]
    keys = [  # (a colour no bar has is not in the key)
        *([Patch(color=UP, label=text("compare_up", lang))] if any(x > 0 for x in drawn) else []),
        *(
            [Patch(color=DOWN, label=text("compare_down", lang))]
            if any(x < 0 for x in drawn)
            else []
        ),
        Patch(color=LEVEL, label=text("compare_level_cut" if cut else "compare_level", lang)),
    ]
    axes[0].legend(
        handles=keys,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.12),
        ncol=len(keys),
        fontsize=LABEL_PT,
        frameon=False,
        title=title,
        title_fontproperties={"weight": "bold", "size": 11},
    )
    footer(fig, lang, run_date)
    return fig


def _cut_mark(ax, x: float, y: float) -> None:
    """Two white strokes across a level bar near the axis: the bar is cut short there."""
    ax.annotate(
        "//",
        (x, y),
        ha="center",
        va="center",
        color="white",
        fontsize=LABEL_PT + 4,
        fontweight="bold",
        gid="cut",
    )


def _annotate(ax, words: str, x: float, y: float, bold: bool = False) -> None:
    """A bar's number, just right of its end."""
    ax.annotate(
        words,
        (x, y),
        xytext=(3, 0),
        textcoords="offset points",
        va="center",
        fontsize=LABEL_PT,
        fontweight="bold" if bold else "normal",
    )
