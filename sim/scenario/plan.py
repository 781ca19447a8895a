"""Plan files (`plan.toml`): reading and validation, every problem at once.

The file format is declared as data (`PLAN_SCHEMA`, with the scenario schema's `Leaf` and `Table`)
and checked by the scenario loader's own walker, so a plan's problems read like a scenario's:
file, key, value, rule, "did you mean". The rules that span keys (a band or a figure, a unit for a
level) follow; the result is a `sim.core.plan.Plan`.

Where a scenario's plan is: `plan = "..."` in the scenario (or a parent it extends), relative to
the file that says so; else `plan.toml` beside the scenario file, or beside a parent's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.core.model import series_names
from sim.core.names import TOTAL, SeriesName, output
from sim.core.plan import Plan, PlanHistory
from sim.core.targets import Target
from sim.core.text import Bilingual, vn
from sim.scenario.params import build_inputs
from sim.scenario.schema import (
    MAX_RATE_PCT,
    SHORT_BILINGUAL,
    AnyKeys,
    Leaf,
    Table,
)
from sim.scenario.values import MISSING, Findings, Problem, Scenario, ScenarioError, hint

__all__ = [
    "PLAN_FILE",
    "PLAN_SCHEMA",
    "MEASURES",
    "load_plan",
    "plan_path_for",
    "SECTOR_KEYS",
    "unknown_indicator_problems",
]

PLAN_FILE = "plan.toml"
"""The plan file's name beside the scenarios it governs."""

MEASURES = ("cagr", "level", "min_each_year")
SECTOR_KEYS = ("services", "industry", "agriculture", TOTAL)
"""Keys of [history.growth_pct] that name output series (output.<key>); any other names an
indicator."""


def _tolerance_check(value: float) -> Bilingual | None:
    if 0.0 <= value < 100.0:
        return None
    return Bilingual(
        "phải từ 0 (ít nhất bằng con số) đến dưới 100 %",
        "must lie from 0 (at least the figure) to under 100 %",
    )


def _history_rate_check(value: float) -> Bilingual | None:
    if value <= -100.0 or value > MAX_RATE_PCT:
        return Bilingual(
            f"tốc độ tăng trưởng phải lớn hơn -100 và tối đa {vn(MAX_RATE_PCT)} %/năm",
            f"a growth rate must lie above -100 and at most {MAX_RATE_PCT:g} %/yr",
        )
    return None


_TEXT = Leaf("string", "free text")
_BILINGUAL = Table({"vi": _TEXT, "en": _TEXT}, "text in Vietnamese (vi) and English (en)")

TARGET = Table(
    {
        "indicator": Leaf(
            "string",
            "the series checked: output.total, output.<sector>, an indicator's name, or "
            "budget_concept (the budget line each scenario names)",
        ),
        "measure": Leaf(
            "choice",
            "cagr (average growth over the term), level (the value in the last year) or "
            "min_each_year (the smallest yearly value)",
            choices=MEASURES,
        ),
        "low": Leaf("number", "low end of the band (at least this)"),
        "high": Leaf("number", "high end of the band"),
        "approx": Leaf("number", '"khoảng" (about): a single figure, instead of low and high'),
        "tolerance_pct": Leaf(
            "number",
            "how near an 'about' figure counts as met, % either side (0: at least the figure)",
            unit="%",
            check=_tolerance_check,
        ),
        "unit": Leaf("string", "the unit of the band (default %/yr for cagr)", max_chars=200),
        "label": SHORT_BILINGUAL,
        "source": _TEXT,
        "goal": Leaf("number", "the figure the goal seeks aim at (default: approx, else low)"),
        "seek": Leaf("strings", "parameters whose needed value the goal seek finds"),
        "seek_within_range": Leaf("strings", "parameters searched only within their planned range"),
    },
    "one target",
)

PLAN_SCHEMA = Table(
    {
        "plan": Table(
            {
                "locality": SHORT_BILINGUAL,
                "term": Leaf("years", "the term: [first year, last year]"),
                "source": _BILINGUAL,
                "example": Leaf("boolean", "the values are a starter's examples, to replace"),
            },
            "who and when",
        ),
        "targets": AnyKeys(TARGET, description="the targets, each under its own key"),
        "history": Table(
            {
                "years": Leaf("years", "the period of the track record: [first year, last year]"),
                "scenario": Leaf("string", "a back-cast scenario of the period, relative path"),
                "growth_pct": AnyKeys(
                    Table({}),  # (replaced below: a rate per key)
                    description="average growth over the period by series, %/yr",
                ),
                "source": _TEXT,
            },
            "the previous term's record",
        ),
    }
)
_RATE = Leaf("number", "average growth, %/yr", unit="%/yr", check=_history_rate_check)
REQUIRED_PLAN_KEYS = ("locality", "term")
REQUIRED_TARGET_KEYS = ("indicator", "measure", "label")


