"""The projection pipeline without any I/O of results: load scenarios, project, score.

Loading reports the problems of every scenario at once; projecting is pure. A scenario becomes
model inputs in three named steps (`model_inputs`):

    build_inputs   the numbers as the scenario gives them (sim.scenario.params; no model run)
    calibrate      with [calibration]: the calibrated sectors' rates shifted by one common number
                   of points so that total output grows at the reported average rate
    back_cast      with anchor_year: the shares and base values given for that year turned into
                   the base year's, by running the model backwards from them
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from sim.core.model import (
    DERIVED_SUMS,
    SECTORS,
    ModelInputs,
    SectorInputs,
    cagr_pct,
    linked_growth_pct,
    project,
    project_sectors,
    projection_series,
    yoy_growth_pct,
)
from sim.core.names import series_unit
from sim.core.plan import NO_PLAN, Plan
from sim.core.targets import ScoreRow, scorecard
from sim.core.text import Bilingual, vn
from sim.scenario.loader import (
    PlanCache,
    Problem,
    Scenario,
    ScenarioError,
    load_scenario,
    scenario_files_in,
    unknown_scope_problems,
)
from sim.scenario.params import build_inputs
from sim.scenario.rules import name_from_file

__all__ = [
    "ScenarioResult",
    "load_scenarios",
    "model_inputs",
    "calibrate",
    "calibration_shift_pct",
    "check_calibration",
    "back_cast",
    "run_scenario",
    "run_plan",
    "repeats_its_part",
    "solved_in_translation",
    "series_units",
]


@dataclass(frozen=True)
class ScenarioResult:
    """One scenario's projection: series name -> (T + 1,) values, and its scorecard;
    calibration_shift_pct: with a [calibration], the shift `calibrate` found (points a year),
    carried so that nothing runs its bisection again; None without one."""

    scenario: Scenario
    years: np.ndarray
    series: dict[str, np.ndarray]
    units: dict[str, str]
    scores: list[ScoreRow]
    calibration_shift_pct: float | None = None


def load_scenarios(
    names: Sequence[str],
    folder: Path,
    settings: Sequence[str] = (),
    end_year: int | None = None,
) -> list[Scenario]:
    """Load the named scenarios (all in `folder` when `names` is empty).

    Raises one ScenarioError with the problems of every scenario.
    """
    refs: list[str] = list(names) or [str(p) for p in scenario_files_in(folder)]
    if not refs:
        rule = Bilingual(
            "không tìm thấy tệp kịch bản nào (*.toml)", "no scenario files (*.toml) found"
        )
        raise ScenarioError([Problem(str(folder), "", None, rule)])
    scenarios: list[Scenario] = []
    problems: list[Problem] = []
    seen_problems: set[str] = set()  # (by text: linear, and a NaN value equals itself)
    plans: PlanCache = {}  # (each plan file read once in this load, never kept beyond it)
    failed: list[str] = []
    for ref in refs:
        try:
            scenarios.append(load_scenario(ref, folder, settings, end_year, plans))
        except ScenarioError as exc:
            failed.append(ref)
            for problem in exc.problems:
                if str(problem) not in seen_problems:
                    seen_problems.add(str(problem))
                    problems.append(problem)
    seen: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.name in seen:
            problems.append(
                Problem(
                    str(scenario.files[0]),
                    "name",
                    scenario.name,
                    Bilingual(
                        f"trùng tên kịch bản với {seen[scenario.name]}; tên phải khác nhau "
                        "trong một lượt chạy",
                        f"the same scenario name as {seen[scenario.name]}; names must be unique "
                        "in a run",
                    ),
                )
            )
        seen[scenario.name] = scenario.files[0]
        try:  # an unreachable calibration target is a mistake in the file: say so now
            check_calibration(scenario)
        except ScenarioError as exc:
            problems.extend(exc.problems)
    problems.extend(_one_plan(scenarios))
    # A --set SCENARIO: that names no scenario of the run, said with the rest; one that failed
    # to load counts by its file's name (it may be the one the --set names).
    tried = [s.name for s in scenarios] + [name_from_file(Path(ref)) for ref in failed]
    problems.extend(unknown_scope_problems(settings, tried))
    if problems:
        raise ScenarioError(problems)
    return scenarios


def _one_plan(scenarios: list[Scenario]) -> list[Problem]:
    """One run checks one plan: scenarios with no plan file of their own (a file in a folder
    without plan.toml) take the run's plan, as given to the others, in place; a scenario whose
    plan differs from the first one's is a Problem."""
    planned = [s for s in scenarios if s.plan != NO_PLAN]
    if not planned:
        return []
    first = planned[0]
    problems = [
        Problem(
            str(s.files[0]),
            "plan",
            s.plan.file,
            Bilingual(
                f"các kịch bản trong một lượt chạy dùng chung một kế hoạch; {first.name} dùng "
                f"{first.plan.file}: hãy chạy hai kịch bản riêng",
                f"a run's scenarios share one plan; {first.name} uses {first.plan.file}: "
                "run the two separately",
            ),
        )
        for s in planned[1:]
        if s.plan != first.plan
    ]
    scenarios[:] = [s if s.plan != NO_PLAN else replace(s, plan=first.plan) for s in scenarios]
    return problems


