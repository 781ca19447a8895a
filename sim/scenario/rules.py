"""The rules that span keys of a scenario, and the `Scenario` built once they hold.

`sim.scenario.loader` reads the files, checks each value on its own against the schema and merges
them; the rules here need several values at once (the shares and the residual treatment, a
single-year rate and the projection years, an indicator's rule and its parameter, ...). Each rule
is one function that takes the values it needs and returns the Problems it finds, in the order
the messages are listed to the user. `build_scenario` runs them in that order and builds the
Scenario when none is broken.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.core.model import SECTORS
from sim.core.text import Bilingual, join_and, join_va, vn
from sim.scenario.schema import (
    INDICATOR,
    MAX_HORIZON_YEARS,
    MAX_NAME_CHARS,
    NAME_PATTERN,
    Leaf,
    Table,
)
from sim.scenario.uncertainty_section import uncertainty_spec
from sim.scenario.values import (
    MISSING,
    Findings,
    Indicator,
    Problem,
    Scenario,
    ScenarioError,
    Sector,
    Where,
    hint,
)

__all__ = [
    "SHARE_SUM_TOLERANCE_PCT",
    "NORMALISE_WARN_PCT",
    "NORMALISE_MAX_PCT",
    "RESERVED_SCENARIO_NAMES",
    "RESERVED_INDICATOR_NAMES",
    "Horizon",
    "build_scenario",
]

SHARE_SUM_TOLERANCE_PCT = 0.05
"""Base shares within this distance of 100 % count as summing to 100 (rounding)."""
NORMALISE_WARN_PCT = 2.0
"""With residual = "normalise", shares further than this from 100 % (points) get a warning."""
NORMALISE_MAX_PCT = 10.0
"""With residual = "normalise", shares further than this from 100 % (points) are an error: scaling
them would change every share by more than a tenth (a typing slip, not a rounding gap)."""

RESERVED_SCENARIO_NAMES = (
    "projections",
    "scorecard",
    "manifest",
    "report",
    "whatif",
    "charts",
    "history",
    "tracking",
    "sensitivity",
    "rebased",
    "consistency",
    "track_record",
    "realism",
    "plan_vs_actual",
    "required_growth",
    "notes",
)
"""Names a scenario may not take: a run writes `<name>.csv` beside these files and folders (at the
top of the results folder, and in history/ and tracking/), which the scenario's table would
overwrite or be confused with. tests/unit/test_scenario_hardening.py checks the list against
what a run writes."""

RESERVED_INDICATOR_NAMES = (*SECTORS, "other", "total", "budget_revenue_total")
"""Names an indicator may not take: their growth.<name> and cagr.<name> series exist already."""

SECTOR_KEYS = (
    ("share_pct", Bilingual("tỷ trọng năm gốc, %", "the base-year share, %")),
    ("growth_pct", Bilingual("tốc độ tăng trưởng, %/năm", "the growth rate, % per year")),
)
INDICATOR_KEYS = (
    ("base", Bilingual("giá trị năm gốc", "the base-year value")),
    ("unit", Bilingual('đơn vị, ví dụ "triệu đồng/người"', 'the unit, e.g. "million VND/person"')),
    (
        "rule",
        Bilingual(
            '"growth" (tốc độ riêng) hoặc "elasticity" (co giãn theo giá trị sản xuất)',
            '"growth" (own rate) or "elasticity" (to output)',
        ),
    ),
)
"""Required keys of a sector and of an indicator, with what each gives (for the message)."""


@dataclass(frozen=True)
class Horizon:
    """The projection years as the merged values give them.

    base:            base_year (None when missing).
    span:            (base_year, end_year) when both are given and end_year lies
                     1..MAX_HORIZON_YEARS after base_year, else None (and the rules that need
                     the years wait until that is fixed).
    end_from_option: end_year was set by --end-year (later single-year rates are then dropped
                     with a warning instead of refused).
    """

    base: int | None
    span: tuple[int, int] | None
    end_from_option: bool

    def dropped(self, year: int) -> bool:
        """A single year after a shorter --end-year: not used in this run."""
        return self.span is not None and self.end_from_option and year > self.span[1]

    def outside(self, year: int) -> bool:
        """A single year outside the projected years (base year + 1 .. end year)."""
        return self.span is not None and not self.span[0] < year <= self.span[1]


# ----------------------------------------------------------------------------- building


def build_scenario(
    path: Path,
    merged: dict[str, Any],
    where: Where,
    hashes: Mapping[str, str],
    settings: tuple[str, ...],
    warnings: Sequence[Problem],
) -> Scenario:
    """Check the rules that span keys and build the Scenario.

    merged: the values of the scenario's files and options, each already checked on its own.
    warnings: those found so far (by the schema), kept in the Scenario with the rules' own.
    Raises ScenarioError listing every broken rule.
    """
    horizon = _horizon(merged, where)
    sectors, indicators = _sectors(merged, horizon), _indicators(merged, horizon)
    structure = merged.get("structure", {})
    found = (
        _file_rules(merged, path, where)
        + Findings(_horizon_rules(merged, where))
        + _sector_findings(merged.get("sectors", {}), horizon, where)
        + _share_sum_rules(sectors, structure.get("residual"), where)
        + Findings(_residual_growth_rules(structure, where))
        + _indicator_findings(merged.get("indicators", {}), horizon, where)
        + Findings(_anchor_rules(structure, horizon, where))
        + Findings(_calibration_rules(merged.get("calibration", {}), where))
        + Findings(warnings=_budget_concept_advice(merged, indicators, where))
    )
    if found.problems:
        raise ScenarioError(found.problems)
    warnings = (*warnings, *found.warnings)
    scenario = _scenario(path, merged, sectors, indicators, hashes, settings, warnings)
    if "uncertainty" not in merged:
        return scenario
    spec, found = uncertainty_spec(scenario, merged["uncertainty"], where)
    if found.problems:
        raise ScenarioError(found.problems)
    return replace(scenario, uncertainty=spec, warnings=scenario.warnings + found.warnings)


def _scenario(
    path: Path,
    merged: Mapping[str, Any],
    sectors: dict[str, Sector],
    indicators: dict[str, Indicator],
    hashes: Mapping[str, str],
    settings: tuple[str, ...],
    warnings: tuple[Problem, ...],
) -> Scenario:
    """The Scenario of merged values that break no rule."""
    name = merged.get("name", name_from_file(path))
    title, description = merged.get("title", {}), merged.get("description", {})
    structure, calibration = merged.get("structure", {}), merged.get("calibration", {})
    residual_growth = structure.get("residual_growth_pct")
    anchor_year = structure.get("anchor_year")
    target = calibration.get("total_cagr_pct")
    return Scenario(
        name=name,
        title_vi=title.get("vi", _file_title(path, merged)),
        title_en=title.get("en", _file_title(path, merged)),
        description_vi=description.get("vi", ""),
        description_en=description.get("en", ""),
        base_year=int(merged["base_year"]),
        end_year=int(merged["end_year"]),
        residual=structure.get("residual"),
        residual_growth_pct=None if residual_growth is None else float(residual_growth),
        base_total_bn_vnd=structure.get("base_total_bn_vnd"),
        sectors=sectors,
        indicators=indicators,
        budget_concept=_budget_concept(merged),
        files=tuple(Path(p) for p in hashes),
        file_sha256=dict(hashes),
        settings=settings,
        resolved=merged,
        warnings=warnings,
        anchor_year=None if anchor_year in (None, merged["base_year"]) else int(anchor_year),
        calibration_total_cagr_pct=None if target is None else float(target),
        calibration_sectors=tuple(dict.fromkeys(calibration.get("adjust", SECTORS)))
        if calibration
        else (),
    )


def _budget_concept(merged: Mapping[str, Any]) -> str:
    return merged.get("targets", {}).get("budget_concept", "budget_revenue")


def required(why: Bilingual) -> Bilingual:
    """ "required: <what the key gives>"."""
    return Bilingual(f"bắt buộc: {why.vi}", f"required: {why.en}")


def _required(
    table: Mapping[str, Any], prefix: str, keys: Sequence[tuple[str, Bilingual]], where: Where
) -> list[Problem]:
    """A Problem for each of `keys` (key, what it gives) that `table` lacks."""
    return [
        Problem(where(f"{prefix}{key}"), f"{prefix}{key}", MISSING, required(why))
        for key, why in keys
        if key not in table
    ]


# ----------------------------------------------------------------------------- the file and years


def _file_rules(merged: Mapping[str, Any], path: Path, where: Where) -> Findings:
    """The scenario's name is an identifier; its title is given in both languages (advice)."""
    name = merged.get("name", name_from_file(path))
    problems = [Problem(where.own, "name", name, rule) for rule in _name_rules(name)]
    if "name" not in merged and not NAME_PATTERN.match(name):
        rule = Bilingual(
            f"tên tệp '{path.name}' không cho ra tên kịch bản dùng được; hãy đổi tên tệp thành "
            "chữ thường không dấu, chữ số và _, bắt đầu bằng một chữ cái (ví dụ "
            "kich_ban_moi.toml; dấu cách và chữ có dấu được tự chuyển sang dạng đó), hoặc ghi "
            'name = "..." trong tệp',
            f"the file name '{path.name}' gives no usable scenario name; rename the file to "
            "lower-case letters, digits and _ starting with a letter (e.g. kich_ban_moi.toml; "
            'spaces and Vietnamese letters are turned into that form), or set name = "..." '
            "in the file",
        )
        problems = [Problem(where.own, "name", name, rule)]
    title = merged.get("title", {})
    warnings = []
    if "vi" not in title or "en" not in title:
        advice = Bilingual(
            "hãy ghi tiêu đề bằng tiếng Việt (vi) và tiếng Anh (en); tạm thời dùng tên kịch bản",
            "give a title in Vietnamese (vi) and English (en); the name is used meanwhile",
        )
        warnings.append(Problem(where.own, "title", title or MISSING, advice))
    return Findings(problems, warnings)


