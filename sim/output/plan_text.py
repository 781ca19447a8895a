"""The plan's words in every output: its locality in titles, its source in footers, its target
figures in captions, and the notes that say a plan sets no targets or holds a starter's examples.

The words themselves are in `sim.output.i18n`; this module fills them in from a
`sim.core.plan.Plan`, so no output names a locality or a figure of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sim.core import names
from sim.core.model import SECTORS
from sim.core.plan import Plan
from sim.core.targets import Target, find_target
from sim.output.i18n import band_text, format_date, text
from sim.run import ScenarioResult

__all__ = [
    "actuals_source",
    "footer_text",
    "report_title",
    "source_note",
    "plan_line",
    "whatif_title",
    "example_mark",
    "plan_notes",
    "no_targets_note",
    "checks_budget_target",
    "chart_caption",
]

_BUDGET = ("budget_concept", "budget_revenue")


def footer_text(plan: Plan, lang: str, run_date: date, actuals: str = "") -> str:
    """A chart's footer: the plan's source, where the `actuals` a chart shows come from (their
    sources, `actuals_source`), the model, the run date (and the starter mark)."""
    day = format_date(run_date, lang)
    if plan.source is None:
        words = text("footer_no_plan", lang).format(date=day)
    elif actuals:
        source = plan.source.in_(lang)
        words = text("footer.actuals", lang).format(source=source, actuals=actuals, date=day)
    else:
        words = text("footer", lang).format(source=plan.source.in_(lang), date=day)
    return f"{text('plan_example_short', lang)}. {words}" if plan.example else words


ACTUALS_SOURCE_CHARS = 40
"""The longest list of the actuals' sources a footer names; longer, the file's name instead."""


def actuals_source(actuals: Any) -> str:
    """Where a run's actuals (`sim.scenario.actuals.Actuals`; None: a run without) come from,
    for a chart's footer: the sources their file names (its `source` column, each once, in
    order), or the file's name if it names none or too many to fit; "" without actuals."""
    if actuals is None:
        return ""
    observations: Iterable[Any] = actuals.observations
    sources = list(dict.fromkeys(o.source.strip() for o in observations if o.source.strip()))
    listed = ", ".join(sources)
    if listed and len(listed) <= ACTUALS_SOURCE_CHARS:
        return listed
    name = str(actuals.path.name)
    return name if len(name) <= ACTUALS_SOURCE_CHARS else name[: ACTUALS_SOURCE_CHARS - 1] + "…"


def report_title(plan: Plan, base: int, end: int, lang: str) -> str:
    """ "Dự báo kinh tế <the plan's locality> giai đoạn 2020-2025"."""
    if plan.locality is None:
        return text("report_title_no_plan", lang).format(base=base, end=end)
    return text("report_title", lang).format(locality=plan.locality.in_(lang), base=base, end=end)


def source_note(plan: Plan, lang: str) -> str:
    """ "Nguồn số liệu: <the plan's source>." ("" without a plan)."""
    if plan.source is None:
        return ""
    return text("footer_short", lang).format(source=plan.source.in_(lang))


def plan_line(plan: Plan, lang: str) -> str:
    """The line under a file's title that names where its figures come from: "SỐ LIỆU VÍ DỤ,
    cần thay. Nguồn số liệu: <the plan's source>." (the mark only for a starter's examples)."""
    mark = f"{text('plan_example_short', lang)}." if plan.example else ""
    return " ".join(part for part in (mark, source_note(plan, lang)) if part)


def whatif_title(plan: Plan, lang: str) -> str:
    """The what-if page's title, naming the plan's locality; "{base}" and "{end}" are left for
    the page to fill in with the scenario shown."""
    if plan.locality is None:
        return text("whatif.page_title", lang)
    return text("whatif.page_title_of", lang).replace("{locality}", plan.locality.in_(lang))


def example_mark(plan: Plan) -> str:
    """The mark of a starter's example values in a file without a language (a CSV): both
    languages, "SỐ LIỆU VÍ DỤ, cần thay (EXAMPLE VALUES, to replace)"; "" for a plan's own."""
    if not plan.example:
        return ""
    return f"{text('plan_example_short', 'vi')} ({text('plan_example_short', 'en')})"


