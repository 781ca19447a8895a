"""What keeps the chart stage fast: formats on request, one layout per figure, one language,
and a progress line on a terminal only."""

import io
from datetime import date

import matplotlib
import pytest
from conftest import SCENARIOS
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from sim.cli import _formats, main
from sim.output.charts.base import STYLE
from sim.output.charts.pack import main_chart_jobs, save_figure, write_chart_pack
from sim.output.console import ProgressBar
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)


@pytest.fixture(scope="module")
def results():
    return [run_scenario(s) for s in load_scenarios(["baseline"], SCENARIOS)]


@pytest.fixture
def first_job(results):
    return main_chart_jobs(results, "en", RUN_DATE)[0]


@pytest.mark.slow
def test_the_default_formats_write_png_and_the_pdf_pack_but_no_svg(first_job, tmp_path):
    seen = []
    saved = write_chart_pack(
        [first_job],
        tmp_path,
        "pack.pdf",
        "en",
        "t",
        workers=1,
        on_progress=lambda *a: seen.append(a),
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_output_index.png", "pack.pdf"]
    assert saved[0].svg is None and saved[0].png == tmp_path / "01_output_index.png"
    assert (tmp_path / "pack.pdf").read_bytes()[:5] == b"%PDF-"
    assert seen == [("charts", 1, 1)]


@pytest.mark.slow
def test_svg_and_no_pdf_when_asked(first_job, tmp_path):
    saved = write_chart_pack([first_job], tmp_path, "pack.pdf", "en", "t", 1, ("png", "svg"))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "01_output_index.png",
        "01_output_index.svg",
    ]
    assert saved[0].svg == tmp_path / "01_output_index.svg"


@pytest.mark.slow
def test_a_saved_figure_is_laid_out_once_for_every_later_format(first_job, tmp_path, monkeypatch):
    """After the PNG, the SVG and the PDF page each draw the figure once: no second layout pass
    (a placeholder layout engine made savefig draw every figure twice)."""
    fig = first_job.draw()
    save_figure(fig, tmp_path, "chart", ("png",))
    assert fig.get_layout_engine() is None
    draws = []
    original = Figure.draw

    def counting(self, renderer):
        draws.append(type(renderer).__name__)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    with matplotlib.rc_context(STYLE):
        fig.savefig(io.BytesIO(), format="svg")
        with PdfPages(io.BytesIO()) as pdf:
            pdf.savefig(fig)
    assert len(draws) == 2  # one per format


def test_formats_parse_with_png_always_and_a_plain_error():
    assert _formats("pdf") == ("png", "pdf")
    assert _formats("svg, PNG,pdf") == ("png", "pdf", "svg")
    with pytest.raises(Exception, match="unknown chart format eps: choose from png, pdf, svg"):
        _formats("png,eps")


def test_the_chart_progress_line_counts_charts_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        bar = ProgressBar(stream, delay=0.0, unit="charts")
        for done in range(1, 4):
            bar("charts", done, 3)
    assert "3/3 charts" in terminal.getvalue() and pipe.getvalue() == ""


@pytest.mark.slow
def test_a_sensitivity_run_draws_its_charts_in_its_language_only(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    args = ["baseline", "--sensitivity", "--draws", "2000", "--sobol-n", "512", "--lang", "en"]
    assert main([*args, "--scenarios-dir", str(SCENARIOS), "--quiet"]) == 0
    sensitivity = tmp_path / "results" / "sensitivity"
    assert not (sensitivity / "charts_vi").exists()
    files = sorted(p.name for p in (sensitivity / "charts_en").iterdir())
    assert "s01_fan.png" in files and all(name.endswith(".png") for name in files)
    assert (tmp_path / "results" / "charts" / "chart_pack.pdf").exists()
    assert not list((tmp_path / "results" / "charts").glob("*.svg"))
