"""The chart process: the run's charts are drawn in a process of their own, started first.

A run spends most of its time drawing charts, and until its results exist it uses one core to
import its libraries and compute. So the run forks the chart process first thing
(`ChartProcess.start`), as soon as it has imported what both need (SHARED: numpy, the model);
the chart process loads matplotlib and the fonts on the other core while the run loads the rest,
and the run never loads them itself. The run hands it the charts to draw
as soon as it can (`draw`: the congress charts as soon as the projections exist, while the
sensitivity analysis is still computing), goes on writing its tables and workbook, and at the
end asks for everything to be written into the results folder (`finish`).

What is sent is a recipe, not a figure: the name of a function of `sim.output.charts.pack` that
makes chart jobs, and its arguments (results, tables). The chart process draws each batch
with its own workers (`pack.PackInProgress`), into a folder of its own; `finish` moves the
files into the results folder, writes each pack's PDF and returns the charts written.

The chart process dies with the run (`children.die_with_parent`), and `stop` kills it and so
its workers. Where processes cannot be forked (Windows) the same object draws in the run's own
process, when `finish` is called.

Standard library only at import: the run imports this before anything else it needs.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sim.core.text import Bilingual
from sim.output.charts.children import die_with_parent, stop_signals_blocked
from sim.output.charts.saved import SavedChart
from sim.output.notes import warning_as_note

__all__ = ["ChartProcess", "ChartProcessError", "PackSettings", "Recipe"]

Recipe = tuple[str, tuple[Any, ...]]
"""(name of a job-making function of sim.output.charts.pack, its arguments)."""

FAMILIES = {
    "main_chart_jobs": "main",
    "tracking_chart_jobs": "tracking",
    "sensitivity_chart_jobs": "sensitivity",
    "compare_chart_jobs": "compare",
}
"""The job-making functions a recipe may name, and the family (`SavedChart.family`) of each."""

RECIPES = tuple(FAMILIES)

SHARED = ("sim.output.plan_text",)
"""Imported before the fork: what both processes need (numpy, the model, the scenario loader,
the words of the outputs; half of what the chart process imported, 0.5 s of CPU of a run's 6).
Imported once, by the run, which needs them first; the chart process inherits them and loads
only matplotlib and the charts meanwhile, and is ready sooner than when it imported them too."""

ONE_BLAS_THREAD = {"OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""numpy's matrix products in one thread in a run that draws charts. While the charts are
drawn their workers keep every core busy, and the BLAS threads of the run's matrix products
(the Sobol bootstrap) only took turns with them, spinning as they waited: 0.7 s of CPU in
`baseline --sensitivity`, whose whole run took 0.93 of its time and CPU with one thread (8
runs interleaved). OpenBLAS (numpy's own) reads them once, as numpy loads it."""

BLAS_CHOICES = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
"""Variables by which a user chooses BLAS threads: if any is set, the run leaves them all be."""


@contextmanager
def _one_blas_thread() -> Iterator[None]:
    """ONE_BLAS_THREAD in the environment while numpy loads inside, unless numpy is loaded
    already (nothing to choose then) or the user chose (BLAS_CHOICES); the environment as it
    was afterwards, so that no later program the run starts inherits it."""
    if "numpy" in sys.modules or any(name in os.environ for name in BLAS_CHOICES):
        yield
        return
    os.environ.update(ONE_BLAS_THREAD)
    try:
        yield
    finally:
        for name in ONE_BLAS_THREAD:
            os.environ.pop(name, None)


POLL_S = 0.1
"""How long the run waits for a word from the chart process before it looks again (a signal
is handled between two waits)."""


class ChartProcessError(RuntimeError):
    """The chart process ended without finishing (killed, out of memory); `message` says so
    in both languages."""

    def __init__(self, detail: str) -> None:
        self.message = Bilingual(
            f"không vẽ được biểu đồ: tiến trình vẽ biểu đồ đã dừng giữa chừng ({detail})",
            f"could not draw the charts: the chart process stopped ({detail})",
        )
        super().__init__(self.message.en)


@dataclass(frozen=True)
class PackSettings:
    """One pack of charts: its folder under the results folder ("charts", "compare/charts_vi"),
    its PDF, language and title, the formats, and whether the chart cache is used."""

    folder: str
    pdf_name: str
    lang: str
    title: str
    formats: tuple[str, ...]
    cache: bool = True
    progress: bool = True  # counted in the run's progress line


@dataclass
class _Drawer:
    """Draws batches into packs under `staging`, and moves them into place (in the chart
    process, or in the run's process where no fork is to be had)."""

    staging: Path
    on_progress: Callable[[str, int, int], None] | None = None
    packs: dict[str, Any] = field(default_factory=dict)  # folder -> pack.PackInProgress

    def draw(self, settings: PackSettings, recipes: Sequence[Recipe]) -> None:
        from sim.output.charts import pack as charts
        from sim.output.charts.cache import from_environment

        if settings.folder not in self.packs:
            self.packs[settings.folder] = charts.PackInProgress(
                self.staging / settings.folder,
                settings.pdf_name,
                settings.lang,
                settings.title,
                settings.formats,
                from_environment(settings.cache),
                self.on_progress if settings.progress else None,
            )
        pack = self.packs[settings.folder]
        for name, args in recipes:
            if name not in RECIPES:
                raise ValueError(f"not a chart recipe: {name}")
            pack.add(getattr(charts, name)(*args), FAMILIES[name])

    def finish(self, folder: Path) -> dict[str, list[SavedChart]]:
        """Write every pack's PDF, move the charts into `folder`/<pack folder>; the charts."""
        written = {}
        for name, pack in self.packs.items():
            saved = pack.finish()
            target = folder / name
            target.mkdir(parents=True, exist_ok=True)
            for path in sorted(pack.folder.iterdir()):
                shutil.move(path, target / path.name)
            written[name] = [_moved(chart, target) for chart in saved]
        return written


def _moved(chart: SavedChart, folder: Path) -> SavedChart:
    svg = None if chart.svg is None else folder / chart.svg.name
    return replace(chart, png=folder / chart.png.name, svg=svg)


class ChartProcess:
    """The run's side of the chart process (see the module's note)."""

    def __init__(self, process: Any = None, connection: Any = None) -> None:
        self._process = process
        self._connection = connection
        self._batches: list[tuple[PackSettings, list[Recipe]]] = []
        self._scratch: Path | None = None
        self._sent = 0

    @staticmethod
    def wanted(argv: Sequence[str]) -> bool:
        """Whether a command line (without the program) draws charts, as far as can be told
        before it is parsed: run_scenarios.py forks the chart process before it imports most
        of the tool, and `sim.cli.main` stops it if the run turns out to draw none."""
        quits = {"--no-charts", "-h", "--help", "--new-plan"}
        return not any(arg.split("=")[0] in quits for arg in argv)

    @classmethod
    def start(cls) -> ChartProcess:
        """Fork the chart process now, once the modules both processes need (SHARED) are
        imported; where there is no fork, an object with the same methods that draws in this
        process."""
        if "fork" not in multiprocessing.get_all_start_methods():
            return cls()
        import importlib

        with _one_blas_thread():
            for name in SHARED:
                importlib.import_module(name)
        context = multiprocessing.get_context("fork")
        ours, theirs = context.Pipe()
        with stop_signals_blocked():  # the child resets the handlers first thing
            process = context.Process(target=_serve, args=(theirs, os.getpid()), daemon=False)
            process.start()
        theirs.close()
        return cls(process, ours)

    def draw(
        self, settings: PackSettings, recipes: Sequence[Recipe], scratch: Path | None = None
    ) -> None:
        """Start drawing the jobs the recipes make, into the pack `settings` describes (a pack
        of that folder already begun is numbered on). The files are drawn under `scratch`
        (given with the first batch), an empty folder beside the results
        (`publish.scratch_folder`: a killed run's is removed by the next run), removed by
        `finish` and `stop`."""
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
            self._scratch = scratch
        if self._scratch is None:
            raise ValueError("the first batch of charts needs a scratch folder")
        if self._connection is None:
            self._batches.append((settings, list(recipes)))
            return
        # The data go through a file: a message larger than the pipe holds would block this
        # process until the chart process had drawn the batch before.
        self._sent += 1
        batch = self._scratch / f".batch-{self._sent}.pickle"
        batch.write_bytes(pickle.dumps((settings, list(recipes)), pickle.HIGHEST_PROTOCOL))
        self._send(("draw", self._scratch, batch))

    def _send(self, message: tuple[Any, ...]) -> None:
        try:
            self._connection.send(message)
        except (OSError, EOFError) as exc:  # BrokenPipeError, ConnectionResetError
            raise ChartProcessError(self._ended(exc)) from exc

    def _ended(self, exc: BaseException | None = None) -> str:
        code = self._process.exitcode if self._process is not None else None
        if code is not None and code < 0:
            return f"signal {-code}"
        return f"exit {code}" if code is not None else type(exc).__name__

    def finish(
        self, folder: Path, on_progress: Callable[[str, int, int], None] | None = None
    ) -> dict[str, list[SavedChart]]:
        """Wait for every chart, write the packs under `folder`; pack folder -> its charts.
        Raises what drawing raised. The chart process ends."""
        try:
            if self._connection is None:
                return self._finish_here(folder, on_progress)
            return self._finish_there(folder, on_progress)
        finally:
            self._remove_scratch()

    def _finish_there(
        self, folder: Path, on_progress: Callable[[str, int, int], None] | None
    ) -> dict[str, list[SavedChart]]:
        self._send(("finish", folder))
        while True:
            try:
                if not self._connection.poll(POLL_S):
                    if not self._process.is_alive() and not self._connection.poll():
                        self._process.join()
                        raise ChartProcessError(self._ended())
                    continue
                kind, *body = self._connection.recv()
            except (OSError, EOFError) as exc:
                self._process.join()
                raise ChartProcessError(self._ended(exc)) from exc
            if kind == "progress" and on_progress is not None:
                on_progress("charts", *body)
            elif kind == "error":
                raise body[0]
            elif kind == "done":
                self._process.join()
                return body[0]

    def _finish_here(
        self, folder: Path, on_progress: Callable[[str, int, int], None] | None
    ) -> dict[str, list[SavedChart]]:
        if self._scratch is None:
            return {}
        drawer = _Drawer(self._scratch, on_progress)
        for settings, recipes in self._batches:
            drawer.draw(settings, recipes)
        return drawer.finish(folder)

    def _remove_scratch(self) -> None:
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)

    def stop(self) -> None:
        """Kill the chart process (and so its workers) unless it has finished; at once."""
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join()
        if self._connection is not None:
            self._connection.close()
        self._remove_scratch()


