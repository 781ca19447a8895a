"""Every target of a plan gets its "what does it take" goal seek unless the plan says otherwise:
the default parameter of each kind of indicator, checked against closed forms.

The invented locality's baseline (tests/data/second_locality) is built for them: every sector
grows 10.5 %/yr (shares 30, 45 and 25), so total output grows 10.5 %/yr each year; income grows
at its own 9 %/yr from 60; the budget grows 0.7619 x output growth from 280."""

import shutil
from dataclasses import replace

import pytest
from conftest import REPO, SCENARIOS
from scipy.optimize import brentq

from sim.analysis.sensitivity import custom_target, goal_seek
from sim.analysis.suite import default_seek, goal_seek_table
from sim.core.targets import target_by_key
from sim.output.i18n import linked_labels
from sim.output.narrative import goal_seek_text
from sim.run import run_scenario
from sim.scenario.loader import load_scenario

LOCALITY = REPO / "tests" / "data" / "second_locality"

PLAN = """
[plan]
locality = { vi = "xã Thử Nghiệm Đông", en = "Thu Nghiem Dong commune" }
term = [2026, 2031]
source = { vi = "Nghị quyết", en = "resolution" }

[targets.total]
indicator = "output.total"
measure = "cagr"
low = 10.0
high = 11.0
label = { vi = "Tổng tăng", en = "Total growth" }

[targets.services]
indicator = "output.services"
measure = "cagr"
low = 12.0
label = { vi = "Dịch vụ tăng", en = "Services growth" }

[targets.services_share]
indicator = "share.services"
measure = "level"
low = 32.0
unit = "%"
label = { vi = "Tỷ trọng dịch vụ", en = "Services share" }

[targets.income]
indicator = "income_per_capita"
measure = "level"
low = 90.0
high = 95.0
unit = "million VND/person"
label = { vi = "Thu nhập năm 2031", en = "Income in 2031" }

[targets.income_floor]
indicator = "income_per_capita"
measure = "min_each_year"
low = 66.0
unit = "million VND/person"
label = { vi = "Thu nhập mỗi năm", en = "Income each year" }

[targets.budget]
indicator = "budget_concept"
measure = "cagr"
low = 9.0
high = 10.0
label = { vi = "Thu ngân sách tăng", en = "Budget growth" }

[targets.budget_off]
indicator = "budget_concept"
measure = "level"
approx = 420.0
unit = "billion VND"
label = { vi = "Thu ngân sách năm 2031", en = "Budget in 2031" }
seek = []

[targets.total_as_planned]
indicator = "output.total"
measure = "cagr"
low = 10.6
label = { vi = "Tổng tăng theo kế hoạch", en = "Total growth as planned" }
seek_within_range = ["sectors.services.growth_pct"]
"""


@pytest.fixture(scope="module")
def locality(tmp_path_factory):
    folder = tmp_path_factory.mktemp("defaults")
    shutil.copy(LOCALITY / "baseline.toml", folder / "baseline.toml")
    (folder / "plan.toml").write_text(PLAN, encoding="utf-8")
    return load_scenario("baseline", folder)


@pytest.fixture(scope="module")
def table(locality):
    return goal_seek_table(locality).set_index("goal")


def test_seek_left_out_is_not_seek_empty(locality):
    targets = {t.key: t for t in locality.plan.targets}
    assert targets["income"].seek is None  # the default
    assert targets["budget_off"].seek == ()  # seek = []: none
    assert targets["total_as_planned"].seek is None
    assert targets["total_as_planned"].seek_within_range == ("sectors.services.growth_pct",)


def test_every_target_gets_a_row_unless_the_plan_says_otherwise(table):
    # budget_off: seek = [] switches it off; total_as_planned: seek_within_range alone, no default
    assert list(table.index) == [
        "total_via_industry",
        "services_via_services",
        "services_share_via_services",
        "income_via_income_per_capita",
        "income_floor_via_income_per_capita",
        "budget_via_budget_revenue",
        "total_as_planned_via_services",
    ]
    assert table.reachable.all()
    defaults = table.drop("total_as_planned_via_services")
    assert (defaults.bracket_low == 0.0).all()  # the wide brackets: 0-40 %/yr, elasticity 0-3
    assert list(defaults.bracket_high) == [40.0, 40.0, 40.0, 40.0, 40.0, 3.0]
    within = table.loc["total_as_planned_via_services"]
    assert (within.bracket_low, within.bracket_high) == (9.5, 11.5)  # its uncertainty range
    # 0.3 (1 + x)^5 + 0.7 x 1.105^5 = 1.106^5
    x = ((1.106**5 - 0.7 * 1.105**5) / 0.3) ** 0.2 - 1
    assert within.value_found == pytest.approx(100 * x, abs=1e-8)


