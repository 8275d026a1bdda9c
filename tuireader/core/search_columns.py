"""What the search reads, one column per field, by position in library order.

Built from papers in memory (:meth:`SearchColumns.of`) or taken from the
library file (:mod:`tuireader.core.library_file`), where the same columns are
kept already folded, so a warm start folds nothing and the abstracts stay on
disk until a search reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from tuireader.core.masks import Tables
from tuireader.core.model import Paper
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex

#: The abstracts at some positions, folded and with their readable words.
AbstractTexts = Callable[[Iterable[int]], Iterable[str]]


@dataclass(frozen=True)
class SearchColumns:
    """Folded titles (with the words their LaTeX reads as), authors and keys
    (ID and categories); the abstracts as searched, on demand; and, when
    known already, the masks' tables and the abstracts' word index."""

    ids: Sequence[str]
    titles: Sequence[str]
    authors: Sequence[str]
    keys: Sequence[str]
    abstracts: AbstractTexts
    #: The papers themselves, for the masks' tables when those are not given.
    papers: Sequence[Paper] = ()
    tables: Tables | None = None
    words: WordIndex | None = None
    position: Mapping[str, int] | None = None

    @classmethod
    def of(cls, papers: Sequence[Paper]) -> SearchColumns:
        def abstracts(positions: Iterable[int]) -> Iterable[str]:
            return (abstract_searched(papers[i]) for i in positions)

        return cls(
            ids=tuple(paper.id for paper in papers),
            titles=[title_searched(paper) for paper in papers],
            authors=[authors_searched(paper) for paper in papers],
            keys=[keys_searched(paper) for paper in papers],
            abstracts=abstracts,
            papers=papers,
        )


def title_searched(paper: Paper) -> str:
    return searched(paper.title, paper.title_readable)


def authors_searched(paper: Paper) -> str:
    return fold(", ".join(paper.authors))


def keys_searched(paper: Paper) -> str:
    return fold(" ".join((paper.id, *paper.categories)))


def abstract_searched(paper: Paper) -> str:
    return searched(paper.abstract, paper.abstract_readable)


def searched(text: str, readable_words: tuple[str, ...]) -> str:
    """A text as searched: folded, with the words its LaTeX reads as (folded
    apart: an ASCII abstract folds in one call to ``str.lower``, and its
    readable words, often Greek, must not send all of it to the slow path)."""
    folded = fold(text)
    return f"{folded}\n{fold(' '.join(readable_words))}" if readable_words else folded
