"""Evaluating a query's terms over candidate papers: which match, and how much.

Text terms are found in the fields the index keeps; everything else (stars,
notes, tags, read marks, categories, dates, IDs) is a mask over the library
that the index caches per value and per change of the user's data.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from tuireader.core import query as q

if TYPE_CHECKING:
    from tuireader.core.search import SearchIndex

#: Terms shorter than this are never corrected: too many near neighbours.
MIN_CORRECTABLE = 4

Positions = npt.NDArray[np.intp]
Weights = npt.NDArray[np.int8]
Found = npt.NDArray[np.bool_]
Corrections = list[tuple[str, tuple[str, ...]]]


class Marks(Protocol):
    """The user's data a query can ask about (the store is one)."""

    revision: int

    def starred_ids(self) -> Set[str]: ...
    def noted_ids(self) -> Set[str]: ...
    def read_ids(self) -> Set[str]: ...
    def tagged(self, tag: str) -> Set[str]: ...
    def tag_names(self) -> list[str]: ...
    def note_of(self, paper_id: str) -> str | None: ...


class NoMarks:
    """No stars, notes, tags or read marks: every paper unread."""

    revision = 0

    def starred_ids(self) -> Set[str]:
        return frozenset()

    noted_ids = read_ids = starred_ids

    def tagged(self, tag: str) -> Set[str]:
        return frozenset()

    def tag_names(self) -> list[str]:
        return []

    def note_of(self, paper_id: str) -> str | None:
        return None


class Evaluation:
    """One query term evaluated over candidates: which match, and their weights."""

    def __init__(self, index: SearchIndex, marks: Marks, corrections: Corrections) -> None:
        self.index, self.marks, self.corrections = index, marks, corrections

    def run(self, node: q.Node, candidates: Positions) -> tuple[Found, Weights]:
        if isinstance(node, q.Text):
            return self._text(node, candidates)
        if isinstance(node, q.Not):
            found, _ = self.run(node.child, candidates)
            return ~found, np.zeros(candidates.size, np.int8)
        if isinstance(node, q.And):
            return self._all(node.children, candidates)
        if isinstance(node, q.Or):
            found = np.zeros(candidates.size, bool)
            weights = np.zeros(candidates.size, np.int8)
            for child in node.children:
                child_found, child_weights = self.run(child, candidates)
                found |= child_found
                weights = np.maximum(weights, child_weights)
            return found, weights
        return self._mask(node)[candidates], np.zeros(candidates.size, np.int8)

    def _all(self, children: Sequence[q.Node], candidates: Positions) -> tuple[Found, Weights]:
        alive = np.arange(candidates.size)
        weights = np.zeros(candidates.size, np.int8)
        for child in children:
            found, child_weights = self.run(child, candidates[alive])
            weights[alive] += child_weights
            alive = alive[found]
        found = np.zeros(candidates.size, bool)
        found[alive] = True
        return found, weights

    def _text(self, text: q.Text, candidates: Positions) -> tuple[Found, Weights]:
        weights = self.index.text_weights(text, candidates, self.marks)
        if not weights.any() and len(text.text) >= MIN_CORRECTABLE and candidates.size:
            alternatives = self.index.corrections_for(text.text)
            if alternatives:
                found = [
                    self.index.text_weights(q.Text(word, text.field), candidates, self.marks)
                    for word in alternatives
                ]
                weights = np.maximum.reduce(found)
                self.corrections.append((text.text, alternatives))
        return weights > 0, weights

    def _mask(self, node: q.Node) -> Found:
        masks, marks = self.index.masks, self.marks
        if isinstance(node, q.Category):
            return masks.of_category(node.value)
        if isinstance(node, q.DateRange):
            return masks.of_dates(node.start, node.end)
        if isinstance(node, q.IdPrefix):
            return masks.of_id_prefix(node.value)
        if isinstance(node, q.Tag):
            return masks.of_marks(f"tag:{node.name}", marks, lambda: marks.tagged(node.name))
        assert isinstance(node, q.Is), node
        if node.state == "unread":
            return ~masks.of_marks("read", marks, marks.read_ids)
        if node.state == "tagged":
            return masks.of_marks("tagged", marks, lambda: _any_tag(marks))
        sets = {"starred": marks.starred_ids, "read": marks.read_ids, "noted": marks.noted_ids}
        return masks.of_marks(node.state, marks, sets[node.state])


def _any_tag(marks: Marks) -> Set[str]:
    return {paper for tag in marks.tag_names() for paper in marks.tagged(tag)}
