"""The chart pack, the PDF and the HTML report, in both languages."""

import re
import subprocess
import sys
from datetime import date, datetime

import numpy as np
import pytest
from conftest import REPO, SCENARIOS

from sim.output.charts.base import scenario_styles
from sim.output.charts.pack import CHARTS, PNG_DPI, main_chart_jobs, write_chart_pack
from sim.output.i18n import (
    format_band,
    format_number,
    format_pct,
    format_signed,
    indicator_label,
    unit_text,
)
from sim.output.report import write_report
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)


@pytest.fixture(scope="module")
def results():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS)]


@pytest.fixture(scope="module", params=["vi", "en"])
def pack(request, results, tmp_path_factory):
    """The whole chart pack and report, written once per language."""
    lang = request.param
    folder = tmp_path_factory.mktemp(f"pack_{lang}")
    saved = write_chart_pack(
        main_chart_jobs(results, lang, RUN_DATE),
        folder / "charts",
        "chart_pack.pdf",
        lang,
        "title",
        formats=("png", "pdf", "svg"),
    )
    write_report(folder / "report.html", results, saved, lang, datetime(2026, 11, 27, 9, 30))
    return lang, folder, saved


def figure_texts(fig) -> str:
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text))


# ----------------------------------------------------------------------------- number format


def test_vietnamese_number_format():
    assert format_number(7250, 0, "vi") == "7.250"
    assert format_number(48.5, 1, "vi") == "48,5"
    assert format_number(1234567.891, 2, "vi") == "1.234.567,89"
    assert format_pct(48.5, 1, "vi") == "48,5 %"
    assert format_number(7250.5, 1, "en") == "7,250.5"
    assert format_number(-0.71, 2, "vi") == "−0,71"  # a minus sign, not a hyphen
    assert format_number(-1234.5, 1, "en") == "−1,234.5"
    assert format_number(-0.004, 2, "vi") == "0,00"  # no sign before a zero
    assert format_number(float("nan"), 2, "vi") == "–"
    assert [format_signed(v, 2, "vi") for v in (1.234, -1.234, 0.0, -0.001)] == [
        "+1,23",
        "−1,23",
        "0,00",  # (no "−0,00")
        "0,00",
    ]
    assert format_band(-5, 5, "vi", unit="%/yr") == "−5 đến 5 %/năm"
    assert format_band(15.5, 16.5, "en") == "15.5-16.5"


def test_units_and_labels_translate():
    assert unit_text("billion VND", "vi") == "tỷ đồng"
    assert unit_text("index (2020 total = 100)", "vi") == "chỉ số (tổng năm 2020 = 100)"
    assert unit_text("index (2020 = 100)", "vi") == "chỉ số (năm 2020 = 100)"
    assert indicator_label("share.services", "vi") == "Tỷ trọng: Dịch vụ"
    assert (
        indicator_label("growth.total", "en") == "Growth on previous year: Total production value"
    )


# ----------------------------------------------------------------------------- charts


@pytest.mark.slow
def test_every_chart_is_written_in_png_and_svg(pack):
    lang, folder, saved = pack
    assert [c.stem for c in saved] == [stem for stem, _p, _c in CHARTS]
    for chart in saved:
        assert chart.png.stat().st_size > 20_000 and chart.svg.stat().st_size > 20_000
        assert chart.png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"<svg" in chart.svg.read_bytes()[:2000]


@pytest.mark.slow
def test_png_resolution_is_at_least_200_dpi(pack, results):
    from PIL import Image

    lang, folder, saved = pack
    for chart, job in zip(saved, main_chart_jobs(results, lang, RUN_DATE), strict=True):
        fig = job.draw()
        width_in, height_in = fig.get_size_inches()
        with Image.open(chart.png) as image:  # (less the caption's band in height)
            assert image.size[0] == round(width_in * PNG_DPI)
            assert (height_in - 0.5) * PNG_DPI < image.size[1] < height_in * PNG_DPI
            assert tuple(round(x) for x in image.info["dpi"]) == (PNG_DPI, PNG_DPI)


