"""The compare view's waterfall: a scenario's end-year gap from the base, parameter by parameter.

One panel per attributed indicator (total output, income, budget): the base's end-year level,
then each differing parameter's Shapley contribution as a floating bar (up or down), then the
scenario's level. The bars add up exactly (`sim.analysis.compare`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from sim.analysis.compare import Attribution
from sim.output.charts.base import NumberFormatter, footer, new_figure, with_style
from sim.output.charts.sensitivity import parameter_label
from sim.output.i18n import (
    Bilingual,
    format_signed,
    indicator_label,
    linked_labels,
    text,
    unit_text,
)
from sim.output.linebreak import wrap
from sim.run import ScenarioResult

__all__ = ["plot_waterfall"]

UP, DOWN, LEVEL = "#009E73", "#D55E00", "#9E9E9E"


def _label(parameter: str, lang: str, labels: dict[str, Bilingual]) -> str:
    """A parameter's label; a group (`sectors.services`, above the cap) by its owner's name."""
    parts = parameter.split(".")
    if len(parts) == 2:
        return labels[parts[1]].in_(lang) if parts[1] in labels else text(parts[1], lang)
    return parameter_label(parameter, lang, labels)


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
    contribution is zero (e.g. a rate of an indicator not shown) are left out of the panel."""
    indicators = list(dict.fromkeys(r.indicator for r in rows))
    labels = linked_labels(result)
    shown = {
        ind: [r for r in rows if r.indicator == ind and abs(r.contribution) > 1e-9]
        for ind in indicators
    }
    longest = max((len(v) for v in shown.values()), default=1)
    fig = new_figure(11.0, 1.4 + (1.2 + 0.32 * (longest + 2)) * len(indicators))
    axes = fig.subplots(len(indicators), 1, squeeze=False).ravel()
    for ax, ind in zip(axes, indicators, strict=True):
        start = float(base.series[ind][-1])
        steps = [r.contribution for r in shown[ind]]
        lefts = start + np.concatenate([[0.0], np.cumsum(steps)[:-1]]) if steps else np.array([])
        y = np.arange(len(steps) + 2)[::-1]
        ax.barh(y[0], start, color=LEVEL)
        for k, (left, step) in enumerate(zip(lefts, steps, strict=True)):
            ax.barh(y[k + 1], step, left=left, color=UP if step > 0 else DOWN)
            ax.annotate(
                format_signed(step, 2, lang),
                (left + max(step, 0.0), y[k + 1]),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=6.5,
            )
        ax.barh(y[-1], float(result.series[ind][-1]), color=LEVEL, hatch="///", edgecolor="white")
        names = [base.scenario.title(lang)]
        names += [wrap(_label(r.parameter, lang, labels), 40) for r in shown[ind]]
        names += [result.scenario.title(lang)]
        ax.set_yticks(y, names, fontsize=6.5)
        ends = [start, float(result.series[ind][-1]), *(lefts + steps)] if steps else [start]
        low, high = min(ends), max(ends)
        pad = 0.25 * (high - low or abs(high) or 1.0)
        ax.set_xlim(low - pad, high + pad)  # the gap, not the level, is what the eye must see
        ax.xaxis.set_major_formatter(NumberFormatter(lang, None))
        ax.tick_params(axis="x", labelsize=7)
        unit = unit_text(result.units.get(ind, ""), lang)
        ax.set_title(f"{indicator_label(ind, lang, labels)} ({unit})", fontsize=8.5)
    # The title is the key's, a legend above the first panel: the layout keeps an axes' legend
    # inside its area, so a what-if line added over the figure (`what_if_line`) never covers
    # it, as it would a suptitle or a figure legend (placed at the figure's top edge).
    parts = [r.contribution for bars in shown.values() for r in bars]
    keys = [  # (a colour no bar has is not in the key)
        *([Patch(color=UP, label=text("compare_up", lang))] if any(x > 0 for x in parts) else []),
        *(
            [Patch(color=DOWN, label=text("compare_down", lang))]
            if any(x < 0 for x in parts)
            else []
        ),
        Patch(color=LEVEL, label=text("compare_level", lang)),
    ]
    axes[0].legend(
        handles=keys,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.06),
        ncol=len(keys),
        fontsize=7.5,
        frameon=False,
        title=_title(base, result, lang, fig.get_figwidth()),
        title_fontproperties={"weight": "bold", "size": 11},
    )
    footer(fig, lang, run_date)
    return fig
