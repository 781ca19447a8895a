"""Where a short label breaks onto its next line: between words, never inside one.

Vietnamese writes every syllable apart, so a break at any space can split a word: "bình / quân",
"co / giãn", "tăng / trưởng". `wrap` breaks a label into as few lines as fit `width`
characters (one more where that is cheaper: a word kept whole, a number kept with its word)
and chooses among the breaks by their cost: best after a colon or a comma, worst inside a word
of `VI_WORDS` or before a number ("năm / 2021", "= / 100"); among equally good breaks, the one
with the most even lines.

For chart labels, titles and table cells of a line or three. Running text (a caption, a
paragraph) wraps as prose does.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

__all__ = ["VI_WORDS", "break_cost", "prose_lines", "wrap"]

_WORDS = """
    an ninh; bán lẻ; báo cáo; bảo hiểm; bất định; biểu đồ; bình quân; bổ sung; cận dưới; cận trên;
    cao hơn; cập nhật; chất lượng; chênh lệch; chi tiêu; chỉ số; chỉ tiêu; chính trị; cho phép;
    chuyển dịch; co giãn; cơ cấu; cơ sở; còn lại; công nghệ; công nghiệp; công thức; cú sốc;
    cuối kỳ; dân số; dịch bệnh; dịch vụ; doanh nghiệp; doanh thu; du lịch; dự báo; dự kiến;
    dụng đất; đại dịch; đại hội; dịch covid-19; đánh giá; đạt được; địa bàn; địa phương;
    điều chỉnh; điểm giữa; đô thị; độ lệch; độ nhạy; đóng góp; đơn vị; đầu người; đầu tư; giá trị;
    giả định; giai đoạn; giải ngân; giao thông; giáo dục; gia đình; ghi chú; hạ tầng; hàng hóa;
    hàng hoá; hằng năm; hệ số; hiện hành; hiệu chỉnh; hộ nghèo; hợp lý; kế hoạch; kết quả;
    khả năng; khác nhau; khu vực; kiểm tra; kinh doanh; kinh tế; kịch bản; lạc quan; lao động;
    làm giảm; làm tăng; lệch chuẩn; mô hình; mô phỏng; môi trường; mục tiêu; năng suất; ngân hàng;
    ngân sách; ngẫu nhiên; nghị quyết; nhà nước; nhiệm kỳ; nhập khẩu; nông lâm; nông nghiệp;
    nông thôn; phần trăm; phân bổ; phân bố; phát triển; phụ thuộc; phục hồi; quốc phòng; sản phẩm;
    sản xuất; so sánh; so với; số liệu; sử dụng; tác động; tăng trưởng; tạo nên; tham số; thấp hơn;
    thay đổi; theo dõi; thị xã; thu nhập; thủy sản; thuỷ sản; thương mại; thường xuyên; thực hiện;
    thực tế; tích cực; tiền sử; tiêu chí; tiêu cực; tin cậy; tính toán; toàn phần; tổ hợp; tối đa;
    toàn xã; tối thiểu; tốc độ; trung bình; trung vị; tỷ đồng; tỷ lệ; tỷ trọng; ước tính; văn hóa;
    việc làm; xác suất; xã hội; xây dựng; xuất khẩu; y tế; yếu tố
