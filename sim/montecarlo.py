"""Monte Carlo over a scenario's uncertain parameters: chunked, streaming, on every core.

Sample -> evaluate -> summarise, one chunk of draws at a time, so memory stays bounded for any
number of draws (ten million draws need the same ~100 MB per worker as a hundred thousand):

1. Each chunk draws its parameters from its own generator, spawned from entropy taken from the
   injected `rng`: a result depends only on the rng's state, the number of draws and the chunk
   size, not on how chunks are shared between threads.
2. The chunk is projected by `sim.model.projection_series_time_major` (a year of every
   series is one contiguous row of the chunk's draws).
3. Every series of every year is summarised by `sim.quantiles` (fixed bins), and every target of
   `sim.targets.TARGETS` is checked draw by draw.

Percentiles are exact (numpy.percentile) when all draws fit in one chunk. Otherwise each column
of the result (series x year) is obtained in the cheapest way that keeps the stated bound, decided
on the first chunk (the pilot):
    no value   growth and CAGR in the base year: NaN, as in the model;
    constant   the same value in every draw up to rounding (a base-year level, the 'other' share):
               that value, checked on every chunk;
    copy       CAGR over the first year is that year's growth: the same numbers;
    derived    CAGR to year t of a series whose base-year value is constant is an increasing
               function of the year-t level, and percentiles commute with increasing functions:
               CAGR percentiles are that function of the level's percentiles;
    twin       the same value as an earlier row in every draw, up to rounding (each year's growth
               of a series whose rate is the same every year; the growth of an 'other' block that
               grows with the aggregate, which is the total's): that row's percentiles, the
               largest difference checked on every chunk;
    binned     everything else: counted into 4096 bins over the pilot's range (+5 % margin).
The `error_bound` of a row is one bin width (binned), the bin width carried through the function
(derived), the spread of the values (constant), or its twin's bound plus the largest difference
from it (if |x_i - y_i| <= d for every draw, every order statistic of x is within d of y's); see
`sim.quantiles` for the bins. If a percentile's rank falls outside a binned column's range, or a
constant column turns out to vary, or twins to differ, those columns are counted again over their
exact range (a second pass; it keeps the bound true for any input).

numpy releases the GIL in its loops, so chunks run in threads, one per core.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .model import projection_series_time_major, series_names
from .params import build_inputs
from .quantiles import DEFAULT_BINS, BinnedPercentiles
from .scenario import Scenario
from .targets import COMPARISON_TOLERANCE, TARGETS, Target, evaluate, target_indicator
from .uncertainty import UncertaintySpec, sample

__all__ = [
    "DEFAULT_DRAWS",
    "CHUNK_DRAWS",
    "PERCENTILES",
    "MonteCarloResult",
    "ProgressCallback",
    "monte_carlo",
    "met_target",
    "chunk_series",
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

ProgressCallback = Callable[[int, int], None]
"""progress(draws_done, draws_total), called from the calling thread after each chunk."""


@dataclass(frozen=True)
class MonteCarloResult:
    """Percentiles and target probabilities of one scenario.

    percentiles: one row per series and year: scenario, indicator, year, p5, p25, p50, p75,
                 p95 (in the series' unit), error_bound (largest possible error of those
                 percentiles, same unit; 0 when exact; NaN for a series without a value, e.g.
                 growth in the base year).
    target_probabilities: scenario, target (key in sim.targets.TARGETS), probability (share of
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
    `sim.targets.status_of` ("met" or "exceeded" count), and False for NaN."""
    values = np.asarray(values, dtype=float)
    if target.low is None:
        return np.isfinite(values)
    return values >= target.low - COMPARISON_TOLERANCE


def _chunk_sizes(draws: int, chunk: int) -> list[int]:
    full, rest = divmod(draws, chunk)
    return [chunk] * full + ([rest] if rest else [])


def _is_constant(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        size = np.maximum(1.0, np.maximum(np.abs(low), np.abs(high)))
        return high - low <= CONSTANT_TOLERANCE * size


class _Run:
    """The chunks of one Monte Carlo and how to evaluate them (private; holds no results)."""

    def __init__(
        self,
        scenario: Scenario,
        spec: UncertaintySpec,
        sizes: Sequence[int],
        seeds: Sequence[np.random.SeedSequence],
    ):
        self.scenario, self.spec, self.sizes, self.seeds = scenario, spec, sizes, seeds
        self.years = np.arange(scenario.base_year, scenario.end_year + 1)
        self.names = series_names(build_inputs(scenario))
        self.n_years = len(self.years)
        self.targets: list[tuple[Target, int | None]] = []
        for target in TARGETS:
            name = target_indicator(target, scenario.budget_concept)
            row = self.names.index(name) if name in self.names else None
            self.targets.append((target, row))

    def row(self, name: str, year_index: int) -> int:
        return self.names.index(name) * self.n_years + year_index

    def level_of(self, short: str) -> str:
        """The level series behind growth.<short> / cagr.<short>."""
        return f"output.{short}" if f"output.{short}" in self.names else short

    def series(
        self, i: int, out: np.ndarray | None = None, wanted: frozenset[str] | None = None
    ) -> np.ndarray:
        """(n_series, T + 1, m) series of chunk i (of the derived series, only those `wanted`,
        if given; see `projection_series_time_major`)."""
        m = self.sizes[i]
        values = sample(self.spec, m, np.random.default_rng(self.seeds[i]))
        return projection_series_time_major(build_inputs(self.scenario, values), out, wanted)[1]

    def count_targets(self, block: np.ndarray, met: np.ndarray) -> None:
        for j, (target, row) in enumerate(self.targets):
            if row is None:
                continue
            value = evaluate(target, self.years, block[row].T)
            if value is not None:
                met[j] += int(np.count_nonzero(met_target(target, value)))


@dataclass(frozen=True)
class _Plan:
    """How each result row (series x year, flattened) is obtained; see the module docstring."""

    missing: np.ndarray  # rows without a value
    constant: np.ndarray  # rows with one value up to rounding, checked on every chunk
    copies: list[tuple[int, int]]  # (row, row with the same numbers)
    derived: list[tuple[int, int, int, int]]  # (cagr row, level row, base-year row, years)
    twins: list[tuple[int, int, int, int]]  # (first row, its twin, rows, step of the twins: 0, 1)
    binned: np.ndarray  # rows counted into bins

    @property
    def twin_rows(self) -> list[tuple[int, int]]:
        """(row, twin) of every twin row, in the order of the gaps the workers keep."""
        return [
            (first + k, twin + k * step)
            for first, twin, count, step in self.twins
            for k in range(count)
        ]


def _plan(run: _Run, pilot: np.ndarray) -> _Plan:
    """Decide, from the pilot's (rows, draws) values, how each row is summarised."""
    nan = np.isnan(pilot)
    missing = nan.all(axis=1)
    with np.errstate(invalid="ignore"):
        constant = ~missing & ~nan.any(axis=1) & _is_constant(pilot.min(axis=1), pilot.max(axis=1))
    settled = missing | constant
    copies, derived = [], []
    for name in run.names:
        if not name.startswith("cagr."):
            continue
        short = name.removeprefix("cagr.")
        level = run.level_of(short)
        first = run.row(name, 1)
        if not settled[first]:  # CAGR over one year = that year's growth
            copies.append((first, run.row(f"growth.{short}", 1)))
            settled[first] = True
        base = run.row(level, 0)
        for t in range(2, run.n_years):
            row = run.row(name, t)
            if not settled[row] and constant[base]:
                derived.append((row, run.row(level, t), base, t))
                settled[row] = True
    twins = _twins(pilot, np.flatnonzero(~settled))
    for row, _ in twins:
        settled[row] = True
    return _Plan(
        np.flatnonzero(missing),
        np.flatnonzero(constant),
        copies,
        derived,
        _runs_of_twins(twins),
        np.flatnonzero(~settled),
    )


TWIN_SCREEN = 16
"""Draws of the pilot on which every pair of rows is compared; the pairs that agree there are
compared on the whole pilot."""


def _close(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a == b up to rounding (CONSTANT_TOLERANCE relative to their size), elementwise."""
    size = np.maximum(1.0, np.maximum(np.abs(a), np.abs(b)))
    return np.abs(a - b) <= CONSTANT_TOLERANCE * size


def _twins(pilot: np.ndarray, rows: np.ndarray) -> list[tuple[int, int]]:
    """(row, earlier row) pairs among `rows` whose pilot values agree draw by draw up to
    rounding; the earlier row of a pair is never itself a twin."""
    screen = pilot[rows, :TWIN_SCREEN]
    with np.errstate(invalid="ignore"):
        alike = np.all(_close(screen[:, None, :], screen[None, :, :]), axis=2)
    twins: list[tuple[int, int]] = []
    is_twin = np.zeros(rows.size, dtype=bool)
    for i in range(rows.size):
        for j in np.flatnonzero(alike[i, :i] & ~is_twin[:i]):
            twin = pilot[rows[j]]
            with np.errstate(invalid="ignore"):  # the test that monte_carlo applies at the end
                gap = np.max(np.abs(pilot[rows[i]] - twin))
                if gap <= CONSTANT_TOLERANCE * np.max(np.abs(twin), initial=1.0):
                    twins.append((int(rows[i]), int(rows[j])))
                    is_twin[i] = True
                    break
    return twins


def _runs_of_twins(pairs: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Consecutive twin rows whose twins are one row (step 0) or consecutive rows (step 1),
    as (first row, its twin, rows, step): each run is checked with one subtraction."""
    runs: list[list[int]] = []
    for row, twin in sorted(pairs):
        if runs:
            first, first_twin, count, step = runs[-1]
            if row == first + count and count == 1 and twin - first_twin in (0, 1):
                runs[-1] = [first, first_twin, 2, twin - first_twin]
                continue
            if row == first + count and count > 1 and twin == first_twin + step * count:
                runs[-1][2] += 1
                continue
        runs.append([row, twin, 1, 0])
    return [(first, twin, count, step) for first, twin, count, step in runs]


def _check_twins(plan: _Plan, flat: np.ndarray, state: _Worker) -> None:
    """Keep, in state.twin_gap, the largest |row - twin| of every twin row over the chunk's
    (rows, m) values `flat`."""
    if not plan.twins:
        return
    longest = max(count for _, _, count, _ in plan.twins)
    m = flat.shape[1]
    if state.scratch is None or state.scratch.shape != (longest, m):
        state.scratch = np.empty((longest, m))
    k = 0
    for first, twin, count, step in plan.twins:
        twins = flat[twin] if step == 0 else flat[twin : twin + count]
        diff = np.subtract(flat[first : first + count], twins, out=state.scratch[:count])
        gap = np.maximum(-diff.min(axis=1), diff.max(axis=1))  # NaN stays NaN
        np.maximum(state.twin_gap[k : k + count], gap, out=state.twin_gap[k : k + count])
        k += count


def _cagr_of(level: np.ndarray, base: np.ndarray, years: int) -> np.ndarray:
    """CAGR in % from base to level over `years` years (increasing in level)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return ((level / base) ** (1.0 / years) - 1.0) * 100.0


@dataclass
class _Worker:
    """One thread's buffers and running counts (mutable, private to its thread)."""

    binned: BinnedPercentiles | None
    constant_min: np.ndarray
    constant_max: np.ndarray
    twin_gap: np.ndarray  # largest |row - twin| of each twin row so far (NaN once a NaN shows)
    met: np.ndarray
    buffers: dict[int, np.ndarray] = field(default_factory=dict)
    scratch: np.ndarray | None = None


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
        np.maximum(first.twin_gap, other.twin_gap, out=first.twin_gap)
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


def chunk_series(
    scenario: Scenario, draws: int, rng: np.random.Generator, chunk_draws: int = CHUNK_DRAWS
) -> Iterator[np.ndarray]:
    """The series of every chunk that `monte_carlo` sees for the same arguments and rng state:
    (n_series, T + 1, m) arrays, series in `sim.model.series_names` order. For checking
    the streaming results against exact ones; it holds one chunk at a time."""
    run = _prepare(scenario, draws, rng, chunk_draws)
    for i in range(len(run.sizes)):
        yield run.series(i)


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
    sizes = run.sizes
    workers = max(1, workers or os.cpu_count() or 1)
    finished = [0]

    def done(i: int) -> None:
        finished[0] += sizes[i]
        if progress is not None:
            progress(finished[0], draws)

    pilot = run.series(0)
    flat_pilot = pilot.reshape(-1, sizes[0])
    n_rows = flat_pilot.shape[0]
    if len(sizes) == 1:
        met = np.zeros(len(run.targets), dtype=np.int64)
        run.count_targets(pilot, met)
        done(0)
        values = np.percentile(flat_pilot, PERCENTILES, axis=1).T
        bound = np.where(np.isnan(values[:, 0]), np.nan, 0.0)
        return _result(run, draws, values, bound, met, exact=True, passes=1)

    plan = _plan(run, flat_pilot[:, : pilot_draws or sizes[0]])
    pilot_low, pilot_high = _pilot_range(flat_pilot[:, : pilot_draws or sizes[0]])
    low, high = pilot_low[plan.binned], pilot_high[plan.binned]
    margin = (high - low) * PILOT_MARGIN
    chunks = list(range(len(sizes)))

    def new_worker(rows: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> _Worker:
        return _Worker(
            binned=BinnedPercentiles(lo, hi, bins, rows) if rows.size else None,
            constant_min=np.full(plan.constant.size, np.inf),
            constant_max=np.full(plan.constant.size, -np.inf),
            twin_gap=np.zeros(len(twin_rows)),
            met=np.zeros(len(run.targets), dtype=np.int64),
        )

    twin_rows = plan.twin_rows
    breaks = np.flatnonzero(np.diff(plan.constant) != 1) + 1
    edges = [0, *breaks.tolist(), plan.constant.size]
    constant_runs = [(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True) if b > a]
    # CAGR rows that are copied or derived need not be computed after the pilot
    read = np.union1d(plan.binned, plan.constant).tolist() + [r for pair in twin_rows for r in pair]
    read = {run.names[r // run.n_years] for r in read}
    needed = frozenset(name for name in run.names if not name.startswith("cagr.") or name in read)

    def make_work(rows: np.ndarray, first_pass: bool) -> Callable[[int, _Worker], None]:
        def work(i: int, state: _Worker) -> None:
            m = sizes[i]
            if i == 0:
                block = pilot
            else:
                if m not in state.buffers:
                    state.buffers[m] = np.empty((len(run.names), run.n_years, m))
                block = run.series(i, state.buffers[m], needed if first_pass else None)
            flat = block.reshape(-1, m)
            if state.binned is not None:
                state.binned.add(flat)
            if first_pass:
                for start, stop in constant_runs:  # views: a gathered copy would cost more
                    part = flat[plan.constant[start] : plan.constant[start] + stop - start]
                    low, high = state.constant_min[start:stop], state.constant_max[start:stop]
                    np.minimum(low, part.min(axis=1), out=low)
                    np.maximum(high, part.max(axis=1), out=high)
                _check_twins(plan, flat, state)
                run.count_targets(block, state.met)

        return work

    state = _map_chunks(
        chunks,
        make_work(plan.binned, True),
        lambda: new_worker(plan.binned, low - margin, high + margin),
        workers,
        done,
    )
    values = np.full((n_rows, len(PERCENTILES)), np.nan)
    bound = np.full(n_rows, np.nan)
    redo = np.zeros(n_rows, dtype=bool)
    if state.binned is not None:
        reliable = _read(state.binned, plan.binned, values, bound)
        redo[plan.binned] = ~reliable.all(axis=1)
    c_min, c_max = state.constant_min, state.constant_max
    has_nan = np.isnan(c_min) | np.isnan(c_max)
    values[plan.constant] = np.where(has_nan, np.nan, c_min / 2.0 + c_max / 2.0)[:, None]
    spread = c_max - c_min + np.spacing(np.abs(c_max))  # one unit of rounding for the midpoint
    bound[plan.constant] = np.where(has_nan, np.nan, spread)
    redo[plan.constant] = ~has_nan & ~_is_constant(c_min, c_max)
    gap = state.twin_gap
    for k, (row, twin) in enumerate(twin_rows):  # a NaN gap (a NaN showed up) is redone too
        size = np.max(np.abs(values[twin]), initial=1.0)
        redo[row] = not gap[k] <= CONSTANT_TOLERANCE * size
    derived_redo = [d for d in plan.derived if redo[d[2]]]  # the base was not constant after all
    passes = 1
    if redo.any() or derived_redo:
        rows = np.union1d(np.flatnonzero(redo), [d[0] for d in derived_redo]).astype(np.intp)
        finished[0] = 0
        lo, hi = _exact_range(run, rows, chunks, workers)
        again = _map_chunks(
            chunks, make_work(rows, False), lambda: new_worker(rows, lo, hi), workers, done
        )
        assert again.binned is not None
        _read(again.binned, rows, values, bound)
        passes = 2
    for (row, twin), largest in zip(twin_rows, gap, strict=True):
        if not redo[row]:
            values[row], bound[row] = values[twin], bound[twin] + largest
    for row, level, base, years in plan.derived:
        if row in {d[0] for d in derived_redo}:
            continue
        base_value = values[base, 0]
        values[row] = _cagr_of(values[level], base_value, years)
        step = _cagr_of(values[level] + bound[level], base_value, years) - values[row]
        bound[row] = np.max(np.abs(step))  # the base's spread (< 1e-12 relative) is negligible
    for row, source in plan.copies:
        values[row], bound[row] = values[source], bound[source]
    values[plan.missing] = np.nan
    bound[plan.missing] = np.nan
    return _result(run, draws, values, bound, state.met, exact=False, passes=passes)


def _pilot_range(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each row of (rows, draws) values, NaN left out (inf and
    -inf for a row of NaN). fmin/fmax skip NaN without a masked copy of the values."""
    with np.errstate(invalid="ignore"):
        low, high = np.fmin.reduce(values, axis=1), np.fmax.reduce(values, axis=1)
    return np.where(np.isnan(low), np.inf, low), np.where(np.isnan(high), -np.inf, high)


def _exact_range(
    run: _Run, rows: np.ndarray, chunks: Sequence[int], workers: int
) -> tuple[np.ndarray, np.ndarray]:
    """Smallest and largest value of each row over all chunks (for the second pass)."""
    lows = np.full((len(chunks), rows.size), np.inf)
    highs = np.full((len(chunks), rows.size), -np.inf)

    def one(i: int) -> None:
        part = run.series(i).reshape(-1, run.sizes[i])[rows]
        lows[i], highs[i] = _pilot_range(part)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(one, chunks))
    low, high = lows.min(axis=0), highs.max(axis=0)
    return np.where(np.isfinite(low), low, 0.0), np.where(np.isfinite(high), high, 0.0)


def _read(
    binned: BinnedPercentiles, rows: np.ndarray, values: np.ndarray, bound: np.ndarray
) -> np.ndarray:
    """Write the binned rows' percentiles and bounds; returns the (rows, P) reliability flags."""
    estimate, reliable = binned.percentiles(PERCENTILES)
    values[rows] = estimate
    bound[rows] = np.where(binned.has_nan, np.nan, binned.width)
    return reliable


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
