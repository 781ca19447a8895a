"""Sensitivity, Monte Carlo, Sobol and goal seek, against closed forms and separate runs."""

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIOS, TARGETS
from reference import chunk_series, sobol_indices

from sim.analysis.montecarlo.engine import PERCENTILES, met_target, monte_carlo
from sim.analysis.montecarlo.quantiles import BinnedPercentiles
from sim.analysis.sensitivity import (
    custom_target,
    end_year_outputs,
    goal_seek,
    one_at_a_time,
    sobol,
    spider,
    target_by_key,
    two_way_grid,
)
from sim.analysis.sobol import design
from sim.analysis.suite import CSV_COLUMNS, run_sensitivity
from sim.core.model import cagr_from_ratio_pct, project, projection_series, series_names
from sim.core.targets import evaluate, target_indicator
from sim.output.console import ProgressBar
from sim.output.files import write_sensitivity_csvs
from sim.run import model_inputs, run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.params import numeric_parameters

BUNDLED = ("baseline", "covid_shock", "optimistic")


@pytest.fixture(scope="module")
def scenarios():
    return {name: load_scenario(name, SCENARIOS) for name in BUNDLED}


def single_run(name, settings=()):
    """End-year series of a separate, ordinary projection (what `--set` would give)."""
    scenario = load_scenario(name, SCENARIOS, settings=list(settings))
    return scenario, projection_series(project(model_inputs(scenario)))


# ----------------------------------------------------------------------------- streaming quantiles


@pytest.mark.parametrize("n, chunk", [(1_000, 1_000), (20_000, 3_000), (200_000, 50_000)])
def test_binned_percentiles_are_within_one_bin_of_numpy(n, chunk):
    rng = np.random.default_rng(n)
    data = np.stack(
        [
            rng.normal(14.8, 0.3, n),  # a CAGR-like column
            rng.lognormal(6.3, 0.05, n),  # a skewed level
            rng.uniform(80, 84, n),
            np.full(n, 0.9),  # constant
        ]
    )
    pilot = data[:, : min(chunk, 4096)]
    acc = BinnedPercentiles(pilot.min(axis=1), pilot.max(axis=1), 4096)
    for start in range(0, n, chunk):
        acc.add(data[:, start : start + chunk])
    read = acc.percentiles(PERCENTILES)
    estimate, reliable = read.values, read.reliable
    exact = np.percentile(data, PERCENTILES, axis=1).T
    assert reliable.all()
    error = np.abs(estimate - exact)
    assert np.all(error <= acc.width[:, None] * (1 + 1e-9)), error / acc.width[:, None]
    np.testing.assert_allclose(estimate[3], 0.9, rtol=1e-12)


def test_binned_percentiles_flag_ranks_outside_the_range_and_nan_columns():
    data = np.vstack([np.linspace(0.0, 100.0, 1001), np.linspace(0.0, 1.0, 1001)])
    data[1, 500] = np.nan
    acc = BinnedPercentiles(np.array([40.0, 0.0]), np.array([60.0, 1.0]), 64)
    acc.add(data)
    read = acc.percentiles([5, 50, 95])
    estimate, reliable = read.values, read.reliable
    assert list(reliable[0]) == [False, True, False]  # 5 and 95 lie outside [40, 60)
    assert estimate[0, 1] == pytest.approx(50.0, abs=acc.width[0])
    assert np.isnan(estimate[1]).all()  # as numpy.percentile does with a NaN


def test_binned_percentiles_put_values_outside_the_range_into_the_edge_bins():
    """Without NaN, values beyond the range take the cheap way (bin numbers clipped as
    integers), extreme ones included; the counts are those of a direct count."""
    rng = np.random.default_rng(3)
    data = np.vstack([rng.normal(50.0, 10.0, 5000), rng.normal(0.0, 1.0, 5000)])
    data[0, :3] = [-1e300, 1e300, 60.0]  # too large to scale to a bin number exactly
    data[1, :2] = [-40.0, 25.0]
    low, high = np.array([45.0, -1.0]), np.array([55.0, 1.0])
    for rows_at_a_time in ([0, 1], [0], [1]):
        acc = BinnedPercentiles(low[rows_at_a_time], high[rows_at_a_time], 66)
        acc.add(data[rows_at_a_time])
        below = (data[rows_at_a_time] < low[rows_at_a_time, None]).sum(axis=1)
        above = (data[rows_at_a_time] >= high[rows_at_a_time, None]).sum(axis=1)
        np.testing.assert_array_equal(acc.counts[:, 0], below)
        np.testing.assert_array_equal(acc.counts[:, -1], above)
        assert acc.counts.sum() == data[rows_at_a_time].size
        read = acc.percentiles([50])
        estimate, reliable = read.values, read.reliable
        exact = np.percentile(data[rows_at_a_time], 50, axis=1)
        assert reliable.all() and np.all(np.abs(estimate[:, 0] - exact) <= acc.width)


def column_values(columns, source):
    """The values of `sim.analysis.montecarlo.kernels.Columns` computed with numpy, as references for the kernels:
    value a; growth (a / b - 1) * 100; share a / b * 100; ratio a / b."""
    from sim.analysis.montecarlo.kernels import GROWTH, SHARE, VALUE

    a, b = source[columns.a], source[columns.b]
    kind = columns.kind[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.select(
            [kind == VALUE, kind == GROWTH, kind == SHARE],
            [a, (a / b - 1.0) * 100.0, a / b * 100.0],
            a / b,
        )


def chunked_exact(scenario, draws, seed, chunk):
    """Exact percentiles and target counts over the very draws monte_carlo uses."""
    blocks = list(chunk_series(scenario, draws, np.random.default_rng(seed), chunk))
    flat = np.concatenate([b.reshape(-1, b.shape[-1]) for b in blocks], axis=1)
    series = np.concatenate(blocks, axis=2)
    return flat, series


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, draws, chunk, pilot",
    [
        ("baseline", 20_000, 4_096, None),
        ("covid_shock", 25_000, 8_192, None),
        ("covid_shock", 12_000, 4_096, 3),  # a pilot of 3 draws: forces the second pass
    ],
)
def test_streaming_monte_carlo_is_within_its_stated_bound(scenarios, name, draws, chunk, pilot):
    scenario = scenarios[name]
    result = monte_carlo(
        scenario, draws, np.random.default_rng(11), chunk_draws=chunk, pilot_draws=pilot
    )
    assert not result.exact
    assert result.passes == (2 if pilot else 1)
    flat, series = chunked_exact(scenario, draws, 11, chunk)
    exact = np.percentile(flat, PERCENTILES, axis=1).T
    table = result.percentiles
    estimate = table[[f"p{p}" for p in PERCENTILES]].to_numpy()
    bound = table["error_bound"].to_numpy()
    missing = np.isnan(exact[:, 0])
    assert np.array_equal(np.isnan(estimate[:, 0]), missing)
    error = np.abs(estimate - exact)[~missing].max(axis=1)
    rounding = 2 * np.spacing(np.abs(exact[~missing]).max(axis=1))  # of the comparison itself
    assert np.all(error <= bound[~missing] * (1 + 1e-9) + rounding)
    # the bound is small: well under 0.1 % of each column's range
    spread = (flat.max(axis=1) - flat.min(axis=1))[~missing]
    assert np.all(bound[~missing] <= 0.001 * spread + 1e-12)
    # target probabilities are exact counts
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    names = list(series_names(model_inputs(scenario)))
    for target, row in zip(TARGETS, result.target_probabilities.itertuples(), strict=True):
        levels = series[names.index(target_indicator(target, scenario.budget_concept))].T
        expected = np.count_nonzero(met_target(target, evaluate(target, years, levels))) / draws
        assert row.target == target.key and row.probability == expected


