"""What re-baselining did with the actuals, as values: each note keeps its numbers, and its
`describe()` is the English line of tracking/notes.txt. What a planner reads is rendered from
the fields in the run's language (`sim.output.narrative.tracking_note_text`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sim.core.text import Bilingual, vn
from sim.scenario.actuals import Observation
from sim.term.total_fit import Derived, TotalGap, TotalScaled, TotalShifted

__all__ = [
    "CONCEPT_NOTES",
    "Flag",
    "Implausible",
    "LevelWins",
    "NotComparable",
    "Note",
    "implausible",
]

CONCEPT_NOTES = {
    "includes_land_use": "includes land-use fees: compared with the plan's budget including "
    "them, not used to re-baseline (the scenario's budget excludes them)",
    "other_definition": "another definition: shown beside the plan, neither compared nor used",
}


@dataclass(frozen=True)
class LevelWins:
    """An observed growth rate not used because the level of the same year is observed."""

    indicator: str  # the growth series, "growth.services", "growth.income_per_capita"
    year: int

    def describe(self) -> str:
        return f"{self.indicator} {self.year} not used: the level is observed that year"


@dataclass(frozen=True)
class NotComparable:
    """An observation of another concept (the `concept` column), not used to re-baseline."""

    obs: Observation

    def describe(self) -> str:
        o = self.obs
        return f"{o.indicator} {o.year} = {o.value:g} {CONCEPT_NOTES[o.concept]}"


@dataclass(frozen=True)
class Flag:
    """An observation whose year, re-baselined, grows `series` by `rate` %, outside `bounds`
    (tracking.plausible_year_range); the figure is used as given."""

    obs: Observation
    series: str
    rate: float
    bounds: tuple[float, float]
    scenario: str


@dataclass(frozen=True)
class Implausible:
    """An observation flagged in one or more series (and scenarios): used as given."""

    path: str  # the actuals file
    obs: Observation
    flags: tuple[Flag, ...]  # of this observation

    def by_series(self) -> dict[str, list[Flag]]:
        """The flags grouped by series, in order."""
        groups: dict[str, list[Flag]] = {}
        for flag in self.flags:
            groups.setdefault(flag.series, []).append(flag)
        return groups

    def describe(self) -> str:
        """file:line: growth.total 2021 = -40 is outside the growth taken as plausible for one
        year: output.total -40 % (-25 to 50 %); output.services -43.8 % in baseline, -26.4 % in
        covid_shock (-25 to 50 %); used as given: check the figure"""
        return self.message().en

    def message(self) -> Bilingual:
        """describe()'s line in both languages (the warning a run prints, in its language)."""
        parts_vi, parts_en = [], []
        for name, group in self.by_series().items():
            rates = dict.fromkeys(f"{f.rate:.1f}" for f in group)
            low, high = group[0].bounds
            if len(rates) == 1:
                shown_vi, shown_en = f"{vn(group[0].rate, '.1f')} %", f"{group[0].rate:.1f} %"
            else:
                shown_vi = ", ".join(f"{vn(f.rate, '.1f')} % ở {f.scenario}" for f in group)
                shown_en = ", ".join(f"{f.rate:.1f} % in {f.scenario}" for f in group)
            parts_vi.append(f"{name} {shown_vi} ({vn(low)} đến {vn(high)} %)")
            parts_en.append(f"{name} {shown_en} ({low:g} to {high:g} %)")
        o = self.obs
        at = f"{self.path}:{o.line}: {o.indicator} {o.year}"
        return Bilingual(
            f"{at} = {vn(o.value)} nằm ngoài mức tăng trưởng được coi là hợp lý trong một năm: "
            f"{'; '.join(parts_vi)}; vẫn dùng số đã cho: hãy kiểm tra lại số liệu",
            f"{at} = {o.value:g} is outside the growth taken as plausible for one year: "
            f"{'; '.join(parts_en)}; used as given: check the figure",
        )


def implausible(flags: Sequence[Flag], path: object) -> list[Implausible]:
    """The flags (of any number of scenarios) gathered by observation, in file order."""
    by_obs: dict[Observation, list[Flag]] = {}
    for flag in flags:
        by_obs.setdefault(flag.obs, []).append(flag)
    return [
        Implausible(str(path), o, tuple(by_obs[o])) for o in sorted(by_obs, key=lambda o: o.line)
    ]


# How the actuals were applied to one scenario, in order (Rebaselined.applied).
Note = LevelWins | NotComparable | TotalScaled | TotalShifted | TotalGap | Derived | Implausible
