"""The scorecard chart's header: a what-if's marked title takes at most two lines and fits its
column (the mark made "Kịch bản tác động dịch COVID-19 (giả định thay đổi)" three lines that
ran over the cell); a plain run's header is as before."""

from datetime import date

import pytest
from conftest import SCENARIOS
from matplotlib.backends.backend_agg import FigureCanvasAgg

from sim.output.charts.projection import plot_scorecard_table
from sim.run import load_scenarios, run_scenario

pytestmark = pytest.mark.slow


def header_cells(settings, lang):
    """[(text, its width, its cell's width, its height, the cell's height)] of the scenarios'
    header cells, in pixels, as drawn."""
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS, settings)]
    fig = plot_scorecard_table(results, lang, date(2026, 12, 1))
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    cells = fig.axes[0].tables[0].get_celld()
    found = []
    for col in range(2, 2 + len(results)):
        cell = cells[(0, col)]
        text, box = cell.get_text(), cell.get_window_extent(renderer)
        extent = text.get_window_extent(renderer)
        found.append((text.get_text(), extent.width, box.width, extent.height, box.height))
    return found


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_marked_titles_take_two_lines_and_fit_their_cells(lang):
    for title, width, cell_width, height, cell_height in header_cells(
        ["sectors.services.growth_pct=15"], lang
    ):
        assert "giả định" in title or "what-if" in title
        assert len(title.splitlines()) <= 2, title
        assert width < cell_width and height < cell_height, title


def test_a_plain_header_keeps_its_wrapping():
    titles = [t for t, *_ in header_cells([], "vi")]
    assert titles == ["Kịch bản cơ sở", "Kịch bản tác động\ndịch COVID-19", "Kịch bản tích cực"]
