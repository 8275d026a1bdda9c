"""SVG snapshots of the reader at 80×24 and 120×40 (review them before updating).

Run ``pytest tests/functional/test_snapshots.py --snapshot-update`` after a
deliberate change, then look at the SVGs in ``__snapshots__``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from app_helpers import loaded, make_app, settle, steady_cursors
from textual.pilot import Pilot

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]

Steps = Callable[[Pilot[None]], Coroutine[Any, Any, None]]


async def main_screen(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("j", "j")


async def filter_in_use(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("slash", *"segmentation")
    await settle(pilot)


async def note_editor(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("n", *"Compare with SAM. [red]not markup[/]")
    await pilot.pause()


async def help_screen(pilot: Pilot[None]) -> None:
    await loaded(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "steps",
    [main_screen, filter_in_use, note_editor, help_screen],
    ids=lambda steps: steps.__name__,
)
def test_snapshot(snap_compare: Any, size: tuple[int, int], steps: Steps) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await steps(pilot)
        steady_cursors(pilot)
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)
