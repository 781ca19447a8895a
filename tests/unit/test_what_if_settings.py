"""`--set SCENARIO:KEY=VALUE` (one scenario) and `--set KEY=VALUE` (every scenario), and the
what-if mark a changed scenario carries in its title."""

import pytest
from conftest import SCENARIOS

from sim.output.console import format_what_if
from sim.output.i18n import scenario_what_if_note, what_if_note, what_if_title
from sim.run import load_scenarios
from sim.scenario.loader import ScenarioError, settings_for, split_scope, unknown_scope_problems

SERVICES = "sectors.services.growth_pct"


def test_a_colon_before_the_equals_sign_names_the_scenario():
    assert split_scope(f"optimistic:{SERVICES}=15") == ("optimistic", f"{SERVICES}=15")
    assert split_scope(f"{SERVICES}=15") == (None, f"{SERVICES}=15")


def test_a_colon_in_the_value_is_part_of_the_value():
    # (a value comes after "="; keys are dotted names and never hold a colon)
    assert split_scope('residual="a:b"') == (None, 'residual="a:b"')
    assert split_scope('baseline:residual="a:b"') == ("baseline", 'residual="a:b"')


def test_settings_for_picks_the_unscoped_ones_and_those_of_the_scenario_in_order():
    given = [f"optimistic:{SERVICES}=15", "baseline:end_year=2030", "sectors.industry.growth_pct=9"]
    assert settings_for("optimistic", given) == (f"{SERVICES}=15", "sectors.industry.growth_pct=9")
    assert settings_for("baseline", given) == ("end_year=2030", "sectors.industry.growth_pct=9")
    assert settings_for("covid_shock", given) == ("sectors.industry.growth_pct=9",)


def test_a_scoped_setting_changes_only_its_scenario():
    scenarios = load_scenarios([], SCENARIOS, [f"optimistic:{SERVICES}=15"])
    by_name = {s.name: s for s in scenarios}
    assert by_name["optimistic"].sectors["services"].growth_pct == 15.0
    assert by_name["optimistic"].settings == (f"{SERVICES}=15",)
    plain = {s.name: s for s in load_scenarios([], SCENARIOS)}
    for name in ("baseline", "covid_shock"):
        assert by_name[name].settings == ()
        assert by_name[name].sectors == plain[name].sectors
        assert by_name[name].title("en") == plain[name].title("en")


def test_an_unscoped_setting_changes_every_scenario():
    scenarios = load_scenarios([], SCENARIOS, [f"{SERVICES}=15"])
    assert {s.name: s.sectors["services"].growth_pct for s in scenarios} == {
        "baseline": 15.0,
        "covid_shock": 15.0,
        "optimistic": 15.0,
    }
    assert all(s.settings == (f"{SERVICES}=15",) for s in scenarios)


def test_a_scenario_not_in_the_run_is_an_error_naming_the_known_ones():
    with pytest.raises(ScenarioError) as caught:
        load_scenarios(["baseline", "covid_shock"], SCENARIOS, [f"optimistc:{SERVICES}=15"])
    message = str(caught.value)
    assert "--set optimistc:" in message
    assert "no scenario 'optimistc' in this run" in message
    assert "baseline, covid_shock" in message
    # optimistic exists as a file, but is not in this run: still an error
    assert unknown_scope_problems([f"optimistic:{SERVICES}=1"], ["baseline"])


def test_an_unknown_scenario_is_said_beside_a_bad_value_of_another_setting():
    """Every problem at once: a bad value that fails a scenario's load used to hide the unknown
    SCENARIO of another --set (the failed scenario counts by its file's name)."""
    settings = [f"optimistic:{SERVICES}=abc", f"nosuch:{SERVICES}=1", f"baseline:{SERVICES}=1"]
    with pytest.raises(ScenarioError) as caught:
        load_scenarios([], SCENARIOS, settings)
    said = [str(p) for p in caught.value.problems]
    assert len(said) == 2, said
    assert said[0].startswith(f"--set optimistic:{SERVICES}=abc: ")
    assert said[1] == (
        f"--set nosuch:{SERVICES}=1: no scenario 'nosuch' in this run; the run's scenarios: "
        "baseline, covid_shock, optimistic"
    )