def solved_in_translation(scenario: Scenario) -> str | None:
    """The step of `model_inputs` that solves for its inputs, running the model backwards
    ("anchor_year": a back-cast) or by bisection ("calibration"); None when the inputs are the
    file's numbers as they are. A copy of the model outside Python (the workbook's formulas, the
    what-if page) can recompute only a scenario without one."""
    if scenario.anchor_year is not None:
        return "anchor_year"
    if scenario.calibration_total_cagr_pct is not None:
        return "calibration"
    return None


def run_plan(results: Sequence[ScenarioResult]) -> Plan:
    """The plan of a run (its scenarios share one, `load_scenarios`); NO_PLAN for none."""
    return results[0].scenario.plan if results else NO_PLAN


def repeats_its_part(name: str, results: Sequence[ScenarioResult]) -> bool:
    """True for a derived sum (budget_revenue_total: the budget + land-use fees) when none of
    `results` has any of the parts it adds: it only repeats its first part, and a table, a
    summary or a chart leaves it out."""
    parts = DERIVED_SUMS.get(name)
    return parts is not None and not any(p in r.series for r in results for p in parts[1:])


def series_units(scenario: Scenario, names: Sequence[str]) -> dict[str, str]:
    """The unit of each series name for this scenario (`sim.core.names.series_unit`)."""
    indicator_units = {name: ind.unit for name, ind in scenario.indicators.items()}
    return {name: series_unit(name, scenario.output_unit, indicator_units) for name in names}


def run_scenario(scenario: Scenario) -> ScenarioResult:
    """Project one scenario and score it against its plan's targets (with a [calibration],
    the shift found is carried in the result)."""
    calibrated, shift = _calibrated(scenario, build_inputs(scenario))
    projection = project(back_cast(scenario, calibrated))
    series = projection_series(projection)
    years = projection.years
    scores = scorecard(scenario.name, years, series, scenario.budget_concept, scenario.plan.targets)
    units = series_units(scenario, list(series))
    return ScenarioResult(
        scenario, years, series, units, scores, None if shift is None else float(shift)
    )


# ----------------------------------------------------------------------------- model inputs


def model_inputs(
    scenario: Scenario, values: Mapping[str, np.ndarray | float] | None = None
) -> ModelInputs:
    """The inputs the model projects `scenario` from, with the parameters named in `values`
    replaced (path -> scalar or (N,) array, as `build_inputs`): translated, calibrated,
    back-cast (each draw on its own)."""
    return back_cast(scenario, calibrate(scenario, build_inputs(scenario, values)))


def _anchor(scenario: Scenario) -> int:
    """Index of the year whose shares and base values the scenario gives (0: the base year)."""
    return scenario.level_year - scenario.base_year


