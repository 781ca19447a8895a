"""Tracking's two wrong answers (issue 11), the concept column, Excel's Vietnamese CSV and the
terminal's re-baselined scorecard: every number hand-computed from the baseline's shares.

The baseline (scenarios/baseline.toml): shares services 48.5, industry 43.1, agriculture 7.5
(the 0.9 % "other" block follows the three sectors), growth 16, 15 and 3.5 %/yr. Total growth
in a year is the sectors' growth weighted by their levels of the year before:
    2021 weights: 48.5, 43.1, 7.5 (over 99.1)
    2022 weights (2021 levels on the plan): 48.5 * 1.16, 43.1 * 1.15, 7.5 * 1.035
"""

import math

import pytest
from conftest import SCENARIOS

from sim.cli import main
from sim.output.console import format_rebaselined_scorecard
from sim.run import run_scenario
from sim.scenario.actuals import ActualsError, read_actuals
from sim.scenario.loader import load_scenario
from sim.term.tracking import rebaseline, track

HEADER = "indicator,year,value,status,concept,source,note\n"
S22, I22, A22 = 48.5 * 1.16, 43.1 * 1.15, 7.5 * 1.035  # 2021 levels: the 2022 weights
SUM22 = S22 + I22 + A22


@pytest.fixture
def write(tmp_path):
    def write(body: str, header: str = HEADER) -> object:
        path = tmp_path / "actuals.csv"
        path.write_text(header + body, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="module")
def baseline():
    scenario = load_scenario("baseline", SCENARIOS)
    return scenario, run_scenario(scenario)


def solved_agriculture(total: float) -> float:
    """Agriculture's 2022 growth that makes the total grow `total` with services 16, industry 15."""
    return (total * SUM22 - 16 * S22 - 15 * I22) / A22


# ------------------------------------------------------------ a sector solved from the total


def test_a_solved_sector_outside_its_plausible_range_is_refused(write, baseline):
    """Total 16 % with services 16 and industry 15: agriculture would be +22.4 %, outside -8 to
    16 %; each point of disagreement moves it by SUM22 / A22 = 14.6 points."""
    assert solved_agriculture(16.0) == pytest.approx(22.3852, abs=1e-4)
    path = write(
        "growth.services,2022,16,final,,,\ngrowth.industry,2022,15,final,,,\n"
        "growth.total,2022,16,estimate,,,\n"
    )
    with pytest.raises(ActualsError) as info:
        track([baseline[1]], read_actuals(path))
    (problem,) = info.value.problems
    assert str(problem) == (
        f"{path}:4: growth.total = 16.0: with services and industry observed that year, "
        "agriculture 2022 is solved from this total in scenario 'baseline': 22.4 %, outside the "
        "growth taken as plausible for one year (-8 to 16 %). A solved figure is not an "
        "observation: each point the total disagrees with the sectors given moves agriculture "
        "by about 15 points. Give growth.agriculture 2022 (or check the total against the "
        "sectors)"
    )
    assert round(SUM22 / A22) == 15
    assert problem.render("vi").startswith(  # the sectors by their names, a minus sign
        f"{path}:4: growth.total = 16.0: với Dịch vụ và Công nghiệp - xây dựng đã có số liệu năm "
        "đó, Nông lâm - thủy sản 2022 được giải ra từ tổng này trong kịch bản 'baseline': 22,4 %, "
        "ngoài mức tăng trưởng được coi là hợp lý cho một năm (−8 đến 16 %)."
    )


