"""Excel and Windows habits (issue 11), the fast part: a decimal comma in a scenario file gets a
hint beside the TOML syntax error; a file named as planners name files ("kịch bản mới.toml")
works; the model's 0/0 of a zero-share sector raises no Python warning, and one that a library
still raises prints as a plain note."""

from __future__ import annotations

import json
import os
import shutil
import unicodedata
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import BUNDLED_PLAN, MINIMAL, SCENARIOS, TARGETS, only_problem

import sim.output.publish as publish_module
import sim.run
from sim.cli import main
from sim.core.model import cagr_into, yoy_into
from sim.core.targets import evaluate
from sim.core.text import Bilingual
from sim.output.publish import MANIFEST_NAME, TOOL_NAME, OutputFolderError, publish
from sim.run import load_scenarios
from sim.scenario.loader import load_scenario
from sim.scenario.rules import name_from_file

# ----------------------------------------------------------------------------- decimal comma


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("growth_pct = 15,5", "15,5: write 15.5 (a number takes a decimal point, not a comma"),
        ("growth_pct = 15,5   # services", "15,5: write 15.5 ("),
        ("growth_pct_by_year = { 2021 = 4,5 }", "4,5: write 4.5 ("),
        ("growth_pct = -2,25", "-2,25: write -2.25 ("),
    ],
)
def test_a_decimal_comma_gets_a_hint_beside_the_syntax_error(write_scenario, written, hint):
    text = MINIMAL.replace("growth_pct = 16.0", written)
    message = only_problem(write_scenario("comma", text))
    assert "TOML syntax error" in message and "(at line 9, column" in message
    assert hint in message


def test_vietnamese_thousands_and_an_ambiguous_comma(write_scenario):
    text = MINIMAL.replace("base = 46.0", "base = 1.234,5")
    assert "1.234,5: write 1234.5 (" in only_problem(write_scenario("dots", text))
    text = MINIMAL.replace("base = 46.0", "base = 1,000")
    message = only_problem(write_scenario("thousand", text))
    assert "1,000: write 1.000 if it is a decimal, 1000 if it counts thousands" in message


def test_other_syntax_errors_get_no_comma_hint(write_scenario):
    message = only_problem(write_scenario("quote", MINIMAL.replace('"Test"', '"Test')))
    assert "TOML syntax error" in message and "decimal point" not in message


# ----------------------------------------------------------------------------- file names


def test_names_from_file_names(tmp_path):
    cases = {
        "kịch bản mới.toml": "kich_ban_moi",
        "Đường cơ sở - 2030.toml": "duong_co_so_2030",
        "baseline.toml": "baseline",
        "TĂNG TRƯỞNG CAO.toml": "tang_truong_cao",
    }
    assert {k: name_from_file(tmp_path / k) for k in cases} == cases
    # a macOS file name comes decomposed (NFD): the same name
    decomposed = unicodedata.normalize("NFD", "kịch bản mới.toml")
    assert decomposed != "kịch bản mới.toml"
    assert name_from_file(tmp_path / decomposed) == "kich_ban_moi"


@pytest.mark.slow
def test_a_file_named_with_spaces_and_diacritics_runs(tmp_path):
    folder = tmp_path / "kịch bản"
    folder.mkdir()
    untitled = MINIMAL.replace('title = { vi = "Thử", en = "Test" }\n', "")
    (folder / "kịch bản mới.toml").write_text(untitled, encoding="utf-8")
    scenario = load_scenario(folder / "kịch bản mới.toml", folder)
    assert scenario.name == "kich_ban_moi"
    assert (scenario.title_vi, scenario.title_en) == ("kịch bản mới", "kịch bản mới")
    # by its file name, its derived name or its path, as planners type it on the command line
    for ref in ("kịch bản mới", "kich_ban_moi", str(folder / "kịch bản mới.toml")):
        assert [s.name for s in load_scenarios([ref], folder)] == ["kich_ban_moi"]
    out = tmp_path / "kết quả"
    assert (
        main(
            ["kich_ban_moi", "--scenarios-dir", str(folder), "--no-charts", "--quiet"]
            + ["--no-history", "--out", str(out)]
        )
        == 0
    )
    assert (out / "kich_ban_moi.csv").is_file()


