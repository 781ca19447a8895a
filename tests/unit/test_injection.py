"""User text never becomes a formula in the workbook (projections.xlsx, the live workbook); CSVs
keep it as written (issue 15)."""

import json
import re
import zipfile
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from conftest import MINIMAL, SCENARIOS

from sim.output.files import write_csvs
from sim.output.live_workbook import write_live_workbook
from sim.output.publish import TOOL_NAME
from sim.run import run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.writer import toml_string

TITLE = '=HYPERLINK("http://x","y")'
DESCRIPTION = "+1"
LABEL_VI, LABEL_EN = "-2", "@SUM(A1)"
UNIT = "=1+1"
ERROR_LIKE = "#N/A"  # a spreadsheet error value when not stored as a text


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


def shared_strings(path):
    """The workbook's shared strings (xl/sharedStrings.xml), in order: each <si>'s text, its
    rich-text runs joined."""
    with zipfile.ZipFile(path) as book:
        if "xl/sharedStrings.xml" not in book.namelist():
            return []
        root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{MAIN}t")) for si in root.iter(f"{MAIN}si")]


class Cell(NamedTuple):
    sheet: str  # the sheet's file: xl/worksheets/sheet1.xml ...
    ref: str  # "B3"
    kind: str  # "text" (t="s" or t="inlineStr"), "formula" (has <f>), "other" (number, blank)
    text: str | None  # the text, the formula, or the <v> of another cell (None if absent)
    cached: str | None = None  # a formula's cached result (<v>)


def cells(path):
    """Every cell of the workbook at `path`, a text resolved through the shared strings."""
    shared = shared_strings(path)
    found = []
    for name, root in sheet_xml(path).items():
        for cell in root.iter(f"{MAIN}c"):
            formula, kind, ref = cell.find(f"{MAIN}f"), cell.get("t"), cell.get("r")
            value = cell.findtext(f"{MAIN}v")
            if formula is not None:
                found.append(Cell(name, ref, "formula", formula.text or "", value))
            elif kind == "s":
                found.append(Cell(name, ref, "text", shared[int(value)]))
            elif kind == "inlineStr":
                found.append(Cell(name, ref, "text", "".join(cell.itertext())))
            else:
                found.append(Cell(name, ref, "other", value))
    return found


def test_texts_starting_with_formula_characters_are_text_cells(write_scenario, tmp_path):
    from openpyxl import load_workbook

    result = injected_result(write_scenario)
    for lang, title in (("vi", TITLE), ("en", ERROR_LIKE)):
        path = tmp_path / f"projections_{lang}.xlsx"
        write_live_workbook([result], path, lang)
        label = LABEL_VI if lang == "vi" else LABEL_EN
        header = f"{label} ({UNIT})"  # the income column's header: label (unit)
        found = cells(path)
        assert len({c.sheet for c in found}) == 4  # summary, scorecard, assumptions, scenario
        texts = {c.text for c in found if c.kind == "text"}
        assert {title, header} <= texts
        assert "=1+1" in texts  # the unit column of the assumptions sheet
        # The live workbook's own formulas are its only formulas: there are many, and not one
        # holds a user's text (a title or label stored live would be one of them).
        formulas = [c.text for c in found if c.kind == "formula"]
        assert len(formulas) > 100
        for user_text in (TITLE, ERROR_LIKE, header, LABEL_EN, UNIT, "HYPERLINK"):
            assert not [f for f in formulas if user_text in f or user_text in "=" + f], user_text
        typed = {
            c.value: c.data_type
            for sheet in load_workbook(path).worksheets
            for row in sheet.iter_rows()
            for c in row
            if c.value in (title, header, UNIT)
        }
        assert typed == {title: "s", header: "s", UNIT: "s"}