def test_total_growth_moves_the_largest_sector(table):
    # industry holds 45 % of the base year: 0.45 (1 + x)^5 + 0.55 x 1.105^5 = 1.10^5
    x = ((1.10**5 - 0.55 * 1.105**5) / 0.45) ** 0.2 - 1
    row = table.loc["total_via_industry"]
    assert row.parameter == "sectors.industry.growth_pct"
    assert row.target == 10.0  # the low end of 10-11: what it takes to meet the band
    assert row.value_found == pytest.approx(100 * x, abs=1e-8)


def test_a_sectors_growth_at_a_constant_rate_is_that_rate(table):
    assert table.loc["services_via_services", "value_found"] == pytest.approx(12.0, abs=1e-8)


def test_a_share_moves_its_sectors_rate(table):
    # 30 (1 + x)^5 / (30 (1 + x)^5 + 70 x 1.105^5) = 0.32
    x = (0.32 * 70 * 1.105**5 / (30 * 0.68)) ** 0.2 - 1
    row = table.loc["services_share_via_services"]
    assert row.parameter == "sectors.services.growth_pct"
    assert row.value_found == pytest.approx(100 * x, abs=1e-8)


def test_an_indicator_level_moves_its_own_growth_rate(table):
    row = table.loc["income_via_income_per_capita"]
    assert row.parameter == "indicators.income_per_capita.growth_pct"
    assert row.value_found == pytest.approx(100 * (1.5**0.2 - 1), abs=1e-8)  # 60 -> 90: 8.45


def test_the_smallest_yearly_value_binds_in_the_first_year(table):
    # a growing series is smallest in its first year: 60 (1 + g) = 66
    row = table.loc["income_floor_via_income_per_capita"]
    assert row.value_found == pytest.approx(10.0, abs=1e-8)


def test_the_budget_line_moves_its_elasticity(table):
    # output grows 10.5 %/yr every year, so the budget grows 10.5 e %/yr: e = 9 / 10.5
    row = table.loc["budget_via_budget_revenue"]
    assert row.parameter == "indicators.budget_revenue.elasticity"
    assert row.value_found == pytest.approx(9 / 10.5, abs=1e-9)


def test_a_level_target_in_the_bundled_scenario_gives_15_65_percent_a_year():
    # the bundled budget_2025 ("about 600" from 290 in 5 years) with its seek left to the default
    scenario = load_scenario(
        "baseline",
        SCENARIOS,
        settings=[
            'indicators.budget_revenue.rule="growth"',
            "indicators.budget_revenue.growth_pct=9",
        ],
    )
    budget = replace(target_by_key("budget_2025", scenario.plan.targets), seek=None)
    scenario = replace(scenario, plan=replace(scenario.plan, targets=(budget,)))
    row = goal_seek_table(scenario).set_index("goal").loc["budget_2025_via_budget_revenue"]
    assert row.parameter == "indicators.budget_revenue.growth_pct"
    assert row.value_found == pytest.approx(100 * ((600 / 290) ** 0.2 - 1), abs=1e-8)
    assert round(row.value_found, 2) == 15.65


def test_services_growth_after_the_covid_years():
    # covid_shock fixes services at 4 % in 2021 and 18 % in 2022: the rate of 2023-2025 that
    # makes 2020-2025 average 15.5 %/yr is (1.155^5 / (1.04 x 1.18))^(1/3) - 1
    scenario = load_scenario("covid_shock", SCENARIOS)
    table = goal_seek_table(scenario).set_index("goal")
    needed = (1.155**5 / (1.04 * 1.18)) ** (1 / 3) - 1
    assert table.loc["services_growth_via_services", "value_found"] == pytest.approx(
        100 * needed, abs=1e-8
    )


def test_the_default_parameter_of_each_kind_of_indicator():
    scenario = load_scenario("baseline", SCENARIOS)
    targets = {t.key: t for t in scenario.plan.targets}
    assert default_seek(scenario, targets["output_growth"]) == ("sectors.services.growth_pct",)
    assert default_seek(scenario, targets["agriculture_growth"]) == (
        "sectors.agriculture.growth_pct",
    )
    assert default_seek(scenario, targets["land_use_each_year"]) == ("indicators.land_use_revenue",)
    # budget_concept: the line the scenario names; a sum: its first part (the 290-concept line)
    total = load_scenario(
        "baseline", SCENARIOS, settings=['targets.budget_concept="budget_revenue_total"']
    )
    assert default_seek(total, targets["budget_2025"]) == ("indicators.budget_revenue",)
    # no parameter of its own: the residual block, a growth series, an indicator not projected
    for indicator in ("output.other", "growth.total", "population"):
        assert default_seek(scenario, replace(targets["output_growth"], indicator=indicator)) == ()


