"""The data model: papers and digests as frozen dataclasses.

A paper is keyed by its version-less arXiv ID, so stars and notes survive new
digests and new versions of the same paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# New-style IDs (0704.0001 onwards, 4+4 or 4+5 digits) and old-style IDs
# (archive[.subject-class]/YYMMNNN), each with an optional version suffix.
# ASCII digits only: to ``\d`` fullwidth or Arabic-Indic digits are digits too.
_ID_PATTERN = re.compile(
    r"(?<![\w.])"
    r"(?P<id>[0-9]{4}\.[0-9]{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/[0-9]{7})"
    r"(?:v(?P<version>[0-9]+))?"
    r"(?![\w])"
)
_ARXIV_HOSTS = ("arxiv.org/abs/", "arxiv.org/pdf/", "export.arxiv.org/abs/")


def parse_arxiv_id(text: str) -> tuple[str, int | None] | None:
    """Return ``(id, version)`` from a bare ID or an arXiv abs/pdf URL.

    The version is ``None`` when the text names no version (listing digests
    link the PDF without one).
    """
    text = text.strip()
    for host in _ARXIV_HOSTS:
        start = text.find(host)
        if start != -1:
            text = text[start + len(host) :].removesuffix(".pdf")
            break
    match = _ID_PATTERN.fullmatch(text) or _ID_PATTERN.search(text)
    if match is None:
        return None
    version = match.group("version")
    return match.group("id"), int(version) if version else None


@dataclass(frozen=True, slots=True)
class Paper:
    """One paper, as one digest lists it or as the library merged it.

    Text fields are already cleaned (no markup, no control characters);
    ``None`` means the digest did not say.
    """

    id: str
    title: str
    version: int | None = None
    authors: tuple[str, ...] = ()
    abstract: str = ""
    categories: tuple[str, ...] = ()
    primary_category: str | None = None
    doi: str | None = None
    comment: str | None = None
    journal: str | None = None
    published: str | None = None
    updated: str | None = None
    links: tuple[str, ...] = ()
    extra: tuple[tuple[str, str], ...] = ()
    dates: tuple[date, ...] = ()

    @property
    def versioned_id(self) -> str:
        return f"{self.id}v{self.version}" if self.version else self.id

    @property
    def abs_url(self) -> str:
        return f"https://arxiv.org/abs/{self.versioned_id}"

    @property
    def pdf_url(self) -> str:
        return f"https://arxiv.org/pdf/{self.versioned_id}"

    @property
    def short_authors(self) -> str:
        """ "First Author et al." for lists, where space is short."""
        if not self.authors:
            return ""
        if len(self.authors) == 1:
            return self.authors[0]
        return f"{self.authors[0]} et al."


Merge = Literal["identity", "newest", "fill", "union"]


@dataclass(frozen=True, slots=True)
class PaperField:
    """How one field of :class:`Paper` is named, shown and merged.

    ``merge`` says how two listings of one paper combine it: ``identity``
    (the key), ``newest`` (the newest listing's), ``fill`` (the newest
    listing's, or the other's when it has none), ``union`` (every value of
    both). ``fact`` fields are the "label: value" lines of the detail pane
    and ``tuireader show``; the others have places of their own there.
    """

    name: str
    label: str
    merge: Merge
    fact: bool = False


#: Every field of Paper, in the order shown: the one table the detail pane,
#: ``show``, the exports and the library's merge read (a test checks it is
#: complete).
PAPER_FIELDS: tuple[PaperField, ...] = (
    PaperField("id", "arXiv ID", "identity"),
    PaperField("version", "Version", "fill"),
    PaperField("title", "Title", "newest"),
    PaperField("authors", "Authors", "fill"),
    PaperField("dates", "Listed", "union", fact=True),
    PaperField("categories", "Categories", "union", fact=True),
    PaperField("primary_category", "Primary category", "fill"),
    PaperField("doi", "DOI", "fill", fact=True),
    PaperField("comment", "Comment", "fill", fact=True),
    PaperField("journal", "Journal", "fill", fact=True),
    PaperField("published", "Published", "fill", fact=True),
    PaperField("updated", "Updated", "fill", fact=True),
    PaperField("abstract", "Abstract", "fill"),
    PaperField("links", "Links", "union"),
    PaperField("extra", "Other fields", "union"),
)


def facts(paper: Paper) -> list[tuple[str, str]]:
    """The paper's "label: value" lines, as shown to people (empty ones left out)."""
    lines = [("arXiv", paper.versioned_id)]
    lines += [(field.label, _shown(paper, field.name)) for field in PAPER_FIELDS if field.fact]
    lines += list(paper.extra)
    return [(label, value) for label, value in lines if value]


def _shown(paper: Paper, name: str) -> str:
    if name == "categories":
        primary = paper.primary_category
        others = [c for c in paper.categories if c != primary]
        return ", ".join(([f"{primary} (primary)"] if primary else []) + others)
    if name == "dates":
        return ", ".join(day.isoformat() for day in sorted(paper.dates, reverse=True))
    value = getattr(paper, name)
    if name in ("published", "updated") and value and _ISO_DATE.match(value):
        return str(value[:10])  # the day: the time of day is noise here
    return ", ".join(value) if isinstance(value, tuple) else str(value or "")


_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")


@dataclass(frozen=True, slots=True)
class Digest:
    """One digest file: the papers one day's listing of one category held."""

    date: date
    category: str
    source: str
    format: str
    papers: tuple[Paper, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class LoadWarning:
    """Something odd in the input, named by file and line so it can be fixed."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line}: {self.message}"
            if self.line
            else (f"{self.source}: {self.message}")
        )