def test_control_characters_in_a_title_do_not_stop_the_workbook(write_scenario, tmp_path):
    from openpyxl import load_workbook

    result = injected_result(write_scenario, title_en="a\x01b\tc\x7f")
    path = tmp_path / "projections.xlsx"
    write_live_workbook([result], path, "en")
    # XML 1.0 cannot hold U+0001: XlsxWriter would write it as "_x0001_", which Excel turns back
    # into an invisible control character and openpyxl shows as written; the workbook shows
    # U+FFFD instead (tab and U+007F are legal and kept).
    title = [c.text for c in cells(path) if c.kind == "text" and c.text.startswith("a")]
    assert "a\ufffdb\tc\x7f" in title
    assert not [t for t in shared_strings(path) if "_x00" in t]
    summary = load_workbook(path).worksheets[0]
    assert summary.cell(row=3, column=2).value == "a\ufffdb\tc\x7f"
    assert result.scenario.title_en == "a\x01b\tc\x7f"  # (the scenario itself is untouched)
    assert load_workbook(path).sheetnames[3] == "a_b_c_"  # the tab: its title, controls as "_"


def test_every_text_cell_of_the_live_workbook_is_written_by_put():
    """`put` is where a text is kept a text and its control characters replaced: no other
    module of the live workbook writes a cell by another way."""
    from sim.output import live_workbook_cells

    folder = Path(live_workbook_cells.__file__).parent
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("live_workbook*.py")}
    assert len(sources) >= 6
    bypass = re.compile(r"\.write(_string|_rich_string)?\(|\.write_row\(|\.write_column\(")
    assert {name for name, source in sources.items() if bypass.search(source)} == {
        "live_workbook_cells.py"
    }


def test_csvs_keep_the_texts_as_written(write_scenario, tmp_path):
    write_csvs([injected_result(write_scenario)], tmp_path)
    long = pd.read_csv(tmp_path / "projections.csv", keep_default_na=False)
    assert set(long[long.indicator == "income_per_capita"].unit) == {UNIT}
    assert re.search(
        r"^injected,income_per_capita,=1\+1,2020,46$",
        (tmp_path / "projections.csv").read_text(encoding="utf-8"),
        re.M,
    )


# --- --rebase-year: whatever a title holds, the file written loads again with the same title ---

PIECES = [
    *(chr(c) for c in range(0x20)),
    "\x7f",
    "\x85",
    '"',
    "\\",
    '\\"',
    "'''",
    '"""',
    "#",
    "[x]",
    "\\u0041",
    "Kịch bản cơ sở",
    "Thu ngân sách (không tính tiền sử dụng đất)",
    "Hương Trà",
    "ữ",
    "\u2028",
    "😀",
    "👨‍👩‍👧",
    "=1+1",
    "$x$",
    " ",
    "abc",
]


def quoted(text):
    """`text` as a TOML basic string, spelt apart from the writer under test (\\UXXXXXXXX
    escapes), so that a fault in the writer cannot also narrow the input."""
    escaped = "".join(
        f"\\U{ord(c):08X}" if c in '"\\' or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F else c
        for c in text
    )
    return f'"{escaped}"'


def with_texts(base, title, description, label):
    """The bundled baseline's text with its title, description and income label replaced."""
    replaced = (
        base.replace('vi = "Kịch bản cơ sở"', f"vi = {quoted(title[0])}")
        .replace('en = "Baseline"', f"en = {quoted(title[1])}")
        .replace(
            'vi = "Điểm giữa các khoảng chỉ tiêu Nghị quyết Đại hội giai đoạn 2021-2025."',
            f"vi = {quoted(description[0])}",
        )
        .replace(
            'en = "Midpoints of the congress target ranges for 2021-2025."',
            f"en = {quoted(description[1])}",
        )
        .replace(
            'label = { vi = "Thu nhập bình quân đầu người", en = "Per-capita income" }',
            f"label = {{ vi = {quoted(label[0])}, en = {quoted(label[1])} }}",
        )
    )
    assert replaced.count(quoted(title[1])) >= 1
    return replaced


