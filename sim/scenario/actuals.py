"""Observed values ("actuals"): the file format, reading and validation.

An actuals file is CSV (UTF-8; lines starting with # are comments) with one row per indicator
and year:

    indicator,year,value,status,source,note
    growth.services,2021,5.2,final,Chi cục Thống kê,
    income_per_capita,2021,47.1,estimate,,6-month estimate

indicator: a series name of the projection:
    growth.<sector> or growth.total      year-on-year growth, % (sector: services, industry,
                                         agriculture; total: total production value)
    output.<sector>                      production value of a sector, billion VND (only for
                                         a scenario that gives structure.base_total_bn_vnd)
    <linked indicator>                   level in the scenario's unit (income_per_capita,
                                         budget_revenue, land_use_revenue, investment, retail)
    growth.<linked indicator>            year-on-year growth of it, %
status: "final" or "estimate" (an estimate is used like a final figure, and marked as such).
source, note: optional free text.

Only `read_actuals` reads files; everything else takes the `Actuals` value.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.core.model import SECTORS
from sim.core.names import TOTAL, SeriesName, growth, output
from sim.scenario.values import Problem, hint

__all__ = [
    "Observation",
    "Actuals",
    "ActualsError",
    "read_actuals",
    "check_against",
    "STATUSES",
    "REQUIRED_COLUMNS",
]

REQUIRED_COLUMNS = ("indicator", "year", "value", "status")
OPTIONAL_COLUMNS = ("source", "note")
STATUSES = ("final", "estimate")
SECTOR_GROWTH = tuple(growth(s) for s in SECTORS) + (growth(TOTAL),)
SECTOR_LEVELS = tuple(output(s) for s in SECTORS)
KNOWN_LINKED = ("income_per_capita", "budget_revenue", "land_use_revenue", "investment", "retail")


class ActualsError(Exception):
    """A user error in an actuals file; the message lists every problem."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the actuals file:"
        super().__init__("\n".join([head] + [f"  - {p}" for p in self.problems]))


@dataclass(frozen=True)
class Observation:
    indicator: str
    year: int
    value: float
    status: str
    source: str = ""
    note: str = ""
    line: int = 0

    @property
    def is_growth(self) -> bool:
        return SeriesName.parse(self.indicator).is_growth

    @property
    def target_series(self) -> str:
        """The sector, "total" or linked indicator whose path this observation pins
        (growth.services and output.services -> services; growth.x -> x)."""
        series = SeriesName.parse(self.indicator)
        return series.subject if series.is_growth or series.is_output else self.indicator


@dataclass(frozen=True)
class Actuals:
    path: Path
    observations: tuple[Observation, ...]

    @property
    def latest_year(self) -> int:
        return max(o.year for o in self.observations)

    def for_indicator(self, indicator: str) -> dict[int, Observation]:
        return {o.year: o for o in self.observations if o.indicator == indicator}


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$|^-?\d{1,3}(\.\d{3}){2,}$")
"""1,700 or 1.234.567: a thousands separator (1.700 alone stays a decimal point)."""


def _parse_number(text: str) -> float:
    """5.2, or "5,2" (a quoted decimal comma, as Vietnamese spreadsheets write it).

    A thousands separator ("1,700", "1.234.567") is refused rather than guessed: 1,700 read as
    1.7 would be silently a thousand times too small.
    """
    if THOUSANDS.match(text):
        raise ValueError("thousands separator")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def _allowed_indicators(linked: Iterable[str]) -> list[str]:
    linked = list(dict.fromkeys([*KNOWN_LINKED, *linked]))
    return [*SECTOR_GROWTH, *SECTOR_LEVELS, *linked, *(growth(n) for n in linked)]


