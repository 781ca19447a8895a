"""The previous term's track record: the source's consistency, implied elasticities, and a
realism check of each scenario's assumptions against what history supports.

Pure: takes projections of the history scenario (a back-cast from the last year's state; the
plan's `[history] scenario`) and the plan's own record rates (`[history.growth_pct]`), either or
both, and the scenarios to check; returns tables. The bundled plan's record is 2016-2020.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import pandas as pd

from sim.core.model import SECTORS, cagr_from_ratio_pct
from sim.core.names import TOTAL, ParameterPath, output, share
from sim.core.plan import PlanHistory
from sim.run import ScenarioResult, run_scenario
from sim.scenario.loader import Scenario

__all__ = [
    "HistoryResult",
    "run_history",
    "record_from_rates",
    "TrackRecord",
    "track_record",
    "consistency_table",
    "realism_table",
    "REALISM_COLUMNS",
    "GROWTH_TOLERANCE_POINTS",
    "GROWTH_TOLERANCE_SHARE",
    "ELASTICITY_RANGE",
]

GROWTH_TOLERANCE_POINTS = 2.0
GROWTH_TOLERANCE_SHARE = 0.25
"""A growth rate is supported by the record r when it lies within r +/- max(2 points, 25 % of r):
wide enough for one five-year average not to be a straitjacket (the source's own targets move
services from 18.2 to 15.5-16.5), narrow enough to flag a shock year or a rate no period shows."""

ELASTICITY_RANGE = (0.5, 1.5)
"""An elasticity is supported within 0.5-1.5 times the one the record implies."""


@dataclass(frozen=True)
class TrackRecord:
    """What the previous term shows (2016-2020 in the bundled plan), from the back-cast and the
    plan's record rates.

    growth_pct:  series -> average growth over the period, % per year (output.<sector> as the
                 source gives it, output.total as calibrated, and each linked indicator).
    elasticity:  linked indicator -> its average growth / total output's average growth.
    calibrated:  whether the output rates were calibrated to the reported total.
    """

    first_year: int
    last_year: int
    growth_pct: Mapping[str, float]
    elasticity: Mapping[str, float]
    calibrated: bool

    @property
    def period(self) -> str:
        """Its growth years, "2016-2020" (the first year is the level the growth starts from)."""
        return f"{self.first_year + 1}-{self.last_year}"


def _cagr(values, years: int) -> float:
    return float(cagr_from_ratio_pct(float(values[-1]) / float(values[0]), years))


def track_record(raw: ScenarioResult, calibrated: ScenarioResult | None = None) -> TrackRecord:
    """Average growth of every series of the back-cast and the elasticities they imply.

    Sector rates are the source's own (`raw`); total output and the elasticities to it come from
    the calibrated back-cast when there is one (the total the source reports).
    """
    s = raw.scenario
    n = s.end_year - s.base_year
    used = calibrated or raw
    growth = {output(b): _cagr(raw.series[output(b)], n) for b in SECTORS}
    growth["output.total"] = _cagr(used.series["output.total"], n)
    for name in s.indicators:
        growth[name] = _cagr(used.series[name], n)
    total = growth["output.total"]
    elasticity = {name: growth[name] / total for name in s.indicators}
    return TrackRecord(s.base_year, s.end_year, growth, elasticity, calibrated is not None)


def consistency_table(
    raw: ScenarioResult,
    calibrated: ScenarioResult | None,
    reported_total_pct: float | None,
    delta_pct: float | None,
) -> pd.DataFrame:
    """The source's arithmetic as the tool sees it: sector rates with the end-year shares imply a
    total growth; the source reports another; the calibration closes the gap."""
    n = raw.scenario.end_year - raw.scenario.base_year
    rows = _source_rows(raw, reported_total_pct, n)
    if calibrated is not None:
        rows += _calibration_rows(calibrated, delta_pct, n)
    return pd.DataFrame.from_records(rows, columns=["item", "value", "note"])


def _row(item: str, value: float | None, note: str) -> dict[str, object]:
    return {"item": item, "value": value, "note": note}


def _source_rows(
    raw: ScenarioResult, reported_total_pct: float | None, n: int
) -> list[dict[str, object]]:
    """The total growth the sector rates imply, the one the source reports and the gap, and
    the base-year shares the back-cast implies."""
    implied = _cagr(raw.series["output.total"], n)
    rows = [
        _row(
            "implied_total_cagr_pct",
            implied,
            "the sector rates compounded back from the end-year shares",
        )
    ]
    if reported_total_pct is not None:
        rows.append(
            _row("reported_total_cagr_pct", reported_total_pct, "the total the source reports")
        )
        rows.append(_row("gap_points", implied - reported_total_pct, "implied minus reported"))
    for sector in SECTORS:
        rows.append(
            _row(
                f"base_share_pct.{sector}",
                float(raw.series[share(sector)][0]),
                f"{raw.scenario.base_year} share implied by the back-cast",
            )
        )
    return rows


def _calibration_rows(
    calibrated: ScenarioResult, delta_pct: float | None, n: int
) -> list[dict[str, object]]:
    """The calibrated total growth, the shift that achieves it and each sector's growth after."""
    rows = [
        _row(
            "calibrated_total_cagr_pct",
            _cagr(calibrated.series["output.total"], n),
            "after calibration",
        ),
        _row(
            "calibration_shift_points",
            delta_pct,
            "added to the growth of the calibrated sectors, every year",
        ),
    ]
    for sector in SECTORS:
        rows.append(
            _row(
                f"calibrated_growth_pct.{sector}",
                _cagr(calibrated.series[output(sector)], n),
                "",
            )
        )
    return rows


