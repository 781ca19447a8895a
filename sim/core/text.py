"""A text in both of the tool's languages, the lowest layer's one bilingual value.

Titles, descriptions and labels come in Vietnamese and English; `Bilingual.in_(lang)` is the only
place that chooses between them. `sim.output.i18n` holds the words themselves and re-exports this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["LANGS", "Bilingual", "join_and", "join_va", "minus_sign", "vn"]

LANGS = ("vi", "en")
"""The tool's languages."""


@dataclass(frozen=True)
class Bilingual:
    """One text in Vietnamese and English."""

    vi: str
    en: str

    def in_(self, lang: str) -> str:
        """The text in `lang`: Vietnamese for "vi", English otherwise."""
        return self.vi if lang == "vi" else self.en

    def __add__(self, other: Bilingual) -> Bilingual:
        """The two texts one after the other, language by language (a rule and its hint)."""
        return Bilingual(self.vi + other.vi, self.en + other.en)


def join_and(items: Sequence[object]) -> str:
    """'a', 'a and b', 'a, b and c': items as an English list (file messages and notes)."""
    words = [str(x) for x in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"


def join_va(items: Sequence[object]) -> str:
    """'a', 'a và b', 'a, b và c': items as a Vietnamese list (join_and's twin)."""
    words = [str(x) for x in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" và {words[-1]}"


_VI_MARKS = str.maketrans({",": ".", ".": ","})


def vn(value: float, spec: str = "g") -> str:
    """A computed number in a Vietnamese message: `format(value, spec)` with thousands points,
    the decimal comma and a minus sign (1.234,5 for 1234.5 with "g"; 2,50 with ".2f"; −8).
    Not for years, nor for a value the reader is to type (a file takes "-" and a point)."""
    grouped = spec if "," in spec else f",{spec}" if spec[:1] in "g.f" else spec
    if spec[:1] in "+-":
        grouped = spec[0] + ("," + spec[1:] if "," not in spec else spec[1:])
    try:
        shown = format(value, grouped).translate(_VI_MARKS)
    except OverflowError:  # (an int too large for a float, echoed from a file: its digits)
        shown = f"{int(value):,d}".translate(_VI_MARKS)
    return minus_sign(shown)


def minus_sign(shown: str) -> str:
    """A formatted number with a minus sign (−1,5) for its hyphen, and no sign before a number
    that rounds to zero ("-0,00" -> "0,00")."""
    if not shown.startswith("-"):
        return shown
    return "−" + shown[1:] if shown.strip("-0,.") else shown[1:]