@pytest.mark.slow
def test_pdf_has_one_page_per_figure_and_embeds_its_fonts(pack):
    lang, folder, saved = pack
    data = (folder / "charts" / "chart_pack.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == len(saved) == len(CHARTS)
    assert b"/FontFile2" in data  # TrueType font programs are embedded
    assert b"DejaVuSans" in data


@pytest.mark.slow
def test_charts_carry_vietnamese_labels_units_and_footer(results):
    texts = ""
    for job in main_chart_jobs(results, "vi", RUN_DATE):
        texts += figure_texts(job.draw())
    for expected in [
        "Tổng giá trị sản xuất",
        "Kịch bản cơ sở",
        "Kịch bản tác động dịch COVID-19",
        "Thu nhập bình quân đầu người",
        "triệu đồng/người",
        "tỷ đồng",
        "%/năm",
        "Nông lâm - thủy sản",
        "Mục tiêu 14-15 %/năm",
        "Ngày chạy: 27/11/2026",
        "Nguồn: Báo cáo chính trị",
        "48,5",
        "Năm",
    ]:
        assert expected in texts, expected


@pytest.mark.slow
def test_english_charts_are_english(results):
    texts = ""
    for job in main_chart_jobs(results, "en", RUN_DATE):
        texts += figure_texts(job.draw())
    for expected in [
        "Total production value",
        "Baseline",
        "COVID-19 shock",
        "Per-capita income",
        "million VND/person",
        "Target 14-15 %/yr",
        "Run date: 2026-11-27",
        "48.5",
    ]:
        assert expected in texts, expected
    assert "Kịch bản" not in texts


@pytest.mark.slow
def test_a_scenario_has_the_same_colour_in_every_chart(results):
    styles = scenario_styles([r.scenario.name for r in results])
    assert len({s["color"] for s in styles.values()}) == len(results)
    assert len({s["linestyle"] for s in styles.values()}) == len(results)  # grayscale print
    seen: dict[str, set] = {}
    for job in main_chart_jobs(results, "en", RUN_DATE):
        for line in job.draw().findobj(
            lambda a: hasattr(a, "get_linestyle") and hasattr(a, "get_label")
        ):
            for r in results:
                if line.get_label() == r.scenario.title_en and hasattr(line, "get_color"):
                    seen.setdefault(r.scenario.name, set()).add(line.get_color())
    assert seen and all(colours == {styles[name]["color"]} for name, colours in seen.items())


@pytest.mark.slow
def test_charts_leave_the_programs_matplotlib_backend_alone(tmp_path):
    """A program that chose a backend keeps it after importing the charts, drawing one and
    saving it (the charts never call matplotlib.use)."""
    code = (
        "import matplotlib; matplotlib.use('svg'); "
        "from datetime import date; from pathlib import Path; "
        "from sim.output.charts.pack import main_chart_jobs, save_figure; "
        "from sim.run import load_scenarios, run_scenario; "
        f"results = [run_scenario(s) for s in load_scenarios(['baseline'], Path({str(SCENARIOS)!r}))]; "
        "job = main_chart_jobs(results, 'en', date(2026, 11, 27))[0]; "
        f"save_figure(job.draw(), Path({str(tmp_path)!r}), job.stem); "
        "print(matplotlib.get_backend())"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "svg"
    assert (tmp_path / "01_output_index.png").read_bytes()[:4] == b"\x89PNG"


def test_scenario_styles_are_stable_for_bundled_names():
    assert (
        scenario_styles(["optimistic", "baseline"])["baseline"]
        == scenario_styles(["baseline"])["baseline"]
    )
    many = scenario_styles([f"s{i}" for i in range(5)])
    assert len({s["color"] for s in many.values()}) == 5


@pytest.mark.slow
def test_charts_follow_a_longer_horizon(scenario_dir):
    results = [run_scenario(s) for s in load_scenarios([], scenario_dir, end_year=2030)]
    for job in main_chart_jobs(results, "vi", RUN_DATE):
        fig = job.draw()
        assert fig.axes  # renders; the 2020-2025 bands stop at 2025


# ----------------------------------------------------------------------------- report


@pytest.mark.slow
def test_report_is_self_contained(pack):
    lang, folder, saved = pack
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert html.count("<img ") == len(saved)
    assert all(
        src.startswith("data:image/png;base64,") for src in re.findall(r'src="([^"]+)"', html)
    )
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert "url(" not in html and "@import" not in html
    assert "default-src 'none'" in html  # the page may not fetch anything


@pytest.mark.slow
def test_report_holds_tables_scorecard_and_assumptions(pack):
    lang, folder, _saved = pack
    html = (folder / "report.html").read_text(encoding="utf-8")
    if lang == "vi":
        for expected in [
            "Biểu 1.",
            "Đánh giá chỉ tiêu",
            "Kịch bản cơ sở",
            "Giả định",
            "14,78",
            "2009; 2102-2104",
            "dòng 63-65",  # (the source notes are in the run's language)
            "giữ phần 0,9 %",
            "Thu nhập bình quân đầu người",
        ]:
            assert expected in html, expected
    else:
        for expected in ["Figure 1.", "Scorecard", "Assumptions", "14.78", "COVID-19 shock"]:
            assert expected in html, expected


@pytest.mark.slow
def test_report_renders_in_a_real_browser(pack, browser):
    """Headless Chromium loads the report: every image decodes, no network request is made."""
    lang, folder, saved = pack
    requests = []
    page = browser.new_page()
    page.on("request", lambda r: requests.append(r.url))
    page.goto((folder / "report.html").as_uri(), wait_until="load")
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
    )
    heading = page.inner_text("h1")
    page.close()
    assert len(images) == len(saved)
    assert all(complete and width > 1000 and height > 500 for complete, width, height in images)
    external = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert external == []
    assert ("Dự báo kinh tế" if lang == "vi" else "Economic projections") in heading


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_sensitivity_charts_render_in_both_languages(results, lang):
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import sensitivity_chart_jobs

    sensitivity = run_sensitivity([r.scenario for r in results], draws=2000, seed=3, sobol_n=2**9)
    jobs = sensitivity_chart_jobs(results, sensitivity, lang, RUN_DATE)
    kinds = {job.stem.split("_")[1] for job in jobs}
    assert kinds == {"fan", "probabilities", "tornado", "spider", "grid", "sobol"}
    assert len(jobs) == 2 + 4 * len(results)
    texts = "".join(figure_texts(job.draw()) for job in jobs)
    expected = (
        [
            "Biểu đồ quạt",
            "Trung vị",
            "Xác suất đạt",
            "Chỉ số Sobol",
            "Biểu đồ lốc xoáy",
            "Lưới hai chiều",
            "Dịch vụ: tăng trưởng",
            "2.000 lần mô phỏng",
        ]
        if lang == "vi"
        else [
            "Fan charts",
            "Median",
            "Probability of meeting",
            "Sobol indices",
            "Tornado",
            "Two-way grid",
            "Services: growth",
            "2,000 draws",
        ]
    )
    for word in expected:
        assert word in texts, word


def test_target_bands_read_in_each_language():
    from conftest import TARGETS

    from sim.output.i18n import band_text

    bands = {t.key: t for t in TARGETS}
    assert band_text(bands["services_growth"], "vi") == "15,5-16,5 %/năm"
    assert band_text(bands["output_growth"], "vi") == "14-15 %/năm"
    assert band_text(bands["budget_2025"], "vi") == "≈ 600 tỷ đồng, đạt khi ≥ 600"
    assert band_text(bands["land_use_each_year"], "en") == "≥ 80 billion VND/yr"


# ----------------------------------------------------------------------------- issue 11: charts
# true to their horizon, and readable


def _job(jobs, stem):
    return next(job for job in jobs if job.stem == stem)


@pytest.fixture(scope="module")
def results_2030():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS, end_year=2030)]


