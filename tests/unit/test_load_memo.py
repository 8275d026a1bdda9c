"""The memo a load's snapshots share (core/load_memo.py): every snapshot's
columns and searches are a fresh index's, while each paper is folded once
and a search reads only the papers no snapshot before answered for it."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core import library_file, load_memo
from tuireader.core.library import Library, load_progressively
from tuireader.core.load_memo import LoadingAbstracts, LoadMemo
from tuireader.core.model import Paper
from tuireader.core.query import QueryError
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.search_columns import SearchColumns, searched
from tuireader.core.snapshot_search import SnapshotSearch
from tuireader.core.store import AnnotationStore

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from generate import generate  # noqa: E402

#: A generated archive of ~30 digests (both formats, LaTeX, cross-lists and
#: new versions, so that snapshots replace papers by merged ones).
GENERATED_PAPERS = 3_000

#: Typed key by key; between them every kind of text term (prefixes typed
#: on, phrases, fields, negation, alternatives, LaTeX read as Unicode).
QUERIES = (
    "diffusion segm",
    '"image segmentation"',
    "title:learn",
    "-segm net",
    "net OR transf",
    "abstract:alpha",
    "α",
    "cat:cs.CV seg",
)


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory: pytest.TempPathFactory, samples_dir: Path) -> list[Library]:
    """Snapshots of one load every few files, the real samples among them
    (older days than the generated ones: the order is built again)."""
    folder = tmp_path_factory.mktemp("archive")
    generate(folder, GENERATED_PAPERS)
    return [
        progress.builder.snapshot()
        for progress in load_progressively([folder, samples_dir])
        if progress.done and (progress.done % 6 == 0 or progress.done == progress.total)
    ]


def searchers(snapshots: Sequence[Library]) -> list[tuple[Searcher, SearchIndex]]:
    """Each snapshot's searcher with one memo, and a fresh index of it that,
    as a snapshot's, corrects no typo before its word index is built (a
    prefix such as "title" on the way to "title:learn" would be)."""
    memo = LoadMemo()
    made = []
    for snapshot in snapshots:
        papers = snapshot.ordered_papers()
        index = SearchIndex(memo.columns(papers, snapshot.position))
        fresh = dataclasses.replace(SearchColumns.of(papers), corrected_by_scan=False)
        made.append((Searcher(index), SearchIndex(fresh)))
    return made


def found(search: Searcher | SearchIndex, query: str) -> list[int] | str:
    try:
        return list(search.search(query).positions)
    except QueryError as error:
        return f"error: {error.message}"


def test_each_snapshots_columns_are_the_fresh_columns(snapshots: list[Library]) -> None:
    """Columns copied from the last snapshot's are those made from scratch,
    and a paper met before is not folded again."""
    memo = LoadMemo()
    titles_before: dict[int, str] = {}
    reused = 0
    for snapshot in snapshots:
        papers = snapshot.ordered_papers()
        columns = memo.columns(papers, snapshot.position)
        fresh = SearchColumns.of(papers)
        assert columns.ids == fresh.ids
        everything = range(len(papers))
        for field, column in columns.text_columns.items():
            assert list(column.texts(everything)) == list(
                fresh.text_columns[field].texts(everything)
            ), field
        titles = list(columns.titles.texts(everything))
        reused += sum(titles_before.get(id(p)) is t for p, t in zip(papers, titles, strict=True))
        titles_before = {id(paper): title for paper, title in zip(papers, titles, strict=True)}
    assert reused > len(snapshots[-1]) // 2
    assert len(snapshots) >= 4 and len(snapshots[0]) < len(snapshots[-1])


def test_a_query_typed_across_snapshots_finds_what_a_fresh_index_finds(
    snapshots: list[Library],
) -> None:
    """Key by key, a new snapshot every other key (what was found before
    held for the snapshot after), the results are a fresh index's, in the
    same order."""
    pairs = searchers(snapshots)
    compared = 0
    for query in QUERIES:
        for k in range(1, len(query) + 1):
            searcher, fresh = pairs[(k // 2) % len(pairs)]
            assert found(searcher, query[:k]) == found(fresh, query[:k]), query[:k]
            compared += 1
        for searcher, fresh in pairs:  # the whole query on every snapshot
            assert found(searcher, query) == found(fresh, query), query
        assert found(pairs[-1][1], query), query  # the corpus has papers for each
    assert compared > 60


class Weighed:
    """The papers whose own fields an index weighed a term in."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.papers: dict[str, list[Paper]] = {}
        real = SearchIndex._own_weights

        def counted(index: SearchIndex, text: object, candidates: np.ndarray) -> np.ndarray:
            papers = index.masks._papers  # the papers the index was made of
            term = getattr(text, "text", "")
            self.papers.setdefault(term, []).extend(papers[i] for i in candidates.tolist())
            return real(index, text, candidates)  # type: ignore[arg-type]

        monkeypatch.setattr(SearchIndex, "_own_weights", counted)


