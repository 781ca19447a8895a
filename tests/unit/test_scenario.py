"""Scenario files: inheritance, --set, and one test per validation rule."""

import numpy as np
import pytest
from conftest import MINIMAL, SCENARIOS, only_problem, problems_of

from sim.core.model import project, projection_series
from sim.scenario.loader import ScenarioError, load_scenario
from sim.scenario.params import UnknownParameterError, build_inputs, numeric_parameters

# ----------------------------------------------------------------------------- bundled files


def test_bundled_scenarios_load_without_warnings():
    for name in ("baseline", "covid_shock", "optimistic"):
        scenario = load_scenario(name, SCENARIOS)
        assert scenario.warnings == ()
        assert scenario.title_vi and scenario.title_en and scenario.title_vi != scenario.title_en


def test_child_inherits_and_overrides_sparsely():
    base = load_scenario("baseline", SCENARIOS)
    covid = load_scenario("covid_shock", SCENARIOS)
    assert covid.sectors["services"].growth_pct == base.sectors["services"].growth_pct == 16.0
    assert covid.sectors["services"].growth_pct_by_year == {2021: 4.0, 2022: 18.0}
    assert base.sectors["services"].growth_pct_by_year == {}
    assert covid.indicators["budget_revenue"] == base.indicators["budget_revenue"]
    assert covid.title_en == "COVID-19 shock"  # titles are not inherited
    assert [p.name for p in covid.files] == ["covid_shock.toml", "baseline.toml"]
    optimistic = load_scenario("optimistic", SCENARIOS)
    assert optimistic.sectors["industry"].growth_pct == 15.5
    assert optimistic.sectors["industry"].share_pct == 43.1


def test_covid_year_overrides_reach_the_model():
    covid = load_scenario("covid_shock", SCENARIOS)
    series = projection_series(project(build_inputs(covid)))
    np.testing.assert_allclose(series["growth.services"][1:3], [4.0, 18.0])
    np.testing.assert_allclose(series["growth.services"][3:], 16.0)


def test_set_overrides_a_value_for_one_run(scenario_dir):
    scenario = load_scenario(
        "baseline",
        scenario_dir,
        settings=["sectors.industry.growth_pct=10", "sectors.services.growth_pct_by_year.2021=4"],
    )
    assert scenario.sectors["industry"].growth_pct == 10.0
    assert scenario.sectors["services"].growth_pct_by_year == {2021: 4.0}
    assert scenario.settings == (
        "sectors.industry.growth_pct=10",
        "sectors.services.growth_pct_by_year.2021=4",
    )
    series = projection_series(project(build_inputs(scenario)))
    assert series["cagr.industry"][-1] == pytest.approx(10.0)
    # the file itself is untouched
    assert "growth_pct = 15.0" in (scenario_dir / "baseline.toml").read_text(encoding="utf-8")


def test_set_with_a_word_value(scenario_dir):
    scenario = load_scenario("baseline", scenario_dir, settings=["structure.residual=normalise"])
    assert scenario.residual == "normalise"


def test_end_year_override_extends_the_horizon():
    scenario = load_scenario("baseline", SCENARIOS, end_year=2030)
    assert list(scenario.years) == list(range(2020, 2031))


def test_build_inputs_replaces_parameters_with_draws():
    scenario = load_scenario("covid_shock", SCENARIOS)
    inputs = build_inputs(
        scenario,
        {
            "sectors.services.growth_pct": np.array([15.5, 16.5]),
            "sectors.services.growth_pct_by_year.2021": np.array([2.0, 6.0]),
        },
    )
    assert inputs.sectors.growth_pct.shape == (2, 3, 5)
    np.testing.assert_allclose(
        inputs.sectors.growth_pct[:, 0, :],
        [[2.0, 18.0, 15.5, 15.5, 15.5], [6.0, 18.0, 16.5, 16.5, 16.5]],
    )
    with pytest.raises(UnknownParameterError, match="no numeric parameter sectors.services.growth"):
        build_inputs(scenario, {"sectors.services.growth": 1.0})


def test_numeric_parameters_lists_year_overrides():
    params = numeric_parameters(load_scenario("covid_shock", SCENARIOS))
    assert params["sectors.services.growth_pct_by_year.2021"] == 4.0
    assert params["indicators.income_per_capita.elasticity"] == 0.29
    assert "indicators.income_per_capita.growth_pct" not in params


