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

import threading
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import count, pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

_SEPARATOR = ord("\n")  # whitespace, so never part of a word
#: Texts looked up per vectorised step: bounds the temporary arrays to about
#: a megabyte however large the library, instead of one byte per word id.
_TEXTS_PER_STEP = 8192

#: Texts whose postings are sorted per step: bounds the sort's temporary
#: arrays (at 100,000 abstracts, 65,536 texts a step peaked 360 MB above the
#: index, 8,192 peak 150 MB, and build it a fifth quicker).
_TEXTS_PER_SLICE = 8192
#: Postings looked up per vectorised step, about: the step's index arrays
#: (16 bytes a posting) stay small enough to be reused from the heap rather
#: than mapped afresh from the system each time (page faults: a first search
#: at a million papers took twice as long).
_POSTINGS_PER_STEP = 1 << 19
#: Bytes of a mapped file's ids and postings read before their pages are let
#: go: the pages a search reads count as this process's memory until the
#: kernel wants them back, and at a million abstracts each array is 470 MB.
#: (Typing at a million papers is as quick with 16 MB as with 64, and peaks
#: 50 MB lower.)
_BYTES_HELD = 16 << 20
#: What the kernel maps around each page read from a mapped file (its
#: "fault-around"): one text's ids, or one word's postings, read alone map
#: this much.
_FAULT_AROUND = 64 << 10
#: What a search counts as held for each scattered read of a mapped file: as
#: much as one read can map. The kernel maps 64 KB around a page read
#: (fault-around), but a whole large folio where the page cache keeps the
#: file in those: 1-2 MB a read here (Linux 6.18, ext4; how much varies over
#: the file and with what was read before, so it is not measured). Counted
#: in 64 KB, a heavy user's search at 100,000 papers held 25 MB more than
#: the budget. (The ways are still priced in 64 KB: that is how they were
#: timed.)
_HELD_PER_READ = 2 << 20
#: Texts whose ids are gathered per step, counted once read (and let go of
#: past the budget): where a read maps the kernel's 64 KB, a step maps at
#: most :data:`_BYTES_HELD`. (1,024 a step, counted before reading, held
#: 41 MB of a 47 MB section at 100,000 papers: "se" among the scattered
#: unread abstracts with "diffusion".)
_TEXTS_GATHERED_PER_STEP = 256
#: What each way costs, about in nanoseconds (measured at a million papers):
#: an id read in order, a posting, an id gathered text by text, and each
#: 64 KB mapped afresh (a page fault, and letting the pages go later).
#: Scattered reads make the last count: the ids of 38,000 abstracts holding
#: "diffusion" took 52 ms to gather and mapped 465 MB; the postings of the
#: words with "se" took 22 ms and mapped 47 MB.
_COST_PER_ID_IN_ORDER = 1.2
_COST_PER_POSTING = 2.7
_COST_PER_ID_GATHERED = 5.0
_COST_PER_64_KB_MAPPED = 5000.0
#: The letters of a text's letter set (folded texts are lower case), and
#: each byte's bit in it.
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_LETTER_BITS = np.zeros(256, dtype=np.uint32)
_LETTER_BITS[np.frombuffer(_LETTERS.encode(), dtype=np.uint8)] = 1 << np.arange(
    len(_LETTERS), dtype=np.uint32
)


@dataclass(frozen=True)
class WordArrays:
    """A word index as flat arrays, to keep in a file: the vocabulary (one
    word per line, UTF-8); each text's word ids, from ``bounds[i]`` to
    ``bounds[i + 1]``; and each word's texts (its postings), from
    ``posting_starts[w]`` to ``posting_starts[w + 1]`` of ``posting_texts``."""

    vocabulary: npt.NDArray[np.uint8]
    word_ids: npt.NDArray[np.int32]
    bounds: npt.NDArray[np.int64]
    posting_starts: npt.NDArray[np.int64]
    posting_texts: npt.NDArray[np.int32]


