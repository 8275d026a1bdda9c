"""The word index answers exactly like a substring test over every text."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core import word_index
from tuireader.core.word_index import WordIndex

# Few letters, so fragments often match; non-ASCII letters, so UTF-8 offsets
# differ from character offsets; and several kinds of Unicode whitespace.
_CHARS = st.sampled_from(list("abcé語-.") + [" ", "\n", "\t", "\u00a0", "\u2003", "\u3000"])
_TEXTS = st.lists(st.text(_CHARS, max_size=40), max_size=12)
_FRAGMENTS = st.text(st.sampled_from(list("abcé語-.")), min_size=1, max_size=4)


@given(texts=_TEXTS, fragments=st.lists(_FRAGMENTS, min_size=1, max_size=5))
def test_containing_equals_a_substring_test(texts: list[str], fragments: list[str]) -> None:
    index = WordIndex(texts)
    assert len(index) == len(texts)
    for fragment in fragments:
        assert index.containing(fragment).tolist() == [fragment in text for text in texts]


@given(texts=_TEXTS)
def test_every_word_of_every_text_is_found(texts: list[str]) -> None:
    index = WordIndex(texts)
    words = {word for text in texts for word in text.split()}
    assert set(index.vocabulary().splitlines()) == words
    for word in words:
        assert all(index.containing(word)[i] for i, text in enumerate(texts) if word in text)


def test_texts_without_words_never_match() -> None:
    index = WordIndex(["", "alpha beta", "   ", "beta", ""])
    assert index.containing("beta").tolist() == [False, True, False, True, False]
    assert index.containing("a").tolist() == [False, True, False, True, False]
    assert not WordIndex([]).containing("a").size
    assert not WordIndex(["", " "]).containing("a").any()


@pytest.mark.parametrize("fragment", ["", "two words", " lead", "tab\there"])
def test_fragments_with_whitespace_are_refused(fragment: str) -> None:
    with pytest.raises(ValueError, match="single word"):
        WordIndex(["two words"]).containing(fragment)


def test_libraries_larger_than_one_step_are_searched_whole() -> None:
    """More texts than one vectorised step, with empty ones at step edges."""
    texts = [
        "" if n % 8192 in (0, 8191) else f"w{n % 97} shared{'x' * (n % 3)} n{n}"
        for n in range(3 * 8192 + 5)
    ]
    index = WordIndex(texts)
    for fragment in ("w5", "sharedxx", "n24580", "n8191", "ared", "zz"):
        assert index.containing(fragment).tolist() == [fragment in text for text in texts]


@given(
    texts=_TEXTS,
    fragments=st.lists(_FRAGMENTS, min_size=1, max_size=5),
    data=st.data(),
)
def test_containing_at_some_positions_equals_a_substring_test(
    texts: list[str], fragments: list[str], data: st.DataObject
) -> None:
    index = WordIndex(texts)
    picked = data.draw(st.lists(st.integers(0, max(len(texts) - 1, 0)), max_size=len(texts)))
    positions = np.array(picked if texts else [], dtype=np.intp)
    for fragment in fragments:
        expected = [fragment in texts[i] for i in picked] if texts else []
        assert index.containing_at(fragment, positions).tolist() == expected


def test_containing_at_spans_steps_and_skips_texts_without_words() -> None:
    texts = ["" if n % 5 == 0 else f"w{n % 13} n{n}" for n in range(3 * 8192 + 11)]
    index = WordIndex(texts)
    positions = np.arange(0, len(texts), 3, dtype=np.intp)[::-1].copy()  # a third, reversed
    for fragment in ("w5", "n2457", "n0", "zz"):
        expected = [fragment in texts[i] for i in positions.tolist()]
        assert index.containing_at(fragment, positions).tolist() == expected


@pytest.mark.parametrize("postings_per_step", [1 << 19, 3])
def test_each_way_of_looking_up_answers_alike(
    postings_per_step: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rare word (its postings are cheapest), a common fragment over all
    texts (one pass over every text), and a few texts asked about (their
    words only): each way must give what a substring test gives, however
    many steps the postings are read in."""
    monkeypatch.setattr(word_index, "_POSTINGS_PER_STEP", postings_per_step)
    texts = [
        f"common{n % 7} w{n % 101} n{n}" + (" rare" if n % 997 == 0 else "") for n in range(30_000)
    ]
    index = WordIndex(texts)
    everything = np.arange(len(texts), dtype=np.intp)
    few = np.array([5, 997, 20_000, 3, 997 * 7], dtype=np.intp)
    for fragment, positions in [
        ("rare", everything),
        ("rare", few),
        ("common", everything),
        ("n", everything),
        ("1", everything[::2].copy()),
        ("mmon3", everything[::2].copy()),
        ("n1", few),
        ("w10", everything[::7].copy()),
    ]:
        expected = [fragment in texts[i] for i in positions.tolist()]
        assert index.containing_at(fragment, positions).tolist() == expected, fragment
    words = index.arrays()
    assert words.posting_starts[-1] == words.word_ids.size
    rare = index.vocabulary().splitlines().index("rare")
    listed = words.posting_texts[words.posting_starts[rare] : words.posting_starts[rare + 1]]
    assert listed.tolist() == list(range(0, 30_000, 997))


def test_postings_span_slices_in_text_order() -> None:
    """More texts than one slice of the postings' sort: each word's texts
    are still all there, in order."""
    texts = ["" if n % 9 == 0 else f"w{n % 50} v{n % 7}" for n in range(140_000)]
    index = WordIndex(texts)
    words = index.arrays()
    vocabulary = index.vocabulary().splitlines()
    for word in ("w0", "w49", "v3"):
        w = vocabulary.index(word)
        listed = words.posting_texts[words.posting_starts[w] : words.posting_starts[w + 1]]
        assert listed.tolist() == [n for n, text in enumerate(texts) if word in text.split()]


@given(
    texts=st.lists(st.text(st.sampled_from(list("abzé語-. \n")), max_size=30), max_size=12),
    data=st.data(),
)
def test_one_letter_fragments_answered_from_letters_equal_a_substring_test(
    texts: list[str], data: st.DataObject
) -> None:
    """Once the texts' letters are noted, a one-letter fragment is answered
    from them: exactly as from the words, for any positions; a fragment of
    another character or of more letters still goes through the words."""
    index = WordIndex(texts)
    index.find_letters()
    index.find_letters()  # once is enough: a second call changes nothing
    picked = data.draw(st.lists(st.integers(0, max(len(texts) - 1, 0)), max_size=len(texts)))
    positions = np.array(picked if texts else [], dtype=np.intp)
    for fragment in ["a", "b", "z", "q", "é", "語", "-", "ab", "za"]:
        assert index.containing(fragment).tolist() == [fragment in text for text in texts]
        expected = [fragment in texts[i] for i in picked] if texts else []
        assert index.containing_at(fragment, positions).tolist() == expected


def test_letters_span_steps_and_skip_texts_without_words() -> None:
    texts = ["" if n % 5 == 0 else f"{'xq'[n % 2]}{n % 13} n{n}" for n in range(3 * 8192 + 11)]
    index = WordIndex(texts)
    index.find_letters()
    for letter in "xqnab":
        assert index.containing(letter).tolist() == [letter in text for text in texts]
