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

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
from tuireader.core.library import positions_of
from tuireader.core.masks import LibraryMasks
from tuireader.core.model import Paper
from tuireader.core.position_list import PositionList
from tuireader.core.search_columns import SearchColumns
from tuireader.core.text import fold

__all__ = ["Marks", "NoMarks", "SearchIndex", "SearchResult", "Searcher"]
__all__ += ["highlight_spans", "terms_for"]

TITLE_WEIGHT, AUTHOR_WEIGHT, KEY_WEIGHT, ABSTRACT_WEIGHT, NOTE_WEIGHT = 3, 2, 2, 1, 1
#: How many of the best candidates rapidfuzz re-ranks.
RERANK_LIMIT = 300
CORRECTION_CUTOFF = 80
#: Corrections within this many points of the best one are all searched.
CORRECTION_SPREAD = 4


_WORD = re.compile(r"[^\W_]{3,}")
#: Whether each text at some positions holds a term.
Contains = Callable[[str, Positions], Found]
#: What a searcher's last matches were found with: the marks' revision, and
#: whether the word index was built.
Revision = tuple[int, bool]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked positions, the typo corrections made, and the texts searched
    for (to highlight them)."""

    positions: Sequence[int]
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
    """The searched fields by position in library order (:mod:`search_columns`),
    each with a word index once :meth:`index_words` has run (or the library
    file brought one), and masks of the library by category and date."""

    def __init__(self, papers: Sequence[Paper] | SearchColumns) -> None:
        columns = papers if isinstance(papers, SearchColumns) else SearchColumns.of(papers)
        self.ids = columns.ids
        self.position = columns.position or positions_of(self.ids)
        self._columns = columns
        self.masks = LibraryMasks(columns.papers, self.ids, columns.tables, self.position)
        self._vocabulary: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def index_words(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Build every field's word index: a few seconds and ~60 MB at
        100,000 papers, repaid after a handful of searches. Safe to call while
        another thread searches; results are the same before and after.
        Gives up as soon as ``cancelled()`` is true."""
        for column in self._columns.text_columns.values():
            column.index_words(cancelled)

    @property
    def words_indexed(self) -> bool:
        return all(c.words is not None for c in self._columns.text_columns.values())

    def columns(self) -> SearchColumns:
        """What this index searches, with the masks' tables (for the library file)."""
        return dataclasses.replace(self._columns, tables=self.masks.tables())

    def search(
        self, query: str, scope: Sequence[int] | None = None, marks: Marks | None = None
    ) -> SearchResult:
        """Rank the papers at ``scope`` (all when ``None``) against ``query``;
        raises ``QueryError`` for a query that cannot be parsed."""
        return Searcher(self, marks).search(query, scope)

    # Text ------------------------------------------------------------------------

    def text_weights(self, text: q.Text, candidates: Positions, marks: Marks) -> Weights:
        """Each candidate's weight for ``text``: that of the first field with
        it, the user's note last (the papers' own fields' weights may be
        known from earlier searches: a loading library's snapshots)."""
        known = self._columns.known
        if known is None:
            weights = self._own_weights(text, candidates)
        else:
            weights = known.weights(text, candidates, self._own_weights)
        if text.field in ("any", "note"):
            undecided = np.flatnonzero(weights == 0)
            if undecided.size:
                found = self._in_notes(marks, text.text, candidates[undecided])
                weights[undecided[found]] = NOTE_WEIGHT
        return weights

    def _own_weights(self, text: q.Text, candidates: Positions) -> Weights:
        """Each candidate's weight for ``text`` in the paper's own fields."""
        term = text.text
        weights = np.zeros(candidates.size, dtype=np.int8)
        undecided = np.arange(candidates.size)
        for weight, contain in self._fields(text.field):
            if not undecided.size:
                break
            found = contain(term, candidates[undecided])
            weights[undecided[found]] = weight
            undecided = undecided[~found]
        return weights

    def _fields(self, field: q.TextField) -> list[tuple[int, Contains]]:
        """The paper's own fields ``field`` names, with their weights."""
        columns = self._columns
        fields: dict[str, tuple[int, Contains]] = {
            "title": (TITLE_WEIGHT, columns.titles.containing),
            "authors": (AUTHOR_WEIGHT, columns.authors.containing),
            "keys": (KEY_WEIGHT, columns.keys.containing),
            "abstract": (ABSTRACT_WEIGHT, columns.abstracts.containing),
        }
        if field == "any":
            return list(fields.values())
        return [fields[field]] if field in fields else []  # a note is not the paper's

    def _in_notes(self, marks: Marks, term: str, positions: Positions) -> Found:
        """Whether the user's note on each paper at ``positions`` holds ``term``."""
        noted = self.masks.of_marks("noted", marks, marks.noted_ids)[positions]
        result = np.zeros(positions.size, dtype=bool)
        for i in np.flatnonzero(noted).tolist():
            result[i] = term in fold(marks.note_of(self.ids[positions[i]]) or "")
        return result

    # Ranking ---------------------------------------------------------------------

    def rank(self, texts: Sequence[q.Text], matches: Matches) -> SearchResult:
        """Order by weight, then rapidfuzz similarity for the best few, then scope order."""
        candidates = matches.candidates
        if not matches.term_weights or not texts:
            return SearchResult(PositionList(candidates), tuple(matches.corrections), ())
        total: npt.NDArray[np.int32] = np.sum(matches.term_weights, axis=0, dtype=np.int32)
        # Stable: equal weights keep scope order. Weights that fit 16 bits (any
        # query a person types) sort by radix: 2.5 times quicker at a million.
        fits = total.size and total.max() < np.iinfo(np.int16).max
        order = np.argsort(-(total.astype(np.int16) if fits else total), kind="stable")
        ordered = candidates[order]
        head: list[int] = ordered[:RERANK_LIMIT].tolist()
        weight = dict(zip(head, total[order[:RERANK_LIMIT]].tolist(), strict=True))
        rank_in_scope = {position: n for n, position in enumerate(head)}
        similarity = self._similarities(" ".join(text.text for text in texts), head)
        head.sort(key=lambda i: (-weight[i], -similarity[i], rank_in_scope[i]))
        ordered[: len(head)] = head
        return SearchResult(PositionList(ordered), tuple(matches.corrections), tuple(texts))

    def _similarities(self, folded_query: str, positions: list[int]) -> dict[int, float]:
        """How closely each paper's title or authors match the query, by
        position; their texts read in one step (from a library file, one by
        one cost a quarter of a search that matches most papers)."""
        titles = self._columns.titles.texts(positions)
        authors = self._columns.authors.texts(positions)
        return {
            i: max(
                fuzz.partial_ratio(folded_query, title),
                fuzz.partial_ratio(folded_query, names) if names else 0,
            )
            for i, title, names in zip(positions, titles, authors, strict=True)
        }

    def corrections_for(self, term: str) -> tuple[str, ...]:
        """Words of the vocabulary that look like a mistyped ``term`` (none
        until the word index is built, for columns not corrected by a scan)."""
        if self._vocabulary is None:
            if not (self._columns.corrected_by_scan or self.words_indexed):
                return ()
            columns = self._columns
            fields = (columns.titles, columns.authors, columns.abstracts)
            texts = (text for column in fields for text in column.vocabulary())
            self._vocabulary = sorted({word for text in texts for word in _WORD.findall(text)})
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


