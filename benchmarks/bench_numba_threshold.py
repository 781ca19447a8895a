"""Where loading numba pays: its cost in a fresh interpreter, the loops' cost per value on each
path, and whole runs of the command line before and after.

    python benchmarks/bench_numba_threshold.py [--rounds 5] [--repos DIR ...] [--draws 10000 ...]

1. Loading: in fresh interpreters, `import sim.analysis.montecarlo.compiled` (numba) and the first
   call of each compiled loop (loading its machine code from the cache; a warm-up run fills the
   cache first), best and median of --rounds.
2. Per value, on one thread, best of 7: counting a baseline chunk's counted columns into 4096
   bins, their extremes, and the triangular inverse CDF, with the numpy twins and the compiled
   loops. Break-even work = loading / (numpy - compiled) per value.
3. Whole runs: `run_scenarios.py baseline --sensitivity --draws D --no-charts --no-history`,
   each in a fresh interpreter, for each checkout in --repos (default: this one), interleaved
   round by round (this machine is shared: only interleaved runs compare); wall and CPU seconds
   (user + system of the child), median and best.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

LOAD = """
import time, numpy as np
start = time.perf_counter()
from sim.analysis.montecarlo import compiled
imported = time.perf_counter()
from sim.analysis.montecarlo.kernels import Columns, count_into_bins, extremes, triangular_quantile
source = np.ones((2, 8))
columns = Columns.of_rows(np.array([0, 1]))
count_into_bins(source, columns, np.ones(2), np.ones(2), np.zeros((2, 4), np.int64),
                np.zeros(2), np.zeros(2), np.zeros(2, bool), True)
