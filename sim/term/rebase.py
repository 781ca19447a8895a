"""Rebasing: a new scenario file that starts from a projection's state in a chosen year.

At the end of a term, the next plan starts from where this one ends: the shares and levels of
that year (from the plan, or from the projection re-baselined through actuals). The text is a
scenario file for the planner to copy into a scenarios folder and edit; the tool never writes
into a scenarios folder itself.

This module chooses what the new file holds: every numeric parameter of the old scenario
(`sim.scenario.parameters.numeric_parameters`), the shares and base values taken from the state,
the rates and elasticities carried over, single-year rates left out; and the keys that describe
the indicators. `sim.scenario.writer` spells it as TOML.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import replace
from datetime import date

from sim.core import names
from sim.core.model import SECTORS
from sim.core.names import ParameterPath
from sim.run import ScenarioResult
from sim.scenario.loader import Scenario
from sim.scenario.parameters import numeric_parameters
from sim.scenario.schema import INDICATOR, SECTOR, STRUCTURE, Table
from sim.scenario.values import WHAT_IF
from sim.scenario.writer import Entry, Number, Section, scenario_text

__all__ = [
    "rebased_scenario_text",
    "rebased_file_name",
    "overridden_keys",
    "what_if_lines",
    "NEXT_TERM_YEARS",
]

NEXT_TERM_YEARS = 5

INDICATOR_TEXT = ("unit", "label", "rule")
"""An indicator's keys that are not numbers, carried over as they are."""


def _num(value: float) -> Number:
    """Six significant digits; one decimal from a million up (no exponent in the file)."""
    return Number(value, ".6g" if abs(value) < 1e6 else ".1f")


def rebased_scenario_text(result: ScenarioResult, year: int, basis: str, written: date) -> str:
    """A scenario file (TOML text) whose base year is `year`, with the shares and levels that
    `result` has in that year and the growth rules of its scenario carried over for editing.

    basis: a few words on where the state comes from ("plan", "re-baselined through actuals to
    2024"), written into the header comment.
    """
    s = result.scenario
    years = list(map(int, result.years))
    if year not in years:
        raise ValueError(f"{year} is not a projected year of '{s.name}' ({years[0]}-{years[-1]})")
    end = year + NEXT_TERM_YEARS
    comments = [
        *what_if_lines(s),
        f"Rebased from scenario '{s.name}' ({s.files[0].name}) at its {year} state ({basis}),",
        f"written by run_scenarios.py on {written.isoformat()}. Shares and base values are that",
        "state; the growth rates and rules are carried over from the old term: set the new term's.",
        *_not_carried(s, year),
    ]
    t = years.index(year)
    values = {
        **_marked(_carried_over(s, f"{year + 1}-{end}"), s),
        **_state(result, t, basis),  # the shares and base values: the state's, not the old ones
        **_described(s),
    }
    sections = [
        Section(
            (),
            [
                Entry("name", f"{s.name}_{year}_{end}"),
                Entry("base_year", year),
                Entry("end_year", end),
            ],
        ),
        Section(
            ("title",),
            [
                Entry("vi", f"{s.title_vi} ({year}-{end})"),
                Entry("en", f"{s.title_en} ({year}-{end})"),
            ],
        ),
        _section(("structure",), STRUCTURE, values),
        *(_section(("sectors", name), SECTOR, values) for name in SECTORS),
        *(_section(("indicators", name), INDICATOR, values) for name in s.indicators),
        Section(("targets",), [Entry("budget_concept", s.budget_concept)]),
    ]
    return scenario_text(sections, comments)


def rebased_file_name(scenario: str, year: int) -> str:
    """The rebased file of `scenario` at `year`: <scenario>_<year>_<year + 5>.toml."""
    return f"{scenario}_{year}_{year + NEXT_TERM_YEARS}.toml"


def overridden_keys(scenario: Scenario) -> list[str]:
    """The keys the run's --set changed in `scenario` (its `settings`, "KEY=VALUE")."""
    return [setting.partition("=")[0].strip() for setting in scenario.settings]


