"""whatif.html in headless Chromium: the page's model against sim's, inputs against `--set`,
the saved scenario file through the command, the URL fragment, no request, both languages.

The page computes in JavaScript, a second copy of the model; these tests hold it to
`sim.core.model` (maximum relative difference 1e-12) on every bundled scenario and on 1,200
random parameter sets, so a formula changed in Python without the page fails here.

Levels, shares and year-on-year growth come out bit for bit the same (the page keeps numpy's
order of operations). A CAGR is a root: Math.cbrt and Math.pow differ from numpy's (glibc's) in
the last bit now and then (about one CAGR in six here), and (root - 1) x 100 turns one ulp of
the root (2e-16) into up to 1e-11 of a CAGR near zero. So a rate in % is compared as its growth
factor 1 + r / 100, the number the root computes; everything else as itself.
"""

import csv
import math
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SCENARIOS, TARGETS

from sim.core.model import project, projection_series
from sim.core.targets import evaluate, target_indicator
from sim.output.i18n import format_number
from sim.output.whatif import write_whatif
from sim.output.whatif.data import scenario_payload, target_payload
from sim.run import load_scenarios, model_inputs, run_scenario
from sim.scenario.loader import load_scenario

pytestmark = pytest.mark.slow

GENERATED = datetime(2026, 11, 27, 9, 30)
PARITY = 1e-12  # the bar: maximum relative difference between the page's and sim's numbers
CSV_DIGITS = 1e-9  # the CSV files hold 10 significant digits
SCREENSHOTS = Path("/tmp")  # looked at by hand; not kept in the repository


def relative_difference(a, b) -> float:
    """max |a - b| / max(|a|, |b|) over the elements; NaN equals NaN, 0 equals 0."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    assert a.shape == b.shape
    assert np.array_equal(np.isnan(a), np.isnan(b)), "NaN in one and not the other"
    ok = ~np.isnan(a)
    scale = np.maximum(np.abs(a[ok]), np.abs(b[ok]))
    diff = np.abs(a[ok] - b[ok])
    return float(np.max(np.where(scale > 0, diff / np.where(scale > 0, scale, 1), 0), initial=0))


# ----------------------------------------------------------------------------- the browser


class Page:
    """A page of whatif.html that records every request (and lets none out but the file)."""

    def __init__(self, browser, path: Path, fragment: str = "", **options):
        self.context = browser.new_context(accept_downloads=True, **options)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._route)
        self.url = path.as_uri()
        self.page.goto(self.url + fragment, wait_until="load")

    def _route(self, route):
        if route.request.url.split("#")[0] == self.url:
            route.continue_()
        else:
            route.abort()

    def set(self, param: str, text: str) -> None:
        """Type `text` into the input of `param` and let it change, as a user does."""
        field = self.page.locator(f'[data-param="{param}"]')
        field.fill(text)
        field.dispatch_event("change")

    def shown(self) -> dict[str, dict[int, float]]:
        """series -> year -> the full-precision value the page shows."""
        cells = self.page.eval_on_selector_all(
            "[data-indicator]",
            "cells => cells.map(c => [c.dataset.indicator, +c.dataset.year, c.dataset.value])",
        )
        shown: dict[str, dict[int, float]] = {}
        for name, year, value in cells:
            shown.setdefault(name, {})[year] = float(value)
        return shown

    def statuses(self) -> dict[str, str]:
        rows = self.page.eval_on_selector_all(
            "[data-target]", "rows => rows.map(r => [r.dataset.target, r.dataset.status])"
        )
        return dict(rows)

    def close(self) -> list[str]:
        """Close the page; returns the URLs requested other than the file itself."""
        self.context.close()
        assert self.errors == []
        return [u for u in self.requests if u.split("#")[0] != self.url]


def write_page(folder: Path, results, lang: str = "vi") -> Path:
    path = folder / "whatif.html"
    write_whatif(path, results, lang, GENERATED)
    return path


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled scenarios of both folders (and the history one, which the page leaves out)."""
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    results += [run_scenario(s) for s in load_scenarios([], SCENARIOS / "next_term")]
    results += [run_scenario(s) for s in load_scenarios(["history/backcast_2016_2020"], SCENARIOS)]
    return results, write_page(tmp_path_factory.mktemp("bundled"), results)


@pytest.fixture(scope="module")
def default_page(tmp_path_factory):
    """The page of a default run (scenarios/), as the command writes it."""
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS)]
    return write_page(tmp_path_factory.mktemp("default"), results)