def test_a_solved_sector_inside_the_range_is_labelled_and_cannot_read_already_met_silently(
    write, baseline
):
    scenario, plan = baseline
    path = write(
        "growth.services,2022,16,final,,,\ngrowth.industry,2022,15,final,,,\n"
        "growth.total,2022,15.5,estimate,,,\n"
    )
    expected = solved_agriculture(15.5)  # 15.069 %
    tracking = track([plan], read_actuals(path))
    (reb,) = tracking.rebased
    (derived,) = reb.derived
    assert (derived.sector, derived.year) == ("agriculture", 2022)
    assert derived.value == pytest.approx(expected, rel=1e-12)
    assert reb.result.series["growth.agriculture"][2] == pytest.approx(expected, rel=1e-12)
    assert reb.result.series["growth.total"][2] == pytest.approx(15.5, abs=1e-9)
    shown = f"agriculture 2022 = {expected:.2f} %"
    assert shown == "agriculture 2022 = 15.07 %"
    described = (
        f"{shown} (solved from growth.total 2022 = 15.5 and services and industry; not observed)"
    )
    assert described in reb.notes
    row = tracking.required.set_index("target").loc["agriculture_growth"]
    assert row.solved_from_total == described
    assert row.verdict == (
        "already met: reached even with no further growth - but this rests on a figure solved "
        f"from the total, NOT OBSERVED: {shown}; give growth.agriculture 2022 to rely on it"
    )
    # the services target is not solved: no such words
    assert (
        "NOT OBSERVED" not in tracking.required.set_index("target").loc["services_growth"].verdict
    )
    # the terminal marks the re-baselined value and says what it rests on, in both languages
    vi = format_rebaselined_scorecard([plan], tracking, "vi")
    assert "* dựa trên số tính ngược từ tổng, không phải số thực hiện:" in vi
    assert "Kịch bản cơ sở: Nông lâm - thủy sản năm 2022: 15,07 % (tính ngược từ tổng 15,5 %)" in vi
    en = format_rebaselined_scorecard([plan], tracking, "en")
    lines = en.splitlines()
    label = next(i for i, x in enumerate(lines) if x.strip().startswith("Agriculture"))
    assert lines[label + 1].split()[0] == "Baseline"  # (its row under the target's line)
    assert lines[label + 1].rstrip().endswith("exceeded*")
    assert (
        "Baseline: Agriculture, forestry & fishery 2022: 15.07 % (solved from the total 15.5 %)"
        in en
    )


def test_a_total_alone_scales_the_three_sectors_and_labels_each_as_solved(write, baseline):
    """Total 10 % in 2021 and no sector: the three sectors' growth is scaled by one factor f with
    (48.5 * 16 + 43.1 * 15 + 7.5 * 3.5) f / 99.1 = 10."""
    path = write("growth.total,2021,10,final,,,\n")
    reb = rebaseline(baseline[0], read_actuals(path))
    factor = 10 * 99.1 / (48.5 * 16 + 43.1 * 15 + 7.5 * 3.5)
    assert [d.sector for d in reb.derived] == ["services", "industry", "agriculture"]
    assert [d.value for d in reb.derived] == pytest.approx([16 * factor, 15 * factor, 3.5 * factor])
    assert reb.derived[0].amplification == pytest.approx(1.0)


# ------------------------------------------------------------ a total beside all three sectors


def test_three_sectors_win_over_the_total_and_the_table_says_by_how_much(write, baseline):
    """Services 10, industry 8, agriculture 2 in 2021 make (48.5 * 10 + 43.1 * 8 + 7.5 * 2) /
    99.1 = 844.8 / 99.1 = 8.5247 %; the reported 10 % is not used, 1.48 points above."""
    scenario, plan = baseline
    path = write(
        "growth.services,2021,10,final,,,\ngrowth.industry,2021,8,final,,,\n"
        "growth.agriculture,2021,2,final,,,\ngrowth.total,2021,10,final,,,\n"
    )
    made = 844.8 / 99.1
    tracking = track([plan], read_actuals(path))
    (reb,) = tracking.rebased
    assert reb.result.series["growth.total"][1] == pytest.approx(made, rel=1e-12)
    (gap,) = reb.total_gaps
    assert gap.gap == pytest.approx(10 - made, rel=1e-12)
    assert (
        "growth.total 2021 = 10 % not used: the three sectors observed that year make the total "
        "grow 8.52 % (1.48 points below the reported figure); the sectors win, and the "
        "re-baselined total grows 8.52 % that year"
    ) in reb.notes
    table = tracking.plan_vs_actual.set_index("indicator")
    total = table.loc["growth.total"]
    assert (total.actual, total.rebaselined) == (10.0, pytest.approx(made, rel=1e-12))
    assert total.use == "not used: the three sectors observed make 8.52 % (1.48 points below)"
    assert table.loc["growth.services", "rebaselined"] == pytest.approx(10.0, rel=1e-12)
    assert table.loc["growth.services", "use"] == "pinned"
    # the growth still needed is read from the path the table shows beside the report (8.52 %)
    output = tracking.required.set_index("target").loc["output_growth"]
    assert output.value_at_latest == pytest.approx(100 * (1 + made / 100), rel=1e-12)
    en = format_rebaselined_scorecard([plan], tracking, "en")
    assert (
        "Baseline: Total 2021: reported 10.0 %, the three sectors make 8.52 % (1.48 points); "
        "the sectors' figures are used"
    ) in en
    vi = format_rebaselined_scorecard([plan], tracking, "vi")
    assert "Tổng năm 2021: báo cáo 10,0 %, ba ngành tạo ra 8,52 % (chênh 1,48 điểm %)" in vi


