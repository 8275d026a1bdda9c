"""Triage by relevance: rank papers by what the user starred, and find similar ones.

arxiv-sanity-lite's recipe: TF-IDF over title and abstract (unigrams and
bigrams, sublinear tf, English stop words dropped), and a linear SVM that
tells the user's positives (starred, or tagged X) from the rest. "More like
this" is the cosine between the same TF-IDF rows.

The features are TF-IDF rows (:mod:`tuireader.core.tfidf`, which says how
they are counted). Positions are rows of the matrix: the caller's order
(library order) when it was built, with :meth:`TextMatrix.extend`'s papers
after them.

scikit-learn takes about a second to import, so it is imported only inside
the functions that need it: the app's start-up and the scripting commands
never pay for it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tuireader.core.tfidf import MIN_DF as MIN_DF
from tuireader.core.tfidf import TOKEN_PATTERN as TOKEN_PATTERN
from tuireader.core.tfidf import Cancelled as Cancelled
from tuireader.core.tfidf import Ids, Vocabulary, count_new_terms, weigh

MIN_POSITIVES = 5
#: Negatives sampled per positive when training; see :meth:`TextMatrix.train`.
NEGATIVES_PER_POSITIVE = 10
#: ...but never fewer than this many (all of the rest, in a smaller library).
MIN_NEGATIVES = 2000
#: Inverse regularisation strength of the SVM: scikit-learn's default. On the
#: held-out sample days (tests/unit/test_rank.py) C from 0.3 to 10 ranks alike
#: and 0.1 a little worse; LogisticRegression ranks alike within a paper and
#: trains ~4 times slower at 100,000 papers.
SVM_C = 1.0
#: Papers tokenized between two checks of ``cancelled()``.
CHUNK = 2048

Scores = npt.NDArray[np.float64]
_SEED = 0


class TooFewPositives(Exception):
    """Not enough positives to learn from; ``str()`` is a line for the user."""

    def __init__(self, have: int, need: int = MIN_POSITIVES) -> None:
        super().__init__(f"Star at least {need} papers to rank by relevance (you have {have})")
        self.have = have
        self.need = need


class TextMatrix:
    """TF-IDF of every paper's title + abstract, rows by position (library order).

    Rows are L2-normalised, so a dot product of two rows is their cosine.
    """

    def __init__(self, rows: Any, vocabulary: Vocabulary, weighting: Any) -> None:
        self._rows = rows  # scipy.sparse CSR, float32
        self._vocabulary = vocabulary
        self._weighting = weighting  # fitted TfidfTransformer; None without terms

    @classmethod
    def build(
        cls, texts: Iterable[str], cancelled: Callable[[], bool] = lambda: False
    ) -> TextMatrix:
        """Fit the vocabulary and weights to ``texts`` (title + "\\n" + abstract
        per paper; any iterable, so a generator spares a copy of every text):
        6-7 s at 100,000 papers, so call it from a worker thread.

        Raises :class:`Cancelled` once ``cancelled()`` is true: it is asked
        before every ``CHUNK`` texts (~0.15 s of work), not in the last second.
        """
        from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfTransformer

        counts, vocabulary = count_new_terms(texts, ENGLISH_STOP_WORDS, cancelled, CHUNK)
        weighting = TfidfTransformer(sublinear_tf=True).fit(counts) if counts.nnz else None
        return cls(weigh(weighting, counts, CHUNK), vocabulary, weighting)

    def __len__(self) -> int:
        return int(self._rows.shape[0])

    def term(self, column: int) -> str:
        """The feature of a column: a word, or two separated by a space."""
        return self._vocabulary.term(column)

    @property
    def rows(self) -> Any:
        """The TF-IDF matrix (scipy.sparse CSR, float32, one row per paper)."""
        return self._rows

    def extend(self, texts: Sequence[str]) -> TextMatrix:
        """This matrix with ``texts`` appended as new rows, weighted by the
        fitted vocabulary and IDF: old rows stay as they are. Terms unknown
        to the vocabulary are ignored, so rebuild once much has been added."""
        import scipy.sparse as sparse

        added = weigh(self._weighting, self._vocabulary.count(texts), CHUNK)
        rows = sparse.vstack([self._rows, added], format="csr")
        return TextMatrix(rows, self._vocabulary, self._weighting)

    def take(self, rows: Ids) -> TextMatrix:
        """These rows, in this order (a library whose order changed)."""
        return TextMatrix(self._rows[rows], self._vocabulary, self._weighting)

    def train(self, positives: Iterable[int], negatives: Iterable[int] | None = None) -> Model:
        """Learn to tell ``positives`` (starred, or tagged X) from
        ``negatives``: a linear SVM, each class weighted by its size.

        By default the negatives are a fixed-seed sample of the other papers,
        ``NEGATIVES_PER_POSITIVE`` per positive and at least ``MIN_NEGATIVES``:
        at 100,000 papers, training on all of them takes 1-2.5 s and ranks no
        better (see ``benchmarks/bench_rank.py``). A caller may pass its own,
        e.g. the papers the user has read and not starred.

        Raises :class:`TooFewPositives` below ``MIN_POSITIVES``.
        """
        chosen = self._positions(positives)
        if len(chosen) < MIN_POSITIVES:
            raise TooFewPositives(len(chosen))
        others = self._negatives(chosen) if negatives is None else self._positions(negatives)
        others = np.setdiff1d(others, chosen)
        if not others.size or not self._rows.shape[1]:
            # Nothing to contrast with, or no words at all: likeness to the
            # positives' centroid (all zero without words: the order stays).
            centroid = np.asarray(self._rows[chosen].mean(axis=0), dtype=np.float64).ravel()
            return Model(self, frozenset(chosen.tolist()), centroid, 0.0)
        return self._fit(chosen, others)

    def similar(
        self, position: int, limit: int = 50, among: Sequence[int] | None = None
    ) -> list[tuple[int, float]]:
        """The papers most like the one at ``position`` (cosine), best first,
        ties in position order; not the paper itself nor papers with no term
        in common. ``among`` restricts the candidates (default: all)."""
        _check(position, len(self))
        query = np.asarray(self._rows[position].todense(), dtype=np.float32).ravel()
        if among is None:
            candidates = np.arange(len(self))
            cosines = self._rows @ query
        else:
            candidates = self._positions(among)
            cosines = self._rows[candidates] @ query
        keep = (cosines > 0) & (candidates != position)
        candidates, cosines = candidates[keep], cosines[keep]
        if candidates.size > limit:
            best = np.argpartition(-cosines, limit - 1)[:limit]
            candidates, cosines = candidates[best], cosines[best]
        order = np.lexsort((candidates, -cosines))[:limit]
        return list(zip(candidates[order].tolist(), cosines[order].tolist(), strict=True))

    def _positions(self, positions: Iterable[int]) -> Ids:
        """Distinct positions, sorted; IndexError for one outside the matrix."""
        found = np.unique(np.fromiter(positions, dtype=np.int64))
        if found.size:
            _check(int(found[0]), len(self))
            _check(int(found[-1]), len(self))
        return found

    def _negatives(self, positives: Ids) -> Ids:
        rest = np.setdiff1d(np.arange(len(self)), positives)
        wanted = max(MIN_NEGATIVES, NEGATIVES_PER_POSITIVE * positives.size)
        if rest.size <= wanted:
            return rest
        return np.sort(np.random.default_rng(_SEED).choice(rest, wanted, replace=False))

    def _fit(self, positives: Ids, negatives: Ids) -> Model:
        from sklearn.svm import LinearSVC

        examples = np.concatenate([positives, negatives])
        labels = np.concatenate([np.ones(positives.size), np.zeros(negatives.size)])
        svm = LinearSVC(C=SVM_C, class_weight="balanced", random_state=_SEED)
        svm.fit(self._rows[examples], labels)
        weights = np.asarray(svm.coef_, dtype=np.float64).ravel()
        return Model(self, frozenset(positives.tolist()), weights, float(svm.intercept_[0]))


@dataclass(frozen=True, eq=False)
class Model:
    """A linear scorer over the rows of the :class:`TextMatrix` it was trained
    on (``positives`` are positions in it): higher is more relevant."""

    matrix: TextMatrix
    positives: frozenset[int]
    weights: Scores
    bias: float

    def scores(self, positions: Sequence[int]) -> Scores:
        """Scores aligned with ``positions``: a day's listing in well under a
        millisecond, the whole library of 100,000 in 20-40 ms."""
        wanted = np.asarray(positions, dtype=np.intp)
        rows = self.matrix.rows
        if wanted.size * 8 < len(self.matrix):
            # Copying a few rows out is cheaper than scoring them all.
            scores: Scores = rows[wanted] @ self.weights + self.bias
            return scores
        everything: Scores = rows @ self.weights + self.bias
        return everything[wanted]

    def rank(self, positions: Sequence[int]) -> list[int]:
        """``positions`` best first; equal scores keep their order."""
        order = np.argsort(-self.scores(positions), kind="stable")
        ranked: list[int] = np.asarray(positions, dtype=np.intp)[order].tolist()
        return ranked

    def why(self, position: int, limit: int = 3) -> list[str]:
        """The terms, shared with the positives, that most raise this paper's
        score; a term inside one already given ("segmentation" and "semantic
        segmentation") is skipped."""
        _check(position, len(self.matrix))
        row = self.matrix.rows[position]
        shared = np.isin(row.indices, self._positive_terms())
        contributions = row.data * self.weights[row.indices]
        found = np.flatnonzero(shared & (contributions > 0))
        chosen: list[str] = []
        for column in row.indices[found[np.argsort(-contributions[found], kind="stable")]]:
            term = self.matrix.term(column)
            if not any(_overlap(term, other) for other in chosen):
                chosen.append(term)
                if len(chosen) == limit:
                    break
        return chosen

    def _positive_terms(self) -> npt.NDArray[np.int32]:
        columns: npt.NDArray[np.int32] = self.matrix.rows[sorted(self.positives)].indices
        return np.unique(columns)


def _check(position: int, size: int) -> None:
    """IndexError for a position outside the matrix (scipy would wrap -1)."""
    if not 0 <= position < size:
        raise IndexError(f"position {position} not in 0..{size - 1}")


def _overlap(term: str, other: str) -> bool:
    """Whether one term's words are a run of the other's."""
    return f" {term} " in f" {other} " or f" {other} " in f" {term} "
