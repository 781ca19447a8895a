"""Scenario files as TOML text: the only code that writes them.

The caller says what the file holds, as sections of keys and values (`Section`, `Entry`), with
comments; this module spells it as TOML that `sim.scenario.loader` reads back to the same values:

    # header comment
                                        (a blank line after the header and between sections)
    name = "baseline_2025_2030"         Section((), ...): the top-level keys, first
    [sectors.services]                  Section(("sectors", "services"), ...)
    share_pct = 51.1232  # comment      Entry("share_pct", Number(51.12316, ".4f"), "comment")
    label = { vi = "...", en = "..." }  a mapping is an inline table (a year map too:
                                        { 2021 = 4.0, 2022 = 18.0 })

Strings are TOML basic strings: a quote and a backslash are escaped, and every control character
(U+0000-U+001F, U+007F-U+009F; tab and newline too) is written as \\uXXXX, so any text, one line
or many, reads back unchanged. Comments cannot escape: a control character in a comment is
written as the text \\uXXXX (a comment is for a reader only).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sim.scenario.schema import THOUSANDS_LIKE_NUMBER

__all__ = ["Number", "Entry", "Section", "Value", "scenario_text", "toml_string", "toml_value"]


@dataclass(frozen=True)
class Number:
    """A number written with a format spec, e.g. Number(51.12316, ".4f") -> 51.1232.

    A plain float is written in full (the shortest text that reads back as the same float); a
    Number rounds on purpose, for a file people read and edit. The spec must give a TOML number
    ("f", "g" or "e" formats, no thousands separators).
    """

    value: float
    format: str


Value = str | bool | int | float | Number | Mapping[str | int, "Value"] | Sequence["Value"]
"""What a key may hold: text, a number, a mapping (an inline table) or a list."""


@dataclass(frozen=True)
class Entry:
    """One `key = value` line, with an optional comment at its end."""

    key: str
    value: Value
    comment: str = ""


@dataclass(frozen=True)
class Section:
    """A table header and its keys; the table () holds the top-level keys (no header)."""

    table: tuple[str, ...]
    entries: Sequence[Entry]


def scenario_text(sections: Sequence[Section], comments: Sequence[str] = ()) -> str:
    """A scenario file: `comments` (one per line) at the top, then `sections`, each followed by
    a blank line except the last; the text ends with a newline."""
    blocks = []
    if comments:
        blocks.append("\n".join(f"# {_comment_text(c)}" for c in comments))
    for n, section in enumerate(sections):
        if not section.table and n > 0:
            raise ValueError("the top-level keys must come before every table")
        lines = [f"[{'.'.join(toml_key(k) for k in section.table)}]"] if section.table else []
        lines += [_line(entry) for entry in section.entries]
        if lines:
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _line(entry: Entry) -> str:
    line = f"{toml_key(entry.key)} = {toml_value(entry.value)}"
    return f"{line}  # {_comment_text(entry.comment)}" if entry.comment else line


def toml_value(value: Value) -> str:
    """`value` as a TOML value (inline: a mapping is an inline table, a list an array)."""
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, Number):
        return _number_text(value)
    if isinstance(value, Mapping):
        items = [f"{toml_key(str(k))} = {toml_value(v)}" for k, v in value.items()]
        return f"{{ {', '.join(items)} }}" if items else "{}"
    if isinstance(value, Sequence):
        return f"[{', '.join(toml_value(v) for v in value)}]"
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


def _float_text(value: float) -> str:
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    # (the shortest text that reads back as the same float: 16.0, 1e-07)
    return _unambiguous(repr(value))


THOUSANDS_LIKE = re.compile(rf"[+-]?{THOUSANDS_LIKE_NUMBER}")
"""A decimal a Vietnamese reader takes for a thousands-separated number (566.767: "566
thousand 767"), which the loader warns about (`schema.thousands_literals`)."""


def _unambiguous(text: str) -> str:
    """`text`, with a fourth decimal 0 when it looks like a thousands-separated number (566.767
    -> 566.7670: the same value, read as a decimal by anyone)."""
    return f"{text}0" if THOUSANDS_LIKE.fullmatch(text) else text


TOML_NUMBER = re.compile(
    r"[+-]?(inf|nan|(0|[1-9](_?[0-9])*)(\.[0-9](_?[0-9])*)?([eE][+-]?[0-9](_?[0-9])*)?)"
)


def _number_text(number: Number) -> str:
    text = format(number.value, number.format)
    if not TOML_NUMBER.fullmatch(text):
        raise ValueError(f"format {number.format!r} writes {text!r}, not a TOML number")
    return _unambiguous(text)


BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
CONTROL = re.compile(r'["\\\x00-\x1f\x7f-\x9f]')
"""What a basic string escapes: a quote, a backslash and every control character."""
SURROGATE = re.compile(r"[\ud800-\udfff]")


def toml_key(key: str) -> str:
    """A key: bare when it can be (letters, digits, _ and -), else a quoted string."""
    return key if BARE_KEY.fullmatch(key) else toml_string(key)


def toml_string(text: str) -> str:
    """`text` as a TOML basic string that reads back unchanged."""
    if SURROGATE.search(text):
        raise ValueError("a lone surrogate is not text: it cannot be written as UTF-8")
    return '"' + CONTROL.sub(_escape, text) + '"'


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return "\\" + char if char in '"\\' else f"\\u{ord(char):04X}"


def _comment_text(text: str) -> str:
    """A comment's text on one line: control characters spelt as \\uXXXX (TOML comments allow
    none but tab, and a newline would end the comment)."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04X}", text)
