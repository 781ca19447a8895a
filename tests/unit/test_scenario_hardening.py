"""Issue 15, scenario files and --set: every bad input is a listed problem, never a traceback, and
no valid input projects inf or NaN.

Each case runs the command (`sim.cli.main`) and checks the exit code, that no traceback is
printed, the message's key words, and that an earlier results folder is left byte-identical.
"""

from __future__ import annotations

import json
import os
import random
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest
from conftest import MINIMAL, SCENARIOS, problems_of

from sim.cli import main
from sim.output.publish import TOOL_NAME
from sim.run import run_scenario
from sim.scenario.loader import MAX_KEYS, ScenarioError, load_scenario, parse_setting
from sim.scenario.rules import RESERVED_SCENARIO_NAMES

EXIT_USER_ERROR = 2

# ----------------------------------------------------------------------------- running the command


@pytest.fixture
def earlier_results(tmp_path):
    """An output folder holding an earlier run's files (the tool's manifest among them, so the
    folder is one the tool may replace): a failed run must leave it as it was."""
    out = tmp_path / "results"
    out.mkdir()
    (out / "scorecard.csv").write_bytes(b"earlier,results\n1,2\n")
    (out / "manifest.json").write_text(json.dumps({"tool": TOOL_NAME}))
    return out


def run_cli(capsys, out: Path, *args: str) -> tuple[int, str]:
    """Run the command; returns (exit code, stderr), having checked that no traceback was printed
    and that the earlier results are untouched."""
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # (--lang en: these tests read the English messages; tests/unit/test_messages_vi.py the
    # Vietnamese ones)
    code = main(
        [*args, "--out", str(out), "--no-charts", "--no-history", "--quiet", "--lang", "en"]
    )
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    return code, captured.err


def with_years(by_year: str) -> str:
    return MINIMAL + f"[sectors.industry.growth_pct_by_year]\n{by_year}\n"


def deep_table(depth: int) -> str:
    return MINIMAL + "[uncertainty." + ".".join(["a"] * depth) + "]\nx = 1\n"


UNKNOWN_KEYS = "".join(f"unknown_{i} = 1\n" for i in range(10_000))

# (id, file text, key words every one of which the error must contain)
FILE_CASES = [
    ("superscript year", with_years('"202²" = 4'), ["202²", "4-digit year", "0-9"]),
    ("full-width year", with_years('"２０２１" = 4'), ["２０２１", "4-digit year", "0-9"]),
    ("int of 309 digits", MINIMAL.replace("base = 46.0", "base = 1" + "0" * 309), ["out of range"]),
    ("int of 4,400 digits", MINIMAL.replace("base = 46.0", "base = 1" + "0" * 4400), ["4300"]),
    ("arrays 3,000 deep", MINIMAL + "x = " + "[" * 3000 + "]" * 3000, ["nested too deep"]),
    ("tables 3,000 deep", deep_table(3000), ["nested more than 12 levels"]),
    (
        "growth 1e308",
        MINIMAL.replace("growth_pct = 16.0", "growth_pct = 1e308"),
        ["sectors.services.growth_pct", "above 1,000 %/yr"],
    ),
    (
        "growth 1,001 %",
        MINIMAL.replace("growth_pct = 16.0", "growth_pct = 1001"),
        ["above 1,000 %/yr"],
    ),
    (
        "base 1e308",
        MINIMAL.replace("base = 46.0", "base = 1e308"),
        ["indicators.income_per_capita.base", "must not exceed 1e+12"],
    ),
    (
        "elasticity 1e308",
        MINIMAL.replace("elasticity = 0.3", "elasticity = 1e308"),
        ["elasticity", "within -20 and 20"],
    ),
    (
        "elasticity -21",
        MINIMAL.replace("elasticity = 0.3", "elasticity = -21"),
        ["within -20 and 20"],
    ),
    (
        "valid values that drive a level negative",
        MINIMAL.replace("elasticity = 0.3", "elasticity = -5").replace(
            "growth_pct = 16.0", "growth_pct = 500"
        ),
        ["income_per_capita", "not a positive finite number", "at or below -100 %/yr"],
    ),
    ("reserved name", 'name = "scorecard"\n' + MINIMAL, ["'scorecard'", "every run writes"]),
    ("name of 65 characters", 'name = "' + "a" * 65 + '"\n' + MINIMAL, ["at most 64"]),
    (
        "title of 20,000 characters",
        MINIMAL.replace('en = "Test"', 'en = "' + "T" * 20_000 + '"'),
        ["title.en", "at most 200 characters, not 20,000"],
    ),
    (
        "description of 2,001 characters",
        'description = { en = "' + "d" * 2001 + '" }\n' + MINIMAL,
        ["description.en", "at most 2,000 characters"],
    ),
    ("10,000 unknown keys", MINIMAL + UNKNOWN_KEYS, [f"more than {MAX_KEYS:,} keys"]),
    (
        "shares summing to 199 % with normalise",
        MINIMAL.replace("share_pct = 48.5", "share_pct = 98.5").replace(
            "share_pct = 43.1", "share_pct = 93.1"
        ),
        ["sum to 199.1 %", "at most 10 points"],
    ),
    (
        "an empty correlation block",
        MINIMAL + "[uncertainty.correlation]\n",
        ["uncertainty.correlation.parameters", "uncertainty.correlation.matrix", "required"],
    ),
    ("extends /etc/passwd", 'extends = "/etc/passwd"\n', ["/etc/passwd", "not a .toml file"]),
]