@pytest.fixture(scope="module")
def next_term():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS / "next_term")]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", "average 2021-2025; 2025; each year"),
        ("vi", "bình quân 2021-2025; năm 2025; từng năm"),
    ],
)
def test_end_year_chart_names_the_year_its_values_come_from(results_2030, lang, words):
    """A run to 2030 checks the 2021-2025 targets on their values of 2021-2025: averages, 2025
    levels and each year's, as the title says ("values of 2025" read as if every row were a
    2025 figure)."""
    fig = _job(main_chart_jobs(results_2030, lang, RUN_DATE), "07_targets_end_year").draw()
    legend_title = fig.legends[0].get_title().get_text()
    assert words in legend_title and "2021-2025" in legend_title
    assert "2030" not in legend_title
    scorecard = _job(main_chart_jobs(results_2030, lang, RUN_DATE), "08_scorecard").draw()
    assert words in scorecard.axes[0].get_title()


@pytest.mark.slow
def test_a_run_without_targets_has_no_target_charts_and_says_so_once(next_term, tmp_path):
    lang = "en"
    jobs = main_chart_jobs(next_term, lang, RUN_DATE)
    stems = [job.stem for job in jobs]
    assert "07_targets_end_year" not in stems and "08_scorecard" not in stems
    assert stems[:4] == [
        "01_output_index",
        "02_sector_output",
        "03_sector_shares",
        "04_sector_growth",
    ]
    saved = write_chart_pack(jobs, tmp_path / "charts", "chart_pack.pdf", lang, "t")
    data = (tmp_path / "charts" / "chart_pack.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", data)) == len(saved) == len(jobs)
    write_report(tmp_path / "report.html", next_term, saved, lang, datetime(2026, 11, 27, 9, 30))
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.count("has no targets yet") == 1
    assert "The 2025-2030 term has no targets yet" in html
    assert "outside horizon" not in html