def read_actuals(path: Path | str, linked_indicators: Iterable[str] = ()) -> Actuals:
    """Read and validate an actuals file; raises ActualsError listing every problem.

    linked_indicators: further indicator names the scenarios define (beyond the bundled ones).
    """
    path = Path(path)
    source = str(path)
    lines = _data_lines(_read_text(path), source)
    reader = csv.reader([line for _n, line in lines])
    header = [h.strip() for h in next(reader)]
    problems = _header_problems(header, f"{source}:{lines[0][0]}")
    if any(c not in header for c in REQUIRED_COLUMNS):
        raise ActualsError(problems)
    allowed = _allowed_indicators(linked_indicators)
    observations: list[Observation] = []
    seen: dict[tuple[str, int], int] = {}
    for (line_no, _raw), row in zip(lines[1:], reader, strict=True):
        observation, found = _observation(row, header, allowed, line_no, f"{source}:{line_no}")
        if observation is not None:
            found += _duplicate(observation, seen, f"{source}:{line_no}")
        problems += found
        if observation is not None and not found:
            seen[(observation.indicator, observation.year)] = line_no
            observations.append(observation)
    if not observations and not problems:
        problems.append(Problem(source, "", None, "the file holds a header but no observations"))
    if problems:
        raise ActualsError(problems)
    return Actuals(path, tuple(observations))


