"""Helpers for driving the real app: load it, let workers settle, read rows."""

from __future__ import annotations

import os

from textual.pilot import Pilot
from textual.strip import Strip

from tuireader.core.locations import bundled_samples
from tuireader.ui.app import ReaderApp
from tuireader.ui.screens.main import DETAIL_DELAY, MainScreen

SAMPLES = bundled_samples()


async def loaded(pilot: Pilot[None]) -> MainScreen:
    """Wait until the library is loaded and indexed, and return the main screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Let filter workers finish and their results reach the widgets."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def detail_follows(pilot: Pilot[None]) -> None:
    """Wait for the detail pane to catch up with the cursor."""
    await pilot.pause(DETAIL_DELAY * 2)


def strip_text(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


def visible_rows(screen: MainScreen) -> list[str]:
    """The list's rows as the terminal would show them, from the Line API."""
    paper_list = screen.paper_list
    return [strip_text(paper_list.render_line(y)) for y in range(paper_list.size.height)]


def make_app(*paths: str | os.PathLike[str]) -> ReaderApp:
    return ReaderApp([str(path) for path in (paths or (SAMPLES,))])


def steady_cursors(pilot: Pilot[None]) -> None:
    """Stop cursors blinking so snapshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
