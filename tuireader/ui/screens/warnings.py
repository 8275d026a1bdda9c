"""The loading warnings: skipped files and bad lines, one per line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Log

from tuireader.core.model import LoadWarning
from tuireader.core.text import strip_unsafe


class WarningsScreen(ModalScreen[None]):
    """A plain-text log (file names are untrusted too: stripped of controls)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "close", "Close")]

    DEFAULT_CSS = """
    WarningsScreen {
        align: center middle;
        & > Vertical {
            width: 90%; height: 80%; border: thick $warning; background: $surface;
        }
        & Label { padding: 0 1; text-style: bold; }
    }
    """

    def __init__(self, warnings: Sequence[LoadWarning]) -> None:
        super().__init__()
        self._warnings = warnings

    def compose(self) -> ComposeResult:
        with Vertical():
            count = len(self._warnings)
            yield Label(f"{count} loading warning{'s' * (count != 1)} · Esc to close")
            yield Log(highlight=False)

    def on_mount(self) -> None:
        log = self.query_one(Log)
        log.write_lines(strip_unsafe(str(warning)) for warning in self._warnings)
        log.scroll_home(animate=False)
        log.focus()

    def action_close(self) -> None:
        self.dismiss(None)