@pytest.mark.parametrize("text, words", [c[1:] for c in FILE_CASES], ids=[c[0] for c in FILE_CASES])
def test_a_bad_scenario_file_is_a_listed_problem(capsys, earlier_results, tmp_path, text, words):
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    code, err = run_cli(capsys, earlier_results, str(path))
    assert time.perf_counter() - started < 5.0  # refused quickly, whatever the size
    assert code == EXIT_USER_ERROR
    assert str(path) in err
    for word in words:
        assert word in err, err[:2000]
    assert len(err) < 2000  # every echo is cut short


def test_a_100000_character_key_is_echoed_cut_short(capsys, earlier_results, tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(MINIMAL + "k" * 100_000 + " = 1\n", encoding="utf-8")
    code, err = run_cli(capsys, earlier_results, str(path))
    assert code == EXIT_USER_ERROR
    assert "indicators.income_per_capita.kkkkkkkkkk" in err and "kkk... = 1: unknown key" in err
    assert len(err) < 500
    assert "unknown key" in err


# (id, --set text, key words)
SET_CASES = [
    (
        "a line break",
        "sectors.industry.growth_pct=5\nend_year=2030",
        ["line break", "one --set sets one KEY=VALUE"],
    ),
    ("int of 400 digits", "indicators.income_per_capita.base=1" + "0" * 400, ["out of range"]),
    ("int of 4,400 digits", "indicators.income_per_capita.base=1" + "0" * 4400, ["4300"]),
    ("arrays 3,000 deep", "sectors.industry.growth_pct=" + "[" * 3000 + "]" * 3000, ["too deep"]),
    ("keys 3,000 deep", "uncertainty." + ".".join(["a"] * 3000) + "=1", ["more than 12 levels"]),
    ("superscript year", "sectors.industry.growth_pct_by_year.202²=4", ["4-digit year"]),
    ("full-width year", "sectors.industry.growth_pct_by_year.２０２１=4", ["4-digit year"]),
    ("growth 1e308", "sectors.industry.growth_pct=1e308", ["above 1,000 %/yr"]),
    ("elasticity 1e308", "indicators.income_per_capita.elasticity=1e308", ["within -20 and 20"]),
    ("a text of 20,000 characters", "sectors.industry.source=" + "s" * 20_000, ["at most"]),
]


@pytest.mark.parametrize(
    "setting, words", [c[1:] for c in SET_CASES], ids=[c[0] for c in SET_CASES]
)
def test_a_bad_set_is_a_listed_problem(capsys, earlier_results, tmp_path, setting, words):
    path = tmp_path / "case.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    code, err = run_cli(capsys, earlier_results, str(path), "--set", setting)
    assert code == EXIT_USER_ERROR
    assert "--set " in err
    for word in words:
        assert word in err, err[:2000]
    assert len(err) < 1000


def test_a_set_table_where_a_bound_was_is_a_problem(capsys, earlier_results):
    """Found by the fuzz test: each layer passed on its own, and the merged table held a table
    where baseline.toml has the number low = 14.5 (TypeError in float())."""
    setting = 'uncertainty.sectors.industry.growth_pct.low.dist="uniform"'
    code, err = run_cli(
        capsys, earlier_results, "baseline", "--scenarios-dir", str(SCENARIOS), "--set", setting
    )
    assert code == EXIT_USER_ERROR
    assert f"--set {setting}: uncertainty.sectors.industry.growth_pct.low = {{...}}" in err
    assert "must be a number, not dict" in err


def test_a_set_base_year_is_blamed_on_the_option_not_the_file(capsys, earlier_results, tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    code, err = run_cli(capsys, earlier_results, str(path), "--set", "base_year=2030")
    assert code == EXIT_USER_ERROR
    assert f"--set base_year=2030: base_year = 2030: the end year 2025 (set in {path})" in err


def test_years_moved_by_set_are_named_in_the_problem(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(with_years("2021 = 3"), encoding="utf-8")
    [problem] = problems_of(path, settings=["base_year=2022"])
    assert "outside the projected years 2023-2025 (the years set by --set base_year=2022)" in (
        problem
    )


def test_the_same_problem_of_every_scenario_is_listed_once(capsys, earlier_results):
    """A NaN --set breaks all three bundled scenarios the same way: one line, not three (NaN is
    not equal to itself, so the old de-duplication by equality kept all three)."""
    code, err = run_cli(
        capsys,
        earlier_results,
        "--scenarios-dir",
        str(SCENARIOS),
        "--set",
        "sectors.industry.growth_pct=nan",
    )
    assert code == EXIT_USER_ERROR
    assert err.count("must be a finite number") == 1
    assert "1 problem in scenario input" in err


# ----------------------------------------------------------------------------- files that are no file


def test_extends_names_what_it_found_instead_of_a_file(capsys, earlier_results, tmp_path):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "dir.toml").mkdir()
    os.mkfifo(folder / "pipe.toml")
    os.symlink(folder / "loop_b.toml", folder / "loop_a.toml")
    os.symlink(folder / "loop_a.toml", folder / "loop_b.toml")
    os.symlink(folder / "gone.toml", folder / "broken.toml")
    expected = {
        "dir": "a folder, not a scenario file",
        "pipe": "not a regular file (a pipe, device or socket)",
        "loop_a": "a symbolic link that loops",
        "broken": f"a symbolic link to {folder / 'gone.toml'}, which does not exist",
        "missing": "parent scenario not found at",
    }
    for parent, words in expected.items():
        child = folder / f"child_{parent}.toml"
        child.write_text(f'extends = "{parent}"\n', encoding="utf-8")
        code, err = run_cli(capsys, earlier_results, str(child))
        assert code == EXIT_USER_ERROR
        assert f"extends = '{parent}'" in err and words in err, err


def test_a_broken_link_in_the_scenarios_folder_is_named_not_skipped(
    capsys, earlier_results, tmp_path
):
    folder = tmp_path / "s"
    folder.mkdir()
    (folder / "good.toml").write_text(MINIMAL, encoding="utf-8")
    os.symlink(folder / "moved_away.toml", folder / "old.toml")
    code, err = run_cli(capsys, earlier_results, "--scenarios-dir", str(folder))
    assert code == EXIT_USER_ERROR
    assert f"{folder / 'old.toml'}: a symbolic link to {folder / 'moved_away.toml'}" in err


def test_a_folder_or_pipe_given_as_the_scenario(capsys, earlier_results, tmp_path):
    (tmp_path / "x.toml").mkdir()
    os.mkfifo(tmp_path / "p.toml")
    code, err = run_cli(capsys, earlier_results, str(tmp_path / "x.toml"))
    assert code == EXIT_USER_ERROR and "x.toml: a folder, not a scenario file" in err
    code, err = run_cli(capsys, earlier_results, str(tmp_path / "p.toml"))
    assert code == EXIT_USER_ERROR and "p.toml: not a regular file" in err


def test_a_name_too_long_for_the_file_system(capsys, earlier_results):
    code, err = run_cli(capsys, earlier_results, "n" * 300 + ".toml")
    assert code == EXIT_USER_ERROR
    assert "cannot be read: File name too long" in err


def test_an_unreadable_file_is_a_problem(capsys, earlier_results, tmp_path, monkeypatch):
    """Tests run as root, who may read any file: the refusal is simulated where the file is
    opened."""
    path = tmp_path / "locked.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    opened = Path.open

    def refuse(self, *args, **kwargs):
        if self.name == "locked.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refuse)
    code, err = run_cli(capsys, earlier_results, str(path))
    assert code == EXIT_USER_ERROR
    assert f"{path}: cannot be read: Permission denied" in err


def test_an_unreadable_parent_folder_is_a_problem(capsys, earlier_results, tmp_path, monkeypatch):
    path = tmp_path / "closed" / "child.toml"
    path.parent.mkdir()
    path.write_text(MINIMAL, encoding="utf-8")
    stat = Path.stat

    def refuse(self, *args, **kwargs):
        if self.parent.name == "closed":
            raise PermissionError(13, "Permission denied", str(self))
        return stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refuse)
    code, err = run_cli(capsys, earlier_results, str(path))
    assert code == EXIT_USER_ERROR
    assert "cannot be read: Permission denied" in err


def test_a_file_over_one_megabyte_is_refused_unread(capsys, earlier_results, tmp_path):
    path = tmp_path / "big.toml"
    path.write_text(MINIMAL + "# " + "x" * 1_000_000 + "\n", encoding="utf-8")
    code, err = run_cli(capsys, earlier_results, str(path))
    assert code == EXIT_USER_ERROR
    assert "a scenario file may have at most 1,000,000" in err


# ----------------------------------------------------------------------------- what still loads


def test_an_empty_correlation_list_is_accepted(tmp_path):
    """The fix of commit f7821c0 (IndexError before): parameters = [] correlates nothing."""
    path = tmp_path / "case.toml"
    block = (
        "[uncertainty.sectors.services.growth_pct]\n"
        'dist = "uniform"\nlow = 15.0\nhigh = 17.0\n'
        "[uncertainty.correlation]\nparameters = []\nmatrix = []\n"
    )
    path.write_text(MINIMAL + block, encoding="utf-8")
    spec = load_scenario(path, tmp_path).uncertainty
    np.testing.assert_array_equal(spec.correlation, np.eye(1))


def test_shares_a_few_points_off_normalise_with_a_loud_warning(tmp_path):
    path = tmp_path / "case.toml"
    path.write_text(MINIMAL.replace("share_pct = 48.5", "share_pct = 53.5"), encoding="utf-8")
    scenario = load_scenario(path, tmp_path)  # 104.1 %: 4.1 points, between 2 and 10
    [warning] = [str(w) for w in scenario.warnings if "structure.residual" in str(w)]
    assert "CHECK THE SHARES" in warning and "sum to 104.1 %, 4.1 points from 100" in warning
    path.write_text(MINIMAL, encoding="utf-8")  # 99.1 %: rounding, no warning
    assert not load_scenario(path, tmp_path).warnings


def test_the_corner_of_the_bounds_projects_finite_numbers(tmp_path):
    """The largest rates, elasticity and base over the longest horizon: every level stays finite
    and positive, so no valid scenario can write inf or NaN."""
    text = (
        MINIMAL.replace("end_year = 2025", "end_year = 2070")
        .replace("growth_pct = 16.0", "growth_pct = 1000")
        .replace("growth_pct = 15.0", "growth_pct = 1000")
        .replace("growth_pct = 3.5", "growth_pct = 1000")
        .replace("base = 46.0", "base = 1e12")
        .replace("elasticity = 0.3", "elasticity = 20")
    )
    path = tmp_path / "case.toml"
    path.write_text(text, encoding="utf-8")
    result = run_scenario(load_scenario(path, tmp_path))
    level = result.series["income_per_capita"]
    assert level[-1] == pytest.approx(1e12 * 201.0**50, rel=1e-9)
    for name, values in result.series.items():
        assert np.isfinite(values[1:]).all(), name


def test_parse_setting_reads_one_value():
    assert parse_setting("sectors.industry.growth_pct = 10") == ("sectors.industry.growth_pct", 10)
    assert parse_setting("structure.residual=other") == ("structure.residual", "other")
    with pytest.raises(ScenarioError, match="line break") as info:
        parse_setting("a=1\rb=2")
    assert info.value.problems[0].source == "--set a=1\\rb=2"  # (echoed on one line)


@pytest.mark.slow
def test_reserved_names_cover_every_file_a_run_writes(tmp_path, capsys):
    """A scenario's table is `<name>.csv` beside every top-level output, and beside the history
    and tracking tables: the reserved names must cover every stem a run writes there."""
    out = tmp_path / "results"
    code = main(
        [
            "--scenarios-dir",
            str(SCENARIOS),
            "--out",
            str(out),
            "--actuals",
            str(SCENARIOS / "actuals_example.csv"),
            "--rebase-year",
            "2023",
            "--no-charts",  # (charts/ and report.html are reserved too; drawing takes a minute)
            "--quiet",
        ]
    )
    assert code == 0, capsys.readouterr().err
    names = {"baseline", "covid_shock", "optimistic", "history_2016_2020"}
    for folder in (out, out / "history", out / "tracking"):
        stems = {p.name.split(".")[0] for p in folder.iterdir()}
        stems = {s.removesuffix("_rebaselined") for s in stems}
        assert stems - names <= set(RESERVED_SCENARIO_NAMES), (folder, stems - names)


# ----------------------------------------------------------------------------- fuzzing


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    assert isinstance(value, dict)
    items = ", ".join(
        f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}" for k, v in value.items()
    )
    return "{ " + items + " }"


