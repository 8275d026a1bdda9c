"""Papers and abstracts read from the mapped library file when asked for:
the list draws forty rows, so forty papers are decoded, not a million."""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from tuireader.core.cache import paper_from_record
from tuireader.core.model import Paper

#: The title of a paper whose record in the library file is damaged.
UNREADABLE = "(this paper's record is damaged; delete the library file to rebuild it)"


class Blobs:
    """Byte strings back to back in one mapped buffer, by position."""

    def __init__(self, data: memoryview, ends: npt.NDArray[np.int64]) -> None:
        if ends.size and (ends[-1] != len(data) or np.any(np.diff(ends) < 0) or ends[0] < 0):
            raise ValueError("the ends do not fit the data")
        self._data = data
        self._ends = ends
        self._starts = np.concatenate(([0], ends[:-1])) if ends.size else ends

    def __len__(self) -> int:
        return int(self._ends.size)

    def __getitem__(self, position: int) -> memoryview:
        return self._data[int(self._starts[position]) : int(self._ends[position])]

    def sizes(self, positions: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        sizes: npt.NDArray[np.int64] = self._ends[positions] - self._starts[positions]
        return sizes

    def span(self, first: int, last: int) -> memoryview:
        """The blobs from ``first`` to ``last`` (inclusive), back to back."""
        return self._data[int(self._starts[first]) : int(self._ends[last])]

    def many(self, positions: Iterable[int]) -> Iterator[memoryview]:
        """The blobs at ``positions``, looked up in one numpy step."""
        wanted = np.fromiter(positions, dtype=np.intp)
        starts, ends = self._starts[wanted].tolist(), self._ends[wanted].tolist()
        data = self._data
        return (data[start:end] for start, end in zip(starts, ends, strict=True))


class BlobTexts:
    """A field's texts as searched (folded), read from the file when a search
    asks (their pages count as this process's until the kernel needs them
    back: letting go of them after each search cost more than it saved)."""

    def __init__(self, blobs: Blobs) -> None:
        self._blobs = blobs

    def __call__(self, positions: Iterable[int]) -> Iterator[str]:
        return (str(text, "utf-8", "surrogatepass") for text in self._blobs.many(positions))


class MappedPapers(Mapping[str, Paper]):
    """The library's papers by ID, each decoded from its record when read."""

    def __init__(self, ids: Sequence[str], position: Mapping[str, int], records: Blobs) -> None:
        self._ids = ids
        self._position = position
        self._records = records

    def __getitem__(self, paper_id: str) -> Paper:
        return self.at(self._position[paper_id])

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self._position

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def at(self, position: int) -> Paper:
        """The paper at ``position``. Records are not all checked when the
        file is opened (that would read gigabytes), so one damaged on disk
        reads as a paper that says so, never as an error while drawing."""
        try:
            return paper_from_record(marshal.loads(self._records[position]))
        except (ValueError, TypeError, EOFError, IndexError):
            return Paper(self._ids[position], UNREADABLE)


class PaperRows(Sequence[Paper]):
    """The papers in library order, decoded when read."""

    def __init__(self, papers: MappedPapers) -> None:
        self._papers = papers

    def __len__(self) -> int:
        return len(self._papers)

    @overload
    def __getitem__(self, position: int) -> Paper: ...
    @overload
    def __getitem__(self, position: slice) -> list[Paper]: ...
    def __getitem__(self, position: int | slice) -> Paper | list[Paper]:
        if isinstance(position, slice):
            return [self._papers.at(i) for i in range(len(self))[position]]
        if not -len(self) <= position < len(self):
            raise IndexError(position)
        return self._papers.at(position % len(self))
