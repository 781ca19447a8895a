"""Every user-facing word in Vietnamese and English, and number formatting for both.

Labels come from this one table, never from strings scattered in plot or export code. A text
given in both languages is one `Bilingual` value (`sim.core.text`, re-exported here);
`Bilingual.in_(lang)` is the only place that chooses between them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from sim.core.names import TOTAL, SeriesName
from sim.core.text import Bilingual

if TYPE_CHECKING:
    from sim.run import ScenarioResult
    from sim.scenario.values import Scenario

__all__ = [
    "what_if_note",
    "what_if_title",
    "LANGS",
    "Bilingual",
    "text",
    "unit_text",
    "label_text",
    "indicator_label",
    "linked_labels",
    "header_label",
    "format_number",
    "format_pct",
    "format_signed",
    "format_date",
    "residual_text",
    "band_text",
]

LANGS = ("vi", "en")


class Labelled(Protocol):
    """Anything with a label in both languages (a target, a linked indicator)."""

    @property
    def label(self) -> Bilingual: ...


_PAIRS: dict[str, tuple[str, str]] = {
    # sectors and blocks
    "services": ("Dịch vụ", "Services"),
    "industry": ("Công nghiệp - xây dựng", "Industry & construction"),
    "agriculture": ("Nông lâm - thủy sản", "Agriculture, forestry & fishery"),
    "other": ("Phần còn lại", "Other (residual)"),
    "total": ("Tổng", "Total"),
    # indicator families
    "output": ("Giá trị sản xuất", "Production value"),
    "output.total": ("Tổng giá trị sản xuất", "Total production value"),
    "share": ("Tỷ trọng", "Share"),
    "growth": ("Tăng trưởng so năm trước", "Growth on previous year"),
    "cagr": ("Tăng bình quân từ năm gốc", "Average growth since base year"),
    "budget_revenue_total": (
        "Thu ngân sách (kể cả tiền sử dụng đất)",
        "Budget revenue (incl. land-use fees)",
    ),
    # scorecard
    "met": ("đạt", "met"),
    "exceeded": ("vượt", "exceeded"),
    "missed": ("không đạt", "missed"),
    "not projected": ("không dự báo", "not projected"),
    "outside horizon": ("ngoài kỳ dự báo", "outside horizon"),
    "no value": ("không có số liệu", "no value"),
    "scenario": ("Kịch bản", "Scenario"),
    "title": ("Tên kịch bản", "Title"),
    "end_year": ("Năm cuối", "End year"),
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
    # charts
    "figure": ("Biểu", "Figure"),
    "fig.output_index": (
        "Tổng giá trị sản xuất theo kịch bản",
        "Total production value by scenario",
    ),
    "fig.sector_output": ("Giá trị sản xuất theo ngành", "Production value by sector"),
    "fig.sector_shares": (
        "Cơ cấu kinh tế: năm gốc và năm cuối kỳ",
        "Economic structure: base year and end year",
    ),
    "fig.sector_growth": (
        "Tốc độ tăng trưởng so với năm trước, theo ngành",
        "Growth on the previous year, by sector",
    ),
    "fig.income": ("Thu nhập bình quân đầu người", "Per-capita income"),
    "fig.budget": ("Thu ngân sách trên địa bàn", "Budget revenue"),
    "fig.end_year": ("Các kịch bản so với chỉ tiêu", "Scenarios against the targets"),
    "fig.scorecard": ("Bảng đánh giá khả năng đạt chỉ tiêu", "Scorecard"),
    "caption.output_index": (
        "Chỉ số tổng giá trị sản xuất (năm {base} = 100); vùng tô: mục tiêu tăng bình quân "
        "{band} giai đoạn {period}.",
        "Total production value index ({base} = 100); shaded: the target of {band} "
        "average growth in {period}.",
    ),
    "caption.output_index.plain": (
        "Chỉ số tổng giá trị sản xuất (năm {base} = 100).",
        "Total production value index ({base} = 100).",
    ),
    "caption.sector_output": (
        "Giá trị sản xuất của từng ngành theo năm, mỗi ô một kịch bản.",
        "Production value of each sector by year, one panel per scenario.",
    ),
    "caption.sector_shares": (
        "Tỷ trọng các ngành trong tổng giá trị sản xuất năm {base} và năm {end}.",
        "Sector shares of total production value in {base} and {end}.",
    ),
    "caption.sector_growth": (
        "Tốc độ tăng so với năm trước của từng ngành; vùng tô: khoảng mục tiêu {period}.",
        "Growth on the previous year of each sector; shaded: the {period} target range.",
    ),
    "caption.sector_growth.plain": (
        "Tốc độ tăng so với năm trước của từng ngành.",
        "Growth on the previous year of each sector.",
    ),
    "caption.income": (
        "Thu nhập bình quân đầu người (giá hiện hành); mục tiêu {band} năm {year}.",
        "Per-capita income (current prices); target {band} in {year}.",
    ),
    "caption.income.plain": (
        "Thu nhập bình quân đầu người (giá hiện hành).",
        "Per-capita income (current prices).",
    ),
    "caption.budget.top": (
        "Trên: thu ngân sách không tính tiền sử dụng đất",
        "Top: budget revenue excluding land-use fees",
    ),
    "caption.budget.corridor": (", vùng tô là mục tiêu tăng {band}", "; shaded: the {band} target"),
    "caption.budget.star": (
        ", dấu sao là mục tiêu {band} năm {year}",
        "; star: {band} in {year}",
    ),
    "caption.budget.bottom": ("Dưới: thu tiền sử dụng đất", "Bottom: land-use fee revenue"),
    "caption.budget.floor": (", mục tiêu {band}", ", target {band}"),
    "caption.end_year": (
        "Giá trị dự báo của từng kịch bản so với khoảng mục tiêu (vùng tô) của từng chỉ tiêu.",
        "Each scenario's projected value against each target's band (shaded).",
    ),
    "caption.scorecard": (
        "Giá trị dự báo và đánh giá: ✓ đạt hoặc vượt, ✗ không đạt (chênh lệch so với cận dưới).",
        "Projected value and status: ✓ met or exceeded, ✗ missed (gap to the lower end).",
    ),
    "target_corridor": ("Mục tiêu {band} %/năm", "Target {band} %/yr"),
    "target_band": ("Mục tiêu {band}", "Target {band}"),
    "target_range": ("Khoảng mục tiêu {period}", "{period} target range"),
    "target_about": ("Mục tiêu khoảng {value}", "Target about {value}"),
    "target_floor": ("Mục tiêu ≥ {value}", "Target ≥ {value}"),
    "index_unit": ("chỉ số, {base} = 100", "index, {base} = 100"),
    "footer": (
        "Nguồn: {source}; tính toán của mô hình. Ngày chạy: {date}.",
        "Source: {source}; model projections. Run date: {date}.",
    ),
    "footer_no_plan": (
        "Nguồn: tính toán của mô hình. Ngày chạy: {date}.",
        "Source: model projections. Run date: {date}.",
    ),
    "plan_example": (
        "SỐ LIỆU VÍ DỤ của bản kế hoạch mẫu, cần thay bằng số liệu của địa phương",
        "EXAMPLE VALUES of the starter plan, to be replaced with the locality's own",
    ),
    "plan_example_short": ("SỐ LIỆU VÍ DỤ, cần thay", "EXAMPLE VALUES, to replace"),
    "plan_no_targets": (
        "Kế hoạch chưa đặt chỉ tiêu nào (plan.toml): chỉ có số dự báo, không đánh giá đạt hay "
        "không đạt.",
        "The plan sets no targets (plan.toml): projections only, nothing is scored.",
    ),
    "base_year_bar": ("Năm {year}", "{year}"),
    "end_year_bar": ("{year}: {scenario}", "{year}: {scenario}"),
    "report_title": (
        "Dự báo kinh tế {locality} giai đoạn {base}-{end}",
        "Economic projections for {locality}, {base}-{end}",
    ),
    "report_title_no_plan": (
        "Dự báo kinh tế giai đoạn {base}-{end}",
        "Economic projections, {base}-{end}",
    ),
    "projection_table": ("Bảng dự báo", "Projection table"),
    "charts": ("Biểu đồ", "Charts"),
    "generated": ("Tạo lúc", "Generated"),
    "parameter": ("Tham số", "Parameter"),
    "source": ("Nguồn", "Source"),
    "rule_growth": ("tăng {rate} %/năm", "grows {rate} %/yr"),
    "rule_elasticity": (
        "hệ số co giãn {e} theo tăng trưởng GTSX",
        "elasticity {e} to output growth",
    ),
    "by_year": ("riêng các năm", "single years"),
    # sensitivity and uncertainty
    "param.growth_pct": ("tăng trưởng", "growth"),
    "param.growth_pct_by_year": ("tăng trưởng năm", "growth in"),
    "param.share_pct": ("tỷ trọng gốc", "base share"),
    "param.elasticity": ("hệ số co giãn", "elasticity"),
    "param.base": ("giá trị năm gốc", "base value"),
    "param.residual_growth_pct": ("tăng trưởng phần còn lại", "growth of the other block"),
    "draws": ("lần mô phỏng", "draws"),
    "band_5_95": ("Khoảng 5-95 %", "5-95 % band"),
    "band_25_75": ("Khoảng 25-75 %", "25-75 % band"),
    "median": ("Trung vị", "Median"),
    "deterministic": ("Dự báo điểm", "Point projection"),
    "fig.fan": ("Biểu đồ quạt: phân bố dự báo", "Fan charts: the spread of the projections"),
    "fig.probabilities": ("Xác suất đạt từng chỉ tiêu", "Probability of meeting each target"),
    "fig.sobol": (
        "Chỉ số Sobol: tham số nào quyết định kết quả",
        "Sobol indices: which parameters drive the result",
    ),
    "sobol_S1": ("Bậc một (S1)", "First order (S1)"),
    "sobol_ST": ("Toàn phần (ST)", "Total (ST)"),
    "fig.tornado": ("Biểu đồ lốc xoáy", "Tornado"),
    "param_low": ("Tham số ở cận dưới", "Parameter at its low end"),
    "param_high": ("Tham số ở cận trên", "Parameter at its high end"),
    "fig.spider": ("Biểu đồ mạng nhện", "Spider"),
    # --compare: the attribution of a scenario's end-year gap from the base
    "fig.compare": ("Phân rã chênh lệch so với", "Where the gap from"),
    "fig.compare_end": ("năm cuối", "comes from"),
    "compare_up": ("Làm tăng", "Raises"),
    "compare_down": ("Làm giảm", "Lowers"),
    "compare_level": ("Mức của kịch bản", "Scenario level"),
    "caption.compare": (
        "Chênh lệch năm cuối so với kịch bản gốc, phân cho từng tham số khác nhau theo giá trị "
        "Shapley (không phụ thuộc thứ tự; các phần cộng lại bằng đúng chênh lệch).",
        "The end-year gap from the base scenario, shared among the parameters that differ by "
        "their Shapley values (independent of order; the parts add up to the whole gap).",
    ),
    "spider_x": ("Thay đổi tham số (điểm)", "Change of the parameter (points)"),
    "fig.grid": ("Lưới hai chiều: dịch vụ và công nghiệp", "Two-way grid: services and industry"),
    "scenario_point": ("Giả định của kịch bản", "The scenario's assumption"),
    "caption.fan": (
        "Phân bố dự báo theo mô phỏng Monte Carlo: vùng đậm 25-75 %, vùng nhạt 5-95 %, đường liền "
        "là trung vị, nét đứt là dự báo điểm; màu xám là mục tiêu.",
        "Monte Carlo spread of the projections: dark band 25-75 %, light band 5-95 %, solid line "
        "the median, dashed the point projection; grey is the target.",
    ),
    "caption.probabilities": (
        "Tỷ lệ số lần mô phỏng đạt (hoặc vượt) từng chỉ tiêu.",
        "Share of the draws that meet (or exceed) each target.",
    ),
    "caption.sobol": (
        "Chỉ số Sobol bậc một (phần phương sai do riêng tham số) và toàn phần (kể cả tương tác), "
        "với khoảng tin cậy 95 %.",
        "Sobol first-order indices (variance share of the parameter alone) and total indices "
        "(with interactions), with 95 % confidence intervals.",
    ),
    "caption.tornado": (
        "Kết quả năm cuối khi lần lượt đưa từng tham số về cận dưới và cận trên của nó.",
        "The end-year result with each parameter in turn at its low and high end.",
    ),
    "caption.spider": (
        "Kết quả năm cuối khi từng tham số thay đổi từ -k đến +k điểm.",
        "The end-year result as each parameter moves from -k to +k points.",
    ),
    "caption.grid": (
        "Tăng bình quân của tổng giá trị sản xuất và thu ngân sách năm cuối theo tốc độ tăng của "
        "dịch vụ và công nghiệp; đường trắng là mục tiêu.",
        "Average growth of total production value and end-year budget by services and industry "
        "growth; white lines are the targets.",
    ),
    "history": (
        "Thực hiện giai đoạn trước và kiểm tra tính hiện thực",
        "Track record and realism check",
    ),
    "realism": ("So sánh giả định với thực tế 2016-2020", "Assumptions against 2016-2020"),
    "assumed": ("Giả định", "Assumed"),
    "track_record": ("Thực tế 2016-2020", "2016-2020 record"),
    "supported": ("Khoảng phù hợp", "Supported range"),
    "sensitivity": ("Phân tích độ nhạy và bất định", "Sensitivity and uncertainty"),
    "goal_seek": ("Tìm giá trị cần đạt", "Goal seek"),
    "probability": ("Xác suất đạt", "Probability of meeting"),
    # mid-term tracking
    "plan": ("kế hoạch", "plan"),
    "basis": ("Cơ sở", "Basis"),
    "rebaselined": ("cập nhật theo thực tế", "re-baselined"),
    "actual_final": ("Thực hiện (chính thức)", "Actual (final)"),
    "actual_estimate": ("Thực hiện (ước tính)", "Actual (estimate)"),
    "actual": ("Thực hiện", "Actual"),
    "estimate": ("ước", "estimate"),
    "indicator": ("Chỉ số", "Indicator"),
    "points": ("điểm %", "points"),
    "fig.plan_vs_actual": ("Kế hoạch và thực hiện", "Plan and actual"),
    "fig.deviation": ("Chênh lệch thực hiện so với kế hoạch", "Actual against plan: deviation"),
    "caption.plan_vs_actual": (
        "Đường mảnh: kế hoạch của từng kịch bản; đường đậm: dự báo cập nhật theo số liệu thực "
        "hiện; chấm đen: thực hiện (chấm rỗng: ước tính).",
        "Thin lines: each scenario's plan; thick lines: re-baselined through the actuals; black "
        "dots: actual values (hollow: estimates).",
    ),
    "caption.deviation": (
        "Chênh lệch giữa thực hiện và kế hoạch: điểm phần trăm với tốc độ tăng, % với giá trị.",
        "Actual minus plan: percentage points for growth rates, % for levels.",
    ),
    "tracking": ("Theo dõi thực hiện giữa kỳ", "Mid-term tracking"),
    "required_growth": (
        "Tốc độ tăng cần thiết cho các năm còn lại",
        "Growth required for the rest of the term",
    ),
    "footer_short": ("Nguồn số liệu: {source}.", "Source figures: {source}."),
    "residual.none": (
        "Tỷ trọng gốc cộng lại {total} %: không có phần chênh",
        "Base shares sum to {total} %: no residual",
    ),
    "residual.normalise": (
        "Tỷ trọng gốc cộng lại {total} %: quy về 100 %",
        "Base shares sum to {total} %: normalised to 100 %",
    ),
    "residual.other": (
        "Tỷ trọng gốc cộng lại {total} %: giữ phần {gap} % còn lại thành khối "
        "riêng, tăng theo {how}",
        "Base shares sum to {total} %: the {gap} % gap is kept as an 'other' block "
        "growing with {how}",
    ),
    "residual.aggregate": ("tốc độ chung của ba ngành", "the three-sector aggregate"),
    "residual.own": ("tốc độ riêng {rate} %/năm", "its own {rate} %/yr"),
    # the live workbook (projections.xlsx)
    "assumption_value": ("Giá trị (ô nhập)", "Value (input)"),
    "band_low": ("Cận dưới", "Low end"),
    "band_high": ("Cận trên", "High end"),
    "input_note": (
        "Ô nhập (nền vàng): gõ giá trị mới, các trang kịch bản, bảng tóm tắt và đánh giá chỉ "
        "tiêu tự tính lại. Các ô khác là công thức, được khóa (Xem lại > Bỏ bảo vệ trang để sửa).",
        "Input cells (yellow): type a new value and the scenario sheets, the summary and the "
        "scorecard recalculate. Other cells are formulas, locked (Review > Unprotect sheet to "
        "edit them).",
    ),
    "values_only_note": (
        "Chỉ để tham khảo: trang của kịch bản này là số liệu, không tự tính lại.",
        "For reference only: this scenario's sheet holds values and does not recalculate.",
    ),
    "values_only_sheet": (
        "Trang này là số liệu, không phải công thức: kịch bản tính ngược từ năm mốc hoặc hiệu "
        "chỉnh tốc độ (giải bằng phép lặp), nên không tự cập nhật khi sửa giả định.",
        "This sheet holds values, not formulas: the scenario is back-cast from an anchor year "
        "or calibrated (solved by iteration), so it does not update when an assumption changes.",
    ),
    "simulated_note": (
        "tính từ mô phỏng, không tự cập nhật",
        "computed by the simulation, does not update",
    ),
    "simulated_run": ("{draws} lần mô phỏng, seed {seed}", "{draws} draws, seed {seed}"),
    "sheet.percentiles": ("MC phân vị", "MC percentiles"),
    "sheet.probabilities": ("MC xác suất đạt", "MC target probabilities"),
    "sheet.tornado": ("Độ nhạy từng tham số", "One at a time"),
    "sheet.grid": ("Lưới dịch vụ - công nghiệp", "Services-industry grid"),
    "sheet.sobol": ("Chỉ số Sobol", "Sobol indices"),
    "sheet.goal_seek": ("Tìm giá trị cần đạt", "Goal seek"),
    "budget_concept_note": (
        "Các chỉ tiêu thu ngân sách của kế hoạch so với",
        "The plan's budget targets are compared with",
    ),
}

_TEXT: dict[str, Bilingual] = {key: Bilingual(*pair) for key, pair in _PAIRS.items()}

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
    words = _TEXT.get(key)
    return key if words is None else words.in_(lang)


def unit_text(unit: str, lang: str) -> str:
    """A unit in `lang`; index units "index (2020 = 100)" become "chỉ số (2020 = 100)"."""
    if lang != "vi":
        return unit
    if unit.startswith("index"):  # "index (2020 total = 100)" / "index (2020 = 100)"
        inner = unit[unit.index("(") + 1 : unit.rindex(")")]
        year, _, rest = inner.partition(" ")
        if rest.startswith("total"):
            return f"chỉ số (tổng năm {year}{rest.removeprefix('total')})"
        return f"chỉ số (năm {year} {rest})"
    return _UNITS.get(unit, unit)


def label_text(item: Labelled, lang: str) -> str:
    """The label of a target or a linked indicator in `lang`."""
    return item.label.in_(lang)


def linked_labels(result: ScenarioResult) -> dict[str, Bilingual]:
    """Series name -> label of each linked indicator of the result's scenario, and of the budget
    with land-use fees (a series the model derives)."""
    labels = {name: spec.label for name, spec in result.scenario.indicators.items()}
    labels["budget_revenue_total"] = _TEXT["budget_revenue_total"]
    return labels


def indicator_label(name: str, lang: str, labels: dict[str, Bilingual] | None = None) -> str:
    """Human label of a stable series name, e.g. "growth.services" -> "Tăng trưởng ...: Dịch vụ".

    labels: name -> label of the scenario's linked indicators (`linked_labels(result)`).
    """
    linked = labels or {}

    def base_label(short: str) -> str:
        return linked[short].in_(lang) if short in linked else text(short, lang)

    series = SeriesName.parse(name)
    family, short = series.family, series.subject
    if series.is_output and short == TOTAL:
        return text("output.total", lang)
    if series.is_output or series.is_share:
        return f"{text(family, lang)}: {text(short, lang)}"
    if series.is_rate:
        inner = text("output.total", lang) if short == TOTAL else base_label(short)
        return f"{text(family, lang)}: {inner}"
    return base_label(name)


def header_label(name: str, unit: str, lang: str, labels: dict[str, Bilingual]) -> str:
    """ "Label (unit)" for a column header."""
    return f"{indicator_label(name, lang, labels)} ({unit_text(unit, lang)})"


def band_text(target, lang: str) -> str:
    """A target's band with its unit, in `lang`: "15,5-16,5 %/năm", "≥ 80 tỷ đồng/năm",
    "≈ 600 tỷ đồng", "≈ 600 tỷ đồng (± 2 %)" (an "about" figure with its tolerance)."""
    unit = unit_text(target.unit, lang)

    def short(value: float) -> str:  # 15,5 but 14, not 14,0
        shown = format_number(value, 1, lang)
        return shown[:-2] if shown.endswith((",0", ".0")) else shown

    if target.approximate and target.figure is not None:
        within = f" (± {short(target.tolerance_pct)} %)" if target.tolerance_pct else ""
        return f"≈ {short(target.figure)} {unit}{within}"
    if target.low is not None and target.high is not None and target.low != target.high:
        return f"{short(target.low)}-{short(target.high)} {unit}"
    if target.low is None:
        return f"< {short(target.high)} {unit}"
    if target.high is None:
        return f"≥ {short(target.low)} {unit}"
    return f"≈ {short(target.low)} {unit}" if target.approximate else f"{short(target.low)} {unit}"


def what_if_note(scenarios: Iterable[Scenario], lang: str) -> str:
    """One line naming every --set value of the run and the scenario it changed ("what-if:
    optimistic: sectors.services.growth_pct=15"), or "" when no scenario was changed."""
    from sim.scenario.values import WHAT_IF

    changed = [f"{s.name}: {s.what_if}" for s in scenarios if s.settings]
    return f"{WHAT_IF.in_(lang)}: {'; '.join(changed)}" if changed else ""


def what_if_title(title: str, scenarios: Iterable[Scenario], lang: str) -> str:
    """`title` marked " (what-if)" when --set changed a scenario of the run."""
    from sim.scenario.values import WHAT_IF

    return f"{title} ({WHAT_IF.in_(lang)})" if any(s.settings for s in scenarios) else title


def residual_text(scenario, lang: str) -> str:
    """How the scenario treats base shares that do not sum to 100 %, in `lang`."""
    total = format_number(scenario.share_sum_pct, 1, lang)
    if scenario.residual is None:
        return text("residual.none", lang).format(total=total)
    if scenario.residual == "normalise":
        return text("residual.normalise", lang).format(total=total)
    if scenario.residual_growth_pct is None:
        how = text("residual.aggregate", lang)
    else:
        how = text("residual.own", lang).format(
            rate=format_number(scenario.residual_growth_pct, 1, lang)
        )
    gap = format_number(100 - scenario.share_sum_pct, 1, lang)
    return text("residual.other", lang).format(total=total, gap=gap, how=how)


def format_date(day, lang: str) -> str:
    """A date as planners write it: vi 27/11/2026; en 2026-11-27."""
    return day.strftime("%d/%m/%Y") if lang == "vi" else day.strftime("%Y-%m-%d")


def format_number(value: float | None, decimals: int, lang: str, missing: str = "–") -> str:
    """A number with thousands separators: vi 7.250,5 (dot, decimal comma); en 7,250.5.

    missing: shown for None or NaN (the terminal, plain ASCII, shows "-")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    shown = f"{value:,.{decimals}f}"
    if lang == "vi":
        shown = shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return shown


def format_pct(value: float, decimals: int, lang: str) -> str:
    """A percentage: vi 48,5 %; en 48.5 %."""
    return f"{format_number(value, decimals, lang)} %"


def format_signed(value: float, decimals: int, lang: str) -> str:
    """A difference with its sign: +1,25 above zero, −1,25 (a true minus sign) otherwise."""
    return f"{'+' if value > 0 else '−'}{format_number(abs(value), decimals, lang)}"
