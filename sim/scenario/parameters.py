"""The numeric parameters of a scenario: the schema's numeric keys, with the scenario's values.

A parameter is named by its key path in the scenario file: `sectors.services.growth_pct`,
`sectors.services.growth_pct_by_year.2021`, `indicators.budget_revenue.elasticity`. Which keys are
parameters is declared once, in the schema (`Leaf.numeric_parameter`, `Leaf.used_when`); which
paths one scenario has follows from its values (its indicators and their rules, its single-year
rates). `--set` checks, sampling, one-at-a-time sweeps, the run manifest and rebasing all read
this one list.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Protocol

from sim.scenario.schema import (
    SCHEMA,
    AnyKeys,
    Leaf,
    Spec,
    Table,
    YearMap,
    leaf_for_parameter,
)

__all__ = ["ResolvedValues", "numeric_parameters", "unused_by_setting"]


class ResolvedValues(Protocol):
    """What the parameter list needs of a scenario (`sim.scenario.loader.Scenario` has it)."""

    @property
    def resolved(self) -> Mapping[str, Any]:
        """The merged values of the scenario's files and options, as read from TOML."""
        ...

    @property
    def base_year(self) -> int: ...

    @property
    def end_year(self) -> int: ...


def numeric_parameters(scenario: ResolvedValues) -> dict[str, float]:
    """Every numeric model parameter of the scenario, path -> value, in a stable order.

    The order is the schema's (sectors in their fixed order, the structure, then the indicators in
    the files' order; within a table its keys in the schema's order; single years ascending).
    A single-year rate is a parameter only inside the projected years (one after a shorter
    `--end-year` is dropped by the loader, with a warning); an indicator's growth rate or
    elasticity only under the rule that uses it.
    """
    years = range(scenario.base_year + 1, scenario.end_year + 1)
    return dict(_numeric_values(SCHEMA, scenario.resolved, "", years))


def _numeric_values(spec: Spec, value: Any, path: str, years: range) -> Iterator[tuple[str, float]]:
    """(path, value) of every numeric parameter under `spec`, whose values are `value`."""
    if isinstance(spec, Leaf):
        if spec.numeric_parameter:
            yield path, float(value)
    elif isinstance(spec, Table):
        for key, item in spec.fields.items():
            if key in value and _used(item, value):
                yield from _numeric_values(item, value[key], _join(path, key), years)
    elif isinstance(spec, AnyKeys):
        names = [name for name in spec.allowed if name in value] if spec.allowed else list(value)
        for name in names:
            yield from _numeric_values(spec.item, value[name], _join(path, name), years)
    elif isinstance(spec, YearMap):
        for year in sorted(int(key) for key in value):
            if year in years:
                yield from _numeric_values(spec.item, value[str(year)], f"{path}.{year}", years)
    # a ParameterTree ([uncertainty]) describes parameters; it holds none


def _used(spec: Spec, table: Mapping[str, Any]) -> bool:
    """False for a leaf whose `used_when` setting the table does not have."""
    if not isinstance(spec, Leaf) or spec.used_when is None:
        return True
    key, wanted = spec.used_when
    return table.get(key) == wanted


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def unused_by_setting(scenario: ResolvedValues, path: str) -> tuple[str, Any] | None:
    """(key, value) of the setting under which the parameter at `path` is not used, e.g.
    ("rule", "growth") for `indicators.budget_revenue.elasticity` after `--set
    indicators.budget_revenue.rule=growth`; None when `path` is not such a parameter."""
    leaf = leaf_for_parameter(path)
    if leaf is None or leaf.used_when is None:
        return None
    table: Any = scenario.resolved
    for part in path.split(".")[:-1]:
        if not isinstance(table, Mapping) or part not in table:
            return None
        table = table[part]
    key, wanted = leaf.used_when
    setting = table.get(key)
    return None if setting == wanted else (key, setting)
