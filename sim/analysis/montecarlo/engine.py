"""Monte Carlo over a scenario's uncertain parameters: chunked, streaming, on every core.

Sample -> evaluate -> summarise, one chunk of draws at a time, so memory stays bounded for any
number of draws (ten million draws need the same ~100 MB per worker as a hundred thousand):

1. Each chunk draws its parameters from its own generator, spawned from entropy taken from the
   injected `rng`: a result depends only on the rng's state, the number of draws and the chunk
   size, not on how chunks are shared between threads.
2. The chunk is projected by `layout.projection_series_time_major`: a year of every series is
   one contiguous row of the chunk's draws. After the first chunk only the levels are computed;
   the growth rates, shares and CAGRs that are summarised are computed from them, draw by draw,
   by the loop that counts them (`kernels`), which saves the model writing them out
   and numpy reading them back.
3. Every series of every year is summarised by `quantiles` (fixed bins), and every target of
   target of the scenario's plan is checked draw by draw (a growth target on the growth ratio).

Percentiles are exact (numpy.percentile) when all draws fit in one chunk. Otherwise each row
of the result (series x year) is obtained in the cheapest way that keeps the stated bound, decided
on the first chunk (the pilot), which the model computes in full:
    no value   growth and CAGR in the base year: NaN, as in the model;
    constant   the same value in every draw up to rounding (a base-year level, the 'other' share):
               that value, checked on every chunk;
    copy       CAGR over the first year is that year's growth: the same numbers;
    derived    CAGR to year t of a series whose base-year value is fixed (positive, constant up
               to rounding relative to its size) is an increasing function of the year-t level,
               and percentiles commute with increasing functions: CAGR percentiles are that
               function of the level's order statistics (NaN if a level is negative, as in the
               model, except over 3 years: a cube root);
    twin       equal to an earlier row up to rounding by construction of the inputs (the growth
               in a year with the same rate as the year before; the CAGR while every year has the
               first year's rate; the growth of an 'other' block that grows with the total; see
               `_Run.twins`): that row's percentiles; each chunk's inputs are checked;
    binned     everything else: counted into 4096 bins over the pilot's range (+5 % margin); a
               CAGR is counted as the ratio of its level to the base year's and read through
               (ratio ** (1 / t) - 1) * 100 (a division per draw instead of a power).
The `error_bound` of a row is one bin width (binned; through the function for a CAGR and for
derived rows, plus the effect of the base's rounding-level spread), the spread of the values
(constant), or its twin's plus a rounding allowance (TWIN_ROUNDING), and never less than a few
units in the last place; see `quantiles` for the bins. If a percentile's rank falls outside a
binned row's range, a constant row or a derived row's base turns out to vary, or a chunk's
inputs do not make a twin, those rows are counted again over their exact range (a second pass;
it keeps the bound true for any input; a row whose bound still does not hold gets a NaN bound,
which no valid scenario has shown).

The passes of a run are the methods of `_MonteCarlo`, in order: the pilot, then either the
exact result or the plan, the stream of every chunk, the reading of the counted rows, the second
pass if any, and the rows settled from the others.

Chunks run in threads, one per core: numpy releases the GIL in its loops and the compiled
counting loops run without it (two processes measured no faster than two threads here).
numba, which compiles those loops, costs ~0.5-1 s to load: a run decides once, from its draws x
rows, whether it pays (`kernels.use_compiled`); below that the loops' numpy twins count the same
numbers. A run that fits in one chunk (the default 10,000 draws) uses neither.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim.analysis.montecarlo.kernels import (
    GROWTH,
    RATIO,
    SHARE,
    VALUE,
    Columns,
    extremes,
    use_compiled,
)
from sim.analysis.montecarlo.layout import (
    first_equal_rate_years,
    other_grows_with_total,
    projection_series_time_major,
)
from sim.analysis.montecarlo.quantiles import DEFAULT_BINS, BinnedPercentiles
from sim.analysis.sampling import sample
from sim.core import names as naming
from sim.core.model import OTHER_BLOCK, ModelInputs, cagr_from_ratio_pct, series_names
from sim.core.targets import COMPARISON_TOLERANCE, Target, evaluate, target_indicator
from sim.run import model_inputs
from sim.scenario.loader import Scenario
from sim.scenario.uncertainty import UncertaintySpec

__all__ = [
    "DEFAULT_DRAWS",
    "CHUNK_DRAWS",
    "PERCENTILES",
    "MonteCarloResult",
    "ProgressCallback",
    "monte_carlo",
    "met_target",
]

DEFAULT_DRAWS = 10_000
CHUNK_DRAWS = 32768
"""Draws per chunk: ~60 MB of series per worker. Smaller chunks would fit the cache better, but
each chunk has a fixed cost (~1.5 ms: Python overhead that holds the GIL, and zeroing and adding
the bin counters), a few per cent of the chunk's work at this size; measured fastest (16384 and
65536 are slower)."""
PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)
PILOT_MARGIN = 0.05
"""A binned column's bins span its pilot range widened by 5 % on each side, so later chunks
seldom fall outside it (which costs a clipping pass)."""
CONSTANT_TOLERANCE = 1e-12
"""Values that differ by at most this, relative to their size, count as one value (rounding)."""

TWIN_ROUNDING = 1e-12
"""Twin rows are equal up to rounding: growth rates and CAGRs computed from levels that
compound at one rate differ by a few units in the last place of 1 + rate / 100, i.e. ~1e-14
points. A twin's error_bound adds 1e-12 x (100 + its largest value); the largest difference
between twins measured over the bundled scenarios' chunks is under a thousandth of that."""

