"""The model against closed-form compound growth and the source's own arithmetic."""

from dataclasses import replace

import numpy as np
import pytest

from sim.analysis.montecarlo.layout import projection_series_time_major
from sim.core.model import (
    LinkedInputs,
    ModelInputs,
    SectorInputs,
    cagr_pct,
    compound_levels,
    project,
    project_sectors,
    projection_series,
    series_names,
    shares_pct,
    yoy_growth_pct,
)

SHARES_2020 = np.array([48.5, 43.1, 7.5])  # docs/source_figures.md A5-A7, lines 63-65


def constant_rates(rates, years=5):
    return np.repeat(np.asarray(rates, dtype=float)[..., None], years, axis=-1)


def test_compound_levels_matches_closed_form():
    levels = compound_levels(290.0, np.full(5, 15.0))
    expected = 290.0 * 1.15 ** np.arange(6)
    np.testing.assert_allclose(levels, expected, rtol=1e-12)
    # the source: 290 at 15 %/yr gives 583.3 in 2025 (docs/source_figures.md c7)
    assert levels[-1] == pytest.approx(583.3, abs=0.05)


def test_growth_round_trip_recovers_rates():
    rates = np.array([4.0, 18.0, 16.0, 16.0, 16.0])
    levels = compound_levels(48.5, rates)
    np.testing.assert_allclose(yoy_growth_pct(levels), rates, rtol=1e-12)
    expected_cagr = (np.cumprod(1 + rates / 100) ** (1 / np.arange(1, 6)) - 1) * 100
    np.testing.assert_allclose(cagr_pct(levels), expected_cagr, rtol=1e-12)


def test_six_year_index_at_14_5_percent():
    # docs/source_figures.md c3: the index 2025/2020 at 14.5 %/yr is 1.968 in 5 years, 2.253 in 6
    assert compound_levels(1.0, np.full(5, 14.5))[-1] == pytest.approx(1.968, abs=5e-4)
    assert compound_levels(1.0, np.full(6, 14.5))[-1] == pytest.approx(2.253, abs=5e-4)


@pytest.mark.parametrize(
    "rates, expected_cagr, expected_services_share",
    [
        ((15.5, 14.5, 3.0), 14.29, 51.6),  # docs/source_figures.md c5, all low
        ((16.0, 15.0, 3.5), 14.78, 51.6),  # mid
        ((16.5, 15.5, 4.0), 15.28, 51.6),  # all high
        ((16.5, 14.5, 3.0), 14.80, 52.7),  # services high, industry low
    ],
)
def test_sector_targets_imply_total_growth(rates, expected_cagr, expected_services_share):
    inputs = SectorInputs(SHARES_2020, constant_rates(rates), residual="normalise")
    _, levels = project_sectors(inputs)
    total = levels.sum(axis=-2)
    assert cagr_pct(total)[-1] == pytest.approx(expected_cagr, abs=0.005)
    assert shares_pct(levels)[0, -1] == pytest.approx(expected_services_share, abs=0.05)


def test_normalise_scales_shares_to_100():
    blocks, levels = project_sectors(SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5))))
    assert blocks == ("services", "industry", "agriculture")
    np.testing.assert_allclose(levels[:, 0], SHARES_2020 / 99.1 * 100)
    assert levels[:, 0].sum() == pytest.approx(100.0)


def test_other_block_keeps_its_share_when_growing_with_the_aggregate():
    inputs = SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5)), residual="other")
    blocks, levels = project_sectors(inputs)
    assert blocks[-1] == "other"
    shares = shares_pct(levels)
    np.testing.assert_allclose(shares[3], 0.9, rtol=1e-12)
    np.testing.assert_allclose(shares.sum(axis=0), 100.0, rtol=1e-12)
    # the aggregate growth is the same as the three sectors' (the other block is neutral)
    three = levels[:3].sum(axis=0)
    np.testing.assert_allclose(yoy_growth_pct(levels.sum(axis=0)), yoy_growth_pct(three))


def test_other_block_with_own_rate():
    inputs = SectorInputs(
        SHARES_2020,
        constant_rates((16, 15, 3.5)),
        residual="other",
        residual_growth_pct=np.zeros(5),
    )
    _, levels = project_sectors(inputs)
    np.testing.assert_allclose(levels[3], 0.9)  # held constant


