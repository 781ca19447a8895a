"""The short terminal summary of a run (plain text, English; the CLI prints it), and the
progress bar."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TextIO

from sim.output import i18n
from sim.output.i18n import format_number, format_pct
from sim.run import ScenarioResult

__all__ = [
    "format_summary",
    "format_tracking",
    "format_sensitivity",
    "format_history",
    "ProgressBar",
]


def _fmt(value: float, decimals: int = 1) -> str:
    """A number as the terminal shows it: 1,234.5, and "-" for none."""
    return format_number(value, decimals, "en", missing="-")


def format_summary(results: Sequence[ScenarioResult]) -> str:
    """Per scenario: end-year output, growth of the total, income, budget; then the scorecard."""
    lines: list[str] = []
    width = max(12, *(len(r.scenario.name) for r in results))
    lines.append(
        f"{'scenario':<{width}}  {'year':>4}  {'output':>8}  {'growth':>8}  {'income':>8}  "
        f"{'budget':>8}  {'budget+land':>11}  targets"
    )
    lines.append(
        f"{'':<{width}}  {'':>4}  {'index':>8}  {'%/yr':>8}  {'mVND/p':>8}  "
        f"{'bn VND':>8}  {'bn VND':>11}  met"
    )
    for r in results:
        s, series = r.scenario, r.series
        unit_note = " (bn VND)" if s.output_unit == "billion VND" else ""
        evaluated = [x for x in r.scores if x.status in ("met", "exceeded", "missed")]

        def last(name: str, series=series) -> float:
            return float(series[name][-1]) if name in series else float("nan")

        lines.append(
            f"{s.name:<{width}}  {s.end_year:>4}  {_fmt(last('output.total')):>8}  "
            f"{_fmt(last('cagr.total'), 2):>8}  {_fmt(last('income_per_capita')):>8}  "
            f"{_fmt(last('budget_revenue')):>8}  {_fmt(last('budget_revenue_total')):>11}  "
            f"{f'{sum(x.met for x in evaluated)}/{len(evaluated)}' if evaluated else 'none'}"
            f"{unit_note}"
        )
    lines.append("")
    for r in results:
        lines.append(
            f"{r.scenario.name}: {r.scenario.residual_statement}; "
            f"budget target compared with {r.scenario.budget_concept}"
        )
    lines.append("")
    names = [r.scenario.name for r in results]
    col = max(16, *(len(n) + 2 for n in names))
    targets = results[0].scenario.plan.targets if results else ()
    if not targets:
        lines.append(i18n.text("plan_no_targets", "en"))
        return "\n".join(lines)
    label_width = max((len(f"{t.label_en} ({t.band_text} {t.unit})") for t in targets), default=0) + 1
    lines.append(
        f"{'scorecard: value, and met or the gap to the band':<{label_width}}"
        + "".join(f"{n:>{col}}" for n in names)
    )
    for i, target in enumerate(targets):
        label = f"{target.label_en} ({target.band_text} {target.unit})"
        cells = []
        for r in results:
            row = r.scores[i]
            if row.status in ("met", "exceeded", "missed"):
                mark = "met" if row.status == "met" else f"{row.gap:+.2f}"
                cells.append(f"{_fmt(row.value, 2)} {mark}")
            else:
                cells.append(row.status)
        lines.append(f"{label:<{label_width}}" + "".join(f"{c:>{col}}" for c in cells))
    return "\n".join(lines)


def format_what_if(settings: Sequence[str], names: Sequence[str]) -> str:
    """Which scenarios of the run each --set changed (they are marked what-if everywhere)."""
    from sim.scenario.loader import setting_targets

    lines = ["what-if settings (the scenarios they changed are marked what-if in every output):"]
    for text, changed in setting_targets(settings, names):
        lines.append(f"  --set {text}: {', '.join(changed)}")
    return "\n".join(lines)


def format_tracking(tracking) -> str:
    """The growth each target needs for the rest of the term, per scenario."""
    lines = [
        f"mid-term tracking: actuals to {tracking.actuals.latest_year} "
        f"({tracking.actuals.path}); growth required for the rest of the term:"
    ]
    for reb in tracking.rebased:
        name = reb.result.scenario.name
        rows = tracking.required[tracking.required.scenario == name]
        lines.append(f"  {name}:")
        for row in rows.itertuples(index=False):
            lines.append(f"    {row.target:<20} {row.verdict}")
        for note in reb.notes:
            lines.append(f"    note: {note}")
    return "\n".join(lines)


def format_sensitivity(sensitivity) -> str:
    """Probabilities of meeting each target, and the goal seeks."""
    if sensitivity.target_probabilities.empty:
        lines = [
            "sensitivity: no scenario has an [uncertainty] section, so no Monte Carlo; goal seek:"
        ]
        lines += [
            f"  {g.scenario}: {g.note}" for g in sensitivity.goal_seek.itertuples(index=False)
        ]
        return "\n".join(lines)
    lines = [
        f"sensitivity: {sensitivity.draws:,} Monte Carlo draws, seed {sensitivity.seed}; "
        "probability of meeting each target:"
    ]
    table = sensitivity.target_probabilities.pivot(
        index="target", columns="scenario", values="probability"
    )
    names = list(table.columns)
    lines.append(f"  {'target':<22}" + "".join(f"{n:>14}" for n in names))
    for target, row in table.iterrows():
        cells = "".join(f"{'-' if v != v else format_pct(v * 100, 0, 'en'):>14}" for v in row)
        lines.append(f"  {target:<22}{cells}")
    lines.append("goal seek:")
    for g in sensitivity.goal_seek.itertuples(index=False):
        lines.append(f"  {g.scenario}: {g.note}")
    return "\n".join(lines)


def format_history(history) -> str:
    """The source's consistency and the realism flags."""
    lines = [f"track record: {history.calibration_statement}"]
    flagged = history.realism[history.realism.flag != ""]
    for r in flagged.itertuples(index=False):
        lines.append(
            f"  {r.scenario}: {r.parameter} = {r.assumed:g}, {r.flag} "
            f"(record {_fmt(r.track_record, 2)}; "
            f"supported {_fmt(r.supported_low, 2)}-{_fmt(r.supported_high, 2)})"
        )
    if flagged.empty:
        lines.append("  every assumption lies within what the track record supports")
    return "\n".join(lines)


class ProgressBar:
    """A one-line progress bar on a terminal, shown only once a task has taken over `delay` s;
    nothing at all on a stream that is not a terminal (a pipe, a file).

    Called as on_progress(label, done, total) (`sim.analysis.suite.ProgressReport`): a new
    label starts a new bar, with its own clock. `unit` names what is counted ("draws").
    """

    def __init__(self, stream: TextIO, delay: float = 1.0, width: int = 30, unit: str = "draws"):
        self.stream, self.delay, self.width, self.unit = stream, delay, width, unit
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
        self.stream.write(
            f"\r{label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done:,}/{total:,} {self.unit}, {rate:,.0f}/s"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