def accepted_pieces(base, folder):
    """The pieces the loader takes in a title, a description and a label: the fuzz respects
    whatever the loader refuses (a stricter loader narrows the fuzz, it does not fail it)."""
    from sim.scenario.loader import ScenarioError

    kept = []
    for n, piece in enumerate(PIECES):
        path = folder / f"probe{n}.toml"
        path.write_text(with_texts(base, (piece,) * 2, (piece,) * 2, (piece,) * 2), "utf-8")
        try:
            load_scenario(path, folder)
            kept.append(piece)
        except ScenarioError:
            pass
    return kept


@pytest.mark.slow
def test_rebase_year_writes_files_that_load_with_the_same_fuzzed_texts(tmp_path, monkeypatch):
    import random

    from sim.cli import main

    base = (SCENARIOS / "baseline.toml").read_text(encoding="utf-8")
    probes = tmp_path / "probes"
    probes.mkdir()
    pieces = accepted_pieces(base, probes)
    assert "abc" in pieces and "Hương Trà" in pieces
    rng = random.Random(15)
    folder = tmp_path / "scenarios"
    folder.mkdir()
    expected = {}
    for n in range(8):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))) for _ in range(6)]
        title, description, label = texts[0:2], texts[2:4], texts[4:6]
        text = with_texts(base, title, description, label)
        (folder / f"fuzz{n}.toml").write_text(text, encoding="utf-8")
        expected[f"fuzz{n}"] = (title, label)
    monkeypatch.chdir(tmp_path)
    code = main(["--scenarios-dir", "scenarios", "--no-charts", "--no-history", "--quiet",
                 "--rebase-year", "2025"])  # fmt: skip
    assert code == 0
    written = sorted((tmp_path / "results" / "rebased").iterdir())
    assert [p.name for p in written] == [f"fuzz{n}_2025_2030.toml" for n in range(8)]
    for path in written:
        title, label = expected[path.name.removesuffix("_2025_2030.toml")]
        scenario = load_scenario(path, path.parent)
        assert scenario.title_vi == f"{title[0]} (2025-2030)"
        assert scenario.title_en == f"{title[1]} (2025-2030)"
        income = scenario.indicators["income_per_capita"]
        assert (income.label_vi, income.label_en) == tuple(label)


# --- an unreachable calibration target is refused with the reachable range ---------------------


def backcast_with_target(folder, target, adjust=None):
    """The bundled history scenario, copied into `folder` with its calibration target changed."""
    text = (SCENARIOS / "history" / "backcast_2016_2020.toml").read_text(encoding="utf-8")
    assert "\ntotal_cagr_pct = 15.5\n" in text
    text = text.replace("\ntotal_cagr_pct = 15.5\n", f"\ntotal_cagr_pct = {target}\n")
    if adjust is not None:
        text = text.replace('adjust = ["services", "industry"]', f"adjust = {adjust}")
    path = folder / "backcast.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_unreachable_calibration_target_is_refused_with_the_reachable_range(tmp_path):
    from sim.run import load_scenarios
    from sim.scenario.loader import ScenarioError

    path = backcast_with_target(tmp_path, 99)
    with pytest.raises(ScenarioError) as info:
        load_scenarios([str(path)], tmp_path)
    (problem,) = info.value.problems
    assert (problem.source, problem.key, problem.value) == (
        str(path),
        "calibration.total_cagr_pct",
        99.0,
    )
    assert "out of reach" in problem.rule.en
    assert "by -50 to +50 points" in problem.rule.en
    assert "gives -31.49 to 49.14 %/yr on average 2015-2020" in problem.rule.en
    assert "adjust more sectors" in problem.rule.en
    # Every sector adjusted: the range is wider and there is no sector left to add.
    path = backcast_with_target(tmp_path, -60, '["services", "industry", "agriculture"]')
    with pytest.raises(ScenarioError) as info:
        load_scenarios([str(path)], tmp_path)
    (problem,) = info.value.problems
    assert "gives -34.65 to 66.14 %/yr" in problem.rule.en
    assert "adjust more sectors" not in problem.rule.en


