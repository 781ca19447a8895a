"""whatif.html as text: the embedded data cannot end its element, the CSP hashes are those of
the inline script and style, the page stays small. (The browser tests: tests/e2e/test_whatif.py.)"""

import base64
import hashlib
import json
import re
from datetime import datetime

from conftest import MINIMAL, REPO, SCENARIOS

from sim.output.whatif import json_for_script, whatif_html
from sim.output.whatif.data import skip_reason
from sim.run import load_scenarios, run_scenario
from sim.scenario.loader import load_scenario

GENERATED = datetime(2026, 11, 27, 9, 30)


def page_of(results, lang="vi"):
    return whatif_html(results, lang, GENERATED)


def test_text_of_a_scenario_cannot_end_the_data_element(write_scenario):
    hostile = '</script><script>alert("x")</script> & <!--'
    text = MINIMAL.replace(
        'title = { vi = "Thử", en = "Test" }', f'title = {{ vi = {json.dumps(hostile)}, en = "T" }}'
    )
    path = write_scenario("hostile", text)
    page = page_of([run_scenario(load_scenario(path, path.parent))])
    data = re.search(r'<script type="application/json" id="whatif-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert "<" not in data.group(1) and "&" not in data.group(1)
    assert json.loads(data.group(1))["scenarios"][0]["title"]["vi"] == hostile
    assert page.count("</script>") == 2  # the data's and the script's own


def test_json_for_script_escapes_markup_and_keeps_values():
    value = {"a": "<b>&</b>", "n": 0.1 + 0.2, "u": "Hương Trà"}
    text = json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text and "Hương Trà" in text
    assert json.loads(text) == value


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_the_policy_allows_exactly_the_inline_script_and_style():
    page = page_of([run_scenario(s) for s in load_scenarios([], SCENARIOS)])
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    assert policy.startswith("default-src 'none'; ")
    assert f"script-src {sha256_source(script)};" in policy
    assert f"style-src {sha256_source(style)};" in policy
    assert "img-src data:" in policy and "unsafe" not in policy
    assert 50_000 < len(page.encode()) < 400_000  # hundreds of kilobytes at most


def test_back_cast_and_calibrated_scenarios_are_left_out_and_named():
    history = load_scenarios(["history/backcast_2016_2020"], SCENARIOS)[0]
    assert skip_reason(history) == "anchor_year"
    baseline = load_scenarios(["baseline"], SCENARIOS)[0]
    assert skip_reason(baseline) is None
    page = page_of([run_scenario(baseline), run_scenario(history)], "en")
    data = json.loads(re.search(r'id="whatif-data">(.*?)</script>', page, re.S).group(1))
    assert [s["name"] for s in data["scenarios"]] == ["baseline"]
    assert data["skipped"] == ["history_2016_2020"]
    # shown to the reader by its title, not its internal name
    assert data["skipped_titles"] == [{"vi": history.title_vi, "en": history.title_en}]


def test_the_page_carries_the_runs_settings_for_the_saved_file():
    scenario = load_scenarios(["baseline"], SCENARIOS, ["sectors.services.growth_pct=15"], 2030)[0]
    page = page_of([run_scenario(scenario)])
    data = json.loads(re.search(r'id="whatif-data">(.*?)</script>', page, re.S).group(1))
    (payload,) = data["scenarios"]
    assert payload["carried"] == [["end_year", "2030"], ["sectors.services.growth_pct", "15"]]
    assert payload["params"]["sectors.services.growth_pct"] == 15.0
    assert payload["ranges"]["sectors.services.growth_pct"] == [15.5, 16.5]


def test_the_page_carries_the_end_year_the_run_used():
    """The end year the run used, whichever option set it: --end-year, or a --set of end_year
    (the two at once are refused: tests/unit/test_scenario.py)."""
    scenario = load_scenarios(["baseline"], SCENARIOS, [], 2028)[0]
    assert scenario.end_year == 2028
    page = page_of([run_scenario(scenario)])
    data = json.loads(re.search(r'id="whatif-data">(.*?)</script>', page, re.S).group(1))
    (payload,) = data["scenarios"]
    assert payload["carried"] == [["end_year", "2028"]]
    alone = load_scenarios(["baseline"], SCENARIOS, ["end_year=2027"])[0]
    page = page_of([run_scenario(alone)])
    data = json.loads(re.search(r'id="whatif-data">(.*?)</script>', page, re.S).group(1))
    assert data["scenarios"][0]["carried"] == [["end_year", "2027"]]


def test_every_word_the_script_shows_is_in_the_data_in_both_languages():
    """The script's words come from sim.output.i18n through the data: a key the script asks
    for and the data lacks would show the bare key (English, an internal id) in a vi page."""
    script = (REPO / "sim" / "output" / "whatif" / "page.js").read_text(encoding="utf-8")
    asked = set(re.findall(r'word\("([^"]+)"\)', script))
    asked |= set(re.findall(r"DATA\.words\.(\w+)", script))
    asked |= {"param.growth_pct", "param.share_pct", "met", "exceeded", "missed"}  # (built keys)
    page = page_of([run_scenario(load_scenarios(["baseline"], SCENARIOS)[0])])
    words = json.loads(re.search(r'id="whatif-data">(.*?)</script>', page, re.S).group(1))["words"]
    assert len(asked) > 30
    assert sorted(asked - set(words)) == []
    assert all(words[key]["vi"] and words[key]["en"] for key in asked)
    assert words["save"] == {"vi": "Lưu kịch bản", "en": "Save scenario"}
