"""The reader application: theme, help, palette, links; the rest is MainScreen."""

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
from tuireader.core.store import AnnotationStore
from tuireader.core.text import is_web_url, strip_unsafe
from tuireader.ui.commands import DateCommands
from tuireader.ui.screens.help import HelpScreen
from tuireader.ui.screens.main import MainScreen
from tuireader.ui.widgets.paper_list import PaperList


class ReaderApp(App[None]):
    """tuireader: a keyboard-driven library of daily arXiv digests."""

    TITLE = "tuireader"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {DateCommands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark,f1", "help", "Help", key_display="?"),
        Binding("tab", "focus_next", "Next pane", show=False),
        Binding("shift+tab", "focus_previous", "Previous pane", show=False),
    ]

    def __init__(
        self,
        paths: Sequence[str],
        store: AnnotationStore | None = None,
        parse: Parser | None = None,
    ) -> None:
        super().__init__()
        self.paths = list(paths)
        self.store = store or AnnotationStore()
        self._parse = parse or ParseCache()

    def on_mount(self) -> None:
        config = self.load_settings()
        problems = self.store.load()
        self.push_screen(MainScreen(self.paths, self.store, self._parse))
        for problem in problems:
            if problem == self.store.read_only:
                self.say(problem, title="Changes are disabled", severity="warning", timeout=30)
            else:
                self.say(problem, title="Your data file was damaged", severity="error", timeout=30)
        if config.problem:
            self.say(config.problem, title="Settings ignored", severity="warning", timeout=15)
        self.theme_changed_signal.subscribe(self, self._remember_theme)

    def load_settings(self):  # type: ignore[no-untyped-def]
        config = load_config()
        if config.theme in self.available_themes:
            self.theme = config.theme
        return config

    def _remember_theme(self, theme: Theme) -> None:
        try:
            save_theme(theme.name)
        except (OSError, ValueError) as error:
            self.say(f"Could not remember the theme: {error}", severity="warning")

    def say(self, message: str, **options: object) -> None:
        """Notify with untrusted text in it (titles, paths, URLs): never as
        markup, and never with control characters."""
        self.notify(strip_unsafe(message), markup=False, **options)  # type: ignore[arg-type]

    def open_link(self, url: str) -> None:
        """Open http(s) links only: digest text must never launch anything else."""
        if not is_web_url(url):
            self.say(f"Not opening a non-web link: {url}", severity="error")
            return
        self.open_url(url)
        self.say(f"Opening {url}", timeout=3)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def help_sections(self) -> list[tuple[str, Iterable[Binding]]]:
        palette = Binding("ctrl+p", "command_palette", "Command palette: go to date, theme, …")
        return [
            ("Papers", _bindings(MainScreen.BINDINGS)),
            ("Moving", _bindings(PaperList.BINDINGS)),
            ("App", [*_bindings(self.BINDINGS), palette]),
        ]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            yield SystemCommand(
                "View: toggle sidebar",
                "Show or hide the date sidebar",
                screen.action_toggle_sidebar,
            )
            yield SystemCommand(
                "Filter: search all papers", "Widen the filter to every paper", screen.action_widen
            )
            yield SystemCommand(
                "Library: show loading warnings",
                "Files skipped and lines ignored",
                screen.action_show_warnings,
            )
            yield SystemCommand("Paper: star or unstar", "Saved at once", screen.action_star)
            yield SystemCommand(
                "Paper: edit note", "Write, edit or delete the note", screen.action_note
            )
            yield SystemCommand(
                "Paper: open abstract page", "In the browser", screen.action_open_abstract
            )
            yield SystemCommand("Paper: open PDF", "In the browser", screen.action_open_pdf)
            yield SystemCommand(
                "Paper: copy link", "The abstract page's URL", screen.action_copy_link
            )


def _bindings(bindings: Iterable[BindingType]) -> list[Binding]:
    return [b if isinstance(b, Binding) else Binding(*b) for b in bindings]
