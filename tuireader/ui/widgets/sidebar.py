"""The sidebar: the library's lists, saved searches, tags and dates, with counts.

Every entry is a scope; choosing one (cursor or click) shows it. Many dates (a
real archive has hundreds) are grouped by year and month, the newest month
open; a day (and a month) lists its categories when the library has several.
Each entry shows its unread count next to its total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tuireader.core.config import SavedSearch
from tuireader.core.scope import ALL, NOTED, STARRED, UNREAD, Scope

#: Up to this many dates are listed flat, without year and month groups.
FLAT_DATES = 14
Counts = Mapping[Scope, tuple[int, int]]


@dataclass(frozen=True)
class SidebarContents:
    """What the sidebar lists (the counts come separately, and change often)."""

    dates: Sequence[date] = ()
    #: Per date, its categories (empty when the library has only one).
    categories: Mapping[date, Sequence[str]] = field(default_factory=dict)
    tags: Sequence[str] = ()
    searches: Sequence[SavedSearch] = ()


class Sidebar(Tree[Scope | None]):
    """Choosing an entry changes the list's scope."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
    ]

    DEFAULT_CSS = """
    Sidebar { padding: 0 0; overflow-x: hidden; }
    """

    @dataclass
    class ScopeChosen(Message):
        sidebar: Sidebar
        scope: Scope

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Library", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._entries: dict[Scope, tuple[TreeNode[Scope | None], str]] = {}
        self._shown: dict[Scope, tuple[int, int] | None] = {}
        #: Months whose days are not listed yet, until first opened.
        self._unfilled: dict[Scope, list[date]] = {}
        self._counts: Counts = {}
        self.contents = SidebarContents()

    def show(self, contents: SidebarContents, counts: Counts, scope: Scope) -> None:
        """Rebuild the entries; keeps the cursor on ``scope``."""
        self.clear()
        self.contents = contents
        self._entries, self._shown, self._unfilled = {}, {}, {}
        for entry, name in [(ALL, "All papers"), (UNREAD, "Unread"), (STARRED, "★ Starred")]:
            self._add(self.root, entry, name)
        self._add(self.root, NOTED, "✎ With notes")
        if contents.searches:
            group = self.root.add(Text("Searches", style="bold"), expand=True)
            for number, search in enumerate(contents.searches, start=1):
                key = f"{number} " if number <= 9 else "  "
                mark = "◆ " if search.watch else ""
                self._add(group, Scope("saved", search.name), f"{key}{mark}{search.name}")
        if contents.tags:
            group = self.root.add(Text("Tags", style="bold"), expand=True)
            for tag in contents.tags:
                self._add(group, Scope("tag", tag), f"#{tag}")
        self._add_dates(contents)
        self.update_counts(counts)
        self.select_scope(scope)
        self.refresh(layout=True)  # the whole tree: it may have grown while covered

    def _add_dates(self, contents: SidebarContents) -> None:
        dates = contents.dates
        if len(dates) <= FLAT_DATES:
            for day in dates:
                self._add_day(self.root, day, f"{day:%Y-%m-%d}", contents)
            return
        newest = dates[0]
        for year, in_year in groupby(dates, key=lambda d: d.year):
            year_node = self.root.add(Text(f"{year}", style="bold"), expand=year == newest.year)
            for month, in_month in groupby(in_year, key=lambda d: d.month):
                days = list(in_month)
                scope = Scope.of_month(year, month)
                month_node = self._add(year_node, scope, f"{days[0]:%B}", leaf=False)
                self._unfilled[scope] = days
                if (year, month) == (newest.year, newest.month):
                    self._fill(scope)
                    month_node.expand()

    def _fill(self, month: Scope) -> None:
        """List a month's categories and days, the first time it is opened: a
        decade of digests is some ten thousand entries, too many to build and
        count whenever the library changes."""
        days = self._unfilled.pop(month, None)
        if not days:
            return
        node = self._entries[month][0]
        year, number = days[0].year, days[0].month
        in_month = {c for day in days for c in self.contents.categories.get(day, ())}
        for category in sorted(in_month):
            self._add(node, Scope.of_month(year, number, category), category)
        for day in days:
            self._add_day(node, day, f"{day:%d %a}", self.contents)
        self.update_counts(self._counts)

    def entry(self, scope: Scope) -> TreeNode[Scope | None] | None:
        """The entry of ``scope`` (its month listed first if need be)."""
        if scope not in self._entries:
            day = scope.day
            month = scope.month or ((day.year, day.month) if day else None)
            if month is not None:
                self._fill(Scope.of_month(*month))
        found = self._entries.get(scope)
        return found[0] if found else None

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Scope | None]) -> None:
        scope = event.node.data
        if scope is not None and scope in self._unfilled:
            self._fill(scope)

    def _add_day(
        self, parent: TreeNode[Scope | None], day: date, name: str, contents: SidebarContents
    ) -> None:
        categories = contents.categories.get(day, ())
        node = self._add(parent, Scope.of_day(day), name, leaf=not categories)
        for category in categories:
            self._add(node, Scope.of_day(day, category), category)

    def _add(
        self, parent: TreeNode[Scope | None], scope: Scope, name: str, leaf: bool = True
    ) -> TreeNode[Scope | None]:
        node = (
            parent.add_leaf(Text(name), data=scope)
            if leaf
            else parent.add(Text(name), data=scope, expand=False)
        )
        self._entries[scope] = (node, name)
        return node

    def update_counts(self, counts: Counts) -> None:
        """Relabel the entries whose counts changed (after marks changed)."""
        self._counts = counts
        for scope, (node, name) in self._entries.items():
            count = counts.get(scope)
            if self._shown.get(scope, ()) != count:
                self._shown[scope] = count
                node.set_label(_label(name, count, scope.kind == "unread"))

    def select_scope(self, scope: Scope) -> None:
        """Put the cursor on ``scope``, opening the groups it is in."""
        node = self.entry(scope)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        # Expanding renumbers the lines: move once the tree has been rebuilt.
        self.call_after_refresh(self.move_cursor, node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Scope | None]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ScopeChosen(self, event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Scope | None]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ScopeChosen(self, event.node.data))


def _label(name: str, count: tuple[int, int] | None, unread_only: bool) -> Text:
    """``name 12/45``: unread of total (bold when some are unread; a total
    from 10,000 on is rounded, "10,866/11k", so that a month of a big
    library fits), or the total alone, dimmed, when all are read."""
    label = Text(name)
    if count is None:
        return label
    total, unread = count
    if unread_only:
        label.append(f" {unread:,}", style="bold" if unread else "dim")
    elif unread:
        label.append(f" {unread:,}", style="bold")
        label.append(f"/{_rounded(total)}", style="dim")
    else:
        label.append(f" {total:,}", style="dim")
    return label


def _rounded(total: int) -> str:
    """A total beside an unread count: exact below 10,000, then in thousands
    or millions (the list's header says it exactly)."""
    if total < 10_000:
        return f"{total:,}"
    if total < 999_500:
        return f"{round(total / 1000)}k"
    return f"{total / 1_000_000:.1f}M"
