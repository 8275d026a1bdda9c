"""What the search reads, one column per field, by position in library order.

Built from papers in memory (:meth:`SearchColumns.of`) or taken from the
library file (:mod:`tuireader.core.library_file`), where the same columns are
kept already folded, so a warm start folds nothing and the abstracts stay on
disk until a search reads them.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import islice, repeat, takewhile
from operator import contains
from typing import Protocol

import numpy as np

from tuireader.core import query as q
from tuireader.core.evaluate import Found, Positions, Weights
from tuireader.core.latex import readable_words
from tuireader.core.masks import Tables
from tuireader.core.model import Paper
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex

#: A field's texts at some positions, folded as searched.
Texts = Callable[[Iterable[int]], Iterable[str]]
#: A text term's weights at some positions, from the papers' own fields.
Weigh = Callable[[q.Text, Positions], Weights]
#: Texts a scan tests in one step. A step runs in C, and no other thread gets
#: the GIL until it ends: in one step, a loading library's 26,000 abstracts
#: kept the UI thread from a key for 50-60 ms; 2,048 abstracts take 1-2 ms.
TEXTS_PER_SCAN_STEP = 2048


class KnownWeights(Protocol):
    """Text terms' weights known from earlier searches (a loading library's
    snapshots: :mod:`tuireader.core.load_memo`)."""

    def weights(self, text: q.Text, candidates: Positions, weigh: Weigh) -> Weights:
        """The weights of ``text`` at ``candidates``; ``weigh`` those not known."""
        ...


class TextColumn:
    """One searched field of every paper (folded): found through its word
    index once it has one, by a scan of its texts until then."""

    def __init__(self, texts: Texts, size: int, words: WordIndex | None = None) -> None:
        self._texts = texts
        self._size = size
        self.words = words
        self._indexing = threading.Lock()

    @classmethod
    def of(cls, texts: Sequence[str]) -> TextColumn:
        return cls(lambda positions: map(texts.__getitem__, positions), len(texts))

    def __len__(self) -> int:
        return self._size

    def texts(self, positions: Iterable[int]) -> Iterable[str]:
        return self._texts(positions)

    def containing(self, term: str, positions: Positions) -> Found:
        """For the texts at ``positions``, whether ``term`` occurs in each."""
        words, pieces = self.words, term.split()
        if words is None or not pieces:
            return self._scanned(term, positions)
        found = words.containing_at(pieces[0], positions)
        for piece in pieces[1:]:
            found[found] = words.containing_at(piece, positions[found])
        if len(pieces) > 1 or pieces[0] != term:
            # A phrase: a text with all its pieces is only a candidate.
            found[found] = self._scanned(term, positions[found])
        return found

    def _scanned(self, term: str, positions: Positions) -> Found:
        return holding(self._texts(positions.tolist()), term, positions.size)

    def index_words(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Build the word index (unless there is one; a second thread asking
        meanwhile waits for it), then its texts' letters; gives up, changing
        nothing, as soon as ``cancelled()`` is true."""
        with self._indexing:
            if self.words is None:
                texts = takewhile(lambda _text: not cancelled(), self._texts(range(self._size)))
                words = WordIndex(texts)
                if len(words) == self._size:
                    self.words = words
        if self.words is not None and not cancelled():
            self.words.find_letters()

    def vocabulary(self) -> Iterable[str]:
        """Its text, or (once indexed) each of its words once."""
        if self.words is not None:
            return [self.words.vocabulary()]
        return self._texts(range(self._size))


def holding(texts: Iterable[str], term: str, count: int) -> Found:
    """Whether each of ``count`` texts holds ``term``: the loop in C, a step
    of :data:`TEXTS_PER_SCAN_STEP` at a time."""
    found = np.empty(count, dtype=bool)
    remaining = iter(texts)
    for start in range(0, count, TEXTS_PER_SCAN_STEP):
        size = min(TEXTS_PER_SCAN_STEP, count - start)
        pieces = map(contains, islice(remaining, size), repeat(term))
        found[start : start + size] = np.fromiter(pieces, dtype=bool, count=size)
    return found


