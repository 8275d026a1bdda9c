"""The arXiv listing format, as scraped from arXiv's daily "new" pages.

::

    # ArXiv cs.CV --Wed, 21 Jul 2021
    ### 1.Title  [ :arrow_down: ](https://arxiv.org/pdf/2107.09652.pdf)
    >  Abstract with <a href="URL">this https URL</a>, <br> and &amp; entities.

Listings carry no authors, versions or other metadata: only the title, the
PDF link (which holds the ID) and the abstract.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from tuireader.core.formats.base import DigestFormat, Header, Lines, ParseContext
from tuireader.core.model import Paper, parse_arxiv_id
from tuireader.core.text import clean_line, clean_paragraphs, find_urls

_HEADER = re.compile(
    r"#\s*arxiv\s+(?P<category>[\w.-]+)\s*--\s*(?:[a-z]+,?\s+)?"
    r"(?P<day>\d{1,2})\s+(?P<month>[a-z]{3})[a-z]*\.?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_ENTRY = re.compile(r"###\s*(?:(?P<number>\d+)\s*\.)?\s*(?P<rest>.*)")
_PDF_LINK = re.compile(r"\[\s*:arrow_down:\s*\]\s*\(\s*(?P<url>[^)\s]*)\s*\)\s*$")


def read_header(line: str) -> Header | None:
    match = _HEADER.fullmatch(line.strip())
    if match is None:
        return None
    month = _MONTHS.get(match["month"].lower())
    try:
        day = date(int(match["year"]), month or 0, int(match["day"]))
    except ValueError:
        return None
    return Header(day, match["category"])


def read_papers(lines: Lines, context: ParseContext) -> Iterator[Paper]:
    """One paper per ``###`` line; the ``>`` lines after it are its abstract."""
    title_line = 0
    title_text = ""
    abstract: list[str] = []
    for number, line in lines:
        if line.startswith("###"):
            if title_line:
                yield from _paper(title_line, title_text, abstract, context)
            title_line, title_text, abstract = number, line, []
        elif line.startswith(">"):
            if not title_line:
                context.warn(number, "abstract without a title line, ignored")
                continue
            abstract.append(line[1:])
        elif line.strip():
            if title_line and abstract:
                abstract.append(line)  # an abstract wrapped without its ">"
            else:
                context.warn(number, "unrecognised line, ignored")
    if title_line:
        yield from _paper(title_line, title_text, abstract, context)


def _paper(
    number: int, title_text: str, abstract_lines: list[str], context: ParseContext
) -> Iterator[Paper]:
    entry = _ENTRY.fullmatch(title_text.strip())
    title_part = entry["rest"] if entry else title_text  # the line starts with ###: it matches
    link = _PDF_LINK.search(title_part)
    parsed = parse_arxiv_id(link["url"]) if link else None
    if link is None or parsed is None:
        context.warn(number, "no arXiv link on the title line, paper skipped")
        return
    arxiv_id, version = parsed
    title = clean_line(title_part[: link.start()])
    if not title:
        context.warn(number, "empty title")
    # An empty ">" line separates paragraphs, as in a Markdown block quote.
    abstract = clean_paragraphs(" ".join(part if part.strip() else "\n" for part in abstract_lines))
    yield Paper(
        id=arxiv_id,
        version=version,
        title=title or "(untitled)",
        abstract=abstract,
        # A listing includes cross-lists, so its category need not be the primary.
        categories=(context.header.category,),
        links=tuple(find_urls(abstract)),
        dates=(context.header.date,),
    )


FORMAT = DigestFormat("arxiv-listing", read_header, read_papers)
