"""report.html: one self-contained file (images embedded, no external request) with the charts,
projection tables, scorecard and each scenario's assumptions with their sources."""

from __future__ import annotations

import base64
import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

from sim.core.model import SECTORS
from sim.core.names import ParameterPath, SeriesName
from sim.core.targets import Target, target_by_key
from sim.output.charts.saved import SavedChart
from sim.output.i18n import (
    band_text,
    format_band,
    format_date,
    format_number,
    format_pct,
    format_signed,
    indicator_label,
    label_text,
    linked_labels,
    parameter_text,
    residual_text,
    scenario_what_if_note,
    text,
    unit_text,
    what_if_note,
    what_if_title,
)
from sim.output.narrative import (
    consistency_item_text,
    goal_seek_text,
    history_statement,
    realism_flag_text,
    target_label,
    tracking_note_text,
    verdict_text,
)
from sim.output.plan_text import (
    checks_budget_target,
    no_targets_note,
    plan_notes,
    report_title,
    source_note,
)
from sim.run import ScenarioResult, repeats_its_part, run_plan
from sim.scenario.values import Scenario, SourceNote

__all__ = [
    "write_report",
    "figure_html",
    "tracking_section",
    "sensitivity_section",
    "history_section",
    "REPORT_SERIES",
]

REPORT_SERIES = (
    "output.total",
    "growth.total",
    "share.services",
    "share.industry",
    "share.agriculture",
    "income_per_capita",
    "budget_revenue",
    "land_use_revenue",
    "budget_revenue_total",
    "investment",
    "retail",
)
"""Rows of each scenario's projection table in the report (the CSV and Excel files hold all)."""

_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", Arial, sans-serif; margin: 2em auto; max-width: 1100px;
       color: #222; line-height: 1.45; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { margin-top: 2em; border-bottom: 2px solid #0072B2; }
