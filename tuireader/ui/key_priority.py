"""A typed key before the loader's work: one GIL for the whole process.

While a cold start parses, the loader's thread decodes digests and prepares
each snapshot's searcher in Python, and every step of it takes the GIL from
the thread answering a key (its search, then its paint). So from a key until
its rows are painted, the loader waits between its steps, as it does for the
rows of a filtered snapshot it has just shown (a key typed meanwhile waits
for their search); for :data:`LONGEST` at most, so that rows that never
come (a newer key replaced them) cannot stall the load.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from time import monotonic

#: The longest the loader waits for one key.
LONGEST = 0.1
#: While the loader's thread runs Python the whole time, the UI thread waits
#: up to the switch interval for the GIL every time it comes back from its
#: event loop's select (Python's default: 5 ms; many times a key). At 1 ms,
#: keys typed during a load were answered in a real terminal in 38.6-40.8
#: ms median (four runs of three starts at 100,000 papers) against 39.5-53.8
#: at 5 ms (five runs, 47 the middle one). Once loaded it is 5 ms again:
#: there the search thread and the UI thread take turns, and typing was
#: 26-32 ms median at 1 ms against 25-27 at 5 ms.
LOADING_SWITCH_INTERVAL = 0.001


@contextlib.contextmanager
def gil_handed_over_often() -> Iterator[None]:
    """The GIL handed over every :data:`LOADING_SWITCH_INTERVAL` while any
    thread is inside (a reload starts before the first load has ended)."""
    with _holders_lock:
        if not _holders:
            _holders.append(sys.getswitchinterval())
            sys.setswitchinterval(LOADING_SWITCH_INTERVAL)
        _holders.append(LOADING_SWITCH_INTERVAL)
    try:
        yield
    finally:
        with _holders_lock:
            _holders.pop()
            if len(_holders) == 1:
                sys.setswitchinterval(_holders.pop())


#: The switch interval from before the first holder, then one entry a holder.
_holders: list[float] = []
_holders_lock = threading.Lock()


class KeyPriority:
    """Between rows asked for (a key typed, a filtered snapshot shown) and
    their paint, :meth:`give_way` waits."""

    def __init__(self) -> None:
        self._painted = threading.Event()
        self._painted.set()
        self._until = 0.0

    @property
    def waiting(self) -> bool:
        """Whether rows asked for are waiting to be painted."""
        return not self._painted.is_set()

    def rows_asked(self) -> None:
        """Rows were asked for: a key typed, a filtered snapshot shown (on the UI thread)."""
        self._until = monotonic() + LONGEST
        self._painted.clear()

    def rows_painted(self) -> None:
        """The rows are painted (on the UI thread)."""
        self._painted.set()

    def give_way(self) -> None:
        """Wait while rows asked for come, :data:`LONGEST` after the ask at
        most (in the loader's thread; at once when none are)."""
        remaining = self._until - monotonic()
        if remaining > 0:
            self._painted.wait(remaining)
