"""Seed-to-seed spread of the Sobol indices of a bundled scenario.

    python benchmarks/bench_sobol_spread.py [--scenario baseline] [--seeds 20] [--n 16384]
                                            [--json FILE]

Runs `sim.analysis.sensitivity.sobol` once per seed (0 .. seeds - 1) at base sample n and prints,
for each end-year output and uncertain parameter, the standard deviation over the seeds of the
first-order (S1) and total (ST) indices, with the mean width of the 95 % bootstrap interval and
the time per call. A smaller spread at the same n is a steadier answer for the same model runs.

The script measures the revision it sits in (it puts its own repository first on the path), so
the same file copied into an older checkout measures that one: `--json` keeps the figures for
`--compare`, which prints the before/after table.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def measure(scenario_name: str, seeds: int, n: int) -> dict:
    """Indices of every seed -> per (output, parameter): std of S1 and ST over the seeds, mean
    interval widths; and the seconds of each call."""
    import numpy as np

    from sim.analysis.sensitivity import sobol
    from sim.scenario.loader import load_scenario

    scenario = load_scenario(scenario_name, REPO / "scenarios")
    tables, seconds = [], []
    for seed in range(seeds):
        start = time.perf_counter()
        tables.append(sobol(scenario, np.random.default_rng(seed), n))
        seconds.append(time.perf_counter() - start)
    keys = list(zip(tables[0].output, tables[0].parameter, strict=True))
    rows = {}
    for column in ("S1", "ST"):
        values = np.array([t[column].to_numpy() for t in tables])  # (seeds, rows)
        widths = np.array([(t[f"{column}_high"] - t[f"{column}_low"]).to_numpy() for t in tables])
        for i, key in enumerate(keys):
            entry = rows.setdefault(" | ".join(key), {})
            entry[f"{column}_mean"] = float(values[:, i].mean())
            entry[f"{column}_std"] = float(values[:, i].std(ddof=1))
            entry[f"{column}_ci_width"] = float(widths[:, i].mean())
    return {"scenario": scenario_name, "n": n, "seeds": seeds, "seconds": seconds, "rows": rows}


def compare(before: dict, after: dict) -> list[str]:
    """Markdown: per output and parameter, std of S1 and ST before and after, and the ratio
    (indices that are exactly 0 in both, parameters that do not enter the output, left out)."""
    lines = [
        "| output | parameter | S1 | ST | sd S1 before | after | ratio | sd ST before | after "
        "| ratio | 95 % interval S1 / ST, after |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = []
    for key, b in before["rows"].items():
        a = after["rows"][key]
        if max(b["S1_std"], b["ST_std"], a["S1_std"], a["ST_std"]) == 0.0:
            continue
        output, parameter = key.split(" | ")
        cells = [f"{a['S1_mean']:.4f}", f"{a['ST_mean']:.4f}"]
        for column in ("S1", "ST"):
            was, now = b[f"{column}_std"], a[f"{column}_std"]
            ratio = was / now if now > 0 else None
            if ratio is not None:
                ratios.append(ratio)
            cells += [f"{was:.1e}", f"{now:.1e}", "-" if ratio is None else f"{ratio:.0f}x"]
        cells.append(f"{a['S1_ci_width']:.4f} / {a['ST_ci_width']:.4f}")
        lines.append(f"| {output} | {parameter.split('.', 1)[1]} | " + " | ".join(cells) + " |")
    if ratios:
        ratios.sort()
        lines.append("")
        lines.append(
            f"Ratio of the spreads (before / after) over the {len(ratios)} indices that vary: "
            f"median {ratios[len(ratios) // 2]:.0f}x, smallest {ratios[0]:.0f}x, "
            f"largest {ratios[-1]:.0f}x. Seconds per call (best / median of the seeds): "
            f"before {min(before['seconds']):.2f} / {sorted(before['seconds'])[len(before['seconds']) // 2]:.2f}, "
            f"after {min(after['seconds']):.2f} / {sorted(after['seconds'])[len(after['seconds']) // 2]:.2f}."
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="baseline")
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=2**14)
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    parser.add_argument(
        "--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"), help="two --json files"
    )
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        print("\n".join(compare(before, after)))
        return
    figures = measure(args.scenario, args.seeds, args.n)
    for key, row in figures["rows"].items():
        print(
            f"{key:70s} S1 {row['S1_mean']:.4f} sd {row['S1_std']:.5f}  "
            f"ST {row['ST_mean']:.4f} sd {row['ST_std']:.5f}  "
            f"CI width S1 {row['S1_ci_width']:.4f} ST {row['ST_ci_width']:.4f}"
        )
    times = sorted(figures["seconds"])
    print(f"seconds per call: best {times[0]:.2f}, median {times[len(times) // 2]:.2f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
