"""A scenario compared with a base: end-year differences, and a Shapley attribution of the gap.

Method. The parameters that differ are the numeric parameters (`numeric_parameters`) whose values
differ between the base B and the scenario S. For p such parameters the model is run once for
each of the 2^p subsets T (one vectorised call): the base with the parameters in T set to S's
values. The share of parameter i in the end-year gap of an indicator is its exact Shapley value

    phi_i = sum over T not holding i of |T|! (p - |T| - 1)! / p! * (v(T + i) - v(T)),

which does not depend on any order of the parameters, gives equal shares to parameters of equal
effect, and adds up to the whole gap v(all) - v(none) = S - B (the efficiency property).

A parameter present in one scenario only (a single-year rate, e.g. COVID's 2021 services growth)
counts as differing. The other scenario's value for it is the one that scenario uses that year:
for a sector its default rate (`growth_pct`), for a linked indicator "no override" (the model's
NaN, so the indicator's own rule, with whatever rate or elasticity the subset gives it, applies).
A sector's missing single-year rate is fixed at its scenario's default rate, so when both the
default and a single year differ, that year's part of the default's change is booked to the
single-year parameter.

Above MAX_PARAMETERS differing parameters the parameters are grouped by their sector or indicator
(`sectors.services`, `indicators.retail`, ...) and the groups are the players; each row then
names a group. Comparisons need scenarios of the same years and structure (indicators, rules,
residual and how its block grows, anchor year, calibration, budget concept); otherwise
CompareError says what differs, in both languages.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.model import DERIVED_SUMS, project, projection_series
from sim.core.text import LANGS, Bilingual, minus_sign, vn
from sim.run import model_inputs
from sim.scenario.parameters import numeric_parameters
from sim.scenario.values import Scenario, hint

__all__ = [
    "MAX_PARAMETERS",
    "Attribution",
    "CompareError",
    "CompareResult",
    "compare_run",
    "differences",
    "Difference",
    "attribute",
    "attributed_indicators",
    "differing_parameters",
    "moves",
    "shapley_values",
]

MAX_PARAMETERS = 16
"""The most players of an exact Shapley attribution: 2^16 = 65,536 model runs in one call."""

BY_YEAR = ".growth_pct_by_year."


class CompareError(ValueError):
    """Scenarios that cannot be compared (different years or structure, or more differing
    groups than an exact attribution takes), or an unknown base; `message` says so in both
    languages (`str()`: the English)."""

    def __init__(self, message: Bilingual) -> None:
        super().__init__(message.en)
        self.message = message

    def render(self, lang: str) -> str:
        return self.message.in_(lang)


@dataclass(frozen=True)
class Attribution:
    """One parameter's (or group's) share of an indicator's end-year gap, in its unit."""

    scenario: str
    base: str
    indicator: str
    year: int
    parameter: str
    contribution: float


NEGLIGIBLE = 1e-9
"""A contribution no larger than this (in the indicator's unit) is a parameter that does not
move the indicator (a rate of another one): the chart, the report and the terminal leave it
out."""


def moves(contribution: float) -> bool:
    """Whether a parameter's contribution to a gap is one to show (above NEGLIGIBLE)."""
    return abs(contribution) > NEGLIGIBLE


@dataclass(frozen=True)
class Difference:
    """An end-year indicator or a target's value in both scenarios (value - base_value)."""

    scenario: str
    base: str
    item: str  # a series name, or "target:<key>"
    base_value: float
    value: float

    @property
    def difference(self) -> float:
        return self.value - self.base_value


def attributed_indicators(scenario: Scenario) -> tuple[str, ...]:
    """The indicators whose gap is attributed: total output, income, the scenario's budget."""
    wanted = ("output.total", "income_per_capita", scenario.budget_concept)
    return tuple(dict.fromkeys(wanted))


