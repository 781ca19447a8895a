"""Actuals files, re-baselining and the growth the rest of the term needs."""

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.run import run_scenario
from sim.scenario.actuals import ActualsError, check_against, read_actuals
from sim.scenario.loader import load_scenario
from sim.term.tracking import plan_vs_actual, rebaseline, required_growth

HEADER = "indicator,year,value,status,source,note\n"


@pytest.fixture
def write_actuals(tmp_path):
    def write(body: str, header: str = HEADER):
        path = tmp_path / "actuals.csv"
        path.write_text(header + body, encoding="utf-8")
        return path

    return write


def problems(path):
    with pytest.raises(ActualsError) as info:
        read_actuals(path)
    return [str(p) for p in info.value.problems]


def test_example_file_reads():
    actuals = read_actuals(SCENARIOS / "actuals_example.csv")
    assert actuals.latest_year == 2022
    assert actuals.for_indicator("growth.services")[2021].value == 6.1
    assert actuals.for_indicator("growth.total")[2022].status == "estimate"


def test_decimal_comma_in_quotes(write_actuals):
    actuals = read_actuals(write_actuals('growth.services,2021,"5,5",final,,\n'))
    assert actuals.observations[0].value == 5.5


# ----------------------------------------------------------------------------- validation


def test_unknown_indicator_with_hint(write_actuals):
    [p] = problems(write_actuals("growth.service,2021,5,final,,\n"))
    assert (
        "actuals.csv:2: indicator = 'growth.service': unknown indicator (did you mean 'growth.services'?)"
        in p
    )


def test_bad_year(write_actuals):
    [p] = problems(write_actuals("growth.services,21,5,final,,\n"))
    assert "year = '21': a 4-digit year is expected" in p


@pytest.mark.parametrize(
    "value, rule", [("abc", "must be a number"), ("nan", "finite"), ("-100", "above -100")]
)
def test_bad_growth_value(write_actuals, value, rule):
    [p] = problems(write_actuals(f"growth.services,2021,{value},final,,\n"))
    assert rule in p


def test_level_must_be_positive(write_actuals):
    [p] = problems(write_actuals("income_per_capita,2021,0,final,,\n"))
    assert "a level must be greater than 0" in p


def test_bad_status(write_actuals):
    [p] = problems(write_actuals("growth.services,2021,5,provisional,,\n"))
    assert "status = 'provisional': must be one of final, estimate" in p


def test_duplicate_row(write_actuals):
    [p] = problems(
        write_actuals("growth.services,2021,5,final,,\ngrowth.services,2021,6,final,,\n")
    )
    assert "actuals.csv:3" in p and "already given on line 2" in p


def test_missing_and_unknown_columns(write_actuals):
    found = problems(write_actuals("growth.services,2021,5\n", header="indicator,year,valeu\n"))
    assert any("unknown column (did you mean 'value'?)" in p for p in found)
    assert any("missing column(s): value, status" in p for p in found)


def test_every_row_problem_is_reported_at_once(write_actuals):
    body = (
        "growth.service,2021,5,final,,\nincome_per_capita,20x1,47,final,,\nretail,2021,-1,final,,\n"
    )
    assert len(problems(write_actuals(body))) == 3


def test_empty_file(write_actuals):
    assert "no observations" in problems(write_actuals(""))[0]


def test_missing_file(tmp_path):
    with pytest.raises(ActualsError, match="not found"):
        read_actuals(tmp_path / "nope.csv")


def test_actuals_outside_the_scenario_years(write_actuals):
    actuals = read_actuals(
        write_actuals("growth.services,2027,5,final,,\ngrowth.industry,2020,5,final,,\n")
    )
    found = [str(p) for p in check_against(actuals, 2020, 2025, ["income_per_capita"])]
    assert any("2027: outside the projection years 2020-2025" in p for p in found)
    assert any("growth in the base year 2020" in p for p in found)


# ----------------------------------------------------------------------------- re-baselining


def plan_as_actuals(plan, write_actuals, indicators, years):
    rows = []
    for name in indicators:
        for year in years:
            rows.append(f"{name},{year},{float(plan.series[name][year - 2020])!r},final,,")
    return read_actuals(write_actuals("\n".join(rows) + "\n"))


def test_rebaselining_with_the_plan_as_actuals_reproduces_the_plan(write_actuals):
    scenario = load_scenario("covid_shock", SCENARIOS)
    plan = run_scenario(scenario)
    actuals = plan_as_actuals(
        plan,
        write_actuals,
        [
            "growth.services",
            "growth.industry",
            "growth.agriculture",
            "income_per_capita",
            "budget_revenue",
            "investment",
        ],
        [2021, 2022],
    )
    rebased = rebaseline(scenario, actuals).result
    for name, values in plan.series.items():
        np.testing.assert_allclose(
            rebased.series[name], values, rtol=1e-12, equal_nan=True, err_msg=name
        )


def test_rebaselining_pins_observed_years_and_follows_the_rules_after(write_actuals):
    scenario = load_scenario("baseline", SCENARIOS)
    actuals = read_actuals(
        write_actuals("growth.services,2021,6.0,final,,\nincome_per_capita,2022,49.0,estimate,,\n")
    )
    result = rebaseline(scenario, actuals).result
    assert result.series["growth.services"][1] == pytest.approx(6.0)
    np.testing.assert_allclose(result.series["growth.services"][2:], 16.0)
    assert result.series["income_per_capita"][2] == pytest.approx(49.0)
    # after the last observation income follows its elasticity rule again (0.29 x output growth)
    np.testing.assert_allclose(
        result.series["growth.income_per_capita"][3:],
        0.29 * result.series["growth.total"][3:],
        rtol=1e-12,
    )
    assert result.series["income_per_capita"][-1] == pytest.approx(
        49.0 * np.prod(1 + 0.29 * result.series["growth.total"][3:] / 100), rel=1e-12
    )


