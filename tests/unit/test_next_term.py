"""The next term: rebasing at 2025 and running to 2030; long horizons stay consistent."""

from datetime import date

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.run import load_scenarios, run_scenario
from sim.scenario.loader import load_scenario
from sim.term.rebase import rebased_scenario_text

NEXT_TERM = SCENARIOS / "next_term"


def test_a_2030_run_from_a_2025_rebase_continues_the_2020_run(tmp_path):
    """Rebasing at 2025 and projecting to 2030 with the same rates gives the same path as one
    2020-2030 run: levels chain (index rescaled), shares and income carry over exactly."""
    long_run = run_scenario(load_scenario("baseline", SCENARIOS, end_year=2030))
    term = run_scenario(load_scenario("baseline", SCENARIOS))
    path = tmp_path / "rebased.toml"
    path.write_text(rebased_scenario_text(term, 2025, "plan", date(2026, 11, 27)), encoding="utf-8")
    rebased = load_scenario(path, tmp_path)
    assert (rebased.base_year, rebased.end_year) == (2025, 2030)
    assert rebased.warnings == ()
    result = run_scenario(rebased)
    scale = long_run.series["output.total"][5] / 100.0  # the new index: 2025 total = 100
    np.testing.assert_allclose(
        result.series["output.total"] * scale, long_run.series["output.total"][5:], rtol=1e-5
    )
    for name in [
        "share.services",
        "share.agriculture",
        "income_per_capita",
        "budget_revenue",
        "investment",
        "retail",
    ]:
        np.testing.assert_allclose(
            result.series[name], long_run.series[name][5:], rtol=1e-5, err_msg=name
        )
    np.testing.assert_allclose(
        result.series["growth.total"][1:], long_run.series["growth.total"][6:], rtol=1e-5
    )
    assert np.isnan(result.series["growth.total"][0])  # no growth in the new base year


def test_bundled_next_term_set_runs_to_2030():
    results = [run_scenario(s) for s in load_scenarios([], NEXT_TERM)]
    assert [r.scenario.name for r in results] == ["baseline_2025_2030", "slower_growth_2025_2030"]
    base, slower = results
    assert list(base.years) == list(range(2025, 2031))
    assert base.series["income_per_capita"][0] == pytest.approx(
        run_scenario(load_scenario("baseline", SCENARIOS)).series["income_per_capita"][-1], rel=1e-5
    )
    assert slower.series["cagr.services"][-1] == pytest.approx(14.0)
    assert all(row.status == "outside horizon" for row in base.scores)  # no 2025-2030 targets


@pytest.mark.parametrize("residual", ["other", "normalise"])
def test_long_horizons_stay_consistent(scenario_dir, residual):
    scenario = load_scenario(
        "covid_shock", scenario_dir, end_year=2070, settings=[f"structure.residual={residual}"]
    )
    series = run_scenario(scenario).series
    blocks = ["services", "industry", "agriculture"] + (["other"] if residual == "other" else [])
    shares = np.array([series[f"share.{b}"] for b in blocks])
    np.testing.assert_allclose(shares.sum(axis=0), 100.0, rtol=1e-12)
    # growth of the total is the share-weighted mix of the blocks' growth, every year
    growth = np.array([series[f"growth.{b}"] for b in blocks])
    mix = (shares[:, :-1] / 100 * growth[:, 1:]).sum(axis=0)
    np.testing.assert_allclose(series["growth.total"][1:], mix, rtol=1e-10)
    # year overrides stay on their own years; nothing extrapolates past them
    np.testing.assert_allclose(series["growth.services"][3:], 16.0)
    assert series["output.total"][-1] == pytest.approx(
        np.sum([series[f"output.{b}"][-1] for b in blocks])
    )


@pytest.fixture(scope="module")
def next_term_results():
    return [run_scenario(s) for s in load_scenarios([], NEXT_TERM)]


def test_a_term_without_targets_says_nothing_of_a_budget_target(next_term_results):
    """scenarios/next_term's plan sets no targets: the summary says so once and says nothing of
    the budget line a budget target would be compared with; the bundled plan's budget targets
    (T7, T8) keep the sentence."""
    from sim.output.console import format_summary

    vi = format_summary(next_term_results, "vi").splitlines()
    assert (
        "Kịch bản cơ sở (2025-2030): Tỷ trọng gốc cộng lại 99,1 %: giữ phần 0,9 % còn lại "
        "thành khối riêng, tăng theo tốc độ chung của ba ngành"
    ) in vi
    en = format_summary(next_term_results, "en")
    for text in ("\n".join(vi), en):
        assert "ngân sách so với" not in text and "budget target" not in text
    assert en.count("The 2025-2030 term has no targets yet") == 1
    bundled = [run_scenario(load_scenario("baseline", SCENARIOS))]
    assert (
        "Kịch bản cơ sở: Tỷ trọng gốc cộng lại 99,1 %: giữ phần 0,9 % còn lại thành khối riêng, "
        "tăng theo tốc độ chung của ba ngành; chỉ tiêu thu ngân sách so với Thu ngân sách "
        "(không tính tiền sử dụng đất)"
    ) in format_summary(bundled, "vi").splitlines()


@pytest.mark.slow  # (imports the report's libraries)
def test_the_report_of_a_term_without_targets_names_no_budget_line(next_term_results, tmp_path):
    from datetime import datetime

    from sim.output.report import write_report

    write_report(tmp_path / "r.html", next_term_results, [], "vi", datetime(2026, 11, 27))
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Các chỉ tiêu thu ngân sách của kế hoạch được so với" not in html
    assert "khối riêng, tăng theo tốc độ chung của ba ngành. baseline_2025_2030.toml" in html
    bundled = [run_scenario(load_scenario("baseline", SCENARIOS))]
    write_report(tmp_path / "b.html", bundled, [], "en", datetime(2026, 11, 27))
    html = (tmp_path / "b.html").read_text(encoding="utf-8")
    assert (
        "The plan&#x27;s budget targets are compared with: Budget revenue (excl. land-use fees). "
        "baseline.toml"
    ) in html


@pytest.mark.parametrize("folder", [SCENARIOS, NEXT_TERM])
def test_the_bundled_scenarios_load_without_a_warning(folder):
    """A planner's first run of the bundled files says nothing to fix (the next term's files,
    written by --rebase-year, once held 566.767: a number a reader may take for thousands)."""
    assert [(s.name, s.warnings) for s in load_scenarios([], folder) if s.warnings] == []