def _serve(connection: Any, parent: int) -> None:
    """The chart process: load what drawing needs, then draw what the run sends."""
    die_with_parent(parent)
    try:
        warm: list[str] = []
        _warm_up(connection, warm)
        drawer: _Drawer | None = None
        failed = False
        while True:
            try:
                kind, *body = connection.recv()
            except EOFError:  # the run is gone or stopped us
                return
            try:
                if kind == "draw" and not failed:
                    scratch, batch = body
                    settings, recipes = pickle.loads(Path(batch).read_bytes())
                    Path(batch).unlink()
                    if drawer is None:  # the first batch: the run's language is known
                        warnings.showwarning = warning_as_note(settings.lang)
                        drawer = _Drawer(scratch, _progress_to(connection))
                    drawer.draw(settings, recipes)
                    _warm_up(connection, warm)
                elif kind == "finish":
                    if not failed:
                        written = {} if drawer is None else drawer.finish(Path(body[0]))
                        connection.send(("done", written))
                    return
            except BaseException as exc:  # sent to the run, which raises it
                failed = True
                _say(connection, "error", _sendable(exc))
    finally:
        connection.close()


def _progress_to(connection: Any) -> Callable[[str, int, int], None]:
    return lambda _label, done, total: _say(connection, "progress", done, total)


