"""Scenario files: reading, inheritance (`extends`), `--set` overrides and validation.

This is the only module that knows the file format. It turns TOML files into a frozen `Scenario`
value, or raises one `ScenarioError` that lists every problem found, each naming the file, the key
path, the bad value and the rule.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from sim.core.model import SECTORS
from sim.scenario.parameters import numeric_parameters, unused_by_setting
from sim.scenario.schema import (
    MAX_HORIZON_YEARS,
    NAME_PATTERN,
    SCHEMA,
    AnyKeys,
    Leaf,
    ParameterTree,
    Table,
    YearMap,
    check_leaf,
    leaf_for_parameter,
)
from sim.scenario.uncertainty import (
    Distribution,
    UncertaintySpec,
    correlation_rules,
    distribution_rules,
)

__all__ = [
    "Problem",
    "ScenarioError",
    "Sector",
    "Indicator",
    "Scenario",
    "load_scenario",
    "parse_setting",
    "scenario_files_in",
    "SHARE_SUM_TOLERANCE_PCT",
]

SHARE_SUM_TOLERANCE_PCT = 0.05
"""Base shares within this distance of 100 % count as summing to 100 (rounding)."""

PER_FILE_KEYS = ("name", "extends", "title", "description")

RESERVED_INDICATOR_NAMES = (*SECTORS, "other", "total", "budget_revenue_total")
"""Names an indicator may not take: their growth.<name> and cagr.<name> series exist already."""
"""Keys that describe one file and are not inherited by a child scenario."""


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a warning) in a scenario."""

    source: str  # file path, or "--set KEY=VALUE", or "--end-year"
    key: str  # dotted key path; "" for the file as a whole
    value: object
    rule: str

    def __str__(self) -> str:
        if not self.key:
            return f"{self.source}: {self.rule}"
        shown = "(missing)" if self.value is MISSING else _show(self.value)
        return f"{self.source}: {self.key} = {shown}: {self.rule}"


class ScenarioError(Exception):
    """A user error in one or more scenario files; the message lists every problem."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in scenario input:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))


@dataclass(frozen=True)
class Sector:
    share_pct: float  # base-year share of production value, %
    growth_pct: float  # default growth, % per year
    growth_pct_by_year: Mapping[int, float]  # growth fixed for single years
    source: str = ""


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
    source: str = ""


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
    settings: tuple[str, ...] = ()  # --set overrides applied, as given
    resolved: Mapping[str, Any] = field(default_factory=dict)  # merged settings, for the manifest
    warnings: tuple[Problem, ...] = ()
    uncertainty: UncertaintySpec | None = None  # the [uncertainty] section, None without one
    anchor_year: int | None = None  # shares and base values refer to this year (a back-cast)
    calibration_total_cagr_pct: float | None = None  # calibrate sector growth to this total
    calibration_sectors: tuple[str, ...] = ()  # ... by shifting these sectors' growth

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

    def title(self, lang: str) -> str:
        """The scenario's title in `lang` ("vi" or "en")."""
        return self.title_vi if lang == "vi" else self.title_en

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


def _show(value: object) -> str:
    if isinstance(value, dict):
        return "{...}"
    return repr(value)


# ----------------------------------------------------------------------------- locating files


def scenario_files_in(folder: Path) -> list[Path]:
    """The scenario files directly in `folder` (not its subfolders), sorted by name."""
    return sorted(p for p in folder.glob("*.toml") if p.is_file())


def _resolve(name_or_path: str, folder: Path, paths_relative_to: Path | None = None) -> Path:
    """A scenario reference: a path (with a slash or .toml), or a name looked up in `folder`.

    Relative paths are taken from `paths_relative_to` (the current folder when None).
    """
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        candidate = Path(name_or_path)
        if candidate.is_absolute():
            return candidate
        if paths_relative_to is not None:
            return paths_relative_to / candidate
        if not candidate.is_file():  # "next_term/baseline_2025_2030" or "baseline.toml"
            inside = folder / candidate.with_suffix(".toml")
            if inside.is_file():
                return inside
        return candidate
    return folder / f"{name_or_path}.toml"


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), "", None, f"not UTF-8 text ({exc})")]) from None
    try:
        return tomllib.loads(text), digest
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError([Problem(str(path), "", None, f"TOML syntax error: {exc}")]) from None


