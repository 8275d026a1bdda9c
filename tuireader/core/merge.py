"""Merging another copy of the user's data into this machine's files.

Copies meet three ways, all merged here alike: ``tuireader merge OTHER``, git's
merge driver (``tuireader merge-driver %O %A %B``) and Syncthing's conflict
copies. ``annotations.toml`` merges field by field (:func:`merge_documents`),
the read journal paper by paper (the latest mark wins). A file that is not
ours, is damaged or is of a newer format is refused whole (:class:`MergeError`,
nothing written). This machine's files are written as the store writes them:
under its lock, atomically, the previous file kept as ``*.bak``. Merging the
same copy twice changes nothing the second time.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from filelock import BaseFileLock

from tuireader.core.annotations import (
    EMPTY,
    FORMAT_VERSION,
    Document,
    Unreadable,
    dump,
    merge_documents,
    parse,
)
from tuireader.core.files import atomic_write
from tuireader.core.journal import (
    HEADER_PREFIX,
    JournalError,
    Mark,
    ReadJournal,
    journal_bytes,
    merged_marks,
    read_marks,
)
from tuireader.core.store import LOCK_TIMEOUT, AnnotationStore, StoreError

ANNOTATIONS, JOURNAL = "annotations", "journal"
#: Syncthing names a conflict copy ``STEM.sync-conflict-DATE-TIME-DEVICE.SUFFIX``.
CONFLICT_MARK = ".sync-conflict-"
#: A conflict copy once merged is renamed ``….merged-YYYYmmdd-HHMMSS.SUFFIX``.
MERGED_MARK = ".merged-"


class MergeError(Exception):
    """A copy cannot be merged (not our file, damaged, too new); nothing was
    written. The message is one line for the user."""


@dataclass(frozen=True, slots=True)
class MergeSummary:
    """What a merge changed (or, in a dry run, would change) in this machine's files."""

    stars: int = 0
    unstars: int = 0
    #: Notes written, rewritten or deleted; ``both_notes`` of them keep both texts.
    notes: int = 0
    both_notes: int = 0
    tags: int = 0
    untags: int = 0
    #: Papers read on one copy and not on this one, or the other way round.
    read_marks: int = 0
    #: Whether a file is (or would be) written: also when only times or titles change.
    changed: bool = False
    #: Where a merged Syncthing conflict copy was moved.
    moved_to: Path | None = None

    def __add__(self, other: MergeSummary) -> MergeSummary:
        counts = {name: getattr(self, name) + getattr(other, name) for name in _COUNTS}
        changed, moved_to = self.changed or other.changed, self.moved_to or other.moved_to
        return replace(self, **counts, changed=changed, moved_to=moved_to)

    def describe(self, dry_run: bool = False) -> str:
        """One line: "merged 3 stars, 1 note (kept both texts), … from the other copy"."""
        notes = _count(self.notes, "note")
        if self.both_notes:
            both = "" if self.both_notes == self.notes else f"{self.both_notes} "
            notes += f" ({both}kept both texts)"
        parts = [
            _count(self.stars, "star"),
            _count(self.unstars, "star removed", "stars removed"),
            notes,
            _count(self.tags, "tag"),
            _count(self.untags, "tag removed", "tags removed"),
            _count(self.read_marks, "read mark"),
        ]
        listed = ", ".join(part for part in parts if part)
        if listed:
            line = f"{'would merge' if dry_run else 'merged'} {listed} from the other copy"
        else:
            line = "nothing new in the other copy"
            if self.changed:
                line += f"; times {'would be ' if dry_run else ''}brought up to date"
        if dry_run:
            return f"{line} (dry run: nothing written)"
        return line + (f"; moved it to {self.moved_to.name}" if self.moved_to else "")


_COUNTS = ("stars", "unstars", "notes", "both_notes", "tags", "untags", "read_marks")


def _count(number: int, one: str, many: str = "") -> str:
    if not number:
        return ""
    return f"{number} {one if number == 1 else many or one + 's'}"


# Annotations ------------------------------------------------------------------------


def merge_annotation_files(
    ours: Path, theirs: Path, base: Path | None = None, *, dry_run: bool = False
) -> MergeSummary:
    """Merge the annotations file ``theirs`` into ``ours``, this machine's file
    (as the store opens it: its lock and ``.bak`` are beside that path);
    ``base``, their common ancestor, if known. A missing ``ours`` is created."""
    other = _annotations(_read(theirs), theirs, ours=False)
    old = _base_annotations(_read(base)) if base is not None else None
    store = AnnotationStore(ours)
    with _writing(ours, store.lock, dry_run):
        data = _read(ours, missing_ok=True)
        mine = _annotations(data, ours, ours=True)
        merged = merge_documents(mine, other, old)
        summary = _annotation_changes(mine, other, merged)
        if summary.changed and not dry_run:
            if data:
                atomic_write(store.backup_path, data)
            atomic_write(ours, dump(merged))
    return summary


