"""What the scenario package hands on: a resolved `Scenario`, or the `Problem`s found in its files.

Values only: reading and checking files is `sim.scenario.loader` and `sim.scenario.rules`.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.core.plan import NO_PLAN, Plan
from sim.core.text import Bilingual, vn
from sim.scenario.uncertainty import UncertaintySpec

__all__ = [
    "MISSING",
    "MISSING_TEXT",
    "NO_TEXT",
    "Problem",
    "ProblemsError",
    "Findings",
    "ScenarioError",
    "Sector",
    "SourceNote",
    "Indicator",
    "Scenario",
    "Where",
    "hint",
    "clip",
    "WHAT_IF",
]


WHAT_IF = Bilingual("giả định thay đổi", "what-if")
"""The mark of a scenario changed by --set (tools and tests look for "what-if")."""

ECHO_CHARS = 60
"""A key or value echoed in a message is cut to this many characters (and "...")."""
MAX_SOURCE_ECHO = 300
"""A file path or --set option naming a problem's source is cut to this many characters."""


def clip(text: str, limit: int = ECHO_CHARS) -> str:
    """`text`, cut to `limit` characters and "..." when longer (a key or value echoed back)."""
    return text if len(text) <= limit else f"{text[:limit]}..."


MISSING_TEXT = Bilingual("(thiếu)", "(missing)")
"""How a missing key's value shows in a message."""


class _Missing:
    def __repr__(self) -> str:
        return MISSING_TEXT.en


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a scenario.

    The rule is in both languages; `render(lang)` is the message a user reads, `str()` the
    English one (logs, tools and tests that read English). The source, key and value are the
    user's own words and stay as written."""

    source: str  # file path, or "--set KEY=VALUE", or "--end-year"
    key: str  # dotted key path; "" for the file as a whole
    value: object
    rule: Bilingual

    def render(self, lang: str) -> str:
        """The message in `lang` ("vi" or "en"): source, key = value, rule."""
        limit = ECHO_CHARS + 6 if self.source.startswith("--set ") else MAX_SOURCE_ECHO
        source = clip(self.source, limit)
        if not self.key:
            return f"{source}: {self.rule.in_(lang)}"
        shown = MISSING_TEXT.in_(lang) if self.value is MISSING else _show(self.value, lang)
        return f"{source}: {clip(self.key)} = {shown}: {self.rule.in_(lang)}"

    def __str__(self) -> str:
        return self.render("en")


class ProblemsError(Exception):
    """A user error listing problems under a head line; `render(lang)` is the message in the
    run's language, `str()` the English one."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(self.render("en"))

    def head(self, count: int) -> Bilingual:
        """The line above the list ("3 problems in ...")."""
        return Bilingual(f"{count} lỗi:", f"{count} problem{'s' if count != 1 else ''}:")

    def render(self, lang: str) -> str:
        """The head line and one line per problem, in `lang`."""
        lines = [self.head(len(self.problems)).in_(lang)]
        return "\n".join(lines + [f"  - {p.render(lang)}" for p in self.problems])


class ScenarioError(ProblemsError):
    """A user error in one or more scenario files; the message lists every problem."""

    def __init__(self, problems: Sequence[Problem]):
        super().__init__(problems)

    def head(self, count: int) -> Bilingual:
        return Bilingual(
            f"{count} lỗi trong dữ liệu đầu vào của kịch bản:",
            f"{count} problem{'s' if count != 1 else ''} in scenario input:",
        )


@dataclass(frozen=True, init=False)
class Findings:
    """Problems (errors) and warnings found by one check, in the order found."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem] = (), warnings: Iterable[Problem] = ()):
        object.__setattr__(self, "problems", tuple(problems))
        object.__setattr__(self, "warnings", tuple(warnings))

    def __add__(self, other: Findings) -> Findings:
        return Findings(self.problems + other.problems, self.warnings + other.warnings)


NO_TEXT = Bilingual("", "")