def check_comparable(base: Scenario, other: Scenario) -> None:
    """Raise CompareError listing every structural difference between the two scenarios."""
    problems = [
        Bilingual(
            *(f"{what.in_(lang)}: {_side_by_side(shown, base, other, lang)}" for lang in LANGS)
        )
        for what, key, shown in _STRUCTURE
        if key(base) != key(other)
    ]
    problems += _rule_problems(base, other) + _residual_growth_problems(base, other)
    if problems:
        raise CompareError(
            Bilingual(
                f"không so sánh được '{other.name}' với '{base.name}': hai kịch bản khác nhau về "
                "cấu trúc, không chỉ về số liệu (" + "; ".join(p.vi for p in problems) + ")",
                f"cannot compare '{other.name}' with '{base.name}': they differ in structure, not "
                "only in numbers (" + "; ".join(p.en for p in problems) + ")",
            )
        )


Shown = Callable[[Scenario, str], str]
"""How a scenario's value of a structural check reads in a language."""


def _side_by_side(shown: Shown, base: Scenario, other: Scenario, lang: str) -> str:
    """The two scenarios' values: "baseline 2020-2025, optimistic 2020-2030"."""
    return f"{base.name} {shown(base, lang)}, {other.name} {shown(other, lang)}"


RULE_WORDS = {
    "elasticity": Bilingual("theo hệ số co giãn", "by elasticity"),
    "growth": Bilingual("theo tốc độ tăng riêng", "by its own growth"),
}

NONE = Bilingual("không có", "none")

RESIDUAL_WORDS = {
    None: NONE,
    "normalise": Bilingual("quy về 100 %", "normalised to 100 %"),
    "other": Bilingual("giữ thành khối riêng", "kept as an 'other' block"),
}


def _rule_problems(base: Scenario, other: Scenario) -> list[Bilingual]:
    """An indicator of both computed by different rules (an indicator of one only is said by
    the indicators' check)."""
    problems = []
    for name, mine in base.indicators.items():
        theirs = other.indicators.get(name)
        if theirs is None or theirs.rule == mine.rule:
            continue
        words = [RULE_WORDS.get(ind.rule, Bilingual(ind.rule, ind.rule)) for ind in (mine, theirs)]
        problems.append(
            Bilingual(
                *(
                    f"{Bilingual('cách tính', 'rule of').in_(lang)} {mine.label.in_(lang)}: "
                    f"{base.name} {words[0].in_(lang)}, {other.name} {words[1].in_(lang)}"
                    for lang in LANGS
                )
            )
        )
    return problems


def _residual_growth_problems(base: Scenario, other: Scenario) -> list[Bilingual]:
    """Both keep an 'other' block, one growing at its own rate and the other with the three
    sectors: two rules, not two values of one parameter (a different residual is said by the
    residual's check)."""
    if base.residual != "other" or other.residual != "other":
        return []
    if (base.residual_growth_pct is None) == (other.residual_growth_pct is None):
        return []
    what = Bilingual("tăng trưởng phần còn lại", "growth of the other block")
    return [
        Bilingual(
            *(
                f"{what.in_(lang)}: {_side_by_side(_residual_growth_shown, base, other, lang)}"
                for lang in LANGS
            )
        )
    ]


def _residual_growth_shown(scenario: Scenario, lang: str) -> str:
    rate = scenario.residual_growth_pct
    if rate is None:
        return Bilingual("theo tốc độ chung của ba ngành", "with the three sectors").in_(lang)
    return Bilingual(
        f"tốc độ riêng {vn(rate)} %/năm", f"its own {minus_sign(f'{rate:g}')} %/yr"
    ).in_(lang)


def _calibration(scenario: Scenario) -> tuple[bool, tuple[str, ...]]:
    return scenario.calibration_total_cagr_pct is not None, scenario.calibration_sectors


def _calibration_shown(scenario: Scenario, lang: str) -> str:
    if scenario.calibration_total_cagr_pct is None:
        return _none(lang)
    sectors = ", ".join(scenario.calibration_sectors)  # (as the file names them)
    return Bilingual(f"điều chỉnh {sectors}", f"adjusting {sectors}").in_(lang)


