"""The [uncertainty] section: one test per validation rule, inheritance, and seeded sampling."""

import math

import numpy as np
import pytest
from conftest import MINIMAL, SCENARIOS, only_problem, problems_of
from scipy.special import ndtr, ndtri
from scipy.stats import spearmanr

from sim.analysis.sampling import (
    copula_factor,
    inverse_cdf,
    parameter_ranges,
    sample,
    sample_uniforms,
)
from sim.scenario.loader import load_scenario
from sim.scenario.uncertainty import Distribution, UncertaintySpec, correlation_rules

UNIFORM_SERVICES = """
[uncertainty.sectors.services.growth_pct]
dist = "uniform"
low = 15.5
high = 16.5
"""

TWO_CORRELATED = (
    UNIFORM_SERVICES
    + """
[uncertainty.sectors.industry.growth_pct]
dist = "uniform"
low = 14.5
high = 15.5
"""
)


def correlation(parameters, matrix):
    return (
        f"\n[uncertainty.correlation]\nparameters = {parameters!r}\n".replace("'", '"')
        + f"matrix = {matrix!r}\n"
    )


PAIR = ["sectors.services.growth_pct", "sectors.industry.growth_pct"]


# ----------------------------------------------------------------------------- loading


def test_section_is_read_into_a_frozen_spec(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES)
    scenario = load_scenario(path, path.parent)
    spec = scenario.uncertainty
    assert spec.distributions == (
        Distribution("sectors.services.growth_pct", "uniform", 15.5, 16.5),
    )
    assert spec.correlation is None
    assert scenario.warnings == ()
    with pytest.raises(AttributeError):
        spec.distributions = ()  # frozen


def test_scenario_without_section_has_none(write_scenario):
    path = write_scenario("plain", MINIMAL)
    assert load_scenario(path, path.parent).uncertainty is None


def test_bundled_ranges_come_from_the_source():
    ranges = parameter_ranges(load_scenario("baseline", SCENARIOS).uncertainty)
    assert ranges["sectors.services.growth_pct"] == (15.5, 16.5)
    assert ranges["sectors.industry.growth_pct"] == (14.5, 15.5)
    assert ranges["sectors.agriculture.growth_pct"] == (3.0, 4.0)
    assert ranges["indicators.income_per_capita.elasticity"] == (0.24, 0.34)
    assert ranges["indicators.budget_revenue.elasticity"] == (0.87, 1.07)
    assert ranges["indicators.investment.growth_pct"] == (8.0, 10.0)
    assert ranges["indicators.retail.growth_pct"] == (18.0, 20.0)


def test_triangular_peak_follows_each_scenarios_own_value():
    base = load_scenario("baseline", SCENARIOS).uncertainty.distributions[0]
    optimistic = load_scenario("optimistic", SCENARIOS).uncertainty.distributions[0]
    assert (base.parameter, base.kind, base.mode) == (
        "sectors.services.growth_pct",
        "triangular",
        16.0,
    )
    assert (optimistic.low, optimistic.mode, optimistic.high) == (15.5, 16.5, 16.5)


def test_covid_shock_inherits_and_adds_a_correlated_shock():
    spec = load_scenario("covid_shock", SCENARIOS).uncertainty
    names = spec.parameters
    assert "sectors.services.growth_pct" in names  # inherited from the baseline
    i = names.index("sectors.services.growth_pct_by_year.2021")
    j = names.index("sectors.industry.growth_pct_by_year.2021")
    r = names.index("indicators.retail.growth_pct_by_year.2021")
    assert spec.correlation[i, j] == spec.correlation[j, i] == 0.6
    assert spec.correlation[i, r] == 0.8
    assert spec.correlation[i, names.index("sectors.services.growth_pct")] == 0.0
    np.testing.assert_array_equal(np.diag(spec.correlation), 1.0)


def test_child_replaces_a_distribution_that_names_dist(write_scenario):
    write_scenario(
        "root",
        MINIMAL
        + """
[uncertainty.sectors.services.growth_pct]
dist = "triangular"
low = 15.0
high = 17.0
mode = 16.5
""",
    )
    path = write_scenario("child", 'extends = "root"\n' + UNIFORM_SERVICES)
    spec = load_scenario(path, path.parent).uncertainty
    # the parent's mode does not leak into the child's uniform distribution
    assert spec.distributions == (
        Distribution("sectors.services.growth_pct", "uniform", 15.5, 16.5),
    )


