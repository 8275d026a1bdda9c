"""The query language over the 240 sample papers and a real store: every kind
of term against a brute-force oracle, and the laws a query and its parts obey."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from library_file_helpers import keep, reopened

from tuireader.core import query as q
from tuireader.core.library import load_library
from tuireader.core.model import Paper
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.store import AnnotationStore, Edit
from tuireader.core.text import fold

SAMPLES = Path(__file__).resolve().parents[2] / "sample_digests"
PAPERS = load_library([SAMPLES]).ordered_papers()
INDEX = SearchIndex(PAPERS)


@pytest.fixture(scope="module")
def marks(tmp_path_factory: pytest.TempPathFactory) -> AnnotationStore:
    """Stars, notes, tags and read marks on a fixed spread of the samples."""
    store = AnnotationStore(tmp_path_factory.mktemp("data") / "annotations.toml")
    store.load()
    edits = []
    for n, paper in enumerate(PAPERS):
        if n % 7 == 0:
            edits.append(Edit(paper.id, "starred", True))
        if n % 11 == 0:
            edits.append(Edit(paper.id, "note", f"note {n}: check the segmentation baseline"))
        if n % 5 == 0:
            edits.append(Edit(paper.id, "tag", True, tag="to-read"))
        if n % 13 == 0:
            edits.append(Edit(paper.id, "tag", True, tag="lab/nerf"))
        if n % 3 == 0:
            edits.append(Edit(paper.id, "read", True))
    store.apply(edits)
    return store


def texts(paper: Paper, store: AnnotationStore) -> dict[str, str]:
    return {
        "title": fold(paper.title),
        "authors": fold(", ".join(paper.authors)),
        "keys": fold(" ".join((paper.id, *paper.categories))),
        "abstract": fold(paper.abstract),
        "note": fold(store.note_of(paper.id) or ""),
    }


def oracle(node: q.Node, paper: Paper, store: AnnotationStore) -> bool:
    """The documented meaning of each kind of term, written plainly."""
    if isinstance(node, q.Text):
        fields = texts(paper, store)
        where = {"any": list(fields), "authors": ["authors"]}.get(node.field, [node.field])
        return any(node.text in fields[name] for name in where)
    if isinstance(node, q.Category):
        value = node.value.lower()
        return any(
            c.lower() == value or c.lower().startswith(value + ".") for c in paper.categories
        )
    if isinstance(node, q.IdPrefix):
        return paper.id.lower().startswith(node.value.split("v")[0])
    if isinstance(node, q.Tag):
        return paper.id in store.tagged(node.name)
    if isinstance(node, q.Is):
        state = {
            "starred": paper.id in store.starred_ids(),
            "noted": paper.id in store.noted_ids(),
            "read": paper.id in store.read_ids(),
            "unread": paper.id not in store.read_ids(),
            "tagged": bool(store.get(paper.id).tags),
        }
        return state[node.state]
    if isinstance(node, q.DateRange):
        low, high = node.start or date.min, node.end or date.max
        return any(low <= day <= high for day in paper.dates)
    if isinstance(node, q.Not):
        return not oracle(node.child, paper, store)
    if isinstance(node, q.And):
        return all(oracle(child, paper, store) for child in node.children)
    assert isinstance(node, q.Or)
    return any(oracle(child, paper, store) for child in node.children)


QUERIES = [
    "ti:segmentation",
    "au:wang",
    "abs:segmentation -ti:segmentation",
    "cat:cs.LG",
    "cat:eess",
    "cat:cs.lg OR cat:stat.ML",
    "id:2201.13",
    "id:2201.12944v5",
    "date:2021-07-21",
    "date:2021",
    "date:2021-01..2021-03",
    "date:2021-06..",
    "date:..2020",
    "is:starred",
    "is:unread medical",
    "-is:read",
    "is:noted",
    "is:tagged",
    "tag:to-read -tag:lab/nerf",
    "note:baseline",
    "baseline",  # bare words search notes too
    "segmentation -survey",
    "(ti:3d OR ti:point) -is:read",
    "medical OR brain",
    "deep learning OR cat:eess.IV is:starred",
    'ti:"domain adaptation"',
    "NOT cat:cs.LG",
]


@pytest.fixture(scope="module")
def mapped_index(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    """The index a warm start opens from the library file."""
    folder = tmp_path_factory.mktemp("library")
    keep(folder, [SAMPLES])
    return SearchIndex(reopened(folder, [SAMPLES]).columns)


@pytest.mark.parametrize("kept", [False, True], ids=["loaded", "library-file"])
@pytest.mark.parametrize("query", QUERIES)
def test_every_kind_of_term_matches_its_documented_meaning(
    query: str, kept: bool, marks: AnnotationStore, mapped_index: SearchIndex
) -> None:
    node = q.parse(query)
    assert node is not None
    result = (mapped_index if kept else INDEX).search(query, marks=marks)
    assert result.corrections == ()
    expected = {paper.id for paper in PAPERS if oracle(node, paper, marks)}
    found = [PAPERS[i].id for i in result.positions]
    assert len(found) == len(set(found))
    assert set(found) == expected
    assert 0 < len(expected) < len(PAPERS), "each query should split the samples"


def test_field_terms_rank_by_their_field_and_bare_words_by_the_heaviest(
    marks: AnnotationStore,
) -> None:
    result = INDEX.search("segmentation", marks=marks)
    titles = ["segmentation" in fold(PAPERS[i].title) for i in result.positions]
    assert titles == sorted(titles, reverse=True)
    assert [t.text for t in result.texts] == ["segmentation"]
    assert INDEX.search("-segmentation cat:cs.CV", marks=marks).texts == ()


def test_predicates_alone_keep_the_natural_order(marks: AnnotationStore) -> None:
    positions = INDEX.search("is:unread", marks=marks).positions
    assert list(positions) == sorted(positions)


def test_marks_are_reread_when_they_change(marks: AnnotationStore, tmp_path: Path) -> None:
    store = AnnotationStore(tmp_path / "annotations.toml")
    store.load()
    searcher = Searcher(INDEX, store)
    assert searcher.search("is:starred").positions == ()
    store.set_star(PAPERS[5].id, True)
    assert searcher.search("is:starred").positions == (5,)
    store.mark_read([PAPERS[0].id])
    assert 0 not in searcher.search("is:unread").positions


def test_a_query_that_cannot_be_parsed_raises(marks: AnnotationStore) -> None:
    for query in ["date:2021-13", "is:bogus", '"unclosed', "(a OR b"]:
        with pytest.raises(q.QueryError):
            INDEX.search(query, marks=marks)


# The laws a query and its parts obey, for random queries ----------------------------

WORDS = ["segmentation", "deep", "medical", "3d", "wang", "learning", "survey", "zzzqqq"]
atoms = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(["ti:", "au:", "abs:", "note:"]).flatmap(
        lambda field: st.sampled_from(WORDS).map(lambda word: field + word)
    ),
    st.sampled_from(
        ["cat:cs.CV", "cat:eess", "is:read", "is:starred", "is:noted", "tag:to-read"]
        + ["date:2021", "date:..2021-03", "id:2201", '"domain adaptation"']
    ),
)
negatable = st.builds(lambda neg, atom: f"-{atom}" if neg else atom, st.booleans(), atoms)
queries = st.lists(negatable, min_size=1, max_size=3).map(" ".join)
SCOPES = [None, [i for i, p in enumerate(PAPERS) if date(2021, 3, 11) in p.dates]]


def matching(query: str, scope: list[int] | None, store: AnnotationStore) -> set[int]:
    return set(INDEX.search(query, scope, marks=store).positions)


LAWS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@LAWS
@given(a=queries, b=queries, scope=st.sampled_from(SCOPES))
def test_a_and_b_is_within_a(
    a: str, b: str, scope: list[int] | None, marks: AnnotationStore
) -> None:
    assert matching(f"{a} {b}", scope, marks) <= matching(a, scope, marks)


@LAWS
@given(a=queries, b=queries, scope=st.sampled_from(SCOPES))
def test_a_or_b_holds_a(a: str, b: str, scope: list[int] | None, marks: AnnotationStore) -> None:
    either = matching(f"({a}) OR ({b})", scope, marks)
    assert either >= matching(a, scope, marks) | matching(b, scope, marks)


@LAWS
@given(a=queries, scope=st.sampled_from(SCOPES))
def test_not_a_is_the_rest_of_the_scope(
    a: str, scope: list[int] | None, marks: AnnotationStore
) -> None:
    everything = set(range(len(PAPERS))) if scope is None else set(scope)
    assert matching(f"-({a})", scope, marks) == everything - matching(a, scope, marks)


def typed_states(query: str) -> list[str]:
    return [query[:n] for n in range(1, len(query) + 1)]


@LAWS
@given(a=queries)
def test_typing_a_field_query_equals_searching_it_whole(a: str, marks: AnnotationStore) -> None:
    searcher = Searcher(INDEX, marks)

    def outcome(run: Callable[[], object]) -> object:
        try:
            return run()
        except q.QueryError as error:
            return error.message

    for state in typed_states(a):
        expected = outcome(lambda: INDEX.search(state, marks=marks))  # noqa: B023
        assert outcome(lambda: searcher.search(state)) == expected, state  # noqa: B023
