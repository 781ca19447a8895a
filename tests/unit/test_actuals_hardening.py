"""--actuals hardening (issue 15).

Every bad actuals file is answered through the command: exit code 2, a message naming the file
(and line) with the problem's key words, no traceback, and the previous results left
byte-identical. Implausible figures are refused (an impossible re-baselined path) or flagged (a
warning naming file, line, value and range). A seeded fuzz of the example file (slow set) never
crashes and never writes inf or NaN.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SCENARIOS

from sim.cli import main
from sim.scenario.actuals import read_actuals

EXAMPLE = SCENARIOS / "actuals_example.csv"
HEADER = b"indicator,year,value,status,source,note\r\n"
RUN = ["--scenarios-dir", str(SCENARIOS), "--no-history", "--no-charts", "--quiet", "--lang", "en"]
"""(--lang en: these tests read the English messages; tests/unit/test_messages_vi.py the
Vietnamese ones)"""


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`: relative path -> bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """A results folder of a successful run with the example actuals (copied per test)."""
    folder = tmp_path_factory.mktemp("published") / "results"
    assert main(["baseline", *RUN, "--actuals", str(EXAMPLE), "--out", str(folder)]) == 0
    return folder


@pytest.fixture
def results(published, tmp_path) -> Path:
    out = tmp_path / "results"
    shutil.copytree(published, out)
    return out


# ------------------------------------------------------------------ files that are not answered


def _folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "actuals_folder"
    folder.mkdir()
    return folder


def _fifo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FIFO with no writer: opening it for reading (blocking) would wait forever."""
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = tmp_path / "actuals.csv"
    os.mkfifo(path)
    return path