def _say(connection: Any, *message: Any) -> None:
    try:
        connection.send(message)
    except (BrokenPipeError, OSError):
        pass  # the run is gone: nobody to tell


def _sendable(exc: BaseException) -> BaseException:
    """`exc` if it survives pickling, else a RuntimeError with its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:
        return RuntimeError("".join(traceback.format_exception(exc)))


def _read_fonts() -> None:
    from sim.output.charts.base import STYLE
    from sim.output.charts.fontfiles import read_fonts_into_memory

    read_fonts_into_memory(STYLE["font.family"])


FIRST: tuple[str | Callable[[], None], ...] = (
    "sim.output.charts.projection",  # matplotlib and the congress charts
    _read_fonts,  # the charts' fonts, from memory (fontfiles.py)
    "matplotlib.backends.backend_agg",  # the layout's measuring renderer
    "matplotlib.backends.backend_pdf",  # each worker's PDF (and fontTools, for its fonts)
    "pypdfium2",  # each worker's PNG files
    "sim.output.charts.pack",
)
"""What every batch needs, loaded before the first batch is drawn even when it is waiting: the
workers, forked then, inherit it. (Each worker loaded what it lacked itself: the PDF backend
and fontTools once per worker, 0.2 s each.)"""

LATER: tuple[str | Callable[[], None], ...] = (
    "pypdf",  # the pack put together, at the end
    "pandas",  # the sensitivity tables, a later batch
    "sim.output.charts.sensitivity",
)
"""Loaded only while the run has sent nothing (a worker loads what it lacks when it needs
it)."""

WARM_UP = FIRST + LATER
"""What drawing and writing the charts needs, in the order it is needed: modules to import,
and steps to run."""


def _warm_up(connection: Any, done: list[str]) -> None:
    """Import what drawing needs (the workers, forked later, inherit it): FIRST whatever
    waits, then LATER only while the run has sent nothing. Called again after each batch: the
    time between two batches (the sensitivity analysis still computing) is free. `done`: the
    steps taken."""
    import importlib

    if not done:
        _skip_setter_docs()
    for step in WARM_UP:
        name = step if isinstance(step, str) else step.__name__
        if name in done:
            continue
        if step not in FIRST and connection.poll():
            return
        if isinstance(step, str):
            importlib.import_module(step)
        else:
            step()
        done.append(name)


def _skip_setter_docs() -> None:
    """matplotlib gives every Artist class's `set` a signature and a docstring listing all its
    setters, found by inspecting the class, as each class is made: about a third of the time
    to import matplotlib's figures, axes and PDF backend here. Only help() and introspection
    read them, and nobody asks for help in the chart process: here each class gets its `set`
    (which takes any setter's name, as before) without them. (Should matplotlib rename these
    hooks, this does nothing and the import is as before.)"""
    import matplotlib.artist

    if callable(getattr(matplotlib.artist, "kwdoc", None)):
        matplotlib.artist.kwdoc = lambda artist: ""
    artist = matplotlib.artist.Artist
    if callable(getattr(artist, "_update_set_signature_and_docstring", None)):
        hook: Any = classmethod(_mark_set)
        artist._update_set_signature_and_docstring = hook  # type: ignore[attr-defined]


def _mark_set(cls: type) -> None:
    """What matplotlib's `_update_set_signature_and_docstring` does but for the signature and
    docstring: mark the class's `set` as made for it, so that its subclasses get theirs."""
    cls.set._autogenerated_signature = True  # type: ignore[attr-defined]
