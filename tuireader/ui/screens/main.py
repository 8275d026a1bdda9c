"""The main screen: owns the reader's state and hands it down to the widgets.

State flows down (library, scope, query, marks), events flow up (widgets post
messages; this screen calls the core). Loading and filtering run in worker
threads so the UI never blocks.
"""

from __future__ import annotations

import gc
import threading
from collections import Counter
from collections.abc import Sequence
from datetime import date
from time import monotonic
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, ProgressBar
from textual.worker import get_current_worker

from tuireader.core.library import Library, LibraryError, Parser, load_progressively
from tuireader.core.model import Paper
from tuireader.core.query import QueryError
from tuireader.core.search import Searcher, SearchIndex
from tuireader.core.store import AnnotationStore, StoreError
from tuireader.ui.screens.note import NoteEditor
from tuireader.ui.widgets.date_sidebar import (
    ALL,
    NOTES,
    STARRED,
    DateSidebar,
    Scope,
    SidebarCounts,
)
from tuireader.ui.widgets.filter_bar import FilterBar
from tuireader.ui.widgets.paper_detail import PaperDetail
from tuireader.ui.widgets.paper_list import PaperList

#: While loading, the list is refreshed at most this often (seconds)...
SNAPSHOT_INTERVAL = 0.5
#: ...and waits at least this many times as long as the last refresh took: a
#: refresh costs time in proportion to the papers already loaded, and must
#: never take more than a fifth of the load (at a million papers it would).
SNAPSHOT_SPACING = 4
#: Seconds the cursor must rest before the detail pane follows it: redrawing
#: the detail for every row a held key passes would make the list lag.
DETAIL_DELAY = 0.05