h3 { margin-top: 1.4em; }
.meta { color: #555; font-size: 0.9em; }
.override { color: #9C0006; background: #FFEB9C; padding: 0.2em 0.5em; font-weight: bold; }
figure { margin: 1.5em 0; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; border: 1px solid #e5e5e5; }
figcaption { font-style: italic; font-size: 0.9em; color: #333; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.85em; }
th, td { border: 1px solid #ccc; padding: 3px 7px; }
th { background: #DDE6F0; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.met { background: #D6E9F8; } td.exceeded { background: #8EC3EA; }
td.missed { background: #FBE0C8; }
.note { font-size: 0.85em; color: #444; }
@media print { body { max-width: none; } h2 { page-break-before: always; } }
"""


def _e(value: object) -> str:
    return html.escape(str(value))


def _num(value: float | None, decimals: int, lang: str) -> str:
    return format_number(value, decimals, lang)


def _decimals(name: str) -> int:
    return 2 if SeriesName.parse(name).in_percent else 1


def _image(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{_e(alt)}">'


def figure_html(chart: SavedChart, lang: str) -> str:
    """A saved chart as a numbered figure with its caption, the image inlined."""
    caption = f"{text('figure', lang)} {chart.number}. {chart.caption}"
    return f"<figure>{_image(chart.png, caption)}<figcaption>{_e(caption)}</figcaption></figure>"


def _scorecard(results: Sequence[ScenarioResult], lang: str) -> str:
    head = "".join(f"<th>{_e(r.scenario.title(lang))}</th>" for r in results)
    rows = []
    for i, score in enumerate(results[0].scores):
        target = score.target
        label = label_text(target, lang)
        cells = []
        for r in results:
            row = r.scores[i]
            if row.evaluated:
                css = row.status  # met, exceeded (a deeper blue, as in the chart), missed
                gap = "" if row.gap == 0 else f" ({format_signed(row.gap, 2, lang)})"
                cells.append(
                    f'<td class="num {css}">{_num(row.value, 2, lang)} '
                    f"{_e(text(row.status, lang))}{gap}</td>"
                )
            else:
                cells.append(f"<td>{_e(text(row.status, lang))}</td>")
        rows.append(
            f"<tr><td>{_e(label)}</td><td>{_e(band_text(target, lang))}</td>"
            f"<td>{_e(target.source_lines)}</td>{''.join(cells)}</tr>"
        )
    return (
        f"<table><tr><th>{_e(text('target', lang))}</th><th>{_e(text('band', lang))}</th>"
        f"<th>{_e(text('source_lines', lang))}</th>{head}</tr>{''.join(rows)}</table>"
    )


def _scorecard_or_note(results: Sequence[ScenarioResult], lang: str) -> str:
    """The scorecard, or the note that the run's term has no targets yet."""
    note = no_targets_note(results, lang)
    return f'<p class="note">{_e(note)}</p>' if note else _scorecard(results, lang)


def _projection_table(result: ScenarioResult, lang: str) -> str:
    labels = linked_labels(result)
    years = "".join(f"<th>{int(y)}</th>" for y in result.years)
    rows = []
    for name in REPORT_SERIES:
        if name not in result.series or repeats_its_part(name, [result]):
            continue
        values = "".join(
            f'<td class="num">{_num(v, _decimals(name), lang)}</td>' for v in result.series[name]
        )
        rows.append(
            f"<tr><td>{_e(indicator_label(name, lang, labels))}</td>"
            f"<td>{_e(unit_text(result.units[name], lang))}</td>{values}</tr>"
        )
    return (
        f"<table><tr><th>{_e(text('indicator', lang))}</th><th>{_e(text('unit', lang))}</th>"
        f"{years}</tr>{''.join(rows)}</table>"
    )



def _by_year(rates: Mapping[int, float], lang: str) -> str:
    """Growth fixed for single years: "riêng năm 2021: 4,0; năm 2022: 12,0" / "single years
    2021: 4.0; 2022: 12.0"."""
    year = text("by_year.one", lang)
    shown = "; ".join(f"{year.format(year=y)}: {_num(v, 1, lang)}" for y, v in rates.items())
    return f"{text('by_year', lang)} {shown}"


def _assumptions(result: ScenarioResult, lang: str) -> str:
    s = result.scenario
    rows = []
    for name in SECTORS:
        sector = s.sectors[name]
        rule = text("rule_growth", lang).format(rate=_num(sector.growth_pct, 1, lang))
        if sector.growth_pct_by_year:
            rule += f"; {_by_year(sector.growth_pct_by_year, lang)}"
        share = f"{text('share', lang)} {_num(sector.share_pct, 1, lang)} %"
        rows.append((text(name, lang), f"{share}; {rule}", _sources(s, f"sectors.{name}", lang)))
    for ind in s.indicators.values():
        if ind.rule == "growth":
            rule = text("rule_growth", lang).format(rate=_num(ind.growth_pct, 1, lang))
        else:
            rule = text("rule_elasticity", lang).format(e=_num(ind.elasticity, 2, lang))
        if ind.growth_pct_by_year:
            rule += f"; {_by_year(ind.growth_pct_by_year, lang)}"
        base = f"{_num(ind.base, 1, lang)} {unit_text(ind.unit, lang)} ({s.base_year}); {rule}"
        rows.append((label_text(ind, lang), base, _sources(s, f"indicators.{ind.name}", lang)))
    body = "".join(f"<tr><td>{_e(a)}</td><td>{_e(b)}</td><td>{_e(c)}</td></tr>" for a, b, c in rows)
    files = ", ".join(p.name for p in s.files)
    settings = f"; --set {', '.join(s.settings)}" if s.settings else ""
    budget = ""  # (which budget line the plan's budget targets use: only when it sets them)
    if checks_budget_target([result]):
        concept = indicator_label(s.budget_concept, lang, linked_labels(result))
        budget = f" {text('budget_concept_note', lang)}: {concept}."
    description = s.description(lang)
    return (
        f"<p>{_e(description)}</p>"
        f"<table><tr><th>{_e(text('parameter', lang))}</th><th>{_e(text('assumptions', lang))}</th>"
        f"<th>{_e(text('source', lang))}</th></tr>{body}</table>"
        f'<p class="note">{_e(residual_text(s, lang))}.{_e(budget)} {_e(files)}{_e(settings)}</p>'
    )


def _plan_first_note(actuals_year: int | None, lang: str) -> str:
    """With --actuals: the scorecard below is the plan's; the re-baselined one is further down."""
    if actuals_year is None:
        return ""
    where = text("actuals.where_report", lang)
    words = text("actuals.plan_first", lang).format(year=actuals_year, where=where)
    return f'<p class="override">{_e(words)}</p>'


def _sources(scenario: Scenario, table: str, lang: str) -> str:
    """The source note of a table's values in `lang`: its note when one note speaks for them
    all; else, for each group of values, the file that set them ("tỷ trọng gốc: baseline.toml;
    tăng trưởng: optimistic.toml"), so that a child's value never stands beside its parent's
    note (the workbook's assumptions sheet gives each value its own note)."""
    groups: dict[SourceNote, list[str]] = {}
    for path, source in scenario.sources.items():
        if path.startswith(table + "."):
            parsed = ParameterPath.parse(path)
            field = text(f"param.{parsed.field}", lang)
            words = f"{field} {parsed.year}" if parsed.year is not None else field
            groups.setdefault(source, []).append(words)
    if len(groups) <= 1:
        return next(iter(groups)).in_(lang) if groups else ""
    return "; ".join(
        f"{', '.join(words)}: {_file_or_note(source, lang)}" for source, words in groups.items()
    )


def _file_or_note(source: SourceNote, lang: str) -> str:
    """The file that set a group of values ("baseline.toml"), or "đặt bằng --set"."""
    return source.in_(lang) if source.file in ("", "--set") else source.file


def _cell(shown: str, technical: str = "", tag: str = "td") -> str:
    """A table cell (`tag`: "td", or "th" for a heading) showing `shown`, the internal id (if
    any) only in its title attribute."""
    hint = f' title="{_e(technical)}"' if technical and technical != shown else ""
    return f"<{tag}{hint}>{_e(shown)}</{tag}>"


def _required_cell(row, lang: str) -> str:
    """The growth the rest of the term needs: one figure, a range or "–"."""
    low, high = row.required_low_pct, row.required_high_pct
    if low != low:
        return "–"
    if high != high or abs(high - low) < 5e-3:
        return _num(low, 2, lang)
    return format_band(low, high, lang, 2)


def tracking_section(tracking, lang: str) -> str:
    """HTML: the growth each target needs for the rest of the term, per scenario, and notes."""
    head = "".join(
        f"<th>{_e(h)}</th>"
        for h in (
            text("scenario", lang),
            text("target", lang),
            text("band", lang),
            text("trk.latest", lang),
            text("required_growth", lang),
            text("assumptions", lang),
            text("trk.verdict", lang),
        )
    )
    titles = {r.result.scenario.name: r.result.scenario.title(lang) for r in tracking.rebased}
    rebased = {r.result.scenario.name: r for r in tracking.rebased}
    rows = []
    for row in tracking.required.itertuples(index=False):
        targets = rebased[row.scenario].result.scenario.plan.targets
        try:
            band = band_text(target_by_key(row.target, targets), lang)
        except KeyError:
            band = f"{row.band} {unit_text(row.unit, lang)}"
        assumed = _num(row.assumed_pct, 2, lang)  # "–" when there is none
        rows.append(
            f"<tr>{_cell(titles.get(row.scenario, row.scenario), row.scenario)}"
            f"{_cell(target_label(row.target, lang, targets), row.target)}<td>{_e(band)}</td>"
            f"<td>{row.latest_actual_year}</td>"
            f'<td class="num">{_required_cell(row, lang)}</td><td class="num">{assumed}</td>'
            f"<td>{_e(verdict_text(row, lang, rebased[row.scenario]))}</td></tr>"
        )
    notes = "".join(
        f"<li>{_e(r.result.scenario.title(lang))}: "
        f"{_e(tracking_note_text(n, lang, linked_labels(r.result)))}</li>"
        for r in tracking.rebased
        for n in r.applied
    )
    return (
        f'<p class="note">{_e(str(tracking.actuals.path))}</p>'
        f"<h3>{_e(text('scorecard', lang))}: {_e(text('rebaselined', lang))}</h3>"
        f"{_scorecard([r.result for r in tracking.rebased], lang)}"
        f"<h3>{_e(text('required_growth', lang))} ({_e(unit_text('%/yr', lang))})</h3>"
        f"<table><tr>{head}</tr>{''.join(rows)}</table>"
        + (f'<ul class="note">{notes}</ul>' if notes else "")
    )


def _probability_rows(
    probabilities, scenarios: list[str], lang: str, targets: Sequence[Target]
) -> list[str]:
    """A row per target, in the scorecard's (the plan's) order, by label; a cell per scenario."""
    keys = list(dict.fromkeys(probabilities.target))
    planned = [t.key for t in targets if t.key in keys]
    order = planned + [k for k in keys if k not in planned]
    rows = []
    for target in order:
        cells = []
        for name in scenarios:
            match = probabilities[
                (probabilities.scenario == name) & (probabilities.target == target)
            ]
            value = float(match.probability.iloc[0]) if len(match) else float("nan")
            shown = "–" if value != value else format_pct(value * 100, 1, lang)
            cells.append(f'<td class="num">{shown}</td>')
        label = target_label(target, lang, targets)
        rows.append(f"<tr>{_cell(label, target)}{''.join(cells)}</tr>")
    return rows


def sensitivity_section(sensitivity, lang: str, results: Sequence[ScenarioResult] = ()) -> str:
    """HTML: Monte Carlo probabilities of meeting each target, and the goal seeks."""
    titles = {r.scenario.name: r.scenario.title(lang) for r in results}
    labels = linked_labels(results[0]) if results else {}
    targets = run_plan(results).targets
    probabilities = sensitivity.target_probabilities
    scenarios = list(dict.fromkeys(probabilities.scenario))
    head = "".join(_cell(titles.get(n, n), n, "th") for n in scenarios)
    rows = _probability_rows(probabilities, scenarios, lang, targets)
    goals = "".join(
        f"<tr>{_cell(titles.get(g.scenario, g.scenario), g.scenario)}"
        f"{_cell(target_label(g.target_key, lang, targets), g.goal)}"
        f"{_cell(parameter_text(g.parameter, lang, labels), g.parameter)}"
        f'<td class="num">{_num(g.value_found, 3, lang)}</td>'
        f"<td>{_e(goal_seek_text(g, lang, labels, targets))}</td></tr>"
        for g in sensitivity.goal_seek.itertuples(index=False)
    )
    draws = format_number(sensitivity.draws, 0, lang)
    return (
        f'<p class="note">{draws} {_e(text("draws", lang))}; '
        f"{_e(text('seed', lang))} {sensitivity.seed}.</p>"
        f"<h3>{_e(text('probability', lang))}</h3>"
        f"<table><tr><th>{_e(text('target', lang))}</th>{head}</tr>{''.join(rows)}</table>"
        f"<h3>{_e(text('goal_seek', lang))}</h3>"
        f"<table><tr><th>{_e(text('scenario', lang))}</th><th>{_e(text('target', lang))}</th>"
        f"<th>{_e(text('parameter', lang))}</th><th>{_e(text('found_value', lang))}</th>"
        f"<th>{_e(text('result', lang))}</th></tr>{goals}</table>"
    )


def history_section(history, lang: str, results: Sequence[ScenarioResult] = ()) -> str:
    """HTML: the source's consistency, the previous term's track record (the plan's [history]
    years) and the realism check."""
    titles = {r.scenario.name: r.scenario.title(lang) for r in results}
    labels = linked_labels(results[0]) if results else {}
    period = history.record.period
    consistency = "".join(
        f"<tr>{_cell(consistency_item_text(r.item, lang), r.item)}"
        f'<td class="num">{_num(r.value, 3, lang)}</td></tr>'
        for r in history.consistency.itertuples(index=False)
        if r.value == r.value
    )
    realism = "".join(
        f"<tr>{_cell(titles.get(r.scenario, r.scenario), r.scenario)}"
        f"{_cell(parameter_text(r.parameter, lang, labels), r.parameter)}"
        f'<td class="num">{_num(r.assumed, 2, lang)}</td>'
        f'<td class="num">{_num(r.track_record, 2, lang)}</td>'
        f'<td class="num">{format_band(r.supported_low, r.supported_high, lang, 2)}</td>'
        f'<td class="{"missed" if r.flag else ""}">{_e(realism_flag_text(r, period, lang))}</td>'
        "</tr>"
        for r in history.realism.itertuples(index=False)
    )
    return (
        f'<p class="note">{_e(history_statement(history, lang))}</p>'
        f"<table>{consistency}</table>"
        f"<h3>{_e(text('realism', lang).format(period=period))}</h3>"
        f"<table><tr><th>{_e(text('scenario', lang))}</th><th>{_e(text('parameter', lang))}</th>"
        f"<th>{_e(text('assumed', lang))}</th><th>{_e(text('track_record', lang).format(period=period))}</th>"
        f"<th>{_e(text('supported', lang))}</th><th></th></tr>{realism}</table>"
    )


def _scenario_heading(result: ScenarioResult, lang: str) -> str:
    """A scenario's <h3> (its title, marked what-if when --set changed it) and, for a what-if,
    the line naming the changed values."""
    s = result.scenario
    note = f'<p class="override">{_e(scenario_what_if_note(s, lang))}</p>' if s.settings else ""
    return f"<h3>{_e(s.title(lang))}</h3>{note}"


def write_report(
    path: Path,
    results: Sequence[ScenarioResult],
    charts: Sequence[SavedChart],
    lang: str,
    generated: datetime,
    extra_sections: Sequence[tuple[str, str]] = (),
    actuals_year: int | None = None,
) -> None:
    """Write the self-contained HTML report. extra_sections: (heading, trusted HTML) pairs;
    actuals_year: with --actuals, a note above the (plan's) scorecard says where the
    re-baselined one is."""
    first = results[0].scenario
    scenarios = [r.scenario for r in results]
    title = report_title(first.plan, first.base_year, first.end_year, lang)
    title = what_if_title(title, scenarios, lang)
    run_note = what_if_note(scenarios, lang)
    plan_note = " ".join(plan_notes(first.plan, lang))
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may be fetched from the network: forbid it outright.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">",
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="meta">{_e(text("generated", lang))}: {_e(format_date(generated, lang))} '
        f"{generated:%H:%M}. {_e(source_note(first.plan, lang))}</p>",
        f'<p class="override">{_e(run_note)}</p>' if run_note else "",
        f'<p class="override">{_e(plan_note)}</p>' if plan_note else "",
        f"<h2>{_e(text('scorecard', lang))}</h2>",
        _plan_first_note(actuals_year, lang),
        _scorecard_or_note(results, lang),
        f"<h2>{_e(text('charts', lang))}</h2>",
    ]
    parts += [figure_html(chart, lang) for chart in charts]
    parts.append(f"<h2>{_e(text('projection_table', lang))}</h2>")
    for r in results:
        parts.append(_scenario_heading(r, lang))
        parts.append(_projection_table(r, lang))
    for heading, body in extra_sections:
        parts.append(f"<h2>{_e(heading)}</h2>{body}")
    parts.append(f"<h2>{_e(text('assumptions', lang))}</h2>")
    for r in results:
        parts.append(_scenario_heading(r, lang))
        parts.append(_assumptions(r, lang))
    parts.append("</body></html>")
    path.write_text("\n".join(part for part in parts if part), encoding="utf-8")
