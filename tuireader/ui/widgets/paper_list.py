"""The paper list: a virtual list on Textual's Line API.

Only the rows on screen are ever built, so 100,000 papers fill in
milliseconds. Rows are positions in the library; the paper and the user's
marks for each come from a :class:`RowSource` when the row is drawn, as plain
text segments: digest text is never parsed as markup.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

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
from tuireader.core.query import Text as QueryText
from tuireader.core.reader import PaperMarks
from tuireader.core.search import highlight_spans, terms_for
from tuireader.core.text import strip_unsafe

UNREAD, STAR, NOTE, WATCH = "●", "★", "✎", "◆"
#: From this list width on, rows show the first author and the category.
WIDE_ENOUGH_FOR_COLUMNS = 90
AUTHOR_WIDTH, CATEGORY_WIDTH = 20, 9
#: Tags take at most this share of what the title and tags have together.
TAG_SHARE = 0.35


class RowSource(Protocol):
    """Where the list gets what it draws (the reader is one)."""

    def paper(self, position: int) -> Paper: ...
    def marks_of(self, paper_id: str) -> PaperMarks: ...
    def readable(self, text: str) -> str: ...


class PaperList(ScrollView, can_focus=True):
    """Papers, one per row: unread, star, note and watch marks, title, tags,
    and (when wide) first author and category."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, tooltip="Previous paper."),
        Binding("down,j", "cursor_down", "Down", show=False, tooltip="Next paper."),
        Binding("home,g", "first", "Top", show=False, tooltip="First paper."),
        Binding("end,G", "last", "Bottom", show=False, tooltip="Last paper."),
        Binding("pageup", "page_up", "Page up", show=False, tooltip="A page up."),
        Binding("pagedown", "page_down", "Page down", show=False, tooltip="A page down."),
        Binding(
            "enter", "select", "Open", show=False, tooltip="Read the paper in the detail pane."
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "paper-list--cursor",
        "paper-list--match",
        "paper-list--new",
        "paper-list--unread",
        "paper-list--read",
        "paper-list--mark",
        "paper-list--watch",
        "paper-list--tag",
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
        & > .paper-list--new { color: $text-accent; }
        & > .paper-list--unread { color: $text; text-style: bold; }
        & > .paper-list--read { color: $text-muted; }
        & > .paper-list--mark { color: $text-warning; }
        & > .paper-list--watch { color: $text-success; }
        & > .paper-list--tag { color: $text-secondary; }
        & > .paper-list--meta { color: $text-muted; }
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    @dataclass
    class Highlighted(Message):
        """The cursor is on another row (sent per keystroke: replaceable)."""

        paper_list: PaperList
        row: int
        #: Moved by a key or a click, not by new rows arriving.
        by_user: bool = False

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PaperList.Highlighted)

    @dataclass
    class Selected(Message):
        """The user pressed Enter on (or double-clicked) a row."""

        paper_list: PaperList
        row: int

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._rows: Sequence[int] = ()
        self._title_terms: list[str] = []
        self._author_terms: list[str] = []
        self._empty = ""
        self._row_cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)
        self._styles: dict[str, Style] = {}
        self._moving = False

    # State given by the screen ---------------------------------------------------

    @property
    def rows(self) -> Sequence[int]:
        return self._rows

    @property
    def current(self) -> Paper | None:
        if 0 <= self.cursor < len(self._rows):
            return self._source.paper(self._rows[self.cursor])
        return None

    def show(
        self,
        rows: Sequence[int],
        cursor: int,
        texts: tuple[QueryText, ...] = (),
        empty: str = "",
    ) -> None:
        """Show new rows with the cursor on row ``cursor``, highlighting the
        query's ``texts`` in titles and authors; ``empty`` is what to say when
        there are none."""
        self._rows, self._empty = rows, strip_unsafe(empty)
        self._title_terms = terms_for(texts, "title")
        self._author_terms = terms_for(texts, "authors")
        self._row_cache.clear()
        self.virtual_size = Size(0, len(rows))
        self.cursor = cursor
        self.refresh()

    def refresh_marks(self) -> None:
        """The user's marks changed: draw the rows again."""
        self._row_cache.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """A theme or CSS change: rows drawn in the old colours must go."""
        super().notify_style_update()
        self._row_cache.clear()
        self._styles.clear()

    # Cursor ------------------------------------------------------------------------

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self._rows) - 1))

    def watch_cursor(self, previous: int, cursor: int) -> None:
        self._refresh_row(previous)
        self._refresh_row(cursor)
        self.scroll_to_region(Region(0, cursor, 1, 1), animate=False, force=True, immediate=True)
        self.post_message(self.Highlighted(self, cursor, self._moving))
        self._moving = False

    def move(self, by: int) -> None:
        """Move the cursor as the user asked (a key, a click, the detail pane)."""
        self._moving = True
        self.cursor += by

    def move_to(self, row: int) -> None:
        self._moving = True
        self.cursor = row

    def action_cursor_up(self) -> None:
        self.move(-1)

    def action_cursor_down(self) -> None:
        self.move(1)

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self._rows) - 1)

    def action_page_up(self) -> None:
        self.move(-max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self.move(max(1, self.scrollable_content_region.height - 1))

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        row = self.scroll_offset.y + event.y
        if 0 <= row < len(self._rows):
            self.move_to(row)
            if event.chain > 1:
                self.action_select()

    def _refresh_row(self, row: int) -> None:
        width = self.scrollable_content_region.width
        self._row_cache.discard((row, width, True))
        self._row_cache.discard((row, width, False))
        self.refresh_lines(row - self.scroll_offset.y)

    def on_resize(self) -> None:
        self.virtual_size = Size(0, len(self._rows))
        self._row_cache.clear()

    # Rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        row = self.scroll_offset.y + y
        width = self.scrollable_content_region.width
        if row >= len(self._rows):
            return self._empty_line(y, width)
        key = (row, width, row == self.cursor)
        cached = self._row_cache.get(key)
        if cached is not None:
            return cached
        strip = self._render_row(self._source.paper(self._rows[row]), width, row == self.cursor)
        self._row_cache[key] = strip
        return strip

    def _empty_line(self, y: int, width: int) -> Strip:
        """The message for an empty list, wrapped to the width from row 1."""
        lines = textwrap.wrap(self._empty, max(width - 4, 8)) if not self._rows else []
        if 1 <= y <= len(lines):
            strip = Strip([Segment("  " + lines[y - 1], self._style("meta", self._base()))])
            return strip.crop_extend(0, width, self._base())
        return Strip.blank(width, self._base())

    def _base(self) -> Style:
        """The list's own style, kept like its components': Textual works
        ``rich_style`` out from every ancestor's styles on each call (half of
        the time a row took to draw)."""
        style = self._styles.get("")
        if style is None:
            style = self._styles[""] = self.rich_style
        return style

    def _style(self, name: str, base: Style) -> Style:
        """``base`` with a component's colour and text style. Taken from the
        full style: a partial one loses colours with alpha ($text-muted), and
        the full one's background would hide the cursor's."""
        style = self._styles.get(name)
        if style is None:
            full = self.get_component_rich_style(f"paper-list--{name}")
            style = Style(
                color=full.color, bold=full.bold, italic=full.italic, underline=full.underline
            )
            self._styles[name] = style
        return base + style

    def _render_row(self, paper: Paper, width: int, is_cursor: bool) -> Strip:
        marks = self._source.marks_of(paper.id)
        base = self._base()
        if is_cursor:
            base += self.get_component_rich_style("paper-list--cursor")
        text = self._style("read" if marks.read else "unread", base) if not is_cursor else base
        segments = [
            Segment(f" {' ' if marks.read else UNREAD}", self._style("new", base)),
            Segment(STAR if marks.starred else " ", self._style("mark", base)),
            Segment(NOTE if marks.note else " ", self._style("mark", base)),
            Segment((WATCH if marks.watches else " ") + " ", self._style("watch", base)),
        ]
        match = self._style("match", base)
        columns: list[Segment] = []
        if width >= WIDE_ENOUGH_FOR_COLUMNS:
            category = paper.primary_category or next(iter(paper.categories), "")
            meta = base if is_cursor else self._style("meta", base)
            # Only the first author is searched: not "et al.".
            first = len(paper.authors[0]) if paper.authors else 0
            columns = [
                Segment(" ", meta),
                *_matched_segments(
                    paper.short_authors, self._author_terms, AUTHOR_WIDTH, meta, match, first
                ),
                Segment(" " + _fit(category, CATEGORY_WIDTH) + " ", meta),
            ]
        room = width - sum(s.cell_length for s in segments + columns)
        tags = " ".join(f"#{tag}" for tag in marks.tags)
        # Tags get what a short title leaves, or at most their share.
        title = self._source.readable(paper.title)
        room_left = room - cell_len(title)
        tag_width = min(cell_len(tags) + 1, max(room_left, int(room * TAG_SHARE))) if tags else 0
        segments += _matched_segments(title, self._title_terms, room - tag_width, text, match)
        if tags:
            tag_style = base if is_cursor else self._style("tag", base)
            segments.append(Segment(_fit(" " + tags, tag_width), tag_style))
        return Strip(segments + columns).adjust_cell_length(width, base)


def _fit(text: str, width: int) -> str:
    """Crop to ``width`` cells with an ellipsis, or pad to it."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


def _matched_segments(
    value: str,
    terms: Sequence[str],
    width: int,
    style: Style,
    match_style: Style,
    searched: int | None = None,
) -> list[Segment]:
    """``value`` cropped to ``width`` with the filter's matches highlighted,
    in its first ``searched`` characters only (the rest is ours, not the
    paper's)."""
    fitted = _fit(value, max(width, 0))
    segments = []
    position = 0
    for start, end in highlight_spans(value[:searched], terms) if terms else ():
        if start >= len(fitted) - 1:
            break
        segments.append(Segment(fitted[position:start], style))
        segments.append(Segment(fitted[start:end], match_style))
        position = end
    segments.append(Segment(fitted[position:], style))
    return segments
