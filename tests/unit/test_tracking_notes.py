"""The re-baselining notes are values (sim/term/notes.py, sim/term/total_fit.py): their English
`describe()` is the line of tracking/notes.txt, and the terminal and the report render each kind
from its fields in the run's language (sim/output/narrative.py), with labels, not ids.

Numbers hand-computed from the baseline (scenarios/baseline.toml): shares services 48.5,
industry 43.1, agriculture 7.5 (the 0.9 % "other" block follows the three sectors), growth 16,
15 and 3.5 %/yr; total growth is the sectors' growth weighted by the levels of the year before.
"""

import re

import pytest
from conftest import SCENARIOS

from sim.output.i18n import linked_labels
from sim.output.narrative import tracking_note_text, verdict_text
from sim.run import load_scenarios, run_scenario
from sim.scenario.actuals import read_actuals
from sim.term.tracking import track

HEADER = "indicator,year,value,status,concept,source,note\n"
EVERY_KIND = (
    "budget_revenue,2021,400,final,includes_land_use,,\n"
    "retail,2021,110,estimate,other_definition,,\n"
    "growth.services,2021,10,final,,,\ngrowth.industry,2021,8,final,,,\n"
    "growth.agriculture,2021,2,final,,,\ngrowth.total,2021,10,final,,,\n"
    "income_per_capita,2021,47.2,final,,,\ngrowth.income_per_capita,2021,5,final,,,\n"
    "growth.investment,2021,40,final,,,\n"
    "growth.services,2022,16,final,,,\ngrowth.total,2022,14,estimate,,,\n"
)
# 2022 weights: the 2021 levels through the observed 10, 8 and 2 %
S22, I22, A22 = 48.5 * 1.10, 43.1 * 1.08, 7.5 * 1.02
# industry and agriculture scaled by one factor f so that the total grows 14 with services 16
FACTOR = (14 * (S22 + I22 + A22) - 16 * S22) / (15 * I22 + 3.5 * A22)
MADE_2021 = (48.5 * 10 + 43.1 * 8 + 7.5 * 2) / 99.1  # 8.5247: the total the sectors make
# no English word and no internal id in a Vietnamese line
ENGLISH = re.compile(
    r"\b(not|used|observed|solved|from|growth|total|scaled|shifted|the|and|level|outside|"
    r"plausible|given|check|includes|another|definition|points|reported|sectors?)\b"
)
IDS = ("growth.", "output.", "includes_land_use", "other_definition", "income_per_capita")


def _track(tmp_path, body: str, settings=()):
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    (scenario,) = load_scenarios(["baseline"], SCENARIOS, settings)
    return track([run_scenario(scenario)], read_actuals(path, set(scenario.indicators))), path


