"""A position list reads as the ints of its array, like a tuple of them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuireader.core.position_list import PositionList

_INTS = st.lists(st.integers(0, 50), max_size=30)


@given(values=_INTS, data=st.data())
def test_reads_as_the_tuple_of_its_ints(values: list[int], data: st.DataObject) -> None:
    positions = PositionList(np.array(values, dtype=np.intp))
    as_tuple = tuple(values)
    assert len(positions) == len(as_tuple)
    assert list(positions) == values
    assert positions == as_tuple and as_tuple == positions and positions == values
    assert bool(positions) == bool(values)
    for i in range(-len(values), len(values)):
        assert positions[i] == as_tuple[i] and type(positions[i]) is int
    start = data.draw(st.integers(-40, 40))
    stop = data.draw(st.none() | st.integers(-40, 40))
    assert positions[start:stop] == as_tuple[start:stop]
    for value in range(-1, 52):
        assert (value in positions) == (value in as_tuple)
        try:
            expected: int | None = as_tuple.index(value, start, *(() if stop is None else (stop,)))
        except ValueError:
            expected = None
        if expected is None:
            with pytest.raises(ValueError):
                positions.index(value, start, *(() if stop is None else (stop,)))
        else:
            assert positions.index(value, start, *(() if stop is None else (stop,))) == expected


def test_unequal_to_other_ints_and_to_what_is_no_sequence() -> None:
    positions = PositionList(np.array([3, 1, 2]))
    assert positions != (3, 1) and positions != (3, 1, 4) and positions != [1, 2, 3]
    assert positions != "312" and positions != 312 and positions != {3: 1}
    assert positions == PositionList(np.array([3, 1, 2], dtype=np.int32))
    assert "x" not in positions and positions.index(2) == 2
    with pytest.raises(ValueError, match="'x' is not in the list"):
        positions.index("x")


def test_shares_its_array_read_only_and_converts_without_a_copy() -> None:
    array = np.array([5, 6, 7], dtype=np.intp)
    positions = PositionList(array)
    array[0] = 9  # the caller's array stays writable: the list only views it
    assert positions[0] == 9
    assert np.asarray(positions) is np.asarray(positions)
    assert np.shares_memory(np.asarray(positions, np.intp), array)
    with pytest.raises(ValueError):
        np.asarray(positions)[0] = 1
    with pytest.raises(TypeError):
        hash(positions)
    assert repr(positions) == "PositionList([9, 6, 7])"