def test_set_amends_a_bound(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES)
    scenario = load_scenario(
        path, path.parent, settings=["uncertainty.sectors.services.growth_pct.low=15.8"]
    )
    assert parameter_ranges(scenario.uncertainty)["sectors.services.growth_pct"] == (15.8, 16.5)


def test_set_that_moves_the_value_outside_the_range_warns_and_still_loads():
    scenario = load_scenario("baseline", SCENARIOS, settings=["sectors.industry.growth_pct=10"])
    assert len(scenario.warnings) == 1
    warning = str(scenario.warnings[0])
    assert "uncertainty.sectors.industry.growth_pct = (14.5, 15.5)" in warning
    assert "does not contain the scenario's own value sectors.industry.growth_pct = 10" in warning
    industry = scenario.uncertainty.distributions[1]
    assert industry.mode == 14.5  # the default peak moves to the nearest bound


def test_switching_an_indicator_rule_ignores_the_other_rules_distribution():
    scenario = load_scenario(
        "covid_shock",
        SCENARIOS,
        settings=[
            'indicators.budget_revenue.rule="growth"',
            "indicators.budget_revenue.growth_pct=14",
        ],
    )
    assert [str(w) for w in scenario.warnings] == [
        f"{SCENARIOS / 'baseline.toml'}: uncertainty.indicators.budget_revenue.elasticity = "
        "{...}: ignored: indicator rule = 'growth' does not use this parameter"
    ]
    assert "indicators.budget_revenue.elasticity" not in scenario.uncertainty.parameters


# ----------------------------------------------------------------------------- one test per rule


def test_unknown_distribution(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES.replace('"uniform"', '"normal"'))
    problem = only_problem(path)
    assert "u.toml: uncertainty.sectors.services.growth_pct.dist = 'normal'" in problem
    assert "must be one of 'uniform', 'triangular', 'truncnormal'" in problem


def test_unknown_key_in_a_distribution(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES.replace("high =", "hihg ="))
    problems = problems_of(path)
    assert any(
        "uncertainty.sectors.services.growth_pct.hihg = 16.5: unknown key "
        "(did you mean 'high'?)" in p
        for p in problems
    ), problems


def test_low_not_below_high(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES.replace("low = 15.5", "low = 16.5"))
    assert (
        "uncertainty.sectors.services.growth_pct.low = 16.5: must be below high = 16.5"
        in only_problem(path)
    )


def test_missing_bound(write_scenario):
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES.replace("high = 16.5\n", ""))
    assert "uncertainty.sectors.services.growth_pct.high = (missing): required" in only_problem(
        path
    )


