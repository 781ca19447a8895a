"""End-to-end: the command line in a temporary folder, atomic results (goldens: tests/golden)."""

import argparse
import json
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import REPO, SCENARIOS

from sim.cli import build_parser, main
from sim.output.publish import publish

BUNDLED = ("baseline", "covid_shock", "optimistic")


@pytest.mark.slow
def test_full_run_writes_every_output(run, tmp_path):
    code, out, err = run("--no-charts")
    assert code == 0, err
    results = tmp_path / "results"
    for name in BUNDLED:
        frame = pd.read_csv(results / f"{name}.csv", index_col="year")
        assert list(frame.index) == list(range(2020, 2026))
        assert frame.loc[2020, "output.total"] == pytest.approx(100.0)
    long = pd.read_csv(results / "projections.csv")
    assert list(long.columns) == ["scenario", "indicator", "unit", "year", "value"]
    assert set(long.scenario) == set(BUNDLED)
    for indicator in [
        "output.services",
        "output.industry",
        "output.agriculture",
        "output.total",
        "share.services",
        "growth.services",
        "growth.total",
        "income_per_capita",
        "budget_revenue",
        "land_use_revenue",
        "budget_revenue_total",
    ]:
        assert indicator in set(long.indicator), indicator
    budget = long[(long.indicator == "budget_revenue") & (long.scenario == "baseline")]
    assert set(budget.unit) == {"billion VND"}
    card = pd.read_csv(results / "scorecard.csv")
    assert len(card) == 3 * 10
    base = card[(card.scenario == "baseline") & (card.target == "output_growth")].iloc[0]
    assert base.value == pytest.approx(14.784, abs=1e-3) and base.status == "met"
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"] == "huongtra-sim"
    assert [s["name"] for s in manifest["scenarios"]] == list(BUNDLED)
    files = manifest["scenarios"][1]["files"]
    assert any(k.endswith("covid_shock.toml") for k in files)
    assert all(len(h) == 64 for h in files.values())
    assert "Kịch bản cơ sở" in out and "14,78" in out  # --lang vi, the default


@pytest.mark.slow
def test_workbook_is_formatted_for_reading(run, tmp_path):
    from openpyxl import load_workbook

    assert run("--no-charts")[0] == 0
    book = load_workbook(tmp_path / "results" / "projections.xlsx")
    titles = ["Kịch bản cơ sở", "Kịch bản tác động dịch COVID-19", "Kịch bản tích cực"]
    assert book.sheetnames == ["Tóm tắt", "Đánh giá chỉ tiêu", "Giả định", *titles]
    sheet = book["Kịch bản cơ sở"]
    assert sheet.freeze_panes == "B3"
    headers = [c.value for c in sheet[1]]
    assert "Thu nhập bình quân đầu người (triệu đồng/người)" in headers
    assert sheet["B3"].number_format == "#,##0.0"
    english = run("--no-charts", "--lang", "en", "--out", "en")[0]
    assert english == 0
    headers = [c.value for c in load_workbook(tmp_path / "en" / "projections.xlsx")["Baseline"][1]]
    assert "Per-capita income (million VND/person)" in headers


def test_named_scenario_and_path(run, tmp_path, scenario_dir):
    copy = tmp_path / "elsewhere" / "mine.toml"
    copy.parent.mkdir()
    copy.write_text(
        (scenario_dir / "optimistic.toml")
        .read_text(encoding="utf-8")
        .replace('extends = "baseline"', f'extends = "{scenario_dir / "baseline.toml"}"'),
        encoding="utf-8",
    )
    code, out, err = run("--no-charts", "baseline", str(copy))
    assert code == 0, err
    long = pd.read_csv(tmp_path / "results" / "projections.csv")
    assert set(long.scenario) == {"baseline", "mine"}


def test_set_and_end_year_on_the_command_line(run, tmp_path):
    code, out, err = run(
        "--no-charts", "baseline", "--end-year", "2030", "--set", "sectors.industry.growth_pct=10"
    )
    assert code == 0, err
    frame = pd.read_csv(tmp_path / "results" / "baseline.csv", index_col="year")
    assert frame.index[-1] == 2030
    assert frame["cagr.industry"].iloc[-1] == pytest.approx(10.0)
    assert "sectors.industry.growth_pct=10" in out


