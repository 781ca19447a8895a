"""Issue 11: every input message in the run's language. A `vi` run (the default) says what is
wrong with a scenario file, a plan or an actuals file in Vietnamese, with the file, key and value
as the user wrote them; `--lang en` says it in English.

The catalogue test renders every Problem that the bad inputs of these tests and of the
hardening tests raise (scenario files, --set, actuals files) and checks that the Vietnamese rule
holds no English word and is not the English one copied.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MINIMAL, SCENARIOS
from test_actuals_hardening import CRASHING, HEADER, WRONG_ANSWERS
from test_scenario_hardening import FILE_CASES, SET_CASES

from sim.run import load_scenarios, run_scenario
from sim.scenario.actuals import ActualsError, read_actuals
from sim.scenario.loader import ScenarioError, load_scenario, unknown_scope_problems
from sim.scenario.values import Problem
from sim.term.tracking import track

RUN = ["--no-charts", "--no-history", "--quiet"]

ENGLISH = re.compile(
    r"\b(must|missing|unknown|expected|problems?|required|allowed|cannot|outside|write|give|"
    r"the|is|are|not|mean|should|only|most|between|above|below|file|folder|and|or|of|"
    r"to|in|an?|warning|error)\b",
    re.IGNORECASE,
)
"""English words that a Vietnamese rule must not hold (keys, values, paths and file names
aside, which are the user's own)."""
RULE_WORDS = re.compile(r"\b(must|missing|unknown|expected|problems?|did you mean)\b")
"""The words of the English rules, which no line of a Vietnamese run's message holds (the
values echoed there are the user's own, in any language)."""

# A scenario with several problems: a value of the wrong type, an unknown key with a near miss,
# a base value below zero, a choice that is not one of the choices.
BROKEN = """
base_year = 2020
end_year = 2025
title = { vi = "Hỏng", en = "Broken" }
[structure]
residual = "normalize"
[sectors.services]
share_pct = 48.5
growth_pct = "fast"
[sectors.industry]
share_pct = 43.1
growth_pct = 15.0
groth_pct_by_year = { 2021 = 4.0 }
[sectors.agriculture]
share_pct = 7.5
growth_pct = 3.5
[indicators.income_per_capita]
base = -46.0
unit = "million VND/person"
rule = "elasticity"
elasticity = 0.3
"""

# One file per rule that spans keys (each is loaded on its own: a rule waits for the values it
# needs to be well typed).
RULE_CASES = {
    "missing years and a sector": 'title = { vi = "a", en = "a" }\n[sectors.services]\n',
    "shares without a residual": MINIMAL.replace('residual = "normalise"', ""),
    "shares over 100 with other": MINIMAL.replace('"normalise"', '"other"').replace("48.5", "58.5"),
    "shares far from 100": MINIMAL.replace("48.5", "28.5"),
    "residual growth without other": MINIMAL.replace(
        "[structure]", "[structure]\nresidual_growth_pct = 5.0"
    ),
    "reserved indicator": MINIMAL + "[indicators.total]\nbase = 1.0\n",
    "indicator without its keys": MINIMAL + '[indicators.retail]\nrule = "growth"\n',
    "anchor year outside": MINIMAL.replace("[structure]", "[structure]\nanchor_year = 2030"),
    "anchor with a total": MINIMAL.replace(
        "[structure]", "[structure]\nanchor_year = 2025\nbase_total_bn_vnd = 100.0"
    ),
    "calibration": MINIMAL + '[calibration]\nadjust = ["servces"]\n',
    "empty calibration adjust": MINIMAL + "[calibration]\ntotal_cagr_pct = 10.0\nadjust = []\n",
    "end before base": MINIMAL.replace("end_year = 2025", "end_year = 2019"),
    "end too far": MINIMAL.replace("end_year = 2025", "end_year = 2090"),
    "bad name": 'name = "Kịch Bản"\n' + MINIMAL,
    "uncertainty": MINIMAL
    + "[uncertainty.sectors.servics.growth_pct]\ndist = 'uniform'\nlow = 1.0\nhigh = 2.0\n"
    + "[uncertainty.sectors.industry.growth_pct]\ndist = 'triangular'\nlow = 10.0\nhigh = 12.0\n"
    + "mode = 20.0\n"
    + "[uncertainty.sectors.agriculture.growth_pct]\ndist = 'truncnormal'\nlow = 3.0\n"
    + "high = -200.0\nsd = 0.5\n",
    "uncertainty kinds": MINIMAL
    + "[uncertainty.sectors.industry.growth_pct]\ndist = 'truncnormal'\nlow = 10.0\n"
    + "high = 12.0\nmode = 11.0\n"
    + "[uncertainty.sectors.services.growth_pct]\ndist = 'uniform'\nlow = 1.0\nhigh = 2.0\n"
    + "[uncertainty.correlation]\nparameters = ['sectors.services.growth_pct', "
    + "'sectors.services.growth_pct', 'sectors.agriculture.growth_pct']\n"
    + "matrix = [[1.0, 2.0], [0.5, 1.0]]\n",
    "correlation not square": MINIMAL
    + "[uncertainty.sectors.services.growth_pct]\ndist = 'uniform'\nlow = 15.0\nhigh = 17.0\n"
    + "[uncertainty.correlation]\nparameters = ['sectors.services.growth_pct']\n"
    + "matrix = [[1.0, 0.5]]\n",
    "correlation not a correlation": MINIMAL
    + "[uncertainty.sectors.services.growth_pct]\ndist = 'uniform'\nlow = 15.0\nhigh = 17.0\n"
    + "[uncertainty.sectors.industry.growth_pct]\ndist = 'uniform'\nlow = 14.0\nhigh = 16.0\n"
    + "[uncertainty.sectors.agriculture.growth_pct]\ndist = 'uniform'\nlow = 3.0\nhigh = 4.0\n"
    + "[uncertainty.correlation]\nparameters = ['sectors.services.growth_pct', "
    + "'sectors.industry.growth_pct', 'sectors.agriculture.growth_pct']\n"
    + "matrix = [[1.0, 0.9, -0.9], [0.9, 1.0, 0.9], [-0.9, 0.9, 0.5]]\n",
    "types": MINIMAL.replace("base_year = 2020", "base_year = 2020.5")
    + "[targets]\nbudget_concept = 'total'\n[plan_x]\n",
    "decimal comma": MINIMAL.replace("growth_pct = 16.0", "growth_pct = 16,5"),
    "thousand comma": MINIMAL.replace("growth_pct = 16.0", "growth_pct = 1,000"),
    "syntax": MINIMAL + "[sectors\n",
    "syntax at the end": MINIMAL + "x = [1, 2\n",
    "quoted number": MINIMAL.replace("growth_pct = 16.0", 'growth_pct = "16,5"'),
    "extends a missing file": 'extends = "nowhere"\n' + MINIMAL,
    "child shares": 'extends = "parent"\n[sectors.services]\nshare_pct = 50.0\n',
}

# A plan with one problem per plan rule.
BROKEN_PLAN = """
[plan]
term = [2020, 2025]
[targets.a]
indicator = "output.total"
measure = "cagr"
label = { vi = "a", en = "a" }
approx = 10.0
low = 9.0
[targets.b]
indicator = "output.total"
measure = "level"
label = { vi = "b", en = "b" }
low = 9.0
high = 8.0
tolerance_pct = 5.0
seek = ["growth of services"]
[targets.c]
measure = "cagr"
[history]
source = "x"
"""

# A plan whose units do not fit their measures: an average growth in a level's unit, a level of
# output in a growth rate's unit.
UNIT_PLAN = """
[plan]
locality = { vi = "xã Thử", en = "Test commune" }
term = [2020, 2025]
source = { vi = "Nghị quyết", en = "Resolution" }
[targets.a]
indicator = "income_per_capita"
measure = "cagr"
low = 80.0
unit = "triệu đồng/người"
label = { vi = "a", en = "a" }
[targets.b]
indicator = "output.total"
measure = "level"
low = 9.0
unit = "%/năm"
label = { vi = "b", en = "b" }
"""


def _load_problems(path: Path) -> tuple[Problem, ...]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, path.parent)
    return info.value.problems


