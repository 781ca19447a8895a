"""Variance-based (Sobol) sensitivity indices with bootstrap confidence intervals.

Estimators, on the sampling design of Saltelli (2002): two (n, k) matrices A and B of parameter
draws, and for each parameter i the matrix AB_i = A with column i taken from B.

Design (`design`): A and B are the first and last k columns of n points of one 2k-dimensional
scrambled Sobol' sequence (Owen-type linear matrix scrambling and a digital shift,
`scipy.stats.qmc.Sobol`), the construction of Saltelli et al. (2010), sec. 4; n is a power of
two, so the points keep the sequence's balance. For the same number of model runs the indices
vary far less from seed to seed than on plain random draws (measured on the bundled baseline at
n = 2^14: benchmarks/RESULTS.md, "Sobol' points instead of random draws").
With f centred on the mean of f(A) and f(B), and V the variance of f(A) and f(B) together:

    first order  S1_i = mean(f(B) (f(AB_i) - f(A))) / V        Saltelli et al. (2010), table 2 (b)
    total        ST_i = mean((f(A) - f(AB_i))^2) / (2 V)       Jansen (1999); Saltelli et al. 2010 (f)

(Saltelli et al. 2010, "Variance based sensitivity analysis of model output", Computer Physics
Communications 181, 259-270.) These are the estimators of `scipy.stats.sobol_indices`.

Confidence intervals: percentile bootstrap over the n rows (a row of A, B and every AB_i is
resampled together). The bootstrap treats the rows as independent draws, which scrambled Sobol'
rows are not: the intervals describe the spread of a random design of the same size and are
therefore conservative for this one (wider than its seed-to-seed spread, which is measured in
benchmarks/RESULTS.md); they still cover the exact indices of the closed-form tests. scipy's `.bootstrap()` re-runs the estimator once per resample in Python
(~38 s for three outputs at n = 2^14); here a resample is a vector of counts w (how often each
row is drawn), every estimator above is a weighted mean, and all resamples of all outputs come out
of one matrix product: (resamples x n counts) @ (n x per-row terms).

The inputs are treated as independent: variance-based indices of dependent inputs are not
uniquely defined, so a scenario's correlation matrix is ignored here (the Monte Carlo honours it).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SobolEstimate", "estimate", "design", "check_base_sample"]

DEFAULT_RESAMPLES = 1000
RESAMPLE_BATCH = 250  # resamples per matrix product: 250 x 2^14 counts = 16 MB in float32


@dataclass(frozen=True)
class SobolEstimate:
    """Sobol indices of q outputs with respect to k parameters.

    first_order, total: (q, k) point estimates.
    first_order_ci, total_ci: (q, k, 2) lower and upper ends of the confidence interval.
    variance: (q,) variance of each output.
    n: base sample size (rows of A); confidence_level: e.g. 0.95.
    """

    first_order: np.ndarray
    first_order_ci: np.ndarray
    total: np.ndarray
    total_ci: np.ndarray
    variance: np.ndarray
    n: int
    confidence_level: float


def check_base_sample(n: int) -> None:
    """Raise ValueError unless n (rows of A) is a power of two, at least 2: a Sobol' sequence is
    balanced only in blocks of 2^m points, and the estimators need two rows for a variance."""
    if n < 2 or n & (n - 1):
        lower = 1 << max(n.bit_length() - 1, 1)
        raise ValueError(
            f"the Sobol base sample must be a power of two, at least 2, not {n} "
            f"(e.g. {lower} or {lower * 2})"
        )


def design(k: int, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(A, B): two (n, k) matrices of probabilities in [0, 1) for k independent parameters, the
    first and last k columns of the first n points of a 2k-dimensional scrambled Sobol'
    sequence. rng draws the scrambling, so the same generator state gives the same design.
    n must be a power of two (`check_base_sample`)."""
    check_base_sample(n)
    if k < 1:
        raise ValueError("the Sobol design needs at least one parameter")
    qmc = _qmc()
    points = qmc.Sobol(2 * k, scramble=True, rng=rng).random_base2(n.bit_length() - 1)
    return points[:, :k], points[:, k:]


def _qmc() -> Any:
    """scipy.stats.qmc, imported lazily: scipy.stats takes 0.75 s to import here, and a plain run
    needs none of it. 0.3 s of that is scipy writing a note into the docstring of each of its
    functions (which array libraries it supports: each docstring parsed and written again).
    Nobody reads help() in a run, so the note is not written while this imports scipy.stats
    (the same functions, the same numbers: tests/analysis/test_sobol.py). Should scipy rename
    `xp_capabilities`, this does nothing and the import is as before."""
    if "scipy.stats" not in sys.modules:
        try:
            from scipy._lib import _array_api as api
        except ImportError:
            api = None
        original = getattr(api, "xp_capabilities", None)
        if callable(original):
            api.xp_capabilities = lambda *args, **kwargs: lambda f: f  # (the decorator, bare)
        try:
            from scipy.stats import qmc
        finally:
            if callable(original):
                api.xp_capabilities = original
    from scipy.stats import qmc

    return qmc