def _budget_line(scenario: Scenario, lang: str) -> str:
    """The budget line by its label; a sum of lines (DERIVED_SUMS) as its parts' labels."""
    parts = DERIVED_SUMS.get(scenario.budget_concept, (scenario.budget_concept,))
    return " + ".join(
        scenario.indicators[p].label.in_(lang) if p in scenario.indicators else p for p in parts
    )


def _none(lang: str) -> str:
    return NONE.in_(lang)


_STRUCTURE: tuple[tuple[Bilingual, Callable[[Scenario], Any], Shown], ...] = (
    (
        Bilingual("năm gốc - năm cuối", "years"),
        lambda s: (s.base_year, s.end_year),
        lambda s, lang: f"{s.base_year}-{s.end_year}",
    ),
    (
        Bilingual("các chỉ tiêu", "indicators"),
        lambda s: tuple(s.indicators),
        lambda s, lang: ", ".join(i.label.in_(lang) for i in s.indicators.values()) or _none(lang),
    ),
    (
        Bilingual("phần chênh lệch tỷ trọng (structure.residual)", "structure.residual"),
        lambda s: s.residual,
        lambda s, lang: RESIDUAL_WORDS.get(s.residual, Bilingual(*[str(s.residual)] * 2)).in_(lang),
    ),
    (
        Bilingual("năm neo số liệu (structure.anchor_year)", "structure.anchor_year"),
        lambda s: s.anchor_year,
        lambda s, lang: _none(lang) if s.anchor_year is None else str(s.anchor_year),
    ),
    (
        Bilingual("hiệu chỉnh tăng trưởng ([calibration])", "[calibration]"),
        _calibration,
        _calibration_shown,
    ),
    (
        Bilingual("dòng thu ngân sách (targets.budget_concept)", "targets.budget_concept"),
        lambda s: s.budget_concept,
        _budget_line,
    ),
    (
        Bilingual(
            "đơn vị của tổng giá trị (structure.base_total_bn_vnd)", "structure.base_total_bn_vnd"
        ),
        lambda s: s.base_total_bn_vnd is None,
        lambda s, lang: (
            Bilingual("chỉ số", "an index").in_(lang)
            if s.base_total_bn_vnd is None
            else Bilingual("tỷ đồng", "billion VND").in_(lang)
        ),
    ),
)
"""What two compared scenarios must share: (what, the value compared, how a value reads)."""


def _missing_value(scenario: Scenario, path: str) -> float:
    """The value `scenario` uses for a single-year rate path it does not have (see module)."""
    owner = path.split(BY_YEAR)[0]
    if owner.startswith("sectors."):
        return scenario.sectors[owner.split(".")[1]].growth_pct
    return math.nan  # an indicator without an override follows its rule that year


def differing_parameters(base: Scenario, other: Scenario) -> dict[str, tuple[float, float]]:
    """path -> (base value, other value) of every parameter that differs (NaN: no override);
    CompareError for scenarios of different structure."""
    check_comparable(base, other)
    return _differing(base, other)


