"""Issue 15, signals and the output folder: a stopped or failed run leaves the previous results
byte-identical, no process behind, no traceback, and one plain line saying what happened.

The signal tests start `python run_scenarios.py` and signal it while its chart workers draw
(slow); the folder tests call the command in this process (fast)."""

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

from sim.cli import main
from sim.output import publish as publish_module
from sim.output.publish import (
    HOST_TAG,
    MANIFEST_MAX_BYTES,
    OutputFolderError,
    check_output_folder,
    publish,
    remove_leftovers,
)

UNCHANGED = "interrupted; previous results unchanged"
PUBLISHED = "interrupted; results were already published"


def make_previous(out: Path) -> dict[str, bytes]:
    """Previous results as this tool leaves them (a folder with its manifest); their bytes."""
    out.mkdir(parents=True)
    (out / "manifest.json").write_text('{"tool": "huongtra-sim", "run": "previous"}')
    (out / "baseline.csv").write_text("year,output.total\n2020,100\n")
    (out / "charts").mkdir()
    (out / "charts" / "01_output_index.png").write_bytes(b"\x89PNG previous")
    return snapshot(out)


def snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if ".new-" in p.name or ".old-" in p.name)


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    probe = subprocess.Popen(["true"])
    probe.wait()
    return probe.pid


@pytest.fixture
def run(tmp_path, scenario_dir, monkeypatch, capsys):
    """run(*args) -> (exit code, stdout, stderr) of the command on the bundled baseline only.

    The workbook is a stub here (it is most of the time of a run without charts, and these
    tests are about the folder around it)."""
    import sim.output.live_workbook as workbook_module

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        workbook_module, "write_live_workbook", lambda results, path, *a: path.write_bytes(b"xlsx")
    )

    def invoke(*args):
        code = main(["baseline", "--no-charts", "--no-history", "--lang", "en", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


# --- Signals: a real run, signalled while its chart workers draw ---------------------------------


def children_of(pid: int) -> list[int]:
    """Live (not zombie) processes whose parent is `pid`, from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    """Live children of `pid`, their children, and so on (the chart process and its workers)."""
    found, todo = [], [pid]
    while todo:
        children = children_of(todo.pop())
        found += children
        todo += children
    return found


def alive(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return False
    return fields[0] != "Z"


SIGNAL_CASES = [
    # signal, sent to the whole process group (a terminal's Ctrl-C), exit code, stderr
    pytest.param(signal.SIGINT, False, 130, [UNCHANGED], id="ctrl-c"),
    pytest.param(signal.SIGINT, True, 130, [UNCHANGED], id="ctrl-c-to-group"),
    pytest.param(signal.SIGTERM, False, 128 + signal.SIGTERM, [UNCHANGED], id="sigterm"),
    pytest.param(signal.SIGHUP, False, 128 + signal.SIGHUP, [UNCHANGED], id="sighup"),
    pytest.param(signal.SIGKILL, False, -signal.SIGKILL, [], id="sigkill"),
]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
@pytest.mark.parametrize(("signum", "group", "code", "lines"), SIGNAL_CASES)
def test_a_signal_while_charts_draw_stops_everything(tmp_path, signum, group, code, lines):
    out = tmp_path / "results"
    before = make_previous(out)
    command = [sys.executable, "run_scenarios.py", "baseline", "--no-history", "--quiet"]
    command += ["--lang", "en"]  # (UNCHANGED and PUBLISHED are the English lines)
    proc = subprocess.Popen(
        [*command, "--out", str(out)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal would give it
    )
    workers: list[int] = []
    try:
        # The chart process (a child of the run) and its workers (its children), drawing.
        deadline = time.monotonic() + 120
        drawing = False
        while not drawing and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            workers = descendants(proc.pid)
            drawing = len(workers) >= 2 and bool(leftovers(tmp_path))  # (its scratch folder)
        assert drawing, "the run never started its chart workers"
        time.sleep(0.3)  # let them draw
        workers = sorted(set(workers) | set(descendants(proc.pid)))
        sent = time.monotonic()
        if group:
            os.killpg(proc.pid, signum)
        else:
            os.kill(proc.pid, signum)
        # communicate() returns only when every holder of the pipes (the workers too) has gone.
        stdout, stderr = proc.communicate(timeout=20)
        stopped = time.monotonic() - sent
        deadline = time.monotonic() + 2
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if alive(w)] == []
    finally:
        for pid in [proc.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == code
    assert "Traceback" not in stderr
    assert stderr.splitlines() == lines
    assert stdout == ""
    assert stopped < 3.0, f"took {stopped:.1f} s to stop"  # about a second, on a busy machine
    assert snapshot(out) == before
    if signum != signal.SIGKILL:
        assert leftovers(tmp_path) == []
        return
    # A killed run cannot clean up: its folders are there (the charts' scratch folder, and the
    # fresh results folder if it got that far), and the next run removes them.
    left = leftovers(tmp_path)
    assert left and all(n.startswith(f".results.new-{HOST_TAG}-{proc.pid}-") for n in left)
    later = subprocess.run(
        [*command, "--no-charts", "--out", str(out)], cwd=REPO, capture_output=True, text=True
    )
    assert later.returncode == 0, later.stderr
    for name in left:
        assert f"removed {tmp_path / name}, left by an interrupted run" in later.stderr
    assert leftovers(tmp_path) == []


WORKER_SCRIPT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from sim.output.charts import children
if sys.argv[1] == "watcher":
    children.set_parent_death_signal = lambda: False  # as where prctl is missing
pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork"),
                           initializer=children.die_with_parent, initargs=(os.getpid(),))
futures = [pool.submit(time.sleep, 60) for _ in range(2)]
time.sleep(0.3)
print(*pool._processes, flush=True)
time.sleep(60)
"""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
@pytest.mark.parametrize("mode", ["prctl", "watcher"])
def test_chart_workers_die_with_a_killed_parent(mode):
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT, mode],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    workers: list[int] = []
    try:
        assert proc.stdout is not None
        workers = [int(pid) for pid in proc.stdout.readline().split()]
        assert len(workers) == 2 and all(alive(w) for w in workers)
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 2
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if alive(w)] == []
        _, stderr = proc.communicate(timeout=5)  # no worker holds the pipes any more
    finally:
        for pid in [proc.pid, *workers]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    assert "Traceback" not in stderr


