"""The atomic publish of a run's output folder.

A run writes everything into a fresh folder beside the output folder and swaps it in only when
every file is written, so a failed run leaves the previous results exactly as they were. Only a
folder that this tool wrote (it holds the tool's manifest) or an empty one is ever replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

__all__ = ["OutputFolderError", "publish", "MANIFEST_NAME", "TOOL_NAME"]

MANIFEST_NAME = "manifest.json"
TOOL_NAME = "huongtra-sim"
"""The manifest's "tool": a folder whose manifest says so was written by this tool."""


class OutputFolderError(Exception):
    """The output folder cannot be (safely) replaced."""


def _check_replaceable(out_dir: Path) -> None:
    """Refuse to replace anything that this tool did not write (a typo in --out must not delete
    a user's folder)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise OutputFolderError(f"{out_dir}: exists and is not a folder; choose another --out")
    if not any(out_dir.iterdir()):
        return
    manifest = out_dir / MANIFEST_NAME
    try:
        tool = json.loads(manifest.read_text(encoding="utf-8")).get("tool")
    except (OSError, ValueError, AttributeError):
        tool = None
    if tool != TOOL_NAME:
        raise OutputFolderError(
            f"{out_dir}: exists, is not empty and holds no {MANIFEST_NAME} written by this tool; "
            "refusing to replace it. Choose an empty or new folder with --out."
        )


def publish(out_dir: Path, write: Callable[[Path], None]) -> None:
    """Call `write(folder)` on a fresh folder, then swap it in place of `out_dir`.

    If `write` raises, the fresh folder is removed and `out_dir` is untouched.
    """
    out_dir = Path(out_dir).absolute()
    _check_replaceable(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.new-", dir=out_dir.parent))
    try:
        write(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if out_dir.exists():
        retired = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.rename(out_dir, retired / out_dir.name)
        os.rename(staging, out_dir)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        os.rename(staging, out_dir)