ProgressCallback = Callable[[int, int], None]
"""progress(draws_done, draws_total), called from the calling thread after each chunk."""


@dataclass(frozen=True)
class MonteCarloResult:
    """Percentiles and target probabilities of one scenario.

    percentiles: one row per series and year: scenario, indicator, year, p5, p25, p50, p75,
                 p95 (in the series' unit), error_bound (largest possible error of those
                 percentiles, same unit; 0 when exact; NaN for a series without a value, e.g.
                 growth in the base year).
    target_probabilities: scenario, target (key of a target of the scenario's plan), probability (share of
                 draws that meet or exceed the target; NaN when the target is not projected).
    exact:       True when all draws fitted in one chunk and numpy.percentile was used.
    passes:      2 when some columns had to be counted again over their exact range.
    """

    scenario: str
    draws: int
    percentiles: pd.DataFrame
    target_probabilities: pd.DataFrame
    exact: bool
    passes: int = 1


def met_target(target: Target, values: np.ndarray) -> np.ndarray:
    """Draw by draw, whether `values` (the measure of `evaluate`) meets the target: the rule of
    `sim.core.targets.status_of` ("met" or "exceeded" count), and False for NaN."""
    values = np.asarray(values, dtype=float)
    if target.low is None:
        return np.isfinite(values)
    return values >= target.low - COMPARISON_TOLERANCE


def _chunk_sizes(draws: int, chunk: int) -> list[int]:
    full, rest = divmod(draws, chunk)
    return [chunk] * full + ([rest] if rest else [])


def _fixed_positive(low: np.ndarray | float, high: np.ndarray | float) -> np.ndarray | bool:
    """Positive and constant up to rounding relative to its own size (a base-year value that
    a derived CAGR divides by; `_is_constant` allows 1e-12 absolute below 1)."""
    with np.errstate(invalid="ignore"):
        return (low > 0) & (high - low <= CONSTANT_TOLERANCE * low)


