"""Command line: `python run_scenarios.py [SCENARIO ...] [options]`.

A thin layer: parse arguments, call the pipeline, print. User errors (bad scenario files, an
output folder that cannot be replaced) print a message and return a non-zero code, never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from sim.core.text import Bilingual, vn
from sim.output.charts.saved import DEFAULT_FORMATS, FORMATS
from sim.output.notes import NOTE
from sim.output.publish import STOP_SIGNALS
from sim.scenario.loader import ScenarioError

if TYPE_CHECKING:
    from sim.analysis.compare import CompareResult
    from sim.analysis.suite import SensitivityResults
    from sim.core.plan import Plan
    from sim.output.charts.process import ChartProcess, ChartProcessError
    from sim.output.write import RunOutputs
    from sim.run import ScenarioResult
    from sim.scenario.loader import Scenario
    from sim.term.history import HistoryResult
    from sim.term.tracking import TrackingResult

__all__ = ["main", "build_parser"]

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 128
"""Interrupted by a signal: the exit code is this plus the signal's number (130 for Ctrl-C)."""


def _refused(lang: str, vi: str, en: str) -> argparse.ArgumentTypeError:
    """An option's value refused, said in `lang` (argparse prefixes the option's name)."""
    return argparse.ArgumentTypeError(Bilingual(vi, en).in_(lang))


def _at_least(minimum: int | None, lang: str = "en") -> Callable[[str], int]:
    """A whole number (of at least `minimum`), or an error said in `lang`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            vi, en = (
                f"cần một số nguyên, không phải {text!r}",
                f"expected a whole number, not {text!r}",
            )
            raise _refused(lang, vi, en) from None
        if minimum is not None and value < minimum:
            vi, en = (
                f"phải từ {minimum} trở lên, không phải {value}",
                f"must be {minimum} or more, not {value}",
            )
            raise _refused(lang, vi, en)
        return value

    return parse


def _power_of_two(lang: str = "en") -> Callable[[str], int]:
    """--sobol-n: a power of two (a Sobol' sequence is balanced in blocks of 2^m points)."""

    def parse(text: str) -> int:
        value = _at_least(2, lang)(text)
        if value & (value - 1):
            low, high = 1 << (value.bit_length() - 1), 1 << value.bit_length()
            raise _refused(
                lang,
                f"phải là một lũy thừa của 2, ví dụ {vn(low, ',')} hoặc {vn(high, ',')}, "
                f"không phải {vn(value, ',')}",
                f"must be a power of two, e.g. {low:,} or {high:,}, not {value:,}",
            )
        return value

    return parse


def _folder(lang: str = "en") -> Callable[[str], Path]:
    """A folder's path; an empty one (an unset shell variable, say) is refused, not taken as
    the current folder."""

    def parse(text: str) -> Path:
        if not text.strip():
            raise _refused(
                lang, "cần tên một thư mục, không phải chuỗi rỗng", "expected a folder, not ''"
            )
        return Path(text)

    return parse


def language_asked(argv: Sequence[str]) -> str:
    """The language a command line not yet parsed asks for (its last --lang, as argparse takes
    it): that of --help and of the errors in the arguments themselves. vi unless en."""
    lang = "vi"
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.partition("=")[2]
    return "en" if lang == "en" else "vi"


ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi dừng",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "unrecognized arguments: %s": "không nhận ra tham số: %s",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "expected one argument": "cần một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "invalid %(type)s value: %(value)r": "giá trị %(value)r không hợp lệ",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "lựa chọn %(value)r không hợp lệ (chọn một trong %(choices)s)"
    ),
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s chưa rõ: có thể là %(matches)s"
    ),
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
}
"""argparse's own words (its gettext message ids, Python 3.11) in Vietnamese: the usage line,
the section titles and the errors of a vi command line. An id not listed stays English."""


@contextmanager
def _argparse_words(lang: str) -> Iterator[None]:
    """argparse speaking `lang` while the command line is parsed (it looks each message up
    through its module's gettext function, `argparse._`, as it writes it)."""
    if lang != "vi":
        yield
        return

    def said(message: str) -> str:
        return ARGPARSE_VI.get(message, message)

    def counted(one: str, many: str, n: int) -> str:
        return said(one if n == 1 else many)

    saved = {name: getattr(argparse, name) for name in ("_", "ngettext")}
    setattr(argparse, "_", said)  # noqa: B010 (module globals argparse reads at call time)
    setattr(argparse, "ngettext", counted)  # noqa: B010
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(argparse, name, function)


