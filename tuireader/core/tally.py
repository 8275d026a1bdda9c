"""How many papers, and how many unread, in each part of the library.

Counted once per library (a worker does it while the list is already shown),
then kept up to date mark by mark: marking a paper read touches only the
counts of the days, months and categories it was listed in, so the sidebar
follows every keystroke without recounting 100,000 papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Set

from tuireader.core.library import Library
from tuireader.core.scope import ALL, NOTED, STARRED, UNREAD, Scope
from tuireader.core.search import Marks


class Tally:
    """Totals and unread counts of the whole library, each day, each month,
    and each category within a day or a month (every one a :class:`Scope`)."""

    def __init__(
        self, library: Library, read: Set[str], cancelled: Callable[[], bool] = lambda: False
    ) -> None:
        self.total: Counter[Scope] = Counter()
        self.unread: Counter[Scope] = Counter()
        self._scopes: dict[str, tuple[Scope, ...]] = {}
        scopes: dict[str, set[Scope]] = {}
        for day, ids in library.by_date.items():
            if cancelled():
                return
            in_day, in_month = Scope.of_day(day), Scope.of_month(day.year, day.month)
            for paper_id in ids:
                scopes.setdefault(paper_id, {ALL}).update((in_day, in_month))
            for category, listed in library.by_category.get(day, {}).items():
                pair = (
                    Scope.of_day(day, category),
                    Scope.of_month(day.year, day.month, category),
                )
                for paper_id in listed:
                    scopes[paper_id].update(pair)
        for paper_id, paper_scopes in scopes.items():
            self._scopes[paper_id] = frozen = tuple(paper_scopes)
            self.total.update(frozen)
            if paper_id not in read:
                self.unread.update(frozen)

    def marked(self, paper_ids: Iterable[str], read: bool) -> None:
        """Papers whose read state just changed to ``read``."""
        step = -1 if read else 1
        for paper_id in paper_ids:
            for scope in self._scopes.get(paper_id, ()):
                self.unread[scope] += step

    def counts(self) -> dict[Scope, tuple[int, int]]:
        """(total, unread) of every scope counted."""
        return {scope: (total, self.unread[scope]) for scope, total in self.total.items()}

    def of(self, scope: Scope) -> tuple[int, int] | None:
        """(total, unread) of a scope the tally counts, else None."""
        total = self.total.get(scope)
        return None if total is None else (total, self.unread[scope])


def sidebar_counts(
    tally: Tally | None,
    library: Library,
    marks: Marks,
    searches: Mapping[str, tuple[int, int]],
) -> dict[Scope, tuple[int, int]]:
    """(total, unread) of every list the sidebar shows: from the tally for
    parts of the library, counted here for the (small) sets of marked papers,
    and as given for saved searches (a worker counts those)."""
    counts = tally.counts() if tally else {}
    papers, read = library.papers, marks.read_ids()

    def of(ids: Iterable[str]) -> tuple[int, int]:
        listed = [i for i in ids if i in papers]
        return len(listed), sum(1 for i in listed if i not in read)

    if tally:
        unread = counts.get(ALL, (0, 0))[1]
        counts[UNREAD] = (unread, unread)
    counts[STARRED] = of(marks.starred_ids())
    counts[NOTED] = of(marks.noted_ids())
    for tag in marks.tag_names():
        counts[Scope("tag", tag)] = of(marks.tagged(tag))
    for name, count in searches.items():
        counts[Scope("saved", name)] = count
    return counts