def test_the_terminal_says_once_that_the_term_has_no_targets(next_term):
    from sim.output.console import format_summary

    summary = format_summary(next_term, "en")
    assert summary.count("The 2025-2030 term has no targets yet") == 1
    assert "outside horizon" not in summary
    assert "the plan (plan.toml) sets none" in summary
    vietnamese = format_summary(next_term, "vi")
    assert vietnamese.count("Nhiệm kỳ 2025-2030 chưa có chỉ tiêu") == 1
    assert "kế hoạch (plan.toml) chưa đặt chỉ tiêu nào" in vietnamese
    assert "outside horizon" not in vietnamese and "no targets" not in vietnamese


def test_a_run_without_a_plan_file_says_there_is_none(tmp_path):
    """Without plan.toml beside the scenarios the note said the plan "sets none", as if the
    file were there."""
    from sim.output.plan_text import no_targets_note

    (tmp_path / "baseline.toml").write_bytes((SCENARIOS / "baseline.toml").read_bytes())
    results = [run_scenario(s) for s in load_scenarios(["baseline"], tmp_path)]
    assert results[0].scenario.plan.file == ""
    assert no_targets_note(results, "vi") == (
        "Nhiệm kỳ 2020-2025 chưa có chỉ tiêu: không có tệp kế hoạch (plan.toml) cạnh các "
        "kịch bản; chỉ có số dự báo, không có bảng đánh giá và biểu đồ chỉ tiêu."
    )
    assert "there is no plan file (plan.toml)" in no_targets_note(results, "en")


