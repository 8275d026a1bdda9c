"""The work on a library once it is shown, in worker threads: its counts
and the saved searches', its word indexes, and its relevance matrix (when
asked for); each result is handed to the screen on the UI thread."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tuireader.core.rank import Cancelled
from tuireader.core.search import SearchIndex
from tuireader.core.tally import SearchCounts, Tally, count_searches
from tuireader.core.text import prepare_folding

if TYPE_CHECKING:
    from tuireader.ui.loader import Loader
    from tuireader.ui.screens.main import MainScreen

#: Seconds to wait after marks change before the saved searches are recounted.
RECOUNT_DELAY = 0.5


class Background:
    """Counts, indexes and ranks the library the screen shows."""

    def __init__(self, screen: MainScreen, loader: Loader) -> None:
        self._screen = screen
        self._loader = loader
        #: The library snapshot whose relevance matrix is being built.
        self._building: int | None = None

    def after_load(self, index: SearchIndex) -> None:
        """The library is shown: count it, then make search fast at scale."""
        # The library is millions of long-lived objects: leave them out of
        # the garbage collector's full passes, which would otherwise stall a
        # keystroke now and then for a tenth of a second.
        gc.freeze()
        self._loader.run_in_thread(self._count, "count")
        self._loader.run_in_thread(lambda: self._index_words(index), "index")

    def _count(self) -> None:
        worker = get_current_worker()
        reader = self._screen.reader
        revision = reader.store.revision
        tally = reader.count()
        if not worker.is_cancelled:
            self._loader.call_from_thread(self._counted, tally, revision)

    def count_searches(self) -> None:
        """Count the saved searches and find the watches' papers, in a worker."""
        self._loader.run_in_thread(self._count_searches, "searches")

    def _count_searches(self) -> None:
        worker = get_current_worker()
        reader = self._screen.reader
        if reader.index is None:
            return
        revision = reader.store.revision
        counted = count_searches(
            reader.index, reader.store, reader.config.searches, lambda: worker.is_cancelled
        )
        if counted is not None and not worker.is_cancelled:
            self._loader.call_from_thread(self._searches_counted, counted, revision)

    def _index_words(self, index: SearchIndex) -> None:
        """Filtering already works; this makes it fast at scale, and the
        first highlighted row of a search as quick as the next (it folds)."""
        worker = get_current_worker()
        index.index_words(cancelled=lambda: worker.is_cancelled)
        prepare_folding()
        if index.words_indexed and not worker.is_cancelled:
            self._loader.call_from_thread(self._words_indexed, index)

    def _words_indexed(self, index: SearchIndex) -> None:
        """A query that found nothing while the library loaded was not
        corrected then (see ``SearchColumns.corrected_by_scan``): now it can be."""
        reader = self._screen.reader
        if reader.index is index and reader.query.strip() and not reader.rows.positions:
            self._screen.refresh_rows()

    def _counted(self, tally: Tally, revision: int) -> None:
        reader = self._screen.reader
        if revision != reader.store.revision:  # marks changed meanwhile: count again
            self._loader.run_in_thread(self._count, "count")
            return
        reader.tally = tally
        self._screen.sidebar.update_counts(self._screen.counts())

    def _searches_counted(self, counted: SearchCounts, revision: int) -> None:
        screen = self._screen
        screen.reader.searches = counted
        screen.paper_list.refresh_marks()
        screen.sidebar.update_counts(screen.counts())
        if revision != screen.reader.store.revision:
            screen.later("recount", RECOUNT_DELAY, self.count_searches)

    def build_relevance(self) -> None:
        """Build the TF-IDF of this library for relevance (once per snapshot),
        then show the list again in its new order."""
        reader = self._screen.reader
        generation = reader.generation
        if reader.ranker.ready(generation) or self._building == generation:
            return
        self._building = generation
        papers, position = reader.papers, reader.position  # of this snapshot

        def build() -> None:
            worker = get_current_worker()
            try:
                reader.ranker.build(papers, generation, lambda: worker.is_cancelled, position)
            except Cancelled:
                return
            self._loader.call_from_thread(self._relevance_built)

        self._loader.run_in_thread(build, "relevance")

    def _relevance_built(self) -> None:
        self._building = None
        self._screen.refresh_rows(keep=False)  # a new order: from its top
