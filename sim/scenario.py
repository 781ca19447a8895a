"""Scenario files: reading, inheritance (`extends`), `--set` overrides and validation.

This is the only module that knows the file format. It turns TOML files into a frozen `Scenario`
value, or raises one `ScenarioError` that lists every problem found, each naming the file, the key
path, the bad value and the rule.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import SECTORS
from .schema import (
    MAX_HORIZON_YEARS,
    NAME_PATTERN,
    SCHEMA,
    AnyKeys,
    Leaf,
    Table,
    YearMap,
    check_leaf,
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
        if candidate.is_absolute() or paths_relative_to is None:
            return candidate
        return paths_relative_to / candidate
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
    value: Any, spec: Leaf | Table | AnyKeys | YearMap, path: str, source: str,
    problems: list[Problem], warnings: list[Problem],
) -> None:
    """Check types, bounds and unknown keys of one document against the schema, recursively."""
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


# ----------------------------------------------------------------------------- merging


def _merge(
    target: dict[str, Any], layer: Mapping[str, Any], source: str,
    provenance: dict[str, str], prefix: str = "",
) -> None:
    """Deep-merge `layer` into `target` (tables merge key by key; other values replace)."""
    for key, value in layer.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and isinstance(target.get(key), dict):
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
            [Problem(f"--set {text}", "", None, "expected KEY=VALUE, e.g. sectors.industry.growth_pct=10")]
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
                    problems.append(Problem(
                        source, f"sectors.{sector}.share_pct", spec["share_pct"],
                        "base shares belong to the root scenario; a child may set them only "
                        "together with its own base_year (a rebased projection)",
                    ))
        current = None
        if isinstance(parent, str):
            parent_path = _resolve(parent, chain[-1][0].parent, chain[-1][0].parent)
            seen = [p.resolve() for p, _ in chain]
            if not parent_path.is_file():
                problems.append(Problem(source, "extends", parent, f"parent scenario not found at {parent_path}"))
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
    path: Path, merged: dict[str, Any], provenance: Mapping[str, str], problems: list[Problem],
    warnings: list[Problem], hashes: Mapping[str, str], settings: tuple[str, ...],
) -> Scenario | None:
    """Check the rules that span keys and build the Scenario (None if there are problems)."""
    own = str(path)

    def where(key: str) -> str:
        return provenance.get(key, own)

    def require(table: Mapping[str, Any], key: str, prefix: str, why: str) -> Any:
        if key not in table:
            problems.append(Problem(own, f"{prefix}{key}", MISSING, f"required: {why}"))
            return None
        return table[key]

    name = merged.get("name", path.stem)
    if not NAME_PATTERN.match(name):
        problems.append(Problem(own, "name", name, "a name must be lower-case letters, digits and _"))
    title = merged.get("title", {})
    if "vi" not in title or "en" not in title:
        warnings.append(Problem(own, "title", title or MISSING, "give a title in Vietnamese (vi) and English (en); the name is used meanwhile"))

    base_year = require(merged, "base_year", "", "the base year of the projection")
    end_year = require(merged, "end_year", "", "the last projected year")
    horizon_ok = False
    if base_year is not None and end_year is not None:
        if end_year <= base_year:
            problems.append(Problem(where("end_year"), "end_year", end_year, f"must be after the base year {base_year}"))
        elif end_year - base_year > MAX_HORIZON_YEARS:
            problems.append(Problem(
                where("end_year"), "end_year", end_year,
                f"more than {MAX_HORIZON_YEARS} years after the base year {base_year}: "
                "compound growth that far out is not a projection",
            ))
        else:
            horizon_ok = True

    def check_years(by_year: Mapping[str, float], prefix: str) -> dict[int, float]:
        result = {}
        for key, value in by_year.items():
            year = int(key)
            if horizon_ok and not base_year < year <= end_year:
                problems.append(Problem(
                    where(f"{prefix}.{key}"), f"{prefix}.{key}", value,
                    f"year {year} is outside the projected years {base_year + 1}-{end_year}",
                ))
            result[year] = float(value)
        return dict(sorted(result.items()))

    sectors: dict[str, Sector] = {}
    sector_tables = merged.get("sectors", {})
    for sector in SECTORS:
        table = sector_tables.get(sector)
        if table is None:
            problems.append(Problem(own, f"sectors.{sector}", MISSING, "required: every sector needs a share and a growth rate"))
            continue
        share = require(table, "share_pct", f"sectors.{sector}.", "the base-year share, %")
        growth = require(table, "growth_pct", f"sectors.{sector}.", "the growth rate, % per year")
        by_year = check_years(table.get("growth_pct_by_year", {}), f"sectors.{sector}.growth_pct_by_year")
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
            problems.append(Problem(
                own, "structure.residual", MISSING,
                f"the base shares sum to {total:g} %, not 100: say how the gap is treated with "
                "structure.residual = \"normalise\" (scale to 100) or \"other\" (keep an 'other' block)",
            ))
        elif residual == "other" and total > 100.0 + SHARE_SUM_TOLERANCE_PCT:
            problems.append(Problem(
                where("structure.residual"), "structure.residual", residual,
                f"the base shares sum to {total:g} % > 100: an 'other' block would be negative",
            ))
    if residual_growth is not None and residual != "other":
        problems.append(Problem(
            where("structure.residual_growth_pct"), "structure.residual_growth_pct", residual_growth,
            "only has an effect with structure.residual = \"other\"",
        ))

    indicators: dict[str, Indicator] = {}
    for ind_name, table in merged.get("indicators", {}).items():
        prefix = f"indicators.{ind_name}."
        base = require(table, "base", prefix, "the base-year value")
        unit = require(table, "unit", prefix, "the unit, e.g. \"million VND/person\"")
        rule = require(table, "rule", prefix, "\"growth\" (own rate) or \"elasticity\" (to output)")
        growth = table.get("growth_pct")
        elasticity = table.get("elasticity")
        if rule == "growth" and growth is None:
            problems.append(Problem(own, f"{prefix}growth_pct", MISSING, "required by rule = \"growth\""))
        if rule == "elasticity" and elasticity is None:
            problems.append(Problem(own, f"{prefix}elasticity", MISSING, "required by rule = \"elasticity\""))
        by_year = check_years(table.get("growth_pct_by_year", {}), f"{prefix}growth_pct_by_year")
        label = table.get("label", {})
        if None not in (base, unit, rule):
            indicators[ind_name] = Indicator(
                name=ind_name, base=float(base), unit=unit, rule=rule,
                growth_pct=None if growth is None else float(growth),
                elasticity=None if elasticity is None else float(elasticity),
                growth_pct_by_year=by_year,
                label_vi=label.get("vi", ind_name), label_en=label.get("en", ind_name),
                source=table.get("source", ""),
            )

    budget_concept = merged.get("targets", {}).get("budget_concept", "budget_revenue")
    if budget_concept == "budget_revenue_total" and "land_use_revenue" not in indicators:
        warnings.append(Problem(
            where("targets.budget_concept"), "targets.budget_concept", budget_concept,
            "no land_use_revenue indicator: the total equals budget_revenue",
        ))

    if problems:
        return None
    description = merged.get("description", {})
    files = tuple(Path(p) for p in hashes)
    return Scenario(
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
    )


def _is_finite_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
