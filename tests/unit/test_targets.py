"""The congress targets as data: one lookup by key, keyword construction, bilingual labels."""

import dataclasses

import pytest
from conftest import TARGETS

from sim.analysis import sensitivity
from sim.core.targets import Target, target_by_key
from sim.core.text import Bilingual
from sim.output import i18n


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
