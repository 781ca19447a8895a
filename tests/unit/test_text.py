"""One bilingual text value (`sim.core.text.Bilingual`) for titles, descriptions and labels."""

from conftest import SCENARIOS

from sim.core.text import Bilingual
from sim.output import i18n
from sim.scenario.loader import load_scenario


def test_bilingual_lives_in_the_core_and_i18n_re_exports_it():
    assert i18n.Bilingual is Bilingual
    assert Bilingual("Dịch vụ", "Services").in_("vi") == "Dịch vụ"
    assert Bilingual("Dịch vụ", "Services").in_("en") == "Services"


def test_scenario_title_and_description_in_each_language():
    baseline = load_scenario("baseline", SCENARIOS)
    assert baseline.title("vi") == "Kịch bản cơ sở"
    assert baseline.title("en") == "Baseline"
    assert baseline.description("vi").startswith("Điểm giữa các khoảng chỉ tiêu")
    assert baseline.description("en") == "Midpoints of the congress target ranges for 2021-2025."


def test_indicator_label_is_one_bilingual_value():
    income = load_scenario("baseline", SCENARIOS).indicators["income_per_capita"]
    assert income.label == Bilingual("Thu nhập bình quân đầu người", "Per-capita income")
    assert i18n.label_text(income, "en") == "Per-capita income"


def test_a_computed_number_in_a_vietnamese_message():
    from sim.core.text import vn

    assert [vn(1234.5), vn(2.5, ".2f"), vn(-8), vn(-1234.5), vn(-0.0001, ".2f")] == [
        "1.234,5",
        "2,50",
        "−8",  # a minus sign, as every number the reader sees
        "−1.234,5",
        "0,00",  # no sign before a zero
    ]
