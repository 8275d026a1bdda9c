"""The reader application: settings, theme, help and palette; the rest is MainScreen."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from tuireader.core.cache import ParseCache
from tuireader.core.config import load_config, save_theme
from tuireader.core.library import Parser
from tuireader.core.reader import Reader
from tuireader.core.state import load_state
from tuireader.core.store import AnnotationStore
from tuireader.ui.commands import DateCommands, RelevanceCommands, SearchCommands
from tuireader.ui.notify import say
from tuireader.ui.screens.dialogs import ConfirmScreen
from tuireader.ui.screens.help import HelpScreen
from tuireader.ui.screens.main import MainScreen
from tuireader.ui.widgets.paper_detail import PaperDetail
from tuireader.ui.widgets.paper_list import PaperList


class ReaderApp(App[None]):
    """tuireader: a keyboard-driven library of daily arXiv digests."""

    TITLE = "tuireader"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DateCommands, SearchCommands, RelevanceCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit (the list and paper are remembered)."),
        Binding("question_mark,f1", "help", "Help", key_display="?", tooltip="Every key."),
        Binding("tab", "focus_next", "Next pane", show=False, tooltip="Next pane."),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    ]

    def __init__(
        self,
        paths: Sequence[str],
        store: AnnotationStore | None = None,
        parse: Parser | None = None,
        watch: bool = True,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.store = store or AnnotationStore()
        self._parse = parse or ParseCache()
        self._watch = watch

    def on_mount(self) -> None:
        config = load_config()
        if config.theme in self.available_themes:
            self.theme = config.theme
        problems = self.store.load()
        state, state_problem = load_state()
        reader = Reader(self.store, config)
        self.push_screen(MainScreen(self.paths, reader, self._parse, state, self._watch))
        for problem in problems:
            if problem == self.store.read_only:
                say(self, problem, title="Changes are disabled", severity="warning", timeout=30)
            else:
                say(self, problem, title="Your data file was damaged", severity="error", timeout=30)
        if config.problem:
            say(self, config.problem, title="Settings ignored", severity="warning", timeout=15)
        if state_problem:
            say(self, state_problem, severity="warning", timeout=8)
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._offer_sync_conflicts()

    def _offer_sync_conflicts(self) -> None:
        """Syncthing left a conflict copy of the user's data: offer to merge it."""
        from tuireader.core.merge import MergeError, find_sync_conflicts, merge_sync_conflict
        from tuireader.core.store import StoreError

        conflicts = [] if self.store.read_only else find_sync_conflicts(self.store.path)
        if not conflicts:
            return
        conflict = conflicts[0]

        def answer(merge: bool | None) -> None:
            if not merge:
                return
            try:
                summary = merge_sync_conflict(conflict, self.store.path)
            except (MergeError, StoreError) as error:
                say(self, str(error), title="Not merged", severity="error", timeout=15)
                return
            say(self, summary.describe(), title="Merged", timeout=8)
            screen = self.screen
            if isinstance(screen, MainScreen) and self.store.reload():
                screen.marks_changed()
            self._offer_sync_conflicts()  # the next one, if any

        question = (
            f"Syncthing kept a conflicting copy of your data: {conflict.name}. "
            "Merge it into yours? (the copy is kept, renamed)"
        )
        self.push_screen(ConfirmScreen(question), answer)

    def _remember_theme(self, theme: Theme) -> None:
        try:
            save_theme(theme.name)
        except (OSError, ValueError) as error:
            say(self, f"Could not remember the theme: {error}", severity="warning")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, Iterable[Binding]]]:
        palette = Binding("ctrl+p", "command_palette", "Palette", tooltip="Command palette.")
        return [
            ("Papers", _bindings(MainScreen.BINDINGS)),
            ("Moving", _bindings(PaperList.BINDINGS)),
            ("Reading", _bindings(PaperDetail.BINDINGS)),
            ("App", [*_bindings(self.BINDINGS), palette]),
        ]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, MainScreen):
            return
        for binding in _bindings(MainScreen.BINDINGS):
            if binding.tooltip and binding.action not in _NOT_IN_PALETTE:
                action = binding.action

                def run(action: str = action) -> None:
                    self.call_next(self.run_action, action, screen)

                yield SystemCommand(f"{_area(action)}: {binding.description}", binding.tooltip, run)


_NOT_IN_PALETTE = {"back", *(f"saved_search({n})" for n in range(1, 10))}
_AREAS = {
    "focus_filter": "Filter",
    "widen": "Filter",
    "export": "Export",
    "toggle_sidebar": "View",
    "show_warnings": "Library",
    "step_date(1)": "Go",
    "step_date(-1)": "Go",
    "next_unread": "Go",
    "back": "Go",
    "toggle_relevance": "Relevance",
    "similar": "Relevance",
}


def _area(action: str) -> str:
    """Palette commands read "area: action"."""
    return _AREAS.get(action, "Paper" if action not in ("undo", "redo") else "Edit")


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in bindings]