_VIETNAMESE_D = str.maketrans({"đ": "d", "Đ": "D"})


def name_from_file(path: Path) -> str:
    """The scenario name a file gives when it sets none: its stem, lower case, with Vietnamese
    letters written without their marks and anything else that is not a letter or digit as _:
    "kịch bản mới.toml" -> "kich_ban_moi" (a name must be an identifier: it names sheets, files
    and --set prefixes). A stem that is already a name stays as it is."""
    bare = unicodedata.normalize("NFD", path.stem.translate(_VIETNAMESE_D))
    ascii_only = "".join(c for c in bare if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9_]+", "_", ascii_only).strip("_") or path.stem


def _file_title(path: Path, merged: Mapping[str, Any]) -> str:
    """The title a file without one gets: its name, or the file's own name when the name was
    derived from it ("kịch bản mới", not "kich_ban_moi")."""
    if "name" in merged:
        return str(merged["name"])
    return unicodedata.normalize("NFC", path.stem)


def _name_rules(name: str) -> list[Bilingual]:
    """A scenario name is a short identifier that names no other output file."""
    if len(name) > MAX_NAME_CHARS:
        return [
            Bilingual(
                f"tên dài tối đa {MAX_NAME_CHARS} ký tự: nó đặt tên cho các tệp kết quả",
                f"a name may have at most {MAX_NAME_CHARS} characters: it names output files",
            )
        ]
    if not NAME_PATTERN.match(name):
        return [
            Bilingual(
                "tên chỉ gồm chữ thường không dấu, chữ số và _",
                "a name must be lower-case letters, digits and _",
            )
        ]
    if name in RESERVED_SCENARIO_NAMES:
        return [
            Bilingual(
                f"'{name}' là tên một tệp hoặc thư mục mà mỗi lượt chạy đều ghi; hãy chọn tên "
                "khác (đổi tên tệp hoặc ghi name = ...)",
                f"'{name}' is the name of a file or folder every run writes; choose another name "
                "(rename the file or set name = ...)",
            )
        ]
    return []


