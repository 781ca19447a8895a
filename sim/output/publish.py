"""The atomic publish of a run's output folder.

A run writes everything into a fresh folder beside the output folder and swaps it in only when
every file is written, so a failed run leaves the previous results exactly as they were. Only a
folder that this tool wrote (it holds the tool's manifest) or an empty one is ever replaced.

The fresh folder is `.<name>.new-<host>-<pid>-<random>` and the previous results, for the
moment of the swap, `.<name>.old-<host>-<pid>-<random>` (host: a short hash of this machine's
name; pid: the run's process). A run that is killed (SIGKILL, power cut) cannot remove them; the
next run does, for runs of this machine whose process is gone, and never a live run's folders.
A folder that cannot be moved because another program holds a file in it open (Windows locks
projections.xlsx while Excel shows it) is left as it was, and the message names the file and says
to close it and run again: found by the owner file an office program keeps beside it
(`~$projections.xlsx`, `.~lock.projections.xlsx#`) and, on Windows, by a file that does not open
for writing (checked before the run computes, too).

An `--out` that is a symbolic link is written through: its target folder is replaced and the
link kept, so there is one latest result.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sim.core.text import Bilingual, join_and, join_va

__all__ = [
    "OutputFolderError",
    "check_inputs_outside",
    "check_output_folder",
    "publish",
    "remove_leftovers",
    "scratch_folder",
    "MANIFEST_NAME",
    "MANIFEST_MAX_BYTES",
    "TOOL_NAME",
    "STOP_SIGNALS",
]

MANIFEST_NAME = "manifest.json"
TOOL_NAME = "huongtra-sim"
"""The manifest's "tool": a folder whose manifest says so was written by this tool."""

MANIFEST_MAX_BYTES = 8 * 2**20
"""The largest manifest.json the replaceability check reads, in bytes (8 MiB; a manifest holds
about 10 kB per scenario). A larger file is not one this tool wrote."""

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)
"""The signals that stop a run (Ctrl-C, kill, a closed terminal); held back during the swap."""

HOST_TAG = f"{zlib.crc32(socket.gethostname().encode('utf-8', 'replace')):08x}"
"""This machine in the names of a run's temporary folders: a pid means something only here."""

Note = Callable[[Bilingual], None]
NOTHING = Bilingual("", "")


class OutputFolderError(Exception):
    """The output folder cannot be (safely) replaced; the message says what was left and where
    (`render(lang)`; `str()` the English)."""

    def __init__(self, message: Bilingual):
        self.message = message
        super().__init__(message.en)

    def render(self, lang: str) -> str:
        return self.message.in_(lang)


def publish(
    out_dir: Path,
    write: Callable[[Path], None],
    on_swapped: Callable[[], None] | None = None,
    note: Note | None = None,
) -> None:
    """Call `write(folder)` on a fresh folder, then swap it in place of `out_dir`.

    If `write` raises, the fresh folder is removed and `out_dir` is untouched. `on_swapped` is
    called right after the swap, before any Ctrl-C or SIGTERM that arrived during the swap is
    let through (so the caller knows whether the new results are in place). `note` receives
    plain sentences about folders a killed run left, removed here, and anything left behind.
    Raises OutputFolderError when the folder cannot be replaced; the previous results are then
    unchanged unless the message says otherwise.
    """
    tell: Note = note if note is not None else (lambda _message: None)
    out_dir = _with_parent(out_dir)
    for message in remove_leftovers(out_dir):
        tell(message)
    staging = _new_folder(out_dir)
    try:
        write(staging)
    except BaseException:
        left = _discard(staging)
        if left.en:
            tell(left)
        raise
    _swap(staging, out_dir, on_swapped, tell)


def check_output_folder(out_dir: Path) -> Path:
    """The folder that a run into `out_dir` replaces: `out_dir`, or the target of its symbolic
    link. Raises OutputFolderError if it may not be replaced. Quick: the command checks this
    before computing, `publish` again before writing."""
    target = _through_symlink(Path(out_dir).absolute())
    _check_replaceable(target)
    return target


