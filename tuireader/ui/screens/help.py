"""The help screen: every key, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    """Keys by area; any of Esc, q, ? or F1 closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q,question_mark,f1", "close", "Close")]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
        & > VerticalScroll {
            width: 76; max-width: 95%; height: 90%; max-height: 44;
            border: thick $primary; background: $surface; padding: 0 1;
        }
    }
    """

    def __init__(self, sections: Iterable[tuple[str, Iterable[Binding]]]) -> None:
        super().__init__()
        self._sections = list(sections)

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold")
        table.add_column()
        for heading, bindings in self._sections:
            table.add_row(f"[u]{heading}[/u]", "")
            seen = set()
            for binding in bindings:
                if binding.description and binding.description not in seen:
                    seen.add(binding.description)
                    table.add_row(_keys(binding), binding.tooltip or binding.description)
            table.add_row("", "")
        with VerticalScroll():
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)


_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
}


def _key_name(key: str) -> str:
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + _key_name(key.removeprefix("ctrl+")).upper()
    if key[:1] == "f" and key[1:].isdigit():
        return key.upper()
    return key


def _keys(binding: Binding) -> str:
    return " ".join(_key_name(key.strip()) for key in binding.key.split(","))