def _is_constant(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        size = np.maximum(1.0, np.maximum(np.abs(low), np.abs(high)))
        return high - low <= CONSTANT_TOLERANCE * size


class _Run:
    """The chunks of one Monte Carlo and how to evaluate them (private; holds no results).

    compiled: whether the run counts with the compiled loops or their numpy twins (the same
    numbers), decided once from its size, draws x result rows (`kernels.use_compiled`).
    """

    def __init__(
        self,
        scenario: Scenario,
        spec: UncertaintySpec,
        sizes: Sequence[int],
        seeds: Sequence[np.random.SeedSequence],
    ):
        self.scenario, self.spec, self.sizes, self.seeds = scenario, spec, sizes, seeds
        self.years = np.arange(scenario.base_year, scenario.end_year + 1)
        self.names = series_names(model_inputs(scenario))
        self.n_years = len(self.years)
        self.compiled = use_compiled(sum(sizes) * len(self.names) * self.n_years)
        self.targets: list[tuple[Target, int | None]] = []
        for target in scenario.plan.targets:
            name = target_indicator(target, scenario.budget_concept)
            row = self.names.index(name) if name in self.names else None
            self.targets.append((target, row))

    def row(self, name: str, year_index: int) -> int:
        return self.names.index(name) * self.n_years + year_index

    def inputs(self, i: int) -> ModelInputs:
        """The model inputs of chunk i's draws."""
        values = sample(self.spec, self.sizes[i], np.random.default_rng(self.seeds[i]))
        return model_inputs(self.scenario, values)

    def series(
        self,
        i: int,
        out: np.ndarray | None = None,
        levels_only: bool = False,
        inputs: ModelInputs | None = None,
    ) -> np.ndarray:
        """(n_series, T + 1, m) series of chunk i (of `inputs`, if given: run.inputs(i)); with
        levels_only, only the rows of the level series are computed (the others are left as
        they were in `out`)."""
        inputs = self.inputs(i) if inputs is None else inputs
        return projection_series_time_major(inputs, out, frozenset() if levels_only else None)[1]

    def twins(self, inputs: ModelInputs) -> list[tuple[int, int]]:
        """(row, twin row) pairs equal up to rounding by construction for these inputs (see
        `layout.first_equal_rate_years`): the growth in a year whose rate an earlier year
        had, and the first such year's growth; the CAGR while every year so far has the first
        year's rate, and the first year's growth; the growth of an 'other' block growing with
        the aggregate, and the total's."""
        pairs = []
        for level, first in first_equal_rate_years(inputs).items():
            growth, cagr = naming.growth(level), naming.cagr(level)
            for t in range(2, self.n_years):  # t: year index (growth year t is element t - 1)
                if first[t - 1] < t - 1:
                    pairs.append((self.row(growth, t), self.row(growth, first[t - 1] + 1)))
                if not first[:t].any():
                    pairs.append((self.row(cagr, t), self.row(growth, 1)))
        if other_grows_with_total(inputs):
            other, total = naming.growth(OTHER_BLOCK), naming.growth(naming.TOTAL)
            for t in range(1, self.n_years):
                pairs.append((self.row(other, t), self.row(total, t)))
        return pairs

    def columns(self, rows: np.ndarray) -> tuple[Columns, np.ndarray]:
        """Result rows as columns computed from the level rows (`sim.analysis.montecarlo.kernels`), and for each the
        years t of its CAGR (0 for other series): a CAGR row is the ratio of the year-t level to
        the base year's, to be read through `cagr_from_ratio_pct(ratio, t)`."""
        kind, a, b = (np.empty(rows.size, dtype=np.int64) for _ in range(3))
        years = np.zeros(rows.size, dtype=np.int64)
        for c, row in enumerate(rows.tolist()):
            name, t = self.names[row // self.n_years], row % self.n_years
            parsed = naming.SeriesName.parse(name)
            level = parsed.level
            if parsed.is_share:
                total = naming.output(naming.TOTAL)
                kind[c], a[c], b[c] = SHARE, self.row(level, t), self.row(total, t)
            elif parsed.is_growth and t > 0:
                kind[c], a[c], b[c] = GROWTH, self.row(level, t), self.row(level, t - 1)
            elif parsed.is_cagr and t > 0:
                kind[c], a[c], b[c] = RATIO, self.row(level, t), self.row(level, 0)
                years[c] = t
            elif parsed.is_rate:
                raise ValueError(f"{name} has no value in the base year")
            else:
                kind[c], a[c], b[c] = VALUE, row, row
        return Columns(kind, a, b), years

    def count_targets(self, block: np.ndarray, met: np.ndarray) -> None:
        """Add to met[j] the draws of the chunk's (n_series, T + 1, m) block that meet target j
        (`met_target` of `evaluate`). A growth target over n years is checked on the growth
        ratio against the ratio its lower end implies, (1 + low / 100) ** n, which is the same
        test (the CAGR increases with the ratio) without a power per draw."""
        for j, (target, row) in enumerate(self.targets):
            if (
                row is None
                or target.start_year not in self.years
                or target.end_year not in self.years
            ):
                continue
            levels = block[row]
            lowest = None if target.low is None else target.low - COMPARISON_TOLERANCE
            if target.measure == "cagr" and lowest is not None and lowest > -100.0:
                start, end = (
                    int(np.flatnonzero(self.years == y)[0])
                    for y in (target.start_year, target.end_year)
                )
                threshold = (1.0 + lowest / 100.0) ** (target.end_year - target.start_year)
                with np.errstate(invalid="ignore", divide="ignore"):
                    met[j] += int(np.count_nonzero(levels[end] / levels[start] >= threshold))
                continue
            value = evaluate(target, self.years, levels.T)
            if value is not None:
                met[j] += int(np.count_nonzero(met_target(target, value)))


def _through_cagr(
    years: np.ndarray, base: np.ndarray | None = None
) -> Callable[[np.ndarray], np.ndarray]:
    """The function reading columns (C,): cagr_from_ratio_pct(value / base, years) where years > 0 (a CAGR
    counted as its ratio, base 1; or derived from its year's level, base the base-year value),
    the value itself elsewhere."""
    cagr = years > 0
    scale = np.ones(years.shape) if base is None else np.asarray(base, dtype=float)

    def transform(values: np.ndarray) -> np.ndarray:
        out = np.array(values, dtype=float)
        out[cagr] = cagr_from_ratio_pct(values[cagr] / scale[cagr], years[cagr])
        return out

    return transform


_Derived = tuple[int, int, int, int]
"""A derived CAGR row: (cagr row, level row, base-year row, years)."""
_BaseRange = dict[int, tuple[float, float]]
"""Base-year row -> the (smallest, largest) value seen in it."""


@dataclass(frozen=True)
class _Plan:
    """How each result row (series x year, flattened) is obtained; see the module docstring."""

    missing: np.ndarray  # rows without a value
    constant: np.ndarray  # rows with one value up to rounding, checked on every chunk
    copies: list[tuple[int, int]]  # (row, row with the same numbers)
    derived: list[_Derived]
    twins: list[tuple[int, int]]  # (row, its twin: the same numbers up to rounding)
    binned: np.ndarray  # rows counted into bins


@dataclass(frozen=True)
class _StreamPlan:
    """A `_Plan` with the columns its counted and constant rows are computed as (and for each
    the years of its CAGR, 0 for other series), and the bins of the counted rows."""

    rows: _Plan
    binned_columns: Columns
    binned_years: np.ndarray
    constant_columns: Columns
    constant_years: np.ndarray
    bins_low: np.ndarray
    bins_high: np.ndarray


def _plan(run: _Run, pilot: np.ndarray, twins: list[tuple[int, int]]) -> _Plan:
    """Decide, from the pilot's (rows, draws) values and the twins of its inputs
    (`_Run.twins`), how each row is summarised."""
    nan = np.isnan(pilot)
    missing = nan.all(axis=1)
    with np.errstate(invalid="ignore"):
        constant = ~missing & ~nan.any(axis=1) & _is_constant(pilot.min(axis=1), pilot.max(axis=1))
    settled = missing | constant
    copies, derived = [], []
    for name in run.names:
        parsed = naming.SeriesName.parse(name)
        if not parsed.is_cagr:
            continue
        level = parsed.level
        first = run.row(name, 1)
        if not settled[first]:  # CAGR over one year = that year's growth
            copies.append((first, run.row(naming.growth(level), 1)))
            settled[first] = True
        base = run.row(level, 0)
        base_fixed = constant[base] and _fixed_positive(pilot[base].min(), pilot[base].max())
        for t in range(2, run.n_years):
            row = run.row(name, t)
            if not settled[row] and base_fixed and not nan[row].any():
                derived.append((row, run.row(level, t), base, t))
                settled[row] = True
    kept: list[tuple[int, int]] = []
    for row, twin in twins:  # a twin of a row that is itself counted or constant
        if not settled[row] and not missing[twin] and twin not in dict(kept):
            kept.append((row, twin))
            settled[row] = True
    return _Plan(
        np.flatnonzero(missing),
        np.flatnonzero(constant),
        copies,
        derived,
        kept,
        np.flatnonzero(~settled),
    )


@dataclass
class _Worker:
    """One thread's buffers and running counts (mutable, private to its thread)."""

    binned: BinnedPercentiles | None
    constant_min: np.ndarray  # in the columns' terms (a CAGR's ratio)
    constant_max: np.ndarray
    constant_nan: np.ndarray
    met: np.ndarray
    broken_twins: set[tuple[int, int]]  # twins of the plan that a chunk's inputs did not make
    buffers: dict[int, np.ndarray] = field(default_factory=dict)


def _map_chunks(
    chunks: Sequence[int],
    work: Callable[[int, _Worker], None],
    new_worker: Callable[[], _Worker],
    workers: int,
    done: Callable[[int], None],
) -> _Worker:
    """work(i, worker) for every chunk i on `workers` threads (one _Worker each); merged."""
    if workers <= 1 or len(chunks) <= 1:
        state = new_worker()
        for i in chunks:
            work(i, state)
            done(i)
        return state
    local = threading.local()
    states: list[_Worker] = []
    lock = threading.Lock()

    def run(i: int) -> int:
        state = getattr(local, "state", None)
        if state is None:
            state = local.state = new_worker()
            with lock:
                states.append(state)
        work(i, state)
        return i

    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run, i) for i in chunks]
        for future in as_completed(futures):
            done(future.result())
    first = states[0]
    for other in states[1:]:
        if first.binned is not None and other.binned is not None:
            first.binned.merge(other.binned)
        np.minimum(first.constant_min, other.constant_min, out=first.constant_min)
        np.maximum(first.constant_max, other.constant_max, out=first.constant_max)
        first.constant_nan |= other.constant_nan
        first.broken_twins |= other.broken_twins
        first.met += other.met
    return first