def test_a_goal_crossed_twice_gives_the_lowest_true_crossing():
    # output falls 30 % in 2021, then grows 10 %/yr: income with elasticity e ends at
    # 46 (1 - 0.3 e) (1 + 0.1 e)^4, which rises up to e = 2/3 and falls after: 2 % above the
    # base is reached twice in [0, 3]
    settings = [f"sectors.{s}.growth_pct=10" for s in ("services", "industry", "agriculture")]
    settings += [
        f"sectors.{s}.growth_pct_by_year.2021=-30" for s in ("services", "industry", "agriculture")
    ]
    scenario = load_scenario("baseline", SCENARIOS, settings=settings)
    goal = custom_target("income_per_capita", "level", 2020, 2025)
    found = goal_seek(
        scenario, "indicators.income_per_capita.elasticity", goal, 46 * 1.02, (0.0, 3.0)
    )

    def gap(e):
        return (1 - 0.3 * e) * (1 + 0.1 * e) ** 4 - 1.02

    lowest = brentq(gap, 0.0, 2 / 3, xtol=1e-14)
    assert brentq(gap, 2 / 3, 3.0) > lowest  # (the second crossing)
    assert found.reachable and found.crossings == 2
    assert found.value_found == pytest.approx(lowest, abs=1e-9)
    assert "crossed 2 times" in found.note


def test_the_new_rows_read_in_both_languages(locality, table):
    labels = linked_labels(run_scenario(locality))
    targets = locality.plan.targets
    rows = goal_seek_table(locality)
    said = {
        (goal, lang): goal_seek_text(row, lang, labels, targets)
        for goal, row in zip(rows.goal, rows.itertuples(index=False), strict=True)
        for lang in ("vi", "en")
    }
    x = f"{100 * (((1.10**5 - 0.55 * 1.105**5) / 0.45) ** 0.2 - 1):.3f}"
    assert said[("total_via_industry", "vi")] == (
        f"Tổng tăng: để đạt mức tối thiểu 10 %/năm cần “Công nghiệp - xây dựng: tăng trưởng” = "
        f"{x.replace('.', ',')} %/năm"
    )
    assert said[("total_via_industry", "en")] == (
        f"Total growth: to reach the minimum of 10 %/yr takes “Industry & construction: growth” = "
        f"{x} %/yr"
    )
    # a level reached by an own growth rate: the average growth would repeat it, so it is not said
    assert said[("income_via_income_per_capita", "en")] == (
        "Income in 2031: to reach the minimum of 90 million VND/person takes “Income per head: "
        "growth” = 8.447 %/yr"
    )
    assert said[("budget_via_budget_revenue", "vi")] == (
        "Thu ngân sách tăng: để đạt mức tối thiểu 9 %/năm cần “Thu ngân sách xã: hệ số co giãn” = "
        "0,857"
    )
    assert said[("total_as_planned_via_services", "en")].endswith(
        " %/yr; inside the scenario's range 9.5-11.5 %/yr"
    )


def test_a_level_reached_by_an_elasticity_says_the_growth_it_implies():
    scenario = load_scenario("baseline", SCENARIOS)
    income = target_by_key("income_2025", scenario.plan.targets)
    scenario = replace(scenario, plan=replace(scenario.plan, targets=(income,)))
    row = next(goal_seek_table(scenario).itertuples(index=False))
    labels = linked_labels(run_scenario(scenario))
    rate = 100 * ((55 / 46) ** 0.2 - 1)  # 46 -> 55 million in 5 years: 3.64 %/yr
    vi = goal_seek_text(row, "vi", labels, scenario.plan.targets)
    en = goal_seek_text(row, "en", labels, scenario.plan.targets)
    assert (
        f"; Thu nhập bình quân đầu người tăng bình quân {rate:.2f} %/năm;".replace(".", ",") in vi
    )
    assert f"; Per-capita income: average growth {rate:.2f} %/yr;" in en


def test_the_starter_plan_gets_a_goal_seek_for_each_target(tmp_path):
    from sim.cli import main

    assert main(["--new-plan", str(tmp_path / "new")]) == 0
    starter = load_scenario("baseline", tmp_path / "new")
    table = goal_seek_table(starter)
    # no seek in the starter: output.total moves services, its largest sector (40 %)
    assert list(table.goal) == [
        "output_growth_via_services",
        "income_2030_via_income_per_capita",
        "budget_2030_via_budget_revenue",
    ]
    assert table.reachable.all()