# ----------------------------------------------------------------------------- validation rules


def test_toml_syntax_error_names_the_line(write_scenario):
    text = MINIMAL + "[structure.more]\nbase_total_bn_vnd = = 3\n"
    bad_line = text.splitlines().index("base_total_bn_vnd = = 3") + 1
    problem = only_problem(write_scenario("broken", text))
    assert "broken.toml: TOML syntax error" in problem and f"line {bad_line}," in problem


def test_unknown_key_suggests_the_right_one(write_scenario):
    path = write_scenario("typo", MINIMAL.replace("growth_pct = 16.0", "growth_pc = 16.0"))
    problems = problems_of(path)
    assert any(
        "sectors.services.growth_pc = 16.0: unknown key (did you mean 'growth_pct'?)" in p
        for p in problems
    ), problems


def test_unknown_sector_suggests_the_right_one(write_scenario):
    path = write_scenario("sector", MINIMAL + "\n[sectors.service]\ngrowth_pct = 3.0\n")
    problem = only_problem(path)
    assert "sectors.service" in problem and "did you mean 'services'" in problem


def test_rate_that_looks_like_a_fraction_warns(write_scenario):
    path = write_scenario("fraction", MINIMAL.replace("growth_pct = 16.0", "growth_pct = 0.16"))
    scenario = load_scenario(path, path.parent)
    assert len(scenario.warnings) == 1
    warning = str(scenario.warnings[0])
    assert "sectors.services.growth_pct = 0.16" in warning and "write 16" in warning


def test_rate_at_or_below_minus_100_is_an_error(write_scenario):
    path = write_scenario("collapse", MINIMAL.replace("growth_pct = 3.5", "growth_pct = -100"))
    problem = only_problem(path)
    assert "collapse.toml: sectors.agriculture.growth_pct = -100" in problem
    assert "above -100" in problem


def test_negative_share_is_an_error(write_scenario):
    path = write_scenario("negative", MINIMAL.replace("share_pct = 7.5", "share_pct = -7.5"))
    assert "sectors.agriculture.share_pct = -7.5: a share must not be negative" in only_problem(
        path
    )


def test_missing_share_is_an_error(write_scenario):
    path = write_scenario("noshare", MINIMAL.replace("share_pct = 43.1\n", ""))
    assert "sectors.industry.share_pct = (missing): required" in only_problem(path)


def test_missing_sector_is_an_error(write_scenario):
    text = MINIMAL.replace("[sectors.agriculture]\nshare_pct = 7.5\ngrowth_pct = 3.5\n", "")
    path = write_scenario("nosector", text)
    assert "sectors.agriculture = (missing)" in only_problem(path)


@pytest.mark.parametrize("literal", ["nan", "inf", "-inf"])
def test_nan_and_infinity_are_errors(write_scenario, literal):
    path = write_scenario("nan", MINIMAL.replace("growth_pct = 15.0", f"growth_pct = {literal}"))
    assert "finite number" in only_problem(path)


def test_text_where_a_number_belongs(write_scenario):
    path = write_scenario("text", MINIMAL.replace("growth_pct = 15.0", 'growth_pct = "15"'))
    assert "sectors.industry.growth_pct = '15': must be a number, not str" in only_problem(path)


def test_year_override_outside_the_horizon(write_scenario):
    text = MINIMAL.replace(
        "growth_pct = 16.0", "growth_pct = 16.0\ngrowth_pct_by_year = { 2020 = 4.0, 2026 = 5.0 }"
    )
    problems = problems_of(write_scenario("years", text))
    assert len(problems) == 2
    assert (
        "growth_pct_by_year.2020 = 4.0: year 2020 is outside the projected years 2021-2025"
        in problems[0]
    )
    assert "2026" in problems[1]


def _unused_shortening_test():
    problems = [
        str(p)
        for p in pytest.raises(
            ScenarioError, load_scenario, "covid_shock", SCENARIOS, end_year=2021
        ).value.problems
    ]
    assert any("growth_pct_by_year.2022" in p and "covid_shock.toml" in p for p in problems)


def test_bad_year_key(write_scenario):
    text = MINIMAL.replace(
        "growth_pct = 16.0", 'growth_pct = 16.0\ngrowth_pct_by_year = { "next" = 4.0 }'
    )
    assert "a year key must be a 4-digit year" in only_problem(write_scenario("yk", text))