class MainScreen(Screen[None]):
    """Sidebar, filter, list and detail; the reader people open every morning."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "slash",
            "focus_filter",
            "Filter",
            key_display="/",
            tooltip="Filter the list as you type; Enter goes to the best match.",
        ),
        Binding("s", "star", "Star", tooltip="Star or unstar the selected paper (saved at once)."),
        Binding("n", "note", "Note", tooltip="Write, edit or delete the selected paper's note."),
        Binding(
            "o", "open_abstract", "Open", tooltip="Open the paper's abstract page in the browser."
        ),
        Binding("p", "open_pdf", "PDF", tooltip="Open the paper's PDF in the browser."),
        Binding(
            "y",
            "copy_link",
            "Copy link",
            show=False,
            tooltip="Copy the abstract page's URL to the clipboard.",
        ),
        Binding(
            "left_square_bracket",
            "older_date",
            "Older date",
            show=False,
            tooltip="Show the previous (older) date.",
        ),
        Binding(
            "right_square_bracket",
            "newer_date",
            "Newer date",
            show=False,
            tooltip="Show the next (newer) date.",
        ),
        Binding(
            "a",
            "widen",
            "All papers",
            show=False,
            tooltip="Search every paper instead of the selected date or list.",
        ),
        Binding(
            "b", "toggle_sidebar", "Sidebar", show=False, tooltip="Show or hide the date sidebar."
        ),
        Binding(
            "w",
            "show_warnings",
            "Loading warnings",
            show=False,
            tooltip="List the files skipped and lines ignored while loading.",
        ),
        Binding(
            "escape",
            "back",
            "Back",
            show=False,
            tooltip="Clear the filter, or return from the detail pane to the list.",
        ),
    ]

    scope: reactive[Scope] = reactive[Scope](ALL, init=False)

    def __init__(self, paths: Sequence[str], store: AnnotationStore, parse: Parser) -> None:
        super().__init__()
        self._paths = list(paths)
        self._store = store
        self._parse = parse
        self.library = Library()
        self._ordered: list[Paper] = []
        self._index: SearchIndex | None = None
        self._searcher: Searcher | None = None
        self._search_lock = threading.Lock()
        self._loading = True
        self._detail_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield DateSidebar(id="sidebar")
            with Vertical(id="main"):
                with Vertical(id="center"):
                    yield FilterBar(id="filter")
                    yield ProgressBar(id="progress", show_eta=False, show_percentage=True)
                    yield PaperList(id="papers")
                yield PaperDetail(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.paper_list.focus()
        self.paper_list.show([], empty="Loading digests…")
        self._load()

    def on_unmount(self) -> None:
        gc.unfreeze()  # see _show_loaded

    # Widgets ---------------------------------------------------------------

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def sidebar(self) -> DateSidebar:
        return self.query_one(DateSidebar)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def query_text(self) -> str:
        return self.filter_bar.value.strip()

    # Loading ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        """Parse in a thread; show papers as files finish, then index them."""
        worker = get_current_worker()
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
                    self.app.call_from_thread(
                        self._show_progress, progress.done, progress.total, library
                    )
                    finished = monotonic()
                    spacing = SNAPSHOT_SPACING * (finished - started)
                    next_refresh = finished + max(SNAPSHOT_INTERVAL, spacing)
            library = builder.snapshot() if builder else Library()
            index = SearchIndex(library.ordered_papers())
        except LibraryError as error:
            self.app.call_from_thread(self._show_load_error, str(error))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_loaded, library, index)

    @work(thread=True, exclusive=True, group="index")
    def _index_abstracts(self, index: SearchIndex) -> None:
        """Filtering already works; this makes it fast at scale."""
        worker = get_current_worker()
        index.index_abstracts(cancelled=lambda: worker.is_cancelled)

    def _show_progress(self, done: int, total: int, library: Library | None) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)
        if library is not None:
            self._show_library(library)

    def _show_loaded(self, library: Library, index: SearchIndex) -> None:
        self._loading = False
        self.query_one(ProgressBar).display = False
        self._index, self._searcher = index, Searcher(index)
        self._show_library(library)
        # The library is millions of long-lived objects: leave them out of
        # the garbage collector's full passes, which would otherwise stall a
        # keystroke now and then for a tenth of a second.
        gc.freeze()
        self._index_abstracts(index)
        if library.warnings:
            count = len(library.warnings)
            self.app.say(
                f"{count} loading warning{'s' * (count != 1)}: press w to see them.",
                title="Some files were skipped",
                severity="warning",
                timeout=8,
            )

    def _show_load_error(self, message: str) -> None:
        self._loading = False
        self.query_one(ProgressBar).display = False
        self.paper_list.show([], empty=message)
        self.app.say(message, title="Cannot load digests", severity="error", timeout=15)

    def _show_library(self, library: Library) -> None:
        self.library = library
        self._ordered = library.ordered_papers()
        self.sidebar.show_dates(library.dates, self._counts(), self.scope)
        self._refresh_list(keep=True)

    # Scope, filter and list ------------------------------------------------

    def _scope_papers(self) -> list[Paper]:
        scope, library = self.scope, self.library
        if scope == ALL:
            return self._ordered
        if scope == STARRED:
            return [p for p in self._ordered if p.id in self._store.starred_ids()]
        if scope == NOTES:
            return [p for p in self._ordered if p.id in self._store.noted_ids()]
        return library.papers_on(scope) if isinstance(scope, date) else []

    def _scope_name(self) -> str:
        scope = self.scope
        if isinstance(scope, date):
            return f"{scope:%a %d %b %Y}"
        return {ALL: "all papers", STARRED: "starred papers", NOTES: "papers with notes"}[scope]

    def watch_scope(self) -> None:
        self._refresh_list(keep=False)

    def _refresh_list(self, keep: bool) -> None:
        """Show the scope's papers, filtered by the query when there is one."""
        papers = self._scope_papers()
        query = self.query_text
        self.sub_title = self._scope_name()
        if not query:
            self._show_rows(papers, (), keep, len(papers))
        elif self._index is not None:
            self._filter(query, self._scope_positions(papers), len(papers), keep)
        else:
            self.filter_bar.set_count("indexing…")

    def _scope_positions(self, papers: list[Paper]) -> list[int] | None:
        if self.scope == ALL or self._index is None:
            return None
        return sorted(self._index.position[p.id] for p in papers)

    @work(thread=True, exclusive=True, group="filter")
    def _filter(self, query: str, scope: list[int] | None, scope_size: int, keep: bool) -> None:
        """Rank in a thread; a newer keystroke cancels this one before it starts."""
        worker = get_current_worker()
        with self._search_lock:
            if worker.is_cancelled or self._searcher is None:
                return
            try:
                result = self._searcher.search(query, scope)
            except QueryError:
                return
        papers = [self._ordered[i] for i in result.positions]
        if not worker.is_cancelled:
            self.app.call_from_thread(
                self._show_rows, papers, tuple(t.text for t in result.texts), keep, scope_size
            )

    def _show_rows(
        self, papers: Sequence[Paper], terms: tuple[str, ...], keep: bool, scope_size: int
    ) -> None:
        self.paper_list.show(papers, terms, keep=keep, empty=self._empty_message(terms))
        self.paper_list.set_marks(self._store.starred_ids(), self._store.noted_ids())
        if terms:
            self.filter_bar.set_count(f"{len(papers):,} of {scope_size:,}")
        else:
            self.filter_bar.set_count(f"{len(papers):,} papers")
        if not papers:
            self.detail.show(None, empty="")

    def _empty_message(self, terms: tuple[str, ...]) -> str:
        if self._loading:
            return "Loading digests…"
        if not self.library.papers:
            where = ", ".join(self._paths)
            return (
                f"No digests found in {where}. Open a folder of daily arXiv digests: tuireader PATH"
            )
        if terms:
            widen = "" if self.scope == ALL else " Press a to search all papers,"
            return (
                f"No paper matches “{self.query_text}” in {self._scope_name()}.{widen} Esc clears."
            )
        if self.scope == STARRED:
            return "No starred papers yet. Press s on a paper to star it."
        if self.scope == NOTES:
            return "No notes yet. Press n on a paper to write one."
        return "No papers on this date."

    @on(DateSidebar.ScopeChosen)
    def _scope_chosen(self, event: DateSidebar.ScopeChosen) -> None:
        if event.scope != self.scope:
            self.scope = event.scope

    @on(FilterBar.Changed)
    def _query_changed(self) -> None:
        self._refresh_list(keep=False)

    @on(FilterBar.Submitted)
    def _query_submitted(self) -> None:
        self.paper_list.focus()
        self.paper_list.cursor = 0

    @on(FilterBar.Cancelled)
    def _query_cancelled(self) -> None:
        self.filter_bar.clear()
        self.paper_list.focus()

    @on(PaperList.Highlighted)
    def _paper_highlighted(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
        self._detail_timer = self.set_timer(DETAIL_DELAY, self._show_current_paper)

    def _show_current_paper(self) -> None:
        paper = self.paper_list.current
        annotation = self._store.get(paper.id) if paper else None
        self.detail.show(paper, annotation.note if annotation else None)

    @on(PaperList.Selected)
    def _paper_selected(self) -> None:
        self.detail.focus()

    # Actions ---------------------------------------------------------------

    def action_focus_filter(self) -> None:
        self.filter_bar.input.focus()

    def action_back(self) -> None:
        if self.detail.has_focus:
            self.paper_list.focus()
        elif self.query_text:
            self.filter_bar.clear()
            self.paper_list.focus()

    def action_widen(self) -> None:
        self.choose_scope(ALL)

    def action_older_date(self) -> None:
        self._step_date(+1)

    def action_newer_date(self) -> None:
        self._step_date(-1)

    def _step_date(self, step: int) -> None:
        dates = self.library.dates
        if not dates:
            return
        if isinstance(self.scope, date) and self.scope in dates:
            target = dates.index(self.scope) + step
            if not 0 <= target < len(dates):
                self.app.bell()
                return
            self.choose_scope(dates[target])
        else:
            self.choose_scope(dates[0])

    def choose_scope(self, scope: Scope) -> None:
        """Show ``scope``, with the sidebar's cursor on it."""
        self.scope = scope
        self.sidebar.select_scope(scope)

    def action_toggle_sidebar(self) -> None:
        self.sidebar.display = not self.sidebar.display

    def action_show_warnings(self) -> None:
        from tuireader.ui.screens.warnings import WarningsScreen

        if self.library.warnings:
            self.app.push_screen(WarningsScreen(self.library.warnings))
        else:
            self.app.say("No loading warnings.")

    def action_star(self) -> None:
        paper = self._current_or_bell()
        if paper is None:
            return
        try:
            annotation = self._store.toggle_star(paper.id, paper.title)
        except StoreError as error:
            self.app.say(str(error), title="Star not saved yet", severity="error", timeout=15)
            annotation = self._store.get(paper.id)
        starred = bool(annotation and annotation.starred)
        self.app.say(f"{'Starred' if starred else 'Unstarred'}: {paper.title}", timeout=2)
        self._marks_changed()

    def action_note(self) -> None:
        paper = self._current_or_bell()
        if paper is None:
            return
        annotation = self._store.get(paper.id)
        note = annotation.note if annotation and annotation.note else ""

        def save(text: str | None) -> None:
            if text is None:
                return
            try:
                self._store.set_note(paper.id, text, paper.title)
            except StoreError as error:
                self.app.say(str(error), title="Note not saved yet", severity="error", timeout=15)
            self.app.say("Note deleted." if not text.strip() else "Note saved.", timeout=2)
            self._marks_changed()

        self.app.push_screen(NoteEditor(paper.title, note), save)

    def action_open_abstract(self) -> None:
        if paper := self._current_or_bell():
            self.app.open_link(paper.abs_url)  # type: ignore[attr-defined]

    def action_open_pdf(self) -> None:
        if paper := self._current_or_bell():
            self.app.open_link(paper.pdf_url)  # type: ignore[attr-defined]

    def action_copy_link(self) -> None:
        if paper := self._current_or_bell():
            self.app.copy_to_clipboard(paper.abs_url)
            self.app.say(f"Copied {paper.abs_url}", timeout=2)

    def _current_or_bell(self) -> Paper | None:
        paper = self.paper_list.current
        if paper is None:
            self.app.bell()
        return paper

    def _marks_changed(self) -> None:
        """A star or note changed: relabel, re-mark and redraw the detail."""
        self.paper_list.set_marks(self._store.starred_ids(), self._store.noted_ids())
        self.sidebar.update_counts(self._counts())
        paper = self.paper_list.current
        annotation = self._store.get(paper.id) if paper else None
        self.detail.show(paper, annotation.note if annotation else None, keep_scroll=True)

    def _counts(self) -> SidebarCounts:
        papers = self.library.papers
        starred = [papers[i] for i in self._store.starred_ids() if i in papers]
        noted = sum(1 for i in self._store.noted_ids() if i in papers)
        return SidebarCounts(
            total=len(papers),
            starred=len(starred),
            noted=noted,
            per_date={day: len(ids) for day, ids in self.library.by_date.items()},
            starred_per_date=Counter(day for paper in starred for day in paper.dates),
        )