def test_year_override_and_recovery():
    rates = constant_rates((16, 15, 3.5))
    rates[0, 0] = 4.0  # services 2021
    _, levels = project_sectors(SectorInputs(SHARES_2020, rates))
    expected = SHARES_2020[0] / 99.1 * 100 * 1.04 * 1.16**4
    assert levels[0, -1] == pytest.approx(expected, rel=1e-12)


def test_elasticity_rule_follows_output_growth_year_by_year():
    sectors = SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5)))
    inputs = ModelInputs(
        np.arange(2020, 2026),
        sectors,
        {
            "income_per_capita": LinkedInputs(base=46.0, elasticity=0.29),
        },
    )
    projection = project(inputs)
    total_growth = yoy_growth_pct(projection.total)
    income = projection.indicators["income_per_capita"]
    np.testing.assert_allclose(yoy_growth_pct(income), 0.29 * total_growth, rtol=1e-12)
    assert income[-1] == pytest.approx(46 * np.prod(1 + 0.29 * total_growth / 100), rel=1e-12)


def test_override_wins_over_the_rule():
    sectors = SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5)))
    override = np.array([np.nan, -5.0, np.nan, np.nan, np.nan])
    inputs = ModelInputs(
        np.arange(2020, 2026),
        sectors,
        {
            "budget_revenue": LinkedInputs(base=290.0, elasticity=1.0, override_pct=override),
            "retail": LinkedInputs(base=100.0, growth_pct=19.0, override_pct=override),
        },
    )
    p = project(inputs)
    total_growth = yoy_growth_pct(p.total)
    assert yoy_growth_pct(p.indicators["budget_revenue"])[1] == pytest.approx(-5.0)
    assert yoy_growth_pct(p.indicators["budget_revenue"])[2] == pytest.approx(total_growth[2])
    np.testing.assert_allclose(yoy_growth_pct(p.indicators["retail"]), [19, -5, 19, 19, 19])


def test_budget_total_adds_land_use_line():
    sectors = SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5)))
    inputs = ModelInputs(
        np.arange(2020, 2026),
        sectors,
        {
            "budget_revenue": LinkedInputs(base=290.0, growth_pct=15.0),
            "land_use_revenue": LinkedInputs(base=80.0, growth_pct=0.0),
        },
    )
    p = project(inputs)
    np.testing.assert_allclose(
        p.indicators["budget_revenue_total"], 290 * 1.15 ** np.arange(6) + 80
    )


def test_600_billion_needs_15_65_percent():
    # docs/source_figures.md c7: 290 -> 600 needs 15.65 %/yr
    rate = ((600 / 290) ** (1 / 5) - 1) * 100
    assert rate == pytest.approx(15.65, abs=0.005)
    assert compound_levels(290.0, np.full(5, rate))[-1] == pytest.approx(600.0)


def test_draws_axis_equals_a_loop_over_draws():
    rng = np.random.default_rng(1)
    n = 7
    services = rng.uniform(15.5, 16.5, n)
    rates = np.broadcast_to(constant_rates((16, 15, 3.5)), (n, 3, 5)).copy()
    rates[:, 0, :] = services[:, None]
    elasticity = rng.uniform(0.24, 0.34, n)
    batch = project(
        ModelInputs(
            np.arange(2020, 2026),
            SectorInputs(np.broadcast_to(SHARES_2020, (n, 3)), rates, residual="other"),
            {"income_per_capita": LinkedInputs(base=46.0, elasticity=elasticity)},
        )
    )
    series = projection_series(batch)
    for i in range(n):
        one = project(
            ModelInputs(
                np.arange(2020, 2026),
                SectorInputs(SHARES_2020, rates[i], residual="other"),
                {"income_per_capita": LinkedInputs(base=46.0, elasticity=elasticity[i])},
            )
        )
        one_series = projection_series(one)
        for name, values in one_series.items():
            np.testing.assert_allclose(series[name][i], values, rtol=1e-12, err_msg=name)


def test_series_names_are_stable():
    p = project(
        ModelInputs(
            np.arange(2020, 2026),
            SectorInputs(SHARES_2020, constant_rates((16, 15, 3.5)), residual="other"),
            {"income_per_capita": LinkedInputs(base=46.0, growth_pct=4.0)},
        )
    )
    names = set(projection_series(p))
    for expected in [
        "output.services",
        "output.industry",
        "output.agriculture",
        "output.other",
        "output.total",
        "share.services",
        "growth.services",
        "growth.total",
        "cagr.total",
        "income_per_capita",
        "growth.income_per_capita",
    ]:
        assert expected in names
    assert np.isnan(projection_series(p)["growth.total"][0])


