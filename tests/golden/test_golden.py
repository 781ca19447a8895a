"""Golden outputs: every shipped scenario file and the default run's scorecard.csv.

The expected files mirror `scenarios/`: `tests/golden/<path of the scenario file, without
.toml>.csv` (e.g. `next_term/baseline_2025_2030.csv`), plus `scorecard.csv` of a plain
`python run_scenarios.py`. Numbers are compared to 1e-10 (relative), text exactly.

After a deliberate change of a scenario file or of the model, rewrite them with

    UPDATE_GOLDEN=1 python -m pytest tests/golden

and review `git diff tests/golden` before committing. Without UPDATE_GOLDEN nothing is written.
"""

import os
import shutil

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SCENARIOS

from sim.cli import main
from sim.output.tables import wide_table
from sim.run import run_scenario
from sim.scenario.loader import load_scenario

GOLDEN = REPO / "tests" / "golden"
FLOAT_FORMAT = "%.12g"  # how the scenario goldens are written (12 digits; compared to RTOL)
RTOL = 1e-10

# Every shipped scenario file, as its path under scenarios/ without ".toml". Each file runs as
# `--scenarios-dir` of its own folder would run it (next_term/ files extend each other there).
SHIPPED = (
    "baseline",
    "covid_shock",
    "optimistic",
    "next_term/baseline_2025_2030",
    "next_term/slower_growth_2025_2030",
    "history/backcast_2016_2020",
)


def updating() -> bool:
    return bool(os.environ.get("UPDATE_GOLDEN"))


def golden_path(path):
    """`path` of a golden file, after checking it exists (UPDATE_GOLDEN=1 creates it)."""
    if not path.exists():
        pytest.fail(f"no golden file {path}; create it with UPDATE_GOLDEN=1 pytest tests/golden")
    return path


def test_every_shipped_scenario_file_has_a_golden():
    shipped = {
        str(p.relative_to(SCENARIOS).with_suffix("")).replace(os.sep, "/")
        for p in SCENARIOS.rglob("*.toml")
        if p.name != "plan.toml"  # (a plan, not a scenario)
    }
    assert shipped == set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_golden_output(name):
    """Each shipped scenario against its expected output (tests/golden/<name>.csv)."""
    folder = SCENARIOS / name.rpartition("/")[0]
    frame = wide_table(run_scenario(load_scenario(name.rpartition("/")[2], folder)))
    path = GOLDEN / f"{name}.csv"
    if updating():
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, float_format=FLOAT_FORMAT)
    expected = pd.read_csv(golden_path(path), index_col="year")
    assert list(frame.columns) == list(expected.columns)
    assert list(frame.index) == list(expected.index)
    np.testing.assert_allclose(frame.to_numpy(), expected.to_numpy(), rtol=RTOL, equal_nan=True)


def test_golden_scorecard(tmp_path, capsys):
    """scorecard.csv of the default run (every scenario in scenarios/, charts aside)."""
    out = tmp_path / "results"
    code = main(["--no-charts", "--quiet", "--scenarios-dir", str(SCENARIOS), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    path = GOLDEN / "scorecard.csv"
    if updating():
        shutil.copyfile(out / "scorecard.csv", path)  # the file exactly as the tool wrote it
    card = pd.read_csv(out / "scorecard.csv")
    expected = pd.read_csv(golden_path(path))
    assert list(card.columns) == list(expected.columns)
    assert len(card) == len(expected)
    numbers = card.select_dtypes("number").columns
    assert list(numbers) == list(expected.select_dtypes("number").columns)
    texts = [c for c in card.columns if c not in numbers]
    pd.testing.assert_frame_equal(card[texts], expected[texts])
    np.testing.assert_allclose(
        card[numbers].to_numpy(), expected[numbers].to_numpy(), rtol=RTOL, equal_nan=True
    )
