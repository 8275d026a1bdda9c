"""The main screen: wiring between the widgets and the reader's state.

Keys call :class:`~tuireader.core.reader.Reader` methods; what they change is
drawn again. The reader owns the state (scope, query, cursor, undo); the
loader runs the slow work in threads; the dialogs live in their own modules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header, ProgressBar
from textual.worker import get_current_worker

from tuireader.core.library import Parser
from tuireader.core.reader import Outcome, Reader, Rows, plural
from tuireader.core.scope import ALL, Scope
from tuireader.core.state import ReaderState, save_state
from tuireader.core.tally import sidebar_counts
from tuireader.ui.background import RECOUNT_DELAY
from tuireader.ui.loader import Loader
from tuireader.ui.main_actions import Actions
from tuireader.ui.notify import say
from tuireader.ui.paint_hold import PaintHold
from tuireader.ui.screens.main_keys import MAIN_KEYS
from tuireader.ui.widgets.filter_bar import FilterBar
from tuireader.ui.widgets.note_editor import NoteEditor
from tuireader.ui.widgets.paper_detail import PaperDetail
from tuireader.ui.widgets.paper_list import PaperList
from tuireader.ui.widgets.sidebar import Sidebar, SidebarContents

#: Seconds the cursor must rest before the detail pane follows it: redrawing
#: the detail for every row a held key passes would make the list lag.
DETAIL_DELAY = 0.05


class MainScreen(Actions, Screen[None]):
    """Sidebar, filter, list and detail: the reader people open every morning."""

    HORIZONTAL_BREAKPOINTS = [
        (0, "-narrow"),
        (100, "-medium"),
        (160, "-wide"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = MAIN_KEYS

    def __init__(
        self,
        paths: Sequence[str],
        reader: Reader,
        parse: Parser,
        state: ReaderState,
        watch: bool = True,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.reader = reader
        self.loader = Loader(self, paths, parse, watch)
        #: Where to put the cursor once its paper is loaded (until the user moves).
        self._resume: ReaderState | None = state if state.paper else None
        self._pending_timers: dict[str, Timer] = {}
        self.paint_hold = PaintHold(self.app)
        reader.restore(state)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="main"):
                with Vertical(id="center"):
                    yield FilterBar(self._typed, id="filter")
                    yield ProgressBar(id="progress", show_eta=False, show_percentage=True)
                    yield PaperList(self.reader, id="papers")
                with Vertical(id="reading"):
                    yield PaperDetail(id="detail")
                    yield NoteEditor(id="note")
        yield Footer()

    def on_mount(self) -> None:
        self.note_editor.display = False
        self.filter_bar.set_value(self.reader.query)
        self.paper_list.focus()
        self.paper_list.show([], 0, empty="Loading digests…")
        self.sub_title = self.reader.scope.label
        self.loader.start()

    def on_unmount(self) -> None:
        import gc

        gc.unfreeze()  # see Loader.after_load
        self.loader.stop()
        try:
            save_state(self.reader.state())
        except OSError:
            pass  # resuming is a convenience: never an error on the way out

    # Widgets -----------------------------------------------------------------------

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    @property
    def sidebar(self) -> Sidebar:
        return self.query_one(Sidebar)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    @property
    def detail(self) -> PaperDetail:
        return self.query_one(PaperDetail)

    @property
    def note_editor(self) -> NoteEditor:
        return self.query_one(NoteEditor)

    def editing_note(self, editing: bool) -> None:
        """The note editor opened or closed: on a short terminal the reading
        pane takes rows from the list, and the detail leaves the note to the
        editor so the abstract stays in view."""
        self.set_class(editing, "-editing-note")
        self._show_detail(keep_scroll=True)

    def contents_changed(self) -> None:
        """Tags or saved searches came or went: the sidebar lists them again."""
        self._show_contents()

    def _show_contents(self) -> None:
        reader = self.reader
        library = reader.library
        several = len(library.categories) > 1
        categories = (
            {day: tuple(cats) for day, cats in library.by_category.items()} if several else {}
        )
        contents = SidebarContents(
            library.dates,
            categories if several else {},
            reader.store.tag_names(),
            reader.config.searches,
        )
        self.sidebar.show(contents, self.counts(), reader.scope)

    def counts(self) -> dict[Scope, tuple[int, int]]:
        """(total, unread) of every entry of the sidebar."""
        reader = self.reader
        return sidebar_counts(reader.tally, reader.library, reader.store, reader.searches.counts)

    # Rows --------------------------------------------------------------------------

    def refresh_rows(self, keep: bool = True) -> None:
        """Compute the rows of the reader's scope and query in a worker; with
        ``keep`` the cursor stays on its paper if it is listed, else it goes
        to the top (as when the query changes: the best match first)."""
        reader = self.reader
        scope, query = reader.scope, self.filter_bar.value
        reader.query = query
        self.run_worker(
            lambda: self._compute(scope, query, keep), thread=True, exclusive=True, group="rows"
        )

    def _compute(self, scope: Scope, query: str, keep: bool) -> None:
        worker = get_current_worker()  # cancelled by a newer one: keys typed faster than searched
        rows = self.reader.compute_rows(scope, query, lambda: worker.is_cancelled)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._rows_ready, scope, rows, keep)

    def _rows_ready(self, scope: Scope, rows: Rows, keep: bool = True) -> None:
        reader = self.reader
        if (scope, rows.query, rows.generation) != (
            reader.scope,
            self.filter_bar.value,
            reader.generation,
        ):
            return  # a newer scope, query or library is on its way
        self.paint_hold.end()  # the rows (or the error) are painted with the key
        if self.loader.keys.waiting:  # the loader waits for them to be painted
            self.call_after_refresh(self.loader.keys.rows_painted)
        if rows.error is not None:  # the list keeps its last good rows meanwhile
            self.filter_bar.set_status(f"✗ {rows.error.message}", "error")
            return
        if self._resume and reader.row_of(self._resume.paper) is None and self.loader.loading:
            reader.cursor_id = self._resume.paper  # not loaded yet: keep looking for it
        row = reader.show_rows(rows, keep)
        if self._resume and not self.loader.loading:
            found = reader.row_of(self._resume.paper)
            row = found if found is not None else min(self._resume.row, len(rows.positions) - 1)
            reader.cursor_to(row)  # the paper, or the nearest row if it is gone
            self._resume = None
        waiting = scope.kind == "similar" and not reader.ranker.ready(reader.generation)
        if rows.order == "waiting" or waiting:
            self.loader.background.build_relevance()
        self.sub_title = reader.title()
        self.paper_list.show(
            rows.positions, max(row, 0), rows.texts, empty=self._empty_message(rows)
        )
        self._show_status(rows)
        if not rows.positions:
            self.detail.show(None, empty="")

    def _show_status(self, rows: Rows) -> None:
        if rows.corrections:
            fixed = "; ".join(f"{', '.join(words)} for {typo}" for typo, words in rows.corrections)
            self.filter_bar.set_status(f"searched {fixed}", "hint")
        elif rows.query.strip():
            self.filter_bar.set_status(f"{len(rows.positions):,} of {rows.scope_size:,}")
        else:
            self.filter_bar.set_status(plural(len(rows.positions), "paper"))

    def _empty_message(self, rows: Rows) -> str:
        scope = self.reader.scope
        if self.loader.loading:
            return "Loading digests…"
        if not self.reader.library.papers:
            where = ", ".join(self.paths)
            return (
                f"No digests found in {where}. Open a folder of daily arXiv digests: tuireader PATH"
            )
        if scope.kind == "similar":
            return "Finding the papers most like this one…"
        if rows.query.strip():
            wider = "" if scope == ALL else " Enter searches all papers,"
            return f"No paper matches “{rows.query}” in {scope.label}.{wider} Esc clears."
        return {
            "starred": "No starred papers yet. Press s on a paper to star it.",
            "noted": "No notes yet. Press n on a paper to write one.",
            "unread": "Nothing unread. Well done.",
            "tag": "No paper has this tag any more.",
        }.get(scope.kind, "No papers here.")

    def choose_scope(self, scope: Scope) -> None:
        """Show ``scope``, with the sidebar's cursor on it."""
        if scope != self.reader.scope:
            self.reader.scope = scope
            self.refresh_rows()
        self.sidebar.select_scope(scope)

    @on(Sidebar.ScopeChosen)
    def _scope_chosen(self, event: Sidebar.ScopeChosen) -> None:
        if event.scope != self.reader.scope:
            self.reader.scope = event.scope
            self.refresh_rows()

    def _typed(self, query: str) -> None:
        """The query changed: search at once, and paint the key with its rows.
        A new query puts the best match first; clearing it keeps the paper found."""
        self.paint_hold.begin()
        # The detail follows the rows once typing rests: drawn between keys
        # typed quickly, it delayed the next key's rows by a paint (~8 ms).
        self.later("detail", DETAIL_DELAY, self._show_detail)
        if self.loader.loading:
            self.loader.keys.rows_asked()
        self.refresh_rows(keep=not query.strip())

    @on(FilterBar.Submitted)
    def _query_submitted(self) -> None:
        if not self.paper_list.rows and self.filter_bar.value.strip():
            self.choose_scope(ALL)  # nothing here: look everywhere, as the list offers
            return
        self.paper_list.focus()
        self.paper_list.move_to(0)

    @on(FilterBar.Cancelled)
    def _query_cancelled(self) -> None:
        self.filter_bar.clear()
        self.paper_list.focus()

    # The cursor and the detail ---------------------------------------------------------

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        if event.row != self.paper_list.cursor:
            return  # stale: the list moved on since
        self.reader.cursor_to(event.row)
        if event.by_user:
            self._resume = None  # the user moved: no jumping back to where they were
        self.later("detail", DETAIL_DELAY, self._show_detail)

    def _show_detail(self, keep_scroll: bool = False) -> None:
        reader = self.reader
        paper = reader.current
        if paper is None:
            self.detail.show(None)
            return
        marks, texts = reader.marks_of(paper.id), reader.rows.texts
        if self.note_editor.paper_id == paper.id:
            marks = replace(marks, note=None)  # the editor below shows it
        why = (
            reader.ranker.why(reader.position[paper.id]) if reader.rows.order == "relevance" else []
        )
        reason = f"like {reader.ranker.label}: {', '.join(why)}" if why else ""
        self.detail.show(paper, marks, texts, reader.readable, reason, keep_scroll=keep_scroll)
        after = reader.config.mark_read_after
        if after > 0 and not keep_scroll:
            self.later("read", after, lambda: self._rested(paper.id))

    def _rested(self, paper_id: str) -> None:
        paper = self.reader.current
        if paper is not None and paper.id == paper_id and self.reader.mark_read_after_rest(paper):
            self.marks_changed()

    @on(PaperList.Selected)
    def _selected(self) -> None:
        paper = self.reader.current
        if paper is not None and self.reader.mark_read_after_rest(paper):
            self.marks_changed()
        self.detail.focus()

    @on(PaperDetail.Step)
    def _step(self, event: PaperDetail.Step) -> None:
        self.paper_list.move(event.by)
        self._show_detail()

    @on(PaperDetail.NextUnread)
    def _next_unread_from_detail(self) -> None:
        self.action_next_unread()

    def later(self, name: str, delay: float, callback: object) -> None:
        """Run ``callback`` after ``delay`` seconds, replacing any pending one of that name."""
        timer = self._pending_timers.pop(name, None)
        if timer is not None:
            timer.stop()
        self._pending_timers[name] = self.set_timer(delay, callback)  # type: ignore[arg-type]

    # After a change ----------------------------------------------------------------------

    def done(self, outcome: Outcome, quiet: bool = False) -> None:
        """Tell the user what an action did (or why it failed), and redraw."""
        if outcome.problem:
            say(self.app, outcome.problem, title="Not saved yet", severity="error", timeout=15)
        elif not quiet or not outcome.changed:
            say(self.app, outcome.message, timeout=3)
        if outcome.changed:
            self.marks_changed()

    def marks_changed(self) -> None:
        """Marks changed: rows, counts and the detail follow at once; the saved
        searches are recounted when the changes pause."""
        self.paper_list.refresh_marks()
        if self.reader.store.tag_names() != list(self.sidebar.contents.tags):
            self._show_contents()
        else:
            self.sidebar.update_counts(self.counts())
        self._show_detail(keep_scroll=True)
        if self.reader.config.searches:
            self.later("recount", RECOUNT_DELAY, self.loader.background.count_searches)
