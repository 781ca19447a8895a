"""Charts as planners saw them (issue 11): titles that fit, tables that print, labels that do not
collide, targets drawn for what they measure. Every test draws real figures and reads what
matplotlib laid out."""

from datetime import date

import pytest
from conftest import SCENARIOS

from sim.output.charts.pack import compare_chart_jobs
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)
WHAT_IF = ["sectors.services.growth_pct=15"]

pytestmark = pytest.mark.slow


def _job(jobs, stem):
    return next(job for job in jobs if job.stem == stem)


def _inside(fig, artist) -> bool:
    """The artist's drawn box lies inside the figure (one pixel of slack)."""
    box = artist.get_window_extent()
    return box.x0 >= -1 and box.x1 <= fig.bbox.width + 1 and box.y1 <= fig.bbox.height + 1


@pytest.fixture(scope="module")
def what_if():
    """The bundled scenarios with services at 15 %/yr in every one: each title gets the what-if
    mark, the longest titles a planner sees."""
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS, WHAT_IF)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_waterfall_title_fits_the_figure(what_if, lang):
    from sim.analysis.compare import compare_run

    jobs = compare_chart_jobs(what_if, compare_run("baseline", what_if), lang, RUN_DATE)
    fig = _job(jobs, "c01_waterfall_covid_shock").draw()
    fig.draw_without_rendering()
    title = fig.axes[0].get_legend().get_title()
    words = title.get_text().replace("\n", " ")
    mark = "(giả định thay đổi)" if lang == "vi" else "(what-if)"
    assert words.endswith(mark) and words.count(mark) == 2  # the whole title is there
    assert _inside(fig, title), words
