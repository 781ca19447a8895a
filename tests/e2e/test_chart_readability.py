"""Charts as planners saw them (issue 11): titles that fit, tables that print, labels that do not
collide, targets drawn for what they measure. Every test draws real figures and reads what
matplotlib laid out."""

from datetime import date

import numpy as np
import pytest
from conftest import SCENARIOS

from sim.output.charts.pack import compare_chart_jobs, main_chart_jobs
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)
WHAT_IF = ["sectors.services.growth_pct=15"]

pytestmark = pytest.mark.slow


def _job(jobs, stem):
    return next(job for job in jobs if job.stem == stem)


def _inside(fig, artist) -> bool:
    """The artist's drawn box lies inside the figure (one pixel of slack)."""
    box = artist.get_window_extent()
    return box.x0 >= -1 and box.x1 <= fig.bbox.width + 1 and box.y1 <= fig.bbox.height + 1


@pytest.fixture(scope="module")
def what_if():
    """The bundled scenarios with services at 15 %/yr in every one: each title gets the what-if
    mark, the longest titles a planner sees."""
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS, WHAT_IF)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_waterfall_title_fits_the_figure(what_if, lang):
    from sim.analysis.compare import compare_run

    jobs = compare_chart_jobs(what_if, compare_run("baseline", what_if), lang, RUN_DATE)
    fig = _job(jobs, "c01_waterfall_covid_shock").draw()
    fig.draw_without_rendering()
    title = fig.axes[0].get_legend().get_title()
    words = title.get_text().replace("\n", " ")
    mark = "(giả định thay đổi)" if lang == "vi" else "(what-if)"
    assert words.count(mark) == 2  # the whole title is there: both scenarios, each marked
    for result in what_if[:2]:  # (baseline, covid_shock)
        assert result.scenario.title(lang) in words, words
    assert _inside(fig, title), words


def _end_labels(fig):
    return [t for ax in fig.axes for t in ax.texts if t.get_gid() == "end_value"]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("stem", ["01_output_index", "05_income", "06_budget"])
def test_end_labels_do_not_overlap(what_if, lang, stem):
    """With services at 15 %/yr, baseline ends at 194.9 and optimistic at 197.0: the labels
    were drawn over each other. Each label keeps its value and its place in the order."""
    fig = _job(main_chart_jobs(what_if, lang, RUN_DATE), stem).draw()
    fig.draw_without_rendering()
    labels = _end_labels(fig)
    assert len(labels) == len(what_if)
    by_value = sorted(labels, key=lambda t: t.xy[1])
    heights = [t.get_window_extent() for t in by_value]
    for lower, upper in zip(heights, heights[1:], strict=False):
        assert lower.y1 <= upper.y0 + 0.5, (lower, upper)  # in value order, apart
    series = {"01_output_index": "output.total", "05_income": "income_per_capita"}
    name = series.get(stem, "budget_revenue")
    decimals = 0 if stem == "06_budget" else 1
    shown = sorted(t.get_text() for t in labels)
    from sim.output.i18n import format_number

    assert shown == sorted(format_number(r.series[name][-1], decimals, lang) for r in what_if)
    if stem == "01_output_index":  # the case of the issue: the two were 2.1 apart
        assert {"197,0", "194,9"} <= set(shown) or {"197.0", "194.9"} <= set(shown)


def test_labels_apart_stay_where_they_are():
    """Labels that do not collide are not moved; three on one value are spread evenly about
    it, in the order they were given."""
    from matplotlib.figure import Figure

    from sim.output.charts.base import separate_labels

    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 100])
    far = [
        ax.annotate(s, (1, v), xytext=(4, 0), textcoords="offset points", gid="end", va="center")
        for s, v in (("a", 10.0), ("b", 60.0))
    ]
    same = [
        ax.annotate(s, (1, 40.0), xytext=(4, 0), textcoords="offset points", gid="end", va="center")
        for s in ("c", "d", "e")
    ]
    separate_labels(ax, "end")
    fig.draw_without_rendering()
    for label in far:
        assert label.xyann == (4, 0) and label.anncoords == "offset points"
    boxes = [label.get_window_extent() for label in same]
    to_data = ax.transData.inverted()
    ys = [to_data.transform(((b.x0 + b.x1) / 2, (b.y0 + b.y1) / 2))[1] for b in boxes]
    assert ys == sorted(ys) and np.mean(ys) == pytest.approx(40.0, abs=0.5)
    assert ys[1] - ys[0] == pytest.approx(ys[2] - ys[1], abs=0.5) and ys[1] - ys[0] > 2
    assert boxes[0].y1 <= boxes[1].y0 + 0.5 and boxes[1].y1 <= boxes[2].y0 + 0.5
    assert all(box.x0 > ax.transData.transform((1, 0))[0] for box in boxes)  # still to the right


