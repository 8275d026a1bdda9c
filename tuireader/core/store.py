"""The user's data: stars, notes, tags and read marks, on disk the moment they change.

Two files, side by side in the data folder:

* ``annotations.toml`` (:mod:`tuireader.core.annotations`): stars, notes and
  tags, readable and hand-editable. Each save is a read-merge-write under a
  lock, so two tuireaders (or the app and the CLI) can change it at once
  without losing each other's work; the later change of a field wins.
* ``read-marks.txt`` (:mod:`tuireader.core.journal`): read marks, a hundred
  times more numerous, appended line by line.

Every change is an :class:`Edit`. :meth:`AnnotationStore.apply` makes a batch
of them (one user action, however many papers) with one write per file, and
returns the edits that undo it: an undo is then an ordinary change, saved and
merged like any other. A save that fails keeps the change in memory and
retries it with the next one. A file that cannot be read is moved aside,
never written over; a file written by a newer tuireader is shown but never
written (``read_only`` says why).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Set
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import MappingProxyType

from filelock import FileLock

from tuireader.core import locations
from tuireader.core.annotations import (
    EMPTY,
    FORMAT_VERSION,
    Annotation,
    Document,
    Unreadable,
    dump,
    parse,
)
from tuireader.core.edits import (
    Change,
    Edit,
    Field,
    ReadOnlyError,
    StoreError,
    Value,
    normalised,
    paper_key,
    with_changes,
)
from tuireader.core.files import atomic_write, move_aside
from tuireader.core.journal import ReadJournal

__all__ = ["AnnotationStore", "Edit", "Field", "ReadOnlyError", "StoreError", "Value"]

#: Seconds to wait for another tuireader to finish its save.
LOCK_TIMEOUT = 5.0
JOURNAL_NAME = "read-marks.txt"


class AnnotationStore:
    """The user's data files, and this process's view of them.

    Call :meth:`load` first. The sets returned by ``starred_ids`` and the like
    are live views: never change them, and iterate them only on the thread
    that makes changes (membership tests are safe anywhere). ``revision``
    grows with every change, so views built from them can be cached.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or locations.annotations_file()
        self.backup_path = self.path.with_name(self.path.name + ".bak")
        #: What the file last parsed to (a cache: tomllib takes ~60 ms for
        #: a heavy user's file, before the first screen).
        self.parsed_folder = locations.cache_dir() / "annotations"
        #: Held by every writer of the file (this store, a merge of another copy).
        self.lock = FileLock(
            self.path.with_name(self.path.name + ".lock"), timeout=LOCK_TIMEOUT, poll_interval=0.001
        )
        # Beside the file itself, so that a symlinked annotations file (kept
        # in git or a synced folder) takes its read marks along.
        journal_path = Path(os.path.realpath(self.path)).with_name(JOURNAL_NAME)
        self.journal = ReadJournal(journal_path, LOCK_TIMEOUT)
        self.read_only: str | None = None
        self.revision = 0
        self._disk: tuple[bytes, Document] = (b"", Document({}))  # last read or written
        self._pending: list[Change] = []
        self._view: dict[str, Annotation] = {}
        self._starred: set[str] = set()
        self._noted: set[str] = set()
        self._tagged: dict[str, set[str]] = {}
        self._last_change = datetime.min.replace(tzinfo=UTC)

    # Reading ---------------------------------------------------------------------

    def load(self) -> list[str]:
        """Read both files. One that cannot be read is moved aside (or, if it
        cannot be moved, left alone and never saved over); returns a message
        for each problem, and for a file of a newer format."""
        problems = [self._load_annotations()]
        problems.append(self.journal.load())
        newer = [
            f"{path.name} (format {version})"
            for path, version in (
                (self.path, self._disk[1].version),
                (self.journal.path, self.journal.newer_format or 0),
            )
            if version > FORMAT_VERSION
        ]
        if newer:
            self.read_only = (
                f"{' and '.join(newer)} written by a newer tuireader: showing what this "
                "version understands; changes are disabled until tuireader is upgraded"
            )
            problems.append(self.read_only)
        self.revision += 1
        return [problem for problem in problems if problem]

    def _load_annotations(self) -> str | None:
        try:
            with self.lock:
                self._remove_leftovers()
                try:
                    self._refresh(self._read())
                    return None
                except Unreadable as problem:
                    moved = move_aside(self.path)
                    self._refresh((b"", Document({})))
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
            except Unreadable as problem:
                self.read_only = f"{self.path} cannot be read or moved aside; fix or remove it"
                return (
                    f"{self.path} could not be read ({problem}) nor moved aside "
                    f"({_reason(error)}); nothing will be saved over it until it is fixed"
                )

    def reload(self) -> bool:
        """Read what another process wrote since (both files); True if the
        view changed. Changes not yet saved here are kept on top."""
        revision = self.revision
        try:
            disk = self._read()
        except (Unreadable, OSError):
            return False  # being rewritten, or damaged: the next save says so
        if disk[0] != self._disk[0]:
            self._refresh(disk)
        try:
            if self.journal.catch_up():
                self.revision += 1
        except OSError:
            pass  # read with the next mark
        return revision != self.revision

    def get(self, paper_id: str) -> Annotation:
        return self._view.get(paper_key(paper_id), EMPTY)

    def all(self) -> Mapping[str, Annotation]:
        """Every paper with an entry, keyed by version-less arXiv ID (read-only)."""
        return MappingProxyType(self._view)

    def starred_ids(self) -> Set[str]:
        return self._starred

    def noted_ids(self) -> Set[str]:
        return self._noted

    def read_ids(self) -> Set[str]:
        return self.journal.read

    def is_read(self, paper_id: str) -> bool:
        return paper_id in self.journal.read

    def tagged(self, tag: str) -> Set[str]:
        return self._tagged.get(tag, frozenset())

    def note_of(self, paper_id: str) -> str | None:
        """The note of a paper given by its version-less ID (fast: no parsing)."""
        entry = self._view.get(paper_id)
        return entry.note if entry else None

    def tag_names(self) -> list[str]:
        """Every tag in use, sorted (for completion and the sidebar)."""
        return sorted(self._tagged)

    @property
    def pending(self) -> int:
        """How many changes are shown but not yet saved."""
        return len(self._pending) + self.journal.pending

    def value(self, paper_id: str, field: Field, tag: str = "") -> Value:
        """What the paper holds now for ``field`` (and ``tag``)."""
        if field == "read":
            return paper_id in self.journal.read
        entry = self.get(paper_id)
        if field == "tag":
            return tag in entry.tags
        value: Value = getattr(entry, field)
        return value

    # Changing --------------------------------------------------------------------

    def apply(self, edits: Iterable[Edit]) -> list[Edit]:
        """Make ``edits`` (one user action) and save them; returns the edits that
        undo them, in the order to apply them (empty if nothing changed).

        The change is shown at once even if saving fails: ``StoreError`` then
        says why, and the save is retried with the next change or :meth:`retry`.
        """
        if self.read_only:
            raise ReadOnlyError(self.read_only)
        at = self._now()
        undo: dict[tuple[str, Field, str], Edit] = {}
        changes: list[Change] = []
        marks: dict[bool, list[str]] = {True: [], False: []}
        for edit in edits:
            key = paper_key(edit.paper_id)
            edit = replace(edit, paper_id=key, value=normalised(edit))
            old = self.value(key, edit.field, edit.tag)
            if old == edit.value:
                continue
            undo.setdefault((key, edit.field, edit.tag), replace(edit, value=old))
            if edit.field == "read":
                marks[bool(edit.value)].append(key)
            else:
                changes.append(Change(edit, at))
        if not undo:
            return []
        self._pending.extend(changes)
        self._refresh(self._disk)  # shown at once, even if a save fails
        errors = []
        if changes:
            try:
                self._save()
            except StoreError as error:
                errors.append(error)
        try:
            for read, paper_ids in marks.items():
                if paper_ids:
                    self.journal.mark(paper_ids, read, at)
        except OSError as error:
            errors.append(StoreError(f"could not save to {self.journal.path}: {_reason(error)}"))
        self.revision += 1
        undo_edits = list(undo.values())[::-1]
        if errors:
            errors[0].undo = undo_edits
            raise errors[0]
        return undo_edits

    def set_star(self, paper_id: str, starred: bool, title: str = "") -> Annotation:
        self.apply([Edit(paper_id, "starred", bool(starred), title=title)])
        return self.get(paper_id)

    def toggle_star(self, paper_id: str, title: str = "") -> Annotation:
        return self.set_star(paper_id, not self.get(paper_id).starred, title)

    def set_note(self, paper_id: str, text: str | None, title: str = "") -> Annotation:
        """Set the note; empty or blank text deletes it."""
        self.apply([Edit(paper_id, "note", text, title=title)])
        return self.get(paper_id)

    def set_tag(self, paper_id: str, tag: str, present: bool, title: str = "") -> Annotation:
        self.apply([Edit(paper_id, "tag", present, tag=tag, title=title)])
        return self.get(paper_id)

    def mark_read(self, paper_ids: Iterable[str], read: bool = True) -> list[Edit]:
        return self.apply(Edit(paper_id, "read", read) for paper_id in paper_ids)

    def retry(self) -> None:
        """Save the pending changes now; raises ``StoreError`` if still failing."""
        if self._pending:
            self._save()
        try:
            self.journal.flush()
        except OSError as error:
            raise StoreError(f"could not save to {self.journal.path}: {_reason(error)}") from None

    def _now(self) -> datetime:
        """Now, but always after this process's previous change: two quick
        changes (a star and its undo) must never tie."""
        now = datetime.now(UTC)
        self._last_change = max(now, self._last_change + timedelta(microseconds=1))
        return self._last_change

    # The annotations file ---------------------------------------------------------

    def _save(self) -> None:
        """Lock, read what is there now, apply the pending changes, write, unlock."""
        try:
            with self.lock:
                data, document = self._read()
                if document.version > FORMAT_VERSION:
                    self.read_only = f"{self.path} was changed by a newer tuireader"
                    raise ReadOnlyError(f"not saving: {self.read_only}; upgrade tuireader")
                merged = with_changes(document, self._pending)
                if merged.entries != document.entries:
                    new = dump(merged)
                    if data:
                        atomic_write(self.backup_path, data)
                    atomic_write(self.path, new)
                    data, document = new, merged
        except Unreadable as problem:
            raise StoreError(
                f"not saving over {self.path}: it cannot be read ({problem}); fix or remove it"
            ) from None
        except OSError as error:
            raise StoreError(f"could not save to {self.path}: {_reason(error)}") from None
        self._pending.clear()
        self._refresh((data, document))

    def _read(self) -> tuple[bytes, Document]:
        try:
            data = self.path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return b"", Document({})
        except OSError as error:
            raise Unreadable(_reason(error)) from None
        if data == self._disk[0]:
            return self._disk  # unchanged since we last read it: skip parsing
        return data, parse(data, kept_in=self.parsed_folder)

    def _refresh(self, disk: tuple[bytes, Document]) -> None:
        """The view: the file as last seen, with the changes not yet saved."""
        self._disk = disk
        view = with_changes(disk[1], self._pending).entries
        self._view = {key: entry for key, entry in view.items() if not entry.is_empty}
        self._starred = {key for key, entry in self._view.items() if entry.starred}
        self._noted = {key for key, entry in self._view.items() if entry.note}
        self._tagged = {}
        for key, entry in self._view.items():
            for tag in entry.tags:
                self._tagged.setdefault(tag, set()).add(key)
        self.revision += 1

    def _remove_leftovers(self) -> None:
        """Delete temporary files left by a crash: with the lock held, no
        save is under way to own them."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*"):
            leftover.unlink(missing_ok=True)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
