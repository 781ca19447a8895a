"""Plan files: the bundled plan is the source's targets; every mistake of a plan file is reported
at once; "about" targets with a tolerance; where a scenario's plan is found; --new-plan; and no
Python file of sim/ names a locality or a target figure."""

import ast
import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, SCENARIOS, TARGETS

from sim.cli import main
from sim.core.targets import status_of, target_by_key
from sim.output.i18n import band_text
from sim.run import load_scenarios, run_scenario
from sim.scenario.loader import ScenarioError, load_scenario
from sim.scenario.plan import unknown_indicator_problems

BROKEN_PLAN = """
[plan]
term = [2030, 2025]
sourse = { vi = "x", en = "x" }
example = "yes"

[targets.growth]
indicator = "output.total"
measure = "average"
low = 9.0
high = 8.0
label = { vi = "Tăng", en = "Growth" }

[targets.budget]
indicator = "budget_concept"
measure = "level"
approx = 100.0
low = 90.0
label = { vi = "Ngân sách", en = "Budget" }

[targets.floor]
indicator = "land_use_revenue"
measure = "min_each_year"
tolerance_pct = 2
label = { vi = "Đất", en = "Land" }
seek = ["growth_pct"]

[targets.Bad-Key]
measure = "cagr"
low = 1.0

[history]
scenario = 3
[history.growth_pct]
total = -150.0
"""


def test_the_bundled_plan_holds_the_source_figures():
    # docs/source_figures.md (b), T1 and T8: 14-15 %/yr, "khoảng 600 tỷ đồng" as at least 600
    plan = load_scenario("baseline", SCENARIOS).plan
    assert plan.term == (2020, 2025) and plan.locality.vi == "thị xã Hương Trà"
    growth = target_by_key("output_growth", plan.targets)
    assert (growth.low, growth.high, growth.unit, growth.source_lines) == (
        14.0,
        15.0,
        "%/yr",
        "1989-1991",
    )
    budget = target_by_key("budget_2025", plan.targets)
    assert budget.approximate and (budget.low, budget.high) == (600.0, 600.0)
    assert band_text(budget, "vi") == "≈ 600 tỷ đồng, đạt khi ≥ 600"
    assert plan.history.growth_pct["output.services"] == 18.2  # A11