def test_a_run_that_stops_before_the_plans_targets_says_so_once():
    """The bundled plan's targets are for 2021-2025: a run to 2023 scores none of them, and
    says so once, naming their years, in place of a table of "outside horizon"."""
    from sim.output.console import format_summary

    short = [run_scenario(s) for s in load_scenarios([], SCENARIOS, end_year=2023)]
    assert all(row.status == "outside horizon" for r in short for row in r.scores)
    summary = format_summary(short, "en")
    assert summary.count("The 2020-2023 term has no targets yet") == 1
    assert "the targets at hand are for 2021-2025, outside the projected years" in summary
    assert "outside horizon" not in summary
    vietnamese = format_summary(short, "vi")
    assert vietnamese.count("Nhiệm kỳ 2020-2023 chưa có chỉ tiêu") == 1
    assert "giai đoạn 2021-2025, ngoài các năm dự báo" in vietnamese
    stems = [job.stem for job in main_chart_jobs(short, "en", RUN_DATE)]
    assert "07_targets_end_year" not in stems and "08_scorecard" not in stems


@pytest.fixture(scope="module")
def tracked(results):
    from sim.scenario.actuals import read_actuals
    from sim.term.tracking import track

    linked = {n for r in results for n in r.scenario.indicators}
    tracking = track(results, read_actuals(SCENARIOS / "actuals_example.csv", linked))
    return [r.result for r in tracking.rebased]


@pytest.mark.slow
def test_actuals_put_the_rebaselined_result_beside_the_plan(results, tracked):
    jobs = main_chart_jobs(results, "en", RUN_DATE, tracked)
    plan, rebased = results[0], tracked[0]  # baseline
    plan_score, rebased_score = plan.scores[0], rebased.scores[0]  # output growth, 2020-2025
    assert plan_score.target.key == rebased_score.target.key == "output_growth"
    assert abs(plan_score.value - rebased_score.value) > 0.1  # the actuals move it

    table = _job(jobs, "08_scorecard").draw().axes[0].tables[0]
    cells = {
        (r, c): cell.get_text().get_text().replace("\n", " ")
        for (r, c), cell in table.get_celld().items()
    }
    assert cells[(0, 2)] == "Basis" and cells[(0, 3)] == "Baseline"  # a row each, plan first
    assert cells[(1, 2)] == "plan" and cells[(2, 2)] == "re-baselined"
    assert cells[(1, 3)].startswith(format_number(plan_score.value, 2, "en"))
    assert cells[(2, 3)].startswith(format_number(rebased_score.value, 2, "en"))

    fig = _job(jobs, "07_targets_end_year").draw()
    panel = fig.axes[0]  # output growth
    shown = {line.get_label(): line.get_ydata()[0] for line in panel.get_lines()}
    assert shown["Baseline: plan"] == pytest.approx(plan_score.value)
    assert shown["Baseline: re-baselined"] == pytest.approx(rebased_score.value)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_exceeded_is_marked_and_coloured_apart_from_met(results, lang):
    table = _job(main_chart_jobs(results, lang, RUN_DATE), "08_scorecard").draw().axes[0].tables[0]
    colours: dict[str, set] = {}
    marks: dict[str, set] = {}
    for (row, col), cell in table.get_celld().items():
        if row == 0 or col < 2:
            continue
        status = results[col - 2].scores[row - 1].status
        colours.setdefault(status, set()).add(cell.get_facecolor())
        words = cell.get_text().get_text().split()
        marks.setdefault(status, set()).add(words[1])
    # the bundled run has all three (optimistic output growth 15.28 is above 14-15)
    assert set(colours) == {"met", "exceeded", "missed"}
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == 3
    assert marks == {"met": {"✓"}, "exceeded": {"✓↑"}, "missed": {"✗"}}
    legend = [t.get_text() for t in table.axes.get_legend().get_texts()]
    assert [text.split()[0] for text in legend] == ["✓", "✓↑", "✗"]


@pytest.fixture(scope="module")
def sensitivity(results):
    from sim.analysis.suite import run_sensitivity

    return run_sensitivity([r.scenario for r in results], draws=500, seed=3, sobol_n=2**9)


