"""Time a full run of the bundled scenarios, with a breakdown.

    python benchmarks/bench_run.py [--repeat 3]

Stages: imports (a fresh interpreter importing what a run imports), model (load + project +
score), tables (CSV + the live Excel workbook + manifest), charts (8 charts as PNG + SVG and the
PDF pack, drawn in parallel workers), report (HTML). The whole command is timed too, as a user runs it. Baseline
in the same run: the same charts drawn one after another in one process. The figures go in
the README.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def import_seconds() -> float:
    code = (
        "import time; t = time.perf_counter(); import sim.cli, sim.run, sim.output.files, "
        "sim.output.charts.pack, sim.output.report; print(time.perf_counter() - t)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    return float(out.stdout)


def stages(out: Path) -> dict[str, float]:
    sys.path.insert(0, str(REPO))
    from sim.output.charts.pack import main_chart_jobs, write_chart_pack
    from sim.output.files import write_csvs, write_manifest
    from sim.output.live_workbook import write_live_workbook
    from sim.output.report import write_report
    from sim.run import load_scenarios, run_scenario

    started = datetime.now().astimezone()
    t_model, results = timed(
        lambda: [run_scenario(s) for s in load_scenarios([], REPO / "scenarios")]
    )
    out.mkdir(parents=True, exist_ok=True)

    def tables():
        write_csvs(results, out)
        write_live_workbook(results, out / "projections.xlsx", "vi")
        write_manifest(results, out / "manifest.json", [], started)

    t_tables, _ = timed(tables)
    jobs = main_chart_jobs(results, "vi", started.date())
    t_charts, saved = timed(
        lambda: write_chart_pack(jobs, out / "charts", "chart_pack.pdf", "vi", "t")
    )
    # The simple baseline: the same charts drawn one after another in this process.
    t_serial, _ = timed(
        lambda: write_chart_pack(jobs, out / "serial", "chart_pack.pdf", "vi", "t", workers=1)
    )
    t_report, _ = timed(lambda: write_report(out / "report.html", results, saved, "vi", started))
    return {
        "model": t_model,
        "tables": t_tables,
        "charts": t_charts,
        "report": t_report,
        "charts, serial": t_serial,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        rows.setdefault("imports", []).append(import_seconds())
        with tempfile.TemporaryDirectory() as tmp:
            for name, seconds in stages(Path(tmp) / "stages").items():
                rows.setdefault(name, []).append(seconds)
            t_cli, _ = timed(
                lambda: subprocess.run(
                    [
                        sys.executable,
                        "run_scenarios.py",
                        "--quiet",
                        "--out",
                        str(Path(tmp) / "cli"),
                    ],
                    cwd=REPO,
                    check=True,
                )
            )
            rows.setdefault("whole command", []).append(t_cli)
    print(f"cores: {os.cpu_count()}, runs: {args.repeat} (median seconds, min-max)")
    medians = {}
    for name, values in rows.items():
        values.sort()
        medians[name] = values[len(values) // 2]
        print(f"  {name:<16} {medians[name]:6.2f}   ({values[0]:.2f}-{values[-1]:.2f})")
    ratio = medians["charts, serial"] / medians["charts"]
    print(f"  parallel charts: {ratio:.2f} x as fast as drawing them one after another")


if __name__ == "__main__":
    main()
