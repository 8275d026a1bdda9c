"""The UI-agnostic relevance helper: marks to positions, ranking candidates."""

from __future__ import annotations

from collections.abc import Set
from pathlib import Path

import pytest

from tuireader.core.library import load_library
from tuireader.core.rank import TooFewPositives
from tuireader.core.relevance import Relevance, TooFewTagged, paper_text


class Marks:
    def __init__(
        self, starred: Set[str] = frozenset(), tags: dict[str, Set[str]] | None = None
    ) -> None:
        self._starred = starred
        self._tags = tags or {}

    def starred_ids(self) -> Set[str]:
        return self._starred

    def tagged(self, tag: str) -> Set[str]:
        return self._tags.get(tag, frozenset())


@pytest.fixture(scope="module")
def relevance(samples_dir: Path) -> Relevance:
    return Relevance(load_library([samples_dir]).ordered_papers()).build()


def test_positives_need_no_matrix_and_skip_papers_not_listed(samples_dir: Path) -> None:
    papers = load_library([samples_dir]).ordered_papers()
    unbuilt = Relevance(papers)
    ids = [paper.id for paper in papers[10:15]]
    assert unbuilt.positives(Marks(frozenset([*ids, "1901.00001"]))) == list(range(10, 15))
    with pytest.raises(TooFewPositives) as raised:
        unbuilt.positives(Marks(frozenset(ids[:4])))
    assert str(raised.value) == "Star at least 5 papers to rank by relevance (you have 4)"
    with pytest.raises(TooFewTagged) as tagged:
        unbuilt.positives(Marks(frozenset(ids), {"seg": frozenset(ids[:2])}), "seg")
    assert str(tagged.value) == "Tag at least 5 papers with 'seg' to rank by relevance (you have 2)"
    assert isinstance(tagged.value, TooFewPositives) and tagged.value.have == 2
    with pytest.raises(RuntimeError):
        unbuilt.train(range(5))


def test_rank_leaves_out_the_positives_best_first(relevance: Relevance) -> None:
    positives = [i for i, p in enumerate(relevance.papers) if "segmentation" in p.title.lower()]
    model = relevance.train(positives)
    candidates = [5, 3, 3, *positives[:3], 200, 7]
    ranked = relevance.rank(model, candidates)
    assert sorted(item.position for item in ranked) == [3, 5, 7, 200]
    scores = [item.score for item in ranked]
    assert scores == sorted(scores, reverse=True)
    assert scores == model.scores([item.position for item in ranked]).tolist()
    assert relevance.rank(model, positives) == []


def test_similar_is_the_matrix_s(relevance: Relevance) -> None:
    found = relevance.similar(0)
    assert [(s.position, s.score) for s in found] == relevance.matrix.similar(0, limit=240)
    assert relevance.similar(0, 3) == found[:3]
    assert paper_text(relevance.papers[0]).startswith(relevance.papers[0].title + "\n")


def test_a_matrix_must_fit_the_papers(relevance: Relevance) -> None:
    with pytest.raises(ValueError):
        Relevance(relevance.papers[:10], relevance.matrix)


def test_a_new_digest_updates_the_matrix_instead_of_building_it(samples_dir: Path) -> None:
    """A digest landing in a big library should cost its own papers: rows of
    unchanged papers are reused (in the new order), new ones are weighted
    with the vocabulary already fitted."""
    papers = load_library([samples_dir]).ordered_papers()
    fresh, older = papers[:20], papers[20:]  # the newest papers arrive
    before = Relevance(older).build()
    after = before.updated(papers)
    assert after is not None and len(after.matrix) == len(papers)
    for paper in papers:
        row = after.matrix.rows[after.position[paper.id]]
        if paper in fresh:
            expected = before.matrix.extend([paper_text(paper)]).rows[len(older)]
        else:
            expected = before.matrix.rows[before.position[paper.id]]
        assert row.nnz and (row != expected).nnz == 0, paper.id
    like_first = [scored.position for scored in after.similar(0, 3)]  # a new paper
    assert len(like_first) == 3 and 0 not in like_first
    gone = before.updated(older[50:])  # a digest deleted: nothing new to weigh
    assert gone is not None and len(gone.matrix) == len(older) - 50
    assert Relevance(older[:100]).build().updated(papers) is None  # mostly new: build


def test_building_keeps_the_positions_it_was_given(samples_dir: Path) -> None:
    """A library file's papers are decoded when read: with their positions
    given (the reader has them), building reads each paper once, not twice."""
    library = load_library([samples_dir])
    position = {paper_id: n for n, paper_id in enumerate(library.ordered_ids)}
    built = Relevance(library.ordered_papers(), position=position).build()
    assert built.position is position
    assert built.similar(0, 3)  # and it ranks as it should