@dataclass(frozen=True)
class SearchColumns:
    """Folded titles (with the words their LaTeX reads as), authors, keys (ID
    and categories) and abstracts (with their readable words); and, when
    known already, the masks' tables."""

    ids: Sequence[str]
    titles: TextColumn
    authors: TextColumn
    keys: TextColumn
    abstracts: TextColumn
    #: The papers themselves, for the masks' tables when those are not given.
    papers: Sequence[Paper] = ()
    tables: Tables | None = None
    position: Mapping[str, int] | None = None
    known: KnownWeights | None = None
    #: Whether a term that matches nothing may be corrected against the texts
    #: themselves before the word index is built. A loading library's
    #: snapshots are not: each would read every text again (a typo typed
    #: during a cold start made a snapshot's search take 0.6-1.1 s at 13,000
    #: to 24,000 papers, and keys waited behind it); they are corrected once
    #: the loaded library's word index is built.
    corrected_by_scan: bool = True

    @classmethod
    def of(cls, papers: Sequence[Paper]) -> SearchColumns:
        """The columns of papers in memory: the short fields folded now, the
        abstracts folded whenever they are read (they are long, and most
        searches read few of them once the word index is built). Their
        readable words are kept once found: until the word index is built,
        each search reads every abstract, and finding the words took 2.4
        times as long as folding (~60 MB at a million papers, for as long
        as the library is read from the digests). A loading library's
        snapshots are made by :mod:`tuireader.core.load_memo` instead."""
        fold_name = functools.cache(fold)  # names recur: each is folded once
        found: list[str | None] = [None] * len(papers)

        def words_of(i: int) -> str:
            words = found[i]
            if words is None:
                words = found[i] = readable_folded(papers[i].abstract)
            return words

        def abstracts(positions: Iterable[int]) -> Iterable[str]:
            return (with_words(fold(papers[i].abstract), words_of(i)) for i in positions)

        return cls(
            ids=tuple(paper.id for paper in papers),
            titles=TextColumn.of([title_searched(paper) for paper in papers]),
            authors=TextColumn.of([authors_searched(paper, fold_name) for paper in papers]),
            keys=TextColumn.of([keys_searched(paper) for paper in papers]),
            abstracts=TextColumn(abstracts, len(papers)),
            papers=papers,
        )

    @property
    def text_columns(self) -> dict[str, TextColumn]:
        return {
            "titles": self.titles,
            "authors": self.authors,
            "keys": self.keys,
            "abstracts": self.abstracts,
        }


def title_searched(paper: Paper) -> str:
    return searched(paper.title)


def authors_searched(paper: Paper, fold_name: Callable[[str], str] = fold) -> str:
    """The authors folded name by name: the same as folding them joined (a
    test checks), and a library of a million papers folds each recurring
    name once (the non-ASCII ones take the slow path: 2.2 s of the load)."""
    return ", ".join(map(fold_name, paper.authors))


def keys_searched(paper: Paper) -> str:
    return fold(" ".join((paper.id, *paper.categories)))


def abstract_searched(paper: Paper) -> str:
    return searched(paper.abstract)


def searched(text: str) -> str:
    """A text as searched: folded, with the words its LaTeX reads as
    ("α-divergence", "𝒪(n²)"), so that search finds what is shown.

    The words are found here, not when a digest is parsed: only search
    needs them, and they were a third of the parse (``tuireader list``
    never searches; the library file keeps the texts as searched). They
    are folded apart: an ASCII abstract folds in one call to ``str.lower``,
    and its readable words, often Greek, must not send all of it to the
    slow path.
    """
    return with_words(fold(text), readable_folded(text))


def readable_folded(text: str) -> str:
    """The words ``text``'s LaTeX reads as, folded ("" for most texts)."""
    words = readable_words(text)
    return fold(" ".join(words)) if words else ""


def with_words(folded: str, words: str) -> str:
    return f"{folded}\n{words}" if words else folded
