"""The sentences of the tracking, goal-seek and history results, in the run's language.

The analyses keep English notes for their CSV files; what a planner reads (the terminal summary
and the report) is built here from the numbers of the same rows and from the re-baselining
notes' fields (`sim.term.notes`), with the words of `sim.output.i18n`, the language's number
format and the human labels of targets and parameters, never their internal ids.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.core import names as naming
from sim.core.targets import Target, target_by_key, within
from sim.core.text import join_and, join_va
from sim.output.i18n import (
    Bilingual,
    format_band,
    format_number,
    format_short,
    format_signed,
    indicator_label,
    label_text,
    parameter_text,
    parameter_unit,
    range_dash,
    text,
    unit_text,
)
from sim.term.notes import Implausible, LevelWins, NotComparable, Note
from sim.term.total_fit import Derived, TotalGap, TotalScaled, TotalShifted

if TYPE_CHECKING:
    from sim.term.tracking import Rebaselined  # (pandas: not loaded for a sentence)

__all__ = [
    "target_label",
    "verdict_text",
    "tracking_note_text",
    "total_gap_text",
    "goal_seek_text",
    "history_statement",
    "realism_flag_text",
    "consistency_item_text",
]


def _target(key: str, targets: Sequence[Target]) -> Target | None:
    try:
        return target_by_key(key, targets)
    except KeyError:
        return None


def target_label(key: str, lang: str, targets: Sequence[Target]) -> str:
    """A target's label in `lang` (the key itself for a target the plan, `targets`, does not
    hold)."""
    target = _target(key, targets)
    return key if target is None else label_text(target, lang)


def _rate(value: float, lang: str, decimals: int = 2) -> str:
    return f"{format_number(value, decimals, lang)} {unit_text('%/yr', lang)}"


_FIXED_VERDICTS = {
    "not projected": "trk.not_projected",
    "a floor for each year, not a growth path: see the scorecard": "trk.floor",
    "outside the projection years": "trk.outside",
    "the term is over: see the re-baselined scorecard": "trk.over",
}


def verdict_text(row: Any, lang: str, rebased: Rebaselined) -> str:
    """The verdict of a row of `required_growth` (sim.term.tracking) in `lang`, from its
    numbers: the growth needed in the remaining years against the scenario's own pace, and the
    figures solved from a total it rests on (from `rebased`, the row's scenario re-baselined)."""
    low, high = float(row.required_low_pct), float(row.required_high_pct)
    target = _target(str(row.target), rebased.result.scenario.plan.targets)
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
    return verdict + _solved_suffix(_solved_behind(row, rebased), lang)


def _solved_behind(row: Any, rebased: Rebaselined) -> tuple[Derived, ...]:
    """The solved figures of the row's indicator, checked against the row's own record of them
    (a verdict must not lose its warning by being given another scenario's path)."""
    solved = rebased.solved_behind(str(row.indicator), int(row.latest_actual_year))
    recorded = "; ".join(d.describe() for d in solved)
    if rebased.result.scenario.name != row.scenario or recorded != row.solved_from_total:
        raise ValueError(f"row {row.scenario}/{row.target} is not of this re-baselined path")
    return solved


def _solved_suffix(solved: Sequence[Derived], lang: str) -> str:
    """' - but this rests on a figure solved from the total, NOT OBSERVED: ...', or ''."""
    if not solved:
        return ""
    figures = [
        text("trk.solved_figure", lang).format(
            sector=d.sector,
            label=text(d.sector, lang),
            year=d.year,
            value=format_number(d.value, 2, lang),
        )
        for d in solved
    ]
    wanted = [
        text("trk.solved_wanted", lang).format(
            indicator=d.indicator, label=text(d.sector, lang), year=d.year
        )
        for d in solved
    ]
    return text("trk.solved_suffix", lang).format(
        figures="; ".join(figures), wanted=_and(wanted, lang)
    )


def _and(items: Sequence[str], lang: str) -> str:
    """'a', 'a and b', 'a, b and c' in `lang`."""
    return join_va(items) if lang == "vi" else join_and(items)


def _short_rate(value: float, lang: str) -> str:
    return f"{format_short(value, lang)} {unit_text('%/yr', lang)}"


def _two_decimals_band(low: float, high: float, lang: str) -> str:
    """The required growth as the verdict shows it: 16,33-18,04 %/năm, or one figure."""
    if math.isnan(high) or abs(high - low) < 5e-3:
        return _rate(low, lang)
    unit = unit_text("%/yr", lang)
    dash = range_dash(low, high, lang)
    return f"{format_number(low, 2, lang)}{dash}{format_number(high, 2, lang)} {unit}"


def _sector_names(sectors: Sequence[str], lang: str) -> str:
    return ", ".join(text(s, lang) for s in sectors)


def tracking_note_text(note: Note, lang: str, labels: dict[str, Bilingual] | None = None) -> str:
    """A re-baselining note (`Rebaselined.applied`) in `lang`, from its fields; labels: the
    scenario's linked indicators (`linked_labels`)."""
    match note:
        case LevelWins():
            what = indicator_label(note.indicator, lang, labels)
            return text("trk.level_wins", lang).format(what=what, year=note.year)
        case TotalScaled() | TotalShifted():
            return _total_fit_text(note, lang)
        case TotalGap():
            return total_gap_text(note, lang)
        case Derived():
            return _derived_text(note, lang)
        case NotComparable():
            o = note.obs
            return text("trk.not_comparable", lang).format(
                what=indicator_label(o.indicator, lang, labels),
                year=o.year,
                value=format_short(o.value, lang),
                concept=text(f"concept.{o.concept}", lang),
            )
        case Implausible():
            return _implausible_text(note, lang, labels)
    raise TypeError(f"not a re-baselining note: {note!r}")


def _total_fit_text(note: TotalScaled | TotalShifted, lang: str) -> str:
    words = {
        "year": note.total.year,
        "total": format_short(note.total.value, lang),
        "names": _sector_names(note.sectors, lang),
    }
    if isinstance(note, TotalScaled):
        return text("trk.scaled", lang).format(**words, factor=format_number(note.factor, 3, lang))
    return text("trk.shifted", lang).format(**words, shift=format_signed(note.shift, 2, lang))


def total_gap_text(gap: TotalGap, lang: str) -> str:
    """A reported total the three observed sectors overrule, and by how much."""
    return text("tracking.total_gap", lang).format(
        year=gap.total.year,
        reported=format_number(gap.total.value, 1, lang),
        made=format_number(gap.rebaselined, 2, lang),
        gap=format_number(gap.gap, 2, lang),
    )


def _derived_text(d: Derived, lang: str) -> str:
    given = (
        text("trk.derived_given", lang).format(names=_and([text(s, lang) for s in d.given], lang))
        if d.given
        else ""
    )
    return text("trk.derived", lang).format(
        sector=text(d.sector, lang),
        year=d.year,
        value=format_number(d.value, 2, lang),
        total=format_short(d.total.value, lang),
        given=given,
    )


def _implausible_text(note: Implausible, lang: str, labels: dict[str, Bilingual] | None) -> str:
    parts = []
    for series, group in note.by_series().items():
        rates = dict.fromkeys(f"{format_number(f.rate, 1, lang)} %" for f in group)
        low, high = group[0].bounds
        parts.append(
            text("trk.implausible_part", lang).format(
                what=indicator_label(naming.growth(series.removeprefix("output.")), lang, labels),
                rate=", ".join(rates),
                low=format_short(low, lang),
                high=format_short(high, lang),
            )
        )
    o = note.obs
    return text("trk.implausible", lang).format(
        what=indicator_label(o.indicator, lang, labels),
        year=o.year,
        value=format_short(o.value, lang),
        where=f"{note.path}:{o.line}",
        parts="; ".join(parts),
    )


def _with_unit(value: float, unit: str, lang: str, decimals: int = 2) -> str:
    shown = format_short(value, lang, decimals)
    return f"{shown} {unit_text(unit, lang)}" if unit else shown


def goal_seek_text(
    row: Any,
    lang: str,
    labels: dict[str, Bilingual] | None = None,
    targets: Sequence[Target] = (),
) -> str:
    """A goal seek of `sim.analysis.suite.goal_seek_table` as one sentence in `lang`, naming
    the target of the plan (`targets`) and the parameter it moves (by their labels) and the
    bracket it searched."""
    parameter = f"“{parameter_text(str(row.parameter), lang, labels)}”"
    unit = parameter_unit(str(row.parameter))
    target = _target(str(getattr(row, "target_key", "")), targets)
    if target is None:
        return str(row.note)
    goal = label_text(target, lang)
    value = _with_unit(float(row.target), target.unit, lang)
    if math.isnan(float(row.measure_at_low)):
        return text("goal.not_computable", lang).format(parameter=parameter)
    aim = text(_aim(target, float(row.target)), lang)
    if not bool(row.reachable):
        side = "goal.above" if float(row.measure_at_low) > float(row.target) else "goal.below"
        low, high = float(row.bracket_low), float(row.bracket_high)
        return text("goal.unreachable", lang).format(
            low=format_short(low, lang),
            high=format_short(high, lang),
            range=format_band(low, high, lang, 2, unit).strip(),
            parameter=parameter,
            goal=goal,
            aim=aim,
            at_low=format_short(float(row.measure_at_low), lang),
            at_high=format_short(float(row.measure_at_high), lang),
            side=text(side, lang),
            value=value,
        )
    level = target.measure == "level"
    words = (goal, aim, value, parameter)
    return "; ".join(_found_parts(row, lang, labels, words, unit, level))


def _aim(target: Target, goal: float) -> str:
    """Which point of the band a goal seek aims at (the key of its words): the low end (the
    minimum that meets the target), the "about" figure, or the plan's own `goal` (the top of
    the band for the bundled output growth)."""
    if target.goal is not None:
        return (
            "goal.aim.top" if target.high is not None and goal == target.high else "goal.aim.plan"
        )
    return "goal.aim.about" if target.approximate else "goal.aim.low"


def _found_parts(
    row: Any,
    lang: str,
    labels: dict[str, Bilingual] | None,
    words: tuple[str, str, str, str],
    unit: str,
    level: bool,
) -> list[str]:
    """The clauses of a goal seek that reached its goal: the value found, how many times the
    goal is crossed, the average growth a level target implies (unless it repeats the rate
    found), and whether the value lies in the scenario's uncertainty range."""
    goal, aim, value, parameter = words  # (the target's label, its aim, goal and parameter)
    parts = [
        text("goal.found", lang).format(
            goal=goal,
            aim=aim,
            value=value,
            parameter=parameter,
            found=_with_unit(float(row.value_found), unit, lang, 3),
        )
    ]
    if int(row.crossings) > 1:
        parts.append(text("goal.crossed", lang).format(n=int(row.crossings)))
    indicator = str(getattr(row, "indicator", ""))
    growth = float(getattr(row, "indicator_cagr_pct", math.nan))
    found = float(row.value_found)
    repeats = unit == "%/yr" and round(growth, 2) == round(found, 2)  # its own constant rate
    if level and indicator and not math.isnan(growth) and not repeats:
        what = indicator_label(indicator, lang, labels)
        parts.append(text("goal.level_growth", lang).format(what=what, rate=_rate(growth, lang)))
    low, high = float(row.range_low), float(row.range_high)
    if not math.isnan(low):
        where = "goal.inside" if within(found, low, high) else "goal.outside"
        parts.append(text(where, lang).format(band=format_band(low, high, lang, 3, unit)))
    return parts


def history_statement(history: Any, lang: str) -> str:
    """What the history scenario says of the source's arithmetic (HistoryResult), in `lang`;
    without one (the plan's `[history]` rates alone), where the record comes from."""
    if history.result is None:
        record = history.record
        return text("his.rates_only", lang).format(
            start=record.first_year + 1, end=record.last_year
        )
    scenario = history.result.scenario
    implied = history.consistency.set_index("item").value.get("implied_total_cagr_pct")
    statement = text("his.statement", lang).format(
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
        shift=format_signed(shift, 2, lang),
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
