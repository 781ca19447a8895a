"""What the run knows of a chart once it is written (no drawing library needed to read it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

__all__ = ["DEFAULT_FORMATS", "FORMATS", "SavedChart"]

FORMATS = ("png", "pdf", "svg")
"""The chart formats a run can write: PNG files (for Word), the PDF pack (for print), SVG files."""

DEFAULT_FORMATS = ("png", "pdf")
"""What a run writes unless --formats says otherwise: SVG, with every glyph drawn as an outline,
costs as much as the PNG and is only asked for by those who edit the charts."""


@dataclass(frozen=True)
class SavedChart:
    """A chart written by the run: its number in its pack ("Biểu 1"), file stem, caption, and
    files; `family` is the kind of chart ("main", "tracking", "sensitivity", "compare")."""

    number: int
    stem: str
    caption: str
    png: Path
    svg: Path | None
    family: str = "main"
