"""The `[uncertainty]` section of a scenario, read against the resolved scenario.

Each innermost table of the section names a numeric parameter by its path and gives it a
distribution (`sim.scenario.uncertainty`); a correlation block correlates some of them. Whether a
path names a parameter, and whether a bound is a valid value of it, depend on the resolved
scenario, so the section is read after the rest of the scenario is built (`sim.scenario.rules`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sim.core.names import ParameterPath
from sim.core.text import Bilingual, vn
from sim.scenario.parameters import numeric_parameters, unused_by_setting
from sim.scenario.schema import DISTRIBUTION, Leaf, check_leaf, is_leaf_table, leaf_for_parameter
from sim.scenario.uncertainty import (
    Distribution,
    UncertaintySpec,
    correlation_rules,
    distribution_rules,
)
from sim.scenario.values import MISSING, Findings, Problem, Scenario, Where, hint

__all__ = ["uncertainty_spec"]


def _distribution_tables(table: Mapping[str, Any], prefix: str = "") -> list[tuple[str, dict]]:
    """(parameter path, distribution table) for every innermost table of [uncertainty]."""
    found = []
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if not prefix and key == "correlation":
            continue
        if is_leaf_table(value):
            found.append((path, value))
        else:
            found.extend(_distribution_tables(value, path))
    return found


def uncertainty_spec(
    scenario: Scenario, table: Mapping[str, Any], where: Where
) -> tuple[UncertaintySpec | None, Findings]:
    """The [uncertainty] section as an UncertaintySpec, checked against the resolved scenario.

    Rules: the path is a numeric parameter of this scenario; dist, low and high are given;
    low < high; mode (triangular) and mean (truncnormal) lie within [low, high]; sd > 0
    (truncnormal); both bounds obey the parameter's own rule (a rate above -100 %, a share within
    0-100 %, ...). The correlation block must name parameters that have a distribution and hold a
    valid correlation matrix (see sim.scenario.uncertainty.correlation_rules).

    Warnings, not errors, so that `--set` experiments still run: the scenario's value outside
    [low, high] (a mode or mean left to default to it is then moved to the nearest bound); a
    distribution of a parameter this run does not use (ignored): an indicator parameter that the
    indicator's rule does not use, a single year after a shorter --end-year.
    """
    nominal = numeric_parameters(scenario)
    distributions: list[Distribution] = []
    declared: list[str] = []
    ignored: list[str] = []
    found = Findings()
    for path, spec in _distribution_tables(table):
        declared.append(path)
        key = f"uncertainty.{path}"
        source = where(f"{key}.dist") if "dist" in spec else where(f"{key}.low")
        if path not in nominal:
            advice = _unused_distribution(scenario, path, key, spec, source, where)
            if advice is None:
                found += Findings([_not_a_parameter(scenario, path, key, spec, source, nominal)])
            else:
                ignored.append(path)
                found += Findings(warnings=(advice,))
            continue
        distribution, checked = _distribution(path, spec, nominal[path], source, where)
        found += checked
        if distribution is not None:
            distributions.append(distribution)
    correlation, problems = _correlation(
        table.get("correlation"), distributions, declared, ignored, where
    )
    found += Findings(problems)
    if found.problems:
        return None, found
    return UncertaintySpec(tuple(distributions), correlation), found


def _unused_distribution(
    scenario: Scenario, path: str, key: str, spec: Mapping[str, Any], source: str, where: Where
) -> Problem | None:
    """Advice when `path` names a parameter this run does not use, else None."""
    year = ParameterPath.parse(path).year  # a single-year rate's year, else None
    if year is not None and year > scenario.end_year and where("end_year") == "--end-year":
        advice = Bilingual(
            f"sau --end-year {scenario.end_year}: không dùng trong lượt chạy này",
            f"after --end-year {scenario.end_year}: not used in this run",
        )
        return Problem(source, key, spec, advice)
    unused_by = unused_by_setting(scenario, path)
    if unused_by is not None:
        setting, value = unused_by
        advice = Bilingual(
            f"bỏ qua: chỉ tiêu có {setting} = '{value}' không dùng tham số này",
            f"ignored: indicator {setting} = '{value}' does not use this parameter",
        )
        return Problem(source, key, spec, advice)
    return None


def _not_a_parameter(
    scenario: Scenario,
    path: str,
    key: str,
    spec: Mapping[str, Any],
    source: str,
    nominal: Mapping[str, float],
) -> Problem:
    rule = (
        Bilingual(
            f"không phải tham số số của kịch bản '{scenario.name}'",
            f"not a numeric parameter of scenario '{scenario.name}'",
        )
        + hint(path, nominal)
        + Bilingual(
            "; xem danh sách tham số trong tệp manifest của lượt chạy",
            "; see the parameter list in the run manifest",
        )
    )
    return Problem(source, key, spec, rule)


def _distribution(
    path: str, spec: Mapping[str, Any], value: float, source: str, where: Where
) -> tuple[Distribution | None, Findings]:
    """The distribution of the parameter at `path` (whose value is `value`), None if broken."""
    key = f"uncertainty.{path}"
    missing = [k for k in ("dist", "low", "high") if k not in spec]
    if missing:
        rule = Bilingual(
            "bắt buộc: loại phân phối và hai cận của nó",
            "required: the distribution kind and its bounds",
        )
        return None, Findings(Problem(source, f"{key}.{k}", MISSING, rule) for k in missing)
    mistyped = _mistyped(spec, key, where)
    if mistyped:
        return None, Findings(mistyped)
    kind, low, high = spec["dist"], float(spec["low"]), float(spec["high"])
    mode, mean, sd = spec.get("mode"), spec.get("mean"), spec.get("sd")
    advice: tuple[Problem, ...] = ()
    if not low <= value <= high and low < high:
        text = Bilingual(
            f"không chứa giá trị của chính kịch bản {path} = {vn(value)} (đặt trong "
            f"{where(path)}): không lần rút nào gần với dự báo đi kèm",
            f"does not contain the scenario's own value {path} = {value:g} "
            f"(set in {where(path)}): no draw is near the projection it accompanies",
        )
        advice = (Problem(source, key, (low, high), text),)
    peak = min(max(value, low), high)  # the scenario's value, moved into the range
    mode = peak if kind == "triangular" and mode is None else mode
    mean = peak if kind == "truncnormal" and mean is None else mean
    problems = [
        Problem(where(f"{key}.{k}"), f"{key}.{k}", MISSING if bad is None else bad, rule)
        for k, bad, rule in distribution_rules(kind, low, high, mode, mean, sd)
    ] + _bound_rules(path, spec, where)
    if problems:
        return None, Findings(problems, advice)
    distribution = Distribution(
        parameter=path,
        kind=kind,
        low=low,
        high=high,
        mode=None if mode is None else float(mode),
        mean=None if mean is None else float(mean),
        sd=None if sd is None else float(sd),
        source=spec.get("source", ""),
    )
    return distribution, Findings(warnings=advice)


def _mistyped(spec: Mapping[str, Any], key: str, where: Where) -> list[Problem]:
    """Each value of the merged table checked against its declaration once more: each file and
    --set was checked on its own, but a --set that is itself a table (`...growth_pct.low.dist=
    "uniform"`) can put a table where the file had a number."""
    problems = []
    for name, value in spec.items():
        leaf = DISTRIBUTION.fields.get(name)
        error = check_leaf(leaf, value)[0] if isinstance(leaf, Leaf) else None
        if error:
            inner = f".{next(iter(value))}" if isinstance(value, dict) and value else ""
            source = where(f"{key}.{name}{inner}")  # (who set the table, not the file's number)
            problems.append(Problem(source, f"{key}.{name}", value, error))
    return problems


def _bound_rules(path: str, spec: Mapping[str, Any], where: Where) -> list[Problem]:
    """Both bounds obey the parameter's own rule: every draw must be a valid value."""
    leaf = leaf_for_parameter(path)
    if leaf is None or leaf.check is None:
        return []
    key = f"uncertainty.{path}"
    problems = []
    for k in ("low", "high"):
        error = leaf.check(float(spec[k]))
        if error:
            rule = Bilingual(
                f"mọi lần rút phải là một giá trị hợp lệ: {error.vi}",
                f"every draw must be a valid value: {error.en}",
            )
            problems.append(Problem(where(f"{key}.{k}"), f"{key}.{k}", spec[k], rule))
    return problems


