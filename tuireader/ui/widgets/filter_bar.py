"""The filter bar: the query input, and beside it the count, a typo
correction, or what is wrong with the query (the list keeps its last good
result meanwhile)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

Status = Literal["count", "hint", "error"]


class FilterInput(Input):
    """The query input; Escape asks to clear the filter and go back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear filter", show=False),
        Binding("down", "submit", "To list", show=False),
        Binding("ctrl+s", "save", "Save search", tooltip="Save this query as a search."),
    ]

    @dataclass
    class Cancelled(Message):
        filter_input: FilterInput

    @dataclass
    class SaveAsked(Message):
        filter_input: FilterInput

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))

    def action_save(self) -> None:
        self.post_message(self.SaveAsked(self))


class FilterBar(Horizontal):
    """Hands each change of the query, as it is typed, to ``typed`` (the
    screen's search). A call, not a message: a message reaches the screen
    through three widgets' queues, after the key is painted, and the search
    started ~5 ms later."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        & > FilterInput {
            width: 1fr; height: 1; border: none; padding: 0 1;
            background: $surface;
            &:focus { border: none; background: $boost; }
        }
        & > #filter-status { width: auto; max-width: 70%; padding: 0 1; color: $text-muted; }
        & > #filter-status.-hint { color: $text-warning; }
        & > #filter-status.-error { color: $text-error; text-style: bold; }
    }
    """

    @dataclass
    class Submitted(Message):
        filter_bar: FilterBar

    @dataclass
    class Cancelled(Message):
        filter_bar: FilterBar

    @dataclass
    class SaveAsked(Message):
        filter_bar: FilterBar

    def __init__(self, typed: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._typed = typed
        self._quiet = False
        # Held, not looked up: each key reads the input and sets the status,
        # and rows that come as the app closes find them still.
        self._input = FilterInput(
            placeholder="/ filter: words, ti: au: cat: date: tag: is:unread, -not, OR",
            id="filter-input",
        )
        self._status = Static("", id="filter-status")

    def compose(self) -> ComposeResult:
        yield self._input
        yield self._status

    @property
    def input(self) -> FilterInput:
        return self._input

    @property
    def value(self) -> str:
        return self.input.value

    def on_mount(self) -> None:
        self.watch(self.input, "value", self._changed, init=False)

    def set_value(self, value: str) -> None:
        """Set the query without handing it on (restoring a session)."""
        self._quiet = True
        try:
            self.input.value = value
        finally:
            self._quiet = False

    def clear(self) -> None:
        self.input.value = ""

    def set_status(self, text: str, kind: Status = "count") -> None:
        """Show the count, a hint, or an error (untrusted text: never markup)."""
        self._status.update(Text(text))
        self._status.set_class(kind == "hint", "-hint")
        self._status.set_class(kind == "error", "-error")

    def _changed(self, value: str) -> None:
        if not self._quiet:
            self._typed(value)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    @on(FilterInput.Cancelled)
    def _cancelled(self, event: FilterInput.Cancelled) -> None:
        event.stop()
        self.post_message(self.Cancelled(self))

    @on(FilterInput.SaveAsked)
    def _save(self, event: FilterInput.SaveAsked) -> None:
        event.stop()
        self.post_message(self.SaveAsked(self))
