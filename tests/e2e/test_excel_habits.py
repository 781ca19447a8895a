"""Excel and Windows habits (issue 11): every CSV a run writes starts with the UTF-8 byte-order
mark (Excel on Windows then shows the Vietnamese labels), and the tool's own readers still read
them."""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import REPO, SCENARIOS

from sim.cli import main
from sim.scenario.actuals import read_actuals

BOM = codecs.BOM_UTF8  # EF BB BF


@pytest.fixture(scope="module")
def every_csv(tmp_path_factory) -> Path:
    """A run that writes every kind of CSV: scenarios, scorecard, history, tracking,
    sensitivity and compare."""
    out = tmp_path_factory.mktemp("bom") / "results"
    code = main(
        ["baseline", "covid_shock", "--scenarios-dir", str(SCENARIOS), "--no-charts", "--quiet"]
        + ["--sensitivity", "--draws", "200", "--seed", "1", "--sobol-n", "64"]
        + ["--compare", "baseline", "--actuals", str(SCENARIOS / "actuals_example.csv")]
        + ["--out", str(out)]
    )
    assert code == 0
    return out


@pytest.mark.slow
def test_every_csv_starts_with_one_byte_order_mark(every_csv):
    found = sorted(p.relative_to(every_csv).as_posix() for p in every_csv.rglob("*.csv"))
    for folder in ("", "history/", "tracking/", "sensitivity/", "compare/"):
        assert any(f.startswith(folder) and f.count("/") == folder.count("/") for f in found)
    for name in found:
        data = (every_csv / name).read_bytes()
        assert data.startswith(BOM), name
        assert not data[len(BOM) :].startswith(BOM), name  # once, not twice
        data[len(BOM) :].decode("utf-8")  # the rest is plain UTF-8
    projections = (every_csv / "projections.csv").read_bytes()
    assert projections.startswith(BOM + b"scenario,indicator,unit,year,value")
    card = (every_csv / "scorecard.csv").read_bytes()
    # a Vietnamese label, as Excel reads it once it has seen the mark
    assert "Tốc độ tăng giá trị sản xuất".encode() in card


@pytest.mark.slow
def test_the_marked_files_read_back_without_a_stray_first_character(every_csv):
    wide = pd.read_csv(every_csv / "baseline.csv", index_col="year")
    assert wide.index[0] == 2020 and wide.index.name == "year"
    card = pd.read_csv(every_csv / "scorecard.csv")
    assert card.columns[0] == "scenario"
    # the actuals reader takes a marked file (a table copied from the results, as Excel saves it)
    actuals = every_csv.parent / "actuals_marked.csv"
    actuals.write_bytes(BOM + (SCENARIOS / "actuals_example.csv").read_bytes())
    plain = read_actuals(SCENARIOS / "actuals_example.csv")
    assert read_actuals(actuals).observations == plain.observations


@pytest.mark.slow
def test_a_zero_agriculture_run_prints_no_python_warning(tmp_path):
    """0/0 of a sector with a zero share (its growth and CAGR have no value) is computed
    without a RuntimeWarning; with every warning switched on (PYTHONWARNINGS=default), the run
    prints neither Python's warnings nor the note that stands in for one."""
    baseline = (SCENARIOS / "baseline.toml").read_text(encoding="utf-8")
    zero = re.sub(r"(?m)^share_pct = 7\.5\b", "share_pct = 0.0", baseline)
    assert zero != baseline
    (tmp_path / "zero_agriculture.toml").write_text(zero, encoding="utf-8")
    command = [sys.executable, str(REPO / "run_scenarios.py"), "zero_agriculture"]
    command += ["--scenarios-dir", str(tmp_path), "--out", str(tmp_path / "out")]
    command += ["--sensitivity", "--draws", "300", "--seed", "1", "--sobol-n", "64"]
    environment = {**os.environ, "PYTHONWARNINGS": "default", "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [*command, "--no-charts"], capture_output=True, text=True, env=environment, timeout=600
    )
    assert done.returncode == 0, done.stderr
    assert "share.agriculture" in (tmp_path / "out" / "zero_agriculture.csv").read_text("utf-8-sig")
    assert "Warning" not in done.stderr and "warnings.warn" not in done.stderr
    assert "unexpected condition" not in done.stderr