def test_mode_outside_the_bounds(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace('"uniform"', '"triangular"') + "mode = 17.0\n"
    problem = only_problem(write_scenario("u", text))
    assert "uncertainty.sectors.services.growth_pct.mode = 17.0" in problem
    assert "must lie within [low, high] = [15.5, 16.5]" in problem


def test_key_of_another_distribution(write_scenario):
    problem = only_problem(write_scenario("u", MINIMAL + UNIFORM_SERVICES + "mode = 16.0\n"))
    assert "growth_pct.mode = 16.0: is used only by dist = 'triangular', not 'uniform'" in problem


def test_sd_not_positive(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace('"uniform"', '"truncnormal"') + "sd = 0.0\n"
    assert (
        "uncertainty.sectors.services.growth_pct.sd = 0.0: must be greater than 0"
        in only_problem(write_scenario("u", text))
    )


def test_truncnormal_needs_sd(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace('"uniform"', '"truncnormal"')
    assert "growth_pct.sd = (missing): required by dist = 'truncnormal'" in only_problem(
        write_scenario("u", text)
    )


def test_mean_outside_the_bounds(write_scenario):
    text = (
        MINIMAL + UNIFORM_SERVICES.replace('"uniform"', '"truncnormal"') + "sd = 0.5\nmean = 15.0\n"
    )
    assert "growth_pct.mean = 15.0: must lie within [low, high]" in only_problem(
        write_scenario("u", text)
    )


def test_bound_that_breaks_the_parameters_own_rule(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace("low = 15.5", "low = -120.0")
    problem = only_problem(write_scenario("u", text))
    assert (
        "growth_pct.low = -120.0: every draw must be a valid value: a growth rate must be "
        "above -100 %/yr" in problem
    )


def test_path_that_is_not_a_parameter_suggests_one(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace("services.growth_pct", "services.growth_pc")
    problem = only_problem(write_scenario("u", text))
    assert (
        "uncertainty.sectors.services.growth_pc = {...}: not a numeric parameter of "
        "scenario 'u' (did you mean 'sectors.services.growth_pct'?)" in problem
    )


def test_year_without_an_override_is_not_a_parameter(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace(
        "services.growth_pct]", "services.growth_pct_by_year.2023]"
    )
    problem = only_problem(write_scenario("u", text))
    assert "sectors.services.growth_pct_by_year.2023" in problem
    assert "not a numeric parameter" in problem


def test_value_outside_the_range_is_a_warning(write_scenario):
    text = MINIMAL + UNIFORM_SERVICES.replace("low = 15.5", "low = 16.2")
    path = write_scenario("u", text)
    scenario = load_scenario(path, path.parent)
    assert len(scenario.warnings) == 1
    assert "does not contain the scenario's own value sectors.services.growth_pct = 16" in str(
        scenario.warnings[0]
    )


def test_correlation_not_square(write_scenario):
    text = MINIMAL + TWO_CORRELATED + correlation(PAIR, [[1.0, 0.5], [0.5]])
    assert (
        "uncertainty.correlation.matrix = [[1.0, 0.5], [0.5]]: must be square: 2 rows of "
        "lengths [2, 1]" in only_problem(write_scenario("u", text))
    )


def test_correlation_size_does_not_match_the_list(write_scenario):
    text = (
        MINIMAL
        + TWO_CORRELATED
        + correlation(PAIR, [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    )
    assert "is 3 x 3 but lists 2 parameters" in only_problem(write_scenario("u", text))


def test_correlation_not_symmetric(write_scenario):
    text = MINIMAL + TWO_CORRELATED + correlation(PAIR, [[1.0, 0.5], [0.4, 1.0]])
    assert "must be symmetric; row 1, column 2 is 0.5 but row 2, column 1 is 0.4" in only_problem(
        write_scenario("u", text)
    )


def test_correlation_diagonal_not_one(write_scenario):
    text = MINIMAL + TWO_CORRELATED + correlation(PAIR, [[1.0, 0.5], [0.5, 0.9]])
    assert "the diagonal must be all 1" in only_problem(write_scenario("u", text))


def test_correlation_entry_outside_minus_one_one(write_scenario):
    text = MINIMAL + TWO_CORRELATED + correlation(PAIR, [[1.0, 1.5], [1.5, 1.0]])
    assert "entries must lie in [-1, 1]; row 1, column 2 is 1.5" in only_problem(
        write_scenario("u", text)
    )


def test_correlation_not_positive_semi_definite(write_scenario):
    three = TWO_CORRELATED + UNIFORM_SERVICES.replace("services", "agriculture").replace(
        "15.5", "3.0"
    ).replace("16.5", "4.0")
    names = PAIR + ["sectors.agriculture.growth_pct"]
    matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]
    problem = only_problem(write_scenario("u", MINIMAL + three + correlation(names, matrix)))
    assert (
        "is not positive semi-definite (smallest eigenvalue -0.8): no set of parameters "
        "can be correlated like this" in problem
    )


def test_correlation_names_a_parameter_without_distribution(write_scenario):
    names = ["sectors.services.growth_pct", "sectors.agriculture.growth_pct"]
    text = MINIMAL + UNIFORM_SERVICES + correlation(names, [[1.0, 0.5], [0.5, 1.0]])
    problem = only_problem(write_scenario("u", text))
    assert (
        "uncertainty.correlation.parameters = 'sectors.agriculture.growth_pct': has no "
        "distribution in [uncertainty]" in problem
    )


def test_correlation_lists_a_parameter_twice(write_scenario):
    names = ["sectors.services.growth_pct", "sectors.services.growth_pct"]
    text = MINIMAL + UNIFORM_SERVICES + correlation(names, [[1.0, 0.5], [0.5, 1.0]])
    assert "each parameter may be listed only once" in only_problem(write_scenario("u", text))


def test_every_uncertainty_problem_is_reported_at_once(write_scenario):
    text = (
        MINIMAL
        + TWO_CORRELATED.replace("low = 15.5", "low = 17.0").replace(
            '"uniform"\nlow = 14.5', '"triangular"\nlow = 14.5\nmode = 20.0'
        )
        + correlation(PAIR, [[1.0, 0.5], [0.4, 1.0]])
    )
    problems = problems_of(write_scenario("many", text))
    assert len(problems) == 3, problems
    assert all("many.toml" in p for p in problems)


def test_spec_rejects_an_invalid_matrix_built_in_code():
    dists = (Distribution("a", "uniform", 0.0, 1.0), Distribution("b", "uniform", 0.0, 1.0))
    with pytest.raises(ValueError, match="not positive semi-definite"):
        UncertaintySpec(
            dists + (Distribution("c", "uniform", 0.0, 1.0),),
            np.array([[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 1.0]]),
        )
    with pytest.raises(ValueError, match="entries must lie in"):
        UncertaintySpec(dists, np.array([[1.0, 2.0], [2.0, 1.0]]))
    with pytest.raises(ValueError, match="must be below high"):
        Distribution("a", "uniform", 1.0, 1.0)


def test_correlation_rules_accept_a_valid_singular_matrix():
    assert correlation_rules(np.array([[1.0, 1.0], [1.0, 1.0]]), 2) == []


# ----------------------------------------------------------------------------- sampling


def test_inverse_cdfs_hit_the_bounds():
    for dist in (
        Distribution("p", "uniform", 2.0, 5.0),
        Distribution("p", "triangular", 2.0, 5.0, mode=3.0),
        Distribution("p", "triangular", 2.0, 5.0, mode=2.0),
        Distribution("p", "truncnormal", 2.0, 5.0, mean=3.0, sd=1.0),
    ):
        np.testing.assert_allclose(inverse_cdf(dist, np.array([0.0, 1.0])), [2.0, 5.0])


def test_uniform_moments():
    spec = UncertaintySpec((Distribution("p", "uniform", 15.5, 16.5),))
    x = sample(spec, 400_000, np.random.default_rng(1))["p"]
    assert x.min() >= 15.5 and x.max() <= 16.5
    assert x.mean() == pytest.approx(16.0, abs=0.002)
    assert x.var() == pytest.approx(1.0 / 12.0, rel=0.01)


def test_triangular_moments():
    a, c, b = 3.0, 3.2, 4.0
    spec = UncertaintySpec((Distribution("p", "triangular", a, b, mode=c),))
    x = sample(spec, 400_000, np.random.default_rng(2))["p"]
    assert x.min() >= a and x.max() <= b
    assert x.mean() == pytest.approx((a + b + c) / 3.0, abs=0.002)
    variance = (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0
    assert x.var() == pytest.approx(variance, rel=0.01)
    # the peak: more draws just around the mode than just around either end
    near = lambda v: np.count_nonzero(np.abs(x - v) < 0.05)  # noqa: E731
    assert near(c) > near(a + 0.05) and near(c) > near(b - 0.05)


def test_triangular_inverse_cdf_is_the_closed_form():
    """The compiled inverse CDF against the closed form in numpy, at the peak, at the ends, for
    a peak at either end, on a strided (non-contiguous) array and in any shape."""
    u = np.random.default_rng(6).random((50, 40))
    u[0, :4] = [0.0, 1.0, 0.2, 0.2 + 1e-17]
    for low, mode, high in ((3.0, 3.2, 4.0), (2.0, 2.0, 5.0), (2.0, 5.0, 5.0), (-2.0, 4.0, 10.0)):
        width = high - low
        left = u < (mode - low) / width
        closed = np.where(
            left,
            low + np.sqrt(u * width * (mode - low)),
            high - np.sqrt((1.0 - u) * width * (high - mode)),
        )
        got = inverse_cdf(Distribution("p", "triangular", low, high, mode=mode), u)
        assert got.shape == u.shape
        np.testing.assert_allclose(got, closed, rtol=1e-15, atol=1e-14)
        strided = inverse_cdf(Distribution("p", "triangular", low, high, mode=mode), u[:, ::3])
        np.testing.assert_array_equal(strided, got[:, ::3])


def test_truncated_normal_moments():
    mu, sigma, low, high = 1.0, 0.2, 0.9, 1.4
    spec = UncertaintySpec((Distribution("p", "truncnormal", low, high, mean=mu, sd=sigma),))
    x = sample(spec, 400_000, np.random.default_rng(3))["p"]
    assert x.min() >= low and x.max() <= high
    alpha, beta = (low - mu) / sigma, (high - mu) / sigma
    phi = lambda z: math.exp(-z * z / 2.0) / math.sqrt(2.0 * math.pi)  # noqa: E731
    z = ndtr(beta) - ndtr(alpha)
    mean = mu + sigma * (phi(alpha) - phi(beta)) / z
    variance = sigma**2 * (
        1 + (alpha * phi(alpha) - beta * phi(beta)) / z - ((phi(alpha) - phi(beta)) / z) ** 2
    )
    assert x.mean() == pytest.approx(mean, abs=0.001)
    assert x.var() == pytest.approx(variance, rel=0.01)


def test_gaussian_copula_gives_the_correlation_of_the_normal_scores():
    rho = 0.6
    spec = UncertaintySpec(
        (
            Distribution("s", "uniform", -2.0, 10.0),
            Distribution("i", "triangular", 6.0, 12.0, mode=9.0),
            Distribution("free", "uniform", 0.0, 1.0),
        ),
        np.array([[1.0, rho, 0.0], [rho, 1.0, 0.0], [0.0, 0.0, 1.0]]),
    )
    u = sample_uniforms(spec, 200_000, np.random.default_rng(4))
    scores = ndtri(u)
    assert np.corrcoef(scores[:, 0], scores[:, 1])[0, 1] == pytest.approx(rho, abs=0.01)
    assert abs(np.corrcoef(scores[:, 0], scores[:, 2])[0, 1]) < 0.01
    # the rank correlation of a Gaussian copula: (6 / pi) asin(rho / 2)
    x = sample(spec, 200_000, np.random.default_rng(4))
    expected = 6.0 / math.pi * math.asin(rho / 2.0)
    assert spearmanr(x["s"], x["i"]).statistic == pytest.approx(expected, abs=0.01)
    # marginals are untouched by the copula
    assert x["s"].mean() == pytest.approx(4.0, abs=0.03)


def test_singular_correlation_falls_back_to_eigen_decomposition():
    matrix = np.array([[1.0, 1.0], [1.0, 1.0]])
    factor = copula_factor(matrix)
    np.testing.assert_allclose(factor @ factor.T, matrix, atol=1e-12)
    spec = UncertaintySpec(
        (Distribution("a", "uniform", 0.0, 1.0), Distribution("b", "uniform", 0.0, 1.0)), matrix
    )
    u = sample_uniforms(spec, 1000, np.random.default_rng(5))
    np.testing.assert_allclose(u[:, 0], u[:, 1], atol=1e-9)


def test_sampling_is_reproducible_and_uses_only_the_given_generator():
    spec = load_scenario("covid_shock", SCENARIOS).uncertainty
    np.random.seed(0)
    before = np.random.random()
    first = sample(spec, 1000, np.random.default_rng(6))
    np.random.seed(0)
    assert np.random.random() == before  # the global state was not touched
    second = sample(spec, 1000, np.random.default_rng(6))
    for name in spec.parameters:
        np.testing.assert_array_equal(first[name], second[name])
    third = sample(spec, 1000, np.random.default_rng(7))
    assert not np.array_equal(first[spec.parameters[0]], third[spec.parameters[0]])


def test_loading_a_scenario_does_not_import_scipy():
    import subprocess
    import sys

    code = (
        "import sys; from sim.scenario.loader import load_scenario; "
        f"s = load_scenario('covid_shock', {str(SCENARIOS)!r}); "
        "assert s.uncertainty is not None; "
        "print([m for m in sys.modules if m.startswith('scipy')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_an_empty_correlation_block_correlates_nothing(write_scenario):
    assert correlation_rules(np.zeros((0, 0))) == []
    path = write_scenario("u", MINIMAL + UNIFORM_SERVICES + correlation([], []))
    spec = load_scenario(path, path.parent).uncertainty
    np.testing.assert_array_equal(spec.correlation, np.eye(1))
