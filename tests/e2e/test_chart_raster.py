"""A chart's PNG is its PDF page rendered by PDFium: the same drawing as the printed page, without
the page's caption, and the same bytes whichever charts shared the worker that drew it."""

import io
from datetime import date

import matplotlib
import numpy as np
import pypdfium2 as pdfium
import pytest
from conftest import SCENARIOS
from matplotlib.backends.backend_pdf import PdfPages
from PIL import Image

from sim.output.charts.base import BOTTOM_STRIP_IN, STYLE
from sim.output.charts.pack import (
    PNG_BAND_IN,
    PNG_DPI,
    _add_page,
    _last_page,
    _lay_out,
    main_chart_jobs,
    write_chart_pack,
)
from sim.output.charts.raster import (
    BAND_GAP_IN,
    CAPTION_RGB,
    band_rows,
    encode_png,
    png_bytes,
)
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)
CAPTION = "Biểu 3. Cơ cấu kinh tế " + "theo ngành, năm gốc và năm cuối kỳ, mỗi kịch bản " * 6
"""Long enough to wrap onto three lines or more on every chart."""


@pytest.fixture(scope="module")
def jobs():
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    return main_chart_jobs(results, "vi", RUN_DATE)


def pdf_of(jobs, caption=True) -> bytes:
    """The jobs' pages in one PDF, as a worker writes them."""
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        pdf = PdfPages(buffer, metadata={"CreationDate": None})
        for job in jobs:
            fig = job.draw(CAPTION)  # room for the caption, as a worker makes it
            _lay_out(fig)
            if caption:
                _add_page(pdf, fig, CAPTION)
            else:
                pdf.savefig(fig)
        _last_page(pdf)
        pdf.close()
    return buffer.getvalue()


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=int)


@pytest.mark.slow
def test_the_png_is_the_page_without_its_caption_and_nothing_else_is_left_out(jobs):
    for job in jobs[:3]:
        with_caption = pdfium.PdfDocument(pdf_of([job]))
        assert "Biểu 3. Cơ cấu kinh tế" in with_caption[0].get_textpage().get_text_bounded()
        without = pdfium.PdfDocument(pdf_of([job], caption=False))
        assert png_bytes(with_caption[0], PNG_DPI) == png_bytes(without[0], PNG_DPI), job.stem
        closed = png_bytes(with_caption[0], PNG_DPI, PNG_BAND_IN)
        assert closed == png_bytes(without[0], PNG_DPI, PNG_BAND_IN), job.stem


def _ink_rows(png: bytes) -> np.ndarray:
    rgb = pixels(png)
    return rgb[~np.all(rgb == 255, axis=(1, 2))]


@pytest.mark.slow
def test_the_png_closes_the_captions_band_and_cuts_only_white_rows(jobs):
    """The caption left out left a blank band between the chart and its source line (0.3-0.5
    in). The PNG now keeps BAND_GAP_IN of it; every row with ink is there, in order."""
    document = pdfium.PdfDocument(pdf_of(jobs))
    for k, job in enumerate(jobs):
        full = png_bytes(document[k], PNG_DPI)
        closed = png_bytes(pdfium.PdfDocument(pdf_of([job]))[0], PNG_DPI, PNG_BAND_IN)
        assert np.array_equal(_ink_rows(full), _ink_rows(closed)), job.stem
        rgb = pixels(closed)
        white = np.all(rgb == 255, axis=(1, 2))
        ink = np.flatnonzero(~white)
        footer_top = ink[np.flatnonzero(np.diff(ink) > 1)[-1] + 1]  # the last line of ink
        above = ink[ink < footer_top].max()  # the chart's lowest ink
        assert footer_top - above - 1 == round(BAND_GAP_IN * PNG_DPI), job.stem
        assert len(white) < len(pixels(full)), job.stem


