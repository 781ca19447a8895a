"""Source notes as planners read them (the report's and the workbook's "Giả định"): a value's
note is the note of the file (or --set) that set it, never a parent's note beside a child's
value; a note may be written in both languages and is shown in the run's language."""

import re
import shutil
from datetime import datetime
from html import unescape

import pytest
from conftest import BUNDLED_PLAN, SCENARIOS
from openpyxl import load_workbook

from sim.output.live_workbook import write_live_workbook
from sim.output.report import write_report
from sim.run import load_scenarios, run_scenario

BASELINE_SERVICES_VI = (
    "tỷ trọng: dòng 63-65; tăng trưởng: điểm giữa của 15,5-16,5 %/năm, dòng 2009, 2102-2104"
)
BASELINE_SERVICES_EN = (
    "share: lines 63-65; growth: midpoint of 15.5-16.5 %/yr, lines 2009, 2102-2104"
)

CHILD = """extends = "baseline"
title = { vi = "Kịch bản con", en = "Child" }
[sectors.services]
growth_pct = 16.5
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The bundled baseline and plan, and a child that raises services growth without a note."""
    folder = tmp_path_factory.mktemp("notes")
    shutil.copy(SCENARIOS / "baseline.toml", folder)
    shutil.copy(BUNDLED_PLAN, folder)
    (folder / "child.toml").write_text(CHILD, encoding="utf-8")
    return folder


def _results(folder, *settings):
    return [run_scenario(s) for s in load_scenarios(["baseline", "child"], folder, settings)]


def _assumption_notes(path):
    """(scenario, parameter) -> the source cell of the workbook's assumptions sheet."""
    book = load_workbook(path)
    sheet = next(ws for ws in book.worksheets if ws.title in ("Giả định", "Assumptions"))
    rows = sheet.iter_rows(min_row=3, values_only=True)
    return {(r[0], r[1]): r[5] for r in rows if r[0]}


def _report_rows(path, scenario_title):
    """The assumptions table of one scenario's section: row label -> source cell."""
    page = path.read_text(encoding="utf-8")
    section = page[page.index("<h2>Giả định</h2>") :]
    section = section[section.index(scenario_title) :]
    table = section[section.index("<table>") :]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr><td>(.*?)</td><td>.*?</td><td>(.*?)</td></tr>", table)
    return {unescape(a): unescape(b) for a, b in rows}


@pytest.mark.slow  # (writes workbooks and reports)
def test_a_child_value_without_a_note_shows_its_file_not_the_parents_note(folder, tmp_path):
    results = _results(folder)
    write_live_workbook(results, tmp_path / "p.xlsx", "vi")
    notes = _assumption_notes(tmp_path / "p.xlsx")
    assert notes["child", "sectors.services.growth_pct"] == "child.toml"
    assert notes["child", "sectors.services.share_pct"] == BASELINE_SERVICES_VI  # (inherited)
    assert notes["baseline", "sectors.services.growth_pct"] == BASELINE_SERVICES_VI
    write_report(tmp_path / "r.html", results, [], "vi", datetime(2026, 1, 1))
    child = _report_rows(tmp_path / "r.html", "Kịch bản con")
    assert child["Dịch vụ"] == "tỷ trọng gốc: baseline.toml; tăng trưởng: child.toml"
    assert child["Công nghiệp - xây dựng"].startswith("tỷ trọng: dòng 63-65; tăng trưởng: điểm")
    assert _report_rows(tmp_path / "r.html", "Kịch bản cơ sở")["Dịch vụ"] == BASELINE_SERVICES_VI


@pytest.mark.slow  # (writes workbooks and reports)
def test_a_set_value_says_so_in_every_scenario(folder, tmp_path):
    results = _results(folder, "sectors.services.growth_pct=15")
    write_live_workbook(results, tmp_path / "p.xlsx", "en")
    notes = _assumption_notes(tmp_path / "p.xlsx")
    for name in ("baseline", "child"):
        assert notes[name, "sectors.services.growth_pct"] == "set by --set"
        assert notes[name, "sectors.services.share_pct"] == BASELINE_SERVICES_EN
    write_report(tmp_path / "r.html", results, [], "vi", datetime(2026, 1, 1))
    row = _report_rows(tmp_path / "r.html", "Kịch bản cơ sở")["Dịch vụ"]
    assert row == "tỷ trọng gốc: baseline.toml; tăng trưởng: đặt bằng --set"


def test_a_child_note_speaks_for_the_values_it_inherits_and_a_set_note_for_its_own(folder):
    (folder / "noted.toml").write_text(
        CHILD.replace("Child", "Noted").replace("con", "ghi")
        + 'source = { vi = "cận trên", en = "upper end" }\n',
        encoding="utf-8",
    )
    [noted] = load_scenarios(["noted"], folder)
    assert noted.sources["sectors.services.share_pct"].in_("vi") == "cận trên"
    assert noted.sources["sectors.services.growth_pct"].in_("en") == "upper end"
    [changed] = load_scenarios(["noted"], folder, ["sectors.services.source='mine'"])
    assert changed.sources["sectors.services.growth_pct"].in_("vi") == "mine"


@pytest.mark.slow  # (writes workbooks and reports)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_bundled_notes_are_in_the_run_language(lang, tmp_path):
    """Every note of the bundled scenarios in the workbook: Vietnamese words and number format
    in a vi run (no English word, "15,5" not "15.5"), English in an en run."""
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    write_live_workbook(results, tmp_path / "p.xlsx", lang)
    notes = _assumption_notes(tmp_path / "p.xlsx")
    optimistic = notes["optimistic", "sectors.services.growth_pct"]
    english = re.compile(r"\b(line|lines|share|growth|midpoint|base|upper|assumed|the)\b")
    if lang == "vi":
        assert optimistic.startswith("tỷ trọng: như kịch bản cơ sở, dòng 63-65; tăng trưởng: cận")
        assert "15,5-16,5 %/năm" in optimistic
        assert all(not english.search(n) and not re.search(r"\d\.\d", n) for n in notes.values())
    else:
        assert "upper end of 15.5-16.5 %/yr" in optimistic
        assert all(english.search(n) for n in notes.values())


def test_a_note_in_both_languages_needs_both(write_scenario):
    from conftest import MINIMAL, only_problem

    path = write_scenario("bad", MINIMAL + 'source = { vi = "chỉ tiếng Việt" }\n')
    assert "with both keys vi and en" in only_problem(path)
