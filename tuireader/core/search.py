"""Query parsing and ranking, shared by the app's filter and ``tuireader search``.

A paper matches when every query term occurs in its title, authors, ID and
categories, or abstract (case- and accent-insensitive). Matches rank by where
the terms were found (title 3, authors 2, ID/categories 2, abstract 1 per
term), then by how closely the whole query resembles the title or authors
(rapidfuzz ``partial_ratio``), then newest first. A term that matches nothing
is corrected against the words of the library (rapidfuzz ``ratio``),
so "difusion" still finds "diffusion".

Substring tests narrow cheaply and rapidfuzz scores only the best few hundred
survivors: one rapidfuzz pass over 100,000 abstracts per keystroke would be
far too slow. Candidates and their weights are numpy arrays, so narrowing and
sorting 100,000 of them stays in C; each field is only tested for the
candidates no earlier, heavier field already matched.

Abstracts are not kept folded (that would double the largest part of the
library in memory): each is folded when it is tested, until
:meth:`SearchIndex.index_abstracts` has built a word index, which answers in
a fixed ~20 ms per term at 100,000 papers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import repeat, takewhile
from operator import contains

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from tuireader.core.model import Paper
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex

TITLE_WEIGHT, AUTHOR_WEIGHT, KEY_WEIGHT, ABSTRACT_WEIGHT = 3, 2, 2, 1
#: How many of the best candidates rapidfuzz re-ranks.
RERANK_LIMIT = 300
#: Terms shorter than this are never corrected: too many near neighbours.
MIN_CORRECTABLE = 4
CORRECTION_CUTOFF = 80
#: Corrections within this many points of the best one are all searched.
CORRECTION_SPREAD = 4

Positions = npt.NDArray[np.intp]
Weights = npt.NDArray[np.int8]
Found = npt.NDArray[np.bool_]

# A quote still open at the end is a phrase being typed, not a literal '"'.
_TERM = re.compile(r'"([^"]*)(?:"|$)|(\S+)')
_WORD = re.compile(r"[^\W_]{3,}")


def parse_query(text: str) -> tuple[str, ...]:
    """Split a query into folded terms; "quoted phrases" stay whole."""
    terms = (fold(quoted or bare).strip() for quoted, bare in _TERM.findall(text))
    return tuple(dict.fromkeys(term for term in terms if term))


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked positions into the index, and any typo corrections made."""

    positions: tuple[int, ...]
    corrections: tuple[tuple[str, tuple[str, ...]], ...] = ()


class SearchIndex:
    """Folded copies of the short searchable fields, by position in library
    order, and the abstracts as they are (shared with the papers)."""

    #: Folding one abstract costs about ten times what the word index spends
    #: per paper (~2 µs against ~0.2 µs), so for candidates fewer than this
    #: share of the library, folding their abstracts is the quicker test.
    fold_directly_below = 0.1

    def __init__(self, papers: Sequence[Paper]) -> None:
        self.ids = tuple(paper.id for paper in papers)
        self.position = {paper_id: i for i, paper_id in enumerate(self.ids)}
        self._titles = [fold(paper.title) for paper in papers]
        self._authors = [fold(", ".join(paper.authors)) for paper in papers]
        self._keys = [fold(" ".join((paper.id, *paper.categories))) for paper in papers]
        self._abstracts = [paper.abstract for paper in papers]
        self._abstract_words: WordIndex | None = None
        self._vocabulary: list[str] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    def index_abstracts(self, cancelled: Callable[[], bool] = lambda: False) -> None:
        """Build the abstracts' word index: a few seconds and ~50 MB at
        100,000 papers, repaid after a handful of searches. Safe to call while
        another thread searches; results are the same before and after.
        Gives up, changing nothing, as soon as ``cancelled()`` is true."""
        folded = takewhile(lambda _: not cancelled(), map(fold, self._abstracts))
        words = WordIndex(folded)
        if len(words) == len(self._abstracts):
            self._abstract_words = words

    @property
    def abstracts_indexed(self) -> bool:
        return self._abstract_words is not None

    def search(self, query: str, scope: Sequence[int] | None = None) -> SearchResult:
        """Rank the papers at ``scope`` (all when ``None``) against ``query``."""
        return self.rank(query, self.match(parse_query(query), scope))

    # The two halves of a search, separate so that Searcher can reuse matches.

    def match(self, terms: Sequence[str], scope: Sequence[int] | None) -> Matches:
        """Per-term weights of the papers that contain every term."""
        candidates = np.arange(len(self.ids)) if scope is None else np.asarray(scope, np.intp)
        matches = Matches(candidates, [], [])
        for term in terms:
            matches = self.narrow(matches, term)
        return matches

    def narrow(self, matches: Matches, term: str) -> Matches:
        """Keep the candidates that contain ``term``, correcting it if none do."""
        candidates = matches.candidates
        weights = self._weights(term, candidates)
        corrections = matches.corrections
        if not weights.any() and len(term) >= MIN_CORRECTABLE and candidates.size:
            alternatives = self.corrections_for(term)
            if alternatives:
                found = [self._weights(word, candidates) for word in alternatives]
                weights = np.maximum.reduce(found)
                corrections = [*corrections, (term, alternatives)]
        kept = weights > 0
        term_weights = [w[kept] for w in (*matches.term_weights, weights)]
        return Matches(candidates[kept], term_weights, corrections)

    def rank(self, query: str, matches: Matches) -> SearchResult:
        """Order by weight, then rapidfuzz similarity for the best few, then position."""
        if not matches.term_weights:
            return SearchResult(tuple(matches.candidates.tolist()))
        total: npt.NDArray[np.int32] = np.sum(matches.term_weights, axis=0, dtype=np.int32)
        # Stable, so equal weights stay in position order.
        order = np.argsort(-total, kind="stable")
        ordered: list[int] = matches.candidates[order].tolist()
        head, tail = ordered[:RERANK_LIMIT], ordered[RERANK_LIMIT:]
        weight = dict(zip(head, total[order[:RERANK_LIMIT]].tolist(), strict=True))
        folded = fold(query)
        head.sort(key=lambda i: (-weight[i], -self._similarity(folded, i), i))
        return SearchResult(tuple(head + tail), tuple(matches.corrections))

    def corrections_for(self, term: str) -> tuple[str, ...]:
        """Words of the vocabulary that look like a mistyped ``term``."""
        if self._vocabulary is None:
            words = self._abstract_words
            abstracts = [words.vocabulary()] if words else map(fold, self._abstracts)
            fields = (self._titles, self._authors, abstracts)
            found = {word for texts in fields for text in texts for word in _WORD.findall(text)}
            self._vocabulary = sorted(found)
        near = process.extract(
            term, self._vocabulary, scorer=fuzz.ratio, score_cutoff=CORRECTION_CUTOFF, limit=3
        )
        best = near[0][1] if near else 0
        return tuple(word for word, score, _index in near if score >= best - CORRECTION_SPREAD)

    def _similarity(self, folded_query: str, i: int) -> float:
        return max(
            fuzz.partial_ratio(folded_query, self._titles[i]),
            fuzz.partial_ratio(folded_query, self._authors[i]) if self._authors[i] else 0,
        )

    def _weights(self, term: str, candidates: Positions) -> Weights:
        """Each candidate's weight for ``term``: that of the first field with it."""
        weights = np.zeros(candidates.size, dtype=np.int8)
        undecided = np.arange(candidates.size)
        fields = (
            (TITLE_WEIGHT, partial(_in_texts, self._titles)),
            (AUTHOR_WEIGHT, partial(_in_texts, self._authors)),
            (KEY_WEIGHT, partial(_in_texts, self._keys)),
            (ABSTRACT_WEIGHT, self._in_abstracts),
        )
        for weight, contain in fields:
            if not undecided.size:
                break
            found = contain(term, candidates[undecided])
            weights[undecided[found]] = weight
            undecided = undecided[~found]
        return weights

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
        abstracts = map(self._abstracts.__getitem__, positions.tolist())
        return _containing(term, map(fold, abstracts), positions.size)