# --- Signals in this process: where the interrupt lands decides the line --------------------------


def _raise_in_write_manifest(monkeypatch, signum):
    import sim.output.files as files_module

    real = files_module.write_manifest

    def interrupted(*args, **kwargs):
        real(*args, **kwargs)
        signal.raise_signal(signum)

    monkeypatch.setattr(files_module, "write_manifest", interrupted)


def _raise_during_the_swap(monkeypatch, signum):
    """The signal arrives between moving the previous results aside and the new ones in: it
    is held until the swap is complete."""
    real = os.rename
    calls = []

    def rename(src, dst, **kwargs):
        calls.append(src)
        if len(calls) == 1:
            signal.raise_signal(signum)
        return real(src, dst, **kwargs)

    monkeypatch.setattr(publish_module.os, "rename", rename)


def _raise_in_summary(monkeypatch, signum):
    """(the summary is printed before the files are written)"""
    import sim.cli as cli

    monkeypatch.setattr(cli, "_print_summary", lambda *a: signal.raise_signal(signum))


def _raise_in_written_list(monkeypatch, signum):
    """(the list of what was written is printed once the files are in place)"""
    import sim.cli as cli

    monkeypatch.setattr(cli, "_print_written", lambda *a: signal.raise_signal(signum))


INTERRUPT_CASES = [
    # where, signal, exit code, line, new results in place
    pytest.param(_raise_in_write_manifest, signal.SIGINT, 130, UNCHANGED, False, id="write"),
    pytest.param(_raise_in_write_manifest, signal.SIGTERM, 143, UNCHANGED, False, id="write-term"),
    pytest.param(_raise_during_the_swap, signal.SIGINT, 130, PUBLISHED, True, id="swap"),
    pytest.param(_raise_during_the_swap, signal.SIGHUP, 129, PUBLISHED, True, id="swap-hup"),
    pytest.param(_raise_in_summary, signal.SIGINT, 130, UNCHANGED, False, id="summary"),
    pytest.param(_raise_in_written_list, signal.SIGINT, 130, PUBLISHED, True, id="written"),
]


