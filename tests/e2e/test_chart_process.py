"""The chart process: forked first, drawing while the run computes, the run never loading
matplotlib; batches numbered on; errors, progress and stopping."""

import os
import subprocess
import sys
import time
from datetime import date

import pytest
from conftest import REPO, SCENARIOS
from pypdf import PdfReader

from sim.output.charts import pack
from sim.output.charts.process import FAMILIES, ChartProcess, PackSettings
from sim.output.publish import remove_leftovers, scratch_folder
from sim.run import load_scenarios, run_scenario

RUN_DATE = date(2026, 11, 27)
SETTINGS = PackSettings("charts", "pack.pdf", "vi", "Tập biểu đồ", ("png", "pdf"), cache=False)


@pytest.fixture(scope="module")
def results():
    return [run_scenario(s) for s in load_scenarios(["baseline"], SCENARIOS)]


def children(pid: int) -> list[int]:
    from test_hardening_signals import descendants

    return descendants(pid)


@pytest.mark.slow
def test_a_chart_run_never_loads_matplotlib_in_the_runs_process(results, tmp_path):
    code = (
        "import sys; from sim.cli import main; "
        f"code = main(['baseline', '--quiet', '--no-history', '--out', {str(tmp_path / 'r')!r}]); "
        "print(code, 'matplotlib' in sys.modules, 'fontTools' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    drawn = sorted(p.stem for p in (tmp_path / "r" / "charts").glob("*.png"))
    assert drawn == sorted(job.stem for job in pack.main_chart_jobs(results, "vi", RUN_DATE))
    assert (tmp_path / "r" / "charts" / "chart_pack.pdf").exists()


SPY_FIRST_BATCH = """
import sys
from sim.output.charts.process import ChartProcess

loaded = []
draw = ChartProcess.draw

def spy(self, *args, **kwargs):
    if not loaded:
        loaded.append([name in sys.modules for name in ("pandas", "xlsxwriter")])
    return draw(self, *args, **kwargs)

ChartProcess.draw = spy
charts = ChartProcess.start()
from sim.cli import main
code = main(["--quiet", "--out", sys.argv[1]], charts=charts)
print(code, *loaded[0])
"""


@pytest.mark.slow
def test_the_congress_charts_are_sent_before_the_run_loads_pandas(tmp_path):
    """The chart process waits for its first batch: the run sends it as soon as the
    projections exist, before the history and the tables load pandas and XlsxWriter (0.4 s)."""
    done = subprocess.run(
        [sys.executable, "-c", SPY_FIRST_BATCH, str(tmp_path / "r")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    assert (tmp_path / "r" / "history").is_dir()  # (a run with a track record: it came after)


@pytest.mark.slow
def test_batches_are_numbered_on_and_written_into_the_folder(results, tmp_path):
    charts = ChartProcess.start()
    try:
        first = ("main_chart_jobs", (results, "vi", RUN_DATE, []))
        charts.draw(SETTINGS, [first], tmp_path / "scratch")
        charts.draw(SETTINGS, [first])  # a second batch: the same charts again, numbered on
        seen = []
        written = charts.finish(tmp_path / "out", lambda *a: seen.append(a))
    finally:
        charts.stop()
    saved = written["charts"]
    n = len(saved) // 2
    assert [c.number for c in saved] == list(range(1, 2 * n + 1))
    assert seen[-1] == ("charts", 2 * n, 2 * n)
    assert all(c.png.parent == tmp_path / "out" / "charts" and c.png.exists() for c in saved)
    pages = PdfReader(tmp_path / "out" / "charts" / "pack.pdf").pages
    assert len(pages) == 2 * n
    assert f"Biểu {n + 1}." in pages[n].extract_text()
    assert not (tmp_path / "scratch").exists()  # removed once finished
    assert children(os.getpid()) == []


@pytest.mark.slow
def test_the_same_charts_without_fork_are_the_same_files(results, tmp_path, monkeypatch):
    recipe = ("main_chart_jobs", (results, "vi", RUN_DATE, []))
    forked = ChartProcess.start()
    forked.draw(SETTINGS, [recipe], tmp_path / "s1")
    a = forked.finish(tmp_path / "a")["charts"]
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    here = ChartProcess.start()
    assert here._process is None  # drawn in this process, at finish
    here.draw(SETTINGS, [recipe], tmp_path / "s2")
    b = here.finish(tmp_path / "b")["charts"]
    assert [c.stem for c in a] == [c.stem for c in b]
    for x, y in zip(a, b, strict=True):
        assert x.png.read_bytes() == y.png.read_bytes()


class FailingChart:
    def draw(self):
        raise RuntimeError("a chart failed")


class SlowChart:
    def draw(self):
        time.sleep(30)
        raise AssertionError("never waited for")


@pytest.mark.slow
def test_a_failed_chart_is_raised_by_finish_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(
        pack, "main_chart_jobs", lambda *a: [pack.ChartJob("01_bad", FailingChart(), "x")]
    )
    charts = ChartProcess.start()  # forked after the patch: the chart process has it
    try:
        charts.draw(SETTINGS, [("main_chart_jobs", ())], tmp_path / "scratch")
        with pytest.raises(RuntimeError, match="a chart failed"):
            charts.finish(tmp_path / "out")
    finally:
        charts.stop()
    assert not (tmp_path / "out" / "charts" / "pack.pdf").exists()
    assert not (tmp_path / "scratch").exists()
    assert children(os.getpid()) == []


@pytest.mark.slow
def test_stop_kills_the_chart_process_and_its_workers_at_once(tmp_path, monkeypatch):
    slow = [pack.ChartJob(f"0{i}_slow", SlowChart(), "x") for i in (1, 2)]
    monkeypatch.setattr(pack, "main_chart_jobs", lambda *a: slow)
    charts = ChartProcess.start()
    charts.draw(SETTINGS, [("main_chart_jobs", ())], tmp_path / "scratch")
    deadline = time.monotonic() + 20
    while len(children(os.getpid())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(children(os.getpid())) >= 2  # the chart process and its workers, drawing
    started = time.monotonic()
    charts.stop()
    deadline = time.monotonic() + 2
    while children(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children(os.getpid()) == []
    assert time.monotonic() - started < 3
    assert not (tmp_path / "scratch").exists()


def test_an_unknown_recipe_is_refused(tmp_path):
    charts = ChartProcess.start()
    try:
        charts.draw(SETTINGS, [("os.system", ("true",))], tmp_path / "scratch")
        with pytest.raises(ValueError, match="not a chart recipe: os.system"):
            charts.finish(tmp_path / "out")
    finally:
        charts.stop()


def test_a_killed_runs_scratch_folder_is_removed_by_the_next_run(tmp_path):
    out = tmp_path / "results"
    pid = os.fork()
    if pid == 0:  # a run that makes its scratch folder and dies
        scratch_folder(out)
        os._exit(0)
    os.waitpid(pid, 0)
    (left,) = [p for p in tmp_path.iterdir() if p.name != "results"]
    assert str(pid) in left.name
    notes = remove_leftovers(out)
    assert not left.exists() and len(notes) == 1


def test_which_command_lines_fork_the_chart_process_before_parsing():
    assert ChartProcess.wanted([]) and ChartProcess.wanted(["baseline", "--sensitivity"])
    for quits in (["--no-charts"], ["-h"], ["--help"], ["--new-plan", "x"], ["--new-plan=x"]):
        assert not ChartProcess.wanted(["baseline", *quits])


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--no-charts"], ["--no-such-option"]])
def test_a_chart_process_forked_early_is_stopped_when_the_run_draws_none(args, tmp_path):
    from sim.cli import main

    charts = ChartProcess.start()
    assert children(os.getpid())
    try:
        main(["baseline", "--quiet", "--out", str(tmp_path / "r"), *args], charts=charts)
    except SystemExit:  # (argparse, for the unknown option)
        pass
    assert children(os.getpid()) == []


COMMAND = [sys.executable, "run_scenarios.py", "baseline", "--no-history", "--quiet"]


def start_run(out, *more, **options):
    return subprocess.Popen(
        [*COMMAND, *more, "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **options,
    )


def wait_for_workers(run) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and run.poll() is None:
        found = children(run.pid)
        if len(found) >= 2:
            return found
        time.sleep(0.02)
    raise AssertionError("the chart workers never started")


@pytest.mark.slow
def test_a_chart_process_that_dies_is_said_plainly_and_publishes_nothing(tmp_path):
    from test_hardening_signals import leftovers, make_previous, snapshot

    out = tmp_path / "results"
    before = make_previous(out)
    run = start_run(out, "--lang", "en")
    try:
        chart_process = wait_for_workers(run)[0]  # the run's child; the workers are its own
        os.kill(chart_process, 9)
        stdout, stderr = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 1
    assert stderr.splitlines()[-1] == (
        "error: could not draw the charts: the chart process stopped (signal 9); "
        "previous results unchanged"
    )
    assert "Traceback" not in stderr
    assert snapshot(out) == before and leftovers(tmp_path) == []


@pytest.mark.slow
def test_a_run_under_nohup_outlives_its_terminal(tmp_path):
    """SIGHUP ignored by the caller (nohup) stays ignored in the chart process and its
    workers: closing the terminal does not stop the run."""
    import signal

    def nohup():
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    run = start_run(tmp_path / "results", preexec_fn=nohup)
    try:
        wait_for_workers(run)
        os.killpg(run.pid, signal.SIGHUP)
        stdout, stderr = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == 0, stderr
    assert (tmp_path / "results" / "charts" / "chart_pack.pdf").exists()


@pytest.mark.slow
def test_a_warning_while_drawing_is_one_note_in_the_runs_language(scenario_dir, tmp_path):
    """matplotlib warns of a letter no font has; the chart process says it as the run does."""
    path = scenario_dir / "baseline.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"Kịch bản cơ sở"', '"Kịch bản cơ sở 中文"', 1), encoding="utf-8")
    assert "中文" in path.read_text(encoding="utf-8")
    run = start_run(tmp_path / "results", "--scenarios-dir", str(scenario_dir))
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 0, stderr
    assert "ghi chú: một tình huống bất thường trong lượt chạy (Glyph" in stderr
    assert "UserWarning" not in stderr and "Traceback" not in stderr


@pytest.mark.slow
def test_importing_run_scenarios_forks_nothing_and_returns():
    done = subprocess.run(
        [sys.executable, "-c", "import run_scenarios; print('imported')"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0 and done.stdout == "imported\n", done.stderr


@pytest.mark.slow
def test_a_run_with_stdout_closed_still_succeeds(tmp_path):
    done = subprocess.run(
        [*COMMAND[:2], "--no-charts", "--out", str(tmp_path / "r")],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "r" / "manifest.json").exists()


def test_a_scratch_folder_makes_no_folders_for_an_out_not_yet_there(tmp_path):
    """A run that fails before it publishes leaves no new folders: where --out's parent does
    not exist, the charts' scratch folder is a temporary one."""
    import shutil

    out = tmp_path / "new" / "deeper" / "results"
    scratch = scratch_folder(out)
    try:
        assert scratch.is_dir() and not (tmp_path / "new").exists()
    finally:
        shutil.rmtree(scratch)
    beside = scratch_folder(tmp_path / "results")
    assert beside.parent == tmp_path and beside.name.startswith(".results.new-")


SETTERS = """
import hashlib, inspect, io, json, sys
from datetime import date
from pathlib import Path

if sys.argv[2] == "skip":
    from sim.output.charts.process import _skip_setter_docs

    _skip_setter_docs()
import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.lines import Line2D

from sim.output.charts.base import STYLE
from sim.output.charts.pack import _add_page, _lay_out, main_chart_jobs
from sim.run import load_scenarios, run_scenario


class Later(Line2D):  # a class made after the import
    pass


line = Later([0, 1], [0, 1])
line.set(color="red", lw=3, ls="--")  # names and aliases
try:
    line.set(colour="blue")
    refused = ""
except AttributeError as exc:
    refused = str(exc)
results = [run_scenario(s) for s in load_scenarios([], Path(sys.argv[1]))]
buffer = io.BytesIO()
with matplotlib.rc_context(STYLE):
    pdf = PdfPages(buffer, metadata={"CreationDate": None})
    for job in main_chart_jobs(results, "vi", date(2026, 12, 1))[:7]:
        fig = job.draw("Biểu 1. Đường đi")
        _lay_out(fig)
        _add_page(pdf, fig, "Biểu 1. Đường đi")
    pdf.close()
print(json.dumps({
    "set": [line.get_color(), line.get_linewidth(), line.get_linestyle()],
    "refused": refused,
    "listed": "color" in inspect.signature(Line2D.set).parameters,
    "pages": hashlib.sha256(buffer.getvalue()).hexdigest(),
}))
"""


@pytest.mark.slow
def test_artists_without_setter_signatures_set_and_draw_the_same():
    """The chart process makes matplotlib's classes without their `set` signatures and
    docstrings (`process._skip_setter_docs`, for a faster import): `set` takes the same names
    and refuses the same, and the charts are the same bytes."""
    import json

    def seen(how: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-c", SETTERS, str(SCENARIOS), how],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    plain, skipped = seen("plain"), seen("skip")
    assert plain["listed"] and not skipped["listed"]  # the signatures were skipped
    assert skipped["set"] == plain["set"] == ["red", 3.0, "--"]
    assert "unexpected keyword argument 'colour'" in skipped["refused"]
    assert skipped["refused"] == plain["refused"]
    assert skipped["pages"] == plain["pages"]


BLAS_THREADS = """
import ctypes, glob, json, os, sys

from sim.output.charts.process import ChartProcess

charts = ChartProcess.start()
import numpy

threads = None
libraries = glob.glob(os.path.join(os.path.dirname(numpy.__file__) + ".libs", "*openblas*"))
for path in libraries:
    library = ctypes.CDLL(path)
    for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                 "openblas_get_num_threads"):
        if hasattr(library, name):
            threads = getattr(library, name)()
            break
charts.stop()
print(json.dumps({"env": os.environ.get("OPENBLAS_NUM_THREADS"), "libraries": len(libraries),
                  "threads": threads}))
"""


@pytest.mark.slow
@pytest.mark.parametrize("given", [None, "2"])
def test_a_run_that_draws_charts_does_its_matrix_products_in_one_thread(given):
    """The charts' workers keep the cores busy: the run's BLAS takes one thread
    (process.ONE_BLAS_THREAD) and the environment is left as it was; a user's own choice
    stands."""
    import json

    from sim.output.charts.process import BLAS_CHOICES

    env = {k: v for k, v in os.environ.items() if k not in BLAS_CHOICES}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    out = subprocess.run(
        [sys.executable, "-c", BLAS_THREADS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["env"] == given  # (put back: a program the run starts gets the user's)
    if seen["libraries"]:  # numpy's own OpenBLAS (Linux and Windows wheels), as here
        assert seen["threads"] == int(given or "1")


SPY_FORK = """
import sys
from datetime import date
from pathlib import Path
from sim.analysis.compare import compare_run
from sim.output.charts import pack
from sim.run import load_scenarios, run_scenario

results = [run_scenario(s) for s in load_scenarios([], Path("scenarios"))]
jobs = pack.compare_chart_jobs(results, compare_run("baseline", results), "vi", date(2026, 1, 1))

def spy(work, workers):
    print("sim.output.charts.compare" in sys.modules, "pandas" in sys.modules)
    raise SystemExit(0)

pack._start_pool = spy
assert "sim.output.charts.compare" not in sys.modules
pack.PackInProgress(Path(sys.argv[1]), "p.pdf", "vi", "t", workers=2).add(jobs, "compare")
"""


@pytest.mark.slow
def test_a_familys_module_is_loaded_once_before_its_workers_are_forked(tmp_path):
    """The workers inherit the module that plots their charts: each of them loaded it (with
    pandas) as it drew its first chart, for each of the three packs of a --compare run. The
    waterfalls need no pandas."""
    done = subprocess.run(
        [sys.executable, "-c", SPY_FORK, str(tmp_path / "c")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert done.stdout.split() == ["True", "False"], done.stderr
    assert set(pack.FAMILY_MODULES) == set(FAMILIES.values())  # (every family a recipe makes)
