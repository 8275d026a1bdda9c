"""Titles and abstracts to TF-IDF rows: the features that ranking and
"more like this" (:mod:`tuireader.core.rank`) work on.

The weighting is scikit-learn's ``TfidfTransformer``; only the counting is our
own, for speed. ``TfidfVectorizer`` counts term by term in Python: 11 s for
the 91,000 papers of the 100,000-entry benchmark archive. Here each token is
one dictionary look-up, bigrams are pairs of integer IDs and numpy sums the
counts, chunk by chunk (so a build can be cancelled): the same matrix (a test
compares them) in 6.5 s, at about the same memory peak (+360-385 MB against
+405 MB, for a 150 MB matrix). Terms found in a single paper are dropped (``MIN_DF``): they cannot
add to the cosine of two papers nor carry from one starred paper to another,
and in the 240 real samples they are 86% of the terms and half the entries.

The functions that work a block at a time take its size, ``chunk`` texts
(rows), from their caller: :data:`tuireader.core.rank.CHUNK`, set in one place.
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

#: Terms must occur in at least this many papers to be features.
MIN_DF = 2

Ids = npt.NDArray[np.int64]

# scikit-learn's default token_pattern r"(?u)\b\w\w+\b" (findall does not need
# the closing \b) without numbers: "2021" or a Dice of "92" says nothing of a
# paper's topic, and would only clutter :meth:`tuireader.core.rank.Model.why`.
TOKEN_PATTERN = r"\b(?!\d+\b)\w\w+"
_TOKEN = re.compile(TOKEN_PATTERN)
_UNKNOWN, _STOP = -1, -2


class Cancelled(Exception):
    """Counting gave up because ``cancelled()`` turned true
    (:meth:`tuireader.core.rank.TextMatrix.build`)."""


def _look_up(keys: Ids, values: Ids, wanted: Ids) -> Ids:
    """``values`` of the ``wanted`` keys in sorted ``keys``, -1 where absent."""
    if not keys.size:
        return np.full(wanted.size, -1, dtype=np.int64)
    where = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    return np.where(keys[where] == wanted, values[where], -1)


def weigh(weighting: Any, counts: Any, chunk: int) -> Any:
    """TF-IDF rows from term counts, in place, a block of rows at a time: the
    transformer's temporaries are as large as its input. Without terms
    (``weighting`` is None) the counts, all zero, stay as they are."""
    if weighting is None:
        return counts
    for start in range(0, counts.shape[0], chunk):
        block = counts[start : start + chunk]
        weighted = weighting.transform(block, copy=False)
        counts.data[counts.indptr[start] : counts.indptr[start] + block.nnz] = weighted.data
    return counts


# --- Counting ----------------------------------------------------------------


@dataclass(frozen=True)
class _Tokens:
    """The words of a few texts as IDs (``_UNKNOWN`` for a word out of the
    vocabulary), stop words removed, with the row (text) of each."""

    ids: Ids
    rows: Ids

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

    def unigrams(self) -> tuple[Ids, Ids]:
        """Rows and IDs of the known words."""
        known = self.ids >= 0
        return self.rows[known], self.ids[known]

    def bigrams(self) -> tuple[Ids, Ids]:
        """Rows and codes (first ID << 32 | second ID) of the pairs of known
        words that follow each other in one text: as in scikit-learn, a
        stop word between two words does not part them."""
        first, second = self.ids[:-1], self.ids[1:]
        paired = (self.rows[:-1] == self.rows[1:]) & (first >= 0) & (second >= 0)
        return self.rows[:-1][paired], first[paired] << 32 | second[paired]


@dataclass(frozen=True)
class Vocabulary:
    """The fitted features, by column: unigrams by word ID, bigrams by code."""

    words: list[str]
    ids: dict[str, int]  # stop words map to _STOP
    unigram_columns: Ids  # by word ID; -1 for a word only found in bigrams
    bigram_codes: Ids  # sorted
    bigram_columns: Ids  # aligned with bigram_codes
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


def count_new_terms(
    texts: Iterable[str], stop_words: Iterable[str], cancelled: Callable[[], bool], chunk: int
) -> tuple[Any, Vocabulary]:
    """Term counts of ``texts`` (CSR) and the vocabulary of its columns: every
    term found in at least ``MIN_DF`` texts.

    Counted ``chunk`` texts at a time, checking ``cancelled()`` in between
    (raising :class:`Cancelled`), with the vocabulary growing: word *i* in
    column 2i and bigram *j* in column 2j + 1. Then the rare terms' columns
    are dropped.
    """
    words = _GrowingIds(stop_words)
    bigrams = _GrowingIds()
    counts = _Entries()
    pending = iter(texts)
    while not cancelled():  # the else clause: cancelled, not finished
        batch = list(islice(pending, chunk))
        if not batch:
            break
        tokens = _Tokens.of(batch, lambda found: map(words.__getitem__, found))
        pair_rows, codes = tokens.bigrams()
        distinct, inverse = np.unique(codes, return_inverse=True)
        bigram_ids = np.fromiter(map(bigrams.__getitem__, distinct.tolist()), dtype=np.int64)
        rows = np.concatenate([tokens.rows, pair_rows])
        columns = np.concatenate([2 * tokens.ids, 2 * bigram_ids[inverse] + 1])
        counts.append(_csr(rows, columns, (len(batch), 2 * max(len(words), len(bigrams)))))
    else:
        raise Cancelled
    frequency = counts.frequency(2 * max(len(words), len(bigrams)))
    kept = np.flatnonzero(frequency >= MIN_DF)
    codes = np.array(bigrams.new_keys(), dtype=np.int64)
    vocabulary = _vocabulary(kept, words.new_keys(), codes, stop_words)
    return counts.pruned(frequency, chunk), vocabulary


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

    def frequency(self, width: int) -> Ids:
        """How many texts have each term (column)."""
        indices = np.frombuffer(self.indices, dtype=np.int32)
        frequency = np.zeros(width, dtype=np.int64)
        for start in range(0, indices.size, 2**20):  # bincount copies to int64
            frequency += np.bincount(indices[start : start + 2**20], minlength=width)
        return frequency

    def pruned(self, frequency: Ids, chunk: int) -> Any:
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
        for start in range(0, indptr.size - 1, chunk):
            ends = indptr[start + 1 : start + chunk + 1]
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
    kept: Ids, words: list[str], bigram_codes: Ids, stop_words: Iterable[str]
) -> Vocabulary:
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
    return Vocabulary(
        words=kept_words,
        ids={**dict.fromkeys(stop_words, _STOP), **{word: i for i, word in enumerate(kept_words)}},
        unigram_columns=unigram_columns,
        bigram_codes=codes[order],
        bigram_columns=np.flatnonzero(bigrams)[order],
        width=kept.size,
    )


def _csr(rows: Ids, columns: Ids, shape: tuple[int, int]) -> Any:
    """Count matrix from one (row, column) pair per occurrence; a column of -1
    is no term, skipped."""
    import scipy.sparse as sparse

    found = columns >= 0
    counts = sparse.csr_matrix(
        (np.ones(int(found.sum()), dtype=np.float32), (rows[found], columns[found])), shape=shape
    )
    counts.sum_duplicates()
    return counts
