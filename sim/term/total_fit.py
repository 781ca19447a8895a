"""An observed total growth against the sector growth of the same year, when re-baselining.

Two cases, both said in so many words rather than settled silently:

- some sectors are not observed that year: their growth is *solved* from the total (one common
  factor, or a common shift when the plan has them near zero). A solved figure is not an
  observation: it carries the whole disagreement between the total and the sectors given,
  multiplied by 1 / (their share) - about x13 for agriculture at 7.5 %. Each is a `Derived`.
- all three sectors are observed: the sectors win (they are three figures, the sector targets
  read them, and the total is their sum by construction); the reported total is not used, and
  the gap between it and the total the sectors make is a `TotalGap`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from sim.core import names as naming
from sim.core.model import SECTORS, ModelInputs, project_sectors
from sim.core.text import join_and
from sim.scenario.actuals import Actuals, Observation
from sim.scenario.loader import Scenario

__all__ = ["Derived", "TotalGap", "TotalScaled", "TotalShifted", "TotalFit", "fit_total_growth"]


@dataclass(frozen=True)
class Derived:
    """A sector's growth in one year, solved from the observed total: not observed."""

    sector: str
    year: int
    value: float  # growth, % on the previous year, on the re-baselined path
    total: Observation  # the growth.total it is solved from
    given: tuple[str, ...]  # the sectors observed that year
    amplification: float  # points the solved sectors move per point the total moves

    @property
    def indicator(self) -> str:
        return naming.growth(self.sector)

    def describe(self) -> str:
        """'agriculture 2022 = 5.43 % (solved from growth.total 2022 = 16 and services,
        industry; not observed)'."""
        given = f" and {join_and(self.given)}" if self.given else ""
        return (
            f"{self.sector} {self.year} = {self.value:.2f} % (solved from growth.total "
            f"{self.year} = {self.total.value:g}{given}; not observed)"
        )


@dataclass(frozen=True)
class TotalGap:
    """A year whose three sectors and total are all observed: the total the sectors make
    (`rebaselined`, used) against the reported one (not used)."""

    total: Observation
    rebaselined: float

    @property
    def gap(self) -> float:
        """Reported minus re-baselined, points."""
        return self.total.value - self.rebaselined

    def describe(self) -> str:
        reported, made = self.total.value, self.rebaselined
        side = "below" if made < reported else "above"
        return (
            f"growth.total {self.total.year} = {reported:g} % not used: the three sectors "
            f"observed that year make the total grow {made:.2f} % ({abs(self.gap):.2f} points "
            f"{side} the reported figure); the sectors win, and the re-baselined total grows "
            f"{made:.2f} % that year"
        )


@dataclass(frozen=True)
class TotalScaled:
    """An observed total met by scaling the growth of the sectors not observed that year by
    one common factor."""

    total: Observation
    sectors: tuple[str, ...]  # the sectors scaled (not observed that year)
    factor: float

    def describe(self) -> str:
        """'growth.total 2022 = 13.5 %: growth of services, industry, agriculture scaled by
        0.922'."""
        return (
            f"growth.total {self.total.year} = {self.total.value:g} %: growth of "
            f"{', '.join(self.sectors)} scaled by {self.factor:.3f}"
        )


@dataclass(frozen=True)
class TotalShifted:
    """An observed total met by shifting the growth of the sectors not observed that year by
    common points (the plan has them near zero, so a factor would not do)."""

    total: Observation
    sectors: tuple[str, ...]
    shift: float  # points

    def describe(self) -> str:
        return (
            f"growth.total {self.total.year} = {self.total.value:g} %: "
            f"{', '.join(self.sectors)} shifted by {self.shift:+.2f} points"
        )


TotalFit = TotalScaled | TotalShifted | TotalGap  # how an observed total was applied



def fit_total_growth(
    growth: np.ndarray,
    inputs: ModelInputs,
    scenario: Scenario,
    actuals: Actuals,
    total: Observation,
) -> tuple[list[Derived], TotalFit]:
    """Make, in place, total output grow `total.value` in its year by changing the growth of
    the sectors not observed that year; returns what was solved and how the total was applied
    (a `TotalGap`, nothing changed, when all three sectors are observed)."""
    year, total_pct = total.year, total.value
    t = year - scenario.base_year - 1
    observed = [
        s
        for s, sector in enumerate(SECTORS)
        if year in actuals.for_indicator(naming.growth(sector))
        or year in actuals.for_indicator(naming.output(sector))
    ]
    free = [s for s in range(len(SECTORS)) if s not in observed]
    weights, other_part = growth_weights(growth, inputs, scenario, t)
    current = float(np.dot(weights, growth[:, t])) + other_part
    if not free:
        return [], TotalGap(total, current)
    free_part = float(np.dot(weights[free], growth[free, t]))
    names = tuple(SECTORS[s] for s in free)
    fit: TotalFit
    if abs(free_part) > 0.5:
        # Scale the unobserved sectors' growth by one factor, so a small sector is not pushed
        # by the same points as a large one (agriculture at 3.5 %/yr cannot take -3 points).
        factor = 1.0 + (total_pct - current) / free_part
        growth[free, t] *= factor
        fit = TotalScaled(total, names, factor)
    else:  # the plan has them near zero: a common shift in points instead
        shift = (total_pct - current) / float(weights[free].sum())
        growth[free, t] += shift
        fit = TotalShifted(total, names, shift)
    amplification = 1.0 / float(weights[free].sum())
    given = tuple(SECTORS[s] for s in observed)
    derived = [
        Derived(SECTORS[s], year, float(growth[s, t]), total, given, amplification) for s in free
    ]
    return derived, fit


def growth_weights(
    growth: np.ndarray, inputs: ModelInputs, scenario: Scenario, t: int
) -> tuple[np.ndarray, float]:
    """How total growth in growth year t is made of the sectors' growth: (3,) weights (the
    sectors' shares of the year before), and the points the "other" block adds on its own."""
    blocks, levels = project_sectors(replace(inputs.sectors, growth_pct=growth))
    previous = levels[:, t]  # levels of the year before growth year t
    weights = previous / previous.sum()
    if scenario.residual == "other" and scenario.residual_growth_pct is None:
        return weights[:3] / weights[:3].sum(), 0.0  # the other block follows the aggregate
    own = inputs.sectors.residual_growth_pct
    other_part = float(weights[3] * own[t]) if len(blocks) > 3 and own is not None else 0.0
    return weights[:3], other_part
