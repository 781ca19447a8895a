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
        "--no-charts",
        action="store_true",
        help="skip charts, the PDF chart pack and the HTML report (faster)",
    )
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    return parser


def write_charts_and_report(
    results, folder: Path, lang: str, started: datetime, tracking=None
) -> None:
    """The chart pack (PNG, SVG, one PDF) under <folder>/charts and the HTML report."""
    from .chartpack import main_chart_jobs, tracking_chart_jobs, write_chart_pack
    from .i18n import text
    from .report import tracking_section, write_report

    first = results[0].scenario
    title = text("report_title", lang).format(base=first.base_year, end=first.end_year)
    jobs = main_chart_jobs(results, lang, started.date())
    sections = []
    if tracking is not None:
        jobs += tracking_chart_jobs(results, tracking, lang, started.date())
        sections.append((text("tracking", lang), tracking_section(tracking, lang)))
    saved = write_chart_pack(jobs, folder / "charts", "chart_pack.pdf", lang, title)
    write_report(folder / "report.html", results, saved, lang, started, sections)


def write_rebased(results, folder: Path, year: int, started: datetime, tracking=None) -> None:
    """<folder>/<scenario>_<year>_<year+5>.toml: each scenario restarted from its state in year."""
    from .rebase import NEXT_TERM_YEARS, rebased_scenario_text

    folder.mkdir(parents=True, exist_ok=True)
    basis = (
        "plan"
        if tracking is None
        else f"re-baselined through actuals to {tracking.actuals.latest_year}"
    )
    for result in results:
        name = f"{result.scenario.name}_{year}_{year + NEXT_TERM_YEARS}.toml"
        text = rebased_scenario_text(result, year, basis, started.date())
        (folder / name).write_text(text, encoding="utf-8")


def _error(message: object) -> int:
    print(f"error: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    started = datetime.now().astimezone()
    argv_used = list(sys.argv if argv is None else ["run_scenarios.py", *argv])

    # Imported here so that `--help` and argument errors stay instant.
    from .export import (
        OutputFolderError,
        publish,
        write_csvs,
        write_manifest,
        write_tracking_csvs,
        write_workbook,
    )
    from .run import load_scenarios, run_scenario

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

    tracking = None
    if args.actuals is not None:
        from .actuals import ActualsError, read_actuals
        from .tracking import track

        try:
            actuals = read_actuals(args.actuals, {n for s in scenarios for n in s.indicators})
            tracking = track(results, actuals)
        except ActualsError as exc:
            return _error(exc)
    rebased = [r.result for r in tracking.rebased] if tracking else []

    def write(folder: Path) -> None:
        write_csvs(results, folder, rebased)
        write_workbook(results, folder / "projections.xlsx", args.lang, rebased)
        if tracking is not None:
            write_tracking_csvs(tracking, folder / "tracking")
        if args.rebase_year is not None:
            write_rebased(
                rebased or results, folder / "rebased", args.rebase_year, started, tracking
            )
        if not args.no_charts:
            write_charts_and_report(results, folder, args.lang, started, tracking)
        extra = {"lang": args.lang, "charts": not args.no_charts}
        if tracking is not None:
            extra["actuals"] = {
                "file": str(args.actuals),
                "sha256": _sha256(args.actuals),
                "latest_year": tracking.actuals.latest_year,
            }
        write_manifest(results, folder / "manifest.json", argv_used, started, extra)

    try:
        publish(args.out, write)
    except OutputFolderError as exc:
        return _error(exc)
    except OSError as exc:
        print(f"error: could not write results to {args.out}: {exc}", file=sys.stderr)
        return 1

    if not args.quiet:
        from .console import format_summary, format_tracking

        print(format_summary(results))
        if tracking is not None:
            print()
            print(format_tracking(tracking))
        if args.settings:
            print(f"\nwhat-if settings applied to every scenario: {', '.join(args.settings)}")
        print(f"\nresults written to {args.out}/")
    return 0


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
