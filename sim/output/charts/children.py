"""Child processes that die with the run: the chart process and its workers (forked).

Standard library only: the run imports it before it has loaded anything to draw with.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from sim.output.publish import STOP_SIGNALS

__all__ = ["die_with_parent", "set_parent_death_signal", "stop_signals_blocked"]

PR_SET_PDEATHSIG = 1
"""prctl(2) option: the signal a process gets when its parent dies (Linux)."""

PARENT_POLL_S = 0.5
"""How often a child without a parent-death signal checks that its parent lives, in seconds."""

_CHILD_DEFAULT = tuple(s for s in STOP_SIGNALS if s != signal.SIGINT)
"""Stop signals that end a child the default way (at once, without a word)."""


def die_with_parent(parent: int) -> None:
    """First thing in a forked child (the chart process, a pool's worker): it dies with the
    process that forked it, silently.

    A killed run (SIGKILL, or SIGTERM before it could stop its children) must not leave
    children drawing forever, re-parented and holding the caller's stdout. On Linux the kernel
    sends the child SIGKILL when its parent dies; elsewhere a thread watches the parent's pid.
    The child ignores Ctrl-C (a terminal sends it to every process of the group, and the run
    stops its children itself) and dies of SIGTERM and SIGHUP: the handlers forked from the run
    would raise in the child and print its traceback. A signal the run ignores (SIGHUP under
    nohup) stays ignored: a run that outlives its terminal draws its charts too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in _CHILD_DEFAULT:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # (nohup: SIGHUP stays ignored)
            signal.signal(signum, signal.SIG_DFL)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)  # blocked at fork: see below
    if not set_parent_death_signal():
        watcher = threading.Thread(target=watch_parent, args=(parent,), daemon=True)
        watcher.start()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the death signal was set: it will never come


def set_parent_death_signal() -> bool:
    """prctl(PR_SET_PDEATHSIG, SIGKILL) for this process; False where unavailable."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def watch_parent(parent: int) -> None:
    """The portable fallback: exit as soon as the parent is gone (the worker is re-parented)."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(1)


@contextmanager
def stop_signals_blocked() -> Iterator[None]:
    """Block Ctrl-C, SIGTERM and SIGHUP in this thread while children are forked, so that no
    child runs this process's handlers before `die_with_parent` resets them; a signal
    meanwhile reaches this process on unblocking."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
