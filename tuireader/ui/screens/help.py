"""The help screen: every key, generated from the bindings themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
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
            width: 90; max-width: 95%; height: 90%;
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
            keys: dict[str, list[str]] = {}
            tips: dict[str, str] = {}
            for binding in bindings:
                if binding.description:
                    keys.setdefault(binding.description, []).append(_keys(binding))
                    tips.setdefault(binding.description, binding.tooltip or binding.description)
            for description, names in keys.items():
                shown = f"{names[0]}–{names[-1]}" if len(names) > 2 else " ".join(names)
                table.add_row(shown, tips[description])
            table.add_row("", "")
        syntax = Table(box=None, show_header=False, padding=(0, 2, 0, 0), title_justify="left")
        syntax.add_column(style="bold")
        syntax.add_column()
        syntax.add_row("[u]Filter syntax[/u]", "")
        for example, meaning in QUERY_EXAMPLES:
            syntax.add_row(Text(example, style="bold"), meaning)
        with VerticalScroll():
            yield Static(table)
            yield Static(syntax)

    def action_close(self) -> None:
        self.dismiss(None)


#: The query language by example (README has the grammar).
QUERY_EXAMPLES = [
    ("diffusion segm", "every word somewhere: title, authors, ID, abstract, note"),
    ('"neural radiance"', "a phrase"),
    ("ti: au: abs: note:", "only in the title, authors, abstract, your note"),
    ("cat:cs.LG  cat:cs", "a category, or a whole archive"),
    ("id:2107.0965", "arXiv IDs starting so"),
    ("date:2021-07  date:2021-06..", "a day, month or year; a range; open ends"),
    ("is:unread is:starred", "also is:read, is:noted, is:tagged"),
    ("tag:to-read", "a tag of yours"),
    ("-survey  NOT au:smith", "leave out"),
    ("cat:cs.LG OR cat:stat.ML", "either (AND binds tighter; group with ( ))"),
]

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
    "space": "Space",
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
