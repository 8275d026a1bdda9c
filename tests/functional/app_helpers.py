"""Helpers for driving the real app: load it, let workers settle, read rows."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from time import monotonic

import pytest
import tomli_w
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Static
from textual.worker import WorkerCancelled

from tuireader.core import locations
from tuireader.core.locations import bundled_samples
from tuireader.ui.app import ReaderApp
from tuireader.ui.screens.main import DETAIL_DELAY, MainScreen

SAMPLES = bundled_samples()


async def workers_done(pilot: Pilot[None]) -> None:
    """Wait until no worker runs, and what they started has run too. One
    cancelled meanwhile is no failure: a newer one of its group replaced it,
    and is waited for in turn."""
    await pilot.pause()
    while any(not worker.is_finished for worker in pilot.app.workers):
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def loaded(pilot: Pilot[None]) -> MainScreen:
    """Wait until the library is loaded, indexed and counted; return the main screen."""
    await workers_done(pilot)
    await workers_done(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen


async def settle(pilot: Pilot[None]) -> None:
    """Let workers finish and their results reach the widgets, the detail
    pane included (it follows the cursor after a short delay)."""
    await workers_done(pilot)
    await pilot.pause(DETAIL_DELAY * 2)


async def until(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Wait (up to 20 s, no fixed sleep) until ``condition()``, then settle."""
    deadline = monotonic() + 20
    while not condition():
        if monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        await asyncio.sleep(0.05)
    await settle(pilot)


async def detail_follows(pilot: Pilot[None]) -> None:
    """Wait for the detail pane to catch up with the cursor."""
    await pilot.pause(DETAIL_DELAY * 2)


def strip_text(strip: Strip) -> str:
    return "".join(segment.text for segment in strip)


def visible_rows(screen: MainScreen) -> list[str]:
    """The list's rows as the terminal would show them, from the Line API."""
    paper_list = screen.paper_list
    return [strip_text(paper_list.render_line(y)) for y in range(paper_list.size.height)]


def shown_ids(screen: MainScreen) -> list[str]:
    """The IDs of the papers the list shows, in order."""
    return [screen.reader.papers[i].id for i in screen.paper_list.rows]


def detail_text(screen: MainScreen) -> str:
    return str(screen.detail.query_one("#detail-body", Static).render())


def detail_lines(screen: MainScreen) -> list[str]:
    """The detail pane's lines the terminal shows now: what is scrolled out
    of view or below the pane's bottom is not there."""
    body = screen.detail.query_one("#detail-body", Static)
    height = screen.detail.scrollable_content_region.height
    top = screen.detail.scroll_offset.y
    return [strip_text(s) for s in body.render_lines(Region(0, top, body.size.width, height))]


def status_text(screen: MainScreen) -> str:
    return str(screen.filter_bar.query_one("#filter-status", Static).render())


def notifications(pilot: Pilot[None]) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def write_config(**settings: object) -> None:
    """Settings for the next app, in the test's own config folder."""
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomli_w.dumps(settings))


def make_app(*paths: str | os.PathLike[str]) -> ReaderApp:
    return ReaderApp([str(path) for path in (paths or (SAMPLES,))])


def copy_samples(target: Path) -> Path:
    """Writable copies of the samples, nesting kept."""
    for source in sorted(SAMPLES.rglob("*.md")):
        copy = target / source.relative_to(SAMPLES)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
    return target


def api_digest(category: str, day: date, papers: list[tuple[str, str]]) -> str:
    """A digest in the arXiv API format: ``papers`` are (ID, title)."""
    entries = [
        f"### {title}\n- **Arxiv ID**: http://arxiv.org/abs/{paper_id}v1\n"
        f"- **Categories**: **{category}**\n- **Summary**: About {title.lower()}.\n"
        for paper_id, title in papers
    ]
    return f"# Arxiv Papers in {category} on {day.isoformat()}\n" + "\n".join(entries)


def steady_cursors(pilot: Pilot[None]) -> None:
    """Stop cursors blinking so snapshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for widget in pilot.app.screen.query(TextArea):
        widget.cursor_blink = False