def _unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file the user may not read (tests run as root, so chmod alone would not stop them)."""
    path = tmp_path / "actuals.csv"
    path.write_bytes(EXAMPLE.read_bytes())
    path.chmod(0)
    real_open = os.open

    def refusing_open(file, *args, **kwargs):
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    real_read = Path.read_text

    def refusing_read(self, *args, **kwargs):  # (the reader before the fix used this)
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", refusing_read)
    return path


def _symlink_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "actuals.csv").symlink_to(tmp_path / "other.csv")
    (tmp_path / "other.csv").symlink_to(tmp_path / "actuals.csv")
    return tmp_path / "actuals.csv"


def _name_too_long(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return tmp_path / ("a" * 300 + ".csv")


Setup = bytes | Callable[[Path, pytest.MonkeyPatch], Path]

CRASHING = [
    pytest.param(
        HEADER
        + b'growth.services,2021,6.1,final,"example,\r\nincome_per_capita,2021,47.2,final,,\r\n',
        ["actuals.csv:2", "never closed", "the file ends at line 3"],
        id="unterminated-quote",
    ),
    pytest.param(
        HEADER + b'growth.services,2021,6.1,final,"' + b"x" * 140_000 + b'",\r\n',
        ["actuals.csv:2", "a field longer than 131,072 characters"],
        id="field-over-128KB",
    ),
    pytest.param(
        HEADER + b"# " + b"x" * 2_000_000 + b"\r\n",
        ["actuals.csv: larger than 2,000,000 bytes"],
        id="file-over-2MB",
    ),
    pytest.param(_folder, ["actuals_folder: is a folder"], id="folder"),
    pytest.param(_fifo, ["actuals.csv: is not a regular file"], id="fifo"),
    pytest.param(_unreadable, ["actuals.csv: cannot be read (Permission denied)"], id="unreadable"),
    pytest.param(
        _symlink_loop, ["actuals.csv: cannot be read (Too many levels"], id="symlink-loop"
    ),
    pytest.param(_name_too_long, ["cannot be read (File name too long)"], id="name-too-long"),
    pytest.param(
        b"indicator\tyear\tvalue\tstatus\r\ngrowth.services\t2021\t6,1\tfinal\r\n",
        ["missing column(s): indicator, year, value, status; the columns seem separated by ';'"],
        id="tab-separated",  # (';' is read: Excel in a Vietnamese locale, test_tracking.py)
    ),
    pytest.param(
        HEADER + b"growth.services,2021,6.1,final,example,\r\nretail,2021,1\xff9,final,\xfe,\r\n",
        ["actuals.csv: not UTF-8 text: line 3 (byte 0xff at column 14)"],
        id="invalid-utf8",
    ),
    pytest.param(
        HEADER + "growth.services,202²,6.1,final,,\r\n".encode(),
        ["actuals.csv:2: year = '202²': a 4-digit year is expected"],
        id="superscript-digit-year",
    ),
    pytest.param(
        HEADER + b'growth.services,2021,6.1,final,"ex" ample,\r\n',
        ["actuals.csv:2", "text after the closing quote"],
        id="text-after-closing-quote",
    ),
]

WRONG_ANSWERS = [
    pytest.param(
        HEADER + b"growth.total,2021,-95,final,,\r\n",
        [
            "actuals.csv:2: growth.total = -95.0",
            "scenario 'baseline'",
            "growth.services 2021 = -104.0 %",
            "cannot fall by 100 % or more",
        ],
        id="total-growth-minus-95",
    ),
    pytest.param(
        b"indicator,year,value,status,value\r\ngrowth.services,2021,5.2,final,99\r\n",
        ["actuals.csv:1: header = 'value': column given 2 times (columns 3 and 5)"],
        id="duplicated-column",
    ),
    pytest.param(
        HEADER + b"growth.services,2021,1e308,final,,\r\n",
        ["actuals.csv:2: value = 1e+308: a growth rate above 1,000 %"],
        id="growth-1e308",
    ),
    pytest.param(
        HEADER + b"income_per_capita,2021,1e308,final,,\r\n",
        ["actuals.csv:2: value = 1e+308: a level above 1e+12"],
        id="level-1e308",
    ),
    pytest.param(
        HEADER + b"income_per_capita,2022,1e11,final,,\r\n",
        ["actuals.csv:2: income_per_capita = 100000000000.0", "growth.income_per_capita 2022"],
        id="level-needing-growth-beyond-1000pct",
    ),
]


@pytest.mark.parametrize("setup, words", CRASHING + WRONG_ANSWERS)
def test_bad_actuals_are_refused_and_previous_results_kept(
    setup: Setup, words: list[str], results, tmp_path, monkeypatch, capsys
):
    if isinstance(setup, bytes):
        path = tmp_path / "actuals.csv"
        path.write_bytes(setup)
    else:
        path = setup(tmp_path, monkeypatch)
    before = snapshot(results)

    def hung(*_args):
        raise TimeoutError("the run blocked reading the actuals file")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)  # a blocking open of the FIFO would hang the test, not fail it
    try:
        code = main(["baseline", *RUN, "--actuals", str(path), "--out", str(results)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err
    assert err.startswith("error: ") and " in the actuals file:\n" in err, err
    for word in words:
        assert word in err
    assert snapshot(results) == before


# ------------------------------------------------------------------ valid files that failed


def test_multiline_excel_note_with_bom_and_crlf_is_read(tmp_path, results, capsys):
    """Alt+Enter in an Excel cell: a quoted field with a line break (valid CSV); inside it a
    line starting with # is data, and the line numbers after it stay the file's."""
    path = tmp_path / "actuals.csv"
    path.write_bytes(
        b"\xef\xbb\xbf# comment\r\n"
        + HEADER
        + b'growth.services,2021,6.1,final,example,"first line\r\n# second line"\r\n'
        + b"\r\n,,,,,\r\n"  # a blank line and Excel's empty row
        + b"income_per_capita,2021,47.2,estimate,,\r\n"
    )
    actuals = read_actuals(path)
    services, income = actuals.observations
    assert (services.value, services.note, services.line) == (
        6.1,
        "first line\r\n# second line",
        3,
    )
    assert (income.indicator, income.value, income.line) == ("income_per_capita", 47.2, 7)
    code = main(["baseline", *RUN, "--actuals", str(path), "--out", str(results)])
    assert code == 0, capsys.readouterr().err
    table = (results / "tracking" / "plan_vs_actual.csv").read_text(encoding="utf-8")
    assert "baseline,growth.services,%/yr,2021,16,6.1,final,-9.9,,example" in table


