"""User text never becomes a formula in a workbook; CSVs keep it as written (issue 15)."""

import re
import zipfile
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pytest
from conftest import MINIMAL, SCENARIOS

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
    assert "out of reach" in problem.rule
    assert "by -50 to +50 points" in problem.rule
    assert "gives -31.49 to 49.14 %/yr on average 2015-2020" in problem.rule
    assert "adjust more sectors" in problem.rule
    # Every sector adjusted: the range is wider and there is no sector left to add.
    path = backcast_with_target(tmp_path, -60, '["services", "industry", "agriculture"]')
    with pytest.raises(ScenarioError) as info:
        load_scenarios([str(path)], tmp_path)
    (problem,) = info.value.problems
    assert "gives -34.65 to 66.14 %/yr" in problem.rule
    assert "adjust more sectors" not in problem.rule


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
    code = main(["--scenarios-dir", str(SCENARIOS), "--no-charts", "--history", str(history)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert f"{history}: calibration.total_cagr_pct = 99.0: out of reach" in err
    assert [p.name for p in (tmp_path / "results").iterdir()] == ["old.csv"]


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
        lambda: write_workbook([result], folder / "projections.xlsx", "en"),
    ):
        with pytest.raises(NonFiniteError) as info:
            write()
        assert info.value.problems[:2] == (
            "scenario 'plain': series output.total is inf in 2023-2025",
            "scenario 'plain': series income_per_capita is nan in 2021",
        )
        assert "nothing was written" in str(info.value)
        assert list(folder.iterdir()) == []


def test_rates_without_a_value_are_written_as_empty_cells(write_scenario, tmp_path):
    zero = MINIMAL.replace("share_pct = 7.5", "share_pct = 0.0")  # no agriculture: no growth
    result = minimal_result(write_scenario, zero, "zero")
    assert np.isnan(result.series["growth.agriculture"]).all()
    assert np.isnan(result.series["growth.total"][0])
    write_csvs([result], tmp_path)
    write_workbook([result], tmp_path / "projections.xlsx", "en")
    frame = pd.read_csv(tmp_path / "zero.csv", index_col="year")
    assert frame["growth.agriculture"].isna().all() and frame.loc[2021, "growth.total"] > 15
    lines = (tmp_path / "zero.csv").read_text().splitlines()
    column = lines[0].split(",").index("growth.total")
    assert lines[1].split(",")[column] == ""  # the base year: an empty cell
    assert "inf" not in (tmp_path / "projections.csv").read_text()
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