def test_end_year_before_base_year(write_scenario):
    path = write_scenario("backwards", MINIMAL.replace("end_year = 2025", "end_year = 2019"))
    assert "end_year = 2019: must be after the base year 2020" in only_problem(path)


def test_end_year_absurdly_far(write_scenario):
    path = write_scenario("far", MINIMAL.replace("end_year = 2025", "end_year = 2090"))
    assert "more than 50 years after the base year" in only_problem(path)


def test_extends_cycle(write_scenario):
    write_scenario("a", 'extends = "b"\n')
    path = write_scenario("b", 'extends = "a"\n')
    problems = problems_of(path)
    assert any("inheritance cycle: b.toml -> a.toml -> b.toml" in p for p in problems), problems


def test_missing_parent(write_scenario):
    path = write_scenario("orphan", 'extends = "nowhere"\n')
    problems = problems_of(path)
    assert any("orphan.toml: extends = 'nowhere': parent scenario not found" in p for p in problems)


def test_shares_not_summing_to_100_need_a_treatment(write_scenario):
    path = write_scenario("gap", MINIMAL.replace('residual = "normalise"', ""))
    problem = only_problem(path)
    assert "structure.residual = (missing)" in problem and "sum to 99.1 %" in problem


def test_other_block_cannot_be_negative(write_scenario):
    text = MINIMAL.replace('residual = "normalise"', 'residual = "other"').replace(
        "share_pct = 7.5", "share_pct = 9.5"
    )
    assert "an 'other' block would be negative" in only_problem(write_scenario("over", text))


def test_child_cannot_change_base_shares(write_scenario):
    write_scenario("root", MINIMAL)
    path = write_scenario("child", 'extends = "root"\n[sectors.services]\nshare_pct = 50.0\n')
    problem = only_problem(path)
    assert (
        "child.toml: sectors.services.share_pct = 50.0: base shares belong to the root" in problem
    )


def test_rule_needs_its_parameter(write_scenario):
    path = write_scenario("rule", MINIMAL.replace("elasticity = 0.3\n", ""))
    assert "indicators.income_per_capita.elasticity = (missing): required by rule" in only_problem(
        path
    )


def test_a_set_its_rule_does_not_use_is_refused_not_a_what_if():
    """--set of an indicator's growth_pct under rule = "elasticity" changed nothing, yet marked
    the scenario a what-if: refused, saying which rule and how to switch it."""
    with pytest.raises(ScenarioError) as info:
        load_scenario("baseline", SCENARIOS, settings=["indicators.budget_revenue.growth_pct=10"])
    (problem,) = info.value.problems
    assert str(problem) == (
        "--set indicators.budget_revenue.growth_pct=10: indicators.budget_revenue.growth_pct = "
        "10: the indicator follows rule = 'elasticity', which does not use growth_pct: this value "
        "would change nothing; set that rule's parameter, or add --set "
        "indicators.budget_revenue.rule=growth"
    )
    assert "không dùng growth_pct: giá trị này không thay đổi gì" in problem.render("vi")
    switched = load_scenario(
        "baseline",
        SCENARIOS,
        settings=[
            "indicators.budget_revenue.rule=growth",
            "indicators.budget_revenue.growth_pct=10",
        ],
    )
    assert switched.indicators["budget_revenue"].growth_pct == 10.0
    # (the file's elasticity is left unused on purpose: no warning of it)
    assert not [w for w in switched.warnings if w.key == "indicators.budget_revenue.elasticity"]


def test_two_settings_of_one_key_or_end_year_twice_are_refused():
    """Which of two --set of one key won hung on their order (a general one after a scoped one
    won), and the what-if marks listed both; --end-year silently beat --set end_year."""
    key = "sectors.services.growth_pct"
    for settings in ([f"{key}=10", f"{key}=12"], [f"baseline:{key}=10", f"{key}=12"]):
        with pytest.raises(ScenarioError) as info:
            load_scenario("baseline", SCENARIOS, settings=settings)
        (problem,) = info.value.problems
        assert str(problem) == (
            f"--set {key}=12: {key} = 12: --set {settings[0]} already gives this key another "
            "value for this scenario; keep one"
        )
    assert load_scenario("baseline", SCENARIOS, settings=[f"{key}=12", f"{key}=12"])
    assert load_scenario("optimistic", SCENARIOS, settings=[f"baseline:{key}=10", f"{key}=12"])
    with pytest.raises(ScenarioError) as info:
        load_scenario("baseline", SCENARIOS, settings=["end_year=2027"], end_year=2030)
    assert "--end-year 2030 cũng đặt năm cuối; hãy dùng một trong hai" in info.value.render("vi")


