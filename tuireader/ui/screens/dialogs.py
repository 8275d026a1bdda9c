"""Small dialogs: a yes-or-no question, and a line of text to type."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

DIALOG_CSS = """
& { align: center middle; }
& > Vertical {
    width: 70; max-width: 95%; height: auto;
    border: thick $primary; background: $surface; padding: 0 1;
}
& Label { width: 1fr; }
& .hint { color: $text-muted; }
& .error { color: $text-error; }
"""


class ConfirmScreen(ModalScreen[bool]):
    """A question answered with y or n (Esc is no)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]
    DEFAULT_CSS = "ConfirmScreen {" + DIALOG_CSS + "}"

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._question))
            yield Label("y yes · n no", classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """One line of text (a name); Enter gives it, Esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]
    DEFAULT_CSS = "PromptScreen {" + DIALOG_CSS + "}"

    def __init__(self, question: str, value: str = "", hint: str = "") -> None:
        super().__init__()
        self._question, self._value, self._hint = question, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._question))
            yield Input(self._value, id="prompt-input")
            yield Label(Text(self._hint or "Enter to confirm · Esc to cancel"), classes="hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
