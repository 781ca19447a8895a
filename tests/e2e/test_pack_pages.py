"""The PDF pack prints as it is: every page A4, landscape for a wide chart and portrait for a tall
one, the chart scaled into 15 mm margins and centred."""

import re
import shutil
import subprocess

import pytest
from matplotlib.figure import Figure

from sim.output.charts.pack import ChartJob, write_chart_pack
from sim.output.charts.pages import sheet

A4_LONG, A4_SHORT = 841.89, 595.276  # 297 mm and 210 mm in points (72 per inch)


def test_a_wide_page_fills_a_landscape_sheet_inside_the_margins():
    # 7 x 5 in = 504 x 360 pt; 15 mm = 42.52 pt; room 756.85 x 510.24: the height binds,
    # 510.24 / 360 = 1.41733, and the width 714.33 is centred: (841.89 - 714.33) / 2 = 63.78.
    width, height, scale, dx, dy = sheet(504, 360)
    assert (width, height) == pytest.approx((A4_LONG, A4_SHORT), abs=0.01)
    assert scale == pytest.approx(1.41733, abs=1e-5)
    assert (dx, dy) == pytest.approx((63.78, 42.52), abs=0.01)


def test_a_tall_page_fills_a_portrait_sheet_and_a_big_one_shrinks():
    # 8.5 x 15.5 in = 612 x 1116 pt: room 510.24 x 756.85; the height binds, 756.85 / 1116.
    width, height, scale, dx, dy = sheet(612, 1116)
    assert (width, height) == pytest.approx((A4_SHORT, A4_LONG), abs=0.01)
    assert scale == pytest.approx(0.678181, abs=1e-5)
    assert dy == pytest.approx(42.52, abs=0.01)
    assert dx == pytest.approx((A4_SHORT - 0.678181 * 612) / 2, abs=0.01)


class Sized:
    """A chart of a given size in inches, with a title to find on its page."""

    def __init__(self, width, height, title):
        self.size, self.title = (width, height), title

    def draw(self):
        fig = Figure(figsize=self.size)
        ax = fig.add_subplot()
        ax.plot([2020, 2025], [100, 190])
        ax.set_title(self.title)
        return fig


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler) not installed")
def test_every_page_of_the_pack_is_a4_in_the_orientation_of_its_chart(tmp_path):
    jobs = [
        ChartJob("01_wide", Sized(7, 5, "Wide chart"), "wide"),
        ChartJob("02_tall", Sized(5, 9, "Tall chart"), "tall"),
        ChartJob("03_square", Sized(6, 6, "Square chart"), "square"),
    ]
    write_chart_pack(jobs, tmp_path, "pack.pdf", "en", "t", workers=2)
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "3", str(tmp_path / "pack.pdf")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = [float(x) for m in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info) for x in m]
    landscape, portrait = [A4_LONG, A4_SHORT], [A4_SHORT, A4_LONG]
    assert sizes == pytest.approx(landscape + portrait + portrait, abs=0.01)
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "pack.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert "Wide chart" in pages[0] and "Figure 1. wide" in pages[0]
    assert "Tall chart" in pages[1] and "Figure 2. tall" in pages[1]
    assert "Square chart" in pages[2]
