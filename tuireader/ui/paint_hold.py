"""Painting a typed key and what it finds in one frame.

A key typed in the filter is painted at the next frame, and its search's
rows one frame after they come: two paints of ~4-5 ms each on the UI
thread, the first of them taking turns at the GIL with the search. Holding
the app's painting from the key until the rows are shown (for
:data:`LONGEST` at most) paints both at once: the rows reach the screen
sooner, and no frame shows a query beside the list of the one before.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from textual.app import App
from textual.timer import Timer

#: The longest a typed key waits to be painted (a slow search's rows come
#: later): well under the ~50 ms in which an echo still feels immediate.
LONGEST = 0.025


class PaintHold:
    """Holds the app's painting from :meth:`begin` until :meth:`end`, or
    :data:`LONGEST` after it began, whichever comes first (the timer is the
    app's, not a screen's, so it ends the hold whatever becomes of the
    screen meanwhile)."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._held = ExitStack()
        self._timer: Timer | None = None

    @property
    def held(self) -> bool:
        return self._timer is not None

    def begin(self) -> None:
        """Hold painting (a hold already on keeps its end)."""
        if self._timer is None:
            self._held.enter_context(self._app.batch_update())
            self._timer = self._app.set_timer(LONGEST, self.end, name="paint hold")

    def end(self) -> None:
        """Paint again (what changed meanwhile, in one frame)."""
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.stop()
            self._held.close()
