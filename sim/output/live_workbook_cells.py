"""Shared pieces of the live workbook (`sim.output.live_workbook`): cell styles, writing a cell
without ever turning a user's text into a formula (nor letting a control character spoil the
file), A1 references, and where each sheet puts what.

Every sheet of the live workbook has two header rows: row 1 in the run's language, row 2 the
stable names tools read (`year`, `output.total`, ...; `scenario | parameter | year | value | unit
| source` on the assumptions sheet); data start on row 3 (index 2, XlsxWriter counts from 0).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlsxwriter.format import Format
    from xlsxwriter.workbook import Workbook
    from xlsxwriter.worksheet import Worksheet

__all__ = [
    "SHEET_NAME_MAX",
    "FIRST_DATA_ROW",
    "BOOK_OPTIONS",
    "Styles",
    "XML_ILLEGAL",
    "plain_text",
    "put",
    "put_formula",
    "sheet_ref",
    "cell",
    "area",
    "formula_text",
    "number_format",
]

SHEET_NAME_MAX = 31
"""Excel's limit on the length of a sheet name."""

FIRST_DATA_ROW = 2
"""Row index (0-based) of the first data row on every sheet: below the two header rows."""

BOOK_OPTIONS: dict[str, Any] = {
    # Defence in depth: nothing is written with `write()`, but should it ever be, a text that
    # starts with "=" or looks like a number or a URL stays the text it is.
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "nan_inf_to_errors": False,
}

INPUT_FILL = "#FFF2CC"
"""Fill colour of the input cells (the assumptions a planner types over): pale yellow."""

HEADER_FILL = "#DDE6F0"

XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""The control characters an XML 1.0 file cannot hold; tab, line feed and carriage return are
kept (U+007F and above are legal)."""


@dataclass(frozen=True)
class Styles:
    """The cell formats of one workbook (XlsxWriter formats belong to their workbook)."""

    header: Format
    names: Format
    text: Format
    level: Format
    rate: Format
    year: Format
    input: Format
    input_text: Format
    gap: Format
    probability: Format
    note: Format
    met: Format
    missed: Format

    @classmethod
    def of(cls, book: Workbook) -> Styles:
        def fmt(**props: Any) -> Format:
            return book.add_format(props)

        return cls(
            header=fmt(bold=True, bg_color=HEADER_FILL, text_wrap=True, valign="top"),
            names=fmt(italic=True, font_color="#666666", font_size=9, bg_color=HEADER_FILL),
            text=fmt(),
            level=fmt(num_format="#,##0.0"),
            rate=fmt(num_format="0.00"),
            year=fmt(num_format="0"),
            input=fmt(num_format="#,##0.0###", bg_color=INPUT_FILL, locked=False, border=1),
            input_text=fmt(bg_color=INPUT_FILL),
            gap=fmt(num_format="+#,##0.00;-#,##0.00;0"),
            probability=fmt(num_format="0%"),
            note=fmt(bold=True, font_color="#9C0006", bg_color="#FFEB9C", text_wrap=True),
            met=fmt(font_color="#006100", bg_color="#C6EFCE"),
            missed=fmt(font_color="#9C0006", bg_color="#FFC7CE"),
        )


def plain_text(value: str) -> str:
    """A text as a cell holds it: each control character XML cannot hold shown as U+FFFD.

    Why not XlsxWriter's own escape: it writes U+0001 as `_x0001_`, which Excel turns back into
    an invisible control character and openpyxl shows as the six characters `_x0001_`; U+FFFD
    reads the same everywhere and says "a character was here". Only the workbook changes: the
    CSVs keep the text as written."""
    return XML_ILLEGAL.sub("\ufffd", value)


def put(sheet: Worksheet, row: int, col: int, value: object, style: Format | None = None) -> None:
    """Write a value as what it is: a text as a text (never a formula, even one starting with
    "="; see `plain_text`), a number as a number, an empty cell for None, NaN or infinity.

    Every text cell of the live workbook is written here (write_string nowhere else)."""
    if isinstance(value, str):
        sheet.write_string(row, col, plain_text(value), style)
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
        return
    try:
        number = float(value)  # type: ignore[arg-type]  # (numpy scalars included)
    except (TypeError, ValueError):  # pd.NA, None, anything else: its text, or nothing
        if value is None or str(value) in ("<NA>", "NaT"):
            sheet.write_blank(row, col, None, style)
        else:
            sheet.write_string(row, col, plain_text(str(value)), style)
        return
    if math.isfinite(number):
        sheet.write_number(row, col, number, style)
    else:
        sheet.write_blank(row, col, None, style)


def put_formula(
    sheet: Worksheet, row: int, col: int, formula: str, cached: object, style: Format | None
) -> None:
    """A formula with its result cached in the file (what a viewer that does not calculate
    shows). A NaN result (no value) is cached as an empty text."""
    if isinstance(cached, float) and not math.isfinite(cached):
        cached = ""
    elif isinstance(cached, str):
        cached = plain_text(cached)
    sheet.write_formula(row, col, formula, style, cached)  # type: ignore[arg-type]


def sheet_ref(name: str) -> str:
    """A sheet's name as a formula names it: always quoted ('Giả định'!), quotes doubled."""
    return "'" + name.replace("'", "''") + "'!"


def _column(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell(row: int, col: int, sheet: str | None = None, fix_row: bool = False) -> str:
    """An A1 reference to (row, col) (0-based): "B4", "B$3" with fix_row, "'baseline'!$B$4"
    (absolute) on another sheet."""
    if sheet is not None:
        return f"{sheet_ref(sheet)}${_column(col)}${row + 1}"
    return f"{_column(col)}{'$' if fix_row else ''}{row + 1}"


def area(sheet: str, first: tuple[int, int], last: tuple[int, int]) -> str:
    """An absolute reference to the cells from (row, col) `first` to `last` on a sheet:
    "'Scorecard'!$I$3:$I$12"."""
    return f"{cell(*first, sheet)}:${_column(last[1])}${last[0] + 1}"


def formula_text(value: str) -> str:
    """A text as a string literal inside a formula: in double quotes, quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


def number_format(name: str, styles: Styles) -> Format:
    """The format of a projection series: rates and shares with two decimals, levels with a
    thousands separator and one decimal (Excel and LibreOffice show both in the reader's
    locale: 1.234,5 in Vietnamese)."""
    if name.startswith(("growth.", "cagr.", "share.")):
        return styles.rate
    return styles.level
