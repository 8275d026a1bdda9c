"""Merging two copies of annotations, field by field: tables of cases, with
and without the copy both started from, and the laws a merge must keep."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core.annotations import (
    EMPTY,
    NOTE_SEPARATOR,
    Annotation,
    Document,
    dump,
    merge_documents,
    merge_entries,
    parse,
)

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def at(minute: int) -> datetime:
    return START + timedelta(minutes=minute)


def entry(**fields: Any) -> Annotation:
    """An annotation; ``tags`` given as ``{tag: (present, minute)}``."""
    tags = fields.pop("tags", {})
    return Annotation(
        tags=frozenset(tag for tag, (present, _) in tags.items() if present),
        tags_at={tag: at(minute) for tag, (_, minute) in tags.items()},
        **fields,
    )


def star(value: bool, minute: int) -> Annotation:
    return entry(starred=value, starred_at=at(minute))


def note(text: str | None, minute: int) -> Annotation:
    return entry(note=text, note_at=at(minute))


def both(later: str, earlier: str) -> str:
    return f"{later}{NOTE_SEPARATOR}{earlier}"


# Two copies, no common ancestor: the later change wins --------------------------------

TWO_WAY = {
    # name: (ours, theirs, what the merged entry holds)
    "star-on-their-side-only": (EMPTY, star(True, 1), {"starred": True}),
    "star-on-our-side-only": (star(True, 1), EMPTY, {"starred": True}),
    "unstarred-there-later": (star(True, 1), star(False, 2), {"starred": False}),
    "unstarred-there-earlier": (star(True, 2), star(False, 1), {"starred": True}),
    "starred-there-later": (star(False, 1), star(True, 2), {"starred": True}),
    "star-and-unstar-at-one-time": (star(False, 1), star(True, 1), {"starred": True}),
    "same-star-keeps-the-later-time": (
        star(True, 1),
        star(True, 5),
        {"starred": True, "starred_at": at(5)},
    ),
    "note-on-their-side-only": (EMPTY, note("theirs", 1), {"note": "theirs"}),
    "note-extended-there": (note("idea", 1), note("idea, and more", 2), {"note": "idea, and more"}),
    "note-extended-here": (note("idea, and more", 2), note("idea", 1), {"note": "idea, and more"}),
    "note-trimmed-later": (note("idea", 3), note("idea, and more", 2), {"note": "idea"}),
    "note-edited-on-both": (
        note("ours", 1),
        note("theirs", 2),
        {"note": both("theirs", "ours"), "note_at": at(2)},
    ),
    "note-edited-on-both-ours-later": (
        note("ours", 3),
        note("theirs", 2),
        {"note": both("ours", "theirs"), "note_at": at(3)},
    ),
    "note-deleted-there-later": (note("keep?", 1), note(None, 2), {"note": None}),
    "note-deleted-there-earlier": (note("rewritten", 2), note(None, 1), {"note": "rewritten"}),
    "same-note": (note("same", 1), note("same", 2), {"note": "same", "note_at": at(2)}),
    "tags-added-on-each-side": (
        entry(tags={"ml": (True, 1)}),
        entry(tags={"vision": (True, 2)}),
        {"tags": {"ml", "vision"}},
    ),
    "tag-removed-there-later": (
        entry(tags={"ml": (True, 1)}),
        entry(tags={"ml": (False, 2)}),
        {"tags": set()},
    ),
    "tag-added-there-later": (
        entry(tags={"ml": (False, 2)}),
        entry(tags={"ml": (True, 3)}),
        {"tags": {"ml"}},
    ),
    "tag-removed-there-earlier": (
        entry(tags={"ml": (True, 3)}),
        entry(tags={"ml": (False, 2)}),
        {"tags": {"ml"}},
    ),
    "hand-written-tag-without-time": (
        entry(tags={"ml": (True, 1)}),
        Annotation(tags=frozenset({"todo"})),
        {"tags": {"ml", "todo"}},
    ),
    "unknown-keys-of-both": (
        entry(unknown={"rating": 4}),
        entry(unknown={"colour": "red"}),
        {"unknown": {"rating": 4, "colour": "red"}},
    ),
    "unknown-key-set-on-both-keeps-ours": (
        entry(unknown={"rating": 4}),
        entry(unknown={"rating": 2}),
        {"unknown": {"rating": 4}},
    ),
    "title-ours": (entry(title="Ours"), entry(title="Theirs"), {"title": "Ours"}),
    "title-theirs-when-ours-has-none": (EMPTY, entry(title="Theirs"), {"title": "Theirs"}),
}


@pytest.mark.parametrize(("ours", "theirs", "expected"), TWO_WAY.values(), ids=TWO_WAY)
def test_two_copies(ours: Annotation, theirs: Annotation, expected: dict[str, Any]) -> None:
    merged = merge_entries(ours, theirs)
    for name, value in expected.items():
        got = merged.tags if name == "tags" else getattr(merged, name)
        assert got == value, name


# Three-way, with the copy both started from (git's common ancestor) -------------------

THREE_WAY = {
    # name: (base, ours, theirs, what the merged entry holds)
    "note-changed-here-only-is-not-doubled": (
        note("first", 1),
        note("first, then more", 5),
        note("first", 1),
        {"note": "first, then more"},
    ),
    "note-changed-there-only-is-not-doubled": (
        note("first", 1),
        note("first", 1),
        note("rewritten", 5),
        {"note": "rewritten"},
    ),
    "note-changed-on-both": (
        note("first", 1),
        note("ours", 5),
        note("theirs", 6),
        {"note": both("theirs", "ours"), "note_at": at(6)},
    ),
    "note-extended-on-both-keeps-the-longer": (
        note("first", 1),
        note("first, second, third", 5),
        note("first, second", 6),
        {"note": "first, second, third", "note_at": at(6)},
    ),
    "note-deleted-here-untouched-there": (
        note("first", 1),
        note(None, 5),
        note("first", 1),
        {"note": None},
    ),
    "note-deleted-here-rewritten-there-keeps-the-text": (
        note("first", 1),
        note(None, 6),
        note("rewritten", 5),
        {"note": "rewritten", "note_at": at(6)},
    ),
    "star-removed-here-untouched-there": (
        star(True, 1),
        star(False, 5),
        star(True, 1),
        {"starred": False},
    ),
    "star-removed-there-untouched-here": (
        star(True, 1),
        star(True, 1),
        star(False, 5),
        {"starred": False},
    ),
    "star-removed-there-by-a-slow-clock-stays-removed": (
        star(True, 10),
        star(True, 10),
        star(False, 3),
        {"starred": False},
    ),
    "star-changed-on-both-later-wins": (
        star(False, 1),
        star(True, 5),
        star(False, 7),
        {"starred": False},
    ),
    "tag-removed-here-added-there": (
        entry(tags={"ml": (True, 1)}),
        entry(tags={"ml": (False, 5), "cv": (True, 5)}),
        entry(tags={"ml": (True, 1), "nlp": (True, 6)}),
        {"tags": {"cv", "nlp"}},
    ),
    "unknown-key-removed-here": (
        entry(unknown={"rating": 4}),
        entry(),
        entry(unknown={"rating": 4}),
        {"unknown": {}},
    ),
    "unknown-key-changed-there": (
        entry(unknown={"rating": 4}),
        entry(unknown={"rating": 4}),
        entry(unknown={"rating": 5}),
        {"unknown": {"rating": 5}},
    ),
    "title-changed-there": (
        entry(title="Old"),
        entry(title="Old"),
        entry(title="New"),
        {"title": "New"},
    ),
}


@pytest.mark.parametrize(("base", "ours", "theirs", "expected"), THREE_WAY.values(), ids=THREE_WAY)
def test_three_way(
    base: Annotation, ours: Annotation, theirs: Annotation, expected: dict[str, Any]
) -> None:
    merged = merge_entries(ours, theirs, base)
    for name, value in expected.items():
        got = merged.tags if name == "tags" else getattr(merged, name)
        assert got == value, name


def test_a_paper_dropped_by_hand_on_one_side_stays_dropped_unless_changed_on_the_other() -> None:
    kept, changed = star(True, 1), star(False, 5)
    base = Document({"2107.09652": kept, "2201.12944": kept})
    ours = Document({})
    theirs = Document({"2107.09652": kept, "2201.12944": changed})
    assert merge_documents(ours, theirs, base).entries == {"2201.12944": changed}
    assert merge_documents(ours, theirs).entries == theirs.entries  # no base: nothing dropped


def test_documents_merge_every_paper_and_top_level_unknown_keys() -> None:
    ours = Document({"2107.09652": star(True, 1)}, unknown={"owner": "me"})
    theirs = Document({"2201.12944": note("n", 2)}, unknown={"sync": {"device": "desktop"}})
    merged = merge_documents(ours, theirs)
    assert set(merged.entries) == {"2107.09652", "2201.12944"}
    assert merged.unknown == {"owner": "me", "sync": {"device": "desktop"}}
    assert parse(dump(merged)) == merged  # and it survives the file


# The laws -------------------------------------------------------------------------------

MINUTES = st.integers(min_value=0, max_value=4)
TAGS = st.dictionaries(st.sampled_from(["ml", "cv", "nlp"]), st.tuples(st.booleans(), MINUTES))


@st.composite
def annotations(draw: st.DrawFn, notes: bool = True) -> Annotation:
    starred_at = draw(st.none() | MINUTES)
    note_at = draw(st.none() | MINUTES) if notes else None
    text = (
        draw(st.sampled_from([None, "a", "ab", "b", "see fig. 3"])) if note_at is not None else None
    )
    return entry(
        title="T",
        starred=draw(st.booleans()) if starred_at is not None else False,
        starred_at=None if starred_at is None else at(starred_at),
        note=text,
        note_at=None if note_at is None else at(note_at),
        tags=draw(TAGS),
    )


@given(annotations(), annotations())
def test_merging_the_same_copy_again_changes_nothing(ours: Annotation, theirs: Annotation) -> None:
    once = merge_entries(ours, theirs)
    assert merge_entries(once, theirs) == once
    assert merge_entries(once, ours) == once


@given(annotations(), annotations())
def test_which_copy_is_ours_does_not_matter(first: Annotation, second: Annotation) -> None:
    assert merge_entries(first, second) == merge_entries(second, first)


@given(annotations(), annotations(), annotations())
def test_with_a_base_which_copy_is_ours_does_not_matter(
    base: Annotation, first: Annotation, second: Annotation
) -> None:
    assert merge_entries(first, second, base) == merge_entries(second, first, base)


@given(annotations(notes=False), annotations(notes=False), annotations(notes=False))
def test_three_copies_agree_in_any_order(a: Annotation, b: Annotation, c: Annotation) -> None:
    """Stars and tags: every machine ends with the same data, however the
    copies travel (the old merge kept the earlier time of an equal value and
    let a third copy's older change win)."""
    assert merge_entries(merge_entries(a, b), c) == merge_entries(a, merge_entries(b, c))


@given(annotations(), annotations())
def test_a_copy_unchanged_since_the_base_takes_the_other(
    base: Annotation, theirs: Annotation
) -> None:
    """Whatever the times say: only the other copy changed anything."""
    merged = merge_entries(base, theirs, base)
    for name in ("starred", "starred_at", "note", "note_at", "tags", "tags_at"):
        assert getattr(merged, name) == getattr(theirs, name), name


def test_files_merged_twice_are_the_same_bytes() -> None:
    ours = Document({"2107.09652": note("ours", 1), "2201.12944": star(True, 1)})
    theirs = Document({"2107.09652": note("theirs", 2), "2301.00001": star(True, 3)})
    once = dump(merge_documents(ours, theirs))
    twice = dump(merge_documents(parse(once), theirs))
    assert twice == once
    assert dump(merge_documents(theirs, ours)) == once  # titles and unknown keys aside
