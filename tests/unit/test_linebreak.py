"""Short labels break between words, never inside a Vietnamese word or before a number."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.output.linebreak import (
    EXTRA_LINE,
    INSIDE_BRACKETS,
    VI_WORDS,
    break_cost,
    prose_lines,
    wrap,
)


@pytest.mark.parametrize(
    ("label", "width", "lines"),
    [
        # the scorecard's label of the investment target ("…tăng bình / quân" before)
        (
            "Tổng vốn đầu tư toàn xã hội tăng bình quân",
            40,
            ["Tổng vốn đầu tư", "toàn xã hội tăng bình quân"],
        ),
        # a waterfall's parameter ("…tăng trưởng năm / 2021" before)
        (
            "Công nghiệp - xây dựng: tăng trưởng năm 2021",
            40,
            ["Công nghiệp - xây dựng:", "tăng trưởng năm 2021"],
        ),
        # "…co giãn theo tăng / trưởng" before
        (
            "Thu ngân sách: hệ số co giãn theo tăng trưởng",
            40,
            ["Thu ngân sách:", "hệ số co giãn theo tăng trưởng"],
        ),
        # one line more rather than "bình / quân"
        ("Thu nhập bình quân đầu người", 14, ["Thu nhập", "bình quân", "đầu người"]),
        (
            "Tốc độ tăng giá trị sản xuất bình quân",
            18,
            ["Tốc độ tăng", "giá trị sản xuất", "bình quân"],
        ),
        # a number stays with its word; a what-if mark with its bracket
        ("Kịch bản tích cực (giả định thay đổi)", 26, ["Kịch bản tích cực", "(giả định thay đổi)"]),
        ("Thu nhập bình quân đầu người năm 2025", 18, ["Thu nhập bình quân", "đầu người năm 2025"]),
        ("State budget revenue growth", 18, ["State budget", "revenue growth"]),
        ("fits on one line", 40, ["fits on one line"]),
        ("", 10, [""]),
    ],
)
def test_a_planners_labels_break_where_a_reader_would(label: str, width: int, lines: list[str]):
    assert wrap(label, width).split("\n") == lines


def test_break_costs_rank_a_colon_a_space_a_word_and_a_number():
    assert break_cost("xây dựng:", "tăng") < break_cost("tổng", "vốn")
    assert break_cost("tổng", "vốn") < break_cost("bình", "quân")
    assert break_cost("năm", "2021") == break_cost("bình", "quân")
    assert break_cost("2020", "=") == break_cost("=", "100") == break_cost("bình", "quân")
    assert break_cost("(Bình", "quân)") == break_cost("bình", "quân")  # (brackets, case)
    assert all(w == w.lower() and len(w.split()) == 2 for w in VI_WORDS)


def _cost(lines: list[list[str]], width: int, fewest: int) -> float:
    """The cost `wrap` minimises, written out for a whole set of lines."""
    cost = EXTRA_LINE * (len(lines) - fewest)
    for k, (a, b) in enumerate(itertools.pairwise(lines), start=1):
        before = " ".join(" ".join(line) for line in lines[:k])
        inside = before.count("(") > before.count(")")
        cost += break_cost(a[-1], b[0]) + (INSIDE_BRACKETS if inside else 0.0)
    return cost + sum((len(" ".join(line)) / width) ** 2 for line in lines)


def test_wrap_finds_the_cheapest_lines_of_every_way_to_break_random_labels():
    """Against every set of breaks (brute force): `wrap` keeps the words in order, no line is
    wider than `width` unless it is one word, it uses the fewest lines or one more, and no set
    of breaks allowed costs less."""
    rng = np.random.default_rng(5)
    syllables = sorted({s for w in VI_WORDS for s in w.split()})
    syllables += ["năm", "2021", "=", "x:", "(không", "đất)"]
    for _ in range(300):
        words = list(rng.choice(syllables, size=int(rng.integers(1, 10))))
        width = int(rng.integers(6, 30))
        got = [line.split() for line in wrap(" ".join(words), width).split("\n")]
        assert [w for line in got for w in line] == words
        assert all(len(line) == 1 or len(" ".join(line)) <= width for line in got)
        options = []
        for cuts in itertools.product([False, True], repeat=len(words) - 1):
            starts = [0] + [i + 1 for i, cut in enumerate(cuts) if cut] + [len(words)]
            lines = [words[a:b] for a, b in itertools.pairwise(starts)]
            if all(len(line) == 1 or len(" ".join(line)) <= width for line in lines):
                options.append(lines)
        fewest = min(len(lines) for lines in options)
        assert len(got) in (fewest, fewest + 1)
        best = min(_cost(lines, width, fewest) for lines in options if len(lines) <= fewest + 1)
        assert _cost(got, width, fewest) == pytest.approx(best)


def test_decomposed_text_is_read_as_the_words_it_shows_and_a_width_of_zero_is_one():
    import unicodedata

    label = "Tổng vốn đầu tư toàn xã hội tăng bình quân"
    decomposed = unicodedata.normalize("NFD", label)
    assert decomposed != label
    assert wrap(decomposed, 40) == wrap(label, 40) == "Tổng vốn đầu tư\ntoàn xã hội tăng bình quân"
    assert wrap("a b", 0) == "a\nb"


def test_prose_carries_a_words_first_syllable_to_the_next_line():
    """A caption ended its line on "kịch" and began the next with "bản"."""
    words = "Biểu 4. Tốc độ tăng so với năm trước của từng kịch bản".split()
    lines = prose_lines(words, [len(w) for w in words], 50, 1)
    assert lines == ["Biểu 4. Tốc độ tăng so với năm trước của từng", "kịch bản"]
    plain = "one two three four five six".split()  # (no word to keep whole: as full as fits)
    assert prose_lines(plain, [len(w) for w in plain], 13, 1) == ["one two three", "four five six"]
    assert prose_lines(["a"], [1.0], 0.5, 1) == ["a"]  # a word wider than the room: alone


def test_prose_gives_a_whole_word_to_the_next_line_and_never_overflows_for_it():
    def lines(text: str, room: int) -> list[str]:
        words = text.split()
        return prose_lines(words, [len(w) for w in words], room, 1)

    # a word of three syllables ("độ lệch chuẩn": two pairs of the list) goes whole
    assert lines("Biểu 3. Trung vị và độ lệch chuẩn", 27) == [
        "Biểu 3. Trung vị và",
        "độ lệch chuẩn",
    ]
    # "năm" would make the next line 14 wide in a room of 12: the break stays
    assert lines("abcdefg năm 2021-2025,", 12) == ["abcdefg năm", "2021-2025,"]
