"""User text is drawn as plain text in every chart: `$` never starts matplotlib's mathtext
(issue 15: two `$` in a title crashed the charts after all the computation; one pair drew the
text between them as italic math)."""

from datetime import date

import pytest
from conftest import SCENARIOS

from sim.output.charts.base import STYLE
from sim.output.charts.pack import (
    main_chart_jobs,
    save_figure,
    sensitivity_chart_jobs,
    write_chart_pack,
)
from sim.run import load_scenarios, run_scenario
from sim.scenario.writer import toml_string

RUN_DATE = date(2026, 11, 27)
TITLE = "FDI $5m to $10m"
DESCRIPTION = r"A $x$ and \frac{1}{2} and $\frac{a}{b}$"
LABEL = r"Income $\frac{a}$ per head"  # not even valid mathtext: it raised
UNIT = "$ per person"


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A copy of the baseline whose texts hold `$` and TeX, first (the charts take units and
    labels from the first scenario), and the bundled scenarios."""
    baseline = (SCENARIOS / "baseline.toml").read_text(encoding="utf-8")
    text = (
        baseline.replace('vi = "Kịch bản cơ sở"', f"vi = {toml_string(TITLE)}")
        .replace('en = "Baseline"', f"en = {toml_string(TITLE)}")
        .replace(
            'en = "Midpoints of the congress target ranges for 2021-2025."',
            f"en = {toml_string(DESCRIPTION)}",
        )
        .replace(
            'label = { vi = "Thu nhập bình quân đầu người", en = "Per-capita income" }',
            f"label = {{ vi = {toml_string(LABEL)}, en = {toml_string(LABEL)} }}",
        )
        .replace(
            'label = { vi = "Thu ngân sách (không tính tiền sử dụng đất)", '
            'en = "Budget revenue (excl. land-use fees)" }',
            f"label = {{ vi = {toml_string(LABEL)}, en = {toml_string(LABEL)} }}",
        )
        .replace('unit = "million VND/person"', f"unit = {toml_string(UNIT)}")
    )
    assert text.count(TITLE) == 2 and text.count(LABEL.replace("\\", "\\\\")) == 4
    folder = tmp_path_factory.mktemp("dollars")
    (folder / "fdi.toml").write_text(text, encoding="utf-8")
    scenarios = load_scenarios([str(folder / "fdi.toml")], folder) + load_scenarios([], SCENARIOS)
    return [run_scenario(s) for s in scenarios]


def texts_of(fig):
    """Every Text artist of `fig`, table cells included."""
    from matplotlib.table import Table
    from matplotlib.text import Text

    texts = list(fig.findobj(Text))
    for table in fig.findobj(Table):
        texts += [cell.get_text() for cell in table.get_celld().values()]
    return texts


def check_plain(fig, folder, expected):
    """Save `fig` as the pack does (mathtext would parse here and raise; tick labels a shared
    axis makes at draw time are made here too), then: every text holding a `$` is drawn as
    plain text, and each of `expected` appears in some text, as written."""
    save_figure(fig, folder, "chart", formats=("png",))
    texts = texts_of(fig)
    dollars = [t for t in texts if "$" in t.get_text()]
    assert dollars
    assert [t.get_text() for t in dollars if t.get_parse_math()] == []
    for piece in expected:
        assert any(piece in t.get_text() for t in texts), piece
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dollar_signs_in_titles_labels_and_units_are_plain_text(results, lang, tmp_path):
    jobs = main_chart_jobs(results, lang, RUN_DATE)
    seen = set()
    for job in jobs:
        texts = check_plain(job.draw(), tmp_path, [TITLE] if job.stem != "03_sector_shares" else [])
        seen |= {t.get_text() for t in texts}
    assert LABEL in seen  # the budget chart's title
    assert any(UNIT in t for t in seen)  # the income chart's axis


@pytest.mark.slow
def test_the_svg_holds_the_title_as_text(results, tmp_path):
    import matplotlib

    (job,) = [j for j in main_chart_jobs(results, "en", RUN_DATE) if j.stem == "01_output_index"]
    fig = job.draw()
    with matplotlib.rc_context({**STYLE, "svg.fonttype": "none"}):  # glyphs as text, to read
        fig.savefig(tmp_path / "chart.svg")
    svg = (tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert f">{TITLE}<" in svg


@pytest.mark.slow
def test_the_chart_pack_and_sensitivity_charts_draw_dollar_titles(results, tmp_path):
    from sim.analysis.suite import run_sensitivity

    fdi = [r for r in results if r.scenario.title_en == TITLE]
    sensitivity = run_sensitivity([r.scenario for r in fdi], draws=200, seed=3, sobol_n=2**6)
    jobs = sensitivity_chart_jobs(fdi, sensitivity, "en", RUN_DATE)
    assert len(jobs) == 6
    for job in jobs:
        check_plain(job.draw(), tmp_path, [TITLE])
    # The PDF pack adds each caption (which names the scenario) as the pages are written.
    saved = write_chart_pack(jobs, tmp_path, "pack.pdf", "en", TITLE, workers=1)
    assert len(saved) == 6 and (tmp_path / "pack.pdf").stat().st_size > 10_000
