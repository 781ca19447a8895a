"""Reference code that only the tests use: the Monte Carlo's chunks as whole arrays (to compare
its streamed percentiles with exact ones) and Sobol indices of any vectorised function (to
check the estimators on functions with known indices)."""

from collections.abc import Callable, Iterator

import numpy as np

from sim.analysis.montecarlo import engine
from sim.analysis.sobol import DEFAULT_RESAMPLES, SobolEstimate, design, estimate
from sim.scenario.loader import Scenario


def chunk_series(
    scenario: Scenario,
    draws: int,
    rng: np.random.Generator,
    chunk_draws: int = engine.CHUNK_DRAWS,
) -> Iterator[np.ndarray]:
    """The series of every chunk that `monte_carlo` sees for the same arguments and rng state:
    (n_series, T + 1, m) arrays, series in `sim.core.model.series_names` order. For checking
    the streaming results against exact ones; it holds one chunk at a time."""
    run = engine._prepare(scenario, draws, rng, chunk_draws)
    for i in range(len(run.sizes)):
        yield run.series(i)


def saltelli_design(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The (n (k + 2), k) matrix [A; B; AB_1; ...; AB_k], each block n rows.

    a, b: (n, k) independent draws (probabilities, or parameter values: AB_i only copies
    columns, so transforming A and B first and stacking after is the same and k / 2 times
    cheaper). AB_i is A with column i from B.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f"A and B must be (n, k) arrays of one shape, not {a.shape}, {b.shape}")
    k = a.shape[1]
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[:, i] = b[:, i]
        blocks.append(ab)
    return np.concatenate(blocks)


def sobol_indices(
    func: Callable[[np.ndarray], np.ndarray],
    k: int,
    n: int,
    rng: np.random.Generator,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence_level: float = 0.95,
) -> SobolEstimate:
    """Sobol indices of `func` of k independent U(0, 1) inputs.

    func: (N, k) probabilities -> (N,) or (N, q) outputs, vectorised over rows; called once on
    the whole design of n (k + 2) rows. A and B: the scrambled Sobol' points of
    `sim.analysis.sobol.design` (n a power of two), as the scenarios' Sobol analysis draws them.
    """
    out = np.asarray(func(saltelli_design(*design(k, n, rng))), dtype=float)
    if out.ndim == 1:
        out = out[:, None]
    f_a, f_b = out[:n], out[n : 2 * n]
    f_ab = out[2 * n :].reshape(k, n, -1)
    return estimate(f_a, f_b, f_ab, rng, n_resamples=n_resamples, confidence_level=confidence_level)