def _terms(f_a: np.ndarray, f_b: np.ndarray, f_ab: np.ndarray) -> np.ndarray:
    """Per-row terms whose (weighted) means make up the estimators: (n, q * (4 + 2k)).

    Columns per output: f_A, f_B, f_A^2, f_B^2, then f_B (f_AB_i - f_A) and (f_A - f_AB_i)^2
    for each parameter i.
    """
    n, q = f_a.shape
    k = f_ab.shape[0]
    out = np.empty((n, q, 4 + 2 * k))
    out[:, :, 0], out[:, :, 1] = f_a, f_b
    out[:, :, 2], out[:, :, 3] = f_a**2, f_b**2
    out[:, :, 4 : 4 + k] = (f_b[None] * (f_ab - f_a[None])).transpose(1, 2, 0)
    out[:, :, 4 + k :] = ((f_a[None] - f_ab) ** 2).transpose(1, 2, 0)
    return out.reshape(n, -1)


def _indices(means: np.ndarray, q: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(S1, ST, V) from weighted means of the terms: means (..., q * (4 + 2k)). An output that
    no sampled parameter moves (V = 0: a plan's series outside the uncertain block) has no
    indices: NaN, without a numpy warning."""
    m = means.reshape(*means.shape[:-1], q, 4 + 2 * k)
    centre = (m[..., 0] + m[..., 1]) / 2.0
    variance = (m[..., 2] + m[..., 3]) / 2.0 - centre**2
    with np.errstate(invalid="ignore", divide="ignore"):
        first = m[..., 4 : 4 + k] / variance[..., None]
        total = m[..., 4 + k :] / (2.0 * variance[..., None])
    return first, total, variance


def estimate(
    f_a: np.ndarray,
    f_b: np.ndarray,
    f_ab: np.ndarray,
    rng: np.random.Generator,
    *,
    n_resamples: int = DEFAULT_RESAMPLES,
    confidence_level: float = 0.95,
) -> SobolEstimate:
    """Sobol indices from model outputs on the Saltelli design.

    f_a, f_b: (n,) or (n, q) outputs at A and B; f_ab: (k, n) or (k, n, q) outputs at each AB_i.
    rng: draws the bootstrap resamples.
    """
    f_a, f_b, f_ab = (np.asarray(x, dtype=float) for x in (f_a, f_b, f_ab))
    if f_a.ndim == 1:
        f_a, f_b, f_ab = f_a[:, None], f_b[:, None], f_ab[..., None]
    n, q = f_a.shape
    k = f_ab.shape[0]
    if f_b.shape != (n, q) or f_ab.shape != (k, n, q):
        raise ValueError(
            f"shapes do not match: f_A {f_a.shape}, f_B {f_b.shape}, f_AB {f_ab.shape}"
        )
    centre = (f_a.mean(axis=0) + f_b.mean(axis=0)) / 2.0  # Sobol' & Levitan (1999)
    terms = _terms(f_a - centre, f_b - centre, f_ab - centre)
    first, total, variance = _indices(terms.mean(axis=0), q, k)

    # bootstrap: counts of each row in each resample, all resamples by matrix products
    low_q, high_q = (1.0 - confidence_level) / 2.0, (1.0 + confidence_level) / 2.0
    terms32 = terms.astype(np.float32)
    firsts, totals = [], []
    for start in range(0, n_resamples, RESAMPLE_BATCH):
        size = min(RESAMPLE_BATCH, n_resamples - start)
        rows = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        counts = np.bincount(rows.reshape(-1), minlength=size * n).reshape(size, n)
        means = (counts.astype(np.float32) @ terms32).astype(float) / n
        f_r, t_r, _ = _indices(means, q, k)
        firsts.append(f_r)
        totals.append(t_r)
    first_boot, total_boot = np.concatenate(firsts), np.concatenate(totals)
    first_ci = np.moveaxis(np.quantile(first_boot, [low_q, high_q], axis=0), 0, -1)
    total_ci = np.moveaxis(np.quantile(total_boot, [low_q, high_q], axis=0), 0, -1)
    return SobolEstimate(first, first_ci, total, total_ci, variance, n, confidence_level)
