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

from sim.output.charts.base import STYLE
from sim.output.charts.pack import (
    PNG_DPI,
    _add_page,
    _last_page,
    _lay_out,
    main_chart_jobs,
    write_chart_pack,
)
from sim.output.charts.raster import CAPTION_RGB, encode_png, png_bytes
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
            assert image.size == (round(width * PNG_DPI), round(height * PNG_DPI))
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
