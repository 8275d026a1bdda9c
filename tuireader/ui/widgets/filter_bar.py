"""The filter bar: a query input and the "37 of 240" count beside it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static


class FilterInput(Input):
    """The query input; Escape asks to clear the filter and go back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Clear filter", show=False),
        Binding("down", "submit", "To list", show=False),
    ]

    @dataclass
    class Cancelled(Message):
        filter_input: FilterInput

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled(self))


class FilterBar(Horizontal):
    """Announces query changes; the screen runs the search."""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        & > FilterInput {
            width: 1fr; height: 1; border: none; padding: 0 1;
            background: $surface;
            &:focus { border: none; background: $boost; }
        }
        & > #filter-count { width: auto; padding: 0 1; color: $text-muted; }
    }
    """

    @dataclass
    class Changed(Message):
        """The query changed (per keystroke: replaceable)."""

        filter_bar: FilterBar
        query: str

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, FilterBar.Changed)

    @dataclass
    class Submitted(Message):
        filter_bar: FilterBar

    @dataclass
    class Cancelled(Message):
        filter_bar: FilterBar

    def compose(self) -> ComposeResult:
        yield FilterInput(placeholder="/ filter: title, authors, abstract, ID", id="filter-input")
        yield Static("", id="filter-count")

    @property
    def input(self) -> FilterInput:
        return self.query_one(FilterInput)

    @property
    def value(self) -> str:
        return self.input.value

    def clear(self) -> None:
        self.input.value = ""

    def set_count(self, text: str) -> None:
        self.query_one("#filter-count", Static).update(text)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    @on(FilterInput.Cancelled)
    def _cancelled(self, event: FilterInput.Cancelled) -> None:
        event.stop()
        self.post_message(self.Cancelled(self))
