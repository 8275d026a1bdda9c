"""What the user adds to papers, as kept in ``annotations.toml``: pure data.

One table per paper, keyed by its version-less arXiv ID, each value with the
time it was last changed, so that two copies of the file (two machines, two
processes) merge field by field: the later change wins. A cleared value keeps
its timestamp (``starred = false``, a removed tag in ``tags_at``), or a merge
with an older copy would bring it back.

Keys this version does not know, in a paper's table or at the top level, are
kept as read and written back unchanged: a newer tuireader can add a field
without a format version bump, and an older one will not drop it. A file with
a *newer* format version than :data:`FORMAT_VERSION` is read as far as it can
be, and never written (the store opens it read-only).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

import tomli_w

from tuireader.core.model import parse_arxiv_id

#: Version 1 since stars and notes; tags came as new keys, not a new version.
FORMAT_VERSION = 1
#: Written between two notes that were both changed since a merge's base.
NOTE_SEPARATOR = "\n\n--- the other copy's note ---\n"


class Unreadable(Exception):
    """The file exists but cannot be used; the message says why."""


@dataclass(frozen=True, slots=True)
class Annotation:
    """What the user added to one paper. Each ``*_at`` is when that value was
    last set or cleared (UTC): it decides which of two concurrent changes wins.
    ``tags_at`` holds every tag ever added or removed, ``tags`` the current ones."""

    title: str = ""
    starred: bool = False
    starred_at: datetime | None = None
    note: str | None = None
    note_at: datetime | None = None
    tags: frozenset[str] = frozenset()
    tags_at: Mapping[str, datetime] = field(default_factory=dict)
    updated_at: datetime | None = None
    #: Keys of the paper's table this version does not know, as read.
    unknown: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """Nothing worth a table in the file: no value, no timestamp, no unknown key."""
        return not any(getattr(self, name) for name in _KEPT)


#: An entry is kept in the file while any of these is set (the title alone is not).
_KEPT = ("starred", "starred_at", "note", "note_at", "tags", "tags_at", "unknown")

#: The scalar fields a user changes: each has a value and a ``NAME_at`` time.
SCALAR_FIELDS: dict[str, type] = {"starred": bool, "note": str}
#: The keys of a paper's table, in the order written, and their TOML types.
TABLE_KEYS: dict[str, type] = {
    "title": str,
    "starred": bool,
    "starred_at": datetime,
    "note": str,
    "note_at": datetime,
    "tags": list,
    "tags_at": dict,
    "updated_at": datetime,
}
EMPTY = Annotation()


@dataclass(frozen=True, slots=True)
class Document:
    """A whole annotations file: its entries and the top-level keys it had."""

    entries: dict[str, Annotation]
    version: int = FORMAT_VERSION
    unknown: Mapping[str, Any] = field(default_factory=dict)


# Changing one entry ---------------------------------------------------------------


def with_value(entry: Annotation, name: str, value: object, at: datetime, title: str) -> Annotation:
    """``entry`` with scalar field ``name`` set to ``value`` at ``at``, unless it
    already holds that value or was changed at the same time or later (then it
    is returned as is: of two changes at one instant, the one already there stays)."""
    changed_at = getattr(entry, name + "_at")
    if getattr(entry, name) == value or (changed_at is not None and changed_at >= at):
        return entry
    changes: dict[str, Any] = {name: value, name + "_at": at}
    return _touched(replace(entry, **changes), at, title)


def with_tag(entry: Annotation, tag: str, present: bool, at: datetime, title: str) -> Annotation:
    """``entry`` with ``tag`` added or removed at ``at`` (a later change wins)."""
    changed_at = entry.tags_at.get(tag)
    if (tag in entry.tags) == present or (changed_at is not None and changed_at >= at):
        return entry
    tags = entry.tags | {tag} if present else entry.tags - {tag}
    changed = replace(entry, tags=tags, tags_at={**entry.tags_at, tag: at})
    return _touched(changed, at, title)


def _touched(entry: Annotation, at: datetime, title: str) -> Annotation:
    updated = max(at, entry.updated_at) if entry.updated_at else at
    return replace(entry, title=title or entry.title, updated_at=updated)


# Merging two copies ---------------------------------------------------------------


def merge_entries(
    ours: Annotation, theirs: Annotation, base: Annotation | None = None
) -> Annotation:
    """One entry from two copies, field by field: the later change wins.

    A note changed in both copies (since ``base``, or without a base whenever
    the texts differ and neither contains the other) keeps both texts, the
    later first: a note is the one thing a timestamp cannot merge.
    """
    merged = ours
    for name in SCALAR_FIELDS:
        merged = _merged_scalar(merged, theirs, name)
    if ours.note and theirs.note and ours.note != theirs.note:
        base_note = base.note if base else None
        if base_note not in (ours.note, theirs.note) and not _contains(ours.note, theirs.note):
            ours_first = (ours.note_at or _EPOCH) >= (theirs.note_at or _EPOCH)
            later, earlier = (ours, theirs) if ours_first else (theirs, ours)
            note = f"{later.note}{NOTE_SEPARATOR}{earlier.note}"
            merged = replace(merged, note=note, note_at=later.note_at)
    for tag, at in theirs.tags_at.items():
        merged = with_tag(merged, tag, tag in theirs.tags, at, "")
    for tag in theirs.tags - merged.tags_at.keys():  # a tag without a time (hand-written)
        merged = replace(merged, tags=merged.tags | {tag})
    return replace(
        merged,
        title=ours.title or theirs.title,
        updated_at=_latest(ours.updated_at, theirs.updated_at, merged.updated_at),
        unknown={**theirs.unknown, **ours.unknown},
    )


def merge_documents(ours: Document, theirs: Document, base: Document | None = None) -> Document:
    """Every paper of both copies, each merged by :func:`merge_entries`."""
    entries = dict(ours.entries)
    for key, entry in theirs.entries.items():
        known = entries.get(key)
        base_entry = base.entries.get(key) if base else None
        entries[key] = entry if known is None else merge_entries(known, entry, base_entry)
    return Document(
        {key: entries[key] for key in sorted(entries)},
        max(ours.version, theirs.version),
        {**theirs.unknown, **ours.unknown},
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _merged_scalar(ours: Annotation, theirs: Annotation, name: str) -> Annotation:
    their_at = getattr(theirs, name + "_at")
    if their_at is None:  # written by hand, without a time: fill a gap only
        if getattr(ours, name + "_at") is None and getattr(theirs, name):
            changes: dict[str, Any] = {name: getattr(theirs, name)}
            return replace(ours, **changes)
        return ours
    return with_value(ours, name, getattr(theirs, name), their_at, "")


def _contains(first: str, second: str) -> bool:
    """One note is the other one extended (or is it): no need to keep both."""
    return first in second or second in first


def _latest(*times: datetime | None) -> datetime | None:
    present = [time for time in times if time is not None]
    return max(present) if present else None


# The file ------------------------------------------------------------------------


def parse(data: bytes, *, lenient: bool = False) -> Document:
    """The document in a file's bytes; ``Unreadable`` says what is wrong.

    ``lenient`` (for a file of a newer format, shown read-only) skips what it
    cannot understand instead of refusing the file.
    """
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise Unreadable(f"not valid TOML: {error}") from None
    if not document:
        return Document({})  # an empty file holds nothing to lose
    version = document.pop("version", None)
    if type(version) is not int or version < 1:
        raise Unreadable("no format version")
    lenient = lenient or version > FORMAT_VERSION
    papers = document.pop("papers", {})
    if not isinstance(papers, dict):
        raise Unreadable("'papers' is not a table")
    entries = {}
    for key, table in papers.items():
        try:
            entries[key] = _entry(key, table)
        except Unreadable:
            if not lenient:
                raise
    return Document(entries, version, document)


def dump(document: Document) -> bytes:
    """The file's bytes: papers sorted by ID, keys in a fixed order, so that
    the file diffs and merges line by line."""
    papers = {
        key: _table(entry) for key, entry in sorted(document.entries.items()) if not entry.is_empty
    }
    data = {"version": document.version, **document.unknown, "papers": papers}
    return tomli_w.dumps(data, multiline_strings=True).encode("utf-8")


def _table(entry: Annotation) -> dict[str, Any]:
    table: dict[str, Any] = {
        "title": entry.title,
        "starred": entry.starred,
        "starred_at": entry.starred_at,
        "note": entry.note,
        "note_at": entry.note_at,
        "tags": sorted(entry.tags),
        "tags_at": dict(sorted(entry.tags_at.items())),
        "updated_at": entry.updated_at,
    }
    # ``starred`` always, as every version has written it.
    kept = {
        name: value
        for name, value in table.items()
        if name == "starred" or value not in (None, "", [], {})
    }
    return kept | dict(entry.unknown)


def _entry(key: str, table: object) -> Annotation:
    if parse_arxiv_id(key) != (key, None) or not isinstance(table, dict):
        raise Unreadable(f"papers.{key!r} is not a paper")
    values: dict[str, Any] = {}
    for name, kind in TABLE_KEYS.items():
        value = table.get(name)
        if value is not None and not isinstance(value, kind):
            raise Unreadable(f"papers.{key!r}.{name} is not a {_kind_name(kind)}")
        if value not in (None, ""):
            values[name] = _as_utc(value)
    values["tags"] = frozenset(_tag_names(key, values.get("tags", ())))
    values["tags_at"] = _tag_times(key, values.get("tags_at", {}))
    unknown = {name: value for name, value in table.items() if name not in TABLE_KEYS}
    return Annotation(**values, unknown=unknown)


def _tag_names(key: str, tags: Iterable[object]) -> Iterable[str]:
    for tag in tags:
        if not isinstance(tag, str):
            raise Unreadable(f"papers.{key!r}.tags holds a {type(tag).__name__}, not a tag")
        yield tag


def _tag_times(key: str, times: Mapping[str, object]) -> dict[str, datetime]:
    checked = {}
    for tag, at in times.items():
        if not isinstance(at, datetime):
            raise Unreadable(f"papers.{key!r}.tags_at.{tag} is not a date and time")
        checked[tag] = _as_utc(at)
    return checked


def _as_utc(value: Any) -> Any:
    """A hand-written local time is taken as UTC, so times always compare."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _kind_name(kind: type) -> str:
    return {list: "list", dict: "table", datetime: "date and time"}.get(kind, kind.__name__)
