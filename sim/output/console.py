"""The short terminal summary of a run (plain text in the run's language, `--lang`; the CLI
prints it), the list of what a run wrote, and the progress bar.

Columns line up by display width (`sim.output.i18n.display_width`), not by the number of code
points: Vietnamese may carry combining marks."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sim.analysis.compare import moves
from sim.output import i18n
from sim.output.i18n import (
    Bilingual,
    band_text,
    display_width,
    format_number,
    format_pct,
    format_short,
    format_signed,
    indicator_label,
    label_text,
    linked_labels,
    pad,
    parameter_text,
    range_dash,
    residual_text,
    scenario_labels,
    setting_text,
    text,
    unit_text,
)
from sim.output.narrative import (
    goal_seek_text,
    history_statement,
    realism_flag_text,
    target_label,
    total_gap_text,
    tracking_note_text,
    verdict_text,
)
from sim.output.plan_text import checks_budget_target, no_targets_note
from sim.run import ScenarioResult, repeats_its_part, run_plan
from sim.scenario.values import WHAT_IF, Scenario

if TYPE_CHECKING:
    from sim.analysis.compare import Attribution, CompareResult

__all__ = [
    "format_summary",
    "format_tracking",
    "format_rebaselined_scorecard",
    "format_sensitivity",
    "format_history",
    "format_warnings",
    "format_written",
    "format_table",
    "format_rebased",
    "format_compare",
    "ProgressBar",
]


WIDTH = 100
"""The columns a terminal table is laid out to fit (a target's label longer than that wraps)."""


def _fmt(value: float, lang: str, decimals: int = 1) -> str:
    """A number as the terminal shows it: 1.234,5 (vi) or 1,234.5 (en), and "-" for none."""
    return format_number(value, decimals, lang, missing="-")


def format_table(rows: Sequence[Sequence[str]], aligns: str, indent: str = "") -> list[str]:
    """Rows of cells as lines whose columns line up on a terminal; aligns: one '<' or '>' per
    column. Widths are display widths, so "Nông lâm - thủy sản" takes 18 columns however its
    marks are encoded."""
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(aligns))]
    return [
        indent
        + "  ".join(
            pad(cell, w, a) for cell, w, a in zip(row, widths, aligns, strict=True)
        ).rstrip()
        for row in rows
    ]


def _titles(results: Iterable[ScenarioResult], lang: str) -> dict[str, str]:
    return {r.scenario.name: r.scenario.title(lang) for r in results}


def _output_unit(scenario: Scenario, lang: str) -> str:
    """The unit of a scenario's output column: "tỷ đồng", or "chỉ số" (an index)."""
    return text("sum.bn" if scenario.output_unit == "billion VND" else "sum.output_unit", lang)


def format_summary(
    results: Sequence[ScenarioResult], lang: str = "vi", actuals_year: int | None = None
) -> str:
    """Per scenario: end-year output, growth of the total, income, budget (and with land-use
    fees, when a scenario has them); then the scorecard. actuals_year: with --actuals, the
    tables are the plan: a first line says so and where the re-baselined scorecard is."""
    land = not repeats_its_part("budget_revenue_total", results)
    head = [text(f"sum.{k}", lang) for k in ("scenario", "year", "output", "growth", "income")]
    head += [text("sum.budget", lang)] + ([text("sum.budget_land", lang)] if land else [])
    head.append(text("sum.targets", lang))
    bn = text("sum.bn", lang)
    output_units = {_output_unit(r.scenario, lang) for r in results}
    shown_unit = output_units.pop() if len(output_units) == 1 else ""
    units = ["", "", shown_unit, unit_text("%/yr", lang)]
    units += [text("sum.income_unit", lang), bn] + ([bn] if land else []) + [text("sum.met", lang)]
    rows = [head, units]
    for r in results:
        s, series = r.scenario, r.series
        evaluated = [x for x in r.scores if x.evaluated]

        def last(name: str, series=series) -> float:
            return float(series[name][-1]) if name in series else float("nan")

        met = f"{sum(x.met for x in evaluated)}/{len(evaluated)}"
        output = _fmt(last("output.total"), lang)
        if not shown_unit:  # scenarios in different units: each value says its own
            output += f" ({_output_unit(s, lang)})"
        budget = [_fmt(last("budget_revenue"), lang)]
        budget += [_fmt(last("budget_revenue_total"), lang)] if land else []
        rows.append(
            [
                s.title(lang),
                str(s.end_year),
                output,
                _fmt(last("cagr.total"), lang, 2),
                _fmt(last("income_per_capita"), lang),
                *budget,
                met if evaluated else text("sum.none", lang),
            ]
        )
    lines = format_table(rows, "<" + ">" * (len(head) - 1))
    if actuals_year is not None:
        where = text("actuals.where_terminal", lang)
        lines.insert(0, text("actuals.plan_first", lang).format(year=actuals_year, where=where))
    lines.append("")
    budget_target = checks_budget_target(results)  # (no words on a target the plan lacks)
    for r in results:
        line = f"{r.scenario.title(lang)}: {residual_text(r.scenario, lang)}"
        if budget_target:
            concept = indicator_label(r.scenario.budget_concept, lang, linked_labels(r))
            line += "; " + text("sum.budget_concept", lang).format(concept=concept)
        lines.append(line)
    lines.append("")
    if note := no_targets_note(results, lang):
        lines.append(note)  # said once, not a table of "outside horizon"
        return "\n".join(lines)
    lines += _scorecard_lines(results, lang)
    return "\n".join(lines)