@pytest.mark.parametrize(("inject", "signum", "code", "line", "replaced"), INTERRUPT_CASES)
def test_an_interrupt_says_whether_the_results_were_published(
    run, tmp_path, monkeypatch, inject, signum, code, line, replaced
):
    out = tmp_path / "results"
    before = make_previous(out)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    inject(monkeypatch, signum)
    exit_code, _, err = run()
    assert exit_code == code
    assert err.splitlines() == [line]
    assert (snapshot(out) != before) == replaced
    if replaced:
        assert "projections.csv" in snapshot(out)
    assert leftovers(tmp_path) == []
    # the command put the caller's handlers back
    assert {s: signal.getsignal(s) for s in handlers} == handlers


# --- Leftovers of killed runs -----------------------------------------------------------------


def test_a_later_run_removes_a_dead_runs_folders_but_not_a_live_ones(tmp_path):
    out = tmp_path / "results"
    make_previous(out)
    dead = dead_pid()
    live = subprocess.Popen(["sleep", "30"])  # a concurrent run, still writing
    try:
        names = {
            "dead_new": f".results.new-{HOST_TAG}-{dead}-0123abcd",
            "dead_old": f".results.old-{HOST_TAG}-{dead}-4567abcd",
            "live_new": f".results.new-{HOST_TAG}-{live.pid}-89abcdef",
            "other_host": f".results.new-{(int(HOST_TAG, 16) ^ 1):08x}-{dead}-0123abcd",
            "other_folder": f".elsewhere.new-{HOST_TAG}-{dead}-0123abcd",
            "user_named": ".results.new-mine",
        }
        for name in names.values():
            (tmp_path / name).mkdir()
            (tmp_path / name / "projections.csv").write_text("partial")
        keep_target = tmp_path / "keep"
        keep_target.mkdir()
        (keep_target / "thesis.docx").write_text("precious")
        link = tmp_path / f".results.new-{HOST_TAG}-{dead}-fedcba98"
        link.symlink_to(keep_target)
        notes = remove_leftovers(out)
        remaining = {p.name for p in tmp_path.iterdir()}
    finally:
        live.kill()
        live.wait()
    assert names["dead_new"] not in remaining and names["dead_old"] not in remaining
    assert {names[k] for k in ("live_new", "other_host", "other_folder", "user_named")} <= remaining
    assert link.is_symlink() and (keep_target / "thesis.docx").read_text() == "precious"
    assert sorted(note.en for note in notes) == sorted(
        f"removed {tmp_path / names[k]}, left by an interrupted run (process {dead})"
        for k in ("dead_new", "dead_old")
    )


def test_previous_results_moved_aside_by_a_killed_run_are_put_back(tmp_path):
    out = tmp_path / "results"
    pid = dead_pid()
    aside = tmp_path / f".results.old-{HOST_TAG}-{pid}-0123abcd"
    before = make_previous(aside)  # killed between its two renames: no results folder
    notes = remove_leftovers(out)
    assert [note.en for note in notes] == [
        f"put back the previous results from {aside}, left by an interrupted run (process {pid})"
    ]
    assert snapshot(out) == before and not aside.exists()


# --- The output folder ------------------------------------------------------------------------