@pytest.fixture(scope="module")
def next_term():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS / "next_term")]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_share_is_labelled_even_a_narrow_one(next_term, lang):
    """The 2030 agriculture share (about 2.6 %) had no number: every share of every bar has its
    number, and no two numbers overlap."""
    from sim.core import names
    from sim.output.i18n import format_number

    fig = _job(main_chart_jobs(next_term, lang, RUN_DATE), "03_sector_shares").draw()
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = {}
    for t in ax.texts:
        labels.setdefault(t.get_gid(), []).append(t.get_text())
    agriculture_2030 = [r.series[names.share("agriculture")][-1] for r in next_term]
    assert min(agriculture_2030) < 4.0  # too narrow for its number inside the bar
    first = next_term[0]
    for block in ("services", "industry", "agriculture"):
        expected = [first.series[names.share(block)][0]]
        expected += [r.series[names.share(block)][-1] for r in next_term]
        assert labels[f"share.{block}"] == [format_number(v, 1, lang) for v in expected], block
    boxes = [t.get_window_extent() for t in ax.texts]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b), (a, b)


@pytest.fixture(scope="module")
def bundled():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS)]


@pytest.fixture(scope="module")
def tracking(bundled):
    from sim.scenario.actuals import read_actuals
    from sim.term.tracking import track

    linked = {n for r in bundled for n in r.scenario.indicators}
    return track(bundled, read_actuals(SCENARIOS / "actuals_example.csv", linked))


@pytest.mark.parametrize(
    ("lang", "zero", "keys"),
    [
        ("vi", "0,0 %", ["cao hơn kế hoạch", "bằng kế hoạch", "thấp hơn kế hoạch"]),
        ("en", "0.0 %", ["above plan", "on plan", "below plan"]),
    ],
)
def test_deviation_colours_follow_the_sign_and_have_a_key(bundled, tracking, lang, zero, keys):
    """COVID's 2022 income deviation shows as 0.0 %: it was orange, as if below plan. Each
    colour now follows the sign shown, and a key under the table says what it means."""
    from matplotlib.colors import to_hex

    from sim.output.charts.pack import tracking_chart_jobs

    fig = _job(tracking_chart_jobs(bundled, tracking, lang, RUN_DATE), "10_deviation").draw()
    ax = fig.axes[0]
    legend = ax.get_legend()
    key = {
        t.get_text(): to_hex(p.get_facecolor())
        for t, p in zip(legend.get_texts(), legend.get_patches(), strict=True)
    }
    assert [next(k for k in key if words in k) for words in keys] == list(key)
    above, on_plan, below = key.values()
    assert len({above, on_plan, below}) == 3
    seen = set()
    for (row, col), cell in ax.tables[0].get_celld().items():
        if row == 0 or col < 4:  # (indicator, unit, year, actual)
            continue
        shown = cell.get_text().get_text()
        colour = to_hex(cell.get_facecolor())
        expected = above if shown.startswith("+") else below if shown.startswith("−") else on_plan
        assert colour == expected, (shown, colour)
        seen.add(expected)
        if shown == zero:
            assert colour == on_plan
    assert seen == {above, on_plan, below}  # the example has all three


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "vi",
            {
                "target": "Mục tiêu",
                "median": "Trung vị các lần mô phỏng",
                "point": "Dự báo điểm của kịch bản",
                "why": "Trung vị không phải là dự báo điểm: khoảng bất định của một số giả định "
                "không cân đối quanh giá trị kịch bản dùng",
            },
        ),
        (
            "en",
            {
                "target": "Target",
                "median": "Median of the draws",
                "point": "The scenario's point projection",
                "why": "The median is not the point projection: some assumptions' uncertainty "
                "ranges are not symmetric about the value the scenario uses",
            },
        ),
    ],
)
def test_fan_chart_says_its_median_is_not_the_point_projection(lang, words):
    """The budget's median of the draws ends near 575 while the scenario's own projection ends
    at 566.8 (its 2020 base, 290, is the low end of its 290-298.3 range): the chart draws both,
    names them apart, says why they differ, and calls the target "Mục tiêu" as the others do."""
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import sensitivity_chart_jobs

    one = [run_scenario(s) for s in load_scenarios(["baseline"], SCENARIOS)]
    sensitivity = run_sensitivity([one[0].scenario], draws=2000, seed=5, sobol_n=2**6)
    job = _job(sensitivity_chart_jobs(one, sensitivity, lang, RUN_DATE), "s01_fan")
    fig = job.draw()
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert words["target"] in legend and "Chỉ tiêu" not in legend
    assert words["median"] in legend and words["point"] in legend
    assert words["why"] in job.caption
    budget = fig.axes[2]
    lines = {ln.get_label(): ln.get_ydata() for ln in budget.get_lines()}
    point, median = lines[words["point"]], lines[words["median"]]
    assert point[-1] == pytest.approx(one[0].series["budget_revenue"][-1])
    assert point[0] == pytest.approx(290.0)  # the base the scenario uses
    assert median[-1] - point[-1] > 3.0  # the draws' median sits above: not the same line