def _read_text(path: Path) -> str:
    source = str(path)
    try:
        return path.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark
    except FileNotFoundError:
        raise ActualsError([Problem(source, "", None, "actuals file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ActualsError(
            [Problem(source, "", None, f"not UTF-8 text ({exc}); save as CSV UTF-8")]
        ) from None


def _data_lines(text: str, source: str) -> list[tuple[int, str]]:
    """(line number, text) of the lines that are neither blank nor comments; at least one."""
    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise ActualsError([Problem(source, "", None, "no header row and no data")])
    return lines


def _header_problems(header: list[str], where: str) -> list[Problem]:
    """Unknown columns (with a hint), then missing required ones."""
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    problems = [
        Problem(where, "header", column, f"unknown column{hint(column, known)}")
        for column in header
        if column not in known
    ]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        rule = f"missing column(s): {', '.join(missing)}"
        problems.append(Problem(where, "header", ",".join(header), rule))
    return problems


def _observation(
    row: list[str], header: list[str], allowed: list[str], line_no: int, where: str
) -> tuple[Observation | None, list[Problem]]:
    """One data row as an Observation, or None with the Problems of its fields."""
    if len(row) > len(header):
        rule = f"{len(row)} fields for {len(header)} columns"
        return None, [Problem(where, "row", ",".join(row), rule)]
    record = dict(zip(header, (c.strip() for c in row), strict=False))
    indicator, year, status = (record.get(k, "") for k in ("indicator", "year", "status"))
    problems = _indicator_problems(indicator, allowed, where) + _year_problems(year, where)
    value, value_problems = _value(record.get("value", ""), where)
    if not problems and not value_problems:  # (checked once indicator and year are valid)
        value_problems = _range_problems(indicator, value, record.get("value", ""), where)
    problems += value_problems + _status_problems(status, where)
    if problems:
        return None, problems
    source, note = record.get("source", ""), record.get("note", "")
    return Observation(indicator, int(year), value, status, source, note, line_no), []


def _indicator_problems(indicator: str, allowed: list[str], where: str) -> list[Problem]:
    if indicator in allowed:
        return []
    suggestion = hint(indicator, allowed) or f"; known: {', '.join(allowed)}"
    return [Problem(where, "indicator", indicator, f"unknown indicator{suggestion}")]


def _year_problems(year: str, where: str) -> list[Problem]:
    if year.isdigit() and len(year) == 4:
        return []
    return [Problem(where, "year", year, "a 4-digit year is expected")]


def _value(text: str, where: str) -> tuple[float, list[Problem]]:
    """The number in `text`, or NaN with a Problem when it holds none."""
    try:
        value = _parse_number(text)
    except ValueError:
        rule = (
            "looks like a thousands separator: write the number without one (1700, not "
            "1,700 or 1.700)"
            if THOUSANDS.match(text)
            else "must be a number (decimal point or comma)"
        )
        return math.nan, [Problem(where, "value", text, rule)]
    return value, []


def _range_problems(indicator: str, value: float, text: str, where: str) -> list[Problem]:
    """A finite number; a growth rate above -100 %, a level above 0."""
    if not math.isfinite(value):
        return [Problem(where, "value", text, "must be a finite number")]
    if SeriesName.parse(indicator).is_growth:
        if value <= -100:
            return [Problem(where, "value", value, "a growth rate must be above -100 %")]
    elif value <= 0:
        return [Problem(where, "value", value, "a level must be greater than 0")]
    return []


def _status_problems(status: str, where: str) -> list[Problem]:
    if status in STATUSES:
        return []
    return [Problem(where, "status", status, f"must be one of {', '.join(STATUSES)}")]


def _duplicate(
    observation: Observation, seen: dict[tuple[str, int], int], where: str
) -> list[Problem]:
    """An indicator and year given on an earlier line."""
    key = (observation.indicator, observation.year)
    if key not in seen:
        return []
    rule = f"{observation.indicator} {observation.year} is already given on line {seen[key]}"
    return [Problem(where, "indicator", observation.indicator, rule)]


def check_against(
    actuals: Actuals,
    base_year: int,
    end_year: int,
    linked: Iterable[str],
    scenario: str = "",
    output_in_bn_vnd: bool = False,
) -> list[Problem]:
    """Problems of applying `actuals` to a scenario with these years and linked indicators.

    output_in_bn_vnd: the scenario projects output in billion VND (it gives
    structure.base_total_bn_vnd); sector levels can be observed only then.
    """
    linked = set(linked)
    problems = []
    for o in actuals.observations:
        where = f"{actuals.path}:{o.line}"
        level_problems = _sector_level_problems(o, base_year, scenario, output_in_bn_vnd, where)
        if level_problems:
            problems += level_problems
            continue
        problems += _year_in_projection_problems(o, base_year, end_year, where)
        problems += _series_problems(o, linked, scenario, where)
    return problems


def _sector_level_problems(
    o: Observation, base_year: int, scenario: str, output_in_bn_vnd: bool, where: str
) -> list[Problem]:
    """A sector level needs output in billion VND, and not for the base year."""
    if o.indicator not in SECTOR_LEVELS:
        return []
    if not output_in_bn_vnd:
        rule = (
            f"scenario '{scenario}' projects output as an index: a sector level (billion "
            "VND) needs structure.base_total_bn_vnd in the scenario; give growth.<sector> "
            "instead"
        )
        return [Problem(where, "indicator", o.indicator, rule)]
    if o.year == base_year:
        rule = (
            "the base-year sector levels come from the scenario's shares and "
            "base_total_bn_vnd; change those instead"
        )
        return [Problem(where, "year", o.year, rule)]
    return []


def _year_in_projection_problems(
    o: Observation, base_year: int, end_year: int, where: str
) -> list[Problem]:
    """The year is a projected one; growth is observed after the base year."""
    if o.year > end_year or o.year < base_year:
        rule = f"outside the projection years {base_year}-{end_year}"
        return [Problem(where, "year", o.year, rule)]
    if o.is_growth and o.year == base_year:
        rule = (
            f"growth in the base year {base_year} has no meaning in the "
            "projection (give the level instead)"
        )
        return [Problem(where, "year", o.year, rule)]
    return []


def _series_problems(o: Observation, linked: set[str], scenario: str, where: str) -> list[Problem]:
    """The observation pins a sector, the total or one of the scenario's indicators."""
    if o.target_series in (*SECTORS, "total") or o.target_series in linked:
        return []
    rule = (
        f"scenario '{scenario}' has no such indicator"
        if scenario
        else "the scenario has no such indicator"
    )
    return [Problem(where, "indicator", o.indicator, rule)]