def _horizon(merged: Mapping[str, Any], where: Where) -> Horizon:
    base, end = merged.get("base_year"), merged.get("end_year")
    span = None
    if base is not None and end is not None and 0 < end - base <= MAX_HORIZON_YEARS:
        span = (base, end)
    return Horizon(base, span, where.provenance.get("end_year") == "--end-year")


def _horizon_rules(merged: Mapping[str, Any], where: Where) -> list[Problem]:
    """Base and end year are given; the end year lies 1..MAX_HORIZON_YEARS after the base year."""
    keys = (
        ("base_year", Bilingual("năm gốc của dự báo", "the base year of the projection")),
        ("end_year", Bilingual("năm cuối cùng được dự báo", "the last projected year")),
    )
    problems = _required(merged, "", keys, where)
    base, end = merged.get("base_year"), merged.get("end_year")
    if base is None or end is None:
        return problems
    if end <= base:
        rule = Bilingual(f"phải sau năm gốc {base}", f"must be after the base year {base}")
    elif end - base > MAX_HORIZON_YEARS:
        rule = Bilingual(
            f"cách năm gốc {base} hơn {MAX_HORIZON_YEARS} năm: tăng trưởng kép xa đến vậy "
            "không còn là dự báo",
            f"more than {MAX_HORIZON_YEARS} years after the base year {base}: "
            "compound growth that far out is not a projection",
        )
    else:
        return problems
    # Blame the option that moved a year (--set base_year=..., --end-year), not the file that
    # holds the other one.
    key = "base_year" if _from_option(where("base_year")) else "end_year"
    if key == "base_year" and not _from_option(where("end_year")):
        set_in = where("end_year")
        rule = Bilingual(
            f"năm cuối {end} (đặt trong {set_in}) phải sau năm gốc",
            f"the end year {end} (set in {set_in}) must be after the base year",
        )
        if end > base:
            rule = Bilingual(
                f"năm cuối {end} (đặt trong {set_in}) cách năm gốc {end - base} năm: hơn "
                f"{MAX_HORIZON_YEARS}",
                f"the end year {end} (set in {set_in}) is {end - base} years later"
                f": more than {MAX_HORIZON_YEARS}",
            )
    problems.append(Problem(where(key), key, merged[key], rule))
    return problems


