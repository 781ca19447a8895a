"""Time whole runs as a user starts them, and where a run's time goes.

    python benchmarks/bench_run.py [--repeat 3] [--write benchmarks/RESULTS.md]

The tool's modules are compiled first, as the README's install leaves them. Whole commands (a
new interpreter each, median of --repeat): the default run of the bundled scenarios (every
chart as PNG, the PDF pack, report, workbook) and `baseline --sensitivity --seed 7` at the
default draws (a fixed seed, so that a second run can find its Monte Carlo
charts in the cache; without --seed every run draws new numbers and so new charts), each
with an empty chart cache (cold), again with the cache the cold run filled (warm), and with
`--no-charts`. Each is given as a ratio to its `--no-charts` twin measured in the same round,
which holds up better than seconds on a machine shared with other work (the load average at
each round is printed: on 2 cores, anything above 1 slows every figure).

Breakdown (in this process, one chart after another, so each part is timed alone): imports (a
new interpreter importing what the run imports before it forks the chart process, then what
each of the two imports after the fork, at the same time), model (load + project + score),
writing (CSVs, the live workbook, whatif.html, manifest), and per chart family (the congress
charts; the sensitivity charts of `baseline`) the seconds to build the figures, lay them out, draw them as captioned
PDF pages, write the PDF's fonts, render the pages to PNG files, save SVG (only on request),
put the pages on A4 sheets, and, with a warm cache, to compute the cache keys and copy every
chart from the cache.

--write FILE replaces the section of FILE that starts with MARKER (or appends one), so that
benchmarks/RESULTS.md keeps the Monte Carlo figures beside these.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

MARKER = "<!-- bench_run.py: whole runs and charts -->"

COMMANDS: dict[str, list[str]] = {
    "default run": [],
    "baseline --sensitivity --seed 7": ["baseline", "--sensitivity", "--seed", "7"],
}
"""name -> arguments; each is timed cold, warm and with --no-charts."""


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def import_seconds(code: str, before: str = "pass") -> float:
    """Seconds a new interpreter takes to run `code` (imports), after `before` (untimed)."""
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            f"{before}; import time; t = time.perf_counter(); {code}; "
            "print(time.perf_counter() - t)",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


SHARED = (
    "import sim.output.charts.process as p, importlib; "
    "[importlib.import_module(n) for n in p.SHARED]"
)

IMPORTS = {
    "imports: the run's process, before the fork (SHARED)": (SHARED, "pass"),
    "imports: the run's process, the rest (tables, workbook, report, history)": (
        "import sim.cli, sim.output.write, sim.output.files, sim.output.live_workbook, "
        "sim.output.whatif, sim.output.report, sim.term.history",
        SHARED,
    ),
    "imports: the chart process (forked with SHARED)": (
        "p._skip_setter_docs(); "  # (as _warm_up does first)
        "[importlib.import_module(s) if isinstance(s, str) else s() for s in p.WARM_UP]",
        SHARED,
    ),
}
"""name -> (what a process imports, what it has imported before, untimed): the run imports
SHARED and forks the chart process; then both import the rest at the same time, on two
cores."""


def command_seconds(args: Sequence[str], out: Path, cache: Path) -> float:
    command = [sys.executable, "run_scenarios.py", "--quiet", "--out", str(out), *args]
    env = {**os.environ, "HUONGTRA_SIM_CACHE": str(cache), "PYTHONPATH": str(REPO)}
    return timed(lambda: subprocess.run(command, cwd=REPO, check=True, env=env))[0]


def command_round(tmp: Path) -> dict[str, float]:
    """One round of every command: cold (empty cache), warm (the cache the cold run filled)
    and --no-charts."""
    seconds = {}
    for i, (name, extra) in enumerate(COMMANDS.items()):
        cache = tmp / f"cache{i}"
        seconds[f"{name}, --no-charts"] = command_seconds(
            [*extra, "--no-charts"], tmp / f"bare{i}", cache
        )
        seconds[f"{name}, cold cache"] = command_seconds(extra, tmp / f"cold{i}", cache)
        seconds[f"{name}, warm cache"] = command_seconds(extra, tmp / f"warm{i}", cache)
    return seconds


def family_seconds(family: str, jobs: Sequence[Any], tmp: Path) -> dict[str, float]:
    """Seconds to build, lay out and draw as PDF pages every figure of `jobs` (as a worker
    does), to write the PDF's fonts, render its pages to PNG files, save SVG (on request), put
    the pages on A4 sheets; then to key and copy them from a warm cache."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages
    from pypdf import PdfReader

    from sim.output.charts import base as chartbase
    from sim.output.charts.cache import ChartCache
    from sim.output.charts.fontfiles import embed_outlines_only, read_fonts_into_memory
    from sim.output.charts.pack import (
        PNG_BAND_IN,
        PNG_DPI,
        _add_page,
        _last_page,
        _lay_out,
        save_figure,
        write_chart_pack,
    )
    from sim.output.charts.pages import write_pack
    from sim.output.charts.raster import write_pngs

    read_fonts_into_memory(chartbase.STYLE["font.family"])  # (as a worker has them)
    names = ("build", "layout", "pdf pages", "pdf fonts", "png from pages", "svg", "A4 pack")
    seconds = dict.fromkeys(names, 0.0)
    buffer = io.BytesIO()
    with matplotlib.rc_context(chartbase.STYLE), embed_outlines_only():  # (as a worker)
        pdf = PdfPages(buffer, metadata={"CreationDate": None})
        for number, job in enumerate(jobs, start=1):
            t, fig = timed(job.draw)
            seconds["build"] += t
            seconds["layout"] += timed(lambda fig=fig: _lay_out(fig))[0]
            seconds["pdf pages"] += timed(lambda f=fig, n=number: _add_page(pdf, f, str(n)))[0]
            seconds["svg"] += timed(lambda f=fig: save_figure(f, tmp, "c", ("svg",)))[0]
        _last_page(pdf)
        seconds["pdf fonts"] += timed(pdf.close)[0]
    paths = [tmp / f"p{k}.png" for k in range(len(jobs))]
    pngs = functools.partial(write_pngs, buffer.getvalue(), paths, PNG_DPI, band_in=PNG_BAND_IN)
    seconds["png from pages"] = timed(pngs)[0]
    pages = PdfReader(io.BytesIO(buffer.getvalue())).pages[: len(jobs)]
    seconds["A4 pack"] = timed(lambda: write_pack(list(pages), io.BytesIO(), {"Title": "t"}))[0]
    cache = ChartCache(tmp / "cache")
    formats = ("png", "pdf")
    write_chart_pack(jobs, tmp / "cold", "p.pdf", "vi", "t", 1, formats, cache=cache)
    seconds["warm cache: whole pack"] = timed(
        lambda: write_chart_pack(jobs, tmp / "warm", "p.pdf", "vi", "t", 1, formats, cache=cache)
    )[0]
    return {f"{family} ({len(jobs)}): {k}": v for k, v in seconds.items()}


