"""Variance-based (Sobol) sensitivity indices with bootstrap confidence intervals.

Estimators, on the sampling design of Saltelli (2002): two independent (n, k) matrices A and B
of parameter draws, and for each parameter i the matrix AB_i = A with column i taken from B.
With f centred on the mean of f(A) and f(B), and V the variance of f(A) and f(B) together:

    first order  S1_i = mean(f(B) (f(AB_i) - f(A))) / V        Saltelli et al. (2010), table 2 (b)
    total        ST_i = mean((f(A) - f(AB_i))^2) / (2 V)       Jansen (1999); Saltelli et al. 2010 (f)

(Saltelli et al. 2010, "Variance based sensitivity analysis of model output", Computer Physics
Communications 181, 259-270.) These are the estimators of `scipy.stats.sobol_indices`.

Confidence intervals: percentile bootstrap over the n rows (a row of A, B and every AB_i is
resampled together). scipy's `.bootstrap()` re-runs the estimator once per resample in Python
(~38 s for three outputs at n = 2^14); here a resample is a vector of counts w (how often each
row is drawn), every estimator above is a weighted mean, and all resamples of all outputs come out
of one matrix product: (resamples x n counts) @ (n x per-row terms).

The inputs are treated as independent: variance-based indices of dependent inputs are not
uniquely defined, so a scenario's correlation matrix is ignored here (the Monte Carlo honours it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SobolEstimate", "estimate"]

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
    """(S1, ST, V) from weighted means of the terms: means (..., q * (4 + 2k))."""
    m = means.reshape(*means.shape[:-1], q, 4 + 2 * k)
    centre = (m[..., 0] + m[..., 1]) / 2.0
    variance = (m[..., 2] + m[..., 3]) / 2.0 - centre**2
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
