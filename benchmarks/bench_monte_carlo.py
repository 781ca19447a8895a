"""Speed and memory of the Monte Carlo, the Sobol analysis and the import of a plain run.

    python benchmarks/bench_monte_carlo.py [--sizes 100000 1000000 10000000] [--loop 2000]
                                           [--write benchmarks/RESULTS.md]

Measures, for the bundled baseline (12 uncertain parameters) and COVID-shock (21, three of them
correlated) scenarios:

* the full Monte Carlo (`sim.analysis.montecarlo.engine.monte_carlo`: sampling, model, percentiles of every
  series and year, target probabilities) at each size, each in a fresh interpreter so that its
  peak memory (resource.getrusage, maximum resident set size) is its own;
* a plain Python loop over draws doing the same work (draw the parameters, `build_inputs`,
  `project`, `projection_series`, check every target, keep every value, then numpy.percentile of
  every column). The loop is O(N), so it is timed on `--loop` draws and its rate is scaled;
* Sobol indices with bootstrap intervals at n = 2^14 for the four end-year outputs;
* the import of a plain run (`import sim.cli, sim.run, sim.output.files`): its time, and that it loads
  no scipy.stats (which alone costs ~0.75 s).

The figures are printed, and written to --write as Markdown.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SCENARIOS = ("baseline", "covid_shock")

NOTES = """
## This revision against the previous one (compiled counting loops)

Paired runs, the previous revision (9ffef74, numpy only) and this one alternately in fresh
interpreters, 3 rounds (this machine's timings drift by 10-20 % from one minute to the next, so
only interleaved runs compare); seconds of the `monte_carlo` call after a warm-up, best round
(range), 2 cores:

| | previous | this revision | speed-up |
|---|---:|---:|---:|
| baseline, 10^6 draws | 1.08 (1.08-1.14) | 0.39 (0.39-0.42) | 2.8x |
| baseline, 10^7 draws | 9.8 (9.8-10.5) | 3.3 (3.3-3.6) | 3.0x |
| COVID shock, 10^6 draws | 1.34 (1.34-1.46) | 0.54 (0.54-0.60) | 2.5x |
| COVID shock, 10^7 draws | 11.5 (11.5-12.2) | 4.5 (4.5-4.8) | 2.5x |

What changed (each step measured and committed on its own; the commit messages give its gain):

* Counting into bins is one compiled loop per column (`sim/analysis/montecarlo/kernels.py`, numba, without the
  GIL) that also computes the column from the model's levels: after the pilot chunk the model
  computes levels only, and growth rates, shares and CAGR ratios are computed draw by draw as
  they are counted (numpy needed five or six passes over memory per column, and the model wrote
  out every derived series for numpy to read back). Growth and shares are the model's formulas
  in its order of operations (tested bit for bit); a CAGR is counted as the ratio of its level
  to the base year's and read through (r^(1/t) - 1) * 100 with the bin width carried through,
  which costs a division per draw instead of a power.
* numpy's division rule in the compiled loops (error_model="numpy"): x / 0 gives inf or NaN as
  in the model instead of raising ZeroDivisionError, and the division can be vectorised.
* Twin rows (a growth or CAGR equal to an earlier one up to rounding) are found by construction
  from the inputs (`sim.analysis.montecarlo.layout.first_equal_rate_years`: the same rate in consecutive years; an
  'other' block growing with the total) and checked on each chunk's inputs, not draw by draw:
  113 (baseline) and 126 (COVID shock) of 222 rows are counted.
* A growth target is checked on the growth ratio against (1 + low / 100) ** n: no power per draw.
* The triangular inverse CDF is one compiled loop (~1 ns a value instead of ~12 for numpy's nine
  passes; a selection, not a branch, which a random u would mispredict half the time).
