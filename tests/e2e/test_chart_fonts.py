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

    def pages():
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
)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/io").exists(), reason="counts reads in /proc (Linux)")
def test_fonts_from_memory_draw_the_same_pages_with_a_fraction_of_the_reads():
    out = subprocess.run(
        [sys.executable, "-c", DRAW_TWICE, str(SCENARIOS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
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
