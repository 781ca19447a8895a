"""Input checks a new locality trips over (issues 11, 12): a reviewer set up "xã Phong Sơn"
(term 2025-2030) beside the bundled plan and made the mistakes a new planner makes. Each message
names the file that should be fixed, once, and every file's problem is said in one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.run import load_scenarios
from sim.scenario.loader import ScenarioError

PLAN = """
[plan]
locality = { vi = "xã Phong Sơn", en = "Phong Son commune" }
term = [2025, 2030]
source = { vi = "Nghị quyết Đại hội Đảng bộ xã Phong Sơn, 2025", en = "Phong Son resolution" }

[targets.output_growth]
indicator = "output.total"
measure = "cagr"
low = 9.0
high = 10.0
label = { vi = "Tăng trưởng giá trị sản xuất", en = "Output growth" }
source = "page 3"

[targets.income_2030]
indicator = "income_per_capita"
measure = "level"
low = 80.0
unit = "triệu đồng/người"
label = { vi = "Thu nhập bình quân đầu người năm 2030", en = "Income per head in 2030" }
source = "page 4"

[history]
years = [2020, 2025]
[history.growth_pct]
total = 8.0
"""

BASELINE = """
base_year = 2025
end_year = 2030
title = { vi = "Cơ sở", en = "Baseline" }
[structure]
residual = "normalise"
base_total_bn_vnd = 2400.0
[sectors.services]
share_pct = 30.0
growth_pct = 10.0
[sectors.industry]
share_pct = 40.0
growth_pct = 9.0
[sectors.agriculture]
share_pct = 30.0
growth_pct = 3.0
[indicators.income_per_capita]
base = 50.0
unit = "triệu đồng/người"
label = { vi = "Thu nhập", en = "Income" }
rule = "elasticity"
elasticity = 0.8
"""

SLOW_INDUSTRY = """
extends = "baseline"
title = { vi = "Công nghiệp chậm", en = "Slow industry" }
[sectors.industry]
growth_pct = 6.0
"""


def locality(tmp_path: Path, baseline: str = BASELINE, plan: str = PLAN) -> Path:
    """The reviewer's folder: plan.toml, baseline.toml and slow_industry.toml (extends it)."""
    folder = tmp_path / "phong_son"
    folder.mkdir()
    (folder / "plan.toml").write_text(plan, encoding="utf-8")
    (folder / "baseline.toml").write_text(baseline, encoding="utf-8")
    (folder / "slow_industry.toml").write_text(SLOW_INDUSTRY, encoding="utf-8")
    return folder


def problems(folder: Path, lang: str = "en") -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_scenarios([], folder)
    return [p.render(lang) for p in info.value.problems]


def test_the_folder_as_written_loads(tmp_path):
    names = [s.name for s in load_scenarios([], locality(tmp_path))]
    assert names == ["baseline", "slow_industry"]


# ----------------------------------------------------------------------------- item 3


def test_every_broken_files_syntax_error_is_reported_at_once(tmp_path):
    folder = locality(
        tmp_path,
        baseline=BASELINE + "[sectors\n",  # line 23 of the file (the text starts with a newline)
        plan=PLAN.replace("term = [2025, 2030]", "term = [2025, 2030"),
    )
    assert problems(folder) == [
        f"{folder / 'baseline.toml'}: TOML syntax error: Expected ']' at the end of a table "
        "declaration (at line 23, column 9)",
        f"{folder / 'plan.toml'}: TOML syntax error: Unclosed array (at line 5, column 1)",
    ]


def test_a_syntax_error_at_the_end_of_a_file_is_said_in_vietnamese(tmp_path):
    folder = locality(tmp_path, plan=PLAN + "x = [1, 2\n")
    assert problems(folder, "vi") == [
        f"{folder / 'plan.toml'}: lỗi cú pháp TOML ở cuối tệp: thiếu dấu ']' đóng danh sách"
    ]


def test_a_broken_child_and_a_broken_plan_are_both_reported(tmp_path):
    folder = locality(tmp_path, plan=PLAN.replace('measure = "level"', "measure = level"))
    (folder / "slow_industry.toml").write_text(SLOW_INDUSTRY + "growth_pct = 5,0\n", "utf-8")
    plan, child = problems(folder)  # (the baseline, loaded first, finds the plan's)
    assert (
        plan == f"{folder / 'plan.toml'}: TOML syntax error: Invalid value (at line 17, column 11)"
    )
    assert child.startswith(f"{folder / 'slow_industry.toml'}: TOML syntax error")
    assert "5,0: write 5.0" in child


# ----------------------------------------------------------------------------- item 4


