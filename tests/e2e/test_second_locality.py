"""A second, invented locality (tests/data/second_locality: xã Thử Nghiệm Đông, term 2026-2031,
base year 2026, its own targets) runs end to end on its own plan: scorecard, goal seeks, charts,
report and track record name its targets, figures and names, never the bundled plan's.

Its baseline is built for closed forms: every sector grows 10.5 %/yr, so total output does; the
budget's elasticity 8/10.5 makes it grow 8 %/yr from 280 (280 x 1.08^5 = 411.41 in 2031)."""

import math
import re
from datetime import date

import pandas as pd
import pytest
from conftest import REPO

from sim.cli import main
from sim.output.charts.pack import main_chart_jobs, sensitivity_chart_jobs
from sim.run import load_scenarios, run_scenario

FOLDER = REPO / "tests" / "data" / "second_locality"
RUN_DATE = date(2027, 3, 4)
BUNDLED_WORDS = ("Hương Trà", "Huong Tra", "600", "14-15", "55-58", "2016-2020")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("second") / "results"
    code = main(
        [
            "--scenarios-dir",
            str(FOLDER),
            "--out",
            str(out),
            "--sensitivity",
            "--draws",
            "2000",
            "--seed",
            "7",
            "--sobol-n",
            "256",
            "--formats",
            "png",
            "--quiet",
        ]
    )
    assert code == 0
    return out


def test_the_scorecard_holds_its_own_targets(run):
    card = pd.read_csv(run / "scorecard.csv").set_index("target")
    assert list(card.index) == ["growth_total", "farm_growth", "income_2031", "budget_2031"]
    assert set(card.period) == {"2026-2031", "2031"}
    assert card.loc["growth_total", "value"] == pytest.approx(10.5, abs=1e-9)
    assert card.loc["growth_total", "status"] == "met"
    assert card.loc["income_2031", "value"] == pytest.approx(60 * 1.09**5)  # 92.32: met
    # "about 420" within 3 %: 407.4-432.6; 411.41 is met only thanks to the tolerance
    budget = card.loc["budget_2031"]
    assert budget.value == pytest.approx(280 * 1.08**5)
    assert (budget.low, budget.high) == pytest.approx((407.4, 432.6))
    assert budget.status == "met" and budget.band == "about 420 ± 3 %"
    assert card.loc["farm_growth", "status"] == "exceeded"  # 10.5 against 2-2.5


def test_the_goal_seeks_come_from_its_plan(run):
    goals = pd.read_csv(run / "sensitivity" / "goal_seek.csv").set_index("goal")
    # growth_total and budget_2031 name their parameter (seek); farm_growth and income_2031 get
    # the default: the sector's own growth rate, the indicator's own rule parameter
    assert list(goals.index) == [
        "growth_total_via_services",
        "farm_growth_via_agriculture",
        "income_2031_via_income_per_capita",
        "budget_2031_via_budget_revenue",
    ]
    # total growth 10 %/yr with industry and agriculture at 10.5 (shares 45 and 25 of 100):
    # 0.3 (1 + g)^5 = 1.1^5 - 0.7 x 1.105^5
    services = ((1.1**5 - 0.7 * 1.105**5) / 0.3) ** 0.2 - 1
    assert goals.loc["growth_total_via_services", "value_found"] == pytest.approx(
        services * 100, abs=1e-6
    )
    # a constant rate is its own average growth: the low end of 2-2.5
    assert goals.loc["farm_growth_via_agriculture", "value_found"] == pytest.approx(2.0, abs=1e-8)
    # income grows at its own rate from 60: 60 (1 + g)^5 = 90, the low end of 90-95
    income = goals.loc["income_2031_via_income_per_capita"]
    assert income.parameter == "indicators.income_per_capita.growth_pct"
    assert income.value_found == pytest.approx(100 * (1.5**0.2 - 1), abs=1e-8)
    # the budget reaches 420 when 10.5 e = (420 / 280)^(1/5) - 1 (the "about" figure, not 407.4)
    budget = goals.loc["budget_2031_via_budget_revenue"]
    assert budget.parameter == "indicators.budget_revenue.elasticity"
    assert budget.target == 420.0
    assert budget.value_found == pytest.approx((1.5**0.2 - 1) / 0.105, abs=1e-8)


