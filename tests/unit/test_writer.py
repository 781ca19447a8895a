"""The TOML writer: whatever text it is given, the file it writes reads back to the same values."""

import random
import tomllib
from datetime import date

import pytest
from conftest import MINIMAL

from sim.run import run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.writer import Entry, Number, Section, scenario_text, toml_string, toml_value
from sim.term.rebase import rebased_scenario_text

CONTROL = [chr(c) for c in (*range(0x20), *range(0x7F, 0xA0))]
PIECES = [
    *CONTROL,
    '"',
    "\\",
    '\\"',
    "'",
    "'''",
    '"""',
    "#",
    "=",
    "[x]",
    "{ a = 1 }",
    "\\u0041",
    "\\n",
    " ",
    "Kịch bản cơ sở",
    "Thu ngân sách (không tính tiền sử dụng đất)",
    "Hương Trà",
    "ữ",
    "\u2028",
    "\ufeff",
    "😀",
    "abc",
]


def fuzzed_texts(seed, count=40):
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def minimal_with(title_vi, title_en, description_vi, description_en):
    """MINIMAL's values, written by the writer, with these texts."""
    sections = [
        Section((), [Entry("base_year", 2020), Entry("end_year", 2025)]),
        Section(("title",), [Entry("vi", title_vi), Entry("en", title_en)]),
        Section(("description",), [Entry("vi", description_vi), Entry("en", description_en)]),
    ]
    body = MINIMAL.replace('title = { vi = "Thử", en = "Test" }\n', "")
    body = body.replace("base_year = 2020\nend_year = 2025\n", "")
    return scenario_text(sections, comments=[title_vi, description_en]) + body


@pytest.mark.parametrize("seed", range(5))
def test_fuzzed_titles_and_descriptions_read_back_equal(write_scenario, seed):
    texts = fuzzed_texts(seed)
    for n in range(0, len(texts), 4):
        vi, en, dvi, den = texts[n : n + 4]
        path = write_scenario(f"fuzz{seed}_{n}", minimal_with(vi, en, dvi, den))
        scenario = load_scenario(path, path.parent)
        assert (scenario.title_vi, scenario.title_en) == (vi, en)
        assert (scenario.description_vi, scenario.description_en) == (dvi, den)


def test_every_control_character_is_escaped_as_a_unicode_escape():
    for char in CONTROL:
        assert toml_string(char) == f'"\\u{ord(char):04X}"'
        assert tomllib.loads(f"v = {toml_string(char)}")["v"] == char
    assert toml_string('a"b\\c') == '"a\\"b\\\\c"'
    assert toml_string("Hương Trà") == '"Hương Trà"'  # written as it is, in UTF-8


def test_values_of_every_kind_read_back_equal():
    rng = random.Random(7)
    value = {
        "text": "".join(rng.choice(PIECES) for _ in range(30)),
        "whole": -12,
        "number": 0.1 + 0.2,
        "tiny": 1e-300,
        "huge": 1.5e300,
        "flag": True,
        "label": {"vi": "Thu nhập", "en": 'say "x"\n'},
        "by_year": {2021: 4.0, 2022: -1.25},
        "strings": ["services", "a\tb"],
        "matrix": [[1.0, 0.6], [0.6, 1.0]],
        "empty": {},
    }
    text = scenario_text([Section((), [Entry(k, v) for k, v in value.items()])])
    read = tomllib.loads(text)
    assert read.pop("by_year") == {"2021": 4.0, "2022": -1.25}  # TOML keys are text
    del value["by_year"]
    assert read == value


def test_keys_that_are_not_bare_are_quoted():
    text = scenario_text([Section(("indicators", "a b"), [Entry("ký hiệu", 1), Entry('"', 2)])])
    assert tomllib.loads(text) == {"indicators": {"a b": {"ký hiệu": 1, '"': 2}}}


def test_numbers_are_written_with_their_format_and_must_be_toml_numbers():
    assert toml_value(Number(51.123156, ".4f")) == "51.1232"
    assert toml_value(Number(16.0, ".6g")) == "16"
    assert toml_value(Number(1234567.0, ".6g")) == "1.23457e+06"
    assert toml_value(16.0) == "16.0"
    for spec in (",.1f", "%", "08.2f", "x"):
        with pytest.raises(ValueError):
            toml_value(Number(1234.5, spec))


def test_comments_stay_on_their_line():
    text = scenario_text(
        [Section(("t",), [Entry("k", 1, comment="two\nlines\x7f")])], comments=["a\rb", "c"]
    )
    assert text == "# a\\u000Db\n# c\n\n[t]\nk = 1  # two\\u000Alines\\u007F\n"
    assert tomllib.loads(text) == {"t": {"k": 1}}


def test_top_level_keys_come_first():
    with pytest.raises(ValueError):
        scenario_text([Section(("t",), [Entry("k", 1)]), Section((), [Entry("j", 2)])])


def test_a_rebased_file_keeps_any_title_and_label(write_scenario):
    title, label = 'Kịch bản "mới"\n\\ thử\x01', "Thu nhập\t(triệu)\x7f"
    text = (
        MINIMAL.replace(
            'title = { vi = "Thử", en = "Test" }',
            f"title = {{ vi = {toml_string(title)}, en = {toml_string(title[::-1])} }}",
        )
        + f"label = {{ vi = {toml_string(label)}, en = {toml_string('Income')} }}\n"
    )
    path = write_scenario("odd", text)
    result = run_scenario(load_scenario(path, path.parent))
    rebased = write_scenario(
        "rebased", rebased_scenario_text(result, 2023, "plan\n", date(2026, 1, 1))
    )
    scenario = load_scenario(rebased, rebased.parent)
    assert scenario.title_vi == f"{title} (2023-2028)"
    assert scenario.title_en == f"{title[::-1]} (2023-2028)"
    assert scenario.indicators["income_per_capita"].label_vi == label