# ----------------------------------------------------------------------------- parity


def as_compared(name: str, values):
    """A rate in % as its growth factor (see the module docstring); other values as they are."""
    values = np.asarray(values, dtype=float)
    return 1.0 + values / 100.0 if name.startswith(("growth.", "cagr.")) else values


MEASURED_AS_RATE = {t.key: t.measure == "cagr" for t in TARGETS}


def assert_parity(js: dict, series: dict, scores: dict) -> float:
    """The page's model output against sim's series and target values; returns the largest
    relative difference found."""
    assert list(js["series"]) == list(series)
    worst = 0.0
    for name in series:
        a, b = as_compared(name, js["series"][name]), as_compared(name, series[name])
        worst = max(worst, relative_difference(a, b))
        if not name.startswith("cagr."):  # (see the module docstring)
            assert np.array_equal(a, b, equal_nan=True), name
    for row in js["scores"]:
        kind = "cagr." if MEASURED_AS_RATE[row["key"]] else ""
        a, b = as_compared(kind, row["value"]), as_compared(kind, scores[row["key"]])
        worst = max(worst, relative_difference(a, b))
    assert worst <= PARITY
    return worst


def test_page_model_matches_sim_on_every_bundled_scenario(browser, bundled):
    results, path = bundled
    page = Page(browser, path)
    names = page.page.evaluate("whatif.data.scenarios.map(s => s.name)")
    shown = [r for r in results if r.scenario.name in names]
    # each against its own plan's targets (the two folders have two plans; a run has one)
    plans = [[target_payload(t) for t in r.scenario.plan.targets] for r in shown]
    outputs = page.page.evaluate(
        "plans => whatif.data.scenarios.map((s, i) => whatifModel({...s, targets: plans[i]}))",
        plans,
    )
    skipped = page.page.evaluate("whatif.data.skipped")
    header = page.page.inner_text("header")
    assert page.close() == []
    assert [r.scenario.name for r in shown] == names
    assert skipped == ["history_2016_2020"]  # a back-cast: left out, and the page says so
    (history,) = [r.scenario for r in results if r.scenario.name == "history_2016_2020"]
    assert f"Không có trên trang này: {history.title_vi} (" in header  # by title, not its id
    assert "history_2016_2020" not in header
    assert len(names) == 5
    for result, js in zip(shown, outputs, strict=True):
        scores = {row.target.key: row.value for row in result.scores}
        assert_parity(js, result.series, scores)
        statuses = [row["status"] for row in js["scores"]]
        assert statuses == [row.status for row in result.scores]


# Variants of the baseline that exercise every branch of the model: residual treatments,
# the other block's own rate, index or billion VND, both indicator rules, single-year rates
# for sectors and indicators, a longer horizon.
VARIANTS = [
    ("baseline", [], None),
    ("covid_shock", [], None),
    ("baseline", ["structure.residual=normalise"], None),
    ("baseline", ["structure.residual_growth_pct=2.0", "structure.base_total_bn_vnd=7250"], None),
    (
        "baseline",
        [
            "indicators.income_per_capita.rule=growth",
            "indicators.income_per_capita.growth_pct=6.0",
            "indicators.investment.rule=elasticity",
            "indicators.investment.elasticity=0.8",
            "sectors.services.growth_pct_by_year.2022=1.0",
            "sectors.agriculture.growth_pct_by_year.2025=1.0",
            "indicators.budget_revenue.growth_pct_by_year.2023=1.0",
            "indicators.retail.growth_pct_by_year.2021=1.0",
        ],
        None,
    ),
    (
        "covid_shock",
        [
            "sectors.industry.growth_pct_by_year.2027=1.0",
            "indicators.income_per_capita.growth_pct_by_year.2030=1.0",
        ],
        2030,
    ),
]
DRAWS = 200  # per variant: 1,200 parameter sets in all