def _supported_growth(record: float) -> tuple[float, float]:
    width = max(GROWTH_TOLERANCE_POINTS, GROWTH_TOLERANCE_SHARE * abs(record))
    return record - width, record + width


REALISM_COLUMNS = (
    "scenario",
    "parameter",
    "kind",
    "assumed",
    "track_record",
    "supported_low",
    "supported_high",
    "flag",
)


@dataclass(frozen=True)
class _Check:
    """One assumption beside the record: the range the record supports (low, high)."""

    parameter: str
    kind: str  # "growth" or "elasticity"
    assumed: float
    recorded: float
    low: float
    high: float


def _growth_check(parameter: str, assumed: float, recorded: float) -> _Check:
    low, high = _supported_growth(recorded)
    return _Check(parameter, "growth", assumed, recorded, low, high)


def realism_table(
    scenarios: Sequence[Scenario], results: Sequence[ScenarioResult], record: TrackRecord
) -> pd.DataFrame:
    """Each scenario's growth and elasticity assumptions beside the track record, flagged when
    outside the range the record supports. Assumptions the record says nothing of are left out."""
    period = record.period
    rows = []
    for scenario, result in zip(scenarios, results, strict=True):
        checks = [
            *_sector_checks(scenario, record),
            _total_check(scenario, result, record),
            *_indicator_checks(scenario, record),
        ]
        for check in checks:
            if math.isnan(check.recorded):
                continue
            rows.append(
                {
                    "scenario": scenario.name,
                    "parameter": check.parameter,
                    "kind": check.kind,
                    "assumed": check.assumed,
                    "track_record": check.recorded,
                    "supported_low": check.low,
                    "supported_high": check.high,
                    "flag": _flag(check, period),
                }
            )
    return pd.DataFrame.from_records(rows, columns=list(REALISM_COLUMNS))


def _flag(check: _Check, period: str) -> str:
    if check.assumed > check.high:
        return f"above what {period} supports"
    if check.assumed < check.low:
        return f"below what {period} supports"
    return ""


def _sector_checks(scenario: Scenario, record: TrackRecord) -> list[_Check]:
    """Each sector's growth rate and single-year overrides against the sector's record."""
    checks = []
    for sector in SECTORS:
        recorded = record.growth_pct.get(output(sector), math.nan)
        spec = scenario.sectors[sector]
        parameter = str(ParameterPath.sector(sector, "growth_pct"))
        checks.append(_growth_check(parameter, spec.growth_pct, recorded))
        for year, rate in spec.growth_pct_by_year.items():
            parameter = str(ParameterPath.sector(sector, "growth_pct", year))
            checks.append(_growth_check(parameter, rate, recorded))
    return checks


def _total_check(scenario: Scenario, result: ScenarioResult, record: TrackRecord) -> _Check:
    """The average growth of total output the scenario implies against the record's."""
    n = scenario.end_year - scenario.base_year
    return _growth_check(
        "cagr.total (implied)",
        _cagr(result.series["output.total"], n),
        record.growth_pct["output.total"],
    )