# ----------------------------------------------------------------------------- finding it


def plan_path_for(
    files: Sequence[Path], merged: Mapping[str, Any], set_by: str | None
) -> Path | None:
    """The plan file of a scenario whose chain is `files` (its own first): `plan = "..."` as
    merged (relative to `set_by`, the file that set it; from the current folder when a
    `--set [SCENARIO:]plan=FILE` set it), else plan.toml beside one of the files, the
    scenario's own first. None when there is none."""
    given = merged.get("plan")
    if isinstance(given, str) and set_by is not None:
        return Path(given) if set_by.startswith("--set ") else Path(set_by).parent / given
    for file in files:
        candidate = file.parent / PLAN_FILE
        if candidate.is_file():
            return candidate
    return None


# ----------------------------------------------------------------------------- reading


Reader = Callable[[Path], tuple[dict[str, Any], str]]
Checker = Callable[[Any, Any, str, str], Findings]


def load_plan(path: Path, read: Reader, check: Checker, *, referenced_by: str = "") -> Plan:
    """The plan in `path`; ScenarioError with every problem of the file at once.

    read, check: the scenario loader's TOML reader and schema walker (passed in: the loader
    imports this module). referenced_by: the scenario file that names the plan (for a missing
    file's message)."""
    if not path.is_file():
        where = referenced_by or str(path)
        rule = Bilingual("không tìm thấy tệp kế hoạch", "plan file not found")
        raise ScenarioError([Problem(where, "plan", str(path), rule)])
    document, _digest = read(path)
    source = str(path)
    found = _structure(document, source, check)
    found += Findings(_rules(document, source))
    if found.problems:
        raise ScenarioError(found.problems)
    return _build(document, source)


def _structure(document: Mapping[str, Any], source: str, check: Checker) -> Findings:
    """Types and unknown keys against PLAN_SCHEMA; [history.growth_pct] rates one by one."""
    history = document.get("history")
    rates = history.get("growth_pct") if isinstance(history, dict) else None
    shallow = dict(document)
    if isinstance(history, dict) and isinstance(rates, dict):  # (rates: checked one by one)
        shallow["history"] = {k: v for k, v in history.items() if k != "growth_pct"}
    found = check(shallow, PLAN_SCHEMA, "", source)
    if isinstance(rates, dict):
        for name, rate in rates.items():
            found += check(rate, _RATE, f"history.growth_pct.{name}", source)
    return found


def _rules(document: Mapping[str, Any], source: str) -> list[Problem]:
    """The rules that span keys: required keys, a band or a figure, a unit where needed."""
    problems: list[Problem] = []
    plan = document.get("plan")
    if not isinstance(plan, dict):
        if plan is None:
            what = Bilingual(
                "bảng [plan] (địa phương, nhiệm kỳ, nguồn)",
                "the [plan] table (locality, term, source)",
            )
            problems.append(Problem(source, "plan", MISSING, _missing(what)))
    else:
        for name in REQUIRED_PLAN_KEYS:
            if name not in plan:
                problems.append(Problem(source, f"plan.{name}", MISSING, _missing(_what(name))))
        if "source" not in plan and document.get("targets"):  # (footers name it)
            rule = _missing(_what("source"))
            problems.append(Problem(source, "plan.source", MISSING, rule))
    targets = document.get("targets", {})
    if isinstance(targets, dict):
        for key, spec in targets.items():
            if isinstance(spec, dict):
                problems += _target_rules(spec, f"targets.{key}", source)
    history = document.get("history")
    if isinstance(history, dict) and "years" not in history:
        what = Bilingual(
            "năm đầu và năm cuối [đầu, cuối] của giai đoạn", "the record's [first, last] years"
        )
        problems.append(Problem(source, "history.years", MISSING, _missing(what)))
    return problems


def _missing(what: Bilingual) -> Bilingual:
    """ "missing: <what>"."""
    return Bilingual(f"thiếu {what.vi}", f"missing: {what.en}")


_WHAT = {
    "locality": Bilingual(
        'tên địa phương, locality = { vi = "...", en = "..." }',
        'the locality\'s name, locality = { vi = "...", en = "..." }',
    ),
    "term": Bilingual(
        "năm đầu và năm cuối của nhiệm kỳ, ví dụ term = [2025, 2030]",
        "the term's first and last year, e.g. term = [2025, 2030]",
    ),
    "source": Bilingual(
        'văn bản nêu các chỉ tiêu, source = { vi = "...", en = "..." }',
        'the document the targets come from, source = { vi = "...", en = "..." }',
    ),
    "indicator": Bilingual(
        'chuỗi số dùng để đánh giá chỉ tiêu, ví dụ indicator = "output.total"',
        'the series the target is checked on, e.g. indicator = "output.total"',
    ),
    "measure": Bilingual(
        'cách đo: measure = "cagr", "level" hoặc "min_each_year"',
        'how it is measured: measure = "cagr", "level" or "min_each_year"',
    ),
    "label": Bilingual(
        'tên của chỉ tiêu, label = { vi = "...", en = "..." }',
        'its name, label = { vi = "...", en = "..." }',
    ),
}


