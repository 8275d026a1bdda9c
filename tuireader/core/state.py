"""Where the reader was, for resuming: per-machine state in ``state.toml``.

Kept apart from ``annotations.toml``, which follows the user across machines:
the list one machine was on means nothing to another. Losing this file costs
a fresh start, so a missing or damaged one is never an error: a damaged one
is moved aside and reported in one line.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

import tomli_w

from tuireader.core import locations
from tuireader.core.files import atomic_write, move_aside

FORMAT_VERSION = 1


@dataclass(frozen=True, slots=True)
class ReaderState:
    """The scope (its key), the filter text, the paper under the cursor and
    its row (to find the nearest one if the paper is gone), and the order."""

    scope: str = "all"
    query: str = ""
    paper: str = ""
    row: int = 0
    order: str = "natural"


def load_state(path: Path | None = None) -> tuple[ReaderState, str | None]:
    """The saved state, or a fresh one and a message saying why."""
    path = path or locations.state_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        version = data.get("version")
        if type(version) is not int:
            raise ValueError("no format version")
        values = {f.name: data[f.name] for f in fields(ReaderState) if f.name in data}
        state = ReaderState(**values)
        if not all(isinstance(getattr(state, name), kind) for name, kind in _TYPES.items()):
            raise ValueError("a value of the wrong type")
        return state, None
    except FileNotFoundError:
        return ReaderState(), None
    except (OSError, ValueError, TypeError) as error:  # TOMLDecodeError is a ValueError
        try:
            moved = f"; moved it to {move_aside(path)}"
        except OSError:
            moved = ""
        return ReaderState(), f"Starting afresh: {path} could not be read ({error}){moved}"


def save_state(state: ReaderState, path: Path | None = None) -> None:
    """Write the state atomically (the previous file stays whole if this fails)."""
    path = path or locations.state_file()
    document = {"version": FORMAT_VERSION, **{name: getattr(state, name) for name in _TYPES}}
    atomic_write(path, tomli_w.dumps(document).encode("utf-8"))


#: Each field's type, as its default's (annotations are only strings here).
_TYPES = {f.name: type(f.default) for f in fields(ReaderState)}