def test_every_kind_of_note_is_a_value_its_english_line_and_its_rendering(tmp_path):
    tracking, path = _track(tmp_path, EVERY_KIND)
    (reb,) = tracking.rebased
    kinds = [type(note).__name__ for note in reb.applied]
    assert kinds == [
        "NotComparable",
        "NotComparable",
        "TotalGap",
        "TotalScaled",
        "Derived",
        "Derived",
        "LevelWins",
        "Implausible",
    ]
    assert f"{FACTOR:.3f}" == "0.899" and f"{15 * FACTOR:.2f}" == "13.49"
    assert f"{3.5 * FACTOR:.2f}" == "3.15" and f"{MADE_2021:.2f}" == "8.52"
    # the English lines of notes.txt, as before the notes became values
    assert reb.notes == (
        "budget_revenue 2021 = 400 includes land-use fees: compared with the plan's budget "
        "including them, not used to re-baseline (the scenario's budget excludes them)",
        "retail 2021 = 110 another definition: shown beside the plan, neither compared nor used",
        "growth.total 2021 = 10 % not used: the three sectors observed that year make the total "
        "grow 8.52 % (1.48 points below the reported figure); the sectors win, and the "
        "re-baselined total grows 8.52 % that year",
        "growth.total 2022 = 14 %: growth of industry, agriculture scaled by 0.899",
        "industry 2022 = 13.49 % (solved from growth.total 2022 = 14 and services; not observed)",
        "agriculture 2022 = 3.15 % (solved from growth.total 2022 = 14 and services; not observed)",
        "growth.income_per_capita 2021 not used: the level is observed that year",
        f"{path}:10: growth.investment 2021 = 40 is outside the growth taken as plausible for "
        "one year: investment 40.0 % (-15 to 30 %); used as given: check the figure",
    )
    labels = linked_labels(reb.result)  # the scenario's indicators, by their labels
    vi = [tracking_note_text(n, "vi", labels) for n in reb.applied]
    assert vi == [
        "Thu ngân sách (không tính tiền sử dụng đất) năm 2021 = 400: gồm tiền sử dụng đất: so "
        "với kế hoạch thu kể cả tiền sử dụng đất, không dùng để cập nhật",
        "Tổng mức bán lẻ hàng hóa và doanh thu dịch vụ năm 2021 = 110: khác định nghĩa: chỉ để "
        "đối chiếu, không so sánh, không dùng để cập nhật",
        "Tổng năm 2021: báo cáo 10,0 %, ba ngành tạo ra 8,52 % (chênh 1,48 điểm %); dùng số của "
        "ba ngành",
        "tăng trưởng tổng GTSX năm 2022 = 14 %: tốc độ tăng của Công nghiệp - xây dựng, Nông lâm "
        "- thủy sản nhân với 0,899",
        "Công nghiệp - xây dựng năm 2022 = 13,49 % (tính ngược từ tăng trưởng tổng GTSX năm 2022 "
        "= 14 % và số thực hiện của Dịch vụ; không phải số thực hiện)",
        "Nông lâm - thủy sản năm 2022 = 3,15 % (tính ngược từ tăng trưởng tổng GTSX năm 2022 = "
        "14 % và số thực hiện của Dịch vụ; không phải số thực hiện)",
        "Tăng trưởng so với năm trước: Thu nhập bình quân đầu người năm 2021 không dùng: năm đó đã "
        "có số liệu giá trị",
        f"Tăng trưởng so với năm trước: Tổng vốn đầu tư toàn xã hội năm 2021 = 40 ({path}:10) nằm "
        "ngoài mức tăng được coi là hợp lý trong một năm: Tăng trưởng so với năm trước: Tổng vốn "
        "đầu tư toàn xã hội 40,0 % (từ −15 đến 30 %); vẫn dùng số đã cho: hãy kiểm tra lại số "
        "liệu",
    ]
    shown = "\n".join(vi).replace(str(path), "")
    assert not ENGLISH.findall(shown), ENGLISH.findall(shown)
    assert not [name for name in IDS if name in shown]
    en = [tracking_note_text(n, "en", labels) for n in reb.applied]
    assert en[3] == (
        "total output growth 2022 = 14 %: growth of Industry & construction, Agriculture, "
        "forestry & fishery scaled by 0.899"
    )
    assert en[4] == (
        "Industry & construction 2022 = 13.49 % (solved from total output growth 2022 = 14 % "
        "and the observed Services; not observed)"
    )


def test_a_shift_in_points_is_rendered_from_its_fields(tmp_path):
    """Agriculture planned at 0 %/yr cannot be scaled: it is shifted. With services 16 and
    industry 15 observed in 2021, a total of 14.7 needs agriculture at
    (14.7 * 99.1 - 48.5 * 16 - 43.1 * 15) / 7.5 = 4.569 %, a shift of +4.57 points."""
    body = (
        "growth.services,2021,16,final,,,\ngrowth.industry,2021,15,final,,,\n"
        "growth.total,2021,14.7,final,,,\n"
    )
    tracking, _path = _track(tmp_path, body, ["baseline:sectors.agriculture.growth_pct=0"])
    (reb,) = tracking.rebased
    shift = (14.7 * 99.1 - 48.5 * 16 - 43.1 * 15) / 7.5
    assert f"{shift:.2f}" == "4.57"
    note = reb.applied[0]
    assert type(note).__name__ == "TotalShifted" and note.shift == pytest.approx(shift)
    assert reb.notes[0] == "growth.total 2021 = 14.7 %: agriculture shifted by +4.57 points"
    assert tracking_note_text(note, "vi") == (
        "tăng trưởng tổng GTSX năm 2021 = 14,7 %: Nông lâm - thủy sản điều chỉnh +4,57 điểm %"
    )
    assert tracking_note_text(note, "en") == (
        "total output growth 2021 = 14.7 %: Agriculture, forestry & fishery shifted by +4.57 points"
    )


