"""The scenario file format, declared as data.

One declaration per key drives validation (type, bounds, warnings), the "did you mean" hints and
the list of numeric parameters (`sim.scenario.parameters`: --set, sampling, sweeps, the
manifest). Only `sim.scenario.loader` reads files; this module only describes what a valid file
holds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from sim.core.model import RESIDUAL_TREATMENTS, SECTORS
from sim.core.text import Bilingual, vn
from sim.scenario.uncertainty import DISTRIBUTIONS

__all__ = [
    "Leaf",
    "Table",
    "AnyKeys",
    "YearMap",
    "ParameterTree",
    "Spec",
    "SCHEMA",
    "SECTOR",
    "STRUCTURE",
    "INDICATOR",
    "MAX_HORIZON_YEARS",
    "MAX_RATE_PCT",
    "MAX_ELASTICITY",
    "MAX_BASE_VALUE",
    "MAX_NUMBER",
    "MAX_TEXT_CHARS",
    "MAX_TITLE_CHARS",
    "MAX_NAME_CHARS",
    "check_leaf",
    "written_number",
    "thousands_literals",
    "thousands_warning",
    "is_year_key",
    "is_leaf_table",
    "leaf_for_parameter",
]

MAX_HORIZON_YEARS = 50
"""A projection longer than this is refused: compound growth that far out is not a plan."""

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")

# Bounds on values: beyond them a number is a typing slip, not a plan, and compounding it over
# MAX_HORIZON_YEARS could overflow a float (1e308). Within them every projection stays finite:
# 1e12 x (1 + 20 x 1000 %)^50 is about 1e127.
MAX_RATE_PCT = 1000.0
"""A growth rate above this (%/yr, i.e. x11 in one year) is an error."""
MAX_ELASTICITY = 20.0
"""An elasticity beyond +-this is an error (an indicator growing 20 times as fast as output)."""
MAX_BASE_VALUE = 1e12
"""A base value (an indicator's, or the total in billion VND) above this is an error."""
MAX_NUMBER = 1e15
"""Any number of a scenario file beyond +-this is an error (a number without a bound of its own:
a distribution's mode, mean or standard deviation)."""
MAX_TEXT_CHARS = 2000
"""The longest free text (a description, a source note), in characters."""
MAX_TITLE_CHARS = 200
"""The longest title, label or unit, in characters: they are drawn on charts."""
MAX_NAME_CHARS = 64
"""The longest scenario name: it names output files (<name>_rebaselined.csv, ...)."""


@dataclass(frozen=True)
class Leaf:
    """A single value.

    kind:  "number", "integer", "string", "choice", "strings" (a list of text), "matrix" (a
           list of rows of finite numbers), "boolean" or "years" (a [first, last] pair of years).
    unit:  unit of a number, for messages and labels.
    check: extra rule on a number; returns an error text (both languages) or None.
    warn:  extra advice on a number; returns a warning text (both languages) or None.
    choices: allowed strings for kind "choice".
    description: what the value means (shown in messages and the README).
    numeric_parameter: the value is a numeric model parameter, listed by
           `sim.scenario.parameters.numeric_parameters` (for --set, sampling, one-at-a-time
           sweeps, the manifest, labels and rebasing).
    used_when: (sibling key, value): the parameter is one only when the sibling key has that
           value, e.g. ("rule", "growth") for an indicator's own growth rate.
    max_chars: the longest text allowed, for kinds "string" and "strings" (each item).
    """

    kind: str
    description: str
    unit: str = ""
    check: Callable[[float], Bilingual | None] | None = None
    warn: Callable[[float], Bilingual | None] | None = None
    choices: tuple[str, ...] = ()
    numeric_parameter: bool = False  # a model parameter: --set, sampling, sweeps, the manifest
    used_when: tuple[str, str] | None = None  # (sibling key, value), see above
    max_chars: int = MAX_TEXT_CHARS


@dataclass(frozen=True)
class Table:
    """A table with fixed keys."""

    fields: Mapping[str, Leaf | Table | AnyKeys | YearMap | ParameterTree]
    description: str = ""


@dataclass(frozen=True)
class AnyKeys:
    """A table whose keys are names chosen by the user (or from a fixed list), each the same shape."""

    item: Table
    allowed: tuple[str, ...] = ()  # empty: any lower-case identifier
    description: str = ""


@dataclass(frozen=True)
class YearMap:
    """A table `{ 2021 = 4.0, 2022 = 12.0 }`: a value for single calendar years."""

    item: Leaf
    description: str = ""


@dataclass(frozen=True)
class ParameterTree:
    """Tables nested along parameter paths, each path ending in a table shaped like `item`.

    `[uncertainty.sectors.services.growth_pct]` nests as uncertainty -> sectors -> services ->
    growth_pct; the innermost table (one that holds a non-table value, or is empty) is checked
    against `item`. Keys in `fixed` (e.g. "correlation") are tables of their own shape. Whether a
    path names a real parameter depends on the resolved scenario, so the loader checks it later.
    """

    item: Table
    fixed: Mapping[str, Table]
    description: str = ""


Spec = Leaf | Table | AnyKeys | YearMap | ParameterTree
"""Any declaration: what a key of the scenario file may hold."""


def _rate_check(value: float) -> Bilingual | None:
    if value <= -100.0:
        return Bilingual(
            "tốc độ tăng trưởng phải lớn hơn -100 %/năm (-100 % là mất toàn bộ giá trị)",
            "a growth rate must be above -100 %/yr (-100 % would wipe out the whole level)",
        )
    if value > MAX_RATE_PCT:
        return Bilingual(
            f"tốc độ tăng trưởng trên {vn(MAX_RATE_PCT, ',.0f')} %/năm là ngoài phạm vi cho phép",
            f"a growth rate above {MAX_RATE_PCT:,.0f} %/yr is out of range",
        )
    return None


def _rate_warn(value: float) -> Bilingual | None:
    if value != 0.0 and abs(value) < 1.0:
        return Bilingual(
            f"có vẻ là một phân số: tốc độ được ghi theo phần trăm, như văn bản nguồn ghi (16 "
            f"nghĩa là 16 %/năm); nếu ý bạn là {vn(value * 100)} %/năm, hãy ghi "
            f"{value * 100:g}",
            f"looks like a fraction: rates are written in per cent, as the source writes them "
            f"(16 means 16 %/yr); if you meant {value * 100:g} %/yr, write {value * 100:g}",
        )
    return None


def _share_check(value: float) -> Bilingual | None:
    if value < 0.0:
        return Bilingual("tỷ trọng không được âm", "a share must not be negative")
    if value > 100.0:
        return Bilingual("tỷ trọng không được vượt quá 100 %", "a share cannot exceed 100 %")
    return None


def _positive_check(value: float) -> Bilingual | None:
    return None if value > 0.0 else Bilingual("phải lớn hơn 0", "must be greater than 0")


def _base_check(value: float) -> Bilingual | None:
    if value > MAX_BASE_VALUE:
        return Bilingual(
            f"không được vượt quá {vn(MAX_BASE_VALUE)}", f"must not exceed {MAX_BASE_VALUE:g}"
        )
    return _positive_check(value)


def _elasticity_check(value: float) -> Bilingual | None:
    if abs(value) > MAX_ELASTICITY:
        return Bilingual(
            f"hệ số co giãn phải nằm trong khoảng -{vn(MAX_ELASTICITY)} đến {vn(MAX_ELASTICITY)}",
            f"an elasticity must lie within -{MAX_ELASTICITY:g} and {MAX_ELASTICITY:g}",
        )
    return None


def _elasticity_warn(value: float) -> Bilingual | None:
    if not 0.0 <= value <= 3.0:
        faster = Bilingual(
            f"chỉ tiêu sẽ tăng nhanh gấp {vn(value)} lần giá trị sản xuất",
            f"the indicator would grow {value:g} times as fast as output",
        )
        if value < 0.0:
            faster = Bilingual(
                "chỉ tiêu sẽ giảm khi giá trị sản xuất tăng",
                "the indicator would shrink while output grows",
            )
        return Bilingual(
            f"hệ số co giãn ngoài khoảng 0-3 là bất thường: {faster.vi}; hãy so với tỷ số giữa tốc "
            "độ tăng của chỉ tiêu và tốc độ tăng giá trị sản xuất giai đoạn trước",
            f"an elasticity outside 0-3 is unusual: {faster.en}; compare it with the ratio of the "
            "indicator's growth to output growth in the previous term",
        )
    return None


YEAR_RANGE = Bilingual(
    "cần một năm dương lịch từ 1900 đến 2200", "a calendar year between 1900 and 2200 is expected"
)


def _year_check(value: float) -> Bilingual | None:
    return None if 1900 <= value <= 2200 else YEAR_RANGE


RATE_UNIT = "%/yr"
RATE = Leaf(
    "number",
    "growth rate",
    unit=RATE_UNIT,
    check=_rate_check,
    warn=_rate_warn,
    numeric_parameter=True,
)
TEXT = Leaf("string", "free text")
SHORT_TEXT = Leaf("string", "a short text (drawn on charts)", max_chars=MAX_TITLE_CHARS)
BILINGUAL = Table({"vi": TEXT, "en": TEXT}, "text in Vietnamese (vi) and English (en)")
NOTE = Leaf(
    "note",
    'where the table\'s values come from: a text, or { vi = "...", en = "..." } in both '
    "languages (shown in the run's language)",
)
SHORT_BILINGUAL = Table(
    {"vi": SHORT_TEXT, "en": SHORT_TEXT}, "text in Vietnamese (vi) and English (en)"
)

SECTOR = Table(
    {
        "share_pct": Leaf(
            "number",
            "share of production value in the base year",
            unit="%",
            check=_share_check,
            numeric_parameter=True,
        ),
        "growth_pct": RATE,
        "growth_pct_by_year": YearMap(RATE, "growth fixed for single years"),
        "source": NOTE,
    },
    "one sector",
)

INDICATOR = Table(
    {
        "base": Leaf("number", "value in the base year", check=_base_check, numeric_parameter=True),
        "unit": SHORT_TEXT,
        "label": SHORT_BILINGUAL,
        "rule": Leaf(
            "choice",
            "how the indicator grows",
            choices=("growth", "elasticity"),
        ),
        "growth_pct": replace(RATE, used_when=("rule", "growth")),
        "elasticity": Leaf(
            "number",
            "growth of the indicator / growth of total output, year by year",
            check=_elasticity_check,
            warn=_elasticity_warn,
            numeric_parameter=True,
            used_when=("rule", "elasticity"),
        ),
        "growth_pct_by_year": YearMap(RATE, "growth fixed for single years"),
        "source": NOTE,
    },
    "an indicator that compounds from a base value",
)

STRUCTURE = Table(
    {
        "residual": Leaf(
            "choice",
            "how base shares that do not sum to 100 % are treated",
            choices=RESIDUAL_TREATMENTS,
        ),
        "residual_growth_pct": RATE,
        "base_total_bn_vnd": Leaf(
            "number",
            "total production value in the base year (the anchor year when one is "
            "given); without it levels are an index (that year's total = 100)",
            unit="billion VND",
            check=_base_check,
        ),
        "anchor_year": Leaf(
            "integer",
            "the year the shares and base values refer to, when not the base year: a "
            "back-cast from a known end state (e.g. 2015-2020 from the 2020 shares)",
            check=_year_check,
        ),
        "source": NOTE,
    },
    "structure of production value",
)

DISTRIBUTION = Table(
    {
        "dist": Leaf("choice", "distribution kind", choices=DISTRIBUTIONS),
        "low": Leaf("number", "lower bound of the draws, in the parameter's unit"),
        "high": Leaf("number", "upper bound of the draws, in the parameter's unit"),
        "mode": Leaf(
            "number", "peak of a triangular distribution (default: the scenario's own value)"
        ),
        "mean": Leaf(
            "number", "mean of the normal before truncation (default: the scenario's own value)"
        ),
        "sd": Leaf(
            "number",
            "standard deviation of the normal before truncation",
            check=_positive_check,
        ),
        "source": TEXT,
    },
    "the distribution of one numeric parameter",
)

CORRELATION = Table(
    {
        "parameters": Leaf("strings", "the correlated parameters, by path"),
        "matrix": Leaf("matrix", "their correlation matrix (of the normal scores), row by row"),
        "source": TEXT,
    },
    "correlation between uncertain parameters, applied through a Gaussian copula",
)

SCHEMA = Table(
    {
        "name": Leaf(
            "string", "scenario name (defaults to the file name)", max_chars=MAX_NAME_CHARS
        ),
        "extends": Leaf("string", "parent scenario: a name in the same folder, or a path"),
        "plan": Leaf(
            "string",
            "the plan file the scenario is checked against, relative to this file (default: "
            "plan.toml in the scenario's folder, or its parent's)",
        ),
        "title": SHORT_BILINGUAL,
        "description": BILINGUAL,
        "base_year": Leaf("integer", "base year", check=_year_check),
        "end_year": Leaf("integer", "last projected year", check=_year_check),
        # (the order of the fields is the order of a scenario's numeric parameters: sectors,
        # structure, indicators, as the manifest and the sensitivity tables list them)
        "sectors": AnyKeys(SECTOR, allowed=SECTORS, description="the three sectors"),
        "structure": STRUCTURE,
        "calibration": Table(
            {
                "total_cagr_pct": Leaf(
                    "number",
                    "the average growth of total output over the projection that the sector "
                    "rates are calibrated to reproduce",
                    unit="%/yr",
                    check=_rate_check,
                ),
                "adjust": Leaf(
                    "strings", "the sectors whose growth is shifted by one common number of points"
                ),
                "source": NOTE,
            },
            "calibrate sector growth to a reported total",
        ),
        "indicators": AnyKeys(INDICATOR, description="linked indicators"),
        "targets": Table(
            {
                "budget_concept": Leaf(
                    "choice",
                    "which budget line the plan's targets on 'budget_concept' are compared with",
                    choices=("budget_revenue", "budget_revenue_total"),
                ),
            },
            "how the plan's targets are read",
        ),
        "uncertainty": ParameterTree(
            DISTRIBUTION,
            {"correlation": CORRELATION},
            "distributions of numeric parameters, by parameter path",
        ),
    }
)


def is_year_key(key: str) -> bool:
    """A key of a YearMap: four ASCII digits ("2021"; not "２０２１" or "202²", which Python's
    str.isdigit also accepts)."""
    return len(key) == 4 and key.isascii() and key.isdigit()


def is_leaf_table(node: Mapping[str, object]) -> bool:
    """In a ParameterTree, the innermost table: it holds a value that is not a table, or nothing."""
    return not node or any(not isinstance(v, dict) for v in node.values())


def leaf_for_parameter(path: str) -> Leaf | None:
    """The declaration of a numeric parameter path ("sectors.services.growth_pct_by_year.2021"),
    or None when the path does not lead to a numeric parameter."""
    spec: Spec = SCHEMA
    for part in path.split("."):
        if isinstance(spec, Table) and part in spec.fields:
            spec = spec.fields[part]
        elif isinstance(spec, AnyKeys) and (not spec.allowed or part in spec.allowed):
            spec = spec.item
        elif isinstance(spec, YearMap) and is_year_key(part):
            spec = spec.item
        else:
            return None
    return spec if isinstance(spec, Leaf) and spec.numeric_parameter else None


_KINDS = {
    "str": Bilingual("văn bản", "str"),
    "int": Bilingual("số nguyên", "int"),
    "float": Bilingual("số", "float"),
    "bool": Bilingual("true/false", "bool"),
    "dict": Bilingual("bảng", "dict"),
    "list": Bilingual("danh sách", "list"),
}


def _not_kind(value: object) -> Bilingual:
    """ ", not str": the kind of value given instead (a word of the user's language in vi)."""
    name = type(value).__name__
    kind = _KINDS.get(name, Bilingual(name, name))
    return Bilingual(f", không phải {kind.vi}", f", not {kind.en}")


def _check_strings(leaf: Leaf, value: object) -> Bilingual | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return Bilingual(
            'phải là một danh sách văn bản trong ngoặc kép, ví dụ ["a", "b"]',
            'must be a list of texts in quotes, e.g. ["a", "b"]',
        )
    if any(len(v) > leaf.max_chars for v in value):
        return Bilingual(
            f"mỗi văn bản dài tối đa {vn(leaf.max_chars, ',')} ký tự",
            f"each text may have at most {leaf.max_chars:,} characters",
        )
    return None


def _check_matrix(leaf: Leaf, value: object) -> Bilingual | None:
    if not isinstance(value, list) or not all(isinstance(row, list) for row in value):
        return Bilingual(
            "phải là một danh sách các hàng, ví dụ [[1.0, 0.6], [0.6, 1.0]]",
            "must be a list of rows, e.g. [[1.0, 0.6], [0.6, 1.0]]",
        )
    for row in value:
        for item in row:
            if isinstance(item, bool) or not isinstance(item, int | float):
                return Bilingual("chỉ được chứa số", "must hold numbers only") + _not_kind(item)
            if not (isinstance(item, int) or math.isfinite(item)):
                return Bilingual(
                    "chỉ được chứa số hữu hạn (không chấp nhận NaN và vô cực)",
                    "must hold finite numbers only (NaN and infinity are not allowed)",
                )
            if abs(item) > MAX_NUMBER:
                return Bilingual(
                    f"chỉ được chứa số trong khoảng ±{vn(MAX_NUMBER)}",
                    f"must hold numbers within +-{MAX_NUMBER:g} only",
                )
    return None


def _check_text(leaf: Leaf, value: object) -> Bilingual | None:
    """Kinds "string" and "choice"."""
    if not isinstance(value, str):
        return Bilingual("phải là văn bản trong ngoặc kép", "must be text in quotes") + _not_kind(
            value
        )
    if len(value) > leaf.max_chars:
        return Bilingual(
            f"tối đa {vn(leaf.max_chars, ',')} ký tự, không phải {vn(len(value), ',')}",
            f"at most {leaf.max_chars:,} characters, not {len(value):,}",
        )
    if leaf.kind == "choice" and value not in leaf.choices:
        choices = ", ".join(repr(c) for c in leaf.choices)
        return Bilingual(f"phải là một trong {choices}", f"must be one of {choices}")
    return None


_NUMBER_TEXT = re.compile(r"[+-]?\d[\d.,]*")


def written_number(text: str) -> Bilingual | None:
    """How a number written as text ("10,5", "1.234,5", "1,000", "10.5") is written in a TOML
    file ("10.5", "1234.5", "1.000 if it is a decimal, 1000 if it counts thousands", "10.5"),
    or None when `text` is no number."""
    if not _NUMBER_TEXT.fullmatch(text) or text.endswith((".", ",")):
        return None
    head, comma, decimals = text.rpartition(",")
    digits = text.replace(".", "").replace(",", "")
    if not comma:  # 10.5, or 1.234.567 (Vietnamese thousands dots)
        plain = digits if text.count(".") > 1 else text
        return Bilingual(plain, plain)
    if "," in head:  # 1,234,567: thousands
        return Bilingual(digits, digits)
    if len(decimals) == 3 and "." not in head:  # 1,000: a decimal, or a thousand?
        return Bilingual(
            f"{head}.{decimals} nếu là số thập phân, {digits} nếu là hàng nghìn",
            f"{head}.{decimals} if it is a decimal, {digits} if it counts thousands",
        )
    plain = head.replace(".", "") + "." + decimals  # 15,5 and 1.234,5 (Vietnamese thousands dots)
    return Bilingual(plain, plain)


THOUSANDS_LIKE_NUMBER = r"[1-9]\d{0,2}\.\d{3}"
"""A decimal a Vietnamese reader takes for a thousands-separated number (566.767: "566
thousand 767"): the loader warns of it, the writer never writes one (`writer.toml_value`)."""
_THOUSANDS_LITERAL = re.compile(
    rf"=[ \t]*\+?(?P<number>{THOUSANDS_LIKE_NUMBER})[ \t]*(?=[,}}\]#\r\n]|$)"
)


def thousands_literals(text: str) -> dict[float, str]:
    """The numbers of a TOML text written like a thousands-separated number (2.400, 12.500):
    the value TOML reads -> the number as written."""
    return {float(m["number"]): m["number"] for m in _THOUSANDS_LITERAL.finditer(text)}


def thousands_warning(leaf: Leaf, value: object, literals: Mapping[float, str]) -> Bilingual | None:
    """A warning when `value` was written like a thousands-separated number (`literals`,
    from `thousands_literals`) and read as thousands it is a plausible value of `leaf`: a level
    with a rule of its own (a base value, a total in billion VND) that both readings pass. A
    rate (1.234 %/yr; as thousands above MAX_RATE_PCT or a rate nobody plans), a share (above
    100 as thousands) and an elasticity (above MAX_ELASTICITY) are left alone."""
    if leaf.kind != "number" or leaf.check is None or leaf.unit == RATE_UNIT:
        return None
    if isinstance(value, bool) or not isinstance(value, float) or value not in literals:
        return None
    written = literals[value]
    thousands = float(written.replace(".", ""))
    if leaf.check(value) is not None or leaf.check(thousands) is not None:
        return None
    return Bilingual(
        f"ghi là {written}: trong tệp, dấu chấm là dấu thập phân nên giá trị được đọc là "
        f"{vn(value)}; nếu {written} là số hàng nghìn, hãy ghi {thousands:.0f} (không có dấu phân "
        "cách hàng nghìn)",
        f"written {written}: a dot is the decimal point, so this reads {value:g}; if {written} "
        f"counts thousands, write {thousands:.0f} (no thousands separator)",
    )


def _check_number(leaf: Leaf, value: object) -> Bilingual | None:
    """Kinds "number" and "integer", with the leaf's own rule."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        rule = Bilingual("phải là một số", "must be a number") + _not_kind(value)
        fixed = written_number(value.strip()) if isinstance(value, str) else None
        if fixed is None:
            return rule
        return rule + Bilingual(
            f"; hãy ghi {fixed.vi} (số không đặt trong ngoặc kép, dùng dấu chấm thập phân)",
            f"; write {fixed.en} (a number without quotes, with a decimal point)",
        )
    if leaf.kind == "integer" and not isinstance(value, int):
        return Bilingual("phải là một số nguyên", "must be a whole number")
    out_of_range = Bilingual(
        f"ngoài phạm vi: mỗi số trong tệp kịch bản phải nằm trong khoảng ±{vn(MAX_NUMBER)}",
        f"out of range: a number of a scenario file must lie within +-{MAX_NUMBER:g}",
    )
    # (an int may have thousands of digits: compare it as an int before converting it to float)
    if isinstance(value, int) and abs(value) > 1e300:
        return out_of_range
    if not math.isfinite(value):
        return Bilingual(
            "phải là một số hữu hạn (không chấp nhận NaN và vô cực)",
            "must be a finite number (NaN and infinity are not allowed)",
        )
    error = None if leaf.check is None else leaf.check(float(value))
    return error or (out_of_range if abs(value) > MAX_NUMBER else None)


def _check_note(leaf: Leaf, value: object) -> Bilingual | None:
    """Kind "note": a text, or a table of the text in Vietnamese and English."""
    if not isinstance(value, dict):
        return _check_text(leaf, value)
    if set(value) != {"vi", "en"}:
        return Bilingual(
            'phải là văn bản, hoặc { vi = "...", en = "..." } có đủ hai khóa vi và en',
            'must be a text, or { vi = "...", en = "..." } with both keys vi and en',
        )
    return next((e for v in value.values() if (e := _check_text(leaf, v))), None)


def _check_boolean(leaf: Leaf, value: object) -> Bilingual | None:
    return (
        None
        if isinstance(value, bool)
        else Bilingual("phải là true (đúng) hoặc false (sai)", "must be true or false")
    )


def _check_years(leaf: Leaf, value: object) -> Bilingual | None:
    """A [first, last] pair of calendar years, first before last."""
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return Bilingual(
            "phải là hai năm trong ngoặc vuông, năm đầu và năm cuối, ví dụ [2025, 2030]",
            "must be two years in brackets, first and last, e.g. [2025, 2030]",
        )
    if any(_year_check(v) for v in value):
        return YEAR_RANGE
    if value[0] >= value[1]:
        return Bilingual("năm đầu phải trước năm cuối", "the first year must come before the last")
    if value[1] - value[0] > MAX_HORIZON_YEARS:
        return Bilingual(f"tối đa {MAX_HORIZON_YEARS} năm", f"at most {MAX_HORIZON_YEARS} years")
    return None


_CHECKS: Mapping[str, Callable[[Leaf, object], Bilingual | None]] = {
    "boolean": _check_boolean,
    "years": _check_years,
    "strings": _check_strings,
    "matrix": _check_matrix,
    "string": _check_text,
    "choice": _check_text,
    "note": _check_note,
}
"""The check of each kind of leaf; every other kind is a number."""


def check_leaf(leaf: Leaf, value: object) -> tuple[Bilingual | None, Bilingual | None]:
    """Check one value against its declaration. Returns (error, warning), each text or None.

    Only a valid number is warned about (the leaf's `warn`)."""
    check = _CHECKS.get(leaf.kind)
    if check is not None:
        return check(leaf, value), None
    error = _check_number(leaf, value)
    if error:
        return error, None
    if leaf.warn is None or not isinstance(value, int | float):  # (a number: checked above)
        return None, None
    return None, leaf.warn(float(value))
