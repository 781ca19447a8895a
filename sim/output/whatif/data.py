"""The what-if page's data: each scenario's resolved parameters, the targets and the words, as
one JSON-ready mapping that the page's script reads (`sim/output/whatif/page.js`).

The page recomputes the model from these numbers in JavaScript; everything it needs to do that,
and to label what it shows, is here, so the script holds no number of the model and no word:
every word comes from `sim.output.i18n` (the page's own under the keys "whatif.*").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sim.core.model import DERIVED_SUMS, SECTORS
from sim.core.targets import COMPARISON_TOLERANCE, Target
from sim.output.i18n import (
    LANGS,
    Bilingual,
    band_text,
    format_date,
    indicator_label,
    linked_labels,
    setting_text,
    text,
    unit_text,
    words_under,
)
from sim.output.plan_text import plan_line, whatif_title
from sim.run import ScenarioResult, solved_in_translation
from sim.scenario.loader import parse_setting
from sim.scenario.parameters import numeric_parameters
from sim.scenario.values import WHAT_IF, Scenario
from sim.scenario.writer import toml_value

__all__ = ["page_data", "scenario_payload", "skip_reason", "PAGE_WORDS"]

PAGE_WORDS: dict[str, tuple[str, str]] = {
    key: (words.vi, words.en) for key, words in words_under("whatif.").items()
}
"""The page's own words, whose home is `sim.output.i18n` (keys "whatif.*", here without the prefix)."""

_I18N_KEYS = (
    "scorecard", "target", "band", "value", "status", "gap", "unit", "year", "source_lines",
    "met", "exceeded", "missed", "not projected", "outside horizon", "no value", "parameter",
    "indicator", "range_to",
    "services", "industry", "agriculture", "other", "total",
    "param.growth_pct", "param.growth_pct_by_year", "param.share_pct", "param.elasticity",
    "param.base", "param.residual_growth_pct", "footer_short", "target_band",
)  # fmt: skip


def skip_reason(scenario: Scenario) -> str | None:
    """Why the page cannot recompute `scenario` (None when it can): a back-cast (anchor year) or
    a calibration runs the model inside the translation to model inputs, which the page does
    not repeat."""
    return solved_in_translation(scenario)


def page_data(results: Sequence[ScenarioResult], lang: str, generated: datetime) -> dict[str, Any]:
    """Everything the page shows and computes from, JSON-ready (floats in full precision)."""
    skipped = [r for r in results if skip_reason(r.scenario) is not None]
    shown = [r for r in results if r not in skipped]
    first = results[0].scenario
    words = words_under("whatif.")
    words.update({key: Bilingual(text(key, "vi"), text(key, "en")) for key in _I18N_KEYS})
    words["percent_per_year"] = Bilingual(unit_text("%/yr", "vi"), unit_text("%/yr", "en"))
    # The plan's locality in the title (page.js fills in the years of the scenario shown); its
    # source (and a starter's mark) on the line under it and in the footer.
    plan = first.plan
    words["page_title"] = Bilingual(whatif_title(plan, "vi"), whatif_title(plan, "en"))
    line = Bilingual(plan_line(plan, "vi"), plan_line(plan, "en"))
    words["footer_short"] = line
    intro = words["intro"]
    words["intro"] = Bilingual(f"{line.vi} {intro.vi}".strip(), f"{line.en} {intro.en}".strip())
    # the saved file's title is marked as the command marks a --set run's (one term, WHAT_IF)
    words["saved_title"] = Bilingual(*(f"{{title}} ({WHAT_IF.in_(x)})" for x in ("vi", "en")))
    return {
        "lang": lang,
        "generated": generated.strftime("%Y-%m-%d %H:%M"),  # (the saved file's comment)
        "generated_shown": {x: f"{format_date(generated, x)} {generated:%H:%M}" for x in LANGS},
        "period": {"base": first.base_year, "end": first.end_year},
        "words": {key: _both(w) for key, w in words.items()},
        "scenarios": [scenario_payload(r) for r in shown],
        "skipped": [r.scenario.name for r in skipped],
        "skipped_titles": [{"vi": r.scenario.title_vi, "en": r.scenario.title_en} for r in skipped],
        "targets": [target_payload(t) for t in first.plan.targets],
        "tolerance": COMPARISON_TOLERANCE,
    }


