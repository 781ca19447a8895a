"""A chart's PNG made from its PDF page: the figure is drawn once, as vector PDF, and the PNG is
that page rendered to pixels by PDFium (pypdfium2), without the page's numbered caption.

Drawing a figure is mostly laying out and drawing its text; matplotlib would do it once for the
PNG (Agg) and again for the PDF page. PDFium renders a finished page in a few hundredths of a
second, so the chart is drawn by matplotlib once, and the PNG and the printed page show the
same drawing, the same glyphs at the same places.

The caption ("Biểu 1. ...") belongs to the PDF pack, not to the PNG that goes into a Word file
under a caption of its own. It is drawn in CAPTION_INK, a black no other text of a chart uses,
and the text drawn in that ink is left out when the page becomes a PNG; the blank band it
leaves between the chart and its source line is closed to BAND_GAP_IN (`band_rows`).
"""

from __future__ import annotations

import ctypes
import io
import math
import struct
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "BAND_GAP_IN",
    "CAPTION_INK",
    "CAPTION_RGB",
    "PNG_COMPRESS_LEVEL",
    "band_rows",
    "encode_png",
    "png_bytes",
    "write_pngs",
]

CAPTION_RGB = (0, 0, 1)
"""The caption's ink, 0-255: black to the eye (one step of blue), and used by no other text."""

CAPTION_INK = "#{:02x}{:02x}{:02x}".format(*CAPTION_RGB)

BAND_GAP_IN = 0.1
"""The white left between a PNG's chart and its footer where the page's caption was, inches."""

BAND_REACH = 25
"""How far up `band_rows` looks for the chart's lowest ink, in `keep`s (2.5 in at 200 dpi)."""

PNG_COMPRESS_LEVEL = 1
"""zlib level of the PNG files: a chart is mostly flat colour, and level 1 makes files about
as small as Pillow's level 3 did, in a third of the time (measured on the congress charts)."""


def _captions(page: Any) -> list[Any]:
    """The page's text objects drawn in CAPTION_INK."""
    import pypdfium2.raw as pdfium_c

    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    found = []
    for obj in page.get_objects():
        if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        refs = (ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a))
        if pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *refs) and (
            (r.value, g.value, b.value) == CAPTION_RGB
        ):
            found.append(obj)
    return found


def _crop(size: tuple[float, float], scale: float) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points to cut so that the bitmap is round(size * scale)
    pixels, the nearest whole pixel: PDFium rounds up (4.6 in at 200 dpi: 920.0000001 -> 921),
    and a crop of c points cuts ceil(c * scale) pixels. (matplotlib's Agg cut the fraction
    off: a figure of 8.6746 in came out 1734 pixels high, now 1735.)"""
    width, height = size
    over_x = math.ceil(width * scale) - round(width * scale)
    over_y = math.ceil(height * scale) - round(height * scale)
    return (0, (over_y - 0.5) / scale if over_y else 0, (over_x - 0.5) / scale if over_x else 0, 0)


def png_bytes(page: Any, dpi: int, band_in: float | None = None) -> bytes:
    """PDF page `page` (a pypdfium2 PdfPage) as a PNG at `dpi`, on white, its caption left out
    and, given `band_in` (the height above the page's foot of a row in the caption's band), the
    blank band closed (`band_rows`). The page is changed in memory (the caption removed), not
    saved."""
    for obj in _captions(page):
        page.remove_obj(obj)
    scale = dpi / 72
    bitmap = page.render(
        scale=scale,
        crop=_crop(page.get_size(), scale),
        fill_color=(255, 255, 255, 255),
        rev_byteorder=True,  # RGB, as PNG stores it
        draw_annots=False,
        may_draw_forms=False,
    )
    rgb = bitmap.to_numpy()
    cut = (
        None if band_in is None else band_rows(rgb, round(band_in * dpi), round(BAND_GAP_IN * dpi))
    )
    return encode_png(rgb, dpi, cut)


def band_rows(rgb: np.ndarray, row_from_foot: int, keep: int) -> tuple[int, int] | None:
    """The rows (first, end) to cut from `rgb`: the white rows around row `row_from_foot`
    (counted up from the image's foot) but the first `keep` of them, the band where the page's
    caption was, between the chart and its footer. A row with any ink is never cut; None if
    that row has ink or the band is no taller than `keep`. Looks no further up than
    BAND_REACH * `keep` rows (the whole page's rows would take ten times as long)."""
    height = rgb.shape[0]
    row = height - 1 - row_from_foot
    if not 0 <= row < height:
        return None
    start = max(0, row - BAND_REACH * keep)
    white = rgb[start:].reshape(height - start, -1).min(axis=1) == 255
    at = row - start
    if not white[at]:
        return None
    inked = np.flatnonzero(~white[:at])
    top = start + (int(inked[-1]) + 1 if inked.size else 0)  # the band's first white row
    under = np.flatnonzero(~white[at:])
    end = row + (int(under[0]) if under.size else height - row)  # the first ink below it
    return (top + keep, end) if end - top > keep else None


def encode_png(rgb: np.ndarray, dpi: int, cut: tuple[int, int] | None = None) -> bytes:
    """An 8-bit RGB image (height x width x 3) as PNG bytes, its resolution recorded, without
    the rows `cut` (first, end) if given (cut here, as the rows are copied once for the file).

    Written here, not by Pillow: Pillow tries five filters on every row, most of the time of
    a PNG; with no filter and zlib at level 1 a chart's file is as small (about 170 KB) and
    three times faster to write."""
    first, end = cut if cut is not None else (rgb.shape[0], rgb.shape[0])
    width = rgb.shape[1]
    height = rgb.shape[0] - (end - first)
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) for every row
    rows[:first, 1:] = rgb[:first].reshape(first, 3 * width)
    rows[first:, 1:] = rgb[end:].reshape(height - first, 3 * width)
    per_metre = round(dpi / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows.data, PNG_COMPRESS_LEVEL)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_pngs(
    pdf: bytes,
    paths: Sequence[Path | None],
    dpi: int,
    pages: bool = False,
    band_in: float | None = None,
) -> list[tuple[bytes, bytes | None]]:
    """Page k of the PDF document `pdf` as a PNG at paths[k] (nothing where it is None), the
    caption's band closed given `band_in` (`png_bytes`). Returns each page's PNG bytes and,
    with `pages`, the page alone as a PDF of its own, caption included (what the chart cache
    keeps)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    written = []
    try:
        for k, path in enumerate(paths):
            alone = _page_alone(document, k) if pages else None
            png = png_bytes(document[k], dpi, band_in)
            if path is not None:
                path.write_bytes(png)
            written.append((png, alone))
    finally:
        document.close()
    return written


def _page_alone(document: Any, index: int) -> bytes:
    """Page `index` of `document`, with what it uses (fonts, patterns), as a one-page PDF."""
    import pypdfium2 as pdfium

    alone = pdfium.PdfDocument.new()
    try:
        alone.import_pages(document, [index])
        buffer = io.BytesIO()
        alone.save(buffer)
        return buffer.getvalue()
    finally:
        alone.close()
