"""The live workbook as written (no spreadsheet engine): its cached values are the CLI's, its
formulas are formulas over the assumptions' named cells, texts stay texts, no macros and no
external links. tests/e2e/test_live_workbook.py recalculates it with LibreOffice."""

import zipfile

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SCENARIOS
from openpyxl import load_workbook
from workbook_reading import (
    results_of,
    scenario_mismatches,
    scorecard_mismatches,
    write_extra,
)

from sim.analysis.suite import CSV_COLUMNS, SensitivityResults
from sim.output.live_workbook import scenario_sheets, sheet_names, write_live_workbook
from sim.scenario.parameters import numeric_parameters

BUNDLED = ["baseline", "covid_shock", "optimistic"]
HISTORY = REPO / "scenarios" / "history" / "backcast_2016_2020.toml"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """(path, results) of a live workbook of the bundled scenarios, two more (normalised in
    billion VND with texts starting with "="; the "other" block at its own rate) and the
    back-cast."""
    folder = tmp_path_factory.mktemp("live")
    refs = BUNDLED + write_extra(folder / "user") + [HISTORY]
    results = results_of(refs, SCENARIOS)
    path = folder / "projections.xlsx"
    write_live_workbook(results, path, "vi")
    return path, results


def test_cached_values_equal_the_cli(written):
    path, results = written
    book = load_workbook(path, data_only=True)
    for result in results:
        assert scenario_mismatches(book, result) == []
    assert scorecard_mismatches(book, results, "vi") == []


def test_scenario_cells_are_formulas_over_named_assumptions(written):
    path, results = written
    book = load_workbook(path)
    tabs = scenario_sheets(results, "vi")  # (each scenario's tab is its title)
    assert tabs["covid_shock"] == "Kịch bản tác động dịch COVID-19"
    sheet = book[tabs["covid_shock"]]
    assert sheet["B3"].value == "=covid_shock_services_share/100*100"
    assert sheet["B4"].value == "=B3*(1+covid_shock_services_growth_2021/100)"
    assert sheet["B6"].value == "=B5*(1+covid_shock_services_growth/100)"
    income = [c.value for c in sheet[2]].index("income_per_capita") + 1
    growth_total = [c.value for c in sheet[2]].index("growth.total") + 1
    cell = sheet.cell(row=4, column=income)
    total = sheet.cell(row=4, column=growth_total).coordinate
    above = sheet.cell(row=3, column=income).coordinate
    assert cell.value == f"={above}*(1+covid_shock_income_per_capita_elasticity*{total}/100)"
    # every data cell of a projected scenario is a formula, except the base year's rates
    for result in results[:-1]:
        rows = list(book[tabs[result.scenario.name]].iter_rows(min_row=3, min_col=2))
        for t, row in enumerate(rows):
            for c in row:
                assert c.data_type == ("n" if c.value is None else "f"), (result.scenario.name, t)
    # the back-cast (anchor year, calibration) holds values and says so
    history = book[tabs["history_2016_2020"]]
    assert history["B3"].data_type == "n" and history["A1"].comment is not None


def test_assumptions_table_holds_every_numeric_parameter(written):
    path, results = written
    book = load_workbook(path)
    sheet = book["Giả định"]
    assert [c.value for c in sheet[2]] == [
        "scenario",
        "parameter",
        "year",
        "value",
        "unit",
        "source",
    ]
    rows = [r for r in sheet.iter_rows(min_row=3)]
    table = {(r[0].value, r[1].value): r for r in rows}
    for result in results:
        expected = numeric_parameters(result.scenario)
        if result.scenario.base_total_bn_vnd is not None:
            expected["structure.base_total_bn_vnd"] = result.scenario.base_total_bn_vnd
        mine = {p: r[3].value for (s, p), r in table.items() if s == result.scenario.name}
        assert mine == expected
    override = table["covid_shock", "sectors.services.growth_pct_by_year.2021"]
    assert override[2].value == 2021 and override[3].value == 4.0
    assert table["baseline", "sectors.services.growth_pct"][2].value is None
    assert table["baseline", "sectors.services.growth_pct"][4].value == "%/năm"
    # input cells: filled and unlocked on a protected sheet; the back-cast's are not inputs
    value = table["baseline", "sectors.services.growth_pct"][3]
    assert sheet.protection.sheet and value.protection.locked is False
    assert value.fill.fgColor.rgb.endswith("FFF2CC")
    assert table["history_2016_2020", "sectors.services.growth_pct"][3].protection.locked
    names = book.defined_names
    assert names["baseline_services_growth"].attr_text == "'Giả định'!$D$4"
    assert names["covid_shock_services_growth_2021"].attr_text == (
        f"'Giả định'!$D${override[3].row}"
    )


