"""Finding things in the app: the query language in the filter (with inline
errors), tags, saved searches and watches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

import pytest
from app_helpers import (
    SAMPLES,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    status_text,
    visible_rows,
    write_config,
)

from tuireader.core import locations
from tuireader.core.library import load_library
from tuireader.core.scope import Scope
from tuireader.core.store import AnnotationStore, Edit
from tuireader.ui.screens.tags import TagEditor

LIBRARY = load_library([SAMPLES])
PAPERS = LIBRARY.ordered_papers()


@pytest.fixture(autouse=True)
def no_reading_by_timer() -> None:
    write_config(mark_read_after=0)


def stored() -> AnnotationStore:
    store = AnnotationStore()
    assert store.load() == []
    return store


@pytest.mark.parametrize(
    "query",
    [
        "ti:segmentation -is:starred",
        "cat:eess OR au:wang",
        "date:2021-03 (deep OR neural) -survey",
        "tag:survey",
        "is:unread abs:transformer",
    ],
)
async def test_the_filter_gives_what_tuireader_search_gives(query: str) -> None:
    store = stored()
    store.apply(
        [Edit(p.id, "tag", True, tag="survey") for p in PAPERS[:30:3]]
        + [Edit(p.id, "starred", True) for p in PAPERS[::5]]
        + [Edit(p.id, "read", True) for p in PAPERS[::2]]
    )
    cli = subprocess.run(
        [sys.executable, "-m", "tuireader", "search", query, "--limit", "0", "-f", "json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    expected = [record["id"] for record in json.loads(cli.stdout)]
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *query)
        await settle(pilot)
        assert shown_ids(screen) == expected and expected


async def test_a_bad_query_says_what_is_wrong_and_keeps_the_last_rows() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"segmentation")
        await settle(pilot)
        good = shown_ids(screen)
        screen.filter_bar.input.value = "segmentation is:bogus"  # pasted at once
        await settle(pilot)
        assert status_text(screen).startswith("✗ unknown is:bogus: use is:starred")
        assert shown_ids(screen) == good
        screen.filter_bar.input.value = "segmentation"
        await settle(pilot)
        assert status_text(screen) == f"{len(good)} of 240"


async def test_tags_with_completion_in_rows_detail_and_sidebar() -> None:
    stored().set_tag(PAPERS[9].id, "lab/nerf", True)
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("t")
        editor = pilot.app.screen
        assert isinstance(editor, TagEditor)
        await pilot.press(*"survey la", "tab")  # completes from the tags in use
        assert editor.query_one("Input").value == "survey lab/nerf"  # type: ignore[attr-defined]
        await pilot.press(*" Bad!Tag")
        await pilot.pause()
        assert "cannot contain '!'" in str(editor.query_one("#tags-error").render())
        await pilot.press(*["backspace"] * 8, "enter")
        await settle(pilot)
        assert stored().get(PAPERS[0].id).tags == {"survey", "lab/nerf"}
        assert "#lab/nerf #survey" in visible_rows(screen)[0]
        assert Scope("tag", "survey") in screen.sidebar._entries
        screen.choose_scope(Scope("tag", "lab/nerf"))
        await settle(pilot)
        assert shown_ids(screen) == sorted(
            [PAPERS[0].id, PAPERS[9].id], key=LIBRARY.ordered_ids.index
        )


async def test_tagging_the_whole_list_is_one_undo_step() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(LIBRARY.dates[1]))
        await settle(pilot)
        await pilot.press("T", *"to-read", "enter")
        await settle(pilot)
        assert len(stored().tagged("to-read")) == 45
        await pilot.press("T", *"-to-read survey", "enter")
        await settle(pilot)
        assert stored().tagged("to-read") == set() and len(stored().tagged("survey")) == 45
        await pilot.press("u")
        assert len(stored().tagged("to-read")) == 45 and stored().tagged("survey") == set()
        await pilot.press("u")
        assert stored().tagged("to-read") == set()


async def test_saving_a_search_and_showing_it_with_its_number() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"ti:segmentation", "ctrl+s")
        await pilot.pause()
        await pilot.press(*"Segmentation", "enter")
        await settle(pilot)
        saved = tomllib.loads(locations.config_file().read_text())["searches"]
        assert saved == [{"name": "Segmentation", "query": "ti:segmentation"}]
        await pilot.press("escape", "escape", "1")
        await settle(pilot)
        assert screen.reader.scope == Scope("saved", "Segmentation")
        assert shown_ids(screen) and all(
            "segmentation" in LIBRARY.papers[i].title.lower() for i in shown_ids(screen)
        )
        label = str(screen.sidebar._entries[Scope("saved", "Segmentation")][0].label)
        assert label == f"1 Segmentation {len(shown_ids(screen))}/{len(shown_ids(screen))}"
        await pilot.press("2")
        assert any("No saved search 2" in m for m in notifications(pilot))


async def test_watches_mark_their_papers_and_count_the_unread() -> None:
    write_config(
        mark_read_after=0,
        searches=[{"name": "trackers", "query": "ti:tracking", "watch": True}],
    )
    tracking = [p for p in PAPERS if "tracking" in p.title.lower()]
    stored().mark_read([tracking[0].id])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen.reader.marks_of(tracking[0].id).watches == ("trackers",)
        label = str(screen.sidebar._entries[Scope("saved", "trackers")][0].label)
        assert label == f"1 ◆ trackers {len(tracking) - 1}/{len(tracking)}"
        row = shown_ids(screen).index(tracking[1].id)
        screen.paper_list.cursor = row
        await pilot.pause(0.2)
        assert "◆" in visible_rows(screen)[row - screen.paper_list.scroll_offset.y][:6]
        await pilot.press("r")  # read one more: the watch's count follows
        await pilot.pause(0.8)
        await settle(pilot)
        label = str(screen.sidebar._entries[Scope("saved", "trackers")][0].label)
        assert label == f"1 ◆ trackers {len(tracking) - 2}/{len(tracking)}"


async def test_palette_renames_watches_and_deletes_a_saved_search() -> None:
    write_config(mark_read_after=0, searches=[{"name": "old", "query": "ti:deep"}])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("ctrl+p", *"rename old")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*["backspace"] * 3, *"deep ones", "enter")
        await pilot.pause()
        await pilot.press("ctrl+p", *"watch deep ones")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        saved = tomllib.loads(locations.config_file().read_text())["searches"]
        assert saved == [{"name": "deep ones", "query": "ti:deep", "watch": True}]
        await pilot.press("ctrl+p", *"delete deep ones")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await settle(pilot)
        assert "searches" not in tomllib.loads(locations.config_file().read_text())
        assert not any(scope.kind == "saved" for scope in screen.sidebar._entries)