def test_a_symlinked_out_is_written_through(run, tmp_path):
    target = tmp_path / "results_2024"
    make_previous(target)
    latest = tmp_path / "latest"
    latest.symlink_to("results_2024")
    code, out, err = run("--out", "latest")
    assert code == 0, err
    assert "Traceback" not in err
    assert latest.is_symlink() and os.readlink(latest) == "results_2024"
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["tool"] == "huongtra-sim" and "run" not in manifest  # the new results
    assert (target / "projections.csv").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["latest", "results_2024", "scenarios"]


def _a_file(tmp: Path) -> str:
    (tmp / "file.txt").write_text("x")
    return "file.txt"


LINK_CASES = [
    # what the link points to, key words of the message
    pytest.param(lambda tmp: "gone", "which does not exist", id="dangling"),
    pytest.param(lambda tmp: "latest", "cannot be followed", id="loop"),
    pytest.param(_a_file, "which is not a folder", id="to-a-file"),
]


@pytest.mark.parametrize(("target", "words"), LINK_CASES)
def test_a_broken_symlinked_out_is_refused_with_nothing_written(run, tmp_path, target, words):
    latest = tmp_path / "latest"
    latest.symlink_to(target(tmp_path))
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = run("--out", "latest")
    assert code == 2
    assert "Traceback" not in err
    assert f"error: {latest}: is a symbolic link" in err and words in err
    assert "Nothing was written" in err
    assert latest.is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def _fail_rename(number):
    """os.rename that fails (EACCES) on its `number`-th call, as on a read-only folder."""
    real = os.rename
    calls = []

    def rename(src, dst, **kwargs):
        calls.append(src)
        if len(calls) == number:
            raise PermissionError(13, "Permission denied", str(src))
        return real(src, dst, **kwargs)

    return rename


def _fail_mkdir(path, mode=0o777):
    raise PermissionError(13, "Permission denied", str(path))


FAILED_SWAP_CASES = [
    # what fails, exit code, key words; the previous results stay, nothing is left behind
    pytest.param(
        "mkdir",
        _fail_mkdir,
        "cannot create a folder there (Permission denied); nothing was written",
        id="read-only-parent",
    ),
    pytest.param(
        "rename",
        _fail_rename(1),
        "cannot move the previous results aside (Permission denied); "
        "they are unchanged and the new results were discarded",
        id="read-only-results-folder",
    ),
    pytest.param(
        "rename",
        _fail_rename(2),
        "cannot move the new results into place (Permission denied); "
        "the previous results are unchanged",
        id="new-results-cannot-move-in",
    ),
]


@pytest.mark.parametrize(("call", "failing", "words"), FAILED_SWAP_CASES)
def test_a_failed_swap_keeps_the_previous_results_and_leaves_nothing(
    run, tmp_path, monkeypatch, call, failing, words
):
    out = tmp_path / "results"
    before = make_previous(out)
    monkeypatch.setattr(publish_module.os, call, failing)
    code, _, err = run()
    monkeypatch.undo()
    assert code == 2
    assert "Traceback" not in err
    assert f"error: {tmp_path}" in err and words in err
    assert snapshot(out) == before
    assert leftovers(tmp_path) == []


def test_old_results_that_cannot_be_deleted_are_named(run, tmp_path, monkeypatch):
    out = tmp_path / "results"
    make_previous(out)
    real = publish_module.shutil.rmtree

    def rmtree(path, **kwargs):
        if ".results.old-" in str(path):  # as a folder with a read-only subfolder
            handler = kwargs.get("onexc") or kwargs.get("onerror")
            error = PermissionError(13, "Permission denied", str(path))
            handler(os.rmdir, str(path), error if "onexc" in kwargs else (None, error, None))
            return
        real(path, **kwargs)

    monkeypatch.setattr(publish_module.shutil, "rmtree", rmtree)
    code, _, err = run()
    monkeypatch.undo()
    assert code == 0
    assert "Traceback" not in err
    (left,) = leftovers(tmp_path)
    assert (
        f"note: the new results are in {out}, but the previous ones could not be removed: "
        f"{tmp_path / left} is left behind ({tmp_path / left}: Permission denied); "
        "delete it by hand"
    ) in err
    assert (out / "projections.csv").is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_really_read_only_parent_is_refused_cleanly(run, tmp_path):
    parent = tmp_path / "locked"
    out = parent / "results"
    before = make_previous(out)
    parent.chmod(0o555)
    try:
        code, _, err = run("--out", str(out))
    finally:
        parent.chmod(0o755)
    assert code == 2 and "Traceback" not in err and "Permission denied" in err
    assert snapshot(out) == before and leftovers(parent) == []


