"""Relevance in the app: a list in "most like what I starred" order and back,
the reason shown for a paper, too few stars, a tag's model, more like this."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from app_helpers import (
    SAMPLES,
    detail_text,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    write_config,
)
from textual.pilot import Pilot

from tuireader.core.library import load_library
from tuireader.core.relevance import Relevance
from tuireader.core.scope import Scope
from tuireader.core.store import AnnotationStore, Edit

LIBRARY = load_library([SAMPLES])
PAPERS = LIBRARY.ordered_papers()
SEGMENTATION = [p.id for p in PAPERS if "segmentation" in p.title.lower()]


@pytest.fixture(autouse=True)
def no_reading_by_timer() -> None:
    write_config(mark_read_after=0)


def mark(edits: list[Edit]) -> AnnotationStore:
    store = AnnotationStore()
    store.load()
    store.apply(edits)
    return store


async def ranked(pilot: Pilot[None]) -> None:
    """Wait for the matrix to be built and the list to be shown in its order."""
    for _ in range(3):
        await settle(pilot)
        await pilot.pause(0.2)


async def test_s_orders_the_list_by_likeness_to_the_stars_and_back() -> None:
    store = mark([Edit(i, "starred", True) for i in SEGMENTATION[:8]])
    relevance = Relevance(PAPERS).build()
    model = relevance.train(relevance.positives(store))
    expected = [PAPERS[s.position].id for s in relevance.rank(model, range(len(PAPERS)))]
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        natural = shown_ids(screen)
        await pilot.press("S")
        await ranked(pilot)
        assert shown_ids(screen)[: len(expected)] == expected
        assert shown_ids(screen)[-8:] == [i for i in natural if i in SEGMENTATION[:8]]
        assert "by likeness to your stars" in screen.sub_title
        assert screen.paper_list.cursor == 0
        await pilot.pause(0.2)
        assert "≈ like your stars: segmentation" in detail_text(screen)
        await pilot.press("S")
        await settle(pilot)
        assert shown_ids(screen) == natural and "likeness" not in screen.sub_title


async def test_too_few_stars_says_so_and_keeps_the_order() -> None:
    mark([Edit(i, "starred", True) for i in SEGMENTATION[:2]])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        natural = shown_ids(screen)
        await pilot.press("S")
        await settle(pilot)
        assert shown_ids(screen) == natural
        assert any(
            m.startswith("Star at least 5 papers to rank by relevance (you have 2)")
            for m in notifications(pilot)
        )


async def test_a_tag_has_a_model_of_its_own() -> None:
    store = mark(
        [Edit(p.id, "tag", True, tag="faces") for p in PAPERS if "face" in p.title.lower()]
    )
    relevance = Relevance(PAPERS).build()
    model = relevance.train(relevance.positives(store, "faces"))
    expected = [PAPERS[s.position].id for s in relevance.rank(model, range(len(PAPERS)))]
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+p", *"likeness to #faces")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await ranked(pilot)
        assert "by likeness to #faces" in screen.sub_title
        assert shown_ids(screen)[:20] == expected[:20]


async def test_m_lists_the_papers_most_like_this_one() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.paper_list.cursor = shown_ids(screen).index("2201.13081")
        await pilot.pause()
        await pilot.press("m")
        await ranked(pilot)
        assert screen.reader.scope == Scope("similar", "2201.13081")
        assert shown_ids(screen)[0] == "2201.13271"
        assert len(shown_ids(screen)) == 50
        assert screen.sub_title.startswith("more like ‘Unsupervised Anomaly Detection")
        similar_first = shown_ids(screen)
        await pilot.press("S")  # newest first: the library's order
        await settle(pilot)
        position = screen.reader.position
        assert shown_ids(screen) == sorted(similar_first, key=position.__getitem__)
        assert shown_ids(screen) != similar_first
        assert screen.sub_title.endswith("· newest first")
        await pilot.press("S")
        await settle(pilot)
        assert shown_ids(screen) == similar_first


HEADLESS = textwrap.dedent(
    """
    import asyncio, json, sys
    from app_helpers import loaded, make_app, settle

    def imported():
        return ["sklearn" in sys.modules, "scipy" in sys.modules]

    async def main():
        async with make_app().run_test(size=(120, 40)) as pilot:
            screen = await loaded(pilot)
            await pilot.press("j", "enter", "slash", *"segmentation", "enter")
            await settle(pilot)
            after_load = imported()
            await pilot.press("m")
            for _ in range(3):
                await settle(pilot)
            print(json.dumps({"papers": len(screen.reader.library),
                              "after_load": after_load, "after_m": imported()}))

    asyncio.run(main())
    """
)


def test_loading_and_reading_do_not_import_sklearn() -> None:
    """scikit-learn costs a second to import: the app loads it only when asked
    to rank. A fresh interpreter, since this one has it from the tests above;
    ``m`` at the end shows the probe sees the import when it happens."""
    helpers = str(Path(__file__).parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([helpers, os.environ.get("PYTHONPATH", "")])}
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "papers": 240,
        "after_load": [False, False],
        "after_m": [True, True],
    }
