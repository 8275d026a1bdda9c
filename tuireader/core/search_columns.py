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
from itertools import repeat, takewhile
from operator import contains

import numpy as np
import numpy.typing as npt

from tuireader.core.evaluate import Found, Positions
from tuireader.core.latex import readable_words
from tuireader.core.masks import Tables
from tuireader.core.model import Paper
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex

#: A field's texts at some positions, folded as searched.
Texts = Callable[[Iterable[int]], Iterable[str]]


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
        texts = self._texts(positions.tolist())
        return np.fromiter(map(contains, texts, repeat(term)), dtype=bool, count=positions.size)

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

    @classmethod
    def of(cls, papers: Sequence[Paper], met: FoldedMemo | None = None) -> SearchColumns:
        """The columns of papers in memory: the short fields folded now, the
        abstracts folded whenever they are read (they are long, and most
        searches read few of them once the word index is built). Their
        readable words are kept once found: until the word index is built,
        each search reads every abstract, and finding the words took 2.4
        times as long as folding (~60 MB at a million papers, for as long
        as the library is read from the digests). With ``met``, what papers
        met before had folded is taken from it (the snapshots of a load)."""
        if met is not None:
            short = [met.short_fields(paper) for paper in papers]
            serials = np.fromiter((fields[0] for fields in short), np.intp, len(short))
            titles = [fields[1] for fields in short]
            authors = [fields[2] for fields in short]
            keys = [fields[3] for fields in short]

            def words_of(i: int) -> str:
                return met.abstract_words(papers[i])

        else:
            fold_name = functools.cache(fold)  # names recur: each is folded once
            titles = [title_searched(paper) for paper in papers]
            authors = [authors_searched(paper, fold_name) for paper in papers]
            keys = [keys_searched(paper) for paper in papers]
            found: list[str | None] = [None] * len(papers)

            def words_of(i: int) -> str:
                words = found[i]
                if words is None:
                    words = found[i] = readable_folded(papers[i].abstract)
                return words

        def abstracts(positions: Iterable[int]) -> Iterable[str]:
            return (_with_words(fold(papers[i].abstract), words_of(i)) for i in positions)

        return cls(
            ids=tuple(paper.id for paper in papers),
            titles=TextColumn.of(titles),
            authors=TextColumn.of(authors),
            keys=TextColumn.of(keys),
            abstracts=(
                TextColumn(abstracts, len(papers))
                if met is None
                else _RememberedScans(abstracts, serials, met)
            ),
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


class FoldedMemo:
    """What the papers met so far folded to, for the snapshots of one load.

    Each snapshot of a loading library is searched with columns of its own,
    and most of its papers are the last snapshot's, the same objects: their
    short fields are folded, and their abstracts' readable words found, once
    a load (a merged listing is a new paper, folded anew); and which of
    their abstracts hold a term of the query is remembered, so a key on a
    new snapshot reads only the abstracts of its new papers. Kept by
    identity, each paper with a serial number; it holds the papers, so an
    identity is not reused while it is kept.
    """

    def __init__(self) -> None:
        self._short: dict[int, tuple[Paper, int, str, str, str]] = {}
        self._words: dict[int, str] = {}
        self._fold_name = functools.cache(fold)
        #: Per term, which papers' abstracts were read for it, and held it.
        self._scans: dict[str, tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = {}

    def short_fields(self, paper: Paper) -> tuple[int, str, str, str]:
        """The paper's serial number, and its title, authors and keys as searched."""
        known = self._short.get(id(paper))
        if known is None or known[0] is not paper:
            title = title_searched(paper)
            authors = authors_searched(paper, self._fold_name)
            known = (paper, len(self._short), title, authors, keys_searched(paper))
            self._short[id(paper)] = known
            self._words.pop(id(paper), None)
        return known[1], known[2], known[3], known[4]

    def scanned(
        self, term: str, serials: npt.NDArray[np.intp], read: Callable[[Found], Found]
    ) -> Found:
        """Whether the abstract of each paper ``serials`` holds ``term``:
        remembered for the papers read for it before, and for the others
        ``read`` (given which of ``serials`` to read). The terms of the
        last few searches are remembered (two bytes a paper each)."""
        read_before, held = self._scan_of(term)
        found = np.zeros(serials.size, dtype=bool)
        known = read_before[serials]
        found[known] = held[serials[known]]
        if not known.all():
            fresh = read(~known)
            found[~known] = fresh
            read_before[serials[~known]] = True
            held[serials[~known]] = fresh
        return found

    def _scan_of(self, term: str) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        size = len(self._short)
        scan = self._scans.pop(term, None)
        if scan is None or scan[0].size < size:
            grown = [np.zeros(size, dtype=bool) for _ in range(2)]
            if scan is not None:
                for old, new in zip(scan, grown, strict=True):
                    new[: old.size] = old
            scan = (grown[0], grown[1])
        self._scans[term] = scan  # the newest last
        while len(self._scans) > _SCANS_KEPT:
            del self._scans[next(iter(self._scans))]
        return scan

    def abstract_words(self, paper: Paper) -> str:
        """The words the paper's abstract's LaTeX reads as, folded (see
        :func:`readable_folded`); for a paper met by :meth:`short_fields`."""
        words = self._words.get(id(paper))
        if words is None:
            words = self._words[id(paper)] = readable_folded(paper.abstract)
        return words


#: Terms whose abstract scans a load's snapshots remember (the query's).
_SCANS_KEPT = 8


class _RememberedScans(TextColumn):
    """The abstracts of a loading library's snapshot: which of them hold a
    term is remembered by paper across the load's snapshots (see
    :class:`FoldedMemo`)."""

    def __init__(self, texts: Texts, serials: npt.NDArray[np.intp], met: FoldedMemo) -> None:
        super().__init__(texts, int(serials.size))
        self._serials = serials
        self._met = met

    def _scanned(self, term: str, positions: Positions) -> Found:
        def read(which: Found) -> Found:
            return TextColumn._scanned(self, term, positions[which])

        return self._met.scanned(term, self._serials[positions], read)


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
    return _with_words(fold(text), readable_folded(text))


def readable_folded(text: str) -> str:
    """The words ``text``'s LaTeX reads as, folded ("" for most texts)."""
    words = readable_words(text)
    return fold(" ".join(words)) if words else ""


def _with_words(folded: str, words: str) -> str:
    return f"{folded}\n{words}" if words else folded
