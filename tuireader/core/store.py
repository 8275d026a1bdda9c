"""Stars and notes in ``annotations.toml``: the one file users must never lose.

Every change is on disk before its method returns. Each save is a
read-merge-write under a lock file, so two tuireaders (or the app and the CLI)
can change the file at once without losing each other's work; when both
changed the same field of the same paper, the later change wins by its
timestamp. A save that fails keeps the change in memory and retries it with the
next one. A file that cannot be read is moved aside, never written over.

Adding a field (tags, read state) means a new ``Annotation`` field, a line in
``FIELDS``, and a new format version so that older versions, which would drop
the field, refuse the file instead.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType

import tomli_w
from filelock import FileLock

from tuireader.core import locations
from tuireader.core.files import atomic_write
from tuireader.core.model import parse_arxiv_id

FORMAT_VERSION = 1
#: The keys of a paper's table, in the order written, and their TOML types.
FIELDS = {
    "title": str,
    "starred": bool,
    "starred_at": datetime,
    "note": str,
    "note_at": datetime,
    "updated_at": datetime,
}
#: Seconds to wait for another tuireader to finish its save.
LOCK_TIMEOUT = 5.0


class StoreError(Exception):
    """A change could not be saved; the message is one line for the user."""


class _Unreadable(Exception):
    """The file exists but cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """What the user added to one paper. ``starred_at`` and ``note_at`` are
    when each was last changed (set or cleared), in UTC; they decide which of
    two concurrent changes wins."""

    starred: bool = False
    note: str | None = None
    title: str = ""
    starred_at: datetime | None = None
    note_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class _Change:
    """One user action, kept until it is on disk."""

    paper_id: str
    field: str  # "starred" or "note"; its timestamp is field + "_at"
    value: object
    title: str
    at: datetime


class AnnotationStore:
    """The annotations file, and this process's view of it.

    Call ``load()`` first; every change method saves at once and raises
    ``StoreError`` if it could not (the change then stays in the view and
    in ``pending``, and is retried by the next change or ``retry()``).
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or locations.annotations_file()
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        lock_path = self.path.with_name(self.path.name + ".lock")
        self._lock = FileLock(lock_path, timeout=LOCK_TIMEOUT, poll_interval=0.001)
        self._disk: tuple[bytes, dict[str, Annotation]] = (b"", {})  # last read or written
        self._pending: list[_Change] = []
        self._view: dict[str, Annotation] = {}

    # Reading ----------------------------------------------------------------

    def load(self) -> str | None:
        """Read the file. If it is unreadable, move it aside and start fresh;
        return a message saying where it went (or why it stayed), else None."""
        try:
            with self._lock:
                self._remove_leftovers()
                try:
                    self._refresh(self._read())
                    return None
                except _Unreadable as problem:
                    moved = self._move_aside()
                    self._refresh((b"", {}))
                    older = self.backup_path.exists()
                    return (
                        f"{self.path} could not be read ({problem}); moved it to {moved} "
                        "and started with no stars or notes"
                        + (f" (an older copy is in {self.backup_path})" if older else "")
                    )
        except OSError as error:  # no lock or no move: read it anyway, touch nothing
            try:
                self._refresh(self._read())
                return None
            except _Unreadable as problem:
                return (
                    f"{self.path} could not be read ({problem}) nor moved aside "
                    f"({_reason(error)}); nothing will be saved over it until it is fixed"
                )

    def get(self, paper_id: str) -> Annotation | None:
        return self._view.get(_key(paper_id))

    def all(self) -> Mapping[str, Annotation]:
        """A read-only snapshot, keyed by version-less arXiv ID."""
        return MappingProxyType(self._view)

    def starred_ids(self) -> frozenset[str]:
        return frozenset(key for key, entry in self._view.items() if entry.starred)

    def noted_ids(self) -> frozenset[str]:
        return frozenset(key for key, entry in self._view.items() if entry.note)

    @property
    def pending(self) -> int:
        """How many changes are shown but not yet saved."""
        return len(self._pending)

    # Changing ---------------------------------------------------------------

    def set_star(self, paper_id: str, starred: bool, title: str = "") -> Annotation:
        return self._change(paper_id, "starred", bool(starred), title)

    def toggle_star(self, paper_id: str, title: str = "") -> Annotation:
        entry = self.get(paper_id)
        return self.set_star(paper_id, not (entry and entry.starred), title)

    def set_note(self, paper_id: str, text: str | None, title: str = "") -> Annotation:
        """Set the note; empty or blank text deletes it."""
        text = (text or "").replace("\r\n", "\n").rstrip()
        return self._change(paper_id, "note", text or None, title)

    def retry(self) -> None:
        """Save the pending changes now; raises ``StoreError`` if still failing."""
        if self._pending:
            self._save()

    def _change(self, paper_id: str, field: str, value: object, title: str) -> Annotation:
        key = _key(paper_id)
        self._pending.append(_Change(key, field, value, title, datetime.now(UTC)))
        self._refresh(self._disk)  # shown at once, even if the save fails
        self._save()
        return self._view.get(key) or Annotation(title=title)

    # The file ---------------------------------------------------------------

    def _save(self) -> None:
        """Lock, read what is there now, apply the pending changes, write, unlock."""
        try:
            with self._lock:
                data, entries = self._read()
                merged = _merged(entries, self._pending)
                if merged != entries:
                    new = _dump(merged)
                    if data:
                        atomic_write(self.backup_path, data)
                    atomic_write(self.path, new)
                    data, entries = new, merged
        except _Unreadable as problem:
            raise StoreError(
                f"not saving over {self.path}: it cannot be read ({problem}); fix or remove it"
            ) from None
        except OSError as error:
            raise StoreError(f"could not save to {self.path}: {_reason(error)}") from None
        self._pending.clear()
        self._refresh((data, entries))

    def _read(self) -> tuple[bytes, dict[str, Annotation]]:
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return b"", {}
        except OSError as error:
            raise _Unreadable(_reason(error)) from None
        if data == self._disk[0]:
            return self._disk  # unchanged since we last read it: skip parsing
        return data, _parse(data)

    def _refresh(self, disk: tuple[bytes, dict[str, Annotation]]) -> None:
        self._disk = disk
        self._view = _merged(disk[1], self._pending)

    def _remove_leftovers(self) -> None:
        """Delete temporary files left by a crash: with the lock held, no
        save is under way to own them."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*"):
            leftover.unlink(missing_ok=True)

    def _move_aside(self) -> Path:
        """Rename the file to a free ``NAME.corrupt-YYYYmmdd-HHMMSS[-N].toml``."""
        stem = f"{self.path.stem}.corrupt-{datetime.now():%Y%m%d-%H%M%S}"
        target, number = self.path.with_name(f"{stem}.toml"), 0
        while target.exists():
            number += 1
            target = self.path.with_name(f"{stem}-{number}.toml")
        self.path.rename(target)
        return target


