"""Every series of `sim.model.projection_series` for a batch of draws, computed time-major.

Why this exists: `sim.model` keeps the time axis last, as its callers expect. With a million
draws that layout makes each array a million rows of 5-6 years, and every cumulative product,
shift and power runs along those short rows: the model then needs about 2 s per million draws,
against a budget of under a second for the whole Monte Carlo. Here the draws axis is last and
contiguous, so each step is one long vector operation per year.

This module is a re-expression of `sim.model.project` + `projection_series`, not a second model:
it takes the `ModelInputs` that `sim.params.build_inputs` builds (so every scenario rule stays in
one place) and evaluates the same formulas, equal to rounding (~1e-14 relative: it compounds year
by year, takes square and cube roots for CAGRs, and reports a series' growth as the rate it was
given where it has one); `tests/test_sensitivity.py` checks it against `projection_series` for
every bundled scenario and both residual treatments.
If `sim.model` changes, that test fails until this module follows (or until the model adopts a
time-major layout itself; see the recommendation in benchmarks/RESULTS.md).

Shapes:
    m  draws (the batch); the inputs hold scalars or arrays with one leading axis of m draws
    T  growth years; a series has T + 1 points, base year first
    Output: (n_series, T + 1, m), series in exactly the order of `projection_series`.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from .model import DERIVED_SUMS, OTHER_BLOCK, SECTORS, ModelInputs

__all__ = ["series_names", "series_time_major"]


def _blocks(inputs: ModelInputs) -> tuple[str, ...]:
    return SECTORS + ((OTHER_BLOCK,) if inputs.sectors.residual == "other" else ())


def _indicator_names(inputs: ModelInputs) -> list[str]:
    names = list(inputs.indicators)
    for name, parts in DERIVED_SUMS.items():
        if parts[0] in inputs.indicators:
            names.append(name)
    return names


def series_names(inputs: ModelInputs) -> tuple[str, ...]:
    """Series names in the order of `projection_series(project(inputs))`."""
    blocks = _blocks(inputs)
    indicators = _indicator_names(inputs)
    growing = [f"output.{b}" for b in blocks] + ["output.total"] + indicators
    shorts = [name.removeprefix("output.") for name in growing]
    return tuple(
        [f"output.{b}" for b in blocks] + ["output.total"] + [f"share.{b}" for b in blocks]
        + indicators + [f"growth.{s}" for s in shorts] + [f"cagr.{s}" for s in shorts]
    )


def _draws_last(value: object, trailing: int, m: int) -> np.ndarray:
    """A scalar/array with an optional leading draws axis -> (*trailing shape, m), a view."""
    array = np.asarray(value, dtype=float)
    if array.ndim == trailing:
        return np.broadcast_to(array[..., None], array.shape + (m,))
    if array.ndim == trailing + 1 and array.shape[0] == m:
        return np.moveaxis(array, 0, -1)
    raise ValueError(f"expected {trailing} axes, optionally after a draws axis of {m}; "
                     f"got shape {array.shape}")


def _compound(base: np.ndarray, growth_pct: np.ndarray, out: np.ndarray) -> None:
    """out (..., T + 1, m) = base, base (1 + g1), base (1 + g1) (1 + g2), ...

    base: (..., m); growth_pct: (..., T, m) in % per year. As `sim.model.compound_levels`, to
    rounding (this multiplies year by year; the model multiplies the cumulative product by the
    base). A rate that is the same every year (a view with stride 0 over the years, as the
    own-growth rule gives) is converted to a factor once.
    """
    if growth_pct.strides[-2] == 0:
        factors = np.broadcast_to((1.0 + growth_pct[..., :1, :] / 100.0), growth_pct.shape)
    else:
        factors = 1.0 + growth_pct / 100.0
    out[..., 0, :] = base
    for t in range(factors.shape[-2]):
        np.multiply(out[..., t, :], factors[..., t, :], out=out[..., t + 1, :])


def _root(ratio: np.ndarray, t: int) -> None:
    """ratio ** (1 / t) in place; square and cube roots where they serve (pow costs ~3x)."""
    if t == 1:
        return
    if t == 2:
        np.sqrt(ratio, out=ratio)
    elif t == 3:
        np.cbrt(ratio, out=ratio)
    elif t == 4:
        np.sqrt(ratio, out=ratio)
        np.sqrt(ratio, out=ratio)
    else:
        np.power(ratio, 1.0 / t, out=ratio)


def _growth(levels: np.ndarray, growth: np.ndarray) -> None:
    """Year-on-year growth in %, NaN in the base year; as `sim.model.yoy_growth_pct`.

    levels, growth: (k, T + 1, m).
    """
    growth[:, 0] = np.nan
    np.divide(levels[:, 1:], levels[:, :-1], out=growth[:, 1:])
    growth[:, 1:] -= 1.0
    growth[:, 1:] *= 100.0


def _cagr(levels: np.ndarray, cagr: np.ndarray) -> None:
    """CAGR from the base year in %, NaN in the base year; as `sim.model.cagr_pct`.

    levels, cagr: (k, T + 1, m).
    """
    cagr[:, 0] = np.nan
    np.divide(levels[:, 1:], levels[:, :1], out=cagr[:, 1:])
    for t in range(1, levels.shape[1]):
        _root(cagr[:, t], t)
    cagr[:, 1:] -= 1.0
    cagr[:, 1:] *= 100.0


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """[start, stop) of the runs of True in flags."""
    runs, start = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and start is None:
            start = i
        elif not flag and start is not None:
            runs.append((start, i))
            start = None
    return runs


def series_time_major(
    inputs: ModelInputs, draws: int, out: np.ndarray | None = None,
    cagr: Collection[str] | None = None,
) -> tuple[tuple[str, ...], np.ndarray]:
    """All projection series for `draws` draws: (names, (n_series, T + 1, draws) array).

    inputs: from `sim.params.build_inputs(scenario, values)` with every value a scalar or a
            (draws,) array (a single leading draws axis).
    out:    optional preallocated (n_series, T + 1, draws) float64 array, reused across chunks.
    cagr:   names of the cagr.* series to compute (default: all); the rows of the others are
            left as they were in `out` (the Monte Carlo derives them from the levels). An empty
            collection also skips growth.*: only levels and shares are computed.
    Equal to `projection_series(project(inputs))[name]` transposed, to rounding.
    """
    m = draws
    sectors = inputs.sectors
    names = series_names(inputs)
    horizon = len(inputs.years) - 1
    shape = (len(names), horizon + 1, m)
    if out is None:
        out = np.empty(shape)
    elif out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, expected {shape}")
    blocks = _blocks(inputs)
    n_blocks = len(blocks)
    block_levels = out[:n_blocks]

    share = _draws_last(sectors.base_share_pct, 1, m)  # (3, m)
    share_sum = share.sum(axis=0)
    if sectors.residual == "normalise":
        base_levels = share / share_sum * sectors.base_total
    elif sectors.residual == "other":
        base_levels = share / 100.0 * sectors.base_total
    else:
        raise ValueError(f"unknown residual treatment {sectors.residual!r}")
    growth = _draws_last(sectors.growth_pct, 2, m)  # (3, T, m)
    _compound(base_levels, growth, block_levels[:3])
    # each series' own yearly rate, where the model has one: growth.* is then that rate (the
    # model's (L_t / L_t-1 - 1) * 100 gives it back to rounding) and costs a copy, not 3 passes
    rates: dict[str, np.ndarray] = {f"output.{s}": growth[i] for i, s in enumerate(SECTORS)}
    if sectors.residual == "other":
        other_base = (100.0 - share_sum) / 100.0 * sectors.base_total
        if sectors.residual_growth_pct is None:
            three = block_levels[:3].sum(axis=0)
            np.multiply(other_base, three, out=block_levels[3])
            block_levels[3] /= three[:1]
        else:
            rate = _draws_last(sectors.residual_growth_pct, 1, m)
            _compound(other_base, rate, block_levels[3])
            rates[f"output.{OTHER_BLOCK}"] = rate

    total = out[n_blocks]
    block_levels.sum(axis=0, out=total)
    np.divide(block_levels, total, out=out[n_blocks + 1: 2 * n_blocks + 1])
    out[n_blocks + 1: 2 * n_blocks + 1] *= 100.0
    total_growth = (total[1:] / total[:-1] - 1.0) * 100.0  # (T, m)
    rates["output.total"] = total_growth

    first = 2 * n_blocks + 1
    rows = {name: first + i for i, name in enumerate(_indicator_names(inputs))}
    for name, linked in inputs.indicators.items():
        if linked.elasticity is not None:
            rate = _draws_last(linked.elasticity, 0, m) * total_growth
        else:
            own = np.asarray(linked.growth_pct, dtype=float)
            rate = np.broadcast_to(_draws_last(own, 0 if own.ndim == 0 else 1, m), (horizon, m))
        if linked.override_pct is not None and not np.all(np.isnan(linked.override_pct)):
            override = _draws_last(linked.override_pct, 1, m)
            rate = np.where(np.isnan(override), rate, override)
        _compound(_draws_last(linked.base, 0, m), rate, out[rows[name]])
        rates[name] = rate
    for name, parts in DERIVED_SUMS.items():
        if name in rows:
            present = [out[rows[p]] for p in parts if p in inputs.indicators]
            np.copyto(out[rows[name]], present[0])
            for part in present[1:]:
                out[rows[name]] += part

    n_growing = n_blocks + 1 + len(rows)
    growth_at = first + len(rows)
    cagr_at = growth_at + n_growing
    # the levels of the growing series sit in two runs: output blocks + total, then indicators
    level_runs = [(0, 0, n_blocks + 1), (first, n_blocks + 1, len(rows))]
    if cagr is not None and not cagr:
        return names, out
    for g in range(n_growing):
        level = names[g] if g <= n_blocks else names[first + g - n_blocks - 1]
        target = out[growth_at + g]
        if level in rates:
            target[0] = np.nan
            np.copyto(target[1:], rates[level])
        else:
            row = names.index(level)
            _growth(out[row: row + 1], out[growth_at + g: growth_at + g + 1])
    for level_row, index, count in level_runs:
        levels = out[level_row: level_row + count]
        wanted = [cagr is None or names[cagr_at + index + k] in cagr for k in range(count)]
        for start, stop in _runs(wanted):
            _cagr(levels[start:stop], out[cagr_at + index + start: cagr_at + index + stop])
    return names, out
