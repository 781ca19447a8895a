"""Results as tidy tables (pandas DataFrames): pure, no files are written here.

`sim.output.files` writes them as CSV, `sim.output.live_workbook` as Excel sheets.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sim.core.targets import ScoreRow
from sim.output.i18n import residual_text
from sim.run import ScenarioResult, repeats_its_part

__all__ = [
    "wide_table",
    "long_table",
    "scorecard_table",
    "scorecards",
    "summary_table",
    "SUMMARY_SERIES",
]

SUMMARY_SERIES = (
    "output.total",
    "cagr.total",
    "income_per_capita",
    "budget_revenue",
    "budget_revenue_total",
)
"""The series shown per scenario in the terminal summary and the summary sheet (end-year values)."""


def wide_table(result: ScenarioResult) -> pd.DataFrame:
    """Rows = years, columns = stable series names."""
    frame = pd.DataFrame(result.series, index=pd.Index(result.years, name="year"))
    return frame


def long_table(results: Sequence[ScenarioResult]) -> pd.DataFrame:
    """Columns scenario, indicator, unit, year, value: one row per scenario, series and year."""
    parts = []
    for result in results:
        for name, values in result.series.items():
            parts.append(
                pd.DataFrame(
                    {
                        "scenario": result.scenario.name,
                        "indicator": name,
                        "unit": result.units[name],
                        "year": result.years,
                        "value": values,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def scorecard_table(rows: Sequence[ScoreRow], basis: str = "plan") -> pd.DataFrame:
    """One row per scenario and target: projected value, band, status and gap.

    basis: "plan" for the scenario as written, "rebaselined" for it re-projected through actuals.
    """
    records = []
    for row in rows:
        t = row.target
        period = f"{t.start_year}-{t.end_year}" if t.measure != "level" else str(t.end_year)
        records.append(
            {
                "scenario": row.scenario,
                "basis": basis,
                "target": t.key,
                "label_vi": t.label_vi,
                "label_en": t.label_en,
                "indicator": row.indicator,
                "measure": t.measure,
                "period": period,
                "low": np.nan if t.low is None else t.low,
                "high": np.nan if t.high is None else t.high,
                "band": t.band_text,
                "unit": t.unit,
                "value": row.value,
                "status": row.status,
                "gap": row.gap,
                "source_lines": t.source_lines,
            }
        )
    return pd.DataFrame.from_records(records, columns=SCORECARD_COLUMNS)  # (also with no rows)


SCORECARD_COLUMNS = (
    "scenario basis target label_vi label_en indicator measure period low high band unit value "
    "status gap source_lines"
).split()


def scorecards(
    results: Sequence[ScenarioResult],
    rebased: Sequence[ScenarioResult] = (),
    probabilities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The plan's scorecard (with the Monte Carlo probability of meeting each target when
    given), and the re-baselined one when actuals were given: scorecard.csv and its sheet."""
    plan = scorecard_table([row for r in results for row in r.scores], "plan")
    if probabilities is not None:
        plan = plan.merge(
            probabilities[["scenario", "target", "probability"]],
            on=["scenario", "target"],
            how="left",
        )
    cards = [plan]
    if rebased:
        cards.append(scorecard_table([row for r in rebased for row in r.scores], "rebaselined"))
    card = pd.concat(cards, ignore_index=True)
    # what_if: the --set values that changed the row's scenario ("" as filed), so that a row of a
    # what-if run never passes for the scenario as filed.
    what_if = {r.scenario.name: r.scenario.what_if for r in results}
    names: list[object] = list(card["scenario"]) if "scenario" in card else []
    card.insert(min(1, card.shape[1]), "what_if", [what_if.get(str(n), "") for n in names])
    return card


def summary_table(results: Sequence[ScenarioResult], lang: str) -> pd.DataFrame:
    """One row per scenario: end-year headline values, targets met and the residual treatment."""
    records = []
    summary_series = [n for n in SUMMARY_SERIES if not repeats_its_part(n, results)]
    for result in results:
        s = result.scenario
        record: dict[str, object] = {
            "scenario": s.name,
            "title": s.title(lang),
            "end_year": s.end_year,
        }
        for name in summary_series:
            if name in result.series:
                record[name] = float(result.series[name][-1])
        evaluated = [r for r in result.scores if r.evaluated]
        record["targets_met"] = f"{sum(r.met for r in evaluated)}/{len(evaluated)}"
        record["residual"] = residual_text(s, lang)
        records.append(record)
    return pd.DataFrame.from_records(records)
