"""The tag editor: the tags of one paper, or tags to add to (and remove from)
every paper of the list, with completion from the tags already used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

from tuireader.core.tags import normalise_tag, valid_tag
from tuireader.ui.screens.dialogs import DIALOG_CSS


@dataclass(frozen=True, slots=True)
class TagChange:
    """Tags to add and tags to remove."""

    add: frozenset[str]
    remove: frozenset[str]


def parse_tags(text: str, current: frozenset[str] | None) -> TagChange:
    """Words are tags (``-word`` removes one). With ``current`` (one paper's
    tags), the words are the new set: a tag left out is removed. Raises
    ``ValueError`` with a message for a word that is no tag."""
    add: set[str] = set()
    remove: set[str] = set()
    for word in text.split():
        tag = normalise_tag(word.removeprefix("-"))
        problem = valid_tag(tag)
        if problem:
            raise ValueError(f"{word}: {problem}")
        (remove if word.startswith("-") else add).add(tag)
    if current is not None:
        remove |= current - add
        add -= current
    return TagChange(frozenset(add - remove), frozenset(remove))


class TagSuggester(Suggester):
    """Completes the word being typed from the tags already in use."""

    def __init__(self, tags: list[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = tags

    async def get_suggestion(self, value: str) -> str | None:
        head, _, word = value.rpartition(" ")
        sign, prefix = ("-", word[1:]) if word.startswith("-") else ("", word)
        if not prefix:
            return None
        typed = set(value.split())
        for tag in self._tags:
            if tag.startswith(prefix.lower()) and tag != prefix and tag not in typed:
                return f"{head} {sign}{tag}".lstrip() if head else f"{sign}{tag}"
        return None


class TagEditor(ModalScreen[TagChange | None]):
    """Enter saves, Tab or → takes the completion, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("tab", "complete", "Complete", priority=True),
    ]
    DEFAULT_CSS = "TagEditor {" + DIALOG_CSS + "}"

    def __init__(self, title: str, used: list[str], current: frozenset[str] | None) -> None:
        super().__init__()
        self._title, self._used, self._current = title, used, current

    def compose(self) -> ComposeResult:
        value = " ".join(sorted(self._current or ())) + (" " if self._current else "")
        how = "the paper's tags" if self._current is not None else "tags to add; -tag removes"
        with Vertical():
            yield Label(Text(self._title), id="tags-title")
            yield Input(value, suggester=TagSuggester(self._used), id="tags-input")
            yield Label(f"Type {how}, separated by spaces · Tab completes", classes="hint")
            yield Label("", id="tags-error", classes="error")

    @on(Input.Changed)
    def _check(self, event: Input.Changed) -> None:
        try:
            parse_tags(event.value, self._current)
            self.query_one("#tags-error", Label).update("")
        except ValueError as error:
            self.query_one("#tags-error", Label).update(Text(str(error)))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.dismiss(parse_tags(event.value, self._current))
        except ValueError as error:
            self.query_one("#tags-error", Label).update(Text(str(error)))

    def action_complete(self) -> None:
        field = self.query_one(Input)
        field.cursor_position = len(field.value)
        field.action_cursor_right()  # at the end, this takes the suggestion

    def action_cancel(self) -> None:
        self.dismiss(None)