def hint(key: str, options: Iterable[str]) -> Bilingual:
    """ " (did you mean 'x'?)" for the option closest to a misspelt `key`, or "" (both
    languages)."""
    if len(key) > ECHO_CHARS:  # (no option is that long; difflib's time grows with the length)
        return NO_TEXT
    close = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    if not close:
        return NO_TEXT
    return Bilingual(f" (có phải ý bạn là '{close[0]}'?)", f" (did you mean '{close[0]}'?)")


@dataclass(frozen=True)
class SourceNote:
    """The source note shown beside one value: `note` (a table's `source`, or where the value
    comes from when no note speaks for it), and `file`, the name of the file (or "--set") that
    wrote what `note` shows."""

    note: Bilingual
    file: str = ""

    def in_(self, lang: str) -> str:
        return self.note.in_(lang)


@dataclass(frozen=True)
class Sector:
    share_pct: float  # base-year share of production value, %
    growth_pct: float  # default growth, % per year
    growth_pct_by_year: Mapping[int, float]  # growth fixed for single years


@dataclass(frozen=True)
class Indicator:
    """An indicator compounding from a base value (income, budget, investment, ...)."""

    name: str
    base: float
    unit: str
    rule: str  # "growth" or "elasticity"
    growth_pct: float | None
    elasticity: float | None
    growth_pct_by_year: Mapping[int, float]
    label_vi: str
    label_en: str

    @property
    def label(self) -> Bilingual:
        return Bilingual(self.label_vi, self.label_en)

    @property
    def rule_value(self) -> float:
        """The parameter of its rule: the elasticity, or the own growth rate in %/yr (the
        loader requires the one the rule uses, so it is never None for a loaded scenario)."""
        value = self.elasticity if self.rule == "elasticity" else self.growth_pct
        if value is None:
            raise ValueError(f"indicator {self.name!r} has no value for its rule {self.rule!r}")
        return value


@dataclass(frozen=True)
class Scenario:
    """A fully resolved scenario: inheritance applied, validated, ready to project."""

    name: str
    title_vi: str
    title_en: str
    description_vi: str
    description_en: str
    base_year: int
    end_year: int
    residual: str | None  # None when the shares sum to 100
    residual_growth_pct: float | None
    base_total_bn_vnd: float | None
    sectors: Mapping[str, Sector]
    indicators: Mapping[str, Indicator]
    budget_concept: str
    files: tuple[Path, ...]  # this scenario's file first, then its parents
    file_sha256: Mapping[str, str]
    settings: tuple[str, ...] = ()  # --set KEY=VALUE applied to this scenario (no SCENARIO:)
    resolved: Mapping[str, Any] = field(default_factory=dict)  # merged settings, for the manifest
    warnings: tuple[Problem, ...] = ()
    uncertainty: UncertaintySpec | None = None  # the [uncertainty] section, None without one
    anchor_year: int | None = None  # shares and base values refer to this year (a back-cast)
    calibration_total_cagr_pct: float | None = None  # calibrate sector growth to this total
    calibration_sectors: tuple[str, ...] = ()  # ... by shifting these sectors' growth
    plan: Plan = NO_PLAN  # the plan the scenario is checked against (plan.toml; sim.scenario.plan)
    # parameter path -> the source note of its value: the note of the file (or --set) that set
    # it, or where the value comes from (sim.scenario.sources)
    sources: Mapping[str, SourceNote] = field(default_factory=dict)
    # --set key -> the value it replaced (the files' value; absent when the files had none)
    replaced: Mapping[str, Any] = field(default_factory=dict)

    @property
    def level_year(self) -> int:
        """The year whose shares and base values the scenario gives (base or anchor year)."""
        return self.base_year if self.anchor_year is None else self.anchor_year

    @property
    def calibration_statement(self) -> str:
        """One line saying whether and how sector growth is calibrated."""
        if self.calibration_total_cagr_pct is None:
            return "no calibration: the sector rates are used as given"
        return (
            f"calibrated: the growth of {', '.join(self.calibration_sectors)} is shifted by one "
            f"common number of points every year so that total output grows "
            f"{self.calibration_total_cagr_pct:g} %/yr on average {self.base_year}-{self.end_year}"
        )

    def filed_title(self, lang: str) -> str:
        """The scenario's title in `lang` as its file gives it (no what-if mark)."""
        return Bilingual(self.title_vi, self.title_en).in_(lang)

    def title(self, lang: str) -> str:
        """The scenario's title in `lang` ("vi" or "en"), marked " (what-if)" when --set changed
        it: a what-if must never pass for the scenario as filed."""
        title = self.filed_title(lang)
        return f"{title} ({WHAT_IF.in_(lang)})" if self.settings else title

    @property
    def what_if(self) -> str:
        """The --set values that changed this scenario, "; "-joined (e.g.
        "sectors.services.growth_pct=15"); "" for the scenario as filed."""
        return "; ".join(self.settings)

    def what_if_note(self, lang: str) -> str:
        """One line naming the changed values ("what-if: sectors.services.growth_pct=15"), or
        "" for the scenario as filed."""
        return f"{WHAT_IF.in_(lang)}: {self.what_if}" if self.settings else ""

    def description(self, lang: str) -> str:
        """The scenario's description in `lang` ("vi" or "en"); "" when the file has none."""
        return Bilingual(self.description_vi, self.description_en).in_(lang)

    @property
    def years(self) -> range:
        return range(self.base_year, self.end_year + 1)

    @property
    def horizon_years(self) -> int:
        return self.end_year - self.base_year

    @property
    def output_unit(self) -> str:
        if self.base_total_bn_vnd is None:
            return f"index ({self.base_year} total = 100)"
        return "billion VND"

    @property
    def share_sum_pct(self) -> float:
        return sum(s.share_pct for s in self.sectors.values())

    @property
    def residual_statement(self) -> str:
        """One line saying how the base shares' gap to 100 % is treated (printed by every run)."""
        total = self.share_sum_pct
        if self.residual is None:
            return f"base shares sum to {total:.1f} %: no residual"
        if self.residual == "normalise":
            return f"base shares sum to {total:.1f} %: normalised to 100 %"
        how = (
            f"its own {self.residual_growth_pct:g} %/yr"
            if self.residual_growth_pct is not None
            else "the three-sector aggregate"
        )
        return (
            f"base shares sum to {total:.1f} %: the {100 - total:.1f} % gap is kept as an "
            f"'other' block growing with {how}"
        )


