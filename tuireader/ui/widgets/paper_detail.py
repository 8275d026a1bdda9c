"""The detail pane: one paper in full, with the user's note and tags near the top.

Built from plain strings into Rich ``Text`` (never markup), so a title like
``[red]x[/]`` shows exactly as written. From here the next and previous
papers are a key away, so a day can be read without going back to the list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from tuireader.core.model import Paper, facts
from tuireader.core.query import Text as QueryText
from tuireader.core.reader import PaperMarks
from tuireader.core.search import highlight_spans, terms_for
from tuireader.core.text import strip_unsafe


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, authors, tags, note, abstract, facts and links: what one reads
    first comes first, so even at 80×24 the abstract's first lines show."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("J", "step(1)", "Next paper", tooltip="Read the next paper here."),
        Binding("K", "step(-1)", "Previous paper", tooltip="Read the previous paper here."),
        Binding(
            "space",
            "page_or_next",
            "Page / next unread",
            show=False,
            tooltip="Scroll a page; at the end, go to the next unread paper.",
        ),
    ]

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
        & > Static { width: 1fr; }
    }
    """

    @dataclass
    class Step(Message):
        """Show the paper ``by`` rows further down the list (up if negative)."""

        detail: PaperDetail
        by: int

    @dataclass
    class NextUnread(Message):
        detail: PaperDetail

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(
        self,
        paper: Paper | None,
        marks: PaperMarks | None = None,
        texts: tuple[QueryText, ...] = (),
        readable: Callable[[str], str] = str,
        reason: str = "",
        empty: str = "",
        keep_scroll: bool = False,
    ) -> None:
        """Show ``paper`` (or the ``empty`` message), scrolled to the top unless
        ``keep_scroll`` (the same paper, redrawn after the user changed it)."""
        body = self.query_one("#detail-body", Static)
        if paper is None:
            body.update(Text(empty, style="italic dim"))
        else:
            body.update(render_paper(paper, marks or PaperMarks(), texts, readable, reason))
        if not keep_scroll:
            self.scroll_home(animate=False)

    def action_step(self, by: int) -> None:
        self.post_message(self.Step(self, by))

    def action_page_or_next(self) -> None:
        if self.scroll_y >= self.max_scroll_y:
            self.post_message(self.NextUnread(self))
        else:
            self.scroll_page_down(animate=False)


def render_paper(
    paper: Paper,
    marks: PaperMarks,
    texts: tuple[QueryText, ...] = (),
    readable: Callable[[str], str] = str,
    reason: str = "",
) -> Text:
    """The detail as styled text (a function, so tests can render it alone);
    ``texts`` are highlighted where the query looked for them, ``readable``
    turns the title's and abstract's LaTeX into text, and ``reason`` says why
    the paper ranks where it does."""
    text = Text(overflow="fold")
    _highlighted(text, readable(paper.title), terms_for(texts, "title"), "bold")
    text.append("\n")
    if paper.authors:
        _highlighted(text, ", ".join(paper.authors), terms_for(texts, "authors"), "italic")
        text.append("\n")
    if marks.tags:
        text.append(" ".join(f"#{tag}" for tag in marks.tags), style="bold magenta")
        text.append("\n")
    for watch in marks.watches:
        text.append(f"◆ {watch}\n", style="green")
    if reason:
        text.append(f"≈ {reason}\n", style="italic cyan")
    if marks.note:
        # On the line after the authors, label and text together: at 80×24
        # a noted paper's abstract must still begin on screen.
        text.append(" Note ", style="bold reverse")
        text.append(" ")
        # The file may have been edited by hand: cleaned here too.
        _highlighted(text, strip_unsafe(marks.note), terms_for(texts, "note"), "")
        text.append("\n")
    text.append("\n")
    if paper.abstract:
        _highlighted(text, readable(paper.abstract), terms_for(texts, "abstract"), "")
    else:
        text.append("(no abstract in the digest)", style="dim")
    text.append("\n\n")
    for name, value in facts(paper):
        text.append(f"{name:<11}", style="dim")
        text.append(f"{value}\n")
    text.append(f"{'':<11}", style="dim")
    text.append("read\n" if marks.read else "unread\n", style="dim" if marks.read else "bold")
    text.append("\n")
    text.append("Links\n", style="bold")
    for label, url in [("abs", paper.abs_url), ("pdf", paper.pdf_url)] + [
        ("", link) for link in paper.links
    ]:
        text.append(f"  {label:<4}", style="dim")
        text.append(url, style="underline")
        text.append("\n")
    return text


def _highlighted(text: Text, value: str, terms: Sequence[str], style: str) -> None:
    """Append ``value`` with the searched-for fragments highlighted."""
    start = len(text)
    text.append(value, style=style)
    for begin, end in highlight_spans(value, terms) if terms else ():
        text.stylize("reverse", start + begin, start + end)