def test_a_verdict_resting_on_two_solved_years_names_both_in_either_language(tmp_path):
    """Totals in 2021 and 2022 with services and industry given: agriculture is solved twice,
    and its verdict says so, rendered from the solved figures' fields."""
    body = (
        "growth.services,2021,16,final,,,\ngrowth.industry,2021,15,final,,,\n"
        "growth.total,2021,14.6,final,,,\n"
        "growth.services,2022,16,final,,,\ngrowth.industry,2022,15,final,,,\n"
        "growth.total,2022,14.8,final,,,\n"
    )
    tracking, _path = _track(tmp_path, body)
    (reb,) = tracking.rebased
    # 2021: (14.6 * 99.1 - 48.5 * 16 - 43.1 * 15) / 7.5 = 3.245 %
    a21 = (14.6 * 99.1 - 48.5 * 16 - 43.1 * 15) / 7.5
    s, i, a = 48.5 * 1.16, 43.1 * 1.15, 7.5 * (1 + a21 / 100)
    a22 = (14.8 * (s + i + a) - 16 * s - 15 * i) / a
    assert [f"{d.value:.2f}" for d in reb.derived] == [f"{a21:.2f}", f"{a22:.2f}"]
    required = tracking.required.set_index("target", drop=False)
    row = next(required.loc[["agriculture_growth"]].itertuples(index=False))
    en = verdict_text(row, "en", reb)
    assert en == row.verdict
    assert en.endswith(
        f" - but this rests on a figure solved from the total, NOT OBSERVED: agriculture 2021 = "
        f"{a21:.2f} %; agriculture 2022 = {a22:.2f} %; give growth.agriculture 2021 and "
        "growth.agriculture 2022 to rely on it"
    )
    vi = verdict_text(row, "vi", reb)
    comma = [f"{v:.2f}".replace(".", ",") for v in (a21, a22)]
    assert vi.endswith(
        " — nhưng dựa trên số tính ngược từ tổng, KHÔNG PHẢI SỐ THỰC HIỆN: Nông lâm - thủy sản "
        f"năm 2021 = {comma[0]} %; Nông lâm - thủy sản năm 2022 = {comma[1]} %; cần bổ sung số "
        "liệu tăng trưởng Nông lâm - thủy sản năm 2021 và tăng trưởng Nông lâm - thủy sản năm "
        "2022 để khẳng định"
    )
    assert not ENGLISH.findall(vi) and "growth." not in vi
    # the services target rests on no solved figure: no such words
    services = next(required.loc[["services_growth"]].itertuples(index=False))
    assert "KHÔNG PHẢI SỐ THỰC HIỆN" not in verdict_text(services, "vi", reb)


def test_a_verdict_is_not_rendered_with_another_scenarios_path(tmp_path):
    """The solved figures come from the re-baselined path of the row's own scenario: given
    another, the warning could be lost, so it is refused."""
    path = tmp_path / "actuals.csv"
    path.write_text(HEADER + "growth.total,2021,14,final,,,\n", encoding="utf-8")
    scenarios = load_scenarios(["baseline", "optimistic"], SCENARIOS)
    tracking = track([run_scenario(s) for s in scenarios], read_actuals(path))
    baseline, optimistic = tracking.rebased
    rows = tracking.required[tracking.required.target == "services_growth"]
    row = next(rows[rows.scenario == "baseline"].itertuples(index=False))
    assert "NOT OBSERVED: services 2021" in verdict_text(row, "en", baseline)
    with pytest.raises(ValueError, match="baseline/services_growth"):
        verdict_text(row, "vi", optimistic)
