"""The charts' fonts, read from memory instead of from their files.

matplotlib opens a font by its path (`font_manager.get_font`), and FreeType then reads the font
through that Python file object: a seek and a read, each a system call, for every glyph it
loads. Drawing the eight congress charts so cost about 235,000 system calls (0.2 s of system
time) and as many calls into Python.

matplotlib keeps each font it opens, keyed by its list of paths (and the thread), and forgets
them in a forked child. So `read_fonts_into_memory` opens the charts' fonts once per process,
before its first chart, from the files' bytes in memory; every chart of the process then uses
them. The bytes are read once: the chart workers, forked from the chart process, inherit them.
The fonts are the same bytes, so every chart is the same (a test holds the pages to the same
bytes, and counts the reads).

This depends on how matplotlib opens a font by its path: its FT2Font calls `io.open(path, "rb")`.
While the fonts are opened here, `io.open` hands out the bytes read for those paths; if a
matplotlib opens its fonts otherwise, they are opened from their files, as before.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

__all__ = ["FONT_WEIGHTS", "LAYOUT_TABLES", "embed_outlines_only", "read_fonts_into_memory"]

FONT_WEIGHTS = ("normal", "bold")
"""The weights the charts' text uses."""

_OPENED: set[tuple[int, tuple[str, ...]]] = set()
"""(process id, font families) opened from memory: a forked child opens its own."""

_BYTES: dict[str, bytes] = {}
"""Each font file's bytes by path, read once (a forked child inherits them)."""


class _FontInMemory(io.BytesIO):
    """A font file's bytes, read once, with the file's path as `name` (matplotlib gives that
    name as the font's `fname`, by which the PDF embeds it)."""

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


def read_fonts_into_memory(families: list[str] | tuple[str, ...]) -> None:
    """Open the fonts of `families` (the style's `font.family`, first choice first) in each of
    FONT_WEIGHTS from memory, for this process's charts; once per process."""
    key = (os.getpid(), tuple(families))
    if key in _OPENED:
        return
    find = getattr(font_manager.fontManager, "_find_fonts_by_props", None)
    forget = getattr(getattr(font_manager, "_get_font", None), "cache_clear", None)
    if find is None or forget is None:  # a matplotlib that finds its fonts otherwise
        return
    lists = [find(FontProperties(family=list(families), weight=w)) for w in FONT_WEIGHTS]
    forget()  # a font opened from its file before now would be the one kept
    with _opened_from_memory():
        for paths in lists:
            font_manager.get_font(paths)
    _OPENED.add(key)


@contextmanager
def _opened_from_memory() -> Iterator[None]:
    """While inside, `io.open(path, "rb")` of a font file gives its bytes in memory."""
    original = io.open

    def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if (
            mode == "rb"
            and not args
            and not kwargs
            and isinstance(file, str)
            and file.lower().endswith((".ttf", ".otf", ".ttc"))
        ):
            if file not in _BYTES:
                with original(file, "rb") as f:
                    _BYTES[file] = f.read()
            return _FontInMemory(_BYTES[file], file)
        return original(file, mode, *args, **kwargs)

    io.open = opener
    try:
        yield
    finally:
        io.open = original


LAYOUT_TABLES = ("GDEF", "GPOS", "GSUB", "MATH")
"""The OpenType tables that shape text: kerning, the places of accents, substitutions, maths.
matplotlib shapes every line itself (with HarfBuzz, from the whole font in memory) and writes
the place of each glyph into the PDF; a PDF reader draws a glyph where it is told, from the
embedded font's outlines and widths, and never reads these tables."""


@contextmanager
def embed_outlines_only() -> Iterator[None]:
    """While inside, the fonts that PDFs embed leave out LAYOUT_TABLES (wrap a PDF's life in
    it: fontTools cuts the fonts when the PDF is closed).

    A PDF embeds the part of each font its text uses (four cuts per PDF: each weight in two
    parts). Cutting the layout tables, the kerning above all, was most of that work: a cut
    took 75 ms with them, 8 ms without. The pages are drawn from the same outlines at the same
    places, pixel for pixel. fontTools' subsetter drops the tables listed in its options'
    defaults, a list of the whole process: it is put back on the way out, so that no other cut
    (tools/make_chart_fonts.py keeps the kerning) loses them. Should fontTools rename that
    list, this does nothing and the fonts are embedded whole, as before."""
    from fontTools import subset

    options = getattr(subset, "Options", None)
    dropped = getattr(options, "_drop_tables_default", None)
    if not isinstance(dropped, list):
        yield
        return
    missing = [tag for tag in LAYOUT_TABLES if tag not in dropped]
    options._drop_tables_default = dropped + missing  # type: ignore[union-attr]
    try:
        yield
    finally:
        options._drop_tables_default = dropped  # type: ignore[union-attr]