def _from_option(source: str) -> bool:
    """A value set on the command line (--set, --end-year), not in a file."""
    return source.startswith("--")


def _years_outside(
    by_year: Mapping[str, float], prefix: str, horizon: Horizon, where: Where
) -> list[Problem]:
    """Single-year rates must lie in the projected years (those dropped by --end-year aside)."""
    if horizon.span is None:
        return []
    base, end = horizon.span
    moved = [src for src in (where("base_year"), where("end_year")) if _from_option(src)]
    by = (
        Bilingual(f" (các năm do {join_va(moved)} đặt)", f" (the years set by {join_and(moved)})")
        if moved
        else Bilingual("", "")
    )
    problems = []
    for key, value in by_year.items():
        year = int(key)
        if horizon.outside(year) and not horizon.dropped(year):
            rule = (
                Bilingual(
                    f"năm {year} nằm ngoài các năm dự báo {base + 1}-{end}",
                    f"year {year} is outside the projected years {base + 1}-{end}",
                )
                + by
            )
            problems.append(Problem(where(f"{prefix}.{key}"), f"{prefix}.{key}", value, rule))
    return problems


def _years_dropped(
    by_year: Mapping[str, float], prefix: str, horizon: Horizon, where: Where
) -> list[Problem]:
    """Advice: single-year rates after a shorter --end-year are not used in this run."""
    if horizon.span is None:
        return []
    advice = unused_after_end_year(horizon.span[1])
    return [
        Problem(where(f"{prefix}.{key}"), f"{prefix}.{key}", value, advice)
        for key, value in by_year.items()
        if horizon.dropped(int(key))
    ]


def unused_after_end_year(end: int) -> Bilingual:
    """The advice on a single year after a shorter --end-year."""
    return Bilingual(
        f"sau --end-year {end}: không dùng trong lượt chạy này",
        f"after --end-year {end}: not used in this run",
    )


def _year_values(by_year: Mapping[str, float], horizon: Horizon) -> dict[int, float]:
    """The single-year rates used in this run, by year, ascending."""
    kept = {int(key): float(value) for key, value in by_year.items()}
    return {year: kept[year] for year in sorted(kept) if not horizon.dropped(year)}


# ----------------------------------------------------------------------------- sectors


def _sector_findings(tables: Mapping[str, Any], horizon: Horizon, where: Where) -> Findings:
    """Every sector is given, with a share and a growth rate; its single years fit the horizon."""
    found = Findings()
    for name in SECTORS:
        table = tables.get(name)
        if table is None:
            rule = required(
                Bilingual(
                    "mỗi ngành cần tỷ trọng và tốc độ tăng trưởng",
                    "every sector needs a share and a growth rate",
                )
            )
            found += Findings([Problem(where(f"sectors.{name}"), f"sectors.{name}", MISSING, rule)])
            continue
        prefix = f"sectors.{name}."
        by_year = table.get("growth_pct_by_year", {})
        years = f"{prefix}growth_pct_by_year"
        found += Findings(
            _required(table, prefix, SECTOR_KEYS, where)
            + _years_outside(by_year, years, horizon, where),
            _years_dropped(by_year, years, horizon, where),
        )
    return found