def build_parser(lang: str = "en") -> argparse.ArgumentParser:
    """The command's arguments, in the order --help lists them, their help and the errors of
    their types in `lang` (argparse's own words: `_argparse_words`)."""
    with _argparse_words(lang):
        parser = argparse.ArgumentParser(
            prog="run_scenarios.py",
            description=Bilingual(
                "Dự báo giá trị sản xuất, thu nhập và thu ngân sách cho từng kịch bản và đối "
                "chiếu với các chỉ tiêu của kế hoạch đặt cạnh các kịch bản (plan.toml).",
                "Project output, income and budget for each scenario and check them against "
                "the targets of the plan beside the scenarios (plan.toml).",
            ).in_(lang),
        )
    say = _Words(lang)
    _add_run_arguments(parser, say)
    _add_term_arguments(parser, say)
    _add_sensitivity_arguments(parser, say)
    _add_switches(parser, say)
    return parser


class _Words:
    """The help of the arguments, and their placeholders, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, vi: str, en: str) -> str:
        return vi if self.lang == "vi" else en

    def var(self, name: str) -> str:
        """A placeholder: FILE / TỆP."""
        return name if self.lang == "en" else METAVARS_VI.get(name, name)


METAVARS_VI = {
    "NAME_OR_PATH": "TÊN_HOẶC_ĐƯỜNG_DẪN",
    "[SCENARIO:]KEY=VALUE": "[KỊCH_BẢN:]KHÓA=GIÁ_TRỊ",
    "BASE": "GỐC",
    "FILE": "TỆP",
    "YEAR": "NĂM",
    "FOLDER": "THƯ_MỤC",
    "LIST": "DANH_SÁCH",
}


def _add_run_arguments(parser: argparse.ArgumentParser, say: _Words) -> None:
    """Which scenarios, where to, how far, what-if settings and the language."""
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar=say.var("NAME_OR_PATH"),
        help=say(
            "các kịch bản cần chạy: tên trong --scenarios-dir hoặc đường dẫn tới tệp .toml "
            "(mặc định: mọi tệp *.toml ngay trong --scenarios-dir)",
            "scenarios to run: names in --scenarios-dir or paths to .toml files "
            "(default: every *.toml directly in --scenarios-dir)",
        ),
    )
    parser.add_argument(
        "--scenarios-dir",
        type=Path,
        default=Path("scenarios"),
        metavar=say.var("FOLDER"),
        help=say(
            "thư mục chứa các tệp kịch bản (mặc định: scenarios)",
            "folder of scenario files (default: scenarios)",
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("results"),
        metavar=say.var("FOLDER"),
        help=say(
            "thư mục kết quả, được thay toàn bộ khi lần chạy thành công (mặc định: results)",
            "output folder, replaced as a whole when the run succeeds (default: results)",
        ),
    )
    parser.add_argument(
        "--end-year",
        type=_at_least(None, say.lang),
        default=None,
        metavar=say.var("YEAR"),
        help=say(
            "dự báo đến năm này thay cho end_year của từng kịch bản",
            "project to this year instead of each scenario's end_year",
        ),
    )
    parser.add_argument(
        "--set",
        dest="settings",
        action="append",
        default=[],
        metavar=say.var("[SCENARIO:]KEY=VALUE"),
        help=say(
            "thay một giá trị của kịch bản chỉ cho lần chạy này, ví dụ "
            "--set sectors.industry.growth_pct=10 (mọi kịch bản của lần chạy) hoặc "
            "--set optimistic:sectors.industry.growth_pct=10 (riêng kịch bản đó); dùng được "
            'nhiều lần; kịch bản bị thay được đánh dấu "giả định thay đổi" trong mọi kết quả',
            "override a scenario value for this run only, e.g. "
            "--set sectors.industry.growth_pct=10 (every scenario of the run) or "
            "--set optimistic:sectors.industry.growth_pct=10 (that scenario only); repeatable; "
            "a scenario changed so is marked what-if in every output",
        ),
    )
    parser.add_argument(
        "--compare",
        metavar=say.var("BASE"),
        default=None,
        help=say(
            "so sánh từng kịch bản khác với GỐC (ví dụ baseline): chênh lệch năm cuối và phần "
            "chênh lệch do từng tham số khác nhau (phân tách Shapley), trong <out>/compare",
            "compare every other scenario with BASE (e.g. baseline): end-year differences and "
            "the Shapley attribution of the gap to each differing parameter, under <out>/compare",
        ),
    )
    parser.add_argument(
        "--lang",
        choices=("vi", "en"),
        default="vi",
        help=say(
            "ngôn ngữ của biểu đồ, báo cáo, bảng tính và thông báo (mặc định: vi)",
            "language of charts, report, workbook and messages (default: vi)",
        ),
    )


def _add_term_arguments(parser: argparse.ArgumentParser, say: _Words) -> None:
    """Mid-term tracking against actuals, and scenario files for the next term."""
    parser.add_argument(
        "--actuals",
        type=Path,
        default=None,
        metavar=say.var("FILE"),
        help=say(
            "số liệu thực hiện (CSV, xem scenarios/actuals_example.csv): thêm so sánh kế hoạch "
            "với thực hiện, dự báo cập nhật theo thực hiện và tốc độ tăng cần đạt cho phần còn "
            "lại của nhiệm kỳ",
            "observed values (CSV, see scenarios/actuals_example.csv): adds plan "
            "against actual, re-baselined projections and the growth the rest of "
            "the term needs",
        ),
    )
    parser.add_argument(
        "--rebase-year",
        type=_at_least(None, say.lang),
        default=None,
        metavar=say.var("YEAR"),
        help=say(
            "ghi thêm, cho từng kịch bản, một tệp kịch bản mới bắt đầu từ trạng thái năm NĂM "
            "(cập nhật theo --actuals nếu có) vào <out>/rebased/, để chép sang thư mục kịch "
            "bản của nhiệm kỳ sau",
            "also write, for each scenario, a new scenario file starting from its "
            "state in YEAR (re-baselined through --actuals when given) into "
            "<out>/rebased/, to copy into a scenarios folder for the next term",
        ),
    )


def _add_sensitivity_arguments(parser: argparse.ArgumentParser, say: _Words) -> None:
    """--sensitivity and its Monte Carlo's draws and seed."""
    parser.add_argument(
        "--sensitivity",
        action="store_true",
        help=say(
            "chạy thêm các phân tích độ nhạy và bất định (từng tham số, lưới hai chiều, "
            "Monte Carlo, Sobol, tìm ngược mục tiêu) vào <out>/sensitivity/",
            "also run the sensitivity and uncertainty analyses (one-at-a-time, two-way grid, "
            "Monte Carlo, Sobol, goal seek) into <out>/sensitivity/",
        ),
    )
    parser.add_argument(
        "--draws",
        type=_at_least(1, say.lang),
        default=None,
        metavar="N",
        help=say(
            "số lần mô phỏng Monte Carlo, với --sensitivity (mặc định 10.000)",
            "Monte Carlo draws with --sensitivity (default 10,000)",
        ),
    )
    parser.add_argument(
        "--seed",
        type=_at_least(0, say.lang),
        default=None,
        metavar="S",
        help=say(
            "hạt giống ngẫu nhiên, với --sensitivity, để lặp lại đúng các lần mô phỏng (mặc "
            "định: một hạt mới, ghi vào manifest)",
            "random seed with --sensitivity, for reproducible draws (default: a fresh seed, "
            "recorded in the manifest)",
        ),
    )
    parser.add_argument(
        "--sobol-n",
        type=_power_of_two(say.lang),
        default=None,
        metavar="N",
        help=say(
            "cỡ mẫu gốc của phân tích Sobol, với --sensitivity, một lũy thừa của 2 (mặc định "
            "16.384; mô hình chạy N x (số tham số + 2) lần)",
            "base sample of the Sobol analysis with --sensitivity, a power of two (default "
            "16,384; the model runs N x (parameters + 2) times)",
        ),
    )


