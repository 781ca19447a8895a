"""The terminal, report and workbook as a planner reads them (a Vietnamese reviewer's list): an
"about" target says how it is judged, "exceeded" reads as met, a run with --actuals says its
first table is the plan and where the update is."""

import re
from datetime import datetime

import pytest
from conftest import REPO, SCENARIOS
from openpyxl import load_workbook

from sim.output.console import format_summary
from sim.output.i18n import display_width
from sim.output.live_workbook import write_live_workbook
from sim.output.report import write_report
from sim.run import load_scenarios, run_scenario

SECOND = REPO / "tests" / "data" / "second_locality"


@pytest.fixture(scope="module")
def bundled():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS)]


def _scorecard(summary: str) -> list[str]:
    """The scorecard table of a terminal summary: its header and a line per target."""
    lines = summary.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("Chỉ tiêu ", "Target ")))
    return lines[start:]


def test_an_about_target_says_it_is_met_from_its_figure(bundled):
    vi, en = format_summary(bundled, "vi"), format_summary(bundled, "en")
    assert "Thu ngân sách năm 2025 (≈ 600 tỷ đồng, đạt khi ≥ 600) " in vi
    assert "Budget revenue in 2025 (≈ 600 billion VND, met from 600) " in en


def test_a_tolerance_is_said_without_nested_parentheses():
    results = [run_scenario(s) for s in load_scenarios([], SECOND)]
    lines = _scorecard(format_summary(results, "vi"))
    assert any("(≈ 420 tỷ đồng ± 3 %)" in line for line in lines)
    assert not any(re.search(r"\([^)]*\(", line) for line in lines)


def test_exceeded_reads_as_exceeded_and_the_columns_line_up(bundled):
    # optimistic: every sector at the top of its band; the 0.9 % "other" block grows with the
    # three, so total growth is theirs: the closed form of the average growth 2020-2025
    total = (48.5 * 1.165**5 + 43.1 * 1.155**5 + 7.5 * 1.04**5) / 99.1
    cagr = 100 * (total**0.2 - 1)
    over = f"{cagr:.2f} vượt +{cagr - 15:.2f}".replace(".", ",")  # the band is 14-15 %/yr
    vi = _scorecard(format_summary(bundled, "vi"))
    assert vi[1].startswith("Tốc độ tăng giá trị sản xuất bình quân (14-15 %/năm)")
    assert vi[1].endswith(over)
    en = _scorecard(format_summary(bundled, "en"))
    assert en[1].endswith(f"{cagr:.2f} exceeded +{cagr - 15:.2f}")
    for lines in (vi, en):  # (right-aligned columns: every row as wide as the header)
        assert len({display_width(line) for line in lines}) == 1


@pytest.mark.slow  # (writes a report and a workbook)
def test_with_actuals_the_first_tables_say_they_are_the_plan(bundled, tmp_path):
    first = format_summary(bundled, "vi", actuals_year=2022).splitlines()[0]
    assert first == (
        "Bảng dưới theo kế hoạch; cập nhật theo thực tế đến năm 2022: xem bảng “Đánh giá chỉ "
        "tiêu: kế hoạch và cập nhật theo thực tế” phía dưới."
    )
    assert "kế hoạch" not in format_summary(bundled, "vi").splitlines()[0]
    write_report(tmp_path / "r.html", bundled, [], "vi", datetime(2026, 1, 1), (), 2022)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    note = page.index("Bảng dưới theo kế hoạch; cập nhật theo thực tế đến năm 2022: xem mục “Theo")
    assert page.index("<h2>Đánh giá chỉ tiêu</h2>") < note < page.index("<table>")
    write_live_workbook(bundled, tmp_path / "p.xlsx", "en", actuals_year=2022)
    header = [c.value for c in load_workbook(tmp_path / "p.xlsx")["Summary"][1]]
    assert (
        "Targets met (the plan; re-baselined through the actuals to 2022: sheet “Scorecard”, "
        "rows “re-baselined”)"
    ) in header


@pytest.mark.slow
def test_the_terminal_of_an_actuals_run_names_a_table_it_prints(run):
    code, out, err = run("--no-charts", "--actuals", "scenarios/actuals_example.csv")
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.startswith("Bảng dưới theo kế hoạch; cập nhật theo thực tế đến năm 2022")
    assert "\nĐánh giá chỉ tiêu: kế hoạch và cập nhật theo thực tế đến năm 2022" in out


def test_single_year_rates_read_as_years(bundled):
    """covid_shock fixes services at 4 %/yr in 2021 and 18 in 2022: "riêng năm 2021: 4,0; năm
    2022: 18,0" (not "riêng các năm 2021: 4,0, 2022: 18,0")."""
    from sim.output.report import _assumptions

    covid = next(r for r in bundled if r.scenario.name == "covid_shock")
    assert "tăng 16,0 %/năm; riêng năm 2021: 4,0; năm 2022: 18,0" in _assumptions(covid, "vi")
    assert "single years 2021: 4.0; 2022: 18.0" in _assumptions(covid, "en")


@pytest.mark.slow
def test_the_workbooks_goal_seek_sheet_speaks_the_runs_language(bundled, tmp_path):
    """The goal-seek value sheet's note is the terminal's sentence in the run's language (the
    CSV keeps its English note for tools)."""
    from sim.analysis.suite import run_sensitivity
    from sim.output.i18n import linked_labels
    from sim.output.narrative import goal_seek_text

    baseline = [r for r in bundled if r.scenario.name == "baseline"]
    sensitivity = run_sensitivity([baseline[0].scenario], draws=200, seed=3, sobol_n=2**6)
    path = tmp_path / "projections.xlsx"
    write_live_workbook(baseline, path, "vi", sensitivity=sensitivity)
    sheet = load_workbook(path)["Tìm giá trị cần đạt"]
    header = [c.value for c in sheet[2]]
    notes = [row[header.index("note")] for row in sheet.iter_rows(min_row=3, values_only=True)]
    rows = list(sensitivity.goal_seek.itertuples(index=False))
    targets = baseline[0].scenario.plan.targets
    assert len(notes) == len(rows) == len(targets) + 1  # (output growth: two parameters)
    labels = linked_labels(baseline[0])
    assert notes == [goal_seek_text(row, "vi", labels, targets) for row in rows]
    assert notes[2].startswith("Ngành dịch vụ tăng: ")  # (the target first, by its label)
    assert not [n for n in notes if " at " in n or "inside the" in n]  # no English sentence


def test_a_heading_cell_keeps_a_title_holding_td():
    """A scenario titled "Outdoor tourism" (id std_case) heads the probability table as
    written: the heading was made by replacing every "td" in the cell, its text included."""
    from sim.output.report import _cell

    assert _cell("Outdoor tourism", "std_case", "th") == (
        '<th title="std_case">Outdoor tourism</th>'
    )
