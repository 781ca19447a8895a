"""Scenario files: reading, inheritance (`extends`), `--set` overrides and validation.

This is the only module that reads scenario files. It turns TOML files into a frozen `Scenario`
value, or raises one `ScenarioError` that lists every problem found, each naming the file, the key
path, the bad value and the rule. Here each value is checked on its own against the schema
(`sim.scenario.schema`); the rules that span keys are `sim.scenario.rules`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sim.core.names import ParameterPath, sector_path
from sim.core.plan import NO_PLAN, Plan
from sim.core.text import Bilingual, vn
from sim.scenario.plan import PLAN_FILE, load_plan, plan_path_for
from sim.scenario.rules import SHARE_SUM_TOLERANCE_PCT, build_scenario, name_from_file
from sim.scenario.sanity import projection_problems
from sim.scenario.schema import (
    NAME_PATTERN,
    SCHEMA,
    AnyKeys,
    Leaf,
    ParameterTree,
    Spec,
    Table,
    YearMap,
    check_leaf,
    is_leaf_table,
    is_year_key,
    thousands_literals,
    thousands_warning,
    written_number,
)
from sim.scenario.sources import value_sources
from sim.scenario.values import (
    Findings,
    Indicator,
    Problem,
    Scenario,
    ScenarioError,
    Sector,
    Where,
    hint,
)

__all__ = [
    "Problem",
    "ScenarioError",
    "Sector",
    "Indicator",
    "Scenario",
    "load_scenario",
    "PlanCache",
    "parse_setting",
    "settings_for",
    "setting_targets",
    "unknown_scope_problems",
    "scenario_files_in",
    "SHARE_SUM_TOLERANCE_PCT",
]

PER_FILE_KEYS = ("name", "extends", "title", "description")
"""Keys that describe one file and are not inherited by a child scenario."""

MAX_FILE_BYTES = 1_000_000
"""A scenario file larger than this (1 MB; the bundled ones are under 10 KB) is refused unread."""
MAX_KEYS = 2000
"""A scenario file (or --set) with more keys than this, counting tables and list items, is
refused before its keys are checked (the bundled ones have about 100)."""
MAX_DEPTH = 12
"""Tables and lists nested deeper than this are refused (a scenario needs 7: uncertainty.
indicators.<name>.growth_pct_by_year.<year>.low)."""
MAX_SETTING_CHARS = 10_000
"""The longest --set KEY=VALUE, in characters."""


# ----------------------------------------------------------------------------- locating files


def scenario_files_in(folder: Path) -> list[Path]:
    """The scenario files directly in `folder` (not its subfolders), sorted by name.

    A `*.toml` that is not a readable file (a broken or looping symbolic link, a pipe) is listed
    too, so that loading it names the problem instead of skipping it without a word. The plan
    file (plan.toml) is no scenario."""
    return sorted(p for p in folder.glob("*.toml") if not p.is_dir() and p.name != PLAN_FILE)


NOT_FOUND = Bilingual("không tìm thấy tệp kịch bản", "scenario file not found")


def file_problem(path: Path) -> Bilingual | None:
    """Why `path` cannot be read as a scenario file, or None: it is missing, a folder, a pipe or
    device, a broken or looping symbolic link, not a .toml file, or over MAX_FILE_BYTES."""
    try:
        info = path.stat()
    except ValueError:  # a NUL character in the name
        return Bilingual("không phải tên tệp hợp lệ", "not a valid file name")
    except FileNotFoundError:
        if os.path.islink(path):
            target = os.readlink(path)
            return Bilingual(
                f"một liên kết tượng trưng (symbolic link) tới {target}, nơi không tồn tại",
                f"a symbolic link to {target}, which does not exist",
            )
        return NOT_FOUND
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return Bilingual(
                "một liên kết tượng trưng lặp vòng (dẫn ngược về chính nó)",
                "a symbolic link that loops (it leads back to itself)",
            )
        return cannot_read(exc)
    if stat.S_ISDIR(info.st_mode):
        return Bilingual("là một thư mục, không phải tệp kịch bản", "a folder, not a scenario file")
    if not stat.S_ISREG(info.st_mode):
        return Bilingual(
            "không phải tệp thông thường (pipe, thiết bị hoặc socket): kịch bản là một tệp .toml",
            "not a regular file (a pipe, device or socket): a scenario is a .toml file",
        )
    if path.suffix != ".toml":
        return Bilingual(
            "không phải tệp .toml: chỉ đọc các tệp kịch bản có đuôi .toml",
            "not a .toml file: only scenario files ending in .toml are read",
        )
    if info.st_size > MAX_FILE_BYTES:
        return Bilingual(
            f"{vn(info.st_size, ',')} byte: tệp kịch bản chỉ được tối đa {vn(MAX_FILE_BYTES, ',')}",
            f"{info.st_size:,} bytes: a scenario file may have at most {MAX_FILE_BYTES:,}",
        )
    return None


def cannot_read(exc: OSError) -> Bilingual:
    """ "cannot be read: <the system's reason>" (the reason as the system words it)."""
    why = exc.strerror or str(exc)
    return Bilingual(f"không đọc được: {why}", f"cannot be read: {why}")


def _resolve(name_or_path: str, folder: Path, paths_relative_to: Path | None = None) -> Path:
    """A scenario reference: a path (with a slash or .toml), or a name looked up in `folder`.

    Relative paths are taken from `paths_relative_to` (the current folder when None).
    """
    if name_or_path.endswith(".toml") or "/" in name_or_path or "\\" in name_or_path:
        candidate = Path(name_or_path)
        if candidate.is_absolute():
            return candidate
        if paths_relative_to is not None:
            return paths_relative_to / candidate
        if not _is_file(candidate):  # "next_term/baseline_2025_2030" or "baseline.toml"
            inside = folder / candidate.with_suffix(".toml")
            if _is_file(inside):
                return inside
        return candidate
    named = folder / f"{name_or_path}.toml"
    if not _is_file(named):  # "kich_ban_moi": the name that "kịch bản mới.toml" gives
        same = [p for p in _listed(folder) if name_from_file(p) == name_or_path]
        if len(same) == 1:
            return same[0]
    return named


def _listed(folder: Path) -> list[Path]:
    """scenario_files_in(folder), or [] when the folder cannot be read."""
    try:
        return scenario_files_in(folder)
    except OSError:
        return []


def _is_file(path: Path) -> bool:
    """Path.is_file, False also where it raises (a name too long for the file system)."""
    try:
        return path.is_file()
    except (OSError, ValueError):  # (ValueError: a NUL character in the name)
        return False


def _read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """The TOML document in `path` and the SHA-256 of its bytes; ScenarioError if it cannot be
    read, is too large, or is not TOML a scenario can hold."""
    document, digest, _text = _read_toml_text(path)
    return document, digest


def _read_toml_text(path: Path) -> tuple[dict[str, Any], str, str]:
    """`_read_toml`, and the text as written (for what TOML reads differently from a
    planner's habits: a thousands separator)."""

    def fail(rule: Bilingual) -> ScenarioError:
        return ScenarioError([Problem(str(path), "", None, rule)])

    try:
        with path.open("rb") as file:  # (at most one byte over the limit: a file may grow)
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise fail(cannot_read(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise fail(
            Bilingual(
                f"tệp kịch bản chỉ được tối đa {vn(MAX_FILE_BYTES, ',')} byte",
                f"a scenario file may have at most {MAX_FILE_BYTES:,} bytes",
            )
        )
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = f"0x{data[exc.start]:02x}"
        raise fail(
            Bilingual(
                f"không phải văn bản UTF-8: dòng {line} (byte {byte} ở cột {column}); hãy lưu "
                "tệp với bảng mã UTF-8",
                f"not UTF-8 text: line {line} (byte {byte} at column {column}); save the file "
                "as UTF-8",
            )
        ) from None
    document = _parse_toml(text)
    if isinstance(document, Bilingual):
        raise fail(document)
    rule = _shape_rule(document)
    if rule:
        raise fail(rule)
    return document, digest, text


SYNTAX_ERROR = Bilingual("lỗi cú pháp TOML", "TOML syntax error")


def _parse_toml(text: str) -> dict[str, Any] | Bilingual:
    """The TOML document in `text`, or why it cannot be read."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = _toml_error_text(str(exc))
        return SYNTAX_ERROR + where + decimal_comma_hint(text, str(exc))
    except RecursionError:  # (tomllib recurses into nested lists and inline tables)
        return Bilingual(
            f"danh sách hoặc bảng lồng nhau quá sâu: kịch bản chỉ cần tối đa {MAX_DEPTH} cấp",
            f"lists or tables nested too deep: a scenario needs at most {MAX_DEPTH} levels",
        )
    except ValueError as exc:  # (an integer of more than 4,300 digits: Python's own limit)
        return Bilingual(
            "một giá trị không đọc được (một số nguyên quá dài: Python đọc tối đa 4.300 chữ số)",
            f"a value that cannot be read: {str(exc)[:80]}",
        )


_TOML_AT = re.compile(
    r"^(?P<what>.*?)\s*\((?:at line (?P<line>\d+), column (?P<column>\d+)|at end of document)\)$"
)


def _toml_error_text(error: str) -> Bilingual:
    """ ": <tomllib's words> (at line L, column C)", the place in Vietnamese too (tomllib's own
    description of the fault stays as it says it, after "dòng L, cột C")."""
    at = _TOML_AT.match(error)
    if at is None:
        return Bilingual(f": {error}", f": {error}")
    what = at["what"]
    for pattern, words in _TOML_WORDS:
        found = re.fullmatch(pattern, what)
        if found:
            what = words.format(*found.groups())
            break
    place = "ở cuối tệp" if at["line"] is None else f"ở dòng {at['line']}, cột {at['column']}"
    return Bilingual(f" {place}: {what}", f": {error}")


_TOML_WORDS = (
    (r"Cannot declare (.*) twice", "khai báo {0} hai lần"),
    (
        r"Cannot overwrite a value",
        "không được ghi đè một giá trị đã có (khóa được khai báo hai lần)",
    ),
    (r"Cannot (?:mutate immutable|redefine) namespace (.*)", "không được khai báo lại bảng {0}"),
    (r"Duplicate inline table key (.*)", "khóa {0} lặp lại trong bảng { }"),
    (r"Expected '=' after a key in a key/value pair", "thiếu dấu '=' sau tên khóa"),
    (r"Expected '\]' at the end of a table declaration", "thiếu dấu ']' cuối tên bảng"),
    (r"Expected '\]\]' at the end of an array declaration", "thiếu ']]' cuối khai báo mảng"),
    (r"Expected newline or end of document after a statement", "sau mỗi khai báo phải xuống dòng"),
    (r"Expected (.*)", "thiếu {0}"),
    (r"(?:Found invalid|Illegal) character (.*)", "ký tự không hợp lệ {0}"),
    (r"Invalid date or datetime", "ngày tháng không hợp lệ"),
    (r"Invalid initial character for a key part", "tên khóa bắt đầu bằng ký tự không hợp lệ"),
    (r"Invalid statement", "dòng không phải là một khai báo hợp lệ"),
    (r"Invalid value", "giá trị không hợp lệ (văn bản phải nằm trong ngoặc kép)"),
    (r"Unclosed array", "thiếu dấu ']' đóng danh sách"),
    (r"Unclosed inline table", "thiếu dấu '}' đóng bảng"),
    (r"Unterminated string", "thiếu dấu ngoặc kép đóng văn bản"),
)
"""tomllib's words for a syntax error, as a Vietnamese message says them (pattern, words); one
not listed is shown as tomllib says it."""


_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")
_COMMA_NUMBER = re.compile(r"=\s*(?P<number>[+-]?\d[\d.]*,\d+(?:,\d+)*)\s*(?:[,}\]#]|$)")


def decimal_comma_hint(text: str, error: str) -> Bilingual:
    """ "; 15,5: write 15.5 (...)" when the line of a TOML syntax error gives a number with a
    decimal comma (15,5) or Vietnamese thousands dots (1.234,5); else ""."""
    at = _AT_LINE.search(error)
    lines = text.splitlines()
    if at is None or not 1 <= int(at[1]) <= len(lines):
        return Bilingual("", "")
    found = _COMMA_NUMBER.search(lines[int(at[1]) - 1])
    if found is None:
        return Bilingual("", "")
    number = found["number"]
    fixed = written_number(number.lstrip("+")) or Bilingual(number, number)
    return Bilingual(
        f"; {number}: hãy ghi {fixed.vi} (trong tệp, số dùng dấu chấm thập phân, không dùng "
        "dấu phẩy, và không có dấu phân cách hàng nghìn)",
        f"; {number}: write {fixed.en} (a number takes a decimal point, not a comma, and no "
        "thousands separator)",
    )


def _shape_rule(document: Mapping[str, Any]) -> Bilingual | None:
    """Why `document` is too large or too deep to check key by key (MAX_KEYS, MAX_DEPTH), or
    None. Walks without recursion, so that no depth can exhaust the stack."""
    count = 0
    stack: list[tuple[object, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return Bilingual(
                f"bảng hoặc danh sách lồng nhau sâu hơn {MAX_DEPTH} cấp",
                f"tables or lists nested more than {MAX_DEPTH} levels deep",
            )
        children = (
            node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        )
        for child in children:
            count += 1
            if count > MAX_KEYS:
                return Bilingual(
                    f"hơn {vn(MAX_KEYS, ',')} khóa và giá trị: một kịch bản cần ít hơn nhiều",
                    f"more than {MAX_KEYS:,} keys and values: a scenario needs far fewer",
                )
            stack.append((child, depth + 1))
    return None


# ----------------------------------------------------------------------------- structure check


def _check_structure(value: Any, spec: Spec, path: str, source: str) -> Findings:
    """Types, bounds and unknown keys of one document (or part) against the schema, recursively."""
    if isinstance(spec, ParameterTree):
        return _check_parameter_tree(value, spec, path, source)
    if isinstance(spec, Leaf):
        error, warning = check_leaf(spec, value)
        return Findings(
            (Problem(source, path, value, error),) if error else (),
            (Problem(source, path, value, warning),) if warning else (),
        )
    if not isinstance(value, dict):
        return Findings([Problem(source, path, value, _must_be_table(spec.description))])
    found = Findings()
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        rule, item_spec = _key_rule(spec, key)
        if rule:
            found += Findings([Problem(source, sub, item, rule)])
        else:
            found += _check_structure(item, item_spec, sub, source)
    return found


def _thousands(
    value: Any, spec: Spec, path: str, source: str, literals: Mapping[float, str]
) -> list[Problem]:
    """A warning for each number of a document written like a thousands-separated number
    that TOML reads as a decimal (`schema.thousands_warning`: base_total_bn_vnd = 2.400 is 2.4,
    not 2400). Uncertainty tables are left alone (their bounds have no rule to tell)."""
    if isinstance(spec, Leaf):
        rule = thousands_warning(spec, value, literals)
        return [Problem(source, path, value, rule)] if rule else []
    if not literals or isinstance(spec, ParameterTree) or not isinstance(value, dict):
        return []
    found = []
    for key, item in value.items():
        rule, item_spec = _key_rule(spec, key)
        if rule is None:
            found += _thousands(item, item_spec, f"{path}.{key}" if path else key, source, literals)
    return found


def _must_be_table(description: str) -> Bilingual:
    """ "must be a table (what it holds)": a table groups keys under [name] or in { }."""
    return Bilingual(
        "phải là một bảng (các khóa nhóm dưới [tên] hoặc trong { })",
        f"must be a table ({description})",
    )


def _key_rule(spec: Table | AnyKeys | YearMap, key: str) -> tuple[Bilingual | None, Spec]:
    """(why `key` may not appear in a table shaped `spec`, or None, the shape of its value)."""
    if isinstance(spec, Table):
        if key not in spec.fields:
            return Bilingual("không có khóa này", "unknown key") + hint(key, spec.fields), spec
        return None, spec.fields[key]
    if isinstance(spec, AnyKeys):
        if spec.allowed and key not in spec.allowed:
            allowed = ", ".join(spec.allowed)
            rule = (
                Bilingual("tên không hợp lệ", "unknown name")
                + hint(key, spec.allowed)
                + Bilingual(f"; các tên được dùng: {allowed}", f"; allowed: {allowed}")
            )
            return rule, spec
        if not NAME_PATTERN.match(key):
            return Bilingual(
                "tên chỉ gồm chữ thường không dấu, chữ số và _, bắt đầu bằng một chữ cái",
                "a name must be lower-case letters, digits and _ and start with a letter",
            ), spec
        return None, spec.item
    if not is_year_key(key):  # a YearMap
        return Bilingual(
            "khóa năm phải là một năm gồm 4 chữ số 0-9",
            "a year key must be a 4-digit year, in the digits 0-9",
        ), spec
    return None, spec.item


def _check_parameter_tree(
    value: Any, spec: ParameterTree, path: str, source: str, depth: int = 0
) -> Findings:
    """Check a ParameterTree: fixed tables by their own shape, every innermost table by `item`."""
    if not isinstance(value, dict):
        rule = (
            Bilingual(
                "phải là một bảng ghi dist, low và high",
                "must be a table naming dist, low and high",
            )
            if depth
            else _must_be_table(spec.description)
        )
        return Findings([Problem(source, path, value, rule)])
    if depth and is_leaf_table(value):
        return _check_structure(value, spec.item, path, source)
    found = Findings()
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if depth == 0 and key in spec.fixed:
            found += _check_structure(item, spec.fixed[key], sub, source)
        else:
            found += _check_parameter_tree(item, spec, sub, source, depth + 1)
    return found


# ----------------------------------------------------------------------------- merging


def _replaces_whole(path: str, value: Mapping[str, Any]) -> bool:
    """Tables that a child replaces instead of amending key by key.

    A distribution that names `dist` is a new distribution: the parent's `mode` or `sd` must not
    leak into it. A correlation block is one matrix over one parameter list. A distribution table
    without `dist` (e.g. `--set uncertainty.sectors.services.growth_pct.low=15`) amends.
    """
    if not path.startswith("uncertainty."):
        return False
    return path == "uncertainty.correlation" or "dist" in value


def _merge(
    target: dict[str, Any],
    layer: Mapping[str, Any],
    source: str,
    provenance: dict[str, str],
    prefix: str = "",
) -> None:
    """Deep-merge `layer` into `target` (tables merge key by key; other values replace)."""
    for key, value in layer.items():
        path = f"{prefix}.{key}" if prefix else key
        if (
            isinstance(value, dict)
            and isinstance(target.get(key), dict)
            and not _replaces_whole(path, value)
        ):
            _merge(target[key], value, source, provenance, path)
        elif isinstance(value, dict):
            target[key] = {}
            _merge(target[key], value, source, provenance, path)
        else:
            target[key] = value
            provenance[path] = source


def parse_setting(text: str) -> tuple[str, Any]:
    """Parse a `--set [SCENARIO:]KEY=VALUE` override; VALUE is read as a TOML value (10, 0.3,
    "other"). Returns (KEY, value); which scenarios it applies to is `settings_for`'s business.

    One --set sets one key: a line break (or any control character) is refused, as TOML would
    read `5\nend_year=2030` as two keys and drop the second."""

    def fail(rule: Bilingual) -> ScenarioError:
        # (a control character shown escaped: a line break would break the message's line)
        shown = "".join(c if ord(c) >= 0x20 and ord(c) != 0x7F else repr(c)[1:-1] for c in text)
        return ScenarioError([Problem(f"--set {shown}", "", None, rule)])

    if len(text) > MAX_SETTING_CHARS:
        raise fail(
            Bilingual(
                f"tối đa {vn(MAX_SETTING_CHARS, ',')} ký tự",
                f"at most {MAX_SETTING_CHARS:,} characters",
            )
        )
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise fail(
            Bilingual(
                "có dấu xuống dòng hoặc ký tự điều khiển: mỗi --set chỉ đặt một KEY=VALUE",
                "a line break or control character: one --set sets one KEY=VALUE",
            )
        )
    key, sep, raw = split_scope(text)[1].partition("=")  # (the scenario is picked elsewhere)
    key, raw = key.strip(), raw.strip()
    if not sep or not key or not raw:
        raise fail(
            Bilingual(
                "cần dạng KEY=VALUE, ví dụ sectors.industry.growth_pct=10",
                "expected KEY=VALUE, e.g. sectors.industry.growth_pct=10",
            )
        )
    document = _parse_toml(f"v = {raw}")
    if isinstance(document, dict) and list(document) == ["v"]:
        value = document["v"]
    elif isinstance(document, Bilingual) and not document.en.startswith(SYNTAX_ERROR.en):
        raise fail(document)  # too deep, or an integer too long to read
    else:
        value = raw  # a bare word, e.g. residual=other
    rule = _shape_rule({"v": value})
    if rule:
        raise fail(rule)
    return key, value


def split_scope(text: str) -> tuple[str | None, str]:
    """(SCENARIO, KEY=VALUE) of a `--set SCENARIO:KEY=VALUE`, (None, text) of a `--set
    KEY=VALUE` (every scenario). Only a colon before the first "=" scopes: keys are dotted
    names, and a value (after "=") may hold colons of its own."""
    key_part, sep, _ = text.partition("=")
    if ":" not in key_part:
        return None, text
    scope, _, rest = text.partition(":")
    return scope.strip(), rest


def settings_for(name: str, settings: Sequence[str]) -> tuple[str, ...]:
    """The `--set` texts that apply to the scenario called `name`, as KEY=VALUE: those without
    a SCENARIO: and those scoped to `name`, in the order given."""
    picked = []
    for text in settings:
        scope, rest = split_scope(text)
        if scope is None or scope == name:
            picked.append(rest.strip())
    return tuple(picked)


def setting_targets(settings: Sequence[str], names: Sequence[str]) -> list[tuple[str, list[str]]]:
    """(each --set as given, the names of the scenarios of the run it changed)."""
    return [
        (text, [name for name in names if (split_scope(text)[0] or name) == name])
        for text in settings
    ]


def unknown_scope_problems(settings: Sequence[str], names: Sequence[str]) -> list[Problem]:
    """A Problem for each `--set SCENARIO:KEY=VALUE` whose SCENARIO is not a scenario of the
    run (`names`), naming the known ones."""
    problems = []
    for text in settings:
        scope, _ = split_scope(text)
        if scope is None or scope in names:
            continue
        listed = ", ".join(names)
        rule = (
            Bilingual(
                f"lượt chạy này không có kịch bản '{scope}'", f"no scenario '{scope}' in this run"
            )
            + hint(scope, names)
            + Bilingual(
                f"; các kịch bản của lượt chạy: {listed}", f"; the run's scenarios: {listed}"
            )
        )
        problems.append(Problem(f"--set {text}", "", None, rule))
    return problems


def _nest(dotted: str, value: Any) -> dict[str, Any]:
    parts = dotted.split(".")
    doc: dict[str, Any] = {parts[-1]: value}
    for part in reversed(parts[:-1]):
        doc = {part: doc}
    return doc


# ----------------------------------------------------------------------------- loading


def load_scenario(
    name_or_path: str | Path,
    folder: Path | str = "scenarios",
    settings: Sequence[str] = (),
    end_year: int | None = None,
    plans: PlanCache | None = None,
) -> Scenario:
    """Load, merge and validate a scenario and its parents.

    name_or_path: a scenario name (looked up as `<folder>/<name>.toml`) or a path to a file.
    settings:     `KEY=VALUE` overrides applied on top (the CLI's `--set`); a
                  `SCENARIO:KEY=VALUE` applies only when SCENARIO is this scenario's name.
    end_year:     overrides the end year (the CLI's `--end-year`).
    plans:        the plan files read so far by the caller's one load of several scenarios
                  (resolved path -> plan and its problems), so that each is read once; a
                  fresh one (the file read anew) when None.
    Raises ScenarioError listing every problem found.
    """
    path = _resolve(str(name_or_path), Path(folder))
    rule = file_problem(path)
    if rule:
        raise ScenarioError([Problem(str(path), "", None, rule)])
    chain = _read_chain(path)
    if chain.unread:  # (every file's own problems at once: its plan is read all the same)
        _, plan_problems = _plan(
            [path, *(file for file, _ in chain.files)], {}, {}, {} if plans is None else plans
        )
        raise ScenarioError([*chain.found.problems, *plan_problems])
    merged, provenance = _merge_files(chain.files)
    before: dict[str, Any] = {}  # (the values the --set options replace)
    name, options, applied = _apply_options(path, merged, provenance, settings, end_year, before)
    # (the plan after the options: `--set plan=FILE` chooses it)
    files = [file for file, _ in chain.files]
    plan, plan_problems = _plan(files, merged, provenance, {} if plans is None else plans)
    try:
        scenario = _validated(
            path, chain, merged, provenance, settings_for(name, settings), options
        )
        layers = [*(str(file) for file, _ in reversed(chain.files)), *applied]
        sources = value_sources(scenario, merged, provenance, layers)
        scenario = replace(scenario, sources=sources, replaced=before)
    except ScenarioError as exc:  # every problem at once: the scenario's and its plan's
        raise ScenarioError([*exc.problems, *plan_problems]) from None
    if plan_problems:
        raise ScenarioError(plan_problems)
    return replace(scenario, plan=plan)


def _apply_options(
    path: Path,
    merged: dict[str, Any],
    provenance: dict[str, str],
    settings: Sequence[str],
    end_year: int | None,
    before: dict[str, Any],
) -> tuple[str, Findings, list[str]]:
    """Merge the --set values that apply to the scenario (those scoped to its name and those of
    every scenario) and --end-year into `merged`: (the scenario's name, what checking them
    found, the options merged, in order). `before` gets the value each --set key had before
    (the first --set of a key: the file's value)."""
    # (a file whose name is not a string fails the schema; its file's name then scopes nothing
    # wrong)
    given = merged.get("name")
    name: str = given if isinstance(given, str) else name_from_file(path)
    applied = [text for text in settings if split_scope(text)[0] in (None, name)]
    layers, found = _option_layers(applied, end_year)  # (problems name the --set as given)
    for source, layer in layers:
        for key, _ in _leaves(layer):
            old = _lookup(merged, key)
            if old is not None and key not in before:
                before[key] = old
        _merge(merged, layer, source, provenance)
    return name, found, [source for source, _ in layers]


def _leaves(layer: Mapping[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted key, value) of every value of a nested layer that is not a table."""
    found: list[tuple[str, Any]] = []
    for key, value in layer.items():
        path = f"{prefix}.{key}" if prefix else key
        found += _leaves(value, path) if isinstance(value, dict) else [(path, value)]
    return found


def _lookup(merged: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted key of the merged tables, or None."""
    value: Any = merged
    for part in key.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _validated(
    path: Path,
    chain: _Chain,
    merged: dict[str, Any],
    provenance: dict[str, str],
    settings: tuple[str, ...],
    options: Findings,
) -> Scenario:
    """The scenario of a read chain with the --set and --end-year layers applied (`settings`:
    the KEY=VALUE texts that changed it; `options`: what checking them found), validated."""
    found = chain.found + options
    if found.problems:  # the rules that span keys need well-typed values
        raise ScenarioError(found.problems)
    where = Where(str(path), provenance, _table_holders(chain.files))
    scenario = build_scenario(path, merged, where, chain.hashes, settings, found.warnings)
    problems = projection_problems(scenario, where)
    if problems:
        raise ScenarioError(problems)
    return scenario


PlanCache = dict[tuple[Path, str], tuple[Plan, tuple[Problem, ...]]]
"""Plans read during one load of several scenarios: (resolved path, the file that names it)
-> the plan and the plan file's problems (`load_scenario`'s `plans`)."""


def _plan(
    files: Sequence[Path],
    merged: Mapping[str, Any],
    provenance: Mapping[str, str],
    plans: PlanCache,
) -> tuple[Plan, tuple[Problem, ...]]:
    """The plan of the scenario whose files are `files` (`sim.scenario.plan`: the `plan` key,
    or plan.toml beside its files; NO_PLAN without one) and the plan file's problems; from
    `plans` when read already."""
    set_by = provenance.get("plan")
    path = plan_path_for(files, merged, set_by)
    if path is None:
        return NO_PLAN, ()
    key = (_resolved(path), set_by or "")  # (a missing file's message names who named it)
    if key not in plans:
        try:
            plan = load_plan(path, _read_toml, _check_structure, referenced_by=set_by or "")
            plans[key] = plan, ()
        except ScenarioError as exc:
            plans[key] = NO_PLAN, exc.problems
    return plans[key]


def _resolved(path: Path) -> Path:
    """`path` resolved (links followed), or as given where that fails (a NUL in the name, a
    link that loops: reading it then says what is wrong)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):
        return path


@dataclass(frozen=True)
class _Chain:
    """A scenario file and its parents, read and checked one by one.

    files:  (path, TOML document), the scenario's own file first, then its parent, ...
    hashes: path -> SHA-256 of the file's bytes, in the same order.
    found:  what the schema and the inheritance rules found in them.
    unread: a file of the chain could not be read (its problem is in `found`; the files it
            extends are unknown, so `files` stops before it).
    """

    files: tuple[tuple[Path, dict[str, Any]], ...]
    hashes: Mapping[str, str]
    found: Findings
    unread: bool = False


def _read_chain(path: Path) -> _Chain:
    """Read `path` and the parents it `extends`, checking each file against the schema."""
    files: list[tuple[Path, dict[str, Any]]] = []
    hashes: dict[str, str] = {}
    found = Findings()
    current: Path | None = path
    while current is not None:
        try:
            raw, digest, text = _read_toml_text(current)
        except ScenarioError as exc:
            return _Chain(tuple(files), hashes, found + Findings(exc.problems), unread=True)
        source = str(current)
        hashes[source] = digest
        files.append((current, raw))
        found += _check_structure(raw, SCHEMA, "", source)
        found += Findings(warnings=_thousands(raw, SCHEMA, "", source, thousands_literals(text)))
        found += Findings(_child_share_rules(raw, source))
        current, problems = _parent(raw, files, source)
        found += Findings(problems)
    return _Chain(tuple(files), hashes, found)


def _child_share_rules(raw: Mapping[str, Any], source: str) -> tuple[Problem, ...]:
    """A child scenario may set base shares only together with its own base year."""
    sectors = raw.get("sectors")
    if "extends" not in raw or "base_year" in raw or not isinstance(sectors, dict):
        return ()  # (sectors that are not a table: the schema's check says so)
    rule = Bilingual(
        "tỷ trọng năm gốc thuộc về kịch bản gốc; kịch bản kế thừa (extends) chỉ được đặt tỷ "
        "trọng cùng với base_year của chính nó (một dự báo với năm gốc mới)",
        "base shares belong to the root scenario; a child may set them only "
        "together with its own base_year (a rebased projection)",
    )
    return tuple(
        Problem(source, sector_path(sector, "share_pct"), spec["share_pct"], rule)
        for sector, spec in sectors.items()
        if isinstance(spec, dict) and "share_pct" in spec
    )


def _parent(
    raw: Mapping[str, Any], files: Sequence[tuple[Path, dict[str, Any]]], source: str
) -> tuple[Path | None, tuple[Problem, ...]]:
    """The file that `raw` (the last of `files`) extends, or None; a missing parent or an
    inheritance cycle is a Problem."""
    parent = raw.get("extends")
    if not isinstance(parent, str):
        return None, ()
    here = files[-1][0].parent
    parent_path = _resolve(parent, here, here)
    why = file_problem(parent_path)
    if why == NOT_FOUND:
        rule = Bilingual(
            f"không tìm thấy kịch bản cha tại {parent_path}",
            f"parent scenario not found at {parent_path}",
        )
        return None, (Problem(source, "extends", parent, rule),)
    if why:
        rule = Bilingual(
            f"kịch bản cha {parent_path}: {why.vi}", f"parent scenario {parent_path}: {why.en}"
        )
        return None, (Problem(source, "extends", parent, rule),)
    if parent_path.resolve() in [p.resolve() for p, _ in files]:
        loop = " -> ".join(p.name for p, _ in files) + f" -> {parent_path.name}"
        rule = Bilingual(f"kế thừa vòng tròn: {loop}", f"inheritance cycle: {loop}")
        return None, (Problem(source, "extends", parent, rule),)
    return parent_path, ()


def _table_holders(files: Sequence[tuple[Path, dict[str, Any]]]) -> dict[str, str]:
    """Each dotted table of the chain's files ("" for a file itself) -> the oldest file that
    holds it (`Where.holders`: where a key missing from it belongs)."""
    holders: dict[str, str] = {}
    for file_path, raw in reversed(files):
        stack: list[tuple[str, Mapping[str, Any]]] = [("", raw)]
        while stack:
            prefix, table = stack.pop()
            holders.setdefault(prefix, str(file_path))
            stack.extend(
                (f"{prefix}.{key}" if prefix else key, value)
                for key, value in table.items()
                if isinstance(value, dict) and not (not prefix and key in PER_FILE_KEYS)
            )
    return holders


def _merge_files(
    files: Sequence[tuple[Path, dict[str, Any]]],
) -> tuple[dict[str, Any], dict[str, str]]:
    """The chain's values merged, parents first (and who set each key): a child inherits every
    key but those that describe one file (PER_FILE_KEYS), which come from the scenario's own."""
    merged: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for file_path, raw in reversed(files):
        inherited = {k: v for k, v in raw.items() if k not in PER_FILE_KEYS}
        _merge(merged, inherited, str(file_path), provenance)
    own_file = files[0][1]
    for key in PER_FILE_KEYS:
        if key in own_file:
            merged[key] = own_file[key]
    return merged, provenance


def _clash(
    key: str, value: Any, first: tuple[str, Any] | None, end_year: int | None
) -> Bilingual | None:
    """Why a --set may not stand beside the options before it: another --set gave the same key
    another value for this scenario (which would win hangs on their order, and the what-if
    marks would list both), or --end-year sets the end year it sets."""
    if key == "end_year" and end_year is not None:
        return Bilingual(
            f"--end-year {end_year} cũng đặt năm cuối; hãy dùng một trong hai",
            f"--end-year {end_year} sets the end year too; use one of the two",
        )
    if first is None:
        return None
    earlier, earlier_value = first
    if repr(earlier_value) != repr(value):  # (repr: nan is nan, 1 is not 1.0)
        return Bilingual(
            f"{earlier} đã đặt khóa này cho kịch bản này một giá trị khác; hãy giữ một",
            f"{earlier} already gives this key another value for this scenario; keep one",
        )
    return None


def _option_layers(
    settings: Sequence[str], end_year: int | None
) -> tuple[list[tuple[str, dict[str, Any]]], Findings]:
    """The `--set` overrides and `--end-year` as layers to merge on top, (source, document) in
    order, each checked against the schema; an override of a key that describes a file is a
    Problem."""
    layers: list[tuple[str, dict[str, Any]]] = []
    found = Findings()
    given: dict[str, tuple[str, Any]] = {}  # key -> (the --set that set it, its value)
    for text in settings:
        try:
            key, value = parse_setting(text)
        except ScenarioError as exc:
            found += Findings(exc.problems)
            continue
        label = f"--set {text}"
        clash = _clash(key, value, given.get(key), end_year)
        given.setdefault(key, (label, value))
        if clash is not None:
            found += Findings([Problem(label, key, value, clash)])
            continue
        if ParameterPath.parse(key).group in PER_FILE_KEYS:
            rule = Bilingual(
                "khóa này mô tả tệp; --set chỉ thay đổi giá trị của mô hình (hãy sửa hoặc sao "
                "chép tệp)",
                "describes a file; --set changes model values only (edit or copy the file instead)",
            )
            found += Findings([Problem(label, key, value, rule)])
            continue
        layer = _nest(key, value)
        too_big = _shape_rule(layer)
        if too_big:
            found += Findings([Problem(label, "", None, too_big)])
            continue
        found += _check_structure(layer, SCHEMA, "", label)
        found += Findings(warnings=_thousands(layer, SCHEMA, "", label, thousands_literals(text)))
        layers.append((label, layer))
    if end_year is not None:
        layer = {"end_year": end_year}
        found += _check_structure(layer, SCHEMA, "", "--end-year")
        layers.append(("--end-year", layer))
    return layers, found
