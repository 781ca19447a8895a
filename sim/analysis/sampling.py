"""Sampling the uncertain parameters of a scenario, with an injected generator.

The distributions and their rules are the scenario's (`sim.scenario.uncertainty`: Distribution,
UncertaintySpec); this module draws values from them.

Correlation is imposed with a Gaussian copula (Nelsen, An Introduction to Copulas, 2006, sec.
2.9; Iman & Conover 1982 for the idea in risk analysis): draw z ~ N(0, C), map each z_i to
u_i = Phi(z_i), and each u_i through its parameter's inverse CDF. C is therefore the correlation
of the normal scores; the Spearman rank correlation of the parameters is (6 / pi) asin(C_ij / 2),
at most 0.018 away from C_ij.

No draws happen at import and nothing touches numpy's global random state: every sampling
function takes `rng: numpy.random.Generator`. scipy.special (ndtr, ndtri) is imported only when a
truncated normal or a correlation needs it. The triangular inverse CDF
(`sim.analysis.montecarlo.kernels.triangular_quantile`) is numpy on small arrays and a compiled
loop (numba) on large ones or once numba is loaded, with the same values either way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.analysis.montecarlo.kernels import triangular_quantile
from sim.scenario.uncertainty import Distribution, UncertaintySpec

__all__ = [
    "copula_factor",
    "inverse_cdf",
    "sample_uniforms",
    "values_from_uniforms",
    "sample",
    "parameter_ranges",
]


def copula_factor(correlation: np.ndarray) -> np.ndarray:
    """A (k, k) factor L with L @ L.T == correlation, for drawing z = L @ e, e ~ N(0, I).

    Cholesky when the matrix is positive definite; for a positive semi-definite but singular
    matrix (e.g. two parameters correlated 1.0) the eigen-decomposition with eigenvalues clipped
    at 0, which is exact up to rounding.
    """
    correlation = np.asarray(correlation, dtype=float)
    try:
        return np.linalg.cholesky(correlation)
    except np.linalg.LinAlgError:
        eigenvalues, vectors = np.linalg.eigh(correlation)
        return vectors * np.sqrt(np.clip(eigenvalues, 0.0, None))


def inverse_cdf(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Values of `dist` at probabilities u: (...) in [0, 1] -> (...) in [low, high].

    Closed forms: uniform; triangular (piecewise square root); truncated normal through
    ndtri(Phi(a) + u (Phi(b) - Phi(a))), with a <= 0 <= b because the mean lies within the bounds,
    so neither tail is computed from a difference of numbers near 1.
    """
    u = np.asarray(u, dtype=float)
    low, high = dist.low, dist.high
    if dist.kind == "uniform":
        return low + u * (high - low)
    if dist.kind == "triangular":
        if dist.mode is None:  # a Distribution checks this when built
            raise ValueError(f"triangular distribution of {dist.parameter} without a mode")
        return triangular_quantile(u, low, dist.mode, high)
    if dist.kind == "truncnormal":
        from scipy.special import ndtr, ndtri  # lazily: scipy costs ~0.3 s to import

        if dist.mean is None or dist.sd is None:  # a Distribution checks this when built
            raise ValueError(f"truncated normal of {dist.parameter} without a mean and an sd")
        a, b = ndtr((low - dist.mean) / dist.sd), ndtr((high - dist.mean) / dist.sd)
        values = dist.mean + dist.sd * ndtri(a + u * (b - a))
        return np.clip(values, low, high)  # rounding at u = 0 or 1
    raise ValueError(f"unknown distribution kind {dist.kind!r}")


def sample_uniforms(spec: UncertaintySpec, n: int, rng: np.random.Generator) -> np.ndarray:
    """(n, k) probabilities, one column per distribution, with the spec's copula applied.

    Columns are independent U(0, 1), except the parameters with a non-zero correlation: for them
    u = Phi(L e), e ~ N(0, I), L from `copula_factor` of their block of the matrix.
    The array is a transposed (k, n) array, so that each column is contiguous in memory (the
    inverse CDFs then run ~4x faster than on strided columns).
    """
    k = len(spec.distributions)
    u = rng.random((k, n))
    if spec.correlation is not None:
        linked = np.flatnonzero(np.any(spec.correlation != np.eye(k), axis=1))
        if linked.size:
            from scipy.special import ndtr  # lazily, see the module docstring

            factor = copula_factor(spec.correlation[np.ix_(linked, linked)])
            u[linked] = ndtr(factor @ rng.standard_normal((linked.size, n)))
    return u.T


def values_from_uniforms(spec: UncertaintySpec, u: np.ndarray) -> dict[str, np.ndarray]:
    """Parameter values from (n, k) probabilities: path -> (n,) values."""
    u = np.asarray(u, dtype=float)
    return {d.parameter: inverse_cdf(d, u[:, i]) for i, d in enumerate(spec.distributions)}


def sample(spec: UncertaintySpec, n: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """n joint draws of the uncertain parameters: path -> (n,) values, ready for
    `sim.scenario.params.build_inputs(scenario, values)`."""
    return values_from_uniforms(spec, sample_uniforms(spec, n, rng))


def parameter_ranges(
    spec: UncertaintySpec, parameters: Sequence[str] | None = None
) -> Mapping[str, tuple[float, float]]:
    """(low, high) of each uncertain parameter, for one-at-a-time sweeps and goal-seek brackets."""
    chosen = spec.parameters if parameters is None else tuple(parameters)
    by_name = {d.parameter: d for d in spec.distributions}
    missing = [p for p in chosen if p not in by_name]
    if missing:
        raise KeyError(f"no distribution for {', '.join(missing)}")
    return {p: (by_name[p].low, by_name[p].high) for p in chosen}
