"""How many papers, and how many unread, in each part of the library.

Counted once per library (a worker does it while the list is already shown),
then kept up to date mark by mark: marking a paper read touches only the
counts of the days, months and categories it was listed in, so the sidebar
follows every keystroke without recounting 100,000 papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Set
from datetime import date

from tuireader.core.library import Library
from tuireader.core.scope import Scope

Key = tuple[object, ...]


def day_key(day: date, category: str = "") -> Key:
    return ("day", day, category)


def month_key(year: int, month: int, category: str = "") -> Key:
    return ("month", year, month, category)


ALL_KEY: Key = ("all",)


def scope_key(scope: Scope) -> Key | None:
    """The tally key of a day, month or the whole library (None for others)."""
    if scope.kind == "all":
        return ALL_KEY
    if scope.day is not None:
        return day_key(scope.day, scope.category)
    if scope.month is not None:
        return month_key(*scope.month, scope.category)
    return None


class Tally:
    """Totals and unread counts per day, month, day-and-category and
    month-and-category, and for the whole library."""

    def __init__(
        self, library: Library, read: Set[str], cancelled: Callable[[], bool] = lambda: False
    ) -> None:
        self.total: Counter[Key] = Counter()
        self.unread: Counter[Key] = Counter()
        self._keys: dict[str, tuple[Key, ...]] = {}
        keys: dict[str, set[Key]] = {}
        for day, ids in library.by_date.items():
            if cancelled():
                return
            for paper_id in ids:
                keys.setdefault(paper_id, {ALL_KEY}).update(
                    (day_key(day), month_key(day.year, day.month))
                )
            for category, listed in library.by_category.get(day, {}).items():
                in_day = day_key(day, category)
                in_month = month_key(day.year, day.month, category)
                for paper_id in listed:
                    keys[paper_id].update((in_day, in_month))
        for paper_id, paper_keys in keys.items():
            self._keys[paper_id] = frozen = tuple(paper_keys)
            self.total.update(frozen)
            if paper_id not in read:
                self.unread.update(frozen)

    def marked(self, paper_ids: Iterable[str], read: bool) -> None:
        """Papers whose read state just changed to ``read``."""
        step = -1 if read else 1
        for paper_id in paper_ids:
            for key in self._keys.get(paper_id, ()):
                self.unread[key] += step

    def of(self, scope: Scope) -> tuple[int, int] | None:
        """(total, unread) of a scope the tally knows, else None."""
        key = scope_key(scope)
        return None if key is None else (self.total[key], self.unread[key])
