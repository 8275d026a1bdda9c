"""The paper list: a virtual list on Textual's Line API.

Only the rows on screen are ever built, so 100,000 papers fill in
milliseconds. Rows hold references to already-cleaned papers and are drawn
as plain-text segments: digest text is never parsed as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader.core.model import Paper
from tuireader.core.search import highlight_spans
from tuireader.core.text import strip_unsafe

STAR, NOTE = "★", "✎"
#: Below this width the author and category columns are dropped.
WIDE_ENOUGH_FOR_COLUMNS = 70
AUTHOR_WIDTH, CATEGORY_WIDTH = 22, 10


class PaperList(ScrollView, can_focus=True):
    """Papers, one per row: star, note mark, title, first author, category."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("home,g", "first", "Top", show=False),
        Binding("end,G", "last", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("enter", "select", "Open", show=False),
    ]

    COMPONENT_CLASSES = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--mark",
        "paper-list--meta",
    }

    DEFAULT_CSS = """
    PaperList {
        background: $surface;
        overflow-x: hidden;
        & > .paper-list--cursor { background: $block-cursor-blurred-background; }
        &:focus > .paper-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .paper-list--match { color: $text-accent; text-style: bold underline; }
        & > .paper-list--mark { color: $text-warning; }
        & > .paper-list--meta { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor is on another paper (sent per keystroke: replaceable)."""

        paper_list: PaperList
        paper: Paper | None

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PaperList.Highlighted)

    @dataclass
    class Selected(Message):
        """The user pressed Enter on (or clicked) a paper."""

        paper_list: PaperList
        paper: Paper

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._papers: Sequence[Paper] = ()
        self._terms: tuple[str, ...] = ()
        self._starred: frozenset[str] = frozenset()
        self._noted: frozenset[str] = frozenset()
        self._empty = ""
        self._row_cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)

    # State given by the screen ---------------------------------------------

    @property
    def papers(self) -> Sequence[Paper]:
        return self._papers

    @property
    def terms(self) -> tuple[str, ...]:
        """The filter terms the rows are highlighted for."""
        return self._terms

    @property
    def current(self) -> Paper | None:
        return self._papers[self.cursor] if 0 <= self.cursor < len(self._papers) else None

    def show(
        self,
        papers: Sequence[Paper],
        terms: tuple[str, ...] = (),
        keep: bool = False,
        empty: str = "",
    ) -> None:
        """Show new rows; with ``keep`` the cursor stays on the same paper if
        it is still there (a cursor at the top stays at the top, so papers
        arriving while loading do not drag it down). ``empty`` is what to say
        when there are none."""
        previous = self.current if self.cursor > 0 else None
        self._papers, self._terms, self._empty = papers, terms, strip_unsafe(empty)
        self._row_cache.clear()
        self.virtual_size = Size(0, len(papers))
        cursor = 0
        if keep and previous is not None:
            cursor = next((i for i, p in enumerate(papers) if p.id == previous.id), 0)
        if not keep:
            self.scroll_to(y=0, animate=False)
        self.cursor = cursor
        self.refresh()

    def set_marks(self, starred: frozenset[str], noted: frozenset[str]) -> None:
        self._starred, self._noted = starred, noted
        self._row_cache.clear()
        self.refresh()

    # Cursor ----------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._papers) - 1))

    def watch_cursor(self, previous: int, cursor: int) -> None:
        self._refresh_row(previous)
        self._refresh_row(cursor)
        self.scroll_to_region(Region(0, cursor, 1, 1), animate=False, force=True, immediate=True)
        self.post_message(self.Highlighted(self, self.current))

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self._papers) - 1

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.scrollable_content_region.height - 1)

    def action_page_down(self) -> None:
        self.cursor += max(1, self.scrollable_content_region.height - 1)

    def action_select(self) -> None:
        if (paper := self.current) is not None:
            self.post_message(self.Selected(self, paper))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self._papers):
            self.cursor = row
            if event.chain > 1:
                self.action_select()

    def _refresh_row(self, row: int) -> None:
        width = self.scrollable_content_region.width
        self._row_cache.discard((row, width, True))
        self._row_cache.discard((row, width, False))
        self.refresh_lines(row - self.scroll_offset.y)

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self._papers))
        self._row_cache.clear()

    # Rendering -------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= len(self._papers):
            # The message for an empty list, wrapped to the width from row 1.
            lines = textwrap.wrap(self._empty, max(width - 4, 8)) if not self._papers else []
            if 1 <= y <= len(lines):
                message = self.get_component_rich_style("paper-list--meta", partial=True)
                strip = Strip([Segment("  " + lines[y - 1], self.rich_style + message)])
                return strip.crop_extend(0, width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        key = (row, width, row == self.cursor)
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached
        strip = self._render_row(self._papers[row], width, row == self.cursor)
        self._row_cache[key] = strip
        return strip

    def _render_row(self, paper: Paper, width: int, is_cursor: bool) -> Strip:
        base = self.rich_style
        if is_cursor:
            base += self.get_component_rich_style("paper-list--cursor")
        mark = base + self.get_component_rich_style("paper-list--mark", partial=True)
        meta = base + self.get_component_rich_style("paper-list--meta", partial=True)
        match = base + self.get_component_rich_style("paper-list--match", partial=True)

        segments = [
            Segment(f" {STAR if paper.id in self._starred else ' '}", mark),
            Segment(f"{NOTE if paper.id in self._noted else ' '} ", mark),
        ]
        columns: list[Segment] = []
        if width >= WIDE_ENOUGH_FOR_COLUMNS:
            category = paper.primary_category or next(iter(paper.categories), "")
            columns = [
                Segment(" " + _fit(paper.short_authors, AUTHOR_WIDTH), meta),
                Segment(" " + _fit(category, CATEGORY_WIDTH) + " ", meta),
            ]
        title_width = width - 4 - sum(segment.cell_length for segment in columns)
        segments += _title_segments(paper.title, self._terms, title_width, base, match)
        return Strip(segments + columns).adjust_cell_length(width, base)


def _fit(text: str, width: int) -> str:
    """Crop to ``width`` cells with an ellipsis, or pad to it."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _title_segments(
    title: str, terms: tuple[str, ...], width: int, style: Style, match_style: Style
) -> list[Segment]:
    """The title cropped to ``width`` with the filter's matches highlighted."""
    fitted = _fit(title, max(width, 0))
    segments = []
    position = 0
    for start, end in highlight_spans(title, terms) if terms else ():
        if start >= len(fitted) - 1:
            break
        segments.append(Segment(fitted[position:start], style))
        segments.append(Segment(fitted[start:end], match_style))
        position = end
    segments.append(Segment(fitted[position:], style))
    return segments