* `build_inputs` lays rates out years first with the draws contiguous (the model's layout), and
  a rate without single-year overrides is a view repeated over the years, not a copy.
* Two read-only reviews tried to break the error bounds (some 1,800 random stressed runs:
  growth from -99.9999 to 300 %/yr, tiny and wide ranges, uncertain shares, correlations, 3 to
  65,536 bins, pilots of 2 draws) and found seven cases where a percentile was further from
  numpy's than its bound, or finite where numpy's is NaN; all are fixed and are tests now
  (`test_streaming_bounds_hold_on_stressed_scenarios`), with only the comparison's own rounding
  as slack.

Why numba: the well-kept way to get a loop compiled to machine code without a C extension to
build and ship; its wheels cover Linux, macOS and Windows. It is loaded only when a triangular
distribution is sampled or a Monte Carlo has more than one chunk (a plain run does not import it;
see the imports above), and it caches the machine code next to `sim/analysis/montecarlo/kernels.py`: the first run
on a machine compiles for about 1.5 s, later runs load it (importing numba and loading: about
0.5 s, included in the fresh-interpreter table above).

## Against the aims, and what limits them

| aim (issue) | result |
|---|---|
| 10^6 draws end to end in under a second | 0.4 s (baseline) to 0.55 s (COVID shock) for the call: met; 1.1-1.5 s in a fresh interpreter with every import and numba's loading |
| at least 100 times a plain loop | about 1,400-2,200 times from 10^6 draws on (the plain loop's own timing varies): met |
| 10^7 draws in a few seconds | 3.3-3.6 s (baseline), 4.5-4.8 s (COVID shock): met, if "a few" admits 5 |
| 10^7 draws under 2 GB peak memory | about 0.35 GB: met (memory does not grow with the draws) |
| Sobol with intervals at n = 2^14, all end-year outputs, under a second | 0.26-0.37 s: met; the first call in a process also loads numba (0.8-1.2 s in all) |
| a plain run does not import scipy.stats | met (no scipy, no numba) |

* What is left per draw, on one core (the stage table): counting ~0.25-0.28 us (113-126 columns
  at ~2 ns each, near the ~1.4 ns a histogram increment costs here even with everything in the
  L1 cache), the model's levels ~0.15 us (numpy passes over memory, three per compounded year),
  sampling 0.04 us (baseline) and 0.17 us (COVID shock: its correlated block needs normal draws
  and the normal CDF, ~12-18 ns a value each, in numpy and scipy). Two threads run 1.5-1.8 times
  one; two processes, each with half the draws, were measured no faster than two threads.
* Going further would need the model itself compiled (a second copy of its formulas, which this
  project removed once already) or fewer counted columns by more structure (e.g. a sector's
  levels are a function of its one rate when the rate is the same every year).
* float32 is not used: it would halve memory traffic, but rounding the levels to float32 moves
  their percentiles by up to 3 % of a bin width (measured, baseline); the bound would have to
  widen to match.
* The plain loop is the same as before (`project` + `projection_series` per draw), so the
  "vs plain loop" ratios compare like with like.

How the streaming stays cheap (sim/analysis/montecarlo/engine.py): constant columns, the CAGR over the first
year (a copy of that year's growth), the CAGR of a series with a fixed base-year value (a
function of that year's level) and twin rows are not counted; the rest are counted into 4096
bins per column, one thread per core.

## Before and after the house (issue 9)

Paired runs of `python benchmarks/bench_monte_carlo.py --sizes 100000 1000000 --loop 500`, each
revision's own copy, alternately in one session (before, after, before, after; about 80-150 s a
run): before is 6cda639 (the flat `sim/` folder); after is the h2-analysis branch (layers in
folders, the Monte Carlo's buffer layout in `sim/analysis/montecarlo/layout.py` calling the
core's formulas, `monte_carlo` a run object with named passes, calibration and back-cast as steps
of the pipeline). The machine was shared with other work (load average 1.4-2.7 on 2 cores), so
every figure is two to three times the tables above, and round 1 of the old revision was slowed
most; the rounds closest in time compare best. Seconds of the `monte_carlo` call after a
warm-up, best of 3, all cores, unless said:

| | before, round 1 | after, round 1 | before, round 2 | after, round 2 |
|---|---:|---:|---:|---:|
| baseline, 10^5 draws | 0.22 | 0.16 | 0.32 | 0.20 |
| baseline, 10^6 draws | 1.11 | 0.79 | 0.97 | 0.96 |
| COVID shock, 10^5 draws | 0.59 | 0.25 | 0.27 | 0.27 |
| COVID shock, 10^6 draws | 3.35 | 0.86 | 1.34 | 1.32 |
| one chunk, the model step, µs/draw: baseline | 0.37 | 0.19 | 0.18 | 0.18 |
| one chunk, the model step, µs/draw: COVID shock | 0.35 | 0.19 | 0.17 | 0.22 |
| peak memory, baseline 10^6 draws | 342 MB | 337 MB | 341 MB | 341 MB |
| Sobol n = 2^14, best of 3: baseline / COVID shock | 1.12 / 1.25 | 0.42 / 0.89 | 0.65 / 0.92 | 0.68 / 0.91 |
| import of a plain run | 1.06 | 0.73 | 0.69 | 0.86 |

No change beyond this machine's noise: in round 2 the Monte Carlo of a million draws takes 0.97
and 0.96 s (baseline), 1.34 and 1.32 s (COVID shock); the model step, the code that moved, is
0.18 µs a draw in both; error bounds, passes and rows binned / settled (113 / 109, 126 / 96) are
the same, as the numbers are. The import of a plain run, timed again five times alternately
right after: 0.56-0.82 s before, 0.58-0.68 s after.

## Sobol' points instead of random draws (issue 10)

`python benchmarks/bench_sobol_spread.py --json F` in each revision (before: 023ec61, plain random
A and B; after: A and B the two halves of one 24-dimensional scrambled Sobol' sequence,
`scipy.stats.qmc.Sobol`), then `--compare BEFORE AFTER`: the bundled baseline, 20 seeds
(0-19), n = 2^14 (the default, 229,376 model runs), standard deviation over the seeds of each
index (indices that are exactly 0, parameters that do not enter the output, left out; the
interval is the mean width of the 95 % bootstrap interval after):

| output | parameter | S1 | ST | sd S1 before | after | ratio | sd ST before | after | ratio | 95 % interval S1 / ST, after |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
| output.total | services.growth_pct | 0.5726 | 0.5726 | 7.0e-03 | 1.3e-05 | 527x | 6.6e-03 | 1.6e-05 | 420x | 0.0308 / 0.0234 |
| output.total | industry.growth_pct | 0.4219 | 0.4219 | 8.8e-03 | 8.4e-05 | 105x | 5.3e-03 | 8.5e-05 | 62x | 0.0263 / 0.0179 |
| output.total | agriculture.growth_pct | 0.0055 | 0.0055 | 8.2e-04 | 3.9e-06 | 207x | 6.4e-05 | 2.0e-07 | 324x | 0.0032 / 0.0003 |
| cagr.total | services.growth_pct | 0.5726 | 0.5726 | 7.0e-03 | 1.4e-05 | 499x | 6.6e-03 | 1.6e-05 | 418x | 0.0308 / 0.0234 |
| cagr.total | industry.growth_pct | 0.4219 | 0.4219 | 8.8e-03 | 8.4e-05 | 105x | 5.3e-03 | 8.5e-05 | 62x | 0.0263 / 0.0179 |
| cagr.total | agriculture.growth_pct | 0.0055 | 0.0055 | 8.2e-04 | 3.9e-06 | 209x | 6.4e-05 | 2.0e-07 | 321x | 0.0032 / 0.0003 |
| income_per_capita | services.growth_pct | 0.0083 | 0.0084 | 1.0e-03 | 4.2e-06 | 240x | 1.0e-04 | 3.8e-07 | 268x | 0.0040 / 0.0004 |
| income_per_capita | industry.growth_pct | 0.0061 | 0.0062 | 6.8e-04 | 2.4e-05 | 28x | 7.7e-05 | 1.2e-06 | 63x | 0.0034 / 0.0003 |
| income_per_capita | agriculture.growth_pct | 0.0001 | 0.0001 | 1.1e-04 | 1.5e-06 | 75x | 1.0e-06 | 3.0e-08 | 34x | 0.0004 / 0.0000 |
| income_per_capita | income_per_capita.base | 0.1560 | 0.1560 | 4.8e-03 | 2.0e-05 | 243x | 1.8e-03 | 2.2e-06 | 835x | 0.0161 / 0.0068 |
| income_per_capita | income_per_capita.elasticity | 0.8293 | 0.8294 | 1.0e-02 | 2.6e-05 | 395x | 6.3e-03 | 1.8e-05 | 340x | 0.0366 / 0.0289 |
| budget_revenue | services.growth_pct | 0.0245 | 0.0246 | 1.7e-03 | 5.5e-05 | 31x | 3.2e-04 | 8.7e-07 | 371x | 0.0068 / 0.0012 |
| budget_revenue | industry.growth_pct | 0.0181 | 0.0182 | 1.6e-03 | 4.4e-06 | 370x | 2.5e-04 | 3.5e-06 | 70x | 0.0058 / 0.0009 |
| budget_revenue | agriculture.growth_pct | 0.0002 | 0.0002 | 1.7e-04 | 1.2e-06 | 149x | 3.0e-06 | 1.9e-08 | 163x | 0.0007 / 0.0000 |
| budget_revenue | budget_revenue.base | 0.0832 | 0.0833 | 2.9e-03 | 1.6e-05 | 175x | 7.7e-04 | 1.5e-06 | 515x | 0.0122 / 0.0037 |
| budget_revenue | budget_revenue.elasticity | 0.8737 | 0.8739 | 1.1e-02 | 6.7e-05 | 164x | 8.8e-03 | 1.1e-04 | 80x | 0.0381 / 0.0298 |

Ratio of the spreads (before / after) over the 32 indices that vary: median 209x, smallest 28x, largest 835x. Seconds per call (best / median of the seeds): before 1.44 / 1.93, after 1.54 / 2.14.

The bootstrap intervals are kept; they treat the rows as independent draws, so on Sobol' points
they are conservative (hundreds of times wider than the seed-to-seed spread above) and cover the exact
indices of the Ishigami function and of the additive model on every seed tried
(`test_sobol_intervals_cover_the_exact_indices_on_sobol_points`, 5 seeds at n = 2^12; 30 of 30
seeds in a separate check). The same seed gives identical indices
(`test_seeded_sobol_of_a_scenario_is_reproducible`). `--sobol-n N` chooses n; it must be a power
of two (a Sobol' sequence is balanced in blocks of 2^m points), and anything else is refused with
the two nearest powers, not silently rounded.

Cost: the Sobol' points come from `scipy.stats.qmc`, so a `--sensitivity` run now imports
scipy.stats (0.75 s on a quiet machine, 1.4 s CPU measured under this session's load); a plain
run still does not (`test_plain_run_imports_no_scipy_stats`).

## numba only where it pays (issue 10)

`python benchmarks/bench_numba_threshold.py` (this machine was shared by several sessions, load
average 6-10 on 2 cores: wall times doubled and drifted; CPU seconds and interleaved runs are the
comparable figures):

* Loading numba and the loops' cached machine code in a fresh interpreter: 1.5-2.3 s under that
  load (0.6-1 s when quiet).
* Per value on one thread, a baseline chunk (32,768 draws, 113 counted columns), after blocking
  the numpy twins in 2^16 values (2-3 times faster than whole arrays): counting into 4096 bins
  11-16 ns numpy, 3.7-5.5 ns compiled; extremes 5-7 / 1.4-2.3 ns; triangular inverse CDF 20 / 0.8 ns.
* Crossover, a fresh interpreter's whole baseline Monte Carlo with each path forced (best of 3):
  100,000 draws 1.60 s numpy / 2.96 s numba; 300,000: 1.80 / 3.29; 500,000: 3.97 / 4.23; 700,000:
  4.38 / 4.83; 1,000,000: 6.56 / 5.72. Hence `COMPILED_FROM` = 150e6 values of work (draws x result
  rows), about 680,000 draws of the baseline.
* The default 10,000-draw Monte Carlo in a fresh interpreter (imports, scenario, the run), best
  of 5: 2.39 s with numba, 0.91 s without it: numba was ~60 % of it here.

`python run_scenarios.py baseline --sensitivity --draws D --seed 1 --no-charts --no-history`,
fresh interpreters, interleaved rounds; before = 023ec61, A = Sobol' points only (15a9f1b),
after = both; median (best) seconds:

| | before | A: Sobol' points | after: + numba where it pays |
|---|---:|---:|---:|
| 10,000 draws, CPU | 3.83 (3.66) | 5.29 (4.65) | 4.18 (3.86) |
| 10,000 draws, wall | 6.76 (5.75) | 11.52 (7.85) | 8.89 (7.74) |
| 10^6 draws, CPU (before / after, then A / after) | 4.47 (4.32) / 6.09 (5.82) | 6.05 (5.57) | 6.10 (5.72) |

A default `--sensitivity` run no longer loads numba (`test_a_default_sensitivity_run_does_not_load_numba`):
that saves about a second of CPU against A, which the scipy.stats import of the Sobol' points
(about the same cost) takes back, so the whole run is about as fast as before. 10^6 draws are
unchanged by the numba rule (A 6.05 s, after 6.10 s CPU: still compiled); their rise from before is
the scipy.stats import. Results are the same either way: the twins compute the compiled loops'
expressions in their order, and the tests force each path on the same inputs
(`test_numpy_twins_give_the_compiled_loops_numbers_bit_for_bit`,
`test_monte_carlo_is_the_same_on_both_paths`, and the kernel tests on both paths).
"""


def _load(name: str):
    from sim.scenario.loader import load_scenario

    return load_scenario(name, REPO / "scenarios")


def one_monte_carlo(name: str, draws: int, seed: int, workers: int | None = None) -> dict:
    """Run in a child process: time and peak memory of one Monte Carlo."""
    import numpy as np

    from sim.analysis.montecarlo.engine import CHUNK_DRAWS, monte_carlo

    scenario = _load(name)
    # warm up (first-call costs: numba loads its compiled loops) with more than one chunk
    monte_carlo(scenario, 3 * CHUNK_DRAWS, np.random.default_rng(0))
    times = []
    for _ in range(3 if draws <= 1_000_000 else 1):  # best of 3, as timeit does
        start = time.perf_counter()
        result = monte_carlo(scenario, draws, np.random.default_rng(seed), workers=workers)
        times.append(time.perf_counter() - start)
    seconds = min(times)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    table = result.percentiles.set_index(["indicator", "year"])
    return {
        "seconds": seconds,
        "peak_mb": peak_mb,
        "passes": result.passes,
        "exact": result.exact,
        "bound_cagr": float(table.loc[("cagr.total", 2025), "error_bound"]),
        "bound_budget": float(table.loc[("budget_revenue", 2025), "error_bound"]),
    }


def plain_loop(name: str, draws: int, seed: int) -> float:
    """Seconds per draw of the same work as a Python loop over single draws."""
    import numpy as np

    from sim.analysis.sampling import sample
    from sim.core.model import project, projection_series
    from sim.core.targets import TARGETS, evaluate, status_of, target_indicator
    from sim.run import model_inputs

    scenario = _load(name)
    spec = scenario.uncertainty
    rng = np.random.default_rng(seed)
    years = np.arange(scenario.base_year, scenario.end_year + 1)
    model_inputs(scenario, {k: float(v[0]) for k, v in sample(spec, 1, rng).items()})  # warm-up:
    # first-call costs (numba loading the triangular inverse CDF) are not a cost per draw
    start = time.perf_counter()
    rows = []
    met = np.zeros(len(TARGETS), dtype=np.int64)
    for _ in range(draws):
        values = {k: float(v[0]) for k, v in sample(spec, 1, rng).items()}
        series = projection_series(project(model_inputs(scenario, values)))
        rows.append(np.concatenate([s for s in series.values()]))
        for j, target in enumerate(TARGETS):
            indicator = target_indicator(target, scenario.budget_concept)
            value = evaluate(target, years, series[indicator])
            met[j] += status_of(target, float(value))[0] != "missed"
    table = np.array(rows)
    np.percentile(table, [5, 25, 50, 75, 95], axis=0)
    return (time.perf_counter() - start) / draws


def stage_costs(name: str) -> dict:
    """Run in a child process: microseconds per draw of each step of one Monte Carlo chunk on
    one thread (best of 10), and how the pilot plans the rows."""
    import numpy as np

    from sim.analysis.montecarlo import engine as mc
    from sim.analysis.montecarlo.kernels import extremes
    from sim.analysis.montecarlo.layout import projection_series_time_major
    from sim.analysis.montecarlo.quantiles import BinnedPercentiles
    from sim.analysis.sampling import sample
    from sim.run import model_inputs

    scenario = _load(name)
    m = mc.CHUNK_DRAWS
    run = mc._prepare(scenario, 2 * m, np.random.default_rng(0), m)
    pilot_inputs = run.inputs(0)
    pilot = run.series(0, inputs=pilot_inputs)
    flat = pilot.reshape(-1, m)
    plan = mc._plan(run, flat, run.twins(pilot_inputs))
    binned, _ = run.columns(plan.binned)
    constant, _ = run.columns(plan.constant)
    low, high, _ = extremes(flat, binned)
    counter = BinnedPercentiles(low, high, columns=binned)
    met = np.zeros(len(run.targets), dtype=np.int64)
    rng = np.random.default_rng(1)
    values = sample(scenario.uncertainty, m, rng)
    inputs = model_inputs(scenario, values)
    buffer = np.empty_like(pilot)

    def best(step) -> float:
        times = []
        for _ in range(10):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        return min(times) * 1e6 / m

    return {
        "sampling": best(lambda: sample(scenario.uncertainty, m, rng)),
        "build_inputs": best(lambda: model_inputs(scenario, values)),
        "model": best(lambda: projection_series_time_major(inputs, buffer, frozenset())),
        "bins": best(lambda: counter.add(flat)),
        "checks": best(
            lambda: (
                extremes(flat, constant),
                run.twins(inputs),
                run.count_targets(pilot, met),
            )
        ),
        "rows": flat.shape[0],
        "binned": int(plan.binned.size),
        "settled": int(
            plan.missing.size
            + plan.constant.size
            + len(plan.copies)
            + len(plan.derived)
            + len(plan.twins)
        ),
    }


def sobol_seconds(name: str) -> float:
    import numpy as np

    from sim.analysis.sensitivity import sobol

    scenario = _load(name)
    times = []
    for seed in range(3):  # the first run includes allocating its arrays; best of 3 is given
        start = time.perf_counter()
        sobol(scenario, np.random.default_rng(seed), 2**14)
        times.append(time.perf_counter() - start)
    return {"first": times[0], "best": min(times)}


def import_check() -> dict:
    code = (
        "import sys, time; t = time.perf_counter(); import sim.cli, sim.run, sim.output.files; "
        "t = time.perf_counter() - t; "
        "print(t, 'scipy.stats' in sys.modules, 'scipy' in sys.modules, 'numba' in sys.modules)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(3)
    ]
    scipy_stats = subprocess.run(
        [
            sys.executable,
            "-c",
            "import time; t = time.perf_counter(); import scipy.stats; "
            "print(time.perf_counter() - t)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return {
        "seconds": min(float(r[0]) for r in runs),
        "scipy_stats": runs[0][1] == "True",
        "scipy": runs[0][2] == "True",
        "numba": runs[0][3] == "True",
        "scipy_stats_alone": float(scipy_stats.stdout),
    }


def fresh_run(name: str, draws: int) -> dict:
    """Run in a child process: a Monte Carlo in a fresh interpreter, everything included
    (imports, loading the scenario, numba loading its cached machine code)."""
    start = time.perf_counter()
    import numpy as np

    from sim.analysis.montecarlo.engine import monte_carlo
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(name, REPO / "scenarios")
    loaded = time.perf_counter()
    monte_carlo(scenario, draws, np.random.default_rng(1))
    end = time.perf_counter()
    return {"total": end - start, "imports": loaded - start, "monte_carlo": end - loaded}


def child(args: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def run_child(args: list[str]) -> None:
    """One measurement in this (fresh) interpreter, printed as JSON: kind, scenario, draws."""
    kind, name, draws = args[0], args[1], int(args[2])
    if kind == "mc":
        print(json.dumps(one_monte_carlo(name, draws, seed=1)))
    elif kind == "mc1":
        print(json.dumps(one_monte_carlo(name, draws, seed=1, workers=1)))
    elif kind == "fresh":
        print(json.dumps(fresh_run(name, draws)))
    elif kind == "stages":
        print(json.dumps(stage_costs(name)))
    elif kind == "loop":
        print(json.dumps({"seconds_per_draw": plain_loop(name, draws, seed=1)}))
    else:
        print(json.dumps(sobol_seconds(name)))


Say = Callable[..., None]
"""say(text=""): print a line of the report and keep it for --write."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--loop", type=int, default=2_000, help="draws of the plain loop")
    parser.add_argument("--write", type=Path, default=None, help="write the figures as Markdown")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_child(args.child)
        return
    lines = []

    def say(text: str = "") -> None:
        print(text, flush=True)
        lines.append(text)

    header(say)
    monte_carlo_table(say, args.sizes, args.loop)
    stages_table(say)
    sobol_table(say)
    imports_section(say)
    fresh_table(say)
    say()
    say(NOTES.strip())
    if args.write:
        # bench_run.py's section (from its marker on) stays as it is.
        marker = "<!-- bench_run.py: whole runs and charts -->"
        old = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        kept = marker + old.split(marker, 1)[1] if marker in old else ""
        text = "\n".join(lines) + "\n"
        args.write.write_text(f"{text}\n{kept}" if kept else text, encoding="utf-8")


def header(say: Say) -> None:
    import os

    say("# Monte Carlo, Sobol and import benchmarks")
    say()
    say(
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.processor() or platform.machine()}"
        f", {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"numpy {__import__('numpy').__version__}. Reproduce with:"
    )
    say()
    say("    python benchmarks/bench_monte_carlo.py --write benchmarks/RESULTS.md")
    say()


def monte_carlo_table(say: Say, sizes: list[int], loop_draws: int) -> None:
    say("## Full Monte Carlo (sampling, model, percentiles of every series and year, targets)")
    say()
    say(
        "Each size runs in a fresh interpreter after a warm-up of three chunks (98,304 draws); the time is the "
        "`monte_carlo` call alone, best of 3 up to a million draws, one run at ten million "
        "(imports not included; see below). Peak memory is the process's "
        "maximum resident set size, interpreter and libraries included. The plain loop is timed "
        f"on {loop_draws:,} draws and its rate scaled (it is O(N))."
    )
    say()
    say(
        "| scenario | draws | seconds | draws/s | vs plain loop | peak memory | "
        "error bound: total CAGR 2025 | error bound: budget 2025 | passes |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in SCENARIOS:
        loop = child(["loop", name, str(loop_draws)])["seconds_per_draw"]
        for draws in sizes:
            r = child(["mc", name, str(draws)])
            rate = draws / r["seconds"]
            say(
                f"| {name} | {draws:,} | {r['seconds']:.2f} | {rate:,.0f} | "
                f"{rate * loop:,.0f}x | {r['peak_mb']:,.0f} MB | {r['bound_cagr']:.2g} points | "
                f"{r['bound_budget']:.2g} bn VND | {r['passes']} |"
            )
        say(f"| {name} | plain loop | {loop * 1e6:,.0f} µs/draw | {1 / loop:,.0f} | 1x | | | | |")
    say()
    say(
        "'error bound' is the `error_bound` column of the percentile table for two rows: every "
        "percentile of a streamed row is within one bin width (its pilot range + 10 %, / 4094) "
        "of numpy.percentile over the same draws, or for a CAGR the change of the CAGR over one "
        "bin width of the level or ratio it is read from; tests/analysis/test_sensitivity.py checks this "
        "against exact percentiles (the measured errors are mostly well under the bound). For "
        "scale, the sampling standard error of the baseline's 5th percentile of total CAGR is "
        "about 0.00027 points at a million draws and 0.00009 at ten million: the bound is of the "
        "order of the Monte Carlo's own noise (a larger `bins` lowers it in proportion, at some "
        "cost in speed)."
    )
    say()


def stages_table(say: Say) -> None:
    say("## Where the time goes: one chunk of 32,768 draws on one thread")
    say()
    say(
        "Microseconds per draw of each step (best of 10), and the Monte Carlo of a million draws "
        "on one thread against all cores (as in the table above, best of 3). 'model' computes "
        "what the Monte Carlo asks of it (the levels); 'bins' computes the growth rates, shares "
        "and CAGR ratios of the counted rows from the levels and counts them (compiled); "
        "'checks' are the constant rows, the twins (on the inputs) and the targets; 'rows' are series x years, of which "
        "'binned' are counted into bins and 'settled' need no counting (no value, constant, "
        "copy, derived, twin; see sim/analysis/montecarlo/engine.py)."
    )
    say()
    say(
        "| scenario | sampling | build_inputs | model | bins | checks | total | rows: binned "
        "/ settled | 10^6 draws, 1 thread | all cores | speed-up |"
    )
    say("|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|")
    for name in SCENARIOS:
        st = child(["stages", name, "0"])
        steps = ("sampling", "build_inputs", "model", "bins", "checks")
        one = child(["mc1", name, "1000000"])["seconds"]
        every = child(["mc", name, "1000000"])["seconds"]
        say(
            f"| {name} | "
            + " | ".join(f"{st[k]:.2f}" for k in steps)
            + f" | {sum(st[k] for k in steps):.2f} | {st['rows']}: {st['binned']} / "
            f"{st['settled']} | {one:.2f} s | {every:.2f} s | "
            f"{one / every:.2f} |"
        )
    say()


def sobol_table(say: Say) -> None:
    say("## Sobol indices with 95 % bootstrap intervals, n = 2^14, four end-year outputs")
    say()
    say("| scenario | parameters | model runs | seconds, first run | seconds, best of 3 |")
    say("|---|---:|---:|---:|---:|")
    for name in SCENARIOS:
        k = len(_load(name).uncertainty.distributions)
        r = child(["sobol", name, "0"])
        say(f"| {name} | {k} | {2**14 * (k + 2):,} | {r['first']:.2f} | {r['best']:.2f} |")
    say()
    say(
        "1,000 bootstrap resamples of all indices of all outputs come from matrix products of "
        "resample counts (scipy's `sobol_indices(...).bootstrap()` re-runs the estimator per "
        "resample: ~38 s for three outputs)."
    )
    say()


def imports_section(say: Say) -> None:
    say("## Imports of a plain run")
    say()
    imports = import_check()
    say(
        f"`import sim.cli, sim.run, sim.output.files`: {imports['seconds']:.2f} s (best of 3); loads "
        f"scipy.stats: {'yes' if imports['scipy_stats'] else 'no'}; loads any scipy: "
        f"{'yes' if imports['scipy'] else 'no'}; loads numba: "
        f"{'yes' if imports['numba'] else 'no'}. For comparison, `import scipy.stats` alone: "
        f"{imports['scipy_stats_alone']:.2f} s. The sensitivity modules import scipy.special "
        "(ndtr, ndtri) only when a truncated normal or a correlation is sampled, and numba "
        "(sim/analysis/montecarlo/compiled.py) only when a Monte Carlo or a triangular sample is "
        "large enough to pay for it (sim/analysis/montecarlo/kernels.py: COMPILED_FROM)."
    )
    say()


def fresh_table(say: Say) -> None:
    say("## A million draws in a fresh interpreter, everything included")
    say()
    say(
        "The table above times the `monte_carlo` call in a warm interpreter. Here one run in a "
        "new interpreter, with the imports (numpy, pandas, the package; numba and its cached "
        "machine code when first needed) and loading the scenario; one run each, after the "
        "machine code is cached (the very first run on a machine also compiles it: about "
        "1.5 s once)."
    )
    say()
    say("| scenario | draws | imports + scenario | monte_carlo (numba loads inside) | total |")
    say("|---|---:|---:|---:|---:|")
    for name in SCENARIOS:
        child(["fresh", name, "100000"])  # caches the machine code if it is not yet
        r = child(["fresh", name, "1000000"])
        say(
            f"| {name} | 1,000,000 | {r['imports']:.2f} s | {r['monte_carlo']:.2f} s | "
            f"{r['total']:.2f} s |"
        )


if __name__ == "__main__":
    main()
