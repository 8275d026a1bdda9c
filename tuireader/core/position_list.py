"""Positions kept in a numpy array and read as a sequence of ints.

A search that matches most of a million papers would otherwise make a
million Python ints for its result (about 20 ms, a fifth of a first key's
time), though the list only ever draws the few rows on screen.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import numpy.typing as npt


class PositionList(Sequence[int]):
    """An immutable sequence of ints over an int array (a read-only view of
    it, not a copy), equal to any sequence of the same ints."""

    __slots__ = ("_array",)

    def __init__(self, array: npt.NDArray[np.integer[Any]]) -> None:
        self._array = array.view()
        self._array.flags.writeable = False

    def __len__(self) -> int:
        return int(self._array.size)

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> PositionList: ...
    def __getitem__(self, index: int | slice) -> int | PositionList:
        if isinstance(index, slice):
            return PositionList(self._array[index])
        return int(self._array[index])

    def __iter__(self) -> Iterator[int]:
        return iter(self._array.tolist())

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        """Where ``value`` first is: one vectorised pass, not a Python loop."""
        start, stop, _ = slice(start, stop).indices(len(self))
        if isinstance(value, int):
            found = np.flatnonzero(self._array[start:stop] == value)
            if found.size:
                return start + int(found[0])
        raise ValueError(f"{value!r} is not in the list")

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        return self._array if dtype is None else self._array.astype(dtype, copy=False)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, PositionList):
            return bool(np.array_equal(self._array, other._array))
        if isinstance(other, Sequence) and not isinstance(other, str | bytes):
            return len(other) == len(self) and self._array.tolist() == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PositionList({self._array.tolist()!r})"