def stages(out: Path) -> dict[str, float]:
    from sim.analysis.suite import run_sensitivity
    from sim.output.charts.pack import main_chart_jobs, sensitivity_chart_jobs
    from sim.output.files import write_csvs, write_manifest
    from sim.output.live_workbook import write_live_workbook
    from sim.output.whatif import write_whatif
    from sim.run import load_scenarios, run_scenario

    started = datetime.now().astimezone()
    t_model, results = timed(
        lambda: [run_scenario(s) for s in load_scenarios([], REPO / "scenarios")]
    )
    out.mkdir(parents=True, exist_ok=True)

    def writing() -> None:
        write_csvs(results, out)
        write_live_workbook(results, out / "projections.xlsx", "vi")
        write_whatif(out / "whatif.html", results, "vi", started)
        write_manifest(results, out / "manifest.json", [], started)

    t_writing, _ = timed(writing)
    row = {"model": t_model, "writing": t_writing}
    congress = main_chart_jobs(results, "vi", started.date())
    row.update(family_seconds("congress charts", congress, out / "congress"))
    baseline = [r for r in results if r.scenario.name == "baseline"]
    sensitivity = run_sensitivity([r.scenario for r in baseline], seed=7)
    jobs = sensitivity_chart_jobs(baseline, sensitivity, "vi", started.date())
    row.update(family_seconds("sensitivity charts", jobs, out / "sensitivity"))
    return row


def median(values: list[float]) -> float:
    return statistics.median(values)


def table(rows: dict[str, list[float]], ratios: dict[str, list[float]], loads: list[float]) -> str:
    lines = [
        f"{datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, {len(loads)} rounds; "
        "load average (1 min) at each round: " + ", ".join(f"{x:.1f}" for x in loads),
        "",
        "| command (a new interpreter) | seconds, median (min-max) | ratio to --no-charts |",
        "|---|---:|---:|",
    ]
    for name in (n for n in rows if n in ratios or n.endswith("--no-charts")):
        values = rows[name]
        ratio = f"{median(ratios[name]):.2f}" if name in ratios else "1"
        lines.append(
            f"| {name} | {median(values):.2f} ({min(values):.2f}-{max(values):.2f}) | {ratio} |"
        )
    lines += ["", "| stage (in one process, one chart after another) | seconds, median |"]
    lines.append("|---|---:|")
    for name, values in rows.items():
        if name not in ratios and not name.endswith("--no-charts"):
            lines.append(f"| {name} | {median(values):.2f} |")
    return "\n".join(lines)


def write_section(path: Path, body: str) -> None:
    """Replace the part of `path` from MARKER on with `body` (append it if absent)."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    kept = old.split(MARKER)[0].rstrip("\n")
    section = (
        f"{MARKER}\n## Whole runs and charts (benchmarks/bench_run.py)\n\n"
        "Reproduce with `python benchmarks/bench_run.py --write benchmarks/RESULTS.md`.\n\n"
        f"{body}\n"
    )
    path.write_text(f"{kept}\n\n{section}" if kept else section, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, default=None, help="Markdown file for the table")
    args = parser.parse_args()
    # The tool's modules compiled, as the README's install leaves them (where
    # PYTHONDONTWRITEBYTECODE is set, every run would compile them again).
    compileall.compile_dir(REPO / "sim", quiet=1)
    rows: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    loads = []
    for _ in range(args.repeat):
        loads.append(os.getloadavg()[0])
        for name, (code, before) in IMPORTS.items():
            rows.setdefault(name, []).append(import_seconds(code, before))
        with tempfile.TemporaryDirectory() as tmp:
            commands = command_round(Path(tmp))
            for name, seconds in stages(Path(tmp) / "stages").items():
                rows.setdefault(name, []).append(seconds)
        for name, seconds in commands.items():
            rows.setdefault(name, []).append(seconds)
            bare = name.rsplit(", ", 1)[0] + ", --no-charts"
            if name != bare:
                ratios.setdefault(name, []).append(seconds / commands[bare])
    body = table(rows, ratios, loads)
    print(body)
    if args.write:
        write_section(args.write, body)


if __name__ == "__main__":
    main()
