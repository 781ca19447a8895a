"""The compare view's attribution: exact Shapley values that add up to the whole gap."""

import itertools
import math

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.analysis.compare import (
    CompareError,
    attribute,
    compare_run,
    differing_parameters,
    shapley_values,
    subsets,
)
from sim.run import load_scenarios, run_scenario


def _load(*names, settings=()):
    return {s.name: s for s in load_scenarios(list(names), SCENARIOS, settings)}


@pytest.fixture(scope="module")
def bundled():
    scenarios = _load()
    return scenarios, {name: run_scenario(s) for name, s in scenarios.items()}


def _by(rows, indicator):
    return {r.parameter: r.contribution for r in rows if r.indicator == indicator}


@pytest.mark.parametrize("other", ["covid_shock", "optimistic"])
@pytest.mark.parametrize("indicator", ["output.total", "income_per_capita", "budget_revenue"])
def test_contributions_add_up_to_the_whole_gap(bundled, other, indicator):
    scenarios, results = bundled
    rows = attribute(scenarios["baseline"], scenarios[other])
    gap = results[other].series[indicator][-1] - results["baseline"].series[indicator][-1]
    assert abs(gap) > 0.1  # a real gap, not a trivial zero
    assert sum(_by(rows, indicator).values()) == pytest.approx(gap, rel=1e-9)
    assert {r.year for r in rows} == {2025}


def test_covid_budget_gap_is_mostly_the_2021_services_and_industry_shock(bundled):
    scenarios, _ = bundled
    budget = _by(attribute(scenarios["baseline"], scenarios["covid_shock"]), "budget_revenue")
    assert sum(budget.values()) == pytest.approx(-34.923, abs=1e-3)
    assert budget["sectors.services.growth_pct_by_year.2021"] == pytest.approx(-29.70, abs=0.01)
    assert budget["sectors.industry.growth_pct_by_year.2021"] == pytest.approx(-12.72, abs=0.01)
    assert budget["sectors.services.growth_pct_by_year.2022"] == pytest.approx(4.66, abs=0.01)
    # the investment and retail shocks do not feed the budget (it follows output)
    assert budget["indicators.retail.growth_pct_by_year.2021"] == 0.0


def test_shapley_by_hand_on_a_multiplicative_toy():
    # v(T) = 2^[a in T] * 3^[b in T]: v() = 1, v(a) = 2, v(b) = 3, v(ab) = 6.
    # phi_a = ((2 - 1) + (6 - 3)) / 2 = 2; phi_b = ((3 - 1) + (6 - 2)) / 2 = 3; sum 5 = 6 - 1.
    member = subsets(2)
    worth = np.where(member[:, 0], 2.0, 1.0) * np.where(member[:, 1], 3.0, 1.0)
    assert list(worth) == [1.0, 2.0, 3.0, 6.0]
    assert shapley_values(worth, 2) == pytest.approx([2.0, 3.0])


def test_shapley_three_players_by_hand():
    # v = product of (1 + x_i) with x = (1, 2, 3) switched on: weights 1/3, 1/6, 1/6, 1/3.
    member = subsets(3)
    worth = np.prod(np.where(member, [2.0, 3.0, 4.0], 1.0), axis=1)
    phi_a = (2 - 1) / 3 + (6 - 3) / 6 + (8 - 4) / 6 + (24 - 12) / 3
    values = shapley_values(worth, 3)
    assert values[0] == pytest.approx(phi_a)
    assert values.sum() == pytest.approx(24 - 1)


def test_symmetric_players_get_equal_shares():
    member = subsets(3)
    worth = (member[:, 0].astype(float) + member[:, 1]) ** 2 * (1 + member[:, 2])
    values = shapley_values(worth, 3)
    assert values[0] == pytest.approx(values[1])
    assert values[0] != pytest.approx(values[2])


def test_two_single_years_of_equal_effect_get_equal_shares():
    # One sector's rate moved by the same points from the same rate in two years: the level
    # compounds the two factors alike, so total output moves the same with either. (Not the
    # budget: it follows each year's total growth, whose mix differs from year to year.)
    settings = [
        "sectors.services.growth_pct_by_year.2021=10",
        "sectors.services.growth_pct_by_year.2022=10",
    ]
    base = _load("baseline")["baseline"]
    other = _load("baseline", settings=settings)["baseline"]
    shares = _by(attribute(base, other), "output.total")
    assert len(shares) == 2
    first, second = shares.values()
    assert first == pytest.approx(second, rel=1e-12)
    assert first < -1.0


