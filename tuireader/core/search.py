"""Matching and ranking, shared by the app's filter and ``tuireader search``.

A query (:mod:`tuireader.core.query`) is evaluated over positions in the
library's order. Text terms are found case- and accent-insensitively in their
fields, in the LaTeX source and in its readable form (``alpha`` and ``α`` both
find ``$\\alpha$``); a bare term may be in the title (weight 3), authors or ID/categories
(2), abstract or the user's note (1). Matches rank by the sum of their terms'
weights, then by how closely the query's words resemble the title or authors
(rapidfuzz ``partial_ratio``, for the best few hundred only), then by
position. A text term that matches nothing is corrected against the words of
the library (rapidfuzz ``ratio``), so "difusion" still finds "diffusion".

Everything else is a mask over the library (:mod:`tuireader.core.masks`):
categories, dates and ID prefixes are computed once per value; stars, notes,
tags and read marks once per change of the user's data (``Marks.revision``),
never per keystroke. Each
field is tested only for the candidates no heavier field matched, and
candidates and weights are numpy arrays, so 100,000 papers stay in C.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat, takewhile
from operator import contains

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from tuireader.core import query as q
from tuireader.core.evaluate import (
    Corrections,
    Evaluation,
    Found,
    Marks,
    NoMarks,
    Positions,
    Weights,
)
from tuireader.core.highlight import highlight_spans, terms_for
from tuireader.core.masks import LibraryMasks
from tuireader.core.model import Paper
from tuireader.core.search_columns import SearchColumns
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex

__all__ = ["Marks", "NoMarks", "SearchIndex", "SearchResult", "Searcher"]
__all__ += ["highlight_spans", "terms_for"]

TITLE_WEIGHT, AUTHOR_WEIGHT, KEY_WEIGHT, ABSTRACT_WEIGHT, NOTE_WEIGHT = 3, 2, 2, 1, 1
#: How many of the best candidates rapidfuzz re-ranks.
RERANK_LIMIT = 300
CORRECTION_CUTOFF = 80
#: Corrections within this many points of the best one are all searched.
CORRECTION_SPREAD = 4


_WORD = re.compile(r"[^\W_]{3,}")


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked positions, the typo corrections made, and the texts searched
    for (to highlight them)."""

    positions: tuple[int, ...]
    corrections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    texts: tuple[q.Text, ...] = ()


@dataclass(frozen=True, slots=True)
class Matches:
    """Candidates in scope order, with each conjunct's weight per candidate
    (arrays aligned with ``candidates``)."""

    candidates: Positions
    term_weights: list[Weights]
    corrections: Corrections