def _add_switches(parser: argparse.ArgumentParser, say: _Words) -> None:
    """Charts, the track record and the terminal summary, on or off; --new-plan."""
    parser.add_argument(
        "--new-plan",
        type=_folder(say.lang),
        default=None,
        metavar=say.var("FOLDER"),
        help=say(
            "ghi một plan.toml và một baseline.toml mẫu, có chú thích, vào THƯ_MỤC (các giá "
            "trị là ví dụ để thay) rồi dừng; không bao giờ ghi đè tệp đã có",
            "write a commented starter plan.toml and baseline.toml into FOLDER (their values "
            "are examples to replace) and stop; existing files are never replaced",
        ),
    )
    parser.add_argument(
        "--no-charts",
        action="store_true",
        help=say(
            "bỏ biểu đồ, tập biểu đồ PDF và báo cáo HTML (nhanh hơn)",
            "skip charts, the PDF chart pack and the HTML report (faster)",
        ),
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help=say(
            "vẽ lại mọi biểu đồ, không lấy từ bộ nhớ đệm biểu đồ (thư mục của bộ nhớ đệm đặt "
            "bằng biến môi trường HUONGTRA_SIM_CACHE; HUONGTRA_SIM_CACHE=off để tắt)",
            "draw every chart afresh, not from the chart cache (the cache folder is set by "
            "the environment variable HUONGTRA_SIM_CACHE; HUONGTRA_SIM_CACHE=off turns it off)",
        ),
    )
    parser.add_argument(
        "--formats",
        type=partial(_formats, lang=say.lang),
        default=None,  # (DEFAULT_FORMATS, once --no-charts is known not to be given with it)
        metavar=say.var("LIST"),
        help=say(
            "định dạng biểu đồ, cách nhau bằng dấu phẩy, trong png, pdf, svg (mặc định: "
            "png,pdf: tệp PNG cho Word và tập biểu đồ PDF để in; luôn có png, báo cáo dùng nó)",
            "chart formats, comma-separated from png, pdf, svg (default: png,pdf: PNG files "
            "for Word and the PDF chart pack for print; png is always written, the report "
            "shows it)",
        ),
    )
    parser.add_argument(
        "--history",
        type=Path,
        default=None,
        metavar=say.var("FILE"),
        help=say(
            "kịch bản lịch sử cho phần thực hiện giai đoạn trước và kiểm tra tính hiện thực "
            "(mặc định: kịch bản [history] của kế hoạch, hoặc chỉ các tốc độ đã ghi của nó)",
            "the history scenario for the track record and realism check (default: the "
            "plan's [history] scenario, or its record rates alone)",
        ),
    )
    parser.add_argument(
        "--no-history",
        action="store_true",
        help=say(
            "bỏ phần thực hiện giai đoạn trước và kiểm tra tính hiện thực",
            "skip the track record and realism check",
        ),
    )
    parser.add_argument(
        "--quiet",
        action="store_true",
        help=say("chỉ in lỗi và cảnh báo", "print only errors and warnings"),
    )