def calibrate(scenario: Scenario, inputs: ModelInputs) -> ModelInputs:
    """With a [calibration]: the rates of `scenario.calibration_sectors` shifted, every year, by
    `calibration_shift_pct`. The inputs as given (their shares those of the level year)."""
    return _calibrated(scenario, inputs)[0]


def _calibrated(scenario: Scenario, inputs: ModelInputs) -> tuple[ModelInputs, np.ndarray | None]:
    """`calibrate`'s inputs and the shift it applied ((...) points; None without calibration)."""
    if scenario.calibration_total_cagr_pct is None:
        return inputs, None
    shift = calibration_shift_pct(scenario, inputs.sectors)
    return replace(inputs, sectors=_shifted(scenario, inputs.sectors, shift)), shift


def _shifted(scenario: Scenario, sectors: SectorInputs, shift: np.ndarray) -> SectorInputs:
    """`sectors` with the growth of the calibrated sectors raised by `shift` points ((...): one
    per draw), every year."""
    mask = np.array([s in scenario.calibration_sectors for s in SECTORS], dtype=float)
    growth = np.asarray(sectors.growth_pct, dtype=float) + shift[..., None, None] * mask[:, None]
    return replace(sectors, growth_pct=growth)


CALIBRATION_SHIFT_MAX_POINTS = 50.0
"""The most a calibration may shift the adjusted sectors' growth, points per year either way."""


def calibration_shift_pct(scenario: Scenario, sectors: SectorInputs) -> np.ndarray:
    """The common shift, in points of growth, of the calibrated sectors' rates (every year) that
    makes total output grow `scenario.calibration_total_cagr_pct` on average: (...). sectors:
    as given (shares of the level year).

    Bisection on [-50, 50] points (total growth rises with the shift); 60 halvings leave an
    error far below 1e-10 points. Raises ScenarioError when the total is out of reach within
    those shifts (it was silently clamped to the nearest end), with the reachable range.
    """
    target = scenario.calibration_total_cagr_pct
    total_with, batch = _total_with_shift(scenario, sectors)
    low = np.full(batch, -CALIBRATION_SHIFT_MAX_POINTS)
    high = np.full(batch, CALIBRATION_SHIFT_MAX_POINTS)
    _check_reachable(scenario, total_with(low), total_with(high))
    for _ in range(60):
        middle = (low + high) / 2.0
        above = total_with(middle) > target
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return (low + high) / 2.0


def check_calibration(scenario: Scenario) -> None:
    """Raise ScenarioError when the scenario's calibration target is out of reach (as
    `calibration_shift_pct` would): the total growth at the two largest shifts only, no
    bisection. Nothing to check without a [calibration]."""
    if scenario.calibration_total_cagr_pct is None:
        return
    total_with, batch = _total_with_shift(scenario, build_inputs(scenario).sectors)
    ends = np.full(batch, CALIBRATION_SHIFT_MAX_POINTS)
    _check_reachable(scenario, total_with(-ends), total_with(ends))


def _total_with_shift(
    scenario: Scenario, sectors: SectorInputs
) -> tuple[Callable[[np.ndarray], np.ndarray], tuple[int, ...]]:
    """(shift -> the total's average growth, %/yr, with the calibrated sectors' rates shifted
    by it; the batch shape of a shift). sectors: as given (shares of the level year)."""
    anchor = _anchor(scenario)

    def total_with(shift: np.ndarray) -> np.ndarray:
        return _total_cagr_pct(_shifted(scenario, sectors, shift), anchor)

    return total_with, np.shape(sectors.growth_pct)[:-2]