def plan_notes(plan: Plan, lang: str) -> list[str]:
    """What a reader must know about the plan itself: its values are a starter's examples. (That
    it sets no targets, or none in the run's years, is `no_targets_note`, said once.)"""
    return [f"{text('plan_example', lang)}."] if plan.example else []


def no_targets_note(results: Sequence[ScenarioResult], lang: str) -> str:
    """ "The 2025-2030 term has no targets yet (...)": when the plan sets none, or when none of
    its targets' years lie in the run's years (every score outside the horizon or not
    projected); "" otherwise. Said once, in place of the scorecard. The term is named as the
    scenario titles and the plan name it (base year - end year)."""
    if not results or _any_checked(results):
        return ""
    first = results[0].scenario
    plan = first.plan
    if not plan.targets:
        start, end = plan.term if plan.term is not None else (first.base_year, first.end_year)
        words = "plan_no_targets" if plan.file else "plan_none"  # (no file: NO_PLAN)
        return text(words, lang).format(start=start, end=end)
    periods = ", ".join(sorted({_period(t) for t in plan.targets}))
    return text("no_targets", lang).format(
        start=first.base_year, end=first.end_year, periods=periods
    )


def _any_checked(results: Sequence[ScenarioResult]) -> bool:
    """Whether any target is checked in the results' years (a score met, exceeded or missed)."""
    return any(row.evaluated for r in results for row in r.scores)


def checks_budget_target(results: Sequence[ScenarioResult]) -> bool:
    """Whether the run checks a target on the budget line each scenario names
    (`budget_concept`): only then is there a budget target to say that line of. False when the
    plan sets none, or none in the run's years (`no_targets_note` says so instead)."""
    targets = results[0].scenario.plan.targets if results else ()
    on_budget = any(t.indicator == "budget_concept" for t in targets)
    return on_budget and _any_checked(results)


def _period(target: Target) -> str:
    return f"{target.start_year + 1}-{target.end_year}"


def chart_caption(key: str, plan: Plan, base: int, end: int, lang: str) -> str:
    """The caption of chart `key` ("caption.income", ...), with the plan's figures filled in;
    a chart whose target the plan does not set gets its caption without it."""
    targets = plan.targets
    if key in ("caption.budget", "caption.budget.alone"):
        return _budget_caption(targets, lang, land_use=key == "caption.budget")
    lookups = {
        "caption.output_index": (("output.total",), "cagr"),
        "caption.output_value": (("output.total",), "cagr"),
        "caption.sector_growth": (tuple(names.output(s) for s in (*SECTORS, names.TOTAL)), "cagr"),
        "caption.income": (("income_per_capita",), "level"),
    }
    if key not in lookups:
        return text(key, lang).format(base=base, end=end)
    target = find_target(targets, *lookups[key])
    if target is None:
        return text(f"{key}.plain", lang).format(base=base, end=end)
    return text(key, lang).format(
        base=base,
        end=end,
        band=band_text(target, lang),
        period=_period(target),
        year=target.end_year,
    )


def _budget_caption(targets: Sequence[Target], lang: str, land_use: bool = True) -> str:
    """Top panel: the budget with the plan's growth corridor and level star; bottom: land-use
    fees with the plan's yearly floor: each part only when the plan sets it (without
    `land_use`, no scenario has land-use fees: the budget alone, one panel)."""
    growth = find_target(targets, _BUDGET, "cagr")
    level = find_target(targets, _BUDGET, "level")
    floor = find_target(targets, ("land_use_revenue",), "min_each_year")
    top = text("caption.budget.top" if land_use else "caption.budget.alone", lang)
    if growth is not None:
        top += text("caption.budget.corridor", lang).format(band=band_text(growth, lang))
    if level is not None:
        top += text("caption.budget.star", lang).format(
            band=band_text(level, lang), year=level.end_year
        )
    if not land_use:
        return f"{top}."
    bottom = text("caption.budget.bottom", lang)
    if floor is not None:
        bottom += text("caption.budget.floor", lang).format(band=band_text(floor, lang))
    return f"{top}. {bottom}."