class SearchIndex:
    """Folded copies of the short searchable fields, by position in library
    order, the abstracts as they are (shared with the papers), and masks of
    the library by category and date, built when first asked for."""

    #: Folding one abstract costs about ten times what the word index spends
    #: per paper (~2 µs against ~0.2 µs), so for candidates fewer than this
    #: share of the library, folding their abstracts is the quicker test.
    fold_directly_below = 0.1

    def __init__(self, papers: Sequence[Paper] | SearchColumns) -> None:
        columns = papers if isinstance(papers, SearchColumns) else SearchColumns.of(papers)
        self.ids = columns.ids
        self.position = columns.position or dict(zip(self.ids, range(len(self.ids)), strict=True))
        self._titles = columns.titles
        self._authors = columns.authors
        self._keys = columns.keys
        self._folded_abstracts = columns.abstracts
        self.masks = LibraryMasks(columns.papers, self.ids, columns.tables)
        self._abstract_words = columns.words
        self._vocabulary: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def index_abstracts(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Build the abstracts' word index: a few seconds and ~50 MB at
        100,000 papers, repaid after a handful of searches. Safe to call while
        another thread searches; results are the same before and after.
        Gives up, changing nothing, as soon as ``cancelled()`` is true."""
        if self._abstract_words is not None:
            return
        texts = self._folded_abstracts(range(len(self)))
        words = WordIndex(takewhile(lambda _text: not cancelled(), texts))
        if len(words) == len(self):
            self._abstract_words = words

    @property
    def word_index(self) -> WordIndex | None:
        return self._abstract_words

    def columns(self) -> SearchColumns:
        """What this index searches (to keep it in the library file)."""
        return SearchColumns(
            self.ids,
            self._titles,
            self._authors,
            self._keys,
            self._folded_abstracts,
            tables=self.masks.tables(),
            words=self._abstract_words,
        )

    @property
    def abstracts_indexed(self) -> bool:
        return self._abstract_words is not None

    def search(
        self, query: str, scope: Sequence[int] | None = None, marks: Marks | None = None
    ) -> SearchResult:
        """Rank the papers at ``scope`` (all when ``None``) against ``query``;
        raises ``QueryError`` for a query that cannot be parsed."""
        return Searcher(self, marks).search(query, scope)

    # Text ------------------------------------------------------------------------

    def text_weights(self, text: q.Text, candidates: Positions, marks: Marks) -> Weights:
        """Each candidate's weight for ``text``: that of the first field with it."""
        term = text.text
        weights = np.zeros(candidates.size, dtype=np.int8)
        undecided = np.arange(candidates.size)
        for weight, contain in self._fields(text.field, marks):
            if not undecided.size:
                break
            found = contain(term, candidates[undecided])
            weights[undecided[found]] = weight
            undecided = undecided[~found]
        return weights

    def _fields(
        self, field: q.TextField, marks: Marks
    ) -> list[tuple[int, Callable[[str, Positions], Found]]]:
        title = (TITLE_WEIGHT, self._in(self._titles))
        authors = (AUTHOR_WEIGHT, self._in(self._authors))
        abstract = (ABSTRACT_WEIGHT, self._in_abstracts)
        note = (NOTE_WEIGHT, self._in_notes(marks))
        if field == "title":
            return [title]
        if field == "authors":
            return [authors]
        if field == "abstract":
            return [abstract]
        if field == "note":
            return [note]
        return [title, authors, (KEY_WEIGHT, self._in(self._keys)), abstract, note]

    @staticmethod
    def _in(texts: Sequence[str]) -> Callable[[str, Positions], Found]:
        def found(term: str, positions: Positions) -> Found:
            return _containing(term, map(texts.__getitem__, positions.tolist()), positions.size)

        return found

    def _in_abstracts(self, term: str, positions: Positions) -> Found:
        words = self._abstract_words
        if words is None or positions.size < self.fold_directly_below * len(self):
            return self._in_abstracts_folded(term, positions)
        first, *others = term.split()
        found = words.containing(first)
        for piece in others:
            found &= words.containing(piece)
        found = found[positions]
        if others or first != term:
            # A phrase: a paper with all its pieces is only a candidate.
            found[found] = self._in_abstracts_folded(term, positions[found])
        return found

    def _in_abstracts_folded(self, term: str, positions: Positions) -> Found:
        return _containing(term, self._folded_abstracts(positions.tolist()), positions.size)

    def _in_notes(self, marks: Marks) -> Callable[[str, Positions], Found]:
        def found(term: str, positions: Positions) -> Found:
            noted = self.masks.of_marks("noted", marks, marks.noted_ids)[positions]
            result = np.zeros(positions.size, dtype=bool)
            for i in np.flatnonzero(noted).tolist():
                result[i] = term in fold(marks.note_of(self.ids[positions[i]]) or "")
            return result

        return found

    # Ranking ---------------------------------------------------------------------

    def rank(self, texts: Sequence[q.Text], matches: Matches) -> SearchResult:
        """Order by weight, then rapidfuzz similarity for the best few, then scope order."""
        candidates = matches.candidates
        if not matches.term_weights or not texts:
            return SearchResult(tuple(candidates.tolist()), tuple(matches.corrections), ())
        total: npt.NDArray[np.int32] = np.sum(matches.term_weights, axis=0, dtype=np.int32)
        order = np.argsort(-total, kind="stable")  # stable: equal weights keep scope order
        ordered: list[int] = candidates[order].tolist()
        head, tail = ordered[:RERANK_LIMIT], ordered[RERANK_LIMIT:]
        weight = dict(zip(head, total[order[:RERANK_LIMIT]].tolist(), strict=True))
        rank_in_scope = {position: n for n, position in enumerate(head)}
        words = " ".join(text.text for text in texts)
        head.sort(key=lambda i: (-weight[i], -self._similarity(words, i), rank_in_scope[i]))
        return SearchResult(tuple(head + tail), tuple(matches.corrections), tuple(texts))

    def _similarity(self, folded_query: str, i: int) -> float:
        return max(
            fuzz.partial_ratio(folded_query, self._titles[i]),
            fuzz.partial_ratio(folded_query, self._authors[i]) if self._authors[i] else 0,
        )

    def corrections_for(self, term: str) -> tuple[str, ...]:
        """Words of the vocabulary that look like a mistyped ``term``."""
        if self._vocabulary is None:
            words = self._abstract_words
            everything = range(len(self))
            abstracts = [words.vocabulary()] if words else self._folded_abstracts(everything)
            fields = (self._titles, self._authors, abstracts)
            found = {word for texts in fields for text in texts for word in _WORD.findall(text)}
            self._vocabulary = sorted(found)
        near = process.extract(
            term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF, limit=3
        )
        best = near[0][1] if near else 0
        return tuple(word for word, score, _index in near if score >= best - CORRECTION_SPREAD)


class _ScopeKey:
    """A scope, compared by identity first and by content only if need be."""

    __slots__ = ("scope",)

    def __init__(self, scope: Sequence[int]) -> None:
        self.scope = scope

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, _ScopeKey):
            return NotImplemented
        return self.scope is other.scope or (
            len(self.scope) == len(other.scope) and tuple(self.scope) == tuple(other.scope)
        )

    def __hash__(self) -> int:
        return len(self.scope)


