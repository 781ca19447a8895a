"""`--new-plan FOLDER`: a commented starter plan.toml and baseline.toml that a planner fills in.

The two files are templates shipped as data (`sim/scenario/starter/<lang>/`: the same keys and
values, commented in Vietnamese or English, as the run's --lang asks); their values are examples,
marked as such in the comments, in the titles and by `example = true` in the plan, so that every
output of a run says so until the planner replaces them. Nothing is overwritten: when either
file exists, neither is written.
"""

from __future__ import annotations

from pathlib import Path

from sim.core.text import Bilingual
from sim.scenario.plan import PLAN_FILE

__all__ = ["STARTER_FILES", "StarterError", "write_starter"]

TEMPLATES = Path(__file__).resolve().parent / "starter"
STARTER_FILES = (PLAN_FILE, "baseline.toml")


class StarterError(Exception):
    """The starter cannot be written (a file is already there, or the folder is not writable);
    `render(lang)` says so in the run's language, `str()` in English."""

    def __init__(self, message: Bilingual):
        self.message = message
        super().__init__(message.en)

    def render(self, lang: str) -> str:
        return self.message.in_(lang)


def write_starter(folder: Path, lang: str = "vi") -> list[Path]:
    """Write the starter files, commented in `lang`, into `folder` (created if missing); the
    paths written. Raises StarterError naming the files that exist: a planner's file is never
    replaced."""
    targets = [folder / name for name in STARTER_FILES]
    existing = [str(path) for path in targets if path.exists() or path.is_symlink()]
    if existing:
        named = ", ".join(existing)
        raise StarterError(
            Bilingual(
                f"{named} đã có: --new-plan chỉ ghi vào một thư mục mới hoặc trống và không bao "
                "giờ thay một tệp đã có",
                f"{named} already exist{'s' if len(existing) == 1 else ''}: "
                "--new-plan writes into a new or empty folder and never replaces a file",
            )
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in targets:
            text = (TEMPLATES / lang / path.name).read_text(encoding="utf-8")
            with path.open("x", encoding="utf-8") as file:  # ("x": fails rather than replace)
                file.write(text.replace("FOLDER", str(folder)))
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise StarterError(
            Bilingual(
                f"không ghi được bộ tệp mẫu vào {folder}: {why}",
                f"cannot write the starter into {folder}: {why}",
            )
        ) from exc
    return targets
