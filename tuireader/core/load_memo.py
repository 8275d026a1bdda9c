"""What the snapshots of one load share, so that searching a library while
it loads costs about what its new papers cost, not what all of them do.

Each snapshot of a loading library is searched without a word index, and
most of its papers are the last snapshot's, the same objects in the same
places (a load adds the newest days first, so the order grows at its end;
a merged listing is a new paper). So a load keeps:

- each paper's short fields folded once (titles, authors, keys), and the
  columns of the last snapshot, which the next one copies but for the
  places whose paper changed;
- each paper's weight for the text terms of the last searches
  (:class:`RememberedWeights`), so a search of a new snapshot reads only its
  new papers, and a term typed on (``diffus`` after ``diffu``) reads only
  the papers the shorter one found.

An ASCII abstract is scanned lowercased in C (what folding it gives), and
the words its LaTeX reads as (:func:`~tuireader.core.search_columns.readable_folded`,
the slow part) are only looked in where the source does not hold the term;
the loader finds them for a snapshot's new papers before showing it
(:meth:`LoadMemo.find_words`), off the path of a key.
"""

from __future__ import annotations

import functools
import itertools
import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from tuireader.core import query as q
from tuireader.core.evaluate import Found, Positions, Weights
from tuireader.core.latex import has_latex
from tuireader.core.model import Paper
from tuireader.core.search_columns import (
    SearchColumns,
    TextColumn,
    Weigh,
    authors_searched,
    holding,
    keys_searched,
    readable_folded,
    title_searched,
    with_words,
)
from tuireader.core.text import fold

#: Text terms whose weights a load remembers (the query's, key by key).
TERMS_KEPT = 16

#: Papers met, and abstracts whose LaTeX words are found, in one step of
#: the loader's (a few milliseconds: then a key typed meanwhile goes first).
_PAPERS_PER_STEP = 1024
_WORDS_PER_STEP = 256

_ABSTRACT = operator.attrgetter("abstract")
Serials = npt.NDArray[np.intp]
#: A paper as a load met it: its serial, searched title, authors and keys,
#: and whether its abstract is ASCII and may hold LaTeX.
_Met = tuple[Paper, int, str, str, str, bool, bool]
#: A snapshot's columns: titles, authors, keys, serials, ASCII and LaTeX abstracts.
_Columns = tuple[list[str], list[str], list[str], Serials, Found, Found]


class LoadMemo:
    """The folded fields and remembered weights of one load's papers, kept
    by identity (each paper with a serial number; the memo holds the
    papers, so an identity is not reused while it is kept). The loader's
    thread and the searching thread may both make columns: one at a time."""

    def __init__(self) -> None:
        self._met: dict[int, _Met] = {}
        self._words: dict[int, str] = {}
        self._serial = itertools.count()
        self._fold_name = functools.cache(fold)
        self._making = threading.Lock()
        #: The last snapshot's papers and columns, for the next to copy.
        self._last: tuple[Sequence[Paper], _Columns] | None = None
        #: Papers met whose abstract may hold LaTeX, its words not found yet.
        self._wordless: list[Paper] = []
        self.weights = RememberedWeights()

    def columns(
        self,
        papers: Sequence[Paper],
        position: Mapping[str, int] | None = None,
        give_way: Callable[[], None] = lambda: None,
    ) -> SearchColumns:
        """The search columns of a snapshot's papers (in library order, each
        at its ``position`` when the snapshot knows them), calling
        ``give_way`` every few milliseconds."""
        with self._making:
            made = self._copied(papers, give_way)
            self._last = (papers, made)
        titles, authors, keys, serials, ascii_only, latex = made
        return SearchColumns(
            ids=tuple(map(operator.attrgetter("id"), papers)),
            titles=TextColumn.of(titles),
            authors=TextColumn.of(authors),
            keys=TextColumn.of(keys),
            abstracts=LoadingAbstracts(papers, ascii_only, latex, self.abstract_words),
            papers=papers,
            position=position,
            known=Remembered(self.weights, serials),
            corrected_by_scan=False,
        )

    def _copied(self, papers: Sequence[Paper], give_way: Callable[[], None]) -> _Columns:
        """The last snapshot's columns, with the places whose paper is new
        (or another object) made again."""
        size = len(papers)
        if self._last is None:
            titles, authors, keys = [""] * size, [""] * size, [""] * size
            serials = np.zeros(size, np.intp)
            ascii_only, latex = np.zeros(size, bool), np.zeros(size, bool)
            changed: Sequence[int] = range(size)
        else:
            last, (*texts, last_serials, last_ascii, last_latex) = self._last
            kept = min(len(last), size)
            same = np.fromiter(map(operator.is_, last, papers), bool, kept)
            grown = size - kept
            titles, authors, keys = (column[:kept] + [""] * grown for column in texts)
            serials = np.concatenate([last_serials[:kept], np.zeros(grown, np.intp)])
            ascii_only = np.concatenate([last_ascii[:kept], np.zeros(grown, bool)])
            latex = np.concatenate([last_latex[:kept], np.zeros(grown, bool)])
            changed = [*np.flatnonzero(~same).tolist(), *range(kept, size)]
        for start in range(0, len(changed), _PAPERS_PER_STEP):
            give_way()
            for i in changed[start : start + _PAPERS_PER_STEP]:
                met = self._meet(papers[i])
                serials[i], titles[i], authors[i], keys[i], ascii_only[i], latex[i] = met[1:]
        return titles, authors, keys, serials, ascii_only, latex

    def _meet(self, paper: Paper) -> _Met:
        met = self._met.get(id(paper))  # the memo holds its papers: ids are not reused
        if met is None:
            abstract = paper.abstract
            met = (
                paper,
                next(self._serial),
                title_searched(paper),
                authors_searched(paper, self._fold_name),
                keys_searched(paper),
                abstract.isascii(),
                has_latex(abstract),  # without, it reads as written: no words
            )
            self._met[id(paper)] = met
            if met[6]:
                self._wordless.append(paper)
        return met

    def abstract_words(self, paper: Paper) -> str:
        """The words the abstract's LaTeX reads as, folded (found once)."""
        words = self._words.get(id(paper))
        if words is None:
            words = self._words[id(paper)] = readable_folded(paper.abstract)
        return words

    def find_words(self, give_way: Callable[[], None] = lambda: None) -> None:
        """Find the words of the abstracts met since the last call that may
        hold LaTeX, before a search needs them (~10-20 µs each), calling
        ``give_way`` every few milliseconds."""
        with self._making:
            wordless, self._wordless = self._wordless, []
        for start in range(0, len(wordless), _WORDS_PER_STEP):
            give_way()
            for paper in wordless[start : start + _WORDS_PER_STEP]:
                self.abstract_words(paper)