def _annotations(data: bytes, path: Path, *, ours: bool) -> Document:
    """A copy's document; ``MergeError`` if it is no annotations file, is
    damaged or is of a newer format."""
    where = f"into {path}" if ours else str(path)
    try:
        document = parse(data)
    except Unreadable as problem:
        what = "it cannot be read" if ours else "not a tuireader annotations file"
        fix = "; fix or remove it first" if ours else ""
        raise MergeError(f"cannot merge {where}: {what} ({problem}){fix}") from None
    if document.version > FORMAT_VERSION:
        raise MergeError(
            f"cannot merge {where}: written by a newer tuireader "
            f"(format {document.version}); upgrade tuireader first"
        )
    if not ours and not document.entries and document.unknown:
        keys = ", ".join(sorted(document.unknown)[:3])
        raise MergeError(f"cannot merge {where}: not a tuireader annotations file (only {keys})")
    return document


def _base_annotations(data: bytes) -> Document | None:
    """The common ancestor, if it can be used: an empty one (no common
    history) or a damaged one makes the merge two-way, by time alone."""
    if not data.strip():
        return None
    try:
        document = parse(data)
    except Unreadable:
        return None
    return document if document.version <= FORMAT_VERSION else None


def _annotation_changes(mine: Document, theirs: Document, merged: Document) -> MergeSummary:
    counts: dict[str, Any] = dict.fromkeys(_COUNTS, 0)
    for key, after in merged.entries.items():
        before = mine.entries.get(key, EMPTY)
        if after == before:
            continue
        if after.starred != before.starred:
            counts["stars" if after.starred else "unstars"] += 1
        if after.note != before.note:
            counts["notes"] += 1
            other = theirs.entries.get(key, EMPTY).note
            counts["both_notes"] += after.note is not None and after.note != other
        counts["tags"] += len(after.tags - before.tags)
        counts["untags"] += len(before.tags - after.tags)
    return replace(MergeSummary(changed=merged != mine), **counts)


# Read journals ------------------------------------------------------------------------


def merge_journal_files(ours: Path, theirs: Path, *, dry_run: bool = False) -> MergeSummary:
    """Merge the read journal ``theirs`` into ``ours``, this machine's journal:
    under its lock, atomically, the previous file kept as ``ours.bak``."""
    other = _read(theirs)
    _journal(other, theirs, ours=False)  # refused before the lock is taken
    with _writing(ours, ReadJournal(ours, LOCK_TIMEOUT).lock, dry_run):
        data = _read(ours, missing_ok=True)
        merged, summary = _merged_journal(data, ours, other, theirs)
        if summary.changed and not dry_run:
            if data:
                atomic_write(ours.with_name(ours.name + ".bak"), data)
            atomic_write(ours, merged)
    return summary


def _merged_journal(
    ours: bytes, our_path: Path, theirs: bytes, their_path: Path
) -> tuple[bytes, MergeSummary]:
    mine, our_kept = _journal(ours, our_path, ours=True)
    other, their_kept = _journal(theirs, their_path, ours=False)
    marks = merged_marks(mine, other)
    kept = list(dict.fromkeys(our_kept + their_kept))
    read_before = {paper for paper, mark in mine.items() if mark.read}
    read_after = {paper for paper, mark in marks.items() if mark.read}
    summary = MergeSummary(
        read_marks=len(read_before ^ read_after), changed=marks != mine or kept != our_kept
    )
    return journal_bytes(marks, kept), summary


def _journal(data: bytes, path: Path, *, ours: bool) -> tuple[dict[str, Mark], list[str]]:
    try:
        marks, kept = read_marks(data)
    except JournalError as problem:
        where, fix = (f"into {path}", "; fix or remove it first") if ours else (path, "")
        raise MergeError(f"cannot merge {where}: {problem}{fix}") from None
    return marks, kept


# Git's merge driver ---------------------------------------------------------------------


def merge_driver(base: Path, ours: Path, theirs: Path) -> MergeSummary:
    """Git's ``%O %A %B``: merge ``theirs`` into ``ours`` (where git takes the
    result), three-way with the ancestor ``base``. Which kind of file they are
    is read from their content (the TOML ``version``, the journal's header):
    the driver may be set for any name. No lock, no ``.bak``: git's files."""
    datas = {path: _read(path) for path in (base, ours, theirs)}
    kinds = {_kind(data) for data in datas.values()} - {None}
    if len(kinds) > 1:
        raise MergeError(f"cannot merge {ours}: an annotations file and a read journal")
    if kinds == {JOURNAL}:
        merged, summary = _merged_journal(datas[ours], ours, datas[theirs], theirs)
        if summary.changed:
            atomic_write(ours, merged)
        return summary
    if not kinds:
        return MergeSummary()  # three empty files
    mine = _annotations(datas[ours], ours, ours=True)
    other = (
        _annotations(datas[theirs], theirs, ours=False) if datas[theirs].strip() else Document({})
    )
    document = merge_documents(mine, other, _base_annotations(datas[base]))
    summary = _annotation_changes(mine, other, document)
    if summary.changed:
        atomic_write(ours, dump(document))
    return summary


