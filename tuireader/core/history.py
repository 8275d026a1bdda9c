"""Undo and redo: the user's actions of this session, each with its inverse.

An action is a batch of store edits (a star, a note, a bulk mark of 400
papers) and the edits that undo it. Undoing applies those through the store
like any other change, so an undo is saved at once and merges like the rest.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from tuireader.core.store import Edit

#: Actions remembered per session (the oldest are forgotten first).
LIMIT = 500


@dataclass(frozen=True, slots=True)
class Action:
    """``description`` says what was done, e.g. "Starred ‘Saliency for free’"."""

    description: str
    undo: tuple[Edit, ...]
    redo: tuple[Edit, ...]


class History:
    """Two stacks: what can be undone, and what was undone and can be redone."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._done: deque[Action] = deque(maxlen=limit)
        self._undone: list[Action] = []

    def record(self, action: Action) -> None:
        """A new action: it can be undone, and what was undone is gone."""
        self._done.append(action)
        self._undone.clear()

    def to_undo(self) -> Action | None:
        return self._done[-1] if self._done else None

    def to_redo(self) -> Action | None:
        return self._undone[-1] if self._undone else None

    def undone(self) -> None:
        """The action :meth:`to_undo` gave was undone."""
        self._undone.append(self._done.pop())

    def redone(self) -> None:
        """The action :meth:`to_redo` gave was done again."""
        self._done.append(self._undone.pop())

    def __len__(self) -> int:
        return len(self._done)
