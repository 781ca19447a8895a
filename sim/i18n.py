"""Every user-facing word in Vietnamese and English, and number formatting for both.

Labels come from this one table, never from strings scattered in plot or export code.
"""

from __future__ import annotations

import math

__all__ = ["LANGS", "text", "unit_text", "indicator_label", "format_number", "format_pct"]

LANGS = ("vi", "en")

_TEXT: dict[str, tuple[str, str]] = {
    # sectors and blocks
    "services": ("Dịch vụ", "Services"),
    "industry": ("Công nghiệp - xây dựng", "Industry & construction"),
    "agriculture": ("Nông lâm - thủy sản", "Agriculture, forestry & fishery"),
    "other": ("Phần còn lại (thuế sản phẩm)", "Other (product taxes)"),
    "total": ("Tổng", "Total"),
    # indicator families
    "output": ("Giá trị sản xuất", "Production value"),
    "output.total": ("Tổng giá trị sản xuất", "Total production value"),
    "share": ("Tỷ trọng", "Share"),
    "growth": ("Tăng trưởng so năm trước", "Growth on previous year"),
    "cagr": ("Tăng bình quân từ năm gốc", "Average growth since base year"),
    "budget_revenue_total": (
        "Thu ngân sách (kể cả tiền sử dụng đất)", "Budget revenue (incl. land-use fees)"
    ),
    # scorecard
    "met": ("đạt", "met"),
    "exceeded": ("vượt", "exceeded"),
    "missed": ("không đạt", "missed"),
    "not projected": ("không dự báo", "not projected"),
    "outside horizon": ("ngoài kỳ dự báo", "outside horizon"),
    "scenario": ("Kịch bản", "Scenario"),
    "target": ("Chỉ tiêu", "Target"),
    "band": ("Mục tiêu", "Target band"),
    "value": ("Dự báo", "Projected"),
    "status": ("Đánh giá", "Status"),
    "gap": ("Chênh lệch", "Gap"),
    "unit": ("Đơn vị", "Unit"),
    "year": ("Năm", "Year"),
    "source_lines": ("Dòng nguồn", "Source lines"),
    "checked_on": ("Chỉ số so sánh", "Checked on"),
    "summary": ("Tóm tắt", "Summary"),
    "scorecard": ("Đánh giá chỉ tiêu", "Scorecard"),
    "targets_met": ("Số chỉ tiêu đạt", "Targets met"),
    "residual": ("Xử lý phần chênh tỷ trọng", "Share residual"),
    "assumptions": ("Giả định", "Assumptions"),
}

_UNITS: dict[str, str] = {
    "%": "%",
    "%/yr": "%/năm",
    "billion VND": "tỷ đồng",
    "billion VND/yr": "tỷ đồng/năm",
    "million VND/person": "triệu đồng/người",
    "million USD": "triệu USD",
}


def text(key: str, lang: str) -> str:
    """The word or phrase for `key` in `lang` ("vi" or "en"); the key itself if unknown."""
    pair = _TEXT.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "vi" else pair[1]


def unit_text(unit: str, lang: str) -> str:
    """A unit in `lang`; index units "index (2020 = 100)" become "chỉ số (2020 = 100)"."""
    if lang != "vi":
        return unit
    if unit.startswith("index"):
        return unit.replace("index", "chỉ số", 1).replace(" total", " tổng")
    return _UNITS.get(unit, unit)


def indicator_label(name: str, lang: str, linked_labels: dict[str, tuple[str, str]] | None = None) -> str:
    """Human label of a stable series name, e.g. "growth.services" -> "Tăng trưởng ...: Dịch vụ".

    linked_labels: name -> (vi, en) labels of the scenario's linked indicators.
    """
    linked_labels = linked_labels or {}

    def base_label(short: str) -> str:
        if short in linked_labels:
            vi, en = linked_labels[short]
            return vi if lang == "vi" else en
        return text(short, lang)

    family, _, short = name.partition(".")
    if family == "output" and short == "total":
        return text("output.total", lang)
    if family in ("output", "share"):
        return f"{text(family, lang)}: {text(short, lang)}"
    if family in ("growth", "cagr"):
        inner = text("output.total", lang) if short == "total" else base_label(short)
        return f"{text(family, lang)}: {inner}"
    return base_label(name)


def format_number(value: float, decimals: int, lang: str) -> str:
    """A number with thousands separators: vi 7.250,5 (dot, decimal comma); en 7,250.5."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    shown = f"{value:,.{decimals}f}"
    if lang == "vi":
        shown = shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return shown


def format_pct(value: float, decimals: int, lang: str) -> str:
    """A percentage: vi 48,5 %; en 48.5 %."""
    return f"{format_number(value, decimals, lang)} %"
