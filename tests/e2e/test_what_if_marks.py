"""A run with `--set` marks the scenarios it changed as what-ifs in every output (CSV, manifest,
workbook cells, HTML, PDF text), changes nothing else, and a plain run carries no mark."""

import json
import shutil
import subprocess

import pandas as pd
import pytest
from openpyxl import load_workbook

SETTING = "optimistic:sectors.services.growth_pct=15"
CHANGE = "sectors.services.growth_pct=15"


def workbook_texts(path) -> dict[str, list[str]]:
    """sheet name -> the text of every cell holding a string."""
    book = load_workbook(path)
    return {
        sheet.title: [
            c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)
        ]
        for sheet in book.worksheets
    }


@pytest.mark.slow
def test_a_scoped_set_changes_only_its_scenario_and_marks_it(run, tmp_path):
    code, _, err = run("--no-charts", "--lang", "en", "--out", "plain")
    assert code == 0, err
    code, out, err = run("--no-charts", "--lang", "en", "--out", "what_if", "--set", SETTING)
    assert code == 0, err
    plain, what_if = tmp_path / "plain", tmp_path / "what_if"
    for name in ("baseline", "covid_shock"):  # untouched scenarios: byte for byte the same
        assert (what_if / f"{name}.csv").read_bytes() == (plain / f"{name}.csv").read_bytes()
    changed = pd.read_csv(what_if / "optimistic.csv", index_col="year")
    assert changed["cagr.services"].iloc[-1] == pytest.approx(15.0)
    assert pd.read_csv(plain / "optimistic.csv", index_col="year")["cagr.services"].iloc[-1] > 15.5
    assert f"--set {SETTING}: Optimistic" in out

    card = pd.read_csv(what_if / "scorecard.csv", keep_default_na=False)
    assert set(card.loc[card.scenario == "optimistic", "what_if"]) == {CHANGE}
    assert set(card.loc[card.scenario != "optimistic", "what_if"]) == {""}
    plain_card = pd.read_csv(plain / "scorecard.csv", keep_default_na=False)
    assert set(plain_card["what_if"]) == {""}

    manifest = json.loads((what_if / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["what_if"] == ["optimistic"]
    marks = {s["name"]: (s["what_if"], s["settings"]) for s in manifest["scenarios"]}
    assert marks == {
        "baseline": ("", []),
        "covid_shock": ("", []),
        "optimistic": (f"what-if: {CHANGE}", [CHANGE]),
    }
    assert json.loads((plain / "manifest.json").read_text(encoding="utf-8"))["what_if"] == []

    texts = workbook_texts(what_if / "projections.xlsx")
    summary = " | ".join(texts["Summary"])
    assert "Optimistic (what-if)" in summary
    assert "what-if: Optimistic: Services: growth = 15" in summary
    assert "what-if: Services: growth = 15 %/yr (was 16.5)" in texts["Optimistic"]  # (tabs: titles)
    assert not any("what-if" in t for t in texts["Baseline"] + texts["COVID-19 shock"])
    plain_texts = workbook_texts(plain / "projections.xlsx")
    assert not any("what-if" in t for cells in plain_texts.values() for t in cells)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_the_report_and_every_pdf_page_carry_the_mark_and_a_plain_run_none(run, tmp_path):
    for out, extra in (("plain", ()), ("what_if", ("--set", SETTING))):
        code, _, err = run("--lang", "en", "--out", out, *extra)
        assert code == 0, err
    pages = pdf_pages(tmp_path / "what_if" / "charts" / "chart_pack.pdf")
    assert len(pages) >= 8
    # pdftotext may break the line where the chart wraps it: compare without line breaks
    assert all(
        "what-if: Optimistic: Services: growth = 15" in " ".join(page.split()) for page in pages
    )
    report = (tmp_path / "what_if" / "report.html").read_text(encoding="utf-8")
    assert report.count("Optimistic (what-if)") >= 3  # scorecard, projection table, assumptions
    assert "(what-if)</h1>" in report and "what-if: Services: growth = 15" in report
    assert not any("what-if" in p for p in pdf_pages(tmp_path / "plain/charts/chart_pack.pdf"))
    assert "what-if" not in (tmp_path / "plain" / "report.html").read_text(encoding="utf-8")


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF (pdftotext separates pages by form feeds)."""
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return [page for page in done.stdout.split("\f") if page.strip()]