# ------------------------------------------------------------ figures of another concept


def test_a_budget_including_land_use_fees_is_compared_with_that_concept_not_used(write, baseline):
    scenario, plan = baseline
    path = write(
        "budget_revenue,2021,400,final,includes_land_use,Sở Tài chính,thu gồm tiền đất\n"
        "income_per_capita,2021,47.5,final,revised,,was 47.2\n"
        "retail,2021,110,estimate,other_definition,,another basket\n"
    )
    tracking = track([plan], read_actuals(path))
    table = tracking.plan_vs_actual.set_index("indicator")
    budget = table.loc["budget_revenue"]
    planned_total = plan.series["budget_revenue_total"][1]
    assert budget.compared_with == "budget_revenue_total"
    assert budget.plan == planned_total
    assert budget.deviation == pytest.approx(400 - planned_total)
    assert budget.use.startswith("not used: includes land-use fees")
    retail = table.loc["retail"]
    assert retail.compared_with == "" and math.isnan(retail.plan)
    assert table.loc["income_per_capita", "use"] == "pinned"
    (reb,) = tracking.rebased
    # neither the budget nor retail moved the path; the revised income did
    assert reb.result.series["budget_revenue"][1] == plan.series["budget_revenue"][1]
    assert reb.result.series["retail"][1] == plan.series["retail"][1]
    assert reb.result.series["income_per_capita"][1] == 47.5
    en = format_rebaselined_scorecard([plan], tracking, "en")
    assert "Actuals marked in the file:" in en
    assert (
        "  Budget revenue (excl. land-use fees) 2021 = 400.0: includes land-use fees: compared "
        "with the plan's budget including them, not used to re-baseline"
    ) in en
    assert "  Per-capita income 2021 = 47.5: revised" in en
    vi = format_rebaselined_scorecard([plan], tracking, "vi")
    assert "Thu nhập bình quân đầu người 2021 = 47,5: số đã điều chỉnh" in vi
    assert ": ước; khác định nghĩa: chỉ để đối chiếu" in vi


def test_a_concept_is_checked(write):
    path = write(
        "budget_revenue,2021,400,final,include_land_use,,\n"
        "income_per_capita,2021,47.5,final,includes_land_use,,\n"
    )
    with pytest.raises(ActualsError) as info:
        read_actuals(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: concept = 'include_land_use': must be empty or one of revised, "
        "includes_land_use, other_definition (did you mean 'includes_land_use'?)",
        f"{path}:3: concept = 'includes_land_use': includes_land_use is for budget_revenue or "
        "growth.budget_revenue only",
    ]


# ------------------------------------------------------------ Excel in a Vietnamese locale


def test_excel_vietnamese_csv_with_semicolons_and_decimal_commas_is_read(tmp_path):
    path = tmp_path / "thuc_hien.csv"
    path.write_bytes(
        b"\xef\xbb\xbf# saved by Excel (vi-VN)\r\n"
        b"indicator;year;value;status;source;note\r\n"
        + "growth.services;2021;6,1;final;Chi cục Thống kê;\r\n".encode()
        + b"budget_revenue;2021;1.234,5;final;;\r\n"
        + b'investment;2021;"2.345.678";estimate;;"a; b"\r\n'
        + b"income_per_capita;2021;47.25;final;;\r\n"
        + b";;;;;\r\n"
    )
    actuals = read_actuals(path)
    assert [(o.indicator, o.value, o.line) for o in actuals.observations] == [
        ("growth.services", 6.1, 3),
        ("budget_revenue", 1234.5, 4),
        ("investment", 2345678.0, 5),
        ("income_per_capita", 47.25, 6),
    ]
    assert actuals.observations[0].source == "Chi cục Thống kê"
    assert actuals.observations[2].note == "a; b"