def _scorecard_lines(results: Sequence[ScenarioResult], lang: str) -> list[str]:
    """The scorecard, a row per target: its label and band, then each scenario's value with
    "met" or its gap to the band."""
    rows = _head_rows(text("target", lang), [r.scenario for r in results], lang)
    for i, target in enumerate(run_plan(results).targets):
        cells = [f"{label_text(target, lang)} ({band_text(target, lang)})"]
        for r in results:
            row = r.scores[i]
            if row.evaluated:
                mark = text("met", lang) if row.status == "met" else format_signed(row.gap, 2, lang)
                if row.status == "exceeded":  # (met, above the band: "vượt +0,28", as the report)
                    mark = f"{text('exceeded', lang)} {mark}"
                cells.append(f"{_fmt(row.value, lang, 2)} {mark}")
            else:
                cells.append(text(row.status, lang))
        rows.append(cells)
    return [text("sum.scorecard", lang), *format_table(rows, "<" + ">" * len(results))]


def _head_rows(first: str, scenarios: Sequence, lang: str) -> list[list[str]]:
    """The header of a table with a column per scenario: their titles, a what-if's mark on a
    second row so that the columns stay narrow."""
    plain = [s.filed_title(lang) for s in scenarios]
    if not any(s.settings for s in scenarios):
        return [[first, *plain]]
    marks = [f"({WHAT_IF.in_(lang)})" if s.settings else "" for s in scenarios]
    return [[first, *plain], ["", *marks]]


def format_what_if(settings: Sequence[str], scenarios: Sequence[Scenario], lang: str = "vi") -> str:
    """Which scenarios of the run each --set changed (they are marked what-if everywhere), by
    their titles as filed."""
    from sim.scenario.loader import setting_targets

    titles = {s.name: s.filed_title(lang) for s in scenarios}
    lines = [text("sum.what_if", lang)]
    for setting, changed in setting_targets(settings, list(titles)):
        lines.append(f"  --set {setting}: {'; '.join(titles[n] for n in changed)}")
    return "\n".join(lines)


def format_warnings(warnings: Sequence[tuple[str, str]], lang: str = "vi") -> list[str]:
    """(scenario title, warning) pairs as lines, each warning once, naming the scenarios it
    concerns (a warning of a file that several scenarios extend comes once, with their titles,
    "; "-separated: a title may hold a comma)."""
    by_text: dict[str, list[str]] = {}
    for name, warning in warnings:
        names = by_text.setdefault(warning, [])
        if name not in names:
            names.append(name)
    word = text("sum.warning", lang)
    return [f"{word} ({'; '.join(names)}): {warning}" for warning, names in by_text.items()]


def format_rebased(scenarios: Sequence[Scenario], year: int, folder: str, lang: str) -> str:
    """The files --rebase-year wrote, one a line; a file rebased from a what-if says so and
    names the --set values (its header comment does too), in the run's language."""
    from sim.term.rebase import rebased_file_name

    lines = [i18n.text("rebased.files", lang).format(folder=folder)]
    for s in scenarios:
        line = f"  {rebased_file_name(s.name, year)}"
        if s.settings:
            changes = "; ".join(setting_text(x, lang, scenario_labels(s)) for x in s.settings)
            line += ": " + i18n.text("what_if.rebased", lang).format(changes=changes)
        lines.append(line)
    return "\n".join(lines)