@pytest.fixture(scope="module")
def to_2030():
    return [run_scenario(s) for s in load_scenarios([], SCENARIOS, end_year=2030)]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("run", ["bundled", "to_2030"])
def test_growth_targets_are_drawn_as_averages_beside_their_end_year(request, run, lang):
    """The 2021-2025 targets are averages over the term: no band behind the year-by-year lines
    (COVID's 2021 looked "outside the target"), one bar beside 2025 (also in a run to 2030),
    and on it each scenario's average growth 2021-2025, which is what the target measures."""
    from sim.core import names
    from sim.core.targets import find_target

    results = request.getfixturevalue(run)
    fig = _job(main_chart_jobs(results, lang, RUN_DATE), "04_sector_growth").draw()
    average = "Mục tiêu tăng bình quân 2021-2025" if lang == "vi" else "2021-2025 target for"
    panels = ["services", "industry", "agriculture", "total"]
    for ax, block in zip(fig.axes, panels, strict=True):
        target = find_target(results[0].scenario.plan.targets, (names.output(block),), "cagr")
        assert not ax.collections  # nothing shaded behind the years
        bars = [ln for ln in ax.get_lines() if ln.get_label().startswith(average)]
        assert len(bars) == 1
        assert list(bars[0].get_xdata()) == [2025.4, 2025.4]
        assert list(bars[0].get_ydata()) == [target.low, target.high]
        marks = [ln for ln in ax.get_lines() if ln.get_gid() == "term_average"]
        end = list(results[0].years).index(2025)
        level = [r.series[names.output(block)] for r in results]
        by_hand = [100 * ((lv[end] / lv[0]) ** (1 / 5) - 1) for lv in level]
        assert [m.get_ydata()[0] for m in marks] == pytest.approx(by_hand)
        assert all(m.get_xdata()[0] == 2025.4 for m in marks)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert sum(words.startswith(average) for words in legend) == 1
    mark = "Tăng bình quân 2021-2025 của kịch bản" if lang == "vi" else "average growth 2021-2025"
    assert sum(mark in words for words in legend) == 1  # one key for every scenario's mark
    covid = results[1]
    assert covid.scenario.name == "covid_shock"
    assert covid.series[names.growth("services")][1] < 15.5  # its 2021 dip, not judged alone
    assert ax.get_xlim()[1] > results[0].years[-1]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_scorecard_with_actuals_prints_readably_on_a4(bundled, tracking, lang):
    """Plan and re-baselined side by side made the table 19 x 4.4 inches (3793 x 880 px): on
    its A4 page the 7.5 pt text shrank to about 4 pt. Each target now takes two rows (plan,
    re-baselined) under one column per scenario: at most A4 landscape's proportions, and the
    text prints at 6.5 pt or more on the pack's page."""
    from sim.output.charts.pages import sheet

    rebased = [r.result for r in tracking.rebased]
    fig = _job(main_chart_jobs(bundled, lang, RUN_DATE, rebased), "08_scorecard").draw()
    width, height = fig.get_size_inches()
    assert width / height <= 297 / 210 + 0.02
    _, _, scale, _, _ = sheet(width * 72, height * 72)
    table = fig.axes[0].tables[0]
    cells = table.get_celld()
    sizes = {cell.get_text().get_fontsize() for cell in cells.values()}
    assert min(sizes) * scale >= 6.5, (sizes, scale)
    # every score of both bases is in the table: 10 targets x 2 rows x 3 scenarios
    rows = {r for r, _c in cells if r > 0}
    assert len(rows) == 2 * 10
    plan = [c for (r, c), cell in cells.items() if c == 2 and cell.get_text().get_text()]
    assert len(plan) == 1 + 2 * 10  # header and one basis word a row
    fig.draw_without_rendering()
    for (_r, _c), cell in cells.items():  # no text wider than its cell
        box, text_box = cell.get_window_extent(), cell.get_text().get_window_extent()
        assert text_box.width <= box.width, cell.get_text().get_text()


def test_a_scorecard_label_on_two_lines_keeps_clear_of_its_rules(bundled):
    """A label on two lines ("Tổng vốn đầu tư / toàn xã hội tăng bình quân") filled a row of one
    line's height (0.11 of a line to spare above and below), the circumflex of "Tổng" on the rule
    above. A wrapped label's row is taller. (The English labels fit on one line.)"""
    fig = _job(main_chart_jobs(bundled, "vi", RUN_DATE), "08_scorecard").draw()
    fig.draw_without_rendering()
    cells = fig.axes[0].tables[0].get_celld()
    wrapped = [
        cell
        for (r, c), cell in cells.items()
        if r > 0 and c == 0 and "\n" in cell.get_text().get_text()
    ]
    assert len(wrapped) >= 2
    for cell in wrapped:
        box, text_box = cell.get_window_extent(), cell.get_text().get_window_extent()
        room = 0.3 * text_box.height / 2  # a third of a line above and below, nearly
        assert box.y0 + room <= text_box.y0 and text_box.y1 <= box.y1 - room, cell.get_text()