def _sensitivity_job(results, sensitivity, lang, stem):
    from sim.output.charts.pack import sensitivity_chart_jobs

    return _job(sensitivity_chart_jobs(results, sensitivity, lang, RUN_DATE), stem)


@pytest.mark.slow
def test_spider_lines_differ_in_two_of_colour_style_and_marker(results, sensitivity):
    fig = _sensitivity_job(results, sensitivity, "en", "s04_spider_covid_shock").draw()
    for ax in fig.axes:
        lines = [line for line in ax.get_lines() if not line.get_label().startswith("_")]
        assert len(lines) >= 8
        styles = [(ln.get_color(), ln.get_linestyle(), ln.get_marker()) for ln in lines]
        for i, a in enumerate(styles):
            for b in styles[i + 1 :]:
                assert sum(x != y for x, y in zip(a, b, strict=True)) >= 2, (a, b)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert len(legend) == len(set(legend)) >= 8


@pytest.mark.slow
@pytest.mark.parametrize(
    ("lang", "words", "axis"),
    [
        ("en", "−2 to +2 percentage points", "Change of the parameter (percentage points)"),
        ("vi", "−2 đến +2 điểm phần trăm", "Thay đổi tham số (điểm phần trăm)"),
    ],
)
def test_spider_caption_says_what_k_is(results, sensitivity, lang, words, axis):
    """The spider moves each parameter by up to 2 points (`spider`'s default k_points), of
    percentage (`SPIDER_UNITS`: its parameters are rates and shares); the axis says so too."""
    job = _sensitivity_job(results, sensitivity, lang, "s04_spider_baseline")
    assert words in job.caption and "k" not in job.caption.split("+")[1].split()[0]
    assert {ax.get_xlabel() for ax in job.draw().axes if ax.get_xlabel()} == {axis}


@pytest.mark.slow
def test_sobol_chart_draws_the_parameters_that_matter_and_names_the_rest(results, sensitivity):
    from sim.output.i18n import linked_labels, parameter_text

    labels = linked_labels(results[1])  # covid_shock
    table = sensitivity.sobol[sensitivity.sobol.scenario == "covid_shock"]
    peak = table.groupby("parameter").ST.max()
    matter, negligible = peak[peak >= 0.01].index, peak[peak < 0.01].index
    assert 4 <= len(matter) < len(peak) and len(negligible) >= 10
    fig = _sensitivity_job(results, sensitivity, "en", "s06_sobol_covid_shock").draw()
    width, height = fig.get_size_inches()
    assert height <= 9.0  # was 15.5 in (3108 px) with a row for each of 24 parameters
    drawn = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert sorted(drawn) == sorted(parameter_text(p, "en", labels) for p in matter)
    note = figure_texts(fig).replace("\n", " ")
    assert "Not drawn (total index below 0.01 for every output: negligible)" in note
    assert "Retail sales and service revenue: growth, growth in 2021, growth in 2022" in note


@pytest.mark.slow
def test_tornado_leaves_room_beside_the_scenarios_value(results, sensitivity):
    """Optimistic sits at the top of its growth ranges: the bars end at its own value, which
    must not be the panel's edge (the chart looked cut there)."""
    fig = _sensitivity_job(results, sensitivity, "en", "s03_tornado_optimistic").draw()
    for ax in fig.axes:
        base = ax.get_lines()[0].get_xdata()[0]  # the scenario's value, the black line
        bars = [bar for bars in ax.containers for bar in bars]
        ends = [base] + [p.get_x() + p.get_width() for p in bars]
        low, high = ax.get_xlim()
        span = max(ends) - min(ends)
        assert high - max(ends) >= 0.05 * span and min(ends) - low >= 0.05 * span


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_single_scenario_fan_chart_keeps_its_text_inside(lang):
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import sensitivity_chart_jobs

    one = [run_scenario(s) for s in load_scenarios(["baseline"], SCENARIOS)]
    sensitivity = run_sensitivity([one[0].scenario], draws=300, seed=3, sobol_n=2**6)
    fig = _job(sensitivity_chart_jobs(one, sensitivity, lang, RUN_DATE), "s01_fan").draw()
    fig.draw_without_rendering()
    width = fig.bbox.width
    legend = fig.legends[0]
    texts = [*fig.texts, legend.get_title(), *legend.get_texts()]  # footer, title, legend
    assert any("2026" in t.get_text() for t in texts)  # the footer is among them
    for t in texts:
        box = t.get_window_extent()
        assert box.x0 >= -1 and box.x1 <= width + 1, t.get_text()


