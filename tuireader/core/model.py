"""The data model: papers and digests as frozen dataclasses.

A paper is keyed by its version-less arXiv ID, so stars and notes survive new
digests and new versions of the same paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

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
    def first_author(self) -> str | None:
        return self.authors[0] if self.authors else None

    @property
    def short_authors(self) -> str:
        """ "First Author et al." for lists, where space is short."""
        if not self.authors:
            return ""
        if len(self.authors) == 1:
            return self.authors[0]
        return f"{self.authors[0]} et al."


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