@pytest.mark.parametrize(("low", "high"), [(3.0, None), (None, 4.0), (3.0, 4.0)])
def test_an_average_target_with_one_end_is_a_tick_at_that_end(low, high):
    """A growth target "above 3 %/yr" has no band: it is drawn as a floor (a tick at 3), not
    refused (the README allows one-sided targets)."""
    from dataclasses import replace

    from conftest import TARGETS
    from matplotlib.figure import Figure

    from sim.output.charts.projection import _average_target

    target = replace(next(t for t in TARGETS if t.key == "agriculture_growth"), low=low, high=high)
    ax = Figure().add_subplot()
    _average_target(ax, target, 2025.4, "words")
    (drawn,) = ax.get_lines()
    assert drawn.get_label() == "words"
    assert list(drawn.get_ydata()) == [v for v in (low, high) if v is not None]
    assert set(drawn.get_xdata()) == {2025.4}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("stem", ["04_sector_growth", "07_targets_end_year"])
def test_figure_legends_of_what_if_titles_fit_the_figure(what_if, lang, stem):
    """Every title carries "(giả định thay đổi)": three columns of them ran off both sides of
    the sector-growth chart; the legend takes as many columns as fit."""
    from sim.output.charts.base import legend_columns

    fig = _job(main_chart_jobs(what_if, lang, RUN_DATE), stem).draw()
    fig.draw_without_rendering()
    (legend,) = fig.legends
    assert _inside(fig, legend), legend.get_window_extent()
    shown = [t.get_text() for t in legend.get_texts()]
    assert all(r.scenario.title(lang) in shown for r in what_if)
    assert legend_columns(["a", "b", "c"], 8.0, 3) == 3  # short labels keep their columns


def test_the_waterfall_key_names_only_the_colours_it_draws(what_if):
    """A scenario whose parameters all lower the gap had "Raises" in its key all the same."""
    from matplotlib.colors import to_hex

    from sim.analysis.compare import compare_run
    from sim.output.charts.compare import DOWN, UP

    plain = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    jobs = compare_chart_jobs(plain, compare_run("baseline", plain), "en", RUN_DATE)
    keys_seen = []
    for job in jobs:
        fig = job.draw()
        drawn = {to_hex(p.get_facecolor()) for ax in fig.axes for p in ax.patches}
        keys = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
        assert ("Raises" in keys) == (UP.lower() in drawn), (job.stem, keys)
        assert ("Lowers" in keys) == (DOWN.lower() in drawn), (job.stem, keys)
        keys_seen.append(keys)
    assert any("Raises" not in keys or "Lowers" not in keys for keys in keys_seen)  # the case


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_waterfall_prints_near_its_size_on_a4_portrait(what_if, lang):
    """Drawn 11 in wide, three panels stacked, the waterfall shrank to 0.64 on its A4 sheet:
    labels of 4 pt. Every waterfall (the tallest has a what-if line) now goes on a portrait
    sheet at 0.9 of its size or more, and every word prints at 7 pt or more but the footer and
    the what-if line (the same size on every chart: 6.5 and 7 pt before the sheet's scale)."""
    from matplotlib.text import Text

    from sim.analysis.compare import compare_run
    from sim.output.charts.pages import sheet

    jobs = compare_chart_jobs(what_if, compare_run("baseline", what_if), lang, RUN_DATE)
    assert len(jobs) == 2
    for job in jobs:
        fig = job.draw()
        width, height = fig.get_size_inches()
        sheet_w, sheet_h, scale, _, _ = sheet(width * 72, height * 72)
        assert sheet_w < sheet_h and scale >= 0.9, (job.stem, width, height, scale)
        fig.draw_without_rendering()
        words = [
            t
            for t in fig.findobj(Text)
            if t.get_text().strip() and t.get_visible() and t.get_gid() not in ("footer", "what_if")
        ]
        small = [(t.get_text(), t.get_fontsize()) for t in words if t.get_fontsize() * scale < 7]
        assert not small, (job.stem, scale, small)