@pytest.fixture(params=["numpy", "compiled"])
def kernel_path(request, monkeypatch):
    """Every kernel call on one path: the numpy twins or the compiled (numba) loops, by forcing
    the threshold of `kernels.use_compiled` (and, for numpy, whether numba counts as loaded);
    the other path fails if called."""
    from sim.analysis.montecarlo import kernels

    def not_this_path(*args, **kwargs):
        raise AssertionError(f"the {request.param} path was forced")

    if request.param == "numpy":
        monkeypatch.setattr(kernels, "COMPILED_FROM", 2**62)
        monkeypatch.setattr(kernels, "_COMPILED", "numba is not loaded")
        monkeypatch.setattr(kernels, "_compiled", not_this_path)
    else:
        monkeypatch.setattr(kernels, "COMPILED_FROM", 0)
        monkeypatch.setattr(kernels, "column_values", not_this_path)
    return request.param


@pytest.mark.slow
def test_kernel_columns_are_the_models_rows(scenarios, kernel_path):
    """Growth, shares and CAGR ratios computed by the loops (compiled or numpy) from the levels
    alone are the model's own rows (to the last bit for growth and shares), and the counts and
    extremes they give are those of numpy over the model's values."""
    import sim.analysis.montecarlo.engine as mc
    from sim.analysis.montecarlo.kernels import Columns, count_into_bins, extremes

    for name in ("baseline", "covid_shock"):
        run = mc._prepare(scenarios[name], 4_096, np.random.default_rng(0), 4_096)
        full = run.series(0).reshape(-1, 4_096)
        levels = run.series(0, np.full_like(run.series(0), np.nan), levels_only=True)
        levels = levels.reshape(-1, 4_096)
        rows = np.flatnonzero(~np.isnan(full).any(axis=1))  # every row with a value
        columns, years = run.columns(rows)
        assert {int(k) for k in columns.kind} == {0, 1, 2, 3}
        computed = column_values(columns, levels)
        ratio = years > 0
        np.testing.assert_array_equal(computed[~ratio], full[rows[~ratio]])
        np.testing.assert_allclose(
            cagr_from_ratio_pct(computed[ratio], years[ratio, None]),
            full[rows[ratio]],
            rtol=0,
            atol=1e-12,
        )
        low, high, has_nan = extremes(levels, columns)
        np.testing.assert_array_equal(low, computed.min(axis=1))
        np.testing.assert_array_equal(high, computed.max(axis=1))
        assert not has_nan.any()
        # counts: bins over the middle half of each range, so all three kinds of bin are used
        lo = low + (high - low) / 4
        hi = np.maximum(high - (high - low) / 4, lo + 1e-9)
        acc = BinnedPercentiles(lo, hi, 256, columns=columns)
        acc.add(levels)
        expected = np.clip(np.floor(computed * acc._scale[:, None] + acc._shift[:, None]), 0, 255)
        for c in range(len(columns)):
            np.testing.assert_array_equal(
                acc.counts[c], np.bincount(expected[c].astype(int), minlength=256)
            )
        below, above = computed < lo[:, None], computed >= hi[:, None]
        np.testing.assert_array_equal(
            acc.minimum, np.where(below.any(axis=1), computed.min(axis=1), np.inf)
        )
        np.testing.assert_array_equal(
            acc.maximum, np.where(above.any(axis=1), computed.max(axis=1), -np.inf)
        )
    with pytest.raises(ValueError, match="column rows"):
        count_into_bins(
            levels,
            Columns.of_rows(np.array([levels.shape[0]])),
            *([np.zeros(1)] * 2),
            np.zeros((1, 3), np.int64),
            np.zeros(1),
            np.zeros(1),
            np.zeros(1, bool),
        )


