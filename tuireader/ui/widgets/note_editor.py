"""The note editor, docked under the detail pane so the abstract stays in view.

Its text area is compact (no border: the editor's own top rule frames it), so
on a short terminal every row it gets is a row to type in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea


class NoteEditor(Vertical):
    """Edits one paper's note; announces Saved (empty text deletes the note)
    or Cancelled. Escape is a priority binding: the text area would otherwise
    take it to move the focus on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note", priority=True),
        Binding("escape", "cancel", "Cancel", priority=True),
    ]

    DEFAULT_CSS = """
    NoteEditor {
        height: 12; max-height: 50%;
        border-top: hkey $primary;
        background: $surface;
        & > #note-title { text-style: bold; width: 1fr; height: 1; padding: 0 1; }
        & > TextArea { height: 1fr; min-height: 3; }
        & > #note-help { color: $text-muted; height: 1; padding: 0 1; }
    }
    """

    @dataclass
    class Saved(Message):
        editor: NoteEditor
        paper_id: str
        text: str

    @dataclass
    class Cancelled(Message):
        editor: NoteEditor
        changed: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.paper_id = ""
        self._original = ""

    def compose(self) -> ComposeResult:
        yield Label("", id="note-title")
        yield TextArea("", id="note-text", soft_wrap=True, tab_behavior="indent", compact=True)
        yield Label("Ctrl+S save · Esc cancel · an empty note is deleted", id="note-help")

    @property
    def text_area(self) -> TextArea:
        return self.query_one(TextArea)

    @property
    def changed(self) -> bool:
        return self.text_area.text != self._original

    def edit(self, paper_id: str, title: str, note: str) -> None:
        """Open the editor on a paper's note, with the cursor at its end."""
        self.paper_id, self._original = paper_id, note
        self.query_one("#note-title", Label).update(Text(f"Note on {title}"))
        self.text_area.load_text(note)
        self.display = True
        self.text_area.focus()
        self.text_area.move_cursor(self.text_area.document.end)

    def close(self) -> None:
        self.display = False
        self.paper_id = ""

    # Priority keys reach the app before the letters queued ahead of them
    # reach the text area: queue the answer behind those letters.

    def action_save(self) -> None:
        self.text_area.call_later(
            lambda: self.post_message(self.Saved(self, self.paper_id, self.text_area.text))
        )

    def action_cancel(self) -> None:
        self.text_area.call_later(lambda: self.post_message(self.Cancelled(self, self.changed)))
