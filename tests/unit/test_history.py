"""The 2016-2020 back-cast: the source's own arithmetic, calibration, elasticities, realism."""

from dataclasses import replace

import numpy as np
import pytest
from conftest import MINIMAL, SCENARIOS

from sim.run import load_scenarios, run_scenario
from sim.scenario.loader import ScenarioError, load_scenario
from sim.term.history import ELASTICITY_RANGE, run_history

HISTORY = SCENARIOS / "history" / "backcast_2016_2020.toml"


@pytest.fixture(scope="module")
def history():
    scenario = load_scenario(HISTORY, SCENARIOS)
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    return run_history(scenario, results)


def test_back_cast_reproduces_the_source_arithmetic(history):
    """docs/source_figures.md c4: the rates and the 2020 shares imply 15.96 %/yr, not 15.5."""
    raw = history.raw.series
    assert raw["cagr.total"][-1] == pytest.approx(15.96, abs=0.005)
    # the 2020 state is the source's: shares 48.5 / 43.1 / 7.5, income 46, budget 290
    np.testing.assert_allclose(
        [raw["share.services"][-1], raw["share.industry"][-1], raw["share.agriculture"][-1]],
        [48.5, 43.1, 7.5],
    )
    assert raw["income_per_capita"][-1] == pytest.approx(46.0)
    # 2015: income 46 / 1.38 = 33.3; budget 290 / 1.2964^5 = 79.2 (docs/source_figures.md c6, c7)
    assert raw["income_per_capita"][0] == pytest.approx(46 / 1.38, abs=0.01)
    assert raw["budget_revenue"][0] == pytest.approx(290 / 1.2964**5)
    # 2015 sector shares of the three sectors: 44.5 / 41.8 / 13.8 % (docs/source_figures.md c4)
    three = np.array([48.5 / 1.182**5, 43.1 / 1.169**5, 7.5 / 1.029**5])
    shares = np.array([raw[f"share.{s}"][0] for s in ("services", "industry", "agriculture")])
    np.testing.assert_allclose(shares / shares.sum(), three / three.sum(), rtol=1e-12)
    np.testing.assert_allclose(shares / shares.sum() * 100, [44.5, 41.8, 13.8], atol=0.05)


def test_calibration_reproduces_the_reported_total(history):
    series = history.result.series
    assert series["cagr.total"][-1] == pytest.approx(15.5, abs=1e-9)
    # docs/source_figures.md c4: about 0.54 points less growth in both services and industry
    assert history.calibration_shift_pct == pytest.approx(-0.54, abs=0.005)
    assert series["cagr.services"][-1] == pytest.approx(18.2 + history.calibration_shift_pct)
    assert series["cagr.agriculture"][-1] == pytest.approx(2.9)
    assert (
        "calibrates: services, industry growth shifted by -0.54 points"
        in history.calibration_statement
    )


def test_the_calibration_is_found_once_for_loading_running_and_the_track_record(monkeypatch):
    import sim.run
    import sim.term.history

    found: list[float] = []
    real = sim.run.calibration_shift_pct

    def counted(scenario, sectors):
        shift = real(scenario, sectors)
        found.append(float(shift))
        return shift

    for module in (sim.run, sim.term.history):  # (wherever the bisection is bound)
        monkeypatch.setattr(module, "calibration_shift_pct", counted, raising=False)
    (scenario,) = load_scenarios([str(HISTORY)], SCENARIOS)  # (an unreachable total: refused)
    plan = load_scenario("baseline", SCENARIOS)
    result = run_history(scenario, [run_scenario(plan)], plan.plan.history)
    assert len(found) == 1
    # the carried shift is the bisection's answer: total output grows the reported 15.5 %/yr
    assert result.calibration_shift_pct == found[0] == pytest.approx(-0.54, abs=0.005)
    assert result.result.calibration_shift_pct == found[0]
    assert result.result.series["cagr.total"][-1] == pytest.approx(15.5, abs=1e-9)
    assert run_scenario(plan).calibration_shift_pct is None  # no [calibration]


