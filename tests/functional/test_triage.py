"""The morning loop through the real app: read state, next unread, sidebar
counts, undo and redo of every change (checked on disk), resume, and a data
file from a newer tuireader."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from app_helpers import (
    SAMPLES,
    api_digest,
    copy_samples,
    detail_follows,
    loaded,
    make_app,
    notifications,
    settle,
    shown_ids,
    status_text,
    write_config,
)

from tuireader.core import locations
from tuireader.core.library import load_library
from tuireader.core.scope import Scope
from tuireader.core.store import AnnotationStore
from tuireader.ui.screens.main import MainScreen

LIBRARY = load_library([SAMPLES])
DATES = LIBRARY.dates
PAPERS = LIBRARY.ordered_papers()


def on_disk() -> AnnotationStore:
    store = AnnotationStore()
    assert store.load() == []
    return store


def sidebar_label(screen: MainScreen, scope: Scope) -> str:
    node, _ = screen.sidebar._entries[scope]
    return str(node.label)


@pytest.fixture
def quick_reading() -> None:
    write_config(mark_read_after=0.3)


@pytest.mark.usefixtures("quick_reading")
async def test_a_paper_is_read_after_a_rest_not_while_passing() -> None:
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        before = len(on_disk().read_ids())  # the first paper may have rested already
        await pilot.press("j", "j", "j", "j")  # passing: none rests 0.3 s
        await pilot.pause(0.6)
        read = on_disk().read_ids()
        assert PAPERS[4].id in read  # the one the cursor rested on
        assert not read & {p.id for p in PAPERS[1:4]}
        assert len(read) == before + 1
        assert sidebar_label(screen, Scope("unread")).endswith(f" {240 - len(read)}")


async def test_enter_marks_read_and_r_toggles() -> None:
    write_config(mark_read_after=0)  # no reading by timer
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("j", "enter")
        assert on_disk().read_ids() == {PAPERS[1].id}
        assert screen.detail.has_focus
        await pilot.press("escape", "r")
        assert on_disk().read_ids() == set()
        await pilot.press("r")
        assert on_disk().read_ids() == {PAPERS[1].id}
        assert any(m.startswith("Marked read: ‘Plug-In") for m in notifications(pilot))


async def test_marking_a_day_read_is_one_undo_step_and_counts_follow() -> None:
    write_config(mark_read_after=0)
    day = Scope.of_day(DATES[1])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(day)
        await settle(pilot)
        assert sidebar_label(screen, day) == f"{DATES[1]:%Y-%m-%d} 45/45"
        await pilot.press("R")
        assert len(on_disk().read_ids()) == 45
        assert sidebar_label(screen, day) == f"{DATES[1]:%Y-%m-%d} 45"
        assert sidebar_label(screen, Scope("all")) == "All papers 195/240"
        await pilot.press("u")
        assert on_disk().read_ids() == set()
        assert sidebar_label(screen, day) == f"{DATES[1]:%Y-%m-%d} 45/45"
        assert any(m == "Undid: Marked 45 papers read" for m in notifications(pilot))
        await pilot.press("ctrl+r")
        assert len(on_disk().read_ids()) == 45


async def test_bulk_read_and_unread_of_a_filtered_list_touch_only_its_papers() -> None:
    """``R`` and ``U`` act on the rows shown, not the scope behind the filter;
    each is one undo step, and undoing restores the marks as they were."""
    write_config(mark_read_after=0)
    store = AnnotationStore()
    store.load()
    matching = {p.id for p in PAPERS if "segmentation" in p.title.lower()}
    outside = next(p.id for p in PAPERS if "segmentation" not in p.title.lower())
    already = sorted(matching)[0]
    store.mark_read([outside, already])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("slash", *"segmentation", "enter")
        await settle(pilot)
        filtered = set(shown_ids(screen))
        assert matching <= filtered and outside not in filtered
        assert 2 < len(filtered) < 240
        await pilot.press("R")
        assert on_disk().read_ids() == filtered | {outside}
        await pilot.press("U")
        assert on_disk().read_ids() == {outside}
        assert f"Marked {len(filtered)} papers unread" in notifications(pilot)
        await pilot.press("u")
        assert on_disk().read_ids() == filtered | {outside}
        await pilot.press("u")
        assert on_disk().read_ids() == {outside, already}
        assert notifications(pilot)[-1] == f"Undid: Marked {len(filtered)} papers read"


async def test_bulk_read_of_a_month_marks_each_of_its_days(tmp_path: Path) -> None:
    """A month is a list of its own: ``R`` there marks every day of the month
    and nothing of the others, in one undo step."""
    write_config(mark_read_after=0)
    folder = copy_samples(tmp_path / "digests")
    early_july = date(2021, 7, 5)
    extra = [("2107.00001", "Early July one"), ("2107.00002", "Early July two")]
    (folder / f"{early_july}-cs.CV.md").write_text(api_digest("cs.CV", early_july, extra))
    july = [*LIBRARY.by_date[date(2021, 7, 21)], *(paper_id for paper_id, _ in extra)]
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_month(2021, 7))
        await settle(pilot)
        assert sorted(shown_ids(screen)) == sorted(july)
        await pilot.press("R")
        assert on_disk().read_ids() == set(july)
        assert sidebar_label(screen, Scope("all")) == f"All papers {242 - len(july)}/242"
        await pilot.press("u")
        assert on_disk().read_ids() == set()


async def test_space_goes_to_the_next_unread_paper_then_the_next_day() -> None:
    write_config(mark_read_after=0)
    store = AnnotationStore()
    store.load()
    newest = LIBRARY.by_date[DATES[0]]
    store.mark_read([*newest[1:3], *newest[4:]])  # unread on the newest day: rows 0 and 3
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(Scope.of_day(DATES[0]))
        await settle(pilot)
        await pilot.press("space")
        assert screen.paper_list.cursor == 3
        await pilot.press("space")  # none left on this day: the next (older) one
        await pilot.pause(0.5)
        await settle(pilot)
        assert screen.reader.scope == Scope.of_day(DATES[1])
        assert screen.reader.current is not None
        assert screen.reader.current.id == LIBRARY.by_date[DATES[1]][0]
        assert any(m.startswith("On to") for m in notifications(pilot))


async def test_undo_and_redo_every_kind_of_change_on_disk() -> None:
    write_config(mark_read_after=0)
    first = PAPERS[0].id
    async with make_app().run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("s", "r")
        await pilot.press("n", *"my note", "ctrl+s")
        await pilot.press("t", *"survey", "enter")
        await pilot.pause()
        store = on_disk()
        assert store.starred_ids() == {first} and store.read_ids() == {first}
        assert store.get(first).note == "my note" and store.get(first).tags == {"survey"}
        checks = [
            lambda s: s.get(first).tags == set(),
            lambda s: s.get(first).note is None,
            lambda s: s.read_ids() == set(),
            lambda s: s.starred_ids() == set(),
        ]
        for check in checks:
            await pilot.press("u")
            assert check(on_disk())
        for check in reversed(checks):
            assert check(on_disk())
            await pilot.press("ctrl+r")
            assert not check(on_disk())


async def test_resume_returns_to_the_scope_filter_and_paper(tmp_path: Path) -> None:
    write_config(mark_read_after=0)
    folder = copy_samples(tmp_path / "digests")
    day = Scope.of_day(DATES[2])
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        screen.choose_scope(day)
        await settle(pilot)
        await pilot.press("slash", *"learning", "enter")
        await settle(pilot)
        await pilot.press("j", "j")
        await pilot.pause()
        chosen = screen.reader.current
        assert chosen is not None
    state = tomllib.loads(locations.state_file().read_text())
    assert state["scope"] == day.key and state["query"] == "learning"
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen.reader.scope == day
        assert screen.filter_bar.value == "learning"
        assert screen.reader.current == chosen and screen.paper_list.cursor == 2


async def test_resume_after_the_paper_went_away_takes_the_nearest(tmp_path: Path) -> None:
    write_config(mark_read_after=0)
    folder = copy_samples(tmp_path / "digests")
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        await pilot.press("G", "k", "k")  # near the end: the oldest day's papers
        assert screen.paper_list.cursor == 237
    (folder / "2020-08-21-cs.CV.md").unlink()  # that day's digest is gone
    async with make_app(folder).run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert len(screen.paper_list.rows) == 240 - 47
        assert screen.paper_list.cursor == 240 - 47 - 1  # the nearest row: the last


async def test_a_damaged_state_file_is_a_fresh_start_with_a_notice() -> None:
    path = locations.state_file()
    path.parent.mkdir(parents=True)
    path.write_text("version = [")
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        assert screen.reader.scope == Scope("all") and status_text(screen) == "240 papers"
        assert any("Starting afresh" in m and "state.toml" in m for m in notifications(pilot))


async def test_a_newer_annotations_file_is_shown_but_never_changed() -> None:
    path = locations.annotations_file()
    path.parent.mkdir(parents=True)
    content = (
        f'version = 99\n\n[papers."{PAPERS[0].id}"]\nstarred = true\n'
        'sparkles = "a field from the future"\n'
    ).encode()
    path.write_bytes(content)
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        warnings = [m for m in notifications(pilot) if "newer tuireader" in m]
        assert len(warnings) == 1 and "upgraded" in warnings[0]
        assert shown_ids(screen)[0] == PAPERS[0].id
        assert screen.reader.marks_of(PAPERS[0].id).starred  # shown
        await pilot.press("s", "r", "n", *"x", "ctrl+s")
        await pilot.pause()
        await detail_follows(pilot)
    assert path.read_bytes() == content
    assert not (path.parent / "read-marks.txt").exists()


async def test_counts_made_before_a_mark_are_made_again_and_nothing_else_restarts() -> None:
    """The counting worker's result can come back after marks changed: it
    is counted again (only that: the word index worker is not restarted)."""
    write_config(mark_read_after=0)
    day = Scope.of_day(DATES[1])
    async with make_app().run_test(size=(120, 40)) as pilot:
        screen = await loaded(pilot)
        stale, revision = screen.reader.count(), screen.reader.store.revision
        screen.choose_scope(day)
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        started: list[str] = []
        run = screen.loader.run_in_thread

        def spied(work: Callable[[], object], group: str) -> None:
            started.append(group)
            run(work, group)

        screen.loader.run_in_thread = spied  # type: ignore[method-assign]
        screen.loader.background._counted(stale, revision)  # the late, stale result
        await settle(pilot)
        assert started == ["count"]
        assert sidebar_label(screen, Scope("all")) == "All papers 195/240"