# Pure functions over entries --------------------------------------------------


def _key(paper_id: str) -> str:
    parsed = parse_arxiv_id(paper_id)
    if parsed is None:
        raise ValueError(f"not an arXiv ID: {paper_id!r}")
    return parsed[0]


def _merged(entries: dict[str, Annotation], changes: list[_Change]) -> dict[str, Annotation]:
    result = dict(entries)
    for change in changes:
        _apply(result, change)
    return result


def _apply(entries: dict[str, Annotation], change: _Change) -> None:
    """Apply one change unless the entry already says so or changed later."""
    old = entries.get(change.paper_id, Annotation())
    changed_at = getattr(old, change.field + "_at")
    if getattr(old, change.field) == change.value or (changed_at and changed_at > change.at):
        return
    new = replace(
        old,
        **{change.field: change.value, change.field + "_at": change.at},  # type: ignore[arg-type]
        title=change.title or old.title,
        updated_at=max(change.at, old.updated_at or change.at),
    )
    if new.starred or new.note:
        entries[change.paper_id] = new
    else:
        entries.pop(change.paper_id, None)


def _dump(entries: dict[str, Annotation]) -> bytes:
    papers = {key: _table(entries[key]) for key in sorted(entries)}
    document = {"version": FORMAT_VERSION, "papers": papers}
    return tomli_w.dumps(document, multiline_strings=True).encode("utf-8")


def _table(entry: Annotation) -> dict[str, object]:
    table = {name: getattr(entry, name) for name in FIELDS}
    return {name: value for name, value in table.items() if value not in (None, "")}


def _parse(data: bytes) -> dict[str, Annotation]:
    """The entries in a file's bytes; ``_Unreadable`` says what is wrong."""
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise _Unreadable(f"not valid TOML: {error}") from None
    if not document:
        return {}  # an empty file holds nothing to lose
    version = document.get("version")
    if type(version) is not int or version < 1:
        raise _Unreadable("no format version")
    if version > FORMAT_VERSION:
        raise _Unreadable(f"written by a newer tuireader, format version {version}")
    papers = document.get("papers", {})
    if not isinstance(papers, dict):
        raise _Unreadable("'papers' is not a table")
    entries = {key: _entry(key, table) for key, table in papers.items()}
    return {key: entry for key, entry in entries.items() if entry.starred or entry.note}


def _entry(key: str, table: object) -> Annotation:
    if parse_arxiv_id(key) != (key, None) or not isinstance(table, dict):
        raise _Unreadable(f"papers.{key!r} is not a paper")
    values = {}
    for name, kind in FIELDS.items():
        value = table.get(name)
        if value is not None and not isinstance(value, kind):
            raise _Unreadable(f"papers.{key!r}.{name} is not a {kind.__name__}")
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # a hand-written local time: take it as UTC
        if value not in (None, ""):
            values[name] = value
    return Annotation(**values)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
