"""A word index mapped from a file holds few of its pages: a search takes the
way that maps least for what it reads, and lets go of what it has read past
a budget. Pages are counted as the kernel holds them (``/proc/self/pagemap``),
in a real file mapped by the library file's own reader."""

from __future__ import annotations

import dataclasses
import mmap
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from tuireader.core import word_index
from tuireader.core.library_file.sections import SectionReader, SectionWriter
from tuireader.core.word_index import WordArrays, WordIndex

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="counts pages in /proc")

_NAMES = tuple(field.name for field in dataclasses.fields(WordArrays))


def pages_held(array: npt.NDArray[Any]) -> int:
    """Bytes of ``array`` mapped into this process now."""
    first = array.ctypes.data // mmap.PAGESIZE
    last = (array.ctypes.data + array.nbytes - 1) // mmap.PAGESIZE
    with open("/proc/self/pagemap", "rb") as pagemap:
        pagemap.seek(first * 8)
        entries = np.frombuffer(pagemap.read((last - first + 1) * 8), dtype=np.uint64)
    return int(np.count_nonzero(entries >> np.uint64(63))) * mmap.PAGESIZE


def texts_like_abstracts(count: int, seed: int = 7) -> list[str]:
    """Texts of 60 words each from a vocabulary with Zipf-like frequencies:
    a few words in most texts, most words in few (as in real abstracts)."""
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocabulary = ["".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(20_000)]
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    drawn = rng.choice(len(vocabulary), (count, 60), p=weights / weights.sum())
    return [" ".join(vocabulary[i] for i in row) for row in drawn]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return texts_like_abstracts(20_000)


@pytest.fixture
def mapped(texts: list[str], tmp_path: Path) -> tuple[WordIndex, SectionReader]:
    arrays = WordIndex(texts).arrays()
    path = tmp_path / "words"
    with path.open("wb") as stream:
        writer = SectionWriter(stream)
        for name in _NAMES:
            writer.array(name, getattr(arrays, name))
        writer.finish({})
    sections = SectionReader(path)
    index = WordIndex.from_arrays(
        WordArrays(*(sections.array(name) for name in _NAMES)), sections.release
    )
    return index, sections


def held(sections: SectionReader) -> int:
    return sum(pages_held(sections.array(name)) for name in ("word_ids", "posting_texts"))


def test_a_common_word_among_scattered_texts_maps_only_its_postings(
    mapped: tuple[WordIndex, SectionReader], texts: list[str]
) -> None:
    """A few hundred texts scattered through the file: testing each one's ids
    would map the 64 KB the kernel maps around each read, every page of the
    ids in the end; a common word's postings are one run of the file, so
    they are read instead, though they are more ids. (At a million papers:
    "se" among the 38,000 abstracts with "diffusion", 465 MB mapped, now 47.)"""
    index, sections = mapped
    common = max(set(texts[0].split()), key=lambda word: int(index.containing(word).sum()))
    candidates = np.arange(0, len(texts), 60, dtype=np.intp)
    sections.release()
    found = index.containing_at(common, candidates)
    assert found.tolist() == [common in texts[i].split() for i in candidates]
    postings = int(index.containing(common).sum()) * 4
    assert postings > sum(len(set(texts[i].split())) for i in candidates) * 4  # more to read
    sections.release()
    index.containing_at(common, candidates)
    assert held(sections) < sections.array("word_ids").nbytes / 4


@pytest.mark.parametrize("candidates", [None, "scattered", "a run"])
def test_searches_let_go_of_what_they_read_past_the_budget(
    mapped: tuple[WordIndex, SectionReader],
    texts: list[str],
    monkeypatch: pytest.MonkeyPatch,
    candidates: str | None,
) -> None:
    """However many searches run, the pages they hold stay within the budget
    and one step's reading; the results are those of a substring test."""
    index, sections = mapped
    monkeypatch.setattr(word_index, "_BYTES_HELD", 256 << 10)
    monkeypatch.setattr(word_index, "_TEXTS_GATHERED_PER_STEP", 4)
    monkeypatch.setattr(word_index, "_POSTINGS_PER_STEP", 2048)
    rng = np.random.default_rng(1)
    positions = {
        None: None,
        "scattered": np.sort(rng.choice(len(texts), 500, replace=False)),
        "a run": np.arange(4000, 4600),
    }[candidates]
    step = 4 * (64 << 10) + 2048 * 4
    for fragment in ["se", "ab", "qu", "ing", "e", "z", "tion", "ka"]:
        found = index.containing_at(fragment, positions)
        chosen = range(len(texts)) if positions is None else positions
        assert found.tolist() == [fragment in texts[i] for i in chosen], fragment
        assert held(sections) <= (256 << 10) + 2 * step, fragment
    assert sections.array("word_ids").nbytes + sections.array("posting_texts").nbytes > 8 * (
        (256 << 10) + 2 * step
    )


def test_a_gather_lets_go_of_the_step_it_read_last(
    mapped: tuple[WordIndex, SectionReader], texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step of a gather is counted once read, so a step that passes the
    budget is let go of with the rest, the last one too. (Counted before it
    was read, each step was let go of before reading it, and the last stayed:
    at 100,000 papers "se" among the scattered unread abstracts with
    "diffusion" held 41 MB of 47.)"""
    index, sections = mapped
    monkeypatch.setattr(word_index, "_BYTES_HELD", 256 << 10)
    monkeypatch.setattr(word_index, "_TEXTS_GATHERED_PER_STEP", 16)
    positions = np.arange(0, 32 * 600, 600, dtype=np.intp)  # each in its own 64 KB of ids
    sections.release()
    found = index.containing_at("e", positions)
    assert found.tolist() == ["e" in texts[i] for i in positions]
    assert held(sections) <= 256 << 10


def test_a_scattered_read_counts_as_much_as_one_read_can_map(
    mapped: tuple[WordIndex, SectionReader], texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the page cache keeps the file in large folios, one read maps a
    whole folio (2 MB on the machine these were written on, not the 64 KB
    of fault-around): two scattered texts' ids already pass this budget, and
    are let go of. (Counted in 64 KB they held 25 MB too many at 100,000.)"""
    index, sections = mapped
    monkeypatch.setattr(word_index, "_BYTES_HELD", 512 << 10)
    monkeypatch.setattr(word_index, "_TEXTS_GATHERED_PER_STEP", 2)
    ids = sections.array("word_ids")
    bounds = sections.array("bounds")
    far = int(np.searchsorted(bounds, (2 << 20) // ids.itemsize + 1))  # in the next 2 MB
    positions = np.array([100, far], dtype=np.intp)
    sections.release()
    found = index.containing_at("e", positions)
    assert found.tolist() == ["e" in texts[i] for i in positions]
    assert held(sections) <= 512 << 10
