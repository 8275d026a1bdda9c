"""Relevance for the reader: any list in "most like what I starred" order,
the reason for each paper, and the papers most like one.

The TF-IDF matrix is the slow part (seconds at 100,000 papers): it is built
once per library snapshot, in a worker, only when the user first asks for
relevance (scikit-learn is imported then, never at start-up). Training on a
few hundred stars takes well under a second and is redone only when the stars
(or the tag's papers) change. Everything here is
safe to call from a worker: state is replaced whole, never changed in place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from tuireader.core.model import Paper
from tuireader.core.rank import Model, TooFewPositives
from tuireader.core.relevance import Labels, Relevance, Scored

#: Papers listed by "more like this".
SIMILAR = 50


@dataclass(frozen=True, slots=True)
class Trained:
    """A model and what it learnt from: the tag (None: the stars) and the marks' revision."""

    model: Model
    tag: str | None
    revision: int


class Ranker:
    """Relevance over one library snapshot (``generation``)."""

    def __init__(self) -> None:
        self._built: tuple[int, Relevance] | None = None
        self._trained: Trained | None = None
        #: Train on the papers with this tag instead of the starred ones.
        self.tag: str | None = None

    def ready(self, generation: int) -> bool:
        """Whether the matrix of that library snapshot is built."""
        return self._built is not None and self._built[0] == generation

    def build(
        self,
        papers: Sequence[Paper],
        generation: int,
        cancelled: Callable[[], bool],
        position: Mapping[str, int] | None = None,
    ) -> None:
        """The TF-IDF of every paper: the slow step (raises ``rank.Cancelled``),
        unless an earlier snapshot's can be updated (a digest or two arrived).
        ``position``: the papers' positions by ID, when known (else every
        paper is read once more for its ID: seconds at a million)."""
        relevance = self._built[1].updated(papers) if self._built else None
        if relevance is None:
            relevance = Relevance(papers, position=position).build(cancelled)
        self._built, self._trained = (generation, relevance), None

    def check(
        self, papers: Sequence[Paper], labels: Labels, position: Mapping[str, int] | None = None
    ) -> str | None:
        """Why relevance cannot rank yet (too few stars or tagged papers), or
        None (``position``: the papers' positions by ID, when known)."""
        try:
            Relevance(papers, position=position).positives(labels, self.tag)
        except TooFewPositives as problem:
            return str(problem)
        return None

    def order(self, positions: Sequence[int], labels: Labels, revision: int) -> list[Scored]:
        """``positions`` best first (the papers learnt from last, in their
        order); trains first if the marks changed since."""
        relevance = self._relevance()
        trained = self._trained
        if trained is None or (trained.tag, trained.revision) != (self.tag, revision):
            positives = relevance.positives(labels, self.tag)
            trained = Trained(relevance.train(positives), self.tag, revision)
            self._trained = trained
        ranked = relevance.rank(trained.model, positions)
        learnt = [Scored(p, float("-inf")) for p in positions if p in trained.model.positives]
        return ranked + learnt

    def why(self, position: int) -> list[str]:
        """The words that made this paper rank where it did (empty before training)."""
        trained = self._trained
        return trained.model.why(position) if trained and self._built else []

    def similar(self, position: int) -> list[int]:
        """The papers most like the one at ``position``, most similar first."""
        return [scored.position for scored in self._relevance().similar(position, SIMILAR)]

    @property
    def label(self) -> str:
        """What the order follows, for titles: "your stars" or "#tag"."""
        return "your stars" if self.tag is None else f"#{self.tag}"

    def _relevance(self) -> Relevance:
        if self._built is None:
            raise RuntimeError("build() first")
        return self._built[1]