def test_observed_total_growth_shifts_the_sectors_of_that_year(write_actuals):
    scenario = load_scenario("baseline", SCENARIOS)
    actuals = read_actuals(
        write_actuals("growth.total,2022,13.5,estimate,,\ngrowth.services,2022,12.0,final,,\n")
    )
    reb = rebaseline(scenario, actuals)
    series = reb.result.series
    assert series["growth.total"][2] == pytest.approx(13.5, abs=1e-9)
    assert series["growth.services"][2] == pytest.approx(12.0)
    factor = series["growth.industry"][2] / 15.0
    assert series["growth.agriculture"][2] / 3.5 == pytest.approx(factor)
    assert any("growth of industry, agriculture scaled by" in n for n in reb.notes)


def test_plan_against_actual_deviation(write_actuals):
    scenario = load_scenario("baseline", SCENARIOS)
    plan = run_scenario(scenario)
    actuals = read_actuals(
        write_actuals("growth.services,2021,6.0,final,,\nbudget_revenue,2021,300,final,,\n")
    )
    table = plan_vs_actual([plan], actuals).set_index("indicator")
    assert table.loc["growth.services", "deviation"] == pytest.approx(6.0 - 16.0)
    planned_budget = plan.series["budget_revenue"][1]
    assert table.loc["budget_revenue", "deviation_pct"] == pytest.approx(
        (300 / planned_budget - 1) * 100
    )


def test_required_growth_matches_the_closed_form(write_actuals):
    scenario = load_scenario("baseline", SCENARIOS)
    plan = run_scenario(scenario)
    actuals = read_actuals(
        write_actuals("income_per_capita,2022,49.0,final,,\nbudget_revenue,2023,400,final,,\n")
    )
    table = required_growth([rebaseline(scenario, actuals)], [plan]).set_index("target")
    income = table.loc["income_2025"]
    assert income.latest_actual_year == 2022
    assert income.required_low_pct == pytest.approx(((55 / 49) ** (1 / 3) - 1) * 100)
    assert income.required_high_pct == pytest.approx(((58 / 49) ** (1 / 3) - 1) * 100)
    # x_T = x_L (1 + g)^(T - L): budget 400 in 2023 -> 600 in 2025
    budget = table.loc["budget_2025"]
    assert budget.latest_actual_year == 2023
    g = budget.required_low_pct / 100
    assert 400 * (1 + g) ** 2 == pytest.approx(600)
    # average-growth target: 290 * 1.13^5 reached from 400 in 2023
    growth = table.loc["budget_growth"]
    assert 400 * (1 + growth.required_low_pct / 100) ** 2 == pytest.approx(290 * 1.13**5)


def test_already_met_and_out_of_reach(write_actuals):
    scenario = load_scenario("baseline", SCENARIOS)
    plan = run_scenario(scenario)
    actuals = read_actuals(
        write_actuals("income_per_capita,2024,60.0,final,,\nbudget_revenue,2024,300,final,,\n")
    )
    table = required_growth([rebaseline(scenario, actuals)], [plan]).set_index("target")
    assert table.loc["income_2025", "verdict"].startswith("already met")
    assert table.loc["budget_2025", "verdict"].startswith("out of reach at any plausible rate")
    assert table.loc["budget_2025", "required_low_pct"] == pytest.approx(
        100.0
    )  # 300 -> 600 in a year


@pytest.mark.parametrize("value", ['"1,700"', "1.234.567"])
def test_thousands_separator_is_refused_not_guessed(write_actuals, value):
    [p] = problems(write_actuals(f"investment,2021,{value},final,,\n"))
    assert "thousands separator" in p


def test_a_decimal_point_with_three_digits_is_a_decimal(write_actuals):
    assert (
        read_actuals(write_actuals("income_per_capita,2021,47.125,final,,\n")).observations[0].value
        == 47.125
    )


def test_an_observed_sector_level_pins_that_year(write_actuals, scenario_dir):
    """With output in billion VND, a sector level sets that year's growth from the year before:
    the level is hit exactly, later years grow at the scenario's rate from it."""
    scenario = load_scenario(
        "baseline", scenario_dir, settings=["structure.base_total_bn_vnd=7000"]
    )
    plan = run_scenario(scenario)
    planned_2022 = plan.series["output.services"][2]
    actuals = read_actuals(
        write_actuals(f"output.services,2022,{float(planned_2022) * 0.95!r},final,,\n")
    )
    series = rebaseline(scenario, actuals).result.series
    assert series["output.services"][2] == pytest.approx(planned_2022 * 0.95)
    assert series["growth.services"][1] == pytest.approx(16.0)
    assert series["growth.services"][2] == pytest.approx((0.95 * 1.16 - 1) * 100)
    np.testing.assert_allclose(series["growth.services"][3:], 16.0)
    # the plan as actuals reproduces the plan
    same = read_actuals(write_actuals(f"output.services,2022,{float(planned_2022)!r},final,,\n"))
    np.testing.assert_allclose(
        rebaseline(scenario, same).result.series["output.total"],
        plan.series["output.total"],
        rtol=1e-12,
    )


def test_a_sector_level_needs_output_in_billion_vnd(write_actuals):
    actuals = read_actuals(write_actuals("output.services,2022,120,final,,\n"))
    found = [str(p) for p in check_against(actuals, 2020, 2025, [], "baseline")]
    assert any("projects output as an index" in p and "base_total_bn_vnd" in p for p in found)