def random_values(parameters: dict[str, float], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """DRAWS values of every numeric parameter: rates and single-year rates -20..+40 %/yr,
    elasticities -0.5..2.5, shares 1..60 % (summing to at most 100), bases 1..3,000."""
    values = {}
    for path in parameters:
        leaf = path.split(".")[-1] if not path.split(".")[-1].isdigit() else "by_year"
        if leaf in ("growth_pct", "residual_growth_pct", "by_year"):
            values[path] = rng.uniform(-20.0, 40.0, DRAWS)
        elif leaf == "elasticity":
            values[path] = rng.uniform(-0.5, 2.5, DRAWS)
        elif leaf == "base":
            values[path] = rng.uniform(1.0, 3000.0, DRAWS)
    shares = rng.uniform(1.0, 60.0, (3, DRAWS))
    shares *= rng.uniform(90.0, 100.0, DRAWS) / np.maximum(shares.sum(axis=0), 100.0)
    for sector, share in zip(("services", "industry", "agriculture"), shares, strict=True):
        values[f"sectors.{sector}.share_pct"] = share
    return values


def test_page_model_matches_sim_on_random_parameter_sets(browser, default_page):
    """1,200 random parameter sets in one call of the page's model, against sim batched."""
    rng = np.random.default_rng(20261127)
    specs, expected = [], []
    for name, settings, end_year in VARIANTS:
        scenario = load_scenario(name, SCENARIOS, settings, end_year)
        payload = scenario_payload(run_scenario(scenario))
        values = random_values(payload["params"], rng)
        series = projection_series(project(model_inputs(scenario, values)))
        years = np.arange(scenario.base_year, scenario.end_year + 1)
        scores = {}
        for target in TARGETS:
            indicator = target_indicator(target, scenario.budget_concept)
            value = evaluate(target, years, series[indicator]) if indicator in series else None
            scores[target.key] = np.full(DRAWS, np.nan) if value is None else value
        for k in range(DRAWS):
            params = {path: float(v[k]) for path, v in values.items()}
            specs.append(dict(payload, params=params))
            expected.append(
                ({n: v[k] for n, v in series.items()}, {t: v[k] for t, v in scores.items()})
            )
    page = Page(browser, default_page)
    outputs = page.page.evaluate("specs => specs.map(s => whatifModel(s))", specs)
    assert page.close() == []
    assert len(outputs) == len(specs) >= 1000
    worst = max(assert_parity(js, *want) for js, want in zip(outputs, expected, strict=True))
    assert worst <= PARITY


FORMAT_IN_PAGE = """([lang, cases]) => {
  whatif.state.lang = lang;
  return cases.map(([value, decimals]) => whatif.fmt(value, decimals));
}"""


def test_page_formats_numbers_as_sim_on_random_values(browser, default_page):
    """The page's `fmt` is format_number's twin: random values of every size and sign (with
    negatives that round to zero, which take no minus sign), 0-3 decimals, both languages, and
    halves, which Python rounds to the even digit and toFixed alone would round up."""
    rng = np.random.default_rng(20261201)
    scale = 10.0 ** rng.integers(-4, 8, size=600)
    ties = [0.5, 1.5, 2.5, -2.5, 0.125, 0.375, -0.625, 1234.5, 2.675, 1.005]  # (exact or not)
    values = (rng.uniform(-1, 1, size=600) * scale).tolist() + [0.0, -0.0, -0.004, 0.004, -1.0]
    values += ties * 4  # (each tie at 0-3 decimals, below)
    decimals = [
        *rng.integers(0, 4, size=len(values) - 4 * len(ties)),
        *np.repeat(range(4), len(ties)),
    ]
    cases = [(v, int(d)) for v, d in zip(values, decimals, strict=True)]
    page = Page(browser, default_page)
    for lang in ("vi", "en"):
        shown = page.page.evaluate(FORMAT_IN_PAGE, [lang, cases])
        assert shown == [format_number(v, d, lang) for v, d in cases]
    assert page.close() == []
    assert "−" in "".join(shown) and "-" not in "".join(shown)


def test_page_and_sim_give_each_target_the_same_status_on_random_bands(browser, default_page):
    """Random bands, floors and ceilings around each target's projected value: the page's
    statuses and gaps equal sim's (status_of), including a ceiling alone exceeded ("missed")
    and a band's upper end exceeded ("exceeded", counted as met)."""
    import dataclasses

    from sim.core.targets import status_of

    rng = np.random.default_rng(20261201)
    result = run_scenario(load_scenario("baseline", SCENARIOS))
    payload = scenario_payload(result)
    values = {row.target.key: row.value for row in result.scores}
    plans, expected = [], []
    for _ in range(200):
        plan, want = [], []
        for target in TARGETS:
            value = values[target.key]
            low, high = sorted(value + rng.uniform(-2, 2, 2) * max(abs(value), 1) * 0.05)
            kind = rng.integers(3)  # band, floor only, ceiling only
            bounds = {"low": low if kind != 2 else None, "high": high if kind != 1 else None}
            changed = dataclasses.replace(target, approximate=False, **bounds)
            plan.append(target_payload(changed))
            want.append(status_of(changed, value))
        plans.append(plan)
        expected.append(want)
    page = Page(browser, default_page)
    outputs = page.page.evaluate(
        "([spec, plans]) => plans.map(targets => whatifModel(Object.assign({}, spec, {targets})))",
        [payload, plans],
    )
    assert page.close() == []
    seen = set()
    for js, want in zip(outputs, expected, strict=True):
        for row, (status, gap) in zip(js["scores"], want, strict=True):
            assert row["status"] == status
            assert math.isclose(row["gap"], gap, rel_tol=1e-9, abs_tol=1e-9)
            seen.add(status)
    assert seen == {"met", "missed", "exceeded"}


# ----------------------------------------------------------------------------- the CLI


def run_cli(out: Path, *arguments: str, folder: Path = SCENARIOS) -> dict[str, dict[int, float]]:
    """Run the command; returns series -> year -> value of the one scenario's CSV."""
    command = [sys.executable, str(REPO / "run_scenarios.py"), "--no-charts", "--no-history"]
    command += ["--scenarios-dir", str(folder), "--out", str(out), *arguments]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    (table,) = [p for p in out.glob("*.csv") if p.stem not in ("projections", "scorecard")]
    values: dict[str, dict[int, float]] = {}
    with table.open(encoding="utf-8-sig") as handle:  # (the CSVs may start with a BOM)
        for row in csv.DictReader(handle):
            year = int(row.pop("year"))
            for name, text in row.items():
                values.setdefault(name, {})[year] = float(text) if text else math.nan
    return values


def assert_same_numbers(shown, expected, tolerance: float) -> None:
    assert set(shown) == set(expected)
    for name in expected:
        years = sorted(expected[name])
        a = [shown[name][y] for y in years]
        b = [expected[name][y] for y in years]
        assert relative_difference(a, b) <= tolerance, name


def as_table(result) -> dict[str, dict[int, float]]:
    years = [int(y) for y in result.years]
    return {n: dict(zip(years, map(float, v), strict=True)) for n, v in result.series.items()}


def test_a_changed_input_equals_the_cli_set_run(browser, default_page, tmp_path):
    page = Page(browser, default_page)
    page.set("sectors.services.growth_pct", "15,5")  # the Vietnamese decimal comma
    page.set("indicators.budget_revenue.elasticity", "1,2")
    override = '[data-param="sectors.industry.growth_pct_by_year.2023"][data-year="2023"]'
    assert page.page.locator(override).count() == 1
    page.set("sectors.industry.growth_pct_by_year.2023", "10")
    shown, statuses = page.shown(), page.statuses()
    assert page.close() == []
    settings = [
        "sectors.services.growth_pct=15.5",
        "indicators.budget_revenue.elasticity=1.2",
        "sectors.industry.growth_pct_by_year.2023=10",
    ]
    expected = run_scenario(load_scenario("baseline", SCENARIOS, settings))
    assert_same_numbers(shown, as_table(expected), PARITY)
    assert statuses == {row.target.key: row.status for row in expected.scores}
    assert statuses["budget_2025"] == "exceeded"  # 1.2 x output growth: above about 600
    cli = run_cli(tmp_path / "out", "baseline", *(f"--set={s}" for s in settings))
    assert_same_numbers(shown, cli, CSV_DIGITS)


def test_the_saved_file_round_trips_through_the_cli(browser, default_page, tmp_path):
    page = Page(browser, default_page)
    page.page.select_option('[data-role="scenario"]', "covid_shock")
    page.set("sectors.services.share_pct", "48")  # a share: the file must set its base year
    page.set("sectors.services.growth_pct_by_year.2021", "")  # the parent's shock removed
    page.set("indicators.income_per_capita.growth_pct_by_year.2022", "")
    page.set("indicators.retail.growth_pct", "17.25")
    page.set("sectors.agriculture.growth_pct_by_year.2024", "-3,5")
    shown = page.shown()
    with page.page.expect_download() as info:
        page.page.click('[data-action="save-scenario"]')
    download = info.value
    assert download.suggested_filename == "covid_shock_whatif.toml"
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for source in SCENARIOS.glob("*.toml"):
        (folder / source.name).write_bytes(source.read_bytes())
    saved = folder / download.suggested_filename
    download.save_as(saved)
    assert page.close() == []
    text = saved.read_text(encoding="utf-8")
    assert text.startswith('# What-if of scenario "covid_shock" (file covid_shock.toml), saved')
    assert 'extends = "covid_shock"' in text and "base_year = 2020" in text
    assert "[sectors.industry]" not in text  # only what changed
    loaded = run_scenario(load_scenario(saved, folder))
    assert_same_numbers(shown, as_table(loaded), PARITY)
    cli = run_cli(tmp_path / "out", saved.stem, folder=folder)
    assert_same_numbers(shown, cli, CSV_DIGITS)


# ----------------------------------------------------------------------------- state, language


def test_the_fragment_restores_the_state(browser, default_page):
    page = Page(browser, default_page)
    page.page.select_option('[data-role="scenario"]', "optimistic")
    page.set("sectors.agriculture.growth_pct", "2")
    page.set("indicators.investment.growth_pct_by_year.2024", "12,5")
    page.page.click('[data-action="lang"]')
    page.page.wait_for_timeout(400)  # the fragment follows 150 ms after the last change
    fragment = page.page.evaluate("location.hash")
    shown, statuses = page.shown(), page.statuses()
    assert page.close() == []
    assert fragment.startswith("#s=optimistic&lang=en&")
    again = Page(browser, default_page, fragment)
    assert again.page.locator('[data-role="scenario"]').input_value() == "optimistic"
    assert again.page.locator('[data-param="sectors.agriculture.growth_pct"]').input_value() == "2"
    year = again.page.locator('[data-param="indicators.investment.growth_pct_by_year.2024"]')
    assert year.input_value() == "12.5"  # English: a decimal point
    assert again.page.evaluate("document.documentElement.lang") == "en"
    assert_same_numbers(again.shown(), shown, 0.0)
    assert again.statuses() == statuses
    assert again.close() == []


def test_a_bad_value_is_refused_and_said(browser, default_page):
    page = Page(browser, default_page)
    before = page.shown()
    page.set("sectors.services.growth_pct", "-120")
    field = page.page.locator('[data-param="sectors.services.growth_pct"]')
    assert field.get_attribute("aria-invalid") == "true"
    message = page.page.locator("#p-sectors-services-growth_pct-error").inner_text()
    assert "-100" in message
    assert_same_numbers(page.shown(), before, 0.0)  # not applied
    assert page.close() == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_screenshot_in_both_languages(browser, default_page, lang):
    """Saved under /tmp to be looked at; the words and number format of the language."""
    page = Page(
        browser, default_page, f"#s=baseline&lang={lang}", viewport={"width": 1400, "height": 900}
    )
    page.set("sectors.services.growth_pct", "15,5" if lang == "vi" else "15.5")
    page.page.screenshot(path=str(SCREENSHOTS / f"whatif_{lang}.png"), full_page=True)
    body = page.page.inner_text("body")
    cell = page.page.locator('[data-indicator="investment"][data-year="2025"]').inner_text()
    assert page.close() == []
    if lang == "vi":
        assert "Lưu kịch bản" in body and "Đánh giá chỉ tiêu" in body
        assert cell == "2.524,9"
    else:
        assert "Save scenario" in body and "Scorecard" in body
        assert cell == "2,524.9"


# ----------------------------------------------------------------------------- keyboard, print

FOCUSED = """() => { const e = document.activeElement; const box = e.getBoundingClientRect();
  const style = getComputedStyle(e);
  return {tag: e.tagName, param: e.dataset.param || null, role: e.dataset.role || null,
          action: e.dataset.action || null, top: box.top + scrollY, left: box.left + scrollX,
          outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth)}; }"""


def tab_through(page, count: int) -> list[dict]:
    """Press Tab `count` times from the top of the page; what has the focus after each."""
    page.page.locator("h1").first.click()  # (the page, not the address bar, has the keys)
    stops = []
    for _ in range(count):
        page.page.keyboard.press("Tab")
        stops.append(page.page.evaluate(FOCUSED))
    return stops


def test_every_control_has_a_label(browser, default_page):
    page = Page(browser, default_page)
    unlabelled = page.page.evaluate(
        """() => Array.from(document.querySelectorAll("input, select, button")).filter((e) => {
             const label = Array.from(e.labels || []).map((l) => l.textContent).join("")
               + (e.getAttribute("aria-label") || "") + (e.tagName === "BUTTON" ? e.textContent : "");
             return label.trim() === ""; }).map((e) => e.outerHTML)"""
    )
    count = page.page.locator("input[data-param]").count()
    assert page.close() == []
    assert unlabelled == []
    baseline = scenario_payload(run_scenario(load_scenario("baseline", SCENARIOS)))
    general = [p for p in baseline["params"] if "_by_year." not in p]
    rows = len(baseline["sectors"]) + len(baseline["indicators"])
    assert count == len(general) + rows * 5  # each assumption, and the grid of 2021-2025


def test_tab_order_follows_the_page_and_focus_is_visible(browser, default_page):
    page = Page(browser, default_page, "#s=baseline&lang=vi")
    fields = page.page.locator(".inputs [data-param]").count()
    grid = page.page.locator(".by-year [data-param]").count()
    stops = tab_through(page, 4 + fields + grid + 2)
    assert page.close() == []
    controls = [(s["role"], s["action"]) for s in stops[:4]]
    assert controls == [
        ("scenario", None),
        (None, "reset"),
        (None, "save-scenario"),
        (None, "lang"),
    ]
    left = stops[4 : 4 + fields]
    assert left[0]["param"] == "sectors.services.share_pct"
    assert all(s["tag"] == "INPUT" and s["param"] for s in left)
    tops = [s["top"] for s in left]
    assert tops == sorted(tops)  # down the assumptions column
    right = stops[4 + fields : 4 + fields + grid]
    assert right[0]["param"] == "sectors.services.growth_pct_by_year.2021"
    assert min(s["left"] for s in right) > max(s["left"] for s in left)  # then the grid beside it
    rows = [(round(s["top"]), s["left"]) for s in right]
    assert rows == sorted(rows)  # row by row, year by year
    after = stops[4 + fields + grid :]
    assert [s["tag"] for s in after] == ["DIV", "DIV"]  # the two wide tables' scroll boxes
    assert all(s["outline"] >= 2 for s in stops)  # every stop shows its focus


def test_keys_change_the_values(browser, default_page):
    """Typing and Enter apply a value, the arrow keys step it; the arrow keys pick a scenario;
    Enter and Space press the reset, save and language buttons; the focus stays put."""
    page = Page(browser, default_page, "#s=baseline&lang=vi")
    keys = page.page.keyboard
    cell = '[data-indicator="output.services"][data-year="2025"]'
    stops = tab_through(page, 6)
    assert stops[5]["param"] == "sectors.services.growth_pct"
    keys.press("Control+A")
    keys.type("17,5")
    keys.press("Enter")
    typed = float(page.page.get_attribute(cell, "data-value"))
    field = page.page.locator('[data-param="sectors.services.growth_pct"]')
    assert field.evaluate("e => e === document.activeElement")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    keys.press("Shift+ArrowUp")  # 17.5 - 0.1 - 0.1 + 1
    stepped = float(page.page.get_attribute(cell, "data-value"))
    assert field.input_value() == "18,3"
    keys.press("Shift+Tab")
    keys.press("Shift+Tab")
    keys.press("Shift+Tab")
    keys.press("Shift+Tab")  # back to the reset button
    assert page.page.evaluate(FOCUSED)["action"] == "reset"
    keys.press("Enter")
    reset = float(page.page.get_attribute(cell, "data-value"))
    assert field.input_value() == "16"
    assert page.page.evaluate(FOCUSED)["action"] == "reset"
    keys.press("Tab")
    with page.page.expect_download() as saved:
        keys.press("Enter")  # the save button
    assert saved.value.suggested_filename == "baseline_whatif.toml"
    keys.press("Tab")
    keys.press("Space")  # the language switch
    english = page.page.evaluate("document.documentElement.lang")
    switched = page.page.evaluate(FOCUSED)["action"]
    keys.press("Shift+Tab")
    keys.press("Shift+Tab")
    keys.press("Shift+Tab")
    assert page.page.evaluate(FOCUSED)["role"] == "scenario"
    keys.press("ArrowDown")
    picked = page.page.locator('[data-role="scenario"]').input_value()
    still = page.page.evaluate(FOCUSED)["role"]
    assert page.close() == []
    want = run_scenario(load_scenario("baseline", SCENARIOS, ["sectors.services.growth_pct=17.5"]))
    loaded = run_scenario(load_scenario("baseline", SCENARIOS))
    year = list(map(int, want.years)).index(2025)
    assert typed == pytest.approx(float(want.series["output.services"][year]), rel=PARITY)
    steps = run_scenario(load_scenario("baseline", SCENARIOS, ["sectors.services.growth_pct=18.3"]))
    assert stepped == pytest.approx(float(steps.series["output.services"][year]), rel=PARITY)
    assert reset == pytest.approx(float(loaded.series["output.services"][year]), rel=PARITY)
    assert typed > reset  # 17.5 %/yr against the scenario's 16
    assert (english, switched) == ("en", "lang")
    assert (picked, still) == ("covid_shock", "scenario")


@pytest.fixture(scope="module")
def page_to_2030(tmp_path_factory):
    """The page of a run with --end-year 2030: eleven years, the widest tables."""
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS, end_year=2030)]
    return write_page(tmp_path_factory.mktemp("to_2030"), results)