def _show(value: object, lang: str = "en") -> str:
    """A value as echoed in a message: its TOML-like repr, cut to ECHO_CHARS."""
    if isinstance(value, dict):
        return "{...}"
    if isinstance(value, int) and abs(value) > 10**ECHO_CHARS:
        digits = int(value.bit_length() * 0.30103)
        return Bilingual(
            f"(một số nguyên khoảng {vn(digits)} chữ số)",
            f"(a whole number of about {digits:,} digits)",
        ).in_(lang)
    try:
        return clip(repr(value))
    except (RecursionError, ValueError):  # (a list nested very deep; an int over 4,300 digits)
        return f"({type(value).__name__})"


@dataclass(frozen=True)
class Where:
    """Which file (or option) set each key of the merged scenario.

    own:        the scenario's own file (the first of its chain).
    provenance: dotted key -> the file or option ("--set KEY=VALUE", "--end-year") that set it.
    holders:    dotted table ("" for the file itself, "sectors.industry") -> the oldest file of
                the chain that holds it: the file a key missing from that table belongs in.
    """

    own: str
    provenance: Mapping[str, str]
    holders: Mapping[str, str] = field(default_factory=dict)

    def __call__(self, key: str) -> str:
        """The source of `key`. A missing key belongs in the oldest file that holds its table
        (a key a child inherits is its parent's to give, and is reported there, once), else in
        the source of a key beside it (a table only --set made), else in the nearest table's
        holder (else the own file)."""
        if key in self.provenance:
            return self.provenance[key]
        table = key.rpartition(".")[0]
        if table in self.holders:
            return self.holders[table]
        beside = next((s for k, s in self.provenance.items() if k.startswith(f"{table}.")), None)
        if beside is not None:
            return beside
        while table:
            table = table.rpartition(".")[0]
            if table in self.holders:
                return self.holders[table]
        return self.own
