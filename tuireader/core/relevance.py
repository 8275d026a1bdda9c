"""Relevance over a library, for any front end: what to train on (the
starred papers, or those with a tag), ranking candidates with the model,
and the papers most like one.

:mod:`tuireader.core.rank` works on positions; this module maps the user's
marks onto them. A :class:`Relevance` knows the papers (positions are their
order, the library's order for the CLI) from the start, so the positives
can be counted, and a user with too few told so, before the TF-IDF is built
(:meth:`Relevance.build`, the slow step: 6-7 s at 100,000 papers).

scikit-learn stays unimported until :meth:`Relevance.build` runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tuireader.core.latex import readable
from tuireader.core.model import Paper
from tuireader.core.rank import MIN_POSITIVES, Model, TextMatrix, TooFewPositives

#: Past this share of new or changed papers, a library's matrix is built
#: anew rather than extended (:meth:`Relevance.updated`).
REBUILD_SHARE = 0.1


class Labels(Protocol):
    """The marks relevance trains on (:class:`~tuireader.core.store.AnnotationStore` has them)."""

    def starred_ids(self) -> Set[str]: ...

    def tagged(self, tag: str) -> Set[str]: ...


class TooFewTagged(TooFewPositives):
    """:class:`TooFewPositives` for a tag: ``str()`` names the tag."""

    def __init__(self, tag: str, have: int, need: int = MIN_POSITIVES) -> None:
        super().__init__(have, need)
        self.tag = tag
        self.args = (
            f"Tag at least {need} papers with {tag!r} to rank by relevance (you have {have})",
        )


@dataclass(frozen=True, slots=True)
class Scored:
    """A position and its score (the model's, or a cosine)."""

    position: int
    score: float


def _same_text(old: Paper, new: Paper) -> bool:
    return old.title == new.title and old.abstract == new.abstract


def paper_text(paper: Paper) -> str:
    """What a paper's TF-IDF row is made of: its title and abstract as people
    read them (LaTeX converted: "α", not "alpha" and "pm")."""
    return f"{readable(paper.title)}\n{readable(paper.abstract)}"


class Relevance:
    """The papers relevance works on and, once built, their TF-IDF matrix.

    Positions are indices into ``papers``. ``positives`` and ``candidates``
    need no matrix; ``train``, ``rank`` and ``similar`` do (:meth:`build`).
    """

    def __init__(
        self,
        papers: Sequence[Paper],
        matrix: TextMatrix | None = None,
        position: Mapping[str, int] | None = None,
    ) -> None:
        if matrix is not None and len(matrix) != len(papers):
            raise ValueError(f"a matrix of {len(matrix)} rows for {len(papers)} papers")
        self.papers = papers
        self.position = position or {paper.id: i for i, paper in enumerate(papers)}
        self._matrix = matrix

    def build(self, cancelled: Callable[[], bool] = lambda: False) -> Relevance:
        """This with its matrix built (the slow step; see :meth:`TextMatrix.build`,
        which raises :class:`~tuireader.core.rank.Cancelled`)."""
        texts = (paper_text(paper) for paper in self.papers)
        return Relevance(self.papers, TextMatrix.build(texts, cancelled), self.position)

    def updated(self, papers: Sequence[Paper]) -> Relevance | None:
        """The relevance of ``papers`` (the library after digests changed),
        built from this one: the rows of papers whose text is unchanged are
        reused and the others are weighted with the fitted vocabulary
        (:meth:`TextMatrix.extend`), so a new digest costs its own papers.
        None when more than ``REBUILD_SHARE`` of them are new or changed: the
        vocabulary would miss too many of their words; build instead."""
        matrix = self.matrix
        source = np.empty(len(papers), dtype=np.int64)
        fresh: list[str] = []
        for row, paper in enumerate(papers):
            known = self.position.get(paper.id)
            if known is not None and _same_text(self.papers[known], paper):
                source[row] = known
            else:
                source[row] = len(matrix) + len(fresh)
                fresh.append(paper_text(paper))
        if len(fresh) > REBUILD_SHARE * len(papers):
            return None
        return Relevance(papers, matrix.extend(fresh).take(source))

    @property
    def matrix(self) -> TextMatrix:
        if self._matrix is None:
            raise RuntimeError("Relevance.build() first")
        return self._matrix

    def positions(self, paper_ids: Iterable[str]) -> list[int]:
        """The positions of the papers among ``papers``, sorted; others are skipped."""
        return sorted({self.position[i] for i in paper_ids if i in self.position})

    def positives(self, labels: Labels, tag: str | None = None) -> list[int]:
        """The starred papers' positions (with ``tag``: the tagged papers'),
        sorted. Raises :class:`TooFewPositives` (:class:`TooFewTagged`)
        when there are fewer than ``MIN_POSITIVES``: no matrix is needed to
        tell."""
        found = self.positions(labels.starred_ids() if tag is None else labels.tagged(tag))
        if len(found) < MIN_POSITIVES:
            raise TooFewPositives(len(found)) if tag is None else TooFewTagged(tag, len(found))
        return found

    def train(self, positives: Iterable[int]) -> Model:
        return self.matrix.train(positives)

    def rank(self, model: Model, candidates: Iterable[int]) -> list[Scored]:
        """The ``candidates`` but the model's positives, best first; equal
        scores in position order, duplicates once."""
        wanted = np.setdiff1d(
            np.unique(np.fromiter(candidates, dtype=np.int64)),
            np.fromiter(model.positives, dtype=np.int64),
        )
        if not wanted.size:
            return []
        scores = model.scores(wanted.tolist())
        order = np.argsort(-scores, kind="stable")
        return [
            Scored(int(position), float(score))
            for position, score in zip(wanted[order], scores[order], strict=True)
        ]

    def similar(self, position: int, limit: int | None = None) -> list[Scored]:
        """The papers most like the one at ``position`` (cosine), best first,
        equal cosines in position order; every paper with a term in common
        when ``limit`` is None."""
        found = self.matrix.similar(position, limit=limit or len(self.papers))
        return [Scored(i, cosine) for i, cosine in found]
