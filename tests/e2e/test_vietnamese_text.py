"""Vietnamese means Vietnamese (issue 11): the terminal summary and the report's tracking,
sensitivity, goal-seek and history sections in the run's language, with labels, not ids."""

import re
import unicodedata
from html.parser import HTMLParser

import pytest
from conftest import SCENARIOS, TARGETS

from sim.output.console import (
    format_history,
    format_sensitivity,
    format_summary,
    format_table,
    format_tracking,
    format_warnings,
)
from sim.output.i18n import display_width, pad
from sim.output.narrative import goal_seek_text, verdict_text
from sim.output.report import history_section, sensitivity_section, tracking_section
from sim.run import load_scenarios, run_scenario

BUNDLED = ("baseline", "covid_shock", "optimistic")
IDS = (
    "baseline",
    "covid_shock",
    "optimistic",
    "output_growth",
    "services_growth",
    "agriculture_growth",
    "budget_2025",
    "sectors.",
    "indicators.",
    "growth_pct",
    "elasticity",
    "budget_revenue",
    "history_2016_2020",
    "implied_total",
)
ENGLISH = re.compile(
    r"\b(needs|scenario's|reachable|above|below|growth|scaled|the|implied|at|within|"
    r"supports|record|range|observed|not|value|draws|seed|Parameter|Target)\b"
)


@pytest.fixture(scope="module")
def analysed():
    """The bundled scenarios with actuals, track record and a small sensitivity run."""
    from sim.analysis.suite import run_sensitivity
    from sim.scenario.actuals import read_actuals
    from sim.term.history import run_history
    from sim.term.tracking import track

    scenarios = load_scenarios([], SCENARIOS)
    results = [run_scenario(s) for s in scenarios]
    names = {n for s in scenarios for n in s.indicators}
    tracking = track(results, read_actuals(SCENARIOS / "actuals_example.csv", names))
    history_scenario = load_scenarios(
        [str(SCENARIOS / "history" / "backcast_2016_2020.toml")], SCENARIOS
    )[0]
    history = run_history(history_scenario, results)
    sensitivity = run_sensitivity(scenarios, draws=200, seed=3, sobol_n=2**6)
    return results, tracking, history, sensitivity


