"""whatif.html marks a scenario changed by --set, in the embedded data and in the page Chromium
shows, in both languages; a plain run's page carries no mark."""

import json
import re
from datetime import datetime
from pathlib import Path

import pytest
from conftest import SCENARIOS

from sim.output.whatif import write_whatif
from sim.run import load_scenarios, run_scenario

SETTING = "optimistic:sectors.services.growth_pct=15.5"
GENERATED = datetime(2026, 11, 27, 9, 30)


def page_for(folder: Path, settings: list[str], lang: str = "vi") -> Path:
    results = [run_scenario(s) for s in load_scenarios([], SCENARIOS, settings)]
    path = folder / "whatif.html"
    write_whatif(path, results, lang, GENERATED)
    return path


def embedded(path: Path) -> dict:
    page = path.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="whatif-data">(.*?)</script>', page)
    assert found is not None
    return json.loads(found.group(1))


def test_the_embedded_data_marks_only_the_changed_scenario(tmp_path):
    data = embedded(page_for(tmp_path, [SETTING]))
    by_name = {s["name"]: s for s in data["scenarios"]}
    marked = by_name["optimistic"]
    assert marked["title"] == {
        "vi": "Kịch bản tích cực (giả định thay đổi)",
        "en": "Optimistic (what-if)",
    }
    assert marked["filed_title"]["en"] == "Optimistic"  # the saved file marks its own title
    assert "Dịch vụ: tăng trưởng = 15,5 (sectors.services.growth_pct)" in marked["what_if"]["vi"]
    assert "Services: growth = 15.5 (sectors.services.growth_pct)" in marked["what_if"]["en"]
    assert "What-if" in marked["what_if"]["en"]
    for name in ("baseline", "covid_shock"):
        assert by_name[name]["what_if"] == {"vi": "", "en": ""}
        assert "what-if" not in by_name[name]["title"]["en"]


def test_a_plain_run_embeds_no_mark(tmp_path):
    data = embedded(page_for(tmp_path, []))
    for scenario in data["scenarios"]:
        assert scenario["what_if"] == {"vi": "", "en": ""}
        assert scenario["title"] == scenario["filed_title"]


# ----------------------------------------------------------------------------- the browser




def visible(browser, path: Path, fragment: str) -> tuple[str, list[str], str]:
    """(the page's visible text, the scenario picker's options, the what-if line or "")."""
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + fragment, wait_until="load")
    body = page.inner_text("body")
    options = page.eval_on_selector_all("[data-role=scenario] option", "o => o.map(x => x.text)")
    line = page.locator("[data-role=what-if]")
    mark = line.inner_text() if line.count() else ""
    context.close()
    assert errors == []
    return body, options, mark


@pytest.mark.slow
def test_the_page_shows_the_mark_and_the_changed_value_in_both_languages(browser, tmp_path):
    path = page_for(tmp_path, [SETTING])
    body, options, mark = visible(browser, path, "#s=optimistic&lang=vi")
    assert "Kịch bản tích cực (giả định thay đổi)" in options
    assert "Kịch bản cơ sở" in options  # the others as filed
    assert body.count("Kịch bản tích cực (giả định thay đổi)") >= 2  # picker and heading
    assert mark.startswith("Giả định thay đổi khi chạy (--set): ")
    assert "Dịch vụ: tăng trưởng = 15,5" in mark
    body, options, mark = visible(browser, path, "#s=optimistic&lang=en")
    assert "Optimistic (what-if)" in options
    assert mark.startswith("What-if set in the run (--set): ")
    assert "Services: growth = 15.5" in mark
    body, _, mark = visible(browser, path, "#s=baseline&lang=en")  # an unchanged scenario
    assert mark == "" and "What-if set in the run" not in body


@pytest.mark.slow
def test_a_plain_run_page_shows_no_mark(browser, tmp_path):
    path = page_for(tmp_path, [])
    for lang in ("vi", "en"):
        body, options, mark = visible(browser, path, f"#s=optimistic&lang={lang}")
        assert mark == ""
        assert "(what-if)" not in body and "giả định thay đổi" not in body.lower()
        assert not any("what-if" in o or "giả định thay đổi" in o for o in options)