def _what(name: str) -> Bilingual:
    return _WHAT[name]


def _target_rules(spec: Mapping[str, Any], path: str, source: str) -> list[Problem]:
    problems = [
        Problem(source, f"{path}.{name}", MISSING, _missing(_what(name)))
        for name in REQUIRED_TARGET_KEYS
        if name not in spec
    ]
    band = [name for name in ("low", "high") if name in spec]
    if "approx" in spec and band:
        rule = Bilingual(
            "chỉ ghi approx (một con số) hoặc low/high (một khoảng), không ghi cả hai",
            "give either approx (one figure) or low/high (a band), not both",
        )
        problems.append(Problem(source, f"{path}.{band[0]}", spec[band[0]], rule))
    elif "approx" not in spec and not band:
        what = Bilingual(
            "con số của chỉ tiêu: low và/hoặc high (một khoảng), hoặc approx (khoảng)",
            "the target's figure: low and/or high (a band), or approx (about)",
        )
        problems.append(Problem(source, f"{path}.low", MISSING, _missing(what)))
    low, high = spec.get("low"), spec.get("high")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        shown = str(low) if isinstance(low, int) else f"{low:g}"  # (an int may exceed a float)
        rule = Bilingual(f"không được nhỏ hơn low ({vn(low)})", f"must not be below low ({shown})")
        problems.append(Problem(source, f"{path}.high", high, rule))
    if "tolerance_pct" in spec and "approx" not in spec:
        rule = Bilingual(
            "chỉ áp dụng cho con số 'khoảng': hãy ghi approx, hoặc bỏ tolerance_pct",
            "applies to an 'about' figure: give approx, or remove tolerance_pct",
        )
        problems.append(Problem(source, f"{path}.tolerance_pct", spec["tolerance_pct"], rule))
    if spec.get("measure") in ("level", "min_each_year") and "unit" not in spec:
        what = Bilingual(
            'đơn vị: chỉ tiêu mức cần đơn vị, ví dụ unit = "tỷ đồng"',
            'a level needs its unit, e.g. unit = "billion VND"',
        )
        problems.append(Problem(source, f"{path}.unit", MISSING, _missing(what)))
    problems += _unit_rules(spec, path, source)
    for name in ("seek", "seek_within_range"):
        for item in spec.get(name, []) if isinstance(spec.get(name), list) else []:
            if isinstance(item, str) and not re.fullmatch(
                r"(sectors|indicators)\.[a-z0-9_.]+", item
            ):
                rule = Bilingual(
                    "cần một đường dẫn tham số, ví dụ sectors.services.growth_pct hoặc "
                    "indicators.budget_revenue (hệ số co giãn hoặc tốc độ tăng của nó)",
                    "a parameter path, e.g. sectors.services.growth_pct or indicators."
                    "budget_revenue (its elasticity or growth rate)",
                )
                problems.append(Problem(source, f"{path}.{name}", item, rule))
    return problems


_RATE_UNIT = re.compile(r"%\s*(?:/|per\b|mỗi|một|a\b)\s*(?:năm|yr|year)", re.IGNORECASE)
"""A unit of a growth rate: "%/năm", "%/yr", "% per year", "% mỗi năm"."""