def _assert_vietnamese(problem: Problem, cut: str = "") -> None:
    """The rule's Vietnamese holds no English word, and is not the English text copied."""
    vi = problem.rule.vi.replace(cut, "")
    assert problem.rule.vi != problem.rule.en, problem.rule
    found = ENGLISH.findall(vi)
    assert not found, (found, problem.rule.vi)


def _catalogue(tmp_path: Path) -> list[Problem]:
    """Every Problem the bad scenario files, --set options and plans of these tests raise."""
    (tmp_path / "parent.toml").write_text(MINIMAL, encoding="utf-8")
    problems: list[Problem] = []
    texts = {name: text for name, text, _words in FILE_CASES} | RULE_CASES | {"broken": BROKEN}
    for number, text in enumerate(texts.values()):
        path = tmp_path / f"case_{number}.toml"
        path.write_text(text, encoding="utf-8")
        problems += _load_problems(path)
    path = tmp_path / "minimal.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    for _name, setting, _words in SET_CASES:
        with pytest.raises(ScenarioError) as info:
            load_scenario(path, tmp_path, settings=[setting])
        problems += info.value.problems
    planned = tmp_path / "planned"
    planned.mkdir()
    (planned / "plan.toml").write_text(BROKEN_PLAN, encoding="utf-8")
    (planned / "s.toml").write_text(MINIMAL, encoding="utf-8")
    problems += _load_problems(planned / "s.toml")
    units = tmp_path / "units"
    units.mkdir()
    (units / "plan.toml").write_text(UNIT_PLAN, encoding="utf-8")
    (units / "s.toml").write_text(MINIMAL, encoding="utf-8")
    problems += _load_problems(units / "s.toml")
    problems += unknown_scope_problems(["basline:sectors.services.growth_pct=1"], ["baseline"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ScenarioError) as info:
        load_scenarios([], empty)
    problems += info.value.problems
    twins = tmp_path / "twins"
    twins.mkdir()
    for name in ("one", "two"):
        (twins / f"{name}.toml").write_text('name = "same"\n' + MINIMAL, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenarios([], twins)
    problems += info.value.problems
    return problems


def _actuals_problems(tmp_path: Path) -> list[Problem]:
    """Every Problem the bad actuals files of the hardening tests raise (those written as bytes;
    the others are refusals by the operating system, in its own words)."""
    results = [run_scenario(s) for s in load_scenarios(["baseline"], SCENARIOS)]
    problems: list[Problem] = []
    for number, case in enumerate(CRASHING + WRONG_ANSWERS + EXTRA_ACTUALS):
        setup = case.values[0]
        if not isinstance(setup, bytes):
            continue
        path = tmp_path / f"actuals_{number}.csv"
        path.write_bytes(setup)
        try:
            track(results, read_actuals(path, results[0].scenario.indicators))
        except ActualsError as exc:
            problems += exc.problems
    return problems


EXTRA_ACTUALS = [
    pytest.param(HEADER, id="header only"),
    pytest.param(b"", id="empty"),
    pytest.param(
        b"indicatr,year,value,status\r\ngrowth.services,2021,6.1,final\r\n", id="unknown column"
    ),
    pytest.param(
        HEADER
        + b"growth.servics,2021,6.1,final,,\r\ngrowth.services,2031,6.1,final,,\r\n"
        + b"growth.services,2020,6.1,final,,\r\ngrowth.services,21,x,done,,\r\n"
        + b"retail,2021,-1,final,,\r\ngrowth.services,2022,-100,final,,\r\n"
        + b"growth.services,2022,1,700,final,,\r\noutput.services,2021,1.0,final,,\r\n"
        + b'growth.industry,2022,inf,final,,\r\ngrowth.industry,2023,"1,700",final,,\r\n'
        + b"growth.total,2023,5,final,,\r\ngrowth.total,2023,5,final,,\r\n",
        id="row problems",
    ),
    pytest.param(
        HEADER
        + b"growth.services,2031,6.1,final,,\r\ngrowth.services,2020,6.1,final,,\r\n"
        + b"output.services,2021,1.0,final,,\r\ngrowth.investment,2021,6.1,final,,\r\n",
        id="outside the scenario",
    ),
    pytest.param(
        b"indicator;year;value;status\r\ngrowth.services;2021;1.234;final\r\n"
        + b"growth.industry;2021;abc;final\r\n",
        id="semicolons",
    ),
    pytest.param(
        b"indicator,year,value,status,concept\r\ngrowth.services,2021,6.1,final,landuse\r\n"
        + b"growth.industry,2021,6.1,final,includes_land_use\r\n",
        id="concepts",
    ),
    pytest.param(
        b"indicator,year,value,status,concept\r\n"
        + b"budget_revenue,2021,6.1,final,includes_land_use\r\n",
        id="nothing comparable",
    ),
]


# Files that load with a warning (the catalogue above holds errors).
WARNING_CASES = {
    "thousands separator": MINIMAL.replace("base = 46.0", "base = 46.000"),
    "elasticity outside 0-3": MINIMAL.replace("elasticity = 0.3", "elasticity = 3.5"),
}


def test_every_warning_of_the_warning_cases_is_said_in_vietnamese(tmp_path):
    for number, text in enumerate(WARNING_CASES.values()):
        path = tmp_path / f"warned_{number}.toml"
        path.write_text(text, encoding="utf-8")
        warnings = load_scenario(path, tmp_path).warnings
        assert warnings, text
        for warning in warnings:
            _assert_vietnamese(warning, str(tmp_path))


def test_every_rule_of_the_catalogue_is_said_in_vietnamese(tmp_path):
    problems = _catalogue(tmp_path) + _actuals_problems(tmp_path)
    rules = {p.rule for p in problems}
    assert len(rules) >= 90  # (the catalogue reaches most of the rules)
    for problem in problems:
        _assert_vietnamese(problem, str(tmp_path))


def test_a_vi_run_lists_a_broken_scenarios_problems_in_vietnamese(run, scenario_dir):
    (scenario_dir / "broken.toml").write_text(BROKEN, encoding="utf-8")
    code, _out, err = run("broken", *RUN)
    assert code == 2
    path = Path("scenarios") / "broken.toml"
    assert err.splitlines() == [
        "lỗi: 4 lỗi trong dữ liệu đầu vào của kịch bản:",
        f"  - {path}: structure.residual = 'normalize': phải là một trong 'normalise', 'other'",
        f"  - {path}: sectors.services.growth_pct = 'fast': phải là một số, không phải văn bản",
        f"  - {path}: sectors.industry.groth_pct_by_year = {{...}}: không có khóa này "
        "(có phải ý bạn là 'growth_pct_by_year'?)",
        f"  - {path}: indicators.income_per_capita.base = -46.0: phải lớn hơn 0",
    ]
    code, _out, err = run("broken", *RUN, "--lang", "en")
    assert code == 2
    assert err.splitlines() == [
        "error: 4 problems in scenario input:",
        f"  - {path}: structure.residual = 'normalize': must be one of 'normalise', 'other'",
        f"  - {path}: sectors.services.growth_pct = 'fast': must be a number, not str",
        f"  - {path}: sectors.industry.groth_pct_by_year = {{...}}: unknown key "
        "(did you mean 'growth_pct_by_year'?)",
        f"  - {path}: indicators.income_per_capita.base = -46.0: must be greater than 0",
    ]


def test_a_vi_run_lists_a_broken_plans_problems_in_vietnamese(run, scenario_dir):
    (scenario_dir / "plan.toml").write_text(BROKEN_PLAN, encoding="utf-8")
    code, _out, err = run("baseline", *RUN)
    assert code == 2
    plan = Path("scenarios") / "plan.toml"
    lines = err.splitlines()
    assert lines[0] == "lỗi: 11 lỗi trong dữ liệu đầu vào của kịch bản:"
    assert f"  - {plan}: targets.b.high = 8.0: không được nhỏ hơn low (9)" in lines
    assert (
        f"  - {plan}: targets.c.low = (thiếu): thiếu con số của chỉ tiêu: low và/hoặc high "
        "(một khoảng), hoặc approx (khoảng)"
    ) in lines
    assert not RULE_WORDS.search(err)
    code, _out, err = run("baseline", *RUN, "--lang", "en")
    assert err.splitlines()[0] == "error: 11 problems in scenario input:"
    assert f"  - {plan}: targets.b.high = 8.0: must not be below low (9)" in err.splitlines()


def test_a_vi_run_lists_a_broken_actuals_files_problems_in_vietnamese(run, tmp_path):
    actuals = tmp_path / "actuals.csv"
    actuals.write_bytes(
        HEADER
        + b"growth.servics,2021,6.1,final,,\r\n"
        + b"growth.services,2022,6.1,done,,\r\n"
        + b'growth.industry,2022,"1,700",final,,\r\n'
    )
    code, _out, err = run("baseline", *RUN, "--actuals", str(actuals))
    assert code == 2
    assert err.splitlines() == [
        "lỗi: 3 lỗi trong tệp số liệu thực tế:",
        f"  - {actuals}:2: indicator = 'growth.servics': không có chỉ tiêu này "
        "(có phải ý bạn là 'growth.services'?)",
        f"  - {actuals}:3: status = 'done': phải là một trong final, estimate "
        "(chính thức, ước tính)",
        f"  - {actuals}:4: value = '1,700': có vẻ có dấu phân cách hàng nghìn: hãy ghi số không "
        "có dấu đó (1700, không phải 1,700 hay 1.700)",
    ]
    code, _out, err = run("baseline", *RUN, "--actuals", str(actuals), "--lang", "en")
    assert err.splitlines()[:3] == [
        "error: 3 problems in the actuals file:",
        f"  - {actuals}:2: indicator = 'growth.servics': unknown indicator "
        "(did you mean 'growth.services'?)",
        f"  - {actuals}:3: status = 'done': must be one of final, estimate",
    ]


def test_a_computed_number_in_a_vietnamese_message_has_the_decimal_comma(tmp_path):
    path = tmp_path / "shares.toml"
    path.write_text(MINIMAL.replace("48.5", "52.4"), encoding="utf-8")
    (problem,) = (
        p for p in load_scenario(path, tmp_path).warnings if p.key == "structure.residual"
    )
    # 52.4 + 43.1 + 7.5 = 103 %: 3 points from 100, every share times 100 / 103 = 0.97087...
    shown = problem.render("vi")
    assert (
        "tổng (services 52,4, industry 43,1, agriculture 7,5) là 103 %, cách 100 3,0 điểm" in shown
    )
    assert "nhân mỗi tỷ trọng với 0,971" in shown
    assert "sum to 103 %, 3.0 points from 100; normalising scales every share by 0.971" in (
        problem.render("en")
    )
