"""The filters of ``list``, ``export`` and ``search``.

Each flag becomes a term of the search query language (``--unread`` is
``is:unread``, ``--tag x`` is ``tag:x``), so there is one grammar and one
evaluator: the core's. ``--category`` is the one exception: it also takes in
the papers a digest of that category listed (a listing-format digest names
no categories per paper), which no query term knows.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from tuireader.cli.common import NotFound, UsageError
from tuireader.core.library import Library
from tuireader.core.model import Paper
from tuireader.core.query import QueryError, normalise_tag, valid_tag
from tuireader.core.query import parse as parse_query
from tuireader.core.search import Marks, SearchIndex


@dataclass(frozen=True, slots=True)
class Filters:
    """What the flags ask for; ``read`` is True for only read, False for only unread."""

    read: bool | None = None
    starred: bool = False
    tags: tuple[str, ...] = ()
    category: str | None = None
    query: str | None = None

    @property
    def flag_query(self) -> str:
        """The flags but ``--category`` and ``--query``, as one query."""
        terms = [] if self.read is None else ["is:read" if self.read else "is:unread"]
        terms += ["is:starred"] if self.starred else []
        terms += [f"tag:{tag}" for tag in self.tags]
        return " ".join(terms)

    @property
    def active(self) -> bool:
        return bool(self.flag_query or self.category is not None or self.query is not None)


def add_filter_options(parser: argparse.ArgumentParser, *, query: bool) -> None:
    state = parser.add_mutually_exclusive_group()
    state.add_argument("--unread", action="store_true", help="only papers not marked read")
    state.add_argument("--read", action="store_true", help="only papers marked read")
    parser.add_argument("--starred", action="store_true", help="only starred papers")
    parser.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="NAME",
        help="only papers with this tag (repeat: all of them)",
    )
    parser.add_argument(
        "--category",
        metavar="CAT",
        help="only papers a CAT digest listed, or of category CAT (cs.LG, or cs for all cs.*)",
    )
    if query:
        parser.add_argument(
            "--query",
            dest="filter_query",
            metavar="QUERY",
            help="only papers matching QUERY (the search syntax), kept in their order",
        )


def filters_from(arguments: argparse.Namespace) -> Filters:
    """The filters asked for, checked before anything is loaded."""
    category = None if arguments.category is None else checked_category(arguments.category)
    query = getattr(arguments, "filter_query", None)
    if query is not None:
        check_query(query)
    read = True if arguments.read else False if arguments.unread else None
    tags = tuple(dict.fromkeys(checked_tag(tag) for tag in arguments.tag))
    return Filters(read, arguments.starred, tags, category, query)


def checked_category(text: str) -> str:
    category = text.strip()
    if not category or any(char.isspace() for char in category):
        raise UsageError(f"not a category: {text!r}")
    return category


def checked_tag(text: str) -> str:
    """A tag name as stored; a bad one is a usage error naming it."""
    name = normalise_tag(text)
    problem = valid_tag(name)
    if problem:
        raise UsageError(f"bad tag {text!r}: {problem}")
    return name


def check_query(text: str) -> None:
    if not text.strip():
        raise UsageError("empty query: give words to search for")
    try:
        parse_query(text)
    except QueryError as error:
        raise UsageError(f"bad query at character {error.position + 1}: {error}") from None


def in_category(name: str, wanted: str) -> bool:
    """As ``cat:`` compares: case-insensitive, and an archive holds its categories."""
    name, wanted = name.lower(), wanted.lower()
    return name == wanted or name.startswith(wanted + ".")


def listed_in(library: Library, category: str, day: date | None = None) -> list[str]:
    """The papers the digests of ``category`` listed (on ``day`` only, if given)."""
    days: Iterable[date] = library.by_category if day is None else [day]
    listed: dict[str, None] = {}
    for each_day in days:
        for name, ids in library.by_category.get(each_day, {}).items():
            if in_category(name, category):
                listed.update(dict.fromkeys(ids))
    return list(listed)


def listed_on(library: Library, day: date, category: str | None = None) -> list[str]:
    """The papers listed on ``day`` (by ``category``'s digest only, if given),
    in their digests' order; none is :class:`NotFound`."""
    if not library.by_date.get(day):
        raise NotFound(f"no papers on {day.isoformat()}")
    if category is None:
        return list(library.by_date[day])
    listed = listed_in(library, category, day)
    if not listed:
        raise NotFound(f"no {category} papers on {day.isoformat()}")
    return listed


def select(index: SearchIndex, filters: Filters, library: Library, marks: Marks) -> list[int]:
    """The positions of ``index`` that pass every filter but ``--query``, in
    its order."""
    positions = list(range(len(index)))
    if filters.category is not None:
        listed = set(listed_in(library, filters.category))
        of_category = index.masks.of_category(filters.category)
        positions = [i for i in positions if of_category[i] or index.ids[i] in listed]
    if filters.flag_query:
        positions = list(index.search(filters.flag_query, positions, marks).positions)
    return positions


def search(index: SearchIndex, query: str, scope: Sequence[int], marks: Marks) -> list[int]:
    """The positions in ``scope`` matching ``query``, best first; a typo
    correction the search made is said on stderr."""
    result = index.search(query, scope, marks)
    for term, alternatives in result.corrections:
        print(
            f"tuireader: no match for {term!r}; searched {', '.join(alternatives)}", file=sys.stderr
        )
    return list(result.positions)


def filtered(
    papers: Sequence[Paper],
    filters: Filters,
    library: Library,
    marks: Marks,
    index: Callable[[], SearchIndex] | None = None,
) -> list[Paper]:
    """The papers passing every filter, in their given order (``index``: one
    over them, if there is a quicker way to it than folding their texts)."""
    if not filters.active:
        return list(papers)
    index_of_papers = index() if index else SearchIndex(papers)
    positions = select(index_of_papers, filters, library, marks)
    if filters.query is not None:
        positions = sorted(search(index_of_papers, filters.query, positions, marks))
    return [papers[i] for i in positions]
