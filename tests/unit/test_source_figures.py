"""Every source line, figure row and note that the scenario files and the targets cite is in
docs/source_figures.md, so a fresh clone can check each cited number."""

import re

import pytest
from conftest import REPO, SCENARIOS, TARGETS

DOC = REPO / "docs" / "source_figures.md"
SCENARIO_FILES = sorted(SCENARIOS.rglob("*.toml"))

# "line 251", "lines 63-65", "lines 2009, 2102-2104", "lines 2012; 2435-2437"; not the "25" of
# "lines 453-473; 25 million USD" (after the first, a number followed by a word is no line)
RANGE = r"\d{1,4}(?:-\d{1,4})?"
FIRST = rf"{RANGE}(?![\d-])"
MORE = rf"{FIRST}(?!\s+[^\W\d])"
CITED_LINES = re.compile(rf"\blines? ({FIRST}(?:[,;] {MORE})*)")


def line_tokens(text: str) -> set[str]:
    """ "2009; 2102-2104" -> {"2009", "2102-2104"}."""
    return {token for token in re.split(r"[,;]\s*", text.strip()) if token}


def doc_line_tokens() -> set[str]:
    """Every line or line range in a "lines" column of the document's tables."""
    tokens: set[str] = set()
    column = None
    for row in DOC.read_text(encoding="utf-8").splitlines():
        if not row.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        if column is None:  # a table's header row
            column = cells.index("lines") if "lines" in cells else -1
        elif column >= 0 and re.fullmatch(rf"{RANGE}(?:; {RANGE})*", cells[column]):
            tokens |= line_tokens(cells[column])
    return tokens


def scenario_text(path) -> str:
    """The file with comment lines joined, so "(T7, lines\\n# 2001-2003)" reads as one."""
    return re.sub(r"\n#\s*", " ", path.read_text(encoding="utf-8"))


def test_the_document_lists_line_numbers():
    assert {"63-65", "2102-2104", "251"} <= doc_line_tokens()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_line_a_scenario_file_cites_is_in_the_document(path):
    cited = set()
    for match in CITED_LINES.finditer(scenario_text(path)):
        cited |= line_tokens(match.group(1))
    missing = sorted(cited - doc_line_tokens())
    assert not missing, f"{path.name} cites lines {missing}, not in {DOC.name}"


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_row_and_note_a_scenario_file_cites_is_in_the_document(path):
    doc = DOC.read_text(encoding="utf-8")
    text = scenario_text(path)
    rows = set(re.findall(r"\b([AT]\d{1,2})\b", text))
    notes = set(re.findall(r"\b(c\d{1,2})\b", text))
    assert not {r for r in rows if f"| {r} |" not in doc}, rows
    assert not {n for n in notes if f"**{n}." not in doc}, notes


def test_every_target_line_is_in_the_document():
    cited = set().union(*(line_tokens(t.source_lines) for t in TARGETS))
    assert cited and not cited - doc_line_tokens(), sorted(cited - doc_line_tokens())


def test_nothing_points_outside_the_repository_for_its_sources():
    outside = "../" + "shared"  # written in two parts so that this file does not match itself
    texts = [REPO / "README.md", REPO / ".ci" / "run"]
    for folder in ("sim", "scenarios", "tests", "docs", "benchmarks"):
        texts += [p for p in (REPO / folder).rglob("*") if p.suffix in {".py", ".toml", ".md"}]
    hits = [str(p.relative_to(REPO)) for p in texts if outside in p.read_text(encoding="utf-8")]
    assert not hits