def _to_toml(document: dict) -> str:
    return "".join(
        f"{json.dumps(k, ensure_ascii=False)} = {_toml_value(v)}\n" for k, v in document.items()
    )


JUNK = [
    "x",
    "",
    "２０２１",
    "202²",
    "\u202e\u0000",
    "☃" * 50,
    1e308,
    -1e308,
    float("nan"),
    float("inf"),
    10**400,
    -(10**20),
    -1000,
    -99.99,
    0,
    True,
    [],
    {},
    [[1.0]],
    {"a": {"b": 1}},
]


def _paths(node: object, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    return found


def _mutate(document: dict, rng: random.Random) -> dict:
    """A copy of `document` with a few random deletions, value swaps and duplicated tables."""
    document = json.loads(json.dumps(document))  # (a deep copy; TOML has no NaN yet here)
    for _ in range(rng.randint(1, 4)):
        paths = _paths(document)
        if not paths:
            break
        path = rng.choice(paths)
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        action = rng.random()
        if action < 0.25:
            del parent[path[-1]]
        elif action < 0.8:
            parent[path[-1]] = rng.choice(JUNK)
        elif isinstance(parent[path[-1]], dict):
            parent[rng.choice(["2021", "２０２２", "copy", path[-1] + "_2"])] = parent[path[-1]]
        elif isinstance(parent[path[-1]], int | float) and abs(parent[path[-1]]) < 1e300:
            parent[path[-1]] = parent[path[-1]] * rng.choice([-1, 10, 1e6, 1e300])
    return document


def _check_outcome(path: Path, folder: Path, settings: list[str]) -> str:
    """Load and project; anything but a ScenarioError or a finite projection fails the test."""
    try:
        scenario = load_scenario(path, folder, settings)
    except ScenarioError:
        return "refused"
    result = run_scenario(scenario)
    for name, values in result.series.items():
        assert np.isfinite(values[1:]).all(), (path.read_text(encoding="utf-8"), settings, name)
    return "loaded"


@pytest.mark.slow
def test_fuzzed_scenarios_are_refused_or_project_finite_numbers(tmp_path):
    """A few hundred seeded mutants of the bundled files (and of --set values): no exception but
    ScenarioError, and no inf or NaN in the projection of a scenario that loads."""
    rng = random.Random(15)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    originals = {p.stem: p.read_text(encoding="utf-8") for p in SCENARIOS.glob("*.toml")}
    documents = {name: tomllib.loads(text) for name, text in originals.items()}
    outcomes = {"refused": 0, "loaded": 0}
    with np.errstate(all="raise"):  # (a numpy overflow would raise, and fail the test)
        for case in range(300):
            for name, text in originals.items():
                (folder / f"{name}.toml").write_text(text, encoding="utf-8")
            name = rng.choice(sorted(documents))
            target = folder / f"{name}.toml"
            settings: list[str] = []
            if case % 5 == 4:  # a raw-text mutant: a duplicated line, junk characters
                lines = originals[name].splitlines(keepends=True)
                at = rng.randrange(len(lines))
                lines.insert(at, rng.choice([lines[at], "２０２１ = 1\n", "\x7f\n", "[sectors]\n"]))
                target.write_text("".join(lines), encoding="utf-8")
            elif case % 5 == 3:  # a --set mutant
                key = rng.choice([".".join(p) for p in _paths(documents["baseline"])])
                settings = [f"{key}={_toml_value(rng.choice(JUNK))}"]
            else:
                target.write_text(_to_toml(_mutate(documents[name], rng)), encoding="utf-8")
            outcomes[_check_outcome(folder / "covid_shock.toml", folder, settings)] += 1
            outcomes[_check_outcome(target, folder, settings)] += 1
    assert outcomes["refused"] > 100 and outcomes["loaded"] > 50, outcomes