TOP_CONTRIBUTIONS = 3
"""How many contributions the terminal names per gap; the rest are summed on one line."""


def format_compare(compare: CompareResult, results: Sequence[ScenarioResult], lang: str) -> str:
    """The compare view: for each scenario against the base, the end-year gap of total output,
    income and budget and its largest contributions (the rest on one line, so the lines add up
    to the gap), in the run's language and number format."""
    base = next(r for r in results if r.scenario.name == compare.base)
    heading = i18n.text("compare.heading", lang)
    lines = [heading.format(base=base.scenario.title(lang), year=base.scenario.end_year) + ":"]
    for result in results:
        rows = [a for a in compare.attribution if a.scenario == result.scenario.name]
        if result is base:
            continue
        lines.append(f"  {result.scenario.title(lang)}:")
        if not rows:
            lines.append(f"    {i18n.text('compare.none', lang)}")
        for indicator in dict.fromkeys(a.indicator for a in rows):
            mine = [a for a in rows if a.indicator == indicator]
            lines += _gap_lines(base, result, indicator, mine, lang)
    return "\n".join(lines)


def _gap_lines(
    base: ScenarioResult,
    result: ScenarioResult,
    indicator: str,
    rows: Sequence[Attribution],
    lang: str,
) -> list[str]:
    """An indicator's gap line, then its largest contributions, one a line."""
    labels = linked_labels(result)
    # a parameter that does not move this indicator (a rate of another one) is left out; the
    # numbers as printed, the parts adding up to the gap (as the chart and the report print them)
    moving = [a for a in rows if moves(a.contribution)]
    before, after, parts = i18n.rounded_parts(
        float(base.series[indicator][-1]),
        float(result.series[indicator][-1]),
        [a.contribution for a in moving],
        2,
    )
    lines = [
        f"    {i18n.header_label(indicator, result.units.get(indicator, ''), lang, labels)}: "
        f"{format_number(before, 2, lang)} → {format_number(after, 2, lang)}, "
        f"{i18n.text('compare.gap', lang)} {format_signed(after - before, 2, lang)}"
    ]
    ranked = sorted(zip(moving, parts, strict=True), key=lambda pair: -abs(pair[0].contribution))
    shown = [(parameter_text(a.parameter, lang, labels), part) for a, part in ranked]
    if len(shown) > TOP_CONTRIBUTIONS + 1:
        rest = sum(value for _, value in shown[TOP_CONTRIBUTIONS:])
        others = i18n.text("compare.others", lang).format(n=len(shown) - TOP_CONTRIBUTIONS)
        shown = [*shown[:TOP_CONTRIBUTIONS], (others, rest)]
    if shown:  # columns by display width, as every table of the summary
        table = [[name, format_signed(v, 2, lang)] for name, v in shown]
        lines += format_table(table, "<>", indent="      ")
    return lines


def format_tracking(tracking, lang: str = "vi") -> str:
    """The growth each target needs for the rest of the term, per scenario."""
    lines = [
        text("trk.head", lang).format(year=tracking.actuals.latest_year, path=tracking.actuals.path)
    ]
    for reb in tracking.rebased:
        scenario = reb.result.scenario
        rows = tracking.required[tracking.required.scenario == scenario.name]
        lines.append(f"  {scenario.title(lang)}:")
        table = [
            [target_label(r.target, lang, scenario.plan.targets), verdict_text(r, lang, reb)]
            for r in rows.itertuples()
        ]
        if table:
            lines += format_table(table, "<<", indent="    ")
        labels = linked_labels(reb.result)
        for note in reb.applied:
            lines.append(f"    {text('note', lang)}: {tracking_note_text(note, lang, labels)}")
    return "\n".join(lines)


