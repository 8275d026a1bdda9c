"""Which papers of the library have a category, a date, an ID prefix or one
of the user's marks: boolean arrays by position in library order.

Categories and dates are kept flat (one code or day number per paper and
category or date, beside the position it belongs to), so a new value costs a
few numpy passes, not a Python loop over 100,000 papers: typing ``cat:cs.L``
key by key asks for a new mask on every key. Every mask is cached under what
it depends on; the user's marks under the store's identity and revision.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt

from tuireader.core.evaluate import Found, Marks
from tuireader.core.model import Paper

#: Masks kept at once; a long session of queries must not grow without bound.
CACHED_MASKS = 64
#: A set of marks smaller than the library by this factor is marked by
#: looking its papers up, not by asking each paper whether it is in it (an
#: ID looked up costs about three asked): 1,000 notes at 100,000 papers took
#: 6 ms the second way, paid by the first key typed after a change of marks.
MEMBERS_LOOKED_UP = 3

_VERSION = re.compile(r"v\d+$", re.IGNORECASE)

Flat = tuple[npt.NDArray[np.int64], npt.NDArray[np.intp]]


@dataclass(frozen=True)
class Tables:
    """Every (category, paper) and (day, paper) pair, flat: category codes
    index ``names``, days are ordinals, owners are positions."""

    names: list[str]
    categories: Flat
    days: Flat


class LibraryMasks:
    """Masks over ``papers`` (in library order), each built when first asked for."""

    def __init__(
        self,
        papers: Sequence[Paper],
        ids: Sequence[str],
        tables: Tables | None = None,
        position: Mapping[str, int] | None = None,
    ) -> None:
        self._papers = papers
        self._ids = ids
        self._position = position
        self._cache: dict[tuple[object, ...], Found] = {}
        self._categories = (tables.names, tables.categories) if tables else None
        self._days = tables.days if tables else None
        self._folded_ids: npt.NDArray[np.str_] | None = None

    def of_marks(self, name: str, marks: Marks, paper_ids: Callable[[], Set[str]]) -> Found:
        """Whether each paper is among ``paper_ids()``, one of the user's sets
        (``name``: "read", "tag:survey"...), until the marks change."""

        def build() -> Found:
            members, position = paper_ids(), self._position
            if position is not None and len(members) * MEMBERS_LOOKED_UP < len(self._ids):
                return self._owned(
                    np.fromiter((position[i] for i in members if i in position), np.intp)
                )
            return np.fromiter(map(members.__contains__, self._ids), bool, len(self._ids))

        return self._cached((name, id(marks), marks.revision), build)

    def of_category(self, value: str) -> Found:
        """Papers in category ``value``, or in any of its archive (``cs``)."""
        wanted = value.lower()

        def build() -> Found:
            names, (codes, owners) = self._category_table()
            matching = [
                code
                for code, name in enumerate(names)
                if name == wanted or name.startswith(wanted + ".")
            ]
            return self._owned(owners[np.isin(codes, matching)])

        return self._cached(("category", wanted), build)

    def of_dates(self, start: date | None, end: date | None) -> Found:
        """Papers listed on a day from ``start`` to ``end`` (inclusive, open ends)."""

        def build() -> Found:
            days, owners = self._day_table()
            low = (start or date.min).toordinal()
            high = (end or date.max).toordinal()
            return self._owned(owners[(days >= low) & (days <= high)])

        return self._cached(("date", start, end), build)

    def of_id_prefix(self, value: str) -> Found:
        """Papers whose arXiv ID starts with ``value`` (case-insensitive; a
        whole ID's version, ``v2``, is ignored: the library's IDs have none)."""
        prefix = _VERSION.sub("", value) if "." in value or "/" in value else value

        def build() -> Found:
            if self._folded_ids is None:
                self._folded_ids = np.array([paper_id.lower() for paper_id in self._ids], str)
            return np.asarray(np.char.startswith(self._folded_ids, prefix.lower()), bool)

        return self._cached(("id", prefix.lower()), build)

    def _cached(self, key: tuple[object, ...], build: Callable[[], Found]) -> Found:
        found = self._cache.get(key)
        if found is None:
            found = build()
            if len(self._cache) >= CACHED_MASKS:
                self._cache.clear()
            self._cache[key] = found
        return found

    def _owned(self, owners: npt.NDArray[np.intp]) -> Found:
        found = np.zeros(len(self._ids), bool)
        found[owners] = True
        return found

    def tables(self) -> Tables:
        """The flat tables every mask is computed from (to keep them in a file)."""
        names, categories = self._category_table()
        return Tables(names, categories, self._day_table())

    def _category_table(self) -> tuple[list[str], Flat]:
        if self._categories is None:
            code_of: dict[str, int] = {}
            codes, owners = [], []
            for position, paper in enumerate(self._papers):
                for category in paper.categories:
                    codes.append(code_of.setdefault(category.lower(), len(code_of)))
                    owners.append(position)
            flat = (np.array(codes, np.int64), np.array(owners, np.intp))
            self._categories = (list(code_of), flat)
        return self._categories

    def _day_table(self) -> Flat:
        if self._days is None:
            days, owners = [], []
            for position, paper in enumerate(self._papers):
                for day in paper.dates:
                    days.append(day.toordinal())
                    owners.append(position)
            self._days = (np.array(days, np.int64), np.array(owners, np.intp))
        return self._days
