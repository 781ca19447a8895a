"""Command line: `python run_scenarios.py [SCENARIO ...] [options]`.

A thin layer: parse arguments, call the pipeline, print. User errors (bad scenario files, an
output folder that cannot be replaced) print a message and return a non-zero code, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sim.scenario.loader import ScenarioError

__all__ = ["main", "build_parser"]

EXIT_USER_ERROR = 2


def _at_least(minimum: int):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, not {value}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_scenarios.py",
        description="Project output, income and budget for each scenario and check them against "
        "the 2020-2025 congress targets of Hương Trà town.",
    )
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="NAME_OR_PATH",
        help="scenarios to run: names in --scenarios-dir or paths to .toml files "
        "(default: every *.toml directly in --scenarios-dir)",
    )
    parser.add_argument(
        "--scenarios-dir",
        type=Path,
        default=Path("scenarios"),
        help="folder of scenario files (default: scenarios)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        help="output folder, replaced as a whole when the run succeeds (default: results)",
    )
    parser.add_argument(
        "--end-year",
        type=int,
        default=None,
        help="project to this year instead of each scenario's end_year",
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a scenario value for this run only, e.g. "
        "--set sectors.industry.growth_pct=10 (repeatable; applies to every "
        "scenario run)",
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help="language of charts, report and workbook headers (default: vi)",
    )
    parser.add_argument(
        "--actuals",
        type=Path,
        default=None,
        metavar="FILE",
        help="observed values (CSV, see scenarios/actuals_example.csv): adds plan "
        "against actual, re-baselined projections and the growth the rest of "
        "the term needs",
    )
    parser.add_argument(
        "--rebase-year",
        type=int,
        default=None,
        metavar="YEAR",
        help="also write, for each scenario, a new scenario file starting from its "
        "state in YEAR (re-baselined through --actuals when given) into "
        "<out>/rebased/, to copy into a scenarios folder for the next term",
    )
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help="also run the sensitivity and uncertainty analyses (one-at-a-time, two-way grid, "
        "Monte Carlo, Sobol, goal seek) into <out>/sensitivity/",
    )
    parser.add_argument(
        "--draws",
        type=_at_least(1),
        default=None,
        metavar="N",
        help="Monte Carlo draws with --sensitivity (default 10,000)",
    )
    parser.add_argument(
        "--seed",
        type=_at_least(0),
        default=None,
        metavar="S",
        help="random seed with --sensitivity, for reproducible draws (default: a fresh seed, "
        "recorded in the manifest)",
    )
    parser.add_argument(
        "--no-charts",
        action="store_true",
        help="skip charts, the PDF chart pack and the HTML report (faster)",
    )
    parser.add_argument(
        "--history",
        type=Path,
        default=None,
        metavar="FILE",
        help="the history scenario for the track record and realism check (default: "
        "<scenarios-dir>/history/backcast_2016_2020.toml when it exists)",
    )
    parser.add_argument(
        "--no-history", action="store_true", help="skip the track record and realism check"
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors and warnings")
    return parser


def _error(message: object) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


DEFAULT_HISTORY = Path("history") / "backcast_2016_2020.toml"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = datetime.now().astimezone()
    argv_used = list(sys.argv if argv is None else ["run_scenarios.py", *argv])
    if (args.draws is not None or args.seed is not None) and not args.sensitivity:
        return _error("--draws and --seed apply to --sensitivity; add --sensitivity")

    # Imported here so that `--help` and argument errors stay instant.
    from sim.output.files import OutputFolderError, publish
    from sim.output.write import RunOutputs, write_run
    from sim.run import load_scenarios, run_scenario

    try:
        scenarios = load_scenarios(args.scenarios, args.scenarios_dir, args.settings, args.end_year)
    except ScenarioError as exc:
        return _error(exc)
    for scenario in scenarios:
        for warning in scenario.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    results = [run_scenario(s) for s in scenarios]
    if args.rebase_year is not None:
        outside = [s.name for s in scenarios if args.rebase_year not in s.years]
        if outside:
            return _error(
                f"--rebase-year {args.rebase_year} is outside the projection years of "
                f"{', '.join(outside)}"
            )

    history = None
    history_path = args.history or (args.scenarios_dir / DEFAULT_HISTORY)
    if not args.no_history and (args.history is not None or history_path.is_file()):
        from sim.term.history import run_history

        try:
            history = run_history(
                load_scenarios([str(history_path)], args.scenarios_dir)[0], results
            )
        except ScenarioError as exc:
            return _error(exc)

    tracking = None
    if args.actuals is not None:
        from sim.scenario.actuals import ActualsError, read_actuals
        from sim.term.tracking import track

        try:
            actuals = read_actuals(args.actuals, {n for s in scenarios for n in s.indicators})
            tracking = track(results, actuals)
        except ActualsError as exc:
            return _error(exc)

    sensitivity = None
    if args.sensitivity:
        from sim.analysis.montecarlo.engine import DEFAULT_DRAWS
        from sim.analysis.suite import run_sensitivity
        from sim.output.console import ProgressBar

        draws = DEFAULT_DRAWS if args.draws is None else args.draws
        for scenario in scenarios:
            if scenario.uncertainty is None:
                print(
                    f"warning: scenario '{scenario.name}' has no [uncertainty] section: only "
                    "its two-way grid and goal seeks are computed",
                    file=sys.stderr,
                )
        sensitivity = run_sensitivity(
            scenarios, draws, args.seed, on_progress=ProgressBar(sys.stderr)
        )

    run = RunOutputs(
        results=results,
        lang=args.lang,
        started=started,
        argv=argv_used,
        charts=not args.no_charts,
        tracking=tracking,
        sensitivity=sensitivity,
        history=history,
        rebase_year=args.rebase_year,
        actuals_path=args.actuals,
    )
    try:
        publish(args.out, lambda folder: write_run(folder, run))
    except OutputFolderError as exc:
        return _error(exc)
    except OSError as exc:
        print(f"error: could not write results to {args.out}: {exc}", file=sys.stderr)
        return 1

    if not args.quiet:
        from sim.output.console import (
            format_history,
            format_sensitivity,
            format_summary,
            format_tracking,
        )

        print(format_summary(results))
        for block, formatter in (
            (history, format_history),
            (tracking, format_tracking),
            (sensitivity, format_sensitivity),
        ):
            if block is not None:
                print()
                print(formatter(block))
        if args.settings:
            print(f"\nwhat-if settings applied to every scenario: {', '.join(args.settings)}")
        print(f"\nresults written to {args.out}/")
    return 0