def _both(words: Bilingual) -> dict[str, str]:
    return {lang: words.in_(lang) for lang in LANGS}


def scenario_payload(result: ScenarioResult) -> dict[str, Any]:
    """One scenario: its structure, its parameters (the `--set` paths), labels and ranges."""
    s = result.scenario
    labels = linked_labels(result)
    return {
        "name": s.name,
        "file": s.files[0].name,
        "extends": s.files[0].stem,
        # the title as shown (marked what-if when --set changed the scenario), as filed (the
        # saved file marks its own), and the line naming the --set values ("" without)
        "title": {lang: s.title(lang) for lang in LANGS},
        "filed_title": {"vi": s.title_vi, "en": s.title_en},
        "what_if": {lang: _what_if(s, lang, labels) for lang in LANGS},
        "description": {"vi": s.description_vi, "en": s.description_en},
        "base_year": s.base_year,
        "end_year": s.end_year,
        "residual": s.residual or "normalise",
        "base_total": s.base_total_bn_vnd or 100.0,
        "budget_concept": s.budget_concept,
        "sectors": list(SECTORS),
        "indicators": [
            {"name": name, "rule": ind.rule, "unit": _units(ind.unit), "label": _both(labels[name])}
            for name, ind in s.indicators.items()
        ],
        "derived": {n: list(p) for n, p in DERIVED_SUMS.items() if p[0] in s.indicators},
        "params": numeric_parameters(s),
        "ranges": _ranges(s),
        "carried": _carried(s),
        "series": {
            name: {
                "label": {lang: indicator_label(name, lang, labels) for lang in LANGS},
                "unit": _units(result.units[name]),
            }
            for name in result.series
        },
    }


def _what_if(scenario: Scenario, lang: str, labels: dict[str, Bilingual]) -> str:
    """The page's line naming the --set values that changed `scenario`; "" for one as filed."""
    if not scenario.settings:
        return ""
    changes = "; ".join(setting_text(setting, lang, labels) for setting in scenario.settings)
    return text("what_if.page", lang).format(changes=changes)


def _units(unit: str) -> dict[str, str]:
    return {lang: unit_text(unit, lang) for lang in LANGS}


def _ranges(scenario: Scenario) -> dict[str, list[float]]:
    """path -> [low, high] of the parameters the scenario's [uncertainty] gives a range (the
    ranges of the bundled scenarios are the source's target ranges)."""
    if scenario.uncertainty is None:
        return {}
    return {d.parameter: [d.low, d.high] for d in scenario.uncertainty.distributions}


def _carried(scenario: Scenario) -> list[list[str]]:
    """[key, TOML value] of each `--set` of the run, and the end year when `--end-year` moved
    it: a file saved from the page must carry them to reproduce what the page started from."""
    carried = []
    filed_end_year = scenario.replaced.get("end_year", scenario.end_year)  # (before the options)
    if filed_end_year != scenario.end_year:  # the year the run used, whichever option set it
        carried.append(["end_year", toml_value(scenario.end_year)])
    for setting in scenario.settings:
        key, value = parse_setting(setting)
        if key != "end_year":  # (said above, as the year the run used)
            carried.append([key, toml_value(value)])
    return carried


def target_payload(target: Target) -> dict[str, Any]:
    return {
        "key": target.key,
        "indicator": target.indicator,
        "measure": target.measure,
        "start_year": target.start_year,
        "end_year": target.end_year,
        "low": target.low,
        "high": target.high,
        "approximate": target.approximate,  # an "about" figure: the middle of low..high
        "figure": target.figure,
        "tolerance_pct": target.tolerance_pct,
        "label": {"vi": target.label_vi, "en": target.label_en},
        "band": {lang: band_text(target, lang) for lang in LANGS},
        "unit": _units(target.unit),
        "source_lines": target.source_lines,
    }