def format_rebaselined_scorecard(plans: Sequence[ScenarioResult], tracking, lang: str) -> str:
    """--actuals: each target's plan and re-baselined value and status side by side (as
    scorecard.csv has them), a row per scenario under the target's line so that it fits WIDTH
    columns whatever the number of scenarios; a mark on a value that rests on a figure solved
    from the total, the reported totals the sectors overrule, and the actuals marked in the
    file."""
    rebased = {reb.result.scenario.name: reb for reb in tracking.rebased}
    title = i18n.text("tracking.scorecard_title", lang).format(
        year=tracking.actuals.latest_year, path=tracking.actuals.path
    )
    header = [
        f"{i18n.text('target', lang)} ({i18n.text('tracking.value_status', lang)})",
        i18n.text("plan", lang),
        i18n.text("rebaselined", lang),
    ]
    rows = [header]  # a row per target and scenario, under the target's own line
    for plan in plans:
        reb = rebased[plan.scenario.name]
        for before, after in zip(plan.scores, reb.result.scores, strict=True):
            solved = any(after.indicator == f"output.{d.sector}" for d in reb.derived)
            cells = [_score_cell(before, lang), _score_cell(after, lang) + ("*" if solved else "")]
            rows.append([f"  {plan.scenario.title(lang)}", *cells])
    table = format_table(rows, "<>>", indent="  ")
    lines = [title, table[0]]
    targets = run_plan(plans).targets
    for i, target in enumerate(targets):
        label = f"{i18n.label_text(target, lang)} ({i18n.band_text(target, lang)})"
        lines += textwrap.wrap(label, WIDTH, initial_indent="  ", subsequent_indent="    ")
        lines += table[1 + i :: len(targets)]  # (rows: by scenario, then target)
    return "\n".join(lines + _tracking_footnotes(plans, tracking, lang))


def _score_cell(row, lang: str) -> str:
    """A target's value and status ("15,31 vượt"), or its status alone when not evaluated."""
    if row.evaluated:
        return f"{format_number(row.value, 2, lang, missing='-')} {i18n.text(row.status, lang)}"
    return i18n.text(row.status, lang)


def _tracking_footnotes(plans: Sequence[ScenarioResult], tracking, lang: str) -> list[str]:
    """The solved figures, the overruled reported totals and the marked actuals."""
    lines = []
    solved = [(reb, d) for reb in tracking.rebased for d in reb.derived]
    if solved:
        lines.append(i18n.text("tracking.solved_mark", lang))
    for reb, d in solved:
        words = i18n.text("tracking.solved", lang).format(
            sector=i18n.text(d.sector, lang),
            year=d.year,
            value=format_number(d.value, 2, lang),
            total=format_number(d.total.value, 1, lang),
        )
        lines.append(f"  {reb.result.scenario.title(lang)}: {words}")
    for reb in tracking.rebased:
        for gap in reb.total_gaps:
            lines.append(f"{reb.result.scenario.title(lang)}: {total_gap_text(gap, lang)}")
    marked = [o for o in tracking.actuals.observations if o.status != "final" or o.concept != ""]
    if marked:
        lines.append(i18n.text("tracking.marked", lang))
    labels = i18n.linked_labels(plans[0])
    for o in marked:
        marks = ([i18n.text("estimate", lang)] if o.status != "final" else []) + (
            [i18n.text(f"concept.{o.concept}", lang)] if o.concept else []
        )
        name = i18n.indicator_label(o.indicator, lang, labels)
        value = format_number(o.value, 1, lang)
        lines.append(f"  {name} {o.year} = {value}: {'; '.join(marks)}")
    return lines


def format_sensitivity(
    sensitivity, lang: str = "vi", results: Sequence[ScenarioResult] = ()
) -> str:
    """Probabilities of meeting each target (rows in the scorecard's order, by label), and the
    goal seeks, each naming the parameter it moves."""
    titles = _titles(results, lang)
    labels: dict[str, Bilingual] = linked_labels(results[0]) if results else {}
    targets = run_plan(results).targets
    goals = []  # under each scenario's title (a row per target: one heading, not 11 repeats)
    for g in sensitivity.goal_seek.itertuples(index=False):
        heading = f"  {titles.get(g.scenario, g.scenario)}:"
        if heading not in goals:
            goals.append(heading)
        goals.append(f"    {goal_seek_text(g, lang, labels, targets)}")
    probabilities = sensitivity.target_probabilities
    if probabilities.empty:
        return "\n".join([text("sen.no_mc", lang), *goals])
    draws = format_number(sensitivity.draws, 0, lang)
    lines = [text("sen.head", lang).format(draws=draws, seed=sensitivity.seed)]
    table = probabilities.pivot(index="target", columns="scenario", values="probability")
    names = list(dict.fromkeys(probabilities.scenario))
    by_name = {r.scenario.name: r.scenario for r in results}
    if all(n in by_name for n in names):
        rows = _head_rows(text("target", lang), [by_name[n] for n in names], lang)
    else:
        rows = [[text("target", lang), *(titles.get(n, n) for n in names)]]
    order = [t.key for t in targets if t.key in table.index]
    order += [key for key in table.index if key not in order]
    for key in order:
        cells = [table.at[key, n] for n in names]
        shown = ["-" if v != v else format_pct(v * 100, 0, lang) for v in cells]
        rows.append([target_label(key, lang, targets), *shown])
    lines += format_table(rows, "<" + ">" * len(names), indent="  ")
    lines.append(text("sen.goal_seek", lang))
    return "\n".join(lines + goals)