def test_the_report_names_its_locality_and_source(run):
    html = re.sub(r"data:[^\"]*", "", (run / "report.html").read_text(encoding="utf-8"))
    assert "<h1>Dự báo kinh tế xã Thử Nghiệm Đông giai đoạn 2026-2031</h1>" in html
    assert "Nguồn số liệu: Nghị quyết Đại hội Đảng bộ xã Thử Nghiệm Đông, 2026." in html
    assert "mục tiêu tăng bình quân 10-11 %/năm giai đoạn 2027-2031" in html
    assert "mục tiêu năm 2031: ≈ 420 tỷ đồng ± 3 %" in html
    # the realism check's heading and column name the plan's [history] years, 2021-2026
    assert "<h3>So sánh giả định với thực tế 2022-2026</h3>" in html
    assert "<th>Thực tế 2022-2026</th>" in html
    # a default goal seek's sentence: income 60 -> 90 in 5 years at its own rate, 8.447 %/yr
    assert (
        "Thu nhập bình quân đầu người năm 2031: để đạt mức tối thiểu 90 triệu đồng/người cần “Thu "
        "nhập bình quân đầu người: tăng trưởng” = 8,447 %/năm</td>" in html
    )
    for word in BUNDLED_WORDS:
        assert word not in html, word


def test_the_track_record_is_its_plans(run):
    realism = pd.read_csv(run / "history" / "realism.csv").set_index("parameter")
    farm = realism.loc["sectors.agriculture.growth_pct"]
    assert farm.track_record == 2.0 and (farm.supported_low, farm.supported_high) == (0.0, 4.0)
    assert farm.flag == "above what 2022-2026 supports"


def figure_texts(fig) -> str:
    """Every text drawn on `fig`, table cells included."""
    from matplotlib.table import Table
    from matplotlib.text import Text

    texts = [t.get_text() for t in fig.findobj(Text)]
    for table in fig.findobj(Table):
        texts += [cell.get_text().get_text() for cell in table.get_celld().values()]
    return "\n".join(texts)


def test_the_charts_draw_its_targets_and_name_its_source(run):
    scenarios = load_scenarios([], FOLDER)
    results = [run_scenario(s) for s in scenarios]
    texts = "".join(figure_texts(job.draw()) for job in main_chart_jobs(results, "vi", RUN_DATE))
    for expected in (
        "Mục tiêu 10-11 %/năm",
        "Mục tiêu ≈ 420 tỷ đồng ± 3 %",
        "mục tiêu bình quân 2-2,5 %/năm",  # the farm panel's title (no services target there)
        "Nguồn: Nghị quyết Đại hội Đảng bộ xã Thử Nghiệm Đông, 2026; tính toán của mô hình. "
        "Ngày chạy: 04/03/2027.",
        "Thu ngân sách năm",  # its own target label (wrapped before 2031)
        "≈ 420 tỷ đồng ± 3 %",
    ):
        assert expected in texts, expected
    for word in BUNDLED_WORDS:
        assert word not in texts, word


def test_the_grid_draws_the_contours_of_its_plan(run):
    from sim.analysis.suite import run_sensitivity

    scenarios = load_scenarios([], FOLDER)
    results = [run_scenario(s) for s in scenarios]
    sensitivity = run_sensitivity(scenarios, draws=500, seed=1, sobol_n=64)
    jobs = sensitivity_chart_jobs(results, sensitivity, "en", RUN_DATE)
    grid = next(job for job in jobs if job.stem.startswith("s05_grid")).draw()
    labels = {t.get_text() for ax in grid.axes for t in getattr(ax, "labelTexts", [])}
    contour_labels = set()
    for ax in grid.axes:
        for child in ax.get_children():
            if hasattr(child, "labelTexts"):
                contour_labels |= {t.get_text() for t in child.labelTexts}
    assert {"10", "11", "420"} <= contour_labels | labels
    assert not math.isnan(sensitivity.grid.budget_end.max())


def test_the_manifest_names_the_plan_the_run_checked(run):
    import hashlib
    import json

    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    plan = FOLDER / "plan.toml"
    assert manifest["plan"] == {
        "file": str(plan),
        "sha256": hashlib.sha256(plan.read_bytes()).hexdigest(),
        "targets": 4,
        "example": False,
    }


def test_its_own_figures_carry_no_example_mark_and_its_page_names_it(run):
    for name in ("baseline.csv", "projections.csv", "scorecard.csv"):
        assert "example" not in pd.read_csv(run / name).columns, name
    page = (run / "whatif.html").read_text(encoding="utf-8")
    assert (
        "<title>Thử giả định: dự báo kinh tế xã Thử Nghiệm Đông giai đoạn 2026-2031</title>" in page
    )
    assert "VÍ DỤ" not in page