def test_the_waterfall_names_both_levels_and_the_gap(what_if):
    """The base's bar carries its end-year level, the scenario's its level and its gap from the
    base (the "35 billion lower" a planner asks about, here with a what-if), the parts adding
    up to it as printed (they added up to 0,1 less or more); each panel's title is the indicator, its
    unit under the axis (not "(chỉ số (tổng năm 2020 = 100))" in the title)."""
    from sim.analysis.compare import compare_run
    from sim.output.i18n import format_number, format_signed, unit_text

    base, covid = what_if[0], what_if[1]
    jobs = compare_chart_jobs(what_if, compare_run("baseline", what_if), "vi", RUN_DATE)
    fig = _job(jobs, "c01_waterfall_covid_shock").draw()
    budget = covid.scenario.budget_concept
    for ax, name, decimals in zip(
        fig.axes, ("output.total", "income_per_capita", budget), (2, 2, 2), strict=True
    ):
        start, end = float(base.series[name][-1]), float(covid.series[name][-1])
        texts = [t.get_text() for t in ax.texts if t.get_gid() != "cut"]
        start, end = round(start, decimals), round(end, decimals)  # the gap as printed
        assert format_number(start, decimals, "vi") == texts[-2]
        gap = format_signed(end - start, decimals, "vi")
        assert f"{format_number(end, decimals, 'vi')} ({gap})" == texts[-1]
        # the parts, as printed, add up to the printed gap
        parts = [float(t.replace("−", "-").replace(",", ".")) for t in texts[:-2]]
        assert sum(parts) == pytest.approx(end - start, abs=1e-9)
        assert "(" not in ax.get_title() or name == budget  # (the budget's label has its own)
        assert ax.get_xlabel() == unit_text(covid.units[name], "vi")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_scorecard_label_wraps_only_when_its_cell_cannot_hold_it(bundled, lang):
    """Labels wrapped at 40 characters whatever the column's width: "Tổng vốn đầu tư toàn xã hội
    tăng bình quân" took two lines in a cell that holds it on one. A label wraps to its cell's
    width: every label that wraps is wider than its cell on one line, and every label fits."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    fig = _job(main_chart_jobs(bundled, lang, RUN_DATE), "08_scorecard").draw()
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    labels = [c for (r, col), c in fig.axes[0].tables[0].get_celld().items() if r > 0 and col == 0]
    one_line = 0
    for cell in labels:
        words = cell.get_text()
        room = cell.get_window_extent().width * (1 - 2 * cell.PAD)
        assert words.get_window_extent(renderer).width <= room, words.get_text()
        if "\n" in words.get_text():
            joined = fig.text(
                0, 0, " ".join(words.get_text().split()), fontsize=words.get_fontsize()
            )
            assert joined.get_window_extent(renderer).width > 0.9 * room, words.get_text()
            joined.remove()
        else:
            one_line += 1
    if lang == "vi":
        texts = [cell.get_text().get_text() for cell in labels]
        assert "Tổng vốn đầu tư toàn xã hội tăng bình quân" in texts  # on one line
        assert one_line >= 8


def test_the_land_use_floor_shows_when_every_scenario_sits_on_it(bundled):
    """All three scenarios hold land-use fees at 80 billion a year, the floor itself: the dashed
    floor, drawn alone, lay under their lines. The side that meets it is now shaded (under the
    lines), from 80 up over 2021-2025, and the panel's key is that shading."""
    fig = _job(main_chart_jobs(bundled, "vi", RUN_DATE), "06_budget").draw()
    ax = fig.axes[1]
    assert all(np.allclose(r.series["land_use_revenue"][1:], 80.0) for r in bundled)
    [shaded] = [c for c in ax.collections if c.get_label() == "Mục tiêu ≥ 80 tỷ đồng"]
    corners = shaded.get_paths()[0].vertices
    assert corners[:2].tolist() == [[2021.0, 80.0], [2025.0, 80.0]]
    assert corners[2:4, 1].min() > ax.get_ylim()[1]  # shaded up past the panel's top
    titles = {r.scenario.title("vi") for r in bundled}
    scenario_lines = [line for line in ax.lines if line.get_label() in titles]
    assert len(scenario_lines) == 3
    assert all(shaded.get_zorder() < line.get_zorder() for line in scenario_lines)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["Mục tiêu ≥ 80 tỷ đồng"]


def test_a_waterfall_names_the_what_if_of_the_scenarios_it_shows_only():
    """With covid_shock changed, the waterfall of optimistic against baseline (neither changed)
    carried covid's what-if line. Each waterfall names the changes of its two scenarios."""
    from sim.analysis.compare import compare_run

    results = [
        run_scenario(s)
        for s in load_scenarios([], SCENARIOS, ["covid_shock:sectors.services.growth_pct=12"])
    ]
    jobs = compare_chart_jobs(results, compare_run("baseline", results), "en", RUN_DATE)
    notes = {job.stem: job.what_if for job in jobs}
    assert notes["c02_waterfall_optimistic"] == ""
    assert notes["c01_waterfall_covid_shock"] == (
        "what-if: COVID-19 shock: Services: growth = 12 %/yr (was 16; 2021, 2022 unchanged)"
    )