def test_a_value_missing_from_the_parent_is_reported_once_at_the_parent(tmp_path):
    folder = locality(tmp_path, baseline=BASELINE.replace("share_pct = 40.0\n", ""))
    assert problems(folder) == [
        f"{folder / 'baseline.toml'}: sectors.industry.share_pct = (missing): required: the "
        "base-year share, %"
    ]


def test_the_child_run_alone_names_the_parent_that_lacks_the_value(tmp_path):
    folder = locality(tmp_path, baseline=BASELINE.replace("share_pct = 40.0\n", ""))
    with pytest.raises(ScenarioError) as info:
        load_scenarios(["slow_industry"], folder)
    assert [p.source for p in info.value.problems] == [str(folder / "baseline.toml")]


def test_a_sector_or_year_missing_from_the_parent_is_the_parents(tmp_path):
    baseline = BASELINE.replace("end_year = 2030\n", "").replace(
        "[sectors.agriculture]\nshare_pct = 30.0\ngrowth_pct = 3.0\n", ""
    )
    folder = locality(tmp_path, baseline=baseline)
    found = problems(folder)
    assert [line.split(":")[0] for line in found] == [str(folder / "baseline.toml")] * 2
    assert "end_year = (missing)" in found[0] and "sectors.agriculture = (missing)" in found[1]


def test_a_table_only_the_child_has_is_the_childs(tmp_path):
    folder = locality(tmp_path)
    child = SLOW_INDUSTRY + '[indicators.retail]\nbase = 10.0\nrule = "growth"\ngrowth_pct = 5.0\n'
    (folder / "slow_industry.toml").write_text(child, encoding="utf-8")
    assert problems(folder) == [
        f"{folder / 'slow_industry.toml'}: indicators.retail.unit = (missing): required: the "
        'unit, e.g. "million VND/person"'
    ]


# ----------------------------------------------------------------------------- items 1, 2


def warnings_of(folder: Path, name: str = "baseline") -> list[str]:
    (scenario,) = load_scenarios([name], folder)
    return [w.render("en") for w in scenario.warnings]


def test_a_thousands_separator_in_a_level_is_warned_with_the_number_to_write(tmp_path):
    folder = locality(tmp_path, baseline=BASELINE.replace("2400.0", "2.400"))
    (scenario,) = load_scenarios(["baseline"], folder)
    assert scenario.base_total_bn_vnd == 2.4  # (TOML's reading, kept: the file is not rewritten)
    (warning,) = scenario.warnings
    assert warning.render("en") == (
        f"{folder / 'baseline.toml'}: structure.base_total_bn_vnd = 2.4: written 2.400: a dot is "
        "the decimal point, so this reads 2.4; if 2.400 counts thousands, write 2400 (no "
        "thousands separator)"
    )
    assert warning.render("vi").endswith(
        "ghi là 2.400: trong tệp, dấu chấm là dấu thập phân nên giá trị được đọc là 2,4; nếu "
        "2.400 là số hàng nghìn, hãy ghi 2400 (không có dấu phân cách hàng nghìn)"
    )


def test_a_thousands_separator_in_an_inline_table_or_a_set_is_warned(tmp_path):
    baseline = BASELINE + (
        "[indicators]\n"
        'budget_revenue = { base = 12.500, unit = "tỷ đồng", rule = "growth", growth_pct = 8.0 }\n'
    )
    folder = locality(tmp_path, baseline=baseline)
    (warning,) = warnings_of(folder)
    assert "indicators.budget_revenue.base = 12.5: written 12.500" in warning
    assert "write 12500 (no thousands separator)" in warning
    (scenario,) = load_scenarios(["baseline"], folder, ["structure.base_total_bn_vnd=1.500"])
    (set_warning,) = (w.render("en") for w in scenario.warnings if w.source.startswith("--set"))
    assert set_warning == (
        "--set structure.base_total_bn_vnd=1.500: structure.base_total_bn_vnd = 1.5: written "
        "1.500: a dot is the decimal point, so this reads 1.5; if 1.500 counts thousands, write "
        "1500 (no thousands separator)"
    )


def test_a_number_that_cannot_count_thousands_is_not_warned(tmp_path):
    # as thousands: 1234 %/yr and 2500 %/yr are beyond any rate; 30000 % is no share; an
    # elasticity of 1910 is beyond 20; 0.500 and 15.5 are no thousands at all; "2.400" is text
    baseline = (
        BASELINE.replace("growth_pct = 9.0", "growth_pct = 1.234")
        .replace("growth_pct = 3.0", "growth_pct = 2.500")
        .replace("share_pct = 30.0\ngrowth_pct = 10.0", "share_pct = 30.000\ngrowth_pct = 10.0")
        .replace("elasticity = 0.8", "elasticity = 1.910")
        .replace('residual = "normalise"', 'residual = "normalise"\nsource = "2.400 = 2400.0"')
    )
    folder = locality(tmp_path, baseline=baseline)
    assert not [w for w in warnings_of(folder) if "thousands" in w]