def _differing(base: Scenario, other: Scenario) -> dict[str, tuple[float, float]]:
    """`differing_parameters` of two scenarios known to be comparable."""
    mine, theirs = numeric_parameters(base), numeric_parameters(other)
    paths = list(mine) + [p for p in theirs if p not in mine]
    pairs = {
        path: (
            mine[path] if path in mine else _missing_value(base, path),
            theirs[path] if path in theirs else _missing_value(other, path),
        )
        for path in paths
    }
    return {p: (a, b) for p, (a, b) in pairs.items() if not _same(a, b)}


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def with_single_years(scenario: Scenario, paths: Sequence[str]) -> Scenario:
    """`scenario` with the single-year rate `paths` it lacks added, each at the value it uses
    that year (so the model gives the same numbers, and the paths become parameters)."""
    resolved = _deep_copy(scenario.resolved)
    sectors, indicators = dict(scenario.sectors), dict(scenario.indicators)
    known = numeric_parameters(scenario)
    for path in paths:
        if path in known or BY_YEAR not in path:
            continue
        owner, year = path.split(BY_YEAR)
        kind, name = owner.split(".")
        value = _missing_value(scenario, path)
        resolved[kind][name].setdefault("growth_pct_by_year", {})[year] = value
        if kind == "sectors":
            sector = sectors[name]
            by_year = {**sector.growth_pct_by_year, int(year): value}
            sectors[name] = dataclasses.replace(sector, growth_pct_by_year=by_year)
        else:
            ind = indicators[name]
            by_year = {**ind.growth_pct_by_year, int(year): value}
            indicators[name] = dataclasses.replace(ind, growth_pct_by_year=by_year)
    return dataclasses.replace(scenario, resolved=resolved, sectors=sectors, indicators=indicators)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _deep_copy(item) for key, item in value.items()}
    return value


def _players(paths: Sequence[str]) -> dict[str, list[str]]:
    """Player name -> its parameter paths: each parameter alone, or grouped above the cap."""
    if len(paths) <= MAX_PARAMETERS:
        return {path: [path] for path in paths}
    groups: dict[str, list[str]] = {}
    for path in paths:
        groups.setdefault(".".join(path.split(".")[:2]), []).append(path)
    if len(groups) > MAX_PARAMETERS:
        raise CompareError(
            Bilingual(
                f"{len(paths)} tham số thuộc {len(groups)} ngành và chỉ tiêu khác nhau: nhiều hơn "
                f"{MAX_PARAMETERS}, số tối đa mà phép phân tách chính xác xử lý được "
                f"(2^{MAX_PARAMETERS} lần chạy mô hình)",
                f"{len(paths)} parameters in {len(groups)} sectors and indicators differ: more "
                f"than the {MAX_PARAMETERS} an exact attribution can take "
                f"(2^{MAX_PARAMETERS} model runs)",
            )
        )
    return groups


def subsets(players: int) -> np.ndarray:
    """(2^p, p) bools: row k holds the players in the binary digits of k."""
    rows = np.arange(2**players)[:, None]
    return ((rows >> np.arange(players)[None, :]) & 1).astype(bool)


def shapley_values(worth: np.ndarray, players: int) -> np.ndarray:
    """Exact Shapley values (p, ...) from the worth (2^p, ...) of each subset (row k: the players
    in k's binary digits, as `subsets`), weights |T|! (p - |T| - 1)! / p!."""
    member = subsets(players)
    size = member.sum(axis=1)
    weight = np.array(
        [
            math.factorial(s) * math.factorial(players - s - 1) / math.factorial(players)
            for s in range(players)
        ]
    )
    values = np.zeros((players,) + worth.shape[1:])
    for i in range(players):
        without = np.flatnonzero(~member[:, i])
        gain = worth[without + (1 << i)] - worth[without]
        values[i] = np.tensordot(weight[size[without]], gain, axes=1)
    return values


def attribute(base: Scenario, other: Scenario) -> list[Attribution]:
    """The Shapley attribution of the end-year gap (other - base) of each attributed indicator
    to the parameters that differ (rows in the parameters' order; none when none differ);
    CompareError for scenarios of different structure."""
    check_comparable(base, other)
    return _attribute(base, other)


def _attribute(base: Scenario, other: Scenario) -> list[Attribution]:
    """`attribute` for two scenarios known to be comparable."""
    pairs = _differing(base, other)
    if not pairs:
        return []
    try:
        players = _players(list(pairs))
    except CompareError as exc:  # (said of the pair)
        pair = Bilingual(
            f"so sánh '{other.name}' với '{base.name}': ",
            f"comparing '{other.name}' with '{base.name}': ",
        )
        raise CompareError(pair + exc.message) from None
    member = subsets(len(players))
    values: dict[str, np.ndarray] = {}
    for k, paths in enumerate(players.values()):
        for path in paths:
            low, high = pairs[path]
            values[path] = np.where(member[:, k], high, low)
    aligned = with_single_years(base, list(pairs))
    series = _run(aligned, values)
    rows = []
    for indicator in attributed_indicators(base):
        worth = series[indicator][:, -1]
        contributions = shapley_values(worth, len(players))
        rows += [
            Attribution(other.name, base.name, indicator, base.end_year, name, float(c))
            for name, c in zip(players, contributions, strict=True)
        ]
    return rows