@pytest.mark.parametrize(
    ("umask", "mode"),
    [
        pytest.param(0o022, 0o755, id="022"),
        pytest.param(0o027, 0o750, id="027"),
        pytest.param(0o077, 0o700, id="077"),
    ],
)
def test_the_results_folder_follows_the_umask(tmp_path, umask, mode):
    out = tmp_path / "results"
    previous = os.umask(umask)
    try:
        publish(out, lambda f: (f / "manifest.json").write_text('{"tool": "huongtra-sim"}'))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == mode


def _symlink_to_dev_zero(path):
    path.symlink_to("/dev/zero")


def _fifo(path):
    os.mkfifo(path)


def _oversized(path):
    with open(path, "wb") as handle:  # sparse: its size without the disk
        handle.write(b'{"tool": "huongtra-sim", "pad": "')
        handle.truncate(MANIFEST_MAX_BYTES + 1)


def _symlink_to_a_real_manifest(path):
    real = path.parent.parent / "elsewhere.json"
    real.write_text('{"tool": "huongtra-sim"}')
    path.symlink_to(real)


MANIFEST_CASES = [
    pytest.param(_symlink_to_dev_zero, "its manifest.json is a symbolic link", id="dev-zero"),
    pytest.param(_fifo, "its manifest.json is not a regular file", id="fifo"),
    pytest.param(_oversized, "holds no manifest.json written by this tool", id="over-8-MiB"),
    pytest.param(_symlink_to_a_real_manifest, "is a symbolic link", id="link-to-manifest"),
]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
@pytest.mark.parametrize(("make", "words"), MANIFEST_CASES)
def test_an_odd_manifest_is_refused_quickly(run, tmp_path, make, words):
    out = tmp_path / "results"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    make(out / "manifest.json")
    started = time.monotonic()
    with pytest.raises(OutputFolderError) as info:
        check_output_folder(out)
    assert time.monotonic() - started < 0.5
    assert words in str(info.value) and "refusing to replace it" in str(info.value)
    code, _, err = run("--out", str(out))
    assert code == 2 and "Traceback" not in err and words in err
    assert (out / "keep.txt").read_text() == "user data"
    assert leftovers(tmp_path) == []


# --- The chart pack stops at once when a chart fails --------------------------------------------


class FailingChart:
    def draw(self):
        raise RuntimeError("a chart failed")


class SlowChart:
    def draw(self):
        time.sleep(30)  # a chart that would take long to draw
        raise AssertionError("never waited for")


@pytest.mark.slow
def test_a_failed_chart_kills_the_other_workers_and_drops_the_pdf(tmp_path):
    from sim.output.charts.pack import ChartJob, write_chart_pack

    jobs = [ChartJob("01_bad", FailingChart(), "x"), ChartJob("02_slow", SlowChart(), "y")]
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="a chart failed"):
        write_chart_pack(jobs, tmp_path / "charts", "pack.pdf", "en", "t", workers=2)
    assert time.monotonic() - started < 5  # not the 30 s the slow chart would take
    assert not (tmp_path / "charts" / "pack.pdf").exists()  # unfinished: removed
    deadline = time.monotonic() + 2
    while children_of(os.getpid()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert children_of(os.getpid()) == []  # no worker left