class WordIndex:
    """The distinct words of each text, by position, and the texts of each word."""

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
        vocabulary = np.frombuffer("".join(word + "\n" for word in ids).encode(), dtype=np.uint8)
        forward = np.frombuffer(word_ids, dtype=np.int32)
        bounds = np.frombuffer(starts, dtype=np.int64)
        self._set(WordArrays(vocabulary, forward, bounds, *_postings(forward, bounds, len(ids))))

    @classmethod
    def from_arrays(cls, arrays: WordArrays, let_go: Callable[[], None] | None = None) -> WordIndex:
        """An index from what :meth:`arrays` gave (kept in a file, mapped);
        ``let_go`` lets go of the pages of its ids and postings read so far
        (searches then map again only what they read)."""
        index = cls.__new__(cls)
        index._set(arrays)
        if let_go is not None:
            index._let_go = let_go
        return index

    def arrays(self) -> WordArrays:
        return self._arrays

    def _set(self, arrays: WordArrays) -> None:
        self._arrays = arrays
        self._vocabulary, self._word_ids, self._bounds = (
            arrays.vocabulary,
            arrays.word_ids,
            arrays.bounds,
        )
        self._word_ends = np.flatnonzero(arrays.vocabulary == _SEPARATOR)
        self._has_words = self._bounds[1:] > self._bounds[:-1]
        self._first_words = np.append(self._bounds[:-1][self._has_words], self._bounds[-1])
        self._letters: npt.NDArray[np.uint32] | None = None
        self._finding_letters = threading.Lock()
        self._let_go: Callable[[], None] = lambda: None
        self._bytes_read = 0

    def __len__(self) -> int:
        return len(self._has_words)

    def vocabulary(self) -> str:
        """Every distinct word of every text, one per line."""
        return self._vocabulary.tobytes().decode()

    def containing(self, fragment: str) -> npt.NDArray[np.bool_]:
        """Per text, whether ``fragment`` (no whitespace) occurs in it."""
        return self.containing_at(fragment, None)

    def containing_at(
        self, fragment: str, positions: npt.NDArray[np.intp] | None
    ) -> npt.NDArray[np.bool_]:
        """For the texts at ``positions`` (None: all), whether ``fragment``
        (no whitespace) occurs in each. Of three ways to tell, the one that
        reads the fewest ids: every text's words; only those of the texts
        asked about; or the texts of every word with the fragment."""
        if not fragment or fragment != "".join(fragment.split()):
            raise ValueError(f"not a single word: {fragment!r}")
        size = len(self) if positions is None else positions.size
        letters = self._letters
        if letters is not None and len(fragment) == 1 and fragment in _LETTERS:
            in_question = letters if positions is None else letters[positions]
            with_letter: npt.NDArray[np.bool_] = (in_question & _LETTER_BITS[ord(fragment)]) != 0
            return with_letter
        words = self._words_containing(fragment.encode())
        if not words.size or not size:
            return np.zeros(size, dtype=bool)
        starts, ids, texts = self._arrays.posting_starts, self._word_ids, self._arrays.posting_texts
        postings = int((starts[words + 1] - starts[words]).sum())
        costs = {
            "every text": _cost(ids.size, _COST_PER_ID_IN_ORDER, ids.nbytes),
            "postings": _cost(postings, _COST_PER_POSTING, _mapped(texts, starts[words], postings)),
        }
        if positions is not None and positions.size <= len(self) // 2:
            firsts = self._bounds[positions]
            gathered = int((self._bounds[positions + 1] - firsts).sum())
            mapped = _mapped(ids, firsts, gathered)
            costs["these texts"] = _cost(gathered, _COST_PER_ID_GATHERED, mapped)
        way = min(costs, key=costs.__getitem__)
        if way == "these texts":
            assert positions is not None
            return self._at_positions(words, positions)
        found = self._from_postings(words) if way == "postings" else self._from_every_text(words)
        return found if positions is None else found[positions]

    def find_letters(self) -> None:
        """Note each text's letters, once: a one-letter fragment (the first
        key typed) is then answered from them exactly, in a few milliseconds
        at a million abstracts instead of 80 to 170 (it is in most words, so
        every way through the ids reads most of them). A third of a second
        at a million abstracts, so a worker does it after loading; searches
        meanwhile go through the ids."""
        with self._finding_letters:
            if self._letters is not None:
                return
            ends, word_letters = self._word_ends, np.zeros(0, dtype=np.uint32)
            if ends.size:  # each word's bytes, its separator (no letter) included
                starts = np.append(0, ends[:-1] + 1)
                word_letters = np.bitwise_or.reduceat(_LETTER_BITS[self._vocabulary], starts)
            self._letters = self._over_every_text(word_letters, np.bitwise_or)
            self._let_go()

    def _from_every_text(self, words: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """One pass over every text's word ids, in order."""
        found: npt.NDArray[np.bool_] = self._over_every_text(self._is_match(words), np.logical_or)
        return found

    def _over_every_text(self, per_word: npt.NDArray[Any], combine: np.ufunc) -> npt.NDArray[Any]:
        """Per text, ``combine`` over its words' ``per_word`` values (zero for
        a text without words): one pass over every text's ids, in order."""
        firsts = self._first_words
        with_words = np.empty(firsts.size - 1, dtype=per_word.dtype)
        for start in range(0, with_words.size, _TEXTS_PER_STEP):
            stop = min(start + _TEXTS_PER_STEP, with_words.size)
            ids = self._word_ids[firsts[start] : firsts[stop]]
            offsets = firsts[start:stop] - firsts[start]
            with_words[start:stop] = combine.reduceat(per_word[ids], offsets)
            self._read(ids.nbytes)
        every = np.zeros(len(self), dtype=per_word.dtype)
        every[self._has_words] = with_words
        return every

    def _from_postings(self, words: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """The texts listed under the matching words."""
        starts = self._arrays.posting_starts
        found = np.zeros(len(self), dtype=bool)
        texts = self._arrays.posting_texts
        counts = starts[words + 1] - starts[words]
        before = np.cumsum(counts) - counts  # the postings of the words before each
        steps = np.searchsorted(before, np.arange(0, before[-1] + 1, _POSTINGS_PER_STEP))
        for first, last in pairwise([*_distinct(steps).tolist(), words.size]):
            some = words[first:last]
            found[texts[ranges(starts[some], counts[first:last])]] = True
            self._read(_mapped(texts, starts[some], int(counts[first:last].sum()), _HELD_PER_READ))
        return found

    def _at_positions(
        self, words: npt.NDArray[np.intp], positions: npt.NDArray[np.intp]
    ) -> npt.NDArray[np.bool_]:
        """Only the words of the texts at ``positions``."""
        is_match = self._is_match(words)
        found = np.zeros(positions.size, dtype=bool)
        for start in range(0, positions.size, _TEXTS_GATHERED_PER_STEP):
            some = positions[start : start + _TEXTS_GATHERED_PER_STEP]
            firsts, counts = self._bounds[some], self._bounds[some + 1] - self._bounds[some]
            with_words = np.flatnonzero(counts)
            if with_words.size:
                read = counts[with_words]
                ids = self._word_ids[ranges(firsts[with_words], read)]
                found[start + with_words] = np.logical_or.reduceat(
                    is_match[ids], np.cumsum(read) - read
                )
            self._read(_mapped(self._word_ids, firsts, int(counts.sum()), _HELD_PER_READ))
        return found

    def _read(self, size: int) -> None:
        """Note ``size`` bytes of ids or postings read; past :data:`_BYTES_HELD`,
        let go of the pages read so far (of a mapped file; else a no-op)."""
        self._bytes_read += size
        if self._bytes_read >= _BYTES_HELD:
            self._bytes_read = 0
            self._let_go()

    def _is_match(self, words: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        is_match = np.zeros(len(self._word_ends), dtype=bool)
        is_match[words] = True
        return is_match

    def _words_containing(self, needle: bytes) -> npt.NDArray[np.intp]:
        """Ids of the vocabulary words that contain ``needle``.

        UTF-8 never starts a character inside another, so a byte match is a
        character match; the candidates for each next byte shrink fast.
        """
        vocabulary = self._vocabulary
        offsets = np.flatnonzero(vocabulary[: vocabulary.size - len(needle) + 1] == needle[0])
        for shift, byte in enumerate(needle[1:], start=1):
            offsets = offsets[vocabulary[offsets + shift] == byte]
        return _distinct(np.searchsorted(self._word_ends, offsets))


def _distinct(ascending: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """``ascending`` without repeats. Not ``np.unique``: numpy 2 imports
    ``numpy.ma`` the first time it runs (15 ms, paid by the first key typed)."""
    if not ascending.size:
        return ascending
    distinct: npt.NDArray[np.intp] = ascending[np.append(True, ascending[1:] != ascending[:-1])]
    return distinct


def _mapped(
    array: npt.NDArray[Any], firsts: npt.NDArray[np.int64], items: int, unit: int = _FAULT_AROUND
) -> int:
    """About how many bytes of ``array`` (if mapped from a file) reading
    ``items`` of it in pieces starting at ``firsts`` (ascending) maps: the
    ``unit`` around the start of each piece (the kernel's 64 KB, or what
    one read can map at most), and the pieces' bytes."""
    windows = firsts * array.itemsize // unit
    started = int(np.count_nonzero(windows[1:] != windows[:-1])) + 1 if windows.size else 0
    return min(started * unit + items * array.itemsize, array.nbytes)


def _cost(items: int, per_item: float, mapped: int) -> float:
    return items * per_item + mapped / _FAULT_AROUND * _COST_PER_64_KB_MAPPED


def ranges(starts: npt.NDArray[np.int64], counts: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The indices of the ranges ``starts[i]`` to ``starts[i] + counts[i]``, back to back."""
    ends = np.cumsum(counts)
    if not ends.size:
        return ends
    indices: npt.NDArray[np.int64] = np.arange(ends[-1]) + np.repeat(
        starts - (ends - counts), counts
    )
    return indices


def _postings(
    word_ids: npt.NDArray[np.int32], bounds: npt.NDArray[np.int64], words: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32]]:
    """Each word's texts, in text order. A stable sort of the word ids would
    need eight bytes an id at once (a gigabyte at a million papers), so the
    texts go a slice at a time, each slice's ids sorted and put after what
    earlier slices put under the same words."""
    starts = np.zeros(words + 1, dtype=np.int64)
    np.cumsum(np.bincount(word_ids, minlength=words), out=starts[1:])
    postings = np.empty(word_ids.size, dtype=np.int32)
    filled = starts[:-1].copy()  # where each word's next texts go
    for first in range(0, bounds.size - 1, _TEXTS_PER_SLICE):
        last = min(first + _TEXTS_PER_SLICE, bounds.size - 1)
        ids = word_ids[bounds[first] : bounds[last]]
        texts = np.repeat(np.arange(first, last, dtype=np.int32), np.diff(bounds[first : last + 1]))
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        counts = np.bincount(ids, minlength=words)
        run_starts = np.cumsum(counts) - counts  # each word's first place in this slice
        postings[filled[ids] + np.arange(ids.size) - run_starts[ids]] = texts[order]
        filled += counts
    return starts, postings