def test_every_mistake_of_a_plan_is_reported_at_once(write_scenario):
    path = write_scenario("base", MINIMAL)
    (path.parent / "plan.toml").write_text(BROKEN_PLAN, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    problems = [str(p) for p in info.value.problems]
    plan = str(path.parent / "plan.toml")
    expected = [
        "plan.term = [2030, 2025]: the first year must come before the last",
        "plan.sourse = ",  # unknown key ...
        "(did you mean 'source'?)",
        "plan.example = 'yes': must be true or false",
        "targets.growth.measure = 'average': must be one of 'cagr', 'level', 'min_each_year'",
        "targets.Bad-Key = ",
        "a name must be lower-case letters",
        "history.scenario = 3: must be text in quotes",
        "history.growth_pct.total = -150.0: a growth rate must lie above -100",
        "plan.locality = (missing): missing: the locality's name",
        "targets.growth.high = 8.0: must not be below low (9)",
        "targets.budget.low = 90.0: give either approx (one figure) or low/high (a band), not both",
        "targets.floor.low = (missing): missing: the target's figure",
        "targets.floor.tolerance_pct = 2: applies to an 'about' figure",
        "targets.floor.unit = (missing): missing: a level needs its unit",
        "targets.floor.seek = 'growth_pct': a parameter path",
        "history.years = (missing): missing: the record's [first, last] years",
    ]
    text = "\n".join(problems)
    for words in expected:
        assert words in text, words
    assert all(p.startswith(plan) for p in problems)


def test_a_scenario_mistake_and_a_plan_mistake_come_together(write_scenario):
    path = write_scenario("base", MINIMAL.replace("base_year = 2020\n", ""))
    plan = (SCENARIOS / "plan.toml").read_text(encoding="utf-8")
    (path.parent / "plan.toml").write_text(plan.replace("low = 14.0", "lo = 14.0"), "utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    text = str(info.value)
    assert "base_year = (missing): required" in text
    assert "targets.output_growth.lo = 14.0: unknown key (did you mean 'low'?)" in text


def test_an_about_target_is_met_within_its_tolerance(write_scenario):
    path = write_scenario("base", MINIMAL)
    plan = (SCENARIOS / "plan.toml").read_text(encoding="utf-8")
    (path.parent / "plan.toml").write_text(
        plan.replace("tolerance_pct = 0", "tolerance_pct = 2"), "utf-8"
    )
    budget = target_by_key("budget_2025", load_scenario(path).plan.targets)
    assert (budget.low, budget.high) == pytest.approx((588.0, 612.0))
    assert budget.band_text == "about 600 ± 2 %"
    assert band_text(budget, "vi") == "≈ 600 tỷ đồng ± 2 %"
    assert status_of(budget, 590.0) == ("met", 0.0)
    assert status_of(budget, 587.0) == ("missed", pytest.approx(-1.0))
    assert status_of(budget, 613.0) == ("exceeded", pytest.approx(1.0))
    assert status_of(target_by_key("budget_2025", TARGETS), 590.0)[0] == "missed"  # 0: ≥ 600


def test_a_root_scenario_names_its_plan_and_children_inherit_it(tmp_path):
    (tmp_path / "plans").mkdir()
    shutil.copy(SCENARIOS / "plan.toml", tmp_path / "plans" / "term.toml")
    (tmp_path / "root.toml").write_text(
        MINIMAL.replace("[structure]", 'plan = "plans/term.toml"\n[structure]'), "utf-8"
    )
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "child.toml").write_text(
        'extends = "../root.toml"\n[sectors.services]\ngrowth_pct = 17.0\n', "utf-8"
    )
    child = load_scenario(tmp_path / "sub" / "child.toml")
    assert Path(child.plan.file).resolve() == (tmp_path / "plans" / "term.toml").resolve()
    assert [r.target.key for r in run_scenario(child).scores] == [t.key for t in TARGETS]


def test_a_named_plan_that_is_missing_is_one_problem(tmp_path):
    (tmp_path / "root.toml").write_text(
        MINIMAL.replace("[structure]", 'plan = "nowhere.toml"\n[structure]'), "utf-8"
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path / "root.toml")
    (problem,) = info.value.problems
    assert (problem.source, problem.key) == (str(tmp_path / "root.toml"), "plan")
    assert (
        problem.value == str(tmp_path / "nowhere.toml") and problem.rule.en == "plan file not found"
    )


def test_a_run_checks_one_plan(tmp_path):
    for name, low in (("a", "14.0"), ("b", "13.0")):
        folder = tmp_path / name
        folder.mkdir()
        plan = (SCENARIOS / "plan.toml").read_text(encoding="utf-8")
        (folder / "plan.toml").write_text(plan.replace("low = 14.0", f"low = {low}"), "utf-8")
        (folder / f"{name}.toml").write_text(MINIMAL, "utf-8")
    with pytest.raises(ScenarioError, match="a run's scenarios share one plan; a uses"):
        load_scenarios([str(tmp_path / "a" / "a.toml"), str(tmp_path / "b" / "b.toml")], tmp_path)


def test_a_load_reads_each_plan_file_once_and_the_next_load_reads_it_anew(
    scenario_dir, monkeypatch
):
    import sim.scenario.loader as loader

    read: list[str] = []
    real = loader.load_plan

    def counted(path, *args, **kwargs):
        read.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(loader, "load_plan", counted)
    scenarios = load_scenarios([], scenario_dir)
    assert [s.name for s in scenarios] == ["baseline", "covid_shock", "optimistic"]
    assert read == ["plan.toml"]  # three scenarios, one plan file, read once
    assert len({id(s.plan) for s in scenarios}) == 1
    # nothing kept beyond the load: a plan edited between two runs is read anew
    plan = scenario_dir / "plan.toml"
    plan.write_text(plan.read_text("utf-8").replace("low = 14.0", "low = 13.0"), "utf-8")
    again = load_scenarios(["baseline"], scenario_dir)
    assert read == ["plan.toml", "plan.toml"]
    assert target_by_key("output_growth", again[0].plan.targets).low == 13.0


def test_a_broken_plan_shared_by_three_scenarios_is_reported_once(scenario_dir):
    plan = scenario_dir / "plan.toml"
    plan.write_text(plan.read_text("utf-8").replace("low = 14.0", "lo = 14.0"), "utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenarios([], scenario_dir)
    (problem,) = [str(p) for p in info.value.problems]
    assert problem == (
        f"{plan}: targets.output_growth.lo = 14.0: unknown key (did you mean 'low'?)"
    )


ONE_TARGET_PLAN = """
[plan]
locality = { vi = "xã Thử", en = "Test commune" }
term = [2020, 2025]
source = { vi = "Nghị quyết thử", en = "Test resolution" }

[targets.output_growth]
indicator = "output.total"
measure = "cagr"
low = 10.0
high = 12.0
label = { vi = "Tăng trưởng", en = "Growth" }
"""


def test_set_plan_chooses_the_plan_of_every_scenario_or_of_one(scenario_dir, monkeypatch):
    """--set plan=FILE (a path from the current folder) checks every scenario of the run against
    FILE; --set SCENARIO:plan=FILE that one; the scenarios changed are marked what-if."""
    monkeypatch.chdir(scenario_dir.parent)
    (scenario_dir.parent / "plans").mkdir()
    (scenario_dir.parent / "plans" / "other.toml").write_text(ONE_TARGET_PLAN, "utf-8")
    scenarios = load_scenarios([], scenario_dir, ["plan=plans/other.toml"])
    assert {s.plan.file for s in scenarios} == {str(Path("plans/other.toml"))}
    assert all(s.title("en").endswith("(what-if)") for s in scenarios)
    result = run_scenario(scenarios[0])
    (row,) = result.scores  # the other plan's one target: 10-12 %/yr, and 14.78 exceeds it
    assert (row.target.key, row.target.low, row.target.high) == ("output_growth", 10.0, 12.0)
    assert row.status == "exceeded" and row.gap == pytest.approx(row.value - 12.0)
    (one,) = load_scenarios(["optimistic"], scenario_dir, ["optimistic:plan=plans/other.toml"])
    assert one.plan.locality.en == "Test commune"
    # scoped to one scenario of three: a run checks one plan, and says so
    with pytest.raises(ScenarioError, match="a run's scenarios share one plan"):
        load_scenarios([], scenario_dir, ["optimistic:plan=plans/other.toml"])


def test_set_plan_naming_no_file_is_one_problem(scenario_dir):
    with pytest.raises(ScenarioError) as info:
        load_scenarios([], scenario_dir, ["plan=nowhere.toml"])
    (problem,) = info.value.problems
    assert str(problem) == "--set plan=nowhere.toml: plan = 'nowhere.toml': plan file not found"


# ----------------------------------------------------------------------------- --new-plan


@pytest.mark.slow
def test_the_new_plan_starter_runs_and_says_its_values_are_examples(tmp_path, capsys):
    folder = tmp_path / "new"
    assert main(["--new-plan", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == ["baseline.toml", "plan.toml"]
    assert main(["--scenarios-dir", str(folder), "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "SỐ LIỆU VÍ DỤ của bản kế hoạch mẫu" in err  # (the run's language: vi)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "SỐ LIỆU VÍ DỤ của bản kế hoạch mẫu" in html
    assert "xã Ví Dụ (ví dụ, cần thay)" in html
    card = (tmp_path / "out" / "scorecard.csv").read_text(encoding="utf-8")
    assert "output_growth" in card and "budget_2030" in card


@pytest.mark.slow
def test_the_starter_never_replaces_a_file_and_names_a_deleted_value(tmp_path, capsys):
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "baseline.toml").write_text("mine", "utf-8")
    assert main(["--new-plan", str(folder)]) == 2
    assert "baseline.toml đã có: --new-plan chỉ ghi vào" in capsys.readouterr().err  # (vi)
    assert (folder / "baseline.toml").read_text("utf-8") == "mine"
    assert not (folder / "plan.toml").exists()
    (folder / "baseline.toml").unlink()
    assert main(["--new-plan", str(folder)]) == 0
    plan = (folder / "plan.toml").read_text("utf-8")
    (folder / "plan.toml").write_text(plan.replace("low = 8.0  ", "# deleted  "), "utf-8")
    assert main(["--no-charts", "--scenarios-dir", str(folder), "--out", str(tmp_path / "o")]) == 0
    no_locality = "\n".join(line for line in plan.splitlines() if "locality =" not in line)
    (folder / "plan.toml").write_text(no_locality, "utf-8")
    assert main(["--no-charts", "--scenarios-dir", str(folder), "--out", str(tmp_path / "o")]) == 2
    assert "plan.locality = (thiếu): thiếu tên địa phương" in capsys.readouterr().err  # (vi)


# ----------------------------------------------------------------------------- no figures in code

LOCALITY_WORDS = ("Hương Trà", "Huong Tra", "Thừa Thiên")
TARGET_FIGURES = {600.0, 55.0, 58.0, 80.0, 15.5, 16.5, 14.5}
"""The bundled plan's figures that no code may hold, as floats (small and round ones such as 3,
10, 15 or 20 are left out, and whole numbers but 600: they are everywhere, as counts, widths and
defaults)."""


RECORD_FIGURES = ("2016-2020", "0.43", "0,43", "1.91", "1,91")
"""The bundled plan's track record (its years; the elasticities it implies for income and the
budget, docs/source_figures.md c6, c7) as a message would quote them: a warning in another
locality's run must not."""


def _code_strings_and_numbers(path: Path):
    """Every string literal that is not a docstring, and every number, of a Python file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in docstrings:
            yield node.value


@pytest.mark.slow
def test_no_python_file_in_sim_names_a_locality_or_a_target_figure():
    found = []
    for path in sorted((REPO / "sim").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {word}" for word in LOCALITY_WORDS if word.lower() in text.lower()]
        for value in _code_strings_and_numbers(path):
            if isinstance(value, float) and value in TARGET_FIGURES or value == 600:
                found.append(f"{path.name}: the number {value}")
            elif isinstance(value, str) and "600" in value:
                found.append(f"{path.name}: the text {value[:60]!r}")
            elif isinstance(value, str) and any(f in value for f in RECORD_FIGURES):
                found.append(f"{path.name}: the record's figure in {value[:60]!r}")
    assert not found, found


def test_a_target_on_a_series_no_scenario_projects_is_named_with_the_closest_one(tmp_path, capsys):
    for name in ("baseline.toml", "covid_shock.toml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    plan = (SCENARIOS / "plan.toml").read_text(encoding="utf-8")
    assert plan.count('indicator = "output.total"') == 1
    (tmp_path / "plan.toml").write_text(
        plan.replace('indicator = "output.total"', 'indicator = "output.totl"'), encoding="utf-8"
    )
    out = tmp_path / "out"
    run = ["--scenarios-dir", str(tmp_path), "--no-charts", "--no-history", "--out", str(out)]
    assert main(run) == 0
    err = capsys.readouterr().err
    # once for the run (no scenario of it has the series), with the name it was meant to be
    assert err.count("targets.output_growth.indicator = 'output.totl'") == 1
    assert "nên chỉ tiêu không được dự báo" in err and "(có phải ý bạn là 'output.total'?)" in err
    # the bundled plan on its own scenarios: every target's series is projected, no warning
    assert "not projected" not in "".join(
        str(p) for p in unknown_indicator_problems(load_scenarios([], SCENARIOS))
    )
    assert unknown_indicator_problems(load_scenarios([], SCENARIOS)) == []


def _without_sources(table):
    """A parsed TOML table without its `source` notes (free text, written in each language)."""
    if isinstance(table, dict):
        return {k: _without_sources(v) for k, v in table.items() if k != "source"}
    return table


def test_the_starter_in_each_language_holds_the_same_plan_and_scenario(tmp_path):
    """--new-plan writes the starter commented in the run's language: the Vietnamese and English
    templates must hold the same keys and values (their comments and source notes differ)."""
    import tomllib

    from sim.scenario.starter import write_starter

    vi, en = write_starter(tmp_path / "vi", "vi"), write_starter(tmp_path / "en", "en")
    for vi_file, en_file in zip(vi, en, strict=True):
        vi_text, en_text = vi_file.read_text("utf-8"), en_file.read_text("utf-8")
        assert _without_sources(tomllib.loads(vi_text)) == _without_sources(tomllib.loads(en_text))
        assert "VÍ DỤ" in vi_text and "EXAMPLE" in en_text
        vi_comments = " ".join(line for line in vi_text.splitlines() if line.startswith("# "))
        assert "cần thay" in vi_comments and " the " not in vi_comments  # commented in Vietnamese
    plan = tomllib.loads(vi[0].read_text("utf-8"))
    assert plan["plan"]["example"] is True and plan["plan"]["term"] == [2025, 2030]
