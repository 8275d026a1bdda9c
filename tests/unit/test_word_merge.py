"""An extended word index is the index of the new texts, as if built anew."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core import word_merge
from tuireader.core.word_index import WordArrays, WordIndex
from tuireader.core.word_merge import extend_words

_WORDS = st.text(st.sampled_from(list("abcé語")), min_size=1, max_size=3)
_TEXT = st.lists(_WORDS, max_size=6).map(" ".join)


@st.composite
def orders(draw: st.DrawFn) -> tuple[list[str], list[bool], list[str], list[int]]:
    """Old texts, which of them stay, the texts added, and the new order: the
    kept old texts in their order with the added ones anywhere among them."""
    old = draw(st.lists(_TEXT, max_size=10))
    keep = draw(st.lists(st.booleans(), min_size=len(old), max_size=len(old)))
    added = draw(st.lists(_TEXT, max_size=6))
    slots = sum(keep) + len(added)
    added_at = sorted(draw(st.permutations(range(slots)))[: len(added)])
    return old, keep, added, added_at


def decoded(arrays: WordArrays) -> tuple[list[set[str]], dict[str, list[int]]]:
    """Each text's words and each word's texts, by the words themselves."""
    words = arrays.vocabulary.tobytes().decode().split("\n")[:-1]
    per_text = [
        {words[i] for i in arrays.word_ids[start:end].tolist()}
        for start, end in zip(arrays.bounds[:-1], arrays.bounds[1:], strict=True)
    ]
    starts = arrays.posting_starts
    per_word = {
        word: arrays.posting_texts[starts[w] : starts[w + 1]].tolist()
        for w, word in enumerate(words)
        if starts[w + 1] > starts[w]
    }
    return per_text, per_word


def extended(old: list[str], keep: list[bool], added: list[str], added_at: list[int]):
    slots = sum(keep) + len(added)
    kept_at = iter(sorted(set(range(slots)) - set(added_at)))
    new_of_old = np.array([next(kept_at) if k else -1 for k in keep], np.int64)
    texts = [""] * slots
    for text, k, at in zip(old, keep, new_of_old.tolist(), strict=True):
        if k:
            texts[at] = text
    for text, at in zip(added, added_at, strict=True):
        texts[at] = text
    words = extend_words(WordIndex(old).arrays(), new_of_old, added, np.array(added_at, np.int64))
    arrays = WordArrays(
        words.vocabulary,
        np.concatenate([np.zeros(0, np.int32), *words.word_ids]),
        words.bounds,
        words.posting_starts,
        np.concatenate([np.zeros(0, np.int32), *words.posting_texts]),
    )
    return texts, arrays


@given(orders())
def test_an_extended_index_equals_one_built_anew(case) -> None:
    texts, arrays = extended(*case)
    per_text, per_word = decoded(arrays)
    assert per_text == [set(text.split()) for text in texts]
    expected = {}
    for position, text in enumerate(texts):
        for word in set(text.split()):
            expected.setdefault(word, []).append(position)
    assert per_word == expected
    index = WordIndex.from_arrays(arrays)
    for fragment in ("a", "é", "語b", "ab"):
        assert index.containing(fragment).tolist() == [fragment in t for t in texts]


def test_postings_come_in_pieces_across_many_steps(monkeypatch) -> None:
    monkeypatch.setattr(word_merge, "_IDS_PER_STEP", 3)
    monkeypatch.setattr(word_merge, "_TEXTS_PER_STEP", 2)
    old = ["a b", "b c", "c d", "a d", "b", "a b c d"]
    keep = [True, False, True, True, True, True]
    case = (old, keep, ["d e", "a", "e f"], [0, 3, 7])
    texts, arrays = extended(*case)
    per_text, per_word = decoded(arrays)
    assert per_text == [set(text.split()) for text in texts]
    assert per_word["a"] == [p for p, t in enumerate(texts) if "a" in t.split()]
    assert per_word["e"] == [0, 7]


def test_the_old_texts_must_keep_their_order() -> None:
    with pytest.raises(ValueError, match="order"):
        swapped = np.array([1, 0], np.int64)
        extend_words(WordIndex(["a", "b"]).arrays(), swapped, [], np.zeros(0, np.int64))