def _containing(term: str, texts: Iterable[str], count: int) -> Found:
    """Per text, whether ``term`` occurs in it; the loop stays in C."""
    return np.fromiter(map(contains, texts, repeat(term)), dtype=bool, count=count)


class Searcher:
    """Evaluates queries as the user types, narrowing the previous matches
    when the new query only extends the old one. Results equal
    :meth:`SearchIndex.search`; marks are re-read whenever they change."""

    def __init__(self, index: SearchIndex, marks: Marks | None = None) -> None:
        self.index = index
        self.marks = marks or NoMarks()
        #: The last search: its scope, revision, conjuncts and the matches after each.
        self._last: tuple[object, int, tuple[q.Node, ...], list[Matches]] | None = None

    def search(self, query: str, scope: Sequence[int] | None = None) -> SearchResult:
        """Raises ``QueryError`` for a query that cannot be parsed."""
        node = q.parse(query)
        terms = q.conjuncts(node)
        # The same scope object (the reader keeps one while it holds) is
        # recognised at once; another is compared by content.
        scope_key = None if scope is None else _ScopeKey(scope)
        revision = self.marks.revision
        stages = self._reusable(scope_key, revision, terms)
        if not stages:
            start = np.arange(len(self.index)) if scope is None else np.asarray(scope, np.intp)
            stages = [Matches(start, [], [])]
        for term in terms[len(stages) - 1 :]:
            stages.append(self._narrow(stages[-1], term))
        self._last = (scope_key, revision, terms, stages)
        return self.index.rank(q.positive_texts(node), stages[-1])

    def _reusable(self, scope: object, revision: int, terms: tuple[q.Node, ...]) -> list[Matches]:
        """The stages of the last search that the new one can start from."""
        if self._last is None:
            return []
        last_scope, last_revision, last_terms, stages = self._last
        if last_scope != scope or last_revision != revision:
            return []
        shared = 0
        while shared < min(len(terms), len(last_terms)) and terms[shared] == last_terms[shared]:
            if stages[shared + 1].corrections:
                break
            shared += 1
        kept = stages[: shared + 1]
        if shared < len(terms) and shared < len(last_terms):
            old, new = last_terms[shared], terms[shared]
            if _extends(old, new) and not stages[shared + 1].corrections:
                # The old term's matches hold the new one's: narrow those.
                narrowed = stages[shared + 1]
                kept.append(
                    self._narrow(Matches(narrowed.candidates, narrowed.term_weights[:-1], []), new)
                )
                if kept[-1].corrections or not kept[-1].candidates.size:
                    return kept[:-1]  # a dead end is corrected against the wider set
        return kept

    def _narrow(self, matches: Matches, term: q.Node) -> Matches:
        corrections: Corrections = list(matches.corrections)
        found, weights = Evaluation(self.index, self.marks, corrections).run(
            term, matches.candidates
        )
        kept = [w[found] for w in matches.term_weights] + [weights[found]]
        return Matches(matches.candidates[found], kept, corrections)


def _extends(old: q.Node, new: q.Node) -> bool:
    """Every paper matching ``new`` matches ``old`` (the user typed on)."""
    return (
        isinstance(old, q.Text)
        and isinstance(new, q.Text)
        and old.field == new.field
        and old.text in new.text
    )