def test_kernel_columns_divide_as_numpy_does(kernel_path):
    """A level of zero (a sector with no share) gives NaN or inf as numpy does, not an error."""
    from sim.analysis.montecarlo.kernels import (
        GROWTH,
        RATIO,
        SHARE,
        Columns,
        count_into_bins,
        extremes,
    )

    source = np.array([[0.0, 0.0, 1.0], [0.0, 2.0, 0.0]])
    columns = Columns(np.array([GROWTH, SHARE, RATIO]), np.array([1, 1, 1]), np.array([0, 0, 0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = column_values(columns, source)
    assert np.isnan(expected).any() and np.isinf(expected).any()
    low, high, has_nan = extremes(source, columns)
    assert list(has_nan) == list(np.isnan(expected).any(axis=1))
    counts = np.zeros((3, 8), np.int64)
    minimum, maximum = np.full(3, np.inf), np.full(3, -np.inf)
    flags = np.zeros(3, bool)
    count_into_bins(source, columns, np.ones(3), np.ones(3), counts, minimum, maximum, flags)
    assert list(flags) == list(np.isnan(expected).any(axis=1))
    assert counts[:, -1].tolist() == np.isposinf(expected).sum(axis=1).tolist()


def _kernel_inputs(scenarios):
    """Levels of a chunk of two bundled scenarios, with a row of zeros, NaN and
    infinities appended, and every kind of column over them (pairs of rows at random)."""
    import sim.analysis.montecarlo.engine as mc
    from sim.analysis.montecarlo.kernels import Columns

    rng = np.random.default_rng(12)
    for name in ("baseline", "covid_shock"):
        run = mc._prepare(scenarios[name], 3_000, np.random.default_rng(1), 3_000)
        levels = run.series(0).reshape(-1, 3_000)
        levels = np.nan_to_num(levels, nan=0.0)
        odd = rng.choice([0.0, -0.0, np.nan, np.inf, -np.inf, 1e-300, 5.0], size=3_000)
        source = np.ascontiguousarray(np.vstack([levels, odd]))
        c = 400
        columns = Columns(
            rng.integers(0, 4, c),
            rng.integers(0, source.shape[0], c),
            rng.integers(0, source.shape[0], c),
        )
        yield source, columns


def test_numpy_twins_give_the_compiled_loops_numbers_bit_for_bit(scenarios):
    """Counts, extremes and NaN flags (counting and extremes) and triangular quantiles are the
    same on both paths, on the same inputs: model levels and zeros, NaN and infinities."""
    from sim.analysis.montecarlo import compiled as compiled_module
    from sim.analysis.montecarlo import kernels
    from sim.analysis.montecarlo.kernels import count_into_bins, extremes, triangular_quantile

    codes = ("VALUE", "GROWTH", "SHARE")
    assert [getattr(compiled_module, k) for k in codes] == [getattr(kernels, k) for k in codes]

    for source, columns in _kernel_inputs(scenarios):
        c = len(columns)
        with np.errstate(all="ignore"):
            low, high, _ = extremes(source, columns, compiled=False)
            low = np.where(np.isfinite(low), low, -1.0)
            high = np.where(np.isfinite(high), high, 1.0)
            middle, half = (low + high) / 2, np.maximum((high - low) / 4, 1e-9)
            scale = 1.0 / (2 * half / 254)
            shift = 1.0 - (middle - half) * scale  # bins over the middle half: all kinds used
        results = []
        for compiled in (False, True):
            counts = np.zeros((c, 256), np.int64)
            minimum, maximum = np.full(c, np.inf), np.full(c, -np.inf)
            has_nan = np.zeros(c, bool)
            count_into_bins(
                source, columns, scale, shift, counts, minimum, maximum, has_nan, compiled
            )
            count_into_bins(
                source, columns, scale, shift, counts, minimum, maximum, has_nan, compiled
            )
            results.append(
                (counts, minimum, maximum, has_nan, *extremes(source, columns, compiled))
            )
        for numpy_result, compiled_result in zip(*results, strict=True):
            np.testing.assert_array_equal(numpy_result, compiled_result)
        counts = results[0][0]
        assert counts[:, 0].any() and counts[:, -1].any() and counts[:, 1:-1].any()
        assert results[0][3].any() and not results[0][3].all()  # NaN in some columns
    u = np.random.default_rng(5).random(10_001)
    u[:4] = [0.0, 0.3, 0.999999999, 0.5]
    for low, mode, high in (
        (0.0, 0.3, 1.0),
        (14.0, 16.0, 18.5),
        (-2.0, -2.0, 3.0),
        (1.0, 4.0, 4.0),
    ):
        numpy_values = triangular_quantile(u, low, mode, high, compiled=False)
        compiled_values = triangular_quantile(u, low, mode, high, compiled=True)
        assert numpy_values.view(np.int64).tolist() == compiled_values.view(np.int64).tolist()


@pytest.mark.slow
def test_monte_carlo_is_the_same_on_both_paths(scenarios, monkeypatch):
    """A streamed Monte Carlo (several chunks, a second pass) gives identical tables whether it
    counts with numba or with numpy."""
    from sim.analysis.montecarlo import kernels

    tables = {}
    for path in ("numpy", "compiled"):
        with monkeypatch.context() as patch:
            if path == "numpy":
                patch.setattr(kernels, "COMPILED_FROM", 2**62)
                patch.setattr(kernels, "_COMPILED", "numba is not loaded")
            else:
                patch.setattr(kernels, "COMPILED_FROM", 0)
            for name, pilot in (("baseline", None), ("covid_shock", 3)):
                result = monte_carlo(
                    scenarios[name],
                    12_000,
                    np.random.default_rng(4),
                    chunk_draws=4_096,
                    pilot_draws=pilot,
                )
                tables[path, name] = result
    for name in ("baseline", "covid_shock"):
        one, two = tables["numpy", name], tables["compiled", name]
        pd.testing.assert_frame_equal(one.percentiles, two.percentiles, check_exact=True)
        pd.testing.assert_frame_equal(one.target_probabilities, two.target_probabilities)
    assert tables["numpy", "covid_shock"].passes == 2


def test_numba_is_used_only_where_it_pays(scenarios, monkeypatch):
    """The decision: numpy below COMPILED_FROM values of work unless numba is loaded already;
    a default Monte Carlo (10,000 draws) is below it, a million draws above."""
    import sim.analysis.montecarlo.engine as mc
    from sim.analysis.montecarlo import kernels

    monkeypatch.setattr(kernels, "_COMPILED", "numba is not loaded")
    assert not kernels.use_compiled(kernels.COMPILED_FROM - 1)
    assert kernels.use_compiled(kernels.COMPILED_FROM)
    rng = np.random.default_rng(0)
    assert not mc._prepare(scenarios["covid_shock"], 10_000, rng, mc.CHUNK_DRAWS).compiled
    assert mc._prepare(scenarios["baseline"], 1_000_000, rng, mc.CHUNK_DRAWS).compiled
    monkeypatch.setattr(kernels, "_COMPILED", "numpy")  # a module that is loaded: numba's stand-in
    assert kernels.use_compiled(1)


@pytest.mark.slow
def test_a_default_sensitivity_run_does_not_load_numba():
    code = (
        "import sys, numpy as np; from sim.analysis.suite import run_sensitivity; "
        "from sim.scenario.loader import load_scenario; "
        "s = [load_scenario(n, 'scenarios') for n in ('baseline', 'covid_shock')]; "
        "run_sensitivity(s, 10_000, seed=1, sobol_n=2**10); "
        "print('numba' in sys.modules, 'sim.analysis.montecarlo.compiled' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],  # the repository root
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


def test_a_cagr_read_through_its_ratio_is_within_its_bound():
    """Percentiles of (ratio ** (1 / t) - 1) * 100 read off the ratio's bins, against
    numpy.percentile of the CAGRs themselves."""
    from sim.analysis.montecarlo.engine import _through_cagr
    from sim.analysis.montecarlo.kernels import RATIO, Columns

    rng = np.random.default_rng(4)
    base = rng.uniform(290.0, 298.0, 50_000)
    levels = np.vstack([base, base * rng.lognormal(0.7, 0.04, 50_000)])
    columns = Columns(np.array([RATIO, RATIO]), np.array([1, 1]), np.array([0, 0]))
    years = np.array([3, 5])
    ratio = levels[1] / levels[0]
    acc = BinnedPercentiles(np.full(2, ratio.min()), np.full(2, ratio.max()), 512, columns=columns)
    for start in range(0, 50_000, 7_000):
        acc.add(levels[:, start : start + 7_000])
    read = acc.percentiles(PERCENTILES, _through_cagr(years))
    cagr = (ratio[None, :] ** (1.0 / years[:, None]) - 1.0) * 100.0
    exact = np.percentile(cagr, PERCENTILES, axis=1).T
    assert read.reliable.all()
    error = np.abs(read.values - exact).max(axis=1)
    assert np.all(error <= read.bound) and np.all(read.bound < 3 / 510 * np.ptp(cagr, axis=1))
    assert np.all(error > 0)  # binned, not exact: the comparison means something

    # a ratio near zero, where the CAGR is far from linear (bins from zero: no ratio below it)
    ratio = np.random.default_rng(9).uniform(0.0, 30.0, 50_000) ** 3 / 900.0
    levels = np.vstack([np.ones_like(ratio), ratio])
    acc = BinnedPercentiles(np.zeros(2), np.full(2, ratio.max()), 4096, columns=columns)
    acc.add(levels)
    read = acc.percentiles(PERCENTILES, _through_cagr(years))
    cagr = (ratio[None, :] ** (1.0 / years[:, None]) - 1.0) * 100.0
    exact = np.percentile(cagr, PERCENTILES, axis=1).T
    assert read.reliable.all()
    assert np.all(np.abs(read.values - exact).max(axis=1) <= read.bound)


def _stressed(name, change, settings=()):
    """A bundled scenario with its uncertainty changed: change(distributions) -> distributions
    (correlations kept between the parameters that stay; none for new ones)."""
    import dataclasses

    from sim.scenario.uncertainty import UncertaintySpec

    scenario = load_scenario(name, SCENARIOS, settings=list(settings))
    spec = scenario.uncertainty or UncertaintySpec(())
    old = [d.parameter for d in spec.distributions]
    dists = change(spec.distributions)
    correlation = None
    if spec.correlation is not None:
        correlation = np.eye(len(dists))
        for i, a in enumerate(dists):
            for j, b in enumerate(dists):
                if a.parameter in old and b.parameter in old:
                    correlation[i, j] = spec.correlation[
                        old.index(a.parameter), old.index(b.parameter)
                    ]
    return dataclasses.replace(scenario, uncertainty=UncertaintySpec(dists, correlation))


def _without(parameter):
    return lambda dists: tuple(d for d in dists if d.parameter != parameter)


def _wide(parameter, low, high):
    """Give `parameter` a uniform distribution on [low, high] (replacing or adding it)."""
    from sim.scenario.uncertainty import Distribution

    new = Distribution(parameter, "uniform", low, high)
    return lambda dists: tuple(d for d in dists if d.parameter != parameter) + (new,)


def _both(*changes):
    """The changes one after another."""

    def change(dists):
        for one in changes:
            dists = one(dists)
        return dists

    return change


def _only(*changes):
    """The changes one after another, starting from no distributions at all."""
    return lambda dists: _both(*changes)(())


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, change, settings, bins",
    [
        # retail growth fixed: its CAGRs to 2023 and 2024 (cube and square roots) are constant
        (
            "baseline",
            _without("indicators.retail.growth_pct"),
            ["indicators.retail.growth_pct=13.95"],
            4096,
        ),
        (
            "baseline",
            _without("indicators.retail.growth_pct"),
            ["indicators.retail.growth_pct=7.37"],
            4096,
        ),
        # retail growth from -99 to 100 %/yr: levels and ratios near zero, CAGRs far from linear
        ("baseline", _wide("indicators.retail.growth_pct", -99.0, 100.0), [], 4096),
        ("covid_shock", _wide("indicators.land_use_revenue.growth_pct", -90.0, 60.0), [], 8),
        # found by a second review: a tiny base-year value that varies a lot in relative terms
        # while staying within 1e-12 absolute (derived CAGRs took it as fixed)
        (
            "baseline",
            _wide("indicators.retail.base", 1e-12, 1.9e-12),
            ["indicators.retail.base=1.5e-12"],
            4096,
        ),
        (
            "history/backcast_2016_2020",
            _only(_wide("sectors.agriculture.growth_pct", 2.9, 2.9 + 1e-11)),
            [],
            4096,
        ),
        # negative levels: CAGRs over 2, 4, 5 years are NaN in some draws, so NaN as in numpy
        (
            "baseline",
            _both(
                _wide("sectors.services.growth_pct", -80.0, 20.0),
                _wide("sectors.industry.growth_pct", -80.0, 20.0),
                _wide("indicators.income_per_capita.elasticity", 0.24, 3.0),
            ),
            [],
            4096,
        ),
        # bins narrower than the values' rounding
        (
            "covid_shock",
            _both(
                _without("indicators.retail.growth_pct_by_year.2021"),
                _without("indicators.retail.growth_pct_by_year.2022"),
                _wide("indicators.retail.growth_pct", 19.0, 19.0 + 2e-10),
            ),
            [],
            65536,
        ),
    ],
)
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # negative levels
def test_streaming_bounds_hold_on_stressed_scenarios(name, change, settings, bins):
    """Found by a review: bounds that did not hold for constant CAGRs (a power where the model
    takes a cube root), for CAGRs whose level or ratio lies near zero, and with coarse bins."""
    scenario = _stressed(name, change, settings)
    result = monte_carlo(scenario, 12_000, np.random.default_rng(5), chunk_draws=4_096, bins=bins)
    flat, _ = chunked_exact(scenario, 12_000, 5, 4_096)
    exact = np.percentile(flat, PERCENTILES, axis=1).T
    estimate = result.percentiles[[f"p{p}" for p in PERCENTILES]].to_numpy()
    bound = result.percentiles["error_bound"].to_numpy()
    present = ~np.isnan(exact[:, 0])
    assert np.array_equal(np.isnan(estimate).any(axis=1), ~present)  # NaN where numpy's is
    assert not np.isnan(bound[present]).any()
    error = np.abs(estimate - exact)[present].max(axis=1)
    rounding = 2 * np.spacing(np.abs(exact[present]).max(axis=1))  # of the comparison itself
    assert np.all(error <= bound[present] * (1 + 1e-9) + rounding), (error / bound[present]).max()


def test_twin_rows_by_construction_and_a_false_twin_counted_again(scenarios, monkeypatch):
    """Rows equal up to rounding by construction (a rate that is the same every year; an 'other'
    block growing with the total) take their twin's percentiles; a pair that the pilot's inputs
    made twins but a later chunk's do not is counted again in a second pass; every percentile
    stays within its bound."""
    import sim.analysis.montecarlo.engine as mc

    scenario = scenarios["baseline"]
    run = mc._prepare(scenario, 8_192, np.random.default_rng(0), 4_096)
    twins = dict(run.twins(run.inputs(0)))
    services = run.names.index("growth.services") * run.n_years
    assert all(twins[services + t] == services + 1 for t in range(2, run.n_years))
    total, other = (run.names.index(n) * run.n_years for n in ("growth.total", "growth.other"))
    assert all(twins[other + t] == total + t for t in range(1, run.n_years))
    covid = mc._prepare(scenarios["covid_shock"], 8_192, np.random.default_rng(0), 4_096)
    covid_twins = dict(covid.twins(covid.inputs(0)))  # shock years 2021-2022, then steady
    assert covid_twins[services + 5] == services + 3 and services + 3 not in covid_twins

    real = mc._Run.twins
    calls = []

    def false_twin_on_the_pilot(self, inputs):
        pairs = real(self, inputs)
        calls.append(1)
        if len(calls) == 1:  # the pilot: growth.budget_revenue 2023 as a twin of 2022's
            budget = self.names.index("growth.budget_revenue") * self.n_years
            pairs.append((budget + 3, budget + 2))
        return pairs

    monkeypatch.setattr(mc._Run, "twins", false_twin_on_the_pilot)
    result = monte_carlo(scenario, 12_000, np.random.default_rng(8), chunk_draws=4_096)
    assert result.passes == 2
    flat, _ = chunked_exact(scenario, 12_000, 8, 4_096)
    exact = np.percentile(flat, PERCENTILES, axis=1).T
    estimate = result.percentiles[[f"p{p}" for p in PERCENTILES]].to_numpy()
    bound = result.percentiles["error_bound"].to_numpy()
    present = ~np.isnan(exact[:, 0])
    error = np.abs(estimate - exact)[present].max(axis=1)
    rounding = 2 * np.spacing(np.abs(exact[present]).max(axis=1))  # of the comparison itself
    assert np.all(error <= bound[present] * (1 + 1e-9) + rounding)


def test_one_chunk_is_numpy_percentile_exactly(scenarios):
    scenario = scenarios["baseline"]
    result = monte_carlo(scenario, 3_000, np.random.default_rng(2))
    assert result.exact
    flat, _ = chunked_exact(scenario, 3_000, 2, 32_768)
    expected = np.percentile(flat, PERCENTILES, axis=1).T
    np.testing.assert_array_equal(
        result.percentiles[["p5", "p25", "p50", "p75", "p95"]].to_numpy(), expected
    )


def test_monte_carlo_is_reproducible_and_independent_of_threads(scenarios):
    scenario = scenarios["covid_shock"]
    one = monte_carlo(scenario, 40_000, np.random.default_rng(5), chunk_draws=8_192, workers=1)
    two = monte_carlo(scenario, 40_000, np.random.default_rng(5), chunk_draws=8_192, workers=2)
    pd.testing.assert_frame_equal(one.percentiles, two.percentiles)
    pd.testing.assert_frame_equal(one.target_probabilities, two.target_probabilities)
    other = monte_carlo(scenario, 40_000, np.random.default_rng(6), chunk_draws=8_192)
    assert not one.percentiles["p50"].equals(other.percentiles["p50"])


def test_percentile_table_covers_every_series_and_year(scenarios):
    scenario = scenarios["baseline"]
    result = monte_carlo(scenario, 2_000, np.random.default_rng(1))
    table = result.percentiles
    names = series_names(model_inputs(scenario))
    assert len(table) == len(names) * 6
    assert set(table["indicator"]) == set(names)
    assert list(table.columns) == [
        "scenario",
        "indicator",
        "year",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "error_bound",
    ]
    growth = table[table.indicator == "growth.total"]
    assert growth.p50.isna().tolist() == [True, False, False, False, False, False]
    quantiles = table[["p5", "p25", "p50", "p75", "p95"]].dropna().to_numpy()
    assert np.all(np.diff(quantiles, axis=1) >= -1e-9)  # ordered


def test_narrow_distributions_reproduce_the_deterministic_projection(write_scenario):
    base_text = (SCENARIOS / "baseline.toml").read_text(encoding="utf-8")
    root = base_text.split("# -----")[0]
    scenario = load_scenario("baseline", SCENARIOS)
    narrow = "".join(
        f'\n[uncertainty.{p}]\ndist = "uniform"\nlow = {v!r}\nhigh = {v + 1e-9 * max(1, v)!r}\n'
        for p, v in numeric_parameters(scenario).items()
        if not p.endswith("share_pct")
    )
    path = write_scenario("narrow", root + narrow)
    narrow_scenario = load_scenario(path, path.parent)
    result = monte_carlo(narrow_scenario, 20_000, np.random.default_rng(3), chunk_draws=4_096)
    assert not result.exact
    deterministic = run_scenario(scenario)
    for row in result.percentiles.itertuples():
        value = deterministic.series[row.indicator][row.year - 2020]
        for p in PERCENTILES:
            got = getattr(row, f"p{p}")
            if np.isnan(value):
                assert np.isnan(got)
            else:
                assert got == pytest.approx(value, rel=1e-7, abs=1e-7), (row.indicator, row.year)
    met = {s.target.key: s.met for s in deterministic.scores}
    for row in result.target_probabilities.itertuples():
        assert row.probability == (1.0 if met[row.target] else 0.0), row.target


def test_monte_carlo_needs_an_uncertainty_section(write_scenario):
    from conftest import MINIMAL

    path = write_scenario("plain", MINIMAL)
    with pytest.raises(ValueError, match="no \\[uncertainty\\] section"):
        monte_carlo(load_scenario(path, path.parent), 10, np.random.default_rng(0))


# ----------------------------------------------------------------------------- Sobol


def ishigami(u, a=7.0, b=0.1):
    x = -np.pi + 2.0 * np.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_estimator_on_the_ishigami_function():
    result = sobol_indices(ishigami, 3, 2**14, np.random.default_rng(0))
    first = np.array([0.3139, 0.4424, 0.0])
    total = np.array([0.5576, 0.4424, 0.2437])
    np.testing.assert_allclose(result.first_order[0], first, atol=0.03)
    np.testing.assert_allclose(result.total[0], total, atol=0.03)
    assert np.all(result.first_order_ci[0, :, 0] <= first)
    assert np.all(first <= result.first_order_ci[0, :, 1])
    assert np.all(result.total_ci[0, :, 0] <= total) and np.all(total <= result.total_ci[0, :, 1])
    assert result.first_order_ci.shape == (1, 3, 2)
    assert np.all(result.first_order_ci[0, :, 1] - result.first_order_ci[0, :, 0] < 0.05)


def test_sobol_estimator_on_an_additive_linear_model():
    coefficients = np.array([1.0, 2.0, 3.0, 0.0])
    result = sobol_indices(lambda u: u @ coefficients, 4, 2**14, np.random.default_rng(1))
    expected = coefficients**2 / np.sum(coefficients**2)  # equal input variances
    np.testing.assert_allclose(result.first_order[0], expected, atol=0.02)
    np.testing.assert_allclose(result.total[0], expected, atol=0.02)
    assert np.all(result.first_order_ci[0, :, 0] <= expected + 1e-12)
    assert np.all(expected <= result.first_order_ci[0, :, 1] + 1e-12)
    assert result.first_order[0, 3] == 0.0 and result.total[0, 3] == 0.0


def test_sobol_of_a_scenario(scenarios):
    table = sobol(scenarios["baseline"], np.random.default_rng(2), 2**12, n_resamples=200)
    assert list(table.columns) == [
        "scenario",
        "output",
        "parameter",
        "S1",
        "S1_low",
        "S1_high",
        "ST",
        "ST_low",
        "ST_high",
    ]
    assert set(table.output) == {
        "output.total",
        "cagr.total",
        "income_per_capita",
        "budget_revenue",
    }
    budget = table[table.output == "budget_revenue"].set_index("parameter")
    assert budget.ST.idxmax() == "indicators.budget_revenue.elasticity"
    assert budget.loc["indicators.retail.growth_pct", "ST"] == 0.0  # does not enter the budget
    total = table[table.output == "cagr.total"]
    assert total.S1.sum() == pytest.approx(1.0, abs=0.05)  # nearly additive in the rates
    assert np.all(table.S1_low <= table.S1_high) and np.all(table.ST_low <= table.ST_high)


ISHIGAMI_V = 7.0**2 / 8 + 0.1 * np.pi**4 / 5 + 0.1**2 * np.pi**8 / 18 + 0.5
ISHIGAMI_V1 = 0.5 * (1 + 0.1 * np.pi**4 / 5) ** 2
ISHIGAMI_V13 = 0.1**2 * np.pi**8 * (1 / 18 - 1 / 50)
ISHIGAMI_FIRST = np.array([ISHIGAMI_V1, 7.0**2 / 8, 0.0]) / ISHIGAMI_V
ISHIGAMI_TOTAL = np.array([ISHIGAMI_V1 + ISHIGAMI_V13, 7.0**2 / 8, ISHIGAMI_V13]) / ISHIGAMI_V
"""The exact indices of the Ishigami function (a = 7, b = 0.1; Saltelli et al. 2008, 4.8)."""


@pytest.mark.parametrize("seed", range(5))
def test_sobol_intervals_cover_the_exact_indices_on_sobol_points(seed):
    """The bootstrap intervals on the scrambled Sobol' design still hold the exact answer (they
    are conservative there: the rows are not independent draws)."""
    result = sobol_indices(ishigami, 3, 2**12, np.random.default_rng(seed), n_resamples=400)
    assert np.all(result.first_order_ci[0, :, 0] <= ISHIGAMI_FIRST + 1e-12)
    assert np.all(ISHIGAMI_FIRST <= result.first_order_ci[0, :, 1] + 1e-12)
    assert np.all(result.total_ci[0, :, 0] <= ISHIGAMI_TOTAL)
    assert np.all(ISHIGAMI_TOTAL <= result.total_ci[0, :, 1])
    coefficients = np.array([1.0, 2.0, 3.0, 0.0])
    additive = sobol_indices(
        lambda u: u @ coefficients, 4, 2**12, np.random.default_rng(seed), n_resamples=400
    )
    expected = coefficients**2 / np.sum(coefficients**2)
    for ci in (additive.first_order_ci[0], additive.total_ci[0]):
        assert np.all(ci[:, 0] <= expected + 1e-12) and np.all(expected <= ci[:, 1] + 1e-12)


def test_sobol_design_is_scrambled_sobol_points():
    """A and B: in every column each of the n intervals [j / n, (j + 1) / n) holds exactly one
    point (the balance of a scrambled Sobol' sequence, which random draws do not have); the same
    generator state gives the same design, another state another one."""
    a, b = design(5, 2**10, np.random.default_rng(3))
    assert a.shape == b.shape == (2**10, 5)
    for u in np.hstack([a, b]).T:
        np.testing.assert_array_equal(np.sort(np.floor(u * 2**10)), np.arange(2**10))
    again, _ = design(5, 2**10, np.random.default_rng(3))
    np.testing.assert_array_equal(a, again)
    assert not np.array_equal(a, design(5, 2**10, np.random.default_rng(4))[0])


def test_sobol_points_vary_far_less_from_seed_to_seed_than_random_draws():
    """The reason for the design: at the same n the indices of the additive model spread at
    least ten times less over seeds than on plain random draws (measured: ~50-100 times)."""
    from reference import saltelli_design

    from sim.analysis.sobol import estimate

    coefficients = np.array([1.0, 2.0, 3.0, 0.5])
    n, k = 2**10, 4

    def indices(a, b, rng):
        out = saltelli_design(a, b) @ coefficients
        f_ab = out[2 * n :].reshape(k, n)
        return estimate(out[:n], out[n : 2 * n], f_ab, rng, n_resamples=10).first_order[0]

    sobol_points, random_draws = [], []
    for seed in range(8):
        rng = np.random.default_rng(seed)
        sobol_points.append(indices(*design(k, n, rng), rng))
        random_draws.append(indices(rng.random((n, k)), rng.random((n, k)), rng))
    spread_sobol = np.std(sobol_points, axis=0, ddof=1)
    spread_random = np.std(random_draws, axis=0, ddof=1)
    assert np.all(spread_sobol * 10 < spread_random), (spread_sobol, spread_random)


@pytest.mark.slow
def test_seeded_sobol_of_a_scenario_is_reproducible(scenarios):
    scenario = scenarios["covid_shock"]
    first = sobol(scenario, np.random.default_rng(7), 2**8, n_resamples=50)
    again = sobol(scenario, np.random.default_rng(7), 2**8, n_resamples=50)
    pd.testing.assert_frame_equal(first, again)
    other = sobol(scenario, np.random.default_rng(8), 2**8, n_resamples=50)
    assert not np.array_equal(first.S1.to_numpy(), other.S1.to_numpy())
    # through run_sensitivity too: the same seed gives the same table
    one = run_sensitivity([scenario], draws=50, seed=5, sobol_n=2**6).sobol
    two = run_sensitivity([scenario], draws=50, seed=5, sobol_n=2**6).sobol
    pd.testing.assert_frame_equal(one, two)


def test_sobol_base_sample_must_be_a_power_of_two(scenarios):
    with pytest.raises(ValueError, match="power of two, at least 2, not 1000 \\(e.g. 512 or 1024"):
        sobol(scenarios["baseline"], np.random.default_rng(0), 1000)
    with pytest.raises(ValueError, match="power of two"):
        run_sensitivity([scenarios["baseline"]], draws=10, seed=1, sobol_n=3)


@pytest.mark.slow
def test_sobol_n_on_the_command_line(scenario_dir, tmp_path, monkeypatch, capsys):
    """--sobol-n: a power of two, only with --sensitivity, passed on and kept in the manifest."""
    import json

    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(["--no-charts", "--sensitivity", "--sobol-n", "10000"])
    assert info.value.code == 2
    said = "phải là một lũy thừa của 2, ví dụ 8.192 hoặc 16.384, không phải 10.000"  # (vi)
    assert said in capsys.readouterr().err
    assert main(["--no-charts", "--sobol-n", "64"]) == 2
    assert "hãy thêm --sensitivity" in capsys.readouterr().err  # (--lang vi, the default)
    args = ["baseline", "--no-charts", "--no-history", "--quiet", "--sensitivity"]
    code = main([*args, "--draws", "200", "--seed", "4", "--sobol-n", "64"])
    assert code == 0, capsys.readouterr().err
    manifest = json.loads((tmp_path / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sensitivity"] == {"draws": 200, "seed": 4, "sobol_n": 64}
    written = pd.read_csv(tmp_path / "results" / "sensitivity" / "sobol.csv")
    expected = run_sensitivity(
        [load_scenario("baseline", scenario_dir)], draws=200, seed=4, sobol_n=64
    ).sobol
    np.testing.assert_allclose(written.S1, expected.S1, rtol=1e-12)


# ----------------------------------------------------------------------------- one at a time


@pytest.mark.slow
def test_one_at_a_time_equals_separate_runs(scenarios):
    table = one_at_a_time(scenarios["covid_shock"])
    end = 5
    budget = scenarios["covid_shock"].budget_concept
    for parameter, group in table.groupby("parameter"):
        for side in ("low", "high"):
            value = float(group[f"{side}_value"].iloc[0])
            _, series = single_run("covid_shock", [f"{parameter}={value!r}"])
            got = group.set_index("output")[f"output_{side}"]
            assert got["output.total"] == pytest.approx(series["output.total"][end], rel=1e-12)
            assert got["cagr.total"] == pytest.approx(series["cagr.total"][end], rel=1e-12)
            assert got["income_per_capita"] == pytest.approx(
                series["income_per_capita"][end], rel=1e-12
            )
            assert got[budget] == pytest.approx(series[budget][end], rel=1e-12)
    _, base = single_run("covid_shock")
    assert table[table.output == "cagr.total"].output_base.iloc[0] == pytest.approx(
        base["cagr.total"][end], rel=1e-12
    )
    # sorted by swing within each output: the 2021 services shock leads the total's growth
    first = table[table.output == "cagr.total"].iloc[0]
    assert first.parameter == "sectors.services.growth_pct_by_year.2021"


def test_spider_moves_rates_by_points(scenarios):
    table = spider(scenarios["baseline"], k_points=2.0, steps=5)
    assert set(table.delta) == {-2.0, -1.0, 0.0, 1.0, 2.0}
    assert "indicators.budget_revenue.elasticity" not in set(table.parameter)  # not a rate
    row = table[
        (table.parameter == "sectors.industry.growth_pct")
        & (table.delta == 1.0)
        & (table.output == "cagr.total")
    ]
    _, series = single_run("baseline", ["sectors.industry.growth_pct=16.0"])
    assert row.value.iloc[0] == pytest.approx(series["cagr.total"][5], rel=1e-12)
    assert row.parameter_value.iloc[0] == 16.0


def test_two_way_grid_points_and_target_contours(scenarios):
    grid = two_way_grid(scenarios["baseline"])
    assert len(grid) == 41 * 41
    point = grid[
        np.isclose(grid.services_growth_pct, 15.0) & np.isclose(grid.industry_growth_pct, 16.0)
    ].iloc[0]
    _, series = single_run(
        "baseline", ["sectors.services.growth_pct=15.0", "sectors.industry.growth_pct=16.0"]
    )
    assert point.total_cagr_pct == pytest.approx(series["cagr.total"][5], rel=1e-12)
    assert point.budget_end == pytest.approx(series["budget_revenue"][5], rel=1e-12)
    # the 14 % and 15 % growth contours and the 600 billion contour cross the default grid
    assert grid.total_cagr_pct.min() < 14.0 < 15.0 < grid.total_cagr_pct.max()
    assert grid.budget_end.min() < 600.0 < grid.budget_end.max()


def test_end_year_outputs_with_no_values_is_the_projection(scenarios):
    outputs = end_year_outputs(scenarios["optimistic"])
    _, series = single_run("optimistic")
    assert outputs["cagr.total"][0] == pytest.approx(series["cagr.total"][5], rel=1e-12)
    assert outputs["budget_revenue"][0] == pytest.approx(series["budget_revenue"][5], rel=1e-12)


# ----------------------------------------------------------------------------- goal seek


def test_budget_growth_that_reaches_600_from_290_is_15_65_percent():
    scenario = load_scenario(
        "baseline",
        SCENARIOS,
        settings=[
            'indicators.budget_revenue.rule="growth"',
            "indicators.budget_revenue.growth_pct=14",
        ],
    )
    found = goal_seek(
        scenario,
        "indicators.budget_revenue.growth_pct",
        target_by_key("budget_2025", TARGETS),
        600.0,
        (10.0, 20.0),
    )
    closed_form = ((600.0 / 290.0) ** (1.0 / 5.0) - 1.0) * 100.0  # docs/source_figures.md c7
    assert found.reachable
    assert found.value_found == pytest.approx(closed_form, abs=1e-8)
    assert round(found.value_found, 2) == 15.65
    assert found.indicator_cagr_pct == pytest.approx(closed_form, abs=1e-8)


def test_budget_elasticity_that_reaches_600_implies_the_same_growth(scenarios):
    found = goal_seek(
        scenarios["baseline"],
        "indicators.budget_revenue.elasticity",
        target_by_key("budget_2025", TARGETS),
        600.0,
        (0.0, 3.0),
    )
    assert found.reachable
    _, series = single_run(
        "baseline", [f"indicators.budget_revenue.elasticity={found.value_found!r}"]
    )
    assert series["budget_revenue"][5] == pytest.approx(600.0, abs=1e-6)
    assert found.indicator_cagr_pct == pytest.approx(15.65, abs=0.005)


def test_services_growth_that_lifts_the_total_to_15_percent(scenarios):
    found = goal_seek(
        scenarios["baseline"],
        "sectors.services.growth_pct",
        target_by_key("output_growth", TARGETS),
        15.0,
        (0.0, 40.0),
    )
    # by hand: the 'other' block grows with the three sectors, so the total grows as they do:
    # 48.5 (1 + x)^5 + 43.1 * 1.15^5 + 7.5 * 1.035^5 = 99.1 * 1.15^5
    s, i, a = 48.5, 43.1, 7.5
    x = (((s + i + a) * 1.15**5 - i * 1.15**5 - a * 1.035**5) / s) ** 0.2 - 1.0
    assert found.value_found == pytest.approx(100.0 * x, abs=1e-8)
    assert round(found.value_found, 2) == 16.42


def test_goal_not_reachable_is_an_answer(scenarios):
    found = goal_seek(
        scenarios["baseline"],
        "sectors.agriculture.growth_pct",
        target_by_key("output_growth", TARGETS),
        15.0,
    )  # bracket: its range, 3-4 %/yr
    assert not found.reachable and np.isnan(found.value_found)
    assert (found.bracket_low, found.bracket_high) == (3.0, 4.0)
    assert found.measure_at_low == pytest.approx(14.76, abs=0.005)
    assert found.measure_at_high == pytest.approx(14.81, abs=0.005)
    assert found.note.startswith("not reachable within [3, 4]:")
    assert "below 15 across the whole range" in found.note


def test_goal_seek_on_a_custom_goal_with_as_many_points_as_years(scenarios):
    # 5 values for a 5-year horizon: sim.core.model would read an own-growth rate array of that
    # length as one rate per year; the analyses add a draw so that it cannot
    goal = custom_target("retail", "cagr", 2020, 2025)
    found = goal_seek(
        scenarios["baseline"], "indicators.retail.growth_pct", goal, 19.5, (18.0, 20.0), points=5
    )
    assert found.reachable and found.value_found == pytest.approx(19.5, abs=1e-9)
    with pytest.raises(ValueError, match="has no low end"):
        goal_seek(scenarios["baseline"], "indicators.retail.growth_pct", goal)


def test_goal_seek_outside_the_horizon(scenarios):
    short = load_scenario("baseline", SCENARIOS, end_year=2023)
    found = goal_seek(
        short,
        "sectors.services.growth_pct",
        target_by_key("output_growth", TARGETS),
        15.0,
        (0.0, 40.0),
    )
    assert not found.reachable and "outside the projection 2020-2023" in found.note


# ----------------------------------------------------------------------------- the run and its files


@pytest.mark.slow
def test_run_writes_the_six_csv_files_with_their_columns(scenarios, tmp_path):
    results = run_sensitivity(list(scenarios.values()), draws=5_000, seed=3, sobol_n=2**10)
    paths = write_sensitivity_csvs(results, tmp_path / "sensitivity")
    assert sorted(p.name for p in paths) == sorted(CSV_COLUMNS)
    for path in paths:
        frame = pd.read_csv(path)
        assert tuple(frame.columns) == CSV_COLUMNS[path.name]
        assert set(frame.scenario) == set(BUNDLED)
    goals = pd.read_csv(tmp_path / "sensitivity" / "goal_seek.csv").set_index(["scenario", "goal"])
    budget = goals.loc[("baseline", "budget_2025_via_budget_revenue")]
    assert budget.parameter == "indicators.budget_revenue.elasticity"
    assert "budget_revenue growth 15.65 %/yr on average" in budget.note
    assert goals.loc[("baseline", "output_growth_via_services")].value_found == pytest.approx(
        16.421, abs=1e-3
    )
    assert not goals.loc[("covid_shock", "output_growth_via_agriculture")].reachable
    probabilities = pd.read_csv(tmp_path / "sensitivity" / "target_probabilities.csv")
    assert len(probabilities) == len(BUNDLED) * len(TARGETS)
    assert probabilities.probability.between(0, 1).all()
    # the same seed gives the same files; a scenario's results do not depend on the others
    again = run_sensitivity([scenarios["covid_shock"]], draws=5_000, seed=3, sobol_n=2**10)
    mine = results.monte_carlo_percentiles
    pd.testing.assert_frame_equal(
        mine[mine.scenario == "covid_shock"].reset_index(drop=True), again.monte_carlo_percentiles
    )


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal_after_a_delay(scenarios):
    terminal = FakeTerminal()
    bar = ProgressBar(terminal, delay=0.0)
    bar("baseline", 500, 1000)
    bar("baseline", 1000, 1000)
    assert terminal.getvalue().endswith(
        "1,000/1,000 draws, " + terminal.getvalue().split("draws, ")[-1]
    )
    assert "[###############...............] 500/1,000" in terminal.getvalue()
    quiet = FakeTerminal()
    bar = ProgressBar(quiet, delay=60.0)
    bar("x", 500, 1000)
    bar("x", 1000, 1000)
    assert quiet.getvalue() == ""  # fast runs show nothing
    piped = io.StringIO()  # not a terminal: run_sensitivity shows no bar
    run_sensitivity(
        [scenarios["baseline"]], draws=100, seed=1, sobol_n=64, on_progress=ProgressBar(piped)
    )
    assert piped.getvalue() == ""


def test_progress_lines_speak_the_runs_language(monkeypatch):
    """A vi run's progress lines are Vietnamese, counts in its number format (1.000), and name
    a scenario by its title."""
    import sim.cli as cli

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    bar = cli._chart_progress("vi")
    bar.delay = 0.0
    bar("charts", 4, 8)
    assert (
        terminal.getvalue()
        == "\rVẽ biểu đồ [###############...............] 4/8 biểu đồ, "
        + (terminal.getvalue().split("biểu đồ, ")[-1])
    )
    terminal = FakeTerminal()
    titles = {"baseline": "Kịch bản cơ sở"}
    bar = ProgressBar(
        terminal,
        delay=0.0,
        unit="lần rút",
        lang="vi",
        show=lambda name: f"Mô phỏng Monte Carlo: {titles[name]}",
    )
    bar("baseline", 1500, 3000)
    assert terminal.getvalue().startswith(
        "\rMô phỏng Monte Carlo: Kịch bản cơ sở [###############...............] 1.500/3.000 lần rút, "
    )


@pytest.mark.slow
def test_plain_run_imports_no_scipy_stats():
    code = (
        "import sys, sim.cli, sim.run, sim.output.files, sim.analysis.suite; "
        "print('scipy.stats' in sys.modules, 'scipy' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],  # the repository root
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]


@pytest.mark.slow
def test_the_runs_monte_carlo_line_names_the_scenario_by_its_title(scenarios, monkeypatch):
    """The suite labels a Monte Carlo's progress with its scenario's name; the command shows
    the scenario's title in the run's language."""
    import sim.cli as cli
    import sim.output.console as console

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(console.ProgressBar.__init__, "__defaults__", (0.0, 30, "draws", "en", None))
    cli._sensitivity([scenarios["baseline"]], 300_000, 1, 64, "vi")  # (in several chunks)
    assert "\rMô phỏng Monte Carlo: Kịch bản cơ sở [" in terminal.getvalue()
    assert "baseline" not in terminal.getvalue()