class LoadingAbstracts(TextColumn):
    """The abstracts of a loading library's snapshot, folded as they are read."""

    def __init__(
        self,
        papers: Sequence[Paper],
        ascii_only: Found,
        latex: Found,
        words_of: Callable[[Paper], str],
    ) -> None:
        def texts(positions: Iterable[int]) -> Iterable[str]:
            for i in positions:
                paper = papers[i]
                yield with_words(fold(paper.abstract), words_of(paper))

        super().__init__(texts, len(papers))
        self._papers = papers
        self._ascii = ascii_only
        self._latex = latex
        self._words_of = words_of

    def _scanned(self, term: str, positions: Positions) -> Found:
        """The abstract as searched holds ``term``: its source folded (an
        ASCII one lowercased, in C) or, where not, the words its LaTeX reads as."""
        ascii_only = self._ascii[positions]
        found = np.zeros(positions.size, bool)
        at = positions[ascii_only]
        found[ascii_only] = holding(map(str.lower, self._abstracts(at)), term, at.size)
        if not ascii_only.all():
            others = positions[~ascii_only]
            found[~ascii_only] = holding(map(fold, self._abstracts(others)), term, others.size)
        rest = np.flatnonzero(~found & self._latex[positions])
        if rest.size:
            words = map(self._words_of, map(self._papers.__getitem__, positions[rest].tolist()))
            found[rest] = holding(words, term, rest.size)
        return found

    def _abstracts(self, positions: Positions) -> Iterable[str]:
        return map(_ABSTRACT, map(self._papers.__getitem__, positions.tolist()))


class Remembered:
    """A snapshot's view of its load's remembered weights: its papers' serials."""

    def __init__(self, weights: RememberedWeights, serials: Serials) -> None:
        self._weights = weights
        self._serials = serials

    def weights(self, text: q.Text, candidates: Positions, weigh: Weigh) -> Weights:
        """Each candidate's weight for ``text``; ``weigh``-ed (and kept) for
        those not known."""

        def weighed(which: Positions) -> Weights:
            return weigh(text, candidates[which])

        return self._weights.of(text, self._serials[candidates], weighed)


class RememberedWeights:
    """Each paper's weight for the last few text terms searched, by serial
    (-1: not known). A term's weight is that of the first of the paper's
    own fields holding it, a pure function of the paper; so what one
    snapshot found holds for the next. And a paper without ``diffu`` has no
    ``diffus``: a term typed on is looked for only where the shorter one
    was found (or not known)."""

    def __init__(self) -> None:
        self._terms: dict[q.Text, Weights] = {}
        self._lock = threading.Lock()

    def of(
        self, text: q.Text, serials: Serials, compute: Callable[[Positions], Weights]
    ) -> Weights:
        """The weights for ``text`` at ``serials``; ``compute(which)`` gives
        them for the indexes ``which`` of ``serials`` not known."""
        size = int(serials.max()) + 1 if serials.size else 0
        known = self._known(text, size)
        weights = known[serials]
        unknown = np.flatnonzero(weights < 0)
        for theirs in self._shorter(text):
            if not unknown.size:
                break
            at = serials[unknown]
            absent = np.zeros(unknown.size, bool)
            inside = at < theirs.size  # a paper met since is not known there
            absent[inside] = theirs[at[inside]] == 0
            weights[unknown[absent]] = 0
            unknown = unknown[~absent]
        if unknown.size:
            weights[unknown] = compute(unknown)
        known[serials] = weights  # the ruled out and the computed: known now
        return weights

    def _known(self, text: q.Text, size: int) -> Weights:
        with self._lock:
            known = self._terms.pop(text, None)
            if known is None or known.size < size:
                grown = np.full(max(size, 1024), -1, np.int8)
                if known is not None:
                    grown[: known.size] = known
                known = grown
            self._terms[text] = known  # the newest last
            while len(self._terms) > TERMS_KEPT:
                del self._terms[next(iter(self._terms))]
            return known

    def _shorter(self, text: q.Text) -> list[Weights]:
        """The weights of the remembered terms that ``text`` holds (in the
        same field), longest first: the fewest papers found."""
        with self._lock:
            shorter = [
                (len(other.text), known)
                for other, known in self._terms.items()
                if other.field == text.field and other.text != text.text and other.text in text.text
            ]
        return [known for _length, known in sorted(shorter, key=lambda pair: -pair[0])]