def _sectors(merged: Mapping[str, Any], horizon: Horizon) -> dict[str, Sector]:
    """The sectors that have a share and a growth rate, in SECTORS order."""
    tables = merged.get("sectors", {})
    return {
        name: Sector(
            float(table["share_pct"]),
            float(table["growth_pct"]),
            _year_values(table.get("growth_pct_by_year", {}), horizon),
        )
        for name in SECTORS
        if (table := tables.get(name)) is not None and all(k in table for k, _ in SECTOR_KEYS)
    }


def _share_sum_rules(sectors: Mapping[str, Sector], residual: str | None, where: Where) -> Findings:
    """The base shares sum to 100, or the residual treatment says how their gap is treated; an
    'other' block cannot be negative; normalising may close a gap of NORMALISE_MAX_PCT points at
    most (with a warning above NORMALISE_WARN_PCT). Checked only when every sector has its share."""
    if len(sectors) != len(SECTORS):
        return Findings()
    total = sum(s.share_pct for s in sectors.values())
    if total <= 0.0:
        rule = Bilingual("tổng các tỷ trọng bằng 0", "the shares sum to 0")
        return Findings(
            [Problem(where("sectors.services.share_pct"), "sectors.*.share_pct", total, rule)]
        )
    if abs(total - 100.0) > SHARE_SUM_TOLERANCE_PCT and residual is None:
        rule = Bilingual(
            f"tổng tỷ trọng năm gốc là {vn(total)} %, không phải 100: hãy cho biết cách xử lý "
            'phần chênh lệch bằng structure.residual = "normalise" (quy về 100) hoặc "other" '
            "(giữ một khối 'khác')",
            f"the base shares sum to {total:g} %, not 100: say how the gap is treated with "
            'structure.residual = "normalise" (scale to 100) or "other" (keep an \'other\' block)',
        )
        key = "structure.residual"  # (in the file that holds the shares)
        return Findings([Problem(where("sectors.services.share_pct"), key, MISSING, rule)])
    key = "structure.residual"
    if residual == "other" and total > 100.0 + SHARE_SUM_TOLERANCE_PCT:
        rule = Bilingual(
            f"tổng tỷ trọng năm gốc là {vn(total)} % > 100: khối 'khác' sẽ bị âm",
            f"the base shares sum to {total:g} % > 100: an 'other' block would be negative",
        )
        return Findings([Problem(where(key), key, residual, rule)])
    gap = abs(total - 100.0)
    if residual != "normalise" or gap <= NORMALISE_WARN_PCT:
        return Findings()
    shares = Bilingual(
        ", ".join(f"{name} {vn(s.share_pct)}" for name, s in sectors.items()),
        ", ".join(f"{name} {s.share_pct:g}" for name, s in sectors.items()),
    )
    if gap > NORMALISE_MAX_PCT:
        rule = Bilingual(
            f"tổng tỷ trọng năm gốc ({shares.vi}) là {vn(total)} %: quy về 100 chỉ bù được "
            f"chênh lệch tối đa {vn(NORMALISE_MAX_PCT)} điểm; hãy kiểm tra lại các tỷ trọng",
            f"the base shares ({shares.en}) sum to {total:g} %: normalising closes a gap of at "
            f"most {NORMALISE_MAX_PCT:g} points; check the shares",
        )
        return Findings([Problem(where("sectors.services.share_pct"), key, residual, rule)])
    advice = Bilingual(
        f"HÃY KIỂM TRA CÁC TỶ TRỌNG: tổng ({shares.vi}) là {vn(total)} %, cách 100 "
        f"{vn(gap, '.1f')} điểm; quy về 100 sẽ nhân mỗi tỷ trọng với {vn(100.0 / total, '.3f')} "
        f"(chênh lệch trên {vn(NORMALISE_WARN_PCT)} điểm là hơn mức làm tròn)",
        f"CHECK THE SHARES: they ({shares.en}) sum to {total:g} %, {gap:.1f} points from 100; "
        f"normalising scales every share by {100.0 / total:.3f} (a gap above "
        f"{NORMALISE_WARN_PCT:g} points is more than rounding)",
    )
    return Findings(warnings=[Problem(where("sectors.services.share_pct"), key, residual, advice)])