def test_the_reports_scorecard_colours_exceeded_apart_from_met(results):
    from sim.output.report import _CSS, _scorecard

    html = _scorecard(results, "vi")
    statuses = {r.scenario.name: {s.target.key: s.status for s in r.scores} for r in results}
    # the optimistic output growth, 15.28 %/yr, is above the 14-15 band: exceeded
    assert statuses["optimistic"]["output_growth"] == "exceeded"
    assert statuses["baseline"]["output_growth"] == "met"
    row = next(tr for tr in html.split("<tr>") if "Tốc độ tăng giá trị sản xuất bình quân" in tr)
    assert '<td class="num met">14,78 đạt' in row
    assert '<td class="num exceeded">15,28 vượt (+0,28)' in row
    assert "td.exceeded { background: #8EC3EA; }" in _CSS


@pytest.mark.slow
def test_the_grid_heat_map_puts_each_value_on_its_cell():
    """The grid's heat map is one picture on an even grid (sensitivity._heat_map): each
    point's colour is drawn where the point is (rows are the y values, from the bottom), as the
    cells drawn one by one were; an uneven grid is still drawn cell by cell."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import QuadMesh
    from matplotlib.figure import Figure
    from matplotlib.image import AxesImage

    from sim.output.charts.sensitivity import _heat_map

    xs = 16 + np.linspace(-2, 2, 41)
    ys = 15 + np.linspace(-2, 2, 41)
    gx, gy = np.meshgrid(xs, ys)
    z = gx * 3 - gy**2 / 4  # rows: ys, columns: xs; uneven in both directions

    def drawn(draw):
        fig = Figure(figsize=(4, 4), dpi=100)
        ax = fig.add_axes((0.1, 0.1, 0.8, 0.8))
        mappable = draw(ax)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return ax, mappable, np.asarray(canvas.buffer_rgba())[:, :, :3]

    ax, image, pixels = drawn(lambda ax: _heat_map(ax, xs, ys, z, "viridis"))
    assert isinstance(image, AxesImage)
    assert image.get_extent() == pytest.approx([13.95, 18.05, 12.95, 17.05])
    _, _, cells = drawn(lambda ax: ax.pcolormesh(xs, ys, z, shading="nearest", cmap="viridis"))
    height = pixels.shape[0]
    for i, j in [(0, 0), (40, 0), (0, 40), (40, 40), (20, 7), (5, 33)]:
        x, y = ax.transData.transform((xs[i], ys[j]))
        row, col = height - 1 - int(round(y)), int(round(x))
        expected = np.array(image.cmap(image.norm(z[j, i]))[:3]) * 255
        assert pixels[row, col] == pytest.approx(expected, abs=2)
        assert pixels[row, col] == pytest.approx(cells[row, col], abs=2)
    uneven = np.array([14.0, 15.0, 15.5, 18.0])
    _, mesh, _ = drawn(lambda ax: _heat_map(ax, uneven, ys[:3], z[:3, :4], "viridis"))
    assert isinstance(mesh, QuadMesh)


@pytest.mark.slow
def test_hatched_bars_are_one_path_each_with_the_same_rectangles_limits_and_legend(
    results, monkeypatch
):
    """A hatched sector's bars of a panel are drawn as one path (base.hatched_as_one: PDFium
    renders a hatch pattern once per path): the same rectangles, the same axis limits (the bars
    start at 0), the same legend key; in the PDF, a hatch pattern is filled once per panel and
    sector instead of once per bar."""
    import io

    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.patches import PathPatch, Rectangle
    from pypdf import PdfReader

    from sim.output.charts import projection

    job = _job(main_chart_jobs(results, "vi", RUN_DATE), "02_sector_output")

    def drawn():
        fig = job.draw()
        buffer = io.BytesIO()
        with PdfPages(buffer) as pdf:
            pdf.savefig(fig)
        content = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].get_contents().get_data()
        return fig, content.decode("latin-1").count(" scn")  # fills with a pattern

    merged, merged_fills = drawn()
    monkeypatch.setattr(projection, "hatched_as_one", lambda bars: None)
    separate, separate_fills = drawn()
    years = len(results[0].years)
    keys = 3  # the legend's hatched keys: industry, agriculture, the rest
    assert separate_fills == len(results) * 3 * years + keys
    assert merged_fills == len(results) * 3 + keys
    for one, each in zip(merged.axes, separate.axes, strict=True):
        assert one.get_ylim() == each.get_ylim() and one.get_xlim() == each.get_xlim()
        paths = [p for p in one.patches if isinstance(p, PathPatch)]
        assert [p.get_hatch() for p in paths] == ["///", "...", "xx"]
        for path, bars in zip(paths, one.containers[1:], strict=True):
            corners = path.get_path().vertices.reshape(-1, 5, 2)[:, :4]
            for corner, bar in zip(corners, bars, strict=True):
                assert isinstance(bar, Rectangle) and bar.axes is None  # kept for the legend
                x, y = bar.get_xy()
                w, h = bar.get_width(), bar.get_height()
                assert corner == pytest.approx(
                    np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]])
                )
        assert all(isinstance(p, Rectangle) for p in one.patches if not p.get_hatch())
    shown = merged.legends[0].get_patches()
    assert [str(key.get_hatch()) for key in shown] == ["", "///", "...", "xx"]


def test_hatched_as_one_keeps_limits_and_merges_only_bars_that_look_alike():
    """base.hatched_as_one on made-up bars: a NaN, a negative and a zero-height bar merge with
    the rest and the axis limits stay those of separate bars; bars of several colours, a single
    bar, unhatched bars and bars of two axes stay as they are."""
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch, Rectangle

    from sim.output.charts.base import hatched_as_one

    heights = [3.0, np.nan, -2.0, 0.0, 5.0]

    def panel(merge, **style):
        fig = Figure()
        ax = fig.add_subplot()
        bars = ax.bar(range(5), heights, hatch="//", **style)
        if merge:
            hatched_as_one(bars)
        ax.autoscale_view()
        return ax

    one, each = panel(True, color="C0"), panel(False, color="C0")
    assert one.get_ylim() == each.get_ylim() and one.get_xlim() == each.get_xlim()
    [patch] = one.patches
    assert isinstance(patch, PathPatch) and patch.get_hatch() == "//"
    assert len(patch.get_path().vertices) == 4 * 5  # the four finite bars, 5 vertices each
    assert all(
        isinstance(p, Rectangle) for p in panel(True, color=["C0", "C1"] * 2 + ["C0"]).patches
    )
    fig = Figure()
    ax = fig.add_subplot()
    single = ax.bar([0], [1.0], hatch="//")
    plain = ax.bar([1, 2], [1.0, 2.0])
    hatched_as_one(single)
    hatched_as_one(plain)
    assert len(ax.patches) == 3 and all(isinstance(p, Rectangle) for p in ax.patches)
    left, right = fig.subplots(1, 2)
    apart = [*left.bar([0, 1], [1, 2], hatch="//"), *right.bar([0, 1], [1, 2], hatch="//")]
    hatched_as_one(apart)
    assert all(isinstance(p, Rectangle) for p in [*left.patches, *right.patches])