def _correlation(
    table: Mapping[str, Any] | None,
    distributions: Sequence[Distribution],
    declared: Sequence[str],
    ignored: Sequence[str],
    where: Where,
) -> tuple[np.ndarray | None, list[Problem]]:
    """The full (k, k) correlation over `distributions` (identity outside the listed block), or
    None without a correlation block or with a broken one; and the Problems of the block.
    Parameters whose distribution was `ignored` (with a warning) are dropped with their row and
    column."""
    if table is None:
        return None, []
    key = "uncertainty.correlation"
    missing = [k for k in ("parameters", "matrix") if k not in table]
    if missing:
        rule = Bilingual(
            "bắt buộc: các tham số tương quan và ma trận của chúng",
            "required: the correlated parameters and their matrix",
        )
        return None, [
            Problem(where(f"{key}.parameters"), f"{key}.{k}", MISSING, rule) for k in missing
        ]
    names, rows = table["parameters"], table["matrix"]
    problems = _correlation_name_rules(names, declared, where) + _correlation_matrix_rules(
        rows, len(names), where
    )
    order = {d.parameter: i for i, d in enumerate(distributions)}
    kept = [i for i, n in enumerate(names) if n not in ignored]
    if problems or any(names[i] not in order for i in kept):
        return None, problems  # a listed distribution is itself broken: already reported
    full = np.eye(len(distributions))
    index = [order[names[i]] for i in kept]
    block = np.array(rows, dtype=float).reshape(len(rows), len(rows))  # ((0, 0) when empty)
    full[np.ix_(index, index)] = block[np.ix_(kept, kept)]
    return full, []


