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
concept: optional (CONCEPTS): empty for the indicator as the scenario defines it; "revised",
    "includes_land_use" (budget figures only) or "other_definition" (see CONCEPTS).
source, note: optional free text.

Excel in a Vietnamese locale saves "CSV" with ';' between columns and the decimal comma: a file
whose header line holds ';' and no ',' is read so (1.234,5 is 1234.5; 1.234 alone could be
either and is refused). A growth rate that looks like a fraction (0.061) gets the warning a
scenario file's rate gets (`warnings`).

Reading is strict and never guesses (every refusal names the file and line): a quoted field may
span lines (Excel's Alt+Enter), but a quote never closed, text after a closing quote, a column
given twice, invalid UTF-8, a file over MAX_FILE_BYTES or anything but a regular file is refused;
so are a growth rate at or below -100 % or above MAX_GROWTH_PCT and a level above MAX_LEVEL.
Whether a figure is plausible is for sim.term.tracking, which knows the scenario.

Only `read_actuals` reads files; everything else takes the `Actuals` value.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sim.core.model import SECTORS
from sim.core.names import TOTAL, SeriesName, growth, output
from sim.core.text import Bilingual, join_and, join_va, vn
from sim.scenario.schema import RATE
from sim.scenario.values import Problem, ProblemsError, hint

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
OPTIONAL_COLUMNS = ("concept", "source", "note")
STATUSES = ("final", "estimate")
CONCEPTS = ("", "revised", "includes_land_use", "other_definition")
"""The `concept` column: empty for the indicator as the scenario defines it; "revised" (a
figure revised since first published, used like any other and marked); "includes_land_use" (a
budget figure including land-use fees: compared with the plan's budget including them, not used
to re-baseline); "other_definition" (another definition, said in `note`: shown beside the
plan, neither compared nor used)."""
LAND_USE_CONCEPT_INDICATORS = ("budget_revenue", "growth.budget_revenue")
SECTOR_GROWTH = tuple(growth(s) for s in SECTORS) + (growth(TOTAL),)
SECTOR_LEVELS = tuple(output(s) for s in SECTORS)
KNOWN_LINKED = ("income_per_capita", "budget_revenue", "land_use_revenue", "investment", "retail")

MAX_FILE_BYTES = 2_000_000
"""An actuals file larger than this is refused unread (a town's file is a few kilobytes)."""
MAX_GROWTH_PCT = 1000.0
"""An observed growth rate above this, % on the previous year, is an error, not a figure."""
MAX_LEVEL = 1e12
"""An observed level above this (in any indicator's unit: billion VND, million VND/person, an
index) is an error: no town's figure comes near it, and larger ones overflow the arithmetic."""


class ActualsError(ProblemsError):
    """A user error in an actuals file; the message lists every problem."""

    def head(self, count: int) -> Bilingual:
        return Bilingual(
            f"{count} lỗi trong tệp số liệu thực tế:",
            f"{count} problem{'s' if count != 1 else ''} in the actuals file:",
        )


@dataclass(frozen=True)
class Observation:
    indicator: str
    year: int
    value: float
    status: str
    source: str = ""
    note: str = ""
    line: int = 0
    concept: str = ""

    @property
    def comparable(self) -> bool:
        """The indicator as the scenario defines it (concept empty or "revised"): it re-baselines
        the scenario. Otherwise it is only shown beside the plan."""
        return self.concept in ("", "revised")

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
    warnings: tuple[Problem, ...] = ()  # e.g. a growth that looks like a fraction (0.061)

    @property
    def latest_year(self) -> int:
        return max(o.year for o in self.observations)

    def for_indicator(self, indicator: str) -> dict[int, Observation]:
        return {o.year: o for o in self.observations if o.indicator == indicator}

    def comparable(self) -> Actuals:
        """Only the observations of the indicators as the scenarios define them (the ones that
        re-baseline); warnings kept."""
        return replace(self, observations=tuple(o for o in self.observations if o.comparable))


THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+$|^-?\d{1,3}(\.\d{3}){2,}$")
"""1,700 or 1.234.567: a thousands separator (1.700 alone stays a decimal point)."""
VI_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$|^-?\d+(,\d+)?$")
"""1.234,5, 1.234.567, 1234,5 or 5: a number as Excel writes it with the decimal comma."""
VI_AMBIGUOUS = re.compile(r"^-?\d{1,3}\.\d{3}$")
"""1.234 in a file with the decimal comma: a thousands point, or a decimal point typed as text?"""


def _parse_number(text: str, decimal_comma: bool = False) -> float:
    """5.2, or "5,2" (a quoted decimal comma, as Vietnamese spreadsheets write it).

    A thousands separator ("1,700", "1.234.567") is refused rather than guessed: 1,700 read as
    1.7 would be silently a thousand times too small.

    decimal_comma: the file separates columns with ';' (Excel in a locale with the decimal
    comma, such as Vietnamese): 1.234,5 is 1234.5, 1,7 is 1.7 and 1.234.567 is 1234567; a
    point alone (6.1) is a decimal point, except 1.234, which could be either and is refused.
    """
    if decimal_comma:
        if VI_AMBIGUOUS.match(text):
            raise ValueError("ambiguous")
        if VI_NUMBER.match(text):
            return float(text.replace(".", "").replace(",", "."))
        if "," in text:
            raise ValueError("not a number")
        return float(text)
    if THOUSANDS.match(text):
        raise ValueError("thousands separator")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def _delimiter(text: str) -> str:
    """';' when the first line that is neither blank nor a comment holds ';' and no ',' (Excel
    saving "CSV" in a locale whose list separator is ';', such as Vietnamese), else ','."""
    for line in io.StringIO(text, newline=""):
        if line.strip() and not line.lstrip().startswith("#"):
            return ";" if ";" in line and "," not in line else ","
    return ","


def _allowed_indicators(linked: Iterable[str]) -> list[str]:
    linked = list(dict.fromkeys([*KNOWN_LINKED, *linked]))
    return [*SECTOR_GROWTH, *SECTOR_LEVELS, *linked, *(growth(n) for n in linked)]


def read_actuals(
    path: Path | str, linked_indicators: Iterable[str] = (), *, any_indicator: bool = False
) -> Actuals:
    """Read and validate an actuals file; raises ActualsError listing every problem.

    linked_indicators: further indicator names the scenarios define (beyond the bundled ones).
    any_indicator: accept any indicator name (the file's form is still checked): for reporting
    an actuals file's problems beside those of scenarios that did not load, whose indicators
    are therefore unknown.
    """
    path = Path(path)
    source = str(path)
    text = _read_text(path)
    delimiter = _delimiter(text)
    records, problems = _records(text, source, delimiter)
    if not records:
        empty = Bilingual("không có dòng tiêu đề và không có số liệu", "no header row and no data")
        raise ActualsError(problems or [Problem(source, "", None, empty)])
    header_line, raw_header = records[0]
    header = [h.strip() for h in raw_header]
    problems += _header_problems(header, f"{source}:{header_line}")
    if any(c not in header for c in REQUIRED_COLUMNS) or len(set(header)) < len(header):
        raise ActualsError(problems)
    allowed = None if any_indicator else _allowed_indicators(linked_indicators)
    observations: list[Observation] = []
    seen: dict[tuple[str, int], int] = {}
    for line_no, row in records[1:]:
        where = f"{source}:{line_no}"
        observation, found = _observation(row, header, allowed, line_no, where, delimiter == ";")
        if observation is not None:
            found += _duplicate(observation, seen, f"{source}:{line_no}")
        problems += found
        if observation is not None and not found:
            seen[(observation.indicator, observation.year)] = line_no
            observations.append(observation)
    if not observations and not problems:
        rule = Bilingual(
            "tệp chỉ có dòng tiêu đề, không có số liệu nào",
            "the file holds a header but no observations",
        )
        problems.append(Problem(source, "", None, rule))
    if problems:
        raise ActualsError(problems)
    return Actuals(path, tuple(observations), _fraction_warnings(observations, source))


def _fraction_warnings(observations: Iterable[Observation], source: str) -> tuple[Problem, ...]:
    """The warning a scenario file's growth rate gets when it looks like a fraction (0.061 for
    6.1 %), for each observed growth rate that does."""
    found = []
    for o in observations:
        warning = RATE.warn(o.value) if o.is_growth and RATE.warn is not None else None
        if warning:
            found.append(Problem(f"{source}:{o.line}", o.indicator, o.value, warning))
    return tuple(found)


def _read_text(path: Path) -> str:
    """The file's text (UTF-8, an optional byte-order mark dropped); at most MAX_FILE_BYTES.

    Only a regular file is read: a folder, FIFO or device is refused before anything is read
    from it (opening is non-blocking, so a FIFO with no writer cannot hang the run).
    """
    source = str(path)

    def fail(rule: Bilingual) -> ActualsError:
        return ActualsError([Problem(source, "", None, rule)])

    def unreadable(exc: OSError) -> ActualsError:
        why = exc.strerror or str(exc)
        return fail(Bilingual(f"không đọc được ({why})", f"cannot be read ({why})"))

    folder = Bilingual(
        "là một thư mục: hãy ghi đường dẫn của chính tệp CSV",
        "is a folder: give the path of the CSV file itself",
    )
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise fail(
            Bilingual("không tìm thấy tệp số liệu thực tế", "actuals file not found")
        ) from None
    except OSError as exc:  # PermissionError, a symlink loop, a name too long, ...
        if isinstance(exc, (PermissionError, IsADirectoryError)) and _is_folder(path):
            raise fail(folder) from None  # (Windows refuses to open a folder)
        raise unreadable(exc) from None
    kind = os.fstat(fd).st_mode
    if not stat.S_ISREG(kind):
        os.close(fd)
        if stat.S_ISDIR(kind):
            raise fail(folder)
        raise fail(
            Bilingual(
                "không phải tệp thông thường (FIFO, thiết bị hoặc socket): hãy dùng một tệp CSV",
                "is not a regular file (a FIFO, device or socket): give a CSV file",
            )
        )
    with os.fdopen(fd, "rb") as stream:
        try:
            data = stream.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise unreadable(exc) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(
            Bilingual(
                f"lớn hơn {vn(MAX_FILE_BYTES, ',')} byte: tệp số liệu thực tế chỉ có vài dòng "
                "mỗi năm",
                f"larger than {MAX_FILE_BYTES:,} bytes: an actuals file holds a few rows a year",
            )
        )
    return _decode(data, source)


def _is_folder(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _decode(data: bytes, source: str) -> str:
    """UTF-8 text, or an ActualsError naming the lines that are not UTF-8."""
    try:
        return data.decode("utf-8-sig")  # Excel writes a byte-order mark
    except UnicodeDecodeError:
        pass
    bad = []
    for number, line in enumerate(data.removeprefix(codecs.BOM_UTF8).split(b"\n"), start=1):
        try:
            line.decode("utf-8")  # "\n" is never part of a multi-byte UTF-8 sequence
        except UnicodeDecodeError as exc:
            bad.append((number, f"0x{line[exc.start]:02x}", exc.start + 1))
    more = len(bad) - 5
    rule = Bilingual(
        "không phải văn bản UTF-8: "
        + ", ".join(f"dòng {n} (byte {b} ở cột {c})" for n, b, c in bad[:5])
        + (f" và {more} dòng khác" if more > 0 else "")
        + "; hãy lưu tệp dạng 'CSV UTF-8'",
        "not UTF-8 text: "
        + ", ".join(f"line {n} (byte {b} at column {c})" for n, b, c in bad[:5])
        + (f" and {more} more lines" if more > 0 else "")
        + "; save the file as 'CSV UTF-8'",
    )
    raise ActualsError([Problem(source, "", None, rule)])


class _Lines:
    """The file's physical lines for csv.reader, with comment and blank lines dropped where
    they stand between records (inside a quoted field a line is data, whatever it starts with).

    number: the last line handed on (1-based); first: the first line of the current record.
    The caller sets `between` before asking the reader for the next record.
    """

    def __init__(self, text: str):
        self._lines = io.StringIO(text, newline="")  # splits at \n, \r\n and \r, as CSV does
        self.number = 0
        self.first = 0
        self.between = True

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        for line in self._lines:
            self.number += 1
            if self.between:
                if not line.strip() or line.lstrip().startswith("#"):
                    continue
                self.first, self.between = self.number, False
            return line
        raise StopIteration


def _records(
    text: str, source: str, delimiter: str = ","
) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """(first line number, fields) of each CSV record that is not blank, and the Problems of
    records that are not valid CSV. A quoted field may span lines (Excel's Alt+Enter).

    Parsing is strict: text after a closing quote, or a quote that is never closed, is an
    error rather than a guess. After an unclosed quote or an over-long field the rest of the
    file cannot be split into records, so reading stops there.
    """
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True, delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    problems: list[Problem] = []
    while True:
        lines.between = True
        try:
            row = next(reader)
        except StopIteration:
            return records, problems
        except csv.Error as exc:
            rule, fatal = _csv_rule(str(exc), lines)
            problems.append(Problem(f"{source}:{lines.first}", "", None, rule))
            if fatal:
                return records, problems
            continue
        if any(field.strip() for field in row):  # Excel writes ",,,,," for an empty row
            records.append((lines.first, row))


def _csv_rule(error: str, lines: _Lines) -> tuple[Bilingual, bool]:
    """A plain rule for csv.Error text, and whether reading cannot go on after it."""
    if "field larger than field limit" in error:
        limit = csv.field_size_limit()
        several = lines.number > lines.first
        span = Bilingual(
            f"dòng {lines.first}-{lines.number}" if several else "một dòng",
            f"lines {lines.first}-{lines.number}" if several else "one line",
        )
        return Bilingual(
            f"một trường dài hơn {vn(limit, ',')} ký tự ({span.vi}); một dấu ngoặc kép không "
            "được đóng biến phần còn lại của tệp thành một trường",
            f"a field longer than {limit:,} characters ({span.en}); a quote that is never closed "
            "makes the rest of the file one field",
        ), True
    if "unexpected end of data" in error:
        return Bilingual(
            f'một dấu ngoặc kép (") mở trong bản ghi bắt đầu tại đây không bao giờ được đóng '
            f"(tệp kết thúc ở dòng {lines.number})",
            f'a quote (") opened in the record starting here is never closed (the file ends at '
            f"line {lines.number})",
        ), True
    if "expected after" in error:
        return Bilingual(
            'có chữ sau dấu ngoặc kép đóng của một trường: trường trong ngoặc kép kết thúc bằng " '
            'rồi đến dấu phân cách hoặc hết dòng (dấu ngoặc kép bên trong trường ghi là "")',
            'text after the closing quote of a field: a quoted field ends with " followed by '
            'a comma or the end of the line (write a quote inside a field as "")',
        ), False
    return Bilingual(f"không phải CSV hợp lệ ({error})", f"not valid CSV ({error})"), False


def _header_problems(header: list[str], where: str) -> list[Problem]:
    """Unknown columns (with a hint), columns given twice, then missing required ones."""
    known = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    problems = [
        Problem(
            where,
            "header",
            _clip(column),
            Bilingual("không có cột này", "unknown column") + hint(column, known),
        )
        for column in dict.fromkeys(header)
        if column not in known
    ]
    for column in dict.fromkeys(header):
        positions = [n for n, name in enumerate(header, start=1) if name == column]
        if len(positions) > 1:  # which one holds the figure would be a guess
            rule = Bilingual(
                f"cột có {len(positions)} lần (các cột {join_va(positions)}): chỉ giữ một",
                f"column given {len(positions)} times (columns {join_and(positions)}): keep one",
            )
            problems.append(Problem(where, "header", _clip(column), rule))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        names = ", ".join(missing)
        rule = Bilingual(f"thiếu cột: {names}", f"missing column(s): {names}")
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            # Excel in a locale with the decimal comma separates columns with ";"
            rule += Bilingual(
                "; các cột có vẻ được phân cách bằng ';' hoặc tab: hãy lưu dạng CSV dùng dấu phẩy",
                "; the columns seem separated by ';' or tabs: save as CSV with commas",
            )
        problems.append(Problem(where, "header", _clip(",".join(header)), rule))
    return problems


def _clip(text: str, limit: int = 80) -> str:
    """`text` cut to `limit` characters for a message (a whole 100 KB field helps nobody)."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _observation(
    row: list[str],
    header: list[str],
    allowed: list[str] | None,
    line_no: int,
    where: str,
    decimal_comma: bool = False,
) -> tuple[Observation | None, list[Problem]]:
    """One data row as an Observation, or None with the Problems of its fields (decimal_comma:
    the file separates columns with ';' and writes 1.234,5)."""
    if len(row) > len(header):
        rule = Bilingual(
            f"{len(row)} trường cho {len(header)} cột",
            f"{len(row)} fields for {len(header)} columns",
        )
        separator = ";" if decimal_comma else ","
        return None, [Problem(where, "row", _clip(separator.join(row)), rule)]
    record = dict(zip(header, (c.strip() for c in row), strict=False))
    indicator, year, status = (record.get(k, "") for k in ("indicator", "year", "status"))
    problems = _indicator_problems(indicator, allowed, where) + _year_problems(year, where)
    value, value_problems = _value(record.get("value", ""), where, decimal_comma)
    if not problems and not value_problems:  # (checked once indicator and year are valid)
        value_problems = _range_problems(indicator, value, record.get("value", ""), where)
    concept = record.get("concept", "")
    problems += value_problems + _status_problems(status, where)
    problems += _concept_problems(concept, indicator, where)
    if problems:
        return None, problems
    source, note = record.get("source", ""), record.get("note", "")
    return Observation(indicator, int(year), value, status, source, note, line_no, concept), []


def _indicator_problems(indicator: str, allowed: list[str] | None, where: str) -> list[Problem]:
    """An unknown indicator name (with a hint); allowed None: any non-empty name."""
    if indicator in allowed if allowed is not None else indicator:
        return []
    if allowed is None:
        rule = Bilingual(
            "thiếu: hãy ghi tên một chuỗi số, ví dụ growth.services",
            "missing: name a series, e.g. growth.services",
        )
        return [Problem(where, "indicator", "", rule)]
    suggestion = hint(indicator, allowed)
    if not suggestion.en:
        known = ", ".join(allowed)
        suggestion = Bilingual(f"; các tên đã biết: {known}", f"; known: {known}")
    rule = Bilingual("không có chỉ tiêu này", "unknown indicator") + suggestion
    return [Problem(where, "indicator", _clip(indicator), rule)]


def _year_problems(year: str, where: str) -> list[Problem]:
    if year.isascii() and year.isdigit() and len(year) == 4:  # not "２０２１" nor "202²"
        return []
    rule = Bilingual("cần một năm gồm 4 chữ số", "a 4-digit year is expected")
    return [Problem(where, "year", _clip(year), rule)]


def _value(text: str, where: str, decimal_comma: bool = False) -> tuple[float, list[Problem]]:
    """The number in `text`, or NaN with a Problem when it holds none."""
    try:
        value = _parse_number(text, decimal_comma)
    except ValueError:
        whole, comma = text.replace(".", ""), text.replace(".", ",")
        if decimal_comma and VI_AMBIGUOUS.match(text):
            rule = Bilingual(
                f"trong tệp phân cách bằng ';' dấu thập phân là dấu phẩy, nên {text} có thể là "
                f"{whole} hoặc {comma}: hãy ghi {whole} (không có dấu chấm hàng nghìn) hoặc "
                f"{comma}",
                f"in a file separated by ';' the decimal mark is the comma, so {text} could be "
                f"{whole} or {comma}: write {whole} (no thousands point) or {comma}",
            )
        elif decimal_comma:
            rule = Bilingual(
                "phải là một số (trong tệp phân cách bằng ';': 1234,5 hoặc 1.234,5)",
                "must be a number (in a file separated by ';': 1234,5 or 1.234,5)",
            )
        elif THOUSANDS.match(text):
            rule = Bilingual(
                "có vẻ có dấu phân cách hàng nghìn: hãy ghi số không có dấu đó (1700, không "
                "phải 1,700 hay 1.700)",
                "looks like a thousands separator: write the number without one (1700, not "
                "1,700 or 1.700)",
            )
        else:
            rule = Bilingual(
                "phải là một số (dấu thập phân là dấu chấm hoặc dấu phẩy)",
                "must be a number (decimal point or comma)",
            )
        return math.nan, [Problem(where, "value", _clip(text), rule)]
    return value, []


def _range_problems(indicator: str, value: float, text: str, where: str) -> list[Problem]:
    """A finite number; a growth rate above -100 % and at most MAX_GROWTH_PCT, a level above 0
    and at most MAX_LEVEL. (Whether a figure is plausible is sim.term.tracking's question.)"""
    if not math.isfinite(value):
        rule = Bilingual("phải là một số hữu hạn", "must be a finite number")
        return [Problem(where, "value", _clip(text), rule)]
    if SeriesName.parse(indicator).is_growth:
        if value <= -100:
            rule = Bilingual(
                "tốc độ tăng trưởng phải lớn hơn -100 %", "a growth rate must be above -100 %"
            )
            return [Problem(where, "value", value, rule)]
        if value > MAX_GROWTH_PCT:
            rule = Bilingual(
                f"tốc độ tăng trưởng trên {vn(MAX_GROWTH_PCT, ',.0f')} % trong một năm không "
                "thể là số liệu thật",
                f"a growth rate above {MAX_GROWTH_PCT:,.0f} % in one year is not a figure",
            )
            return [Problem(where, "value", value, rule)]
    elif value <= 0:
        rule = Bilingual("giá trị mức phải lớn hơn 0", "a level must be greater than 0")
        return [Problem(where, "value", value, rule)]
    elif value > MAX_LEVEL:
        rule = Bilingual(
            f"giá trị mức trên {vn(MAX_LEVEL)} (theo đơn vị của chỉ tiêu) không thể là số liệu thật",
            f"a level above {MAX_LEVEL:g} (in the indicator's unit) is not a figure",
        )
        return [Problem(where, "value", value, rule)]
    return []


def _status_problems(status: str, where: str) -> list[Problem]:
    if status in STATUSES:
        return []
    listed = ", ".join(STATUSES)
    rule = Bilingual(
        f"phải là một trong {listed} (chính thức, ước tính)", f"must be one of {listed}"
    )
    return [Problem(where, "status", _clip(status), rule)]


def _concept_problems(concept: str, indicator: str, where: str) -> list[Problem]:
    if concept not in CONCEPTS:
        listed = ", ".join(c for c in CONCEPTS if c)
        rule = Bilingual(
            f"phải để trống hoặc là một trong {listed}", f"must be empty or one of {listed}"
        ) + hint(concept, CONCEPTS)
        return [Problem(where, "concept", _clip(concept), rule)]
    if concept == "includes_land_use" and indicator not in LAND_USE_CONCEPT_INDICATORS:
        rule = Bilingual(
            f"includes_land_use chỉ dùng cho {' hoặc '.join(LAND_USE_CONCEPT_INDICATORS)}",
            f"includes_land_use is for {' or '.join(LAND_USE_CONCEPT_INDICATORS)} only",
        )
        return [Problem(where, "concept", concept, rule)]
    return []


def _duplicate(
    observation: Observation, seen: dict[tuple[str, int], int], where: str
) -> list[Problem]:
    """An indicator and year given on an earlier line."""
    key = (observation.indicator, observation.year)
    if key not in seen:
        return []
    rule = Bilingual(
        f"{observation.indicator} {observation.year} đã có ở dòng {seen[key]}",
        f"{observation.indicator} {observation.year} is already given on line {seen[key]}",
    )
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
        rule = Bilingual(
            f"kịch bản '{scenario}' dự báo giá trị sản xuất dạng chỉ số: giá trị mức của ngành "
            "(tỷ đồng) cần structure.base_total_bn_vnd trong kịch bản; hãy ghi growth.<ngành> "
            "thay vào đó",
            f"scenario '{scenario}' projects output as an index: a sector level (billion "
            "VND) needs structure.base_total_bn_vnd in the scenario; give growth.<sector> "
            "instead",
        )
        return [Problem(where, "indicator", o.indicator, rule)]
    if o.year == base_year:
        rule = Bilingual(
            "giá trị các ngành năm gốc lấy từ tỷ trọng và base_total_bn_vnd của kịch bản; hãy "
            "sửa các giá trị đó",
            "the base-year sector levels come from the scenario's shares and "
            "base_total_bn_vnd; change those instead",
        )
        return [Problem(where, "year", o.year, rule)]
    return []


def _year_in_projection_problems(
    o: Observation, base_year: int, end_year: int, where: str
) -> list[Problem]:
    """The year is a projected one; growth is observed after the base year."""
    if o.year > end_year or o.year < base_year:
        rule = Bilingual(
            f"ngoài các năm dự báo {base_year}-{end_year}",
            f"outside the projection years {base_year}-{end_year}",
        )
        return [Problem(where, "year", o.year, rule)]
    if o.is_growth and o.year == base_year:
        rule = Bilingual(
            f"tốc độ tăng trưởng của năm gốc {base_year} không có ý nghĩa trong dự báo (hãy "
            "ghi giá trị mức)",
            f"growth in the base year {base_year} has no meaning in the "
            "projection (give the level instead)",
        )
        return [Problem(where, "year", o.year, rule)]
    return []


def _series_problems(o: Observation, linked: set[str], scenario: str, where: str) -> list[Problem]:
    """The observation pins a sector, the total or one of the scenario's indicators."""
    if o.target_series in (*SECTORS, "total") or o.target_series in linked:
        return []
    rule = (
        Bilingual(
            f"kịch bản '{scenario}' không có chỉ tiêu này",
            f"scenario '{scenario}' has no such indicator",
        )
        if scenario
        else Bilingual("kịch bản không có chỉ tiêu này", "the scenario has no such indicator")
    )
    return [Problem(where, "indicator", o.indicator, rule)]