def _indicator_checks(scenario: Scenario, record: TrackRecord) -> list[_Check]:
    """Each linked indicator's elasticity or own growth rate against its record."""
    checks = []
    for ind in scenario.indicators.values():
        if ind.rule == "elasticity":
            recorded = record.elasticity.get(ind.name, math.nan)
            checks.append(
                _Check(
                    str(ParameterPath.indicator(ind.name, "elasticity")),
                    "elasticity",
                    ind.rule_value,
                    recorded,
                    recorded * ELASTICITY_RANGE[0],
                    recorded * ELASTICITY_RANGE[1],
                )
            )
        else:
            recorded = record.growth_pct.get(ind.name, math.nan)
            parameter = str(ParameterPath.indicator(ind.name, "growth_pct"))
            checks.append(_growth_check(parameter, ind.rule_value, recorded))
    return checks


@dataclass(frozen=True)
class HistoryResult:
    """The history scenario run, as given and as calibrated, and what it says about the
    scenarios of the run. Without a history scenario (the plan's record rates only) result and
    raw are None and the consistency table is empty."""

    result: ScenarioResult | None  # the projection the track record uses (calibrated when asked)
    raw: ScenarioResult | None  # the sector rates as the source gives them
    record: TrackRecord
    consistency: pd.DataFrame
    realism: pd.DataFrame
    calibration_shift_pct: float | None
    calibration_statement: str


def record_from_rates(history: PlanHistory) -> TrackRecord:
    """The track record a plan states (`[history]`: years and average growth rates), with the
    elasticities to total output its rates imply."""
    growth = dict(history.growth_pct)
    total = growth.get(output(TOTAL), math.nan)
    outputs = {output(b) for b in (*SECTORS, TOTAL)}
    elasticity = {
        name: rate / total for name, rate in growth.items() if name not in outputs and total
    }
    return TrackRecord(history.first_year, history.last_year, growth, elasticity, False)


def _with_plan_rates(record: TrackRecord, history: PlanHistory | None) -> TrackRecord:
    """The back-cast's record with the plan's stated rates in place of its own, where given
    (the reported averages), and the elasticities they imply."""
    if history is None or not history.growth_pct:
        return record
    growth = {**record.growth_pct, **history.growth_pct}
    total = growth[output(TOTAL)]
    elasticity = {name: growth[name] / total for name in record.elasticity}
    return replace(record, growth_pct=growth, elasticity=elasticity)


def _rates_only(history: PlanHistory, results: Sequence[ScenarioResult]) -> HistoryResult:
    record = record_from_rates(history)
    statement = (
        f"the plan's track record {history.first_year + 1}-{history.last_year} "
        "(its [history] rates, used as given; no back-cast scenario)"
    )
    consistency = pd.DataFrame(columns=["item", "value", "note"])
    realism = realism_table([r.scenario for r in results], results, record)
    return HistoryResult(None, None, record, consistency, realism, None, statement)


def run_history(
    history: Scenario | None,
    results: Sequence[ScenarioResult],
    plan_history: PlanHistory | None = None,
) -> HistoryResult:
    """Run the history scenario with and without its calibration, derive the track record (the
    plan's stated rates, `plan_history`, in place of the back-cast's where given) and check
    every scenario of `results` against it. Without a history scenario the plan's rates alone
    are the record."""
    if history is None:
        if plan_history is None:
            raise ValueError("a track record needs a history scenario or the plan's rates")
        return _rates_only(plan_history, results)
    raw = run_scenario(replace(history, calibration_total_cagr_pct=None))
    calibrated = None
    shift = None
    if history.calibration_total_cagr_pct is not None:
        calibrated = run_scenario(history)
        shift = calibrated.calibration_shift_pct  # (found once, by run_scenario)
    used = calibrated or raw
    record = _with_plan_rates(track_record(raw, calibrated), plan_history)
    n = history.end_year - history.base_year
    implied = _cagr(raw.series["output.total"], n)
    statement = (
        f"{history.name}: the sector rates with the {history.level_year} shares imply "
        f"{implied:.2f} %/yr for total output {history.base_year}-{history.end_year}"
    )
    if calibrated is not None:
        statement += (
            f", against the reported {history.calibration_total_cagr_pct:g} %/yr; this run "
            f"calibrates: {', '.join(history.calibration_sectors)} growth shifted by "
            f"{shift:+.2f} points every year"
        )
    else:
        statement += "; no calibration (the rates are used as given)"
    consistency = consistency_table(raw, calibrated, history.calibration_total_cagr_pct, shift)
    realism = realism_table([r.scenario for r in results], results, record)
    return HistoryResult(used, raw, record, consistency, realism, shift, statement)
