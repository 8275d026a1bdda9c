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

import contextlib
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tomli_w

from tuireader.core import parsed_toml
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

#: A field's value and when it was set (None: written by hand, without a time).
_Pair = tuple[Any, datetime | None]
#: Decides a field both copies changed.
_Merger = Callable[[_Pair, _Pair], _Pair]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MISSING = object()


def merge_entries(
    ours: Annotation, theirs: Annotation, base: Annotation | None = None
) -> Annotation:
    """One entry from two copies, field by field (each tag is a field).

    With ``base`` (the copy both started from; :data:`EMPTY` if the paper was
    new to both), a field that one copy left as it was takes the other's
    value. A field changed in both, or any field without a base, takes the
    later change. A note is the one thing a time cannot merge: two different
    notes that both changed keep both texts, the later first, unless one
    contains the other (then the later, or with a base the longer); a note
    deleted in one copy and rewritten in the other since the base keeps the
    text. The result does not depend on which copy is "ours", but for the
    title and unknown keys both copies set differently (ours is kept).
    """
    since_base = base is not None
    starred = _merged_field(ours, theirs, base, "starred", _later)
    note = _merged_field(ours, theirs, base, "note", lambda o, t: _merged_note(o, t, since_base))
    tags: set[str] = set()
    tags_at: dict[str, datetime] = {}
    names = ours.tags | theirs.tags | ours.tags_at.keys() | theirs.tags_at.keys()
    for tag in sorted(names):
        sides = [(tag in entry.tags, entry.tags_at.get(tag)) for entry in (ours, theirs)]
        old = (tag in base.tags, base.tags_at.get(tag)) if base is not None else None
        present, at = _three_way(sides[0], sides[1], old, _later)
        if present:
            tags.add(tag)
        if at is not None:
            tags_at[tag] = at
    return Annotation(
        title=_plain(ours.title, theirs.title, base.title if base is not None else None)
        or (ours.title or theirs.title),
        starred=bool(starred[0]),
        starred_at=starred[1],
        note=note[0] or None,
        note_at=note[1],
        tags=frozenset(tags),
        tags_at=tags_at,
        updated_at=_latest(ours.updated_at, theirs.updated_at),
        unknown=_merged_mapping(
            ours.unknown, theirs.unknown, base.unknown if base is not None else None
        ),
    )


def merge_documents(ours: Document, theirs: Document, base: Document | None = None) -> Document:
    """Every paper of both copies, each merged by :func:`merge_entries`.

    With ``base``, a paper one copy dropped (by hand: tuireader never drops
    one) and the other left as it was stays dropped.
    """
    entries = {}
    for key in sorted(ours.entries.keys() | theirs.entries.keys()):
        mine, other = ours.entries.get(key), theirs.entries.get(key)
        old = base.entries.get(key) if base is not None else None
        if mine is None or other is None:
            kept = other if mine is None else mine
            if kept is not None and kept != old:
                entries[key] = kept
            continue
        entries[key] = merge_entries(
            mine, other, (EMPTY if old is None else old) if base is not None else None
        )
    return Document(
        entries,
        max(ours.version, theirs.version),
        _merged_mapping(ours.unknown, theirs.unknown, base.unknown if base is not None else None),
    )


def _merged_mapping(
    ours: Mapping[str, Any], theirs: Mapping[str, Any], base: Mapping[str, Any] | None
) -> dict[str, Any]:
    """Keys this version does not know: every key of both, the value one copy
    changed since ``base`` (ours when both did, or without a base)."""
    merged = {}
    for key in [*ours, *(key for key in theirs if key not in ours)]:
        old = base.get(key, _MISSING) if base is not None else None
        value = _plain(ours.get(key, _MISSING), theirs.get(key, _MISSING), old)
        if value is not _MISSING:
            merged[key] = value
    return merged


def _merged_field(
    ours: Annotation, theirs: Annotation, base: Annotation | None, name: str, both: _Merger
) -> _Pair:
    def pair(entry: Annotation) -> _Pair:
        return getattr(entry, name), getattr(entry, name + "_at")

    return _three_way(pair(ours), pair(theirs), pair(base) if base is not None else None, both)


def _three_way(ours: _Pair, theirs: _Pair, base: _Pair | None, both: _Merger) -> _Pair:
    """The copy that changed since ``base``; ``both`` decides when both did."""
    if ours == theirs:
        return ours
    if base is not None and ours == base:
        return theirs
    if base is not None and theirs == base:
        return ours
    return both(ours, theirs)


def _later(ours: _Pair, theirs: _Pair) -> _Pair:
    """The later change; at the same time, a star or tag beats its removal."""
    return max(ours, theirs, key=lambda pair: (pair[1] or _EPOCH, bool(pair[0])))


def _merged_note(ours: _Pair, theirs: _Pair, since_base: bool) -> _Pair:
    later, earlier = sorted((ours, theirs), key=lambda p: (p[1] or _EPOCH, p[0] or ""))[::-1]
    at = later[1]
    texts = [text for text in (later[0], earlier[0]) if text]
    if len(texts) < 2:  # deleted (or never written) in one copy
        return (texts[0], at) if texts and since_base else later
    new, old = texts
    if new == old or old in new:
        return new, at
    if new in old:  # one note is the other one extended
        return (old, at) if since_base else later
    return f"{new}{NOTE_SEPARATOR}{old}", at


def _plain(ours: Any, theirs: Any, base: Any) -> Any:
    """A value without a time: the one changed since ``base``, else ours if set."""
    if base is not None and ours == base:
        return theirs
    if base is not None and theirs == base:
        return ours
    return theirs if ours is _MISSING or ours == "" else ours


def _latest(*times: datetime | None) -> datetime | None:
    present = [time for time in times if time is not None]
    return max(present) if present else None


# The file ------------------------------------------------------------------------


def parse(data: bytes, *, lenient: bool = False, kept_in: Path | None = None) -> Document:
    """The document in a file's bytes; ``Unreadable`` says what is wrong.

    ``lenient`` (for a file of a newer format, shown read-only) skips what it
    cannot understand instead of refusing the file. ``kept_in``: a cache
    folder for what the TOML parsed to (:mod:`parsed_toml`); a file is only
    ever judged unreadable on tomllib's own reading of it.
    """
    if kept_in is not None:
        with contextlib.suppress(Unreadable, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return _document(parsed_toml.loads(data, kept_in), lenient)
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise Unreadable(f"not valid TOML: {error}") from None
    return _document(document, lenient)


def _document(document: dict[str, Any], lenient: bool) -> Document:
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
