"""Searching a library while it loads: each snapshot of the load (no index
yet) gets a searcher, kept until the next one.

A person typing while a cold start parses for half a minute sees the papers
loaded so far filtered, as fzf filters the lines read so far. Once a query
was typed (or the filter opened) during a load, the loader makes each new
snapshot's searcher before showing it (:meth:`SnapshotSearch.prepare`), so
no key waits for one; and every searcher of the load shares a
:class:`~tuireader.core.load_memo.LoadMemo`, so it folds and searches only
the papers no snapshot before had. The loader spaces its snapshots by the
slowest search of one (:attr:`SnapshotSearch.slowest`), so that each
snapshot's rows land before the next snapshot drops them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence

from tuireader.core.library import Library
from tuireader.core.load_memo import LoadMemo
from tuireader.core.model import Paper
from tuireader.core.query import QueryError
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.store import AnnotationStore


class SnapshotSearch:
    """The snapshot of a library still loading, and its searcher once asked for."""

    def __init__(self, store: AnnotationStore) -> None:
        self._store = store
        #: (generation, papers, positions) of the snapshot shown, None once indexed.
        self._snapshot: tuple[int, Sequence[Paper], Mapping[str, int] | None] | None = None
        self._kept: tuple[int, Searcher] | None = None
        #: The searcher the loader made for a snapshot it is about to show.
        self._prepared: tuple[Sequence[Paper], Searcher] | None = None
        self._memo = LoadMemo()
        #: Whether this load's snapshots are searched (a query was typed, or
        #: the filter opened): the loader then prepares each one's searcher.
        self.wanted = False
        #: Seconds the slowest search of a snapshot of this load took.
        self.slowest = 0.0

    def prepare(
        self, library: Library, query: str, give_way: Callable[[], None] = lambda: None
    ) -> Searcher | None:
        """Make the searcher of a snapshot about to be shown, if this load's
        snapshots are searched; and, when ``query`` filters the list, find
        what searching it for the query needs (the words of its new
        abstracts' LaTeX, its new papers' weights), so the rows follow the
        snapshot at once. Run it in the loader's thread, which calls
        ``give_way`` between its steps. Returns the searcher (None: not wanted)."""
        if not self.wanted:
            return None
        papers = library.ordered_papers()
        searcher = self._made(papers, library.position, give_way)
        if query.strip():
            self._memo.find_words(give_way)
            give_way()
            with contextlib.suppress(QueryError):  # the reader tells the user
                searcher.search(query)
        self._prepared = (papers, searcher)
        return searcher

    def index_of(
        self, library: Library, query: str, give_way: Callable[[], None] = lambda: None
    ) -> SearchIndex:
        """The index of the library a load ends with: when the load was
        searched, made as its snapshots were (and prepared for ``query``),
        so the rows of a query typed meanwhile follow at once, not after
        the whole library is searched afresh. Run it in the loader's thread."""
        searcher = self.prepare(library, query, give_way)
        return SearchIndex(library.ordered_papers()) if searcher is None else searcher.index

    def show(
        self,
        generation: int,
        papers: Sequence[Paper] | None,
        position: Mapping[str, int] | None = None,
    ) -> None:
        """The snapshot ``generation`` is shown (``papers`` None: the library
        has its index now); the last snapshot's searcher is let go of."""
        prepared, self._prepared = self._prepared, None
        if papers is None:  # the load is over: what it learned goes with it
            self._snapshot, self._kept = None, None
            self._memo, self.wanted, self.slowest = LoadMemo(), False, 0.0
            return
        self._snapshot = (generation, papers, position)  # one assignment
        ready = prepared is not None and prepared[0] is papers
        self._kept = (generation, prepared[1]) if prepared is not None and ready else None

    def searcher(self, generation: int) -> Searcher | None:
        """The searcher of snapshot ``generation``, made at the first ask
        unless the loader made it; None when that snapshot is not the one
        shown (any more)."""
        self.wanted = True
        snapshot, kept = self._snapshot, self._kept
        if snapshot is None or snapshot[0] != generation:
            return None
        if kept is None or kept[0] != generation:
            kept = (generation, self._made(snapshot[1], snapshot[2]))
            if self._snapshot is snapshot:  # not if a newer one came, or the index
                self._kept = kept
        return kept[1]

    def _made(
        self,
        papers: Sequence[Paper],
        position: Mapping[str, int] | None,
        give_way: Callable[[], None] = lambda: None,
    ) -> Searcher:
        columns = self._memo.columns(papers, position, give_way)
        return Searcher(SearchIndex(columns), self._store)

    def searched(self, seconds: float) -> None:
        """A search of a snapshot took ``seconds``, its searcher made."""
        self.slowest = max(self.slowest, seconds)
