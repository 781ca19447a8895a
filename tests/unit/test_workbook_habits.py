"""The live workbook's Excel habits (issues 11 and 13), as written: sheet names Excel accepts
whatever the names, bands in the run's number format, and the scorecard and summary formulas
over named cells (baseline_output_total_2025) rather than cross-sheet A1 references.
tests/e2e/test_excel_habits.py opens and recalculates such a workbook with LibreOffice."""

from __future__ import annotations

import re

import pytest
from conftest import SCENARIOS
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from workbook_reading import results_of

from sim.output.live_workbook import sheet_names, write_live_workbook

FORBIDDEN = set("[]:*?/\\")


def test_sheet_names_excel_accepts_whatever_the_names():
    given = [
        "Tóm tắt",
        "Summary",
        "summary",  # Excel compares without case
        "SUMMARY",
        "x" * 64,
        "x" * 64,  # the same 31 first characters
        "x" * 31 + "y",
        "a/b:c*d?e[f]g\\h",
        "'quoted'",
        "History",  # Excel keeps it for itself
        "",
        "ĐẠI",
        "đại",  # case of Vietnamese letters too
    ]
    got = sheet_names(given)
    assert got == [
        "Tóm tắt",
        "Summary",
        "summary~2",
        "SUMMARY~3",
        "x" * 31,
        "x" * 29 + "~2",
        "x" * 29 + "~3",
        "a_b_c_d_e_f_g_h",
        "quoted",
        "History_",
        "_",
        "ĐẠI",
        "đại~2",
    ]
    assert all(1 <= len(n) <= 31 and not FORBIDDEN & set(n) for n in got)
    assert len({n.casefold() for n in got}) == len(got)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """The bundled scenarios' workbook in both languages: lang -> (formulas, results)."""
    folder = tmp_path_factory.mktemp("habits")
    results = results_of(["baseline", "covid_shock"], SCENARIOS)
    found = {}
    for lang in ("vi", "en"):
        path = folder / f"{lang}.xlsx"
        write_live_workbook(results, path, lang)
        found[lang] = load_workbook(path)
    return found, results


def _rows(sheet):
    header = [c.value for c in sheet[2]]
    return [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(min_row=3)]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "sheet", "bands"),
    [
        ("vi", "Đánh giá chỉ tiêu", ["14-15", "15,5-16,5", "14,5-15,5", "3-4"]),
        ("en", "Scorecard", ["14-15", "15.5-16.5", "14.5-15.5", "3-4"]),
    ],
)
def test_bands_in_the_runs_number_format(books, lang, sheet, bands):
    found, _ = books
    rows = _rows(found[lang][sheet])
    assert [r["band"].value for r in rows[:4]] == bands
    budget = [r["band"].value for r in rows[:10] if r["indicator"].value == "budget_revenue"]
    about = "≈ 600, đạt khi ≥ 600" if lang == "vi" else "≈ 600, met from 600"
    assert budget == ["13-15", about]  # the growth band, then "about 600" and how it is judged


@pytest.mark.slow
def test_scorecard_and_summary_formulas_read_named_cells(books):
    found, results = books
    book = found["vi"]
    rows = _rows(book["Đánh giá chỉ tiêu"])
    output_growth = next(r for r in rows if r["scenario"].value == "baseline")
    assert output_growth["value"].value == (
        "=((baseline_output_total_2025/baseline_output_total_2020)^(1/5)-1)*100"
    )
    land = next(
        r
        for r in rows
        if r["scenario"].value == "covid_shock" and r["indicator"].value == "land_use_revenue"
    )
    assert land["value"].value == "=MIN(covid_shock_land_use_revenue_2021_2025)"
    summary = _rows(book["Tóm tắt"])[0]
    assert summary["output.total"].value == "=baseline_output_total_2025"
    assert summary["targets_met"].value == (
        '=(COUNTIF(baseline_target_status,"đạt")+COUNTIF(baseline_target_status,"vượt"))&"/10"'
    )
    formulas = [
        c.value
        for sheet in ("Đánh giá chỉ tiêu", "Tóm tắt")
        for row in book[sheet].iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("=")
    ]
    assert len(formulas) > 60 and not [f for f in formulas if "!" in f]  # no 'sheet'!$F$8
    # each name points at the cell of its series and year on the scenario's sheet (its tab is
    # the scenario's title, not its id)
    tabs = {"baseline": "Kịch bản cơ sở", "covid_shock": "Kịch bản tác động dịch COVID-19"}
    assert book.sheetnames[3:5] == list(tabs.values())
    for name, series, year in [
        ("baseline_output_total_2025", "output.total", 2025),
        ("covid_shock_output_services_2020", "output.services", 2020),
        ("covid_shock_budget_revenue_total_2025", "budget_revenue_total", 2025),
    ]:
        tab = tabs[name.split("_output")[0].split("_budget")[0]]
        sheet = book[tab]
        column = get_column_letter([c.value for c in sheet[2]].index(series) + 1)
        row = [c.value for c in sheet["A"]].index(year) + 1
        assert book.defined_names[name].attr_text == f"'{tab}'!${column}${row}"
    span = book.defined_names["covid_shock_land_use_revenue_2021_2025"].attr_text
    assert re.fullmatch(r"'Kịch bản tác động dịch COVID-19'!\$([A-Z]+)\$4:\$\1\$8", span)
    status = book.defined_names["baseline_target_status"].attr_text
    assert status == "'Đánh giá chỉ tiêu'!$I$3:$I$12"
    assert [r.scenario.name for r in results] == ["baseline", "covid_shock"]
