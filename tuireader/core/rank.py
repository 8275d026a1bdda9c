"""Triage by relevance: rank papers by what the user starred, and find similar ones.

arxiv-sanity-lite's recipe: TF-IDF over title and abstract (unigrams and
bigrams, sublinear tf, English stop words dropped), and a linear SVM that
tells the user's positives (starred, or tagged X) from the rest. "More like
this" is the cosine between the same TF-IDF rows.

The weighting is scikit-learn's ``TfidfTransformer``; only the counting is our
own, for speed. ``TfidfVectorizer`` counts term by term in Python: 11 s for
the 91,000 papers of the 100,000-entry benchmark archive. Here each token is
one dictionary look-up, bigrams are pairs of integer IDs and numpy sums the
counts, chunk by chunk (so a build can be cancelled): the same matrix (a test
compares them) in 6.5 s, at about the same memory peak (+360-385 MB against
+405 MB, for a 150 MB matrix). Terms found in a single paper are dropped (``MIN_DF``): they cannot
add to the cosine of two papers nor carry from one starred paper to another,
and in the 240 real samples they are 86% of the terms and half the entries.

Positions are rows of the matrix: the caller's order (library order) when it
was built, with :meth:`TextMatrix.extend`'s papers after them.

scikit-learn takes about a second to import, so it is imported only inside
the functions that need it: the app's start-up and the scripting commands
never pay for it.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from typing import Any

import numpy as np
import numpy.typing as npt

MIN_POSITIVES = 5
#: Terms must occur in at least this many papers to be features.
MIN_DF = 2
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
_Ids = npt.NDArray[np.int64]

# scikit-learn's default token_pattern r"(?u)\b\w\w+\b" (findall does not need
# the closing \b) without numbers: "2021" or a Dice of "92" says nothing of a
# paper's topic, and would only clutter :meth:`Model.why`.
TOKEN_PATTERN = r"\b(?!\d+\b)\w\w+"
_TOKEN = re.compile(TOKEN_PATTERN)
_UNKNOWN, _STOP = -1, -2
_SEED = 0


class TooFewPositives(Exception):
    """Not enough positives to learn from; ``str()`` is a line for the user."""

    def __init__(self, have: int, need: int = MIN_POSITIVES) -> None:
        super().__init__(f"Star at least {need} papers to rank by relevance (you have {have})")
        self.have = have
        self.need = need


class Cancelled(Exception):
    """:meth:`TextMatrix.build` gave up because ``cancelled()`` turned true."""


class TextMatrix:
    """TF-IDF of every paper's title + abstract, rows by position (library order).

    Rows are L2-normalised, so a dot product of two rows is their cosine.
    """

    def __init__(self, rows: Any, vocabulary: _Vocabulary, weighting: Any) -> None:
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

        counts, vocabulary = _count_new_terms(texts, ENGLISH_STOP_WORDS, cancelled)
        weighting = TfidfTransformer(sublinear_tf=True).fit(counts) if counts.nnz else None
        return cls(_weigh(weighting, counts), vocabulary, weighting)

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

        added = _weigh(self._weighting, self._vocabulary.count(texts))
        rows = sparse.vstack([self._rows, added], format="csr")
        return TextMatrix(rows, self._vocabulary, self._weighting)

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

    def _positions(self, positions: Iterable[int]) -> _Ids:
        """Distinct positions, sorted; IndexError for one outside the matrix."""
        found = np.unique(np.fromiter(positions, dtype=np.int64))
        if found.size:
            _check(int(found[0]), len(self))
            _check(int(found[-1]), len(self))
        return found

    def _negatives(self, positives: _Ids) -> _Ids:
        rest = np.setdiff1d(np.arange(len(self)), positives)
        wanted = max(MIN_NEGATIVES, NEGATIVES_PER_POSITIVE * positives.size)
        if rest.size <= wanted:
            return rest
        return np.sort(np.random.default_rng(_SEED).choice(rest, wanted, replace=False))

    def _fit(self, positives: _Ids, negatives: _Ids) -> Model:
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


def _look_up(keys: _Ids, values: _Ids, wanted: _Ids) -> _Ids:
    """``values`` of the ``wanted`` keys in sorted ``keys``, -1 where absent."""
    if not keys.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    where = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[where] == wanted, values[where], -1)


def _weigh(weighting: Any, counts: Any) -> Any:
    """TF-IDF rows from term counts, in place, a block of rows at a time: the
    transformer's temporaries are as large as its input. Without terms
    (``weighting`` is None) the counts, all zero, stay as they are."""
    if weighting is None:
        return counts
    for start in range(0, counts.shape[0], CHUNK):
        block = counts[start : start + CHUNK]
        weighted = weighting.transform(block, copy=False)
        counts.data[counts.indptr[start] : counts.indptr[start] + block.nnz] = weighted.data
    return counts


# --- Counting ----------------------------------------------------------------


@dataclass(frozen=True)
class _Tokens:
    """The words of a few texts as IDs (``_UNKNOWN`` for a word out of the
    vocabulary), stop words removed, with the row (text) of each."""

    ids: _Ids
    rows: _Ids

    @classmethod
    def of(cls, texts: Sequence[str], ids: Callable[[list[str]], Iterator[int]]) -> _Tokens:
        tokens: list[str] = []
        lengths = []
        for text in texts:
            found = _TOKEN.findall(text.lower())
            tokens += found
            lengths.append(len(found))
        word_ids = np.fromiter(ids(tokens), dtype=np.int64, count=len(tokens))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        kept = word_ids != _STOP
        return cls(word_ids[kept], rows[kept])

    def unigrams(self) -> tuple[_Ids, _Ids]:
        """Rows and IDs of the known words."""
        known = self.ids >= 0
        return self.rows[known], self.ids[known]

    def bigrams(self) -> tuple[_Ids, _Ids]:
        """Rows and codes (first ID << 32 | second ID) of the pairs of known
        words that follow each other in one text: as in scikit-learn, a
        stop word between two words does not part them."""
        first, second = self.ids[:-1], self.ids[1:]
        paired = (self.rows[:-1] == self.rows[1:]) & (first >= 0) & (second >= 0)
        return self.rows[:-1][paired], first[paired] << 32 | second[paired]


@dataclass(frozen=True)
class _Vocabulary:
    """The fitted features, by column: unigrams by word ID, bigrams by code."""

    words: list[str]
    ids: dict[str, int]  # stop words map to _STOP
    unigram_columns: _Ids  # by word ID; -1 for a word only found in bigrams
    bigram_codes: _Ids  # sorted
    bigram_columns: _Ids  # aligned with bigram_codes
    width: int

    def count(self, texts: Sequence[str]) -> Any:
        """Term counts of ``texts`` (CSR, one row per text, a column per term)."""
        ids = self.ids
        tokens = _Tokens.of(texts, lambda found: map(ids.get, found, repeat(_UNKNOWN)))
        unigram_rows, word_ids = tokens.unigrams()
        unigram_columns = self.unigram_columns[word_ids]
        bigram_rows, codes = tokens.bigrams()
        bigram_columns = _look_up(self.bigram_codes, self.bigram_columns, codes)
        return _csr(
            np.concatenate([unigram_rows, bigram_rows]),
            np.concatenate([unigram_columns, bigram_columns]),
            (len(texts), self.width),
        )

    def term(self, column: int) -> str:
        """The term of ``column`` (a search through the vocabulary: for a few)."""
        word = np.flatnonzero(self.unigram_columns == column)
        if word.size:
            return self.words[int(word[0])]
        code = int(self.bigram_codes[self.bigram_columns == column][0])
        return f"{self.words[code >> 32]} {self.words[code & 0xFFFFFFFF]}"


class _GrowingIds(dict[Any, int]):
    """Gives each new key the next ID; ``reserved`` keys map to ``_STOP``."""

    def __init__(self, reserved: Iterable[Any] = ()) -> None:
        super().__init__(dict.fromkeys(reserved, _STOP))
        self.reserved = len(self)

    def __missing__(self, key: Any) -> int:
        self[key] = new = len(self) - self.reserved
        return new

    def new_keys(self) -> list[Any]:
        """The keys not reserved, by ID."""
        return list(self)[self.reserved :]


def _count_new_terms(
    texts: Iterable[str], stop_words: Iterable[str], cancelled: Callable[[], bool]
) -> tuple[Any, _Vocabulary]:
    """Term counts of ``texts`` (CSR) and the vocabulary of its columns: every
    term found in at least ``MIN_DF`` texts.

    Counted chunk by chunk, checking ``cancelled()`` in between, with the
    vocabulary growing: word *i* in column 2i and bigram *j* in column 2j + 1.
    Then the rare terms' columns are dropped.
    """
    words = _GrowingIds(stop_words)
    bigrams = _GrowingIds()
    counts = _Entries()
    pending = iter(texts)
    while not cancelled():  # the else clause: cancelled, not finished
        chunk = list(islice(pending, CHUNK))
        if not chunk:
            break
        tokens = _Tokens.of(chunk, lambda found: map(words.__getitem__, found))
        pair_rows, codes = tokens.bigrams()
        distinct, inverse = np.unique(codes, return_inverse=True)
        bigram_ids = np.fromiter(map(bigrams.__getitem__, distinct.tolist()), dtype=np.int64)
        rows = np.concatenate([tokens.rows, pair_rows])
        columns = np.concatenate([2 * tokens.ids, 2 * bigram_ids[inverse] + 1])
        counts.append(_csr(rows, columns, (len(chunk), 2 * max(len(words), len(bigrams)))))
    else:
        raise Cancelled
    frequency = counts.frequency(2 * max(len(words), len(bigrams)))
    kept = np.flatnonzero(frequency >= MIN_DF)
    codes = np.array(bigrams.new_keys(), dtype=np.int64)
    vocabulary = _vocabulary(kept, words.new_keys(), codes, stop_words)
    return counts.pruned(frequency), vocabulary


class _Entries:
    """A count matrix built up chunk by chunk, in arrays that grow in place
    (``array.array``: a large block is remapped, not copied), then pruned in
    place. Keeping the chunks and stacking them would hold them twice, and
    their freed memory, fragmented, would not go back to the system."""

    def __init__(self) -> None:
        self.data = array("f")  # float32
        self.indices = array("i")  # int32: < 2**31 columns
        self.indptr = array("q", [0])  # int64

    def append(self, counts: Any) -> None:
        self.indptr.frombytes((counts.indptr[1:].astype(np.int64) + len(self.data)).tobytes())
        self.data.frombytes(counts.data.tobytes())
        self.indices.frombytes(counts.indices.astype(np.int32, copy=False).tobytes())

    def frequency(self, width: int) -> _Ids:
        """How many texts have each term (column)."""
        indices = np.frombuffer(self.indices, dtype=np.int32)
        frequency = np.zeros(width, dtype=np.int64)
        for start in range(0, indices.size, 2**20):  # bincount copies to int64
            frequency += np.bincount(indices[start : start + 2**20], minlength=width)
        return frequency

    def pruned(self, frequency: _Ids) -> Any:
        """The matrix (CSR) with only the columns of terms in at least
        ``MIN_DF`` texts, renumbered. Its arrays are views of these, unless
        the rare terms were a quarter of the entries or more: then copies, so
        that the whole of these can be freed."""
        import scipy.sparse as sparse

        kept = frequency >= MIN_DF
        renumbered = np.where(kept, np.cumsum(kept) - 1, -1)
        data = np.frombuffer(self.data, dtype=np.float32)
        indices = np.frombuffer(self.indices, dtype=np.int32)
        indptr = np.frombuffer(self.indptr, dtype=np.int64)
        new_indptr = np.zeros_like(indptr)
        done = 0
        for start in range(0, indptr.size - 1, CHUNK):
            ends = indptr[start + 1 : start + CHUNK + 1]
            first = indptr[start]
            columns = renumbered[indices[first : ends[-1]]]
            present = columns >= 0
            found = int(present.sum())
            # done <= first: the rows written never overtake the rows read.
            data[done : done + found] = data[first : ends[-1]][present]
            indices[done : done + found] = columns[present]
            new_indptr[start + 1 : start + ends.size + 1] = (
                done + np.concatenate([[0], np.cumsum(present)])[ends - first]
            )
            done += found
        data, indices = data[:done], indices[:done]
        if 4 * done <= 3 * len(self.data):
            data, indices = data.copy(), indices.copy()
        index = np.int32 if done < 2**31 else np.int64
        return sparse.csr_matrix(
            (data, indices, new_indptr.astype(index)),
            shape=(indptr.size - 1, int(kept.sum())),
        )


def _vocabulary(
    kept: _Ids, words: list[str], bigram_codes: _Ids, stop_words: Iterable[str]
) -> _Vocabulary:
    """The vocabulary of the ``kept`` columns of the growing count, with only
    the words it needs, renumbered."""
    unigrams, bigrams = kept % 2 == 0, kept % 2 == 1
    unigram_ids = kept[unigrams] >> 1
    codes = bigram_codes[kept[bigrams] >> 1]
    needed = np.unique(np.concatenate([unigram_ids, codes >> 32, codes & 0xFFFFFFFF]))
    new_id = np.full(len(words), -1, dtype=np.int64)
    new_id[needed] = np.arange(needed.size)
    kept_words = [words[i] for i in needed.tolist()]
    unigram_columns = np.full(needed.size, -1, dtype=np.int64)
    unigram_columns[new_id[unigram_ids]] = np.flatnonzero(unigrams)
    codes = new_id[codes >> 32] << 32 | new_id[codes & 0xFFFFFFFF]
    order = np.argsort(codes)
    return _Vocabulary(
        words=kept_words,
        ids={**dict.fromkeys(stop_words, _STOP), **{word: i for i, word in enumerate(kept_words)}},
        unigram_columns=unigram_columns,
        bigram_codes=codes[order],
        bigram_columns=np.flatnonzero(bigrams)[order],
        width=kept.size,
    )


def _csr(rows: _Ids, columns: _Ids, shape: tuple[int, int]) -> Any:
    """Count matrix from one (row, column) pair per occurrence; a column of -1
    is no term, skipped."""
    import scipy.sparse as sparse

    found = columns >= 0
    counts = sparse.csr_matrix(
        (np.ones(int(found.sum()), dtype=np.float32), (rows[found], columns[found])), shape=shape
    )
    counts.sum_duplicates()
    return counts