def _kind(data: bytes) -> str | None:
    """A read journal starts with its header; anything else not empty is
    taken for an annotations file (and refused if it is not one)."""
    if not data.strip():
        return None
    return JOURNAL if data.startswith(HEADER_PREFIX.encode()) else ANNOTATIONS


# Another copy, as ``tuireader merge`` takes it ----------------------------------------


def merge_other_copy(live: Path, other: Path, *, dry_run: bool = False) -> MergeSummary:
    """Merge ``other`` into this machine's data: ``live`` (the annotations
    file, as the store opens it) and the read journal beside it. ``other`` is
    another copy of the annotations file (the journal beside it, if any, is
    merged too), a read journal, or a Syncthing conflict copy of either (then
    moved aside). Every file is checked before any is written."""
    store = AnnotationStore(live)
    journal = store.journal.path
    if _same_file(other, live) or _same_file(other, journal):
        raise MergeError(f"cannot merge {other}: it is this machine's own file")
    if any(_same_file(other, conflict) for conflict in find_sync_conflicts(live)):
        return merge_sync_conflict(other, live, dry_run=dry_run)
    kind = _kind(_read(other))
    if kind == JOURNAL:
        return merge_journal_files(journal, other, dry_run=dry_run)
    companion = Path(os.path.realpath(other)).with_name(journal.name)
    if kind is None or not companion.is_file() or _same_file(companion, journal):
        return merge_annotation_files(live, other, dry_run=dry_run)
    _journal(_read(companion), companion, ours=False)  # refused before anything is written
    summary = merge_annotation_files(live, other, dry_run=dry_run)
    return summary + merge_journal_files(journal, companion, dry_run=dry_run)


# Syncthing's conflict copies ------------------------------------------------------------


def find_sync_conflicts(path: Path) -> list[Path]:
    """Syncthing's conflict copies of the annotations file ``path`` and of the
    journal beside it (``annotations.sync-conflict-20260315-101112-ABCDEFG.toml``,
    ``read-marks.sync-conflict-….txt``), beside the real files, sorted. Copies
    already merged (renamed ``….merged-….toml``) are not listed."""
    store = AnnotationStore(path)
    found: list[Path] = []
    for live in (Path(os.path.realpath(path)), store.journal.path):
        try:
            names = os.listdir(live.parent)
        except OSError:
            continue
        prefix = live.stem + CONFLICT_MARK
        found.extend(
            live.with_name(name)
            for name in sorted(names)
            if name.startswith(prefix)
            and name.endswith(live.suffix)
            and MERGED_MARK not in name[len(prefix) :]
            and live.with_name(name).is_file()
        )
    return found


def merge_sync_conflict(
    conflict: Path, live: Path | None = None, *, dry_run: bool = False
) -> MergeSummary:
    """Merge a Syncthing conflict copy into this machine's data (``live``: the
    annotations file as the store opens it; by default the file the copy's
    name points to), then rename it ``….merged-YYYYmmdd-HHMMSS.SUFFIX``
    beside it: it is never deleted. A dry run neither writes nor renames."""
    if live is None:
        live = conflict.with_name(conflict.name.split(CONFLICT_MARK)[0] + conflict.suffix)
    store = AnnotationStore(live)
    kind = _kind(_read(conflict))
    if kind == JOURNAL:
        summary = merge_journal_files(store.journal.path, conflict, dry_run=dry_run)
    elif kind == ANNOTATIONS:
        summary = merge_annotation_files(live, conflict, dry_run=dry_run)
    else:
        summary = MergeSummary()
    if dry_run:
        return summary
    return replace(summary, moved_to=_set_aside(conflict))


def _set_aside(path: Path) -> Path:
    stem = f"{path.stem}{MERGED_MARK}{datetime.now():%Y%m%d-%H%M%S}"
    target, number = path.with_name(f"{stem}{path.suffix}"), 0
    while target.exists():
        number += 1
        target = path.with_name(f"{stem}-{number}{path.suffix}")
    try:
        path.rename(target)
    except OSError as error:
        raise StoreError(f"merged {path}, but could not rename it: {_reason(error)}") from None
    return target


# Files ---------------------------------------------------------------------------------


def _read(path: Path, *, missing_ok: bool = False) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        if missing_ok:
            return b""
        raise MergeError(f"cannot merge {path}: no such file") from None
    except IsADirectoryError:
        raise MergeError(f"cannot merge {path}: it is a folder, not a file") from None
    except OSError as error:
        raise MergeError(f"cannot read {path}: {_reason(error)}") from None


@contextmanager
def _writing(path: Path, lock: BaseFileLock, dry_run: bool) -> Iterator[None]:
    """Hold ``lock`` (not in a dry run: it writes nothing, not even a lock
    file); a file that cannot be written is a ``StoreError``."""
    try:
        with nullcontext() if dry_run else lock:
            yield
    except OSError as error:
        raise StoreError(f"could not save to {path}: {_reason(error)}") from None


def _same_file(first: Path, second: Path) -> bool:
    return os.path.realpath(first) == os.path.realpath(second)


def _reason(error: OSError) -> str:
    return error.strerror or str(error) or type(error).__name__