def test_a_new_snapshot_weighs_only_what_no_snapshot_before_answered(
    snapshots: list[Library], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same query on a newer snapshot weighs only its new papers; a term
    typed on, searched afresh, only the papers the shorter term was found in."""
    first, last = snapshots[1].ordered_papers(), snapshots[-1].ordered_papers()
    memo = LoadMemo()
    Searcher(SearchIndex(memo.columns(first))).search("diffu segm")
    new = {id(paper) for paper in last} - {id(paper) for paper in first}
    fresh = SearchIndex(last)
    with_diffu = {id(last[i]) for i in fresh.search("diffu").positions}
    expected = [found(fresh, query) for query in ("diffu segm", "diffus")]
    assert new and with_diffu

    weighed = Weighed(monkeypatch)
    assert found(Searcher(SearchIndex(memo.columns(last))), "diffu segm") == expected[0]
    assert weighed.papers["diffu"] and {id(p) for p in weighed.papers["diffu"]} <= new
    weighed.papers.clear()
    assert found(Searcher(SearchIndex(memo.columns(last))), "diffus") == expected[1]
    assert weighed.papers["diffus"] and {id(p) for p in weighed.papers["diffus"]} <= with_diffu


def test_terms_beyond_the_kept_ones_are_forgotten(snapshots: list[Library]) -> None:
    papers = snapshots[0].ordered_papers()
    memo = LoadMemo()
    searcher = Searcher(SearchIndex(memo.columns(papers)))
    for n in range(load_memo.TERMS_KEPT + 5):
        searcher.search(f"term{n}")
    assert len(memo.weights._terms) == load_memo.TERMS_KEPT


_PIECES = st.sampled_from(
    ["Diffusion", "SEGMENTATION", " model ", "naïve", "Bökman", "ß", "İstanbul", "𝒪(n)",
     "$\\alpha$", "\\emph{x}", "{", "~", "--", "``q''", "é", "e\u0301", "\t", "\n", "Straße",
     "ﬁnd"]
)  # fmt: skip
_TERMS = st.sampled_from(["diff", "seg", "naive", "bokman", "ss", "istanbul", "o(n)", "α",
                          "alpha", "x", "e", "strasse", "find", "i", "model s"])  # fmt: skip


@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), min_size=1, max_size=8), _TERMS)
def test_an_abstract_scanned_lowercased_is_found_as_searched(
    abstracts: list[str], term: str
) -> None:
    """An abstract read lowercased in C (ASCII, no LaTeX) holds a term
    exactly when the abstract as searched (folded, with its readable words)
    does."""
    papers = [Paper(id=f"2101.{n:05d}", title="t", abstract=a) for n, a in enumerate(abstracts)]
    memo = LoadMemo()
    column = memo.columns(papers).abstracts
    assert isinstance(column, LoadingAbstracts)
    positions = np.arange(len(papers))
    expected = [term in searched(paper.abstract) for paper in papers]
    assert column.containing(term, positions).tolist() == expected


#: The files a library file was written from, as its key says (one made up).
KEY = (("digests.md", 1, 0),)


def test_the_index_a_searched_load_ends_with_is_a_fresh_one_and_keeps(
    snapshots: list[Library], tmp_path: Path
) -> None:
    """The whole library's index, made as the snapshots' were when the load
    was searched, finds what a fresh index finds, before and after its word
    index; and its library file opens to the same searches."""
    search = SnapshotSearch(AnnotationStore())
    assert search.index_of(snapshots[-1], "").columns().known is None  # never searched
    search.searcher(0)  # a key during the load
    library = snapshots[-1]
    index = search.index_of(library, "diffusion segm")
    assert index.columns().known is not None
    fresh = SearchIndex(library.ordered_papers())
    queries = [query[:k] for query in QUERIES for k in (3, len(query))]
    expected = [found(fresh, query) for query in queries]
    assert [found(Searcher(index), query) for query in queries] == expected
    index.index_words()
    assert index.words_indexed
    assert [found(Searcher(index), query) for query in queries] == expected
    target = tmp_path / "library"
    assert library_file.write(target, KEY, library, index)
    reader = library_file.LibraryReader.open(target)
    assert reader is not None
    kept = SearchIndex(reader.read().columns)
    assert [found(kept, query) for query in queries] == expected


def test_a_typo_is_corrected_once_the_loaded_library_has_its_word_index(
    snapshots: list[Library],
) -> None:
    """A snapshot does not correct a typo by reading every text (each
    snapshot would read them all again); the library it ends as does, once
    its word index is built, and its searcher does not keep the uncorrected
    matches. A fresh index still corrects at once."""
    typo = "segmentaton"
    papers = snapshots[-1].ordered_papers()
    fresh = SearchIndex(papers).search(typo)
    assert fresh.corrections and fresh.positions
    index = SearchIndex(LoadMemo().columns(papers, snapshots[-1].position))
    searcher = Searcher(index)
    while_loading = searcher.search(typo)
    assert not while_loading.corrections and not while_loading.positions
    index.index_words()
    loaded = searcher.search(typo)
    assert loaded.corrections == fresh.corrections
    assert list(loaded.positions) == list(fresh.positions)
