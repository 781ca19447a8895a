"""The congress targets as data: one lookup by key, keyword construction, bilingual labels."""

import dataclasses
import math

import pytest
from conftest import MINIMAL, TARGETS

from sim.analysis import sensitivity
from sim.core.targets import Target, status_of, target_by_key
from sim.core.text import Bilingual
from sim.output import i18n
from sim.run import run_scenario
from sim.scenario.loader import load_scenario


def test_target_by_key_finds_each_target():
    assert [target_by_key(t.key, TARGETS) for t in TARGETS] == list(TARGETS)
    assert target_by_key("budget_2025", TARGETS).indicator == "budget_concept"
    assert target_by_key("budget_2025", TARGETS).low == 600.0


def test_an_unknown_target_key_names_the_known_ones():
    with pytest.raises(KeyError, match="no target 'gdp_2030'; known: output_growth, services_"):
        target_by_key("gdp_2030", TARGETS)


def test_one_lookup_serves_the_analyses():
    assert sensitivity.target_by_key is target_by_key


def test_targets_are_built_with_keywords_only():
    fields = {f.name: getattr(TARGETS[0], f.name) for f in dataclasses.fields(Target)}
    assert Target(**fields) == TARGETS[0]
    with pytest.raises(TypeError):
        Target(*fields.values())  # type: ignore[misc]


def test_target_labels_are_one_bilingual_value():
    target = target_by_key("output_growth", TARGETS)
    assert target.label == Bilingual(
        "Tốc độ tăng giá trị sản xuất bình quân", "Production value growth, average"
    )
    assert i18n.label_text(target, "vi") == "Tốc độ tăng giá trị sản xuất bình quân"
    assert i18n.label_text(target, "en") == "Production value growth, average"


def test_a_measure_without_a_value_is_no_value_not_met():
    # 0/0: the growth of a sector with no output is no number; before, it read as "met"
    target = target_by_key("agriculture_growth", TARGETS)
    status, gap = status_of(target, math.nan)
    assert status == "no value" and math.isnan(gap)
    assert status_of(target, 3.5) == ("met", 0.0)


def test_a_zero_share_sector_scores_no_value(write_scenario):
    text = MINIMAL.replace("share_pct = 7.5", "share_pct = 0.0").replace(
        "share_pct = 48.5", "share_pct = 56.0"
    )
    result = run_scenario(load_scenario(write_scenario("no_farms", text)))
    row = next(r for r in result.scores if r.target.key == "agriculture_growth")
    assert row.status == "no value" and not row.met
    assert math.isnan(row.value) and math.isnan(row.gap)
    assert i18n.text(row.status, "vi") == "không có số liệu"


def test_above_a_band_is_met_above_a_ceiling_alone_is_missed():
    """A band's upper end exceeded counts as met ("đạt và vượt"); a plan that gives `high`
    only means "at most" (a poverty rate, a ceiling on debt): above it misses, by how much."""
    band = target_by_key("agriculture_growth", TARGETS)  # 3-4 %/yr
    assert status_of(band, 4.5) == ("exceeded", pytest.approx(0.5))
    ceiling = dataclasses.replace(band, low=None, high=4.0)
    assert status_of(ceiling, 4.5) == ("missed", pytest.approx(0.5))
    assert status_of(ceiling, 4.0) == ("met", 0.0) and status_of(ceiling, -1.0) == ("met", 0.0)
    floor = dataclasses.replace(band, low=3.0, high=None)
    assert status_of(floor, 9.0) == ("met", 0.0) and status_of(floor, 2.0)[0] == "missed"
    assert i18n.band_text(ceiling, "vi") == "≤ 4 %/năm"


def test_a_target_without_a_band_is_drawn_at_its_bound():
    base = TARGETS[0]
    cases = [((80.0, None), 80.0), ((None, 250.0), 250.0), ((6.5, 6.5), 6.5), ((None, None), None)]
    for (low, high), bound in cases:
        assert dataclasses.replace(base, low=low, high=high).bound == bound


def test_within_a_band_allows_rounding_at_its_ends():
    from sim.core.targets import within

    assert within(16.500000000000004, 14.0, 16.5)  # 16.5 compounded and back
    assert within(14.0, 14.0, 16.5) and within(15.0, 14.0, 16.5)
    assert not within(16.51, 14.0, 16.5) and not within(13.99, 14.0, 16.5)