def test_a_target_inside_the_reachable_range_is_met_exactly(tmp_path):
    from sim.run import load_scenarios

    for target in (-31.4, 15.5, 49.1):
        path = backcast_with_target(tmp_path, target)
        (scenario,) = load_scenarios([str(path)], tmp_path)
        assert run_scenario(scenario).series["cagr.total"][-1] == pytest.approx(target, abs=1e-9)


def test_the_command_line_refuses_an_unreachable_calibration_and_keeps_results(
    tmp_path, monkeypatch, capsys
):
    from sim.cli import main

    monkeypatch.chdir(tmp_path)
    history = backcast_with_target(tmp_path, 99)
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "old.csv").write_text("kept\n")
    (tmp_path / "results" / "manifest.json").write_text(json.dumps({"tool": TOOL_NAME}))
    code = main(
        [
            "--scenarios-dir",
            str(SCENARIOS),
            "--no-charts",
            "--history",
            str(history),
            "--lang",
            "en",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"{history}: calibration.total_cagr_pct = 99.0: out of reach" in err
    assert sorted(p.name for p in (tmp_path / "results").iterdir()) == ["manifest.json", "old.csv"]


# --- inf and NaN never reach an output file ------------------------------------------------------


def minimal_result(write_scenario, text=MINIMAL, name="plain"):
    path = write_scenario(name, text)
    return run_scenario(load_scenario(path, path.parent))


def with_series(result, name, index, value):
    """`result` with series[name][index] = value (a copy)."""
    from dataclasses import replace

    series = {k: v.copy() for k, v in result.series.items()}
    series[name][index] = value
    return replace(result, series=series)


def test_inf_in_a_projection_fails_before_any_file_is_written(write_scenario, tmp_path):
    from sim.output.files import NonFiniteError

    result = with_series(minimal_result(write_scenario), "output.total", slice(3, None), np.inf)
    result = with_series(result, "income_per_capita", 1, np.nan)
    folder = tmp_path / "out"
    folder.mkdir()
    for write in (
        lambda: write_csvs([result], folder),
        lambda: write_live_workbook([result], folder / "projections.xlsx", "en"),
    ):
        with pytest.raises(NonFiniteError) as info:
            write()
        assert info.value.problems[:2] == (
            "scenario 'plain': series output.total is inf in 2023-2025",
            "scenario 'plain': series income_per_capita is nan in 2021",
        )
        assert "nothing was written" in str(info.value)
        assert list(folder.iterdir()) == []


def test_inf_in_a_sensitivity_table_fails_before_the_workbook_is_written(write_scenario, tmp_path):
    from sim.analysis.suite import CSV_COLUMNS, SensitivityResults
    from sim.output.files import NonFiniteError

    result = minimal_result(write_scenario)
    tables = {name: pd.DataFrame(columns=list(columns)) for name, columns in CSV_COLUMNS.items()}
    tables["sobol.csv"] = pd.DataFrame(
        [{"scenario": "plain", "output": "cagr.total", "parameter": "x", "S1": np.inf}],
        columns=list(CSV_COLUMNS["sobol.csv"]),
    )
    sensitivity = SensitivityResults(
        tornado=tables["tornado.csv"],
        spider=pd.DataFrame(),
        grid=tables["grid.csv"],
        monte_carlo_percentiles=tables["monte_carlo_percentiles.csv"],
        target_probabilities=tables["target_probabilities.csv"],
        sobol=tables["sobol.csv"],
        goal_seek=tables["goal_seek.csv"],
        draws=10,
        seed=1,
    )
    path = tmp_path / "projections.xlsx"
    with pytest.raises(NonFiniteError) as info:
        write_live_workbook([result], path, "en", sensitivity=sensitivity)
    assert info.value.problems == (
        "projections.xlsx (sobol.csv): scenario 'plain': column S1 is infinite in 1 row(s)",
    )
    assert not path.exists()
    tables["sobol.csv"].loc[0, "S1"] = np.nan  # no value: an empty cell, allowed
    write_live_workbook([result], path, "en", sensitivity=sensitivity)
    assert path.is_file()


def test_rates_without_a_value_are_written_as_empty_cells(write_scenario, tmp_path):
    zero = MINIMAL.replace("share_pct = 7.5", "share_pct = 0.0")  # no agriculture: no growth
    result = minimal_result(write_scenario, zero, "zero")
    assert np.isnan(result.series["growth.agriculture"]).all()
    assert np.isnan(result.series["growth.total"][0])
    write_csvs([result], tmp_path)
    write_live_workbook([result], tmp_path / "projections.xlsx", "en")
    frame = pd.read_csv(tmp_path / "zero.csv", index_col="year")
    assert frame["growth.agriculture"].isna().all() and frame.loc[2021, "growth.total"] > 15
    lines = (tmp_path / "zero.csv").read_text().splitlines()
    column = lines[0].split(",").index("growth.total")
    assert lines[1].split(",")[column] == ""  # the base year: an empty cell
    assert "inf" not in (tmp_path / "projections.csv").read_text()
    # The workbook: an empty cell in the base year, then formulas that give an empty text where
    # the level they divide by is 0 (not #DIV/0! once a spreadsheet recalculates), cached empty.
    found = cells(tmp_path / "projections.xlsx")
    (name,) = [c for c in found if c.kind == "text" and c.text == "growth.agriculture"]
    column = name.ref.removesuffix("2")
    rates = {c.ref: c for c in found if c.sheet == name.sheet and c.ref[len(column) :].isdigit()}
    rates = {ref: c for ref, c in rates.items() if ref.rstrip("0123456789") == column}
    assert rates[f"{column}3"] == Cell(name.sheet, f"{column}3", "other", None)
    following = [rates[f"{column}{row}"] for row in range(4, 9)]
    assert [(c.kind, c.cached) for c in following] == [("formula", "")] * 5
    assert all(c.text.startswith("IF(") and '=0,"",' in c.text for c in following)
    values = [c.cached if c.kind == "formula" else c.text for c in found]
    assert not {v for v in values if v is not None and v.lower() in ("nan", "inf", "-inf")}
    # A rate may have no value, but never an infinite one.
    from sim.output.files import NonFiniteError, check_finite

    with pytest.raises(NonFiniteError, match=r"series growth.total is -inf in 2022$"):
        check_finite([with_series(result, "growth.total", 2, -np.inf)])


def test_an_infinite_number_in_a_table_is_refused():
    from sim.output.files import NonFiniteError, check_finite

    frame = pd.DataFrame(
        {"scenario": ["a", "b", "b"], "value": [1.0, np.inf, np.nan], "note": ["x", "y", "z"]}
    )
    with pytest.raises(NonFiniteError) as info:
        check_finite([], {"realism.csv": frame})
    assert info.value.problems == (
        "realism.csv: scenario 'b': column value is infinite in 1 row(s)",
    )
    check_finite([], {"realism.csv": frame.iloc[[0, 2]]})  # NaN: no value, allowed


def files_of(folder):
    """Relative path -> bytes of every file under `folder`."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.slow
def test_the_command_line_refuses_inf_and_keeps_the_previous_results(tmp_path, monkeypatch, capsys):
    import sim.run
    from sim.cli import main

    original = sim.run.projection_series

    def with_inf(projection):
        series = original(projection)
        series["budget_revenue"][-2:] = np.inf
        return series

    monkeypatch.chdir(tmp_path)
    assert main(["--scenarios-dir", str(SCENARIOS), "--no-charts", "--quiet"]) == 0
    before = files_of(tmp_path / "results")
    assert "history/realism.csv" in before
    monkeypatch.setattr(sim.run, "projection_series", with_inf)
    code = main(["--scenarios-dir", str(SCENARIOS), "--no-charts", "--quiet"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert "  - scenario 'baseline': series budget_revenue is inf in 2024-2025\n" in err
    assert "scorecard.csv: scenario 'baseline', 'covid_shock', 'optimistic': column value" in err
    assert files_of(tmp_path / "results") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]
