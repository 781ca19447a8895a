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

from .scenario import ScenarioError

__all__ = ["main", "build_parser"]

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="run_scenarios.py",
        description="Project output, income and budget for each scenario and check them against "
        "the 2020-2025 congress targets of Hương Trà town.",
    )
    parser.add_argument(
        "scenarios", nargs="*", metavar="NAME_OR_PATH",
        help="scenarios to run: names in --scenarios-dir or paths to .toml files "
        "(default: every *.toml directly in --scenarios-dir)",
    )
    parser.add_argument("--scenarios-dir", type=Path, default=Path("scenarios"),
                        help="folder of scenario files (default: scenarios)")
    parser.add_argument("--out", type=Path, default=Path("results"),
                        help="output folder, replaced as a whole when the run succeeds "
                        "(default: results)")
    parser.add_argument("--end-year", type=int, default=None,
                        help="project to this year instead of each scenario's end_year")
    parser.add_argument("--set", dest="settings", action="append", default=[],
                        metavar="KEY=VALUE",
                        help="override a scenario value for this run only, e.g. "
                        "--set sectors.industry.growth_pct=10 (repeatable; applies to every "
                        "scenario run)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of charts, report and workbook headers (default: vi)")
    parser.add_argument("--no-charts", action="store_true",
                        help="skip charts, the PDF chart pack and the HTML report (faster)")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    return parser


def write_charts_and_report(results, folder: Path, lang: str, started: datetime) -> None:
    """The chart pack (PNG, SVG, one PDF) under <folder>/charts and the HTML report."""
    from .chartpack import main_chart_jobs, write_chart_pack
    from .i18n import text
    from .report import write_report

    first = results[0].scenario
    title = text("report_title", lang).format(base=first.base_year, end=first.end_year)
    saved = write_chart_pack(main_chart_jobs(results, lang, started.date()), folder / "charts",
                             "chart_pack.pdf", lang, title)
    write_report(folder / "report.html", results, saved, lang, started)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = datetime.now().astimezone()
    argv_used = list(sys.argv if argv is None else ["run_scenarios.py", *argv])

    # Imported here so that `--help` and argument errors stay instant.
    from .export import OutputFolderError, publish, write_csvs, write_manifest, write_workbook
    from .run import load_scenarios, run_scenario

    try:
        scenarios = load_scenarios(args.scenarios, args.scenarios_dir, args.settings, args.end_year)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    for scenario in scenarios:
        for warning in scenario.warnings:
            print(f"warning: {warning}", file=sys.stderr)

    results = [run_scenario(s) for s in scenarios]

    def write(folder: Path) -> None:
        write_csvs(results, folder)
        write_workbook(results, folder / "projections.xlsx", args.lang)
        if not args.no_charts:
            write_charts_and_report(results, folder, args.lang, started)
        write_manifest(results, folder / "manifest.json", argv_used, started,
                       {"lang": args.lang, "charts": not args.no_charts})

    try:
        publish(args.out, write)
    except OutputFolderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except OSError as exc:
        print(f"error: could not write results to {args.out}: {exc}", file=sys.stderr)
        return 1

    if not args.quiet:
        from .console import format_summary

        print(format_summary(results))
        if args.settings:
            print(f"\nwhat-if settings applied to every scenario: {', '.join(args.settings)}")
        print(f"\nresults written to {args.out}/")
    return 0
