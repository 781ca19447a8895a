"""The naming contract: series names and parameter paths built and parsed in one place."""

import pytest

from sim.core import model, names
from sim.core.names import ParameterPath, SeriesName


def test_blocks_are_the_models_sectors_and_other():
    assert names.BLOCKS == (*model.SECTORS, model.OTHER_BLOCK)


@pytest.mark.parametrize(
    "name, family, subject, level",
    [
        ("output.services", "output", "services", "output.services"),
        ("output.total", "output", "total", "output.total"),
        ("share.other", "share", "other", "output.other"),
        ("growth.total", "growth", "total", "output.total"),
        ("cagr.industry", "cagr", "industry", "output.industry"),
        ("growth.income_per_capita", "growth", "income_per_capita", "income_per_capita"),
        ("budget_revenue_total", "", "budget_revenue_total", "budget_revenue_total"),
    ],
)
def test_series_names_parse_and_rebuild(name, family, subject, level):
    parsed = SeriesName.parse(name)
    assert (parsed.family, parsed.subject, parsed.level) == (family, subject, level)
    assert str(parsed) == name
    assert parsed.is_rate == (family in ("growth", "cagr"))


def test_rate_names_of_levels():
    assert names.growth("output.services") == names.growth("services") == "growth.services"
    assert names.cagr("output.total") == "cagr.total"
    assert names.growth("income_per_capita") == "growth.income_per_capita"
    assert names.output("agriculture") == "output.agriculture"
    assert names.share("industry") == "share.industry"


def test_every_model_series_name_round_trips():
    from sim.run import load_scenarios
    from sim.scenario.params import build_inputs

    (scenario,) = load_scenarios(["baseline"], "scenarios")
    for name in model.series_names(build_inputs(scenario)):
        assert str(SeriesName.parse(name)) == name


@pytest.mark.parametrize(
    "path, group, owner, field, year",
    [
        ("sectors.services.growth_pct", "sectors", "services", "growth_pct", None),
        (
            "sectors.industry.growth_pct_by_year.2021",
            "sectors",
            "industry",
            "growth_pct_by_year",
            2021,
        ),
        (
            "indicators.budget_revenue.elasticity",
            "indicators",
            "budget_revenue",
            "elasticity",
            None,
        ),
        (
            "indicators.retail.growth_pct_by_year.2030",
            "indicators",
            "retail",
            "growth_pct_by_year",
            2030,
        ),
        ("structure.residual_growth_pct", "structure", "", "residual_growth_pct", None),
    ],
)
def test_parameter_paths_parse_and_rebuild(path, group, owner, field, year):
    parsed = ParameterPath.parse(path)
    assert (parsed.group, parsed.owner, parsed.field, parsed.year) == (group, owner, field, year)
    assert str(parsed) == path


def test_parameter_path_builders():
    assert str(ParameterPath.sector("services", "growth_pct")) == "sectors.services.growth_pct"
    assert (
        str(ParameterPath.sector("services", "growth_pct", 2022))
        == "sectors.services.growth_pct_by_year.2022"
    )
    assert ParameterPath.parse("sectors.services.growth_pct_by_year.2022").every_year == (
        "sectors.services.growth_pct_by_year"
    )
    # a year key in other digits is not a year
    assert ParameterPath.parse("sectors.services.growth_pct_by_year.２０２１").year is None


def test_series_units_follow_one_rule():
    units = {"income_per_capita": "million VND/person", "budget_revenue": "billion VND"}
    unit = lambda n: names.series_unit(n, "billion VND", units)  # noqa: E731
    assert unit("output.total") == "billion VND"
    assert unit("share.services") == "%"
    assert unit("growth.income_per_capita") == unit("cagr.total") == "%/yr"
    assert unit("income_per_capita") == "million VND/person"
    assert unit("budget_revenue_total") == "billion VND"
    assert unit("unknown") == ""


def test_series_name_families():
    kinds = lambda n: [  # noqa: E731
        kind
        for kind in ("is_output", "is_share", "is_growth", "is_cagr", "is_indicator")
        if getattr(SeriesName.parse(n), kind)
    ]
    assert kinds("output.total") == ["is_output"]
    assert kinds("share.services") == ["is_share"]
    assert kinds("growth.retail") == ["is_growth"]
    assert kinds("cagr.other") == ["is_cagr"]
    assert kinds("budget_revenue_total") == ["is_indicator"]


def test_parameter_path_as_a_column():
    assert ParameterPath.parse("sectors.services.growth_pct").column == "services_growth_pct"
    assert ParameterPath.parse("indicators.retail.elasticity").column == "retail_elasticity"
    assert ParameterPath.parse("structure.residual_growth_pct").column == "residual_growth_pct"
    assert (
        ParameterPath.parse("sectors.industry.growth_pct_by_year.2022").column
        == "industry_growth_pct_by_year_2022"
    )


def test_shares_and_rates_are_in_percent():
    assert [
        SeriesName.parse(n).in_percent for n in ("share.other", "growth.total", "cagr.retail")
    ] == [
        True,
        True,
        True,
    ]
    assert not SeriesName.parse("output.total").in_percent
    assert not SeriesName.parse("budget_revenue").in_percent


def test_parameter_path_strings():
    assert names.sector_path("industry", "share_pct") == "sectors.industry.share_pct"
    assert names.sector_path("industry", "growth_pct", 2023) == (
        "sectors.industry.growth_pct_by_year.2023"
    )
    assert names.indicator_path("retail", "base") == "indicators.retail.base"
    assert names.indicator_path("retail", "growth_pct", 2021) == (
        "indicators.retail.growth_pct_by_year.2021"
    )


def test_single_year_override_of_a_yearly_rate():
    rate = ParameterPath.indicator("retail", "growth_pct")
    assert str(rate.in_year(2022)) == "indicators.retail.growth_pct_by_year.2022"
    assert rate.in_year(2022).every_year == "indicators.retail.growth_pct_by_year"


def test_the_run_and_the_analyses_take_units_from_the_one_rule():
    from dataclasses import replace

    from sim.analysis.sensitivity import output_units
    from sim.run import load_scenarios, series_units

    (scenario,) = load_scenarios(["baseline"], "scenarios")
    assert series_units(scenario, ["output.total", "share.services", "growth.retail", "nope"]) == {
        "output.total": "index (2020 total = 100)",
        "share.services": "%",
        "growth.retail": "%/yr",
        "nope": "",
    }
    assert output_units(scenario) == {
        "output.total": "index (2020 total = 100)",
        "cagr.total": "%/yr",
        "income_per_capita": "million VND/person",
        "budget_revenue": "billion VND",
    }
    with_fees = replace(scenario, budget_concept="budget_revenue_total")
    assert output_units(with_fees)["budget_revenue_total"] == "billion VND"


def test_a_rate_finds_the_years_it_is_overridden_in_among_paths():
    paths = [
        "sectors.services.growth_pct_by_year.2021",
        "sectors.services.growth_pct_by_year.2022",
        "sectors.industry.growth_pct_by_year.2023",
        "sectors.services.share_pct",
    ]
    services = ParameterPath.parse("sectors.services.growth_pct")
    assert services.years_among(paths) == {2021, 2022}
    assert ParameterPath.parse("indicators.budget_revenue.elasticity").years_among(paths) == set()
    assert ParameterPath.parse(paths[0]).years_among(paths) == set()  # (a year is no rate)