def test_shares_do_not_depend_on_the_order_of_the_players():
    rng = np.random.default_rng(7)
    p = 4
    worth = rng.normal(size=2**p)
    values = shapley_values(worth, p)
    for order in itertools.permutations(range(p)):
        # player j of the permuted game is player order[j] of the original
        index = [sum(1 << order[j] for j in range(p) if k >> j & 1) for k in range(2**p)]
        assert shapley_values(worth[index], p) == pytest.approx(values[list(order)])


def test_swapping_base_and_scenario_negates_every_share(bundled):
    # (the dual game: exact also for single-year rates present in one scenario only)
    scenarios, _ = bundled
    forward = attribute(scenarios["baseline"], scenarios["covid_shock"])
    backward = attribute(scenarios["covid_shock"], scenarios["baseline"])
    for indicator in ("output.total", "budget_revenue"):
        there, back = _by(forward, indicator), _by(backward, indicator)
        assert set(there) == set(back)
        for path, value in there.items():
            assert back[path] == pytest.approx(-value, abs=1e-9)


def test_a_single_year_in_one_scenario_counts_as_differing(bundled):
    scenarios, _ = bundled
    pairs = differing_parameters(scenarios["baseline"], scenarios["covid_shock"])
    assert pairs["sectors.services.growth_pct_by_year.2021"] == (16.0, 4.0)  # base: its rate
    low, high = pairs["indicators.retail.growth_pct_by_year.2021"]
    assert math.isnan(low) and high == 5.0  # base: no override, its rule applies
    assert "sectors.services.growth_pct" not in pairs


def test_identical_scenarios_have_no_attribution(bundled):
    scenarios, _ = bundled
    assert attribute(scenarios["baseline"], scenarios["baseline"]) == []


def test_different_years_are_refused():
    base = _load("baseline")["baseline"]
    longer = {s.name: s for s in load_scenarios(["baseline"], SCENARIOS, (), 2030)}["baseline"]
    with pytest.raises(CompareError, match="years: baseline 2020-2025, baseline 2020-2030") as info:
        attribute(base, longer)
    assert info.value.render("vi").endswith(
        "khác nhau về cấu trúc, không chỉ về số liệu "
        "(năm gốc - năm cuối: baseline 2020-2025, baseline 2020-2030)"
    )


def test_a_different_rule_is_refused():
    base = _load("baseline")["baseline"]
    other = _load(
        "baseline",
        settings=[
            "indicators.budget_revenue.rule=growth",
            "indicators.budget_revenue.growth_pct=9",
        ],
    )["baseline"]
    with pytest.raises(CompareError) as info:
        attribute(base, other)
    said = (
        "Budget revenue (excl. land-use fees): baseline by elasticity, baseline by its own growth"
    )
    assert f"(rule of {said})" in str(info.value)
    assert (
        "cách tính Thu ngân sách (không tính tiền sử dụng đất): baseline theo hệ số co giãn, "
        "baseline theo tốc độ tăng riêng" in info.value.render("vi")
    )


def test_an_own_rate_of_the_other_block_against_none_is_refused():
    # Without its own rate the 'other' block grows with the three sectors: a rule, not a value
    # the attribution could give the base (it used to end in the model's UnknownParameterError).
    base = _load("baseline")["baseline"]
    own = _load("baseline", settings=["structure.residual_growth_pct=20"])["baseline"]
    for a, b in ((base, own), (own, base)):
        with pytest.raises(CompareError, match="growth of the other block") as info:
            attribute(a, b)
        assert "tăng trưởng phần còn lại" in info.value.render("vi")
    assert "with the three sectors, baseline its own 20 %/yr" in str(
        pytest.raises(CompareError, attribute, base, own).value
    )


def test_a_different_residual_is_one_problem_said_in_words():
    base = _load("baseline")["baseline"]
    normalised = _load("baseline", settings=["structure.residual=normalise"])["baseline"]
    with pytest.raises(CompareError) as info:
        attribute(base, normalised)
    assert info.value.render("vi").endswith(
        "(phần chênh lệch tỷ trọng (structure.residual): baseline giữ thành khối riêng, "
        "baseline quy về 100 %)"
    )
    assert "growth of the other block" not in str(info.value)  # (its growth: no second problem)


def test_a_different_budget_line_is_named_by_its_labels():
    base = _load("baseline")["baseline"]
    total = _load("baseline", settings=["targets.budget_concept=budget_revenue_total"])["baseline"]
    with pytest.raises(CompareError) as info:
        attribute(base, total)
    assert str(info.value).endswith(
        "(targets.budget_concept: baseline Budget revenue (excl. land-use fees), baseline "
        "Budget revenue (excl. land-use fees) + Land-use fee revenue)"
    )