def test_rounded_parts_add_up_to_the_gap_as_printed():
    """Hand-computed: levels 566,80 and 531,89 print as 566,8 and 531,9, a gap of −34,9; the
    parts round to −29,7 +4,7 −12,7 +3,1 −0,2 = −34,8, so the part rounding moved furthest up
    (−0,24 -> −0,2, by 0,04) goes back down a digit, to −0,3."""
    from sim.output.i18n import rounded_parts

    start, end, parts = rounded_parts(566.80, 531.89, [-29.70, 4.67, -12.72, 3.08, -0.24], 1)
    assert (start, end) == pytest.approx((566.8, 531.9))
    assert parts == pytest.approx([-29.7, 4.7, -12.7, 3.1, -0.3])
    rng = np.random.default_rng(3)
    for _ in range(200):
        steps = list(rng.normal(0, 3, size=int(rng.integers(1, 8))))
        first = float(rng.uniform(50, 600))
        start, end, parts = rounded_parts(first, first + sum(steps), steps, 1)
        assert sum(parts) == pytest.approx(end - start, abs=1e-9)
        assert all(abs(p - x) < 0.15 + 1e-9 for p, x in zip(parts, steps, strict=True))


def test_level_bars_cut_by_the_axis_are_marked_and_the_key_says_so(what_if):
    """The level bars start off the axis (the gap is what matters): "199,3" looked a sixth as
    long as "203,6". Each cut bar has a cut mark, and the key says the axis is not from 0; the
    key fits the figure."""
    from sim.analysis.compare import compare_run

    for lang, words in (("vi", "trục không bắt đầu từ 0"), ("en", "axis not from 0")):
        jobs = compare_chart_jobs(what_if, compare_run("baseline", what_if), lang, RUN_DATE)
        fig = _job(jobs, "c02_waterfall_optimistic").draw()
        fig.draw_without_rendering()
        for ax in fig.axes:
            marks = [t for t in ax.texts if t.get_gid() == "cut"]
            assert len(marks) == 2 and ax.get_xlim()[0] > 0
            assert all(m.xy[0] > ax.get_xlim()[0] for m in marks)
        legend = fig.axes[0].get_legend()
        assert any(words in t.get_text() for t in legend.get_texts())
        assert _inside(fig, legend), legend.get_window_extent()


def test_the_land_use_floor_is_shaded_to_the_top_of_a_panel_scaled_by_far_larger_fees():
    """Fees of 1,000 a year over a floor of 80: the panel reaches 1,350, and the shading, which
    ended at ten times the floor (890), read as a ceiling. It now reaches past the top."""
    results = [
        run_scenario(s)
        for s in load_scenarios([], SCENARIOS, ["indicators.land_use_revenue.base=1000"])
    ]
    fig = _job(main_chart_jobs(results, "vi", RUN_DATE), "06_budget").draw()
    ax = fig.axes[1]
    [shaded] = [c for c in ax.collections if c.get_label() == "Mục tiêu ≥ 80 tỷ đồng"]
    assert ax.get_ylim()[1] > 1300
    assert shaded.get_paths()[0].vertices[:, 1].max() > ax.get_ylim()[1]


def test_a_waterfall_of_many_parameters_keeps_the_largest_and_still_prints_at_its_size():
    """Drawn bar by bar, a waterfall of many differing parameters grew past its A4 sheet (0.72
    of its size with ten). Above MAX_STEPS a panel keeps the largest parts and one bar for the
    rest, which is their sum: the panel still adds up, and the chart prints at 0.9 or more."""
    from sim.analysis.compare import compare_run
    from sim.output.charts.compare import MAX_STEPS
    from sim.output.charts.pages import sheet

    settings = [
        f"optimistic:sectors.{s}.growth_pct_by_year.{y}={g}"
        for s, g in (("services", 18), ("industry", 17), ("agriculture", 5))
        for y in (2023, 2024)
    ]
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS, settings)]
    compare = compare_run("baseline", results)
    jobs = compare_chart_jobs(results, compare, "en", RUN_DATE)
    fig = _job(jobs, "c02_waterfall_optimistic").draw()
    width, height = fig.get_size_inches()
    assert sheet(width * 72, height * 72)[2] >= 0.9
    rows = [a for a in compare.attribution if a.scenario == "optimistic"]
    budget = results[2].scenario.budget_concept
    parts = sorted(
        (a.contribution for a in rows if a.indicator == budget and abs(a.contribution) > 1e-9),
        key=abs,
    )
    assert len(parts) > MAX_STEPS
    ax = fig.axes[2]
    labels = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    n = len(parts) - (MAX_STEPS - 1)
    assert labels[-2] == f"{n} other parameters" and len(labels) == MAX_STEPS + 2
    rest = sum(parts[:n])  # the smallest
    assert any(p.get_width() == pytest.approx(rest) for p in ax.patches)  # the rest's bar


