"""The detail pane: everything known about one paper, and the user's note."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tuireader.core.model import Paper, facts
from tuireader.core.text import strip_unsafe


class PaperDetail(VerticalScroll, can_focus=True):
    """Title, authors, dates, identifiers, abstract, links and note.

    Built from plain strings into Rich ``Text`` (never markup), so a title
    like ``[red]x[/]`` shows exactly as written.
    """

    DEFAULT_CSS = """
    PaperDetail {
        padding: 0 1;
        & > Static { width: 1fr; }
    }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-body")

    def show(
        self,
        paper: Paper | None,
        note: str | None = None,
        empty: str = "",
        keep_scroll: bool = False,
    ) -> None:
        """Show ``paper`` (or the ``empty`` message), scrolled to the top unless
        ``keep_scroll`` (the same paper, redrawn after its note changed)."""
        body = self.query_one("#detail-body", Static)
        body.update(render_paper(paper, note) if paper else Text(empty, style="italic dim"))
        if not keep_scroll:
            self.scroll_home(animate=False)


def render_paper(paper: Paper, note: str | None) -> Text:
    """The detail as styled text (a function, so tests can render it alone)."""
    text = Text(overflow="fold")
    text.append(paper.title, style="bold")
    text.append("\n")
    if paper.authors:
        text.append(", ".join(paper.authors), style="italic")
        text.append("\n")
    text.append("\n")
    for name, value in facts(paper):
        text.append(f"{name:<11}", style="dim")
        text.append(f"{value}\n")
    text.append("\n")
    text.append(
        paper.abstract or "(no abstract in the digest)", style="" if paper.abstract else "dim"
    )
    text.append("\n\n")
    text.append("Links\n", style="bold")
    for label, url in [("abs", paper.abs_url), ("pdf", paper.pdf_url)] + [
        ("", link) for link in paper.links
    ]:
        text.append(f"  {label:<4}", style="dim")
        text.append(url, style="underline")
        text.append("\n")
    if note:
        text.append("\nNote\n", style="bold")
        text.append(strip_unsafe(note))  # the file may have been edited by hand
        text.append("\n")
    return text
