"""The schema's numeric-parameter flag drives the parameter list: every declared key is listed
for a scenario that sets it, and every listed path can be set with --set, read back, and reaches
the model the same way as a value passed to build_inputs."""

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.core.model import project, projection_series
from sim.scenario.loader import load_scenario, parse_setting
from sim.scenario.parameters import numeric_parameters
from sim.scenario.params import build_inputs
from sim.scenario.params import numeric_parameters as reexported
from sim.scenario.schema import SCHEMA, AnyKeys, Leaf, Table, YearMap, leaf_for_parameter

BUNDLED = [
    "baseline",
    "covid_shock",
    "optimistic",
    "history/backcast_2016_2020",
    "next_term/baseline_2025_2030",
    "next_term/slower_growth_2025_2030",
]
# keys the bundled files leave out, set here so that every declared parameter is seen
EXTRA = {"baseline": ["structure.residual_growth_pct=5.0"]}


def declared_patterns(spec=SCHEMA, path=""):
    """Every numeric leaf of the schema as a pattern: "*" stands for a name or a year."""
    join = (lambda key: f"{path}.{key}") if path else (lambda key: key)
    if isinstance(spec, Leaf):
        return [path] if spec.numeric_parameter else []
    if isinstance(spec, Table):
        return [p for key, item in spec.fields.items() for p in declared_patterns(item, join(key))]
    if isinstance(spec, AnyKeys | YearMap):
        return declared_patterns(spec.item, join("*"))
    return []  # the [uncertainty] tree describes parameters and holds none


def matches(path, pattern):
    parts, wanted = path.split("."), pattern.split(".")
    return len(parts) == len(wanted) and all(
        w in ("*", p) for p, w in zip(parts, wanted, strict=False)
    )


def load(name, settings=()):
    """The scenario with its EXTRA settings, less those of a key `settings` sets again (two
    --set of one key are refused)."""
    keys = {text.partition("=")[0] for text in settings}
    extra = [text for text in EXTRA.get(name, ()) if text.partition("=")[0] not in keys]
    return load_scenario(name, SCENARIOS, settings=[*extra, *settings])


def series(inputs):
    return projection_series(project(inputs))


def test_every_declared_parameter_is_listed_for_a_scenario_that_sets_it():
    patterns = declared_patterns()
    assert "sectors.*.growth_pct_by_year.*" in patterns
    assert "indicators.*.elasticity" in patterns
    listed = [path for name in BUNDLED for path in numeric_parameters(load(name))]
    for pattern in patterns:
        assert any(matches(path, pattern) for path in listed), pattern
    for path in listed:  # and nothing else is listed
        assert any(matches(path, pattern) for pattern in patterns), path
        assert leaf_for_parameter(path) is not None, path


def test_the_old_home_re_exports_the_list():
    assert reexported is numeric_parameters


def test_an_indicator_lists_only_the_parameter_of_its_rule():
    params = numeric_parameters(load("baseline"))
    assert "indicators.budget_revenue.elasticity" in params
    assert "indicators.budget_revenue.growth_pct" not in params
    switched = load(
        "baseline",
        ["indicators.budget_revenue.rule=growth", "indicators.budget_revenue.growth_pct=13"],
    )
    params = numeric_parameters(switched)
    assert params["indicators.budget_revenue.growth_pct"] == 13.0
    assert "indicators.budget_revenue.elasticity" not in params


@pytest.mark.slow
@pytest.mark.parametrize("name", BUNDLED)
def test_every_parameter_can_be_set_read_back_and_reaches_the_model(name):
    scenario = load(name)
    nominal = series(build_inputs(scenario))
    for path, value in numeric_parameters(scenario).items():
        changed = value - 0.25
        assert parse_setting(f"{path}={changed!r}") == (path, changed)
        from_file = load(name, [f"{path}={changed!r}"])
        params = numeric_parameters(from_file)
        assert list(params) == list(numeric_parameters(scenario)), path
        assert params[path] == changed, path
        by_file = series(build_inputs(from_file))
        by_value = series(build_inputs(scenario, {path: changed}))
        assert any(not np.array_equal(by_value[k], nominal[k], equal_nan=True) for k in nominal)
        for key in nominal:
            np.testing.assert_allclose(by_file[key], by_value[key], rtol=1e-12, err_msg=path)
