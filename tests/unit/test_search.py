"""Search over the 240 sample papers, checked against a brute-force oracle
written here from the documented rules (every term in some field; title 3,
authors 2, ID/categories 2, abstract 1)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library_file_helpers import keep, reopened

from tuireader.core import search_columns
from tuireader.core.evaluate import NoMarks
from tuireader.core.library import load_library, positions_of
from tuireader.core.masks import LibraryMasks
from tuireader.core.model import Paper
from tuireader.core.query import QueryError, Text, conjuncts, parse, positive_texts
from tuireader.core.search import Searcher, SearchIndex, SearchResult, highlight_spans
from tuireader.core.text import fold
from tuireader.core.word_index import WordIndex


@pytest.fixture(scope="module")
def papers(samples_dir: Path) -> list[Paper]:
    return load_library([samples_dir]).ordered_papers()


@pytest.fixture(
    scope="module",
    params=["fields-scanned", "word-indexes", "library-file"],
)
def index(
    papers: list[Paper],
    request: pytest.FixtureRequest,
    samples_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> SearchIndex:
    """Every test runs three times: each field's texts scanned, through the
    word indexes the app builds, and from the library file a warm start maps,
    none of which may change a single result."""
    if request.param == "library-file":
        folder = tmp_path_factory.mktemp("library")
        keep(folder, [samples_dir])
        opened = reopened(folder, [samples_dir])
        assert list(opened.library.ordered_papers()) == papers
        index = SearchIndex(opened.columns)
        return index
    index = SearchIndex(papers)
    if request.param == "word-indexes":
        index.index_words()
        assert index.words_indexed
    return index


def fields(paper: Paper) -> dict[str, str]:
    """The searchable text of a paper, lower-cased with accents stripped."""
    return {
        "title": fold(paper.title),
        "authors": fold(", ".join(paper.authors)),
        "keys": fold(" ".join((paper.id, *paper.categories))),
        "abstract": fold(paper.abstract),
    }


def oracle_weight(paper: Paper, terms: Sequence[str]) -> int | None:
    """The documented score of a paper, or None when some term is missing."""
    text = fields(paper)
    total = 0
    for term in terms:
        if term in text["title"]:
            total += 3
        elif term in text["authors"] or term in text["keys"]:
            total += 2
        elif term in text["abstract"]:
            total += 1
        else:
            return None
    return total


def ids(papers: list[Paper], positions: Sequence[int]) -> list[str]:
    return [papers[i].id for i in positions]


def terms_of(query: str) -> list[str]:
    """The texts of a query of bare words and phrases."""
    return [text.text for text in positive_texts(parse(query))]


def outcome(search: Callable[[], SearchResult]) -> SearchResult | str:
    """The result, or the error of a query that cannot be parsed (as typed:
    an open quote), so that two ways of searching can be compared."""
    try:
        return search()
    except QueryError as error:
        return f"error at {error.position}: {error.message}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Bökman", "bokman", id="umlaut"),
        pytest.param("ÉCOLE Naïve Dünnwald", "ecole naive dunnwald", id="mixed"),
        pytest.param("plain ascii", "plain ascii", id="ascii"),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    "query",
    [
        "segmentation",
        "medical segmentation",
        "deep neural network",
        '"domain adaptation"',
        "adaptation domain",
        "cs.lg",
        "eess.iv segmentation",
        "2201.13",
        "h&e",
        "Krüger",
        "self-supervised contrastive",
    ],
)
def test_matches_and_order_follow_the_documented_rules(
    query: str, papers: list[Paper], index: SearchIndex
) -> None:
    terms = terms_of(query)
    expected = {paper.id for paper in papers if oracle_weight(paper, terms) is not None}
    result = index.search(query)
    assert result.corrections == ()
    found = ids(papers, result.positions)
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert expected, "the query should find something in the samples"
    weights = [oracle_weight(papers[i], terms) for i in result.positions]
    assert weights == sorted(weights, reverse=True)


def test_title_matches_rank_above_abstract_only_matches(
    papers: list[Paper], index: SearchIndex
) -> None:
    positions = index.search("segmentation").positions
    in_title = ["segmentation" in fold(papers[i].title) for i in positions]
    assert in_title == sorted(in_title, reverse=True)
    assert 0 < in_title.count(True) < len(in_title)  # both kinds exist in the samples


def test_all_terms_must_match(papers: list[Paper], index: SearchIndex) -> None:
    both = set(ids(papers, index.search("medical segmentation").positions))
    medical = set(ids(papers, index.search("medical").positions))
    segmentation = set(ids(papers, index.search("segmentation").positions))
    assert both == medical & segmentation
    assert both < medical and both < segmentation


def test_quoted_phrase_is_stricter_than_its_words(papers: list[Paper], index: SearchIndex) -> None:
    phrase = ids(papers, index.search('"domain adaptation"').positions)
    words = ids(papers, index.search("domain adaptation").positions)
    assert set(phrase) < set(words)
    for paper_id in phrase:
        paper = next(p for p in papers if p.id == paper_id)
        assert any("domain adaptation" in text for text in fields(paper).values())
    extra = set(words) - set(phrase)
    assert all(
        not any("domain adaptation" in t for t in fields(p).values())
        for p in papers
        if p.id in extra
    )


@pytest.mark.parametrize("query", ["bokman", "Bökman", "BOKMAN", "georg bokman"])
def test_accents_are_folded(query: str, papers: list[Paper], index: SearchIndex) -> None:
    result = index.search(query)
    assert ids(papers, result.positions) == ["2201.13065"]
    assert result.corrections == ()


def test_typos_are_corrected_and_reported(papers: list[Paper], index: SearchIndex) -> None:
    result = index.search("difusion")
    assert result.corrections == (("difusion", ("diffusion",)),)
    expected = {p.id for p in papers if any("diffusion" in t for t in fields(p).values())}
    assert len(expected) >= 2
    assert set(ids(papers, result.positions)) == expected


def test_correction_keeps_the_other_terms(papers: list[Paper], index: SearchIndex) -> None:
    corrected = index.search("segmentaton medical")
    assert corrected.corrections[0][0] == "segmentaton"
    assert "segmentation" in corrected.corrections[0][1]
    plain = index.search("segmentation medical")
    assert set(corrected.positions) == set(plain.positions)


@pytest.mark.parametrize("query", ["zzzzqqqq", "qqq", "segmentation zzzzqqqq"])
def test_nonsense_finds_nothing(query: str, index: SearchIndex) -> None:
    result = index.search(query)
    assert result.positions == ()
    assert result.corrections == ()


def test_empty_query_lists_everything_in_order(papers: list[Paper], index: SearchIndex) -> None:
    assert index.search("").positions == tuple(range(len(papers)))
    assert index.search("  ").positions == tuple(range(len(papers)))


def test_scope_limits_the_search(papers: list[Paper], index: SearchIndex) -> None:
    scope = [i for i, p in enumerate(papers) if date(2021, 3, 11) in p.dates]
    assert len(scope) == 66
    everywhere = index.search("segmentation").positions
    scoped = index.search("segmentation", scope).positions
    assert set(scoped) == set(everywhere) & set(scope)
    assert index.search("", scope).positions == tuple(scope)


def typed(query: str) -> list[str]:
    """Every state of the search box while ``query`` is typed, then erased."""
    forward = [query[:n] for n in range(1, len(query) + 1)]
    return forward + forward[-2::-1] + [""]


SESSIONS = [
    pytest.param(["difusion"], id="typo-typed"),
    pytest.param(["segmentaton medical"], id="typo-then-word"),
    pytest.param(["bokman", "Bökman"], id="accents"),
    pytest.param(['"domain adaptation" unsupervised'], id="phrase"),
    pytest.param(["medical image segmentation", "medical imaging"], id="retyped"),
    pytest.param(["deep deep learning", "x-ray lung heart"], id="duplicates"),
    pytest.param(["qqqq diffusion", "transformr vision"], id="dead-end"),
]


@pytest.mark.parametrize("queries", SESSIONS)
def test_incremental_searcher_equals_full_search(
    queries: list[str], papers: list[Paper], index: SearchIndex
) -> None:
    """Typed char by char, erased, retyped, and with the scope switched."""
    searcher = Searcher(index)
    march = [i for i, p in enumerate(papers) if date(2021, 3, 11) in p.dates]
    scopes: list[list[int] | None] = [None, march, None]
    for scope in scopes:
        for query in queries:
            for state in typed(query):
                got = outcome(lambda: searcher.search(state, scope))  # noqa: B023
                assert got == outcome(lambda: index.search(state, scope)), (state, scope)  # noqa: B023


def test_searcher_switching_scope_mid_query(papers: list[Paper], index: SearchIndex) -> None:
    searcher = Searcher(index)
    july = [i for i, p in enumerate(papers) if date(2021, 7, 21) in p.dates]
    for n, state in enumerate(typed("segmentation network")):
        scope = july if n % 3 == 0 else None
        assert searcher.search(state, scope) == index.search(state, scope), (state, scope)


@pytest.mark.parametrize(
    ("text", "terms", "spans"),
    [
        pytest.param("Georg Bökman", ["bokman"], [(6, 12)], id="accented"),
        pytest.param("Deep deep DEEP", ["deep"], [(0, 4), (5, 9), (10, 14)], id="every-occurrence"),
        pytest.param("abcdef", ["abc", "cde"], [(0, 5)], id="overlap-merged"),
        pytest.param("abc def", ["abc", "def"], [(0, 3), (4, 7)], id="separate"),
        pytest.param("abcdef", ["abc", "def"], [(0, 6)], id="adjacent-merged"),
        pytest.param("aaaa", ["aa"], [(0, 4)], id="repeats"),
        pytest.param("nothing here", ["zzz"], [], id="no-match"),
        pytest.param("anything", [""], [], id="empty-term"),
        pytest.param("", ["a"], [], id="empty-text"),
    ],
)
def test_highlight_spans(text: str, terms: list[str], spans: list[tuple[int, int]]) -> None:
    assert highlight_spans(text, terms) == spans
    for start, end in spans:
        assert any(term in fold(text[start:end]) for term in terms)


def test_highlight_spans_on_real_titles(papers: list[Paper]) -> None:
    for paper in papers:
        for start, end in highlight_spans(paper.title, ["segment"]):
            assert fold(paper.title[start:end]).startswith("segment")


_EDITS = st.lists(
    st.one_of(
        st.sampled_from(["seg", "ment", "ation", " ", "deep", "dif", "usion", "x", "q", '"', "ö"]),
        st.just("<backspace>"),
        st.just("<scope>"),
    ),
    max_size=30,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=_EDITS)
def test_searcher_equals_full_search_for_any_edits(
    edits: list[str], papers: list[Paper], index: SearchIndex
) -> None:
    """Random typing, erasing and scope switching never make the two differ."""
    searcher = Searcher(index)
    scopes: list[list[int] | None] = [
        None,
        [i for i, p in enumerate(papers) if date(2021, 1, 22) in p.dates],
    ]
    query, scope = "", 0
    for edit in edits:
        if edit == "<backspace>":
            query = query[:-1]
        elif edit == "<scope>":
            scope = 1 - scope
        else:
            query += edit
        expected = outcome(lambda: index.search(query, scopes[scope]))  # noqa: B023
        assert outcome(lambda: searcher.search(query, scopes[scope])) == expected, (query, scope)  # noqa: B023


_WORDS = st.sampled_from(["Deep", "déep", "net", "nets", "U-Net", "x", "(ab)", "ab.", "Öl"])
_ABSTRACTS = st.lists(_WORDS, max_size=8).flatmap(
    lambda words: st.tuples(*(st.sampled_from([" ", "  ", "\n", "\u00a0"]) for _ in words)).map(
        lambda spaces: "".join(w + s for w, s in zip(words, spaces, strict=True))
    )
)
_QUERIES = st.lists(
    st.one_of(_WORDS, _WORDS.map(lambda w: w[1:]), st.just('"deep net'), st.just('"net  x"')),
    min_size=1,
    max_size=3,
).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(abstracts=st.lists(_ABSTRACTS, min_size=1, max_size=8), query=_QUERIES)
def test_word_index_never_changes_a_result(abstracts: list[str], query: str) -> None:
    """Random abstracts with odd whitespace, words and phrases: searching
    through the word index equals searching the folded text itself."""
    papers = [Paper(id=f"2401.{n:05d}", title="t", abstract=a) for n, a in enumerate(abstracts)]
    direct, indexed = SearchIndex(papers), SearchIndex(papers)
    indexed.index_words()
    result = outcome(lambda: direct.search(query))
    assert outcome(lambda: indexed.search(query)) == result, query
    plain = isinstance(result, SearchResult) and all(
        isinstance(term, Text) for term in conjuncts(parse(query))
    )
    if plain and not result.corrections:  # type: ignore[union-attr]
        expected = {p.id for p in papers if oracle_weight(p, terms_of(query)) is not None}
        assert set(ids(papers, result.positions)) == expected


def test_cancelled_indexing_changes_nothing(papers: list[Paper]) -> None:
    index = SearchIndex(papers)
    before = index.search("domain adaptation")
    asked = 0

    def cancelled() -> bool:
        nonlocal asked
        asked += 1
        return asked > 100  # midway through the 240 abstracts

    index.index_words(cancelled)
    assert not index.words_indexed
    assert index.search("domain adaptation") == before
    index.index_words(cancelled=lambda: False)
    assert index.words_indexed


def test_two_threads_indexing_at_once_build_each_index_once(
    papers: list[Paper], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's indexing worker and the one keeping the library file both
    ask for the word indexes: the second waits for the first's."""
    built: list[WordIndex] = []

    class CountedWordIndex(WordIndex):
        def __init__(self, texts: Iterable[str]) -> None:
            super().__init__(texts)
            built.append(self)

    monkeypatch.setattr(search_columns, "WordIndex", CountedWordIndex)
    index = SearchIndex(papers)
    threads = [threading.Thread(target=index.index_words) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert index.words_indexed
    assert len(built) == len(index.columns().text_columns)


@pytest.mark.parametrize("count", [0, 1, search_columns.TEXTS_PER_SCAN_STEP, 5000])
def test_a_scan_in_steps_tests_every_text_once(count: int) -> None:
    """The scan goes a step at a time (another thread gets the GIL between
    steps); each text is tested once, in order, whatever the steps."""
    texts = [f"paper {n} on {'diffusion' if n % 7 == 3 else 'vision'}" for n in range(count)]
    found = search_columns.holding(iter(texts), "diffusion", count)
    assert found.tolist() == ["diffusion" in text for text in texts]


@pytest.mark.parametrize("share", [0.0, 0.01, 0.2, 0.5, 1.0])
def test_a_mask_of_marks_is_the_same_looked_up_or_asked(share: float) -> None:
    """A small set of marks is marked by looking its papers up, a large one
    by asking each paper; both give the same mask, an ID not in the library
    left out."""
    ids = [f"2401.{n:05d}" for n in range(3000)]
    members = frozenset([*ids[: int(share * len(ids))], "9999.99999"])
    looked_up = LibraryMasks((), ids, position=positions_of(ids))
    asked = LibraryMasks((), ids)
    mask = looked_up.of_marks("noted", NoMarks(), lambda: members)
    assert mask.tolist() == asked.of_marks("noted", NoMarks(), lambda: members).tolist()
    assert mask.tolist() == [paper_id in members for paper_id in ids]