def test_elasticities_of_2016_2020(history):
    # docs/source_figures.md c6, c7: income 6.65 / 15.5 = 0.43, budget 29.64 / 15.5 = 1.91
    assert history.record.elasticity["income_per_capita"] == pytest.approx(
        (1.38**0.2 - 1) * 100 / 15.5, abs=1e-4
    )
    assert history.record.elasticity["income_per_capita"] == pytest.approx(0.43, abs=0.005)
    assert history.record.elasticity["budget_revenue"] == pytest.approx(29.64 / 15.5, rel=1e-9)
    assert history.record.growth_pct["output.services"] == pytest.approx(18.2)  # the source's own


def test_realism_check_flags_what_history_does_not_support(history):
    table = history.realism.set_index(["scenario", "parameter"])
    assert table.loc[("baseline", "sectors.services.growth_pct"), "flag"] == ""
    assert table.loc[("baseline", "sectors.services.growth_pct"), "track_record"] == pytest.approx(
        18.2
    )
    shock = table.loc[("covid_shock", "sectors.services.growth_pct_by_year.2021")]
    assert shock.flag.startswith("below what 2016-2020 supports")
    # supported range: 18.2 +/- max(2, 25 % of 18.2)
    assert (shock.supported_low, shock.supported_high) == pytest.approx((18.2 - 4.55, 18.2 + 4.55))
    investment = table.loc[("baseline", "indicators.investment.growth_pct")]
    assert investment.flag.startswith("above") and investment.track_record == pytest.approx(6.59)
    income = table.loc[("baseline", "indicators.income_per_capita.elasticity")]
    assert income.assumed == 0.29 and income.flag == ""
    assert income.supported_low == pytest.approx(
        history.record.elasticity["income_per_capita"] * ELASTICITY_RANGE[0]
    )


def test_anchor_year_back_cast_with_normalised_shares(write_scenario):
    text = (
        MINIMAL.replace("base_year = 2020", "base_year = 2015")
        .replace("end_year = 2025", "end_year = 2020")
        .replace(
            '[structure]\nresidual = "normalise"',
            '[structure]\nresidual = "normalise"\nanchor_year = 2020',
        )
    )
    scenario = load_scenario(write_scenario("anchored", text), SCENARIOS)
    series = run_scenario(scenario).series
    np.testing.assert_allclose(
        [series["share.services"][-1], series["share.agriculture"][-1]],
        [48.5 / 99.1 * 100, 7.5 / 99.1 * 100],
    )
    assert series["income_per_capita"][-1] == pytest.approx(46.0)
    assert series["output.total"][0] == pytest.approx(100.0)  # the index: base-year total = 100


@pytest.mark.parametrize(
    "edit, message",
    [
        ("anchor_year = 2031", "must lie in the projection years 2020-2025"),
        (
            "anchor_year = 2025\nbase_total_bn_vnd = 7000.0",
            "cannot be combined with structure.base_total_bn_vnd",
        ),
    ],
)
def test_anchor_year_rules(write_scenario, edit, message):
    text = MINIMAL.replace('residual = "normalise"', f'residual = "normalise"\n{edit}')
    with pytest.raises(ScenarioError, match=message):
        load_scenario(write_scenario("bad_anchor", text), SCENARIOS)


def test_calibration_rules(write_scenario):
    text = MINIMAL + '\n[calibration]\nadjust = ["service"]\n'
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario("bad_calibration", text), SCENARIOS)
    found = [str(p) for p in info.value.problems]
    assert any("calibration.total_cagr_pct = (missing): required" in p for p in found)
    assert any(
        "calibration.adjust = 'service': not a sector (did you mean 'services'?)" in p
        for p in found
    )


def test_calibration_of_a_forward_projection(write_scenario):
    text = MINIMAL + '\n[calibration]\ntotal_cagr_pct = 14.0\nadjust = ["services"]\n'
    scenario = load_scenario(write_scenario("calibrated", text), SCENARIOS)
    series = run_scenario(scenario).series
    assert series["cagr.total"][-1] == pytest.approx(14.0, abs=1e-9)
    assert series["cagr.industry"][-1] == pytest.approx(15.0)
    plain = run_scenario(replace(scenario, calibration_total_cagr_pct=None)).series
    assert series["cagr.services"][-1] < plain["cagr.services"][-1]