def test_bad_scenario_gives_a_message_not_a_traceback(run, scenario_dir):
    (scenario_dir / "bad.toml").write_text(
        'extends = "baseline"\n[sectors.services]\ngrowth_pct = "fast"\n', encoding="utf-8"
    )
    code, out, err = run("--no-charts")
    assert code == 2
    assert "bad.toml: sectors.services.growth_pct = 'fast': phải là một số" in err  # (--lang vi)
    assert "Traceback" not in err


def test_failed_run_leaves_earlier_results_untouched(run, tmp_path, scenario_dir):
    assert run("--no-charts")[0] == 0
    results = tmp_path / "results"

    def snapshot():
        return {p.relative_to(results): p.read_bytes() for p in results.rglob("*") if p.is_file()}

    before = snapshot()
    assert len(before) > 5
    (scenario_dir / "bad.toml").write_text("end_year = 1900\n", encoding="utf-8")
    assert run("--no-charts")[0] == 2
    assert snapshot() == before


def test_failure_while_writing_leaves_earlier_results_untouched(tmp_path):
    out = tmp_path / "results"
    publish(out, lambda folder: (folder / "manifest.json").write_text('{"tool": "huongtra-sim"}'))
    (out / "keep.csv").write_text("old")

    def failing(folder):
        (folder / "half.csv").write_text("new")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        publish(out, failing)
    assert sorted(p.name for p in out.iterdir()) == ["keep.csv", "manifest.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]  # no staging folder left behind


def test_refuses_to_replace_a_folder_it_did_not_write(run, tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.docx").write_text("precious")
    code, out, err = run("--no-charts", "--out", str(mine))
    assert code == 2 and "không thay thế thư mục này" in err  # (--lang vi, the default)
    assert (mine / "thesis.docx").read_text() == "precious"


@pytest.mark.slow
def test_command_runs_from_the_repo_root_as_a_script(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "run_scenarios.py",
            "--no-charts",
            "--out",
            str(tmp_path / "r"),
            "baseline",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "baseline.csv").exists()
    bad = subprocess.run(
        [sys.executable, "run_scenarios.py", "--out", str(tmp_path / "r"), "--set", "nonsense=1"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "nonsense = 1: không có khóa này" in bad.stderr  # (--lang vi, the default)


def test_actuals_run_adds_tracking_outputs(run, tmp_path):
    code, out, err = run("--no-charts", "--actuals", str(SCENARIOS / "actuals_example.csv"))
    assert code == 0, err
    results = tmp_path / "results"
    card = pd.read_csv(results / "scorecard.csv")
    assert set(card.basis) == {"plan", "rebaselined"} and len(card) == 2 * 3 * 10
    required = pd.read_csv(results / "tracking" / "required_growth.csv")
    assert set(required.scenario) == set(BUNDLED)
    income = required[(required.scenario == "baseline") & (required.target == "income_2025")].iloc[
        0
    ]
    assert income.latest_actual_year == 2022
    assert income.required_low_pct == pytest.approx(((55 / 49.0) ** (1 / 3) - 1) * 100)
    deviations = pd.read_csv(results / "tracking" / "plan_vs_actual.csv")
    assert len(deviations) == 3 * 9
    assert (results / "tracking" / "baseline_rebaselined.csv").exists()
    assert "tốc độ tăng cần thiết cho các năm còn lại" in out  # --lang vi, the default
    manifest = json.loads((results / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["actuals"]["sha256"]) == 64


@pytest.mark.slow
def test_an_actuals_run_names_the_actuals_source_on_every_page_that_shows_them(run, tmp_path):
    """The target charts (7, 8: re-baselined beside the plan) and the tracking charts (9, 10)
    name where the actuals come from in their footer (the example file's sources say
    "example"); the charts of projections alone (1-6) do not."""
    from pypdf import PdfReader

    code, _out, err = run("--actuals", str(SCENARIOS / "actuals_example.csv"))
    assert code == 0, err
    pages = PdfReader(tmp_path / "results" / "charts" / "chart_pack.pdf").pages
    named = [" ".join(p.extract_text().split()) for p in pages]
    assert len(named) == 10
    assert [("số liệu thực hiện: example" in words) for words in named] == [False] * 6 + [True] * 4


def test_bad_actuals_file_is_a_user_error(run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value,status\ngrowth.services,2031,5,final\n", encoding="utf-8")
    code, out, err = run("--no-charts", "--actuals", str(bad))
    assert code == 2 and "bad.csv:2: year = 2031: ngoài các năm dự báo 2020-2025" in err
    assert "Traceback" not in err


def test_rebase_year_writes_next_term_files(run, tmp_path):
    code, out, err = run("--no-charts", "baseline", "--rebase-year", "2025")
    assert code == 0, err
    written = tmp_path / "results" / "rebased" / "baseline_2025_2030.toml"
    assert "base_year = 2025" in written.read_text(encoding="utf-8")
    code, out, err = run("--no-charts", "baseline", "--rebase-year", "2031")
    assert code == 2 and "--rebase-year 2031 nằm ngoài các năm dự báo của baseline" in err


@pytest.mark.parametrize(
    ("args", "vi", "en"),
    [
        (["--no-such"], "lỗi: không nhận ra tham số: --no-such", "error: unrecognized arguments"),
        (
            ["--sobol-n", "3"],
            "lỗi: tham số --sobol-n: phải là một lũy thừa của 2, ví dụ 2 hoặc 4, không phải 3",
            "error: argument --sobol-n: must be a power of two, e.g. 2 or 4, not 3",
        ),
        (["--draws", "0"], "tham số --draws: phải từ 1 trở lên, không phải 0", "must be 1 or"),
        (["--end-year", "abc"], "cần một số nguyên, không phải 'abc'", "expected a whole number"),
        (["--formats", "jpg"], "không có định dạng biểu đồ jpg: chọn trong", "unknown chart"),
        (["--compare"], "tham số --compare: cần một giá trị", "expected one argument"),
        (["--new-plan", ""], "cần tên một thư mục, không phải chuỗi rỗng", "expected a folder"),
    ],
)
def test_argument_errors_are_said_in_the_language_asked(capsys, args, vi, en):
    """The command line is parsed before the run knows its language: its --lang is read first
    (vi unless en), for argparse's words as for the tool's own checks."""
    for lang, said, usage in (("vi", vi, "cách dùng: run_scenarios.py"), ("en", en, "usage: ")):
        with pytest.raises(SystemExit) as info:
            main([*args, "--lang", lang] if lang == "en" else args)
        err = capsys.readouterr().err
        assert info.value.code == 2
        assert said in err and err.startswith(usage), err
    assert argparse._("usage: ") == "usage: "  # (argparse's own words are put back)


def test_help_is_in_the_language_asked(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    shown = capsys.readouterr().out
    assert shown.startswith("cách dùng: run_scenarios.py [-h] [--scenarios-dir THƯ_MỤC]")
    for words in ("tùy chọn:", "in hướng dẫn này rồi dừng", "thay một giá trị của kịch bản"):
        assert words in shown
    vi, en = build_parser("vi"), build_parser("en")
    pairs = list(zip(vi._actions, en._actions, strict=True))
    assert all(a.help != b.help for a, b in pairs)  # every help said in both languages
    assert vi.description != en.description
    with pytest.raises(SystemExit):
        main(["--help", "--lang=en"])
    shown = capsys.readouterr().out
    assert shown.startswith("usage: run_scenarios.py") and "override a scenario value" in shown


def test_a_scenario_file_not_in_utf8_names_its_line_and_byte(run, scenario_dir):
    text = (scenario_dir / "baseline.toml").read_bytes()
    (scenario_dir / "baseline.toml").write_bytes(
        text.replace(b"[structure]", b"[structure]\xff", 1)
    )
    code, _, err = run("--no-charts", "baseline")
    line = text[: text.index(b"[structure]")].count(b"\n") + 1
    assert code == 2 and "Traceback" not in err
    assert f"không phải văn bản UTF-8: dòng {line} (byte 0xff ở cột 12)" in err
    assert "codec" not in err


def test_a_projection_given_as_the_history_is_refused(run):
    """--history names the record of the years before the plan: a scenario ending after the
    run's base year is a projection, and was taken as 'thực tế 2021-2025'."""
    code, _, err = run("--no-charts", "--history", str(SCENARIOS / "baseline.toml"))
    assert code == 2 and "Traceback" not in err
    assert "kịch bản lịch sử kết thúc năm 2025, sau năm gốc 2020 của lượt chạy" in err


def test_a_run_never_deletes_its_own_inputs_inside_out(run, tmp_path):
    """The swap replaces --out as a whole: a scenario of rebased/ run where the last run wrote
    it (so too actuals or a scenarios folder inside --out) would be deleted by a run that
    succeeds. Refused, naming each one, and nothing moves."""
    assert run("--no-charts", "--no-history", "--rebase-year", "2025")[0] == 0
    results = tmp_path / "results"
    rebased = results / "rebased"
    before = {p.name: p.read_bytes() for p in rebased.iterdir()}
    code, _, err = run("--no-charts", "--no-history", str(rebased / "baseline_2025_2030.toml"))
    assert code == 2 and "Traceback" not in err
    assert "baseline_2025_2030.toml: nằm trong thư mục kết quả results" in err
    assert "Chưa ghi gì cả" in err
    assert {p.name: p.read_bytes() for p in rebased.iterdir()} == before
    mine = results / "mine"
    shutil.copytree(SCENARIOS, mine)
    args = ["--no-charts", "--no-history", "--lang", "en", "--scenarios-dir", str(mine)]
    code, _, err = run(*args, "--actuals", str(results / "baseline.csv"))
    assert code == 2
    for name in ("baseline.toml", "plan.toml", "baseline.csv", f" and {mine}: inside the results"):
        assert name in err
    assert "so they would be deleted" in err
    assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in SCENARIOS.iterdir())


@pytest.mark.slow
def test_sensitivity_run_writes_its_tables_and_probabilities(run, tmp_path):
    code, out, err = run("--no-charts", "--sensitivity", "--draws", "3000", "--seed", "11")
    assert code == 0, err
    folder = tmp_path / "results" / "sensitivity"
    percentiles = pd.read_csv(folder / "monte_carlo_percentiles.csv")
    assert list(percentiles.columns[:8]) == [
        "scenario",
        "indicator",
        "year",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
    ]
    assert set(pd.read_csv(folder / "sobol.csv").columns) >= {
        "S1",
        "S1_low",
        "S1_high",
        "ST",
        "ST_low",
        "ST_high",
    }
    goals = pd.read_csv(folder / "goal_seek.csv")
    budget = goals[
        (goals.scenario == "baseline") & (goals.goal == "budget_2025_via_budget_revenue")
    ].iloc[0]
    assert "15.65 %/yr" in budget.note
    card = pd.read_csv(tmp_path / "results" / "scorecard.csv")
    probabilities = pd.read_csv(folder / "target_probabilities.csv")
    merged = card.merge(probabilities, on=["scenario", "target"], suffixes=("", "_mc"))
    np.testing.assert_allclose(merged.probability, merged.probability_mc)
    manifest = json.loads((tmp_path / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sensitivity"] == {"draws": 3000, "seed": 11, "sobol_n": 16384}
    # the same seed gives the same draws
    first = percentiles.copy()
    assert run("--no-charts", "--sensitivity", "--draws", "3000", "--seed", "11")[0] == 0
    pd.testing.assert_frame_equal(pd.read_csv(folder / "monte_carlo_percentiles.csv"), first)


@pytest.mark.slow
def test_few_draws_say_how_rough_the_probabilities_are(run):
    code, _, err = run(
        "--no-charts", "--no-history", "--sensitivity", "--draws", "1", "--seed", "1"
    )
    assert code == 0, err  # 1 draw: every probability 0 or 100 %, said to be rough
    assert "--draws 1: với ít hơn 1.000 lần mô phỏng" in err and "±98 điểm phần trăm" in err


def test_draws_without_sensitivity_is_a_user_error(run, capsys):
    code, out, err = run("--no-charts", "--draws", "100")
    assert code == 2 and "hãy thêm --sensitivity" in err  # (--lang vi, the default)
    code, out, err = run("--no-charts", "--formats", "png,svg")  # (was ignored silently)
    assert code == 2 and "--formats chọn định dạng của biểu đồ, mà --no-charts bỏ biểu đồ" in err
    for flag, value, message in (
        ("--draws", "0", "phải từ 1 trở lên, không phải 0"),
        ("--seed", "-1", "phải từ 0 trở lên, không phải -1"),
    ):
        with pytest.raises(SystemExit) as info:  # argparse: usage, message, exit code 2
            main(["--no-charts", "--sensitivity", flag, value])
        assert info.value.code == 2
        assert message in capsys.readouterr().err


@pytest.mark.slow
def test_sensitivity_without_uncertainty_says_so(run, scenario_dir):
    code, out, err = run(
        "--no-charts",
        "--no-history",
        "--scenarios-dir",
        str(scenario_dir / "next_term"),
        "--sensitivity",
        "--draws",
        "500",
    )
    assert code == 0, err
    assert "không có mục [uncertainty]" in err  # (--lang vi, the default)
    assert "không kịch bản nào có mục [uncertainty] nên không mô phỏng Monte Carlo" in out


@pytest.mark.slow
def test_every_run_checks_the_scenarios_against_the_track_record(run, tmp_path):
    code, out, err = run("--no-charts")
    assert code == 0, err
    assert "cho tổng GTSX tăng 15,96 %/năm giai đoạn 2015-2020, so với mức 15,5 %/năm" in out
    realism = pd.read_csv(tmp_path / "results" / "history" / "realism.csv")
    assert set(realism.scenario) == set(BUNDLED)
    manifest = json.loads((tmp_path / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["history"]["scenario"] == "history_2016_2020"
    assert run("--no-charts", "--no-history", "--out", "plain")[0] == 0
    assert not (tmp_path / "plain" / "history").exists()


def test_the_history_scenario_runs_on_its_own(run, tmp_path, scenario_dir):
    code, out, err = run(
        "--no-charts", "--no-history", str(scenario_dir / "history" / "backcast_2016_2020.toml")
    )
    assert code == 0, err
    frame = pd.read_csv(tmp_path / "results" / "history_2016_2020.csv", index_col="year")
    assert frame["cagr.total"].iloc[-1] == pytest.approx(15.5)


def test_summary_is_printed_before_the_files_are_written(run, tmp_path, monkeypatch, capsys):
    """The numbers come first (the charts take most of a run); what was written comes last."""
    import sim.output.write as write

    seen_when_writing = []
    original = write.write_run

    def spy(folder, outputs, charts=None):
        seen_when_writing.append(capsys.readouterr().out)
        return original(folder, outputs, charts)

    monkeypatch.setattr(write, "write_run", spy)
    code, out, err = run("--no-charts", "baseline")
    assert code == 0, err
    (before,) = seen_when_writing
    assert "Đánh giá chỉ tiêu" in before and "Kịch bản cơ sở" in before  # the scorecard
    assert str(tmp_path / "results") not in before  # nothing said about files yet
    assert str(tmp_path / "results") in out and "Đánh giá chỉ tiêu" not in out


@pytest.mark.slow
def test_a_reader_that_stops_early_does_not_stop_the_run(tmp_path):
    """`run_scenarios.py | head`: a reader that closes the pipe does not stop the run (the
    summary is printed before the files are written): the files are written, no traceback."""
    child = subprocess.Popen(
        [sys.executable, "run_scenarios.py", "--no-charts", "--out", str(tmp_path / "r")],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    child.stdout.close()  # before the child has printed anything (it is still importing)
    err = child.stderr.read()
    assert child.wait() == 0 and "Traceback" not in err and "Exception" not in err, err
    assert (tmp_path / "r" / "manifest.json").exists() and (
        tmp_path / "r" / "baseline.csv"
    ).exists()
