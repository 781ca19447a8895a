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
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sim.core.model import SECTORS
from sim.scenario.values import Problem

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
SECTOR_GROWTH = tuple(f"growth.{s}" for s in SECTORS) + ("growth.total",)
SECTOR_LEVELS = tuple(f"output.{s}" for s in SECTORS)
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
        return self.indicator.startswith("growth.")

    @property
    def target_series(self) -> str:
        """The sector, "total" or linked indicator whose path this observation pins
        (growth.services and output.services -> services; growth.x -> x)."""
        return self.indicator.removeprefix("growth.").removeprefix("output.")


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
    return [*SECTOR_GROWTH, *SECTOR_LEVELS, *linked, *(f"growth.{n}" for n in linked)]


def read_actuals(path: Path | str, linked_indicators: Iterable[str] = ()) -> Actuals:
    """Read and validate an actuals file; raises ActualsError listing every problem.

    linked_indicators: further indicator names the scenarios define (beyond the bundled ones).
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")  # Excel writes a byte-order mark
    except FileNotFoundError:
        raise ActualsError([Problem(source, "", None, "actuals file not found")]) from None
    except UnicodeDecodeError as exc:
        raise ActualsError(
            [Problem(source, "", None, f"not UTF-8 text ({exc}); save as CSV UTF-8")]
        ) from None

    lines = [
        (n, line)
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        raise ActualsError([Problem(source, "", None, "no header row and no data")])
    reader = csv.reader([line for _n, line in lines])
    header = [h.strip() for h in next(reader)]
    problems: list[Problem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    for column in header:
        if column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS:
            close = difflib.get_close_matches(column, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(
                Problem(f"{source}:{lines[0][0]}", "header", column, f"unknown column{hint}")
            )
    if missing:
        problems.append(
            Problem(
                f"{source}:{lines[0][0]}",
                "header",
                ",".join(header),
                f"missing column(s): {', '.join(missing)}",
            )
        )
        raise ActualsError(problems)

    allowed = _allowed_indicators(linked_indicators)
    observations: list[Observation] = []
    seen: dict[tuple[str, int], int] = {}
    for (line_no, _raw), row in zip(lines[1:], reader, strict=True):
        where = f"{source}:{line_no}"
        if len(row) > len(header):
            problems.append(
                Problem(where, "row", ",".join(row), f"{len(row)} fields for {len(header)} columns")
            )
            continue
        record = dict(zip(header, (c.strip() for c in row), strict=False))
        indicator = record.get("indicator", "")
        ok = True
        if indicator not in allowed:
            close = difflib.get_close_matches(indicator, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else f"; known: {', '.join(allowed)}"
            problems.append(Problem(where, "indicator", indicator, f"unknown indicator{hint}"))
            ok = False
        year_text = record.get("year", "")
        if not (year_text.isdigit() and len(year_text) == 4):
            problems.append(Problem(where, "year", year_text, "a 4-digit year is expected"))
            ok = False
        value_text = record.get("value", "")
        try:
            value = _parse_number(value_text)
        except ValueError:
            rule = (
                "looks like a thousands separator: write the number without one (1700, not "
                "1,700 or 1.700)"
                if THOUSANDS.match(value_text)
                else "must be a number (decimal point or comma)"
            )
            problems.append(Problem(where, "value", value_text, rule))
            ok, value = False, math.nan
        if ok and not math.isfinite(value):
            problems.append(Problem(where, "value", value_text, "must be a finite number"))
            ok = False
        if ok and indicator.startswith("growth.") and value <= -100:
            problems.append(Problem(where, "value", value, "a growth rate must be above -100 %"))
            ok = False
        if ok and not indicator.startswith("growth.") and value <= 0:
            problems.append(Problem(where, "value", value, "a level must be greater than 0"))
            ok = False
        status = record.get("status", "")
        if status not in STATUSES:
            problems.append(
                Problem(where, "status", status, f"must be one of {', '.join(STATUSES)}")
            )
            ok = False
        if not ok:
            continue
        key = (indicator, int(year_text))
        if key in seen:
            problems.append(
                Problem(
                    where,
                    "indicator",
                    indicator,
                    f"{indicator} {year_text} is already given on line {seen[key]}",
                )
            )
            continue
        seen[key] = line_no
        observations.append(
            Observation(
                indicator,
                int(year_text),
                value,
                status,
                record.get("source", ""),
                record.get("note", ""),
                line_no,
            )
        )
    if not observations and not problems:
        problems.append(Problem(source, "", None, "the file holds a header but no observations"))
    if problems:
        raise ActualsError(problems)
    return Actuals(path, tuple(observations))


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
    problems = []
    linked = set(linked)
    for o in actuals.observations:
        where = f"{actuals.path}:{o.line}"
        if o.indicator in SECTOR_LEVELS and not output_in_bn_vnd:
            problems.append(
                Problem(
                    where,
                    "indicator",
                    o.indicator,
                    f"scenario '{scenario}' projects output as an index: a sector level (billion "
                    "VND) needs structure.base_total_bn_vnd in the scenario; give growth.<sector> "
                    "instead",
                )
            )
            continue
        if o.indicator in SECTOR_LEVELS and o.year == base_year:
            problems.append(
                Problem(
                    where,
                    "year",
                    o.year,
                    "the base-year sector levels come from the scenario's shares and "
                    "base_total_bn_vnd; change those instead",
                )
            )
            continue
        if o.year > end_year or o.year < base_year:
            problems.append(
                Problem(
                    where, "year", o.year, f"outside the projection years {base_year}-{end_year}"
                )
            )
        elif o.is_growth and o.year == base_year:
            problems.append(
                Problem(
                    where,
                    "year",
                    o.year,
                    f"growth in the base year {base_year} has no meaning in the "
                    "projection (give the level instead)",
                )
            )
        target = o.target_series
        if target not in (*SECTORS, "total") and target not in linked:
            problems.append(
                Problem(
                    where,
                    "indicator",
                    o.indicator,
                    f"scenario '{scenario}' has no such indicator"
                    if scenario
                    else "the scenario has no such indicator",
                )
            )
    return problems