def _prepare(scenario: Scenario, draws: int, rng: np.random.Generator, chunk_draws: int) -> _Run:
    if scenario.uncertainty is None or not scenario.uncertainty.distributions:
        raise ValueError(f"scenario '{scenario.name}' has no [uncertainty] section to sample")
    if draws < 1:
        raise ValueError("draws must be at least 1")
    sizes = _chunk_sizes(draws, chunk_draws)
    root = np.random.SeedSequence(rng.integers(0, 2**63, size=4).tolist())
    return _Run(scenario, scenario.uncertainty, sizes, root.spawn(len(sizes)))


def monte_carlo(
    scenario: Scenario,
    draws: int,
    rng: np.random.Generator,
    *,
    chunk_draws: int = CHUNK_DRAWS,
    bins: int = DEFAULT_BINS,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    pilot_draws: int | None = None,
) -> MonteCarloResult:
    """Percentiles of every series and year, and the probability of meeting each target.

    scenario: must have an [uncertainty] section (scenario.uncertainty).
    draws:    number of joint draws of the uncertain parameters (any size; memory is bounded).
    rng:      the only source of randomness; the same state gives the same result.
    workers:  threads (default: the number of cores).
    pilot_draws: draws of the first chunk that set the bin ranges (default: the whole first
              chunk); tests lower it to exercise the second pass.
    """
    run = _prepare(scenario, draws, rng, chunk_draws)
    workers = max(1, workers or os.cpu_count() or 1)
    return _MonteCarlo(run, bins, workers, progress, pilot_draws).result()