def test_a_file_name_that_gives_no_name_says_how_to_name_it(write_scenario):
    message = only_problem(write_scenario("2030 kế hoạch", MINIMAL))
    assert "2030 kế hoạch.toml" in message
    assert "rename the file to lower-case letters, digits and _ starting with a letter" in message
    assert 'or set name = "..." in the file' in message


# ----------------------------------------------------------------------------- warnings


def test_rates_of_a_zero_level_are_nan_without_a_warning():
    levels = np.array([[0.0, 10.0], [0.0, 11.0], [0.0, 12.1]])  # (T + 1, 2): a zero block
    yoy, cagr = np.empty((2, 2)), np.empty((2, 2))
    target = next(t for t in TARGETS if t.measure == "cagr")
    years = np.arange(target.start_year, target.end_year + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yoy_into(levels, yoy)
        cagr_into(levels, cagr)
        value = evaluate(target, years, np.zeros((2, years.size)))
    assert np.isnan(yoy[:, 0]).all() and np.allclose(yoy[:, 1], [10.0, 10.0])
    assert np.isnan(cagr[:, 0]).all() and np.allclose(cagr[:, 1], [10.0, 10.0])
    assert value is not None and np.isnan(value).all()


@pytest.mark.slow
def test_a_library_warning_prints_as_a_plain_note(tmp_path, monkeypatch, capsys):
    """The net under what the tool has not foreseen: a warning raised during a run (here by a
    stand-in for a library deep in the run) prints as one note, not as Python's warning."""
    real = sim.run.run_scenario

    def warning_run(*args, **kwargs):
        warnings.warn("Mean of empty slice", RuntimeWarning, stacklevel=1)
        return real(*args, **kwargs)

    monkeypatch.setattr(sim.run, "run_scenario", warning_run)
    args = ["baseline", "--scenarios-dir", str(SCENARIOS), "--no-charts", "--no-history"]
    assert main([*args, "--quiet", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "ghi chú: một tình huống bất thường trong lượt chạy (Mean of empty slice)" in err
    assert "RuntimeWarning" not in err and "warnings.warn" not in err


# ----------------------------------------------------------------------------- a locked workbook


def _write(folder: Path, stamp: str = "new") -> None:
    (folder / MANIFEST_NAME).write_text(json.dumps({"tool": TOOL_NAME}), encoding="utf-8")
    (folder / "projections.xlsx").write_text(f"{stamp} workbook", encoding="utf-8")
    (folder / "sensitivity").mkdir()
    (folder / "sensitivity" / "sobol.csv").write_text(f"{stamp} table", encoding="utf-8")


def _files(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): p.read_text() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture
def previous(tmp_path) -> Path:
    """A results folder of an earlier run."""
    out = tmp_path / "results"
    publish(out, lambda folder: _write(folder, "old"))
    return out


def _refuse_moving(out: Path, monkeypatch) -> None:
    """os.rename of the results folder fails as Windows fails it while Excel holds a file in it
    (a sharing violation is a PermissionError)."""
    real = os.rename

    def rename(source, target):
        if Path(source) == out:
            raise PermissionError(13, "The process cannot access the file", str(source))
        real(source, target)

    monkeypatch.setattr(publish_module.os, "rename", rename)


@pytest.mark.parametrize(
    "owner", ["~$projections.xlsx", "~$ojections.xlsx", ".~lock.projections.xlsx#"]
)
def test_a_workbook_open_in_excel_is_named_and_nothing_is_left(previous, monkeypatch, owner):
    (previous / owner).write_text("owner file of Excel or LibreOffice", encoding="utf-8")
    before = _files(previous)
    _refuse_moving(previous, monkeypatch)
    with pytest.raises(OutputFolderError) as info:
        publish(previous, _write)
    message = str(info.value)
    assert f"{previous}: cannot move the previous results aside" in message
    assert "projections.xlsx is open in another program (Excel?): close it and run again" in message
    assert "they are unchanged and the new results were discarded" in message
    assert _files(previous) == before  # the old results, byte for byte
    assert sorted(p.name for p in previous.parent.iterdir()) == ["results"]  # no temporary folder


def test_without_an_owner_file_the_message_still_says_what_to_try(previous, monkeypatch):
    """On Windows (where a refusal to move a folder is mostly a file held open)."""
    monkeypatch.setattr(publish_module, "PROBE_OPEN_FILES", True)
    _refuse_moving(previous, monkeypatch)
    with pytest.raises(OutputFolderError) as info:
        publish(previous, _write)
    assert "may be open in another program (projections.xlsx in Excel?): close it and run" in str(
        info.value
    )
    assert sorted(p.name for p in previous.parent.iterdir()) == ["results"]


def test_on_windows_a_locked_file_stops_the_run_before_it_computes(previous, monkeypatch, capsys):
    """Windows: a file Excel holds does not open for writing. The command says so at once (it
    checks the folder before computing), and leaves the old results and no temporary folder."""
    real_open = open

    def locking_open(path, mode="r", *args, **kwargs):
        if Path(path).name == "sobol.csv" and "+" in mode:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(publish_module, "PROBE_OPEN_FILES", True)
    monkeypatch.setattr(publish_module, "open", locking_open, raising=False)
    before = _files(previous)
    args = ["baseline", "--scenarios-dir", str(SCENARIOS), "--no-charts", "--no-history"]
    assert main([*args, "--quiet", "--out", str(previous)]) == 2
    err = capsys.readouterr().err
    # (the run's language, vi; the English words are those of the tests above)
    assert "sensitivity/sobol.csv đang mở trong chương trình khác (Excel?)" in err
    assert "hãy đóng tệp đó rồi chạy lại. Chưa ghi gì cả." in err
    assert _files(previous) == before
    assert sorted(p.name for p in previous.parent.iterdir()) == ["results"]


def test_old_results_that_cannot_be_removed_name_the_open_file(previous, monkeypatch):
    """The swap succeeded but the previous results, moved aside, hold a file Excel keeps open:
    the note names it and says to delete the folder once it is closed."""
    (previous / "~$projections.xlsx").write_text("owner", encoding="utf-8")
    real = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if ".old-" in Path(path).name:
            locked = Path(path) / "projections.xlsx"
            kwargs["onexc" if "onexc" in kwargs else "onerror"](
                os.unlink, str(locked), PermissionError(13, "Permission denied")
            )
            return
        real(path, *args, **kwargs)

    monkeypatch.setattr(publish_module.shutil, "rmtree", rmtree)
    notes: list[Bilingual] = []
    publish(previous, _write, note=notes.append)
    assert _files(previous)["projections.xlsx"] == "new workbook"
    assert len(notes) == 1
    assert f"the new results are in {previous}, but the previous ones could not be" in notes[0].en
    assert (
        "projections.xlsx is open in another program (Excel?): close it and delete it"
        in notes[0].en
    )
    assert f"kết quả mới ở {previous}, nhưng không xóa được kết quả trước" in notes[0].vi
    assert (
        "projections.xlsx đang mở trong chương trình khác (Excel?): hãy đóng tệp đó rồi xóa nó"
        in (notes[0].vi)
    )


def test_a_set_scoped_to_a_name_from_a_file_name_applies(tmp_path):
    """`--set kich_ban_moi:...` changes the scenario of "kịch bản mới.toml" (the scope was
    compared with the file's stem, so the setting was silently dropped)."""
    (tmp_path / "plan.toml").write_bytes(BUNDLED_PLAN.read_bytes())
    (tmp_path / "kịch bản mới.toml").write_text(MINIMAL, encoding="utf-8")
    setting = "kich_ban_moi:sectors.services.growth_pct=30"
    (scenario,) = load_scenarios([], tmp_path, [setting])
    assert scenario.sectors["services"].growth_pct == 30.0
    assert scenario.settings == ("sectors.services.growth_pct=30",)  # (as a scoped one is kept)
