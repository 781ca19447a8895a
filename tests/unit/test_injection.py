"""User text never becomes a formula in a workbook; CSVs keep it as written (issue 15)."""

import re
import zipfile
from xml.etree import ElementTree

import pandas as pd
from conftest import MINIMAL

from sim.output.files import write_csvs
from sim.output.workbook import write_workbook
from sim.run import run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.writer import toml_string

TITLE = '=HYPERLINK("http://x","y")'
DESCRIPTION = "+1"
LABEL_VI, LABEL_EN = "-2", "@SUM(A1)"
UNIT = "=1+1"
ERROR_LIKE = "#N/A"  # openpyxl would store this as an error value, not a text


def injected_result(write_scenario, title_en=ERROR_LIKE):
    text = MINIMAL.replace(
        'title = { vi = "Thử", en = "Test" }',
        f"title = {{ vi = {toml_string(TITLE)}, en = {toml_string(title_en)} }}\n"
        f"description = {{ vi = {toml_string(DESCRIPTION)}, en = {toml_string(DESCRIPTION)} }}",
    ).replace('unit = "million VND/person"', f"unit = {toml_string(UNIT)}")
    text += f"label = {{ vi = {toml_string(LABEL_VI)}, en = {toml_string(LABEL_EN)} }}\n"
    path = write_scenario("injected", text)
    return run_scenario(load_scenario(path, path.parent))


MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sheet_xml(path):
    """Sheet XML files of the workbook at `path` -> their parsed root element."""
    with zipfile.ZipFile(path) as book:
        return {
            name: ElementTree.fromstring(book.read(name))
            for name in book.namelist()
            if name.startswith("xl/worksheets/sheet")
        }


def inline_texts(root):
    """The texts of the sheet's inline-string cells (t="inlineStr", <is><t>...</t></is>)."""
    return [
        cell.findtext(f"{MAIN}is/{MAIN}t")
        for cell in root.iter(f"{MAIN}c")
        if cell.get("t") == "inlineStr"
    ]


def test_texts_starting_with_formula_characters_are_text_cells(write_scenario, tmp_path):
    from openpyxl import load_workbook

    result = injected_result(write_scenario)
    for lang, title in (("vi", TITLE), ("en", ERROR_LIKE)):
        path = tmp_path / f"projections_{lang}.xlsx"
        write_workbook([result], path, lang)
        sheets = sheet_xml(path)
        assert len(sheets) == 3
        assert not [f for root in sheets.values() for f in root.iter(f"{MAIN}f")]
        texts = [t for root in sheets.values() for t in inline_texts(root)]
        assert title in texts
        cells = {
            c.value: c.data_type
            for sheet in load_workbook(path).worksheets
            for row in sheet.iter_rows()
            for c in row
            if isinstance(c.value, str)
        }
        label = LABEL_VI if lang == "vi" else LABEL_EN
        header = next(v for v in cells if v.startswith(label))
        assert header == f"{label} ({UNIT})"  # the income column's header: label (unit)
        assert cells[title] == "s"
        assert cells[header] == "s"
        assert set(cells.values()) == {"s"}


def test_control_characters_in_a_title_do_not_stop_the_workbook(write_scenario, tmp_path):
    from openpyxl import load_workbook

    result = injected_result(write_scenario, title_en="a\x01b\tc\x7f")
    path = tmp_path / "projections.xlsx"
    write_workbook([result], path, "en")  # openpyxl refuses U+0001: this raised before
    summary = load_workbook(path).worksheets[0]
    assert summary.cell(row=3, column=2).value == "a\ufffdb\tc\x7f"


def test_csvs_keep_the_texts_as_written(write_scenario, tmp_path):
    write_csvs([injected_result(write_scenario)], tmp_path)
    long = pd.read_csv(tmp_path / "projections.csv", keep_default_na=False)
    assert set(long[long.indicator == "income_per_capita"].unit) == {UNIT}
    assert re.search(
        r"^injected,income_per_capita,=1\+1,2020,46$",
        (tmp_path / "projections.csv").read_text(encoding="utf-8"),
        re.M,
    )