def test_importing_the_model_loads_no_plotting_or_pandas():
    import subprocess
    import sys

    code = (
        "import sys, sim.core.model, sim.scenario.loader, sim.scenario.params; "
        "bad = [m for m in ('matplotlib', 'pandas', 'scipy') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_batch_as_long_as_the_horizon_is_not_read_as_years():
    """Five draws of an own-growth rate on a five-year horizon: each draw keeps its own rate."""
    from conftest import SCENARIOS

    from sim.run import model_inputs
    from sim.scenario.loader import load_scenario

    scenario = load_scenario("baseline", SCENARIOS)
    rates = np.array([8.0, 8.5, 9.0, 9.5, 10.0])
    series = projection_series(
        project(model_inputs(scenario, {"indicators.investment.growth_pct": rates}))
    )
    np.testing.assert_allclose(
        series["growth.investment"][:, 1:], np.repeat(rates[:, None], 5, axis=1)
    )


# ----------------------------------------------------------------------------- batches of draws


def _closed_form_series(inputs, i):
    """Every series of draw i, by the closed forms, one Python float at a time.

    inputs: sim.run.model_inputs output whose batched values carry one leading axis of draws.
    """
    from math import prod

    def pick(value, core):  # draw i of a value with `core` non-batch axes
        value = np.asarray(value, dtype=float)
        return value[i] if value.ndim > core else value

    sectors, years = inputs.sectors, len(inputs.years) - 1
    share = pick(sectors.base_share_pct, 1)
    growth = pick(sectors.growth_pct, 2)
    if sectors.residual == "normalise":
        base = [s / share.sum() * sectors.base_total for s in share]
    else:
        base = [s / 100 * sectors.base_total for s in share]

    def compound(start, rates):  # L_t = L_0 * prod_{u <= t} (1 + g_u / 100)
        return [start * prod(1 + g / 100 for g in rates[:t]) for t in range(years + 1)]

    blocks = {
        s: compound(base[k], growth[k])
        for k, s in enumerate(("services", "industry", "agriculture"))
    }
    if sectors.residual == "other":
        other = (100 - share.sum()) / 100 * sectors.base_total
        three = [sum(b[t] for b in blocks.values()) for t in range(years + 1)]
        if sectors.residual_growth_pct is None:
            blocks["other"] = [other * three[t] / three[0] for t in range(years + 1)]
        else:
            blocks["other"] = compound(other, pick(sectors.residual_growth_pct, 1))
    total = [sum(b[t] for b in blocks.values()) for t in range(years + 1)]
    total_growth = [(total[t + 1] / total[t] - 1) * 100 for t in range(years)]
    series = {f"output.{b}": levels for b, levels in blocks.items()}
    series["output.total"] = total
    for b, levels in blocks.items():
        series[f"share.{b}"] = [levels[t] / total[t] * 100 for t in range(years + 1)]
    for name, linked in inputs.indicators.items():
        if linked.elasticity is not None:
            rates = [float(pick(linked.elasticity, 0)) * g for g in total_growth]
        else:
            own = np.broadcast_to(pick(linked.growth_pct, 1), (years,))
            rates = list(own)
        if linked.override_pct is not None:
            override = np.broadcast_to(pick(linked.override_pct, 1), (years,))
            rates = [r if np.isnan(o) else o for r, o in zip(rates, override, strict=True)]
        series[name] = compound(float(pick(linked.base, 0)), rates)
    if "budget_revenue" in series:
        series["budget_revenue_total"] = [
            a + b for a, b in zip(series["budget_revenue"], series["land_use_revenue"], strict=True)
        ]
    growing = [n for n in series if not n.startswith("share.")]
    for name in growing:
        levels = series[name]
        short = name.removeprefix("output.")
        series[f"growth.{short}"] = [np.nan] + [
            (levels[t] / levels[t - 1] - 1) * 100 for t in range(1, years + 1)
        ]
        series[f"cagr.{short}"] = [np.nan] + [
            ((levels[t] / levels[0]) ** (1 / t) - 1) * 100 for t in range(1, years + 1)
        ]
    return series


@pytest.mark.parametrize(
    "name, settings",
    [
        ("baseline", []),
        ("covid_shock", []),
        ("optimistic", []),
        ("baseline", ["structure.residual=normalise"]),
        ("covid_shock", ["structure.residual_growth_pct=7"]),
    ],
)
@pytest.mark.slow
def test_batches_equal_a_loop_of_closed_form_compound_growth(name, settings):
    """The vectorised model (time-major inside) against draws computed one at a time by the
    closed forms, for every series of every bundled scenario; public shapes stay time-last."""
    from conftest import SCENARIOS

    from sim.analysis.sampling import sample
    from sim.run import model_inputs
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(name, SCENARIOS, settings=settings)
    for n in (40, 4106):  # a small batch and one of more than 4096 draws
        values = sample(scenario.uncertainty, n, np.random.default_rng(n))
        inputs = model_inputs(scenario, values)
        names, time_major = projection_series_time_major(inputs)
        series = projection_series(project(inputs))
        assert names == tuple(series) == series_names(inputs)
        assert time_major.shape == (len(names), len(inputs.years), n)
        assert time_major.flags.c_contiguous  # a year of a series is one contiguous row of draws
        for k, key in enumerate(names):
            assert series[key].shape == (n, len(inputs.years)), key
            np.testing.assert_array_equal(time_major[k].T, series[key], err_msg=key)
        for i in np.linspace(0, n - 1, 40).astype(int):
            expected = _closed_form_series(inputs, i)
            assert set(expected) == set(names)
            for key in names:
                np.testing.assert_allclose(
                    series[key][i],
                    expected[key],
                    rtol=1e-12,
                    atol=1e-12,
                    err_msg=f"{key}, draw {i} of {n}",
                )


def test_time_major_entry_computes_only_the_series_asked_for():
    from conftest import SCENARIOS

    from sim.analysis.sampling import sample
    from sim.run import model_inputs
    from sim.scenario.loader import load_scenario

    scenario = load_scenario("covid_shock", SCENARIOS)
    inputs = model_inputs(scenario, sample(scenario.uncertainty, 50, np.random.default_rng(1)))
    names, full = projection_series_time_major(inputs)
    some = np.full_like(full, -7.0)
    projection_series_time_major(inputs, some, series={"cagr.total", "share.other"})
    levels = [
        k for k, name in enumerate(names) if not name.startswith(("share.", "growth.", "cagr."))
    ]
    computed = levels + [
        names.index(n)
        for n in (
            "cagr.total",
            "share.services",
            "share.industry",
            "share.agriculture",
            "share.other",
        )
    ]
    np.testing.assert_array_equal(some[computed], full[computed])
    untouched = [k for k in range(len(names)) if k not in computed]
    assert np.all(some[untouched] == -7.0)
    with pytest.raises(ValueError, match="expected float64"):
        projection_series_time_major(inputs, np.empty((3, 6, 50)))


def test_batch_axes_keep_their_shapes_and_broadcast():
    """Two batch axes (a 2 x 4 sweep), an own rate with no batch, a base with only the second
    axis: each series has the batch shape numpy broadcasting gives, as time-last arrays."""
    services = np.linspace(15.0, 17.0, 8).reshape(2, 4)
    rates = np.broadcast_to(constant_rates((16, 15, 3.5)), (2, 4, 3, 5)).copy()
    rates[..., 0, :] = services[..., None]
    sectors = SectorInputs(SHARES_2020, rates, residual="other")
    inputs = ModelInputs(
        np.arange(2020, 2026),
        sectors,
        {
            "retail": LinkedInputs(base=np.array([90.0, 100.0, 110.0, 120.0]), growth_pct=19.0),
            "income_per_capita": LinkedInputs(base=46.0, elasticity=0.29),
        },
    )
    p = project(inputs)
    assert p.block_levels.shape == (2, 4, 4, 6) and p.total.shape == (2, 4, 6)
    assert p.indicators["retail"].shape == (2, 4, 6)
    np.testing.assert_allclose(p.indicators["retail"][1, 2], 110.0 * 1.19 ** np.arange(6))
    assert compound_levels(np.ones((4, 1)), np.full((3, 5), 10.0)).shape == (4, 3, 6)
    assert yoy_growth_pct(p.total).shape == (2, 4, 5) and cagr_pct(p.total).shape == (2, 4, 5)
    assert shares_pct(p.block_levels).shape == (2, 4, 4, 6)
    one = project_sectors(replace(sectors, growth_pct=rates[1, 3]))[1]
    np.testing.assert_allclose(p.block_levels[1, 3], one, rtol=1e-15)