def _in_texts(texts: list[str], term: str, positions: Positions) -> Found:
    return _containing(term, map(texts.__getitem__, positions.tolist()), positions.size)


def _containing(term: str, texts: Iterable[str], count: int) -> Found:
    """Per text, whether ``term`` occurs in it; the loop stays in C."""
    return np.fromiter(map(contains, texts, repeat(term)), dtype=bool, count=count)


@dataclass(frozen=True, slots=True)
class Matches:
    """Candidates in position order, with each term's weight per candidate
    (arrays aligned with ``candidates``)."""

    candidates: Positions
    term_weights: list[Weights]
    corrections: list[tuple[str, tuple[str, ...]]]


class Searcher:
    """Searches as the user types, narrowing the previous matches when the new
    query only extends the old one. Results equal :meth:`SearchIndex.search`."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self._last: tuple[tuple[int, ...] | None, tuple[str, ...], Matches] | None = None

    def search(self, query: str, scope: Sequence[int] | None = None) -> SearchResult:
        terms = parse_query(query)
        scope_key = None if scope is None else tuple(scope)
        matches = self._narrowed(terms, scope_key)
        if matches is None:
            matches = self.index.match(terms, scope)
        self._last = (scope_key, terms, matches)
        return self.index.rank(query, matches)

    def _narrowed(self, terms: tuple[str, ...], scope: tuple[int, ...] | None) -> Matches | None:
        """The previous matches narrowed by what the new query adds, if it only adds."""
        if self._last is None:
            return None
        last_scope, last_terms, matches = self._last
        if last_scope != scope or matches.corrections or not last_terms:
            return None
        if len(terms) < len(last_terms) or terms[: len(last_terms) - 1] != last_terms[:-1]:
            return None
        if last_terms[-1] not in terms[len(last_terms) - 1]:
            return None
        if terms[len(last_terms) - 1] != last_terms[-1]:
            matches = Matches(matches.candidates, matches.term_weights[:-1], [])
            matches = self.index.narrow(matches, terms[len(last_terms) - 1])
        for term in terms[len(last_terms) :]:
            matches = self.index.narrow(matches, term)
        if matches.corrections or not matches.candidates.size:
            # A term that matched nothing is corrected against every candidate
            # of the terms before it, not just the narrowed few: start afresh.
            return None
        return matches


def highlight_spans(text: str, terms: Sequence[str]) -> list[tuple[int, int]]:
    """Where the terms occur in ``text``, merged, for highlighting a row."""
    folded = fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for term in filter(None, terms):
        start = folded.find(term)
        while start != -1:
            spans.append((start, start + len(term)))
            start = folded.find(term, start + len(term))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