def test_implausible_figure_is_used_and_flagged(tmp_path, results, capsys):
    """A one-year fall of agriculture by 12 % is outside -8 to 16 % (minus to twice its
    plausible ceiling of 8 %/yr): used as given, with a warning naming file, line and value."""
    path = tmp_path / "actuals.csv"
    path.write_bytes(
        HEADER + b"growth.services,2021,6.1,final,,\r\ngrowth.agriculture,2022,-12,final,,\r\n"
    )
    code = main(["baseline", *RUN, "--actuals", str(path), "--out", str(results)])
    err = capsys.readouterr().err
    assert code == 0, err
    expected = (
        f"warning: {path}:3: growth.agriculture 2022 = -12 is outside the growth taken as "
        "plausible for one year: output.agriculture -12.0 % (-8 to 16 %); used as given: "
        "check the figure"
    )
    assert err.strip() == expected
    notes = (results / "tracking" / "notes.txt").read_text(encoding="utf-8")
    assert notes.startswith(f"actuals: {path} (latest year 2022)")  # (--lang en)
    assert (
        "Baseline: Growth on previous year: Agriculture, forestry & fishery 2022 = −12 "
        f"({path}:3) is outside the growth taken as plausible for one year"
    ) in notes


def test_observed_total_that_drags_a_sector_outside_the_range_is_flagged(tmp_path, capsys):
    """growth.total -40 % in 2021 scales the baseline's sectors by one factor: services fall
    43.8 %, outside -25 to 50 %; each series is named with its re-baselined growth."""
    path = tmp_path / "actuals.csv"
    path.write_bytes(HEADER + b"growth.total,2021,-40,final,,\r\n")
    code = main(["baseline", *RUN, "--actuals", str(path), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 0, err
    assert f"warning: {path}:2: growth.total 2021 = -40 is outside" in err
    assert "output.total -40.0 % (-25 to 50 %); output.services -43.8 % (-25 to 50 %)" in err


# ------------------------------------------------------------------ fuzz


ODD_NUMBERS = [
    b"1e308", b"-1e308", b"-95", b"-99.9999", b"-100", b"NaN", b"inf", b"-inf", b"1e-308",
    b"0", b"-0", b"1000", b"1000.001", b"1e12", b"2e12", b"5e11", b'"5,2"', b"1,700",
    b"1.234.567", b"0x10", b"", b" 7 ", b"1_000",
]  # fmt: skip


def mutate(data: bytes, rng: random.Random) -> bytes:
    """`data` with one to three random edits: bytes flipped, separators, quotes and line ends
    inserted, a huge field, an odd number in a value, a header column or a row duplicated."""
    for _ in range(rng.randint(1, 3)):
        lines = data.split(b"\n")
        data_rows = [n for n, line in enumerate(lines) if line[:1].isalpha()][1:]
        kind = rng.randrange(8)
        position = rng.randrange(len(data) + 1)
        if kind == 0:  # a byte flipped
            data = data[:position] + bytes([rng.randrange(256)]) + data[position + 1 :]
        elif kind == 1:  # a separator, quote or line end inserted
            data = (
                data[:position]
                + rng.choice([b",", b";", b"\t", b'"', b"\r", b"\n"])
                + data[position:]
            )
        elif kind == 2:  # a span deleted
            data = data[:position] + data[position + rng.randint(1, 40) :]
        elif kind in (3, 4) and data_rows:  # an odd number in a value
            n = rng.choice(data_rows)
            fields = lines[n].split(b",")
            if len(fields) > 2:
                fields[2] = rng.choice(ODD_NUMBERS)
                lines[n] = b",".join(fields)
            data = b"\n".join(lines)
        elif kind == 5 and data_rows:  # a huge field, quoted or not
            n = rng.choice(data_rows)
            size = rng.choice([50_000, 131_073, 200_000])
            lines[n] = lines[n] + (b'"' if rng.random() < 0.5 else b"") + b"x" * size
            data = b"\n".join(lines)
        elif kind == 6:  # a header column duplicated
            header = next((n for n, ln in enumerate(lines) if ln.startswith(b"indicator")), 0)
            column = rng.choice([b"value", b"year", b"status", b"note"])
            lines[header] = lines[header].rstrip(b"\r") + b"," + column + b"\r"
            data = b"\n".join(lines)
        elif data_rows:  # a row duplicated with another year, or a BOM added
            n = rng.choice(data_rows)
            lines.insert(n, lines[n].replace(b"202", b"20" + str(rng.randint(0, 9)).encode(), 1))
            data = (b"\xef\xbb\xbf" if rng.random() < 0.3 else b"") + b"\n".join(lines)
    return data


def non_finite_cells(folder: Path) -> list[str]:
    """Where an output file holds inf or NaN: CSV cells that parse as a non-finite number,
    JSON constants, and workbook cell values."""
    import csv
    import io
    import math

    found = []
    for path in folder.rglob("*"):
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8")
            for row in csv.reader(io.StringIO(text, newline="")):
                for cell in row:
                    try:
                        number = float(cell)
                    except ValueError:
                        continue
                    if not math.isfinite(number):
                        found.append(f"{path.name}: {cell!r}")
        elif path.suffix == ".json":
            json.loads(
                path.read_text(encoding="utf-8"),
                parse_constant=lambda c, p=path: found.append(f"{p.name}: {c}"),
            )
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                for name in book.namelist():
                    xml = book.read(name).decode("utf-8", "replace").lower()
                    for word in ("<v>nan</v>", "<v>inf</v>", "<v>-inf</v>"):
                        if word in xml:
                            found.append(f"{path.name}/{name}: {word}")
    return found


@pytest.mark.slow
def test_fuzzed_actuals_never_crash_nor_write_inf_or_nan(tmp_path, capsys):
    """200 seeded mutants of the example file: each run ends with exit 0 (and only finite
    numbers written, no numpy warning) or exit 2 with a message and the results untouched."""
    example = EXAMPLE.read_bytes()
    out = tmp_path / "results"
    assert (
        main(["baseline", "covid_shock", *RUN, "--actuals", str(EXAMPLE), "--out", str(out)]) == 0
    )
    before = snapshot(out)
    codes = []
    for seed in range(200):
        data = mutate(example, random.Random(seed))
        path = tmp_path / "actuals.csv"
        path.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)  # inf or NaN on the way fails too
            code = main(
                ["baseline", "covid_shock", *RUN, "--actuals", str(path), "--out", str(out)]
            )
        err = capsys.readouterr().err
        context = f"seed {seed}: {data[:300]!r}\n{err[:2000]}"
        assert "Traceback" not in err, context
        if code == 0:
            assert non_finite_cells(out) == [], context
            before = snapshot(out)
        else:
            assert code == 2, context
            assert err.startswith("error: ") and "actuals" in err, context
            assert snapshot(out) == before, context
        codes.append(code)
    assert 20 < codes.count(2) < 190, codes  # the mutants exercise both paths


def test_a_bad_set_does_not_hide_bad_actuals(results, tmp_path, capsys):
    """Every input problem in one run: a bad --set and a bad actuals row are both reported
    (before, the scenario error stopped the run and the actuals were never read)."""
    actuals = tmp_path / "actuals.csv"
    actuals.write_bytes(HEADER + b"growth.services,2021,five,final,,\r\n")
    before = snapshot(results)
    code = main(
        ["baseline", *RUN, "--set", "sectors.services.growth_pct=-150"]
        + ["--actuals", str(actuals), "--out", str(results)]
    )
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "sectors.services.growth_pct" in err
    assert f"{actuals}:2" in err and "five" in err
    assert snapshot(results) == before


def test_with_scenarios_unknown_an_actuals_name_is_not_judged(tmp_path):
    """any_indicator: the form of the file is checked, its indicator names are not (they
    belong to scenarios that did not load)."""
    actuals = tmp_path / "actuals.csv"
    actuals.write_bytes(HEADER + b"my_indicator,2021,5,final,,\r\n")
    assert read_actuals(actuals, any_indicator=True).observations[0].indicator == "my_indicator"
    with pytest.raises(Exception, match="unknown indicator"):
        read_actuals(actuals)