def _residual_growth_rules(structure: Mapping[str, Any], where: Where) -> list[Problem]:
    """An own growth rate of the residual needs an 'other' block to grow."""
    growth = structure.get("residual_growth_pct")
    if growth is None or structure.get("residual") == "other":
        return []
    key = "structure.residual_growth_pct"
    rule = Bilingual(
        'chỉ có tác dụng khi structure.residual = "other"',
        'only has an effect with structure.residual = "other"',
    )
    return [Problem(where(key), key, growth, rule)]


# ----------------------------------------------------------------------------- indicators


def _indicator_findings(tables: Mapping[str, Any], horizon: Horizon, where: Where) -> Findings:
    """Each indicator: a free name, its required keys, the parameter its rule uses, its single
    years within the horizon."""
    found = Findings()
    for name, table in tables.items():
        prefix = f"indicators.{name}."
        if name in RESERVED_INDICATOR_NAMES:
            rule = Bilingual(
                f"'{name}' là tên một chuỗi số có sẵn; hãy chọn tên khác",
                f"'{name}' is the name of a built-in series; choose another name",
            )
            found += Findings(
                [Problem(where(f"{prefix}base"), f"indicators.{name}", "{...}", rule)]
            )
            continue
        by_year = table.get("growth_pct_by_year", {})
        years = f"{prefix}growth_pct_by_year"
        found += Findings(
            _required(table, prefix, INDICATOR_KEYS, where)
            + _rule_parameter_rules(table, INDICATOR, prefix, where)
            + _years_outside(by_year, years, horizon, where),
            _years_dropped(by_year, years, horizon, where),
        ) + _unused_rule_parameters(table, INDICATOR, prefix, where)
    return found


def _rule_parameter_rules(
    table: Mapping[str, Any], spec: Table, prefix: str, where: Where
) -> list[Problem]:
    """A key declared `used_when` a setting (an indicator's growth_pct under rule = "growth",
    its elasticity under rule = "elasticity") is required by that setting."""
    problems = []
    for key, leaf in spec.fields.items():
        if not isinstance(leaf, Leaf) or leaf.used_when is None:
            continue
        setting, value = leaf.used_when
        if table.get(setting) == value and key not in table:
            rule = Bilingual(
                f'bắt buộc khi {setting} = "{value}"', f'required by {setting} = "{value}"'
            )
            problems.append(Problem(where(f"{prefix}{setting}"), f"{prefix}{key}", MISSING, rule))
    return problems


def _unused_rule_parameters(
    table: Mapping[str, Any], spec: Table, prefix: str, where: Where
) -> Findings:
    """A key declared `used_when` a setting that the table sets otherwise (an indicator's
    growth_pct under rule = "elasticity"): the model never reads it. Set by --set, a what-if
    that would change nothing: an error. In a file, a warning, unless --set chose the rule (the
    file's value for the other rule is then left unused on purpose)."""
    problems, warnings = [], []
    for key, leaf in spec.fields.items():
        if not isinstance(leaf, Leaf) or leaf.used_when is None or key not in table:
            continue
        setting, value = leaf.used_when
        rule = table.get(setting)
        if rule is None or rule == value:
            continue
        source, chosen_by = where(f"{prefix}{key}"), where(f"{prefix}{setting}")
        if source.startswith("--set "):
            words = Bilingual(
                f"chỉ tiêu tính theo {setting} = '{rule}', không dùng {key}: giá trị này không "
                f"thay đổi gì; hãy đặt tham số của quy tắc đó, hoặc thêm --set "
                f"{prefix}{setting}={value}",
                f"the indicator follows {setting} = '{rule}', which does not use {key}: this "
                f"value would change nothing; set that rule's parameter, or add --set "
                f"{prefix}{setting}={value}",
            )
            problems.append(Problem(source, f"{prefix}{key}", table[key], words))
        elif not chosen_by.startswith("--set "):
            words = Bilingual(
                f"bỏ qua: chỉ tiêu có {setting} = '{rule}' không dùng tham số này",
                f"ignored: indicator {setting} = '{rule}' does not use this parameter",
            )
            warnings.append(Problem(source, f"{prefix}{key}", table[key], words))
    return Findings(problems, warnings)