@pytest.mark.parametrize("end_year", [2025, 2030])
def test_print_hides_the_controls_and_fits_a4(
    browser, default_page, page_to_2030, end_year, tmp_path
):
    """Printed (A4, 190 mm wide between the margins): no control, every table and chart inside
    the page's width; the PDF read back as text has the scorecard and the last year's figure."""
    width = round(190 / 25.4 * 96)  # the printable width of A4 in CSS pixels
    path = default_page if end_year == 2025 else page_to_2030
    page = Page(browser, path, "#s=baseline&lang=vi", viewport={"width": width, "height": 1000})
    page.set("sectors.services.growth_pct", "15,5")
    page.page.emulate_media(media="print")
    shown = page.page.evaluate(
        """() => ["controls", "by-year", "hint"].map((c) => Array.from(document.getElementsByClassName(c))
             .filter((e) => e.getClientRects().length > 0).length)"""
    )
    widest = page.page.evaluate(
        """() => Math.max(...Array.from(document.querySelectorAll("table, svg, section, .field"))
             .map((e) => e.getBoundingClientRect().right))"""
    )
    overflow = page.page.evaluate("document.documentElement.scrollWidth - innerWidth")
    pdf = tmp_path / "whatif.pdf"
    page.page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    assert page.close() == []
    assert shown == [0, 0, 0]
    assert widest <= width and overflow <= 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    assert "Đánh giá chỉ tiêu" in text.stdout and "Kết quả dự báo" in text.stdout
    words = " ".join(text.stdout.split())  # (however the lines wrap)
    # no save button: "Lưu kịch bản" only in the intro's sentence that names it
    assert words.count("Lưu kịch bản") == words.count("Lưu kịch bản để chạy lại")
    assert "English" not in text.stdout
    settings = ["sectors.services.growth_pct=15.5"]
    want = run_scenario(load_scenario("baseline", SCENARIOS, settings, end_year))
    last = format_number(float(want.series["investment"][-1]), 1, "vi")
    assert f" {last}" in text.stdout  # investment in the end year, the last column of its row
    assert last == "2.524,9" or end_year == 2030


