"""SVG snapshots of the reader at 80×24 and 120×40 (review them before updating).

Run ``pytest tests/functional/test_snapshots.py --snapshot-update`` after a
deliberate change, then look at the SVGs in ``__snapshots__``. Marks are made
through the store before the app starts, and reading after a rest is off, so
no snapshot depends on timing.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from app_helpers import SAMPLES, loaded, make_app, settle, steady_cursors, write_config
from textual.pilot import Pilot

from tuireader.core.library import load_library
from tuireader.core.scope import Scope
from tuireader.core.store import AnnotationStore, Edit

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
CATEGORIES = Path(__file__).resolve().parents[1] / "data" / "categories"
PAPERS = load_library([SAMPLES]).ordered_papers()

Steps = Callable[[Pilot[None]], Coroutine[Any, Any, None]]


@pytest.fixture(autouse=True)
def marked_papers() -> None:
    """Some papers read, starred, noted and tagged; a watch; no reading by timer."""
    write_config(
        mark_read_after=0,
        searches=[{"name": "tracking", "query": "ti:tracking", "watch": True}],
    )
    store = AnnotationStore()
    store.load()
    store.apply(
        [Edit(p.id, "read", True) for p in PAPERS[2:6]]
        + [Edit(PAPERS[1].id, "starred", True), Edit(PAPERS[3].id, "starred", True)]
        + [Edit(PAPERS[1].id, "note", "Compare with SAM. [red]not markup[/]")]
        + [Edit(PAPERS[4].id, "tag", True, tag=t) for t in ("survey", "to-read", "lab/vision")]
    )


async def main_screen(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("j")


async def filter_in_use(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("slash", *"segmentation")
    await settle(pilot)


async def query_error(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("slash", *"segmentation date:2021-13")
    await settle(pilot)


async def note_editor(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("j", "n", *" Also [bold]this[/]")
    await pilot.pause()


async def help_screen(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def light_after_dark(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    pilot.app.theme = "textual-light"
    await pilot.pause()
    await pilot.press("j", "j")


async def dark_after_light(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    pilot.app.theme = "solarized-light"
    await pilot.pause()
    pilot.app.theme = "nord"
    await pilot.pause()
    await pilot.press("j", "j")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "steps",
    [
        main_screen,
        filter_in_use,
        query_error,
        note_editor,
        help_screen,
        light_after_dark,
        dark_after_light,
    ],
    ids=lambda steps: steps.__name__,
)
def test_snapshot(snap_compare: Any, size: tuple[int, int], steps: Steps) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await steps(pilot)
        steady_cursors(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_snapshot_of_categories_in_the_sidebar(snap_compare: Any, size: tuple[int, int]) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(date(2022, 1, 31), "cs.LG"))
        await settle(pilot)
        screen.sidebar.focus()
        await pilot.pause()
        steady_cursors(pilot)
        await pilot.pause()

    app = make_app(SAMPLES, CATEGORIES)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
