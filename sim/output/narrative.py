"""The sentences of the tracking, goal-seek and history results, in the run's language.

The analyses keep English notes for their CSV files; what a planner reads (the terminal summary
and the report) is built here from the numbers of the same rows, with the words of
`sim.output.i18n`, the language's number format and the human labels of targets and parameters,
never their internal ids.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sim.core.model import SECTORS
from sim.core.targets import Target, target_by_key
from sim.output.i18n import (
    Bilingual,
    format_band,
    format_number,
    format_short,
    indicator_label,
    label_text,
    parameter_text,
    parameter_unit,
    text,
    unit_text,
)

__all__ = [
    "target_label",
    "verdict_text",
    "tracking_note_text",
    "goal_seek_text",
    "history_statement",
    "realism_flag_text",
    "consistency_item_text",
]


def _target(key: str) -> Target | None:
    try:
        return target_by_key(key)
    except KeyError:
        return None


def target_label(key: str, lang: str) -> str:
    """A target's label in `lang` (the key itself for a target the congress set does not hold)."""
    target = _target(key)
    return key if target is None else label_text(target, lang)


def _rate(value: float, lang: str, decimals: int = 2) -> str:
    return f"{format_number(value, decimals, lang)} {unit_text('%/yr', lang)}"


_FIXED_VERDICTS = {
    "not projected": "trk.not_projected",
    "a floor for each year, not a growth path: see the scorecard": "trk.floor",
    "outside the projection years": "trk.outside",
    "the term is over: see the re-baselined scorecard": "trk.over",
}


def verdict_text(row: Any, lang: str) -> str:
    """The verdict of a row of `required_growth` (sim.term.tracking) in `lang`, from its
    numbers: the growth needed in the remaining years against the scenario's own pace."""
    low, high = float(row.required_low_pct), float(row.required_high_pct)
    target = _target(str(row.target))
    if math.isnan(low) or target is None:
        key = _FIXED_VERDICTS.get(str(row.verdict))
        return text(key, lang) if key else str(row.verdict)
    latest, end = int(row.latest_actual_year), target.end_year
    span = f"{latest + 1}-{end}" if end > latest + 1 else f"{end}"
    ceiling = float(row.plausible_ceiling_pct)
    if low <= 0.0:
        verdict = text("trk.already_met", lang)
    elif not math.isnan(ceiling) and low > ceiling:
        verdict = text("trk.out_of_reach", lang).format(
            rate=_rate(low, lang, 1), span=span, ceiling=_short_rate(ceiling, lang)
        )
    else:
        band = _two_decimals_band(low, high, lang)
        assumed = float(row.assumed_pct)
        pace = (
            text("trk.own_pace", lang)
            if assumed >= low - 1e-9
            else text("trk.above", lang).format(rate=_rate(assumed, lang))
        )
        verdict = f"{text('trk.needs', lang).format(band=band, span=span)}; {pace}"
    if not bool(row.observed):
        verdict += f" ({text('trk.not_observed', lang).format(year=latest)})"
    return verdict


def _short_rate(value: float, lang: str) -> str:
    return f"{format_short(value, lang)} {unit_text('%/yr', lang)}"


def _two_decimals_band(low: float, high: float, lang: str) -> str:
    """The required growth as the verdict shows it: 16,33-18,04 %/năm, or one figure."""
    if math.isnan(high) or abs(high - low) < 5e-3:
        return _rate(low, lang)
    unit = unit_text("%/yr", lang)
    return f"{format_number(low, 2, lang)}-{format_number(high, 2, lang)} {unit}"


_LEVEL_WINS = re.compile(r"^(\S+) (\d{4}) not used: the level is observed that year$")
_TOTAL_UNUSED = re.compile(r"^growth\.total (\d{4}) not used: all three sectors are observed")
_SCALED = re.compile(r"^growth\.total (\d{4}) = (\S+) %: growth of (.+) scaled by (\S+)$")
_SHIFTED = re.compile(r"^growth\.total (\d{4}) = (\S+) %: (.+) shifted by (\S+) points$")


def _sector_names(names: str, lang: str) -> str:
    return ", ".join(text(n, lang) if n in SECTORS else n for n in names.split(", "))


