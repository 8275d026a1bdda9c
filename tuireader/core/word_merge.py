"""A word index extended with new texts, without reading the old texts again.

When a day's digests join a library of a million papers, its abstracts' word
index (hundreds of megabytes of ids) is not built again: the old words keep
their ids, the new texts' new words are added after them, and each text's
words and each word's texts are copied over in numpy, a slice at a time, to
their new positions. The old index is read once, in order, and never held
whole in memory: what comes out is pieces, for a file to be written from.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tuireader.core.word_index import WordArrays, ranges

#: Texts (and, for postings, ids) copied per step: bounds each step's memory.
_TEXTS_PER_STEP = 65536
_IDS_PER_STEP = 1 << 22

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ExtendedWords:
    """A :class:`WordArrays` whose two long arrays come in pieces."""

    vocabulary: npt.NDArray[np.uint8]
    word_ids: Iterator[npt.NDArray[np.int32]]
    bounds: Ints
    posting_starts: Ints
    posting_texts: Iterator[npt.NDArray[np.int32]]


def extend_words(
    old: WordArrays, new_of_old: Ints, added: Sequence[str], added_at: Ints
) -> ExtendedWords:
    """The index of a new order of texts: the old text at position ``i`` now
    at ``new_of_old[i]`` (-1: gone; the kept ones in the same order as
    before), and the texts ``added`` at ``added_at`` (ascending)."""
    size = int(np.count_nonzero(new_of_old >= 0)) + len(added)
    if np.any(np.diff(new_of_old[new_of_old >= 0]) <= 0):
        raise ValueError("the old texts must keep their order")
    vocabulary, extra = _added_words(old.vocabulary, added)
    words = int(np.count_nonzero(vocabulary == ord("\n")))

    old_counts = np.diff(old.bounds)
    counts = np.zeros(size, np.int64)
    kept = np.flatnonzero(new_of_old >= 0)
    counts[new_of_old[kept]] = old_counts[kept]
    counts[added_at] = np.diff(extra.bounds)
    bounds = np.zeros(size + 1, np.int64)
    np.cumsum(counts, out=bounds[1:])

    per_word = np.zeros(words, np.int64)
    per_word[: len(old.posting_starts) - 1] = np.diff(old.posting_starts)
    gone = np.flatnonzero(new_of_old < 0)
    gone_ids = old.word_ids[ranges(old.bounds[gone], old_counts[gone])]
    per_word -= np.bincount(gone_ids, minlength=words)
    per_word += np.bincount(extra.word_ids, minlength=words)
    starts = np.zeros(words + 1, np.int64)
    np.cumsum(per_word, out=starts[1:])
    return ExtendedWords(
        vocabulary,
        _word_ids(old, new_of_old, extra, added_at, size),
        bounds,
        starts,
        _postings(old, new_of_old, extra, added_at, words),
    )


@dataclass(frozen=True)
class _Extra:
    """The added texts' word ids (in the extended vocabulary), text by text."""

    word_ids: npt.NDArray[np.int32]
    bounds: Ints

    def __len__(self) -> int:
        return len(self.bounds) - 1


def _added_words(
    vocabulary: npt.NDArray[np.uint8], added: Sequence[str]
) -> tuple[npt.NDArray[np.uint8], _Extra]:
    """The vocabulary with the added texts' new words after the old ones
    (whose ids stay), and the added texts' word ids."""
    distinct = [set(text.split()) for text in added]
    wanted = set().union(*distinct)
    known = vocabulary.tobytes().decode().split("\n")[:-1]
    # Only the added texts' words are looked up: a dict of the whole
    # vocabulary (a million IDs, for the keys) would cost more than the rest.
    ids = {word: n for n, word in enumerate(known) if word in wanted}
    new_words: list[str] = []
    word_ids: list[int] = []
    bounds = [0]
    for words in distinct:
        for word in words:
            if word not in ids:
                ids[word] = len(known) + len(new_words)
                new_words.append(word)
            word_ids.append(ids[word])
        bounds.append(len(word_ids))
    appended = "".join(word + "\n" for word in new_words).encode()
    extended = np.concatenate((vocabulary, np.frombuffer(appended, np.uint8)))
    return extended, _Extra(np.array(word_ids, np.int32), np.array(bounds, np.int64))


def _word_ids(
    old: WordArrays, new_of_old: Ints, extra: _Extra, added_at: Ints, size: int
) -> Iterator[npt.NDArray[np.int32]]:
    """Each text's word ids in the new order, a slice of texts at a time."""
    old_counts, added_counts = np.diff(old.bounds), np.diff(extra.bounds)
    source = np.full(size, -1, np.int64)  # the old position each text comes from
    kept = np.flatnonzero(new_of_old >= 0)
    source[new_of_old[kept]] = kept
    which_added = np.full(size, -1, np.int64)
    which_added[added_at] = np.arange(len(extra))
    for first in range(0, size, _TEXTS_PER_STEP):
        from_old = source[first : first + _TEXTS_PER_STEP]
        is_old = from_old >= 0
        if is_old.all() and from_old[-1] - from_old[0] == from_old.size - 1:
            # Old texts still side by side (most of them): their ids as they are.
            yield old.word_ids[old.bounds[from_old[0]] : old.bounds[from_old[-1] + 1]]
            continue
        olds, news = from_old[is_old], which_added[first : first + _TEXTS_PER_STEP][~is_old]
        counts = np.empty(from_old.size, np.int64)
        counts[is_old], counts[~is_old] = old_counts[olds], added_counts[news]
        starts = np.cumsum(counts) - counts
        piece = np.empty(int(counts.sum()), np.int32)
        piece[ranges(starts[is_old], counts[is_old])] = old.word_ids[
            ranges(old.bounds[olds], counts[is_old])
        ]
        piece[ranges(starts[~is_old], counts[~is_old])] = extra.word_ids[
            ranges(extra.bounds[news], counts[~is_old])
        ]
        yield piece


def _postings(
    old: WordArrays, new_of_old: Ints, extra: _Extra, added_at: Ints, words: int
) -> Iterator[npt.NDArray[np.int32]]:
    """Each word's texts in the new order, a run of words at a time: the
    old postings moved to their new positions (still ascending, as the kept
    texts keep their order), the added texts' merged in."""
    size = len(new_of_old) + len(extra)  # an upper bound of the positions, for the keys
    added_texts = np.repeat(added_at, np.diff(extra.bounds))
    order = np.lexsort((added_texts, extra.word_ids))
    added_keys = extra.word_ids[order].astype(np.int64) * size + added_texts[order]
    old_words = len(old.posting_starts) - 1
    starts = np.concatenate(
        (old.posting_starts, np.full(words - old_words, old.posting_starts[-1]))
    )
    first = 0
    while first < words:
        # A run of words holding about _IDS_PER_STEP old postings (or one word).
        last = int(np.searchsorted(starts, starts[first] + _IDS_PER_STEP, side="right")) - 1
        last = min(max(last, first + 1), words)
        moved = new_of_old[old.posting_texts[starts[first] : starts[last]]]
        labels = np.repeat(
            np.arange(first, last, dtype=np.int64), np.diff(starts[first : last + 1])
        )
        keep = moved >= 0
        keys = labels[keep] * size + moved[keep]
        low, high = np.searchsorted(added_keys, [first * size, last * size])
        merged = np.insert(keys, np.searchsorted(keys, added_keys[low:high]), added_keys[low:high])
        yield (merged % size).astype(np.int32)
        first = last