def what_if_lines(scenario: Scenario) -> list[str]:
    """Header lines of a file rebased from a what-if (a scenario changed by --set), in both
    languages, naming the --set values; none for a scenario as filed. A planner must never take
    such a file for the filed plan: its state comes from the what-if projection too."""
    if not scenario.settings:
        return []
    changes = scenario.what_if
    vi = (
        f"{WHAT_IF.vi.capitalize()}, KHÔNG PHẢI KẾ HOẠCH ĐÃ LẬP: lần chạy đã đổi kịch bản "
        f"'{scenario.name}' bằng --set: {changes}. Tỷ trọng và giá trị gốc dưới đây là của dự "
        f"báo giả định đó; dòng ghi '{WHAT_IF.vi}' là giá trị --set, không phải của tệp."
    )
    en = (
        f"A {WHAT_IF.en}, NOT THE FILED PLAN: the run changed scenario '{scenario.name}' with "
        f"--set: {changes}. The shares and base values below are that {WHAT_IF.en} "
        f"projection's; lines marked '{WHAT_IF.en}' hold the --set values, not the file's."
    )
    return [
        *textwrap.wrap(vi, 92, break_long_words=False),
        *textwrap.wrap(en, 92, break_long_words=False),
    ]


def _marked(entries: dict[str, Entry], scenario: Scenario) -> dict[str, Entry]:
    """`entries` with each --set value's comment saying it is a what-if value."""
    keys = set(overridden_keys(scenario))
    return {
        path: (
            replace(entry, comment=f"{WHAT_IF.en} / {WHAT_IF.vi} (--set); {entry.comment}")
            if path in keys
            else entry
        )
        for path, entry in entries.items()
    }


def _section(table: tuple[str, ...], spec: Table, values: Mapping[str, Entry]) -> Section:
    """The section of `table`: the entries of `values` under it, in the schema's key order."""
    prefix = ".".join(table) + "."
    return Section(table, [values[prefix + key] for key in spec.fields if prefix + key in values])


def _carried_over(s: Scenario, new_term: str) -> dict[str, Entry]:
    """Path -> entry of each numeric parameter of `s` carried over as it is (every one but the
    single-year rates), with a comment saying so."""
    entries = {}
    for path, value in numeric_parameters(s).items():
        parsed = ParameterPath.parse(path)
        key = parsed.field
        if parsed.year is not None:
            continue
        if parsed.group == "sectors" and key == "growth_pct":
            entries[path] = Entry(key, _num(value), f"carried over: set the {new_term} rate")
        elif parsed.owner:  # a sector's or an indicator's
            entries[path] = Entry(key, _num(value), "carried over")
        else:
            entries[path] = Entry(key, _num(value))
    return entries


def _state(result: ScenarioResult, t: int, basis: str) -> dict[str, Entry]:
    """Path -> entry of the values that describe the state in year index `t`: the sector
    shares, the indicators' levels and (for output in billion VND) the total."""
    s, year = result.scenario, int(result.years[t])
    entries = {}
    for sector in SECTORS:
        share = Number(float(result.series[names.share(sector)][t]), ".4f")
        comment = f"share in {year} ({basis})"
        entries[str(ParameterPath.sector(sector, "share_pct"))] = Entry("share_pct", share, comment)
    for name in s.indicators:
        level = _num(float(result.series[name][t]))
        path = str(ParameterPath.indicator(name, "base"))
        entries[path] = Entry("base", level, f"value in {year} ({basis})")
    if s.base_total_bn_vnd is not None:
        total = _num(float(result.series["output.total"][t]))
        comment = f"total production value in {year}"
        entries["structure.base_total_bn_vnd"] = Entry("base_total_bn_vnd", total, comment)
    return entries


def _described(s: Scenario) -> dict[str, Entry]:
    """Path -> entry of the keys carried over that are not numbers: the residual treatment and
    each indicator's unit, label and rule."""
    entries = {}
    if s.residual is not None:
        entries["structure.residual"] = Entry("residual", s.residual)
    for ind in s.indicators.values():
        unit, label, rule = (str(ParameterPath.indicator(ind.name, k)) for k in INDICATOR_TEXT)
        entries[unit] = Entry("unit", ind.unit)  # an index keeps its old base year
        entries[label] = Entry("label", {"vi": ind.label.vi, "en": ind.label.en})
        entries[rule] = Entry("rule", ind.rule)
    return entries


def _year_of(path: str) -> int:
    """The year of a single-year rate's path; 0 for a parameter of every year."""
    return ParameterPath.parse(path).year or 0


def _not_carried(s: Scenario, year: int) -> list[str]:
    """Comment lines naming what the new file leaves out (by-year overrides, uncertainty)."""
    later = [path for path in numeric_parameters(s) if _year_of(path) > year]
    lines = []
    if later:
        lines.append(f"Not carried over (single-year rates after {year}): {', '.join(later)}.")
    if s.uncertainty is not None:
        lines.append(
            "Not carried over: the [uncertainty] ranges of the old term; give the new term's."
        )
    return lines