class _MonteCarlo:
    """One Monte Carlo, pass by pass (see the module docstring for what each row needs):

    pilot      the first chunk, every series computed by the model (in __init__)
    exact      all draws in the pilot: numpy.percentile, and done
    plan       how each row is summarised (`_plan`); bins over the pilot's range
    stream     every chunk: binned rows counted, constant rows' extremes, twins checked,
               targets counted
    read       percentiles and bounds of the binned and constant rows; the rows to redo
    recount    the rows to redo counted again over their exact range (a second pass)
    settle     the derived, twin, copied and missing rows, from the others
    """

    def __init__(
        self,
        run: _Run,
        bins: int,
        workers: int,
        progress: ProgressCallback | None,
        pilot_draws: int | None,
    ):
        self.run, self.bins, self.workers, self.progress = run, bins, workers, progress
        self.draws = sum(run.sizes)
        self.chunks = range(len(run.sizes))
        self.finished = 0  # draws done in the current pass, for `progress`
        self.pilot_inputs = run.inputs(0)
        self.pilot = run.series(0, inputs=self.pilot_inputs)
        self.flat_pilot = self.pilot.reshape(-1, run.sizes[0])
        self.range_pilot = self.flat_pilot[:, : pilot_draws or run.sizes[0]]  # sets the bins
        n_rows = self.flat_pilot.shape[0]
        self.values = np.full((n_rows, len(PERCENTILES)), np.nan)
        self.bound = np.full(n_rows, np.nan)
        self.redo = np.zeros(n_rows, dtype=bool)  # rows whose first reading does not hold
        self.passes = 1

    def result(self) -> MonteCarloResult:
        if len(self.run.sizes) == 1:
            return self.exact()
        plan = self.plan()
        state = self.stream(True, plan.binned_columns, plan.bins_low, plan.bins_high, plan)
        base_range, derived, derived_redo = self.read(state, plan)
        if self.redo.any() or derived_redo:
            self.recount(plan, derived, derived_redo, base_range)
        self.settle(state, plan, derived, base_range)
        return _result(self.run, self.draws, self.values, self.bound, state.met, False, self.passes)

    def done(self, i: int) -> None:
        self.finished += self.run.sizes[i]
        if self.progress is not None:
            self.progress(self.finished, self.draws)

    def exact(self) -> MonteCarloResult:
        """All draws fit in the pilot: exact percentiles (numpy.percentile) and counts."""
        met = np.zeros(len(self.run.targets), dtype=np.int64)
        self.run.count_targets(self.pilot, met)
        self.done(0)
        values = np.percentile(self.flat_pilot, PERCENTILES, axis=1).T
        bound = np.where(np.isnan(values[:, 0]), np.nan, 0.0)
        return _result(self.run, self.draws, values, bound, met, True, 1)

    def plan(self) -> _StreamPlan:
        """How each row is summarised, and the bins of the counted ones: the pilot's range
        widened by PILOT_MARGIN, from zero up for what cannot be negative."""
        plan = _plan(self.run, self.range_pilot, self.run.twins(self.pilot_inputs))
        binned, binned_years = self.run.columns(plan.binned)
        constant, constant_years = self.run.columns(plan.constant)
        low, high, _ = extremes(np.ascontiguousarray(self.range_pilot), binned, self.run.compiled)
        low, high = np.where(np.isfinite(low), low, 0.0), np.where(np.isfinite(high), high, 0.0)
        margin = (high - low) * PILOT_MARGIN
        bins_low = low - margin
        # levels, shares and ratios are not negative when the pilot's are not: no bins below zero
        # (the CAGR of a negative ratio is undefined; a later negative value, if any, would still
        # be counted exactly in the underflow bin)
        nonnegative = (binned.kind != GROWTH) & (low >= 0.0)
        nonnegative |= _root_of_ratio(binned_years)  # any negative ratio goes to the underflow bin
        bins_low[nonnegative] = np.maximum(bins_low[nonnegative], 0.0)
        return _StreamPlan(
            plan, binned, binned_years, constant, constant_years, bins_low, high + margin
        )

    def stream(
        self,
        first_pass: bool,
        columns: Columns,
        low: np.ndarray,
        high: np.ndarray,
        plan: _StreamPlan,
    ) -> _Worker:
        """Every chunk through `count` on the worker threads, their counts merged. The first
        pass also takes the constant rows' extremes, checks the twins and counts the targets."""

        def new_worker() -> _Worker:
            n_constant = len(plan.constant_columns)
            return _Worker(
                binned=BinnedPercentiles(
                    low, high, self.bins, columns=columns, compiled=self.run.compiled
                )
                if len(columns)
                else None,
                constant_min=np.full(n_constant, np.inf),
                constant_max=np.full(n_constant, -np.inf),
                constant_nan=np.zeros(n_constant, dtype=bool),
                met=np.zeros(len(self.run.targets), dtype=np.int64),
                broken_twins=set(),
            )

        def work(i: int, state: _Worker) -> None:
            self.count(i, state, first_pass, plan)

        return _map_chunks(self.chunks, work, new_worker, self.workers, self.done)

    def count(self, i: int, state: _Worker, first_pass: bool, plan: _StreamPlan) -> None:
        """Chunk i into one worker's counts (the pilot as computed; later chunks levels only)."""
        m = self.run.sizes[i]
        if i == 0:
            block = self.pilot
        else:
            if m not in state.buffers:
                state.buffers[m] = np.empty((len(self.run.names), self.run.n_years, m))
            inputs = self.run.inputs(i)
            block = self.run.series(i, state.buffers[m], levels_only=True, inputs=inputs)
            if first_pass and plan.rows.twins:  # still twins by construction in this chunk?
                state.broken_twins.update(set(plan.rows.twins) - set(self.run.twins(inputs)))
        flat = block.reshape(-1, m)
        if state.binned is not None:
            state.binned.add(flat)
        if first_pass:
            if len(plan.constant_columns):
                low, high, nan = extremes(flat, plan.constant_columns, self.run.compiled)
                np.minimum(state.constant_min, low, out=state.constant_min)
                np.maximum(state.constant_max, high, out=state.constant_max)
                state.constant_nan |= nan
            self.run.count_targets(block, state.met)

    def read(
        self, state: _Worker, plan: _StreamPlan
    ) -> tuple[_BaseRange, list[_Derived], list[_Derived]]:
        """Percentiles and bounds of the binned and constant rows; flags the rows to count
        again (`self.redo`). Returns the base-year ranges of the constant rows, and the derived
        rows whose base is fixed (positive, constant) and those whose base is not (redone)."""
        rows = plan.rows
        if state.binned is not None:
            reliable = _read(state.binned, rows.binned, plan.binned_years, self.values, self.bound)
            self.redo[rows.binned] = ~reliable.all(axis=1)
        through = _through_cagr(plan.constant_years)
        c_min, c_max = through(state.constant_min), through(state.constant_max)
        has_nan = state.constant_nan | np.isnan(c_min) | np.isnan(c_max)  # NaN: as numpy does
        self.values[rows.constant] = np.where(has_nan, np.nan, c_min / 2.0 + c_max / 2.0)[:, None]
        spread = c_max - c_min + np.spacing(np.abs(c_max))  # one unit of rounding: the midpoint
        self.bound[rows.constant] = np.where(has_nan, np.nan, spread)
        self.redo[rows.constant] = ~has_nan & ~_is_constant(c_min, c_max)
        for row, _ in state.broken_twins:
            self.redo[row] = True
        # a derived row's base is a level (its constant_min and max are values): positive, fixed?
        base_range = {
            int(r): (state.constant_min[i], state.constant_max[i])
            for i, r in enumerate(rows.constant)
        }
        derived_redo = [d for d in rows.derived if not _fixed_positive(*base_range[d[2]])]
        derived = [d for d in rows.derived if d not in derived_redo]
        return base_range, derived, derived_redo

    def recount(
        self,
        plan: _StreamPlan,
        derived: list[_Derived],
        derived_redo: list[_Derived],
        base_range: _BaseRange,
    ) -> None:
        """The second pass: the rows to redo (and the derived rows whose base is not fixed,
        counted as ratios) over their exact range; a bound that still does not hold is NaN.
        Derived rows whose level row is recounted are read from it."""
        rows = np.union1d(np.flatnonzero(self.redo), [d[0] for d in derived_redo]).astype(np.intp)
        columns, years = self.run.columns(rows)
        self.finished = 0
        low, high = _exact_range(self.run, columns, self.chunks, self.workers)
        again = _counted(self.stream(False, columns, low, high, plan))
        reliable = _read(again, rows, years, self.values, self.bound)
        self.bound[rows[~reliable.all(axis=1)]] = np.nan  # no bound holds (not seen on valid input)
        again_derived = [d for d in derived if self.redo[d[1]]]
        _read_derived(again, rows, again_derived, base_range, self.values, self.bound)
        self.passes = 2

    def settle(
        self, state: _Worker, plan: _StreamPlan, derived: list[_Derived], base_range: _BaseRange
    ) -> None:
        """The rows that need no counting of their own, from the rows read: derived CAGRs (from
        their level's bins, or from its value when constant), twins, copies, missing rows."""
        rows, values, bound = plan.rows, self.values, self.bound
        counted = set(rows.binned.tolist())
        if state.binned is not None:
            first = [d for d in derived if d[1] in counted and not self.redo[d[1]]]
            _read_derived(state.binned, rows.binned, first, base_range, values, bound)
        constant_level = [d for d in derived if d[1] not in counted and not self.redo[d[1]]]
        _derive_from_values(constant_level, base_range, values, bound)
        for row, twin in rows.twins:
            if not self.redo[row]:
                rounding = TWIN_ROUNDING * (100.0 + np.max(np.abs(values[twin]), initial=0.0))
                values[row], bound[row] = values[twin], bound[twin] + rounding
        for row, source in rows.copies:
            values[row], bound[row] = values[source], bound[source]
        values[rows.missing] = np.nan
        bound[rows.missing] = np.nan