def test_the_band_keeps_a_gap_of_the_white_around_its_row_and_never_cuts_ink():
    """Hand-made: rows 0-2 ink, 3-9 white, 10 ink (a footer), 11 white."""
    rgb = np.full((12, 4, 3), 255, dtype=np.uint8)
    rgb[0:3, 1] = 0
    rgb[10, 2] = 0
    assert band_rows(rgb, row_from_foot=5, keep=2) == (5, 10)  # row 6, in the band
    with Image.open(io.BytesIO(encode_png(rgb, 200, (5, 10)))) as image:
        assert np.array_equal(np.asarray(image.convert("RGB")), rgb[[0, 1, 2, 3, 4, 10, 11]])
    assert band_rows(rgb, row_from_foot=1, keep=2) is None  # row 10: ink
    assert band_rows(rgb, row_from_foot=5, keep=7) is None  # the band is 7 rows
    assert band_rows(rgb, row_from_foot=50, keep=2) is None  # off the image


@pytest.mark.slow
def test_only_the_caption_is_drawn_in_the_caption_ink(jobs):
    import ctypes

    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(pdf_of(jobs))
    for k, job in enumerate(jobs):
        page = document[k]
        inked = []
        for obj in page.get_objects():
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in (r, g, b, a)))
            if (r.value, g.value, b.value) == CAPTION_RGB:
                inked.append(obj)
        assert inked, job.stem
        assert all(obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT for obj in inked)
        # the caption's lines, at the bottom of the page, clear of every other text
        captions, others = text_boxes(page)
        top, bottom = max(b[3] for b in captions), min(b[1] for b in captions)
        assert [b for b in others if b[1] < top and b[3] > bottom] == [], job.stem


@pytest.mark.slow
def test_a_chart_is_the_same_png_whichever_charts_share_its_pdf(jobs):
    """matplotlib places a PDF's hatching by its last page: without a last page of a fixed
    height, the hatched sector chart came out shifted when drawn after a taller chart."""
    hatched = next(j for j in jobs if j.stem == "03_sector_shares")
    others = [j for j in jobs if j.stem in ("01_output_index", "04_sector_growth")]
    alone = pdfium.PdfDocument(pdf_of([hatched]))
    shared = pdfium.PdfDocument(pdf_of([*others, hatched, *others]))
    assert png_bytes(alone[0], PNG_DPI) == png_bytes(shared[len(others)], PNG_DPI)


@pytest.mark.slow
def test_png_files_are_the_pages_at_200_dpi_with_their_resolution_recorded(jobs, tmp_path):
    saved = write_chart_pack(jobs[:2], tmp_path, "pack.pdf", "vi", "t", workers=1)
    for chart, job in zip(saved, jobs[:2], strict=True):
        with Image.open(chart.png) as image:
            width, height = job.draw().get_size_inches()
            # as wide as the page; as high less the caption's band (`band_rows`)
            assert image.size[0] == round(width * PNG_DPI)
            assert round((height - BOTTOM_STRIP_IN) * PNG_DPI) < image.size[1]
            assert image.size[1] < round(height * PNG_DPI)
            assert tuple(round(x) for x in image.info["dpi"]) == (PNG_DPI, PNG_DPI)
        assert pixels(chart.png.read_bytes()).min() < 50  # dark ink drawn (not a blank page)


@pytest.mark.slow
def test_no_chart_puts_tick_labels_or_an_axis_label_on_top(jobs):
    """The style fixes every title just above its panel (axes.titley): a chart with tick
    labels on top would need matplotlib's search again."""
    with matplotlib.rc_context(STYLE):
        for job in jobs:
            for ax in job.draw().axes:
                ticks = ax.xaxis.get_major_ticks() + ax.xaxis.get_minor_ticks()
                assert not any(t.label2.get_visible() for t in ticks), job.stem
                assert ax.xaxis.get_label_position() == "bottom", job.stem