def test_texts_starting_with_equals_stay_texts(written):
    path, results = written
    book = load_workbook(path)
    summary = book["Tóm tắt"]
    title = next(r[1] for r in summary.iter_rows(min_row=3) if r[0].value == "normalised_bn")
    assert (title.value, title.data_type) == ("=1+1", "s")
    header = next(
        c
        for c in book[scenario_sheets(results, "vi")["normalised_bn"]][1]
        if "SUM(1)" in str(c.value)
    )
    assert header.data_type == "s" and header.value.startswith("=SUM(1)")
    source = next(
        r[5]
        for r in book["Giả định"].iter_rows(min_row=3)
        if r[0].value == "normalised_bn" and r[1].value == "structure.base_total_bn_vnd"
    )
    assert source.data_type == "s" and source.value.startswith("=HYPERLINK")


def test_no_macros_no_external_links(written):
    path, _results = written
    with zipfile.ZipFile(path) as archive:
        parts = archive.namelist()
        content_types = archive.read("[Content_Types].xml").decode()
    assert not [p for p in parts if "vba" in p.lower() or "externalLink" in p]
    assert "macroEnabled" not in content_types
    book = load_workbook(path)
    formulas = [
        c.value for s in book.worksheets for row in s.iter_rows() for c in row if c.data_type == "f"
    ]
    assert len(formulas) > 500
    assert not [f for f in formulas if "[" in f or "://" in f]  # ([1]Sheet!A1: an external book)
    assert not [f for f in formulas if "HYPERLINK" in f or "WEBSERVICE" in f]


@pytest.mark.slow
def test_english_and_the_value_sheets_of_a_simulation(tmp_path):
    results = results_of(["baseline"], SCENARIOS)
    tables = {}
    for csv, columns in CSV_COLUMNS.items():
        frame = pd.DataFrame({c: [1.5, 2.5] for c in columns})
        frame[columns[0]] = ["baseline", "=cmd|' /c calc'!A0"]
        tables[csv.removesuffix(".csv")] = frame
    keys = [s.target.key for s in results[0].scores]
    probabilities = tables["target_probabilities"] = pd.DataFrame(
        {"scenario": "baseline", "target": keys, "probability": np.linspace(0, 1, len(keys))}
    ).reindex(columns=list(CSV_COLUMNS["target_probabilities.csv"]))
    sensitivity = SensitivityResults(spider=pd.DataFrame(), draws=10_000, seed=7, **tables)
    path = tmp_path / "projections.xlsx"
    write_live_workbook(results, path, "en", sensitivity=sensitivity)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Summary",
        "Scorecard",
        "Assumptions",
        "Baseline",
        "MC percentiles",
        "MC target probabilities",
        "One at a time",
        "Services-industry grid",
        "Sobol indices",
        "Goal seek",
    ]
    sheet = book["Sobol indices"]
    assert sheet["A1"].value == "computed by the simulation, does not update (10,000 draws, seed 7)"
    assert [c.value for c in sheet[2]] == list(CSV_COLUMNS["sobol.csv"])
    assert (sheet["A4"].value, sheet["A4"].data_type) == ("=cmd|' /c calc'!A0", "s")
    assert sheet["B3"].value == 1.5
    card = book["Scorecard"]
    columns = [c.value for c in card[2]]
    assert columns[-1] == "probability"
    assert [r[-1] for r in card.iter_rows(min_row=3, values_only=True)] == pytest.approx(
        list(probabilities["probability"])
    )
    vi = tmp_path / "vi.xlsx"
    write_live_workbook(results, vi, "vi", sensitivity=sensitivity)
    assert load_workbook(vi)["MC phân vị"]["A1"].value.startswith(
        "tính từ mô phỏng, không tự cập nhật (10.000 lần mô phỏng, seed 7)"
    )


def test_sheet_names_are_cut_and_unique():
    long = "a" * 40
    assert sheet_names(["Sobol", "sobol", long, long]) == [
        "Sobol",
        "sobol~2",
        "a" * 31,
        "a" * 29 + "~2",
    ]