class Searcher:
    """Evaluates queries as the user types, narrowing the previous matches
    when the new query only extends the old one. Results equal
    :meth:`SearchIndex.search`; marks are re-read whenever they change."""

    def __init__(self, index: SearchIndex, marks: Marks | None = None) -> None:
        self.index = index
        self.marks = marks or NoMarks()
        #: The last search: its scope, revision, conjuncts and the matches after each.
        self._last: tuple[object, Revision, tuple[q.Node, ...], list[Matches]] | None = None

    def search(self, query: str, scope: Sequence[int] | None = None) -> SearchResult:
        """Raises ``QueryError`` for a query that cannot be parsed."""
        node = q.parse(query)
        terms = q.conjuncts(node)
        # The same scope object (the reader keeps one while it holds) is
        # recognised at once; another is compared by content.
        scope_key = None if scope is None else _ScopeKey(scope)
        # A word index built meanwhile may correct what could not be before.
        revision = (self.marks.revision, self.index.words_indexed)
        stages = self._reusable(scope_key, revision, terms)
        if not stages:
            start = np.arange(len(self.index)) if scope is None else np.asarray(scope, np.intp)
            stages = [Matches(start, [], [])]
        for term in terms[len(stages) - 1 :]:
            stages.append(self._narrow(stages[-1], term))
        self._last = (scope_key, revision, terms, stages)
        return self.index.rank(q.positive_texts(node), stages[-1])

    def _reusable(
        self, scope: object, revision: Revision, terms: tuple[q.Node, ...]
    ) -> list[Matches]:
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
