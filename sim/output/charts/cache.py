"""The chart cache: a chart whose inputs did not change is not drawn again.

An entry is one file of one chart (a PNG, an SVG, the chart's captioned PDF page), named by a
SHA-256 over everything that can change those bytes: the chart job itself (its data, plot
function, language, run date, what-if note; pickled), the caption of its page, the format and
its options (dpi), the chart style and every other matplotlib setting in force, the versions of
the tool and of the libraries that draw and write, the font files, and the source code of the
whole `sim` package (the plot functions read labels, targets and formats from it). A chart is therefore
drawn afresh whenever anything it shows could differ: it can never be stale.

The cache lives outside the results, in the user's cache folder (`default_folder`), or in the
folder named by the environment variable `HUONGTRA_SIM_CACHE` (`off` turns it off; so does
`--no-cache`). Entries are written to a temporary file and renamed, so concurrent runs never
read half a file; each entry starts with the SHA-256 of its bytes, and an entry that does not
match (a truncated or damaged file) is ignored and drawn again. The oldest entries are removed
when the cache grows past `MAX_BYTES`.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import matplotlib

import sim

__all__ = ["ENV", "ChartCache", "default_folder", "from_environment"]

ENV = "HUONGTRA_SIM_CACHE"
"""A folder for the cache, or "off"."""

LAYOUT = b"huongtra-sim chart cache 1\n"
"""The first bytes of the key material: change it when the entry format changes."""

MAX_BYTES = 300 * 2**20
"""When the cache grows past this, the least recently used entries are removed."""

_LIBRARIES = ("matplotlib", "numpy", "pandas", "pillow", "fonttools", "pypdf", "pypdfium2")


def default_folder() -> Path:
    """The user's cache folder for charts: %LOCALAPPDATA% on Windows, ~/Library/Caches on macOS,
    $XDG_CACHE_HOME or ~/.cache elsewhere."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        root = Path(os.environ["LOCALAPPDATA"])
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Caches"
    else:
        root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "huongtra-sim" / "charts"


def from_environment(enabled: bool = True) -> ChartCache | None:
    """The run's cache: None when `enabled` is False (--no-cache) or HUONGTRA_SIM_CACHE=off."""
    setting = os.environ.get(ENV, "").strip()
    if not enabled or setting.lower() == "off":
        return None
    return ChartCache(Path(setting) if setting else default_folder())


@functools.lru_cache(maxsize=1)
def _environment_digest() -> bytes:
    """What every key shares: the tool's version and source code, the libraries' versions."""
    digest = hashlib.sha256(LAYOUT)
    digest.update(f"{sim.__version__} {sys.version_info[:3]}\n".encode())
    for name in _LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name} {version}\n".encode())
    for font in _font_files():
        stat = font.stat()
        digest.update(f"{font} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    package = Path(sim.__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.digest()


def _font_files() -> list[Path]:
    """The font files the charts are drawn with: each font of the style, regular and bold (a
    font installed or updated on the system can take the place of matplotlib's own)."""
    from matplotlib.font_manager import FontProperties, findfont

    return [
        Path(findfont(FontProperties(family=family, weight=weight), fallback_to_default=True))
        for family in _font_families()
        for weight in ("normal", "bold")
    ]


def _font_families() -> list[str]:
    from sim.output.charts.base import STYLE

    families = STYLE["font.family"]
    return [families] if isinstance(families, str) else list(families)


def _settings_digest() -> bytes:
    """Every matplotlib setting in force when the cache is opened (a user's matplotlibrc; the
    chart style is in the source code)."""
    items = sorted((key, repr(value)) for key, value in matplotlib.rcParams.items())
    return hashlib.sha256(repr(items).encode()).digest()


@dataclass(frozen=True)
class ChartCache:
    """Chart files by key, in `folder`."""

    folder: Path
    settings: bytes = field(default_factory=lambda: _settings_digest())

    def keys(self, job: Any, parts: Mapping[str, tuple[str, ...]]) -> dict[str, str] | None:
        """The keys of several files of `job` (`parts`: each file's format and options, by
        name), the job pickled once; None when it cannot be pickled."""
        try:
            data = pickle.dumps(job, protocol=5)
        except Exception:  # noqa: BLE001 - a job of a kind the cache cannot key: draw it
            return None
        return {name: self._key(data, p) for name, p in parts.items()}

    def key(self, job: Any, *parts: str) -> str | None:
        """The key of one file of `job` (`parts`: format and options, the page caption); None
        when the job cannot be pickled (it is then always drawn)."""
        keys = self.keys(job, {"": parts})
        return None if keys is None else keys[""]

    def _key(self, data: bytes, parts: Sequence[str]) -> str:
        digest = hashlib.sha256(_environment_digest())
        digest.update(self.settings)
        digest.update("\0".join(parts).encode() + b"\0")
        digest.update(data)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None (absent, unreadable or damaged)."""
        path = self._path(key)
        try:
            stored = path.read_bytes()
        except OSError:
            return None
        check, data = stored[:32], stored[32:]
        if hashlib.sha256(data).digest() != check:
            return None
        try:
            os.utime(path)  # recently used: kept longest
        except OSError:
            pass
        return data

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key`, atomically; a cache that cannot be written is skipped."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(hashlib.sha256(data).digest() + data)
                os.replace(temporary, path)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError:
            return

    def prune(self, limit: int = MAX_BYTES) -> None:
        """Remove the least recently used entries until the cache holds at most `limit` bytes."""
        try:
            entries = [(p.stat(), p) for p in self.folder.glob("??/[!.]*")]
        except OSError:
            return
        total = sum(s.st_size for s, _ in entries)
        for stat, path in sorted(entries, key=lambda e: e[0].st_mtime):
            if total <= limit:
                break
            path.unlink(missing_ok=True)
            total -= stat.st_size