def _check_reachable(scenario: Scenario, lowest: np.ndarray, highest: np.ndarray) -> None:
    """Raise ScenarioError unless the calibration target lies within [lowest, highest] (%/yr,
    the total growth at the largest shifts down and up), naming the reachable range."""
    target = scenario.calibration_total_cagr_pct
    # NaN (a broken draw) also fails `lowest <= target <= highest`: it is refused, not clamped.
    outside = ~((lowest <= target) & (target <= highest))
    if not outside.any():
        return
    first = np.flatnonzero(outside.ravel())[0]
    low, high = float(lowest.ravel()[first]), float(highest.ravel()[first])
    count, size = int(outside.sum()), outside.size
    draws = Bilingual(
        f" (ở {vn(count, ',')} trên {vn(size, ',')} lần rút)" if outside.ndim else "",
        f" (in {count} of {size} draws)" if outside.ndim else "",
    )
    key = "calibration.total_cagr_pct"
    given = [s for s in scenario.settings if s.replace(" ", "").startswith(f"{key}=")]
    sectors, shift = ", ".join(scenario.calibration_sectors), CALIBRATION_SHIFT_MAX_POINTS
    years = f"{scenario.base_year}-{scenario.end_year}"
    rule = Bilingual(
        f"không đạt được{draws.vi}: dịch chuyển tốc độ tăng của {sectors} từ -{vn(shift)} đến "
        f"+{vn(shift)} điểm mỗi năm (mức tối đa hiệu chỉnh được phép) cho bình quân "
        f"{vn(low, '.2f')} đến {vn(high, '.2f')} %/năm giai đoạn {years}; hãy ghi tốc độ tổng "
        "trong khoảng đó",
        f"out of reach{draws.en}: shifting the growth of {sectors} by -{shift:g} to +{shift:g} "
        f"points a year (the most a calibration may move them) gives {low:.2f} to {high:.2f} "
        f"%/yr on average {years}; give a total in that range",
    )
    if len(scenario.calibration_sectors) < len(SECTORS):
        rule += Bilingual(", hoặc điều chỉnh thêm ngành", ", or adjust more sectors")
    source = f"--set {given[-1]}" if given else str(scenario.files[0])
    raise ScenarioError([Problem(source, key, target, rule)])


def _total_cagr_pct(sectors: SectorInputs, anchor: int) -> np.ndarray:
    """Average growth of total output over the whole projection, % per year: (...)."""
    _blocks, levels = project_sectors(_back_cast_sectors(sectors, anchor))
    return cagr_pct(levels.sum(axis=-2))[..., -1]


def back_cast(scenario: Scenario, inputs: ModelInputs) -> ModelInputs:
    """With an anchor year: the base year's shares and base values that compound, at the
    inputs' rates, to the ones the scenario gives for the anchor year. The index stays base-year
    total = 100; indicators are back-cast along total output's growth of the back-cast sectors."""
    anchor = _anchor(scenario)
    if not anchor:
        return inputs
    sectors = _back_cast_sectors(inputs.sectors, anchor)
    total_growth = yoy_growth_pct(project_sectors(sectors)[1].sum(axis=-2))
    indicators = {}
    for name, linked in inputs.indicators.items():
        rates = linked_growth_pct(linked, total_growth)[..., :anchor]
        factor = np.prod(1.0 + rates / 100.0, axis=-1)
        indicators[name] = replace(linked, base=np.asarray(linked.base, dtype=float) / factor)
    return replace(inputs, sectors=sectors, indicators=indicators)


def _back_cast_sectors(sectors: SectorInputs, anchor: int) -> SectorInputs:
    """Sector inputs whose shares are given for year index `anchor` (0 = the base year): the
    base-year shares that compound to them. The index stays base-year total = 100."""
    if anchor == 0:
        return sectors
    _blocks, levels = project_sectors(sectors)  # the given shares taken as a starting point
    growth_to_anchor = levels[..., :3, anchor] / levels[..., :3, 0]
    base = levels[..., :3, 0] / growth_to_anchor  # the anchor-year levels, back-cast
    if sectors.residual == "other" and sectors.residual_growth_pct is not None:
        other = levels[..., 3, 0] / (levels[..., 3, anchor] / levels[..., 3, 0])
    elif sectors.residual == "other":  # the block keeps its share: the same share at the base
        share_sum = np.asarray(sectors.base_share_pct, dtype=float).sum(axis=-1)
        other = base.sum(axis=-1) * (100.0 - share_sum) / share_sum
    else:
        other = np.zeros(base.shape[:-1])
    total = base.sum(axis=-1) + other
    return replace(sectors, base_share_pct=base / total[..., None] * 100.0)
