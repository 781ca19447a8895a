"""The last rule of loading: the scenario's own projection is made of finite, positive numbers.

The schema bounds every value on its own (a rate at most 1,000 %/yr, an elasticity within +-20,
a base at most 1e12), which keeps every level finite over 50 years. Values within their bounds
can still combine into a level at or below zero: an elasticity of -3 on output growing 40 %/yr
gives an indicator -120 %/yr. Such a level has no average growth (its CAGR is NaN), so the
scenario is refused here, naming the series, the year and the values that produce it, instead of
writing NaN into every output.
"""

from __future__ import annotations

import numpy as np

from sim.core.model import project, projection_series
from sim.core.names import SeriesName
from sim.core.text import Bilingual, vn
from sim.scenario.params import build_inputs
from sim.scenario.values import Problem, Scenario, Where

__all__ = ["projection_problems"]


def _first_bad(values: np.ndarray, levels: bool) -> int | None:
    """Index of the first value that is not finite, or None. A level must also stay positive;
    a block that is zero from the base year on (a ward without agriculture: share 0) stays
    zero and is sound. Growth and CAGR are NaN in the base year by definition: index 0 is
    skipped for them."""
    start = 0 if levels else 1
    rest = np.asarray(values[start:], dtype=float)
    bad = ~np.isfinite(rest)
    if levels:
        bad |= (rest < 0.0) | ((rest == 0.0) & (values[0] != 0.0))
    hits = np.flatnonzero(bad)
    return None if hits.size == 0 else int(hits[0]) + start


def projection_problems(scenario: Scenario, where: Where) -> list[Problem]:
    """One Problem for the first series of the scenario's projection that is not finite or a
    level that is not positive; none for a sound projection."""
    with np.errstate(all="ignore"):  # (a bad value is reported below, not as a RuntimeWarning)
        series = projection_series(project(build_inputs(scenario)))
    years = list(scenario.years)
    for name, values in series.items():
        parsed = SeriesName.parse(name)
        if parsed.is_rate and not np.any(series[parsed.level]):
            continue  # the growth of a level that is zero throughout is 0/0: no rate, no fault
        level = parsed.family in ("output", "")
        index = _first_bad(values, level)
        if index is None:
            continue
        return [_problem(scenario, where, series, name, years[index], float(values[index]))]
    return []


def _problem(
    scenario: Scenario,
    where: Where,
    series: dict[str, np.ndarray],
    name: str,
    year: int,
    value: float,
) -> Problem:
    indicator = scenario.indicators.get(name)
    what = Bilingual(
        f"dự báo của {name} năm {year} là {vn(value)}, không phải một số dương hữu hạn",
        f"the projection of {name} is {value:g} in {year}, not a positive finite number",
    )
    if indicator is not None and indicator.rule == "elasticity" and indicator.elasticity:
        growth = series["growth.total"][year - scenario.base_year]
        key = f"indicators.{name}.elasticity"
        product = indicator.elasticity * growth
        rule = what + Bilingual(
            f": hệ số co giãn này nhân với tốc độ tăng giá trị sản xuất ({vn(growth)} %/năm "
            f"năm {year}) cho {vn(product)} %/năm, bằng hoặc thấp hơn -100 %/năm",
            f": this elasticity times total output growth ({growth:g} %/yr in {year}) "
            f"gives {product:g} %/yr, at or below -100 %/yr",
        )
        return Problem(where(key), key, indicator.elasticity, rule)
    rule = what + Bilingual(
        ": hãy kiểm tra các tốc độ tạo ra nó", ": check the rates that produce it"
    )
    return Problem(where.own, name, value, rule)
