"""The chart pack, the PDF and the HTML report, in both languages."""

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import REPO, SCENARIOS

from sim.output.charts.base import scenario_styles
from sim.output.charts.pack import CHARTS, PNG_DPI, main_chart_jobs, write_chart_pack
from sim.output.i18n import format_number, format_pct, indicator_label, unit_text
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
    assert format_number(-0.71, 2, "vi") == "-0,71"


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
        with Image.open(chart.png) as image:
            assert image.size == (round(width_in * PNG_DPI), round(height_in * PNG_DPI))


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
            "line 63-65",
            "giữ phần 0,9 %",
            "Thu nhập bình quân đầu người",
        ]:
            assert expected in html, expected
    else:
        for expected in ["Figure 1.", "Scorecard", "Assumptions", "14.78", "COVID-19 shock"]:
            assert expected in html, expected


@pytest.mark.slow
def test_report_renders_in_a_real_browser(pack):
    """Headless Chromium loads the report: every image decodes, no network request is made."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    chromium = next(
        (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
    )
    if chromium is None:
        pytest.skip(
            "no Chromium browser on this machine (Debian package 'chromium'); .ci/run installs it"
        )
    lang, folder, saved = pack
    requests = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.goto((folder / "report.html").as_uri(), wait_until="load")
        images = page.evaluate(
            "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight])"
        )
        heading = page.inner_text("h1")
        browser.close()
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
    assert band_text(bands["budget_2025"], "vi") == "≈ 600 tỷ đồng"
    assert band_text(bands["land_use_each_year"], "en") == "≥ 80 billion VND/yr"
