"""What the main screen's keys do: each asks the reader, then lets the screen redraw.

A mixin of the main screen (Textual finds ``action_*`` methods on the screen);
its methods name, in :class:`ReadingScreen`, what they use of it.
"""

from __future__ import annotations

from typing import Any, Protocol

from textual.app import App
from textual.timer import Timer

from tuireader.core import config as settings
from tuireader.core.model import Paper
from tuireader.core.reader import Outcome, Reader, plural, quoted
from tuireader.core.scope import ALL, Scope
from tuireader.ui.loader import Loader
from tuireader.ui.notify import open_link, say
from tuireader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from tuireader.ui.screens.export import ExportScreen, export_in_worker
from tuireader.ui.screens.tags import TagChange, TagEditor
from tuireader.ui.widgets.filter_bar import FilterBar
from tuireader.ui.widgets.note_editor import NoteEditor
from tuireader.ui.widgets.paper_detail import PaperDetail
from tuireader.ui.widgets.paper_list import PaperList
from tuireader.ui.widgets.sidebar import Sidebar


class ReadingScreen(Protocol):
    """What the actions use of the main screen."""

    reader: Reader
    loader: Loader
    paths: list[str]

    @property
    def app(self) -> App[Any]: ...
    @property
    def paper_list(self) -> PaperList: ...
    @property
    def sidebar(self) -> Sidebar: ...
    @property
    def filter_bar(self) -> FilterBar: ...
    @property
    def detail(self) -> PaperDetail: ...
    @property
    def note_editor(self) -> NoteEditor: ...
    def done(self, outcome: Outcome, quiet: bool = False) -> None: ...
    def marks_changed(self) -> None: ...
    def editing_note(self, editing: bool) -> None: ...
    def contents_changed(self) -> None: ...
    def choose_scope(self, scope: Scope) -> None: ...
    def refresh_rows(self, keep: bool = True) -> None: ...
    def set_timer(self, delay: float, callback: Any) -> Timer: ...


def _current(screen: ReadingScreen) -> Paper | None:
    """The paper under the list's cursor now: a key pressed right after a
    move must act on the paper moved to, before the move's message arrives."""
    paper = screen.reader.cursor_to(screen.paper_list.cursor)
    if paper is None:
        screen.app.bell()
    return paper


def _close_note(screen: ReadingScreen) -> None:
    screen.note_editor.close()
    screen.editing_note(False)
    screen.paper_list.focus()