def tracking_note_text(note: str, lang: str, labels: dict[str, Bilingual] | None = None) -> str:
    """A re-baselining note (`Rebaselined.notes`) in `lang`; a note of another form as given."""
    if found := _LEVEL_WINS.match(note):
        what = indicator_label(found[1], lang, labels)
        return text("trk.level_wins", lang).format(what=what, year=found[2])
    if found := _TOTAL_UNUSED.match(note):
        return text("trk.total_unused", lang).format(year=found[1])
    if found := _SCALED.match(note):
        return text("trk.scaled", lang).format(
            year=found[1],
            total=format_short(float(found[2]), lang),
            names=_sector_names(found[3], lang),
            factor=format_number(float(found[4]), 3, lang),
        )
    if found := _SHIFTED.match(note):
        shift = float(found[4])
        return text("trk.shifted", lang).format(
            year=found[1],
            total=format_short(float(found[2]), lang),
            names=_sector_names(found[3], lang),
            shift=("+" if shift > 0 else "−") + format_number(abs(shift), 2, lang),
        )
    return note


def _with_unit(value: float, unit: str, lang: str, decimals: int = 2) -> str:
    shown = format_short(value, lang, decimals)
    return f"{shown} {unit_text(unit, lang)}" if unit else shown


def goal_seek_text(row: Any, lang: str, labels: dict[str, Bilingual] | None = None) -> str:
    """A goal seek of `sim.analysis.suite.goal_seek_table` as one sentence in `lang`, naming
    the target and the parameter it moves (by their labels) and the bracket it searched."""
    parameter = f"“{parameter_text(str(row.parameter), lang, labels)}”"
    unit = parameter_unit(str(row.parameter))
    target = _target(str(getattr(row, "target_key", "")))
    if target is None:
        return str(row.note)
    goal = label_text(target, lang)
    value = _with_unit(float(row.target), target.unit, lang)
    if math.isnan(float(row.measure_at_low)):
        return text("goal.not_computable", lang).format(parameter=parameter)
    if not bool(row.reachable):
        side = "goal.above" if float(row.measure_at_low) > float(row.target) else "goal.below"
        return (
            text("goal.unreachable", lang)
            .format(
                low=format_short(float(row.bracket_low), lang),
                high=format_short(float(row.bracket_high), lang),
                unit=unit_text(unit, lang),
                parameter=parameter,
                goal=goal,
                at_low=format_short(float(row.measure_at_low), lang),
                at_high=format_short(float(row.measure_at_high), lang),
                side=text(side, lang),
                value=value,
            )
            .replace("  ", " ")
        )
    parts = [
        text("goal.found", lang).format(
            goal=goal,
            value=value,
            parameter=parameter,
            found=_with_unit(float(row.value_found), unit, lang, 3),
        )
    ]
    if int(row.crossings) > 1:
        parts.append(text("goal.crossed", lang).format(n=int(row.crossings)))
    if target.key == "budget_2025" and not math.isnan(float(row.indicator_cagr_pct)):
        parts.append(
            text("goal.budget_growth", lang).format(rate=_rate(row.indicator_cagr_pct, lang))
        )
    low, high = float(row.range_low), float(row.range_high)
    if not math.isnan(low):
        where = "goal.inside" if low <= float(row.value_found) <= high else "goal.outside"
        parts.append(text(where, lang).format(band=format_band(low, high, lang, 3, unit)))
    return "; ".join(parts)


def history_statement(history: Any, lang: str) -> str:
    """What the history scenario says of the source's arithmetic (HistoryResult), in `lang`."""
    scenario = history.result.scenario
    implied = history.consistency.set_index("item").value.get("implied_total_cagr_pct")
    statement = text("his.statement", lang).format(
        name=scenario.title(lang),
        year=scenario.level_year,
        implied=_rate(float(implied), lang),
        base=scenario.base_year,
        end=scenario.end_year,
    )
    if history.calibration_shift_pct is None:
        return statement + text("his.uncalibrated", lang)
    shift = float(history.calibration_shift_pct)
    return statement + text("his.calibrated", lang).format(
        reported=_short_rate(float(scenario.calibration_total_cagr_pct), lang),
        sectors=", ".join(text(s, lang) for s in scenario.calibration_sectors),
        shift=("+" if shift > 0 else "−") + format_number(abs(shift), 2, lang),
    )


def realism_flag_text(row: Any, period: str, lang: str) -> str:
    """The realism flag of a row of `realism_table` in `lang`: "" when within the range."""
    if not row.flag:
        return ""
    above = float(row.assumed) > float(row.supported_high)
    return text("his.above" if above else "his.below", lang).format(period=period)


_PER_SECTOR = ("base_share_pct", "calibrated_growth_pct")


def consistency_item_text(item: str, lang: str) -> str:
    """A row of the history's consistency table (`item` as in consistency.csv) in `lang`."""
    family, _, sector = item.partition(".")
    if family in _PER_SECTOR and sector:
        return text(f"con.{family}", lang).format(sector=text(sector, lang))
    key = f"con.{item}"
    shown = text(key, lang)
    return item if shown == key else shown