extremes(source, columns, True)
triangular_quantile(np.full(4, 0.5), 0.0, 0.3, 1.0, True)
end = time.perf_counter()
print(imported - start, end - imported)
"""


def loading(rounds: int) -> dict:
    """Seconds to import numba with the compiled module, and to load the three loops."""
    subprocess.run([sys.executable, "-c", LOAD], cwd=REPO, check=True, capture_output=True)
    imports, first_calls = [], []
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", LOAD], cwd=REPO, check=True, capture_output=True, text=True
        ).stdout.split()
        imports.append(float(out[0]))
        first_calls.append(float(out[1]))
    total = [a + b for a, b in zip(imports, first_calls, strict=True)]
    return {
        "import": statistics.median(imports),
        "first_calls": statistics.median(first_calls),
        "total_median": statistics.median(total),
        "total_best": min(total),
    }


def per_value() -> dict:
    """Nanoseconds per value of each loop on each path, one thread, best of 7."""
    import numpy as np

    from sim.analysis.montecarlo import engine as mc
    from sim.analysis.montecarlo.kernels import count_into_bins, extremes, triangular_quantile
    from sim.scenario.loader import load_scenario

    scenario = load_scenario("baseline", REPO / "scenarios")
    m = mc.CHUNK_DRAWS
    run = mc._prepare(scenario, 2 * m, np.random.default_rng(0), m)
    inputs = run.inputs(0)
    flat = np.ascontiguousarray(run.series(0, inputs=inputs).reshape(-1, m))
    plan = mc._plan(run, flat, run.twins(inputs))
    columns, _ = run.columns(plan.binned)
    low, high, _ = extremes(flat, columns, False)
    width = (high - low) / 4094
    scale, shift = 1.0 / width, 1.0 - low / width
    c = len(columns)
    u = np.random.default_rng(1).random(10 * m)

    def best(step) -> float:
        step()
        times = []
        for _ in range(7):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
        return min(times)

    figures = {"columns": c, "draws": m}
    for compiled in (False, True):
        path = "compiled" if compiled else "numpy"

        def count(compiled: bool = compiled) -> None:
            count_into_bins(
                flat,
                columns,
                scale,
                shift,
                np.zeros((c, 4096), np.int64),
                np.full(c, np.inf),
                np.full(c, -np.inf),
                np.zeros(c, bool),
                compiled,
            )

        figures[f"count_{path}"] = best(count) / (c * m) * 1e9
        figures[f"extremes_{path}"] = (
            best(lambda p=compiled: extremes(flat, columns, p)) / (c * m) * 1e9
        )
        figures[f"triangular_{path}"] = (
            best(lambda p=compiled: triangular_quantile(u, 14.0, 16.0, 18.5, p)) / u.size * 1e9
        )
    return figures


CROSSOVER = """
import sys, time
start = time.perf_counter()
import numpy as np
from sim.analysis.montecarlo import kernels
kernels.COMPILED_FROM = 0 if sys.argv[1] == "compiled" else 2**62
from sim.analysis.montecarlo.engine import monte_carlo
from sim.scenario.loader import load_scenario
scenario = load_scenario("baseline", "scenarios")
monte_carlo(scenario, int(sys.argv[2]), np.random.default_rng(1))
print(time.perf_counter() - start, "numba" in sys.modules)
"""


def crossover(sizes: list[int], rounds: int) -> dict:
    """Seconds of a fresh interpreter's Monte Carlo (baseline; imports, numba's loading if used,
    the run) with each path forced, per size: best of `rounds`, interleaved."""
    figures: dict = {}
    for draws in sizes:
        for _ in range(rounds):
            for path in ("numpy", "compiled"):
                out = subprocess.run(
                    [sys.executable, "-c", CROSSOVER, path, str(draws)],
                    cwd=REPO,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                figures.setdefault(f"{path} {draws}", []).append(float(out[0]))
        print(
            f"{draws:>9,} draws: numpy {min(figures[f'numpy {draws}']):.2f} s, "
            f"compiled {min(figures[f'compiled {draws}']):.2f} s (best of {rounds})",
            flush=True,
        )
    return figures


def cli_run(repo: Path, draws: int) -> dict:
    """Wall and CPU seconds of one command-line run in a fresh interpreter."""
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "run_scenarios.py",
                "baseline",
                "--sensitivity",
                "--draws",
                str(draws),
                "--seed",
                "1",
                "--no-charts",
                "--no-history",
                "--quiet",
                "--out",
                out,
            ],
            cwd=repo,
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONPATH": str(repo)},
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repos", type=Path, nargs="+", default=[REPO])
    parser.add_argument("--draws", type=int, nargs="*", default=[10_000, 1_000_000])
    parser.add_argument("--skip-loops", action="store_true", help="only the command-line runs")
    parser.add_argument(
        "--crossover", type=int, nargs="*", default=[], help="Monte Carlo sizes for both paths"
    )
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    figures: dict = {}
    if not args.skip_loops:
        figures["loading"] = loading(args.rounds)
        print("loading numba and the loops, s:", json.dumps(figures["loading"]), flush=True)
        figures["per_value"] = per_value()
        print("ns per value:", json.dumps(figures["per_value"]), flush=True)
        load = figures["loading"]["total_median"]
        for loop in ("count", "extremes", "triangular"):
            saved = figures["per_value"][f"{loop}_numpy"] - figures["per_value"][f"{loop}_compiled"]
            print(f"break-even {loop}: {load / (saved * 1e-9):.3g} values", flush=True)
    if args.crossover:
        figures["crossover"] = crossover(args.crossover, args.rounds)
    runs: dict = {}
    for draws in args.draws:
        for _ in range(args.rounds):
            for repo in args.repos:  # interleaved
                figure = cli_run(repo, draws)
                runs.setdefault(f"{repo} {draws}", []).append(figure)
                print(
                    f"{repo} {draws:>9,} draws: {figure['wall']:.2f} s wall, "
                    f"{figure['cpu']:.2f} s CPU",
                    flush=True,
                )
    for key, values in runs.items():
        walls, cpus = [v["wall"] for v in values], [v["cpu"] for v in values]
        print(
            f"{key}: wall median {statistics.median(walls):.2f} best {min(walls):.2f}; "
            f"CPU median {statistics.median(cpus):.2f} best {min(cpus):.2f}"
        )
    figures["runs"] = runs
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
