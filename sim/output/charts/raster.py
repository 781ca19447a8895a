"""A chart's PNG made from its PDF page: the figure is drawn once, as vector PDF, and the PNG is
that page rendered to pixels by PDFium (pypdfium2), without the page's numbered caption.

Drawing a figure is mostly laying out and drawing its text; matplotlib would do it once for the
PNG (Agg) and again for the PDF page. PDFium renders a finished page in a few hundredths of a
second, so the chart is drawn by matplotlib once, and the PNG and the printed page show the
same drawing, the same glyphs at the same places.

The caption ("Biểu 1. ...") belongs to the PDF pack, not to the PNG that goes into a Word file
under a caption of its own. It is drawn in CAPTION_INK, a black no other text of a chart uses,
and the text drawn in that ink is left out when the page becomes a PNG.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["CAPTION_INK", "CAPTION_RGB", "PNG_COMPRESS_LEVEL", "png_bytes", "write_pngs"]

CAPTION_RGB = (0, 0, 1)
"""The caption's ink, 0-255: black to the eye (one step of blue), and used by no other text."""

CAPTION_INK = "#{:02x}{:02x}{:02x}".format(*CAPTION_RGB)

PNG_COMPRESS_LEVEL = 3
"""zlib level of the PNG files, as before they were rendered by PDFium."""


def _is_caption(obj: Any) -> bool:
    import ctypes

    import pypdfium2.raw as pdfium_c

    if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
        return False
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    ok = pdfium_c.FPDFPageObj_GetFillColor(
        obj.raw, ctypes.byref(r), ctypes.byref(g), ctypes.byref(b), ctypes.byref(a)
    )
    return bool(ok) and (r.value, g.value, b.value) == CAPTION_RGB


def _crop(size: tuple[float, float], scale: float) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points to cut so that the bitmap is round(size * scale)
    pixels, as matplotlib sizes a PNG: PDFium rounds up (4.6 in at 200 dpi: 920.0000001 -> 921),
    and a crop of c points cuts ceil(c * scale) pixels."""
    width, height = size
    over_x = math.ceil(width * scale) - round(width * scale)
    over_y = math.ceil(height * scale) - round(height * scale)
    return (0, (over_y - 0.5) / scale if over_y else 0, (over_x - 0.5) / scale if over_x else 0, 0)


def png_bytes(page: Any, dpi: int) -> bytes:
    """PDF page `page` (a pypdfium2 PdfPage) as a PNG at `dpi`, on white, its caption left out.
    The page is changed in memory (the caption removed), not saved."""
    for obj in [o for o in page.get_objects() if _is_caption(o)]:
        page.remove_obj(obj)
    scale = dpi / 72
    bitmap = page.render(
        scale=scale,
        crop=_crop(page.get_size(), scale),
        fill_color=(255, 255, 255, 255),
        draw_annots=False,
        may_draw_forms=False,
    )
    buffer = io.BytesIO()
    bitmap.to_pil().save(buffer, format="png", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    return buffer.getvalue()


def write_pngs(pdf: bytes, paths: Sequence[Path | None], dpi: int) -> None:
    """Page k of the PDF document `pdf` as a PNG at paths[k] (nothing where it is None)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        for k, path in enumerate(paths):
            if path is not None:
                path.write_bytes(png_bytes(document[k], dpi))
    finally:
        document.close()
