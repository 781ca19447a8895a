"""Every user-facing word in Vietnamese and English, and number formatting for both.

Labels come from this one table, never from strings scattered in plot or export code. A text
given in both languages is one `Bilingual` value (`sim.core.text`, re-exported here);
`Bilingual.in_(lang)` is the only place that chooses between them.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from sim.core.names import SECTOR_NAMES, TOTAL, ParameterPath, SeriesName
from sim.core.text import LANGS, Bilingual, minus_sign

if TYPE_CHECKING:
    from sim.run import ScenarioResult
    from sim.scenario.values import Scenario

__all__ = [
    "range_dash",
    "what_if_note",
    "scenario_what_if_note",
    "what_if_title",
    "parameter_text",
    "setting_text",
    "LANGS",
    "Bilingual",
    "text",
    "words_under",
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
    "display_width",
    "pad",
    "format_short",
    "format_band",
    "scenario_labels",
    "parameter_unit",
]



class Labelled(Protocol):
    """Anything with a label in both languages (a target, a linked indicator)."""

    @property
    def label(self) -> Bilingual: ...


_PAIRS: dict[str, tuple[str, str]] = {
    # sectors and blocks
    **{sector: (name.vi, name.en) for sector, name in SECTOR_NAMES.items()},
    "other": ("Phần còn lại", "Other (residual)"),
    "total": ("Tổng", "Total"),
    # indicator families
    "output": ("Giá trị sản xuất", "Production value"),
    "output.total": ("Tổng giá trị sản xuất", "Total production value"),
    "share": ("Tỷ trọng", "Share"),
    "growth": ("Tăng trưởng so với năm trước", "Growth on previous year"),
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
    "fig.end_year": (
        "Các kịch bản so với chỉ tiêu {period} ({values})",
        "Scenarios against the {period} targets ({values})",
    ),
    "values.cagr": ("bình quân {period}", "average {period}"),
    "values.level": ("năm {year}", "{year}"),
    "values.each_year": ("từng năm", "each year"),
    "no_targets": (
        "Nhiệm kỳ {start}-{end} chưa có chỉ tiêu: các chỉ tiêu hiện có là của giai đoạn {periods}, "
        "ngoài các năm dự báo; không có bảng đánh giá và biểu đồ chỉ tiêu.",
        "The {start}-{end} term has no targets yet: the targets at hand are for {periods}, "
        "outside the projected years; no scorecard or target charts.",
    ),
    "mark.met": ("✓ đạt", "✓ met"),
    "mark.exceeded": (
        "✓↑ vượt mức cao của chỉ tiêu (tính là đạt)",
        "✓↑ above the band (counts as met)",
    ),
    "mark.missed": ("✗ không đạt (chênh lệch so với chỉ tiêu)", "✗ missed (gap to the band)"),
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
    "caption.output_value": (
        "Tổng giá trị sản xuất (tỷ đồng); vùng tô: mục tiêu tăng bình quân {band} giai đoạn "
        "{period}.",
        "Total production value (billion VND); shaded: the target of {band} average growth in "
        "{period}.",
    ),
    "caption.output_value.plain": (
        "Tổng giá trị sản xuất (tỷ đồng).",
        "Total production value (billion VND).",
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
        "Tốc độ tăng so với năm trước của từng ngành; thanh xám: khoảng mục tiêu tăng bình quân "
        "{period}, điểm rỗng: mức tăng bình quân của từng kịch bản.",
        "Growth on the previous year of each sector; grey bar: the {period} average growth "
        "target, hollow marks: each scenario's average.",
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
    "caption.budget.alone": ("Thu ngân sách", "Budget revenue"),
    "caption.budget.corridor": (", vùng tô là mục tiêu tăng {band}", "; shaded: the {band} target"),
    "caption.budget.star": (
        ", dấu sao là mục tiêu năm {year}: {band}",
        "; star: the {year} target, {band}",
    ),
    "caption.budget.bottom": ("Dưới: thu tiền sử dụng đất", "Bottom: land-use fee revenue"),
    "caption.budget.floor": (", mục tiêu {band}", ", target {band}"),
    "caption.end_year": (
        "Giá trị dự báo của từng kịch bản so với khoảng mục tiêu (vùng tô) của từng chỉ tiêu.",
        "Each scenario's projected value against each target's band (shaded).",
    ),
    "caption.scorecard": (
        "Giá trị dự báo và đánh giá: ✓ đạt, ✓↑ vượt (phần vượt mức cao của chỉ tiêu), ✗ không "
        "đạt (phần còn thiếu so với chỉ tiêu).",
        "Projected value and status: ✓ met, ✓↑ exceeded (the excess over the upper end), ✗ "
        "missed (gap to the lower end).",
    ),
    "target_corridor": ("Mục tiêu {band} %/năm", "Target {band} %/yr"),
    "target_band": ("Mục tiêu {band}", "Target {band}"),
    "target_average": (
        "Mục tiêu tăng bình quân {period} (thanh xám)",
        "{period} target for the average growth (grey bar)",
    ),
    "target_average_title": ("mục tiêu bình quân", "target on average"),
    "scenario_average": (
        "Tăng bình quân {period} của kịch bản (điểm rỗng)",
        "The scenario's average growth {period} (hollow)",
    ),
    "target_floor": ("Mục tiêu ≥ {value}", "Target ≥ {value}"),
    "what_if.was": ("thay cho {old}", "was {old}"),
    "what_if.kept": ("năm {years} giữ nguyên", "{years} unchanged"),
    "band.met_from": ("đạt khi ≥ {value}", "met from {value}"),
    "index_unit": ("chỉ số, {base} = 100", "index, {base} = 100"),
    "footer": (
        "Nguồn: {source}; tính toán của mô hình. Ngày chạy: {date}.",
        "Source: {source}; model projections. Run date: {date}.",
    ),
    "footer.actuals": (
        "Nguồn: {source}; số liệu thực hiện: {actuals}; tính toán của mô hình. Ngày chạy: {date}.",
        "Source: {source}; actuals: {actuals}; model projections. Run date: {date}.",
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
    "plan_none": (
        "Nhiệm kỳ {start}-{end} chưa có chỉ tiêu: không có tệp kế hoạch (plan.toml) cạnh các "
        "kịch bản; chỉ có số dự báo, không có bảng đánh giá và biểu đồ chỉ tiêu.",
        "The {start}-{end} term has no targets: there is no plan file (plan.toml) beside the "
        "scenarios; projections only, no scorecard or target charts.",
    ),
    "plan_no_targets": (
        "Nhiệm kỳ {start}-{end} chưa có chỉ tiêu: kế hoạch (plan.toml) chưa đặt chỉ tiêu nào; chỉ có "
        "số dự báo, không có bảng đánh giá và biểu đồ chỉ tiêu.",
        "The {start}-{end} term has no targets yet: the plan (plan.toml) sets none; projections "
        "only, no scorecard or target charts.",
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
    "by_year": ("riêng", "single years"),
    "by_year.one": ("năm {year}", "{year}"),
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
    "median": ("Trung vị các lần mô phỏng", "Median of the draws"),
    "deterministic": ("Dự báo điểm của kịch bản", "The scenario's point projection"),
    "goal": ("Mục tiêu", "Target"),  # (a chart's target mark; "target" is the scorecard's "Chỉ tiêu")
    "fig.fan": ("Biểu đồ quạt: phân bố dự báo", "Fan charts: the spread of the projections"),
    "fig.probabilities": ("Xác suất đạt từng chỉ tiêu", "Probability of meeting each target"),
    "fig.sobol": (
        "Chỉ số Sobol: tham số nào quyết định kết quả",
        "Sobol indices: which parameters drive the result",
    ),
    "sobol_S1": ("Bậc một (S1)", "First order (S1)"),
    "sobol_ST": ("Toàn phần (ST)", "Total (ST)"),
    "sobol_negligible": (
        "Không vẽ (chỉ số toàn phần dưới {threshold} với mọi kết quả, ảnh hưởng không đáng kể)",
        "Not drawn (total index below {threshold} for every output: negligible)",
    ),
    "fig.tornado": ("Biểu đồ lốc xoáy", "Tornado"),
    "param_low": ("Tham số ở cận dưới", "Parameter at its low end"),
    "param_high": ("Tham số ở cận trên", "Parameter at its high end"),
    "fig.spider": ("Biểu đồ mạng nhện", "Spider"),
    # --compare: the attribution of a scenario's end-year gap from the base
    "fig.compare": (
        "Các yếu tố tạo nên chênh lệch năm {year}: {scenario}",
        "What makes up the {year} gap: {scenario}",
    ),
    "fig.compare_end": ("so với {base}", "against {base}"),
    "compare_up": ("Làm tăng", "Raises"),
    "compare_down": ("Làm giảm", "Lowers"),
    "compare_level": ("Mức của kịch bản", "Scenario level"),
    "compare_level_cut": (
        "Mức của kịch bản (trục không bắt đầu từ 0)",
        "Scenario level (axis not from 0)",
    ),
    "caption.compare": (
        "{scenario} so với {base}: chênh lệch năm {year} phân bổ cho từng tham số khác nhau giữa "
        "hai kịch bản theo phương pháp Shapley (không phụ thuộc thứ tự; các phần cộng lại bằng "
        "đúng chênh lệch; số đã làm tròn).",
        "{scenario} against {base}: the {year} gap shared out among the parameters that differ by "
        "the Shapley method (independent of order; the parts add up to the whole gap; figures "
        "rounded).",
    ),
    "compare.pack": (
        "So sánh kịch bản: các yếu tố tạo nên chênh lệch năm cuối",
        "Scenario comparison: what makes up the end-year gap",
    ),
    # --compare in the terminal and the report; what-if marks of the page and rebased files
    "compare.heading": (
        "So sánh với {base}, năm {year} (phân bổ cho các tham số khác nhau theo phương pháp "
        "Shapley)",
        "Compared with {base}, {year} (Shapley attribution to the parameters that differ)",
    ),
    "compare.versus": ("{scenario} so với {base}", "{scenario} against {base}"),
    "compare.gap": ("chênh lệch", "gap"),
    "compare.none": ("không có tham số nào khác", "no parameter differs"),
    "compare.others": ("{n} tham số khác", "{n} other parameters"),
    "compare.other_years": (" (các năm khác)", " (other years)"),
    "compare.base_level": ("Mức của {title}", "Level of {title}"),
    "compare.sum": ("Tổng các đóng góp = chênh lệch", "Sum of contributions = gap"),
    "compare.section": ("So sánh kịch bản", "Scenario comparison"),
    "compare.method": (
        "Mỗi phần là giá trị Shapley của một tham số khác nhau giữa hai kịch bản: mô hình được "
        "chạy với mọi tổ hợp các tham số đó, nên kết quả không phụ thuộc thứ tự và các phần cộng "
        "lại bằng đúng chênh lệch năm cuối.",
        "Each part is the Shapley value of a parameter that differs between the two scenarios: "
        "the model is run with every combination of those parameters, so the result does not "
        "depend on their order and the parts add up to the whole end-year gap.",
    ),
    "what_if.page": (
        "Giả định thay đổi khi chạy (--set): {changes}. Giá trị “kịch bản gốc” trên trang này "
        "đã gồm các thay đổi đó, không phải kịch bản như trong tệp.",
        "What-if set in the run (--set): {changes}. The page's “as loaded” values include "
        "these changes; they are not the scenario as filed.",
    ),
    "rebased.files": (
        "Tệp cho nhiệm kỳ sau ({folder}, chép vào thư mục kịch bản để dùng):",
        "Next-term files ({folder}, copy into a scenarios folder to use):",
    ),
    "what_if.rebased": (
        "tệp tính lại từ kịch bản giả định thay đổi, không phải kế hoạch đã lập: {changes}",
        "rebased from a what-if, not the filed plan: {changes}",
    ),
    # (points of percentage: the spider moves only rates and shares, SPIDER_UNITS)
    "spider_x": (
        "Thay đổi tham số (điểm phần trăm)",
        "Change of the parameter (percentage points)",
    ),
    "fig.grid": ("Lưới hai chiều: dịch vụ và công nghiệp", "Two-way grid: services and industry"),
    "scenario_point": ("Giả định của kịch bản", "The scenario's assumption"),
    "caption.fan": (
        "Phân bố dự báo theo mô phỏng Monte Carlo: vùng đậm 25-75 %, vùng nhạt 5-95 %, đường liền "
        "là trung vị của các lần mô phỏng, nét đứt là dự báo điểm của kịch bản; màu xám là mục "
        "tiêu. Trung vị không phải là dự báo điểm: khoảng bất định của một số giả định không cân "
        "đối quanh giá trị kịch bản dùng (ví dụ giá trị năm gốc nằm ở đầu khoảng), nên hai đường "
        "có thể lệch nhau.",
        "Monte Carlo spread of the projections: dark band 25-75 %, light band 5-95 %, solid line "
        "the median of the draws, dashed the scenario's point projection; grey is the target. "
        "The median is not the point projection: some assumptions' uncertainty ranges are not "
        "symmetric about the value the scenario uses (e.g. a base-year value at one end of its "
        "range), so the two lines can differ.",
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
        "Kết quả năm cuối khi từng tham số thay đổi từ −{k} đến +{k} điểm phần trăm quanh giá "
        "trị của kịch bản.",
        "The end-year result as each parameter moves from −{k} to +{k} percentage points around "
        "the scenario's value.",
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
    "realism": ("So sánh giả định với thực tế {period}", "Assumptions against {period}"),
    "assumed": ("Giả định", "Assumed"),
    "track_record": ("Thực tế {period}", "{period} record"),
    "supported": ("Khoảng phù hợp", "Supported range"),
    "sensitivity": ("Phân tích độ nhạy và bất định", "Sensitivity and uncertainty"),
    "goal_seek": ("Tìm giá trị cần đạt", "Goal seek"),
    "probability": ("Xác suất đạt", "Probability of meeting"),
    # mid-term tracking
    "plan": ("kế hoạch", "plan"),
    "basis": ("Căn cứ", "Basis"),  # (not "Cơ sở": read beside "Kịch bản cơ sở")
    "rebaselined": ("cập nhật theo thực tế", "re-baselined"),
    "actual_final": ("Thực hiện (chính thức)", "Actual (final)"),
    "actual_estimate": ("Thực hiện (ước tính)", "Actual (estimate)"),
    "actual": ("Thực hiện", "Actual"),
    "estimate": ("ước", "estimate"),
    "indicator": ("Chỉ số", "Indicator"),
    "points": ("điểm phần trăm", "points"),
    "fig.plan_vs_actual": ("Kế hoạch và thực hiện", "Plan and actual"),
    "fig.deviation": ("Chênh lệch thực hiện so với kế hoạch", "Actual against plan: deviation"),
    "dev.above": ("thực hiện cao hơn kế hoạch", "actual above plan"),
    "dev.below": ("thực hiện thấp hơn kế hoạch", "actual below plan"),
    "dev.on_plan": ("bằng kế hoạch (chênh lệch 0,0)", "on plan (deviation 0.0)"),
    "caption.plan_vs_actual": (
        "Đường mảnh: kế hoạch của từng kịch bản; đường đậm: dự báo cập nhật theo số liệu thực "
        "hiện; chấm đen: thực hiện (chấm rỗng: ước tính).",
        "Thin lines: each scenario's plan; thick lines: re-baselined through the actuals; black "
        "dots: actual values (hollow: estimates).",
    ),
    "caption.deviation": (
        "Chênh lệch giữa thực hiện và kế hoạch, tính bằng điểm phần trăm đối với tốc độ tăng, "
        "bằng % đối với giá trị.",
        "Actual minus plan: percentage points for growth rates, % for levels.",
    ),
    "tracking": ("Theo dõi thực hiện giữa kỳ", "Mid-term tracking"),
    # the terminal's re-baselined scorecard (console.format_rebaselined_scorecard)
    "tracking.scorecard_title": (
        "Đánh giá chỉ tiêu: kế hoạch và cập nhật theo thực tế đến năm {year} ({path})",
        "Scorecard: plan, and re-baselined through the actuals to {year} ({path})",
    ),
    # --actuals: the first table is the plan; the note at its top says where the update is
    "actuals.plan_first": (
        "Bảng dưới theo kế hoạch; cập nhật theo thực tế đến năm {year}: xem {where}.",
        "The table below is the plan; re-baselined through the actuals to {year}: see {where}.",
    ),
    "actuals.where_terminal": (
        "bảng “Đánh giá chỉ tiêu: kế hoạch và cập nhật theo thực tế” phía dưới",
        "“Scorecard: plan, and re-baselined” further down",
    ),
    "actuals.where_report": (
        "mục “Theo dõi thực hiện giữa kỳ” phía dưới",
        "the section “Mid-term tracking” further down",
    ),
    "actuals.where_workbook": (
        "theo kế hoạch; cập nhật theo thực tế đến năm {year}: trang “{sheet}”, dòng “{rows}”",
        "the plan; re-baselined through the actuals to {year}: sheet “{sheet}”, rows “{rows}”",
    ),
    "tracking.value_status": ("giá trị, đánh giá", "value, status"),
    "tracking.solved_mark": (
        "* dựa trên số tính ngược từ tổng, không phải số thực hiện:",
        "* rests on a figure solved from the total, not observed:",
    ),
    "tracking.solved": (
        "{sector} năm {year}: {value} % (tính ngược từ tổng {total} %)",
        "{sector} {year}: {value} % (solved from the total {total} %)",
    ),
    "tracking.total_gap": (
        "Tổng năm {year}: báo cáo {reported} %, ba ngành tạo ra {made} % (chênh {gap} điểm %); "
        "dùng số của ba ngành",
        "Total {year}: reported {reported} %, the three sectors make {made} % ({gap} points); "
        "the sectors' figures are used",
    ),
    "tracking.marked": ("Số liệu thực hiện có ghi chú:", "Actuals marked in the file:"),
    "concept.revised": ("số đã điều chỉnh", "revised"),
    "concept.includes_land_use": (
        "gồm tiền sử dụng đất: so với kế hoạch thu kể cả tiền sử dụng đất, không dùng để cập nhật",
        "includes land-use fees: compared with the plan's budget including them, not used to "
        "re-baseline",
    ),
    "concept.other_definition": (
        "khác định nghĩa: chỉ để đối chiếu, không so sánh, không dùng để cập nhật",
        "another definition: shown only, neither compared nor used",
    ),
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
    # the what-if page (whatif.html; sim/output/whatif/data.py hands them to the page)
    "whatif.page_title": ("Thử giả định: dự báo {base}-{end}", "What-if: projections {base}-{end}"),
    "whatif.page_title_of": (
        "Thử giả định: dự báo kinh tế {locality} giai đoạn {base}-{end}",
        "What-if: economic projections for {locality}, {base}-{end}",
    ),
    "whatif.intro": (
        "Thay đổi giả định và xem ngay mọi chỉ số, đánh giá chỉ tiêu và biểu đồ. Trang chạy "
        "hoàn toàn trên máy này, không cần mạng. Lưu kịch bản để chạy lại bằng dòng lệnh.",
        "Change the assumptions and every number, the scorecard and the charts follow at once. "
        "The page runs entirely on this computer, offline. Save the scenario to run it again "
        "from the command line.",
    ),
    "whatif.switch_lang": ("English", "Tiếng Việt"),
    "whatif.pick": ("Kịch bản", "Scenario"),
    "whatif.reset": ("Về giá trị kịch bản", "Reset to the scenario"),
    "whatif.save": ("Lưu kịch bản", "Save scenario"),
    "whatif.inputs": ("Giả định", "Assumptions"),
    "whatif.sectors": ("Các ngành", "Sectors"),
    "whatif.indicators": ("Chỉ số liên kết", "Linked indicators"),
    "whatif.structure": ("Cơ cấu", "Structure"),
    "whatif.by_year_title": ("Tăng trưởng từng năm", "Growth in single years"),
    "whatif.keys_hint": (
        "Phím ↑ / ↓ trong một ô tăng, giảm 0,1 (giữ Shift: 1).",
        "The ↑ / ↓ keys in a field step it by 0.1 (with Shift: 1).",
    ),
    "whatif.by_year_note": (
        "Tăng trưởng riêng từng năm (%/năm); để trống: theo tốc độ chung.",
        "Growth for single years (%/yr); empty: the general rate.",
    ),
    "whatif.scenario_value": ("kịch bản", "scenario"),
    "whatif.source_range": ("khoảng nguồn", "source range"),
    "range_to": ("đến", "to"),  # a range with a negative end, "−5 đến 5" (not "−5-5")
    "whatif.results": ("Kết quả dự báo", "Projection"),
    "whatif.changes": ("Thay đổi so với kịch bản", "Changes from the scenario"),
    "whatif.no_changes": ("Chưa thay đổi giả định nào.", "No assumption changed."),
    "whatif.difference": (
        "Chênh lệch so với kịch bản gốc",
        "Difference from the scenario as loaded",
    ),
    "whatif.as_loaded": ("Kịch bản gốc", "As loaded"),
    "whatif.what_if": ("Giả định mới", "What-if"),
    "whatif.invalid_number": ("không phải một số", "not a number"),
    "whatif.rate_floor": (
        "tốc độ tăng phải lớn hơn -100 %/năm",
        "a growth rate must be above -100 %/yr",
    ),
    "whatif.share_floor": ("tỷ trọng không được âm", "a share cannot be negative"),
    "whatif.not_applied": ("chưa áp dụng", "not applied"),
    "whatif.chart_output": ("Giá trị sản xuất", "Production value"),
    "whatif.chart_growth": ("Tăng trưởng giá trị sản xuất", "Production value growth"),
    "whatif.chart_budget": ("Thu ngân sách", "Budget revenue"),
    "whatif.chart_loaded": ("nét đứt: kịch bản gốc", "dashed: the scenario as loaded"),
    "whatif.yoy": ("so với năm trước", "on previous year"),
    "whatif.skipped": (
        "Không có trên trang này: {names} ({reason}).",
        "Not on this page: {names} ({reason}).",
    ),
    "whatif.skipped_reason": (
        "kịch bản tính ngược hoặc hiệu chỉnh; xem report.html",
        "back-cast or calibrated scenarios; see report.html",
    ),
    "whatif.needs_js": (
        "Trang này cần JavaScript để tính toán.",
        "This page needs JavaScript to compute.",
    ),
    "whatif.generated": ("Tạo lúc", "Generated"),
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
        "Các chỉ tiêu thu ngân sách của kế hoạch được so với",
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


def words_under(prefix: str) -> dict[str, Bilingual]:
    """The words whose key starts with `prefix` ("whatif."), keyed without it."""
    return {key[len(prefix) :]: words for key, words in _TEXT.items() if key.startswith(prefix)}


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


def scenario_labels(scenario: Scenario) -> dict[str, Bilingual]:
    """Indicator name -> label, for each linked indicator of `scenario`."""
    return {name: spec.label for name, spec in scenario.indicators.items()}


def linked_labels(result: ScenarioResult) -> dict[str, Bilingual]:
    """Series name -> label of each linked indicator of the result's scenario, and of the budget
    with land-use fees (a series the model derives)."""
    labels = scenario_labels(result.scenario)
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
    return f"{indicator_label(name, lang, labels)} {in_brackets(unit_text(unit, lang))}"


def in_brackets(unit: str) -> str:
    """A unit in brackets after a label; one with brackets of its own without nesting them:
    "(chỉ số, tổng năm 2020 = 100)", not "(chỉ số (tổng năm 2020 = 100))"."""
    return f"({unit.replace(' (', ', ').replace('(', '').replace(')', '')})"


def band_text(target, lang: str, with_unit: bool = True) -> str:
    """A target's band with its unit, in `lang`, saying how it is judged: "15,5-16,5 %/năm",
    "≥ 80 tỷ đồng/năm", "≈ 600 tỷ đồng, đạt khi ≥ 600" (an "about" figure judged as at
    least the figure), "≈ 600 tỷ đồng ± 2 %" (with the plan's tolerance). No parentheses: the
    terminal and the report put the band in them. Not `with_unit`: the band alone (the
    workbook's unit column has the unit)."""
    unit = f" {unit_text(target.unit, lang)}" if with_unit else ""

    def short(value: float) -> str:  # 15,5 but 14, not 14,0
        return format_short(value, lang, 1)

    if target.approximate and target.figure is not None:
        figure = short(target.figure)
        if target.tolerance_pct:
            return f"≈ {figure}{unit} ± {short(target.tolerance_pct)} %"
        return f"≈ {figure}{unit}, {text('band.met_from', lang).format(value=figure)}"
    if target.low is not None and target.high is not None and target.low != target.high:
        dash = range_dash(target.low, target.high, lang)
        return f"{short(target.low)}{dash}{short(target.high)}{unit}"
    if target.low is None:  # a ceiling: met at or below it
        return f"≤ {short(target.high)}{unit}"
    if target.high is None:
        return f"≥ {short(target.low)}{unit}"
    return f"≈ {short(target.low)}{unit}" if target.approximate else f"{short(target.low)}{unit}"


def what_if_note(scenarios: Iterable[Scenario], lang: str) -> str:
    """One line naming every --set value of the run and the scenario it changed, in words
    ("what-if: Optimistic: Services: growth = 15"), or "" when no scenario was changed."""
    from sim.scenario.values import WHAT_IF

    changed = [
        f"{s.filed_title(lang)}: "
        + "; ".join(_change_text(x, s, lang) for x in s.settings)
        for s in scenarios
        if s.settings
    ]
    return f"{WHAT_IF.in_(lang)}: {'; '.join(changed)}" if changed else ""


def scenario_what_if_note(scenario: Scenario, lang: str) -> str:
    """The --set values that changed `scenario`, in words ("what-if: Services: growth = 15"),
    or "" for the scenario as filed (`Scenario.what_if` keeps the keys, for files and tools)."""
    from sim.scenario.values import WHAT_IF

    words = [_change_text(x, scenario, lang) for x in scenario.settings]
    return f"{WHAT_IF.in_(lang)}: {'; '.join(words)}" if words else ""


def _change_text(setting: str, scenario: Scenario, lang: str) -> str:
    """One --set change in words, with its unit and the value it replaced: "Dịch vụ: tăng
    trưởng = 15 %/năm (thay cho 16)" / "Services: growth = 15 %/yr (was 16)" (short: charts
    show it too)."""
    words = setting_text(setting, lang, scenario_labels(scenario), with_key=False)
    key = _setting_key(setting)
    if words.startswith(f"{key} = "):  # (not a parameter: as typed)
        return words
    unit = parameter_unit(key)
    parsed = ParameterPath.parse(key)
    if parsed.field == "base" and parsed.owner in scenario.indicators:
        unit = scenario.indicators[parsed.owner].unit
    shown = f"{words} {unit_text(unit, lang)}" if unit else words
    notes = []
    old = scenario.replaced.get(key)
    if isinstance(old, int | float) and not isinstance(old, bool):
        notes.append(text("what_if.was", lang).format(old=format_short(old, lang, 3)))
    kept = _kept_years(parsed, scenario)
    if kept:
        notes.append(text("what_if.kept", lang).format(years=", ".join(map(str, kept))))
    return f"{shown} ({'; '.join(notes)})" if notes else shown


def _setting_key(setting: str) -> str:
    """The key of a --set setting of a scenario, "KEY=VALUE" (its scope taken off already)."""
    return setting.partition("=")[0].strip()


def _kept_years(parsed: ParameterPath, scenario: Scenario) -> list[int]:
    """The years of the run whose growth the scenario file fixes on its own
    (`growth_pct_by_year`, not set by this run's --set), so that a --set of the default growth
    or elasticity does not reach them (COVID-19's 2021 and 2022)."""
    if parsed.field not in ("growth_pct", "elasticity") or parsed.year is not None:
        return []
    owners: Mapping[str, Any] = (
        scenario.sectors if parsed.group == "sectors" else scenario.indicators
    )
    owner = owners.get(parsed.owner)
    by_year = getattr(owner, "growth_pct_by_year", None) or {}
    set_here = parsed.years_among(_setting_key(s) for s in scenario.settings)
    return sorted(
        y for y in by_year if scenario.base_year < y <= scenario.end_year and y not in set_here
    )


def what_if_title(title: str, scenarios: Iterable[Scenario], lang: str) -> str:
    """`title` marked " (what-if)" when --set changed a scenario of the run."""
    from sim.scenario.values import WHAT_IF

    return f"{title} ({WHAT_IF.in_(lang)})" if any(s.settings for s in scenarios) else title


def parameter_text(path: str, lang: str, labels: dict[str, Bilingual] | None = None) -> str:
    """A parameter path as a planner reads it: "sectors.agriculture.growth_pct" -> "Nông lâm -
    thủy sản: tăng trưởng"; "indicators.budget_revenue.elasticity" -> "<its label>: hệ số co
    giãn"; a single year says its year; a group of the compare view ("sectors.services") is its
    owner's name; "cagr.total (implied)" -> the implied total growth. A path of no known form
    is shown as it is."""
    if path.startswith("cagr.total"):
        return text("his.cagr_total", lang)
    linked = labels or {}
    parts = path.split(".")
    if len(parts) == 2 and parts[0] in ("sectors", "indicators"):
        return linked[parts[1]].in_(lang) if parts[1] in linked else text(parts[1], lang)
    parsed = ParameterPath.parse(path)
    if not parsed.owner:
        key = f"param.{parsed.field}"
        return text(key, lang) if key in _TEXT else path
    who = linked[parsed.owner].in_(lang) if parsed.owner in linked else text(parsed.owner, lang)
    label = f"{who}: {text(f'param.{parsed.field}', lang)}"
    return f"{label} {parsed.year}" if parsed.year is not None else label


def setting_text(
    setting: str, lang: str, labels: dict[str, Bilingual] | None = None, with_key: bool = True
) -> str:
    """A `KEY=VALUE` setting in words and the language's number format: "Dịch vụ: tăng
    trưởng = 15,5 (sectors.services.growth_pct)"; the key as typed follows, so that the run can
    be repeated (not `with_key`: the words alone, for charts and pages)."""
    key, _, raw = setting.partition("=")
    key, raw = key.strip(), raw.strip()
    words = parameter_text(key, lang, labels)
    if words == key:  # not a parameter (end_year, a text): as typed
        return f"{key} = {raw}"
    try:
        shown = format_number(float(raw), len(raw.partition(".")[2]), lang)
    except ValueError:
        shown = raw
    return f"{words} = {shown} ({key})" if with_key else f"{words} = {shown}"


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

    A negative number has a minus sign (−1,5), not a hyphen; one rounded to zero has none.
    missing: shown for None or NaN (the terminal's tables show "-")."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    shown = f"{value:,.{decimals}f}"
    if lang == "vi":
        shown = shown.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return minus_sign(shown)  # (as format_signed and the charts' axes have)


def format_pct(value: float, decimals: int, lang: str) -> str:
    """A percentage: vi 48,5 %; en 48.5 %."""
    return f"{format_number(value, decimals, lang)} %"


def format_signed(value: float, decimals: int, lang: str) -> str:
    """A difference with its sign: +1,25 above zero, −1,25 (a true minus sign) below; one that
    rounds to zero is 0,00, with no sign (no "−0,00")."""
    if round(value, decimals) == 0:
        return format_number(0.0, decimals, lang)
    return f"{'+' if value > 0 else '−'}{format_number(abs(value), decimals, lang)}"


# ----------------------------------------------------------------------------- run summaries
# The terminal summary and the report's tracking, sensitivity, goal-seek and history sections:
# every sentence built here from the numbers, in both languages (the CSV files keep the English
# notes of the analyses).

_RUN_PAIRS: dict[str, tuple[str, str]] = {
    # terminal summary
    "sum.scenario": ("Kịch bản", "scenario"),
    "sum.year": ("Năm", "year"),
    "sum.output": ("GTSX", "output"),
    "sum.output_unit": ("chỉ số", "index"),
    "sum.growth": ("Tăng BQ", "growth"),
    "sum.income": ("Thu nhập", "income"),
    "sum.income_unit": ("tr.đ/người", "mVND/p"),
    "sum.budget": ("Thu NS", "budget"),
    "sum.budget_land": ("Thu NS + đất", "budget+land"),
    "sum.bn": ("tỷ đồng", "bn VND"),
    "sum.targets": ("Chỉ tiêu", "targets"),
    "sum.met": ("đạt", "met"),
    "sum.none": ("không có", "none"),
    "sum.scorecard": (
        "Đánh giá chỉ tiêu: giá trị dự báo, và đạt hoặc chênh lệch so với khoảng mục tiêu",
        "scorecard: value, and met or the gap to the band",
    ),
    "sum.budget_concept": (
        "chỉ tiêu thu ngân sách so với {concept}",
        "budget target compared with {concept}",
    ),
    "sum.what_if": (
        "Giá trị đặt bằng --set (kịch bản bị thay đổi được ghi “giả định thay đổi” ở mọi kết quả):",
        "what-if settings (the scenarios they changed are marked what-if in every output):",
    ),
    "sum.warning": ("cảnh báo", "warning"),
    "sum.written": ("Kết quả đã ghi vào {out}:", "results written to {out}:"),
    # what a run wrote, folder by folder
    "out.report.html": ("báo cáo", "report"),
    "out.projections.xlsx": ("bảng tính", "workbook"),
    "out.whatif.html": ("trang thử giả định", "what-if page"),
    "out.charts": ("biểu đồ và tập biểu đồ PDF", "charts and the PDF chart pack"),
    "out.csv": ("bảng số liệu CSV", "CSV tables"),
    "out.tracking": ("theo dõi thực hiện", "mid-term tracking"),
    "out.sensitivity": ("độ nhạy và bất định", "sensitivity and uncertainty"),
    "out.history": ("thực hiện giai đoạn trước", "track record"),
    "out.compare": ("so sánh kịch bản", "scenario comparison"),
    "out.rebased": ("kịch bản cho nhiệm kỳ sau", "scenario files for the next term"),
    "out.manifest.json": ("nhật ký lần chạy", "run record"),
    # tracking
    "trk.head": (
        "Theo dõi giữa kỳ: số liệu thực hiện đến năm {year} ({path}); tốc độ tăng cần thiết "
        "cho các năm còn lại:",
        "mid-term tracking: actuals to {year} ({path}); growth required for the rest of the term:",
    ),
    "trk.latest": ("Năm có số liệu", "Latest actual"),
    # progress lines (on a terminal only)
    "progress.charts": ("Vẽ biểu đồ", "charts"),
    "progress.charts_unit": ("biểu đồ", "charts"),
    "progress.monte_carlo": ("Mô phỏng Monte Carlo: {scenario}", "Monte Carlo {scenario}"),
    "progress.draws": ("lần rút", "draws"),
    "trk.notes_head": (
        "Số liệu thực hiện: {path} (đến năm {year}). Cách dùng số liệu cho từng kịch bản:",
        "actuals: {path} (latest year {year}). How they were applied, by scenario:",
    ),
    "trk.verdict": ("Nhận định", "Verdict"),
    "trk.needs": ("cần {band} trong {span}", "needs {band} in {span}"),
    "trk.own_pace": ("tốc độ của kịch bản đủ đạt", "the scenario's own pace reaches it"),
    "trk.above": ("cao hơn mức {rate} của kịch bản", "above the scenario's {rate}"),
    "trk.not_observed": (
        "chưa có số liệu: giá trị năm {year} lấy theo kịch bản",
        "not observed: {year} value from the scenario's path",
    ),
    "trk.already_met": (
        "đã đạt: đạt được kể cả khi không tăng thêm",
        "already met: reached even with no further growth",
    ),
    "trk.out_of_reach": (
        "không thể đạt với tốc độ hợp lý: cần {rate} trong {span}, cao hơn {ceiling}",
        "out of reach at any plausible rate: needs {rate} in {span}, above {ceiling}",
    ),
    "trk.floor": (
        "mức sàn cho từng năm, không phải đường tăng trưởng: xem bảng đánh giá",
        "a floor for each year, not a growth path: see the scorecard",
    ),
    "trk.not_projected": ("không dự báo", "not projected"),
    "trk.outside": ("ngoài các năm dự báo", "outside the projection years"),
    "trk.over": (
        "nhiệm kỳ đã kết thúc: xem bảng đánh giá cập nhật theo thực tế",
        "the term is over: see the re-baselined scorecard",
    ),
    "trk.level_wins": (
        "{what} năm {year} không dùng: năm đó đã có số liệu giá trị",
        "{what} {year} not used: the level is observed that year",
    ),
    "trk.scaled": (
        "tăng trưởng tổng GTSX năm {year} = {total} %: tốc độ tăng của {names} nhân với {factor}",
        "total output growth {year} = {total} %: growth of {names} scaled by {factor}",
    ),
    "trk.shifted": (
        "tăng trưởng tổng GTSX năm {year} = {total} %: {names} điều chỉnh {shift} điểm %",
        "total output growth {year} = {total} %: {names} shifted by {shift} points",
    ),
    "trk.derived": (
        "{sector} năm {year} = {value} % (tính ngược từ tăng trưởng tổng GTSX năm {year} = "
        "{total} %{given}; không phải số thực hiện)",
        "{sector} {year} = {value} % (solved from total output growth {year} = {total} %"
        "{given}; not observed)",
    ),
    "trk.derived_given": (" và số thực hiện của {names}", " and the observed {names}"),
    "trk.not_comparable": (
        "{what} năm {year} = {value}: {concept}",
        "{what} {year} = {value}: {concept}",
    ),
    "trk.implausible": (
        "{what} năm {year} = {value} ({where}) nằm ngoài mức tăng được coi là hợp lý trong một "
        "năm: {parts}; vẫn dùng số đã cho: hãy kiểm tra lại số liệu",
        "{what} {year} = {value} ({where}) is outside the growth taken as plausible for one "
        "year: {parts}; used as given: check the figure",
    ),
    "trk.implausible_part": (
        "{what} {rate} (từ {low} đến {high} %)",
        "{what} {rate} ({low} to {high} %)",
    ),
    # the suffix of a verdict that rests on a sector's growth solved from the total; in English
    # exactly the words of required_growth.csv (the sector's name and the actuals file's row)
    "trk.solved_suffix": (
        " — nhưng dựa trên số tính ngược từ tổng, KHÔNG PHẢI SỐ THỰC HIỆN: "
        "{figures}; cần bổ sung số liệu {wanted} để khẳng định",
        " - but this rests on a figure solved from the total, NOT OBSERVED: {figures}; give "
        "{wanted} to rely on it",
    ),
    "trk.solved_figure": ("{label} năm {year} = {value} %", "{sector} {year} = {value} %"),
    "trk.solved_wanted": ("tăng trưởng {label} năm {year}", "{indicator} {year}"),
    "note": ("ghi chú", "note"),
    # sensitivity and goal seek
    "sen.head": (
        "Độ nhạy: {draws} lần mô phỏng Monte Carlo, số khởi tạo ngẫu nhiên (seed) {seed}; xác "
        "suất đạt từng chỉ tiêu:",
        "sensitivity: {draws} Monte Carlo draws, seed {seed}; probability of meeting each target:",
    ),
    "sen.no_mc": (
        "Độ nhạy: không kịch bản nào có mục [uncertainty] nên không mô phỏng Monte Carlo; "
        "tìm giá trị cần đạt:",
        "sensitivity: no scenario has an [uncertainty] section, so no Monte Carlo; goal seek:",
    ),
    "sen.goal_seek": ("Tìm giá trị cần đạt:", "goal seek:"),
    "goal.found": (
        "{goal}: để đạt {aim} {value} cần {parameter} = {found}",
        "{goal}: to reach {aim} of {value} takes {parameter} = {found}",
    ),
    "goal.aim.low": ("mức tối thiểu", "the minimum"),
    "goal.aim.top": (
        "mức trên của khoảng (mục tiêu của kế hoạch)",
        "the top of the band (the plan's goal)",
    ),
    "goal.aim.about": ("mức “khoảng”", "the “about” figure"),
    "goal.aim.plan": ("mức kế hoạch đặt cho phép tìm", "the plan's goal"),
    "goal.crossed": (
        "mục tiêu được cắt {n} lần trong khoảng, lấy giá trị nhỏ nhất",
        "the target is crossed {n} times in the bracket, the lowest is given",
    ),
    "goal.level_growth": (
        "{what} tăng bình quân {rate}",
        "{what}: average growth {rate}",
    ),
    "goal.inside": (
        "nằm trong khoảng bất định của kịch bản {band}",
        "inside the scenario's range {band}",
    ),
    "goal.outside": (
        "nằm ngoài khoảng bất định của kịch bản {band}",
        "outside the scenario's range {band}",
    ),
    "goal.unreachable": (
        "{goal}: {aim} {value} không đạt được trong khoảng {range} của {parameter}: chỉ tiêu là "
        "{at_low} khi bằng {low} và {at_high} khi bằng {high}, {side} {value} trên toàn khoảng",
        "{goal}: {aim} of {value} is not reachable within {range} of {parameter}: the target "
        "is {at_low} at {low} and {at_high} at {high}, {side} {value} across the whole range",
    ),
    "goal.above": ("cao hơn", "above"),
    "goal.below": ("thấp hơn", "below"),
    "goal.not_computable": (
        "không tính được với {parameter}: chỉ tiêu không được dự báo trong kỳ này",
        "not computable with {parameter}: the target is not projected in this run",
    ),
    "found_value": ("Giá trị tìm được", "Value found"),
    "result": ("Kết quả", "Result"),
    "seed": ("số khởi tạo ngẫu nhiên (seed)", "seed"),
    # history
    "his.statement": (
        "theo kịch bản tính ngược, tốc độ tăng các ngành với tỷ trọng năm {year} cho tổng GTSX "
        "tăng {implied} giai đoạn {base}-{end}",
        "by the back-cast scenario, the sector rates with the {year} shares imply {implied} for "
        "total output {base}-{end}",
    ),
    "his.calibrated": (
        ", so với mức {reported} báo cáo; lần chạy này hiệu chỉnh: tốc độ tăng của {sectors} "
        "điều chỉnh {shift} điểm % mỗi năm",
        ", against the reported {reported}; this run calibrates: {sectors} growth shifted by "
        "{shift} points every year",
    ),
    "his.uncalibrated": (
        "; không hiệu chỉnh (dùng nguyên tốc độ đã cho)",
        "; no calibration (the rates are used as given)",
    ),
    "his.rates_only": (
        "tốc độ tăng bình quân giai đoạn {start}-{end} do kế hoạch nêu (mục [history] của "
        "plan.toml), dùng như đã cho; không có kịch bản tính ngược",
        "the plan's average growth rates for {start}-{end} (its [history] in plan.toml), used "
        "as given; no back-cast scenario",
    ),
    "his.head": ("Thực hiện giai đoạn trước: {statement}", "track record: {statement}"),
    "his.above": (
        "cao hơn khoảng sát với thực tế {period}",
        "above the range {period} supports",
    ),
    "his.below": (
        "thấp hơn khoảng sát với thực tế {period}",
        "below the range {period} supports",
    ),
    "his.flag_line": (
        "{scenario}: {parameter} = {assumed}{unit}, {flag} {band}{unit} (thực tế {record}{unit})",
        "{scenario}: {parameter} = {assumed}{unit}, {flag}, {band}{unit} (record {record}{unit})",
    ),
    "his.all_fine": (
        "mọi giả định đều nằm trong khoảng mà thực tế giai đoạn trước cho phép",
        "every assumption lies within what the track record supports",
    ),
    "his.cagr_total": (
        "Tổng GTSX: tăng bình quân (ngầm định)",
        "Total production value: average growth (implied)",
    ),
    "con.implied_total_cagr_pct": (
        "Tổng GTSX tăng bình quân theo tốc độ các ngành (%/năm)",
        "Total output growth implied by the sector rates (%/yr)",
    ),
    "con.reported_total_cagr_pct": (
        "Tổng GTSX tăng bình quân theo báo cáo (%/năm)",
        "Total output growth as reported (%/yr)",
    ),
    "con.gap_points": (
        "Chênh lệch: ngầm định trừ báo cáo (điểm %)",
        "Gap: implied minus reported (points)",
    ),
    "con.base_share_pct": (
        "Tỷ trọng năm gốc theo tính ngược (%): {sector}",
        "Base-year share implied by the back-cast (%): {sector}",
    ),
    "con.calibrated_total_cagr_pct": (
        "Tổng GTSX tăng bình quân sau hiệu chỉnh (%/năm)",
        "Total output growth after calibration (%/yr)",
    ),
    "con.calibration_shift_points": (
        "Mức điều chỉnh cộng vào tốc độ tăng các ngành được hiệu chỉnh, mỗi năm (điểm %)",
        "Shift added to the growth of the calibrated sectors, every year (points)",
    ),
    "con.calibrated_growth_pct": (
        "Tăng bình quân sau hiệu chỉnh (%/năm): {sector}",
        "Average growth after calibration (%/yr): {sector}",
    ),
}

_TEXT.update({key: Bilingual(*pair) for key, pair in _RUN_PAIRS.items()})

_UNIT_OF_FIELD = {"growth_pct": "%/yr", "growth_pct_by_year": "%/yr", "share_pct": "%"}


def display_width(shown: str) -> int:
    """Columns a string takes on a terminal: combining marks none (Vietnamese may arrive
    decomposed, "ê" + U+0301), wide East Asian characters two, others one."""
    width = 0
    for char in unicodedata.normalize("NFC", shown):
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(shown: str, width: int, align: str = "<") -> str:
    """`shown` (in NFC) padded with spaces to `width` display columns, left or right ('>')."""
    shown = unicodedata.normalize("NFC", shown)
    fill = " " * max(0, width - display_width(shown))
    return fill + shown if align == ">" else shown + fill


def format_short(value: float, lang: str, decimals: int = 2) -> str:
    """A number with at most `decimals` decimals and no trailing zeros: 15,5; 3; 1,096."""
    shown = format_number(value, decimals, lang)
    comma = "," if lang == "vi" else "."
    if comma in shown:
        shown = shown.rstrip("0").rstrip(comma)
    return shown


def range_dash(low: float, high: float, lang: str) -> str:
    """What joins the two ends of a range: "-" as the source writes ranges ("15,5-16,5"), or
    "đến" / "to" when an end is negative ("−5 đến 5"): a hyphen beside a minus reads as one."""
    return f" {text('range_to', lang)} " if min(low, high) < 0 else "-"


def format_band(low: float, high: float, lang: str, decimals: int = 2, unit: str = "") -> str:
    """A range in `lang`, the one way ranges are written in sentences and tables: "15,5-16,5
    %/năm" (vi), "15.5-16.5 %/yr" (en), as the source writes them; with a negative end
    "−5 đến 5" / "−5 to 5" (`range_dash`)."""
    dash = range_dash(low, high, lang)
    shown = f"{format_short(low, lang, decimals)}{dash}{format_short(high, lang, decimals)}"
    return f"{shown} {unit_text(unit, lang)}" if unit else shown


def parameter_unit(path: str) -> str:
    """The unit of a parameter path's value ("%/yr", "%", "" for an elasticity or a base)."""
    return _UNIT_OF_FIELD.get(ParameterPath.parse(path).field, "")


def rounded_parts(
    start: float, end: float, steps: Sequence[float], decimals: int
) -> tuple[float, float, list[float]]:
    """(start, end, steps) as printed, to `decimals`, the steps adding up to end - start as
    printed: each step rounded, then the steps that rounding moved furthest moved back by one
    last digit each until they do (largest remainders; "566,8 ... 531,9 (−34,9)" had parts
    that added up to −34,8). The waterfall, the report's table and the terminal print a gap's
    parts through it, so they print the same numbers."""
    unit = 10.0**-decimals
    first, last = round(start / unit), round(end / unit)
    raw = [x / unit for x in steps]
    parts = [round(x) for x in raw]
    if not parts:
        return first * unit, first * unit, []
    while (short := last - first - sum(parts)) != 0:
        sign = 1 if short > 0 else -1
        k = max(range(len(parts)), key=lambda i: sign * (raw[i] - parts[i]))
        parts[k] += sign
    return first * unit, last * unit, [p * unit for p in parts]