def test_an_ambiguous_number_in_a_semicolon_file_is_refused_saying_what_to_write(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_bytes(
        b"indicator;year;value;status\r\nbudget_revenue;2021;1.234;final\r\n"
        b"retail;2021;1,2,3;final\r\n"
    )
    with pytest.raises(ActualsError) as info:
        read_actuals(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:2: value = '1.234': in a file separated by ';' the decimal mark is the comma, so "
        "1.234 could be 1234 or 1,234: write 1234 (no thousands point) or 1,234",
        f"{path}:3: value = '1,2,3': must be a number (in a file separated by ';': 1234,5 or "
        "1.234,5)",
    ]


@pytest.mark.slow  # (a run of the command)
def test_a_growth_written_as_a_fraction_gets_the_scenario_files_warning(tmp_path, capsys):
    path = tmp_path / "actuals.csv"
    path.write_bytes(
        b"indicator;year;value;status\r\ngrowth.services;2021;0,061;final\r\n"
        b"income_per_capita;2021;0,5;final\r\n"  # a level, not a rate: no warning
    )
    actuals = read_actuals(path)
    expected = (
        f"{path}:2: growth.services = 0.061: looks like a fraction: rates are written in per "
        "cent, as the source writes them (16 means 16 %/yr); if you meant 6.1 %/yr, write 6.1"
    )
    assert [str(w) for w in actuals.warnings] == [expected]
    out = tmp_path / "out"
    run = ["--scenarios-dir", str(SCENARIOS), "--no-history", "--no-charts", "--quiet"]
    assert main(["baseline", *run, "--actuals", str(path), "--out", str(out)]) == 0
    assert f"cảnh báo: {path}:2: growth.services = 0.061: có vẻ là một phân số" in (
        capsys.readouterr().err
    )  # (the run's language, vi); in English, the same line as above:
    assert main(["baseline", *run, "--actuals", str(path), "--out", str(out), "--lang", "en"]) == 0
    assert f"warning: {expected}" in capsys.readouterr().err.splitlines()


# ------------------------------------------------------------ the terminal


@pytest.mark.slow
def test_the_terminal_shows_the_rebaselined_scorecard_beside_the_plan(tmp_path, capsys):
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "growth.services,2021,6,final,,,\n", encoding="utf-8")
    run = ["--scenarios-dir", str(SCENARIOS), "--no-history", "--no-charts"]
    assert main(["baseline", *run, "--actuals", str(path), "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert f"Đánh giá chỉ tiêu: kế hoạch và cập nhật theo thực tế đến năm 2021 ({path})" in out
    # services 6 % in 2021, then 16 %/yr: (1.06 * 1.16^4)^(1/5) - 1 = 13.93 %/yr, missed
    services = ((1.06 * 1.16**4) ** 0.2 - 1) * 100
    assert f"{services:.2f}" == "13.93"
    # the last such line: the summary's own scorecard comes first, the side-by-side one after it
    lines = out.splitlines()
    label = [i for i, x in enumerate(lines) if x.strip().startswith("Ngành dịch vụ tăng")][-1]
    row = ["Kịch", "bản", "cơ", "sở", "16,00", "đạt", "13,93", "không", "đạt"]
    assert lines[label + 1].split() == row  # (the scenario's row under the target's line)


@pytest.mark.slow  # (a run of the command)
def test_the_tracking_files_label_solved_figures_and_overruled_totals(tmp_path):
    path = tmp_path / "actuals.csv"
    path.write_text(
        HEADER + "growth.services,2021,10,final,,,\ngrowth.industry,2021,8,final,,,\n"
        "growth.agriculture,2021,2,final,,,\ngrowth.total,2021,10,final,,,\n"
        "growth.services,2022,16,final,,,\ngrowth.industry,2022,15,final,,,\n"
        "growth.total,2022,15.5,estimate,,,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run = ["--scenarios-dir", str(SCENARIOS), "--no-history", "--no-charts", "--quiet"]
    assert main(["baseline", *run, "--actuals", str(path), "--out", str(out)]) == 0
    folder = out / "tracking"
    table = (folder / "plan_vs_actual.csv").read_text(encoding="utf-8-sig").splitlines()
    assert table[0].endswith(",source,concept,compared_with,rebaselined,use")
    total = next(line for line in table if ",growth.total,%/yr,2021," in line)
    assert total.split(",")[5:7] == ["10", "final"]
    assert total.split(",")[-2:] == [
        f"{844.8 / 99.1:.10g}",
        "not used: the three sectors observed make 8.52 % (1.48 points below)",
    ]
    # 2022 weights from the observed 2021: 48.5 * 1.10, 43.1 * 1.08, 7.5 * 1.02
    s, i, a = 48.5 * 1.10, 43.1 * 1.08, 7.5 * 1.02
    solved = (15.5 * (s + i + a) - 16 * s - 15 * i) / a
    assert f"{solved:.2f}" == "15.06"
    required = (folder / "required_growth.csv").read_text(encoding="utf-8-sig")
    assert (
        "agriculture 2022 = 15.06 % (solved from growth.total 2022 = 15.5 and services and "
        "industry; not observed)"
    ) in required
    notes = (folder / "notes.txt").read_text(encoding="utf-8-sig")
    # notes.txt is for a reader: in the run's language (vi), under the scenario's title
    assert (
        "Kịch bản cơ sở: Tổng năm 2021: báo cáo 10,0 %, ba ngành tạo ra 8,52 % (chênh 1,48 điểm "
        "%); dùng số của ba ngành"
    ) in notes
    assert "Kịch bản cơ sở: Nông lâm - thủy sản năm 2022 = 15,06 % (tính ngược từ" in notes
    assert "baseline" not in notes and "solved" not in notes


def _shown(row, lang: str) -> list[str]:
    """A score as the terminal writes it, formatted here: value, then the status word(s)."""
    words = {
        "met": ("đạt", "met"),
        "exceeded": ("vượt", "exceeded"),
        "missed": ("không đạt", "missed"),
    }
    number = f"{row.value:.2f}"
    if lang == "vi":
        number = number.replace(".", ",")
    return [number, *words[row.status][lang == "en"].split()]


def test_the_rebaselined_scorecard_of_three_scenarios_fits_100_columns():
    """The bundled set with the example actuals: a line per target, then a row per scenario
    (plan, re-baselined): at most 100 columns in either language, where a column pair per
    scenario made 170."""
    from sim.output.i18n import display_width
    from sim.run import load_scenarios

    plans = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    tracking = track(plans, read_actuals(SCENARIOS / "actuals_example.csv"))
    rebased = {r.result.scenario.name: r.result for r in tracking.rebased}
    for lang, label in (("vi", "Ngành dịch vụ tăng (15,5-16,5 %/năm)"), ("en", "Services growth")):
        lines = format_rebaselined_scorecard(plans, tracking, lang).splitlines()
        table = lines[1 : lines.index(next(x for x in lines if x.startswith("* ")))]
        assert len(table) == 1 + 10 * 4  # header, and 10 targets: a line and 3 scenario rows
        assert max(display_width(x) for x in table) <= 100
        at = next(i for i, x in enumerate(lines) if x.strip().startswith(label))
        for k, plan in enumerate(plans):
            row = lines[at + 1 + k]
            title = plan.scenario.title(lang)
            assert row.startswith(f"    {title} ")
            before = plan.scores[1]
            after = rebased[plan.scenario.name].scores[1]
            assert before.target.key == after.target.key == "services_growth"
            expected = _shown(before, lang) + _shown(after, lang)
            expected[-1] += "*"  # services 2022: solved from the reported total
            assert row[len(title) + 4 :].split() == expected
