"""The chart cache: a chart whose inputs did not change is copied, not drawn, and is the same
file as one drawn afresh; any change of what a chart shows draws it again; a damaged entry is
never used."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from conftest import SCENARIOS

from sim.cli import main
from sim.output.charts import pack
from sim.output.charts.cache import ENV, ChartCache, from_environment
from sim.output.charts.pack import main_chart_jobs, write_chart_pack
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)
FORMATS = ("png", "pdf", "svg")


def jobs_for(lang="en", settings=(), end_year=None, count=2):
    scenarios = load_scenarios(["baseline"], SCENARIOS, settings, end_year)
    return main_chart_jobs([run_scenario(s) for s in scenarios], lang, RUN_DATE)[:count]


class DrawCounter:
    """Counts the figures drawn in this process (the pack draws here with workers=1)."""

    def __init__(self, monkeypatch):
        self.count = 0
        original = pack.ChartJob.draw

        def counting(job, *args):
            self.count += 1
            return original(job, *args)

        monkeypatch.setattr(pack.ChartJob, "draw", counting)


def write(jobs, folder, cache):
    return write_chart_pack(jobs, folder, "pack.pdf", "en", "t", 1, FORMATS, cache=cache)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("??/[!.]*"))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler) not installed")
def test_charts_from_the_cache_are_the_files_drawn_afresh(tmp_path, monkeypatch):
    cache = ChartCache(tmp_path / "cache")
    jobs = jobs_for()
    counter = DrawCounter(monkeypatch)
    fresh = write(jobs, tmp_path / "fresh", None)
    assert counter.count == 2
    write(jobs, tmp_path / "cold", cache)
    assert counter.count == 4  # an empty cache: drawn
    assert len(entries(tmp_path / "cache")) == 2 * 3 + 1  # png, svg, page of each; the pack
    warm = write(jobs, tmp_path / "warm", cache)
    assert counter.count == 4  # nothing drawn: every file from the cache
    for a, b in zip(fresh, warm, strict=True):
        assert a.png.read_bytes() == b.png.read_bytes()
        assert a.svg.read_bytes() == b.svg.read_bytes()
    assert pdf_text(tmp_path / "warm" / "pack.pdf") == pdf_text(tmp_path / "fresh" / "pack.pdf")
    cold_pack = (tmp_path / "cold" / "pack.pdf").read_bytes()
    assert (tmp_path / "warm" / "pack.pdf").read_bytes() == cold_pack
    assert "Figure 2. " in pdf_text(tmp_path / "warm" / "pack.pdf")


@pytest.mark.slow
@pytest.mark.parametrize(
    "changed",
    [
        {"settings": ["sectors.services.growth_pct=15"]},
        {"lang": "vi"},
        {"end_year": 2030},
    ],
    ids=["a --set value", "the language", "the end year"],
)
def test_a_changed_input_always_draws_again(tmp_path, monkeypatch, changed):
    cache = ChartCache(tmp_path / "cache")
    counter = DrawCounter(monkeypatch)
    write(jobs_for(count=1), tmp_path / "first", cache)
    write(jobs_for(count=1, **changed), tmp_path / "second", cache)
    assert counter.count == 2
    first = (tmp_path / "first" / "01_output_index.png").read_bytes()
    assert (tmp_path / "second" / "01_output_index.png").read_bytes() != first


@pytest.mark.slow
def test_a_damaged_entry_is_ignored_and_the_chart_drawn_again(tmp_path, monkeypatch):
    cache = ChartCache(tmp_path / "cache")
    jobs = jobs_for(count=1)
    fresh = write(jobs, tmp_path / "fresh", cache)[0].png.read_bytes()
    (png_entry,) = [p for p in entries(tmp_path / "cache") if b"\x89PNG" in p.read_bytes()[:64]]
    png_entry.write_bytes(png_entry.read_bytes()[:-100])  # cut short, as by a full disk
    counter = DrawCounter(monkeypatch)
    again = write(jobs, tmp_path / "again", cache)[0].png.read_bytes()
    assert counter.count == 1 and again == fresh
    assert len(png_entry.read_bytes()) == 32 + len(fresh)  # written again, whole


def test_a_cache_entry_reads_back_and_a_foreign_file_does_not(tmp_path):
    cache = ChartCache(tmp_path)
    cache.put("ab" + "0" * 62, b"chart bytes")
    assert cache.get("ab" + "0" * 62) == b"chart bytes"
    (tmp_path / "cd").mkdir()
    (tmp_path / "cd" / ("cd" + "0" * 62)).write_bytes(b"x" * 40)  # no valid checksum
    assert cache.get("cd" + "0" * 62) is None
    assert cache.get("ef" + "0" * 62) is None  # absent


def test_the_oldest_entries_go_when_the_cache_is_full(tmp_path):
    import os

    cache = ChartCache(tmp_path)
    for age, name in enumerate(("aa", "bb", "cc")):
        cache.put(name * 32, b"x" * 100)
        os.utime(tmp_path / name / (name * 32), (1000 + age, 1000 + age))
    cache.prune(limit=2 * 132)
    assert [p.name[:2] for p in entries(tmp_path)] == ["bb", "cc"]


def test_the_cache_is_off_with_no_cache_or_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path))
    assert from_environment() == ChartCache(tmp_path, from_environment().settings)
    assert from_environment(enabled=False) is None
    monkeypatch.setenv(ENV, "off")
    assert from_environment() is None


@pytest.mark.slow
def test_the_command_fills_the_cache_and_no_cache_leaves_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(ENV, str(tmp_path / "cache"))
    args = ["baseline", "--scenarios-dir", str(SCENARIOS), "--quiet", "--formats", "png"]
    assert main([*args, "--no-cache", "--out", "a"]) == 0
    assert not (tmp_path / "cache").exists()
    assert main([*args, "--out", "b"]) == 0
    stored = len(entries(tmp_path / "cache"))
    assert stored == len(list((tmp_path / "b" / "charts").glob("*.png")))
    assert main([*args, "--out", "c"]) == 0
    assert len(entries(tmp_path / "cache")) == stored  # the same charts: nothing new
    for png in (tmp_path / "a" / "charts").glob("*.png"):
        assert (tmp_path / "c" / "charts" / png.name).read_bytes() == png.read_bytes()


def test_runs_writing_and_reading_the_same_entry_at_once_never_see_half_a_file(tmp_path):
    """A reader sees nothing or a whole entry (entries are renamed into place whole, and read
    back only if their checksum matches); no temporary file is left."""
    import threading

    cache, key = ChartCache(tmp_path), "ab" * 32
    payloads = [bytes([n]) * 200_000 for n in range(4)]
    seen = []

    def writer(data):
        for _ in range(20):
            cache.put(key, data)

    def reader():
        for _ in range(200):
            seen.append(cache.get(key))

    threads = [threading.Thread(target=writer, args=(p,)) for p in payloads]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(data is None or data in payloads for data in seen)
    assert any(data is not None for data in seen)
    assert [p.name for p in (tmp_path / "ab").iterdir()] == [key]  # no temporary left


def test_every_file_of_a_chart_is_keyed_by_its_caption(tmp_path):
    """The same chart numbered otherwise ("Biểu 12" in the pack, "Biểu 1" in the compare
    view's) can need room for another line of caption under its panels, which moves them in
    the PNG too: no file of it may be copied from the other's."""
    (job,) = jobs_for(count=1)
    drawing = pack._Pack([job], tmp_path, "vi", ("png", "pdf", "svg"), None, ChartCache(tmp_path))
    one, other = (drawing._keys(job, f"Biểu {n}. {job.caption}") for n in (1, 12))
    assert one is not None and other is not None
    assert all(one[kind] != other[kind] for kind in ("png", "pdf", "svg"))
