"""A third invented locality (tests/data/one_sided: xã Phong Sơn, term 2025-2030, base year
2025), adopted from the `--new-plan` starter: `example = true` kept, its own titles, output in
billion VND (`structure.base_total_bn_vnd`), no land-use revenue, and only one-sided targets,
"above" (low only) and "below" (high only), of every measure. The whole pipeline runs with
--sensitivity, and every output draws and names what the plan has, no more.

The baseline is built for closed forms: every sector grows 8 %/yr from 2,400 billion VND
(2400 x 1.08^5 = 3526.4 in 2030), income 7 %/yr from 60 (84.15 in 2030), the budget 6 %/yr
from 150 (200.73 in 2030)."""

from datetime import date
from zipfile import ZipFile

import numpy as np
import pandas as pd
import pytest
from conftest import REPO
from matplotlib.table import Table
from matplotlib.text import Text
from openpyxl import load_workbook

from sim.cli import main
from sim.output.charts.pack import main_chart_jobs
from sim.output.console import format_summary
from sim.run import load_scenarios, run_scenario

FOLDER = REPO / "tests" / "data" / "one_sided"
RUN_DATE = date(2026, 5, 6)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("one_sided") / "results"
    code = main(
        [
            "--scenarios-dir",
            str(FOLDER),
            "--out",
            str(out),
            "--sensitivity",
            "--draws",
            "1000",
            "--seed",
            "3",
            "--sobol-n",
            "128",
            "--quiet",
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def results():
    return [run_scenario(s) for s in load_scenarios([], FOLDER)]


def charts(results, lang: str) -> dict:
    """stem -> the drawn figure of every main chart of the run."""
    return {job.stem: job.draw() for job in main_chart_jobs(results, lang, RUN_DATE)}


def texts(fig) -> str:
    """Every text drawn on `fig`, legend entries and table cells included."""
    found = [t.get_text() for t in fig.findobj(Text)]
    for table in fig.findobj(Table):
        found += [cell.get_text().get_text() for cell in table.get_celld().values()]
    return "\n".join(found)


def shading(fig, label: str) -> tuple:
    """(axes, vertices) of the shaded area whose legend entry is `label`."""
    for ax in fig.axes:
        for collection in ax.collections:
            if collection.get_label() == label:
                return ax, collection.get_paths()[0].vertices
    raise AssertionError(f"no shading labelled {label!r}")


def test_the_whole_pipeline_runs_and_scores_each_side(run):
    card = pd.read_csv(run / "scorecard.csv").set_index("target")
    assert card.loc["output_growth", "band"] == "≥ 7.5"
    assert card.loc["industry_growth_cap", "band"] == "≤ 9"
    assert card.loc["income_2030", "value"] == pytest.approx(60 * 1.07**5)
    assert card.loc["budget_cap", "value"] == pytest.approx(150 * 1.06**5)
    assert card.loc["income_each_year_cap", "value"] == pytest.approx(60 * 1.07)
    assert set(card.status) == {"met"}
    for stem in ("01_output_index", "04_sector_growth", "05_income", "06_budget", "s01_fan"):
        assert (run / "charts" / f"{stem}.png").stat().st_size > 10_000, stem
    assert (run / "charts" / "chart_pack.pdf").exists()
    assert (run / "sensitivity" / "goal_seek.csv").exists()


def test_a_floor_is_shaded_above_its_path_and_a_ceiling_below_it(results):
    drawn = charts(results, "vi")
    # chart 1: at least 7.5 %/yr from 2,400: the floor path 2400 x 1.075^t, shaded above it
    ax, vertices = shading(drawn["01_output_index"], "Mục tiêu ≥ 7,5 %/năm")
    years = np.arange(2025, 2031)
    floor = 2400 * 1.075 ** (years - 2025)
    np.testing.assert_allclose(vertices[:6], np.column_stack([years, floor]))
    assert vertices[6:-1, 1].min() > floor.max()  # the far edge is above the floor
    assert ax.get_ylim()[1] < 3700  # the panel's scale is the data's, not the shading's
    # chart 4: industry below 9 %/yr, farm at least 3 %/yr: each panel names its average target
    # (drawn beside the end year: tests/e2e/test_chart_readability.py)
    titles = [ax.get_title() for ax in drawn["04_sector_growth"].axes]
    assert "Công nghiệp - xây dựng\nmục tiêu bình quân ≤ 9 %/năm" in titles
    assert "Nông lâm - thủy sản\nmục tiêu bình quân ≥ 3 %/năm" in titles
    # chart 5: income at least 80 in 2030, the path from 60 at a steady rate, shaded above
    ax, vertices = shading(drawn["05_income"], "Mục tiêu ≥ 80 triệu đồng/người")
    np.testing.assert_allclose(vertices[:6, 1], 60 * (80 / 60) ** ((years - 2025) / 5))


def test_the_budget_chart_draws_its_floor_growth_and_its_ceiling(results):
    budget = charts(results, "vi")["06_budget"]
    _ax, vertices = shading(budget, "Mục tiêu ≥ 5 %/năm")
    np.testing.assert_allclose(vertices[:6, 1], 150 * 1.05 ** np.arange(6))
    star = next(
        line for line in budget.axes[0].lines if line.get_label() == "Mục tiêu ≤ 250 tỷ đồng"
    )
    assert (star.get_xdata()[0], star.get_ydata()[0]) == (2030, 250.0)


def test_the_end_year_panels_shade_the_side_that_meets(results):
    panels = charts(results, "en")["07_targets_end_year"]
    titled = {ax.get_title().replace("\n", " "): ax for ax in panels.axes if ax.get_visible()}
    floor, ceiling = titled["Average output growth"], titled["Budget revenue in 2030, at most"]
    [floor_span] = [p for p in floor.patches]
    [ceiling_span] = [p for p in ceiling.patches]
    floor_y = [floor_span.get_y(), floor_span.get_y() + floor_span.get_height()]
    ceiling_y = [ceiling_span.get_y(), ceiling_span.get_y() + ceiling_span.get_height()]
    assert min(floor_y) == 7.5 and max(floor_y) > floor.get_ylim()[1]
    assert max(ceiling_y) == 250.0 and min(ceiling_y) < ceiling.get_ylim()[0]


def test_the_scorecard_chart_and_report_show_one_sided_bands(run, results):
    table = texts(charts(results, "vi")["08_scorecard"])
    assert "≥ 7,5 %/năm" in table and "≤ 250 tỷ đồng" in table
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "≥ 80 triệu đồng/người" in html and "≤ 70 triệu đồng/người" in html


def test_no_land_use_fees_no_land_use_panel_column_or_row(run, results):
    jobs = {job.stem: job for job in main_chart_jobs(results, "vi", RUN_DATE)}
    budget = jobs["06_budget"]
    assert len(budget.draw().axes) == 1  # no empty lower panel
    assert budget.caption == (
        "Thu ngân sách, vùng tô là mục tiêu tăng ≥ 5 %/năm, dấu sao là mục tiêu năm 2030: ≤ 250 "
        "tỷ đồng."
    )
    head = format_summary(results, "vi").splitlines()[0]
    assert head.endswith("Thu nhập   Thu NS  Chỉ tiêu")  # no "Thu NS + đất" column
    html = (run / "report.html").read_text(encoding="utf-8")
    assert "sử dụng đất" not in html
    summary_sheet = load_workbook(run / "projections.xlsx", read_only=True)["Tóm tắt"]
    names = [c.value for c in next(summary_sheet.iter_rows(min_row=2, max_row=2))]
    assert "budget_revenue" in names and "budget_revenue_total" not in names


def test_output_in_billion_vnd_is_captioned_and_headed_so(results):
    index = {job.stem: job for job in main_chart_jobs(results, "en", RUN_DATE)}["01_output_index"]
    assert index.caption == (
        "Total production value (billion VND); shaded: the target of ≥ 7.5 %/yr average growth "
        "in 2026-2030."
    )
    head, units, row = format_summary(results, "vi").splitlines()[:3]
    column = head.index("GTSX") + len("GTSX")  # right-aligned under its header
    assert units[:column].endswith("tỷ đồng") and row[:column].endswith("3.526,4")
    assert "chỉ số" not in units


MARK = "SỐ LIỆU VÍ DỤ, cần thay (EXAMPLE VALUES, to replace)"
"""How a CSV of a starter's example values is marked (a file without a language: both)."""


def test_the_workbook_names_its_locality_source_and_examples(run):
    book = load_workbook(run / "projections.xlsx")
    properties = book.properties
    title = "Dự báo kinh tế xã Phong Sơn giai đoạn 2025-2030"
    line = "SỐ LIỆU VÍ DỤ, cần thay. Nguồn số liệu: Nghị quyết Đại hội Đảng bộ xã Phong Sơn, 2025."
    assert (properties.title, properties.subject, properties.creator) == (
        title,
        line,
        "xã Phong Sơn",
    )
    with ZipFile(run / "projections.xlsx") as package:
        assert "<Company>xã Phong Sơn</Company>" in package.read("docProps/app.xml").decode()
    summary = book["Tóm tắt"]
    cells = [c for row in summary.iter_rows(values_only=True) for c in row if c is not None]
    assert cells[-2:] == [title, line]  # under the table, after the scenario's row
    assert summary.oddHeader.center.text == title


def test_the_whatif_page_names_its_locality_source_and_examples(run, browser):
    page = browser.new_page()
    page.goto((run / "whatif.html").as_uri())
    page.wait_for_selector("footer")
    title, header, footer = page.title(), page.inner_text("header"), page.inner_text("footer")
    page.close()
    assert title == "Thử giả định: dự báo kinh tế xã Phong Sơn giai đoạn 2025-2030"
    assert header.startswith(title)
    line = "SỐ LIỆU VÍ DỤ, cần thay. Nguồn số liệu: Nghị quyết Đại hội Đảng bộ xã Phong Sơn, 2025."
    assert line in header and footer.endswith(line)


def test_every_csv_row_is_marked_as_examples(run):
    for name in ("baseline.csv", "projections.csv", "scorecard.csv"):
        frame = pd.read_csv(run / name)
        assert frame.columns[0 if name != "baseline.csv" else 1] == "example", name
        assert set(frame.example) == {MARK}, name
    card = pd.read_csv(run / "scorecard.csv")
    assert list(card.columns[1:4]) == ["scenario", "what_if", "basis"]  # the rest as before


def test_the_grid_labels_a_floor_of_7_5_as_7_5(results):
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import sensitivity_chart_jobs

    sensitivity = run_sensitivity(load_scenarios([], FOLDER), draws=200, seed=1, sobol_n=32)
    jobs = sensitivity_chart_jobs(results, sensitivity, "vi", RUN_DATE)
    grid = next(job for job in jobs if job.stem.startswith("s05_grid")).draw()
    labels = {
        t.get_text()
        for ax in grid.axes
        for child in ax.get_children()
        for t in getattr(child, "labelTexts", [])
    }
    assert labels == {"7,5"}  # the "≥ 7,5 %/năm" contour (250, the budget's cap, is off the grid)


def test_the_workbook_scores_each_side_as_the_cli_after_libreoffice_recalculation(tmp_path):
    from test_live_workbook import recalculate
    from workbook_reading import scorecard_mismatches

    from sim.output.live_workbook import write_live_workbook

    # farm growth 2 %/yr misses its floors (3 on average, 3 every year); industry 10 %/yr is
    # above its ceiling "≤ 9": missed by 1 point (above a band's high end would be met)
    settings = ["sectors.agriculture.growth_pct=2", "sectors.industry.growth_pct=10"]
    changed = [run_scenario(s) for s in load_scenarios([], FOLDER, settings)]
    statuses = {s.target.key: s.status for s in changed[0].scores}
    assert (statuses["agri_growth"], statuses["agri_each_year"]) == ("missed", "missed")
    assert statuses["industry_growth_cap"] == "missed"
    (cap,) = [s for s in changed[0].scores if s.target.key == "industry_growth_cap"]
    assert cap.gap == pytest.approx(1.0) and not cap.met
    written = tmp_path / "projections.xlsx"
    write_live_workbook(changed, written, "vi")
    book = load_workbook(recalculate([written], tmp_path / "lo")["projections"], data_only=True)
    assert scorecard_mismatches(book, changed, "vi") == []