def test_the_chart_font_has_every_letter_of_the_tools_own_words():
    """Every letter of the catalogue, the bundled scenarios, plans and starters is in DejaVu Sans
    VN (none needs the whole DejaVu Sans, which costs a PDF more to embed)."""
    from fontTools.ttLib import TTFont

    from sim.output.charts.base import FONT_FOLDER

    root = SCENARIOS.parent
    files = [root / "sim" / "output" / "i18n.py", *sorted(SCENARIOS.rglob("*.toml"))]
    files += sorted((root / "sim" / "scenario" / "starter").rglob("*.toml"))
    used = {c for path in files for c in path.read_text(encoding="utf-8") if c.isprintable()}
    for name in ("DejaVuSansVN.ttf", "DejaVuSansVN-Bold.ttf"):
        cmap = TTFont(FONT_FOLDER / name).getBestCmap()
        assert sorted(c for c in used if ord(c) not in cmap) == [], name


@pytest.mark.slow
def test_a_letter_outside_the_chart_font_is_drawn_from_the_whole_dejavu_sans():
    from matplotlib.figure import Figure
    from pypdf import PdfReader

    fig = Figure(figsize=(3, 1))
    fig.text(0.1, 0.5, "Hương Trà Ωж")
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):
        fig.savefig(buffer, format="pdf")
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    assert "Hương Trà Ωж" in page.get_textpage().get_text_bounded()
    fonts = PdfReader(io.BytesIO(buffer.getvalue())).pages[0]["/Resources"]["/Font"]
    names = sorted(str(font.get_object()["/BaseFont"]).split("+")[-1] for font in fonts.values())
    assert "DejaVuSans" in names


def test_a_png_written_here_reads_back_the_same_pixels_and_resolution():
    rng = np.random.default_rng(7)
    for height, width in ((1, 1), (3, 5), (200, 301)):
        rgb = rng.integers(0, 256, size=(height, width, 3), dtype=np.uint8)
        with Image.open(io.BytesIO(encode_png(rgb, 200))) as image:
            assert image.mode == "RGB" and image.size == (width, height)
            assert tuple(round(x) for x in image.info["dpi"]) == (200, 200)
            assert (np.asarray(image) == rgb).all()


def text_boxes(page) -> tuple[list, list]:
    """The bounds of the caption's text objects and of every other text object of a page."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    captions, others = [], []
    for obj in page.get_objects(max_depth=5):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        r, g, b, a = (ctypes.c_uint() for _ in range(4))
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(c) for c in (r, g, b, a)))
        ink = (r.value, g.value, b.value)
        (captions if ink == CAPTION_RGB else others).append(obj.get_bounds())
    return captions, others


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_caption_of_the_pack_has_room_of_its_own(lang, tmp_path):
    """A caption runs into nothing (the fan chart's three lines ran over its year labels) and
    stays inside its chart's width; here with the what-if line too."""
    from sim.cli import main

    args = ["baseline", "--sensitivity", "--draws", "2000", "--sobol-n", "256", "--seed", "1"]
    args += ["--set", "baseline:sectors.services.growth_pct=15", "--lang", lang, "--quiet"]
    assert main([*args, "--scenarios-dir", str(SCENARIOS), "--out", str(tmp_path / "r")]) == 0
    document = pdfium.PdfDocument(tmp_path / "r" / "charts" / "chart_pack.pdf")
    lines = 0
    for k in range(len(document)):
        captions, others = text_boxes(document[k])
        assert captions, k + 1
        bottom = min(b[1] for b in captions)
        top = max(b[3] for b in captions)
        assert [b for b in others if b[1] < top and b[3] > bottom] == [], f"page {k + 1}"
        assert max(b[2] for b in captions) <= max(b[2] for b in others) + 0.5 * 72, k + 1
        lines = max(lines, round((top - bottom) / 7))  # (the pack's pages are scaled)
    assert lines >= 2  # a caption of several lines was among them