def test_a_quoted_number_is_told_how_to_write_it(tmp_path):
    baseline = BASELINE.replace("growth_pct = 10.0", 'growth_pct = "10,5"').replace(
        "base = 50.0", 'base = "1.234,5"'
    )
    folder = locality(tmp_path, baseline=baseline)
    found = problems(folder)
    assert found == [
        f"{folder / 'baseline.toml'}: sectors.services.growth_pct = '10,5': must be a number, "
        "not str; write 10.5 (a number without quotes, with a decimal point)",
        f"{folder / 'baseline.toml'}: indicators.income_per_capita.base = '1.234,5': must be a "
        "number, not str; write 1234.5 (a number without quotes, with a decimal point)",
    ]
    assert problems(folder, "vi")[0].endswith(
        "'10,5': phải là một số, không phải văn bản; hãy ghi 10.5 (số không đặt trong ngoặc "
        "kép, dùng dấu chấm thập phân)"
    )


def test_a_quoted_word_gets_no_number_to_write(tmp_path):
    folder = locality(tmp_path, baseline=BASELINE.replace("growth_pct = 10.0", 'growth_pct = "x1"'))
    assert problems(folder)[0].endswith("must be a number, not str")


# ----------------------------------------------------------------------------- item 6


@pytest.mark.parametrize(
    ("elasticity", "says"),
    [
        (3.5, "the indicator would grow 3.5 times as fast as output"),
        (-0.5, "the indicator would shrink while output grows"),
    ],
)
def test_an_unusual_elasticity_is_explained_without_another_localitys_figures(
    tmp_path, elasticity, says
):
    folder = locality(tmp_path, baseline=BASELINE.replace("0.8", str(elasticity)))
    (warning,) = warnings_of(folder)
    assert warning == (
        f"{folder / 'baseline.toml'}: indicators.income_per_capita.elasticity = {elasticity}: an "
        f"elasticity outside 0-3 is unusual: {says}; compare it with the ratio of the "
        "indicator's growth to output growth in the previous term"
    )


# ----------------------------------------------------------------------------- item 5


def test_a_unit_that_does_not_fit_the_measure_is_refused_naming_target_measure_and_unit(tmp_path):
    plan = PLAN.replace(
        'indicator = "income_per_capita"\nmeasure = "level"',
        'indicator = "income_per_capita"\nmeasure = "cagr"',
    ).replace(
        'indicator = "output.total"\nmeasure = "cagr"',
        'indicator = "output.total"\nmeasure = "level"\nunit = "%/năm"',
    )
    folder = locality(tmp_path, plan=plan)
    source = folder / "plan.toml"
    assert problems(folder) == [
        f"{source}: targets.output_growth.unit = '%/năm': measure = \"level\" compares "
        "output.total itself with the figure, but %/năm is a growth rate's unit: for average "
        'growth write measure = "cagr"; for a level give its unit (e.g. "billion VND")',
        f"{source}: targets.income_2030.unit = 'triệu đồng/người': measure = \"cagr\" checks the "
        "average growth of income_per_capita over the term (%/yr), but triệu đồng/người is a "
        "level's unit: for the value in the term's last year write measure = \"level\"; for "
        'average growth write unit = "%/yr" (or leave unit out)',
    ]


def test_units_that_fit_their_measure_load(tmp_path):
    plan = PLAN.replace("low = 9.0", 'unit = "%/năm"\nlow = 9.0') + (
        '[targets.every_year]\nindicator = "growth.total"\nmeasure = "min_each_year"\nlow = 8.0\n'
        'unit = "% per year"\nlabel = { vi = "Năm nào cũng tăng", en = "Every year" }\n'
    )
    folder = locality(tmp_path, plan=plan)
    (scenario, _) = load_scenarios([], folder)
    assert [t.unit for t in scenario.plan.targets] == ["%/năm", "triệu đồng/người", "% per year"]


def test_the_tool_never_writes_a_number_it_would_warn_about():
    from sim.scenario.schema import thousands_literals
    from sim.scenario.writer import Number, toml_value

    # a rebased level of 566.767 billion: ".6g" and repr give 566.767, which a Vietnamese
    # reader takes for 566,767; a fourth decimal keeps the value and reads as a decimal
    assert toml_value(Number(566.76712, ".6g")) == "566.7670"
    assert toml_value(566.767) == "566.7670"
    assert toml_value(Number(1566.767, ".7g")) == "1566.767"  # (four digits: no thousands)
    assert toml_value(2.4) == "2.4"
    assert thousands_literals("base = 566.7670\ntotal = 1566.767\n") == {}
