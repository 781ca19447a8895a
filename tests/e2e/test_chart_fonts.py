"""The charts' fonts are read from memory (charts/fontfiles.py) and their text measured by one
renderer per process (pack._lay_out): the same pages as before, with far fewer reads."""

import json
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import matplotlib
import pytest
from conftest import SCENARIOS
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.output.charts.base import STYLE
from sim.output.charts.pack import PNG_DPI, _lay_out, main_chart_jobs
from sim.run import load_scenarios, run_scenario

ROOT = Path(__file__).resolve().parents[2]

PAGES = textwrap.dedent(
    """
    def pages():  # the charts of `jobs` as captioned pages of one PDF, as a worker draws them
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):
            pdf = PdfPages(buffer, metadata={"CreationDate": None})
            for n, job in enumerate(jobs, start=1):
                fig = job.draw(f"Biểu {n}. Đường đi")
                _lay_out(fig)
                _add_page(pdf, fig, f"Biểu {n}. Đường đi")
            _last_page(pdf)
            pdf.close()
        return buffer.getvalue()
    """
)
"""The scripts' drawing, put where they say "# PAGES"."""

DRAW_TWICE = textwrap.dedent(
    """
    import io, json, sys
    from datetime import date
    from pathlib import Path

    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from sim.output.charts.base import STYLE
    from sim.output.charts.fontfiles import read_fonts_into_memory
    from sim.output.charts.pack import _add_page, _last_page, _lay_out, main_chart_jobs
    from sim.run import load_scenarios, run_scenario

    results = [run_scenario(s) for s in load_scenarios([], Path(sys.argv[1]))]
    jobs = main_chart_jobs(results, "vi", date(2026, 12, 1))[:3]

    def reads():  # read system calls of this process so far
        for line in Path("/proc/self/io").read_text().splitlines():
            if line.startswith("syscr:"):
                return int(line.split()[1])

    # PAGES

    pages()  # every module loaded, every font opened from its file
    start = reads()
    from_files = pages()
    file_reads = reads() - start
    read_fonts_into_memory(STYLE["font.family"])
    start = reads()
    from_memory = pages()
    memory_reads = reads() - start
    print(json.dumps({"same": from_files == from_memory, "size": len(from_files),
                      "file_reads": file_reads, "memory_reads": memory_reads}))
    """
).replace("# PAGES\n", PAGES)


def _last_json(script: str) -> dict:
    """What `script`, run in a new interpreter on the bundled scenarios, printed last (JSON)."""
    out = subprocess.run(
        [sys.executable, "-c", script, str(SCENARIOS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts reads in /proc (Linux)")
def test_fonts_from_memory_draw_the_same_pages_with_a_fraction_of_the_reads():
    seen = _last_json(DRAW_TWICE)
    assert seen["same"] and seen["size"] > 30_000  # three pages, byte for byte
    # From its file, FreeType reads a font through Python for each glyph it loads: tens of
    # thousands of reads for three charts; from memory, none (what is left is not the fonts).
    assert seen["file_reads"] > 5_000
    assert seen["memory_reads"] < seen["file_reads"] / 20


@pytest.mark.slow
def test_one_measuring_renderer_lays_figures_out_as_their_own_agg_canvas_does():
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    jobs = main_chart_jobs(results, "vi", date(2026, 12, 1))
    with matplotlib.rc_context(STYLE):
        for job in (jobs[0], jobs[6]):  # one panel; a panel per target
            shared, own = job.draw("Biểu 1. Đường đi"), job.draw("Biểu 1. Đường đi")
            _lay_out(shared)
            FigureCanvasAgg(own)
            own.dpi = PNG_DPI
            own.get_layout_engine().execute(own)
            for a, b in zip(shared.axes, own.axes, strict=True):
                assert a.get_position().bounds == pytest.approx(b.get_position().bounds, abs=1e-12)


EMBED_TWICE = textwrap.dedent(
    """
    import io, json, sys
    from datetime import date
    from pathlib import Path

    import matplotlib
    from fontTools.ttLib import TTFont
    from matplotlib.backends.backend_pdf import PdfPages
    from pypdf import PdfReader

    from sim.output.charts.base import STYLE
    from sim.output.charts.fontfiles import embed_outlines_only, read_fonts_into_memory
    from sim.output.charts.pack import PNG_DPI, _add_page, _last_page, _lay_out, main_chart_jobs
    from sim.output.charts.raster import write_pngs
    from sim.run import load_scenarios, run_scenario

    results = [run_scenario(s) for s in load_scenarios([], Path(sys.argv[1]))]
    jobs = main_chart_jobs(results, "vi", date(2026, 12, 1))
    jobs = [jobs[1], jobs[6], jobs[7]]  # three panels; a panel per target; the scorecard
    read_fonts_into_memory(STYLE["font.family"])

    # PAGES

    def fonts(pdf):  # the tables of every embedded font
        found = []
        for page in PdfReader(io.BytesIO(pdf)).pages[: len(jobs)]:
            for ref in page["/Resources"]["/Font"].values():
                font = ref.get_object()["/DescendantFonts"][0].get_object()
                data = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
                found.append(sorted(TTFont(io.BytesIO(data)).keys()))
        return found

    def seen(pdf):
        pngs = write_pngs(pdf, [None] * len(jobs), PNG_DPI)
        text = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages[: len(jobs)]]
        return {"fonts": fonts(pdf), "pngs": [png.hex() for png, _ in pngs], "text": text}

    whole = seen(pages())
    with embed_outlines_only(), embed_outlines_only():  # (nested: the same)
        outlines = pages()
    outlines = seen(outlines)
    after = fonts(pages())  # put back on the way out
    print(json.dumps({"whole": whole, "outlines": outlines, "after": after}))
    """
).replace("# PAGES\n", PAGES)


@pytest.mark.slow
def test_fonts_embedded_without_layout_tables_draw_the_same_pixels_and_text():
    """The PDF's fonts leave out kerning and the other layout tables (fontfiles.
    embed_outlines_only): the pages render to the same PNG bytes and give the same text."""
    from sim.output.charts.fontfiles import LAYOUT_TABLES

    seen = _last_json(EMBED_TWICE)
    whole, outlines = seen["whole"], seen["outlines"]
    assert len(whole["fonts"]) >= 6  # each page: regular and bold, each in parts
    assert all("GPOS" in tables for tables in whole["fonts"])  # DejaVu's kerning
    for tables in outlines["fonts"]:
        assert not set(LAYOUT_TABLES) & set(tables)
        assert {"glyf", "hmtx", "cmap", "loca", "head"} <= set(tables)
    assert seen["after"] == whole["fonts"]
    assert outlines["pngs"] == whole["pngs"]  # pixel for pixel
    assert outlines["text"] == whole["text"]
    assert "Biểu 2. Đường đi" in outlines["text"][1]