@pytest.mark.slow
def test_a_page_draws_the_bands_of_its_own_plan_whatever_its_keys(browser, tmp_path):
    """The page finds its bands by what a target measures, not by the bundled plan's keys: the
    invented locality (tests/data/second_locality: 'growth_total', a budget level target 420 and
    no budget growth target) and the next term (no targets) draw without an error."""
    second = REPO / "tests" / "data" / "second_locality"
    cases = {
        "second": ([run_scenario(s) for s in load_scenarios([], second)], True),
        "next_term": (
            [run_scenario(s) for s in load_scenarios([], SCENARIOS / "next_term")],
            False,
        ),
    }
    for name, (results, has_targets) in cases.items():
        (tmp_path / name).mkdir()
        page = Page(browser, write_page(tmp_path / name, results, "vi"))
        output = page.page.inner_text("#chart-output")
        budget = page.page.eval_on_selector_all(
            "#chart-budget g.mark > title", "marks => marks.map(m => m.textContent)"
        )
        if has_targets:
            assert "10-11 %/năm" in output  # growth_total's band, drawn on the output chart
            assert budget == ["Thu ngân sách năm 2031: ≈ 420 tỷ đồng ± 3 %"]
        else:
            assert "%/năm" not in output and budget == []
        assert page.close() == []  # (close() also asserts that the page raised no error)
