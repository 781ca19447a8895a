"""A locality's plan for one term, as a value: who, when, the source, the targets, the record.

Pure data. `sim.scenario.plan` reads it from a `plan.toml`; every consumer (the scorecard, the
goal seeks, the Monte Carlo, charts, captions, the report) takes its targets and names from here,
so that no code names a locality or a target figure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sim.core.targets import Target
from sim.core.text import Bilingual

__all__ = ["Plan", "PlanHistory", "NO_PLAN"]


@dataclass(frozen=True)
class PlanHistory:
    """The plan's own track record: the previous term's average growth rates.

    first_year, last_year: the period the rates average over (e.g. 2015-2020: growth 2016-2020).
    growth_pct: series name -> average growth over the period, % per year (output.<sector>,
                output.total and linked indicators by their own names).
    scenario:   a back-cast scenario file of the period (path as the plan gives it, relative to
                the plan's folder), or "" when the rates alone are the record.
    """

    first_year: int
    last_year: int
    growth_pct: Mapping[str, float] = field(default_factory=dict)
    scenario: str = ""


@dataclass(frozen=True)
class Plan:
    """One plan file.

    locality: the locality's name (None when no plan file was found).
    term:     (first year, last year) of the term; targets are checked over it.
    source:   the document the targets come from (footers, captions, the report).
    targets:  the targets, in the file's order (empty: projections only).
    history:  the track record the realism check uses, or None.
    example:  the values are a starter's examples (`--new-plan`), to be replaced: every output
              says so.
    file:     the plan file, for messages ("" for NO_PLAN); two copies of one plan are equal.
    """

    locality: Bilingual | None = None
    term: tuple[int, int] | None = None
    source: Bilingual | None = None
    targets: tuple[Target, ...] = ()
    history: PlanHistory | None = None
    example: bool = False
    file: str = field(default="", compare=False)

    @property
    def has_targets(self) -> bool:
        return bool(self.targets)


NO_PLAN = Plan()
"""No plan file beside the scenarios: projections only, no locality named."""
