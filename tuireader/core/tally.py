"""How many papers, and how many unread, in each part of the library.

Counted once per library (a worker does it while the list is already shown),
then kept up to date mark by mark: marking a paper read touches only the
counts of the days, months and categories it was listed in, so the sidebar
follows every keystroke without recounting 100,000 papers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from tuireader.core.config import SavedSearch
from tuireader.core.evaluate import Positions
from tuireader.core.library import Library, positions_of
from tuireader.core.query import QueryError
from tuireader.core.scope import ALL, NOTED, STARRED, UNREAD, Scope
from tuireader.core.search import Marks, SearchIndex

#: Watches a paper can be marked with (the bits of one integer).
BITS = 64


class Tally:
    """Totals and unread counts of the whole library, each day, each month,
    and each category within a day or a month (every one a :class:`Scope`).

    Each scope's papers are an array of positions, so counting a million
    papers is a few numpy passes (it was seconds of Python holding the
    interpreter lock, which the UI thread felt); each paper's scopes are kept
    as scope numbers, by position, for the marks that follow."""

    def __init__(
        self,
        library: Library,
        read: Set[str],
        cancelled: Callable[[], bool] = lambda: False,
        position: Mapping[str, int] | None = None,
    ) -> None:
        self.total: Counter[Scope] = Counter()
        self.unread: Counter[Scope] = Counter()
        ids = library.ordered_ids
        self._position = position or positions_of(ids)
        self._scopes: list[Scope] = []
        self._paper_scopes = np.zeros(0, dtype=np.int32)
        self._firsts = np.zeros(len(ids) + 1, dtype=np.int64)
        members = self._members(library, cancelled)
        if members is None:
            return
        is_read = np.zeros(len(ids), dtype=bool)
        is_read[[self._position[i] for i in read if i in self._position]] = True
        for scope, positions in members.items():
            self.total[scope] = positions.size
            self.unread[scope] = positions.size - int(np.count_nonzero(is_read[positions]))
        self._scopes = list(members)
        owners = np.concatenate(list(members.values()))
        order = np.argsort(owners, kind="stable")
        codes = np.repeat(
            np.arange(len(members), dtype=np.int32), [p.size for p in members.values()]
        )
        self._paper_scopes = codes[order]
        self._firsts = np.searchsorted(owners[order], np.arange(len(ids) + 1))

    def _members(
        self, library: Library, cancelled: Callable[[], bool]
    ) -> dict[Scope, Positions] | None:
        """Each scope's papers, by position (None when cancelled)."""

        def at(paper_ids: Sequence[str]) -> Positions:
            return np.fromiter(map(self._position.__getitem__, paper_ids), np.intp, len(paper_ids))

        members: dict[Scope, Positions] = {ALL: np.arange(len(library.ordered_ids))}
        months: dict[Scope, list[Positions]] = {}
        for day, ids in library.by_date.items():
            if cancelled():
                return None
            listed = [(Scope.of_day(day), Scope.of_month(day.year, day.month), ids)]
            listed += [
                (Scope.of_day(day, category), Scope.of_month(day.year, day.month, category), ids)
                for category, ids in library.by_category.get(day, {}).items()
            ]
            for in_day, in_month, paper_ids in listed:
                members[in_day] = at(paper_ids)
                months.setdefault(in_month, []).append(members[in_day])
        for month, parts in months.items():
            members[month] = np.unique(np.concatenate(parts))
        return members

    def marked(self, paper_ids: Iterable[str], read: bool) -> None:
        """Papers whose read state just changed to ``read``."""
        step = -1 if read else 1
        for paper_id in paper_ids:
            at = self._position.get(paper_id)
            if at is None or at + 1 >= self._firsts.size:
                continue
            for code in self._paper_scopes[self._firsts[at] : self._firsts[at + 1]].tolist():
                self.unread[self._scopes[code]] += step

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


@dataclass
class SearchCounts:
    """What the sidebar and the rows show of the saved searches: counts, and
    which watches each paper matches (one bit per watch and paper, so that ten
    watches matching 40,000 papers cost numpy operations, not dict entries)."""

    #: Each saved search's (total, unread), by name; a broken query is left out.
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: The watches' names, in the order of their bits.
    watches: tuple[str, ...] = ()
    #: Per paper of the index counted: bit k set when it matches ``watches[k]``.
    bits: npt.NDArray[np.uint64] = field(default_factory=lambda: np.zeros(0, np.uint64))
    #: The index's positions of the papers, by ID.
    position: Mapping[str, int] = field(default_factory=dict)
    _names: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)

    def watches_of(self, paper_id: str) -> tuple[str, ...]:
        """The names of the watches the paper matches."""
        at = self.position.get(paper_id)
        if at is None or not self.bits.size:
            return ()
        bits = int(self.bits[at])
        names = self._names.get(bits)
        if names is None:
            names = tuple(name for k, name in enumerate(self.watches) if bits >> k & 1)
            self._names[bits] = names
        return names

    @property
    def watched_count(self) -> int:
        """How many papers match at least one watch."""
        return int(np.count_nonzero(self.bits))


def count_searches(
    index: SearchIndex,
    marks: Marks,
    searches: Sequence[SavedSearch],
    cancelled: Callable[[], bool] = lambda: False,
) -> SearchCounts | None:
    """Run every saved search over the whole library (slow at scale: call it
    in a worker); ``None`` when cancelled. Only the first 64 watches mark rows."""
    read = index.masks.of_marks("read", marks, marks.read_ids)
    counts: dict[str, tuple[int, int]] = {}
    watches: list[str] = []
    bits = np.zeros(len(index), np.uint64)
    for search in searches:
        if cancelled():
            return None
        try:
            positions = np.asarray(index.search(search.query, marks=marks).positions, np.intp)
        except QueryError:
            continue
        counts[search.name] = (positions.size, positions.size - int(read[positions].sum()))
        if search.watch and len(watches) < BITS:
            bits[positions] |= np.uint64(1 << len(watches))
            watches.append(search.name)
    return SearchCounts(counts, tuple(watches), bits, index.position)
