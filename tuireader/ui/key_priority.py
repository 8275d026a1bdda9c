"""A typed key before the loader's work: one GIL for the whole process.

While a cold start parses, the loader's thread decodes digests and prepares
each snapshot's searcher in Python, and every step of it takes the GIL from
the thread answering a key (its search, then its paint). So from a key until
its rows are painted, the loader waits between its steps; for
:data:`LONGEST` at most, so that a key whose rows never come (a newer key
replaced them) cannot stall the load.
"""

from __future__ import annotations

import threading
from time import monotonic

#: The longest the loader waits for one key.
LONGEST = 0.1


class KeyPriority:
    """Between a key and its painted rows, :meth:`give_way` waits."""

    def __init__(self) -> None:
        self._painted = threading.Event()
        self._painted.set()
        self._until = 0.0

    def key_typed(self) -> None:
        """A key was typed (on the UI thread)."""
        self._until = monotonic() + LONGEST
        self._painted.clear()

    def key_painted(self) -> None:
        """The key's rows are painted (on the UI thread)."""
        self._painted.set()

    def give_way(self) -> None:
        """Wait while a key is answered, :data:`LONGEST` after it at most
        (in the loader's thread; at once when no key is)."""
        remaining = self._until - monotonic()
        if remaining > 0:
            self._painted.wait(remaining)