# ----------------------------------------------------------------------------- structure check


def _hint(key: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(key, list(options), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _check_structure(
    value: Any,
    spec: Leaf | Table | AnyKeys | YearMap | ParameterTree,
    path: str,
    source: str,
    problems: list[Problem],
    warnings: list[Problem],
) -> None:
    """Check types, bounds and unknown keys of one document against the schema, recursively."""
    if isinstance(spec, ParameterTree):
        _check_parameter_tree(value, spec, path, source, problems, warnings)
        return
    if isinstance(spec, Leaf):
        error, warning = check_leaf(spec, value)
        if error:
            problems.append(Problem(source, path, value, error))
        if warning:
            warnings.append(Problem(source, path, value, warning))
        return
    if not isinstance(value, dict):
        problems.append(Problem(source, path, value, f"must be a table ({spec.description})"))
        return
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if isinstance(spec, Table):
            if key not in spec.fields:
                rule = f"unknown key{_hint(key, spec.fields)}"
                problems.append(Problem(source, sub, item, rule))
                continue
            _check_structure(item, spec.fields[key], sub, source, problems, warnings)
        elif isinstance(spec, AnyKeys):
            if spec.allowed and key not in spec.allowed:
                rule = f"unknown name{_hint(key, spec.allowed)}; allowed: {', '.join(spec.allowed)}"
                problems.append(Problem(source, sub, item, rule))
                continue
            if not NAME_PATTERN.match(key):
                rule = "a name must be lower-case letters, digits and _ and start with a letter"
                problems.append(Problem(source, sub, item, rule))
                continue
            _check_structure(item, spec.item, sub, source, problems, warnings)
        else:  # YearMap
            if not (key.isdigit() and len(key) == 4):
                problems.append(Problem(source, sub, item, "a year key must be a 4-digit year"))
                continue
            _check_structure(item, spec.item, sub, source, problems, warnings)


def _is_leaf_table(node: Mapping[str, Any]) -> bool:
    """In a ParameterTree, the innermost table: it holds a value that is not a table, or nothing."""
    return not node or any(not isinstance(v, dict) for v in node.values())


def _check_parameter_tree(
    value: Any,
    spec: ParameterTree,
    path: str,
    source: str,
    problems: list[Problem],
    warnings: list[Problem],
    depth: int = 0,
) -> None:
    """Check a ParameterTree: fixed tables by their own shape, every innermost table by `item`."""
    if not isinstance(value, dict):
        rule = (
            "must be a table naming dist, low and high"
            if depth
            else f"must be a table ({spec.description})"
        )
        problems.append(Problem(source, path, value, rule))
        return
    if depth and _is_leaf_table(value):
        _check_structure(value, spec.item, path, source, problems, warnings)
        return
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if depth == 0 and key in spec.fixed:
            _check_structure(item, spec.fixed[key], sub, source, problems, warnings)
        else:
            _check_parameter_tree(item, spec, sub, source, problems, warnings, depth + 1)


# ----------------------------------------------------------------------------- merging


def _replaces_whole(path: str, value: Mapping[str, Any]) -> bool:
    """Tables that a child replaces instead of amending key by key.

    A distribution that names `dist` is a new distribution: the parent's `mode` or `sd` must not
    leak into it. A correlation block is one matrix over one parameter list. A distribution table
    without `dist` (e.g. `--set uncertainty.sectors.services.growth_pct.low=15`) amends.
    """
    if not path.startswith("uncertainty."):
        return False
    return path == "uncertainty.correlation" or "dist" in value


def _merge(
    target: dict[str, Any],
    layer: Mapping[str, Any],
    source: str,
    provenance: dict[str, str],
    prefix: str = "",
) -> None:
    """Deep-merge `layer` into `target` (tables merge key by key; other values replace)."""
    for key, value in layer.items():
        path = f"{prefix}.{key}" if prefix else key
        if (
            isinstance(value, dict)
            and isinstance(target.get(key), dict)
            and not _replaces_whole(path, value)
        ):
            _merge(target[key], value, source, provenance, path)
        elif isinstance(value, dict):
            target[key] = {}
            _merge(target[key], value, source, provenance, path)
        else:
            target[key] = value
            provenance[path] = source


def parse_setting(text: str) -> tuple[str, Any]:
    """Parse a `--set KEY=VALUE` override; VALUE is read as a TOML value (10, 0.3, "other")."""
    key, sep, raw = text.partition("=")
    key, raw = key.strip(), raw.strip()
    if not sep or not key or not raw:
        raise ScenarioError(
            [
                Problem(
                    f"--set {text}",
                    "",
                    None,
                    "expected KEY=VALUE, e.g. sectors.industry.growth_pct=10",
                )
            ]
        )
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw  # a bare word, e.g. residual=other
    return key, value


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    parts = dotted.split(".")
    doc: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        doc = {part: doc}
    return doc


# ----------------------------------------------------------------------------- loading


def load_scenario(
    name_or_path: str | Path,
    folder: Path | str = "scenarios",
    settings: Sequence[str] = (),
    end_year: int | None = None,
) -> Scenario:
    """Load, merge and validate a scenario and its parents.

    name_or_path: a scenario name (looked up as `<folder>/<name>.toml`) or a path to a file.
    settings:     `KEY=VALUE` overrides applied on top (the CLI's `--set`).
    end_year:     overrides the end year (the CLI's `--end-year`).
    Raises ScenarioError listing every problem found.
    """
    folder = Path(folder)
    path = _resolve(str(name_or_path), folder)
    if not path.is_file():
        raise ScenarioError([Problem(str(path), "", None, "scenario file not found")])

    problems: list[Problem] = []
    warnings: list[Problem] = []
    chain: list[tuple[Path, dict[str, Any]]] = []
    hashes: dict[str, str] = {}
    current: Path | None = path
    while current is not None:
        raw, digest = _read_toml(current)
        source = str(current)
        hashes[source] = digest
        _check_structure(raw, SCHEMA, "", source, problems, warnings)
        chain.append((current, raw))
        parent = raw.get("extends")
        if "extends" in raw and "base_year" not in raw:
            for sector, spec in (raw.get("sectors") or {}).items():
                if isinstance(spec, dict) and "share_pct" in spec:
                    problems.append(
                        Problem(
                            source,
                            f"sectors.{sector}.share_pct",
                            spec["share_pct"],
                            "base shares belong to the root scenario; a child may set them only "
                            "together with its own base_year (a rebased projection)",
                        )
                    )
        current = None
        if isinstance(parent, str):
            parent_path = _resolve(parent, chain[-1][0].parent, chain[-1][0].parent)
            seen = [p.resolve() for p, _ in chain]
            if not parent_path.is_file():
                problems.append(
                    Problem(
                        source, "extends", parent, f"parent scenario not found at {parent_path}"
                    )
                )
            elif parent_path.resolve() in seen:
                loop = " -> ".join(p.name for p, _ in chain) + f" -> {parent_path.name}"
                problems.append(Problem(source, "extends", parent, f"inheritance cycle: {loop}"))
            else:
                current = parent_path

    merged: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for file_path, raw in reversed(chain):
        inherited = {k: v for k, v in raw.items() if k not in PER_FILE_KEYS}
        _merge(merged, inherited, str(file_path), provenance)
    own_file = chain[0][1]
    for key in PER_FILE_KEYS:
        if key in own_file:
            merged[key] = own_file[key]

    for text in settings:
        try:
            key, value = parse_setting(text)
        except ScenarioError as exc:
            problems.extend(exc.problems)
            continue
        layer = _nest(key, value)
        label = f"--set {text}"
        if key.split(".")[0] in PER_FILE_KEYS:
            problems.append(
                Problem(
                    label,
                    key,
                    value,
                    "describes a file; --set changes model "
                    "values only (edit or copy the file instead)",
                )
            )
            continue
        _check_structure(layer, SCHEMA, "", label, problems, warnings)
        _merge(merged, layer, label, provenance)
    if end_year is not None:
        merged["end_year"] = end_year
        provenance["end_year"] = "--end-year"
        _check_structure({"end_year": end_year}, SCHEMA, "", "--end-year", problems, warnings)

    if problems:  # semantic checks need well-typed values
        raise ScenarioError(problems)
    scenario = _build(path, merged, provenance, problems, warnings, hashes, tuple(settings))
    if problems:
        raise ScenarioError(problems)
    assert scenario is not None
    return scenario


def _build(
    path: Path,
    merged: dict[str, Any],
    provenance: Mapping[str, str],
    problems: list[Problem],
    warnings: list[Problem],
    hashes: Mapping[str, str],
    settings: tuple[str, ...],
) -> Scenario | None:
    """Check the rules that span keys and build the Scenario (None if there are problems)."""
    own = str(path)

    def where(key: str) -> str:
        """The file (or option) that set `key`; for a missing key, the one that set its table."""
        if key in provenance:
            return provenance[key]
        table = key.rpartition(".")[0] + "."
        return next((src for k, src in provenance.items() if k.startswith(table)), own)

    def require(table: Mapping[str, Any], key: str, prefix: str, why: str) -> Any:
        if key not in table:
            problems.append(
                Problem(where(f"{prefix}{key}"), f"{prefix}{key}", MISSING, f"required: {why}")
            )
            return None
        return table[key]

    name = merged.get("name", path.stem)
    if not NAME_PATTERN.match(name):
        problems.append(
            Problem(own, "name", name, "a name must be lower-case letters, digits and _")
        )
    title = merged.get("title", {})
    if "vi" not in title or "en" not in title:
        warnings.append(
            Problem(
                own,
                "title",
                title or MISSING,
                "give a title in Vietnamese (vi) and English (en); the name is used meanwhile",
            )
        )

    base_year = require(merged, "base_year", "", "the base year of the projection")
    end_year = require(merged, "end_year", "", "the last projected year")
    horizon_ok = False
    if base_year is not None and end_year is not None:
        if end_year <= base_year:
            problems.append(
                Problem(
                    where("end_year"),
                    "end_year",
                    end_year,
                    f"must be after the base year {base_year}",
                )
            )
        elif end_year - base_year > MAX_HORIZON_YEARS:
            problems.append(
                Problem(
                    where("end_year"),
                    "end_year",
                    end_year,
                    f"more than {MAX_HORIZON_YEARS} years after the base year {base_year}: "
                    "compound growth that far out is not a projection",
                )
            )
        else:
            horizon_ok = True

    def check_years(by_year: Mapping[str, float], prefix: str) -> dict[int, float]:
        result = {}
        for key, value in by_year.items():
            year = int(key)
            if horizon_ok and year > end_year and provenance.get("end_year") == "--end-year":
                warnings.append(
                    Problem(
                        where(f"{prefix}.{key}"),
                        f"{prefix}.{key}",
                        value,
                        f"after --end-year {end_year}: not used in this run",
                    )
                )
                continue
            if horizon_ok and not base_year < year <= end_year:
                problems.append(
                    Problem(
                        where(f"{prefix}.{key}"),
                        f"{prefix}.{key}",
                        value,
                        f"year {year} is outside the projected years {base_year + 1}-{end_year}",
                    )
                )
            result[year] = float(value)
        return dict(sorted(result.items()))

    sectors: dict[str, Sector] = {}
    sector_tables = merged.get("sectors", {})
    for sector in SECTORS:
        table = sector_tables.get(sector)
        if table is None:
            problems.append(
                Problem(
                    own,
                    f"sectors.{sector}",
                    MISSING,
                    "required: every sector needs a share and a growth rate",
                )
            )
            continue
        share = require(table, "share_pct", f"sectors.{sector}.", "the base-year share, %")
        growth = require(table, "growth_pct", f"sectors.{sector}.", "the growth rate, % per year")
        by_year = check_years(
            table.get("growth_pct_by_year", {}), f"sectors.{sector}.growth_pct_by_year"
        )
        if share is not None and growth is not None:
            sectors[sector] = Sector(float(share), float(growth), by_year, table.get("source", ""))

    structure = merged.get("structure", {})
    residual = structure.get("residual")
    residual_growth = structure.get("residual_growth_pct")
    if len(sectors) == len(SECTORS):
        total = sum(s.share_pct for s in sectors.values())
        off_by = abs(total - 100.0)
        if total <= 0.0:
            problems.append(Problem(own, "sectors.*.share_pct", total, "the shares sum to 0"))
        elif off_by > SHARE_SUM_TOLERANCE_PCT and residual is None:
            problems.append(
                Problem(
                    own,
                    "structure.residual",
                    MISSING,
                    f"the base shares sum to {total:g} %, not 100: say how the gap is treated with "
                    'structure.residual = "normalise" (scale to 100) or "other" (keep an \'other\' block)',
                )
            )
        elif residual == "other" and total > 100.0 + SHARE_SUM_TOLERANCE_PCT:
            problems.append(
                Problem(
                    where("structure.residual"),
                    "structure.residual",
                    residual,
                    f"the base shares sum to {total:g} % > 100: an 'other' block would be negative",
                )
            )
    if residual_growth is not None and residual != "other":
        problems.append(
            Problem(
                where("structure.residual_growth_pct"),
                "structure.residual_growth_pct",
                residual_growth,
                'only has an effect with structure.residual = "other"',
            )
        )

    indicators: dict[str, Indicator] = {}
    for ind_name, table in merged.get("indicators", {}).items():
        prefix = f"indicators.{ind_name}."
        if ind_name in RESERVED_INDICATOR_NAMES:
            problems.append(
                Problem(
                    where(f"{prefix}base"),
                    f"indicators.{ind_name}",
                    "{...}",
                    f"'{ind_name}' is the name of a built-in series; choose another name",
                )
            )
            continue
        base = require(table, "base", prefix, "the base-year value")
        unit = require(table, "unit", prefix, 'the unit, e.g. "million VND/person"')
        rule = require(table, "rule", prefix, '"growth" (own rate) or "elasticity" (to output)')
        growth = table.get("growth_pct")
        elasticity = table.get("elasticity")
        if rule == "growth" and growth is None:
            problems.append(
                Problem(
                    where(f"{prefix}rule"),
                    f"{prefix}growth_pct",
                    MISSING,
                    'required by rule = "growth"',
                )
            )
        if rule == "elasticity" and elasticity is None:
            problems.append(
                Problem(
                    where(f"{prefix}rule"),
                    f"{prefix}elasticity",
                    MISSING,
                    'required by rule = "elasticity"',
                )
            )
        by_year = check_years(table.get("growth_pct_by_year", {}), f"{prefix}growth_pct_by_year")
        label = table.get("label", {})
        if None not in (base, unit, rule):
            indicators[ind_name] = Indicator(
                name=ind_name,
                base=float(base),
                unit=unit,
                rule=rule,
                growth_pct=None if growth is None else float(growth),
                elasticity=None if elasticity is None else float(elasticity),
                growth_pct_by_year=by_year,
                label_vi=label.get("vi", ind_name),
                label_en=label.get("en", ind_name),
                source=table.get("source", ""),
            )

    anchor_year = structure.get("anchor_year")
    if anchor_year is not None and horizon_ok and not base_year <= anchor_year <= end_year:
        problems.append(
            Problem(
                where("structure.anchor_year"),
                "structure.anchor_year",
                anchor_year,
                f"must lie in the projection years {base_year}-{end_year}",
            )
        )
    if anchor_year not in (None, base_year) and "base_total_bn_vnd" in structure:
        problems.append(
            Problem(
                where("structure.anchor_year"),
                "structure.anchor_year",
                anchor_year,
                "cannot be combined with structure.base_total_bn_vnd yet: a back-cast projects "
                "an index (base-year total = 100)",
            )
        )
    calibration = merged.get("calibration", {})
    calibration_target = calibration.get("total_cagr_pct")
    calibration_sectors: tuple[str, ...] = ()
    if calibration:
        if calibration_target is None:
            problems.append(
                Problem(
                    own,
                    "calibration.total_cagr_pct",
                    MISSING,
                    "required: the total growth to calibrate to, %/yr",
                )
            )
        adjust = calibration.get("adjust", list(SECTORS))
        for sector in adjust:
            if sector not in SECTORS:
                problems.append(
                    Problem(
                        where("calibration.adjust"),
                        "calibration.adjust",
                        sector,
                        f"not a sector{_hint(sector, SECTORS)}; sectors: {', '.join(SECTORS)}",
                    )
                )
        if not adjust:
            problems.append(
                Problem(
                    where("calibration.adjust"),
                    "calibration.adjust",
                    adjust,
                    "name at least one sector to adjust",
                )
            )
        calibration_sectors = tuple(dict.fromkeys(adjust))

    budget_concept = merged.get("targets", {}).get("budget_concept", "budget_revenue")
    if budget_concept == "budget_revenue_total" and "land_use_revenue" not in indicators:
        warnings.append(
            Problem(
                where("targets.budget_concept"),
                "targets.budget_concept",
                budget_concept,
                "no land_use_revenue indicator: the total equals budget_revenue",
            )
        )

    if problems:
        return None
    description = merged.get("description", {})
    files = tuple(Path(p) for p in hashes)
    scenario = Scenario(
        name=name,
        title_vi=title.get("vi", name),
        title_en=title.get("en", name),
        description_vi=description.get("vi", ""),
        description_en=description.get("en", ""),
        base_year=int(base_year),
        end_year=int(end_year),
        residual=residual,
        residual_growth_pct=None if residual_growth is None else float(residual_growth),
        base_total_bn_vnd=structure.get("base_total_bn_vnd"),
        sectors=sectors,
        indicators=indicators,
        budget_concept=budget_concept,
        files=files,
        file_sha256=dict(hashes),
        settings=settings,
        resolved=merged,
        warnings=tuple(warnings),
        anchor_year=None if anchor_year in (None, base_year) else int(anchor_year),
        calibration_total_cagr_pct=None
        if calibration_target is None
        else float(calibration_target),
        calibration_sectors=calibration_sectors,
    )
    if "uncertainty" not in merged:
        return scenario
    spec = _uncertainty(scenario, merged["uncertainty"], where, problems, warnings)
    if problems:
        return None
    return replace(scenario, uncertainty=spec, warnings=tuple(warnings))


# ----------------------------------------------------------------------------- uncertainty


def _distribution_tables(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, dict]]:
    """(parameter path, distribution table) for every innermost table of [uncertainty]."""
    found = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if not prefix and key == "correlation":
            continue
        if _is_leaf_table(value):
            found.append((path, value))
        else:
            found.extend(_distribution_tables(value, path))
    return found


def _uncertainty(
    scenario: Scenario,
    table: Mapping[str, Any],
    where: Any,
    problems: list[Problem],
    warnings: list[Problem],
) -> UncertaintySpec | None:
    """The [uncertainty] section as an UncertaintySpec, checked against the resolved scenario.

    Rules: the path is a numeric parameter of this scenario; dist, low and high are given;
    low < high; mode (triangular) and mean (truncnormal) lie within [low, high]; sd > 0
    (truncnormal); both bounds obey the parameter's own rule (a rate above -100 %, a share within
    0-100 %, ...). The correlation block must name parameters that have a distribution and hold a
    valid correlation matrix (see sim.scenario.uncertainty.correlation_rules).

    Warnings, not errors, so that `--set` experiments still run: the scenario's value outside
    [low, high] (a mode or mean left to default to it is then moved to the nearest bound); a
    distribution of an indicator parameter that the indicator's rule does not use (ignored).
    """
    nominal = numeric_parameters(scenario)
    distributions: list[Distribution] = []
    declared: list[str] = []
    ignored: list[str] = []
    for path, spec in _distribution_tables(table):
        key = f"uncertainty.{path}"
        declared.append(path)
        source = where(f"{key}.dist") if "dist" in spec else where(f"{key}.low")
        if path not in nominal:
            unused_by = unused_by_setting(scenario, path)
            last = path.rpartition(".")[2]
            if (
                ".growth_pct_by_year." in path
                and last.isdigit()
                and int(last) > scenario.end_year
                and where("end_year") == "--end-year"
            ):
                ignored.append(path)
                warnings.append(
                    Problem(
                        source,
                        key,
                        spec,
                        f"after --end-year {scenario.end_year}: not used in this run",
                    )
                )
                continue
            if unused_by is not None:
                ignored.append(path)
                warnings.append(
                    Problem(
                        source,
                        key,
                        spec,
                        f"ignored: indicator {unused_by[0]} = '{unused_by[1]}' does not use this "
                        "parameter",
                    )
                )
                continue
            rule = (
                f"not a numeric parameter of scenario '{scenario.name}'"
                f"{_hint(path, nominal)}; see the parameter list in the run manifest"
            )
            problems.append(Problem(source, key, spec, rule))
            continue
        missing = [k for k in ("dist", "low", "high") if k not in spec]
        for k in missing:
            problems.append(
                Problem(
                    source, f"{key}.{k}", MISSING, "required: the distribution kind and its bounds"
                )
            )
        if missing:
            continue
        value, kind = nominal[path], spec["dist"]
        low, high, sd = float(spec["low"]), float(spec["high"]), spec.get("sd")
        mode, mean = spec.get("mode"), spec.get("mean")
        if not low <= value <= high and low < high:
            warnings.append(
                Problem(
                    source,
                    key,
                    (low, high),
                    f"does not contain the scenario's own value {path} = {value:g} "
                    f"(set in {where(path)}): no draw is near the projection it accompanies",
                )
            )
        peak = min(max(value, low), high)  # the scenario's value, moved into the range
        mode = peak if kind == "triangular" and mode is None else mode
        mean = peak if kind == "truncnormal" and mean is None else mean
        broken = distribution_rules(kind, low, high, mode, mean, sd)
        for k, bad, rule in broken:
            shown = MISSING if bad is None else bad
            problems.append(Problem(where(f"{key}.{k}"), f"{key}.{k}", shown, rule))
        leaf = leaf_for_parameter(path)
        for k, bound in (("low", low), ("high", high)):
            error = leaf.check(bound) if leaf is not None and leaf.check is not None else None
            if error:
                problems.append(
                    Problem(
                        where(f"{key}.{k}"),
                        f"{key}.{k}",
                        spec[k],
                        f"every draw must be a valid value: {error}",
                    )
                )
                broken.append((k, bound, error))
        if broken:
            continue
        distributions.append(
            Distribution(
                parameter=path,
                kind=kind,
                low=low,
                high=high,
                mode=None if mode is None else float(mode),
                mean=None if mean is None else float(mean),
                sd=None if sd is None else float(sd),
                source=spec.get("source", ""),
            )
        )
    correlation = _correlation(
        table.get("correlation"), distributions, declared, ignored, where, problems
    )
    if problems:
        return None
    return UncertaintySpec(tuple(distributions), correlation)


def _correlation(
    table: Mapping[str, Any] | None,
    distributions: Sequence[Distribution],
    declared: Sequence[str],
    ignored: Sequence[str],
    where: Any,
    problems: list[Problem],
) -> np.ndarray | None:
    """The full (k, k) correlation over `distributions` (identity outside the listed block), or
    None without a correlation block. Appends a Problem for every broken rule. Parameters whose
    distribution was `ignored` (with a warning) are dropped with their row and column."""
    if table is None:
        return None
    key = "uncertainty.correlation"
    found = len(problems)
    for k in ("parameters", "matrix"):
        if k not in table:
            problems.append(
                Problem(
                    where(f"{key}.parameters"),
                    f"{key}.{k}",
                    MISSING,
                    "required: the correlated parameters and their matrix",
                )
            )
    if len(problems) > found:
        return None
    names, rows = table["parameters"], table["matrix"]
    source = where(f"{key}.matrix")
    for name in names:
        if name not in declared:
            problems.append(
                Problem(
                    where(f"{key}.parameters"),
                    f"{key}.parameters",
                    name,
                    f"has no distribution in [uncertainty]; give it one or remove it from the "
                    f"list{_hint(name, declared)}",
                )
            )
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(
            Problem(
                where(f"{key}.parameters"),
                f"{key}.parameters",
                repeated,
                "each parameter may be listed only once",
            )
        )
    if any(len(row) != len(rows) for row in rows):
        problems.append(
            Problem(
                source,
                f"{key}.matrix",
                rows,
                f"must be square: {len(rows)} rows of lengths {[len(row) for row in rows]}",
            )
        )
    else:
        for rule in correlation_rules(
            np.array(rows, dtype=float).reshape(len(rows), len(rows)), len(names)
        ):
            problems.append(Problem(source, f"{key}.matrix", rows, rule))
    order = {d.parameter: i for i, d in enumerate(distributions)}
    kept = [i for i, n in enumerate(names) if n not in ignored]
    if len(problems) > found or any(names[i] not in order for i in kept):
        return None  # a listed distribution is itself broken: already reported
    full = np.eye(len(distributions))
    index = [order[names[i]] for i in kept]
    full[np.ix_(index, index)] = np.array(rows, dtype=float)[np.ix_(kept, kept)]
    return full
