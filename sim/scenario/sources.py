"""The source note of each numeric value of a scenario: the note of the file (or `--set`) that
set the value, never a parent's note beside a child's value.

A table's `source` (`[sectors.services] source = "..."`, a plain text or `{ vi = "...", en =
"..." }`) speaks for the values of the layer that wrote it and of the layers below it (the
parents it extends). A value set by a later layer (a child file that gives no note of its own,
or a `--set`) is shown with where it comes from instead: "optimistic.toml", "đặt bằng --set".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sim.core.text import Bilingual
from sim.scenario.parameters import numeric_parameters
from sim.scenario.values import NO_TEXT, Scenario, SourceNote

__all__ = ["BY_SET", "note_text", "value_sources"]

BY_SET = Bilingual("đặt bằng --set", "set by --set")
"""The note of a value that a --set option changed (unless the --set also gave a note)."""

_OWNED = ("sectors", "indicators")  # (tables named by their owner: sectors.<name>.<key>)


def note_text(value: Any) -> Bilingual:
    """A `source` value as a Bilingual: a plain text is the same in both languages."""
    if isinstance(value, Mapping):
        return Bilingual(str(value.get("vi", "")), str(value.get("en", "")))
    return Bilingual(value, value) if isinstance(value, str) else NO_TEXT


def _table(path: str) -> str:
    """The table a parameter path sits in: "sectors.services", "indicators.retail",
    "structure"."""
    parts = path.split(".")
    return ".".join(parts[:2]) if parts[0] in _OWNED else parts[0]


def _set_by(provenance: Mapping[str, str], path: str, rank: Mapping[str, int]) -> str | None:
    """Who set `path` last (a note given as { vi, en } is set key by key; a text may replace
    a parent's { vi, en } or the other way round: the latest layer's note is the one kept)."""
    found = [provenance[key] for key in (path, f"{path}.vi", f"{path}.en") if key in provenance]
    return max(found, key=lambda source: rank.get(source, 0)) if found else None


def _where_from(source: str) -> SourceNote:
    """Where a value without a note comes from: its file's name, or the --set option."""
    if source.startswith("--"):
        return SourceNote(BY_SET, "--set")
    name = Path(source).name
    return SourceNote(Bilingual(name, name), name)


def value_sources(
    scenario: Scenario,
    merged: Mapping[str, Any],
    provenance: Mapping[str, str],
    layers: Sequence[str],
) -> dict[str, SourceNote]:
    """Parameter path -> the note for its value, for every numeric parameter of `scenario` (and
    the base total in billion VND when it gives one).

    merged:     the scenario's merged values (its tables' `source` keys).
    provenance: dotted key -> the file or option that set it.
    layers:     the layers in the order they were merged (parents first, then the options).
    """
    rank = {source: i for i, source in enumerate(layers)}
    paths = list(numeric_parameters(scenario))
    if "base_total_bn_vnd" in merged.get("structure", {}):
        paths.append("structure.base_total_bn_vnd")
    notes = {}
    for path in paths:
        table = _table(path)
        holder: Any = merged
        for part in table.split("."):
            holder = holder.get(part, {}) if isinstance(holder, Mapping) else {}
        note = note_text(holder.get("source")) if isinstance(holder, Mapping) else NO_TEXT
        value_by = provenance.get(path, "")
        note_by = _set_by(provenance, f"{table}.source", rank)
        if note_by is not None and rank.get(value_by, 0) <= rank.get(note_by, 0):
            notes[path] = SourceNote(note, _where_from(note_by).file)
        elif note_by is not None or value_by.startswith("--"):
            notes[path] = _where_from(value_by)  # (a later layer's value: not the note's)
        else:
            notes[path] = SourceNote(NO_TEXT, Path(value_by).name)
    return notes
