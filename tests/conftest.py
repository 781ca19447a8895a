import os
import shutil
from pathlib import Path

import pytest

from sim.scenario.loader import ScenarioError, load_scenario

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = REPO / "scenarios"
BUNDLED_PLAN = SCENARIOS / "plan.toml"
TARGETS = load_scenario("baseline", SCENARIOS).plan.targets
"""The bundled plan's targets (scenarios/plan.toml: Hương Trà 2020-2025)."""

# Tests draw every chart afresh and never touch the user's chart cache (in-process runs and the
# command started in a new interpreter alike); tests/e2e/test_chart_cache.py opens its own.
os.environ["HUONGTRA_SIM_CACHE"] = "off"


@pytest.fixture
def scenario_dir(tmp_path):
    """A writable copy of the bundled scenarios."""
    target = tmp_path / "scenarios"
    shutil.copytree(SCENARIOS, target)
    return target


@pytest.fixture
def run(tmp_path, scenario_dir, monkeypatch, capsys):
    """run(*args) -> (exit code, stdout, stderr), in a temp folder holding scenarios/."""
    from sim.cli import main  # (here, not at the top: conftest loads for every test)

    monkeypatch.chdir(tmp_path)

    def invoke(*args):
        code = main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture
def write_scenario(tmp_path):
    """write_scenario(name, text) -> path of a scenario file in a temporary folder."""
    folder = tmp_path / "user"
    folder.mkdir()
    shutil.copy(BUNDLED_PLAN, folder / "plan.toml")  # scored against the bundled plan

    def write(name: str, text: str) -> Path:
        path = folder / f"{name}.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


MINIMAL = """
base_year = 2020
end_year = 2025
title = { vi = "Thử", en = "Test" }
[structure]
residual = "normalise"
[sectors.services]
share_pct = 48.5
growth_pct = 16.0
[sectors.industry]
share_pct = 43.1
growth_pct = 15.0
[sectors.agriculture]
share_pct = 7.5
growth_pct = 3.5
[indicators.income_per_capita]
base = 46.0
unit = "million VND/person"
rule = "elasticity"
elasticity = 0.3
"""


def problems_of(path, **kwargs):
    """Every problem message of loading the scenario at `path` (which must fail)."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, path.parent, **kwargs)
    return [str(p) for p in info.value.problems]


def only_problem(path, **kwargs):
    problems = problems_of(path, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium (Debian's, through Playwright) for the page tests; skipped where either
    is missing (.ci/run installs both). One a test module, closed after it: a browser left open
    is a child process of the run, and tests/e2e/test_hardening_signals.py counts those."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    chromium = next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
    )
    if chromium is None:
        pytest.skip(
            "no Chromium browser on this machine (Debian package 'chromium'); .ci/run installs it"
        )
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()