def test_too_many_groups_are_said_of_their_pair(bundled, monkeypatch):
    import sim.analysis.compare as compare

    monkeypatch.setattr(compare, "MAX_PARAMETERS", 2)
    scenarios, _ = bundled
    with pytest.raises(CompareError) as info:
        attribute(scenarios["baseline"], scenarios["covid_shock"])
    assert info.value.render("vi").startswith("so sánh 'covid_shock' với 'baseline': 9 tham số")
    assert str(info.value).startswith("comparing 'covid_shock' with 'baseline': 9 parameters")


def test_two_own_rates_of_the_other_block_are_attributed(bundled):
    low = _load("baseline", settings=["structure.residual_growth_pct=5"])["baseline"]
    high = _load("baseline", settings=["structure.residual_growth_pct=20"])["baseline"]
    rows = attribute(low, high)
    gap = (
        run_scenario(high).series["output.total"][-1] - run_scenario(low).series["output.total"][-1]
    )
    assert gap > 0
    assert _by(rows, "output.total") == pytest.approx({"structure.residual_growth_pct": gap})


def test_unknown_base_is_named(bundled):
    _, results = bundled
    with pytest.raises(CompareError, match="--compare nosuch: no such scenario.*baseline") as info:
        compare_run("nosuch", list(results.values()))
    assert info.value.render("vi") == (
        "--compare nosuch: lần chạy này không có kịch bản đó "
        "(đã chạy: baseline, covid_shock, optimistic)"
    )


def test_differences_hold_end_year_levels_and_targets(bundled):
    _, results = bundled
    compare = compare_run("baseline", list(results.values()))
    rows = {(d.scenario, d.item): d for d in compare.differences}
    budget = rows[("covid_shock", "budget_revenue")]
    assert budget.difference == pytest.approx(-34.923, abs=1e-3)
    target = rows[("covid_shock", "target:budget_2025")]
    assert target.difference == pytest.approx(budget.difference)
    assert {d.scenario for d in compare.differences} == {"covid_shock", "optimistic"}


def test_a_compare_run_checks_each_pair_once_and_still_names_one_that_differs(bundled, monkeypatch):
    import sim.analysis.compare as compare

    checked: list[tuple[str, str]] = []
    real = compare.check_comparable

    def counted(base, other):
        checked.append((base.name, other.name))
        real(base, other)

    monkeypatch.setattr(compare, "check_comparable", counted)
    _, results = bundled
    compare_run("baseline", list(results.values()))
    assert checked == [("baseline", "covid_shock"), ("baseline", "optimistic")]
    longer = _load("optimistic", settings=["end_year=2026"])["optimistic"]
    checked.clear()
    with pytest.raises(CompareError) as info:
        compare_run("baseline", [results["baseline"], results["covid_shock"], run_scenario(longer)])
    assert checked == [("baseline", "covid_shock"), ("baseline", "optimistic")]
    assert str(info.value) == (
        "cannot compare 'optimistic' with 'baseline': they differ in structure, not only in "
        "numbers (years: baseline 2020-2025, optimistic 2020-2026)"
    )


def test_above_the_cap_parameters_are_grouped_by_sector_or_indicator(bundled):
    # covid's 9 single-year rates and 8 more settings: 17 parameters > 16, so 7 groups
    settings = [
        "sectors.services.growth_pct=17",
        "sectors.industry.growth_pct=14",
        "sectors.agriculture.growth_pct=3",
        "indicators.income_per_capita.elasticity=0.3",
        "indicators.budget_revenue.elasticity=0.9",
        "indicators.investment.growth_pct=8",
        "indicators.retail.growth_pct=18",
        "indicators.budget_revenue.base=300",
    ]
    scenarios, _ = bundled
    other = _load("baseline", settings=settings)["baseline"]
    assert len(differing_parameters(scenarios["covid_shock"], other)) == 17
    rows = attribute(scenarios["covid_shock"], other)
    budget = _by(rows, "budget_revenue")
    assert set(budget) == {
        "sectors.services",
        "sectors.industry",
        "sectors.agriculture",
        "indicators.income_per_capita",
        "indicators.budget_revenue",
        "indicators.investment",
        "indicators.retail",
    }
    gap = run_scenario(other).series["budget_revenue"][-1]
    gap -= run_scenario(scenarios["covid_shock"]).series["budget_revenue"][-1]
    assert sum(budget.values()) == pytest.approx(gap, rel=1e-9)
    assert budget["indicators.investment"] == 0.0
