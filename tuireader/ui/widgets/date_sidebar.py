"""The date sidebar: "All papers", "Starred", "With notes", then the dates.

Many dates (a real archive has hundreds) are grouped by year and month,
collapsible, with the newest month open.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

ALL, STARRED, NOTES = "all", "starred", "notes"
#: What the list shows: a special entry, or one date.
Scope = str | date
#: Up to this many dates are listed flat, without year and month groups.
FLAT_DATES = 14


@dataclass(frozen=True)
class SidebarCounts:
    """Counts shown beside each entry."""

    total: int
    starred: int
    noted: int
    per_date: Mapping[date, int]
    starred_per_date: Mapping[date, int]


class DateSidebar(Tree[Scope]):
    """Choosing an entry (cursor or click) changes the list's scope."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
    ]

    DEFAULT_CSS = """
    DateSidebar { padding: 0 0; }
    """

    @dataclass
    class ScopeChosen(Message):
        sidebar: DateSidebar
        scope: Scope

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("Library", id=id)
        self.show_root = False
        self.guide_depth = 2
        self.auto_expand = True
        self._entries: dict[Scope, TreeNode[Scope]] = {}
        self._dates: tuple[date, ...] = ()

    @property
    def dates(self) -> tuple[date, ...]:
        """Every date, newest first."""
        return self._dates

    def show_dates(self, dates: Sequence[date], counts: SidebarCounts, scope: Scope) -> None:
        """Rebuild the entries; keeps the cursor on ``scope``."""
        self._dates = tuple(dates)
        self.clear()
        self._entries = {key: self.root.add_leaf(Text(), data=key) for key in (ALL, STARRED, NOTES)}
        if len(dates) <= FLAT_DATES:
            for day in dates:
                self._entries[day] = self.root.add_leaf(Text(), data=day)
        else:
            newest = dates[0] if dates else None
            for year, in_year in groupby(dates, key=lambda d: d.year):
                year_dates = list(in_year)
                open_year = newest is not None and year == newest.year
                year_node = self.root.add(Text(f"{year}", style="bold"), expand=open_year)
                for month, in_month in groupby(year_dates, key=lambda d: d.month):
                    month_dates = list(in_month)
                    label = Text(f"{month_dates[0]:%B}  ")
                    label.append(f"{sum(counts.per_date[d] for d in month_dates):,}", style="dim")
                    is_open = open_year and month == newest.month if newest else False
                    month_node = year_node.add(label, expand=is_open)
                    for day in month_dates:
                        self._entries[day] = month_node.add_leaf(Text(), data=day)
        self.update_counts(counts)
        self.select_scope(scope)

    def update_counts(self, counts: SidebarCounts) -> None:
        """Relabel the entries (after a star or note changed)."""
        labels = {
            ALL: ("All papers", counts.total, 0),
            STARRED: ("★ Starred", counts.starred, 0),
            NOTES: ("✎ With notes", counts.noted, 0),
        }
        for scope, node in self._entries.items():
            if isinstance(scope, date):
                name = (
                    f"{scope:%Y-%m-%d %a}" if len(self._dates) <= FLAT_DATES else (f"{scope:%d %a}")
                )
                label = (name, counts.per_date.get(scope, 0), counts.starred_per_date.get(scope, 0))
            else:
                label = labels[scope]
            node.set_label(_label(*label))

    def select_scope(self, scope: Scope) -> None:
        """Put the cursor on ``scope``, opening its year and month."""
        node = self._entries.get(scope)
        if node is None:
            return
        parent = node.parent
        while parent is not None:
            parent.expand()
            parent = parent.parent
        # Expanding renumbers the lines: move once the tree has been rebuilt.
        self.call_after_refresh(self.move_cursor, node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[Scope]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ScopeChosen(self, event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Scope]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.ScopeChosen(self, event.node.data))


def _label(name: str, count: int, starred: int) -> Text:
    label = Text(name)
    label.append(f"  {count:,}", style="dim")
    if starred:
        label.append(f" ★{starred}", style="yellow")
    return label