def _run(scenario: Scenario, values: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The model's series (2^p, T + 1) for the subsets' parameter values, calibrated as a run."""
    return projection_series(project(model_inputs(scenario, values)))


def differences(base: Any, other: Any, indicators: Sequence[str] | None = None) -> list[Difference]:
    """End-year values of every level indicator, and every target's value, in both results
    (`sim.run.ScenarioResult`s); CompareError for scenarios of different structure."""
    check_comparable(base.scenario, other.scenario)
    return _differences(base, other, indicators)


def _differences(base: Any, other: Any, indicators: Sequence[str] | None) -> list[Difference]:
    """`differences` of two results whose scenarios are known to be comparable."""
    names = indicators or [n for n in base.series if not n.startswith(("growth.", "cagr."))]
    rows = [
        Difference(
            other.scenario.name,
            base.scenario.name,
            name,
            float(base.series[name][-1]),
            float(other.series[name][-1]),
        )
        for name in names
    ]
    theirs = {row.target.key: row for row in other.scores}
    for row in base.scores:
        if row.target.key in theirs:
            rows.append(
                Difference(
                    other.scenario.name,
                    base.scenario.name,
                    f"target:{row.target.key}",
                    row.value,
                    theirs[row.target.key].value,
                )
            )
    return rows


def iter_compared(base_name: str, results: Sequence[Any]) -> list[tuple[Any, Any]]:
    """(base result, other result) for every other result; CompareError for an unknown base."""
    found = [r for r in results if r.scenario.name == base_name]
    names = [r.scenario.name for r in results]
    if not found:
        ran = ", ".join(names)
        raise CompareError(
            Bilingual(
                f"--compare {base_name}: lần chạy này không có kịch bản đó",
                f"--compare {base_name}: no such scenario in this run",
            )
            + hint(base_name, names)
            + Bilingual(f" (đã chạy: {ran})", f" (ran: {ran})")
        )
    pairs = [(found[0], r) for r in results if r is not found[0]]
    if not pairs:
        raise CompareError(
            Bilingual(
                f"--compare {base_name}: lần chạy chỉ có kịch bản gốc, không có kịch bản nào để "
                "so sánh với nó; hãy chạy thêm kịch bản khác",
                f"--compare {base_name}: the run has the base alone, no scenario to compare with "
                "it; run another scenario too",
            )
        )
    return pairs


@dataclass(frozen=True)
class CompareResult:
    """The compare view of a run: every other scenario against the base `base`."""

    base: str
    differences: tuple[Difference, ...]
    attribution: tuple[Attribution, ...]


def compare_run(base_name: str, results: Sequence[Any]) -> CompareResult:
    """Differences and attribution of every result of the run against the one named
    `base_name` (`sim.run.ScenarioResult`s). Raises CompareError naming every scenario that
    cannot be compared, or an unknown base."""
    pairs = iter_compared(base_name, results)
    found: list[Difference] = []
    shares: list[Attribution] = []
    problems = []
    for base, other in pairs:
        try:
            check_comparable(base.scenario, other.scenario)  # (once a pair: the rest rely on it)
            found += _differences(base, other, None)
            shares += _attribute(base.scenario, other.scenario)
        except CompareError as exc:
            problems.append(exc.message)
    if problems:
        # (a line for each pair that cannot be compared)
        raise CompareError(Bilingual(*("\n".join(p.in_(lang) for p in problems) for lang in LANGS)))
    return CompareResult(base_name, tuple(found), tuple(shares))
