"""A file rebased from a what-if (--set) says so in its header and on the --set lines, and the
run's terminal names it (tests/e2e/test_summary_compare_rebase.py); a file rebased from the scenario as filed carries no mark."""

from datetime import date

from conftest import SCENARIOS

from sim.run import run_scenario
from sim.scenario.loader import load_scenario
from sim.term.rebase import rebased_scenario_text

DAY = date(2026, 11, 27)


def rebased(tmp_path, settings=()):
    """(the rebased text of optimistic at 2025, the scenario it reads back as)."""
    result = run_scenario(load_scenario("optimistic", SCENARIOS, list(settings)))
    text = rebased_scenario_text(result, 2025, "plan", DAY)
    path = tmp_path / "optimistic_2025_2030.toml"
    path.write_text(text, encoding="utf-8")
    return text, load_scenario(path, tmp_path)


def test_the_header_and_the_set_line_say_what_if(tmp_path):
    text, scenario = rebased(tmp_path, ["sectors.services.growth_pct=15"])
    header = [line for line in text.splitlines() if line.startswith("#")]
    joined = " ".join(line.removeprefix("# ") for line in header)
    assert header[0].startswith("# Giả định thay đổi, KHÔNG PHẢI KẾ HOẠCH ĐÃ LẬP")
    assert "A what-if, NOT THE FILED PLAN" in joined
    assert "--set: sectors.services.growth_pct=15." in joined
    assert all(len(line) <= 96 for line in header)
    lines = text.splitlines()
    services = lines[lines.index("[sectors.services]") + 2]
    industry = lines[lines.index("[sectors.industry]") + 2]
    assert services.startswith("growth_pct = 15  # what-if / giả định thay đổi (--set)")
    assert "what-if" not in industry and industry.startswith("growth_pct = 15.5  #")
    assert scenario.sectors["services"].growth_pct == 15.0  # the comments change no value


def test_a_file_rebased_from_the_filed_scenario_has_no_mark(tmp_path):
    text, _ = rebased(tmp_path)
    assert "what-if" not in text.lower() and "giả định thay đổi" not in text.lower()
