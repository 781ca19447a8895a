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
from openpyxl import load_workbook
from test_live_workbook import recalculate, soffice
from workbook_reading import results_of, scenario_mismatches, scorecard_mismatches

from sim.cli import main
from sim.output.live_workbook import scenario_sheets, write_live_workbook
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


@pytest.mark.slow
def test_years_show_as_years_in_every_sheet(every_csv):
    """2025, never 2,025.0: every year cell of the workbook (the scenario sheets, the summary,
    the assumptions and the simulation's value sheets) is a whole number formatted "0"."""
    book = load_workbook(every_csv / "projections.xlsx")
    checked = 0
    for sheet in book:
        header = [c.value for c in sheet[2]]
        for column in ("year", "end_year"):
            if column not in header:
                continue
            for row in sheet.iter_rows(
                min_row=3, min_col=header.index(column) + 1, max_col=header.index(column) + 1
            ):
                cell = row[0]
                if cell.value is None:
                    continue
                assert cell.value == int(cell.value) and cell.number_format == "0", (
                    sheet.title,
                    cell.coordinate,
                )
                checked += 1
    assert checked > 100


LONG = "a_scenario_name_longer_than_excel_allows"  # 40 characters


@pytest.mark.slow
def test_long_and_colliding_names_open_and_recalculate_in_libreoffice(tmp_path):
    """Scenario titles (the tabs' names) over 31 characters that share their first 31, and one
    that is the English summary sheet's name: the sheets are named within Excel's rules,
    LibreOffice opens the workbook and its recalculation equals the CLI."""
    soffice()
    folder = tmp_path / "scenarios"
    folder.mkdir()
    base = SCENARIOS / "baseline.toml"
    files = {
        "one": f'title = {{ vi = "Một", en = "{LONG} one" }}',
        "two": f'title = {{ vi = "Hai", en = "{LONG} two" }}\n[sectors.services]\ngrowth_pct = 15.0',
        "summary": 'title = { vi = "Tóm", en = "Summary" }\n[sectors.industry]\ngrowth_pct = 14.0',
    }
    for name, body in files.items():
        (folder / f"{name}.toml").write_text(f'extends = "{base}"\n{body}\n', encoding="utf-8")
    results = results_of(list(files), folder)
    written = tmp_path / "written" / "projections.xlsx"
    written.parent.mkdir()
    write_live_workbook(results, written, "en")
    titles = load_workbook(written, read_only=True).sheetnames
    assert titles[:6] == [
        "Summary",
        "Scorecard",
        "Assumptions",
        LONG[:31],
        LONG[:29] + "~2",
        "Summary~2",
    ]
    assert scenario_sheets(results, "en") == dict(zip(files, titles[3:6], strict=True))
    recalculated = recalculate([written], tmp_path / "recalculated")["projections"]
    book = load_workbook(recalculated, data_only=True)
    assert book.sheetnames == titles
    for result, sheet in zip(results, titles[3:6], strict=True):
        assert scenario_mismatches(book, result, "en", sheet) == []
    assert scorecard_mismatches(book, results, "en") == []