def format_history(history, lang: str = "vi", results: Sequence[ScenarioResult] = ()) -> str:
    """The source's consistency and the realism flags."""
    titles = _titles(results, lang)
    labels: dict[str, Bilingual] = linked_labels(results[0]) if results else {}
    lines = [text("his.head", lang).format(statement=history_statement(history, lang))]
    period = history.record.period
    flagged = history.realism[history.realism.flag != ""]
    for r in flagged.itertuples(index=False):
        dash = range_dash(r.supported_low, r.supported_high, lang)
        band = f"{_fmt(r.supported_low, lang, 2)}{dash}{_fmt(r.supported_high, lang, 2)}"
        line = text("his.flag_line", lang).format(
            scenario=titles.get(r.scenario, r.scenario),
            parameter=parameter_text(r.parameter, lang, labels),
            assumed=format_short(r.assumed, lang),
            flag=realism_flag_text(r, period, lang),
            record=_fmt(r.track_record, lang, 2),
            band=band,
            unit=f" {unit_text('%/yr', lang)}" if "growth_pct" in r.parameter else "",
        )
        lines.append(f"  {line}")
    if flagged.empty:
        lines.append(f"  {text('his.all_fine', lang)}")
    return "\n".join(lines)


_OUTPUT_ORDER = (
    "report.html",
    "projections.xlsx",
    "whatif.html",
    "charts",
    "tracking",
    "sensitivity",
    "history",
    "compare",
    "rebased",
    "manifest.json",
)


def format_written(folder: Path, lang: str = "vi") -> str:
    """What the run wrote and where, from the published folder: one line per output (its
    files by name for the scenario files of the next term)."""
    rows = []
    csvs = sorted(p.name for p in folder.glob("*.csv"))
    if csvs:
        rows.append([text("out.csv", lang), f"{folder / '*.csv'} ({', '.join(csvs)})"])
    for name in _OUTPUT_ORDER:
        path = folder / name
        if not path.exists():
            continue
        shown = f"{path}/" if path.is_dir() else str(path)
        if name == "rebased":
            files = sorted(p.name for p in path.glob("*.toml"))
            shown += f" ({', '.join(files)})"
        rows.append([text(f"out.{name}", lang), shown])
    head = text("sum.written", lang).format(out=f"{folder}/")
    return "\n".join([head, *format_table(rows, "<<", indent="  ")]) if rows else head


class ProgressBar:
    """A one-line progress bar on a terminal, shown only once a task has taken over `delay` s;
    nothing at all on a stream that is not a terminal (a pipe, a file).

    Called as on_progress(label, done, total) (`sim.analysis.suite.ProgressReport`): a new
    label starts a new bar, with its own clock. `unit` names what is counted ("draws"); `show`
    turns a label (an internal name) into the words shown, and counts are in `lang`'s format.
    """

    def __init__(
        self,
        stream: TextIO,
        delay: float = 1.0,
        width: int = 30,
        unit: str = "draws",
        lang: str = "en",
        show: Callable[[str], str] | None = None,
    ):
        self.stream, self.delay, self.width, self.unit = stream, delay, width, unit
        self.lang, self.show = lang, show
        self.terminal = hasattr(stream, "isatty") and stream.isatty()
        self.label: str | None = None
        self.started = time.perf_counter()
        self.shown = False

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.terminal:
            return
        if label != self.label:
            self.label, self.started, self.shown = label, time.perf_counter(), False
        elapsed = time.perf_counter() - self.started
        if not self.shown and (elapsed < self.delay or done >= total):
            return
        self.shown = True
        filled = int(self.width * done / total)
        rate = done / elapsed if elapsed > 0 else 0.0
        shown = self.show(label) if self.show is not None else label
        count = "/".join(format_number(n, 0, self.lang) for n in (done, total))
        self.stream.write(
            f"\r{shown} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{count} {self.unit}, {format_number(rate, 0, self.lang)}/s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