def check_inputs_outside(out_dir: Path, inputs: Iterable[Path]) -> None:
    """Raise OutputFolderError naming every input (a file or folder the run reads) that lies in
    the folder a run into `out_dir` replaces as a whole: publishing would delete it with the
    previous results (e.g. a scenario of `rebased/` run where the last run wrote it)."""
    target = Path(os.path.realpath(Path(out_dir).absolute()))
    inside = []
    for path in dict.fromkeys(inputs):
        real = Path(os.path.realpath(Path(path).absolute()))
        if real == target or target in real.parents:
            inside.append(str(path))
    if inside:
        it, them = ("it", "it") if len(inside) == 1 else ("they", "them")
        raise OutputFolderError(
            Bilingual(
                f"{join_va(inside)}: nằm trong thư mục kết quả {out_dir}, thư mục mà lần chạy "
                f"thay toàn bộ, nên sẽ bị xóa; hãy chép ra ngoài {out_dir} (hoặc chọn --out "
                "khác) rồi chạy lại. Chưa ghi gì cả.",
                f"{join_and(inside)}: inside the results folder {out_dir}, which a run replaces "
                f"as a whole, so {it} would be deleted; copy {them} out of {out_dir} (or choose "
                "another --out) and run again. Nothing was written.",
            )
        )


def _through_symlink(out_dir: Path) -> Path:
    """The folder to replace: `out_dir`, or the folder its symbolic link points to."""
    if not out_dir.is_symlink():
        return out_dir
    try:
        target = Path(os.path.realpath(out_dir, strict=True))
    except FileNotFoundError as exc:
        link = os.readlink(out_dir)
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: là liên kết tượng trưng (symbolic link) tới {link}, nơi không tồn "
                "tại; hãy tạo thư mục đó hoặc xóa liên kết. Chưa ghi gì cả.",
                f"{out_dir}: is a symbolic link to {link}, which does not exist; "
                "create that folder or remove the link. Nothing was written.",
            )
        ) from exc
    except OSError as exc:
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: là liên kết tượng trưng không theo được ({exc.strerror}); hãy chọn "
                "--out khác. Chưa ghi gì cả.",
                f"{out_dir}: is a symbolic link that cannot be followed ({exc.strerror}); "
                "choose another --out. Nothing was written.",
            )
        ) from exc
    if not target.is_dir():
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: là liên kết tượng trưng tới {target}, không phải một thư mục; hãy "
                "chọn --out khác. Chưa ghi gì cả.",
                f"{out_dir}: is a symbolic link to {target}, which is not a folder; "
                "choose another --out. Nothing was written.",
            )
        )
    return target


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace anything that this tool did not write (a typo in --out must not delete
    a user's folder)."""
    try:
        mode = os.lstat(out_dir).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: không kiểm tra được ({exc.strerror})",
                f"{out_dir}: cannot be examined ({exc.strerror})",
            )
        ) from exc
    if not stat.S_ISDIR(mode):
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: đã có và không phải thư mục; hãy chọn --out khác",
                f"{out_dir}: exists and is not a folder; choose another --out",
            )
        )
    try:
        with os.scandir(out_dir) as entries:
            empty = next(entries, None) is None
    except OSError as exc:
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: không đọc được ({exc.strerror})",
                f"{out_dir}: cannot be read ({exc.strerror})",
            )
        ) from exc
    if empty:
        return
    problem = _manifest_problem(out_dir / MANIFEST_NAME)
    if problem is not None:
        raise OutputFolderError(
            Bilingual(
                f"{out_dir}: đã có, không trống và {problem.vi}; không thay thế thư mục này. "
                "Hãy chọn một thư mục trống hoặc mới bằng --out.",
                f"{out_dir}: exists, is not empty and {problem.en}; refusing to replace it. "
                "Choose an empty or new folder with --out.",
            )
        )
    if PROBE_OPEN_FILES:  # a locked file (Windows): say so now, before the run computes
        held = [p.relative_to(out_dir).as_posix() for p in _locked(_files(out_dir))]
        if held:
            opened = _open_in_another_program(held)
            raise OutputFolderError(
                Bilingual(
                    f"{out_dir}: {opened.vi}, nên không thay được kết quả: hãy đóng "
                    f"{'tệp đó' if len(held) == 1 else 'các tệp đó'} rồi chạy lại. Chưa ghi gì cả.",
                    f"{out_dir}: {opened.en}, so the results cannot be replaced: close "
                    f"{'it' if len(held) == 1 else 'them'} and run again. Nothing was written.",
                )
            )


