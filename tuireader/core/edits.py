"""What a user can change, one paper at a time: the edits every action is made of.

An action (a star, a bulk mark of 400 papers, an undo) is a list of
:class:`Edit`; the store applies a list in one save and answers with the
edits that undo it. Pure: normalising and applying edits to a document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from tuireader.core.annotations import EMPTY, Document, with_tag, with_value
from tuireader.core.model import parse_arxiv_id

Field = Literal["starred", "note", "tag", "read"]
Value = bool | str | None


class StoreError(Exception):
    """A change could not be saved; the message is one line for the user.

    The change is shown all the same and saved with the next one; ``undo``
    holds the edits that undo it, as :meth:`AnnotationStore.apply` returns them.
    """

    undo: list[Edit] = []


class ReadOnlyError(StoreError):
    """Changes are disabled: the files were written by a newer tuireader."""


@dataclass(frozen=True, slots=True)
class Edit:
    """One change to one paper: its star, note, one tag, or its read mark.

    ``value`` is a bool for a star, a tag (present or not) and a read mark, the
    text (or None) for a note. ``title`` is kept in the file for people reading it.
    """

    paper_id: str
    field: Field
    value: Value
    tag: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Change:
    """One edit to ``annotations.toml`` and when it was made, kept until it
    is on disk (the time decides against changes made elsewhere)."""

    edit: Edit
    at: datetime


def with_changes(document: Document, changes: Sequence[Change]) -> Document:
    if not changes:
        return document
    entries = dict(document.entries)
    for change in changes:
        edit = change.edit
        entry = entries.get(edit.paper_id, EMPTY)
        if edit.field == "tag":
            entry = with_tag(entry, edit.tag, bool(edit.value), change.at, edit.title)
        else:
            entry = with_value(entry, edit.field, edit.value, change.at, edit.title)
        entries[edit.paper_id] = entry
    return replace(document, entries=entries)


def normalised(edit: Edit) -> Value:
    if edit.field == "note":
        text = (edit.value or "") if isinstance(edit.value, str | None) else ""
        return text.replace("\r\n", "\n").rstrip() or None
    if edit.field == "tag" and not edit.tag:
        raise ValueError("a tag edit needs a tag")
    return bool(edit.value)


def paper_key(paper_id: str) -> str:
    parsed = parse_arxiv_id(paper_id)
    if parsed is None:
        raise ValueError(f"not an arXiv ID: {paper_id!r}")
    return parsed[0]
