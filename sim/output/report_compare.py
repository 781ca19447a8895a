"""The report's compare section (runs with --compare BASE): for each scenario against the base,
its waterfall chart and a table of the end-year gap of total output, income and budget shared
among the parameters that differ (`sim.analysis.compare`), rows adding up to the gap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sim.analysis.compare import moves
from sim.output.i18n import (
    format_number,
    format_signed,
    header_label,
    linked_labels,
    parameter_text,
    rounded_parts,
    text,
)
from sim.output.report import _e, figure_html
from sim.run import ScenarioResult

if TYPE_CHECKING:
    from sim.analysis.compare import Attribution, CompareResult
    from sim.output.charts.saved import SavedChart

__all__ = ["compare_section", "waterfall_stem"]


def waterfall_stem(chart: SavedChart) -> str | None:
    """The scenario a saved chart is the waterfall of (its stem c<NN>_waterfall_<scenario>),
    or None for another chart."""
    head, sep, scenario = chart.stem.partition("_waterfall_")
    return scenario if sep and head.startswith("c") else None


def compare_section(
    compare: CompareResult,
    results: Sequence[ScenarioResult],
    charts: Sequence[SavedChart],
    lang: str,
) -> str:
    """HTML: the method, then per compared scenario its heading, waterfall and table."""
    base = next(r for r in results if r.scenario.name == compare.base)
    waterfalls = {waterfall_stem(c): c for c in charts}
    parts = [f'<p class="note">{_e(text("compare.method", lang))}</p>']
    for result in results:
        if result is base:
            continue
        rows = [a for a in compare.attribution if a.scenario == result.scenario.name]
        heading = text("compare.versus", lang).format(
            scenario=result.scenario.title(lang), base=base.scenario.title(lang)
        )
        parts.append(f"<h3>{_e(heading)}, {base.scenario.end_year}</h3>")
        if result.scenario.name in waterfalls:
            parts.append(figure_html(waterfalls[result.scenario.name], lang))
        if rows:
            parts.append(_table(base, result, rows, lang))
        else:
            parts.append(f'<p class="note">{_e(text("compare.none", lang))}</p>')
    return "".join(parts)


def _table(
    base: ScenarioResult, result: ScenarioResult, rows: Sequence[Attribution], lang: str
) -> str:
    """Parameters down, the attributed indicators across: the base level, each parameter's
    part, their sum (the gap), the scenario's level."""
    labels = linked_labels(result)
    indicators = list(dict.fromkeys(a.indicator for a in rows))
    part = {(a.parameter, a.indicator): a.contribution for a in rows}
    parameters = [
        p
        for p in dict.fromkeys(a.parameter for a in rows)
        if any(moves(part[(p, i)]) for i in indicators)  # one that moves none: left out
    ]
    head = "".join(
        f"<th>{_e(header_label(i, result.units.get(i, ''), lang, labels))}</th>" for i in indicators
    )

    # each column as printed, its parts adding up to its gap (`rounded_parts`, as the chart)
    shown: dict[tuple[str, str], float] = {}
    for i in indicators:
        moving = [p for p in parameters if moves(part[(p, i)])]
        first, last, parts = rounded_parts(
            float(base.series[i][-1]),
            float(result.series[i][-1]),
            [part[(p, i)] for p in moving],
            2,
        )
        shown |= {("", i): first, ("=", i): last} | dict(
            zip([(p, i) for p in moving], parts, strict=True)
        )

    def level(r: ScenarioResult, key: str) -> str:
        cells = "".join(
            f'<td class="num">{format_number(shown[(key, i)], 2, lang)}</td>' for i in indicators
        )
        title = text("compare.base_level", lang).format(title=r.scenario.title(lang))
        return f"<tr><th>{_e(title)}</th>{cells}</tr>"

    body = [level(base, "")]
    for p in parameters:
        cells = "".join(
            f'<td class="num">{format_signed(shown.get((p, i), 0.0), 2, lang)}</td>'
            for i in indicators
        )
        body.append(f"<tr><td>{_e(parameter_text(p, lang, labels))}</td>{cells}</tr>")
    gaps = [shown[("=", i)] - shown[("", i)] for i in indicators]
    sums = "".join(
        f'<td class="num"><strong>{format_signed(g, 2, lang)}</strong></td>' for g in gaps
    )
    body.append(f"<tr><th>{_e(text('compare.sum', lang))}</th>{sums}</tr>")
    body.append(level(result, "="))
    return (
        f'<table class="compare"><tr><th>{_e(text("parameter", lang))}</th>{head}</tr>'
        f"{''.join(body)}</table>"
    )
