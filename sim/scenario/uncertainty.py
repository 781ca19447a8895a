"""Uncertain parameters: the distributions a scenario declares, and their rules.

A scenario's `[uncertainty]` section gives some numeric parameters (paths of
`sim.scenario.parameters.numeric_parameters`) a distribution. The loader (`sim.scenario.loader`)
turns the section into an `UncertaintySpec`; this module knows which combinations of bounds are
valid and which matrices are correlation matrices. Drawing values is analysis:
`sim.analysis.sampling`.

Distributions (all bounded, so every draw is a value the scenario could hold):
    uniform      low, high
    triangular   low, mode, high (mode defaults to the scenario's own value; set by the loader)
    truncnormal  a normal with `mean` and `sd`, truncated to [low, high]

A correlation block gives the correlation of the parameters' normal scores (a Gaussian copula,
see `sim.analysis.sampling`); it must be a valid correlation matrix (`correlation_rules`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from sim.core.text import Bilingual, vn

__all__ = [
    "DISTRIBUTIONS",
    "Distribution",
    "UncertaintySpec",
    "distribution_rules",
    "correlation_rules",
    "PSD_TOLERANCE",
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

    parameter: path as in `sim.scenario.parameters.numeric_parameters`, e.g.
               "sectors.services.growth_pct".
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
            text = "; ".join(f"{key} = {value!r}: {rule.en}" for key, value, rule in broken)
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
                raise ValueError("correlation: " + "; ".join(rule.en for rule in broken))
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


Broken = list[tuple[str, object, Bilingual]]
"""Broken rules of one distribution: (key, value, rule) triples."""


def distribution_rules(
    kind: str,
    low: float,
    high: float,
    mode: float | None = None,
    mean: float | None = None,
    sd: float | None = None,
) -> Broken:
    """Every broken rule of one distribution, as (key, value, rule) triples; [] when valid."""
    if kind not in DISTRIBUTIONS:
        kinds = ", ".join(repr(d) for d in DISTRIBUTIONS)
        return [("dist", kind, Bilingual(f"phải là một trong {kinds}", f"must be one of {kinds}"))]
    given = {"mode": mode, "mean": mean, "sd": sd}
    broken = _keys_of_other_kinds(kind, given) + _not_finite({"low": low, "high": high, **given})
    if broken:
        return broken
    below = Bilingual(f"phải nhỏ hơn high = {vn(high)}", f"must be below high = {high:g}")
    broken = [] if low < high else [("low", low, below)]
    if kind == "triangular":
        broken += _triangular_rules(low, high, mode)
    if kind == "truncnormal":
        broken += _truncnormal_rules(low, high, mean, sd)
    return broken


def _keys_of_other_kinds(kind: str, given: Mapping[str, float | None]) -> Broken:
    """mode, mean or sd given for a kind that does not use it."""
    return [
        (
            key,
            value,
            Bilingual(
                f"chỉ dùng với dist = '{_USED_BY[key]}', không dùng với '{kind}'",
                f"is used only by dist = '{_USED_BY[key]}', not '{kind}'",
            ),
        )
        for key, value in given.items()
        if value is not None and _USED_BY[key] != kind
    ]


FINITE = Bilingual("phải là một số hữu hạn", "must be a finite number")


def _not_finite(values: Mapping[str, float | None]) -> Broken:
    return [
        (key, value, FINITE)
        for key, value in values.items()
        if value is not None and not math.isfinite(value)
    ]


def _within(key: str, value: float, low: float, high: float) -> Broken:
    if low <= value <= high:
        return []
    rule = Bilingual(
        f"phải nằm trong [low, high] = [{vn(low)}; {vn(high)}]",
        f"must lie within [low, high] = [{low:g}, {high:g}]",
    )
    return [(key, value, rule)]


def _required_by(kind: str) -> Bilingual:
    return Bilingual(f"bắt buộc khi dist = '{kind}'", f"required by dist = '{kind}'")


def _triangular_rules(low: float, high: float, mode: float | None) -> Broken:
    if mode is None:
        return [("mode", mode, _required_by("triangular"))]
    return _within("mode", mode, low, high)


def _truncnormal_rules(low: float, high: float, mean: float | None, sd: float | None) -> Broken:
    broken: Broken = []
    if sd is None:
        broken.append(("sd", sd, _required_by("truncnormal")))
    elif not sd > 0.0:
        broken.append(("sd", sd, Bilingual("phải lớn hơn 0", "must be greater than 0")))
    if mean is None:
        broken.append(("mean", mean, _required_by("truncnormal")))
    else:
        broken += _within("mean", mean, low, high)
    return broken


def correlation_rules(matrix: np.ndarray, size: int | None = None) -> list[Bilingual]:
    """Every reason `matrix` is not a valid correlation matrix (of `size` parameters); [] if valid.

    Valid: square, symmetric, ones on the diagonal, entries in [-1, 1] and positive semi-definite
    (no smallest eigenvalue below -PSD_TOLERANCE).
    """
    matrix = np.asarray(matrix, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        shape = matrix.shape
        return [
            Bilingual(
                f"phải là một ma trận vuông, không phải kích thước {shape}",
                f"must be a square matrix, not of shape {shape}",
            )
        ]
    broken = []
    n = matrix.shape[0]
    if size is not None and n != size:
        broken.append(
            Bilingual(
                f"có kích thước {n} x {n} nhưng danh sách có {size} tham số",
                f"is {n} x {n} but lists {size} parameters",
            )
        )
    if not np.all(np.isfinite(matrix)):
        return broken + [Bilingual("chỉ được chứa số hữu hạn", "must hold finite numbers only")]
    outside = np.argwhere(np.abs(matrix) > 1.0)
    if outside.size:
        i, j = outside[0]
        broken.append(
            Bilingual(
                f"các phần tử phải nằm trong [-1; 1]; hàng {i + 1}, cột {j + 1} là "
                f"{vn(matrix[i, j])}",
                f"entries must lie in [-1, 1]; row {i + 1}, column {j + 1} is {matrix[i, j]:g}",
            )
        )
    diagonal = np.diag(matrix)
    if not np.allclose(diagonal, 1.0, rtol=0.0, atol=1e-12):
        broken.append(
            Bilingual(
                "đường chéo phải toàn là 1 (mỗi tham số tương quan hoàn toàn với chính nó), "
                f"không phải {'; '.join(vn(float(d)) for d in diagonal)}",
                f"the diagonal must be all 1 (a parameter is fully correlated with itself), "
                f"not {[float(d) for d in diagonal]}",
            )
        )
    asymmetric = np.argwhere(~np.isclose(matrix, matrix.T, rtol=0.0, atol=1e-12))
    if asymmetric.size:
        i, j = asymmetric[0]
        broken.append(
            Bilingual(
                f"phải đối xứng; hàng {i + 1}, cột {j + 1} là {vn(matrix[i, j])} nhưng "
                f"hàng {j + 1}, cột {i + 1} là {vn(matrix[j, i])}",
                f"must be symmetric; row {i + 1}, column {j + 1} is {matrix[i, j]:g} but "
                f"row {j + 1}, column {i + 1} is {matrix[j, i]:g}",
            )
        )
    if not broken and matrix.size:  # (an empty matrix correlates nothing: valid)
        smallest = float(np.linalg.eigvalsh(matrix)[0])
        if smallest < -PSD_TOLERANCE:
            broken.append(
                Bilingual(
                    f"không nửa xác định dương (trị riêng nhỏ nhất {vn(smallest, '.3g')}): không "
                    "bộ tham số nào có thể tương quan như vậy; hãy giảm các hệ số tương quan "
                    "mạnh nhất",
                    f"is not positive semi-definite (smallest eigenvalue {smallest:.3g}): no set "
                    "of parameters can be correlated like this; weaken the strongest correlations",
                )
            )
    return broken
