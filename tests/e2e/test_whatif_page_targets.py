"""whatif.html as a planner reads it, in headless Chromium: a one-sided growth target (a floor, a
ceiling) shaded on the side that meets it, an "about" level target a star at its figure with its
tolerance, the legends naming the targets, gridline labels that tell their lines apart, the
results tables at 1024, 1280 and 1920 px, the footer's date, the saved title's mark and the
plan's locality in the title.

Positions are read back as values through the chart's own gridlines (pixel -> value by their
labels), so a test says "the floor is drawn at 9 %/yr", not where a pixel is."""

import re
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SCENARIOS

from sim.output.i18n import format_band
from sim.output.whatif import write_whatif
from sim.run import load_scenarios, run_scenario
from sim.scenario.loader import load_scenario

pytestmark = pytest.mark.slow

GENERATED = datetime(2026, 12, 1, 9, 30)
SECOND = REPO / "tests" / "data" / "second_locality"




def write_page(folder: Path, scenarios: Path, lang: str = "vi", **options) -> Path:
    results = [run_scenario(s) for s in load_scenarios([], scenarios, **options)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "whatif.html"
    write_whatif(path, results, lang, GENERATED)
    return path


def second_locality_with(tmp_path: Path, old: str, new: str) -> Path:
    """The invented locality (tests/data/second_locality) with one line of its plan changed."""
    folder = tmp_path / "plan"
    shutil.copytree(SECOND, folder)
    plan = folder / "plan.toml"
    text = plan.read_text(encoding="utf-8")
    assert old in text
    plan.write_text(text.replace(old, new), encoding="utf-8")
    return folder


class Opened:
    def __init__(self, browser, path: Path, fragment: str = "#s=baseline&lang=vi", width=1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri() + fragment, wait_until="load")

    def close(self) -> None:
        self.context.close()
        assert self.errors == []


CHART = """(id) => {
  const box = document.getElementById(id);
  const shown = (e) => e.getAttribute("display") !== "none";
  const pairs = (text) => (text || "").trim().split(/\\s+/).filter(Boolean).map((p) => p.split(",").map(Number));
  const grid = Array.from(box.querySelectorAll("line.gridline")).filter(shown)
    .map((l) => [+l.getAttribute("y1"), l.nextSibling.textContent]);
  return {
    grid: grid,
    bands: Array.from(box.querySelectorAll("polygon.band")).map((b) => pairs(b.getAttribute("points"))),
    edges: Array.from(box.querySelectorAll("polyline.band-edge")).map((e) => shown(e) ? pairs(e.getAttribute("points")) : null),
    lines: Array.from(box.querySelectorAll("polyline.line")).map((l) => pairs(l.getAttribute("points"))),
    marks: Array.from(box.querySelectorAll("g.mark")).map((m) => {
      const at = m.getAttribute("transform").match(/translate\\(([-\\d.]+),([-\\d.]+)\\)/);
      const bar = m.querySelector("line.mark-range");
      return {y: +at[2], title: m.querySelector("title").textContent,
              bar: shown(bar) ? [+bar.getAttribute("y1"), +bar.getAttribute("y2")] : null}; }),
    legend: Array.from(box.querySelectorAll("ul.keys li")).map((li) => li.textContent),
  };
}"""


def number(label: str) -> float:
    """A gridline label in Vietnamese format (1.250 / 14,25) as a number."""
    return float(label.replace(".", "").replace(",", "."))


class Chart:
    """A chart's nodes, with the scale its gridlines and their labels give (pixel -> value)."""

    def __init__(self, page, chart_id: str):
        self.__dict__.update(page.evaluate(CHART, chart_id))
        ys = np.array([y for y, _ in self.grid])
        values = np.array([number(label) for _, label in self.grid])
        self.slope, self.intercept = np.polyfit(ys, values, 1)
        self.residual = float(np.max(np.abs(self.slope * ys + self.intercept - values)))
        self.per_pixel = abs(self.slope)

    def value(self, y: float) -> float:
        return float(self.slope * y + self.intercept)

    def top(self) -> float:
        return self.value(18)  # CHART.top in page.js: the plot's upper edge

    def edges_of(self, band: list[list[float]]) -> tuple[list[float], list[float]]:
        """(the upper edge's values, the lower edge's values), year by year."""
        half = len(band) // 2
        upper = [self.value(y) for _, y in band[:half]]
        lower = [self.value(y) for _, y in band[half:]][::-1]
        return upper, lower


# ----------------------------------------------------------------------------- one-sided bands


def test_a_floor_is_shaded_from_its_path_up_and_named_as_the_target(browser, tmp_path):
    """growth_total 'low = 9' only (at least 9 %/yr): the growth chart shades 9 %/yr and above
    in 2027-2031, the output chart from the 9 % path (100 x 1.09^t, the index of 2026) up; the
    path is drawn; the legend says 'Mục tiêu ≥ 9 %/năm'. (Before: no band on the growth chart,
    and the output chart shaded from a flat 0 %/yr line up to the 9 % path: what misses it.)"""
    folder = second_locality_with(tmp_path, "low = 10.0\nhigh = 11.0", "low = 9.0")
    page = Opened(browser, write_page(tmp_path / "floor", folder))
    growth = Chart(page.page, "chart-growth")
    output = Chart(page.page, "chart-output")
    page.close()

    assert "Mục tiêu ≥ 9 %/năm" in growth.legend and "Mục tiêu ≥ 9 %/năm" in output.legend
    (band,) = growth.bands
    upper, lower = growth.edges_of(band)
    assert len(lower) == 5  # 2027-2031
    assert lower == pytest.approx([9.0] * 5, abs=growth.per_pixel)
    assert upper == pytest.approx([growth.top()] * 5, abs=growth.per_pixel)
    assert growth.top() > 10.5  # above the line (the baseline grows 10.5 %/yr): it meets the floor
    assert [growth.value(y) for _, y in growth.edges[0]] == pytest.approx(
        [9.0] * 5, abs=growth.per_pixel
    )

    (band,) = output.bands
    upper, lower = output.edges_of(band)
    floor = [100 * 1.09**t for t in range(6)]  # 100, 109, 118.81, ..., 153.86 in 2031
    assert lower == pytest.approx(floor, abs=output.per_pixel)
    assert upper == pytest.approx([output.top()] * 6, abs=output.per_pixel)
    assert [output.value(y) for _, y in output.edges[0]] == pytest.approx(
        floor, abs=output.per_pixel
    )


def test_a_ceiling_is_shaded_from_its_path_down(browser, tmp_path):
    """growth_total 'high = 12' only: shaded from the chart's bottom up to 12 %/yr."""
    folder = second_locality_with(tmp_path, "low = 10.0\nhigh = 11.0", "high = 12.0")
    page = Opened(browser, write_page(tmp_path / "ceiling", folder))
    growth = Chart(page.page, "chart-growth")
    page.close()
    (band,) = growth.bands
    upper, lower = growth.edges_of(band)
    assert upper == pytest.approx([12.0] * 5, abs=growth.per_pixel)
    bottom = growth.value(250 - 24)  # CHART.height - CHART.bottom
    assert lower == pytest.approx([bottom] * 5, abs=growth.per_pixel) and bottom < 10.5
    assert [growth.value(y) for _, y in growth.edges[0]] == pytest.approx(
        [12.0] * 5, abs=growth.per_pixel
    )
    assert any(k.startswith("Mục tiêu ") and "12 %/năm" in k for k in growth.legend)


def test_a_band_is_drawn_between_its_two_paths_without_an_edge_line(browser, tmp_path):
    page = Opened(browser, write_page(tmp_path / "second", SECOND))
    growth = Chart(page.page, "chart-growth")
    page.close()
    upper, lower = growth.edges_of(growth.bands[0])
    assert upper == pytest.approx([11.0] * 5, abs=growth.per_pixel)
    assert lower == pytest.approx([10.0] * 5, abs=growth.per_pixel)
    assert growth.edges == [None]
    assert "Mục tiêu 10-11 %/năm" in growth.legend


# ----------------------------------------------------------------------------- the "about" star


def test_an_about_target_is_a_star_at_its_figure_with_its_tolerance(browser, tmp_path):
    """'approx = 420, tolerance_pct = 3' (the invented locality): the star at 420, not at the
    band's low end 407.4, with a bar from 407.4 to 432.6; the legend lists it."""
    page = Opened(browser, write_page(tmp_path / "second", SECOND))
    budget = Chart(page.page, "chart-budget")
    page.close()
    (mark,) = budget.marks
    assert budget.value(mark["y"]) == pytest.approx(420.0, abs=budget.per_pixel)
    assert abs(budget.value(mark["y"]) - 407.4) > 5 * budget.per_pixel
    top, bottom = (budget.value(mark["y"] + d) for d in mark["bar"])
    assert (bottom, top) == pytest.approx((420 * 0.97, 420 * 1.03), abs=budget.per_pixel)
    assert mark["title"] == "Thu ngân sách năm 2031: ≈ 420 tỷ đồng ± 3 %"
    assert "★Mục tiêu ≈ 420 tỷ đồng ± 3 %" in budget.legend


def test_the_bundled_plan_draws_its_600_star_without_a_bar_and_names_its_bands(browser, tmp_path):
    page = Opened(browser, write_page(tmp_path / "bundled", SCENARIOS))
    budget = Chart(page.page, "chart-budget")
    output = Chart(page.page, "chart-output")
    growth = Chart(page.page, "chart-growth")
    page.close()
    (mark,) = budget.marks
    assert budget.value(mark["y"]) == pytest.approx(600.0, abs=budget.per_pixel)
    assert mark["bar"] is None  # tolerance 0: "at least the figure"
    assert "★Mục tiêu ≈ 600 tỷ đồng, đạt khi ≥ 600" in budget.legend
    assert "Mục tiêu 13-15 %/năm" in budget.legend  # the budget's growth band
    assert "Mục tiêu 14-15 %/năm" in output.legend and "Mục tiêu 14-15 %/năm" in growth.legend


# ----------------------------------------------------------------------------- gridline labels


@pytest.mark.parametrize("end_year", [2025, 2030])
def test_gridline_labels_name_their_lines(browser, tmp_path, end_year):
    """Every label is its line's value: evenly spaced values, one pixel scale, as many decimals
    as the step needs (a 2030 run's growth chart steps by 0.25: 14,25, not 14,3)."""
    page = Opened(browser, write_page(tmp_path / str(end_year), SCENARIOS, end_year=end_year))
    charts = [Chart(page.page, c) for c in ("chart-output", "chart-growth", "chart-budget")]
    page.close()
    for chart in charts:
        labels = [label for _, label in chart.grid]
        values = [number(label) for label in labels]
        steps = np.diff(values)
        assert np.allclose(steps, steps[0], rtol=1e-9), labels
        assert chart.residual < 0.6 * chart.per_pixel, labels  # each label sits on its line
        decimals = {len(label.split(",")[1]) if "," in label else 0 for label in labels}
        assert len(decimals) == 1, labels
    if end_year == 2030:
        growth_labels = [label for _, label in charts[1].grid]
        assert "14,25" in growth_labels and "14,3" not in growth_labels


# ----------------------------------------------------------------------------- the wide tables

BOXES = """() => Array.from(document.querySelectorAll("div.scroll[role=region]")).map((box) => {
  const r = box.getBoundingClientRect();
  const last = box.querySelector("thead th:last-child");
  return {wide: box.classList.contains("wide"), height: r.height, left: r.left, right: r.right,
          lastRight: last.getBoundingClientRect().right, lastYear: last.textContent,
          fits: box.scrollWidth <= box.clientWidth + 1}; })"""

SCROLLED = """() => Array.from(document.querySelectorAll("div.scroll.wide[role=region]")).map((box) => {
  box.scrollLeft = box.scrollWidth; box.scrollTop = 100;
  const r = box.getBoundingClientRect();
  const label = box.querySelector("tbody th").getBoundingClientRect();
  const head = box.querySelector("thead th:last-child").getBoundingClientRect();
  return {left: r.left, right: r.right, top: r.top, labelLeft: label.left,
          headRight: head.right, headTop: head.top}; })"""


@pytest.mark.parametrize(
    ("end_year", "width"), [(2025, 1024), (2025, 1280), (2025, 1920), (2030, 1280)]
)
def test_the_results_tables_fit_or_scroll_visibly(browser, tmp_path, end_year, width):
    """The table fits its box and shows its last year (2025 at 1280 and 1920 px), or its box is
    marked wide: at most a screen high (its scroll bar in view) and, scrolled to the end, shows
    the last year with the row labels and the header row still in place. (Before: at 1280 px
    the 2025 column was cut off and the scroll bar lay below fifty rows.)"""
    path = write_page(tmp_path / "page", SCENARIOS, end_year=end_year)
    page = Opened(browser, path, width=width)
    page.page.locator("#h-diff").scroll_into_view_if_needed()
    page.page.wait_for_timeout(100)  # (the boxes are measured once laid out)
    boxes = page.page.evaluate(BOXES)
    scrolled = page.page.evaluate(SCROLLED)
    grid = page.page.evaluate(
        """() => [document.querySelector("fieldset.by-year").getBoundingClientRect().right,
                  document.querySelector(".main").getBoundingClientRect().right]"""
    )
    page.close()
    assert len(boxes) == 2 and all(b["lastYear"] == str(end_year) for b in boxes)
    if width >= 1280 and end_year == 2025:
        assert all(b["fits"] and not b["wide"] for b in boxes)
        assert all(b["lastRight"] <= b["right"] + 0.5 for b in boxes)
    else:
        assert all(b["wide"] and not b["fits"] for b in boxes)
        assert all(b["height"] <= 900 for b in boxes)
        assert len(scrolled) == 2
        for box in scrolled:
            assert box["headRight"] <= box["right"] + 0.5  # the last year in view
            assert box["labelLeft"] == pytest.approx(box["left"], abs=1.5)  # labels kept
            assert 0 <= box["headTop"] - box["top"] <= 8  # header kept (below the table's margin)
    assert grid[0] <= grid[1] + 0.5  # the by-year grid scrolls inside the column, not cut off


# ----------------------------------------------------------------------------- words


def test_footer_date_saved_title_and_locality_in_the_pages_language(browser, tmp_path):
    """The footer's date as the report writes it (vi 01/12/2026, en 2026-12-01); the saved
    file's title marked with the command's own what-if term; the title names the locality."""
    path = write_page(tmp_path / "bundled", SCENARIOS)
    page = Opened(browser, path)
    vi = page.page.evaluate(
        "() => [document.querySelector('footer').textContent, document.title,"
        " document.querySelector('h1').textContent, window.whatif.scenarioToml()]"
    )
    page.page.click('[data-action="lang"]')
    en = page.page.evaluate(
        "() => [document.querySelector('footer').textContent, document.title,"
        " document.querySelector('h1').textContent]"
    )
    page.close()
    assert vi[0].startswith("Tạo lúc: 01/12/2026 09:30. ")
    assert en[0].startswith("Generated: 2026-12-01 09:30. ")
    assert vi[1] == vi[2] == "Thử giả định: dự báo kinh tế thị xã Hương Trà giai đoạn 2020-2025"
    assert en[1] == en[2] == "What-if: economic projections for Hương Trà town, 2020-2025"
    changed = load_scenario("baseline", SCENARIOS, ["sectors.services.growth_pct=15"])
    title = re.search(r"^title = \{ vi = \"(.*)\", en = \"(.*)\" \}$", vi[3], re.M)
    assert title is not None
    assert (title[1], title[2]) == (changed.title("vi"), changed.title("en"))
    assert title[1] == "Kịch bản cơ sở (giả định thay đổi)"


def test_another_localitys_page_names_it(browser, tmp_path):
    page = Opened(browser, write_page(tmp_path / "second", SECOND))
    heading = page.page.inner_text("h1")
    page.close()
    assert heading == "Thử giả định: dự báo kinh tế xã Thử Nghiệm Đông giai đoạn 2026-2031"


def test_source_ranges_are_written_as_the_report_writes_ranges(browser, tmp_path):
    """"khoảng nguồn: 15,5-16,5" (not "15,50 – 16,50"), and "−5 đến 5" where an end is negative
    (sim.output.i18n.format_band's one style per language, minus sign included)."""
    page = Opened(browser, write_page(tmp_path / "p", SCENARIOS))
    hints = page.page.inner_text("body")
    page.close()
    assert "kịch bản: 16; khoảng nguồn: 15,5-16,5" in hints
    assert "khoảng nguồn: −5 đến 5" in hints and format_band(-5, 5, "vi") == "−5 đến 5"
    assert " – " not in hints