def _correlation_name_rules(
    names: Sequence[str], declared: Sequence[str], where: Where
) -> list[Problem]:
    """Each correlated parameter has a distribution and is listed once."""
    key = "uncertainty.correlation.parameters"
    problems = [
        Problem(
            where(key),
            key,
            name,
            Bilingual(
                "chưa có phân phối trong [uncertainty]; hãy khai báo phân phối hoặc bỏ nó khỏi "
                "danh sách",
                "has no distribution in [uncertainty]; give it one or remove it from the list",
            )
            + hint(name, declared),
        )
        for name in names
        if name not in declared
    ]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append(
            Problem(
                where(key),
                key,
                repeated,
                Bilingual(
                    "mỗi tham số chỉ được liệt kê một lần", "each parameter may be listed only once"
                ),
            )
        )
    return problems


def _correlation_matrix_rules(rows: list[list[float]], size: int, where: Where) -> list[Problem]:
    """The matrix is square and a correlation matrix of `size` parameters."""
    key = "uncertainty.correlation.matrix"
    source = where(key)
    if any(len(row) != len(rows) for row in rows):
        lengths = [len(row) for row in rows]
        rule = Bilingual(
            f"phải vuông: {len(rows)} hàng có độ dài {'; '.join(map(str, lengths))}",
            f"must be square: {len(rows)} rows of lengths {lengths}",
        )
        return [Problem(source, key, rows, rule)]
    matrix = np.array(rows, dtype=float).reshape(len(rows), len(rows))
    return [Problem(source, key, rows, rule) for rule in correlation_rules(matrix, size)]