"""
VI_WORDS = frozenset(" ".join(word.split()) for word in _WORDS.split(";"))
"""Vietnamese words of two syllables, lower case, that a label must not split: the planning
words of the tool's texts and of a plan's labels. A longer word is its overlapping pairs
("độ lệch" + "lệch chuẩn"; "tiền sử" + "sử dụng" + "dụng đất": the land-use fee). No place
names: they come from the plan."""

GOOD, PLAIN, BAD = 0.0, 3.0, 20.0
"""Break costs: after a colon or a comma; between two words; inside a word or before a number."""

INSIDE_BRACKETS = 6.0
"""The extra cost of a break inside brackets: "Thu ngân sách / (không tính tiền sử dụng đất)",
not "Thu ngân sách (không / tính ...)", where the lines are as many either way."""

EXTRA_LINE = 10.0
"""The cost of a line more than the fewest: paid to keep a word whole, not to mend a plain
break."""

_TRIM = "()[]{}\"'“”‘’.,:;!?"
_RELATIONS = frozenset("= ≥ ≤ < > %".split())


def _number(word: str) -> bool:
    """A number, a signed number or a unit sign ("2021", "−0,5", "%/năm")."""
    head = word.lstrip("+−-(")
    return bool(head) and (head[0].isdigit() or head[0] == "%")


def _bare(word: str) -> str:
    return word.strip(_TRIM).lower()


def break_cost(before: str, after: str) -> float:
    """The cost of ending a line with `before` and starting the next with `after`."""
    if before[-1] in ":;,.":
        return GOOD
    if _number(after) or after in _RELATIONS or before in _RELATIONS:
        return BAD  # "năm / 2021", "2020 / = 100", "≥ / 80"
    if after[0] == "(":
        return GOOD + 1.0  # "Thu ngân sách / (không tính ...)"
    if before in "-–":
        return PLAIN  # "Công nghiệp - / xây dựng"
    if after in "-–":
        return PLAIN + 5.0  # a line that starts with a dash reads as a list item
    if f"{_bare(before)} {_bare(after)}" in VI_WORDS:
        return BAD
    return PLAIN


def wrap(label: str, width: int) -> str:
    """`label` broken into lines of at most `width` characters (a word longer than that on a
    line of its own), joined by newlines: the fewest lines, or one more where that is cheaper
    than the fewest can be (a word kept whole, a number kept with its word), with the cheapest
    breaks (`break_cost`), the lines as even as the breaks allow. Text is taken in NFC, so that
    a decomposed "đầu tư" is the word it looks like."""
    words = tuple(unicodedata.normalize("NFC", label).split())
    return "\n".join(_lines(words, max(1, width)))


@lru_cache(maxsize=4096)
def _lines(words: tuple[str, ...], width: int) -> tuple[str, ...]:
    if not words:
        return ("",)
    fewest = len(_greedy(words, width))
    cost, start = _costs(words, width, fewest + 1)
    count = min((fewest, fewest + 1), key=lambda k: cost[k][-1] + EXTRA_LINE * (k - fewest))
    bounds, j = [len(words)], len(words)
    for k in range(count, 0, -1):
        j = start[k][j]
        bounds.append(j)
    bounds.reverse()
    return tuple(" ".join(words[a:b]) for a, b in itertools.pairwise(bounds))


def _greedy(words: tuple[str, ...], width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


def _costs(
    words: tuple[str, ...], width: int, most: int
) -> tuple[list[list[float]], list[list[int]]]:
    """(cost, start): cost[k][j], the cheapest way to set words[:j] on exactly k lines (inf:
    there is none), for k up to `most`: break costs, plus the lines' evenness (the sum of their
    squared lengths over `width`); start[k][j], where its last line starts. A line is grown
    word by word back from its end, and no further once it is too long: the work is lines x
    words x words a line, not words squared."""
    n = len(words)
    ends = list(itertools.accumulate((len(w) + 1 for w in words), initial=0))
    depth = list(itertools.accumulate((w.count("(") - w.count(")") for w in words), initial=0))
    joints = [0.0] + [
        break_cost(a, b) + (INSIDE_BRACKETS if depth[i] > 0 else 0.0)
        for i, (a, b) in enumerate(itertools.pairwise(words), start=1)
    ]
    inf = float("inf")
    cost = [[inf] * (n + 1) for _ in range(most + 1)]
    start = [[0] * (n + 1) for _ in range(most + 1)]
    cost[0][0] = 0.0
    for k in range(1, most + 1):
        for j in range(k, n + 1):
            for i in range(j - 1, k - 2, -1):  # the last line is words[i:j]
                length = ends[j] - ends[i] - 1
                if length > width and j - i > 1:
                    break
                if cost[k - 1][i] == inf:
                    continue
                total = cost[k - 1][i] + joints[i] + (length / width) ** 2
                if total < cost[k][j]:
                    cost[k][j], start[k][j] = total, i
    return cost, start


def prose_lines(
    words: Sequence[str], widths: Sequence[float], room: float, space: float
) -> list[str]:
    """Running text (a caption, a note) set line by line, as full as `room` allows (`widths`:
    each word's, `space`: a space's, in one unit), avoiding a break inside a word of `VI_WORDS`
    or before a number: the line gives its last words to the next ("...của từng kịch / bản"
    becomes "...của từng / kịch bản"; "độ lệch chuẩn" goes whole) while it keeps a word and
    what it gives still fits the next line with the word that did not fit."""
    lines: list[list[str]] = []
    line: list[tuple[str, float]] = []
    used = 0.0
    for word, width in zip(words, widths, strict=True):
        if line and used + space + width > room:
            carried: list[tuple[str, float]] = []
            while (
                len(line) > 1 and break_cost(line[-1][0], (carried or [(word, 0.0)])[0][0]) >= BAD
            ):
                moved = [line[-1], *carried]
                if sum(w for _, w in moved) + space * len(moved) + width > room:
                    break
                carried = moved
                line.pop()
            lines.append([w for w, _ in line])
            line = carried
            used = sum(w for _, w in line) + space * max(0, len(line) - 1)
        used += (space if line else 0.0) + width
        line.append((word, width))
    lines.append([w for w, _ in line])
    return [" ".join(words_) for words_ in lines]
