"""Time whole runs as a user starts them, and where a run's time goes.

    python benchmarks/bench_run.py [--repeat 3]

Whole commands (a new interpreter each, median of --repeat): the default run of the bundled
scenarios (every chart as PNG, the PDF pack, report, workbook), the same with `--no-charts`,
with `--formats png,pdf,svg`, and `baseline --sensitivity` at the default draws with and without
charts; each run with charts is also given as a ratio to its `--no-charts` twin measured in the
same round, which holds up better than seconds on a machine shared with other work (the load
average is printed).

Breakdown (in this process, one chart after another, so each part is timed alone): imports (a
new interpreter importing what a run imports), model (load + project + score), writing (CSVs,
the live workbook, whatif.html, manifest), and per chart family (the congress charts; the
sensitivity charts of `baseline`) the seconds to build the figures, to save PNG, SVG, and to add
the PDF pages and finish the PDF. The figures go in the README's Speed section.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

COMMANDS: dict[str, list[str]] = {
    "default run": [],
    "default, --no-charts": ["--no-charts"],
    "default, --formats png,pdf,svg": ["--formats", "png,pdf,svg"],
    "baseline --sensitivity": ["baseline", "--sensitivity"],
    "baseline --sensitivity --no-charts": ["baseline", "--sensitivity", "--no-charts"],
}
RATIOS = (
    ("default run", "default, --no-charts"),
    ("default, --formats png,pdf,svg", "default, --no-charts"),
    ("baseline --sensitivity", "baseline --sensitivity --no-charts"),
)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import sim.cli, sim.run, sim.output.write, "
        "sim.output.charts.pack, sim.output.report; print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def command_seconds(args: Sequence[str], out: Path) -> float:
    command = [sys.executable, "run_scenarios.py", "--quiet", "--out", str(out), *args]
    return timed(lambda: subprocess.run(command, cwd=REPO, check=True))[0]


def family_seconds(family: str, jobs: Sequence[Any]) -> dict[str, float]:
    """Seconds to build, save as PNG and SVG, and page into a PDF every figure of `jobs`."""
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    from sim.output.charts import base as chartbase
    from sim.output.charts.pack import PNG_DPI, freeze_layout

    seconds = dict.fromkeys(("build", "png", "svg", "pdf"), 0.0)
    with matplotlib.rc_context(chartbase.STYLE):
        pdf = PdfPages(io.BytesIO())
        for job in jobs:
            t, fig = timed(job.draw)
            seconds["build"] += t
            # PNG first, as the pack saves it: its save runs the layout, kept for the others.
            t = time.perf_counter()
            fig.savefig(io.BytesIO(), format="png", dpi=PNG_DPI, pil_kwargs={"compress_level": 3})
            freeze_layout(fig)  # what save_figure does after the first format
            seconds["png"] += time.perf_counter() - t
            seconds["svg"] += timed(partial(fig.savefig, io.BytesIO(), format="svg"))[0]
            seconds["pdf"] += timed(partial(pdf.savefig, fig))[0]
        seconds["pdf"] += timed(pdf.close)[0]
    return {f"{family}: {k}": v for k, v in seconds.items()}


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
    row.update(family_seconds("congress charts", main_chart_jobs(results, "vi", started.date())))
    baseline = [r for r in results if r.scenario.name == "baseline"]
    sensitivity = run_sensitivity([r.scenario for r in baseline])
    jobs = sensitivity_chart_jobs(baseline, sensitivity, "vi", started.date())
    row.update(family_seconds("sensitivity charts", jobs))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[float]] = {}
    ratios: dict[str, list[float]] = {}
    loads = []
    for _ in range(args.repeat):
        loads.append(os.getloadavg()[0])
        rows.setdefault("imports", []).append(import_seconds())
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in stages(Path(tmp) / "stages").items():
                rows.setdefault(name, []).append(seconds)
            commands = {
                name: command_seconds(extra, Path(tmp) / f"cli{i}")
                for i, (name, extra) in enumerate(COMMANDS.items())
            }
        for name, seconds in commands.items():
            rows.setdefault(name, []).append(seconds)
        for full, bare in RATIOS:
            ratios.setdefault(f"{full} / {bare}", []).append(commands[full] / commands[bare])
    print(
        f"cores: {os.cpu_count()}, runs: {args.repeat}, load average (1 min) at each round: "
        + ", ".join(f"{x:.1f}" for x in loads)
    )
    print("median seconds (min-max):")
    for name, values in rows.items():
        values.sort()
        print(f"  {name:<36} {values[len(values) // 2]:6.2f}   ({values[0]:.2f}-{values[-1]:.2f})")
    print("ratios in the same round, median (min-max):")
    for name, values in ratios.items():
        values.sort()
        print(f"  {name:<60} {values[len(values) // 2]:5.2f}   ({values[0]:.2f}-{values[-1]:.2f})")


if __name__ == "__main__":
    main()