def _unit_rules(spec: Mapping[str, Any], path: str, source: str) -> list[Problem]:
    """The unit fits the measure: an average growth (cagr) is in %/yr, a level of a series
    that is no rate is not. Refused, not warned: a scorecard would compare unlike numbers
    (7 %/yr with 80 million) and call the target met or missed on that."""
    measure, unit, indicator = spec.get("measure"), spec.get("unit"), spec.get("indicator")
    if not isinstance(unit, str) or not isinstance(indicator, str):
        return []
    if measure == "cagr" and "%" not in unit:
        rule = Bilingual(
            f'measure = "cagr" đo tốc độ tăng bình quân của {indicator} cả nhiệm kỳ (%/năm), '
            f"nhưng đơn vị {unit} là của một mức: nếu chỉ tiêu là giá trị năm cuối nhiệm kỳ, "
            'hãy ghi measure = "level"; nếu là tốc độ tăng bình quân, hãy ghi unit = "%/năm" '
            "(hoặc bỏ unit)",
            f'measure = "cagr" checks the average growth of {indicator} over the term (%/yr), '
            f"but {unit} is a level's unit: for the value in the term's last year write "
            'measure = "level"; for average growth write unit = "%/yr" (or leave unit out)',
        )
        return [Problem(source, f"{path}.unit", unit, rule)]
    rate_series = SeriesName.parse(indicator).is_rate  # (a level of a rate is in %/yr)
    if measure in ("level", "min_each_year") and _RATE_UNIT.search(unit) and not rate_series:
        rule = Bilingual(
            f'measure = "{measure}" so {indicator} với con số theo đơn vị của chính nó, nhưng '
            f"{unit} là đơn vị của tốc độ tăng: nếu chỉ tiêu là tốc độ tăng bình quân, hãy ghi "
            'measure = "cagr"; nếu là một mức, hãy ghi đơn vị của mức đó (ví dụ "tỷ đồng")',
            f'measure = "{measure}" compares {indicator} itself with the figure, but {unit} is a '
            'growth rate\'s unit: for average growth write measure = "cagr"; for a level give '
            'its unit (e.g. "billion VND")',
        )
        return [Problem(source, f"{path}.unit", unit, rule)]
    return []


# ----------------------------------------------------------------------------- building


def _bilingual(table: Mapping[str, str]) -> Bilingual:
    return Bilingual(table.get("vi", ""), table.get("en", table.get("vi", "")))


def _build(document: Mapping[str, Any], source: str) -> Plan:
    plan = document["plan"]
    term = (int(plan["term"][0]), int(plan["term"][1]))
    targets = tuple(_target(key, spec, term) for key, spec in document.get("targets", {}).items())
    return Plan(
        locality=_bilingual(plan["locality"]),
        term=term,
        source=_bilingual(plan["source"]) if "source" in plan else None,
        targets=targets,
        history=_history(document.get("history")),
        example=bool(plan.get("example", False)),
        file=source,
    )


def _target(key: str, spec: Mapping[str, Any], term: tuple[int, int]) -> Target:
    label = _bilingual(spec["label"])
    approx = spec.get("approx")
    tolerance = float(spec.get("tolerance_pct", 0.0))
    if approx is not None:
        low: float | None = float(approx) * (1.0 - tolerance / 100.0)
        high: float | None = float(approx) * (1.0 + tolerance / 100.0)
    else:
        low = None if spec.get("low") is None else float(spec["low"])
        high = None if spec.get("high") is None else float(spec["high"])
    default_unit = "%/yr" if spec["measure"] == "cagr" else ""
    goal = spec.get("goal")
    return Target(
        key=key,
        indicator=spec["indicator"],
        measure=spec["measure"],
        start_year=term[0],
        end_year=term[1],
        low=low,
        high=high,
        unit=spec.get("unit", default_unit),
        source_lines=re.sub(r"^lines?\s+", "", spec.get("source", "")),
        label_vi=label.vi,
        label_en=label.en,
        approximate=approx is not None,
        tolerance_pct=tolerance,
        goal=None if goal is None else float(goal),
        seek=tuple(spec["seek"]) if "seek" in spec else None,
        seek_within_range=tuple(spec.get("seek_within_range", ())),
    )


def _history(table: Mapping[str, Any] | None) -> PlanHistory | None:
    if table is None:
        return None
    rates = {
        (output(name) if name in SECTOR_KEYS else name): float(rate)
        for name, rate in table.get("growth_pct", {}).items()
    }
    first, last = table["years"]
    return PlanHistory(int(first), int(last), rates, table.get("scenario", ""))


def unknown_indicator_problems(scenarios: Sequence[Scenario]) -> list[Problem]:
    """A Problem for each target of the run's plan whose indicator is a series of none of the
    run's scenarios, with the closest name: a typo would otherwise read "not projected" in
    every output. The CLI prints them as warnings (a run may leave an indicator out on
    purpose); a target on an indicator only some scenarios define is no problem."""
    planned = [s for s in scenarios if s.plan.targets]
    if not planned:
        return []
    names = {"budget_concept"}
    for scenario in scenarios:
        names |= set(series_names(build_inputs(scenario)))
    plan = planned[0].plan
    return [
        Problem(
            plan.file,
            f"targets.{t.key}.indicator",
            t.indicator,
            Bilingual(
                "không kịch bản nào của lượt chạy có chuỗi số mang tên này, nên chỉ tiêu không "
                "được dự báo (output.total, output.<ngành>, tên một chỉ tiêu, ...)",
                "no scenario of the run has a series of this name, so the target is not "
                "projected (output.total, output.<sector>, an indicator's name, ...)",
            )
            + hint(t.indicator, sorted(names)),
        )
        for t in plan.targets
        if t.indicator not in names
    ]
