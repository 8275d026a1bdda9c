"""Loading the library off the UI thread: parse (or read the cache) file by
file, show papers as they come, then index and count them in the background."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from time import monotonic
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tuireader.core.library import Library, LibraryError, Parser, load_progressively
from tuireader.core.query import QueryError
from tuireader.core.search import SearchIndex

if TYPE_CHECKING:
    from tuireader.ui.screens.main import MainScreen

#: While loading, the list is refreshed at most this often (seconds)...
SNAPSHOT_INTERVAL = 0.5
#: ...and waits at least this many times as long as the last refresh took: a
#: refresh costs time in proportion to the papers already loaded, and must
#: never take more than a fifth of the load (at a million papers it would).
SNAPSHOT_SPACING = 4


class Loader:
    """Runs the screen's background work; results come back through the
    screen's ``library_*`` methods, on the UI thread."""

    def __init__(self, screen: MainScreen, paths: Sequence[str], parse: Parser) -> None:
        self._screen = screen
        self._paths = list(paths)
        self._parse = parse

    def start(self) -> None:
        self._screen.run_worker(self._load, thread=True, exclusive=True, group="load")

    def _call(self, callback: Callable[..., object], *arguments: object) -> None:
        self._screen.app.call_from_thread(callback, *arguments)

    def _load(self) -> None:
        """Parse in a thread; show papers as files finish, then index them."""
        worker = get_current_worker()
        screen = self._screen
        try:
            next_refresh = 0.0
            builder = None
            for progress in load_progressively(self._paths, self._parse):
                if worker.is_cancelled:
                    return
                builder = progress.builder
                started = monotonic()
                if progress.done == 1 or started >= next_refresh:
                    library = builder.snapshot() if progress.done else None
                    self._call(screen.library_progress, progress.done, progress.total, library)
                    finished = monotonic()
                    spacing = SNAPSHOT_SPACING * (finished - started)
                    next_refresh = finished + max(SNAPSHOT_INTERVAL, spacing)
            library = builder.snapshot() if builder else Library()
            index = SearchIndex(library.ordered_papers())
        except LibraryError as error:
            self._call(screen.library_failed, str(error))
            return
        if not worker.is_cancelled:
            self._call(screen.library_loaded, library, index)

    def after_load(self, index: SearchIndex) -> None:
        """The library is shown: count it, then make search fast at scale."""
        # The library is millions of long-lived objects: leave them out of
        # the garbage collector's full passes, which would otherwise stall a
        # keystroke now and then for a tenth of a second.
        gc.freeze()
        self._screen.run_worker(self._count, thread=True, exclusive=True, group="count")
        self._screen.run_worker(
            lambda: self._index_abstracts(index), thread=True, exclusive=True, group="index"
        )

    def _count(self) -> None:
        worker = get_current_worker()
        reader = self._screen.reader
        revision = reader.store.revision
        tally = reader.count()
        if not worker.is_cancelled:
            self._call(self._screen.library_counted, tally, revision)

    def count_searches(self) -> None:
        """Count the saved searches and find the watches' papers, in a worker."""
        self._screen.run_worker(self._count_searches, thread=True, exclusive=True, group="searches")

    def _count_searches(self) -> None:
        worker = get_current_worker()
        reader = self._screen.reader
        index, store = reader.index, reader.store
        if index is None:
            return
        revision = store.revision
        counts: dict[str, tuple[int, int]] = {}
        watched: dict[str, list[str]] = {}
        for search in reader.config.searches:
            if worker.is_cancelled:
                return
            try:
                positions = index.search(search.query, marks=store).positions
            except QueryError:
                continue
            ids = [index.ids[i] for i in positions]
            read = store.read_ids()
            counts[search.name] = (len(ids), sum(1 for i in ids if i not in read))
            if search.watch:
                for paper_id in ids:
                    watched.setdefault(paper_id, []).append(search.name)
        frozen = {paper_id: tuple(names) for paper_id, names in watched.items()}
        if not worker.is_cancelled:
            self._call(self._screen.searches_counted, counts, frozen, revision)

    def _index_abstracts(self, index: SearchIndex) -> None:
        """Filtering already works; this makes it fast at scale."""
        worker = get_current_worker()
        index.index_abstracts(cancelled=lambda: worker.is_cancelled)