def _manifest_problem(path: Path) -> Bilingual | None:
    """None if `path` is a manifest this tool wrote, else why not (a phrase).

    Reads only a regular file (never through a symbolic link, a FIFO or a device) and at most
    MANIFEST_MAX_BYTES of it."""
    foreign = Bilingual(
        f"không có {MANIFEST_NAME} do công cụ này ghi",
        f"holds no {MANIFEST_NAME} written by this tool",
    )
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return foreign
    except OSError as exc:
        return Bilingual(
            f"không kiểm tra được {MANIFEST_NAME} của nó ({exc.strerror})",
            f"its {MANIFEST_NAME} cannot be examined ({exc.strerror})",
        )
    if not stat.S_ISREG(mode):
        link = stat.S_ISLNK(mode)
        return Bilingual(
            f"{MANIFEST_NAME} của nó là "
            f"{'một liên kết tượng trưng' if link else 'tệp không thông thường'}, không phải "
            "tệp công cụ này ghi",
            f"its {MANIFEST_NAME} is {'a symbolic link' if link else 'not a regular file'}, not "
            "one this tool wrote",
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        # O_NOFOLLOW / O_NONBLOCK: the file may have been swapped for a link or FIFO since.
        fd = os.open(path, flags)
    except OSError as exc:
        return Bilingual(
            f"không đọc được {MANIFEST_NAME} của nó ({exc.strerror})",
            f"its {MANIFEST_NAME} cannot be read ({exc.strerror})",
        )
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MANIFEST_MAX_BYTES:
            return foreign
        data = handle.read(MANIFEST_MAX_BYTES + 1)
    try:
        tool = json.loads(data.decode("utf-8")).get("tool")
    except (ValueError, AttributeError, RecursionError):
        tool = None
    return None if tool == TOOL_NAME and len(data) <= MANIFEST_MAX_BYTES else foreign


def scratch_folder(out_dir: Path) -> Path:
    """A fresh folder beside `out_dir` for work in progress (the charts, drawn while the run
    computes), named as the run's fresh folder is: removed by the next run if this one is
    killed. Where `out_dir`'s parent does not exist yet, a folder in the system's temporary
    folder (a run that fails before it publishes makes no folders). The caller removes it."""
    out_dir = check_output_folder(out_dir)
    if not out_dir.parent.is_dir():
        return Path(tempfile.mkdtemp(prefix=f"{out_dir.name}.charts-"))
    return _new_folder(out_dir)


def _with_parent(out_dir: Path) -> Path:
    """`out_dir` checked (`check_output_folder`), its parent folder made."""
    out_dir = check_output_folder(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputFolderError(
            Bilingual(
                f"{out_dir.parent}: không tạo được thư mục ({exc.strerror}); chưa ghi gì cả",
                f"{out_dir.parent}: cannot create the folder ({exc.strerror}); nothing was written",
            )
        ) from exc
    return out_dir


def _temp_name(out_dir: Path, kind: str) -> Path:
    """A fresh `.<name>.<kind>-<host>-<pid>-<random>` path beside `out_dir` (not created)."""
    while True:
        token = secrets.token_hex(4)
        path = out_dir.parent / f".{out_dir.name}.{kind}-{HOST_TAG}-{os.getpid()}-{token}"
        if not os.path.lexists(path):
            return path


def _new_folder(out_dir: Path) -> Path:
    """The fresh folder the run writes into. Created with mode 0o777 less the umask, like any
    folder the user makes (mkdtemp would make it 0700, and the swap would keep that)."""
    while True:
        path = _temp_name(out_dir, "new")
        try:
            os.mkdir(path, 0o777)
        except FileExistsError:
            continue
        except OSError as exc:
            raise OutputFolderError(
                Bilingual(
                    f"{out_dir.parent}: không tạo được thư mục ở đó ({exc.strerror}); chưa ghi "
                    "gì cả",
                    f"{out_dir.parent}: cannot create a folder there ({exc.strerror}); "
                    "nothing was written",
                )
            ) from exc
        return path


def _swap(staging: Path, out_dir: Path, on_swapped: Callable[[], None] | None, tell: Note) -> None:
    """Move `staging` to `out_dir`, the previous `out_dir` aside and then away. A failure puts
    the previous results back and removes `staging`, or says where each is."""
    retired = None
    swapped = False
    try:
        with _signals_held():
            if os.path.lexists(out_dir):
                retired = _temp_name(out_dir, "old")
                try:
                    os.rename(out_dir, retired)
                except OSError as exc:
                    raise OutputFolderError(
                        Bilingual(
                            f"{out_dir}: không chuyển được kết quả trước sang bên ({exc.strerror}); "
                            "kết quả đó không đổi và kết quả mới đã bị bỏ",
                            f"{out_dir}: cannot move the previous results aside ({exc.strerror}); "
                            "they are unchanged and the new results were discarded",
                        )
                        + _discard(staging, "; ")
                        + _held_open(out_dir, exc)
                    ) from exc
            try:
                os.rename(staging, out_dir)
            except OSError as exc:
                raise OutputFolderError(_put_back(staging, out_dir, retired, exc)) from exc
            swapped = True
            if on_swapped is not None:
                on_swapped()
    finally:
        # Also when a signal held during the swap is let through as the block ends.
        if swapped and retired is not None:
            left = _discard(retired)
            if left.en:
                tell(
                    Bilingual(
                        f"kết quả mới ở {out_dir}, nhưng không xóa được kết quả trước: ",
                        f"the new results are in {out_dir}, but the previous ones could not be "
                        "removed: ",
                    )
                    + left
                    + _held_open(retired, PermissionError(), DELETE_IT)
                )


def _put_back(staging: Path, out_dir: Path, retired: Path | None, exc: OSError) -> Bilingual:
    """After a failed move of the new results into place: put the previous ones back, discard
    the new ones, and say what happened (the error message)."""
    failed = Bilingual(
        f"{out_dir}: không chuyển được kết quả mới vào chỗ ({exc.strerror})",
        f"{out_dir}: cannot move the new results into place ({exc.strerror})",
    )
    held = _held_open(out_dir, exc)
    if retired is not None:
        try:
            os.rename(retired, out_dir)
        except OSError as back:
            return failed + Bilingual(
                f"; kết quả trước ở {retired} (chuyển trả lại không được: {back.strerror}) và "
                f"kết quả mới ở {staging}",
                f"; the previous results are in {retired} (moving them back failed: "
                f"{back.strerror}) and the new ones in {staging}",
            )
    unchanged = Bilingual("; kết quả trước không đổi", "; the previous results are unchanged")
    return failed + unchanged + _discard(staging, "; ") + held


OFFICE_LOCK_FILES = (re.compile(r"~\$(.+)"), re.compile(r"\.~lock\.(.+)#"))
"""The owner files an office program keeps beside a file it has open: Excel and Word write
`~$name.xlsx`, LibreOffice `.~lock.name.xlsx#`."""

PROBE_OPEN_FILES = os.name == "nt"
"""Whether a file that cannot be opened for writing counts as held open by another program: on
Windows, where a program that has a file open (Excel) locks it, and a folder holding it cannot
be moved. Elsewhere a file's permissions say the same and nothing locks."""


RUN_AGAIN = Bilingual("chạy lại", "run again")
DELETE_IT = Bilingual("xóa nó", "delete it")


def _held_open(folder: Path, exc: BaseException, then: Bilingual = RUN_AGAIN) -> Bilingual:
    """ "; projections.xlsx is open in another program (Excel?): close it and run again" when
    `exc` is a refusal (PermissionError: Windows' sharing violation is one) and files in
    `folder` are held open, by the owner files an office program leaves beside them and, on
    Windows, by a write-open that fails; on Windows a guess that one may be when none is found;
    else ""."""
    if not isinstance(exc, PermissionError):
        return NOTHING
    held = _files_held_open(folder)
    if not held and not PROBE_OPEN_FILES:
        return NOTHING  # (no file is locked here: a folder's permissions refused)
    if not held:
        return Bilingual(
            "; có thể một tệp trong đó đang mở trong chương trình khác (projections.xlsx trong "
            f"Excel?): hãy đóng tệp đó rồi {then.vi}",
            "; a file in it may be open in another program (projections.xlsx in Excel?): "
            f"close it and {then.en}",
        )
    opened = _open_in_another_program(held)
    return Bilingual(
        f"; {opened.vi}: hãy đóng {'tệp đó' if len(held) == 1 else 'các tệp đó'} rồi {then.vi}",
        f"; {opened.en}: close {'it' if len(held) == 1 else 'them'} and {then.en}",
    )


def _open_in_another_program(held: list[str]) -> Bilingual:
    verb = "is" if len(held) == 1 else "are"
    return Bilingual(
        f"{join_va(held)} đang mở trong chương trình khác (Excel?)",
        f"{', '.join(held)} {verb} open in another program (Excel?)",
    )


def _files(folder: Path) -> list[Path]:
    """The files under `folder` (not symbolic links), sorted; none when it cannot be read."""
    try:
        return sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    except OSError:
        return []


def _files_held_open(folder: Path) -> list[str]:
    """The files under `folder` (relative, "/"-separated) that another program holds open."""
    paths = _files(folder)
    held: list[Path] = []
    for path in paths:
        for pattern in OFFICE_LOCK_FILES:
            found = pattern.fullmatch(path.name)
            if found is None:
                continue
            # Excel's owner file of a longer name drops the name's first two characters
            # (~$ojections.xlsx): the file beside it whose name ends the same
            beside = [p for p in paths if p.parent == path.parent and p != path]
            owned = [p for p in beside if p.name == found[1]] or [
                p for p in beside if p.name.endswith(found[1])
            ]
            held += [p for p in owned[:1] if p not in held]
    if PROBE_OPEN_FILES:
        held += [p for p in _locked(paths) if p not in held]
    return [p.relative_to(folder).as_posix() for p in held]


def _locked(paths: Sequence[Path]) -> list[Path]:
    """The files of `paths` that do not open for writing (on Windows: held open)."""
    return [p for p in paths if not _writable(p)]


def _writable(path: Path) -> bool:
    """Whether `path` opens for writing (without changing it)."""
    try:
        with open(path, "r+b"):
            return True
    except PermissionError:
        return False
    except OSError:
        return True  # some other trouble: not a sign of a lock


def _discard(path: Path, lead: str = "") -> Bilingual:
    """Remove the folder `path`; "" if it is gone, else `lead` and what is left and why."""
    errors: list[str] = []

    def record(_function: object, failed: str, info: object) -> None:
        error = info[1] if isinstance(info, tuple) else info  # onerror: exc_info; onexc: error
        errors.append(f"{failed}: {getattr(error, 'strerror', None) or error}")

    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=record)
    else:
        shutil.rmtree(path, onerror=record)
    if not os.path.lexists(path):
        return NOTHING
    return Bilingual(
        f"{lead}{path} còn sót lại ({errors[0] if errors else 'không rõ lý do'}); hãy tự xóa",
        f"{lead}{path} is left behind ({errors[0] if errors else 'unknown reason'}); delete it "
        "by hand",
    )


@contextmanager
def _signals_held() -> Iterator[None]:
    """Hold back Ctrl-C, SIGTERM and SIGHUP for the few system calls of the swap, then deliver
    them to the handlers they had: an interrupt never splits the swap from `on_swapped`."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread can set handlers; Python runs them only there anyway
        return
    caught: list[int] = []
    held = {}
    for signum in STOP_SIGNALS:
        if signal.getsignal(signum) not in (signal.SIG_IGN, None):
            held[signum] = signal.signal(signum, lambda number, _frame: caught.append(number))
    try:
        yield
    finally:
        for signum, handler in held.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(caught):
            signal.raise_signal(signum)


def remove_leftovers(out_dir: Path) -> list[Bilingual]:
    """Remove the temporary folders of `out_dir` that killed runs of this machine left; return
    a sentence for each folder removed, restored or left.

    Only folders named as `publish` names them, with this machine's tag and the pid of a process
    that no longer exists. If a run was killed between moving the previous results aside and
    moving the new ones in, the previous results are put back rather than removed."""
    if os.name != "posix":
        return []  # os.kill(pid, 0) would stop the process on Windows
    pattern = re.compile(
        rf"\.{re.escape(out_dir.name)}\.(new|old)-{HOST_TAG}-([0-9]{{1,10}})-[0-9a-f]{{8}}"
    )
    try:
        with os.scandir(out_dir.parent) as entries:
            found = sorted(
                (entry.name, match)
                for entry in entries
                if (match := pattern.fullmatch(entry.name)) and entry.is_dir(follow_symlinks=False)
            )
    except OSError:
        return []
    notes = []
    for name, match in found:
        pid = int(match[2])
        if pid == os.getpid() or _alive(pid):
            continue  # a live run's folder (maybe a concurrent run)
        path = out_dir.parent / name
        if match[1] == "old" and not os.path.lexists(out_dir):
            notes.append(_restore(path, out_dir, pid))
            continue
        left = _discard(path)
        removed = Bilingual(
            f"đã xóa {path}, do một lượt chạy bị ngắt để lại (tiến trình {pid})",
            f"removed {path}, left by an interrupted run (process {pid})",
        )
        notes.append(left if left.en else removed)
    return notes


def _restore(path: Path, out_dir: Path, pid: int) -> Bilingual:
    try:
        os.rename(path, out_dir)
    except OSError as exc:
        return Bilingual(
            f"kết quả trước của một lượt chạy bị ngắt (tiến trình {pid}) ở {path}; chuyển trả "
            f"về {out_dir} không được ({exc.strerror})",
            f"the previous results of an interrupted run (process {pid}) are in {path}; "
            f"moving them back to {out_dir} failed ({exc.strerror})",
        )
    return Bilingual(
        f"đã đưa kết quả trước từ {path} trở lại, do một lượt chạy bị ngắt để lại (tiến trình "
        f"{pid})",
        f"put back the previous results from {path}, left by an interrupted run (process {pid})",
    )


def _alive(pid: int) -> bool:
    """Whether process `pid` exists on this machine and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OverflowError, OSError):
        return False  # not a possible pid
    if sys.platform.startswith("linux"):
        try:
            stat_line = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return True
        return stat_line.rpartition(")")[2].split()[:1] != ["Z"]
    return True