class _UserError(Exception):
    """A mistake in the run's input (files or arguments): its message is printed, no traceback."""


class _Interrupted(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP during a run; `signum` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


ERROR = Bilingual("lỗi", "error")
WARNING = Bilingual("cảnh báo", "warning")


def _error(message: object, lang: str = "en") -> int:
    print(f"{ERROR.in_(lang)}: {message}", file=sys.stderr)
    return EXIT_USER_ERROR


def _note(message: Bilingual, lang: str) -> None:
    print(f"{NOTE.in_(lang)}: {message.in_(lang)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None, charts: ChartProcess | None = None) -> int:
    """Run the command; the exit code: 0, 1 (results could not be written), 2 (a user error),
    128 + the signal's number when interrupted (130 for Ctrl-C, 143 SIGTERM, 129 SIGHUP).

    `charts`: the chart process, forked by the caller before it imported most of the tool
    (run_scenarios.py, `ChartProcess.start`: once the modules both need are imported); stopped
    here if the run draws no charts. Without it, a run that draws
    charts forks its own."""
    try:
        return _main(argv, charts)
    finally:
        if charts is not None:
            charts.stop()  # (nothing left to stop after a finished run)


def _main(argv: Sequence[str] | None, charts: ChartProcess | None) -> int:
    lang = language_asked(sys.argv[1:] if argv is None else argv)
    with _argparse_words(lang):
        args = build_parser(lang).parse_args(argv)
    if args.new_plan is not None:
        return _new_plan(args.new_plan, args.lang)
    started = datetime.now().astimezone()
    argv_used = list(sys.argv if argv is None else ["run_scenarios.py", *argv])
    if (args.draws, args.seed, args.sobol_n) != (None, None, None) and not args.sensitivity:
        said = Bilingual(
            "--draws, --seed và --sobol-n chỉ dùng với --sensitivity; hãy thêm --sensitivity",
            "--draws, --seed and --sobol-n apply to --sensitivity; add --sensitivity",
        )
        return _error(said.in_(args.lang), args.lang)
    if args.formats is not None and args.no_charts:
        said = Bilingual(
            "--formats chọn định dạng của biểu đồ, mà --no-charts bỏ biểu đồ; hãy bỏ một trong hai",
            "--formats chooses the charts' formats, and --no-charts draws none; drop one of them",
        )
        return _error(said.in_(args.lang), args.lang)
    args.formats = args.formats or DEFAULT_FORMATS
    if args.sensitivity and args.draws is not None and args.draws < FEW_DRAWS:
        _few_draws_warning(args.draws, args.lang)
    published: list[bool] = []
    with _stop_signals_raise(), _python_warnings_as_notes(args.lang):
        try:
            return _run(args, started, argv_used, lambda: published.append(True), charts)
        except KeyboardInterrupt as exc:
            # One line, no traceback: the workers are stopped and the new folder removed by now.
            signum = exc.signum if isinstance(exc, _Interrupted) else signal.SIGINT
            said = (
                Bilingual(
                    "đã bị ngắt; kết quả đã được ghi xong",
                    "interrupted; results were already published",
                )
                if published
                else Bilingual(
                    "đã bị ngắt; kết quả trước không thay đổi",
                    "interrupted; previous results unchanged",
                )
            )
            print(said.in_(args.lang), file=sys.stderr)
            return EXIT_INTERRUPTED + signum


FEW_DRAWS = 1000
"""Below this many Monte Carlo draws a run says how coarse its probabilities are."""


def _few_draws_warning(draws: int, lang: str) -> None:
    """The 95 % margin of a probability near one half after `draws` draws, in points: the
    probabilities and percentiles of so few draws are rough (1 draw: every target 0 or 100 %)."""
    margin = min(100.0, 196.0 * 0.5 / draws**0.5)
    said = Bilingual(
        f"--draws {draws}: với ít hơn {vn(FEW_DRAWS, ',')} lần mô phỏng, xác suất đạt chỉ tiêu và "
        f"các phân vị rất thô (sai số 95 % của một xác suất tới ±{vn(margin, '.0f')} điểm phần "
        "trăm)",
        f"--draws {draws}: with fewer than {FEW_DRAWS:,} draws the target probabilities and "
        f"percentiles are rough (a probability's 95 % margin up to ±{margin:.0f} percentage "
        "points)",
    )
    print(f"{WARNING.in_(lang)}: {said.in_(lang)}", file=sys.stderr)


def _new_plan(folder: Path, lang: str) -> int:
    """--new-plan FOLDER: write the starter files; say what to do next."""
    from sim.scenario.starter import StarterError, write_starter

    try:
        written = write_starter(folder, lang)
    except StarterError as exc:
        return _error(exc.render(lang), lang)
    files = ", ".join(map(str, written))
    said = Bilingual(
        f"đã ghi {files}\nmọi giá trị trong đó là ví dụ cần thay (địa phương, nhiệm kỳ, chỉ "
        "tiêu, năm gốc, tỷ trọng, tốc độ tăng); chạy bằng lệnh: python run_scenarios.py "
        f"--scenarios-dir {folder}",
        f"wrote {files}\nevery value in them is an example to replace (locality, term, targets, "
        "base year, shares, rates); run them with: python run_scenarios.py --scenarios-dir "
        f"{folder}",
    )
    print(said.in_(lang))
    return 0


@contextmanager
def _python_warnings_as_notes(lang: str) -> Iterator[None]:
    """While the run lasts, a warning that Python or a library raises (numpy, pandas,
    XlsxWriter) prints as one plain note (`sim.output.notes`), not as Python's file, line and
    source code; the chart process does the same for matplotlib's."""
    from sim.output.notes import warning_as_note

    with warnings.catch_warnings():
        warnings.showwarning = warning_as_note(lang)
        yield


@contextmanager
def _stop_signals_raise() -> Iterator[None]:
    """While the run lasts, Ctrl-C, SIGTERM and SIGHUP raise _Interrupted in the main thread, so
    that each stops the run the same way (workers killed, the new folder removed); the first
    one only: a second one during that cleanup is ignored. Signals ignored by the caller (nohup)
    stay ignored; the previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if not fired:
            fired.append(signum)
            raise _Interrupted(signum)

    previous = {
        signum: signal.signal(signum, stop)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)


def _run(
    args: argparse.Namespace,
    started: datetime,
    argv: list[str],
    on_swapped: Callable[[], None],
    charts: ChartProcess | None = None,
) -> int:
    """Compute, publish and summarise the run; the exit code. `charts`: the chart process the
    caller started (and stops); without it, a run that draws charts starts and stops its own,
    first, before most libraries below load (`ChartProcess.start`): it loads matplotlib
    meanwhile, on the other core, and draws while this process computes and writes the rest."""
    if args.no_charts:
        return _run_with(args, started, argv, on_swapped, None)
    if charts is not None:
        return _run_with(args, started, argv, on_swapped, charts)
    from sim.output.charts.process import ChartProcess

    own = ChartProcess.start()
    try:
        return _run_with(args, started, argv, on_swapped, own)
    finally:
        own.stop()


def _run_with(
    args: argparse.Namespace,
    started: datetime,
    argv: list[str],
    on_swapped: Callable[[], None],
    charts: ChartProcess | None,
) -> int:
    # Imported here so that `--help` and argument errors stay instant.
    from sim.output.charts.process import ChartProcessError
    from sim.output.publish import OutputFolderError, check_output_folder, publish
    from sim.output.write import write_run

    try:
        check_output_folder(args.out)  # before the computation: a bad --out fails at once
        run = _compute(args, started, argv, charts)
    except _UserError as exc:
        return _error(exc, args.lang)
    except OutputFolderError as exc:
        return _error(exc.render(args.lang), args.lang)
    except ChartProcessError as exc:
        return _chart_process_error(exc, args.lang)
    if not args.quiet:
        # The numbers first: the charts take most of a run, and a planner in a meeting reads
        # the summary while they are drawn (its progress line is on stderr).
        _to_stdout(lambda: _print_summary(run, args.settings))
    from sim.output.files import NonFiniteError  # (pandas: once the charts are drawing)

    try:
        publish(
            args.out,
            lambda folder: write_run(folder, run, charts),
            on_swapped,
            lambda message: _note(message, args.lang),
        )
    except OutputFolderError as exc:
        return _error(exc.render(args.lang), args.lang)
    except NonFiniteError as exc:
        return _error(exc, args.lang)
    except ChartProcessError as exc:
        return _chart_process_error(exc, args.lang)
    except OSError as exc:
        said = Bilingual(
            f"không ghi được kết quả vào {args.out}: {exc}",
            f"could not write results to {args.out}: {exc}",
        )
        print(f"{ERROR.in_(args.lang)}: {said.in_(args.lang)}", file=sys.stderr)
        return 1
    if not args.quiet:
        _to_stdout(lambda: _print_written(run, args.out))
    return 0


def _chart_process_error(exc: ChartProcessError, lang: str) -> int:
    """The chart process died (killed, out of memory): nothing was published."""
    unchanged = Bilingual("kết quả trước không thay đổi", "previous results unchanged")
    print(f"{ERROR.in_(lang)}: {exc.message.in_(lang)}; {unchanged.in_(lang)}", file=sys.stderr)
    return 1


def _to_stdout(write: Callable[[], None]) -> None:
    """Run `write` (which prints) and flush. A reader that stopped reading (`| head`) does not
    stop the run: the rest of the output goes nowhere and the files are still written. With
    no stdout at all (started with it closed) there is nothing to print."""
    if sys.stdout is None:
        return
    try:
        write()
        sys.stdout.flush()
    except BrokenPipeError:
        # (the Python documentation's recipe: later writes and the exit's flush go nowhere)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _with_actuals_problems(error: ScenarioError, actuals: Path | None, lang: str) -> str:
    """The scenario problems, and those of the actuals file when it has any, in `lang`: one run
    reports every input problem at once, not one stage at a time. The scenarios did not load,
    so the actuals' indicator names are not checked here (the next run checks them)."""
    if actuals is None:
        return error.render(lang)
    from sim.scenario.actuals import ActualsError, read_actuals

    try:
        read_actuals(actuals, any_indicator=True)
    except ActualsError as more:
        return f"{error.render(lang)}\n{more.render(lang)}"
    return error.render(lang)


def _compute(
    args: argparse.Namespace, started: datetime, argv: list[str], charts: ChartProcess | None
) -> RunOutputs:
    """Every result of the run, in the order the run computes them (warnings print on the way);
    `charts` begins drawing the congress charts as soon as the projections they show exist.

    Raises _UserError for a mistake in a scenario or actuals file or in --rebase-year."""
    from sim.output.write import RunOutputs, start_charts
    from sim.run import load_scenarios, run_scenario

    try:
        scenarios = load_scenarios(args.scenarios, args.scenarios_dir, args.settings, args.end_year)
    except ScenarioError as exc:
        raise _UserError(_with_actuals_problems(exc, args.actuals, args.lang)) from exc
    _check_inputs_outside(args, scenarios)
    _print_warnings(scenarios, args.lang)
    _plan_warnings(scenarios[0].plan, args.lang)
    _unprojected_target_warnings(scenarios, args.lang)
    results = [run_scenario(s) for s in scenarios]
    _check_rebase_year(args.rebase_year, scenarios, args.lang)
    # (a bad base is said before the long analyses)
    compare = _compare(args.compare, results, args.lang)
    tracking = (
        None if args.actuals is None else _tracking(args.actuals, scenarios, results, args.lang)
    )
    run = RunOutputs(
        compare=compare,
        results=results,
        lang=args.lang,
        started=started,
        argv=argv,
        charts=not args.no_charts,
        formats=args.formats,
        on_progress=_chart_progress(args.lang),
        chart_cache=not args.no_cache,
        tracking=tracking,
        rebase_year=args.rebase_year,
        actuals_path=args.actuals,
    )
    if charts is not None:  # (before the history and the tables load pandas: 0.4 s)
        from sim.output.publish import scratch_folder

        start_charts(charts, run, scratch_folder(args.out))
    run = replace(run, history=_history(args, results))
    if args.sensitivity:
        sensitivity = _sensitivity(scenarios, args.draws, args.seed, args.sobol_n, args.lang)
        run = replace(run, sensitivity=sensitivity)
    return run


def _print_warnings(scenarios: Sequence[Scenario], lang: str) -> None:
    """The scenarios' warnings, each once, naming the scenarios it concerns (a warning of a
    file that several scenarios extend is theirs together)."""
    from sim.output.console import format_warnings

    pairs = [
        (s.filed_title(lang), warning.render(lang)) for s in scenarios for warning in s.warnings
    ]
    for line in format_warnings(pairs, lang):
        print(line, file=sys.stderr)


def _plan_warnings(plan: Plan, lang: str) -> None:
    """Say plainly, on stderr (also with --quiet), in the run's language, that the plan holds a
    starter's example values (that it sets no targets the summary says, once)."""
    from sim.output.i18n import text
    from sim.output.plan_text import plan_notes

    where = plan.file or "plan.toml"
    for note in plan_notes(plan, lang):
        print(f"{text('sum.warning', lang)}: {where}: {note}", file=sys.stderr)


def _unprojected_target_warnings(scenarios: Sequence[Scenario], lang: str) -> None:
    """A target on a series no scenario of the run projects reads "not projected" everywhere:
    say so on stderr, with the closest series name (a typo in the plan, or an indicator no
    scenario defines)."""
    from sim.output.i18n import text
    from sim.scenario.plan import unknown_indicator_problems

    for problem in unknown_indicator_problems(scenarios):
        print(f"{text('sum.warning', lang)}: {problem.render(lang)}", file=sys.stderr)


def _compare(base: str | None, results: list[ScenarioResult], lang: str) -> CompareResult | None:
    """With --compare: the compare view. Raises _UserError for an unknown base or scenarios of
    different years or structure."""
    if base is None:
        return None
    from sim.analysis.compare import CompareError, compare_run

    try:
        return compare_run(base, results)
    except CompareError as exc:
        raise _UserError(exc.render(lang)) from exc


def _formats(value: str, lang: str = "en") -> tuple[str, ...]:
    """--formats png,pdf,svg: the chart formats, in that order, each once; png always."""
    names = [name.strip().lower() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in FORMATS]
    if unknown:
        raise _refused(
            lang,
            f"không có định dạng biểu đồ {', '.join(unknown)}: chọn trong png, pdf, svg",
            f"unknown chart format {', '.join(unknown)}: choose from png, pdf, svg",
        )
    return tuple(name for name in FORMATS if name == "png" or name in names)


def _chart_progress(lang: str) -> Callable[[str, int, int], None]:
    """The chart stage's progress line: on stderr when it is a terminal, after about 1 s."""
    from sim.output.console import ProgressBar
    from sim.output.i18n import text

    shown = text("progress.charts", lang)
    return ProgressBar(
        sys.stderr, unit=text("progress.charts_unit", lang), lang=lang, show=lambda _: shown
    )


def _check_rebase_year(year: int | None, scenarios: Sequence[Scenario], lang: str) -> None:
    if year is None:
        return
    outside = ", ".join(s.name for s in scenarios if year not in s.years)
    if outside:
        raise _UserError(
            Bilingual(
                f"--rebase-year {year} nằm ngoài các năm dự báo của {outside}",
                f"--rebase-year {year} is outside the projection years of {outside}",
            ).in_(lang)
        )


def _check_inputs_outside(args: argparse.Namespace, scenarios: Sequence[Scenario]) -> None:
    """Refuse a run that reads a file (or the scenarios' folder) inside --out: publishing
    replaces that folder as a whole and would delete it. Raises _UserError naming them all."""
    from sim.output.publish import OutputFolderError, check_inputs_outside

    inputs = [f for s in scenarios for f in s.files]
    inputs += [Path(s.plan.file) for s in scenarios if s.plan.file]
    history = _history_path(args.history, scenarios[0].plan)
    inputs += [p for p in (args.actuals, history) if p is not None]
    if args.scenarios_dir.is_dir():
        inputs.append(args.scenarios_dir)
    try:
        check_inputs_outside(args.out, inputs)
    except OutputFolderError as exc:
        raise _UserError(exc.render(args.lang)) from exc


def _history_path(given: Path | None, plan: Plan) -> Path | None:
    """The history scenario a run reads: --history, else the plan's [history] scenario."""
    record = plan.history
    if given is None and record is not None and record.scenario:
        return Path(plan.file).parent / record.scenario
    return given


def _history(args: argparse.Namespace, results: list[ScenarioResult]) -> HistoryResult | None:
    """The track record: --history, else the plan's [history] (its back-cast scenario, its rates)."""
    from sim.run import run_plan

    plan = run_plan(results)
    record = plan.history
    history_path = _history_path(args.history, plan)
    if args.no_history or (history_path is None and record is None):
        return None
    from sim.run import load_scenarios
    from sim.term.history import run_history

    try:
        history = None
        if history_path is not None:
            history = load_scenarios([str(history_path)], args.scenarios_dir)[0]
        start = results[0].scenario.base_year
        if history is not None and history.end_year > start:
            said = Bilingual(
                f"{history_path}: kịch bản lịch sử kết thúc năm {history.end_year}, sau năm gốc "
                f"{start} của lượt chạy: số liệu thực hiện giai đoạn trước phải kết thúc trước "
                "hoặc tại năm gốc (đây là một kịch bản dự báo?)",
                f"{history_path}: the history scenario ends in {history.end_year}, after the "
                f"run's base year {start}: a track record must end at or before the base year "
                "(is this a projection scenario?)",
            )
            raise _UserError(said.in_(args.lang))
        return run_history(history, results, record)
    except ScenarioError as exc:
        raise _UserError(exc.render(args.lang)) from exc


def _tracking(
    path: Path, scenarios: Sequence[Scenario], results: list[ScenarioResult], lang: str
) -> TrackingResult:
    """Plan against the actuals in `path` (--actuals)."""
    from sim.scenario.actuals import ActualsError, read_actuals
    from sim.scenario.values import Problem
    from sim.term.tracking import track

    try:
        actuals = read_actuals(path, {n for s in scenarios for n in s.indicators})
        tracking = track(results, actuals)
    except ActualsError as exc:
        raise _UserError(exc.render(lang)) from exc
    for warning in tracking.warnings:  # a rate like a fraction; implausible figures, used as given
        shown = (
            warning.render(lang) if isinstance(warning, Problem) else warning.message().in_(lang)
        )
        print(f"{WARNING.in_(lang)}: {shown}", file=sys.stderr)
    return tracking


def _sensitivity(
    scenarios: Sequence[Scenario],
    draws: int | None,
    seed: int | None,
    sobol_n: int | None,
    lang: str,
) -> SensitivityResults:
    """--sensitivity: every analysis, with a progress bar when stderr is a terminal."""
    from sim.analysis.montecarlo.engine import DEFAULT_DRAWS
    from sim.analysis.suite import SOBOL_BASE_SAMPLE, run_sensitivity
    from sim.output.console import ProgressBar
    from sim.output.i18n import text

    for scenario in scenarios:
        if scenario.uncertainty is None:
            said = Bilingual(
                f"{scenario.title('vi')} ({scenario.files[0].name}) không có mục [uncertainty]: chỉ "
                "tính lưới hai chiều và phép tìm giá trị cần đạt của kịch bản này",
                f"{scenario.title('en')} ({scenario.files[0].name}) has no [uncertainty] section: "
                "only its two-way grid and goal seeks are computed",
            )
            print(f"{WARNING.in_(lang)}: {said.in_(lang)}", file=sys.stderr)
    draws = DEFAULT_DRAWS if draws is None else draws
    sobol_n = SOBOL_BASE_SAMPLE if sobol_n is None else sobol_n
    titles = {s.name: s.title(lang) for s in scenarios}

    def shown(name: str) -> str:  # (the Monte Carlo's scenario)
        return text("progress.monte_carlo", lang).format(scenario=titles.get(name, name))

    bar = ProgressBar(sys.stderr, unit=text("progress.draws", lang), lang=lang, show=shown)
    return run_sensitivity(scenarios, draws, seed, sobol_n=sobol_n, on_progress=bar)


def _print_summary(run: RunOutputs, settings: Sequence[str]) -> None:
    """The terminal summary: projections and scorecard, then each further analysis (printed
    before the files are written)."""
    from sim.output.console import (
        format_history,
        format_rebaselined_scorecard,
        format_sensitivity,
        format_summary,
        format_tracking,
        format_what_if,
    )

    lang, results = run.lang, run.results
    print(format_summary(results, lang, run.actuals_year))
    if run.history is not None:
        print()
        print(format_history(run.history, lang, results))
    if run.tracking is not None:
        print()
        print(format_tracking(run.tracking, lang))
        print()
        print(format_rebaselined_scorecard(results, run.tracking, lang))
    if run.sensitivity is not None:
        print()
        print(format_sensitivity(run.sensitivity, lang, results))
    if settings:
        print()
        print(format_what_if(settings, [r.scenario for r in results], lang))
    if run.compare is not None:
        from sim.output.console import format_compare

        print()
        print(format_compare(run.compare, run.results, run.lang))


def _print_written(run: RunOutputs, out: Path) -> None:
    """What the run wrote and where (printed once the files are in place)."""
    from sim.output.console import format_written

    if run.rebase_year is not None:
        from sim.output.console import format_rebased

        rebased = run.tracking.rebased if run.tracking is not None else ()
        scenarios = [r.result.scenario for r in rebased] or [r.scenario for r in run.results]
        print()
        print(format_rebased(scenarios, run.rebase_year, f"{out}/rebased/", run.lang))
    print()
    print(format_written(out.absolute(), run.lang))
