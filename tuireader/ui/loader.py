"""Loading the library off the UI thread: parse (or read the cache) file by
file, show papers as they come, then index and count them in the background;
load it again when digests change while the app is open."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from textual.widgets import ProgressBar
from textual.worker import get_current_worker

from tuireader.core import library_file
from tuireader.core.arrivals import what_arrived
from tuireader.core.cache import ParseCache
from tuireader.core.collector import collector_paused
from tuireader.core.discovery import LibraryError
from tuireader.core.library import (
    Library,
    LibraryBuilder,
    LoadedFiles,
    Parser,
    load_progressively,
    reload_library,
)
from tuireader.core.parallel import parse_in_order, worker_count
from tuireader.core.reader import plural
from tuireader.core.search import SearchIndex
from tuireader.ui.background import Background
from tuireader.ui.key_priority import KeyPriority, gil_handed_over_often
from tuireader.ui.notify import say
from tuireader.ui.watch import Watcher

if TYPE_CHECKING:
    from tuireader.ui.screens.main import MainScreen

#: A library file and what was read from it.
Mapped = tuple[library_file.LibraryReader, library_file.Opened]
#: While loading, the list is refreshed at most this often (seconds)...
SNAPSHOT_INTERVAL = 0.5
#: ...and waits at least this many times as long as the last refresh took: a
#: refresh costs time in proportion to the papers already loaded, and must
#: never take more than a fifth of the load (at a million papers it would).
SNAPSHOT_SPACING = 4
#: While a query filters the loading list, snapshots come after at least
#: this many times as long as the slowest search of a snapshot took: a
#: newer snapshot drops the rows of the one before.
FILTERED_SNAPSHOT_SPACING = 2


class Loader:
    """Runs the screen's background work and hands the results to the
    screen's reader and widgets, on the UI thread."""

    def __init__(
        self, screen: MainScreen, paths: Sequence[str], parse: Parser, watch: bool = True
    ) -> None:
        self._screen = screen
        self._paths = list(paths)
        self._parse = parse
        self.loading = True
        #: The files of the library shown, for a reload to reuse (none when
        #: it came from the library file), and their key.
        self._files: LoadedFiles = {}
        self._key: library_file.Key | None = None
        #: The library file shown, when it came from one: a reload extends it.
        self._mapped: Mapped | None = None
        #: Where the library file is kept (None: no cache, no library file).
        self._library_folder = (
            parse.folder.parent / "library" if isinstance(parse, ParseCache) else None
        )
        self.background = Background(screen, self)
        #: The loader's thread gives way to rows being answered (a key's, a
        #: filtered snapshot's).
        self.keys = KeyPriority()
        self._told_no_room = False
        store = screen.reader.store
        self._watcher = Watcher(self, paths, [store.path, store.journal.path]) if watch else None

    def start(self) -> None:
        self.run_in_thread(self._load, "load")
        if self._watcher:  # from the start: a digest may land while loading
            self._watcher.start()

    def stop(self) -> None:
        if self._watcher:
            self._watcher.stop()

    def run_in_thread(self, work: Callable[[], object], group: str) -> None:
        """Run ``work`` in a worker thread; a newer one of its group replaces it."""
        self._screen.run_worker(work, thread=True, exclusive=True, group=group)

    @property
    def running(self) -> bool:
        """Whether the app is still there to take results."""
        return self._screen.app.is_running and self._screen.is_attached

    def call_from_thread(self, callback: Callable[..., object], *arguments: object) -> None:
        """Run ``callback`` on the UI thread, from a worker."""
        self._screen.app.call_from_thread(callback, *arguments)

    def _load(self) -> None:
        """Parse in a thread; show papers as files finish, then index them
        (the garbage collector paused: see :mod:`tuireader.core.collector`)."""
        with collector_paused(), gil_handed_over_often():
            self._load_library()

    def _load_library(self) -> None:
        worker = get_current_worker()
        try:
            if self._from_library_file():
                return
            next_refresh = 0.0
            builder = None
            # Closed at once when cancelled: a pool of parsers stops with it.
            loading = load_progressively(self._paths, self._parse, worker_count())
            with contextlib.closing(loading):
                for progress in loading:
                    if worker.is_cancelled:
                        return
                    self.keys.give_way()
                    builder = progress.builder
                    started = monotonic()
                    if progress.done == 1 or started >= next_refresh:
                        library = builder.snapshot() if progress.done else None
                        # Its searcher costs what its new papers do (they
                        # would be searched anyway): not part of its cost.
                        prepared = self._prepare(library)
                        self.call_from_thread(
                            self._progress, progress.done, progress.total, library
                        )
                        finished = monotonic()
                        spacing = SNAPSHOT_SPACING * (finished - started - prepared)
                        next_refresh = finished + max(self._snapshot_interval(), spacing)
            builder = builder or LibraryBuilder()
            library = builder.snapshot()
            reader = self._screen.reader
            index = reader.snapshots.index_of(library, reader.query, self.keys.give_way)
        except LibraryError as error:
            self.call_from_thread(self._failed, str(error))
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._loaded, library, index, builder.files)

    def _prepare(self, library: Library | None) -> float:
        """Make the searcher of a snapshot about to be shown, if the list is
        filtered during this load; the seconds it took."""
        started, reader = monotonic(), self._screen.reader
        if library is not None:
            reader.snapshots.prepare(library, reader.query, self.keys.give_way)
        return monotonic() - started

    def _snapshot_interval(self) -> float:
        """Seconds between snapshots of the load, as the list is filtered or not."""
        reader = self._screen.reader
        if not reader.query.strip():
            return SNAPSHOT_INTERVAL
        searched = FILTERED_SNAPSHOT_SPACING * reader.snapshots.slowest
        return max(SNAPSHOT_INTERVAL, searched)

    def _from_library_file(self) -> bool:
        """Show the library file's library, if it fits the digests or only
        lacks new days (extended by the reload that follows): its newest day
        at once, then the whole of it."""
        if self._library_folder is None:
            return False
        found = library_file.kept(self._library_folder, self._paths)
        if found.warning:
            self.call_from_thread(self._file_damaged, str(found.warning))
        reader = found.reader
        if reader is None:
            return False
        target = library_file.location(self._library_folder, self._paths)
        try:
            # The newest day first, even before the file is known to fit:
            # if it does not, the digests' papers replace it as they come.
            self.call_from_thread(self._progress, 0, 1, reader.newest_day())
            if library_file.fit(reader, self._paths) is library_file.Fit.STALE:
                return False
            opened = reader.read()
        except library_file.Damaged as error:
            self.call_from_thread(self._file_damaged, str(library_file.damaged(target, error)))
            return False
        index = SearchIndex(opened.columns)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._loaded, opened.library, index, {}, "", (reader, opened))
        return True

    # On the UI thread ----------------------------------------------------------------

    def _progress(self, done: int, total: int, library: Library | None) -> None:
        screen = self._screen
        screen.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        if library is not None:
            screen.reader.set_library(library)
            screen.contents_changed()
            if screen.reader.query.strip():  # its rows come before the loader's next step
                self.keys.rows_asked()
            screen.refresh_rows()

    def _loaded(
        self,
        library: Library,
        index: SearchIndex,
        files: LoadedFiles,
        news: str = "",
        mapped: Mapped | None = None,
    ) -> None:
        """The whole library (first load, or again after digests changed:
        ``news`` says what arrived; scope, filter and cursor stay), from
        ``files`` or from the library file ``mapped``."""
        screen, first = self._screen, self.loading
        self.loading = False
        self._files, self._mapped = files, mapped
        self._key = mapped[0].key if mapped else library_file.key_of(files)
        screen.query_one(ProgressBar).display = False
        screen.reader.set_library(library, index)
        screen.contents_changed()
        screen.refresh_rows()
        self.background.after_load(index)
        kept = self._key
        if mapped is None and kept is not None:  # loaded from the digests: kept for the next start
            self.run_in_thread(lambda: self._keep(library, index, kept), "keep")
        self.background.count_searches()
        if news:
            say(screen.app, news, title="New digests", timeout=6)
        if first:
            self.reload()  # for what landed while loading (costs a look at the files)
        if library.warnings and first:
            count = plural(len(library.warnings), "loading warning")
            say(
                screen.app,
                f"{count}: press w to see them.",
                title="Some files were skipped",
                severity="warning",
                timeout=8,
            )

    def _adding(self, count: str) -> None:
        say(self._screen.app, f"Adding {count} to the library…", title="New digests", timeout=4)

    def _file_damaged(self, warning: str) -> None:
        say(self._screen.app, warning, title="Library file rebuilt", severity="warning", timeout=8)

    def _failed(self, message: str) -> None:
        self.loading = False
        self._screen.query_one(ProgressBar).display = False
        self._screen.paper_list.show([], 0, empty=message)
        say(self._screen.app, message, title="Cannot load digests", severity="error", timeout=15)

    def digests_changed(self) -> None:
        """Digest files were added, changed or deleted (and have settled);
        during the first load, the reload that follows it will see them."""
        if not self.loading:
            self.reload()

    def data_changed(self) -> None:
        """Another tuireader (or the CLI) changed the user's data files."""
        if self._screen.reader.store.reload():
            self._screen.marks_changed()

    # In workers ----------------------------------------------------------------------

    def reload(self) -> None:
        """Load the library again after digest files changed: only new and
        changed files are parsed, the others' papers are reused as loaded."""
        self.run_in_thread(self._reload, "reload")

    def _reload(self) -> None:
        # A new day at a million papers takes seconds.
        with collector_paused(), gil_handed_over_often():
            self._reload_library()

    def _reload_library(self) -> None:
        worker = get_current_worker()
        before = self._screen.reader.library
        try:
            if self._key is not None and library_file.current_key(self._paths) == self._key:
                return  # nothing came, changed or went
            if self._mapped and self._extend(before):
                return
            builder = reload_library(self._files, self._paths, self._parse, worker_count())
        except LibraryError:
            return  # a folder went away: keep showing what was loaded
        if builder is None:
            return  # nothing came, changed or went
        library = builder.snapshot()
        index = SearchIndex(library.ordered_papers())
        if not worker.is_cancelled:
            news = what_arrived(before, library)
            self.call_from_thread(self._loaded, library, index, builder.files, news)

    def _extend(self, before: Library) -> bool:
        """Extend the library file shown with the digests of new days, and
        show it; False if they are not only that (or it could not be done)."""
        assert self._mapped is not None and self._library_folder is not None
        reader, opened = self._mapped
        added = library_file.addition(self._paths, reader.key)
        if added is None:
            return False
        count = plural(len(added.files), "new digest")
        self.call_from_thread(self._adding, count)
        results = list(parse_in_order(added.files, self._parse, worker_count()))
        target = library_file.location(self._library_folder, self._paths)
        if not self._written(lambda: library_file.extend(target, reader, opened, added, results)):
            return False
        mapped = self._opened(target, added.key)
        if mapped is None:
            return False
        if not get_current_worker().is_cancelled:
            library = mapped[1].library
            news = what_arrived(before, library)
            index = SearchIndex(mapped[1].columns)
            self.call_from_thread(self._loaded, library, index, {}, news, mapped)
        return True

    @staticmethod
    def _opened(target: Path, key: library_file.Key) -> Mapped | None:
        """The library file just written, read (None if it cannot be)."""
        with contextlib.suppress(library_file.Damaged):
            reader = library_file.LibraryReader.open(target, key)
            if reader is not None:
                return reader, reader.read()
        return None

    def _keep(self, library: Library, index: SearchIndex, key: library_file.Key) -> None:
        """Write a library loaded from the digests to its file (under the key
        of the files it was loaded from), once its words are indexed (waiting
        for the worker that indexes them), then read it back and show it from
        there: the same library, no text in memory."""
        worker = get_current_worker()
        folder = self._library_folder
        if folder is None:
            return
        index.index_words(cancelled=lambda: worker.is_cancelled)
        target = library_file.location(folder, self._paths)
        if worker.is_cancelled or not self._written(
            lambda: library_file.write(target, key, library, index)
        ):
            return
        mapped = self._opened(target, key)
        if mapped is not None and not worker.is_cancelled:
            self.call_from_thread(self._switch, library, mapped, SearchIndex(mapped[1].columns))

    def _written(self, write: Callable[[], bool]) -> bool:
        """Whether ``write`` wrote the library file; when the disk has too
        little room for it, the user is told why starts stay slow (once)."""
        try:
            return write()
        except library_file.NoRoom as error:
            self.call_from_thread(self._no_room, str(error))
            return False

    def _no_room(self, message: str) -> None:
        if not self._told_no_room:
            self._told_no_room = True
            say(self._screen.app, message, title="Library file not kept", severity="warning")

    def _switch(self, shown: Library, mapped: Mapped, index: SearchIndex) -> None:
        """Show the same library, now read from its file, if it is still the
        one shown (a reload may have replaced it meanwhile)."""
        if self._screen.reader.library is shown:
            self._loaded(mapped[1].library, index, {}, "", mapped)