class Actions:
    """The main screen's actions (see its BINDINGS for the keys)."""

    # Marks ---------------------------------------------------------------------------

    def action_star(self: ReadingScreen) -> None:
        if paper := _current(self):
            self.done(self.reader.toggle_star(paper))

    def action_toggle_read(self: ReadingScreen) -> None:
        if paper := _current(self):
            self.done(self.reader.toggle_read(paper))

    def action_mark_list(self: ReadingScreen, read: bool) -> None:
        self.done(self.reader.mark_rows(read))

    def action_undo(self: ReadingScreen) -> None:
        self.done(self.reader.undo())

    def action_redo(self: ReadingScreen) -> None:
        self.done(self.reader.redo())

    def action_next_unread(self: ReadingScreen) -> None:
        reader = self.reader
        reader.cursor_to(self.paper_list.cursor)
        row = reader.next_unread_row()
        if row is not None:
            self.paper_list.move_to(row)
            return
        day = reader.next_unread_day()
        if day is None:
            say(self.app, f"No more unread papers in {reader.scope.label}.", timeout=3)
            return
        say(self.app, f"On to {day.label}", timeout=2)
        reader.cursor_id = None
        self.choose_scope(day)
        self.set_timer(0.3, lambda: _first_unread(self))

    # Notes and tags ------------------------------------------------------------------------

    def action_note(self: ReadingScreen) -> None:
        if paper := _current(self):
            self.note_editor.edit(paper.id, paper.title, self.reader.store.get(paper.id).note or "")
            self.editing_note(True)

    def on_note_editor_saved(self: ReadingScreen, event: NoteEditor.Saved) -> None:
        paper = self.reader.library.papers.get(event.paper_id)
        _close_note(self)
        if paper is not None:
            self.done(self.reader.set_note(paper, event.text))

    def on_note_editor_cancelled(self: ReadingScreen, event: NoteEditor.Cancelled) -> None:
        def close(discard: bool | None) -> None:
            if discard:
                _close_note(self)

        if event.changed:
            self.app.push_screen(ConfirmScreen("Discard the changes to this note?"), close)
        else:
            close(True)

    def action_tags(self: ReadingScreen) -> None:
        paper = _current(self)
        if paper is None:
            return
        current = frozenset(self.reader.store.get(paper.id).tags)

        def save(change: TagChange | None) -> None:
            if change and (change.add or change.remove):
                self.done(self.reader.set_tags([paper], change.add, change.remove))

        title = f"Tags of {quoted(paper.title)}"
        self.app.push_screen(TagEditor(title, self.reader.store.tag_names(), current), save)

    def action_tag_list(self: ReadingScreen) -> None:
        papers = [self.reader.paper(i) for i in self.reader.rows.positions]
        if not papers:
            self.app.bell()
            return

        def save(change: TagChange | None) -> None:
            if change and (change.add or change.remove):
                self.done(self.reader.set_tags(papers, change.add, change.remove))

        title = f"Tag {plural(len(papers), 'paper')} of {self.reader.scope.label}"
        self.app.push_screen(TagEditor(title, self.reader.store.tag_names(), None), save)

    # Links ------------------------------------------------------------------------------

    def action_open_abstract(self: ReadingScreen) -> None:
        if paper := _current(self):
            open_link(self.app, paper.abs_url)

    def action_open_pdf(self: ReadingScreen) -> None:
        if paper := _current(self):
            open_link(self.app, paper.pdf_url)

    def action_copy_link(self: ReadingScreen) -> None:
        if paper := _current(self):
            self.app.copy_to_clipboard(paper.abs_url)
            say(self.app, f"Copied {paper.abs_url}", timeout=2)

    # Moving around --------------------------------------------------------------------------

    def action_focus_filter(self: ReadingScreen) -> None:
        self.filter_bar.input.focus()
        if self.loader.loading:  # the snapshot's searcher, made before the first key
            self.loader.run_in_thread(self.reader.prepare_search, "prepare")

    def action_back(self: ReadingScreen) -> None:
        if self.detail.has_focus:
            self.paper_list.focus()
        elif self.filter_bar.value.strip():
            self.filter_bar.clear()  # the cursor stays on the paper found
            self.paper_list.focus()

    def action_widen(self: ReadingScreen) -> None:
        self.choose_scope(ALL)

    def action_step_date(self: ReadingScreen, step: int) -> None:
        dates = self.reader.library.dates
        day = self.reader.scope.day
        if not dates:
            return
        if day is None or day not in dates:
            self.choose_scope(Scope.of_day(dates[0]))
            return
        target = dates.index(day) + step
        if not 0 <= target < len(dates):
            self.app.bell()
            return
        self.choose_scope(Scope.of_day(dates[target], self.reader.scope.category))

    def action_saved_search(self: ReadingScreen, number: int) -> None:
        searches = self.reader.config.searches
        if not 1 <= number <= len(searches):
            say(self.app, f"No saved search {number}: Ctrl+S in the filter saves one.", timeout=3)
            return
        self.choose_scope(Scope("saved", searches[number - 1].name))

    def action_toggle_sidebar(self: ReadingScreen) -> None:
        self.sidebar.display = not self.sidebar.display

    def action_show_warnings(self: ReadingScreen) -> None:
        from tuireader.ui.screens.warnings import WarningsScreen

        if self.reader.library.warnings:
            self.app.push_screen(WarningsScreen(self.reader.library.warnings))
        else:
            say(self.app, "No loading warnings.")

    # Relevance -------------------------------------------------------------------------

    def action_toggle_relevance(self: ReadingScreen) -> None:
        reader = self.reader
        if reader.scope.kind == "similar":  # most similar first, or newest first
            reader.similar_newest_first = not reader.similar_newest_first
            self.refresh_rows(keep=False)
        else:
            _order_by_relevance(self, not reader.by_relevance)

    def action_similar(self: ReadingScreen) -> None:
        if paper := _current(self):
            self.choose_scope(Scope("similar", paper.id))

    def rank_by(self: ReadingScreen, tag: str | None) -> None:
        """Relevance to a tag's papers (None: to the starred ones)."""
        self.reader.ranker.tag = tag
        _order_by_relevance(self, True)

    # Saved searches and export -------------------------------------------------------------

    def on_filter_bar_save_asked(self: ReadingScreen) -> None:
        query = self.filter_bar.value.strip()
        if not query:
            say(self.app, "Type a query first, then Ctrl+S saves it.", timeout=3)
            return
        save_search(self, query)

    def action_export(self: ReadingScreen) -> None:
        reader = self.reader
        papers = [reader.paper(i) for i in reader.rows.positions]
        position = reader.position
        starred_ids = (i for i in reader.store.starred_ids() if i in position)
        starred = [reader.paper(i) for i in sorted(map(position.__getitem__, starred_ids))]

        def export(choice: tuple[str, str, str] | None) -> None:
            if choice is not None:
                which, file_format, path = choice
                export_in_worker(self, papers if which == "list" else starred, file_format, path)

        screen = ExportScreen(reader.scope.label, len(papers), len(starred))
        self.app.push_screen(screen, export)


def _order_by_relevance(screen: ReadingScreen, on: bool) -> None:
    """Switch the list to "most like what I starred" order, or back."""
    reader = screen.reader
    if on:
        problem = reader.ranker.check(reader.papers, reader.store, reader.position)
        if problem:
            say(screen.app, f"{problem}; the list keeps its order.", timeout=6)
            return
        if not reader.ranker.ready(reader.generation):
            say(screen.app, f"Learning from {reader.ranker.label}…", timeout=4)
    elif reader.by_relevance:
        say(screen.app, "Back to the list's own order.", timeout=3)
    reader.by_relevance = on
    screen.refresh_rows(keep=False)


def _first_unread(screen: ReadingScreen) -> None:
    """After moving to another day: the cursor on its first unread paper."""
    reader = screen.reader
    reader.cursor_to(0)
    if reader.current is not None and reader.store.is_read(reader.current.id):
        row = reader.next_unread_row()
        screen.paper_list.move_to(row if row is not None else 0)


def save_search(screen: ReadingScreen, query: str, watch: bool = False) -> None:
    """Ask for a name, then keep ``query`` as a saved search in config.toml."""

    def named(name: str | None) -> None:
        if not name:
            return
        config = screen.reader.config
        kept = tuple(s for s in config.searches if s.name != name)
        searches = (*kept, settings.SavedSearch(name, query, watch))
        try:
            settings.save_searches(searches)
        except (OSError, ValueError) as error:
            say(screen.app, f"Could not save the search: {error}", severity="error")
            return
        screen.reader.config = settings.load_config()
        say(screen.app, f"Saved the search “{name}” ({len(searches)} in all).", timeout=3)
        screen.contents_changed()
        screen.loader.background.count_searches()

    hint = "A name for this search (saved in config.toml; keys 1–9 show the first nine)"
    screen.app.push_screen(PromptScreen(f"Save “{query}” as", hint=hint), named)