def test_a_waterfall_panel_of_small_values_keeps_three_significant_figures():
    """An indicator below 0.005 printed "0,00" for both levels, the gap and every part."""
    from sim.output.charts.compare import _decimals

    assert _decimals([566.8, 531.9]) == 2 and _decimals([56.74, 55.61]) == 2
    assert _decimals([0.0042, 0.0031]) == 5  # 0,00420
    assert _decimals([0.5, 0.4]) == 3 and _decimals([0.0, 0.0]) == 2


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_deviation_table_gives_each_actual_its_unit_and_every_cell_fits(
    bundled, tracking, lang
):
    """The "actual" column mixed 6,1 (%/yr), 47,2 (million VND a person) and 312,0 (billion
    VND) with no unit. A unit column names each row's; no text is wider than its cell (the
    deviation in "điểm phần trăm" included)."""
    from sim.output.charts.pack import tracking_chart_jobs
    from sim.output.i18n import unit_text

    fig = _job(tracking_chart_jobs(bundled, tracking, lang, RUN_DATE), "10_deviation").draw()
    fig.draw_without_rendering()
    cells = fig.axes[0].tables[0].get_celld()
    units = {cells[r, 1].get_text().get_text() for r in range(1, 1 + max(r for r, _ in cells))}
    assert {unit_text("%/yr", lang), unit_text("million VND/person", lang)} <= units
    points = "điểm phần trăm" if lang == "vi" else "points"
    assert any(points in c.get_text().get_text() for c in cells.values())
    for cell in cells.values():
        box, words = cell.get_window_extent(), cell.get_text().get_window_extent()
        assert box.x0 <= words.x0 and words.x1 <= box.x1, cell.get_text().get_text()


def test_the_scorecard_with_actuals_fits_a4_landscape_and_its_two_line_labels_their_pair(
    bundled, tracking
):
    """Twenty rows made the table 7.85 in high: on A4 landscape (7.09 in inside the margins) it
    printed at 0.9, text at 6.8 pt. It is now at most SCORECARD_MAX_IN high, and a label on two
    lines stays inside its pair of rows (it ran over the rule above)."""
    from sim.output.charts.pages import sheet
    from sim.output.charts.projection import SCORECARD_MAX_IN

    rebased = [r.result for r in tracking.rebased]
    fig = _job(main_chart_jobs(bundled, "vi", RUN_DATE, rebased), "08_scorecard").draw()
    width, height = fig.get_size_inches()
    assert height <= SCORECARD_MAX_IN and sheet(width * 72, height * 72)[2] >= 1.0
    fig.draw_without_rendering()
    cells = fig.axes[0].tables[0].get_celld()
    wrapped = [r for (r, c), cell in cells.items() if c == 0 and "\n" in cell.get_text().get_text()]
    assert wrapped
    for row in wrapped:
        text_box = cells[row, 0].get_text().get_window_extent()
        top, bottom = cells[row, 0].get_window_extent(), cells[row + 1, 0].get_window_extent()
        assert bottom.y0 <= text_box.y0 and text_box.y1 <= top.y1, cells[row, 0].get_text()


@pytest.mark.parametrize(
    ("lang", "words"), [("vi", "số liệu thực hiện: example;"), ("en", "actuals: example;")]
)
def test_the_tracking_charts_footers_name_where_the_actuals_come_from(
    bundled, tracking, lang, words
):
    """Charts 9 and 10 (and 7 and 8, which show re-baselined values) named only the congress
    report and the model, not the source of the actual figures they show: the footer names the
    actuals' sources (the example file's `source` column says "example")."""
    from sim.output.charts.pack import tracking_chart_jobs
    from sim.output.plan_text import actuals_source

    rebased = [r.result for r in tracking.rebased]
    source = actuals_source(tracking.actuals)
    targets = [
        job
        for job in main_chart_jobs(bundled, lang, RUN_DATE, rebased, source)
        if job.stem in ("07_targets_end_year", "08_scorecard")  # (re-baselined values too)
    ]
    for job in [*tracking_chart_jobs(bundled, tracking, lang, RUN_DATE), *targets]:
        fig = job.draw()
        [footer] = [t for t in fig.texts if t.get_gid() == "footer"]
        assert words in footer.get_text(), footer.get_text()
        fig.draw_without_rendering()
        assert _inside(fig, footer), footer.get_text()
    congress = _job(main_chart_jobs(bundled, lang, RUN_DATE), "01_output_index").draw()
    [footer] = [t for t in congress.texts if t.get_gid() == "footer"]
    assert words.split(":")[0] not in footer.get_text()


