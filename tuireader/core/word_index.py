"""Which texts contain a fragment, answered from their words instead of a
scan of every text.

A fragment without whitespace occurs in a text exactly when it occurs in one
of the text's whitespace-separated words. So it is enough to keep each
text's distinct words, as 4-byte ids into one shared vocabulary: about a
third of the memory of the texts themselves (47 MB against 126 MB for 91,000
abstracts), and a search is one scan of the (small) vocabulary plus one vectorised pass over
the ids, whatever the fragment. Scanning 100,000 abstracts instead takes 50 to
90 ms per fragment in CPython.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from itertools import count

import numpy as np
import numpy.typing as npt

_SEPARATOR = ord("\n")  # whitespace, so never part of a word
#: Texts looked up per vectorised step: bounds the temporary arrays to about
#: a megabyte however large the library, instead of one byte per word id.
_TEXTS_PER_STEP = 8192

WordArrays = tuple[npt.NDArray[np.uint8], npt.NDArray[np.int32], npt.NDArray[np.int64]]


class WordIndex:
    """The distinct words of each text, by position."""

    def __init__(self, texts: Iterable[str]) -> None:
        ids: dict[str, int] = {}
        word_ids = array("i")
        starts = array("q", [0])
        for text in texts:
            distinct = set(text.split())
            ids.update(zip(distinct.difference(ids), count(len(ids)), strict=False))
            word_ids.extend(map(ids.__getitem__, distinct))
            starts.append(len(word_ids))
        # Every word ends with a separator, so the separators before a byte
        # offset count the words before it: that is the word id at the offset.
        vocabulary = "".join(word + "\n" for word in ids).encode()
        self._set(
            np.frombuffer(vocabulary, dtype=np.uint8),
            np.frombuffer(word_ids, dtype=np.int32),
            np.frombuffer(starts, dtype=np.int64),
        )

    @classmethod
    def from_arrays(cls, arrays: WordArrays) -> WordIndex:
        """An index from what :meth:`arrays` gave (kept in a file, mapped)."""
        index = cls.__new__(cls)
        index._set(*arrays)
        return index

    def arrays(self) -> WordArrays:
        """The vocabulary (one word per line, UTF-8), each text's word ids,
        and where each text's ids start (one more than there are texts)."""
        return self._vocabulary, self._word_ids, self._bounds

    def _set(
        self,
        vocabulary: npt.NDArray[np.uint8],
        word_ids: npt.NDArray[np.int32],
        bounds: npt.NDArray[np.int64],
    ) -> None:
        self._vocabulary, self._word_ids, self._bounds = vocabulary, word_ids, bounds
        self._word_ends = np.flatnonzero(vocabulary == _SEPARATOR)
        self._has_words = bounds[1:] > bounds[:-1]
        self._first_words = np.append(bounds[:-1][self._has_words], bounds[-1])

    def __len__(self) -> int:
        return len(self._has_words)

    def vocabulary(self) -> str:
        """Every distinct word of every text, one per line."""
        return self._vocabulary.tobytes().decode()

    def containing(self, fragment: str) -> npt.NDArray[np.bool_]:
        """Per text, whether ``fragment`` (no whitespace) occurs in it."""
        found = np.zeros(len(self), dtype=bool)
        is_match = self._matching_words(fragment)
        if is_match is not None:
            found[self._has_words] = self._any_word_per_text(is_match)
        return found

    def containing_at(
        self, fragment: str, positions: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bool_]:
        """For the texts at ``positions``, whether ``fragment`` occurs in
        each: the cost follows those texts' words, not the whole library's."""
        if positions.size > len(self) // 2:  # most of them: one pass over all is quicker
            return self.containing(fragment)[positions]
        found = np.zeros(positions.size, dtype=bool)
        is_match = self._matching_words(fragment)
        if is_match is None:
            return found
        for start in range(0, positions.size, _TEXTS_PER_STEP):
            some = positions[start : start + _TEXTS_PER_STEP]
            firsts, counts = self._bounds[some], self._bounds[some + 1] - self._bounds[some]
            with_words = np.flatnonzero(counts)
            if not with_words.size:
                continue
            firsts, counts = firsts[with_words], counts[with_words]
            ends = np.cumsum(counts)
            # Each text's word ids, back to back: its first id, then the next...
            at = np.arange(ends[-1]) + np.repeat(firsts - (ends - counts), counts)
            found[start + with_words] = np.logical_or.reduceat(
                is_match[self._word_ids[at]], ends - counts
            )
        return found

    def _matching_words(self, fragment: str) -> npt.NDArray[np.bool_] | None:
        """Per vocabulary word, whether it holds ``fragment`` (None: no word does)."""
        if not fragment or fragment != "".join(fragment.split()):
            raise ValueError(f"not a single word: {fragment!r}")
        matching_words = self._words_containing(fragment.encode())
        if not matching_words.size:
            return None
        is_match = np.zeros(len(self._word_ends), dtype=bool)
        is_match[matching_words] = True
        return is_match

    def _any_word_per_text(self, is_match: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        """For each text with words, whether ``is_match`` holds for one of them."""
        firsts = self._first_words
        found = np.empty(firsts.size - 1, dtype=bool)
        for start in range(0, found.size, _TEXTS_PER_STEP):
            stop = min(start + _TEXTS_PER_STEP, found.size)
            words = self._word_ids[firsts[start] : firsts[stop]]
            found[start:stop] = np.logical_or.reduceat(
                is_match[words], firsts[start:stop] - firsts[start]
            )
        return found

    def _words_containing(self, needle: bytes) -> npt.NDArray[np.intp]:
        """Ids of the vocabulary words that contain ``needle``.

        UTF-8 never starts a character inside another, so a byte match is a
        character match; the candidates for each next byte shrink fast.
        """
        vocabulary = self._vocabulary
        offsets = np.flatnonzero(vocabulary[: vocabulary.size - len(needle) + 1] == needle[0])
        for shift, byte in enumerate(needle[1:], start=1):
            offsets = offsets[vocabulary[offsets + shift] == byte]
        return np.searchsorted(self._word_ends, offsets)
