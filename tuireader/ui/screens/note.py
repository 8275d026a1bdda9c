"""The note editor: a modal multi-line editor for one paper's note."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea


class NoteEditor(ModalScreen[str | None]):
    """Returns the new note text (empty deletes the note), or None on cancel."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    DEFAULT_CSS = """
    NoteEditor {
        align: center middle;
        & > Vertical {
            width: 90%; max-width: 100; height: 80%; max-height: 30;
            border: thick $primary; background: $surface; padding: 0 1;
        }
        & #note-title { text-style: bold; width: 1fr; height: auto; max-height: 2; }
        & TextArea { height: 1fr; }
        & #note-help { color: $text-muted; }
    }
    """

    def __init__(self, paper_title: str, note: str) -> None:
        super().__init__()
        self._paper_title = paper_title
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(f"Note: {self._paper_title}"), id="note-title")
            yield TextArea(self._note, id="note-text", soft_wrap=True, tab_behavior="indent")
            yield Label(
                "Ctrl+S save · Esc cancel · saving an empty note deletes it", id="note-help"
            )

    def on_mount(self) -> None:
        text_area = self.query_one(TextArea)
        text_area.focus()
        text_area.move_cursor(text_area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
