"""Searching a library while it loads: each snapshot of the load (no index
yet) gets a searcher when the first query comes, kept until the next one.

A person typing while a cold start parses for half a minute sees the papers
loaded so far filtered, as fzf filters the lines read so far. A searcher
folds only the papers no snapshot before had (:class:`FoldedMemo`) and has
no word index: each search reads every abstract. So the loader spaces its
snapshots by the slowest such search (:attr:`SnapshotSearch.slowest`), and
each snapshot's rows land before the next snapshot drops them.
"""

from __future__ import annotations

from collections.abc import Sequence

from tuireader.core.model import Paper
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.search_columns import FoldedMemo, SearchColumns
from tuireader.core.store import AnnotationStore


class SnapshotSearch:
    """The snapshot of a library still loading, and its searcher once asked for."""

    def __init__(self, store: AnnotationStore) -> None:
        self._store = store
        #: (generation, papers) of the snapshot shown, None once indexed.
        self._snapshot: tuple[int, Sequence[Paper]] | None = None
        self._kept: tuple[int, Searcher] | None = None
        #: What the load's papers folded to, for the next snapshots.
        self._met: FoldedMemo | None = None
        #: Seconds the slowest search of a snapshot of this load took, its
        #: searcher made.
        self.slowest = 0.0

    def show(self, generation: int, papers: Sequence[Paper] | None) -> None:
        """The snapshot ``generation`` is shown (``papers`` None: the library
        has its index now); the last snapshot's searcher is let go of."""
        self._snapshot = None if papers is None else (generation, papers)  # one assignment
        self._kept = None
        if papers is None:  # the load is over: what it learned goes with it
            self._met, self.slowest = None, 0.0

    def searcher(self, generation: int) -> Searcher | None:
        """The searcher of snapshot ``generation``, made at the first ask;
        None when that snapshot is not the one shown (any more)."""
        snapshot, kept = self._snapshot, self._kept
        if snapshot is None or snapshot[0] != generation:
            return None
        if kept is None or kept[0] != generation:
            met = self._met or FoldedMemo()
            columns = SearchColumns.of(snapshot[1], met)
            kept = (generation, Searcher(SearchIndex(columns), self._store))
            if self._snapshot is snapshot:  # not if a newer one came, or the index
                self._kept, self._met = kept, met
        return kept[1]

    def searched(self, seconds: float) -> None:
        """A search of a snapshot took ``seconds``, its searcher made."""
        self.slowest = max(self.slowest, seconds)