class _Visible(HTMLParser):
    """The text a reader sees: no tags, no attributes (a title attribute may hold an id)."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def _visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def _sections(analysed, lang):
    results, tracking, history, sensitivity = analysed
    return (
        tracking_section(tracking, lang)
        + sensitivity_section(sensitivity, lang, results)
        + history_section(history, lang, results)
    )


@pytest.mark.slow
def test_vietnamese_report_sections_show_no_ids_and_no_english(analysed):
    html = _sections(analysed, "vi")
    # "(seed)" follows its Vietnamese name: the word of the --seed option, to repeat a run
    shown = _visible(html).replace("(seed)", "")
    for name in IDS:
        assert name not in shown, name
    assert not ENGLISH.findall(shown), sorted(set(ENGLISH.findall(shown)))
    assert "15,5-16,5 %/năm" in shown and "15.5" not in shown
    # the required growth of output in 2023-2025 from the actuals' 2022 level:
    # the 14 %/yr lower end needs (1.14^5 / (1.13 * 1.111))... shown as 16,33 in vi
    assert "cần 16,33-18,04 %/năm trong 2023-2025" in shown
    # the year column of the required-growth table has a heading, not "L"
    assert "<th>L</th>" not in html and "<th>Năm có số liệu</th>" in html
    # the ids stay available to a technical reader, in title attributes
    assert 'title="output_growth"' in html and 'title="sectors.services.growth_pct"' in html


@pytest.mark.slow
def test_english_report_sections_are_english_with_labels(analysed):
    shown = _visible(_sections(analysed, "en"))
    for name in ("output_growth", "sectors.services.growth_pct", "covid_shock"):
        assert name not in shown, name
    assert "needs 16.33-18.04 %/yr in 2023-2025" in shown
    assert "Services: growth" in shown and "COVID" in shown


@pytest.mark.slow
def test_verdicts_rendered_from_the_numbers_match_the_tracking_table(analysed):
    """The English sentence rebuilt from a row's numbers is the tracking module's own verdict,
    so the Vietnamese one (same numbers, same branches) says the same thing."""
    required = analysed[1].required
    rebased = {reb.result.scenario.name: reb for reb in analysed[1].rebased}
    for row in required.itertuples(index=False):
        assert verdict_text(row, "en", rebased[row.scenario]) == row.verdict
    income = required[(required.scenario == "baseline") & (required.target == "income_2025")]
    # 55 million in 2025 from 49.0 in 2022: (55 / 49) ^ (1/3) - 1 = 3.93 %/yr
    expected = f"{((55 / 49.0) ** (1 / 3) - 1) * 100:.2f}".replace(".", ",")
    row = next(income.itertuples(index=False))
    assert verdict_text(row, "vi", rebased["baseline"]).startswith(f"cần {expected}-")


@pytest.mark.slow
def test_goal_seek_line_names_the_parameter_it_moves(analysed):
    sensitivity = analysed[3]
    goals = sensitivity.goal_seek
    row = next(
        goals[
            (goals.scenario == "baseline") & (goals.goal == "output_growth_via_agriculture")
        ].itertuples(index=False)
    )
    vi, en = goal_seek_text(row, "vi", None, TARGETS), goal_seek_text(row, "en", None, TARGETS)
    # the measure at the bracket's ends, recomputed by running the scenario at those values
    ends = []
    for rate in (3, 4):
        setting = [f"baseline:sectors.agriculture.growth_pct={rate}"]
        scenario = load_scenarios(["baseline"], SCENARIOS, setting)[0]
        ends.append(float(run_scenario(scenario).series["cagr.total"][-1]))
    low, high = (f"{v:.4g}" for v in ends)
    # the target first, then which point of its band the seek aims at (the plan's goal: the top)
    assert vi.startswith(
        "Tốc độ tăng giá trị sản xuất bình quân: mức trên của khoảng (mục tiêu của kế hoạch) "
        "15 %/năm không đạt được trong khoảng 3-4 %/năm của “Nông lâm - thủy sản: tăng"
    )
    assert f"là {low.replace('.', ',')} khi bằng 3 và {high.replace('.', ',')} khi bằng 4" in vi
    assert "thấp hơn 15 %/năm" in vi
    assert en.startswith(
        "Production value growth, average: the top of the band (the plan's goal) of 15 %/yr is "
        "not reachable within 3-4 %/yr of “Agriculture, forestry & fishery"
    )
    assert f"is {low} at 3 and {high} at 4, below 15 %/yr" in en


@pytest.mark.slow
def test_terminal_summary_in_vietnamese_and_english(analysed):
    results, tracking, history, sensitivity = analysed
    vi = format_summary(results, "vi")
    assert "Kịch bản cơ sở" in vi and "Tốc độ tăng giá trị sản xuất bình quân (14-15 %/năm)" in vi
    # baseline's average growth 2020-2025 is 14.78 %/yr (tests/golden/scorecard.csv)
    assert "14,78 đạt" in vi and "14.78" not in vi and " met" not in vi
    en = format_summary(results, "en")
    assert "Baseline" in en and "14.78 met" in en and "14,78" not in en
    for lang in ("vi", "en"):
        text = "\n".join(
            [
                format_tracking(tracking, lang),
                format_sensitivity(sensitivity, lang, results),
                format_history(history, lang, results),
            ]
        )
        for name in ("output_growth", "sectors.services", "covid_shock", "indicators."):
            assert name not in text, (lang, name)
    vi_all = format_sensitivity(sensitivity, "vi", results) + format_tracking(tracking, "vi")
    assert not ENGLISH.findall(vi_all.replace("Monte Carlo", "").replace("(seed)", ""))


@pytest.mark.slow
def test_probability_table_follows_the_scorecard_with_labels_in_columns(analysed):
    results, _tracking, _history, sensitivity = analysed
    lines = format_sensitivity(sensitivity, "vi", results).splitlines()
    rows = lines[2 : 2 + len(TARGETS)]
    assert [r.strip().split("  ")[0] for r in rows] == [t.label_vi for t in TARGETS]
    # the columns line up: every row of the table ends at the same display column
    assert len({display_width(r) for r in lines[1 : 2 + len(TARGETS)]}) == 1


def test_goal_seeks_are_listed_under_each_scenario_once(analysed):
    """Every target has its goal seek: 11 rows a scenario, under its title (not 33 lines each
    repeating it)."""
    results, _tracking, _history, sensitivity = analysed
    lines = format_sensitivity(sensitivity, "vi", results).splitlines()
    start = lines.index("Tìm giá trị cần đạt:")
    goals = lines[start + 1 :]
    titles = [r.scenario.title("vi") for r in results]
    assert [g for g in goals if not g.startswith("    ")] == [f"  {t}:" for t in titles]
    per_scenario = sensitivity.goal_seek.groupby("scenario").size()
    assert len(goals) == len(titles) + per_scenario.sum()
    assert not any(t in g for g in goals if g.startswith("    ") for t in titles)


def test_realism_lines_give_units_and_do_not_repeat_their_heading(analysed):
    results, _tracking, history, _sensitivity = analysed
    vi = format_history(history, "vi", results)
    assert vi.startswith("Thực hiện giai đoạn trước: theo kịch bản tính ngược, ")
    assert vi.count("Thực hiện giai đoạn") == 1
    # investment 9 %/yr against 2016-2020's 6.59 %/yr (README c8) and its supported range
    assert (
        "  Kịch bản cơ sở: Tổng vốn đầu tư toàn xã hội: tăng trưởng = 9 %/năm, cao hơn khoảng "
        "sát với thực tế 2016-2020 4,59-8,59 %/năm (thực tế 6,59 %/năm)"
    ) in vi.splitlines()
    assert "cho phép" not in vi  # (it read as a verdict on the congress's own figure)


def test_columns_line_up_by_display_width_whatever_the_encoding():
    """'Nông lâm' decomposed (o + U+0302, a + U+0302 + U+0300) takes as many terminal columns
    as composed: padding by code points would leave its row two columns short."""
    decomposed = unicodedata.normalize("NFD", "Nông lâm")
    assert len(decomposed) == 10 and display_width(decomposed) == 8
    lines = format_table([[decomposed, "1,5"], ["Dịch vụ", "22,75"], ["x", "3"]], "<>")
    assert lines == ["Nông lâm    1,5", "Dịch vụ   22,75", "x" + " " * 13 + "3"]
    assert {display_width(line) for line in lines} == {15}
    assert pad("Dịch vụ", 9, ">") == "  Dịch vụ"
    assert display_width("中文") == 4


def test_a_warning_shared_by_scenarios_is_given_once_naming_them():
    shared = "scenarios/baseline.toml: uncertainty.x = (1, 2): does not contain 3"
    pairs = [("baseline", shared), ("covid_shock", shared), ("optimistic", shared)]
    pairs.append(("covid_shock", "scenarios/covid_shock.toml: own warning"))
    assert format_warnings(pairs, "en") == [
        f"warning (baseline; covid_shock; optimistic): {shared}",
        "warning (covid_shock): scenarios/covid_shock.toml: own warning",
    ]
    assert format_warnings(pairs[:1], "vi") == [f"cảnh báo (baseline): {shared}"]


@pytest.mark.slow
def test_set_run_gives_its_warning_once(run):
    code, out, err = run("--no-charts", "--no-history", "--set", "sectors.services.growth_pct=15")
    assert code == 0, err
    lines = [line for line in err.splitlines() if "không chứa giá trị của chính kịch bản" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith(
        "cảnh báo (Kịch bản cơ sở; Kịch bản tác động dịch COVID-19; Kịch bản tích cực): "
    )


@pytest.mark.slow
def test_rebase_run_says_where_the_new_files_are(run, tmp_path):
    code, out, err = run("--no-charts", "--no-history", "baseline", "--rebase-year", "2025")
    assert code == 0, err
    folder = tmp_path / "results" / "rebased"
    assert (folder / "baseline_2025_2030.toml").is_file()
    line = next(line for line in out.splitlines() if "kịch bản cho nhiệm kỳ sau" in line)
    assert f"{folder}/ (baseline_2025_2030.toml)" in line
    assert f"Kết quả đã ghi vào {tmp_path / 'results'}/:" in out
    assert str(tmp_path / "results" / "projections.xlsx") in out
