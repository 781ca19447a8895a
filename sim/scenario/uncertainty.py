"""Uncertain parameters: distributions, their rules, and sampling with an injected generator.

A scenario's `[uncertainty]` section gives some numeric parameters (paths of
`sim.scenario.params.numeric_parameters`) a distribution. The loader (`sim.scenario.loader`) turns the section into
an `UncertaintySpec`; this module only knows the mathematics: which combinations of bounds are
valid, how to draw values, and how correlation is imposed.

Distributions (all bounded, so every draw is a value the scenario could hold):
    uniform      low, high
    triangular   low, mode, high (mode defaults to the scenario's own value; set by the loader)
    truncnormal  a normal with `mean` and `sd`, truncated to [low, high]

Correlation is imposed with a Gaussian copula (Nelsen, An Introduction to Copulas, 2006, sec.
2.9; Iman & Conover 1982 for the idea in risk analysis): draw z ~ N(0, C), map each z_i to
u_i = Phi(z_i), and each u_i through its parameter's inverse CDF. C is therefore the correlation
of the normal scores; the Spearman rank correlation of the parameters is (6 / pi) asin(C_ij / 2),
at most 0.018 away from C_ij.

No draws happen at import and nothing touches numpy's global random state: every sampling
function takes `rng: numpy.random.Generator`. scipy.special (ndtr, ndtri) is imported only when a
truncated normal or a correlation needs it, and numba (the compiled triangular inverse CDF in
`sim.analysis.montecarlo.kernels`) only when a triangular distribution is sampled, so loading a scenario stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "DISTRIBUTIONS",
    "Distribution",
    "UncertaintySpec",
    "distribution_rules",
    "correlation_rules",
    "copula_factor",
    "inverse_cdf",
    "sample_uniforms",
    "values_from_uniforms",
    "sample",
    "parameter_ranges",
]

DISTRIBUTIONS: tuple[str, ...] = ("uniform", "triangular", "truncnormal")
"""Distribution kinds a scenario file may name in `dist`."""

_USED_BY = {"mode": "triangular", "mean": "truncnormal", "sd": "truncnormal"}
"""Optional keys and the only kind that uses each; naming one for another kind is an error."""

PSD_TOLERANCE = 1e-10
"""A correlation matrix whose smallest eigenvalue is above -PSD_TOLERANCE counts as positive
semi-definite (rounding in a hand-written matrix)."""


@dataclass(frozen=True)
class Distribution:
    """The distribution of one numeric parameter.

    parameter: path as in `sim.scenario.params.numeric_parameters`, e.g. "sectors.services.growth_pct".
    kind:      one of DISTRIBUTIONS.
    low, high: bounds, in the parameter's own unit (16.0 = 16 %/yr for a rate).
    mode:      peak of a triangular distribution, low <= mode <= high.
    mean, sd:  location and scale of the normal before truncation (sd > 0, low <= mean <= high).
    source:    where the range comes from (a source line, or "stated default width").
    """

    parameter: str
    kind: str
    low: float
    high: float
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        broken = distribution_rules(self.kind, self.low, self.high, self.mode, self.mean, self.sd)
        if broken:
            text = "; ".join(f"{key} = {value!r}: {rule}" for key, value, rule in broken)
            raise ValueError(f"distribution of {self.parameter}: {text}")

    @property
    def width(self) -> float:
        return self.high - self.low


@dataclass(frozen=True, eq=False)
class UncertaintySpec:
    """The uncertain parameters of one scenario.

    distributions: one per uncertain parameter, in a stable order (the file's order).
    correlation:   (k, k) correlation of the normal scores, k = len(distributions), in the same
                   order, or None for independent parameters. Read-only.
    """

    distributions: tuple[Distribution, ...]
    correlation: np.ndarray | None = None

    def __post_init__(self) -> None:
        names = [d.parameter for d in self.distributions]
        if len(set(names)) != len(names):
            raise ValueError(f"a parameter has two distributions: {names}")
        if self.correlation is not None:
            matrix = np.array(self.correlation, dtype=float)
            broken = correlation_rules(matrix, len(names))
            if broken:
                raise ValueError("correlation: " + "; ".join(broken))
            matrix.setflags(write=False)
            object.__setattr__(self, "correlation", matrix)

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(d.parameter for d in self.distributions)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, UncertaintySpec):
            return NotImplemented
        if self.distributions != other.distributions:
            return False
        if self.correlation is None or other.correlation is None:
            return self.correlation is None and other.correlation is None
        return bool(np.array_equal(self.correlation, other.correlation))

    __hash__ = None  # type: ignore[assignment]  # holds an array


# ----------------------------------------------------------------------------- rules


def distribution_rules(
    kind: str,
    low: float,
    high: float,
    mode: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
) -> list[tuple[str, object, str]]:
    """Every broken rule of one distribution, as (key, value, rule) triples; [] when valid."""
    broken: list[tuple[str, object, str]] = []
    if kind not in DISTRIBUTIONS:
        return [("dist", kind, f"must be one of {', '.join(repr(d) for d in DISTRIBUTIONS)}")]
    given = {"mode": mode, "mean": mean, "sd": sd}
    for key, value in given.items():
        if value is not None and _USED_BY[key] != kind:
            broken.append((key, value, f"is used only by dist = '{_USED_BY[key]}', not '{kind}'"))
    for key, value in (("low", low), ("high", high), *given.items()):
        if value is not None and not math.isfinite(value):
            broken.append((key, value, "must be a finite number"))
    if broken:
        return broken
    if not low < high:
        broken.append(("low", low, f"must be below high = {high:g}"))
    if kind == "triangular":
        if mode is None:
            broken.append(("mode", mode, "required by dist = 'triangular'"))
        elif not low <= mode <= high:
            broken.append(("mode", mode, f"must lie within [low, high] = [{low:g}, {high:g}]"))
    if kind == "truncnormal":
        if sd is None:
            broken.append(("sd", sd, "required by dist = 'truncnormal'"))
        elif not sd > 0.0:
            broken.append(("sd", sd, "must be greater than 0"))
        if mean is None:
            broken.append(("mean", mean, "required by dist = 'truncnormal'"))
        elif not low <= mean <= high:
            broken.append(("mean", mean, f"must lie within [low, high] = [{low:g}, {high:g}]"))
    return broken


def correlation_rules(matrix: np.ndarray, size: int | None = None) -> list[str]:
    """Every reason `matrix` is not a valid correlation matrix (of `size` parameters); [] if valid.

    Valid: square, symmetric, ones on the diagonal, entries in [-1, 1] and positive semi-definite
    (no smallest eigenvalue below -PSD_TOLERANCE).
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        return [f"must be a square matrix, not of shape {matrix.shape}"]
    broken = []
    if size is not None and matrix.shape[0] != size:
        broken.append(f"is {matrix.shape[0]} x {matrix.shape[0]} but lists {size} parameters")
    if not np.all(np.isfinite(matrix)):
        return broken + ["must hold finite numbers only"]
    outside = np.argwhere(np.abs(matrix) > 1.0)
    if outside.size:
        i, j = outside[0]
        broken.append(
            f"entries must lie in [-1, 1]; row {i + 1}, column {j + 1} is {matrix[i, j]:g}"
        )
    diagonal = np.diag(matrix)
    if not np.allclose(diagonal, 1.0, rtol=0.0, atol=1e-12):
        broken.append(
            f"the diagonal must be all 1 (a parameter is fully correlated with itself), "
            f"not {[float(d) for d in diagonal]}"
        )
    asymmetric = np.argwhere(~np.isclose(matrix, matrix.T, rtol=0.0, atol=1e-12))
    if asymmetric.size:
        i, j = asymmetric[0]
        broken.append(
            f"must be symmetric; row {i + 1}, column {j + 1} is {matrix[i, j]:g} but "
            f"row {j + 1}, column {i + 1} is {matrix[j, i]:g}"
        )
    if not broken:
        smallest = float(np.linalg.eigvalsh(matrix)[0])
        if smallest < -PSD_TOLERANCE:
            broken.append(
                f"is not positive semi-definite (smallest eigenvalue {smallest:.3g}): no set of "
                "parameters can be correlated like this; weaken the strongest correlations"
            )
    return broken


# ----------------------------------------------------------------------------- sampling


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
        from sim.analysis.montecarlo.kernels import (
            triangular_quantile,  # lazily: numba costs ~0.3 s to import
        )

        assert dist.mode is not None
        return triangular_quantile(u, low, dist.mode, high)
    if dist.kind == "truncnormal":
        from scipy.special import ndtr, ndtri  # lazily: scipy costs ~0.3 s to import

        assert dist.mean is not None and dist.sd is not None
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
