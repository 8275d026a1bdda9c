"""The reader's state, without Textual: what the list shows, where the cursor
is, and how to come back to it; what the user changes (with undo) is
:mod:`tuireader.core.changes`, which the reader builds on.

The main screen only wires widgets to this object: keys call its methods,
its results are drawn. Tests drive it directly, with a real library and a
real store. Work that takes long at 100,000 papers (:meth:`Reader.compute_rows`,
:meth:`Reader.count`) is pure and safe to run in a worker thread; everything
else runs on the thread that owns the reader.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from tuireader.core.changes import Changes, Outcome, plural, quoted
from tuireader.core.config import Config
from tuireader.core.latex import readable
from tuireader.core.library import Library
from tuireader.core.model import Paper
from tuireader.core.position_list import PositionList
from tuireader.core.query import QueryError, Text
from tuireader.core.rank import TooFewPositives
from tuireader.core.ranking import Ranker
from tuireader.core.scope import ALL, Scope
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.snapshot_search import SnapshotSearch
from tuireader.core.state import ReaderState
from tuireader.core.store import AnnotationStore, Edit
from tuireader.core.tally import SearchCounts, Tally

#: The faces import these from here, with the reader.
__all__ = ["Outcome", "PaperMarks", "Reader", "Rows", "plural", "quoted"]


@dataclass(frozen=True, slots=True)
class Rows:
    """What the list shows: positions in library order, what was searched for
    (to highlight it), corrections made, and how many papers the scope holds."""

    positions: Sequence[int] = ()
    texts: tuple[Text, ...] = ()
    corrections: tuple[tuple[str, tuple[str, ...]], ...] = ()
    scope_size: int = 0
    query: str = ""
    error: QueryError | None = None
    #: The library snapshot they were computed from (see Reader.generation).
    generation: int = 0
    #: "natural", "relevance", "waiting" (relevance asked for, not ready yet),
    #: or "newest" (a "more like this" list by date).
    order: str = "natural"


@dataclass(frozen=True, slots=True)
class PaperMarks:
    """What the user did with a paper, as a list row or the detail shows it."""

    read: bool = False
    starred: bool = False
    note: str | None = None
    tags: tuple[str, ...] = ()
    watches: tuple[str, ...] = ()


class Reader(Changes):
    """One reading session over a library and the user's store."""

    def __init__(self, store: AnnotationStore, config: Config | None = None) -> None:
        super().__init__(store)
        self.config = config or Config()
        self.library = Library()
        self.papers: Sequence[Paper] = []
        self.position: Mapping[str, int] = {}
        self.index: SearchIndex | None = None
        self.scope = ALL
        self.query = ""
        self.rows = Rows()
        self.cursor_id: str | None = None
        #: Counts library snapshots, so rows computed from an older one are known.
        self.generation = 0
        #: Relevance: whether the list is in its order, and the model behind it.
        self.by_relevance = False
        #: "More like this" lists newest first instead of most similar first.
        self.similar_newest_first = False
        self.ranker = Ranker()
        #: The saved searches' counts, and the watches each paper matches.
        self.searches = SearchCounts()
        self._searcher: Searcher | None = None
        #: Searches the snapshots of a library still loading.
        self.snapshots = SnapshotSearch(store)
        self._search_lock = threading.Lock()
        self._scope_cache: tuple[tuple[Scope, int, int], Sequence[int]] | None = None

    # The library -------------------------------------------------------------------

    def set_library(self, library: Library, index: SearchIndex | None = None) -> None:
        """A new snapshot of the library (while loading, then once indexed),
        with each paper's position as the index or the snapshot has it (made
        in a worker: a million IDs are not mapped on the UI thread)."""
        self.generation += 1
        self.library = library
        self.papers = library.ordered_papers()
        self.position = library.positions() if index is None else index.position
        self.index = index
        self._searcher = Searcher(index, self.store) if index else None
        self.snapshots.show(self.generation, None if index else self.papers, self.position)

    def paper(self, position: int) -> Paper:
        return self.papers[position]

    @property
    def current(self) -> Paper | None:
        return self.library.papers.get(self.cursor_id) if self.cursor_id else None

    def readable(self, text: str) -> str:
        """A title or abstract as shown: its LaTeX converted, unless the user
        set ``latex = false``."""
        return readable(text) if self.config.latex else text

    def title(self) -> str:
        """What the list is, for the window title: its scope, and its order."""
        scope = self.scope
        if scope.kind == "similar" and scope.value in self.library.papers:
            name = f"more like {quoted(self.readable(self.library.papers[scope.value].title))}"
        else:
            name = scope.label
        order = {
            "relevance": " · by likeness to {}",
            "waiting": " · learning from {}…",
            "newest": " · newest first",
        }
        return name + order.get(self.rows.order, "").format(self.ranker.label)

    def reason(self, paper: Paper) -> str:
        """Why a paper ranks where it does in a relevance order ("" otherwise)."""
        if self.rows.order != "relevance" or paper.id not in self.position:
            return ""
        why = self.ranker.why(self.position[paper.id])
        return f"like {self.ranker.label}: {', '.join(why)}" if why else ""

    def marks_of(self, paper_id: str) -> PaperMarks:
        store = self.store
        entry = store.get(paper_id)
        return PaperMarks(
            store.is_read(paper_id),
            entry.starred,
            entry.note,
            tuple(sorted(entry.tags)),
            self.searches.watches_of(paper_id),
        )

    def count(self) -> Tally:
        """Count every part of the library (slow at scale: call it in a worker)."""
        return Tally(self.library, self.store.read_ids(), position=self.position)

    # Rows ----------------------------------------------------------------------------

    def scope_positions(self, scope: Scope) -> Sequence[int]:
        """The papers of ``scope`` in their natural order (a day: as its digest
        listed them; everything else: newest first). The same object comes
        back while nothing it depends on changed: typing in a filter must not
        list the unread papers of 100,000 again on every key."""
        if scope.kind in ("saved", "similar"):  # they depend on more: never cached
            return self._scope_positions(scope)
        key = (scope, self.generation, self.store.revision)
        cached = self._scope_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        positions = self._scope_positions(scope)
        self._scope_cache = (key, positions)
        return positions

    def _scope_positions(self, scope: Scope) -> Sequence[int]:
        library, position = self.library, self.position
        if scope.kind == "all":
            return range(len(self.papers))
        if scope.kind == "unread":
            listed = library.ordered_ids
            is_read = np.fromiter(
                map(self.store.read_ids().__contains__, listed), bool, len(listed)
            )
            return PositionList(np.flatnonzero(~is_read))
        if scope.kind in ("starred", "noted", "tag"):
            store = self.store
            ids = (
                store.starred_ids()
                if scope.kind == "starred"
                else store.noted_ids()
                if scope.kind == "noted"
                else store.tagged(scope.value)
            )
            return sorted(position[i] for i in ids if i in position)
        if scope.day is not None:
            listed = (
                library.by_category.get(scope.day, {}).get(scope.category, ())
                if scope.category
                else library.by_date.get(scope.day, ())
            )
            return [position[i] for i in listed if i in position]
        if scope.month is not None:
            return sorted({position[i] for i in self._month_ids(scope) if i in position})
        if scope.kind == "similar":
            paper = position.get(scope.value)
            if paper is None or not self.ranker.ready(self.generation):
                return ()
            return self.ranker.similar(paper)
        return self._saved_positions(scope)

    def _month_ids(self, scope: Scope) -> Iterable[str]:
        year, month = scope.month or (0, 0)
        for day, ids in self.library.by_date.items():
            if (day.year, day.month) == (year, month):
                yield from (
                    self.library.by_category.get(day, {}).get(scope.category, ())
                    if scope.category
                    else ids
                )

    def _saved_positions(self, scope: Scope) -> Sequence[int]:
        search = next((s for s in self.config.searches if s.name == scope.value), None)
        if search is None or self.index is None:
            return ()
        try:
            return self.index.search(search.query, marks=self.store).positions
        except QueryError:
            return ()

    def compute_rows(
        self, scope: Scope, query: str, stale: Callable[[], bool] = lambda: False
    ) -> Rows:
        """The rows of ``scope`` filtered by ``query``. Pure: run it in a worker.
        A query that cannot be parsed gives the current rows and the error.
        One search runs at a time; a search found ``stale`` (a newer key came)
        once its turn comes is not run: the rows stay as they were."""
        rows = self._filtered(scope, query, stale)
        if scope.kind == "similar" and self.similar_newest_first and not rows.error:
            return replace(rows, positions=sorted(rows.positions), order="newest")
        if not self.by_relevance or scope.kind == "similar" or rows.error:
            return rows
        if not self.ranker.ready(rows.generation):
            return replace(rows, order="waiting")
        try:
            ordered = self.ranker.order(rows.positions, self.store, self.store.revision)
        except TooFewPositives:
            return rows  # the stars went: back to the natural order
        return replace(rows, positions=[s.position for s in ordered], order="relevance")

    def _filtered(self, scope: Scope, query: str, stale: Callable[[], bool]) -> Rows:
        generation = self.generation
        base = self.scope_positions(scope)
        if not query.strip():
            return Rows(base, scope_size=len(base), query=query, generation=generation)
        as_they_were = replace(self.rows, scope_size=len(base), query=query, generation=generation)
        with self._search_lock:
            if stale():  # a newer key came while this one waited: its search runs next
                return as_they_were
            started, searcher = time.monotonic(), self._searcher
            of_snapshot = searcher is None  # still loading: no index yet
            if searcher is None:
                searcher = self.snapshots.searcher(generation)
            if searcher is None:  # a newer snapshot came meanwhile: its rows follow
                return as_they_were
            try:
                result = searcher.search(query, None if scope.kind == "all" else base)
            except QueryError as error:
                return replace(self.rows, error=error, query=query, generation=generation)
            if of_snapshot:
                self.snapshots.searched(time.monotonic() - started)
        texts, corrections = result.texts, result.corrections
        return Rows(result.positions, texts, corrections, len(base), query, None, generation)

    def prepare_search(self) -> None:
        """Make the searcher of a loading library's snapshot now, before
        the first key asks for it, and those of the snapshots after it as
        they come. Pure: run it in a worker."""
        with self._search_lock:
            if self._searcher is None:
                self.snapshots.searcher(self.generation)

    def show_rows(self, rows: Rows, keep: bool = True) -> int:
        """Take new rows; returns the cursor's row: with ``keep``, on the same
        paper if it is still listed; else (or if it is gone) the first row."""
        self.rows = rows
        row = self.row_of(self.cursor_id) if keep else None
        if row is None:
            row = 0
            self.cursor_to(row)
        return row

    def row_of(self, paper_id: str | None) -> int | None:
        position = self.position.get(paper_id or "")
        if position is None:
            return None
        try:
            return self.rows.positions.index(position)
        except ValueError:
            return None

    @property
    def cursor_row(self) -> int:
        return self.row_of(self.cursor_id) or 0

    def cursor_to(self, row: int) -> Paper | None:
        """Put the cursor on a row of the list (clamped); returns its paper."""
        positions = self.rows.positions
        if not positions:
            self.cursor_id = None
            return None
        paper = self.papers[positions[max(0, min(row, len(positions) - 1))]]
        self.cursor_id = paper.id
        return paper

    # Changes to the whole list ---------------------------------------------------

    def mark_rows(self, read: bool) -> Outcome:
        """Mark every paper of the list read (or unread): one undo step."""
        ids = [self.library.ordered_ids[i] for i in self.rows.positions]
        word = "read" if read else "unread"
        edits = [Edit(paper_id, "read", read) for paper_id in ids]
        return self._do(f"Marked {plural(len(ids), 'paper')} {word}", edits)

    # Moving through unread papers ------------------------------------------------------

    def next_unread_row(self) -> int | None:
        """The next row after the cursor whose paper is unread."""
        read, ids = self.store.read_ids(), self.library.ordered_ids
        positions = self.rows.positions
        for row in range(self.cursor_row + 1, len(positions)):
            if ids[positions[row]] not in read:
                return row
        return None

    def next_unread_day(self) -> Scope | None:
        """After a day is read, the next (older) day with unread papers, in the
        same category; None when this is no day or no later one has any."""
        day = self.scope.day
        if day is None or self.tally is None:
            return None
        for other in self.library.dates:
            if other < day:
                candidate = Scope.of_day(other, self.scope.category)
                if (self.tally.of(candidate) or (0, 0))[1] > 0:
                    return candidate
        return None

    # Resuming ----------------------------------------------------------------------

    def state(self) -> ReaderState:
        return ReaderState(self.scope.key, self.query, self.cursor_id or "", self.cursor_row)

    def restore(self, state: ReaderState) -> None:
        """Go back to a saved state (a scope this version does not know is All)."""
        self.scope = Scope.from_key(state.scope) or ALL
        self.query = state.query
        self.cursor_id = state.paper or None

    def dates(self) -> tuple[date, ...]:
        return self.library.dates