def test_a_changed_scenario_is_titled_what_if_in_both_languages_and_a_plain_one_is_not():
    changed = {s.name: s for s in load_scenarios([], SCENARIOS, [f"optimistic:{SERVICES}=15"])}
    optimistic = changed["optimistic"]
    assert optimistic.title("en") == "Optimistic (what-if)"
    assert optimistic.title("vi") == "Kịch bản tích cực (giả định thay đổi)"
    assert optimistic.what_if == f"{SERVICES}=15"
    assert optimistic.what_if_note("en") == f"what-if: {SERVICES}=15"
    assert changed["baseline"].what_if == "" and changed["baseline"].what_if_note("en") == ""
    scenarios = list(changed.values())
    # charts and pages name the change in words, not by its ids, with its unit and the value it
    # replaced (optimistic.toml's 16.5, the upper end of 15.5-16.5 %/yr)
    assert what_if_note(scenarios, "en") == (
        "what-if: Optimistic: Services: growth = 15 %/yr (was 16.5)"
    )
    assert what_if_note(scenarios, "vi") == (
        "giả định thay đổi: Kịch bản tích cực: Dịch vụ: tăng trưởng = 15 %/năm (thay cho 16,5)"
    )
    assert (
        scenario_what_if_note(optimistic, "en") == "what-if: Services: growth = 15 %/yr (was 16.5)"
    )
    assert scenario_what_if_note(changed["baseline"], "en") == ""
    assert what_if_title("Projections", scenarios, "en") == "Projections (what-if)"
    plain = load_scenarios([], SCENARIOS)
    assert what_if_note(plain, "en") == ""
    assert what_if_title("Projections", plain, "en") == "Projections"
    assert all("what-if" not in s.title("en") for s in plain)


def test_a_what_if_note_gives_each_value_its_unit_and_the_value_it_replaced():
    settings = [
        "indicators.budget_revenue.base=300",  # baseline.toml: 290 billion VND
        "indicators.income_per_capita.elasticity=0.3",  # baseline.toml: 0.29, no unit
        "sectors.services.growth_pct_by_year.2022=12",  # a year the file does not set
    ]
    [baseline] = load_scenarios(["baseline"], SCENARIOS, settings)
    assert scenario_what_if_note(baseline, "vi") == (
        "giả định thay đổi: Thu ngân sách (không tính tiền sử dụng đất): giá trị năm gốc = 300 tỷ "
        "đồng (thay cho 290); Thu nhập bình quân đầu người: hệ số co giãn = 0,3 (thay cho 0,29); "
        "Dịch vụ: tăng trưởng năm 2022 = 12 %/năm"
    )


def test_the_terminal_lists_the_scenarios_each_setting_changed():
    settings = [f"optimistic:{SERVICES}=15", "sectors.industry.growth_pct=9"]
    scenarios = load_scenarios([], SCENARIOS, settings)
    lines = format_what_if(settings, scenarios, "en").splitlines()
    assert lines[1:] == [
        f"  --set optimistic:{SERVICES}=15: Optimistic",
        "  --set sectors.industry.growth_pct=9: Baseline; COVID-19 shock; Optimistic",
    ]
    lines = format_what_if(settings, scenarios, "vi").splitlines()  # titles, never ids
    assert lines[1] == f"  --set optimistic:{SERVICES}=15: Kịch bản tích cực"
    assert lines[2].endswith(": Kịch bản cơ sở; Kịch bản tác động dịch COVID-19; Kịch bản tích cực")


def test_a_bad_scoped_setting_is_named_as_given():
    with pytest.raises(ScenarioError) as caught:
        load_scenarios([], SCENARIOS, ["optimistic:sectors.services.grwth_pct=15"])
    message = str(caught.value)
    assert "--set optimistic:sectors.services.grwth_pct=15" in message
    assert "unknown key" in message
    assert len(caught.value.problems) == 1  # (only the scenario it names read it)


def test_a_what_if_of_a_growth_says_which_years_the_scenario_fixes_on_its_own():
    """covid_shock.toml fixes services' growth for 2021 and 2022: a --set of its growth reaches
    2023-2025 only (the average came out 11.5, not 12), and the note said "= 12 %/năm"."""
    [covid] = load_scenarios(["covid_shock"], SCENARIOS, [f"{SERVICES}=12"])
    assert sorted(covid.sectors["services"].growth_pct_by_year) == [2021, 2022]
    assert scenario_what_if_note(covid, "vi") == (
        "giả định thay đổi: Dịch vụ: tăng trưởng = 12 %/năm (thay cho 16; năm 2021, 2022 giữ "
        "nguyên)"
    )
    assert scenario_what_if_note(covid, "en") == (
        "what-if: Services: growth = 12 %/yr (was 16; 2021, 2022 unchanged)"
    )
    [baseline] = load_scenarios(["baseline"], SCENARIOS, [f"{SERVICES}=12"])
    assert scenario_what_if_note(baseline, "en") == "what-if: Services: growth = 12 %/yr (was 16)"


def test_a_year_the_run_sets_itself_is_not_said_to_be_unchanged():
    settings = [f"{SERVICES}=12", "sectors.services.growth_pct_by_year.2021=3"]
    [covid] = load_scenarios(["covid_shock"], SCENARIOS, settings)
    assert scenario_what_if_note(covid, "en") == (
        "what-if: Services: growth = 12 %/yr (was 16; 2022 unchanged); "
        "Services: growth in 2021 = 3 %/yr (was 4)"
    )