def test_the_actuals_source_is_their_sources_once_each_or_the_file_name():
    from pathlib import Path
    from types import SimpleNamespace as Row

    from sim.output.plan_text import actuals_source

    def of(*sources: str) -> Row:
        return Row(observations=[Row(source=s) for s in sources], path=Path("in/a.csv"))

    assert actuals_source(of("Chi cục Thống kê", "", " Chi cục Thống kê ", "Phòng TC-KH")) == (
        "Chi cục Thống kê, Phòng TC-KH"
    )
    assert actuals_source(of("")) == "a.csv"
    assert actuals_source(of("x" * 41)) == "a.csv"
    assert actuals_source(None) == ""


@pytest.fixture(scope="module")
def every_job(bundled, tracking):
    """Every chart a run can draw, in Vietnamese: the congress charts, the tracking charts, the
    sensitivity charts of the baseline, the compare waterfalls."""
    from sim.analysis.compare import compare_run
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import sensitivity_chart_jobs, tracking_chart_jobs

    rebased = [r.result for r in tracking.rebased]
    sensitivity = run_sensitivity([bundled[0].scenario], draws=500, seed=3, sobol_n=2**6)
    return [
        *main_chart_jobs(bundled, "vi", RUN_DATE, rebased),
        *tracking_chart_jobs(bundled, tracking, "vi", RUN_DATE),
        *sensitivity_chart_jobs(bundled[:1], sensitivity, "vi", RUN_DATE),
        *compare_chart_jobs(bundled, compare_run("baseline", bundled), "vi", RUN_DATE),
    ]


PRINTED_PT = 6.5
"""The smallest text on paper: a chart's page on its A4 sheet (the tornado's labels, the source
line of a shrunk page, printed at 6.1-6.3 pt)."""


def test_every_word_of_every_chart_prints_at_6_5_pt_or_more_on_a4(every_job):
    from matplotlib.table import Table
    from matplotlib.text import Text

    from sim.output.charts.pages import sheet

    assert len(every_job) >= 16
    for job in every_job:
        fig = job.draw("Biểu 1. " + job.caption)  # the page, its caption's room included
        width, height = fig.get_size_inches()
        scale = sheet(width * 72, height * 72)[2]
        texts = [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]
        for table in fig.findobj(Table):
            texts += [cell.get_text() for cell in table.get_celld().values()]
        small = {
            (t.get_text()[:40], t.get_fontsize())
            for t in texts
            if t.get_fontsize() * scale < PRINTED_PT
        }
        assert not small, (job.stem, round(scale, 3), sorted(small)[:5])


def test_a_growth_beside_its_own_single_years_is_labelled_the_other_years():
    """With covid's services growth set to 12, "Services: growth" (−9,8) stood beside "Services:
    growth in 2021" and "in 2022" and read as all of services' growth."""
    from sim.analysis.compare import compare_run

    results = [
        run_scenario(s)
        for s in load_scenarios([], SCENARIOS, ["covid_shock:sectors.services.growth_pct=12"])
    ]
    jobs = compare_chart_jobs(results, compare_run("baseline", results), "en", RUN_DATE)
    fig = _job(jobs, "c01_waterfall_covid_shock").draw()
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert "Services: growth (other years)" in labels
    assert "Industry & construction: growth (other years)" not in labels  # (not set)
    assert any(label.startswith("Services: growth in 2021") for label in labels), labels


def test_a_scorecard_of_many_targets_grows_rather_than_squeeze_its_rows(
    bundled, tracking, monkeypatch
):
    """The height cap made 41 rows (the plan's targets twice, with --actuals) 0.17 in each: the
    text ran over the rules. Past SCORECARD_LINE_MIN_IN a row, the table is not capped."""
    from sim.output.charts import projection

    targets = projection.targets_in_horizon(bundled)
    monkeypatch.setattr(projection, "targets_in_horizon", lambda results: (*targets, *targets))
    rebased = [r.result for r in tracking.rebased]
    fig = _job(main_chart_jobs(bundled, "vi", RUN_DATE, rebased), "08_scorecard").draw()
    assert fig.get_size_inches()[1] > projection.SCORECARD_MAX_IN
    fig.draw_without_rendering()
    cells = fig.axes[0].tables[0].get_celld()
    for (row, col), cell in cells.items():
        if row > 0 and col > 1:  # (scores: one line each)
            box, words = cell.get_window_extent(), cell.get_text().get_window_extent()
            assert box.y0 <= words.y0 and words.y1 <= box.y1, cell.get_text().get_text()


def test_tick_labels_have_a_minus_sign_and_no_negative_zero():
    from sim.output.charts.base import NumberFormatter

    assert NumberFormatter("vi", None)(-2.5) == "−2,5"
    assert NumberFormatter("vi", None)(-0.0) == "0"
    assert NumberFormatter("vi", 2)(-0.001) == "0,00"
