"""The live workbook recalculated by a real spreadsheet engine: LibreOffice headless (Debian's
`libreoffice-calc-nogui`, installed by .ci/run). Every formula cell of every scenario, the
scorecard and the summary equal the CLI's numbers after recalculation; an input cell edited as a
planner would (openpyxl stands in for the planner's hands) gives the CLI run with the matching
`--set`. Skips, saying so, where LibreOffice is not installed."""

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import REPO, SCENARIOS
from openpyxl import load_workbook
from workbook_reading import results_of, scenario_mismatches, scorecard_mismatches, write_extra

from sim.output.live_workbook import write_live_workbook

pytestmark = pytest.mark.slow

BUNDLED = ["baseline", "covid_shock", "optimistic"]
HISTORY = REPO / "scenarios" / "history" / "backcast_2016_2020.toml"

EDITS = {
    # file stem: (scenario, parameter, new value) typed into the assumptions sheet
    "services_15": ("baseline", "sectors.services.growth_pct", 15.0),
    "override_2021": ("covid_shock", "sectors.services.growth_pct_by_year.2021", 2.0),
    "elasticity": ("baseline", "indicators.income_per_capita.elasticity", 0.35),
    "normalised_share": ("normalised_bn", "sectors.agriculture.share_pct", 9.0),
    "own_other_rate": ("own_other", "structure.residual_growth_pct", 7.5),
}

# LibreOffice keeps the cached results of an .xlsx unless told to recalculate on load: a
# throwaway user profile with Calc's OOXML "recalculation on load" set to 0 (always).
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip(
            "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui "
            "to recalculate the live workbook"
        )
    return found


def recalculate(paths: list[Path], out: Path) -> dict[str, Path]:
    """Open each workbook in LibreOffice headless, recalculate every formula, save as .xlsx
    into `out`; returns stem -> recalculated file."""
    program = soffice()
    profile = out / "profile"
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, encoding="utf-8")
    command = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out),
        *map(str, paths),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    converted = {p.stem: out / p.name for p in paths}
    missing = [str(p) for p in converted.values() if not p.is_file()]
    assert not missing, f"LibreOffice did not convert {missing}: {done.stdout} {done.stderr}"
    return converted


def edit(source: Path, target: Path, scenario: str, parameter: str, value: float) -> None:
    """Type `value` into the assumption's value cell, as a planner would, and save."""
    book = load_workbook(source)
    sheet = book["Giả định"]
    rows = [
        r for r in sheet.iter_rows(min_row=3) if (r[0].value, r[1].value) == (scenario, parameter)
    ]
    assert len(rows) == 1, (scenario, parameter)
    rows[0][3].value = value
    book.save(target)


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """The refs of the scenarios, their folder, and stem -> the workbook recalculated by
    LibreOffice: "projections" as written, and one per EDITS."""
    soffice()
    folder = tmp_path_factory.mktemp("live_lo")
    refs = BUNDLED + write_extra(folder / "user") + [HISTORY]
    written = folder / "written"
    written.mkdir()
    original = written / "projections.xlsx"
    write_live_workbook(results_of(refs, SCENARIOS), original, "vi")
    paths = [original]
    for stem, (scenario, parameter, value) in EDITS.items():
        paths.append(written / f"{stem}.xlsx")
        edit(original, paths[-1], scenario, parameter, value)
    return refs, recalculate(paths, folder / "recalculated")


def test_every_formula_cell_equals_the_cli_after_libreoffice_recalculation(recalculated):
    refs, books = recalculated
    book = load_workbook(books["projections"], data_only=True)
    results = results_of(refs, SCENARIOS)
    for result in results:
        assert scenario_mismatches(book, result) == []
    assert scorecard_mismatches(book, results, "vi") == []


@pytest.mark.parametrize("stem", list(EDITS))
def test_an_edited_input_gives_the_cli_run_with_the_matching_set(recalculated, stem):
    refs, books = recalculated
    scenario, parameter, value = EDITS[stem]
    book = load_workbook(books[stem], data_only=True)
    ref = next(r for r in refs if Path(str(r)).stem == scenario or r == scenario)
    changed = results_of([ref], SCENARIOS, [f"{parameter}={value:g}"])[0]
    assert scenario_mismatches(book, changed) == []
    unchanged = results_of(refs, SCENARIOS)
    others = [r for r in unchanged if r.scenario.name != scenario]
    for result in others:  # the other scenarios keep their own assumptions
        assert scenario_mismatches(book, result) == []
    ordered = [changed if r.scenario.name == scenario else r for r in unchanged]
    assert scorecard_mismatches(book, ordered, "vi") == []
    # and the edit did move something the scorecard reads
    before = next(r for r in unchanged if r.scenario.name == scenario)
    assert scenario_mismatches(book, before) != []


def test_rates_without_a_value_stay_empty_after_recalculation(tmp_path):
    """A block that is zero from the base year on has no growth and no CAGR (0/0): the CLI
    leaves them empty, and so does the spreadsheet when it recalculates (not #DIV/0!)."""
    soffice()
    (result,) = results_of(["baseline"], SCENARIOS, ["sectors.agriculture.share_pct=0"])
    assert np.isnan(result.series["growth.agriculture"][1:]).all()
    assert np.isnan(result.series["cagr.agriculture"][1:]).all()
    written = tmp_path / "zero.xlsx"
    write_live_workbook([result], written, "en")
    book = load_workbook(recalculate([written], tmp_path / "recalculated")["zero"], data_only=True)
    assert scenario_mismatches(book, result, "en") == []
    # the scorecard's agriculture_growth row is 0/0 as well: "no value", not "met", in both
    assert "no value" in [row.status for row in result.scores]
    assert scorecard_mismatches(book, [result], "en") == []