def _indicators(merged: Mapping[str, Any], horizon: Horizon) -> dict[str, Indicator]:
    """The indicators with a free name and their required keys, in the files' order."""
    return {
        name: _indicator(name, table, horizon)
        for name, table in merged.get("indicators", {}).items()
        if name not in RESERVED_INDICATOR_NAMES and all(k in table for k, _ in INDICATOR_KEYS)
    }


def _indicator(name: str, table: Mapping[str, Any], horizon: Horizon) -> Indicator:
    growth, elasticity = table.get("growth_pct"), table.get("elasticity")
    label = table.get("label", {})
    return Indicator(
        name=name,
        base=float(table["base"]),
        unit=table["unit"],
        rule=table["rule"],
        growth_pct=None if growth is None else float(growth),
        elasticity=None if elasticity is None else float(elasticity),
        growth_pct_by_year=_year_values(table.get("growth_pct_by_year", {}), horizon),
        label_vi=label.get("vi", name),
        label_en=label.get("en", name),
    )


# ----------------------------------------------------------------------------- other tables


def _anchor_rules(structure: Mapping[str, Any], horizon: Horizon, where: Where) -> list[Problem]:
    """An anchor year lies in the projection years and is not combined with a total in VND."""
    anchor = structure.get("anchor_year")
    key = "structure.anchor_year"
    problems = []
    if anchor is not None and horizon.span is not None:
        base, end = horizon.span
        if not base <= anchor <= end:
            rule = Bilingual(
                f"phải nằm trong các năm dự báo {base}-{end}",
                f"must lie in the projection years {base}-{end}",
            )
            problems.append(Problem(where(key), key, anchor, rule))
    if anchor not in (None, horizon.base) and "base_total_bn_vnd" in structure:
        rule = Bilingual(
            "chưa dùng được cùng structure.base_total_bn_vnd: tính ngược (back-cast) cho ra "
            "chỉ số (tổng năm gốc = 100)",
            "cannot be combined with structure.base_total_bn_vnd yet: a back-cast projects "
            "an index (base-year total = 100)",
        )
        problems.append(Problem(where(key), key, anchor, rule))
    return problems


def _calibration_rules(calibration: Mapping[str, Any], where: Where) -> list[Problem]:
    """A calibration names its total growth and adjusts at least one real sector."""
    if not calibration:
        return []
    problems = []
    if calibration.get("total_cagr_pct") is None:
        rule = required(
            Bilingual(
                "tốc độ tăng trưởng tổng cần hiệu chỉnh theo, %/năm",
                "the total growth to calibrate to, %/yr",
            )
        )
        key = "calibration.total_cagr_pct"
        problems.append(Problem(where(key), key, MISSING, rule))
    adjust = calibration.get("adjust", list(SECTORS))
    key = "calibration.adjust"
    for sector in adjust:
        if sector not in SECTORS:
            listed = ", ".join(SECTORS)
            rule = (
                Bilingual("không phải một ngành", "not a sector")
                + hint(sector, SECTORS)
                + Bilingual(f"; các ngành: {listed}", f"; sectors: {listed}")
            )
            problems.append(Problem(where(key), key, sector, rule))
    if not adjust:
        rule = Bilingual(
            "hãy nêu ít nhất một ngành để điều chỉnh", "name at least one sector to adjust"
        )
        problems.append(Problem(where(key), key, adjust, rule))
    return problems


def _budget_concept_advice(
    merged: Mapping[str, Any], indicators: Mapping[str, Indicator], where: Where
) -> tuple[Problem, ...]:
    """Advice: the budget total with land-use fees needs a land_use_revenue indicator."""
    concept = _budget_concept(merged)
    if concept != "budget_revenue_total" or "land_use_revenue" in indicators:
        return ()
    key = "targets.budget_concept"
    advice = Bilingual(
        "không có chỉ tiêu land_use_revenue (thu tiền sử dụng đất): tổng bằng budget_revenue",
        "no land_use_revenue indicator: the total equals budget_revenue",
    )
    return (Problem(where(key), key, concept, advice),)
