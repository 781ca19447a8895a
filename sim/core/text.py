"""A text in both of the tool's languages, the lowest layer's one bilingual value.

Titles, descriptions and labels come in Vietnamese and English; `Bilingual.in_(lang)` is the only
place that chooses between them. `sim.output.i18n` holds the words themselves and re-exports this.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Bilingual"]


@dataclass(frozen=True)
class Bilingual:
    """One text in Vietnamese and English."""

    vi: str
    en: str

    def in_(self, lang: str) -> str:
        """The text in `lang`: Vietnamese for "vi", English otherwise."""
        return self.vi if lang == "vi" else self.en


def join_and(items: Sequence[object]) -> str:
    """'a', 'a and b', 'a, b and c': items as an English list (file messages and notes)."""
    words = [str(x) for x in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" and {words[-1]}"
