"""The PDF pack's pages: every chart's captioned page put on an A4 sheet, ready to print.

Workers write the charts' pages into PDFs of their own (`sim.output.charts.pack`); the chart
cache keeps each page as a one-page PDF. This module joins them, in pack order, into one file
(pypdf: the pages are copied as they are, not drawn again). Each page is placed on an A4 sheet,
portrait or landscape as the chart is tall or wide, scaled to fill the sheet inside margins of
MARGIN_MM (the same scale across and down: nothing is stretched) and centred.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import NameObject, RectangleObject

__all__ = ["A4_PT", "MARGIN_MM", "PT_PER_MM", "sheet", "page_of", "write_pack"]

PT_PER_MM = 72 / 25.4
A4_PT = (210 * PT_PER_MM, 297 * PT_PER_MM)
"""A4 portrait, in PDF points (595.3 x 841.9)."""

MARGIN_MM = 15
"""Free paper on every side of a chart: room to bind and to punch."""


def sheet(width: float, height: float) -> tuple[float, float, float, float, float]:
    """(sheet width, sheet height, scale, x offset, y offset) for a page of width x height points:
    A4 landscape for a wide page, portrait otherwise; the page scaled to the sheet inside the
    margins and centred."""
    short, long_ = A4_PT
    sheet_w, sheet_h = (long_, short) if width > height else (short, long_)
    margin = MARGIN_MM * PT_PER_MM
    scale = min((sheet_w - 2 * margin) / width, (sheet_h - 2 * margin) / height)
    return sheet_w, sheet_h, scale, (sheet_w - scale * width) / 2, (sheet_h - scale * height) / 2


def page_of(data: bytes) -> PageObject:
    """The first page of a PDF held in `data`."""
    return PdfReader(io.BytesIO(data)).pages[0]


def _transform(page: PageObject, scale: float, dx: float, dy: float) -> None:
    """Scale `page`'s drawing by `scale` and move it by (dx, dy) points: its content stream
    wrapped in a saved graphics state with that matrix (`PageObject.add_transformation` would
    parse every drawing operator of the page first: a second a page)."""
    contents = page.get_contents()
    if contents is None:
        return
    matrix = f"q {scale:.6f} 0 0 {scale:.6f} {dx:.4f} {dy:.4f} cm\n".encode()
    contents.set_data(matrix + contents.get_data() + b"\nQ\n")
    page.replace_contents(contents)
    page.compress_content_streams()


def write_pack(pages: Sequence[PageObject], handle: BinaryIO, metadata: Mapping[str, str]) -> None:
    """Write `pages`, each on its A4 sheet, as one PDF into `handle`."""
    writer = PdfWriter()
    for page in pages:
        added = writer.add_page(page)
        box = added.mediabox
        width, height = float(box.width), float(box.height)
        sheet_w, sheet_h, scale, dx, dy = sheet(width, height)
        _transform(added, scale, dx - scale * float(box.left), dy - scale * float(box.bottom))
        paper = RectangleObject([0, 0, sheet_w, sheet_h])
        for name in ("/MediaBox", "/CropBox", "/TrimBox", "/ArtBox", "/BleedBox"):
            if name == "/MediaBox" or name in added:
                added[NameObject(name)] = paper
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    writer.write(handle)
