"""A warning that Python or a library raises during a run, as one plain note in the run's
language (in the run's process and in the chart process alike).

The tool avoids their causes; this is the net under what it has not foreseen: the note, not
Python's file, line and source code."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from sim.core.text import Bilingual

__all__ = ["NOTE", "warning_as_note"]

NOTE = Bilingual("ghi chú", "note")


def warning_as_note(lang: str) -> Callable[..., None]:
    """A `warnings.showwarning` that prints the warning as one note in `lang` on stderr."""

    def show(
        message: Warning | str,
        category: type[Warning],
        filename: str,
        lineno: int,
        file: TextIO | None = None,
        line: str | None = None,
    ) -> None:
        said = Bilingual(
            f"một tình huống bất thường trong lượt chạy ({message}); kết quả vẫn được ghi như "
            "thường, nhưng xin hãy báo lại ghi chú này cùng với lệnh bạn đã chạy",
            f"an unexpected condition during the run ({message}); the results were "
            "written as usual, but please report this note with the command you ran",
        )
        print(f"{NOTE.in_(lang)}: {said.in_(lang)}", file=sys.stderr)

    return show
