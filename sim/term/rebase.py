"""Rebasing: a new scenario file that starts from a projection's state in a chosen year.

At the end of a term, the next plan starts from where this one ends: the shares and levels of
that year (from the plan, or from the projection re-baselined through actuals). The text is a
scenario file for the planner to copy into a scenarios folder and edit; the tool never writes
into a scenarios folder itself.
"""

from __future__ import annotations

import json
from datetime import date

from sim.core.model import SECTORS
from sim.run import ScenarioResult

__all__ = ["rebased_scenario_text", "NEXT_TERM_YEARS"]

NEXT_TERM_YEARS = 5


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _num(value: float) -> str:
    return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.1f}"


def _not_carried(s, year: int) -> list[str]:
    """Comment lines naming what the new file leaves out (by-year overrides, uncertainty)."""
    later = [
        f"sectors.{name}.growth_pct_by_year.{y}"
        for name, spec in s.sectors.items()
        for y in spec.growth_pct_by_year
        if y > year
    ]
    later += [
        f"indicators.{name}.growth_pct_by_year.{y}"
        for name, ind in s.indicators.items()
        for y in ind.growth_pct_by_year
        if y > year
    ]
    lines = []
    if later:
        lines.append(f"# Not carried over (single-year rates after {year}): {', '.join(later)}.")
    if s.uncertainty is not None:
        lines.append(
            "# Not carried over: the [uncertainty] ranges of the old term; give the new term's."
        )
    return lines


def rebased_scenario_text(result: ScenarioResult, year: int, basis: str, written: date) -> str:
    """A scenario file (TOML text) whose base year is `year`, with the shares and levels that
    `result` has in that year and the growth rules of its scenario carried over for editing.

    basis: a few words on where the state comes from ("plan", "re-baselined through actuals to
    2024"), written into the header comment.
    """
    s = result.scenario
    years = list(map(int, result.years))
    if year not in years:
        raise ValueError(f"{year} is not a projected year of '{s.name}' ({years[0]}-{years[-1]})")
    t = years.index(year)
    end = year + NEXT_TERM_YEARS
    name = f"{s.name}_{year}_{end}"
    lines = [
        f"# Rebased from scenario '{s.name}' ({s.files[0].name}) at its {year} state ({basis}),",
        f"# written by run_scenarios.py on {written.isoformat()}. Shares and base values are that",
        "# state; the growth rates and rules are carried over from the old term: set the new term's.",
        *_not_carried(s, year),
        "",
        f"name = {_toml_str(name)}",
        f"base_year = {year}",
        f"end_year = {end}",
        "",
        "[title]",
        f"vi = {_toml_str(f'{s.title_vi} ({year}-{end})')}",
        f"en = {_toml_str(f'{s.title_en} ({year}-{end})')}",
        "",
        "[structure]",
    ]
    if s.residual is not None:
        lines.append(f"residual = {_toml_str(s.residual)}")
    if s.residual_growth_pct is not None:
        lines.append(f"residual_growth_pct = {_num(s.residual_growth_pct)}")
    if s.base_total_bn_vnd is not None:
        lines.append(
            f"base_total_bn_vnd = {_num(float(result.series['output.total'][t]))}"
            f"  # total production value in {year}"
        )
    for sector in SECTORS:
        spec = s.sectors[sector]
        share = float(result.series[f"share.{sector}"][t])
        lines += [
            "",
            f"[sectors.{sector}]",
            f"share_pct = {share:.4f}  # share in {year} ({basis})",
            f"growth_pct = {_num(spec.growth_pct)}  # carried over: set the {year + 1}-{end} rate",
        ]
    for ind in s.indicators.values():
        level = float(result.series[ind.name][t])
        lines += [
            "",
            f"[indicators.{ind.name}]",
            f"base = {_num(level)}  # value in {year} ({basis})",
            f"unit = {_toml_str(ind.unit)}",  # an index keeps its old base year: continuity
            f"label = {{ vi = {_toml_str(ind.label_vi)}, en = {_toml_str(ind.label_en)} }}",
            f"rule = {_toml_str(ind.rule)}",
        ]
        if ind.rule == "growth":
            lines.append(f"growth_pct = {_num(ind.growth_pct)}  # carried over")
        else:
            lines.append(f"elasticity = {_num(ind.elasticity)}  # carried over")
    lines += ["", "[targets]", f"budget_concept = {_toml_str(s.budget_concept)}", ""]
    return "\n".join(lines)