def _counted(state: _Worker) -> BinnedPercentiles:
    """The bins of a pass that counted some rows."""
    if state.binned is None:
        raise ValueError("a pass over no rows has no bins")
    return state.binned


def _exact_range(
    run: _Run, columns: Columns, chunks: Sequence[int], workers: int
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each column over all chunks (for the second pass)."""
    lows = np.full((len(chunks), len(columns)), np.inf)
    highs = np.full((len(chunks), len(columns)), -np.inf)

    def one(i: int) -> None:
        flat = run.series(i, levels_only=True).reshape(-1, run.sizes[i])
        lows[i], highs[i], _ = extremes(flat, columns, run.compiled)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, chunks))
    low, high = lows.min(axis=0), highs.max(axis=0)
    return np.where(np.isfinite(low), low, 0.0), np.where(np.isfinite(high), high, 0.0)


def _read_derived(
    binned: BinnedPercentiles,
    rows: np.ndarray,
    derived: Sequence[tuple[int, int, int, int]],
    base_range: dict[int, tuple[float, float]],
    values: np.ndarray,
    bound: np.ndarray,
) -> None:
    """Write the percentiles and bounds of derived CAGR rows (row, level row, base-year row,
    years) from their level rows, columns of `binned` at `rows`: read through
    cagr_from_ratio_pct(level / base, years), the order statistics transformed as for a counted ratio, base
    the middle of the base-year row's range (in `values`), whose spread `base_range` adds to the
    bound (`_base_spread`). A level below zero makes a CAGR over 2, 4 or more years NaN, as in
    the model (a root of a negative ratio)."""
    if not derived:
        return
    column = {int(r): c for c, r in enumerate(rows)}
    years, base = np.zeros(len(rows), dtype=np.int64), np.ones(len(rows))
    for _, level, base_row, t in derived:
        years[column[level]], base[column[level]] = t, values[base_row, 0]
    estimate = binned.percentiles(PERCENTILES, _through_cagr(years, base))
    negative = _negative_under_root(binned, years)
    highest = np.maximum(binned.high, binned.maximum)
    for row, level, base_row, t in derived:
        c = column[level]
        if negative[c]:
            values[row], bound[row] = np.nan, np.nan
            continue
        spread = _base_spread(highest[c], base_range[base_row], t)
        values[row], bound[row] = estimate.values[c], estimate.bound[c] + spread


def _base_spread(level: float, base: tuple[float, float], years: int) -> float:
    """Largest change of a CAGR over `years` years to a level of at most `level` when its base
    moves within `base` (low, high): if the CAGR of every draw is within this of the one
    computed with the base's middle, so is every order statistic."""
    if base[1] == base[0] or level <= 0:
        return 0.0
    low, high = cagr_from_ratio_pct(np.array([level / base[1], level / base[0]]), years)
    return float(high - low)


def _derive_from_values(
    derived: Sequence[tuple[int, int, int, int]],
    base_range: dict[int, tuple[float, float]],
    values: np.ndarray,
    bound: np.ndarray,
) -> None:
    """Derived CAGR rows whose level row is not counted (constant up to rounding): the function
    of the level's percentiles, the bound its change over the level's bound either way plus the
    base's spread."""
    for row, level, base_row, t in derived:
        base_value = values[base_row, 0]
        values[row] = cagr_from_ratio_pct(values[level] / base_value, t)
        with np.errstate(invalid="ignore"):
            up = cagr_from_ratio_pct((values[level] + bound[level]) / base_value, t) - values[row]
            down = values[row] - cagr_from_ratio_pct((values[level] - bound[level]) / base_value, t)
        top = float(np.max(values[level]) + bound[level])
        bound[row] = np.max(np.maximum(up, down)) + _base_spread(top, base_range[base_row], t)


def _read(
    binned: BinnedPercentiles,
    rows: np.ndarray,
    years: np.ndarray,
    values: np.ndarray,
    bound: np.ndarray,
) -> np.ndarray:
    """Write the binned rows' percentiles and bounds (CAGRs read through `cagr_from_ratio_pct` from their
    ratios); returns the (rows, P) reliability flags."""
    estimate = binned.percentiles(PERCENTILES, _through_cagr(years) if years.any() else None)
    values[rows] = estimate.values
    bound[rows] = estimate.bound
    negative = _negative_under_root(binned, years)
    values[rows[negative]], bound[rows[negative]] = np.nan, np.nan
    reliable = estimate.reliable.copy()
    reliable[negative] = True
    return reliable


def _negative_under_root(binned: BinnedPercentiles, years: np.ndarray) -> np.ndarray:
    """Columns read as a CAGR over 2, 4 or more years (`years`) that saw a value below zero:
    the model's root of a negative ratio or level is NaN, and so are numpy's percentiles. Such a
    column's bins start at zero or above (pass 1: a negative value lands in the underflow bin,
    whose minimum is kept) or at its exact minimum (pass 2)."""
    return _root_of_ratio(years) & (np.minimum(binned.low, binned.minimum) < 0.0)


def _root_of_ratio(years: np.ndarray) -> np.ndarray:
    """Columns counted as the ratio of a CAGR over 2, 4 or more years: the model takes a
    square root or a power of the ratio, undefined below zero (not so the cube root)."""
    return (years > 1) & (years != 3)


def _result(
    run: _Run,
    draws: int,
    values: np.ndarray,
    bound: np.ndarray,
    met: np.ndarray,
    exact: bool,
    passes: int,
) -> MonteCarloResult:
    name = run.scenario.name
    table = pd.DataFrame(
        {
            "scenario": name,
            "indicator": np.repeat(np.array(run.names, dtype=object), run.n_years),
            "year": np.tile(run.years, len(run.names)),
        }
    )
    for j, p in enumerate(PERCENTILES):
        table[f"p{p}"] = values[:, j]
    table["error_bound"] = bound
    probabilities = []
    for j, (target, row) in enumerate(run.targets):
        outside = target.start_year not in run.years or target.end_year not in run.years
        probabilities.append(np.nan if row is None or outside else met[j] / draws)
    targets = pd.DataFrame(
        {
            "scenario": name,
            "target": [t.key for t, _ in run.targets],
            "probability": probabilities,
        }
    )
    return MonteCarloResult(name, draws, table, targets, exact, passes)
