"""The arXiv API format, as written by scripts querying the arXiv API.

::

    # Arxiv Papers in cs.CV on 2022-01-31
    ### Title (may wrap onto lines indented by two spaces)
    - **Arxiv ID**: http://arxiv.org/abs/2201.12944v5
    - **Categories**: **cs.CV**, cs.LG, I.2.7; I.4
    - **Journal**: International Journal of Approximate Reasoning, Volume 149, 2022,
      Pages 39-60,

``None`` means absent. Unknown fields are kept in ``Paper.extra``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from tuireader.core.formats.base import DigestFormat, Header, Lines, ParseContext
from tuireader.core.model import Paper, parse_arxiv_id
from tuireader.core.text import clean_line, clean_paragraphs, find_urls

_HEADER = re.compile(
    r"#\s*arxiv\s+papers\s+in\s+(?P<category>[\w.-]+)\s+on\s+(?P<date>\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)
_FIELD = re.compile(r"[-*]\s+\*\*(?P<name>[^*]+?)\*\*\s*:\s?(?P<value>.*)")
_MARKDOWN_LINK = re.compile(r"\[(?P<label>[^\]]*)\]\((?P<url>[^)\s]+)\)")
# arXiv categories ("cs.CV", "physics.med-ph", "hep-th"); anything else in the
# Categories field is an ACM or MSC class ("I.2.7; I.4").
_CATEGORY = re.compile(r"[a-z][a-z-]*(?:\.[A-Za-z][A-Za-z-]*)?")
_ABSENT = {"", "none", "null", "n/a"}


def read_header(line: str) -> Header | None:
    match = _HEADER.fullmatch(line.strip())
    if match is None:
        return None
    try:
        return Header(date.fromisoformat(match["date"]), match["category"])
    except ValueError:
        return None


class _Entry:
    """The raw lines of one paper while it is being read."""

    def __init__(self, line: int, title: str) -> None:
        self.line = line
        self.title = [title]
        self.fields: dict[str, list[str]] = {}
        self.last: list[str] = self.title

    def add_field(self, name: str, value: str) -> None:
        self.last = self.fields.setdefault(name.strip(), [])
        self.last.append(value)


def read_papers(lines: Lines, context: ParseContext) -> Iterator[Paper]:
    """One paper per ``###`` line; fields and indented continuations follow."""
    entry: _Entry | None = None
    for number, line in lines:
        stripped = line.strip()
        if line.startswith("###"):
            if entry:
                yield from _paper(entry, context)
            entry = _Entry(number, line.lstrip("#"))
        elif not stripped:
            continue
        elif entry is None:
            context.warn(number, "text before the first paper, ignored")
        elif field_match := _FIELD.fullmatch(stripped):
            entry.add_field(field_match["name"], field_match["value"])
        elif line[:1].isspace():
            entry.last.append(stripped)
        else:
            context.warn(number, "unrecognised line, ignored")
    if entry:
        yield from _paper(entry, context)


def _value(entry: _Entry, name: str) -> str | None:
    text = " ".join(entry.fields.pop(name, ())).strip()
    return None if text.lower() in _ABSENT else text


def _paper(entry: _Entry, context: ParseContext) -> Iterator[Paper]:
    arxiv_field = _value(entry, "Arxiv ID")
    links_field = _value(entry, "Links") or ""
    pdf_links = [m["url"] for m in _MARKDOWN_LINK.finditer(links_field)]
    parsed = parse_arxiv_id(arxiv_field or "") or next(
        filter(None, map(parse_arxiv_id, pdf_links)), None
    )
    if parsed is None:
        context.warn(entry.line, "no arXiv ID, paper skipped")
        return
    arxiv_id, version = parsed
    title = clean_line(" ".join(entry.title))
    if not title:
        context.warn(entry.line, "empty title")
    categories, primary, classes = _categories(_value(entry, "Categories"))
    authors = _value(entry, "Authors")
    abstract = clean_paragraphs(_value(entry, "Summary") or "")
    comment = _clean_optional(_value(entry, "Comment"))
    doi = _clean_optional(_value(entry, "DOI"))
    journal = _clean_optional(_value(entry, "Journal"))
    published = _clean_optional(_value(entry, "Published"))
    updated = _clean_optional(_value(entry, "Updated"))
    # What is left is unknown to us but may matter to the user: keep it.
    # The name is as untrusted as the value: both are shown.
    extra = [
        (clean_line(name), clean_line(" ".join(values))) for name, values in entry.fields.items()
    ]
    if classes:
        extra.insert(0, ("Classes", classes))
    other_links = [url for url in pdf_links if "arxiv.org/" not in url]
    yield Paper(
        id=arxiv_id,
        version=version,
        title=title or "(untitled)",
        authors=tuple(a for a in map(clean_line, (authors or "").split(",")) if a),
        abstract=abstract,
        categories=categories or (context.header.category,),
        primary_category=primary,
        doi=doi,
        comment=comment,
        journal=journal,
        published=published,
        updated=updated,
        links=tuple(dict.fromkeys([*find_urls(abstract), *find_urls(comment or ""), *other_links])),
        extra=tuple(extra),
        dates=(context.header.date,),
    )


def _clean_optional(value: str | None) -> str | None:
    return clean_line(value) or None if value else None


def _categories(value: str | None) -> tuple[tuple[str, ...], str | None, str]:
    """Split "**cs.CV**, cs.LG, I.2.7; I.4" into categories, primary and classes."""
    categories: list[str] = []
    classes: list[str] = []
    primary = None
    for part in clean_line(value or "").split(","):
        name = part.strip().strip("*").strip()
        if _CATEGORY.fullmatch(name):
            categories.append(name)
            if primary is None and part.strip().startswith("**"):
                primary = name
        elif name:
            classes.append(name)
    return (
        tuple(dict.fromkeys(categories)),
        primary or (categories[0] if categories else None),
        (", ".join(classes)),
    )


FORMAT = DigestFormat("arxiv-api", read_header, read_papers)
