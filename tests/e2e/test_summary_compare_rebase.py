"""The terminal summary: the files --rebase-year wrote, a what-if's marked; the compare view's
end-year gaps and their largest contributions, in the run's language and number format."""

import html
import re
import shutil
import subprocess

import pandas as pd
import pytest

from sim.cli import main


@pytest.mark.slow
def test_the_terminal_names_the_what_if_file_in_the_runs_language(
    tmp_path, scenario_dir, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    argv = ["--no-charts", "--no-history", "--rebase-year", "2025", "--out", "out"]
    argv += ["--set", "optimistic:sectors.services.growth_pct=15"]
    assert main([*argv, "--lang", "vi"]) == 0
    out = capsys.readouterr().out
    assert "Tệp cho nhiệm kỳ sau (out/rebased/, chép vào thư mục kịch bản để dùng):" in out
    assert (
        "  optimistic_2025_2030.toml: tệp tính lại từ kịch bản giả định thay đổi, không phải "
        "kế hoạch đã lập: Dịch vụ: tăng trưởng = 15 (sectors.services.growth_pct)"
    ) in out
    assert "\n  baseline_2025_2030.toml\n" in out  # as filed: no mark
    assert main([*argv, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert (
        "  optimistic_2025_2030.toml: rebased from a what-if, not the filed plan: "
        "Services: growth = 15 (sectors.services.growth_pct)"
    ) in out
    written = (tmp_path / "out" / "rebased" / "optimistic_2025_2030.toml").read_text("utf-8")
    assert "A what-if, NOT THE FILED PLAN" in written


def number(shown: str, lang: str) -> float:
    """A number as the run shows it (vi 1.234,56; en 1,234.56; a true minus sign)."""
    group, point = (".", ",") if lang == "vi" else (",", ".")
    return float(shown.replace("−", "-").replace(group, "").replace(point, "."))


def gap_block(out: str, scenario_title: str, indicator_label: str) -> list[str]:
    """The lines of one indicator's gap of one scenario: the gap line, then its parts."""
    lines = out.splitlines()
    start = lines.index(f"  {scenario_title}:")
    head = next(
        i for i in range(start + 1, len(lines)) if lines[i].startswith(f"    {indicator_label} (")
    )
    end = head + 1
    while end < len(lines) and lines[end].startswith("      "):
        end += 1
    return lines[head:end]


@pytest.mark.slow
@pytest.mark.parametrize(
    "lang, title, label, gap_word",
    [
        (
            "vi",
            "Kịch bản tác động dịch COVID-19",
            "Thu ngân sách (không tính tiền sử dụng đất)",
            "chênh lệch",
        ),
        ("en", "COVID-19 shock", "Budget revenue (excl. land-use fees)", "gap"),
    ],
)
def test_the_compare_gaps_and_their_parts_add_up_in_the_runs_language(
    tmp_path, scenario_dir, monkeypatch, capsys, lang, title, label, gap_word
):
    monkeypatch.chdir(tmp_path)
    argv = ["--no-charts", "--no-history", "--compare", "baseline", "--lang", lang]
    assert main([*argv, "--out", "out"]) == 0
    out = capsys.readouterr().out
    heading = {"vi": "So sánh với Kịch bản cơ sở, năm 2025", "en": "Compared with Baseline, 2025"}
    assert heading[lang] in out
    block = gap_block(out, title, label)
    before, _, rest = block[0].partition(": ")[2].partition(" → ")
    after, _, gap = rest.partition(f", {gap_word} ")
    # the gap is the end-year levels' difference, read from the run's own CSV files
    levels = {
        name: pd.read_csv(tmp_path / "out" / f"{name}.csv", index_col="year").loc[
            2025, "budget_revenue"
        ]
        for name in ("baseline", "covid_shock")
    }
    assert number(before, lang) == pytest.approx(levels["baseline"], abs=0.005)
    assert number(after, lang) == pytest.approx(levels["covid_shock"], abs=0.005)
    expected = levels["covid_shock"] - levels["baseline"]
    # the gap as printed is the printed levels' difference (within a last digit of the true
    # gap), and the printed parts add up to it exactly (as the chart and the report print them)
    printed = number(after, lang) - number(before, lang)
    assert number(gap, lang) == pytest.approx(printed, abs=1e-9)
    assert number(gap, lang) == pytest.approx(expected, abs=0.01)
    assert expected < -30  # the COVID budget is about 35 billion lower
    parts = [number(line.split()[-1], lang) for line in block[1:]]
    assert len(parts) == 4  # the three largest and the rest on one line
    assert abs(parts[0]) >= abs(parts[1]) >= abs(parts[2])
    assert sum(parts) == pytest.approx(printed, abs=1e-9)
    first = {"vi": "Dịch vụ: tăng trưởng năm 2021", "en": "Services: growth in 2021"}
    assert block[1].strip().startswith(first[lang])
    if lang == "vi":  # Vietnamese words and number format only
        # the compare view up to the list of written files (whose paths hold the test's name)
        view = out.split(heading["vi"])[1].split("Kết quả đã ghi vào")[0]
        assert "gap" not in view and "," in gap


def compare_table(report: str) -> list[list[str]]:
    """The first compare table of the report: rows of cell texts."""
    table = re.search(r'<table class="compare">(.*?)</table>', report, re.S).group(1)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)
    ]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_the_pdf_pack_and_the_report_hold_the_compare_view(
    tmp_path, scenario_dir, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    argv = ["--no-history", "--compare", "baseline", "--lang", "en", "--out", "out"]
    assert main([*argv, "baseline", "covid_shock"]) == 0
    out = tmp_path / "out"
    pdf = subprocess.run(
        ["pdftotext", str(out / "charts" / "chart_pack.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = [page for page in pdf.split("\f") if page.strip()]
    last = " ".join(pages[-1].split())  # (the title wraps before the compared scenario)
    assert "What makes up the 2025 gap: COVID-19 shock against Baseline" in last
    assert "Services: growth in 2021" in pages[-1]
    report = (out / "report.html").read_text(encoding="utf-8")
    section = report.split("<h2>Scenario comparison</h2>")[1]
    assert "<h3>COVID-19 shock against Baseline, 2025</h3>" in section
    caption = "COVID-19 shock against Baseline: the 2025 gap shared out among the parameters"
    assert section.count("<img ") == 1  # the waterfall, here and not in the charts section
    assert report.count(f"<figcaption>Figure 9. {caption}") == 1  # after the pack's 8
    rows = compare_table(section)
    head = rows[0]
    column = head.index("Budget revenue (excl. land-use fees) (billion VND)")
    words = {t.strip() for t in head}
    levels = {
        name: pd.read_csv(out / f"{name}.csv", index_col="year").loc[2025, "budget_revenue"]
        for name in ("baseline", "covid_shock")
    }
    assert rows[1][0] == "Level of Baseline" and rows[-1][0] == "Level of COVID-19 shock"
    assert number(rows[1][column], "en") == pytest.approx(levels["baseline"], abs=0.005)
    assert number(rows[-1][column], "en") == pytest.approx(levels["covid_shock"], abs=0.005)
    assert rows[-2][0] == "Sum of contributions = gap"
    gap = levels["covid_shock"] - levels["baseline"]
    printed = number(rows[-1][column], "en") - number(rows[1][column], "en")
    assert number(rows[-2][column], "en") == pytest.approx(printed, abs=1e-9)
    assert printed == pytest.approx(gap, abs=0.01)
    parts = [number(row[column], "en") for row in rows[2:-2]]
    assert len(parts) >= 5 and sum(parts) == pytest.approx(printed, abs=1e-9)
    assert "Total production value (index, 2020 total = 100)" in words  # (no nested brackets)
