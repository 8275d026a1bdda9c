"""The cyclic garbage collector, paused while a library loads.

A library is millions of objects without a cycle among them: each full pass
of the collector walks all of them again and finds nothing. In a cold
``tuireader list`` that was a quarter of the main process's work; in the
app, a pass over a loading library held the GIL for up to 0.17 s at 100,000
papers, and a key typed meanwhile waited for it.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off while a library loads, and what was loaded left
    out of its later passes (frozen), as the app does once it shows a
    library. Cyclic garbage made meanwhile (a few seconds of a UI) waits
    for the collector's return. Nothing changes if it was off already."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