def test_a_file_key_its_rule_does_not_use_is_a_warning(write_scenario):
    path = write_scenario("unused", MINIMAL + "growth_pct = 5.0\n")
    scenario = load_scenario(path, path.parent)
    assert [str(w) for w in scenario.warnings if "income" in w.key] == [
        f"{path}: indicators.income_per_capita.growth_pct = 5.0: ignored: indicator rule = "
        "'elasticity' does not use this parameter"
    ]


def test_bad_choice(write_scenario):
    path = write_scenario("choice", MINIMAL.replace('rule = "elasticity"', 'rule = "elastic"'))
    assert "must be one of 'growth', 'elasticity'" in only_problem(path)


def test_every_problem_is_reported_at_once(write_scenario):
    text = (
        MINIMAL.replace("growth_pct = 16.0", "growth_pct = -150")
        .replace("share_pct = 7.5", "share_pct = -1")
        .replace("end_year = 2025", "end_yaer = 2025")
    )
    problems = problems_of(write_scenario("many", text))
    assert len(problems) == 3, problems
    assert all("many.toml" in p for p in problems)


def test_set_with_an_unknown_key_names_the_option(scenario_dir):
    with pytest.raises(ScenarioError) as info:
        load_scenario("baseline", scenario_dir, settings=["sectors.industry.growht_pct=10"])
    problem = str(info.value.problems[0])
    assert problem.startswith("--set sectors.industry.growht_pct=10: sectors.industry.growht_pct")
    assert "did you mean 'growth_pct'" in problem


def test_set_without_equals(scenario_dir):
    with pytest.raises(ScenarioError, match="expected KEY=VALUE"):
        load_scenario("baseline", scenario_dir, settings=["sectors.industry.growth_pct"])


def test_missing_file():
    with pytest.raises(ScenarioError, match="scenario file not found"):
        load_scenario("no_such_scenario", SCENARIOS)


def test_a_name_with_a_subfolder_or_suffix_is_found_in_the_scenarios_folder(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert load_scenario("next_term/baseline_2025_2030", SCENARIOS).base_year == 2025
    assert load_scenario("baseline.toml", SCENARIOS).name == "baseline"


def test_set_cannot_change_what_describes_a_file(scenario_dir):
    with pytest.raises(ScenarioError, match="describes a file"):
        load_scenario("baseline", scenario_dir, settings=["extends=optimistic"])


@pytest.mark.parametrize("name", ["services", "total", "budget_revenue_total"])
def test_indicator_names_of_built_in_series_are_refused(scenario_dir, name):
    settings = [
        f"indicators.{name}.base=5",
        f'indicators.{name}.unit="x"',
        f'indicators.{name}.rule="growth"',
        f"indicators.{name}.growth_pct=5",
    ]
    with pytest.raises(ScenarioError, match="name of a built-in series"):
        load_scenario("baseline", scenario_dir, settings=settings)


def test_set_problems_name_the_option_not_the_file(scenario_dir):
    with pytest.raises(ScenarioError) as info:
        load_scenario("baseline", scenario_dir, settings=["indicators.foo.base=3"])
    assert all(str(p).startswith("--set indicators.foo.base=3") for p in info.value.problems)


def test_a_shorter_end_year_drops_later_overrides_with_a_warning():
    scenario = load_scenario("covid_shock", SCENARIOS, end_year=2021)
    assert scenario.sectors["services"].growth_pct_by_year == {2021: 4.0}
    assert any("after --end-year 2021: not used" in str(w) for w in scenario.warnings)


def test_a_child_whose_sectors_are_not_a_table_is_a_problem_not_a_crash(write_scenario):
    write_scenario("parent", MINIMAL)
    path = write_scenario("child", 'extends = "parent"\nsectors = "services"\n')
    assert "sectors = 'services': must be a table (the three sectors)" in only_problem(path)
